#include "domxml.h"

#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "xmlutil.h"

/* Canonical cpuset ("0-3,5"); a value libvirt would not have accepted is
 * kept verbatim so that it is still shown. */
static char *canon_cpuset(char *raw)
{
    vt_cpuset set;
    char *c;

    if (!raw)
        return NULL;
    if (vt_cpuset_parse(raw, &set, NULL) < 0)
        return raw;
    c = vt_cpuset_format(&set);
    free(raw);
    return c;
}

unsigned long long vt_size_to_kib(const char *value, const char *unit)
{
    unsigned long long v;
    static const struct {
        const char *unit;
        unsigned long long mult;     /* to bytes */
        bool kib;                    /* exact KiB multiple */
    } units[] = {
        { "b", 1, false }, { "bytes", 1, false },
        { "KB", 1000ULL, false }, { "k", 1024ULL, true }, { "KiB", 1024ULL, true },
        { "MB", 1000000ULL, false }, { "M", 1ULL << 20, true }, { "MiB", 1ULL << 20, true },
        { "GB", 1000000000ULL, false }, { "G", 1ULL << 30, true }, { "GiB", 1ULL << 30, true },
        { "TB", 1000000000000ULL, false }, { "T", 1ULL << 40, true }, { "TiB", 1ULL << 40, true },
    };
    size_t i;

    if (!value || vt_parse_ull(value, &v) < 0)
        return 0;
    if (!unit)
        return v;        /* libvirt's default unit is KiB */
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(unit, units[i].unit) != 0)
            continue;
        if (units[i].kib)
            return v * (units[i].mult / 1024);
        return v * units[i].mult / 1024;
    }
    return 0;
}

static unsigned long long mem_kib(const xmlNode *n)
{
    VT_AUTOFREE char *unit = vt_xml_attr(n, "unit");
    VT_AUTOFREE char *val = vt_xml_text(n);

    if (!val)
        return 0;
    return vt_size_to_kib(vt_rstrip(val), unit);
}

static void iothread_add_user(vt_domdef *def, unsigned id, const char *user)
{
    size_t i;

    for (i = 0; i < def->niothreads; i++) {
        vt_iothread_def *t = &def->iothreads[i];
        if (t->id != id)
            continue;
        char **slot = vt_array_push(&t->users, &t->nusers, sizeof(char *));
        *slot = vt_strdup(user);
        return;
    }
}

static vt_iothread_def *iothread_get(vt_domdef *def, unsigned id)
{
    size_t i;
    vt_iothread_def *t;

    for (i = 0; i < def->niothreads; i++)
        if (def->iothreads[i].id == id)
            return &def->iothreads[i];
    t = vt_array_push(&def->iothreads, &def->niothreads, sizeof(*t));
    t->id = id;
    t->poll_max_ns = -1;
    return t;
}

static int cmp_iothread(const void *a, const void *b)
{
    const vt_iothread_def *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void parse_iothreads(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n, *ids = vt_xml_child(root, "iothreadids");
    unsigned long long count = vt_xml_text_ull(vt_xml_child(root, "iothreads"), 0);
    unsigned i;

    if (ids) {
        for (n = ids->children; n; n = n->next) {
            if (!vt_xml_is(n, "iothread"))
                continue;
            vt_iothread_def *t = iothread_get(def, (unsigned)vt_xml_attr_ull(n, "id", 0));
            xmlNode *poll = vt_xml_child(n, "poll");
            if (poll)
                t->poll_max_ns = (long long)vt_xml_attr_ull(poll, "max", (unsigned long long)-1);
        }
    }
    /* Without <iothreadids>, libvirt numbers them 1..count. */
    for (i = 1; i <= count && def->niothreads < count; i++)
        iothread_get(def, i);
    if (def->niothreads)
        vt_qsort(def->iothreads, def->niothreads, sizeof(*def->iothreads), cmp_iothread);
}

static void parse_cputune(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n, *ct = vt_xml_child(root, "cputune");

    if (!ct)
        return;
    for (n = ct->children; n; n = n->next) {
        if (vt_xml_is(n, "vcpupin")) {
            vt_pin *p = vt_array_push(&def->vcpupins, &def->nvcpupins, sizeof(*p));
            p->id = (unsigned)vt_xml_attr_ull(n, "vcpu", 0);
            p->cpuset = canon_cpuset(vt_xml_attr(n, "cpuset"));
        } else if (vt_xml_is(n, "emulatorpin")) {
            free(def->emulatorpin);
            def->emulatorpin = canon_cpuset(vt_xml_attr(n, "cpuset"));
        } else if (vt_xml_is(n, "iothreadpin")) {
            vt_iothread_def *t = iothread_get(def, (unsigned)vt_xml_attr_ull(n, "iothread", 0));
            free(t->pin);
            t->pin = canon_cpuset(vt_xml_attr(n, "cpuset"));
        }
    }
    if (def->niothreads)
        vt_qsort(def->iothreads, def->niothreads, sizeof(*def->iothreads), cmp_iothread);
}

static void parse_memory_backing(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n, *hp = vt_xml_child(vt_xml_child(root, "memoryBacking"), "hugepages");

    if (!hp)
        return;
    def->hugepages = true;
    for (n = hp->children; n; n = n->next) {
        if (!vt_xml_is(n, "page"))
            continue;
        vt_hugepage_def *h = vt_array_push(&def->hugepage_sizes, &def->nhugepage_sizes, sizeof(*h));
        VT_AUTOFREE char *size = vt_xml_attr(n, "size");
        VT_AUTOFREE char *unit = vt_xml_attr(n, "unit");
        h->size_kib = vt_size_to_kib(size, unit);
        h->nodeset = vt_xml_attr(n, "nodeset");
    }
}

static void parse_numatune(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n, *nt = vt_xml_child(root, "numatune"), *mem;

    if (!nt)
        return;
    def->numatune = vt_calloc(1, sizeof(*def->numatune));
    mem = vt_xml_child(nt, "memory");
    if (mem) {
        def->numatune->mode = vt_xml_attr(mem, "mode");
        def->numatune->nodeset = canon_cpuset(vt_xml_attr(mem, "nodeset"));
        def->numatune->placement = vt_xml_attr(mem, "placement");
    }
    if (!def->numatune->mode)
        def->numatune->mode = vt_strdup("strict");
    for (n = nt->children; n; n = n->next) {
        if (!vt_xml_is(n, "memnode"))
            continue;
        vt_memnode_def *m = vt_array_push(&def->numatune->memnodes,
                                          &def->numatune->nmemnodes, sizeof(*m));
        m->cellid = (unsigned)vt_xml_attr_ull(n, "cellid", 0);
        m->mode = vt_xml_attr(n, "mode");
        m->nodeset = canon_cpuset(vt_xml_attr(n, "nodeset"));
    }
}

static void parse_cells(vt_domdef *def, const xmlNode *root)
{
    xmlNode *numa = vt_xml_child(vt_xml_child(root, "cpu"), "numa"), *n;

    for (n = numa ? numa->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *mem = NULL, *unit = NULL;
        vt_cell_def *cell;
        if (!vt_xml_is(n, "cell"))
            continue;
        cell = vt_array_push(&def->cells, &def->ncells, sizeof(*cell));
        /* libvirt numbers cells without an id in their order */
        cell->id = (unsigned)vt_xml_attr_ull(n, "id", def->ncells - 1);
        cell->cpus = canon_cpuset(vt_xml_attr(n, "cpus"));
        mem = vt_xml_attr(n, "memory");
        unit = vt_xml_attr(n, "unit");
        cell->memory_kib = vt_size_to_kib(mem, unit);
    }
}

static void parse_seclabels(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n;

    for (n = root->children; n; n = n->next) {
        if (!vt_xml_is(n, "seclabel"))
            continue;
        vt_seclabel_def *s = vt_array_push(&def->seclabels, &def->nseclabels, sizeof(*s));
        s->type = vt_xml_attr(n, "type");
        s->model = vt_xml_attr(n, "model");
        s->relabel = vt_xml_attr(n, "relabel");
        s->label = vt_xml_text(vt_xml_child(n, "label"));
        s->imagelabel = vt_xml_text(vt_xml_child(n, "imagelabel"));
        if (!s->type)
            s->type = vt_strdup("dynamic");
    }
}

static void parse_disk(vt_domdef *def, const xmlNode *n)
{
    vt_disk_def *d = vt_array_push(&def->disks, &def->ndisks, sizeof(*d));
    xmlNode *drv = vt_xml_child(n, "driver"), *src = vt_xml_child(n, "source");
    xmlNode *tgt = vt_xml_child(n, "target"), *addr = vt_xml_child(n, "address");

    d->type = vt_xml_attr(n, "type");
    d->device = vt_xml_attr(n, "device");
    d->rawio = vt_xml_attr(n, "rawio");
    d->sgio = vt_xml_attr(n, "sgio");
    d->driver_name = vt_xml_attr(drv, "name");
    d->driver_type = vt_xml_attr(drv, "type");
    d->cache = vt_xml_attr(drv, "cache");
    d->io = vt_xml_attr(drv, "io");
    d->iothread = (unsigned)vt_xml_attr_ull(drv, "iothread", 0);
    d->target = vt_xml_attr(tgt, "dev");
    d->bus = vt_xml_attr(tgt, "bus");
    if (src) {
        static const char *const keys[] = { "file", "dev", "name", "dir", "volume" };
        size_t i;
        for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !d->source; i++)
            d->source = vt_xml_attr(src, keys[i]);
    }
    d->controller = -1;
    if (addr) {
        VT_AUTOFREE char *atype = vt_xml_attr(addr, "type");
        if (atype && strcmp(atype, "drive") == 0)
            d->controller = (int)vt_xml_attr_ull(addr, "controller", 0);
    }
    if (!d->device)
        d->device = vt_strdup("disk");
}

static void parse_devices(vt_domdef *def, const xmlNode *root)
{
    xmlNode *n, *devs = vt_xml_child(root, "devices");
    size_t i;

    if (!devs)
        return;
    for (n = devs->children; n; n = n->next) {
        if (vt_xml_is(n, "disk")) {
            parse_disk(def, n);
        } else if (vt_xml_is(n, "controller")) {
            vt_controller_def *c = vt_array_push(&def->controllers, &def->ncontrollers, sizeof(*c));
            c->type = vt_xml_attr(n, "type");
            c->model = vt_xml_attr(n, "model");
            c->index = (unsigned)vt_xml_attr_ull(n, "index", 0);
            c->iothread = (unsigned)vt_xml_attr_ull(vt_xml_child(n, "driver"), "iothread", 0);
            c->alias = vt_xml_attr(vt_xml_child(n, "alias"), "name");
        } else if (vt_xml_is(n, "interface")) {
            vt_nic_def *i2 = vt_array_push(&def->nics, &def->nnics, sizeof(*i2));
            xmlNode *src = vt_xml_child(n, "source");
            i2->type = vt_xml_attr(n, "type");
            i2->mac = vt_xml_attr(vt_xml_child(n, "mac"), "address");
            i2->model = vt_xml_attr(vt_xml_child(n, "model"), "type");
            i2->driver_name = vt_xml_attr(vt_xml_child(n, "driver"), "name");
            i2->queues = (unsigned)vt_xml_attr_ull(vt_xml_child(n, "driver"), "queues", 0);
            i2->target = vt_xml_attr(vt_xml_child(n, "target"), "dev");
            {
                xmlNode *fr = vt_xml_child(vt_xml_child(vt_xml_child(n, "coalesce"), "rx"),
                                           "frames");
                VT_AUTOFREE char *mx = vt_xml_attr(fr, "max");
                i2->coalesce_rx_frames = mx ? (int)vt_xml_attr_ull(fr, "max", 0) : -1;
            }
            if (src) {
                i2->source = vt_xml_attr(src, "network");
                if (!i2->source)
                    i2->source = vt_xml_attr(src, "bridge");
                if (!i2->source)
                    i2->source = vt_xml_attr(src, "dev");
            }
        } else if (vt_xml_is(n, "channel")) {
            xmlNode *tgt = vt_xml_child(n, "target");
            VT_AUTOFREE char *name = vt_xml_attr(tgt, "name");
            if (name && strcmp(name, "org.qemu.guest_agent.0") == 0) {
                def->agent_channel = true;
                free(def->agent_state);
                def->agent_state = vt_xml_attr(tgt, "state");
            }
        }
    }

    /* Who uses each IOThread: disks directly, and disks on a virtio-scsi
     * controller through the controller. */
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i].iothread) {
            VT_AUTOFREE char *u = vt_asprintf("disk %s", def->disks[i].target ? def->disks[i].target : "?");
            iothread_add_user(def, def->disks[i].iothread, u);
        }
    }
    for (i = 0; i < def->ncontrollers; i++) {
        vt_controller_def *c = &def->controllers[i];
        if (c->iothread) {
            VT_AUTOFREE char *u = vt_asprintf("controller %s%u", c->type ? c->type : "?", c->index);
            iothread_add_user(def, c->iothread, u);
        }
    }
}

vt_domdef *vt_domdef_parse(const char *xml, vt_err *err)
{
    xmlDoc *doc = NULL;
    xmlNode *root, *vcpu;
    vt_domdef *def = NULL;
    VT_AUTOFREE char *id = NULL;

    if (!xml || !*xml) {
        vt_err_set(err, _("empty domain XML"));
        return NULL;
    }
    if (!(doc = vt_xml_read(xml, "domain XML", err)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!vt_xml_is(root, "domain")) {
        vt_err_set(err, _("not a libvirt domain: root element is <%s>"),
                   root ? (const char *)root->name : "none");
        goto cleanup;
    }

    def = vt_calloc(1, sizeof(*def));
    def->type = vt_xml_attr(root, "type");
    id = vt_xml_attr(root, "id");
    def->id = -1;
    if (id) {
        unsigned long long v;
        if (vt_parse_ull(id, &v) == 0)
            def->id = (int)v;
    }
    def->name = vt_xml_text(vt_xml_child(root, "name"));
    def->uuid = vt_xml_text(vt_xml_child(root, "uuid"));
    if (def->name)
        vt_rstrip(def->name);
    if (def->uuid)
        vt_rstrip(def->uuid);

    vcpu = vt_xml_child(root, "vcpu");
    def->vcpus_max = (unsigned)vt_xml_text_ull(vcpu, 1);
    def->vcpus = (unsigned)vt_xml_attr_ull(vcpu, "current", def->vcpus_max);
    def->vcpu_cpuset = canon_cpuset(vt_xml_attr(vcpu, "cpuset"));
    def->vcpu_placement = vt_xml_attr(vcpu, "placement");
    def->memory_kib = mem_kib(vt_xml_child(root, "memory"));
    def->current_memory_kib = mem_kib(vt_xml_child(root, "currentMemory"));
    if (!def->current_memory_kib)
        def->current_memory_kib = def->memory_kib;

    parse_iothreads(def, root);
    parse_cputune(def, root);
    parse_memory_backing(def, root);
    parse_numatune(def, root);
    parse_cells(def, root);
    parse_seclabels(def, root);
    parse_devices(def, root);

cleanup:
    xmlFreeDoc(doc);
    return def;
}

static void seclabel_clear(vt_seclabel_def *s)
{
    free(s->type);
    free(s->model);
    free(s->relabel);
    free(s->label);
    free(s->imagelabel);
}

void vt_domdef_free(vt_domdef *def)
{
    size_t i, j;

    if (!def)
        return;
    free(def->name);
    free(def->uuid);
    free(def->type);
    free(def->vcpu_cpuset);
    free(def->vcpu_placement);
    for (i = 0; i < def->nvcpupins; i++)
        free(def->vcpupins[i].cpuset);
    free(def->vcpupins);
    free(def->emulatorpin);
    for (i = 0; i < def->niothreads; i++) {
        free(def->iothreads[i].pin);
        for (j = 0; j < def->iothreads[i].nusers; j++)
            free(def->iothreads[i].users[j]);
        free(def->iothreads[i].users);
    }
    free(def->iothreads);
    for (i = 0; i < def->nhugepage_sizes; i++)
        free(def->hugepage_sizes[i].nodeset);
    free(def->hugepage_sizes);
    if (def->numatune) {
        free(def->numatune->mode);
        free(def->numatune->nodeset);
        free(def->numatune->placement);
        for (i = 0; i < def->numatune->nmemnodes; i++) {
            free(def->numatune->memnodes[i].mode);
            free(def->numatune->memnodes[i].nodeset);
        }
        free(def->numatune->memnodes);
        free(def->numatune);
    }
    for (i = 0; i < def->ncells; i++)
        free(def->cells[i].cpus);
    free(def->cells);
    for (i = 0; i < def->nseclabels; i++)
        seclabel_clear(&def->seclabels[i]);
    free(def->seclabels);
    for (i = 0; i < def->ndisks; i++) {
        vt_disk_def *d = &def->disks[i];
        free(d->type); free(d->device); free(d->bus); free(d->target);
        free(d->source); free(d->driver_name); free(d->driver_type);
        free(d->cache); free(d->io); free(d->rawio); free(d->sgio);
    }
    free(def->disks);
    for (i = 0; i < def->ncontrollers; i++) {
        free(def->controllers[i].type);
        free(def->controllers[i].model);
        free(def->controllers[i].alias);
    }
    free(def->controllers);
    for (i = 0; i < def->nnics; i++) {
        vt_nic_def *n = &def->nics[i];
        free(n->type); free(n->mac); free(n->model); free(n->driver_name);
        free(n->source); free(n->target);
    }
    free(def->nics);
    free(def->agent_state);
    free(def);
}

const vt_seclabel_def *vt_domdef_main_seclabel(const vt_domdef *def)
{
    size_t i;

    if (!def || def->nseclabels == 0)
        return NULL;
    for (i = 0; i < def->nseclabels; i++)
        if (def->seclabels[i].model && strcmp(def->seclabels[i].model, "selinux") == 0)
            return &def->seclabels[i];
    return &def->seclabels[0];
}

const vt_iothread_def *vt_domdef_iothread(const vt_domdef *def, unsigned id)
{
    size_t i;

    for (i = 0; def && i < def->niothreads; i++)
        if (def->iothreads[i].id == id)
            return &def->iothreads[i];
    return NULL;
}
