/* Directory trees: the demo's private copy of its sysfs and procfs. */
#ifndef VT_FSUTIL_H
#define VT_FSUTIL_H

#include "util.h"

/* Copy regular files and directories below src into dst (created, mode
 * kept plus owner write); symlinks and special files are skipped. */
int vt_copy_tree(const char *src, const char *dst, vt_err *err);

/* Remove a tree this process made; never follows symlinks. */
int vt_remove_tree(const char *path);

#endif
