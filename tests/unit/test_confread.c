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

/* A libvirtd.conf shaped as distributions ship it: commented templates. */
static const char *shipped =
    "# Master libvirt daemon configuration file\n"
    "#\n"
    "#################################################################\n"
    "#\n"
    "# Network connectivity controls\n"
    "#\n"
    "\n"
    "# Flag listening for secure TLS connections on the public TCP/IP port.\n"
    "#listen_tls = 0\n"
    "\n"
    "# Listen for unencrypted TCP connections on the public TCP/IP port.\n"
    "#listen_tcp = 1\n"
    "\n"
    "#listen_addr = \"192.168.0.1\"\n"
    "unix_sock_group = \"libvirt\"   # keep me\n"
    "#auth_tcp = \"sasl\"\n"
    "sasl_allowed_username_list = [\"admin@EXAMPLE\", \"ops@EXAMPLE\" ]\n";

static char *set_l(const char *text, const char *key, const char *lit)
{
    vt_err err = { { 0 } };
    char *out = vt_conf_set_libvirt(text, key, lit, &err);

    if (!out)
        fail_msg("%s = %s: %s", key, lit, err.msg);
    return out;
}

static void test_libvirt_write(void **state)
{
    char *a, *b, *c, *d, *e;
    vt_conf conf = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    /* absent: added right after its commented template */
    a = set_l(shipped, "listen_tcp", "1");
    assert_non_null(strstr(a, "#listen_tcp = 1\nlisten_tcp = 1\n\n#listen_addr"));
    b = set_l(a, "auth_tcp", "\"sasl\"");
    assert_non_null(strstr(b, "#auth_tcp = \"sasl\"\nauth_tcp = \"sasl\"\nsasl_allowed"));
    /* present: only the value changes, the comment after it stays */
    c = set_l(b, "unix_sock_group", "\"kvm\"");
    assert_non_null(strstr(c, "unix_sock_group = \"kvm\"   # keep me\n"));
    /* no template: appended */
    d = set_l(c, "listen_tls", "1");
    e = set_l(d, "tcp_port", "\"16600\"");
    assert_non_null(strstr(e, "]\ntcp_port = \"16600\"\n"));
    /* everything else is byte for byte the same: drop our lines and compare */
    assert_int_equal(vt_conf_parse_libvirt(e, &conf, &err), 0);
    assert_string_equal(vt_conf_get(&conf, "listen_tcp"), "1");
    assert_string_equal(vt_conf_get(&conf, "auth_tcp"), "sasl");
    assert_string_equal(vt_conf_get(&conf, "listen_tls"), "1");
    assert_string_equal(vt_conf_get(&conf, "sasl_allowed_username_list"), "admin@EXAMPLE, ops@EXAMPLE");
    vt_conf_clear(&conf);
    assert_int_equal(strlen(e), strlen(shipped) + strlen("listen_tcp = 1\n") +
                                    strlen("auth_tcp = \"sasl\"\n") + strlen("listen_tls = 1\n") +
                                    strlen("tcp_port = \"16600\"\n") - 4 /* libvirt -> kvm */);
    /* duplicates: every copy gets the value, so no stale one wins */
    free(a);
    a = set_l("auth_tcp = \"none\"\nauth_tcp = \"none\"\n", "auth_tcp", "\"sasl\"");
    assert_string_equal(a, "auth_tcp = \"sasl\"\nauth_tcp = \"sasl\"\n");
    /* a list value */
    free(b);
    b = set_l(shipped, "sasl_allowed_username_list", "[ \"admin@EXAMPLE\" ]");
    assert_non_null(strstr(b, "sasl_allowed_username_list = [ \"admin@EXAMPLE\" ]\n"));
    /* a text without a final newline */
    free(c);
    c = set_l("listen_tls = 0", "listen_tcp", "1");
    assert_string_equal(c, "listen_tls = 0\nlisten_tcp = 1\n");
    /* a template comment inside a list over several lines is not an
       anchor: the line goes at the end, the list stays whole (found by
       fuzz_conf) */
    free(d);
    d = set_l("tls_allowed_dn_list = [\n  \"C=CN\",\n#auth_tcp = \"none\"\n  \"C=US\"\n]\n",
              "auth_tcp", "\"sasl\"");
    assert_string_equal(d, "tls_allowed_dn_list = [\n  \"C=CN\",\n#auth_tcp = \"none\"\n  \"C=US\"\n]\n"
                           "auth_tcp = \"sasl\"\n");
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
}

static void test_libvirt_write_refused(void **state)
{
    vt_err err = { { 0 } };

    (void)state;
    assert_null(vt_conf_set_libvirt("listen_tcp = \n", "listen_tcp", "1", &err));
    assert_non_null(strstr(err.msg, "not rewritten, it does not parse: line 1"));
    assert_null(vt_conf_set_libvirt("", "auth_tcp", "sasl", &err));   /* unquoted string */
    assert_non_null(strstr(err.msg, "is not a libvirt setting"));
    assert_null(vt_conf_set_libvirt("", "auth_tcp", "\"a\" \"b\"", &err));
    assert_null(vt_conf_set_libvirt("", "auth tcp", "1", &err));
    assert_null(vt_conf_set_libvirt("", "x", "\"a\nb\"", &err));
}

static void test_quote(void **state)
{
    char *q = vt_conf_quote("a\"b\\c");
    vt_conf c = { 0 };
    char *line = NULL;

    (void)state;
    assert_string_equal(q, "\"a\\\"b\\\\c\"");
    line = vt_asprintf("k = %s\n", q);
    assert_int_equal(vt_conf_parse_libvirt(line, &c, NULL), 0);
    assert_string_equal(vt_conf_get(&c, "k"), "a\"b\\c");
    vt_conf_clear(&c);
    free(line);
    free(q);
}

static void test_sasl_write(void **state)
{
    vt_err err = { { 0 } };
    const char *conf = "# Default Debian file\n#mech_list: digest-md5\nmech_list: gssapi\n"
                       "keytab: /etc/libvirt/krb5.tab\n";
    char *a, *b;

    (void)state;
    a = vt_conf_set_sasl(conf, "mech_list", "scram-sha-256", &err);
    assert_non_null(a);
    assert_string_equal(a, "# Default Debian file\n#mech_list: digest-md5\nmech_list: scram-sha-256\n"
                           "keytab: /etc/libvirt/krb5.tab\n");
    b = vt_conf_set_sasl(a, "sasldb_path", "/etc/libvirt/passwd.db", &err);
    assert_non_null(b);
    assert_non_null(strstr(b, "keytab: /etc/libvirt/krb5.tab\nsasldb_path: /etc/libvirt/passwd.db\n"));
    free(a);
    free(b);
    assert_null(vt_conf_set_sasl("mech_list\n", "mech_list", "plain", &err));
    assert_non_null(strstr(err.msg, "does not parse"));
    assert_null(vt_conf_set_sasl("", "mech_list", "a\nb", &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libvirt),
        cmocka_unit_test(test_libvirt_bad),
        cmocka_unit_test(test_sasl),
        cmocka_unit_test(test_libvirt_write),
        cmocka_unit_test(test_libvirt_write_refused),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_sasl_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
