/* --check and --report over several hosts: each host opened, refreshed
 * and judged in a thread of its own, all at once; the results printed in
 * the hosts' order. A host that cannot be reached, or does not answer in
 * its bound, is an error entry, not the end of the run. */
#include <config.h>

#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/advisor.h"
#include "core/live.h"
#include "core/remote.h"
#include "core/report.h"

/* Past the open's own bound (and the live window), a host's job is given
 * up after this much more: a daemon stopped after the open answers no
 * refresh, and the keepalive takes longer. */
#define JOB_MARGIN_MS 5000

typedef struct host_job {
    pthread_mutex_t lock;
    bool done, abandoned;       /* lock */
    /* in */
    vt_conn_opts co;            /* the strings are the job's own */
    char *uri;
    bool report;
    vt_cli_format format;
    double live_s;
    /* out */
    bool ok;
    int status;                 /* --check: 0, 1, 2 */
    char err[512];
    char *text;                 /* text output */
    json_object *json;          /* "findings" object or the report */
    vt_advice_list advice;      /* for the Prometheus output */
} host_job;

static void job_free(host_job *j)
{
    free(j->uri);
    free((char *)j->co.sysfs_root);
    free((char *)j->co.procfs_root);
    free((char *)j->co.etc_root);
    free(j->text);
    if (j->json)
        json_object_put(j->json);
    vt_advice_list_clear(&j->advice);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

static void job_check(host_job *j, vt_conn *c)
{
    vt_remote_status rs = { 0 };
    vt_advise_opts ao = { 0 };
    vt_live_window w = { 0 };

    if (j->live_s > 0) {
        if (vt_cli_live_window(c, j->live_s, &w) < 0) {
            snprintf(j->err, sizeof(j->err), "%s", c->err.msg);
            vt_live_window_clear(&w);
            return;
        }
        ao.live = &w;
    }
    if (!c->remote) {
        vt_remote_status_read(&rs, c->etc_root);
        ao.remote = &rs;
    }
    vt_advise(c, &ao, &j->advice);
    j->status = vt_advice_exit_code(&j->advice);
    if (j->format == VT_CLI_FORMAT_JSON)
        j->json = vt_advice_json(&j->advice);
    else if (j->format == VT_CLI_FORMAT_TEXT)
        j->text = vt_advice_text(&j->advice);
    j->ok = true;
    vt_remote_status_clear(&rs);
    vt_live_window_clear(&w);
}

static void job_report(host_job *j, vt_conn *c)
{
    if (c->host.sysfs_why && !c->remote) {
        snprintf(j->err, sizeof(j->err), "%s", c->host.sysfs_why);
        return;
    }
    if (j->format == VT_CLI_FORMAT_JSON)
        j->json = vt_report_json(c);
    else
        j->text = vt_report_text(c);
    j->ok = true;
}

static void *job_run(void *arg)
{
    host_job *j = arg;
    vt_err err = { { 0 } };
    vt_conn *c = vt_conn_open(&j->co, &err);
    bool abandoned;

    if (!c)
        snprintf(j->err, sizeof(j->err), "%s", err.msg);
    else if (vt_conn_refresh(c) < 0)
        snprintf(j->err, sizeof(j->err), "%s", c->err.msg);
    else if (j->report)
        job_report(j, c);
    else
        job_check(j, c);
    vt_conn_free(c);
    pthread_mutex_lock(&j->lock);
    j->done = true;
    abandoned = j->abandoned;
    pthread_mutex_unlock(&j->lock);
    if (abandoned)
        job_free(j);
    return NULL;
}

static host_job *job_start(const vt_cli_fleet_opts *o, const vt_host_entry *h)
{
    host_job *j = vt_calloc(1, sizeof(*j));
    pthread_t th;

    pthread_mutex_init(&j->lock, NULL);
    j->co = *o->base;
    j->uri = vt_strdup(h->uri);
    j->co.uri = j->uri;
    j->co.sysfs_root = vt_strdup(o->base->sysfs_root);
    j->co.procfs_root = vt_strdup(o->base->procfs_root);
    j->co.etc_root = vt_strdup(o->base->etc_root);
    j->report = o->report;
    j->format = o->format;
    j->live_s = o->live_s;
    if (pthread_create(&th, NULL, job_run, j) != 0) {
        job_run(j);
        return j;
    }
    pthread_detach(th);
    return j;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for every job until the deadline; a job still running then is
 * left to end on its own (it frees itself) and becomes an error. */
static void jobs_wait(host_job **jobs, size_t n, long long deadline_ms, int bound_s)
{
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < n; i++) {
            pthread_mutex_lock(&jobs[i]->lock);
            all = all && jobs[i]->done;
            pthread_mutex_unlock(&jobs[i]->lock);
        }
        if (all || now_ms() >= deadline_ms)
            break;
        {
            struct timespec t = { 0, 20 * 1000000L };
            nanosleep(&t, NULL);
        }
    }
    for (size_t i = 0; i < n; i++) {
        host_job *j = jobs[i];
        bool done;
        pthread_mutex_lock(&j->lock);
        done = j->done;
        if (!done)
            j->abandoned = true;
        pthread_mutex_unlock(&j->lock);
        if (!done) {
            /* the thread owns it now; what we print is a fresh entry */
            host_job *e = vt_calloc(1, sizeof(*e));
            pthread_mutex_init(&e->lock, NULL);
            e->done = true;
            snprintf(e->err, sizeof(e->err), "no answer in %d s", bound_s);
            jobs[i] = e;
        }
    }
}

static json_object *host_json(const vt_cli_fleet_opts *o, const vt_host_entry *h, host_job *j)
{
    json_object *e = json_object_new_object();

    json_object_object_add(e, "name", json_object_new_string(h->name));
    json_object_object_add(e, "uri", h->uri ? json_object_new_string(h->uri) : NULL);
    json_object_object_add(e, "ok", json_object_new_boolean(j->ok));
    json_object_object_add(e, "error", j->ok ? NULL : json_object_new_string(j->err));
    if (o->report) {
        json_object_object_add(e, "report", j->ok ? json_object_get(j->json) : NULL);
    } else {
        json_object *f = NULL;
        if (j->ok)
            json_object_object_get_ex(j->json, "findings", &f);
        json_object_object_add(e, "findings", f ? json_object_get(f) : NULL);
        json_object_object_add(e, "exit", j->ok ? json_object_new_int(j->status) : NULL);
    }
    return e;
}

static void print_all(const vt_cli_fleet_opts *o, host_job **jobs)
{
    const vt_hostlist *hl = o->hosts;

    if (o->format == VT_CLI_FORMAT_JSON) {
        json_object *root = json_object_new_object(), *arr = json_object_new_array();
        for (size_t i = 0; i < hl->n; i++)
            json_object_array_add(arr, host_json(o, &hl->v[i], jobs[i]));
        json_object_object_add(root, "hosts", arr);
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
    } else if (o->format == VT_CLI_FORMAT_PROMETHEUS) {
        const char **names = vt_calloc(hl->n, sizeof(*names));
        const vt_advice_list **lists = vt_calloc(hl->n, sizeof(*lists));
        char *out;
        for (size_t i = 0; i < hl->n; i++) {
            names[i] = hl->v[i].name;
            lists[i] = jobs[i]->ok ? &jobs[i]->advice : NULL;
        }
        out = vt_advice_prometheus(names, lists, hl->n, (long long)time(NULL));
        fputs(out, stdout);
        free(out);
        free(names);
        free(lists);
    } else {
        for (size_t i = 0; i < hl->n; i++) {
            printf("%s== %s (%s) ==\n", i ? "\n" : "", hl->v[i].name,
                   hl->v[i].uri ? hl->v[i].uri : _("the default URI"));
            if (jobs[i]->ok)
                fputs(jobs[i]->text, stdout);
            else
                printf(_("error: %s\n"), jobs[i]->err);
        }
    }
}

int vt_cli_fleet(const vt_cli_fleet_opts *o)
{
    size_t n = o->hosts->n, judged = 0;
    host_job **jobs = vt_calloc(n, sizeof(*jobs));
    int bound_ms = (o->base->open_wait_ms > 0 ? o->base->open_wait_ms : 15000) + (int)(o->live_s * 1000) +
                   JOB_MARGIN_MS;
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        jobs[i] = job_start(o, &o->hosts->v[i]);
    jobs_wait(jobs, n, now_ms() + bound_ms, bound_ms / 1000);
    print_all(o, jobs);
    for (size_t i = 0; i < n; i++) {
        if (!jobs[i]->ok) {
            fprintf(stderr, "virt-tune: %s: %s\n", o->hosts->v[i].name, jobs[i]->err);
            if (o->report)
                rc = 1;
            continue;
        }
        judged++;
        if (!o->report && jobs[i]->status > rc)
            rc = jobs[i]->status;
    }
    if (!o->report && !judged)
        rc = 3;   /* no host could be judged: the checks did not run */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, _("virt-tune: cannot write the output: %s\n"), strerror(errno));
        rc = o->report ? 1 : 3;
    }
    for (size_t i = 0; i < n; i++)
        job_free(jobs[i]);
    free(jobs);
    return rc;
}
