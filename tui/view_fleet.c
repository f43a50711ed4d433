/* The fleet: one row per host (its state, VMs, CPU in use, the advisor's
 * failures and warnings, staged edits), the selected host's particulars,
 * and the staged edits grouped by host. Enter opens a host's console; a
 * applies every host's staged edits, host by host, stopping at the first
 * host that fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"
#include "widgets/text.h"

/* The columns after the name; the URI column shows when this much room
 * is left for it. */
#define STATE_W 22
#define URI_MIN_W 16

void vt_fleet_show(vt_app *a)
{
    vt_fleet *f = a->fleet;

    f->sel = f->fg;
    vt_nav_push(a, VT_VIEW_FLEET);
}

static void fleet_title(vt_app *a, char *buf, size_t n)
{
    size_t staged = vt_fleet_staged(a->fleet);

    snprintf(buf, n, P_("fleet: %zu host", "fleet: %zu hosts", a->fleet->n), a->fleet->n);
    if (staged)
        snprintf(buf + strlen(buf), n - strlen(buf), P_(", %zu staged edit", ", %zu staged edits", staged), staged);
}

static void count_findings(const vt_app *h, size_t *fails, size_t *warns)
{
    *fails = *warns = 0;
    for (size_t i = 0; i < h->advice.n; i++) {
        if (h->advice.items[i].sev == VT_SEV_FAIL)
            (*fails)++;
        else if (h->advice.items[i].sev == VT_SEV_WARN)
            (*warns)++;
    }
}

/* vt_fleet_state's word for a host that answers, in either language
 * (tui/fleet.c may show it translated). */
static bool state_connected(const char *state)
{
    static const char connected[] = "connected";

    return strcmp(state, connected) == 0 || strcmp(state, _(connected)) == 0;
}

/* One host's row: what is not known yet is "-", never 0. */
static void host_row(vt_pen *p, const vt_fleet_host *fh, bool sel, int name_w, int uri_w)
{
    const vt_app *h = fh->a;
    char state[256], vms[32] = "-", cpu[16] = "-", fails[16] = "-", warns[16] = "-", name[80], uri[200];
    bool known = h->c && h->first_done, ok;

    vt_fleet_state(fh, state, sizeof(state));
    ok = state_connected(state);
    if (known) {
        size_t run = 0, nf, nw;
        for (size_t i = 0; i < h->c->ndoms; i++)
            run += vt_domain_active(h->c->doms[i]);
        snprintf(vms, sizeof(vms), "%zu/%zu", run, h->c->ndoms);
        count_findings(h, &nf, &nw);
        snprintf(fails, sizeof(fails), "%zu", nf);
        snprintf(warns, sizeof(warns), "%zu", nw);
        if (h->live_gen && !h->live.measuring && !isnan(h->live.host_cpu_pct))
            snprintf(cpu, sizeof(cpu), "%.0f%%", h->live.host_cpu_pct);
    }
    vt_text_fit(fh->name, name_w, name, sizeof(name));
    vt_text_fit(state, STATE_W, state, sizeof(state));
    if (uri_w)
        vt_text_fit(h->c ? h->c->uri : fh->opening ? fh->opening->uri : "", uri_w, uri, sizeof(uri));
    vt_pen_line(p, sel ? VT_ROLE_SELECTION
                   : !ok ? VT_ROLE_VALUE_BAD
                   : strcmp(fails, "0") != 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL,
                "%s %s%*s %s%*s %-9s %5s %5s %5s %6zu%s%s", sel ? ">" : " ", name, name_w - vt_text_width(name), "",
                state, STATE_W - vt_text_width(state), "", vms, cpu, fails, warns, h->staged.n, uri_w ? "  " : "",
                uri_w ? uri : "");
}

/* The selected host in full: the state's reason is never cut here. */
static void draw_selected(vt_pen *p, vt_app *a, const vt_fleet_host *fh)
{
    const vt_app *h = fh->a;
    char state[512];

    vt_fleet_state(fh, state, sizeof(state));
    vt_pen_heading(p, fh->name);
    vt_pen_field(p, "URI", h->c ? h->c->uri : fh->opening ? fh->opening->uri : "?", VT_ROLE_NORMAL);
    /* the lead lines the state up with the fields' values */
    vt_pen_wrap(p, state_connected(state) ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_BAD, vt_pad(_("state"), -25), state);
    if (h->c && h->c->host.hostname)
        vt_pen_field(p, _("hostname"), h->c->host.hostname, VT_ROLE_NORMAL);
    if (a->fleet->n > 1)
        vt_pen_line(p, VT_ROLE_DIM, _("%s opens its console; %s there comes back here"), vt_app_key(a, VT_ACT_OPEN),
                    vt_app_key(a, VT_ACT_FLEET));
    else
        vt_pen_line(p, VT_ROLE_DIM, _("%s or %s goes back; more hosts: -c URI more than once, or --hosts FILE"),
                    vt_app_key(a, VT_ACT_OPEN), vt_app_key(a, VT_ACT_BACK));
}

/* The review across hosts: each host's staged edits as plan lines. */
static void draw_staged(vt_pen *p, vt_app *a)
{
    vt_fleet *f = a->fleet;
    size_t total = vt_fleet_staged(f);

    vt_pen_heading(p, _("Staged edits, by host"));
    if (!total) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("none: open a host to stage edits there"));
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        const vt_app *h = f->h[i].a;
        VT_AUTOFREE char *plan = NULL;
        if (!h->staged.n)
            continue;
        vt_pen_line(p, VT_ROLE_STAGED, P_("%s: %zu edit", "%s: %zu edits", h->staged.n), f->h[i].name, h->staged.n);
        plan = vt_plan_format(&h->staged);
        /* the edit lines, without the plan file's comment */
        for (char *line = plan, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            if (*line && *line != '#')
                vt_pen_line(p, VT_ROLE_NORMAL, "    %s", line);
        }
    }
    {
        char hint[256];
        snprintf(hint, sizeof(hint), _("%s applies them host by host, after one question; a host's own review (%s in "
                 "its console) shows steps and diffs"), vt_app_key(a, VT_ACT_APPLY), vt_app_key(a, VT_ACT_REVIEW));
        vt_pen_wrap(p, VT_ROLE_DIM, "", hint);
    }
}

static void fleet_draw(vt_app *a)
{
    vt_fleet *f = a->fleet;
    vt_pen p = vt_pen_start(a, f->scroll);
    int name_w = 14, uri_w = COLS - (2 + name_w + 1 + STATE_W + 1 + 9 + 6 * 3 + 7 + 2);
    int sel_line = 0;

    if (uri_w < URI_MIN_W)
        uri_w = 0;
    /* TRANSLATORS: fleet table headers: at most 14, 22, 9, 5, 5, 5, 6 columns */
    vt_pen_line(&p, VT_ROLE_HEADER, "  %s %s %s %5s %s %s %s%s", vt_pad(_("Host"), -name_w), vt_pad(_("State"), -STATE_W),
                vt_pad(_("VMs r/all"), -9), "CPU", vt_pad(_("Fail"), 5), vt_pad(_("Warn"), 5), vt_pad(_("Staged"), 6),
                uri_w ? "  URI" : "");
    for (size_t i = 0; i < f->n; i++) {
        if (i == f->sel)
            sel_line = p.y;
        host_row(&p, &f->h[i], i == f->sel, name_w, uri_w);
    }
    vt_pen_line(&p, VT_ROLE_NORMAL, "%s", "");
    if (f->sel < f->n)
        draw_selected(&p, a, &f->h[f->sel]);
    vt_pen_line(&p, VT_ROLE_NORMAL, "%s", "");
    draw_staged(&p, a);
    if (f->outcome) {
        vt_pen_line(&p, VT_ROLE_NORMAL, "%s", "");
        vt_pen_heading(&p, _("Last apply, host by host"));
        /* wrapped: a failure's reason is never cut */
        VT_AUTOFREE char *copy = vt_strdup(f->outcome);
        for (char *line = copy, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            /* the translations keep the word FAILED (and the apply's outcome has it) */
            vt_pen_wrap(&p, strstr(line, "FAILED") ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL, "  ", line);
        }
    }
    if (sel_line < f->scroll)
        f->scroll = sel_line;
    vt_frame_pad(a, &p, &f->scroll, 1, LINES - 3);
}

/* ---- applying across hosts ---- */

typedef struct host_plan {
    vt_applyplan plan;
    bool ok;
} host_plan;

/* Every host with staged edits must be connected and answering, and its
 * edits must prepare, before the question is asked: a refusal names the
 * host and applies nothing. */
static bool fleet_prepare(vt_app *a, host_plan *hp, char *why, size_t n)
{
    vt_fleet *f = a->fleet;

    for (size_t i = 0; i < f->n; i++) {
        vt_app *h = f->h[i].a;
        vt_err err = { { 0 } };
        if (!h->staged.n)
            continue;
        if (!h->c || !h->connected || vt_refresh_slow(h)) {
            char state[256];
            vt_fleet_state(&f->h[i], state, sizeof(state));
            snprintf(why, n, _("nothing applied: %s is %s; the staged edits are kept"), f->h[i].name, state);
            return false;
        }
        if (vt_apply_prepare(h->c, &h->staged, &h->bases, &hp[i].plan, &err) < 0) {
            snprintf(why, n, _("nothing applied: %s: %s"), f->h[i].name, err.msg);
            return false;
        }
        hp[i].ok = true;
    }
    return true;
}

static void plans_free(host_plan *hp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vt_applyplan_clear(&hp[i].plan);
    free(hp);
}

/* One host's apply, as its own review's: against a fresh snapshot, then
 * its staged edits dropped. 0, or -1 with what is in effect in *out. */
static int apply_host(vt_app *h, char **out, vt_err *err)
{
    vt_applyplan plan = { 0 };
    int rc = 0;

    vt_refresh_now(h);
    if (!h->connected) {
        vt_err_set(err, _("disconnected: %s"), h->lost_why);
        *out = vt_strdup(_("    nothing applied; the staged edits are kept\n"));
        return -1;
    }
    if (vt_apply_prepare(h->c, &h->staged, &h->bases, &plan, err) < 0) {
        *out = vt_strdup(_("    nothing applied; the staged edits are kept\n"));
        return -1;
    }
    plan.reverts = vt_strdup(h->reverts);
    rc = vt_apply_run(h->c, &plan, h->opts ? h->opts->log_path : NULL, NULL, NULL, err);
    *out = vt_apply_outcome(&plan);
    for (size_t i = 0; i < h->c->ndoms; i++)
        h->c->doms[i]->dirty = true;
    if (rc == 0)
        vt_staged_drop_all(h);
    vt_applyplan_clear(&plan);
    vt_refresh_now(h);
    return rc;
}

static void apply_all(vt_app *a)
{
    vt_fleet *f = a->fleet;
    vt_buf b = { 0 };
    size_t done = 0, steps = 0;
    bool failed = false;

    for (size_t i = 0; i < f->n; i++) {
        vt_app *h = f->h[i].a;
        vt_err err = { { 0 } };
        char *out = NULL;
        size_t n = h->staged.n;
        if (!n)
            continue;
        if (failed) {
            vt_buf_addf(&b, P_("%s: not applied (an earlier host failed); %zu staged edit kept\n",
                               "%s: not applied (an earlier host failed); %zu staged edits kept\n", n), f->h[i].name, n);
            continue;
        }
        if (apply_host(h, &out, &err) < 0) {
            /* TRANSLATORS: keep the word FAILED: the fleet view colours its line by it */
            vt_buf_addf(&b, _("%s: FAILED, undone where possible: %s\n%s"), f->h[i].name, err.msg, out ? out : "");
            failed = true;
        } else {
            vt_buf_addf(&b, P_("%s: applied %zu edit, in effect\n%s", "%s: applied %zu edits, in effect\n%s", n),
                        f->h[i].name, n, out ? out : "");
            done++;
            steps += n;
        }
        free(out);
    }
    free(f->outcome);
    f->outcome = vt_buf_steal(&b);
    if (failed)
        vt_app_status(a, VT_ROLE_STATUS_ERROR, P_("apply stopped at a host that failed; %zu host applied before it "
                                                  "(see Last apply)", "apply stopped at a host that failed; %zu hosts "
                                                  "applied before it (see Last apply)", done), done);
    else {
        char edits[64];
        snprintf(edits, sizeof(edits), P_("applied %zu edit", "applied %zu edits", steps), steps);
        vt_app_status(a, VT_ROLE_STATUS, P_("%s on %zu host", "%s on %zu hosts", done), edits, done);
    }
}

static void force_answer(vt_app *a, int button)
{
    if (button == 0)
        apply_all(a);
    else
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("not applied: the staged edits are kept"));
}

static size_t new_failures;

static void apply_answer(vt_app *a, int button)
{
    if (button != 0)
        return;
    if (new_failures) {
        vt_dialog_ask(a, _("Introduces a failure"), N_("Apply anyway"), force_answer,
                      P_("The advisor says these edits introduce %zu failure\n(each host's review shows which).\n"
                         "Apply them anyway?", "The advisor says these edits introduce %zu failures\n(each host's "
                         "review shows which).\nApply them anyway?", new_failures), new_failures);
        return;
    }
    apply_all(a);
}

static void ask_apply(vt_app *a)
{
    vt_fleet *f = a->fleet;
    host_plan *hp = vt_calloc(f->n, sizeof(*hp));
    vt_buf b = { 0 };
    char why[600];
    size_t hosts = 0, steps = 0;

    if (!vt_fleet_staged(f)) {
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("nothing staged on any host"));
        free(hp);
        return;
    }
    if (!fleet_prepare(a, hp, why, sizeof(why))) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", why);
        plans_free(hp, f->n);
        return;
    }
    new_failures = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (!hp[i].ok)
            continue;
        hosts++;
        steps += hp[i].plan.nsteps;
        new_failures += hp[i].plan.judged.new_failures;
        char st[64], nf[64];
        snprintf(st, sizeof(st), P_("%zu step", "%zu steps", hp[i].plan.nsteps), hp[i].plan.nsteps);
        snprintf(nf, sizeof(nf), P_("%zu new failure", "%zu new failures", hp[i].plan.judged.new_failures),
                 hp[i].plan.judged.new_failures);
        vt_buf_addf(&b, _("%s: %s, advisor: %s, %zu resolved\n"), f->h[i].name, st, nf, hp[i].plan.judged.resolved);
    }
    {
        VT_AUTOFREE char *lines = vt_buf_steal(&b);
        char st[64];
        snprintf(st, sizeof(st), P_("Apply %zu step", "Apply %zu steps", steps), steps);
        vt_dialog_ask(a, _("Apply on several hosts"), N_("Apply"), apply_answer,
                      P_("%s on %zu host, host by host,\nstopping at the first that fails?\n%s",
                         "%s on %zu hosts, host by host,\nstopping at the first that fails?\n%s", hosts), st, hosts,
                      lines);
    }
    plans_free(hp, f->n);
}

static vt_view_result fleet_action(vt_app *a, vt_action act)
{
    vt_fleet *f = a->fleet;

    switch (act) {
    case VT_ACT_OPEN:
        vt_fleet_enter(f, f->sel);
        return VT_VIEW_HANDLED;
    case VT_ACT_APPLY:
        ask_apply(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_FLEET:
        return VT_VIEW_HANDLED;
    case VT_ACT_BACK:
        /* the bottom of a fleet's stack: nothing below it */
        return f->n > 1 ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    case VT_ACT_UP:
        if (f->sel)
            f->sel--;
        return VT_VIEW_HANDLED;
    case VT_ACT_DOWN:
        if (f->sel + 1 < f->n)
            f->sel++;
        return VT_VIEW_HANDLED;
    case VT_ACT_TOP:
        f->sel = 0;
        return VT_VIEW_HANDLED;
    case VT_ACT_BOTTOM:
        f->sel = f->n - 1;
        return VT_VIEW_HANDLED;
    case VT_ACT_PAGE_UP:
    case VT_ACT_PAGE_DOWN:
        return vt_frame_scroll(&f->scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    /* the host's own screens are reached from its console */
    case VT_ACT_HOST:
    case VT_ACT_TOP_VIEW:
    case VT_ACT_REVIEW:
    case VT_ACT_ADVICE:
        if (f->n > 1) {
            vt_app_status(a, VT_ROLE_STATUS, act == VT_ACT_HOST ? _("open a host first (%s): its host screen is its own")
                          : act == VT_ACT_TOP_VIEW ? _("open a host first (%s): its Top view is its own")
                          : act == VT_ACT_REVIEW ? _("open a host first (%s): its review is its own")
                          : _("open a host first (%s): its advice is its own"), vt_app_key(a, VT_ACT_OPEN));
            return VT_VIEW_HANDLED;
        }
        return VT_VIEW_IGNORED;
    default:
        return VT_VIEW_IGNORED;
    }
}

static void fleet_free(vt_app *a)
{
    if (a->fleet) {
        free(a->fleet->outcome);
        a->fleet->outcome = NULL;
    }
}

const vt_view_ops vt_view_fleet = {
    .name = "fleet",
    .title = fleet_title,
    .draw = fleet_draw,
    .action = fleet_action,
    .free = fleet_free,
};
