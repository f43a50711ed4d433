/* Unit tests for core/sysparse.c: sysfs "[selected]" lists and
 * /proc/PID/numa_maps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysparse.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Real lines from a KVM host running one guest with 2 MiB hugepages. */
#define L_QEMU                                                                                     \
    "55fa528f0000 default file=/usr/bin/qemu-system-x86_64 "                                       \
    "mapped=1015 N0=1015 kernelpagesize_kB=4"
#define L_HUGE                                                                                     \
    "7f87fbe00000 bind:0 file=/dev/hugepages/libvirt/qemu/1-vt/"                                   \
    "qemu_back_mem.pc.ram.09q4W0\\040(deleted) huge anon=64 "                                      \
    "dirty=64 N0=64 kernelpagesize_kB=2048"
#define L_STACK                                                                                    \
    "7ffd1c5e9000 default stack anon=3 dirty=3 N0=2 N1=1 "                                         \
    "kernelpagesize_kB=4"
#define L_INTERLEAVE                                                                               \
    "7f0000000000 interleave:0-1 anon=512 dirty=512 "                                              \
    "N0=256 N1=256 kernelpagesize_kB=4"
#define L_NONE "7ffd1c7f1000 default"

static void assert_err_has(const vt_err *err, const char *input, const char *want)
{
    if (err->msg[0] == '\0') {
        print_error("input \"%s\": empty error message\n", input);
        fail();
    }
    if (!strstr(err->msg, want)) {
        print_error("input \"%s\": message \"%s\" lacks \"%s\"\n", input, err->msg, want);
        fail();
    }
}

/* ---- selections ----------------------------------------------------- */

static void check_selection(const char *in, size_t nopts, int selected, const char *const *words)
{
    vt_selection sel;
    vt_err err;

    vt_err_clear(&err);
    if (vt_selection_parse(in, &sel, &err) != 0) {
        print_error("\"%s\": %s\n", in, err.msg);
        fail();
    }
    assert_int_equal(sel.nopts, nopts);
    assert_int_equal(sel.selected, selected);
    for (size_t i = 0; i < nopts; i++)
        assert_string_equal(sel.opts[i], words[i]);
    vt_selection_free(&sel);
    assert_int_equal(sel.nopts, 0);
}

static void test_selection_good(void **state)
{
    static const char *const thp[] = {"always", "madvise", "never"};
    static const char *const defrag[] = {
        "always", "defer", "defer+madvise", "madvise", "never",
    };
    static const char *const sched[] = {
        "mq-deadline",
        "kyber",
        "bfq",
        "none",
    };
    static const char *const shmem[] = {
        "always", "within_size", "advise", "never", "deny", "force",
    };
    static const char *const one[] = {"x"};

    (void)state;
    check_selection("always [madvise] never\n", 3, 1, thp);
    check_selection("always [madvise] never", 3, 1, thp);
    check_selection("[always] madvise never\n", 3, 0, thp);
    check_selection("always madvise [never]\n", 3, 2, thp);
    check_selection("always defer defer+madvise [madvise] never\n", 5, 3, defrag);
    check_selection("always defer [defer+madvise] madvise never\n", 5, 2, defrag);
    check_selection("[mq-deadline] kyber bfq none\n", 4, 0, sched);
    check_selection("always [within_size] advise never deny force\n", 6, 1, shmem);
    check_selection("[x]", 1, 0, one);
    /* Older kernels leave a blank before the newline. */
    check_selection("always [madvise] never \n", 3, 1, thp);
    check_selection("always  [madvise]\tnever", 3, 1, thp);
}

static void test_selection_max_opts(void **state)
{
    char buf[256] = "[w0]";
    vt_selection sel;
    vt_err err;

    (void)state;
    for (int i = 1; i < VT_SEL_MAX_OPTS; i++)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " w%d", i);
    assert_int_equal(vt_selection_parse(buf, &sel, &err), 0);
    assert_int_equal(sel.nopts, VT_SEL_MAX_OPTS);
    assert_string_equal(sel.opts[VT_SEL_MAX_OPTS - 1], "w15");
    vt_selection_free(&sel);

    vt_err_clear(&err);
    strcat(buf, " w16");
    assert_int_equal(vt_selection_parse(buf, &sel, &err), -1);
    assert_err_has(&err, buf, "more than 16 options");
    assert_int_equal(sel.nopts, 0);
    vt_selection_free(&sel);
}

static const struct {
    const char *in;
    const char *want;
} bad_selections[] = {
    {"", "empty selection"},
    {"\n", "empty selection"},
    {"   ", "empty selection"},
    {"always madvise never\n", "no selected word in brackets"},
    {"never", "no selected word"},
    {"[always] [madvise] never", "two selected words \"always\" and \"madvise\""},
    {"[", "\"[\" without matching \"]\" in \"[\""},
    {"[]", "empty brackets"},
    {"a [] b", "empty brackets"},
    {"always [madvise never", "\"[madvise\""},
    {"[always madvise] never", "\"[always\""},
    {"always madvise] never", "unbalanced ']' in \"madvise]\""},
    {"]", "unbalanced ']'"},
    {"[[madvise]]", "unbalanced '['"},
    {"a[b] c", "unbalanced '[' in \"a[b]\""},
    {"[a]b", "\"[a]b\""},
    {"a [b] c.d", "bad character '.' in \"c.d\""},
    {"a [b]\n\n", "bad character '\\x0a'"},
    {"a [b]\nc", "bad character '\\x0a'"},
    {"a [b\xc3\xa9]", "bad character '\\xc3'"},
};

static void test_selection_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_selections); i++) {
        vt_selection sel;
        vt_err err;

        vt_err_clear(&err);
        memset(&sel, 0x5a, sizeof(sel)); /* as if uninitialised */
        if (vt_selection_parse(bad_selections[i].in, &sel, &err) != -1) {
            print_error("\"%s\" was accepted\n", bad_selections[i].in);
            vt_selection_free(&sel);
            fail();
        }
        assert_err_has(&err, bad_selections[i].in, bad_selections[i].want);
        /* The failed result is empty and safe to free. */
        assert_int_equal(sel.nopts, 0);
        assert_int_equal(sel.selected, -1);
        vt_selection_free(&sel);
    }
}

static void test_selection_null(void **state)
{
    vt_selection sel;
    vt_err err;

    (void)state;
    vt_err_clear(&err);
    assert_int_equal(vt_selection_parse(NULL, &sel, &err), -1);
    assert_true(err.msg[0] != '\0');
    assert_int_equal(vt_selection_parse("[a] b", &sel, NULL), 0);
    vt_selection_free(&sel);
    assert_int_equal(vt_selection_parse("a b", &sel, NULL), -1);
    vt_selection_free(&sel);
    vt_selection_free(NULL);
}

static void test_selection_long_input(void **state)
{
    char buf[2048];
    vt_selection sel;
    vt_err err;

    (void)state;
    /* Messages stay bounded and say they were cut. */
    memset(buf, 'a', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\0';
    buf[1000] = '.';
    vt_err_clear(&err);
    assert_int_equal(vt_selection_parse(buf, &sel, &err), -1);
    assert_err_has(&err, "long", "bad character '.'");
    assert_err_has(&err, "long", "...");
    assert_true(strlen(err.msg) < 300);
}

/* ---- numa_maps ------------------------------------------------------ */

static void test_numa_init(void **state)
{
    vt_numa_usage u;

    (void)state;
    memset(&u, 0xff, sizeof(u));
    vt_numa_usage_init(&u);
    assert_int_equal(u.max_node, -1);
    for (int i = 0; i < VT_NUMA_MAX_NODES; i++) {
        assert_int_equal(u.kib[i], 0);
        assert_int_equal(u.huge_kib[i], 0);
    }
}

static void parse_ok(const char *line, vt_numa_usage *u)
{
    vt_err err;

    vt_err_clear(&err);
    if (vt_numamaps_parse_line(line, u, &err) != 0) {
        print_error("\"%s\": %s\n", line, err.msg);
        fail();
    }
}

static void test_numa_line_real(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    parse_ok(L_QEMU, &u);
    assert_int_equal(u.kib[0], 1015 * 4);
    assert_int_equal(u.kib[1], 0);
    assert_int_equal(u.huge_kib[0], 0);
    assert_int_equal(u.max_node, 0);

    /* a hugetlbfs mapping counts as memory and as memory on huge pages */
    vt_numa_usage_init(&u);
    parse_ok(L_HUGE, &u);
    assert_int_equal(u.kib[0], 131072);
    assert_int_equal(u.huge_kib[0], 131072);
    assert_int_equal(u.max_node, 0);
    parse_ok(L_QEMU, &u);
    assert_int_equal(u.kib[0], 131072 + 1015 * 4);
    assert_int_equal(u.huge_kib[0], 131072);

    vt_numa_usage_init(&u);
    parse_ok(L_STACK, &u);
    assert_int_equal(u.kib[0], 8);
    assert_int_equal(u.kib[1], 4);
    assert_int_equal(u.max_node, 1);

    vt_numa_usage_init(&u);
    parse_ok(L_INTERLEAVE, &u);
    assert_int_equal(u.kib[0], 1024);
    assert_int_equal(u.kib[1], 1024);
    assert_int_equal(u.kib[2], 0);
    assert_int_equal(u.max_node, 1);
}

static void test_numa_line_no_nodes(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    parse_ok(L_NONE, &u);
    parse_ok(L_NONE "\n", &u);
    parse_ok("7f1234567000 default file=/lib/x.so\\040y", &u);
    parse_ok("ffffffffff600000 default", &u);
    assert_int_equal(u.max_node, -1);
    for (int i = 0; i < VT_NUMA_MAX_NODES; i++)
        assert_int_equal(u.kib[i], 0);
}

static void test_numa_line_variants(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    /* No kernelpagesize_kB: 4 KiB pages. */
    parse_ok("7f0000000000 default anon=3 N2=3", &u);
    assert_int_equal(u.kib[2], 12);
    assert_int_equal(u.max_node, 2);

    /* Policies whose names hold blanks. */
    parse_ok("7f0000001000 prefer (many):0-1 anon=2 N1=2 "
             "kernelpagesize_kB=4",
             &u);
    parse_ok("7f0000002000 weighted interleave:0-1 anon=2 N0=1 N1=1 "
             "kernelpagesize_kB=4",
             &u);
    assert_int_equal(u.kib[0], 4);
    assert_int_equal(u.kib[1], 12);
    assert_int_equal(u.max_node, 2);

    /* 1 GiB pages, highest node allowed, trailing newline. */
    parse_ok("7f4000000000 bind:1023 huge anon=3 N1023=3 "
             "kernelpagesize_kB=1048576\n",
             &u);
    assert_int_equal(u.kib[1023], 3ULL * 1048576);
    assert_int_equal(u.max_node, 1023);

    /* max_node never goes down. */
    parse_ok("7f0000003000 default N0=1", &u);
    assert_int_equal(u.max_node, 1023);
    assert_int_equal(u.kib[0], 8);

    /* Duplicate node keys add up. */
    vt_numa_usage_init(&u);
    parse_ok("7f0000004000 default N0=1 N0=2 kernelpagesize_kB=8", &u);
    assert_int_equal(u.kib[0], 24);
}

static void test_numa_line_accumulates(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    parse_ok(L_HUGE, &u);
    parse_ok(L_HUGE, &u);
    parse_ok(L_STACK, &u);
    assert_int_equal(u.kib[0], 2 * 131072 + 8);
    assert_int_equal(u.kib[1], 4);
    assert_int_equal(u.max_node, 1);
}

static const struct {
    const char *in;
    const char *want;
} bad_lines[] = {
    {"", "numa_maps line: empty line"},
    {"   ", "empty line"},
    {"zz12 default", "address \"zz12\" is not a hex address"},
    {"0x7f00 default", "address \"0x7f00\""},
    {"-7f00 default", "address \"-7f00\""},
    {"7f0000000000000000 default", "address \"7f0000000000000000\""},
    {"default N0=1", "address \"default\""},
    {"7f00", "missing memory policy"},
    {"7f00 default N0=", "bad node count \"N0=\""},
    {"7f00 default N0=x", "bad node count \"N0=x\""},
    {"7f00 default N0=abc", "bad node count \"N0=abc\""},
    {"7f00 default N0=-1", "bad node count \"N0=-1\""},
    {"7f00 default N0=1x", "bad node count \"N0=1x\""},
    {"7f00 default N0=18446744073709551616", "bad node count \"N0=18446744073709551616\""},
    {"7f00 default Nx=3", "bad node id \"Nx=3\""},
    {"7f00 default N=3", "bad node id \"N=3\""},
    {"7f00 default N-1=3", "bad node id \"N-1=3\""},
    {"7f00 default N0", "bad node entry \"N0\""},
    {"7f00 default N1024=1", "node 1024 in \"N1024=1\" is out of range (max 1023)"},
    {"7f00 default N4000000000=1", "\"N4000000000=1\" is out of range"},
    {"7f00 default N0=1 kernelpagesize_kB=abc", "bad page size \"kernelpagesize_kB=abc\""},
    {"7f00 default N0=1 kernelpagesize_kB=", "bad page size \"kernelpagesize_kB=\""},
    {"7f00 default N0=1 kernelpagesize_kB", "bad page size \"kernelpagesize_kB\""},
    {"7f00 default N0=1 kernelpagesize_kB=0", "bad page size"},
    {"7f00 default N0=18446744073709551615 kernelpagesize_kB=4", "memory on node 0 overflows"},
    {"7f00 default N3=18446744073709551615 N3=1", "page count for node 3 overflows"},
    {"7f00 default N0=1\n7f01 default N0=1", "text after the newline"},
    {"7f00 default N0=1\tN1=\x01", "bad node count \"N1=\\x01\""},
};

static void test_numa_line_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_lines); i++) {
        vt_numa_usage u;
        vt_err err;

        vt_numa_usage_init(&u);
        vt_err_clear(&err);
        if (vt_numamaps_parse_line(bad_lines[i].in, &u, &err) != -1) {
            print_error("\"%s\" was accepted\n", bad_lines[i].in);
            fail();
        }
        assert_err_has(&err, bad_lines[i].in, bad_lines[i].want);
        /* Good entries before the bad one must not have been added. */
        assert_int_equal(u.kib[0], 0);
        assert_int_equal(u.kib[3], 0);
        assert_int_equal(u.max_node, -1);
    }
    assert_int_equal(vt_numamaps_parse_line(NULL, NULL, NULL), -1);
}

static void test_numa_line_atomic(void **state)
{
    vt_numa_usage u;
    vt_err err;

    (void)state;
    vt_numa_usage_init(&u);
    parse_ok(L_STACK, &u);
    assert_int_equal(vt_numamaps_parse_line("7f00 default N0=5 N1=x", &u, &err), -1);
    assert_err_has(&err, "N1=x", "bad node count \"N1=x\"");
    assert_int_equal(u.kib[0], 8);
    assert_int_equal(u.kib[1], 4);
    assert_int_equal(u.max_node, 1);

    /* Overflow against what is already accumulated. */
    vt_numa_usage_init(&u);
    u.kib[0] = ULLONG_MAX - 4;
    parse_ok("7f00 default N0=1", &u);
    assert_true(u.kib[0] == ULLONG_MAX);
    u.kib[0] = ULLONG_MAX - 3;
    assert_int_equal(vt_numamaps_parse_line("7f00 default N5=1 N0=1", &u, &err), -1);
    assert_err_has(&err, "near max", "memory on node 0 overflows");
    assert_true(u.kib[0] == ULLONG_MAX - 3);
    assert_int_equal(u.kib[5], 0);
}

static void test_numa_text(void **state)
{
    static const char text[] = L_QEMU "\n" L_HUGE "\n" L_STACK "\n" L_INTERLEAVE "\n" L_NONE "\n";
    vt_numa_usage u;
    vt_err err;

    (void)state;
    vt_numa_usage_init(&u);
    vt_err_clear(&err);
    assert_int_equal(vt_numamaps_parse(text, &u, &err), 0);
    assert_int_equal(u.kib[0], 4060 + 131072 + 8 + 1024);
    assert_int_equal(u.kib[1], 4 + 1024);
    assert_int_equal(u.kib[2], 0);
    assert_int_equal(u.max_node, 1);

    /* Adds to what acc already holds; no final newline needed. */
    assert_int_equal(vt_numamaps_parse(L_HUGE "\n" L_HUGE, &u, &err), 0);
    assert_int_equal(u.kib[0], 4060 + 131072 + 8 + 1024 + 2 * 131072);
}

static void test_numa_text_empty(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    assert_int_equal(vt_numamaps_parse("", &u, NULL), 0);
    assert_int_equal(vt_numamaps_parse("\n", &u, NULL), 0);
    assert_int_equal(vt_numamaps_parse("\n\n  \n", &u, NULL), 0);
    assert_int_equal(vt_numamaps_parse(L_NONE "\n" L_NONE, &u, NULL), 0);
    assert_int_equal(u.max_node, -1);
    assert_int_equal(u.kib[0], 0);

    /* A blank line between entries is skipped, not an error. */
    assert_int_equal(vt_numamaps_parse(L_STACK "\n\n" L_STACK "\n", &u, NULL), 0);
    assert_int_equal(u.kib[0], 16);
    assert_int_equal(u.max_node, 1);
}

static const struct {
    const char *text;
    const char *want;
} bad_texts[] = {
    {L_QEMU "\n" L_HUGE "\n7f00 default N0=x\n" L_STACK "\n",
     "numa_maps line 3: bad node count \"N0=x\""},
    {"zz default\n", "numa_maps line 1: address \"zz\""},
    {"\n\nzz default", "numa_maps line 3: address \"zz\""},
    {L_NONE "\n7f00\n", "numa_maps line 2: missing memory policy"},
    {L_NONE "\n" L_NONE "\n" L_NONE "\n7f00 default N1024=1", "numa_maps line 4: node 1024"},
    {L_HUGE "\n7f00 default N0=1 kernelpagesize_kB=abc\n",
     "numa_maps line 2: bad page size \"kernelpagesize_kB=abc\""},
    {L_HUGE "\n7f00 default N0=1\n7f00 default Nx=3", "numa_maps line 3: bad node id \"Nx=3\""},
};

static void test_numa_text_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_texts); i++) {
        vt_numa_usage u;
        vt_err err;

        vt_numa_usage_init(&u);
        u.kib[0] = 7;
        vt_err_clear(&err);
        if (vt_numamaps_parse(bad_texts[i].text, &u, &err) != -1) {
            print_error("text %zu was accepted\n", i);
            fail();
        }
        assert_err_has(&err, bad_texts[i].text, bad_texts[i].want);
        /* A bad file adds nothing, not even its good first lines. */
        assert_int_equal(u.kib[0], 7);
        assert_int_equal(u.kib[1], 0);
        assert_int_equal(u.max_node, -1);
    }
    assert_int_equal(vt_numamaps_parse(NULL, NULL, NULL), -1);
}

static void test_numa_max_node(void **state)
{
    vt_numa_usage u;

    (void)state;
    vt_numa_usage_init(&u);
    assert_int_equal(u.max_node, -1);
    assert_int_equal(vt_numamaps_parse(L_NONE "\n", &u, NULL), 0);
    assert_int_equal(u.max_node, -1);
    assert_int_equal(vt_numamaps_parse("7f00 default N5=1\n"
                                       "7f01 default N2=1\n",
                                       &u, NULL),
                     0);
    assert_int_equal(u.max_node, 5);
    assert_int_equal(vt_numamaps_parse(L_INTERLEAVE, &u, NULL), 0);
    assert_int_equal(u.max_node, 5);
    assert_int_equal(vt_numamaps_parse("7f00 default N7=1", &u, NULL), 0);
    assert_int_equal(u.max_node, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selection_good),
        cmocka_unit_test(test_selection_max_opts),
        cmocka_unit_test(test_selection_bad),
        cmocka_unit_test(test_selection_null),
        cmocka_unit_test(test_selection_long_input),
        cmocka_unit_test(test_numa_init),
        cmocka_unit_test(test_numa_line_real),
        cmocka_unit_test(test_numa_line_no_nodes),
        cmocka_unit_test(test_numa_line_variants),
        cmocka_unit_test(test_numa_line_accumulates),
        cmocka_unit_test(test_numa_line_bad),
        cmocka_unit_test(test_numa_line_atomic),
        cmocka_unit_test(test_numa_text),
        cmocka_unit_test(test_numa_text_empty),
        cmocka_unit_test(test_numa_text_bad),
        cmocka_unit_test(test_numa_max_node),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
