/* The recovery file: written with the staged set, read back for the same
 * connection only, left alone when it cannot be parsed, removed when the
 * set is empty. */
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
#include "recovery.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vt-recovery-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_STATE_HOME", dir, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return vt_remove_tree(dir);
}

static void test_roundtrip(void **state)
{
    const char *key = "qemu:///system";
    char *path = vt_recovery_path(NULL, key), *other = vt_recovery_path(NULL, "qemu+ssh://h2/system");
    vt_changeset cs = { 0 }, back = { 0 };
    vt_bases b = { 0 }, bb = { 0 };
    vt_err err = { { 0 } };
    char *at = NULL, *text;
    struct stat st;

    (void)state;
    assert_non_null(strstr(path, dir));
    assert_string_not_equal(path, other);            /* one file per host */
    assert_int_equal(vt_plan_parse("vm web vcpu 0 pin 2 config\nhost thp enabled madvise\n", &cs, &err), 0);
    vt_bases_set(&b, "11111111-2222-3333-4444-555555555555", "web", "<domain/>");
    assert_int_equal(vt_recovery_save(path, key, &cs, &b, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);       /* staged pins are nobody else's business */

    assert_int_equal(vt_recovery_load(path, key, &back, &bb, &at, &err), 1);
    assert_int_equal(back.n, 2);
    text = vt_plan_format(&back);
    assert_non_null(strstr(text, "vm web vcpu 0 pin 2 config"));
    assert_non_null(strstr(text, "host thp enabled madvise"));
    free(text);
    assert_int_equal(bb.n, 1);
    assert_string_equal(bb.uuids[0], "11111111-2222-3333-4444-555555555555");
    assert_string_equal(bb.names[0], "web");
    /* the definition comes back as its fingerprint: the same XML matches,
       one redefined in place while the console was gone does not */
    assert_true(vt_base_is_fingerprint(bb.xml[0]));
    assert_true(vt_base_matches(bb.xml[0], "<domain/>"));
    assert_false(vt_base_matches(bb.xml[0], "<domain><description>x</description></domain>"));
    assert_non_null(at);
    assert_int_equal(strlen(at), strlen("2026-11-23 03:30:01"));
    free(at);
    at = NULL;
    vt_changeset_clear(&back);
    vt_bases_clear(&bb);

    /* another host's console does not take them */
    assert_int_equal(vt_recovery_load(path, "qemu+ssh://h2/system", &back, &bb, &at, &err), 0);
    assert_int_equal(back.n, 0);

    /* nothing staged any more: the file goes */
    vt_changeset_clear(&cs);
    assert_int_equal(vt_recovery_save(path, key, &cs, &b, &err), 0);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(vt_recovery_load(path, key, &back, &bb, &at, &err), 0);
    assert_int_equal(vt_recovery_discard(path, &err), 0);  /* missing is fine */

    vt_bases_clear(&b);
    free(path);
    free(other);
}

/* A file written before fingerprints existed ("# base: UUID NAME") still
 * loads, checking the name only; a third word that is not a fingerprint
 * is not taken for one. */
static void test_old_format(void **state)
{
    const char *key = "qemu:///system";
    char *path = vt_recovery_path(NULL, key);
    vt_changeset back = { 0 };
    vt_bases bb = { 0 };
    vt_err err = { { 0 } };
    const char *old = "# virt-tune: staged edits not applied when the console ended\n"
                      "# uri: qemu:///system\n# saved: 2026-11-23 03:30:01\n"
                      "# base: 11111111-2222-3333-4444-555555555555 web\n"
                      "# base: 11111111-2222-3333-4444-666666666666 db fnv64:zz\n"
                      "vm web vcpu 0 pin 2 config\nvm db vcpu 0 pin 3 config\n";

    (void)state;
    vt_mkdirs_for(path, 0700);
    assert_int_equal(vt_write_file_atomic(path, old, &err), 0);
    assert_int_equal(vt_recovery_load(path, key, &back, &bb, NULL, &err), 1);
    assert_int_equal(bb.n, 2);
    assert_string_equal(bb.names[0], "web");
    assert_string_equal(bb.xml[0], "");
    assert_string_equal(bb.names[1], "db");
    assert_string_equal(bb.xml[1], "");
    vt_changeset_clear(&back);
    vt_bases_clear(&bb);
    assert_int_equal(vt_recovery_discard(path, &err), 0);
    free(path);
}

/* Two consoles on one URI: two files, each held while its console runs;
 * a held file is never offered, one given up with edits in it is. */
static void test_claim(void **state)
{
    const char *key = "qemu:///system";
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };
    int fa, fb, fc, i, fds[VT_RECOVERY_SLOTS];
    char *a, *b, *c, *paths[VT_RECOVERY_SLOTS];

    (void)state;
    a = vt_recovery_claim(NULL, key, true, &fa, &err);
    assert_non_null(a);
    {
        char *first = vt_recovery_path(NULL, key);
        assert_string_equal(a, first);                   /* the first file first */
        free(first);
    }
    b = vt_recovery_claim(NULL, key, true, &fb, &err);
    assert_non_null(b);
    assert_string_not_equal(a, b);                       /* a is held */
    assert_int_equal(vt_plan_parse("vm web vcpu 0 pin 2 config\n", &cs, &err), 0);
    assert_int_equal(vt_recovery_save(a, key, &cs, NULL, &err), 0);
    /* a's console still runs: a third one gets neither */
    c = vt_recovery_claim(NULL, key, true, &fc, &err);
    assert_non_null(c);
    assert_string_not_equal(c, a);
    assert_string_not_equal(c, b);
    vt_recovery_release(c, fc);
    free(c);
    /* a's console ends with its edits: the next one is offered a's file */
    vt_recovery_release(a, fa);
    assert_int_equal(access(a, F_OK), 0);
    c = vt_recovery_claim(NULL, key, true, &fc, &err);
    assert_non_null(c);
    assert_string_equal(c, a);
    vt_recovery_release(c, fc);
    free(c);
    /* without want_left an empty one: not a's */
    c = vt_recovery_claim(NULL, key, false, &fc, &err);
    assert_non_null(c);
    assert_string_not_equal(c, a);
    vt_recovery_release(c, fc);
    {   /* an empty file given up takes its lock file with it */
        char *lp = vt_asprintf("%s.lock", c);
        assert_int_not_equal(access(lp, F_OK), 0);
        free(lp);
    }
    free(c);
    vt_recovery_release(b, fb);
    free(b);
    assert_int_equal(vt_recovery_discard(a, &err), 0);
    /* every file held: a clear refusal */
    for (i = 0; i < VT_RECOVERY_SLOTS; i++) {
        paths[i] = vt_recovery_claim(NULL, key, false, &fds[i], &err);
        assert_non_null(paths[i]);
    }
    assert_null(vt_recovery_claim(NULL, key, false, &fc, &err));
    assert_non_null(strstr(err.msg, "no free recovery file"));
    for (i = 0; i < VT_RECOVERY_SLOTS; i++) {
        vt_recovery_release(paths[i], fds[i]);
        free(paths[i]);
    }
    free(a);
    vt_changeset_clear(&cs);
}

static void test_unreadable_left_alone(void **state)
{
    const char *key = "qemu:///system";
    char *path = vt_recovery_path(NULL, key), *after;
    vt_changeset back = { 0 };
    vt_bases bb = { 0 };
    vt_err err = { { 0 } };
    const char *bad = "# virt-tune: staged edits not applied when the console ended\n"
                      "# uri: qemu:///system\nvm web vcpu x pin 2\n";
    const char *foreign = "some notes of mine\n";

    (void)state;
    vt_mkdirs_for(path, 0700);
    assert_int_equal(vt_write_file_atomic(path, bad, &err), 0);
    assert_int_equal(vt_recovery_load(path, key, &back, &bb, NULL, &err), -1);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "line 3"));
    assert_non_null(strstr(err.msg, "left as it is"));
    after = vt_read_file(path, 0, NULL);
    assert_string_equal(after, bad);
    free(after);

    assert_int_equal(vt_write_file_atomic(path, foreign, &err), 0);
    assert_int_equal(vt_recovery_load(path, key, &back, &bb, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "not a virt-tune recovery file"));
    after = vt_read_file(path, 0, NULL);
    assert_string_equal(after, foreign);
    free(after);
    assert_int_equal(back.n, 0);
    free(path);
}

/* A directory given (the demo's, inside its private copy) holds the
 * files and locks: nothing goes to $XDG_STATE_HOME. */
static void test_own_dir(void **state)
{
    const char *key = "demo";
    char *own = vt_asprintf("%s/demo-copy/state", dir), *state_dir = vt_asprintf("%s/virt-tune", dir);
    char *path = vt_recovery_path(own, key), *claimed;
    vt_err err = { { 0 } };
    struct stat st;
    int fd;

    (void)state;
    assert_int_equal(strncmp(path, own, strlen(own)), 0);
    vt_remove_tree(state_dir);
    claimed = vt_recovery_claim(own, key, false, &fd, &err);
    assert_non_null(claimed);
    assert_string_equal(claimed, path);
    assert_int_equal(stat(own, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(state_dir, &st), -1);
    vt_recovery_release(claimed, fd);
    free(claimed);
    free(path);
    free(own);
    free(state_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_old_format),
        cmocka_unit_test(test_claim),
        cmocka_unit_test(test_unreadable_left_alone),
        cmocka_unit_test(test_own_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
