/* Parsers for kernel text formats: "[madvise]" selections and numa_maps.
 * Pure functions over strings. */
#ifndef VT_SYSPARSE_H
#define VT_SYSPARSE_H

#include <stddef.h>

#include "util.h"

#define VT_SEL_MAX_OPTS 16
#define VT_NUMA_MAX_NODES 1024

/* A sysfs selection such as THP's "always [madvise] never". */
typedef struct vt_selection {
    char *opts[VT_SEL_MAX_OPTS];   /* owned */
    size_t nopts;
    int selected;                  /* index into opts */
} vt_selection;

/* Exactly one bracketed word required; words are [A-Za-z0-9_+-]; one
 * trailing newline accepted; at most VT_SEL_MAX_OPTS words. */
int vt_selection_parse(const char *str, vt_selection *out, vt_err *err);
void vt_selection_free(vt_selection *sel);   /* accepts NULL */

/* Memory of one process per NUMA node, in KiB. */
typedef struct vt_numa_usage {
    unsigned long long kib[VT_NUMA_MAX_NODES];
    unsigned long long huge_kib[VT_NUMA_MAX_NODES];   /* the part on hugetlbfs pages
                                                        (lines marked "huge") */
    int max_node;                  /* highest node seen, -1 when none */
} vt_numa_usage;

void vt_numa_usage_init(vt_numa_usage *u);

/* Add one /proc/PID/numa_maps line: "ADDR POLICY [key[=val]]..." where
 * "N<node>=<pages>" counts pages of "kernelpagesize_kB=<k>" (4 when the
 * line has none) on that node; a line with the "huge" flag (a hugetlbfs
 * mapping) counts in huge_kib too. A line without N<node> entries adds nothing.
 * Garbage (no hex address, bad numbers, node >= VT_NUMA_MAX_NODES) is -1. */
int vt_numamaps_parse_line(const char *line, vt_numa_usage *acc, vt_err *err);

/* A whole numa_maps file; -1 names the first bad line by number. */
int vt_numamaps_parse(const char *text, vt_numa_usage *acc, vt_err *err);

#endif
