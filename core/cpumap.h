/* The host's CPUs as every CPU grid shows them: per CPU whether it is
 * online, its NUMA node, whether kworkers may run there, and for every VM
 * given which of its threads (vCPU, emulator, IOThread) may run there.
 * "May run" follows libvirt: a thread with a pin of its own runs on that
 * pin only; one without runs where the VM's default affinity allows.
 * Pure: a host and definitions in, a map out. No libvirt, no curses. */
#ifndef VT_CPUMAP_H
#define VT_CPUMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "domxml.h"
#include "host.h"
#include "util.h"

/* What one VM has on one CPU. The first three say a thread of that kind
 * may run there for any reason; the _PINNED ones add that a pin of the
 * thread's own names this CPU (without it the thread is there only by the
 * default affinity, and describe() says "unpinned"). */
enum {
    VT_CPUMAP_VCPU = 1 << 0,
    VT_CPUMAP_EMULATOR = 1 << 1,
    VT_CPUMAP_IOTHREAD = 1 << 2,
    VT_CPUMAP_VCPU_PINNED = 1 << 3,
    VT_CPUMAP_EMULATOR_PINNED = 1 << 4,
    VT_CPUMAP_IOTHREAD_PINNED = 1 << 5,
};

/* One VM for vt_cpumap_build. */
typedef struct vt_cpumap_vm {
    const char *name;        /* not owned: the name describe() shows */
    const vt_domdef *def;    /* not owned; NULL = a VM with nothing to place */
} vt_cpumap_vm;

/* CPUs of one NUMA node, as a grid groups them. */
typedef struct vt_cpumap_node {
    int id;                  /* -1: the CPUs no known node holds */
    unsigned *cpus;          /* owned, ascending */
    size_t ncpus;
} vt_cpumap_node;

typedef struct vt_cpumap {
    unsigned ncpus;          /* host CPUs 0 .. ncpus-1 */
    size_t nvms;
    char **names;            /* owned: nvms strings (copies) */
    int in_hand;             /* index of the VM in hand, -1 = none */
    bool kworker_known;      /* the workqueue cpumask was read */
    unsigned char *cpu;      /* owned: ncpus entries, private bits */
    int *node;               /* owned: ncpus node ids, -1 = none known */
    unsigned char *bits;     /* owned: ncpus * nvms VT_CPUMAP_* (cpu-major) */
    vt_cpumap_node *nodes;   /* owned: by id, then the -1 group if any */
    size_t nnodes;
} vt_cpumap;

/* Build m (overwritten; free with vt_cpumap_free) for host h and the VMs
 * vms[0 .. nvms-1]; in_hand is the index of the VM the screen is about,
 * or -1. A pin or cpuset that does not parse is -1 with err naming the VM;
 * CPUs at or beyond h->ncpus are left out. */
int vt_cpumap_build(vt_cpumap *m, const vt_host *h, const vt_cpumap_vm *vms, size_t nvms,
                    int in_hand, vt_err *err);
void vt_cpumap_free(vt_cpumap *m);   /* frees members, keeps m; NULL ok */

/* Per CPU; a cpu at or beyond m->ncpus reads as offline, no node, no
 * kworkers and no VM. */
bool vt_cpumap_online(const vt_cpumap *m, unsigned cpu);
int vt_cpumap_node_of(const vt_cpumap *m, unsigned cpu);
bool vt_cpumap_kworker(const vt_cpumap *m, unsigned cpu);
unsigned vt_cpumap_vm_bits(const vt_cpumap *m, unsigned cpu, size_t vm);
unsigned vt_cpumap_hand_bits(const vt_cpumap *m, unsigned cpu);    /* 0 when none in hand */
unsigned vt_cpumap_other_bits(const vt_cpumap *m, unsigned cpu);   /* OR of all the others */

/* The detail line of one cell, the same words on every screen: pinned
 * threads first, then the unpinned ones that may float in,
 *   "CPU 14 (node 1): emulator of db-replica; IOThread of db-replica;
 *    unpinned vCPU of web-01, web-02; kworkers allowed"
 * with "offline" first when it is, "no VM threads" when none, "no
 * kworkers" when the mask leaves the CPU out (nothing when it is not
 * known). Names are as given (the drawing escapes them). snprintf-like:
 * returns the length of the whole line, writes at most n-1 bytes. */
size_t vt_cpumap_describe(const vt_cpumap *m, unsigned cpu, char *buf, size_t n);

/* Where a thread without a pin of its own may run, as libvirt computes it:
 * <vcpu cpuset=> when set, else every host CPU (placement='auto' and
 * numatune are not looked at: numad's answer is not in the XML). def may
 * be NULL. NULL when the host's CPU count is unknown. Caller frees. */
char *vt_cpumap_default_affinity(const vt_host *h, const vt_domdef *def);

#endif
