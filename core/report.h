/* The whole snapshot of a connection as JSON (schema in virt-tune(1)) or as
 * text for a person. No curses: --report runs without a terminal. */
#ifndef VT_REPORT_H
#define VT_REPORT_H

#include <json-c/json.h>
#include <stdio.h>

#include "conn.h"

json_object *vt_report_json(const vt_conn *c);   /* caller puts */
char *vt_report_json_string(const vt_conn *c);   /* pretty; caller frees */
int vt_report_json_write(const vt_conn *c, FILE *out);   /* -1 on write error */
char *vt_report_text(const vt_conn *c);          /* caller frees */

#endif
