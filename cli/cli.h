/* The batch modes: what virt-tune does without the console (--report,
 * --check, --apply, --export-virsh, --revert-last, virt-tune sasl). Each
 * prints its own output and messages and returns the exit status. No
 * curses and no widgets here: tests/check-layers.sh enforces it. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <signal.h>
#include <stdbool.h>

#include "core/conn.h"
#include "core/hosts.h"
#include "core/live.h"

/* --report[=text|json]: the whole snapshot on stdout; 0, or 1 with the
 * reason on stderr. */
int vt_cli_report(vt_conn *c, bool json);

/* --check [--json] [--live]: 0 / 1 / 2 by the worst finding, 3 when the
 * checks cannot run. live_s > 0: the live signals too, sampled over that
 * many seconds. */
int vt_cli_check(vt_conn *c, bool json, double live_s, const char *vm);

typedef enum {
    VT_CLI_FORMAT_TEXT,
    VT_CLI_FORMAT_JSON,
    VT_CLI_FORMAT_PROMETHEUS,   /* --check only */
} vt_cli_format;

/* --check or --report over the hosts of a list (cli/fleet.c), each opened
 * with base and its URI, all in parallel, each bounded as one host's open
 * is (plus the live window and a margin). JSON: {"hosts": [{"name", "uri",
 * "ok", "error", "findings" and "exit" | "report"}]}; text: grouped under
 * "== NAME (URI) =="; Prometheus: the findings as metrics. --check: the
 * worst exit status of the hosts judged, 3 when none could be; --report:
 * 0, or 1 when a host could not be reported. */
typedef struct vt_cli_fleet_opts {
    const vt_hostlist *hosts;
    const vt_conn_opts *base;   /* roots, mode, open bound; its uri unused */
    bool report;
    vt_cli_format format;
    double live_s;              /* --check --live: the window, else 0 */
} vt_cli_fleet_opts;
int vt_cli_fleet(const vt_cli_fleet_opts *o);

/* LIVE_STEPS samples over live_s seconds into w (cli/report.c); -1 with
 * c->err when a refresh fails. */
int vt_cli_live_window(vt_conn *c, double live_s, vt_live_window *w);

typedef enum {
    VT_CLI_TOP_TEXT,
    VT_CLI_TOP_CSV,            /* the header of vt_live_csv_header */
    VT_CLI_TOP_JSON,           /* one object per sample, a line each */
} vt_cli_top_format;

typedef struct vt_cli_top_opts {
    int iterations;            /* samples printed; 0: until a signal */
    double delay_s;            /* between samples */
    vt_cli_top_format format;
    const sigset_t *sigs;      /* blocked signals that end it (128 + signal) */
} vt_cli_top_opts;

/* --top: live rates every delay_s seconds; 0, 1 when the connection
 * fails, 128 + the signal that ended it. */
int vt_cli_top(vt_conn *c, const vt_cli_top_opts *o);

typedef enum {
    VT_CLI_PLAN_APPLY,         /* --apply FILE */
    VT_CLI_PLAN_EXPORT_VIRSH,  /* --export-virsh FILE */
    VT_CLI_PLAN_REVERT,        /* --revert-last */
    VT_CLI_PLAN_LAST,
} vt_cli_plan_mode;

typedef struct vt_cli_plan_opts {
    vt_cli_plan_mode mode;
    const char *plan;          /* not owned; the plan file (not for a revert) */
    bool dry_run;              /* print the steps and diffs, change nothing */
    bool yes;                  /* do not ask */
    bool force;                /* apply edits that introduce a failure */
    const char *log_path;      /* not owned; --apply-log, NULL = the default */
} vt_cli_plan_opts;

/* --apply, --export-virsh, --revert-last: 0 when every step applied, for
 * a dry run and for an export; 2 for a plan that cannot be read, parsed or
 * prepared, and for edits the advisor says introduce a failure unless
 * forced (--yes alone does not); 1 otherwise (not confirmed, a step
 * failed, no connection). */
int vt_cli_apply(vt_conn *c, const vt_cli_plan_opts *o);

/* virt-tune sasl ARGS (argv[0] is "sasl"): 0, 1 when the command failed,
 * 2 for wrong arguments or a set-up that cannot be prepared. */
int vt_cli_sasl(int argc, char **argv);

/* Within cli/: */

/* A y/N question on stdout, the answer from stdin: true for y or Y. */
bool vt_cli_confirm(const char *question);

#define VT_CLI_PASS_MAX 1024

/* The password into pass (VT_CLI_PASS_MAX bytes, locked in memory by the
 * caller): one line of stdin, or asked on /dev/tty without echo (twice
 * when it is being set). Its length, or -1 with the reason on stderr. */
int vt_cli_password(bool from_stdin, bool twice, char *pass);

/* virt-tune sasl status, below etc_root: always 0. */
int vt_cli_remote_status(const char *etc_root);

/* virt-tune sasl setup: 0 when written (or a dry run), 1 when refused or
 * failed, 2 when it cannot be prepared. */
int vt_cli_remote_setup(const char *etc_root, const char *unit_dir, const char *transport,
                        const char *addr, bool allow_deprecated, bool dry_run, bool yes);

#endif
