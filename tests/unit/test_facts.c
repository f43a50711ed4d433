/* The fact formatters: each output the screens, the report and the advisor
 * share, from domain XML parsed as in production, so a change in either
 * the parser or a formatter shows here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "facts.h"

static vt_domdef *parse(const char *xml)
{
    vt_err err = { { 0 } };
    vt_domdef *d = vt_domdef_parse(xml, &err);

    if (!d)
        fail_msg("parse: %s", err.msg);
    return d;
}

static void test_mem(void **state)
{
    char b[32];

    (void)state;
    vt_fact_mem(4ULL * 1024 * 1024, b, sizeof(b));
    assert_string_equal(b, "4 GiB");
    vt_fact_mem(1536ULL * 1024, b, sizeof(b));
    assert_string_equal(b, "1.5 GiB");
    vt_fact_mem(512ULL * 1024, b, sizeof(b));
    assert_string_equal(b, "512 MiB");
    vt_fact_mem(1024ULL * 1024, b, sizeof(b));
    assert_string_equal(b, "1 GiB");
    vt_fact_mem(1023ULL * 1024, b, sizeof(b));
    assert_string_equal(b, "1023 MiB");
    vt_fact_mem(0, b, sizeof(b));
    assert_string_equal(b, "0 MiB");
    /* a short buffer is cut, never overrun */
    vt_fact_mem(4ULL * 1024 * 1024, b, 3);
    assert_string_equal(b, "4 ");
}

static void test_pagesize(void **state)
{
    char b[16];

    (void)state;
    vt_fact_pagesize(4, b, sizeof(b));
    assert_string_equal(b, "4K");
    vt_fact_pagesize(2048, b, sizeof(b));
    assert_string_equal(b, "2M");
    vt_fact_pagesize(1048576, b, sizeof(b));
    assert_string_equal(b, "1G");
    vt_fact_pagesize(64, b, sizeof(b));
    assert_string_equal(b, "64K");
    vt_fact_pagesize(512 * 1024, b, sizeof(b));
    assert_string_equal(b, "512M");
    vt_fact_pagesize(16ULL * 1048576, b, sizeof(b));
    assert_string_equal(b, "16G");
    vt_fact_pagesize(0, b, sizeof(b));
    assert_string_equal(b, "0K");
}

static void expect_hugepages(const char *backing, const char *want)
{
    char b[16];
    VT_AUTOFREE char *xml = vt_asprintf("<domain><name>h</name><memory>1048576</memory>%s"
                                        "</domain>", backing);
    vt_domdef *d = parse(xml);

    vt_fact_hugepages(d, b, sizeof(b));
    if (strcmp(b, want) != 0)
        fail_msg("%s: got '%s', want '%s'", backing, b, want);
    vt_domdef_free(d);
}

static void test_hugepages(void **state)
{
    char b[16];

    (void)state;
    expect_hugepages("", "-");
    expect_hugepages("<memoryBacking><nosharepages/></memoryBacking>", "-");
    expect_hugepages("<memoryBacking><hugepages/></memoryBacking>", "default");
    expect_hugepages("<memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages>"
                     "</memoryBacking>", "2M");
    expect_hugepages("<memoryBacking><hugepages><page size='1048576' unit='KiB' nodeset='0'/>"
                     "<page size='2048' unit='KiB' nodeset='1'/></hugepages></memoryBacking>",
                     "1G");
    vt_fact_hugepages(NULL, b, sizeof(b));
    assert_string_equal(b, "-");
}

/* the shape of the demo's ora-db01 and db-replica: a virtio disk with its own
   IOThread, SCSI disks on a virtio-scsi controller that has one */
static const char *scsi_xml =
    "<domain type='kvm'><name>ora</name><memory>1048576</memory><vcpu>4</vcpu>\n"
    "  <iothreads>3</iothreads>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'><driver name='qemu' iothread='1'/>\n"
    "      <target dev='vda' bus='virtio'/></disk>\n"
    "    <disk type='file' device='disk'><driver name='qemu'/>\n"
    "      <target dev='vdb' bus='virtio'/></disk>\n"
    "    <disk type='block' device='lun'><driver name='qemu'/><target dev='sda' bus='scsi'/>\n"
    "      <address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>\n"
    "    <disk type='block' device='disk'><target dev='sdb' bus='scsi'/></disk>\n"
    "    <disk type='block' device='disk'><target dev='sdc' bus='scsi'/>\n"
    "      <address type='drive' controller='1' bus='0' target='0' unit='0'/></disk>\n"
    "    <disk type='block' device='disk'><target dev='sdd' bus='scsi'/>\n"
    "      <address type='drive' controller='2' bus='0' target='0' unit='0'/></disk>\n"
    "    <disk type='file' device='cdrom'><target dev='hda' bus='sata'/>\n"
    "      <address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>\n"
    "    <controller type='sata' index='0'/>\n"
    "    <controller type='scsi' index='0' model='virtio-scsi'><driver iothread='2'/></controller>\n"
    "    <controller type='scsi' index='1' model='virtio-scsi'><driver iothread='3'/>\n"
    "      <alias name='ua-fast'/></controller>\n"
    "    <controller type='scsi' index='2' model='lsilogic'/>\n"
    "  </devices>\n"
    "</domain>\n";

static const vt_disk_def *disk(const vt_domdef *d, const char *target)
{
    for (size_t i = 0; i < d->ndisks; i++)
        if (strcmp(d->disks[i].target, target) == 0)
            return &d->disks[i];
    fail_msg("no disk %s", target);
    return NULL;
}

static void test_disk_iothread(void **state)
{
    vt_domdef *d = parse(scsi_xml);
    const vt_controller_def *c;
    char b[32];

    (void)state;
    /* its own driver iothread= */
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "vda")), 1);
    vt_fact_disk_iothread_text(d, disk(d, "vda"), b, sizeof(b));
    assert_string_equal(b, "1");
    /* a virtio disk never takes a controller's */
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "vdb")), 0);
    assert_null(vt_fact_disk_controller(d, disk(d, "vdb")));
    vt_fact_disk_iothread_text(d, disk(d, "vdb"), b, sizeof(b));
    assert_string_equal(b, "-");
    /* the SCSI disk on scsi0 runs in the controller's IOThread */
    c = vt_fact_disk_controller(d, disk(d, "sda"));
    assert_non_null(c);
    assert_string_equal(c->type, "scsi");
    assert_int_equal(c->index, 0);
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "sda")), 2);
    vt_fact_disk_iothread_text(d, disk(d, "sda"), b, sizeof(b));
    assert_string_equal(b, "2 (scsi0)");
    /* no <address>: controller 0 */
    assert_int_equal(disk(d, "sdb")->controller, -1);
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "sdb")), 2);
    /* controller 1, named by its alias */
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "sdc")), 3);
    vt_fact_disk_iothread_text(d, disk(d, "sdc"), b, sizeof(b));
    assert_string_equal(b, "3 (ua-fast)");
    /* a controller without an IOThread */
    assert_non_null(vt_fact_disk_controller(d, disk(d, "sdd")));
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "sdd")), 0);
    vt_fact_disk_iothread_text(d, disk(d, "sdd"), b, sizeof(b));
    assert_string_equal(b, "-");
    /* a SATA disk on sata0 is not on scsi0, whatever their indexes */
    c = vt_fact_disk_controller(d, disk(d, "hda"));
    assert_non_null(c);
    assert_string_equal(c->type, "sata");
    assert_int_equal(vt_fact_disk_iothread(d, disk(d, "hda")), 0);
    vt_fact_controller_name(c, b, sizeof(b));
    assert_string_equal(b, "sata0");
    /* NULL in, nothing out */
    assert_int_equal(vt_fact_disk_iothread(d, NULL), 0);
    assert_int_equal(vt_fact_disk_iothread(NULL, disk(d, "vda")), 1);
    assert_int_equal(vt_fact_disk_iothread(NULL, disk(d, "sda")), 0);
    vt_fact_disk_iothread_text(d, NULL, b, sizeof(b));
    assert_string_equal(b, "-");
    vt_domdef_free(d);
}

static void test_disk_iothread_no_controller(void **state)
{
    /* a SCSI disk whose controller libvirt would add at define time */
    vt_domdef *d = parse("<domain><name>x</name><devices><disk type='block' device='disk'>"
                         "<target dev='sda' bus='scsi'/></disk></devices></domain>");
    char b[16];

    (void)state;
    assert_null(vt_fact_disk_controller(d, &d->disks[0]));
    assert_int_equal(vt_fact_disk_iothread(d, &d->disks[0]), 0);
    vt_fact_disk_iothread_text(d, &d->disks[0], b, sizeof(b));
    assert_string_equal(b, "-");
    vt_domdef_free(d);
}

static void test_queues(void **state)
{
    vt_domdef *d = parse("<domain><name>q</name><vcpu>2</vcpu><devices>"
                         "<interface type='bridge'><model type='virtio'/><driver name='vhost'/>"
                         "</interface>"
                         "<interface type='bridge'><model type='virtio'/>"
                         "<driver name='vhost' queues='8'/></interface>"
                         "<interface type='network'><model type='e1000'/></interface>"
                         "</devices></domain>");
    char b[16];

    (void)state;
    assert_int_equal(d->nics[0].queues, 0);
    assert_int_equal(vt_fact_nic_queues(&d->nics[0]), 1);
    vt_fact_queues(&d->nics[0], d->vcpus, b, sizeof(b));
    assert_string_equal(b, "1/2");
    assert_int_equal(vt_fact_nic_queues(&d->nics[1]), 8);
    vt_fact_queues(&d->nics[1], d->vcpus, b, sizeof(b));
    assert_string_equal(b, "8/2");
    vt_fact_queues(&d->nics[2], 16, b, sizeof(b));
    assert_string_equal(b, "1/16");
    vt_fact_queues(NULL, 4, b, sizeof(b));
    assert_string_equal(b, "1/4");
    vt_domdef_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem),
        cmocka_unit_test(test_pagesize),
        cmocka_unit_test(test_hugepages),
        cmocka_unit_test(test_disk_iothread),
        cmocka_unit_test(test_disk_iothread_no_controller),
        cmocka_unit_test(test_queues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
