/* virt-tune: command line, then either a batch mode (--report) or the
 * console. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/conn.h"
#include "core/demo.h"
#include "core/remote.h"
#include "core/sasl.h"
#include "cli/cli.h"
#include "tui/app.h"

typedef enum {
    MODE_CONSOLE,
    MODE_REPORT_TEXT,
    MODE_REPORT_JSON,
    MODE_APPLY,
    MODE_EXPORT_VIRSH,
    MODE_REVERT,
    MODE_CHECK,
} run_mode;

typedef struct options {
    const char *uri;
    const char *sysfs_root;
    const char *procfs_root;
    const char *etc_root;
    bool readonly;
    bool demo;
    run_mode mode;
    int refresh_ms;
    const char *theme;
    int color;
    const char *plan;          /* --plan, --apply or --export-virsh FILE */
    bool dry_run;
    bool yes;
    const char *log_path;      /* --apply-log */
    bool json;                 /* --check --json */
} options;

static void usage(FILE *out)
{
    fputs("Usage: virt-tune [OPTION]...\n"
          "KVM/libvirt tuning console: IOThreads, huge pages, NUMA, sVirt, halt-polling,\n"
          "kworker mask, THP and libvirt remote access.\n"
          "\n"
          "  -c, --connect URI        libvirt connection URI (default: $LIBVIRT_DEFAULT_URI,\n"
          "                           then libvirt's own default), as with virsh\n"
          "  -r, --readonly           open a read-only connection\n"
          "      --demo               the built-in demo host (libvirt test driver, no root)\n"
          "      --report[=FORMAT]    print the whole snapshot and exit; FORMAT is text\n"
          "                           (default) or json\n"
          "      --plan FILE          open the console with FILE's changes staged, in the\n"
          "                           review screen\n"
          "      --apply FILE         apply a plan file without the console: print each\n"
          "                           step, ask once, exit 0 only if every step applied\n"
          "      --dry-run            with --apply: print the steps and XML diffs, change\n"
          "                           nothing\n"
          "  -y, --yes                with --apply: do not ask\n"
          "      --export-virsh FILE  print the virsh commands equivalent to a plan file\n"
          "      --revert-last        put back the host knobs of the last apply in the\n"
          "                           apply log (asks once; --dry-run, --yes as --apply)\n"
          "      --apply-log FILE     append applied changes to FILE (default\n"
          "                           $XDG_STATE_HOME/virt-tune/apply.log)\n"
          "      --check [--json]     run every best-practice check and exit 0 (nothing above\n"
          "                           info), 1 (warnings) or 2 (failures); 3 when it cannot run\n"
          "  -d, --delay SECONDS      refresh every SECONDS in the console (default 2)\n"
          "      --theme NAME         colour theme: default, mono, high-contrast\n"
          "      --no-color           no colours (also when NO_COLOR is set)\n"
          "      --sysfs-root DIR     read host knobs below DIR instead of /sys\n"
          "      --procfs-root DIR    read processes below DIR instead of /proc\n"
          "      --etc-root DIR       read configuration below DIR instead of /etc\n"
          "  -h, --help               show this help and exit\n"
          "  -V, --version            show the version and exit\n"
          "\n"
          "See virt-tune(1).\n",
          out);
}

static int parse_args(int argc, char **argv, options *o)
{
    enum { OPT_DEMO = 256, OPT_REPORT, OPT_SYSFS, OPT_PROCFS, OPT_THEME, OPT_NOCOLOR, OPT_ETC,
           OPT_PLAN, OPT_APPLY, OPT_DRYRUN, OPT_EXPORT, OPT_LOG, OPT_REVERT, OPT_CHECK,
           OPT_JSON };
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "readonly", no_argument, NULL, 'r' },
        { "demo", no_argument, NULL, OPT_DEMO },
        { "report", optional_argument, NULL, OPT_REPORT },
        { "sysfs-root", required_argument, NULL, OPT_SYSFS },
        { "procfs-root", required_argument, NULL, OPT_PROCFS },
        { "etc-root", required_argument, NULL, OPT_ETC },
        { "delay", required_argument, NULL, 'd' },
        { "theme", required_argument, NULL, OPT_THEME },
        { "no-color", no_argument, NULL, OPT_NOCOLOR },
        { "plan", required_argument, NULL, OPT_PLAN },
        { "apply", required_argument, NULL, OPT_APPLY },
        { "dry-run", no_argument, NULL, OPT_DRYRUN },
        { "yes", no_argument, NULL, 'y' },
        { "export-virsh", required_argument, NULL, OPT_EXPORT },
        { "apply-log", required_argument, NULL, OPT_LOG },
        { "revert-last", no_argument, NULL, OPT_REVERT },
        { "check", no_argument, NULL, OPT_CHECK },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int ch, nplan = 0;

    memset(o, 0, sizeof(*o));
    o->refresh_ms = 2000;
    o->color = -1;
    while ((ch = getopt_long(argc, argv, "c:rd:yhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': o->uri = optarg; break;
        case 'r': o->readonly = true; break;
        case OPT_DEMO: o->demo = true; break;
        case OPT_REPORT:
            if (!optarg || strcmp(optarg, "text") == 0) {
                o->mode = MODE_REPORT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                o->mode = MODE_REPORT_JSON;
            } else {
                fprintf(stderr, "virt-tune: unknown report format '%s' (use text or json)\n", optarg);
                return -1;
            }
            break;
        case OPT_SYSFS: o->sysfs_root = optarg; break;
        case 'd': {
            char *end;
            double secs = strtod(optarg, &end);
            if (*end || !(secs >= 0.1 && secs <= 3600)) {
                fprintf(stderr, "virt-tune: -d takes seconds between 0.1 and 3600, not '%s'\n", optarg);
                return -1;
            }
            o->refresh_ms = (int)(secs * 1000);
            break;
        }
        case OPT_THEME: o->theme = optarg; break;
        case OPT_NOCOLOR: o->color = 0; break;
        case OPT_PROCFS: o->procfs_root = optarg; break;
        case OPT_ETC: o->etc_root = optarg; break;
        case OPT_PLAN: o->plan = optarg; nplan++; break;
        case OPT_APPLY: o->plan = optarg; o->mode = MODE_APPLY; nplan++; break;
        case OPT_EXPORT: o->plan = optarg; o->mode = MODE_EXPORT_VIRSH; nplan++; break;
        case OPT_DRYRUN: o->dry_run = true; break;
        case 'y': o->yes = true; break;
        case OPT_LOG: o->log_path = optarg; break;
        case OPT_REVERT: o->mode = MODE_REVERT; nplan++; break;
        case OPT_CHECK: o->mode = MODE_CHECK; break;
        case OPT_JSON: o->json = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("virt-tune %s\n", PACKAGE_VERSION); exit(0);
        default:
            fputs("Try 'virt-tune --help'.\n", stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "virt-tune: unexpected argument '%s'\nTry 'virt-tune --help'.\n", argv[optind]);
        return -1;
    }
    if (o->json && o->mode != MODE_CHECK) {
        fputs("virt-tune: --json goes with --check (for the report: --report=json)\n", stderr);
        return -1;
    }
    if (nplan > 1 || (nplan && o->mode == MODE_CHECK)) {
        fputs("virt-tune: --plan, --apply, --export-virsh and --revert-last exclude each other\n",
              stderr);
        return -1;
    }
    if ((o->dry_run || o->yes) && o->mode != MODE_APPLY && o->mode != MODE_REVERT) {
        fputs("virt-tune: --dry-run and --yes go with --apply FILE or --revert-last\n", stderr);
        return -1;
    }
    if (o->demo && o->uri) {
        fputs("virt-tune: --demo and --connect exclude each other\n", stderr);
        return -1;
    }
    return 0;
}

/* libvirt prints errors to stderr by default; virt-tune reports its own. */
static void quiet_libvirt(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

/* libxml2 (inside libvirt too) would print its own warnings to stderr. */
static void quiet_xml(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- virt-tune sasl ... ---- */

#define PASS_MAX 1024

static void sasl_usage(FILE *out)
{
    fputs("Usage: virt-tune sasl list   [--sasldb PATH] [--sasl-conf DIR]\n"
          "       virt-tune sasl add    USER [--realm R] [--password-stdin] [--sasldb PATH] [--sasl-conf DIR]\n"
          "       virt-tune sasl passwd USER [--realm R] [--password-stdin] [--sasldb PATH] [--sasl-conf DIR]\n"
          "       virt-tune sasl delete USER [--realm R] [--sasldb PATH] [--sasl-conf DIR]\n"
          "       virt-tune sasl verify URI USER [--password-stdin] [--sasl-conf DIR]\n"
          "       virt-tune sasl status [--etc-root DIR]\n"
          "       virt-tune sasl setup  --transport tls-scram|tcp-gssapi|tcp-digest-md5\n"
          "                             [--listen-addr ADDR] [--allow-deprecated] [--dry-run]\n"
          "                             [--yes] [--etc-root DIR] [--unit-dir DIR]\n"
          "The database is the sasldb_path of DIR/libvirt.conf (default /etc/sasl2), as libvirtd\n"
          "uses it; the realm defaults to this host's name, as saslpasswd2 and libvirtd use it.\n"
          "Passwords are read without echo (twice when set), or one line from standard input\n"
          "with --password-stdin; never from the command line.\n",
          out);
}

/* One line from fd, without its newline; -1 on EOF before any byte. */
static ssize_t read_line(int fd, char *buf, size_t max)
{
    size_t n = 0;
    char ch;

    while (n + 1 < max) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return n ? (ssize_t)n : -1;
        if (ch == '\n')
            break;
        buf[n++] = ch;
    }
    buf[n] = '\0';
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return (ssize_t)n;
}

static ssize_t ask_password(const char *prompt, char *buf, size_t max)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    struct termios old, quiet;
    ssize_t n;

    if (fd < 0)
        return -1;
    if (tcgetattr(fd, &old) < 0) {
        close(fd);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
        close(fd);
        return -1;
    }
    n = read_line(fd, buf, max);
    tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0)
        n = -1;
    close(fd);
    return n;
}

/* The password into pass (PASS_MAX, locked in memory by the caller). */
static int get_password(bool from_stdin, bool twice, char *pass)
{
    char *again;
    ssize_t n, m;

    if (from_stdin) {
        n = read_line(STDIN_FILENO, pass, PASS_MAX);
        if (n <= 0) {
            fputs("virt-tune: no password on standard input\n", stderr);
            return -1;
        }
        return (int)n;
    }
    n = ask_password("Password: ", pass, PASS_MAX);
    if (n < 0) {
        fputs("virt-tune: no terminal to ask the password on: use --password-stdin\n", stderr);
        return -1;
    }
    if (n == 0) {
        fputs("virt-tune: an empty password is not set\n", stderr);
        return -1;
    }
    if (!twice)
        return (int)n;
    again = vt_calloc(1, PASS_MAX);
    mlock(again, PASS_MAX);
    m = ask_password("Again (for verification): ", again, PASS_MAX);
    if (m != n || memcmp(pass, again, (size_t)n) != 0) {
        fputs("virt-tune: the passwords differ; nothing was changed\n", stderr);
        vt_wipe(again, PASS_MAX);
        free(again);
        return -1;
    }
    vt_wipe(again, PASS_MAX);
    free(again);
    return (int)n;
}

static int run_remote_status(const char *etc_root)
{
    vt_remote_status s = { 0 };
    const vt_conf *lc;
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "tcp_port",
                                        "tls_port", "auth_tcp", "auth_tls" };

    vt_remote_status_read(&s, etc_root);
    lc = s.virtproxyd_conf_path ? &s.virtproxyd : &s.ra.libvirtd;
    printf("%s%s\n", s.virtproxyd_conf_path ? s.virtproxyd_conf_path : s.ra.libvirtd_conf_path,
           s.ra.libvirtd_why && !s.virtproxyd_conf_path ? " (not readable)" : "");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = vt_conf_get(lc, keys[i]);
        printf("  %-12s %s\n", keys[i], v ? v : "(default)");
    }
    printf("%s%s\n", s.ra.sasl_conf_path, s.ra.sasl_why ? " (not present)" : "");
    printf("  %-12s %s\n", "mech_list", vt_conf_get(&s.ra.sasl, "mech_list")
                                            ? vt_conf_get(&s.ra.sasl, "mech_list") : "(default)");
    printf("  %-12s %s%s\n", "sasldb_path", s.sasldb_path,
           vt_conf_get(&s.ra.sasl, "sasldb_path") ? "" : " (library default)");
    if (s.sasldb_present && s.users >= 0)
        printf("  %-12s mode %04o, %ld user%s\n", "database", s.sasldb_mode, s.users,
               s.users == 1 ? "" : "s");
    else if (s.sasldb_present)
        printf("  %-12s mode %04o, users cannot be listed\n", "database", s.sasldb_mode);
    else
        printf("  %-12s not created yet\n", "database");
    for (size_t i = 0; i < s.nsockets; i++)
        printf("socket unit enabled: %s\n", s.sockets[i]);
    for (size_t i = 0; i < s.nfindings; i++)
        printf("%s: %s\n", vt_rsev_name(s.findings[i].severity), s.findings[i].text);
    vt_remote_status_clear(&s);
    return 0;
}

static int run_remote_setup(const char *etc_root, const char *unit_dir, const char *transport,
                            const char *addr, bool allow_deprecated, bool dry_run, bool yes)
{
    vt_setup_transport t;
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *text;
    bool live = strcmp(etc_root, "/etc") == 0 && access("/run/systemd/system", F_OK) == 0;
    int rc = 1;

    if (!transport || vt_setup_transport_parse(transport, &t) < 0) {
        fputs("virt-tune: sasl setup needs --transport tls-scram (recommended), tcp-gssapi or "
              "tcp-digest-md5\n", stderr);
        return 2;
    }
    if (t == VT_SETUP_TCP_DIGEST && !allow_deprecated) {
        fputs("virt-tune: tcp-digest-md5 is deprecated and insecure (the guide's example): add "
              "--allow-deprecated to set it up anyway; tls-scram is the secure choice\n", stderr);
        return 2;
    }
    if (vt_setup_prepare(etc_root, unit_dir, t, addr, &p, &err) < 0) {
        fprintf(stderr, "virt-tune: %s; nothing was written\n", err.msg);
        return 2;
    }
    text = vt_setup_describe(&p);
    fputs(text, stdout);
    free(text);
    if (dry_run) {
        puts("Dry run: nothing was written.");
        rc = 0;
        goto cleanup;
    }
    if (!yes) {
        if (!isatty(STDIN_FILENO)) {
            fputs("virt-tune: standard input is not a terminal: add --yes to write without "
                  "asking; nothing was written\n", stderr);
            goto cleanup;
        }
        if (!vt_cli_confirm("Write these files?")) {
            puts("Nothing was written.");
            goto cleanup;
        }
    }
    if (vt_setup_write(&p, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        goto cleanup;
    }
    puts("Written (each old file kept beside it as .virt-tune-DATE).");
    for (size_t i = 0; i < p.ncommands; i++) {
        if (!live) {
            printf("Now run: %s\n", p.commands[i]);
            continue;
        }
        printf("Running: %s\n", p.commands[i]);
        if (vt_setup_run(p.commands[i], false) < 0) {
            fprintf(stderr, "virt-tune: \"%s\" failed; run it by hand, then the rest:\n",
                    p.commands[i]);
            for (size_t j = i + 1; j < p.ncommands; j++)
                fprintf(stderr, "  %s\n", p.commands[j]);
            goto cleanup;
        }
    }
    printf("Next: virt-tune sasl add USER, then virt-tune sasl verify %s USER\n", p.uri);
    rc = 0;

cleanup:
    vt_setup_plan_clear(&p);
    return rc;
}

static int run_sasl(int argc, char **argv)
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
    vt_sasl_opts so = { 0 };
    vt_err err = { { 0 } };
    bool from_stdin = false, deprecated = false, dry = false, yes = false;
    const char *cmd, *user = NULL, *uri = NULL, *etc_root = "/etc", *transport = NULL,
               *addr = NULL, *unit_dir = NULL;
    char *pass = NULL;
    int ch, len, rc = 1;

    /* nothing of a password may end up in a core dump */
    prctl(PR_SET_DUMPABLE, 0);
    optind = 1;
    while ((ch = getopt_long(argc, argv, "hy", longopts, NULL)) != -1) {
        switch (ch) {
        case O_REALM: so.realm = optarg; break;
        case O_STDIN: from_stdin = true; break;
        case O_DB: so.sasldb_path = optarg; break;
        case O_CONF: so.conf_dir = optarg; break;
        case O_ETC: etc_root = optarg; break;
        case O_TRANSPORT: transport = optarg; break;
        case O_ADDR: addr = optarg; break;
        case O_DEPRECATED: deprecated = true; break;
        case O_DRY: dry = true; break;
        case O_UNITS: unit_dir = optarg; break;
        case 'y': yes = true; break;
        case 'h': sasl_usage(stdout); return 0;
        default: sasl_usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        sasl_usage(stderr);
        return 2;
    }
    cmd = argv[optind++];
    if (strcmp(cmd, "verify") == 0 && optind + 2 == argc) {
        uri = argv[optind];
        user = argv[optind + 1];
    } else if ((strcmp(cmd, "list") == 0 || strcmp(cmd, "status") == 0 ||
                strcmp(cmd, "setup") == 0) && optind == argc) {
        ;
    } else if ((strcmp(cmd, "add") == 0 || strcmp(cmd, "passwd") == 0 ||
                strcmp(cmd, "delete") == 0) && optind + 1 == argc) {
        user = argv[optind];
    } else {
        fprintf(stderr, "virt-tune: sasl %s: wrong arguments\n", cmd);
        sasl_usage(stderr);
        return 2;
    }
    if (user && !vt_sasl_user_ok(user)) {
        fprintf(stderr, "virt-tune: \"%s\" is not a SASL user name (no '@', ':' or blanks; give "
                "the realm with --realm)\n", user);
        return 2;
    }

    if (strcmp(cmd, "status") == 0)
        return run_remote_status(etc_root);
    if (strcmp(cmd, "setup") == 0)
        return run_remote_setup(etc_root, unit_dir, transport, addr, deprecated, dry, yes);
    if (strcmp(cmd, "list") == 0) {
        vt_sasl_user *u;
        size_t n;
        char *db = vt_sasl_db_path(&so);
        if (vt_sasl_list(&so, &u, &n, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            free(db);
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            printf("%s@%s\n", u[i].user, u[i].realm);
        fprintf(stderr, "%zu user%s in %s\n", n, n == 1 ? "" : "s", db);
        vt_sasl_users_free(u, n);
        free(db);
        return 0;
    }
    if (strcmp(cmd, "delete") == 0) {
        if (vt_sasl_delete(&so, user, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            return 1;
        }
        printf("deleted %s\n", user);
        return 0;
    }
    pass = vt_calloc(1, PASS_MAX);
    mlock(pass, PASS_MAX);
    if ((len = get_password(from_stdin, strcmp(cmd, "verify") != 0, pass)) < 0)
        goto cleanup;
    if (strcmp(cmd, "verify") == 0) {
        if (vt_sasl_verify(uri, user, pass, &so, &err) < 0) {
            fprintf(stderr, "virt-tune: login as %s to %s failed: %s\n", user, uri, err.msg);
            goto cleanup;
        }
        printf("login as %s to %s: ok\n", user, uri);
    } else if (strcmp(cmd, "add") == 0) {
        if (vt_sasl_add(&so, user, pass, (size_t)len, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            goto cleanup;
        }
        printf("added %s\n", user);
    } else {
        if (vt_sasl_passwd(&so, user, pass, (size_t)len, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            goto cleanup;
        }
        printf("password of %s changed\n", user);
    }
    rc = 0;

cleanup:
    vt_wipe(pass, PASS_MAX);
    munlock(pass, PASS_MAX);
    free(pass);
    return rc;
}

static int run_plan(vt_conn *c, const options *o)
{
    vt_cli_plan_opts po = { 0 };

    po.mode = o->mode == MODE_REVERT        ? VT_CLI_PLAN_REVERT
              : o->mode == MODE_EXPORT_VIRSH ? VT_CLI_PLAN_EXPORT_VIRSH
                                             : VT_CLI_PLAN_APPLY;
    po.plan = o->plan;
    po.dry_run = o->dry_run;
    po.yes = o->yes;
    po.log_path = o->log_path;
    return vt_cli_apply(c, &po);
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* The console ends on these and restores the terminal on its way out; no
 * SA_RESTART, so a blocked read returns at once. */
static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* An open the daemon does not answer (stopped, hung) is given up after
 * this long: an on-call admin gets an answer rather than a hung command. */
#define OPEN_WAIT_MS 15000

int main(int argc, char **argv)
{
    options o;
    vt_demo *demo = NULL;
    vt_conn *c = NULL;
    vt_conn_opts co = { 0 };
    vt_err err = { { 0 } };
    sigset_t block, old;
    int rc = 1;

    if (argc > 1 && strcmp(argv[1], "sasl") == 0) {
        virSetErrorFunc(NULL, quiet_libvirt);
        return run_sasl(argc - 1, argv + 1);
    }
    if (parse_args(argc, argv, &o) < 0)
        return 2;
    /* A daemon that goes away must be an error from libvirt, not a
     * SIGPIPE that kills us with the terminal still in curses mode. */
    signal(SIGPIPE, SIG_IGN);
    virSetErrorFunc(NULL, quiet_libvirt);
    xmlSetGenericErrorFunc(NULL, quiet_xml);

    /* The demo's private copy must not outlive us: hold off the signals
     * that would end us until it is removed again. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);

    if (o.demo) {
        if (!(demo = vt_demo_setup(vt_demo_datadir(), &err))) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            goto cleanup;
        }
        co.uri = demo->uri;
        co.sysfs_root = o.sysfs_root ? o.sysfs_root : demo->sysfs_root;
        co.procfs_root = o.procfs_root ? o.procfs_root : demo->procfs_root;
        co.etc_root = o.etc_root ? o.etc_root : demo->etc_root;
    } else {
        co.uri = o.uri;
        co.sysfs_root = o.sysfs_root;
        co.procfs_root = o.procfs_root;
        co.etc_root = o.etc_root;
    }
    co.readonly = o.readonly;
    if (co.procfs_root && access(co.procfs_root, R_OK | X_OK) != 0) {
        fprintf(stderr, "virt-tune: cannot read procfs root %s: %s\n", co.procfs_root, strerror(errno));
        goto cleanup;
    }
    /* The event loop runs before connecting: it carries the domain events
     * (a console's refresh then re-reads only what changed), the keepalive
     * that turns a daemon that stopped answering into an error, and the
     * close callback that tells us it went away. An open the daemon does
     * not answer is given up after OPEN_WAIT_MS. */
    vt_events_start(NULL);
    co.open_wait_ms = OPEN_WAIT_MS;
    if (!(c = vt_conn_open(&co, &err))) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        if (o.mode == MODE_CHECK)
            rc = 3;     /* the checks could not run: not a finding level */
        goto cleanup;
    }

    switch (o.mode) {
    case MODE_REPORT_TEXT:
    case MODE_REPORT_JSON:
        rc = vt_cli_report(c, o.mode == MODE_REPORT_JSON);
        break;
    case MODE_CHECK:
        rc = vt_cli_check(c, o.json);
        break;
    case MODE_APPLY:
    case MODE_EXPORT_VIRSH:
    case MODE_REVERT:
        rc = run_plan(c, &o);
        break;
    case MODE_CONSOLE: {
        vt_app_opts ao = { 0 };
        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
            fputs("virt-tune: the console needs a terminal; use --report for batch output\n", stderr);
            break;
        }
        ao.conn = c;
        ao.uri_label = demo ? "demo host (test driver)" : NULL;
        ao.refresh_ms = o.refresh_ms;
        ao.theme = o.theme;
        ao.color = o.color;
        ao.plan_path = o.plan;
        ao.log_path = o.log_path;
        /* the demo's URI names a new private copy each run */
        ao.recovery_key = demo ? "demo" : c->uri;
        catch_signals();
        sigprocmask(SIG_SETMASK, &old, NULL);
        rc = vt_app_run(&ao, &stop_flag);
        sigprocmask(SIG_BLOCK, &block, NULL);
        break;
    }
    }

cleanup:
    vt_conn_free(c);
    vt_demo_free(demo);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
