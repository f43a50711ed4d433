#include "advisor.h"

#include <json-c/json.h>
#include <libvirt/virterror.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "checks.h"
#include "cpumap.h"
#include "cpuset.h"
#include "facts.h"
#include "plan.h"

static const char *const sev_names[VT_SEV_LAST] = { "info", "warning", "failure" };

const char *vt_severity_name(vt_severity s)
{
    return s < VT_SEV_LAST ? sev_names[s] : "?";
}

static vt_advice *add(vt_advice_list *l, const char *topic, vt_severity sev, const char *vm,
                      const char *panel, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* A finding. fmt and why are English msgids (marked N_ where they are
 * written): the English text is what the JSON and the tests read, the
 * translated one (summary_l10n, why_l10n) what a person reads. */
static vt_advice *add(vt_advice_list *l, const char *topic, vt_severity sev, const char *vm,
                      const char *panel, const char *why, const char *fmt, ...)
{
    vt_advice *a = vt_array_push(&l->items, &l->n, sizeof(*a));
    char buf[512], lbuf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(lbuf, sizeof(lbuf), _(fmt), ap);
    va_end(ap);
    snprintf(a->topic, sizeof(a->topic), "%s", topic);
    a->sev = sev;
    a->vm = vt_strdup(vm);
    a->panel = (char *)panel;
    a->summary = vt_strdup(buf);
    a->summary_l10n = vt_strdup(lbuf);
    a->why = vt_strdup(why);
    a->why_l10n = why ? vt_strdup(_(why)) : NULL;
    return a;
}

static void evidence(vt_advice *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void evidence(vt_advice *a, const char *fmt, ...)
{
    char buf[1024], lbuf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(lbuf, sizeof(lbuf), _(fmt), ap);
    va_end(ap);
    free(a->evidence);
    free(a->evidence_l10n);
    a->evidence = vt_strdup(buf);
    a->evidence_l10n = vt_strdup(lbuf);
}

/* A text composed piecewise is composed twice: [0] in English, [1] in
 * the user's language. tr(k, msgid) is msgid in language k. */
static const char *tr(int k, const char *msgid) __attribute__((format_arg(2)));
static const char *tr(int k, const char *msgid)
{
    return k ? _(msgid) : msgid;
}

/* fmt (an English msgid) onto both texts */
static void addf2(vt_buf b[2], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf2(vt_buf b[2], const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    for (int k = 0; k < 2; k++) {
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), tr(k, fmt), ap);
        va_end(ap);
        vt_buf_add(&b[k], buf);
    }
}

/* the finding's summary, English and translated (taken) */
static void set_summary(vt_advice *a, char *t[2])
{
    free(a->summary);
    free(a->summary_l10n);
    a->summary = t[0];
    a->summary_l10n = t[1];
}

/* its evidence, English and translated (taken) */
static void set_evidence(vt_advice *a, char *t[2])
{
    free(a->evidence);
    free(a->evidence_l10n);
    a->evidence = t[0];
    a->evidence_l10n = t[1];
}

/* its evidence from two composed texts (emptied) */
static void evidence_bufs(vt_advice *a, vt_buf b[2])
{
    char *t[2] = { vt_buf_steal(&b[0]), vt_buf_steal(&b[1]) };

    set_evidence(a, t);
}

/* ---- helpers over a definition ---- */

static bool vcpu_pins(const vt_domdef *def, vt_cpuset *out)
{
    bool any = false;

    vt_cpuset_clear(out);
    for (size_t i = 0; i < def->nvcpupins; i++) {
        vt_cpuset s;
        if (def->vcpupins[i].cpuset && vt_cpuset_parse(def->vcpupins[i].cpuset, &s, NULL) == 0) {
            vt_cpuset_or(out, &s);
            any = true;
        }
    }
    return any;
}

/* every vCPU has a pin of its own */
static bool all_vcpus_pinned(const vt_domdef *def)
{
    return def->vcpus && def->nvcpupins >= def->vcpus;
}

static bool is_virtio_blk(const vt_disk_def *k)
{
    return k->bus && strcmp(k->bus, "virtio") == 0 &&
           (!k->device || strcmp(k->device, "disk") == 0);
}

static bool is_virtio_scsi(const vt_controller_def *ct)
{
    return ct->type && strcmp(ct->type, "scsi") == 0 && ct->model &&
           strcmp(ct->model, "virtio-scsi") == 0;
}

static char *host_cpus(const vt_conn *c, const vt_domdef *def)
{
    if (def && def->vcpu_cpuset)
        return vt_strdup(def->vcpu_cpuset);
    if (c->host.online_cpus)
        return vt_strdup(c->host.online_cpus);
    return vt_domain_default_affinity(c, def);
}

/* host NUMA nodes whose CPUs intersect set, as a node list */
static char *nodes_of_cpus(const vt_conn *c, const vt_cpuset *set)
{
    vt_cpuset nodes;

    vt_cpuset_clear(&nodes);
    for (size_t i = 0; i < c->host.nnodes; i++) {
        vt_cpuset nc;
        if (c->host.nodes[i].cpus && vt_cpuset_parse(c->host.nodes[i].cpus, &nc, NULL) == 0 &&
            vt_cpuset_intersects(&nc, set))
            vt_cpuset_set(&nodes, (unsigned)c->host.nodes[i].id);
    }
    return vt_cpuset_format(&nodes);
}

/* ---- per-VM checks ---- */

static const char *const why_iothread =
    N_("The guide: without IOThreads every disk request is handled by QEMU's main thread under the "
       "global lock, which stalls vCPUs; give each virtio-blk disk or virtio-scsi controller its "
       "own IOThread, pinned away from the vCPUs.");

static void check_iothreads(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                            const vt_domdef *def)
{
    vt_buf ev[2] = { { 0 }, { 0 } }, fix = { 0 };
    unsigned next = (unsigned)def->niothreads;
    size_t missing = 0, devs = 0;

    /* devices without an IOThread: a new one each, the guide's 1:1. A SCSI
       disk is judged through its controller (below), whose IOThread it runs
       in (vt_fact_disk_iothread). */
    for (size_t i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        if (!is_virtio_blk(k))
            continue;
        devs++;
        if (vt_fact_disk_iothread(def, k))
            continue;
        missing++;
        addf2(ev, N_("%sdisk %s: no iothread="), ev[0].len ? "; " : "",
              k->target ? k->target : "?");
        vt_buf_addf(&fix, "vm %s disk %s iothread %u\n", d->name, k->target ? k->target : "?", ++next);
    }
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const vt_controller_def *ct = &def->controllers[i];
        char name[64];
        if (!is_virtio_scsi(ct))
            continue;
        devs++;
        if (ct->iothread)
            continue;
        missing++;
        vt_fact_controller_name(ct, name, sizeof(name));
        addf2(ev, N_("%scontroller %s: no iothread="), ev[0].len ? "; " : "", name);
        vt_buf_addf(&fix, "vm %s controller %u iothread %u\n", d->name, ct->index, ++next);
    }
    if (missing) {
        vt_advice *a = add(l, "iothread", VT_SEV_WARN, d->name, "disks", why_iothread,
                           N_("%zu virtio disk%s or controller%s without an IOThread"), missing,
                           missing == 1 ? "" : "s", missing == 1 ? "" : "s");
        char *lines = vt_buf_steal(&fix);
        char *t[2];
        for (int k = 0; k < 2; k++)
            t[k] = vt_asprintf(tr(k, N_("%s (the VM has %zu IOThread%s)")), ev[k].buf,
                               def->niothreads, def->niothreads == 1 ? "" : "s");
        set_evidence(a, t);
        a->fix = vt_asprintf("vm %s iothreads %u\n%s", d->name, next, lines);
        free(lines);
    } else if (def->niothreads && devs > def->niothreads) {
        /* all have one, but they share: more devices than threads */
        vt_advice *a = add(l, "iothread", VT_SEV_INFO, d->name, "disks", why_iothread,
                           N_("%zu virtio disks and controllers share %zu IOThread%s"), devs,
                           def->niothreads, def->niothreads == 1 ? "" : "s");
        evidence(a, N_("<iothreads>%zu</iothreads>, %zu devices"), def->niothreads, devs);
    }
    vt_buf_free(&ev[0]);
    vt_buf_free(&ev[1]);
    vt_buf_free(&fix);
}

/* ---- CPU pins: a VM's threads on CPUs where vCPUs are pinned ---- */

/* The CPUs vCPU v is pinned to: its <vcpupin>, else <vcpu cpuset=>, as
   libvirt runs it. false: it may run anywhere. */
static bool vcpu_pin_of(const vt_domdef *def, unsigned v, vt_cpuset *out)
{
    for (size_t i = 0; i < def->nvcpupins; i++)
        if (def->vcpupins[i].id == v && def->vcpupins[i].cpuset)
            return vt_cpuset_parse(def->vcpupins[i].cpuset, out, NULL) == 0;
    return def->vcpu_cpuset && vt_cpuset_parse(def->vcpu_cpuset, out, NULL) == 0;
}

/* The CPUs the pinned vCPUs may run on; false when no vCPU is pinned. */
static bool vcpu_pin_union(const vt_domdef *def, vt_cpuset *out)
{
    vt_cpuset s;
    bool any = false;

    vt_cpuset_clear(out);
    for (unsigned v = 0; v < def->vcpus; v++)
        if (vcpu_pin_of(def, v, &s)) {
            vt_cpuset_or(out, &s);
            any = true;
        }
    return any;
}

/* Dedicated vCPUs: every vCPU pinned, to no more CPUs in all than there
   are vCPUs (one to a CPU, or a few sharing a corner of their own, as
   build-runner's 8-9): those CPUs are the VM's. A VM pinned over a wider
   range (a node, to keep its memory local) shares by design. */
static bool dedicated_vcpus(const vt_domdef *def, vt_cpuset *cpus)
{
    vt_cpuset s;

    vt_cpuset_clear(cpus);
    if (!def->vcpus)
        return false;
    for (unsigned v = 0; v < def->vcpus; v++) {
        if (!vcpu_pin_of(def, v, &s))
            return false;
        vt_cpuset_or(cpus, &s);
    }
    return vt_cpuset_count(cpus) <= def->vcpus;
}

/* The other VMs that hold CPUs in the tense judged: now, the running ones
   as they run; after the next start, the running ones and those that
   start with the host, by their configuration. */
static const vt_domdef *other_def(const vt_domain *o, bool now)
{
    if (now)
        return vt_domain_active(o) ? o->live : NULL;
    if (!vt_domain_active(o) && !o->autostart)
        return NULL;
    return o->config ? o->config : o->live;
}

/* The CPUs of each VM's dedicated vCPUs in one tense, worked out once per
   vt_advise: the cross-VM check asks it of every pair of VMs. */
typedef struct ded_vm {
    const vt_domain *d;
    const vt_domdef *def;       /* the definition in that tense */
    unsigned *cpus;             /* owned, ascending */
    size_t ncpus;
} ded_vm;

typedef struct pin_table {
    ded_vm *vms;                /* owned: the VMs with dedicated vCPUs */
    size_t n;
} pin_table;

static void pin_table_build(const vt_conn *c, bool now, pin_table *t)
{
    vt_cpuset s;

    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *o = c->doms[i];
        const vt_domdef *od = o->name ? other_def(o, now) : NULL;
        ded_vm *v;
        size_t k = 0;
        if (!od || !dedicated_vcpus(od, &s))
            continue;
        v = vt_array_push(&t->vms, &t->n, sizeof(*v));
        v->d = o;
        v->def = od;
        v->ncpus = vt_cpuset_count(&s);
        v->cpus = vt_calloc(v->ncpus ? v->ncpus : 1, sizeof(*v->cpus));
        for (int cpu = 0; cpu <= vt_cpuset_last(&s) && k < v->ncpus; cpu++)
            if (vt_cpuset_has(&s, (unsigned)cpu))
                v->cpus[k++] = (unsigned)cpu;
    }
}

static void pin_table_clear(pin_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->vms[i].cpus);
    free(t->vms);
    memset(t, 0, sizeof(*t));
}

static bool ded_meets(const ded_vm *v, const vt_cpuset *set)
{
    for (size_t k = 0; k < v->ncpus; k++)
        if (vt_cpuset_has(set, v->cpus[k]))
            return true;
    return false;
}

/* CPUs where other VMs' dedicated vCPUs are pinned */
static void others_dedicated(const pin_table *pt, const vt_domain *d, vt_cpuset *out)
{
    vt_cpuset_clear(out);
    for (size_t i = 0; i < pt->n; i++)
        for (size_t k = 0; pt->vms[i].d != d && k < pt->vms[i].ncpus; k++)
            vt_cpuset_set(out, pt->vms[i].cpus[k]);
}

/* Where a thread pinned onto vCPU cores can go instead: the CPUs it may
   use less the VM's own vCPUs and other VMs' dedicated ones, on the NUMA
   nodes of its vCPUs where any are left there; NULL when none is left. */
static char *pin_elsewhere(const vt_conn *c, const vt_domain *d, const vt_domdef *def,
                           const pin_table *pt, const vt_cpuset *vcpus)
{
    VT_AUTOFREE char *allowed_s = host_cpus(c, def);
    VT_AUTOFREE char *nodes_s = nodes_of_cpus(c, vcpus);
    vt_cpuset allowed, others, nodes, local, nc;

    if (!allowed_s || vt_cpuset_parse(allowed_s, &allowed, NULL) < 0)
        return NULL;
    others_dedicated(pt, d, &others);
    vt_cpuset_andnot(&allowed, vcpus);
    vt_cpuset_andnot(&allowed, &others);
    vt_cpuset_clear(&local);
    if (*nodes_s && vt_cpuset_parse(nodes_s, &nodes, NULL) == 0)
        for (size_t i = 0; i < c->host.nnodes; i++)
            if (vt_cpuset_has(&nodes, (unsigned)c->host.nodes[i].id) && c->host.nodes[i].cpus &&
                vt_cpuset_parse(c->host.nodes[i].cpus, &nc, NULL) == 0)
                vt_cpuset_or(&local, &nc);
    vt_cpuset_and(&local, &allowed);
    if (!vt_cpuset_is_empty(&local))
        return vt_cpuset_format(&local);
    return vt_cpuset_is_empty(&allowed) ? NULL : vt_cpuset_format(&allowed);
}

/* The vCPUs of def whose pins meet cpus, and the CPUs of cpus they are on. */
static void vcpus_on(const vt_domdef *def, const vt_cpuset *cpus, vt_cpuset *vcpus,
                     vt_cpuset *where)
{
    vt_cpuset s;

    vt_cpuset_clear(vcpus);
    vt_cpuset_clear(where);
    for (unsigned v = 0; v < def->vcpus; v++)
        if (vcpu_pin_of(def, v, &s) && vt_cpuset_intersects(&s, cpus)) {
            vt_cpuset_set(vcpus, v);
            vt_cpuset_and(&s, cpus);
            vt_cpuset_or(where, &s);
        }
}

/* "IOThread 1 pinned to CPU 2, where vCPU 0 is pinned"; "emulator pinned
   to CPUs 0-7, including CPUs 2-5, where db-primary's vCPUs 0-3 are
   pinned". owner: NULL for the VM's own vCPUs. In language k (tr). */
static char *pinned_where(int k, const char *thread, const vt_cpuset *pin, const vt_cpuset *where,
                          const char *owner, const vt_cpuset *vcpus)
{
    VT_AUTOFREE char *p = vt_cpuset_format(pin);
    VT_AUTOFREE char *w = vt_cpuset_format(where);
    VT_AUTOFREE char *v = vt_cpuset_format(vcpus);
    VT_AUTOFREE char *incl = NULL;
    bool many = vt_cpuset_count(vcpus) > 1;

    if (!vt_cpuset_equal(pin, where))
        incl = vt_asprintf(tr(k, N_(", including CPU%s %s")), vt_cpuset_count(where) > 1 ? "s" : "",
                           w);
    if (owner)
        return vt_asprintf(tr(k, N_("%s pinned to CPU%s %s%s, where %s's vCPU%s %s %s pinned")),
                           thread, vt_cpuset_count(pin) > 1 ? "s" : "", p, incl ? incl : "", owner,
                           many ? "s" : "", v, many ? "are" : "is");
    return vt_asprintf(tr(k, N_("%s pinned to CPU%s %s%s, where vCPU%s %s %s pinned")), thread,
                       vt_cpuset_count(pin) > 1 ? "s" : "", p, incl ? incl : "", many ? "s" : "",
                       v, many ? "are" : "is");
}

/* "vCPU 0: 2, vCPU 1: 3": where def's vCPUs are pinned */
static char *vcpu_pins_text(const vt_domdef *def)
{
    vt_buf b = { 0 };
    vt_cpuset s;

    for (unsigned v = 0; v < def->vcpus; v++)
        if (vcpu_pin_of(def, v, &s)) {
            VT_AUTOFREE char *t = vt_cpuset_format(&s);
            vt_buf_addf(&b, "%svCPU %u: %s", b.len ? ", " : "", v, t);
        }
    return b.len ? vt_buf_steal(&b) : vt_strdup("none pinned");
}

/* Thread k of def in order: its vCPUs, the emulator, the IOThreads; its
   name and pin. false: k is past the last, or the thread is not pinned
   (*what empty). */
static bool thread_pin(const vt_domdef *def, size_t k, char *what, size_t n, vt_cpuset *pin)
{
    *what = '\0';
    if (k < def->vcpus) {
        snprintf(what, n, "vCPU %zu", k);
        return vcpu_pin_of(def, (unsigned)k, pin);
    }
    k -= def->vcpus;
    if (k == 0) {
        snprintf(what, n, "emulator");
        return def->emulatorpin && vt_cpuset_parse(def->emulatorpin, pin, NULL) == 0;
    }
    k--;
    if (k < def->niothreads) {
        snprintf(what, n, "IOThread %u", def->iothreads[k].id);
        return def->iothreads[k].pin && vt_cpuset_parse(def->iothreads[k].pin, pin, NULL) == 0;
    }
    return false;
}

static const char *const why_emulator =
    N_("The guide pins IOThreads away from the vCPUs so as not to take their CPU time; the "
       "emulator thread (QEMU's main loop: device emulation, disk I/O without IOThreads) pinned "
       "onto the vCPUs' CPUs preempts them the same way. Pin it to CPUs the vCPUs do not use.");

static const char *const why_shared =
    N_("vCPUs pinned to CPUs of their own (the guides' dedicated pinning) are meant to have them "
       "to themselves; another VM's threads pinned there take turns with them, which brings back "
       "the latency and jitter the pinning was for. Keep each VM's pins off other VMs' dedicated "
       "CPUs.");

/* Other VMs named one finding each, up to this many; the rest in one more
   finding, so that a host pinned all over (a thousand VMs on the same few
   CPUs) gives each VM a handful of lines, not one per other VM. */
#define VT_PIN_NAMED 3

/* One VM's IOThreads and emulator on its own vCPUs' CPUs, and its threads
 * on CPUs where another VM's dedicated vCPUs are pinned (that VM running,
 * or starting with the host: pt). Two VMs floating over the same CPUs, or
 * the emulator and IOThreads of several VMs on one housekeeping CPU, are
 * no finding. */
static void check_pins(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                       const vt_domdef *def, const pin_table *pt)
{
    size_t nth = def->vcpus + 1 + def->niothreads, nvms = 0, more = 0;
    vt_cpuset vcpus, s, on, where, all;
    vt_cpuset *pins = NULL;
    char (*names)[32] = NULL;
    bool *pinned = NULL, any = false;
    vt_buf rest = { 0 };
    char what[32];
    vt_advice *a;

    if (vcpu_pin_union(def, &vcpus)) {
        VT_AUTOFREE char *to = pin_elsewhere(c, d, def, pt, &vcpus);
        VT_AUTOFREE char *vp = vcpu_pins_text(def);
        for (size_t i = 0; i < def->niothreads; i++) {
            const vt_iothread_def *io = &def->iothreads[i];
            char *sum[2];
            if (!io->pin || vt_cpuset_parse(io->pin, &s, NULL) < 0 ||
                !vt_cpuset_intersects(&s, &vcpus))
                continue;
            snprintf(what, sizeof(what), "IOThread %u", io->id);
            vcpus_on(def, &s, &on, &where);
            for (int k = 0; k < 2; k++)
                sum[k] = pinned_where(k, what, &s, &where, NULL, &on);
            a = add(l, "iothread", VT_SEV_WARN, d->name, "iothreads", why_iothread, "%s", sum[0]);
            set_summary(a, sum);
            evidence(a, N_("iothreadpin %u cpuset %s; %s"), io->id, io->pin, vp);
            if (to)
                a->fix = vt_asprintf("vm %s iothread %u pin %s both\n", d->name, io->id, to);
        }
        if (def->emulatorpin && vt_cpuset_parse(def->emulatorpin, &s, NULL) == 0 &&
            vt_cpuset_intersects(&s, &vcpus)) {
            char *sum[2];
            vcpus_on(def, &s, &on, &where);
            for (int k = 0; k < 2; k++)
                sum[k] = pinned_where(k, "emulator", &s, &where, NULL, &on);
            a = add(l, "cpu-pin", VT_SEV_WARN, d->name, "iothreads", why_emulator, "%s", sum[0]);
            set_summary(a, sum);
            evidence(a, N_("emulatorpin cpuset %s; %s"), def->emulatorpin, vp);
            if (to)
                a->fix = vt_asprintf("vm %s emulator pin %s both\n", d->name, to);
        }
    }

    if (!pt->n)
        return;
    /* every pinned thread once; the other VMs checked against their union first */
    pins = vt_calloc(nth, sizeof(*pins));
    names = vt_calloc(nth, sizeof(*names));
    pinned = vt_calloc(nth, sizeof(*pinned));
    vt_cpuset_clear(&all);
    for (size_t k = 0; k < nth; k++)
        if ((pinned[k] = thread_pin(def, k, names[k], sizeof(names[k]), &pins[k]))) {
            vt_cpuset_or(&all, &pins[k]);
            any = true;
        }
    for (size_t i = 0; any && i < pt->n; i++) {
        const ded_vm *v = &pt->vms[i];
        char *first[2] = { NULL, NULL }, *t[2];
        VT_AUTOFREE char *theirs = NULL;
        vt_buf ev = { 0 };
        size_t n = 0;
        if (v->d == d || !ded_meets(v, &all))
            continue;
        if (++nvms > VT_PIN_NAMED) {
            if (more++ < 8)
                vt_buf_addf(&rest, "%s%s", rest.len ? ", " : "", v->d->name);
            continue;
        }
        for (size_t k = 0; k < nth; k++) {
            VT_AUTOFREE char *p = NULL;
            if (!pinned[k] || !ded_meets(v, &pins[k]))
                continue;
            if (!n++) {
                vcpus_on(v->def, &pins[k], &on, &where);
                for (int lang = 0; lang < 2; lang++)
                    first[lang] = pinned_where(lang, names[k], &pins[k], &where, v->d->name, &on);
            }
            p = vt_cpuset_format(&pins[k]);
            vt_buf_addf(&ev, "%s%s: %s", ev.len ? ", " : "", names[k], p);
        }
        theirs = vcpu_pins_text(v->def);
        for (int lang = 0; lang < 2; lang++) {
            t[lang] = vt_asprintf("%s%s", first[lang],
                                  n > 1 ? tr(lang, N_(" (and more of its threads)")) : "");
            free(first[lang]);
        }
        a = add(l, "cpu-pin", VT_SEV_WARN, d->name, "iothreads", why_shared, "%s", t[0]);
        set_summary(a, t);
        for (int lang = 0; lang < 2; lang++)
            t[lang] = vt_asprintf("%s; %s (%s): %s", ev.buf, v->d->name,
                                  vt_domain_active(v->d) ? vt_domain_state_name(v->d->state)
                                                         : tr(lang, N_("autostart")),
                                  theirs);
        set_evidence(a, t);
        vt_buf_free(&ev);
    }
    if (more) {
        a = add(l, "cpu-pin", VT_SEV_WARN, d->name, "iothreads", why_shared,
                N_("threads pinned where the dedicated vCPUs of %zu more VM%s are pinned"), more,
                more == 1 ? "" : "s");
        evidence(a, "%s%s", rest.buf, more > 8 ? ", ..." : "");
    }
    vt_buf_free(&rest);
    free(pins);
    free(names);
    free(pinned);
}

/* A LUN's source that is a partition or a logical volume. Compiled only
 * for a LUN: the advisor runs at every refresh of every host, and most
 * VMs have none. */
static bool part_or_lv(const char *src)
{
    regex_t part, lv;
    bool r;

    /* partitions, and multipath partitions (mpathap1) */
    regcomp(&part, "^/dev/(sd[a-z]+[0-9]+|vd[a-z]+[0-9]+|nvme[0-9]+n[0-9]+p[0-9]+|hd[a-z]+[0-9]+|"
                   "mapper/mpath[a-z]+(p|-part)[0-9]+)$", REG_EXTENDED | REG_NOSUB);
    /* LVM: /dev/VG/LV, or /dev/mapper/VG-LV (a whole multipath LUN is mpathX) */
    regcomp(&lv, "^/dev/(mapper/[^/]*[^-]-[^-][^/]*|[^/]+/[^/]+)$", REG_EXTENDED | REG_NOSUB);
    r = regexec(&part, src, 0, NULL, 0) == 0 ||
        (regexec(&lv, src, 0, NULL, 0) == 0 && strncmp(src, "/dev/disk/", 10) != 0 &&
         strncmp(src, "/dev/mapper/mpath", 17) != 0);
    regfree(&part);
    regfree(&lv);
    return r;
}

static void check_disks(vt_advice_list *l, const vt_domain *d, const vt_domdef *def)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        const char *t = k->target ? k->target : "?";
        if (k->device && strcmp(k->device, "lun") == 0) {
            bool rawio = k->rawio && strcmp(k->rawio, "yes") == 0;
            vt_advice *a;
            if (k->source && part_or_lv(k->source)) {
                a = add(l, "lun", VT_SEV_FAIL, d->name, "disks",
                        N_("The guide: physical raw device mapping (device='lun') needs a whole "
                           "SCSI disk; a partition or logical volume given as a LUN is invisible "
                           "to the guest. Use device='disk' for it."),
                        N_("LUN %s is a partition or logical volume: the guest cannot see it"), t);
                evidence(a, N_("source dev %s, device='lun'"), k->source);
            }
            a = add(l, "lun", rawio ? VT_SEV_WARN : VT_SEV_INFO, d->name, "disks",
                    N_("A LUN passes SCSI commands to the host disk; rawio='yes' gives QEMU "
                       "CAP_SYS_RAWIO on the host, which sVirt and DAC do not confine."),
                    rawio ? N_("disk %s is a raw LUN with rawio='yes'")
                          : N_("disk %s is a raw LUN"),
                    t);
            evidence(a, N_("device='lun' rawio=%s sgio=%s source %s"),
                     k->rawio ? k->rawio : "(unset)", k->sgio ? k->sgio : "(unset)",
                     k->source ? k->source : "?");
            continue;
        }
        if (k->device && strcmp(k->device, "disk") != 0)
            continue;
        if ((k->cache && strcmp(k->cache, "none") == 0) && (k->io && strcmp(k->io, "native") == 0))
            continue;
        {
            vt_advice *a = add(l, "disk-cache", VT_SEV_INFO, d->name, "disks",
                               N_("The guide's disks use cache='none' io='native': no double "
                                  "caching in the host page cache, and Linux AIO instead of a "
                                  "thread pool."),
                               N_("disk %s is not cache='none' io='native'"), t);
            evidence(a, "cache=%s io=%s", k->cache ? k->cache : "(default)",
                     k->io ? k->io : "(default)");
            /* native AIO is for images QEMU opens itself: a file or a block
               device (a volume is one of them), not a network disk */
            if (k->target && (!k->type || strcmp(k->type, "file") == 0 ||
                              strcmp(k->type, "block") == 0 || strcmp(k->type, "volume") == 0))
                a->fix = vt_asprintf("vm %s disk %s cache none io native\n", d->name, k->target);
        }
    }
}

static bool numatune_mode_is(const vt_domdef *def, const char *mode)
{
    return def->numatune && def->numatune->mode && strcmp(def->numatune->mode, mode) == 0;
}

/* Memory on several nodes that the VM's definition chose: an info with its
   reason, and no fix, since a strict numatune on one node would break the
   layout. NULL when the spread is no design of the VM's. */
static vt_advice *numa_by_design(vt_advice_list *l, const vt_domain *d, const vt_domdef *def,
                                 const vt_cpuset *used, int nused)
{
    const vt_numatune_def *nt = def->numatune;
    vt_cpuset allowed;
    vt_advice *a;

    if (vt_numa_cells_per_node(def, &allowed)) {
        vt_buf ev[2] = { { 0 }, { 0 } };
        for (int k = 0; k <= vt_cpuset_last(used); k++)
            if (vt_cpuset_has(used, (unsigned)k) && !vt_cpuset_has(&allowed, (unsigned)k))
                return NULL;    /* memory where no cell is bound: not the design */
        a = add(l, "numa", VT_SEV_INFO, d->name, "memory",
                N_("RHEL's one-node advice is for guests that do not see NUMA; this guest has NUMA "
                   "cells bound one per host node, so each cell's memory is local to its own "
                   "vCPUs."),
                N_("memory spread over %d NUMA nodes by design: guest NUMA cells bound one per "
                   "host node"),
                nused);
        for (size_t i = 0; i < nt->nmemnodes; i++) {
            if (i)
                addf2(ev, "%s", ", ");
            addf2(ev, N_("cell %u on node %s"), nt->memnodes[i].cellid, nt->memnodes[i].nodeset);
        }
        evidence_bufs(a, ev);    /* the caller puts the memory per node first */
        return a;
    }
    if (numatune_mode_is(def, "interleave"))
        return add(l, "numa", VT_SEV_INFO, d->name, "memory",
                   N_("numatune interleave spreads the memory over its nodes on purpose (bandwidth "
                      "over latency); a strict numatune on one node would undo that choice."),
                   N_("memory spread over %d NUMA nodes by design: numatune interleave %s"), nused,
                   nt->nodeset ? nt->nodeset : "");
    if (numatune_mode_is(def, "preferred"))
        return add(l, "numa", VT_SEV_INFO, d->name, "memory",
                   N_("numatune preferred lets memory spill to other nodes when the preferred node "
                      "is short rather than fail; a strict numatune would turn the spill into "
                      "failures."),
                   N_("memory spread over %d NUMA nodes, as numatune preferred %s allows"), nused,
                   nt->nodeset ? nt->nodeset : "");
    return NULL;
}

static void check_numa(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                       const vt_domdef *def)
{
    vt_cpuset pins, pins_nodes;
    const char *why = N_("RHEL: a VM whose memory comes from several NUMA nodes pays "
                         "remote-memory latency (numastat -c qemu-kvm); keep it on the node(s) of "
                         "its vCPUs with a strict numatune.");

    if (d->spread_present && d->spread_nnodes > 1) {
        unsigned long long total = 0;
        int used = 0, top = 0;
        for (int k = 0; k < d->spread_nnodes; k++) {
            total += d->spread_kib[k];
            if (d->spread_kib[k] > d->spread_kib[top])
                top = k;
        }
        vt_cpuset on;
        vt_cpuset_clear(&on);
        for (int k = 0; total && k < d->spread_nnodes; k++)
            if (d->spread_kib[k] * 10 > total) {    /* over 10% */
                used++;
                vt_cpuset_set(&on, (unsigned)k);
            }
        vt_cpuset nt;
        /* a strict numatune on fewer nodes in the config: fixed at the next start */
        bool pending = def->numatune && def->numatune->nodeset && def->numatune->mode &&
                       strcmp(def->numatune->mode, "strict") == 0 &&
                       vt_cpuset_parse(def->numatune->nodeset, &nt, NULL) == 0 &&
                       (int)vt_cpuset_count(&nt) < used;
        if (used > 1) {
            vt_buf ev[2] = { { 0 }, { 0 } };
            vt_advice *a = numa_by_design(l, d, def, &on, used);
            for (int k = 0; k < d->spread_nnodes; k++) {
                char mem[32];
                vt_fact_mem(d->spread_kib[k], mem, sizeof(mem));
                addf2(ev, N_("%snode %d: %s"), k ? ", " : "", k, mem);
            }
            if (a) {
                /* the design's own evidence (the cells' nodes) after the memory */
                if (a->evidence) {
                    vt_buf_addf(&ev[0], "; %s", a->evidence);
                    vt_buf_addf(&ev[1], "; %s", vt_advice_evidence(a));
                }
                evidence_bufs(a, ev);
                goto pins;
            }
            a = add(l, "numa", pending ? VT_SEV_INFO : VT_SEV_WARN, d->name, "memory",
                    why, pending ? N_("memory spread over %d NUMA nodes until the next "
                                      "start (numatune strict in the config)")
                                 : N_("memory spread over %d NUMA nodes"), used);
            evidence_bufs(a, ev);
            if (pending) {
                ;
            } else if (vcpu_pins(def, &pins)) {
                VT_AUTOFREE char *nodes = nodes_of_cpus(c, &pins);
                if (*nodes)
                    a->fix = vt_asprintf("vm %s numatune strict %s config\n", d->name, nodes);
            } else {
                a->fix = vt_asprintf("vm %s numatune strict %d config\n", d->name, top);
            }
        }
    }
pins:
    /* interleave and per-cell bindings span nodes whatever the vCPUs do;
       whether each cell's vCPUs sit on its node is not judged here */
    if (def->numatune && def->numatune->nodeset && vcpu_pins(def, &pins) && c->host.nnodes > 1 &&
        !numatune_mode_is(def, "interleave") && !vt_numa_cells_per_node(def, &pins_nodes)) {
        VT_AUTOFREE char *nodes = nodes_of_cpus(c, &pins);
        vt_cpuset want, have;
        if (*nodes && vt_cpuset_parse(nodes, &want, NULL) == 0 &&
            vt_cpuset_parse(def->numatune->nodeset, &have, NULL) == 0 && !vt_cpuset_equal(&want, &have)) {
            vt_advice *a = add(l, "numa", VT_SEV_WARN, d->name, "memory", why,
                               N_("numatune nodeset %s is not the node(s) of its pinned vCPUs "
                                  "(%s)"),
                               def->numatune->nodeset, nodes);
            evidence(a, N_("numatune %s %s; vCPU pins on node(s) %s"),
                     def->numatune->mode ? def->numatune->mode : "strict", def->numatune->nodeset,
                     nodes);
            a->fix = vt_asprintf("vm %s numatune %s %s config\n", d->name,
                                 def->numatune->mode ? def->numatune->mode : "strict", nodes);
        }
    }
}

/* Guest cells bound outside a strict numatune's nodeset. libvirt confines
 * all of QEMU's memory to that nodeset (cpuset.mems): up to 9.3 a cell
 * bound elsewhere fails the start ("cannot bind memory to host NUMA
 * nodes"), later versions place the cell outside the nodeset. What the
 * numatune edit left before issue 15; the fix is the same numatune again,
 * whose edit now moves such memnodes into it, or, for cells bound one per
 * node on purpose (which the edit keeps), a nodeset that takes them in. */
static void check_memnodes(vt_advice_list *l, const vt_domain *d, const vt_domdef *def)
{
    const vt_numatune_def *nt = def->numatune;
    vt_cpuset mem, s, all;
    vt_buf ev = { 0 };
    size_t n = 0;
    unsigned first = 0;
    char *first_nodes = NULL;
    vt_advice *a;

    if (!nt || !nt->nodeset || !numatune_mode_is(def, "strict") ||
        vt_cpuset_parse(nt->nodeset, &mem, NULL) < 0)
        return;
    all = mem;
    for (size_t i = 0; i < nt->nmemnodes; i++) {
        const vt_memnode_def *m = &nt->memnodes[i];
        if (!m->nodeset || vt_cpuset_parse(m->nodeset, &s, NULL) < 0)
            continue;
        vt_cpuset_or(&all, &s);
        if (vt_cpuset_subset(&s, &mem))
            continue;
        if (!n++) {
            first = m->cellid;
            first_nodes = m->nodeset;
        }
        vt_buf_addf(&ev, "%s<memnode cellid='%u' mode='%s' nodeset='%s'/>", ev.len ? ", " : "",
                    m->cellid, m->mode ? m->mode : "strict", m->nodeset);
    }
    if (!n)
        return;
    a = add(l, "numa", VT_SEV_WARN, d->name, "memory",
            N_("With a strict numatune libvirt confines QEMU's memory to its nodeset "
               "(cpuset.mems); a guest cell bound outside it fails the start up to libvirt 9.3 "
               "(cannot bind memory to host NUMA nodes), and is placed outside the nodeset after."),
            n > 1 ? N_("guest cell %u bound to node%s %s, outside numatune strict %s (and more "
                       "cells)")
                  : N_("guest cell %u bound to node%s %s, outside numatune strict %s"),
            first, strchr(first_nodes, ',') || strchr(first_nodes, '-') ? "s" : "", first_nodes,
            nt->nodeset);
    evidence(a, "<memory mode='strict' nodeset='%s'/>; %s", nt->nodeset, ev.buf);
    if (vt_numa_cells_per_node(def, NULL)) {
        VT_AUTOFREE char *wide = vt_cpuset_format(&all);
        a->fix = vt_asprintf("vm %s numatune strict %s config\n", d->name, wide);
    } else {
        a->fix = vt_asprintf("vm %s numatune strict %s config\n", d->name, nt->nodeset);
    }
    vt_buf_free(&ev);
}

/* The label the VM runs with (its_now) or will run with after its next
 * start: a config that changes the seclabel gives the config's static
 * label, or a fresh dynamic one (none to compare yet); otherwise the
 * running one stays what counts, as a restart keeps a static label. */
static const vt_seclabel_def *run_label(const vt_domain *d, bool now)
{
    const vt_seclabel_def *live, *cfg;

    if (!vt_domain_active(d) || !d->live)
        return NULL;
    live = vt_domdef_main_seclabel(d->live);
    if (now || !d->config || d->config == d->live)
        return live;
    cfg = vt_domdef_main_seclabel(d->config);
    if (!cfg || !live || !cfg->type || !live->type || strcmp(cfg->type, live->type) != 0)
        return cfg && cfg->type && strcmp(cfg->type, "static") == 0 ? cfg : NULL;
    if (strcmp(cfg->type, "static") == 0 && cfg->label &&
        (!live->label || strcmp(cfg->label, live->label) != 0))
        return cfg;
    return live;
}

static void check_svirt_vm(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                           const vt_domdef *def, const vt_seclabel_def *run)
{
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(def);
    const char *why = N_("openEuler sVirt: each VM's QEMU runs as svirt_t with its own MCS "
                         "categories, so a compromised VM cannot open other VMs' images; "
                         "type='none' or relabel='no' lose that.");
    vt_advice *a;

    if (sl && sl->type && strcmp(sl->type, "none") == 0) {
        a = add(l, "svirt", VT_SEV_FAIL, d->name, "security", why,
                N_("no sVirt confinement (seclabel type='none')"));
        evidence(a, "<seclabel type='none'%s%s%s/>", sl->model ? " model='" : "", sl->model ? sl->model : "",
                 sl->model ? "'" : "");
        /* a selinux label would not start where libvirt has no SELinux
           driver (DAC, AppArmor hosts): there the fix is to leave the label
           to the host's default driver (openEuler: "or make sure there is
           no <seclabel type='none'/>") */
        if (vt_host_has_secmodel(&c->host, "selinux"))
            a->fix = vt_asprintf("vm %s seclabel dynamic relabel yes\n", d->name);
        else
            a->fix = vt_asprintf("vm %s seclabel default\n", d->name);
    } else if (sl && sl->relabel && strcmp(sl->relabel, "no") == 0) {
        a = add(l, "svirt", VT_SEV_WARN, d->name, "security", why,
                N_("relabel='no': libvirt does not label this VM's images"));
        evidence(a, "<seclabel type='%s' relabel='no'>", sl->type ? sl->type : "?");
        if (sl->type && strcmp(sl->type, "static") == 0 && sl->label)
            a->fix = vt_asprintf("vm %s seclabel static %s relabel yes\n", d->name, sl->label);
        else
            a->fix = vt_asprintf("vm %s seclabel dynamic relabel yes\n", d->name);
    }
    /* categories are the running VM's own (a dynamic label exists only live) */
    sl = run;
    if (sl && sl->label && (!sl->type || strcmp(sl->type, "none") != 0)) {
        const char *cats = vt_label_categories_at(sl->label);
        for (size_t j = 0; cats && j < c->ndoms; j++) {
            const vt_domain *o = c->doms[j];
            const vt_seclabel_def *osl;
            const char *oc;
            if (o == d || !vt_domain_active(o) || !o->live)
                continue;
            osl = vt_domdef_main_seclabel(o->live);
            oc = osl ? vt_label_categories_at(osl->label) : NULL;
            if (oc && strcmp(oc, cats) == 0) {
                a = add(l, "svirt", VT_SEV_FAIL, d->name, "security", why,
                        N_("same MCS categories %s as %s: they can open each other's files"), cats,
                        o->name ? o->name : o->uuid);
                evidence(a, "%s: %s; %s: %s", d->name, sl->label, o->name, osl->label);
                if (sl->type && strcmp(sl->type, "static") == 0)
                    a->fix = vt_asprintf("vm %s seclabel dynamic relabel yes\n", d->name);
                break;
            }
        }
    }
}

static unsigned long long hugepage_size(const vt_domdef *def)
{
    return def->nhugepage_sizes && def->hugepage_sizes[0].size_kib ? def->hugepage_sizes[0].size_kib
                                                                   : 2048;
}

/* Free memory, in KiB, of one node, or of all of them (node < 0); false
   when the host does not say (a remote host, no meminfo). */
static bool node_free_kib(const vt_host *h, int node, unsigned long long *kib)
{
    bool any = false;

    *kib = 0;
    for (size_t i = 0; i < h->nnodes; i++) {
        if (node >= 0 && h->nodes[i].id != node)
            continue;
        if (!h->nodes[i].free_known)
            return false;
        *kib += h->nodes[i].free_kib;
        any = true;
    }
    return any;
}

/* The pool line that grows the pool by missing pages: on its node when
   numatune names one node, host-wide when nothing limits it; NULL for a
   list of nodes, where which node should grow is the admin's choice, and
   where the memory is not free for them (the kernel gives a pool only
   what it can find: such a line would leave the VM short). That case is
   said in the evidence. */
static char *hugepage_grow(const vt_conn *c, vt_advice *a, unsigned long long size,
                           const char *sz, const char *limit, unsigned long long missing)
{
    for (size_t i = 0; i < c->host.npools; i++) {
        const vt_hp_pool *p = &c->host.pools[i];
        unsigned long long have, freekib;
        int node = -1;
        bool found = false;

        if (p->size_kib != size)
            continue;
        if (limit && strchr(limit, ',') == NULL && strchr(limit, '-') == NULL) {
            node = atoi(limit);
            for (size_t j = 0; j < p->nnodes && !found; j++)
                if (p->nodes[j].node == node) {
                    have = p->nodes[j].nr;
                    found = true;
                }
        } else if (!limit) {
            have = p->nr;
            found = true;
        }
        if (!found)
            return NULL;
        if (node_free_kib(&c->host, node, &freekib) && missing > freekib / size) {
            char where[64], fr[32];
            char *t[2];
            for (int k = 0; k < 2; k++) {
                if (node >= 0)
                    snprintf(where, sizeof(where), tr(k, N_("node %d")), node);
                else
                    snprintf(where, sizeof(where), "%s", tr(k, N_("the host")));
                if (freekib)
                    vt_fact_mem(freekib, fr, sizeof(fr));
                else
                    /* TRANSLATORS: "no free memory" in "node 0 has no free memory" */
                    snprintf(fr, sizeof(fr), "%s", tr(k, N_("no")));
                t[k] = vt_asprintf(tr(k, N_("%s; %s has %s free memory, room for %llu more %s "
                                            "pages of the %llu missing: free memory there, or "
                                            "bind the VM to a node with room")),
                                   a->evidence ? (k ? vt_advice_evidence(a) : a->evidence) : "",
                                   where, fr, freekib / size, sz, missing);
            }
            set_evidence(a, t);
            return NULL;
        }
        return node >= 0 ? vt_asprintf("host hugepages %s %llu node %d\n", sz, have + missing, node)
                         : vt_asprintf("host hugepages %s %llu\n", sz, have + missing);
    }
    return NULL;
}

/* Where a VM's huge pages must come from, in parts: the memory nodeset of
   its numatune for the VM as a whole, or, with <memnode>s, each guest
   cell's own nodeset (cells bound alike make one part). A preferred
   binding falls back to any node, so it limits nothing. */
typedef struct hp_part {
    char *nodes;                 /* owned: the host nodes; NULL = any node */
    const char *how;             /* static: "numatune", "memnode" */
    unsigned long long kib;      /* the memory that must be on them in pages */
    vt_cpuset cells;             /* its guest cells */
    bool whole;                  /* the whole VM (its cells all bound alike) */
} hp_part;

static const char *binding(const char *mode, const char *nodeset)
{
    return mode && strcmp(mode, "preferred") == 0 ? NULL : nodeset;
}

static bool same_nodes(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t hp_parts(const vt_domdef *def, hp_part **out)
{
    const vt_numatune_def *nt = def->numatune;
    const char *all = nt ? binding(nt->mode, nt->nodeset) : NULL;
    const char *pages_for = def->nhugepage_sizes ? def->hugepage_sizes[0].nodeset : NULL;
    vt_cpuset huge_cells;
    hp_part *parts = NULL;
    size_t n = 0, ncells = 0;

    if (!nt || !nt->nmemnodes || !def->ncells) {
        hp_part *p = vt_array_push(&parts, &n, sizeof(*p));
        p->nodes = vt_strdup(all);
        p->how = "numatune";
        p->kib = def->memory_kib;
        p->whole = true;
        *out = parts;
        return n;
    }
    /* <page nodeset=> names the guest cells backed by that size */
    if (!pages_for || vt_cpuset_parse(pages_for, &huge_cells, NULL) < 0)
        pages_for = NULL;
    for (size_t i = 0; i < def->ncells; i++) {
        const vt_cell_def *cell = &def->cells[i];
        const char *nodes = all, *how = "numatune";
        hp_part *p = NULL;
        if (pages_for && !vt_cpuset_has(&huge_cells, cell->id))
            continue;
        ncells++;
        for (size_t k = 0; k < nt->nmemnodes; k++)
            if (nt->memnodes[k].cellid == cell->id) {
                nodes = binding(nt->memnodes[k].mode, nt->memnodes[k].nodeset);
                how = "memnode";
            }
        for (size_t k = 0; k < n; k++)
            if (same_nodes(parts[k].nodes, nodes))
                p = &parts[k];
        if (!p) {
            p = vt_array_push(&parts, &n, sizeof(*p));
            p->nodes = vt_strdup(nodes);
            p->how = how;
            vt_cpuset_clear(&p->cells);
        }
        p->kib += cell->memory_kib;
        vt_cpuset_set(&p->cells, cell->id);
    }
    if (n == 1 && ncells == def->ncells)
        parts[0].whole = true;
    *out = parts;
    return n;
}

static void hp_parts_free(hp_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(parts[i].nodes);
    free(parts);
}

/* The pages of size a running VM holds on nodes (NULL: all), from its
   numa_maps; *elsewhere those on other nodes, which are *away. false when
   not known. */
static bool held_pages(const vt_domain *d, const char *nodes, unsigned long long size,
                       unsigned long long *held, unsigned long long *elsewhere, vt_cpuset *away)
{
    vt_cpuset set;
    bool limit = nodes && vt_cpuset_parse(nodes, &set, NULL) == 0;

    *held = *elsewhere = 0;
    vt_cpuset_clear(away);
    if (!d->spread_present || !d->spread_huge_kib)
        return false;
    for (int k = 0; k < d->spread_nnodes; k++) {
        unsigned long long pages = d->spread_huge_kib[k] / size;
        if (!limit || vt_cpuset_has(&set, (unsigned)k)) {
            *held += pages;
        } else if (pages) {
            *elsewhere += pages;
            vt_cpuset_set(away, (unsigned)k);
        }
    }
    return true;
}

static const char *const why_hp_start =
    N_("Static huge pages must be reserved before the VM starts; a pool that cannot hold it makes "
       "the start fail.");
static const char *const why_hp_running =
    N_("Static huge pages must be reserved before the VM starts; this VM holds its pages now, but "
       "a pool that cannot hold it again makes its next start fail.");

/* One part against the pool of its nodes. A shut-off VM needs free
   pages there. A running VM holds its pages: used, not free; they come
   back to the pool when it stops, all but the surplus ones, which the
   kernel frees. So it starts again if the free pages on its nodes and its
   own pages there hold it, and the pool's persistent pages there (nr less
   surplus) do; fewer, and a restart or a crash leaves it down. */
static void check_hugepage_part(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                                unsigned long long size, const char *sz, const hp_part *p,
                                bool running)
{
    unsigned long long need = (p->kib + size - 1) / size, nr, freep, surplus, avail, held = 0,
                       away = 0;
    char where[2][64], bound[2][96], it[2][64];
    bool known = false;
    vt_cpuset away_nodes;
    vt_advice *a;

    if (!need || vt_hugepage_pool(c, size, p->nodes, &nr, &freep, &surplus) < 0)
        return;
    if (running) {
        known = held_pages(d, p->nodes, size, &held, &away, &away_nodes);
        avail = nr > surplus ? nr - surplus : 0;
        if (known && freep + held < avail)
            avail = freep + held;
    } else {
        avail = freep;
    }
    if (avail >= need)
        return;
    for (int k = 0; k < 2; k++) {
        VT_AUTOFREE char *cells = vt_cpuset_format(&p->cells);
        bool many = vt_cpuset_count(&p->cells) > 1;
        if (p->nodes)
            snprintf(where[k], sizeof(where[k]), tr(k, N_("node%s %s")),
                     strchr(p->nodes, ',') || strchr(p->nodes, '-') ? "s" : "", p->nodes);
        else
            snprintf(where[k], sizeof(where[k]), "%s", tr(k, N_("the host")));
        if (p->whole)
            /* TRANSLATORS: the VM, in "its 2M page pool cannot hold it" */
            snprintf(it[k], sizeof(it[k]), "%s", tr(k, N_("it")));
        else
            snprintf(it[k], sizeof(it[k]), tr(k, N_("guest cell%s %s")), many ? "s" : "", cells);
        bound[k][0] = '\0';
        if (p->nodes && strcmp(p->how, "memnode") == 0)
            snprintf(bound[k], sizeof(bound[k]), tr(k, N_(" (the memnode%s of cell%s %s)")),
                     many ? "s" : "", many ? "s" : "", cells);
        else if (p->nodes)
            snprintf(bound[k], sizeof(bound[k]), "%s", tr(k, N_(" (numatune nodeset)")));
    }
    if (running) {
        vt_buf ev[2] = { { 0 }, { 0 } };
        char *t[2];
        for (int k = 0; k < 2; k++)
            t[k] = vt_asprintf(tr(k, N_("its %s page pool on %s holds %llu for %s, %s needs %llu: "
                                        "it would not start again")),
                               sz, where[k], avail, it[k],
                               p->whole ? tr(k, N_("it")) : tr(k, N_("the VM")), need);
        a = add(l, "hugepages", VT_SEV_WARN, d->name, "memory", why_hp_running, "%s", t[0]);
        set_summary(a, t);
        for (int k = 0; k < 2; k++) {
            vt_buf_addf(&ev[k], tr(k, N_("needs %llu x %s on %s%s; pool holds %llu on %s for it")),
                        need, sz, where[k], bound[k], avail, where[k]);
            if (known)
                vt_buf_addf(&ev[k], tr(k, N_(": %llu free + %llu of its own")), freep, held);
            if (surplus)
                vt_buf_addf(&ev[k], tr(k, N_(" (nr_hugepages %llu less %llu surplus that go back "
                                             "to the kernel when it stops)")), nr, surplus);
            else if (!known)
                vt_buf_addf(&ev[k], tr(k, N_(" (nr_hugepages, its own pages included; %llu "
                                             "free)")), freep);
            if (away) {
                VT_AUTOFREE char *an = vt_cpuset_format(&away_nodes);
                vt_buf_addf(&ev[k], tr(k, N_("; it holds %llu x %s on node%s %s, outside them")),
                            away, sz, vt_cpuset_count(&away_nodes) > 1 ? "s" : "", an);
            }
        }
        evidence_bufs(a, ev);
    } else {
        char *t[2];
        for (int k = 0; k < 2; k++)
            t[k] = vt_asprintf(tr(k, N_("its %s page pool cannot hold %s: %s %s %llu free, %s "
                                        "%llu")),
                               sz, it[k], where[k],
                               p->nodes && (strchr(p->nodes, ',') || strchr(p->nodes, '-'))
                                   ? "have" : "has",
                               freep, p->whole ? tr(k, N_("it needs")) : tr(k, N_("the VM needs")),
                               need);
        a = add(l, "hugepages", VT_SEV_WARN, d->name, "memory", why_hp_start, "%s", t[0]);
        set_summary(a, t);
        for (int k = 0; k < 2; k++)
            t[k] = vt_asprintf(tr(k, N_("needs %llu pages of %s on %s%s, %llu free there")), need,
                               sz, where[k], bound[k], freep);
        set_evidence(a, t);
    }
    a->fix = hugepage_grow(c, a, size, sz, p->nodes, need - avail);
}

static void check_hugepages_vm(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                               const vt_domdef *def)
{
    unsigned long long size, nr, freep, surplus;
    hp_part *parts = NULL;
    size_t n;
    bool running;
    char sz[32];

    if (!def->hugepages || c->host.sysfs_why)
        return;
    size = hugepage_size(def);
    vt_fact_pagesize(size, sz, sizeof(sz));     /* a plan line takes it too */
    /* running on pages of this size: it holds them. Running on other pages
       (the config changed), its next start takes free ones as a shut-off VM's */
    running = vt_domain_active(d) && d->live && d->live->hugepages &&
              hugepage_size(d->live) == size;
    if (vt_hugepage_pool(c, size, NULL, &nr, &freep, &surplus) < 0) {
        vt_advice *a;
        if (running)
            return;     /* it runs, so on pages of some other pool: nothing to judge */
        a = add(l, "hugepages", VT_SEV_WARN, d->name, "memory", why_hp_start,
                N_("backed by %s pages, but the host has no %s pool"), sz, sz);
        evidence(a, N_("needs %llu pages of %s, the host has no %s pool"),
                 (def->memory_kib + size - 1) / size, sz, sz);
        return;
    }
    n = hp_parts(def, &parts);
    for (size_t i = 0; i < n; i++)
        check_hugepage_part(c, l, d, size, sz, &parts[i], running);
    hp_parts_free(parts, n);
}

/* queues for a virtio NIC: one per vCPU, at most 16 (RHEL) */
static unsigned nic_queues_for(const vt_domdef *def)
{
    return def->vcpus < 1 ? 1 : def->vcpus > 16 ? 16 : def->vcpus;
}

/* the evidence, and the fix where the NIC's type takes that many queues */
static void nic_queues_fix(vt_advice *a, const vt_domain *d, const vt_domdef *def,
                           const vt_nic_def *k, const char *q)
{
    unsigned want = nic_queues_for(def);

    if (want > 1 && !vt_nic_type_multiqueue(k->type)) {
        evidence(a, N_("queues %s; an interface of type %s has one queue only"), q,
                 k->type ? k->type : "(none)");
        return;
    }
    evidence(a, "queues %s", q);
    if (k->mac)
        a->fix = vt_asprintf("vm %s nic %s queues %u\n", d->name, k->mac, want);
}

/* The SR-IOV PF under a NIC: a bridge that has the PF as a port, or a
 * macvtap (type='direct') on the PF itself. */
static const vt_sriov_pf *nic_pf(const vt_host *h, const vt_nic_def *k)
{
    if (!k->type || !k->source)
        return NULL;
    if (strcmp(k->type, "direct") == 0)
        return vt_host_sriov_pf(h, k->source);
    if (strcmp(k->type, "bridge") != 0)
        return NULL;
    for (size_t i = 0; i < h->nsriov; i++)
        if (h->sriov[i].bridge && strcmp(h->sriov[i].bridge, k->source) == 0)
            return &h->sriov[i];
    return NULL;
}

/* No fix line: which VF a VM gets, and whether it may lose live migration
 * and the host's view of its traffic, is the admin's choice. */
static void check_sriov_nic(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                            const vt_nic_def *k)
{
    const vt_sriov_pf *pf = nic_pf(&c->host, k);
    unsigned fr = pf ? vt_sriov_free_vfs(pf) : 0;
    vt_advice *a;

    if (!fr)
        return;
    a = add(l, "sriov", VT_SEV_INFO, d->name, "network",
            N_("RHEL: when the host NIC supports SR-IOV, give vNICs SR-IOV VFs (interface "
               "type='hostdev' or a hostdev network): the guest reaches the NIC without the "
               "host's bridge and vhost, at the cost of live migration."),
            N_("virtio NIC %s sits on SR-IOV NIC %s, which has %u free VF%s"),
            k->mac ? k->mac : "?", pf->pf, fr, fr == 1 ? "" : "s");
    if (pf->bridge && strcmp(k->type, "bridge") == 0)
        evidence(a, N_("<interface type='bridge'> on %s; %s is a port of it (brif/%s); %s (%s): "
                    "sriov_numvfs %u of %u, %u free"), k->source, pf->pf, pf->pf, pf->pf, pf->pci,
                 pf->numvfs, pf->totalvfs, fr);
    else
        evidence(a, N_("<interface type='direct'> on %s (%s): sriov_numvfs %u of %u, %u free"),
                 pf->pf, pf->pci, pf->numvfs, pf->totalvfs, fr);
}

static void check_nics(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                       const vt_domdef *def)
{
    /* name='vhost' makes libvirt refuse to start the VM where /dev/vhost-net
       cannot be opened: no such fix while the host is known to lack vhost_net */
    bool vhost_ok = c->remote || c->host.vhost_net_loaded;

    for (size_t i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        const char *mac = k->mac ? k->mac : "?";
        char q[32];
        vt_advice *a;
        vt_fact_queues(k, def->vcpus, q, sizeof(q));
        if (!k->model || strcmp(k->model, "virtio") != 0)
            continue;
        if (!c->remote)
            check_sriov_nic(c, l, d, k);
        if (k->driver_name && strcmp(k->driver_name, "qemu") == 0) {
            a = add(l, "vhost", VT_SEV_WARN, d->name, "network",
                    N_("RHEL: vhost-net moves virtio-net packet processing into the host kernel; "
                       "userspace virtio-net (driver name='qemu') costs latency and CPU."),
                    N_("virtio NIC %s does not use vhost"), mac);
            if (vhost_ok)
                evidence(a, "<driver name='qemu'/>");
            else
                evidence(a, N_("<driver name='qemu'/>; the host has no vhost_net loaded (modprobe "
                               "vhost_net first: a VM with driver vhost would not start without "
                               "it)"));
            if (k->mac && vhost_ok)
                a->fix = vt_asprintf("vm %s nic %s driver vhost\n", d->name, k->mac);
        }
        if (def->vcpus > 1 && k->queues <= 1) {
            a = add(l, "multiqueue", VT_SEV_INFO, d->name, "network",
                    N_("RHEL: multi-queue virtio-net (queues = vCPUs, at most 16) lets packet "
                       "processing scale with the vCPUs."),
                    N_("virtio NIC %s has one queue for %u vCPUs"), mac, def->vcpus);
            /* no word on whether queues= is written: libvirt drops queues='1' */
            nic_queues_fix(a, d, def, k, q);
        } else if (k->queues > def->vcpus || k->queues > 16) {
            a = add(l, "multiqueue", VT_SEV_WARN, d->name, "network",
                    N_("RHEL: queues should match the vCPUs, at most 16; more queues than vCPUs "
                       "only add interrupts."),
                    N_("virtio NIC %s has %u queues for %u vCPUs"), mac, k->queues, def->vcpus);
            nic_queues_fix(a, d, def, k, q);
        }
    }
}

/* RHEL: on a VM with a long transmission path, batching the host tap's
 * packets (ethtool -C tap0 rx-frames 64) trades a little latency for far
 * fewer wakeups. Judged on what runs: the running definition's <coalesce>
 * and the tap's own rx-frames as the kernel reports it; without the tap's
 * word (not running, remote, the test driver's taps that are not there)
 * nothing is said. */
static void check_coalesce(const vt_conn *c, vt_advice_list *l, const vt_domain *d)
{
    const vt_domdef *def = d->live;

    if (c->remote || !vt_domain_active(d) || !def)
        return;
    for (size_t i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, k->mac);
        vt_advice *a;
        if (!k->mac || !k->model || strcmp(k->model, "virtio") != 0 ||
            (k->driver_name && strcmp(k->driver_name, "qemu") == 0) ||
            !vt_nic_type_coalesce(k->type) || k->coalesce_rx_frames > 0 || !h ||
            !h->has_coalesce || h->co.rx_frames != 0)
            continue;
        a = add(l, "coalesce", VT_SEV_INFO, d->name, "network",
                N_("RHEL: batching packets on the host tap (ethtool -C TAP rx-frames 64) cuts the "
                   "wakeups per packet on a VM with a long transmission path."),
                N_("virtio NIC %s: its tap %s batches no packets (rx-frames 0)"), k->mac, h->dev);
        evidence(a, N_("tap %s rx-frames 0; no <coalesce> in the running definition"), h->dev);
        a->fix = vt_asprintf("vm %s nic %s coalesce rx-frames 64\n", d->name, k->mac);
    }
}

/* guest-info through the agent: file and exec commands left enabled. The
 * answer is the snapshot's (core/agent.c, asked by the refresh), so the
 * finding says what the report and the console's Agent panel say. */
static void check_agent(vt_advice_list *l, const vt_domain *d, const vt_domdef *def)
{
    const char *why = N_("openEuler qemu-ga: the agent can read and write guest files and run "
                         "commands for whoever reaches the host; block what you do not use "
                         "(qemu-ga --blacklist / --block-rpcs in the guest).");
    VT_AUTOFREE char *text = NULL;
    VT_AUTOFREE char *on = NULL;
    vt_advice *a;

    if (!def->agent_channel || !vt_domain_active(d))
        return;
    text = vt_agent_text(&d->agent);
    if (d->agent.status != VT_AGENT_KNOWN) {
        a = add(l, "qemu-ga", VT_SEV_INFO, d->name, "agent", why,
                d->agent.status == VT_AGENT_FAILED
                    ? N_("guest agent connected, but guest-info did not answer")
                    : N_("guest agent channel present; its enabled commands are not known"));
        if (def->agent_state)
            evidence(a, N_("agent %s; commands %s"), def->agent_state, text);
        else
            evidence(a, N_("agent state unknown; commands %s"), text);
        return;
    }
    on = vt_agent_risky_text(&d->agent);
    if (on[0]) {
        a = add(l, "qemu-ga", VT_SEV_WARN, d->name, "agent", why,
                N_("guest agent allows file or exec commands"));
        evidence(a, "%s; %s", on, text);
    }
}

/* ---- host checks ---- */

static void check_host(vt_conn *c, vt_advice_list *l)
{
    const vt_host *h = &c->host;
    vt_cpuset pinned, wq, online;
    bool any = false, latency = false, hp_all = c->ndoms > 0;
    size_t low = 0, measured = 0;
    vt_advice *a;

    if (c->remote)
        return;
    vt_cpuset_clear(&pinned);
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *d = c->doms[i];
        vt_cpuset s;
        hp_all &= d->config && d->config->hugepages;
        if (!vt_domain_active(d) || !d->live)
            continue;
        if (vcpu_pins(d->live, &s)) {
            vt_cpuset_or(&pinned, &s);
            any = true;
        }
        latency |= all_vcpus_pinned(d->live);
        if (d->haltpoll_present && d->haltpoll_success_ns + d->haltpoll_fail_ns > 0) {
            measured++;
            low += d->haltpoll_success_ns * 10 < (d->haltpoll_success_ns + d->haltpoll_fail_ns) * 3;
        }
    }
    /* kworker */
    if (any && h->workqueue_cpus && vt_cpuset_parse(h->workqueue_cpus, &wq, NULL) == 0 &&
        vt_cpuset_intersects(&wq, &pinned)) {
        VT_AUTOFREE char *p = vt_cpuset_format(&pinned);
        a = add(l, "kworker", VT_SEV_WARN, NULL, "host",
                N_("openEuler: kworker threads compete with vCPU threads for their cores and make "
                   "VM performance jitter; bind the workqueue cpumask to the CPUs the vCPUs do not "
                   "use."),
                N_("kworkers may run on the pinned vCPU cores"));
        {
            /* whose vCPUs: the admin's next question */
            vt_buf who[2] = { { 0 }, { 0 } };
            size_t nwho = 0;
            char *t[2];
            for (size_t i = 0; i < c->ndoms; i++) {
                const vt_domain *d = c->doms[i];
                vt_cpuset s;
                if (!vt_domain_active(d) || !d->live || !vcpu_pins(d->live, &s) || !vt_cpuset_intersects(&s, &wq))
                    continue;
                if (nwho++ < 3)
                    addf2(who, "%s%s", who[0].len ? ", " : "", d->name);
            }
            if (nwho > 3)
                addf2(who, N_(" and %zu more"), nwho - 3);
            for (int k = 0; k < 2; k++)
                t[k] = vt_asprintf(tr(k, N_("workqueue cpumask %s%s%s%s; vCPUs pinned to %s; "
                                            "overlaps the pinned vCPUs of %s")),
                                   h->workqueue_cpus, h->workqueue_mask ? " (" : "",
                                   h->workqueue_mask ? h->workqueue_mask : "",
                                   h->workqueue_mask ? ")" : "", p, who[k].buf ? who[k].buf : "?");
            set_evidence(a, t);
            vt_buf_free(&who[0]);
            vt_buf_free(&who[1]);
        }
        if (h->online_cpus && vt_cpuset_parse(h->online_cpus, &online, NULL) == 0) {
            for (int k = 0; k <= vt_cpuset_last(&pinned); k++)
                if (vt_cpuset_has(&pinned, (unsigned)k))
                    vt_cpuset_unset(&online, (unsigned)k);
            if (!vt_cpuset_is_empty(&online)) {
                VT_AUTOFREE char *to = vt_cpuset_format(&online);
                a->fix = vt_asprintf("host workqueue_cpus %s persist\n", to);
            }
        }
    }
    /* halt-polling */
    if (h->halt_poll_ns.present) {
        const char *why = N_("openEuler: halt-polling keeps an idle vCPU spinning for "
                             "halt_poll_ns before it sleeps: lower wake-up latency, but host CPU "
                             "shows busy even when guests are idle.");
        const char *persist = h->halt_poll_ns.writable ? "" : " persist";
        if (h->halt_poll_ns.value > 0 && measured >= 2 && low * 2 > measured) {
            a = add(l, "halt-poll", VT_SEV_WARN, NULL, "host", why,
                    N_("halt polling mostly fails: host CPU burnt for nothing"));
            evidence(a, N_("halt_poll_ns %llu; %zu of %zu running VMs succeed in under 30%% of "
                           "their polling time"), h->halt_poll_ns.value, low, measured);
            a->fix = vt_asprintf("host halt_poll_ns 0%s\n", persist);
        } else if (h->halt_poll_ns.value == 0 && latency) {
            a = add(l, "halt-poll", VT_SEV_INFO, NULL, "host", why,
                    N_("halt polling is off on a host with dedicated (pinned) vCPUs"));
            evidence(a, N_("halt_poll_ns 0; a running VM has every vCPU pinned"));
            a->fix = vt_asprintf("host halt_poll_ns 200000%s\n", persist);
        }
    }
    /* THP */
    if (hp_all && h->thp_enabled && strcmp(h->thp_enabled, "never") != 0) {
        a = add(l, "hugepages", VT_SEV_INFO, NULL, "host",
                N_("openEuler: when every VM uses static huge pages, turning THP off saves the "
                   "host khugepaged's work and gives steadier performance."),
                N_("every VM uses static huge pages, but THP is %s"), h->thp_enabled);
        evidence(a, "transparent_hugepage/enabled [%s]", h->thp_enabled);
        a->fix = vt_strdup("host thp enabled never persist\n");
    }
    /* SELinux */
    if (h->selinux != VT_SELINUX_ENFORCING) {
        a = add(l, "svirt", VT_SEV_WARN, NULL, "host",
                N_("sVirt confines VMs only when SELinux enforces (RHEL: getenforce must say "
                   "Enforcing); set SELINUX=enforcing and reboot."),
                N_("SELinux is %s: sVirt does not confine the VMs"),
                vt_selinux_mode_name(h->selinux));
        evidence(a, N_("SELinux mode: %s"), vt_selinux_mode_name(h->selinux));
    }
    if (!h->vhost_net_loaded) {
        a = add(l, "vhost", VT_SEV_WARN, NULL, "host",
                N_("RHEL: virtio NICs need the vhost_net module for in-kernel packet processing "
                   "(modprobe vhost_net)."),
                N_("vhost_net is not loaded"));
        {
            VT_AUTOFREE char *dev = vt_host_dev_path(c->sysfs_root, "vhost-net");
            if (h->modprobe)
                evidence(a, N_("no %s/module/vhost_net, no %s"), c->sysfs_root, dev);
            else
                evidence(a, N_("no %s/module/vhost_net, no %s; no modprobe on this host to load it "
                               "with (PATH, /sbin, /usr/sbin)"), c->sysfs_root, dev);
        }
        /* where nothing can run modprobe, a fix would only fail at apply */
        if (h->modprobe)
            a->fix = vt_strdup("host module vhost_net load persist\n");
    }
}

static const char why_sasl[] =
    N_("openEuler libvirt authentication: remote libvirt without authentication lets "
       "anyone on the network control the VMs; use SASL, ideally SCRAM over TLS.");
static const char why_transport[] =
    N_("RHEL: manage VMs remotely only over encrypted tools and protocols (SSH, TLS): "
       "in clear, whoever is on the path reads and changes what libvirt is told.");

/* The remote-access findings of core/remote.c, each under its topic. */
static void check_sasl(vt_advice_list *l, const vt_remote_status *rs)
{
    for (size_t i = 0; rs && i < rs->nfindings; i++) {
        const vt_remote_finding *f = &rs->findings[i];
        bool transport = f->topic && strcmp(f->topic, "transport") == 0;
        vt_advice *a;
        if (f->severity == VT_RSEV_INFO)
            continue;
        a = add(l, transport ? "transport" : "sasl",
                f->severity == VT_RSEV_FAIL ? VT_SEV_FAIL : VT_SEV_WARN, NULL, "host",
                transport ? why_transport : why_sasl, "%s", f->text);
        if (f->text_l10n) {    /* core/remote.c wrote it in the user's language */
            free(a->summary_l10n);
            a->summary_l10n = vt_strdup(f->text_l10n);
        }
        if (transport) {
            /* virtproxyd's file is the one that counts where it exists */
            const vt_conf *lc = rs->virtproxyd_conf_path ? &rs->virtproxyd : &rs->ra.libvirtd;
            const char *lt = vt_conf_get(lc, "listen_tcp"), *at = vt_conf_get(lc, "auth_tcp");
            evidence(a,
                     rs->nsockets
                         ? N_("%s: listen_tcp = %s, auth_tcp = %s (socket units enabled)")
                         : "%s: listen_tcp = %s, auth_tcp = %s",
                     rs->virtproxyd_conf_path ? rs->virtproxyd_conf_path
                                              : rs->ra.libvirtd_conf_path ? rs->ra.libvirtd_conf_path : "?",
                     lt ? lt : "unset", at ? at : "unset");
        }
        else
            evidence(a, "%s; %s", rs->ra.libvirtd_conf_path ? rs->ra.libvirtd_conf_path : "",
                     rs->ra.sasl_conf_path ? rs->ra.sasl_conf_path : "");
    }
}

/* The connection virt-tune itself uses: the client end of the same
 * practice (the listener's end is in the remote-access findings). */
static void check_transport(const vt_conn *c, vt_advice_list *l)
{
    const char *t = vt_uri_transport(c->uri);
    vt_advice *a;

    if (vt_uri_transport_secure(c->uri, c->encrypted) != 0)
        return;
    a = add(l, "transport", VT_SEV_WARN, NULL, "host", why_transport,
            N_("this connection is not encrypted (%s over plain %s)"), c->uri ? c->uri : "?", t);
    if (c->encrypted == 0)
        evidence(a, N_("transport %s; libvirt says the connection is not encrypted (no SASL "
                       "session layer: auth_tcp = \"none\" on the daemon); connect with "
                       "qemu+ssh:// or qemu+tls://"), t);
    else
        evidence(a, N_("transport %s; libvirt says the connection is of unknown encryption (no "
                       "SASL session layer: auth_tcp = \"none\" on the daemon); connect with "
                       "qemu+ssh:// or qemu+tls://"), t);
}

static const char why_sandbox[] =
    N_("RHEL: QEMU's seccomp sandbox limits the system calls a QEMU process may make; with "
       "SELinux and sVirt it is one of the layers that keep a broken-out guest off the host.");

/* qemu.conf's seccomp_sandbox and what each running QEMU really has. No
 * plan line writes qemu.conf: the evidence names the file and the key. */
static void check_sandbox(const vt_conn *c, vt_advice_list *l)
{
    const vt_qemu_conf *q = &c->qemu_conf;
    VT_AUTOFREE char *src = NULL;
    vt_buf off = { 0 };
    size_t noff = 0;
    vt_advice *a;

    if (c->remote || !q->path)
        return;
    src = vt_qemu_conf_sandbox_source(q);
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *d = c->doms[i];
        if (!vt_domain_active(d) || !d->name || d->sandbox != 0)
            continue;
        if (q->seccomp_sandbox == 1) {
            a = add(l, "sandbox", VT_SEV_WARN, d->name, "security", why_sandbox,
                    N_("QEMU runs without its seccomp sandbox"));
            evidence(a, N_("no '-sandbox on' on the command line of pid %d, while qemu.conf says "
                           "seccomp_sandbox = 1 (%s): the VM was started before the change; it "
                           "needs a restart (shut down, start)"), d->pid, src);
            /* the host's file is fixed already: as a definition fixed in
               config, kept and said, not counted (DESIGN: pending restart) */
            a->pending_restart = true;
        } else if (noff++ < 3) {
            vt_buf_addf(&off, "%s%s", off.len ? ", " : "", d->name);
        }
    }
    if (q->seccomp_sandbox == 0) {
        a = add(l, "sandbox", VT_SEV_WARN, NULL, "host", why_sandbox,
                N_("QEMU's seccomp sandbox is off for every VM started (seccomp_sandbox = 0)"));
        if (noff > 3)
            evidence(a, N_("seccomp_sandbox = 0 in %s; running without it: %s and more; set it to "
                           "1 (or comment it out), restart libvirtd, then restart the VMs"), src,
                     off.buf);
        else if (noff)
            evidence(a, N_("seccomp_sandbox = 0 in %s; running without it: %s; set it to 1 (or "
                           "comment it out), restart libvirtd, then restart the VMs"), src,
                     off.buf);
        else
            evidence(a, N_("seccomp_sandbox = 0 in %s; set it to 1 (or comment it out) and "
                           "restart libvirtd"), src);
    }
    vt_buf_free(&off);
}

/* ---- the whole list ---- */

static int cmp_advice(const void *pa, const void *pb)
{
    const vt_advice *a = pa, *b = pb;
    int r;

    if (a->sev != b->sev)
        return (int)b->sev - (int)a->sev;
    if ((r = strcmp(a->topic, b->topic)) != 0)
        return r;
    if (!a->vm || !b->vm)
        return a->vm ? 1 : b->vm ? -1 : 0;
    return strcmp(a->vm, b->vm);
}

static void check_vm(const vt_conn *c, vt_advice_list *l, const vt_domain *d,
                     const vt_domdef *def, bool now, const pin_table *pins)
{
    check_iothreads(c, l, d, def);
    check_pins(c, l, d, def, pins);
    check_disks(l, d, def);
    check_numa(c, l, d, def);
    check_memnodes(l, d, def);
    check_svirt_vm(c, l, d, def, run_label(d, now));
    check_hugepages_vm(c, l, d, def);
    check_nics(c, l, d, def);
}

static bool has_finding(const vt_advice_list *l, size_t from, const vt_advice *a)
{
    for (size_t i = from; i < l->n; i++)
        if (l->items[i].vm && strcmp(l->items[i].vm, a->vm) == 0 &&
            strcmp(l->items[i].topic, a->topic) == 0 && strcmp(l->items[i].summary, a->summary) == 0)
            return true;
    return false;
}

/* What the running definition has and the config no longer: fixed in the
 * config, in effect at the next start. Said so, rather than dropped (it
 * is still true of the VM now) or offered again (its fix is done). */
static void add_pending(vt_advice_list *l, size_t from, vt_advice_list *now)
{
    for (size_t i = 0; i < now->n; i++) {
        vt_advice *a = &now->items[i], *p;
        if (has_finding(l, from, a))
            continue;
        p = vt_array_push(&l->items, &l->n, sizeof(*p));
        *p = *a;
        free(p->fix);
        p->fix = NULL;
        p->pending_restart = true;
        memset(a, 0, sizeof(*a));       /* moved */
    }
}

/* ---- live signals: the host over a window of samples ----
 *
 * Each signal is judged on its mean over the window's samples of the VM
 * (at least LIVE_MIN_SAMPLES of them), so one busy second is no finding. */

enum { TH_VHOST_HOT, TH_STEAL, TH_HALTPOLL_FAIL, TH_HALTPOLL_LARGE, TH_INSN_SHARE, TH_MIN_EXITS,
       TH_PAUSE, TH_MIN_SAMPLES };

const vt_live_threshold vt_live_thresholds[] = {
    [TH_VHOST_HOT] = { "vhost_hot_pct", 50,
                       /* xgettext:no-c-format */
                       N_("a vhost thread busier than this (% of one CPU) on a NIC with one "
                          "queue") },
    [TH_STEAL] = { "steal_pct", 10,
                   /* xgettext:no-c-format */
                   N_("vCPU steal (runnable, not running; % of the time) on pinned vCPUs") },
    [TH_HALTPOLL_FAIL] = { "haltpoll_fail_pct", 50,
                           N_("share of halt-poll time that ends without a wake-up") },
    [TH_HALTPOLL_LARGE] = { "haltpoll_large_ns", 200000,
                            N_("halt_poll_ns at or above this counts as large") },
    [TH_INSN_SHARE] = { "insn_emulation_pct", 50,
                        N_("emulated instructions per 100 exits") },
    [TH_MIN_EXITS] = { "min_exits_ps", 100,
                       N_("exits per second below which exit shares are not judged") },
    [TH_PAUSE] = { "pause_yields_ps", 500,
                   N_("directed yields (pause-loop exits) per vCPU and second") },
    [TH_MIN_SAMPLES] = { "min_samples", 2, N_("samples of a VM a live signal needs") },
};
const size_t vt_live_nthresholds = sizeof(vt_live_thresholds) / sizeof(*vt_live_thresholds);

#define TH(i) (vt_live_thresholds[i].value)

/* The VM's rates in each sample of the window that has it, measured */
static size_t window_rates(const vt_live_window *w, const char *uuid, const vt_vm_rate **out)
{
    size_t n = 0;

    for (size_t i = 0; i < w->n; i++) {
        const vt_vm_rate *r = vt_live_find(&w->r[i], uuid);
        if (r && !r->measuring)
            out[n++] = r;
    }
    return n;
}

/* mean of one field over rates; NAN when none has it */
static double mean_of(const vt_vm_rate **r, size_t n, size_t off)
{
    double sum = 0;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        double v = *(const double *)((const char *)r[i] + off);
        if (!isnan(v)) {
            sum += v;
            k++;
        }
    }
    return k ? sum / (double)k : NAN;
}

static unsigned long long sum_kvm(const vt_vm_rate **r, size_t n, vt_kvm_counter k)
{
    unsigned long long s = 0;

    for (size_t i = 0; i < n; i++)
        s += r[i]->kvm_delta[k];
    return s;
}

static double sum_secs(const vt_vm_rate **r, size_t n)
{
    double s = 0;

    for (size_t i = 0; i < n; i++)
        s += r[i]->interval_s;
    return s;
}

/* what else may run on the CPUs of set, by the CPU-grid model: other VMs
   and kworkers, onto both texts */
static void others_on(const vt_conn *c, const vt_domain *d, const vt_cpuset *set, vt_buf b[2])
{
    vt_cpumap m;
    vt_cpumap_vm *vms = vt_calloc(c->ndoms ? c->ndoms : 1, sizeof(*vms));
    size_t n = 0, named = 0, more = 0;
    int self = -1;
    bool kw = false;
    vt_err err = { { 0 } };

    for (size_t i = 0; i < c->ndoms; i++) {
        if (!vt_domain_active(c->doms[i]))
            continue;
        if (c->doms[i] == d)
            self = (int)n;
        vms[n].name = c->doms[i]->name;
        vms[n++].def = c->doms[i]->live;
    }
    if (vt_cpumap_build(&m, &c->host, vms, n, self, &err) < 0) {
        free(vms);
        return;
    }
    for (size_t v = 0; v < n; v++) {
        bool there = false;
        if ((int)v == self)
            continue;
        for (unsigned cpu = 0; cpu < m.ncpus && !there; cpu++)
            there = vt_cpuset_has(set, cpu) && vt_cpumap_vm_bits(&m, cpu, v);
        if (!there)
            continue;
        if (named >= 3)
            more++;
        else if (named)
            addf2(b, ", %s", vms[v].name);
        else
            addf2(b, N_("; may also run there: %s"), vms[v].name);
        named++;
    }
    if (more)
        addf2(b, N_(" and %zu more VM%s"), more, more == 1 ? "" : "s");
    for (unsigned cpu = 0; cpu < m.ncpus; cpu++)
        kw |= vt_cpuset_has(set, cpu) && vt_cpumap_kworker(&m, cpu);
    if (kw && named)
        addf2(b, ", kworkers");
    else if (kw)
        addf2(b, N_("; may also run there: kworkers"));
    if (!named && !kw)
        addf2(b, N_("; no other VM's threads may run there: the host's own tasks, or the "
                    "host is itself a guest (its steal)"));
    vt_cpumap_free(&m);
    free(vms);
}

static const char why_live_vhost[] =
    N_("RHEL: hot vhost_net threads in top mean one queue carries the NIC's traffic; multi-queue "
       "virtio-net spreads it over the vCPUs (queues = vCPUs, at most 16; restart the VM).");
static const char why_live_steal[] =
    N_("Pinned vCPUs that wait to run share their cores with other work: the dedicated cores are "
       "not dedicated (other VMs, kworkers, host tasks), or the host is overcommitted.");
static const char why_live_haltpoll[] =
    N_("openEuler: halt polling spins on an idle vCPU for halt_poll_ns; polls that mostly fail "
       "burn host CPU for nothing. Lower halt_poll_ns or let it shrink.");
static const char why_live_insn[] =
    N_("RHEL (perf kvm stat): many INSN_EMULATION exits mean emulated devices; review the VM's I/O "
       "configuration (virtio disks and NICs).");
static const char why_live_pause[] =
    N_("RHEL (perf kvm stat): frequent PAUSE_INSTRUCTION exits mean more vCPUs than the host CPUs "
       "can serve: shut VMs down, remove vCPUs or tune vCPU performance.");

static void live_vm(const vt_conn *c, vt_advice_list *l, const vt_live_window *w,
                    const vt_domain *d)
{
    const vt_vm_rate *r[VT_LIVE_WINDOW];
    size_t n = window_rates(w, d->uuid, r);
    const vt_domdef *def = d->live;
    double secs, steal;
    vt_cpuset pins;
    vt_advice *a;

    if (n < (size_t)TH(TH_MIN_SAMPLES) || !def)
        return;
    secs = sum_secs(r, n);
    /* a hot vhost thread on a one-queue NIC */
    for (size_t t = 0; t < r[n - 1]->nthreads; t++) {
        const vt_thread_rate *th = &r[n - 1]->threads[t];
        double sum = 0;
        size_t k = 0;
        char mac[32];
        const vt_nic_def *nic = NULL;
        if (th->kind != VT_THREAD_VHOST || !th->serves || sscanf(th->serves, "NIC %31s", mac) != 1)
            continue;
        for (size_t i = 0; i < n; i++)
            for (size_t u = 0; u < r[i]->nthreads; u++)
                if (r[i]->threads[u].tid == th->tid && !isnan(r[i]->threads[u].cpu_pct)) {
                    sum += r[i]->threads[u].cpu_pct;
                    k++;
                }
        if (k < (size_t)TH(TH_MIN_SAMPLES) || sum / (double)k < TH(TH_VHOST_HOT))
            continue;
        for (size_t i = 0; i < def->nnics; i++)
            if (def->nics[i].mac && strcmp(def->nics[i].mac, mac) == 0)
                nic = &def->nics[i];
        if (!nic || vt_fact_nic_queues(nic) > 1)
            continue;
        a = add(l, "multiqueue", VT_SEV_WARN, d->name, "network", why_live_vhost,
                N_("vhost thread %s runs at %.0f%% of a CPU for NIC %s, which has one queue"),
                th->name, sum / (double)k, mac);
        a->live = true;
        nic_queues_fix(a, d, def, nic, "1");
        {
            char *e[2];
            for (int lang = 0; lang < 2; lang++)
                e[lang] = vt_asprintf(
                    a->fix ? tr(lang, N_("%s; vhost CPU %.0f%% over %zu samples (%.0f s); queues "
                                         "take effect at the next start, and the guest enables "
                                         "them (ethtool -L eth0 combined N)"))
                           : tr(lang, N_("%s; vhost CPU %.0f%% over %zu samples (%.0f s)")),
                    a->evidence ? (lang ? vt_advice_evidence(a) : a->evidence) : "queues 1",
                    sum / (double)k, k, secs);
            set_evidence(a, e);
        }
    }
    /* steal on pinned vCPUs */
    steal = mean_of(r, n, offsetof(vt_vm_rate, vcpu_steal_pct));
    if (!isnan(steal) && steal >= TH(TH_STEAL) && vcpu_pins(def, &pins)) {
        vt_buf b[2] = { { 0 }, { 0 } };
        VT_AUTOFREE char *cpus = vt_cpuset_format(&pins);
        a = add(l, "steal", VT_SEV_WARN, d->name, "iothreads", why_live_steal,
                N_("its pinned vCPUs wait %.0f%% of the time to run (steal)"), steal);
        a->live = true;
        addf2(b, N_("vCPU steal %.1f%% over %zu samples (%.0f s) on CPU%s %s"), steal, n, secs,
              vt_cpuset_count(&pins) > 1 ? "s" : "", cpus);
        others_on(c, d, &pins, b);
        evidence_bufs(a, b);
    }
    /* exits: emulation and pause loops */
    if (r[n - 1]->kvm_present) {
        unsigned long long exits = sum_kvm(r, n, VT_KVM_exits),
                           insn = sum_kvm(r, n, VT_KVM_insn_emulation),
                           yields = sum_kvm(r, n, VT_KVM_directed_yield_attempted);
        unsigned nv = r[n - 1]->nvcpus ? r[n - 1]->nvcpus : 1;
        if (secs > 0 && (double)exits / secs >= TH(TH_MIN_EXITS) &&
            100.0 * (double)insn / (double)exits >= TH(TH_INSN_SHARE)) {
            vt_buf b[2] = { { 0 }, { 0 } };
            a = add(l, "exits", VT_SEV_WARN, d->name, "live", why_live_insn,
                    N_("%.0f emulated instructions per second at %.0f exits per second"),
                    (double)insn / secs, (double)exits / secs);
            a->live = true;
            addf2(b, N_("insn_emulation %llu of %llu exits over %.0f s"), insn, exits, secs);
            for (size_t i = 0; i < def->ndisks; i++)
                if (def->disks[i].bus && strcmp(def->disks[i].bus, "virtio") != 0 &&
                    def->disks[i].target)
                    addf2(b, N_("; disk %s on bus %s"), def->disks[i].target, def->disks[i].bus);
            for (size_t i = 0; i < def->nnics; i++)
                if (!def->nics[i].model || strcmp(def->nics[i].model, "virtio") != 0)
                    addf2(b, N_("; NIC %s model %s"), def->nics[i].mac ? def->nics[i].mac : "?",
                          def->nics[i].model ? def->nics[i].model : "(default)");
            evidence_bufs(a, b);
        }
        if (secs > 0 && (double)yields / secs / nv >= TH(TH_PAUSE)) {
            unsigned vcpus = 0;
            for (size_t i = 0; i < c->ndoms; i++)
                if (vt_domain_active(c->doms[i]) && c->doms[i]->live)
                    vcpus += c->doms[i]->live->vcpus;
            a = add(l, "overcommit", VT_SEV_WARN, d->name, "live", why_live_pause,
                    N_("pause-loop exits: %.0f directed yields per vCPU and second"),
                    (double)yields / secs / nv);
            a->live = true;
            evidence(a, N_("directed_yield_attempted %llu over %.0f s on %u vCPUs; running VMs "
                           "have %u vCPUs on %u host CPUs"),
                     yields, secs, nv, vcpus, c->host.ncpus);
        }
    }
}

/* halt polling that mostly fails, with a large halt_poll_ns: a host knob */
static void live_haltpoll(const vt_conn *c, vt_advice_list *l, const vt_live_window *w)
{
    const vt_host *h = &c->host;
    unsigned long long ok = 0, fail = 0;
    size_t vms = 0, failing = 0;

    if (!h->halt_poll_ns.present || (double)h->halt_poll_ns.value < TH(TH_HALTPOLL_LARGE))
        return;
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_vm_rate *r[VT_LIVE_WINDOW];
        size_t n = window_rates(w, c->doms[i]->uuid, r);
        unsigned long long o, f;
        if (n < (size_t)TH(TH_MIN_SAMPLES) || !r[n - 1]->kvm_present)
            continue;
        o = sum_kvm(r, n, VT_KVM_halt_poll_success_ns);
        f = sum_kvm(r, n, VT_KVM_halt_poll_fail_ns);
        if (!o && !f)
            continue;
        vms++;
        ok += o;
        fail += f;
        failing += 100.0 * (double)f / (double)(o + f) >= TH(TH_HALTPOLL_FAIL);
    }
    if (!vms || 100.0 * (double)fail / (double)(ok + fail) < TH(TH_HALTPOLL_FAIL)) {
        return;
    } else {
        unsigned long long lower = h->halt_poll_ns.value / 2;
        vt_advice *a = add(l, "halt-poll", VT_SEV_WARN, NULL, "host", why_live_haltpoll,
                           N_("halt polling fails %.0f%% of its time at halt_poll_ns %llu"),
                           100.0 * (double)fail / (double)(ok + fail), h->halt_poll_ns.value);
        a->live = true;
        evidence(a, N_("poll time that failed %llu ns, succeeded %llu ns, over the window; %zu of "
                       "%zu VMs with halt polling fail most of it"), fail, ok, failing, vms);
        a->fix = vt_asprintf("host halt_poll_ns %llu%s\n", lower,
                             h->halt_poll_ns.writable ? "" : " persist");
    }
}

static void check_live(const vt_conn *c, vt_advice_list *l, const vt_live_window *w)
{
    if (!w || !w->n)
        return;
    for (size_t i = 0; i < c->ndoms; i++)
        if (vt_domain_active(c->doms[i]) && c->doms[i]->name)
            live_vm(c, l, w, c->doms[i]);
    live_haltpoll(c, l, w);
}

void vt_advise(vt_conn *c, const vt_advise_opts *o, vt_advice_list *out)
{
    vt_advice_list l = { 0 };
    pin_table pins[2];     /* after the next start, and now */

    pin_table_build(c, false, &pins[0]);
    pin_table_build(c, true, &pins[1]);
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *d = c->doms[i];
        /* definition checks read the config: what the VM will be after its
           next start, the state a fix is judged by */
        const vt_domdef *cfg = d->config ? d->config : d->live;
        size_t from = l.n;     /* where this VM's findings start */
        if (!cfg || !d->live || !d->name)
            continue;
        check_vm(c, &l, d, cfg, false, &pins[0]);
        if (vt_domain_active(d) && d->config && d->config != d->live) {
            vt_advice_list now = { 0 };
            check_vm(c, &now, d, d->live, true, &pins[1]);
            add_pending(&l, from, &now);
            vt_advice_list_clear(&now);
        }
        check_agent(&l, d, d->live);
        check_coalesce(c, &l, d);     /* the running tap's, once */
    }
    pin_table_clear(&pins[0]);
    pin_table_clear(&pins[1]);
    check_host(c, &l);
    check_sandbox(c, &l);
    check_transport(c, &l);
    check_live(c, &l, o ? o->live : NULL);
    check_sasl(&l, o ? o->remote : NULL);
    if (l.n)
        vt_qsort(l.items, l.n, sizeof(*l.items), cmp_advice);
    vt_advice_list_clear(out);
    *out = l;
}

static void advice_free(vt_advice *a)
{
    free(a->vm);
    free(a->summary);
    free(a->evidence);
    free(a->why);
    free(a->summary_l10n);
    free(a->evidence_l10n);
    free(a->why_l10n);
    free(a->fix);
}

void vt_advice_list_clear(vt_advice_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        advice_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

const char *vt_advice_summary(const vt_advice *a)
{
    return a->summary_l10n ? a->summary_l10n : a->summary;
}

const char *vt_advice_evidence(const vt_advice *a)
{
    return a->evidence_l10n ? a->evidence_l10n : a->evidence;
}

const char *vt_advice_why(const vt_advice *a)
{
    return a->why_l10n ? a->why_l10n : a->why;
}

void vt_advice_keep_vm(vt_advice_list *l, const char *vm)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].vm && strcmp(l->items[i].vm, vm) == 0)
            l->items[n++] = l->items[i];
        else
            advice_free(&l->items[i]);
    }
    l->n = n;
}

size_t vt_advice_count_vm(const vt_advice_list *l, const char *vm)
{
    size_t n = 0;

    for (size_t i = 0; vm && i < l->n; i++)
        n += l->items[i].sev > VT_SEV_INFO && !l->items[i].pending_restart && l->items[i].vm &&
             strcmp(l->items[i].vm, vm) == 0;
    return n;
}

int vt_advice_exit_code(const vt_advice_list *l)
{
    int rc = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].pending_restart)
            continue;
        if (l->items[i].sev == VT_SEV_FAIL)
            return 2;
        if (l->items[i].sev == VT_SEV_WARN)
            rc = 1;
    }
    return rc;
}

char *vt_advice_text(const vt_advice_list *l)
{
    vt_buf b = { 0 };
    size_t counts[VT_SEV_LAST] = { 0 };

    for (size_t i = 0; i < l->n; i++) {
        const vt_advice *a = &l->items[i];
        counts[a->sev]++;
        vt_buf_addf(&b, "%-7s %-10s %s: %s%s\n", a->sev == VT_SEV_WARN ? "warning" : sev_names[a->sev],
                    a->topic, a->vm ? a->vm : "host", vt_advice_summary(a),
                    a->pending_restart ? _(" (fixed in config, at next start)") : "");
        if (a->evidence)
            vt_buf_addf(&b, _("        evidence: %s\n"), vt_advice_evidence(a));
        if (a->why)
            vt_buf_addf(&b, _("        why: %s\n"), vt_advice_why(a));
        if (a->fix) {
            const char *p = a->fix;
            while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                vt_buf_add(&b, _("        fix: "));
                vt_buf_addn(&b, p, len);
                vt_buf_add(&b, "\n");
                p += len + (nl ? 1 : 0);
            }
        }
    }
    vt_buf_addf(&b, P_("%zu failure", "%zu failures", counts[VT_SEV_FAIL]), counts[VT_SEV_FAIL]);
    vt_buf_add(&b, ", ");
    vt_buf_addf(&b, P_("%zu warning", "%zu warnings", counts[VT_SEV_WARN]), counts[VT_SEV_WARN]);
    vt_buf_add(&b, ", ");
    vt_buf_addf(&b, _("%zu info\n"), counts[VT_SEV_INFO]);
    return vt_buf_steal(&b);
}

json_object *vt_advice_json(const vt_advice_list *l)
{
    json_object *root = json_object_new_object(), *arr = json_object_new_array();

    for (size_t i = 0; i < l->n; i++) {
        const vt_advice *a = &l->items[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "topic", json_object_new_string(a->topic));
        json_object_object_add(o, "severity", json_object_new_string(sev_names[a->sev]));
        json_object_object_add(o, "vm", a->vm ? json_object_new_string(a->vm) : NULL);
        json_object_object_add(o, "summary", json_object_new_string(a->summary));
        if (a->summary_l10n && strcmp(a->summary_l10n, a->summary) != 0)
            json_object_object_add(o, "summary_l10n", json_object_new_string(a->summary_l10n));
        json_object_object_add(o, "evidence",
                               a->evidence ? json_object_new_string(a->evidence) : NULL);
        json_object_object_add(o, "why", json_object_new_string(a->why ? a->why : ""));
        json_object_object_add(o, "fix", a->fix ? json_object_new_string(a->fix) : NULL);
        json_object_object_add(o, "pending_restart", json_object_new_boolean(a->pending_restart));
        json_object_object_add(o, "live", json_object_new_boolean(a->live));
        json_object_array_add(arr, o);
    }
    json_object_object_add(root, "findings", arr);
    json_object_object_add(root, "exit", json_object_new_int(vt_advice_exit_code(l)));
    return root;
}

void vt_advice_json_write(const vt_advice_list *l, FILE *out)
{
    json_object *root = vt_advice_json(l);

    fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

/* A label value as the exposition format escapes it. */
static void prom_label(vt_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\')
            vt_buf_add(b, "\\\\");
        else if (*v == '"')
            vt_buf_add(b, "\\\"");
        else if (*v == '\n')
            vt_buf_add(b, "\\n");
        else
            vt_buf_addn(b, v, 1);
    }
}

char *vt_advice_prometheus(const char *const *hosts, const vt_advice_list *const *lists, size_t n,
                           long long now_s)
{
    vt_buf b = { 0 };

    vt_buf_add(&b, "# HELP virt_tune_findings Findings of the virt-tune advisor (not those pending a VM "
                   "restart), by host, severity and topic.\n# TYPE virt_tune_findings gauge\n");
    for (size_t h = 0; h < n; h++) {
        const vt_advice_list *l = lists[h];
        /* one sample per severity and topic, in the order first seen */
        for (size_t i = 0; l && i < l->n; i++) {
            const vt_advice *a = &l->items[i];
            size_t count = 0;
            bool seen = false;
            if (a->pending_restart)
                continue;
            for (size_t j = 0; j < i && !seen; j++)
                seen = !l->items[j].pending_restart && l->items[j].sev == a->sev &&
                       strcmp(l->items[j].topic, a->topic) == 0;
            if (seen)
                continue;
            for (size_t j = i; j < l->n; j++)
                count += !l->items[j].pending_restart && l->items[j].sev == a->sev &&
                         strcmp(l->items[j].topic, a->topic) == 0;
            vt_buf_add(&b, "virt_tune_findings{host=\"");
            prom_label(&b, hosts[h]);
            vt_buf_addf(&b, "\",severity=\"%s\",topic=\"", sev_names[a->sev]);
            prom_label(&b, a->topic);
            vt_buf_addf(&b, "\"} %zu\n", count);
        }
    }
    vt_buf_add(&b, "# HELP virt_tune_check_ok 1 when virt-tune could judge the host, 0 when it could not "
                   "(not reached, no answer).\n# TYPE virt_tune_check_ok gauge\n");
    for (size_t h = 0; h < n; h++) {
        vt_buf_add(&b, "virt_tune_check_ok{host=\"");
        prom_label(&b, hosts[h]);
        vt_buf_addf(&b, "\"} %d\n", lists[h] != NULL);
    }
    vt_buf_add(&b, "# HELP virt_tune_last_check_timestamp_seconds When virt-tune checked the host, as a "
                   "Unix time.\n# TYPE virt_tune_last_check_timestamp_seconds gauge\n");
    for (size_t h = 0; h < n; h++) {
        vt_buf_add(&b, "virt_tune_last_check_timestamp_seconds{host=\"");
        prom_label(&b, hosts[h]);
        vt_buf_addf(&b, "\"} %lld\n", now_s);
    }
    return vt_buf_steal(&b);
}
