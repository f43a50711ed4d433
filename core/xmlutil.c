#include "xmlutil.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

xmlDoc *vt_xml_read(const char *xml, const char *what, vt_err *err)
{
    xmlDoc *doc;

    if (!xml || !*xml) {
        vt_err_set(err, _("empty %s"), what);
        return NULL;
    }
    /* No XML_PARSE_NOENT (it would expand entities), no DTD loading, no
     * network: the text may come from anyone who can define a domain. */
    doc = xmlReadMemory(xml, (int)strlen(xml), "input.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char msg[256] = "parse error";
        if (e && e->message) {
            snprintf(msg, sizeof(msg), "%s", e->message);
            vt_rstrip(msg);
        }
        vt_err_set(err, _("%s is not well-formed XML: %s"), what, msg);
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        vt_err_set(err, _("%s carries a DOCTYPE; refused"), what);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

bool vt_xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

xmlNode *vt_xml_child(const xmlNode *parent, const char *name)
{
    xmlNode *n;

    if (!parent)
        return NULL;
    for (n = parent->children; n; n = n->next)
        if (vt_xml_is(n, name))
            return n;
    return NULL;
}

char *vt_xml_attr(const xmlNode *n, const char *name)
{
    xmlChar *v;
    char *s;

    if (!n)
        return NULL;
    v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    s = vt_strdup((const char *)v);
    xmlFree(v);
    return s;
}

char *vt_xml_text(const xmlNode *n)
{
    xmlChar *v;
    char *s;

    if (!n)
        return NULL;
    v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    s = vt_strdup((const char *)v);
    xmlFree(v);
    return s;
}

unsigned long long vt_xml_attr_ull(const xmlNode *n, const char *name,
                                   unsigned long long dflt)
{
    VT_AUTOFREE char *v = vt_xml_attr(n, name);
    unsigned long long r;

    if (v && vt_parse_ull(v, &r) == 0)
        return r;
    return dflt;
}

unsigned long long vt_xml_text_ull(const xmlNode *n, unsigned long long dflt)
{
    VT_AUTOFREE char *v = vt_xml_text(n);
    unsigned long long r;

    if (v && vt_parse_ull(vt_rstrip(v), &r) == 0)
        return r;
    return dflt;
}

char *vt_xml_pretty(const char *xml)
{
    xmlDoc *doc;
    xmlBuffer *buf;
    char *out;

    if (!xml || !*xml)
        return vt_strdup("");
    doc = xmlReadMemory(xml, (int)strlen(xml), "input.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
    if (!doc || doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return vt_strdup(xml);
    }
    buf = xmlBufferCreate();
    if (!buf)
        abort();
    xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 1);
    out = vt_asprintf("%s\n", (const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}
