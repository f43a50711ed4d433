#include "xmledit.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "checks.h"
#include "cpuset.h"
#include "domxml.h"
#include "xmlutil.h"

/* The child `name` of parent, created (appended) when missing. */
static xmlNode *get_or_add(xmlNode *parent, const char *name)
{
    xmlNode *n = vt_xml_child(parent, name);

    if (!n)
        n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    return n;
}

static void set_attr(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static void set_text(xmlNode *n, const char *text)
{
    xmlNodeSetContent(n, (const xmlChar *)text);
}

static void remove_node(xmlNode *n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* The first child `name` whose attribute `attr` equals `value`. */
static xmlNode *child_with(xmlNode *parent, const char *name, const char *attr, const char *value)
{
    xmlNode *n;

    for (n = parent ? parent->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *v = NULL;
        if (!vt_xml_is(n, name))
            continue;
        v = vt_xml_attr(n, attr);
        if (v && strcmp(v, value) == 0)
            return n;
    }
    return NULL;
}

static int iothread_in_use(xmlNode *root, unsigned id, char *who, size_t whosz)
{
    xmlNode *devs = vt_xml_child(root, "devices"), *n;
    char ids[16];

    snprintf(ids, sizeof(ids), "%u", id);
    for (n = devs ? devs->children : NULL; n; n = n->next) {
        xmlNode *drv;
        VT_AUTOFREE char *v = NULL;
        if (!vt_xml_is(n, "disk") && !vt_xml_is(n, "controller"))
            continue;
        drv = vt_xml_child(n, "driver");
        v = vt_xml_attr(drv, "iothread");
        if (v && strcmp(v, ids) == 0) {
            VT_AUTOFREE char *dev = vt_xml_attr(vt_xml_child(n, "target"), "dev");
            VT_AUTOFREE char *idx = vt_xml_attr(n, "index");
            snprintf(who, whosz, "%s %s", (const char *)n->name,
                     dev ? dev : idx ? idx : "?");
            return 1;
        }
    }
    return 0;
}

static int edit_iothreads(xmlNode *root, const vt_edit *e, vt_err *err)
{
    xmlNode *ids = vt_xml_child(root, "iothreadids"), *ct = vt_xml_child(root, "cputune"), *n, *next;
    unsigned long long old = vt_xml_text_ull(vt_xml_child(root, "iothreads"), 0);
    unsigned id;
    char buf[32], who[64];

    for (id = e->id + 1; id <= old; id++)
        if (iothread_in_use(root, id, who, sizeof(who))) {
            vt_err_set(err, _("IOThread %u is used by %s: assign it another IOThread first"), id, who);
            return -1;
        }
    snprintf(buf, sizeof(buf), "%u", e->id);
    if (e->id == 0) {
        if ((n = vt_xml_child(root, "iothreads")))
            remove_node(n);
    } else {
        set_text(get_or_add(root, "iothreads"), buf);
    }
    /* ids and pins beyond the new count go with their threads */
    for (n = ids ? ids->children : NULL; n; n = next) {
        next = n->next;
        if (vt_xml_is(n, "iothread") && vt_xml_attr_ull(n, "id", 0) > e->id)
            remove_node(n);
    }
    for (n = ct ? ct->children : NULL; n; n = next) {
        next = n->next;
        if (vt_xml_is(n, "iothreadpin") && vt_xml_attr_ull(n, "iothread", 0) > e->id)
            remove_node(n);
    }
    return 0;
}

static void set_pin(xmlNode *root, const char *elem, const char *key, const char *id, const char *cpuset)
{
    xmlNode *ct = get_or_add(root, "cputune");
    xmlNode *pin = key ? child_with(ct, elem, key, id) : vt_xml_child(ct, elem);

    if (!pin) {
        pin = xmlNewChild(ct, NULL, (const xmlChar *)elem, NULL);
        if (key)
            set_attr(pin, key, id);
    }
    set_attr(pin, "cpuset", cpuset);
}

static int edit_disk_iothread(xmlNode *root, const vt_edit *e, vt_err *err)
{
    xmlNode *devs = vt_xml_child(root, "devices"), *n;
    unsigned long long count = vt_xml_text_ull(vt_xml_child(root, "iothreads"), 0);
    char buf[32];

    if (e->id > count) {
        vt_err_set(err, _("the VM has %llu IOThread(s); there is no IOThread %u"), count, e->id);
        return -1;
    }
    for (n = devs ? devs->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *dev = NULL;
        if (!vt_xml_is(n, "disk"))
            continue;
        dev = vt_xml_attr(vt_xml_child(n, "target"), "dev");
        if (dev && strcmp(dev, e->target) == 0) {
            snprintf(buf, sizeof(buf), "%u", e->id);
            set_attr(get_or_add(n, "driver"), "iothread", buf);
            return 0;
        }
    }
    vt_err_set(err, _("the VM has no disk %s"), e->target);
    return -1;
}

/* IOThreads serve virtio-scsi controllers, not the other SCSI models */
static int edit_controller_iothread(xmlNode *root, const vt_edit *e, vt_err *err)
{
    xmlNode *devs = vt_xml_child(root, "devices"), *n;
    unsigned long long count = vt_xml_text_ull(vt_xml_child(root, "iothreads"), 0);

    if (e->id > count) {
        vt_err_set(err, _("the VM has %llu IOThread(s); there is no IOThread %u"), count, e->id);
        return -1;
    }
    for (n = devs ? devs->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *type = NULL;
        VT_AUTOFREE char *idx = NULL;
        VT_AUTOFREE char *model = NULL;
        char buf[32];
        if (!vt_xml_is(n, "controller"))
            continue;
        type = vt_xml_attr(n, "type");
        idx = vt_xml_attr(n, "index");
        if (!type || strcmp(type, "scsi") != 0 || !idx || strcmp(idx, e->target) != 0)
            continue;
        model = vt_xml_attr(n, "model");
        if (!model || strcmp(model, "virtio-scsi") != 0) {
            if (model)
                vt_err_set(err, _("SCSI controller %s is %s, not virtio-scsi: only virtio-scsi takes an "
                           "IOThread"), e->target, model);
            else
                vt_err_set(err, _("SCSI controller %s is of the default model, not virtio-scsi: only "
                           "virtio-scsi takes an IOThread"), e->target);
            return -1;
        }
        snprintf(buf, sizeof(buf), "%u", e->id);
        set_attr(get_or_add(n, "driver"), "iothread", buf);
        return 0;
    }
    vt_err_set(err, _("the VM has no SCSI controller with index %s"), e->target);
    return -1;
}

static void edit_hugepages(xmlNode *root, const vt_edit *e)
{
    xmlNode *mb = get_or_add(root, "memoryBacking");
    xmlNode *hp = vt_xml_child(mb, "hugepages"), *page;
    char size[32];

    if (hp) {
        remove_node(hp);
    }
    hp = xmlNewChild(mb, NULL, (const xmlChar *)"hugepages", NULL);
    page = xmlNewChild(hp, NULL, (const xmlChar *)"page", NULL);
    snprintf(size, sizeof(size), "%llu", e->size_kib);
    set_attr(page, "size", size);
    set_attr(page, "unit", "KiB");
    if (e->nodeset)
        set_attr(page, "nodeset", e->nodeset);
}

static void edit_hugepages_off(xmlNode *root)
{
    xmlNode *mb = vt_xml_child(root, "memoryBacking"), *hp = vt_xml_child(mb, "hugepages"), *n;
    bool empty = true;

    if (hp)
        remove_node(hp);
    for (n = mb ? mb->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            empty = false;
    if (mb && empty)
        remove_node(mb);
}

/* A strict nodeset confines all of QEMU's memory (cpuset.mems), so a
 * guest cell's <memnode> outside it would contradict it: each is moved
 * into it, to the nodes it shares with it, or to the whole new nodeset
 * when it shares none. Cells bound one per host node on purpose (the
 * advisor's deliberate layout) are left as they are: the apply engine
 * says so in a warning, and the advisor judges what is left. */
static void edit_numatune(xmlNode *root, const vt_edit *e, const char *xml)
{
    xmlNode *nt = get_or_add(root, "numatune"), *mem = get_or_add(nt, "memory"), *n;
    vt_cpuset want, s;
    vt_domdef *def;
    bool by_design;

    set_attr(mem, "mode", e->mode);
    set_attr(mem, "nodeset", e->nodeset);
    xmlUnsetProp(mem, (const xmlChar *)"placement");
    if (strcmp(e->mode, "strict") != 0 || vt_cpuset_parse(e->nodeset, &want, NULL) < 0)
        return;
    def = vt_domdef_parse(xml, NULL);
    by_design = def && vt_numa_cells_per_node(def, NULL);
    vt_domdef_free(def);
    if (by_design)
        return;
    for (n = nt->children; n; n = n->next) {
        VT_AUTOFREE char *ns = NULL;
        VT_AUTOFREE char *to = NULL;
        if (!vt_xml_is(n, "memnode") || !(ns = vt_xml_attr(n, "nodeset")) ||
            vt_cpuset_parse(ns, &s, NULL) < 0 || vt_cpuset_subset(&s, &want))
            continue;
        vt_cpuset_and(&s, &want);
        to = vt_cpuset_format(vt_cpuset_is_empty(&s) ? &want : &s);
        set_attr(n, "nodeset", to);
    }
}

/* The <disk> of <devices> whose target dev is `target`. */
static xmlNode *disk_by_target(xmlNode *root, const char *target)
{
    xmlNode *devs = vt_xml_child(root, "devices"), *n;

    for (n = devs ? devs->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *dev = NULL;
        if (!vt_xml_is(n, "disk"))
            continue;
        dev = vt_xml_attr(vt_xml_child(n, "target"), "dev");
        if (dev && strcmp(dev, target) == 0)
            return n;
    }
    return NULL;
}

/* cache= and io= of a disk's <driver>; name, type, iothread and the rest
 * stay. io native is judged on the disk as it would be: QEMU opens a
 * native-AIO image with O_DIRECT, which only cache none and directsync do. */
static int edit_disk_cache(xmlNode *root, const vt_edit *e, vt_err *err)
{
    xmlNode *disk = disk_by_target(root, e->target), *drv;
    VT_AUTOFREE char *cache = NULL;
    VT_AUTOFREE char *io = NULL;

    if (!disk) {
        vt_err_set(err, _("the VM has no disk %s"), e->target);
        return -1;
    }
    drv = get_or_add(disk, "driver");
    if (e->mode && strcmp(e->mode, "default") == 0)
        xmlUnsetProp(drv, (const xmlChar *)"cache");   /* the hypervisor's default */
    else if (e->mode)
        set_attr(drv, "cache", e->mode);
    if (e->io)
        set_attr(drv, "io", e->io);
    cache = vt_xml_attr(drv, "cache");
    io = vt_xml_attr(drv, "io");
    if (io && strcmp(io, "native") == 0 && !vt_cache_is_direct(cache)) {
        if (!e->mode)
            vt_err_set(err, _("disk %s: io native needs cache none or directsync (QEMU's native AIO "
                       "uses O_DIRECT), not cache %s: set cache none with it"), e->target,
                       cache ? cache : "default");
        else if (!e->io)
            vt_err_set(err, _("disk %s: io native needs cache none or directsync (QEMU's native AIO "
                       "uses O_DIRECT), not cache %s: change its io too (io threads)"), e->target,
                       cache ? cache : "default");
        else
            vt_err_set(err, _("disk %s: io native needs cache none or directsync (QEMU's native AIO "
                       "uses O_DIRECT), not cache %s"), e->target, cache ? cache : "default");
        return -1;
    }
    return 0;
}

static bool is_virtio_model(const char *model)
{
    /* virtio, virtio-transitional, virtio-non-transitional */
    return model && strncmp(model, "virtio", 6) == 0 && (!model[6] || model[6] == '-');
}

static xmlNode *nic_by_mac(xmlNode *root, const char *want)
{
    xmlNode *devs = vt_xml_child(root, "devices"), *n;

    for (n = devs ? devs->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *mac = NULL;
        if (!vt_xml_is(n, "interface"))
            continue;
        mac = vt_xml_attr(vt_xml_child(n, "mac"), "address");
        if (mac && strcasecmp(mac, want) == 0)
            return n;
    }
    return NULL;
}

/* <coalesce><rx><frames max='N'/></rx></coalesce>, what libvirt writes to
 * the tap it makes at start. 0 takes it out: libvirt drops max='0' anyway
 * and leaves the tap at the kernel's 0. */
static int edit_nic_coalesce(xmlNode *n, const vt_edit *e, vt_err *err)
{
    VT_AUTOFREE char *type = vt_xml_attr(n, "type");
    xmlNode *co, *rx, *fr;
    char buf[32];

    if (!vt_nic_type_coalesce(type)) {
        vt_err_set(err, _("NIC %s is of type %s: libvirt takes <coalesce> only on bridge and "
                   "network interfaces (it refuses it on type %s)"), e->target,
                   type ? type : "(none)", type ? type : "(none)");
        return -1;
    }
    co = vt_xml_child(n, "coalesce");
    if (!e->id) {
        if (co)
            remove_node(co);
        return 0;
    }
    co = get_or_add(n, "coalesce");
    rx = get_or_add(co, "rx");
    fr = get_or_add(rx, "frames");
    snprintf(buf, sizeof(buf), "%u", e->id);
    set_attr(fr, "max", buf);
    return 0;
}

/* queues= or name= of a virtio NIC's <driver>, found by its MAC; the
 * driver's other attributes (txmode, rx_queue_size, ...) stay. */
static int edit_nic(xmlNode *root, const vt_edit *e, vt_err *err)
{
    xmlNode *n, *drv;
    VT_AUTOFREE char *model = NULL;
    VT_AUTOFREE char *type = NULL;
    char buf[32];

    if (!(n = nic_by_mac(root, e->target))) {
        vt_err_set(err, _("the VM has no NIC with MAC %s"), e->target);
        return -1;
    }
    if (e->kind == VT_EDIT_NIC_COALESCE)
        return edit_nic_coalesce(n, e, err);
    model = vt_xml_attr(vt_xml_child(n, "model"), "type");
    if (!is_virtio_model(model)) {
        if (model)
            vt_err_set(err, _("NIC %s is %s, not virtio: queues and the vhost driver are for virtio NICs"),
                       e->target, model);
        else
            vt_err_set(err, _("NIC %s is of the hypervisor's default model, not virtio: queues and the "
                       "vhost driver are for virtio NICs"), e->target);
        return -1;
    }
    type = vt_xml_attr(n, "type");
    if (e->kind == VT_EDIT_NIC_DRIVER && type && strcmp(type, "vhostuser") == 0) {
        vt_err_set(err, _("NIC %s is a vhost-user interface: its packets go through the vhost-user "
                   "backend, not vhost-net or QEMU"), e->target);
        return -1;
    }
    if (e->kind == VT_EDIT_NIC_QUEUES && e->id > 1 && !vt_nic_type_multiqueue(type)) {
        vt_err_set(err, _("NIC %s is of type %s: libvirt does not start a VM with more than one "
                   "queue on it (multiqueue needs a tap, vhost-user or vDPA interface)"), e->target,
                   type ? type : "(none)");
        return -1;
    }
    drv = get_or_add(n, "driver");
    if (e->kind == VT_EDIT_NIC_QUEUES) {
        snprintf(buf, sizeof(buf), "%u", e->id);
        set_attr(drv, "queues", buf);
    } else {
        set_attr(drv, "name", e->mode);
    }
    return 0;
}

/* The label sVirt uses, chosen as vt_domdef_main_seclabel chooses it:
 * model selinux, else the first <seclabel>. */
static xmlNode *main_seclabel(xmlNode *root)
{
    xmlNode *sl = child_with(root, "seclabel", "model", "selinux");

    return sl ? sl : vt_xml_child(root, "seclabel");
}

static bool has_model(xmlNode *n)
{
    VT_AUTOFREE char *m = vt_xml_attr(n, "model");

    return m && *m;
}

/* libvirt takes one <seclabel> without a model (the default driver's), but
 * refuses a model-less one next to others ("missing security model when
 * using multiple labels"): the label an edit writes replaces the main one
 * and any model-less one, it is never added beside them. */
static void drop_modelless_except(xmlNode *root, xmlNode *keep)
{
    xmlNode *n, *next;

    for (n = root->children; n; n = next) {
        next = n->next;
        if (n != keep && vt_xml_is(n, "seclabel") && !has_model(n))
            remove_node(n);
    }
}

static void edit_seclabel(xmlNode *root, const vt_edit *e)
{
    xmlNode *sl = main_seclabel(root), *n, *next;

    if (strcmp(e->sec_type, "default") == 0) {
        /* no label of the main model: the host's default driver decides */
        if (sl)
            remove_node(sl);
        drop_modelless_except(root, NULL);
        return;
    }
    if (sl && has_model(sl) && !child_with(root, "seclabel", "model", "selinux"))
        sl = NULL; /* the main label is another model's (dac): keep it, add selinux */
    if (!sl) {
        /* after <devices>, where libvirt writes it */
        sl = xmlNewChild(root, NULL, (const xmlChar *)"seclabel", NULL);
    }
    set_attr(sl, "model", "selinux");
    drop_modelless_except(root, sl);
    set_attr(sl, "type", e->sec_type);
    for (n = sl->children; n; n = next) {
        next = n->next;
        if (vt_xml_is(n, "label") || vt_xml_is(n, "imagelabel") || vt_xml_is(n, "baselabel"))
            remove_node(n);
    }
    if (strcmp(e->sec_type, "none") == 0) {
        xmlUnsetProp(sl, (const xmlChar *)"relabel");
        return;
    }
    if (e->label)
        xmlNewTextChild(sl, NULL, (const xmlChar *)"label", (const xmlChar *)e->label);
    if (e->relabel >= 0)
        set_attr(sl, "relabel", e->relabel ? "yes" : "no");
}

char *vt_xml_apply_edit(const char *xml, const vt_edit *e, vt_err *err)
{
    xmlDoc *doc = vt_xml_read(xml, "domain XML", err);
    xmlNode *root;
    xmlChar *out = NULL;
    int len = 0, rc = 0;
    char idbuf[32], *res;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (!vt_xml_is(root, "domain")) {
        vt_err_set(err, _("not a libvirt domain"));
        xmlFreeDoc(doc);
        return NULL;
    }
    snprintf(idbuf, sizeof(idbuf), "%u", e->id);
    switch (e->kind) {
    case VT_EDIT_IOTHREADS:
        rc = edit_iothreads(root, e, err);
        break;
    case VT_EDIT_IOTHREAD_PIN:
        if (e->id > vt_xml_text_ull(vt_xml_child(root, "iothreads"), 0)) {
            vt_err_set(err, _("the VM has no IOThread %u"), e->id);
            rc = -1;
        } else {
            set_pin(root, "iothreadpin", "iothread", idbuf, e->cpuset);
        }
        break;
    case VT_EDIT_DISK_IOTHREAD:
        rc = edit_disk_iothread(root, e, err);
        break;
    case VT_EDIT_CONTROLLER_IOTHREAD:
        rc = edit_controller_iothread(root, e, err);
        break;
    case VT_EDIT_VCPU_PIN:
        if (e->id >= vt_xml_text_ull(vt_xml_child(root, "vcpu"), 1)) {
            vt_err_set(err, _("the VM has no vCPU %u"), e->id);
            rc = -1;
        } else {
            set_pin(root, "vcpupin", "vcpu", idbuf, e->cpuset);
        }
        break;
    case VT_EDIT_EMULATOR_PIN:
        set_pin(root, "emulatorpin", NULL, NULL, e->cpuset);
        break;
    case VT_EDIT_HUGEPAGES:
        edit_hugepages(root, e);
        break;
    case VT_EDIT_HUGEPAGES_OFF:
        edit_hugepages_off(root);
        break;
    case VT_EDIT_NUMATUNE:
        edit_numatune(root, e, xml);
        break;
    case VT_EDIT_SECLABEL:
        edit_seclabel(root, e);
        break;
    case VT_EDIT_DISK_CACHE:
        rc = edit_disk_cache(root, e, err);
        break;
    case VT_EDIT_NIC_QUEUES:
    case VT_EDIT_NIC_DRIVER:
    case VT_EDIT_NIC_COALESCE:
        rc = edit_nic(root, e, err);
        break;
    case VT_EDIT_HOST_PARAM:
    case VT_EDIT_HOST_WORKQUEUE:
    case VT_EDIT_HOST_THP:
    case VT_EDIT_HOST_HUGEPAGES:
    case VT_EDIT_HOST_MODULE:
    case VT_EDIT_HOST_SRIOV:
    case VT_EDIT_LAST:
        vt_err_set(err, _("not an edit of a domain"));
        rc = -1;
    }
    if (rc < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocDumpMemory(doc, &out, &len);
    xmlFreeDoc(doc);
    if (!out)
        abort();
    res = vt_strndup((const char *)out, (size_t)len);
    xmlFree(out);
    return res;
}
