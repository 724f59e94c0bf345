/* SPDX-License-Identifier: MIT */
/* Does a process look like the service registered on its port? */
#include <string.h>

#include "portscope/sockets.h"
#include "util.h"

/* Programs that commonly serve a registered name they do not resemble. */
static const struct {
        const char *service;
        const char *programs; /* space-separated, lower case */
} known_servers[] = {
        { "bootpc", "dhclient systemd-network networkmanager dhcpcd" },
        { "bootps", "dhcpd dnsmasq kea-dhcp4" },
        { "dhcpv6-client", "dhclient systemd-network networkmanager dhcpcd" },
        { "domain", "named bind unbound dnsmasq systemd-resolve coredns pdns_server knotd" },
        { "ftp", "vsftpd proftpd pure-ftpd" },
        { "http", "nginx apache2 httpd caddy lighttpd haproxy traefik envoy varnishd" },
        { "http-alt", "nginx apache2 httpd caddy java node python python3 tomcat" },
        { "https", "nginx apache2 httpd caddy lighttpd haproxy traefik envoy" },
        { "imap", "dovecot imap-login" },
        { "imaps", "dovecot imap-login" },
        { "ipp", "cupsd cups-browsed" },
        { "ipsec-nat-t", "charon strongswan racoon pluto" },
        { "isakmp", "charon strongswan racoon pluto" },
        { "kerberos", "krb5kdc" },
        { "ldap", "slapd" },
        { "ldaps", "slapd" },
        { "llmnr", "systemd-resolve" },
        { "mdns", "avahi-daemon systemd-resolve" },
        { "memcache", "memcached" },
        { "microsoft-ds", "smbd samba" },
        { "ms-wbt-server", "xrdp" },
        { "mysql", "mysqld mariadbd" },
        { "netbios-dgm", "nmbd samba" },
        { "netbios-ns", "nmbd samba" },
        { "netbios-ssn", "smbd samba" },
        { "ntp", "chronyd ntpd systemd-timesyn openntpd" },
        { "pop3", "dovecot pop3-login" },
        { "pop3s", "dovecot pop3-login" },
        { "postgresql", "postgres postmaster" },
        { "rfb", "vncserver xvnc x11vnc" },
        { "smtp", "master exim exim4 sendmail postfix smtpd opensmtpd" },
        { "snmp", "snmpd" },
        { "squid-http", "squid" },
        { "submission", "master exim exim4 sendmail postfix smtpd opensmtpd" },
        { "submissions", "master exim exim4 sendmail postfix smtpd opensmtpd" },
        { "sunrpc", "rpcbind portmap" },
        { "syslog", "rsyslogd syslog-ng systemd-journal" },
        { "telnet", "telnetd in.telnetd" },
        { "x11", "xorg xwayland" },
};

static void lower(char *dst, const char *src, size_t size)
{
        size_t i = 0;
        for (; src && src[i] && i + 1 < size; i++)
                dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
        dst[i] = '\0';
}

static bool word_in(const char *word, const char *list)
{
        size_t n = strlen(word);
        for (const char *p = list; *p;) {
                size_t k = strcspn(p, " ");
                if (k == n && !strncmp(p, word, n))
                        return true;
                p += k;
                while (*p == ' ')
                        p++;
        }
        return false;
}

PS_EXPORT bool ps_service_matches_process(const char *service, const ps_process *p)
{
        char svc[64], cand[3][64];
        if (!service || !p)
                return false;
        lower(svc, service, sizeof(svc));
        lower(cand[0], p->name, sizeof(cand[0]));
        lower(cand[1], p->exe_basename, sizeof(cand[1]));
        lower(cand[2], p->unit, sizeof(cand[2]));
        char *dot = strrchr(cand[2], '.');
        if (dot)
                *dot = '\0'; /* "nginx.service" */
        for (int i = 0; i < 3; i++) {
                const char *x = cand[i];
                if (strlen(x) < 2)
                        continue;
                /* "sshd" serves "ssh", "postgres" serves "postgresql". */
                if (strstr(x, svc) || (strlen(x) >= 4 && strstr(svc, x)))
                        return true;
                for (size_t k = 0; k < PS_ELEMENTSOF(known_servers); k++)
                        if (!strcmp(svc, known_servers[k].service) &&
                            word_in(x, known_servers[k].programs))
                                return true;
        }
        return false;
}
