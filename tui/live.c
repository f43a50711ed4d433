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
        snprintf(a->live_err, sizeof(a->live_err), "%s", err.msg[0] ? err.msg : _("no sample"));
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
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("measuring… (no sample of this VM yet: rates after the next refresh)"));
        return;
    }
    if (r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, _("measuring… (%s: rates after the next refresh)"),
                    r->why ? r->why : _("no earlier sample"));
        return;
    }
    snprintf(b, sizeof(b), "%.1f s", r->interval_s);
    vt_pen_field(p, _("interval"), isnan(r->interval_s) ? "-" : b, VT_ROLE_NORMAL);
    field_pct(p, _("CPU (of one host CPU)"), r->cpu_pct);
    field_pct(p, _("vCPU steal (mean)"), r->vcpu_steal_pct);
    field_pct(p, _("emulator threads CPU"), r->emulator_cpu_pct);
    field_pct(p, _("IOThreads CPU"), r->iothread_cpu_pct);
    field_pct(p, _("vhost CPU"), r->vhost_cpu_pct);
    vt_live_count(r->exits_ps, b, sizeof(b));
    vt_pen_field(p, _("exits/s"), b, isnan(r->exits_ps) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
    field_pct(p, _("halt-poll success"), r->haltpoll_success_pct);
    field_pair(p, _("disk read / write"), r->disk_rd_bps, r->disk_wr_bps, true, _("per s"));
    field_pair(p, _("disk IOPS read / write"), r->disk_rd_iops, r->disk_wr_iops, false, "");
    field_pair(p, _("net rx / tx"), r->net_rx_bps, r->net_tx_bps, true, _("per s"));
    field_pair(p, _("net packets rx / tx"), r->net_rx_pps, r->net_tx_pps, false, _("per s"));
    snprintf(b, sizeof(b), _("%u of %u"), r->vcpus_runnable, r->nvcpus);
    vt_pen_field(p, _("vCPUs runnable"), r->threads ? b : "-", r->threads ? VT_ROLE_NORMAL : VT_ROLE_DIM);
}

void vt_live_draw_threads(vt_pen *p, const vt_vm_rate *r)
{
    /* TRANSLATORS: thread table headers: steal% at most 7 columns, exits/s 8 */
    const char *thread = _("thread");
    int nw = vt_text_width(thread) > 6 ? vt_text_width(thread) : 6;

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("measuring…"));
        return;
    }
    if (!r->nthreads) {
        vt_pen_wrap(p, VT_ROLE_DIM, _("threads unknown: "), r->threads_why ? r->threads_why : _("not read yet"));
        return;
    }
    /* by columns: a thread's name is the process's, any UTF-8 */
    for (size_t i = 0; i < r->nthreads; i++)
        if (vt_text_width(r->threads[i].name) > nw)
            nw = vt_text_width(r->threads[i].name);
    vt_pen_line(p, VT_ROLE_DIM, "%s %8s %4s %6s %s %s  %s", vt_pad(thread, -nw), "tid", "CPU", "CPU%",
                vt_pad(_("steal%"), 7), vt_pad(_("exits/s"), 8), _("serves"));
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
        vt_pen_line(p, VT_ROLE_NORMAL, "%s %8d %4s %6s %7s %8s  %s", vt_pad(t->name, -nw), t->tid, cpu, pct, steal, exits,
                    t->serves ? t->serves : "");
    }
}

void vt_live_draw_exits(vt_pen *p, const vt_vm_rate *r)
{
    vt_exit_row rows[64];
    size_t n;
    /* TRANSLATORS: exit table headers: count at most 12 columns, per s 10 */
    const char *explaining = _("explaining counters"), *count = _("count"), *per_s = _("per s");
    bool explained = false;
    int cw = vt_text_width(explaining) > 19 ? vt_text_width(explaining) : 19;

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("measuring…"));
        return;
    }
    if (!r->kvm_present) {
        vt_pen_wrap(p, VT_ROLE_DIM, "", _("no KVM counters for this VM: libvirt gave no vcpu.N.exits and the "
                    "like (a TCG guest, the test driver, or a libvirt too old for KVM's stats)"));
        return;
    }
    n = vt_live_exit_rows(r, rows, sizeof(rows) / sizeof(rows[0]));
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(rows[i].cls) > cw)
            cw = (int)strlen(rows[i].cls);
    vt_pen_line(p, VT_ROLE_DIM, "%-*s %s %7s %s", cw, "VM-EXIT", vt_pad(count, 12), "%", vt_pad(per_s, 10));
    for (size_t i = 0; i < n; i++) {
        char pct[16], ps[16], line[256];
        int len;
        if (!rows[i].is_exit && !explained) {
            vt_pen_line(p, VT_ROLE_DIM, "%s %s %7s %s", vt_pad(explaining, -cw), vt_pad(count, 12), "",
                        vt_pad(per_s, 10));
            explained = true;
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
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no exits over the interval"));
}

void vt_live_draw_haltpoll(vt_pen *p, const vt_vm_rate *r)
{
    double pct;
    unsigned long long ok, fail;
    char b[128];

    if (!r || r->measuring) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("measuring…"));
        return;
    }
    if (!vt_live_haltpoll(r, &pct, &ok, &fail)) {
        vt_pen_line(p, VT_ROLE_DIM, "%s", _("no halt-poll counters for this VM"));
        return;
    }
    if (isnan(pct))
        vt_live_pct(pct, b, sizeof(b));
    else
        snprintf(b, sizeof(b), _("%.1f %% of the polls tried"), pct);
    vt_pen_field(p, _("successful polls"), b, isnan(pct) ? VT_ROLE_DIM : VT_ROLE_NORMAL);
    snprintf(b, sizeof(b), _("%.3f ms succeeded, %.3f ms failed"), ok / 1e6, fail / 1e6);
    vt_pen_field(p, _("poll time"), b, fail > ok ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL);
}
