/* The CPU grid. A cell is the id right-aligned to the widest id, the
 * separator slot and the mark slots (see cpugrid.h), so cells line up in
 * columns across nodes; one space between cells, and under each "node N"
 * line an indent of up to two columns: it gives way before a cell
 * would go to the next line. */
#include <stdio.h>
#include <string.h>

#include "cpugrid.h"
#include "text.h"

/* V E I, '+', K/x */
#define FLAG_COLS 5
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
    size_t i, j, most = 0;
    int full, indented;

    for (i = 0; i < nnodes; i++) {
        for (j = 0; nodes[i].cpus && j < nodes[i].ncpus; j++)
            if (nodes[i].cpus[j] > maxid)
                maxid = nodes[i].cpus[j];
        if (nodes[i].cpus && nodes[i].ncpus > most)
            most = nodes[i].ncpus;
    }
    g->digits = ndigits(maxid);
    g->cellw = g->digits + 1 + FLAG_COLS;
    /* n cells take n * cellw + (n - 1) gaps; the full indent unless that
       would put the biggest node on one more line */
    full = (width + 1) / (g->cellw + 1);
    indented = (width - INDENT + 1) / (g->cellw + 1);
    if (indented >= 1 && (indented == full || (size_t)indented >= most)) {
        g->percol = indented;
        g->indent = INDENT;
    } else {
        g->percol = full < 1 ? 1 : full;
        g->indent = width - (g->percol * (g->cellw + 1) - 1);
        if (g->indent > INDENT)
            g->indent = INDENT;
        if (g->indent < 0)
            g->indent = 0;
    }
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

/* The three kinds of VM thread: one slot each, the same table for the
 * cells and the legend. */
static const struct thread_slot {
    unsigned hand, other;   /* flag of the VM in hand / of other VMs */
    char up, low;
    const char *what;
} slots[] = {
    { VT_CPU_VCPU, VT_CPU_OTHER_VCPU, 'V', 'v', "vCPU" },
    { VT_CPU_EMULATOR, VT_CPU_OTHER_EMULATOR, 'E', 'e', "emulator" },
    { VT_CPU_IOTHREAD, VT_CPU_OTHER_IOTHREAD, 'I', 'i', "IOThread" },
};
#define NSLOTS (sizeof(slots) / sizeof(slots[0]))
/* the geometry counts the slots: the thread slots, '+' and K/x */
_Static_assert(NSLOTS + 2 == FLAG_COLS, "FLAG_COLS out of step with the slots");

#define MARK_SEP ':'
#define MARK_PICKED '*'
#define MARK_SHARED '+'
#define MARK_KWORKER 'K'
#define MARK_OFFLINE 'x'
#define MARK_NONE '-'

#define HAND_ANY (VT_CPU_VCPU | VT_CPU_EMULATOR | VT_CPU_IOTHREAD)
#define OTHER_ANY (VT_CPU_OTHER_VCPU | VT_CPU_OTHER_EMULATOR | VT_CPU_OTHER_IOTHREAD)

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
    if (f & OTHER_ANY)
        return VT_ROLE_GRID_OTHER;
    if (f & VT_CPU_KWORKER)
        return VT_ROLE_GRID_KWORKER;
    return VT_ROLE_GRID_FREE;
}

/* Every slot always drawn, so a mark never pushes another out and the
 * same slot is the same column in every cell. The picked mark takes the
 * place of the ':' rather than a letter's. */
static void cell_text(unsigned cpu, unsigned f, int digits, char *out, size_t outsz)
{
    char m[FLAG_COLS + 1];
    size_t i;

    for (i = 0; i < NSLOTS; i++)
        m[i] = (f & slots[i].hand) ? slots[i].up : (f & slots[i].other) ? slots[i].low : MARK_NONE;
    m[i++] = (f & HAND_ANY) && (f & OTHER_ANY) ? MARK_SHARED : MARK_NONE;
    /* offline over kworker: kworkers allowed on a CPU that is off do not
       run there */
    m[i++] = (f & VT_CPU_OFFLINE) ? MARK_OFFLINE : (f & VT_CPU_KWORKER) ? MARK_KWORKER : MARK_NONE;
    m[i] = '\0';
    snprintf(out, outsz, "%*u%c%s", digits, cpu, (f & VT_CPU_PICKED) ? MARK_PICKED : MARK_SEP, m);
}

#define LEGEND_MAX 8
#define LEGEND_GAP "  "

/* The legend's items, in order, built from the same marks. */
static size_t legend_items(unsigned what, char items[LEGEND_MAX][96])
{
    char marks[2][2 * NSLOTS], words[64] = "";
    size_t n = 0, i;

    for (i = 0; i < NSLOTS; i++) {
        marks[0][2 * i] = slots[i].up;
        marks[1][2 * i] = slots[i].low;
        marks[0][2 * i + 1] = marks[1][2 * i + 1] = i + 1 < NSLOTS ? '/' : '\0';
        snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s", i ? "/" : "",
                 slots[i].what);
    }
    if (what & VT_CPUGRID_HAND) {
        snprintf(items[n++], 96, _("%s this VM's %s"), marks[0], words);
        snprintf(items[n++], 96, _("%s other VMs' pins"), marks[1]);
        snprintf(items[n++], 96, _("%c shared with other VMs"), MARK_SHARED);
    } else {
        snprintf(items[n++], 96, _("%s VMs' %s pins"), marks[1], words);
    }
    snprintf(items[n++], 96, _("%c kworkers allowed"), MARK_KWORKER);
    snprintf(items[n++], 96, _("%c offline"), MARK_OFFLINE);
    if (what & VT_CPUGRID_PICK)
        snprintf(items[n++], 96, _("%c picked"), MARK_PICKED);
    return n;
}

size_t vt_cpugrid_legend(unsigned what, char *buf, size_t n)
{
    char items[LEGEND_MAX][96], line[LEGEND_MAX * 98] = "";
    size_t cnt = legend_items(what, items), i, len = 0;

    for (i = 0; i < cnt; i++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? LEGEND_GAP : "", items[i]);
    if (buf && n)
        snprintf(buf, n, "%s", line);
    return len;
}

int vt_cpugrid_legend_draw(WINDOW *w, int y, int x, int width, unsigned what, attr_t attr)
{
    char items[LEGEND_MAX][96];
    size_t cnt = legend_items(what, items), i;
    int line = 0, col = 0, gap = (int)strlen(LEGEND_GAP);

    if (width <= 0)
        return 0;
    for (i = 0; i < cnt; i++) {
        int iw = vt_text_width(items[i]);

        if (col && col + gap + iw > width) {
            line++;
            col = 0;
        }
        if (col)
            col += gap;
        if (w)
            vt_text_put(w, y + line, x + col, items[i], width - col, attr, 0);
        col += iw;
    }
    return cnt ? line + 1 : 0;
}

int vt_cpugrid_draw(WINDOW *w, int y, int x, int width, const vt_cpugrid_node *nodes,
                    size_t nnodes, const unsigned *flags, size_t nflags, const vt_theme *th)
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

        if (n->id >= 0)
            snprintf(head, sizeof(head), _("node %d"), n->id);
        else
            snprintf(head, sizeof(head), "%s", _("no known node"));
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
