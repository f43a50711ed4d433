/* Remote access: findings from scratch /etc trees, and the set-up of each
 * transport: the diffs, the files written with a dated backup and their
 * mode kept, a file changed meanwhile or unparsable never rewritten. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "host.h"
#include "remote.h"

static char root[64], etc[128], units[128];

static void put(const char *rel, const char *text, mode_t mode)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", etc, rel);
    vt_mkdirs_for(path, 0755);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *get(const char *rel)
{
    char path[512], chunk[4096];
    vt_buf b = { 0 };
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", etc, rel);
    if (!(f = fopen(path, "r")))
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vt_buf_addn(&b, chunk, n);
    fclose(f);
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/vt-remote-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(etc, sizeof(etc), "%s/etc", root);
    snprintf(units, sizeof(units), "%s/units", root);
    mkdir(etc, 0755);
    mkdir(units, 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_remove_tree(root);
    return 0;
}

static bool has_finding(const vt_remote_status *s, vt_rsev sev, const char *needle)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (s->findings[i].severity == sev && strstr(s->findings[i].text, needle))
            return true;
    return false;
}

static const vt_remote_finding *topic_finding(const vt_remote_status *s, const char *topic)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (s->findings[i].topic && strcmp(s->findings[i].topic, topic) == 0)
            return &s->findings[i];
    return NULL;
}

static void test_findings(void **state)
{
    vt_remote_status s = { 0 };
    char db[256];

    (void)state;
    snprintf(db, sizeof(db), "%s/libvirt/passwd.db", etc);
    put("libvirt/libvirtd.conf", "listen_tcp = 1\nauth_tcp = \"none\"\n", 0644);
    put("sasl2/libvirt.conf", "mech_list: scram-sha-256\nsasldb_path: /etc/libvirt/passwd.db\n", 0644);
    put("libvirt/passwd.db", "", 0644);
    vt_remote_status_read(&s, etc);
    assert_true(has_finding(&s, VT_RSEV_FAIL, "TCP without authentication"));
    assert_true(has_finding(&s, VT_RSEV_FAIL, "session security layer"));
    assert_true(has_finding(&s, VT_RSEV_FAIL, "readable by every user"));
    assert_true(has_finding(&s, VT_RSEV_WARN, "listening on every address"));
    /* the same setting's other half: nothing encrypts it */
    assert_non_null(topic_finding(&s, "transport"));
    assert_int_equal(topic_finding(&s, "transport")->severity, VT_RSEV_WARN);
    assert_non_null(strstr(topic_finding(&s, "transport")->text, "TCP listener without encryption"));
    assert_string_equal(topic_finding(&s, "sasl")->topic, "sasl");
    vt_remote_status_clear(&s);

    /* the guide's set-up on a management address: only digest-md5 is left */
    put("libvirt/libvirtd.conf", "listen_tls = 0\nlisten_tcp = 1\nauth_tcp = \"sasl\"\n"
        "listen_addr = \"10.0.0.5\"\n", 0644);
    put("sasl2/libvirt.conf", "mech_list: digest-md5\nsasldb_path: /etc/libvirt/passwd.db\n", 0644);
    chmod(db, 0600);
    vt_remote_status_read(&s, etc);
    assert_true(has_finding(&s, VT_RSEV_WARN, "digest-md5: deprecated"));
    assert_false(has_finding(&s, VT_RSEV_FAIL, ""));
    assert_false(has_finding(&s, VT_RSEV_WARN, "every address"));
    assert_null(topic_finding(&s, "transport"));   /* SASL's session layer encrypts TCP */
    vt_remote_status_clear(&s);

    /* socket activation and modular daemons are said */
    put("systemd/system/sockets.target.wants/libvirtd-tcp.socket", "", 0644);
    put("libvirt/virtproxyd.conf", "auth_tcp = \"none\"\n", 0644);
    vt_remote_status_read(&s, etc);
    assert_int_equal(s.nsockets, 1);
    assert_true(has_finding(&s, VT_RSEV_INFO, "libvirtd-tcp.socket is enabled"));
    assert_true(has_finding(&s, VT_RSEV_INFO, "virtproxyd.conf present"));
    assert_true(has_finding(&s, VT_RSEV_FAIL, "TCP without authentication"));   /* virtproxyd's */
    assert_non_null(strstr(topic_finding(&s, "transport")->text, "socket unit"));
    vt_remote_status_clear(&s);

    /* nothing listens remotely: quiet */
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", "# all defaults\n", 0644);
    vt_remote_status_read(&s, etc);
    assert_int_equal(s.nfindings, 0);
    vt_remote_status_clear(&s);
}

/* qemu.conf's seccomp_sandbox: libvirt's default is on */
static void test_qemu_conf(void **state)
{
    vt_qemu_conf q = { 0 };
    char *src;

    (void)state;
    vt_remove_tree(etc);
    vt_qemu_conf_read(&q, etc);          /* no file: defaults */
    assert_int_equal(q.seccomp_sandbox, 1);
    src = vt_qemu_conf_sandbox_source(&q);
    assert_non_null(strstr(src, "default (not set in "));
    free(src);
    put("libvirt/qemu.conf", "# shipped\n#seccomp_sandbox = 1\nuser = \"root\"\n", 0644);
    vt_qemu_conf_read(&q, etc);
    assert_int_equal(q.seccomp_sandbox, 1);
    assert_int_equal(q.sandbox_line, 0);
    put("libvirt/qemu.conf", "# shipped\n#seccomp_sandbox = 1\nseccomp_sandbox = 0\n", 0644);
    vt_qemu_conf_read(&q, etc);
    assert_int_equal(q.seccomp_sandbox, 0);
    assert_int_equal(q.sandbox_line, 3);
    src = vt_qemu_conf_sandbox_source(&q);
    assert_non_null(strstr(src, "qemu.conf line 3"));
    free(src);
    put("libvirt/qemu.conf", "seccomp_sandbox = 0\nseccomp_sandbox = -1\n", 0644);
    vt_qemu_conf_read(&q, etc);
    assert_int_equal(q.seccomp_sandbox, 1);   /* a later key wins; only 0 is off */
    put("libvirt/qemu.conf", "seccomp_sandbox = \"off\"\n", 0644);
    vt_qemu_conf_read(&q, etc);
    assert_int_equal(q.seccomp_sandbox, -1);
    assert_non_null(strstr(q.why, "not a number"));
    put("libvirt/qemu.conf", "seccomp_sandbox = = 0\n", 0644);
    vt_qemu_conf_read(&q, etc);
    assert_int_equal(q.seccomp_sandbox, -1);
    assert_non_null(q.why);
    vt_qemu_conf_clear(&q);
    vt_qemu_conf_clear(&q);
}

static const char *shipped = "# libvirtd.conf\n#listen_tls = 0\n#listen_tcp = 1\n"
                             "#listen_addr = \"192.168.0.1\"\n#auth_tcp = \"sasl\"\n"
                             "unix_sock_group = \"libvirt\"\n";

static void test_setup_digest(void **state)
{
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *s, *text;
    struct stat st;
    char path[512];
    glob_t g;

    (void)state;
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", shipped, 0640);
    put("sasl2/libvirt.conf", "# Debian\nmech_list: gssapi\nkeytab: /etc/libvirt/krb5.tab\n", 0644);
    if (vt_setup_prepare(etc, units, VT_SETUP_TCP_DIGEST, "10.0.0.5", &p, &err) < 0)
        fail_msg("%s", err.msg);
    /* no socket units in units/: the daemon gets --listen */
    assert_int_equal(p.nfiles, 3);
    assert_string_equal(p.uri, "qemu+tcp://10.0.0.5/system");
    text = vt_setup_describe(&p);
    assert_non_null(strstr(text, "+listen_tcp = 1\n"));
    assert_non_null(strstr(text, "+mech_list: digest-md5\n"));
    assert_non_null(strstr(text, "note: digest-md5 is deprecated"));
    assert_non_null(strstr(text, "  systemctl restart libvirtd\n"));
    free(text);
    assert_int_equal(vt_setup_write(&p, &err), 3);          /* three files changed */
    s = get("libvirt/libvirtd.conf");
    assert_string_equal(s, "# libvirtd.conf\n#listen_tls = 0\nlisten_tls = 0\n#listen_tcp = 1\n"
                           "listen_tcp = 1\n#listen_addr = \"192.168.0.1\"\nlisten_addr = \"10.0.0.5\"\n"
                           "#auth_tcp = \"sasl\"\nauth_tcp = \"sasl\"\nunix_sock_group = \"libvirt\"\n");
    free(s);
    snprintf(path, sizeof(path), "%s/libvirt/libvirtd.conf", etc);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);                /* mode kept */
    s = get("sasl2/libvirt.conf");
    assert_string_equal(s, "# Debian\nmech_list: digest-md5\nkeytab: /etc/libvirt/krb5.tab\n"
                           "sasldb_path: /etc/libvirt/passwd.db\n");
    free(s);
    /* dated backups hold the old text */
    snprintf(path, sizeof(path), "%s/libvirt/libvirtd.conf.virt-tune-*", etc);
    assert_int_equal(glob(path, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    {
        char *bak = vt_read_file(g.gl_pathv[0], 1 << 16, NULL);
        assert_non_null(strstr(bak, "unix_sock_group = \"libvirt\""));
        assert_null(strstr(bak, "\nlisten_tcp = 1"));
        free(bak);
    }
    globfree(&g);
    s = get(access("/etc/debian_version", F_OK) == 0 ? "default/libvirtd" : "sysconfig/libvirtd");
    assert_string_equal(s, "LIBVIRTD_ARGS=\"--listen\"\n");
    free(s);
    vt_setup_plan_clear(&p);

    /* again: nothing left to change, nothing written */
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_DIGEST, "10.0.0.5", &p, &err), 0);
    for (size_t i = 0; i < p.nfiles; i++)
        assert_string_equal(p.files[i].diff, "");
    assert_true(p.sasldb_users);
    assert_int_equal(vt_setup_nchanged(&p), 0);
    assert_int_equal(vt_setup_write(&p, &err), 0);
    vt_setup_plan_clear(&p);

    /* one setting differs: one file written, not three */
    put("libvirt/libvirtd.conf", "listen_tls = 0\nlisten_tcp = 1\nauth_tcp = \"sasl\"\n"
        "listen_addr = \"10.0.0.6\"\n", 0644);
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_DIGEST, "10.0.0.5", &p, &err), 0);
    assert_int_equal(p.nfiles, 3);
    assert_int_equal(vt_setup_nchanged(&p), 1);
    text = vt_setup_describe(&p);
    assert_non_null(strstr(text, "1 of 3 files change\n"));
    free(text);
    assert_int_equal(vt_setup_write(&p, &err), 1);
    vt_setup_plan_clear(&p);
}

/* every file below etc, path and content, for "nothing was written" */
static char *snapshot(void)
{
    char cmd[256], chunk[4096];
    vt_buf b = { 0 };
    size_t n;
    FILE *f;

    snprintf(cmd, sizeof(cmd),
             "cd %s && find . -type f | sort | xargs -r cat -A -- 2>&1; find . | sort", etc);
    f = popen(cmd, "r");
    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vt_buf_addn(&b, chunk, n);
    pclose(f);
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

static void test_setup_listen_addr(void **state)
{
    static const char *const good[] = { "127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0", "::" };
    static const struct {
        const char *addr, *says;
    } bad[] = {
        { "999.1.1.1", "\"999.1.1.1\" is not an IPv4 address" },
        { "1.2.3", "\"1.2.3\" is not an IPv4 address" },
        { "no-such-host.invalid",
          "\"no-such-host.invalid\" is not an IP address and does not resolve" },
        { "::1::2", "\"::1::2\" is not an IPv6 address" },
        { "a b", "\"a b\" is not a listen address" },
        { "", "\"\" is not a listen address" },
    };
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *before, *after;

    (void)state;
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", shipped, 0644);
    put("sasl2/libvirt.conf", "mech_list: gssapi\n", 0644);
    before = snapshot();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.msg[0] = '\0';
        if (vt_setup_prepare(etc, units, VT_SETUP_TCP_DIGEST, bad[i].addr, &p, &err) != -1)
            fail_msg("listen address \"%s\" accepted", bad[i].addr);
        if (!strstr(err.msg, bad[i].says))
            fail_msg("\"%s\": %s", bad[i].addr, err.msg);
        assert_int_equal(p.nfiles, 0);
        assert_int_equal(vt_setup_write(&p, &err), 0);       /* an empty plan writes nothing */
        after = snapshot();
        assert_string_equal(before, after);
        free(after);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (vt_setup_prepare(etc, units, VT_SETUP_TCP_DIGEST, good[i], &p, &err) < 0)
            fail_msg("listen address \"%s\" refused: %s", good[i], err.msg);
        assert_int_equal(vt_setup_listen_check(good[i], &err), 0);
        vt_setup_plan_clear(&p);
    }
    free(before);
}

static void test_setup_tls_certs(void **state)
{
    static const char *const certs[] = { "pki/CA/cacert.pem", "pki/libvirt/servercert.pem",
                                         "pki/libvirt/private/serverkey.pem" };
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *before, *after;

    (void)state;
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", shipped, 0644);
    before = snapshot();
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TLS_SCRAM, NULL, &p, &err), -1);
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", etc, certs[i]);
        if (!strstr(err.msg, path))
            fail_msg("%s not named: %s", path, err.msg);
    }
    assert_non_null(strstr(err.msg, "certtool"));
    assert_int_equal(p.nfiles, 0);
    after = snapshot();
    assert_string_equal(before, after);
    free(after);

    /* two of three: the third is named, the others not */
    put(certs[0], "dummy CA\n", 0644);
    put(certs[1], "dummy cert\n", 0644);
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TLS_SCRAM, NULL, &p, &err), -1);
    assert_non_null(strstr(err.msg, "serverkey.pem"));
    assert_null(strstr(err.msg, "cacert.pem"));

    put(certs[2], "dummy key\n", 0600);
    if (vt_setup_prepare(etc, units, VT_SETUP_TLS_SCRAM, NULL, &p, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(p.sasldb_users);
    assert_non_null(strstr(p.files[0].diff, "+listen_tls = 1\n"));
    vt_setup_plan_clear(&p);
    free(before);
}

static void test_setup_gssapi(void **state)
{
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *text;

    (void)state;
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", shipped, 0644);
    if (vt_setup_prepare(etc, units, VT_SETUP_TCP_GSSAPI, "127.0.0.1", &p, &err) < 0)
        fail_msg("%s", err.msg);
    /* users are Kerberos principals: no sasldb user, no sasldb_path */
    assert_false(p.sasldb_users);
    text = vt_setup_describe(&p);
    assert_null(strstr(text, "sasldb_path"));
    assert_non_null(strstr(text, "Kerberos principals"));
    free(text);
    vt_setup_plan_clear(&p);
}

static void test_setup_tls_sockets(void **state)
{
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char path[512];
    FILE *f;

    (void)state;
    vt_remove_tree(etc);
    put("libvirt/libvirtd.conf", shipped, 0644);
    put("pki/CA/cacert.pem", "dummy\n", 0644);
    put("pki/libvirt/servercert.pem", "dummy\n", 0644);
    put("pki/libvirt/private/serverkey.pem", "dummy\n", 0600);
    snprintf(path, sizeof(path), "%s/libvirtd-tls.socket", units);
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TLS_SCRAM, NULL, &p, &err), 0);
    assert_int_equal(p.nfiles, 2);                 /* no daemon args with socket units */
    assert_int_equal(p.ncommands, 2);
    assert_string_equal(p.commands[0], "systemctl enable --now libvirtd-tls.socket");
    assert_non_null(strstr(p.files[0].diff, "+auth_tls = \"sasl\"\n"));
    assert_non_null(strstr(p.files[1].diff, "+mech_list: scram-sha-256\n"));
    /* someone edits libvirtd.conf before the write: nothing is written */
    put("libvirt/libvirtd.conf", "listen_tls = 0\n", 0644);
    assert_int_equal(vt_setup_write(&p, &err), -1);
    assert_non_null(strstr(err.msg, "changed since the set-up was prepared; nothing was written"));
    assert_null(get("sasl2/libvirt.conf"));
    unlink(path);
    vt_setup_plan_clear(&p);
}

static void test_setup_refused(void **state)
{
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *before;

    (void)state;
    vt_remove_tree(etc);
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_GSSAPI, NULL, &p, &err), -1);
    assert_non_null(strstr(err.msg, "does not exist: is libvirtd installed?"));
    put("libvirt/libvirtd.conf", "listen_tcp = = 1\n", 0644);
    before = get("libvirt/libvirtd.conf");
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_GSSAPI, NULL, &p, &err), -1);
    assert_non_null(strstr(err.msg, "not rewritten, it does not parse"));
    put("libvirt/libvirtd.conf", shipped, 0644);
    put("sasl2/libvirt.conf", "mech_list gssapi\n", 0644);
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_GSSAPI, NULL, &p, &err), -1);
    assert_non_null(strstr(err.msg, "does not parse: it is not rewritten"));
    assert_int_equal(vt_setup_prepare(etc, units, VT_SETUP_TCP_GSSAPI, "a b", &p, &err), -1);
    free(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_qemu_conf),
        cmocka_unit_test(test_setup_digest),
        cmocka_unit_test(test_setup_tls_sockets),
        cmocka_unit_test(test_setup_refused),
        cmocka_unit_test(test_setup_listen_addr),
        cmocka_unit_test(test_setup_tls_certs),
        cmocka_unit_test(test_setup_gssapi),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
