/* The VM list, the first view: one row per VM, sorted and filtered by
 * name. Its filter and sort are its own: no other view sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checks.h"
#include "core/facts.h"
#include "tui/ui.h"
#include "widgets/input.h"
#include "widgets/table.h"
#include "widgets/text.h"

typedef enum {
    COL_WARN, COL_STAGED, COL_NAME, COL_STATE, COL_VCPU, COL_MEM, COL_IOTHR, COL_HUGE,
    COL_NUMA, COL_SVIRT, COL_LAST,
} list_col;

/* The titles marked are translated where the table is made; the others
 * have nothing as short in Chinese and stay. */
static const vt_table_col list_cols[COL_LAST] = {
    { "!", 3, 0, false },
    { "*", 1, 0, false },
    /* TRANSLATORS: VM list column titles: at most 6 columns (a CJK character is 2) */
    { N_("Name"), 14, 1, false },
    { N_("State"), 7, 0, false },
    { "vCPU", 4, 0, true },
    { N_("Memory"), 8, 0, true },
    { "IOThr", 5, 0, true },
    /* TRANSLATORS: VM list column title (huge pages): at most 4 columns */
    { N_("HugePg"), 6, 0, false },
    { "NUMA", 5, 0, false },
    { "sVirt", 17, 1, false },
};

static struct {
    bool init;
    vt_table_col cols[COL_LAST];    /* list_cols with their titles translated */
    vt_table table;
    vt_domain **rows;           /* owned array; domains are the conn's */
    size_t nrows;
    int sort_col;
    bool sort_desc;
    char filter[128];
    bool filtering;
    vt_input filter_in;
} ls;

static const char *row_id(void *ctx, size_t row)
{
    (void)ctx;
    return row < ls.nrows ? ls.rows[row]->uuid : NULL;
}

static void svirt_text(const vt_domain *d, char *buf, size_t n)
{
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(d->live);
    const char *label = d->process_label ? d->process_label : sl ? sl->label : NULL;
    VT_AUTOFREE char *cats = vt_label_categories(label);

    if (!sl)
        snprintf(buf, n, "%s", _("default"));
    else if (strcmp(sl->type, "none") == 0)
        snprintf(buf, n, "none");
    else
        snprintf(buf, n, "%s%s%s", sl->type, cats ? " " : "", cats ? cats : "");
}

/* "!N": N warnings; "!!N": N findings, at least one a failure. Marks,
 * not only colours, tell them apart. */
static void warn_cell(const vt_domain *d, vt_table_cell *out)
{
    if (!d->nfindings)
        return;
    snprintf(out->text, sizeof(out->text), "%s%u", d->nfails ? "!!" : "!", d->nfindings);
    out->role = d->nfails ? VT_ROLE_VALUE_BAD : VT_ROLE_VALUE_WARN;
}

static void row_cell(void *ctx, size_t row, size_t col, vt_table_cell *out)
{
    vt_app *a = ctx;
    const vt_domain *d = ls.rows[row];
    const vt_domdef *def = d->live;

    out->role = VT_ROLE_NORMAL;
    out->text[0] = '\0';
    switch ((list_col)col) {
    case COL_WARN:
        warn_cell(d, out);
        break;
    case COL_STAGED:
        if (vt_staged_count(a, d->name) > 0) {
            snprintf(out->text, sizeof(out->text), "*");
            out->role = VT_ROLE_STAGED;
        }
        break;
    case COL_NAME:
        snprintf(out->text, sizeof(out->text), "%s", d->name ? d->name : d->uuid);
        break;
    case COL_STATE:
        snprintf(out->text, sizeof(out->text), "%s", vt_state_word(d->state));
        if (!vt_domain_active(d))
            out->role = VT_ROLE_DIM;
        break;
    case COL_VCPU:
        snprintf(out->text, sizeof(out->text), "%u", d->vcpus_current ? d->vcpus_current : def->vcpus);
        break;
    case COL_MEM:
        vt_fact_mem(def->memory_kib, out->text, sizeof(out->text));
        break;
    case COL_IOTHR:
        snprintf(out->text, sizeof(out->text), "%zu", def->niothreads);
        break;
    case COL_HUGE:
        vt_fact_hugepages(def, out->text, sizeof(out->text));
        break;
    case COL_NUMA: {
        VT_AUTOFREE char *nodes = vt_spread_nodes(d);
        snprintf(out->text, sizeof(out->text), "%s", *nodes ? nodes : "-");
        if (strchr(nodes, ',') || strchr(nodes, '-'))
            out->role = VT_ROLE_VALUE_WARN;
        break;
    }
    case COL_SVIRT:
        svirt_text(d, out->text, sizeof(out->text));
        if (strcmp(out->text, "none") == 0)
            out->role = VT_ROLE_VALUE_BAD;
        break;
    case COL_LAST:
        break;
    }
}

/* Sort keys are computed once per rebuild, not once per comparison: at
 * 1000 VMs the list must re-sort within a keypress. */
typedef struct sort_item {
    vt_domain *d;
    long long num;
    char text[256];
} sort_item;

static bool sort_desc_flag;

static int cmp_items(const void *pa, const void *pb)
{
    const sort_item *x = pa, *y = pb;
    int r = (x->num > y->num) - (x->num < y->num);

    if (r == 0)
        r = strcmp(x->text, y->text);
    if (r == 0)
        r = strcmp(x->d->name ? x->d->name : "", y->d->name ? y->d->name : "");
    return sort_desc_flag ? -r : r;
}

static void sort_rows(vt_app *a)
{
    sort_item *it = vt_calloc(ls.nrows ? ls.nrows : 1, sizeof(*it));
    vt_table_cell cell;
    size_t i;

    for (i = 0; i < ls.nrows; i++) {
        const vt_domdef *def = ls.rows[i]->live;
        it[i].d = ls.rows[i];
        switch ((list_col)ls.sort_col) {
        case COL_VCPU: it[i].num = def->vcpus; break;
        case COL_MEM: it[i].num = (long long)def->memory_kib; break;
        case COL_IOTHR: it[i].num = (long long)def->niothreads; break;
        /* failures before warnings, then by how many */
        case COL_WARN: it[i].num = (ls.rows[i]->nfails ? 1000000LL : 0) + ls.rows[i]->nfindings; break;
        default:
            row_cell(a, i, (size_t)ls.sort_col, &cell);
            memcpy(it[i].text, cell.text, sizeof(it[i].text));
        }
    }
    sort_desc_flag = ls.sort_desc;
    vt_qsort(it, ls.nrows, sizeof(*it), cmp_items);
    for (i = 0; i < ls.nrows; i++)
        ls.rows[i] = it[i].d;
    free(it);
}

static void list_init(void)
{
    if (ls.init)
        return;
    for (size_t i = 0; i < COL_LAST; i++) {
        ls.cols[i] = list_cols[i];
        ls.cols[i].title = _(list_cols[i].title);
    }
    vt_table_init(&ls.table, ls.cols, COL_LAST);
    ls.sort_col = COL_NAME;
    ls.init = true;
}

/* Rebuild the row list from the snapshot: filter, sort, keep selection. */
static void rebuild_rows(vt_app *a)
{
    size_t i;

    list_init();
    free(ls.rows);
    ls.rows = vt_calloc(a->c && a->c->ndoms ? a->c->ndoms : 1, sizeof(*ls.rows));
    ls.nrows = 0;
    for (i = 0; a->c && i < a->c->ndoms; i++) {
        vt_domain *d = a->c->doms[i];
        if (ls.filter[0] && (!d->name || !strstr(d->name, ls.filter)))
            continue;
        ls.rows[ls.nrows++] = d;
    }
    sort_rows(a);
    ls.table.sort_col = ls.sort_col;
    ls.table.sort_desc = ls.sort_desc;
    vt_table_set_rows(&ls.table, ls.nrows, row_id, a);
}

static void list_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    if (ls.filter[0])
        snprintf(buf, n, _("%zu VMs  filter: %s"), ls.nrows, ls.filter);
    else
        snprintf(buf, n, _("%zu VMs"), ls.nrows);
}

static void list_draw(vt_app *a)
{
    WINDOW *w;

    list_init();
    w = derwin(stdscr, LINES - 3 - (ls.filtering ? 2 : 0), COLS, 1, 0);
    if (w) {
        vt_table_draw(&ls.table, w, &a->th, row_cell, a);
        delwin(w);
    }
    if (ls.nrows == 0)
        vt_text_put(stdscr, 3, 2, !a->first_done ? _("reading the VMs…") :
                    ls.filter[0] ? _("no VM matches the filter") : _("no VMs on this host"),
                    COLS - 4, vt_theme_attr(&a->th, VT_ROLE_DIM), 0);
    if (ls.filtering) {
        vt_text_put(stdscr, LINES - 4, 0, _("Filter by name (Enter keeps it, Esc clears):"), COLS,
                    vt_theme_attr(&a->th, VT_ROLE_NORMAL), 1);
        vt_input_draw(&ls.filter_in, stdscr, LINES - 3, 0, COLS, &a->th);
    }
    wnoutrefresh(stdscr);
}

/* The filter is typed in a modal of the list's own, drawn on the list. */
static void filter_draw(vt_app *a)
{
    (void)a;
}

static void filter_key(vt_app *a, int is_key, wint_t ch)
{
    vt_input_state st = vt_input_key(&ls.filter_in, is_key, ch);

    if (st == VT_INPUT_CANCELLED) {
        ls.filtering = false;
        ls.filter[0] = '\0';
    } else if (st == VT_INPUT_DONE) {
        ls.filtering = false;
    }
    if (st != VT_INPUT_CANCELLED)
        snprintf(ls.filter, sizeof(ls.filter), "%.127s", ls.filter_in.buf);
    if (!ls.filtering)
        vt_modal_close(a);
    rebuild_rows(a);
}

static const vt_modal_ops filter_ops = { filter_draw, filter_key };

static vt_view_result list_action(vt_app *a, vt_action act)
{
    int page = LINES - 5;

    switch (act) {
    case VT_ACT_BACK:
        if (!ls.filter[0])
            return VT_VIEW_IGNORED;
        ls.filter[0] = '\0';
        rebuild_rows(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_OPEN:
        if (ls.nrows)
            vt_detail_show(a, ls.rows[ls.table.sel]->uuid, NULL);
        return VT_VIEW_HANDLED;
    case VT_ACT_FILTER:
        ls.filtering = true;
        vt_input_init(&ls.filter_in, ls.filter, NULL, NULL);
        vt_modal_open(a, &filter_ops);
        return VT_VIEW_HANDLED;
    case VT_ACT_SORT:
    case VT_ACT_SORT_REVERSE:
        if (act == VT_ACT_SORT)
            ls.sort_col = (ls.sort_col + 1) % COL_LAST;
        else
            ls.sort_desc = !ls.sort_desc;
        rebuild_rows(a);
        vt_app_status(a, VT_ROLE_STATUS, ls.sort_desc ? _("sorted by %s (descending)") : _("sorted by %s"),
                      ls.cols[ls.sort_col].title);
        return VT_VIEW_HANDLED;
    case VT_ACT_UP: vt_table_move(&ls.table, -1, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_DOWN: vt_table_move(&ls.table, 1, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_PAGE_UP: vt_table_move(&ls.table, -page, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_PAGE_DOWN: vt_table_move(&ls.table, page, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_TOP: vt_table_move(&ls.table, -1000000L, row_id, a); return VT_VIEW_HANDLED;
    case VT_ACT_BOTTOM: vt_table_move(&ls.table, 1000000L, row_id, a); return VT_VIEW_HANDLED;
    default:
        return VT_VIEW_IGNORED;
    }
}

static void list_mouse(vt_app *a, const MEVENT *ev)
{
    long row;

    if (ev->y < 1 || ev->y >= LINES - 2)
        return;
    row = vt_table_row_at(&ls.table, ev->y - 1);
    if (ev->y == 1) {
        WINDOW *w = derwin(stdscr, LINES - 3, COLS, 1, 0);
        int col = w ? vt_table_col_at(&ls.table, w, ev->x) : -1;
        if (w)
            delwin(w);
        if (col >= 0) {
            if (col == ls.sort_col)
                ls.sort_desc = !ls.sort_desc;
            ls.sort_col = col;
            rebuild_rows(a);
        }
    } else if (row >= 0) {
        bool again = (size_t)row == ls.table.sel;
        vt_table_select(&ls.table, (size_t)row, row_id, a);
        if ((ev->bstate & BUTTON1_DOUBLE_CLICKED) || (again && (ev->bstate & BUTTON1_CLICKED)))
            list_action(a, VT_ACT_OPEN);
    }
}

static void list_free(vt_app *a)
{
    (void)a;
    /* the bottom of the stack: left only when the console ends */
    vt_table_free(&ls.table);
    free(ls.rows);
    memset(&ls, 0, sizeof(ls));
}

const vt_view_ops vt_view_list = {
    .name = "list",
    .free = list_free,
    .title = list_title,
    .draw = list_draw,
    .action = list_action,
    .mouse = list_mouse,
    .on_refresh = rebuild_rows,
};

void vt_list_select(vt_app *a, const char *uuid)
{
    rebuild_rows(a);
    for (size_t i = 0; i < ls.nrows; i++)
        if (strcmp(ls.rows[i]->uuid, uuid) == 0) {
            vt_table_select(&ls.table, i, row_id, a);
            return;
        }
}
