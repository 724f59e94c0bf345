/* SPDX-License-Identifier: MIT */
/* The report's sentences: codes and parameters in, translated text out. */
#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "report-phrases.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

char *phrase_port(unsigned port, ps_proto proto, char *buf, size_t size)
{
        if (proto == PS_PROTO_ANY)
                snprintf(buf, size, "%u", port);
        else
                snprintf(buf, size, "%u/%s", port, ps_proto_name(proto));
        return buf;
}

char *phrase_record_port(const ps_record *rec, char *buf, size_t size)
{
        if (ps_record_port_text(rec, buf, size) < 0)
                snprintf(buf, size, "-");
        return buf;
}

char *phrase_protocols(unsigned protocols, char *buf, size_t size)
{
        const char *names[_PS_PROTO_MAX];
        size_t n = 0;
        for (int p = PS_PROTO_TCP; p < _PS_PROTO_MAX; p++)
                if (protocols & PS_PROTO_BIT(p))
                        names[n++] = ps_proto_name((ps_proto)p);
        if (protocols & PS_PROTO_BIT(PS_PROTO_NONE))
                names[n++] = _("any protocol");
        switch (n) {
        case 0:
                snprintf(buf, size, "-");
                break;
        case 1:
                snprintf(buf, size, "%s", names[0]);
                break;
        case 2:
                /* TRANSLATORS: two protocols, "tcp and udp". */
                snprintf(buf, size, _("%s and %s"), names[0], names[1]);
                break;
        case 3:
                snprintf(buf, size, _("%s, %s and %s"), names[0], names[1], names[2]);
                break;
        default:
                snprintf(buf, size, _("%s, %s, %s and %s"), names[0], names[1], names[2], names[3]);
        }
        return buf;
}

const char *phrase_status(ps_port_status status)
{
        static const char *const labels[] = {
                [PS_PORT_NOT_REGISTERED] = N_("not registered"),
                [PS_PORT_ASSIGNED] = N_("assigned"),
                [PS_PORT_UNASSIGNED] = N_("unassigned"),
                [PS_PORT_RESERVED] = N_("reserved"),
                [PS_PORT_DEREGISTERED] = N_("de-registered"),
                [PS_PORT_PRIVATE_USE] = N_("private use"),
        };
        return (unsigned)status < ELEMENTSOF(labels) ? _(labels[status]) : "?";
}

char *phrase_headline(const ps_port_report *r, char *buf, size_t size)
{
        const ps_report_item *t = &r->title;
        char port[32];
        phrase_port(r->port, r->proto, port, sizeof(port));
        switch ((ps_headline)t->code) {
        case PS_HEADLINE_ASSIGNED:
                snprintf(buf, size, _("Port %s: %s (%s)"), port, t->text, t->text2);
                break;
        case PS_HEADLINE_UNASSIGNED:
                snprintf(buf, size, _("Port %s: Unassigned"), port);
                break;
        case PS_HEADLINE_UNASSIGNED_BLOCK:
                snprintf(buf, size, _("Port %s: Unassigned (part of %u-%u)"), port, t->number,
                         t->number2);
                break;
        case PS_HEADLINE_UNASSIGNED_FORMER:
                snprintf(buf, size, _("Port %s: Unassigned (formerly %s)"), port, t->text);
                break;
        case PS_HEADLINE_RESERVED:
                snprintf(buf, size, _("Port %s: Reserved"), port);
                break;
        case PS_HEADLINE_RESERVED_BLOCK:
                snprintf(buf, size, _("Port %s: Reserved (part of %u-%u)"), port, t->number,
                         t->number2);
                break;
        case PS_HEADLINE_DEREGISTERED:
                snprintf(buf, size, _("Port %s: De-registered"), port);
                break;
        case PS_HEADLINE_DEREGISTERED_FORMER:
                snprintf(buf, size, _("Port %s: De-registered (formerly %s)"), port, t->text);
                break;
        case PS_HEADLINE_PRIVATE_USE:
                snprintf(buf, size, _("Port %s: for private use (%s)"), port, t->text);
                break;
        default:
                snprintf(buf, size, _("Port %s: not registered"), port);
        }
        return buf;
}

const char *phrase_range_note(const ps_port_report *r)
{
        if (r->range_note == PS_RANGE_NOTE_ZERO)
                return _("Port 0 counts as a system port, but the range's rule does not apply "
                         "to it: a bind to port 0 takes any free port and needs no privilege.");
        return phrase_range_explain(r->range.cls);
}

/* The same sentences as lib/ranges.c's, marked for translation here: the
 * library never translates (docs/translations.md). */
static const struct {
        const char *title, *aka, *explain;
} range_text[_PS_RANGE_MAX] = {
        [PS_RANGE_SYSTEM] = { N_("System port"), N_("well-known"),
                              N_("IANA assigns these through IETF Review or IESG Approval, for "
                                 "services of Internet-wide standing. On Linux and most Unix "
                                 "systems only a privileged process may bind them.") },
        [PS_RANGE_USER] = { N_("User port"), N_("registered"),
                            N_("IANA assigns these on request, by Expert Review; any process may "
                               "bind them. A registration records a claim, not a guarantee that "
                               "anything uses the port.") },
        [PS_RANGE_DYNAMIC] = { N_("Dynamic port"), N_("private or ephemeral"),
                               N_("IANA never assigns these. They are left for temporary use: "
                                  "operating systems pick client-side (ephemeral) ports here, and "
                                  "private services may use them without registering.") },
};

const char *phrase_range_title(ps_range_class cls)
{
        return (unsigned)cls < _PS_RANGE_MAX ? _(range_text[cls].title) : "";
}

const char *phrase_range_aka(ps_range_class cls)
{
        return (unsigned)cls < _PS_RANGE_MAX ? _(range_text[cls].aka) : "";
}

const char *phrase_range_explain(ps_range_class cls)
{
        return (unsigned)cls < _PS_RANGE_MAX ? _(range_text[cls].explain) : "";
}

char *phrase_advice(const ps_report_item *a, char *buf, size_t size)
{
        char protos[64];
        switch ((ps_advice)a->code) {
        case PS_ADVICE_DYNAMIC_UNREGISTERED:
                snprintf(buf, size, "%s",
                         _("Nothing is registered: IANA does not assign ports in the dynamic "
                           "range."));
                break;
        case PS_ADVICE_NOT_REGISTERED:
                if (a->protocols)
                        snprintf(buf, size, _("Nothing is registered for this port over %s."),
                                 phrase_protocols(a->protocols, protos, sizeof(protos)));
                else
                        snprintf(buf, size, "%s", _("Nothing is registered for this port."));
                break;
        case PS_ADVICE_SYSTEM_NO_SERVICE:
                snprintf(buf, size, "%s",
                         _("No standard service uses this port. A listener here is legacy "
                           "software, an in-house service or something hiding in unused space: "
                           "find out which."));
                break;
        case PS_ADVICE_NO_SERVICE:
                snprintf(buf, size, "%s",
                         _("No service is registered here; software that uses it does so "
                           "unofficially."));
                break;
        case PS_ADVICE_PORT_ZERO:
                snprintf(buf, size, "%s",
                         _("Port 0 is never a service's port. Binding port 0 asks the kernel "
                           "for any free ephemeral port and needs no privilege; the program "
                           "then listens on the number it was given, so nothing ever listens "
                           "on port 0 itself. Traffic sent to port 0 is malformed, a scan or "
                           "OS fingerprinting."));
                break;
        case PS_ADVICE_DEREGISTERED:
                if (*a->text)
                        snprintf(buf, size,
                                 _("IANA withdrew the registration of this port for %s; old "
                                   "software may still use it."),
                                 a->text);
                else
                        snprintf(buf, size, "%s",
                                 _("IANA withdrew the registration of this port; old software "
                                   "may still use it."));
                break;
        case PS_ADVICE_BROWSER_UNSAFE:
                snprintf(buf, size, "%s",
                         _("Browsers refuse to connect to this port (the Fetch standard's "
                           "\"bad ports\"), so a web service here cannot be reached from a "
                           "browser."));
                break;
        case PS_ADVICE_PRIVATE_USE:
                snprintf(buf, size,
                         _("IANA set this port aside for private use (\"%s\"): no public "
                           "service is registered here."),
                         a->text);
                break;
        default:
                snprintf(buf, size, "?");
        }
        return buf;
}

char *phrase_local(const ps_report_item *f, ps_proto proto, char *buf, size_t size)
{
        char port[32];
        phrase_port(f->port, proto, port, sizeof(port));
        switch ((ps_local_fact)f->code) {
        case PS_LOCAL_EPHEMERAL_INSIDE:
                snprintf(buf, size,
                         _("Inside the ephemeral range %u-%u (net.ipv4.ip_local_port_range): "
                           "the kernel may hand this port to any outgoing connection, so a "
                           "service that binds it can fail at random."),
                         f->number, f->number2);
                break;
        case PS_LOCAL_EPHEMERAL_OUTSIDE:
                snprintf(buf, size,
                         _("Outside the ephemeral range %u-%u (net.ipv4.ip_local_port_range): "
                           "the kernel will not pick it for outgoing connections."),
                         f->number, f->number2);
                break;
        case PS_LOCAL_RESERVED_LISTED:
                snprintf(buf, size, "%s",
                         _("Listed in net.ipv4.ip_local_reserved_ports: kept out of the "
                           "ephemeral pool for a service."));
                break;
        case PS_LOCAL_RESERVED_NOT_LISTED:
                snprintf(buf, size, "%s", _("Not in net.ipv4.ip_local_reserved_ports."));
                break;
        case PS_LOCAL_PRIVILEGED:
                snprintf(buf, size,
                         _("Privileged: below net.ipv4.ip_unprivileged_port_start (%u), so "
                           "binding it needs root or CAP_NET_BIND_SERVICE."),
                         f->number);
                break;
        case PS_LOCAL_UNPRIVILEGED:
                snprintf(buf, size,
                         _("Unprivileged: at or above net.ipv4.ip_unprivileged_port_start "
                           "(%u), so any user may bind it."),
                         f->number);
                break;
        case PS_LOCAL_BIND_ZERO:
                if (f->number2)
                        snprintf(buf, size,
                                 _("A bind to port 0 needs no privilege: the kernel gives the "
                                   "program a free port from the ephemeral range %u-%u "
                                   "(net.ipv4.ip_local_port_range), and nothing can listen on "
                                   "port 0 itself."),
                                 f->number, f->number2);
                else
                        snprintf(buf, size, "%s",
                                 _("A bind to port 0 needs no privilege: the kernel gives the "
                                   "program a free ephemeral port, and nothing can listen on "
                                   "port 0 itself."));
                break;
        case PS_LOCAL_NO_LISTENER:
                snprintf(buf, size, _("Nothing listens on port %s here right now."), port);
                break;
        case PS_LOCAL_LISTENERS:
                snprintf(buf, size,
                         ngettext("Listening: %u socket:", "Listening: %u sockets:", f->number),
                         f->number);
                break;
        case PS_LOCAL_LISTENERS_UNKNOWN:
                snprintf(buf, size, _("Sockets: cannot list them here (%s)."),
                         ps_strerror(-(int)f->number));
                break;
        case PS_LOCAL_SERVICES_NAME: {
                char protos[64];
                snprintf(buf, size,
                         _("This machine's %s calls it \"%s\" over %s: a local name, which the "
                           "IANA registry does not give this port."),
                         f->text2, f->text, phrase_protocols(f->protocols, protos, sizeof(protos)));
                break;
        }
        default:
                snprintf(buf, size, "?");
        }
        return buf;
}

char *phrase_question(const ps_report_item *f, char *buf, size_t size)
{
        switch ((ps_faq_question)f->question) {
        case PS_FAQ_TCP_OR_UDP:
                snprintf(buf, size, _("Is port %u TCP or UDP?"), f->port);
                break;
        case PS_FAQ_WHO_REGISTERED:
                snprintf(buf, size, _("Who registered port %u?"), f->port);
                break;
        case PS_FAQ_SAFE_TO_EXPOSE:
                snprintf(buf, size, _("Is it safe to open port %u to the Internet?"), f->port);
                break;
        case PS_FAQ_WHAT_USES:
                snprintf(buf, size, _("What uses port %u?"), f->port);
                break;
        case PS_FAQ_WHY_LISTENING:
                snprintf(buf, size, _("Why is something listening on port %u?"), f->port);
                break;
        case PS_FAQ_OWN_SERVICE:
                snprintf(buf, size, _("Can I use port %u for my own service?"), f->port);
                break;
        default:
                snprintf(buf, size, "?");
        }
        return buf;
}

static char *answer_who(const ps_report_item *f, char *buf, size_t size)
{
        switch ((ps_faq_answer)f->code) {
        case PS_FAQ_WHO_ASSIGNEE:
                snprintf(buf, size, _("%s registered it for %s."), f->text, f->text2);
                break;
        case PS_FAQ_WHO_UNRECORDED:
                snprintf(buf, size, _("It is registered for %s; the registry names no assignee."),
                         f->text);
                break;
        case PS_FAQ_WHO_DEREGISTERED:
                if (*f->text)
                        snprintf(buf, size, _("Nobody now: IANA withdrew its registration for %s."),
                                 f->text);
                else
                        snprintf(buf, size, "%s", _("Nobody now: IANA withdrew its registration."));
                break;
        default: /* PS_FAQ_WHO_NOBODY */
                if (f->number == PS_PORT_UNASSIGNED)
                        snprintf(buf, size, _("Nobody: IANA lists port %u as unassigned."),
                                 f->port);
                else if (f->number == PS_PORT_RESERVED)
                        snprintf(buf, size, _("Nobody: IANA keeps port %u reserved."), f->port);
                else if (f->number == PS_PORT_PRIVATE_USE)
                        snprintf(buf, size, _("Nobody: IANA set port %u aside for private use."),
                                 f->port);
                else
                        snprintf(buf, size, _("Nobody: nothing is registered on port %u."),
                                 f->port);
        }
        return buf;
}

static char *answer_safety(const ps_report_item *f, char *buf, size_t size)
{
        switch ((ps_faq_answer)f->code) {
        case PS_FAQ_SAFE_MALWARE:
                snprintf(buf, size,
                         _("No: malware is known to use this port (\"%s\"). Find out what "
                           "listens on it."),
                         f->text);
                break;
        case PS_FAQ_SAFE_AMPLIFICATION:
                snprintf(buf, size,
                         _("Not to everyone: the port is abused for reflection and amplification "
                           "attacks (\"%s\"). Answer only your own clients."),
                         f->text);
                break;
        case PS_FAQ_SAFE_NO_EXPOSE:
                snprintf(buf, size,
                         _("No: what usually listens here should not face the Internet (\"%s\"). "
                           "Keep it on a private network or behind a VPN."),
                         f->text);
                break;
        case PS_FAQ_SAFE_ABUSE:
                snprintf(buf, size,
                         _("With care: attackers scan and abuse this port (\"%s\"). Open it only "
                           "to the addresses that need it."),
                         f->text);
                break;
        case PS_FAQ_SAFE_ZERO:
                snprintf(buf, size, "%s",
                         _("There is nothing to open: no service can listen on port 0. Drop "
                           "inbound traffic to it."));
                break;
        default: /* PS_FAQ_SAFE_DEPENDS */
                snprintf(buf, size, "%s",
                         _("Only if a service you run needs it: opening a port exposes whatever "
                           "listens there, so open it only to the addresses that need it."));
        }
        return buf;
}

static char *answer_use(const ps_report_item *f, char *buf, size_t size)
{
        switch ((ps_faq_answer)f->code) {
        case PS_FAQ_WHAT_NOTES:
                snprintf(buf, size,
                         ngettext("The notes describe %u known use: %s.",
                                  "The notes describe %u known uses; the first: %s.", f->number),
                         f->number, f->text);
                break;
        case PS_FAQ_WHAT_REGISTERED:
                snprintf(buf, size,
                         _("The registered service is %s (%s); no note describes other use "
                           "yet."),
                         f->text, f->text2);
                break;
        case PS_FAQ_WHAT_NOTHING:
                snprintf(buf, size, "%s",
                         _("Nothing known: no service is registered and no note describes it."));
                break;
        case PS_FAQ_WHY_ZERO:
                snprintf(buf, size, "%s",
                         _("Nothing can listen on port 0: a program that binds 0 is given a "
                           "free port and listens there. Look for the port it was given."));
                break;
        case PS_FAQ_WHY_NOTED:
                snprintf(buf, size,
                         _("Most likely what the notes describe (\"%s\"). Check the process "
                           "to be sure."),
                         f->text);
                break;
        case PS_FAQ_WHY_ASSIGNED:
                snprintf(buf, size,
                         _("Most likely %s, or other software that took its number. Check the "
                           "process to be sure."),
                         f->text);
                break;
        case PS_FAQ_WHY_SYSTEM_UNKNOWN:
                snprintf(buf, size, "%s",
                         _("No standard service uses it: legacy software, an in-house service "
                           "or something hiding in unused space. Find out which process holds "
                           "it."));
                break;
        case PS_FAQ_WHY_UNOFFICIAL:
                snprintf(buf, size, "%s",
                         _("No service is registered here, so some software uses it "
                           "unofficially. Check the process."));
                break;
        default: /* PS_FAQ_WHY_DYNAMIC */
                snprintf(buf, size, "%s",
                         _("The kernel hands out ports in the dynamic range for outgoing "
                           "connections, and private services may use them. Check the "
                           "process."));
        }
        return buf;
}

static char *answer_own(const ps_report_item *f, char *buf, size_t size)
{
        switch ((ps_faq_answer)f->code) {
        case PS_FAQ_OWN_FREE:
                snprintf(buf, size, "%s",
                         _("Yes: it is unassigned and no note describes software on it. If "
                           "others will run your service, register the port with IANA."));
                break;
        case PS_FAQ_OWN_TAKEN:
                snprintf(buf, size,
                         _("Better not: it is registered for %s. Port %u is free in the "
                           "registry and the notes."),
                         f->text, f->number);
                break;
        case PS_FAQ_OWN_NOTED:
                snprintf(buf, size,
                         _("Better not: software is known to use it (\"%s\"). Port %u is free "
                           "in the registry and the notes."),
                         f->text, f->number);
                break;
        case PS_FAQ_OWN_SYSTEM:
                snprintf(buf, size,
                         _("Better not: system ports need privilege and are kept for standard "
                           "services. Port %u is free in the registry and the notes."),
                         f->number);
                break;
        case PS_FAQ_OWN_DYNAMIC:
                snprintf(buf, size,
                         _("Better not: the kernel may hand it to an outgoing connection at any "
                           "time. Port %u is free in the registry and the notes."),
                         f->number);
                break;
        case PS_FAQ_OWN_BROWSER:
                snprintf(buf, size,
                         _("Not for a web service: browsers refuse to connect to it. Port %u is "
                           "free in the registry and the notes."),
                         f->number);
                break;
        case PS_FAQ_OWN_RESERVED:
                snprintf(buf, size,
                         _("No: IANA keeps it reserved. Port %u is free in the registry and the "
                           "notes."),
                         f->number);
                break;
        default: /* PS_FAQ_OWN_ZERO */
                snprintf(buf, size,
                         _("No: binding port 0 asks for any free port. To keep one number, take "
                           "a free one such as %u."),
                         f->number);
        }
        return buf;
}

char *phrase_answer(const ps_report_item *f, char *buf, size_t size)
{
        char protos[64];
        switch ((ps_faq_question)f->question) {
        case PS_FAQ_TCP_OR_UDP:
                if (f->code == PS_FAQ_PROTO_ZERO)
                        snprintf(buf, size, "%s",
                                 _("Port 0 is reserved for both TCP and UDP, and neither carries "
                                   "a service on it."));
                else if (f->code == PS_FAQ_PROTO_REGISTERED)
                        snprintf(buf, size, _("IANA registers %s on port %u for %s."), f->text,
                                 f->port, phrase_protocols(f->protocols, protos, sizeof(protos)));
                else if (f->protocols)
                        snprintf(buf, size,
                                 _("Nothing is registered on port %u; the notes describe its use "
                                   "over %s."),
                                 f->port, phrase_protocols(f->protocols, protos, sizeof(protos)));
                else
                        snprintf(buf, size,
                                 _("Neither: nothing is registered on port %u, and no note "
                                   "describes its use."),
                                 f->port);
                return buf;
        case PS_FAQ_WHO_REGISTERED:
                return answer_who(f, buf, size);
        case PS_FAQ_SAFE_TO_EXPOSE:
                return answer_safety(f, buf, size);
        case PS_FAQ_WHAT_USES:
        case PS_FAQ_WHY_LISTENING:
                return answer_use(f, buf, size);
        case PS_FAQ_OWN_SERVICE:
                return answer_own(f, buf, size);
        default:
                snprintf(buf, size, "?");
                return buf;
        }
}

const char *phrase_os(ps_os os)
{
        static const char *const names[] = { "Linux", "macOS", "Windows" };
        return (unsigned)os < ELEMENTSOF(names) ? names[os] : "?";
}

char *phrase_check_gap(const ps_report_check *c, ps_proto proto, char *buf, size_t size)
{
        if (c->gap == PS_CHECK_PORT_ZERO)
                snprintf(buf, size, "%s",
                         _("nothing listens on port 0: capture packets (pktmon, Wireshark) to see "
                           "traffic to it"));
        else
                snprintf(buf, size, _("no built-in %s support"),
                         proto == PS_PROTO_ANY ? "?" : ps_proto_name(proto));
        return buf;
}

char *phrase_prevalence(const ps_prevalence_entry *e, char *buf, size_t size)
{
        const char *pn = ps_proto_name(e->proto);
        char pct[PS_I18N_NUM_MAX], rank[PS_I18N_NUM_MAX], listed[PS_I18N_NUM_MAX];
        if (e->rank)
                snprintf(buf, size,
                         _("%u/%s: found open on %s%% of the hosts nmap scanned; rank %s of %s "
                           "%s ports (nmap calls it \"%s\")."),
                         e->port, pn, ps_i18n_decimal(pct, sizeof(pct), e->frequency * 100, 4, 'g'),
                         ps_i18n_number(rank, sizeof(rank), e->rank),
                         ps_i18n_number(listed, sizeof(listed), e->listed), pn, e->service);
        else
                snprintf(buf, size,
                         _("%u/%s: listed by nmap as \"%s\" but never found open in its scans."),
                         e->port, pn, e->service);
        return buf;
}

char *phrase_prevalence_none(const ps_port_report *r, char *buf, size_t size)
{
        switch (r->prevalence_state) {
        case PS_PREVALENCE_NOT_INSTALLED:
                snprintf(buf, size, "%s",
                         _("unknown: nmap's nmap-services is not installed (Debian package "
                           "nmap-common)."));
                break;
        case PS_PREVALENCE_UNUSABLE:
                snprintf(buf, size, _("unknown: %s could not be used (%s)."),
                         r->prevalence_path ? r->prevalence_path : "nmap-services",
                         r->prevalence_error == -EINVAL ? _("not a regular file")
                                                        : ps_strerror(r->prevalence_error));
                break;
        default:
                snprintf(buf, size, "%s",
                         _("not listed in nmap-services: nmap has no open frequency for it."));
        }
        return buf;
}
