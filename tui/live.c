/* The live samples of the console: one per merged refresh, the rates
 * between the last two, a copy of them kept for the advisor's window;
 * and the blocks the Top view and the detail's Live panel draw them
 * with. Every number that is not known is "-": a 0 would say the VM is
 * idle when nobody knows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"
#include "widgets/text.h"

/* The window owns its rates, the views read a->live: a copy for it. */
static void copy_rates(const vt_live_rates *src, vt_live_rates *dst)
{
    *dst = *src;
    dst->vms = vt_calloc(src->nvms ? src->nvms : 1, sizeof(*dst->vms));
    for (size_t i = 0; i < src->nvms; i++) {
        const vt_vm_rate *s = &src->vms[i];
        vt_vm_rate *d = &dst->vms[i];
        *d = *s;
        d->name = vt_strdup(s->name);
        d->threads_why = vt_strdup(s->threads_why);
        d->threads = NULL;
        if (s->nthreads) {
            d->threads = vt_calloc(s->nthreads, sizeof(*d->threads));
            for (size_t j = 0; j < s->nthreads; j++) {
                d->threads[j] = s->threads[j];
                d->threads[j].serves = vt_strdup(s->threads[j].serves);
            }
        }
    }
}

void vt_live_sample_now(vt_app *a)
{
    vt_live_sample next;
    vt_err err = { { 0 } };
    bool threads = vt_top_shows_threads(a) || vt_detail_shows_live(a);

    if (!a->c)
        return;
    if (vt_live_take(a->c, threads, &next, &err) < 0) {
        /* the rates of the last good pair stay on screen, said stale */
        snprintf(a->live_err, sizeof(a->live_err), "%s", err.msg[0] ? err.msg : "no sample");
        return;
    }
    a->live_err[0] = '\0';
    vt_live_sample_clear(&a->live_prev);
    a->live_prev = a->live_cur;
    a->live_cur = next;
    vt_live_rates_clear(&a->live);
    vt_live_rates_compute(a->c, a->live_prev.at_ns ? &a->live_prev : NULL, &a->live_cur, &a->live);
    if (!a->live.measuring) {
        vt_live_rates copy;
        copy_rates(&a->live, &copy);
        vt_live_window_push(&a->live_window, &copy);
        vt_live_rates_clear(&copy);   /* empty after the push; a refused one goes here */
    }
    a->live_gen++;
}

void vt_live_free(vt_app *a)
{
    vt_live_sample_clear(&a->live_prev);
    vt_live_sample_clear(&a->live_cur);
    vt_live_rates_clear(&a->live);
    vt_live_window_clear(&a->live_window);
}

void vt_live_pct(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f", v);
}

void vt_live_bytes(double v, char *buf, size_t n)
{
    static const char units[] = "BKMGT";
    int u = 0;

    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%.0fB", v);
    else
        snprintf(buf, n, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

void vt_live_count(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (v < 10)
        snprintf(buf, n, "%.1f", v);
    else if (v < 10000)
        snprintf(buf, n, "%.0f", v);
    else if (v < 10e6)
        snprintf(buf, n, "%.1fk", v / 1000);
    else
        snprintf(buf, n, "%.1fM", v / 1e6);
}

static void field_pct(vt_pen *p, const char *label, double v)
{
    char b[32];

    vt_live_pct(v, b, sizeof(b));
    if (!isnan(v))
        strcat(b, " %");
    vt_pen_field(p, label, b, isnan(v) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
}

static void field_pair(vt_pen *p, const char *label, double x, double y, bool bytes, const char *unit)
{
    char bx[32], by[32], line[96];

    (bytes ? vt_live_bytes : vt_live_count)(x, bx, sizeof(bx));
    (bytes ? vt_live_bytes : vt_live_count)(y, by, sizeof(by));
    snprintf(line, sizeof(line), "%s / %s %s", bx, by, unit);
    vt_pen_field(p, label, line, isnan(x) && isnan(y) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
}

void vt_live_draw_fields(vt_pen *p, const vt_vm_rate *r)
{
    char b[64];

    if (!r) {
        vt_pen_line(p, VT_ROLE_DIM, "measuring… (no sample of this VM yet: rates after the next refresh)");
        return;
    }
    if (r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "measuring… (%s: rates after the next refresh)", r->why ? r->why : "no earlier sample");
        return;
    }
    snprintf(b, sizeof(b), "%.1f s", r->interval_s);
    vt_pen_field(p, "interval", isnan(r->interval_s) ? "-" : b, VT_ROLE_NORMAL);
    field_pct(p, "CPU (of one host CPU)", r->cpu_pct);
    field_pct(p, "vCPU steal (mean)", r->vcpu_steal_pct);
    field_pct(p, "emulator threads CPU", r->emulator_cpu_pct);
    field_pct(p, "IOThreads CPU", r->iothread_cpu_pct);
    field_pct(p, "vhost CPU", r->vhost_cpu_pct);
    vt_live_count(r->exits_ps, b, sizeof(b));
    vt_pen_field(p, "exits/s", b, isnan(r->exits_ps) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
    field_pct(p, "halt-poll success", r->haltpoll_success_pct);
    field_pair(p, "disk read / write", r->disk_rd_bps, r->disk_wr_bps, true, "per s");
    field_pair(p, "disk IOPS read / write", r->disk_rd_iops, r->disk_wr_iops, false, "");
    field_pair(p, "net rx / tx", r->net_rx_bps, r->net_tx_bps, true, "per s");
    field_pair(p, "net packets rx / tx", r->net_rx_pps, r->net_tx_pps, false, "per s");
    snprintf(b, sizeof(b), "%u of %u", r->vcpus_runnable, r->nvcpus);
    vt_pen_field(p, "vCPUs runnable", r->threads ? b : "-", r->threads ? VT_ROLE_NORMAL : VT_ROLE_DIM);
}

void vt_live_draw_threads(vt_pen *p, const vt_vm_rate *r)
{
    int nw = 6;   /* "thread" */

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "measuring…");
        return;
    }
    if (!r->nthreads) {
        vt_pen_wrap(p, VT_ROLE_DIM, "threads unknown: ", r->threads_why ? r->threads_why : "not read yet");
        return;
    }
    for (size_t i = 0; i < r->nthreads; i++)
        if ((int)strlen(r->threads[i].name) > nw)
            nw = (int)strlen(r->threads[i].name);
    vt_pen_line(p, VT_ROLE_DIM, "%-*s %8s %4s %6s %7s %8s  %s", nw, "thread", "tid", "CPU", "CPU%", "steal%",
                "exits/s", "serves");
    for (size_t i = 0; i < r->nthreads; i++) {
        const vt_thread_rate *t = &r->threads[i];
        char cpu[16], pct[16], steal[16], exits[16];
        if (t->cpu >= 0)
            snprintf(cpu, sizeof(cpu), "%d", t->cpu);
        else
            snprintf(cpu, sizeof(cpu), "-");
        vt_live_pct(t->cpu_pct, pct, sizeof(pct));
        vt_live_pct(t->steal_pct, steal, sizeof(steal));
        vt_live_count(t->exits_ps, exits, sizeof(exits));
        if (t->kind != VT_THREAD_VCPU) {
            snprintf(steal, sizeof(steal), " ");
            snprintf(exits, sizeof(exits), " ");
        }
        vt_pen_line(p, VT_ROLE_NORMAL, "%-*s %8d %4s %6s %7s %8s  %s", nw, t->name, t->tid, cpu, pct, steal, exits,
                    t->serves ? t->serves : "");
    }
}

void vt_live_draw_exits(vt_pen *p, const vt_vm_rate *r)
{
    vt_exit_row rows[64];
    size_t n;
    bool explaining = false;
    int cw = 19;   /* "explaining counters" */

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "measuring…");
        return;
    }
    if (!r->kvm_present) {
        vt_pen_wrap(p, VT_ROLE_DIM, "", "no KVM counters for this VM: libvirt gave no vcpu.N.exits and the "
                    "like (a TCG guest, the test driver, or a libvirt too old for KVM's stats)");
        return;
    }
    n = vt_live_exit_rows(r, rows, sizeof(rows) / sizeof(rows[0]));
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(rows[i].cls) > cw)
            cw = (int)strlen(rows[i].cls);
    vt_pen_line(p, VT_ROLE_DIM, "%-*s %12s %7s %10s", cw, "VM-EXIT", "count", "%", "per s");
    for (size_t i = 0; i < n; i++) {
        char pct[16], ps[16], line[256];
        int len;
        if (!rows[i].is_exit && !explaining) {
            vt_pen_line(p, VT_ROLE_DIM, "%-*s %12s %7s %10s", cw, "explaining counters", "count", "", "per s");
            explaining = true;
        }
        vt_live_pct(rows[i].pct, pct, sizeof(pct));
        vt_live_count(rows[i].per_s, ps, sizeof(ps));
        len = snprintf(line, sizeof(line), "%-*s %12llu %7s %10s", cw, rows[i].cls, rows[i].count,
                       rows[i].is_exit ? pct : "", ps);
        /* the reading beside its row where it fits, else under it */
        if (rows[i].reading && len + 2 + vt_text_width(rows[i].reading) <= p->width - 2) {
            vt_pen_line(p, VT_ROLE_NORMAL, "%s  %s", line, rows[i].reading);
        } else {
            vt_pen_line(p, VT_ROLE_NORMAL, "%s", line);
            if (rows[i].reading)
                vt_pen_wrap(p, VT_ROLE_DIM, "    ", rows[i].reading);
        }
    }
    if (!n)
        vt_pen_line(p, VT_ROLE_DIM, "no exits over the interval");
}

void vt_live_draw_haltpoll(vt_pen *p, const vt_vm_rate *r)
{
    double pct;
    unsigned long long ok, fail;
    char b[128];

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "measuring…");
        return;
    }
    if (!vt_live_haltpoll(r, &pct, &ok, &fail)) {
        vt_pen_line(p, VT_ROLE_DIM, "no halt-poll counters for this VM");
        return;
    }
    vt_live_pct(pct, b, sizeof(b));
    if (!isnan(pct))
        strcat(b, " % of the polls tried");
    vt_pen_field(p, "successful polls", b, isnan(pct) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
    snprintf(b, sizeof(b), "%.3f ms succeeded, %.3f ms failed", ok / 1e6, fail / 1e6);
    vt_pen_field(p, "poll time", b, fail > ok ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL);
}
