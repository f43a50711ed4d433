/* Unit tests for core/cpuset.c: libvirt cpuset syntax, kernel hex masks
 * and the bit helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void set_range(vt_cpuset *s, unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c <= hi; c++)
        vt_cpuset_set(s, c);
}

/* A message that only says "error" is useless to the user; demand that it
 * names the part that was wrong. */
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

/* Deterministic pseudo-random sets, so a failure reproduces. */
static uint64_t rng_next(uint64_t *state)
{
    *state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *state >> 11;
}

static void random_set(vt_cpuset *s, uint64_t *state, unsigned limit)
{
    unsigned n = (unsigned)(rng_next(state) % 64) + 1;

    vt_cpuset_clear(s);
    for (unsigned i = 0; i < n; i++) {
        unsigned lo = (unsigned)(rng_next(state) % limit);
        unsigned len = (unsigned)(rng_next(state) % 8);

        for (unsigned c = lo; c <= lo + len && c < limit; c++)
            vt_cpuset_set(s, c);
    }
}

/* ---- bit helpers ---------------------------------------------------- */

static void test_bits_basic(void **state)
{
    vt_cpuset s;

    (void)state;
    vt_cpuset_clear(&s);
    assert_true(vt_cpuset_is_empty(&s));
    assert_int_equal(vt_cpuset_count(&s), 0);
    assert_int_equal(vt_cpuset_last(&s), -1);

    vt_cpuset_set(&s, 0);
    vt_cpuset_set(&s, 63);
    vt_cpuset_set(&s, 64);
    vt_cpuset_set(&s, 1000);
    vt_cpuset_set(&s, 1000); /* idempotent */
    assert_false(vt_cpuset_is_empty(&s));
    assert_int_equal(vt_cpuset_count(&s), 4);
    assert_true(vt_cpuset_has(&s, 0));
    assert_true(vt_cpuset_has(&s, 63));
    assert_true(vt_cpuset_has(&s, 64));
    assert_true(vt_cpuset_has(&s, 1000));
    assert_false(vt_cpuset_has(&s, 1));
    assert_false(vt_cpuset_has(&s, 65));
    assert_int_equal(vt_cpuset_last(&s), 1000);

    vt_cpuset_unset(&s, 1000);
    assert_false(vt_cpuset_has(&s, 1000));
    assert_int_equal(vt_cpuset_last(&s), 64);
    vt_cpuset_unset(&s, 5); /* not set: no change */
    assert_int_equal(vt_cpuset_count(&s), 3);

    vt_cpuset_unset(&s, 0);
    vt_cpuset_unset(&s, 63);
    vt_cpuset_unset(&s, 64);
    assert_true(vt_cpuset_is_empty(&s));
    assert_int_equal(vt_cpuset_last(&s), -1);
}

static void test_bits_limits(void **state)
{
    vt_cpuset s;

    (void)state;
    vt_cpuset_clear(&s);
    vt_cpuset_set(&s, VT_CPUSET_MAX);       /* ignored */
    vt_cpuset_set(&s, VT_CPUSET_MAX + 100); /* ignored */
    vt_cpuset_set(&s, 4000000000u);         /* ignored */
    assert_true(vt_cpuset_is_empty(&s));
    assert_false(vt_cpuset_has(&s, VT_CPUSET_MAX));
    vt_cpuset_unset(&s, VT_CPUSET_MAX); /* must not crash */

    vt_cpuset_set(&s, VT_CPUSET_MAX - 1);
    assert_true(vt_cpuset_has(&s, 16383));
    assert_int_equal(vt_cpuset_last(&s), 16383);
    assert_int_equal(vt_cpuset_count(&s), 1);

    set_range(&s, 0, VT_CPUSET_MAX - 1);
    assert_int_equal(vt_cpuset_count(&s), VT_CPUSET_MAX);
    assert_int_equal(vt_cpuset_last(&s), VT_CPUSET_MAX - 1);
}

static void test_bits_last(void **state)
{
    (void)state;
    /* Every position, so each word and bit offset is exercised. */
    for (unsigned c = 0; c < VT_CPUSET_MAX; c += 7) {
        vt_cpuset s;

        vt_cpuset_clear(&s);
        vt_cpuset_set(&s, 0);
        vt_cpuset_set(&s, c);
        assert_int_equal(vt_cpuset_last(&s), (int)c);
        assert_int_equal(vt_cpuset_count(&s), c == 0 ? 1 : 2);
    }
}

static void test_bits_equal_or(void **state)
{
    vt_cpuset a, b;

    (void)state;
    vt_cpuset_clear(&a);
    vt_cpuset_clear(&b);
    assert_true(vt_cpuset_equal(&a, &b));

    vt_cpuset_set(&a, 3);
    assert_false(vt_cpuset_equal(&a, &b));
    vt_cpuset_set(&b, 3);
    assert_true(vt_cpuset_equal(&a, &b));
    vt_cpuset_set(&b, 16000);
    assert_false(vt_cpuset_equal(&a, &b));

    vt_cpuset_or(&a, &b);
    assert_true(vt_cpuset_equal(&a, &b));

    vt_cpuset_clear(&a);
    vt_cpuset_clear(&b);
    set_range(&a, 0, 3);
    set_range(&b, 100, 101);
    vt_cpuset_or(&a, &b);
    assert_int_equal(vt_cpuset_count(&a), 6);
    assert_true(vt_cpuset_has(&a, 2));
    assert_true(vt_cpuset_has(&a, 101));
    assert_int_equal(vt_cpuset_count(&b), 2); /* src untouched */
}

static void test_bits_intersects(void **state)
{
    vt_cpuset a, b;

    (void)state;
    vt_cpuset_clear(&a);
    vt_cpuset_clear(&b);
    assert_false(vt_cpuset_intersects(&a, &b));

    set_range(&a, 0, 3);
    set_range(&b, 4, 7);
    assert_false(vt_cpuset_intersects(&a, &b));
    assert_false(vt_cpuset_intersects(&b, &a));

    vt_cpuset_set(&b, 3);
    assert_true(vt_cpuset_intersects(&a, &b));
    assert_true(vt_cpuset_intersects(&b, &a));

    /* Far apart in different words, then meeting in the last word. */
    vt_cpuset_clear(&a);
    vt_cpuset_clear(&b);
    vt_cpuset_set(&a, 16383);
    vt_cpuset_set(&b, 16382);
    assert_false(vt_cpuset_intersects(&a, &b));
    vt_cpuset_set(&b, 16383);
    assert_true(vt_cpuset_intersects(&a, &b));
    assert_true(vt_cpuset_intersects(&a, &a));
}

static void test_bits_and_subset(void **state)
{
    vt_cpuset a, b, c;

    (void)state;
    vt_cpuset_clear(&a);
    vt_cpuset_clear(&b);
    set_range(&a, 0, 7);
    set_range(&b, 4, 11);
    vt_cpuset_set(&b, 16383);
    c = a;
    vt_cpuset_and(&c, &b);
    assert_int_equal(vt_cpuset_count(&c), 4);
    assert_true(vt_cpuset_has(&c, 4) && vt_cpuset_has(&c, 7) && !vt_cpuset_has(&c, 8));
    c = a;
    vt_cpuset_andnot(&c, &b);
    assert_int_equal(vt_cpuset_count(&c), 4);
    assert_true(vt_cpuset_has(&c, 0) && vt_cpuset_has(&c, 3) && !vt_cpuset_has(&c, 4));
    assert_false(vt_cpuset_subset(&a, &b));
    vt_cpuset_and(&a, &b);
    assert_true(vt_cpuset_subset(&a, &b));
    assert_false(vt_cpuset_subset(&b, &a));       /* 16383, in the last word */
    vt_cpuset_clear(&c);
    assert_true(vt_cpuset_subset(&c, &a));        /* the empty set */
}

/* ---- libvirt cpuset syntax ------------------------------------------ */

static const struct {
    const char *in;
    const char *canon;
    unsigned count;
} good_sets[] = {
    {"0", "0", 1},
    {"1-3,5", "1-3,5", 4},
    {"1-3,5,7-12", "1-3,5,7-12", 10},
    {"0-7,^3", "0-2,4-7", 7},
    {"1-5,^3", "1-2,4-5", 4},
    {"^3,1-5", "1-5", 5},
    {"5,1-3", "1-3,5", 4},
    {"3,3", "3", 1},
    {"2-2", "2", 1},
    {"4-5", "4-5", 2},
    {"1-3,2-6", "1-6", 6},
    {"0,1,2,3", "0-3", 4},
    {"0-3,^0,^3,0", "0-2", 3},
    {"007", "7", 1},
    {"63-64", "63-64", 2},
    {"16383", "16383", 1},
    {"0-16383", "0-16383", 16384},
    {"16380-16383,^16383", "16380-16382", 3},
    {"0-16383,^1", "0,2-16383", 16383},
};

static void test_parse_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(good_sets); i++) {
        vt_cpuset s;
        vt_err err = {"stale"};
        char *fmt;

        if (vt_cpuset_parse(good_sets[i].in, &s, &err) != 0) {
            print_error("\"%s\": %s\n", good_sets[i].in, err.msg);
            fail();
        }
        assert_int_equal(vt_cpuset_count(&s), good_sets[i].count);
        fmt = vt_cpuset_format(&s);
        assert_string_equal(fmt, good_sets[i].canon);
        free(fmt);
    }
}

static void test_parse_contents(void **state)
{
    vt_cpuset s;

    (void)state;
    assert_int_equal(vt_cpuset_parse("1-3,5,7-12", &s, NULL), 0);
    for (unsigned c = 0; c < 20; c++) {
        bool want = (c >= 1 && c <= 3) || c == 5 || (c >= 7 && c <= 12);
        assert_int_equal(vt_cpuset_has(&s, c), want);
    }
    assert_int_equal(vt_cpuset_last(&s), 12);

    /* The result replaces, not adds to, what *out held. */
    vt_cpuset_clear(&s);
    vt_cpuset_set(&s, 100);
    assert_int_equal(vt_cpuset_parse("2", &s, NULL), 0);
    assert_false(vt_cpuset_has(&s, 100));
    assert_int_equal(vt_cpuset_count(&s), 1);
}

static void test_parse_order(void **state)
{
    vt_cpuset a, b;

    (void)state;
    assert_int_equal(vt_cpuset_parse("1-5,^3", &a, NULL), 0);
    assert_int_equal(vt_cpuset_parse("^3,1-5", &b, NULL), 0);
    assert_false(vt_cpuset_has(&a, 3));
    assert_true(vt_cpuset_has(&b, 3));
    assert_false(vt_cpuset_equal(&a, &b));

    /* An exclusion followed by a re-inclusion puts the CPU back. */
    assert_int_equal(vt_cpuset_parse("0-7,^3,3", &a, NULL), 0);
    assert_true(vt_cpuset_has(&a, 3));
    assert_int_equal(vt_cpuset_count(&a), 8);

    assert_int_equal(vt_cpuset_parse("0-7,^3", &a, NULL), 0);
    assert_false(vt_cpuset_has(&a, 3));
    assert_int_equal(vt_cpuset_count(&a), 7);
}

static const struct {
    const char *in;
    const char *want; /* must appear in the message */
} bad_sets[] = {
    {"", "empty"},
    {"3-1", "invalid CPU range \"3-1\": start is after end"},
    {"0,9-8", "\"9-8\": start is after end"},
    {"^2-4", "\"^2-4\": only a single CPU can be excluded"},
    {"0-7,^2-4", "\"^2-4\": only a single CPU can be excluded"},
    {" 1", "\" 1\""},
    {"1 ", "\"1 \""},
    {"1, 2", "\" 2\""},
    {",1", "item 1 is empty"},
    {"1,", "item 2 is empty"},
    {"1,,2", "item 2 is empty"},
    {",", "item 1 is empty"},
    {"1--3", "\"-3\""},
    {"1-", "\"1-\""},
    {"-3", "\"-3\""},
    {"a", "\"a\""},
    {"1-a", "\"a\""},
    {"-1", "\"-1\""},
    {"+1", "\"+1\""},
    {"0x1", "\"0x1\""},
    {"1.5", "\"1.5\""},
    {"1-3\n", "\"1-3\\x0a\""},
    {"1-3\t", "\"1-3\\x09\""},
    {"^", "\"^\""},
    {"^-1", "\"-1\""},
    {"^^1", "\"^1\""},
    {"16384", "CPU 16384 is out of range (max 16383)"},
    {"20000", "CPU 20000 is out of range (max 16383)"},
    {"0-16384", "CPU 16384 is out of range (max 16383)"},
    {"^16384", "CPU 16384 is out of range (max 16383)"},
    {"99999999999999999999", "CPU 99999999999999999999 is out of range (max 16383)"},
    {"4294967297", "CPU 4294967297 is out of range"},
    {"^1", "no CPUs"},
    {"0-1,^0,^1", "no CPUs"},
};

static void test_parse_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_sets); i++) {
        vt_cpuset s, before;
        vt_err err;

        vt_err_clear(&err);
        vt_cpuset_clear(&s);
        vt_cpuset_set(&s, 42);
        before = s;
        if (vt_cpuset_parse(bad_sets[i].in, &s, &err) != -1) {
            print_error("\"%s\" was accepted\n", bad_sets[i].in);
            fail();
        }
        assert_err_has(&err, bad_sets[i].in, bad_sets[i].want);
        /* A failed parse must not leave a half-built set behind. */
        assert_true(vt_cpuset_equal(&s, &before));
    }
}

static void test_parse_null(void **state)
{
    vt_cpuset s;
    vt_err err;

    (void)state;
    vt_err_clear(&err);
    assert_int_equal(vt_cpuset_parse(NULL, &s, &err), -1);
    assert_true(err.msg[0] != '\0');
    /* Callers that do not care why may pass no error slot. */
    assert_int_equal(vt_cpuset_parse("3-1", &s, NULL), -1);
    assert_int_equal(vt_cpuset_parse("1", &s, NULL), 0);
}

static void test_parse_long_input(void **state)
{
    char buf[4096];
    vt_cpuset s;
    vt_err err;

    (void)state;
    /* A huge item is quoted in part, marked as cut, and still named. */
    memset(buf, '1', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\0';
    buf[0] = 'x';
    vt_err_clear(&err);
    assert_int_equal(vt_cpuset_parse(buf, &s, &err), -1);
    assert_err_has(&err, "long", "invalid CPU set item \"x111");
    assert_err_has(&err, "long", "...");
    assert_true(strlen(err.msg) < 300);

    /* Thousands of valid items are fine. */
    {
        vt_buf b = {0};
        char *f;

        for (unsigned c = 0; c < VT_CPUSET_MAX; c += 2)
            vt_buf_addf(&b, "%s%u", c ? "," : "", c);
        assert_int_equal(vt_cpuset_parse(b.buf, &s, &err), 0);
        assert_int_equal(vt_cpuset_count(&s), VT_CPUSET_MAX / 2);
        f = vt_cpuset_format(&s);
        assert_string_equal(f, b.buf);
        free(f);
        vt_buf_free(&b);
    }
}

static void test_format(void **state)
{
    vt_cpuset s;
    char *f;

    (void)state;
    vt_cpuset_clear(&s);
    f = vt_cpuset_format(&s);
    assert_string_equal(f, "");
    free(f);

    vt_cpuset_set(&s, 0);
    vt_cpuset_set(&s, 2);
    vt_cpuset_set(&s, 4);
    f = vt_cpuset_format(&s);
    assert_string_equal(f, "0,2,4");
    free(f);

    vt_cpuset_clear(&s);
    set_range(&s, 60, 130);
    vt_cpuset_set(&s, 16383);
    f = vt_cpuset_format(&s);
    assert_string_equal(f, "60-130,16383");
    free(f);

    vt_cpuset_clear(&s);
    set_range(&s, 0, VT_CPUSET_MAX - 1);
    f = vt_cpuset_format(&s);
    assert_string_equal(f, "0-16383");
    free(f);
}

static void test_format_round_trip(void **state)
{
    uint64_t rng = 12345;

    (void)state;
    for (int i = 0; i < 300; i++) {
        vt_cpuset a, b;
        vt_err err;
        char *f, *g;

        random_set(&a, &rng, i % 2 ? 200 : VT_CPUSET_MAX);
        f = vt_cpuset_format(&a);
        if (vt_cpuset_parse(f, &b, &err) != 0) {
            print_error("\"%s\": %s\n", f, err.msg);
            fail();
        }
        assert_true(vt_cpuset_equal(&a, &b));
        g = vt_cpuset_format(&b);
        assert_string_equal(f, g);
        free(f);
        free(g);
    }
}

/* ---- kernel hex masks ----------------------------------------------- */

static void test_hex_parse_good(void **state)
{
    vt_cpuset s, want;
    vt_err err;

    (void)state;
    assert_int_equal(vt_hexmask_parse("3", &s, &err), 0);
    vt_cpuset_clear(&want);
    set_range(&want, 0, 1);
    assert_true(vt_cpuset_equal(&s, &want));

    assert_int_equal(vt_hexmask_parse("3\n", &s, &err), 0);
    assert_true(vt_cpuset_equal(&s, &want));

    assert_int_equal(vt_hexmask_parse("00000000,00000001", &s, &err), 0);
    vt_cpuset_clear(&want);
    vt_cpuset_set(&want, 0);
    assert_true(vt_cpuset_equal(&s, &want));

    assert_int_equal(vt_hexmask_parse("ff,ffffffff\n", &s, &err), 0);
    vt_cpuset_clear(&want);
    set_range(&want, 0, 39);
    assert_true(vt_cpuset_equal(&s, &want));
    assert_int_equal(vt_cpuset_count(&s), 40);

    assert_int_equal(vt_hexmask_parse("FF,FFFFFFFF", &s, &err), 0);
    assert_true(vt_cpuset_equal(&s, &want));

    assert_int_equal(vt_hexmask_parse("80000000,00000000", &s, &err), 0);
    vt_cpuset_clear(&want);
    vt_cpuset_set(&want, 63);
    assert_true(vt_cpuset_equal(&s, &want));

    assert_int_equal(vt_hexmask_parse("1,00000000,00000000", &s, &err), 0);
    vt_cpuset_clear(&want);
    vt_cpuset_set(&want, 64);
    assert_true(vt_cpuset_equal(&s, &want));

    /* Mixed groups: CPUs 4, 33, 35, 64-67. */
    assert_int_equal(vt_hexmask_parse("f,0000000a,00000010", &s, &err), 0);
    vt_cpuset_clear(&want);
    vt_cpuset_set(&want, 4);
    vt_cpuset_set(&want, 33);
    vt_cpuset_set(&want, 35);
    set_range(&want, 64, 67);
    assert_true(vt_cpuset_equal(&s, &want));

    /* Short groups in the middle still count as 32 CPUs each. */
    assert_int_equal(vt_hexmask_parse("1,0,0", &s, &err), 0);
    vt_cpuset_clear(&want);
    vt_cpuset_set(&want, 64);
    assert_true(vt_cpuset_equal(&s, &want));

    /* All-zero parses to an empty set and replaces the old contents. */
    vt_cpuset_set(&s, 7);
    assert_int_equal(vt_hexmask_parse("00000000,00000000", &s, &err), 0);
    assert_true(vt_cpuset_is_empty(&s));
    assert_int_equal(vt_hexmask_parse("0", &s, &err), 0);
    assert_true(vt_cpuset_is_empty(&s));
}

/* "<first>" followed by n-1 groups of "00000000". */
static char *mask_with_groups(const char *first, unsigned n)
{
    vt_buf b = {0};

    vt_buf_add(&b, first);
    for (unsigned i = 1; i < n; i++)
        vt_buf_add(&b, ",00000000");
    return vt_buf_steal(&b);
}

static void test_hex_parse_max_groups(void **state)
{
    vt_cpuset s;
    vt_err err;
    char *m;

    (void)state;
    m = mask_with_groups("80000000", VT_CPUSET_MAX / 32);
    assert_int_equal(vt_hexmask_parse(m, &s, &err), 0);
    assert_int_equal(vt_cpuset_count(&s), 1);
    assert_true(vt_cpuset_has(&s, 16383));
    free(m);

    m = mask_with_groups("1", VT_CPUSET_MAX / 32);
    assert_int_equal(vt_hexmask_parse(m, &s, &err), 0);
    assert_int_equal(vt_cpuset_last(&s), 16352);
    free(m);

    vt_err_clear(&err);
    m = mask_with_groups("0", VT_CPUSET_MAX / 32 + 1);
    assert_int_equal(vt_hexmask_parse(m, &s, &err), -1);
    assert_err_has(&err, "513 groups", "513 groups, more than 512");
    free(m);
}

static const struct {
    const char *in;
    const char *want;
} bad_masks[] = {
    {"", "empty"},
    {"\n", "empty"},
    {"0x3", "hex group \"0x3\" has a non-hex character 'x'"},
    {"123456789", "hex group \"123456789\" has more than 8 digits"},
    {"1,123456789", "hex group \"123456789\" has more than 8 digits"},
    {",ff", "group 1 of 2 is empty"},
    {"ff,", "group 2 of 2 is empty"},
    {"f,,f", "group 2 of 3 is empty"},
    {",", "group 1 of 2 is empty"},
    {"g", "hex group \"g\" has a non-hex character 'g'"},
    {"ff ff", "hex group \"ff ff\" has a non-hex character ' '"},
    {" ff", "non-hex character ' '"},
    {"ff,ffffffff ", "non-hex character ' '"},
    {"ff\n\n", "non-hex character '\\x0a'"},
    {"ff\t", "non-hex character '\\x09'"},
    {"-1", "non-hex character '-'"},
};

static void test_hex_parse_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad_masks); i++) {
        vt_cpuset s, before;
        vt_err err;

        vt_err_clear(&err);
        vt_cpuset_clear(&s);
        vt_cpuset_set(&s, 42);
        before = s;
        if (vt_hexmask_parse(bad_masks[i].in, &s, &err) != -1) {
            print_error("mask \"%s\" was accepted\n", bad_masks[i].in);
            fail();
        }
        assert_err_has(&err, bad_masks[i].in, bad_masks[i].want);
        assert_true(vt_cpuset_equal(&s, &before));
    }
    assert_int_equal(vt_hexmask_parse(NULL, NULL, NULL), -1);
}

static void check_format(const vt_cpuset *s, unsigned ncpus, const char *want)
{
    char *f = vt_hexmask_format(s, ncpus);
    bool ok = strcmp(f, want) == 0;

    if (!ok)
        print_error("ncpus %u: got \"%s\", want \"%s\"\n", ncpus, f, want);
    free(f);
    if (!ok)
        fail();
}

static void test_hex_format(void **state)
{
    vt_cpuset all, s;

    (void)state;
    vt_cpuset_clear(&all);
    set_range(&all, 0, VT_CPUSET_MAX - 1);

    check_format(&all, 1, "1");
    check_format(&all, 2, "3");
    check_format(&all, 4, "f");
    check_format(&all, 5, "1f");
    check_format(&all, 32, "ffffffff");
    check_format(&all, 33, "1,ffffffff");
    check_format(&all, 40, "ff,ffffffff");
    check_format(&all, 64, "ffffffff,ffffffff");
    check_format(&all, 100, "f,ffffffff,ffffffff,ffffffff");
    check_format(&all, 0, "");

    vt_cpuset_clear(&s);
    check_format(&s, 2, "0");
    check_format(&s, 32, "00000000");
    check_format(&s, 33, "0,00000000");
    check_format(&s, 40, "00,00000000");
    check_format(&s, 64, "00000000,00000000");
    check_format(&s, 100, "0,00000000,00000000,00000000");

    vt_cpuset_set(&s, 0);
    check_format(&s, 40, "00,00000001");
    vt_cpuset_set(&s, 35);
    check_format(&s, 40, "08,00000001");
    vt_cpuset_set(&s, 97);
    check_format(&s, 100, "2,00000000,00000008,00000001");
}

static void test_hex_format_drops_high_bits(void **state)
{
    vt_cpuset s;

    (void)state;
    vt_cpuset_clear(&s);
    set_range(&s, 0, 99);
    check_format(&s, 40, "ff,ffffffff");
    check_format(&s, 2, "3");
    check_format(&s, 33, "1,ffffffff");

    vt_cpuset_clear(&s);
    vt_cpuset_set(&s, 50);
    vt_cpuset_set(&s, 16383);
    check_format(&s, 40, "00,00000000");
    check_format(&s, 64, "00040000,00000000");
}

static void test_hex_format_large(void **state)
{
    vt_cpuset s, back;
    char *f;

    (void)state;
    vt_cpuset_clear(&s);
    vt_cpuset_set(&s, 16383);
    vt_cpuset_set(&s, 0);

    /* Full-size masks, and ncpus past the set's capacity is clamped so
     * the result still parses. */
    for (unsigned n = VT_CPUSET_MAX; n <= VT_CPUSET_MAX + 40; n += 40) {
        f = vt_hexmask_format(&s, n);
        assert_int_equal(strlen(f), (VT_CPUSET_MAX / 32) * 9 - 1);
        assert_memory_equal(f, "80000000,", 9);
        assert_int_equal(vt_hexmask_parse(f, &back, NULL), 0);
        assert_true(vt_cpuset_equal(&s, &back));
        free(f);
    }
}

static void test_hex_round_trip(void **state)
{
    static const unsigned ncpus[] = {
        1, 2, 3, 31, 32, 33, 40, 63, 64, 65, 100, 128, 255, 1000, 16384,
    };
    static const char *masks[] = {
        "3",
        "ffffffff",
        "1,ffffffff",
        "ff,ffffffff",
        "00,00000001",
        "ffffffff,ffffffff",
        "f,00000000,12345678,9abcdef0",
    };
    uint64_t rng = 777;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(ncpus); i++) {
        for (int k = 0; k < 40; k++) {
            vt_cpuset x, want, back;
            vt_err err;
            char *f;

            random_set(&x, &rng, ncpus[i]);
            /* What survives formatting: only CPUs below ncpus. */
            vt_cpuset_clear(&want);
            for (unsigned c = 0; c < ncpus[i]; c++)
                if (vt_cpuset_has(&x, c))
                    vt_cpuset_set(&want, c);
            f = vt_hexmask_format(&x, ncpus[i]);
            assert_int_equal(strlen(f) + 1,
                             ((ncpus[i] + 31) / 32 - 1) * 9 + ((ncpus[i] - 1) % 32) / 4 + 2);
            if (vt_hexmask_parse(f, &back, &err) != 0) {
                print_error("\"%s\": %s\n", f, err.msg);
                fail();
            }
            assert_true(vt_cpuset_equal(&back, &want));
            free(f);
        }
    }

    /* And the other direction for masks as the kernel prints them. */
    for (size_t i = 0; i < ARRAY_LEN(masks); i++) {
        vt_cpuset s;
        unsigned groups = 1, n;
        size_t first;

        for (const char *p = masks[i]; *p; p++)
            groups += *p == ',';
        first = strcspn(masks[i], ",");
        n = (groups - 1) * 32 + (unsigned)first * 4;
        assert_int_equal(vt_hexmask_parse(masks[i], &s, NULL), 0);
        check_format(&s, n, masks[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bits_basic),
        cmocka_unit_test(test_bits_limits),
        cmocka_unit_test(test_bits_last),
        cmocka_unit_test(test_bits_equal_or),
        cmocka_unit_test(test_bits_intersects),
        cmocka_unit_test(test_bits_and_subset),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_contents),
        cmocka_unit_test(test_parse_order),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_parse_long_input),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_hex_parse_good),
        cmocka_unit_test(test_hex_parse_max_groups),
        cmocka_unit_test(test_hex_parse_bad),
        cmocka_unit_test(test_hex_format),
        cmocka_unit_test(test_hex_format_drops_high_bits),
        cmocka_unit_test(test_hex_format_large),
        cmocka_unit_test(test_hex_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
