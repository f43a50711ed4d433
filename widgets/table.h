/* A table: columns with titles and widths, rows supplied by a callback,
 * a selection kept by row id across refreshes, scrolling, sort marker.
 * The table does not own or sort the data: the caller orders its rows and
 * tells the table the sort column so the header shows it. */
#ifndef VT_TABLE_H
#define VT_TABLE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "theme.h"

typedef struct vt_table_col {
    const char *title;
    int width;             /* minimum width */
    int flex;              /* share of spare columns (0 = fixed) */
    bool right;            /* right-aligned */
} vt_table_col;

typedef struct vt_table_cell {
    char text[256];        /* filled by the callback (UTF-8, may be outside text) */
    vt_role role;          /* VT_ROLE_NORMAL unless the value needs a role */
} vt_table_cell;

/* row id: stable across refreshes (e.g. a UUID); cell: fill `out`. */
typedef const char *(*vt_table_id_fn)(void *ctx, size_t row);
typedef void (*vt_table_cell_fn)(void *ctx, size_t row, size_t col, vt_table_cell *out);

typedef struct vt_table {
    const vt_table_col *cols;   /* not owned */
    size_t ncols;
    size_t nrows;
    size_t sel;                 /* selected row index */
    size_t top;                 /* first visible row */
    int sort_col;               /* -1 = none */
    bool sort_desc;
    char *sel_id;               /* owned: id of the selected row */
    int height;                 /* visible rows at last draw (without header) */
} vt_table;

void vt_table_init(vt_table *t, const vt_table_col *cols, size_t ncols);
void vt_table_free(vt_table *t);      /* frees members; accepts NULL */

/* New row count; the selection follows its id when that row still exists,
 * else stays at the same index clamped to the rows. */
void vt_table_set_rows(vt_table *t, size_t nrows, vt_table_id_fn id, void *ctx);

/* Move the selection by delta rows (page moves pass +-height); clamps. */
void vt_table_move(vt_table *t, long delta, vt_table_id_fn id, void *ctx);
void vt_table_select(vt_table *t, size_t row, vt_table_id_fn id, void *ctx);

/* Draw header + visible rows into the whole window. */
void vt_table_draw(vt_table *t, WINDOW *w, const vt_theme *th, vt_table_cell_fn cell, void *ctx);

/* Row index under window line y (after a draw), or -1 (header, empty). */
long vt_table_row_at(const vt_table *t, int y);
/* Column index under window column x (after a draw), or -1. */
int vt_table_col_at(const vt_table *t, WINDOW *w, int x);

#endif
