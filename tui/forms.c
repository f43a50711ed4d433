/* Staging an edit: the pick-list of edits that fit a panel (or the host),
 * filled in with the current values; the plan line, checked by the plan
 * parser as it is typed; and the confirm step that shows it expanded. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpuset.h"
#include "core/whatif.h"
#include "core/xmledit.h"
#include "tui/ui.h"
#include "widgets/input.h"
#include "widgets/text.h"

#define MAX_FORMS 48

static struct {
    char forms[MAX_FORMS][256]; /* plan-line tails, prefilled with current values */
    size_t nforms, sel;
    char vm[256];               /* the VM the edit is for (its name); "" = the host */
    vt_input in;                /* the plan line */
    vt_changeset pending;       /* the checked edit awaiting the confirm step */
} fs;

static const vt_modal_ops forms_ops, edit_ops;

static void add_form(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void add_form(const char *fmt, ...)
{
    va_list ap;

    if (fs.nforms >= MAX_FORMS)
        return;
    va_start(ap, fmt);
    vsnprintf(fs.forms[fs.nforms], sizeof(fs.forms[0]), fmt, ap);
    va_end(ap);
    fs.nforms++;
}

static void size_text(unsigned long long kib, char *buf, size_t n)
{
    if (kib && kib % 1048576 == 0)
        snprintf(buf, n, "%lluG", kib / 1048576);
    else if (kib && kib % 1024 == 0)
        snprintf(buf, n, "%lluM", kib / 1024);
    else
        snprintf(buf, n, "%lluK", kib);
}

static void forms_disks(const vt_domdef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        if (def->disks[i].target && def->disks[i].bus && strcmp(def->disks[i].bus, "virtio") == 0)
            add_form("disk %s iothread %u", def->disks[i].target,
                     def->disks[i].iothread ? def->disks[i].iothread :
                     def->niothreads ? def->iothreads[0].id : 1);
}

/* cache and io of each disk as they are now (a cdrom's or floppy's
 * cache is not what the guides tune) */
static void forms_disk_cache(const vt_domdef *def)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        bool disk = !k->device || strcmp(k->device, "disk") == 0 || strcmp(k->device, "lun") == 0;
        if (!k->target || !disk)
            continue;
        add_form("disk %s cache %s%s%s", k->target, k->cache ? k->cache : "default",
                 k->io ? " io " : "", k->io ? k->io : "");
    }
}

/* queues and the driver of each virtio NIC, the current values first;
 * the edits are for virtio NICs only (the XML edit refuses the others).
 * Coalescing (of virtio NICs: the advisor's case) for the tap-backed
 * types libvirt takes it on, with the tap's
 * value (else the definition's) and the scope the VM's state allows. */
static void forms_network(const vt_domain *d, const vt_domdef *def, const char *scope)
{
    for (size_t i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, k->mac);
        bool qemu = k->driver_name && strcmp(k->driver_name, "qemu") == 0;
        if (!k->mac || !k->model || strncmp(k->model, "virtio", 6) != 0)
            continue;
        add_form("nic %s queues %u", k->mac, k->queues ? k->queues : 1);
        add_form("nic %s driver %s", k->mac, qemu ? "qemu" : "vhost");
        add_form("nic %s driver %s", k->mac, qemu ? "vhost" : "qemu");
        if (vt_nic_type_coalesce(k->type))
            add_form("nic %s coalesce rx-frames %u %s", k->mac,
                     h && h->has_coalesce ? h->co.rx_frames
                     : k->coalesce_rx_frames > 0 ? (unsigned)k->coalesce_rx_frames : 64,
                     h && h->has_coalesce ? scope : "config");
    }
}

static void forms_iothreads(const vt_domdef *def, const char *any, const char *scope)
{
    size_t i, k;

    add_form("iothreads %zu", def->niothreads);
    for (i = 0; i < def->niothreads; i++)
        add_form("iothread %u pin %s %s", def->iothreads[i].id,
                 def->iothreads[i].pin ? def->iothreads[i].pin : any, scope);
    for (i = 0; i < def->vcpus && i < 16; i++) {
        const char *pin = any;
        for (k = 0; k < def->nvcpupins; k++)
            if (def->vcpupins[k].id == i && def->vcpupins[k].cpuset)
                pin = def->vcpupins[k].cpuset;
        add_form("vcpu %zu pin %s %s", i, pin, scope);
    }
    add_form("emulator pin %s %s", def->emulatorpin ? def->emulatorpin : any, scope);
    forms_disks(def);
}

static void forms_memory(const vt_domain *d, const vt_domdef *def, const char *scope)
{
    char sz[32];

    if (def->hugepages && def->nhugepage_sizes && def->hugepage_sizes[0].size_kib) {
        size_text(def->hugepage_sizes[0].size_kib, sz, sizeof(sz));
        add_form("hugepages %s%s%s", sz, def->hugepage_sizes[0].nodeset ? " nodeset " : "",
                 def->hugepage_sizes[0].nodeset ? def->hugepage_sizes[0].nodeset : "");
    } else {
        add_form("hugepages 2M");
    }
    add_form("hugepages off");
    if (def->numatune && def->numatune->nodeset) {
        add_form("numatune %s %s %s", def->numatune->mode ? def->numatune->mode : "strict",
                 def->numatune->nodeset, scope);
    } else {
        /* the node that holds most of the memory now: binding there
           moves the least */
        int k, best = 0;
        for (k = 1; d->spread_present && k < d->spread_nnodes; k++)
            if (d->spread_kib[k] > d->spread_kib[best])
                best = k;
        add_form("numatune strict %d %s", best, scope);
    }
}

static void forms_security(const vt_domdef *def)
{
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(def);
    const char *relabel = sl && sl->relabel ? sl->relabel : "yes";
    bool is_static = sl && strcmp(sl->type, "static") == 0;
    const char *label = is_static && sl->label ? sl->label : "system_u:system_r:svirt_t:s0:c100,c200";

    if (is_static)   /* the current form first */
        add_form("seclabel static %s relabel %s", label, relabel);
    add_form("seclabel dynamic relabel %s", sl && strcmp(sl->type, "dynamic") == 0 ? relabel : "yes");
    if (!is_static)
        add_form("seclabel static %s relabel yes", label);
    add_form("seclabel none");
    /* no label of the main model: where libvirt has no SELinux driver this,
       not a selinux label, is what confines the VM (the host's default) */
    add_form("seclabel default");
    if (sl && strcmp(sl->type, "none") == 0)
        fs.sel = 2;
}

/* The edits that fit the panel shown, prefilled with the values of the
 * persistent definition (what an edit changes); the scope is `both` for a
 * running VM and `config` for one that is not, which has nothing live. */
static void build_vm_forms(vt_app *a, const vt_domain *d, const char *panel)
{
    const vt_domdef *def = d->config ? d->config : d->live;
    const char *scope = vt_domain_active(d) ? "both" : "config";
    VT_AUTOFREE char *dflt = vt_domain_default_affinity(a->c, def);
    const char *any = dflt ? dflt : "0";

    if (strcmp(panel, "iothreads") == 0)
        forms_iothreads(def, any, scope);
    else if (strcmp(panel, "disks") == 0) {
        forms_disks(def);
        forms_disk_cache(def);
    } else if (strcmp(panel, "network") == 0) {
        forms_network(d, def, scope);
    } else if (strcmp(panel, "memory") == 0)
        forms_memory(d, def, scope);
    else if (strcmp(panel, "security") == 0)
        forms_security(def);
}

/* The host's knobs, filled in with what the kernel has now. */
static void build_host_forms(vt_app *a)
{
    const vt_host *h = &a->c->host;
    const vt_u64_fact *f[] = { &h->halt_poll_ns, &h->halt_poll_ns_grow, &h->halt_poll_ns_grow_start,
                               &h->halt_poll_ns_shrink };
    const char *names[] = { "halt_poll_ns", "halt_poll_ns_grow", "halt_poll_ns_grow_start",
                            "halt_poll_ns_shrink" };
    char sz[32];
    size_t i, k;

    for (i = 0; i < 4; i++)
        if (f[i]->present)
            add_form("%s %llu%s", names[i], f[i]->value, f[i]->writable ? "" : " persist");
    if (h->workqueue_cpus)
        add_form("workqueue_cpus %s", h->workqueue_cpus);
    if (h->thp_enabled)
        add_form("thp enabled %s", h->thp_enabled);
    if (h->thp_defrag)
        add_form("thp defrag %s", h->thp_defrag);
    for (i = 0; i < h->npools; i++) {
        size_text(h->pools[i].size_kib, sz, sizeof(sz));
        add_form("hugepages %s %llu", sz, h->pools[i].nr);
        for (k = 0; k < h->pools[i].nnodes && h->nnodes > 1; k++)
            add_form("hugepages %s %llu node %d", sz, h->pools[i].nodes[k].nr, h->pools[i].nodes[k].node);
    }
    if (!h->vhost_net_loaded && !h->sysfs_why)
        add_form("module vhost_net load persist");
    for (i = 0; i < h->nsriov; i++)
        add_form("sriov %s numvfs %u", h->sriov[i].pf, h->sriov[i].numvfs);
}

void vt_forms_open(vt_app *a, const vt_domain *d, const char *panel)
{
    fs.nforms = 0;
    fs.sel = 0;
    if (d) {
        snprintf(fs.vm, sizeof(fs.vm), "%s", d->name ? d->name : d->uuid);
        build_vm_forms(a, d, panel);
    } else {
        fs.vm[0] = '\0';
        build_host_forms(a);
    }
    if (fs.nforms) {
        vt_modal_open(a, &forms_ops);
    } else if (d && strcmp(panel, "network") == 0) {
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("nothing to stage on the Network panel: the VM has no "
                                                 "virtio NIC"));
    } else {
        char title[64];
        snprintf(title, sizeof(title), "%s", panel);
        title[0] = (char)toupper((unsigned char)title[0]);
        vt_app_status(a, VT_ROLE_STATUS, _("nothing to stage on the %s panel: the IOThreads, Memory, "
                                           "Security, Disks and Network panels have edits"), title);
    }
}

/* ---- the pick-list ---- */

static void forms_draw(vt_app *a)
{
    int w = COLS > 90 ? 86 : COLS - 4;
    int shown = (int)fs.nforms, h, y0, x0, i, first = 0;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *title = fs.vm[0] ? vt_asprintf(_("Stage an edit for VM %s"), fs.vm)
                                       : vt_strdup(_("Stage a host edit (add \"persist\" to keep it at boot)"));
    char hint[160];
    size_t len;

    if (shown > LINES - 8)
        shown = LINES - 8;
    if ((int)fs.sel >= shown)
        first = (int)fs.sel - shown + 1;
    h = shown + 4;
    y0 = (LINES - h) / 2;
    x0 = (COLS - w) / 2;
    vt_modal_box(a, y0, x0, h, w, title);
    for (i = 0; i < shown; i++) {
        size_t k = (size_t)(first + i);
        VT_AUTOFREE char *row = vt_asprintf("%s %s", k == fs.sel ? ">" : " ", fs.forms[k]);
        vt_text_put(stdscr, y0 + 1 + i, x0 + 2, row, w - 4,
                    k == fs.sel ? vt_theme_attr(&a->th, VT_ROLE_SELECTION) : da, 1);
    }
    vt_app_hint(a, hint, sizeof(hint), VT_ACT_OPEN, _("edits the line"), VT_ACT_BACK, _("cancels"), VT_ACT_NONE);
    len = strlen(hint);
    snprintf(hint + len, sizeof(hint) - len, "   ");
    len = strlen(hint);
    snprintf(hint + len, sizeof(hint) - len, _("%zu of %zu"), fs.sel + 1, fs.nforms);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, w - 4, da, 0);
}

static int validate_edit(void *ctx, const char *text, char *msg, size_t msgsz);

static void open_edit(vt_app *a, const char *tail)
{
    vt_input_init(&fs.in, tail, validate_edit, a);
    vt_modal_open(a, &edit_ops);
}

static void forms_key(vt_app *a, int is_key, wint_t ch)
{
    if (vt_modal_is(a, is_key, ch, VT_ACT_UP, true) && fs.sel > 0)
        fs.sel--;
    else if (vt_modal_is(a, is_key, ch, VT_ACT_DOWN, true) && fs.sel + 1 < fs.nforms)
        fs.sel++;
    else if (vt_modal_is(a, is_key, ch, VT_ACT_OPEN, false) || (is_key && ch == KEY_ENTER))
        open_edit(a, fs.forms[fs.sel]);
    else if (vt_modal_is(a, is_key, ch, VT_ACT_BACK, false))
        vt_modal_close(a);
}

static const vt_modal_ops forms_ops = { forms_draw, forms_key };

/* ---- the plan line ---- */

/* "CPUs 2, 3, 8 — 3 CPUs": a set as the admin reads it; of NUMA nodes
 * when nodes. */
static char *expand_set(const char *set, bool nodes)
{
    vt_cpuset s;
    char buf[1024] = "";
    int last, i;
    unsigned n, shown = 0;

    if (!set || vt_cpuset_parse(set, &s, NULL) < 0)
        return vt_asprintf(nodes ? _("NUMA nodes %s") : _("CPUs %s"), set ? set : "?");
    last = vt_cpuset_last(&s);
    n = vt_cpuset_count(&s);
    for (i = 0; i <= last; i++) {
        size_t len = strlen(buf);
        if (!vt_cpuset_has(&s, (unsigned)i))
            continue;
        if (shown == 24) {
            snprintf(buf + len, sizeof(buf) - len, ", …");
            break;
        }
        snprintf(buf + len, sizeof(buf) - len, "%s%d", shown ? ", " : "", i);
        shown++;
    }
    if (nodes)
        return vt_asprintf(P_("NUMA node %s — %u NUMA node", "NUMA nodes %s — %u NUMA nodes", n), buf, n);
    return vt_asprintf(P_("CPU %s — %u CPU", "CPUs %s — %u CPUs", n), buf, n);
}

static int check_on_host(const vt_app *a, const vt_edit *e, char *msg, size_t msgsz)
{
    vt_cpuset s;

    if (e->cpuset && a->c->host.ncpus && vt_cpuset_parse(e->cpuset, &s, NULL) == 0 &&
        vt_cpuset_last(&s) >= (int)a->c->host.ncpus) {
        snprintf(msg, msgsz, _("CPU %d is not on this host (CPUs 0-%u)"), vt_cpuset_last(&s), a->c->host.ncpus - 1);
        return -1;
    }
    if (e->nodeset && a->c->host.nnodes && vt_cpuset_parse(e->nodeset, &s, NULL) == 0) {
        int last = vt_cpuset_last(&s);
        for (size_t k = 0; k < a->c->host.nnodes; k++)
            if (a->c->host.nodes[k].id == last)
                return 0;
        snprintf(msg, msgsz, _("NUMA node %d is not on this host"), last);
        return -1;
    }
    return 0;
}

/* A disk cache or NIC edit tried on the VM's definition as the staged
 * edits of that VM would leave it (the one this replaces left out): an
 * unknown disk or MAC, a NIC that is not virtio, io native with a cache
 * that is not O_DIRECT are said here rather than in the review. */
static int check_on_vm(const vt_app *a, const vt_edit *e, char *msg, size_t msgsz)
{
    const vt_domain *d;
    long replaced;
    char *xml, *next;
    vt_err err = { { 0 } };

    if (e->kind != VT_EDIT_DISK_CACHE && e->kind != VT_EDIT_NIC_QUEUES &&
        e->kind != VT_EDIT_NIC_DRIVER &&
        !(e->kind == VT_EDIT_NIC_COALESCE && (e->scope & VT_SCOPE_CONFIG)))
        return 0;
    d = vt_conn_find_name(a->c, e->vm);
    if (!d || !d->config_xml)
        return 0;   /* the review says what is wrong with the VM */
    replaced = vt_staged_find_knob(a, e);
    xml = vt_strdup(d->config_xml);
    for (size_t i = 0; i < a->staged.n; i++) {
        const vt_edit *s = &a->staged.edits[i];
        if ((long)i == replaced || !s->vm || strcmp(s->vm, e->vm) != 0 ||
            !(s->scope & VT_SCOPE_CONFIG))
            continue;
        if ((next = vt_xml_apply_edit(xml, s, NULL))) {
            free(xml);
            xml = next;
        }
    }
    next = vt_xml_apply_edit(xml, e, &err);
    free(xml);
    if (!next) {
        snprintf(msg, msgsz, "%s", err.msg);
        return -1;
    }
    free(next);
    return 0;
}

/* Validation of the edit line: the real plan parser on "vm NAME " + tail,
 * then the host's CPUs and nodes, so a typo is caught where it is typed. */
static int validate_edit(void *ctx, const char *text, char *msg, size_t msgsz)
{
    vt_app *a = ctx;
    VT_AUTOFREE char *plan = fs.vm[0] ? vt_asprintf("vm %s %s\n", fs.vm, text) : vt_asprintf("host %s\n", text);
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };

    if (vt_plan_parse(plan, &cs, &err) < 0) {
        const char *m = err.msg;
        if (strncmp(m, "line 1: ", 8) == 0)
            m += 8;
        snprintf(msg, msgsz, "%s", m);
        return -1;
    }
    if (cs.n != 1) {
        snprintf(msg, msgsz, "%s", cs.n ? _("one edit at a time") : _("nothing to stage"));
        vt_changeset_clear(&cs);
        return -1;
    }
    if (check_on_host(a, &cs.edits[0], msg, msgsz) < 0 ||
        check_on_vm(a, &cs.edits[0], msg, msgsz) < 0) {
        vt_changeset_clear(&cs);
        return -1;
    }
    vt_changeset_clear(&fs.pending);
    fs.pending = cs;
    return 0;
}

/* Where the CPU set sits in a pin edit's tail: the word after "pin".
 * Byte offsets of it (or of where it goes) into *from, *to; false when the
 * line is not a pin edit. */
static bool pin_field(const char *text, size_t *from, size_t *to)
{
    const char *p = text;

    while (*p) {
        const char *w;
        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ')
            p++;
        if ((p - w == 3 && strncmp(w, "pin", 3) == 0) ||
            (p - w == 14 && strncmp(w, "workqueue_cpus", 14) == 0)) {
            while (*p == ' ')
                p++;
            *from = (size_t)(p - text);
            while (*p && *p != ' ')
                p++;
            *to = (size_t)(p - text);
            return true;
        }
    }
    return false;
}

static void list_text(const char *title, const char *const *list, const char *tail, char *buf,
                      size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "%s", title);

    for (size_t i = 0; list[i] && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, " %s", list[i]);
    if (len < n)
        snprintf(buf + len, n - len, "%s", tail);
}

/* The values a disk cache/io or NIC line takes, from the plan's own
 * lists: two lines shown under the line while it is edited; false for
 * other lines. */
static bool choices_text(const char *text, char (*buf)[256])
{
    char w[2][32] = { "", "" };

    if (sscanf(text, "%31s %*s %31s", w[0], w[1]) < 2)
        return false;
    if (strcmp(w[0], "disk") == 0 && (strcmp(w[1], "cache") == 0 || strcmp(w[1], "io") == 0)) {
        list_text("cache:", vt_disk_cache_modes, "", buf[0], sizeof(buf[0]));
        list_text("io:", vt_disk_io_modes, _(" (native needs cache none or directsync)"), buf[1],
                  sizeof(buf[1]));
        return true;
    }
    if (strcmp(w[0], "nic") == 0 && strcmp(w[1], "coalesce") == 0) {
        snprintf(buf[0], sizeof(buf[0]), "%s", _("rx-frames: 0 to 64 (RHEL: 64 on a VM with a long "
                                                   "transmission path; 0 batches nothing)"));
        snprintf(buf[1], sizeof(buf[1]), "%s", _("scope: live (the tap, now), config (libvirt's "
                                                   "<coalesce>, next start) or both"));
        return true;
    }
    if (strcmp(w[0], "nic") == 0) {
        snprintf(buf[0], sizeof(buf[0]), "%s", _("queues: 1 to 256 (the guides: one per vCPU, at most 16)"));
        snprintf(buf[1], sizeof(buf[1]), "%s", _("driver: vhost (in the host kernel) or qemu (userspace)"));
        return true;
    }
    return false;
}

/* Where a message wider than width breaks: the last space that leaves
 * the first part within width; 0 when it fits (or has no such space). */
static size_t wrap_at(const char *msg, int width)
{
    size_t cut = 0;

    if (vt_text_width(msg) <= width)
        return 0;
    for (size_t i = 1; msg[i]; i++) {
        if (msg[i] != ' ')
            continue;
        VT_AUTOFREE char *head = vt_strndup(msg, i);
        if (vt_text_width(head) > width)
            break;
        cut = i;
    }
    return cut;
}

static void edit_draw(vt_app *a)
{
    char choices[2][256];
    bool with_choices = choices_text(fs.in.buf, choices);
    int w = COLS - 4, h = with_choices ? 7 : 6, y0 = LINES - 3 - h, x0 = 2, pw;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *prefix = fs.vm[0] ? vt_asprintf("vm %s ", fs.vm) : vt_strdup("host ");
    char hint[160];
    size_t from, to;

    vt_modal_box(a, y0, x0, h, w, _("Stage an edit: the plan line"));
    pw = vt_text_width(prefix);
    if (pw > w / 3)
        pw = w / 3;
    vt_text_put(stdscr, y0 + 1, x0 + 2, prefix, pw, da, 0);
    vt_input_draw(&fs.in, stdscr, y0 + 1, x0 + 2 + pw, w - 4 - pw, &a->th);
    for (int i = 0; with_choices && i < 2; i++)
        vt_text_put(stdscr, y0 + 3 + i, x0 + 2, choices[i], w - 4,
                    vt_theme_attr(&a->th, VT_ROLE_DIM), 0);
    if (fs.in.msg[0]) {
        /* the whole width for the parser's message, not just the field's;
           with the choices shown, a long one goes on over their first line */
        size_t cut = with_choices ? wrap_at(fs.in.msg, w - 4) : 0;
        attr_t bad = vt_theme_attr(&a->th, VT_ROLE_VALUE_BAD);
        vt_text_put(stdscr, y0 + 2, x0 + 2, "", w - 4, da, 1);
        if (cut) {
            VT_AUTOFREE char *first = vt_strndup(fs.in.msg, cut);
            vt_text_put(stdscr, y0 + 2, x0 + 2, first, w - 4, bad, 0);
            vt_text_put(stdscr, y0 + 3, x0 + 2, "", w - 4, da, 1);
            vt_text_put(stdscr, y0 + 3, x0 + 2, fs.in.msg + cut + 1, w - 4, bad, 0);
        } else {
            vt_text_put(stdscr, y0 + 2, x0 + 2, fs.in.msg, w - 4, bad, 0);
        }
    }
    if (pin_field(fs.in.buf, &from, &to))
        vt_app_hint(a, hint, sizeof(hint), VT_ACT_OPEN, _("checks and stages"), VT_ACT_PICK_CPUS,
                    _("picks CPUs on the grid"), VT_ACT_BACK, _("cancels"), VT_ACT_NONE);
    else
        vt_app_hint(a, hint, sizeof(hint), VT_ACT_OPEN, _("checks and stages"), VT_ACT_BACK, _("cancels"),
                    VT_ACT_NONE);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, w - 4, da, 0);
}

/* Append "\n" and text to msg, broken at spaces into lines of at most
 * width columns (the dialog shows a line whole or cuts it); text with no
 * space (Chinese) is broken between characters, never inside one. */
static void wrap_into(char *msg, size_t n, size_t *len, const char *text, size_t width)
{
    const char *p = text;
    bool first = true;

    while (*p && *len < n) {
        size_t room = first ? width : width - 2, take = (size_t)vt_fit_bytes(p, (int)room);
        if (p[take]) {
            size_t cut = take;
            while (cut > room / 2 && p[cut] != ' ')
                cut--;
            if (p[cut] == ' ')
                take = cut;
        }
        if (!take)
            break;
        *len += (size_t)snprintf(msg + *len, n - *len, "\n%s%.*s", first ? "" : "  ", (int)take, p);
        p += take;
        while (*p == ' ')
            p++;
        first = false;
    }
}

/* The advisor's word on this edit, as the staged set with it would
 * leave the host: the same what-if as the review, told before staging. */
static void confirm_judge(vt_app *a, const vt_edit *e, long replaces, char *msg, size_t n)
{
    vt_changeset cs = { 0 };
    vt_judgement j = { 0 };
    size_t len = strlen(msg);

    cs.edits = vt_calloc(a->staged.n + 1, sizeof(vt_edit));
    for (size_t i = 0; i < a->staged.n; i++)
        if ((long)i != replaces)
            cs.edits[cs.n++] = a->staged.edits[i];      /* shallow: not freed here */
    cs.edits[cs.n++] = *e;
    vt_whatif_judge(a->c, &cs, &j);
    if (!j.judged && len < n)
        len += (size_t)snprintf(msg + len, n - len, _("\nadvisor: %s"), j.why ? j.why : _("not judged"));
    for (size_t i = 0; i < j.nverdicts && len < n; i++) {
        const vt_verdict *v = &j.verdicts[i];
        if (v->edit != cs.n - 1)
            continue;
        VT_AUTOFREE char *t = vt_asprintf("%s: %s", vt_verdict_word(v->kind), v->text);
        wrap_into(msg, n, &len, t, COLS > 24 ? (size_t)COLS - 8 : 16);
    }
    vt_judgement_clear(&j);
    free(cs.edits);
}

static void confirm_answer(vt_app *a, int button)
{
    if (button != 0) {
        vt_modal_open(a, &edit_ops);   /* back to the line, as typed */
        return;
    }
    if (fs.pending.n == 1) {
        VT_AUTOFREE char *t = vt_edit_format(&fs.pending.edits[0]);
        bool replaced = vt_staged_find_knob(a, &fs.pending.edits[0]) >= 0;
        vt_staged_add(a, &fs.pending.edits[0]);
        vt_app_status(a, VT_ROLE_STATUS, replaced ? _("replaced: %s") : _("staged: %s"), t);
    }
    vt_changeset_clear(&fs.pending);
}

/* The confirm step: the edit as a plan line, its sets expanded, and what
 * it replaces. */
static void open_confirm(vt_app *a)
{
    static const char *const buttons[] = { N_("Stage"), N_("Cancel") };
    const vt_edit *e = &fs.pending.edits[0];
    VT_AUTOFREE char *line_text = vt_edit_format(e);
    VT_AUTOFREE char *cpus = e->cpuset ? expand_set(e->cpuset, false) : NULL;
    VT_AUTOFREE char *nodes = e->nodeset ? expand_set(e->nodeset, true) : NULL;
    long at = vt_staged_find_knob(a, e);
    VT_AUTOFREE char *old = at >= 0 ? vt_edit_format(&a->staged.edits[at]) : NULL;
    char msg[2048];
    size_t len;

    snprintf(msg, sizeof(msg), "%s%s%s%s%s", line_text, cpus ? "\n" : "", cpus ? cpus : "",
             nodes ? "\n" : "", nodes ? nodes : "");
    len = strlen(msg);
    if (old)
        snprintf(msg + len, sizeof(msg) - len, _("\nreplaces the staged: %s"), old);
    confirm_judge(a, e, at, msg, sizeof(msg));
    len = strlen(msg);
    if (e->kind == VT_EDIT_HOST_PARAM && e->knob && strcmp(e->knob, "halt_poll_ns") == 0)
        len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                "%s", _("\n0 turns halt-polling off; large values burn host CPU on idle vCPUs"));
    if (e->kind == VT_EDIT_HOST_THP && e->knob && len < sizeof(msg)) {
        const char *opts = strcmp(e->knob, "defrag") == 0 ? a->c->host.thp_defrag_opts
                                                          : a->c->host.thp_enabled_opts;
        if (opts && *opts)   /* the dialog escapes what it draws */
            len += (size_t)snprintf(msg + len, sizeof(msg) - len, _("\nthe kernel offers: %s"), opts);
    }
    if ((e->kind == VT_EDIT_DISK_CACHE || e->kind == VT_EDIT_NIC_QUEUES ||
         e->kind == VT_EDIT_NIC_DRIVER) && len < sizeof(msg)) {
        const vt_domain *d = vt_conn_find_name(a->c, e->vm);
        VT_AUTOFREE char *note = vt_apply_edit_notice(e, d && vt_domain_active(d));
        if (d && vt_domain_active(d) && !note)
            len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                    "%s", _("\nconfig only: the running VM gets it at its next start"));
        if (note && len < sizeof(msg))
            wrap_into(msg, sizeof(msg), &len, note, COLS > 24 ? (size_t)COLS - 8 : 16);
    }
    if (e->kind == VT_EDIT_NIC_COALESCE && len < sizeof(msg)) {
        const vt_domain *d = vt_conn_find_name(a->c, e->vm);
        const vt_nic_host *h = d ? vt_tap_find(d->nichost, d->nnichost, e->target) : NULL;
        if (d && vt_domain_active(d) && (e->scope & VT_SCOPE_LIVE) && h && h->has_coalesce)
            len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                    _("\nlive: ETHTOOL_SCOALESCE on the tap %s (now rx-frames %u)"),
                                    h->dev, h->co.rx_frames);
        else if (d && vt_domain_active(d) && (e->scope & VT_SCOPE_LIVE))
            len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                    _("\nno live change: %s"), h && h->why ? h->why : _("no host tap known"));
    }
    if (vt_edit_is_host(e) && e->unpersist && len < sizeof(msg))
        snprintf(msg + len, sizeof(msg) - len, "%s", _("\nlasts until reboot; its boot-time entry is taken out"));
    else if (vt_edit_is_host(e) && !e->persist && len < sizeof(msg))
        snprintf(msg + len, sizeof(msg) - len, "%s", _("\nlasts until reboot (add persist to keep it)"));
    vt_dialog_choose(a, _("Stage this edit?"), buttons, 2, 0, confirm_answer, msg);
}

/* Enter in the picker: the set goes into the line in place of the typed
 * one (or where it belongs when none was typed yet). */
static void picked(vt_app *a, const char *set)
{
    size_t from, to;
    char buf[sizeof(fs.in.buf)];

    if (set && pin_field(fs.in.buf, &from, &to)) {
        snprintf(buf, sizeof(buf), "%.*s%s%s%s", (int)from, fs.in.buf,
                 from && fs.in.buf[from - 1] != ' ' ? " " : "", set, fs.in.buf + to);
        vt_input_init(&fs.in, buf, validate_edit, a);
    }
    vt_modal_open(a, &edit_ops);
}

static void open_picker(vt_app *a)
{
    size_t from, to;
    char set[256];

    if (!pin_field(fs.in.buf, &from, &to)) {
        snprintf(fs.in.msg, sizeof(fs.in.msg), "%s",
                 _("the CPU picker is for CPU sets (… pin CPUSET, workqueue_cpus CPUSET)"));
        return;
    }
    if (!a->c->host.nnodes) {
        snprintf(fs.in.msg, sizeof(fs.in.msg), "%s", _("no NUMA topology known: type the CPU set"));
        return;
    }
    snprintf(set, sizeof(set), "%.*s", (int)(to - from), fs.in.buf + from);
    fs.in.msg[0] = '\0';
    vt_picker_open(a, set, fs.vm[0] ? fs.vm : NULL, picked);
}

static void edit_key(vt_app *a, int is_key, wint_t ch)
{
    vt_input_state st;

    if (vt_modal_is(a, is_key, ch, VT_ACT_PICK_CPUS, false)) {
        open_picker(a);
        return;
    }
    st = vt_input_key(&fs.in, is_key, ch);
    if (st == VT_INPUT_CANCELLED) {
        vt_modal_close(a);
        vt_changeset_clear(&fs.pending);
    } else if (st == VT_INPUT_DONE) {
        open_confirm(a);
    }
}

static const vt_modal_ops edit_ops = { edit_draw, edit_key };
