#!/usr/bin/env bash
# The bash, zsh and fish completions the build generates from the command
# table: they load, complete commands, options and values, and know every
# command and option the program's help lists.
set -u
PS=$1
BASH_COMP=$2
ZSH_COMP=$3
FISH_COMP=$4
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC1090
. "$BASH_COMP"
[ "$(complete -p portscope)" = "complete -F _portscope portscope" ]
check "bash: complete -p portscope after sourcing" $?

comp() { # comp WORD...: completes the last word, sets reply (sorted, one line)
        COMP_WORDS=(portscope "$@")
        COMP_CWORD=$#
        COMPREPLY=()
        _portscope
        reply=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
}
comp l
[ "$reply" = "ls " ]
check "bash: l completes to ls" $?
comp ''
for c in $("$PS" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}'); do
        case " $reply " in *" $c "*) ;; *) false ;; esac || break
done
check "bash: an empty word completes to every command in --help" $?
comp ls --st
[ "$reply" = "--state " ]
check "bash: ls --st completes to --state" $?
comp ls --state ti
[ "$reply" = "time-wait " ]
check "bash: ls --state ti completes to time-wait" $?
comp ls --state = li
[ "$reply" = "listen " ]
check "bash: ls --state=li (split at =) completes to listen" $?
comp --color a
[ "$reply" = "always auto " ]
check "bash: --color a completes to always auto" $?
comp --db x.db h
[ "$reply" = "help " ]
check "bash: the value of --db is not taken for the command word" $?
comp help w
[ "$reply" = "who " ]
check "bash: help w completes to who" $?
comp audit --fail-on h
[ "$reply" = "high " ]
check "bash: audit --fail-on h completes to high" $?
touch "$tmp/registry-file.xml"
comp update "$tmp/registry-f"
[ "$reply" = "$tmp/registry-file.xml " ]
check "bash: update completes file names" $?
# Every option of every command's help completes after that command.
bad=0
for c in $("$PS" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}'); do
        comp "$c" -
        for o in $("$PS" help "$c" | sed -n '/^Options:/,/^$/p' | grep -oE -- '(^|[ ,])-(-[a-z][a-z-]*|[A-Za-z0-9])' | tr -d ' ,'); do
                case " $reply " in *" $o "*) ;; *) bad=1; diag "$c: $o does not complete" ;; esac
        done
done
check "bash: every option in each command's help completes after the command" $bad
# The same through compgen, as a completion framework calls it.
COMP_WORDS=(portscope sugg)
COMP_CWORD=1
out=$(compgen -F _portscope -- sugg 2>/dev/null)
[ "$out" = "suggest" ]
check "bash: compgen -F _portscope completes sugg to suggest" $?

if command -v zsh >/dev/null; then
        mkdir "$tmp/zfunc"
        cp "$ZSH_COMP" "$tmp/zfunc/_portscope"
        zsh -n "$tmp/zfunc/_portscope"
        check "zsh: the completion parses" $?
        out=$(zsh -f -c "fpath=($tmp/zfunc \$fpath); autoload -U compinit; compinit -u -d $tmp/zcompdump; print -r -- \$_comps[portscope]" 2>&1)
        [ "$out" = "_portscope" ]
        check "zsh: compinit registers _portscope for portscope" $?
        [ "$out" = "_portscope" ] || diag "$out"
else
        skip "zsh not installed"
        skip "zsh not installed"
fi

if command -v fish >/dev/null; then
        fish -n "$FISH_COMP"
        check "fish: the completion parses" $?
        fc() { fish --no-config -c "source $FISH_COMP; complete -C '$1'" 2>&1 | cut -f1 | sort | tr '\n' ' '; }
        [ "$(fc 'portscope l')" = "ls " ]
        check "fish: portscope l completes to ls" $?
        [ "$(fc 'portscope ls --st')" = "--state " ]
        check "fish: portscope ls --st completes to --state" $?
        [ "$(fc 'portscope ls --state=ti')" = "--state=time-wait " ]
        check "fish: portscope ls --state=ti completes to time-wait" $?
        [ "$(fc 'portscope help w')" = "who " ]
        check "fish: portscope help w completes to who" $?
else
        for i in 1 2 3 4 5; do skip "fish not installed"; done
fi

run_bad() { "$PS" --complete=tcsh >"$tmp/out" 2>"$tmp/err"; }
run_bad
[ $? -eq 2 ] && [ "$(cat "$tmp/err")" = "portscope: --complete: expected bash, zsh or fish" ]
check "--complete for an unknown shell: exit 2, one line" $?

done_testing
