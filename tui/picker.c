/* The CPU picker: a pin edit's CPU set picked on the host's grid, with
 * every VM's threads on it, so CPUs others are pinned to do not look
 * free. The cursor's CPU is named in words, with the VMs that run there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpuset.h"
#include "tui/grid.h"
#include "widgets/cpugrid.h"
#include "widgets/text.h"

static struct {
    vt_cpuset pick;
    size_t node, idx;           /* cursor: node index, CPU index in it */
    char focus[256];            /* the VM in hand; "" none */
    vt_picker_done_fn done;
} pk;

static int grid_width(void)
{
    return COLS > 100 ? 96 : COLS - 8;
}

static void move_cursor(const vt_grid *g, size_t per, int dx, int dy)
{
    size_t col = pk.idx % per;

    if (dx < 0) {
        if (pk.idx > 0)
            pk.idx--;
        else if (pk.node > 0) {
            pk.node--;
            pk.idx = g->nodes[pk.node].ncpus ? g->nodes[pk.node].ncpus - 1 : 0;
        }
    } else if (dx > 0) {
        if (pk.idx + 1 < g->nodes[pk.node].ncpus)
            pk.idx++;
        else if (pk.node + 1 < g->n) {
            pk.node++;
            pk.idx = 0;
        }
    } else if (dy > 0) {
        if (pk.idx + per < g->nodes[pk.node].ncpus)
            pk.idx += per;
        else if (pk.node + 1 < g->n) {
            pk.node++;
            pk.idx = col < g->nodes[pk.node].ncpus ? col : 0;
        }
    } else if (dy < 0) {
        if (pk.idx >= per)
            pk.idx -= per;
        else if (pk.node > 0) {
            size_t n;
            pk.node--;
            n = g->nodes[pk.node].ncpus;
            pk.idx = n ? ((n - 1) / per) * per + col : 0;
            if (pk.idx >= n)
                pk.idx = n ? n - 1 : 0;
        }
    }
}

static void finish(vt_app *a, const char *set)
{
    vt_picker_done_fn done = pk.done;

    vt_modal_close(a);
    if (done)
        done(a, set);
}

static void picker_key(vt_app *a, int is_key, wint_t ch)
{
    const vt_grid *g = vt_grid_get(a, pk.focus[0] ? pk.focus : NULL);
    size_t per = (size_t)vt_cpugrid_per_line(grid_width(), g->nodes, g->n);

    if (pk.node >= g->n)
        pk.node = 0;
    if (is_key && ch == KEY_LEFT)
        move_cursor(g, per, -1, 0);
    else if (is_key && ch == KEY_RIGHT)
        move_cursor(g, per, 1, 0);
    else if (vt_modal_is(a, is_key, ch, VT_ACT_DOWN, true))
        move_cursor(g, per, 0, 1);
    else if (vt_modal_is(a, is_key, ch, VT_ACT_UP, true))
        move_cursor(g, per, 0, -1);
    else if (vt_modal_is(a, is_key, ch, VT_ACT_PICK, true)) {
        if (pk.node < g->n && pk.idx < g->nodes[pk.node].ncpus) {
            unsigned cpu = g->nodes[pk.node].cpus[pk.idx];
            if (vt_cpuset_has(&pk.pick, cpu))
                vt_cpuset_unset(&pk.pick, cpu);
            else
                vt_cpuset_set(&pk.pick, cpu);
        }
    } else if (vt_modal_is(a, is_key, ch, VT_ACT_OPEN, false) || (is_key && ch == KEY_ENTER)) {
        if (vt_cpuset_is_empty(&pk.pick)) {
            vt_app_status(a, VT_ROLE_STATUS_ERROR, _("no CPU picked: %s picks the CPU under the cursor"),
                          vt_app_key(a, VT_ACT_PICK));
        } else {
            VT_AUTOFREE char *set = vt_cpuset_format(&pk.pick);
            finish(a, set);
            return;
        }
    } else if (!is_key && ch == 27) {
        finish(a, NULL);
        return;
    }
}

static void picker_draw(vt_app *a)
{
    const vt_grid *g = vt_grid_get(a, pk.focus[0] ? pk.focus : NULL);
    VT_AUTOFREE unsigned *flags = vt_calloc(g->ncpus, sizeof(*flags));
    int gw = grid_width(), w = gw + 4, lines, legend, h, y0, x0;
    unsigned what = VT_CPUGRID_PICK | (pk.focus[0] ? VT_CPUGRID_HAND : 0);
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *set = vt_cpuset_format(&pk.pick);
    char buf[512], cur[300] = "", hint[200];
    size_t i;

    /* the picked and the cursor marks on a copy: the grid is shared */
    memcpy(flags, g->flags, g->ncpus * sizeof(*flags));
    for (i = 0; i < g->ncpus; i++)
        if (vt_cpuset_has(&pk.pick, (unsigned)i))
            flags[i] |= VT_CPU_PICKED;
    if (pk.node < g->n && pk.idx < g->nodes[pk.node].ncpus && g->nodes[pk.node].cpus[pk.idx] < g->ncpus)
        flags[g->nodes[pk.node].cpus[pk.idx]] |= VT_CPU_CURSOR;
    lines = vt_cpugrid_lines(gw, g->nodes, g->n);
    legend = vt_cpugrid_legend_draw(NULL, 0, 0, gw, what, da);
    h = lines + 5 + legend;
    if (h > LINES - 2)
        h = LINES - 2;
    y0 = (LINES - h) / 2;
    x0 = (COLS - w) / 2;
    vt_modal_box(a, y0, x0, h, w, _("Pick CPUs"));
    vt_cpugrid_draw(stdscr, y0 + 1, x0 + 2, gw, g->nodes, g->n, flags, g->ncpus, &a->th);
    /* the cursor in words too, with who runs there: reverse video is all
       a monochrome terminal has, and a screen reader has not even that */
    if (pk.node < g->n && pk.idx < g->nodes[pk.node].ncpus)
        vt_grid_describe(g, g->nodes[pk.node].cpus[pk.idx], cur, sizeof(cur));
    vt_text_put(stdscr, y0 + h - 4 - legend, x0 + 2, cur, gw, da, 0);
    if (vt_cpuset_is_empty(&pk.pick))
        snprintf(buf, sizeof(buf), "%s", _("picked: none"));
    else
        snprintf(buf, sizeof(buf), P_("picked: %s  (%u CPU)", "picked: %s  (%u CPUs)", vt_cpuset_count(&pk.pick)),
                 set, vt_cpuset_count(&pk.pick));
    vt_text_put(stdscr, y0 + h - 3 - legend, x0 + 2, buf, gw, da, 0);
    vt_cpugrid_legend_draw(stdscr, y0 + h - 2 - legend, x0 + 2, gw, what, da);
    snprintf(hint, sizeof(hint), "%s   ", _("arrows move"));
    vt_app_hint(a, hint + strlen(hint), sizeof(hint) - strlen(hint), VT_ACT_PICK, _("picks/unpicks"),
                VT_ACT_OPEN, _("writes the set"), VT_ACT_BACK, _("back"), VT_ACT_NONE);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, gw, da, 0);
}

static const vt_modal_ops picker_ops = { picker_draw, picker_key };

void vt_picker_open(vt_app *a, const char *initial, const char *focus, vt_picker_done_fn done)
{
    if (!initial || vt_cpuset_parse(initial, &pk.pick, NULL) < 0)
        vt_cpuset_clear(&pk.pick);
    pk.node = 0;
    pk.idx = 0;
    snprintf(pk.focus, sizeof(pk.focus), "%s", focus ? focus : "");
    pk.done = done;
    vt_modal_open(a, &picker_ops);
}
