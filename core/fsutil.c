#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(const char *src, const char *dst, mode_t mode, vt_err *err)
{
    int in = -1, out = -1, ret = -1;
    char buf[8192];
    ssize_t r;

    if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
        vt_err_set(err, "cannot read %s: %s", src, strerror(errno));
        goto cleanup;
    }
    if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777)) < 0) {
        vt_err_set(err, "cannot create %s: %s", dst, strerror(errno));
        goto cleanup;
    }
    while ((r = read(in, buf, sizeof(buf))) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            vt_err_set(err, "cannot read %s: %s", src, strerror(errno));
            goto cleanup;
        }
        if (write(out, buf, (size_t)r) != r) {
            vt_err_set(err, "cannot write %s: %s", dst, strerror(errno));
            goto cleanup;
        }
    }
    /* The copy is ours to write (the demo's knobs are edited in place),
     * even when the source is read-only, as in an installed or distcheck
     * tree. */
    fchmod(out, (mode & 0777) | 0200);
    ret = 0;

cleanup:
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) < 0 && ret == 0) {
        vt_err_set(err, "cannot write %s: %s", dst, strerror(errno));
        ret = -1;
    }
    return ret;
}

int vt_copy_tree(const char *src, const char *dst, vt_err *err)
{
    DIR *d;
    struct dirent *de;
    struct stat st;
    int ret = 0;

    if (lstat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
        vt_err_set(err, "cannot read directory %s: %s", src,
                   errno ? strerror(errno) : "not a directory");
        return -1;
    }
    if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
        vt_err_set(err, "cannot create %s: %s", dst, strerror(errno));
        return -1;
    }
    if (!(d = opendir(src))) {
        vt_err_set(err, "cannot read directory %s: %s", src, strerror(errno));
        return -1;
    }
    while (ret == 0 && (de = readdir(d))) {
        VT_AUTOFREE char *s = NULL;
        VT_AUTOFREE char *t = NULL;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        s = vt_asprintf("%s/%s", src, de->d_name);
        t = vt_asprintf("%s/%s", dst, de->d_name);
        if (lstat(s, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            ret = vt_copy_tree(s, t, err);
        else if (S_ISREG(st.st_mode))
            ret = copy_file(s, t, st.st_mode, err);
    }
    closedir(d);
    return ret;
}

int vt_remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    if ((d = opendir(path))) {
        while ((de = readdir(d))) {
            VT_AUTOFREE char *p = NULL;
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            p = vt_asprintf("%s/%s", path, de->d_name);
            vt_remove_tree(p);
        }
        closedir(d);
    }
    return rmdir(path);
}
