#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "sysparse.h"

static char *read_at(const char *root, const char *rel)
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%s", root, rel);
    return vt_rstrip(vt_read_file(p, 65536, NULL));
}

/* Whether the kernel lets the knob be written at all: its mode bits (a
 * read-only kvm parameter is 0444, and root passes access(W_OK) even
 * then). Whether this user may is asked when an edit is prepared. */
static bool file_writable(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && (st.st_mode & 0222);
}

static void read_u64_fact(vt_u64_fact *f, const char *root, const char *rel,
                          bool module_loaded)
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%s", root, rel);
    vt_err err = { { 0 } };
    VT_AUTOFREE char *s = NULL;

    memset(f, 0, sizeof(*f));
    if (!module_loaded) {
        f->why = vt_strdup("kvm module not loaded");
        return;
    }
    s = vt_rstrip(vt_read_file(p, 64, &err));
    if (!s) {
        f->why = vt_strdup(errno == ENOENT ? "not present on this kernel" : err.msg);
        return;
    }
    if (vt_parse_ull(s, &f->value) < 0) {
        f->why = vt_asprintf("unexpected value \"%s\" in %s", s, p);
        return;
    }
    f->present = true;
    f->writable = file_writable(p);
}

static char *mask_to_cpus(const char *mask)
{
    vt_cpuset set;

    if (!mask || vt_hexmask_parse(mask, &set, NULL) < 0)
        return NULL;
    return vt_cpuset_format(&set);
}

static void read_workqueue(vt_host *h, const char *root)
{
    VT_AUTOFREE char *req = read_at(root, "devices/virtual/workqueue/cpumask_requested");
    VT_AUTOFREE char *iso = read_at(root, "devices/virtual/workqueue/cpumask_isolated");
    VT_AUTOFREE char *p = vt_asprintf("%s/devices/virtual/workqueue/cpumask", root);
    vt_err err = { { 0 } };

    h->workqueue_mask = vt_rstrip(vt_read_file(p, 8192, &err));
    if (!h->workqueue_mask) {
        h->workqueue_why = vt_strdup(err.msg);
        return;
    }
    h->workqueue_cpus = mask_to_cpus(h->workqueue_mask);
    if (!h->workqueue_cpus)
        h->workqueue_why = vt_asprintf("cannot decode mask \"%s\"", h->workqueue_mask);
    h->workqueue_writable = file_writable(p);
    h->workqueue_requested = mask_to_cpus(req);
    h->workqueue_isolated = mask_to_cpus(iso);
}

static void read_selection(const char *root, const char *rel, char **sel, char **opts)
{
    VT_AUTOFREE char *s = read_at(root, rel);
    vt_selection v;
    vt_buf b = { 0 };
    size_t i;

    if (!s || vt_selection_parse(s, &v, NULL) < 0)
        return;
    *sel = vt_strdup(v.opts[v.selected]);
    for (i = 0; i < v.nopts; i++) {
        if (i)
            vt_buf_add(&b, " ");
        vt_buf_add(&b, v.opts[i]);
    }
    *opts = vt_buf_steal(&b);
    vt_selection_free(&v);
}

static unsigned long long read_ull_at(const char *root, const char *rel)
{
    VT_AUTOFREE char *s = read_at(root, rel);
    unsigned long long v = 0;

    if (s)
        vt_parse_ull(s, &v);
    return v;
}

/* false when the file is not there (or not a number) */
static bool read_ull_have(const char *root, const char *rel, unsigned long long *v)
{
    VT_AUTOFREE char *s = read_at(root, rel);

    *v = 0;
    return s && vt_parse_ull(s, v) == 0;
}

static int cmp_pool(const void *a, const void *b)
{
    const vt_hp_pool *x = a, *y = b;
    return (x->size_kib > y->size_kib) - (x->size_kib < y->size_kib);
}

static void read_pools(vt_host *h, const char *root)
{
    VT_AUTOFREE char *dir = vt_asprintf("%s/kernel/mm/hugepages", root);
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t i;

    if (!d)
        return;
    while ((de = readdir(d))) {
        unsigned long long kib;
        char tail[8];
        if (sscanf(de->d_name, "hugepages-%llu%7s", &kib, tail) != 2 ||
            strcmp(tail, "kB") != 0)
            continue;
        vt_hp_pool *p = vt_array_push(&h->pools, &h->npools, sizeof(*p));
        p->size_kib = kib;
#define POOLF(field, file) do { \
            VT_AUTOFREE char *rel = vt_asprintf("kernel/mm/hugepages/%s/" file, de->d_name); \
            p->field = read_ull_at(root, rel); } while (0)
        POOLF(nr, "nr_hugepages");
        POOLF(free, "free_hugepages");
        POOLF(surplus, "surplus_hugepages");
        POOLF(resv, "resv_hugepages");
#undef POOLF
        bool all_nodes = h->nnodes > 0;
        unsigned long long nr = 0, fr = 0, su = 0;
        for (i = 0; i < h->nnodes; i++) {
            vt_hp_node *n = vt_array_push(&p->nodes, &p->nnodes, sizeof(*n));
            VT_AUTOFREE char *base = vt_asprintf("devices/system/node/node%d/hugepages/hugepages-%llukB",
                                                 h->nodes[i].id, kib);
            VT_AUTOFREE char *nrel = vt_asprintf("%s/nr_hugepages", base);
            VT_AUTOFREE char *frel = vt_asprintf("%s/free_hugepages", base);
            VT_AUTOFREE char *srel = vt_asprintf("%s/surplus_hugepages", base);
            n->node = h->nodes[i].id;
            all_nodes = read_ull_have(root, nrel, &n->nr) && all_nodes;
            n->free = read_ull_at(root, frel);
            n->surplus = read_ull_at(root, srel);
            nr += n->nr;
            fr += n->free;
            su += n->surplus;
        }
        /* The kernel's total is the sum of its nodes; a stand-in tree (the
           demo) has no kernel to keep its global file in step after a
           node's pool is written, so the nodes are what counts. */
        if (all_nodes) {
            p->nr = nr;
            p->free = fr;
            p->surplus = su;
        }
    }
    closedir(d);
    if (h->npools)
        vt_qsort(h->pools, h->npools, sizeof(*h->pools), cmp_pool);
}

static void read_nodes(vt_host *h, const char *root)
{
    VT_AUTOFREE char *online = read_at(root, "devices/system/node/online");
    vt_cpuset set;
    int last, i;

    if (!online || vt_cpuset_parse(online, &set, NULL) < 0)
        return;
    last = vt_cpuset_last(&set);
    for (i = 0; i <= last; i++) {
        if (!vt_cpuset_has(&set, (unsigned)i))
            continue;
        vt_numa_node *n = vt_array_push(&h->nodes, &h->nnodes, sizeof(*n));
        VT_AUTOFREE char *rel = vt_asprintf("devices/system/node/node%d/cpulist", i);
        VT_AUTOFREE char *cpus = read_at(root, rel);
        vt_cpuset cs;
        n->id = i;
        if (cpus && *cpus && vt_cpuset_parse(cpus, &cs, NULL) == 0)
            n->cpus = vt_cpuset_format(&cs);
        else
            n->cpus = vt_strdup("");
    }
    h->topology_source = "sysfs";
}

/* MemTotal and MemFree of each node, whichever source gave the topology:
 * capabilities carry the size but not what is free, which the huge page
 * pre-flight needs. A line per field, "Node 1 MemFree:   123 kB". */
static void read_node_meminfo(vt_host *h, const char *root)
{
    for (size_t i = 0; i < h->nnodes; i++) {
        vt_numa_node *n = &h->nodes[i];
        VT_AUTOFREE char *rel = vt_asprintf("devices/system/node/node%d/meminfo", n->id);
        VT_AUTOFREE char *mi = read_at(root, rel);
        const char *m;
        unsigned long long v;

        n->free_known = false;
        if (!mi)
            continue;
        /* capabilities' size, where they gave one, stays what is shown */
        if (!n->memory_kib && (m = strstr(mi, "MemTotal:")) &&
            sscanf(m, "MemTotal: %llu", &v) == 1)
            n->memory_kib = v;
        if ((m = strstr(mi, "MemFree:")) && sscanf(m, "MemFree: %llu", &n->free_kib) == 1)
            n->free_known = true;
    }
}

static vt_selinux_mode read_selinux(const char *root)
{
    int r;

    if (strcmp(root, "/sys") == 0) {
        if (is_selinux_enabled() <= 0)
            return VT_SELINUX_DISABLED;
        r = security_getenforce();
    } else {
        /* A stand-in sysfs: point libselinux at its selinuxfs copy. */
        VT_AUTOFREE char *mnt = vt_asprintf("%s/fs/selinux", root);
        VT_AUTOFREE char *enforce = vt_asprintf("%s/enforce", mnt);
        if (access(enforce, R_OK) != 0)
            return VT_SELINUX_DISABLED;
        /* set_selinuxmnt keeps a copy and drops the one it had: free that
           first, or every refresh leaks it */
        fini_selinuxmnt();
        set_selinuxmnt(mnt);
        r = security_getenforce();
    }
    if (r == 1)
        return VT_SELINUX_ENFORCING;
    if (r == 0)
        return VT_SELINUX_PERMISSIVE;
    return VT_SELINUX_DISABLED;
}

/* basename of where a sysfs link points: a PCI device's address */
static char *link_base(const char *path)
{
    char to[4096];
    ssize_t n = readlink(path, to, sizeof(to) - 1);
    const char *b;

    if (n <= 0)
        return NULL;
    to[n] = '\0';
    while (n > 1 && to[n - 1] == '/')
        to[--n] = '\0';
    b = strrchr(to, '/');
    return vt_strdup(b ? b + 1 : to);
}

/* the first entry of a directory (a VF's net/NAME), or NULL */
static char *first_entry(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *name = NULL;

    if (!d)
        return NULL;
    while (!name && (de = readdir(d)))
        if (de->d_name[0] != '.')
            name = vt_strdup(de->d_name);
    closedir(d);
    return name;
}

static int cmp_pf(const void *a, const void *b)
{
    return strcmp(((const vt_sriov_pf *)a)->pf, ((const vt_sriov_pf *)b)->pf);
}

/* SR-IOV NICs: class/net/PF/device is the PF's PCI device, with
 * sriov_totalvfs, sriov_numvfs and a virtfnN link per enabled VF (the
 * kernel's Documentation/PCI/pci-iov-howto); the bridge over a PF is the
 * one with brif/PF. */
static void read_sriov(vt_host *h, const char *root)
{
    VT_AUTOFREE char *net = vt_asprintf("%s/class/net", root);
    DIR *d = opendir(net);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d))) {
        VT_AUTOFREE char *rel = NULL;
        VT_AUTOFREE char *dev = NULL;
        unsigned long long total, num;

        if (de->d_name[0] == '.')
            continue;
        rel = vt_asprintf("class/net/%s/device/sriov_totalvfs", de->d_name);
        if (!read_ull_have(root, rel, &total))
            continue;
        free(rel);
        rel = vt_asprintf("class/net/%s/device/sriov_numvfs", de->d_name);
        read_ull_have(root, rel, &num);
        vt_sriov_pf *pf = vt_array_push(&h->sriov, &h->nsriov, sizeof(*pf));
        pf->pf = vt_strdup(de->d_name);
        dev = vt_asprintf("%s/class/net/%s/device", root, de->d_name);
        pf->pci = link_base(dev);
        if (!pf->pci)
            pf->pci = vt_strdup("?");
        pf->totalvfs = (unsigned)total;
        pf->numvfs = (unsigned)num;
        for (unsigned i = 0;; i++) {
            VT_AUTOFREE char *vf = vt_asprintf("%s/virtfn%u", dev, i);
            VT_AUTOFREE char *vfnet = vt_asprintf("%s/virtfn%u/net", dev, i);
            char *pci = link_base(vf);
            if (!pci)
                break;
            vt_sriov_vf *v = vt_array_push(&pf->vfs, &pf->nvfs, sizeof(*v));
            v->pci = pci;
            v->netdev = first_entry(vfnet);
        }
    }
    rewinddir(d);
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        for (size_t i = 0; i < h->nsriov; i++) {
            VT_AUTOFREE char *port = vt_asprintf("%s/%s/brif/%s", net, de->d_name, h->sriov[i].pf);
            if (!h->sriov[i].bridge && access(port, F_OK) == 0)
                h->sriov[i].bridge = vt_strdup(de->d_name);
        }
    }
    closedir(d);
    if (h->nsriov)
        vt_qsort(h->sriov, h->nsriov, sizeof(*h->sriov), cmp_pf);
}

char *vt_host_dev_path(const char *sysfs_root, const char *name)
{
    if (!sysfs_root || strcmp(sysfs_root, "/sys") == 0)
        return vt_asprintf("/dev/%s", name);
    return vt_asprintf("%s/../dev/%s", sysfs_root, name);
}

char *vt_host_find_modprobe(void)
{
    const char *env = getenv("VT_MODPROBE");
    const char *path = getenv("PATH");
    VT_AUTOFREE char *dirs = vt_asprintf("%s:/sbin:/usr/sbin", path && *path ? path : "/usr/bin:/bin");
    char *save = NULL, *dir;

    if (env && *env)
        return access(env, X_OK) == 0 ? vt_strdup(env) : NULL;
    for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *p;
        if (dir[0] != '/')        /* only absolute paths: no ./modprobe */
            continue;
        p = vt_asprintf("%s/modprobe", dir);
        if (access(p, X_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

const vt_sriov_pf *vt_host_sriov_pf(const vt_host *h, const char *dev)
{
    for (size_t i = 0; dev && i < h->nsriov; i++)
        if (strcmp(h->sriov[i].pf, dev) == 0)
            return &h->sriov[i];
    return NULL;
}

unsigned vt_sriov_free_vfs(const vt_sriov_pf *pf)
{
    unsigned held = 0;

    /* by the count, not the links: the what-if changes only the count */
    for (size_t i = 0; i < pf->nvfs; i++)
        held += pf->vfs[i].vm != NULL;
    return pf->numvfs > held ? pf->numvfs - held : 0;
}

static bool pci_part(const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    if (!s || !*s)
        return false;
    errno = 0;
    *out = strtoul(s, &end, 0);
    return !errno && !*end && *out <= max;
}

char *vt_sriov_pci_name(const char *domain, const char *bus, const char *slot,
                        const char *function)
{
    unsigned long d = 0, b, s, f;

    if ((domain && !pci_part(domain, 0xffff, &d)) || !pci_part(bus, 0xff, &b) ||
        !pci_part(slot, 0x1f, &s) || !pci_part(function, 7, &f))
        return NULL;
    return vt_asprintf("%04lx:%02lx:%02lx.%lx", d, b, s, f);
}

int vt_host_read_sysfs(vt_host *h, const char *root, vt_err *err)
{
    VT_AUTOFREE char *vhost_dev = vt_host_dev_path(root, "vhost-net");
    VT_AUTOFREE char *kvm = vt_asprintf("%s/module/kvm", root);
    VT_AUTOFREE char *vhost = vt_asprintf("%s/module/vhost_net", root);
    VT_AUTOFREE char *online = NULL;
    struct stat st;
    vt_cpuset set;

    if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
        vt_err_set(err, _("cannot read sysfs root %s: %s"), root,
                   errno ? strerror(errno) : "not a directory");
        return -1;
    }
    h->kvm_loaded = access(kvm, F_OK) == 0;
    read_u64_fact(&h->halt_poll_ns, root, "module/kvm/parameters/halt_poll_ns", h->kvm_loaded);
    read_u64_fact(&h->halt_poll_ns_grow, root, "module/kvm/parameters/halt_poll_ns_grow", h->kvm_loaded);
    read_u64_fact(&h->halt_poll_ns_grow_start, root, "module/kvm/parameters/halt_poll_ns_grow_start", h->kvm_loaded);
    read_u64_fact(&h->halt_poll_ns_shrink, root, "module/kvm/parameters/halt_poll_ns_shrink", h->kvm_loaded);
    read_workqueue(h, root);
    read_selection(root, "kernel/mm/transparent_hugepage/enabled", &h->thp_enabled, &h->thp_enabled_opts);
    read_selection(root, "kernel/mm/transparent_hugepage/defrag", &h->thp_defrag, &h->thp_defrag_opts);
    if (!h->nodes)
        read_nodes(h, root);
    read_node_meminfo(h, root);
    read_pools(h, root);
    online = read_at(root, "devices/system/cpu/online");
    if (online && vt_cpuset_parse(online, &set, NULL) == 0) {
        h->online_cpus = vt_cpuset_format(&set);
        if (!h->ncpus)
            h->ncpus = (unsigned)vt_cpuset_last(&set) + 1;
    }
    h->selinux = read_selinux(root);
    /* built in, the module has no directory of its own but the node is there */
    h->vhost_net_loaded = access(vhost, F_OK) == 0 || access(vhost_dev, F_OK) == 0;
    h->modprobe = vt_host_find_modprobe();
    read_sriov(h, root);
    return 0;
}

static void u64_fact_clear(vt_u64_fact *f)
{
    free(f->why);
    f->why = NULL;
}

void vt_host_clear_sysfs(vt_host *h)
{
    size_t i;

    u64_fact_clear(&h->halt_poll_ns);
    u64_fact_clear(&h->halt_poll_ns_grow);
    u64_fact_clear(&h->halt_poll_ns_grow_start);
    u64_fact_clear(&h->halt_poll_ns_shrink);
    memset(&h->halt_poll_ns, 0, sizeof(h->halt_poll_ns));
    memset(&h->halt_poll_ns_grow, 0, sizeof(h->halt_poll_ns_grow));
    memset(&h->halt_poll_ns_grow_start, 0, sizeof(h->halt_poll_ns_grow_start));
    memset(&h->halt_poll_ns_shrink, 0, sizeof(h->halt_poll_ns_shrink));
    free(h->workqueue_cpus);
    free(h->workqueue_mask);
    free(h->workqueue_requested);
    free(h->workqueue_isolated);
    free(h->workqueue_why);
    h->workqueue_cpus = h->workqueue_mask = h->workqueue_requested = NULL;
    h->workqueue_isolated = h->workqueue_why = NULL;
    h->workqueue_writable = false;
    free(h->thp_enabled);
    free(h->thp_defrag);
    free(h->thp_enabled_opts);
    free(h->thp_defrag_opts);
    h->thp_enabled = h->thp_defrag = h->thp_enabled_opts = h->thp_defrag_opts = NULL;
    for (i = 0; i < h->npools; i++)
        free(h->pools[i].nodes);
    free(h->pools);
    h->pools = NULL;
    h->npools = 0;
    if (h->topology_source && strcmp(h->topology_source, "sysfs") == 0) {
        for (i = 0; i < h->nnodes; i++)
            free(h->nodes[i].cpus);
        free(h->nodes);
        h->nodes = NULL;
        h->nnodes = 0;
        h->topology_source = NULL;
    }
    free(h->online_cpus);
    h->online_cpus = NULL;
    free(h->sysfs_why);
    h->sysfs_why = NULL;
    h->kvm_loaded = false;
    h->vhost_net_loaded = false;
    free(h->modprobe);
    h->modprobe = NULL;
    for (i = 0; i < h->nsriov; i++) {
        vt_sriov_pf *pf = &h->sriov[i];
        for (size_t j = 0; j < pf->nvfs; j++) {
            free(pf->vfs[j].pci);
            free(pf->vfs[j].netdev);
            free(pf->vfs[j].vm);
            free(pf->vfs[j].via);
        }
        free(pf->vfs);
        free(pf->pf);
        free(pf->pci);
        free(pf->bridge);
    }
    free(h->sriov);
    h->sriov = NULL;
    h->nsriov = 0;
    h->selinux = VT_SELINUX_DISABLED;
}

void vt_host_clear(vt_host *h)
{
    size_t i;

    if (!h)
        return;
    vt_host_clear_sysfs(h);
    free(h->hostname);
    for (i = 0; i < h->nnodes; i++)
        free(h->nodes[i].cpus);
    free(h->nodes);
    for (i = 0; i < h->nsecmodels; i++)
        free(h->secmodels[i]);
    free(h->secmodels);
    memset(h, 0, sizeof(*h));
}

bool vt_host_has_secmodel(const vt_host *h, const char *model)
{
    size_t i;

    if (!h->secmodels_known)
        return true;
    for (i = 0; i < h->nsecmodels; i++)
        if (strcmp(h->secmodels[i], model) == 0)
            return true;
    return false;
}

const char *vt_selinux_mode_name(vt_selinux_mode m)
{
    static const char *const names[VT_SELINUX_LAST] = {
        "disabled", "permissive", "enforcing",
    };
    return m < VT_SELINUX_LAST ? names[m] : "unknown";
}
