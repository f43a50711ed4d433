#include "live.h"

#include <ctype.h>
#include <dirent.h>
#include <libvirt/libvirt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"

/* ---- procfs ---- */

static bool read_small(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "re");
    size_t got;

    if (!f)
        return false;
    got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    return got > 0;
}

/* /proc/stat's "cpu" line, and how many cpuN lines follow it */
static void host_sample(const char *procfs, vt_host_sample *h)
{
    char path[4096], *buf = vt_malloc(65536), *l;
    unsigned long long v[10] = { 0 };

    memset(h, 0, sizeof(*h));
    snprintf(path, sizeof(path), "%s/stat", procfs);
    if (!read_small(path, buf, 65536)) {
        free(buf);
        return;
    }
    if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
               &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 4) {
        h->present = true;
        /* guest and guest_nice are already in user and nice */
        for (int i = 0; i < 8; i++)
            h->total += v[i];
        h->idle = v[3];
        h->iowait = v[4];
        h->steal = v[7];
    }
    for (l = buf; (l = strstr(l, "\ncpu")); l++)
        if (isdigit((unsigned char)l[4]))
            h->ncpus++;
    free(buf);
}

static vt_thread_kind classify(const char *comm, int tid, int pid, int *index)
{
    unsigned n;
    char rest[16];

    *index = -1;
    if (sscanf(comm, "CPU %u/%15s", &n, rest) == 2) {
        *index = (int)n;
        return VT_THREAD_VCPU;
    }
    if (sscanf(comm, "IO iothread%u", &n) == 1) {
        *index = (int)n;
        return VT_THREAD_IOTHREAD;
    }
    if (strncmp(comm, "vhost-", 6) == 0)
        return VT_THREAD_VHOST;
    if (tid == pid)
        return VT_THREAD_MAIN;
    return VT_THREAD_EMULATOR;
}

/* One task's stat (and schedstat, when the kernel keeps it). The name is
 * between the first '(' and the last ')': QEMU's have spaces and slashes. */
static bool thread_sample(const char *dir, int tid, int pid, vt_thread_sample *t)
{
    static long tick;
    char path[4096], buf[1024], *open, *close;
    unsigned long long utime, stime, run, wait;
    char state;
    int cpu, k = 0;

    if (!tick)
        tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
    snprintf(path, sizeof(path), "%s/stat", dir);
    if (!read_small(path, buf, sizeof(buf)))
        return false;
    open = strchr(buf, '(');
    close = strrchr(buf, ')');
    if (!open || !close || close < open)
        return false;
    memset(t, 0, sizeof(*t));
    t->tid = tid;
    snprintf(t->comm, sizeof(t->comm), "%.*s", (int)(close - open - 1), open + 1);
    /* fields from 3 (state): 14 utime, 15 stime, 39 processor */
    if (sscanf(close + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu %*s %*s %*s %*s "
               "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %d%n",
               &state, &utime, &stime, &cpu, &k) < 4)
        return false;
    t->state = state;
    t->cpu = cpu;
    t->cpu_ns = (utime + stime) * (1000000000ULL / (unsigned long long)tick);
    snprintf(path, sizeof(path), "%s/schedstat", dir);
    if (read_small(path, buf, sizeof(buf)) && sscanf(buf, "%llu %llu", &run, &wait) == 2) {
        t->cpu_ns = run;        /* the same accounting, in ns rather than ticks */
        t->has_wait = true;
        t->wait_ns = wait;
    }
    t->kind = classify(t->comm, tid, pid, &t->index);
    return true;
}

static int cmp_thread(const void *a, const void *b)
{
    const vt_thread_sample *x = a, *y = b;

    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    if (x->index != y->index)
        return x->index - y->index;
    return x->tid - y->tid;
}

static void read_threads(const char *procfs, vt_vm_sample *v)
{
    char path[4096], tdir[4096], buf[1024];
    DIR *dir;
    struct dirent *de;

    snprintf(path, sizeof(path), "%s/%d/task", procfs, v->pid);
    if (!(dir = opendir(path))) {
        v->proc_why = vt_asprintf("no threads in %s", path);
        return;
    }
    while ((de = readdir(dir))) {
        vt_thread_sample t;
        int tid = atoi(de->d_name);
        if (tid <= 0)
            continue;
        if ((size_t)snprintf(tdir, sizeof(tdir), "%s/%d", path, tid) >= sizeof(tdir))
            continue;
        if (thread_sample(tdir, tid, v->pid, &t))
            *(vt_thread_sample *)vt_array_push(&v->threads, &v->nthreads, sizeof(t)) = t;
    }
    closedir(dir);
    v->proc_present = true;
    /* the whole process, threads that ended included */
    snprintf(path, sizeof(path), "%s/%d/stat", procfs, v->pid);
    if (read_small(path, buf, sizeof(buf))) {
        vt_thread_sample t;
        snprintf(tdir, sizeof(tdir), "%s/%d", procfs, v->pid);
        if (thread_sample(tdir, v->pid, v->pid, &t)) {
            unsigned long long utime, stime;
            const char *close = strrchr(buf, ')');
            long tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
            if (close && sscanf(close + 1, " %*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
                                &utime, &stime) == 2) {
                v->proc_cpu_present = true;
                v->proc_cpu_ns = (utime + stime) * (1000000000ULL / (unsigned long long)tick);
            }
        }
    }
}

/* The kernel's vhost workers are threads of their own named
 * "vhost-<QEMU's pid>" (kernels before 6.4; later ones make them threads
 * of QEMU, and read_threads finds them there). */
static void read_vhost(const char *procfs, vt_live_sample *s)
{
    DIR *dir = opendir(procfs);
    struct dirent *de;

    if (!dir)
        return;
    while ((de = readdir(dir))) {
        char path[4096], comm[64];
        int pid = atoi(de->d_name), owner;
        vt_thread_sample t;

        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s/comm", procfs, de->d_name);
        if (!read_small(path, comm, sizeof(comm)) || strncmp(comm, "vhost-", 6) != 0)
            continue;
        owner = atoi(comm + 6);
        for (size_t i = 0; i < s->nvms; i++) {
            vt_vm_sample *v = &s->vms[i];
            if (v->pid != owner || !v->proc_present)
                continue;
            snprintf(path, sizeof(path), "%s/%s", procfs, de->d_name);
            if (thread_sample(path, pid, -1, &t)) {
                t.kind = VT_THREAD_VHOST;
                *(vt_thread_sample *)vt_array_push(&v->threads, &v->nthreads, sizeof(t)) = t;
            }
        }
    }
    closedir(dir);
}

static int cmp_vm_sample(const void *a, const void *b)
{
    return strcmp(((const vt_vm_sample *)a)->uuid, ((const vt_vm_sample *)b)->uuid);
}

int vt_live_take(const vt_conn *c, bool threads, vt_live_sample *out, vt_err *err)
{
    const char *procfs = c->procfs_root ? c->procfs_root : "/proc";

    (void)err;
    memset(out, 0, sizeof(*out));
    out->at_ns = vt_now_ns();
    if (!c->remote)
        host_sample(procfs, &out->host);
    for (size_t i = 0; i < c->ndoms; i++) {
        const vt_domain *d = c->doms[i];
        vt_vm_sample *v;

        if (!vt_domain_active(d))
            continue;
        v = vt_array_push(&out->vms, &out->nvms, sizeof(*v));
        snprintf(v->uuid, sizeof(v->uuid), "%s", d->uuid);
        v->name = vt_strdup(d->name);
        v->state = d->state;
        v->pid = d->pid;
        v->k = d->counters;
        if (d->counters.nvcpus) {
            v->k.vcpus = vt_calloc(d->counters.nvcpus, sizeof(*v->k.vcpus));
            memcpy(v->k.vcpus, d->counters.vcpus, d->counters.nvcpus * sizeof(*v->k.vcpus));
        }
        if (c->remote)
            v->proc_why = vt_strdup("threads need a local connection (procfs)");
        else if (d->pid <= 0)
            v->proc_why = vt_strdup("its QEMU process was not found");
        else if (!threads)
            v->proc_why = vt_strdup("threads not read");
        else {
            v->at_ns_proc = vt_now_ns();
            read_threads(procfs, v);
        }
        if (v->nthreads)
            qsort(v->threads, v->nthreads, sizeof(*v->threads), cmp_thread);
    }
    if (out->nvms)
        qsort(out->vms, out->nvms, sizeof(*out->vms), cmp_vm_sample);
    if (threads && !c->remote) {
        read_vhost(procfs, out);
        for (size_t i = 0; i < out->nvms; i++)
            if (out->vms[i].nthreads)
                qsort(out->vms[i].threads, out->vms[i].nthreads, sizeof(vt_thread_sample),
                      cmp_thread);
    }
    return 0;
}

void vt_live_sample_clear(vt_live_sample *s)
{
    for (size_t i = 0; i < s->nvms; i++) {
        free(s->vms[i].name);
        free(s->vms[i].proc_why);
        free(s->vms[i].threads);
        free(s->vms[i].k.vcpus);
    }
    free(s->vms);
    memset(s, 0, sizeof(*s));
}

/* ---- rates ---- */

/* b - a per second, or NAN when the counter went back */
static double rate(unsigned long long a, unsigned long long b, double secs)
{
    return b >= a && secs > 0 ? (double)(b - a) / secs : NAN;
}

/* Samples and rates hold their VMs sorted by uuid (vt_live_take sorts
   them): a VM's counterpart is found by bisection, so that a refresh of
   1000 VMs is not a million string compares. */
static int cmp_uuid_key(const void *key, const void *elem, size_t off)
{
    return strcmp((const char *)key, (const char *)elem + off);
}

static const void *find_by_uuid(const void *base, size_t n, size_t size, size_t off,
                                const char *uuid)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *e = (const char *)base + mid * size;
        int c = cmp_uuid_key(uuid, e, off);
        if (c == 0)
            return e;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const vt_vm_sample *find_sample(const vt_live_sample *s, const char *uuid)
{
    if (!s)
        return NULL;
    return find_by_uuid(s->vms, s->nvms, sizeof(*s->vms), offsetof(vt_vm_sample, uuid), uuid);
}


static const vt_thread_sample *find_thread(const vt_vm_sample *v, int tid)
{
    for (size_t i = 0; i < v->nthreads; i++)
        if (v->threads[i].tid == tid)
            return &v->threads[i];
    return NULL;
}

/* The snapshot's domain: c->doms is sorted by uuid after each merge, so
   bisect; a hand-made snapshot that is not falls back to a scan. */
static const vt_domain *find_dom(const vt_conn *c, const char *uuid)
{
    size_t lo = 0, hi = c ? c->ndoms : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(uuid, c->doms[mid]->uuid);
        if (k == 0)
            return c->doms[mid];
        if (k < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = 0; c && i < c->ndoms; i++)
        if (strcmp(c->doms[i]->uuid, uuid) == 0)
            return c->doms[i];
    return NULL;
}

static void unknown(vt_vm_rate *r)
{
    r->cpu_pct = r->vcpu_steal_pct = r->exits_ps = r->io_exits_ps = r->mmio_exits_ps = NAN;
    r->halt_exits_ps = r->insn_emulation_ps = r->haltpoll_success_pct = NAN;
    r->emulator_cpu_pct = r->iothread_cpu_pct = r->vhost_cpu_pct = NAN;
    r->disk_rd_bps = r->disk_wr_bps = r->disk_rd_iops = r->disk_wr_iops = NAN;
    r->net_rx_bps = r->net_tx_bps = r->net_rx_pps = r->net_tx_pps = NAN;
    r->interval_s = NAN;
}

/* What a thread serves: an IOThread's disks, a vhost worker's NIC (the
 * workers are made one per queue, NIC by NIC, in the definition's order,
 * so the n-th worker by TID belongs to the NIC that holds queue n). */
static char *serves(const vt_domdef *def, const vt_thread_sample *t, int vhost_n)
{
    vt_buf b = { 0 };

    if (!def)
        return NULL;
    if (t->kind == VT_THREAD_IOTHREAD) {
        for (size_t i = 0; i < def->ndisks; i++)
            if ((int)vt_fact_disk_iothread(def, &def->disks[i]) == t->index && def->disks[i].target)
                vt_buf_addf(&b, "%s%s", b.buf ? ", " : "disks ", def->disks[i].target);
        if (!b.buf)
            vt_buf_add(&b, "no disk");
    } else if (t->kind == VT_THREAD_VHOST) {
        int n = 0;
        for (size_t i = 0; i < def->nnics; i++) {
            const vt_nic_def *k = &def->nics[i];
            int q = (int)vt_fact_nic_queues(k);
            if (!k->model || strcmp(k->model, "virtio") != 0 ||
                (k->driver_name && strcmp(k->driver_name, "qemu") == 0))
                continue;
            if (vhost_n < n + q) {
                vt_buf_addf(&b, "NIC %s", k->mac ? k->mac : "?");
                if (q > 1)
                    vt_buf_addf(&b, " queue %d", vhost_n - n);
                if (k->target)
                    vt_buf_addf(&b, " (%s)", k->target);
                break;
            }
            n += q;
        }
    }
    return b.buf;
}

static void thread_rates(const vt_conn *c, const vt_vm_sample *p, const vt_vm_sample *v,
                         vt_vm_rate *r, bool comparable)
{
    const vt_domain *d = find_dom(c, v->uuid);
    const vt_domdef *def = d ? d->live : NULL;
    double emu = 0, io = 0, vh = 0;
    bool any_emu = false, any_io = false, any_vh = false;
    size_t n_emu = 0, n_io = 0, n_vh = 0;
    int vhost_n = 0;

    if (!v->proc_present) {
        r->threads_why = vt_strdup(v->proc_why ? v->proc_why : "threads not read");
        return;
    }
    r->threads = vt_calloc(v->nthreads ? v->nthreads : 1, sizeof(*r->threads));
    for (size_t i = 0; i < v->nthreads; i++) {
        const vt_thread_sample *t = &v->threads[i], *o = comparable && p->proc_present
                                                            ? find_thread(p, t->tid) : NULL;
        vt_thread_rate *tr = &r->threads[r->nthreads++];
        double secs = o ? (double)(v->at_ns_proc - p->at_ns_proc) / 1e9 : 0;

        tr->tid = t->tid;
        tr->kind = t->kind;
        tr->index = t->index;
        tr->cpu = t->cpu;
        tr->state = t->state;
        tr->cpu_pct = tr->steal_pct = tr->exits_ps = NAN;
        switch (t->kind) {
        case VT_THREAD_VCPU: snprintf(tr->name, sizeof(tr->name), "vCPU %d", t->index); break;
        case VT_THREAD_MAIN: snprintf(tr->name, sizeof(tr->name), "main loop"); break;
        case VT_THREAD_IOTHREAD: snprintf(tr->name, sizeof(tr->name), "IOThread %d", t->index); break;
        case VT_THREAD_VHOST: snprintf(tr->name, sizeof(tr->name), "%s", t->comm); break;
        case VT_THREAD_EMULATOR: snprintf(tr->name, sizeof(tr->name), "emulator: %s", t->comm); break;
        }
        if (t->kind == VT_THREAD_VCPU && t->state == 'R')
            r->vcpus_runnable++;
        tr->serves = serves(def, t, t->kind == VT_THREAD_VHOST ? vhost_n++ : 0);
        n_emu += t->kind == VT_THREAD_MAIN || t->kind == VT_THREAD_EMULATOR;
        n_io += t->kind == VT_THREAD_IOTHREAD;
        n_vh += t->kind == VT_THREAD_VHOST;
        if (o && secs > 0) {
            tr->cpu_pct = rate(o->cpu_ns, t->cpu_ns, secs) / 1e7;
            if (t->has_wait && o->has_wait)
                tr->steal_pct = rate(o->wait_ns, t->wait_ns, secs) / 1e7;
            if (!isnan(tr->cpu_pct)) {
                switch (t->kind) {
                case VT_THREAD_MAIN:
                case VT_THREAD_EMULATOR: emu += tr->cpu_pct; any_emu = true; break;
                case VT_THREAD_IOTHREAD: io += tr->cpu_pct; any_io = true; break;
                case VT_THREAD_VHOST: vh += tr->cpu_pct; any_vh = true; break;
                default: break;
                }
            }
        }
        if (t->kind == VT_THREAD_VCPU && comparable && t->index >= 0 &&
            (size_t)t->index < v->k.nvcpus && (size_t)t->index < p->k.nvcpus &&
            v->k.vcpus[t->index].kvm_present && p->k.vcpus[t->index].kvm_present &&
            v->k.at_ns > p->k.at_ns)
            tr->exits_ps = rate(p->k.vcpus[t->index].kvm[VT_KVM_exits],
                                v->k.vcpus[t->index].kvm[VT_KVM_exits],
                                (double)(v->k.at_ns - p->k.at_ns) / 1e9);
    }
    /* none of a kind is 0; some of it without two samples is unknown */
    if (comparable) {
        r->emulator_cpu_pct = any_emu ? emu : n_emu ? NAN : 0;
        r->iothread_cpu_pct = any_io ? io : n_io ? NAN : 0;
        r->vhost_cpu_pct = any_vh ? vh : n_vh ? NAN : 0;
    }
}

static void vm_rate(const vt_conn *c, const vt_vm_sample *p, const vt_vm_sample *v, vt_vm_rate *r)
{
    double dt;
    bool comparable;
    double steal = 0;
    unsigned nsteal = 0;
    unsigned long long att, ok;

    snprintf(r->uuid, sizeof(r->uuid), "%s", v->uuid);
    r->name = vt_strdup(v->name);
    r->state = v->state;
    r->nvcpus = (unsigned)v->k.nvcpus;
    unknown(r);
    if (!p) {
        r->measuring = true;
        r->why = "first sample";
    } else if (p->k.id != v->k.id || p->pid != v->pid) {
        r->measuring = true;
        r->why = "restarted since the last sample";
    } else if (!v->k.present || !p->k.present) {
        r->measuring = true;
        r->why = "no counters";
    } else if (v->k.at_ns <= p->k.at_ns) {
        r->measuring = true;
        r->why = "no new counters since the last sample";
    }
    comparable = !r->measuring;
    thread_rates(c, p ? p : v, v, r, comparable);
    if (!comparable)
        return;
    dt = (double)(v->k.at_ns - p->k.at_ns) / 1e9;
    r->interval_s = dt;
    if (v->k.cpu_present && p->k.cpu_present)
        r->cpu_pct = rate(p->k.cpu_time_ns, v->k.cpu_time_ns, dt) / 1e7;
    else if (v->proc_cpu_present && p->proc_cpu_present && v->at_ns_proc > p->at_ns_proc)
        r->cpu_pct = rate(p->proc_cpu_ns, v->proc_cpu_ns,
                          (double)(v->at_ns_proc - p->at_ns_proc) / 1e9) / 1e7;
    /* steal: libvirt's vcpu.N.delay, else the vCPU threads' run-queue wait */
    for (size_t i = 0; i < v->k.nvcpus && i < p->k.nvcpus; i++)
        if (v->k.vcpus[i].has_delay && p->k.vcpus[i].has_delay) {
            double s = rate(p->k.vcpus[i].delay_ns, v->k.vcpus[i].delay_ns, dt) / 1e7;
            if (!isnan(s)) {
                steal += s;
                nsteal++;
            }
        }
    if (!nsteal)
        for (size_t i = 0; i < r->nthreads; i++)
            if (r->threads[i].kind == VT_THREAD_VCPU && !isnan(r->threads[i].steal_pct)) {
                steal += r->threads[i].steal_pct;
                nsteal++;
            }
    if (nsteal)
        r->vcpu_steal_pct = steal / nsteal;
    /* KVM's counters, summed over the vCPUs both samples have */
    for (size_t i = 0; i < v->k.nvcpus && i < p->k.nvcpus; i++) {
        const vt_vcpu_counters *a = &p->k.vcpus[i], *b = &v->k.vcpus[i];
        if (!a->kvm_present || !b->kvm_present)
            continue;
        r->kvm_present = true;
        for (int k = 0; k < VT_KVM_N; k++)
            if (b->kvm[k] >= a->kvm[k])
                r->kvm_delta[k] += b->kvm[k] - a->kvm[k];
    }
    if (r->kvm_present) {
        r->exits_ps = (double)r->kvm_delta[VT_KVM_exits] / dt;
        r->io_exits_ps = (double)r->kvm_delta[VT_KVM_io_exits] / dt;
        r->mmio_exits_ps = (double)r->kvm_delta[VT_KVM_mmio_exits] / dt;
        r->halt_exits_ps = (double)r->kvm_delta[VT_KVM_halt_exits] / dt;
        r->insn_emulation_ps = (double)r->kvm_delta[VT_KVM_insn_emulation] / dt;
        att = r->kvm_delta[VT_KVM_halt_attempted_poll];
        ok = r->kvm_delta[VT_KVM_halt_successful_poll];
        if (att)
            r->haltpoll_success_pct = 100.0 * (double)ok / (double)att;
    }
    if (v->k.block_present && p->k.block_present) {
        r->disk_rd_bps = rate(p->k.rd_bytes, v->k.rd_bytes, dt);
        r->disk_wr_bps = rate(p->k.wr_bytes, v->k.wr_bytes, dt);
        r->disk_rd_iops = rate(p->k.rd_reqs, v->k.rd_reqs, dt);
        r->disk_wr_iops = rate(p->k.wr_reqs, v->k.wr_reqs, dt);
    }
    if (v->k.net_present && p->k.net_present) {
        r->net_rx_bps = rate(p->k.rx_bytes, v->k.rx_bytes, dt);
        r->net_tx_bps = rate(p->k.tx_bytes, v->k.tx_bytes, dt);
        r->net_rx_pps = rate(p->k.rx_pkts, v->k.rx_pkts, dt);
        r->net_tx_pps = rate(p->k.tx_pkts, v->k.tx_pkts, dt);
    }
}

void vt_live_rates_compute(const vt_conn *c, const vt_live_sample *prev,
                           const vt_live_sample *cur, vt_live_rates *out)
{
    unsigned runnable = 0;
    bool threads = false;

    memset(out, 0, sizeof(*out));
    out->measuring = !prev || !prev->at_ns;
    out->interval_s = out->host_cpu_pct = out->host_steal_pct = out->runnable_per_cpu = NAN;
    out->ncpus = cur->host.ncpus;
    if (!out->measuring) {
        out->interval_s = (double)(cur->at_ns - prev->at_ns) / 1e9;
        if (cur->host.present && prev->host.present && cur->host.total > prev->host.total) {
            double t = (double)(cur->host.total - prev->host.total);
            unsigned long long idle = (cur->host.idle - prev->host.idle) +
                                      (cur->host.iowait - prev->host.iowait);
            out->host_cpu_pct = 100.0 * (t - (double)idle) / t;
            out->host_steal_pct = 100.0 * (double)(cur->host.steal - prev->host.steal) / t;
        }
    }
    out->vms = vt_calloc(cur->nvms ? cur->nvms : 1, sizeof(*out->vms));
    for (size_t i = 0; i < cur->nvms; i++) {
        vm_rate(c, out->measuring ? NULL : find_sample(prev, cur->vms[i].uuid), &cur->vms[i],
                &out->vms[out->nvms]);
        runnable += out->vms[out->nvms].vcpus_runnable;
        threads |= cur->vms[i].proc_present;
        out->nvms++;
    }
    if (threads && cur->host.ncpus)
        out->runnable_per_cpu = (double)runnable / cur->host.ncpus;
}

void vt_live_rates_clear(vt_live_rates *r)
{
    for (size_t i = 0; i < r->nvms; i++) {
        for (size_t t = 0; t < r->vms[i].nthreads; t++)
            free(r->vms[i].threads[t].serves);
        free(r->vms[i].threads);
        free(r->vms[i].threads_why);
        free(r->vms[i].name);
    }
    free(r->vms);
    memset(r, 0, sizeof(*r));
}

const vt_vm_rate *vt_live_find(const vt_live_rates *r, const char *uuid)
{
    if (!r)
        return NULL;
    return find_by_uuid(r->vms, r->nvms, sizeof(*r->vms), offsetof(vt_vm_rate, uuid), uuid);
}

/* ---- the exit breakdown ---- */

static const struct {
    vt_kvm_counter k;
    const char *cls;
    const char *reading;
} exit_classes[] = {
    { VT_KVM_halt_exits, "halt (HLT)",
      N_("the vCPU idles; halt polling decides how soon it wakes") },
    { VT_KVM_io_exits, "port I/O", NULL },
    { VT_KVM_mmio_exits, "MMIO", NULL },
    { VT_KVM_irq_exits, "external interrupt", NULL },
    { VT_KVM_irq_window_exits, "interrupt window", NULL },
    { VT_KVM_nmi_window_exits, "NMI window", NULL },
    { VT_KVM_request_irq_exits, "interrupt request", NULL },
    { VT_KVM_signal_exits, "signal", NULL },
}, explaining[] = {
    { VT_KVM_insn_emulation, "emulated instructions",
      N_("dominating: review the VM's I/O configuration (virtio rather than emulated devices)") },
    { VT_KVM_directed_yield_attempted, "directed yields (pause loops)",
      N_("frequent: more vCPUs than the host CPUs serve; shut VMs down, remove vCPUs or tune "
         "vCPU performance") },
    { VT_KVM_hypercalls, "hypercalls", NULL },
};

static int cmp_rows(const void *a, const void *b)
{
    const vt_exit_row *x = a, *y = b;

    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->cls, y->cls);
}

size_t vt_live_exit_rows(const vt_vm_rate *r, vt_exit_row *out, size_t max)
{
    size_t n = 0, nexit;
    unsigned long long total, sum = 0;
    double dt;

    if (!r || !r->kvm_present || r->measuring || !(r->interval_s > 0))
        return 0;
    dt = r->interval_s;
    total = r->kvm_delta[VT_KVM_exits];
    for (size_t i = 0; i < sizeof(exit_classes) / sizeof(*exit_classes) && n < max; i++) {
        unsigned long long v = r->kvm_delta[exit_classes[i].k];
        out[n++] = (vt_exit_row){ exit_classes[i].cls, v, total ? 100.0 * (double)v / (double)total : NAN,
                                  (double)v / dt, true,
                                  exit_classes[i].reading ? _(exit_classes[i].reading) : NULL };
        sum += v;
    }
    if (n < max) {
        unsigned long long v = total > sum ? total - sum : 0;
        out[n++] = (vt_exit_row){ "other (EPT, MSR, CPUID, pause...)", v,
                                  total ? 100.0 * (double)v / (double)total : NAN, (double)v / dt,
                                  true, NULL };
    }
    nexit = n;
    qsort(out, nexit, sizeof(*out), cmp_rows);
    for (size_t i = 0; i < sizeof(explaining) / sizeof(*explaining) && n < max; i++) {
        unsigned long long v = r->kvm_delta[explaining[i].k];
        out[n++] = (vt_exit_row){ explaining[i].cls, v, NAN, (double)v / dt, false,
                                  explaining[i].reading ? _(explaining[i].reading) : NULL };
    }
    return n;
}

bool vt_live_haltpoll(const vt_vm_rate *r, double *success_pct, unsigned long long *ok_ns,
                      unsigned long long *fail_ns)
{
    if (!r || !r->kvm_present || r->measuring)
        return false;
    *success_pct = r->haltpoll_success_pct;
    *ok_ns = r->kvm_delta[VT_KVM_halt_poll_success_ns];
    *fail_ns = r->kvm_delta[VT_KVM_halt_poll_fail_ns];
    return true;
}

/* ---- the window ---- */

void vt_live_window_push(vt_live_window *w, vt_live_rates *r)
{
    if (r->measuring) {
        vt_live_rates_clear(r);
        return;
    }
    if (w->n == VT_LIVE_WINDOW) {
        vt_live_rates_clear(&w->r[0]);
        memmove(&w->r[0], &w->r[1], (VT_LIVE_WINDOW - 1) * sizeof(*w->r));
        w->n--;
    }
    w->r[w->n++] = *r;
    memset(r, 0, sizeof(*r));
}

void vt_live_window_clear(vt_live_window *w)
{
    for (size_t i = 0; i < w->n; i++)
        vt_live_rates_clear(&w->r[i]);
    w->n = 0;
}

/* ---- CSV ---- */

const char vt_live_csv_header[] =
    "time,vm,state,cpu_pct,vcpu_steal_pct,exits_ps,io_exits_ps,mmio_exits_ps,halt_exits_ps,"
    "insn_emulation_ps,haltpoll_success_pct,emulator_cpu_pct,iothread_cpu_pct,vhost_cpu_pct,"
    "disk_rd_bps,disk_wr_bps,net_rx_bps,net_tx_bps";

static void csv_field(vt_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") || (s[0] && (isspace((unsigned char)s[0]) ||
                                          isspace((unsigned char)s[strlen(s) - 1])))) {
        vt_buf_add(b, "\"");
        for (; *s; s++) {
            if (*s == '"')
                vt_buf_add(b, "\"");
            vt_buf_addn(b, s, 1);
        }
        vt_buf_add(b, "\"");
    } else {
        vt_buf_add(b, s);
    }
}

static void csv_num(vt_buf *b, double v, int decimals)
{
    if (isnan(v))
        vt_buf_add(b, ",");
    else
        vt_buf_addf(b, ",%.*f", decimals, v);
}

static const char *state_word(int s)
{
    switch (s) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "blocked";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "shutting-down";
    case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
    case VIR_DOMAIN_CRASHED: return "crashed";
    default: return "other";
    }
}

void vt_live_csv_rows(const vt_live_rates *r, const char *time, vt_buf *b)
{
    for (size_t i = 0; i < r->nvms; i++) {
        const vt_vm_rate *v = &r->vms[i];
        if (v->measuring)
            continue;           /* rates need two samples */
        vt_buf_add(b, time);
        vt_buf_add(b, ",");
        csv_field(b, v->name ? v->name : v->uuid);
        vt_buf_addf(b, ",%s", state_word(v->state));
        csv_num(b, v->cpu_pct, 1);
        csv_num(b, v->vcpu_steal_pct, 1);
        csv_num(b, v->exits_ps, 1);
        csv_num(b, v->io_exits_ps, 1);
        csv_num(b, v->mmio_exits_ps, 1);
        csv_num(b, v->halt_exits_ps, 1);
        csv_num(b, v->insn_emulation_ps, 1);
        csv_num(b, v->haltpoll_success_pct, 1);
        csv_num(b, v->emulator_cpu_pct, 1);
        csv_num(b, v->iothread_cpu_pct, 1);
        csv_num(b, v->vhost_cpu_pct, 1);
        csv_num(b, v->disk_rd_bps, 0);
        csv_num(b, v->disk_wr_bps, 0);
        csv_num(b, v->net_rx_bps, 0);
        csv_num(b, v->net_tx_bps, 0);
        vt_buf_add(b, "\n");
    }
}
