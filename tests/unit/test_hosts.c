/* core/hosts.c: the hosts of a fleet and their names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"

static void default_name_is(const char *uri, const char *want)
{
    char *n = vt_host_default_name(uri);
    assert_string_equal(n, want);
    free(n);
}

static void test_default_names(void **state)
{
    (void)state;
    default_name_is("qemu+ssh://root@kvm1/system", "kvm1");
    default_name_is("qemu+tls://kvm2.example.org:16514/system?pkipath=/x", "kvm2.example.org");
    default_name_is("qemu+tcp://[::1]:16509/system", "::1");
    default_name_is("qemu:///system", "localhost");
    default_name_is("test:///default", "localhost");
    default_name_is("test+unix:///tmp/h.xml?socket=/tmp/s", "localhost");
    default_name_is(NULL, "localhost");
}

static void test_clashes_get_suffixes(void **state)
{
    vt_hostlist l = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_hostlist_add(&l, NULL, "qemu:///system", &err), 0);
    assert_int_equal(vt_hostlist_add(&l, NULL, "test:///default", &err), 0);
    assert_int_equal(vt_hostlist_add(&l, NULL, NULL, &err), 0);
    assert_int_equal(vt_hostlist_add(&l, NULL, "qemu+ssh://a@kvm1/system", &err), 0);
    assert_int_equal(vt_hostlist_add(&l, NULL, "qemu+ssh://b@kvm1/system", &err), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.v[0].name, "localhost");
    assert_string_equal(l.v[1].name, "localhost-2");
    assert_string_equal(l.v[2].name, "localhost-3");
    assert_null(l.v[2].uri);
    assert_string_equal(l.v[3].name, "kvm1");
    assert_string_equal(l.v[4].name, "kvm1-2");
    assert_false(l.v[4].named);
    vt_hostlist_clear(&l);
}

static void test_given_names_refused(void **state)
{
    vt_hostlist l = { 0 };
    vt_err err = { { 0 } };
    char longname[80];

    (void)state;
    assert_int_equal(vt_hostlist_add(&l, "db", "qemu:///system", &err), 0);
    assert_int_equal(vt_hostlist_add(&l, "db", "qemu+ssh://x/system", &err), -1);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(vt_hostlist_add(&l, "a\"b", "qemu:///system", &err), -1);
    assert_int_equal(vt_hostlist_add(&l, "a b", "qemu:///system", &err), -1);
    memset(longname, 'x', 65);
    longname[65] = '\0';
    assert_int_equal(vt_hostlist_add(&l, longname, "qemu:///system", &err), -1);
    assert_int_equal(vt_hostlist_add(&l, "ok", "qemu:///sys tem", &err), -1);
    assert_int_equal(l.n, 1);
    vt_hostlist_clear(&l);
}

static void test_parse(void **state)
{
    vt_hostlist l = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_hostlist_parse(&l, "# fleet\n\nkvm1 qemu+ssh://kvm1/system  # rack 1\n"
                                           "\tkvm2\tqemu+ssh://kvm2/system\n", "hosts.txt", NULL, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].name, "kvm2");
    assert_string_equal(l.v[1].uri, "qemu+ssh://kvm2/system");
    assert_true(l.v[1].named);
    /* a bad line: the message names the file and line, the list is as it was */
    assert_int_equal(vt_hostlist_parse(&l, "kvm3 qemu+ssh://kvm3/system\nkvm4\n", "hosts.txt", NULL, &err), -1);
    assert_string_equal(err.msg, "hosts.txt: line 2: expected 'NAME URI'");
    assert_int_equal(l.n, 2);
    assert_int_equal(vt_hostlist_parse(&l, "kvm1 qemu:///system\n", "more", NULL, &err), -1);
    assert_non_null(strstr(err.msg, "more: line 1: the host name 'kvm1' is given twice"));
    /* the config's form: other statements skipped */
    assert_int_equal(vt_hostlist_parse(&l, "theme mono\nbind j down\nhost kvm5 qemu+ssh://kvm5/system\n",
                                       "config", "host", &err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[2].name, "kvm5");
    assert_int_equal(vt_hostlist_parse(&l, "host kvm6\n", "config", "host", &err), -1);
    assert_string_equal(err.msg, "config: line 1: expected 'host NAME URI'");
    vt_hostlist_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_names),
        cmocka_unit_test(test_clashes_get_suffixes),
        cmocka_unit_test(test_given_names_refused),
        cmocka_unit_test(test_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
