/* The batch modes: what virt-tune does without the console (--report,
 * --check, --apply, --export-virsh, --revert-last, virt-tune sasl). Each
 * prints its own output and messages and returns the exit status. No
 * curses and no widgets here: tests/check-layers.sh enforces it. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdbool.h>

#include "core/conn.h"

/* --report[=text|json]: the whole snapshot on stdout; 0, or 1 with the
 * reason on stderr. */
int vt_cli_report(vt_conn *c, bool json);

/* --check [--json]: 0 / 1 / 2 by the worst finding, 3 when the checks
 * cannot run. */
int vt_cli_check(vt_conn *c, bool json);

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
    const char *log_path;      /* not owned; --apply-log, NULL = the default */
} vt_cli_plan_opts;

/* --apply, --export-virsh, --revert-last: 0 only if every step applied
 * (or was printed); 2 for a plan that cannot be prepared, 1 otherwise. */
int vt_cli_apply(vt_conn *c, const vt_cli_plan_opts *o);

/* A y/N question on stdout, the answer from stdin: true for y or Y. */
bool vt_cli_confirm(const char *question);

#endif
