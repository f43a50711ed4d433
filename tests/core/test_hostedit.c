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
#include "hostedit.h"

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
    if (vt_apply_revert_plan(logpath, NULL, &plan, &id, &err) < 0)
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
    assert_int_equal(vt_apply_revert_plan(logpath, NULL, &plan, &id, &err), -1);
    assert_non_null(strstr(err.msg, "no host change left to revert"));
    vt_conn_free(c);
    /* one log shared by two hosts (a fleet): each host's revert is its own,
       never the newer apply of another host */
    {
        FILE *f = fopen(logpath, "w");
        assert_non_null(f);
        fputs("{\"apply\":\"a1\",\"connection\":\"qemu+ssh://kvm1/system\",\"result\":\"applied\","
              "\"revert\":\"host thp defrag never\"}\n"
              "{\"apply\":\"a2\",\"connection\":\"qemu+ssh://kvm2/system\",\"result\":\"applied\","
              "\"revert\":\"host halt_poll_ns 0\"}\n", f);
        fclose(f);
        assert_int_equal(vt_apply_revert_plan(logpath, "qemu+ssh://kvm1/system", &plan, &id, &err), 0);
        assert_non_null(strstr(plan, "\nhost thp defrag never\n"));
        assert_null(strstr(plan, "halt_poll_ns"));
        assert_string_equal(id, "a1");
        free(plan);
        free(id);
        assert_int_equal(vt_apply_revert_plan(logpath, "qemu+ssh://kvm2/system", &plan, &id, &err), 0);
        assert_non_null(strstr(plan, "\nhost halt_poll_ns 0\n"));
        free(plan);
        free(id);
        assert_int_equal(vt_apply_revert_plan(logpath, "qemu+ssh://kvm3/system", &plan, &id, &err), -1);
        assert_non_null(strstr(err.msg, "left to revert on qemu+ssh://kvm3/system"));
        unlink(logpath);
    }
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
    if (vt_apply_revert_plan(log, NULL, &plan, &id, &err) < 0)
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

/* ---- issue 17: SR-IOV VF counts and the vhost_net module ---- */

static vt_conn *open_sriov(void)
{
    vt_conn_opts o = {
        .uri = "test://" VT_TEST_DATA "/sriov.xml",
        .sysfs_root = sys_root,
        .procfs_root = VT_TEST_DATA "/proc",
        .etc_root = etc_root,
    };
    vt_err err = { { 0 } };
    vt_conn *c = vt_conn_open(&o, &err);

    if (!c || vt_conn_refresh(c) < 0)
        fail_msg("open sriov.xml: %s", c ? c->err.msg : err.msg);
    return c;
}

#define NUMVFS "class/net/enp3s0f0/device/sriov_numvfs"
#define UDEV "udev/rules.d/70-virt-tune-sriov.rules"

static void refused_on(vt_conn *c, const char *plan, const char *want)
{
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *s;

    if (fixture_prep(c, plan, &ap, &err) == 0)
        fail_msg("accepted: %s", plan);
    if (!strstr(err.msg, want))
        fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
    vt_applyplan_clear(&ap);
    s = slurp(NUMVFS);
    assert_string_equal(s, "3");                  /* nothing changed */
    free(s);
    assert_null(etc_file(UDEV));
}

static void test_sriov_refused(void **state)
{
    vt_conn *c = open_sriov();

    (void)state;
    refused_on(c, "host sriov enp3s0f0 numvfs 9 persist\n",
               "line 1: enp3s0f0 has at most 8 VFs (sriov_totalvfs), not 9");
    refused_on(c, "host sriov br0 numvfs 2\n", "line 1: br0 is not an SR-IOV NIC on this host");
    refused_on(c, "host sriov enp3s0f0 numvfs 4 persist\n",
               "line 1: VFs of enp3s0f0 are given to VMs: 0000:03:10.0 (vf-guest), "
               "0000:03:10.2 (pooled); a new count takes every VF away first");
    refused_on(c, "host sriov enp3s0f0 numvfs 0\n", "VFs of enp3s0f0 are given to VMs");
    vt_conn_free(c);
}

/* On node.xml no VM holds a VF: the count changes, 0 first (the kernel
 * takes a non-zero count only over 0; a stand-in file cannot refuse, so
 * the step's own account and the value left are what is checked), the
 * udev rule keeps it, and the revert puts both back. */
static void test_sriov_numvfs(void **state)
{
    vt_conn *c = fixture_open(sys_root, etc_root, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *plan = NULL, *id = NULL, *s, *text, log[400];
    const vt_step *st = NULL;

    (void)state;
    snprintf(log, sizeof(log), "%s/sriov.log", tmp);
    if (fixture_prep(c, "host sriov enp3s0f0 numvfs 4 persist\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    text = vt_apply_describe(&ap, true);
    assert_non_null(strstr(text, "sriov enp3s0f0 numvfs: 3 -> 4"));
    assert_non_null(strstr(text, "write \"0\", then \"4\""));
    assert_non_null(strstr(text, "+ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"enp3s0f0\", "
                                 "ATTR{device/sriov_numvfs}=\"4\"\n"));
    free(text);
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    for (size_t i = 0; i < ap.nsteps; i++)
        if (ap.steps[i].kind == VT_STEP_SYSFS)
            st = &ap.steps[i];
    assert_non_null(st);
    assert_string_equal(st->result, "wrote 0, then 4");
    assert_string_equal(st->undo_value, "3");
    s = slurp(NUMVFS);
    assert_string_equal(s, "4");
    free(s);
    s = etc_file(UDEV);
    assert_non_null(s);
    assert_non_null(strstr(s, "\nACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"enp3s0f0\", "
                              "ATTR{device/sriov_numvfs}=\"4\"\n"));
    free(s);
    {
        char *sh = vt_hostedit_step_shell(st);
        assert_non_null(strstr(sh, "echo 0 > /sys/class/net/enp3s0f0/device/sriov_numvfs\n"
                                   "echo 4 > /sys/class/net/enp3s0f0/device/sriov_numvfs"));
        free(sh);
    }
    vt_applyplan_clear(&ap);

    /* the revert: the old count, the same way; the rule it added goes */
    if (vt_apply_revert_plan(log, NULL, &plan, &id, &err) < 0)
        fail_msg("%s", err.msg);
    if (!strstr(plan, "\nhost sriov enp3s0f0 numvfs 3 unpersist\n"))
        fail_msg("revert plan:\n%s", plan);
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    ap.reverts = id;
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("revert: %s", err.msg);
    for (size_t i = 0; i < ap.nsteps; i++)
        if (ap.steps[i].kind == VT_STEP_SYSFS)
            assert_string_equal(ap.steps[i].result, "wrote 0, then 3");
    s = slurp(NUMVFS);
    assert_string_equal(s, "3");
    free(s);
    assert_null(etc_file(UDEV));
    free(plan);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* A stand-in modprobe: records its arguments and does to the stand-in
 * sysfs what the kernel would (the module's directory comes and goes). */
static void standin_modprobe(const char *prog, int exit_code)
{
    FILE *f = fopen(prog, "w");

    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n"
               "echo \"$*\" >> '%s/modprobe.args'\n"
               "if [ %d != 0 ]; then echo \"modprobe: FATAL: Module $1 not found\" >&2; exit %d; fi\n"
               "if [ \"$1\" = -r ]; then rmdir '%s/module/'\"$2\"; else mkdir -p '%s/module/'\"$1\"; fi\n",
            tmp, exit_code, exit_code, sys_root, sys_root);
    fclose(f);
    assert_int_equal(chmod(prog, 0755), 0);
}

static char *modprobe_args(void)
{
    char path[400];

    snprintf(path, sizeof(path), "%s/modprobe.args", tmp);
    return vt_read_file(path, 0, NULL);
}

static bool module_loaded(void)
{
    char path[400];

    snprintf(path, sizeof(path), "%s/module/vhost_net", sys_root);
    return access(path, F_OK) == 0;
}

#define MODULES "modules-load.d/vhost_net.conf"

static void test_module_load(void **state)
{
    char prog[400], mod[400], log[400], args[400], *plan = NULL, *id = NULL, *s;
    vt_conn *c;
    vt_applyplan ap = { 0 };
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    snprintf(prog, sizeof(prog), "%s/modprobe", tmp);
    snprintf(mod, sizeof(mod), "%s/module/vhost_net", sys_root);
    snprintf(log, sizeof(log), "%s/module.log", tmp);
    snprintf(args, sizeof(args), "%s/modprobe.args", tmp);
    assert_int_equal(vt_remove_tree(mod), 0);
    unlink(args);

    /* only vhost_net: another name is refused by the parser, nothing runs */
    assert_int_equal(vt_plan_parse("host module nbd load persist\n", &cs, &err), -1);
    assert_non_null(strstr(err.msg, "module \"nbd\" is not one virt-tune loads (only vhost_net)"));

    /* no modprobe anywhere (the hook names none that runs): refused in words */
    setenv("VT_MODPROBE", "/nonexistent/modprobe", 1);
    c = fixture_open(sys_root, etc_root, false);
    assert_false(c->host.vhost_net_loaded);
    assert_int_equal(fixture_prep(c, "host module vhost_net load persist\n", &ap, &err), -1);
    assert_non_null(strstr(err.msg, "line 1: no modprobe on this host"));
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
    assert_null(etc_file(MODULES));

    /* a modprobe that fails: its message, no boot file */
    standin_modprobe(prog, 1);
    setenv("VT_MODPROBE", prog, 1);
    c = fixture_open(sys_root, etc_root, false);
    if (fixture_prep(c, "host module vhost_net load persist\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vt_apply_run(c, &ap, log, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "failed: modprobe: FATAL: Module vhost_net not found"));
    assert_null(etc_file(MODULES));
    assert_false(module_loaded());
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
    unlink(args);
    unlink(log);

    /* it loads, the boot file says so */
    standin_modprobe(prog, 0);
    c = fixture_open(sys_root, etc_root, false);
    if (fixture_prep(c, "host module vhost_net load persist\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    s = vt_apply_describe(&ap, true);
    assert_non_null(strstr(s, "module vhost_net: not loaded -> loaded"));
    assert_non_null(strstr(s, "+vhost_net\n"));
    free(s);
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    vt_applyplan_clear(&ap);
    s = modprobe_args();
    assert_string_equal(s, "vhost_net\n");
    free(s);
    assert_true(module_loaded());
    s = etc_file(MODULES);
    assert_non_null(s);
    assert_non_null(strstr(s, "\nvhost_net\n"));
    free(s);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_true(c->host.vhost_net_loaded);

    /* the revert takes the boot entry back (the file goes) and leaves the
       module loaded: running VMs may hold /dev/vhost-net */
    if (vt_apply_revert_plan(log, NULL, &plan, &id, &err) < 0)
        fail_msg("%s", err.msg);
    if (!strstr(plan, "\nhost module vhost_net load unpersist\n"))
        fail_msg("revert plan:\n%s", plan);
    if (fixture_prep(c, plan, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    ap.reverts = id;
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("revert: %s", err.msg);
    vt_applyplan_clear(&ap);
    free(plan);
    assert_null(etc_file(MODULES));
    assert_true(module_loaded());
    s = modprobe_args();
    assert_string_equal(s, "vhost_net\n");       /* not run again */
    free(s);
    vt_conn_free(c);

    /* a batch that fails after the load: the load this step made is
       taken back (modprobe -r) */
    assert_int_equal(rmdir(mod), 0);
    unlink(args);
    c = fixture_open(sys_root, etc_root, false);
    if (fixture_prep(c, "host module vhost_net load\nhost halt_poll_ns_grow 3\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    {
        char path[600];
        snprintf(path, sizeof(path), "%s/module/kvm/parameters/halt_poll_ns_grow", sys_root);
        s = slurp("module/kvm/parameters/halt_poll_ns_grow");
        assert_int_equal(unlink(path), 0);
        assert_int_equal(symlink("/dev/full", path), 0);
        assert_int_equal(vt_apply_run(c, &ap, log, NULL, NULL, &err), -1);
        assert_int_equal(ap.steps[0].state, VT_STEP_UNDONE);
        unlink(path);
        FILE *f = fopen(path, "w");
        fprintf(f, "%s\n", s);
        fclose(f);
        free(s);
    }
    s = modprobe_args();
    assert_string_equal(s, "vhost_net\n-r vhost_net\n");
    free(s);
    assert_false(module_loaded());
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
    /* the fixture's state for the tests after: loaded */
    assert_int_equal(mkdir(mod, 0755), 0);
    unsetenv("VT_MODPROBE");
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
        cmocka_unit_test(test_sriov_refused),
        cmocka_unit_test(test_sriov_numvfs),
        cmocka_unit_test(test_module_load),
    };

    virSetErrorFunc(NULL, quiet);
    return cmocka_run_group_tests(tests, setup, teardown);
}
