/* The CPU map: every grid's cells and detail lines come from here, so the
 * rules for where an unpinned thread may run live in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumap.h"
#include "cpuset.h"

enum {
    CPU_ONLINE = 1 << 0,
    CPU_KWORKER = 1 << 1,
};

char *vt_cpumap_default_affinity(const vt_host *h, const vt_domdef *def)
{
    if (def && def->vcpu_cpuset)
        return vt_strdup(def->vcpu_cpuset);
    if (!h || h->ncpus == 0)
        return NULL;
    if (h->ncpus == 1)
        return vt_strdup("0");
    return vt_asprintf("0-%u", h->ncpus - 1);
}

void vt_cpumap_free(vt_cpumap *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; m->names && i < m->nvms; i++)
        free(m->names[i]);
    free(m->names);
    free(m->cpu);
    free(m->node);
    free(m->bits);
    for (i = 0; m->nodes && i < m->nnodes; i++)
        free(m->nodes[i].cpus);
    free(m->nodes);
    memset(m, 0, sizeof(*m));
    m->in_hand = -1;
}

static void mark(vt_cpumap *m, size_t vm, const vt_cpuset *s, unsigned bits)
{
    unsigned c;

    for (c = 0; c < m->ncpus; c++)
        if (vt_cpuset_has(s, c))
            m->bits[(size_t)c * m->nvms + vm] |= (unsigned char)bits;
}

/* A thread's own pin when it has one, else the default affinity. */
static int place(vt_cpumap *m, size_t vm, const char *pin, const vt_cpuset *dflt,
                 unsigned bit, unsigned pinned_bit, const char *what, vt_err *err)
{
    vt_cpuset s;
    vt_err perr = { { 0 } };

    if (!pin) {
        mark(m, vm, dflt, bit);
        return 0;
    }
    if (vt_cpuset_parse(pin, &s, &perr) < 0) {
        vt_err_set(err, _("VM %s: %s pin '%s': %s"), m->names[vm], what, pin, perr.msg);
        return -1;
    }
    mark(m, vm, &s, bit | pinned_bit);
    return 0;
}

static const char *vcpu_pin(const vt_domdef *def, unsigned vcpu)
{
    size_t k;

    for (k = 0; k < def->nvcpupins; k++)
        if (def->vcpupins[k].id == vcpu)
            return def->vcpupins[k].cpuset;
    return NULL;
}

static int place_vm(vt_cpumap *m, const vt_host *h, size_t vm, const vt_domdef *def, vt_err *err)
{
    VT_AUTOFREE char *dstr = vt_cpumap_default_affinity(h, def);
    vt_cpuset dflt;
    vt_err perr = { { 0 } };
    unsigned v;
    size_t k;

    if (!def || !dstr)
        return 0;
    if (vt_cpuset_parse(dstr, &dflt, &perr) < 0) {
        vt_err_set(err, _("VM %s: <vcpu cpuset='%s'>: %s"), m->names[vm], dstr, perr.msg);
        return -1;
    }
    /* only the current vCPUs have threads; a pin for a vCPU that is not
       plugged in places nothing */
    for (v = 0; v < def->vcpus; v++)
        if (place(m, vm, vcpu_pin(def, v), &dflt, VT_CPUMAP_VCPU, VT_CPUMAP_VCPU_PINNED,
                  "vCPU", err) < 0)
            return -1;
    if (place(m, vm, def->emulatorpin, &dflt, VT_CPUMAP_EMULATOR, VT_CPUMAP_EMULATOR_PINNED,
              "emulator", err) < 0)
        return -1;
    for (k = 0; k < def->niothreads; k++)
        if (place(m, vm, def->iothreads[k].pin, &dflt, VT_CPUMAP_IOTHREAD,
                  VT_CPUMAP_IOTHREAD_PINNED, "IOThread", err) < 0)
            return -1;
    return 0;
}

static int cmp_node(const void *a, const void *b)
{
    const vt_cpumap_node *x = a, *y = b;

    /* the CPUs of no known node (-1) go last */
    if (x->id < 0 || y->id < 0)
        return (x->id < 0) - (y->id < 0);
    return (x->id > y->id) - (x->id < y->id);
}

static void build_nodes(vt_cpumap *m, const vt_host *h)
{
    size_t k, cnt, loose = 0;
    unsigned c;

    for (c = 0; c < m->ncpus; c++)
        m->node[c] = -1;
    m->nodes = vt_calloc(h->nnodes + 1, sizeof(*m->nodes));
    for (k = 0; k < h->nnodes; k++) {
        vt_cpumap_node *n = &m->nodes[m->nnodes++];
        vt_cpuset s;

        n->id = h->nodes[k].id;
        n->cpus = vt_calloc(m->ncpus ? m->ncpus : 1, sizeof(unsigned));
        cnt = 0;
        if (h->nodes[k].cpus && vt_cpuset_parse(h->nodes[k].cpus, &s, NULL) == 0)
            for (c = 0; c < m->ncpus; c++)
                if (vt_cpuset_has(&s, c) && m->node[c] < 0) {
                    m->node[c] = n->id;
                    n->cpus[cnt++] = c;
                }
        n->ncpus = cnt;
    }
    /* a CPU in no node still gets a cell: a grid with holes would read as
       a host with fewer CPUs */
    for (c = 0; c < m->ncpus; c++)
        if (m->node[c] < 0)
            loose++;
    if (loose) {
        vt_cpumap_node *n = &m->nodes[m->nnodes++];

        n->id = -1;
        n->cpus = vt_calloc(loose, sizeof(unsigned));
        for (c = 0; c < m->ncpus; c++)
            if (m->node[c] < 0)
                n->cpus[n->ncpus++] = c;
    }
    vt_qsort(m->nodes, m->nnodes, sizeof(*m->nodes), cmp_node);
}

int vt_cpumap_build(vt_cpumap *m, const vt_host *h, const vt_cpumap_vm *vms, size_t nvms,
                    int in_hand, vt_err *err)
{
    vt_cpuset s;
    unsigned c;
    size_t i;

    memset(m, 0, sizeof(*m));
    m->in_hand = in_hand >= 0 && (size_t)in_hand < nvms ? in_hand : -1;
    m->ncpus = h->ncpus;
    m->nvms = nvms;
    m->names = vt_calloc(nvms ? nvms : 1, sizeof(*m->names));
    for (i = 0; i < nvms; i++)
        m->names[i] = vt_strdup(vms[i].name ? vms[i].name : "?");
    m->cpu = vt_calloc(m->ncpus ? m->ncpus : 1, 1);
    m->node = vt_calloc(m->ncpus ? m->ncpus : 1, sizeof(*m->node));
    m->bits = vt_calloc(m->ncpus && nvms ? (size_t)m->ncpus * nvms : 1, 1);

    /* no online list read: the CPUs are taken as online rather than all
       drawn as offline */
    if (h->online_cpus && vt_cpuset_parse(h->online_cpus, &s, NULL) == 0) {
        for (c = 0; c < m->ncpus; c++)
            if (vt_cpuset_has(&s, c))
                m->cpu[c] |= CPU_ONLINE;
    } else {
        for (c = 0; c < m->ncpus; c++)
            m->cpu[c] |= CPU_ONLINE;
    }
    if (h->workqueue_cpus && vt_cpuset_parse(h->workqueue_cpus, &s, NULL) == 0) {
        m->kworker_known = true;
        for (c = 0; c < m->ncpus; c++)
            if (vt_cpuset_has(&s, c))
                m->cpu[c] |= CPU_KWORKER;
    }
    build_nodes(m, h);
    for (i = 0; i < nvms; i++)
        if (place_vm(m, h, i, vms[i].def, err) < 0) {
            vt_cpumap_free(m);
            return -1;
        }
    return 0;
}

bool vt_cpumap_online(const vt_cpumap *m, unsigned cpu)
{
    return m && cpu < m->ncpus && (m->cpu[cpu] & CPU_ONLINE);
}

int vt_cpumap_node_of(const vt_cpumap *m, unsigned cpu)
{
    return m && cpu < m->ncpus ? m->node[cpu] : -1;
}

bool vt_cpumap_kworker(const vt_cpumap *m, unsigned cpu)
{
    return m && cpu < m->ncpus && (m->cpu[cpu] & CPU_KWORKER);
}

unsigned vt_cpumap_vm_bits(const vt_cpumap *m, unsigned cpu, size_t vm)
{
    if (!m || cpu >= m->ncpus || vm >= m->nvms)
        return 0;
    return m->bits[(size_t)cpu * m->nvms + vm];
}

unsigned vt_cpumap_hand_bits(const vt_cpumap *m, unsigned cpu)
{
    return m && m->in_hand >= 0 ? vt_cpumap_vm_bits(m, cpu, (size_t)m->in_hand) : 0;
}

unsigned vt_cpumap_other_bits(const vt_cpumap *m, unsigned cpu)
{
    unsigned bits = 0;
    size_t i;

    for (i = 0; m && i < m->nvms; i++)
        if ((int)i != m->in_hand)
            bits |= vt_cpumap_vm_bits(m, cpu, i);
    return bits;
}

/* The groups of the detail line, in the order it names them: what is
 * pinned here on purpose first, then what may float in by default. */
static const struct {
    unsigned bit, pinned;
    int want_pinned;
    const char *words;
} groups[] = {
    { VT_CPUMAP_VCPU, VT_CPUMAP_VCPU_PINNED, 1, "vCPU" },
    { VT_CPUMAP_EMULATOR, VT_CPUMAP_EMULATOR_PINNED, 1, "emulator" },
    { VT_CPUMAP_IOTHREAD, VT_CPUMAP_IOTHREAD_PINNED, 1, "IOThread" },
    { VT_CPUMAP_VCPU, VT_CPUMAP_VCPU_PINNED, 0, "unpinned vCPU" },
    { VT_CPUMAP_EMULATOR, VT_CPUMAP_EMULATOR_PINNED, 0, "unpinned emulator" },
    { VT_CPUMAP_IOTHREAD, VT_CPUMAP_IOTHREAD_PINNED, 0, "unpinned IOThread" },
};

size_t vt_cpumap_describe(const vt_cpumap *m, unsigned cpu, char *buf, size_t n)
{
    vt_buf b = { 0 };
    const char *sep = ": ";
    size_t g, i, len;
    int node = vt_cpumap_node_of(m, cpu);
    bool any = false;
    VT_AUTOFREE char *text = NULL;

    vt_buf_addf(&b, "CPU %u", cpu);
    if (node >= 0)
        vt_buf_addf(&b, " (node %d)", node);
    if (!m || cpu >= m->ncpus) {
        vt_buf_add(&b, ": not on this host");
        goto done;
    }
    if (!vt_cpumap_online(m, cpu)) {
        vt_buf_addf(&b, "%soffline", sep);
        sep = "; ";
    }
    for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        bool first = true;

        for (i = 0; i < m->nvms; i++) {
            unsigned bits = vt_cpumap_vm_bits(m, cpu, i);

            if (!(bits & groups[g].bit) || !!(bits & groups[g].pinned) != groups[g].want_pinned)
                continue;
            if (first)
                vt_buf_addf(&b, "%s%s of ", sep, groups[g].words);
            vt_buf_addf(&b, "%s%s", first ? "" : ", ", m->names[i]);
            first = false;
            sep = "; ";
            any = true;
        }
    }
    if (!any) {
        vt_buf_addf(&b, "%sno VM threads", sep);
        sep = "; ";
    }
    if (m->kworker_known)
        vt_buf_addf(&b, "%s%s", sep, vt_cpumap_kworker(m, cpu) ? "kworkers allowed" : "no kworkers");
done:
    text = vt_buf_steal(&b);
    len = strlen(text);
    if (buf && n) {
        size_t k = len < n ? len : n - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    return len;
}
