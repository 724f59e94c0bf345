#!/usr/bin/env bash
# The report renderers against golden output: text and JSON of the seed ports,
# the ports issue 9 found wrong, a port with a listener, a range and a name,
# all read from fixtures (tests/data/proc, tests/data/nmap-services-fixture),
# so the output does not depend on this machine. Notes are compared by title
# and tags only, so that editing a note's text needs no new golden files. Each
# JSON document is also validated against docs/schema/.
#
# After a deliberate change to a report, regenerate the files and review the diff:
#     tests/test-golden.sh build/portscope --update && git diff tests/data/golden/
set -u
PS=$(realpath "$1")
update=${2:-}
cd "$(dirname "$0")"
. ./lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" PORTSCOPE_NMAP_SERVICES=data/nmap-services-fixture
# This machine's /etc/services would make the local names differ by host.
export PORTSCOPE_SERVICES=data/services-fixture
export LC_ALL=C LANGUAGE= NO_COLOR=1
unset PORTSCOPE_DB
golden=data/golden

cases="1712 1322 912 1647 817 817/tcp 0 585 15 53/udp 22 60000 1712/sctp 811-827/tcp ntp monitoring"

for arg in $cases; do
        name=${arg//\//_}
        for fmt in txt json; do
                flag=
                [ "$fmt" = json ] && flag=--json
                "$PS" --no-color --proc-root data/proc $flag "$arg" >"$tmp/raw" 2>"$tmp/err"
                rc=$?
                [ "$fmt" = json ] && cp "$tmp/raw" "$tmp/$name.json"
                # The notes change as they are written: keep each note's title and
                # tags, not its text; and the documentation's installed path.
                if [ "$fmt" = json ]; then
                        python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
if isinstance(d.get("notes"), list):
    d["notes"] = [{k: n[k] for k in ("id", "title", "tags", "confidence")} for n in d["notes"]]
print(json.dumps(d, indent=2))' "$tmp/raw" >"$tmp/out"
                else
                        awk '/^Notes$/ {inn = 1; print; next}
                             inn && /^  Prevalence/ {inn = 0}
                             inn {if ($0 ~ /^  [^ ]/ || $0 ~ /^    Tags/) print; next}
                             {print}' "$tmp/raw" |
                                sed -E 's|\([^ ]*notes\.md: how to add one\)|(notes.md: how to add one)|' >"$tmp/out"
                fi
                echo "exit $rc" >>"$tmp/out"
                cat "$tmp/err" >>"$tmp/out"
                if [ "$update" = --update ]; then
                        mkdir -p "$golden"
                        cp "$tmp/out" "$golden/$name.$fmt"
                fi
                diff -u "$golden/$name.$fmt" "$tmp/out" >"$tmp/diff" 2>&1
                check "$arg ($fmt) matches $golden/$name.$fmt" $?
                [ -s "$tmp/diff" ] && diag "$(head -20 "$tmp/diff")"
        done
done

# The documents against their schemas.
if python3 -c 'import jsonschema, referencing' 2>/dev/null; then
        python3 - "$tmp" ../docs/schema $cases <<'PY' >"$tmp/schema.out"
import json, os, sys
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
tmp, root, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
resources, validators = [], {}
for f in os.listdir(root):
    if f.endswith(".schema.json"):
        s = json.load(open(os.path.join(root, f)))
        Draft202012Validator.check_schema(s)
        resources.append((s["$id"], Resource.from_contents(s)))
        validators[f[: -len(".schema.json")]] = s
reg = Registry().with_resources(resources)
for arg in cases:
    doc = json.load(open(os.path.join(tmp, arg.replace("/", "_") + ".json")))
    errs = list(Draft202012Validator(validators[doc["kind"]], registry=reg).iter_errors(doc))
    print(("PASS" if not errs else "FAIL"), arg, errs[0].message[:200] if errs else "")
PY
        while read -r res arg msg; do
                [ "$res" = PASS ]
                check "$arg --json validates against docs/schema/" $?
                [ -n "$msg" ] && diag "$msg"
        done <"$tmp/schema.out"
else
        skip "python3-jsonschema is not installed"
fi
done_testing
