#include "plan.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "facts.h"

#define MAX_WORDS 12

static const char *const numatune_modes[] = { "strict", "preferred", "interleave", "restrictive" };

int vt_parse_size_kib(const char *s, unsigned long long *kib)
{
    char *end;
    unsigned long long v;
    unsigned long long mult = 1;

    if (!s || !isdigit((unsigned char)*s))
        return -1;
    v = strtoull(s, &end, 10);
    if (*end == 'K' || *end == 'k')
        mult = 1, end++;
    else if (*end == 'M' || *end == 'm')
        mult = 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mult = 1024 * 1024, end++;
    if (*end == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B' && mult != 1)
        end++;
    if (*end || v == 0 || v > (1ULL << 40) / mult)
        return -1;
    *kib = v * mult;
    return 0;
}

static int parse_scope(const char *w, vt_scope *out)
{
    if (!w || strcmp(w, "both") == 0)
        *out = VT_SCOPE_BOTH;
    else if (strcmp(w, "live") == 0)
        *out = VT_SCOPE_LIVE;
    else if (strcmp(w, "config") == 0)
        *out = VT_SCOPE_CONFIG;
    else
        return -1;
    return 0;
}

static int parse_uint(const char *w, unsigned max, unsigned *out)
{
    unsigned long long v;

    if (vt_parse_ull(w, &v) < 0 || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static char *canon(const char *w, const char *what, int line, vt_err *err)
{
    vt_cpuset set;
    vt_err e = { { 0 } };

    if (vt_cpuset_parse(w, &set, &e) < 0) {
        vt_err_set(err, _("line %d: invalid %s: %s"), line, what, e.msg);
        return NULL;
    }
    return vt_cpuset_format(&set);
}

/* Split a line into words; '#' starts a comment. */
static int split(char *s, char **w)
{
    int n = 0;
    char *hash = strchr(s, '#');

    if (hash)
        *hash = '\0';
    for (char *tok = strtok(s, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
        if (n == MAX_WORDS)
            return -1;
        w[n++] = tok;
    }
    return n;
}

/* "CPUSET [live|config|both]" at w[i], the tail of every pin line. */
static int parse_pin_tail(char **w, int n, int i, int line, vt_edit *e, vt_err *err)
{
    if (!(e->cpuset = canon(w[i], "CPU set", line, err)))
        return -1;
    if (parse_scope(n == i + 2 ? w[i + 1] : NULL, &e->scope) < 0) {
        vt_err_set(err, _("line %d: scope \"%s\" is not live, config or both"), line, w[i + 1]);
        return -1;
    }
    return 0;
}

#define BAD(...) do { vt_err_set(err, __VA_ARGS__); goto error; } while (0)

static const char *const host_params[] = {
    "halt_poll_ns", "halt_poll_ns_grow", "halt_poll_ns_grow_start", "halt_poll_ns_shrink",
};
static const char *const thp_modes[] = { "always", "madvise", "never", "defer", "defer+madvise" };

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

bool vt_edit_is_host(const vt_edit *e)
{
    return e->kind >= VT_EDIT_HOST_PARAM && e->kind < VT_EDIT_LAST;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* host lines: sysfs knobs and page pools, "persist" or "unpersist" last */
static int parse_host(char **w, int n, int line, vt_edit *e, vt_err *err)
{
    const char *knob;
    unsigned long long v;

    if (n >= 2 && strcmp(w[n - 1], "persist") == 0) {
        e->persist = true;
        n--;
    } else if (n >= 2 && strcmp(w[n - 1], "unpersist") == 0) {
        e->unpersist = true;
        n--;
    }
    if (n < 3) {
        vt_err_set(err, _("line %d: incomplete: host KNOB VALUE [persist]"), line);
        return -1;
    }
    knob = w[1];
    e->node = -1;
    if (in_list(knob, host_params, NELEM(host_params))) {
        e->kind = VT_EDIT_HOST_PARAM;
        if (n != 3 || vt_parse_ull(w[2], &v) < 0 || v > 0xffffffffULL) {
            vt_err_set(err, _("line %d: expected: host %s VALUE [persist] (0 to 4294967295)"), line,
                       knob);
            return -1;
        }
        e->value = v;
    } else if (strcmp(knob, "workqueue_cpus") == 0) {
        e->kind = VT_EDIT_HOST_WORKQUEUE;
        if (n != 3) {
            vt_err_set(err, _("line %d: expected: host workqueue_cpus CPUSET [persist]"), line);
            return -1;
        }
        if (!(e->cpuset = canon(w[2], "CPU set", line, err)))
            return -1;
    } else if (strcmp(knob, "thp") == 0) {
        e->kind = VT_EDIT_HOST_THP;
        if (n != 4 || (strcmp(w[2], "enabled") != 0 && strcmp(w[2], "defrag") != 0) ||
            !in_list(w[3], thp_modes, NELEM(thp_modes))) {
            vt_err_set(err, _("line %d: expected: host thp enabled always|madvise|never, or host thp "
                       "defrag always|defer|defer+madvise|madvise|never [persist]"), line);
            return -1;
        }
        if (strcmp(w[2], "enabled") == 0 && strncmp(w[3], "defer", 5) == 0) {
            vt_err_set(err, _("line %d: thp enabled takes always, madvise or never"), line);
            return -1;
        }
        e->mode = vt_strdup(w[3]);
    } else if (strcmp(knob, "hugepages") == 0) {
        unsigned long long node;
        e->kind = VT_EDIT_HOST_HUGEPAGES;
        if ((n != 4 && n != 6) || vt_parse_size_kib(w[2], &e->size_kib) < 0 ||
            vt_parse_ull(w[3], &e->value) < 0 || e->value > (1ULL << 32) ||
            (n == 6 && (strcmp(w[4], "node") != 0 || vt_parse_ull(w[5], &node) < 0 ||
                        node > 1023))) {
            vt_err_set(err, _("line %d: expected: host hugepages SIZE COUNT [node N] [persist] "
                       "(SIZE like 2M or 1G, COUNT a whole number up to 4294967296)"), line);
            return -1;
        }
        if (n == 6)
            e->node = (int)node;
    } else if (strcmp(knob, "module") == 0) {
        e->kind = VT_EDIT_HOST_MODULE;
        if (n != 4 || strcmp(w[3], "load") != 0) {
            vt_err_set(err, _("line %d: expected: host module vhost_net load [persist]"), line);
            return -1;
        }
        /* modprobe runs as root with the name given: only the ones the
           guides speak of */
        if (strcmp(w[2], "vhost_net") != 0) {
            vt_err_set(err, _("line %d: module \"%s\" is not one virt-tune loads (only vhost_net)"),
                       line, w[2]);
            return -1;
        }
        e->mode = vt_strdup("load");
        e->knob = vt_strdup(w[2]);
        return 0;
    } else if (strcmp(knob, "sriov") == 0) {
        e->kind = VT_EDIT_HOST_SRIOV;
        if (n != 5 || strcmp(w[3], "numvfs") != 0 || vt_parse_ull(w[4], &v) < 0 || v > 65535) {
            vt_err_set(err, _("line %d: expected: host sriov PF numvfs N [persist] (N 0 to 65535)"),
                       line);
            return -1;
        }
        if (!w[2][0] || strlen(w[2]) > 15 || strchr(w[2], '/') || strchr(w[2], '"') ||
            strcmp(w[2], ".") == 0 || strcmp(w[2], "..") == 0) {
            vt_err_set(err, _("line %d: \"%s\" is not a network interface name"), line, w[2]);
            return -1;
        }
        e->target = vt_strdup(w[2]);
        e->value = v;
    } else {
        vt_err_set(err, _("line %d: unknown host knob \"%s\" (halt_poll_ns, halt_poll_ns_grow, "
                   "halt_poll_ns_grow_start, halt_poll_ns_shrink, workqueue_cpus, thp, hugepages, "
                   "module, sriov)"), line, knob);
        return -1;
    }
    e->knob = vt_strdup(e->kind == VT_EDIT_HOST_THP ? w[2] : knob);
    return 0;
}

const char *const vt_disk_cache_modes[] = { "default", "none", "writethrough", "writeback",
                                            "directsync", "unsafe", NULL };
const char *const vt_disk_io_modes[] = { "native", "threads", "io_uring", NULL };

static bool in_nulled(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

bool vt_cache_is_direct(const char *cache)
{
    return cache && (strcmp(cache, "none") == 0 || strcmp(cache, "directsync") == 0);
}

bool vt_nic_type_multiqueue(const char *type)
{
    static const char *const mq[] = { "network", "bridge", "direct", "ethernet", "vhostuser",
                                      "vdpa", NULL };

    return type && in_nulled(type, mq);
}

bool vt_nic_type_coalesce(const char *type)
{
    /* libvirt's QEMU driver takes <coalesce> on these only (9.0 refuses it
       on ethernet, direct, vhost-user, user, ...) */
    return type && (strcmp(type, "bridge") == 0 || strcmp(type, "network") == 0);
}

/* "disk TARGET cache MODE [io IO]" and "disk TARGET io IO" */
static int parse_disk_cache(char **w, int n, int line, vt_edit *e, vt_err *err)
{
    int i = 4;

    e->kind = VT_EDIT_DISK_CACHE;
    e->scope = VT_SCOPE_CONFIG;
    if (strcmp(w[i], "cache") == 0 && n > i + 1) {
        if (!in_nulled(w[i + 1], vt_disk_cache_modes)) {
            vt_err_set(err, _("line %d: cache mode \"%s\" is not default, none, writethrough, "
                       "writeback, directsync or unsafe"), line, w[i + 1]);
            return -1;
        }
        e->mode = vt_strdup(w[i + 1]);
        i += 2;
    }
    if (i < n && strcmp(w[i], "io") == 0 && n > i + 1) {
        if (!in_nulled(w[i + 1], vt_disk_io_modes)) {
            vt_err_set(err, _("line %d: io mode \"%s\" is not native, threads or io_uring"), line,
                       w[i + 1]);
            return -1;
        }
        e->io = vt_strdup(w[i + 1]);
        i += 2;
    }
    if (i != n || (!e->mode && !e->io)) {
        vt_err_set(err, _("line %d: expected: vm NAME disk TARGET cache MODE [io IO] or vm NAME disk "
                   "TARGET io IO"), line);
        return -1;
    }
    if (e->mode && e->io && strcmp(e->io, "native") == 0 && !vt_cache_is_direct(e->mode)) {
        vt_err_set(err, _("line %d: io native needs cache none or directsync: QEMU's native AIO "
                   "opens the image with O_DIRECT, which cache %s does not"), line, e->mode);
        return -1;
    }
    e->target = vt_strdup(w[3]);
    return 0;
}

/* six hex pairs, ':' between them, as libvirt writes a MAC: lower case */
static char *canon_mac(const char *s)
{
    char *m;

    if (strlen(s) != 17)
        return NULL;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
            return NULL;
    m = vt_strdup(s);
    for (char *p = m; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return m;
}

/* "nic MAC queues N", "nic MAC driver vhost|qemu" and
 * "nic MAC coalesce rx-frames N [live|config|both]" */
static int parse_nic(char **w, int n, int line, vt_edit *e, vt_err *err)
{
    bool co = n >= 5 && strcmp(w[4], "coalesce") == 0;

    e->scope = VT_SCOPE_CONFIG;
    if (co ? (n != 7 && n != 8) || strcmp(w[5], "rx-frames") != 0
           : n != 6 || (strcmp(w[4], "queues") != 0 && strcmp(w[4], "driver") != 0)) {
        vt_err_set(err, _("line %d: expected: vm NAME nic MAC queues N, vm NAME nic MAC driver "
                   "vhost|qemu or vm NAME nic MAC coalesce rx-frames N [live|config|both]"), line);
        return -1;
    }
    if (!(e->target = canon_mac(w[3]))) {
        vt_err_set(err, _("line %d: \"%s\" is not a MAC address (six hex pairs, like "
                   "52:54:00:12:34:56)"), line, w[3]);
        return -1;
    }
    if (co) {
        e->kind = VT_EDIT_NIC_COALESCE;
        if (parse_uint(w[6], VT_PLAN_RX_FRAMES_MAX, &e->id) < 0) {
            vt_err_set(err, _("line %d: rx-frames \"%s\" is not a whole number from 0 to %d (a "
                       "tap batches at most %d frames, the kernel's NAPI weight)"), line, w[6],
                       VT_PLAN_RX_FRAMES_MAX, VT_PLAN_RX_FRAMES_MAX);
            return -1;
        }
        if (parse_scope(n == 8 ? w[7] : NULL, &e->scope) < 0) {
            vt_err_set(err, _("line %d: scope \"%s\" is not live, config or both"), line, w[7]);
            return -1;
        }
        return 0;
    }
    if (strcmp(w[4], "queues") == 0) {
        e->kind = VT_EDIT_NIC_QUEUES;
        if (parse_uint(w[5], 256, &e->id) < 0 || e->id == 0) {
            vt_err_set(err, _("line %d: queues \"%s\" is not a whole number from 1 to 256"), line,
                       w[5]);
            return -1;
        }
    } else {
        e->kind = VT_EDIT_NIC_DRIVER;
        if (strcmp(w[5], "vhost") != 0 && strcmp(w[5], "qemu") != 0) {
            vt_err_set(err, _("line %d: NIC driver \"%s\" is not vhost (in-kernel vhost-net) or qemu "
                       "(userspace)"), line, w[5]);
            return -1;
        }
        e->mode = vt_strdup(w[5]);
    }
    return 0;
}

static int parse_line(char **w, int n, int line, vt_edit *e, vt_err *err)
{
    const char *verb;
    int i;

    memset(e, 0, sizeof(*e));
    e->relabel = -1;
    e->line = line;
    e->scope = VT_SCOPE_BOTH;
    if (strcmp(w[0], "host") == 0) {
        if (parse_host(w, n, line, e, err) < 0)
            goto error;
        return 0;
    }
    if (strcmp(w[0], "vm") != 0)
        BAD(_("line %d: unknown target \"%s\" (plan lines start with \"vm\" or \"host\")"), line,
            w[0]);
    if (n < 3)
        BAD(_("line %d: incomplete: vm NAME then what to change"), line);
    e->vm = vt_strdup(w[1]);
    verb = w[2];

    if (strcmp(verb, "iothreads") == 0) {
        e->kind = VT_EDIT_IOTHREADS;
        if (n != 4 || parse_uint(w[3], 1024, &e->id) < 0)
            BAD(_("line %d: expected: vm NAME iothreads COUNT (0 to 1024)"), line);
    } else if (strcmp(verb, "iothread") == 0) {
        e->kind = VT_EDIT_IOTHREAD_PIN;
        if (n < 6 || n > 7 || strcmp(w[4], "pin") != 0 || parse_uint(w[3], 1u << 30, &e->id) < 0 ||
            e->id == 0)
            BAD(_("line %d: expected: vm NAME iothread ID pin CPUSET [live|config|both]"), line);
        if (parse_pin_tail(w, n, 5, line, e, err) < 0)
            goto error;
    } else if (strcmp(verb, "disk") == 0 && n >= 5 &&
               (strcmp(w[4], "cache") == 0 || strcmp(w[4], "io") == 0)) {
        if (parse_disk_cache(w, n, line, e, err) < 0)
            goto error;
    } else if (strcmp(verb, "disk") == 0) {
        e->kind = VT_EDIT_DISK_IOTHREAD;
        if (n != 6 || strcmp(w[4], "iothread") != 0 || parse_uint(w[5], 1u << 30, &e->id) < 0 ||
            e->id == 0)
            BAD(_("line %d: expected: vm NAME disk TARGET iothread ID, vm NAME disk TARGET cache "
                "MODE [io IO] or vm NAME disk TARGET io IO"), line);
        e->target = vt_strdup(w[3]);
    } else if (strcmp(verb, "nic") == 0) {
        if (parse_nic(w, n, line, e, err) < 0)
            goto error;
    } else if (strcmp(verb, "controller") == 0) {
        unsigned idx;
        e->kind = VT_EDIT_CONTROLLER_IOTHREAD;
        if (n != 6 || strcmp(w[4], "iothread") != 0 || parse_uint(w[3], 1u << 30, &idx) < 0 ||
            parse_uint(w[5], 1u << 30, &e->id) < 0 || e->id == 0)
            BAD(_("line %d: expected: vm NAME controller INDEX iothread ID (a virtio-scsi controller's"
                " index)"), line);
        e->target = vt_asprintf("%u", idx);
    } else if (strcmp(verb, "vcpu") == 0) {
        e->kind = VT_EDIT_VCPU_PIN;
        if (n < 6 || n > 7 || strcmp(w[4], "pin") != 0 || parse_uint(w[3], VT_CPUSET_MAX, &e->id) < 0)
            BAD(_("line %d: expected: vm NAME vcpu N pin CPUSET [live|config|both]"), line);
        if (parse_pin_tail(w, n, 5, line, e, err) < 0)
            goto error;
    } else if (strcmp(verb, "emulator") == 0) {
        e->kind = VT_EDIT_EMULATOR_PIN;
        if (n < 5 || n > 6 || strcmp(w[3], "pin") != 0)
            BAD(_("line %d: expected: vm NAME emulator pin CPUSET [live|config|both]"), line);
        if (parse_pin_tail(w, n, 4, line, e, err) < 0)
            goto error;
    } else if (strcmp(verb, "hugepages") == 0) {
        if (n == 4 && strcmp(w[3], "off") == 0) {
            e->kind = VT_EDIT_HUGEPAGES_OFF;
        } else {
            e->kind = VT_EDIT_HUGEPAGES;
            if ((n != 4 && n != 6) || vt_parse_size_kib(w[3], &e->size_kib) < 0 ||
                (n == 6 && strcmp(w[4], "nodeset") != 0))
                BAD(_("line %d: expected: vm NAME hugepages SIZE [nodeset NODESET] (SIZE like 2M or 1G)"
                    " or vm NAME hugepages off"), line);
            if (e->size_kib < 4)
                BAD(_("line %d: huge page size %s is below the 4 KiB base page"), line, w[3]);
            if (n == 6 && !(e->nodeset = canon(w[5], "nodeset", line, err)))
                goto error;
        }
    } else if (strcmp(verb, "numatune") == 0) {
        bool known = false;
        e->kind = VT_EDIT_NUMATUNE;
        if (n < 5 || n > 6)
            BAD(_("line %d: expected: vm NAME numatune MODE NODESET [live|config|both]"), line);
        for (i = 0; i < (int)(sizeof(numatune_modes) / sizeof(numatune_modes[0])); i++)
            known |= strcmp(w[3], numatune_modes[i]) == 0;
        if (!known)
            BAD(_("line %d: numatune mode \"%s\" is not strict, preferred, interleave or restrictive"),
                line, w[3]);
        e->mode = vt_strdup(w[3]);
        if (!(e->nodeset = canon(w[4], "nodeset", line, err)))
            goto error;
        if (parse_scope(n == 6 ? w[5] : NULL, &e->scope) < 0)
            BAD(_("line %d: scope \"%s\" is not live, config or both"), line, w[5]);
    } else if (strcmp(verb, "seclabel") == 0) {
        int rest;
        e->kind = VT_EDIT_SECLABEL;
        e->scope = VT_SCOPE_CONFIG;
        if (n < 4)
            BAD(_("line %d: expected: vm NAME seclabel dynamic|static LABEL|none|default [relabel yes|no]"),
                line);
        e->sec_type = vt_strdup(w[3]);
        if (strcmp(w[3], "none") == 0) {
            if (n != 4)
                BAD(_("line %d: seclabel none takes nothing after it"), line);
            return 0;
        } else if (strcmp(w[3], "default") == 0) {
            if (n != 4)
                BAD(_("line %d: seclabel default takes nothing after it"), line);
            return 0;
        } else if (strcmp(w[3], "static") == 0) {
            if (n < 5 || strcmp(w[4], "relabel") == 0)
                BAD(_("line %d: seclabel static needs a LABEL (e.g. system_u:system_r:svirt_t:s0:c10,c20)"),
                    line);
            if (strchr(w[4], ':') == NULL)
                BAD(_("line %d: \"%s\" is not an SELinux label (user:role:type:level)"), line, w[4]);
            e->label = vt_strdup(w[4]);
            rest = 5;
        } else if (strcmp(w[3], "dynamic") == 0) {
            rest = 4;
        } else {
            BAD(_("line %d: seclabel type \"%s\" is not dynamic, static, none or default"), line, w[3]);
        }
        if (n == rest + 2 && strcmp(w[rest], "relabel") == 0 &&
            (strcmp(w[rest + 1], "yes") == 0 || strcmp(w[rest + 1], "no") == 0))
            e->relabel = strcmp(w[rest + 1], "yes") == 0;
        else if (n != rest)
            BAD(_("line %d: after the seclabel only \"relabel yes\" or \"relabel no\" may follow"), line);
    } else {
        BAD(_("line %d: unknown change \"%s\" (iothreads, iothread, disk, controller, vcpu, emulator, hugepages,"
            " numatune, seclabel, nic)"), line, verb);
    }
    return 0;

error:
    vt_edit_clear(e);
    return -1;
}

int vt_plan_parse(const char *text, vt_changeset *out, vt_err *err)
{
    vt_changeset cs = { 0 };
    const char *p = text ? text : "";
    int line = 0;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char buf[1024], *w[MAX_WORDS];
        int n;
        vt_edit e;

        line++;
        if (len >= sizeof(buf)) {
            vt_err_set(err, _("line %d: too long"), line);
            goto error;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        p = nl ? nl + 1 : p + len;
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\r') {
                vt_err_set(err, _("line %d: control character in the line"), line);
                goto error;
            }
        n = split(buf, w);
        if (n < 0) {
            vt_err_set(err, _("line %d: too many words"), line);
            goto error;
        }
        if (n == 0)
            continue;
        if (parse_line(w, n, line, &e, err) < 0)
            goto error;
        *(vt_edit *)vt_array_push(&cs.edits, &cs.n, sizeof(vt_edit)) = e;
    }
    vt_changeset_clear(out);
    *out = cs;
    return 0;

error:
    vt_changeset_clear(&cs);
    return -1;
}

static const char *scope_name(vt_scope s)
{
    return s == VT_SCOPE_LIVE ? "live" : s == VT_SCOPE_CONFIG ? "config" : "both";
}

void vt_format_size_kib(unsigned long long kib, char *buf, size_t n)
{
    /* a plan line names a page size as the screens show it */
    vt_fact_pagesize(kib, buf, n);
}

static const char *boot_word(const vt_edit *e)
{
    return e->persist ? " persist" : e->unpersist ? " unpersist" : "";
}

char *vt_edit_format(const vt_edit *e)
{
    char sz[32];

    switch (e->kind) {
    case VT_EDIT_IOTHREADS:
        return vt_asprintf("vm %s iothreads %u", e->vm, e->id);
    case VT_EDIT_IOTHREAD_PIN:
        return vt_asprintf("vm %s iothread %u pin %s %s", e->vm, e->id, e->cpuset, scope_name(e->scope));
    case VT_EDIT_DISK_IOTHREAD:
        return vt_asprintf("vm %s disk %s iothread %u", e->vm, e->target, e->id);
    case VT_EDIT_CONTROLLER_IOTHREAD:
        return vt_asprintf("vm %s controller %s iothread %u", e->vm, e->target, e->id);
    case VT_EDIT_VCPU_PIN:
        return vt_asprintf("vm %s vcpu %u pin %s %s", e->vm, e->id, e->cpuset, scope_name(e->scope));
    case VT_EDIT_EMULATOR_PIN:
        return vt_asprintf("vm %s emulator pin %s %s", e->vm, e->cpuset, scope_name(e->scope));
    case VT_EDIT_HUGEPAGES:
        vt_format_size_kib(e->size_kib, sz, sizeof(sz));
        return e->nodeset ? vt_asprintf("vm %s hugepages %s nodeset %s", e->vm, sz, e->nodeset)
                          : vt_asprintf("vm %s hugepages %s", e->vm, sz);
    case VT_EDIT_HUGEPAGES_OFF:
        return vt_asprintf("vm %s hugepages off", e->vm);
    case VT_EDIT_NUMATUNE:
        return vt_asprintf("vm %s numatune %s %s %s", e->vm, e->mode, e->nodeset, scope_name(e->scope));
    case VT_EDIT_SECLABEL:
        return vt_asprintf("vm %s seclabel %s%s%s%s", e->vm, e->sec_type, e->label ? " " : "",
                           e->label ? e->label : "",
                           e->relabel < 0 ? "" : e->relabel ? " relabel yes" : " relabel no");
    case VT_EDIT_DISK_CACHE:
        return vt_asprintf("vm %s disk %s%s%s%s%s", e->vm, e->target, e->mode ? " cache " : "",
                           e->mode ? e->mode : "", e->io ? " io " : "", e->io ? e->io : "");
    case VT_EDIT_NIC_QUEUES:
        return vt_asprintf("vm %s nic %s queues %u", e->vm, e->target, e->id);
    case VT_EDIT_NIC_DRIVER:
        return vt_asprintf("vm %s nic %s driver %s", e->vm, e->target, e->mode);
    case VT_EDIT_NIC_COALESCE:
        return vt_asprintf("vm %s nic %s coalesce rx-frames %u %s", e->vm, e->target, e->id,
                           scope_name(e->scope));
    case VT_EDIT_HOST_PARAM:
        return vt_asprintf("host %s %llu%s", e->knob, e->value, boot_word(e));
    case VT_EDIT_HOST_WORKQUEUE:
        return vt_asprintf("host workqueue_cpus %s%s", e->cpuset, boot_word(e));
    case VT_EDIT_HOST_THP:
        return vt_asprintf("host thp %s %s%s", e->knob, e->mode, boot_word(e));
    case VT_EDIT_HOST_HUGEPAGES: {
        char node[32] = "";
        vt_format_size_kib(e->size_kib, sz, sizeof(sz));
        if (e->node >= 0)
            snprintf(node, sizeof(node), " node %d", e->node);
        return vt_asprintf("host hugepages %s %llu%s%s", sz, e->value, node, boot_word(e));
    }
    case VT_EDIT_HOST_MODULE:
        return vt_asprintf("host module %s load%s", e->knob, boot_word(e));
    case VT_EDIT_HOST_SRIOV:
        return vt_asprintf("host sriov %s numvfs %llu%s", e->target, e->value, boot_word(e));
    case VT_EDIT_LAST:
        break;
    }
    return vt_strdup("");
}

char *vt_plan_format(const vt_changeset *cs)
{
    vt_buf b = { 0 };
    size_t i;

    vt_buf_add(&b, "# virt-tune plan: one change per line; apply with virt-tune --apply FILE\n");
    for (i = 0; i < cs->n; i++) {
        char *l = vt_edit_format(&cs->edits[i]);
        vt_buf_addf(&b, "%s\n", l);
        free(l);
    }
    return vt_buf_steal(&b);
}

void vt_edit_clear(vt_edit *e)
{
    if (!e)
        return;
    free(e->vm);
    free(e->target);
    free(e->cpuset);
    free(e->nodeset);
    free(e->mode);
    free(e->io);
    free(e->sec_type);
    free(e->label);
    free(e->knob);
    memset(e, 0, sizeof(*e));
}

void vt_changeset_clear(vt_changeset *cs)
{
    size_t i;

    if (!cs)
        return;
    for (i = 0; i < cs->n; i++)
        vt_edit_clear(&cs->edits[i]);
    free(cs->edits);
    cs->edits = NULL;
    cs->n = 0;
}
