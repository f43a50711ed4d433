#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <selinux/selinux.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static int copy_file(const char *src, const char *dst, mode_t mode, vt_err *err)
{
    int in = -1, out = -1, ret = -1;
    char buf[8192];
    ssize_t r;

    if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
        vt_err_set(err, _("cannot read %s: %s"), src, strerror(errno));
        goto cleanup;
    }
    if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777)) < 0) {
        vt_err_set(err, _("cannot create %s: %s"), dst, strerror(errno));
        goto cleanup;
    }
    while ((r = read(in, buf, sizeof(buf))) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            vt_err_set(err, _("cannot read %s: %s"), src, strerror(errno));
            goto cleanup;
        }
        if (write(out, buf, (size_t)r) != r) {
            vt_err_set(err, _("cannot write %s: %s"), dst, strerror(errno));
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
        vt_err_set(err, _("cannot write %s: %s"), dst, strerror(errno));
        ret = -1;
    }
    return ret;
}

/* A link as it is (sysfs trees are made of relative ones): the copy
 * points into itself as the original did. */
static int copy_link(const char *src, const char *dst, vt_err *err)
{
    char to[4096];
    ssize_t n = readlink(src, to, sizeof(to) - 1);

    if (n < 0) {
        vt_err_set(err, _("cannot read link %s: %s"), src, strerror(errno));
        return -1;
    }
    to[n] = '\0';
    if (symlink(to, dst) < 0 && errno != EEXIST) {
        vt_err_set(err, _("cannot create link %s: %s"), dst, strerror(errno));
        return -1;
    }
    return 0;
}

int vt_copy_tree(const char *src, const char *dst, vt_err *err)
{
    DIR *d;
    struct dirent *de;
    struct stat st;
    int ret = 0;

    if (lstat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
        vt_err_set(err, _("cannot read directory %s: %s"), src,
                   errno ? strerror(errno) : "not a directory");
        return -1;
    }
    if (mkdir(dst, 0755) < 0 && errno != EEXIST) {
        vt_err_set(err, _("cannot create %s: %s"), dst, strerror(errno));
        return -1;
    }
    if (!(d = opendir(src))) {
        vt_err_set(err, _("cannot read directory %s: %s"), src, strerror(errno));
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
        else if (S_ISLNK(st.st_mode))
            ret = copy_link(s, t, err);
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

void vt_mkdirs_for(const char *path, mode_t mode)
{
    char *dir = vt_strdup(path), *p;

    for (p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, mode);
        *p = '/';
    }
    free(dir);
}

/* content into a new file beside path; its name in *tmp_out */
static int write_tmp(const char *path, const char *content, const struct stat *like, mode_t mode,
                     char **tmp_out, vt_err *err)
{
    char *tmp = vt_asprintf("%s.tmpXXXXXX", path);
    size_t len = strlen(content), off = 0;
    int fd = mkstemp(tmp);

    if (fd < 0) {
        vt_err_set(err, _("cannot create a file next to %s: %s"), path, strerror(errno));
        free(tmp);
        return -1;
    }
    while (off < len) {
        ssize_t n = write(fd, content + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vt_err_set(err, _("cannot write %s: %s"), tmp, strerror(errno));
            goto fail;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, like ? like->st_mode & 07777 : mode) < 0 ||
        (like && fchown(fd, like->st_uid, like->st_gid) < 0) || fsync(fd) < 0) {
        vt_err_set(err, _("cannot write %s: %s"), tmp, strerror(errno));
        goto fail;
    }
    close(fd);
    *tmp_out = tmp;
    return 0;

fail:
    close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

/* the SELinux context of from onto to, where SELinux labels files */
static void copy_context(const char *from, const char *to)
{
    char *con = NULL;

    if (getfilecon(from, &con) > 0 && con) {
        setfilecon(to, con);
        freecon(con);
    }
}

/* A rename must reach the disk too: fsync the directory it happened in. */
static void sync_dir_of(const char *path)
{
    char *dir = vt_strdup(path), *slash = strrchr(dir, '/');
    int dfd;

    if (slash && slash != dir)
        *slash = '\0';
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
}

int vt_refuse_symlink(const char *path, vt_err *err)
{
    struct stat lst;
    char to[4096];
    ssize_t n;

    if (lstat(path, &lst) < 0 || !S_ISLNK(lst.st_mode))
        return 0;
    n = readlink(path, to, sizeof(to) - 1);
    to[n > 0 ? n : 0] = '\0';
    vt_err_set(err, _("%s is a symbolic link (to %s): not written; virt-tune writes only regular files, "
               "never through a link"), path, to);
    return -1;
}

/* The whole of a regular file, not through a symbolic link. */
static char *read_nofollow(const char *path, vt_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    vt_buf b = { 0 };
    char chunk[4096];
    ssize_t n;

    if (fd < 0) {
        vt_err_set(err, _("cannot read %s: %s"), path, strerror(errno));
        return NULL;
    }
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vt_err_set(err, _("cannot read %s: %s"), path, strerror(errno));
            close(fd);
            free(vt_buf_steal(&b));
            return NULL;
        }
        vt_buf_addn(&b, chunk, (size_t)n);
    }
    close(fd);
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

int vt_file_replace(const char *path, const char *content, mode_t mode, const char *backup_suffix,
                    vt_err *err)
{
    struct stat st;
    bool exists;
    char *tmp = NULL;

    /* A link as the file (or its backup) could lead anywhere, /etc/shadow
       included: nothing is read or written through one. */
    if (vt_refuse_symlink(path, err) < 0)
        return -1;
    if (backup_suffix) {
        VT_AUTOFREE char *bak = vt_asprintf("%s%s", path, backup_suffix);
        if (vt_refuse_symlink(bak, err) < 0)
            return -1;
    }
    vt_mkdirs_for(path, 0755);
    exists = lstat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        vt_err_set(err, _("%s is not a regular file: not written"), path);
        return -1;
    }
    /* The new content first: when it cannot be written (a full disk, a
       read-only filesystem) nothing at all has changed, not even the
       backup. */
    if (write_tmp(path, content, exists ? &st : NULL, mode, &tmp, err) < 0)
        return -1;
    if (exists && backup_suffix) {
        char *old, *bak = vt_asprintf("%s%s", path, backup_suffix), *btmp = NULL;
        int rc = -1;
        if ((old = read_nofollow(path, err))) {
            if (write_tmp(bak, old, &st, mode, &btmp, err) == 0) {
                if (rename(btmp, bak) == 0)
                    rc = 0;
                else
                    vt_err_set(err, _("cannot write the backup %s: %s"), bak, strerror(errno));
            }
        }
        if (rc == 0)
            copy_context(path, bak);
        else if (btmp)
            unlink(btmp);
        free(btmp);
        free(old);
        free(bak);
        if (rc < 0) {
            unlink(tmp);
            free(tmp);
            return -1;
        }
    }
    if (exists)
        copy_context(path, tmp);
    if (rename(tmp, path) < 0) {
        vt_err_set(err, _("cannot replace %s: %s"), path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    sync_dir_of(path);
    return 0;
}

int vt_file_restore(const char *path, const char *backup_suffix, const char *content, vt_err *err)
{
    VT_AUTOFREE char *bak = backup_suffix ? vt_asprintf("%s%s", path, backup_suffix) : NULL;
    struct stat st;

    if (vt_refuse_symlink(path, err) < 0)
        return -1;
    if (bak && lstat(bak, &st) == 0 && S_ISREG(st.st_mode)) {
        vt_err berr = { { 0 } };
        char *old = read_nofollow(bak, &berr);
        bool same = old && strcmp(old, content) == 0;
        free(old);
        /* a rename needs no free space: this works on a full disk */
        if (same && rename(bak, path) == 0) {
            sync_dir_of(path);
            return 0;
        }
    }
    return vt_file_replace(path, content, 0644, NULL, err);
}

int vt_file_remove(const char *path, const char *backup_suffix, vt_err *err)
{
    VT_AUTOFREE char *bak = backup_suffix ? vt_asprintf("%s%s", path, backup_suffix) : NULL;
    struct stat st;

    if (vt_refuse_symlink(path, err) < 0 || (bak && vt_refuse_symlink(bak, err) < 0))
        return -1;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        vt_err_set(err, _("cannot remove %s: %s"), path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        vt_err_set(err, _("%s is not a regular file: not removed"), path);
        return -1;
    }
    /* renamed, not copied: the backup is the very file (owner, mode,
       context), it needs no free space, and the name goes in one step */
    if (bak ? rename(path, bak) < 0 : unlink(path) < 0) {
        vt_err_set(err, _("cannot remove %s: %s"), path, strerror(errno));
        return -1;
    }
    sync_dir_of(path);
    return 0;
}

int vt_write_file_atomic(const char *path, const char *content, vt_err *err)
{
    return vt_file_replace(path, content, 0644, NULL, err);
}
