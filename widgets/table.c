/* The table widget. Column 0 of the window is a gutter that holds ">" on
 * the selected row, so the selection shows without colour or reverse;
 * columns start at 1 and are separated by one space. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "text.h"

#define GUTTER 1

void vt_table_init(vt_table *t, const vt_table_col *cols, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    t->cols = cols;
    t->ncols = cols ? ncols : 0;
    t->sort_col = -1;
}

void vt_table_free(vt_table *t)
{
    if (!t)
        return;
    free(t->sel_id);
    t->sel_id = NULL;
}

static void remember_id(vt_table *t, vt_table_id_fn id, void *ctx)
{
    free(t->sel_id);
    t->sel_id = NULL;
    if (id && t->nrows)
        t->sel_id = vt_strdup(id(ctx, t->sel));
}

/* Keep the selection on screen, and no empty lines below the last row
 * when there are rows above the top to fill them. */
static void fix_top(vt_table *t)
{
    size_t h;

    if (t->nrows == 0) {
        t->top = 0;
        return;
    }
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->height <= 0)
        return;
    h = (size_t)t->height;
    if (t->sel >= t->top + h)
        t->top = t->sel - h + 1;
    if (t->nrows <= h)
        t->top = 0;
    else if (t->top + h > t->nrows)
        t->top = t->nrows - h;
}

void vt_table_set_rows(vt_table *t, size_t nrows, vt_table_id_fn id, void *ctx)
{
    bool found = false;
    size_t i;

    t->nrows = nrows;
    if (t->sel_id && id) {
        for (i = 0; i < nrows; i++) {
            const char *rid = id(ctx, i);

            if (rid && strcmp(rid, t->sel_id) == 0) {
                t->sel = i;
                found = true;
                break;
            }
        }
    }
    if (!found && t->sel >= nrows)
        t->sel = nrows ? nrows - 1 : 0;
    remember_id(t, id, ctx);
    fix_top(t);
}

void vt_table_select(vt_table *t, size_t row, vt_table_id_fn id, void *ctx)
{
    if (t->nrows == 0) {
        t->sel = 0;
        remember_id(t, id, ctx);
        fix_top(t);
        return;
    }
    t->sel = row < t->nrows ? row : t->nrows - 1;
    remember_id(t, id, ctx);
    fix_top(t);
}

void vt_table_move(vt_table *t, long delta, vt_table_id_fn id, void *ctx)
{
    size_t row;

    if (t->nrows == 0)
        return;
    if (delta < 0)
        row = (size_t)(-(delta + 1)) >= t->sel ? 0 : t->sel - (size_t)(-(delta + 1)) - 1;
    else
        row = (size_t)delta >= t->nrows - 1 - t->sel ? t->nrows - 1 : t->sel + (size_t)delta;
    vt_table_select(t, row, id, ctx);
}

/* Start column and width of every column for a window `width` wide;
 * columns past the right edge get width 0, a cut one what is left. */
static void layout(const vt_table *t, int width, int *xs, int *ws)
{
    long base = GUTTER, spare, flex = 0, given = 0;
    int x = GUTTER;
    size_t c;

    for (c = 0; c < t->ncols; c++) {
        int mw = t->cols[c].width > 0 ? t->cols[c].width : 0;

        base += mw + (c ? 1 : 0);
        flex += t->cols[c].flex > 0 ? t->cols[c].flex : 0;
        ws[c] = mw;
    }
    spare = width - base;
    if (spare > 0 && flex > 0) {
        size_t last = 0;

        for (c = 0; c < t->ncols; c++) {
            if (t->cols[c].flex > 0) {
                long add = spare * t->cols[c].flex / flex;

                ws[c] += (int)add;
                given += add;
                last = c;
            }
        }
        ws[last] += (int)(spare - given);   /* rounding leftovers */
    }
    for (c = 0; c < t->ncols; c++) {
        xs[c] = x;
        if (x >= width)
            ws[c] = 0;
        else if (x + ws[c] > width)
            ws[c] = width - x;
        x += ws[c] + 1;
        if (x > width)
            x = width;
    }
}

/* The longest prefix of s (whole characters) that fits in width columns,
 * without a truncation mark: the sort marker has to stay visible. */
static void prefix_fit(const char *s, int width, char *out, size_t outsz)
{
    size_t n = strlen(s), best = 0, i;

    if (n >= outsz)
        n = outsz - 1;
    for (i = 1; i <= n; i++) {
        if (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
            continue;
        memcpy(out, s, i);
        out[i] = '\0';
        if (vt_text_width(out) > width)
            break;
        best = i;
    }
    memcpy(out, s, best);
    out[best] = '\0';
}

static void header_title(const vt_table *t, size_t c, int cw, char *out, size_t outsz)
{
    const char *title = t->cols[c].title ? t->cols[c].title : "";
    const char *mark = t->sort_desc ? "v" : "^";
    char cut[256];

    if ((int)c != t->sort_col) {
        snprintf(out, outsz, "%s", title);
        return;
    }
    if (vt_text_width(title) + 2 <= cw) {
        snprintf(out, outsz, "%s %s", title, mark);
        return;
    }
    prefix_fit(title, cw - 1, cut, sizeof(cut));
    snprintf(out, outsz, "%s%s", cut, mark);
}

static void put_cell(WINDOW *w, int y, int x, int cw, bool right, const char *text, attr_t attr)
{
    int tw = vt_text_width(text);

    if (right && tw < cw)
        vt_text_put(w, y, x + cw - tw, text, tw, attr, 0);
    else
        vt_text_put(w, y, x, text, cw, attr, 0);
}

static void fill_line(WINDOW *w, int y, int width, attr_t attr)
{
    vt_text_put(w, y, 0, "", width, attr, 1);
}

void vt_table_draw(vt_table *t, WINDOW *w, const vt_theme *th, vt_table_cell_fn cell, void *ctx)
{
    int maxy, maxx, i;
    int *xs, *ws;
    attr_t normal = vt_theme_attr(th, VT_ROLE_NORMAL);
    attr_t head = vt_theme_attr(th, VT_ROLE_HEADER);
    attr_t selattr = vt_theme_attr(th, VT_ROLE_SELECTION);
    size_t c;

    if (!w)
        return;
    getmaxyx(w, maxy, maxx);
    werase(w);
    t->height = maxy > 1 ? maxy - 1 : 0;
    if (t->sel >= t->nrows)
        t->sel = t->nrows ? t->nrows - 1 : 0;
    fix_top(t);
    if (maxy <= 0 || maxx <= 0)
        return;
    xs = vt_calloc(t->ncols ? t->ncols : 1, sizeof(*xs));
    ws = vt_calloc(t->ncols ? t->ncols : 1, sizeof(*ws));
    layout(t, maxx, xs, ws);

    fill_line(w, 0, maxx, head);
    for (c = 0; c < t->ncols; c++) {
        char title[300];

        if (ws[c] <= 0)
            continue;
        header_title(t, c, ws[c], title, sizeof(title));
        put_cell(w, 0, xs[c], ws[c], t->cols[c].right, title, head);
    }

    for (i = 0; i < t->height && cell; i++) {
        size_t r = t->top + (size_t)i;
        bool selected = r == t->sel;
        int y = i + 1;

        if (r >= t->nrows)
            break;
        fill_line(w, y, maxx, selected ? selattr : normal);
        if (selected)
            vt_text_put(w, y, 0, ">", 1, selattr, 0);
        for (c = 0; c < t->ncols; c++) {
            vt_table_cell cl;
            attr_t a;

            if (ws[c] <= 0)
                continue;
            cl.text[0] = '\0';
            cl.role = VT_ROLE_NORMAL;
            cell(ctx, r, c, &cl);
            cl.text[sizeof(cl.text) - 1] = '\0';
            if (selected)
                /* the selection's colours win; the value keeps its
                 * attributes so a warning still stands out */
                a = selattr | (th && (int)cl.role >= 0 && cl.role < VT_ROLE_LAST ?
                               th->roles[cl.role].attrs : A_NORMAL);
            else
                a = vt_theme_attr(th, cl.role);
            put_cell(w, y, xs[c], ws[c], t->cols[c].right, cl.text, a);
        }
    }
    free(xs);
    free(ws);
}

long vt_table_row_at(const vt_table *t, int y)
{
    size_t r;

    if (y < 1 || y - 1 >= t->height)
        return -1;
    r = t->top + (size_t)(y - 1);
    if (r >= t->nrows)
        return -1;
    return (long)r;
}

int vt_table_col_at(const vt_table *t, WINDOW *w, int x)
{
    int *xs, *ws, found = -1;
    size_t c;

    if (!w || t->ncols == 0 || x < 0 || x >= getmaxx(w))
        return -1;
    xs = vt_calloc(t->ncols, sizeof(*xs));
    ws = vt_calloc(t->ncols, sizeof(*ws));
    layout(t, getmaxx(w), xs, ws);
    for (c = 0; c < t->ncols; c++) {
        if (ws[c] > 0 && x >= xs[c] && x < xs[c] + ws[c]) {
            found = (int)c;
            break;
        }
    }
    free(xs);
    free(ws);
    return found;
}
