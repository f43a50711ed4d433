/* Finding QEMU processes by -uuid and summing their numa_maps, on the
 * procfs fixture in tests/data/proc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "proc.h"

#define UUID_A "11111111-2222-3333-4444-000000000001"
#define UUID_B "11111111-2222-3333-4444-000000000002"

static void test_cmdline_uuid(void **state)
{
    static const char argv[] = "qemu\0-name\0guest=x\0-uuid\0" UUID_A "\0-m\0001\0";
    static const char short_uuid[] = "qemu\0-uuid\0abc\0";
    static const char tail[] = "qemu\0-uuid";
    char out[37];

    (void)state;
    assert_int_equal(vt_cmdline_uuid(argv, sizeof(argv) - 1, out), 0);
    assert_string_equal(out, UUID_A);
    assert_int_equal(vt_cmdline_uuid(short_uuid, sizeof(short_uuid) - 1, out), -1);
    assert_int_equal(vt_cmdline_uuid(tail, sizeof(tail) - 1, out), -1);
    assert_int_equal(vt_cmdline_uuid("", 0, out), -1);
}

static void test_cmdline_sandbox(void **state)
{
    static const char on[] = "qemu\0-uuid\0" UUID_A "\0-sandbox\0on,obsolete=deny,spawn=deny\0-m\0001\0";
    static const char key[] = "qemu\0-sandbox\0enable=on\0";
    static const char off[] = "qemu\0-sandbox\0off\0";
    static const char later[] = "qemu\0-sandbox\0on\0-sandbox\0off\0";
    static const char none[] = "qemu\0-uuid\0" UUID_A "\0";
    static const char tail[] = "qemu\0-sandbox";

    (void)state;
    assert_int_equal(vt_cmdline_sandbox(on, sizeof(on) - 1), 1);
    assert_int_equal(vt_cmdline_sandbox(key, sizeof(key) - 1), 1);
    assert_int_equal(vt_cmdline_sandbox(off, sizeof(off) - 1), 0);
    assert_int_equal(vt_cmdline_sandbox(later, sizeof(later) - 1), 0);
    assert_int_equal(vt_cmdline_sandbox(none, sizeof(none) - 1), 0);
    assert_int_equal(vt_cmdline_sandbox(tail, sizeof(tail) - 1), 0);
    /* the fixture's VMs run as libvirt 9.0 starts them */
    assert_int_equal(vt_proc_sandbox(VT_TEST_DATA "/proc", 2001), 1);
    assert_int_equal(vt_proc_sandbox(VT_TEST_DATA "/proc", 1), 0);
    assert_int_equal(vt_proc_sandbox(VT_TEST_DATA "/proc", 9999), -1);
}

static void test_scan(void **state)
{
    vt_pidmap map = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_proc_scan(VT_TEST_DATA "/proc", &map, &err), 0);
    assert_int_equal(map.n, 2);          /* init and the bad uuid skipped */
    assert_int_equal(vt_pidmap_find(&map, UUID_A), 2001);
    assert_int_equal(vt_pidmap_find(&map, UUID_B), 2002);
    assert_int_equal(vt_pidmap_find(&map, "11111111-2222-3333-4444-000000000003"), -1);
    assert_int_equal(vt_proc_pid_matches(VT_TEST_DATA "/proc", 2001, UUID_A), 1);
    assert_int_equal(vt_proc_pid_matches(VT_TEST_DATA "/proc", 2001, UUID_B), 0);
    assert_int_equal(vt_proc_pid_matches(VT_TEST_DATA "/proc", 9999, UUID_B), 0);
    vt_pidmap_clear(&map);
    assert_int_equal(vt_proc_scan(VT_TEST_DATA "/nonexistent", &map, &err), -1);
    assert_non_null(strstr(err.msg, "nonexistent"));
}

static void test_numa(void **state)
{
    vt_numa_usage u;
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_proc_numa_usage(VT_TEST_DATA "/proc", 2001, &u, &err), 0);
    /* 1015*4 + 251*4 + 512*2048 + 2*4 on N0, 1*4 on N1 */
    assert_true(u.kib[0] == 1053648ULL);
    assert_true(u.kib[1] == 4ULL);
    assert_int_equal(u.max_node, 1);
    assert_int_equal(vt_proc_numa_usage(VT_TEST_DATA "/proc", 2002, &u, &err), 0);
    assert_true(u.kib[0] == 1052672ULL);
    assert_true(u.kib[1] == 1048576ULL);
    assert_int_equal(vt_proc_numa_usage(VT_TEST_DATA "/proc", 1, &u, &err), -1);
    assert_non_null(strstr(err.msg, "numa_maps"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdline_uuid),
        cmocka_unit_test(test_cmdline_sandbox),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_numa),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
