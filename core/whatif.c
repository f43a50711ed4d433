#include "whatif.h"

#include <stdlib.h>
#include <string.h>

#include "advisor.h"
#include "domxml.h"
#include "xmledit.h"

/* One VM of the copy: the snapshot's domain, shallow, with the edited
 * definitions (owned here) in place of its own. */
typedef struct model_vm {
    vt_domain d;
    char *cfg_xml, *live_xml;      /* owned once edited */
    vt_domdef *cfg, *live;         /* owned once edited */
} model_vm;

typedef struct model {
    vt_conn c;                     /* shallow copy: doms, host.pools,
                                      host.nodes and host.sriov (not its
                                      VFs) are the model's own */
    model_vm *vms;
    vt_domain **doms;
} model;

static void model_init(model *m, const vt_conn *c)
{
    memcpy(&m->c, c, sizeof(m->c));
    m->vms = vt_calloc(c->ndoms ? c->ndoms : 1, sizeof(*m->vms));
    m->doms = vt_calloc(c->ndoms ? c->ndoms : 1, sizeof(*m->doms));
    for (size_t i = 0; i < c->ndoms; i++) {
        m->vms[i].d = *c->doms[i];
        m->doms[i] = &m->vms[i].d;
    }
    m->c.doms = m->doms;
    m->c.host.pools = vt_calloc(c->host.npools ? c->host.npools : 1, sizeof(vt_hp_pool));
    for (size_t i = 0; i < c->host.npools; i++) {
        m->c.host.pools[i] = c->host.pools[i];
        m->c.host.pools[i].nodes = vt_calloc(c->host.pools[i].nnodes ? c->host.pools[i].nnodes : 1,
                                             sizeof(vt_hp_node));
        if (c->host.pools[i].nnodes)
            memcpy(m->c.host.pools[i].nodes, c->host.pools[i].nodes,
                   c->host.pools[i].nnodes * sizeof(vt_hp_node));
    }
    m->c.host.sriov = vt_calloc(c->host.nsriov ? c->host.nsriov : 1, sizeof(vt_sriov_pf));
    if (c->host.nsriov)
        memcpy(m->c.host.sriov, c->host.sriov, c->host.nsriov * sizeof(vt_sriov_pf));
    m->c.host.nodes = vt_calloc(c->host.nnodes ? c->host.nnodes : 1, sizeof(vt_numa_node));
    if (c->host.nnodes)
        memcpy(m->c.host.nodes, c->host.nodes, c->host.nnodes * sizeof(vt_numa_node));
}

static void model_free(model *m, size_t ndoms)
{
    for (size_t i = 0; i < ndoms; i++) {
        model_vm *v = &m->vms[i];
        if (v->live != v->cfg)
            vt_domdef_free(v->live);
        vt_domdef_free(v->cfg);
        free(v->cfg_xml);
        free(v->live_xml);
    }
    for (size_t i = 0; i < m->c.host.npools; i++)
        free(m->c.host.pools[i].nodes);
    free(m->c.host.pools);
    free(m->c.host.nodes);
    free(m->c.host.sriov);
    free(m->vms);
    free(m->doms);
}

static model_vm *find_vm(model *m, const char *name)
{
    for (size_t i = 0; name && i < m->c.ndoms; i++)
        if (m->vms[i].d.name && strcmp(m->vms[i].d.name, name) == 0)
            return &m->vms[i];
    return NULL;
}

/* Does the edit change the running VM too? As the apply engine prepares
 * it: pins and IOThreads live by scope, numatune only strict to strict. */
static bool goes_live(const vt_domain *d, const vt_edit *e)
{
    switch (e->kind) {
    case VT_EDIT_IOTHREADS:
        return true;
    case VT_EDIT_IOTHREAD_PIN:
    case VT_EDIT_VCPU_PIN:
    case VT_EDIT_EMULATOR_PIN:
        return (e->scope & VT_SCOPE_LIVE) != 0;
    case VT_EDIT_NIC_COALESCE:
        /* the ioctl on the tap: modelled as the <coalesce> of the running
           definition, which the advisor reads beside the tap's own value */
        return (e->scope & VT_SCOPE_LIVE) && vt_tap_find(d->nichost, d->nnichost, e->target) &&
               vt_tap_find(d->nichost, d->nnichost, e->target)->has_coalesce;
    case VT_EDIT_NUMATUNE:
        return (e->scope & VT_SCOPE_LIVE) && e->mode && strcmp(e->mode, "strict") == 0 && d->live &&
               d->live->numatune && d->live->numatune->mode &&
               strcmp(d->live->numatune->mode, "strict") == 0;
    default:
        return false;
    }
}

static bool goes_config(const vt_edit *e)
{
    switch (e->kind) {
    case VT_EDIT_IOTHREAD_PIN:
    case VT_EDIT_VCPU_PIN:
    case VT_EDIT_EMULATOR_PIN:
    case VT_EDIT_NUMATUNE:
    case VT_EDIT_NIC_COALESCE:
        return (e->scope & VT_SCOPE_CONFIG) != 0;
    default:
        return true;
    }
}

/* Edit one of the VM's XMLs and parse it back: 0, or -1 with the reason. */
static int edit_def(const char *xml, const vt_edit *e, char **xml_out, vt_domdef **def_out,
                    vt_err *err)
{
    char *nx = vt_xml_apply_edit(xml, e, err);
    vt_domdef *def;

    if (!nx)
        return -1;
    if (!(def = vt_domdef_parse(nx, err))) {
        free(nx);
        return -1;
    }
    *xml_out = nx;
    *def_out = def;
    return 0;
}

static int model_vm_edit(model_vm *v, const vt_edit *e, vt_err *err)
{
    bool active = vt_domain_active(&v->d);
    bool to_live = active && goes_live(&v->d, e);
    bool to_cfg = !active || goes_config(e);
    const char *cfg_xml = v->cfg_xml ? v->cfg_xml : v->d.config_xml;
    const char *live_xml = v->live_xml ? v->live_xml : v->d.live_xml;
    char *nx;
    vt_domdef *nd;

    if (to_cfg) {
        if (!cfg_xml) {
            vt_err_set(err, _("%s: no inactive XML in the snapshot"), v->d.name);
            return -1;
        }
        if (edit_def(cfg_xml, e, &nx, &nd, err) < 0)
            return -1;
        if (v->cfg != v->live)
            vt_domdef_free(v->cfg);
        free(v->cfg_xml);
        v->cfg_xml = nx;
        v->cfg = nd;
        v->d.config = nd;
        if (!active) {
            /* off: the definition is the one it starts with */
            if (v->live && v->live != v->cfg)
                vt_domdef_free(v->live);
            v->live = NULL;
            v->d.live = nd;
        }
    }
    if (to_live) {
        if (!live_xml) {
            vt_err_set(err, _("%s: no running XML in the snapshot"), v->d.name);
            return -1;
        }
        if (edit_def(live_xml, e, &nx, &nd, err) < 0)
            return -1;
        if (v->live != v->cfg)
            vt_domdef_free(v->live);
        free(v->live_xml);
        v->live_xml = nx;
        v->live = nd;
        v->d.live = nd;
    }
    return 0;
}

/* Pages of a pool on one node change from nr to want: the free pages and
 * the node's free memory follow; pages in use stay (the kernel keeps them
 * as surplus). A pool grows only by what the node's free memory holds, as
 * the kernel gives what it finds (the plan's pre-flight says so too).
 * Returns the change in the node's pages. */
static long long pool_node_set(vt_hp_pool *p, vt_hp_node *n, vt_numa_node *mem,
                               unsigned long long want)
{
    unsigned long long used = n->nr > n->free ? n->nr - n->free : 0;
    unsigned long long now = want > used ? want : used;
    long long delta;

    if (mem && mem->free_known && p->size_kib && now > n->nr &&
        now - n->nr > mem->free_kib / p->size_kib)
        now = n->nr + mem->free_kib / p->size_kib;
    delta = (long long)now - (long long)n->nr;

    n->free = now - used;
    n->surplus = want < used ? used - want : 0;
    n->nr = now;
    p->nr = (unsigned long long)((long long)p->nr + delta);
    if (mem && mem->free_known) {
        long long kib = delta * (long long)p->size_kib;
        mem->free_kib = kib > 0 && (unsigned long long)kib > mem->free_kib
                            ? 0 : (unsigned long long)((long long)mem->free_kib - kib);
    }
    return delta;
}

static vt_numa_node *numa_node(vt_host *h, int id)
{
    for (size_t i = 0; i < h->nnodes; i++)
        if (h->nodes[i].id == id)
            return &h->nodes[i];
    return NULL;
}

static void model_pool(vt_host *h, const vt_edit *e)
{
    vt_hp_pool *p = NULL;

    for (size_t i = 0; i < h->npools; i++)
        if (h->pools[i].size_kib == e->size_kib)
            p = &h->pools[i];
    if (!p)
        return;
    if (!p->nnodes) {
        unsigned long long used = p->nr > p->free ? p->nr - p->free : 0;
        p->nr = e->value > used ? e->value : used;
        p->free = p->nr - used;
    } else if (e->node >= 0) {
        for (size_t k = 0; k < p->nnodes; k++)
            if (p->nodes[k].node == e->node) {
                long long d = pool_node_set(p, &p->nodes[k], numa_node(h, e->node), e->value);
                p->free = (unsigned long long)((long long)p->free + d);
            }
    } else {
        /* the kernel spreads a host-wide count over the nodes */
        unsigned long long each = e->value / p->nnodes, rest = e->value % p->nnodes;
        p->free = 0;
        for (size_t k = 0; k < p->nnodes; k++) {
            pool_node_set(p, &p->nodes[k], numa_node(h, p->nodes[k].node),
                          each + (k < rest ? 1 : 0));
            p->free += p->nodes[k].free;
        }
    }
}

static void model_host_edit(vt_host *h, const vt_edit *e)
{
    vt_u64_fact *f = NULL;

    switch (e->kind) {
    case VT_EDIT_HOST_PARAM:
        if (strcmp(e->knob, "halt_poll_ns") == 0)
            f = &h->halt_poll_ns;
        else if (strcmp(e->knob, "halt_poll_ns_grow") == 0)
            f = &h->halt_poll_ns_grow;
        else if (strcmp(e->knob, "halt_poll_ns_grow_start") == 0)
            f = &h->halt_poll_ns_grow_start;
        else if (strcmp(e->knob, "halt_poll_ns_shrink") == 0)
            f = &h->halt_poll_ns_shrink;
        if (f) {
            f->present = true;
            f->value = e->value;
            f->why = NULL;
        }
        break;
    case VT_EDIT_HOST_WORKQUEUE:
        h->workqueue_cpus = e->cpuset;
        h->workqueue_mask = NULL;       /* the raw mask would be the old one */
        break;
    case VT_EDIT_HOST_THP:
        if (strcmp(e->knob, "defrag") == 0)
            h->thp_defrag = e->mode;
        else
            h->thp_enabled = e->mode;
        break;
    case VT_EDIT_HOST_HUGEPAGES:
        model_pool(h, e);
        break;
    case VT_EDIT_HOST_MODULE:
        h->vhost_net_loaded = true;    /* the load is checked in sysfs when it runs */
        break;
    case VT_EDIT_HOST_SRIOV:
        /* the engine refuses a count while VMs hold VFs: the new ones are free */
        for (size_t i = 0; i < h->nsriov; i++)
            if (strcmp(h->sriov[i].pf, e->target) == 0)
                h->sriov[i].numvfs = (unsigned)e->value;
        break;
    default:
        break;
    }
}

/* A finding as the judgement names it: its severity, topic and subject,
 * in the user's language (the topic and names stay as they are). */
static char *finding_text(const vt_advice *a)
{
    /* TRANSLATORS: a severity, first word of "failure svirt web-01: ..." */
    return vt_asprintf("%s %s %s: %s", a->sev == VT_SEV_FAIL ? _("failure") : _("warning"),
                       a->topic, a->vm ? a->vm : "host", vt_advice_summary(a));
}

static bool same_subject(const vt_advice *a, const vt_advice *b)
{
    return b->sev == a->sev && strcmp(b->topic, a->topic) == 0 &&
           (a->vm ? b->vm && strcmp(a->vm, b->vm) == 0 : !b->vm);
}

static const vt_advice *find_exact(const vt_advice_list *l, const vt_advice *a)
{
    for (size_t i = 0; i < l->n; i++)
        if (same_subject(a, &l->items[i]) && strcmp(a->summary, l->items[i].summary) == 0)
            return &l->items[i];
    return NULL;
}

/* The same sentence with other numbers in it ("node 1 has 1024 free" and
 * "node 1 has 5120 free"): the finding an edit changed without fixing. */
static bool same_but_numbers(const char *a, const char *b)
{
    for (;;) {
        bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
        if (da != db)
            return false;
        if (da) {
            while (*a >= '0' && *a <= '9')
                a++;
            while (*b >= '0' && *b <= '9')
                b++;
            continue;
        }
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++;
        b++;
    }
}

/* a's counterpart in l (`other` is the list a is in): the same finding,
 * or else one that reads the same but for its numbers and has no
 * counterpart of its own in `other`. */
static const vt_advice *find(const vt_advice_list *l, const vt_advice *a,
                             const vt_advice_list *other)
{
    const vt_advice *b = find_exact(l, a);

    if (b)
        return b;
    for (size_t i = 0; i < l->n; i++) {
        b = &l->items[i];
        if (same_subject(a, b) && same_but_numbers(a->summary, b->summary) &&
            !find_exact(other, b))
            return b;
    }
    return NULL;
}

static void verdict(vt_judgement *j, size_t edit, vt_verdict_kind kind, const vt_advice *a)
{
    vt_verdict *v = vt_array_push(&j->verdicts, &j->nverdicts, sizeof(*v));

    v->edit = edit;
    v->kind = kind;
    v->failure = a->sev == VT_SEV_FAIL;
    v->text = finding_text(a);
    if (kind == VT_VERDICT_STILL) {
        char *t = vt_asprintf("%s (%s)", v->text, vt_advice_evidence(a));
        free(v->text);
        v->text = t;
    }
}

/* What edit `edit` changed, from the judgement before to the one after.
 * Infos are not verdicts: only what the exit status counts. */
static void compare(vt_judgement *j, size_t edit, const vt_advice_list *before,
                    const vt_advice_list *after)
{
    for (size_t i = 0; i < before->n; i++) {
        const vt_advice *a = &before->items[i], *b;
        if (a->sev == VT_SEV_INFO || a->pending_restart)
            continue;
        b = find(after, a, before);
        if (!b)
            verdict(j, edit, VT_VERDICT_RESOLVES, a);
        else if (b->pending_restart)
            verdict(j, edit, VT_VERDICT_PENDING, a);
        else if (strcmp(a->summary, b->summary) != 0 ||
                 (a->evidence && b->evidence && strcmp(a->evidence, b->evidence) != 0))
            verdict(j, edit, VT_VERDICT_STILL, b);   /* touched, not fixed: as it would be */
    }
    for (size_t i = 0; i < after->n; i++) {
        const vt_advice *a = &after->items[i], *b;
        if (a->sev == VT_SEV_INFO || a->pending_restart)
            continue;
        b = find(before, a, after);
        if (!b || b->pending_restart)
            verdict(j, edit, VT_VERDICT_INTRODUCES, a);
    }
}

void vt_whatif_judge(const vt_conn *c, const vt_changeset *cs, vt_judgement *out)
{
    model m;
    vt_advice_list first = { 0 }, prev = { 0 }, cur = { 0 };
    vt_advise_opts ao = { .remote = NULL };
    vt_err err = { { 0 } };
    vt_judgement j = { 0 };

    model_init(&m, c);
    j.edits = vt_calloc(cs->n ? cs->n : 1, sizeof(char *));
    j.nedits = cs->n;
    for (size_t i = 0; i < cs->n; i++)
        j.edits[i] = vt_edit_format(&cs->edits[i]);
    vt_advise(&m.c, &ao, &first);
    vt_advise(&m.c, &ao, &prev);
    for (size_t i = 0; i < cs->n; i++) {
        const vt_edit *e = &cs->edits[i];
        if (vt_edit_is_host(e)) {
            model_host_edit(&m.c.host, e);
        } else {
            model_vm *v = find_vm(&m, e->vm);
            if (!v) {
                vt_err_set(&err, _("no VM named \"%s\""), e->vm);
                goto cleanup;
            }
            if (model_vm_edit(v, e, &err) < 0)
                goto cleanup;
        }
        vt_advise(&m.c, &ao, &cur);
        compare(&j, i, &prev, &cur);
        vt_advice_list_clear(&prev);
        prev = cur;
        memset(&cur, 0, sizeof(cur));
    }
    /* the set as a whole: an edit that undoes another's finding nets out */
    for (size_t i = 0; i < prev.n; i++) {
        const vt_advice *a = &prev.items[i], *b = find(&first, a, &prev);
        if (a->sev == VT_SEV_INFO || a->pending_restart || (b && !b->pending_restart))
            continue;
        if (a->sev == VT_SEV_FAIL)
            j.new_failures++;
        else
            j.new_warnings++;
    }
    for (size_t i = 0; i < first.n; i++) {
        const vt_advice *a = &first.items[i], *b = find(&prev, a, &first);
        if (a->sev != VT_SEV_INFO && !a->pending_restart && (!b || b->pending_restart))
            j.resolved++;
    }
    j.judged = true;

cleanup:
    if (!j.judged)
        j.why = vt_asprintf(_("not judged: %s"), err.msg);
    vt_advice_list_clear(&first);
    vt_advice_list_clear(&prev);
    vt_advice_list_clear(&cur);
    model_free(&m, c->ndoms);
    vt_judgement_clear(out);
    *out = j;
}
