/* Help: the keys, generated from the action table and the bindings in
 * force, so it cannot drift from what the keys do. */
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static int help_scroll;

static void help_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    snprintf(buf, n, "%s", _("help"));
}

static void help_draw(vt_app *a)
{
    vt_pen p = vt_pen_start(a, help_scroll);
    size_t k;

    vt_pen_heading(&p, _("Keys (from the action table; change them in ~/.config/virt-tune/config)"));
    for (int i = 0; i < VT_ACT_LAST; i++) {
        const vt_action_info *ai = vt_action_get((vt_action)i);
        char keys[96] = "";
        for (k = 0; k < a->cfg.nbindings; k++) {
            char kb[16];
            size_t len = strlen(keys);
            if (a->cfg.bindings[k].action != (vt_action)i)
                continue;
            snprintf(keys + len, sizeof(keys) - len, "%s%s", len ? " " : "",
                     vt_key_name(a->cfg.bindings[k].key, kb, sizeof(kb)));
        }
        /* the action's name is the config file's word: never translated */
        vt_pen_line(&p, VT_ROLE_NORMAL, "%s %-14s %s", vt_pad(keys[0] ? keys : _("(unbound)"), -18), ai->name, ai->help);
    }
    if (vt_app_readonly_why(a))
        vt_pen_line(&p, VT_ROLE_DIM, _("read-only connection: %s"), vt_app_readonly_why(a));
    vt_pen_heading(&p, _("Mouse"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("click a row to select it, double-click to open it;"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("click a column title to sort; click a panel name to switch panels"));
    vt_pen_heading(&p, _("Markers"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("!N   N warnings for that VM (shown in its detail screen)"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("!!N  N findings, at least one a failure"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _(">    the selected row"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("*    the VM has staged edits (%s reviews them)"), vt_app_key(a, VT_ACT_REVIEW));
    vt_pen_heading(&p, _("Top view and Live panel"));
    {
        char t[256];
        snprintf(t, sizeof(t), _("%s opens Top: a row per running VM, rates over the last refresh interval; %s sorts "
                 "by the next column, %s reverses; %s on a row shows its threads and exits (the VM detail's Live "
                 "panel shows the same for one VM)"), vt_app_key(a, VT_ACT_TOP_VIEW), vt_app_key(a, VT_ACT_SORT),
                 vt_app_key(a, VT_ACT_SORT_REVERSE), vt_app_key(a, VT_ACT_OPEN));
        vt_pen_wrap(&p, VT_ROLE_NORMAL, "", t);
    }
    /* xgettext:no-c-format */
    vt_pen_wrap(&p, VT_ROLE_NORMAL, "", _("CPU% is of one host CPU (as top counts); bytes and counts are per second "
                "(K, M, G)"));
    vt_pen_wrap(&p, VT_ROLE_NORMAL, "-           ", _("not known (no such counter here: the test driver, TCG, a "
                "remote host); never shown as 0"));
    /* the word as the Top view shows it, its text lined up with the one above */
    vt_pen_wrap(&p, VT_ROLE_NORMAL, vt_pad(_("measuring…"), -12), _("nothing to compare with yet (the first sample, "
                "a VM started or restarted): numbers after the next refresh"));
    vt_pen_wrap(&p, VT_ROLE_NORMAL, "", _("threads (vCPUs, IOThreads, vhost) are read from the QEMU process's procfs: "
                "on a local connection only"));
    vt_pen_heading(&p, _("Navigation"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("%s goes back through exactly the screens you came through; opening a screen "
                "already open goes back to it"), vt_app_key(a, VT_ACT_BACK));
    vt_pen_heading(&p, _("Staging"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("%s on a VM panel lists the edits that fit it; Enter puts one in a plan line"),
                vt_app_key(a, VT_ACT_EDIT));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("the line is checked by the plan parser, then shown expanded before staging;"));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("in a pin edit %s opens the CPU grid: arrows move, %s picks, Enter writes the set"),
                vt_app_key(a, VT_ACT_PICK_CPUS), vt_app_key(a, VT_ACT_PICK));
    vt_pen_line(&p, VT_ROLE_NORMAL, _("review: Up/Down select a staged edit, PgUp/PgDn scroll the steps and diffs"));
    vt_frame_pad(a, &p, &help_scroll, 1, LINES - 3);
}

static vt_view_result help_action(vt_app *a, vt_action act)
{
    (void)a;
    return vt_frame_scroll(&help_scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
}

const vt_view_ops vt_view_help = {
    .name = "help",
    .title = help_title,
    .draw = help_draw,
    .action = help_action,
};
