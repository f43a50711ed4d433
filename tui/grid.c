/* The host's CPU grid as every view draws it: the detail's IOThreads
 * panel, the host view and the CPU picker take their cells from core's
 * CPU map, so each shows every VM's threads, the VM in hand apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/grid.h"

/* Other VMs' threads by their pins only: an unpinned thread may run on
 * every CPU it is allowed, which would mark every cell alike; those VMs
 * are named once under the grid (vt_grid_floaters) and in a cell's
 * detail line. The VM in hand is shown wherever it may run. */
static unsigned other_pins(const vt_cpumap *m, unsigned cpu)
{
    unsigned f = 0;

    for (size_t v = 0; v < m->nvms; v++) {
        unsigned b = (int)v == m->in_hand ? 0 : vt_cpumap_vm_bits(m, cpu, v);
        if (b & VT_CPUMAP_VCPU_PINNED)
            f |= VT_CPUMAP_VCPU;
        if (b & VT_CPUMAP_EMULATOR_PINNED)
            f |= VT_CPUMAP_EMULATOR;
        if (b & VT_CPUMAP_IOTHREAD_PINNED)
            f |= VT_CPUMAP_IOTHREAD;
    }
    return f;
}

static unsigned cell_flags(const vt_cpumap *m, unsigned cpu)
{
    unsigned hand = vt_cpumap_hand_bits(m, cpu), other = other_pins(m, cpu), f = 0;

    if (hand & VT_CPUMAP_VCPU)
        f |= VT_CPU_VCPU;
    if (hand & VT_CPUMAP_EMULATOR)
        f |= VT_CPU_EMULATOR;
    if (hand & VT_CPUMAP_IOTHREAD)
        f |= VT_CPU_IOTHREAD;
    if (other & VT_CPUMAP_VCPU)
        f |= VT_CPU_OTHER_VCPU;
    if (other & VT_CPUMAP_EMULATOR)
        f |= VT_CPU_OTHER_EMULATOR;
    if (other & VT_CPUMAP_IOTHREAD)
        f |= VT_CPU_OTHER_IOTHREAD;
    if (vt_cpumap_kworker(m, cpu))
        f |= VT_CPU_KWORKER;
    if (!vt_cpumap_online(m, cpu))
        f |= VT_CPU_OFFLINE;
    return f;
}

void vt_grid_build(vt_app *a, const char *focus, vt_grid *g)
{
    vt_cpumap_vm *vms = vt_calloc(a->c->ndoms ? a->c->ndoms : 1, sizeof(*vms));
    size_t n = 0, i;
    int hand = -1;

    memset(g, 0, sizeof(*g));
    for (i = 0; i < a->c->ndoms; i++) {
        const vt_domain *d = a->c->doms[i];
        const char *name = d->name ? d->name : d->uuid;
        bool is_focus = focus && strcmp(name, focus) == 0;
        if (!vt_domain_active(d) && !is_focus)
            continue;
        if (is_focus)
            hand = (int)n;
        vms[n].name = name;
        /* the running VM's threads where they are; one not running by
           what an edit changes, its persistent definition */
        vms[n].def = vt_domain_active(d) ? d->live : d->config ? d->config : d->live;
        n++;
    }
    /* a pin that does not parse leaves the map without VMs: the grid still
       shows the host */
    if (vt_cpumap_build(&g->map, &a->c->host, vms, n, hand, NULL) < 0)
        vt_cpumap_build(&g->map, &a->c->host, NULL, 0, -1, NULL);
    free(vms);
    g->n = g->map.nnodes;
    g->nodes = vt_calloc(g->n ? g->n : 1, sizeof(*g->nodes));
    for (i = 0; i < g->n; i++) {
        g->nodes[i].id = g->map.nodes[i].id;
        g->nodes[i].cpus = g->map.nodes[i].cpus;
        g->nodes[i].ncpus = g->map.nodes[i].ncpus;
    }
    g->ncpus = g->map.ncpus ? g->map.ncpus : 1;
    g->flags = vt_calloc(g->ncpus, sizeof(*g->flags));
    for (i = 0; i < g->map.ncpus; i++)
        g->flags[i] = cell_flags(&g->map, (unsigned)i);
}

void vt_grid_free(vt_grid *g)
{
    if (!g)
        return;
    vt_cpumap_free(&g->map);
    free(g->nodes);
    free(g->flags);
    memset(g, 0, sizeof(*g));
}

/* The last grid, with the snapshot and the VM in hand it was built for. */
struct vt_grid_cache {
    vt_grid g;
    unsigned gen;
    const vt_conn *conn;
    char *focus;                /* owned; NULL: no VM in hand */
};

const vt_grid *vt_grid_get(vt_app *a, const char *focus)
{
    struct vt_grid_cache *c = a->grid_cache;

    if (c && c->gen == a->snap_gen && c->conn == a->c && !c->focus == !focus &&
        (!focus || strcmp(c->focus, focus) == 0))
        return &c->g;
    if (!c)
        c = a->grid_cache = vt_calloc(1, sizeof(*c));
    vt_grid_free(&c->g);
    free(c->focus);
    vt_grid_build(a, focus, &c->g);
    c->gen = a->snap_gen;
    c->conn = a->c;
    c->focus = focus ? vt_strdup(focus) : NULL;
    return &c->g;
}

void vt_grid_cache_free(vt_app *a)
{
    if (!a->grid_cache)
        return;
    vt_grid_free(&a->grid_cache->g);
    free(a->grid_cache->focus);
    free(a->grid_cache);
    a->grid_cache = NULL;
}

void vt_grid_describe(const vt_grid *g, unsigned cpu, char *buf, size_t n)
{
    vt_cpumap_describe(&g->map, cpu, buf, n);
}

/* Does the VM have a thread that runs unpinned (somewhere not by a pin)? */
static bool floats(const vt_cpumap *m, size_t v)
{
    static const unsigned kinds[][2] = {
        { VT_CPUMAP_VCPU, VT_CPUMAP_VCPU_PINNED },
        { VT_CPUMAP_EMULATOR, VT_CPUMAP_EMULATOR_PINNED },
        { VT_CPUMAP_IOTHREAD, VT_CPUMAP_IOTHREAD_PINNED },
    };

    for (unsigned cpu = 0; cpu < m->ncpus; cpu++) {
        unsigned b = vt_cpumap_vm_bits(m, cpu, v);
        for (size_t k = 0; k < 3; k++)
            if ((b & kinds[k][0]) && !(b & kinds[k][1]))
                return true;
    }
    return false;
}

/* "unpinned threads of 3 other VMs may run on any CPU allowed them: a, b,
 * c": the other VMs the cells leave out. Empty when none. */
static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void floaters(const vt_cpumap *m, char *buf, size_t n)
{
    const char **names = vt_calloc(m->nvms ? m->nvms : 1, sizeof(*names));
    size_t count = 0, shown, len;
    char list[512] = "";

    for (size_t v = 0; v < m->nvms; v++)
        if ((int)v != m->in_hand && floats(m, v))
            names[count++] = m->names[v];
    buf[0] = '\0';
    if (!count) {
        free(names);
        return;
    }
    /* by name, as the VM list sorts them: the first few are named */
    qsort(names, count, sizeof(*names), cmp_names);
    for (shown = 0; shown < count && shown < 6; shown++) {
        len = strlen(list);
        if (len + strlen(names[shown]) + 3 >= sizeof(list))
            break;
        snprintf(list + len, sizeof(list) - len, "%s%s", shown ? ", " : "", names[shown]);
    }
    if (m->in_hand >= 0)
        len = (size_t)snprintf(buf, n, P_("unpinned threads of %zu other VM may run on any CPU allowed them: %s",
                                          "unpinned threads of %zu other VMs may run on any CPU allowed them: %s",
                                          count), count, list);
    else
        len = (size_t)snprintf(buf, n, P_("unpinned threads of %zu VM may run on any CPU allowed them: %s",
                                          "unpinned threads of %zu VMs may run on any CPU allowed them: %s", count),
                               count, list);
    if (count > shown && len < n)
        snprintf(buf + len, n - len, _(" and %zu more"), count - shown);
    free(names);
}

void vt_grid_draw(vt_pen *p, vt_app *a, const char *focus)
{
    unsigned what = focus ? VT_CPUGRID_HAND : 0;
    attr_t da = vt_theme_attr(p->th, VT_ROLE_DIM);
    char line[768];
    const vt_grid *g = vt_grid_get(a, focus);

    if (!g->n || !a->c->host.nnodes) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("(no NUMA topology known)"));
    } else if (p->y + vt_cpugrid_lines(p->width - 2, g->nodes, g->n) < VT_PAD_LINES) {
        p->y += vt_cpugrid_draw(p->w, p->y, 1, p->width - 2, g->nodes, g->n, g->flags, g->ncpus, p->th);
    }
    /* the legend says how this grid's marks read, wrapped between items */
    p->y += vt_cpugrid_legend_draw(vt_pen_vis(p, p->y) ? p->w : NULL, p->y, 1, p->width - 2, what, da);
    floaters(&g->map, line, sizeof(line));
    if (line[0])
        vt_pen_wrap(p, VT_ROLE_DIM, "", line);
}
