/* Writing files: atomic replace with owner, mode and backup kept; never
 * through a symbolic link, as the file or as its backup; a path that is not
 * a regular file is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static char dir[64], outside[128], target[160];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/vt-fsutil-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(outside, sizeof(outside), "%s/outside", dir);   /* stands for /etc/shadow */
    snprintf(target, sizeof(target), "%s/etc/modprobe.d/virt-tune-kvm.conf", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return vt_remove_tree(dir);
}

static void put(const char *path, const char *text, mode_t mode)
{
    FILE *f;

    vt_mkdirs_for(path, 0755);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void assert_content(const char *path, const char *want)
{
    char *got = vt_read_file(path, 0, NULL);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* nothing but the names given is in the directory of target */
static void assert_no_temp(void)
{
    char d[160], *slash;
    DIR *dh;
    struct dirent *e;

    snprintf(d, sizeof(d), "%s", target);
    slash = strrchr(d, '/');
    *slash = '\0';
    dh = opendir(d);
    assert_non_null(dh);
    while ((e = readdir(dh)))
        if (strstr(e->d_name, "tmp"))
            fail_msg("a temporary file was left: %s", e->d_name);
    closedir(dh);
}

static void test_replace_keeps_mode_and_backup(void **state)
{
    vt_err err = { { 0 } };
    char bak[200];
    struct stat st;

    (void)state;
    put(target, "options kvm halt_poll_ns=0\n", 0640);
    assert_int_equal(vt_file_replace(target, "options kvm halt_poll_ns=200000\n", 0644, ".bak", &err), 0);
    assert_content(target, "options kvm halt_poll_ns=200000\n");
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);          /* the file's own mode, not 0644 */
    snprintf(bak, sizeof(bak), "%s.bak", target);
    assert_content(bak, "options kvm halt_poll_ns=0\n");
    assert_int_equal(stat(bak, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_no_temp();
    unlink(bak);
    unlink(target);
}

static void test_symlink_target_refused(void **state)
{
    vt_err err = { { 0 } };
    struct stat st;

    (void)state;
    put(outside, "root:secret:19000:0:99999:7:::\n", 0600);
    vt_mkdirs_for(target, 0755);
    assert_int_equal(symlink(outside, target), 0);
    assert_int_equal(vt_file_replace(target, "options kvm halt_poll_ns=1\n", 0644, ".bak", &err), -1);
    assert_non_null(strstr(err.msg, target));
    assert_non_null(strstr(err.msg, "is a symbolic link (to "));
    assert_non_null(strstr(err.msg, outside));
    assert_content(outside, "root:secret:19000:0:99999:7:::\n");
    assert_int_equal(lstat(target, &st), 0);
    assert_true(S_ISLNK(st.st_mode));                      /* the link is left as it was */
    assert_no_temp();
    unlink(target);

    /* a link into the same directory, or dangling: refused all the same */
    assert_int_equal(symlink("virt-tune-kvm.conf.real", target), 0);
    assert_int_equal(vt_write_file_atomic(target, "x\n", &err), -1);
    assert_non_null(strstr(err.msg, "is a symbolic link"));
    unlink(target);
}

static void test_symlink_backup_refused(void **state)
{
    vt_err err = { { 0 } };
    char bak[200];

    (void)state;
    put(outside, "root:secret:19000:0:99999:7:::\n", 0600);
    put(target, "options kvm halt_poll_ns=0\n", 0644);
    snprintf(bak, sizeof(bak), "%s.bak", target);
    assert_int_equal(symlink(outside, bak), 0);          /* planted where the backup goes */
    assert_int_equal(vt_file_replace(target, "options kvm halt_poll_ns=1\n", 0644, ".bak", &err), -1);
    assert_non_null(strstr(err.msg, bak));
    assert_content(outside, "root:secret:19000:0:99999:7:::\n");
    assert_content(target, "options kvm halt_poll_ns=0\n");  /* nothing written at all */
    assert_no_temp();
    unlink(bak);
    unlink(target);
}

static void test_not_regular_refused(void **state)
{
    vt_err err = { { 0 } };

    (void)state;
    vt_mkdirs_for(target, 0755);
    assert_int_equal(mkdir(target, 0755), 0);
    assert_int_equal(vt_write_file_atomic(target, "x\n", &err), -1);
    assert_non_null(strstr(err.msg, "is not a regular file"));
    rmdir(target);
}

static void test_refuse_symlink(void **state)
{
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_refuse_symlink(target, &err), 0);   /* missing: fine */
    put(target, "x\n", 0644);
    assert_int_equal(vt_refuse_symlink(target, &err), 0);   /* regular: fine */
    unlink(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replace_keeps_mode_and_backup),
        cmocka_unit_test(test_symlink_target_refused),
        cmocka_unit_test(test_symlink_backup_refused),
        cmocka_unit_test(test_not_regular_refused),
        cmocka_unit_test(test_refuse_symlink),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
