/* --report and --check: the snapshot, and the advisor's judgement of it. */
#include <config.h>

#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <time.h>
#include "core/advisor.h"
#include "core/live.h"
#include "core/remote.h"
#include "core/report.h"

int vt_cli_report(vt_conn *c, bool json)
{
    char *out;

    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    if (c->host.sysfs_why && !c->remote) {
        fprintf(stderr, "virt-tune: %s\n", c->host.sysfs_why);
        return 1;
    }
    if (json) {
        vt_report_json_write(c, stdout);
    } else {
        out = vt_report_text(c);
        fputs(out, stdout);
        free(out);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, _("virt-tune: cannot write the report: %s\n"), strerror(errno));
        return 1;
    }
    return 0;
}

/* Wait ts, or less when SIGINT, SIGTERM or SIGHUP comes (main() holds
 * them blocked): the signal is sent again to the process, for main() to
 * end with 128 + it after its clean-up (fleet workers each stop their
 * window on it), and true. */
static bool wait_interrupted(const struct timespec *ts)
{
    sigset_t set;
    int s;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    do
        s = sigtimedwait(&set, NULL, ts);
    while (s < 0 && errno == EINTR);
    if (s <= 0)
        return false;
    kill(getpid(), s);
    return true;
}

/* LIVE_STEPS samples over live_s seconds into w: the live signals are
 * judged over a window, not one sample */
#define LIVE_STEPS 4
int vt_cli_live_window(vt_conn *c, double live_s, vt_live_window *w)
{
    vt_live_sample prev = { 0 }, cur = { 0 };
    vt_err err = { { 0 } };
    struct timespec step = { (time_t)(live_s / LIVE_STEPS),
                             (long)((live_s / LIVE_STEPS - (double)(time_t)(live_s / LIVE_STEPS)) * 1e9) };

    vt_live_take(c, !c->remote, &prev, &err);
    for (int i = 0; i < LIVE_STEPS; i++) {
        vt_live_rates r;
        if (wait_interrupted(&step)) {
            vt_err_set(&c->err, "%s", _("interrupted"));
            vt_live_sample_clear(&prev);
            return -1;
        }
        step.tv_sec = (time_t)(live_s / LIVE_STEPS);
        step.tv_nsec = (long)((live_s / LIVE_STEPS - (double)step.tv_sec) * 1e9);
        if (vt_conn_refresh(c) < 0) {
            vt_live_sample_clear(&prev);
            return -1;
        }
        vt_live_take(c, !c->remote, &cur, &err);
        vt_live_rates_compute(c, &prev, &cur, &r);
        vt_live_window_push(w, &r);
        vt_live_sample_clear(&prev);
        prev = cur;
        memset(&cur, 0, sizeof(cur));
    }
    vt_live_sample_clear(&prev);
    return 0;
}

int vt_cli_check(vt_conn *c, bool json, double live_s, const char *vm)
{
    vt_remote_status rs = { 0 };
    vt_advise_opts ao = { 0 };
    vt_advice_list l = { 0 };
    vt_live_window w = { 0 };
    int rc;

    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 3;
    }
    if (live_s > 0) {
        if (vt_cli_live_window(c, live_s, &w) < 0) {
            fprintf(stderr, "virt-tune: %s\n", c->err.msg);
            vt_live_window_clear(&w);
            return 3;
        }
        ao.live = &w;
    }
    if (vm && !vt_conn_find_name(c, vm)) {
        fprintf(stderr, _("virt-tune: --vm: no VM named \"%s\" on %s\n"), vm, c->uri);
        vt_live_window_clear(&w);
        return 3;
    }
    if (!c->remote) {
        vt_remote_status_read(&rs, c->etc_root);
        ao.remote = &rs;
    }
    vt_advise(c, &ao, &l);
    if (vm)
        vt_advice_keep_vm(&l, vm);
    if (json) {
        vt_advice_json_write(&l, stdout);
    } else {
        char *t = vt_advice_text(&l);
        fputs(t, stdout);
        free(t);
    }
    rc = vt_advice_exit_code(&l);
    if (fflush(stdout) != 0)
        rc = 3;
    vt_advice_list_clear(&l);
    vt_remote_status_clear(&rs);
    vt_live_window_clear(&w);
    return rc;
}
