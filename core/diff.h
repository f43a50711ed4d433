/* Line diffs of two texts, in GNU `diff -u` form, to show how a domain XML
 * changes before it is defined. Pure. */
#ifndef VT_DIFF_H
#define VT_DIFF_H

#include <stddef.h>

/* Unified diff of two texts, line by line, as `diff -u` prints it:
 * "--- LABEL_A\n+++ LABEL_B\n" then hunks "@@ -l,n +l,n @@" with CONTEXT
 * lines of context. "" (never NULL) when the texts are equal. A last line
 * without a newline is compared as if it had one. Caller frees. */
char *vt_diff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                      unsigned context);

/* Lines added and removed, without building the text. Agrees with the
 * +/- lines of vt_diff_unified() with context 3. */
void vt_diff_count(const char *a, const char *b, size_t *added, size_t *removed);

#endif
