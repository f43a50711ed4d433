#include "hostedit.h"

#include <errno.h>
#include <fcntl.h>
#include <libvirt/virterror.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "diff.h"
#include "fsutil.h"
#include "host.h"
#include "sysparse.h"
#include "xmlutil.h"

#define WQ_REL "devices/virtual/workqueue/cpumask"
#define MODPROBE_REL "modprobe.d/virt-tune-kvm.conf"
#define SYSCTL_REL "sysctl.d/90-virt-tune-hugepages.conf"
#define TMPFILES_REL "tmpfiles.d/virt-tune.conf"
#define MODULES_REL "modules-load.d/vhost_net.conf"
#define UDEV_REL "udev/rules.d/70-virt-tune-sriov.rules"

static const char *vir_msg(void)
{
    virErrorPtr e = virGetLastError();

    return e && e->message ? e->message : _("unknown libvirt error");
}

/* ---- files ---- */

/* ---- sysfs ---- */

static char *sysfs_rel(const vt_edit *e)
{
    switch (e->kind) {
    case VT_EDIT_HOST_PARAM:
        return vt_asprintf("module/kvm/parameters/%s", e->knob);
    case VT_EDIT_HOST_WORKQUEUE:
        return vt_strdup(WQ_REL);
    case VT_EDIT_HOST_THP:
        return vt_asprintf("kernel/mm/transparent_hugepage/%s", e->knob);
    case VT_EDIT_HOST_HUGEPAGES:
        if (e->node >= 0)
            return vt_asprintf("devices/system/node/node%d/hugepages/hugepages-%llukB/nr_hugepages",
                               e->node, e->size_kib);
        return vt_asprintf("kernel/mm/hugepages/hugepages-%llukB/nr_hugepages", e->size_kib);
    case VT_EDIT_HOST_MODULE:
        return vt_asprintf("module/%s", e->knob);
    case VT_EDIT_HOST_SRIOV:
        return vt_asprintf("class/net/%s/device/sriov_numvfs", e->target);
    default:
        return NULL;
    }
}

/* errno of a sysfs write, in words */
static void write_error(const char *path, int errnum, const char *value, vt_err *err)
{
    struct stat st;

    if ((errnum == EACCES || errnum == EPERM) && stat(path, &st) == 0 && !(st.st_mode & 0222))
        vt_err_set(err, _("%s is read-only on this kernel (mode %04o), even for root"), path,
                   (unsigned)(st.st_mode & 07777));
    else if (errnum == EACCES || errnum == EPERM)
        vt_err_set(err, _("not permitted to write %s (needs root)"), path);
    else if (errnum == EINVAL || errnum == ERANGE)
        vt_err_set(err, _("the kernel refused \"%s\" for %s (not a value it accepts)"), value, path);
    else if (errnum == ENOENT)
        vt_err_set(err, _("%s does not exist on this kernel"), path);
    else
        vt_err_set(err, _("cannot write \"%s\" to %s: %s"), value, path, strerror(errnum));
}

/* A stand-in tree (--sysfs-root, the demo) is plain files, not the
 * kernel: there a selection file gets the line the kernel would then show
 * ("always madvise [never]"), so that reading it back works the same. */
static char *standin_text(const char *path, const char *value)
{
    VT_AUTOFREE char *cur = vt_rstrip(vt_read_file(path, 65536, NULL));
    vt_selection sel;
    vt_buf b = { 0 };

    if (!cur || !strchr(cur, '[') || vt_selection_parse(cur, &sel, NULL) < 0)
        return vt_asprintf("%s\n", value);
    for (size_t i = 0; i < sel.nopts; i++) {
        bool on = strcmp(sel.opts[i], value) == 0;
        vt_buf_addf(&b, "%s%s%s%s", i ? " " : "", on ? "[" : "", sel.opts[i], on ? "]" : "");
    }
    vt_selection_free(&sel);
    vt_buf_add(&b, "\n");
    return vt_buf_steal(&b);
}

static int sysfs_write(const char *root, const char *path, const char *value, vt_err *err)
{
    char *text = strcmp(root, "/sys") == 0 ? vt_asprintf("%s\n", value) : standin_text(path, value);
    size_t len = strlen(text);
    ssize_t n;
    /* O_TRUNC: nothing to sysfs, needed for a stand-in tree's plain files */
    int fd = open(path, O_WRONLY | O_TRUNC);

    if (fd < 0) {
        write_error(path, errno, value, err);
        free(text);
        return -1;
    }
    n = write(fd, text, len);
    if (n < 0 || (size_t)n != len) {
        write_error(path, n < 0 ? errno : EIO, value, err);
        close(fd);
        free(text);
        return -1;
    }
    free(text);
    if (close(fd) < 0) {
        write_error(path, errno, value, err);
        return -1;
    }
    return 0;
}

static char *sysfs_read(const char *path, vt_err *err)
{
    char *s = vt_read_file(path, 65536, err);

    return s ? vt_rstrip(s) : NULL;
}

/* Whether what the kernel reports now is what was written. */
static bool readback_ok(const vt_step *s, const char *now, char *why, size_t whysz)
{
    if (strcmp(s->knob, "workqueue_cpus") == 0) {
        vt_cpuset want, have;
        if (vt_hexmask_parse(s->write, &want, NULL) == 0 && vt_hexmask_parse(now, &have, NULL) == 0 &&
            vt_cpuset_equal(&want, &have))
            return true;
    } else if (strcmp(s->knob, "enabled") == 0 || strcmp(s->knob, "defrag") == 0) {
        vt_selection sel;
        bool ok = false;
        if (vt_selection_parse(now, &sel, NULL) == 0) {
            ok = strcmp(sel.opts[sel.selected], s->write) == 0;
            vt_selection_free(&sel);
        }
        if (ok)
            return true;
    } else if (strcmp(now, s->write) == 0) {
        return true;
    }
    snprintf(why, whysz, "wrote \"%s\" to %s but the kernel now reports \"%s\"", s->write, s->path,
             now);
    return false;
}

/* ---- prepare ---- */

static const vt_u64_fact *param_fact(const vt_host *h, const char *knob)
{
    if (strcmp(knob, "halt_poll_ns") == 0)
        return &h->halt_poll_ns;
    if (strcmp(knob, "halt_poll_ns_grow") == 0)
        return &h->halt_poll_ns_grow;
    if (strcmp(knob, "halt_poll_ns_grow_start") == 0)
        return &h->halt_poll_ns_grow_start;
    return &h->halt_poll_ns_shrink;
}

static const vt_hp_pool *find_pool(const vt_host *h, unsigned long long size_kib)
{
    for (size_t i = 0; i < h->npools; i++)
        if (h->pools[i].size_kib == size_kib)
            return &h->pools[i];
    return NULL;
}

static const char *size_word(unsigned long long kib, char *buf, size_t n)
{
    vt_format_size_kib(kib, buf, n);
    return buf;
}

/* "thp enabled", "hugepages 2M node 0", "halt_poll_ns" */
static char *edit_label(const vt_edit *e)
{
    char sz[32];

    switch (e->kind) {
    case VT_EDIT_HOST_THP:
        return vt_asprintf("thp %s", e->knob);
    case VT_EDIT_HOST_HUGEPAGES:
        vt_format_size_kib(e->size_kib, sz, sizeof(sz));
        if (e->node >= 0)
            return vt_asprintf("hugepages %s node %d", sz, e->node);
        return vt_asprintf("hugepages %s", sz);
    case VT_EDIT_HOST_MODULE:
        return vt_asprintf("module %s", e->knob);
    case VT_EDIT_HOST_SRIOV:
        return vt_asprintf("sriov %s numvfs", e->target);
    default:
        return vt_strdup(e->knob);
    }
}

static vt_step *host_step(vt_applyplan *p, vt_step_kind kind, const vt_edit *e)
{
    vt_step *s = vt_applyplan_add_step(p, kind);

    s->vm = vt_strdup("host");
    s->knob = vt_strdup(e->knob);
    s->effect = e->persist ? VT_EFFECT_LIVE_NOW : VT_EFFECT_UNTIL_REBOOT;
    s->node = -1;
    s->persist = e->persist;
    return s;
}

/* running VMs whose vCPUs are pinned onto CPUs of set */
static void workqueue_overlap(const vt_conn *c, vt_applyplan *p, const vt_cpuset *set,
                              const char *w)
{
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *d = c->doms[i];
        if (!vt_domain_active(d) || !d->live)
            continue;
        for (size_t j = 0; j < d->live->nvcpupins; j++) {
            vt_cpuset pin;
            if (!d->live->vcpupins[j].cpuset ||
                vt_cpuset_parse(d->live->vcpupins[j].cpuset, &pin, NULL) < 0 ||
                !vt_cpuset_intersects(&pin, set))
                continue;
            vt_applyplan_warn(p, _("%sworkqueue CPUs overlap the pinned vCPU %u of %s (on %s): "
                              "kworkers will run beside it"), w, d->live->vcpupins[j].id, d->name,
                              d->live->vcpupins[j].cpuset);
            break;
        }
    }
}

/* Each prepare_* below checks one kind of host edit against this host
 * and adds its step; *out stays NULL when the edit needs no sysfs or pool
 * step (a read-only knob kept for the boot-time file only). w is the
 * "line N: " of the edit. */

static int prepare_param(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                         vt_step **out, vt_err *err)
{
    const vt_u64_fact *f = param_fact(&c->host, e->knob);
    char before[32];
    vt_step *s;

    if (!f->present) {
        vt_err_set(err, "%s%s: %s", w, e->knob, f->why ? f->why : "not present");
        return -1;
    }
    snprintf(before, sizeof(before), "%llu", f->value);
    if (!f->writable) {
        if (!e->persist && !e->unpersist) {
            vt_err_set(err, _("%s%s is read-only on this kernel, even for root: add persist to "
                       "set it when the kvm module is next loaded"), w, e->knob);
            return -1;
        }
        vt_applyplan_warn(p, _("%s%s is read-only on this kernel: only %s/%s changes, which "
                          "takes effect when the kvm module is next loaded"), w, e->knob,
                          c->etc_root, MODPROBE_REL);
        return 0;
    }
    s = *out = host_step(p, VT_STEP_SYSFS, e);
    s->write = vt_asprintf("%llu", e->value);
    vt_applyplan_add_change(s, e->knob, before, s->write, e->line);
    if (strcmp(e->knob, "halt_poll_ns") == 0 && e->value == 0)
        vt_applyplan_warn(p, _("%shalt_poll_ns 0 disables halt polling: less host CPU on idle "
                          "VMs, slower vCPU wake-ups"), w);
    else if (strcmp(e->knob, "halt_poll_ns") == 0 && e->value > 2000000)
        vt_applyplan_warn(p, _("%shalt_poll_ns %llu: every idle vCPU may spin up to %llu us "
                          "before it sleeps, burning host CPU"), w, e->value, e->value / 1000);
    return 0;
}

static int prepare_workqueue(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                             vt_step **out, vt_err *err)
{
    const vt_host *h = &c->host;
    vt_cpuset set, online;
    vt_step *s;
    int last;

    if (!h->workqueue_cpus) {
        vt_err_set(err, _("%sworkqueue cpumask: %s"), w,
                   h->workqueue_why ? h->workqueue_why : _("not present on this kernel"));
        return -1;
    }
    if (vt_cpuset_parse(e->cpuset, &set, err) < 0)
        return -1;
    last = vt_cpuset_last(&set);
    if (h->ncpus && (unsigned)last >= h->ncpus) {
        vt_err_set(err, _("%sCPU %d does not exist on this host (CPUs 0-%u)"), w, last, h->ncpus - 1);
        return -1;
    }
    if (h->online_cpus && vt_cpuset_parse(h->online_cpus, &online, NULL) == 0 &&
        !vt_cpuset_intersects(&set, &online)) {
        vt_err_set(err, _("%sno CPU of %s is online (online: %s): kworkers would have nowhere "
                   "to run"), w, e->cpuset, h->online_cpus);
        return -1;
    }
    s = *out = host_step(p, VT_STEP_SYSFS, e);
    s->write = vt_hexmask_format(&set, h->ncpus ? h->ncpus : (unsigned)last + 1);
    vt_applyplan_add_change(s, "workqueue_cpus", h->workqueue_cpus, e->cpuset, e->line);
    workqueue_overlap(c, p, &set, w);
    return 0;
}

static int prepare_thp(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                       vt_step **out, vt_err *err)
{
    const vt_host *h = &c->host;
    const char *cur = strcmp(e->knob, "enabled") == 0 ? h->thp_enabled : h->thp_defrag;
    const char *opts = strcmp(e->knob, "enabled") == 0 ? h->thp_enabled_opts : h->thp_defrag_opts;
    char pad[256], word[64], *what;
    vt_step *s;

    if (!cur || !opts) {
        vt_err_set(err, _("%sTHP %s is not present on this kernel"), w, e->knob);
        return -1;
    }
    snprintf(pad, sizeof(pad), " %s ", opts);
    snprintf(word, sizeof(word), " %s ", e->mode);
    if (!strstr(pad, word)) {
        vt_err_set(err, _("%sTHP %s takes %s on this kernel, not %s"), w, e->knob, opts, e->mode);
        return -1;
    }
    s = *out = host_step(p, VT_STEP_SYSFS, e);
    s->write = vt_strdup(e->mode);
    what = edit_label(e);
    vt_applyplan_add_change(s, what, cur, e->mode, e->line);
    free(what);
    if (strcmp(e->knob, "enabled") == 0 && strcmp(e->mode, "never") != 0 && c->ndoms) {
        size_t i, hp = 0;
        for (i = 0; i < c->ndoms; i++)
            hp += c->doms[i]->config && c->doms[i]->config->hugepages;
        if (hp == c->ndoms)
            vt_applyplan_warn(p, _("%severy VM uses static huge pages: THP never saves the "
                              "host the khugepaged work (the guides' advice)"), w);
    }
    return 0;
}

/* KiB in words up to TiB: a count typed with a few digits too many is
 * only seen for what it is as "190.7 TiB" */
static void big_size(long double kib, char *buf, size_t n)
{
    static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    size_t u = 0;

    while (kib >= 1024 && u + 1 < sizeof(unit) / sizeof(*unit)) {
        kib /= 1024;
        u++;
    }
    if (kib == (unsigned long long)kib)
        snprintf(buf, n, "%llu %s", (unsigned long long)kib, unit[u]);
    else
        snprintf(buf, n, "%.1Lf %s", kib, unit[u]);
}

/* The memory a pool can take: one node's, or the host's (all nodes).
 * false when the host does not say (no node sizes: nothing to judge). */
static bool pool_memory(const vt_host *h, int node, unsigned long long *total,
                        unsigned long long *freekib, bool *free_known)
{
    bool any = false;

    *total = *freekib = 0;
    *free_known = true;
    for (size_t i = 0; i < h->nnodes; i++) {
        const vt_numa_node *n = &h->nodes[i];
        if (node >= 0 && n->id != node)
            continue;
        if (!n->memory_kib)
            return false;
        any = true;
        *total += n->memory_kib;
        *freekib += n->free_kib;
        *free_known = *free_known && n->free_known;
    }
    return any;
}

/* The kernel takes any count and gives what it can, so an impossible one
 * would "succeed" short (or, on a stand-in tree, be written as is): what
 * cannot exist in the memory is refused here, before anything runs; what
 * needs more than is free is said, since the kernel may then give fewer. */
static int pages_preflight(const vt_host *h, vt_applyplan *p, const vt_edit *e,
                           unsigned long long have, const char *w, vt_err *err)
{
    unsigned long long total, freekib, more;
    bool free_known;
    char where[32], mem[32], want[32], fr[32], sz[32];

    if (!pool_memory(h, e->node, &total, &freekib, &free_known))
        return 0;
    size_word(e->size_kib, sz, sizeof(sz));
    if (e->node >= 0)
        /* TRANSLATORS: where a huge page pool is, in "node 1 has 32 GiB of memory" */
        snprintf(where, sizeof(where), _("node %d"), e->node);
    else
        /* TRANSLATORS: where a huge page pool is, in "the host has 64 GiB of memory" */
        snprintf(where, sizeof(where), "%s", _("the host"));
    big_size((long double)e->value * e->size_kib, want, sizeof(want));
    big_size(total, mem, sizeof(mem));
    if (e->value > total / e->size_kib) {
        vt_err_set(err, _("%s%s has %s of memory: %llu x %s pages (%s) cannot exist"), w, where, mem,
                   e->value, sz, want);
        return -1;
    }
    if (!free_known || e->value <= have)
        return 0;
    more = e->value - have;
    if (more > freekib / e->size_kib) {
        big_size(freekib, fr, sizeof(fr));
        big_size((long double)more * e->size_kib, want, sizeof(want));
        vt_applyplan_warn(p, _("%s%llu more %s pages need %s, %s has %s free: the kernel may give "
                          "fewer"), w, more, sz, want, where, fr);
    }
    return 0;
}

static int prepare_pages(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                         vt_step **out, vt_err *err)
{
    const vt_hp_pool *pool = find_pool(&c->host, e->size_kib);
    char before[32] = "?", sz[32], *what;
    unsigned long long have = 0;
    vt_step *s;

    size_word(e->size_kib, sz, sizeof(sz));
    if (!c->remote && !pool) {
        vt_err_set(err, _("%sthe host has no %s huge page pool (the kernel's page sizes are in "
                   "/sys/kernel/mm/hugepages)"), w, sz);
        return -1;
    }
    if (pool && e->node >= 0) {
        size_t i;
        for (i = 0; i < pool->nnodes && pool->nodes[i].node != e->node; i++)
            ;
        if (i == pool->nnodes) {
            vt_err_set(err, _("%sNUMA node %d does not exist on this host"), w, e->node);
            return -1;
        }
        snprintf(before, sizeof(before), "%llu", pool->nodes[i].nr);
        have = pool->nodes[i].nr;
        if (e->value < pool->nodes[i].nr - pool->nodes[i].free)
            vt_applyplan_warn(p, _("%s%llu %s pages on node %d are in use: the pool cannot "
                              "shrink below them"), w, pool->nodes[i].nr - pool->nodes[i].free,
                              sz, e->node);
    } else if (pool) {
        snprintf(before, sizeof(before), "%llu", pool->nr);
        have = pool->nr;
        if (e->value < pool->nr - pool->free)
            vt_applyplan_warn(p, _("%s%llu %s pages are in use: the pool cannot shrink below "
                              "them"), w, pool->nr - pool->free, sz);
    }
    if (pages_preflight(&c->host, p, e, have, w, err) < 0)
        return -1;
    s = *out = host_step(p, VT_STEP_PAGES, e);
    s->size_kib = e->size_kib;
    s->count = e->value;
    s->node = e->node;
    s->write = vt_asprintf("%llu", e->value);
    what = edit_label(e);
    vt_applyplan_add_change(s, what, before, s->write, e->line);
    free(what);
    return 0;
}

/* A module load: modprobe by the path found when the host was read (or
 * VT_MODPROBE). Already loaded, the step only notes it, so that a persist
 * keeps a step to revert by. */
static int prepare_module(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                          vt_step **out, vt_err *err)
{
    const vt_host *h = &c->host;
    vt_step *s;

    if (!h->vhost_net_loaded && !h->modprobe) {
        vt_err_set(err, _("%sno modprobe on this host (not in PATH, /sbin or /usr/sbin): load %s by "
                   "hand or install kmod"), w, e->knob);
        return -1;
    }
    s = *out = host_step(p, VT_STEP_MODULE, e);
    s->write = h->modprobe ? vt_strdup(h->modprobe) : NULL;
    vt_applyplan_add_change(s, "module vhost_net", h->vhost_net_loaded ? "loaded" : "not loaded",
                            "loaded", e->line);
    if (h->vhost_net_loaded && !e->persist && !e->unpersist)
        vt_applyplan_warn(p, _("%svhost_net is already loaded: nothing to do"), w);
    return 0;
}

/* A VF count. The kernel takes every VF away before it makes a new
 * count (it refuses a non-zero count over another with EBUSY, so the run
 * writes 0 first): VFs that VMs hold would vanish under them. */
static int prepare_sriov(vt_conn *c, vt_applyplan *p, const vt_edit *e, const char *w,
                         vt_step **out, vt_err *err)
{
    const vt_sriov_pf *pf = vt_host_sriov_pf(&c->host, e->target);
    vt_buf held = { 0 };
    char before[32];
    vt_step *s;

    if (!pf) {
        vt_err_set(err, _("%s%s is not an SR-IOV NIC on this host (no %s/class/net/%s/device/"
                   "sriov_totalvfs)"), w, e->target, c->sysfs_root, e->target);
        return -1;
    }
    if (e->value > pf->totalvfs) {
        vt_err_set(err, _("%s%s has at most %u VFs (sriov_totalvfs), not %llu"), w, pf->pf,
                   pf->totalvfs, e->value);
        return -1;
    }
    for (size_t i = 0; i < pf->nvfs; i++)
        if (pf->vfs[i].vm)
            vt_buf_addf(&held, "%s%s (%s)", held.len ? ", " : "", pf->vfs[i].pci, pf->vfs[i].vm);
    if (held.len && e->value != pf->numvfs) {
        vt_err_set(err, _("%sVFs of %s are given to VMs: %s; a new count takes every VF away "
                   "first: free them before"), w, pf->pf, held.buf);
        free(held.buf);
        return -1;
    }
    free(held.buf);
    snprintf(before, sizeof(before), "%u", pf->numvfs);
    s = *out = host_step(p, VT_STEP_SYSFS, e);
    s->write = vt_asprintf("%llu", e->value);
    s->value = vt_strdup(pf->pf);
    {
        char *what = edit_label(e);
        vt_applyplan_add_change(s, what, before, s->write, e->line);
        free(what);
    }
    return 0;
}

static int prepare_edit(vt_conn *c, vt_applyplan *p, const vt_edit *e, vt_err *err)
{
    char w[32], node[32] = "all nodes", *rel;
    vt_step *s = NULL;
    int rc;

    vt_applyplan_where(e, w, sizeof(w));
    if (c->remote && e->kind != VT_EDIT_HOST_HUGEPAGES) {
        vt_err_set(err, _("%s%s of a remote host cannot be changed from here: only its huge page "
                   "pools go through libvirt"), w, e->knob);
        return -1;
    }
    if (c->remote && e->persist) {
        vt_err_set(err, _("%spersist writes files on this machine, not on the remote host"), w);
        return -1;
    }
    switch (e->kind) {
    case VT_EDIT_HOST_PARAM: rc = prepare_param(c, p, e, w, &s, err); break;
    case VT_EDIT_HOST_WORKQUEUE: rc = prepare_workqueue(c, p, e, w, &s, err); break;
    case VT_EDIT_HOST_THP: rc = prepare_thp(c, p, e, w, &s, err); break;
    case VT_EDIT_HOST_HUGEPAGES: rc = prepare_pages(c, p, e, w, &s, err); break;
    case VT_EDIT_HOST_MODULE: rc = prepare_module(c, p, e, w, &s, err); break;
    case VT_EDIT_HOST_SRIOV: rc = prepare_sriov(c, p, e, w, &s, err); break;
    default: return 0;
    }
    if (rc < 0 || !s)
        return rc;
    rel = sysfs_rel(e);
    s->path = vt_asprintf("%s/%s", c->sysfs_root, rel);
    free(rel);
    if (s->kind == VT_STEP_PAGES && s->node >= 0)
        snprintf(node, sizeof(node), "node %d", s->node);
    if (s->kind == VT_STEP_MODULE)
        s->call = s->write ? vt_asprintf("%s %s (then %s must be there)", s->write, e->knob, s->path)
                           : vt_asprintf("none: %s is loaded", e->knob);
    else if (e->kind == VT_EDIT_HOST_SRIOV)
        s->call = vt_asprintf("write \"0\", then \"%s\" to %s (0 first unless it is 0 or "
                              "already %s)", s->write, s->path, s->write);
    else
        s->call = s->kind == VT_STEP_PAGES
                  ? vt_asprintf("virNodeAllocPages(%llu x %llu KiB, %s, SET)", s->count,
                                s->size_kib, node)
                  : vt_asprintf("write \"%s\" to %s", s->write, s->path);
    return 0;
}

/* ---- boot-time files ---- */

static unsigned long long default_page_kib(const vt_conn *c)
{
    VT_AUTOFREE char *path = vt_asprintf("%s/meminfo", c->procfs_root);
    VT_AUTOFREE char *mi = vt_read_file(path, 1 << 16, NULL);
    const char *at = mi ? strstr(mi, "Hugepagesize:") : NULL;
    unsigned long long kib = 2048;

    if (at)
        sscanf(at, "Hugepagesize: %llu", &kib);
    return kib;
}

typedef enum { FILE_MODPROBE, FILE_SYSCTL, FILE_TMPFILES, FILE_MODULES, FILE_UDEV, FILE_LAST } boot_file;

static boot_file file_of(const vt_conn *c, const vt_edit *e)
{
    if (e->kind == VT_EDIT_HOST_PARAM)
        return FILE_MODPROBE;
    if (e->kind == VT_EDIT_HOST_MODULE)
        return FILE_MODULES;
    if (e->kind == VT_EDIT_HOST_SRIOV)
        return FILE_UDEV;
    if (e->kind == VT_EDIT_HOST_HUGEPAGES && e->node < 0 && e->size_kib == default_page_kib(c))
        return FILE_SYSCTL;
    return FILE_TMPFILES;
}

/* the boot-time value text of an edit */
static char *boot_value(const vt_conn *c, const vt_edit *e)
{
    vt_cpuset set;

    switch (e->kind) {
    case VT_EDIT_HOST_WORKQUEUE:
        if (vt_cpuset_parse(e->cpuset, &set, NULL) < 0)
            return vt_strdup(e->cpuset);
        return vt_hexmask_format(&set, c->host.ncpus ? c->host.ncpus : 1);
    case VT_EDIT_HOST_THP: return vt_strdup(e->mode);
    case VT_EDIT_HOST_MODULE: return vt_strdup("load");
    default: return vt_asprintf("%llu", e->value);
    }
}

/* Lines of our own file kept unless an edit replaces them: by key, the
 * parameter name (modprobe), the sysctl name or the tmpfiles path. */
typedef struct kv {
    char *key, *value;
} kv;

static void kv_set(kv **a, size_t *n, const char *key, const char *value)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*a)[i].key, key) == 0) {
            free((*a)[i].value);
            (*a)[i].value = vt_strdup(value);
            return;
        }
    kv *x = vt_array_push(a, n, sizeof(kv));
    x->key = vt_strdup(key);
    x->value = vt_strdup(value);
}

static const char *kv_get(const kv *a, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].key, key) == 0)
            return a[i].value;
    return NULL;
}

static void kv_free(kv *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].key);
        free(a[i].value);
    }
    free(a);
}

#define UDEV_FMT "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"%s\", ATTR{device/sriov_numvfs}=\"%s\""

/* An entry line of a sysctl, tmpfiles, modules-load or udev file: 2 with
 * its key and value (a module's value is "load"), else fewer. */
static int line_kv(boot_file f, const char *line, char *k, char *v)
{
    switch (f) {
    case FILE_SYSCTL: return sscanf(line, " %511[^= ] = %511s", k, v);
    case FILE_TMPFILES: return sscanf(line, "w %511s - - - - %511s", k, v);
    case FILE_MODULES:
        if (sscanf(line, " %511[^#; \t]", k) != 1)
            return 0;
        strcpy(v, "load");
        return 2;
    case FILE_UDEV:
        return sscanf(line, "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"%511[^\"]\", "
                      "ATTR{device/sriov_numvfs}=\"%511[^\"]\"", k, v);
    default: return 0;
    }
}

static void parse_file(boot_file f, const char *text, kv **a, size_t *n)
{
    char *copy = vt_strdup(text ? text : ""), *save = NULL, *line;

    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char k[512], v[512];
        if (line[0] == '#')
            continue;
        if (f == FILE_MODPROBE && strncmp(line, "options kvm ", 12) == 0) {
            char *save2 = NULL, *tok;
            for (tok = strtok_r(line + 12, " \t", &save2); tok; tok = strtok_r(NULL, " \t", &save2)) {
                char *eq = strchr(tok, '=');
                if (eq) {
                    *eq = '\0';
                    kv_set(a, n, tok, eq + 1);
                }
            }
        } else if (f != FILE_MODPROBE && line_kv(f, line, k, v) == 2) {
            kv_set(a, n, k, v);
        }
    }
    free(copy);
}

/* A boot file as lines, edited in place: an edit changes only its own
 * key's line (for modprobe, its own option on the line), every other line
 * and comment stays as it was. So taking out an entry that an edit added
 * gives back the file as it was before, byte for byte. */
typedef struct lines {
    char **l;                  /* owned, each without its '\n' */
    size_t n;
    bool nl_end;               /* the text ended with a newline */
} lines;

static void lines_add(lines *b, const char *text)
{
    *(char **)vt_array_push(&b->l, &b->n, sizeof(char *)) = vt_strdup(text);
    b->nl_end = true;
}

static void lines_load(lines *b, const char *text)
{
    const char *p = text ? text : "";

    memset(b, 0, sizeof(*b));
    b->nl_end = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        *(char **)vt_array_push(&b->l, &b->n, sizeof(char *)) =
            vt_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        if (!nl) {
            b->nl_end = false;
            break;
        }
        p = nl + 1;
    }
}

static void lines_drop(lines *b, size_t i)
{
    free(b->l[i]);
    memmove(b->l + i, b->l + i + 1, (b->n - i - 1) * sizeof(char *));
    b->n--;
}

static char *lines_text(const lines *b)
{
    vt_buf t = { 0 };

    for (size_t i = 0; i < b->n; i++)
        vt_buf_addf(&t, "%s%s", b->l[i], i + 1 < b->n || b->nl_end ? "\n" : "");
    return vt_buf_steal(&t);
}

/* nothing but comments and blank lines: the file can go */
static bool lines_empty(const lines *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const char *p = b->l[i] + strspn(b->l[i], " \t");
        if (*p && *p != '#')
            return false;
    }
    return true;
}

static void lines_free(lines *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->l[i]);
    free(b->l);
}

#define MP_PREFIX "options kvm "

/* where key=VALUE is on an "options kvm" line: [*at, *end) */
static bool mp_find(const char *line, const char *key, size_t *at, size_t *end)
{
    size_t klen = strlen(key), i = strlen(MP_PREFIX);

    if (strncmp(line, MP_PREFIX, i) != 0)
        return false;
    while (line[i]) {
        size_t j;
        i += strspn(line + i, " \t");
        j = i + strcspn(line + i, " \t");
        if (j > i + klen && strncmp(line + i, key, klen) == 0 && line[i + klen] == '=') {
            *at = i;
            *end = j;
            return true;
        }
        i = j;
    }
    return false;
}

/* the line of key in a sysctl or tmpfiles file */
static bool line_is(boot_file f, const char *line, const char *key)
{
    char k[512], v[512];

    return line_kv(f, line, k, v) == 2 && strcmp(k, key) == 0;
}

static bool line_says(boot_file f, const char *line, const char *value)
{
    char k[512], v[512];

    return line_kv(f, line, k, v) == 2 && strcmp(v, value) == 0;
}

static char *line_for(boot_file f, const char *key, const char *value)
{
    switch (f) {
    case FILE_SYSCTL: return vt_asprintf("%s = %s", key, value);
    case FILE_MODULES: return vt_strdup(key);
    case FILE_UDEV: return vt_asprintf(UDEV_FMT, key, value);
    default: return vt_asprintf("w %s - - - - %s", key, value);
    }
}

/* key's entry set to value where it is; else added at the end (modprobe:
 * to the last options line) */
static void lines_set(lines *b, boot_file f, const char *key, const char *value)
{
    bool found = false;
    long last_opts = -1;

    for (size_t i = 0; i < b->n; i++) {
        size_t at, end;
        char *nl;
        if (f == FILE_MODPROBE) {
            if (strncmp(b->l[i], MP_PREFIX, strlen(MP_PREFIX)) == 0)
                last_opts = (long)i;
            if (!mp_find(b->l[i], key, &at, &end))
                continue;
            nl = vt_asprintf("%.*s%s=%s%s", (int)at, b->l[i], key, value, b->l[i] + end);
        } else {
            if (!line_is(f, b->l[i], key))
                continue;
            nl = line_for(f, key, value);
        }
        found = true;
        /* an entry that already says so keeps its spacing */
        if (f != FILE_MODPROBE && line_says(f, b->l[i], value)) {
            free(nl);
            continue;
        }
        free(b->l[i]);
        b->l[i] = nl;
    }
    if (found)
        return;
    if (f == FILE_MODPROBE && last_opts >= 0) {
        char *nl = vt_asprintf("%s %s=%s", b->l[last_opts], key, value);
        free(b->l[last_opts]);
        b->l[last_opts] = nl;
    } else {
        char *nl = f == FILE_MODPROBE ? vt_asprintf(MP_PREFIX "%s=%s", key, value) : line_for(f, key, value);
        lines_add(b, nl);
        free(nl);
    }
}

/* key's entry taken out; an options line left with no option goes too */
static void lines_unset(lines *b, boot_file f, const char *key)
{
    for (size_t i = b->n; i-- > 0;) {
        size_t at, end, pre = strlen(MP_PREFIX);
        char *nl;
        if (f != FILE_MODPROBE) {
            if (line_is(f, b->l[i], key))
                lines_drop(b, i);
            continue;
        }
        while (mp_find(b->l[i], key, &at, &end)) {
            size_t from = at;
            /* the blanks before it go with it, or after it when it is first */
            while (from > pre && (b->l[i][from - 1] == ' ' || b->l[i][from - 1] == '\t'))
                from--;
            if (from == pre)
                end += strspn(b->l[i] + end, " \t");
            else
                at = from;
            nl = vt_asprintf("%.*s%s", (int)at, b->l[i], b->l[i] + end);
            free(b->l[i]);
            b->l[i] = nl;
        }
        if (strncmp(b->l[i], MP_PREFIX, pre) == 0 && !b->l[i][pre + strspn(b->l[i] + pre, " \t")])
            lines_drop(b, i);
    }
}

static const char *const file_head[FILE_LAST] = {
    "# kvm module parameters, applied when the module is loaded.",
    "# huge pages of the default size, reserved at boot.",
    "# sysfs knobs written at boot by systemd-tmpfiles (type w).",
    "# kernel modules loaded at boot by systemd-modules-load.",
    "# SR-IOV VF counts, written by udev when the PF's netdev appears.",
};

static const char *const file_rel[FILE_LAST] = { MODPROBE_REL, SYSCTL_REL, TMPFILES_REL,
                                                MODULES_REL, UDEV_REL };

/* the step of the edit: its live (sysfs or pool) step, or NULL */
static vt_step *live_step_of(vt_applyplan *p, const long *step_of, size_t i)
{
    return step_of[i] >= 0 ? &p->steps[step_of[i]] : NULL;
}

static int prepare_files(vt_conn *c, vt_applyplan *p, const vt_changeset *cs, const long *step_of,
                         vt_err *err)
{
    for (int f = 0; f < FILE_LAST; f++) {
        char *path = vt_asprintf("%s/%s", c->etc_root, file_rel[f]);
        vt_err rerr = { { 0 } };
        char *old = vt_read_file(path, 0, &rerr), *label_a, *label_b;
        kv *vals = NULL;
        size_t nvals = 0;
        lines text;
        vt_step *s;

        if (!old && errno != ENOENT) {
            vt_err_set(err, "%s", rerr.msg);
            free(path);
            return -1;
        }
        parse_file((boot_file)f, old, &vals, &nvals);
        lines_load(&text, old);
        if (!old) {
            lines_add(&text, "# Written by virt-tune; its persist edits change their own entries here.");
            lines_add(&text, file_head[f]);
        }
        s = NULL;
        for (size_t i = 0; i < cs->n; i++) {
            const vt_edit *e = &cs->edits[i];
            char *key, *val, *rel, *label, what[128];
            const char *prev;
            vt_step *live;
            if (!vt_edit_is_host(e) || !(e->persist || e->unpersist) || file_of(c, e) != (boot_file)f)
                continue;
            rel = sysfs_rel(e);
            key = f == FILE_MODPROBE || f == FILE_MODULES ? vt_strdup(e->knob)
                  : f == FILE_SYSCTL ? vt_strdup("vm.nr_hugepages")
                  : f == FILE_UDEV ? vt_strdup(e->target)
                                   : vt_asprintf("/sys/%s", rel);
            free(rel);
            val = boot_value(c, e);
            prev = kv_get(vals, nvals, key);
            /* the revert of a persist that added the entry takes it out
               again (unpersist), instead of writing the value of then */
            live = live_step_of(p, step_of, i);
            if (live && e->persist && !prev)
                live->boot_entry_new = true;
            if (e->unpersist && !prev) {       /* nothing to take out */
                free(key);
                free(val);
                continue;
            }
            if (!s) {
                s = vt_applyplan_add_step(p, VT_STEP_PERSIST);
                s->vm = vt_strdup("host");
                s->knob = vt_strdup(file_rel[f]);
                s->effect = VT_EFFECT_AT_BOOT;
                s->node = -1;
                s->path = vt_strdup(path);
                s->file_before = old ? vt_strdup(old) : NULL;
            }
            label = edit_label(e);
            snprintf(what, sizeof(what), "%s at boot", label);
            free(label);
            if (e->unpersist) {
                vt_applyplan_add_change(s, what, prev, "kernel default", e->line);
                lines_unset(&text, (boot_file)f, key);
            } else {
                vt_applyplan_add_change(s, what, prev ? prev : "kernel default", val, e->line);
                lines_set(&text, (boot_file)f, key, val);
                kv_set(&vals, &nvals, key, val);
            }
            free(key);
            free(val);
        }
        if (s && old && lines_empty(&text)) {
            /* no entry left: the file goes, kept as .bak like a rewrite */
            label_a = vt_asprintf("%s", path);
            label_b = vt_asprintf("%s (removed)", path);
            s->diff = vt_diff_unified(old, "", label_a, label_b, 3);
            s->write = NULL;
            s->call = vt_asprintf("remove %s (atomically; the old one kept as %s.bak)", path, path);
            free(label_a);
            free(label_b);
        } else if (s) {
            char *content = lines_text(&text);
            label_a = vt_asprintf("%s%s", path, old ? "" : " (new file)");
            label_b = vt_asprintf("%s (after)", path);
            s->diff = vt_diff_unified(old, content, label_a, label_b, 3);
            s->write = content;
            s->call = vt_asprintf("write %s (atomically; the old one kept as %s.bak)", path, path);
            free(label_a);
            free(label_b);
        }
        lines_free(&text);
        kv_free(vals, nvals);
        free(old);
        free(path);
    }
    return 0;
}

/* Before anything runs, not half-way: a knob or boot file this user may
 * not write is refused in words. Not asked of root, which passes access()
 * even on a 0444 knob (that one has its own message). */
static int check_writable(const vt_applyplan *p, size_t from, vt_err *err)
{
    if (geteuid() == 0)
        return 0;
    for (size_t i = from; i < p->nsteps; i++) {
        const vt_step *s = &p->steps[i];
        VT_AUTOFREE char *at = NULL;
        char *slash;

        if (s->kind != VT_STEP_SYSFS && s->kind != VT_STEP_PERSIST)
            continue;
        at = vt_strdup(s->path);
        /* a boot file not there yet: the nearest directory that is */
        while (access(at, F_OK) != 0 && (slash = strrchr(at, '/')) && slash != at)
            *slash = '\0';
        if (access(at, W_OK) != 0) {
            vt_err_set(err, _("writing %s needs root (this is uid %d): run virt-tune as root"), s->path,
                       (int)geteuid());
            return -1;
        }
    }
    return 0;
}

int vt_hostedit_prepare(vt_conn *c, vt_applyplan *p, const vt_changeset *cs, vt_err *err)
{
    size_t first = p->nsteps;
    /* the live step of each edit, by index: the steps array moves */
    VT_AUTOFREE long *step_of = vt_realloc(NULL, (cs->n ? cs->n : 1) * sizeof(long));

    for (size_t i = 0; i < cs->n; i++) {
        size_t before = p->nsteps;
        step_of[i] = -1;
        if (vt_edit_is_host(&cs->edits[i]) && prepare_edit(c, p, &cs->edits[i], err) < 0)
            return -1;
        if (p->nsteps > before)
            step_of[i] = (long)before;
    }
    if (prepare_files(c, p, cs, step_of, err) < 0)
        return -1;
    return check_writable(p, first, err);
}

/* ---- run and undo ---- */

static bool pages_local(const vt_conn *c)
{
    return !c->remote;
}

/* nr_hugepages as libvirt's capabilities tell it, for remote hosts */
static long long caps_pages(vt_conn *c, unsigned long long size_kib, int node)
{
    char *xml = virConnectGetCapabilities(c->conn);
    xmlDoc *doc = xml ? vt_xml_read(xml, "capabilities", NULL) : NULL;
    xmlNode *cells = NULL, *cell, *pg;
    long long total = -1;

    free(xml);
    if (!doc)
        return -1;
    cells = vt_xml_child(vt_xml_child(vt_xml_child(xmlDocGetRootElement(doc), "host"), "topology"),
                         "cells");
    for (cell = cells ? cells->children : NULL; cell; cell = cell->next) {
        if (!vt_xml_is(cell, "cell") || (node >= 0 && (int)vt_xml_attr_ull(cell, "id", 0) != node))
            continue;
        for (pg = cell->children; pg; pg = pg->next)
            if (vt_xml_is(pg, "pages") && vt_xml_attr_ull(pg, "size", 0) == size_kib)
                total = (total < 0 ? 0 : total) + (long long)vt_xml_text_ull(pg, 0);
    }
    xmlFreeDoc(doc);
    return total;
}

static int pages_now(vt_conn *c, const vt_step *s, unsigned long long *out, vt_err *err)
{
    if (pages_local(c)) {
        char *t = sysfs_read(s->path, err);
        int rc = t && vt_parse_ull(t, out) == 0 ? 0 : -1;
        if (t && rc < 0)
            vt_err_set(err, _("unexpected \"%s\" in %s"), t, s->path);
        free(t);
        return rc;
    }
    long long n = caps_pages(c, s->size_kib, s->node);
    if (n < 0) {
        vt_err_set(err, _("the remote host's capabilities do not list %llu KiB pages"), s->size_kib);
        return -1;
    }
    *out = (unsigned long long)n;
    return 0;
}

static int standin_add(const char *path, long long delta, vt_err *err)
{
    VT_AUTOFREE char *cur = sysfs_read(path, NULL);
    unsigned long long v = 0;
    char buf[32];

    if (!cur)
        return 0;               /* a tree without the file: nothing to keep */
    vt_parse_ull(cur, &v);
    snprintf(buf, sizeof(buf), "%llu",
             delta < 0 && (unsigned long long)-delta > v ? 0ULL : v + (unsigned long long)delta);
    return sysfs_write("", path, buf, err);
}

/* What the kernel does on a pool write, for a stand-in tree (the demo),
 * which is plain files: a node's new pages are free pages of that node;
 * a host-wide count is spread over the nodes, as the kernel interleaves
 * it. The reader takes the pool's total from the nodes, so without this
 * a host-wide write would not show. */
static int standin_pages(vt_conn *c, const vt_step *s, unsigned long long count, vt_err *err)
{
    const vt_host *h = &c->host;
    unsigned long long have = 0;
    long long delta;
    size_t n = h->nnodes;

    if (s->node >= 0) {
        VT_AUTOFREE char *fr = vt_asprintf("%s/devices/system/node/node%d/hugepages/"
                                           "hugepages-%llukB/free_hugepages", c->sysfs_root,
                                           s->node, s->size_kib);
        VT_AUTOFREE char *now = sysfs_read(s->path, NULL);
        if (now)
            vt_parse_ull(now, &have);
        return standin_add(fr, (long long)count - (long long)have, err);
    }
    for (size_t i = 0; i < n; i++) {
        VT_AUTOFREE char *p = vt_asprintf("%s/devices/system/node/node%d/hugepages/"
                                          "hugepages-%llukB/nr_hugepages", c->sysfs_root,
                                          h->nodes[i].id, s->size_kib);
        VT_AUTOFREE char *now = sysfs_read(p, NULL);
        unsigned long long v = 0;
        if (now)
            vt_parse_ull(now, &v);
        have += v;
    }
    delta = (long long)count - (long long)have;
    for (size_t i = 0; i < n && delta; i++) {
        long long share = delta / (long long)(n - i);
        for (int f = 0; f < 2; f++) {
            VT_AUTOFREE char *p = vt_asprintf("%s/devices/system/node/node%d/hugepages/"
                                              "hugepages-%llukB/%s", c->sysfs_root,
                                              h->nodes[i].id, s->size_kib,
                                              f ? "free_hugepages" : "nr_hugepages");
            if (standin_add(p, share, err) < 0)
                return -1;
        }
        delta -= share;
    }
    return 0;
}

/* virNodeAllocPages, or the sysfs file when the driver has no such call
 * (the test driver) and the host is this one */
static int pages_set(vt_conn *c, const vt_step *s, unsigned long long count, vt_err *err)
{
    unsigned int sizes[1] = { (unsigned int)s->size_kib };
    unsigned long long counts[1] = { count };
    char buf[32];

    if (virNodeAllocPages(c->conn, 1, sizes, counts, s->node, 1, VIR_NODE_ALLOC_PAGES_SET) >= 0)
        return 0;
    if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT || !pages_local(c)) {
        vt_err_set(err, "virNodeAllocPages: %s", vir_msg());
        return -1;
    }
    snprintf(buf, sizeof(buf), "%llu", count);
    if (strcmp(c->sysfs_root, "/sys") != 0 && standin_pages(c, s, count, err) < 0)
        return -1;
    return sysfs_write(c->sysfs_root, s->path, buf, err);
}

/* A VF count as the kernel takes it: 0 first when both the count there
 * and the new one are not 0 (the kernel answers EBUSY otherwise). What
 * was written goes to s->result: "wrote 0, then 4". */
static int sriov_set(vt_conn *c, vt_step *s, const char *value, vt_err *err)
{
    VT_AUTOFREE char *now = sysfs_read(s->path, err);

    if (!now)
        return -1;
    free(s->result);
    s->result = NULL;
    if (strcmp(now, value) == 0) {
        s->result = vt_asprintf(_("sriov_numvfs already %s"), value);
        return 0;
    }
    if (strcmp(now, "0") != 0 && strcmp(value, "0") != 0) {
        if (sysfs_write(c->sysfs_root, s->path, "0", err) < 0)
            return -1;
        s->result = vt_asprintf(_("wrote 0, then %s"), value);
    } else {
        s->result = vt_asprintf(_("wrote %s"), value);
    }
    return sysfs_write(c->sysfs_root, s->path, value, err);
}

/* A run of the module program that failed: rc as run_modprobe gives it,
 * msg its first line of output, cmd the command line as written. */
static void modprobe_failed(vt_err *err, int rc, const char *msg, const char *cmdfmt, ...)
    __attribute__((format(printf, 4, 5)));
static void modprobe_failed(vt_err *err, int rc, const char *msg, const char *cmdfmt, ...)
{
    char cmd[512];
    va_list ap;

    va_start(ap, cmdfmt);
    vsnprintf(cmd, sizeof(cmd), cmdfmt, ap);
    va_end(ap);
    if (rc < 0 && msg[0])
        vt_err_set(err, _("%s could not run: %s"), cmd, msg);
    else if (rc < 0)
        vt_err_set(err, _("%s could not run"), cmd);
    else if (msg[0])
        vt_err_set(err, _("%s failed: %s"), cmd, msg);
    else
        vt_err_set(err, _("%s failed"), cmd);
}

/* The module program with its arguments, no shell; its first line of
 * output in msg. The exit status, or -1 when it could not run. */
static int run_modprobe(const char *prog, const char *arg1, const char *arg2, char *msg, size_t n)
{
    char *argv[4] = { (char *)prog, (char *)arg1, (char *)arg2, NULL };
    posix_spawn_file_actions_t fa;
    int pfd[2], status = 0, rc;
    pid_t pid;
    ssize_t got;
    size_t len = 0;

    msg[0] = '\0';
    if (pipe(pfd) < 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        snprintf(msg, n, "%s", strerror(rc));
        return -1;
    }
    while (len + 1 < n && (got = read(pfd[0], msg + len, n - 1 - len)) > 0)
        len += (size_t)got;
    msg[len] = '\0';
    msg[strcspn(msg, "\n")] = '\0';
    close(pfd[0]);
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool module_there(const vt_conn *c, const vt_step *s)
{
    VT_AUTOFREE char *dev = vt_host_dev_path(c->sysfs_root, "vhost-net");

    return access(s->path, F_OK) == 0 || access(dev, F_OK) == 0;
}

static int module_run(vt_conn *c, vt_step *s, vt_err *err)
{
    char msg[256];
    int rc;

    free(s->undo_value);
    s->undo_value = vt_strdup(module_there(c, s) ? "loaded" : "not loaded");
    free(s->result);
    if (module_there(c, s)) {
        s->result = vt_asprintf(_("%s already loaded"), s->knob);
        return 0;
    }
    if (!s->write) {
        vt_err_set(err, _("no modprobe to load %s with"), s->knob);
        return -1;
    }
    rc = run_modprobe(s->write, s->knob, NULL, msg, sizeof(msg));
    if (rc != 0) {
        s->result = NULL;
        modprobe_failed(err, rc, msg, "%s %s", s->write, s->knob);
        return -1;
    }
    if (!module_there(c, s)) {
        s->result = NULL;
        vt_err_set(err, _("%s %s exited 0 but %s is not there"), s->write, s->knob, s->path);
        return -1;
    }
    s->result = vt_asprintf(_("%s loaded"), s->knob);
    return 0;
}

/* Only a load this step made is taken back (modprobe -r): one that was
 * there may be in use by running VMs. */
static int module_undo(vt_conn *c, vt_step *s, vt_err *err)
{
    char msg[256];
    int rc;

    (void)c;
    if (!s->undo_value || strcmp(s->undo_value, "not loaded") != 0 || !s->write)
        return 0;
    rc = run_modprobe(s->write, "-r", s->knob, msg, sizeof(msg));
    if (rc != 0) {
        modprobe_failed(err, rc, msg, "%s -r %s", s->write, s->knob);
        return -1;
    }
    return 0;
}

int vt_hostedit_step_run(vt_conn *c, vt_step *s, vt_err *err)
{
    vt_err e2 = { { 0 } };
    char why[512], sz[32];

    switch (s->kind) {
    case VT_STEP_SYSFS: {
        char *now;
        free(s->undo_value);
        if (!(s->undo_value = sysfs_read(s->path, err)))
            return -1;
        if (strcmp(s->knob, "sriov") == 0 ? sriov_set(c, s, s->write, err) < 0
                                          : sysfs_write(c->sysfs_root, s->path, s->write, err) < 0)
            return -1;
        if (!(now = sysfs_read(s->path, &e2))) {
            vt_err_set(err, _("wrote %s but cannot read it back: %s"), s->path, e2.msg);
            return -1;
        }
        if (!readback_ok(s, now, why, sizeof(why))) {
            vt_err_set(err, "%s", why);
            free(now);
            return -1;
        }
        free(now);
        return 0;
    }
    case VT_STEP_PAGES: {
        unsigned long long before, after;
        if (pages_now(c, s, &before, err) < 0)
            return -1;
        free(s->undo_value);
        s->undo_value = vt_asprintf("%llu", before);
        if (pages_set(c, s, s->count, err) < 0)
            return -1;
        if (pages_now(c, s, &after, err) < 0)
            return -1;
        free(s->result);
        if (s->node >= 0)
            s->result = vt_asprintf(_("%llu %s pages on the node (asked %llu)"), after,
                                    size_word(s->size_kib, sz, sizeof(sz)), s->count);
        else
            s->result = vt_asprintf(_("%llu %s pages (asked %llu)"), after,
                                    size_word(s->size_kib, sz, sizeof(sz)), s->count);
        if (after != s->count) {
            if (s->node >= 0)
                vt_err_set(err, _("the kernel gave %llu of the %llu %s pages asked on that node (too "
                           "little free contiguous memory)"), after, s->count, sz);
            else
                vt_err_set(err, _("the kernel gave %llu of the %llu %s pages asked (too little free "
                           "contiguous memory)"), after, s->count, sz);
            return -1;
        }
        return 0;
    }
    case VT_STEP_PERSIST:
        /* the old content goes to .bak first (kept after a success); a
           file left with no entry goes, as the .bak */
        if (!s->write)
            return vt_file_remove(s->path, ".bak", err);
        return vt_file_replace(s->path, s->write, 0644, s->file_before ? ".bak" : NULL, err);
    case VT_STEP_MODULE:
        return module_run(c, s, err);
    default:
        vt_err_set(err, _("not a host step"));
        return -1;
    }
}

int vt_hostedit_step_undo(vt_conn *c, vt_step *s, vt_err *err)
{
    unsigned long long n;

    switch (s->kind) {
    case VT_STEP_SYSFS: {
        /* a selection file reads "always [madvise] never": write the word */
        vt_selection sel;
        int rc;
        if (!s->undo_value)
            return -1;
        if (strcmp(s->knob, "sriov") == 0)
            return sriov_set(c, s, s->undo_value, err);
        if (strchr(s->undo_value, '[') && vt_selection_parse(s->undo_value, &sel, NULL) == 0) {
            rc = sysfs_write(c->sysfs_root, s->path, sel.opts[sel.selected], err);
            vt_selection_free(&sel);
            return rc;
        }
        return sysfs_write(c->sysfs_root, s->path, s->undo_value, err);
    }
    case VT_STEP_PAGES:
        if (!s->undo_value || vt_parse_ull(s->undo_value, &n) < 0)
            return -1;
        return pages_set(c, s, n, err);
    case VT_STEP_PERSIST:
        if (s->file_before)
            return vt_file_restore(s->path, ".bak", s->file_before, err);
        if (unlink(s->path) < 0 && errno != ENOENT) {
            vt_err_set(err, _("cannot remove %s: %s"), s->path, strerror(errno));
            return -1;
        }
        return 0;
    case VT_STEP_MODULE:
        return module_undo(c, s, err);
    default:
        return -1;
    }
}

bool vt_hostedit_step_conflict(const vt_step *s)
{
    char *now;
    bool changed;

    if (s->kind != VT_STEP_PERSIST)
        return false;
    now = vt_read_file(s->path, 0, NULL);
    changed = (now == NULL) != (s->file_before == NULL) ||
              (now && strcmp(now, s->file_before) != 0);
    free(now);
    return changed;
}

/* the real /sys path of a step's file, whatever --sysfs-root was */
static const char *real_sys(const vt_step *s, const char *rel_marker)
{
    const char *at = s->path ? strstr(s->path, rel_marker) : NULL;

    return at ? at : s->path;
}

char *vt_hostedit_step_shell(const vt_step *s)
{
    char sz[32];

    switch (s->kind) {
    case VT_STEP_MODULE:
        return s->write ? vt_asprintf("modprobe %s", s->knob) : vt_strdup("");
    case VT_STEP_SYSFS: {
        if (strcmp(s->knob, "sriov") == 0)
            return vt_asprintf("# the kernel takes a new VF count only over 0\n"
                               "echo 0 > /sys%s\necho %s > /sys%s", real_sys(s, "/class/"),
                               s->write, real_sys(s, "/class/"));
        const char *rel = strstr(s->path, "/module/") ? real_sys(s, "/module/")
                          : strstr(s->path, "/devices/") ? real_sys(s, "/devices/")
                                                         : real_sys(s, "/kernel/");
        return vt_asprintf("echo %s > /sys%s", s->write, rel);
    }
    case VT_STEP_PAGES:
        vt_format_size_kib(s->size_kib, sz, sizeof(sz));
        if (s->node >= 0)
            return vt_asprintf("v allocpages --pagesize %lluKiB --pagecount %llu --cellno %d",
                               s->size_kib, s->count, s->node);
        return vt_asprintf("v allocpages --pagesize %lluKiB --pagecount %llu", s->size_kib,
                           s->count);
    case VT_STEP_PERSIST:
        if (!s->write)
            return vt_asprintf("mv -f %s %s.bak", s->path, s->path);
        return vt_asprintf("cp -p %s %s.bak 2>/dev/null || true\ncat > %s <<'VIRT_TUNE_EOF'\n%s"
                           "VIRT_TUNE_EOF", s->path, s->path, s->path, s->write);
    default:
        return vt_strdup("");
    }
}

/* the boot-time word of a revert line: the entry that was there gets the
 * old value back (persist), the one the edit added goes (unpersist) */
static char *with_boot_word(const vt_step *s, char *line)
{
    char *out;

    if (!line || !s->persist)
        return line;
    out = vt_asprintf("%s %s", line, s->boot_entry_new ? "unpersist" : "persist");
    free(line);
    return out;
}

static char *live_revert_line(const vt_step *s);

char *vt_hostedit_step_revert_line(const vt_step *s)
{
    return with_boot_word(s, live_revert_line(s));
}

static char *live_revert_line(const vt_step *s)
{
    char sz[32];

    if (s->kind == VT_STEP_MODULE)   /* the load stays; only its boot entry is taken back */
        return s->persist ? vt_asprintf("host module %s load", s->knob) : NULL;
    if (!s->undo_value)
        return NULL;
    switch (s->kind) {
    case VT_STEP_SYSFS:
        if (strcmp(s->knob, "sriov") == 0)
            return vt_asprintf("host sriov %s numvfs %s", s->value, s->undo_value);
        if (strcmp(s->knob, "workqueue_cpus") == 0) {
            vt_cpuset set;
            char *cpus, *line;
            if (vt_hexmask_parse(s->undo_value, &set, NULL) < 0 || vt_cpuset_is_empty(&set))
                return NULL;
            cpus = vt_cpuset_format(&set);
            line = vt_asprintf("host workqueue_cpus %s", cpus);
            free(cpus);
            return line;
        }
        if (strcmp(s->knob, "enabled") == 0 || strcmp(s->knob, "defrag") == 0) {
            vt_selection sel;
            char *line;
            if (vt_selection_parse(s->undo_value, &sel, NULL) < 0)
                return NULL;
            line = vt_asprintf("host thp %s %s", s->knob, sel.opts[sel.selected]);
            vt_selection_free(&sel);
            return line;
        }
        return vt_asprintf("host %s %s", s->knob, s->undo_value);
    case VT_STEP_PAGES:
        vt_format_size_kib(s->size_kib, sz, sizeof(sz));
        if (s->node >= 0)
            return vt_asprintf("host hugepages %s %s node %d", sz, s->undo_value, s->node);
        return vt_asprintf("host hugepages %s %s", sz, s->undo_value);
    default:
        return NULL;
    }
}
