/* The host: halt-polling, kworker isolation on the CPU grid with every
 * VM's threads, THP, the huge page pools, SELinux, vhost_net and the
 * SR-IOV NICs with their VFs and the VMs holding them, remote
 * access and the connection; the advisor's host findings on top, each
 * reachable from the advice at its section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpuset.h"
#include "core/facts.h"
#include "tui/ui.h"
#include "widgets/text.h"

/* The sections, by the advisor's topics that live in them. */
typedef enum {
    SEC_FINDINGS, SEC_HALTPOLL, SEC_KWORKER, SEC_THP, SEC_POOLS, SEC_SECNET, SEC_REMOTE, SEC_CONN, SEC_LAST,
} section_id;

static const struct {
    const char *topics;         /* space-separated */
} sections[SEC_LAST] = {
    [SEC_HALTPOLL] = { "halt-poll" },
    [SEC_KWORKER] = { "kworker" },
    [SEC_POOLS] = { "hugepages" },
    [SEC_SECNET] = { "svirt vhost sriov" },
    [SEC_REMOTE] = { "sasl" },
};

static struct {
    int scroll;
    int at[SEC_LAST];           /* pad line of each section, as last drawn */
    section_id jump;            /* scroll to it at the next draw; SEC_LAST none */
} hs = { .jump = SEC_LAST };

static void section(vt_pen *p, section_id s, const char *title)
{
    vt_pen_heading(p, title);
    hs.at[s] = p->y - 1;
}

static void fact_field(vt_pen *p, const char *label, const vt_u64_fact *f)
{
    char buf[128];

    if (f->present)
        snprintf(buf, sizeof(buf), "%llu%s", f->value, f->writable ? "" : _("  (read-only)"));
    else
        snprintf(buf, sizeof(buf), "- (%s)", f->why ? f->why : _("unknown"));
    vt_pen_field(p, label, buf, f->present ? VT_ROLE_NORMAL : VT_ROLE_DIM);
}

static void draw_findings(vt_pen *p, vt_app *a)
{
    bool any = false;
    char head[128];

    for (size_t i = 0; i < a->advice.n; i++) {
        const vt_advice *f = &a->advice.items[i];
        if (f->vm)
            continue;
        if (!any) {
            snprintf(head, sizeof(head), _("Host findings (%s: advice, evidence and fixes)"),
                     vt_app_key(a, VT_ACT_ADVICE));
            section(p, SEC_FINDINGS, head);
        }
        any = true;
        vt_pen_line(p, vt_sev_role(f->sev), "%s %-10s %s", vt_sev_marker(f->sev), f->topic, vt_advice_summary(f));
    }
}

/* Each running VM's haltpoll success; where this connection has no
 * haltpoll counters at all, that is said once instead of a row each. */
static void draw_haltpoll_vms(vt_pen *p, vt_app *a)
{
    size_t i, running = 0, counted = 0;

    for (i = 0; i < a->c->ndoms; i++)
        if (vt_domain_active(a->c->doms[i])) {
            running++;
            counted += a->c->doms[i]->haltpoll_present;
        }
    if (!running) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no running VM: no haltpoll success to show"));
        return;
    }
    if (!counted) {
        vt_pen_wrap(p, VT_ROLE_DIM, "", _("per-VM haltpoll success: unknown, this connection has no haltpoll "
                    "counters (KVM VMs have them; TCG VMs and the test driver do not)"));
        return;
    }
    /* TRANSLATORS: haltpoll table headers: at most 24, 14, 14, 8 columns */
    vt_pen_line(p, VT_ROLE_DIM, "%s %s %s %s", vt_pad(_("VM"), -24), vt_pad(_("poll success"), 14),
                vt_pad(_("poll fail"), 14), vt_pad(_("success"), 8));
    for (i = 0; i < a->c->ndoms; i++) {
        const vt_domain *d = a->c->doms[i];
        unsigned long long tot = d->haltpoll_success_ns + d->haltpoll_fail_ns;
        char nm[96];
        if (!vt_domain_active(d))
            continue;
        /* the name may be wide: padded by columns, not bytes */
        if (vt_pen_vis(p, p->y))
            vt_text_put(p->w, p->y, 1, d->name ? d->name : d->uuid, 24, vt_theme_attr(p->th, VT_ROLE_NORMAL), 1);
        if (d->haltpoll_present)
            snprintf(nm, sizeof(nm), "%11llu ms %11llu ms %7.0f%%", d->haltpoll_success_ns / 1000000,
                     d->haltpoll_fail_ns / 1000000, tot ? 100.0 * (double)d->haltpoll_success_ns / (double)tot : 0.0);
        else
            snprintf(nm, sizeof(nm), "%s", _("no haltpoll counters"));
        if (vt_pen_vis(p, p->y))
            vt_text_put(p->w, p->y, 26, nm, p->width - 27,
                        vt_theme_attr(p->th, d->haltpoll_present ? VT_ROLE_NORMAL : VT_ROLE_DIM), 0);
        p->y++;
    }
}

static void draw_haltpoll(vt_pen *p, vt_app *a)
{
    const vt_host *h = &a->c->host;

    section(p, SEC_HALTPOLL, _("Halt-polling (kvm module)"));
    if (h->sysfs_why) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", h->sysfs_why);
    } else {
        fact_field(p, "halt_poll_ns", &h->halt_poll_ns);
        fact_field(p, "halt_poll_ns_grow", &h->halt_poll_ns_grow);
        fact_field(p, "halt_poll_ns_grow_start", &h->halt_poll_ns_grow_start);
        fact_field(p, "halt_poll_ns_shrink", &h->halt_poll_ns_shrink);
    }
    draw_haltpoll_vms(p, a);
}

static void draw_kworker(vt_pen *p, vt_app *a)
{
    const vt_host *h = &a->c->host;
    char buf[256];

    section(p, SEC_KWORKER, _("kworker isolation (workqueue cpumask)"));
    if (h->workqueue_cpus) {
        snprintf(buf, sizeof(buf), _("%s (mask %s)"), h->workqueue_cpus, h->workqueue_mask);
        vt_pen_field(p, "cpumask", buf, VT_ROLE_NORMAL);
    } else {
        vt_pen_field(p, "cpumask", h->workqueue_why ? h->workqueue_why : _("unknown"), VT_ROLE_DIM);
    }
    if (h->workqueue_requested)
        vt_pen_field(p, "cpumask_requested", h->workqueue_requested, VT_ROLE_NORMAL);
    if (h->workqueue_isolated)
        vt_pen_field(p, "cpumask_isolated", *h->workqueue_isolated ? h->workqueue_isolated : _("none"), VT_ROLE_NORMAL);
    vt_grid_draw(p, a, NULL);
}

/* The VMs backed by a pool on a node, as a comma list into buf. */
static void pool_users(vt_app *a, const vt_hp_pool *pl, int node, char *users, size_t n)
{
    users[0] = '\0';
    for (size_t k = 0; k < a->c->ndoms; k++) {
        const vt_domdef *def = a->c->doms[k]->live;
        size_t len = strlen(users);
        if (!def->hugepages)
            continue;
        if ((def->nhugepage_sizes ? def->hugepage_sizes[0].size_kib : 2048) != pl->size_kib)
            continue;
        if (def->numatune && def->numatune->nodeset) {
            vt_cpuset ns;
            if (vt_cpuset_parse(def->numatune->nodeset, &ns, NULL) < 0 || !vt_cpuset_has(&ns, (unsigned)node))
                continue;
        }
        snprintf(users + len, n - len, "%s%s", len ? ", " : "", a->c->doms[k]->name ? a->c->doms[k]->name : "?");
    }
}

static void draw_memory(vt_pen *p, vt_app *a)
{
    const vt_host *h = &a->c->host;

    section(p, SEC_THP, _("Transparent huge pages"));
    vt_pen_field(p, "enabled", h->thp_enabled, VT_ROLE_NORMAL);
    vt_pen_field(p, "defrag", h->thp_defrag, VT_ROLE_NORMAL);
    section(p, SEC_POOLS, _("Static huge page pools"));
    for (size_t i = 0; i < h->npools; i++) {
        const vt_hp_pool *pl = &h->pools[i];
        char sz[16];
        vt_fact_pagesize(pl->size_kib, sz, sizeof(sz));
        vt_pen_line(p, VT_ROLE_NORMAL, _("%s pages: %llu total, %llu free, %llu surplus, %llu reserved"), sz, pl->nr,
                    pl->free, pl->surplus, pl->resv);
        for (size_t j = 0; j < pl->nnodes; j++) {
            char users[256];
            vt_role role = pl->nodes[j].free == 0 && pl->nodes[j].nr ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL;
            pool_users(a, pl, pl->nodes[j].node, users, sizeof(users));
            if (users[0])
                vt_pen_line(p, role, _("  node %d: %llu total, %llu free  used by %s"), pl->nodes[j].node,
                            pl->nodes[j].nr, pl->nodes[j].free, users);
            else
                vt_pen_line(p, role, _("  node %d: %llu total, %llu free"), pl->nodes[j].node, pl->nodes[j].nr,
                            pl->nodes[j].free);
        }
    }
    if (!h->npools)
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no huge page pools"));
}

static void draw_remote(vt_pen *p, vt_app *a)
{
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "auth_tcp", "auth_tls" };
    const vt_remote_access *ra = &a->c->remote_access;
    char buf[1100];

    section(p, SEC_REMOTE, _("libvirt remote access (libvirtd.conf, SASL)"));
    if (a->c->remote) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("remote connection: the host's configuration is not readable from here"));
        return;
    }
    if (ra->libvirtd_why) {
        snprintf(buf, sizeof(buf), "%s: %s", ra->libvirtd_conf_path, ra->libvirtd_why);
        vt_pen_line(p, VT_ROLE_DIM, "%s", buf);
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = vt_conf_get(&ra->libvirtd, keys[i]);
        vt_pen_field(p, keys[i], v ? v : _("(default)"), v ? VT_ROLE_NORMAL : VT_ROLE_DIM);
    }
    if (ra->sasl_why) {
        snprintf(buf, sizeof(buf), "%s: %s", ra->sasl_conf_path, ra->sasl_why);
        vt_pen_line(p, VT_ROLE_DIM, "%s", buf);
    } else {
        vt_pen_field(p, "SASL mech_list", vt_conf_get(&ra->sasl, "mech_list"), VT_ROLE_NORMAL);
        vt_pen_field(p, "SASL sasldb_path", vt_conf_get(&ra->sasl, "sasldb_path"), VT_ROLE_NORMAL);
    }
}

/* Each SR-IOV PF, then its VFs: who holds each (the names come from
 * sysfs and libvirt: the text widget escapes them). */
static void draw_sriov(vt_pen *p, const vt_host *h)
{
    char label[64], buf[256];

    for (size_t i = 0; i < h->nsriov; i++) {
        const vt_sriov_pf *pf = &h->sriov[i];
        unsigned fr = vt_sriov_free_vfs(pf);
        snprintf(label, sizeof(label), "SR-IOV %s", pf->pf);
        if (pf->bridge)
            snprintf(buf, sizeof(buf), _("%s: %u of %u VFs, %u free, port of bridge %s"), pf->pci, pf->numvfs,
                     pf->totalvfs, fr, pf->bridge);
        else
            snprintf(buf, sizeof(buf), _("%s: %u of %u VFs, %u free"), pf->pci, pf->numvfs, pf->totalvfs, fr);
        vt_pen_field(p, label, buf, VT_ROLE_NORMAL);
        for (size_t j = 0; j < pf->nvfs; j++) {
            const vt_sriov_vf *v = &pf->vfs[j];
            snprintf(label, sizeof(label), "  VF %s", v->pci);
            if (v->vm)
                snprintf(buf, sizeof(buf), "%s (%s)", v->vm, v->via ? v->via : "?");
            else if (v->netdev)
                snprintf(buf, sizeof(buf), _("free, netdev %s"), v->netdev);
            else
                snprintf(buf, sizeof(buf), "%s", _("free"));
            vt_pen_field(p, label, buf, v->vm ? VT_ROLE_NORMAL : VT_ROLE_DIM);
        }
    }
}

static void draw_rest(vt_pen *p, vt_app *a)
{
    const vt_host *h = &a->c->host;
    char buf[256];

    section(p, SEC_SECNET, _("Security and network"));
    vt_pen_field(p, "SELinux", h->sysfs_why ? _("unknown (remote)") : vt_selinux_mode_name(h->selinux),
                 h->selinux == VT_SELINUX_ENFORCING ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    vt_pen_field(p, "vhost_net", h->sysfs_why ? _("unknown (remote)") : h->vhost_net_loaded ? _("loaded") : _("not loaded"),
                 h->vhost_net_loaded ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    draw_sriov(p, h);
    {
        const vt_qemu_conf *q = &a->c->qemu_conf;
        if (a->c->remote || !q->path)
            snprintf(buf, sizeof(buf), "%s", _("unknown (remote)"));
        else if (q->seccomp_sandbox < 0)
            snprintf(buf, sizeof(buf), _("unknown (qemu.conf: %s)"), q->why ? q->why : "?");
        else if (q->sandbox_line)
            snprintf(buf, sizeof(buf), q->seccomp_sandbox ? _("on (seccomp_sandbox, qemu.conf line %d)")
                     : _("off (seccomp_sandbox, qemu.conf line %d)"), q->sandbox_line);
        else
            snprintf(buf, sizeof(buf), "%s", _("on (libvirt's default: seccomp_sandbox not set in qemu.conf)"));
        vt_pen_field(p, "QEMU sandbox", buf, q->seccomp_sandbox == 1 ? VT_ROLE_VALUE_OK :
                                             q->seccomp_sandbox == 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM);
    }
    {
        int sec = vt_uri_transport_secure(a->c->uri, a->c->encrypted);
        snprintf(buf, sizeof(buf), "%s, %s", vt_uri_transport(a->c->uri),
                 sec > 0 ? _("encrypted or local") : sec == 0 ? _("not encrypted") : _("encryption unknown"));
        vt_pen_field(p, _("connection transport"), buf, sec == 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL);
    }
    draw_remote(p, a);
    section(p, SEC_CONN, _("libvirt connection"));
    vt_pen_field(p, "URI", a->c->uri, VT_ROLE_NORMAL);
    vt_pen_field(p, _("access"), a->c->readonly ? _("read-only") : _("read-write"), VT_ROLE_NORMAL);
    vt_pen_field(p, _("where"), a->c->remote ? _("remote host") : _("this host"), VT_ROLE_NORMAL);
    snprintf(buf, sizeof(buf), _("%u CPUs, %zu NUMA node(s) (from %s)"), h->ncpus, h->nnodes,
             h->topology_source ? h->topology_source : _("nowhere"));
    vt_pen_field(p, _("topology"), buf, VT_ROLE_NORMAL);
}

static void host_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    snprintf(buf, n, "%s", _("host"));
}

static void host_draw(vt_app *a)
{
    vt_pen p = vt_pen_start(a, hs.scroll);

    for (int s = 0; s < SEC_LAST; s++)
        hs.at[s] = -1;
    draw_findings(&p, a);
    draw_haltpoll(&p, a);
    draw_kworker(&p, a);
    draw_memory(&p, a);
    draw_rest(&p, a);
    /* at the section the advice pointed at (the frame draws it again) */
    if (hs.jump != SEC_LAST && hs.at[hs.jump] >= 0)
        hs.scroll = hs.at[hs.jump];
    hs.jump = SEC_LAST;
    vt_frame_pad(a, &p, &hs.scroll, 1, LINES - 3);
}

static vt_view_result host_action(vt_app *a, vt_action act)
{
    switch (act) {
    case VT_ACT_EDIT:
        if (a->c->remote)
            vt_app_status(a, VT_ROLE_STATUS, "%s", _("a remote host's sysfs is not ours: only its huge page "
                          "pools go through libvirt (type: host hugepages SIZE COUNT)"));
        vt_forms_open(a, NULL, "host");
        return VT_VIEW_HANDLED;
    case VT_ACT_REVERT_LAST: {
        char *plan = NULL, *id = NULL;
        vt_err err = { { 0 } };
        size_t n = 0;
        if (vt_apply_revert_plan(a->opts ? a->opts->log_path : NULL, a->c->uri, &plan, &id, &err) < 0 ||
            vt_staged_add_plan(a, plan, &n, &err) < 0) {
            vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
            free(plan);
            free(id);
            return VT_VIEW_HANDLED;
        }
        free(a->reverts);
        a->reverts = id;
        free(plan);
        vt_app_status(a, VT_ROLE_STATUS, P_("staged the revert of the last apply (%zu edit): %s reviews it",
                                            "staged the revert of the last apply (%zu edits): %s reviews it", n),
                      n, vt_app_key(a, VT_ACT_REVIEW));
        return VT_VIEW_HANDLED;
    }
    case VT_ACT_REMOTE:
        vt_remote_show(a);
        return VT_VIEW_HANDLED;
    default:
        return vt_frame_scroll(&hs.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    }
}

void vt_host_show(vt_app *a, const char *topic)
{
    hs.jump = SEC_LAST;
    for (int s = 0; topic && s < SEC_LAST; s++) {
        const char *t = sections[s].topics;
        size_t n = strlen(topic);
        while (t && *t) {
            if (strncmp(t, topic, n) == 0 && (t[n] == ' ' || !t[n]))
                hs.jump = (section_id)s;
            t = strchr(t, ' ');
            t = t ? t + 1 : NULL;
        }
    }
    if (!vt_nav_has(a, VT_VIEW_HOST))
        hs.scroll = 0;
    vt_nav_push(a, VT_VIEW_HOST);
}

const vt_view_ops vt_view_host = {
    .name = "host",
    .title = host_title,
    .draw = host_draw,
    .action = host_action,
};
