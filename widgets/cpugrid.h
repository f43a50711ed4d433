/* The host's CPUs grouped by NUMA node, each CPU a cell showing its id and
 * letters for what is pinned there: V vCPU, E emulator, I IOThread,
 * K kworker allowed. Letters carry the meaning; roles only add colour. */
#ifndef VT_CPUGRID_H
#define VT_CPUGRID_H

#include <curses.h>
#include <stddef.h>

#include "theme.h"

enum {
    VT_CPU_VCPU = 1 << 0,
    VT_CPU_EMULATOR = 1 << 1,
    VT_CPU_IOTHREAD = 1 << 2,
    VT_CPU_KWORKER = 1 << 3,
    VT_CPU_OFFLINE = 1 << 4,
    VT_CPU_PICKED = 1 << 5,    /* picker: in the set being built ("*") */
    VT_CPU_CURSOR = 1 << 6,    /* picker: the cursor (reverse video) */
};

typedef struct vt_cpugrid_node {
    int id;
    const unsigned *cpus;      /* not owned */
    size_t ncpus;
} vt_cpugrid_node;

/* Draw at (y, x) within `width` columns; returns the number of lines used.
 * flags[cpu] for cpu < nflags; CPUs beyond are drawn with no flags. */
int vt_cpugrid_draw(WINDOW *w, int y, int x, int width, const vt_cpugrid_node *nodes,
                    size_t nnodes, const unsigned char *flags, size_t nflags,
                    const vt_theme *th);

/* Cells per grid line at this width: how far Up/Down move a picker's
 * cursor. */
int vt_cpugrid_per_line(int width, const vt_cpugrid_node *nodes, size_t nnodes);

/* Lines vt_cpugrid_draw would use, without drawing. */
int vt_cpugrid_lines(int width, const vt_cpugrid_node *nodes, size_t nnodes);

#endif
