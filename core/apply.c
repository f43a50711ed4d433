#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "cpuset.h"
#include "diff.h"
#include "domxml.h"
#include "fsutil.h"
#include "hostedit.h"
#include "tap.h"
#include "validate.h"
#include "whatif.h"
#include "xmledit.h"
#include "xmlutil.h"

static const char *const numa_modes[] = { "strict", "preferred", "interleave", "restrictive" };

static const char *vir_msg(void)
{
    virErrorPtr e = virGetLastError();

    return e && e->message ? e->message : _("unknown libvirt error");
}

/* ---- bases ---- */

void vt_bases_set(vt_bases *b, const char *uuid, const char *name, const char *xml)
{
    if (vt_bases_get(b, uuid))
        return;
    b->uuids = vt_realloc(b->uuids, (b->n + 1) * sizeof(char *));
    b->names = vt_realloc(b->names, (b->n + 1) * sizeof(char *));
    b->xml = vt_realloc(b->xml, (b->n + 1) * sizeof(char *));
    b->uuids[b->n] = vt_strdup(uuid);
    b->names[b->n] = vt_strdup(name ? name : "");
    b->xml[b->n] = vt_strdup(xml ? xml : "");
    b->n++;
}

const char *vt_bases_get(const vt_bases *b, const char *uuid)
{
    size_t i;

    for (i = 0; b && i < b->n; i++)
        if (strcmp(b->uuids[i], uuid) == 0)
            return b->xml[i];
    return NULL;
}

const char *vt_bases_uuid_of(const vt_bases *b, const char *name)
{
    size_t i;

    for (i = 0; b && name && i < b->n; i++)
        if (strcmp(b->names[i], name) == 0)
            return b->uuids[i];
    return NULL;
}

void vt_base_fingerprint(const char *xml, char out[VT_BASE_FP_LEN])
{
    out[0] = 0;
    if (!xml || !*xml)
        return;
    if (vt_base_is_fingerprint(xml))
        snprintf(out, VT_BASE_FP_LEN, "%s", xml);
    else
        snprintf(out, VT_BASE_FP_LEN, "fnv64:%016llx", vt_fnv1a(xml));
}

bool vt_base_is_fingerprint(const char *base)
{
    size_t i;

    if (strncmp(base, "fnv64:", 6) != 0 || strlen(base) != 22)
        return false;
    for (i = 6; i < 22; i++)
        if (!strchr("0123456789abcdef", base[i]))
            return false;
    return true;
}

bool vt_base_matches(const char *base, const char *xml)
{
    char fp[VT_BASE_FP_LEN];

    if (!vt_base_is_fingerprint(base))
        return strcmp(base, xml) == 0;
    vt_base_fingerprint(xml, fp);
    return strcmp(base, fp) == 0;
}

void vt_bases_clear(vt_bases *b)
{
    size_t i;

    if (!b)
        return;
    for (i = 0; i < b->n; i++) {
        free(b->uuids[i]);
        free(b->names[i]);
        free(b->xml[i]);
    }
    free(b->uuids);
    free(b->names);
    free(b->xml);
    memset(b, 0, sizeof(*b));
}

/* ---- values as the review shows them ---- */

static char *size_word(unsigned long long kib)
{
    char buf[32];

    if (!kib)
        return vt_strdup("default size");
    vt_format_size_kib(kib, buf, sizeof(buf));
    return vt_strdup(buf);
}

static char *pin_or_default(const vt_conn *c, const vt_domdef *def, const char *pin)
{
    char *dflt;
    char *s;

    if (pin)
        return vt_strdup(pin);
    dflt = vt_domain_default_affinity(c, def);
    s = vt_asprintf("unpinned (%s)", dflt ? dflt : "all CPUs");
    free(dflt);
    return s;
}

static const vt_disk_def *disk_of(const vt_domdef *def, const char *target)
{
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].target && strcmp(def->disks[i].target, target) == 0)
            return &def->disks[i];
    return NULL;
}

static const vt_nic_def *nic_of(const vt_domdef *def, const char *mac)
{
    for (size_t i = 0; i < def->nnics; i++)
        if (def->nics[i].mac && strcasecmp(def->nics[i].mac, mac) == 0)
            return &def->nics[i];
    return NULL;
}

/* "cache writeback io threads": the parts a disk cache edit sets */
static char *cache_io_text(const vt_edit *e, const char *cache, const char *io)
{
    const char *c = cache ? cache : "default", *i = io ? io : "default";

    return vt_asprintf("%s%s%s%s%s", e->mode ? "cache " : "", e->mode ? c : "",
                       e->mode && e->io ? ", " : "", e->io ? "io " : "", e->io ? i : "");
}

/* The value an edit replaces, read from a definition. */
static char *old_value(const vt_conn *c, const vt_domdef *def, const vt_edit *e)
{
    const vt_disk_def *disk;
    const vt_nic_def *nic;
    const vt_iothread_def *io;
    const vt_seclabel_def *sl;
    size_t i;

    switch (e->kind) {
    case VT_EDIT_IOTHREADS:
        return vt_asprintf("%zu", def->niothreads);
    case VT_EDIT_IOTHREAD_PIN:
        io = vt_domdef_iothread(def, e->id);
        return io ? pin_or_default(c, def, io->pin) : vt_strdup("(no such IOThread)");
    case VT_EDIT_DISK_IOTHREAD:
        for (i = 0; i < def->ndisks; i++)
            if (def->disks[i].target && strcmp(def->disks[i].target, e->target) == 0)
                return def->disks[i].iothread ? vt_asprintf("iothread %u", def->disks[i].iothread)
                                              : vt_strdup("main loop (no IOThread)");
        return vt_strdup("(no such disk)");
    case VT_EDIT_CONTROLLER_IOTHREAD:
        for (i = 0; i < def->ncontrollers; i++)
            if (def->controllers[i].type && strcmp(def->controllers[i].type, "scsi") == 0 &&
                (unsigned)atoi(e->target) == def->controllers[i].index)
                return def->controllers[i].iothread
                           ? vt_asprintf("iothread %u", def->controllers[i].iothread)
                           : vt_strdup("main loop (no IOThread)");
        return vt_strdup("(no such controller)");
    case VT_EDIT_VCPU_PIN:
        for (i = 0; i < def->nvcpupins; i++)
            if (def->vcpupins[i].id == e->id)
                return pin_or_default(c, def, def->vcpupins[i].cpuset);
        return pin_or_default(c, def, NULL);
    case VT_EDIT_EMULATOR_PIN:
        return pin_or_default(c, def, def->emulatorpin);
    case VT_EDIT_HUGEPAGES:
    case VT_EDIT_HUGEPAGES_OFF:
        if (!def->hugepages)
            return vt_strdup("off");
        if (def->nhugepage_sizes) {
            char *w = size_word(def->hugepage_sizes[0].size_kib), *s;
            s = def->hugepage_sizes[0].nodeset
                    ? vt_asprintf("%s nodeset %s", w, def->hugepage_sizes[0].nodeset)
                    : vt_strdup(w);
            free(w);
            return s;
        }
        return vt_strdup("default size");
    case VT_EDIT_NUMATUNE:
        if (!def->numatune)
            return vt_strdup("(none)");
        return vt_asprintf("%s %s", def->numatune->mode ? def->numatune->mode : "strict",
                           def->numatune->nodeset ? def->numatune->nodeset
                                                  : "placement auto");
    case VT_EDIT_SECLABEL:
        sl = vt_domdef_main_seclabel(def);
        if (!sl)
            return vt_strdup("(libvirt default: dynamic)");
        return vt_asprintf("%s%s%s%s%s", sl->type ? sl->type : "dynamic",
                           sl->label && strcmp(sl->type ? sl->type : "", "static") == 0 ? " " : "",
                           sl->label && strcmp(sl->type ? sl->type : "", "static") == 0 ? sl->label
                                                                                       : "",
                           sl->relabel ? " relabel " : "", sl->relabel ? sl->relabel : "");
    case VT_EDIT_DISK_CACHE:
        disk = disk_of(def, e->target);
        return disk ? cache_io_text(e, disk->cache, disk->io) : vt_strdup("(no such disk)");
    case VT_EDIT_NIC_QUEUES:
        nic = nic_of(def, e->target);
        if (!nic)
            return vt_strdup("(no such NIC)");
        return nic->queues ? vt_asprintf("%u", nic->queues) : vt_strdup("not set (1 queue)");
    case VT_EDIT_NIC_DRIVER:
        nic = nic_of(def, e->target);
        if (!nic)
            return vt_strdup("(no such NIC)");
        return vt_strdup(nic->driver_name ? nic->driver_name
                                          : "not set (vhost where the host has vhost_net)");
    case VT_EDIT_NIC_COALESCE:
        nic = nic_of(def, e->target);
        if (!nic)
            return vt_strdup("(no such NIC)");
        return nic->coalesce_rx_frames > 0 ? vt_asprintf("%d", nic->coalesce_rx_frames)
                                           : vt_strdup("not set (0)");
    case VT_EDIT_HOST_PARAM:
    case VT_EDIT_HOST_WORKQUEUE:
    case VT_EDIT_HOST_THP:
    case VT_EDIT_HOST_HUGEPAGES:
    case VT_EDIT_HOST_MODULE:
    case VT_EDIT_HOST_SRIOV:
    case VT_EDIT_LAST:
        break;
    }
    return vt_strdup("?");
}

static char *new_value(const vt_edit *e)
{
    char *w, *s;

    switch (e->kind) {
    case VT_EDIT_IOTHREADS: return vt_asprintf("%u", e->id);
    case VT_EDIT_IOTHREAD_PIN:
    case VT_EDIT_VCPU_PIN:
    case VT_EDIT_EMULATOR_PIN: return vt_strdup(e->cpuset);
    case VT_EDIT_DISK_IOTHREAD:
    case VT_EDIT_CONTROLLER_IOTHREAD: return vt_asprintf("iothread %u", e->id);
    case VT_EDIT_HUGEPAGES:
        w = size_word(e->size_kib);
        s = e->nodeset ? vt_asprintf("%s nodeset %s", w, e->nodeset) : vt_strdup(w);
        free(w);
        return s;
    case VT_EDIT_HUGEPAGES_OFF: return vt_strdup("off");
    case VT_EDIT_NUMATUNE: return vt_asprintf("%s %s", e->mode, e->nodeset);
    case VT_EDIT_SECLABEL:
        if (strcmp(e->sec_type, "default") == 0)
            return vt_strdup("(libvirt default: the host's security driver)");
        return vt_asprintf("%s%s%s%s", e->sec_type, e->label ? " " : "", e->label ? e->label : "",
                           e->relabel < 0 ? "" : e->relabel ? " relabel yes" : " relabel no");
    case VT_EDIT_DISK_CACHE: return cache_io_text(e, e->mode, e->io);
    case VT_EDIT_NIC_QUEUES: return vt_asprintf("%u", e->id);
    case VT_EDIT_NIC_DRIVER: return vt_strdup(e->mode);
    case VT_EDIT_NIC_COALESCE: return vt_asprintf("%u", e->id);
    case VT_EDIT_HOST_PARAM:
    case VT_EDIT_HOST_WORKQUEUE:
    case VT_EDIT_HOST_THP:
    case VT_EDIT_HOST_HUGEPAGES:
    case VT_EDIT_HOST_MODULE:
    case VT_EDIT_HOST_SRIOV:
    case VT_EDIT_LAST: break;
    }
    return vt_strdup("?");
}

static const char *knob_name(const vt_edit *e, char *buf, size_t n)
{
    switch (e->kind) {
    case VT_EDIT_IOTHREADS: snprintf(buf, n, "iothreads"); break;
    case VT_EDIT_IOTHREAD_PIN: snprintf(buf, n, "iothread %u pin", e->id); break;
    case VT_EDIT_DISK_IOTHREAD: snprintf(buf, n, "disk %s iothread", e->target); break;
    case VT_EDIT_CONTROLLER_IOTHREAD:
        snprintf(buf, n, "controller %s iothread", e->target);
        break;
    case VT_EDIT_VCPU_PIN: snprintf(buf, n, "vcpu %u pin", e->id); break;
    case VT_EDIT_EMULATOR_PIN: snprintf(buf, n, "emulator pin"); break;
    case VT_EDIT_HUGEPAGES:
    case VT_EDIT_HUGEPAGES_OFF: snprintf(buf, n, "hugepages"); break;
    case VT_EDIT_NUMATUNE: snprintf(buf, n, "numatune"); break;
    case VT_EDIT_SECLABEL: snprintf(buf, n, "seclabel"); break;
    case VT_EDIT_DISK_CACHE:
        snprintf(buf, n, "disk %s %s", e->target,
                 e->mode && e->io ? "cache and io" : e->mode ? "cache" : "io");
        break;
    case VT_EDIT_NIC_QUEUES: snprintf(buf, n, "nic %s queues", e->target); break;
    case VT_EDIT_NIC_DRIVER: snprintf(buf, n, "nic %s driver", e->target); break;
    case VT_EDIT_NIC_COALESCE: snprintf(buf, n, "nic %s coalesce rx-frames", e->target); break;
    case VT_EDIT_HOST_PARAM:
    case VT_EDIT_HOST_WORKQUEUE:
    case VT_EDIT_HOST_THP:
    case VT_EDIT_HOST_HUGEPAGES:
    case VT_EDIT_HOST_MODULE:
    case VT_EDIT_HOST_SRIOV:
        snprintf(buf, n, "%s", e->knob ? e->knob : "host");
        break;
    case VT_EDIT_LAST: snprintf(buf, n, "?"); break;
    }
    return buf;
}

/* graphics passwords and the like never reach a screen or a log */
static char *mask_secrets(const char *xml)
{
    vt_buf b = { 0 };
    const char *p = xml, *hit;

    while ((hit = strstr(p, "passwd="))) {
        char q = hit[7];
        const char *end;
        if (q != '\'' && q != '"') {
            vt_buf_addn(&b, p, (size_t)(hit - p) + 7);
            p = hit + 7;
            continue;
        }
        end = strchr(hit + 8, q);
        if (!end)
            break;
        vt_buf_addn(&b, p, (size_t)(hit - p) + 8);
        vt_buf_add(&b, "***");
        p = end;
    }
    vt_buf_add(&b, p);
    return vt_buf_steal(&b);
}

static char *shq(const char *s)
{
    vt_buf b = { 0 };

    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:/@%+=") ==
                  strlen(s))
        return vt_strdup(s);
    vt_buf_add(&b, "'");
    for (; *s; s++) {
        if (*s == '\'')
            vt_buf_add(&b, "'\\''");
        else
            vt_buf_addn(&b, s, 1);
    }
    vt_buf_add(&b, "'");
    return vt_buf_steal(&b);
}

/* ---- host checks ---- */

static int check_cpus(const vt_conn *c, const char *set, const char *what, const vt_edit *e,
                      vt_err *err)
{
    vt_cpuset s, online;
    char w[32];
    int last;

    vt_applyplan_where(e, w, sizeof(w));
    if (vt_cpuset_parse(set, &s, NULL) < 0) {
        vt_err_set(err, _("%s%s: invalid CPU set %s"), w, e->vm, set);
        return -1;
    }
    last = vt_cpuset_last(&s);
    if (c->host.ncpus && (unsigned)last >= c->host.ncpus) {
        vt_err_set(err, _("%s%s: CPU %d does not exist on this host (CPUs 0-%u)"), w, what, last,
                   c->host.ncpus - 1);
        return -1;
    }
    if (c->host.online_cpus && vt_cpuset_parse(c->host.online_cpus, &online, NULL) == 0) {
        for (int i = 0; i <= last; i++)
            if (vt_cpuset_has(&s, (unsigned)i) && !vt_cpuset_has(&online, (unsigned)i)) {
                vt_err_set(err, _("%s%s: CPU %d is offline (online: %s)"), w, what, i,
                           c->host.online_cpus);
                return -1;
            }
    }
    return 0;
}

static int check_nodes(const vt_conn *c, const char *set, const vt_edit *e, vt_err *err)
{
    vt_cpuset s;
    char w[32];
    size_t i;

    vt_applyplan_where(e, w, sizeof(w));
    if (vt_cpuset_parse(set, &s, NULL) < 0 || !c->host.nnodes)
        return 0;
    for (int n = 0; n <= vt_cpuset_last(&s); n++) {
        bool found = false;
        if (!vt_cpuset_has(&s, (unsigned)n))
            continue;
        for (i = 0; i < c->host.nnodes; i++)
            found |= c->host.nodes[i].id == n;
        if (!found) {
            vt_err_set(err, P_("%s%s: NUMA node %d does not exist on this host (%zu node)",
                               "%s%s: NUMA node %d does not exist on this host (%zu nodes)",
                               c->host.nnodes), w, e->vm, n, c->host.nnodes);
            return -1;
        }
    }
    return 0;
}

/* ---- preparing ---- */

static vt_step *new_step(vt_applyplan *p, vt_step_kind kind, const vt_domain *d)
{
    vt_step *s = vt_applyplan_add_step(p, kind);

    s->vm = vt_strdup(d->name);
    s->uuid = vt_strdup(d->uuid);
    s->vm_active = vt_domain_active(d);
    s->effect = VT_EFFECT_LIVE_NOW;
    return s;
}

static char *vm_q(const char *vm)
{
    return shq(vm);
}

/* numatune can change live only from strict to strict (the QEMU driver
 * refuses a mode change or a non-strict nodeset change while running). */
static bool numatune_live_ok(const vt_domdef *live, const vt_edit *e)
{
    const char *cur = live->numatune && live->numatune->mode ? live->numatune->mode : NULL;

    return cur && strcmp(cur, "strict") == 0 && strcmp(e->mode, "strict") == 0 &&
           live->numatune->nodeset;
}

/* The live IOThread count: threads are added after the highest id and
   removed from the top, one step each. */
static int live_iothreads(vt_applyplan *p, const vt_domain *d, const vt_edit *e, const char *w,
                          const char *q, vt_err *err)
{
    size_t have = d->live->niothreads;
    unsigned top = have ? d->live->iothreads[have - 1].id : 0;
    vt_step *s;

    if (e->id > have) {
        for (size_t k = have; k < e->id; k++) {
            s = new_step(p, VT_STEP_IOTHREAD_ADD, d);
            s->id = ++top;
            s->call = vt_asprintf("virDomainAddIOThread(%s, %u, AFFECT_LIVE)", d->name, s->id);
            s->virsh = vt_asprintf("iothreadadd %s %u --live", q, s->id);
            vt_applyplan_add_change(s, "iothreads (live)", NULL, NULL, e->line);
            free(s->changes[0].before);
            free(s->changes[0].after);
            s->changes[0].before = vt_asprintf("%zu", k);
            s->changes[0].after = vt_asprintf("%zu", k + 1);
        }
    } else {
        for (size_t k = have; k > e->id; k--) {
            const vt_iothread_def *io = &d->live->iothreads[k - 1];
            if (io->nusers) {
                vt_err_set(err, _("%s%s: IOThread %u is used by %s in the running VM; assign it "
                           "another IOThread first"), w, d->name, io->id, io->users[0]);
                return -1;
            }
            s = new_step(p, VT_STEP_IOTHREAD_DEL, d);
            s->id = io->id;
            s->call = vt_asprintf("virDomainDelIOThread(%s, %u, AFFECT_LIVE)", d->name, s->id);
            s->virsh = vt_asprintf("iothreaddel %s %u --live", q, s->id);
            vt_applyplan_add_change(s, "iothreads (live)", NULL, NULL, e->line);
            free(s->changes[0].before);
            free(s->changes[0].after);
            s->changes[0].before = vt_asprintf("%zu", k);
            s->changes[0].after = vt_asprintf("%zu", k - 1);
        }
    }
    return 0;
}

/* A NIC's rx-frames on its host tap, by ioctl; where the tap cannot be
   reached, scope both leaves it to the config (libvirt sets it at the next
   start) and scope live is refused. */
static int live_coalesce(const vt_conn *c, vt_applyplan *p, const vt_domain *d, const vt_edit *e,
                         const char *w, const char *kb, bool *config_too, vt_err *err)
{
    const vt_nic_def *nic = nic_of(d->live, e->target);
    const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, e->target);
    const char *why = NULL;
    vt_step *s;
    char *before;

    if (!nic) {
        vt_err_set(err, _("%s%s: the running VM has no NIC with MAC %s"), w, d->name, e->target);
        return -1;
    }
    if (!vt_nic_type_coalesce(nic->type)) {
        vt_err_set(err, _("%s%s: NIC %s is of type %s: libvirt takes <coalesce> only on bridge "
                   "and network interfaces (it refuses it on type %s)"), w, d->name, e->target,
                   nic->type ? nic->type : "(none)", nic->type ? nic->type : "(none)");
        return -1;
    }
    if (c->remote)
        why = _("the connection is remote: the tap is on another host");
    else if (!nic->target)
        why = _("it has no host tap in the running definition");
    else if (h && !h->has_coalesce && h->why)
        why = h->why;
    if (why) {
        if (e->scope == VT_SCOPE_LIVE) {
            vt_err_set(err, _("%s%s: NIC %s cannot change live: %s (use scope config: libvirt "
                       "sets it on the tap at the next start)"), w, d->name, e->target, why);
            return -1;
        }
        vt_applyplan_warn(p, _("%s%s: NIC %s coalesce cannot change live (%s): it takes effect "
                          "at next start"), w, d->name, e->target, why);
        return 0;
    }
    s = new_step(p, VT_STEP_NIC_COALESCE, d);
    s->path = vt_strdup(nic->target);
    s->call = vt_asprintf("ioctl(SIOCETHTOOL, ETHTOOL_SCOALESCE %s rx_max_coalesced_frames=%u)",
                          nic->target, e->id);
    /* no virsh command sets it: the export runs ethtool on the host */
    s->virsh = vt_asprintf("ethtool -C %s rx-frames %u", nic->target, e->id);
    s->id = e->id;
    before = h && h->has_coalesce ? vt_asprintf("%u", h->co.rx_frames) : vt_strdup("?");
    {
        char *after = new_value(e);
        char what[96];
        snprintf(what, sizeof(what), "%s (live, tap %s)", kb, nic->target);
        vt_applyplan_add_change(s, what, before, after, e->line);
        free(after);
    }
    free(before);
    *config_too = true;
    return 0;
}

static int prepare_live(vt_conn *c, vt_applyplan *p, const vt_domain *d, const vt_edit *e,
                        bool *config_too, vt_err *err)
{
    char w[32], kb[64], *before, *q = vm_q(d->name);
    vt_step *s = NULL;
    int ret = -1;

    vt_applyplan_where(e, w, sizeof(w));
    knob_name(e, kb, sizeof(kb));
    switch (e->kind) {
    case VT_EDIT_IOTHREAD_PIN:
        if (!vt_domdef_iothread(d->live, e->id)) {
            vt_err_set(err, _("%s%s: the running VM has no IOThread %u"), w, d->name, e->id);
            goto cleanup;
        }
        s = new_step(p, VT_STEP_IOTHREAD_PIN, d);
        s->call = vt_asprintf("virDomainPinIOThread(%s, %u, %s, AFFECT_LIVE)", d->name, e->id,
                              e->cpuset);
        s->virsh = vt_asprintf("iothreadpin %s %u %s --live", q, e->id, e->cpuset);
        break;
    case VT_EDIT_VCPU_PIN:
        if (e->id >= d->live->vcpus) {
            vt_err_set(err, P_("%s%s: the running VM has %u vCPU online; there is no vCPU %u to pin "
                               "live",
                               "%s%s: the running VM has %u vCPUs online; there is no vCPU %u to pin "
                               "live", d->live->vcpus), w, d->name, d->live->vcpus, e->id);
            goto cleanup;
        }
        s = new_step(p, VT_STEP_VCPU_PIN, d);
        s->call = vt_asprintf("virDomainPinVcpuFlags(%s, %u, %s, AFFECT_LIVE)", d->name, e->id,
                              e->cpuset);
        s->virsh = vt_asprintf("vcpupin %s %u %s --live", q, e->id, e->cpuset);
        break;
    case VT_EDIT_EMULATOR_PIN:
        s = new_step(p, VT_STEP_EMULATOR_PIN, d);
        s->call = vt_asprintf("virDomainPinEmulator(%s, %s, AFFECT_LIVE)", d->name, e->cpuset);
        s->virsh = vt_asprintf("emulatorpin %s %s --live", q, e->cpuset);
        break;
    case VT_EDIT_NUMATUNE:
        if (!numatune_live_ok(d->live, e)) {
            if (e->scope == VT_SCOPE_LIVE) {
                vt_err_set(err, _("%s%s: libvirt changes numatune of a running VM only from strict "
                           "to strict; use scope config (takes effect at next start)"), w, d->name);
                goto cleanup;
            }
            vt_applyplan_warn(p, _("%s%s: numatune %s %s cannot change while the VM runs (libvirt changes only a "
                 "strict nodeset live): it takes effect at next start"), w, d->name, e->mode,
                 e->nodeset);
            ret = 0;
            goto cleanup;
        }
        s = new_step(p, VT_STEP_NUMATUNE, d);
        s->mode = vt_strdup(e->mode);
        s->call = vt_asprintf("virDomainSetNumaParameters(%s, mode=%s nodeset=%s, AFFECT_LIVE)",
                              d->name, e->mode, e->nodeset);
        s->virsh = vt_asprintf("numatune %s --mode %s --nodeset %s --live", q, e->mode,
                               e->nodeset);
        break;
    case VT_EDIT_IOTHREADS:
        ret = live_iothreads(p, d, e, w, q, err);
        goto cleanup;
    case VT_EDIT_NIC_COALESCE:
        ret = live_coalesce(c, p, d, e, w, kb, config_too, err);
        goto cleanup;
    default:
        /* hugepages, seclabel, disk IOThread: config only */
        ret = 0;
        goto cleanup;
    }
    s->id = e->id;
    if (e->cpuset)
        s->value = vt_strdup(e->cpuset);
    if (e->kind == VT_EDIT_NUMATUNE)
        s->value = vt_strdup(e->nodeset);
    before = old_value(c, d->live, e);
    {
        char *after = new_value(e);
        char what[96];
        if (before && after && strcmp(before, after) == 0) {
            /* already so: no call, and a plan applied twice (Ansible's
               way) changes nothing the second time */
            vt_applyplan_clear_step(&p->steps[--p->nsteps]);
        } else {
            snprintf(what, sizeof(what), "%s (live)", kb);
            vt_applyplan_add_change(s, what, before, after, e->line);
        }
        free(after);
    }
    free(before);
    *config_too = true;
    ret = 0;

cleanup:
    free(q);
    return ret;
}

static void hugepage_warnings(const vt_conn *c, vt_applyplan *p, const vt_domain *d,
                              const vt_edit *e)
{
    unsigned long long need, freep;
    const vt_domdef *def = d->config;
    const char *nodes = def->numatune ? def->numatune->nodeset : NULL;
    char w[32], *sz = size_word(e->size_kib);
    int fit;

    vt_applyplan_where(e, w, sizeof(w));
    if (c->host.sysfs_why) {
        vt_applyplan_warn(p, _("%s%s: the free %s pages of the host cannot be checked: %s"), w, d->name, sz,
             c->host.sysfs_why);
    } else if ((fit = vt_hugepage_fit(c, def->memory_kib, e->size_kib, nodes, &need, &freep)) < 0) {
        vt_applyplan_warn(p, _("%s%s: the host has no %s huge page pool; the VM will not start until one is "
             "reserved"), w, d->name, sz);
    } else if (!fit) {
        VT_AUTOFREE char *needs = vt_asprintf(P_("%llu page", "%llu pages", need), need);
        VT_AUTOFREE char *frees = vt_asprintf(P_("%llu is free", "%llu are free", freep), freep);
        if (nodes)
            /* TRANSLATORS: "the VM needs 512 pages, 100 are free on nodes 0-1" */
            vt_applyplan_warn(p, _("%s%s: the %s pool is too small: the VM needs %s, %s on nodes %s"), w,
                              d->name, sz, needs, frees, nodes);
        else
            /* TRANSLATORS: "the VM needs 512 pages, 100 are free" */
            vt_applyplan_warn(p, _("%s%s: the %s pool is too small: the VM needs %s, %s"), w, d->name, sz,
                              needs, frees);
    }
    free(sz);
}

char *vt_apply_edit_notice(const vt_edit *e, bool running)
{
    if (!e || e->kind != VT_EDIT_NIC_QUEUES)
        return NULL;
    /* the queues are QEMU's device property: only a new QEMU process has
       them (a reboot inside the guest keeps the process), and the guest's
       driver may keep using one pair until it is told (RHEL: "ethtool -L") */
    if (e->id <= 1)
        return vt_strdup(running ? _("nic queues: the VM needs a restart (shut down, then start; a "
                                     "reboot inside the guest is not enough)")
                                 : _("nic queues: in effect when the VM starts"));
    if (running)
        return vt_asprintf(_("nic queues %u: the VM needs a restart (shut down, then start; a reboot "
                           "inside the guest is not enough); then the guest must enable the queues: "
                           "ethtool -L eth0 combined %u in the guest (eth0: the guest's name for "
                           "this NIC)"), e->id, e->id);
    return vt_asprintf(_("nic queues %u: in effect when the VM starts; the guest must enable the "
                       "queues: ethtool -L eth0 combined %u in the guest (eth0: the guest's name "
                       "for this NIC)"), e->id, e->id);
}

static void seclabel_warnings(vt_applyplan *p, const vt_domain *d, const vt_edit *e)
{
    char w[32];

    vt_applyplan_where(e, w, sizeof(w));
    /* seclabel none is the advisor's failure: its verdict says so */
    if (e->relabel == 0 && strcmp(e->sec_type, "none") != 0)
        vt_applyplan_warn(p, _("%s%s: relabel no: libvirt will not label the VM's images; unless they are "
             "labelled by hand the VM cannot open them, or they stay readable by other VMs"), w,
             d->name);
}

/* What a numatune edit did to the guest cells' memnodes (xmledit moves
 * those outside a strict nodeset into it), as change lines; those it left
 * outside, cells bound one per host node on purpose, in a warning that
 * says why and how to move them anyway. */
static void memnode_notes(vt_applyplan *p, vt_step *s, const vt_domain *d, const vt_edit *e,
                          const vt_domdef *before, const char *xml)
{
    vt_domdef *after = vt_domdef_parse(xml, NULL);
    vt_cpuset want, ns, all;
    vt_buf left = { 0 };
    bool strict = strcmp(e->mode, "strict") == 0 && vt_cpuset_parse(e->nodeset, &want, NULL) == 0;
    char w[32], what[64];

    if (!after || !after->numatune)
        goto cleanup;
    if (strict)
        all = want;
    for (size_t i = 0; i < after->numatune->nmemnodes; i++) {
        const vt_memnode_def *m = &after->numatune->memnodes[i];
        const char *was = NULL;
        for (size_t k = 0; before && before->numatune && k < before->numatune->nmemnodes; k++)
            if (before->numatune->memnodes[k].cellid == m->cellid)
                was = before->numatune->memnodes[k].nodeset;
        if (was && m->nodeset && strcmp(was, m->nodeset) != 0) {
            snprintf(what, sizeof(what), "memnode %u nodeset (config)", m->cellid);
            vt_applyplan_add_change(s, what, was, m->nodeset, e->line);
        }
        if (strict && m->nodeset && vt_cpuset_parse(m->nodeset, &ns, NULL) == 0) {
            vt_cpuset_or(&all, &ns);
            if (!vt_cpuset_subset(&ns, &want))
                vt_buf_addf(&left, P_("%scell %u on node %s", "%scell %u on nodes %s",
                                      vt_cpuset_count(&ns) > 1 ? 2 : 1),
                            left.len ? ", " : "", m->cellid, m->nodeset);
        }
    }
    if (left.len) {
        VT_AUTOFREE char *wide = vt_cpuset_format(&all);
        vt_applyplan_where(e, w, sizeof(w));
        if (vt_numa_cells_per_node(after, NULL))
            vt_applyplan_warn(p, _("%s%s: numatune strict %s leaves the guest cells' memnodes outside it "
                              "(%s): the cells are bound one per host node on purpose; a strict "
                              "nodeset confines all of the VM's memory: to move the whole VM, bind "
                              "its cells there too (virsh edit); to keep the cells' layout, keep "
                              "their nodes in it (numatune strict %s)"), w,
                              d->name, e->nodeset, left.buf, wide);
        else
            vt_applyplan_warn(p, _("%s%s: numatune strict %s leaves the guest cells' memnodes outside it "
                              "(%s); a strict nodeset confines all of the VM's memory: to move "
                              "the whole VM, bind its cells there too (virsh edit); to keep the "
                              "cells' layout, keep their nodes in it (numatune strict %s)"), w,
                              d->name, e->nodeset, left.buf, wide);
    }

cleanup:
    vt_buf_free(&left);
    vt_domdef_free(after);
}

static int fetch_inactive(vt_conn *c, const char *uuid, bool secure, char **out, vt_err *err)
{
    virDomainPtr dom = virDomainLookupByUUIDString(c->conn, uuid);
    char *x;

    if (!dom) {
        vt_err_set(err, _("the VM %s no longer exists: %s"), uuid, vir_msg());
        return -1;
    }
    x = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | (secure ? VIR_DOMAIN_XML_SECURE : 0));
    if (!x && secure) /* read-only connections may not see secrets */
        x = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    virDomainFree(dom);
    if (!x) {
        vt_err_set(err, _("cannot read the definition of %s: %s"), uuid, vir_msg());
        return -1;
    }
    *out = vt_strdup(x);
    free(x);
    return 0;
}

static bool same_pretty(const char *a, const char *b)
{
    char *pa = vt_xml_pretty(a), *pb = vt_xml_pretty(b);
    bool same = pa && pb && strcmp(pa, pb) == 0;

    free(pa);
    free(pb);
    return same;
}

static int prepare_vm(vt_conn *c, vt_applyplan *p, const vt_changeset *cs, const vt_domain *d,
                      const vt_bases *bases, vt_err *err)
{
    char *plain = NULL, *cur = NULL, *base = NULL;
    vt_step def_step = { 0 };
    bool live_part[512];
    size_t i, k = 0;
    int ret = -1;
    const char *expect;
    bool active = vt_domain_active(d);

    if (fetch_inactive(c, d->uuid, false, &plain, err) < 0 ||
        fetch_inactive(c, d->uuid, true, &base, err) < 0)
        goto cleanup;
    expect = vt_bases_get(bases, d->uuid);
    if (expect && *expect && !vt_base_matches(expect, plain)) {
        vt_err_set(err, _("%s: the definition changed since the edits were staged (redefined "
                   "elsewhere); review it again before applying"), d->name);
        goto cleanup;
    }
    p->vm_uuids = vt_realloc(p->vm_uuids, (p->nvms + 1) * sizeof(char *));
    p->vm_xml = vt_realloc(p->vm_xml, (p->nvms + 1) * sizeof(char *));
    p->vm_uuids[p->nvms] = vt_strdup(d->uuid);
    p->vm_xml[p->nvms] = plain;
    plain = NULL;
    p->nvms++;

    cur = vt_strdup(base);
    def_step.kind = VT_STEP_DEFINE;
    def_step.vm = vt_strdup(d->name);
    def_step.uuid = vt_strdup(d->uuid);
    def_step.vm_active = active;
    def_step.effect = active ? VT_EFFECT_LIVE_NOW : VT_EFFECT_NEXT_START;
    for (i = 0; i < cs->n; i++) {
        const vt_edit *e = &cs->edits[i];
        bool config_live = false;
        char w[32], kb[64];
        if (vt_edit_is_host(e) || strcmp(e->vm, d->name) != 0)
            continue;
        vt_applyplan_where(e, w, sizeof(w));
        knob_name(e, kb, sizeof(kb));
        if (e->cpuset && check_cpus(c, e->cpuset, d->name, e, err) < 0)
            goto cleanup;
        if (e->nodeset && e->kind == VT_EDIT_NUMATUNE && check_nodes(c, e->nodeset, e, err) < 0)
            goto cleanup;
        if (e->scope & VT_SCOPE_LIVE) {
            if (active) {
                if (prepare_live(c, p, d, e, &config_live, err) < 0)
                    goto cleanup;
            } else if (e->scope == VT_SCOPE_LIVE) {
                vt_err_set(err, _("%s%s is not running: a live change needs a running VM (use scope "
                           "config)"), w, d->name);
                goto cleanup;
            }
        }
        if (e->kind == VT_EDIT_HUGEPAGES)
            hugepage_warnings(c, p, d, e);
        if (e->kind == VT_EDIT_SECLABEL)
            seclabel_warnings(p, d, e);
        if (e->scope & VT_SCOPE_CONFIG) {
            vt_err xe = { { 0 } };
            char *next = vt_xml_apply_edit(cur, e, &xe), *before, *after, what[96];
            vt_domdef *cdef;
            if (!next) {
                vt_err_set(err, "%s%s: %s", w, d->name, xe.msg);
                goto cleanup;
            }
            cdef = vt_domdef_parse(cur, NULL);
            before = cdef ? old_value(c, cdef, e) : vt_strdup("?");
            after = new_value(e);
            snprintf(what, sizeof(what), "%s (config)", kb);
            vt_applyplan_add_change(&def_step, what, before, after, e->line);
            if (e->kind == VT_EDIT_NIC_QUEUES && strcmp(before, after) != 0) {
                /* said where the plan is read: --dry-run, the review */
                VT_AUTOFREE char *note = vt_apply_edit_notice(e, active);
                vt_applyplan_warn(p, "%s%s: %s", w, d->name, note);
            }
            if (e->kind == VT_EDIT_NUMATUNE)
                memnode_notes(p, &def_step, d, e, cdef, next);
            vt_domdef_free(cdef);
            free(before);
            free(after);
            free(cur);
            cur = next;
            if (active && !config_live)
                def_step.effect = VT_EFFECT_NEEDS_RESTART;
            if (k < sizeof(live_part))
                live_part[k++] = config_live;
        }
    }
    /* an edit that leaves the config as it is needs no define (nor one
       that only rewrites it the same, as libvirt would format it) */
    if (strcmp(cur, base) != 0 && !same_pretty(base, cur)) {
        vt_validation val = { 0 };
        vt_err verr = { { 0 } };
        char *p1, *p2;
        /* "validated" only after the checks ran, and saying which did */
        if (vt_validate_edit(base, cur, &val, &verr) < 0) {
            vt_err_set(err, _("%s: the edited definition is not valid: %s"), d->name, verr.msg);
            goto cleanup;
        }
        def_step.validation = val.text;
        val.text = NULL;
        p1 = vt_xml_pretty(base);
        p2 = vt_xml_pretty(cur);
        char *m1 = mask_secrets(p1), *m2 = mask_secrets(p2);
        char *la = vt_asprintf("%s (inactive XML now)", d->name);
        char *lb = vt_asprintf("%s (inactive XML after)", d->name);
        char *q = vm_q(d->name);
        def_step.diff = vt_diff_unified(m1, m2, la, lb, 3);
        def_step.call = vt_asprintf("virDomainDefineXMLFlags(<%s edited>, VALIDATE)", d->name);
        def_step.virsh = vt_asprintf("define --validate %s.xml", q);
        def_step.base_xml = base;
        def_step.new_xml = cur;
        base = cur = NULL;
        free(m1);
        free(m2);
        free(p1);
        free(p2);
        free(la);
        free(lb);
        free(q);
        *(vt_step *)vt_array_push(&p->steps, &p->nsteps, sizeof(vt_step)) = def_step;
        memset(&def_step, 0, sizeof(def_step));
    }
    ret = 0;

cleanup:
    vt_applyplan_clear_step(&def_step);
    free(plain);
    free(cur);
    free(base);
    return ret;
}

int vt_apply_prepare(vt_conn *c, const vt_changeset *cs, const vt_bases *bases,
                     vt_applyplan *out, vt_err *err)
{
    vt_applyplan p = { 0 };
    const char **done = vt_calloc(cs->n + 1, sizeof(char *));
    size_t ndone = 0, i, j;
    int ret = -1;

    /* every VM must exist, and be the one the edits were staged against,
       before anything else is looked at */
    for (i = 0; i < cs->n; i++) {
        const vt_edit *e = &cs->edits[i];
        const char *was = vt_edit_is_host(e) ? NULL : vt_bases_uuid_of(bases, e->vm);
        const vt_domain *d = vt_edit_is_host(e) ? NULL : vt_conn_find_name(c, e->vm);
        if (was && (!d || strcmp(d->uuid, was) != 0)) {
            const vt_domain *now = vt_conn_find_uuid(c, was);
            if (now)
                vt_err_set(err, _("%s: renamed to \"%s\" since the edits were staged; drop its edits and "
                           "stage them again"), e->vm, now->name);
            else if (d)
                vt_err_set(err, _("%s: undefined since the edits were staged, and another VM of that name "
                           "defined (UUID %s, was %s); drop its edits and review it again"), e->vm, d->uuid, was);
            else
                vt_err_set(err, _("%s: undefined since the edits were staged; drop its edits"), e->vm);
            goto cleanup;
        }
        if (!vt_edit_is_host(e) && !d) {
            char w[32];
            vt_applyplan_where(e, w, sizeof(w));
            vt_err_set(err, _("%sno VM named \"%s\" on %s"), w, e->vm, c->uri);
            goto cleanup;
        }
    }
    /* host steps first: a pool must be there before a VM is set to use it */
    if (vt_hostedit_prepare(c, &p, cs, err) < 0)
        goto cleanup;
    for (i = 0; i < cs->n; i++) {
        const vt_domain *d;
        bool seen = false;
        if (vt_edit_is_host(&cs->edits[i]))
            continue;
        d = vt_conn_find_name(c, cs->edits[i].vm);
        for (j = 0; j < ndone; j++)
            seen |= strcmp(done[j], d->name) == 0;
        if (seen)
            continue;
        done[ndone++] = d->name;
        if (prepare_vm(c, &p, cs, d, bases, err) < 0)
            goto cleanup;
    }
    /* the one judge, over the host as these edits would leave it */
    vt_whatif_judge(c, cs, &p.judged);
    vt_applyplan_clear(out);
    *out = p;
    memset(&p, 0, sizeof(p));
    ret = 0;

cleanup:
    free(done);
    vt_applyplan_clear(&p);
    return ret;
}

/* ---- running ---- */

static unsigned char *cpumap_of(const char *set, int ncpus, int *maplen)
{
    vt_cpuset s;
    unsigned char *map;
    int last, n;

    if (vt_cpuset_parse(set, &s, NULL) < 0)
        return NULL;
    last = vt_cpuset_last(&s);
    n = ncpus > last + 1 ? ncpus : last + 1;
    *maplen = VIR_CPU_MAPLEN(n);
    map = vt_calloc((size_t)*maplen, 1);
    for (int i = 0; i <= last; i++)
        if (vt_cpuset_has(&s, (unsigned)i))
            VIR_USE_CPU(map, i);
    return map;
}

static char *cpuset_of(const unsigned char *map, int maplen)
{
    vt_cpuset s;

    vt_cpuset_clear(&s);
    for (int i = 0; i < maplen * 8; i++)
        if (VIR_CPU_USABLE(map, maplen, 0, i))
            vt_cpuset_set(&s, (unsigned)i);
    return vt_cpuset_format(&s);
}

static int host_cpus(vt_conn *c)
{
    int n = virNodeGetCPUMap(c->conn, NULL, NULL, 0);

    if (n <= 0)
        n = c->host.ncpus ? (int)c->host.ncpus : 1;
    return n;
}

/* The live value a step is about to change, so that it can be undone. */
static int read_live(vt_conn *c, virDomainPtr dom, vt_step *s, vt_err *err)
{
    int ncpus = host_cpus(c), maplen = VIR_CPU_MAPLEN(ncpus), n, i;
    unsigned char *map = NULL;
    int ret = -1;

    switch (s->kind) {
    case VT_STEP_IOTHREAD_PIN: {
        virDomainIOThreadInfoPtr *info = NULL;
        n = virDomainGetIOThreadInfo(dom, &info, VIR_DOMAIN_AFFECT_LIVE);
        if (n < 0)
            break;
        for (i = 0; i < n; i++) {
            if (info[i]->iothread_id == s->id && !s->undo_value)
                s->undo_value = cpuset_of(info[i]->cpumap, info[i]->cpumaplen);
            virDomainIOThreadInfoFree(info[i]);
        }
        free(info);
        if (!s->undo_value) {
            vt_err_set(err, _("the running VM has no IOThread %u"), s->id);
            return -1;
        }
        ret = 0;
        break;
    }
    case VT_STEP_VCPU_PIN: {
        int nv = (int)s->id + 1;
        map = vt_calloc((size_t)nv, (size_t)maplen);
        n = virDomainGetVcpuPinInfo(dom, nv, map, maplen, VIR_DOMAIN_AFFECT_LIVE);
        if (n < 0)
            break;
        if ((int)s->id >= n) {
            vt_err_set(err, _("the running VM has no vCPU %u"), s->id);
            free(map);
            return -1;
        }
        s->undo_value = cpuset_of(VIR_GET_CPUMAP(map, maplen, s->id), maplen);
        ret = 0;
        break;
    }
    case VT_STEP_EMULATOR_PIN:
        map = vt_calloc(1, (size_t)maplen);
        if (virDomainGetEmulatorPinInfo(dom, map, maplen, VIR_DOMAIN_AFFECT_LIVE) < 0)
            break;
        s->undo_value = cpuset_of(map, maplen);
        ret = 0;
        break;
    case VT_STEP_NUMATUNE: {
        virTypedParameterPtr params = NULL;
        int np = 0;
        if (virDomainGetNumaParameters(dom, NULL, &np, VIR_DOMAIN_AFFECT_LIVE) < 0)
            break;
        params = vt_calloc((size_t)np + 1, sizeof(*params));
        if (virDomainGetNumaParameters(dom, params, &np, VIR_DOMAIN_AFFECT_LIVE) < 0) {
            free(params);
            break;
        }
        for (i = 0; i < np; i++) {
            if (strcmp(params[i].field, VIR_DOMAIN_NUMA_NODESET) == 0)
                s->undo_value = vt_strdup(params[i].value.s);
            else if (strcmp(params[i].field, VIR_DOMAIN_NUMA_MODE) == 0 &&
                     params[i].value.i >= 0 && params[i].value.i < 4)
                s->undo_mode = vt_strdup(numa_modes[params[i].value.i]);
        }
        virTypedParamsClear(params, np);
        free(params);
        ret = 0;
        break;
    }
    default:
        ret = 0;
        break;
    }
    free(map);
    if (ret < 0)
        vt_err_set(err, _("cannot read the value before it: %s"), vir_msg());
    return ret;
}

static int numa_mode_int(const char *mode)
{
    for (int i = 0; i < 4; i++)
        if (mode && strcmp(mode, numa_modes[i]) == 0)
            return i;
    return 0;
}

/* One live call with `value`/`mode`; the same code applies and undoes. */
static int live_call(vt_conn *c, virDomainPtr dom, vt_step_kind kind, unsigned id,
                     const char *value, const char *mode)
{
    int ncpus = host_cpus(c), maplen = 0, rc = -1;
    unsigned char *map = NULL;

    if (value && kind != VT_STEP_NUMATUNE && !(map = cpumap_of(value, ncpus, &maplen))) {
        virResetLastError();
        return -1;
    }
    switch (kind) {
    case VT_STEP_IOTHREAD_PIN:
        rc = virDomainPinIOThread(dom, id, map, maplen, VIR_DOMAIN_AFFECT_LIVE);
        break;
    case VT_STEP_VCPU_PIN:
        rc = virDomainPinVcpuFlags(dom, id, map, maplen, VIR_DOMAIN_AFFECT_LIVE);
        break;
    case VT_STEP_EMULATOR_PIN:
        rc = virDomainPinEmulator(dom, map, maplen, VIR_DOMAIN_AFFECT_LIVE);
        break;
    case VT_STEP_IOTHREAD_ADD:
        rc = virDomainAddIOThread(dom, id, VIR_DOMAIN_AFFECT_LIVE);
        break;
    case VT_STEP_IOTHREAD_DEL:
        rc = virDomainDelIOThread(dom, id, VIR_DOMAIN_AFFECT_LIVE);
        break;
    case VT_STEP_NUMATUNE: {
        virTypedParameterPtr params = NULL;
        int np = 0, maxp = 0;
        virTypedParamsAddInt(&params, &np, &maxp, VIR_DOMAIN_NUMA_MODE, numa_mode_int(mode));
        virTypedParamsAddString(&params, &np, &maxp, VIR_DOMAIN_NUMA_NODESET, value);
        rc = virDomainSetNumaParameters(dom, params, np, VIR_DOMAIN_AFFECT_LIVE);
        virTypedParamsFree(params, np);
        break;
    }
    default:
        break;
    }
    free(map);
    return rc;
}

static bool is_host_step(const vt_step *s)
{
    return s->kind == VT_STEP_SYSFS || s->kind == VT_STEP_PAGES || s->kind == VT_STEP_PERSIST ||
           s->kind == VT_STEP_MODULE;
}

/* Steps that go through the daemon: all but the host's sysfs writes and
 * boot files (a huge page pool goes through it unless the driver lacks
 * virNodeAllocPages). */
static bool uses_libvirt(const vt_step *s)
{
    return s->kind != VT_STEP_SYSFS && s->kind != VT_STEP_PERSIST && s->kind != VT_STEP_MODULE &&
           s->kind != VT_STEP_NIC_COALESCE;
}

/* The tap's rx-frames, set by ioctl on this host; the value before is kept
 * for the undo. */
static int coalesce_step(vt_step *s, unsigned frames, bool undo, vt_err *err)
{
    unsigned was = 0, now = 0;
    vt_err terr = { { 0 } };

    if (vt_tap_set_rx_frames(s->path, frames, &was, &now, &terr) < 0) {
        vt_err_set(err, "%s: %s", s->vm, terr.msg);
        return -1;
    }
    if (!undo) {
        free(s->undo_value);
        s->undo_value = vt_asprintf("%u", was);
    }
    if (now != frames) {
        free(s->result);
        s->result = vt_asprintf(_("the tap %s kept rx-frames %u, not %u"), s->path, now, frames);
    }
    return 0;
}

static int run_step(vt_conn *c, vt_step *s, vt_err *err)
{
    virDomainPtr dom;
    vt_err rerr = { { 0 } };
    int rc = -1;

    if (is_host_step(s)) {
        if (vt_hostedit_step_run(c, s, &rerr) < 0) {
            vt_err_set(err, "host: %s: %s", s->knob, rerr.msg);
            return -1;
        }
        return 0;
    }
    if (s->kind == VT_STEP_NIC_COALESCE)
        return coalesce_step(s, s->id, false, err);
    dom = virDomainLookupByUUIDString(c->conn, s->uuid);

    if (!dom) {
        vt_err_set(err, _("%s no longer exists: %s"), s->vm, vir_msg());
        return -1;
    }
    if (s->kind == VT_STEP_DEFINE) {
        char *now = NULL;
        virDomainPtr nd;
        if (fetch_inactive(c, s->uuid, true, &now, err) < 0)
            goto cleanup;
        if (strcmp(now, s->base_xml) != 0) {
            vt_err_set(err, _("%s: the definition changed since the plan was prepared; not "
                       "redefined"), s->vm);
            free(now);
            goto cleanup;
        }
        free(now);
        nd = virDomainDefineXMLFlags(c->conn, s->new_xml, VIR_DOMAIN_DEFINE_VALIDATE);
        if (!nd) {
            vt_err_set(err, _("%s: libvirt refused the new definition: %s"), s->vm, vir_msg());
            goto cleanup;
        }
        virDomainFree(nd);
        rc = 0;
        goto cleanup;
    }
    if (read_live(c, dom, s, &rerr) < 0) {
        vt_err_set(err, _("%s: %s failed: %s"), s->vm, s->call, rerr.msg);
        goto cleanup;
    }
    if (live_call(c, dom, s->kind, s->id, s->value, s->mode) < 0) {
        vt_err_set(err, _("%s: %s failed: %s"), s->vm, s->call, vir_msg());
        goto cleanup;
    }
    rc = 0;

cleanup:
    virDomainFree(dom);
    return rc;
}

static int undo_step(vt_conn *c, vt_step *s, vt_err *err)
{
    virDomainPtr dom;
    int rc = -1;

    if (is_host_step(s))
        return vt_hostedit_step_undo(c, s, err);
    if (s->kind == VT_STEP_NIC_COALESCE)
        return s->undo_value ? coalesce_step(s, (unsigned)atoi(s->undo_value), true, err) : -1;
    dom = virDomainLookupByUUIDString(c->conn, s->uuid);

    if (!dom) {
        vt_err_set(err, _("%s no longer exists"), s->vm);
        return -1;
    }
    switch (s->kind) {
    case VT_STEP_DEFINE: {
        virDomainPtr nd = virDomainDefineXMLFlags(c->conn, s->base_xml, 0);
        if (nd) {
            virDomainFree(nd);
            rc = 0;
        }
        break;
    }
    case VT_STEP_IOTHREAD_ADD:
        rc = live_call(c, dom, VT_STEP_IOTHREAD_DEL, s->id, NULL, NULL);
        break;
    case VT_STEP_IOTHREAD_DEL:
        rc = live_call(c, dom, VT_STEP_IOTHREAD_ADD, s->id, NULL, NULL);
        break;
    default:
        rc = s->undo_value ? live_call(c, dom, s->kind, s->id, s->undo_value,
                                       s->undo_mode ? s->undo_mode : s->mode)
                           : -1;
        break;
    }
    if (rc < 0)
        vt_err_set(err, "%s", vir_msg());
    virDomainFree(dom);
    return rc;
}

const char *vt_apply_log_path(void)
{
    static char path[4096];
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

    if (state && *state)
        snprintf(path, sizeof(path), "%s/virt-tune/apply.log", state);
    else
        snprintf(path, sizeof(path), "%s/.local/state/virt-tune/apply.log",
                 home && *home ? home : "/root");
    return path;
}

/* The plan line that puts a NIC's coalescing back, for --revert-last: the
 * tap's value read just before the ioctl (live), and the definition's
 * before the define (config); NULL for any other change. */
static char *coalesce_revert_line(const vt_step *s, size_t i)
{
    const vt_change *ch = &s->changes[i];
    char mac[18];
    const char *tail;
    unsigned long v;
    char *end;

    if (!ch->what || strncmp(ch->what, "nic ", 4) != 0 || strlen(ch->what) < 21)
        return NULL;
    memcpy(mac, ch->what + 4, 17);
    mac[17] = 0;
    tail = ch->what + 21;
    if (s->kind == VT_STEP_NIC_COALESCE && i == 0 && s->undo_value &&
        strncmp(tail, " coalesce rx-frames (live", 25) == 0)
        return vt_asprintf("vm %s nic %s coalesce rx-frames %s live", s->vm, mac, s->undo_value);
    if (s->kind != VT_STEP_DEFINE || strcmp(tail, " coalesce rx-frames (config)") != 0 ||
        !ch->before)
        return NULL;
    if (strncmp(ch->before, "not set", 7) == 0)
        return vt_asprintf("vm %s nic %s coalesce rx-frames 0 config", s->vm, mac);
    v = strtoul(ch->before, &end, 10);
    if (end == ch->before || *end)
        return NULL;
    return vt_asprintf("vm %s nic %s coalesce rx-frames %lu config", s->vm, mac, v);
}

/* One JSON object per line per change: time, connection, target, change,
 * before, after, result. */
static int log_step(const char *path, const char *uri, const vt_applyplan *p, const vt_step *s,
                    const char *result, vt_err *err)
{
    const char *apply_id = p->apply_id;
    FILE *f;
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    size_t i;

    gmtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
    vt_mkdirs_for(path, 0700);
    {
        /* appended to, never through a symbolic link */
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == ELOOP) {
            vt_refuse_symlink(path, err);
            return -1;
        }
        if (fd < 0 || !(f = fdopen(fd, "a"))) {
            vt_err_set(err, _("cannot write the apply log %s: %s"), path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
    }
    for (i = 0; i < s->nchanges; i++) {
        json_object *o = json_object_new_object();
        char *target = s->uuid ? vt_asprintf("vm %s", s->vm) : vt_strdup("host");
        char *revert = is_host_step(s) ? (i == 0 ? vt_hostedit_step_revert_line(s) : NULL)
                                       : coalesce_revert_line(s, i);
        json_object_object_add(o, "time", json_object_new_string(ts));
        json_object_object_add(o, "apply", json_object_new_string(apply_id));
        if (p->reverts)
            json_object_object_add(o, "reverts", json_object_new_string(p->reverts));
        json_object_object_add(o, "connection", json_object_new_string(uri));
        json_object_object_add(o, "target", json_object_new_string(target));
        if (s->uuid)
            json_object_object_add(o, "uuid", json_object_new_string(s->uuid));
        json_object_object_add(o, "change", json_object_new_string(s->changes[i].what));
        json_object_object_add(o, "before", json_object_new_string(s->changes[i].before));
        json_object_object_add(o, "after", json_object_new_string(s->changes[i].after));
        json_object_object_add(o, "call", json_object_new_string(s->call ? s->call : ""));
        json_object_object_add(o, "result", json_object_new_string(result));
        /* a failure's reason, not only that it failed */
        if ((s->state == VT_STEP_FAILED || s->state == VT_STEP_UNDO_FAILED) && s->result)
            json_object_object_add(o, "error", json_object_new_string(s->result));
        if (revert)
            json_object_object_add(o, "revert", json_object_new_string(revert));
        fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        free(revert);
        free(target);
    }
    if (fclose(f) != 0) {
        vt_err_set(err, _("cannot write the apply log %s: %s"), path, strerror(errno));
        return -1;
    }
    return 0;
}

int vt_apply_run(vt_conn *c, vt_applyplan *p, const char *log_path, vt_apply_progress progress,
                 void *ctx, vt_err *err)
{
    const char *logp = log_path ? log_path : vt_apply_log_path();
    vt_err serr = { { 0 } }, lerr = { { 0 } };
    size_t i, failed = p->nsteps;
    char *lost_why = NULL;

    if (c->readonly) {
        if (c->readonly_fallback)
            vt_err_set(err, _("the connection is read-only: this user may not manage %s (run as root, or as a "
                       "user libvirt lets manage it); nothing was applied"), c->uri);
        else
            vt_err_set(err, _("the connection is read-only (-r): nothing was applied"));
        return -1;
    }
    {
        /* unique across runs and within one process */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(p->apply_id, sizeof(p->apply_id), "%lld.%09ld-%d", (long long)ts.tv_sec,
                 ts.tv_nsec, (int)getpid());
    }
    for (i = 0; i < p->nsteps; i++)
        if (vt_hostedit_step_conflict(&p->steps[i])) {
            vt_err_set(err, _("%s changed since the plan was prepared; nothing was applied"),
                       p->steps[i].path);
            for (size_t k = 0; k < p->nsteps; k++)
                p->steps[k].state = VT_STEP_SKIPPED;
            return -1;
        }
    /* conflicts first: nothing runs if any VM changed since preparing */
    for (i = 0; i < p->nvms; i++) {
        char *now = NULL;
        const vt_domain *d = vt_conn_find_uuid(c, p->vm_uuids[i]);
        const char *name = d && d->name ? d->name : p->vm_uuids[i];
        if (fetch_inactive(c, p->vm_uuids[i], false, &now, &serr) < 0) {
            vt_err_set(err, _("%s; nothing was applied"), serr.msg);
            return -1;
        }
        if (strcmp(now, p->vm_xml[i]) != 0) {
            free(now);
            vt_err_set(err, _("%s: the definition changed since the plan was prepared (redefined "
                       "elsewhere); nothing was applied"), name);
            for (size_t k = 0; k < p->nsteps; k++)
                p->steps[k].state = VT_STEP_SKIPPED;
            return -1;
        }
        free(now);
    }
    for (i = 0; i < p->nsteps; i++) {
        vt_step *s = &p->steps[i];
        vt_err_clear(&serr);
        if (run_step(c, s, &serr) < 0) {
            s->state = VT_STEP_FAILED;
            free(s->result);
            if (uses_libvirt(s) && vt_conn_lost(c)) {
                /* the request may have reached the daemon before it went
                   away (or it may run it when it answers again) */
                s->result = vt_asprintf(_("the connection was lost during the call; it may or may not "
                                        "have taken effect: check with virsh (%s)"), serr.msg);
                if (s->kind == VT_STEP_DEFINE)
                    vt_err_set(&serr, _("%s: the connection to %s was lost during the define"),
                               s->vm ? s->vm : "host", c->uri);
                else
                    vt_err_set(&serr, _("%s: the connection to %s was lost during %s"),
                               s->vm ? s->vm : "host", c->uri, s->call);
            } else {
                s->result = vt_strdup(serr.msg);
            }
            log_step(logp, c->uri, p, s, "failed", &lerr);
            failed = i;
            if (progress)
                progress(ctx, s);
            break;
        }
        s->state = VT_STEP_DONE;
        if (!s->result)
            s->result = vt_strdup(vt_applyplan_effect_name(s->effect));
        if (log_step(logp, c->uri, p, s, "applied", &lerr) < 0) {
            /* an apply that cannot be logged is not kept */
            s->result = (free(s->result), vt_strdup(lerr.msg));
            failed = i + 1;
            vt_err_clear(&serr);
            vt_err_set(&serr, "%s", lerr.msg);
            if (progress)
                progress(ctx, s);
            break;
        }
        if (progress)
            progress(ctx, s);
    }
    if (failed == p->nsteps)
        return 0;
    for (i = failed + 1; i < p->nsteps; i++)
        p->steps[i].state = VT_STEP_SKIPPED;
    vt_err_set(err, "%s", serr.msg);
    /* A daemon that went away (restarted, killed) may be back: the undo of
       the steps done through it needs a connection. One that does not
       answer is waited for a bounded time only. */
    if (!c->in_process && vt_conn_lost(c)) {
        for (i = 0; i < failed; i++)
            if (p->steps[i].state == VT_STEP_DONE && uses_libvirt(&p->steps[i]))
                break;
        if (i < failed && vt_conn_reconnect(c, VT_APPLY_RECONNECT_MS) < 0)
            lost_why = vt_strdup(c->err.msg);
    }
    /* undo newest first */
    for (i = failed; i-- > 0;) {
        vt_step *s = &p->steps[i];
        vt_err uerr = { { 0 } };
        if (s->state != VT_STEP_DONE)
            continue;
        if (lost_why && uses_libvirt(s)) {
            s->state = VT_STEP_UNDO_FAILED;
            free(s->result);
            s->result = vt_asprintf(_("could not be undone, still in effect: no connection (%s)"), lost_why);
            log_step(logp, c->uri, p, s, "undo failed", &lerr);
            if (progress)
                progress(ctx, s);
            continue;
        }
        if (undo_step(c, s, &uerr) == 0) {
            s->state = VT_STEP_UNDONE;
            free(s->result);
            s->result = vt_strdup(_("undone: back to the value before"));
            log_step(logp, c->uri, p, s, "undone", &lerr);
        } else {
            s->state = VT_STEP_UNDO_FAILED;
            free(s->result);
            s->result = vt_asprintf(_("could not be undone, still in effect: %s"), uerr.msg);
            log_step(logp, c->uri, p, s, "undo failed", &lerr);
        }
        if (progress)
            progress(ctx, s);
    }
    free(lost_why);
    return -1;
}

/* ---- revert ---- */

typedef struct log_entry {
    char *apply, *result, *revert, *reverts;   /* owned */
} log_entry;

static bool id_in(char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static const char *jget(json_object *o, const char *k)
{
    json_object *v;

    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

int vt_apply_revert_plan(const char *log_path, const char *uri, char **plan, char **reverts, vt_err *err)
{
    const char *path = log_path ? log_path : vt_apply_log_path();
    FILE *f = fopen(path, "r");
    log_entry *ents = NULL;
    char **done = NULL;        /* applies already reverted */
    size_t n = 0, ndone = 0, i, end;
    char line[8192];
    int ret = -1;

    if (!f) {
        vt_err_set(err, _("no apply log at %s: %s"), path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        json_object *o = json_tokener_parse(line);
        log_entry *e;
        const char *conn;
        if (!o)
            continue;   /* a torn last line is not the log's end */
        conn = jget(o, "connection");
        if (uri && conn && strcmp(conn, uri) != 0) {
            json_object_put(o);   /* another host's */
            continue;
        }
        e = vt_array_push(&ents, &n, sizeof(*e));
        e->apply = vt_strdup(jget(o, "apply"));
        e->result = vt_strdup(jget(o, "result"));
        e->revert = vt_strdup(jget(o, "revert"));
        e->reverts = vt_strdup(jget(o, "reverts"));
        json_object_put(o);
    }
    fclose(f);
    /* newest apply first; one with a failure was rolled back already */
    for (end = n; end > 0;) {
        const char *id = ents[end - 1].apply;
        size_t start = end;
        bool failed = false, any = false;
        while (start > 0 && ents[start - 1].apply && id && strcmp(ents[start - 1].apply, id) == 0)
            start--;
        if (start == end)
            start = end - 1;
        for (i = start; i < end; i++) {
            failed |= ents[i].result && strcmp(ents[i].result, "applied") != 0;
            any |= ents[i].revert != NULL;
        }
        /* a revert that went through takes itself and its target off */
        if (!failed && ents[start].reverts) {
            if (!id_in(done, ndone, ents[start].reverts))
                *(char **)vt_array_push(&done, &ndone, sizeof(char *)) = ents[start].reverts;
            end = start;
            continue;
        }
        if (!failed && any && id && !id_in(done, ndone, id)) {
            vt_buf b = { 0 };
            vt_buf_addf(&b, "# virt-tune: revert of apply %s (from %s)\n", id, path);
            for (i = end; i-- > start;)
                if (ents[i].revert)
                    vt_buf_addf(&b, "%s\n", ents[i].revert);
            *plan = vt_buf_steal(&b);
            *reverts = vt_strdup(id);
            ret = 0;
            break;
        }
        end = start;
    }
    if (ret < 0 && uri)
        vt_err_set(err, _("the apply log %s has no host change left to revert on %s (it puts back "
                   "host knobs and NIC coalescing)"), path, uri);
    else if (ret < 0)
        vt_err_set(err, _("the apply log %s has no host change left to revert (it puts back host "
                   "knobs and NIC coalescing)"), path);
    for (i = 0; i < n; i++) {
        free(ents[i].apply);
        free(ents[i].result);
        free(ents[i].revert);
        free(ents[i].reverts);
    }
    free(ents);
    free(done);
    return ret;
}

/* ---- text ---- */

static void describe_step(vt_buf *b, const vt_step *s, size_t n, bool with_diff)
{
    size_t i;

    vt_buf_addf(b, "  %zu. [%s] %s\n", n, vt_applyplan_effect_name(s->effect),
                s->kind == VT_STEP_DEFINE ? _("config: define the edited inactive XML") : s->call);
    if (s->kind == VT_STEP_DEFINE)
        vt_buf_addf(b, "       (%s)\n", s->validation ? s->validation : _("not validated"));
    for (i = 0; i < s->nchanges; i++) {
        const vt_change *ch = &s->changes[i];
        if (ch->line)
            vt_buf_addf(b, _("       %s: %s -> %s   (line %d)\n"), ch->what, ch->before, ch->after,
                        ch->line);
        else
            vt_buf_addf(b, "       %s: %s -> %s\n", ch->what, ch->before, ch->after);
    }
    if (with_diff && s->diff && *s->diff) {
        const char *p = s->diff;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            vt_buf_add(b, "       ");
            vt_buf_addn(b, p, len);
            vt_buf_add(b, "\n");
            p += len + (nl ? 1 : 0);
        }
    }
}

char *vt_apply_describe(const vt_applyplan *p, bool with_diffs)
{
    vt_buf b = { 0 };
    const char *vm = NULL;
    size_t i;

    if (!p->nsteps)
        vt_buf_add(&b, _("Nothing to change: every staged value is already in place.\n"));
    for (i = 0; i < p->nsteps; i++) {
        const vt_step *s = &p->steps[i];
        const char *key = s->uuid ? s->uuid : "host";
        if (!vm || strcmp(vm, key) != 0) {
            if (s->uuid)
                vt_buf_addf(&b, "vm %s (%s)\n", s->vm, s->vm_active ? _("running") : _("shut off"));
            else
                vt_buf_add(&b, "host\n");
            vm = key;
        }
        describe_step(&b, s, i + 1, with_diffs);
    }
    for (i = 0; i < p->nwarnings; i++)
        vt_buf_addf(&b, _("warning: %s\n"), p->warnings[i]);
    {
        char *t = vt_apply_judgement_text(p);
        vt_buf_add(&b, t);
        free(t);
    }
    return vt_buf_steal(&b);
}

char *vt_apply_judgement_text(const vt_applyplan *p)
{
    const vt_judgement *j = &p->judged;
    vt_buf b = { 0 };
    char *t;

    if (!j->judged) {
        vt_buf_addf(&b, _("advisor: %s\n"), j->why ? j->why : _("not judged"));
        return vt_buf_steal(&b);
    }
    t = vt_judgement_text(j, "  ");
    if (!*t) {
        vt_buf_add(&b, _("advisor: these edits change none of its warnings or failures\n"));
    } else {
        VT_AUTOFREE char *nf = vt_asprintf(P_("%zu new failure", "%zu new failures", j->new_failures),
                                           j->new_failures);
        VT_AUTOFREE char *nw = vt_asprintf(P_("%zu new warning", "%zu new warnings", j->new_warnings),
                                           j->new_warnings);
        vt_buf_addf(&b, _("advisor, over the host as these edits would leave it:\n%s"), t);
        /* TRANSLATORS: the first two %s are "N new failures" and "N new warnings" */
        vt_buf_addf(&b, _("advisor: %s, %s, %zu resolved\n"), nf, nw, j->resolved);
    }
    free(t);
    return vt_buf_steal(&b);
}

char *vt_apply_outcome(const vt_applyplan *p)
{
    vt_buf b = { 0 };
    size_t i;

    for (i = 0; i < p->nsteps; i++) {
        const vt_step *s = &p->steps[i];
        vt_buf_addf(&b, "  %zu. %-11s %s%s: %s%s%s\n", i + 1, vt_applyplan_state_name(s->state),
                    s->uuid ? "vm " : "", s->vm, s->kind == VT_STEP_DEFINE ? "config" : s->call,
                    s->result ? ": " : "", s->result ? s->result : "");
    }
    return vt_buf_steal(&b);
}

char *vt_apply_export_virsh(const vt_applyplan *p, const char *uri)
{
    vt_buf b = { 0 };
    char *qu = shq(uri ? uri : "");
    size_t i, j;

    vt_buf_add(&b, "#!/bin/sh\n# virsh commands equivalent to this virt-tune plan, in apply order.\n"
                   "# A config change is a define of the whole edited inactive XML: this file\n"
                   "# holds those definitions (graphics passwords included), keep it private.\n"
                   "set -e\n");
    vt_buf_addf(&b, "v() { virsh%s%s \"$@\"; }\n", uri ? " -c " : "", uri ? qu : "");
    for (i = 0; i < p->nsteps; i++) {
        const vt_step *s = &p->steps[i];
        for (j = 0; j < s->nchanges; j++)
            vt_buf_addf(&b, "# %s%s: %s: %s -> %s\n", s->uuid ? "vm " : "", s->vm, s->changes[j].what,
                        s->changes[j].before, s->changes[j].after);
        if (is_host_step(s)) {
            char *sh = vt_hostedit_step_shell(s);
            vt_buf_addf(&b, "%s\n", sh);
            free(sh);
            continue;
        }
        if (s->kind == VT_STEP_NIC_COALESCE) {
            vt_buf_addf(&b, "%s   # on the VM's host, not through virsh\n", s->virsh);
            continue;
        }
        if (s->kind != VT_STEP_DEFINE) {
            vt_buf_addf(&b, "v %s\n", s->virsh);
            continue;
        }
        vt_buf_addf(&b, "v define --validate /dev/stdin <<'VIRT_TUNE_XML_EOF'\n%s%s"
                        "VIRT_TUNE_XML_EOF\n",
                    s->new_xml, s->new_xml[0] && s->new_xml[strlen(s->new_xml) - 1] == '\n' ? "" : "\n");
    }
    free(qu);
    return vt_buf_steal(&b);
}
