/* Live: what the host is doing right now. A sample is the counters of the
 * last refresh (the bulk stats, vt_dom_counters) plus what procfs says of
 * the host's CPUs and of each QEMU process's threads; two samples make
 * rates. A VM whose counters cannot be compared (it started, stopped, was
 * restarted or a counter went back) gets no rate: "measuring", never a
 * garbage number. No curses, no libvirt calls: the caller hands in the
 * snapshot. Unknown values are NAN. */
#ifndef VT_LIVE_H
#define VT_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "counters.h"
#include "util.h"

typedef enum {
    VT_THREAD_VCPU,         /* "CPU N/KVM" (or "/TCG") */
    VT_THREAD_MAIN,         /* the main loop: the thread whose TID is the PID */
    VT_THREAD_IOTHREAD,     /* "IO iothreadN" (libvirt's IOThread ids) */
    VT_THREAD_VHOST,        /* "vhost-PID": the kernel's vhost_net worker */
    VT_THREAD_EMULATOR,     /* any other QEMU thread (workers, RCU, VNC) */
} vt_thread_kind;

typedef struct vt_thread_sample {
    int tid;
    char comm[24];
    vt_thread_kind kind;
    int index;              /* vCPU number, IOThread id; -1 otherwise */
    char state;             /* R, S, D ... */
    int cpu;                /* host CPU it last ran on */
    unsigned long long cpu_ns;    /* utime + stime */
    bool has_wait;
    unsigned long long wait_ns;   /* schedstat: time runnable on a run queue */
} vt_thread_sample;

typedef struct vt_vm_sample {
    char uuid[37];
    char *name;             /* owned */
    int state;              /* virDomainState */
    int pid;                /* -1: unknown */
    vt_dom_counters k;      /* owned copy */
    bool proc_present;      /* the threads were read */
    long long at_ns_proc;   /* CLOCK_MONOTONIC when they were */
    bool proc_cpu_present;  /* /proc/PID/stat: the whole process */
    unsigned long long proc_cpu_ns;
    char *proc_why;         /* owned: why not ("needs a local connection") */
    vt_thread_sample *threads;    /* owned */
    size_t nthreads;
} vt_vm_sample;

typedef struct vt_host_sample {
    bool present;
    unsigned long long total, idle, iowait, steal;    /* /proc/stat "cpu", in ticks */
    unsigned ncpus;
} vt_host_sample;

typedef struct vt_live_sample {
    long long at_ns;        /* CLOCK_MONOTONIC when procfs was read */
    vt_host_sample host;
    vt_vm_sample *vms;      /* owned; running VMs only */
    size_t nvms;
} vt_live_sample;

/* Take a sample of the snapshot c (its last refresh) and of procfs. Local
 * connections read /proc/PID/task/.../stat and schedstat under
 * c->procfs_root, and find vhost workers by their names; remote ones say
 * why not. Threads are read only with threads=true (the views that show
 * them, and the advisor's window). */
int vt_live_take(const vt_conn *c, bool threads, vt_live_sample *out, vt_err *err);
void vt_live_sample_clear(vt_live_sample *s);

typedef struct vt_thread_rate {
    int tid;
    vt_thread_kind kind;
    int index;
    char name[48];          /* "vCPU 0", "main loop", "IOThread 1", "vhost-1234" */
    int cpu;                /* last host CPU */
    char state;
    double cpu_pct;         /* of one host CPU */
    double steal_pct;       /* runnable but not running, of the interval */
    double exits_ps;        /* vCPUs: KVM exits per second */
    char *serves;           /* owned: IOThread disks, vhost NIC; NULL */
} vt_thread_rate;

typedef struct vt_vm_rate {
    char uuid[37];
    char *name;             /* owned */
    int state;
    bool measuring;         /* no comparable earlier sample: no rates */
    const char *why;        /* static: why measuring ("first sample", "restarted") */
    double interval_s;
    double cpu_pct;         /* of one host CPU, as top counts */
    double vcpu_steal_pct;  /* mean over the vCPUs */
    double exits_ps, io_exits_ps, mmio_exits_ps, halt_exits_ps, insn_emulation_ps;
    double haltpoll_success_pct;  /* successful polls / attempted */
    double emulator_cpu_pct, iothread_cpu_pct, vhost_cpu_pct;   /* procfs */
    double disk_rd_bps, disk_wr_bps, disk_rd_iops, disk_wr_iops;
    double net_rx_bps, net_tx_bps, net_rx_pps, net_tx_pps;
    bool kvm_present;       /* KVM's counters came with the stats */
    unsigned long long kvm_delta[VT_KVM_N];   /* over the interval, all vCPUs */
    unsigned nvcpus;
    unsigned vcpus_runnable;      /* vCPU threads in state R (procfs) */
    vt_thread_rate *threads;      /* owned; by kind, then index */
    size_t nthreads;
    char *threads_why;      /* owned: why there are none */
} vt_vm_rate;

typedef struct vt_live_rates {
    bool measuring;         /* no earlier sample at all */
    double interval_s;
    double host_cpu_pct;    /* of all host CPUs, 0-100 */
    double host_steal_pct;  /* the host's own steal (when it is a guest) */
    double runnable_per_cpu;      /* runnable vCPU threads per host CPU */
    unsigned ncpus;
    vt_vm_rate *vms;        /* owned; as the later sample's VMs */
    size_t nvms;
} vt_live_rates;

/* Rates from prev to cur (prev NULL or empty: everything measuring). */
void vt_live_rates_compute(const vt_conn *c, const vt_live_sample *prev,
                           const vt_live_sample *cur, vt_live_rates *out);
void vt_live_rates_clear(vt_live_rates *r);
const vt_vm_rate *vt_live_find(const vt_live_rates *r, const char *uuid);

/* The exit breakdown of a VM, as `perf kvm stat report` lays it out: one
 * row per class of exit, with its count over the interval, its share of
 * all exits and its rate; then the counters that explain exits (emulated
 * instructions, directed yields of pause-loop exits) and halt polling.
 * `reading` is the guide's word on the class, NULL where it says none. */
typedef struct vt_exit_row {
    const char *cls;        /* "io", "mmio", "halt", ... */
    unsigned long long count;
    double pct;             /* of all exits; NAN for the explaining counters */
    double per_s;
    bool is_exit;           /* a class of exit, not an explaining counter */
    const char *reading;
} vt_exit_row;

/* Rows into out (at most max); returns how many, 0 without KVM counters. */
size_t vt_live_exit_rows(const vt_vm_rate *r, vt_exit_row *out, size_t max);

/* Halt polling over the interval: polls that succeeded of those tried,
 * and the poll time that succeeded and failed (ns). False without them. */
bool vt_live_haltpoll(const vt_vm_rate *r, double *success_pct, unsigned long long *ok_ns,
                      unsigned long long *fail_ns);

/* The last samples' rates, for judgements over a window rather than one
 * sample. Owns its rates; the oldest goes when it is full. */
#define VT_LIVE_WINDOW 5
typedef struct vt_live_window {
    vt_live_rates r[VT_LIVE_WINDOW];
    size_t n;               /* how many are held, oldest first */
} vt_live_window;

/* Moves *r into the window (r is left empty). Measuring rates are not kept. */
void vt_live_window_push(vt_live_window *w, vt_live_rates *r);
void vt_live_window_clear(vt_live_window *w);

/* The CSV of `--top --csv`: the header, and a row per VM of one rate set.
 * Unknown values are empty, never 0. */
extern const char vt_live_csv_header[];
/* appends to b the rows of r, time as given (ISO 8601) */
void vt_live_csv_rows(const vt_live_rates *r, const char *time, vt_buf *b);

#endif
