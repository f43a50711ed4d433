/* libvirt and SASL config readers: values, comments, lists, duplicates,
 * and every malformed case refused with its line number. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "confread.h"

static void test_libvirt(void **state)
{
    vt_conf c = { 0 };
    vt_err err = { { 0 } };
    const char *text =
        "# comment\n"
        "listen_tls = 0\n"
        "listen_tcp=1   # trailing comment\n"
        "auth_tcp = \"sasl\"\n"
        "listen_addr = \"0.0.0.0\"\n"
        "tls_allowed_dn_list = [\n"
        "   \"C=CN,O=A\",  # first\n"
        "   \"C=CN,O=B\",\n"
        "]\n"
        "auth_tcp = \"none\"\n"
        "max_clients = -1\n";

    (void)state;
    assert_int_equal(vt_conf_parse_libvirt(text, &c, &err), 0);
    assert_string_equal(vt_conf_get(&c, "listen_tls"), "0");
    assert_string_equal(vt_conf_get(&c, "listen_tcp"), "1");
    assert_string_equal(vt_conf_get(&c, "auth_tcp"), "none");       /* later wins */
    assert_string_equal(vt_conf_get(&c, "listen_addr"), "0.0.0.0");
    assert_string_equal(vt_conf_get(&c, "tls_allowed_dn_list"), "C=CN,O=A, C=CN,O=B");
    assert_string_equal(vt_conf_get(&c, "max_clients"), "-1");
    assert_null(vt_conf_get(&c, "auth_tls"));
    assert_int_equal(c.n, 7);
    assert_int_equal(c.entries[1].line, 3);   /* listen_tcp */
    vt_conf_clear(&c);
    assert_int_equal(vt_conf_parse_libvirt("", &c, &err), 0);
    assert_int_equal(c.n, 0);
}

static void expect_bad(const char *text, const char *needle)
{
    vt_conf c = { 0 };
    vt_err err = { { 0 } };

    assert_int_equal(vt_conf_parse_libvirt(text, &c, &err), -1);
    assert_non_null(strstr(err.msg, needle));
    assert_int_equal(c.n, 0);
}

static void test_libvirt_bad(void **state)
{
    (void)state;
    expect_bad("listen_tcp 1\n", "line 1: expected '='");
    expect_bad("a = 1\nauth_tcp = \"sasl\n", "line 2: unterminated string");
    expect_bad("auth_tcp = sasl\n", "line 1: expected a \"string\"");
    expect_bad("x = [ \"a\" \"b\" ]\n", "expected ',' or ']'");
    expect_bad("x = [ [ \"a\" ] ]\n", "expected a \"string\"");
    expect_bad("x = 1 2\n", "unexpected text");
    expect_bad("= 1\n", "expected a setting name");
    expect_bad("x = -\n", "bad number");
}

static void test_sasl(void **state)
{
    vt_conf c = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_conf_parse_sasl("# c\nmech_list: digest-md5\n\n  sasldb_path :  /etc/libvirt/passwd.db  \n",
                                        &c, &err), 0);
    assert_string_equal(vt_conf_get(&c, "mech_list"), "digest-md5");
    assert_string_equal(vt_conf_get(&c, "sasldb_path"), "/etc/libvirt/passwd.db");
    vt_conf_clear(&c);
    assert_int_equal(vt_conf_parse_sasl("mech_list digest-md5\n", &c, &err), -1);
    assert_non_null(strstr(err.msg, "line 1"));
    assert_int_equal(vt_conf_parse_sasl("a: b\n: x\n", &c, &err), -1);
    assert_non_null(strstr(err.msg, "line 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libvirt),
        cmocka_unit_test(test_libvirt_bad),
        cmocka_unit_test(test_sasl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
