/* virt-tune: command line, then either a batch mode (--report) or the
 * console. */
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

#include "core/apply.h"
#include "core/conn.h"
#include "core/demo.h"
#include "core/report.h"
#include "tui/app.h"

typedef enum {
    MODE_CONSOLE,
    MODE_REPORT_TEXT,
    MODE_REPORT_JSON,
    MODE_APPLY,
    MODE_EXPORT_VIRSH,
    MODE_REVERT,
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
           OPT_PLAN, OPT_APPLY, OPT_DRYRUN, OPT_EXPORT, OPT_LOG, OPT_REVERT };
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
    if (nplan > 1) {
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

static int run_report(vt_conn *c, run_mode mode)
{
    char *out;

    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    if (c->host.sysfs_why && !c->remote) {
        fprintf(stderr, "virt-tune: %s\n", c->host.sysfs_why);
        return 1;
    }
    if (mode == MODE_REPORT_JSON) {
        vt_report_json_write(c, stdout);
    } else {
        out = vt_report_text(c);
        fputs(out, stdout);
        free(out);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "virt-tune: cannot write the report: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

/* A plan file's text: a clear message for a missing, unreadable or
 * oversized file. */
static char *read_plan(const char *path)
{
    vt_err err = { { 0 } };
    char *text = vt_read_file(path, 1 << 20, &err);

    if (!text)
        fprintf(stderr, "virt-tune: cannot read the plan %s: %s\n", path, err.msg);
    return text;
}

/* Parse and prepare a plan (from path, or the revert of the last apply);
 * 0, or 2 with the reason on stderr. */
static int load_plan(vt_conn *c, const options *o, vt_changeset *cs, vt_applyplan *ap)
{
    vt_err err = { { 0 } };
    const char *path = o->mode == MODE_REVERT ? "revert" : o->plan;
    char *text = NULL, *reverts = NULL;

    if (o->mode == MODE_REVERT) {
        if (vt_apply_revert_plan(o->log_path, &text, &reverts, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            return 2;
        }
    } else if (!(text = read_plan(path))) {
        return 2;
    }
    if (vt_plan_parse(text, cs, &err) < 0) {
        fprintf(stderr, "virt-tune: %s: %s\n", path, err.msg);
        free(text);
        return 2;
    }
    free(text);
    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    if (vt_apply_prepare(c, cs, NULL, ap, &err) < 0) {
        fprintf(stderr, "virt-tune: %s: %s; nothing was applied\n", path, err.msg);
        free(reverts);
        return 2;
    }
    ap->reverts = reverts;
    return 0;
}

static void print_progress(void *ctx, const vt_step *s)
{
    (void)ctx;
    printf("  %-11s %s%s: %s%s%s\n", vt_step_state_name(s->state), s->uuid ? "vm " : "", s->vm,
           s->kind == VT_STEP_DEFINE ? "config (define)" : s->call, s->result ? ": " : "",
           s->result ? s->result : "");
    fflush(stdout);
}

static bool confirm(const char *question)
{
    char answer[16];

    printf("%s [y/N] ", question);
    fflush(stdout);
    if (!fgets(answer, sizeof(answer), stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

static int run_apply(vt_conn *c, const options *o)
{
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *text = NULL;
    int rc;

    if ((rc = load_plan(c, o, &cs, &ap)) != 0)
        goto cleanup;
    rc = 1;
    if (o->mode == MODE_EXPORT_VIRSH) {
        text = vt_apply_export_virsh(&ap, c->uri);
        fputs(text, stdout);
        rc = fflush(stdout) == 0 ? 0 : 1;
        goto cleanup;
    }
    text = vt_apply_describe(&ap, o->dry_run);
    printf("Plan %s on %s:\n%s", o->mode == MODE_REVERT ? "(revert of the last apply)" : o->plan,
           c->uri, text);
    if (o->dry_run) {
        puts("Dry run: nothing was changed.");
        rc = 0;
        goto cleanup;
    }
    if (!ap.nsteps) {
        rc = 0;
        goto cleanup;
    }
    if (!o->yes) {
        char *q;
        bool ok;
        if (!isatty(STDIN_FILENO)) {
            fputs("virt-tune: standard input is not a terminal: add --yes to apply without "
                  "asking; nothing was applied\n", stderr);
            goto cleanup;
        }
        q = vt_asprintf("Apply %zu step%s to %s?", ap.nsteps, ap.nsteps == 1 ? "" : "s", c->uri);
        ok = confirm(q);
        free(q);
        if (!ok) {
            puts("Not applied.");
            goto cleanup;
        }
    }
    puts("Applying:");
    if (vt_apply_run(c, &ap, o->log_path, print_progress, NULL, &err) < 0) {
        char *out = vt_apply_outcome(&ap);
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        printf("Stopped. Each step now:\n%s", out);
        free(out);
        goto cleanup;
    }
    printf("Applied %zu step%s; logged to %s\n", ap.nsteps, ap.nsteps == 1 ? "" : "s",
           o->log_path ? o->log_path : vt_apply_log_path());
    rc = 0;

cleanup:
    free(text);
    vt_applyplan_clear(&ap);
    vt_changeset_clear(&cs);
    return rc;
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

int main(int argc, char **argv)
{
    options o;
    vt_demo *demo = NULL;
    vt_conn *c = NULL;
    vt_conn_opts co = { 0 };
    vt_err err = { { 0 } };
    sigset_t block, old;
    int rc = 1;

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
    if (!(c = vt_conn_open(&co, &err))) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        goto cleanup;
    }

    switch (o.mode) {
    case MODE_REPORT_TEXT:
    case MODE_REPORT_JSON:
        rc = run_report(c, o.mode);
        break;
    case MODE_APPLY:
    case MODE_EXPORT_VIRSH:
    case MODE_REVERT:
        rc = run_apply(c, &o);
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
        vt_events_start(NULL);
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
