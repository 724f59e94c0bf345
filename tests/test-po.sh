#!/usr/bin/env bash
# The message catalogs (docs/translations.md):
# - every source file that marks sentences (_(), N_(), ngettext()) is listed in po/POTFILES,
#   and every listed file exists;
# - every po/LL.po passes `msgfmt --check --statistics` with nothing untranslated or fuzzy,
#   and declares the plural forms docs/translations.md documents;
# - the messages of the sources that no .po has yet are counted and reported. They print
#   in English until translated; counting, not failing, keeps main green when someone lands
#   a new sentence after the translators' last merge.
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
        # Messages the sources have and this catalog has not: merged in, they show as untranslated.
        msgmerge --quiet --no-fuzzy-matching -o "$tmp/$l.po" "$po" "$tmp/portscope.pot" 2>/dev/null
        new=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/$l.po" 2>&1 | grep -oE '[0-9]+ untranslated' | grep -oE '[0-9]+')
        diag "$l: ${new:-0} of ${total:-0} messages in the sources are not in $po yet (shown in English)"
done
done_testing
