/* Quick per-VM findings for the VM list's warning marker and the detail
 * panels: the few mistakes an on-call admin must see at a glance. The full
 * advisor (every practice of the guides, with fixes) builds on this. */
#ifndef VT_CHECKS_H
#define VT_CHECKS_H

#include <stddef.h>

#include "conn.h"

typedef struct vt_finding {
    char topic[16];          /* iothread, numa, svirt, hugepages, multiqueue, lun */
    char text[200];
} vt_finding;

/* Fill up to max findings for d; returns how many there are in all. */
size_t vt_check_domain(const vt_conn *c, const vt_domain *d, vt_finding *out, size_t max);

/* Count the findings of every domain into d->nfindings: once per refresh,
 * so the VM list never re-runs the checks while drawing or sorting. */
void vt_check_all(vt_conn *c);

/* Whether memory_kib fits in the free pages of the size_kib pool on the
 * host nodes of nodeset (NULL: all): 1 yes, 0 no, -1 no such pool. *need
 * and *freep are in pages. */
int vt_hugepage_fit(const vt_conn *c, unsigned long long memory_kib, unsigned long long size_kib,
                    const char *nodeset, unsigned long long *need, unsigned long long *freep);

/* Nodes that hold more than 1% of the VM's memory, as a cpuset-style list
 * ("0-1"); "" when the spread is unknown. Caller frees. */
char *vt_spread_nodes(const vt_domain *d);

/* MCS categories of an SELinux label ("c10,c20"), or NULL. Caller frees. */
char *vt_label_categories(const char *label);
/* The same, as a pointer into label (no allocation), or NULL. */
const char *vt_label_categories_at(const char *label);

#endif
