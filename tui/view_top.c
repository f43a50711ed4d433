/* Top: what the host is doing per running VM (the guides' top, perf kvm
 * stat and numastat in one screen). A host line, then one row per VM,
 * sorted as the VM list sorts (the same keys); Enter shows the VM's
 * threads and its exit breakdown, Esc comes back to the row it left.
 * The numbers are a->live, the rates of the last two refreshes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"
#include "widgets/table.h"
#include "widgets/text.h"

typedef enum {
    TC_NAME, TC_CPU, TC_STEAL, TC_EXITS, TC_HALTPOLL, TC_DISK_RD, TC_DISK_WR, TC_RD_IOPS, TC_WR_IOPS,
    TC_NET_RX, TC_NET_TX, TC_RX_PPS, TC_TX_PPS, TC_LAST,
} top_col;

/* Titles short enough that the sort marker fits beside them; bytes and
 * counts are per second (the help and the man page say so). */
static const vt_table_col top_cols[TC_LAST] = {
    /* TRANSLATORS: Top view column titles: the column's width less 2 at
       most (a CJK character is 2 columns): Name 12, Steal 5, Exit/s 6,
       Poll% 5, DiskRd 6, DiskWr 6, RdIOPS 6, WrIOPS 6, RxPk/s 6, TxPk/s 6 */
    { N_("Name"), 14, 1, false },
    { "CPU%", 6, 0, true },
    { N_("Steal"), 7, 0, true },
    { N_("Exit/s"), 8, 0, true },
    { N_("Poll%"), 7, 0, true },
    { N_("DiskRd"), 8, 0, true },
    { N_("DiskWr"), 8, 0, true },
    { N_("RdIOPS"), 8, 0, true },
    { N_("WrIOPS"), 8, 0, true },
    { "NetRx", 7, 0, true },
    { "NetTx", 7, 0, true },
    { N_("RxPk/s"), 8, 0, true },
    { N_("TxPk/s"), 8, 0, true },
};

/* Which columns stay when the terminal is narrow, most wanted first: who
 * burns CPU, who waits for it, who exits, then I/O. */
static const top_col priority[TC_LAST] = {
    TC_NAME, TC_CPU, TC_STEAL, TC_EXITS, TC_DISK_RD, TC_DISK_WR, TC_NET_RX, TC_NET_TX,
    TC_RD_IOPS, TC_WR_IOPS, TC_RX_PPS, TC_TX_PPS, TC_HALTPOLL,
};

static struct {
    bool init;
    vt_table table;
    vt_table_col cols[TC_LAST];     /* the ones shown, in table order */
    top_col shown[TC_LAST];         /* table column -> top_col */
    size_t nshown;
    int shown_for;                  /* COLS they were chosen for */
    size_t *rows;                   /* owned: indexes into a->live.vms */
    size_t nrows;
    top_col sort_col;
    bool sort_desc;
    /* threads of one VM: Enter on its row; Esc back to the table */
    char threads_uuid[37];
    int scroll;
} ts;

static const char *row_id(void *ctx, size_t row)
{
    vt_app *a = ctx;

    return row < ts.nrows && ts.rows[row] < a->live.nvms ? a->live.vms[ts.rows[row]].uuid : NULL;
}

static double col_value(const vt_vm_rate *r, top_col c)
{
    switch (c) {
    case TC_CPU: return r->cpu_pct;
    case TC_STEAL: return r->vcpu_steal_pct;
    case TC_EXITS: return r->exits_ps;
    case TC_HALTPOLL: return r->haltpoll_success_pct;
    case TC_DISK_RD: return r->disk_rd_bps;
    case TC_DISK_WR: return r->disk_wr_bps;
    case TC_RD_IOPS: return r->disk_rd_iops;
    case TC_WR_IOPS: return r->disk_wr_iops;
    case TC_NET_RX: return r->net_rx_bps;
    case TC_NET_TX: return r->net_tx_bps;
    case TC_RX_PPS: return r->net_rx_pps;
    case TC_TX_PPS: return r->net_tx_pps;
    default: return NAN;
    }
}

static void choose_columns(void)
{
    bool keep[TC_LAST] = { false };
    int used = 1;   /* the table's gutter */

    if (ts.shown_for == COLS && ts.nshown)
        return;
    for (size_t i = 0; i < TC_LAST; i++) {
        int w = top_cols[priority[i]].width + (i ? 1 : 0);
        if (used + w > COLS)
            break;
        keep[priority[i]] = true;
        used += w;
    }
    ts.nshown = 0;
    for (size_t c = 0; c < TC_LAST; c++)
        if (keep[c]) {
            ts.shown[ts.nshown] = (top_col)c;
            ts.cols[ts.nshown] = top_cols[c];
            ts.cols[ts.nshown++].title = _(top_cols[c].title);
        }
    /* the name takes some of what is left, not all: the numbers stay
       near the names they belong to */
    ts.cols[0].flex = 0;
    ts.cols[0].width += COLS - used > 18 ? 18 : COLS - used;
    ts.shown_for = COLS;
    ts.table.cols = ts.cols;
    ts.table.ncols = ts.nshown;
}

static int shown_index(top_col c)
{
    for (size_t i = 0; i < ts.nshown; i++)
        if (ts.shown[i] == c)
            return (int)i;
    return -1;
}

static void row_cell(void *ctx, size_t row, size_t col, vt_table_cell *out)
{
    vt_app *a = ctx;
    const vt_vm_rate *r = &a->live.vms[ts.rows[row]];
    top_col c = ts.shown[col];
    double v;

    out->role = VT_ROLE_NORMAL;
    out->text[0] = '\0';
    if (c == TC_NAME) {
        snprintf(out->text, sizeof(out->text), "%s", r->name ? r->name : r->uuid);
        return;
    }
    if (r->measuring)
        return;   /* "measuring…" is written over the numbers after the draw */
    v = col_value(r, c);
    switch (c) {
    case TC_CPU: case TC_STEAL: case TC_HALTPOLL:
        vt_live_pct(v, out->text, sizeof(out->text));
        break;
    case TC_DISK_RD: case TC_DISK_WR: case TC_NET_RX: case TC_NET_TX:
        vt_live_bytes(v, out->text, sizeof(out->text));
        break;
    default:
        vt_live_count(v, out->text, sizeof(out->text));
        break;
    }
    if (isnan(v))
        out->role = VT_ROLE_DIM;
    else if (c == TC_STEAL && v >= 10)
        out->role = VT_ROLE_VALUE_WARN;
}

/* Measuring and unknown rows after the known ones, whichever direction:
 * the top of the view is what is known to be busy. */
static const vt_live_rates *cmp_rates;
static top_col cmp_col;
static bool cmp_desc;

static int cmp_rows(const void *pa, const void *pb)
{
    const vt_vm_rate *x = &cmp_rates->vms[*(const size_t *)pa], *y = &cmp_rates->vms[*(const size_t *)pb];
    int r = 0;

    if (cmp_col == TC_NAME) {
        r = strcmp(x->name ? x->name : x->uuid, y->name ? y->name : y->uuid);
        return cmp_desc ? -r : r;
    }
    if (x->measuring != y->measuring)
        return x->measuring ? 1 : -1;
    if (!x->measuring) {
        double vx = col_value(x, cmp_col), vy = col_value(y, cmp_col);
        if (isnan(vx) != isnan(vy))
            return isnan(vx) ? 1 : -1;
        if (!isnan(vx))
            r = (vx > vy) - (vx < vy);
        if (cmp_desc)
            r = -r;
    }
    if (r == 0)
        r = strcmp(x->name ? x->name : x->uuid, y->name ? y->name : y->uuid);
    return r;
}

static void top_init(void)
{
    if (ts.init)
        return;
    vt_table_init(&ts.table, top_cols, TC_LAST);
    ts.sort_col = TC_CPU;
    ts.sort_desc = true;
    ts.init = true;
}

static void rebuild_rows(vt_app *a)
{
    top_init();
    free(ts.rows);
    ts.rows = vt_calloc(a->live.nvms ? a->live.nvms : 1, sizeof(*ts.rows));
    ts.nrows = a->live.nvms;
    for (size_t i = 0; i < ts.nrows; i++)
        ts.rows[i] = i;
    cmp_rates = &a->live;
    cmp_col = ts.sort_col;
    cmp_desc = ts.sort_desc;
    vt_qsort(ts.rows, ts.nrows, sizeof(*ts.rows), cmp_rows);
    vt_table_set_rows(&ts.table, ts.nrows, row_id, a);
}

static const vt_vm_rate *threads_vm(const vt_app *a)
{
    return ts.threads_uuid[0] ? vt_live_find(&a->live, ts.threads_uuid) : NULL;
}

static void top_title(vt_app *a, char *buf, size_t n)
{
    const vt_domain *d = ts.threads_uuid[0] && a->c ? vt_conn_find_uuid(a->c, ts.threads_uuid) : NULL;

    if (ts.threads_uuid[0])
        snprintf(buf, n, _("top: VM %s threads"), d && d->name ? d->name : ts.threads_uuid);
    else
        snprintf(buf, n, P_("top: %zu running VM", "top: %zu running VMs", a->live.nvms), a->live.nvms);
}

static void host_line(vt_app *a, char *buf, size_t n)
{
    const vt_live_rates *l = &a->live;
    char cpu[16], steal[16], run[16], ncpu[16];

    if (!a->live_gen) {
        snprintf(buf, n, "%s", _(" host  measuring… (no sample yet)"));
        return;
    }
    if (l->measuring) {
        snprintf(buf, n, _(" host  measuring… (first sample: rates after the next refresh, in %gs; %s now)"),
                 a->refresh_ms / 1000.0, vt_app_key(a, VT_ACT_REFRESH));
        return;
    }
    vt_live_pct(l->host_cpu_pct, cpu, sizeof(cpu));
    vt_live_pct(l->host_steal_pct, steal, sizeof(steal));
    if (isnan(l->runnable_per_cpu))
        snprintf(run, sizeof(run), "-");
    else
        snprintf(run, sizeof(run), "%.2f", l->runnable_per_cpu);
    if (l->ncpus)
        snprintf(ncpu, sizeof(ncpu), "%u", l->ncpus);
    else
        snprintf(ncpu, sizeof(ncpu), "-");
    snprintf(buf, n, _(" host  CPU %s%s of %s CPUs   steal %s%s   runnable vCPUs/CPU %s   over %.1fs%s%.*s"),
             cpu, isnan(l->host_cpu_pct) ? "" : "%", ncpu, steal, isnan(l->host_steal_pct) ? "" : "%", run,
             l->interval_s, a->live_err[0] ? _("   stale: ") : "", vt_fit_bytes(a->live_err, 100), a->live_err);
}

static void draw_table(vt_app *a)
{
    char host[512];
    WINDOW *w;
    int cpu_x = -1;

    choose_columns();
    host_line(a, host, sizeof(host));
    vt_text_put(stdscr, 1, 0, host, COLS, vt_theme_attr(&a->th, VT_ROLE_HEADER), 1);
    ts.table.sort_col = shown_index(ts.sort_col);
    ts.table.sort_desc = ts.sort_desc;
    w = derwin(stdscr, LINES - 4, COLS, 2, 0);
    if (!w)
        return;
    vt_table_draw(&ts.table, w, &a->th, row_cell, a);
    for (int x = 0; x < COLS && cpu_x < 0; x++)
        if (vt_table_col_at(&ts.table, w, x) == 1)
            cpu_x = x;
    delwin(w);
    /* a measuring row has no numbers: one word over all of them */
    for (int i = 0; cpu_x > 0 && i < ts.table.height; i++) {
        size_t r = ts.table.top + (size_t)i;
        const vt_vm_rate *v;
        char m[128];
        if (r >= ts.nrows)
            break;
        v = &a->live.vms[ts.rows[r]];
        if (!v->measuring)
            continue;
        snprintf(m, sizeof(m), _("measuring… (%s)"), v->why ? v->why : _("no earlier sample"));
        vt_text_put(stdscr, 3 + i, cpu_x, m, COLS - cpu_x,
                    r == ts.table.sel ? vt_theme_attr(&a->th, VT_ROLE_SELECTION) : vt_theme_attr(&a->th, VT_ROLE_DIM), 1);
    }
    if (ts.nrows == 0)
        vt_text_put(stdscr, 4, 2, !a->live_gen ? _("measuring… (no sample yet)") : _("no running VMs on this host"),
                    COLS - 4, vt_theme_attr(&a->th, VT_ROLE_DIM), 0);
    wnoutrefresh(stdscr);
}

static void draw_threads(vt_app *a)
{
    const vt_vm_rate *r = threads_vm(a);
    vt_pen p = vt_pen_start(a, ts.scroll);

    if (!r) {
        vt_pen_line(&p, VT_ROLE_VALUE_WARN, _("This VM is not running any more (%s goes back)."),
                    vt_app_key(a, VT_ACT_BACK));
    } else {
        char cpu[16], steal[16], exits[16];
        vt_live_pct(r->cpu_pct, cpu, sizeof(cpu));
        vt_live_pct(r->vcpu_steal_pct, steal, sizeof(steal));
        vt_live_count(r->exits_ps, exits, sizeof(exits));
        if (r->measuring)
            vt_pen_line(&p, VT_ROLE_DIM, _("measuring… (%s)"), r->why ? r->why : _("no earlier sample"));
        else
            vt_pen_line(&p, VT_ROLE_NORMAL, _("CPU %s%s   vCPU steal %s%s   exits/s %s   over %.1fs"), cpu,
                        isnan(r->cpu_pct) ? "" : "%", steal, isnan(r->vcpu_steal_pct) ? "" : "%", exits, r->interval_s);
        /* xgettext:no-c-format */
        vt_pen_heading(&p, _("Threads (from procfs of the QEMU process; CPU% of one host CPU)"));
        vt_live_draw_threads(&p, r);
        vt_pen_heading(&p, _("Exits (as perf kvm stat report; over the last interval)"));
        vt_live_draw_exits(&p, r);
        vt_pen_heading(&p, _("Halt polling"));
        vt_live_draw_haltpoll(&p, r);
    }
    vt_frame_pad(a, &p, &ts.scroll, 1, LINES - 3);
}

static void top_draw(vt_app *a)
{
    top_init();
    if (ts.threads_uuid[0])
        draw_threads(a);
    else
        draw_table(a);
}

static void sort_by(vt_app *a, top_col c, bool desc)
{
    ts.sort_col = c;
    ts.sort_desc = desc;
    rebuild_rows(a);
    vt_app_status(a, VT_ROLE_STATUS, ts.sort_desc ? _("sorted by %s (descending)") : _("sorted by %s"),
                  _(top_cols[c].title));
}

static vt_view_result top_action(vt_app *a, vt_action act)
{
    int page = LINES - 6;

    if (ts.threads_uuid[0]) {
        if (act == VT_ACT_BACK) {
            ts.threads_uuid[0] = '\0';
            return VT_VIEW_HANDLED;
        }
        if (act == VT_ACT_OPEN || act == VT_ACT_SORT || act == VT_ACT_SORT_REVERSE)
            return VT_VIEW_HANDLED;
        return vt_frame_scroll(&ts.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    }
    switch (act) {
    case VT_ACT_OPEN:
        if (ts.nrows && ts.table.sel < ts.nrows) {
            snprintf(ts.threads_uuid, sizeof(ts.threads_uuid), "%s", a->live.vms[ts.rows[ts.table.sel]].uuid);
            ts.scroll = 0;
        }
        return VT_VIEW_HANDLED;
    case VT_ACT_SORT: {
        /* the next column shown: the sort marker stays in sight */
        int i = shown_index(ts.sort_col);
        top_col next = ts.shown[(size_t)(i + 1) % (ts.nshown ? ts.nshown : 1)];
        /* numbers read best biggest first, names from A */
        sort_by(a, next, next != TC_NAME);
        return VT_VIEW_HANDLED;
    }
    case VT_ACT_SORT_REVERSE:
        sort_by(a, ts.sort_col, !ts.sort_desc);
        return VT_VIEW_HANDLED;
    case VT_ACT_UP: vt_table_move(&ts.table, -1, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_DOWN: vt_table_move(&ts.table, 1, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_PAGE_UP: vt_table_move(&ts.table, -page, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_PAGE_DOWN: vt_table_move(&ts.table, page, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_TOP: vt_table_move(&ts.table, -1000000L, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_BOTTOM: vt_table_move(&ts.table, 1000000L, row_id, a); return VT_VIEW_HANDLED;
    default:
        return VT_VIEW_IGNORED;
    }
}

static void top_mouse(vt_app *a, const MEVENT *ev)
{
    WINDOW *w;
    long row;

    if (ts.threads_uuid[0] || ev->y < 2 || ev->y >= LINES - 2)
        return;
    row = vt_table_row_at(&ts.table, ev->y - 2);
    if (ev->y == 2) {
        int col;
        if (!(w = derwin(stdscr, LINES - 4, COLS, 2, 0)))
            return;
        col = vt_table_col_at(&ts.table, w, ev->x);
        delwin(w);
        if (col >= 0 && (size_t)col < ts.nshown)
            sort_by(a, ts.shown[col], ts.shown[col] == ts.sort_col ? !ts.sort_desc : ts.shown[col] != TC_NAME);
    } else if (row >= 0) {
        bool again = (size_t)row == ts.table.sel;
        vt_table_select(&ts.table, (size_t)row, row_id, a);
        if ((ev->bstate & BUTTON1_DOUBLE_CLICKED) || (again && (ev->bstate & BUTTON1_CLICKED)))
            top_action(a, VT_ACT_OPEN);
    }
}

static void top_leave(vt_app *a)
{
    (void)a;
    ts.threads_uuid[0] = '\0';
}

static void top_free(vt_app *a)
{
    (void)a;
    if (ts.init)
        vt_table_free(&ts.table);
    free(ts.rows);
    memset(&ts, 0, sizeof(ts));
}

bool vt_top_shows_threads(const vt_app *a)
{
    return vt_nav_top(a) == VT_VIEW_TOP;
}

void vt_top_show(vt_app *a)
{
    top_init();
    rebuild_rows(a);
    vt_nav_push(a, VT_VIEW_TOP);
}

const vt_view_ops vt_view_top = {
    .name = "top",
    .leave = top_leave,
    .title = top_title,
    .draw = top_draw,
    .action = top_action,
    .mouse = top_mouse,
    .on_refresh = rebuild_rows,
    .free = top_free,
};
