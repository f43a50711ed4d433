/* Host facts from the sysfs fixture in tests/data/sysfs, and the cases
 * where a knob or the whole kvm module is missing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "fsutil.h"
#include "host.h"

static void test_fixture(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, VT_TEST_DATA "/sysfs", &err), 0);
    assert_true(h.kvm_loaded);
    assert_true(h.halt_poll_ns.present);
    assert_true(h.halt_poll_ns.value == 400000);
    assert_true(h.halt_poll_ns_grow.value == 2);
    assert_true(h.halt_poll_ns_grow_start.value == 10000);
    assert_true(h.halt_poll_ns_shrink.present);
    assert_string_equal(h.workqueue_mask, "f0");
    assert_string_equal(h.workqueue_cpus, "4-7");
    assert_string_equal(h.workqueue_requested, "0-7");
    assert_string_equal(h.workqueue_isolated, "");
    assert_string_equal(h.thp_enabled, "madvise");
    assert_string_equal(h.thp_enabled_opts, "always madvise never");
    assert_string_equal(h.thp_defrag, "never");
    assert_int_equal(h.nnodes, 2);
    assert_string_equal(h.topology_source, "sysfs");
    assert_string_equal(h.nodes[1].cpus, "4-7");
    assert_true(h.nodes[0].memory_kib == 8388608);
    assert_int_equal(h.npools, 2);
    assert_true(h.pools[0].size_kib == 2048);
    assert_true(h.pools[0].nr == 1024 && h.pools[0].free == 512);
    assert_int_equal(h.pools[0].nnodes, 2);
    assert_true(h.pools[0].nodes[0].nr == 768 && h.pools[0].nodes[0].free == 256);
    assert_true(h.pools[1].size_kib == 1048576);
    assert_int_equal(h.ncpus, 8);
    assert_string_equal(h.online_cpus, "0-7");
    assert_int_equal(h.selinux, VT_SELINUX_PERMISSIVE);
    assert_true(h.vhost_net_loaded);
    vt_host_clear(&h);
}

/* A copy of the fixture with pieces removed. */
static char *scratch_copy(void)
{
    char *dir = vt_strdup("/tmp/vt-test-host.XXXXXX");
    char *sys;

    assert_non_null(mkdtemp(dir));
    sys = vt_asprintf("%s/sys", dir);
    assert_int_equal(vt_copy_tree(VT_TEST_DATA "/sysfs", sys, NULL), 0);
    free(sys);
    return dir;
}

static void test_missing(void **state)
{
    char *dir = scratch_copy();
    char *sys = vt_asprintf("%s/sys", dir);
    char *kvm = vt_asprintf("%s/module/kvm", sys);
    char *wq = vt_asprintf("%s/devices/virtual/workqueue/cpumask", sys);
    vt_host h = { 0 };

    (void)state;
    assert_int_equal(vt_remove_tree(kvm), 0);
    FILE *f = fopen(wq, "w");
    assert_non_null(f);
    fputs("0xzz\n", f);
    fclose(f);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_false(h.kvm_loaded);
    assert_false(h.halt_poll_ns.present);
    assert_string_equal(h.halt_poll_ns.why, "kvm module not loaded");
    assert_null(h.workqueue_cpus);
    assert_non_null(strstr(h.workqueue_why, "0xzz"));
    /* reading again after a clear gives the same, without leaks */
    vt_host_clear_sysfs(&h);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_false(h.kvm_loaded);
    vt_host_clear(&h);
    vt_remove_tree(dir);
    free(dir); free(sys); free(kvm); free(wq);
}

static void test_bad_root(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, "/nonexistent/sys", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/sys"));
    vt_host_clear(&h);
}

static void test_caps(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };
    const char *caps =
        "<capabilities><host><topology><cells num='2'>"
        "<cell id='0'><memory unit='KiB'>1024</memory><cpus num='2'>"
        "<cpu id='0'/><cpu id='1'/></cpus></cell>"
        "<cell id='1'><memory unit='GiB'>1</memory><cpus num='2'>"
        "<cpu id='3'/><cpu id='2'/></cpus></cell>"
        "</cells></topology></host></capabilities>";

    (void)state;
    assert_int_equal(vt_caps_parse_topology(caps, &h, &err), 0);
    assert_int_equal(h.nnodes, 2);
    assert_string_equal(h.nodes[0].cpus, "0-1");
    assert_string_equal(h.nodes[1].cpus, "2-3");
    assert_true(h.nodes[1].memory_kib == 1048576);
    assert_string_equal(h.topology_source, "capabilities");
    vt_host_clear(&h);
    /* no cells: nothing, no error */
    assert_int_equal(vt_caps_parse_topology("<capabilities><host><topology><cells num='0'/>"
                                            "</topology></host></capabilities>", &h, &err), 0);
    assert_int_equal(h.nnodes, 0);
    assert_int_equal(vt_caps_parse_topology("<capabilities>", &h, &err), -1);
    vt_host_clear(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_bad_root),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
