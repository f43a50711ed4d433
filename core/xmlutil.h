/* libxml2 helpers shared by the XML readers: safe parsing (no network, no
 * DTD, no entity expansion) and walking children by element name. */
#ifndef VT_XMLUTIL_H
#define VT_XMLUTIL_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "util.h"

/* Parse untrusted XML; refuses a DOCTYPE. NULL with err set. */
xmlDoc *vt_xml_read(const char *xml, const char *what, vt_err *err);

/* The document re-indented by libxml2, quotes and spacing made uniform, no
 * XML declaration: two versions of a document shown this way differ only
 * where their content does. The input itself when it cannot be parsed.
 * Caller frees. */
char *vt_xml_pretty(const char *xml);

bool vt_xml_is(const xmlNode *n, const char *name);
xmlNode *vt_xml_child(const xmlNode *parent, const char *name);
char *vt_xml_attr(const xmlNode *n, const char *name);      /* caller frees */
char *vt_xml_text(const xmlNode *n);                        /* caller frees */
unsigned long long vt_xml_attr_ull(const xmlNode *n, const char *name,
                                   unsigned long long dflt);
unsigned long long vt_xml_text_ull(const xmlNode *n, unsigned long long dflt);

#endif
