/* The host's CPUs grouped by NUMA node, each CPU a cell showing its id and
 * every mark that applies, in fixed slots so cells line up:
 *
 *     ID S V E I + K      e.g. " 10:Vei+K"  " 11*V-i+K"  "  3:----x"
 *
 * S is ':' or '*' (picked); V/E/I are uppercase for the VM in hand and
 * lowercase when only other VMs have a vCPU/emulator/IOThread that may run
 * there; '+' says other VMs share a CPU the VM in hand uses; K kworkers
 * allowed, x offline; '-' an empty slot. Letters carry the meaning; roles
 * only add colour. The legend is built from the same table. */
#ifndef VT_CPUGRID_H
#define VT_CPUGRID_H

#include <curses.h>
#include <stddef.h>

#include "theme.h"

/* Per-CPU flags (an unsigned each). The tui maps its model onto these. */
enum {
    VT_CPU_VCPU = 1 << 0,            /* the VM in hand: V */
    VT_CPU_EMULATOR = 1 << 1,        /* E */
    VT_CPU_IOTHREAD = 1 << 2,        /* I */
    VT_CPU_KWORKER = 1 << 3,         /* K */
    VT_CPU_OFFLINE = 1 << 4,         /* x (the other marks stay) */
    VT_CPU_PICKED = 1 << 5,          /* picker: in the set being built, '*' */
    VT_CPU_CURSOR = 1 << 6,          /* picker: the cursor (reverse video) */
    VT_CPU_OTHER_VCPU = 1 << 7,      /* other VMs: v */
    VT_CPU_OTHER_EMULATOR = 1 << 8,  /* e */
    VT_CPU_OTHER_IOTHREAD = 1 << 9,  /* i */
};

typedef struct vt_cpugrid_node {
    int id;                    /* < 0: CPUs in no known node */
    const unsigned *cpus;      /* not owned */
    size_t ncpus;
} vt_cpugrid_node;

/* Draw at (y, x) within `width` columns; returns the number of lines used.
 * flags[cpu] for cpu < nflags; CPUs beyond are drawn with no flags. */
int vt_cpugrid_draw(WINDOW *w, int y, int x, int width, const vt_cpugrid_node *nodes,
                    size_t nnodes, const unsigned *flags, size_t nflags, const vt_theme *th);

/* Cells per grid line at this width: how far Up/Down move a picker's
 * cursor. */
int vt_cpugrid_per_line(int width, const vt_cpugrid_node *nodes, size_t nnodes);

/* Lines vt_cpugrid_draw would use, without drawing. */
int vt_cpugrid_lines(int width, const vt_cpugrid_node *nodes, size_t nnodes);

/* What a legend explains, besides the marks every grid has. */
enum {
    VT_CPUGRID_HAND = 1 << 0,  /* a VM in hand: V/E/I, v/e/i and '+' */
    VT_CPUGRID_PICK = 1 << 1,  /* a picker: '*' */
};

/* The legend as one line, items two spaces apart, e.g.
 * "V/E/I this VM's vCPU/emulator/IOThread  v/e/i other VMs'  + shared
 *  with other VMs  K kworkers allowed  x offline  * picked".
 * snprintf-like: the whole length back, at most n-1 bytes written. */
size_t vt_cpugrid_legend(unsigned what, char *buf, size_t n);

/* The legend drawn at (y, x), wrapped between items to `width` columns
 * (an item wider than that is cut); returns the lines used. w NULL
 * only counts. */
int vt_cpugrid_legend_draw(WINDOW *w, int y, int x, int width, unsigned what, attr_t attr);

#endif
