/* A domain definition as virt-tune needs it, parsed from libvirt's domain
 * XML with libxml2 (no network, no entity expansion). Pure: XML text in,
 * struct out. The same parser reads the live and the inactive XML. */
#ifndef VT_DOMXML_H
#define VT_DOMXML_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct vt_pin {
    unsigned id;            /* vCPU number or IOThread id */
    char *cpuset;           /* owned, canonical; NULL = not pinned */
} vt_pin;

typedef struct vt_iothread_def {
    unsigned id;
    char *pin;              /* owned, canonical cpuset from <iothreadpin>; NULL = none */
    long long poll_max_ns;  /* from <iothread><poll max=>; -1 = not set */
    char **users;           /* owned: "disk vda", "controller scsi0" */
    size_t nusers;
} vt_iothread_def;

typedef struct vt_hugepage_def {
    unsigned long long size_kib;   /* 0 = default size */
    char *nodeset;                 /* owned; NULL = all nodes */
} vt_hugepage_def;

typedef struct vt_memnode_def {
    unsigned cellid;
    char *mode;                    /* owned */
    char *nodeset;                 /* owned */
} vt_memnode_def;

/* A guest NUMA cell (<cpu><numa><cell>): what a <memnode cellid=> binds. */
typedef struct vt_cell_def {
    unsigned id;
    char *cpus;                    /* owned, canonical; NULL when not given */
    unsigned long long memory_kib;
} vt_cell_def;

typedef struct vt_numatune_def {
    char *mode;                    /* owned: strict, preferred, interleave, restrictive */
    char *nodeset;                 /* owned; NULL when placement='auto' */
    char *placement;               /* owned: static or auto */
    vt_memnode_def *memnodes;      /* owned */
    size_t nmemnodes;
} vt_numatune_def;

typedef struct vt_seclabel_def {
    char *type;                    /* owned: dynamic, static, none */
    char *model;                   /* owned: selinux, dac, apparmor, or NULL */
    char *relabel;                 /* owned: yes/no, NULL = libvirt default */
    char *label;                   /* owned */
    char *imagelabel;              /* owned */
} vt_seclabel_def;

typedef struct vt_disk_def {
    char *type, *device, *bus, *target, *source;   /* owned */
    char *driver_name, *driver_type, *cache, *io;  /* owned */
    char *rawio, *sgio;                            /* owned */
    unsigned iothread;                             /* 0 = none */
    int controller;                                /* <address controller=>; -1 */
} vt_disk_def;

typedef struct vt_controller_def {
    char *type, *model, *alias;    /* owned */
    unsigned index;
    unsigned iothread;             /* 0 = none */
} vt_controller_def;

typedef struct vt_nic_def {
    char *type, *mac, *model, *driver_name, *source, *target;  /* owned */
    unsigned queues;               /* 0 = not set */
    int coalesce_rx_frames;        /* <coalesce><rx><frames max=>; -1 = not set */
} vt_nic_def;

typedef struct vt_domdef {
    char *name, *uuid, *type;      /* owned */
    int id;                        /* -1 inactive */
    unsigned vcpus;                /* current */
    unsigned vcpus_max;
    char *vcpu_cpuset;             /* owned: <vcpu cpuset=>, canonical */
    char *vcpu_placement;          /* owned */
    unsigned long long memory_kib, current_memory_kib;
    vt_pin *vcpupins;              /* owned */
    size_t nvcpupins;
    char *emulatorpin;             /* owned, canonical */
    vt_iothread_def *iothreads;    /* owned, sorted by id */
    size_t niothreads;
    bool hugepages;                /* <memoryBacking><hugepages> present */
    vt_hugepage_def *hugepage_sizes;  /* owned; empty list + hugepages = default size */
    size_t nhugepage_sizes;
    vt_numatune_def *numatune;     /* owned; NULL = none */
    vt_cell_def *cells;            /* owned: the guest NUMA cells, in XML order */
    size_t ncells;
    vt_seclabel_def *seclabels;    /* owned */
    size_t nseclabels;
    vt_disk_def *disks;            /* owned */
    size_t ndisks;
    vt_controller_def *controllers;/* owned */
    size_t ncontrollers;
    vt_nic_def *nics;              /* owned */
    size_t nnics;
    bool agent_channel;            /* org.qemu.guest_agent.0 channel */
    char *agent_state;             /* owned: connected/disconnected (live XML) */
} vt_domdef;

/* Parse domain XML. Refuses DOCTYPEs and entities; never touches the network.
 * Returns NULL with err set on malformed or non-domain XML. */
vt_domdef *vt_domdef_parse(const char *xml, vt_err *err);
void vt_domdef_free(vt_domdef *def);

/* The IOThread with this id, or NULL. def may be NULL. */
const vt_iothread_def *vt_domdef_iothread(const vt_domdef *def, unsigned id);

/* The seclabel that sVirt uses: model selinux, or the first one. NULL if none. */
const vt_seclabel_def *vt_domdef_main_seclabel(const vt_domdef *def);

/* A size with unit as libvirt writes it ("2" "MiB") in KiB; 0 on error. */
unsigned long long vt_size_to_kib(const char *value, const char *unit);

#endif
