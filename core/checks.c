#include "checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"

static void add(vt_finding *out, size_t max, size_t *n, const char *topic, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(vt_finding *out, size_t max, size_t *n, const char *topic, const char *fmt, ...)
{
    va_list ap;

    if (*n < max) {
        snprintf(out[*n].topic, sizeof(out[*n].topic), "%s", topic);
        va_start(ap, fmt);
        vsnprintf(out[*n].text, sizeof(out[*n].text), fmt, ap);
        va_end(ap);
    }
    (*n)++;
}

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

static bool pins_union(const vt_domdef *def, vt_cpuset *out)
{
    size_t i;
    bool any = false;

    vt_cpuset_clear(out);
    for (i = 0; i < def->nvcpupins; i++) {
        vt_cpuset s;
        if (def->vcpupins[i].cpuset && vt_cpuset_parse(def->vcpupins[i].cpuset, &s, NULL) == 0) {
            vt_cpuset_or(out, &s);
            any = true;
        }
    }
    return any;
}

size_t vt_check_domain(const vt_conn *c, const vt_domain *d, vt_finding *out, size_t max)
{
    const vt_domdef *def = d->live;
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(def);
    vt_cpuset vcpus;
    bool pinned = pins_union(def, &vcpus);
    size_t n = 0, i, j;

    for (i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        if (k->bus && strcmp(k->bus, "virtio") == 0 && !k->iothread && def->niothreads)
            add(out, max, &n, "iothread", "disk %s has no IOThread though the VM has %zu",
                k->target ? k->target : "?", def->niothreads);
    }
    for (i = 0; pinned && i < def->niothreads; i++) {
        vt_cpuset s;
        if (def->iothreads[i].pin && vt_cpuset_parse(def->iothreads[i].pin, &s, NULL) == 0 &&
            vt_cpuset_intersects(&s, &vcpus))
            add(out, max, &n, "iothread", "IOThread %u pinned to %s, on the VM's vCPU CPUs",
                def->iothreads[i].id, def->iothreads[i].pin);
    }
    if (def->numatune && def->numatune->nodeset && d->spread_present &&
        strcmp(def->numatune->mode, "strict") == 0) {
        VT_AUTOFREE char *nodes = vt_spread_nodes(d);
        vt_cpuset want, have;
        if (*nodes && vt_cpuset_parse(def->numatune->nodeset, &want, NULL) == 0 &&
            vt_cpuset_parse(nodes, &have, NULL) == 0) {
            bool outside = false;
            int k;
            for (k = 0; k <= vt_cpuset_last(&have); k++)
                if (vt_cpuset_has(&have, (unsigned)k) && !vt_cpuset_has(&want, (unsigned)k))
                    outside = true;
            if (outside)
                add(out, max, &n, "numa", "memory on nodes %s against numatune strict %s",
                    nodes, def->numatune->nodeset);
        }
    }
    if (sl && strcmp(sl->type, "none") == 0)
        add(out, max, &n, "svirt", "seclabel type='none': no sVirt confinement");
    else if (sl && sl->relabel && strcmp(sl->relabel, "no") == 0)
        add(out, max, &n, "svirt", "seclabel relabel='no'");
    if (sl && sl->label && vt_domain_active(d) && strcmp(sl->type, "none") != 0) {
        const char *cats = vt_label_categories_at(sl->label);
        for (j = 0; cats && j < c->ndoms; j++) {
            const vt_domain *o = c->doms[j];
            const vt_seclabel_def *osl;
            const char *oc;
            if (o == d || !vt_domain_active(o))
                continue;
            osl = vt_domdef_main_seclabel(o->live);
            oc = osl ? vt_label_categories_at(osl->label) : NULL;
            if (oc && strcmp(oc, cats) == 0) {
                add(out, max, &n, "svirt", "same MCS categories %s as %s", cats,
                    o->name ? o->name : o->uuid);
                break;
            }
        }
    }
    /* A VM that is not running needs its whole memory free in the pool of
     * its page size, on the host nodes numatune allows. */
    if (def->hugepages && !vt_domain_active(d) && !c->host.sysfs_why) {
        unsigned long long size = def->nhugepage_sizes ? def->hugepage_sizes[0].size_kib : 2048;
        const char *limit = def->numatune ? def->numatune->nodeset : NULL;
        unsigned long long need, freep;
        if (vt_hugepage_fit(c, def->memory_kib, size, limit, &need, &freep) == 0)
            add(out, max, &n, "hugepages", "needs %llu free %llu KiB pages%s%s, pool has %llu",
                need, size, limit ? " on nodes " : "", limit ? limit : "", freep);
    }
    for (i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        if (k->queues && k->queues > def->vcpus)
            add(out, max, &n, "multiqueue", "NIC %s has %u queues for %u vCPUs",
                k->mac ? k->mac : "?", k->queues, def->vcpus);
    }
    for (i = 0; i < def->ndisks; i++)
        if (def->disks[i].device && strcmp(def->disks[i].device, "lun") == 0 &&
            def->disks[i].rawio && strcmp(def->disks[i].rawio, "yes") == 0)
            add(out, max, &n, "lun", "LUN %s passed through with rawio='yes'",
                def->disks[i].target ? def->disks[i].target : "?");
    return n;
}

int vt_hugepage_fit(const vt_conn *c, unsigned long long memory_kib, unsigned long long size_kib,
                    const char *nodeset, unsigned long long *need, unsigned long long *freep)
{
    vt_cpuset allowed;
    bool limit = nodeset && vt_cpuset_parse(nodeset, &allowed, NULL) == 0;
    size_t i, j;

    *need = size_kib ? (memory_kib + size_kib - 1) / size_kib : 0;
    *freep = 0;
    for (i = 0; i < c->host.npools; i++) {
        const vt_hp_pool *p = &c->host.pools[i];
        if (p->size_kib != size_kib)
            continue;
        for (j = 0; j < p->nnodes; j++)
            if (!limit || vt_cpuset_has(&allowed, (unsigned)p->nodes[j].node))
                *freep += p->nodes[j].free;
        if (!p->nnodes)
            *freep = p->free;
        return *freep >= *need;
    }
    return -1;
}

void vt_check_all(vt_conn *c)
{
    size_t i;

    for (i = 0; i < c->ndoms; i++)
        c->doms[i]->nfindings = (unsigned)vt_check_domain(c, c->doms[i], NULL, 0);
}
