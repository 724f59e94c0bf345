/* SPDX-License-Identifier: MIT */
/* The report model, once, with golden values: every decision a renderer shows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "portscope/portscope.h"
#include "tap.h"

static ps_db *db;
static ps_notes *notes;

static ps_port_report *port(unsigned p, ps_proto proto, unsigned flags, const char *proc_root)
{
        ps_report_opts o = PS_REPORT_OPTS_INIT;
        ps_port_report *r = NULL;
        o.db = db;
        o.notes = notes;
        o.flags = flags | PS_REPORT_NO_CACHE;
        o.nmap_services = "data/nmap-services-fixture";
        o.proc_root = proc_root;
        o.services_file = "data/services-fixture";
        int k = ps_port_report_build(&o, p, proto, &r);
        if (!ok(k == 0 && r, "report for %u/%s builds", p,
                proto == PS_PROTO_ANY ? "any" : ps_proto_name(proto)))
                exit(tap_done());
        return r;
}

/* The answer to a question, or -1 when the report has none. */
static int answer(const ps_port_report *r, ps_faq_question q, const ps_report_item **ret)
{
        for (size_t i = 0; i < r->n_faq; i++)
                if (ps_port_report_faq_at(r, i)->question == (int)q) {
                        *ret = ps_port_report_faq_at(r, i);
                        return (*ret)->code;
                }
        return -1;
}

static bool has_advice(const ps_port_report *r, ps_advice a)
{
        for (size_t i = 0; i < r->n_advice; i++)
                if (ps_port_report_advice_at(r, i)->code == (int)a)
                        return true;
        return false;
}

static const ps_report_check *check(const ps_port_report *r, ps_os os)
{
        return ps_port_report_check_at(r, (size_t)os);
}

static void test_1712(void)
{
        ps_port_report *r = port(1712, PS_PROTO_ANY, PS_REPORT_PREVALENCE, NULL);
        const ps_report_item *f;
        ok(r->found, "1712: found");
        is_int(r->status, PS_PORT_ASSIGNED, "1712: assigned");
        is_int(r->title.code, PS_HEADLINE_ASSIGNED, "1712: headline names the service");
        is_str(r->title.text, "registrar", "1712: headline service");
        is_str(r->title.text2, "resource monitoring service", "1712: headline description");
        is_int(r->n_groups, 1, "1712: tcp and udp records form one group");
        is_int(ps_port_report_group_at(r, 0)->protocols,
               PS_PROTO_BIT(PS_PROTO_TCP) | PS_PROTO_BIT(PS_PROTO_UDP), "1712: group is tcp+udp");
        is_int(r->n_statuses, 2, "1712: a status for tcp and one for udp");
        ok(!r->statuses_differ, "1712: tcp and udp agree");
        is_int(r->range.cls, PS_RANGE_USER, "1712: user range");
        is_int(r->range_note, PS_RANGE_NOTE_CLASS, "1712: the range's own explanation");
        ok(r->n_notes >= 1, "1712: the Exchange note");
        const ps_report_note *n = ps_port_report_note_at(r, 0);
        is_str(n->note.slug, "1712-exchange-static-mapi", "1712: note slug");
        is_int(n->n_ports, 1, "1712: the note's ports fold to one group");
        is_int(ps_report_note_ports_at(n, 0)->protocols, PS_PROTO_BIT(PS_PROTO_TCP),
               "1712: the note is about tcp");
        is_int(r->prevalence_state, PS_PREVALENCE_FOUND, "1712: prevalence from the fixture");
        is_int(r->n_prevalence, 2, "1712: tcp and udp prevalence");
        is_int(ps_port_report_prevalence_at(r, 0)->rank, 4, "1712/tcp: rank 4 in the fixture");
        is_int(r->n_advice, 0, "1712: an assigned port needs no advice");
        is_int(r->previous_port, 1711, "1712: previous registered port");
        is_int(r->next_port, 1713, "1712: next registered port");
        is_int(r->n_faq, _PS_FAQ_QUESTION_MAX, "1712: every question answered");
        is_int(answer(r, PS_FAQ_TCP_OR_UDP, &f), PS_FAQ_PROTO_REGISTERED, "1712: tcp or udp");
        is_int(f->protocols, PS_PROTO_BIT(PS_PROTO_TCP) | PS_PROTO_BIT(PS_PROTO_UDP),
               "1712: registered for both");
        is_int(answer(r, PS_FAQ_WHO_REGISTERED, &f), PS_FAQ_WHO_ASSIGNEE, "1712: who");
        is_str(f->text, "Ron Lawson", "1712: Ron Lawson registered it");
        is_int(answer(r, PS_FAQ_WHY_LISTENING, &f), PS_FAQ_WHY_NOTED, "1712: why: the note");
        is_int(answer(r, PS_FAQ_OWN_SERVICE, &f), PS_FAQ_OWN_TAKEN, "1712: own use: taken");
        ok(f->number > 1024 && f->number == r->suggested_port, "1712: a suggested port (%u)",
           f->number);
        ps_port_report *s = port(r->suggested_port, PS_PROTO_ANY, 0, NULL);
        ok(s->status != PS_PORT_ASSIGNED && !s->n_notes,
           "the suggestion is free in the registry and the notes");
        ps_port_report_free(s);
        const ps_report_check *c = check(r, PS_OS_LINUX);
        is_int(c->n_commands, 2, "1712: two Linux commands");
        is_str(c->commands[0], "ss -tuapn 'sport = :1712 or dport = :1712'", "1712: ss tcp+udp");
        is_str(c->commands[1], "sudo lsof -nP -i :1712", "1712: lsof tcp+udp");
        is_str(check(r, PS_OS_WINDOWS)->commands[0], "netstat -ano | findstr /C:\":1712 \"",
               "1712: findstr matches the port exactly");
        ok(!r->have_local, "1712: no local facts unless asked");
        ps_port_report_free(r);
}

/* Issue 9: a protocol filter dropped protocol-less Unassigned/Reserved blocks. */
static void test_blocks(void)
{
        ps_port_report *r = port(817, PS_PROTO_TCP, 0, NULL);
        is_int(r->status, PS_PORT_UNASSIGNED, "817/tcp: unassigned, not 'not registered'");
        is_int(r->title.code, PS_HEADLINE_UNASSIGNED_BLOCK, "817/tcp: part of a block");
        ok(r->title.number == 811 && r->title.number2 == 827, "817/tcp: block 811-827");
        is_int(ps_port_report_group_at(r, 0)->protocols, PS_PROTO_BIT(PS_PROTO_NONE),
               "817/tcp: the block has no protocol");
        ok(has_advice(r, PS_ADVICE_SYSTEM_NO_SERVICE) && !has_advice(r, PS_ADVICE_NOT_REGISTERED),
           "817/tcp: system port with no service, not 'nothing registered'");
        ok(r->found, "817/tcp: found");
        ps_port_report_free(r);

        r = port(29660, PS_PROTO_TCP, 0, NULL);
        ok(r->title.code == PS_HEADLINE_UNASSIGNED_BLOCK && r->title.number == 29170 &&
                   r->title.number2 == 29998,
           "29660/tcp: part of 29170-29998");
        ps_port_report_free(r);

        ps_report_opts o = PS_REPORT_OPTS_INIT;
        ps_range_report *rr;
        o.db = db;
        ok(ps_range_report_build(&o, 811, 827, PS_PROTO_TCP, &rr) == 0, "811-827/tcp builds");
        ok(rr->found && rr->n_groups >= 1 &&
                   ps_range_report_group_at(rr, 0)->record.port_lo == 811 &&
                   ps_range_report_group_at(rr, 0)->record.port_hi == 827,
           "811-827/tcp: the protocol-less block is listed");
        ps_range_report_free(rr);
}

/* Issue 9: nameless records have their own status and a readable headline. */
static void test_nameless(void)
{
        ps_port_report *r = port(585, PS_PROTO_ANY, 0, NULL);
        const ps_report_item *f;
        is_int(r->status, PS_PORT_DEREGISTERED, "585: de-registered");
        is_int(r->title.code, PS_HEADLINE_DEREGISTERED, "585: headline 'De-registered'");
        is_int(ps_port_report_group_at(r, 0)->status, PS_PORT_DEREGISTERED, "585: group status");
        ok(has_advice(r, PS_ADVICE_DEREGISTERED), "585: advice says IANA withdrew it");
        is_int(answer(r, PS_FAQ_WHO_REGISTERED, &f), PS_FAQ_WHO_DEREGISTERED,
               "585: who: nobody now");
        ps_port_report_free(r);

        r = port(15, PS_PROTO_TCP, 0, NULL);
        is_int(r->status, PS_PORT_UNASSIGNED, "15/tcp: unassigned");
        is_int(r->title.code, PS_HEADLINE_UNASSIGNED_FORMER, "15/tcp: headline with former name");
        is_str(r->title.text, "netstat", "15/tcp: formerly netstat");
        is_str(ps_port_report_group_at(r, 0)->former_name, "netstat",
               "15/tcp: group's former name");
        ps_port_report_free(r);

        static const struct {
                unsigned port;
                ps_proto proto;
                ps_port_status status;
        } cases[] = {
                { 24, PS_PROTO_TCP, PS_PORT_PRIVATE_USE },
                { 1109, PS_PROTO_TCP, PS_PORT_RESERVED },
                { 659, PS_PROTO_TCP, PS_PORT_DEREGISTERED },
                { 1008, PS_PROTO_UDP, PS_PORT_UNASSIGNED },
                { 2925, PS_PROTO_UDP, PS_PORT_UNASSIGNED },
                { 9006, PS_PROTO_TCP, PS_PORT_DEREGISTERED },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                r = port(cases[i].port, cases[i].proto, 0, NULL);
                is_int(r->status, cases[i].status, ps_port_status_name(cases[i].status));
                ps_port_report_free(r);
        }
}

/* Issue 9: port 0 tells one story. */
static void test_zero(void)
{
        ps_port_report *r = port(0, PS_PROTO_ANY, PS_REPORT_LOCAL, "data/proc");
        const ps_report_item *f;
        is_int(r->status, PS_PORT_RESERVED, "0: reserved");
        is_int(r->range_note, PS_RANGE_NOTE_ZERO,
               "0: the system range's privilege rule is not its own");
        ok(has_advice(r, PS_ADVICE_PORT_ZERO), "0: the port-0 advice");
        ok(!has_advice(r, PS_ADVICE_SYSTEM_NO_SERVICE),
           "0: no 'a listener here is legacy software'");
        ok(r->have_local && !r->local.privileged, "0: binding 0 needs no privilege");
        ok(r->local.listeners == NULL && !r->local.listeners_error, "0: no listener lookup");
        bool bind_zero = false, privileged = false;
        for (size_t i = 0; i < r->n_local_facts; i++) {
                int code = ps_port_report_local_fact_at(r, i)->code;
                bind_zero |= code == PS_LOCAL_BIND_ZERO;
                privileged |= code == PS_LOCAL_PRIVILEGED || code == PS_LOCAL_NO_LISTENER;
        }
        ok(bind_zero && !privileged, "0: local facts say what a bind to 0 does, nothing else");
        is_int(answer(r, PS_FAQ_WHY_LISTENING, &f), PS_FAQ_WHY_ZERO, "0: why: nothing can");
        is_int(answer(r, PS_FAQ_SAFE_TO_EXPOSE, &f), PS_FAQ_SAFE_ZERO, "0: nothing to expose");
        is_int(answer(r, PS_FAQ_OWN_SERVICE, &f), PS_FAQ_OWN_ZERO, "0: own use: no");
        is_int(check(r, PS_OS_LINUX)->gap, PS_CHECK_PORT_ZERO, "0: Linux: capture, not ss");
        is_str(check(r, PS_OS_LINUX)->commands[0], "sudo tcpdump -n 'tcp port 0 or udp port 0'",
               "0: tcpdump");
        is_int(check(r, PS_OS_WINDOWS)->n_commands, 0, "0: no Windows command");
        ps_port_report_free(r);
}

static void test_protocols(void)
{
        ps_port_report *r = port(53, PS_PROTO_UDP, 0, NULL);
        is_int(r->n_statuses, 1, "53/udp: one status");
        is_int(r->n_groups, 1, "53/udp: the udp record only");
        is_str(check(r, PS_OS_LINUX)->commands[0], "ss -uapn 'sport = :53 or dport = :53'",
               "53/udp: ss -u");
        is_str(check(r, PS_OS_LINUX)->commands[1], "sudo lsof -nP -iUDP:53", "53/udp: lsof UDP");
        is_str(check(r, PS_OS_WINDOWS)->commands[1],
               "Get-NetUDPEndpoint -LocalPort 53 | Select-Object OwningProcess",
               "53/udp: PowerShell UDP endpoint");
        ok(has_advice(r, PS_ADVICE_BROWSER_UNSAFE), "53: browsers refuse it");
        ps_port_report_free(r);

        r = port(1712, PS_PROTO_SCTP, 0, NULL);
        ok(!r->found && r->status == PS_PORT_NOT_REGISTERED, "1712/sctp: not found");
        ok(has_advice(r, PS_ADVICE_NOT_REGISTERED), "1712/sctp: nothing registered over sctp");
        const ps_report_check *c = check(r, PS_OS_LINUX);
        ok(c->n_commands == 1 &&
                   !strcmp(c->commands[0], "ss -Sapn 'sport = :1712 or dport = :1712'"),
           "1712/sctp: ss -S, and no lsof (it has no sctp filter)");
        ok(check(r, PS_OS_MACOS)->gap == PS_CHECK_NO_PROTOCOL && !check(r, PS_OS_MACOS)->n_commands,
           "1712/sctp: macOS has no sctp");
        ps_port_report_free(r);

        r = port(1712, PS_PROTO_DCCP, 0, NULL);
        is_str(check(r, PS_OS_LINUX)->commands[0], "ss -dapn 'sport = :1712 or dport = :1712'",
               "1712/dccp: ss -d");
        is_int(check(r, PS_OS_WINDOWS)->gap, PS_CHECK_NO_PROTOCOL, "1712/dccp: Windows has none");
        ps_port_report_free(r);

        r = port(60000, PS_PROTO_ANY, 0, NULL);
        ok(has_advice(r, PS_ADVICE_DYNAMIC_UNREGISTERED), "60000: IANA never assigns there");
        const ps_report_item *f;
        is_int(answer(r, PS_FAQ_OWN_SERVICE, &f), PS_FAQ_OWN_DYNAMIC,
               "60000: own use: dynamic (a range note is not a user of the port)");
        ps_port_report_free(r);
}

static void test_names(void)
{
        ps_report_opts o = PS_REPORT_OPTS_INIT;
        ps_name_report *r;
        o.db = db;
        ok(ps_name_report_build(&o, "NTP", PS_PROTO_ANY, &r) == 0, "ntp builds");
        ok(r->found && r->n_groups == 1, "ntp: one group");
        const ps_report_group *g = ps_name_report_group_at(r, 0);
        ok(g->record.port_lo == 123 &&
                   g->protocols == (PS_PROTO_BIT(PS_PROTO_TCP) | PS_PROTO_BIT(PS_PROTO_UDP)),
           "ntp: 123 over tcp and udp");
        ps_name_report_free(r);

        ok(ps_name_report_build(&o, "http", PS_PROTO_ANY, &r) == 0, "http builds");
        bool www = false;
        for (size_t i = 0; i < r->n_groups; i++)
                for (size_t k = 0; k < ps_name_report_n_aliases(r, i); k++)
                        www |= !strcmp(ps_name_report_alias_at(r, i, k), "www");
        ok(www, "http: www is another name on port 80");
        ps_name_report_free(r);

        ok(ps_name_report_build(&o, "monitoring", PS_PROTO_ANY, &r) == 0, "unknown name builds");
        ok(!r->found && r->n_similar >= 1 && r->n_similar <= 5, "unknown name: similar records");
        ps_name_report_free(r);

        ok(ps_name_report_build(&o, "", PS_PROTO_ANY, &r) == -EINVAL, "empty name: -EINVAL");
        char long_name[PS_NAME_REPORT_NAME_MAX + 2];
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        ok(ps_name_report_build(&o, long_name, PS_PROTO_ANY, &r) == -ENAMETOOLONG,
           "long name: -ENAMETOOLONG");
}

static void test_contract(void)
{
        ps_report_opts o = PS_REPORT_OPTS_INIT, old;
        ps_port_report *r = (ps_port_report *)&o;
        o.db = db;
        ok(ps_port_report_build(&o, 65536, PS_PROTO_ANY, &r) == -EINVAL &&
                   r == (ps_port_report *)&o,
           "port 65536: -EINVAL, output untouched");
        ok(ps_port_report_build(NULL, 1, PS_PROTO_ANY, &r) == -EINVAL, "no options: -EINVAL");
        ok(ps_port_report_build(&o, 1, PS_PROTO_NONE, &r) == -EINVAL, "protocol none: -EINVAL");
        /* A program built against an older, shorter ps_report_opts. */
        old = o;
        old.size = offsetof(ps_report_opts, flags) + sizeof(old.flags);
        ok(ps_port_report_build(&old, 1712, PS_PROTO_ANY, &r) == 0 && r->found,
           "options of an older, shorter size still work");
        ps_port_report_free(r);
        old.size = 4;
        ok(ps_port_report_build(&old, 1712, PS_PROTO_ANY, &r) == -EINVAL,
           "a size too small: -EINVAL");
        ok(ps_port_report_group_at(NULL, 0) == NULL, "accessors take NULL");
        is_str(ps_port_status_name(PS_PORT_DEREGISTERED), "de_registered", "status names");
        ok(ps_port_status_name(_PS_PORT_STATUS_MAX) == NULL, "an unknown status has no name");
}

/* The local facts of code; how many there are, the first in ret. */
static size_t local_facts(const ps_port_report *r, ps_local_fact code, const ps_report_item **ret)
{
        size_t n = 0;
        for (size_t i = 0; i < r->n_local_facts; i++)
                if (ps_port_report_local_fact_at(r, i)->code == (int)code && !n++)
                        *ret = ps_port_report_local_fact_at(r, i);
        return n;
}

/* IANA's record link, and this machine's services file beside the registry. */
static void test_iana_and_local_names(void)
{
        const ps_report_item *f = NULL;
        ps_port_report *r = port(1712, PS_PROTO_ANY, PS_REPORT_LOCAL, "data/proc");
        is_str(r->iana_url,
               "https://www.iana.org/assignments/service-names-port-numbers/"
               "service-names-port-numbers.xhtml?search=1712",
               "1712: IANA's record link");
        ok(local_facts(r, PS_LOCAL_SERVICES_NAME, &f) == 2,
           "1712: two local names (IANA's own name, bad lines and long names are not)");
        is_str(f->text, "mon-agent", "1712: the first local name, in file order");
        is_int(f->protocols, PS_PROTO_BIT(PS_PROTO_TCP) | PS_PROTO_BIT(PS_PROTO_UDP),
               "1712: a name over tcp and udp is one fact");
        is_str(f->text2, "data/services-fixture", "1712: the fact names the file");
        ps_port_report_free(r);

        r = port(1712, PS_PROTO_SCTP, PS_REPORT_LOCAL, "data/proc");
        ok(local_facts(r, PS_LOCAL_SERVICES_NAME, &f) == 1 && !strcmp(f->text, "edge") &&
                   f->protocols == PS_PROTO_BIT(PS_PROTO_SCTP),
           "1712/sctp: only the sctp entry");
        ps_port_report_free(r);

        r = port(22, PS_PROTO_ANY, PS_REPORT_LOCAL, "data/proc");
        ok(local_facts(r, PS_LOCAL_SERVICES_NAME, &f) == 0,
           "22: IANA's name, and an alias that is IANA's name, are no local names");
        ps_port_report_free(r);

        ps_report_opts o = PS_REPORT_OPTS_INIT;
        o.db = db;
        o.flags = PS_REPORT_LOCAL;
        o.proc_root = "data/proc";
        o.services_file = "data/no-such-services";
        ok(ps_port_report_build(&o, 1712, PS_PROTO_ANY, &r) == 0 &&
                   local_facts(r, PS_LOCAL_SERVICES_NAME, &f) == 0,
           "a missing services file: no local names, no error");
        ps_port_report_free(r);
        r = port(1712, PS_PROTO_ANY, 0, NULL);
        ok(local_facts(r, PS_LOCAL_SERVICES_NAME, &f) == 0,
           "without PS_REPORT_LOCAL the services file is not read");
        ps_port_report_free(r);
}

int main(void)
{
        if (ps_db_open_builtin(&db) < 0 || ps_notes_open_builtin(&notes) < 0) {
                ok(0, "open the built-in registry and notes");
                return tap_done();
        }
        test_1712();
        test_blocks();
        test_nameless();
        test_zero();
        test_protocols();
        test_names();
        test_contract();
        test_iana_and_local_names();
        ps_notes_free(notes);
        ps_db_free(db);
        return tap_done();
}
