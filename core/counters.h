/* The counters of a running VM as one bulk stats call returns them
 * (virConnectGetAllDomainStats with CPU_TOTAL, VCPU, BLOCK, INTERFACE):
 * cumulative values, turned into rates by core/live.c from two calls.
 * Types only: conn.c fills them, live.c reads them. */
#ifndef VT_COUNTERS_H
#define VT_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

/* KVM's own per-vCPU counters, as libvirt names them (vcpu.N.NAME.sum);
 * the cumulative ones libvirt gives from KVM's binary stats. */
#define VT_KVM_COUNTERS(X) \
    X(exits) X(io_exits) X(mmio_exits) X(irq_exits) X(halt_exits) X(signal_exits) \
    X(irq_window_exits) X(nmi_window_exits) X(request_irq_exits) X(insn_emulation) \
    X(insn_emulation_fail) X(hypercalls) X(directed_yield_attempted) \
    X(directed_yield_successful) X(halt_attempted_poll) X(halt_successful_poll) \
    X(halt_poll_invalid) X(halt_wakeup) X(halt_poll_success_ns) X(halt_poll_fail_ns) \
    X(halt_wait_ns)

typedef enum {
#define VT_KVM_ENUM(n) VT_KVM_##n,
    VT_KVM_COUNTERS(VT_KVM_ENUM)
#undef VT_KVM_ENUM
    VT_KVM_N
} vt_kvm_counter;

typedef struct vt_vcpu_counters {
    bool present;                      /* vcpu.N.* seen */
    unsigned long long time_ns;        /* vcpu.N.time: CPU time of the thread */
    bool has_wait, has_delay;
    unsigned long long wait_ns;        /* vcpu.N.wait: waiting on I/O */
    unsigned long long delay_ns;       /* vcpu.N.delay: runnable, not running */
    bool kvm_present;                  /* any vcpu.N.<kvm>.sum */
    unsigned long long kvm[VT_KVM_N];
} vt_vcpu_counters;

typedef struct vt_dom_counters {
    bool present;                      /* a stats record was applied */
    long long at_ns;                   /* CLOCK_MONOTONIC when the call returned */
    int id;                            /* libvirt's domain ID: new at each start */
    bool cpu_present;
    unsigned long long cpu_time_ns, cpu_user_ns, cpu_system_ns;
    vt_vcpu_counters *vcpus;           /* owned, index = vCPU number */
    size_t nvcpus;
    bool block_present;                /* block.count seen */
    unsigned long long rd_bytes, wr_bytes, rd_reqs, wr_reqs;   /* summed over disks */
    bool net_present;                  /* net.count seen */
    unsigned long long rx_bytes, tx_bytes, rx_pkts, tx_pkts;   /* summed over NICs */
} vt_dom_counters;

#endif
