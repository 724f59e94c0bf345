/* SPDX-License-Identifier: MIT */
/*
 * Shell completions for bash, zsh and fish, written from the command table
 * (commands.c). The build runs `portscope --complete=SHELL` and installs what
 * it prints, so a new command or option completes without anyone editing a
 * script.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static bool has_short(const struct cli_option *o)
{
        return o->val > ' ' && o->val < 0x7f;
}

static bool end(const struct cli_option *o)
{
        return !o->name && !o->val;
}

/* Every option table: the global one first, then each command's. */
#define FOR_TABLES(t, cmd, body)                                                                   \
        do {                                                                                       \
                for (size_t t##_i = 0; t##_i < 3 && (cmd)->options[t##_i]; t##_i++) {              \
                        const struct cli_option *t = (cmd)->options[t##_i];                        \
                        body                                                                       \
                }                                                                                  \
        } while (0)

/* Prints s with every character in bad escaped by a backslash, and single
 * quotes closed and reopened (the text goes inside '...'). */
static void put_escaped(const char *s, const char *bad)
{
        for (; *s; s++) {
                if (*s == '\'')
                        fputs("'\\''", stdout);
                else if (strchr(bad, *s))
                        printf("\\%c", *s);
                else
                        putchar(*s);
        }
}

static void bash_words(const struct cli_option *t, bool values_only)
{
        for (const struct cli_option *o = t; !end(o); o++) {
                if (values_only && o->has_arg != required_argument)
                        continue;
                if (o->name)
                        printf(" --%s", o->name);
                if (has_short(o))
                        printf(" -%c", o->val);
        }
}

/* The case arms that complete an option's value: words, files or directories. */
static void bash_value_arm(const struct cli_option *o)
{
        if (!o->values || o->has_arg == no_argument)
                return;
        printf("        --%s", o->name);
        if (has_short(o))
                printf("|-%c", o->val);
        if (!strcmp(o->values, "@file"))
                printf(")\n                COMPREPLY=($(compgen -f -- \"$cur\"))\n");
        else if (!strcmp(o->values, "@dir"))
                printf(")\n                COMPREPLY=($(compgen -d -- \"$cur\"))\n");
        else
                printf(")\n                COMPREPLY=($(compgen -W '%s' -- \"$cur\"))\n",
                       o->values);
        printf("                return\n                ;;\n");
}

static void bash(void)
{
        printf("# bash completion for portscope(1), generated from its command table\n"
               "# (portscope --complete=bash); edit src/cli/commands.c, not this file.\n"
               "_portscope()\n{\n"
               "        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
               "        local cmd= i w skip=\n"
               "        # \"--state=li\": bash splits the word at \"=\".\n"
               "        if [[ $cur == = ]]; then\n"
               "                cur=\n"
               "        elif [[ $prev == = ]]; then\n"
               "                prev=${COMP_WORDS[COMP_CWORD-2]}\n"
               "        fi\n"
               "        for ((i = 1; i < COMP_CWORD; i++)); do\n"
               "                w=${COMP_WORDS[i]}\n"
               "                if [[ -n $skip ]]; then\n"
               "                        skip=\n"
               "                        continue\n"
               "                fi\n"
               "                case $w in\n"
               "                =) skip=1 ;;\n"
               "                --*=*) ;;\n"
               "                ");
        /* Options whose value is the next word: the command word comes later. */
        bool first = true;
        for (const struct cli_option *o = cli_global_options; !end(o); o++)
                if (o->has_arg == required_argument) {
                        printf("%s--%s", first ? "" : "|", o->name);
                        if (has_short(o))
                                printf("|-%c", o->val);
                        first = false;
                }
        for (size_t i = 0; i < cli_n_commands; i++)
                FOR_TABLES(t, &cli_commands[i], {
                        for (const struct cli_option *o = t; !end(o); o++)
                                if (o->has_arg == required_argument) {
                                        printf("|--%s", o->name);
                                        if (has_short(o))
                                                printf("|-%c", o->val);
                                }
                });
        printf(")\n"
               "                        [[ ${COMP_WORDS[i+1]} == = ]] || skip=1\n"
               "                        ;;\n"
               "                -*) ;;\n"
               "                *)\n"
               "                        cmd=$w\n"
               "                        break\n"
               "                        ;;\n"
               "                esac\n"
               "        done\n"
               "        case $prev in\n");
        for (const struct cli_option *o = cli_global_options; !end(o); o++)
                bash_value_arm(o);
        for (size_t i = 0; i < cli_n_commands; i++)
                FOR_TABLES(t, &cli_commands[i], {
                        for (const struct cli_option *o = t; !end(o); o++) {
                                /* The first command to define an option's values wins. */
                                bool dup = false;
                                for (size_t j = 0; j < i && !dup; j++)
                                        FOR_TABLES(u, &cli_commands[j], {
                                                for (const struct cli_option *p = u; !end(p); p++)
                                                        dup |= p->name && o->name &&
                                                               !strcmp(p->name, o->name) &&
                                                               p->values;
                                        });
                                if (!dup)
                                        bash_value_arm(o);
                        }
                });
        printf("        esac\n"
               "        if [[ $cur == -* ]]; then\n"
               "                local opts='");
        bash_words(cli_global_options, false);
        printf(" '\n                case $cmd in\n");
        for (size_t i = 0; i < cli_n_commands; i++) {
                const struct command *cmd = &cli_commands[i];
                if (!cmd->options[0])
                        continue;
                printf("                %s) opts+='", cmd->name);
                FOR_TABLES(t, cmd, { bash_words(t, false); });
                printf("' ;;\n");
        }
        printf("                esac\n"
               "                COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
               "                return\n"
               "        fi\n"
               "        case $cmd in\n"
               "        '')\n"
               "                COMPREPLY=($(compgen -W '");
        for (size_t i = 0; i < cli_n_commands; i++)
                printf("%s%s", i ? " " : "", cli_commands[i].name);
        printf("' -- \"$cur\"))\n"
               "                ;;\n");
        const char *kinds[] = { "@command", "@file" };
        for (size_t k = 0; k < 2; k++) {
                bool any = false;
                for (size_t i = 0; i < cli_n_commands; i++)
                        if (cli_commands[i].complete &&
                            !strcmp(cli_commands[i].complete, kinds[k])) {
                                printf("%s%s", any ? "|" : "        ", cli_commands[i].name);
                                any = true;
                        }
                if (!any)
                        continue;
                if (k == 0) {
                        printf(")\n                COMPREPLY=($(compgen -W '");
                        for (size_t i = 0; i < cli_n_commands; i++)
                                printf("%s%s", i ? " " : "", cli_commands[i].name);
                        printf("' -- \"$cur\"))\n                ;;\n");
                } else {
                        printf(")\n                COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                               "                ;;\n");
                }
        }
        printf("        esac\n}\ncomplete -F _portscope portscope\n");
}

/* One _arguments spec per option name: "--color=[help]:WHEN:(auto always never)". */
static void zsh_option(const struct cli_option *o, const char *indent, const char *suffix)
{
        const char *forms[2] = { NULL, NULL };
        char shortform[3] = { '-', (char)o->val, '\0' };
        char longform[80];
        if (o->name) {
                snprintf(longform, sizeof(longform), "--%s", o->name);
                forms[0] = longform;
        }
        if (has_short(o))
                forms[1] = shortform;
        for (int k = 0; k < 2; k++) {
                if (!forms[k])
                        continue;
                printf("%s'%s%s[", indent, forms[k],
                       o->has_arg == no_argument         ? ""
                       : k == 1                          ? "+"
                       : o->has_arg == optional_argument ? "=-"
                                                         : "=");
                put_escaped(o->help, "[]:\\");
                printf("]");
                if (o->has_arg != no_argument) {
                        printf(":%s:", o->arg ? o->arg : "VALUE");
                        if (!o->values)
                                printf(" ");
                        else if (!strcmp(o->values, "@file"))
                                printf("_files");
                        else if (!strcmp(o->values, "@dir"))
                                printf("_files -/");
                        else
                                printf("(%s)", o->values);
                }
                printf("'%s\n", suffix);
        }
}

static void zsh(void)
{
        printf("#compdef portscope\n"
               "# zsh completion for portscope(1), generated from its command table\n"
               "# (portscope --complete=zsh); edit src/cli/commands.c, not this file.\n"
               "_portscope() {\n"
               "        local curcontext=$curcontext state line ret=1\n"
               "        local -a globals commands\n"
               "        globals=(\n");
        for (const struct cli_option *o = cli_global_options; !end(o); o++)
                zsh_option(o, "                ", "");
        printf("        )\n        commands=(\n");
        for (size_t i = 0; i < cli_n_commands; i++) {
                printf("                '%s:", cli_commands[i].name);
                put_escaped(cli_commands[i].summary, ":\\");
                printf("'\n");
        }
        printf("        )\n"
               "        _arguments -C $globals '1: :->command' '*:: :->args' && ret=0\n"
               "        case $state in\n"
               "        command)\n"
               "                _describe -t commands 'portscope command' commands && ret=0\n"
               "                ;;\n"
               "        args)\n"
               "                case $words[1] in\n");
        for (size_t i = 0; i < cli_n_commands; i++) {
                const struct command *cmd = &cli_commands[i];
                printf("                %s)\n                        _arguments $globals \\\n",
                       cmd->name);
                FOR_TABLES(t, cmd, {
                        for (const struct cli_option *o = t; !end(o); o++)
                                zsh_option(o, "                                ", " \\");
                });
                if (cmd->complete && !strcmp(cmd->complete, "@file"))
                        printf("                                '*:file:_files'");
                else if (cmd->complete && !strcmp(cmd->complete, "@command"))
                        printf("                                '1:command:(");
                else
                        printf("                                '*: :'");
                if (cmd->complete && !strcmp(cmd->complete, "@command")) {
                        for (size_t j = 0; j < cli_n_commands; j++)
                                printf("%s%s", j ? " " : "", cli_commands[j].name);
                        printf(")'");
                }
                printf(" && ret=0\n                        ;;\n");
        }
        printf("                esac\n"
               "                ;;\n"
               "        esac\n"
               "        return ret\n"
               "}\n"
               "_portscope \"$@\"\n");
}

static void fish_option(const char *cond, const struct cli_option *o)
{
        printf("complete -c portscope");
        if (cond)
                printf(" -n '__fish_seen_subcommand_from %s'", cond);
        if (o->name)
                printf(" -l %s", o->name);
        if (has_short(o))
                printf(" -s %c", o->val);
        if (o->has_arg != no_argument) {
                if (o->values && (!strcmp(o->values, "@file") || !strcmp(o->values, "@dir")))
                        printf(" -r -F");
                else if (o->values)
                        printf(" -x -a '%s'", o->values);
                else
                        printf(" -x");
        }
        printf(" -d '");
        put_escaped(o->help, "");
        printf("'\n");
}

static void fish(void)
{
        printf("# fish completion for portscope(1), generated from its command table\n"
               "# (portscope --complete=fish); edit src/cli/commands.c, not this file.\n"
               "set -l commands");
        for (size_t i = 0; i < cli_n_commands; i++)
                printf(" %s", cli_commands[i].name);
        printf("\ncomplete -c portscope -f\n");
        for (size_t i = 0; i < cli_n_commands; i++) {
                printf("complete -c portscope -n \"not __fish_seen_subcommand_from $commands\" "
                       "-a %s -d '",
                       cli_commands[i].name);
                put_escaped(cli_commands[i].summary, "");
                printf("'\n");
        }
        for (const struct cli_option *o = cli_global_options; !end(o); o++)
                fish_option(NULL, o);
        for (size_t i = 0; i < cli_n_commands; i++) {
                const struct command *cmd = &cli_commands[i];
                FOR_TABLES(t, cmd, {
                        for (const struct cli_option *o = t; !end(o); o++)
                                fish_option(cmd->name, o);
                });
                if (cmd->complete && !strcmp(cmd->complete, "@file"))
                        printf("complete -c portscope -n '__fish_seen_subcommand_from %s' -F\n",
                               cmd->name);
                else if (cmd->complete && !strcmp(cmd->complete, "@command"))
                        printf("complete -c portscope -n '__fish_seen_subcommand_from %s' "
                               "-x -a \"$commands\"\n",
                               cmd->name);
        }
}

int cli_completion(const char *shell)
{
        if (!strcmp(shell, "bash"))
                bash();
        else if (!strcmp(shell, "zsh"))
                zsh();
        else if (!strcmp(shell, "fish"))
                fish();
        else
                return cli_error(EXIT_USAGE, _("--complete: expected bash, zsh or fish"));
        return fflush(stdout) == EOF ? cli_error(EXIT_SYSTEM, _("writing output failed"))
                                     : EXIT_FOUND;
}
