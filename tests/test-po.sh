#!/usr/bin/env bash
# The message catalogs (docs/translations.md):
# - every source file that marks sentences (_(), N_(), ngettext()) is listed in po/POTFILES,
#   and every listed file exists;
# - every po/LL.po passes `msgfmt --check --statistics` with nothing untranslated or fuzzy,
#   and declares the plural forms docs/translations.md documents;
# - every message of the sources is translated in every po/LL.po: a sentence marked in
#   the sources but missing from a catalog (or there untranslated or fuzzy) fails, so it
#   cannot print in English inside a translated program unnoticed;
# - no error message is left unmarked: a string literal with words given straight to
#   cli_error(), cli_fail(), portscope-fetch's fail() or fprintf() as a "portscope..."
#   line fails (mark it with _()).
# Usage: test-po.sh SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
root=$1
cd "$root" || exit 2

if ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null; then
        skip "msgfmt and xgettext are not installed (Debian gettext)"
        done_testing
        exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Files that mark sentences, against the list xgettext reads.
grep -rlE '\b(N?_|n?gettext)\(' --include='*.c' --include='*.h' src | grep -v '^src/shared/i18n\.h$' |
        sort >"$tmp/marking"
sort -u po/POTFILES >"$tmp/listed"
missing=$(comm -23 "$tmp/marking" "$tmp/listed")
check "every source file that marks sentences is in po/POTFILES${missing:+ (add: $(echo $missing))}" \
        "$([ -z "$missing" ] && echo 0 || echo 1)"
gone=$(while read -r f; do [ -f "$f" ] || echo "$f"; done <po/POTFILES)
check "every file in po/POTFILES exists${gone:+ (gone: $(echo $gone))}" "$([ -z "$gone" ] && echo 0 || echo 1)"

# The extracted template, as the portscope-pot target makes it.
existing=$(while read -r f; do [ -f "$f" ] && echo "$f"; done <po/POTFILES)
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
        --add-comments=TRANSLATORS: -o "$tmp/portscope.pot" $existing 2>"$tmp/xgettext.err"
check "xgettext extracts the template" $?
[ -f "$tmp/portscope.pot" ] || printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' >"$tmp/portscope.pot"
total=$(msgfmt --statistics -o /dev/null "$tmp/portscope.pot" 2>&1 | grep -oE '[0-9]+ untranslated' | grep -oE '[0-9]+')
diag "the sources have ${total:-0} messages"

declare -A plural=(
        [de]='nplurals=2; plural=(n != 1);'
        [cs]='nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;'
        [pt]='nplurals=2; plural=(n != 1);'
        [el]='nplurals=2; plural=(n != 1);'
        [ug]='nplurals=2; plural=(n != 1);'
)
for l in $(grep -v '^#' po/LINGUAS); do
        po=po/$l.po
        stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
        rc=$?
        diag "$l: $stats"
        bad=0
        [ $rc -eq 0 ] || bad=1
        case $stats in *untranslated* | *fuzzy*) bad=1 ;; esac
        check "$l: msgfmt --check passes, nothing untranslated or fuzzy" $bad
        grep -qF "\"Plural-Forms: ${plural[$l]}\\n\"" "$po"
        check "$l: Plural-Forms is ${plural[$l]}" $?
        grep -qF "\"Language: $l\\n\"" "$po"
        check "$l: the header names the language" $?
        # Messages the sources have and this catalog lacks, or has untranslated or fuzzy:
        # merged in, they show as untranslated (or fuzzy, without --no-fuzzy-matching).
        msgmerge --quiet --no-fuzzy-matching -o "$tmp/$l.po" "$po" "$tmp/portscope.pot" 2>/dev/null
        # Untranslated (an empty msgstr) or fuzzy, one msgid per line.
        python3 - "$tmp/$l.po" >"$tmp/$l.missing" <<'PY'
import re, sys
for block in open(sys.argv[1], encoding="utf-8").read().split("\n\n"):
    if block.lstrip().startswith("#~"):
        continue
    fields, key = {}, None
    for line in block.splitlines():
        m = re.match(r'(msgid|msgid_plural|msgstr(\[\d+\])?) (".*")$', line)
        if m:
            key = m.group(1)
            fields[key] = eval(m.group(3))
        elif line.startswith('"') and key:
            fields[key] += eval(line)
    if not fields.get("msgid"):
        continue
    strs = [v for k, v in fields.items() if k.startswith("msgstr")]
    if "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) or not strs or "" in strs:
        print(fields["msgid"].replace("\n", "\\n"))
PY
        new=$(grep -c . "$tmp/$l.missing")
        for m in $(seq 1 "$(( new < 5 ? new : 5 ))"); do
                diag "$l: not translated: $(sed -n "${m}p" "$tmp/$l.missing")"
        done
        [ "$new" -eq 0 ]
        check "$l: every one of the ${total:-0} messages in the sources is translated in $po ($new missing)" $?
done

# Error messages written as bare literals: English in every language. Literals given
# straight to cli_error(), cli_fail() and portscope-fetch's fail(), and fprintf() lines
# that start "portscope"; a literal counts when, without its format directives and the
# program's name, it still has a word. A line kept English on purpose says why in a
# comment starting NOTRANSLATE: just before the call.
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 -k --keyword=cli_error:2 --keyword=cli_fail:2 --keyword=fail:2 \
        --add-comments=NOTRANSLATE: -o "$tmp/bare-err.pot" $(find src -name '*.c' | sort) 2>/dev/null
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 -k --keyword=fprintf:2 --add-comments=NOTRANSLATE: \
        -o "$tmp/bare-fprintf.pot" $(find src -name '*.c' | sort) 2>/dev/null
bare=$(python3 - "$tmp/bare-err.pot" "$tmp/bare-fprintf.pot" <<'PY'
import re, sys
directive = re.compile(r"%(\d+\$)?[-+ #0']*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|z|j|t|L)?[a-zA-Z%]")
for i, path in enumerate(sys.argv[1:]):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        continue
    # An entry: its comments, then msgid. A comment "NOTRANSLATE: why" before the
    # call keeps a line English on purpose (one that scripts read).
    for m in re.finditer(r'((?:^#.*\n)*)^msgid ((?:".*"\n)+)', text, re.M):
        if "#. NOTRANSLATE:" in m.group(1):
            continue
        msg = "".join(eval(line) for line in m.group(2).splitlines())
        if not msg or (i == 1 and not msg.startswith("portscope")):
            continue
        # The program's name and command or option labels ("votes: ", "--listen: ") are
        # not sentences.
        rest = re.sub(r"^portscope(-web|-fetch)?: ((--)?[a-z][-a-z]*: )*", "", directive.sub("", msg))
        if re.search(r"[A-Za-z]{3,}", rest):
            print(msg.replace("\n", "\\n"))
PY
)
n_bare=$(printf '%s' "$bare" | grep -c . || true)
printf '%s\n' "$bare" | head -5 | while IFS= read -r m; do [ -n "$m" ] && diag "not marked for translation: $m"; done
[ -z "$bare" ]
check "no error message is a bare English literal ($n_bare found)" $?
done_testing
