/* Small facts derived from the model, with no system access and no
 * judgement: which NUMA nodes hold a VM's memory (from the spread a refresh
 * read), the MCS categories of an SELinux label, whether a huge page pool
 * can hold a VM. Shared by the advisor, the apply engine's huge page
 * warnings and the screens. The name is older than the advisor: the
 * rules that judge these facts are in advisor.c, not here. */
#ifndef VT_CHECKS_H
#define VT_CHECKS_H

#include <stddef.h>

#include "conn.h"
#include "cpuset.h"

/* Whether memory_kib fits in the free pages of the size_kib pool on the
 * host nodes of nodeset (NULL: all): 1 yes, 0 no, -1 no such pool. *need
 * and *freep are in pages. */
int vt_hugepage_fit(const vt_conn *c, unsigned long long memory_kib, unsigned long long size_kib,
                    const char *nodeset, unsigned long long *need, unsigned long long *freep);

/* The pages of the size_kib pool on the host nodes of nodeset (NULL: all):
 * *nr as nr_hugepages counts them (used or free, surplus included), *freep
 * free, *surplus those of nr the kernel frees again once they are unused.
 * 0, or -1 when the host has no such pool. */
int vt_hugepage_pool(const vt_conn *c, unsigned long long size_kib, const char *nodeset,
                     unsigned long long *nr, unsigned long long *freep,
                     unsigned long long *surplus);

/* Nodes that hold more than 1% of the VM's memory, as a cpuset-style list
 * ("0-1"); "" when the spread is unknown. Caller frees. */
char *vt_spread_nodes(const vt_domain *d);

/* Guest NUMA cells bound each to host nodes of their own (two or more
 * <memnode>s with disjoint nodesets, ora-db01's layout): the guest sees
 * the host's nodes and keeps each cell's memory on its node, so memory on
 * several nodes is its design. *allowed (may be NULL): the nodes its
 * cells, and any cell without a memnode, may use. */
bool vt_numa_cells_per_node(const vt_domdef *def, vt_cpuset *allowed);

/* MCS categories of an SELinux label ("c10,c20"), or NULL. Caller frees. */
char *vt_label_categories(const char *label);
/* The same, as a pointer into label (no allocation), or NULL. */
const char *vt_label_categories_at(const char *label);

#endif
