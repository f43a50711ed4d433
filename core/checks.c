#include "checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"

char *vt_spread_nodes(const vt_domain *d)
{
    unsigned long long total = 0;
    vt_cpuset set;
    int k;

    if (!d->spread_present)
        return vt_strdup("");
    for (k = 0; k < d->spread_nnodes; k++)
        total += d->spread_kib[k];
    vt_cpuset_clear(&set);
    for (k = 0; k < d->spread_nnodes; k++)
        if (total && d->spread_kib[k] * 100 > total)
            vt_cpuset_set(&set, (unsigned)k);
    return vt_cpuset_format(&set);
}

bool vt_numa_cells_per_node(const vt_domdef *def, vt_cpuset *allowed)
{
    const vt_numatune_def *nt = def->numatune;
    vt_cpuset seen, s;

    if (!nt || nt->nmemnodes < 2)
        return false;
    vt_cpuset_clear(&seen);
    for (size_t i = 0; i < nt->nmemnodes; i++) {
        if (!nt->memnodes[i].nodeset || vt_cpuset_parse(nt->memnodes[i].nodeset, &s, NULL) < 0 ||
            vt_cpuset_intersects(&seen, &s))
            return false;
        vt_cpuset_or(&seen, &s);
    }
    if (!allowed)
        return true;
    *allowed = seen;
    if (nt->nodeset && vt_cpuset_parse(nt->nodeset, &s, NULL) == 0)
        vt_cpuset_or(allowed, &s);
    return true;
}

const char *vt_label_categories_at(const char *label)
{
    const char *p;

    if (!label)
        return NULL;
    /* user:role:type:sensitivity[:categories] */
    p = strrchr(label, ':');
    if (!p || p[1] != 'c')
        return NULL;
    return p + 1;
}

char *vt_label_categories(const char *label)
{
    return vt_strdup(vt_label_categories_at(label));
}

int vt_hugepage_pool(const vt_conn *c, unsigned long long size_kib, const char *nodeset,
                     unsigned long long *nr, unsigned long long *freep,
                     unsigned long long *surplus)
{
    vt_cpuset allowed;
    bool limit = nodeset && vt_cpuset_parse(nodeset, &allowed, NULL) == 0;
    size_t i, j;

    *nr = *freep = *surplus = 0;
    for (i = 0; i < c->host.npools; i++) {
        const vt_hp_pool *p = &c->host.pools[i];
        if (p->size_kib != size_kib)
            continue;
        for (j = 0; j < p->nnodes; j++)
            if (!limit || vt_cpuset_has(&allowed, (unsigned)p->nodes[j].node)) {
                *nr += p->nodes[j].nr;
                *freep += p->nodes[j].free;
                *surplus += p->nodes[j].surplus;
            }
        if (!p->nnodes) {
            *nr = p->nr;
            *freep = p->free;
            *surplus = p->surplus;
        }
        return 0;
    }
    return -1;
}

int vt_hugepage_fit(const vt_conn *c, unsigned long long memory_kib, unsigned long long size_kib,
                    const char *nodeset, unsigned long long *need, unsigned long long *freep)
{
    unsigned long long nr, surplus;

    *need = size_kib ? (memory_kib + size_kib - 1) / size_kib : 0;
    if (vt_hugepage_pool(c, size_kib, nodeset, &nr, freep, &surplus) < 0)
        return -1;
    return *freep >= *need;
}
