/* CPU sets: libvirt's cpuset syntax and the kernel's hex masks. Pure. */
#ifndef VT_CPUSET_H
#define VT_CPUSET_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* CPU ids 0 .. VT_CPUSET_MAX-1 (libvirt's own limit is 16384 CPUs). */
#define VT_CPUSET_MAX 16384

typedef struct vt_cpuset {
    uint64_t w[VT_CPUSET_MAX / 64];
} vt_cpuset;

void vt_cpuset_clear(vt_cpuset *s);
void vt_cpuset_set(vt_cpuset *s, unsigned cpu);      /* ignores cpu >= MAX */
void vt_cpuset_unset(vt_cpuset *s, unsigned cpu);
bool vt_cpuset_has(const vt_cpuset *s, unsigned cpu);
unsigned vt_cpuset_count(const vt_cpuset *s);
bool vt_cpuset_is_empty(const vt_cpuset *s);
int vt_cpuset_last(const vt_cpuset *s);             /* -1 when empty */
bool vt_cpuset_equal(const vt_cpuset *a, const vt_cpuset *b);
bool vt_cpuset_intersects(const vt_cpuset *a, const vt_cpuset *b);
void vt_cpuset_or(vt_cpuset *dst, const vt_cpuset *src);
void vt_cpuset_and(vt_cpuset *dst, const vt_cpuset *src);
void vt_cpuset_andnot(vt_cpuset *dst, const vt_cpuset *src);   /* dst less src */
bool vt_cpuset_subset(const vt_cpuset *a, const vt_cpuset *b); /* every id of a is in b */

/* libvirt cpuset syntax, as virBitmapParse reads it: comma-separated items,
 * each "N", "N-M" (N <= M) or "^N" (exclude one CPU). Items apply in order,
 * so "1-5,^3" is 1,2,4,5 while "^3,1-5" is 1-5. No spaces, no empty items,
 * no "^N-M", ids < VT_CPUSET_MAX, and the result must not be empty.
 * Returns 0, or -1 with a message naming the bad part. */
int vt_cpuset_parse(const char *str, vt_cpuset *out, vt_err *err);

/* Canonical libvirt form: ascending ranges, "0-3,5,7-12". "" when empty.
 * Caller frees. */
char *vt_cpuset_format(const vt_cpuset *s);

/* Kernel hex mask as in /sys/devices/virtual/workqueue/cpumask:
 * comma-separated groups of 1-8 hex digits, most significant group first,
 * the last group holds CPUs 0-31 ("ff,ffffffff" = CPUs 0-39). One trailing
 * newline is accepted. No "0x", no empty group, at most VT_CPUSET_MAX/32
 * groups. An all-zero mask parses (to an empty set). */
int vt_hexmask_parse(const char *str, vt_cpuset *out, vt_err *err);

/* Kernel style for a host with ncpus CPUs: ceil(ncpus/32) groups, the first
 * zero-padded to the digits ncpus needs in it, the others to 8 digits
 * ("ff,ffffffff" for 40 CPUs all set; "3" for 2 CPUs). Bits >= ncpus are
 * dropped. Caller frees. */
char *vt_hexmask_format(const vt_cpuset *s, unsigned ncpus);

#endif
