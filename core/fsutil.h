/* Writing files safely: the atomic replace (temporary file, fsync,
 * rename; owner, mode and SELinux context kept; an optional .bak) and its
 * restore, used by the apply engine's boot-time files (hostedit.c), the
 * recovery file, the remote-access set-up (remote.c) and the console's
 * saved plans; the refusal of symbolic links; making a file's missing parent
 * directories. Also the directory trees of the demo: its private copy of
 * the sysfs and procfs fixtures, and removing it. Reading a file is
 * vt_read_file in util.h. */
#ifndef VT_FSUTIL_H
#define VT_FSUTIL_H

#include <sys/types.h>

#include "util.h"

/* Copy regular files and directories below src into dst (created, mode
 * kept plus owner write); symlinks and special files are skipped. */
int vt_copy_tree(const char *src, const char *dst, vt_err *err);

/* Remove a tree this process made; never follows symlinks. */
int vt_remove_tree(const char *path);

/* Make the missing directories above path (not path itself). */
void vt_mkdirs_for(const char *path, mode_t mode);

/* Replace path with content atomically: a temporary file beside it,
 * fsync, rename, fsync of the directory; missing directories are made.
 * An existing file's owner, mode and SELinux context are kept; a new file
 * gets `mode`. With backup_suffix the old content is first copied to
 * path + suffix (same owner and mode). A symbolic link as path or as
 * the backup, or a path that is not a regular file, is refused. */
int vt_file_replace(const char *path, const char *content, mode_t mode, const char *backup_suffix,
                    vt_err *err);
/* -1 with err naming path and where it points when path is a symbolic
 * link; 0 otherwise (also when it does not exist). vt_file_replace refuses
 * a link as the file and as its backup. */
int vt_refuse_symlink(const char *path, vt_err *err);

/* Put content back into path: when path + backup_suffix holds exactly
 * that, by renaming it over path (no free space needed, so this works on a
 * full disk); else by vt_file_replace. */
int vt_file_restore(const char *path, const char *backup_suffix, const char *content, vt_err *err);

/* Remove path in one step: with backup_suffix it is renamed to path +
 * suffix (so vt_file_restore can put it back), else unlinked; then the
 * directory is fsynced. A missing path is fine; a symbolic link as path or
 * as the backup, or a path that is not a regular file, is refused. */
int vt_file_remove(const char *path, const char *backup_suffix, vt_err *err);

/* vt_file_replace with mode 0644 and no backup. */
int vt_write_file_atomic(const char *path, const char *content, vt_err *err);

#endif
