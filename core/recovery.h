/* The recovery file: the console's staged edits, kept on disk while they
 * are staged, so that a console ended by a signal, a dropped SSH session or
 * a crash loses nothing. The next console on the same host offers them.
 *
 * One file per connection (keyed by URI) in a state directory (by default
 * $XDG_STATE_HOME/virt-tune/; the demo's is inside its private copy, so
 * that it writes nothing of the user's), plan text with header comments naming the
 * URI, when it was written and, for each VM, the UUID the edits were
 * staged against, so a VM renamed or replaced since is a conflict. */
#ifndef VT_RECOVERY_H
#define VT_RECOVERY_H

#include "apply.h"
#include "plan.h"
#include "util.h"

/* The first file for `key` (a URI, or "demo") in dir (NULL: the default
 * state directory). Caller frees. */
char *vt_recovery_path(const char *dir, const char *key);

/* Several consoles may run on one URI at once (two admins, two windows):
 * each writes its own file, `staged-HASH.plan`, then `staged-HASH-2.plan`
 * and so on, and holds a lock (flock on FILE.lock) on it while it runs,
 * which the kernel drops when it ends, SIGKILL included. Claim a file no
 * running console holds: with want_left, one that holds edits a console
 * left behind if there is one, else an empty one; without, an empty one.
 * The path (caller frees) and *lock_fd (vt_recovery_release), or
 * NULL with err when every file is held or none can be locked. */
#define VT_RECOVERY_SLOTS 8
char *vt_recovery_claim(const char *dir, const char *key, bool want_left, int *lock_fd, vt_err *err);
/* Give a claimed file up (its lock file goes when the file holds nothing). */
void vt_recovery_release(const char *path, int lock_fd);

/* Write cs (and the VMs' UUIDs from bases) atomically; an empty cs
 * removes the file. -1 with err naming the file. */
int vt_recovery_save(const char *path, const char *key, const vt_changeset *cs, const vt_bases *bases,
                     vt_err *err);

/* 1 with *out (and the UUID of each VM in bases->uuids/names, with the
 * fingerprint of its definition as its XML, or empty XML for a file
 * written without one) and *saved_at ("2026-11-23 03:30:01", caller frees) when the file
 * holds edits for `key`; 0 when there is none (or it is another key's);
 * -1 with err when it cannot be read or parsed (the file is left as it
 * is). */
int vt_recovery_load(const char *path, const char *key, vt_changeset *out, vt_bases *bases, char **saved_at,
                     vt_err *err);

/* Remove it; a missing file is fine. -1 with err otherwise. */
int vt_recovery_discard(const char *path, vt_err *err);

#endif
