/* The two config formats of libvirt remote access: libvirt's own ("key =
 * value", strings in double quotes, integers, [lists], '#' comments) and
 * Cyrus SASL's ("key: value"). The parsers and writers are pure (text in,
 * entries or text out); the writers change one setting's value in place
 * and keep every comment, the order and unknown keys. The one function
 * that touches the system is vt_remote_access_read, at the end: it reads
 * libvirtd.conf and sasl2/libvirt.conf below an etc root. */
#ifndef VT_CONFREAD_H
#define VT_CONFREAD_H

#include <stddef.h>

#include "util.h"

typedef struct vt_conf_entry {
    char *key;        /* owned */
    char *value;      /* owned: string without quotes, integer as text,
                         list as "a, b" */
    int line;
    size_t vstart, vend;   /* the value's bytes in the parsed text */
} vt_conf_entry;

typedef struct vt_conf {
    vt_conf_entry *entries;   /* owned, in file order; a later key wins */
    size_t n;
} vt_conf;

/* -1 with "line N: why" on anything libvirt would not accept. */
int vt_conf_parse_libvirt(const char *text, vt_conf *out, vt_err *err);
int vt_conf_parse_sasl(const char *text, vt_conf *out, vt_err *err);
const char *vt_conf_get(const vt_conf *c, const char *key);   /* last one, or NULL */

/* The text with `key` set: every occurrence's value replaced in place;
 * when absent, a line added after its commented-out template ("#key = ..."
 * as libvirt ships it) or at the end. libvirt: `literal` is written as is
 * ("1", "\"sasl\"", "[ \"a\" ]"); SASL: the plain value. A text that does not
 * parse is refused (NULL, err set) rather than rewritten. Caller frees. */
char *vt_conf_set_libvirt(const char *text, const char *key, const char *literal, vt_err *err);
char *vt_conf_set_sasl(const char *text, const char *key, const char *value, vt_err *err);
/* A libvirt conf string literal for s, quotes escaped. Caller frees. */
char *vt_conf_quote(const char *s);
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

/* QEMU driver settings virt-tune judges, from libvirt/qemu.conf below an
 * etc root: seccomp_sandbox (libvirt's default, when the key is absent or
 * commented out, is 1). */
typedef struct vt_qemu_conf {
    char *path;                   /* owned */
    int seccomp_sandbox;          /* 0 or 1 in effect; -1 unknown (unreadable) */
    int sandbox_line;             /* its line in the file; 0: not set (default) */
    char *why;                    /* owned: set when the file is unreadable/unparsable */
} vt_qemu_conf;

void vt_qemu_conf_read(vt_qemu_conf *q, const char *etc_root);
/* Where seccomp_sandbox comes from, for evidence and reports: "PATH line
 * N", "default (not set in PATH)" or why it is unknown. Caller frees. */
char *vt_qemu_conf_sandbox_source(const vt_qemu_conf *q);
void vt_qemu_conf_clear(vt_qemu_conf *q);

#endif
