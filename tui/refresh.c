/* Refresh and reconnect: the snapshot is read again every interval, in a
 * thread of core's, so a daemon that stops answering leaves the console
 * at the keys with its last answer on screen; a daemon that went away is
 * opened again with back-off while the staged edits are kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

/* Reconnect back-off: first try at once, then doubling up to this. */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 30000
/* How long one attempt may hold the screen; a daemon that does not answer
 * in time is waited for again at the next attempt. */
#define RECONNECT_WAIT_MS 1500
/* A refresh waited on for longer than this is said so in the status line,
 * and an apply is not started on top of it. */
#define SLOW_REFRESH_MS 2000
#define BACKGROUND_JUDGE_EVERY 5

static void disconnected_status(vt_app *a, const char *why)
{
    long long left = a->retry_at - vt_now_ms();

    if (a->staged.n)
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("disconnected: retrying in %llds (%s now), staged edits are kept; %s"),
                      left > 0 ? (left + 999) / 1000 : 0, vt_app_key(a, VT_ACT_REFRESH), why);
    else
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("disconnected: retrying in %llds (%s now); %s"),
                      left > 0 ? (left + 999) / 1000 : 0, vt_app_key(a, VT_ACT_REFRESH), why);
    a->status_by_refresh = true;
}

static void snapshot_changed(vt_app *a)
{
    a->snap_gen++;
    /* the views keep the foreground host's snapshot, not another's */
    if (!vt_app_is_fg(a))
        return;
    for (int v = 0; v < VT_VIEW_LAST; v++) {
        const vt_view_ops *ops = vt_view_get((vt_view_id)v);
        if (ops->on_refresh)
            ops->on_refresh(a);
    }
}

/* The daemon is gone: keep the snapshot on screen (marked DISCONNECTED),
 * keep the staged edits, and open the connection again with back-off. */
static bool reconnect(vt_app *a)
{
    long long now = vt_now_ms();

    if (a->connected) {
        a->connected = false;
        a->retry_ms = RETRY_FIRST_MS;
        a->retry_at = now;
        snprintf(a->lost_why, sizeof(a->lost_why), "%s",
                 a->c->err.msg[0] ? a->c->err.msg : _("the connection was closed"));
    }
    if (now < a->retry_at) {
        disconnected_status(a, a->lost_why);
        a->next_refresh = a->retry_at;
        return false;
    }
    if (vt_conn_reconnect(a->c, RECONNECT_WAIT_MS) < 0) {
        a->retry_at = now + a->retry_ms;
        a->retry_ms = a->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : a->retry_ms * 2;
        snprintf(a->lost_why, sizeof(a->lost_why), "%s", a->c->err.msg);
        disconnected_status(a, a->lost_why);
        a->next_refresh = a->retry_at;
        return false;
    }
    return true;
}

/* VT_TRACE_REFRESH=FILE: one line per merged refresh, "HOST START END
 * DOMAINS" in ms of the monotonic clock (tests/bench/fleet-bench.sh). */
static void trace_refresh(const vt_app *a)
{
    static FILE *trace;
    static bool tried;

    if (!tried) {
        const char *tp = getenv("VT_TRACE_REFRESH");
        tried = true;
        if (tp && *tp)
            trace = fopen(tp, "a");
    }
    if (!trace)
        return;
    fprintf(trace, "%s %lld %lld %zu\n", a->host_name ? a->host_name : "-", a->refresh_started,
            vt_now_ms(), a->c->ndoms);
    fflush(trace);
}

/* The advisor's findings counted on each VM (the list's marks). */
static void count_findings(vt_app *a)
{
    for (size_t i = 0; i < a->c->ndoms; i++) {
        a->c->doms[i]->nfindings = (unsigned)vt_advice_count_vm(&a->advice, a->c->doms[i]->name);
        a->c->doms[i]->nfails = 0;
    }
    for (size_t i = 0; i < a->advice.n; i++) {
        vt_domain *d;
        if (a->advice.items[i].sev == VT_SEV_FAIL && a->advice.items[i].vm &&
            (d = vt_conn_find_name(a->c, a->advice.items[i].vm)))
            d->nfails++;
    }
}

void vt_refresh_judge(vt_app *a)
{
    vt_advise_opts ao = { .remote = a->remote_read ? &a->remote : NULL, .live = &a->live_window };

    if (!a->c || !a->first_done)
        return;
    vt_advise(a->c, &ao, &a->advice);
    a->judged = true;
    a->judged_fetches = a->c->counters.xml_fetches;
    a->judge_skipped = 0;
    count_findings(a);
}

/* When the next refresh is due. The hosts of a fleet are refreshed
 * together, on one grid of the interval from the console's start: the
 * fleet view's rows are of the same moment, and a slow host does not
 * shift the others. */
static long long next_due(const vt_app *a)
{
    long long now = vt_now_ms();

    if (!a->fleet || a->fleet->n < 2)
        return now + a->refresh_ms;
    return a->fleet->t0 + ((now - a->fleet->t0) / a->refresh_ms + 1) * a->refresh_ms;
}

/* The end of a refresh, whichever way it ran. */
static void refresh_done(vt_app *a, int rc)
{
    bool was_lost = a->refresh_was_lost;

    a->refresh_was_lost = false;
    if (rc < 0) {
        if (vt_conn_lost(a->c)) {
            /* it went away during this refresh: back-off from now */
            a->connected = true;
            reconnect(a);
        } else {
            vt_app_status(a, VT_ROLE_STATUS_ERROR, _("refresh failed: %s"), a->c->err.msg);
            a->status_by_refresh = true;
            a->next_refresh = next_due(a);
        }
        snapshot_changed(a);
        return;
    }
    a->connected = true;
    a->first_done = true;
    /* rates only between two merged snapshots (a failed refresh keeps the
       old counters: a zero interval); before the advisor, which may judge
       the window */
    vt_live_sample_now(a);
    /* one advisor for the list's marks, the detail's findings and the
       advice; a fleet's host in the background is judged again when its
       definitions changed, else every BACKGROUND_JUDGE_EVERY refreshes
       (its row's counts are then at most that old): with 20 hosts the
       advisor was most of the console's steady cost */
    if (vt_app_is_fg(a) || !a->judged || a->judged_fetches != a->c->counters.xml_fetches ||
        ++a->judge_skipped >= BACKGROUND_JUDGE_EVERY)
        vt_refresh_judge(a);
    else
        count_findings(a);
    if (was_lost)
        vt_app_status(a, VT_ROLE_STATUS,
                      a->staged.n ? _("reconnected to %s: %zu VMs read again; staged edits are kept (review checks "
                                      "them against the new state)")
                                  : _("reconnected to %s: %zu VMs read again"), a->c->uri, a->c->ndoms);
    else if ((a->status_by_refresh || !a->status[0]) && vt_nav_top(a) != VT_VIEW_FLEET)
        vt_app_status(a, VT_ROLE_STATUS, _("%zu VMs"), a->c->ndoms);
    snapshot_changed(a);
    trace_refresh(a);   /* with the advisor's and the views' work */
    a->next_refresh = next_due(a);
}

/* A refresh waiting on a guest agent's guest-info is not a daemon that
 * stopped answering, for as long as the agent's own bound lasts. */
static bool waiting_on_agent(vt_app *a)
{
    return vt_conn_refresh_agents_asking(a->c) > 0 &&
           vt_conn_refresh_waited_ms(a->c) < SLOW_REFRESH_MS + VT_AGENT_TIMEOUT_S * 1000LL;
}

bool vt_refresh_slow(vt_app *a)
{
    return a->c && vt_conn_refresh_waited_ms(a->c) >= SLOW_REFRESH_MS && !waiting_on_agent(a);
}

const char *vt_refresh_state(vt_app *a)
{
    if (!a->c)
        return _("connecting");
    return !a->connected ? _("DISCONNECTED") : vt_refresh_slow(a) ? _("NO ANSWER") : _("connected");
}

bool vt_refresh_bounded(vt_app *a, int wait_ms)
{
    int rc;

    if (!vt_conn_refresh_running(a->c)) {
        a->refresh_was_lost = !a->connected;
        if ((!a->connected || vt_conn_lost(a->c)) && !reconnect(a)) {
            snapshot_changed(a);
            return true;
        }
        a->refresh_started = vt_now_ms();
        if (vt_conn_refresh_start(a->c) < 0) {
            refresh_done(a, -1);
            return true;
        }
    }
    rc = vt_conn_refresh_wait(a->c, wait_ms);
    if (rc == 1) {
        if (vt_conn_refresh_waited_ms(a->c) >= SLOW_REFRESH_MS && waiting_on_agent(a)) {
            int asking = vt_conn_refresh_agents_asking(a->c);
            vt_app_status(a, VT_ROLE_STATUS,
                          P_("waiting up to %ds for %d guest agent (guest-info); the view shows its last answer",
                             "waiting up to %ds for %d guest agents (guest-info); the view shows its last answer",
                             asking), VT_AGENT_TIMEOUT_S, asking);
            a->status_by_refresh = true;
        }
        if (vt_refresh_slow(a))
            vt_app_status(a, VT_ROLE_STATUS_ERROR,
                          a->staged.n ? _("no answer for %llds from %s; the view shows its last answer, staged edits "
                                          "are kept")
                                      : _("no answer for %llds from %s; the view shows its last answer"),
                          vt_conn_refresh_waited_ms(a->c) / 1000, a->c->uri);
        if (vt_refresh_slow(a))
            a->status_by_refresh = true;
        return false;
    }
    refresh_done(a, rc);
    return true;
}

void vt_refresh_now(vt_app *a)
{
    if (vt_conn_refresh_running(a->c))
        vt_refresh_bounded(a, -1);   /* started before the action */
    vt_refresh_bounded(a, -1);
}

/* ^L: try a lost daemon now (the back-off goes on), wait a little. */
bool vt_refresh_key(vt_app *a)
{
    a->retry_at = 0;
    return vt_refresh_bounded(a, RECONNECT_WAIT_MS);
}
