/* The advisor on the test driver fixture: each check fires where the
 * fixture has the mistake and stays quiet on the well-tuned parts; fixes
 * are plan lines the engine takes, and applying one makes its finding go;
 * the exit code and JSON of --check. */
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

#include "advisor.h"
#include "apply.h"
#include "conn.h"
#include "demo.h"
#include "fixture.h"
#include "fsutil.h"
#include "whatif.h"

static void quiet(void *d, virErrorPtr e) { (void)d; (void)e; }

static const vt_advice *find(const vt_advice_list *l, const char *topic, const char *vm,
                             const char *needle)
{
    for (size_t i = 0; i < l->n; i++) {
        const vt_advice *a = &l->items[i];
        if (strcmp(a->topic, topic) == 0 && ((!vm && !a->vm) || (vm && a->vm && strcmp(vm, a->vm) == 0)) &&
            strstr(a->summary, needle))
            return a;
    }
    return NULL;
}

static void dump(const vt_advice_list *l)
{
    char *t = vt_advice_text(l);
    print_message("%s", t);
    free(t);
}

static void test_fixture(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    /* alpha: vdb has no IOThread; the fix adds one for it */
    a = find(&l, "iothread", "alpha", "without an IOThread");
    if (!a) {
        dump(&l);
        fail_msg("no iothread finding for alpha");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    assert_non_null(strstr(a->evidence, "disk vdb"));
    assert_string_equal(a->fix, "vm alpha iothreads 3\nvm alpha disk vdb iothread 3\n");
    assert_string_equal(a->panel, "disks");
    /* alpha's IOThread 2 (0,2-3) shares CPU 0 with vCPU 0; IOThread 1 (2-3) does not.
       The fix keeps it on the vCPUs' node (0: CPUs 0-3) */
    a = find(&l, "iothread", "alpha", "IOThread 2 pinned to CPUs 0,2-3, including CPU 0, where "
                                      "vCPU 0 is pinned");
    if (!a) {
        dump(&l);
        fail_msg("no finding for alpha's IOThread 2");
    }
    assert_string_equal(a->fix, "vm alpha iothread 2 pin 2-3 both\n");
    assert_null(find(&l, "iothread", "alpha", "IOThread 1 pinned"));
    /* its emulator (2) is off its vCPUs (0, 1) */
    assert_null(find(&l, "cpu-pin", "alpha", ""));
    /* beta: no sVirt, a LUN with rawio */
    a = find(&l, "svirt", "beta", "type='none'");
    assert_non_null(a);
    assert_int_equal(a->sev, VT_SEV_FAIL);
    /* the test driver's only security driver is testSecurity: a selinux
     * label would not start there, so the fix leaves the host's default */
    assert_true(c->host.secmodels_known);
    assert_false(vt_host_has_secmodel(&c->host, "selinux"));
    assert_string_equal(a->fix, "vm beta seclabel default\n");
    {
        vt_advice_list l2 = { 0 };
        char **saved = c->host.secmodels;
        size_t nsaved = c->host.nsecmodels;
        char *models[] = { "selinux", "dac" };
        c->host.secmodels = models;
        c->host.nsecmodels = 2;
        vt_advise(c, NULL, &l2);
        a = find(&l2, "svirt", "beta", "type='none'");
        assert_non_null(a);
        assert_string_equal(a->fix, "vm beta seclabel dynamic relabel yes\n");
        vt_advice_list_clear(&l2);
        c->host.secmodels = saved;
        c->host.nsecmodels = nsaved;
        a = find(&l, "svirt", "beta", "type='none'");
    }
    a = find(&l, "lun", "beta", "raw LUN with rawio");
    assert_non_null(a);
    assert_null(find(&l, "lun", "beta", "partition"));     /* /dev/sdc is a whole disk */
    /* beta's vdb is writeback: disk-cache; alpha's vda is none/native: quiet */
    assert_null(find(&l, "disk-cache", "alpha", "vda"));
    /* gamma is shut off and has nothing wrong */
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].vm && strcmp(l.items[i].vm, "gamma") == 0)
            fail_msg("gamma: %s", l.items[i].summary);
    /* host: the workqueue mask (4-7) is off the vCPU pins (0,1): quiet */
    assert_null(find(&l, "kworker", NULL, ""));
    /* sorted by severity: failures first */
    for (size_t i = 1; i < l.n; i++)
        assert_true(l.items[i - 1].sev >= l.items[i].sev);
    assert_int_equal(vt_advice_exit_code(&l), 2);
    assert_int_equal(vt_advice_count_vm(&l, "alpha") > 0, 1);
    /* the list's !N counts warnings and failures, not info */
    assert_int_equal(vt_advice_count_vm(&l, "gamma"), 0);
    vt_advice_list_clear(&l);
    vt_conn_free(c);
}

/* the fixes are plans the engine takes; applied, their findings go */
static void test_fix_applies(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_advice_list l = { 0 };
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_buf plan = { 0 };
    char log[64];

    (void)state;
    snprintf(log, sizeof(log), "/tmp/vt-advisor-%d.log", (int)getpid());
    vt_advise(c, NULL, &l);
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].fix && l.items[i].vm)
            vt_buf_add(&plan, l.items[i].fix);
    vt_buf_add(&plan, "");
    if (vt_plan_parse(plan.buf, &cs, &err) < 0)
        fail_msg("the fixes do not parse: %s\n%s", err.msg, plan.buf);
    if (vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0)
        fail_msg("the fixes do not prepare: %s\n%s", err.msg, plan.buf);
    if (vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("the fixes do not apply: %s", err.msg);
    vt_advice_list_clear(&l);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    /* config fixes of running VMs show in the config; the live ones now */
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].fix && l.items[i].vm && strcmp(l.items[i].topic, "svirt") != 0)
            fail_msg("still there after its fix: %s %s", l.items[i].vm, l.items[i].summary);
    unlink(log);
    vt_buf_free(&plan);
    vt_changeset_clear(&cs);
    vt_applyplan_clear(&ap);
    vt_advice_list_clear(&l);
    vt_conn_free(c);
}

static void test_json(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_advice_list l = { 0 };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    vt_advise(c, NULL, &l);
    vt_advice_json_write(&l, f);
    fclose(f);
    assert_non_null(strstr(buf, "\"findings\""));
    assert_non_null(strstr(buf, "\"topic\":\"svirt\"") ? buf : strstr(buf, "\"topic\": \"svirt\""));
    assert_non_null(strstr(buf, "\"exit\""));
    free(buf);
    vt_advice_list_clear(&l);
    vt_conn_free(c);
}

/* on the demo host: facts in the evidence read as core/facts.h writes
   them, and SCSI disks count as having their controller's IOThread */
static void test_demo_facts(void **state)
{
    vt_err err = { { 0 } };
    vt_demo *demo = vt_demo_setup(vt_demo_datadir(), &err);
    vt_conn_opts o = { 0 };
    vt_advice_list l = { 0 };
    const vt_advice *a;
    vt_conn *c;

    (void)state;
    if (!demo)
        fail_msg("demo: %s", err.msg);
    o.uri = demo->uri;
    o.sysfs_root = demo->sysfs_root;
    o.procfs_root = demo->procfs_root;
    o.etc_root = demo->etc_root;
    if (!(c = vt_conn_open(&o, &err)))
        fail_msg("open: %s", err.msg);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    /* sda, sdb (ora-db01) and sda (db-replica) sit on scsi0, which has IOThread 2 */
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].topic, "iothread") == 0 && l.items[i].vm &&
            (strcmp(l.items[i].vm, "ora-db01") == 0 || strcmp(l.items[i].vm, "db-replica") == 0))
            fail_msg("%s: %s (%s)", l.items[i].vm, l.items[i].summary, l.items[i].evidence);
    /* queues as queues/vCPUs, an unset queues= as 1 */
    a = find(&l, "multiqueue", "lb-01", "8 queues for 2 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->evidence, "queues 8/2");
    a = find(&l, "multiqueue", "mq-broker", "one queue for 4 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->evidence, "queues 1/4");
    /* memory per node in GiB/MiB as the console's memory panel */
    a = find(&l, "numa", "ora-db01", "spread");
    assert_non_null(a);
    assert_non_null(strstr(a->evidence, " GiB"));
    assert_null(strstr(a->evidence, "MiB"));
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    vt_demo_free(demo);
}

/* ---- tests/data/layouts.xml: NUMA layouts and 1G pools ---- */

static char layouts_tmp[64];

static void put(const char *root, const char *rel, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* the committed sysfs fixture has empty 1G pools: a scratch copy holds
   2 pages on node 0 (hp-fits's) and 4 on node 1 (hp-small's), none free,
   none surplus */
static vt_conn *layouts_open(void)
{
    static const char *const g = "kernel/mm/hugepages/hugepages-1048576kB/";
    static const char *const n0 = "devices/system/node/node0/hugepages/hugepages-1048576kB/";
    static const char *const n1 = "devices/system/node/node1/hugepages/hugepages-1048576kB/";
    char sys[128], rel[160];
    vt_err err = { { 0 } };
    vt_conn_opts o = { .uri = "test://" VT_TEST_DATA "/layouts.xml",
                       .procfs_root = VT_TEST_DATA "/layouts-proc" };
    vt_conn *c;

    snprintf(layouts_tmp, sizeof(layouts_tmp), "/tmp/vt-advisor-XXXXXX");
    if (!mkdtemp(layouts_tmp))
        fail_msg("mkdtemp");
    snprintf(sys, sizeof(sys), "%s/sys", layouts_tmp);
    if (vt_copy_tree(VT_TEST_DATA "/sysfs", sys, &err) < 0)
        fail_msg("%s", err.msg);
#define PUT(dir, file, v) (snprintf(rel, sizeof(rel), "%s%s", dir, file), put(sys, rel, v))
    PUT(g, "nr_hugepages", "6\n");
    PUT(g, "free_hugepages", "0\n");
    PUT(n0, "nr_hugepages", "2\n");
    PUT(n0, "free_hugepages", "0\n");
    PUT(n1, "nr_hugepages", "4\n");
    PUT(n1, "free_hugepages", "0\n");
#undef PUT
    o.sysfs_root = sys;
    if (!(c = vt_conn_open(&o, &err)))
        fail_msg("open: %s", err.msg);
    if (vt_conn_refresh(c) < 0)
        fail_msg("refresh: %s", c->err.msg);
    return c;
}

static void layouts_close(vt_conn *c)
{
    vt_conn_free(c);
    vt_remove_tree(layouts_tmp);
}

/* issue 15 (5): memory on both nodes is the design of a guest whose NUMA
   cells are bound one per host node, and of interleave or preferred: at
   most info, with the reason, and no fix that would bind it to one node */
static void test_numa_deliberate(void **state)
{
    vt_conn *c = layouts_open();
    vt_advice_list l = { 0 };
    static const struct { const char *vm, *reason; } ok[] = {
        { "cells", "guest NUMA cells bound one per host node" },
        { "interleave", "interleave" },
        { "interleave-pinned", "interleave" },
        { "preferred", "preferred" },
    };

    (void)state;
    vt_advise(c, NULL, &l);
    for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
        bool seen = false;
        for (size_t i = 0; i < l.n; i++) {
            const vt_advice *a = &l.items[i];
            if (strcmp(a->topic, "numa") != 0 || !a->vm || strcmp(a->vm, ok[k].vm) != 0)
                continue;
            if (a->sev != VT_SEV_INFO || a->fix) {
                dump(&l);
                fail_msg("%s: %s %s (fix %s)", a->vm, vt_severity_name(a->sev), a->summary,
                         a->fix ? a->fix : "none");
            }
            if (!strstr(a->summary, ok[k].reason) &&
                !(a->evidence && strstr(a->evidence, ok[k].reason)))
                fail_msg("%s: the reason (%s) is not given: %s / %s", a->vm, ok[k].reason,
                         a->summary, a->evidence ? a->evidence : "");
            seen = true;
        }
        if (!seen && strcmp(ok[k].vm, "interleave-pinned") != 0) {
            dump(&l);
            fail_msg("%s: no word on its memory on two nodes", ok[k].vm);
        }
    }
    vt_advice_list_clear(&l);
    layouts_close(c);
}

/* the rule still fires where the spread is no design */
static void test_numa_still_warns(void **state)
{
    vt_conn *c = layouts_open();
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    /* strict over both nodes, no guest cells */
    a = find(&l, "numa", "strict-both", "memory spread over 2 NUMA nodes");
    if (!a) {
        dump(&l);
        fail_msg("strict-both: no numa warning");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    assert_non_null(a->fix);
    assert_non_null(strstr(a->fix, "numatune strict"));
    /* guest cells, both bound to node 0: its memory on node 1 is not theirs */
    a = find(&l, "numa", "cells-one-node", "memory spread over 2 NUMA nodes");
    if (!a) {
        dump(&l);
        fail_msg("cells-one-node: no numa warning");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    vt_advice_list_clear(&l);
    layouts_close(c);
}

/* issue 15 (11): a running VM holds its pages, so its pool is judged by
   the pages it holds in all (nr_hugepages), not the free ones: too few
   and it would not start again */
static void test_hugepages_running(void **state)
{
    vt_conn *c = layouts_open();
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    a = find(&l, "hugepages", "hp-small", "");
    if (!a) {
        dump(&l);
        fail_msg("hp-small: no hugepages finding");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    assert_non_null(strstr(a->summary, "would not start again"));
    assert_non_null(a->evidence);
    if (!strstr(a->evidence, "needs 8 x 1G") || !strstr(a->evidence, "pool holds 4 on node 1"))
        fail_msg("hp-small evidence: %s", a->evidence);
    assert_non_null(a->fix);
    assert_string_equal(a->fix, "host hugepages 1G 8 node 1\n");
    /* hp-fits holds node 0's 2 pages: none free, and none missing */
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].vm && strcmp(l.items[i].vm, "hp-fits") == 0)
            fail_msg("hp-fits: %s (%s)", l.items[i].summary, l.items[i].evidence);
    vt_advice_list_clear(&l);
    layouts_close(c);
}

/* ---- tests/data/placement.xml: CPU pins and memory placement ---- */

static char placement_tmp[64];

/* the 2M pools of a scratch copy of the sysfs fixture: node 0 holds 1280
   pages, 256 free (hp-home's 512 and hp-moved's 512 in use), node 1 256,
   all free */
static vt_conn *placement_open(void)
{
    static const char *const g = "kernel/mm/hugepages/hugepages-2048kB/";
    static const char *const n0 = "devices/system/node/node0/hugepages/hugepages-2048kB/";
    static const char *const n1 = "devices/system/node/node1/hugepages/hugepages-2048kB/";
    char sys[128], rel[160];
    vt_err err = { { 0 } };
    vt_conn_opts o = { .uri = "test://" VT_TEST_DATA "/placement.xml",
                       .procfs_root = VT_TEST_DATA "/placement-proc" };
    vt_conn *c;

    snprintf(placement_tmp, sizeof(placement_tmp), "/tmp/vt-advisor-XXXXXX");
    if (!mkdtemp(placement_tmp))
        fail_msg("mkdtemp");
    snprintf(sys, sizeof(sys), "%s/sys", placement_tmp);
    if (vt_copy_tree(VT_TEST_DATA "/sysfs", sys, &err) < 0)
        fail_msg("%s", err.msg);
#define PUT(dir, file, v) (snprintf(rel, sizeof(rel), "%s%s", dir, file), put(sys, rel, v))
    PUT(g, "nr_hugepages", "1536\n");
    PUT(g, "free_hugepages", "512\n");
    PUT(n0, "nr_hugepages", "1280\n");
    PUT(n0, "free_hugepages", "256\n");
    PUT(n1, "nr_hugepages", "256\n");
    PUT(n1, "free_hugepages", "256\n");
#undef PUT
    o.sysfs_root = sys;
    if (!(c = vt_conn_open(&o, &err)))
        fail_msg("open: %s", err.msg);
    if (vt_conn_refresh(c) < 0)
        fail_msg("refresh: %s", c->err.msg);
    return c;
}

static void placement_close(vt_conn *c)
{
    vt_conn_free(c);
    vt_remove_tree(placement_tmp);
}

static void expect_summary(const vt_advice_list *l, const char *topic, const char *vm,
                           const char *summary)
{
    const vt_advice *a = find(l, topic, vm, summary);

    if (!a || strcmp(a->summary, summary) != 0) {
        dump(l);
        fail_msg("%s: no %s finding \"%s\"", vm, topic, summary);
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
}

static void expect_no_pins(const vt_advice_list *l, const char *vm)
{
    for (size_t i = 0; i < l->n; i++) {
        const vt_advice *a = &l->items[i];
        if (a->vm && strcmp(a->vm, vm) == 0 &&
            (strcmp(a->topic, "cpu-pin") == 0 || strstr(a->summary, " pinned to "))) {
            dump(l);
            fail_msg("%s: %s", vm, a->summary);
        }
    }
}

/* issue 15 item 2 (a, b): an IOThread or emulator on the VM's own vCPUs,
   and threads on CPUs where another VM's dedicated vCPUs are pinned, name
   the vCPU, the CPU and the other VM; a shared housekeeping CPU, VMs
   floating over the same CPUs and unpinned VMs are no finding */
static void test_pins(void **state)
{
    vt_conn *c = placement_open();
    vt_advice_list l = { 0 };
    const vt_advice *a;
    virDomainPtr dom;

    (void)state;
    vt_advise(c, NULL, &l);
    /* the VM's own: fix to the free CPU of its node (3, the housekeeping one) */
    expect_summary(&l, "iothread", "self-pinned", "IOThread 1 pinned to CPU 2, where vCPU 0 is pinned");
    a = find(&l, "iothread", "self-pinned", "IOThread 1");
    assert_string_equal(a->fix, "vm self-pinned iothread 1 pin 3 both\n");
    expect_summary(&l, "cpu-pin", "self-pinned", "emulator pinned to CPU 2, where vCPU 0 is pinned");
    a = find(&l, "cpu-pin", "self-pinned", "emulator");
    assert_string_equal(a->fix, "vm self-pinned emulator pin 3 both\n");
    assert_string_equal(a->evidence, "emulatorpin cpuset 2; vCPU 0: 2");
    /* another VM's dedicated vCPUs */
    expect_summary(&l, "cpu-pin", "intruder", "vCPU 0 pinned to CPU 1, where ded-a's vCPU 1 is pinned");
    a = find(&l, "cpu-pin", "intruder", "ded-a");
    assert_null(a->fix);
    assert_string_equal(a->evidence, "vCPU 0: 1; ded-a (running): vCPU 0: 0, vCPU 1: 1");
    expect_summary(&l, "cpu-pin", "twin", "vCPU 0 pinned to CPU 5, where ded-b's vCPU 1 is pinned");
    expect_summary(&l, "cpu-pin", "io-intruder",
                   "emulator pinned to CPUs 0-3, including CPUs 0-1, where ded-a's vCPUs 0-1 are pinned");
    expect_summary(&l, "cpu-pin", "io-intruder",
                   "emulator pinned to CPUs 0-3, including CPU 2, where self-pinned's vCPU 0 is pinned");
    expect_summary(&l, "cpu-pin", "io-intruder", "IOThread 1 pinned to CPU 4, where ded-b's vCPU 0 is pinned");
    /* the purposeful layouts: dedicated vCPUs with a shared housekeeping
       CPU, floating VMs over the same CPUs (intruder's vCPU 1 among
       them), unpinned VMs; and the shut-off twin and io-intruder do not
       count for the others until they start with the host */
    expect_no_pins(&l, "ded-a");
    expect_no_pins(&l, "ded-b");
    expect_no_pins(&l, "float-a");
    expect_no_pins(&l, "float-b");
    expect_no_pins(&l, "unpinned");
    assert_null(find(&l, "cpu-pin", "intruder", "float"));
    assert_null(find(&l, "cpu-pin", "self-pinned", "io-intruder"));
    vt_advice_list_clear(&l);

    /* twin starts with the host: then ded-b's vCPU 1 shares its CPU */
    dom = virDomainLookupByName(c->conn, "twin");
    assert_non_null(dom);
    assert_int_equal(virDomainSetAutostart(dom, 1), 0);
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    expect_summary(&l, "cpu-pin", "ded-b", "vCPU 1 pinned to CPU 5, where twin's vCPU 0 is pinned");
    a = find(&l, "cpu-pin", "ded-b", "twin");
    assert_non_null(strstr(a->evidence, "twin (autostart)"));
    /* and the fix of self-pinned's threads still avoids every dedicated CPU */
    a = find(&l, "iothread", "self-pinned", "IOThread 1");
    assert_string_equal(a->fix, "vm self-pinned iothread 1 pin 3 both\n");
    vt_advice_list_clear(&l);

    /* a crowd of five on CPU 6, starting with the host: three named, the
       rest in one finding, however many they are */
    for (int i = 0; i < 5; i++) {
        char xml[512];
        snprintf(xml, sizeof(xml),
                 "<domain type='kvm'><name>crowd-%d</name>"
                 "<uuid>33333333-4444-5555-6666-0000000001%02d</uuid>"
                 "<memory unit='MiB'>256</memory><vcpu>1</vcpu>"
                 "<cputune><vcpupin vcpu='0' cpuset='6'/></cputune>"
                 "<os><type arch='x86_64'>hvm</type></os><devices/></domain>", i, i);
        assert_non_null(dom = virDomainDefineXML(c->conn, xml));
        assert_int_equal(virDomainSetAutostart(dom, 1), 0);
        virDomainFree(dom);
    }
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    {
        size_t n = 0;
        for (size_t i = 0; i < l.n; i++)
            n += l.items[i].vm && strcmp(l.items[i].vm, "float-b") == 0 &&
                 strcmp(l.items[i].topic, "cpu-pin") == 0;
        assert_int_equal(n, 4);
    }
    expect_summary(&l, "cpu-pin", "float-b", "vCPU 0 pinned to CPUs 6-7, including CPU 6, where "
                                             "crowd-0's vCPU 0 is pinned");
    expect_summary(&l, "cpu-pin", "float-b",
                   "threads pinned where the dedicated vCPUs of 2 more VMs are pinned");
    a = find(&l, "cpu-pin", "float-b", "2 more VMs");
    assert_string_equal(a->evidence, "crowd-3, crowd-4");
    expect_summary(&l, "cpu-pin", "crowd-0",
                   "threads pinned where the dedicated vCPUs of 1 more VM are pinned");
    vt_advice_list_clear(&l);
    placement_close(c);
}

/* issue 15 item 2 (c): a hugepage-backed VM judged by the pools of the
   nodes its numatune or its cells' memnodes bind it to, a running one
   counting the pages it holds there; named: the node, its free pages,
   what it needs */
static void test_hugepages_nodes(void **state)
{
    vt_conn *c = placement_open();
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    /* runs on node 0's pages, bound to node 1 */
    expect_summary(&l, "hugepages", "hp-moved",
                   "its 2M page pool on node 1 holds 256 for it, it needs 512: it would not "
                   "start again");
    a = find(&l, "hugepages", "hp-moved", "");
    assert_string_equal(a->evidence, "needs 512 x 2M on node 1 (numatune nodeset); pool holds 256 "
                                     "on node 1 for it: 256 free + 0 of its own; it holds 512 x 2M "
                                     "on node 0, outside them");
    assert_string_equal(a->fix, "host hugepages 2M 512 node 1\n");
    /* cell 1 alone does not fit on its node; cell 0 fits on node 0 */
    expect_summary(&l, "hugepages", "hp-cells",
                   "its 2M page pool cannot hold guest cell 1: node 1 has 256 free, the VM "
                   "needs 512");
    a = find(&l, "hugepages", "hp-cells", "");
    assert_string_equal(a->evidence, "needs 512 pages of 2M on node 1 (the memnode of cell 1), 256 "
                                     "free there");
    assert_null(find(&l, "hugepages", "hp-cells", "cell 0"));
    /* its own 512 pages on node 0 count for hp-home; preferred falls
       back to node 0's free pages */
    assert_null(find(&l, "hugepages", "hp-home", ""));
    assert_null(find(&l, "hugepages", "hp-preferred", ""));
    vt_advice_list_clear(&l);
    placement_close(c);
}

/* issue 15 item 2 (d): memnodes outside a strict numatune's nodeset; the
   fix is a numatune whose edit moves them in (or, for cells bound one per
   node, takes their nodes in), and applied, the finding goes; interleave
   does not confine them, and the layouts of layouts.xml have none */
static void test_memnodes(void **state)
{
    vt_conn *c = placement_open();
    vt_advice_list l = { 0 };
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_buf plan = { 0 };
    const vt_advice *a;
    char log[64];

    (void)state;
    snprintf(log, sizeof(log), "/tmp/vt-advisor-memnodes-%d.log", (int)getpid());
    vt_advise(c, NULL, &l);
    expect_summary(&l, "numa", "mn-stale", "guest cell 0 bound to node 0, outside numatune strict 1");
    a = find(&l, "numa", "mn-stale", "guest cell");
    assert_string_equal(a->evidence, "<memory mode='strict' nodeset='1'/>; "
                                     "<memnode cellid='0' mode='strict' nodeset='0'/>");
    assert_string_equal(a->fix, "vm mn-stale numatune strict 1 config\n");
    vt_buf_add(&plan, a->fix);
    expect_summary(&l, "numa", "mn-cells-narrow",
                   "guest cell 0 bound to node 0, outside numatune strict 1");
    a = find(&l, "numa", "mn-cells-narrow", "guest cell");
    assert_string_equal(a->fix, "vm mn-cells-narrow numatune strict 0-1 config\n");
    vt_buf_add(&plan, a->fix);
    assert_null(find(&l, "numa", "mn-interleave", ""));
    assert_null(find(&l, "numa", "hp-cells", "guest cell"));
    if (vt_plan_parse(plan.buf, &cs, &err) < 0 || vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0 ||
        vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("the fixes: %s\n%s", err.msg, plan.buf);
    vt_advice_list_clear(&l);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    assert_null(find(&l, "numa", "mn-stale", "guest cell"));
    assert_null(find(&l, "numa", "mn-cells-narrow", "guest cell"));
    unlink(log);
    vt_buf_free(&plan);
    vt_changeset_clear(&cs);
    vt_applyplan_clear(&ap);
    vt_advice_list_clear(&l);
    placement_close(c);

    c = layouts_open();
    vt_advise(c, NULL, &l);
    for (size_t i = 0; i < l.n; i++)
        if (strstr(l.items[i].summary, "outside numatune")) {
            dump(&l);
            fail_msg("%s: %s", l.items[i].vm, l.items[i].summary);
        }
    vt_advice_list_clear(&l);
    layouts_close(c);
}

/* the layouts of layouts.xml are NUMA designs: none of them is a pin
   finding (interleave-pinned has dedicated vCPUs, alone on its CPUs) */
static void test_pins_layouts_quiet(void **state)
{
    vt_conn *c = layouts_open();
    vt_advice_list l = { 0 };

    (void)state;
    vt_advise(c, NULL, &l);
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.items[i].topic, "cpu-pin") == 0 || strstr(l.items[i].summary, " pinned to ")) {
            dump(&l);
            fail_msg("%s: %s", l.items[i].vm, l.items[i].summary);
        }
    vt_advice_list_clear(&l);
    layouts_close(c);
}

/* issue 15 item 4: web-02's seclabel fix applied to its config while it
 * runs: the running VM still shares web-03's categories, so the finding
 * stays, said to be fixed at the next start, with no fix offered again,
 * not counted in the exit status or the list's !N; the JSON says so */
static void test_pending_restart(void **state)
{
    vt_err err = { { 0 } };
    vt_demo *demo = vt_demo_setup(vt_demo_datadir(), &err);
    vt_conn_opts o = { 0 };
    vt_advice_list l = { 0 };
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_advice one;
    const vt_advice *a;
    vt_conn *c;
    size_t before;
    char log[64], *buf = NULL, *t;
    size_t len = 0;
    FILE *f;
    json_object *root, *arr, *v;
    bool seen = false;

    (void)state;
    if (!demo)
        fail_msg("demo: %s", err.msg);
    snprintf(log, sizeof(log), "/tmp/vt-advisor-pending-%d.log", (int)getpid());
    o.uri = demo->uri;
    o.sysfs_root = demo->sysfs_root;
    o.procfs_root = demo->procfs_root;
    o.etc_root = demo->etc_root;
    if (!(c = vt_conn_open(&o, &err)))
        fail_msg("open: %s", err.msg);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    a = find(&l, "svirt", "web-02", "same MCS categories");
    assert_non_null(a);
    assert_false(a->pending_restart);
    assert_non_null(a->fix);
    before = vt_advice_count_vm(&l, "web-02");
    if (vt_plan_parse(a->fix, &cs, &err) < 0 || vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0 ||
        vt_apply_run(c, &ap, log, NULL, NULL, &err) < 0)
        fail_msg("the fix: %s", err.msg);
    vt_advice_list_clear(&l);
    assert_int_equal(vt_conn_refresh(c), 0);
    vt_advise(c, NULL, &l);
    a = find(&l, "svirt", "web-02", "same MCS categories");
    if (!a) {
        dump(&l);
        fail_msg("the finding went although web-02 still runs with the shared label");
    }
    assert_true(a->pending_restart);
    assert_null(a->fix);
    assert_int_equal(vt_advice_count_vm(&l, "web-02"), before - 1);
    /* alone, a pending failure leaves the exit status at 0 */
    one = *a;
    assert_int_equal(vt_advice_exit_code(&(vt_advice_list){ .items = &one, .n = 1 }), 0);
    one.pending_restart = false;
    assert_int_equal(vt_advice_exit_code(&(vt_advice_list){ .items = &one, .n = 1 }), 2);
    t = vt_advice_text(&l);
    assert_non_null(strstr(t, "web-02: same MCS categories c10,c20 as web-03: they can open each "
                              "other's files (fixed in config, at next start)\n"));
    assert_null(strstr(t, "fix: vm web-02 seclabel"));
    free(t);
    f = open_memstream(&buf, &len);
    vt_advice_json_write(&l, f);
    fclose(f);
    root = json_tokener_parse(buf);
    assert_non_null(root);
    assert_true(json_object_object_get_ex(root, "findings", &arr));
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *it = json_object_array_get_idx(arr, i), *vm, *sum;
        assert_true(json_object_object_get_ex(it, "pending_restart", &v));
        if (json_object_object_get_ex(it, "vm", &vm) && vm &&
            strcmp(json_object_get_string(vm), "web-02") == 0 &&
            json_object_object_get_ex(it, "summary", &sum) &&
            strstr(json_object_get_string(sum), "same MCS")) {
            assert_true(json_object_get_boolean(v));
            seen = true;
        }
    }
    assert_true(seen);
    json_object_put(root);
    free(buf);
    unlink(log);
    vt_changeset_clear(&cs);
    vt_applyplan_clear(&ap);
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    vt_demo_free(demo);
}

/* issue 15: on the demo, the advisor's fix for legacy-ftp's type='none'
 * applies, and the finding is gone from the definition afterwards (the
 * running VM keeps its label until its next start). */
static void test_demo_svirt_fix(void **state)
{
    vt_err err = { { 0 } };
    vt_demo *demo = vt_demo_setup(vt_demo_datadir(), &err);
    vt_conn_opts o = { 0 };
    vt_conn *c;
    vt_advice_list l = { 0 };
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    const vt_advice *a;
    const vt_domain *d;

    (void)state;
    if (!demo)
        fail_msg("demo: %s", err.msg);
    o.uri = demo->uri;
    o.sysfs_root = demo->sysfs_root;
    o.procfs_root = demo->procfs_root;
    o.etc_root = demo->etc_root;
    c = vt_conn_open(&o, &err);
    if (!c || vt_conn_refresh(c) < 0)
        fail_msg("demo open: %s", c ? c->err.msg : err.msg);
    vt_advise(c, NULL, &l);
    a = find(&l, "svirt", "legacy-ftp", "type='none'");
    assert_non_null(a);
    assert_non_null(a->fix);
    if (vt_plan_parse(a->fix, &cs, &err) < 0 || vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0)
        fail_msg("%s: %s", a->fix, err.msg);
    assert_int_equal(ap.nsteps, 1);
    assert_non_null(strstr(ap.steps[0].validation, "validated: domain schema and libvirt's parser"));
    if (vt_apply_run(c, &ap, demo->log_path, NULL, NULL, &err) < 0)
        fail_msg("apply %s: %s", a->fix, err.msg);
    vt_advice_list_clear(&l);
    assert_int_equal(vt_conn_refresh(c), 0);
    d = vt_conn_find_name(c, "legacy-ftp");
    assert_non_null(d);
    assert_null(strstr(d->config_xml, "type='none'"));
    vt_advise(c, NULL, &l);
    /* legacy-ftp runs: what is left is the running label, pending */
    a = find(&l, "svirt", "legacy-ftp", "type='none'");
    assert_true(!a || (a->pending_restart && !a->fix));
    vt_advice_list_clear(&l);
    vt_applyplan_clear(&ap);
    vt_changeset_clear(&cs);
    vt_conn_free(c);
    vt_demo_free(demo);
}

/* ---- issue 15 item 7: the vhost, multiqueue and disk-cache fixes ---- */

static vt_conn *demo_open(vt_demo **demo)
{
    vt_err err = { { 0 } };
    vt_conn_opts o = { 0 };
    vt_conn *c;

    if (!(*demo = vt_demo_setup(vt_demo_datadir(), &err)))
        fail_msg("demo: %s", err.msg);
    o.uri = (*demo)->uri;
    o.sysfs_root = (*demo)->sysfs_root;
    o.procfs_root = (*demo)->procfs_root;
    o.etc_root = (*demo)->etc_root;
    c = vt_conn_open(&o, &err);
    if (!c || vt_conn_refresh(c) < 0)
        fail_msg("demo open: %s", c ? c->err.msg : err.msg);
    return c;
}

static bool nic_disk_topic(const char *topic)
{
    return strcmp(topic, "vhost") == 0 || strcmp(topic, "multiqueue") == 0 ||
           strcmp(topic, "disk-cache") == 0;
}

static const vt_advice *same_finding(const vt_advice_list *l, const vt_advice *a)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].topic, a->topic) == 0 &&
            (l->items[i].vm && a->vm ? strcmp(l->items[i].vm, a->vm) == 0
                                     : !l->items[i].vm && !a->vm) &&
            strcmp(l->items[i].summary, a->summary) == 0)
            return &l->items[i];
    return NULL;
}

/* Each fix alone, on the demo (one connection, so they add up): it
 * prepares into one validated define, applies, and afterwards its finding
 * is gone (a shut-off VM) or pending restart without a fix (a running one);
 * nothing appears that was not there before. */
static void test_nic_disk_fixes(void **state)
{
    vt_demo *demo;
    vt_conn *c = demo_open(&demo);
    vt_advice_list before = { 0 };
    size_t seen[3] = { 0 }, total = 0;
    char **fixes = NULL, **vms = NULL, **topics = NULL, **summaries = NULL;

    (void)state;
    vt_advise(c, NULL, &before);
    for (size_t i = 0; i < before.n; i++) {
        const vt_advice *a = &before.items[i];
        if (!a->vm || !nic_disk_topic(a->topic) || a->pending_restart)
            continue;
        if (!a->fix)
            fail_msg("%s %s: %s has no fix", a->topic, a->vm, a->summary);
        fixes = vt_realloc(fixes, (total + 1) * sizeof(char *));
        vms = vt_realloc(vms, (total + 1) * sizeof(char *));
        topics = vt_realloc(topics, (total + 1) * sizeof(char *));
        summaries = vt_realloc(summaries, (total + 1) * sizeof(char *));
        fixes[total] = vt_strdup(a->fix);
        vms[total] = vt_strdup(a->vm);
        topics[total] = vt_strdup(a->topic);
        summaries[total] = vt_strdup(a->summary);
        total++;
        seen[strcmp(a->topic, "vhost") == 0 ? 0 : strcmp(a->topic, "multiqueue") == 0 ? 1 : 2]++;
    }
    /* the demo has each kind, so the loop below cannot pass on nothing */
    assert_true(seen[0] >= 1 && seen[1] >= 2 && seen[2] >= 2);

    for (size_t k = 0; k < total; k++) {
        vt_advice_list prev = { 0 }, after = { 0 };
        vt_changeset cs = { 0 };
        vt_applyplan ap = { 0 };
        vt_err err = { { 0 } };
        vt_advice want = { .vm = vms[k], .summary = summaries[k] };
        const vt_advice *a;
        const vt_domain *d = vt_conn_find_name(c, vms[k]);

        snprintf(want.topic, sizeof(want.topic), "%s", topics[k]);
        assert_non_null(d);
        vt_advise(c, NULL, &prev);
        if (vt_plan_parse(fixes[k], &cs, &err) < 0 || vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0)
            fail_msg("%s: %s", fixes[k], err.msg);
        assert_int_equal(ap.nsteps, 1);
        assert_int_equal(ap.steps[0].kind, VT_STEP_DEFINE);
        assert_int_equal(ap.steps[0].effect,
                         vt_domain_active(d) ? VT_EFFECT_NEEDS_RESTART : VT_EFFECT_NEXT_START);
        if (!strstr(ap.steps[0].validation, "validated: domain schema and libvirt's parser"))
            fail_msg("%s: %s", fixes[k], ap.steps[0].validation);
        if (vt_apply_run(c, &ap, demo->log_path, NULL, NULL, &err) < 0)
            fail_msg("apply %s: %s", fixes[k], err.msg);
        assert_int_equal(vt_conn_refresh(c), 0);
        d = vt_conn_find_name(c, vms[k]);
        vt_advise(c, NULL, &after);
        a = same_finding(&after, &want);
        if (vt_domain_active(d)) {
            if (!a || !a->pending_restart || a->fix) {
                dump(&after);
                fail_msg("%s: %s %s is not pending restart", fixes[k], vms[k], summaries[k]);
            }
        } else if (a) {
            dump(&after);
            fail_msg("%s: %s %s is still there", fixes[k], vms[k], summaries[k]);
        }
        /* nothing new: every finding now was there before the fix */
        for (size_t i = 0; i < after.n; i++)
            if (!same_finding(&prev, &after.items[i]))
                fail_msg("%s introduced: %s %s: %s", fixes[k], after.items[i].topic,
                         after.items[i].vm ? after.items[i].vm : "host", after.items[i].summary);
        vt_advice_list_clear(&prev);
        vt_advice_list_clear(&after);
        vt_applyplan_clear(&ap);
        vt_changeset_clear(&cs);
    }
    for (size_t k = 0; k < total; k++) {
        free(fixes[k]);
        free(vms[k]);
        free(topics[k]);
        free(summaries[k]);
    }
    free(fixes);
    free(vms);
    free(topics);
    free(summaries);
    vt_advice_list_clear(&before);
    vt_conn_free(c);
    vt_demo_free(demo);
}

/* the fixes' lines, and no vhost fix where the host lacks vhost_net:
 * name='vhost' would keep the VM from starting there */
static void test_nic_disk_fix_lines(void **state)
{
    vt_demo *demo;
    vt_conn *c = demo_open(&demo);
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    a = find(&l, "vhost", "dev-sandbox", "does not use vhost");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm dev-sandbox nic 52:54:00:0f:69:7b driver vhost\n");
    /* queues = vCPUs: 8 queues for 2 vCPUs come down, 1 for 4 goes up */
    a = find(&l, "multiqueue", "lb-01", "8 queues for 2 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm lb-01 nic 52:54:00:77:00:b8 queues 2\n");
    a = find(&l, "multiqueue", "mq-broker", "one queue for 4 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm mq-broker nic 52:54:00:df:f8:83 queues 4\n");
    a = find(&l, "disk-cache", "build-runner", "disk vda");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm build-runner disk vda cache none io native\n");
    vt_advice_list_clear(&l);

    c->host.vhost_net_loaded = false;
    vt_advise(c, NULL, &l);
    a = find(&l, "vhost", "dev-sandbox", "does not use vhost");
    assert_non_null(a);
    assert_null(a->fix);
    assert_non_null(strstr(a->evidence, "modprobe vhost_net"));
    /* the host finding stays without a fix */
    a = find(&l, "vhost", NULL, "vhost_net is not loaded");
    assert_non_null(a);
    assert_null(a->fix);
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    vt_demo_free(demo);
}

/* more than 16 vCPUs: the fix stops at the guide's 16 queues */
static void test_multiqueue_cap(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_advice_list l = { 0 };
    vt_domain *d = vt_conn_find_name(c, "alpha");
    unsigned vcpus, queues;
    const vt_advice *a;

    (void)state;
    assert_non_null(d);
    assert_int_equal(d->config->nnics, 1);
    vcpus = d->config->vcpus;
    queues = d->config->nics[0].queues;
    d->config->vcpus = 24;
    d->config->nics[0].queues = 0;
    vt_advise(c, NULL, &l);
    a = find(&l, "multiqueue", "alpha", "one queue for 24 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm alpha nic 52:54:00:00:00:01 queues 16\n");
    vt_advice_list_clear(&l);
    d->config->nics[0].queues = 20;
    vt_advise(c, NULL, &l);
    a = find(&l, "multiqueue", "alpha", "20 queues for 24 vCPUs");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm alpha nic 52:54:00:00:00:01 queues 16\n");
    vt_advice_list_clear(&l);
    /* user networking takes one queue: the finding, no fix */
    {
        char *type = d->config->nics[0].type;
        d->config->nics[0].type = "user";
        d->config->nics[0].queues = 0;
        vt_advise(c, NULL, &l);
        d->config->nics[0].type = type;
        a = find(&l, "multiqueue", "alpha", "one queue for 24 vCPUs");
        assert_non_null(a);
        assert_null(a->fix);
        assert_non_null(strstr(a->evidence, "an interface of type user has one queue only"));
        vt_advice_list_clear(&l);
    }
    d->config->vcpus = vcpus;
    d->config->nics[0].queues = queues;
    vt_conn_free(c);
}

/* ---- issue 17: SR-IOV and vhost_net ---- */

static vt_conn *open_on(const char *xml, const char *sys, const char *etc)
{
    char uri[512];
    vt_conn_opts o = { .uri = uri, .sysfs_root = sys, .procfs_root = VT_TEST_DATA "/proc",
                       .etc_root = etc };
    vt_err err = { { 0 } };
    vt_conn *c;

    snprintf(uri, sizeof(uri), "test://%s/%s", VT_TEST_DATA, xml);
    if (!(c = vt_conn_open(&o, &err)) || vt_conn_refresh(c) < 0)
        fail_msg("open %s: %s", xml, c ? c->err.msg : err.msg);
    return c;
}

/* the RHEL guide: a vNIC on a bridge over an SR-IOV NIC with free VFs
 * could have a VF; info, no fix (which VF, and giving up migration, is
 * the admin's choice); the VMs that hold VFs get nothing */
static void test_sriov_info(void **state)
{
    vt_conn *c = open_on("sriov.xml", VT_TEST_DATA "/sysfs", NULL);
    vt_advice_list l = { 0 };
    const vt_advice *a;

    (void)state;
    vt_advise(c, NULL, &l);
    a = find(&l, "sriov", "bridged", "virtio NIC 52:54:00:00:10:03 sits on SR-IOV NIC enp3s0f0, "
                                     "which has 1 free VF");
    if (!a) {
        dump(&l);
        fail_msg("no sriov finding for bridged");
    }
    assert_int_equal(a->sev, VT_SEV_INFO);
    assert_null(a->fix);
    assert_non_null(strstr(a->evidence, "<interface type='bridge'> on br0; enp3s0f0 is a port of it "
                                        "(brif/enp3s0f0)"));
    assert_non_null(strstr(a->evidence, "sriov_numvfs 3 of 8, 1 free"));
    assert_non_null(strstr(a->why, "SR-IOV"));
    assert_null(find(&l, "sriov", "vf-guest", ""));
    assert_null(find(&l, "sriov", "pooled", ""));
    /* vhost_net is loaded in the fixture: the userspace NIC gets its fix */
    a = find(&l, "vhost", "bridged", "does not use vhost");
    assert_non_null(a);
    assert_string_equal(a->fix, "vm bridged nic 52:54:00:00:10:03 driver vhost\n");
    assert_null(find(&l, "vhost", NULL, "vhost_net is not loaded"));
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    /* node.xml has no VM on br0: quiet */
    c = fixture_open(NULL, NULL, true);
    vt_advise(c, NULL, &l);
    assert_null(find(&l, "sriov", "alpha", ""));
    vt_advice_list_clear(&l);
    vt_conn_free(c);
}

/* no vhost_net: the host finding gets the module fix where a modprobe
 * can run, none where it cannot; the VM's driver fix waits for it, and
 * the what-if of the module line brings it */
static void test_vhost_module_fix(void **state)
{
    char tmp[] = "/tmp/vt-adv-vhost-XXXXXX", sys[64], mod[128], prog[64], etc[64];
    vt_advice_list l = { 0 };
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    const vt_advice *a;
    vt_conn *c;
    bool resolves = false;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(tmp));
    snprintf(sys, sizeof(sys), "%s/sys", tmp);
    snprintf(mod, sizeof(mod), "%s/module/vhost_net", sys);
    snprintf(prog, sizeof(prog), "%s/modprobe", tmp);
    snprintf(etc, sizeof(etc), "%s/etc", tmp);
    assert_int_equal(vt_copy_tree(VT_TEST_DATA "/sysfs", sys, &err), 0);
    assert_int_equal(vt_remove_tree(mod), 0);
    assert_non_null(f = fopen(prog, "w"));
    fputs("#!/bin/sh\nexit 0\n", f);
    fclose(f);
    assert_int_equal(chmod(prog, 0755), 0);

    setenv("VT_MODPROBE", prog, 1);
    c = open_on("sriov.xml", sys, etc);
    vt_advise(c, NULL, &l);
    a = find(&l, "vhost", NULL, "vhost_net is not loaded");
    assert_non_null(a);
    assert_string_equal(a->fix, "host module vhost_net load persist\n");
    a = find(&l, "vhost", "bridged", "does not use vhost");
    assert_non_null(a);
    assert_null(a->fix);
    assert_non_null(strstr(a->evidence, "the host has no vhost_net loaded"));
    if (vt_plan_parse("host module vhost_net load persist\n", &cs, &err) < 0 ||
        vt_apply_prepare(c, &cs, NULL, &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_true(ap.judged.judged);
    for (size_t i = 0; i < ap.judged.nverdicts; i++)
        resolves |= ap.judged.verdicts[i].kind == VT_VERDICT_RESOLVES &&
                    strstr(ap.judged.verdicts[i].text, "vhost host: vhost_net is not loaded");
    assert_true(resolves);
    vt_applyplan_clear(&ap);
    vt_changeset_clear(&cs);
    vt_advice_list_clear(&l);
    vt_conn_free(c);

    setenv("VT_MODPROBE", "/nonexistent/modprobe", 1);
    c = open_on("sriov.xml", sys, etc);
    vt_advise(c, NULL, &l);
    a = find(&l, "vhost", NULL, "vhost_net is not loaded");
    assert_non_null(a);
    assert_null(a->fix);
    assert_non_null(strstr(a->evidence, "no modprobe on this host"));
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    unsetenv("VT_MODPROBE");
    vt_remove_tree(tmp);
}

/* issue 17: qemu.conf's seccomp_sandbox below a scratch etc root, and
   each running QEMU's -sandbox on a scratch procfs copy where beta's
   QEMU was started without it */
static void test_sandbox(void **state)
{
    char tmp[64], etc[128], proc[128], path[256];
    static const char beta[] = "/usr/bin/qemu-system-x86_64\0-name\0guest=beta\0"
                               "-uuid\00011111111-2222-3333-4444-000000000002\0";
    vt_err err = { { 0 } };
    vt_advice_list l = { 0 };
    const vt_advice *a;
    vt_conn *c;
    FILE *f;

    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/vt-sandbox-XXXXXX");
    if (!mkdtemp(tmp))
        fail_msg("mkdtemp");
    snprintf(etc, sizeof(etc), "%s/etc", tmp);
    snprintf(proc, sizeof(proc), "%s/proc", tmp);
    snprintf(path, sizeof(path), "%s/libvirt/qemu.conf", etc);
    vt_mkdirs_for(path, 0755);
    if (vt_copy_tree(VT_TEST_DATA "/proc", proc, &err) < 0)
        fail_msg("%s", err.msg);
    snprintf(path, sizeof(path), "%s/2002/cmdline", proc);
    f = fopen(path, "w");
    assert_non_null(f);
    fwrite(beta, 1, sizeof(beta) - 1, f);
    fclose(f);

    /* conf on (commented out: libvirt's default): beta needs a restart */
    put(etc, "libvirt/qemu.conf", "#seccomp_sandbox = 1\n");
    {
        vt_conn_opts o = { .uri = "test://" VT_TEST_DATA "/node.xml", .sysfs_root = VT_TEST_DATA "/sysfs",
                           .procfs_root = proc, .etc_root = etc };
        if (!(c = vt_conn_open(&o, &err)) || vt_conn_refresh(c) < 0)
            fail_msg("open: %s", c ? c->err.msg : err.msg);
    }
    assert_int_equal(c->qemu_conf.seccomp_sandbox, 1);
    assert_int_equal(vt_conn_find_name(c, "alpha")->sandbox, 1);
    assert_int_equal(vt_conn_find_name(c, "beta")->sandbox, 0);
    vt_advise(c, NULL, &l);
    a = find(&l, "sandbox", "beta", "without its seccomp sandbox");
    if (!a) {
        dump(&l);
        fail_msg("no sandbox finding for beta");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    assert_null(a->fix);
    assert_true(a->pending_restart);     /* qemu.conf is fixed: at the VM's next start */
    assert_non_null(strstr(a->evidence, "started before the change"));
    assert_non_null(strstr(a->evidence, "restart"));
    assert_non_null(strstr(a->evidence, "qemu.conf"));
    assert_non_null(strstr(a->why, "SELinux and sVirt"));
    assert_null(find(&l, "sandbox", "alpha", ""));
    assert_null(find(&l, "sandbox", NULL, ""));
    /* the test driver is in-process: nothing crosses a network */
    assert_null(find(&l, "transport", NULL, ""));
    vt_advice_list_clear(&l);

    /* conf off: one host finding naming the file, line and the VM without it */
    put(etc, "libvirt/qemu.conf", "# local\nseccomp_sandbox = 0\n");
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->qemu_conf.seccomp_sandbox, 0);
    vt_advise(c, NULL, &l);
    a = find(&l, "sandbox", NULL, "seccomp_sandbox = 0");
    if (!a) {
        dump(&l);
        fail_msg("no host sandbox finding");
    }
    assert_int_equal(a->sev, VT_SEV_WARN);
    assert_null(a->fix);
    assert_non_null(strstr(a->evidence, "qemu.conf line 2"));
    assert_non_null(strstr(a->evidence, "beta"));
    assert_null(find(&l, "sandbox", "beta", ""));   /* one rule: the host's */
    vt_advice_list_clear(&l);
    vt_conn_free(c);
    vt_remove_tree(tmp);
}

static void test_transport_uri(void **state)
{
    (void)state;
    assert_string_equal(vt_uri_transport("qemu+tcp://127.0.0.1:16509/system"), "tcp");
    assert_string_equal(vt_uri_transport("qemu+ssh://root@h/system"), "ssh");
    assert_string_equal(vt_uri_transport("qemu+libssh://h/system"), "libssh");
    assert_string_equal(vt_uri_transport("qemu+tls://h/system"), "tls");
    assert_string_equal(vt_uri_transport("qemu://h/system"), "tls");
    assert_string_equal(vt_uri_transport("qemu:///system"), "unix");
    assert_string_equal(vt_uri_transport("qemu+unix:///system?socket=/x"), "unix");
    assert_string_equal(vt_uri_transport("test:///default"), "unix");
    assert_string_equal(vt_uri_transport(NULL), "unix");
    assert_int_equal(vt_uri_transport_secure("qemu+tcp://h/system", 0), 0);
    assert_int_equal(vt_uri_transport_secure("qemu+tcp://h/system", 1), 1);   /* SASL layer */
    assert_int_equal(vt_uri_transport_secure("qemu+tcp://h/system", -1), -1);
    assert_int_equal(vt_uri_transport_secure("qemu+ssh://h/system", 0), 1);
    assert_int_equal(vt_uri_transport_secure("qemu+unix:///system", 0), 1);
    assert_int_equal(vt_uri_transport_secure("qemu+ext:///system?command=x", 0), -1);
}

/* issue 17: a running vhost virtio NIC whose tap batches nothing. The
 * test driver makes no taps (its testnet0 is not on the host): quiet until
 * the snapshot has the kernel's word on the tap; the what-if models its
 * fix (the ioctl as <coalesce> in the running definition), and with that
 * the finding is gone. */
static void test_coalesce(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_advice_list l = { 0 };
    vt_domain *d = vt_conn_find_name(c, "alpha");
    vt_changeset cs = { 0 };
    vt_judgement j = { 0 };
    const vt_advice *a;
    vt_err err = { { 0 } };

    (void)state;
    assert_non_null(d);
    vt_advise(c, NULL, &l);
    assert_null(find(&l, "coalesce", "alpha", ""));
    vt_advice_list_clear(&l);

    assert_int_equal(d->nnichost, 1);
    assert_false(d->nichost[0].has_coalesce);
    free(d->nichost[0].dev);
    d->nichost[0].dev = vt_strdup("vnet7");
    d->nichost[0].has_coalesce = true;
    vt_advise(c, NULL, &l);
    a = find(&l, "coalesce", "alpha", "virtio NIC 52:54:00:00:00:01: its tap vnet7 batches no "
             "packets (rx-frames 0)");
    if (!a)
        dump(&l);
    assert_non_null(a);
    assert_int_equal(a->sev, VT_SEV_INFO);
    assert_string_equal(a->evidence, "tap vnet7 rx-frames 0; no <coalesce> in the running "
                        "definition");
    assert_string_equal(a->fix, "vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 64\n");
    if (vt_plan_parse(a->fix, &cs, &err) < 0)
        fail_msg("%s", err.msg);
    vt_whatif_judge(c, &cs, &j);
    if (!j.judged)
        fail_msg("not judged: %s", j.why);
    /* the what-if counts warnings and failures only; that it modelled the
       edit is what is checked here, and the running definition with the
       <coalesce> it writes is quiet below */
    assert_int_equal(j.new_failures, 0);
    assert_int_equal(j.new_warnings, 0);
    vt_judgement_clear(&j);
    vt_changeset_clear(&cs);
    vt_advice_list_clear(&l);

    /* batching on the tap, or in the running definition, or no vhost: quiet */
    d->nichost[0].co.rx_frames = 64;
    vt_advise(c, NULL, &l);
    assert_null(find(&l, "coalesce", "alpha", ""));
    vt_advice_list_clear(&l);
    d->nichost[0].co.rx_frames = 0;
    d->live->nics[0].coalesce_rx_frames = 32;
    vt_advise(c, NULL, &l);
    assert_null(find(&l, "coalesce", "alpha", ""));
    vt_advice_list_clear(&l);
    d->live->nics[0].coalesce_rx_frames = -1;
    {
        char *drv = d->live->nics[0].driver_name;
        d->live->nics[0].driver_name = "qemu";
        vt_advise(c, NULL, &l);
        d->live->nics[0].driver_name = drv;
        assert_null(find(&l, "coalesce", "alpha", ""));
        vt_advice_list_clear(&l);
    }
    vt_conn_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_demo_svirt_fix),
        cmocka_unit_test(test_fix_applies),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_demo_facts),
        cmocka_unit_test(test_numa_deliberate),
        cmocka_unit_test(test_numa_still_warns),
        cmocka_unit_test(test_hugepages_running),
        cmocka_unit_test(test_pending_restart),
        cmocka_unit_test(test_pins),
        cmocka_unit_test(test_pins_layouts_quiet),
        cmocka_unit_test(test_hugepages_nodes),
        cmocka_unit_test(test_memnodes),
        cmocka_unit_test(test_nic_disk_fixes),
        cmocka_unit_test(test_nic_disk_fix_lines),
        cmocka_unit_test(test_multiqueue_cap),
        cmocka_unit_test(test_coalesce),
        cmocka_unit_test(test_sriov_info),
        cmocka_unit_test(test_vhost_module_fix),
        cmocka_unit_test(test_sandbox),
        cmocka_unit_test(test_transport_uri),
    };

    virSetErrorFunc(NULL, quiet);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
