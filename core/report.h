/* The whole snapshot of a connection as JSON (schema in virt-tune(1)) or as
 * text for a person. No curses: --report runs without a terminal. */
#ifndef VT_REPORT_H
#define VT_REPORT_H

#include <json-c/json.h>

#include "conn.h"

json_object *vt_report_json(const vt_conn *c);   /* caller puts */
char *vt_report_json_string(const vt_conn *c);   /* pretty; caller frees */
char *vt_report_text(const vt_conn *c);          /* caller frees */

#endif
