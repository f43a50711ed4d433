#include "remote.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "fsutil.h"
#include "sasl.h"

static const char *const sev_names[VT_RSEV_LAST] = { "info", "warning", "failure" };

const char *vt_rsev_name(vt_rsev s)
{
    return s < VT_RSEV_LAST ? sev_names[s] : "?";
}

static void add_finding(vt_remote_status *s, vt_rsev sev, const char *topic, const char *text,
                        const char *text_l10n)
{
    vt_remote_finding *f = vt_array_push(&s->findings, &s->nfindings, sizeof(*f));

    f->severity = sev;
    f->topic = topic;
    f->text = vt_strdup(text);
    f->text_l10n = vt_strdup(text_l10n);
}

/* fmt is English (marked with N_): the text keeps it, text_l10n has it in
 * the user's language */
static void vfinding(vt_remote_status *s, vt_rsev sev, const char *topic, const char *fmt,
                     va_list ap)
{
    char buf[512], l10n[1024];
    va_list ap2;

    va_copy(ap2, ap);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    vsnprintf(l10n, sizeof(l10n), _(fmt), ap2);
    va_end(ap2);
    add_finding(s, sev, topic, buf, l10n);
}

static void finding(vt_remote_status *s, vt_rsev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finding(vt_remote_status *s, vt_rsev sev, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfinding(s, sev, "sasl", fmt, ap);
    va_end(ap);
}

/* Whether what the listener carries is encrypted. */
static void transport_finding(vt_remote_status *s, vt_rsev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void transport_finding(vt_remote_status *s, vt_rsev sev, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfinding(s, sev, "transport", fmt, ap);
    va_end(ap);
}

/* NULL when the file does not exist */
static char *read_all(const char *path)
{
    return vt_read_file(path, 1 << 20, NULL);
}

static bool is_on(const char *v)
{
    return v && strcmp(v, "0") != 0;
}

static bool has_mech(const char *list, const char *mech)
{
    char *copy, *save = NULL, *tok;
    bool found = false;

    if (!list)
        return false;
    copy = vt_strdup(list);
    for (tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save))
        found |= strcasecmp(tok, mech) == 0;
    free(copy);
    return found;
}

static const char *const socket_units[] = {
    "libvirtd-tcp.socket", "libvirtd-tls.socket", "virtproxyd-tcp.socket", "virtproxyd-tls.socket",
};

void vt_remote_status_read(vt_remote_status *s, const char *etc_root)
{
    const vt_conf *lc;
    const char *listen_tcp, *listen_tls, *auth_tcp, *auth_tls, *addr, *mechs;
    char *path, *text;
    struct stat st;
    bool tcp, tls;
    size_t i;

    vt_remote_status_clear(s);
    vt_remote_access_read(&s->ra, etc_root);
    path = vt_asprintf("%s/libvirt/virtproxyd.conf", etc_root);
    if ((text = read_all(path))) {
        s->virtproxyd_conf_path = path;
        vt_conf_parse_libvirt(text, &s->virtproxyd, NULL);
        free(text);
    } else {
        free(path);
    }
    for (i = 0; i < sizeof(socket_units) / sizeof(socket_units[0]); i++) {
        path = vt_asprintf("%s/systemd/system/sockets.target.wants/%s", etc_root, socket_units[i]);
        if (access(path, F_OK) == 0)
            *(char **)vt_array_push(&s->sockets, &s->nsockets, sizeof(char *)) =
                vt_strdup(socket_units[i]);
        free(path);
    }
    {
        const char *db = vt_conf_get(&s->ra.sasl, "sasldb_path");
        s->sasldb_path = vt_strdup(db ? db : "/etc/sasldb2");
        /* a database path of the real system, seen through a stand-in root */
        path = strcmp(etc_root, "/etc") != 0 && strncmp(s->sasldb_path, "/etc/", 5) == 0
                   ? vt_asprintf("%s/%s", etc_root, s->sasldb_path + 5)
                   : vt_strdup(s->sasldb_path);
        if (stat(path, &st) == 0) {
            vt_sasl_opts o = { .sasldb_path = path };
            vt_sasl_user *u;
            size_t n;
            s->sasldb_present = true;
            s->sasldb_mode = st.st_mode & 07777;
            s->sasldb_world_readable = st.st_mode & 0004;
            if (vt_sasl_list(&o, &u, &n, NULL) == 0) {
                s->users = (long)n;
                vt_sasl_users_free(u, n);
            } else {
                s->users = -1;
            }
        } else {
            s->users = 0;
        }
        free(path);
    }

    /* findings: virtproxyd's settings win where modular daemons run */
    lc = s->virtproxyd_conf_path ? &s->virtproxyd : &s->ra.libvirtd;
    listen_tcp = vt_conf_get(lc, "listen_tcp");
    listen_tls = vt_conf_get(lc, "listen_tls");
    auth_tcp = vt_conf_get(lc, "auth_tcp");
    auth_tls = vt_conf_get(lc, "auth_tls");
    addr = vt_conf_get(lc, "listen_addr");
    mechs = vt_conf_get(&s->ra.sasl, "mech_list");
    tcp = is_on(listen_tcp);
    tls = listen_tls ? is_on(listen_tls) : false;
    for (i = 0; i < s->nsockets; i++) {
        tcp |= strstr(s->sockets[i], "-tcp.") != NULL;
        tls |= strstr(s->sockets[i], "-tls.") != NULL;
        finding(s, VT_RSEV_INFO, N_("%s is enabled: systemd listens, and listen_tcp, listen_tls, "
                "listen_addr and the ports in the daemon's conf are not used"), s->sockets[i]);
    }
    if (s->virtproxyd_conf_path)
        finding(s, VT_RSEV_INFO, N_("virtproxyd.conf present: with modular daemons virtproxyd takes "
                "remote connections and its file is the one that counts"));
    if (tcp && auth_tcp && strcmp(auth_tcp, "none") == 0) {
        finding(s, VT_RSEV_FAIL, N_("TCP without authentication (auth_tcp = \"none\"): anyone who "
                "reaches the port controls every VM"));
        /* the same setting, its other half: on TCP only a SASL session
           layer encrypts (libvirt asks SASL for SSF >= 56 there), so
           without SASL every byte, disk passwords and VNC ones included,
           crosses the network in clear */
        if (is_on(listen_tcp))
            transport_finding(s, VT_RSEV_WARN, N_("TCP listener without encryption (listen_tcp = 1, "
                              "auth_tcp = \"none\"): libvirt's traffic crosses the network in clear; "
                              "use TLS (listen_tls) or SSH"));
        else
            transport_finding(s, VT_RSEV_WARN, N_("TCP listener without encryption (a -tcp socket unit, "
                              "auth_tcp = \"none\"): libvirt's traffic crosses the network in clear; "
                              "use TLS (listen_tls) or SSH"));
    }
    if (tcp && has_mech(mechs, "scram-sha-256") + has_mech(mechs, "scram-sha-1") &&
        !has_mech(mechs, "digest-md5") && !has_mech(mechs, "gssapi"))
        add_finding(s, VT_RSEV_FAIL, "sasl", vt_sasl_mech_problem(mechs, "tcp"),
                    _(vt_sasl_mech_problem(mechs, "tcp")));
    if ((tcp || tls) && has_mech(mechs, "digest-md5"))
        finding(s, VT_RSEV_WARN, N_("mech_list has digest-md5: deprecated and weak (RFC 6331); use "
                "scram-sha-256 over TLS, or gssapi"));
    if ((tcp || tls) && has_mech(mechs, "scram-sha-1"))
        finding(s, VT_RSEV_WARN, N_("mech_list has scram-sha-1: deprecated; use scram-sha-256"));
    if (tls && auth_tls && strcmp(auth_tls, "none") == 0)
        finding(s, VT_RSEV_WARN, N_("TLS without SASL (auth_tls = \"none\"): only the client "
                "certificate decides who gets in"));
    if ((tcp || tls) && s->nsockets == 0 && (!addr || strcmp(addr, "0.0.0.0") == 0 ||
                                             strcmp(addr, "::") == 0 || strcmp(addr, "[::]") == 0))
        finding(s, VT_RSEV_WARN, N_("listening on every address (listen_addr %s): limit it to the "
                "management network"), addr ? addr : "unset");
    if (s->sasldb_world_readable)
        finding(s, VT_RSEV_FAIL, N_("%s is readable by every user (mode %04o): its secrets are "
                "passwords; chmod 600"), s->sasldb_path, s->sasldb_mode);
    if ((tcp || tls) && s->sasldb_present && s->users == 0 &&
        (has_mech(mechs, "digest-md5") || has_mech(mechs, "scram-sha-256")))
        finding(s, VT_RSEV_WARN, N_("no SASL user in %s: nobody can log in"), s->sasldb_path);
}

void vt_remote_status_clear(vt_remote_status *s)
{
    size_t i;

    if (!s)
        return;
    vt_remote_access_clear(&s->ra);
    free(s->virtproxyd_conf_path);
    vt_conf_clear(&s->virtproxyd);
    for (i = 0; i < s->nsockets; i++)
        free(s->sockets[i]);
    free(s->sockets);
    free(s->sasldb_path);
    for (i = 0; i < s->nfindings; i++) {
        free(s->findings[i].text);
        free(s->findings[i].text_l10n);
    }
    free(s->findings);
    memset(s, 0, sizeof(*s));
}

/* ---- set-up ---- */

static const char *const transport_names[VT_SETUP_LAST] = {
    "tls-scram", "tcp-gssapi", "tcp-digest-md5",
};

const char *vt_setup_transport_name(vt_setup_transport t)
{
    return t < VT_SETUP_LAST ? transport_names[t] : "?";
}

int vt_setup_transport_parse(const char *s, vt_setup_transport *out)
{
    for (int i = 0; i < VT_SETUP_LAST; i++)
        if (strcmp(s, transport_names[i]) == 0) {
            *out = (vt_setup_transport)i;
            return 0;
        }
    return -1;
}

static void note(vt_setup_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(vt_setup_plan *p, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    *(char **)vt_array_push(&p->notes, &p->nnotes, sizeof(char *)) = vt_strdup(buf);
}

static void command(vt_setup_plan *p, const char *cmd)
{
    *(char **)vt_array_push(&p->commands, &p->ncommands, sizeof(char *)) = vt_strdup(cmd);
}

/* apply `n` libvirt-conf settings to text, in order */
static char *set_many(const char *text, const char *const *kv, size_t n, bool sasl, vt_err *err)
{
    char *cur = vt_strdup(text ? text : "");

    for (size_t i = 0; i + 1 < n; i += 2) {
        char *next = sasl ? vt_conf_set_sasl(cur, kv[i], kv[i + 1], err)
                          : vt_conf_set_libvirt(cur, kv[i], kv[i + 1], err);
        free(cur);
        if (!next)
            return NULL;
        cur = next;
    }
    return cur;
}

static void add_file(vt_setup_plan *p, const char *path, char *after)
{
    vt_setup_file *f = &p->files[p->nfiles++];
    char *la, *lb;

    f->path = vt_strdup(path);
    f->before = vt_read_file(path, 0, NULL);
    f->after = after;
    la = vt_asprintf("%s%s", path, f->before ? "" : " (new file)");
    lb = vt_asprintf("%s (after)", path);
    f->diff = vt_diff_unified(f->before, f->after, la, lb, 3);
    free(la);
    free(lb);
}

/* LIBVIRTD_ARGS="--listen" in a shell-variable file, other lines kept */
static char *set_daemon_args(const char *text)
{
    vt_buf b = { 0 };
    const char *p = text ? text : "";
    bool done = false;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!done && strncmp(p, "LIBVIRTD_ARGS=", 14) == 0) {
            if (strstr(p, "--listen") && (!nl || strstr(p, "--listen") < nl)) {
                vt_buf_addn(&b, p, len);
            } else {
                /* keep what was there, add --listen */
                char *line = vt_strndup(p + 14, len - (nl ? 1 : 0) - 14), *q = line;
                size_t l = strlen(q);
                if (l >= 2 && (q[0] == '"' || q[0] == '\'') && q[l - 1] == q[0]) {
                    q[l - 1] = '\0';
                    q++;
                }
                vt_buf_addf(&b, "LIBVIRTD_ARGS=\"%s%s--listen\"\n", q, *q ? " " : "");
                free(line);
            }
            done = true;
        } else {
            vt_buf_addn(&b, p, len);
        }
        p += len;
    }
    if (!done) {
        if (b.len && b.buf[b.len - 1] != '\n')
            vt_buf_add(&b, "\n");
        vt_buf_add(&b, "LIBVIRTD_ARGS=\"--listen\"\n");
    }
    return vt_buf_steal(&b);
}

int vt_setup_listen_check(const char *addr, vt_err *err)
{
    unsigned char buf[sizeof(struct in6_addr)];
    struct addrinfo hints = { 0 }, *res = NULL;
    char *bare;
    size_t n = strlen(addr);
    int rc;

    if (!n || strcspn(addr, "\" \t\n\\") != n) {
        vt_err_set(err, _("\"%s\" is not a listen address"), VT_QUOTE(addr, n));
        return -1;
    }
    /* digits and dots are meant as IPv4, a colon as IPv6: say which one
       it is not, and do not ask a resolver about it */
    if (strspn(addr, "0123456789.") == n) {
        if (inet_pton(AF_INET, addr, buf) == 1)
            return 0;
        vt_err_set(err, _("listen address \"%s\" is not an IPv4 address"), VT_QUOTE(addr, n));
        return -1;
    }
    if (strchr(addr, ':')) {
        bare = addr[0] == '[' && addr[n - 1] == ']' ? vt_strndup(addr + 1, n - 2) : vt_strdup(addr);
        rc = inet_pton(AF_INET6, bare, buf);
        free(bare);
        if (rc == 1)
            return 0;
        vt_err_set(err, _("listen address \"%s\" is not an IPv6 address"), VT_QUOTE(addr, n));
        return -1;
    }
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(addr, NULL, &hints, &res);
    if (res)
        freeaddrinfo(res);
    if (rc == 0)
        return 0;
    vt_err_set(err, _("listen address \"%s\" is not an IP address and does not resolve (%s)"),
               VT_QUOTE(addr, n), gai_strerror(rc));
    return -1;
}

/* 0 when the files libvirtd's TLS needs are there, else -1 naming the
 * missing ones and how they are made. */
static int tls_certs_check(const char *etc_root, vt_err *err)
{
    static const char *const certs[] = { "pki/CA/cacert.pem", "pki/libvirt/servercert.pem",
                                         "pki/libvirt/private/serverkey.pem" };
    vt_buf miss = { 0 };
    int ret = 0;

    for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
        char *c = vt_asprintf("%s/%s", etc_root, certs[i]);
        if (access(c, F_OK) != 0)
            vt_buf_addf(&miss, "%s%s", miss.len ? ", " : "", c);
        free(c);
    }
    if (miss.len) {
        vt_err_set(err, _("TLS needs certificate files that are missing: %s. Make them first "
                   "(libvirt's TLS docs): a CA with certtool --generate-privkey and "
                   "--generate-self-signed, then the server's key and certificate signed by it "
                   "with --generate-certificate (or openssl genpkey, req -x509, x509 -req)"),
                   miss.buf);
        ret = -1;
    }
    vt_buf_free(&miss);
    return ret;
}

int vt_setup_prepare(const char *etc_root, const char *unit_dir, vt_setup_transport t,
                     const char *listen_addr, vt_setup_plan *out, vt_err *err)
{
    vt_setup_plan p = { 0 };
    char *lpath = vt_asprintf("%s/libvirt/libvirtd.conf", etc_root);
    char *spath = vt_asprintf("%s/sasl2/libvirt.conf", etc_root);
    char *ltext = vt_read_file(lpath, 0, NULL), *stext = vt_read_file(spath, 0, NULL);
    char *lnew = NULL, *snew = NULL;
    char *qaddr = listen_addr ? vt_conf_quote(listen_addr) : NULL;
    const char *udir = unit_dir ? unit_dir
                       : access("/lib/systemd/system/libvirtd.service", F_OK) == 0
                           ? "/lib/systemd/system"
                           : "/usr/lib/systemd/system";
    const char *sock = t == VT_SETUP_TLS_SCRAM ? "libvirtd-tls.socket" : "libvirtd-tcp.socket";
    char *unit = vt_asprintf("%s/%s", udir, sock);
    bool sockets = access(unit, F_OK) == 0;
    vt_conf cur = { 0 };
    const char *db;
    int ret = -1;

    p.transport = t;
    if (!ltext) {
        vt_err_set(err, _("%s does not exist: is libvirtd installed?"), lpath);
        goto cleanup;
    }
    if (listen_addr && vt_setup_listen_check(listen_addr, err) < 0)
        goto cleanup;
    if (t == VT_SETUP_TLS_SCRAM && tls_certs_check(etc_root, err) < 0)
        goto cleanup;
    {
        const char *kv_tls[] = { "listen_tls", "1", "listen_tcp", "0", "auth_tls", "\"sasl\"" };
        const char *kv_tcp[] = { "listen_tls", "0", "listen_tcp", "1", "auth_tcp", "\"sasl\"" };
        const char *const *kv = t == VT_SETUP_TLS_SCRAM ? kv_tls : kv_tcp;
        if (!(lnew = set_many(ltext, kv, 6, false, err)))
            goto prefix_l;
        if (qaddr) {
            char *n2 = vt_conf_set_libvirt(lnew, "listen_addr", qaddr, err);
            free(lnew);
            if (!(lnew = n2))
                goto prefix_l;
        }
    }
    if (stext && vt_conf_parse_sasl(stext, &cur, NULL) < 0) {
        vt_err_set(err, _("%s does not parse: it is not rewritten"), spath);
        goto cleanup;
    }
    db = vt_conf_get(&cur, "sasldb_path");
    {
        const char *mech = t == VT_SETUP_TLS_SCRAM ? "scram-sha-256"
                           : t == VT_SETUP_TCP_GSSAPI ? "gssapi"
                                                      : "digest-md5";
        const char *kv[] = { "mech_list", mech, "sasldb_path", db ? db : "/etc/libvirt/passwd.db" };
        if (!(snew = set_many(stext, kv, t == VT_SETUP_TCP_GSSAPI ? 2 : 4, true, err))) {
            char *tmp = vt_asprintf("%s: %s", spath, err->msg);
            vt_err_set(err, "%s", tmp);
            free(tmp);
            goto cleanup;
        }
    }
    add_file(&p, lpath, lnew);
    lnew = NULL;
    add_file(&p, spath, snew);
    snew = NULL;

    if (sockets) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "systemctl enable --now %s", sock);
        command(&p, cmd);
        command(&p, "systemctl restart libvirtd.service");
        note(&p, _("%s is installed: systemd listens on port %s, so libvirtd must not get --listen, "
             "and listen_addr and the port in libvirtd.conf are not used (set ListenStream in a "
             "drop-in to limit the address)"), sock, t == VT_SETUP_TLS_SCRAM ? "16514" : "16509");
    } else {
        char *dpath = vt_asprintf("%s/%s", etc_root,
                                  access("/etc/debian_version", F_OK) == 0 ? "default/libvirtd"
                                                                           : "sysconfig/libvirtd");
        char *dtext = vt_read_file(dpath, 0, NULL);
        add_file(&p, dpath, set_daemon_args(dtext));
        free(dtext);
        free(dpath);
        command(&p, "systemctl restart libvirtd");
    }
    p.sasldb_users = t != VT_SETUP_TCP_GSSAPI;
    if (t == VT_SETUP_TCP_GSSAPI)
        note(&p, _("gssapi needs a Kerberos realm and the service key libvirt/HOST@REALM in the "
             "keytab (keytab: in the SASL conf); users are Kerberos principals (kadmin addprinc), "
             "no sasldb user is made"));
    if (t == VT_SETUP_TCP_DIGEST)
        note(&p, _("digest-md5 is deprecated (RFC 6331) and weak; it is the guide's example and "
             "works on plain TCP, but scram-sha-256 over TLS is the secure choice"));
    {
        char host[256] = "HOST";
        gethostname(host, sizeof(host) - 1);
        p.uri = vt_asprintf("qemu+%s://%s/system", t == VT_SETUP_TLS_SCRAM ? "tls" : "tcp",
                            listen_addr && strcmp(listen_addr, "0.0.0.0") != 0 ? listen_addr : host);
    }
    vt_setup_plan_clear(out);
    *out = p;
    memset(&p, 0, sizeof(p));
    ret = 0;
    goto cleanup;

prefix_l: {
        char *tmp = vt_asprintf("%s: %s", lpath, err->msg);
        vt_err_set(err, "%s", tmp);
        free(tmp);
    }
cleanup:
    vt_conf_clear(&cur);
    vt_setup_plan_clear(&p);
    free(lpath);
    free(spath);
    free(ltext);
    free(stext);
    free(lnew);
    free(snew);
    free(qaddr);
    free(unit);
    return ret;
}

/* Writing file `failed` went wrong (err says why): the files written
 * before it get their old content back, from their backups where possible
 * (a rename: this works on a full disk too). Always -1. */
static int put_back(const vt_setup_plan *p, size_t failed, const char *suffix, vt_err *err)
{
    char notback[sizeof(err->msg)];
    size_t i, nback = 0;

    notback[0] = '\0';
    for (i = 0; i < failed; i++) {
        const vt_setup_file *f = &p->files[i];
        vt_err rerr = { { 0 } };
        int rc;
        if (f->before && strcmp(f->before, f->after) == 0)
            continue;
        rc = f->before ? vt_file_restore(f->path, suffix, f->before, &rerr)
                       : (unlink(f->path) < 0 && errno != ENOENT ? -1 : 0);
        if (rc == 0)
            nback++;
        else
            snprintf(notback + strlen(notback), sizeof(notback) - strlen(notback), " %s", f->path);
    }
    if (notback[0])
        vt_err_append(err, _("; NOT put back, check by hand:%s"), notback);
    else if (nback)
        vt_err_append(err, P_("; the %zu file written before it got its old content back: nothing is "
                              "changed",
                              "; the %zu files written before it got their old content back: nothing "
                              "is changed", nback), nback);
    else
        vt_err_append(err, _("; nothing was changed"));
    return -1;
}

static bool file_changes(const vt_setup_file *f)
{
    return !f->before || strcmp(f->before, f->after) != 0;
}

size_t vt_setup_nchanged(const vt_setup_plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->nfiles; i++)
        n += file_changes(&p->files[i]);
    return n;
}

int vt_setup_write(const vt_setup_plan *p, vt_err *err)
{
    char suffix[64];
    time_t now = time(NULL);
    struct tm tm;
    size_t i;
    int written = 0;

    for (i = 0; i < p->nfiles; i++) {
        char *now_text = vt_read_file(p->files[i].path, 0, NULL);
        bool same = (now_text == NULL) == (p->files[i].before == NULL) &&
                    (!now_text || strcmp(now_text, p->files[i].before) == 0);
        free(now_text);
        if (!same) {
            vt_err_set(err, _("%s changed since the set-up was prepared; nothing was written"),
                       p->files[i].path);
            return -1;
        }
    }
    localtime_r(&now, &tm);
    strftime(suffix, sizeof(suffix), ".virt-tune-%Y%m%d-%H%M%S", &tm);
    for (i = 0; i < p->nfiles; i++) {
        const vt_setup_file *f = &p->files[i];
        if (!file_changes(f))
            continue;
        if (vt_file_replace(f->path, f->after, 0644, f->before ? suffix : NULL, err) < 0)
            return put_back(p, i, suffix, err);
        written++;
    }
    return written;
}

void vt_setup_plan_clear(vt_setup_plan *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nfiles; i++) {
        free(p->files[i].path);
        free(p->files[i].before);
        free(p->files[i].after);
        free(p->files[i].diff);
    }
    for (i = 0; i < p->ncommands; i++)
        free(p->commands[i]);
    free(p->commands);
    for (i = 0; i < p->nnotes; i++)
        free(p->notes[i]);
    free(p->notes);
    free(p->uri);
    memset(p, 0, sizeof(*p));
}

char *vt_setup_describe(const vt_setup_plan *p)
{
    vt_buf b = { 0 };
    size_t i;

    vt_buf_addf(&b, _("Remote access: %s, clients connect to %s\n"),
                vt_setup_transport_name(p->transport), p->uri);
    for (i = 0; i < p->nnotes; i++)
        vt_buf_addf(&b, _("note: %s\n"), p->notes[i]);
    vt_buf_addf(&b, _("%zu of %zu files change\n"), vt_setup_nchanged(p), p->nfiles);
    for (i = 0; i < p->nfiles; i++) {
        if (!p->files[i].diff[0])
            vt_buf_addf(&b, _("%s: already as needed\n"), p->files[i].path);
        else
            vt_buf_add(&b, p->files[i].diff);
    }
    if (p->ncommands)
        vt_buf_add(&b, _("then:\n"));
    for (i = 0; i < p->ncommands; i++)
        vt_buf_addf(&b, "  %s\n", p->commands[i]);
    return vt_buf_steal(&b);
}

int vt_setup_run(const char *cmd, bool quiet)
{
    char *copy = vt_strdup(cmd), *argv[8], *save = NULL;
    int n = 0, status = -1;
    pid_t pid;

    for (char *t = strtok_r(copy, " ", &save); t && n < 7; t = strtok_r(NULL, " ", &save))
        argv[n++] = t;
    argv[n] = NULL;
    if (!n) {
        free(copy);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        if (quiet) {
            int fd = open("/dev/null", O_RDWR);
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    free(copy);
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
