/* Readers for the two config formats of libvirt remote access: libvirt's
 * own ("key = value", strings in double quotes, integers, [lists], '#'
 * comments) and Cyrus SASL's ("key: value"). Pure: text in, entries out.
 * Read-only here; the writers that keep comments and order come with the
 * SASL set-up. */
#ifndef VT_CONFREAD_H
#define VT_CONFREAD_H

#include <stddef.h>

#include "util.h"

typedef struct vt_conf_entry {
    char *key;        /* owned */
    char *value;      /* owned: string without quotes, integer as text,
                         list as "a, b" */
    int line;
} vt_conf_entry;

typedef struct vt_conf {
    vt_conf_entry *entries;   /* owned, in file order; a later key wins */
    size_t n;
} vt_conf;

/* -1 with "line N: why" on anything libvirt would not accept. */
int vt_conf_parse_libvirt(const char *text, vt_conf *out, vt_err *err);
int vt_conf_parse_sasl(const char *text, vt_conf *out, vt_err *err);
const char *vt_conf_get(const vt_conf *c, const char *key);   /* last one, or NULL */
void vt_conf_clear(vt_conf *c);

/* What virt-tune shows about remote access, read below etc_root. */
typedef struct vt_remote_access {
    char *libvirtd_conf_path;     /* owned */
    char *libvirtd_why;           /* owned: set when unreadable/unparsable */
    vt_conf libvirtd;
    char *sasl_conf_path;         /* owned */
    char *sasl_why;               /* owned */
    vt_conf sasl;
} vt_remote_access;

void vt_remote_access_read(vt_remote_access *ra, const char *etc_root);
void vt_remote_access_clear(vt_remote_access *ra);

#endif
