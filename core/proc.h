/* The QEMU processes of VMs, found in a procfs (injectable root, "/proc" on
 * a real host) by the "-uuid UUID" in their command line, and where their
 * memory lives (numa_maps). Works for any libvirtd instance: system,
 * session, embedded or a private test daemon. */
#ifndef VT_PROC_H
#define VT_PROC_H

#include <stddef.h>

#include "sysparse.h"
#include "util.h"

typedef struct vt_pid_entry {
    char uuid[37];
    int pid;
} vt_pid_entry;

/* uuid -> pid of every process whose argv has "-uuid UUID". Owns entries. */
typedef struct vt_pidmap {
    vt_pid_entry *entries;     /* sorted by uuid */
    size_t n;
} vt_pidmap;

int vt_proc_scan(const char *procfs_root, vt_pidmap *map, vt_err *err);
int vt_pidmap_find(const vt_pidmap *map, const char *uuid);   /* pid or -1 */
void vt_pidmap_clear(vt_pidmap *map);

/* The "-uuid" value in a NUL-separated argv, copied into out[37]; -1 if none. */
int vt_cmdline_uuid(const char *argv, size_t len, char out[37]);

/* QEMU's seccomp sandbox in a NUL-separated argv: 1 when "-sandbox on..."
 * (or "enable=on") is there, 0 when it is absent or off. */
int vt_cmdline_sandbox(const char *argv, size_t len);
/* The same for a running process; -1 when its cmdline cannot be read. */
int vt_proc_sandbox(const char *procfs_root, int pid);

/* Does /proc/PID still belong to the VM with this uuid? */
int vt_proc_pid_matches(const char *procfs_root, int pid, const char *uuid);

/* SELinux context of a process (attr/current), NULL when there is none
 * (no SELinux: the kernel refuses the read). Caller frees. */
char *vt_proc_label(const char *procfs_root, int pid);

/* Per-node memory of a process, from its numa_maps. */
int vt_proc_numa_usage(const char *procfs_root, int pid, vt_numa_usage *u,
                       vt_err *err);

#endif
