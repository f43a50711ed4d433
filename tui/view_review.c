/* The review: the staged set prepared into steps against a fresh
 * snapshot, each with its effect, call, before and after, XML diff and
 * warnings; apply, save as a plan file, drop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "tui/ui.h"

static struct {
    vt_applyplan plan;
    bool plan_ok;
    unsigned gen;               /* the staged set the plan was prepared from */
    bool prepared;
    char plan_err[512];
    char *outcome;              /* owned: vt_apply_outcome of the last apply */
    char outcome_head[600];
    size_t sel;
    int scroll;
    char save_path[512];
} rs;

/* Prepare the staged set against the snapshot; the review shows the steps
 * or, in words, why they cannot be made. */
static void prepare(vt_app *a)
{
    vt_err err = { { 0 } };

    vt_applyplan_clear(&rs.plan);
    memset(&rs.plan, 0, sizeof(rs.plan));
    rs.plan_ok = false;
    rs.plan_err[0] = '\0';
    rs.gen = a->staged_gen;
    rs.prepared = true;
    if (rs.sel >= a->staged.n)
        rs.sel = a->staged.n ? a->staged.n - 1 : 0;
    if (!a->staged.n)
        return;
    if (vt_apply_prepare(a->c, &a->staged, &a->bases, &rs.plan, &err) < 0) {
        snprintf(rs.plan_err, sizeof(rs.plan_err), "%s", err.msg[0] ? err.msg : _("cannot prepare the edits"));
        vt_applyplan_clear(&rs.plan);
        memset(&rs.plan, 0, sizeof(rs.plan));
        return;
    }
    rs.plan_ok = true;
}

void vt_review_show(vt_app *a)
{
    rs.scroll = 0;
    vt_nav_push(a, VT_VIEW_REVIEW);
    prepare(a);
    if (!a->staged.n)
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("nothing staged"));
    else if (rs.plan_ok) {
        char edits[64];
        snprintf(edits, sizeof(edits), P_("%zu staged edit", "%zu staged edits", a->staged.n), a->staged.n);
        vt_app_status(a, VT_ROLE_STATUS, P_("%s, %zu step", "%s, %zu steps", rs.plan.nsteps), edits,
                      rs.plan.nsteps);
    } else
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", _("cannot prepare the staged edits (see the review)"));
}

static void review_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    snprintf(buf, n, "%s", _("review"));
}

/* The last apply's outcome, wrapped: a result line is read whole. */
static void draw_outcome(vt_pen *p)
{
    vt_pen_heading(p, rs.outcome_head);
    for (const char *q = rs.outcome; q && *q;) {
        const char *nl = strchr(q, '\n');
        size_t n = nl ? (size_t)(nl - q) : strlen(q);
        char *one = vt_strndup(q, n);
        size_t lead = strspn(one, " ");
        char indent[64];
        snprintf(indent, sizeof(indent), "%.*s", (int)(lead < 40 ? lead : 40), one);
        vt_pen_wrap(p, VT_ROLE_NORMAL, indent, one + lead);
        free(one);
        q += n + (nl ? 1 : 0);
    }
}

static void draw_steps(vt_pen *p)
{
    const char *vm = NULL;
    char mark[40];

    for (size_t i = 0; i < rs.plan.nsteps; i++) {
        const vt_step *s = &rs.plan.steps[i];
        if (!vm || strcmp(vm, s->vm) != 0) {
            char h[300];
            if (s->uuid)
                snprintf(h, sizeof(h), s->vm_active ? _("VM %s (running)") : _("VM %s (not running)"), s->vm);
            else
                snprintf(h, sizeof(h), "%s", _("Host"));
            vt_pen_heading(p, h);
            vm = s->vm;
        }
        snprintf(mark, sizeof(mark), "[%s]", vt_applyplan_effect_name(s->effect));
        vt_pen_line(p, VT_ROLE_STAGED, "%s %s", vt_pad(mark, -15), s->call ? s->call : "");
        for (size_t k = 0; k < s->nchanges; k++)
            vt_pen_line(p, VT_ROLE_NORMAL, "    %s: %s -> %s", s->changes[k].what, s->changes[k].before,
                        s->changes[k].after);
        if (s->diff && *s->diff)
            vt_pen_text(p, s->diff, "    ", true);
    }
    if (!rs.plan.nsteps)
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no steps: the staged values are what the VMs already have"));
    if (rs.plan.nwarnings) {
        vt_pen_heading(p, _("Warnings"));
        for (size_t i = 0; i < rs.plan.nwarnings; i++)
            vt_pen_line(p, VT_ROLE_VALUE_WARN, "! %s", rs.plan.warnings[i]);
    }
}

/* "1 new failure, 2 new warnings, 0 resolved" */
static void judged_counts(const vt_judgement *j, char *buf, size_t n)
{
    char f[48], w[48], r[48];

    snprintf(f, sizeof(f), P_("%zu new failure", "%zu new failures", j->new_failures), j->new_failures);
    snprintf(w, sizeof(w), P_("%zu new warning", "%zu new warnings", j->new_warnings), j->new_warnings);
    snprintf(r, sizeof(r), _("%zu resolved"), j->resolved);
    /* TRANSLATORS: three counts in a list ("3 failures, 21 warnings, 10 info") */
    snprintf(buf, n, _("%s, %s, %s"), f, w, r);
}

/* The advisor's verdicts on the staged set, edit by edit: the one judge,
 * over the host as the edits would leave it. */
static void draw_judgement(vt_pen *p)
{
    const vt_judgement *j = &rs.plan.judged;
    bool any = false;

    vt_pen_heading(p, _("Advisor: the host as these edits would leave it"));
    if (!j->judged) {
        vt_pen_wrap(p, VT_ROLE_VALUE_WARN, "", j->why ? j->why : _("not judged"));
        return;
    }
    for (size_t e = 0; e < j->nedits; e++) {
        bool head = false;
        for (size_t i = 0; i < j->nverdicts; i++) {
            const vt_verdict *v = &j->verdicts[i];
            VT_AUTOFREE char *t = NULL;
            if (v->edit != e)
                continue;
            if (!head)
                vt_pen_line(p, VT_ROLE_STAGED, "%s", j->edits[e]);
            head = any = true;
            t = vt_asprintf("%s: %s", vt_verdict_word(v->kind), v->text);
            vt_pen_wrap(p, v->kind == VT_VERDICT_RESOLVES || v->kind == VT_VERDICT_PENDING ? VT_ROLE_VALUE_OK
                           : v->kind == VT_VERDICT_STILL                                  ? VT_ROLE_VALUE_WARN
                           : v->failure                                                   ? VT_ROLE_VALUE_BAD
                                                                                          : VT_ROLE_VALUE_WARN,
                        "    ", t);
        }
    }
    if (!any)
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no warning or failure comes or goes with these edits"));
    else {
        char counts[160];
        judged_counts(j, counts, sizeof(counts));
        vt_pen_line(p, j->new_failures ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL, j->new_failures ?
                    _("%s: applying asks twice") : "%s", counts);
    }
}

static void review_draw(vt_app *a)
{
    vt_pen p = vt_pen_start(a, rs.scroll);

    if (!rs.prepared || rs.gen != a->staged_gen)
        prepare(a);
    if (rs.outcome)
        draw_outcome(&p);
    vt_pen_heading(&p, _("Staged edits"));
    if (!a->staged.n)
        vt_pen_line(&p, VT_ROLE_DIM, _("nothing staged: on a VM's detail screen, %s stages an edit"),
                    vt_app_key(a, VT_ACT_EDIT));
    for (size_t i = 0; i < a->staged.n; i++) {
        VT_AUTOFREE char *t = vt_edit_format(&a->staged.edits[i]);
        vt_pen_line(&p, i == rs.sel ? VT_ROLE_SELECTION : VT_ROLE_STAGED, "%s %2zu  %s", i == rs.sel ? ">" : " ",
                    i + 1, t);
    }
    if (a->staged.n)
        vt_pen_line(&p, VT_ROLE_DIM, _("Up/Down select  %s drops it  %s drops all  %s applies  %s saves a plan"),
                    vt_app_key(a, VT_ACT_DROP), vt_app_key(a, VT_ACT_DROP_ALL), vt_app_key(a, VT_ACT_APPLY),
                    vt_app_key(a, VT_ACT_SAVE_PLAN));
    if (a->staged.n && !rs.plan_ok) {
        vt_pen_heading(&p, _("Cannot prepare these edits"));
        vt_pen_line(&p, VT_ROLE_VALUE_BAD, "%s", rs.plan_err);
        vt_pen_line(&p, VT_ROLE_DIM, "%s", _("drop or re-stage the edit it names; nothing can be applied until then"));
    }
    if (rs.plan_ok) {
        draw_steps(&p);
        if (a->staged.n)
            draw_judgement(&p);
    }
    vt_frame_pad(a, &p, &rs.scroll, 1, LINES - 3);
}

static void mark_dirty(vt_app *a, bool all)
{
    for (size_t i = 0; all && i < a->c->ndoms; i++)
        a->c->doms[i]->dirty = true;
    /* the test driver sends no events for every change: fetch the edited
       VMs again so the screens show what is now there */
    for (size_t i = 0; !all && i < a->staged.n; i++) {
        vt_domain *d = a->staged.edits[i].vm ? vt_conn_find_name(a->c, a->staged.edits[i].vm) : NULL;
        if (d)
            d->dirty = true;
    }
}

static void apply_now(vt_app *a)
{
    vt_err err = { { 0 } };
    const char *log = a->opts && a->opts->log_path ? a->opts->log_path : vt_apply_log_path();
    size_t nsteps;

    /* the snapshot the steps come from must be fresh: a define made
       elsewhere since staging is then a conflict, not a silent overwrite */
    vt_refresh_now(a);
    if (!a->connected) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("nothing applied: disconnected from %s; the staged edits are kept"),
                      a->c->uri);
        return;
    }
    prepare(a);
    if (!rs.plan_ok) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("not applied: %s"), rs.plan_err);
        return;
    }
    free(rs.outcome);
    rs.outcome = NULL;
    nsteps = rs.plan.nsteps;
    /* a staged revert is logged as one: --revert-last then walks further back */
    free(rs.plan.reverts);
    rs.plan.reverts = vt_strdup(a->reverts);
    if (vt_apply_run(a->c, &rs.plan, a->opts ? a->opts->log_path : NULL, NULL, NULL, &err) < 0) {
        rs.outcome = vt_apply_outcome(&rs.plan);
        snprintf(rs.outcome_head, sizeof(rs.outcome_head), _("Last apply: FAILED, undone where possible; logged to %s"), log);
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("apply failed, staged edits kept: %s"), err.msg);
        mark_dirty(a, true);
        vt_refresh_now(a);
        return;
    }
    rs.outcome = vt_apply_outcome(&rs.plan);
    snprintf(rs.outcome_head, sizeof(rs.outcome_head), _("Last apply: done, logged to %s"), log);
    mark_dirty(a, false);
    vt_staged_drop_all(a);
    vt_applyplan_clear(&rs.plan);
    memset(&rs.plan, 0, sizeof(rs.plan));
    rs.plan_ok = false;
    rs.gen = a->staged_gen;
    rs.sel = 0;
    vt_refresh_now(a);
    vt_app_status(a, VT_ROLE_STATUS, P_("applied %zu step", "applied %zu steps", nsteps), nsteps);
}

static void force_answer(vt_app *a, int button)
{
    if (button == 0)
        apply_now(a);
    else
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("not applied: the staged edits are kept"));
}

/* A failure the edits would bring is asked about on its own: the second,
 * explicit answer (--force on the command line). */
static void apply_answer(vt_app *a, int button)
{
    if (button != 0)
        return;
    if (rs.plan.judged.new_failures) {
        char first[512] = "";
        for (size_t i = 0; i < rs.plan.judged.nverdicts; i++)
            if (rs.plan.judged.verdicts[i].kind == VT_VERDICT_INTRODUCES && rs.plan.judged.verdicts[i].failure) {
                snprintf(first, sizeof(first), "%s", rs.plan.judged.verdicts[i].text);
                break;
            }
        vt_dialog_ask(a, _("Introduces a failure"), N_("Apply anyway"), force_answer,
                      P_("The advisor says these edits introduce %zu failure:\n%s\nApply them anyway?",
                         "The advisor says these edits introduce %zu failures:\n%s\nApply them anyway?",
                         rs.plan.judged.new_failures), rs.plan.judged.new_failures, first);
        return;
    }
    apply_now(a);
}

static void ask_apply(vt_app *a)
{
    if (!a->staged.n) {
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("nothing staged to apply"));
    } else if (!a->connected) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("nothing applied: disconnected from %s; the staged edits are "
                      "kept until it is back"), a->c->uri);
    } else if (vt_refresh_slow(a)) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("nothing applied: no answer for %llds from %s; the staged "
                      "edits are kept"), vt_conn_refresh_waited_ms(a->c) / 1000, a->c->uri);
    } else if (!rs.plan_ok) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("cannot apply: %s"), rs.plan_err);
    } else {
        /* one effect a line: five of them would not fit one line of 80 */
        VT_AUTOFREE char *effects = vt_applyplan_effect_summary(&rs.plan, "\n");
        const vt_judgement *j = &rs.plan.judged;
        char counts[160], steps[64];
        VT_AUTOFREE char *verdict = NULL;
        judged_counts(j, counts, sizeof(counts));
        verdict = !j->judged ? vt_strdup(_("advisor: not judged")) : vt_asprintf(_("advisor: %s"), counts);
        snprintf(steps, sizeof(steps), P_("%zu step", "%zu steps", rs.plan.nsteps), rs.plan.nsteps);
        vt_dialog_ask(a, _("Apply"), N_("Apply"), apply_answer,
                      P_("Apply %zu staged edit as %s to\n%s?\n%s\n%s", "Apply %zu staged edits as %s to\n%s?\n%s\n%s",
                         a->staged.n), a->staged.n, steps, a->uri_label, effects, verdict);
    }
}

/* Write the staged set as a plan file, atomically (an interrupted save
 * never leaves half a plan), never through a symbolic link. */
static void save_plan(vt_app *a)
{
    VT_AUTOFREE char *text = vt_plan_format(&a->staged);
    vt_err err = { { 0 } };

    if (vt_write_file_atomic(rs.save_path, text, &err) < 0) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("not saved: %s"), err.msg);
        return;
    }
    vt_app_status(a, VT_ROLE_STATUS, P_("saved %zu staged edit to %s", "saved %zu staged edits to %s", a->staged.n),
                  a->staged.n, rs.save_path);
}

static void overwrite_answer(vt_app *a, int button)
{
    if (button == 0)
        save_plan(a);
    else
        vt_app_status(a, VT_ROLE_STATUS, _("not saved: %s exists"), rs.save_path);
}

static void save_path_given(vt_app *a, const char *text, size_t len)
{
    (void)len;
    snprintf(rs.save_path, sizeof(rs.save_path), "%s", text);
    if (access(rs.save_path, F_OK) == 0)
        vt_dialog_ask(a, _("File exists"), N_("Replace"), overwrite_answer, _("%s already exists.\nReplace it?"),
                      rs.save_path);
    else
        save_plan(a);
}

static int check_path(void *ctx, const char *text, char *msg, size_t msgsz)
{
    (void)ctx;
    if (!*text) {
        snprintf(msg, msgsz, "%s", _("a file name, please"));
        return -1;
    }
    return 0;
}

static void drop_all_answer(vt_app *a, int button)
{
    size_t n = a->staged.n;

    if (button != 0)
        return;
    vt_staged_drop_all(a);
    rs.sel = 0;
    prepare(a);
    vt_app_status(a, VT_ROLE_STATUS, P_("dropped %zu staged edit", "dropped %zu staged edits", n), n);
}

static void drop_one(vt_app *a)
{
    VT_AUTOFREE char *t = NULL;

    if (rs.sel >= a->staged.n)
        return;
    t = vt_edit_format(&a->staged.edits[rs.sel]);
    vt_staged_drop(a, rs.sel);
    if (rs.sel >= a->staged.n && rs.sel)
        rs.sel--;
    prepare(a);
    vt_app_status(a, VT_ROLE_STATUS, _("dropped: %s"), t);
}

static vt_view_result review_action(vt_app *a, vt_action act)
{
    char title[128];

    switch (act) {
    case VT_ACT_REVIEW:
        vt_review_show(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_APPLY:
        ask_apply(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_SAVE_PLAN:
        if (!a->staged.n) {
            vt_app_status(a, VT_ROLE_STATUS, "%s", _("nothing staged to save"));
            return VT_VIEW_HANDLED;
        }
        snprintf(title, sizeof(title), P_("Save %zu staged edit as a plan file", "Save %zu staged edits as a plan file",
                                          a->staged.n), a->staged.n);
        vt_prompt_open(a, title, _("file:"), rs.save_path[0] ? rs.save_path : "virt-tune.plan", false, _("saves"),
                       check_path, save_path_given, NULL);
        return VT_VIEW_HANDLED;
    case VT_ACT_DROP:
        drop_one(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_DROP_ALL:
        if (a->staged.n)
            vt_dialog_ask(a, _("Drop all"), N_("Drop all"), drop_all_answer,
                          P_("Drop all %zu staged edit?", "Drop all %zu staged edits?", a->staged.n), a->staged.n);
        return VT_VIEW_HANDLED;
    case VT_ACT_REFRESH:
        if (vt_refresh_key(a))
            prepare(a);
        clearok(curscr, TRUE);
        return VT_VIEW_HANDLED;
    case VT_ACT_UP:
    case VT_ACT_DOWN:
        if (!a->staged.n)
            break;
        if (act == VT_ACT_UP && rs.sel > 0)
            rs.sel--;
        if (act == VT_ACT_DOWN && rs.sel + 1 < a->staged.n)
            rs.sel++;
        return VT_VIEW_HANDLED;
    default:
        break;
    }
    return vt_frame_scroll(&rs.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
}

static void review_leave(vt_app *a)
{
    (void)a;
    vt_applyplan_clear(&rs.plan);
    memset(&rs.plan, 0, sizeof(rs.plan));
    rs.prepared = false;
    rs.plan_ok = false;
}

static void review_free(vt_app *a)
{
    review_leave(a);
    free(rs.outcome);
    rs.outcome = NULL;
}

const vt_view_ops vt_view_review = {
    .name = "review",
    .leave = review_leave,
    .title = review_title,
    .draw = review_draw,
    .action = review_action,
    .free = review_free,
};
