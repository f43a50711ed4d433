/* The advice: every finding of the advisor (the guides' checks), failures
 * first; the selected one with its evidence, why and fix. Enter goes
 * where it lives; f stages its fix like any other edit. */
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"
#include "widgets/text.h"

static struct {
    size_t sel;
    int scroll;
} as;

void vt_advice_show(vt_app *a)
{
    vt_advise_opts ao = { .remote = NULL, .live = &a->live_window };

    if (!a->c->remote) {
        vt_remote_status_read(&a->remote, a->c->etc_root);
        a->remote_read = true;
        ao.remote = &a->remote;
    }
    /* the guest agents' answers are the snapshot's (asked by the refresh) */
    vt_advise(a->c, &ao, &a->advice);
    as.sel = 0;
    as.scroll = 0;
    vt_nav_push(a, VT_VIEW_ADVICE);
}

static void advice_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    snprintf(buf, n, "%s", _("advice"));
}

static void draw_selected(vt_pen *p, vt_app *a, const vt_advice *f)
{
    if (f->evidence)
        vt_pen_wrap(p, VT_ROLE_NORMAL, _("       evidence: "), vt_advice_evidence(f));
    if (f->why)
        vt_pen_wrap(p, VT_ROLE_DIM, _("       why: "), vt_advice_why(f));
    if (f->fix) {
        /* the plan lines below stay what the plan parser reads */
        vt_pen_line(p, VT_ROLE_STAGED, _("       fix (%s stages it, then %s reviews):"), vt_app_key(a, VT_ACT_FIX),
                    vt_app_key(a, VT_ACT_REVIEW));
        vt_pen_text(p, f->fix, "         ", false);
    } else {
        vt_pen_line(p, VT_ROLE_DIM, _("       no plan line fixes this; %s shows where it lives"),
                    vt_app_key(a, VT_ACT_OPEN));
    }
}

static void advice_draw(vt_app *a)
{
    vt_pen p = vt_pen_start(a, as.scroll);
    size_t n[VT_SEV_LAST] = { 0 }, i;
    int sel_line = 0;
    char head[160], fails[48], warns[48], infos[48];

    for (i = 0; i < a->advice.n; i++)
        n[a->advice.items[i].sev]++;
    snprintf(fails, sizeof(fails), P_("%zu failure", "%zu failures", n[VT_SEV_FAIL]), n[VT_SEV_FAIL]);
    snprintf(warns, sizeof(warns), P_("%zu warning", "%zu warnings", n[VT_SEV_WARN]), n[VT_SEV_WARN]);
    snprintf(infos, sizeof(infos), _("%zu info"), n[VT_SEV_INFO]);
    /* TRANSLATORS: three counts in a list ("3 failures, 21 warnings, 10 info") */
    snprintf(head, sizeof(head), _("%s, %s, %s"), fails, warns, infos);
    vt_pen_heading(&p, head);
    if (!a->advice.n)
        vt_pen_line(&p, VT_ROLE_DIM, "%s", _("nothing found: every check of the guides passes"));
    for (i = 0; i < a->advice.n; i++) {
        const vt_advice *f = &a->advice.items[i];
        bool sel = i == as.sel;
        char vm[64];
        if (sel)
            sel_line = p.y;
        /* the VM column by display width: names may be CJK */
        vt_text_fit(f->vm ? f->vm : _("(host)"), 16, vm, sizeof(vm));
        vt_pen_line(&p, sel ? VT_ROLE_SELECTION : vt_sev_role(f->sev), "%s %s %-10s %s%*s %s%s", sel ? ">" : " ",
                    vt_sev_marker(f->sev), f->topic, vm, 16 - vt_text_width(vm), "",
                    /* first: a long summary is cut at the line's end */
                    f->pending_restart ? _("fixed in config, at next start: ") : "", vt_advice_summary(f));
        if (sel)
            draw_selected(&p, a, f);
    }
    /* keep the selected finding in view */
    if (sel_line < as.scroll)
        as.scroll = sel_line;
    else if (sel_line + 6 > as.scroll + LINES - 3)
        as.scroll = sel_line + 6 - (LINES - 3);
    vt_frame_pad(a, &p, &as.scroll, 1, LINES - 3);
}

/* Enter on a finding: the VM's panel where it lives, or the host view at
 * its section. */
static void jump(vt_app *a)
{
    const vt_advice *f;
    vt_domain *d;

    if (as.sel >= a->advice.n)
        return;
    f = &a->advice.items[as.sel];
    if (!f->vm || !(d = vt_conn_find_name(a->c, f->vm))) {
        vt_host_show(a, f->topic);
        return;
    }
    vt_detail_show(a, d->uuid, f->panel);
}

/* f: the finding's fix goes into the staged set like any other edit */
static void fix(vt_app *a)
{
    vt_err err = { { 0 } };
    const vt_advice *f;
    size_t n = 0;

    if (as.sel >= a->advice.n)
        return;
    f = &a->advice.items[as.sel];
    if (!f->fix) {
        vt_app_status(a, VT_ROLE_STATUS, _("no plan line fixes \"%s\""), vt_advice_summary(f));
        return;
    }
    if (vt_staged_add_plan(a, f->fix, &n, &err) < 0) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("the fix does not parse: %s"), err.msg);
        return;
    }
    vt_app_status(a, VT_ROLE_STATUS, P_("staged the %s fix (%zu edit): %s reviews and applies",
                                        "staged the %s fix (%zu edits): %s reviews and applies", n),
                  f->topic, n, vt_app_key(a, VT_ACT_REVIEW));
}

static vt_view_result advice_action(vt_app *a, vt_action act)
{
    int page = LINES - 5;
    long d, to;

    switch (act) {
    case VT_ACT_OPEN:
        jump(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_FIX:
        fix(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_ADVICE:
        vt_advice_show(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_UP: d = -1; break;
    case VT_ACT_DOWN: d = 1; break;
    case VT_ACT_PAGE_UP: d = -page; break;
    case VT_ACT_PAGE_DOWN: d = page; break;
    case VT_ACT_TOP: d = -1000000L; break;
    case VT_ACT_BOTTOM: d = 1000000L; break;
    default:
        return VT_VIEW_IGNORED;
    }
    if (!a->advice.n)
        return vt_frame_scroll(&as.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    to = (long)as.sel + d;
    as.sel = to < 0 ? 0 : to >= (long)a->advice.n ? a->advice.n - 1 : (size_t)to;
    return VT_VIEW_HANDLED;
}

static void advice_refreshed(vt_app *a)
{
    if (as.sel >= a->advice.n)
        as.sel = a->advice.n ? a->advice.n - 1 : 0;
}

const vt_view_ops vt_view_advice = {
    .name = "advice",
    .title = advice_title,
    .draw = advice_draw,
    .action = advice_action,
    .on_refresh = advice_refreshed,
};
