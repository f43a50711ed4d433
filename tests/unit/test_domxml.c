/* Domain XML parsing: every field the report uses, and refusal of XML that
 * is not well-formed, carries a DOCTYPE or entities, or is not a domain. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "domxml.h"

static const char *full_xml =
    "<domain type='kvm' id='7'>\n"
    "  <name>web-01</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <!-- a comment -->\n"
    "  <metadata><x:foo xmlns:x='urn:x'>bar</x:foo></metadata>\n"
    "  <memory unit='GiB'>4</memory>\n"
    "  <currentMemory unit='MiB'>2048</currentMemory>\n"
    "  <memoryBacking><hugepages>\n"
    "    <page size='1' unit='GiB' nodeset='0'/>\n"
    "    <page size='2048' unit='KiB' nodeset='1'/>\n"
    "  </hugepages></memoryBacking>\n"
    "  <vcpu placement='static' cpuset='0-7,^3' current='2'>4</vcpu>\n"
    "  <iothreads>3</iothreads>\n"
    "  <iothreadids><iothread id='4'/><iothread id='2'><poll max='32768'/></iothread>"
    "<iothread id='1'/></iothreadids>\n"
    "  <cputune>\n"
    "    <vcpupin vcpu='0' cpuset='1'/>\n"
    "    <vcpupin vcpu='1' cpuset='2,1'/>\n"
    "    <emulatorpin cpuset='5-6'/>\n"
    "    <iothreadpin iothread='2' cpuset='1-3,5,7-12'/>\n"
    "  </cputune>\n"
    "  <numatune>\n"
    "    <memory mode='preferred' nodeset='1'/>\n"
    "    <memnode cellid='0' mode='strict' nodeset='0'/>\n"
    "  </numatune>\n"
    "  <cpu><numa>\n"
    "    <cell id='0' cpus='0,1' memory='3' unit='GiB'/>\n"
    "    <cell id='1' cpus='2-3' memory='1048576'/>\n"
    "  </numa></cpu>\n"
    "  <seclabel type='dynamic' model='dac' relabel='yes'/>\n"
    "  <seclabel type='static' model='selinux' relabel='no'>\n"
    "    <label>system_u:system_r:svirt_t:s0:c10,c20</label>\n"
    "  </seclabel>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='raw' cache='none' io='native' iothread='2'/>\n"
    "      <source file='/path/test.raw'/>\n"
    "      <target dev='vdb' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='block' device='lun' rawio='yes' sgio='unfiltered'>\n"
    "      <driver name='qemu' type='raw'/>\n"
    "      <source dev='/dev/sdc'/>\n"
    "      <target dev='sdc' bus='scsi'/>\n"
    "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
    "    </disk>\n"
    "    <controller type='scsi' index='0' model='virtio-scsi'>\n"
    "      <driver iothread='4'/><alias name='scsi0'/>\n"
    "    </controller>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='52:54:00:aa:bb:cc'/><source bridge='br0'/>\n"
    "      <model type='virtio'/><driver name='vhost' queues='8'/>\n"
    "    </interface>\n"
    "    <channel type='unix'>\n"
    "      <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>\n"
    "    </channel>\n"
    "  </devices>\n"
    "</domain>\n";

static void test_full(void **state)
{
    vt_err err = { { 0 } };
    vt_domdef *d = vt_domdef_parse(full_xml, &err);
    const vt_seclabel_def *sl;

    (void)state;
    assert_non_null(d);
    assert_string_equal(d->name, "web-01");
    assert_string_equal(d->uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_string_equal(d->type, "kvm");
    assert_int_equal(d->id, 7);
    assert_int_equal(d->vcpus_max, 4);
    assert_int_equal(d->vcpus, 2);
    assert_string_equal(d->vcpu_cpuset, "0-2,4-7");
    assert_true(d->memory_kib == 4ULL * 1024 * 1024);
    assert_true(d->current_memory_kib == 2048ULL * 1024);

    /* iothreadids 1,2,4 (sorted), count 3: no extra ids invented */
    assert_int_equal(d->niothreads, 3);
    assert_int_equal(d->iothreads[0].id, 1);
    assert_int_equal(d->iothreads[1].id, 2);
    assert_int_equal(d->iothreads[2].id, 4);
    assert_null(d->iothreads[0].pin);
    assert_string_equal(d->iothreads[1].pin, "1-3,5,7-12");
    assert_int_equal(d->iothreads[1].poll_max_ns, 32768);
    assert_int_equal(d->iothreads[1].nusers, 1);
    assert_string_equal(d->iothreads[1].users[0], "disk vdb");
    assert_int_equal(d->iothreads[2].nusers, 1);
    assert_string_equal(d->iothreads[2].users[0], "controller scsi0");

    assert_int_equal(d->nvcpupins, 2);
    assert_string_equal(d->vcpupins[1].cpuset, "1-2");
    assert_string_equal(d->emulatorpin, "5-6");

    assert_true(d->hugepages);
    assert_int_equal(d->nhugepage_sizes, 2);
    assert_true(d->hugepage_sizes[0].size_kib == 1048576);
    assert_string_equal(d->hugepage_sizes[0].nodeset, "0");
    assert_true(d->hugepage_sizes[1].size_kib == 2048);

    assert_non_null(d->numatune);
    assert_string_equal(d->numatune->mode, "preferred");
    assert_string_equal(d->numatune->nodeset, "1");
    assert_int_equal(d->numatune->nmemnodes, 1);
    assert_string_equal(d->numatune->memnodes[0].mode, "strict");

    /* guest cells: what memnodes bind, with their memory (default unit KiB) */
    assert_int_equal(d->ncells, 2);
    assert_int_equal(d->cells[0].id, 0);
    assert_string_equal(d->cells[0].cpus, "0-1");
    assert_true(d->cells[0].memory_kib == 3ULL * 1024 * 1024);
    assert_int_equal(d->cells[1].id, 1);
    assert_true(d->cells[1].memory_kib == 1048576);

    assert_int_equal(d->nseclabels, 2);
    sl = vt_domdef_main_seclabel(d);
    assert_string_equal(sl->model, "selinux");
    assert_string_equal(sl->type, "static");
    assert_string_equal(sl->relabel, "no");
    assert_string_equal(sl->label, "system_u:system_r:svirt_t:s0:c10,c20");

    assert_int_equal(d->ndisks, 2);
    assert_string_equal(d->disks[0].cache, "none");
    assert_string_equal(d->disks[0].io, "native");
    assert_int_equal(d->disks[0].iothread, 2);
    assert_string_equal(d->disks[0].source, "/path/test.raw");
    assert_string_equal(d->disks[1].device, "lun");
    assert_string_equal(d->disks[1].rawio, "yes");
    assert_string_equal(d->disks[1].sgio, "unfiltered");
    assert_int_equal(d->disks[1].controller, 0);
    assert_int_equal(d->disks[1].iothread, 0);

    assert_int_equal(d->ncontrollers, 1);
    assert_string_equal(d->controllers[0].model, "virtio-scsi");
    assert_int_equal(d->controllers[0].iothread, 4);

    assert_int_equal(d->nnics, 1);
    assert_string_equal(d->nics[0].model, "virtio");
    assert_string_equal(d->nics[0].driver_name, "vhost");
    assert_int_equal(d->nics[0].queues, 8);
    assert_string_equal(d->nics[0].source, "br0");

    assert_true(d->agent_channel);
    assert_string_equal(d->agent_state, "connected");
    vt_domdef_free(d);
}

static void test_minimal(void **state)
{
    vt_domdef *d = vt_domdef_parse("<domain type='qemu'><name>m</name>"
                                   "<memory>1024</memory><vcpu>1</vcpu>"
                                   "<iothreads>2</iothreads></domain>", NULL);
    (void)state;
    assert_non_null(d);
    assert_int_equal(d->id, -1);
    assert_true(d->memory_kib == 1024);       /* default unit KiB */
    assert_int_equal(d->niothreads, 2);       /* numbered 1..count */
    assert_int_equal(d->iothreads[1].id, 2);
    assert_null(d->numatune);
    assert_int_equal(d->ncells, 0);
    assert_false(d->hugepages);
    assert_null(vt_domdef_main_seclabel(d));
    vt_domdef_free(d);
}

static void expect_refused(const char *xml, const char *needle)
{
    vt_err err = { { 0 } };
    vt_domdef *d = vt_domdef_parse(xml, &err);

    assert_null(d);
    assert_non_null(strstr(err.msg, needle));
}

static void test_bad(void **state)
{
    (void)state;
    expect_refused("", "empty");
    expect_refused("<domain><name>x</name>", "not well-formed");
    expect_refused("<domain><name>x</nam></domain>", "not well-formed");
    expect_refused("<network><name>x</name></network>", "not a libvirt domain");
    expect_refused("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x 'boom'>]>\n"
                   "<domain><name>&x;</name></domain>", "DOCTYPE");
    expect_refused("<!DOCTYPE domain SYSTEM 'http://example.invalid/x.dtd'>"
                   "<domain><name>x</name></domain>", "DOCTYPE");
    /* an undeclared entity is not well-formed */
    expect_refused("<domain><name>&xxe;</name></domain>", "not well-formed");
}

/* which controller a disk sits on: only a drive address names one */
static void test_disk_address(void **state)
{
    vt_err err = { { 0 } };
    vt_domdef *d = vt_domdef_parse(
        "<domain><name>a</name><devices>"
        "<disk type='block' device='disk'><target dev='sda' bus='scsi'/>"
        "<address type='drive' controller='1' bus='0' target='0' unit='3'/></disk>"
        "<disk type='block' device='disk'><target dev='sdb' bus='scsi'/></disk>"
        "<disk type='file' device='disk'><target dev='vda' bus='virtio'/>"
        "<address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/></disk>"
        "</devices></domain>", &err);

    (void)state;
    assert_non_null(d);
    assert_int_equal(d->ndisks, 3);
    assert_int_equal(d->disks[0].controller, 1);
    assert_int_equal(d->disks[1].controller, -1);
    assert_int_equal(d->disks[2].controller, -1);
    vt_domdef_free(d);
}

static void test_sizes(void **state)
{
    (void)state;
    assert_true(vt_size_to_kib("2", "MiB") == 2048);
    assert_true(vt_size_to_kib("1", "G") == 1048576);
    assert_true(vt_size_to_kib("2048", NULL) == 2048);
    assert_true(vt_size_to_kib("2097152", "b") == 2048);
    assert_true(vt_size_to_kib("x", "MiB") == 0);
    assert_true(vt_size_to_kib("2", "parsec") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_disk_address),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
