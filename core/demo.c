#include "demo.h"

#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

const char *vt_demo_datadir(void)
{
    const char *env = getenv("VIRT_TUNE_DATADIR");

    if (env && *env)
        return env;
    if (access(VT_SRCDATADIR "/demo/host.xml", R_OK) == 0)
        return VT_SRCDATADIR;
    return VT_PKGDATADIR;
}

/* A demo copy whose process is gone (SIGKILL, a crash: nothing could
 * remove it) is removed by the next demo: ours (same owner), named like
 * ours, and its "pid" file names no running process. */
static void remove_stale(const char *tmp)
{
    DIR *dir = opendir(tmp);
    struct dirent *e;

    if (!dir)
        return;
    while ((e = readdir(dir))) {
        VT_AUTOFREE char *path = NULL, *pidf = NULL, *text = NULL;
        struct stat st;
        long pid;
        char *end;

        if (strncmp(e->d_name, "virt-tune-demo.", 15) != 0 || strlen(e->d_name) != 21)
            continue;
        path = vt_asprintf("%s/%s", tmp, e->d_name);
        if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
            continue;
        pidf = vt_asprintf("%s/pid", path);
        text = vt_read_file(pidf, 32, NULL);
        if (!text)
            continue;   /* not ours to judge: no pid file */
        errno = 0;
        pid = strtol(text, &end, 10);
        if (errno || end == text || pid <= 0 || pid > INT_MAX)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* still running (or not ours to signal) */
        vt_remove_tree(path);
    }
    closedir(dir);
}

vt_demo *vt_demo_setup(const char *datadir, vt_err *err)
{
    vt_demo *d = vt_calloc(1, sizeof(*d));
    VT_AUTOFREE char *host = vt_asprintf("%s/demo/host.xml", datadir);
    VT_AUTOFREE char *sys = vt_asprintf("%s/demo/sysfs", datadir);
    VT_AUTOFREE char *proc = vt_asprintf("%s/demo/proc", datadir);
    VT_AUTOFREE char *etc = vt_asprintf("%s/demo/etc", datadir);
    char abs[PATH_MAX];
    const char *tmp = getenv("TMPDIR");

    if (!realpath(host, abs)) {
        vt_err_set(err, _("demo host not found at %s (set VIRT_TUNE_DATADIR)"), host);
        goto error;
    }
    d->uri = vt_asprintf("test://%s", abs);
    remove_stale(tmp && *tmp ? tmp : "/tmp");
    d->tmpdir = vt_asprintf("%s/virt-tune-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(d->tmpdir)) {
        vt_err_set(err, _("cannot create a directory for the demo in %s"), tmp && *tmp ? tmp : "/tmp");
        free(d->tmpdir);
        d->tmpdir = NULL;
        goto error;
    }
    d->sysfs_root = vt_asprintf("%s/sysfs", d->tmpdir);
    d->procfs_root = vt_asprintf("%s/proc", d->tmpdir);
    d->etc_root = vt_asprintf("%s/etc", d->tmpdir);
    d->state_dir = vt_asprintf("%s/state", d->tmpdir);
    d->log_path = vt_asprintf("%s/apply.log", d->state_dir);
    if (mkdir(d->state_dir, 0700) < 0) {
        vt_err_set(err, _("cannot create %s: %s"), d->state_dir, strerror(errno));
        goto error;
    }
    {
        VT_AUTOFREE char *pidf = vt_asprintf("%s/pid", d->tmpdir);
        VT_AUTOFREE char *pid = vt_asprintf("%ld\n", (long)getpid());
        if (vt_write_file_atomic(pidf, pid, err) < 0)
            goto error;
    }
    if (vt_copy_tree(sys, d->sysfs_root, err) < 0 ||
        vt_copy_tree(proc, d->procfs_root, err) < 0 ||
        vt_copy_tree(etc, d->etc_root, err) < 0)
        goto error;
    return d;

error:
    vt_demo_free(d);
    return NULL;
}

void vt_demo_free(vt_demo *d)
{
    if (!d)
        return;
    if (d->tmpdir)
        vt_remove_tree(d->tmpdir);
    free(d->uri);
    free(d->tmpdir);
    free(d->sysfs_root);
    free(d->procfs_root);
    free(d->etc_root);
    free(d->state_dir);
    free(d->log_path);
    free(d);
}
