/* The CPU grid's cells as the widget takes them, from core's one CPU map
 * of the host and every VM's threads (tui/grid.c). */
#ifndef VT_TUI_GRID_H
#define VT_TUI_GRID_H

#include "core/cpumap.h"
#include "tui/ui.h"
#include "widgets/cpugrid.h"

typedef struct vt_grid {
    vt_cpumap map;
    vt_cpugrid_node *nodes;     /* owned; cpus point into map */
    size_t n;
    unsigned *flags;            /* owned, ncpus */
    size_t ncpus;
} vt_grid;

/* Every running VM, and the VM called focus (by its persistent
 * definition when it is not running) as the VM in hand; NULL: none. */
void vt_grid_build(vt_app *a, const char *focus, vt_grid *g);
void vt_grid_free(vt_grid *g);
/* The same grid, built once per snapshot and VM in hand: a redraw or a
 * key must not walk every VM's pins again. Owned by a; valid until the
 * next call. */
const vt_grid *vt_grid_get(vt_app *a, const char *focus);
/* Frees a's grid (app end). */
void vt_grid_cache_free(vt_app *a);
/* The detail line of one CPU: which VMs' threads may run there. */
void vt_grid_describe(const vt_grid *g, unsigned cpu, char *buf, size_t n);

#endif
