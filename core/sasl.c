#include "sasl.h"

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <sasl/sasl.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confread.h"

void vt_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

bool vt_sasl_user_ok(const char *user)
{
    if (!user || !*user || strlen(user) > 255)
        return false;
    for (const char *p = user; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == '@' || *p == ':' || *p == 0x7f)
            return false;
    return true;
}

static const char *conf_dir(const vt_sasl_opts *o)
{
    return o && o->conf_dir ? o->conf_dir : "/etc/sasl2";
}

char *vt_sasl_db_path(const vt_sasl_opts *o)
{
    char *path, *text;
    vt_conf c = { 0 };
    const char *v;

    if (o && o->sasldb_path)
        return vt_strdup(o->sasldb_path);
    path = vt_asprintf("%s/libvirt.conf", conf_dir(o));
    text = vt_read_file(path, 1 << 20, NULL);
    free(path);
    if (text && vt_conf_parse_sasl(text, &c, NULL) == 0 && (v = vt_conf_get(&c, "sasldb_path"))) {
        char *r = vt_strdup(v);
        vt_conf_clear(&c);
        free(text);
        return r;
    }
    vt_conf_clear(&c);
    free(text);
    return vt_strdup("/etc/sasldb2");
}

/* ---- the SASL library, one server context per operation ---- */

typedef struct sasl_ctx {
    const vt_sasl_opts *o;
    char *dbpath;
    char *confdir;
} sasl_ctx;

static int cb_getopt(void *context, const char *plugin, const char *option, const char **result,
                     unsigned *len)
{
    sasl_ctx *x = context;

    (void)plugin;
    if (strcmp(option, "sasldb_path") == 0) {
        *result = x->dbpath;
        if (len)
            *len = (unsigned)strlen(x->dbpath);
        return SASL_OK;
    }
    return SASL_FAIL;   /* everything else from libvirt.conf */
}

static int cb_confpath(void *context, char **path)
{
    sasl_ctx *x = context;

    *path = x->confdir;
    return SASL_OK;
}

static int cb_log(void *context, int level, const char *message)
{
    (void)context;
    (void)level;
    (void)message;      /* the caller reports; nothing goes to syslog or stderr */
    return SASL_OK;
}

/* SASL's callback table stores every callback as int (*)(void); going
 * through void (*)(void) says the cast is meant. */
#define SASL_CB_FN(f) ((int (*)(void))(void (*)(void))(f))

static const char *sasl_words(int rc)
{
    switch (rc) {
    case SASL_NOCHANGE: return _("the entry already exists");
    case SASL_NOMECH: return _("no SASL password store is configured (sasldb)");
    case SASL_NOUSER: return _("no such user");
    case SASL_WEAKPASS: return _("the password is too weak for the SASL policy");
    case SASL_BADPARAM: return _("the password is too long");
    case SASL_NOUSERPASS: return _("user passwords are not allowed by the SASL policy");
    case SASL_FAIL: return _("the database cannot be written (permissions, or its directory is missing)");
    default: return sasl_errstring(rc, NULL, NULL);
    }
}

/* with pass: sasl_setpass (NULL removes the user), or with check,
 * sasl_checkpass: the server's own lookup of user@realm in the sasldb */
static int server_op(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                     unsigned flags, bool check, vt_err *err)
{
    sasl_ctx x = { o, vt_sasl_db_path(o), vt_strdup(conf_dir(o)) };
    sasl_callback_t cbs[] = {
        { SASL_CB_GETOPT, SASL_CB_FN(cb_getopt), &x },
        { SASL_CB_GETCONFPATH, SASL_CB_FN(cb_confpath), &x },
        { SASL_CB_LOG, SASL_CB_FN(cb_log), &x },
        { SASL_CB_LIST_END, NULL, NULL },
    };
    sasl_conn_t *conn = NULL;
    int rc, ret = -1;
    mode_t old = umask(077);   /* a new database is readable by root only */

    if (!vt_sasl_user_ok(user)) {
        vt_err_set(err, _("\"%s\" is not a SASL user name (no '@', ':' or blanks; the realm is "
                   "given with --realm)"), user);
        goto out;
    }
    rc = sasl_server_init(cbs, "libvirt");
    if (rc != SASL_OK) {
        vt_err_set(err, _("the SASL library did not start: %s"), sasl_words(rc));
        goto out;
    }
    rc = sasl_server_new("libvirt", NULL, o ? o->realm : NULL, NULL, NULL, cbs, 0, &conn);
    if (rc != SASL_OK) {
        vt_err_set(err, _("the SASL library did not start: %s"), sasl_words(rc));
        goto done;
    }
    if (check)
        rc = sasl_checkpass(conn, user, (unsigned)strlen(user), pass, (unsigned)len);
    else
        rc = sasl_setpass(conn, user, pass, (unsigned)len, NULL, 0, flags);
    if (rc != SASL_OK) {
        if (check && (rc == SASL_BADAUTH || rc == SASL_NOUSER))
            vt_err_set(err, "%s: %s (%s)", user, rc == SASL_NOUSER ? _("no such user") : _("wrong password"),
                       x.dbpath);
        else
            vt_err_set(err, "%s: %s (%s)", user, sasl_words(rc), x.dbpath);
        goto done;
    }
    ret = 0;

done:
    sasl_dispose(&conn);
    sasl_done();
out:
    umask(old);
    free(x.dbpath);
    free(x.confdir);
    return ret;
}

static int setpass(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                   unsigned flags, vt_err *err)
{
    return server_op(o, user, pass, len, flags, false, err);
}

static char *host_realm(const vt_sasl_opts *o)
{
    char host[256] = "";

    if (o && o->realm)
        return vt_strdup(o->realm);
    gethostname(host, sizeof(host) - 1);
    return vt_strdup(host);
}

int vt_sasl_add(const vt_sasl_opts *o, const char *user, const char *pass, size_t len, vt_err *err)
{
    vt_err lerr = { { 0 } };

    if (vt_sasl_user_exists(o, user, &lerr)) {
        char *realm = host_realm(o);
        vt_err_set(err, _("%s@%s exists already: use passwd to change its password"), user, realm);
        free(realm);
        return -1;
    }
    if (lerr.msg[0]) {
        vt_err_set(err, "%s", lerr.msg);
        return -1;
    }
    if (!pass || !len) {
        vt_err_set(err, _("an empty password is not set"));
        return -1;
    }
    return setpass(o, user, pass, len, SASL_SET_CREATE, err);
}

/* 0 when user@realm is in the database, else -1 saying why */
static int must_exist(const vt_sasl_opts *o, const char *user, bool add_hint, vt_err *err)
{
    vt_err lerr = { { 0 } };
    char *realm;

    if (vt_sasl_user_exists(o, user, &lerr))
        return 0;
    realm = host_realm(o);
    if (lerr.msg[0])
        vt_err_set(err, "%s", lerr.msg);
    else if (add_hint)
        vt_err_set(err, _("%s@%s does not exist: use add"), user, realm);
    else
        vt_err_set(err, _("%s@%s does not exist"), user, realm);
    free(realm);
    return -1;
}

int vt_sasl_passwd(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                   vt_err *err)
{
    if (must_exist(o, user, true, err) < 0)
        return -1;
    if (!pass || !len) {
        vt_err_set(err, _("an empty password is not set"));
        return -1;
    }
    return setpass(o, user, pass, len, 0, err);
}

int vt_sasl_delete(const vt_sasl_opts *o, const char *user, vt_err *err)
{
    if (must_exist(o, user, false, err) < 0)
        return -1;
    /* with no password, SASL_SET_DISABLE removes every secret of the user */
    return setpass(o, user, NULL, 0, SASL_SET_DISABLE, err);
}

int vt_sasl_checkpass(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                      vt_err *err)
{
    if (must_exist(o, user, false, err) < 0)
        return -1;
    return server_op(o, user, pass ? pass : "", len, 0, true, err);
}

/* ---- listing ---- */

int vt_sasl_list(const vt_sasl_opts *o, vt_sasl_user **users, size_t *n, vt_err *err)
{
    char *db = vt_sasl_db_path(o);
    char *argv[] = { "sasldblistusers2", "-f", db, NULL };
    int fds[2], efd[2], status;
    pid_t pid;
    FILE *f;
    char line[1024];
    struct stat st;

    *users = NULL;
    *n = 0;
    if (stat(db, &st) < 0) {
        if (errno == ENOENT) {    /* no database yet: no users */
            free(db);
            return 0;
        }
        vt_err_set(err, _("cannot read %s: %s"), db, strerror(errno));
        free(db);
        return -1;
    }
    if (pipe(fds) < 0 || pipe(efd) < 0) {
        vt_err_set(err, "pipe: %s", strerror(errno));
        free(db);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(efd[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        close(efd[0]);
        close(efd[1]);
        execvp("sasldblistusers2", argv);
        execv("/usr/sbin/sasldblistusers2", argv);
        _exit(127);
    }
    close(fds[1]);
    close(efd[1]);
    f = fdopen(fds[0], "r");
    while (f && fgets(line, sizeof(line), f)) {
        /* "user@realm: property" per stored secret */
        char *colon = strrchr(line, ':'), *at;
        bool seen = false;
        if (!colon)
            continue;
        *colon = '\0';
        at = strrchr(line, '@');
        if (!at)
            continue;
        *at = '\0';
        for (size_t i = 0; i < *n; i++)
            seen |= strcmp((*users)[i].user, line) == 0 && strcmp((*users)[i].realm, at + 1) == 0;
        if (!seen) {
            vt_sasl_user *u = vt_array_push(users, n, sizeof(*u));
            u->user = vt_strdup(line);
            u->realm = vt_strdup(at + 1);
        }
    }
    if (f)
        fclose(f);
    {
        /* it says "listusers failed" on stderr and still exits 0 */
        char ebuf[512] = "";
        ssize_t r = read(efd[0], ebuf, sizeof(ebuf) - 1);
        close(efd[0]);
        waitpid(pid, &status, 0);
        if (r > 0 && strstr(ebuf, "failed")) {
            char *nl = strchr(ebuf, '\n');
            if (nl)
                *nl = '\0';
            vt_err_set(err, _("cannot list the users of %s: %s"), db, ebuf);
            vt_sasl_users_free(*users, *n);
            *users = NULL;
            *n = 0;
            free(db);
            return -1;
        }
    }
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127) {
        vt_err_set(err, _("cannot list %s: sasldblistusers2 is not installed (package sasl2-bin or "
                   "cyrus-sasl)"), db);
        vt_sasl_users_free(*users, *n);
        *users = NULL;
        *n = 0;
        free(db);
        return -1;
    }
    free(db);
    return 0;
}

void vt_sasl_users_free(vt_sasl_user *users, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(users[i].user);
        free(users[i].realm);
    }
    free(users);
}

bool vt_sasl_user_exists(const vt_sasl_opts *o, const char *user, vt_err *err)
{
    vt_sasl_user *u;
    size_t n;
    char *realm = host_realm(o);
    bool found = false;

    if (vt_sasl_list(o, &u, &n, err) == 0) {
        for (size_t i = 0; i < n; i++)
            found |= strcmp(u[i].user, user) == 0 && strcmp(u[i].realm, realm) == 0;
        vt_sasl_users_free(u, n);
    }
    free(realm);
    return found;
}

/* ---- verify ---- */

typedef struct creds {
    const char *user, *pass;
} creds;

static int auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *data)
{
    creds *c = data;

    for (unsigned i = 0; i < ncred; i++) {
        const char *v = NULL;
        if (cred[i].type == VIR_CRED_AUTHNAME)
            v = c->user;
        else if (cred[i].type == VIR_CRED_PASSPHRASE)
            v = c->pass;
        else
            return -1;
        cred[i].result = strdup(v);
        if (!cred[i].result)
            return -1;
        cred[i].resultlen = (unsigned)strlen(v);
    }
    return 0;
}

/* libvirt's words, then what to change */
static const char *hint(const char *msg)
{
    if (strstr(msg, "no worthy mechs") || strstr(msg, "No worthy mechs") ||
        strstr(msg, "no SASL mechanisms are available") || strstr(msg, "no mechanism available"))
        return _("the server's mech_list offers no mechanism this connection can use: on plain TCP "
               "libvirt needs a session security layer, which scram-sha-* does not give (use TLS, "
               "or digest-md5/gssapi on TCP); and the client needs the plugin (libsasl2-modules)");
    if (strstr(msg, "canonify"))
        return _("the user is not in the server's sasldb under the realm it expects (by default the "
               "server's host name: user@HOST)");
    if (strstr(msg, "authentication failed") || strstr(msg, "Authentication failed"))
        return _("wrong user or password, or the user is not in the sasldb that the server's "
               "libvirt.conf names (sasldb_path)");
    if (strstr(msg, "Connection refused"))
        return _("nothing listens there: libvirtd needs listen_tcp = 1 (or listen_tls) and --listen, "
               "or the libvirtd-tcp.socket unit");
    if (strstr(msg, "authentication unavailable") || strstr(msg, "auth"))
        return _("the server does not ask for SASL on this transport: check auth_tcp / auth_tls");
    return NULL;
}

/* mechanisms that give libvirt the session security layer (SSF >= 56) it
 * asks for on plain TCP */
static const char *const ssf_mechs[] = { "digest-md5", "gssapi", "gs2-krb5" };

const char *vt_sasl_mech_problem(const char *mech_list, const char *transport)
{
    char *copy, *save = NULL, *tok;
    bool any = false, ssf = false;

    if (!mech_list)
        return NULL;
    copy = vt_strdup(mech_list);
    for (tok = strtok_r(copy, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        any = true;
        for (size_t i = 0; i < sizeof(ssf_mechs) / sizeof(ssf_mechs[0]); i++)
            ssf |= strcasecmp(tok, ssf_mechs[i]) == 0;
    }
    free(copy);
    if (!any)
        return N_("mech_list is empty: no mechanism can be used");
    if (strcmp(transport, "tcp") == 0 && !ssf)
        return N_("on plain TCP libvirt needs a SASL mechanism with a session security layer "
               "(digest-md5 or gssapi); scram-sha-*, plain and the like give none, so libvirtd "
               "offers no mechanism: use TLS (qemu+tls://, listen_tls) for SCRAM, or gssapi on "
               "TCP");
    return NULL;
}

static const char *uri_transport(const char *uri)
{
    const char *colon = strstr(uri, "://");
    const char *plus = strchr(uri, '+');

    if (!plus || !colon || plus > colon)
        return "unix";
    if (strncmp(plus + 1, "tcp", 3) == 0)
        return "tcp";
    if (strncmp(plus + 1, "tls", 3) == 0)
        return "tls";
    return "other";
}

int vt_sasl_verify(const char *uri, const char *user, const char *pass, const vt_sasl_opts *o,
                   vt_err *err)
{
    int types[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE };
    creds c = { user, pass };
    virConnectAuth auth = { types, 2, auth_cb, &c };
    virConnectPtr conn = virConnectOpenAuth(uri, &auth, VIR_CONNECT_RO);
    virErrorPtr e;
    const char *h;

    if (conn) {
        virConnectClose(conn);
        return 0;
    }
    e = virGetLastError();
    h = hint(e && e->message ? e->message : "");
    if (o) {
        /* the server's own configuration, when it is readable here */
        char *path = vt_asprintf("%s/libvirt.conf", conf_dir(o)), *text;
        vt_conf sc = { 0 };
        text = vt_read_file(path, 1 << 20, NULL);
        if (text && vt_conf_parse_sasl(text, &sc, NULL) == 0) {
            const char *p = vt_sasl_mech_problem(vt_conf_get(&sc, "mech_list"), uri_transport(uri));
            if (p)
                h = _(p);   /* marked with N_ in vt_sasl_mech_problem */
        }
        vt_conf_clear(&sc);
        free(text);
        free(path);
    }
    if (h)
        vt_err_set(err, _("%s. Fix: %s"), e && e->message ? e->message : _("login failed"), h);
    else
        vt_err_set(err, "%s", e && e->message ? e->message : _("login failed"));
    return -1;
}
