/* Which VM holds which SR-IOV VF: read from the domains' XML and from
 * libvirt's hostdev networks, into the VFs host.c found in sysfs. Pure
 * over XML strings; conn.c fetches them. Prefix vt_sriov_. */
#ifndef VT_SRIOV_H
#define VT_SRIOV_H

#include <stddef.h>

#include "host.h"

/* A libvirt network with <forward mode='hostdev'>: its name and PF. */
typedef struct vt_sriov_net {
    char *name;             /* owned */
    char *pf;               /* owned: <pf dev=> */
} vt_sriov_net;

/* From a network's XML: 0 and *out filled when it is a hostdev network
 * over a PF, -1 otherwise (out untouched). */
int vt_sriov_net_parse(const char *xml, vt_sriov_net *out);
void vt_sriov_net_clear(vt_sriov_net *n);

/* Mark the VFs the domain (named vm, its XML) holds: an <interface
 * type='hostdev'> or a PCI <hostdev> with a VF's address, and one VF of
 * the PF per interface on a hostdev network (libvirt picks it at start
 * and the domain XML does not name it: the first free one is counted). */
void vt_sriov_claim(vt_host *h, const char *vm, const char *xml, const vt_sriov_net *nets,
                    size_t nnets);

#endif
