/* Config edits on a domain's inactive XML, in place with libxml2: only the
 * element an edit is about changes; every other element, attribute,
 * comment and unknown metadata is kept as it was. Pure: XML in, XML out. */
#ifndef VT_XMLEDIT_H
#define VT_XMLEDIT_H

#include "plan.h"
#include "util.h"

/* Apply one edit to the XML; the new XML (caller frees) or NULL with err
 * set (e.g. a disk target that does not exist, removing an IOThread a disk
 * or controller still uses). The input is never modified. */
char *vt_xml_apply_edit(const char *xml, const vt_edit *e, vt_err *err);

#endif
