/* The hosts of the console (tui/ui.h's vt_fleet): the first open of each,
 * in a thread of core's; each host's refresh and reconnect as a console
 * of one host does them (tui/refresh.c), never waited for here. */
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

/* A first open that failed is tried again, from this, doubling up to the
 * most (as a lost connection is, tui/refresh.c). */
#define OPEN_RETRY_FIRST_MS 2000
#define OPEN_RETRY_MAX_MS 30000
/* An open or a refresh waited on for longer than this is "no answer". */
#define NO_ANSWER_MS 2000

vt_app *vt_fleet_fg(const vt_fleet *f)
{
    return f->h[f->fg].a;
}

bool vt_app_is_fg(const vt_app *a)
{
    return !a->fleet || vt_fleet_fg(a->fleet) == a;
}

size_t vt_fleet_staged(const vt_fleet *f)
{
    size_t n = 0;

    for (size_t i = 0; i < f->n; i++)
        n += f->h[i].a->staged.n;
    return n;
}

/* The first open answered: the host's console takes the connection, as
 * it would have under its first frame (tui/app.c connect_now). */
static void attach(vt_fleet_host *h)
{
    vt_app *a = h->a;

    a->c = h->opening;
    h->opening = NULL;
    a->own_conn = true;
    a->connected = true;
    a->uri_label = a->c->uri;
    if (!a->recovery_key && a->opts && a->opts->recovery_by_uri)
        a->recovery_key = a->c->uri;
    a->next_refresh = 0;
    /* its staged edits of an earlier console: asked when it is entered
       (the dialog is the host's own) */
    vt_recovery_offer(a);
}

static void tick_open(vt_fleet_host *h, long long now)
{
    int rc;

    if (now < h->retry_at)
        return;
    rc = vt_conn_open_wait(h->opening, 0);
    if (rc == 0) {
        attach(h);
    } else if (rc < 0) {
        snprintf(h->open_err, sizeof(h->open_err), "%s", h->opening->err.msg);
        h->retry_ms = h->retry_ms ? h->retry_ms * 2 : OPEN_RETRY_FIRST_MS;
        if (h->retry_ms > OPEN_RETRY_MAX_MS)
            h->retry_ms = OPEN_RETRY_MAX_MS;
        h->retry_at = now + h->retry_ms;
    }
}

void vt_fleet_tick(vt_fleet *f)
{
    long long now = vt_now_ms();

    for (size_t i = 0; i < f->n; i++) {
        vt_fleet_host *h = &f->h[i];
        vt_app *a = h->a;

        if (h->opening)
            tick_open(h, now);
        if (!a->c)
            continue;
        if (vt_conn_refresh_running(a->c) || now >= a->next_refresh)
            vt_refresh_bounded(a, 0);
        vt_recovery_sync(a);
    }
}

bool vt_fleet_busy(const vt_fleet *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const vt_fleet_host *h = &f->h[i];
        if ((h->opening && h->opening->attempt) || (h->a->c && vt_conn_refresh_running(h->a->c)))
            return true;
    }
    return false;
}

long long vt_fleet_next_due(const vt_fleet *f)
{
    long long due = -1;

    for (size_t i = 0; i < f->n; i++) {
        const vt_fleet_host *h = &f->h[i];
        long long t = h->opening ? h->retry_at : h->a->next_refresh;
        if (h->opening && h->opening->attempt)
            continue;   /* under way: vt_fleet_busy */
        if (due < 0 || t < due)
            due = t;
    }
    return due;
}

void vt_fleet_state(const vt_fleet_host *h, char *buf, size_t n)
{
    vt_app *a = h->a;
    long long waited;

    if (h->opening) {
        waited = vt_conn_open_waited_ms(h->opening);
        if (waited >= NO_ANSWER_MS)
            snprintf(buf, n, _("no answer for %llds"), waited / 1000);
        else if (h->open_err[0] && !waited)
            snprintf(buf, n, _("disconnected: %s"), h->open_err);
        else
            snprintf(buf, n, "%s", _("connecting"));
        return;
    }
    if (!a->connected) {
        snprintf(buf, n, _("disconnected: %s"), a->lost_why[0] ? a->lost_why : _("the connection was closed"));
        return;
    }
    waited = vt_conn_refresh_waited_ms(a->c);
    if (waited >= NO_ANSWER_MS && vt_refresh_slow(a))
        snprintf(buf, n, _("no answer for %llds"), waited / 1000);
    else if (!a->first_done)
        snprintf(buf, n, "%s", _("connecting"));
    else
        snprintf(buf, n, "%s", _("connected"));
}

void vt_fleet_enter(vt_fleet *f, size_t i)
{
    vt_app *from = vt_fleet_fg(f), *to;

    if (i >= f->n)
        return;
    if (f->n == 1) {
        /* one host: the fleet view is a view on its stack like another */
        vt_nav_pop(from);
        return;
    }
    while (vt_nav_pop(from))
        ;
    f->fg = i;
    to = f->h[i].a;
    while (vt_nav_pop(to))
        ;
    /* what the views keep of a snapshot is the foreground's: theirs is
       made again from this host's */
    vt_refresh_judge(to);   /* judged in the background less often */
    for (int v = 0; v < VT_VIEW_LAST; v++) {
        const vt_view_ops *ops = vt_view_get((vt_view_id)v);
        if (ops->on_refresh)
            ops->on_refresh(to);
    }
    vt_nav_push(to, VT_VIEW_LIST);
}
