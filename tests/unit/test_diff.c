/* Unified diffs: exact hunks for the usual edits; on a few hundred random
 * pairs, as short as GNU diff's minimal mode and accepted by GNU patch. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "util.h"

/* "line 1\n" .. "line N\n", with the lines listed in UPPER (0-terminated)
 * written "LINE k" instead. */
static char *numbered(int n, const int *upper)
{
    vt_buf b = { 0 };

    for (int i = 1; i <= n; i++) {
        int up = 0;

        for (const int *u = upper; u && *u; u++)
            up |= *u == i;
        vt_buf_addf(&b, "%s %d\n", up ? "LINE" : "line", i);
    }
    return vt_buf_steal(&b);
}

static void expect_diff(const char *a, const char *b, unsigned context, const char *want)
{
    char *got = vt_diff_unified(a, b, "a", "b", context);

    assert_string_equal(got, want);
    free(got);
}

/* + and - lines of a diff, leaving out the two header lines */
static void count_lines(const char *diff, size_t *added, size_t *removed)
{
    const char *p = diff;

    *added = *removed = 0;
    for (int header = 2; *p; header--) {
        if (header <= 0 && *p == '+')
            (*added)++;
        if (header <= 0 && *p == '-')
            (*removed)++;
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
}

static int count_hunks(const char *diff)
{
    int n = 0;

    for (const char *p = strstr(diff, "\n@@ "); p; p = strstr(p + 1, "\n@@ "))
        n++;
    return n;
}

static void expect_count(const char *a, const char *b, size_t added, size_t removed)
{
    size_t add = 99, rem = 99;

    vt_diff_count(a, b, &add, &rem);
    assert_int_equal(add, added);
    assert_int_equal(rem, removed);
}

static void test_equal(void **state)
{
    char *t = numbered(20, NULL);
    char *d;

    (void)state;
    expect_diff("", "", 3, "");
    expect_diff(t, t, 3, "");
    expect_diff(t, t, 0, "");
    /* the missing newline alone is not a change */
    expect_diff("x\ny", "x\ny\n", 3, "");
    d = vt_diff_unified(NULL, NULL, NULL, NULL, 3);
    assert_non_null(d);
    assert_string_equal(d, "");
    free(d);
    expect_count(t, t, 0, 0);
    free(t);
}

static void test_middle_change(void **state)
{
    static const int up[] = {10, 0};
    char *a = numbered(20, NULL);
    char *b = numbered(20, up);

    (void)state;
    expect_diff(a, b, 3,
                "--- a\n"
                "+++ b\n"
                "@@ -7,7 +7,7 @@\n"
                " line 7\n"
                " line 8\n"
                " line 9\n"
                "-line 10\n"
                "+LINE 10\n"
                " line 11\n"
                " line 12\n"
                " line 13\n");
    expect_diff(a, b, 0,
                "--- a\n"
                "+++ b\n"
                "@@ -10 +10 @@\n"
                "-line 10\n"
                "+LINE 10\n");
    expect_count(a, b, 1, 1);
    free(a);
    free(b);
}

static void test_insert_top(void **state)
{
    (void)state;
    expect_diff("x\ny\n", "new\nx\ny\n", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -1,2 +1,3 @@\n"
                "+new\n"
                " x\n"
                " y\n");
    expect_diff("x\ny\n", "new\nx\ny\n", 0,
                "--- a\n"
                "+++ b\n"
                "@@ -0,0 +1 @@\n"
                "+new\n");
}

static void test_delete_end(void **state)
{
    (void)state;
    expect_diff("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -2,4 +2,3 @@\n"
                " 2\n"
                " 3\n"
                " 4\n"
                "-5\n");
    expect_diff("1\n2\n3\n4\n5\n", "1\n2\n3\n4\n", 0,
                "--- a\n"
                "+++ b\n"
                "@@ -5 +4,0 @@\n"
                "-5\n");
}

static void test_no_newline(void **state)
{
    (void)state;
    expect_diff("x\ny", "x\nz", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -1,2 +1,2 @@\n"
                " x\n"
                "-y\n"
                "+z\n");
    expect_diff("x", "x\ny", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -1 +1,2 @@\n"
                " x\n"
                "+y\n");
}

static void test_hunks(void **state)
{
    static const int far[] = {2, 19, 0};
    static const int near[] = {5, 12, 0};  /* 6 lines apart: contexts meet */
    static const int apart[] = {5, 13, 0}; /* 7 lines apart: they do not */
    char *a = numbered(20, NULL);
    char *b = numbered(20, far);
    char *d = vt_diff_unified(a, b, "a", "b", 3);

    (void)state;
    assert_string_equal(d, "--- a\n"
                           "+++ b\n"
                           "@@ -1,5 +1,5 @@\n"
                           " line 1\n"
                           "-line 2\n"
                           "+LINE 2\n"
                           " line 3\n"
                           " line 4\n"
                           " line 5\n"
                           "@@ -16,5 +16,5 @@\n"
                           " line 16\n"
                           " line 17\n"
                           " line 18\n"
                           "-line 19\n"
                           "+LINE 19\n"
                           " line 20\n");
    assert_int_equal(count_hunks(d), 2);
    free(d);
    free(b);

    b = numbered(20, near);
    d = vt_diff_unified(a, b, "a", "b", 3);
    assert_non_null(strstr(d, "\n@@ -2,14 +2,14 @@\n"));
    assert_int_equal(count_hunks(d), 1);
    free(d);
    free(b);

    b = numbered(20, apart);
    d = vt_diff_unified(a, b, "a", "b", 3);
    assert_non_null(strstr(d, "\n@@ -2,7 +2,7 @@\n"));
    assert_non_null(strstr(d, "\n@@ -10,7 +10,7 @@\n"));
    assert_int_equal(count_hunks(d), 2);
    free(d);
    free(b);
    free(a);
}

static void test_empty_side(void **state)
{
    (void)state;
    expect_diff("", "a\nb\n", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -0,0 +1,2 @@\n"
                "+a\n"
                "+b\n");
    expect_diff("a\nb\n", "", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -1,2 +0,0 @@\n"
                "-a\n"
                "-b\n");
    expect_diff("", "a\n", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -0,0 +1 @@\n"
                "+a\n");
    expect_count("", "a\nb\n", 2, 0);
    expect_count("a\nb\n", "", 0, 2);
}

static void test_null(void **state)
{
    char *d;

    (void)state;
    expect_diff(NULL, "a\n", 3, "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n");
    expect_diff("a\n", NULL, 3, "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n");
    d = vt_diff_unified("x\n", "y\n", NULL, NULL, 3);
    assert_string_equal(d, "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n");
    free(d);
    d = vt_diff_unified("x\n", "y\n", "old.xml", "new.xml", 3);
    assert_string_equal(d, "--- old.xml\n+++ new.xml\n@@ -1 +1 @@\n-x\n+y\n");
    free(d);
    expect_count(NULL, NULL, 0, 0);
    expect_count(NULL, "a\n", 1, 0);
    vt_diff_count("a\n", "b\n", NULL, NULL);
}

/* A copied block reads as the new one after the old, not as a block
 * straddling both. */
static void test_added_block(void **state)
{
    (void)state;
    expect_diff("<disk>\n</disk>\n", "<disk>\n</disk>\n<disk>\n</disk>\n", 3,
                "--- a\n"
                "+++ b\n"
                "@@ -1,2 +1,4 @@\n"
                " <disk>\n"
                " </disk>\n"
                "+<disk>\n"
                "+</disk>\n");
}

static void test_count(void **state)
{
    static const int up[] = {3, 4, 15, 0};
    char *a = numbered(20, NULL);
    char *b = numbered(20, up);
    char *d = vt_diff_unified(a, "line 0\nline 1\nline 5\n", "a", "b", 3);
    size_t add, rem;

    (void)state;
    expect_count(a, b, 3, 3);
    count_lines(d, &add, &rem);
    expect_count(a, "line 0\nline 1\nline 5\n", add, rem);
    assert_int_equal(add, 1);
    assert_int_equal(rem, 18);
    free(d);
    free(a);
    free(b);
}

/* ---- GNU diff as the oracle ---- */

static uint64_t rng_state;

static unsigned rng(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void write_temp(char *path, const char *text)
{
    int fd = mkstemp(path);
    size_t n = strlen(text);

    assert_true(fd >= 0);
    assert_true(write(fd, text, n) == (ssize_t)n);
    assert_int_equal(close(fd), 0);
}

static char *run(const char *cmd, int maxrc)
{
    char chunk[4096];
    vt_buf out = { 0 };
    size_t n;
    FILE *f = popen(cmd, "r");
    int status;

    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vt_buf_addn(&out, chunk, n);
    status = pclose(f);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) <= maxrc))
        fail_msg("%s failed", cmd);
    vt_buf_add(&out, "");
    return vt_buf_steal(&out);
}

/* Two independent checks of our diff: GNU diff in its minimal mode (-d)
 * must find exactly as many changed lines (ours is minimal too, so ties
 * may break differently but never the count), and GNU patch must turn a
 * into b with our hunks. */
static void check_oracle(const char *a, const char *b, unsigned context)
{
    char pa[] = "/tmp/vt_diff_aXXXXXX", pb[] = "/tmp/vt_diff_bXXXXXX";
    char pd[] = "/tmp/vt_diff_dXXXXXX", po[] = "/tmp/vt_diff_oXXXXXX";
    char cmd[256], *want, *got, *patched;
    size_t add, rem, gadd, grem;

    got = vt_diff_unified(a, b, "a", "b", context);
    write_temp(pa, a);
    write_temp(pb, b);
    write_temp(pd, got);
    write_temp(po, "");
    snprintf(cmd, sizeof(cmd), "diff -d -U%u --label a --label b %s %s", context, pa, pb);
    want = run(cmd, 1);
    count_lines(want, &gadd, &grem);
    count_lines(got, &add, &rem);
    if (add != gadd || rem != grem)
        fail_msg("not minimal: +%zu -%zu, GNU diff -d +%zu -%zu\n--- a\n%s--- b\n%s--- ours\n%s",
                 add, rem, gadd, grem, a, b, got);
    if (*got) {
        snprintf(cmd, sizeof(cmd), "patch -s -o %s %s %s 2>&1", po, pa, pd);
        free(run(cmd, 0));
        snprintf(cmd, sizeof(cmd), "cat %s", po);
        patched = run(cmd, 0);
        if (strcmp(patched, b) != 0)
            fail_msg("patch with our diff gives another text\n--- a\n%s--- ours\n%s--- patched\n%s",
                     a, got, patched);
        free(patched);
    }
    if (context == 3)
        expect_count(a, b, add, rem);
    unlink(pa);
    unlink(pb);
    unlink(pd);
    unlink(po);
    free(want);
    free(got);
}

static void skip_without_diff(void)
{
    if (system("diff --version >/dev/null 2>&1 && patch --version >/dev/null 2>&1") != 0)
        skip();
}

static char *random_text(unsigned max_lines)
{
    unsigned n = rng(max_lines + 1);
    vt_buf b = { 0 };

    for (unsigned i = 0; i < n; i++)
        vt_buf_addf(&b, "%c\n", 'a' + rng(5));
    return vt_buf_steal(&b);
}

/* Small alphabet: many repeated lines, the hard case for a line diff. */
static void test_oracle_random(void **state)
{
    (void)state;
    skip_without_diff();
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 200; i++) {
        char *a = random_text(30);
        char *b = random_text(30);

        check_oracle(a, b, 3);
        free(a);
        free(b);
    }
}

/* Domain-XML-like text with a few edits, at several context widths. */
static void test_oracle_edits(void **state)
{
    static const char *const pool[] = {
        "  <disk type='file' device='disk'>\n",
        "  </disk>\n",
        "    <driver name='qemu' type='qcow2'/>\n",
        "    <target dev='vda' bus='virtio'/>\n",
        "  <vcpu placement='static'>4</vcpu>\n",
        "  <iothreads>2</iothreads>\n",
        "    <vcpupin vcpu='0' cpuset='2'/>\n",
        "  <cputune>\n",
        "  </cputune>\n",
        "\n",
    };
    const size_t npool = sizeof(pool) / sizeof(pool[0]);

    (void)state;
    skip_without_diff();
    rng_state = 42;
    for (int i = 0; i < 40; i++) {
        vt_buf a = { 0 }, b = { 0 };
        unsigned n = 50 + rng(250);

        for (unsigned k = 0; k < n; k++) {
            const char *line = pool[rng((unsigned)npool)];
            unsigned r = rng(40);

            vt_buf_add(&a, line);
            if (r == 0)
                continue;
            if (r == 1)
                vt_buf_add(&b, pool[rng((unsigned)npool)]);
            else if (r == 2)
                vt_buf_add(&b, "    <new/>\n");
            vt_buf_add(&b, line);
        }
        char *ta = vt_buf_steal(&a), *tb = vt_buf_steal(&b);

        check_oracle(ta, tb, (unsigned)(i % 6));
        free(ta);
        free(tb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),         cmocka_unit_test(test_middle_change),
        cmocka_unit_test(test_insert_top),    cmocka_unit_test(test_delete_end),
        cmocka_unit_test(test_no_newline),    cmocka_unit_test(test_hunks),
        cmocka_unit_test(test_empty_side),    cmocka_unit_test(test_null),
        cmocka_unit_test(test_added_block),   cmocka_unit_test(test_count),
        cmocka_unit_test(test_oracle_random), cmocka_unit_test(test_oracle_edits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
