/* Host facts from the sysfs fixture in tests/data/sysfs, and the cases
 * where a knob or the whole kvm module is missing. */
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

#include "caps.h"
#include "fsutil.h"
#include "host.h"
#include "sriov.h"

static void test_fixture(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, VT_TEST_DATA "/sysfs", &err), 0);
    assert_true(h.kvm_loaded);
    assert_true(h.halt_poll_ns.present);
    assert_true(h.halt_poll_ns.value == 400000);
    assert_true(h.halt_poll_ns_grow.value == 2);
    assert_true(h.halt_poll_ns_grow_start.value == 10000);
    assert_true(h.halt_poll_ns_shrink.present);
    assert_string_equal(h.workqueue_mask, "f0");
    assert_string_equal(h.workqueue_cpus, "4-7");
    assert_string_equal(h.workqueue_requested, "0-7");
    assert_string_equal(h.workqueue_isolated, "");
    assert_string_equal(h.thp_enabled, "madvise");
    assert_string_equal(h.thp_enabled_opts, "always madvise never");
    assert_string_equal(h.thp_defrag, "never");
    assert_int_equal(h.nnodes, 2);
    assert_string_equal(h.topology_source, "sysfs");
    assert_string_equal(h.nodes[1].cpus, "4-7");
    assert_true(h.nodes[0].memory_kib == 8388608);
    assert_int_equal(h.npools, 2);
    assert_true(h.pools[0].size_kib == 2048);
    assert_true(h.pools[0].nr == 1024 && h.pools[0].free == 512);
    assert_int_equal(h.pools[0].nnodes, 2);
    assert_true(h.pools[0].nodes[0].nr == 768 && h.pools[0].nodes[0].free == 256);
    assert_true(h.pools[1].size_kib == 1048576);
    assert_int_equal(h.ncpus, 8);
    assert_string_equal(h.online_cpus, "0-7");
    assert_int_equal(h.selinux, VT_SELINUX_PERMISSIVE);
    assert_true(h.vhost_net_loaded);
    vt_host_clear(&h);
}

/* A copy of the fixture with pieces removed. */
static char *scratch_copy(void)
{
    char *dir = vt_strdup("/tmp/vt-test-host.XXXXXX");
    char *sys;

    assert_non_null(mkdtemp(dir));
    sys = vt_asprintf("%s/sys", dir);
    assert_int_equal(vt_copy_tree(VT_TEST_DATA "/sysfs", sys, NULL), 0);
    free(sys);
    return dir;
}

static void test_missing(void **state)
{
    char *dir = scratch_copy();
    char *sys = vt_asprintf("%s/sys", dir);
    char *kvm = vt_asprintf("%s/module/kvm", sys);
    char *wq = vt_asprintf("%s/devices/virtual/workqueue/cpumask", sys);
    vt_host h = { 0 };

    (void)state;
    assert_int_equal(vt_remove_tree(kvm), 0);
    FILE *f = fopen(wq, "w");
    assert_non_null(f);
    fputs("0xzz\n", f);
    fclose(f);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_false(h.kvm_loaded);
    assert_false(h.halt_poll_ns.present);
    assert_string_equal(h.halt_poll_ns.why, "kvm module not loaded");
    assert_null(h.workqueue_cpus);
    assert_non_null(strstr(h.workqueue_why, "0xzz"));
    /* reading again after a clear gives the same, without leaks */
    vt_host_clear_sysfs(&h);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_false(h.kvm_loaded);
    vt_host_clear(&h);
    vt_remove_tree(dir);
    free(dir); free(sys); free(kvm); free(wq);
}

static void test_bad_root(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, "/nonexistent/sys", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/sys"));
    vt_host_clear(&h);
}

static void test_caps(void **state)
{
    vt_host h = { 0 };
    vt_err err = { { 0 } };
    const char *caps =
        "<capabilities><host><topology><cells num='2'>"
        "<cell id='0'><memory unit='KiB'>1024</memory><cpus num='2'>"
        "<cpu id='0'/><cpu id='1'/></cpus></cell>"
        "<cell id='1'><memory unit='GiB'>1</memory><cpus num='2'>"
        "<cpu id='3'/><cpu id='2'/></cpus></cell>"
        "</cells></topology></host></capabilities>";

    (void)state;
    assert_int_equal(vt_caps_parse_topology(caps, &h, &err), 0);
    assert_int_equal(h.nnodes, 2);
    assert_string_equal(h.nodes[0].cpus, "0-1");
    assert_string_equal(h.nodes[1].cpus, "2-3");
    assert_true(h.nodes[1].memory_kib == 1048576);
    assert_string_equal(h.topology_source, "capabilities");
    vt_host_clear(&h);
    /* no cells: nothing, no error */
    assert_int_equal(vt_caps_parse_topology("<capabilities><host><topology><cells num='0'/>"
                                            "</topology></host></capabilities>", &h, &err), 0);
    assert_int_equal(h.nnodes, 0);
    assert_int_equal(vt_caps_parse_topology("<capabilities>", &h, &err), -1);
    vt_host_clear(&h);
}

/* The PF of the fixture, laid out as the kernel does (class/net links
 * into the PCI device tree, virtfnN links, physfn back-links). */
static void test_sriov(void **state)
{
    vt_host h = { 0 };
    const vt_sriov_pf *pf;

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, VT_TEST_DATA "/sysfs", NULL), 0);
    assert_int_equal(h.nsriov, 1);
    pf = vt_host_sriov_pf(&h, "enp3s0f0");
    assert_non_null(pf);
    assert_null(vt_host_sriov_pf(&h, "br0"));
    assert_string_equal(pf->pci, "0000:03:00.0");
    assert_int_equal(pf->totalvfs, 8);
    assert_int_equal(pf->numvfs, 3);
    assert_string_equal(pf->bridge, "br0");
    assert_int_equal(pf->nvfs, 3);
    assert_string_equal(pf->vfs[0].pci, "0000:03:10.0");
    assert_null(pf->vfs[0].netdev);          /* given to a guest: no host netdev */
    assert_string_equal(pf->vfs[2].pci, "0000:03:10.4");
    assert_string_equal(pf->vfs[2].netdev, "enp3s0f0v2");
    assert_null(pf->vfs[2].vm);
    assert_int_equal(vt_sriov_free_vfs(pf), 3);
    vt_host_clear(&h);
}

static void test_sriov_claim(void **state)
{
    vt_host h = { 0 };
    vt_sriov_net net = { 0 };
    const vt_sriov_pf *pf;

    (void)state;
    assert_int_equal(vt_host_read_sysfs(&h, VT_TEST_DATA "/sysfs", NULL), 0);
    assert_int_equal(vt_sriov_net_parse("<network><name>pool</name><forward mode='hostdev' "
                                        "managed='yes'><pf dev='enp3s0f0'/></forward></network>",
                                        &net), 0);
    assert_string_equal(net.name, "pool");
    assert_string_equal(net.pf, "enp3s0f0");
    {
        vt_sriov_net other = { 0 };
        assert_int_equal(vt_sriov_net_parse("<network><name>default</name><forward mode='nat'/>"
                                            "</network>", &other), -1);
        assert_int_equal(vt_sriov_net_parse("<network", &other), -1);
        assert_null(other.name);
    }
    /* a PCI hostdev, by address (decimal function, hex bus) */
    vt_sriov_claim(&h, "a", "<domain><devices><hostdev mode='subsystem' type='pci' managed='yes'>"
                   "<source><address domain='0x0000' bus='0x03' slot='0x10' function='4'/>"
                   "</source></hostdev></devices></domain>", &net, 1);
    /* an interface on the pool: the first free VF */
    vt_sriov_claim(&h, "b", "<domain><devices><interface type='network'><source network='pool'/>"
                   "</interface></devices></domain>", &net, 1);
    /* a hostdev interface whose address is no VF of ours */
    vt_sriov_claim(&h, "c", "<domain><devices><interface type='hostdev'><source><address "
                   "type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/></source>"
                   "</interface></devices></domain>", &net, 1);
    pf = vt_host_sriov_pf(&h, "enp3s0f0");
    assert_string_equal(pf->vfs[2].vm, "a");
    assert_string_equal(pf->vfs[2].via, "hostdev");
    assert_string_equal(pf->vfs[0].vm, "b");
    assert_string_equal(pf->vfs[0].via, "network pool");
    assert_null(pf->vfs[1].vm);
    assert_int_equal(vt_sriov_free_vfs(pf), 1);
    vt_sriov_net_clear(&net);
    vt_host_clear(&h);
}

static void test_pci_name(void **state)
{
    char *s;

    (void)state;
    s = vt_sriov_pci_name("0x0000", "0x03", "0x10", "0x2");
    assert_string_equal(s, "0000:03:10.2");
    free(s);
    s = vt_sriov_pci_name(NULL, "3", "0x1f", "7");
    assert_string_equal(s, "0000:03:1f.7");
    free(s);
    assert_null(vt_sriov_pci_name("0", "0x03", "0x20", "0"));     /* slot > 31 */
    assert_null(vt_sriov_pci_name("0", "0x03", "0x10", "8"));     /* function > 7 */
    assert_null(vt_sriov_pci_name("0", NULL, "0x10", "0"));
    assert_null(vt_sriov_pci_name("0", "zz", "0x10", "0"));
}

/* vhost_net built in: no module directory, but the /dev node beside the
 * stand-in tree; neither: not loaded. And the modprobe test hook. */
static void test_vhost_dev(void **state)
{
    char *dir = scratch_copy();
    char *sys = vt_asprintf("%s/sys", dir);
    char *mod = vt_asprintf("%s/module/vhost_net", sys);
    char *devdir = vt_asprintf("%s/dev", dir);
    char *node = vt_asprintf("%s/dev/vhost-net", dir);
    char *path = vt_host_dev_path(sys, "vhost-net");
    char *prog = vt_asprintf("%s/modprobe", dir);
    char *mp;
    vt_host h = { 0 };
    FILE *f;

    (void)state;
    {
        char *want = vt_asprintf("%s/../dev/vhost-net", sys);
        assert_string_equal(path, want);
        free(want);
    }
    free(path);
    path = vt_host_dev_path("/sys", "vhost-net");
    assert_string_equal(path, "/dev/vhost-net");
    assert_int_equal(vt_remove_tree(mod), 0);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_false(h.vhost_net_loaded);
    vt_host_clear(&h);
    assert_int_equal(mkdir(devdir, 0755), 0);
    f = fopen(node, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(vt_host_read_sysfs(&h, sys, NULL), 0);
    assert_true(h.vhost_net_loaded);
    vt_host_clear(&h);

    /* VT_MODPROBE names the program; one that cannot run is none */
    f = fopen(prog, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nexit 0\n", f);
    fclose(f);
    setenv("VT_MODPROBE", prog, 1);
    assert_null(vt_host_find_modprobe());           /* not executable yet */
    assert_int_equal(chmod(prog, 0755), 0);
    mp = vt_host_find_modprobe();
    assert_string_equal(mp, prog);
    free(mp);
    unsetenv("VT_MODPROBE");
    vt_remove_tree(dir);
    free(dir); free(sys); free(mod); free(devdir); free(node); free(path); free(prog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_bad_root),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_sriov),
        cmocka_unit_test(test_sriov_claim),
        cmocka_unit_test(test_pci_name),
        cmocka_unit_test(test_vhost_dev),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
