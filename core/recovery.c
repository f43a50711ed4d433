#include "recovery.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

#define HEAD "# virt-tune: staged edits not applied when the console ended\n"

static char *slot_path(const char *dir, const char *key, int slot)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    unsigned long long h = vt_fnv1a(key);   /* a short, stable name */
    char n[16] = "";

    if (slot > 0)
        snprintf(n, sizeof(n), "-%d", slot + 1);
    if (dir && *dir)
        return vt_asprintf("%s/staged-%016llx%s.plan", dir, h, n);
    if (state && *state)
        return vt_asprintf("%s/virt-tune/staged-%016llx%s.plan", state, h, n);
    return vt_asprintf("%s/.local/state/virt-tune/staged-%016llx%s.plan", home && *home ? home : "/root", h, n);
}

char *vt_recovery_path(const char *dir, const char *key)
{
    return slot_path(dir, key, 0);
}

/* The lock beside a recovery file: held (flock) by the console writing
 * it, for as long as that console runs. A lock file removed between our
 * open and our flock (its holder gave it up) is not a lock: try again. */
static int lock_slot(const char *path)
{
    VT_AUTOFREE char *lp = vt_asprintf("%s.lock", path);
    int tries;

    for (tries = 0; tries < 3; tries++) {
        struct stat a, b;
        int fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
            close(fd);
            return -1;
        }
        if (fstat(fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return fd;
        close(fd);
    }
    return -1;
}

char *vt_recovery_claim(const char *dir, const char *key, bool want_left, int *lock_fd, vt_err *err)
{
    char *best = NULL;
    int best_fd = -1, slot;

    *lock_fd = -1;
    for (slot = 0; slot < VT_RECOVERY_SLOTS; slot++) {
        char *p = slot_path(dir, key, slot);
        bool left = access(p, F_OK) == 0;
        int fd;

        if (slot == 0)
            vt_mkdirs_for(p, 0700);
        /* only a file that holds edits is worth a look once we have one */
        if ((!left && best_fd >= 0) || (fd = lock_slot(p)) < 0) {
            free(p);
            continue;
        }
        /* again under the lock: its console may have ended with edits */
        left = access(p, F_OK) == 0;
        if (!left && best_fd >= 0) {
            vt_recovery_release(p, fd);
            free(p);
            continue;
        }
        if (left) {
            if (want_left) {
                /* edits a console that ended left behind: this one */
                vt_recovery_release(best, best_fd);
                free(best);
                *lock_fd = fd;
                return p;
            }
            close(fd);
            free(p);
            continue;
        }
        best = p;
        best_fd = fd;
        if (!want_left)
            break;
    }
    if (best_fd < 0) {
        VT_AUTOFREE char *p = slot_path(dir, key, 0);
        vt_err_set(err, _("no free recovery file beside %s (%d consoles on this host, or the directory is not "
                   "writable)"), p, VT_RECOVERY_SLOTS);
        return NULL;
    }
    *lock_fd = best_fd;
    return best;
}

void vt_recovery_release(const char *path, int lock_fd)
{
    if (lock_fd < 0)
        return;
    /* nothing left in it: the lock goes too (removed while still held) */
    if (path && access(path, F_OK) != 0) {
        VT_AUTOFREE char *lp = vt_asprintf("%s.lock", path);
        unlink(lp);
    }
    close(lock_fd);
}

/* A key is written on a comment line: no line breaks in it. */
static bool key_ok(const char *key)
{
    return key && *key && !strpbrk(key, "\r\n");
}

int vt_recovery_save(const char *path, const char *key, const vt_changeset *cs, const vt_bases *bases,
                     vt_err *err)
{
    VT_AUTOFREE char *plan = NULL, *text = NULL;
    char *head, when[32];
    time_t now = time(NULL);
    struct tm tm;
    size_t i;
    int rc;

    if (!cs->n)
        return vt_recovery_discard(path, err);
    if (!key_ok(key)) {
        vt_err_set(err, _("cannot name the connection in %s"), path);
        return -1;
    }
    localtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    head = vt_asprintf(HEAD "# uri: %s\n# saved: %s\n", key, when);
    for (i = 0; bases && i < bases->n; i++) {
        /* the definition as a fingerprint: one redefined in place while
           the console was gone is a conflict too */
        char fp[VT_BASE_FP_LEN] = "";
        char *more;
        vt_base_fingerprint(bases->xml[i], fp);
        more = vt_asprintf("%s# base: %s %s%s%s\n", head, bases->uuids[i], bases->names[i], fp[0] ? " " : "",
                           fp);
        free(head);
        head = more;
    }
    plan = vt_plan_format(cs);
    text = vt_asprintf("%s%s", head, plan);
    free(head);
    vt_mkdirs_for(path, 0700);
    rc = vt_file_replace(path, text, 0600, NULL, err);
    return rc;
}

/* The value of "# NAME: value" lines; NULL when absent. Caller frees. */
static char *header(const char *text, const char *name)
{
    size_t n = strlen(name);
    const char *p = text;

    while (p && *p == '#') {
        if (strncmp(p, "# ", 2) == 0 && strncmp(p + 2, name, n) == 0 && p[2 + n] == ':' && p[3 + n] == ' ') {
            const char *v = p + 4 + n, *e = strchr(v, '\n');
            return e ? vt_strndup(v, (size_t)(e - v)) : vt_strdup(v);
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

int vt_recovery_load(const char *path, const char *key, vt_changeset *out, vt_bases *bases, char **saved_at,
                     vt_err *err)
{
    vt_err rerr = { { 0 } };
    VT_AUTOFREE char *text = vt_read_file(path, 0, &rerr), *uri = NULL;
    vt_changeset cs = { 0 };
    const char *p;

    if (!text) {
        if (errno != ENOENT) {
            vt_err_set(err, "%s", rerr.msg);
            return -1;
        }
        return 0;
    }
    uri = header(text, "uri");
    if (!uri || strncmp(text, HEAD, strlen(HEAD)) != 0) {
        vt_err_set(err, _("%s: not a virt-tune recovery file; left as it is"), path);
        return -1;
    }
    if (strcmp(uri, key) != 0)
        return 0;
    if (vt_plan_parse(text, &cs, &rerr) < 0) {
        vt_err_set(err, _("%s: %s; left as it is"), path, rerr.msg);
        return -1;
    }
    if (!cs.n)
        return 0;
    for (p = text; p && *p == '#'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        char uuid[64], name[256], fp[64];
        int n = sscanf(p, "# base: %63s %255s %63s", uuid, name, fp);
        /* a file of a version without fingerprints checks the name only */
        if (n >= 2)
            vt_bases_set(bases, uuid, name, n == 3 && vt_base_is_fingerprint(fp) ? fp : "");
    }
    *out = cs;
    if (saved_at)
        *saved_at = header(text, "saved");
    return 1;
}

int vt_recovery_discard(const char *path, vt_err *err)
{
    if (unlink(path) < 0 && errno != ENOENT) {
        vt_err_set(err, _("cannot remove %s: %s"), path, strerror(errno));
        return -1;
    }
    return 0;
}
