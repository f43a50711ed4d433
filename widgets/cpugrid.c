/* The CPU grid. A cell is "ID:FLAG" with the id right-aligned to the
 * widest id and four flag columns (V E I K, '-' when none, "x" offline),
 * so cells line up in columns across nodes; one space between cells and
 * two columns of indent under each "node N" line. */
#include <stdio.h>

#include "cpugrid.h"
#include "text.h"

#define FLAG_COLS 4
#define INDENT 2

typedef struct geom {
    int digits, cellw, indent, percol;
} geom;

static int ndigits(unsigned v)
{
    int d = 1;

    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static void grid_geom(int width, const vt_cpugrid_node *nodes, size_t nnodes, geom *g)
{
    unsigned maxid = 0;
    size_t i, j;

    for (i = 0; i < nnodes; i++)
        for (j = 0; nodes[i].cpus && j < nodes[i].ncpus; j++)
            if (nodes[i].cpus[j] > maxid)
                maxid = nodes[i].cpus[j];
    g->digits = ndigits(maxid);
    g->cellw = g->digits + 1 + FLAG_COLS;
    g->indent = width >= g->cellw + INDENT ? INDENT : 0;
    /* n cells take n * cellw + (n - 1) gaps */
    g->percol = (width - g->indent + 1) / (g->cellw + 1);
    if (g->percol < 1)
        g->percol = 1;
}

static int node_lines(const vt_cpugrid_node *n, const geom *g)
{
    size_t ncpus = n->cpus ? n->ncpus : 0;

    return 1 + (int)((ncpus + (size_t)g->percol - 1) / (size_t)g->percol);
}

int vt_cpugrid_lines(int width, const vt_cpugrid_node *nodes, size_t nnodes)
{
    geom g;
    int lines = 0;
    size_t i;

    if (width <= 0 || !nodes)
        return 0;
    grid_geom(width, nodes, nnodes, &g);
    for (i = 0; i < nnodes; i++)
        lines += node_lines(&nodes[i], &g);
    return lines;
}

int vt_cpugrid_per_line(int width, const vt_cpugrid_node *nodes, size_t nnodes)
{
    geom g;

    if (width <= 0 || !nodes)
        return 1;
    grid_geom(width, nodes, nnodes, &g);
    return g.percol;
}

static vt_role cell_role(unsigned f)
{
    if (f & VT_CPU_CURSOR)
        return VT_ROLE_GRID_CURSOR;
    if (f & VT_CPU_PICKED)
        return VT_ROLE_GRID_PICKED;
    if (f & VT_CPU_OFFLINE)
        return VT_ROLE_DIM;
    if (f & VT_CPU_VCPU)
        return VT_ROLE_GRID_VCPU;
    if (f & VT_CPU_IOTHREAD)
        return VT_ROLE_GRID_IOTHREAD;
    if (f & VT_CPU_EMULATOR)
        return VT_ROLE_GRID_EMULATOR;
    if (f & VT_CPU_KWORKER)
        return VT_ROLE_GRID_KWORKER;
    return VT_ROLE_GRID_FREE;
}

static void cell_text(unsigned cpu, unsigned f, int digits, char *out, size_t outsz)
{
    char letters[FLAG_COLS + 2];
    int n = 0;

    /* the picked mark takes the first flag column: the set being built
       matters more than what is pinned there now, and the text must say
       it without colour */
    if (f & VT_CPU_PICKED)
        letters[n++] = '*';
    if (f & VT_CPU_OFFLINE) {
        letters[n++] = 'x';
    } else {
        if (f & VT_CPU_VCPU)
            letters[n++] = 'V';
        if (f & VT_CPU_EMULATOR)
            letters[n++] = 'E';
        if (f & VT_CPU_IOTHREAD)
            letters[n++] = 'I';
        if (f & VT_CPU_KWORKER)
            letters[n++] = 'K';
        if (n == 0)
            letters[n++] = '-';
    }
    if (n > FLAG_COLS)
        n = FLAG_COLS;
    letters[n] = '\0';
    snprintf(out, outsz, "%*u:%-*s", digits, cpu, FLAG_COLS, letters);
}

int vt_cpugrid_draw(WINDOW *w, int y, int x, int width, const vt_cpugrid_node *nodes,
                    size_t nnodes, const unsigned char *flags, size_t nflags,
                    const vt_theme *th)
{
    geom g;
    int line = 0;
    size_t i, j;

    if (width <= 0 || !nodes)
        return 0;
    grid_geom(width, nodes, nnodes, &g);
    for (i = 0; i < nnodes; i++) {
        const vt_cpugrid_node *n = &nodes[i];
        size_t ncpus = n->cpus ? n->ncpus : 0;
        char head[32];

        snprintf(head, sizeof(head), "node %d", n->id);
        if (w)
            vt_text_put(w, y + line, x, head, width, vt_theme_attr(th, VT_ROLE_HEADER), 0);
        line++;
        for (j = 0; j < ncpus; j++) {
            unsigned cpu = n->cpus[j];
            unsigned f = flags && cpu < nflags ? flags[cpu] : 0;
            int col = (int)(j % (size_t)g.percol);
            int cx = x + g.indent + col * (g.cellw + 1);
            char cell[64];

            if (j && col == 0)
                line++;
            cell_text(cpu, f, g.digits, cell, sizeof(cell));
            if (w && cx < x + width)
                vt_text_put(w, y + line, cx, cell, x + width - cx,
                            vt_theme_attr(th, cell_role(f)), 0);
        }
        if (ncpus)
            line++;
    }
    return line;
}
