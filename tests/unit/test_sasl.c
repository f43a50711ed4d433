/* SASL users on a scratch sasldb through the SASL library, listed back
 * through sasldblistusers2; user names; mech_list diagnosis. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "sasl.h"

static char dir[64], conf[128], db[128];

static int setup(void **state)
{
    FILE *f;

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vt-sasl-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(conf, sizeof(conf), "%s/sasl", dir);
    snprintf(db, sizeof(db), "%s/db/passwd.db", dir);
    mkdir(conf, 0755);
    snprintf(db, sizeof(db), "%s/passwd.db", dir);
    {
        char path[200];
        snprintf(path, sizeof(path), "%s/libvirt.conf", conf);
        f = fopen(path, "w");
        if (!f)
            return -1;
        fprintf(f, "mech_list: digest-md5\nsasldb_path: %s\n", db);
        fclose(f);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_remove_tree(dir);
    return 0;
}

static void skip_without_tools(void)
{
    if (access("/usr/sbin/sasldblistusers2", X_OK) != 0 &&
        system("command -v sasldblistusers2 >/dev/null 2>&1") != 0) {
        print_message("cannot run: sasldblistusers2 is not installed (sasl2-bin)\n");
        skip();
    }
}

static void test_users(void **state)
{
    vt_sasl_opts o = { .conf_dir = conf };
    vt_sasl_opts other = { .conf_dir = conf, .realm = "EXAMPLE.ORG" };
    vt_err err = { { 0 } };
    vt_sasl_user *u;
    size_t n;
    char *path;
    struct stat st;
    char host[256] = "";

    (void)state;
    skip_without_tools();
    gethostname(host, sizeof(host) - 1);
    path = vt_sasl_db_path(&o);
    assert_string_equal(path, db);        /* from libvirt.conf */
    free(path);
    assert_int_equal(vt_sasl_list(&o, &u, &n, &err), 0);   /* no database yet */
    assert_int_equal(n, 0);
    if (vt_sasl_add(&o, "alice", "pw-1", 4, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vt_sasl_add(&other, "alice", "pw-2", 4, &err), 0);   /* another realm */
    assert_int_equal(stat(db, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);                 /* readable by its owner only */
    assert_int_equal(vt_sasl_list(&o, &u, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(u[0].user, "alice");
    assert_true(strcmp(u[0].realm, host) == 0 || strcmp(u[1].realm, host) == 0);
    assert_true(strcmp(u[0].realm, "EXAMPLE.ORG") == 0 || strcmp(u[1].realm, "EXAMPLE.ORG") == 0);
    vt_sasl_users_free(u, n);

    assert_int_equal(vt_sasl_add(&o, "alice", "pw-3", 4, &err), -1);
    assert_non_null(strstr(err.msg, "exists already"));
    assert_int_equal(vt_sasl_passwd(&o, "bob", "pw-3", 4, &err), -1);
    assert_non_null(strstr(err.msg, "does not exist: use add"));
    assert_int_equal(vt_sasl_passwd(&o, "alice", "pw-3", 4, &err), 0);
    /* the server's own check, per realm: the demo's login check */
    if (vt_sasl_checkpass(&o, "alice", "pw-3", 4, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vt_sasl_checkpass(&o, "alice", "pw-1", 4, &err), -1);
    assert_non_null(strstr(err.msg, "wrong password"));
    assert_int_equal(vt_sasl_checkpass(&other, "alice", "pw-2", 4, &err), 0);
    assert_int_equal(vt_sasl_checkpass(&other, "alice", "pw-3", 4, &err), -1);
    assert_int_equal(vt_sasl_checkpass(&o, "bob", "pw-3", 4, &err), -1);
    assert_non_null(strstr(err.msg, "does not exist"));
    assert_int_equal(vt_sasl_add(&o, "carol", "", 0, &err), -1);
    assert_non_null(strstr(err.msg, "empty password"));
    assert_int_equal(vt_sasl_add(&o, "ca rol", "x", 1, &err), -1);
    assert_int_equal(vt_sasl_delete(&o, "alice", &err), 0);
    assert_false(vt_sasl_user_exists(&o, "alice", &err));
    assert_true(vt_sasl_user_exists(&other, "alice", &err));
    assert_int_equal(vt_sasl_delete(&o, "alice", &err), -1);
    assert_non_null(strstr(err.msg, "does not exist"));
}

static void test_names(void **state)
{
    (void)state;
    assert_true(vt_sasl_user_ok("alice"));
    assert_true(vt_sasl_user_ok("ops.team-1"));
    assert_false(vt_sasl_user_ok(""));
    assert_false(vt_sasl_user_ok(NULL));
    assert_false(vt_sasl_user_ok("a@b"));
    assert_false(vt_sasl_user_ok("a:b"));
    assert_false(vt_sasl_user_ok("a b"));
    assert_false(vt_sasl_user_ok("a\tb"));
    assert_false(vt_sasl_user_ok("a\x7f"));
}

static void test_mechs(void **state)
{
    (void)state;
    assert_null(vt_sasl_mech_problem("digest-md5", "tcp"));
    assert_null(vt_sasl_mech_problem("gssapi", "tcp"));
    assert_null(vt_sasl_mech_problem("scram-sha-256", "tls"));
    assert_null(vt_sasl_mech_problem("scram-sha-256 GSSAPI", "tcp"));
    assert_non_null(strstr(vt_sasl_mech_problem("scram-sha-256", "tcp"), "security layer"));
    assert_non_null(strstr(vt_sasl_mech_problem("plain, login", "tcp"), "security layer"));
    assert_non_null(strstr(vt_sasl_mech_problem("", "tls"), "empty"));
    assert_null(vt_sasl_mech_problem(NULL, "tcp"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_mechs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
