/* The CPU map: where each VM's threads may run, by libvirt's rules, on the
 * demo host (its sysfs tree and the domains of data/demo/host.xml) and on
 * small hosts built here for the cases the demo does not have (offline
 * CPUs, a partial kworker mask, <vcpu cpuset=>, CPUs in no node). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumap.h"
#include "host.h"

#define MAXVMS 32

typedef struct demo {
    vt_host h;
    vt_domdef *defs[MAXVMS];
    vt_cpumap_vm vms[MAXVMS];
    size_t n;
} demo;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    vt_buf b = { 0 };
    char chunk[4096];
    size_t got;

    assert_non_null(f);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        vt_buf_addn(&b, chunk, got);
    fclose(f);
    return vt_buf_steal(&b);
}

/* Every <domain> of the demo's test-driver node file, parsed as the
 * console parses a domain's XML. */
static int demo_setup(void **state)
{
    demo *d = vt_calloc(1, sizeof(*d));
    char *xml = slurp(VT_SRCDATADIR "/demo/host.xml");
    const char *p = xml;
    vt_err err = { { 0 } };

    assert_int_equal(vt_host_read_sysfs(&d->h, VT_SRCDATADIR "/demo/sysfs", &err), 0);
    while ((p = strstr(p, "<domain ")) != NULL) {
        const char *end = strstr(p, "</domain>");
        char *one;

        assert_non_null(end);
        assert_true(d->n < MAXVMS);
        end += strlen("</domain>");
        one = vt_strndup(p, (size_t)(end - p));
        d->defs[d->n] = vt_domdef_parse(one, &err);
        assert_non_null(d->defs[d->n]);
        d->vms[d->n].name = d->defs[d->n]->name;
        d->vms[d->n].def = d->defs[d->n];
        d->n++;
        free(one);
        p = end;
    }
    free(xml);
    *state = d;
    return 0;
}

static int demo_teardown(void **state)
{
    demo *d = *state;
    size_t i;

    for (i = 0; i < d->n; i++)
        vt_domdef_free(d->defs[i]);
    vt_host_clear(&d->h);
    free(d);
    return 0;
}

static int vm_index(const demo *d, const char *name)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (strcmp(d->vms[i].name, name) == 0)
            return (int)i;
    fail_msg("no VM %s in the demo", name);
    return -1;
}

/* The demo: db-primary's vCPUs are pinned to 2-5, db-replica's to 10-13,
 * build-runner's everything to 8-9; the other VMs are unpinned. */
static void test_demo(void **state)
{
    demo *d = *state;
    int primary = vm_index(d, "db-primary"), replica = vm_index(d, "db-replica");
    int runner = vm_index(d, "build-runner"), web = vm_index(d, "web-01");
    vt_cpumap m;
    vt_err err = { { 0 } };
    char line[1024];
    unsigned c;

    assert_int_equal(d->h.ncpus, 16);
    assert_int_equal(vt_cpumap_build(&m, &d->h, d->vms, d->n, replica, &err), 0);
    assert_int_equal(m.ncpus, 16);
    assert_int_equal(m.nnodes, 2);
    assert_int_equal(m.nodes[0].id, 0);
    assert_int_equal(m.nodes[0].ncpus, 8);
    assert_int_equal(m.nodes[1].id, 1);
    assert_int_equal(m.nodes[1].cpus[0], 8);
    assert_int_equal(m.nodes[1].cpus[7], 15);

    for (c = 0; c < 16; c++) {
        unsigned p = vt_cpumap_vm_bits(&m, c, (size_t)primary);
        unsigned r = vt_cpumap_hand_bits(&m, c);
        unsigned b = vt_cpumap_vm_bits(&m, c, (size_t)runner);
        unsigned w = vt_cpumap_vm_bits(&m, c, (size_t)web);

        assert_true(vt_cpumap_online(&m, c));
        assert_true(vt_cpumap_kworker(&m, c));           /* demo mask ffff */
        assert_int_equal(vt_cpumap_node_of(&m, c), c < 8 ? 0 : 1);
        /* a pinned vCPU is on its pin and nowhere else */
        assert_int_equal(!!(p & VT_CPUMAP_VCPU), c >= 2 && c <= 5);
        assert_int_equal(!!(r & VT_CPUMAP_VCPU), c >= 10 && c <= 13);
        assert_int_equal(!!(p & VT_CPUMAP_EMULATOR), c == 6 || c == 7);
        assert_int_equal(!!(r & VT_CPUMAP_IOTHREAD), c == 14 || c == 15);
        assert_int_equal(b != 0, c == 8 || c == 9);
        /* the VM in hand is not among the others */
        assert_int_equal(vt_cpumap_vm_bits(&m, c, (size_t)replica), r);
        /* an unpinned VM may run everywhere, by the default only */
        assert_int_equal(w & (VT_CPUMAP_VCPU | VT_CPUMAP_VCPU_PINNED), VT_CPUMAP_VCPU);
        assert_int_equal(w & (VT_CPUMAP_EMULATOR | VT_CPUMAP_EMULATOR_PINNED), VT_CPUMAP_EMULATOR);
        /* so every CPU has other VMs' vCPUs, CPU 10 included */
        assert_true(vt_cpumap_other_bits(&m, c) & VT_CPUMAP_VCPU);
    }
    assert_int_equal(vt_cpumap_hand_bits(&m, 10), VT_CPUMAP_VCPU | VT_CPUMAP_VCPU_PINNED);
    assert_int_equal(vt_cpumap_vm_bits(&m, 6, (size_t)primary),
                     VT_CPUMAP_EMULATOR | VT_CPUMAP_EMULATOR_PINNED | VT_CPUMAP_IOTHREAD |
                     VT_CPUMAP_IOTHREAD_PINNED);
    /* web-01 has one unpinned IOThread: on every CPU */
    assert_int_equal(vt_cpumap_vm_bits(&m, 0, (size_t)web) & VT_CPUMAP_IOTHREAD, VT_CPUMAP_IOTHREAD);

    vt_cpumap_describe(&m, 14, line, sizeof(line));
    assert_non_null(strstr(line, "CPU 14 (node 1): emulator of db-replica; IOThread of db-replica; "
                                 "unpinned vCPU of "));
    assert_non_null(strstr(line, "; unpinned IOThread of "));
    assert_non_null(strstr(line, "web-01"));
    assert_null(strstr(line, "db-primary"));
    assert_non_null(strstr(line, "; kworkers allowed"));
    vt_cpumap_describe(&m, 2, line, sizeof(line));
    assert_non_null(strstr(line, "CPU 2 (node 0): vCPU of db-primary; unpinned vCPU of "));
    assert_null(strstr(line, "db-replica"));
    assert_null(strstr(line, "build-runner"));
    vt_cpumap_free(&m);

    /* no VM in hand (the host screen): everyone is "other" */
    assert_int_equal(vt_cpumap_build(&m, &d->h, d->vms, d->n, -1, &err), 0);
    assert_int_equal(m.in_hand, -1);
    assert_int_equal(vt_cpumap_hand_bits(&m, 10), 0);
    assert_true(vt_cpumap_other_bits(&m, 10) & VT_CPUMAP_VCPU_PINNED);
    assert_true(vt_cpumap_other_bits(&m, 3) & VT_CPUMAP_VCPU_PINNED);
    assert_false(vt_cpumap_other_bits(&m, 0) & VT_CPUMAP_VCPU_PINNED);
    vt_cpumap_free(&m);
}

/* ---- small hosts ------------------------------------------------------- */

static vt_domdef *parse(const char *xml)
{
    vt_err err = { { 0 } };
    vt_domdef *def = vt_domdef_parse(xml, &err);

    if (!def)
        fail_msg("%s", err.msg);
    return def;
}

/* 4 CPUs, node 0 = 0-1, node 1 = 2-3, CPU 3 offline, kworkers on 2-3 */
static void small_host(vt_host *h, vt_numa_node nodes[2])
{
    memset(h, 0, sizeof(*h));
    h->ncpus = 4;
    h->online_cpus = (char *)"0-2";
    h->workqueue_cpus = (char *)"2-3";
    nodes[0].id = 0;
    nodes[0].cpus = (char *)"0-1";
    nodes[1].id = 1;
    nodes[1].cpus = (char *)"2-3";
    h->nodes = nodes;
    h->nnodes = 2;
}

static void test_rules(void **state)
{
    vt_host h;
    vt_numa_node nodes[2];
    /* a: vCPU 0 pinned to 3, vCPU 1 unpinned inside <vcpu cpuset='1-2'>,
       emulator and IOThread unpinned: they follow the cpuset too */
    vt_domdef *a = parse("<domain type='kvm'><name>a</name>"
                         "<vcpu cpuset='1-2'>2</vcpu><iothreads>1</iothreads>"
                         "<cputune><vcpupin vcpu='0' cpuset='3'/></cputune></domain>");
    /* b: one unpinned vCPU on all CPUs, emulator pinned to 0 */
    vt_domdef *b = parse("<domain type='kvm'><name>b</name><vcpu>1</vcpu>"
                         "<cputune><emulatorpin cpuset='0'/></cputune></domain>");
    vt_cpumap_vm vms[] = { { "a", a }, { "b", b } };
    vt_cpumap m;
    vt_err err = { { 0 } };
    char line[256];
    size_t len;

    (void)state;
    small_host(&h, nodes);
    assert_int_equal(vt_cpumap_build(&m, &h, vms, 2, 0, &err), 0);

    assert_int_equal(vt_cpumap_vm_bits(&m, 3, 0), VT_CPUMAP_VCPU | VT_CPUMAP_VCPU_PINNED);
    assert_int_equal(vt_cpumap_vm_bits(&m, 0, 0), 0);
    assert_int_equal(vt_cpumap_vm_bits(&m, 1, 0), VT_CPUMAP_VCPU | VT_CPUMAP_EMULATOR | VT_CPUMAP_IOTHREAD);
    assert_int_equal(vt_cpumap_vm_bits(&m, 2, 0), VT_CPUMAP_VCPU | VT_CPUMAP_EMULATOR | VT_CPUMAP_IOTHREAD);
    for (unsigned c = 0; c < 4; c++)
        assert_int_equal(vt_cpumap_vm_bits(&m, c, 1) & VT_CPUMAP_VCPU, VT_CPUMAP_VCPU);
    assert_int_equal(vt_cpumap_vm_bits(&m, 0, 1) & VT_CPUMAP_EMULATOR, VT_CPUMAP_EMULATOR);
    assert_int_equal(vt_cpumap_vm_bits(&m, 1, 1) & VT_CPUMAP_EMULATOR, 0);
    assert_int_equal(vt_cpumap_other_bits(&m, 1), VT_CPUMAP_VCPU);
    assert_int_equal(vt_cpumap_hand_bits(&m, 1), vt_cpumap_vm_bits(&m, 1, 0));

    assert_false(vt_cpumap_online(&m, 3));
    assert_true(vt_cpumap_online(&m, 2));
    assert_false(vt_cpumap_kworker(&m, 1));
    assert_true(vt_cpumap_kworker(&m, 3));
    /* beyond the host: nothing */
    assert_false(vt_cpumap_online(&m, 4));
    assert_int_equal(vt_cpumap_node_of(&m, 4), -1);
    assert_int_equal(vt_cpumap_vm_bits(&m, 4, 0), 0);
    assert_int_equal(vt_cpumap_vm_bits(&m, 0, 2), 0);

    /* two VMs on one CPU: both named, the same words as everywhere */
    vt_cpumap_describe(&m, 3, line, sizeof(line));
    assert_string_equal(line, "CPU 3 (node 1): offline; vCPU of a; unpinned vCPU of b; kworkers allowed");
    vt_cpumap_describe(&m, 1, line, sizeof(line));
    assert_string_equal(line, "CPU 1 (node 0): unpinned vCPU of a, b; unpinned emulator of a; "
                              "unpinned IOThread of a; no kworkers");
    vt_cpumap_describe(&m, 0, line, sizeof(line));
    assert_string_equal(line, "CPU 0 (node 0): emulator of b; unpinned vCPU of b; no kworkers");
    /* snprintf-like: the whole length back, the buffer cut */
    len = vt_cpumap_describe(&m, 0, line, 8);
    assert_int_equal(len, strlen("CPU 0 (node 0): emulator of b; unpinned vCPU of b; no kworkers"));
    assert_string_equal(line, "CPU 0 (");
    assert_int_equal(vt_cpumap_describe(&m, 0, NULL, 0), len);
    vt_cpumap_describe(&m, 9, line, sizeof(line));
    assert_string_equal(line, "CPU 9: not on this host");
    vt_cpumap_free(&m);

    /* no VMs, no kworker mask known: neither is claimed */
    h.workqueue_cpus = NULL;
    assert_int_equal(vt_cpumap_build(&m, &h, NULL, 0, -1, &err), 0);
    vt_cpumap_describe(&m, 2, line, sizeof(line));
    assert_string_equal(line, "CPU 2 (node 1): no VM threads");
    assert_false(vt_cpumap_kworker(&m, 2));
    vt_cpumap_free(&m);
    vt_domdef_free(a);
    vt_domdef_free(b);
}

/* Only plugged vCPUs have threads; several IOThreads each go their way. */
static void test_vcpus_and_iothreads(void **state)
{
    vt_host h;
    vt_numa_node nodes[2];
    vt_domdef *d = parse("<domain type='kvm'><name>c</name>"
                         "<vcpu current='1'>2</vcpu><iothreads>2</iothreads>"
                         "<cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/>"
                         "<iothreadpin iothread='2' cpuset='2'/></cputune></domain>");
    vt_cpumap_vm vm = { "c", d };
    vt_cpumap m;

    (void)state;
    small_host(&h, nodes);
    assert_int_equal(vt_cpumap_build(&m, &h, &vm, 1, 0, NULL), 0);
    assert_int_equal(vt_cpumap_hand_bits(&m, 0) & VT_CPUMAP_VCPU, VT_CPUMAP_VCPU);
    assert_int_equal(vt_cpumap_hand_bits(&m, 1) & VT_CPUMAP_VCPU, 0);
    /* IOThread 1 unpinned: everywhere; IOThread 2 pinned: also on 2 */
    for (unsigned c = 0; c < 4; c++)
        assert_true(vt_cpumap_hand_bits(&m, c) & VT_CPUMAP_IOTHREAD);
    assert_int_equal(vt_cpumap_hand_bits(&m, 2) & VT_CPUMAP_IOTHREAD_PINNED, VT_CPUMAP_IOTHREAD_PINNED);
    assert_int_equal(vt_cpumap_hand_bits(&m, 3) & VT_CPUMAP_IOTHREAD_PINNED, 0);
    vt_cpumap_free(&m);
    vt_domdef_free(d);
}

static void test_nodes_and_errors(void **state)
{
    vt_host h;
    vt_numa_node nodes[2];
    vt_domdef *bad = parse("<domain type='kvm'><name>bad</name><vcpu>1</vcpu>"
                           "<cputune><emulatorpin cpuset='3-1'/></cputune></domain>");
    vt_cpumap_vm vm = { "bad", bad };
    vt_cpumap m;
    vt_err err = { { 0 } };
    char *s;

    (void)state;
    small_host(&h, nodes);
    /* CPUs no node holds are grouped last, as node -1 */
    h.ncpus = 6;
    h.online_cpus = NULL;
    assert_int_equal(vt_cpumap_build(&m, &h, NULL, 0, 5, &err), 0);
    assert_int_equal(m.in_hand, -1);                    /* out of range: none */
    assert_int_equal(m.nnodes, 3);
    assert_int_equal(m.nodes[2].id, -1);
    assert_int_equal(m.nodes[2].ncpus, 2);
    assert_int_equal(m.nodes[2].cpus[0], 4);
    assert_int_equal(vt_cpumap_node_of(&m, 5), -1);
    assert_true(vt_cpumap_online(&m, 5));               /* no online list: online */
    vt_cpumap_free(&m);

    /* no topology at all: one group of every CPU */
    h.nnodes = 0;
    assert_int_equal(vt_cpumap_build(&m, &h, NULL, 0, -1, &err), 0);
    assert_int_equal(m.nnodes, 1);
    assert_int_equal(m.nodes[0].ncpus, 6);
    vt_cpumap_free(&m);

    /* a pin that does not parse names the VM */
    h.nnodes = 2;
    assert_int_equal(vt_cpumap_build(&m, &h, &vm, 1, 0, &err), -1);
    assert_non_null(strstr(err.msg, "VM bad: emulator pin '3-1'"));
    vt_cpumap_free(&m);
    vt_cpumap_free(NULL);
    vt_domdef_free(bad);

    s = vt_cpumap_default_affinity(&h, NULL);
    assert_string_equal(s, "0-5");
    free(s);
    h.ncpus = 1;
    s = vt_cpumap_default_affinity(&h, NULL);
    assert_string_equal(s, "0");
    free(s);
    h.ncpus = 0;
    assert_null(vt_cpumap_default_affinity(&h, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_demo, demo_setup, demo_teardown),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_vcpus_and_iothreads),
        cmocka_unit_test(test_nodes_and_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
