/* A VM's detail: seven panels (IOThreads, Memory, Security, Disks, Network,
 * Agent, Live) and the advisor's findings for it. The VM is followed by UUID,
 * so a rename keeps it and an undefine says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checks.h"
#include "core/facts.h"
#include "tui/ui.h"
#include "widgets/meter.h"
#include "widgets/tabs.h"
#include "widgets/text.h"

typedef enum {
    PANEL_IOTHREADS,
    PANEL_MEMORY,
    PANEL_SECURITY,
    PANEL_DISKS,
    PANEL_NETWORK,
    PANEL_AGENT,
    PANEL_LIVE,     /* last: the others keep their places */
    PANEL_LAST,
} panel_id;

/* The labels, and the advisor's names for the panels its findings live on. */
static const char *const panel_names[PANEL_LAST] = {
    /* TRANSLATORS: the VM detail's panel tabs; all seven fit in 80 columns */
    "IOThreads", N_("Memory"), N_("Security"), N_("Disks"), N_("Network"), N_("Agent"), N_("Live"),
};
static const char *const panel_keys[PANEL_LAST] = {
    "iothreads", "memory", "security", "disks", "network", "agent", "live",
};

static struct {
    bool init;
    char uuid[64];
    vt_tabs tabs;
    int scroll;
} ds;

static vt_domain *detail_domain(const vt_app *a)
{
    return ds.uuid[0] && a->c ? vt_conn_find_uuid(a->c, ds.uuid) : NULL;
}

static void panel_iothreads(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    VT_AUTOFREE char *dflt = vt_domain_default_affinity(a->c, def);
    size_t i, j;

    vt_pen_heading(p, "IOThreads");
    if (!def->niothreads)
        vt_pen_line(p, VT_ROLE_VALUE_WARN, "%s", _("none: disk I/O runs in the QEMU main thread"));
    else
        /* TRANSLATORS: IOThreads table headers: at most 14, 14, 10 columns */
        vt_pen_line(p, VT_ROLE_DIM, "%-4s %s %s %s %s", "id", vt_pad(_("live pin"), -14), vt_pad(_("config pin"), -14),
                    vt_pad(_("poll max"), -10), _("used by"));
    for (i = 0; i < def->niothreads; i++) {
        const vt_iothread_def *t = &def->iothreads[i];
        const vt_iothread_def *ct = NULL;
        char poll[32] = "-", users[256] = "";
        for (j = 0; d->config && j < d->config->niothreads; j++)
            if (d->config->iothreads[j].id == t->id)
                ct = &d->config->iothreads[j];
        for (j = 0; j < d->niostats; j++)
            if (d->iostats[j].id == t->id && d->iostats[j].poll_max_ns >= 0)
                snprintf(poll, sizeof(poll), "%lld ns", d->iostats[j].poll_max_ns);
        for (j = 0; j < t->nusers; j++) {
            size_t len = strlen(users);
            snprintf(users + len, sizeof(users) - len, "%s%s", j ? ", " : "", t->users[j]);
        }
        vt_pen_line(p, t->nusers ? VT_ROLE_NORMAL : VT_ROLE_VALUE_WARN, "%-4u %s %s %s %s", t->id,
             vt_pad(vt_domain_active(d) ? (t->pin ? t->pin : dflt ? dflt : "-") : "-", -14),
             vt_pad(ct ? (ct->pin ? ct->pin : _("(unpinned)")) : "-", -14), vt_pad(poll, -10),
             t->nusers ? users : _("nothing"));
    }
    vt_pen_heading(p, _("Pins"));
    {
        char buf[512] = "";
        for (i = 0; i < def->nvcpupins; i++) {
            size_t len = strlen(buf);
            snprintf(buf + len, sizeof(buf) - len, "%s%u:%s", i ? " " : "", def->vcpupins[i].id,
                     def->vcpupins[i].cpuset ? def->vcpupins[i].cpuset : "-");
        }
        vt_pen_field(p, _("vCPU pins"), def->nvcpupins ? buf : _("(unpinned)"),
                     def->nvcpupins ? VT_ROLE_NORMAL : VT_ROLE_DIM);
    }
    vt_pen_field(p, _("emulator pin"), def->emulatorpin ? def->emulatorpin : _("(unpinned)"), VT_ROLE_NORMAL);
    vt_pen_field(p, _("kworker (workqueue) CPUs"), a->c->host.workqueue_cpus, VT_ROLE_NORMAL);
    vt_pen_heading(p, _("Host CPUs"));
    vt_grid_draw(p, a, d->name ? d->name : d->uuid);
}

static void panel_memory(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    char buf[256];
    size_t i;

    vt_pen_heading(p, _("Memory"));
    vt_fact_mem(def->memory_kib, buf, sizeof(buf));
    vt_pen_field(p, _("memory"), buf, VT_ROLE_NORMAL);
    if (!def->hugepages) {
        vt_pen_field(p, _("huge pages"), _("no (4 KiB pages, THP as the host allows)"), VT_ROLE_NORMAL);
    } else if (!def->nhugepage_sizes) {
        vt_pen_field(p, _("huge pages"), _("yes, the host's default size"), VT_ROLE_NORMAL);
    }
    for (i = 0; i < def->nhugepage_sizes; i++) {
        char sz[16];
        vt_fact_pagesize(def->hugepage_sizes[i].size_kib, sz, sizeof(sz));
        if (def->hugepage_sizes[i].nodeset)
            snprintf(buf, sizeof(buf), _("%s pages, guest nodes %s"), sz, def->hugepage_sizes[i].nodeset);
        else
            snprintf(buf, sizeof(buf), _("%s pages"), sz);
        vt_pen_field(p, _("huge pages"), buf, VT_ROLE_NORMAL);
    }
    if (def->numatune) {
        snprintf(buf, sizeof(buf), "%s %s", def->numatune->mode,
                 def->numatune->nodeset ? def->numatune->nodeset :
                 def->numatune->placement ? def->numatune->placement : "");
        vt_pen_field(p, "numatune", buf, VT_ROLE_NORMAL);
        for (i = 0; i < def->numatune->nmemnodes; i++) {
            snprintf(buf, sizeof(buf), _("guest cell %u: %s %s"), def->numatune->memnodes[i].cellid,
                     def->numatune->memnodes[i].mode ? def->numatune->memnodes[i].mode : "-",
                     def->numatune->memnodes[i].nodeset ? def->numatune->memnodes[i].nodeset : "-");
            vt_pen_field(p, "memnode", buf, VT_ROLE_NORMAL);
        }
    } else {
        vt_pen_field(p, "numatune", _("none (memory anywhere)"), VT_ROLE_DIM);
    }

    vt_pen_heading(p, _("Where the memory is (numa_maps of the QEMU process)"));
    if (!d->spread_present) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", d->spread_why ? d->spread_why : _("unknown"));
        return;
    }
    {
        unsigned long long total = 0;
        int k;
        for (k = 0; k < d->spread_nnodes; k++)
            total += d->spread_kib[k];
        for (k = 0; k < d->spread_nnodes; k++) {
            double frac = total ? (double)d->spread_kib[k] / (double)total : 0;
            char label[96], mem[32];
            vt_fact_mem(d->spread_kib[k], mem, sizeof(mem));
            snprintf(label, sizeof(label), "%s  %3.0f%%", mem, frac * 100);
            if (vt_pen_vis(p, p->y)) {
                char nl[16];
                /* TRANSLATORS: a NUMA node's label before its bar: at most 8 columns */
                snprintf(nl, sizeof(nl), _("node %d"), k);
                vt_text_put(p->w, p->y, 1, nl, 8, vt_theme_attr(p->th, VT_ROLE_NORMAL), 1);
                vt_meter_draw(p->w, p->y, 10, 32, frac,
                              frac > 0.01 && frac < 0.99 ? VT_ROLE_BAR_WARN : VT_ROLE_BAR, label, p->th);
            }
            p->y++;
        }
        vt_fact_mem(total, buf, sizeof(buf));
        vt_pen_line(p, VT_ROLE_DIM, _("total %s, QEMU pid %d"), buf, d->pid);
    }
}

static void panel_security(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    vt_pen_heading(p, "sVirt");
    vt_pen_field(p, _("host SELinux"), a->c->host.sysfs_why ? _("unknown (remote)") :
          vt_selinux_mode_name(a->c->host.selinux),
          a->c->host.selinux == VT_SELINUX_ENFORCING ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    if (!def->nseclabels)
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no <seclabel>: the host's default security driver applies"));
    for (i = 0; i < def->nseclabels; i++) {
        const vt_seclabel_def *s = &def->seclabels[i];
        VT_AUTOFREE char *cats = vt_label_categories(s->label);
        char title[64];
        snprintf(title, sizeof(title), "seclabel (%s)", s->model ? s->model : _("default model"));
        vt_pen_heading(p, title);
        vt_pen_field(p, _("type"), s->type, strcmp(s->type, "none") == 0 ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL);
        vt_pen_field(p, "relabel", s->relabel ? s->relabel : _("(default)"),
              s->relabel && strcmp(s->relabel, "no") == 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL);
        vt_pen_field(p, _("label"), s->label, VT_ROLE_NORMAL);
        vt_pen_field(p, _("image label"), s->imagelabel, VT_ROLE_NORMAL);
        if (cats)
            vt_pen_field(p, _("MCS categories"), cats, VT_ROLE_NORMAL);
    }
    vt_pen_heading(p, _("Running process"));
    vt_pen_field(p, _("label from libvirt"), d->live_label, VT_ROLE_NORMAL);
    vt_pen_field(p, _("process label (ps -eZ)"), d->process_label ? d->process_label :
          vt_domain_active(d) ? _("none (no SELinux)") : _("not running"), VT_ROLE_NORMAL);
    vt_pen_field(p, _("QEMU sandbox (-sandbox)"),
          !vt_domain_active(d) ? _("not running") : d->sandbox > 0 ? _("on") :
          d->sandbox < 0 ? _("unknown (no QEMU process seen)") :
          a->c->qemu_conf.seccomp_sandbox == 1 ? _("off: started before seccomp_sandbox was on; restart it") :
          _("off (seccomp_sandbox = 0 in qemu.conf)"),
          d->sandbox > 0 ? VT_ROLE_VALUE_OK : d->sandbox == 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM);
}

static void panel_disks(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    (void)a;
    vt_pen_heading(p, _("Disks"));
    /* TRANSLATORS: disk table headers: at most 6, 6, 6, 6, 10 columns */
    vt_pen_line(p, VT_ROLE_DIM, "%s %s %s %s %s %-8s %-10s %s", vt_pad(_("target"), -6), vt_pad(_("bus"), -6),
                vt_pad(_("device"), -6), vt_pad(_("format"), -6), vt_pad(_("cache"), -10), "io", "IOThread",
                _("source"));
    for (i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        bool warn = (k->bus && strcmp(k->bus, "virtio") == 0 && !vt_fact_disk_iothread(def, k) &&
                     def->niothreads) || (k->device && strcmp(k->device, "lun") == 0);
        char io[32], src[512];
        const char *source = k->source ? k->source : "-";
        /* the source last; where the line leaves it too little room, on a
           line of its own; shortened in the middle, its file name matters */
        bool own_line = p->width - 2 - 59 < 40 && vt_text_width(source) > p->width - 2 - 59;
        vt_fact_disk_iothread_text(def, k, io, sizeof(io));
        vt_text_fit_path(source, own_line ? p->width - 2 - 14 : p->width - 2 - 59, src, sizeof(src));
        /* the values are the domain XML's words; the IOThread's is ours */
        vt_pen_line(p, warn ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL, "%-6s %-6s %-6s %-6s %-10s %-8s %s %s",
             k->target ? k->target : "?", k->bus ? k->bus : "-", k->device,
             k->driver_type ? k->driver_type : "-", k->cache ? k->cache : "default",
             k->io ? k->io : "default", vt_pad(io, -10), own_line ? "" : src);
        if (own_line)
            vt_pen_line(p, warn ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL, _("       source %s"), src);
        if (k->device && strcmp(k->device, "lun") == 0)
            vt_pen_line(p, VT_ROLE_VALUE_WARN, _("       LUN passthrough: rawio=%s sgio=%s"),
                 k->rawio ? k->rawio : "no", k->sgio ? k->sgio : "filtered");
    }
    if (def->ncontrollers) {
        vt_pen_heading(p, _("Controllers"));
        for (i = 0; i < def->ncontrollers; i++) {
            char io[16] = "-";
            if (def->controllers[i].iothread)
                snprintf(io, sizeof(io), "%u", def->controllers[i].iothread);
            vt_pen_line(p, VT_ROLE_NORMAL, "%-8s %-2u %-14s IOThread %s", def->controllers[i].type ? def->controllers[i].type : "?",
                 def->controllers[i].index, def->controllers[i].model ? def->controllers[i].model : "-", io);
        }
    }
}

static void panel_network(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    vt_pen_heading(p, _("Network"));
    vt_pen_field(p, _("host vhost_net"), a->c->host.sysfs_why ? _("unknown (remote)") :
          a->c->host.vhost_net_loaded ? _("loaded") : _("not loaded"),
          a->c->host.vhost_net_loaded ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    /* TRANSLATORS: interface table headers: at most 8, 8, 7 columns */
    vt_pen_line(p, VT_ROLE_DIM, "%-18s %s %s %s %s", "mac", vt_pad(_("model"), -8), vt_pad(_("driver"), -8),
                vt_pad(_("queues"), -7), _("source"));
    for (i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        char q[32];
        bool warn = (k->queues && k->queues > def->vcpus) ||
                    (k->model && strcmp(k->model, "virtio") == 0 && k->driver_name &&
                     strcmp(k->driver_name, "qemu") == 0);
        vt_fact_queues(k, def->vcpus, q, sizeof(q));
        vt_pen_line(p, warn ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL, "%-18s %-8s %-8s %-7s %s",
             k->mac ? k->mac : "?", k->model ? k->model : "-", k->driver_name ? k->driver_name : "-",
             q, k->source ? k->source : "-");
    }
    if (!def->nnics)
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no network interfaces"));
    vt_pen_line(p, VT_ROLE_DIM, "%s", _("queues shown as queues/vCPUs; the guides suggest one queue per vCPU, at most 16"));
    if (!def->nnics)
        return;
    /* the host side: the tap libvirt made and its packet batching, as the
       kernel reports it (ETHTOOL_GCOALESCE) */
    vt_pen_line(p, VT_ROLE_NORMAL, "%s", "");
    /* TRANSLATORS: tap table header: at most 15 columns */
    vt_pen_line(p, VT_ROLE_DIM, "%-18s %s %-6s %s", "mac", vt_pad(_("host tap"), -15), "mtu",
                _("coalescing (rx-frames rx-usecs tx-frames tx-usecs)"));
    for (i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, k->mac);
        char mtu[16] = "-", co[160];
        if (h && h->mtu)
            snprintf(mtu, sizeof(mtu), "%u", h->mtu);
        if (h && h->has_coalesce)
            snprintf(co, sizeof(co), "%u %u %u %u", h->co.rx_frames, h->co.rx_usecs,
                     h->co.tx_frames, h->co.tx_usecs);
        else
            snprintf(co, sizeof(co), "- (%s)", h && h->why ? h->why : _("no host data"));
        vt_pen_line(p, h && h->has_coalesce ? VT_ROLE_NORMAL : VT_ROLE_DIM, "%-18s %-15s %-6s %s",
                    k->mac ? k->mac : "?", h && h->dev ? h->dev : "-", mtu, co);
    }
    vt_pen_line(p, VT_ROLE_DIM, "%s", _("RHEL: rx-frames 64 on the tap batches packets for a VM with a long transmission path"));
}

static void panel_agent(vt_pen *p, vt_app *a, const vt_domain *d)
{
    (void)a;
    vt_pen_heading(p, _("Guest agent (qemu-ga)"));
    vt_pen_field(p, _("channel"), d->live->agent_channel ? "org.qemu.guest_agent.0" : _("none"),
          VT_ROLE_NORMAL);
    if (d->live->agent_channel)
        vt_pen_field(p, _("state"), d->live->agent_state ? d->live->agent_state : _("unknown"), VT_ROLE_NORMAL);
    {
        /* asked by the refresh, off this thread (core/agent.h) */
        char *t = vt_agent_text(&d->agent), *on = vt_agent_risky_text(&d->agent);
        vt_pen_field(p, _("commands"), t, d->agent.status == VT_AGENT_KNOWN ? VT_ROLE_NORMAL : VT_ROLE_DIM);
        if (on[0])
            vt_pen_field(p, _("file/exec"), on, VT_ROLE_VALUE_WARN);
        free(t);
        free(on);
    }
}

/* What the VM does now: the rates of the last two refreshes, the exit
 * breakdown, halt polling, the threads (tui/live.c draws them). */
static void panel_live(vt_pen *p, vt_app *a, const vt_domain *d)
{
    const vt_vm_rate *r = vt_live_find(&a->live, d->uuid);

    vt_pen_heading(p, _("Live (since the last refresh)"));
    if (!vt_domain_active(d)) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("not running: no live numbers"));
        return;
    }
    vt_live_draw_fields(p, r);
    if (!r || r->measuring)
        return;
    vt_pen_heading(p, _("Exits (as perf kvm stat report)"));
    vt_live_draw_exits(p, r);
    vt_pen_heading(p, _("Halt polling"));
    vt_live_draw_haltpoll(p, r);
    /* xgettext:no-c-format */
    vt_pen_heading(p, _("Threads (CPU% of one host CPU)"));
    vt_live_draw_threads(p, r);
}

static void draw_findings(vt_pen *p, vt_app *a, const vt_domain *d)
{
    bool any = false;

    for (size_t i = 0; d->name && i < a->advice.n; i++) {
        const vt_advice *f = &a->advice.items[i];
        char head[128];
        if (!f->vm || strcmp(f->vm, d->name) != 0)
            continue;
        if (!any) {
            snprintf(head, sizeof(head), _("Findings (%s: advice, evidence and fixes)"), vt_app_key(a, VT_ACT_ADVICE));
            vt_pen_heading(p, head);
        }
        any = true;
        vt_pen_line(p, vt_sev_role(f->sev), "%s %-10s %s%s", vt_sev_marker(f->sev), f->topic,
                    f->pending_restart ? _("fixed in config, at next start: ") : "", vt_advice_summary(f));
    }
}

static void detail_init(void)
{
    if (ds.init)
        return;
    for (size_t i = 0; i < PANEL_LAST; i++)
        ds.tabs.labels[i] = _(panel_names[i]);
    ds.tabs.n = PANEL_LAST;
    ds.init = true;
}

static void detail_title(vt_app *a, char *buf, size_t n)
{
    vt_domain *d = detail_domain(a);

    if (!d)
        snprintf(buf, n, "%s", _("VM gone"));
    else
        snprintf(buf, n, _("VM %s (%s, %u vCPU)"), d->name ? d->name : d->uuid, vt_state_word(d->state),
                 d->live->vcpus);
}

static void detail_draw(vt_app *a)
{
    vt_domain *d = detail_domain(a);
    vt_pen p = vt_pen_start(a, ds.scroll);

    detail_init();
    if (!d) {
        vt_pen_line(&p, VT_ROLE_VALUE_WARN, _("This VM is no longer defined on the host (%s goes back)."),
                    vt_app_key(a, VT_ACT_BACK));
    } else {
        switch ((panel_id)ds.tabs.active) {
        case PANEL_IOTHREADS: panel_iothreads(&p, a, d); break;
        case PANEL_MEMORY: panel_memory(&p, a, d); break;
        case PANEL_SECURITY: panel_security(&p, a, d); break;
        case PANEL_DISKS: panel_disks(&p, a, d); break;
        case PANEL_NETWORK: panel_network(&p, a, d); break;
        case PANEL_AGENT: panel_agent(&p, a, d); break;
        case PANEL_LIVE: panel_live(&p, a, d); break;
        case PANEL_LAST: break;
        }
        draw_findings(&p, a, d);
    }
    vt_tabs_draw(&ds.tabs, stdscr, 1, &a->th);
    vt_frame_pad(a, &p, &ds.scroll, 2, LINES - 4);
}

static vt_view_result detail_action(vt_app *a, vt_action act)
{
    vt_domain *d = detail_domain(a);

    switch (act) {
    case VT_ACT_EDIT:
        if (d)
            vt_forms_open(a, d, panel_keys[ds.tabs.active]);
        return VT_VIEW_HANDLED;
    case VT_ACT_NEXT_PANEL:
    case VT_ACT_PREV_PANEL:
        ds.tabs.active = (ds.tabs.active + (act == VT_ACT_NEXT_PANEL ? 1 : PANEL_LAST - 1)) % PANEL_LAST;
        ds.scroll = 0;
        return VT_VIEW_HANDLED;
    default:
        return vt_frame_scroll(&ds.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
    }
}

static void detail_mouse(vt_app *a, const MEVENT *ev)
{
    int t;

    (void)a;
    if (ev->y != 1)
        return;
    t = vt_tabs_hit(&ds.tabs, ev->y, ev->x);
    if (t >= 0) {
        ds.tabs.active = (size_t)t;
        ds.scroll = 0;
    }
}

void vt_detail_show(vt_app *a, const char *uuid, const char *panel)
{
    detail_init();
    snprintf(ds.uuid, sizeof(ds.uuid), "%s", uuid);
    for (size_t i = 0; panel && i < PANEL_LAST; i++)
        if (strcmp(panel, panel_keys[i]) == 0)
            ds.tabs.active = i;
    ds.scroll = 0;
    vt_nav_push(a, VT_VIEW_DETAIL);
}

bool vt_detail_shows_live(const vt_app *a)
{
    return vt_nav_top(a) == VT_VIEW_DETAIL && ds.tabs.active == PANEL_LIVE;
}

const vt_view_ops vt_view_detail = {
    .name = "detail",
    .title = detail_title,
    .draw = detail_draw,
    .action = detail_action,
    .mouse = detail_mouse,
};
