/* libvirt remote access: what is set up now (libvirtd.conf, virtproxyd.conf
 * for modular daemons, enabled systemd socket units, the SASL conf and
 * its database) with its findings, and the set-up of one of three
 * transports as file changes and commands, written only when asked. */
#ifndef VT_REMOTE_H
#define VT_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "confread.h"
#include "util.h"

typedef enum {
    VT_RSEV_INFO,
    VT_RSEV_WARN,
    VT_RSEV_FAIL,
    VT_RSEV_LAST,
} vt_rsev;

typedef struct vt_remote_finding {
    vt_rsev severity;
    const char *topic;        /* static: the advisor's topic, "sasl" (who may
                                 log in) or "transport" (is it encrypted) */
    char *text;               /* owned: English, for the advisor and JSON */
    char *text_l10n;          /* owned: the same in the user's language, for display */
} vt_remote_finding;

/* What a person reads: the text in the user's language, else English. */
static inline const char *vt_remote_finding_text(const vt_remote_finding *f)
{
    return f->text_l10n ? f->text_l10n : f->text;
}

typedef struct vt_remote_status {
    vt_remote_access ra;      /* libvirtd.conf, sasl2/libvirt.conf */
    char *virtproxyd_conf_path;   /* owned; NULL when absent */
    vt_conf virtproxyd;
    char **sockets;           /* owned: enabled libvirtd-tcp.socket and the like */
    size_t nsockets;
    char *sasldb_path;        /* owned: the database in use (default when unset) */
    bool sasldb_present;
    unsigned sasldb_mode;
    bool sasldb_world_readable;
    long users;               /* -1 unknown */
    vt_remote_finding *findings;   /* owned */
    size_t nfindings;
} vt_remote_status;

/* Everything below etc_root (/etc or a stand-in): enabled socket units
 * are the links in systemd/system/sockets.target.wants. */
void vt_remote_status_read(vt_remote_status *s, const char *etc_root);
void vt_remote_status_clear(vt_remote_status *s);
const char *vt_rsev_name(vt_rsev s);

typedef enum {
    VT_SETUP_TLS_SCRAM,       /* recommended */
    VT_SETUP_TCP_GSSAPI,
    VT_SETUP_TCP_DIGEST,      /* the guide's example; deprecated */
    VT_SETUP_LAST,
} vt_setup_transport;

typedef struct vt_setup_file {
    char *path;               /* owned */
    char *before;             /* owned; NULL: a new file */
    char *after;              /* owned */
    char *diff;               /* owned */
} vt_setup_file;

typedef struct vt_setup_plan {
    vt_setup_transport transport;
    vt_setup_file files[4];
    size_t nfiles;
    char **commands;          /* owned: to run after writing, in order */
    size_t ncommands;
    char **notes;             /* owned: what else is needed or changes */
    size_t nnotes;
    char *uri;                /* owned: what a client connects to */
    bool sasldb_users;        /* users are made in the sasldb (scram, digest-md5);
                                 false for gssapi: they are Kerberos principals */
} vt_setup_plan;

const char *vt_setup_transport_name(vt_setup_transport t);   /* "tls-scram", ... */
int vt_setup_transport_parse(const char *s, vt_setup_transport *out);

/* 0 when addr is an IPv4 or IPv6 address or a name that resolves
 * (getaddrinfo), else -1 saying why. */
int vt_setup_listen_check(const char *addr, vt_err *err);

/* The changes for transport t below etc_root (listen_addr may be NULL;
 * unit_dir NULL = the system's). Refused (-1), nothing written, when a
 * file to change does not parse, when listen_addr fails
 * vt_setup_listen_check, or for TLS when a certificate file libvirtd
 * needs (pki/CA/cacert.pem, pki/libvirt/servercert.pem,
 * pki/libvirt/private/serverkey.pem below etc_root) is missing: err names
 * the missing ones and how they are made. */
int vt_setup_prepare(const char *etc_root, const char *unit_dir, vt_setup_transport t,
                     const char *listen_addr, vt_setup_plan *out, vt_err *err);
/* The files whose content the plan changes (a new file counts). */
size_t vt_setup_nchanged(const vt_setup_plan *p);
/* Write the files that change (a file changed since preparing is a
 * conflict: nothing is written), each with a dated backup, owner, mode
 * and context kept. The number of files written (0: all were already as
 * needed), or -1. */
int vt_setup_write(const vt_setup_plan *p, vt_err *err);
void vt_setup_plan_clear(vt_setup_plan *p);
/* Run one of the plan's commands, split at blanks, without a shell; with
 * quiet its input and output are /dev/null (the console owns the
 * terminal). 0 when it exits 0. */
int vt_setup_run(const char *cmd, bool quiet);

/* The whole plan as text: notes, diffs, commands. Caller frees. */
char *vt_setup_describe(const vt_setup_plan *p);

#endif
