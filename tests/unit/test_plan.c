/* Plan files: every line form, the round trip through vt_edit_format, and
 * every bad-input case refused with its line number and nothing kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "plan.h"

static const char *good =
    "# a plan\n"
    "vm web-01 iothreads 2\n"
    "vm web-01 iothread 1 pin 3,1-2 live   # pins\n"
    "vm web-01 disk vdb iothread 2\n"
    "vm web-01 controller 0 iothread 1\n"
    "vm web-01 vcpu 0 pin 4\n"
    "vm web-01 emulator pin 0-1 config\n"
    "vm db hugepages 2M nodeset 0\n"
    "vm db hugepages 1G\n"
    "vm db hugepages off\n"
    "\n"
    "vm db numatune strict 0 both\n"
    "vm db seclabel dynamic relabel yes\n"
    "vm db seclabel static system_u:system_r:svirt_t:s0:c10,c20 relabel no\n"
    "vm db seclabel none\n"
    "vm db seclabel default\n";

static void test_good(void **state)
{
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_plan_parse(good, &cs, &err), 0);
    assert_int_equal(cs.n, 14);
    assert_int_equal(cs.edits[0].kind, VT_EDIT_IOTHREADS);
    assert_int_equal(cs.edits[0].id, 2);
    assert_int_equal(cs.edits[1].kind, VT_EDIT_IOTHREAD_PIN);
    assert_string_equal(cs.edits[1].cpuset, "1-3");
    assert_int_equal(cs.edits[1].scope, VT_SCOPE_LIVE);
    assert_int_equal(cs.edits[1].line, 3);
    assert_string_equal(cs.edits[2].target, "vdb");
    assert_int_equal(cs.edits[3].kind, VT_EDIT_CONTROLLER_IOTHREAD);
    assert_string_equal(cs.edits[3].target, "0");
    assert_int_equal(cs.edits[3].id, 1);
    assert_int_equal(cs.edits[4].scope, VT_SCOPE_BOTH);
    assert_int_equal(cs.edits[5].scope, VT_SCOPE_CONFIG);
    assert_true(cs.edits[6].size_kib == 2048);
    assert_string_equal(cs.edits[6].nodeset, "0");
    assert_true(cs.edits[7].size_kib == 1048576);
    assert_null(cs.edits[7].nodeset);
    assert_int_equal(cs.edits[8].kind, VT_EDIT_HUGEPAGES_OFF);
    assert_string_equal(cs.edits[9].mode, "strict");
    assert_int_equal(cs.edits[9].line, 12);
    assert_int_equal(cs.edits[10].relabel, 1);
    assert_string_equal(cs.edits[11].label, "system_u:system_r:svirt_t:s0:c10,c20");
    assert_int_equal(cs.edits[11].relabel, 0);
    assert_string_equal(cs.edits[12].sec_type, "none");
    assert_string_equal(cs.edits[13].sec_type, "default");
    assert_int_equal(cs.edits[13].relabel, -1);
    vt_changeset_clear(&cs);
}

/* format -> parse -> format is stable, and equals the canonical lines */
static void test_roundtrip(void **state)
{
    vt_changeset a = { 0 }, b = { 0 };
    char *t1, *t2;

    (void)state;
    assert_int_equal(vt_plan_parse(good, &a, NULL), 0);
    t1 = vt_plan_format(&a);
    assert_int_equal(vt_plan_parse(t1, &b, NULL), 0);
    t2 = vt_plan_format(&b);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\nvm web-01 iothread 1 pin 1-3 live\n"));
    assert_non_null(strstr(t1, "\nvm db hugepages 2M nodeset 0\n"));
    assert_non_null(strstr(t1, "\nvm web-01 vcpu 0 pin 4 both\n"));
    assert_non_null(strstr(t1, "\nvm web-01 controller 0 iothread 1\n"));
    free(t1);
    free(t2);
    vt_changeset_clear(&a);
    vt_changeset_clear(&b);
}

static void expect_bad(const char *text, const char *needle)
{
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };

    assert_int_equal(vt_plan_parse("vm keep iothreads 1\n", &cs, NULL), 0);
    assert_int_equal(vt_plan_parse(text, &cs, &err), -1);
    if (!strstr(err.msg, needle))
        fail_msg("for %s expected \"%s\" in \"%s\"", text, needle, err.msg);
    /* the change set it had is untouched */
    assert_int_equal(cs.n, 1);
    assert_string_equal(cs.edits[0].vm, "keep");
    vt_changeset_clear(&cs);
}

static void test_bad(void **state)
{
    (void)state;
    expect_bad("guest foo 1\n", "line 1: unknown target");
    expect_bad("host foo 1\n", "line 1: unknown host knob \"foo\"");
    expect_bad("host halt_poll_ns\n", "line 1: incomplete");
    expect_bad("host halt_poll_ns -1\n", "expected: host halt_poll_ns VALUE");
    expect_bad("host halt_poll_ns 4294967296\n", "0 to 4294967295");
    expect_bad("host halt_poll_ns 1 2\n", "expected: host halt_poll_ns VALUE");
    expect_bad("host workqueue_cpus 3-1\n", "line 1: invalid CPU set");
    expect_bad("host workqueue_cpus\n", "incomplete");
    expect_bad("host thp enabled sometimes\n", "expected: host thp enabled always|madvise|never");
    expect_bad("host thp defrag bogus\n", "host thp defrag always|defer|defer+madvise|madvise|never");
    expect_bad("host halt_poll_ns 1e3\n", "0 to 4294967295");
    expect_bad("host halt_poll_ns 0x10\n", "0 to 4294967295");
    expect_bad("host halt_poll_ns_grow 4294967296\n", "0 to 4294967295");
    expect_bad("host halt_poll_ns_shrink -2\n", "0 to 4294967295");
    expect_bad("host hugepages 2M ten\n", "COUNT a whole number");
    expect_bad("host hugepages 2M -5\n", "COUNT a whole number");
    expect_bad("host hugepages 2M 99999999999999999999\n", "COUNT a whole number");
    expect_bad("host hugepages 2M 1.5\n", "COUNT a whole number");
    expect_bad("host thp enabled defer\n", "thp enabled takes always, madvise or never");
    expect_bad("host thp khugepaged never\n", "expected: host thp enabled");
    expect_bad("host hugepages 2X 10\n", "expected: host hugepages SIZE COUNT");
    expect_bad("host hugepages 2M\n", "expected: host hugepages SIZE COUNT");
    expect_bad("host hugepages 2M 10 node x\n", "expected: host hugepages SIZE COUNT");
    expect_bad("host hugepages 2M 10 cell 0\n", "expected: host hugepages SIZE COUNT");
    expect_bad("host hugepages 2M 10 persist now\n", "expected: host hugepages SIZE COUNT");
    expect_bad("vm a\n", "line 1: incomplete");
    expect_bad("vm a iothreads\n", "expected: vm NAME iothreads COUNT");
    expect_bad("vm a iothreads x\n", "expected: vm NAME iothreads COUNT");
    expect_bad("vm a iothreads 2000\n", "COUNT");
    expect_bad("# ok\nvm a iothread 1 pin 3-1\n", "line 2: invalid CPU set");
    expect_bad("vm a iothread 1 pin ^2-4\n", "invalid CPU set");
    expect_bad("vm a iothread 1 pin \n", "expected: vm NAME iothread ID pin");
    expect_bad("vm a iothread 0 pin 1\n", "expected: vm NAME iothread ID pin");
    expect_bad("vm a iothread 1 pin 16384\n", "invalid CPU set");
    expect_bad("vm a iothread 1 pin 1 sometimes\n", "scope \"sometimes\"");
    expect_bad("vm a iothread 1 bind 1\n", "expected: vm NAME iothread ID pin");
    expect_bad("vm a disk vda iothread\n", "expected: vm NAME disk TARGET iothread ID");
    expect_bad("vm a controller scsi0 iothread 1\n", "expected: vm NAME controller INDEX iothread ID");
    expect_bad("vm a controller 0 iothread 0\n", "expected: vm NAME controller INDEX iothread ID");
    expect_bad("vm a controller 0 iothread\n", "expected: vm NAME controller INDEX iothread ID");
    expect_bad("vm a vcpu x pin 1\n", "expected: vm NAME vcpu N pin");
    expect_bad("vm a emulator 1\n", "expected: vm NAME emulator pin");
    expect_bad("vm a hugepages 2X\n", "SIZE like 2M");
    expect_bad("vm a hugepages 0M\n", "SIZE like 2M");
    expect_bad("vm a hugepages 2M nodes 0\n", "SIZE like 2M");
    expect_bad("vm a hugepages 2M nodeset 1-0\n", "invalid nodeset");
    expect_bad("vm a numatune sometimes 0\n", "mode \"sometimes\"");
    expect_bad("vm a numatune strict\n", "expected: vm NAME numatune");
    expect_bad("vm a numatune strict x\n", "invalid nodeset");
    expect_bad("vm a seclabel maybe\n", "seclabel type \"maybe\"");
    expect_bad("vm a seclabel static\n", "needs a LABEL");
    expect_bad("vm a seclabel static nolabel\n", "not an SELinux label");
    expect_bad("vm a seclabel none relabel no\n", "takes nothing");
    expect_bad("vm a seclabel default relabel yes\n", "default takes nothing");
    expect_bad("vm a seclabel dynamic relabel maybe\n", "relabel yes");
    expect_bad("vm a frobnicate 1\n", "unknown change \"frobnicate\"");
    expect_bad("vm a iothreads 1 2 3 4 5 6 7 8 9 10 11 12\n", "too many words");
    expect_bad("vm a\x01 iothreads 1\n", "control character");
}

static void test_host(void **state)
{
    vt_changeset a = { 0 }, b = { 0 };
    vt_err err = { { 0 } };
    char *t1, *t2;
    static const char *text = "host halt_poll_ns 400000 persist\n"
                              "host halt_poll_ns_shrink 0\n"
                              "host workqueue_cpus 3,0-1\n"
                              "host thp defrag defer+madvise persist\n"
                              "host hugepages 1G 4 node 1 persist\n"
                              "host hugepages 2048K 512\n"
                              "host thp enabled madvise unpersist\n";

    (void)state;
    if (vt_plan_parse(text, &a, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(a.n, 7);
    assert_true(a.edits[6].unpersist && !a.edits[6].persist);
    assert_false(a.edits[0].unpersist);
    assert_true(vt_edit_is_host(&a.edits[0]));
    assert_null(a.edits[0].vm);
    assert_int_equal(a.edits[0].kind, VT_EDIT_HOST_PARAM);
    assert_string_equal(a.edits[0].knob, "halt_poll_ns");
    assert_true(a.edits[0].value == 400000 && a.edits[0].persist);
    assert_false(a.edits[1].persist);
    assert_string_equal(a.edits[2].cpuset, "0-1,3");
    assert_string_equal(a.edits[3].knob, "defrag");
    assert_string_equal(a.edits[3].mode, "defer+madvise");
    assert_true(a.edits[4].size_kib == 1048576 && a.edits[4].value == 4 && a.edits[4].node == 1);
    assert_int_equal(a.edits[5].node, -1);
    t1 = vt_plan_format(&a);
    assert_non_null(strstr(t1, "\nhost workqueue_cpus 0-1,3\n"));
    assert_non_null(strstr(t1, "\nhost hugepages 1G 4 node 1 persist\n"));
    assert_non_null(strstr(t1, "\nhost hugepages 2M 512\n"));
    assert_non_null(strstr(t1, "\nhost thp enabled madvise unpersist\n"));
    assert_int_equal(vt_plan_parse(t1, &b, NULL), 0);
    t2 = vt_plan_format(&b);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    vt_changeset_clear(&a);
    vt_changeset_clear(&b);
}

/* issue 15: the disk cache/io and NIC lines, the form they format to
 * (MAC in lower case), and each way they are refused */
static void test_nic_disk(void **state)
{
    static const char *text = "vm web-01 disk vda cache none io native\n"
                              "vm web-01 disk vdb cache writeback\n"
                              "vm web-01 disk vdc io io_uring\n"
                              "vm web-01 disk vdd cache directsync io native\n"
                              "vm web-01 disk vde cache default io threads\n"
                              "vm web-01 nic 52:54:00:AB:cd:0F queues 4\n"
                              "vm web-01 nic 52:54:00:ab:cd:0f driver vhost\n"
                              "vm web-01 nic 52:54:00:ab:cd:0f driver qemu\n"
                              "vm web-01 nic 52:54:00:ab:cd:0f queues 256\n";
    static const char *const lines[] = {
        "vm web-01 disk vda cache none io native",
        "vm web-01 disk vdb cache writeback",
        "vm web-01 disk vdc io io_uring",
        "vm web-01 disk vdd cache directsync io native",
        "vm web-01 disk vde cache default io threads",
        "vm web-01 nic 52:54:00:ab:cd:0f queues 4",
        "vm web-01 nic 52:54:00:ab:cd:0f driver vhost",
        "vm web-01 nic 52:54:00:ab:cd:0f driver qemu",
        "vm web-01 nic 52:54:00:ab:cd:0f queues 256",
    };
    vt_changeset a = { 0 }, b = { 0 };
    vt_err err = { { 0 } };
    char *t1, *t2;

    (void)state;
    if (vt_plan_parse(text, &a, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(a.n, 9);
    assert_int_equal(a.edits[0].kind, VT_EDIT_DISK_CACHE);
    assert_string_equal(a.edits[0].target, "vda");
    assert_string_equal(a.edits[0].mode, "none");
    assert_string_equal(a.edits[0].io, "native");
    assert_null(a.edits[1].io);
    assert_null(a.edits[2].mode);
    assert_string_equal(a.edits[2].io, "io_uring");
    assert_int_equal(a.edits[5].kind, VT_EDIT_NIC_QUEUES);
    assert_string_equal(a.edits[5].target, "52:54:00:ab:cd:0f");
    assert_int_equal(a.edits[5].id, 4);
    assert_int_equal(a.edits[6].kind, VT_EDIT_NIC_DRIVER);
    assert_string_equal(a.edits[6].mode, "vhost");
    assert_string_equal(a.edits[7].mode, "qemu");
    assert_int_equal(a.edits[8].id, 256);
    for (size_t i = 0; i < a.n; i++) {
        char *l = vt_edit_format(&a.edits[i]);
        /* config only: these have no live counterpart */
        assert_int_equal(a.edits[i].scope, VT_SCOPE_CONFIG);
        assert_false(vt_edit_is_host(&a.edits[i]));
        assert_string_equal(l, lines[i]);
        free(l);
    }
    t1 = vt_plan_format(&a);
    assert_int_equal(vt_plan_parse(t1, &b, NULL), 0);
    t2 = vt_plan_format(&b);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    vt_changeset_clear(&a);
    vt_changeset_clear(&b);

    assert_true(vt_cache_is_direct("none") && vt_cache_is_direct("directsync"));
    assert_false(vt_cache_is_direct("writeback") || vt_cache_is_direct(NULL));

    expect_bad("vm a disk vda cache\n", "line 1: expected: vm NAME disk TARGET cache MODE [io IO]");
    expect_bad("vm a disk vda io\n", "line 1: expected: vm NAME disk TARGET cache MODE [io IO]");
    expect_bad("vm a disk vda cache none io\n", "expected: vm NAME disk TARGET cache MODE");
    expect_bad("vm a disk vda cache none native\n", "expected: vm NAME disk TARGET cache MODE");
    expect_bad("vm a disk vda io native cache none\n", "expected: vm NAME disk TARGET cache MODE");
    expect_bad("vm a disk vda cache none io native iothread 1\n", "expected: vm NAME disk TARGET");
    expect_bad("vm a disk vda cache bogus\n",
               "line 1: cache mode \"bogus\" is not default, none, writethrough, writeback, "
               "directsync or unsafe");
    expect_bad("vm a disk vda cache None\n", "cache mode \"None\"");
    expect_bad("vm a disk vda io aio\n",
               "line 1: io mode \"aio\" is not native, threads or io_uring");
    expect_bad("vm a disk vda cache writeback io native\n",
               "line 1: io native needs cache none or directsync: QEMU's native AIO opens the "
               "image with O_DIRECT, which cache writeback does not");
    expect_bad("vm a disk vda cache default io native\n", "which cache default does not");
    expect_bad("vm a disk vda cache unsafe io native\n",
               "io native needs cache none or directsync");
    expect_bad("vm a nic 52:54:00:ab:cd:0f\n",
               "line 1: expected: vm NAME nic MAC queues N, vm NAME nic MAC driver vhost|qemu or "
               "vm NAME nic MAC coalesce rx-frames N [live|config|both]");
    expect_bad("vm a nic 52:54:00:ab:cd:0f mtu 9000\n", "expected: vm NAME nic MAC queues N");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues 4 live\n", "expected: vm NAME nic MAC queues N");
    expect_bad("vm a nic 52:54:00:ab:cd queues 4\n",
               "line 1: \"52:54:00:ab:cd\" is not a MAC address (six hex pairs, like "
               "52:54:00:12:34:56)");
    expect_bad("vm a nic 52:54:0:ab:cd:0f queues 4\n", "is not a MAC address");
    expect_bad("vm a nic 52-54-00-ab-cd-0f queues 4\n", "is not a MAC address");
    expect_bad("vm a nic 52:54:00:ab:cd:0g queues 4\n", "is not a MAC address");
    expect_bad("vm a nic vnet0 driver vhost\n", "\"vnet0\" is not a MAC address");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues 0\n",
               "line 1: queues \"0\" is not a whole number from 1 to 256");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues 257\n", "queues \"257\" is not a whole number");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues -1\n", "queues \"-1\" is not a whole number");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues 2.5\n", "queues \"2.5\" is not a whole number");
    expect_bad("vm a nic 52:54:00:ab:cd:0f queues four\n", "queues \"four\" is not a whole number");
    expect_bad("vm a nic 52:54:00:ab:cd:0f driver kvm\n",
               "line 1: NIC driver \"kvm\" is not vhost (in-kernel vhost-net) or qemu (userspace)");
    expect_bad("vm a nic 52:54:00:ab:cd:0f driver\n", "expected: vm NAME nic MAC queues N");
    expect_bad("# two\nvm a nic 52:54:00:ab:cd:0f queues 2\nvm a disk vda io bad\n",
               "line 3: io mode");
    expect_bad("vm a network 1\n", "seclabel, nic)");
}

/* issue 17: vhost_net and SR-IOV lines */
static void test_module_sriov(void **state)
{
    vt_changeset cs = { 0 };
    char *t;

    (void)state;
    assert_int_equal(vt_plan_parse("host module vhost_net load persist\n"
                                   "host sriov enp3s0f0 numvfs 4\n"
                                   "host sriov eth1 numvfs 0 unpersist\n", &cs, NULL), 0);
    assert_int_equal(cs.n, 3);
    assert_int_equal(cs.edits[0].kind, VT_EDIT_HOST_MODULE);
    assert_string_equal(cs.edits[0].knob, "vhost_net");
    assert_true(cs.edits[0].persist);
    assert_true(vt_edit_is_host(&cs.edits[0]));
    assert_int_equal(cs.edits[1].kind, VT_EDIT_HOST_SRIOV);
    assert_string_equal(cs.edits[1].target, "enp3s0f0");
    assert_true(cs.edits[1].value == 4);
    assert_true(cs.edits[2].unpersist);
    t = vt_plan_format(&cs);
    assert_non_null(strstr(t, "\nhost module vhost_net load persist\nhost sriov enp3s0f0 numvfs 4\n"
                              "host sriov eth1 numvfs 0 unpersist\n"));
    free(t);
    vt_changeset_clear(&cs);
    expect_bad("host module kvm_intel load\n", "line 1: module \"kvm_intel\" is not one virt-tune "
                                               "loads (only vhost_net)");
    expect_bad("host module vhost_net unload\n", "expected: host module vhost_net load");
    expect_bad("host sriov enp3s0f0 numvfs x\n", "expected: host sriov PF numvfs N");
    expect_bad("host sriov enp3s0f0 vfs 4\n", "expected: host sriov PF numvfs N");
    expect_bad("host sriov ../../x numvfs 4\n", "is not a network interface name");
}

/* issue 17: the host tap's packet batching, with a scope like the pins */
static void test_nic_coalesce(void **state)
{
    static const char *text = "vm web nic 52:54:00:AB:CD:0F coalesce rx-frames 64\n"
                              "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 0 config\n"
                              "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 16 live\n"
                              "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 8 both\n";
    static const char *lines[] = {
        "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 64 both",
        "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 0 config",
        "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 16 live",
        "vm web nic 52:54:00:ab:cd:0f coalesce rx-frames 8 both",
    };
    static const vt_scope scopes[] = { VT_SCOPE_BOTH, VT_SCOPE_CONFIG, VT_SCOPE_LIVE,
                                       VT_SCOPE_BOTH };
    vt_changeset a = { 0 }, b = { 0 };
    vt_err err = { { 0 } };
    char *t1, *t2;

    (void)state;
    if (vt_plan_parse(text, &a, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(a.n, 4);
    assert_int_equal(a.edits[0].kind, VT_EDIT_NIC_COALESCE);
    assert_string_equal(a.edits[0].target, "52:54:00:ab:cd:0f");
    assert_int_equal(a.edits[0].id, 64);
    assert_int_equal(a.edits[1].id, 0);
    for (size_t i = 0; i < a.n; i++) {
        char *l = vt_edit_format(&a.edits[i]);
        assert_int_equal(a.edits[i].scope, scopes[i]);
        assert_string_equal(l, lines[i]);
        free(l);
    }
    t1 = vt_plan_format(&a);
    assert_int_equal(vt_plan_parse(t1, &b, NULL), 0);
    t2 = vt_plan_format(&b);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    vt_changeset_clear(&a);
    vt_changeset_clear(&b);

    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames 65\n",
               "line 1: rx-frames \"65\" is not a whole number from 0 to 64 (a tap batches at "
               "most 64 frames, the kernel's NAPI weight)");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames -1\n", "rx-frames \"-1\" is not");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames 1e3\n", "rx-frames \"1e3\" is not");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames many\n", "rx-frames \"many\"");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames 4294967360\n", "is not a whole");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames 8 soon\n",
               "line 1: scope \"soon\" is not live, config or both");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-usecs 8\n",
               "coalesce rx-frames N [live|config|both]");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames\n", "expected: vm NAME nic MAC");
    expect_bad("vm a nic 52:54:00:ab:cd:0f coalesce rx-frames 8 live now\n",
               "expected: vm NAME nic MAC");
    expect_bad("vm a nic vnet0 coalesce rx-frames 8\n", "\"vnet0\" is not a MAC address");
}

static void test_sizes(void **state)
{
    unsigned long long k;

    (void)state;
    assert_int_equal(vt_parse_size_kib("2M", &k), 0);
    assert_true(k == 2048);
    assert_int_equal(vt_parse_size_kib("1GiB", &k), 0);
    assert_true(k == 1048576);
    assert_int_equal(vt_parse_size_kib("2048K", &k), 0);
    assert_true(k == 2048);
    assert_int_equal(vt_parse_size_kib("2048", &k), 0);
    assert_true(k == 2048);
    assert_int_equal(vt_parse_size_kib("", &k), -1);
    assert_int_equal(vt_parse_size_kib("M", &k), -1);
    assert_int_equal(vt_parse_size_kib("-2M", &k), -1);
    assert_int_equal(vt_parse_size_kib("2T", &k), -1);
    assert_int_equal(vt_parse_size_kib("99999999999999999999G", &k), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_host),
        cmocka_unit_test(test_nic_disk),
        cmocka_unit_test(test_nic_coalesce),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_module_sriov),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
