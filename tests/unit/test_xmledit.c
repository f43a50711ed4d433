/* XML edits on a corpus of domain XML (tests/data/xml): each edit shows in
 * the parsed result, and the document is identical (canonical XML) outside
 * the element the edit is about: comments, metadata, unknown elements kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <string.h>

#include "domxml.h"
#include "host.h"
#include "plan.h"
#include "xmledit.h"
#include "xmlutil.h"

static const char *const corpus[] = { "commented.xml", "hugepages-numa.xml", "minimal.xml" };

static char *load(const char *name)
{
    char *p = vt_asprintf("%s/xml/%s", VT_TEST_DATA, name);
    char *s = vt_read_file(p, 1 << 20, NULL);

    free(p);
    assert_non_null(s);
    return s;
}

static vt_edit plan_edit(const char *line)
{
    vt_changeset cs = { 0 };
    vt_edit e;

    if (vt_plan_parse(line, &cs, NULL) < 0 || cs.n != 1)
        fail_msg("bad plan line in test: %s", line);
    e = cs.edits[0];
    free(cs.edits);
    return e;
}

/* Canonical form of the document without the top-level children named in
 * `skip` (space separated) and, for disk edits, without driver@iothread. */
static char *canon_without(const char *xml, const char *skip, bool drop_disk_iothread)
{
    xmlDoc *doc = vt_xml_read(xml, "xml", NULL);
    xmlNode *root, *n, *next;
    xmlChar *out = NULL;
    char *res;

    assert_non_null(doc);
    root = xmlDocGetRootElement(doc);
    for (n = root->children; n; n = next) {
        char key[64];
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        snprintf(key, sizeof(key), " %s ", (const char *)n->name);
        if (strstr(skip, key)) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        } else if (drop_disk_iothread && vt_xml_is(n, "devices")) {
            xmlNode *d;
            for (d = n->children; d; d = d->next)
                if (vt_xml_is(d, "disk") && vt_xml_child(d, "driver"))
                    xmlUnsetProp(vt_xml_child(d, "driver"), (const xmlChar *)"iothread");
        }
    }
    /* whitespace-only text next to removed elements is not content */
    assert_true(xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 1, &out) >= 0);
    res = vt_strdup((const char *)out);
    xmlFree(out);
    xmlFreeDoc(doc);
    return res;
}

static char *squeeze(char *s)
{
    /* drop whitespace between tags so removed lines do not count */
    char *r = s, *w = s;
    while (*r) {
        if (*r == '>') {
            *w++ = *r++;
            while (*r == ' ' || *r == '\n' || *r == '\t')
                r++;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
    return s;
}

static void check_rest_equal(const char *before, const char *after, const char *skip, bool disk)
{
    char *a = squeeze(canon_without(before, skip, disk));
    char *b = squeeze(canon_without(after, skip, disk));

    if (strcmp(a, b) != 0)
        fail_msg("document changed outside [%s]:\n%s\n---\n%s", skip, a, b);
    free(a);
    free(b);
}

static vt_domdef *apply_ok(const char *xml, const char *line, char **out)
{
    vt_edit e = plan_edit(line);
    vt_err err = { { 0 } };
    vt_domdef *d;

    *out = vt_xml_apply_edit(xml, &e, &err);
    if (!*out)
        fail_msg("%s: %s", line, err.msg);
    vt_edit_clear(&e);
    d = vt_domdef_parse(*out, &err);
    if (!d)
        fail_msg("%s: result does not parse: %s", line, err.msg);
    return d;
}

static void test_corpus(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
        char *xml = load(corpus[i]), *out;
        vt_domdef *d;

        /* iothreads first, so the pins below have threads to pin */
        d = apply_ok(xml, "vm x iothreads 2", &out);
        assert_int_equal(d->niothreads, 2);
        check_rest_equal(xml, out, " iothreads iothreadids cputune ", false);
        vt_domdef_free(d);
        {
            char *xml2 = out;
            d = apply_ok(xml2, "vm x iothread 2 pin 5-6,^6 config", &out);
            assert_string_equal(d->iothreads[1].pin, "5");
            check_rest_equal(xml2, out, " cputune ", false);
            vt_domdef_free(d);
            free(out);
            if (strstr(xml2, "dev='vda'") || strstr(xml2, "dev=\"vda\"")) {
                d = apply_ok(xml2, "vm x disk vda iothread 1", &out);
                assert_int_equal(d->disks[0].iothread, 1);
                check_rest_equal(xml2, out, " ", true);
                vt_domdef_free(d);
                free(out);
            }
            free(xml2);
        }
        d = apply_ok(xml, "vm x vcpu 0 pin 3", &out);
        assert_string_equal(d->vcpupins[0].cpuset, "3");
        check_rest_equal(xml, out, " cputune ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x emulator pin 0", &out);
        assert_string_equal(d->emulatorpin, "0");
        check_rest_equal(xml, out, " cputune ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x hugepages 2M nodeset 0", &out);
        assert_true(d->hugepages);
        assert_true(d->hugepage_sizes[0].size_kib == 2048);
        check_rest_equal(xml, out, " memoryBacking ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x hugepages off", &out);
        assert_false(d->hugepages);
        check_rest_equal(xml, out, " memoryBacking ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x numatune preferred 0", &out);
        assert_string_equal(d->numatune->mode, "preferred");
        assert_string_equal(d->numatune->nodeset, "0");
        check_rest_equal(xml, out, " numatune ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x seclabel static system_u:system_r:svirt_t:s0:c1,c2 relabel yes", &out);
        assert_string_equal(vt_domdef_main_seclabel(d)->type, "static");
        assert_string_equal(vt_domdef_main_seclabel(d)->label, "system_u:system_r:svirt_t:s0:c1,c2");
        check_rest_equal(xml, out, " seclabel ", false);
        vt_domdef_free(d);
        free(out);

        d = apply_ok(xml, "vm x seclabel none", &out);
        assert_string_equal(vt_domdef_main_seclabel(d)->type, "none");
        vt_domdef_free(d);
        free(out);
        free(xml);
    }
}

/* issue 15 item 2 (d): a strict numatune moves the memnodes outside its
   nodeset into it (their share of it, else all of it) and leaves those
   inside; cells bound one per host node are a layout of their own and
   stay; a non-strict numatune does not confine them */
static const char *memnode_nodeset(const vt_domdef *d, unsigned cell)
{
    for (size_t i = 0; i < d->numatune->nmemnodes; i++)
        if (d->numatune->memnodes[i].cellid == cell)
            return d->numatune->memnodes[i].nodeset;
    return NULL;
}

static void test_numatune_memnodes(void **state)
{
    static const char *const one =
        "<domain type='kvm'><name>x</name><memory unit='GiB'>8</memory><vcpu>4</vcpu>"
        "<numatune><memory mode='strict' nodeset='0'/>"
        "<memnode cellid='0' mode='strict' nodeset='0'/></numatune>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<cpu><numa><cell id='0' cpus='0-3' memory='8' unit='GiB'/></numa></cpu></domain>";
    static const char *const three =
        "<domain type='kvm'><name>x</name><memory unit='GiB'>6</memory><vcpu>3</vcpu>"
        "<numatune><memory mode='strict' nodeset='0-3'/>"
        "<memnode cellid='0' mode='strict' nodeset='0-1'/>"
        "<memnode cellid='1' mode='preferred' nodeset='1-2'/>"
        "<memnode cellid='2' mode='strict' nodeset='1'/></numatune>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<cpu><numa><cell id='0' cpus='0' memory='2' unit='GiB'/>"
        "<cell id='1' cpus='1' memory='2' unit='GiB'/>"
        "<cell id='2' cpus='2' memory='2' unit='GiB'/></numa></cpu></domain>";
    static const char *const per_node =
        "<domain type='kvm'><name>x</name><memory unit='GiB'>4</memory><vcpu>4</vcpu>"
        "<numatune><memory mode='strict' nodeset='0-1'/>"
        "<memnode cellid='0' mode='strict' nodeset='0'/>"
        "<memnode cellid='1' mode='strict' nodeset='1'/></numatune>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/>"
        "<cell id='1' cpus='2-3' memory='2' unit='GiB'/></numa></cpu></domain>";
    vt_domdef *d;
    char *out;

    (void)state;
    /* db-primary's: the one cell follows the VM to node 1 */
    d = apply_ok(one, "vm x numatune strict 1", &out);
    assert_string_equal(d->numatune->nodeset, "1");
    assert_string_equal(memnode_nodeset(d, 0), "1");
    assert_string_equal(d->numatune->memnodes[0].mode, "strict");
    assert_non_null(strstr(out, "<memnode cellid=\"0\" mode=\"strict\" nodeset=\"1\"/>"));
    vt_domdef_free(d);
    free(out);
    /* the share of the new nodeset where there is one, the whole of it where
       there is none; a memnode inside it is kept, so is each one's mode */
    d = apply_ok(three, "vm x numatune strict 1,3", &out);
    assert_string_equal(memnode_nodeset(d, 0), "1");
    assert_string_equal(memnode_nodeset(d, 1), "1");
    assert_string_equal(d->numatune->memnodes[1].mode, "preferred");
    assert_string_equal(memnode_nodeset(d, 2), "1");
    vt_domdef_free(d);
    free(out);
    d = apply_ok(three, "vm x numatune strict 3", &out);
    assert_string_equal(memnode_nodeset(d, 0), "3");
    assert_string_equal(memnode_nodeset(d, 1), "3");
    assert_string_equal(memnode_nodeset(d, 2), "3");
    vt_domdef_free(d);
    free(out);
    d = apply_ok(three, "vm x numatune strict 0-2", &out);
    assert_string_equal(memnode_nodeset(d, 0), "0-1");
    assert_string_equal(memnode_nodeset(d, 1), "1-2");
    assert_string_equal(memnode_nodeset(d, 2), "1");
    vt_domdef_free(d);
    free(out);
    /* cells bound one per host node on purpose: left as they are */
    d = apply_ok(per_node, "vm x numatune strict 1", &out);
    assert_string_equal(d->numatune->nodeset, "1");
    assert_string_equal(memnode_nodeset(d, 0), "0");
    assert_string_equal(memnode_nodeset(d, 1), "1");
    vt_domdef_free(d);
    free(out);
    /* interleave and preferred do not confine the cells: nothing to move */
    d = apply_ok(one, "vm x numatune interleave 1", &out);
    assert_string_equal(d->numatune->mode, "interleave");
    assert_string_equal(memnode_nodeset(d, 0), "0");
    vt_domdef_free(d);
    free(out);
    d = apply_ok(one, "vm x numatune preferred 1", &out);
    assert_string_equal(memnode_nodeset(d, 0), "0");
    vt_domdef_free(d);
    free(out);
}

static size_t count_of(const char *xml, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(xml, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* issue 15: a type='none' label without a model is the one the edit
 * replaces; another label beside it makes libvirt refuse the definition */
static void test_seclabel_replaces(void **state)
{
    static const char *none = "<domain type='kvm'><name>x</name><devices/>"
                              "<seclabel type='none'/></domain>";
    static const char *withdac = "<domain type='kvm'><name>x</name><devices/>"
                                 "<seclabel type='none'/><seclabel type='dynamic' model='dac'/></domain>";
    char *out;
    vt_domdef *d;

    (void)state;
    d = apply_ok(none, "vm x seclabel dynamic relabel yes", &out);
    assert_int_equal(d->nseclabels, 1);
    assert_string_equal(d->seclabels[0].type, "dynamic");
    assert_string_equal(d->seclabels[0].model, "selinux");
    assert_int_equal(count_of(out, "<seclabel"), 1);
    vt_domdef_free(d);
    free(out);

    d = apply_ok(none, "vm x seclabel default", &out);
    assert_int_equal(d->nseclabels, 0);
    assert_null(strstr(out, "seclabel"));
    vt_domdef_free(d);
    free(out);

    /* another model's label stays; the model-less none goes */
    d = apply_ok(withdac, "vm x seclabel dynamic", &out);
    assert_int_equal(d->nseclabels, 2);
    assert_null(strstr(out, "type=\"none\""));
    assert_non_null(strstr(out, "model=\"dac\""));
    vt_domdef_free(d);
    free(out);
    d = apply_ok(withdac, "vm x seclabel default", &out);
    assert_int_equal(d->nseclabels, 1);
    assert_string_equal(d->seclabels[0].model, "dac");
    vt_domdef_free(d);
    free(out);

    /* the selinux label of a VM with two is changed in place */
    {
        char *xml = load("commented.xml");
        d = apply_ok(xml, "vm x seclabel default", &out);
        assert_int_equal(d->nseclabels, 1);
        assert_string_equal(d->seclabels[0].model, "dac");
        check_rest_equal(xml, out, " seclabel ", false);
        vt_domdef_free(d);
        free(out);
        d = apply_ok(xml, "vm x seclabel none", &out);
        assert_int_equal(d->nseclabels, 2);
        vt_domdef_free(d);
        free(out);
        free(xml);
    }
}

static void test_controller(void **state)
{
    char *xml = load("commented.xml"), *out;
    vt_domdef *d = apply_ok(xml, "vm x controller 0 iothread 1", &out);
    static const char *lsi = "<domain type='kvm'><name>x</name><iothreads>1</iothreads><devices>"
                             "<controller type='scsi' index='0' model='lsilogic'/></devices></domain>";
    vt_edit e = plan_edit("vm x controller 0 iothread 1");
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(d->controllers[0].iothread, 1);
    /* the driver's other attributes stay */
    assert_non_null(strstr(out, "queues=\"4\"") ? strstr(out, "queues=\"4\"") : strstr(out, "queues='4'"));
    check_rest_equal(xml, out, " devices ", false);
    vt_domdef_free(d);
    free(out);
    assert_null(vt_xml_apply_edit(lsi, &e, &err));
    assert_non_null(strstr(err.msg, "lsilogic, not virtio-scsi"));
    vt_edit_clear(&e);
    free(xml);
}

static void test_comments_kept(void **state)
{
    char *xml = load("commented.xml"), *out;
    vt_domdef *d = apply_ok(xml, "vm x iothread 1 pin 3", &out);

    (void)state;
    assert_non_null(strstr(out, "<!-- provisioning: ticket OPS-1234, do not remove -->"));
    assert_non_null(strstr(out, "<!-- emulator off the vCPU cores -->"));
    assert_non_null(strstr(out, "team-payments"));
    vt_domdef_free(d);
    free(out);
    free(xml);
}

static void expect_refused(const char *file, const char *line, const char *needle)
{
    char *xml = load(file);
    vt_edit e = plan_edit(line);
    vt_err err = { { 0 } };
    char *out = vt_xml_apply_edit(xml, &e, &err);

    assert_null(out);
    if (!strstr(err.msg, needle))
        fail_msg("%s: expected \"%s\" in \"%s\"", line, needle, err.msg);
    vt_edit_clear(&e);
    free(xml);
}

static void test_refused(void **state)
{
    (void)state;
    /* controller scsi0 uses IOThread 2 */
    expect_refused("commented.xml", "vm x iothreads 1", "IOThread 2 is used by controller");
    expect_refused("commented.xml", "vm x disk vdz iothread 1", "no disk vdz");
    expect_refused("commented.xml", "vm x disk vda iothread 3", "no IOThread 3");
    expect_refused("minimal.xml", "vm x iothread 1 pin 0", "no IOThread 1");
    expect_refused("minimal.xml", "vm x vcpu 1 pin 0", "no vCPU 1");
    expect_refused("commented.xml", "vm x controller 1 iothread 1", "no SCSI controller with index 1");
    expect_refused("commented.xml", "vm x controller 0 iothread 9", "no IOThread 9");
}

/* Apply line to xml, then back to the values xml had: the result must be
 * xml again (canonically), so nothing but the edited attributes moved. */
static void check_round(const char *xml, const char *line, const char *back)
{
    char *out, *again;
    vt_domdef *d = apply_ok(xml, line, &out);

    vt_domdef_free(d);
    d = apply_ok(out, back, &again);
    check_rest_equal(xml, again, " ", false);
    vt_domdef_free(d);
    free(out);
    free(again);
}

/* issue 15: a disk's cache= and io=, a virtio NIC's queues= and driver
 * name=; the other attributes of <driver> stay */
static void test_disk_cache(void **state)
{
    static const char *bare = "<domain type='kvm'><name>x</name><devices>"
                              "<disk type='file' device='disk'><source file='/i.raw'/>"
                              "<target dev='vdb' bus='virtio'/></disk></devices></domain>";
    char *xml = load("commented.xml"), *out;
    vt_domdef *d;

    (void)state;
    d = apply_ok(xml, "vm x disk vda cache writethrough io threads", &out);
    assert_string_equal(d->disks[0].cache, "writethrough");
    assert_string_equal(d->disks[0].io, "threads");
    assert_string_equal(d->disks[0].driver_name, "qemu");
    assert_string_equal(d->disks[0].driver_type, "qcow2");
    assert_non_null(strstr(out, "discard=\"unmap\""));
    /* the LUN's driver is another disk's: untouched */
    assert_string_equal(d->disks[1].cache, "none");
    assert_string_equal(d->disks[1].io, "native");
    check_rest_equal(xml, out, " devices ", false);
    vt_domdef_free(d);
    free(out);
    check_round(xml, "vm x disk vda cache writethrough io threads",
                "vm x disk vda cache none io native");
    check_round(xml, "vm x disk vda cache directsync", "vm x disk vda cache none");
    check_round(xml, "vm x disk vda io io_uring", "vm x disk vda io native");
    /* default is the hypervisor's: no attribute */
    d = apply_ok(xml, "vm x disk vda cache default io threads", &out);
    assert_null(d->disks[0].cache);
    assert_string_equal(d->disks[0].io, "threads");
    vt_domdef_free(d);
    free(out);
    /* a disk without <driver> gets one */
    d = apply_ok(bare, "vm x disk vdb cache none io native", &out);
    assert_string_equal(d->disks[0].cache, "none");
    assert_string_equal(d->disks[0].io, "native");
    vt_domdef_free(d);
    free(out);
    free(xml);
}

static void test_nic(void **state)
{
    static const char *upper = "<domain type='kvm'><name>x</name><devices>"
                               "<interface type='network'><mac address='52:54:00:AA:BB:CC'/>"
                               "<source network='default'/><model type='virtio-transitional'/>"
                               "</interface></devices></domain>";
    char *xml = load("commented.xml"), *out;
    vt_domdef *d;

    (void)state;
    d = apply_ok(xml, "vm x nic 52:54:00:12:34:56 queues 2", &out);
    assert_int_equal(d->nics[0].queues, 2);
    assert_string_equal(d->nics[0].driver_name, "vhost");
    assert_string_equal(d->nics[0].model, "virtio");
    check_rest_equal(xml, out, " devices ", false);
    vt_domdef_free(d);
    free(out);
    d = apply_ok(xml, "vm x nic 52:54:00:12:34:56 driver qemu", &out);
    assert_string_equal(d->nics[0].driver_name, "qemu");
    assert_int_equal(d->nics[0].queues, 4);
    vt_domdef_free(d);
    free(out);
    check_round(xml, "vm x nic 52:54:00:12:34:56 queues 8", "vm x nic 52:54:00:12:34:56 queues 4");
    check_round(xml, "vm x nic 52:54:00:12:34:56 driver qemu",
                "vm x nic 52:54:00:12:34:56 driver vhost");
    /* a MAC in upper case in the XML is the same NIC; <driver> is added */
    d = apply_ok(upper, "vm x nic 52:54:00:aa:bb:cc queues 3", &out);
    assert_int_equal(d->nics[0].queues, 3);
    assert_null(d->nics[0].driver_name);
    vt_domdef_free(d);
    free(out);
    d = apply_ok(upper, "vm x nic 52:54:00:aa:bb:cc driver vhost", &out);
    assert_string_equal(d->nics[0].driver_name, "vhost");
    vt_domdef_free(d);
    free(out);
    free(xml);
}

static void expect_refused_xml(const char *xml, const char *line, const char *needle)
{
    vt_edit e = plan_edit(line);
    vt_err err = { { 0 } };
    char *out = vt_xml_apply_edit(xml, &e, &err);

    assert_null(out);
    if (!strstr(err.msg, needle))
        fail_msg("%s: expected \"%s\" in \"%s\"", line, needle, err.msg);
    vt_edit_clear(&e);
}

/* issue 17: libvirt's <coalesce><rx><frames max=/></rx></coalesce> in the
 * <interface>; 0 takes it out (libvirt drops max='0' itself) */
static void test_nic_coalesce(void **state)
{
    static const char *eth = "<domain type='kvm'><name>x</name><devices>"
                             "<interface type='ethernet'><mac address='52:54:00:00:00:05'/>"
                             "<target dev='tap5'/><model type='virtio'/></interface>"
                             "<interface type='direct'><mac address='52:54:00:00:00:06'/>"
                             "<source dev='eth0' mode='bridge'/><model type='virtio'/>"
                             "</interface></devices></domain>";
    char *xml = load("commented.xml"), *out, *again;
    vt_domdef *d, *d2;

    (void)state;
    d = vt_domdef_parse(xml, NULL);
    assert_int_equal(d->nics[0].coalesce_rx_frames, -1);
    vt_domdef_free(d);
    d = apply_ok(xml, "vm x nic 52:54:00:12:34:56 coalesce rx-frames 64", &out);
    assert_int_equal(d->nics[0].coalesce_rx_frames, 64);
    /* the driver's queues stay; only the interface changed */
    assert_int_equal(d->nics[0].queues, 4);
    assert_non_null(strstr(out, "<coalesce><rx><frames max=\"64\"/></rx></coalesce>"));
    check_rest_equal(xml, out, " devices ", false);
    /* again with another value: the one element is changed, not doubled */
    d2 = apply_ok(out, "vm x nic 52:54:00:12:34:56 coalesce rx-frames 16 config", &again);
    assert_int_equal(d2->nics[0].coalesce_rx_frames, 16);
    assert_null(strstr(strstr(again, "<coalesce>") + 1, "<coalesce>"));
    vt_domdef_free(d2);
    free(again);
    /* 0: out it goes, and the document is the one it was */
    d2 = apply_ok(out, "vm x nic 52:54:00:12:34:56 coalesce rx-frames 0", &again);
    assert_int_equal(d2->nics[0].coalesce_rx_frames, -1);
    assert_null(strstr(again, "coalesce"));
    check_rest_equal(xml, again, " ", false);
    vt_domdef_free(d2);
    free(again);
    vt_domdef_free(d);
    free(out);
    /* 0 where there is none: nothing changes */
    d = apply_ok(xml, "vm x nic 52:54:00:12:34:56 coalesce rx-frames 0", &out);
    check_rest_equal(xml, out, " ", false);
    vt_domdef_free(d);
    free(out);
    expect_refused("commented.xml", "vm x nic 52:54:00:12:34:57 coalesce rx-frames 64",
                   "the VM has no NIC with MAC 52:54:00:12:34:57");
    expect_refused_xml(eth, "vm x nic 52:54:00:00:00:05 coalesce rx-frames 64",
                       "NIC 52:54:00:00:00:05 is of type ethernet: libvirt takes <coalesce> only "
                       "on bridge and network interfaces (it refuses it on type ethernet)");
    expect_refused_xml(eth, "vm x nic 52:54:00:00:00:06 coalesce rx-frames 64",
                       "is of type direct");
    assert_true(vt_nic_type_coalesce("bridge") && vt_nic_type_coalesce("network"));
    assert_false(vt_nic_type_coalesce("ethernet") || vt_nic_type_coalesce("user") ||
                 vt_nic_type_coalesce(NULL));
    free(xml);
}

static void test_nic_disk_refused(void **state)
{
    static const char *nics = "<domain type='kvm'><name>x</name><devices>"
                              "<interface type='bridge'><mac address='52:54:00:00:00:01'/>"
                              "<source bridge='br0'/><model type='e1000'/></interface>"
                              "<interface type='network'><mac address='52:54:00:00:00:02'/>"
                              "<source network='default'/></interface>"
                              "<interface type='vhostuser'><mac address='52:54:00:00:00:03'/>"
                              "<source type='unix' path='/run/vu.sock' mode='client'/>"
                              "<model type='virtio'/></interface>"
                              "<interface type='user'><mac address='52:54:00:00:00:04'/>"
                              "<model type='virtio'/></interface></devices></domain>";
    char *out;
    vt_domdef *d;

    (void)state;
    expect_refused("commented.xml", "vm x nic 52:54:00:12:34:57 queues 2",
                   "the VM has no NIC with MAC 52:54:00:12:34:57");
    expect_refused("commented.xml", "vm x disk vdz cache none", "the VM has no disk vdz");
    expect_refused("commented.xml", "vm x disk vdz io threads", "the VM has no disk vdz");
    expect_refused_xml(nics, "vm x nic 52:54:00:00:00:01 queues 2",
                       "NIC 52:54:00:00:00:01 is e1000, not virtio: queues and the vhost driver "
                       "are for virtio NICs");
    expect_refused_xml(nics, "vm x nic 52:54:00:00:00:01 driver vhost", "is e1000, not virtio");
    expect_refused_xml(nics, "vm x nic 52:54:00:00:00:02 driver vhost",
                       "NIC 52:54:00:00:00:02 is of the hypervisor's default model, not virtio");
    expect_refused_xml(nics, "vm x nic 52:54:00:00:00:03 driver vhost", "vhost-user interface");
    /* multiqueue only where libvirt starts it: not on user networking */
    expect_refused_xml(nics, "vm x nic 52:54:00:00:00:04 queues 2",
                       "NIC 52:54:00:00:00:04 is of type user: libvirt does not start a VM with "
                       "more than one queue on it");
    d = apply_ok(nics, "vm x nic 52:54:00:00:00:04 queues 1", &out);
    assert_int_equal(d->nics[3].queues, 1);
    vt_domdef_free(d);
    free(out);
    d = apply_ok(nics, "vm x nic 52:54:00:00:00:03 queues 4", &out);
    assert_int_equal(d->nics[2].queues, 4);
    vt_domdef_free(d);
    free(out);
    assert_true(vt_nic_type_multiqueue("bridge") && vt_nic_type_multiqueue("network") &&
                vt_nic_type_multiqueue("direct") && vt_nic_type_multiqueue("ethernet"));
    assert_false(vt_nic_type_multiqueue("user") || vt_nic_type_multiqueue("mcast") ||
                 vt_nic_type_multiqueue(NULL));
    /* vda is none/native: cache writeback alone would leave native AIO
       without O_DIRECT */
    expect_refused("commented.xml", "vm x disk vda cache writeback",
                   "disk vda: io native needs cache none or directsync (QEMU's native AIO uses "
                   "O_DIRECT), not cache writeback: change its io too (io threads)");
    expect_refused("commented.xml", "vm x disk vda cache default", "not cache default");
    /* hugepages-numa's vda has no cache=: QEMU's default is not O_DIRECT */
    expect_refused("hugepages-numa.xml", "vm x disk vda io native",
                   "not cache default: set cache none with it");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_controller),
        cmocka_unit_test(test_seclabel_replaces),
        cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_numatune_memnodes),
        cmocka_unit_test(test_disk_cache),
        cmocka_unit_test(test_nic),
        cmocka_unit_test(test_nic_disk_refused),
        cmocka_unit_test(test_nic_coalesce),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
