/* The apply engine: the one place that changes a host. A change set
 * (plan.h) is first prepared against a connection into steps — live API
 * calls, and one define of the edited inactive XML per VM, checked first
 * against libvirt's schema and parser (validate.h) — with
 * what each step does, its virsh equivalent, the XML diff and warnings.
 * Preparing changes nothing; the review screen, --dry-run, --export-virsh
 * and --apply all show or run the same prepared steps.
 *
 * Applying re-checks every VM's inactive XML against the one the steps
 * were prepared from (a conflict stops everything before the first step),
 * runs the steps in order, and on the first failure undoes the steps
 * already done, newest first, where libvirt allows it. Each step that ran
 * is appended to the apply log.
 *
 * The steps are the data of applyplan.h; the VM steps are prepared and run
 * here, the host steps (sysfs, huge page pools, boot-time files) by
 * hostedit.h. */
#ifndef VT_APPLY_H
#define VT_APPLY_H

#include <stdbool.h>
#include <stdio.h>

#include "applyplan.h"
#include "conn.h"
#include "plan.h"
#include "util.h"

/* Expected inactive XML per VM, as the console saw it when it staged the
 * first edit of that VM (or its fingerprint, see below), and the name it
 * had then. Owned strings; an empty XML checks only that the name still
 * belongs to that UUID. */
typedef struct vt_bases {
    char **uuids;
    char **names;              /* the VM's name then: a rename or an
                                  undefine + define is a conflict */
    char **xml;
    size_t n;
} vt_bases;

/* Build the steps. -1 with "line N: why" (or "VM: why" for console edits)
 * when an edit names an unknown VM, a CPU or node the host does not have,
 * a live change on a VM that is not running, or an XML edit that cannot be
 * made; also when a VM's definition changed since `bases` (NULL: no such
 * check), or the name now belongs to another VM or to none (renamed or
 * undefined since). Changes nothing on the host. The snapshot in c should be fresh. */
int vt_apply_prepare(vt_conn *c, const vt_changeset *cs, const vt_bases *bases,
                     vt_applyplan *out, vt_err *err);

typedef void (*vt_apply_progress)(void *ctx, const vt_step *s);

/* A daemon lost half-way: how long the undo waits for it to answer again. */
#define VT_APPLY_RECONNECT_MS 5000

/* Run the steps. 0 when every step is done. -1 with err naming the step
 * that failed (or the conflict) after the done steps were undone; each
 * step's state and result say what is now live and what is in the config.
 * When the daemon goes away during a step (killed, or no keepalive answer),
 * that step's effect is reported as unknown, the connection is opened
 * again (waiting VT_APPLY_RECONNECT_MS at most) for the undo, and steps
 * that cannot be undone without it say they are still in effect.
 * `progress` (may be NULL) is called after each step and each undo. Steps
 * that ran are appended to log_path (NULL: vt_apply_log_path()). */
int vt_apply_run(vt_conn *c, vt_applyplan *p, const char *log_path, vt_apply_progress progress,
                 void *ctx, vt_err *err);

/* What an edit needs beyond the define, said wherever the edit is shown
 * (the console's confirm step, the plan's warnings in the review and in
 * --apply --dry-run): for NIC queues, the restart and the guest's own
 * ethtool -L. NULL when there is nothing to say. Caller frees. */
char *vt_apply_edit_notice(const vt_edit *e, bool vm_running);

/* Human text of the prepared plan: per VM, each step with its effect, the
 * call, the changes and the XML diff; then the warnings. Caller frees. */
char *vt_apply_describe(const vt_applyplan *p, bool with_diffs);
/* The advisor's judgement of the plan (vt_judgement): the per-edit
 * resolves/introduces/pending restart lines and the totals, or why the
 * edits were not judged. Part of vt_apply_describe. Caller frees. */
char *vt_apply_judgement_text(const vt_applyplan *p);
/* After vt_apply_run: one line per step with its state and result. */
char *vt_apply_outcome(const vt_applyplan *p);
/* The equivalent virsh commands as a shell script. Caller frees. */
char *vt_apply_export_virsh(const vt_applyplan *p, const char *uri);

void vt_bases_set(vt_bases *b, const char *uuid, const char *name, const char *xml);   /* keeps the first */
const char *vt_bases_get(const vt_bases *b, const char *uuid);
const char *vt_bases_uuid_of(const vt_bases *b, const char *name);   /* NULL: none */
void vt_bases_clear(vt_bases *b);

/* A base may be a fingerprint of the XML ("fnv64:" and 16 hex digits)
 * instead of the XML itself: what a recovery file keeps. */
#define VT_BASE_FP_LEN 24
void vt_base_fingerprint(const char *xml, char out[VT_BASE_FP_LEN]);   /* "" for an empty xml */
bool vt_base_is_fingerprint(const char *base);
/* Does the definition xml match base (XML or fingerprint)? */
bool vt_base_matches(const char *base, const char *xml);

/* Plan text that puts back the host knobs and NIC coalescing (live and
 * config, as each was before) of the newest apply in the log
 * that went through and is not reverted yet (a rolled-back apply, and a
 * revert with the apply it reverted, are passed over: called again, it
 * walks further back). The apply's id goes to *reverts (set it as the
 * plan's `reverts` so the log records it). -1 with err when there is
 * nothing left. uri (non-NULL): only the applies made over that
 * connection count, so that one log shared by several hosts (a fleet)
 * never puts one host's values on another. Caller frees *plan and
 * *reverts. */
int vt_apply_revert_plan(const char *log_path, const char *uri, char **plan, char **reverts, vt_err *err);

/* $XDG_STATE_HOME/virt-tune/apply.log, else ~/.local/state/...; static. */
const char *vt_apply_log_path(void);

#endif
