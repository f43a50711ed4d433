/* The apply engine against libvirt's test driver on tests/data/node.xml:
 * plans refused before anything runs (unknown VM, CPU or node the host has
 * not, live change on a VM that is off, edits that cannot be made), the
 * steps and diffs a plan prepares, a real apply read back through libvirt,
 * the conflict check, the undo after a step that fails, and the apply log. */
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
#include <unistd.h>

#include "apply.h"
#include "conn.h"
#include "fixture.h"
#include "validate.h"
#include "xmledit.h"

static void quiet(void *d, virErrorPtr e) { (void)d; (void)e; }

static char logpath[256];

static char *inactive_xml(vt_conn *c, const char *name)
{
    virDomainPtr d = virDomainLookupByName(c->conn, name);
    char *x;

    assert_non_null(d);
    x = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
    virDomainFree(d);
    assert_non_null(x);
    return x;
}

static char *live_iothread_pin(vt_conn *c, const char *name, unsigned id)
{
    virDomainPtr d = virDomainLookupByName(c->conn, name);
    virDomainIOThreadInfoPtr *info = NULL;
    char *out = NULL;
    int n, i;

    assert_non_null(d);
    n = virDomainGetIOThreadInfo(d, &info, VIR_DOMAIN_AFFECT_LIVE);
    assert_true(n > 0);
    for (i = 0; i < n; i++) {
        if (info[i]->iothread_id == id) {
            vt_buf b = { 0 };
            for (int cpu = 0; cpu < info[i]->cpumaplen * 8; cpu++)
                if (VIR_CPU_USED(info[i]->cpumap, cpu))
                    vt_buf_addf(&b, "%s%d", b.len ? "," : "", cpu);
            out = vt_buf_steal(&b);
        }
        virDomainIOThreadInfoFree(info[i]);
    }
    free(info);
    virDomainFree(d);
    return out;
}

/* + and - lines of a unified diff, headers left out */
static void vt_diff_count_text(const char *diff, size_t *add, size_t *rem)
{
    const char *p = diff;

    *add = *rem = 0;
    while (p && *p) {
        if (*p == '+' && strncmp(p, "+++ ", 4) != 0)
            (*add)++;
        if (*p == '-' && strncmp(p, "--- ", 4) != 0)
            (*rem)++;
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
}

static void refused(const char *plan, const char *want)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *before = inactive_xml(c, "alpha");
    char *after;

    if (fixture_prep(c, plan, &ap, &err) == 0)
        fail_msg("plan was accepted: %s", plan);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    assert_int_equal(ap.nsteps, 0);
    after = inactive_xml(c, "alpha");
    assert_string_equal(before, after);
    free(before);
    free(after);
    vt_conn_free(c);
}

static void test_refused(void **state)
{
    (void)state;
    refused("vm alpha iothreads 2\nvm nosuch iothreads 1\n", "line 2: no VM named \"nosuch\"");
    refused("vm alpha iothread 1 pin 9", "line 1: alpha: CPU 9 does not exist on this host (CPUs 0-7)");
    refused("vm alpha numatune strict 0-3", "line 1: alpha: NUMA node 2 does not exist");
    refused("vm gamma vcpu 0 pin 1 live", "line 1: gamma is not running");
    refused("\n\nvm alpha iothreads 1", "line 3: alpha: IOThread 2 is used by controller scsi0 in the running VM");
    refused("vm alpha disk vdz iothread 1", "line 1: alpha: the VM has no disk vdz");
    refused("vm alpha iothread 7 pin 1 live", "line 1: alpha: the running VM has no IOThread 7");
    refused("vm alpha numatune interleave 0-1 live", "strict to strict");
}

static void test_prepare(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *text, *script;

    (void)state;
    if (fixture_prep(c,
             "vm alpha iothread 1 pin 4-5\n"
             "vm gamma hugepages 1G\n"
             "vm beta seclabel dynamic relabel yes\n"
             "vm alpha numatune preferred 1\n",
             &ap, &err) < 0)
        fail_msg("%s", err.msg);
    /* alpha: live pin, then one define with both config edits; gamma and
     * beta: one define each */
    assert_int_equal(ap.nsteps, 4);
    assert_int_equal(ap.steps[0].kind, VT_STEP_IOTHREAD_PIN);
    assert_string_equal(ap.steps[0].vm, "alpha");
    assert_int_equal(ap.steps[0].effect, VT_EFFECT_LIVE_NOW);
    assert_string_equal(ap.steps[0].changes[0].before, "2-3");
    assert_string_equal(ap.steps[0].changes[0].after, "4-5");
    assert_int_equal(ap.steps[1].kind, VT_STEP_DEFINE);
    assert_int_equal(ap.steps[1].nchanges, 2);
    /* numatune preferred cannot change live: the alpha define needs a restart */
    assert_int_equal(ap.steps[1].effect, VT_EFFECT_NEEDS_RESTART);
    /* the diff shows the edited elements only, not libxml2's requoting */
    assert_non_null(strstr(ap.steps[1].diff, "\n-    <iothreadpin iothread=\"1\" cpuset=\"2-3\"/>\n"
                                             "+    <iothreadpin iothread=\"1\" cpuset=\"4-5\"/>\n"));
    assert_non_null(strstr(ap.steps[1].diff, "\n-    <memory mode=\"strict\" nodeset=\"0\"/>\n"
                                             "+    <memory mode=\"preferred\" nodeset=\"1\"/>\n"));
    {
        size_t add, rem;
        vt_diff_count_text(ap.steps[1].diff, &add, &rem);
        assert_int_equal(add, 2);
        assert_int_equal(rem, 2);
    }
    assert_string_equal(ap.steps[2].vm, "gamma");
    assert_int_equal(ap.steps[2].effect, VT_EFFECT_NEXT_START);
    assert_string_equal(ap.steps[2].changes[0].before, "off");
    assert_string_equal(ap.steps[2].changes[0].after, "1G");
    assert_string_equal(ap.steps[3].vm, "beta");
    assert_string_equal(ap.steps[3].changes[0].before, "none");

    text = vt_apply_describe(&ap, true);
    assert_non_null(strstr(text, "vm alpha (running)\n  1. [live now] virDomainPinIOThread(alpha, 1, 4-5, AFFECT_LIVE)"));
    assert_non_null(strstr(text, "2. [needs restart] config"));
    assert_non_null(strstr(text, "vm gamma (shut off)\n  3. [at next start]"));
    assert_non_null(strstr(text, "warning: line 4: alpha: numatune preferred 1 cannot change while"));
    /* the fixture host has 0 free 1G pages */
    assert_non_null(strstr(text, "warning: line 2: gamma: the 1G pool is too small"));
    free(text);

    script = vt_apply_export_virsh(&ap, c->uri);
    assert_non_null(strstr(script, "\nv iothreadpin alpha 1 4-5 --live\n"));
    assert_non_null(strstr(script, "\nv define --validate /dev/stdin <<'VIRT_TUNE_XML_EOF'\n"));
    free(script);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static size_t log_lines(const char *result, size_t *total)
{
    FILE *f = fopen(logpath, "r");
    char line[4096];
    size_t n = 0;

    *total = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        json_object *o = json_tokener_parse(line), *r;
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "result", &r));
        assert_true(json_object_object_get_ex(o, "before", NULL));
        assert_true(json_object_object_get_ex(o, "after", NULL));
        assert_true(json_object_object_get_ex(o, "connection", NULL));
        assert_true(json_object_object_get_ex(o, "time", NULL));
        if (strcmp(json_object_get_string(r), result) == 0)
            n++;
        (*total)++;
        json_object_put(o);
    }
    fclose(f);
    return n;
}

static void test_apply(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_domain *a, *g;
    char *pin;
    size_t total;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm alpha iothread 1 pin 4-5\nvm gamma hugepages 2M\nvm alpha vcpu 1 pin 6 config\n",
             &ap, &err) < 0)
        fail_msg("%s", err.msg);
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    for (size_t i = 0; i < ap.nsteps; i++)
        assert_int_equal(ap.steps[i].state, VT_STEP_DONE);
    pin = live_iothread_pin(c, "alpha", 1);
    assert_string_equal(pin, "4,5");
    free(pin);
    assert_int_equal(vt_conn_refresh(c), 0);
    a = vt_conn_find_name(c, "alpha");
    g = vt_conn_find_name(c, "gamma");
    assert_string_equal(a->config->iothreads[0].pin, "4-5");
    assert_string_equal(a->live->iothreads[0].pin, "4-5");
    assert_string_equal(a->config->vcpupins[1].cpuset, "6");
    assert_string_equal(a->live->vcpupins[1].cpuset, "1");    /* config only */
    assert_true(g->config->hugepages);
    assert_true(g->config->hugepage_sizes[0].size_kib == 2048);
    /* every other element of gamma is kept */
    assert_non_null(strstr(g->config_xml, "<memory unit='KiB'>524288</memory>"));
    /* three changes logged, all applied */
    assert_int_equal(log_lines("applied", &total), 4);
    assert_int_equal(total, 4);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static void test_conflict(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    virDomainPtr d;
    char *pin, *xml, *at;
    vt_changeset cs = { 0 };
    vt_bases bases = { 0 };

    (void)state;
    if (fixture_prep(c, "vm alpha iothread 1 pin 4-5\nvm alpha hugepages off\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    /* someone else redefines alpha between preparing and applying */
    xml = inactive_xml(c, "alpha");
    at = strstr(xml, "<vcpupin vcpu='0' cpuset='0'/>");
    assert_non_null(at);
    at[strlen("<vcpupin vcpu='0' cpuset='")] = '7';
    d = virDomainDefineXML(c->conn, xml);
    assert_non_null(d);
    virDomainFree(d);
    free(xml);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "alpha: the definition changed since the plan was prepared"));
    assert_int_equal(ap.steps[0].state, VT_STEP_SKIPPED);
    pin = live_iothread_pin(c, "alpha", 1);
    assert_string_equal(pin, "2,3");    /* the live pin was not touched */
    free(pin);
    vt_applyplan_clear(&ap);

    /* the console's staged base: a redefine after staging is refused at prepare */
    vt_bases_set(&bases, "11111111-2222-3333-4444-000000000001", "alpha", "<domain/>");
    assert_int_equal(vt_plan_parse("vm alpha hugepages off", &cs, &err), 0);
    assert_int_equal(vt_apply_prepare(c, &cs, &bases, &ap, &err), -1);
    assert_non_null(strstr(err.msg, "alpha: the definition changed since the edits were staged"));
    vt_bases_clear(&bases);
    vt_changeset_clear(&cs);
    vt_conn_free(c);
}

/* Staged against a VM that someone else renames, or undefines and replaces
 * with another VM of the same name: a conflict naming what happened, and
 * nothing prepared. */
static void test_renamed_or_replaced(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_changeset cs = { 0 };
    vt_bases bases = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_domain *d;
    virDomainPtr dom;
    char *xml, *u;

    (void)state;
    assert_int_equal(vt_conn_refresh(c), 0);
    d = vt_conn_find_name(c, "gamma");
    assert_non_null(d);
    vt_bases_set(&bases, d->uuid, d->name, d->config_xml);
    assert_int_equal(vt_plan_parse("vm gamma hugepages 2M\n", &cs, &err), 0);
    assert_int_equal(vt_apply_prepare(c, &cs, &bases, &ap, &err), 0);   /* as staged: fine */
    vt_applyplan_clear(&ap);
    memset(&ap, 0, sizeof(ap));

    /* the fingerprint a recovery file keeps: the same, then redefined in
       place (a description added) and refused */
    {
        vt_bases fb = { 0 };
        char fp[VT_BASE_FP_LEN];
        char *x = vt_strdup(d->config_xml), *e = strstr(x, "</name>"), *nx;
        vt_base_fingerprint(d->config_xml, fp);
        vt_bases_set(&fb, d->uuid, d->name, fp);
        assert_int_equal(vt_apply_prepare(c, &cs, &fb, &ap, &err), 0);
        vt_applyplan_clear(&ap);
        memset(&ap, 0, sizeof(ap));
        assert_non_null(e);
        e += strlen("</name>");
        nx = vt_asprintf("%.*s<description>changed</description>%s", (int)(e - x), x, e);
        dom = virDomainDefineXML(c->conn, nx);
        assert_non_null(dom);
        virDomainFree(dom);
        assert_int_equal(vt_apply_prepare(c, &cs, &fb, &ap, &err), -1);
        assert_non_null(strstr(err.msg, "gamma: the definition changed since the edits were staged"));
        assert_int_equal(ap.nsteps, 0);
        /* put it back: the rest of this test starts from the fixture */
        dom = virDomainDefineXML(c->conn, x);
        assert_non_null(dom);
        virDomainFree(dom);
        assert_int_equal(vt_conn_refresh(c), 0);
        d = vt_conn_find_name(c, "gamma");
        free(x);
        free(nx);
        vt_bases_clear(&fb);
    }

    /* renamed (gamma is shut off) */
    dom = virDomainLookupByName(c->conn, "gamma");
    assert_non_null(dom);
    assert_int_equal(virDomainRename(dom, "gamma-old", 0), 0);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(vt_apply_prepare(c, &cs, &bases, &ap, &err), -1);
    assert_non_null(strstr(err.msg, "gamma: renamed to \"gamma-old\" since the edits were staged"));
    assert_int_equal(ap.nsteps, 0);

    /* a new VM takes the old name: still the old one's edits, refused */
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(xml);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    u = strstr(xml, "<uuid>");
    assert_non_null(u);
    memcpy(u + 6, "99999999", 8);
    {
        char *n = strstr(xml, "<name>gamma-old</name>");
        assert_non_null(n);
        memmove(n + 11, n + 15, strlen(n + 15) + 1);   /* <name>gamma</name> */
    }
    dom = virDomainDefineXML(c->conn, xml);
    assert_non_null(dom);
    virDomainFree(dom);
    free(xml);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(vt_apply_prepare(c, &cs, &bases, &ap, &err), -1);
    assert_non_null(strstr(err.msg, "gamma: undefined since the edits were staged, and another VM of that name"));

    /* and gone for good */
    dom = virDomainLookupByName(c->conn, "gamma");
    assert_non_null(dom);
    assert_int_equal(virDomainUndefine(dom), 0);
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    assert_int_equal(vt_apply_prepare(c, &cs, &bases, &ap, &err), -1);
    assert_non_null(strstr(err.msg, "gamma: undefined since the edits were staged; drop its edits"));

    vt_bases_clear(&bases);
    vt_changeset_clear(&cs);
    vt_conn_free(c);
}

/* gamma's define runs first, then alpha's live pin fails because alpha was
 * stopped after preparing (its inactive XML is unchanged, so no conflict):
 * gamma's definition must come back exactly as it was. */
static void test_undo(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    virDomainPtr d;
    char *before = inactive_xml(c, "gamma"), *after, *out;
    size_t total;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm gamma hugepages 2M\nvm gamma vcpu 0 pin 3\nvm alpha iothread 1 pin 4-5 live\n",
             &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 2);
    d = virDomainLookupByName(c->conn, "alpha");
    assert_int_equal(virDomainDestroy(d), 0);
    virDomainFree(d);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    if (!strstr(err.msg, "alpha: virDomainPinIOThread(alpha, 1, 4-5, AFFECT_LIVE) failed"))
        fail_msg("%s", err.msg);
    assert_int_equal(ap.steps[0].state, VT_STEP_UNDONE);
    assert_int_equal(ap.steps[1].state, VT_STEP_FAILED);
    after = inactive_xml(c, "gamma");
    assert_string_equal(before, after);
    out = vt_apply_outcome(&ap);
    assert_non_null(strstr(out, "undone"));
    assert_non_null(strstr(out, "FAILED"));
    free(out);
    assert_int_equal(log_lines("undone", &total), 2);
    assert_int_equal(log_lines("failed", &total), 1);
    assert_int_equal(total, 5);
    free(before);
    free(after);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static size_t count_of(const char *xml, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(xml, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A VM with the demo's legacy-ftp label: <seclabel type='none'/>, no model */
static const char *delta_xml =
    "<domain type='test'><name>delta</name><uuid>4a2f1a36-7b43-4bd5-9c1e-55d3e0c2b0d4</uuid>"
    "<memory unit='KiB'>262144</memory><vcpu>1</vcpu><os><type arch='i686'>hvm</type></os>"
    "<devices/><seclabel type='none'/></domain>";

static vt_conn *open_with_delta(void)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    virDomainPtr d = virDomainDefineXML(c->conn, delta_xml);

    assert_non_null(d);
    virDomainFree(d);
    assert_int_equal(vt_conn_refresh(c), 0);
    return c;
}

/* issue 15 item 2 (d): a numatune edit says what it does to the guest
 * cells' memnodes (db-primary's cell 0 follows it to node 1), and says why
 * it leaves cells bound one per host node where they are */
static void test_numatune_memnodes(void **state)
{
    static const char *const one =
        "<domain type='kvm'><name>one-cell</name><uuid>4a2f1a36-7b43-4bd5-9c1e-55d3e0c2b0e1</uuid>"
        "<memory unit='GiB'>1</memory><vcpu>2</vcpu>"
        "<numatune><memory mode='strict' nodeset='0'/>"
        "<memnode cellid='0' mode='strict' nodeset='0'/></numatune>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<cpu><numa><cell id='0' cpus='0-1' memory='1' unit='GiB'/></numa></cpu>"
        "<devices/></domain>";
    static const char *const per_node =
        "<domain type='kvm'><name>per-node</name><uuid>4a2f1a36-7b43-4bd5-9c1e-55d3e0c2b0e2</uuid>"
        "<memory unit='GiB'>2</memory><vcpu>2</vcpu>"
        "<numatune><memory mode='strict' nodeset='0-1'/>"
        "<memnode cellid='0' mode='strict' nodeset='0'/>"
        "<memnode cellid='1' mode='strict' nodeset='1'/></numatune>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB'/>"
        "<cell id='1' cpus='1' memory='1' unit='GiB'/></numa></cpu>"
        "<devices/></domain>";
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    virDomainPtr dom;
    char *text;

    (void)state;
    assert_non_null(dom = virDomainDefineXML(c->conn, one));
    virDomainFree(dom);
    assert_non_null(dom = virDomainDefineXML(c->conn, per_node));
    virDomainFree(dom);
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, "vm one-cell numatune strict 1\nvm per-node numatune strict 1\n", &ap,
                     &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 2);
    assert_int_equal(ap.steps[0].nchanges, 2);
    assert_string_equal(ap.steps[0].changes[1].what, "memnode 0 nodeset (config)");
    assert_string_equal(ap.steps[0].changes[1].before, "0");
    assert_string_equal(ap.steps[0].changes[1].after, "1");
    assert_int_equal(ap.steps[0].changes[1].line, 1);
    assert_non_null(strstr(ap.steps[0].new_xml, "<memnode cellid=\"0\" mode=\"strict\" nodeset=\"1\"/>"));
    /* per-node: only the numatune changes; the warning says why */
    assert_int_equal(ap.steps[1].nchanges, 1);
    assert_non_null(strstr(ap.steps[1].new_xml, "<memnode cellid=\"0\" mode=\"strict\" nodeset=\"0\"/>"));
    text = vt_apply_describe(&ap, false);
    assert_non_null(strstr(text, "memnode 0 nodeset (config): 0 -> 1   (line 1)\n"));
    assert_non_null(strstr(text, "warning: line 2: per-node: numatune strict 1 leaves the guest "
                                 "cells' memnodes outside it (cell 0 on node 0): the cells are "
                                 "bound one per host node on purpose;"));
    assert_non_null(strstr(text, "(numatune strict 0-1)"));
    assert_null(strstr(text, "one-cell: numatune strict 1 leaves"));
    free(text);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* issue 15: the advisor's fix for type='none' gives one label, which
 * libvirt's schema and parser take; `default` removes it */
static void test_seclabel_edit_valid(void **state)
{
    vt_conn *c = open_with_delta();
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *text, *x;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm delta seclabel dynamic relabel yes\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    assert_int_equal(count_of(ap.steps[0].new_xml, "<seclabel"), 1);
    assert_int_equal(vt_validate_schema(ap.steps[0].new_xml, &err), 0);
    assert_int_equal(vt_validate_parse(ap.steps[0].new_xml, &err), 0);
    assert_string_equal(ap.steps[0].validation, "validated: domain schema and libvirt's parser");
    text = vt_apply_describe(&ap, false);
    assert_non_null(strstr(text, "(validated: domain schema and libvirt's parser)"));
    free(text);
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    x = inactive_xml(c, "delta");
    assert_int_equal(count_of(x, "<seclabel"), 1);
    assert_non_null(strstr(x, "type='dynamic'"));
    free(x);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);

    c = open_with_delta();
    if (fixture_prep(c, "vm delta seclabel default\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    assert_null(strstr(ap.steps[0].new_xml, "seclabel"));
    assert_int_equal(vt_validate_schema(ap.steps[0].new_xml, &err), 0);
    assert_int_equal(vt_validate_parse(ap.steps[0].new_xml, &err), 0);
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    x = inactive_xml(c, "delta");
    assert_null(strstr(x, "<seclabel"));
    free(x);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static void expect_invalid(vt_conn *c, const char *plan, const char *needle)
{
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };

    assert_int_equal(fixture_prep(c, plan, &ap, &err), -1);
    if (!strstr(err.msg, needle))
        fail_msg("%s: expected \"%s\" in \"%s\"", plan, needle, err.msg);
    assert_null(strstr(err.msg, "validated"));
    assert_int_equal(ap.nsteps, 0);
    vt_applyplan_clear(&ap);
}

/* An edit the plan parser takes and libvirt does not (a dynamic label
 * without relabelling) stops at prepare, with the check's own message. */
static void test_invalid_edit(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    const char *dir = getenv("VIRT_TUNE_SCHEMADIR");
    char *saved = dir ? vt_strdup(dir) : NULL;
    vt_validation v = { 0 };
    vt_err err = { { 0 } };
    char *two;

    (void)state;
    expect_invalid(c, "vm beta seclabel dynamic relabel no\n",
                   "beta: the edited definition is not valid: libvirt's domain schema refuses it: line ");
    /* no schema: the parser still refuses it, and the schema is not claimed */
    setenv("VIRT_TUNE_SCHEMADIR", "/nonexistent/schemas", 1);
    expect_invalid(c, "vm beta seclabel dynamic relabel no\n",
                   "libvirt's parser refuses it: unsupported configuration: dynamic label type "
                   "must use resource relabeling");
    {
        vt_applyplan ap = { 0 };
        if (fixture_prep(c, "vm beta seclabel dynamic relabel yes\n", &ap, &err) < 0)
            fail_msg("%s", err.msg);
        assert_string_equal(ap.steps[0].validation,
                            "validated: libvirt's parser; schema not checked (no domain.rng at "
                            "/nonexistent/schemas/domain.rng)");
        vt_applyplan_clear(&ap);
    }
    if (saved)
        setenv("VIRT_TUNE_SCHEMADIR", saved, 1);
    else
        unsetenv("VIRT_TUNE_SCHEMADIR");
    free(saved);

    /* the old edit's result: a model-less label beside a selinux one. The
     * schema lets it through; libvirt's parser does not. */
    two = vt_strdup(delta_xml);
    {
        char *p = strstr(two, "</domain>");
        *p = '\0';
        char *t = vt_asprintf("%s<seclabel model='selinux' type='dynamic' relabel='yes'/></domain>", two);
        free(two);
        two = t;
    }
    assert_int_equal(vt_validate_schema(two, &err), 0);
    assert_int_equal(vt_validate_edit(delta_xml, two, &v, &err), -1);
    assert_non_null(strstr(err.msg, "missing security model when using multiple labels"));
    assert_null(v.text);
    /* a check the original fails too is not the edit's fault: not run */
    vt_err_clear(&err);
    assert_int_equal(vt_validate_edit(two, two, &v, &err), 0);
    assert_true(v.schema);
    assert_false(v.parser);
    assert_non_null(strstr(v.text, "libvirt's parser not checked (it refuses the definition "
                                   "before the edit too"));
    vt_validation_clear(&v);
    free(two);
    vt_conn_free(c);
}

/* The apply log says why a step failed. */
static void test_log_reason(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    virDomainPtr d;
    FILE *f;
    char line[8192];
    bool seen = false;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm alpha iothread 1 pin 4-5 live\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    d = virDomainLookupByName(c->conn, "alpha");
    assert_int_equal(virDomainDestroy(d), 0);
    virDomainFree(d);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    f = fopen(logpath, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        json_object *o = json_tokener_parse(line), *r, *e;
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "result", &r));
        if (strcmp(json_object_get_string(r), "failed") == 0) {
            assert_true(json_object_object_get_ex(o, "error", &e));
            assert_non_null(strstr(json_object_get_string(e), "virDomainPinIOThread"));
            seen = true;
        } else {
            assert_false(json_object_object_get_ex(o, "error", NULL));
        }
        json_object_put(o);
    }
    fclose(f);
    assert_true(seen);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

static void test_readonly(void **state)
{
    vt_conn_opts o = {
        .uri = "test://" VT_TEST_DATA "/node.xml",
        .sysfs_root = VT_TEST_DATA "/sysfs",
        .procfs_root = VT_TEST_DATA "/proc",
        .readonly = true,
    };
    vt_err err = { { 0 } };
    vt_conn *c = vt_conn_open(&o, &err);
    vt_applyplan ap = { 0 };

    (void)state;
    assert_non_null(c);
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, "vm gamma hugepages 2M\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "read-only"));
    vt_applyplan_clear(&ap);
    vt_conn_free(c);
}

/* issue 15 item 7: disk cache/io and NIC lines are one config step of a
 * running VM, needing its restart, with change lines read from the
 * definition; applied, libvirt has them; the refusals leave the XML */
static void test_nic_disk_steps(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    const vt_step *s;
    char *x, *text;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 queues 1\n"
                        "vm alpha disk vdb cache none io native\n"
                        "vm alpha nic 52:54:00:00:00:01 driver qemu\n"
                        "vm alpha disk vda io threads\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    s = &ap.steps[0];
    assert_int_equal(s->kind, VT_STEP_DEFINE);
    assert_int_equal(s->effect, VT_EFFECT_NEEDS_RESTART);
    assert_string_equal(s->validation, "validated: domain schema and libvirt's parser");
    assert_int_equal(s->nchanges, 4);
    assert_string_equal(s->changes[0].what, "nic 52:54:00:00:00:01 queues (config)");
    assert_string_equal(s->changes[0].before, "2");
    assert_string_equal(s->changes[0].after, "1");
    assert_string_equal(s->changes[1].what, "disk vdb cache and io (config)");
    assert_string_equal(s->changes[1].before, "cache writeback, io default");
    assert_string_equal(s->changes[1].after, "cache none, io native");
    assert_string_equal(s->changes[2].what, "nic 52:54:00:00:00:01 driver (config)");
    assert_string_equal(s->changes[2].before, "vhost");
    assert_string_equal(s->changes[2].after, "qemu");
    assert_string_equal(s->changes[3].what, "disk vda io (config)");
    assert_string_equal(s->changes[3].before, "io native");
    assert_string_equal(s->changes[3].after, "io threads");
    text = vt_apply_describe(&ap, false);
    assert_non_null(strstr(text, "[needs restart]"));
    free(text);
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    x = inactive_xml(c, "alpha");
    assert_non_null(strstr(x, "<driver name='qemu' type='qcow2' cache='none' io='native'/>"));
    assert_non_null(strstr(x, "<driver name='qemu' type='raw' cache='none' io='threads' iothread='1'/>"));
    if (!strstr(x, "<driver name='qemu'/>"))     /* libvirt drops queues='1' */
        fail_msg("alpha's NIC after the apply:\n%s", strstr(x, "<interface"));
    assert_null(strstr(x, "name='vhost'"));
    free(x);
    vt_applyplan_clear(&ap);
    vt_conn_free(c);

    refused("vm alpha nic 52:54:00:00:00:09 queues 2", "line 1: alpha: the VM has no NIC with MAC "
            "52:54:00:00:00:09");
    refused("vm alpha disk vdz cache none", "line 1: alpha: the VM has no disk vdz");
    refused("vm alpha disk vda cache writeback", "line 1: alpha: disk vda: io native needs cache "
            "none or directsync");
    refused("vm alpha disk vdb io native", "set cache none with it");
    refused("vm gamma nic 52:54:00:00:00:01 queues 2", "line 1: gamma: the VM has no NIC with MAC");
}

/* issue 17: the queues need a restart and the guest's own ethtool -L,
   said in the plan's text (--apply --dry-run, the review) */
static void test_nic_queues_notice(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    vt_changeset cs = { 0 };
    char *text, *n;

    (void)state;
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 queues 4\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    text = vt_apply_describe(&ap, false);
    if (!strstr(text, "warning: line 1: alpha: nic queues 4: the VM needs a restart (shut down, then start") ||
        !strstr(text, "the guest must enable the queues: ethtool -L eth0 combined 4 in the guest"))
        fail_msg("the plan's text:\n%s", text);
    free(text);
    vt_applyplan_clear(&ap);

    if (vt_plan_parse("vm alpha nic 52:54:00:00:00:01 queues 8\nvm alpha nic 52:54:00:00:00:01 queues 1\n",
                      &cs, &err) < 0)
        fail_msg("%s", err.msg);
    n = vt_apply_edit_notice(&cs.edits[0], false);     /* shut off: no restart, the guest still */
    assert_null(strstr(n, "restart"));
    assert_non_null(strstr(n, "ethtool -L eth0 combined 8"));
    free(n);
    n = vt_apply_edit_notice(&cs.edits[1], true);      /* back to one queue: no ethtool */
    assert_non_null(strstr(n, "needs a restart"));
    assert_null(strstr(n, "ethtool"));
    free(n);
    vt_changeset_clear(&cs);
    vt_conn_free(c);
}

/* issue 17: nic coalesce rx-frames. The test driver makes no taps: on a
 * running VM the live part is left out with a warning (scope both) or
 * refused (scope live), and the config is libvirt's <coalesce>; with a tap
 * in the snapshot, a live ioctl step on it comes first. */
static void test_nic_coalesce_steps(void **state)
{
    vt_conn *c = fixture_open(NULL, NULL, false);
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    const vt_step *s;
    vt_domain *d;
    char *x;

    (void)state;
    unlink(logpath);
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 64\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    s = &ap.steps[0];
    assert_int_equal(s->kind, VT_STEP_DEFINE);
    assert_int_equal(s->effect, VT_EFFECT_NEEDS_RESTART);
    assert_string_equal(s->validation, "validated: domain schema and libvirt's parser");
    assert_int_equal(s->nchanges, 1);
    assert_string_equal(s->changes[0].what, "nic 52:54:00:00:00:01 coalesce rx-frames (config)");
    assert_string_equal(s->changes[0].before, "not set (0)");
    assert_string_equal(s->changes[0].after, "64");
    assert_int_equal(ap.nwarnings, 1);
    /* the test driver names a device (testnet0) it never makes */
    assert_string_equal(ap.warnings[0], "line 1: alpha: NIC 52:54:00:00:00:01 coalesce cannot "
                        "change live (no device testnet0 on this host): it takes effect at next "
                        "start");
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    x = inactive_xml(c, "alpha");
    if (!strstr(x, "<coalesce>\n        <rx>\n          <frames max='64'/>"))
        fail_msg("alpha's NIC after the apply:\n%s", strstr(x, "<interface"));
    free(x);
    vt_applyplan_clear(&ap);
    /* the apply log's revert puts the definition's old value back */
    {
        char *plan = NULL, *reverts = NULL;
        if (vt_apply_revert_plan(logpath, NULL, &plan, &reverts, &err) < 0)
            fail_msg("revert: %s", err.msg);
        if (!strstr(plan, "\nvm alpha nic 52:54:00:00:00:01 coalesce rx-frames 0 config\n"))
            fail_msg("revert plan:\n%s", plan);
        free(plan);
        free(reverts);
    }

    /* back to 0: libvirt's element goes */
    assert_int_equal(vt_conn_refresh(c), 0);
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 0 config\n", &ap,
                     &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    assert_string_equal(ap.steps[0].changes[0].before, "64");
    if (vt_apply_run(c, &ap, logpath, NULL, NULL, &err) < 0)
        fail_msg("apply: %s", err.msg);
    x = inactive_xml(c, "alpha");
    assert_null(strstr(x, "coalesce"));
    free(x);
    vt_applyplan_clear(&ap);

    /* a tap in the snapshot (as a QEMU VM has): one live step, then the define */
    d = vt_conn_find_name(c, "alpha");
    assert_non_null(d);
    free(d->live->nics[0].target);
    d->live->nics[0].target = vt_strdup("vtfake0");
    vt_nic_hosts_free(d->nichost, d->nnichost);
    d->nichost = vt_calloc(1, sizeof(*d->nichost));
    d->nnichost = 1;
    d->nichost[0].mac = vt_strdup("52:54:00:00:00:01");
    d->nichost[0].dev = vt_strdup("vtfake0");
    d->nichost[0].has_coalesce = true;
    d->nichost[0].co.rx_frames = 0;
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 32\n", &ap, &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 2);
    s = &ap.steps[0];
    assert_int_equal(s->kind, VT_STEP_NIC_COALESCE);
    assert_int_equal(s->effect, VT_EFFECT_LIVE_NOW);
    assert_string_equal(s->path, "vtfake0");
    assert_int_equal(s->id, 32);
    assert_string_equal(s->changes[0].what,
                        "nic 52:54:00:00:00:01 coalesce rx-frames (live, tap vtfake0)");
    assert_string_equal(s->changes[0].before, "0");
    assert_string_equal(s->changes[0].after, "32");
    assert_string_equal(s->virsh, "ethtool -C vtfake0 rx-frames 32");
    {
        char *sh = vt_apply_export_virsh(&ap, "qemu:///system");
        if (!strstr(sh, "\nethtool -C vtfake0 rx-frames 32   # on the VM's host, not through "
                        "virsh\n# vm alpha: nic 52:54:00:00:00:01 coalesce rx-frames (config): "
                        "not set (0) -> 32\nv define --validate"))
            fail_msg("export:\n%s", sh);
        free(sh);
    }
    assert_int_equal(ap.steps[1].kind, VT_STEP_DEFINE);
    assert_int_equal(ap.steps[1].effect, VT_EFFECT_LIVE_NOW);
    assert_int_equal(ap.nwarnings, 0);
    vt_applyplan_clear(&ap);
    /* the device is not on this host: the ioctl fails, the define is not run */
    if (fixture_prep(c, "vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 32 live\n", &ap,
                     &err) < 0)
        fail_msg("%s", err.msg);
    assert_int_equal(ap.nsteps, 1);
    assert_int_equal(vt_apply_run(c, &ap, logpath, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "alpha: vtfake0: no such device on this host"));
    vt_applyplan_clear(&ap);
    vt_conn_free(c);

    refused("vm alpha nic 52:54:00:00:00:01 coalesce rx-frames 64 live",
            "line 1: alpha: NIC 52:54:00:00:00:01 cannot change live: no device testnet0 on this "
            "host (use scope config: libvirt sets it on the tap at the next start)");
    refused("vm alpha nic 52:54:00:00:00:09 coalesce rx-frames 64",
            "line 1: alpha: the running VM has no NIC with MAC 52:54:00:00:00:09");
    refused("vm alpha nic 52:54:00:00:00:09 coalesce rx-frames 64 config",
            "line 1: alpha: the VM has no NIC with MAC 52:54:00:00:00:09");
    refused("vm gamma nic 52:54:00:00:00:01 coalesce rx-frames 64 live",
            "line 1: gamma is not running: a live change needs a running VM (use scope config)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_nic_queues_notice),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_undo),
        cmocka_unit_test(test_renamed_or_replaced),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_seclabel_edit_valid),
        cmocka_unit_test(test_invalid_edit),
        cmocka_unit_test(test_log_reason),
        cmocka_unit_test(test_numatune_memnodes),
        cmocka_unit_test(test_nic_disk_steps),
        cmocka_unit_test(test_nic_coalesce_steps),
    };
    int rc;

    virSetErrorFunc(NULL, quiet);
    snprintf(logpath, sizeof(logpath), "/tmp/vt-apply-test-%d.log", (int)getpid());
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(logpath);
    return rc;
}
