#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "facts.h"
#include "remote.h"

static json_object *jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *ju64(unsigned long long v)
{
    return json_object_new_uint64(v);
}

static json_object *jfact(const vt_u64_fact *f)
{
    return f->present ? ju64(f->value) : NULL;
}

static void add(json_object *o, const char *k, json_object *v)
{
    json_object_object_add(o, k, v);
}

/* ---- host ---- */

static const char *const ra_libvirtd_keys[] = {
    "listen_tls", "listen_tcp", "listen_addr", "auth_tcp", "auth_tls", "tcp_port", "tls_port",
};
static const char *const ra_sasl_keys[] = { "mech_list", "sasldb_path" };

static json_object *remote_access_json(const vt_remote_access *ra)
{
    json_object *o = json_object_new_object();
    size_t i;

    add(o, "libvirtd_conf", json_object_new_string(ra->libvirtd_conf_path ? ra->libvirtd_conf_path : ""));
    add(o, "libvirtd_conf_why", ra->libvirtd_why ? json_object_new_string(ra->libvirtd_why) : NULL);
    for (i = 0; i < sizeof(ra_libvirtd_keys) / sizeof(ra_libvirtd_keys[0]); i++) {
        const char *v = vt_conf_get(&ra->libvirtd, ra_libvirtd_keys[i]);
        add(o, ra_libvirtd_keys[i], v ? json_object_new_string(v) : NULL);
    }
    add(o, "sasl_conf", json_object_new_string(ra->sasl_conf_path ? ra->sasl_conf_path : ""));
    add(o, "sasl_conf_why", ra->sasl_why ? json_object_new_string(ra->sasl_why) : NULL);
    for (i = 0; i < sizeof(ra_sasl_keys) / sizeof(ra_sasl_keys[0]); i++) {
        const char *v = vt_conf_get(&ra->sasl, ra_sasl_keys[i]);
        add(o, ra_sasl_keys[i], v ? json_object_new_string(v) : NULL);
    }
    return o;
}

/* [{"pf", "pci", "totalvfs", "numvfs", "bridge", "vfs": [{"pci", "netdev", "vm", "via"}]}] */
static json_object *sriov_json(const vt_host *h)
{
    json_object *a = json_object_new_array();

    for (size_t i = 0; i < h->nsriov; i++) {
        const vt_sriov_pf *pf = &h->sriov[i];
        json_object *o = json_object_new_object(), *vfs = json_object_new_array();
        add(o, "pf", jstr(pf->pf));
        add(o, "pci", jstr(pf->pci));
        add(o, "totalvfs", json_object_new_int((int)pf->totalvfs));
        add(o, "numvfs", json_object_new_int((int)pf->numvfs));
        add(o, "bridge", jstr(pf->bridge));
        for (size_t j = 0; j < pf->nvfs; j++) {
            json_object *v = json_object_new_object();
            add(v, "pci", jstr(pf->vfs[j].pci));
            add(v, "netdev", jstr(pf->vfs[j].netdev));
            add(v, "vm", jstr(pf->vfs[j].vm));
            add(v, "via", jstr(pf->vfs[j].via));
            json_object_array_add(vfs, v);
        }
        add(o, "vfs", vfs);
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *host_json(const vt_conn *c)
{
    const vt_host *h = &c->host;
    json_object *o = json_object_new_object(), *a, *hp;
    size_t i, j;

    add(o, "hostname", jstr(h->hostname));
    add(o, "uri", jstr(c->uri));
    add(o, "remote", json_object_new_boolean(c->remote));
    add(o, "readonly", json_object_new_boolean(c->readonly));
    add(o, "readonly_fallback", json_object_new_boolean(c->readonly_fallback));
    add(o, "sysfs_unavailable", jstr(h->sysfs_why));
    add(o, "cpus", json_object_new_int((int)h->ncpus));
    add(o, "online_cpus", jstr(h->online_cpus));
    add(o, "kvm_loaded", json_object_new_boolean(h->kvm_loaded));
    add(o, "halt_poll_ns", jfact(&h->halt_poll_ns));
    add(o, "halt_poll_ns_grow", jfact(&h->halt_poll_ns_grow));
    add(o, "halt_poll_ns_grow_start", jfact(&h->halt_poll_ns_grow_start));
    add(o, "halt_poll_ns_shrink", jfact(&h->halt_poll_ns_shrink));
    add(o, "halt_poll_ns_writable", json_object_new_boolean(h->halt_poll_ns.writable));
    add(o, "halt_poll_why", jstr(h->halt_poll_ns.why));
    add(o, "workqueue_cpus", jstr(h->workqueue_cpus));
    add(o, "workqueue_mask", jstr(h->workqueue_mask));
    add(o, "workqueue_requested", jstr(h->workqueue_requested));
    add(o, "workqueue_isolated", jstr(h->workqueue_isolated));
    add(o, "workqueue_why", jstr(h->workqueue_why));
    add(o, "thp_enabled", jstr(h->thp_enabled));
    add(o, "thp_defrag", jstr(h->thp_defrag));

    a = json_object_new_array();
    for (i = 0; i < h->npools; i++) {
        const vt_hp_pool *p = &h->pools[i];
        json_object *nodes = json_object_new_array();
        hp = json_object_new_object();
        add(hp, "size_kib", ju64(p->size_kib));
        add(hp, "nr", ju64(p->nr));
        add(hp, "free", ju64(p->free));
        add(hp, "surplus", ju64(p->surplus));
        add(hp, "resv", ju64(p->resv));
        for (j = 0; j < p->nnodes; j++) {
            json_object *n = json_object_new_object();
            add(n, "node", json_object_new_int(p->nodes[j].node));
            add(n, "nr", ju64(p->nodes[j].nr));
            add(n, "free", ju64(p->nodes[j].free));
            add(n, "surplus", ju64(p->nodes[j].surplus));
            json_object_array_add(nodes, n);
        }
        add(hp, "nodes", nodes);
        json_object_array_add(a, hp);
    }
    add(o, "hugepages", a);

    a = json_object_new_array();
    for (i = 0; i < h->nnodes; i++) {
        json_object *n = json_object_new_object();
        add(n, "id", json_object_new_int(h->nodes[i].id));
        add(n, "cpus", jstr(h->nodes[i].cpus));
        add(n, "memory_kib", ju64(h->nodes[i].memory_kib));
        json_object_array_add(a, n);
    }
    add(o, "numa_nodes", a);
    add(o, "topology_source", jstr(h->topology_source));
    add(o, "selinux", jstr(c->remote ? NULL : vt_selinux_mode_name(h->selinux)));
    add(o, "vhost_net_loaded", c->remote ? NULL : json_object_new_boolean(h->vhost_net_loaded));
    add(o, "sriov", c->remote ? NULL : sriov_json(h));
    add(o, "remote_access", c->remote ? NULL : remote_access_json(&c->remote_access));
    if (c->remote || !c->qemu_conf.path) {
        add(o, "qemu_sandbox", NULL);
    } else {
        json_object *q = json_object_new_object();
        char *src = vt_qemu_conf_sandbox_source(&c->qemu_conf);
        add(q, "conf", c->qemu_conf.seccomp_sandbox < 0 ? NULL
                                                         : json_object_new_int(c->qemu_conf.seccomp_sandbox));
        add(q, "source", jstr(src));
        free(src);
        add(o, "qemu_sandbox", q);
    }
    add(o, "transport", jstr(vt_uri_transport(c->uri)));
    add(o, "encrypted", c->encrypted < 0 ? NULL : json_object_new_boolean(c->encrypted));
    return o;
}

/* ---- domains ---- */

static json_object *seclabel_json(const vt_seclabel_def *s)
{
    json_object *o = json_object_new_object();

    add(o, "type", jstr(s->type));
    add(o, "model", jstr(s->model));
    add(o, "relabel", jstr(s->relabel));
    add(o, "label", jstr(s->label));
    add(o, "imagelabel", jstr(s->imagelabel));
    return o;
}

static json_object *iothreads_json(const vt_conn *c, const vt_domain *d)
{
    json_object *a = json_object_new_array();
    bool active = vt_domain_active(d);
    VT_AUTOFREE char *dflt_live = vt_domain_default_affinity(c, d->live);
    VT_AUTOFREE char *dflt_cfg = vt_domain_default_affinity(c, d->config);
    const vt_domdef *def = d->live;
    size_t i, j;

    for (i = 0; i < def->niothreads; i++) {
        const vt_iothread_def *t = &def->iothreads[i];
        const vt_iothread_def *ct = vt_domdef_iothread(d->config, t->id);
        json_object *o = json_object_new_object(), *users = json_object_new_array();
        const vt_iothread_stats *st = NULL;

        for (j = 0; j < d->niostats; j++)
            if (d->iostats[j].id == t->id)
                st = &d->iostats[j];
        add(o, "id", json_object_new_int((int)t->id));
        add(o, "cpuset_live", active ? jstr(t->pin ? t->pin : dflt_live) : NULL);
        add(o, "cpuset_config", ct ? jstr(ct->pin ? ct->pin : dflt_cfg) : NULL);
        add(o, "pinned_live", json_object_new_boolean(active && t->pin));
        add(o, "pinned_config", json_object_new_boolean(ct && ct->pin));
        for (j = 0; j < t->nusers; j++)
            json_object_array_add(users, jstr(t->users[j]));
        add(o, "disks", users);
        add(o, "poll_max_ns", st && st->poll_max_ns >= 0 ? json_object_new_int64(st->poll_max_ns) :
                              t->poll_max_ns >= 0 ? json_object_new_int64(t->poll_max_ns) : NULL);
        add(o, "poll_grow", st && st->poll_grow >= 0 ? json_object_new_int64(st->poll_grow) : NULL);
        add(o, "poll_shrink", st && st->poll_shrink >= 0 ? json_object_new_int64(st->poll_shrink) : NULL);
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *numatune_json(const vt_numatune_def *nt)
{
    json_object *o, *mn;
    size_t i;

    if (!nt)
        return NULL;
    o = json_object_new_object();
    add(o, "mode", jstr(nt->mode));
    add(o, "nodeset", jstr(nt->nodeset));
    add(o, "placement", jstr(nt->placement ? nt->placement : "static"));
    mn = json_object_new_array();
    for (i = 0; i < nt->nmemnodes; i++) {
        json_object *m = json_object_new_object();
        add(m, "cellid", json_object_new_int((int)nt->memnodes[i].cellid));
        add(m, "mode", jstr(nt->memnodes[i].mode));
        add(m, "nodeset", jstr(nt->memnodes[i].nodeset));
        json_object_array_add(mn, m);
    }
    add(o, "memnodes", mn);
    return o;
}

/* domains[].interfaces: each NIC as defined, and its host side (the tap,
   its MTU and coalescing, as the kernel has them) */
static json_object *interfaces_json(const vt_domain *d, const vt_domdef *def)
{
    json_object *a;

    a = json_object_new_array();
    for (size_t i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        json_object *x = json_object_new_object();
        add(x, "mac", jstr(k->mac));
        add(x, "type", jstr(k->type));
        add(x, "source", jstr(k->source));
        add(x, "model", jstr(k->model));
        add(x, "driver", jstr(k->driver_name));
        add(x, "queues", k->queues ? json_object_new_int((int)k->queues) : NULL);
        add(x, "queues_effective", json_object_new_int((int)vt_fact_nic_queues(k)));
        {
            /* the inactive definition's: what libvirt puts on the next tap */
            const vt_domdef *cf = d->config ? d->config : def;
            int cfr = -1;
            for (size_t m = 0; k->mac && m < cf->nnics; m++)
                if (cf->nics[m].mac && strcasecmp(cf->nics[m].mac, k->mac) == 0)
                    cfr = cf->nics[m].coalesce_rx_frames;
            add(x, "coalesce_rx_frames_config", cfr >= 0 ? json_object_new_int(cfr) : NULL);
        }
        {
            /* the host side, as the kernel has it (tap.h) */
            const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, k->mac);
            add(x, "host_dev", jstr(h ? h->dev : NULL));
            add(x, "mtu", h && h->mtu ? json_object_new_int((int)h->mtu) : NULL);
            if (h && h->has_coalesce) {
                json_object *co = json_object_new_object();
                add(co, "rx_frames", json_object_new_int64(h->co.rx_frames));
                add(co, "rx_usecs", json_object_new_int64(h->co.rx_usecs));
                add(co, "tx_frames", json_object_new_int64(h->co.tx_frames));
                add(co, "tx_usecs", json_object_new_int64(h->co.tx_usecs));
                add(x, "coalesce", co);
            } else {
                add(x, "coalesce", NULL);
            }
            add(x, "coalesce_why", jstr(h ? h->why : "no host data for this NIC"));
        }
        json_object_array_add(a, x);
    }
    return a;
}

static json_object *domain_json(const vt_conn *c, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    const vt_seclabel_def *main = vt_domdef_main_seclabel(def);
    json_object *o = json_object_new_object(), *a;
    size_t i;

    add(o, "name", jstr(d->name));
    add(o, "uuid", jstr(d->uuid));
    add(o, "state", jstr(vt_domain_state_name(d->state)));
    add(o, "vcpus", json_object_new_int((int)(d->vcpus_current ? d->vcpus_current : def->vcpus)));
    add(o, "vcpus_max", json_object_new_int((int)def->vcpus_max));
    add(o, "memory_kib", ju64(def->memory_kib));
    add(o, "current_memory_kib", ju64(def->current_memory_kib));
    add(o, "vcpu_cpuset", jstr(def->vcpu_cpuset));

    a = json_object_new_array();
    for (i = 0; i < def->nvcpupins; i++) {
        json_object *p = json_object_new_object();
        add(p, "vcpu", json_object_new_int((int)def->vcpupins[i].id));
        add(p, "cpuset", jstr(def->vcpupins[i].cpuset));
        json_object_array_add(a, p);
    }
    add(o, "vcpupins", a);
    add(o, "emulatorpin", jstr(def->emulatorpin));
    add(o, "iothreads", iothreads_json(c, d));

    a = json_object_new_array();
    if (def->hugepages && def->nhugepage_sizes == 0) {
        json_object *h = json_object_new_object();
        add(h, "size_kib", NULL);     /* the host's default huge page size */
        add(h, "nodeset", NULL);
        json_object_array_add(a, h);
    }
    for (i = 0; i < def->nhugepage_sizes; i++) {
        json_object *h = json_object_new_object();
        add(h, "size_kib", ju64(def->hugepage_sizes[i].size_kib));
        add(h, "nodeset", jstr(def->hugepage_sizes[i].nodeset));
        json_object_array_add(a, h);
    }
    add(o, "hugepages", a);
    add(o, "numatune", numatune_json(def->numatune));

    if (d->spread_present) {
        json_object *s = json_object_new_object();
        int k;
        for (k = 0; k < d->spread_nnodes; k++) {
            char key[16];
            snprintf(key, sizeof(key), "%d", k);
            add(s, key, ju64(d->spread_kib[k]));
        }
        add(o, "numa_spread_kib", s);
    } else {
        add(o, "numa_spread_kib", NULL);
    }
    add(o, "numa_spread_why", jstr(d->spread_why));
    add(o, "pid", d->pid > 0 ? json_object_new_int(d->pid) : NULL);
    add(o, "sandbox", d->sandbox < 0 ? NULL : json_object_new_boolean(d->sandbox));

    if (main) {
        json_object *s = seclabel_json(main);
        add(s, "live_label", jstr(d->live_label));
        add(s, "process_label", jstr(d->process_label));
        add(o, "seclabel", s);
    } else {
        add(o, "seclabel", NULL);
    }
    a = json_object_new_array();
    for (i = 0; i < def->nseclabels; i++)
        json_object_array_add(a, seclabel_json(&def->seclabels[i]));
    add(o, "seclabels", a);

    a = json_object_new_array();
    for (i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        json_object *x = json_object_new_object();
        add(x, "target", jstr(k->target));
        add(x, "bus", jstr(k->bus));
        add(x, "type", jstr(k->type));
        add(x, "device", jstr(k->device));
        add(x, "source", jstr(k->source));
        add(x, "driver_type", jstr(k->driver_type));
        add(x, "cache", jstr(k->cache));
        add(x, "io", jstr(k->io));
        add(x, "rawio", jstr(k->rawio));
        add(x, "sgio", jstr(k->sgio));
        add(x, "iothread", k->iothread ? json_object_new_int((int)k->iothread) : NULL);
        add(x, "controller", k->controller >= 0 ? json_object_new_int(k->controller) : NULL);
        {
            /* where its I/O really runs: a SCSI disk has no iothread= of its own */
            unsigned eff = vt_fact_disk_iothread(def, k);
            add(x, "iothread_effective", eff ? json_object_new_int((int)eff) : NULL);
        }
        json_object_array_add(a, x);
    }
    add(o, "disks", a);

    a = json_object_new_array();
    for (i = 0; i < def->ncontrollers; i++) {
        const vt_controller_def *k = &def->controllers[i];
        json_object *x = json_object_new_object();
        add(x, "type", jstr(k->type));
        add(x, "model", jstr(k->model));
        add(x, "index", json_object_new_int((int)k->index));
        add(x, "iothread", k->iothread ? json_object_new_int((int)k->iothread) : NULL);
        json_object_array_add(a, x);
    }
    add(o, "controllers", a);

    add(o, "interfaces", interfaces_json(d, def));

    {
        json_object *ag = json_object_new_object();
        add(ag, "channel", json_object_new_boolean(def->agent_channel));
        add(ag, "state", jstr(def->agent_state));
        /* the guest-info answer of the snapshot (core/agent.h): null when
           the agent was not asked or did not answer; "commands" says why */
        if (d->agent.status == VT_AGENT_KNOWN) {
            json_object *dis = json_object_new_array(), *on = json_object_new_array();
            for (size_t n = 0; n < d->agent.ndisabled; n++)
                json_object_array_add(dis, json_object_new_string(d->agent.disabled[n]));
            for (size_t n = 0; n < d->agent.nrisky; n++)
                json_object_array_add(on, json_object_new_string(d->agent.risky[n]));
            add(ag, "disabled_commands", dis);
            add(ag, "enabled_file_exec_commands", on);
        } else {
            add(ag, "disabled_commands", NULL);
            add(ag, "enabled_file_exec_commands", NULL);
        }
        {
            char *t = vt_agent_text(&d->agent);
            add(ag, "commands", json_object_new_string(t));
            free(t);
        }
        add(o, "agent", ag);
    }
    if (d->haltpoll_present) {
        json_object *hp = json_object_new_object();
        add(hp, "success_ns", ju64(d->haltpoll_success_ns));
        add(hp, "fail_ns", ju64(d->haltpoll_fail_ns));
        add(o, "haltpoll", hp);
    } else {
        add(o, "haltpoll", NULL);
    }
    return o;
}

static int cmp_name(const void *a, const void *b)
{
    const vt_domain *x = *(vt_domain *const *)a, *y = *(vt_domain *const *)b;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Domains by name, the order a person reads them in. */
static vt_domain **sorted_domains(const vt_conn *c)
{
    vt_domain **v = vt_calloc(c->ndoms ? c->ndoms : 1, sizeof(*v));

    if (c->ndoms) {
        memcpy(v, c->doms, c->ndoms * sizeof(*v));
        vt_qsort(v, c->ndoms, sizeof(*v), cmp_name);
    }
    return v;
}

json_object *vt_report_json(const vt_conn *c)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array();
    VT_AUTOFREE vt_domain **v = sorted_domains(c);
    size_t i;

    add(o, "host", host_json(c));
    for (i = 0; i < c->ndoms; i++)
        json_object_array_add(a, domain_json(c, v[i]));
    add(o, "domains", a);
    return o;
}

/* One value, pretty, indented by `indent` spaces after the first line. */
static void write_indented(FILE *out, json_object *o, int indent)
{
    const char *s = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);

    for (; *s; s++) {
        fputc(*s, out);
        if (*s == '\n')
            fprintf(out, "%*s", indent, "");
    }
}

/* Streams domain by domain: a 1000-VM report never holds the whole tree. */
int vt_report_json_write(const vt_conn *c, FILE *out)
{
    VT_AUTOFREE vt_domain **v = sorted_domains(c);
    json_object *o;
    size_t i;

    fputs("{\n  \"host\": ", out);
    o = host_json(c);
    write_indented(out, o, 2);
    json_object_put(o);
    fputs(",\n  \"domains\": [", out);
    for (i = 0; i < c->ndoms; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        o = domain_json(c, v[i]);
        write_indented(out, o, 4);
        json_object_put(o);
    }
    fputs(c->ndoms ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

char *vt_report_json_string(const vt_conn *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        abort();
    vt_report_json_write(c, f);
    if (fclose(f) != 0)
        abort();
    return buf;
}

/* ---- text ---- */

/* Outside strings (VM names, labels) may carry control characters: the
 * same escapes as on the console's screens. */
static void add_esc(vt_buf *b, const char *s)
{
    char *e;

    if (!s) {
        vt_buf_add(b, "-");
        return;
    }
    e = vt_escape_text(s);
    vt_buf_add(b, e);
    free(e);
}

/* Display columns of s: a CJK character is two (three bytes in UTF-8). */
static int text_width(const char *s)
{
    mbstate_t st;
    int w = 0;

    if (MB_CUR_MAX == 1)
        return (int)strlen(s);
    memset(&st, 0, sizeof(st));
    while (*s) {
        wchar_t wc;
        size_t len = mbrtowc(&wc, s, strlen(s), &st);
        int cw;
        if (len == (size_t)-1 || len == (size_t)-2) {
            memset(&st, 0, sizeof(st));
            len = 1;
            cw = 1;
        } else {
            cw = wcwidth(wc);
        }
        w += cw > 0 ? cw : 0;
        s += len ? len : 1;
    }
    return w;
}

#define LABEL_COLS 24

/* indent blanks, the label padded to LABEL_COLS - (indent - 2) display
 * columns: a translated one lines up as the English */
static void label_pad(vt_buf *b, int indent, const char *k)
{
    int cols = LABEL_COLS - (indent - 2), w = text_width(k);

    vt_buf_addf(b, "%*s%s%*s", indent, "", k, w < cols ? cols - w : 0, "");
}

/* the same and a blank: the value follows */
static void label_at(vt_buf *b, int indent, const char *k)
{
    label_pad(b, indent, k);
    vt_buf_add(b, " ");
}

static void label(vt_buf *b, const char *k)
{
    label_at(b, 2, k);
}

static void kv(vt_buf *b, const char *k, const char *v)
{
    label(b, k);
    add_esc(b, v);
    vt_buf_add(b, "\n");
}

static void kv_fact(vt_buf *b, const char *k, const vt_u64_fact *f)
{
    label(b, k);
    if (f->present)
        vt_buf_addf(b, "%llu%s\n", f->value, f->writable ? "" : _(" (read-only)"));
    else
        vt_buf_addf(b, "- (%s)\n", f->why ? f->why : _("unknown"));
}

/* TRANSLATORS: severities of the remote-access findings in the text
   report, as "  warning: TEXT" */
static const char *const rsev_text[VT_RSEV_LAST] = { N_("info"), N_("warning"), N_("failure") };

/* Remote access as configured (what virt-tune sasl status and the
 * console's remote view show): the listeners, the SASL set-up, the
 * database, enabled socket units and the findings. */
static void remote_text(vt_buf *b, const vt_conn *c)
{
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "tcp_port",
                                        "tls_port", "auth_tcp", "auth_tls" };
    vt_remote_status s = { 0 };
    const vt_conf *lc;
    const char *v;

    if (c->remote) {
        kv(b, _("remote access"), _("- (remote connection: the files are on the other host)"));
        return;
    }
    vt_remote_status_read(&s, c->etc_root ? c->etc_root : "/etc");
    lc = s.virtproxyd_conf_path ? &s.virtproxyd : &s.ra.libvirtd;
    label(b, _("remote access"));
    add_esc(b, s.virtproxyd_conf_path ? s.virtproxyd_conf_path : s.ra.libvirtd_conf_path);
    vt_buf_add(b, s.ra.libvirtd_why && !s.virtproxyd_conf_path ? _(" (not readable)") : "");
    vt_buf_add(b, "\n");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        label_at(b, 4, keys[i]);
        v = vt_conf_get(lc, keys[i]);
        if (v)
            add_esc(b, v);
        else
            vt_buf_add(b, _("(default)"));
        vt_buf_add(b, "\n");
    }
    for (size_t i = 0; i < s.nsockets; i++) {
        label_at(b, 4, _("socket unit"));
        vt_buf_addf(b, _("%s (enabled)\n"), s.sockets[i]);
    }
    label(b, "SASL");
    add_esc(b, s.ra.sasl_conf_path);
    vt_buf_add(b, s.ra.sasl_why ? _(" (not present)") : "");
    vt_buf_add(b, "\n");
    label_at(b, 4, "mech_list");
    if ((v = vt_conf_get(&s.ra.sasl, "mech_list")))
        add_esc(b, v);
    else
        vt_buf_add(b, _("(default)"));
    vt_buf_add(b, "\n");
    label_at(b, 4, "sasldb_path");
    add_esc(b, s.sasldb_path);
    vt_buf_add(b, vt_conf_get(&s.ra.sasl, "sasldb_path") ? "" : _(" (library default)"));
    vt_buf_add(b, "\n");
    label_at(b, 4, _("database"));
    if (s.sasldb_present && s.users >= 0)
        vt_buf_addf(b, P_("mode %04o, %ld user\n", "mode %04o, %ld users\n",
                          (unsigned long)s.users), s.sasldb_mode, s.users);
    else if (s.sasldb_present)
        vt_buf_addf(b, _("mode %04o, users cannot be listed\n"), s.sasldb_mode);
    else
        vt_buf_add(b, _("not created yet\n"));
    for (size_t i = 0; i < s.nfindings; i++) {
        const vt_remote_finding *f = &s.findings[i];
        vt_buf_addf(b, "    %s: ", f->severity < VT_RSEV_LAST ? _(rsev_text[f->severity]) : "?");
        add_esc(b, vt_remote_finding_text(f));
        vt_buf_add(b, "\n");
    }
    vt_remote_status_clear(&s);
}

static void host_text(vt_buf *b, const vt_conn *c)
{
    const vt_host *h = &c->host;
    char lb[128];
    size_t i, j;

    vt_buf_add(b, _("HOST\n"));
    kv(b, _("hostname"), h->hostname);
    kv(b, _("connection"), c->uri);
    {
        int sec = vt_uri_transport_secure(c->uri, c->encrypted);
        label(b, _("transport"));
        vt_buf_addf(b, "%s (%s)\n", vt_uri_transport(c->uri),
                    sec > 0    ? _("encrypted or local")
                    : sec == 0 ? _("not encrypted")
                               : _("encryption unknown"));
    }
    kv(b, _("access"),
       c->readonly_fallback ? _("read-only (no permission to manage: inspection only)")
       : c->readonly        ? _("read-only")
                            : _("read-write"));
    label(b, _("cpus"));
    vt_buf_addf(b, _("%u CPUs (online %s), %u node(s) (topology from %s)\n"),
                h->ncpus, h->online_cpus ? h->online_cpus : "-", (unsigned)h->nnodes,
                h->topology_source ? h->topology_source : _("nowhere"));
    for (i = 0; i < h->nnodes; i++) {
        /* MiB, exact, as numactl -H gives a node's size */
        label(b, "");
        vt_buf_addf(b, _("node %d: cpus %s, %llu MiB\n"), h->nodes[i].id,
                    h->nodes[i].cpus ? h->nodes[i].cpus : "-",
                    (unsigned long long)(h->nodes[i].memory_kib / 1024));
    }
    if (h->sysfs_why) {
        vt_buf_addf(b, _("  host sysfs facts unavailable: %s\n"), h->sysfs_why);
        remote_text(b, c);
        return;
    }
    kv_fact(b, "halt_poll_ns", &h->halt_poll_ns);
    kv_fact(b, "halt_poll_ns_grow", &h->halt_poll_ns_grow);
    kv_fact(b, "halt_poll_ns_grow_start", &h->halt_poll_ns_grow_start);
    kv_fact(b, "halt_poll_ns_shrink", &h->halt_poll_ns_shrink);
    label(b, _("workqueue cpus"));
    if (h->workqueue_cpus)
        vt_buf_addf(b, _("%s (mask %s)\n"), h->workqueue_cpus, h->workqueue_mask);
    else
        vt_buf_addf(b, "- (%s)\n", h->workqueue_why ? h->workqueue_why : _("unknown"));
    if (h->workqueue_requested)
        kv(b, _("workqueue requested"), h->workqueue_requested);
    if (h->workqueue_isolated)
        kv(b, _("workqueue isolated"), *h->workqueue_isolated ? h->workqueue_isolated : _("none"));
    kv(b, _("THP enabled"), h->thp_enabled);
    kv(b, _("THP defrag"), h->thp_defrag);
    for (i = 0; i < h->npools; i++) {
        const vt_hp_pool *p = &h->pools[i];
        char sz[32];
        vt_fact_pagesize(p->size_kib, sz, sizeof(sz));
        snprintf(lb, sizeof(lb), _("hugepages %s"), sz);
        label(b, lb);
        vt_buf_addf(b, "nr %llu free %llu surplus %llu resv %llu\n", p->nr, p->free, p->surplus,
                    p->resv);
        for (j = 0; j < p->nnodes; j++) {
            label(b, "");
            vt_buf_addf(b, _("node %d: nr %llu free %llu surplus %llu\n"), p->nodes[j].node,
                        p->nodes[j].nr, p->nodes[j].free, p->nodes[j].surplus);
        }
    }
    kv(b, "SELinux", vt_selinux_mode_name(h->selinux));
    kv(b, "vhost_net", h->vhost_net_loaded ? _("loaded") : _("not loaded"));
    for (i = 0; i < h->nsriov; i++) {
        const vt_sriov_pf *pf = &h->sriov[i];
        char *name = vt_escape_text(pf->pf ? pf->pf : "-");
        vt_buf_addf(b, _("  sriov PF %s (%s): %u of %u VFs, %u free"), name, pf->pci, pf->numvfs,
                    pf->totalvfs, vt_sriov_free_vfs(pf));
        free(name);
        if (pf->bridge) {
            char *br = vt_escape_text(pf->bridge);
            vt_buf_addf(b, _(", port of bridge %s"), br);
            free(br);
        }
        vt_buf_add(b, "\n");
        for (j = 0; j < pf->nvfs; j++) {
            label(b, "");
            vt_buf_addf(b, "VF %s netdev ", pf->vfs[j].pci);
            add_esc(b, pf->vfs[j].netdev);
            vt_buf_add(b, ": ");
            if (pf->vfs[j].vm) {
                add_esc(b, pf->vfs[j].vm);
                vt_buf_add(b, " (");
                add_esc(b, pf->vfs[j].via);
                vt_buf_add(b, ")");
            } else {
                /* TRANSLATORS: an SR-IOV VF no VM uses */
                vt_buf_add(b, _("free"));
            }
            vt_buf_add(b, "\n");
        }
    }
    if (c->qemu_conf.path) {
        char *src = vt_qemu_conf_sandbox_source(&c->qemu_conf);
        label(b, _("QEMU sandbox"));
        vt_buf_addf(b, "%s (%s)\n",
                    c->qemu_conf.seccomp_sandbox < 0 ? _("unknown")
                    : c->qemu_conf.seccomp_sandbox   ? _("on")
                                                     : _("off"),
                    src);
        free(src);
    }
    remote_text(b, c);
}

/* TRANSLATORS: a VM's state in the text report, "VM NAME  (STATE, UUID)" */
static const char *const state_text[][2] = {
    { "running", N_("running") },
    { "blocked", N_("blocked") },
    { "paused", N_("paused") },
    { "shutting-down", N_("shutting-down") },
    { "shutoff", N_("shutoff") },
    { "crashed", N_("crashed") },
    { "pmsuspended", N_("pmsuspended") },
};

static const char *state_name(int state)
{
    const char *s = vt_domain_state_name(state);

    for (size_t i = 0; i < sizeof(state_text) / sizeof(state_text[0]); i++)
        if (strcmp(state_text[i][0], s) == 0)
            return _(state_text[i][1]);
    return _("unknown");
}

static void domain_text(vt_buf *b, const vt_conn *c, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(def);
    VT_AUTOFREE char *dflt = vt_domain_default_affinity(c, def);
    char buf[64], lb[128];
    size_t i, j;

    vt_buf_add(b, _("\nVM "));
    add_esc(b, d->name);
    vt_buf_addf(b, "  (%s, %s)\n", state_name(d->state), d->uuid);
    label(b, _("vcpus"));
    vt_buf_addf(b, _("%u (max %u)"), def->vcpus, def->vcpus_max);
    if (def->vcpu_cpuset)
        vt_buf_addf(b, _(", cpuset %s"), def->vcpu_cpuset);
    vt_buf_add(b, "\n");
    vt_fact_mem(def->memory_kib, buf, sizeof(buf));
    kv(b, _("memory"), buf);
    if (def->nvcpupins) {
        label_pad(b, 2, _("vcpu pins"));
        for (i = 0; i < def->nvcpupins; i++)
            vt_buf_addf(b, " %u:%s", def->vcpupins[i].id, def->vcpupins[i].cpuset ? def->vcpupins[i].cpuset : "-");
        vt_buf_add(b, "\n");
    }
    if (def->emulatorpin)
        kv(b, _("emulator pin"), def->emulatorpin);
    for (i = 0; i < def->niothreads; i++) {
        const vt_iothread_def *t = &def->iothreads[i];
        const vt_iothread_def *ct = vt_domdef_iothread(d->config, t->id);
        snprintf(lb, sizeof(lb), _("iothread %u"), t->id);
        label(b, lb);
        vt_buf_addf(b, _("live %s, config %s, used by:"),
                    vt_domain_active(d) ? (t->pin ? t->pin : dflt) : "-",
                    ct ? (ct->pin ? ct->pin : dflt) : "-");
        for (j = 0; j < t->nusers; j++)
            vt_buf_addf(b, " %s", t->users[j]);
        if (!t->nusers)
            vt_buf_add(b, _(" nothing"));
        vt_buf_add(b, "\n");
    }
    if (def->hugepages) {
        label_pad(b, 2, _("hugepages"));
        if (!def->nhugepage_sizes) {
            vt_fact_hugepages(def, buf, sizeof(buf));
            vt_buf_addf(b, " %s", buf);
        }
        /* every size: a guest NUMA node may have its own */
        for (i = 0; i < def->nhugepage_sizes; i++) {
            if (def->hugepage_sizes[i].size_kib)
                vt_fact_pagesize(def->hugepage_sizes[i].size_kib, buf, sizeof(buf));
            else
                snprintf(buf, sizeof(buf), "%s", _("default"));
            vt_buf_addf(b, "%s %s", i ? "," : "", buf);
            if (def->hugepage_sizes[i].nodeset)
                vt_buf_addf(b, _(" on nodes %s"), def->hugepage_sizes[i].nodeset);
        }
        vt_buf_add(b, "\n");
    }
    if (def->numatune) {
        label(b, "numatune");
        vt_buf_addf(b, "%s %s\n", def->numatune->mode,
                    def->numatune->nodeset ? def->numatune->nodeset :
                    (def->numatune->placement ? def->numatune->placement : "-"));
    }
    if (d->spread_present) {
        label_pad(b, 2, _("memory per node"));
        for (i = 0; i < (size_t)d->spread_nnodes; i++) {
            vt_fact_mem(d->spread_kib[i], buf, sizeof(buf));
            vt_buf_add(b, i ? ", " : " ");
            vt_buf_addf(b, _("node %zu: %s"), i, buf);
        }
        vt_buf_addf(b, " (pid %d)\n", d->pid);
    } else {
        label(b, _("memory per node"));
        vt_buf_addf(b, "- (%s)\n", d->spread_why ? d->spread_why : _("unknown"));
    }
    if (sl) {
        label(b, "seclabel");
        vt_buf_addf(b, "type %s model %s relabel %s label ",
                    sl->type, sl->model ? sl->model : "-", sl->relabel ? sl->relabel : "-");
        add_esc(b, sl->label);
        vt_buf_add(b, "\n");
    } else {
        kv(b, "seclabel", _("none in XML (host default applies)"));
    }
    if (d->live_label)
        kv(b, _("live label"), d->live_label);
    if (d->process_label)
        kv(b, _("process label"), d->process_label);
    if (d->sandbox >= 0)
        kv(b, _("QEMU sandbox"), d->sandbox ? _("on (-sandbox on)") : _("off (no -sandbox on)"));
    for (i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        vt_fact_disk_iothread_text(def, k, buf, sizeof(buf));
        snprintf(lb, sizeof(lb), _("disk %s"), k->target ? k->target : "?");
        label(b, lb);
        vt_buf_addf(b, "%s/%s bus %s cache %s io %s iothread %s%s%s\n",
                    k->type ? k->type : "-", k->device,
                    k->bus ? k->bus : "-", k->cache ? k->cache : "-", k->io ? k->io : "-",
                    buf, k->rawio ? " rawio " : "", k->rawio ? k->rawio : "");
        /* TRANSLATORS: a disk's file, device or volume, "      source PATH" */
        vt_buf_addf(b, "      %s ", _("source"));
        if (k->source)
            add_esc(b, k->source);
        else
            vt_buf_add(b, _("- (none: an empty drive)"));
        vt_buf_add(b, "\n");
    }
    for (i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        vt_fact_queues(k, def->vcpus, buf, sizeof(buf));
        const vt_nic_host *h = vt_tap_find(d->nichost, d->nnichost, k->mac);
        snprintf(lb, sizeof(lb), _("nic %s"), k->mac ? k->mac : "?");
        label(b, lb);
        vt_buf_addf(b, "model %s driver %s queues %s\n",
                    k->model ? k->model : "-", k->driver_name ? k->driver_name : "-", buf);
        /* TRANSLATORS: a NIC's <interface type=...> and <source ...>,
           "      source bridge br0"; the type stays as libvirt names it */
        vt_buf_addf(b, "      %s %s ", _("source"), k->type ? k->type : "-");
        add_esc(b, k->source);
        vt_buf_add(b, "\n");
        /* TRANSLATORS: the host side of a NIC: its tap device, the bridge
           or network it is on, then its MTU; "mtu" stays as ip(8) says it */
        vt_buf_addf(b, _("      host %s on %s mtu "), h && h->dev ? h->dev : "-",
                    k->source ? k->source : "-");
        if (h && h->mtu)
            vt_buf_addf(b, "%u", h->mtu);
        else
            vt_buf_add(b, "-");
        if (h && h->has_coalesce)
            vt_buf_addf(b, " coalesce rx-frames %u rx-usecs %u tx-frames %u tx-usecs %u\n",
                        h->co.rx_frames, h->co.rx_usecs, h->co.tx_frames, h->co.tx_usecs);
        else
            vt_buf_addf(b, " coalesce - (%s)\n", h && h->why ? h->why : _("no host data"));
    }
    if (def->agent_channel) {
        char *t = vt_agent_text(&d->agent), *on = vt_agent_risky_text(&d->agent);
        kv(b, _("guest agent"), def->agent_state ? def->agent_state : _("channel present"));
        kv(b, _("agent commands"), t);
        if (on[0])
            kv(b, _("agent file/exec"), on);
        free(t);
        free(on);
    }
    if (d->haltpoll_present) {
        label(b, "haltpoll");
        vt_buf_addf(b, _("success %llu ns, fail %llu ns\n"), d->haltpoll_success_ns,
                    d->haltpoll_fail_ns);
    }
}

char *vt_report_text(const vt_conn *c)
{
    vt_buf b = { 0 };
    VT_AUTOFREE vt_domain **v = sorted_domains(c);
    size_t i;

    host_text(&b, c);
    vt_buf_addf(&b, P_("\n%zu domain(s)\n", "\n%zu domain(s)\n", (unsigned long)c->ndoms),
                c->ndoms);
    for (i = 0; i < c->ndoms; i++)
        domain_text(&b, c, v[i]);
    return vt_buf_steal(&b);
}
