/* virt-tune: the command line, then either a batch mode (cli/) or the
 * console (tui/app.c). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conn.h"
#include "core/demo.h"
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
    MODE_TOP,
} run_mode;

typedef struct options {
    const char *uri;           /* the one host's URI (NULL: libvirt's default) */
    vt_hostlist hosts;         /* -c given more than once, --hosts FILE, or the
                                  config's host lines: the fleet */
    bool hosts_given;          /* -c or --hosts on the command line */
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
    bool force;
    const char *log_path;      /* --apply-log */
    bool json;                 /* --check --json, --top --json */
    int format;                /* --format=: a vt_cli_format, -1 not given */
    bool csv;                  /* --top --csv */
    bool live;                 /* --check --live */
    bool delay_set;            /* -d given */
    int iterations;            /* --top -n */
    const char *vm;            /* --vm NAME: the console opens on it, --check
                                  judges it alone */
} options;

/* The help, a block per option (or group): each is one message, its
 * option names and alignment kept in every language, none wider than 80
 * columns (tests/help.sh). */
static const char *const usage_blocks[] = {
    N_("Usage: virt-tune [OPTION]...\n"
       "       virt-tune sasl COMMAND [OPTION]...\n"
       "KVM/libvirt tuning console: IOThreads, huge pages, NUMA, sVirt, halt-polling,\n"
       "kworker mask, THP and libvirt remote access.\n"),
    "\n",
    N_("  -c, --connect URI        libvirt connection URI, as with virsh (default:\n"
       "                           $LIBVIRT_DEFAULT_URI, then libvirt's own default);\n"
       "                           given more than once: several hosts (the fleet)\n"),
    N_("      --hosts FILE         the hosts of a fleet, one 'NAME URI' a line\n"),
    N_("  -r, --readonly           open a read-only connection\n"),
    N_("      --demo               the built-in demo host (libvirt test driver, no root)\n"),
    N_("      --report[=FORMAT]    print the whole snapshot and exit; FORMAT is text\n"
       "                           (default) or json\n"),
    N_("      --plan FILE          open the console with FILE's changes staged, in the\n"
       "                           review screen\n"),
    N_("      --apply FILE         apply a plan file without the console: print each\n"
       "                           step, ask once, exit 0 only if every step applied\n"),
    N_("      --dry-run            with --apply: print the steps and XML diffs, change\n"
       "                           nothing\n"),
    N_("  -y, --yes                with --apply: do not ask\n"),
    N_("      --force              with --apply: also apply edits the advisor says\n"
       "                           introduce a failure (--yes alone refuses them)\n"),
    N_("      --export-virsh FILE  print the virsh commands equivalent to a plan file\n"),
    N_("      --revert-last        put back the host knobs and NIC coalescing of the\n"
       "                           last apply in the apply log (asks once; --dry-run,\n"
       "                           --yes as --apply)\n"),
    N_("      --apply-log FILE     append applied changes to FILE (default\n"
       "                           $XDG_STATE_HOME/virt-tune/apply.log; the demo's\n"
       "                           is in its private copy)\n"),
    N_("      --check [--json]     run every best-practice check; exit 0 (nothing above\n"
       "                           info), 1 (warnings), 2 (failures), 3 (cannot run)\n"),
    N_("      --format=FORMAT      with --check: text (default), json (as --json) or\n"
       "                           prometheus (node_exporter's textfile collector)\n"),
    N_("      --live               with --check: also judge live signals, sampled over\n"
       "                           -d SECONDS (default 2)\n"),
    N_("      --vm NAME            open the console on VM NAME's panels; with --check:\n"
       "                           that VM's findings only\n"),
    N_("      --top                print live rates per VM every -d SECONDS, as top -b\n"),
    N_("  -n, --iterations N       with --top: N samples, then exit (default: until\n"
       "                           interrupted)\n"),
    N_("      --csv                with --top: CSV (--json: a JSON object per sample)\n"),
    N_("  -d, --delay SECONDS      refresh every SECONDS in the console (default 2)\n"),
    N_("      --theme NAME         colour theme: default, mono, high-contrast\n"),
    N_("      --no-color           no colours (also when NO_COLOR is set)\n"),
    N_("      --sysfs-root DIR     read host knobs below DIR instead of /sys\n"),
    N_("      --procfs-root DIR    read processes below DIR instead of /proc\n"),
    N_("      --etc-root DIR       read configuration below DIR instead of /etc\n"),
    N_("  -h, --help               show this help and exit\n"),
    N_("  -V, --version            show the version and exit\n"),
    "\n",
    N_("Remote access and SASL users (details: virt-tune sasl --help):\n"),
    N_("  sasl status              libvirt's remote access as configured, and findings\n"
       "                           (--etc-root DIR)\n"),
    N_("  sasl setup --transport T set up T: tls-scram, tcp-gssapi or tcp-digest-md5\n"
       "                           (--listen-addr ADDR, --allow-deprecated, --dry-run,\n"
       "                           --yes, --etc-root DIR, --unit-dir DIR)\n"),
    N_("  sasl list                the SASL users (--sasldb PATH, --sasl-conf DIR)\n"),
    N_("  sasl add USER            add a SASL user (--realm R, --password-stdin)\n"),
    N_("  sasl passwd USER         change a SASL user's password\n"),
    N_("  sasl delete USER         delete a SASL user\n"),
    N_("  sasl verify URI USER     log in to URI as a client does\n"),
    "\n",
    N_("See virt-tune(1).\n"),
};

static void usage(FILE *out)
{
    for (size_t i = 0; i < sizeof(usage_blocks) / sizeof(usage_blocks[0]); i++)
        fputs(usage_blocks[i][0] == '\n' ? usage_blocks[i] : _(usage_blocks[i]), out);
}

/* The hosts: the command line's, else the config file's; one host is
 * today's single-host run, several are a fleet, which the console, --check
 * and --report take. */
static int fleet_args(options *o)
{
    vt_err err = { { 0 } };

    if (!o->hosts_given && !o->demo && vt_config_hosts(NULL, &o->hosts, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        return -1;
    }
    if (o->hosts.n == 1)
        o->uri = o->hosts.v[0].uri;
    if (o->hosts.n > 1 && o->vm) {
        fputs(_("virt-tune: --vm takes one host (-c URI)\n"), stderr);
        return -1;
    }
    if (o->hosts.n > 1 && o->mode == MODE_CONSOLE && o->plan) {
        fputs(_("virt-tune: --plan takes one host (-c URI)\n"), stderr);
        return -1;
    }
    if (o->hosts.n > 1 && o->mode != MODE_CONSOLE && o->mode != MODE_CHECK &&
        o->mode != MODE_REPORT_TEXT && o->mode != MODE_REPORT_JSON) {
        const char *opt = o->mode == MODE_TOP ? "--top" : o->mode == MODE_REVERT ? "--revert-last"
                          : o->mode == MODE_EXPORT_VIRSH ? "--export-virsh" : "--apply";
        if (o->hosts_given)
            fprintf(stderr, _("virt-tune: %s takes one host, and %zu are given; name one with -c URI "
                              "(a plan for several hosts: contrib/ansible/virt-tune-apply.yml)\n"),
                    opt, o->hosts.n);
        else
            fprintf(stderr, _("virt-tune: %s takes one host, and %zu are given (the config file's "
                              "host lines); name one with -c URI (a plan for several hosts: "
                              "contrib/ansible/virt-tune-apply.yml)\n"), opt, o->hosts.n);
        return -1;
    }
    return 0;
}

static int check_args(options *o, int nplan);

static int parse_args(int argc, char **argv, options *o)
{
    enum { OPT_DEMO = 256, OPT_REPORT, OPT_SYSFS, OPT_PROCFS, OPT_THEME, OPT_NOCOLOR, OPT_ETC,
           OPT_PLAN, OPT_APPLY, OPT_DRYRUN, OPT_EXPORT, OPT_LOG, OPT_REVERT, OPT_CHECK,
           OPT_JSON, OPT_FORCE, OPT_TOP, OPT_CSV, OPT_LIVE, OPT_HOSTS, OPT_FORMAT, OPT_VM };
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "hosts", required_argument, NULL, OPT_HOSTS },
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
        { "force", no_argument, NULL, OPT_FORCE },
        { "export-virsh", required_argument, NULL, OPT_EXPORT },
        { "apply-log", required_argument, NULL, OPT_LOG },
        { "revert-last", no_argument, NULL, OPT_REVERT },
        { "check", no_argument, NULL, OPT_CHECK },
        { "json", no_argument, NULL, OPT_JSON },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "top", no_argument, NULL, OPT_TOP },
        { "iterations", required_argument, NULL, 'n' },
        { "csv", no_argument, NULL, OPT_CSV },
        { "live", no_argument, NULL, OPT_LIVE },
        { "vm", required_argument, NULL, OPT_VM },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int ch, nplan = 0;

    memset(o, 0, sizeof(*o));
    o->refresh_ms = 2000;
    o->color = -1;
    o->format = -1;
    while ((ch = getopt_long(argc, argv, "c:rd:n:yhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': {
            vt_err err = { { 0 } };
            o->hosts_given = true;
            if (vt_hostlist_add(&o->hosts, NULL, optarg, &err) < 0) {
                fprintf(stderr, "virt-tune: -c: %s\n", err.msg);
                return -1;
            }
            break;
        }
        case OPT_HOSTS: {
            vt_err err = { { 0 } };
            VT_AUTOFREE char *text = vt_read_file(optarg, 1 << 20, &err);
            o->hosts_given = true;
            if (!text || vt_hostlist_parse(&o->hosts, text, optarg, NULL, &err) < 0) {
                fprintf(stderr, "virt-tune: --hosts: %s\n", err.msg);
                return -1;
            }
            break;
        }
        case 'r': o->readonly = true; break;
        case OPT_DEMO: o->demo = true; break;
        case OPT_REPORT:
            if (!optarg || strcmp(optarg, "text") == 0) {
                o->mode = MODE_REPORT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                o->mode = MODE_REPORT_JSON;
            } else {
                fprintf(stderr, _("virt-tune: unknown report format '%s' (use text or json)\n"), optarg);
                return -1;
            }
            break;
        case OPT_SYSFS: o->sysfs_root = optarg; break;
        case 'd': {
            char *end;
            double secs = strtod(optarg, &end);
            if (*end || !(secs >= 0.1 && secs <= 3600)) {
                fprintf(stderr, _("virt-tune: -d takes seconds between 0.1 and 3600, not '%s'\n"), optarg);
                return -1;
            }
            o->refresh_ms = (int)(secs * 1000);
            o->delay_set = true;
            break;
        }
        case 'n': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > 1000000) {
                fprintf(stderr, _("virt-tune: -n takes a count of samples from 1 to 1000000, not "
                                  "'%s'\n"), optarg);
                return -1;
            }
            o->iterations = (int)n;
            break;
        }
        case OPT_TOP: o->mode = MODE_TOP; break;
        case OPT_CSV: o->csv = true; break;
        case OPT_LIVE: o->live = true; break;
        case OPT_THEME: o->theme = optarg; break;
        case OPT_NOCOLOR: o->color = 0; break;
        case OPT_PROCFS: o->procfs_root = optarg; break;
        case OPT_ETC: o->etc_root = optarg; break;
        case OPT_PLAN: o->plan = optarg; nplan++; break;
        case OPT_VM: o->vm = optarg; break;
        case OPT_APPLY: o->plan = optarg; o->mode = MODE_APPLY; nplan++; break;
        case OPT_EXPORT: o->plan = optarg; o->mode = MODE_EXPORT_VIRSH; nplan++; break;
        case OPT_DRYRUN: o->dry_run = true; break;
        case 'y': o->yes = true; break;
        case OPT_FORCE: o->force = true; break;
        case OPT_LOG: o->log_path = optarg; break;
        case OPT_REVERT: o->mode = MODE_REVERT; nplan++; break;
        case OPT_CHECK: o->mode = MODE_CHECK; break;
        case OPT_JSON: o->json = true; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0) {
                o->format = VT_CLI_FORMAT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                o->format = VT_CLI_FORMAT_JSON;
            } else if (strcmp(optarg, "prometheus") == 0) {
                o->format = VT_CLI_FORMAT_PROMETHEUS;
            } else {
                fprintf(stderr, _("virt-tune: unknown format '%s' (use text, json or prometheus)\n"), optarg);
                return -1;
            }
            break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("virt-tune %s\n", PACKAGE_VERSION); exit(0);
        default:
            fputs(_("Try 'virt-tune --help'.\n"), stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("virt-tune: unexpected argument '%s'\nTry 'virt-tune --help'.\n"), argv[optind]);
        return -1;
    }
    return check_args(o, nplan);
}

/* The options that go together, and those that do not. */
static int check_args(options *o, int nplan)
{
    if (o->json && o->mode != MODE_CHECK && o->mode != MODE_TOP) {
        fputs(_("virt-tune: --json goes with --check or --top (for the report: --report=json)\n"),
              stderr);
        return -1;
    }
    if (o->format >= 0 && o->mode != MODE_CHECK) {
        fputs(_("virt-tune: --format goes with --check (for the report: --report=json)\n"), stderr);
        return -1;
    }
    if (o->format >= 0 && o->json && o->format != VT_CLI_FORMAT_JSON) {
        fputs(_("virt-tune: --json and --format exclude each other\n"), stderr);
        return -1;
    }
    if (o->json && o->mode == MODE_CHECK)
        o->format = VT_CLI_FORMAT_JSON;
    if (o->csv && o->mode != MODE_TOP) {
        fputs(_("virt-tune: --csv goes with --top\n"), stderr);
        return -1;
    }
    if (o->csv && o->json) {
        fputs(_("virt-tune: --csv and --json exclude each other\n"), stderr);
        return -1;
    }
    if (o->iterations && o->mode != MODE_TOP) {
        fputs(_("virt-tune: -n goes with --top\n"), stderr);
        return -1;
    }
    if (o->live && o->mode != MODE_CHECK) {
        fputs(_("virt-tune: --live goes with --check (the console's live view is key T)\n"), stderr);
        return -1;
    }
    if (nplan > 1 || (nplan && (o->mode == MODE_CHECK || o->mode == MODE_TOP))) {
        fputs(_("virt-tune: --plan, --apply, --export-virsh and --revert-last exclude each other\n"),
              stderr);
        return -1;
    }
    if ((o->dry_run || o->yes || o->force) && o->mode != MODE_APPLY && o->mode != MODE_REVERT) {
        fputs(_("virt-tune: --dry-run, --yes and --force go with --apply FILE or --revert-last\n"), stderr);
        return -1;
    }
    if (o->vm && ((o->mode != MODE_CONSOLE && o->mode != MODE_CHECK) || o->plan ||
                  o->format == VT_CLI_FORMAT_PROMETHEUS)) {
        fputs(_("virt-tune: --vm goes with the console or --check (text or JSON), not with --plan\n"),
              stderr);
        return -1;
    }
    if (o->demo && o->hosts_given) {
        fputs(_("virt-tune: --demo and --connect (or --hosts) exclude each other\n"), stderr);
        return -1;
    }
    return fleet_args(o);
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

/* --apply, --export-virsh, --revert-last */
static int run_plan(vt_conn *c, const options *o, const vt_demo *demo)
{
    vt_cli_plan_opts po = { 0 };

    po.mode = o->mode == MODE_REVERT        ? VT_CLI_PLAN_REVERT
              : o->mode == MODE_EXPORT_VIRSH ? VT_CLI_PLAN_EXPORT_VIRSH
                                             : VT_CLI_PLAN_APPLY;
    po.plan = o->plan;
    po.dry_run = o->dry_run;
    po.yes = o->yes;
    po.force = o->force;
    po.log_path = o->log_path ? o->log_path : demo ? demo->log_path : NULL;
    return vt_cli_apply(c, &po);
}

/* --check or --report over several hosts; the Prometheus output, also of
 * one host, named as the fleet names it. */
static int run_fleet(const options *o, const vt_conn_opts *co, bool demo)
{
    vt_cli_fleet_opts fo = { 0 };
    vt_hostlist one = { 0 };
    int rc;

    fo.hosts = &o->hosts;
    if (!o->hosts.n) {
        vt_hostlist_add(&one, demo ? "demo" : NULL, co->uri, NULL);
        fo.hosts = &one;
    }
    fo.base = co;
    fo.report = o->mode != MODE_CHECK;
    fo.format = o->mode == MODE_REPORT_JSON ? VT_CLI_FORMAT_JSON
                : o->mode == MODE_REPORT_TEXT ? VT_CLI_FORMAT_TEXT
                : o->format >= 0 ? (vt_cli_format)o->format : VT_CLI_FORMAT_TEXT;
    fo.live_s = o->mode == MODE_CHECK && o->live ? (o->delay_set ? o->refresh_ms / 1000.0 : 2.0) : 0;
    rc = vt_cli_fleet(&fo);
    vt_hostlist_clear(&one);
    return rc;
}

static volatile sig_atomic_t stop_flag;

/* the signal that ends the console: its number */
static void on_signal(int sig)
{
    stop_flag = sig;
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

/* A signal of `sigs` (blocked) that came while a batch mode ran, after
 * its clean-up: taken, and the exit status is 128 + its number (130 for
 * Ctrl-C), as a shell reports it; else rc. */
static int pending_signal(const sigset_t *sigs, int rc)
{
    static const struct timespec now = { 0, 0 };
    sigset_t pend;
    int sig = 0;

    if (sigpending(&pend) < 0)
        return rc;
    for (int s = 1; s < NSIG && !sig; s++)
        if (sigismember(sigs, s) == 1 && sigismember(&pend, s) == 1)
            sig = sigtimedwait(sigs, NULL, &now);
    return sig > 0 ? 128 + sig : rc;
}

/* An open the daemon does not answer (stopped, hung) is given up after
 * this long: an on-call admin gets an answer rather than a hung command. */
#define OPEN_WAIT_MS 15000

/* The console opens the connection itself, under its first frame: the
 * title and "connecting to URI…" are on screen while a slow or stopped
 * daemon is asked. */
static int run_console(const options *o, const vt_conn_opts *co, const vt_demo *demo,
                       const sigset_t *old)
{
    vt_app_opts ao = { 0 };
    sigset_t now;
    int rc;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs(_("virt-tune: the console needs a terminal; use --report for batch output\n"), stderr);
        return 1;
    }
    ao.conn_opts = co;
    ao.hosts = &o->hosts;
    ao.uri_label = demo ? _("demo host (test driver)") : NULL;
    ao.refresh_ms = o->refresh_ms;
    ao.theme = o->theme;
    ao.color = o->color;
    ao.plan_path = o->plan;
    ao.open_vm = o->vm;
    ao.log_path = o->log_path ? o->log_path : demo ? demo->log_path : NULL;
    /* the demo's URI names a new private copy each run */
    ao.recovery_key = demo ? "demo" : NULL;
    ao.recovery_by_uri = !demo;
    ao.state_dir = demo ? demo->state_dir : NULL;
    ao.sandbox = demo != NULL;
    catch_signals();
    sigprocmask(SIG_SETMASK, old, &now);
    rc = vt_app_run(&ao, &stop_flag);
    sigprocmask(SIG_SETMASK, &now, NULL);
    /* ended by a signal: 128 + its number, as a shell reports it */
    return stop_flag ? 128 + stop_flag : rc;
}

int main(int argc, char **argv)
{
    options o;
    vt_demo *demo = NULL;
    vt_conn *c = NULL;
    vt_conn_opts co = { 0 };
    vt_err err = { { 0 } };
    sigset_t block, old;
    int rc = 1;

    vt_i18n_init();
    if (argc > 1 && strcmp(argv[1], "sasl") == 0) {
        virSetErrorFunc(NULL, quiet_libvirt);
        return vt_cli_sasl(argc - 1, argv + 1);
    }
    if (parse_args(argc, argv, &o) < 0) {
        vt_hostlist_clear(&o.hosts);
        return 2;
    }
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
        fprintf(stderr, _("virt-tune: cannot read procfs root %s: %s\n"), co.procfs_root, strerror(errno));
        goto cleanup;
    }
    /* The event loop runs before connecting: it carries the domain events
     * (a console's refresh then re-reads only what changed), the keepalive
     * that turns a daemon that stopped answering into an error, and the
     * close callback that tells us it went away. An open the daemon does
     * not answer is given up after OPEN_WAIT_MS. */
    vt_events_start(NULL);
    co.open_wait_ms = OPEN_WAIT_MS;
    if (o.mode == MODE_CONSOLE) {
        rc = run_console(&o, &co, demo, &old);
        goto cleanup;
    }
    if (o.hosts.n > 1 || (o.mode == MODE_CHECK && o.format == VT_CLI_FORMAT_PROMETHEUS)) {
        rc = run_fleet(&o, &co, demo != NULL);
        goto cleanup;
    }
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
        rc = vt_cli_check(c, o.format == VT_CLI_FORMAT_JSON,
                          o.live ? (o.delay_set ? o.refresh_ms / 1000.0 : 2.0) : 0, o.vm);
        break;
    case MODE_TOP: {
        vt_cli_top_opts to = { 0 };
        to.iterations = o.iterations;
        to.delay_s = o.refresh_ms / 1000.0;
        to.format = o.csv ? VT_CLI_TOP_CSV : o.json ? VT_CLI_TOP_JSON : VT_CLI_TOP_TEXT;
        to.sigs = &block;
        rc = vt_cli_top(c, &to);
        break;
    }
    case MODE_APPLY:
    case MODE_EXPORT_VIRSH:
    case MODE_REVERT:
        rc = run_plan(c, &o, demo);
        break;
    case MODE_CONSOLE:
        break;
    }

cleanup:
    vt_conn_free(c);
    vt_demo_free(demo);
    vt_hostlist_clear(&o.hosts);
    rc = pending_signal(&block, rc);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
