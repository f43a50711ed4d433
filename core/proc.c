#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


static char *read_raw(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    vt_buf b = { 0 };
    char chunk[4096];
    ssize_t r;

    *len = 0;
    if (fd < 0)
        return NULL;
    while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        vt_buf_addn(&b, chunk, (size_t)r);
        if (b.len > (1 << 20))
            break;
    }
    close(fd);
    *len = b.len;
    return vt_buf_steal(&b);
}

int vt_cmdline_uuid(const char *argv, size_t len, char out[37])
{
    size_t off = 0;
    bool next_is_uuid = false;

    while (off < len) {
        const char *arg = argv + off;
        size_t n = strnlen(arg, len - off);
        if (next_is_uuid) {
            if (n != 36)
                return -1;
            memcpy(out, arg, 36);
            out[36] = '\0';
            return 0;
        }
        next_is_uuid = n == 5 && memcmp(arg, "-uuid", 5) == 0;
        off += n + 1;
    }
    return -1;
}

int vt_cmdline_sandbox(const char *argv, size_t len)
{
    size_t off = 0;
    bool next = false;
    int on = 0;

    while (off < len) {
        const char *arg = argv + off;
        size_t n = strnlen(arg, len - off);
        if (next) {
            /* the first, implied key is "enable"; a later -sandbox wins */
            const char *v = n >= 7 && memcmp(arg, "enable=", 7) == 0 ? arg + 7 : arg;
            size_t vn = strcspn(v, ",");
            on = (vn == 2 && memcmp(v, "on", 2) == 0) || (vn == 3 && memcmp(v, "yes", 3) == 0) ||
                 (vn == 4 && memcmp(v, "true", 4) == 0);
        }
        next = n == 8 && memcmp(arg, "-sandbox", 8) == 0;
        off += n + 1;
    }
    return on;
}

int vt_proc_sandbox(const char *root, int pid)
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%d/cmdline", root, pid);
    size_t len;
    VT_AUTOFREE char *argv = read_raw(p, &len);

    if (!argv || !len)
        return -1;
    return vt_cmdline_sandbox(argv, len);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const vt_pid_entry *)a)->uuid, ((const vt_pid_entry *)b)->uuid);
}

static int read_cmdline_uuid(const char *root, int pid, char out[37])
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%d/cmdline", root, pid);
    size_t len;
    VT_AUTOFREE char *argv = read_raw(p, &len);

    if (!argv)
        return -1;
    return vt_cmdline_uuid(argv, len, out);
}

int vt_proc_scan(const char *root, vt_pidmap *map, vt_err *err)
{
    DIR *d = opendir(root);
    struct dirent *de;

    vt_pidmap_clear(map);
    if (!d) {
        vt_err_set(err, _("cannot read procfs root %s: %s"), root, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        char uuid[37];
        const char *c;
        int pid;

        for (c = de->d_name; *c && isdigit((unsigned char)*c); c++)
            ;
        if (*c || c == de->d_name)
            continue;
        pid = atoi(de->d_name);
        if (read_cmdline_uuid(root, pid, uuid) < 0)
            continue;
        vt_pid_entry *e = vt_array_push(&map->entries, &map->n, sizeof(*e));
        memcpy(e->uuid, uuid, sizeof(uuid));
        e->pid = pid;
    }
    closedir(d);
    if (map->n)
        vt_qsort(map->entries, map->n, sizeof(*map->entries), cmp_entry);
    return 0;
}

int vt_pidmap_find(const vt_pidmap *map, const char *uuid)
{
    vt_pid_entry key;
    const vt_pid_entry *e;

    if (!map->n || !uuid || strlen(uuid) != 36)
        return -1;
    memcpy(key.uuid, uuid, 37);
    e = vt_bsearch(&key, map->entries, map->n, sizeof(key), cmp_entry);
    return e ? e->pid : -1;
}

void vt_pidmap_clear(vt_pidmap *map)
{
    if (!map)
        return;
    free(map->entries);
    map->entries = NULL;
    map->n = 0;
}

int vt_proc_pid_matches(const char *root, int pid, const char *uuid)
{
    char got[37];

    if (pid <= 0 || !uuid || read_cmdline_uuid(root, pid, got) < 0)
        return 0;
    return strcmp(got, uuid) == 0;
}

int vt_proc_numa_usage(const char *root, int pid, vt_numa_usage *u, vt_err *err)
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%d/numa_maps", root, pid);
    VT_AUTOFREE char *text = NULL;
    vt_err rerr = { { 0 } };

    vt_numa_usage_init(u);
    text = vt_read_file(p, 0, &rerr);
    if (!text) {
        vt_err_set(err, "%s", rerr.msg);
        return -1;
    }
    if (vt_numamaps_parse(text, u, &rerr) < 0) {
        vt_err_set(err, "%s: %s", p, rerr.msg);
        return -1;
    }
    return 0;
}

char *vt_proc_label(const char *root, int pid)
{
    VT_AUTOFREE char *p = vt_asprintf("%s/%d/attr/current", root, pid);
    size_t len;
    char *s = read_raw(p, &len);

    if (!s || len == 0 || strcmp(s, "unconfined") == 0) {
        free(s);
        return NULL;
    }
    /* the kernel ends it with a NUL (and sometimes a newline) */
    s[strnlen(s, len)] = '\0';
    vt_rstrip(s);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}
