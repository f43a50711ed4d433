/* core/live.c and the advisor's live signals, on a procfs fixture written
 * here (tasks with the names QEMU and the kernel give them, schedstat,
 * /proc/stat, vhost workers as kernel threads, as on Debian 12's 6.1) and
 * on samples made by hand: thread kinds and what each serves, rates from
 * deltas, no rate across a restart or a counter that went back, the CSV
 * of --top, the exit breakdown, the window, and each live finding above
 * its threshold and none below it or on one sample. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisor.h"
#include "conn.h"
#include "domxml.h"
#include "fsutil.h"
#include "live.h"

static char root[64];

static void put(const char *rel, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(const char *rel, const char *fmt, ...)
{
    char path[512], *slash;
    va_list ap;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    if (!(f = fopen(path, "w")))
        fail_msg("cannot write %s", path);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* /proc/PID/task/TID/stat as the kernel writes it: 52 fields, the name in
 * parentheses (with spaces and a slash for QEMU's vCPUs), utime and stime
 * at 14 and 15, the CPU it last ran on at 39 */
static void task(const char *dir, int tid, const char *comm, char state, unsigned long long ticks,
                 int cpu, unsigned long long run_ns, unsigned long long wait_ns)
{
    char rel[256], line[1024];
    int n;

    n = snprintf(line, sizeof(line), "%d (%s) %c", tid, comm, state);
    for (int f = 4; f <= 52; f++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %llu",
                      f == 14 ? ticks : f == 15 ? 0ULL : f == 39 ? (unsigned long long)cpu : 0ULL);
    snprintf(rel, sizeof(rel), "%s/stat", dir);
    put(rel, "%s\n", line);
    snprintf(rel, sizeof(rel), "%s/schedstat", dir);
    put(rel, "%llu %llu 10\n", run_ns, wait_ns);
    snprintf(rel, sizeof(rel), "%s/comm", dir);
    put(rel, "%s\n", comm);
}

static const char alpha_xml[] =
    "<domain type='kvm'><name>alpha</name><uuid>11111111-1111-1111-1111-111111111111</uuid>"
    "<memory>1048576</memory><vcpu>2</vcpu><iothreads>1</iothreads>"
    "<cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/></cputune>"
    "<os><type>hvm</type></os><devices>"
    "<disk type='file' device='disk'><driver name='qemu' type='raw' iothread='1'/>"
    "<source file='/a.img'/><target dev='vda' bus='virtio'/></disk>"
    "<disk type='file' device='disk'><source file='/b.img'/><target dev='hda' bus='ide'/></disk>"
    "<interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/>"
    "<target dev='vnet0'/><model type='virtio'/><driver name='vhost' queues='2'/></interface>"
    "<interface type='bridge'><mac address='52:54:00:00:00:02'/><source bridge='br0'/>"
    "<target dev='vnet1'/><model type='virtio'/></interface>"
    "</devices></domain>";

static const char beta_xml[] =
    "<domain type='kvm'><name>beta</name><uuid>22222222-2222-2222-2222-222222222222</uuid>"
    "<memory>1048576</memory><vcpu>1</vcpu>"
    "<cputune><vcpupin vcpu='0' cpuset='1'/></cputune>"
    "<os><type>hvm</type></os><devices/></domain>";

typedef struct fixture {
    vt_conn c;
    vt_domain d[2], *dp[2];
} fixture;

static void dom(vt_domain *d, const char *xml, const char *uuid, const char *name, int pid)
{
    vt_err err = { { 0 } };

    memset(d, 0, sizeof(*d));
    d->uuid = vt_strdup(uuid);
    d->name = vt_strdup(name);
    d->state = VIR_DOMAIN_RUNNING;
    d->pid = pid;
    if (!(d->live = vt_domdef_parse(xml, &err)))
        fail_msg("%s", err.msg);
    d->config = d->live;
}

static void counters(vt_domain *d, long long at_ns, int id, unsigned long long cpu_ns,
                     unsigned nvcpus, unsigned long long exits, unsigned long long delay_ns)
{
    free(d->counters.vcpus);
    memset(&d->counters, 0, sizeof(d->counters));
    d->counters.present = true;
    d->counters.at_ns = at_ns;
    d->counters.id = id;
    d->counters.cpu_present = true;
    d->counters.cpu_time_ns = cpu_ns;
    d->counters.nvcpus = nvcpus;
    d->counters.vcpus = vt_calloc(nvcpus, sizeof(vt_vcpu_counters));
    for (unsigned i = 0; i < nvcpus; i++) {
        vt_vcpu_counters *v = &d->counters.vcpus[i];
        v->present = v->has_delay = v->kvm_present = true;
        v->delay_ns = delay_ns;
        v->kvm[VT_KVM_exits] = exits;
        v->kvm[VT_KVM_halt_exits] = exits / 2;
        v->kvm[VT_KVM_io_exits] = exits / 4;
        v->kvm[VT_KVM_halt_attempted_poll] = exits / 2;
        v->kvm[VT_KVM_halt_successful_poll] = exits / 8;
    }
    d->counters.block_present = d->counters.net_present = true;
    d->counters.rd_bytes = exits * 10;
    d->counters.wr_reqs = exits;
}

static void setup(fixture *f)
{
    memset(f, 0, sizeof(*f));
    snprintf(root, sizeof(root), "/tmp/vt-live-XXXXXX");
    if (!mkdtemp(root))
        fail_msg("mkdtemp");
    dom(&f->d[0], alpha_xml, "11111111-1111-1111-1111-111111111111", "alpha", 100);
    dom(&f->d[1], beta_xml, "22222222-2222-2222-2222-222222222222", "beta", 300);
    f->dp[0] = &f->d[0];
    f->dp[1] = &f->d[1];
    f->c.doms = f->dp;
    f->c.ndoms = 2;
    f->c.procfs_root = root;
    f->c.host.ncpus = 2;
}

static void teardown(fixture *f)
{
    for (int i = 0; i < 2; i++) {
        free(f->d[i].uuid);
        free(f->d[i].name);
        vt_domdef_free(f->d[i].live);
        free(f->d[i].counters.vcpus);
    }
    vt_remove_tree(root);
}

/* run time per second of the vhost worker of alpha's one-queue NIC */
static unsigned long long g_vhost_ns = 10000000ULL;

/* the procfs of alpha's QEMU (pid 100) and its three vhost workers, with
   CPU times scaled by k, and beta's (pid 300) */
static void write_proc(unsigned k)
{
    put("stat", "cpu  %u 0 %u %u 0 0 0 %u 0 0\ncpu0 1 0 1 1 0 0 0 0 0 0\ncpu1 1 0 1 1 0 0 0 0 0 0\n",
        100 * k, 100 * k, 600 * k, 10 * k);
    put("100/stat", "100 (qemu-system-x86) S 1 0 0 0 0 0 0 0 0 0 %u 0 0\n", 50 * k);
    put("100/comm", "qemu-system-x86\n");
    task("100/task/100", 100, "qemu-system-x86", 'S', 10 * k, 0, 100000000ULL * k, 0);
    task("100/task/101", 101, "CPU 0/KVM", 'R', 30 * k, 0, 300000000ULL * k, 50000000ULL * k);
    task("100/task/102", 102, "CPU 1/KVM", 'S', 10 * k, 1, 100000000ULL * k, 0);
    task("100/task/103", 103, "IO iothread1", 'S', 5 * k, 1, 50000000ULL * k, 0);
    task("100/task/104", 104, "IO mon_iothread", 'S', 1 * k, 1, 10000000ULL * k, 0);
    task("200", 200, "vhost-100", 'S', 20 * k, 1, 200000000ULL * k, 0);
    task("201", 201, "vhost-100", 'S', 1 * k, 1, 10000000ULL * k, 0);
    task("202", 202, "vhost-100", 'S', 1 * k, 1, g_vhost_ns * k, 0);
    put("300/stat", "300 (qemu-system-x86) S 1 0 0 0 0 0 0 0 0 0 1 0 0\n");
    task("300/task/300", 300, "qemu-system-x86", 'S', 1, 0, 1000000ULL * k, 0);
    task("300/task/301", 301, "CPU 0/KVM", 'S', 1, 1, 1000000ULL * k, 0);
}

static const vt_thread_rate *thread(const vt_vm_rate *r, const char *name)
{
    for (size_t i = 0; i < r->nthreads; i++)
        if (strcmp(r->threads[i].name, name) == 0)
            return &r->threads[i];
    fail_msg("no thread \"%s\"", name);
    return NULL;
}

/* two samples one second apart, as counted by the samples' own clocks */
static void two_samples(fixture *f, vt_live_sample *a, vt_live_sample *b)
{
    vt_err err = { { 0 } };

    write_proc(1);
    counters(&f->d[0], 1000000000LL, 7, 1000000000ULL, 2, 1000, 10000000ULL);
    counters(&f->d[1], 1000000000LL, 8, 1000000ULL, 1, 10, 0);
    assert_int_equal(vt_live_take(&f->c, true, a, &err), 0);
    write_proc(2);
    counters(&f->d[0], 2000000000LL, 7, 1500000000ULL, 2, 3000, 110000000ULL);
    counters(&f->d[1], 2000000000LL, 8, 2000000ULL, 1, 20, 0);
    assert_int_equal(vt_live_take(&f->c, true, b, &err), 0);
    /* procfs was read microseconds apart: say it was one second */
    for (size_t i = 0; i < b->nvms; i++)
        b->vms[i].at_ns_proc = a->vms[i].at_ns_proc + 1000000000LL;
    b->at_ns = a->at_ns + 1000000000LL;
}

static void test_threads_and_rates(void **state)
{
    fixture f;
    vt_live_sample a, b;
    vt_live_rates r;
    const vt_vm_rate *v;
    const vt_thread_rate *t;

    (void)state;
    setup(&f);
    two_samples(&f, &a, &b);
    assert_int_equal(a.nvms, 2);
    assert_true(a.host.present);
    assert_int_equal(a.host.ncpus, 2);
    /* alpha: 5 of its own tasks and 3 vhost workers of the kernel */
    assert_int_equal(a.vms[0].nthreads, 8);
    vt_live_rates_compute(&f.c, &a, &b, &r);
    assert_false(r.measuring);
    v = vt_live_find(&r, "11111111-1111-1111-1111-111111111111");
    assert_non_null(v);
    assert_false(v->measuring);
    /* cpu.time grew by 0.5 s in 1 s */
    assert_float_equal(v->cpu_pct, 50.0, 0.01);
    /* vcpu.N.delay grew by 0.1 s on each vCPU */
    assert_float_equal(v->vcpu_steal_pct, 10.0, 0.01);
    /* 2000 exits on each of 2 vCPUs */
    assert_float_equal(v->exits_ps, 4000.0, 0.01);
    assert_float_equal(v->halt_exits_ps, 2000.0, 0.01);
    assert_float_equal(v->haltpoll_success_pct, 25.0, 0.01);
    assert_float_equal(v->disk_rd_bps, 20000.0, 0.01);
    assert_float_equal(v->disk_wr_iops, 2000.0, 0.01);
    assert_true(isnan(v->net_rx_bps) == false);
    /* threads: schedstat deltas over the second */
    t = thread(v, "vCPU 0");
    assert_float_equal(t->cpu_pct, 30.0, 0.01);
    assert_float_equal(t->steal_pct, 5.0, 0.01);
    assert_float_equal(t->exits_ps, 2000.0, 0.01);
    assert_int_equal(t->cpu, 0);
    t = thread(v, "IOThread 1");
    assert_string_equal(t->serves, "disks vda");
    t = thread(v, "main loop");
    assert_float_equal(t->cpu_pct, 10.0, 0.01);
    thread(v, "emulator: IO mon_iothread");
    /* the vhost workers by TID: NIC 01 has two queues, then NIC 02 */
    /* sorted: vCPUs, main loop, IOThreads, vhost workers, the rest */
    assert_int_equal(v->threads[4].kind, VT_THREAD_VHOST);
    assert_string_equal(v->threads[4].serves, "NIC 52:54:00:00:00:01 queue 0 (vnet0)");
    assert_float_equal(v->threads[4].cpu_pct, 20.0, 0.01);
    assert_string_equal(v->threads[5].serves, "NIC 52:54:00:00:00:01 queue 1 (vnet0)");
    assert_string_equal(v->threads[6].serves, "NIC 52:54:00:00:00:02 (vnet1)");
    assert_int_equal(v->threads[7].kind, VT_THREAD_EMULATOR);
    assert_float_equal(v->emulator_cpu_pct, 11.0, 0.01);
    assert_float_equal(v->iothread_cpu_pct, 5.0, 0.01);
    assert_float_equal(v->vhost_cpu_pct, 22.0, 0.01);
    assert_int_equal(v->vcpus_runnable, 1);
    /* the host: /proc/stat went from 810 to 1620 ticks, 600 of them idle,
       10 stolen (steal is time not idle: in use, by someone else) */
    assert_float_equal(r.host_cpu_pct, 100.0 * 210 / 810, 0.01);
    assert_float_equal(r.host_steal_pct, 100.0 * 10 / 810, 0.01);
    assert_float_equal(r.runnable_per_cpu, 0.5, 0.001);
    vt_live_rates_clear(&r);
    vt_live_sample_clear(&a);
    vt_live_sample_clear(&b);
    teardown(&f);
}

static void test_never_a_garbage_rate(void **state)
{
    fixture f;
    vt_live_sample a, b;
    vt_live_rates r;
    const vt_vm_rate *v;
    vt_err err = { { 0 } };

    (void)state;
    setup(&f);
    /* the first sample: every VM measuring */
    write_proc(1);
    counters(&f.d[0], 1000000000LL, 7, 1000000000ULL, 2, 1000, 0);
    counters(&f.d[1], 1000000000LL, 8, 1000000ULL, 1, 10, 0);
    vt_live_take(&f.c, true, &a, &err);
    vt_live_rates_compute(&f.c, NULL, &a, &r);
    assert_true(r.measuring);
    for (size_t i = 0; i < r.nvms; i++) {
        assert_true(r.vms[i].measuring);
        assert_string_equal(r.vms[i].why, "first sample");
        assert_true(isnan(r.vms[i].cpu_pct));
    }
    vt_live_rates_clear(&r);
    /* alpha restarted (new domain ID, its counters from 0); beta's
       cpu.time went back (a counter reset) */
    write_proc(2);
    counters(&f.d[0], 2000000000LL, 9, 1000ULL, 2, 5, 0);
    counters(&f.d[1], 2000000000LL, 8, 10ULL, 1, 20, 0);
    vt_live_take(&f.c, true, &b, &err);
    vt_live_rates_compute(&f.c, &a, &b, &r);
    v = vt_live_find(&r, "11111111-1111-1111-1111-111111111111");
    assert_true(v->measuring);
    assert_string_equal(v->why, "restarted since the last sample");
    assert_true(isnan(v->cpu_pct) && isnan(v->exits_ps));
    v = vt_live_find(&r, "22222222-2222-2222-2222-222222222222");
    assert_false(v->measuring);
    assert_true(isnan(v->cpu_pct));
    assert_float_equal(v->exits_ps, 10.0, 0.01);
    vt_live_rates_clear(&r);
    /* no refresh between two samples: nothing new to rate */
    vt_live_rates_compute(&f.c, &b, &b, &r);
    assert_true(vt_live_find(&r, "22222222-2222-2222-2222-222222222222")->measuring);
    vt_live_rates_clear(&r);
    vt_live_sample_clear(&a);
    vt_live_sample_clear(&b);
    /* a remote connection: no threads, and says why */
    f.c.remote = true;
    vt_live_take(&f.c, true, &a, &err);
    assert_false(a.host.present);
    assert_string_equal(a.vms[0].proc_why, "threads need a local connection (procfs)");
    vt_live_sample_clear(&a);
    teardown(&f);
}

static void test_csv(void **state)
{
    fixture f;
    vt_live_sample a, b;
    vt_live_rates r;
    vt_buf out = { 0 };

    (void)state;
    assert_string_equal(vt_live_csv_header,
                        "time,vm,state,cpu_pct,vcpu_steal_pct,exits_ps,io_exits_ps,mmio_exits_ps,"
                        "halt_exits_ps,insn_emulation_ps,haltpoll_success_pct,emulator_cpu_pct,"
                        "iothread_cpu_pct,vhost_cpu_pct,disk_rd_bps,disk_wr_bps,net_rx_bps,net_tx_bps");
    setup(&f);
    free(f.d[0].name);
    f.d[0].name = vt_strdup("al,\"pha\"");
    two_samples(&f, &a, &b);
    f.d[1].counters.cpu_present = false;
    vt_live_rates_compute(&f.c, &a, &b, &r);
    vt_live_csv_rows(&r, "T", &out);
    print_message("%s", out.buf);
    assert_non_null(strstr(out.buf, "T,\"al,\"\"pha\"\"\",running,50.0,10.0,4000.0,1000.0,0.0,2000.0,0.0,25.0,11.0,5.0,22.0,20000,0,0,0\n"));
    vt_buf_free(&out);
    /* unknown is empty, never 0 */
    r.vms[1].cpu_pct = NAN;
    vt_live_csv_rows(&r, "T", &out);
    assert_non_null(strstr(out.buf, "T,beta,running,,"));
    vt_buf_free(&out);
    /* a measuring VM has no row */
    r.vms[0].measuring = true;
    vt_live_csv_rows(&r, "T", &out);
    assert_null(strstr(out.buf, "pha"));
    vt_buf_free(&out);
    vt_live_rates_clear(&r);
    vt_live_sample_clear(&a);
    vt_live_sample_clear(&b);
    teardown(&f);
}

static void test_exit_rows(void **state)
{
    vt_vm_rate r;
    vt_exit_row rows[16];
    size_t n;
    double pct = 0;
    bool halt_reading = false, insn = false, pause = false;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.interval_s = 2;
    assert_int_equal(vt_live_exit_rows(&r, rows, 16), 0);   /* no KVM counters */
    r.kvm_present = true;
    r.kvm_delta[VT_KVM_exits] = 1000;
    r.kvm_delta[VT_KVM_halt_exits] = 600;
    r.kvm_delta[VT_KVM_io_exits] = 150;
    r.kvm_delta[VT_KVM_mmio_exits] = 200;
    r.kvm_delta[VT_KVM_insn_emulation] = 300;
    r.kvm_delta[VT_KVM_directed_yield_attempted] = 40;
    n = vt_live_exit_rows(&r, rows, 16);
    assert_true(n > 4);
    assert_string_equal(rows[0].cls, "halt (HLT)");
    assert_int_equal(rows[0].count, 600);
    assert_float_equal(rows[0].per_s, 300, 0.01);
    assert_string_equal(rows[1].cls, "MMIO");
    assert_string_equal(rows[2].cls, "port I/O");
    assert_true(strncmp(rows[3].cls, "other", 5) == 0);
    assert_int_equal(rows[3].count, 50);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].is_exit)
            pct += rows[i].pct;
        else
            assert_true(isnan(rows[i].pct));
        halt_reading |= rows[i].is_exit && strstr(rows[i].cls, "halt") && rows[i].reading;
        insn |= !rows[i].is_exit && strstr(rows[i].cls, "emulated") && rows[i].count == 300 &&
                strstr(rows[i].reading, "I/O configuration");
        pause |= !rows[i].is_exit && strstr(rows[i].cls, "pause") && rows[i].count == 40 &&
                 strstr(rows[i].reading, "remove vCPUs");
        if (i > 0 && rows[i].is_exit && rows[i - 1].is_exit)
            assert_true(rows[i - 1].count >= rows[i].count);
    }
    assert_float_equal(pct, 100.0, 0.001);
    assert_true(halt_reading && insn && pause);
}

static void test_window(void **state)
{
    vt_live_window w = { 0 };
    vt_live_rates r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.measuring = true;
    vt_live_window_push(&w, &r);
    assert_int_equal(w.n, 0);           /* nothing to judge in a first sample */
    for (int i = 0; i < VT_LIVE_WINDOW + 2; i++) {
        memset(&r, 0, sizeof(r));
        r.interval_s = i;
        vt_live_window_push(&w, &r);
    }
    assert_int_equal(w.n, VT_LIVE_WINDOW);
    assert_float_equal(w.r[0].interval_s, 2, 0);     /* the oldest two went */
    assert_float_equal(w.r[VT_LIVE_WINDOW - 1].interval_s, VT_LIVE_WINDOW + 1, 0);
    vt_live_window_clear(&w);
    assert_int_equal(w.n, 0);
}

/* ---- the advisor's live signals ---- */

static const vt_advice *live_finding(const vt_advice_list *l, const char *topic, const char *vm)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].live && strcmp(l->items[i].topic, topic) == 0 &&
            (vm ? l->items[i].vm && strcmp(l->items[i].vm, vm) == 0 : !l->items[i].vm))
            return &l->items[i];
    return NULL;
}

static size_t nlive(const vt_advice_list *l)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        n += l->items[i].live;
    return n;
}

/* a window of `samples` rate sets of the fixture, with its counters set by
   the caller between them via `step` */
typedef void (*stepper)(fixture *f, int i);

static void judge(fixture *f, int samples, stepper step, vt_advice_list *l)
{
    vt_live_window w = { 0 };
    vt_live_sample prev = { 0 }, cur;
    vt_advise_opts o = { 0 };
    vt_err err = { { 0 } };

    for (int i = 0; i <= samples; i++) {
        vt_live_rates r;
        step(f, i);
        write_proc((unsigned)i + 1);
        vt_live_take(&f->c, true, &cur, &err);
        for (size_t k = 0; k < cur.nvms; k++)
            cur.vms[k].at_ns_proc = (i + 1) * 1000000000LL;
        cur.at_ns = (i + 1) * 1000000000LL;
        vt_live_rates_compute(&f->c, i ? &prev : NULL, &cur, &r);
        vt_live_window_push(&w, &r);
        vt_live_sample_clear(&prev);
        prev = cur;
    }
    vt_live_sample_clear(&prev);
    o.live = &w;
    vt_advise(&f->c, &o, l);
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].live)
            print_message("%s %s: %s\n    %s\n    fix: %s\n", l->items[i].topic,
                          l->items[i].vm ? l->items[i].vm : "host", l->items[i].summary,
                          l->items[i].evidence, l->items[i].fix ? l->items[i].fix : "-");
    vt_live_window_clear(&w);
}

static unsigned long long g_exits = 100, g_insn, g_yield, g_delay, g_poll_ok = 100, g_poll_fail;

static void quiet_step(fixture *f, int i)
{
    long long at = (i + 1) * 1000000000LL;
    counters(&f->d[0], at, 7, (unsigned long long)i * 100000000ULL, 2, g_exits * (unsigned)i,
             g_delay * (unsigned)i);
    for (unsigned v = 0; v < 2; v++) {
        f->d[0].counters.vcpus[v].kvm[VT_KVM_insn_emulation] = g_insn * (unsigned)i;
        f->d[0].counters.vcpus[v].kvm[VT_KVM_directed_yield_attempted] = g_yield * (unsigned)i;
        f->d[0].counters.vcpus[v].kvm[VT_KVM_halt_poll_success_ns] = g_poll_ok * (unsigned)i;
        f->d[0].counters.vcpus[v].kvm[VT_KVM_halt_poll_fail_ns] = g_poll_fail * (unsigned)i;
    }
    counters(&f->d[1], at, 8, (unsigned long long)i * 1000000ULL, 1, 10 * (unsigned)i, 0);
}

static void test_advisor_live(void **state)
{
    fixture f;
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    setup(&f);
    /* quiet: the fixture's vhost worker of the two-queue NIC runs at 20 %,
       nothing is above a threshold */
    judge(&f, 3, quiet_step, &l);
    assert_int_equal(nlive(&l), 0);
    vt_advice_list_clear(&l);

    /* steal 15 % on alpha's pinned vCPUs: beta is pinned on CPU 1 too */
    g_delay = 150000000ULL;
    /* emulated instructions at 1000 exits/s per vCPU */
    g_exits = 1000;
    g_insn = 900;
    /* pause loops: 600 directed yields per vCPU and second */
    g_yield = 600;
    judge(&f, 3, quiet_step, &l);
    a = live_finding(&l, "steal", "alpha");
    assert_non_null(a);
    assert_non_null(strstr(a->summary, "15%"));
    assert_non_null(strstr(a->evidence, "on CPUs 0-1; may also run there: beta"));
    a = live_finding(&l, "exits", "alpha");
    assert_non_null(a);
    assert_non_null(strstr(a->evidence, "disk hda on bus ide"));
    assert_null(a->fix);
    a = live_finding(&l, "overcommit", "alpha");
    assert_non_null(a);
    assert_non_null(strstr(a->summary, "600 directed yields per vCPU"));
    assert_null(live_finding(&l, "steal", "beta"));
    vt_advice_list_clear(&l);

    /* one sample is no window: nothing judged */
    judge(&f, 1, quiet_step, &l);
    assert_int_equal(nlive(&l), 0);
    vt_advice_list_clear(&l);

    /* halt polls failing 80 % of their time at halt_poll_ns 400000 */
    g_delay = g_insn = g_yield = 0;
    g_exits = 100;
    g_poll_ok = 200;
    g_poll_fail = 800;
    f.c.host.halt_poll_ns.present = true;
    f.c.host.halt_poll_ns.value = 400000;
    f.c.host.halt_poll_ns.writable = true;
    judge(&f, 3, quiet_step, &l);
    a = live_finding(&l, "halt-poll", NULL);
    assert_non_null(a);
    assert_string_equal(a->fix, "host halt_poll_ns 200000\n");
    vt_advice_list_clear(&l);
    /* at a small halt_poll_ns the same polls are no finding */
    f.c.host.halt_poll_ns.value = 50000;
    judge(&f, 3, quiet_step, &l);
    assert_null(live_finding(&l, "halt-poll", NULL));
    vt_advice_list_clear(&l);
    f.c.host.halt_poll_ns.present = false;
    g_poll_fail = 0;
    teardown(&f);
}

/* a hot vhost worker on a NIC with one queue: multi-queue, with the fix */
static void test_advisor_vhost(void **state)
{
    fixture f;
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    setup(&f);
    /* the third worker (NIC 02, one queue) at 80 % of a CPU */
    g_vhost_ns = 800000000ULL;
    judge(&f, 3, quiet_step, &l);
    a = live_finding(&l, "multiqueue", "alpha");
    assert_non_null(a);
    assert_non_null(strstr(a->summary, "runs at 80% of a CPU for NIC 52:54:00:00:00:02"));
    assert_string_equal(a->fix, "vm alpha nic 52:54:00:00:00:02 queues 2\n");
    assert_non_null(strstr(a->evidence, "ethtool -L eth0 combined N"));
    /* the two-queue NIC's worker is not named */
    assert_null(strstr(a->summary, ":01"));
    vt_advice_list_clear(&l);
    /* at 40 % it is below the threshold */
    g_vhost_ns = 400000000ULL;
    judge(&f, 3, quiet_step, &l);
    assert_null(live_finding(&l, "multiqueue", "alpha"));
    vt_advice_list_clear(&l);
    g_vhost_ns = 10000000ULL;
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_and_rates),
        cmocka_unit_test(test_never_a_garbage_rate),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_exit_rows),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_advisor_live),
        cmocka_unit_test(test_advisor_vhost),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
