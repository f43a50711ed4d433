/* The demo host: libvirt's test driver on data/demo/host.xml and a private,
 * writable copy of data/demo/sysfs and data/demo/proc. No libvirtd, no root.
 * A sandbox: whatever a demo writes (host knobs, config files, the SASL
 * database, its apply log and recovery file) is inside that copy, never in
 * the user's state directory, where --revert-last on a real host reads. */
#ifndef VT_DEMO_H
#define VT_DEMO_H

#include "util.h"

typedef struct vt_demo {
    char *uri;           /* owned: test:///ABS/host.xml */
    char *tmpdir;        /* owned: the private copy, removed by vt_demo_free */
    char *sysfs_root;    /* owned */
    char *procfs_root;   /* owned */
    char *etc_root;      /* owned */
    char *state_dir;     /* owned: the demo's apply log and recovery files */
    char *log_path;      /* owned: state_dir/apply.log */
} vt_demo;

/* Where data/ is: $VIRT_TUNE_DATADIR, the source tree when run from a
 * build tree, else the installed package data directory. */
const char *vt_demo_datadir(void);

vt_demo *vt_demo_setup(const char *datadir, vt_err *err);
void vt_demo_free(vt_demo *d);     /* removes the copy; accepts NULL */

#endif
