/* The core against libvirt's test driver on tests/data/node.xml with the
 * sysfs/procfs fixtures: the snapshot, the JSON schema, and the refresh
 * cost (no per-domain calls on an unchanged fleet, one on a changed one). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conn.h"
#include "report.h"

#define UUID_A "11111111-2222-3333-4444-000000000001"
#define UUID_B "11111111-2222-3333-4444-000000000002"
#define UUID_G "11111111-2222-3333-4444-000000000003"

static void quiet(void *d, virErrorPtr e) { (void)d; (void)e; }

static vt_conn *open_fixture(void)
{
    vt_conn_opts o = {
        .uri = "test://" VT_TEST_DATA "/node.xml",
        .sysfs_root = VT_TEST_DATA "/sysfs",
        .procfs_root = VT_TEST_DATA "/proc",
    };
    vt_err err = { { 0 } };
    vt_conn *c = vt_conn_open(&o, &err);

    if (!c)
        fail_msg("open: %s", err.msg);
    return c;
}

static void test_snapshot(void **state)
{
    vt_conn *c = open_fixture();
    vt_domain *a, *b, *g;

    (void)state;
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->ndoms, 3);
    assert_false(c->remote);
    a = vt_conn_find_name(c, "alpha");
    b = vt_conn_find_uuid(c, UUID_B);
    g = vt_conn_find_uuid(c, UUID_G);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(g);
    assert_string_equal(a->uuid, UUID_A);
    assert_string_equal(vt_domain_state_name(a->state), "running");
    assert_string_equal(vt_domain_state_name(g->state), "shutoff");

    /* pins canonicalised; live and config both present for a running VM */
    assert_int_equal(a->live->niothreads, 2);
    assert_string_equal(a->live->iothreads[0].pin, "2-3");
    assert_string_equal(a->live->iothreads[1].pin, "0,2-3");
    assert_string_equal(a->config->iothreads[0].pin, "2-3");
    assert_non_null(a->config_xml);
    assert_non_null(strstr(a->config_xml, "<name>alpha</name>"));

    /* topology: the test driver's capabilities have no cells for a node
     * file of our own, so the sysfs fixture's node cpulists are used */
    assert_int_equal(c->host.nnodes, 2);
    assert_string_equal(c->host.topology_source, "sysfs");
    assert_string_equal(c->host.nodes[1].cpus, "4-7");
    assert_string_equal(c->host.workqueue_cpus, "4-7");

    /* spread from the procfs fixture */
    assert_true(a->spread_present);
    assert_int_equal(a->pid, 2001);
    assert_true(a->spread_kib[0] == 1053648ULL && a->spread_kib[1] == 4ULL);
    /* of which alpha's 512 x 2M hugetlbfs pages on node 0 */
    assert_true(a->spread_huge_kib[0] == 1048576ULL && a->spread_huge_kib[1] == 0);
    assert_true(b->spread_huge_kib[1] == 0);
    assert_true(b->spread_present);
    assert_true(b->spread_kib[1] == 1048576ULL);
    assert_false(g->spread_present);
    assert_string_equal(g->spread_why, "not running");
    vt_conn_free(c);
}

static json_object *dom_by_name(json_object *doms, const char *name)
{
    size_t i;

    for (i = 0; i < json_object_array_length(doms); i++) {
        json_object *d = json_object_array_get_idx(doms, i), *n;
        if (json_object_object_get_ex(d, "name", &n) &&
            strcmp(json_object_get_string(n), name) == 0)
            return d;
    }
    return NULL;
}

static const char *jget(json_object *o, const char *path)
{
    /* dotted path of object keys and array indexes */
    char buf[256], *tok, *save = NULL;
    json_object *cur = o;

    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save)) {
        if (json_object_is_type(cur, json_type_array))
            cur = json_object_array_get_idx(cur, (size_t)atoi(tok));
        else if (!json_object_object_get_ex(cur, tok, &cur))
            return "<missing>";
    }
    if (!cur)
        return "null";
    return json_object_get_string(cur);
}

static void test_json_schema(void **state)
{
    vt_conn *c = open_fixture();
    char *s;
    json_object *root, *host, *doms, *a, *b, *g;

    (void)state;
    assert_int_equal(vt_conn_refresh(c), 0);
    s = vt_report_json_string(c);
    root = json_tokener_parse(s);
    assert_non_null(root);
    assert_true(json_object_object_get_ex(root, "host", &host));
    assert_true(json_object_object_get_ex(root, "domains", &doms));
    assert_int_equal(json_object_array_length(doms), 3);

    assert_string_equal(jget(host, "halt_poll_ns"), "400000");
    assert_string_equal(jget(host, "workqueue_cpus"), "4-7");
    assert_string_equal(jget(host, "thp_enabled"), "madvise");
    assert_string_equal(jget(host, "hugepages.0.size_kib"), "2048");
    assert_string_equal(jget(host, "hugepages.0.nodes.1.free"), "256");

    a = dom_by_name(doms, "alpha");
    b = dom_by_name(doms, "beta");
    g = dom_by_name(doms, "gamma");
    assert_non_null(a);
    assert_string_equal(jget(a, "uuid"), UUID_A);
    assert_string_equal(jget(a, "state"), "running");
    assert_string_equal(jget(a, "vcpus"), "2");
    assert_string_equal(jget(a, "iothreads.0.id"), "1");
    assert_string_equal(jget(a, "iothreads.0.cpuset_live"), "2-3");
    assert_string_equal(jget(a, "iothreads.0.cpuset_config"), "2-3");
    assert_string_equal(jget(a, "iothreads.0.disks.0"), "disk vda");
    assert_string_equal(jget(a, "iothreads.1.cpuset_live"), "0,2-3");
    assert_string_equal(jget(a, "iothreads.1.disks.0"), "controller scsi0");
    assert_string_equal(jget(a, "hugepages.0.size_kib"), "2048");
    /* libvirt drops a page nodeset when the guest has no NUMA cells */
    assert_string_equal(jget(a, "hugepages.0.nodeset"), "null");
    assert_string_equal(jget(a, "numatune.mode"), "strict");
    assert_string_equal(jget(a, "numatune.nodeset"), "0");
    assert_string_equal(jget(a, "numa_spread_kib.0"), "1053648");
    assert_string_equal(jget(a, "numa_spread_kib.1"), "4");
    assert_string_equal(jget(a, "seclabel.type"), "dynamic");
    assert_string_equal(jget(a, "seclabel.model"), "selinux");
    assert_string_equal(jget(a, "seclabel.relabel"), "yes");
    assert_string_equal(jget(a, "disks.1.cache"), "writeback");
    assert_string_equal(jget(a, "disks.1.iothread"), "null");
    assert_string_equal(jget(a, "interfaces.0.queues"), "2");
    assert_string_equal(jget(a, "interfaces.0.driver"), "vhost");

    assert_string_equal(jget(b, "seclabel.type"), "none");
    assert_string_equal(jget(b, "numatune.mode"), "interleave");
    assert_string_equal(jget(b, "numatune.nodeset"), "0-1");
    assert_string_equal(jget(b, "disks.0.device"), "lun");
    assert_string_equal(jget(b, "disks.0.rawio"), "yes");
    assert_string_equal(jget(b, "agent.channel"), "true");
    assert_string_equal(jget(b, "hugepages"), "[ ]");

    assert_string_equal(jget(g, "state"), "shutoff");
    assert_string_equal(jget(g, "numatune"), "null");
    assert_string_equal(jget(g, "numa_spread_kib"), "null");
    assert_string_equal(jget(g, "seclabel"), "null");
    json_object_put(root);
    free(s);

    s = vt_report_text(c);
    assert_non_null(strstr(s, "VM alpha"));
    assert_non_null(strstr(s, "iothread 1"));
    free(s);
    vt_conn_free(c);
}

/* Wait until the event thread has marked something, at most ~5 s. */
static void wait_pending(vt_conn *c)
{
    int i;
    size_t n = 0;

    for (i = 0; i < 500; i++) {
        pthread_mutex_lock(&c->lock);
        n = c->npending;
        pthread_mutex_unlock(&c->lock);
        if (n)
            return;
        usleep(10000);
    }
    fail_msg("no domain event arrived");
}

static void test_refresh_cost(void **state)
{
    vt_conn *c;
    unsigned long before;
    virDomainPtr dom;
    char *xml;

    (void)state;
    assert_int_equal(vt_events_start(NULL), 0);
    c = open_fixture();
    assert_true(c->events);

    assert_int_equal(vt_conn_refresh(c), 0);
    /* first refresh: live + inactive for 2 running, 1 for the shut-off one */
    assert_int_equal(c->counters.xml_fetches, 5);
    assert_int_equal(c->counters.stats_calls, 1);

    before = c->counters.xml_fetches;
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->counters.xml_fetches, before);     /* unchanged fleet */
    assert_int_equal(c->counters.stats_calls, 3);

    /* autostart: no event says it changed, yet the next refresh has it,
       and with no definition fetched */
    assert_false(vt_conn_find_name(c, "gamma")->autostart);
    dom = virDomainLookupByName(c->conn, "gamma");
    assert_non_null(dom);
    assert_int_equal(virDomainSetAutostart(dom, 1), 0);
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_true(vt_conn_find_name(c, "gamma")->autostart);
    assert_false(vt_conn_find_name(c, "alpha")->autostart);
    assert_int_equal(c->counters.xml_fetches, before);

    /* redefine gamma with 2 vCPUs: one event, one fetch, new value */
    dom = virDomainLookupByName(c->conn, "gamma");
    assert_non_null(dom);
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(xml);
    {
        char *p = strstr(xml, ">1</vcpu>");
        assert_non_null(p);
        p[1] = '2';
    }
    virDomainFree(dom);
    dom = virDomainDefineXML(c->conn, xml);
    assert_non_null(dom);
    virDomainFree(dom);
    free(xml);
    wait_pending(c);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->counters.xml_fetches, before + 1);
    assert_int_equal(vt_conn_find_name(c, "gamma")->live->vcpus_max, 2);

    /* starting it changes its state: live + inactive + label */
    dom = virDomainLookupByName(c->conn, "gamma");
    assert_int_equal(virDomainCreate(dom), 0);
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->counters.xml_fetches, before + 3);
    assert_string_equal(vt_domain_state_name(vt_conn_find_name(c, "gamma")->state), "running");

    /* undefine beta (destroy first): it leaves the snapshot */
    dom = virDomainLookupByName(c->conn, "beta");
    assert_int_equal(virDomainDestroy(dom), 0);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(c->ndoms, 2);
    assert_null(vt_conn_find_uuid(c, UUID_B));
    vt_conn_free(c);
}

/* The two halves of a refresh: the snapshot is unchanged until the wait
 * merges, and a mark made while a refresh is under way is kept for the
 * next one rather than lost to the merge. */
static void test_refresh_halves(void **state)
{
    vt_conn *c;
    vt_domain *a;
    unsigned long before;

    (void)state;
    assert_int_equal(vt_events_start(NULL), 0);
    c = open_fixture();
    assert_false(vt_conn_refresh_running(c));
    assert_int_equal(vt_conn_refresh_wait(c, 0), 0);      /* none under way */
    assert_int_equal(vt_conn_refresh_start(c), 0);
    assert_true(vt_conn_refresh_running(c));
    assert_int_equal(c->ndoms, 0);                        /* not merged yet */
    assert_int_equal(vt_conn_refresh_start(c), 0);        /* one at a time */
    assert_int_equal(vt_conn_refresh_wait(c, -1), 0);
    assert_false(vt_conn_refresh_running(c));
    assert_int_equal(c->ndoms, 3);
    assert_int_equal(c->counters.stats_calls, 1);
    assert_int_equal(vt_conn_refresh_waited_ms(c), 0);

    before = c->counters.xml_fetches;
    assert_int_equal(vt_conn_refresh_start(c), 0);
    a = vt_conn_find_uuid(c, UUID_A);
    assert_non_null(a);
    a->dirty = true;                                      /* marked meanwhile */
    assert_int_equal(vt_conn_refresh_wait(c, 1000), 0);
    assert_true(vt_conn_find_uuid(c, UUID_A)->dirty);
    assert_int_equal(c->counters.xml_fetches, before);
    assert_int_equal(vt_conn_refresh(c), 0);              /* fetched now */
    assert_false(vt_conn_find_uuid(c, UUID_A)->dirty);
    assert_int_equal(c->counters.xml_fetches, before + 2);   /* alpha runs: live + inactive */
    vt_conn_free(c);
}

static void test_bad_uri(void **state)
{
    vt_conn_opts o = { .uri = "test:///nonexistent/node.xml" };
    vt_err err = { { 0 } };

    (void)state;
    assert_null(vt_conn_open(&o, &err));
    assert_non_null(strstr(err.msg, "test:///nonexistent/node.xml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_json_schema),
        cmocka_unit_test(test_refresh_cost),
        cmocka_unit_test(test_refresh_halves),
        cmocka_unit_test(test_bad_uri),
    };
    virSetErrorFunc(NULL, quiet);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
