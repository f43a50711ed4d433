/* virt-tune sasl: the libvirt SASL users (list, add, passwd, delete,
 * verify) and, through cli/remote.c, remote access (status, setup). */
#include <config.h>

#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "core/sasl.h"
#include "core/util.h"

/* The command line; the strings point into argv. */
typedef struct sasl_args {
    vt_sasl_opts so;
    const char *cmd, *user, *uri, *etc_root, *transport, *addr, *unit_dir;
    bool from_stdin, deprecated, dry, yes;
} sasl_args;

static void sasl_usage(FILE *out)
{
    fputs(_("Usage: virt-tune sasl list   [--sasldb PATH] [--sasl-conf DIR]\n"
            "       virt-tune sasl add    USER [--realm R] [--password-stdin]\n"
            "                             [--sasldb PATH] [--sasl-conf DIR]\n"
            "       virt-tune sasl passwd USER [--realm R] [--password-stdin]\n"
            "                             [--sasldb PATH] [--sasl-conf DIR]\n"
            "       virt-tune sasl delete USER [--realm R] [--sasldb PATH]\n"
            "                             [--sasl-conf DIR]\n"
            "       virt-tune sasl verify URI USER [--password-stdin] [--sasl-conf DIR]\n"
            "       virt-tune sasl status [--etc-root DIR]\n"
            "       virt-tune sasl setup  --transport tls-scram|tcp-gssapi|tcp-digest-md5\n"
            "                             [--listen-addr ADDR] [--allow-deprecated]\n"
            "                             [--dry-run] [--yes] [--etc-root DIR]\n"
            "                             [--unit-dir DIR]\n"), out);
    fputs(_("The database is the sasldb_path of DIR/libvirt.conf (default /etc/sasl2), as\n"
            "libvirtd uses it; the realm defaults to this host's name, as saslpasswd2 and\n"
            "libvirtd use it. Passwords are read without echo (twice when set), or one\n"
            "line from standard input with --password-stdin; never from the command line.\n"),
          out);
}

/* -1 when the command is to run, else the exit status (usage printed). */
static int sasl_parse(int argc, char **argv, sasl_args *a)
{
    enum { O_REALM = 256, O_STDIN, O_DB, O_CONF, O_ETC, O_TRANSPORT, O_ADDR, O_DEPRECATED,
           O_DRY, O_UNITS };
    static const struct option longopts[] = {
        { "etc-root", required_argument, NULL, O_ETC },
        { "transport", required_argument, NULL, O_TRANSPORT },
        { "listen-addr", required_argument, NULL, O_ADDR },
        { "allow-deprecated", no_argument, NULL, O_DEPRECATED },
        { "dry-run", no_argument, NULL, O_DRY },
        { "unit-dir", required_argument, NULL, O_UNITS },
        { "yes", no_argument, NULL, 'y' },
        { "realm", required_argument, NULL, O_REALM },
        { "password-stdin", no_argument, NULL, O_STDIN },
        { "sasldb", required_argument, NULL, O_DB },
        { "sasl-conf", required_argument, NULL, O_CONF },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd;
    int ch;

    memset(a, 0, sizeof(*a));
    a->etc_root = "/etc";
    optind = 1;
    while ((ch = getopt_long(argc, argv, "hy", longopts, NULL)) != -1) {
        switch (ch) {
        case O_REALM: a->so.realm = optarg; break;
        case O_STDIN: a->from_stdin = true; break;
        case O_DB: a->so.sasldb_path = optarg; break;
        case O_CONF: a->so.conf_dir = optarg; break;
        case O_ETC: a->etc_root = optarg; break;
        case O_TRANSPORT: a->transport = optarg; break;
        case O_ADDR: a->addr = optarg; break;
        case O_DEPRECATED: a->deprecated = true; break;
        case O_DRY: a->dry = true; break;
        case O_UNITS: a->unit_dir = optarg; break;
        case 'y': a->yes = true; break;
        case 'h': sasl_usage(stdout); return 0;
        default: sasl_usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        sasl_usage(stderr);
        return 2;
    }
    cmd = a->cmd = argv[optind++];
    if (strcmp(cmd, "verify") == 0 && optind + 2 == argc) {
        a->uri = argv[optind];
        a->user = argv[optind + 1];
    } else if ((strcmp(cmd, "list") == 0 || strcmp(cmd, "status") == 0 ||
                strcmp(cmd, "setup") == 0) && optind == argc) {
        ;
    } else if ((strcmp(cmd, "add") == 0 || strcmp(cmd, "passwd") == 0 ||
                strcmp(cmd, "delete") == 0) && optind + 1 == argc) {
        a->user = argv[optind];
    } else {
        fprintf(stderr, _("virt-tune: sasl %s: wrong arguments\n"), cmd);
        sasl_usage(stderr);
        return 2;
    }
    if (a->user && !vt_sasl_user_ok(a->user)) {
        fprintf(stderr, _("virt-tune: \"%s\" is not a SASL user name (no '@', ':' or blanks; give "
                          "the realm with --realm)\n"), a->user);
        return 2;
    }
    return -1;
}

static int sasl_list(const vt_sasl_opts *so)
{
    vt_err err = { { 0 } };
    vt_sasl_user *u;
    size_t n;
    char *db = vt_sasl_db_path(so);

    if (vt_sasl_list(so, &u, &n, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        free(db);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s@%s\n", u[i].user, u[i].realm);
    fprintf(stderr, P_("%zu user in %s\n", "%zu users in %s\n", (unsigned long)n), n, db);
    vt_sasl_users_free(u, n);
    free(db);
    return 0;
}

static int sasl_delete(const vt_sasl_opts *so, const char *user)
{
    vt_err err = { { 0 } };

    if (vt_sasl_delete(so, user, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        return 1;
    }
    printf(_("deleted %s\n"), user);
    return 0;
}

/* add, passwd and verify: the password first, in locked memory wiped
 * afterwards. */
static int sasl_with_password(const sasl_args *a)
{
    vt_err err = { { 0 } };
    bool verify = strcmp(a->cmd, "verify") == 0;
    char *pass = vt_calloc(1, VT_CLI_PASS_MAX);
    int len, rc = 1;

    mlock(pass, VT_CLI_PASS_MAX);
    /* said before the password is asked, not after it was typed twice */
    if (strcmp(a->cmd, "add") == 0 && vt_sasl_user_exists(&a->so, a->user, &err)) {
        char *db = vt_sasl_db_path(&a->so);
        fprintf(stderr, _("virt-tune: user %s exists in %s: nothing was changed; to change its "
                          "password: virt-tune sasl passwd %s\n"), a->user, db, a->user);
        free(db);
        goto cleanup;
    }
    if ((len = vt_cli_password(a->from_stdin, !verify, pass)) < 0)
        goto cleanup;
    if (verify) {
        if (vt_sasl_verify(a->uri, a->user, pass, &a->so, &err) < 0) {
            fprintf(stderr, _("virt-tune: login as %s to %s failed: %s\n"), a->user, a->uri,
                    err.msg);
            goto cleanup;
        }
        printf(_("login as %s to %s: ok\n"), a->user, a->uri);
    } else if (strcmp(a->cmd, "add") == 0) {
        if (vt_sasl_add(&a->so, a->user, pass, (size_t)len, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            goto cleanup;
        }
        printf(_("added %s\n"), a->user);
    } else {
        if (vt_sasl_passwd(&a->so, a->user, pass, (size_t)len, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            goto cleanup;
        }
        printf(_("password of %s changed\n"), a->user);
    }
    rc = 0;

cleanup:
    vt_wipe(pass, VT_CLI_PASS_MAX);
    munlock(pass, VT_CLI_PASS_MAX);
    free(pass);
    return rc;
}

int vt_cli_sasl(int argc, char **argv)
{
    sasl_args a;
    int rc;

    /* nothing of a password may end up in a core dump */
    prctl(PR_SET_DUMPABLE, 0);
    if ((rc = sasl_parse(argc, argv, &a)) >= 0)
        return rc;
    if (strcmp(a.cmd, "status") == 0)
        return vt_cli_remote_status(a.etc_root);
    if (strcmp(a.cmd, "setup") == 0)
        return vt_cli_remote_setup(a.etc_root, a.unit_dir, a.transport, a.addr, a.deprecated,
                                   a.dry, a.yes);
    if (strcmp(a.cmd, "list") == 0)
        return sasl_list(&a.so);
    if (strcmp(a.cmd, "delete") == 0)
        return sasl_delete(&a.so, a.user);
    return sasl_with_password(&a);
}
