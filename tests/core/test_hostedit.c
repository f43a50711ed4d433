/* Host edits against a scratch copy of the sysfs fixture and a scratch
 * --etc-root: writes read back, refusals before anything runs, the batch
 * rollback when a write fails part-way, the boot-time files (content,
 * merge with what was there, backup), the apply log's revert lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "conn.h"
#include "fixture.h"
#include "fsutil.h"
#include "host.h"

static void quiet(void *d, virErrorPtr e) { (void)d; (void)e; }

static char tmp[256], sys_root[300], etc_root[300], logpath[300];

static char *slurp(const char *rel_sys)
{
    char path[600];
    char *s;

    snprintf(path, sizeof(path), "%s/%s", sys_root, rel_sys);
    s = vt_rstrip(vt_read_file(path, 65536, NULL));
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

/* the whole file, trailing newline included; NULL when absent */
static char *etc_file(const char *rel)
{
    char path[600], chunk[4096];
    vt_buf b = { 0 };
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", etc_root, rel);
    if (!(f = fopen(path, "r")))
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vt_buf_addn(&b, chunk, n);
    fclose(f);
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

static void put_etc(const char *rel, const char *text)
{
    char path[600], dir[600];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", etc_root, rel);
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdir(etc_root, 0755);
    mkdir(dir, 0755);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    vt_err err = { { 0 } };

    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/vt-hostedit-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(sys_root, sizeof(sys_root), "%s/sys", tmp);
    snprintf(etc_root, sizeof(etc_root), "%s/etc", tmp);
    snprintf(logpath, sizeof(logpath), "%s/apply.log", tmp);
    if (vt_copy_tree(VT_TEST_DATA "/sysfs", sys_root, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_remove_tree(tmp);
    return 0;
}

static void test_apply_and_persist(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *s, *text;

    (void)state;
    /* our own file from an earlier run: its other parameter is kept */
    put_etc("modprobe.d/virt-tune-kvm.conf", "options kvm halt_poll_ns_grow=4\n");
    if (fixture_prep(c,
             "host halt_poll_ns 250000 persist\n"
             "host workqueue_cpus 0-3 persist\n"
             "host thp enabled never persist\n"
             "host thp defrag madvise\n"
             "host hugepages 2M 600 node 1 persist\n"
             "host hugepages 2M 2048 persist\n",
             &ap, &err) < 0)
        fail_msg("%s", err.msg);
    text = vt_apply_describe(&ap, true);
    assert_non_null(strstr(text, "halt_poll_ns: 400000 -> 250000   (line 1)"));
    assert_non_null(strstr(text, "workqueue_cpus: 4-7 -> 0-3"));
    assert_non_null(strstr(text, "[live now, until reboot] write \"madvise\""));
    assert_non_null(strstr(text, "[at next boot]"));
    assert_non_null(strstr(text, "-options kvm halt_poll_ns_grow=4\n"));
    assert_non_null(strstr(text, "+options kvm halt_poll_ns_grow=4 halt_poll_ns=250000\n"));
    /* vCPU 0 of alpha is pinned on CPU 0 */
    assert_non_null(strstr(text, "workqueue CPUs overlap the pinned vCPU 0 of alpha"));
    free(text);
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);

    s = slurp("module/kvm/parameters/halt_poll_ns");
    assert_string_equal(s, "250000");
    free(s);
    s = slurp("devices/virtual/workqueue/cpumask");
    assert_string_equal(s, "0f");          /* 8 CPUs: kernel-style mask */
    free(s);
    s = slurp("kernel/mm/transparent_hugepage/enabled");
    assert_string_equal(s, "always madvise [never]");
    free(s);
    /* node 1 got 600, then the host-wide 2048 spread its 680 more pages
       over both nodes, as the kernel interleaves them */
    s = slurp("devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages");
    assert_string_equal(s, "940");
    free(s);
    s = slurp("devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages");
    assert_string_equal(s, "1108");
    free(s);
    s = slurp("kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
    assert_string_equal(s, "2048");
    free(s);

    /* edited in place: the other parameter's line gets the new one */
    s = etc_file("modprobe.d/virt-tune-kvm.conf");
    assert_string_equal(s, "options kvm halt_poll_ns_grow=4 halt_poll_ns=250000\n");
    free(s);
    s = etc_file("modprobe.d/virt-tune-kvm.conf.bak");
    assert_string_equal(s, "options kvm halt_poll_ns_grow=4\n");
    free(s);
    s = etc_file("sysctl.d/90-virt-tune-hugepages.conf");
    assert_non_null(strstr(s, "\nvm.nr_hugepages = 2048\n"));
    free(s);
    s = etc_file("tmpfiles.d/virt-tune.conf");
    assert_non_null(strstr(s, "\nw /sys/devices/virtual/workqueue/cpumask - - - - 0f\n"));
    assert_non_null(strstr(s, "\nw /sys/kernel/mm/transparent_hugepage/enabled - - - - never\n"));
    assert_non_null(strstr(s, "\nw /sys/devices/system/node/node1/hugepages/hugepages-2048kB/"
                              "nr_hugepages - - - - 600\n"));
    assert_null(strstr(s, "defrag"));    /* not persisted */
    free(s);
    s = etc_file("tmpfiles.d/virt-tune.conf.bak");
    assert_null(s);                      /* there was none before */
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* the log's revert lines for the last apply put every knob back */
static void test_revert(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *plan = NULL, *s, *id = NULL;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "host halt_poll_ns_grow 8\nhost thp defrag always\nhost workqueue_cpus 1\n",
             &ap, &err) < 0 ||
        vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    vt_applyplan_clear(&ap);
    s = slurp("kernel/mm/transparent_hugepage/defrag");
    assert_string_equal(s, "[always] defer defer+madvise madvise never");
    free(s);
    if (vt_apply_revert_plan(logpath, &plan, &id, &err) < 0)
        fail_msg("%s", err.msg);
    /* the values the first test left, newest change first */
    if (!strstr(plan, "\nhost workqueue_cpus 0-3\nhost thp defrag madvise\nhost halt_poll_ns_grow 2\n"))
        fail_msg("revert plan:\n%s", plan);
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    ap.reverts = id;
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    s = slurp("kernel/mm/transparent_hugepage/defrag");
    assert_string_equal(s, "always defer defer+madvise [madvise] never");
    free(s);
    s = slurp("module/kvm/parameters/halt_poll_ns_grow");
    assert_string_equal(s, "2");
    free(s);
    free(plan);
    vt_applyplan_clear(&ap);
    /* the revert and its apply are done: nothing left in this log */
    assert_int_equal(vt_apply_revert_plan(logpath, &plan, &id, &err), -1);
    assert_non_null(strstr(err.msg, "no host change left to revert"));
    vt_conn_free(c);
}

static void refused(const char *plan, const char *want)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };

    if (fixture_prep(c, plan, &ap, &err) == 0)
        fail_msg("accepted: %s", plan);
    if (!strstr(err.msg, want))
        fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static void test_refused(void **state)
{
    char path[600];

    (void)state;
    refused("host workqueue_cpus 12", "line 1: CPU 12 does not exist on this host (CPUs 0-7)");
    refused("host hugepages 16M 4", "line 1: the host has no 16M huge page pool");
    refused("host hugepages 2M 4 node 5", "line 1: NUMA node 5 does not exist");
    /* a kernel that keeps the knob read-only, like halt_poll_ns on Debian 12 */
    snprintf(path, sizeof(path), "%s/module/kvm/parameters/halt_poll_ns_shrink", sys_root);
    assert_int_equal(chmod(path, 0444), 0);
    refused("host halt_poll_ns_shrink 2", "line 1: halt_poll_ns_shrink is read-only on this kernel");
    assert_int_equal(chmod(path, 0644), 0);
}

/* a write that the "kernel" refuses after the first two went through:
 * both are put back, nothing is left half-done */
static void test_rollback(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char path[600], *wq0 = slurp("devices/virtual/workqueue/cpumask"), *s, *out;
    char *mp0 = etc_file("modprobe.d/virt-tune-kvm.conf");

    (void)state;
    if (fixture_prep(c, "host halt_poll_ns 100000 persist\nhost workqueue_cpus 2-3\nhost thp enabled always\n",
             &ap, &err) < 0)
        fail_msg("%s", err.msg);
    /* after preparing, the THP file starts failing every write */
    snprintf(path, sizeof(path), "%s/kernel/mm/transparent_hugepage/enabled", sys_root);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("/dev/full", path), 0);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "host: enabled: cannot write \"always\""));
    assert_int_equal(ap.steps[0].state, VT_STEP_UNDONE);
    assert_int_equal(ap.steps[1].state, VT_STEP_UNDONE);
    assert_int_equal(ap.steps[2].state, VT_STEP_FAILED);
    assert_int_equal(ap.steps[3].state, VT_STEP_SKIPPED);   /* the boot file */
    s = slurp("devices/virtual/workqueue/cpumask");
    assert_string_equal(s, wq0);
    free(s);
    s = slurp("module/kvm/parameters/halt_poll_ns");
    assert_string_equal(s, "250000");                       /* from the first test */
    free(s);
    s = etc_file("modprobe.d/virt-tune-kvm.conf");
    assert_string_equal(s, mp0);
    free(s);
    out = vt_apply_outcome(&ap);
    assert_non_null(strstr(out, "undone"));
    free(out);
    unlink(path);
    {
        FILE *f = fopen(path, "w");
        fputs("always [madvise] never\n", f);
        fclose(f);
    }
    free(wq0);
    free(mp0);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* a boot file edited by hand between preparing and applying */
static void test_file_conflict(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *s;

    (void)state;
    if (fixture_prep(c, "host halt_poll_ns 300000 persist\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    put_etc("modprobe.d/virt-tune-kvm.conf", "options kvm halt_poll_ns=1\n");
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "virt-tune-kvm.conf changed since the plan was prepared"));
    s = slurp("module/kvm/parameters/halt_poll_ns");
    assert_string_equal(s, "250000");
    free(s);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* issue 15 item 6: the apply question counts every step under its own
 * effect, host steps included (three sysfs writes, one kept at boot) */
static void test_effect_counts(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    size_t n[VT_EFFECT_LAST] = { 0 }, total = 0;
    char *sum, want[128];

    (void)state;
    if (fixture_prep(c, "host halt_poll_ns_grow 4 persist\nhost thp defrag never\nhost workqueue_cpus 2-3\n",
                     &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 4);
    for (size_t i = 0; i < ap.nsteps; i++)
        n[ap.steps[i].effect]++;
    sum = vt_applyplan_effect_summary(&ap, "; ");
    for (int e = 0; e < VT_EFFECT_LAST; e++) {
        snprintf(want, sizeof(want), "%s: %zu", vt_applyplan_effect_name((vt_effect)e), n[e]);
        if (n[e] && !strstr(sum, want))
            fail_msg("\"%s\" lacks \"%s\"", sum, want);
        total += n[e];
    }
    assert_int_equal(total, ap.nsteps);
    assert_string_equal(sum, "live now: 1; live now, until reboot: 2; at next boot: 1");
    free(sum);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* persist halt_poll_ns on an etc root of its own (original: its
 * modprobe.d file, NULL for none), apply, then --revert-last's plan: the
 * file as it was after the revert, NULL when it is gone */
static char *persist_then_revert(const char *name, const char *original)
{
    char etc[400], log[400], path[600], *plan = NULL, *id = NULL, *s, *hpn0 = slurp("module/kvm/parameters/halt_poll_ns");
    vt_conn *c;
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_buf b = { 0 };
    FILE *f;

    snprintf(etc, sizeof(etc), "%s/%s", tmp, name);
    snprintf(log, sizeof(log), "%s/%s.log", tmp, name);
    snprintf(path, sizeof(path), "%s/modprobe.d/virt-tune-kvm.conf", etc);
    vt_mkdirs_for(path, 0755);
    if (original) {
        assert_non_null(f = fopen(path, "w"));
        fputs(original, f);
        fclose(f);
    }
    c = fixture_open(sys_root, etc, false);
    if (fixture_prep(c, "host halt_poll_ns 123000 persist\n", &ap, &err) < 0 ||
        vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    vt_applyplan_clear(&ap);
    s = vt_read_file(path, 0, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "halt_poll_ns=123000"));
    free(s);
    if (vt_apply_revert_plan(log, &plan, &id, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("revert plan:\n%s\n%s", plan, err.msg);
    ap.reverts = id;
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("revert: %s", err.msg);
    s = slurp("module/kvm/parameters/halt_poll_ns");
    assert_string_equal(s, hpn0);                /* the live value is back too */
    free(s);
    free(hpn0);
    free(plan);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
    if (!(f = fopen(path, "r")))
        return NULL;
    {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            vt_buf_addn(&b, chunk, n);
    }
    fclose(f);
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

/* issue 15 item 10: no modprobe.d file before, none after the revert */
static void test_revert_absent_file(void **state)
{
    char *s = persist_then_revert("etc-none", NULL);

    (void)state;
    if (s)
        fail_msg("the boot file is still there after the revert:\n%s", s);
}

/* issue 15 item 10: a file with another option (and a comment of the
 * admin's) is, after the revert, what it was, byte for byte */
static void test_revert_other_entry(void **state)
{
    const char *orig = "# kept by hand\noptions kvm halt_poll_ns_grow=4\n";
    char *s = persist_then_revert("etc-other", orig);

    (void)state;
    assert_non_null(s);
    assert_string_equal(s, orig);
    free(s);
}

#define NODE_NR(n) "devices/system/node/node" #n "/hugepages/hugepages-2048kB/nr_hugepages"
#define HOST_NR "kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

static unsigned long long slurp_ull(const char *rel)
{
    char *s = slurp(rel);
    unsigned long long v = 0;

    assert_int_equal(vt_parse_ull(s, &v), 0);
    free(s);
    return v;
}

/* issue 15 item 3: a count that cannot exist in the node's (or the
 * host's) memory is refused before anything runs, naming the memory;
 * more than is free is a warning in the plan */
static void test_capacity(void **state)
{
    vt_conn *c;
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *n1 = slurp(NODE_NR(1)), *all = slurp(HOST_NR), *s, plan[128];
    unsigned long long have;
    bool warned = false;

    (void)state;
    refused("host hugepages 2M 99999999 node 1",
            "line 1: node 1 has 8 GiB of memory: 99999999 x 2M pages (190.7 TiB) cannot exist");
    refused("host hugepages 2M 9000",
            "line 1: the host has 16 GiB of memory: 9000 x 2M pages (17.6 GiB) cannot exist");
    /* refused in prepare: neither pool file changed */
    s = slurp(NODE_NR(1));
    assert_string_equal(s, n1);
    free(s);
    s = slurp(HOST_NR);
    assert_string_equal(s, all);
    free(s);
    free(n1);
    free(all);

    /* node 0 has 4 GiB free: 2100 more 2M pages (4.1 GiB) go through, warned */
    have = slurp_ull(NODE_NR(0));
    snprintf(plan, sizeof(plan), "host hugepages 2M %llu node 0\n", have + 2100);
    c = fixture_open(sys_root, etc_root, false);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < ap.nwarnings; i++)
        warned = warned || strstr(ap.warnings[i], "line 1: 2100 more 2M pages need 4.1 GiB, "
                                                  "node 0 has 4 GiB free") != NULL;
    if (!warned)
        fail_msg("no warning about node 0's free memory (%zu warnings)", ap.nwarnings);
    vt_applyplan_clear(&ap);
    /* within what is free: no such warning */
    snprintf(plan, sizeof(plan), "host hugepages 2M %llu node 0\n", have + 100);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < ap.nwarnings; i++)
        if (strstr(ap.warnings[i], "free"))
            fail_msg("warned: %s", ap.warnings[i]);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* issue 15 item 3: after a node's pool is written, the host's total is
 * the sum of its nodes (the stand-in tree has no kernel to update its
 * global file); a host-wide count shows on the nodes */
static void test_pool_total(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_host h = { 0 };
    unsigned long long n0 = slurp_ull(NODE_NR(0));

    (void)state;
    if (fixture_prep(c, "host hugepages 2M 700 node 1\n", &ap, &err) < 0 ||
        vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    vt_applyplan_clear(&ap);
    assert_int_equal(vt_host_read_sysfs(&h, sys_root, &err), 0);
    assert_int_equal(h.pools[0].size_kib, 2048);
    assert_int_equal(h.pools[0].nodes[1].nr, 700);
    assert_int_equal(h.pools[0].nr, n0 + 700);
    vt_host_clear(&h);
    vt_conn_free(c);

    c = fixture_open(sys_root, etc_root, false);
    if (fixture_prep(c, "host hugepages 2M 1500\n", &ap, &err) < 0 ||
        vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("%s", err.msg);
    vt_applyplan_clear(&ap);
    assert_int_equal(vt_host_read_sysfs(&h, sys_root, &err), 0);
    assert_int_equal(h.pools[0].nr, 1500);
    assert_int_equal(h.pools[0].nodes[0].nr + h.pools[0].nodes[1].nr, 1500);
    vt_host_clear(&h);
    vt_conn_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply_and_persist),
        cmocka_unit_test(test_revert),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_file_conflict),
        cmocka_unit_test(test_effect_counts),
        cmocka_unit_test(test_revert_absent_file),
        cmocka_unit_test(test_revert_other_entry),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_pool_total),
    };

    virSetErrorFunc(NULL, quiet);
    return cmocka_run_group_tests(tests, setup, teardown);
}
