#include "validate.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xmlutil.h"

/* One lock for the cached schema and the test connection: the console
 * prepares on a worker thread, the batch modes on the main one. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static xmlRelaxNGPtr schema;
static char *schema_path;      /* what `schema` (or `schema_why`) is for */
static char *schema_why;       /* why there is no schema at schema_path */
static virConnectPtr testconn;

const char *vt_validate_schemadir(void)
{
    const char *d = getenv("VIRT_TUNE_SCHEMADIR");

    return d && *d ? d : "/usr/share/libvirt/schemas";
}

/* The first message of a check, kept; the rest (libxml2 reports every
 * element on the way up) would only repeat it. */
typedef struct collect {
    char msg[512];
} collect;

static void on_structured(void *ctx, const xmlError *e)
{
    collect *c = ctx;

    if (!c || c->msg[0] || !e || !e->message)
        return;
    if (e->line > 0)
        snprintf(c->msg, sizeof(c->msg), "line %d: %s", e->line, e->message);
    else
        snprintf(c->msg, sizeof(c->msg), "%s", e->message);
    vt_rstrip(c->msg);
}

/* libxml2 2.12 made the error const */
#if LIBXML_VERSION >= 21200
static void on_structured_compat(void *ctx, const xmlError *e)
#else
static void on_structured_compat(void *ctx, xmlError *e)
#endif
{
    on_structured(ctx, e);
}

static void on_generic(void *ctx, const char *msg, ...)
{
    collect *c = ctx;

    if (c && !c->msg[0] && msg)
        snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

/* Anything libxml2 would print while we run goes to c, not to the
 * terminal the console draws on; the thread's handlers are put back. */
typedef struct handlers {
    xmlGenericErrorFunc gfunc;
    void *gctx;
    xmlStructuredErrorFunc sfunc;
    void *sctx;
} handlers;

static void quiet_xml(handlers *h, collect *c)
{
    h->gfunc = xmlGenericError;
    h->gctx = xmlGenericErrorContext;
    h->sfunc = xmlStructuredError;
    h->sctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(c, on_generic);
    xmlSetStructuredErrorFunc(c, on_structured_compat);
}

static void restore_xml(const handlers *h)
{
    xmlSetGenericErrorFunc(h->gctx, h->gfunc);
    xmlSetStructuredErrorFunc(h->sctx, h->sfunc);
}

/* Under the lock. The schema of that directory, parsed at its first use
 * (a few hundred ms: it includes some 30 files) and kept. */
static xmlRelaxNGPtr load_schema(const char *path, vt_err *err)
{
    xmlRelaxNGParserCtxtPtr pc;
    collect c = { { 0 } };
    struct stat st;

    if (schema_path && strcmp(schema_path, path) == 0) {
        if (!schema)
            vt_err_set(err, "%s", schema_why);
        return schema;
    }
    if (schema)
        xmlRelaxNGFree(schema);
    schema = NULL;
    free(schema_path);
    free(schema_why);
    schema_why = NULL;
    schema_path = vt_strdup(path);
    if (stat(path, &st) < 0) {
        schema_why = vt_asprintf(_("schema not checked (no domain.rng at %s)"), path);
    } else if ((pc = xmlRelaxNGNewParserCtxt(path))) {
        xmlRelaxNGSetParserStructuredErrors(pc, on_structured_compat, &c);
        schema = xmlRelaxNGParse(pc);
        xmlRelaxNGFreeParserCtxt(pc);
        if (!schema)
            schema_why = vt_asprintf(_("schema not checked (%s does not load: %s)"), path,
                                     c.msg[0] ? c.msg : _("unknown error"));
    } else {
        schema_why = vt_asprintf(_("schema not checked (cannot read %s)"), path);
    }
    if (!schema)
        vt_err_set(err, "%s", schema_why);
    return schema;
}

int vt_validate_schema(const char *xml, vt_err *err)
{
    char *path = vt_asprintf("%s/domain.rng", vt_validate_schemadir());
    collect c = { { 0 } };
    handlers h;
    xmlRelaxNGPtr rng;
    xmlRelaxNGValidCtxtPtr vc;
    xmlDoc *doc;
    int ret = 1, rc;

    pthread_mutex_lock(&lock);
    quiet_xml(&h, &c);
    if (!(rng = load_schema(path, err)))
        goto cleanup;
    if (!(doc = vt_xml_read(xml, "domain XML", err))) {
        ret = -1;
        goto cleanup;
    }
    vc = xmlRelaxNGNewValidCtxt(rng);
    if (!vc) {
        xmlFreeDoc(doc);
        vt_err_set(err, _("schema not checked (no validation context)"));
        goto cleanup;
    }
    memset(&c, 0, sizeof(c));
    xmlRelaxNGSetValidStructuredErrors(vc, on_structured_compat, &c);
    rc = xmlRelaxNGValidateDoc(vc, doc);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (rc == 0) {
        ret = 0;
    } else if (rc > 0) {
        vt_err_set(err, _("libvirt's domain schema refuses it: %s"),
                   c.msg[0] ? c.msg : "invalid (no message)");
        ret = -1;
    } else {
        vt_err_set(err, _("schema not checked (validator error: %s)"), c.msg[0] ? c.msg : "?");
    }

cleanup:
    restore_xml(&h);
    pthread_mutex_unlock(&lock);
    free(path);
    return ret;
}

static void quiet_vir(void *ctx, virErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static const char *vir_msg(void)
{
    virErrorPtr e = virGetLastError();

    return e && e->message ? e->message : _("unknown libvirt error");
}

/* Under the lock. The test driver starts with a running domain "test";
 * it goes, so that no VM's name or UUID clashes with it. */
static virConnectPtr test_connection(vt_err *err)
{
    virDomainPtr *doms = NULL;
    int n, i;

    if (testconn)
        return testconn;
    testconn = virConnectOpen("test:///default");
    if (!testconn) {
        vt_err_set(err, _("libvirt's parser not checked (no test:///default connection: %s)"), vir_msg());
        return NULL;
    }
    virConnSetErrorFunc(testconn, NULL, quiet_vir);
    n = virConnectListAllDomains(testconn, &doms, 0);
    for (i = 0; i < n; i++) {
        if (virDomainIsActive(doms[i]) == 1)
            virDomainDestroy(doms[i]);
        virDomainUndefine(doms[i]);
        virDomainFree(doms[i]);
    }
    free(doms);
    return testconn;
}

int vt_validate_parse(const char *xml, vt_err *err)
{
    virDomainPtr dom;
    int ret = 1;

    pthread_mutex_lock(&lock);
    if (!test_connection(err))
        goto cleanup;
    /* no VALIDATE flag: the schema is the other check, and which ran is
       reported on its own */
    dom = virDomainDefineXMLFlags(testconn, xml, 0);
    if (!dom) {
        vt_err_set(err, _("libvirt's parser refuses it: %s"), vir_msg());
        ret = -1;
        goto cleanup;
    }
    /* the private test driver keeps nothing between checks */
    virDomainUndefine(dom);
    virDomainFree(dom);
    ret = 0;

cleanup:
    pthread_mutex_unlock(&lock);
    return ret;
}

/* One check of the edit: 0 passed, 1 not run (why in *note), -1 the edit
 * broke it (err). */
static int check(int (*fn)(const char *, vt_err *), bool schema_check, const char *original,
                 const char *edited, char **note, vt_err *err)
{
    vt_err e1 = { { 0 } }, e0 = { { 0 } };
    int rc = fn(edited, &e1);

    if (rc == 0)
        return 0;
    if (rc > 0) {
        *note = vt_strdup(e1.msg);
        return 1;
    }
    if (original && fn(original, &e0) < 0) {
        /* not the edit's doing: the definition as it is fails too */
        *note = schema_check
                    ? vt_asprintf(_("schema not checked (it refuses the definition before the edit "
                                    "too: %s)"), e0.msg)
                    : vt_asprintf(_("libvirt's parser not checked (it refuses the definition before "
                                    "the edit too: %s)"), e0.msg);
        return 1;
    }
    vt_err_set(err, "%s", e1.msg);
    return -1;
}

int vt_validate_edit(const char *original, const char *edited, vt_validation *out, vt_err *err)
{
    char *snote = NULL, *pnote = NULL;
    int rs, rp;

    vt_validation_clear(out);
    rs = check(vt_validate_schema, true, original, edited, &snote, err);
    if (rs < 0)
        return -1;
    rp = check(vt_validate_parse, false, original, edited, &pnote, err);
    if (rp < 0) {
        free(snote);
        return -1;
    }
    out->schema = rs == 0;
    out->parser = rp == 0;
    if (rs == 0 && rp == 0)
        out->text = vt_strdup(_("validated: domain schema and libvirt's parser"));
    else if (rs == 0)
        out->text = vt_asprintf(_("validated: domain schema; %s"), pnote);
    else if (rp == 0)
        out->text = vt_asprintf(_("validated: libvirt's parser; %s"), snote);
    else
        out->text = vt_asprintf(_("not validated: %s; %s"), snote, pnote);
    free(snote);
    free(pnote);
    return 0;
}

void vt_validation_clear(vt_validation *v)
{
    if (!v)
        return;
    free(v->text);
    v->text = NULL;
    v->schema = v->parser = false;
}
