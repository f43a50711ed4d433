/* Host steps of the apply engine: kvm module parameters, the workqueue
 * cpumask and THP in sysfs, huge page pools through libvirt, and the
 * boot-time files that keep them (`persist`). Every write is read back;
 * every step can be undone with the value read just before it ran. The
 * steps are built into an applyplan.h plan; apply.c prepares through here
 * and runs them. Prefix vt_hostedit_ (vt_host_ is host.c, the reader). */
#ifndef VT_HOSTEDIT_H
#define VT_HOSTEDIT_H

#include <stdbool.h>

#include "applyplan.h"
#include "conn.h"
#include "plan.h"
#include "util.h"

/* Add the steps of the host edits of cs to p, in plan order, then one
 * step per boot-time file. -1 with "line N: why" when an edit cannot be
 * made on this host (no such knob, pool or node, a knob the kernel keeps
 * read-only, a remote host's sysfs). */
int vt_hostedit_prepare(vt_conn *c, vt_applyplan *p, const vt_changeset *cs, vt_err *err);

int vt_hostedit_step_run(vt_conn *c, vt_step *s, vt_err *err);
int vt_hostedit_step_undo(vt_conn *c, vt_step *s, vt_err *err);

/* The boot-time file of a persist step changed since it was prepared. */
bool vt_hostedit_step_conflict(const vt_step *s);

/* Shell lines that do what the host step does, for --export-virsh. */
char *vt_hostedit_step_shell(const vt_step *s);

/* The plan line that puts back what the step changed (for the revert of
 * the last apply), its boot-time word included: `persist` when the boot
 * file had the knob's entry, `unpersist` when the edit added it; NULL when
 * there is none. Caller frees. */
char *vt_hostedit_step_revert_line(const vt_step *s);

#endif
