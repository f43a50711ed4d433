/* Host facts read from sysfs (through an injectable root, "/sys" on a real
 * host) and libselinux. No libvirt here: the libvirt side of the host
 * (topology from capabilities) is filled in by conn.c. */
#ifndef VT_HOST_H
#define VT_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* A value that may be missing; `why` says why when !present. */
typedef struct vt_u64_fact {
    bool present;
    unsigned long long value;
    bool writable;          /* the file is writable by this process */
    char *why;              /* owned; NULL when present */
} vt_u64_fact;

typedef struct vt_hp_node {
    int node;
    unsigned long long nr, free, surplus;
} vt_hp_node;

typedef struct vt_hp_pool {
    unsigned long long size_kib;
    unsigned long long nr, free, surplus, resv;   /* host totals */
    vt_hp_node *nodes;                            /* owned, by node id */
    size_t nnodes;
} vt_hp_pool;

typedef struct vt_numa_node {
    int id;
    char *cpus;             /* owned, canonical cpuset */
    unsigned long long memory_kib;   /* 0 = unknown */
    unsigned long long free_kib;     /* MemFree of the node's meminfo */
    bool free_known;                 /* false: no meminfo (a remote host) */
} vt_numa_node;

/* A virtual function of an SR-IOV NIC: its PCI device, the netdev the
 * host sees while no VM holds it, and the VM that has it (conn.c fills
 * that in from the domains and libvirt's hostdev networks). */
typedef struct vt_sriov_vf {
    char *pci;              /* owned: "0000:03:10.0" */
    char *netdev;           /* owned: NULL when the host has no netdev for it */
    char *vm;               /* owned: NULL = free */
    char *via;              /* owned: "interface", "hostdev", "network NAME"; NULL */
} vt_sriov_vf;

/* A physical function: a host NIC with device/sriov_totalvfs. */
typedef struct vt_sriov_pf {
    char *pf;               /* owned: netdev name, "enp3s0f0" */
    char *pci;              /* owned: its PCI address */
    unsigned totalvfs, numvfs;
    char *bridge;           /* owned: the bridge it is a port of, or NULL */
    vt_sriov_vf *vfs;       /* owned, virtfn0 .. virtfnN-1 */
    size_t nvfs;
} vt_sriov_pf;

typedef enum {
    VT_SELINUX_DISABLED,
    VT_SELINUX_PERMISSIVE,
    VT_SELINUX_ENFORCING,
    VT_SELINUX_LAST,
} vt_selinux_mode;

typedef struct vt_host {
    char *hostname;                 /* owned */
    bool kvm_loaded;
    vt_u64_fact halt_poll_ns, halt_poll_ns_grow, halt_poll_ns_grow_start,
                halt_poll_ns_shrink;
    char *workqueue_cpus;           /* owned cpuset; NULL + workqueue_why */
    char *workqueue_mask;           /* owned raw hex mask */
    bool workqueue_writable;
    char *workqueue_requested;      /* owned cpuset or NULL */
    char *workqueue_isolated;       /* owned cpuset or NULL ("" = none) */
    char *workqueue_why;            /* owned */
    char *thp_enabled, *thp_defrag; /* owned: the selected word */
    char *thp_enabled_opts, *thp_defrag_opts;  /* owned: "always madvise never" */
    vt_hp_pool *pools;              /* owned, by size ascending */
    size_t npools;
    vt_numa_node *nodes;            /* owned, by id */
    size_t nnodes;
    char *topology_source;          /* "capabilities" or "sysfs" (static) */
    unsigned ncpus;                 /* host logical CPUs */
    unsigned nodeinfo_nodes, nodeinfo_sockets, nodeinfo_cores,
             nodeinfo_threads;      /* virNodeGetInfo (per node/socket) */
    char *online_cpus;              /* owned cpuset */
    vt_selinux_mode selinux;
    char **secmodels;               /* owned: libvirt's security drivers
                                       (capabilities <secmodel><model>),
                                       e.g. "selinux", "dac", "apparmor" */
    size_t nsecmodels;
    bool secmodels_known;           /* the capabilities were read */
    bool vhost_net_loaded;          /* SYSFS/module/vhost_net or /dev/vhost-net
                                       (vt_host_dev_path) is there */
    char *modprobe;                 /* owned: the program `host module` runs
                                       (VT_MODPROBE, else modprobe in PATH,
                                       /sbin, /usr/sbin); NULL: none */
    vt_sriov_pf *sriov;             /* owned, by PF name */
    size_t nsriov;
    char *sysfs_why;                /* owned: set when sysfs facts are not
                                       from this host (remote connection) */
} vt_host;

/* Read every sysfs fact under `sysfs_root`. Missing optional files are
 * recorded as absent; -1 only when the root itself cannot be read. */
int vt_host_read_sysfs(vt_host *h, const char *sysfs_root, vt_err *err);
void vt_host_clear(vt_host *h);      /* frees members, keeps h */
/* Frees only what vt_host_read_sysfs fills, before the next read. */
void vt_host_clear_sysfs(vt_host *h);

/* Where a /dev node is for this sysfs root: "/dev/NAME" for "/sys", else
 * beside the stand-in tree (ROOT/../dev/NAME). Caller frees. */
char *vt_host_dev_path(const char *sysfs_root, const char *name);
/* The modprobe to run: $VT_MODPROBE (a test hook) when set, else the
 * first executable modprobe in PATH, /sbin or /usr/sbin. Caller frees;
 * NULL when there is none. */
char *vt_host_find_modprobe(void);
/* The PF named dev; NULL when it is not an SR-IOV NIC. */
const vt_sriov_pf *vt_host_sriov_pf(const vt_host *h, const char *dev);
/* VFs of pf that no VM holds: the enabled count less the held ones. */
unsigned vt_sriov_free_vfs(const vt_sriov_pf *pf);
/* "0000:03:10.0" from libvirt's <address domain= bus= slot= function=>
 * attribute values (hex with 0x, or decimal); NULL when one is missing
 * or out of range. Caller frees. */
char *vt_sriov_pci_name(const char *domain, const char *bus, const char *slot,
                        const char *function);

const char *vt_selinux_mode_name(vt_selinux_mode m);
/* Does libvirt on this host have the security driver `model`? true when
 * the capabilities were not read: nothing says it is missing. */
bool vt_host_has_secmodel(const vt_host *h, const char *model);

#endif
