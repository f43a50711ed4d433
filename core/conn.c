#include "conn.h"

#include <libvirt/virterror.h>
#include <errno.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "caps.h"
#include "cpumap.h"
#include "cpuset.h"
#include "sriov.h"
#include "sysparse.h"

/* libvirt has one event loop per process, so this flag is process-wide by
 * libvirt's design, not ours. */
static pthread_once_t events_once = PTHREAD_ONCE_INIT;
static bool events_ok;

static void *event_thread(void *arg)
{
    (void)arg;
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

static void events_init(void)
{
    pthread_t t;

    if (virEventRegisterDefaultImpl() < 0)
        return;
    if (pthread_create(&t, NULL, event_thread, NULL) != 0)
        return;
    pthread_detach(t);
    events_ok = true;
}

int vt_events_start(vt_err *err)
{
    pthread_once(&events_once, events_init);
    if (!events_ok) {
        vt_err_set(err, _("cannot start the libvirt event loop"));
        return -1;
    }
    return 0;
}

bool vt_events_running(void)
{
    return events_ok;
}

static const char *virt_last_error(void)
{
    virErrorPtr e = virGetLastError();
    return e && e->message ? e->message : _("unknown libvirt error");
}

/* ---- events: mark, never fetch ---- */

static void mark_dirty(vt_conn *c, virDomainPtr dom)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return;
    pthread_mutex_lock(&c->lock);
    char **slot = vt_array_push(&c->pending, &c->npending, sizeof(char *));
    *slot = vt_strdup(uuid);
    pthread_mutex_unlock(&c->lock);
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
                        int detail, void *opaque)
{
    mark_dirty(opaque, dom);
    return 0;
}

static void on_tunable(virConnectPtr conn, virDomainPtr dom,
                       virTypedParameterPtr params, int nparams, void *opaque)
{
    mark_dirty(opaque, dom);
}

static void on_device(virConnectPtr conn, virDomainPtr dom, const char *alias,
                      void *opaque)
{
    mark_dirty(opaque, dom);
}

static void on_metadata(virConnectPtr conn, virDomainPtr dom, int type,
                        const char *nsuri, void *opaque)
{
    mark_dirty(opaque, dom);
}

static void on_agent(virConnectPtr conn, virDomainPtr dom, int state,
                     int reason, void *opaque)
{
    mark_dirty(opaque, dom);
}

static void register_events(vt_conn *c)
{
    static const struct {
        int id;
        virConnectDomainEventGenericCallback cb;
    } evs[] = {
        { VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle) },
        { VIR_DOMAIN_EVENT_ID_TUNABLE, VIR_DOMAIN_EVENT_CALLBACK(on_tunable) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(on_device) },
        { VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata) },
        { VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_agent) },
    };
    size_t i;
    int id;

    if (!vt_events_running())
        return;
    for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
        id = virConnectDomainEventRegisterAny(c->conn, NULL, evs[i].id, evs[i].cb, c, NULL);
        if (id < 0) {
            /* Lifecycle is the one we cannot do without. */
            if (evs[i].id == VIR_DOMAIN_EVENT_ID_LIFECYCLE)
                break;
            continue;
        }
        c->cb_ids[c->ncb++] = id;
    }
    c->events = c->ncb > 0 && i == sizeof(evs) / sizeof(evs[0]);
    if (!c->events) {
        for (i = 0; i < c->ncb; i++)
            virConnectDomainEventDeregisterAny(c->conn, c->cb_ids[i]);
        c->ncb = 0;
    }
}

/* ---- open / free ---- */

static bool uri_is_remote(const char *uri)
{
    xmlURIPtr u;
    bool remote = false;

    if (!uri)
        return false;
    u = xmlParseURI(uri);
    if (!u)
        return false;
    if (u->server && *u->server &&
        strcmp(u->server, "localhost") != 0 && strncmp(u->server, "127.", 4) != 0 &&
        strcmp(u->server, "::1") != 0 && strcmp(u->server, "[::1]") != 0)
        remote = true;
    xmlFreeURI(u);
    return remote;
}

const char *vt_uri_transport(const char *uri)
{
    static const char *const known[] = { "ssh", "libssh", "libssh2", "tls", "tcp", "unix", "ext" };
    const char *colon = uri ? strstr(uri, "://") : NULL;
    const char *plus = uri ? memchr(uri, '+', colon ? (size_t)(colon - uri) : 0) : NULL;
    const char *host;

    if (plus) {
        size_t n = (size_t)(colon - plus - 1);
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (strlen(known[i]) == n && strncmp(plus + 1, known[i], n) == 0)
                return known[i];
        return "other";
    }
    if (!colon)
        return "unix";
    host = colon + 3;
    return *host && *host != '/' ? "tls" : "unix";
}

int vt_uri_transport_secure(const char *uri, int encrypted)
{
    const char *t = vt_uri_transport(uri);

    if (strcmp(t, "tcp") == 0)
        return encrypted > 0 ? 1 : encrypted == 0 ? 0 : -1;
    if (strcmp(t, "ext") == 0 || strcmp(t, "other") == 0)
        return -1;
    return 1;
}

static int auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    (void)cred; (void)ncred; (void)cbdata;
    return -1;   /* no interactive prompts in the core; auth files still work */
}

/* The daemon went away (killed, restarted, or a keepalive timed out): the
 * close callback only marks, in the event thread. */
static void on_close(virConnectPtr conn, int reason, void *opaque)
{
    vt_conn *c = opaque;

    (void)conn;
    pthread_mutex_lock(&c->lock);
    c->closed = true;
    c->close_reason = reason;
    pthread_mutex_unlock(&c->lock);
}

/* Open c->conn for opts_uri in c's mode. On a permission error a
 * read-write request falls back to read-only: inspection still works, as
 * the console only reads until an edit is applied. */
static int open_virconn(vt_conn *c, const char *uri, bool readonly)
{
    int ctypes[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE };
    virConnectAuth auth = { ctypes, 2, auth_cb, NULL };

    c->conn = virConnectOpenAuth(uri, &auth, readonly ? VIR_CONNECT_RO : 0);
    if (!c->conn && !readonly) {
        virErrorPtr e = virGetLastError();
        if (e && (e->code == VIR_ERR_AUTH_FAILED || e->code == VIR_ERR_AUTH_CANCELLED ||
                  e->code == VIR_ERR_OPERATION_DENIED || e->code == VIR_ERR_ACCESS_DENIED ||
                  (e->code == VIR_ERR_SYSTEM_ERROR && e->int1 == EACCES))) {
            c->conn = virConnectOpenAuth(uri, &auth, VIR_CONNECT_RO);
            if (c->conn)
                c->readonly = c->readonly_fallback = true;
        }
    }
    if (!c->conn)
        return -1;
    if (vt_events_running()) {
        /* A daemon that stops answering (SIGSTOP, a hung host) fails our
         * calls after about VT_KEEPALIVE_INTERVAL * (COUNT + 1) seconds
         * instead of blocking the console for ever. The in-process test
         * driver has no keepalive: it cannot hang apart from us. */
        if (strncmp(uri ? uri : "", "test:", 5) != 0)
            virConnectSetKeepAlive(c->conn, VT_KEEPALIVE_INTERVAL, VT_KEEPALIVE_COUNT);
    }
    virResetLastError();
    return 0;
}


static void close_virconn(vt_conn *c)
{
    size_t i;

    if (!c->conn)
        return;
    if (vt_events_running())
        virConnectUnregisterCloseCallback(c->conn, on_close);
    for (i = 0; i < c->ncb; i++)
        virConnectDomainEventDeregisterAny(c->conn, c->cb_ids[i]);
    c->ncb = 0;
    c->events = false;
    virConnectClose(c->conn);
    c->conn = NULL;
    virResetLastError();
}

bool vt_conn_lost(vt_conn *c)
{
    bool closed;

    if (!c->conn)
        return true;
    pthread_mutex_lock(&c->lock);
    closed = c->closed;
    pthread_mutex_unlock(&c->lock);
    return closed || virConnectIsAlive(c->conn) != 1;
}

/* ---- work a caller may stop waiting for ----
 *
 * A call to a daemon that does not answer blocks for as long as it stays
 * so. Such calls run in a detached thread as a task; the caller waits a
 * bounded time and may look again later, or abandon the task, which then
 * frees itself when its call returns. */
typedef struct bg_task {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done, abandoned;           /* lock */
    void (*run)(struct bg_task *);  /* in the thread; writes only the task */
    void (*free)(struct bg_task *);
} bg_task;

static void bg_init(bg_task *t, void (*run)(bg_task *), void (*free_fn)(bg_task *))
{
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->done_cv, NULL);
    t->run = run;
    t->free = free_fn;
}

static void bg_destroy(bg_task *t)
{
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->done_cv);
}

/* libxml2's error handler is per thread, and its default prints to
 * stderr, under a console's screen: a thread of ours says nothing. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void quiet_thread(void)
{
    xmlSetGenericErrorFunc(NULL, xml_quiet);
}

static void *bg_thread(void *arg)
{
    bg_task *t = arg;
    bool abandoned;

    quiet_thread();
    t->run(t);
    pthread_mutex_lock(&t->lock);
    t->done = true;
    abandoned = t->abandoned;
    pthread_cond_signal(&t->done_cv);
    pthread_mutex_unlock(&t->lock);
    if (abandoned)
        t->free(t);
    return NULL;
}

/* Run t in a thread of its own; when no thread can be had, here and now. */
static void bg_start(bg_task *t)
{
    pthread_t th;

    if (pthread_create(&th, NULL, bg_thread, t) != 0) {
        t->run(t);
        t->done = true;
        return;
    }
    pthread_detach(th);
}

/* Wait up to wait_ms (-1: for ever); true when t is done. */
static bool bg_wait(bg_task *t, int wait_ms)
{
    bool done;

    pthread_mutex_lock(&t->lock);
    if (wait_ms < 0) {
        while (!t->done)
            pthread_cond_wait(&t->done_cv, &t->lock);
    } else if (!t->done && wait_ms > 0) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!t->done && pthread_cond_timedwait(&t->done_cv, &t->lock, &until) == 0)
            ;
    }
    done = t->done;
    pthread_mutex_unlock(&t->lock);
    return done;
}

/* Forget t: done, it is freed now; still running, when it ends. */
static void bg_abandon(bg_task *t)
{
    bool done;

    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    done = t->done;
    t->abandoned = true;
    pthread_mutex_unlock(&t->lock);
    if (done)
        t->free(t);
}

/* An open of the daemon again, as a task: a daemon that accepts the
 * socket but does not answer (stopped, hung) would block the open for as
 * long as it stays so, and the keepalive only starts after the open. */
typedef struct vt_attempt {
    bg_task task;                   /* first: the task is the attempt */
    char *uri;
    bool readonly, fallback;
    virConnectPtr conn;
    char msg[512];
} vt_attempt;

static void attempt_free(bg_task *bt)
{
    vt_attempt *t = (vt_attempt *)bt;

    if (t->conn)
        virConnectClose(t->conn);
    bg_destroy(&t->task);
    free(t->uri);
    free(t);
}

static void attempt_run(bg_task *bt)
{
    vt_attempt *t = (vt_attempt *)bt;
    vt_conn tmp = { 0 };

    pthread_mutex_init(&tmp.lock, NULL);
    if (open_virconn(&tmp, t->uri, t->readonly) < 0)
        snprintf(t->msg, sizeof(t->msg), "%s", virt_last_error());
    pthread_mutex_destroy(&tmp.lock);
    t->conn = tmp.conn;
    t->fallback = tmp.readonly_fallback;
}

static bool uri_in_process(const char *uri)
{
    return uri && (strncmp(uri, "test:", 5) == 0 || strncmp(uri, "qemu:///embed", 13) == 0);
}

static vt_attempt *attempt_start(const char *uri, bool readonly)
{
    vt_attempt *t = vt_calloc(1, sizeof(*t));

    bg_init(&t->task, attempt_run, attempt_free);
    t->uri = uri ? vt_strdup(uri) : NULL;
    t->readonly = readonly;
    if (uri_in_process(uri)) {
        /* a driver inside this process cannot hang apart from us; a thread
           would only keep its parse in a malloc arena of its own */
        attempt_run(&t->task);
        t->task.done = true;
    } else {
        bg_start(&t->task);
    }
    return t;
}

/* Take the connection a finished attempt opened, with the mode it got,
 * and listen on it: the close callback and the domain events. */
static void adopt(vt_conn *c, vt_attempt *t)
{
    c->conn = t->conn;
    t->conn = NULL;
    c->readonly = t->readonly || t->fallback;
    c->readonly_fallback = t->fallback;
    attempt_free(&t->task);
    c->encrypted = virConnectIsEncrypted(c->conn);
    if (c->encrypted < 0) {
        c->encrypted = -1;
        virResetLastError();
    }
    if (vt_events_running())
        virConnectRegisterCloseCallback(c->conn, on_close, c, NULL);
    register_events(c);
}

/* A transport that may ask the user something (ssh: a password, a host
 * key) takes as long as the user does: its open is not timed. */
static bool uri_interactive(const char *uri)
{
    const char *colon = uri ? strstr(uri, "://") : NULL;
    const char *plus = uri ? strchr(uri, '+') : NULL;

    return plus && colon && plus < colon && strncmp(plus, "+ssh", 4) == 0 ? true :
           plus && colon && plus < colon && strncmp(plus, "+libssh", 7) == 0;
}

/* A vt_conn with its roots and mode, not connected yet. */
static vt_conn *conn_new(const vt_conn_opts *opts)
{
    vt_conn *c = vt_calloc(1, sizeof(*c));

    pthread_mutex_init(&c->lock, NULL);
    c->sysfs_root = vt_strdup(opts->sysfs_root ? opts->sysfs_root : "/sys");
    c->procfs_root = vt_strdup(opts->procfs_root ? opts->procfs_root : "/proc");
    c->etc_root = vt_strdup(opts->etc_root ? opts->etc_root : "/etc");
    c->readonly = opts->readonly;
    c->asked_uri = vt_strdup(opts->uri);
    return c;
}

/* The attempt t opened the connection: c is now as vt_conn_open gives it. */
static void conn_opened(vt_conn *c, vt_attempt *t)
{
    char *uri;

    adopt(c, t);
    uri = virConnectGetURI(c->conn);
    free(c->uri);
    c->uri = vt_strdup(uri ? uri : c->asked_uri);
    free(uri);
    c->remote = uri_is_remote(c->uri);
    c->in_process = uri_in_process(c->uri);
}

vt_conn *vt_conn_open(const vt_conn_opts *opts, vt_err *err)
{
    vt_conn *c = conn_new(opts);
    const char *what = opts->uri ? opts->uri : _("the default libvirt URI");
    int wait = opts->open_wait_ms > 0 && !uri_interactive(opts->uri) ? opts->open_wait_ms : -1;
    vt_attempt *t;

    /* in a thread: a daemon that accepts the socket but does not answer
       would hold the open for ever (the keepalive starts after it) */
    t = attempt_start(opts->uri, opts->readonly);
    if (!bg_wait(&t->task, wait)) {
        bg_abandon(&t->task);
        vt_err_set(err, _("cannot connect to %s: the daemon accepts the connection but did not answer in %d s"),
                   what, wait / 1000);
        vt_conn_free(c);
        return NULL;
    }
    if (!t->conn) {
        vt_err_set(err, _("cannot connect to %s: %s"), what, t->msg);
        attempt_free(&t->task);
        vt_conn_free(c);
        return NULL;
    }
    conn_opened(c, t);
    return c;
}

vt_conn *vt_conn_open_start(const vt_conn_opts *opts)
{
    vt_conn *c = conn_new(opts);

    c->uri = vt_strdup(opts->uri ? opts->uri : "the default libvirt URI");
    c->attempt = attempt_start(opts->uri, opts->readonly);
    c->attempt_at_ms = vt_now_ns() / 1000000;
    return c;
}

int vt_conn_open_wait(vt_conn *c, int wait_ms)
{
    vt_attempt *t;

    if (c->conn)
        return 0;
    if (!c->attempt) {
        c->attempt = attempt_start(c->asked_uri, c->readonly);
        c->attempt_at_ms = vt_now_ns() / 1000000;
    }
    t = c->attempt;
    if (!bg_wait(&t->task, wait_ms))
        return 1;
    c->attempt = NULL;
    if (!t->conn) {
        vt_err_set(&c->err, _("cannot connect to %s: %s"), c->uri, t->msg);
        attempt_free(&t->task);
        return -1;
    }
    vt_err_clear(&c->err);
    conn_opened(c, t);
    return 0;
}

long long vt_conn_open_waited_ms(const vt_conn *c)
{
    return c->conn || !c->attempt ? 0 : vt_now_ns() / 1000000 - c->attempt_at_ms;
}

int vt_conn_reconnect(vt_conn *c, int wait_ms)
{
    vt_attempt *t = c->attempt;

    vt_err_clear(&c->err);
    if (!t) {
        /* a refresh still waiting on the old connection is of no use */
        bg_abandon((bg_task *)c->job);
        c->job = NULL;
        close_virconn(c);
        pthread_mutex_lock(&c->lock);
        c->closed = false;
        c->close_reason = 0;
        pthread_mutex_unlock(&c->lock);
        /* the mode first asked for: a fallback to read-only is tried
           read-write again */
        t = attempt_start(c->uri, c->readonly && !c->readonly_fallback);
        c->attempt = t;
    }
    if (!bg_wait(&t->task, wait_ms)) {
        vt_err_set(&c->err, _("%s accepts the connection but does not answer (still waiting)"), c->uri);
        return -1;
    }
    c->attempt = NULL;
    if (!t->conn) {
        vt_err_set(&c->err, _("cannot connect to %s: %s"), c->uri, t->msg);
        attempt_free(&t->task);
        return -1;
    }
    adopt(c, t);
    /* whatever happened while we were away had no events: read it all */
    pthread_mutex_lock(&c->lock);
    c->pending_all = true;
    pthread_mutex_unlock(&c->lock);
    c->counters.reconnects++;
    virResetLastError();
    return 0;
}

static void domain_free(vt_domain *d)
{
    if (!d)
        return;
    free(d->uuid);
    free(d->name);
    if (d->config != d->live)
        vt_domdef_free(d->config);
    vt_domdef_free(d->live);
    free(d->config_xml);
    free(d->live_xml);
    free(d->live_label);
    vt_agent_info_clear(&d->agent);
    free(d->process_label);
    free(d->iostats);
    free(d->counters.vcpus);
    free(d->spread_kib);
    free(d->spread_huge_kib);
    free(d->spread_why);
    vt_nic_hosts_free(d->nichost, d->nnichost);
    free(d);
}

/* Closing says goodbye to the daemon (events deregistered, the close
 * call): a daemon that does not answer would hold that for as long as the
 * keepalive lets it, so the close is a task too, waited for a short time. */
typedef struct conn_closer {
    bg_task task;
    vt_conn *c;
} conn_closer;

static void closer_run(bg_task *t)
{
    close_virconn(((conn_closer *)t)->c);
}

static void closer_free(bg_task *t)
{
    bg_destroy(t);
    free(t);
}

void vt_conn_free(vt_conn *c)
{
    size_t i;

    if (!c)
        return;
    bg_abandon((bg_task *)c->attempt);
    bg_abandon((bg_task *)c->job);
    if (c->conn) {
        conn_closer *k = vt_calloc(1, sizeof(*k));
        k->c = c;
        bg_init(&k->task, closer_run, closer_free);
        bg_start(&k->task);
        if (!bg_wait(&k->task, VT_CLOSE_WAIT_MS)) {
            /* the closer still uses c: it is left as it is, a small
               leak for a connection whose daemon stopped answering */
            bg_abandon(&k->task);
            return;
        }
        closer_free(&k->task);
    }
    for (i = 0; i < c->ndoms; i++)
        domain_free(c->doms[i]);
    free(c->doms);
    for (i = 0; i < c->npending; i++)
        free(c->pending[i]);
    free(c->pending);
    vt_host_clear(&c->host);
    vt_pidmap_clear(&c->pids);
    free(c->uri);
    free(c->asked_uri);
    free(c->sysfs_root);
    free(c->procfs_root);
    free(c->etc_root);
    vt_remote_access_clear(&c->remote_access);
    vt_qemu_conf_clear(&c->qemu_conf);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* ---- lookups ---- */

static int cmp_dom_uuid(const void *a, const void *b)
{
    const vt_domain *x = *(vt_domain *const *)a, *y = *(vt_domain *const *)b;
    return strcmp(x->uuid, y->uuid);
}

vt_domain *vt_conn_find_uuid(const vt_conn *c, const char *uuid)
{
    vt_domain key = { .uuid = (char *)uuid }, *kp = &key, **r;

    if (!c->ndoms)
        return NULL;
    r = vt_bsearch(&kp, c->doms, c->ndoms, sizeof(*c->doms), cmp_dom_uuid);
    return r ? *r : NULL;
}

int vt_conn_count_domains(vt_conn *c)
{
    int on = virConnectNumOfDomains(c->conn), off = virConnectNumOfDefinedDomains(c->conn);

    return on < 0 || off < 0 ? -1 : on + off;
}

vt_domain *vt_conn_find_name(const vt_conn *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->ndoms; i++)
        if (c->doms[i]->name && strcmp(c->doms[i]->name, name) == 0)
            return c->doms[i];
    return NULL;
}

const char *vt_domain_state_name(int state)
{
    switch (state) {
    case VIR_DOMAIN_RUNNING: return "running";
    case VIR_DOMAIN_BLOCKED: return "blocked";
    case VIR_DOMAIN_PAUSED: return "paused";
    case VIR_DOMAIN_SHUTDOWN: return "shutting-down";
    case VIR_DOMAIN_SHUTOFF: return "shutoff";
    case VIR_DOMAIN_CRASHED: return "crashed";
    case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
    default: return "unknown";
    }
}

static bool state_active(int state)
{
    return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE;
}

bool vt_domain_active(const vt_domain *d)
{
    return state_active(d->state);
}

char *vt_domain_default_affinity(const vt_conn *c, const vt_domdef *def)
{
    /* the rule lives with the CPU map, which needs no connection */
    return vt_cpumap_default_affinity(&c->host, def);
}

/* ---- refresh ---- */

static void take_pending(vt_conn *c)
{
    size_t i;

    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->npending; i++) {
        vt_domain *d = vt_conn_find_uuid(c, c->pending[i]);
        if (d)
            d->dirty = true;
        free(c->pending[i]);
    }
    c->npending = 0;
    if (c->pending_all)
        for (i = 0; i < c->ndoms; i++)
            c->doms[i]->dirty = true;
    c->pending_all = false;
    pthread_mutex_unlock(&c->lock);
}

static const char *const kvm_names[VT_KVM_N] = {
#define VT_KVM_NAME(n) #n,
    VT_KVM_COUNTERS(VT_KVM_NAME)
#undef VT_KVM_NAME
};

/* The counters of one stats field into d->counters: "cpu.time",
 * "vcpu.N.time|wait|delay", "vcpu.N.NAME.sum" (KVM's), "block.N.rd.bytes"
 * and the like, "net.N.rx.bytes" and the like. */
static void apply_counter(vt_dom_counters *k, const char *f, unsigned long long v)
{
    unsigned n;
    int at = 0;

    if (strcmp(f, "cpu.time") == 0) {
        k->cpu_present = true;
        k->cpu_time_ns = v;
    } else if (strcmp(f, "cpu.user") == 0) {
        k->cpu_user_ns = v;
    } else if (strcmp(f, "cpu.system") == 0) {
        k->cpu_system_ns = v;
    } else if (sscanf(f, "vcpu.%u.%n", &n, &at) == 1 && at > 0 && n < 4096) {
        const char *key = f + at;
        vt_vcpu_counters *vc;
        size_t len;
        if (n >= k->nvcpus) {
            k->vcpus = vt_realloc(k->vcpus, (n + 1) * sizeof(*k->vcpus));
            memset(k->vcpus + k->nvcpus, 0, (n + 1 - k->nvcpus) * sizeof(*k->vcpus));
            k->nvcpus = n + 1;
        }
        vc = &k->vcpus[n];
        if (strcmp(key, "time") == 0) {
            vc->present = true;
            vc->time_ns = v;
        } else if (strcmp(key, "wait") == 0) {
            vc->has_wait = true;
            vc->wait_ns = v;
        } else if (strcmp(key, "delay") == 0) {
            vc->has_delay = true;
            vc->delay_ns = v;
        } else if ((len = strlen(key)) > 4 && strcmp(key + len - 4, ".sum") == 0) {
            for (int i = 0; i < VT_KVM_N; i++)
                if (strlen(kvm_names[i]) == len - 4 && strncmp(key, kvm_names[i], len - 4) == 0) {
                    vc->kvm_present = true;
                    vc->kvm[i] = v;
                }
        }
    } else if (strcmp(f, "block.count") == 0) {
        k->block_present = true;
    } else if (sscanf(f, "block.%u.%n", &n, &at) == 1 && at > 0) {
        const char *key = f + at;
        if (strcmp(key, "rd.bytes") == 0)
            k->rd_bytes += v;
        else if (strcmp(key, "wr.bytes") == 0)
            k->wr_bytes += v;
        else if (strcmp(key, "rd.reqs") == 0)
            k->rd_reqs += v;
        else if (strcmp(key, "wr.reqs") == 0)
            k->wr_reqs += v;
    } else if (strcmp(f, "net.count") == 0) {
        k->net_present = true;
    } else if (sscanf(f, "net.%u.%n", &n, &at) == 1 && at > 0) {
        const char *key = f + at;
        if (strcmp(key, "rx.bytes") == 0)
            k->rx_bytes += v;
        else if (strcmp(key, "tx.bytes") == 0)
            k->tx_bytes += v;
        else if (strcmp(key, "rx.pkts") == 0)
            k->rx_pkts += v;
        else if (strcmp(key, "tx.pkts") == 0)
            k->tx_pkts += v;
    }
}

static void apply_stats(vt_domain *d, virDomainStatsRecordPtr rec, long long at_ns)
{
    int i;
    vt_vcpu_counters *keep = d->counters.vcpus;

    d->haltpoll_present = false;
    d->niostats = 0;
    memset(&d->counters, 0, sizeof(d->counters));
    free(keep);
    d->counters.present = true;
    d->counters.at_ns = at_ns;
    d->counters.id = virDomainGetID(rec->dom) == (unsigned)-1 ? -1 : (int)virDomainGetID(rec->dom);
    for (i = 0; i < rec->nparams; i++) {
        virTypedParameterPtr p = &rec->params[i];
        unsigned long long v;
        switch (p->type) {
        case VIR_TYPED_PARAM_INT: v = (unsigned long long)p->value.i; break;
        case VIR_TYPED_PARAM_UINT: v = p->value.ui; break;
        case VIR_TYPED_PARAM_LLONG: v = (unsigned long long)p->value.l; break;
        case VIR_TYPED_PARAM_ULLONG: v = p->value.ul; break;
        default: continue;
        }
        apply_counter(&d->counters, p->field, v);
        if (strcmp(p->field, "state.state") == 0) {
            d->state = (int)v;
        } else if (strcmp(p->field, "state.reason") == 0) {
            d->reason = (int)v;
        } else if (strcmp(p->field, "vcpu.current") == 0) {
            d->vcpus_current = (unsigned)v;
        } else if (strcmp(p->field, "balloon.current") == 0) {
            d->balloon_kib = v;
        } else if (strcmp(p->field, "cpu.haltpoll.success.time") == 0) {
            d->haltpoll_present = true;
            d->haltpoll_success_ns = v;
        } else if (strcmp(p->field, "cpu.haltpoll.fail.time") == 0) {
            d->haltpoll_present = true;
            d->haltpoll_fail_ns = v;
        } else if (strncmp(p->field, "iothread.", 9) == 0) {
            unsigned id;
            char key[32];
            vt_iothread_stats *s = NULL;
            size_t k;
            if (sscanf(p->field + 9, "%u.%31s", &id, key) != 2)
                continue;
            for (k = 0; k < d->niostats; k++)
                if (d->iostats[k].id == id)
                    s = &d->iostats[k];
            if (!s) {
                s = vt_array_push(&d->iostats, &d->niostats, sizeof(*s));
                s->id = id;
                s->poll_max_ns = s->poll_grow = s->poll_shrink = -1;
            }
            if (strcmp(key, "poll-max-ns") == 0)
                s->poll_max_ns = (long long)v;
            else if (strcmp(key, "poll-grow") == 0)
                s->poll_grow = (long long)v;
            else if (strcmp(key, "poll-shrink") == 0)
                s->poll_shrink = (long long)v;
        }
    }
}

/* ---- the background part of a refresh ----
 *
 * The round trips of a refresh (the bulk stats, the XML of marked domains)
 * run in a thread of their own, so that a daemon that stops answering holds
 * that thread and not the console. A job copies what it needs of the
 * snapshot when it starts (uuid, state and mark of each domain) and holds
 * its own reference to the connection; afterwards it touches nothing of the
 * vt_conn. Merging its results into the snapshot happens on the caller's
 * thread (vt_conn_refresh_wait). */

typedef struct known_dom {
    char uuid[VIR_UUID_STRING_BUFLEN];
    int state;
    bool dirty;
    bool agent_ask;                /* ask the agent again, definition or not */
} known_dom;

typedef struct fetched {
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainStatsRecordPtr rec;   /* points into job->recs */
    int state;                     /* as the stats say */
    bool fetch;                    /* the definition is (re)read */
    bool autostart;
    int rc, vir_code;
    vt_err err;
    vt_domdef *live, *cfg;         /* owned until merged; cfg may be live */
    char *cfg_xml;
    char *live_xml;
    bool agent_only;               /* not fetched: only its agent is asked */
    bool agent_set;                /* agent holds news for the domain */
    vt_agent_info agent;           /* owned until merged */
} fetched;

struct vt_refresh_job {
    bg_task task;                  /* first: the task is the job */
    long long stats_at_ns;         /* when the stats call returned */
    virConnectPtr conn;            /* a reference of the job's own */
    char *uri;
    bool events, in_process, readonly;
    known_dom *known;              /* sorted by uuid, as c->doms is */
    size_t nknown;
    /* results, read after done */
    int rc;
    vt_err err;
    virDomainStatsRecordPtr *recs;
    fetched *f;
    size_t nf;
    size_t *todo;                  /* indexes into f to fetch */
    size_t ntodo;
    size_t next;                   /* atomic, next todo for a worker */
    unsigned long stats_calls, xml_fetches;   /* xml_fetches atomic */
    int agents_asking;             /* atomic: guest-info calls under way */
    long long started_ms;
};

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fetched_clear(fetched *f)
{
    if (f->cfg != f->live)
        vt_domdef_free(f->cfg);
    vt_domdef_free(f->live);
    free(f->cfg_xml);
    free(f->live_xml);
    f->live_xml = NULL;
    f->live = f->cfg = NULL;
    f->cfg_xml = NULL;
    vt_agent_info_clear(&f->agent);
}

static void job_free(bg_task *bt)
{
    vt_refresh_job *j = (vt_refresh_job *)bt;
    size_t i;

    for (i = 0; i < j->nf; i++)
        fetched_clear(&j->f[i]);
    free(j->f);
    free(j->todo);
    if (j->recs)
        virDomainStatsRecordListFree(j->recs);
    if (j->conn)
        virConnectClose(j->conn);
    free(j->known);
    free(j->uri);
    bg_destroy(&j->task);
    free(j);
}

static int cmp_known(const void *key, const void *elem)
{
    return strcmp(key, ((const known_dom *)elem)->uuid);
}

static int record_state(virDomainStatsRecordPtr rec)
{
    int i;

    for (i = 0; i < rec->nparams; i++)
        if (strcmp(rec->params[i].field, "state.state") == 0 &&
            rec->params[i].type == VIR_TYPED_PARAM_INT)
            return rec->params[i].value.i;
    return VIR_DOMAIN_NOSTATE;
}

/* Runs in fetch workers: touches only f and the job's atomic counter. The
 * live label is in the live XML's <seclabel><label>, and the process label
 * in procfs, so no virDomainGetSecurityLabelList round trip is needed. */
static void fetch_definition(vt_refresh_job *j, fetched *f)
{
    char *live_xml = NULL;
    vt_err perr = { { 0 } };
    virDomainPtr dom = f->rec->dom;

    f->rc = -1;
    f->vir_code = 0;
    live_xml = virDomainGetXMLDesc(dom, 0);
    __atomic_fetch_add(&j->xml_fetches, 1, __ATOMIC_RELAXED);
    if (!live_xml) {
        virErrorPtr e = virGetLastError();
        f->vir_code = e ? e->code : 0;
        vt_err_set(&f->err, _("cannot read the XML of %s: %s"), f->uuid, virt_last_error());
        goto cleanup;
    }
    if (!(f->live = vt_domdef_parse(live_xml, &perr))) {
        vt_err_set(&f->err, _("domain %s: %s"), f->uuid, perr.msg);
        goto cleanup;
    }
    if (state_active(f->state)) {
        f->cfg_xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
        __atomic_fetch_add(&j->xml_fetches, 1, __ATOMIC_RELAXED);
        if (!f->cfg_xml) {
            virErrorPtr e = virGetLastError();
            f->vir_code = e ? e->code : 0;
            vt_err_set(&f->err, _("cannot read the inactive XML of %s: %s"), f->uuid, virt_last_error());
            goto cleanup;
        }
        if (!(f->cfg = vt_domdef_parse(f->cfg_xml, &perr))) {
            vt_err_set(&f->err, _("domain %s (inactive): %s"), f->uuid, perr.msg);
            goto cleanup;
        }
    } else {
        f->cfg = f->live;
        f->cfg_xml = vt_strdup(live_xml);
    }
    f->live_xml = live_xml;
    live_xml = NULL;
    f->rc = 0;

cleanup:
    if (f->rc < 0)
        fetched_clear(f);
    free(live_xml);
}

static void *fetch_worker(void *arg)
{
    vt_refresh_job *j = arg;
    size_t i;

    quiet_thread();
    while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->ntodo) {
        fetched *f = &j->f[j->todo[i]];
        bool ask = f->agent_only;
        if (!f->agent_only) {
            fetch_definition(j, f);
            /* whether the agent can be asked is news too: the panel says why not */
            f->agent_set = f->rc == 0;
            ask = f->rc == 0 && vt_agent_askable(f->live, state_active(f->state), j->readonly, &f->agent);
        }
        if (ask) {
            __atomic_fetch_add(&j->agents_asking, 1, __ATOMIC_RELAXED);
            vt_agent_ask(f->rec->dom, &f->agent);
            __atomic_fetch_sub(&j->agents_asking, 1, __ATOMIC_RELAXED);
            f->agent_set = true;
        }
    }
    return NULL;
}

/* A remote daemon answers calls from several threads at once (its worker
 * pool), so many definitions are fetched in parallel: at 1000 VMs the
 * round trips, not the parsing, are the cost. */
#define VT_FETCH_WORKERS 4

static void fetch_all(vt_refresh_job *j)
{
    pthread_t t[VT_FETCH_WORKERS];
    size_t n = j->ntodo / 8, i, started = 0;

    if (n > VT_FETCH_WORKERS)
        n = VT_FETCH_WORKERS;
    if (j->in_process)
        n = 1;   /* one driver lock: threads would only add malloc arenas */
    for (i = 1; i < n; i++)
        if (pthread_create(&t[i], NULL, fetch_worker, j) == 0)
            started = i;
    fetch_worker(j);
    for (i = 1; i <= started; i++)
        pthread_join(t[i], NULL);
}

/* Which domains start with the host: one call for all of them, at every
 * refresh, as no event tells of a change. Unknown (the call fails) reads
 * as not autostarted. */
static void mark_autostart(vt_refresh_job *j)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(j->conn, &doms, VIR_CONNECT_LIST_DOMAINS_AUTOSTART), i;

    for (i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        if (virDomainGetUUIDString(doms[i], uuid) == 0)
            for (size_t k = 0; k < j->nf; k++)
                if (strcmp(j->f[k].uuid, uuid) == 0)
                    j->f[k].autostart = true;
        virDomainFree(doms[i]);
    }
    free(doms);
}

static void job_run(bg_task *bt)
{
    vt_refresh_job *j = (vt_refresh_job *)bt;
    unsigned int stats = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
                         VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
                         VIR_DOMAIN_STATS_IOTHREAD | VIR_DOMAIN_STATS_BLOCK |
                         VIR_DOMAIN_STATS_INTERFACE;
    int n, i;

    n = virConnectGetAllDomainStats(j->conn, stats, &j->recs, 0);
    j->stats_at_ns = vt_now_ns();
    j->stats_calls++;
    if (n < 0) {
        vt_err_set(&j->err, _("cannot read domain stats from %s: %s"), j->uri, virt_last_error());
        j->rc = -1;
        return;
    }
    j->f = vt_calloc((size_t)(n ? n : 1), sizeof(*j->f));
    j->todo = vt_calloc((size_t)(n ? n : 1), sizeof(*j->todo));
    for (i = 0; i < n; i++) {
        fetched *f = &j->f[j->nf];
        const known_dom *k;

        if (virDomainGetUUIDString(j->recs[i]->dom, f->uuid) < 0)
            continue;
        f->rec = j->recs[i];
        f->state = record_state(f->rec);
        k = vt_bsearch(f->uuid, j->known, j->nknown, sizeof(*j->known), cmp_known);
        /* Without events every definition may have changed; a state
         * change also swaps live and inactive XML. */
        f->fetch = !k || k->dirty || !j->events || k->state != f->state;
        f->agent_only = !f->fetch && k->agent_ask;
        if (f->fetch || f->agent_only)
            j->todo[j->ntodo++] = j->nf;
        j->nf++;
    }
    mark_autostart(j);
    fetch_all(j);
    virResetLastError();
    j->rc = 0;
}

static void set_spread_why(vt_domain *d, char *why)
{
    free(d->spread_why);
    d->spread_why = why;
    d->spread_present = false;
    free(d->spread_kib);
    d->spread_kib = NULL;
    free(d->spread_huge_kib);
    d->spread_huge_kib = NULL;
    d->spread_nnodes = 0;
}

static void refresh_spread(vt_conn *c)
{
    size_t i;
    bool scanned = false;
    vt_numa_usage *u = vt_malloc(sizeof(*u));
    vt_err err = { { 0 } };

    for (i = 0; i < c->ndoms; i++) {
        vt_domain *d = c->doms[i];
        if (c->remote) {
            set_spread_why(d, vt_strdup("remote connection: the QEMU process runs on another host"));
            d->sandbox = -1;
            continue;
        }
        if (!vt_domain_active(d)) {
            set_spread_why(d, vt_strdup("not running"));
            free(d->process_label);
            d->process_label = NULL;
            d->pid = -1;
            d->sandbox = -1;
            continue;
        }
        if (d->pid <= 0 || !vt_proc_pid_matches(c->procfs_root, d->pid, d->uuid)) {
            if (!scanned) {
                c->counters.proc_scans++;
                if (vt_proc_scan(c->procfs_root, &c->pids, &err) < 0)
                    vt_pidmap_clear(&c->pids);
                scanned = true;
            }
            d->pid = vt_pidmap_find(&c->pids, d->uuid);
        }
        if (d->pid <= 0) {
            set_spread_why(d, vt_asprintf("no process with -uuid %s in %s", d->uuid, c->procfs_root));
            d->sandbox = -1;
            continue;
        }
        d->sandbox = vt_proc_sandbox(c->procfs_root, d->pid);
        if (c->pids_only) {
            set_spread_why(d, vt_strdup("not read (live sampling only)"));
            continue;
        }
        free(d->process_label);
        d->process_label = vt_proc_label(c->procfs_root, d->pid);
        if (vt_proc_numa_usage(c->procfs_root, d->pid, u, &err) < 0) {
            set_spread_why(d, vt_strdup(err.msg));
            continue;
        }
        {
            int nn = u->max_node + 1, k;
            if ((int)c->host.nnodes > nn)
                nn = (int)c->host.nnodes;
            set_spread_why(d, NULL);
            d->spread_kib = vt_calloc((size_t)(nn ? nn : 1), sizeof(*d->spread_kib));
            d->spread_huge_kib = vt_calloc((size_t)(nn ? nn : 1), sizeof(*d->spread_huge_kib));
            for (k = 0; k <= u->max_node; k++) {
                d->spread_kib[k] = u->kib[k];
                d->spread_huge_kib[k] = u->huge_kib[k];
            }
            d->spread_nnodes = nn;
            d->spread_present = true;
        }
    }
    free(u);
}

/* Taps change under libvirt's feet (ethtool -C, a restart makes a new
 * one): read at every refresh, an ioctl per NIC. */
static void refresh_taps(vt_conn *c)
{
    for (size_t i = 0; i < c->ndoms; i++) {
        vt_domain *d = c->doms[i];
        vt_nic_hosts_free(d->nichost, d->nnichost);
        vt_tap_read(c->sysfs_root, d->live, vt_domain_active(d), c->remote, &d->nichost,
                    &d->nnichost);
    }
}

/* Host facts libvirt gives once: on the caller's thread, at the first
 * refresh (before a console draws anything). */
static void refresh_topology(vt_conn *c)
{
    vt_err err = { { 0 } };
    virNodeInfo info;
    char *caps, *hostname;

    if (c->topology_done)
        return;
    caps = virConnectGetCapabilities(c->conn);
    hostname = virConnectGetHostname(c->conn);
    if (caps) {
        vt_caps_parse_topology(caps, &c->host, &err);
        vt_caps_parse_secmodels(caps, &c->host, &err);
        free(caps);
    }
    if (virNodeGetInfo(c->conn, &info) == 0) {
        c->host.ncpus = info.cpus;
        c->host.nodeinfo_nodes = info.nodes;
        c->host.nodeinfo_sockets = info.sockets;
        c->host.nodeinfo_cores = info.cores;
        c->host.nodeinfo_threads = info.threads;
    }
    /* A local host's own name is in procfs (the demo's too); libvirt's
     * test driver would report the machine it runs on. */
    if (!c->remote) {
        VT_AUTOFREE char *p = vt_asprintf("%s/sys/kernel/hostname", c->procfs_root);
        c->host.hostname = vt_rstrip(vt_read_file(p, 256, NULL));
    }
    if (!c->host.hostname)
        c->host.hostname = vt_strdup(hostname);
    free(hostname);
    virResetLastError();
    c->topology_done = true;
}

/* The host's files: sysfs knobs and the remote-access configuration. */
static void refresh_host_files(vt_conn *c)
{
    vt_err err = { { 0 } };

    vt_host_clear_sysfs(&c->host);
    vt_remote_access_clear(&c->remote_access);
    vt_qemu_conf_clear(&c->qemu_conf);
    if (!c->remote) {
        vt_remote_access_read(&c->remote_access, c->etc_root);
        vt_qemu_conf_read(&c->qemu_conf, c->etc_root);
    }
    if (c->remote) {
        c->host.sysfs_why = vt_strdup("remote connection: host sysfs is on another host");
        return;
    }
    if (vt_host_read_sysfs(&c->host, c->sysfs_root, &err) < 0)
        c->host.sysfs_why = vt_strdup(err.msg);
}

bool vt_conn_refresh_running(const vt_conn *c)
{
    return c->job != NULL;
}

long long vt_conn_refresh_waited_ms(const vt_conn *c)
{
    return c->job ? mono_ms() - c->job->started_ms : 0;
}

int vt_conn_refresh_agents_asking(const vt_conn *c)
{
    return c->job ? __atomic_load_n(&c->job->agents_asking, __ATOMIC_RELAXED) : 0;
}

int vt_conn_refresh_start(vt_conn *c)
{
    vt_refresh_job *j;
    size_t k;

    if (c->job)
        return 0;
    vt_err_clear(&c->err);
    if (!c->conn) {
        vt_err_set(&c->err, _("not connected to %s"), c->uri);
        return -1;
    }
    refresh_topology(c);
    take_pending(c);
    j = vt_calloc(1, sizeof(*j));
    bg_init(&j->task, job_run, job_free);
    virConnectRef(c->conn);
    j->conn = c->conn;
    j->uri = vt_strdup(c->uri);
    j->events = c->events;
    j->in_process = c->in_process;
    j->readonly = c->readonly;
    j->started_ms = mono_ms();
    j->known = vt_calloc(c->ndoms ? c->ndoms : 1, sizeof(*j->known));
    j->nknown = c->ndoms;
    /* the job takes the marks, as take_pending took the events': a mark
       made while it runs is for the next refresh */
    for (k = 0; k < c->ndoms; k++) {
        snprintf(j->known[k].uuid, sizeof(j->known[k].uuid), "%s", c->doms[k]->uuid);
        j->known[k].state = c->doms[k]->state;
        j->known[k].dirty = c->doms[k]->dirty;
        /* an agent that did not answer is asked again, not at every refresh */
        j->known[k].agent_ask = c->doms[k]->agent.status == VT_AGENT_FAILED &&
                                vt_domain_active(c->doms[k]) &&
                                j->started_ms - c->doms[k]->agent.asked_ms >= VT_AGENT_RETRY_MS;
        c->doms[k]->dirty = false;
    }
    c->counters.refreshes++;
    c->job = j;
    /* The in-process test driver cannot hang apart from us: no thread. */
    if (c->in_process) {
        job_run(&j->task);
        j->task.done = true;
    } else {
        bg_start(&j->task);
    }
    return 0;
}

/* Install a fetched definition into its domain (whose state the stats
 * have just set). */
static void install(vt_domain *d, fetched *f)
{
    if (d->config != d->live)
        vt_domdef_free(d->config);
    vt_domdef_free(d->live);
    d->live = f->live;
    d->config = f->cfg;
    free(d->config_xml);
    d->config_xml = f->cfg_xml;
    free(d->live_xml);
    d->live_xml = f->live_xml;
    f->live = f->cfg = NULL;
    f->cfg_xml = f->live_xml = NULL;
    free(d->name);
    d->name = vt_strdup(d->live->name);
    free(d->live_label);
    d->live_label = NULL;
    if (vt_domain_active(d)) {
        const vt_seclabel_def *sl = vt_domdef_main_seclabel(d->live);
        if (sl && sl->label)
            d->live_label = vt_strdup(sl->label);
    }
}

/* Who holds each SR-IOV VF: the domains' devices and libvirt's hostdev
 * networks. Networks are asked for only where sysfs shows a PF. */
static void refresh_sriov(vt_conn *c)
{
    virNetworkPtr *nets = NULL;
    vt_sriov_net *hn = NULL;
    size_t nhn = 0;
    int n;

    if (!c->host.nsriov)
        return;
    n = virConnectListAllNetworks(c->conn, &nets, 0);
    for (int i = 0; i < n; i++) {
        char *xml = virNetworkGetXMLDesc(nets[i], 0);
        vt_sriov_net one = { 0 };
        if (vt_sriov_net_parse(xml, &one) == 0)
            *(vt_sriov_net *)vt_array_push(&hn, &nhn, sizeof(*hn)) = one;
        free(xml);
        virNetworkFree(nets[i]);
    }
    free(nets);
    virResetLastError();
    for (size_t i = 0; i < c->ndoms; i++)
        vt_sriov_claim(&c->host, c->doms[i]->name, c->doms[i]->live_xml, hn, nhn);
    for (size_t i = 0; i < nhn; i++)
        vt_sriov_net_clear(&hn[i]);
    free(hn);
}

static int merge(vt_conn *c, vt_refresh_job *j)
{
    size_t i, k, kept;
    bool sorted = true;
    int ret = -1;

    c->counters.stats_calls += j->stats_calls;
    c->counters.xml_fetches += j->xml_fetches;
    refresh_host_files(c);
    if (j->rc < 0) {
        /* nothing was read: the marks go back for the next refresh */
        for (k = 0; k < j->nknown; k++) {
            vt_domain *d = j->known[k].dirty ? vt_conn_find_uuid(c, j->known[k].uuid) : NULL;
            if (d)
                d->dirty = true;
        }
        vt_err_set(&c->err, "%s", j->err.msg);
        return -1;
    }
    for (k = 0; k < c->ndoms; k++)
        c->doms[k]->seen = false;
    for (i = 0; i < j->nf; i++) {
        fetched *f = &j->f[i];
        vt_domain *d = sorted ? vt_conn_find_uuid(c, f->uuid) : NULL;

        if (!sorted && !d) {
            for (k = 0; k < c->ndoms; k++)
                if (strcmp(c->doms[k]->uuid, f->uuid) == 0)
                    d = c->doms[k];
        }
        if (!d) {
            d = vt_calloc(1, sizeof(*d));
            d->uuid = vt_strdup(f->uuid);
            d->pid = -1;
            d->sandbox = -1;
            d->dirty = false;
            d->state = VIR_DOMAIN_NOSTATE;
            vt_domain **slot = vt_array_push(&c->doms, &c->ndoms, sizeof(*c->doms));
            *slot = d;
            sorted = false;
        }
        d->seen = true;
        d->autostart = f->autostart;
        apply_stats(d, f->rec, j->stats_at_ns);
        if (f->agent_set && (f->agent_only || f->rc == 0))
            vt_agent_info_move(&d->agent, &f->agent);
        if (!f->fetch)
            continue;
        if (f->rc == 0) {
            install(d, f);
            continue;
        }
        /* A domain that vanished between the stats and the fetch is
         * dropped; anything else is reported (the first one). */
        if (f->vir_code == VIR_ERR_NO_DOMAIN) {
            d->seen = false;
        } else {
            d->dirty = true;   /* read it again next time */
            if (!c->err.msg[0])
                vt_err_set(&c->err, "%s", f->err.msg);
        }
    }

    if (c->err.msg[0]) {
        /* keep what we had; drop new domains that never got a definition */
        for (k = 0, kept = 0; k < c->ndoms; k++) {
            if (c->doms[k]->live)
                c->doms[kept++] = c->doms[k];
            else
                domain_free(c->doms[k]);
        }
    } else {
        /* sweep domains that are gone */
        for (k = 0, kept = 0; k < c->ndoms; k++) {
            if (c->doms[k]->seen && c->doms[k]->live)
                c->doms[kept++] = c->doms[k];
            else
                domain_free(c->doms[k]);
        }
        ret = 0;
    }
    c->ndoms = kept;
    vt_qsort(c->doms, c->ndoms, sizeof(*c->doms), cmp_dom_uuid);
    if (ret == 0) {
        refresh_spread(c);
        if (!c->pids_only)
            refresh_taps(c);
    }
    refresh_sriov(c);
    return ret;
}

int vt_conn_refresh_wait(vt_conn *c, int wait_ms)
{
    vt_refresh_job *j = c->job;
    int ret;

    if (!j)
        return 0;
    if (!bg_wait(&j->task, wait_ms))
        return 1;
    c->job = NULL;
    vt_err_clear(&c->err);
    ret = merge(c, j);
    job_free(&j->task);
    return ret;
}

int vt_conn_refresh(vt_conn *c)
{
    /* a refresh started earlier may predate what the caller just did */
    if (c->job && vt_conn_refresh_wait(c, -1) < 0 && vt_conn_lost(c))
        return -1;
    if (vt_conn_refresh_start(c) < 0)
        return -1;
    return vt_conn_refresh_wait(c, -1);
}
