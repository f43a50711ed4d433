/* The staged set: the edits the review shows, `a` applies and `w` saves,
 * and the recovery file that keeps them on disk while they are staged, so
 * a console that does not end cleanly loses none of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

size_t vt_staged_count(const vt_app *a, const char *name)
{
    size_t i, n = 0;

    for (i = 0; name && i < a->staged.n; i++)
        if (a->staged.edits[i].vm && strcmp(a->staged.edits[i].vm, name) == 0)
            n++;
    return n;
}

/* Two edits set the same knob of the same VM: the later replaces the
 * earlier. Huge pages on and off are one knob. */
static bool same_knob(const vt_edit *x, const vt_edit *y)
{
    bool hx = x->kind == VT_EDIT_HUGEPAGES || x->kind == VT_EDIT_HUGEPAGES_OFF;
    bool hy = y->kind == VT_EDIT_HUGEPAGES || y->kind == VT_EDIT_HUGEPAGES_OFF;

    if (vt_edit_is_host(x) || vt_edit_is_host(y)) {
        /* host knobs: the same file; pools by size and node */
        if (x->kind != y->kind || !x->knob || !y->knob || strcmp(x->knob, y->knob) != 0)
            return false;
        if (x->kind == VT_EDIT_HOST_SRIOV)
            return x->target && y->target && strcmp(x->target, y->target) == 0;
        return x->kind != VT_EDIT_HOST_HUGEPAGES ||
               (x->size_kib == y->size_kib && x->node == y->node);
    }
    if (strcmp(x->vm, y->vm) != 0)
        return false;
    if (hx || hy)
        return hx && hy;
    if (x->kind != y->kind)
        return false;
    switch (x->kind) {
    case VT_EDIT_IOTHREAD_PIN:
    case VT_EDIT_VCPU_PIN:
        return x->id == y->id;
    case VT_EDIT_DISK_IOTHREAD:
    case VT_EDIT_CONTROLLER_IOTHREAD:
    case VT_EDIT_DISK_CACHE:
    case VT_EDIT_NIC_QUEUES:
    case VT_EDIT_NIC_DRIVER:
    case VT_EDIT_NIC_COALESCE:
        /* per disk target, per NIC MAC (lower case in both) */
        return x->target && y->target && strcmp(x->target, y->target) == 0;
    default:
        return true;
    }
}

long vt_staged_find_knob(const vt_app *a, const vt_edit *e)
{
    size_t i;

    for (i = 0; i < a->staged.n; i++)
        if (same_knob(&a->staged.edits[i], e))
            return (long)i;
    return -1;
}

/* The VM's inactive XML is recorded at its first edit so that a redefine
 * elsewhere is caught. */
void vt_staged_add(vt_app *a, vt_edit *e)
{
    long at = vt_staged_find_knob(a, e);
    vt_domain *d = e->vm ? vt_conn_find_name(a->c, e->vm) : NULL;

    if (d && d->config_xml)
        vt_bases_set(&a->bases, d->uuid, d->name, d->config_xml);
    /* parsed as a one-line plan, but typed here: the engine then names
       the VM instead of a plan line that does not exist */
    e->line = 0;
    if (at >= 0) {
        vt_edit_clear(&a->staged.edits[at]);
        a->staged.edits[at] = *e;
    } else {
        a->staged.edits = vt_realloc(a->staged.edits, (a->staged.n + 1) * sizeof(*a->staged.edits));
        a->staged.edits[a->staged.n++] = *e;
    }
    memset(e, 0, sizeof(*e));
    a->staged_gen++;
}

int vt_staged_add_plan(vt_app *a, const char *plan, size_t *n, vt_err *err)
{
    vt_changeset cs = { 0 };

    if (vt_plan_parse(plan, &cs, err) < 0)
        return -1;
    *n = cs.n;
    for (size_t i = 0; i < cs.n; i++)
        vt_staged_add(a, &cs.edits[i]);
    vt_changeset_clear(&cs);
    return 0;
}

/* Keep only the bases of VMs that still have staged edits. */
static void prune_bases(vt_app *a)
{
    vt_bases keep = { 0 };
    size_t i;

    /* by the name staged against: a VM renamed since keeps its base, so
       the conflict is still caught */
    for (i = 0; i < a->bases.n; i++)
        if (vt_staged_count(a, a->bases.names[i]))
            vt_bases_set(&keep, a->bases.uuids[i], a->bases.names[i], a->bases.xml[i]);
    vt_bases_clear(&a->bases);
    a->bases = keep;
}

void vt_staged_drop(vt_app *a, size_t i)
{
    if (i >= a->staged.n)
        return;
    vt_edit_clear(&a->staged.edits[i]);
    memmove(&a->staged.edits[i], &a->staged.edits[i + 1], (a->staged.n - i - 1) * sizeof(*a->staged.edits));
    a->staged.n--;
    prune_bases(a);
    a->staged_gen++;
}

void vt_staged_drop_all(vt_app *a)
{
    free(a->reverts);
    a->reverts = NULL;
    vt_changeset_clear(&a->staged);
    vt_bases_clear(&a->bases);
    memset(&a->bases, 0, sizeof(a->bases));
    a->staged_gen++;
}

/* ---- the recovery file ---- */

/* Keep the file equal to the staged set: called once per turn of the
 * loop, it writes only when the set (or a VM it names) changed, and
 * removes the file when nothing is staged. */
void vt_recovery_sync(vt_app *a)
{
    VT_AUTOFREE char *plan = NULL;
    char *sig;
    vt_err err = { { 0 } };
    size_t i;

    if (!a->recovery_path || a->recovered.n)
        return;
    plan = vt_plan_format(&a->staged);
    sig = vt_asprintf("%zu\n%s", a->staged.n, plan);
    for (i = 0; i < a->bases.n; i++) {
        char *more = vt_asprintf("%s%s %s\n", sig, a->bases.uuids[i], a->bases.names[i]);
        free(sig);
        sig = more;
    }
    if (a->recovery_sig && strcmp(sig, a->recovery_sig) == 0) {
        free(sig);
        return;
    }
    if (vt_recovery_save(a->recovery_path, a->recovery_key, &a->staged, &a->bases, &err) < 0) {
        if (!a->recovery_failed)
            vt_app_status(a, VT_ROLE_STATUS_ERROR, _("staged edits not kept on disk: %s"), err.msg);
        a->recovery_failed = true;
        free(sig);
        return;
    }
    a->recovery_failed = false;
    free(a->recovery_sig);
    a->recovery_sig = sig;
}

static void recovery_release(vt_app *a)
{
    vt_recovery_release(a->recovery_path, a->recovery_lock);
    a->recovery_lock = -1;
    free(a->recovery_path);
    a->recovery_path = NULL;
    free(a->recovery_sig);
    a->recovery_sig = NULL;
}

void vt_recovery_end(vt_app *a)
{
    vt_changeset_clear(&a->recovered);
    vt_bases_clear(&a->recovered_bases);
    free(a->recovered_at);
    a->recovered_at = NULL;
    recovery_release(a);
}

/* A file of this console's own for its staged edits: one that no other
 * console holds and that holds nothing left behind. */
static void recovery_claim_empty(vt_app *a)
{
    vt_err err = { { 0 } };

    recovery_release(a);
    a->recovery_path = vt_recovery_claim(a->opts ? a->opts->state_dir : NULL, a->recovery_key, false,
                                         &a->recovery_lock, &err);
    if (!a->recovery_path)
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("staged edits not kept on disk: %s"), err.msg);
}

static void restore(vt_app *a)
{
    size_t i, n = a->recovered.n;

    vt_changeset_clear(&a->staged);
    a->staged = a->recovered;
    memset(&a->recovered, 0, sizeof(a->recovered));
    a->staged_gen++;
    /* the name and definition (fingerprint) each VM had then: a VM
       renamed, replaced or redefined since is a conflict in the review */
    vt_bases_clear(&a->bases);
    for (i = 0; i < a->recovered_bases.n; i++) {
        /* a file without fingerprints: the definition as it is now */
        vt_domain *d = vt_conn_find_uuid(a->c, a->recovered_bases.uuids[i]);
        const char *base = a->recovered_bases.xml[i];
        vt_bases_set(&a->bases, a->recovered_bases.uuids[i], a->recovered_bases.names[i],
                     *base ? base : d && d->config_xml ? d->config_xml : "");
    }
    vt_review_show(a);
    vt_app_status(a, VT_ROLE_STATUS, P_("restored %zu staged edit from %s", "restored %zu staged edits from %s", n),
                  n, a->recovery_path);
}

/* 0 Restore, 1 Discard, -2 (Esc) later. */
static void recovery_answer(vt_app *a, int r)
{
    vt_err err = { { 0 } };
    size_t n = a->recovered.n;

    if (r == 0) {
        restore(a);
    } else if (r == 1) {
        vt_changeset_clear(&a->recovered);
        if (vt_recovery_discard(a->recovery_path, &err) < 0)
            vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
        else
            vt_app_status(a, VT_ROLE_STATUS, P_("discarded %zu staged edit of the earlier console",
                                                "discarded %zu staged edits of the earlier console", n), n);
    } else {
        char keep[512];
        vt_changeset_clear(&a->recovered);
        snprintf(keep, sizeof(keep), _("left for later (offered at the next start) in %s"), a->recovery_path);
        /* this console's own edits go to a file of their own */
        recovery_claim_empty(a);
        if (a->recovery_path)
            vt_app_status(a, VT_ROLE_STATUS, "%s", keep);
    }
    vt_bases_clear(&a->recovered_bases);
}

/* At start: edits a console on this host left behind are offered. A
 * console still running on the same URI holds its file: not offered. */
void vt_recovery_offer(vt_app *a)
{
    static const char *const buttons[] = { N_("Restore"), N_("Discard") };
    vt_err err = { { 0 } };
    char msg[1024];
    int r;

    if (!a->recovery_key)
        return;
    a->recovery_path = vt_recovery_claim(a->opts ? a->opts->state_dir : NULL, a->recovery_key, true,
                                         &a->recovery_lock, &err);
    if (!a->recovery_path) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("staged edits not kept on disk: %s"), err.msg);
        return;
    }
    r = vt_recovery_load(a->recovery_path, a->recovery_key, &a->recovered, &a->recovered_bases,
                         &a->recovered_at, &err);
    if (r < 0) {
        /* never overwrite what we cannot read: it stays, we use another */
        recovery_claim_empty(a);
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
        return;
    }
    if (r == 0)
        return;
    if (a->staged.n) {
        /* --plan: its edits are staged; the earlier ones stay on disk */
        char keep[512];
        snprintf(keep, sizeof(keep), P_("%zu staged edit of an earlier console left in %s (not restored: "
                                        "--plan given)",
                                        "%zu staged edits of an earlier console left in %s (not restored: "
                                        "--plan given)", a->recovered.n), a->recovered.n, a->recovery_path);
        vt_changeset_clear(&a->recovered);
        vt_bases_clear(&a->recovered_bases);
        recovery_claim_empty(a);
        if (a->recovery_path)
            vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", keep);
        return;
    }
    if (a->recovered_at)
        snprintf(msg, sizeof(msg),
                 P_("An earlier console on this host ended with %zu staged\nedit not applied (last staged %s).\n"
                    "Restore it for review, or discard it?\n(Esc: decide later, the file stays)",
                    "An earlier console on this host ended with %zu staged\nedits not applied (last staged %s).\n"
                    "Restore them for review, or discard them?\n(Esc: decide later, the file stays)",
                    a->recovered.n), a->recovered.n, a->recovered_at);
    else
        snprintf(msg, sizeof(msg),
                 P_("An earlier console on this host ended with %zu staged\nedit not applied (last staged at an "
                    "unknown time).\nRestore it for review, or discard it?\n(Esc: decide later, the file stays)",
                    "An earlier console on this host ended with %zu staged\nedits not applied (last staged at an "
                    "unknown time).\nRestore them for review, or discard them?\n(Esc: decide later, the file "
                    "stays)", a->recovered.n), a->recovered.n);
    /* restoring only stages them: the safe answer */
    vt_dialog_choose(a, _("Recover"), buttons, 2, 0, recovery_answer, msg);
}
