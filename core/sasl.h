/* libvirt's SASL users: the sasldb that libvirtd's SASL configuration
 * names, changed through the SASL library (sasl_setpass) as saslpasswd2
 * does, never by passing a password to another program; listed through
 * sasldblistusers2 (the database format differs between distributions);
 * and a login checked the way a client makes it (virConnectOpenAuth).
 * Passwords are the caller's buffers: nothing here copies or logs them. */
#ifndef VT_SASL_H
#define VT_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct vt_sasl_opts {
    const char *conf_dir;      /* holds libvirt.conf; NULL = /etc/sasl2 */
    const char *sasldb_path;   /* NULL = sasldb_path of libvirt.conf, else /etc/sasldb2 */
    const char *realm;         /* NULL = this host's name, as libvirtd and saslpasswd2 use */
} vt_sasl_opts;

typedef struct vt_sasl_user {
    char *user;                /* owned */
    char *realm;               /* owned */
} vt_sasl_user;

/* The database the options name, as libvirtd would use it. Caller frees. */
char *vt_sasl_db_path(const vt_sasl_opts *o);

int vt_sasl_list(const vt_sasl_opts *o, vt_sasl_user **users, size_t *n, vt_err *err);
void vt_sasl_users_free(vt_sasl_user *users, size_t n);
bool vt_sasl_user_exists(const vt_sasl_opts *o, const char *user, vt_err *err);

/* add: the user must not exist; passwd: it must. -1 with err in words. */
int vt_sasl_add(const vt_sasl_opts *o, const char *user, const char *pass, size_t len, vt_err *err);
int vt_sasl_passwd(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                   vt_err *err);
int vt_sasl_delete(const vt_sasl_opts *o, const char *user, vt_err *err);

/* Whether user@realm is in the database with this password, asked of
 * the SASL library as a server does (sasl_checkpass), without a daemon
 * or a connection: the demo's login check. -1 with err saying why not. */
int vt_sasl_checkpass(const vt_sasl_opts *o, const char *user, const char *pass, size_t len,
                      vt_err *err);

/* Log in to uri as user. 0, or -1 with libvirt's error and what to fix.
 * libvirt says only "authentication failed" for most failures; with o
 * (the server's SASL conf, when it is this host's) the reason is looked
 * for there too: a mech_list with no security layer on plain TCP. */
int vt_sasl_verify(const char *uri, const char *user, const char *pass, const vt_sasl_opts *o,
                   vt_err *err);

/* Why a mech_list cannot work on transport "tcp" or "tls", or NULL when
 * it can. Static text. */
const char *vt_sasl_mech_problem(const char *mech_list, const char *transport);

/* A user name SASL and sasldb accept: no '@', ':', blanks or controls. */
bool vt_sasl_user_ok(const char *user);

/* Overwrite a secret so that it does not linger in memory. */
void vt_wipe(void *p, size_t n);

#endif
