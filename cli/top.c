/* --top: the live rates without the console, as `top -b` and
 * `virt-top --csv` give them to scripts and tickets: a sample every
 * -d seconds, -n times (0: until interrupted), as CSV, JSON lines or a
 * table. The first row of each VM comes after one interval: rates need
 * two samples. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "core/live.h"

static void now_iso(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *num(double v, int decimals)
{
    char buf[64];

    if (isnan(v))
        return NULL;
    snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static void put_num(json_object *o, const char *key, double v, int decimals)
{
    json_object_object_add(o, key, num(v, decimals));
}

static void json_sample(const vt_live_rates *r, const char *time, FILE *out)
{
    json_object *o = json_object_new_object(), *h = json_object_new_object(),
                *vms = json_object_new_array();

    json_object_object_add(o, "time", json_object_new_string(time));
    put_num(o, "interval_s", r->interval_s, 3);
    put_num(h, "cpu_pct", r->host_cpu_pct, 1);
    put_num(h, "steal_pct", r->host_steal_pct, 1);
    put_num(h, "runnable_vcpus_per_cpu", r->runnable_per_cpu, 2);
    json_object_object_add(h, "cpus", r->ncpus ? json_object_new_int((int)r->ncpus) : NULL);
    json_object_object_add(o, "host", h);
    for (size_t i = 0; i < r->nvms; i++) {
        const vt_vm_rate *v = &r->vms[i];
        json_object *j;
        if (v->measuring)
            continue;
        j = json_object_new_object();
        json_object_object_add(j, "vm", json_object_new_string(v->name ? v->name : v->uuid));
        json_object_object_add(j, "uuid", json_object_new_string(v->uuid));
        put_num(j, "cpu_pct", v->cpu_pct, 1);
        put_num(j, "vcpu_steal_pct", v->vcpu_steal_pct, 1);
        put_num(j, "exits_ps", v->exits_ps, 1);
        put_num(j, "io_exits_ps", v->io_exits_ps, 1);
        put_num(j, "mmio_exits_ps", v->mmio_exits_ps, 1);
        put_num(j, "halt_exits_ps", v->halt_exits_ps, 1);
        put_num(j, "insn_emulation_ps", v->insn_emulation_ps, 1);
        put_num(j, "haltpoll_success_pct", v->haltpoll_success_pct, 1);
        put_num(j, "emulator_cpu_pct", v->emulator_cpu_pct, 1);
        put_num(j, "iothread_cpu_pct", v->iothread_cpu_pct, 1);
        put_num(j, "vhost_cpu_pct", v->vhost_cpu_pct, 1);
        put_num(j, "disk_rd_bps", v->disk_rd_bps, 0);
        put_num(j, "disk_wr_bps", v->disk_wr_bps, 0);
        put_num(j, "disk_rd_iops", v->disk_rd_iops, 1);
        put_num(j, "disk_wr_iops", v->disk_wr_iops, 1);
        put_num(j, "net_rx_bps", v->net_rx_bps, 0);
        put_num(j, "net_tx_bps", v->net_tx_bps, 0);
        put_num(j, "net_rx_pps", v->net_rx_pps, 1);
        put_num(j, "net_tx_pps", v->net_tx_pps, 1);
        if (v->threads_why) {
            json_object_object_add(j, "threads", NULL);
            json_object_object_add(j, "threads_why", json_object_new_string(v->threads_why));
        } else {
            json_object *ts = json_object_new_array();
            for (size_t t = 0; t < v->nthreads; t++) {
                const vt_thread_rate *tr = &v->threads[t];
                json_object *to = json_object_new_object();
                json_object_object_add(to, "name", json_object_new_string(tr->name));
                json_object_object_add(to, "tid", json_object_new_int(tr->tid));
                json_object_object_add(to, "cpu", json_object_new_int(tr->cpu));
                put_num(to, "cpu_pct", tr->cpu_pct, 1);
                put_num(to, "steal_pct", tr->steal_pct, 1);
                put_num(to, "exits_ps", tr->exits_ps, 1);
                json_object_object_add(to, "serves",
                                       tr->serves ? json_object_new_string(tr->serves) : NULL);
                json_object_array_add(ts, to);
            }
            json_object_object_add(j, "threads", ts);
        }
        json_object_array_add(vms, j);
    }
    json_object_object_add(o, "vms", vms);
    fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

/* name cut and padded to cols display columns (CJK names are two a character) */
static void name_col(FILE *out, const char *name, int cols)
{
    mbstate_t st;
    const char *p = name;
    int used = 0;

    memset(&st, 0, sizeof(st));
    if (MB_CUR_MAX == 1) {      /* no multibyte locale: bytes as they are */
        for (; *p && used < cols; p++, used++)
            fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, out);
        for (; used < cols; used++)
            fputc(' ', out);
        return;
    }
    while (*p) {
        wchar_t wc;
        size_t len = mbrtowc(&wc, p, strlen(p), &st);
        int w;
        if (len == (size_t)-1 || len == (size_t)-2) {
            memset(&st, 0, sizeof(st));
            wc = L'?';
            len = 1;
        }
        w = wcwidth(wc);
        if (w < 0)
            w = 1;
        if (used + w > cols)
            break;
        if (wcwidth(wc) < 0)
            fputc('?', out);
        else
            fwrite(p, 1, len, out);
        used += w;
        p += len;
    }
    for (; used < cols; used++)
        fputc(' ', out);
}

static void cell(char *buf, size_t n, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, v);
}

static void text_sample(const vt_live_rates *r, const char *time, FILE *out)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32];

    cell(a, sizeof(a), r->host_cpu_pct, "%.1f%%");
    cell(b, sizeof(b), r->host_steal_pct, "%.1f%%");
    cell(c, sizeof(c), r->runnable_per_cpu, "%.2f");
    fprintf(out, _("%s  host: CPU %s in use, steal %s, runnable vCPUs per CPU %s (%u CPUs)\n"), time,
            a, b, c, r->ncpus);
    /* the other headers stay as they are: they fit their columns */
    /* TRANSLATORS: the first column's header of --top's table (24 columns) */
    name_col(out, _("VM"), 24);
    fprintf(out, " %7s %6s %9s %6s %11s %11s %11s %11s\n", "CPU%", "STEAL%", "EXITS/s",
            "POLL%", "DISK-RD B/s", "DISK-WR B/s", "NET-RX B/s", "NET-TX B/s");
    for (size_t i = 0; i < r->nvms; i++) {
        const vt_vm_rate *v = &r->vms[i];
        if (v->measuring) {
            name_col(out, v->name, 24);
            fprintf(out, _(" measuring… (%s)\n"), v->why);
            continue;
        }
        cell(a, sizeof(a), v->cpu_pct, "%.1f");
        cell(b, sizeof(b), v->vcpu_steal_pct, "%.1f");
        cell(c, sizeof(c), v->exits_ps, "%.0f");
        cell(d, sizeof(d), v->haltpoll_success_pct, "%.0f");
        cell(e, sizeof(e), v->disk_rd_bps, "%.0f");
        cell(f, sizeof(f), v->disk_wr_bps, "%.0f");
        cell(g, sizeof(g), v->net_rx_bps, "%.0f");
        name_col(out, v->name, 24);
        fprintf(out, " %7s %6s %9s %6s %11s %11s %11s ", a, b, c, d, e, f, g);
        cell(a, sizeof(a), v->net_tx_bps, "%.0f");
        fprintf(out, "%11s\n", a);
    }
    fputc('\n', out);
}

/* Wait secs, or less when a signal of `sigs` (blocked) arrives: its
 * number then, 0 after the full wait. */
static int wait_or_signal(double secs, const sigset_t *sigs)
{
    struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
    int s;

    do
        s = sigtimedwait(sigs, NULL, &ts);
    while (s < 0 && errno == EINTR);
    return s < 0 ? 0 : s;
}

int vt_cli_top(vt_conn *c, const vt_cli_top_opts *o)
{
    vt_live_sample prev = { 0 }, cur = { 0 };
    vt_err err = { { 0 } };
    int rc = 0, printed = 0, sig = 0;

    setlocale(LC_CTYPE, "");    /* names by display width; numbers stay C */
    c->pids_only = true;
    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    vt_live_take(c, !c->remote, &prev, &err);
    if (o->format == VT_CLI_TOP_CSV)
        printf("%s\n", vt_live_csv_header);
    fflush(stdout);
    while (o->iterations <= 0 || printed < o->iterations) {
        vt_live_rates r;
        char t[32];

        if ((sig = wait_or_signal(o->delay_s, o->sigs)))
            break;
        if (vt_conn_refresh(c) < 0) {
            fprintf(stderr, "virt-tune: %s\n", c->err.msg);
            rc = 1;
            break;
        }
        vt_live_take(c, !c->remote, &cur, &err);
        vt_live_rates_compute(c, &prev, &cur, &r);
        now_iso(t, sizeof(t));
        if (o->format == VT_CLI_TOP_CSV) {
            vt_buf b = { 0 };
            vt_live_csv_rows(&r, t, &b);
            if (b.buf)
                fputs(b.buf, stdout);
            vt_buf_free(&b);
        } else if (o->format == VT_CLI_TOP_JSON) {
            json_sample(&r, t, stdout);
        } else {
            text_sample(&r, t, stdout);
        }
        vt_live_rates_clear(&r);
        vt_live_sample_clear(&prev);
        prev = cur;
        memset(&cur, 0, sizeof(cur));
        printed++;
        if (fflush(stdout) != 0) {
            rc = 1;
            break;
        }
    }
    vt_live_sample_clear(&prev);
    vt_live_sample_clear(&cur);
    return sig ? 128 + sig : rc;
}
