/* Is an edited domain definition one libvirt will take? Two checks, each
 * of which may be unavailable on a host, so a caller can say which ran:
 * libvirt's RelaxNG domain schema (the files libvirt installs, parsed once
 * per process), and libvirt's own parser, by defining the XML on a private
 * in-process test driver connection (test:///default: nothing on the host
 * changes). No output on stderr: libxml2's and libvirt's messages go into
 * the vt_err. Used by apply.c before it calls a define "validated". */
#ifndef VT_VALIDATE_H
#define VT_VALIDATE_H

#include <stdbool.h>

#include "util.h"

/* $VIRT_TUNE_SCHEMADIR, else /usr/share/libvirt/schemas. */
const char *vt_validate_schemadir(void);

/* 0: valid; -1: the schema refuses it (err: the validator's first
 * message); 1: not checked (err says why, e.g. "no domain.rng at DIR"). */
int vt_validate_schema(const char *xml, vt_err *err);

/* 0: libvirt's parser takes it; -1: it refuses it (err: libvirt's
 * message); 1: not checked (no test driver connection). */
int vt_validate_parse(const char *xml, vt_err *err);

/* What vt_validate_edit found out; text owned. */
typedef struct vt_validation {
    bool schema;               /* the schema check ran and passed */
    bool parser;               /* the parser check ran and passed */
    char *text;                /* owned: "validated: domain schema and libvirt's parser",
                                  or which ran and why the other did not */
} vt_validation;

/* Both checks of `edited`. A check that refuses the original definition
 * too (a test driver limit, a schema older than the XML) says nothing about
 * the edit: it counts as not run, with the reason. -1 with err (the check
 * and its message) when the edit makes a definition a check refuses. */
int vt_validate_edit(const char *original, const char *edited, vt_validation *out, vt_err *err);
void vt_validation_clear(vt_validation *v);

#endif
