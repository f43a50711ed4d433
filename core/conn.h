/* One libvirt connection and the snapshot virt-tune keeps of it: the host
 * facts and every domain. No globals: a console with several hosts holds
 * several vt_conn.
 *
 * A refresh costs one bulk virConnectGetAllDomainStats call, plus the XML
 * (live + inactive) and live label of each domain that is new or that a
 * libvirt domain event marked as changed. On an unchanged fleet it makes no
 * per-domain call. Without a running event loop (vt_events_start) every
 * refresh re-reads every definition, which is right for one-shot use. */
#ifndef VT_CONN_H
#define VT_CONN_H

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdbool.h>

#include "agent.h"
#include "confread.h"
#include "domxml.h"
#include "host.h"
#include "proc.h"
#include "counters.h"
#include "tap.h"
#include "util.h"

typedef struct vt_iothread_stats {
    unsigned id;
    long long poll_max_ns, poll_grow, poll_shrink;   /* -1 = unknown */
} vt_iothread_stats;

typedef struct vt_domain {
    char *uuid;                 /* owned */
    char *name;                 /* owned */
    int state;                  /* virDomainState */
    int reason;
    bool autostart;             /* starts with the host (virsh autostart) */
    vt_domdef *live;            /* owned; the running definition, or the
                                   config one when the domain is off */
    vt_domdef *config;          /* owned; inactive definition */
    char *config_xml;           /* owned; inactive XML as libvirt gave it */
    char *live_xml;             /* owned; running XML (the inactive one when off) */
    char *live_label;           /* owned; label libvirt gave the running VM
                                   (live XML) */
    char *process_label;        /* owned; SELinux context of the QEMU
                                   process (procfs attr/current), as
                                   `ps -eZ` shows it; NULL when unknown */
    int sandbox;                /* QEMU's seccomp sandbox on its command line
                                   (-sandbox on): 1, 0, -1 unknown (not
                                   running, remote, no process found) */
    /* From the bulk stats */
    unsigned vcpus_current;
    unsigned long long balloon_kib;
    bool haltpoll_present;
    unsigned long long haltpoll_success_ns, haltpoll_fail_ns;
    vt_iothread_stats *iostats; /* owned */
    size_t niostats;
    vt_dom_counters counters;   /* owned: cumulative, for core/live.c */
    /* Where the memory really is */
    int pid;                    /* QEMU process, -1 unknown */
    bool spread_present;
    unsigned long long *spread_kib;   /* owned, index = node */
    unsigned long long *spread_huge_kib;   /* owned, as spread_kib: the part on
                                              huge pages (hugetlbfs) */
    int spread_nnodes;
    char *spread_why;           /* owned; why there is no spread */
    vt_nic_host *nichost;       /* owned: one per NIC of the running definition:
                                   its host tap, MTU and coalescing (tap.h),
                                   read at each refresh */
    size_t nnichost;
    vt_agent_info agent;        /* owned; what the guest agent allows, asked
                                   when the definition is read (and again
                                   after a failure, at most every
                                   VT_AGENT_RETRY_MS) */
    unsigned nfindings;         /* warnings and failures of the advisor, set by the console */
    unsigned nfails;            /* the failures among them */
    /* Refresh bookkeeping */
    bool dirty;
    bool seen;
} vt_domain;

typedef struct vt_conn_counters {
    unsigned long refreshes;
    unsigned long stats_calls;
    unsigned long xml_fetches;
    unsigned long proc_scans;
    unsigned long reconnects;
} vt_conn_counters;

typedef struct vt_conn_opts {
    const char *uri;            /* NULL: libvirt default (LIBVIRT_DEFAULT_URI) */
    const char *sysfs_root;     /* NULL: "/sys" */
    const char *procfs_root;    /* NULL: "/proc" */
    const char *etc_root;       /* NULL: "/etc" */
    bool readonly;
    int open_wait_ms;           /* > 0: give up an open the daemon does not
                                   answer after this long (not for ssh
                                   transports, which may ask the user) */
} vt_conn_opts;

typedef struct vt_conn {
    char *uri;                  /* owned, as libvirt reports it */
    char *sysfs_root, *procfs_root, *etc_root;   /* owned */
    vt_remote_access remote_access;   /* libvirtd.conf + SASL conf (local only) */
    vt_qemu_conf qemu_conf;     /* libvirt/qemu.conf (local only; path NULL when remote) */
    bool readonly;
    bool readonly_fallback;     /* asked read-write, got read-only (no permission) */
    bool remote;                /* the host's files are not ours to read */
    int encrypted;              /* virConnectIsEncrypted at open: 1 yes (TLS, or
                                   a SASL session layer on TCP), 0 no (also
                                   ssh, whose encryption libvirt does not
                                   see, and the UNIX socket), -1 unknown */
    bool pids_only;             /* a refresh finds the QEMU processes but reads
                                   neither numa_maps nor labels (--top: the
                                   kernel's numa_maps walk costs more than
                                   the rest of a sample) */
    bool in_process;            /* driver runs inside this process (test,
                                   qemu:///embed): no daemon round trips */
    virConnectPtr conn;
    vt_host host;
    vt_domain **doms;           /* owned, sorted by uuid */
    size_t ndoms;
    vt_pidmap pids;
    /* Events: the callbacks run in the event thread and only mark. */
    int cb_ids[8];
    size_t ncb;
    bool events;
    pthread_mutex_t lock;
    char **pending;             /* owned uuids marked by events; lock */
    size_t npending;
    bool pending_all;           /* lock; re-read every definition */
    struct vt_attempt *attempt; /* a reconnect (or a first open) still under way */
    long long attempt_at_ms;    /* when the first open's attempt started */
    char *asked_uri;            /* owned; the URI given to the open (NULL: default) */
    struct vt_refresh_job *job; /* a refresh still under way */
    bool closed;                /* lock; the close callback fired */
    int close_reason;           /* lock; virConnectCloseReason */
    bool topology_done;
    vt_conn_counters counters;
    vt_err err;
} vt_conn;

#define VT_AGENT_RETRY_MS 30000

/* Start libvirt's default event loop in a thread (once per process). */
int vt_events_start(vt_err *err);
bool vt_events_running(void);

vt_conn *vt_conn_open(const vt_conn_opts *opts, vt_err *err);
/* The open in two halves, for a console with several hosts, none of
 * which may hold the keyboard: start gives a vt_conn without a connection
 * (c->conn NULL; c->uri the URI asked for) whose open runs in a thread.
 * Wait gives 1 while the daemon has not answered (after waiting up to
 * wait_ms), 0 once open (c is then as vt_conn_open gives it), -1 with
 * c->err when the open failed; the next wait starts a new attempt. The
 * open is never given up on: a stopped daemon is waited for. */
vt_conn *vt_conn_open_start(const vt_conn_opts *opts);
int vt_conn_open_wait(vt_conn *c, int wait_ms);
/* How long the attempt under way has waited (0: none, or open). */
long long vt_conn_open_waited_ms(const vt_conn *c);

/* Accepts NULL. Closing the connection is waited for at most
 * VT_CLOSE_WAIT_MS: with a daemon that does not answer, the vt_conn is
 * left to a thread that ends with the close (or the process). */
#define VT_CLOSE_WAIT_MS 1000
void vt_conn_free(vt_conn *c);

/* Refresh the snapshot: waits for the daemon. -1 with c->err. */
int vt_conn_refresh(vt_conn *c);

/* The same in two halves, for a console that must not wait on a daemon
 * that stops answering. Start sends the round trips off to a thread of
 * their own (the in-process test driver runs them at once); until wait
 * has merged them, the snapshot is unchanged and may be read, and the
 * connection may be used for other calls. Wait gives 1 while the refresh
 * is still under way (after waiting up to wait_ms, -1 = for ever), else
 * merges it: 0, or -1 with c->err. Without a refresh under way it gives 0.
 * A refresh is never cancelled: reconnecting or freeing the vt_conn leaves
 * it to end on its own. */
typedef struct vt_refresh_job vt_refresh_job;
int vt_conn_refresh_start(vt_conn *c);
int vt_conn_refresh_wait(vt_conn *c, int wait_ms);
bool vt_conn_refresh_running(const vt_conn *c);
long long vt_conn_refresh_waited_ms(const vt_conn *c);   /* 0 when none */
/* How many guest agents the refresh under way is asking right now (each
 * bounded by VT_AGENT_TIMEOUT_S): a slow refresh that is waiting on a
 * guest, not on the daemon. */
int vt_conn_refresh_agents_asking(const vt_conn *c);

/* Keepalive on daemon connections while the event loop runs: a daemon
 * that stops answering fails calls after about INTERVAL * (COUNT + 1) s. */
#define VT_KEEPALIVE_INTERVAL 3
#define VT_KEEPALIVE_COUNT 3

/* True when the daemon is gone: the close callback fired or libvirt says
 * the connection is dead. Cheap; no round trip. */
bool vt_conn_lost(vt_conn *c);

/* Open the same URI again in the mode first asked for, re-register the
 * events and mark every definition for re-reading at the next refresh.
 * The snapshot (c->doms) is kept until that refresh. The open runs in a
 * thread and is waited for at most wait_ms: a daemon that accepts but
 * does not answer leaves it pending, and the next call goes on waiting
 * for the same attempt. -1 with c->err (failed, or still pending). */
int vt_conn_reconnect(vt_conn *c, int wait_ms);

/* How many domains the host has, active and defined (-1 unknown): what
 * a console says it is reading before the first refresh ends. */
int vt_conn_count_domains(vt_conn *c);

/* Lookups; NULL when absent. */
vt_domain *vt_conn_find_uuid(const vt_conn *c, const char *uuid);
vt_domain *vt_conn_find_name(const vt_conn *c, const char *name);

/* The transport of a libvirt URI, static text: the "+name" of the scheme
 * ("ssh", "libssh", "tls", "tcp", "unix", "ext", ...), else "tls" for a
 * URI that names a host (libvirt's default) and "unix" for a local one. */
const char *vt_uri_transport(const char *uri);
/* Whether a connection over that transport is encrypted: 1 yes (ssh,
 * libssh, tls; unix never leaves the host), 0 no, -1 only the daemon
 * knows (tcp: encrypted when SASL negotiated a security layer; pass
 * encrypted, virConnectIsEncrypted's answer, or -1). */
int vt_uri_transport_secure(const char *uri, int encrypted);

const char *vt_domain_state_name(int state);
bool vt_domain_active(const vt_domain *d);

/* Effective CPU affinity of an unpinned thread (vt_cpumap_default_affinity):
 * <vcpu cpuset=> when set, else every host CPU. Caller frees. */
char *vt_domain_default_affinity(const vt_conn *c, const vt_domdef *def);

#endif
