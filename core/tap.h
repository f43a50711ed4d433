/* The host side of a VM's NICs: the tap (or macvtap) device libvirt made,
 * the bridge or network it hangs on, its MTU (sysfs) and its packet
 * batching as the kernel reports it, read and set with the ETHTOOL_
 * GCOALESCE / SCOALESCE ioctls (no ethtool process). Local connections
 * only: the device is on the host this process runs on. */
#ifndef VT_TAP_H
#define VT_TAP_H

#include <stdbool.h>
#include <stddef.h>

#include "domxml.h"
#include "util.h"

typedef struct vt_coalesce {
    unsigned rx_frames, rx_usecs, tx_frames, tx_usecs;
} vt_coalesce;

typedef struct vt_nic_host {
    char *mac;                 /* owned */
    char *dev;                 /* owned: host device; NULL = none known */
    char *source;              /* owned: bridge, network or macvtap parent */
    unsigned mtu;              /* 0 = unknown */
    bool has_coalesce;         /* co is the kernel's */
    vt_coalesce co;
    char *why;                 /* owned: why there is no coalescing (or NULL) */
} vt_nic_host;

/* 0 with *out; 1 when the device has no coalescing (EOPNOTSUPP); -1 with
 * err (no such device, ...). */
int vt_tap_get_coalesce(const char *dev, vt_coalesce *out, vt_err *err);
/* Read-modify-write of rx-frames: the other fields stay as the kernel has
 * them. *was gets the value before, *now the one the kernel kept. -1 with
 * the reason in words (EINVAL: the device refuses the value). */
int vt_tap_set_rx_frames(const char *dev, unsigned frames, unsigned *was, unsigned *now,
                         vt_err *err);
/* /sys/class/net/DEV/mtu under sysfs_root; 0 when unknown. */
unsigned vt_tap_mtu(const char *sysfs_root, const char *dev);

/* One vt_nic_host per NIC of `live`, in its order. Not running or remote:
 * dev and coalescing are left out, with why saying so. */
void vt_tap_read(const char *sysfs_root, const vt_domdef *live, bool active, bool remote,
                 vt_nic_host **out, size_t *n);
const vt_nic_host *vt_tap_find(const vt_nic_host *h, size_t n, const char *mac);
void vt_nic_hosts_free(vt_nic_host *h, size_t n);   /* accepts NULL */

#endif
