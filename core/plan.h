/* Staged edits as data, and plan files: one change per line.
 *
 *   vm NAME iothreads COUNT
 *   vm NAME iothread ID pin CPUSET [live|config|both]
 *   vm NAME disk TARGET iothread ID
 *   vm NAME disk TARGET cache MODE [io IO]
 *   vm NAME disk TARGET io IO    (MODE: default, none, writethrough, writeback,
 *                                 directsync, unsafe; IO: native, threads, io_uring)
 *   vm NAME controller INDEX iothread ID     (virtio-scsi controller)
 *   vm NAME vcpu N pin CPUSET [live|config|both]
 *   vm NAME emulator pin CPUSET [live|config|both]
 *   vm NAME hugepages SIZE [nodeset NODESET]
 *   vm NAME hugepages off
 *   vm NAME numatune MODE NODESET [live|config|both]
 *   vm NAME seclabel dynamic [relabel yes|no]
 *   vm NAME seclabel static LABEL [relabel yes|no]
 *   vm NAME seclabel none
 *   vm NAME seclabel default     (no label of the main model: the host's
 *                                 default security driver applies)
 *   vm NAME nic MAC queues N     (a virtio NIC's queues, 1 to 256)
 *   vm NAME nic MAC driver vhost|qemu   (in-kernel vhost-net or userspace)
 *   vm NAME nic MAC coalesce rx-frames N [live|config|both]   (packet batching
 *                                 of the host tap, 0 to 64: live by ioctl on the
 *                                 tap, config as libvirt's <coalesce>)
 *   host halt_poll_ns|halt_poll_ns_grow|halt_poll_ns_grow_start|halt_poll_ns_shrink VALUE [persist|unpersist]
 *   host workqueue_cpus CPUSET [persist|unpersist]
 *   host thp enabled|defrag always|madvise|never|defer|defer+madvise [persist|unpersist]
 *   host hugepages SIZE COUNT [node N] [persist|unpersist]
 *   host module vhost_net load [persist|unpersist]   (modprobe; persist: modules-load.d)
 *   host sriov PF numvfs N [persist|unpersist]       (PF: a host NIC with SR-IOV)
 *
 * `persist` also keeps the value in virt-tune's boot-time file;
 * `unpersist` takes the knob's entry out of it (the kernel default at the
 * next boot), which is how the revert of a persist that added the entry
 * puts the file back. '#' starts a comment; `both` is the default scope; SIZE is 2M, 1G,
 * 2048K and the like. Parsing is pure and checks syntax, numbers, sizes,
 * modes and CPU sets (as libvirt reads them); whether the VM exists is the
 * apply engine's check. A MAC is checked as six hex pairs and kept in
 * lower case. io native needs cache none or directsync (QEMU's native AIO
 * opens the image with O_DIRECT): refused here when one line names both,
 * else by the XML edit, against the cache the disk would have. Disk cache
 * and NIC queues/driver lines are config only (at the VM's next start);
 * NIC coalesce takes a scope like the pins. The same change
 * set is what the review screen shows, what `--apply` runs and what `w`
 * saves. */
#ifndef VT_PLAN_H
#define VT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef enum {
    VT_SCOPE_LIVE = 1,
    VT_SCOPE_CONFIG = 2,
    VT_SCOPE_BOTH = 3,
} vt_scope;

typedef enum {
    VT_EDIT_IOTHREADS,        /* count */
    VT_EDIT_IOTHREAD_PIN,     /* id, cpuset, scope */
    VT_EDIT_DISK_IOTHREAD,    /* target, id */
    VT_EDIT_CONTROLLER_IOTHREAD, /* target = SCSI controller index, id */
    VT_EDIT_VCPU_PIN,         /* id = vCPU, cpuset, scope */
    VT_EDIT_EMULATOR_PIN,     /* cpuset, scope */
    VT_EDIT_HUGEPAGES,        /* size_kib, nodeset (NULL = all) */
    VT_EDIT_HUGEPAGES_OFF,
    VT_EDIT_NUMATUNE,         /* mode, nodeset, scope */
    VT_EDIT_SECLABEL,         /* sec_type, label, relabel */
    VT_EDIT_DISK_CACHE,       /* target, mode = cache (NULL: kept), io (NULL: kept) */
    VT_EDIT_NIC_QUEUES,       /* target = MAC, id = queues */
    VT_EDIT_NIC_DRIVER,       /* target = MAC, mode = vhost or qemu */
    VT_EDIT_NIC_COALESCE,     /* target = MAC, id = rx-frames, scope */
    VT_EDIT_HOST_PARAM,       /* knob (kvm module parameter), value */
    VT_EDIT_HOST_WORKQUEUE,   /* cpuset */
    VT_EDIT_HOST_THP,         /* knob (enabled, defrag), mode */
    VT_EDIT_HOST_HUGEPAGES,   /* size_kib, value = pages, node (-1 = host-wide) */
    VT_EDIT_HOST_MODULE,      /* knob = module name (vhost_net), mode = "load" */
    VT_EDIT_HOST_SRIOV,       /* target = PF netdev, value = numvfs; knob "sriov" */
    VT_EDIT_LAST,
} vt_edit_kind;

typedef struct vt_edit {
    vt_edit_kind kind;
    char *vm;                  /* owned; NULL for a host edit */
    unsigned id;               /* IOThread id, vCPU number or count */
    char *target;              /* owned: disk target, controller index, NIC MAC */
    char *cpuset;              /* owned, canonical */
    vt_scope scope;
    unsigned long long size_kib;
    char *nodeset;             /* owned, canonical */
    char *mode;                /* owned: numatune or THP mode, disk cache, NIC driver */
    char *io;                  /* owned: disk io mode */
    char *sec_type;            /* owned: dynamic, static, none, default */
    char *label;               /* owned */
    int relabel;               /* -1 unset, 0 no, 1 yes */
    char *knob;                /* owned: host knob name */
    unsigned long long value;  /* host knob value, page count */
    int node;                  /* NUMA node of a page pool, -1 = host-wide */
    bool persist;              /* host: also write the boot-time config */
    bool unpersist;            /* host: also remove the knob's boot-time entry */
    int line;                  /* plan line, 0 when staged in the console */
} vt_edit;

typedef struct vt_changeset {
    vt_edit *edits;            /* owned, in order */
    size_t n;
} vt_changeset;

/* The whole plan or nothing: -1 with "line N: why" leaves out untouched. */
int vt_plan_parse(const char *text, vt_changeset *out, vt_err *err);

/* A plan line for one edit (parses back to the same edit). Caller frees. */
char *vt_edit_format(const vt_edit *e);
/* The whole change set as plan text with a header comment. Caller frees. */
char *vt_plan_format(const vt_changeset *cs);

void vt_changeset_clear(vt_changeset *cs);
void vt_edit_clear(vt_edit *e);

/* KiB as a plan writes it: "1G", "2M", "4K". */
void vt_format_size_kib(unsigned long long kib, char *buf, size_t n);

bool vt_edit_is_host(const vt_edit *e);

/* libvirt's disk cache and io modes (domaincommon.rng), NULL-terminated:
 * what the parser takes and the console offers. */
extern const char *const vt_disk_cache_modes[];
extern const char *const vt_disk_io_modes[];

/* A disk cache mode that opens the image with O_DIRECT (none,
 * directsync): what io native needs. */
bool vt_cache_is_direct(const char *cache);

/* An <interface type=> that takes queues above 1: the tap-based ones,
 * vhost-user and vDPA. libvirt refuses to start a VM with multiqueue on
 * the others (user, mcast, udp, server, ...). */
bool vt_nic_type_multiqueue(const char *type);

/* The most rx-frames a coalesce line takes: a tap batches at most 64
 * (the kernel's NAPI weight; tun clamps larger values to it). */
#define VT_PLAN_RX_FRAMES_MAX 64

/* An <interface type=> libvirt takes <coalesce> on: bridge and network
 * (xmledit.c). */
bool vt_nic_type_coalesce(const char *type);

/* "2M" "1G" "2048K" "2048" (KiB) -> KiB; -1 when not a size. */
int vt_parse_size_kib(const char *s, unsigned long long *kib);

#endif
