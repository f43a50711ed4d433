/* The console's main loop, layout and screens. The only place that knows
 * both the model (core/) and ncurses (widgets/). */
#include "app.h"

#include <curses.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "core/apply.h"
#include "core/advisor.h"
#include "core/checks.h"
#include "core/sasl.h"
#include "core/cpuset.h"
#include "core/host.h"
#include "core/fsutil.h"
#include "core/plan.h"
#include "core/recovery.h"
#include "widgets/cpugrid.h"
#include "widgets/dialog.h"
#include "widgets/input.h"
#include "widgets/meter.h"
#include "widgets/status.h"
#include "widgets/table.h"
#include "widgets/tabs.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#define MIN_COLS 80
#define MIN_LINES 24
#define PAD_LINES 2000

typedef enum {
    SCR_LIST,
    SCR_DETAIL,
    SCR_HOST,
    SCR_HELP,
    SCR_REVIEW,
    SCR_ADVICE,
    SCR_REMOTE,
    SCR_LAST,
} screen_id;

/* What has the keyboard on top of the screen: the screens stage, review
 * and save through these, one at a time. */
typedef enum {
    MODAL_NONE,
    MODAL_FORMS,     /* the pick-list of edits that fit the panel */
    MODAL_EDIT,      /* the plan-line tail, checked by the plan parser */
    MODAL_GRID,      /* CPU picker on the grid, for a pin edit */
    MODAL_DIALOG,    /* a question; dlg_kind says which */
    MODAL_SAVE,      /* the plan file's path */
    MODAL_ASK,       /* one answer of the remote-access set-up or users (ask_kind) */
    MODAL_LAST,
} modal_id;

typedef enum {
    DLG_STAGE,       /* the typed edit, expanded: stage it? */
    DLG_APPLY,
    DLG_QUIT,
    DLG_DROP_ALL,
    DLG_OVERWRITE,
    DLG_TRANSPORT,   /* set-up step 1: which transport (button index) */
    DLG_DEPRECATED,  /* digest-md5: deprecated and insecure, still? */
    DLG_SETUP_WRITE, /* set-up step 2: write the files shown? */
    DLG_USER_DELETE,
    DLG_RECOVER,     /* staged edits of a console that did not end cleanly */
    DLG_LAST,
} dialog_kind;

#define MAX_FORMS 48

typedef enum {
    PANEL_IOTHREADS,
    PANEL_MEMORY,
    PANEL_SECURITY,
    PANEL_DISKS,
    PANEL_NETWORK,
    PANEL_AGENT,
    PANEL_LAST,
} panel_id;

static const char *const panel_names[PANEL_LAST] = {
    "IOThreads", "Memory", "Security", "Disks", "Network", "Agent",
};

typedef enum {
    COL_WARN, COL_STAGED, COL_NAME, COL_STATE, COL_VCPU, COL_MEM, COL_IOTHR, COL_HUGE,
    COL_NUMA, COL_SVIRT, COL_LAST,
} list_col;

static const vt_table_col list_cols[COL_LAST] = {
    { "!", 2, 0, false },
    { "*", 1, 0, false },
    { "Name", 14, 1, false },
    { "State", 8, 0, false },
    { "vCPU", 4, 0, true },
    { "Memory", 8, 0, true },
    { "IOThr", 5, 0, true },
    { "HugePg", 6, 0, false },
    { "NUMA", 5, 0, false },
    { "sVirt", 17, 1, false },
};

typedef struct vt_app {
    vt_conn *c;
    vt_config cfg;
    vt_theme th;
    screen_id screen, back_to;
    /* list */
    vt_table table;
    vt_domain **rows;           /* owned array; domains are the conn's */
    size_t nrows;
    int sort_col;
    bool sort_desc;
    char filter[128];
    bool filtering;
    vt_input filter_in;
    /* detail */
    char detail_uuid[64];
    vt_tabs tabs;
    int scroll[SCR_LAST];
    int content_lines;          /* lines the current pad holds */
    WINDOW *pad;
    /* refresh */
    int refresh_ms;
    const char *uri_label;
    long long next_refresh;
    bool connected;
    bool refresh_was_lost;      /* the refresh under way follows a reconnect */
    /* the recovery file: the staged set, kept on disk while staged */
    char *recovery_path;        /* owned; NULL: off for this session */
    int recovery_lock;          /* held while recovery_path is ours; -1 none */
    char *recovery_sig;         /* owned; what the file holds now */
    bool recovery_failed;       /* the last write failed (said once) */
    vt_changeset recovered;     /* offered at start, not yet taken */
    vt_bases recovered_bases;
    char *recovered_at;
    long long retry_at;         /* disconnected: next reconnect attempt */
    int retry_ms;               /* the back-off after that one */
    char lost_why[sizeof(((vt_err *)0)->msg)];
    char status[256];
    vt_role status_role;
    bool too_small;
    const vt_app_opts *opts;
    /* staged edits: what the review shows, `a` applies and `w` saves */
    vt_changeset staged;
    vt_bases bases;             /* inactive XML per VM at its first staged edit */
    /* review */
    vt_applyplan plan;
    bool plan_ok;
    char plan_err[512];
    char *outcome;              /* owned: vt_apply_outcome of the last apply */
    char outcome_head[600];
    size_t review_sel;
    screen_id review_back;
    /* modal input */
    modal_id modal;
    char forms[MAX_FORMS][256]; /* plan-line tails, prefilled with current values */
    size_t nforms, form_sel;
    char edit_vm[256];          /* VM the edit is for (its name); "" = the host */
    char *reverts;              /* owned: apply id a staged revert puts back */
    vt_input edit_in;
    vt_changeset pending;       /* the checked edit awaiting the confirm step */
    vt_cpuset pick;             /* CPU picker */
    size_t pick_node, pick_idx; /* cursor: node index, CPU index in it */
    vt_dialog dlg;
    dialog_kind dlg_kind;
    char dlg_msg[2048];
    vt_input save_in;
    char save_path[512];
    /* advice: the advisor's findings, counted per VM on every refresh */
    vt_advice_list advice;
    size_t advice_sel;
    vt_remote_status remote;    /* read when the advice opens (it runs a program) */
    bool remote_read;
    /* remote access: status, SASL users, the guided set-up */
    vt_sasl_user *users;        /* owned */
    size_t nusers, user_sel;
    char sasl_conf[1024], sasl_db[1024];
    int ask_kind;               /* what MODAL_ASK asks */
    char ask_prompt[128];
    vt_input ask_in;
    int wiz_step;               /* 0 none; 1..5 the set-up's steps */
    vt_setup_transport wiz_t;
    vt_setup_plan wiz_plan;
    char wiz_user[256];
    char *wiz_pass;             /* owned, locked, wiped: a password between steps */
    char wiz_uri[512];
    char wiz_msg[4096];         /* what the set-up did, in words */
    char user_op;               /* 'a' add, 'p' passwd, 'w' the set-up's first user */
    bool wiz_follow;            /* scroll to the set-up's newest line */
    char wiz_listen[128];       /* the set-up's listen_addr; empty: leave it */
} vt_app;

enum { ASK_USER, ASK_NEWPASS, ASK_NEWPASS2, ASK_URI, ASK_LISTEN };

static const char *key_of(const vt_app *a, vt_action act);
static void open_screen(vt_app *a, screen_id s);
static void draw_ask(vt_app *a);

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *vt_themes_dir(void)
{
    const char *env = getenv("VIRT_TUNE_THEMEDIR");

    if (env && *env)
        return env;
    if (access(VT_SRCTHEMEDIR "/default.theme", R_OK) == 0)
        return VT_SRCTHEMEDIR;
    return VT_PKGDATADIR "/themes";
}

static void set_status(vt_app *a, vt_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_status(vt_app *a, vt_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->status, sizeof(a->status), fmt, ap);
    va_end(ap);
    a->status_role = role;
}

/* ---- the VM list's rows ---- */

static void fmt_mem(unsigned long long kib, char *buf, size_t n)
{
    if (kib >= 1024ULL * 1024 && kib % (1024ULL * 1024) == 0)
        snprintf(buf, n, "%llu GiB", kib / 1024 / 1024);
    else if (kib >= 1024ULL * 1024)
        snprintf(buf, n, "%.1f GiB", (double)kib / 1024 / 1024);
    else
        snprintf(buf, n, "%llu MiB", kib / 1024);
}

static void hugepage_text(const vt_domdef *def, char *buf, size_t n)
{
    if (!def->hugepages)
        snprintf(buf, n, "-");
    else if (!def->nhugepage_sizes || !def->hugepage_sizes[0].size_kib)
        snprintf(buf, n, "default");
    else if (def->hugepage_sizes[0].size_kib >= 1048576)
        snprintf(buf, n, "%lluG", def->hugepage_sizes[0].size_kib / 1048576);
    else if (def->hugepage_sizes[0].size_kib >= 1024)
        snprintf(buf, n, "%lluM", def->hugepage_sizes[0].size_kib / 1024);
    else
        snprintf(buf, n, "%lluK", def->hugepage_sizes[0].size_kib);
}

static void svirt_text(const vt_domain *d, char *buf, size_t n)
{
    const vt_seclabel_def *sl = vt_domdef_main_seclabel(d->live);
    const char *label = d->process_label ? d->process_label : sl ? sl->label : NULL;
    VT_AUTOFREE char *cats = vt_label_categories(label);

    if (!sl)
        snprintf(buf, n, "default");
    else if (strcmp(sl->type, "none") == 0)
        snprintf(buf, n, "none");
    else
        snprintf(buf, n, "%s%s%s", sl->type, cats ? " " : "", cats ? cats : "");
}

static const char *row_id(void *ctx, size_t row)
{
    vt_app *a = ctx;

    return row < a->nrows ? a->rows[row]->uuid : NULL;
}

/* Edits staged for the VM called name. */
static size_t staged_count(const vt_app *a, const char *name)
{
    size_t i, n = 0;

    for (i = 0; name && i < a->staged.n; i++)
        if (a->staged.edits[i].vm && strcmp(a->staged.edits[i].vm, name) == 0)
            n++;
    return n;
}

static void row_cell(void *ctx, size_t row, size_t col, vt_table_cell *out)
{
    vt_app *a = ctx;
    const vt_domain *d = a->rows[row];
    const vt_domdef *def = d->live;
    size_t n;

    out->role = VT_ROLE_NORMAL;
    out->text[0] = '\0';
    switch ((list_col)col) {
    case COL_WARN:
        n = d->nfindings;
        if (n) {
            snprintf(out->text, sizeof(out->text), "!%zu", n);
            out->role = VT_ROLE_VALUE_WARN;
        }
        break;
    case COL_STAGED:
        if (staged_count(a, d->name) > 0) {
            snprintf(out->text, sizeof(out->text), "*");
            out->role = VT_ROLE_STAGED;
        }
        break;
    case COL_NAME:
        snprintf(out->text, sizeof(out->text), "%s", d->name ? d->name : d->uuid);
        break;
    case COL_STATE:
        snprintf(out->text, sizeof(out->text), "%s", vt_domain_state_name(d->state));
        if (!vt_domain_active(d))
            out->role = VT_ROLE_DIM;
        break;
    case COL_VCPU:
        snprintf(out->text, sizeof(out->text), "%u", d->vcpus_current ? d->vcpus_current : def->vcpus);
        break;
    case COL_MEM:
        fmt_mem(def->memory_kib, out->text, sizeof(out->text));
        break;
    case COL_IOTHR:
        snprintf(out->text, sizeof(out->text), "%zu", def->niothreads);
        break;
    case COL_HUGE:
        hugepage_text(def, out->text, sizeof(out->text));
        break;
    case COL_NUMA: {
        VT_AUTOFREE char *nodes = vt_spread_nodes(d);
        snprintf(out->text, sizeof(out->text), "%s", *nodes ? nodes : "-");
        if (strchr(nodes, ',') || strchr(nodes, '-'))
            out->role = VT_ROLE_VALUE_WARN;
        break;
    }
    case COL_SVIRT:
        svirt_text(d, out->text, sizeof(out->text));
        if (strcmp(out->text, "none") == 0)
            out->role = VT_ROLE_VALUE_BAD;
        break;
    case COL_LAST:
        break;
    }
}

/* Sort keys are computed once per rebuild, not once per comparison: at
 * 1000 VMs the list must re-sort within a keypress. */
typedef struct sort_item {
    vt_domain *d;
    long long num;
    char text[256];
} sort_item;

static bool sort_desc_flag;

static int cmp_items(const void *pa, const void *pb)
{
    const sort_item *x = pa, *y = pb;
    int r = (x->num > y->num) - (x->num < y->num);

    if (r == 0)
        r = strcmp(x->text, y->text);
    if (r == 0)
        r = strcmp(x->d->name ? x->d->name : "", y->d->name ? y->d->name : "");
    return sort_desc_flag ? -r : r;
}

static void sort_rows(vt_app *a)
{
    sort_item *it = vt_calloc(a->nrows ? a->nrows : 1, sizeof(*it));
    vt_table_cell cell;
    size_t i;

    for (i = 0; i < a->nrows; i++) {
        const vt_domdef *def = a->rows[i]->live;
        it[i].d = a->rows[i];
        switch ((list_col)a->sort_col) {
        case COL_VCPU: it[i].num = def->vcpus; break;
        case COL_MEM: it[i].num = (long long)def->memory_kib; break;
        case COL_IOTHR: it[i].num = (long long)def->niothreads; break;
        case COL_WARN: it[i].num = a->rows[i]->nfindings; break;
        default:
            row_cell(a, i, (size_t)a->sort_col, &cell);
            memcpy(it[i].text, cell.text, sizeof(it[i].text));
        }
    }
    sort_desc_flag = a->sort_desc;
    vt_qsort(it, a->nrows, sizeof(*it), cmp_items);
    for (i = 0; i < a->nrows; i++)
        a->rows[i] = it[i].d;
    free(it);
}

/* Rebuild the row list from the snapshot: filter, sort, keep selection. */
static void rebuild_rows(vt_app *a)
{
    size_t i;

    free(a->rows);
    a->rows = vt_calloc(a->c->ndoms ? a->c->ndoms : 1, sizeof(*a->rows));
    a->nrows = 0;
    for (i = 0; i < a->c->ndoms; i++) {
        vt_domain *d = a->c->doms[i];
        if (a->filter[0] && (!d->name || !strstr(d->name, a->filter)))
            continue;
        a->rows[a->nrows++] = d;
    }
    sort_rows(a);
    a->table.sort_col = a->sort_col;
    a->table.sort_desc = a->sort_desc;
    vt_table_set_rows(&a->table, a->nrows, row_id, a);
}

/* ---- refresh ---- */

/* Reconnect back-off: first try at once, then doubling up to this. */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 30000
/* How long one attempt may hold the screen; a daemon that does not answer
 * in time is waited for again at the next attempt. */
#define RECONNECT_WAIT_MS 1500

static void disconnected_status(vt_app *a, const char *why)
{
    long long left = a->retry_at - now_ms();

    set_status(a, VT_ROLE_STATUS_ERROR, "disconnected: retrying in %llds (%s now)%s; %s",
               left > 0 ? (left + 999) / 1000 : 0, key_of(a, VT_ACT_REFRESH),
               a->staged.n ? ", staged edits are kept" : "", why);
}

/* The daemon is gone: keep the snapshot on screen (marked DISCONNECTED),
 * keep the staged edits, and open the connection again with back-off. */
static bool reconnect(vt_app *a)
{
    long long now = now_ms();

    if (a->connected) {
        a->connected = false;
        a->retry_ms = RETRY_FIRST_MS;
        a->retry_at = now;
        snprintf(a->lost_why, sizeof(a->lost_why), "%s",
                 a->c->err.msg[0] ? a->c->err.msg : "the connection was closed");
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
            set_status(a, VT_ROLE_STATUS_ERROR, "refresh failed: %s", a->c->err.msg);
            a->next_refresh = now_ms() + a->refresh_ms;
        }
        rebuild_rows(a);
        return;
    } else {
        vt_advise_opts ao = { a->remote_read ? &a->remote : NULL, false };
        a->connected = true;
        /* one advisor for the list's !N, the detail's findings and the advice */
        vt_advise(a->c, &ao, &a->advice);
        for (size_t i = 0; i < a->c->ndoms; i++)
            a->c->doms[i]->nfindings = (unsigned)vt_advice_count_vm(&a->advice, a->c->doms[i]->name);
        if (a->advice_sel >= a->advice.n)
            a->advice_sel = a->advice.n ? a->advice.n - 1 : 0;
        if (was_lost)
            set_status(a, VT_ROLE_STATUS, "reconnected to %s: %zu VMs read again%s", a->c->uri, a->c->ndoms,
                       a->staged.n ? "; staged edits are kept (review checks them against the new state)" : "");
        else if (a->status_role == VT_ROLE_STATUS_ERROR || !a->status[0])
            set_status(a, VT_ROLE_STATUS, "%zu VMs", a->c->ndoms);
    }
    rebuild_rows(a);
    a->next_refresh = now_ms() + a->refresh_ms;
}

/* A refresh waited on for longer than this is said so in the status line,
 * and an apply is not started on top of it. */
#define SLOW_REFRESH_MS 2000

static bool refresh_slow(vt_app *a)
{
    return vt_conn_refresh_waited_ms(a->c) >= SLOW_REFRESH_MS;
}

/* Start a refresh unless one is under way, and wait for it at most
 * wait_ms (-1: for as long as it takes). The round trips run in a thread
 * of core's, so a daemon that stops answering leaves the console at the
 * keys with the last snapshot on screen until the keepalive gives up on
 * it. True when the refresh has ended. */
static bool refresh_bounded(vt_app *a, int wait_ms)
{
    int rc;

    if (!vt_conn_refresh_running(a->c)) {
        a->refresh_was_lost = !a->connected;
        if ((!a->connected || vt_conn_lost(a->c)) && !reconnect(a)) {
            rebuild_rows(a);
            return true;
        }
        if (vt_conn_refresh_start(a->c) < 0) {
            refresh_done(a, -1);
            return true;
        }
    }
    rc = vt_conn_refresh_wait(a->c, wait_ms);
    if (rc == 1) {
        if (refresh_slow(a))
            set_status(a, VT_ROLE_STATUS_ERROR, "no answer for %llds from %s; the view shows its last answer%s",
                       vt_conn_refresh_waited_ms(a->c) / 1000, a->c->uri,
                       a->staged.n ? ", staged edits are kept" : "");
        return false;
    }
    refresh_done(a, rc);
    return true;
}

/* After an action: the refresh that shows its effect, waited for. */
static void do_refresh(vt_app *a)
{
    if (vt_conn_refresh_running(a->c))
        refresh_bounded(a, -1);   /* started before the action */
    refresh_bounded(a, -1);
}

/* ---- drawing helpers: panels are drawn into a pad, then scrolled ---- */

typedef struct pen {
    WINDOW *w;
    int y;
    int width;
    const vt_theme *th;
    int lo, hi;             /* pad lines that will be shown: only these are drawn */
} pen;

/* Is pad line y going to be visible? Off-screen lines are only counted, so
 * a 1000-VM host screen costs what its visible part costs. */
static bool vis(const pen *p, int y)
{
    return y >= p->lo && y < p->hi && y < PAD_LINES;
}

static void line(pen *p, vt_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void line(pen *p, vt_role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (vis(p, p->y))
        vt_text_put(p->w, p->y, 1, buf, p->width - 2, vt_theme_attr(p->th, role), 0);
    p->y++;
}

/* "label  value" with the value in its own role */
static void field(pen *p, const char *label, const char *value, vt_role role)
{
    if (vis(p, p->y)) {
        vt_text_put(p->w, p->y, 1, label, 24, vt_theme_attr(p->th, VT_ROLE_DIM), 1);
        vt_text_put(p->w, p->y, 26, value ? value : "-", p->width - 27, vt_theme_attr(p->th, role), 0);
    }
    p->y++;
}

static void heading(pen *p, const char *text)
{
    if (p->y > 0)
        p->y++;
    line(p, VT_ROLE_HEADER, "%s", text);
}

/* The host's NUMA nodes as the CPU grid takes them. */
typedef struct grid_nodes {
    vt_cpugrid_node *nodes;     /* owned */
    unsigned **lists;           /* owned: nodes[k].cpus */
    size_t n;
} grid_nodes;

static void grid_nodes_build(const vt_host *h, grid_nodes *g)
{
    size_t ncpu = h->ncpus ? h->ncpus : 1, i, k;
    vt_cpuset s;

    g->n = h->nnodes;
    g->nodes = vt_calloc(h->nnodes ? h->nnodes : 1, sizeof(*g->nodes));
    g->lists = vt_calloc(h->nnodes ? h->nnodes : 1, sizeof(*g->lists));
    for (k = 0; k < h->nnodes; k++) {
        size_t cnt = 0;
        g->nodes[k].id = h->nodes[k].id;
        g->lists[k] = vt_calloc(ncpu, sizeof(unsigned));
        if (vt_cpuset_parse(h->nodes[k].cpus, &s, NULL) == 0)
            for (i = 0; i < ncpu; i++)
                if (vt_cpuset_has(&s, (unsigned)i))
                    g->lists[k][cnt++] = (unsigned)i;
        g->nodes[k].cpus = g->lists[k];
        g->nodes[k].ncpus = cnt;
    }
}

static void grid_nodes_free(grid_nodes *g)
{
    size_t k;

    for (k = 0; g && k < g->n; k++)
        free(g->lists[k]);
    if (g) {
        free(g->lists);
        free(g->nodes);
    }
}

static void set_flag(unsigned *flags, size_t ncpu, const char *set, unsigned f)
{
    vt_cpuset s;
    size_t i;

    if (set && vt_cpuset_parse(set, &s, NULL) == 0)
        for (i = 0; i < ncpu; i++)
            if (vt_cpuset_has(&s, (unsigned)i))
                flags[i] |= f;
}

/* Per host CPU: a VM's pins (def may be NULL), kworker mask, offline.
 * Caller frees; h->ncpus entries (at least one). */
static unsigned *grid_flags(const vt_app *a, const vt_domdef *def)
{
    const vt_host *h = &a->c->host;
    size_t ncpu = h->ncpus ? h->ncpus : 1, i, k;
    unsigned *flags = vt_calloc(ncpu, sizeof(*flags));
    vt_cpuset s;
    VT_AUTOFREE char *dflt = def ? vt_domain_default_affinity(a->c, def) : NULL;

    set_flag(flags, ncpu, h->workqueue_cpus, VT_CPU_KWORKER);
    if (h->online_cpus && vt_cpuset_parse(h->online_cpus, &s, NULL) == 0)
        for (i = 0; i < ncpu; i++)
            if (!vt_cpuset_has(&s, (unsigned)i))
                flags[i] |= VT_CPU_OFFLINE;
    if (def) {
        for (k = 0; k < def->nvcpupins; k++)
            set_flag(flags, ncpu, def->vcpupins[k].cpuset, VT_CPU_VCPU);
        set_flag(flags, ncpu, def->emulatorpin, VT_CPU_EMULATOR);
        for (k = 0; k < def->niothreads; k++)
            set_flag(flags, ncpu, def->iothreads[k].pin ? def->iothreads[k].pin : dflt, VT_CPU_IOTHREAD);
    }
    return flags;
}

/* The grid for the host's own sets: the explicit pins of every running VM */
static unsigned *grid_flags_all(const vt_app *a)
{
    const vt_host *h = &a->c->host;
    size_t ncpu = h->ncpus ? h->ncpus : 1, i, k;
    unsigned *flags = grid_flags(a, NULL);

    for (i = 0; i < a->c->ndoms; i++) {
        const vt_domdef *def = a->c->doms[i]->live;
        if (!def || !vt_domain_active(a->c->doms[i]))
            continue;
        for (k = 0; k < def->nvcpupins; k++)
            set_flag(flags, ncpu, def->vcpupins[k].cpuset, VT_CPU_OTHER_VCPU);
        set_flag(flags, ncpu, def->emulatorpin, VT_CPU_OTHER_EMULATOR);
        for (k = 0; k < def->niothreads; k++)
            set_flag(flags, ncpu, def->iothreads[k].pin, VT_CPU_OTHER_IOTHREAD);
    }
    return flags;
}

/* CPU grid of the host with a VM's pins (or none) and the kworker mask. */
static void draw_grid(pen *p, const vt_app *a, const vt_domdef *def, bool active)
{
    const vt_host *h = &a->c->host;
    size_t ncpu = h->ncpus ? h->ncpus : 1;
    unsigned *flags = grid_flags(a, def);
    grid_nodes g;
    int legend;

    (void)active;
    grid_nodes_build(h, &g);
    if (!h->nnodes) {
        line(p, VT_ROLE_DIM, "(no NUMA topology known)");
    } else if (p->y + vt_cpugrid_lines(p->width - 2, g.nodes, g.n) < PAD_LINES) {
        p->y += vt_cpugrid_draw(p->w, p->y, 1, p->width - 2, g.nodes, g.n, flags, ncpu, p->th);
    }
    /* the widget's own legend: it is built from the marks it draws */
    legend = vt_cpugrid_legend_draw(NULL, 0, 0, p->width - 2, def ? VT_CPUGRID_HAND : 0, 0);
    if (vis(p, p->y) || vis(p, p->y + legend - 1))
        vt_cpugrid_legend_draw(p->w, p->y, 1, p->width - 2, def ? VT_CPUGRID_HAND : 0,
                               vt_theme_attr(p->th, VT_ROLE_DIM));
    p->y += legend;
    grid_nodes_free(&g);
    free(flags);
}

static void panel_iothreads(pen *p, const vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    VT_AUTOFREE char *dflt = vt_domain_default_affinity(a->c, def);
    size_t i, j;

    heading(p, "IOThreads");
    if (!def->niothreads)
        line(p, VT_ROLE_VALUE_WARN, "none: disk I/O runs in the QEMU main thread");
    else
        line(p, VT_ROLE_DIM, "%-4s %-14s %-14s %-10s %s", "id", "live pin", "config pin", "poll max", "used by");
    for (i = 0; i < def->niothreads; i++) {
        const vt_iothread_def *t = &def->iothreads[i];
        const vt_iothread_def *ct = NULL;
        char poll[32] = "-", users[256] = "";
        for (j = 0; d->config && j < d->config->niothreads; j++)
            if (d->config->iothreads[j].id == t->id)
                ct = &d->config->iothreads[j];
        for (j = 0; j < d->niostats; j++)
            if (d->iostats[j].id == t->id && d->iostats[j].poll_max_ns >= 0)
                snprintf(poll, sizeof(poll), "%lld ns", d->iostats[j].poll_max_ns);
        for (j = 0; j < t->nusers; j++) {
            size_t len = strlen(users);
            snprintf(users + len, sizeof(users) - len, "%s%s", j ? ", " : "", t->users[j]);
        }
        line(p, t->nusers ? VT_ROLE_NORMAL : VT_ROLE_VALUE_WARN, "%-4u %-14s %-14s %-10s %s", t->id,
             vt_domain_active(d) ? (t->pin ? t->pin : dflt ? dflt : "-") : "-",
             ct ? (ct->pin ? ct->pin : "(unpinned)") : "-", poll, t->nusers ? users : "nothing");
    }
    heading(p, "Pins");
    {
        char buf[512] = "";
        for (i = 0; i < def->nvcpupins; i++) {
            size_t len = strlen(buf);
            snprintf(buf + len, sizeof(buf) - len, "%s%u:%s", i ? " " : "", def->vcpupins[i].id,
                     def->vcpupins[i].cpuset ? def->vcpupins[i].cpuset : "-");
        }
        field(p, "vCPU pins", def->nvcpupins ? buf : "(unpinned)", def->nvcpupins ? VT_ROLE_NORMAL : VT_ROLE_DIM);
    }
    field(p, "emulator pin", def->emulatorpin ? def->emulatorpin : "(unpinned)", VT_ROLE_NORMAL);
    field(p, "kworker (workqueue) CPUs", a->c->host.workqueue_cpus, VT_ROLE_NORMAL);
    heading(p, "Host CPUs");
    draw_grid(p, a, def, vt_domain_active(d));
}

static void panel_memory(pen *p, const vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    char buf[256];
    size_t i;

    heading(p, "Memory");
    fmt_mem(def->memory_kib, buf, sizeof(buf));
    field(p, "memory", buf, VT_ROLE_NORMAL);
    if (!def->hugepages) {
        field(p, "huge pages", "no (4 KiB pages, THP as the host allows)", VT_ROLE_NORMAL);
    } else if (!def->nhugepage_sizes) {
        field(p, "huge pages", "yes, the host's default size", VT_ROLE_NORMAL);
    }
    for (i = 0; i < def->nhugepage_sizes; i++) {
        snprintf(buf, sizeof(buf), "%llu KiB pages%s%s", def->hugepage_sizes[i].size_kib,
                 def->hugepage_sizes[i].nodeset ? ", guest nodes " : "",
                 def->hugepage_sizes[i].nodeset ? def->hugepage_sizes[i].nodeset : "");
        field(p, "huge pages", buf, VT_ROLE_NORMAL);
    }
    if (def->numatune) {
        snprintf(buf, sizeof(buf), "%s %s", def->numatune->mode,
                 def->numatune->nodeset ? def->numatune->nodeset :
                 def->numatune->placement ? def->numatune->placement : "");
        field(p, "numatune", buf, VT_ROLE_NORMAL);
        for (i = 0; i < def->numatune->nmemnodes; i++) {
            snprintf(buf, sizeof(buf), "guest cell %u: %s %s", def->numatune->memnodes[i].cellid,
                     def->numatune->memnodes[i].mode ? def->numatune->memnodes[i].mode : "-",
                     def->numatune->memnodes[i].nodeset ? def->numatune->memnodes[i].nodeset : "-");
            field(p, "memnode", buf, VT_ROLE_NORMAL);
        }
    } else {
        field(p, "numatune", "none (memory anywhere)", VT_ROLE_DIM);
    }

    heading(p, "Where the memory is (numa_maps of the QEMU process)");
    if (!d->spread_present) {
        line(p, VT_ROLE_DIM, "%s", d->spread_why ? d->spread_why : "unknown");
        return;
    }
    {
        unsigned long long total = 0;
        int k;
        for (k = 0; k < d->spread_nnodes; k++)
            total += d->spread_kib[k];
        for (k = 0; k < d->spread_nnodes; k++) {
            double frac = total ? (double)d->spread_kib[k] / (double)total : 0;
            char label[96], mem[32];
            fmt_mem(d->spread_kib[k], mem, sizeof(mem));
            snprintf(label, sizeof(label), "%s  %3.0f%%", mem, frac * 100);
            if (vis(p, p->y)) {
                char nl[16];
                snprintf(nl, sizeof(nl), "node %d", k);
                vt_text_put(p->w, p->y, 1, nl, 8, vt_theme_attr(p->th, VT_ROLE_NORMAL), 1);
                vt_meter_draw(p->w, p->y, 10, 32, frac,
                              frac > 0.01 && frac < 0.99 ? VT_ROLE_BAR_WARN : VT_ROLE_BAR, label, p->th);
            }
            p->y++;
        }
        fmt_mem(total, buf, sizeof(buf));
        line(p, VT_ROLE_DIM, "total %s, QEMU pid %d", buf, d->pid);
    }
}

static void panel_security(pen *p, const vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    heading(p, "sVirt");
    field(p, "host SELinux", a->c->host.sysfs_why ? "unknown (remote)" :
          vt_selinux_mode_name(a->c->host.selinux),
          a->c->host.selinux == VT_SELINUX_ENFORCING ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    if (!def->nseclabels)
        line(p, VT_ROLE_DIM, "no <seclabel>: the host's default security driver applies");
    for (i = 0; i < def->nseclabels; i++) {
        const vt_seclabel_def *s = &def->seclabels[i];
        VT_AUTOFREE char *cats = vt_label_categories(s->label);
        char title[64];
        snprintf(title, sizeof(title), "seclabel (%s)", s->model ? s->model : "default model");
        heading(p, title);
        field(p, "type", s->type, strcmp(s->type, "none") == 0 ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL);
        field(p, "relabel", s->relabel ? s->relabel : "(default)",
              s->relabel && strcmp(s->relabel, "no") == 0 ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL);
        field(p, "label", s->label, VT_ROLE_NORMAL);
        field(p, "image label", s->imagelabel, VT_ROLE_NORMAL);
        if (cats)
            field(p, "MCS categories", cats, VT_ROLE_NORMAL);
    }
    heading(p, "Running process");
    field(p, "label from libvirt", d->live_label, VT_ROLE_NORMAL);
    field(p, "process label (ps -eZ)", d->process_label ? d->process_label :
          vt_domain_active(d) ? "none (no SELinux)" : "not running", VT_ROLE_NORMAL);
}

static void panel_disks(pen *p, const vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    (void)a;
    heading(p, "Disks");
    line(p, VT_ROLE_DIM, "%-6s %-6s %-6s %-6s %-10s %-8s %-4s %s", "target", "bus", "device",
         "format", "cache", "io", "IOth", "source");
    for (i = 0; i < def->ndisks; i++) {
        const vt_disk_def *k = &def->disks[i];
        bool warn = (k->bus && strcmp(k->bus, "virtio") == 0 && !k->iothread && def->niothreads) ||
                    (k->device && strcmp(k->device, "lun") == 0);
        char io[8] = "-";
        if (k->iothread)
            snprintf(io, sizeof(io), "%u", k->iothread);
        line(p, warn ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL, "%-6s %-6s %-6s %-6s %-10s %-8s %-4s %s",
             k->target ? k->target : "?", k->bus ? k->bus : "-", k->device,
             k->driver_type ? k->driver_type : "-", k->cache ? k->cache : "default",
             k->io ? k->io : "default", io, k->source ? k->source : "-");
        if (k->device && strcmp(k->device, "lun") == 0)
            line(p, VT_ROLE_VALUE_WARN, "       LUN passthrough: rawio=%s sgio=%s",
                 k->rawio ? k->rawio : "no", k->sgio ? k->sgio : "filtered");
    }
    if (def->ncontrollers) {
        heading(p, "Controllers");
        for (i = 0; i < def->ncontrollers; i++) {
            char io[16] = "-";
            if (def->controllers[i].iothread)
                snprintf(io, sizeof(io), "%u", def->controllers[i].iothread);
            line(p, VT_ROLE_NORMAL, "%-8s %-2u %-14s IOThread %s", def->controllers[i].type ? def->controllers[i].type : "?",
                 def->controllers[i].index, def->controllers[i].model ? def->controllers[i].model : "-", io);
        }
    }
}

static void panel_network(pen *p, const vt_app *a, const vt_domain *d)
{
    const vt_domdef *def = d->live;
    size_t i;

    heading(p, "Network");
    field(p, "host vhost_net", a->c->host.sysfs_why ? "unknown (remote)" :
          a->c->host.vhost_net_loaded ? "loaded" : "not loaded",
          a->c->host.vhost_net_loaded ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    line(p, VT_ROLE_DIM, "%-18s %-8s %-8s %-7s %s", "mac", "model", "driver", "queues", "source");
    for (i = 0; i < def->nnics; i++) {
        const vt_nic_def *k = &def->nics[i];
        char q[32];
        bool warn = (k->queues && k->queues > def->vcpus) ||
                    (k->model && strcmp(k->model, "virtio") == 0 && k->driver_name &&
                     strcmp(k->driver_name, "qemu") == 0);
        snprintf(q, sizeof(q), "%u/%u", k->queues ? k->queues : 1, def->vcpus);
        line(p, warn ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL, "%-18s %-8s %-8s %-7s %s",
             k->mac ? k->mac : "?", k->model ? k->model : "-", k->driver_name ? k->driver_name : "-",
             q, k->source ? k->source : "-");
    }
    if (!def->nnics)
        line(p, VT_ROLE_DIM, "no network interfaces");
    line(p, VT_ROLE_DIM, "queues shown as queues/vCPUs; the guides suggest one queue per vCPU, at most 16");
}

static void panel_agent(pen *p, const vt_app *a, const vt_domain *d)
{
    (void)a;
    heading(p, "Guest agent (qemu-ga)");
    field(p, "channel", d->live->agent_channel ? "org.qemu.guest_agent.0" : "none",
          VT_ROLE_NORMAL);
    if (d->live->agent_channel)
        field(p, "state", d->live->agent_state ? d->live->agent_state : "unknown", VT_ROLE_NORMAL);
    field(p, "commands", "not queried (guest-info needs a connected agent)", VT_ROLE_DIM);
}

static const char *sev_marker(vt_severity s)
{
    return s == VT_SEV_FAIL ? "FAIL" : s == VT_SEV_WARN ? "WARN" : "info";
}

static vt_role sev_role(vt_severity s)
{
    return s == VT_SEV_FAIL ? VT_ROLE_VALUE_BAD : s == VT_SEV_WARN ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM;
}

static void draw_findings(pen *p, const vt_app *a, const vt_domain *d)
{
    bool any = false;

    for (size_t i = 0; d->name && i < a->advice.n; i++) {
        const vt_advice *f = &a->advice.items[i];
        if (!f->vm || strcmp(f->vm, d->name) != 0)
            continue;
        if (!any)
            heading(p, "Findings (A: advice, evidence and fixes)");
        any = true;
        line(p, sev_role(f->sev), "%s %-10s %s", sev_marker(f->sev), f->topic, f->summary);
    }
}

/* ---- screens ---- */

static vt_domain *detail_domain(const vt_app *a)
{
    return a->detail_uuid[0] ? vt_conn_find_uuid(a->c, a->detail_uuid) : NULL;
}

static void draw_title(vt_app *a, const char *what)
{
    char buf[512];

    char staged[32] = "";

    if (a->staged.n)
        snprintf(staged, sizeof(staged), "  [%zu staged]", a->staged.n);
    snprintf(buf, sizeof(buf), " virt-tune  %s  %s%s%s", a->c->host.hostname ? a->c->host.hostname : "?",
             what, staged, a->c->readonly_fallback ? "  [read-only: no permission to manage]" :
             a->c->readonly ? "  [read-only]" : "");
    vt_text_put(stdscr, 0, 0, buf, COLS, vt_theme_attr(&a->th, VT_ROLE_TITLE), 1);
}

static void draw_footer(vt_app *a, unsigned scr)
{
    const char *keys[VT_ACT_LAST], *labels[VT_ACT_LAST];
    static char keybuf[VT_ACT_LAST][16];
    size_t n = 0;
    int i;

    for (i = 0; i < VT_ACT_LAST; i++) {
        const vt_action_info *ai = vt_action_get((vt_action)i);
        int key = vt_config_key_for(&a->cfg, (vt_action)i);
        if (!ai->footer || !(ai->screens & scr) || key < 0)
            continue;
        keys[n] = vt_key_name(key, keybuf[n], sizeof(keybuf[n]));
        labels[n] = ai->footer;
        n++;
    }
    vt_footer_draw(stdscr, LINES - 1, keys, labels, n, &a->th);
}

static void draw_status(vt_app *a)
{
    char right[256];
    const char *state = !a->connected ? "DISCONNECTED" : refresh_slow(a) ? "NO ANSWER" : "connected";

    snprintf(right, sizeof(right), "%s  %s  every %gs ", state, a->uri_label, a->refresh_ms / 1000.0);
    vt_status_draw(stdscr, LINES - 2, a->status, a->status_role, right, &a->th);
}

static void draw_pad(vt_app *a, int top, int lines, int total)
{
    int max = total - lines;

    if (max < 0)
        max = 0;
    if (a->scroll[a->screen] > max)
        a->scroll[a->screen] = max;
    if (a->scroll[a->screen] < 0)
        a->scroll[a->screen] = 0;
    a->content_lines = total;
    wnoutrefresh(stdscr);
    pnoutrefresh(a->pad, a->scroll[a->screen], 0, top, 0, top + lines - 1, COLS - 1);
}

static void draw_list(vt_app *a)
{
    char what[256];
    WINDOW *w;

    snprintf(what, sizeof(what), "%zu VMs%s%s%s", a->nrows, a->filter[0] ? "  filter: " : "",
             a->filter, a->filter[0] ? "" : "");
    draw_title(a, what);
    w = derwin(stdscr, LINES - 3 - (a->filtering ? 2 : 0), COLS, 1, 0);
    if (w) {
        vt_table_draw(&a->table, w, &a->th, row_cell, a);
        delwin(w);
    }
    if (a->nrows == 0)
        vt_text_put(stdscr, 3, 2, a->filter[0] ? "no VM matches the filter" : "no VMs on this host",
                    COLS - 4, vt_theme_attr(&a->th, VT_ROLE_DIM), 0);
    if (a->filtering) {
        vt_text_put(stdscr, LINES - 4, 0, "Filter by name (Enter keeps it, Esc clears):", COLS,
                    vt_theme_attr(&a->th, VT_ROLE_NORMAL), 1);
        vt_input_draw(&a->filter_in, stdscr, LINES - 3, 0, COLS, &a->th);
    }
    draw_status(a);
    draw_footer(a, VT_SCR_LIST);
    wnoutrefresh(stdscr);
}

static void draw_detail(vt_app *a)
{
    vt_domain *d = detail_domain(a);
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_DETAIL], a->scroll[SCR_DETAIL] + LINES };
    char what[300];

    werase(a->pad);
    if (!d) {
        draw_title(a, "VM gone");
        line(&p, VT_ROLE_VALUE_WARN, "This VM is no longer defined on the host (Esc goes back).");
    } else {
        snprintf(what, sizeof(what), "VM %s (%s, %u vCPU)", d->name ? d->name : d->uuid,
                 vt_domain_state_name(d->state), d->live->vcpus);
        draw_title(a, what);
        switch ((panel_id)a->tabs.active) {
        case PANEL_IOTHREADS: panel_iothreads(&p, a, d); break;
        case PANEL_MEMORY: panel_memory(&p, a, d); break;
        case PANEL_SECURITY: panel_security(&p, a, d); break;
        case PANEL_DISKS: panel_disks(&p, a, d); break;
        case PANEL_NETWORK: panel_network(&p, a, d); break;
        case PANEL_AGENT: panel_agent(&p, a, d); break;
        case PANEL_LAST: break;
        }
        draw_findings(&p, a, d);
    }
    vt_tabs_draw(&a->tabs, stdscr, 1, &a->th);
    draw_status(a);
    draw_footer(a, VT_SCR_DETAIL);
    draw_pad(a, 2, LINES - 4, p.y);
}

static void fact_field(pen *p, const char *label, const vt_u64_fact *f)
{
    char buf[128];

    if (f->present)
        snprintf(buf, sizeof(buf), "%llu%s", f->value, f->writable ? "" : "  (read-only)");
    else
        snprintf(buf, sizeof(buf), "- (%s)", f->why ? f->why : "unknown");
    field(p, label, buf, f->present ? VT_ROLE_NORMAL : VT_ROLE_DIM);
}

static void draw_host(vt_app *a)
{
    const vt_host *h = &a->c->host;
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_HOST], a->scroll[SCR_HOST] + LINES };
    char buf[256];
    size_t i, j, k;

    werase(a->pad);
    draw_title(a, "host");
    heading(&p, "Halt-polling (kvm module)");
    if (h->sysfs_why) {
        line(&p, VT_ROLE_DIM, "%s", h->sysfs_why);
    } else {
        fact_field(&p, "halt_poll_ns", &h->halt_poll_ns);
        fact_field(&p, "halt_poll_ns_grow", &h->halt_poll_ns_grow);
        fact_field(&p, "halt_poll_ns_grow_start", &h->halt_poll_ns_grow_start);
        fact_field(&p, "halt_poll_ns_shrink", &h->halt_poll_ns_shrink);
    }
    line(&p, VT_ROLE_DIM, "%-24s %14s %14s %8s", "VM", "poll success", "poll fail", "success");
    for (i = 0; i < a->nrows; i++) {
        const vt_domain *d = a->rows[i];
        unsigned long long tot = d->haltpoll_success_ns + d->haltpoll_fail_ns;
        char nm[96];
        if (!vt_domain_active(d))
            continue;
        /* the name may be wide: padded by columns, not bytes */
        if (vis(&p, p.y))
            vt_text_put(p.w, p.y, 1, d->name ? d->name : d->uuid, 24,
                        vt_theme_attr(p.th, VT_ROLE_NORMAL), 1);
        if (d->haltpoll_present)
            snprintf(nm, sizeof(nm), "%11llu ms %11llu ms %7.0f%%", d->haltpoll_success_ns / 1000000,
                     d->haltpoll_fail_ns / 1000000, tot ? 100.0 * (double)d->haltpoll_success_ns / (double)tot : 0.0);
        else
            snprintf(nm, sizeof(nm), "%14s %14s %8s", "-", "-", "n/a");
        if (vis(&p, p.y))
            vt_text_put(p.w, p.y, 26, nm, p.width - 27,
                        vt_theme_attr(p.th, d->haltpoll_present ? VT_ROLE_NORMAL : VT_ROLE_DIM), 0);
        p.y++;
    }

    heading(&p, "kworker isolation (workqueue cpumask)");
    if (h->workqueue_cpus) {
        snprintf(buf, sizeof(buf), "%s (mask %s)", h->workqueue_cpus, h->workqueue_mask);
        field(&p, "cpumask", buf, VT_ROLE_NORMAL);
    } else {
        field(&p, "cpumask", h->workqueue_why ? h->workqueue_why : "unknown", VT_ROLE_DIM);
    }
    if (h->workqueue_requested)
        field(&p, "cpumask_requested", h->workqueue_requested, VT_ROLE_NORMAL);
    if (h->workqueue_isolated)
        field(&p, "cpumask_isolated", *h->workqueue_isolated ? h->workqueue_isolated : "none", VT_ROLE_NORMAL);
    draw_grid(&p, a, NULL, false);

    heading(&p, "Transparent huge pages");
    field(&p, "enabled", h->thp_enabled, VT_ROLE_NORMAL);
    field(&p, "defrag", h->thp_defrag, VT_ROLE_NORMAL);

    heading(&p, "Static huge page pools");
    for (i = 0; i < h->npools; i++) {
        const vt_hp_pool *pl = &h->pools[i];
        line(&p, VT_ROLE_NORMAL, "%llu KiB pages: %llu total, %llu free, %llu surplus, %llu reserved",
             pl->size_kib, pl->nr, pl->free, pl->surplus, pl->resv);
        for (j = 0; j < pl->nnodes; j++) {
            char users[256] = "";
            for (k = 0; k < a->c->ndoms; k++) {
                const vt_domdef *def = a->c->doms[k]->live;
                size_t len = strlen(users);
                if (!def->hugepages)
                    continue;
                if ((def->nhugepage_sizes ? def->hugepage_sizes[0].size_kib : 2048) != pl->size_kib)
                    continue;
                if (def->numatune && def->numatune->nodeset) {
                    vt_cpuset ns;
                    if (vt_cpuset_parse(def->numatune->nodeset, &ns, NULL) < 0 ||
                        !vt_cpuset_has(&ns, (unsigned)pl->nodes[j].node))
                        continue;
                }
                snprintf(users + len, sizeof(users) - len, "%s%s", len ? ", " : "",
                         a->c->doms[k]->name ? a->c->doms[k]->name : "?");
            }
            line(&p, pl->nodes[j].free == 0 && pl->nodes[j].nr ? VT_ROLE_VALUE_WARN : VT_ROLE_NORMAL,
                 "  node %d: %llu total, %llu free%s%s", pl->nodes[j].node, pl->nodes[j].nr,
                 pl->nodes[j].free, users[0] ? "  used by " : "", users);
        }
    }
    if (!h->npools)
        line(&p, VT_ROLE_DIM, "no huge page pools");

    heading(&p, "Security and network");
    field(&p, "SELinux", h->sysfs_why ? "unknown (remote)" : vt_selinux_mode_name(h->selinux),
          h->selinux == VT_SELINUX_ENFORCING ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    field(&p, "vhost_net", h->sysfs_why ? "unknown (remote)" : h->vhost_net_loaded ? "loaded" : "not loaded",
          h->vhost_net_loaded ? VT_ROLE_VALUE_OK : VT_ROLE_VALUE_WARN);
    heading(&p, "libvirt remote access (libvirtd.conf, SASL)");
    if (a->c->remote) {
        line(&p, VT_ROLE_DIM, "remote connection: the host's configuration is not readable from here");
    } else {
        const vt_remote_access *ra = &a->c->remote_access;
        static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "auth_tcp", "auth_tls" };
        if (ra->libvirtd_why) {
            snprintf(buf, sizeof(buf), "%s: %s", ra->libvirtd_conf_path, ra->libvirtd_why);
            line(&p, VT_ROLE_DIM, "%s", buf);
        }
        for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            const char *v = vt_conf_get(&ra->libvirtd, keys[i]);
            field(&p, keys[i], v ? v : "(default)", v ? VT_ROLE_NORMAL : VT_ROLE_DIM);
        }
        if (ra->sasl_why) {
            snprintf(buf, sizeof(buf), "%s: %s", ra->sasl_conf_path, ra->sasl_why);
            line(&p, VT_ROLE_DIM, "%s", buf);
        } else {
            field(&p, "SASL mech_list", vt_conf_get(&ra->sasl, "mech_list"), VT_ROLE_NORMAL);
            field(&p, "SASL sasldb_path", vt_conf_get(&ra->sasl, "sasldb_path"), VT_ROLE_NORMAL);
        }
    }
    heading(&p, "libvirt connection");
    field(&p, "URI", a->c->uri, VT_ROLE_NORMAL);
    field(&p, "access", a->c->readonly ? "read-only" : "read-write", VT_ROLE_NORMAL);
    field(&p, "where", a->c->remote ? "remote host" : "this host", VT_ROLE_NORMAL);
    snprintf(buf, sizeof(buf), "%u CPUs, %zu NUMA node(s) (from %s)", h->ncpus, h->nnodes,
             h->topology_source ? h->topology_source : "nowhere");
    field(&p, "topology", buf, VT_ROLE_NORMAL);

    draw_status(a);
    draw_footer(a, VT_SCR_HOST);
    draw_pad(a, 1, LINES - 3, p.y);
}

static void draw_help(vt_app *a)
{
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_HELP], a->scroll[SCR_HELP] + LINES };
    int i;
    size_t k;

    werase(a->pad);
    draw_title(a, "help");
    heading(&p, "Keys (from the action table; change them in ~/.config/virt-tune/config)");
    for (i = 0; i < VT_ACT_LAST; i++) {
        const vt_action_info *ai = vt_action_get((vt_action)i);
        char keys[96] = "";
        for (k = 0; k < a->cfg.nbindings; k++) {
            char kb[16];
            size_t len = strlen(keys);
            if (a->cfg.bindings[k].action != (vt_action)i)
                continue;
            snprintf(keys + len, sizeof(keys) - len, "%s%s", len ? " " : "",
                     vt_key_name(a->cfg.bindings[k].key, kb, sizeof(kb)));
        }
        line(&p, VT_ROLE_NORMAL, "%-18s %-14s %s", keys[0] ? keys : "(unbound)", ai->name, ai->help);
    }
    heading(&p, "Mouse");
    line(&p, VT_ROLE_NORMAL, "click a row to select it, double-click to open it;");
    line(&p, VT_ROLE_NORMAL, "click a column title to sort; click a panel name to switch panels");
    heading(&p, "Markers");
    line(&p, VT_ROLE_NORMAL, "!N   N findings for that VM (shown in its detail screen)");
    line(&p, VT_ROLE_NORMAL, ">    the selected row");
    line(&p, VT_ROLE_NORMAL, "*    the VM has staged edits (%s reviews them)", key_of(a, VT_ACT_REVIEW));
    heading(&p, "Staging");
    line(&p, VT_ROLE_NORMAL, "%s on a VM panel lists the edits that fit it; Enter puts one in a plan line", key_of(a, VT_ACT_EDIT));
    line(&p, VT_ROLE_NORMAL, "the line is checked by the plan parser, then shown expanded before staging;");
    line(&p, VT_ROLE_NORMAL, "in a pin edit %s opens the CPU grid: arrows move, Space picks, Enter writes the set", key_of(a, VT_ACT_PICK_CPUS));
    line(&p, VT_ROLE_NORMAL, "review: Up/Down select a staged edit, PgUp/PgDn scroll the steps and diffs");
    draw_status(a);
    draw_footer(a, VT_SCR_HELP);
    draw_pad(a, 1, LINES - 3, p.y);
}

/* ---- staging: edits as plan lines, checked by the plan parser ---- */

/* Name of the first key bound to an action, for hints; "(unbound)" when
 * none. Rotating buffers: a few may be used in one printf. */
static const char *key_of(const vt_app *a, vt_action act)
{
    static char bufs[4][16];
    static int next;
    char *b = bufs[next++ % 4];
    int key = vt_config_key_for(&a->cfg, act);

    if (key < 0)
        return "(unbound)";
    return vt_key_name(key, b, 16);
}

/* Two edits set the same knob of the same VM: the later replaces the
 * earlier. Huge pages on and off are one knob. */
static bool same_knob(const vt_edit *x, const vt_edit *y)
{
    bool hx = x->kind == VT_EDIT_HUGEPAGES || x->kind == VT_EDIT_HUGEPAGES_OFF;
    bool hy = y->kind == VT_EDIT_HUGEPAGES || y->kind == VT_EDIT_HUGEPAGES_OFF;

    if (vt_edit_is_host(x) || vt_edit_is_host(y)) {
        /* host knobs: the same file; pools by size and node */
        if (x->kind != y->kind || !x->knob || !y->knob || strcmp(x->knob, y->knob) != 0)
            return false;
        return x->kind != VT_EDIT_HOST_HUGEPAGES ||
               (x->size_kib == y->size_kib && x->node == y->node);
    }
    if (strcmp(x->vm, y->vm) != 0)
        return false;
    if (hx || hy)
        return hx && hy;
    if (x->kind != y->kind)
        return false;
    switch (x->kind) {
    case VT_EDIT_IOTHREAD_PIN:
    case VT_EDIT_VCPU_PIN:
        return x->id == y->id;
    case VT_EDIT_DISK_IOTHREAD:
    case VT_EDIT_CONTROLLER_IOTHREAD:
        return x->target && y->target && strcmp(x->target, y->target) == 0;
    default:
        return true;
    }
}

static long staged_find_knob(const vt_app *a, const vt_edit *e)
{
    size_t i;

    for (i = 0; i < a->staged.n; i++)
        if (same_knob(&a->staged.edits[i], e))
            return (long)i;
    return -1;
}

/* Stage e (moved in: the caller's copy is zeroed). The VM's inactive XML
 * is recorded at its first edit so that a redefine elsewhere is caught. */
static void stage_edit(vt_app *a, vt_edit *e)
{
    long at = staged_find_knob(a, e);
    vt_domain *d = e->vm ? vt_conn_find_name(a->c, e->vm) : NULL;

    if (d && d->config_xml)
        vt_bases_set(&a->bases, d->uuid, d->name, d->config_xml);
    /* parsed as a one-line plan, but typed here: the engine then names
       the VM instead of a plan line that does not exist */
    e->line = 0;
    if (at >= 0) {
        vt_edit_clear(&a->staged.edits[at]);
        a->staged.edits[at] = *e;
    } else {
        a->staged.edits = vt_realloc(a->staged.edits, (a->staged.n + 1) * sizeof(*a->staged.edits));
        a->staged.edits[a->staged.n++] = *e;
    }
    memset(e, 0, sizeof(*e));
}

/* Keep only the bases of VMs that still have staged edits. */
static void prune_bases(vt_app *a)
{
    vt_bases keep = { 0 };
    size_t i;

    /* by the name staged against: a VM renamed since keeps its base, so
       the conflict is still caught */
    for (i = 0; i < a->bases.n; i++)
        if (staged_count(a, a->bases.names[i]))
            vt_bases_set(&keep, a->bases.uuids[i], a->bases.names[i], a->bases.xml[i]);
    vt_bases_clear(&a->bases);
    a->bases = keep;
}

static void drop_staged(vt_app *a, size_t i)
{
    if (i >= a->staged.n)
        return;
    vt_edit_clear(&a->staged.edits[i]);
    memmove(&a->staged.edits[i], &a->staged.edits[i + 1], (a->staged.n - i - 1) * sizeof(*a->staged.edits));
    a->staged.n--;
    prune_bases(a);
}

static void drop_all_staged(vt_app *a)
{
    free(a->reverts);
    a->reverts = NULL;
    vt_changeset_clear(&a->staged);
    vt_bases_clear(&a->bases);
    memset(&a->bases, 0, sizeof(a->bases));
}

static void add_form(vt_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_form(vt_app *a, const char *fmt, ...)
{
    va_list ap;

    if (a->nforms >= MAX_FORMS)
        return;
    va_start(ap, fmt);
    vsnprintf(a->forms[a->nforms], sizeof(a->forms[0]), fmt, ap);
    va_end(ap);
    a->nforms++;
}

static void size_text(unsigned long long kib, char *buf, size_t n)
{
    if (kib && kib % 1048576 == 0)
        snprintf(buf, n, "%lluG", kib / 1048576);
    else if (kib && kib % 1024 == 0)
        snprintf(buf, n, "%lluM", kib / 1024);
    else
        snprintf(buf, n, "%lluK", kib);
}

static void forms_disks(vt_app *a, const vt_domdef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        if (def->disks[i].target && def->disks[i].bus && strcmp(def->disks[i].bus, "virtio") == 0)
            add_form(a, "disk %s iothread %u", def->disks[i].target,
                     def->disks[i].iothread ? def->disks[i].iothread :
                     def->niothreads ? def->iothreads[0].id : 1);
}

/* The edits that fit the panel shown, prefilled with the values of the
 * persistent definition (what an edit changes); the scope is `both` for a
 * running VM and `config` for one that is not, which has nothing live. */
static void build_forms(vt_app *a, const vt_domain *d, panel_id panel)
{
    const vt_domdef *def = d->config ? d->config : d->live;
    const char *scope = vt_domain_active(d) ? "both" : "config";
    VT_AUTOFREE char *dflt = vt_domain_default_affinity(a->c, def);
    const char *any = dflt ? dflt : "0";
    char sz[32];
    size_t i, k;

    a->nforms = 0;
    a->form_sel = 0;
    switch (panel) {
    case PANEL_IOTHREADS:
        add_form(a, "iothreads %zu", def->niothreads);
        for (i = 0; i < def->niothreads; i++)
            add_form(a, "iothread %u pin %s %s", def->iothreads[i].id,
                     def->iothreads[i].pin ? def->iothreads[i].pin : any, scope);
        for (i = 0; i < def->vcpus && i < 16; i++) {
            const char *pin = any;
            for (k = 0; k < def->nvcpupins; k++)
                if (def->vcpupins[k].id == i && def->vcpupins[k].cpuset)
                    pin = def->vcpupins[k].cpuset;
            add_form(a, "vcpu %zu pin %s %s", i, pin, scope);
        }
        add_form(a, "emulator pin %s %s", def->emulatorpin ? def->emulatorpin : any, scope);
        forms_disks(a, def);
        break;
    case PANEL_DISKS:
        forms_disks(a, def);
        break;
    case PANEL_MEMORY:
        if (def->hugepages && def->nhugepage_sizes && def->hugepage_sizes[0].size_kib) {
            size_text(def->hugepage_sizes[0].size_kib, sz, sizeof(sz));
            add_form(a, "hugepages %s%s%s", sz, def->hugepage_sizes[0].nodeset ? " nodeset " : "",
                     def->hugepage_sizes[0].nodeset ? def->hugepage_sizes[0].nodeset : "");
        } else {
            add_form(a, "hugepages 2M");
        }
        add_form(a, "hugepages off");
        if (def->numatune && def->numatune->nodeset)
            add_form(a, "numatune %s %s %s", def->numatune->mode ? def->numatune->mode : "strict",
                     def->numatune->nodeset, scope);
        else {
            /* the node that holds most of the memory now: binding there
               moves the least */
            int k2, best = 0;
            for (k2 = 1; d->spread_present && k2 < d->spread_nnodes; k2++)
                if (d->spread_kib[k2] > d->spread_kib[best])
                    best = k2;
            add_form(a, "numatune strict %d %s", best, scope);
        }
        break;
    case PANEL_SECURITY: {
        const vt_seclabel_def *sl = vt_domdef_main_seclabel(def);
        const char *relabel = sl && sl->relabel ? sl->relabel : "yes";
        const char *label = sl && sl->label && strcmp(sl->type, "static") == 0 ? sl->label :
                            "system_u:system_r:svirt_t:s0:c100,c200";
        add_form(a, "seclabel dynamic relabel %s", sl && strcmp(sl->type, "dynamic") == 0 ? relabel : "yes");
        add_form(a, "seclabel static %s relabel %s", label,
                 sl && strcmp(sl->type, "static") == 0 ? relabel : "yes");
        add_form(a, "seclabel none");
        if (sl && strcmp(sl->type, "static") == 0) {
            /* the current form first */
            char tmp[256];
            memcpy(tmp, a->forms[1], sizeof(tmp));
            memcpy(a->forms[1], a->forms[0], sizeof(tmp));
            memcpy(a->forms[0], tmp, sizeof(tmp));
        } else if (sl && strcmp(sl->type, "none") == 0) {
            a->form_sel = 2;
        }
        break;
    }
    case PANEL_NETWORK:
    case PANEL_AGENT:
    case PANEL_LAST:
        break;
    }
}

/* The host's knobs, filled in with what the kernel has now. */
static void build_host_forms(vt_app *a)
{
    const vt_host *h = &a->c->host;
    const vt_u64_fact *f[] = { &h->halt_poll_ns, &h->halt_poll_ns_grow, &h->halt_poll_ns_grow_start,
                               &h->halt_poll_ns_shrink };
    const char *names[] = { "halt_poll_ns", "halt_poll_ns_grow", "halt_poll_ns_grow_start",
                            "halt_poll_ns_shrink" };
    char sz[32];
    size_t i, k;

    a->nforms = 0;
    a->form_sel = 0;
    for (i = 0; i < 4; i++)
        if (f[i]->present)
            add_form(a, "%s %llu%s", names[i], f[i]->value, f[i]->writable ? "" : " persist");
    if (h->workqueue_cpus)
        add_form(a, "workqueue_cpus %s", h->workqueue_cpus);
    if (h->thp_enabled)
        add_form(a, "thp enabled %s", h->thp_enabled);
    if (h->thp_defrag)
        add_form(a, "thp defrag %s", h->thp_defrag);
    for (i = 0; i < h->npools; i++) {
        size_text(h->pools[i].size_kib, sz, sizeof(sz));
        add_form(a, "hugepages %s %llu", sz, h->pools[i].nr);
        for (k = 0; k < h->pools[i].nnodes && h->nnodes > 1; k++)
            add_form(a, "hugepages %s %llu node %d", sz, h->pools[i].nodes[k].nr,
                     h->pools[i].nodes[k].node);
    }
}

/* "CPUs 2, 3, 8 — 3 CPUs": a set as the admin reads it. */
static char *expand_set(const char *set, const char *one, const char *many)
{
    vt_cpuset s;
    char buf[1024] = "";
    int last, i;
    unsigned n, shown = 0;

    if (!set || vt_cpuset_parse(set, &s, NULL) < 0)
        return vt_asprintf("%s %s", many, set ? set : "?");
    last = vt_cpuset_last(&s);
    n = vt_cpuset_count(&s);
    for (i = 0; i <= last; i++) {
        size_t len = strlen(buf);
        if (!vt_cpuset_has(&s, (unsigned)i))
            continue;
        if (shown == 24) {
            snprintf(buf + len, sizeof(buf) - len, ", …");
            break;
        }
        snprintf(buf + len, sizeof(buf) - len, "%s%d", shown ? ", " : "", i);
        shown++;
    }
    return vt_asprintf("%s %s — %u %s", n == 1 ? one : many, buf, n, n == 1 ? one : many);
}

/* Validation of the edit line: the real plan parser on "vm NAME " + tail,
 * then the host's CPUs and nodes, so a typo is caught where it is typed. */
static int validate_edit(void *ctx, const char *text, char *msg, size_t msgsz)
{
    vt_app *a = ctx;
    VT_AUTOFREE char *plan = a->edit_vm[0] ? vt_asprintf("vm %s %s\n", a->edit_vm, text)
                                           : vt_asprintf("host %s\n", text);
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };
    const vt_edit *e;
    vt_cpuset s;

    if (vt_plan_parse(plan, &cs, &err) < 0) {
        const char *m = err.msg;
        if (strncmp(m, "line 1: ", 8) == 0)
            m += 8;
        snprintf(msg, msgsz, "%s", m);
        return -1;
    }
    if (cs.n != 1) {
        snprintf(msg, msgsz, cs.n ? "one edit at a time" : "nothing to stage");
        vt_changeset_clear(&cs);
        return -1;
    }
    e = &cs.edits[0];
    if (e->cpuset && a->c->host.ncpus && vt_cpuset_parse(e->cpuset, &s, NULL) == 0 &&
        vt_cpuset_last(&s) >= (int)a->c->host.ncpus) {
        snprintf(msg, msgsz, "CPU %d is not on this host (CPUs 0-%u)", vt_cpuset_last(&s), a->c->host.ncpus - 1);
        vt_changeset_clear(&cs);
        return -1;
    }
    if (e->nodeset && a->c->host.nnodes && vt_cpuset_parse(e->nodeset, &s, NULL) == 0) {
        size_t k;
        int last = vt_cpuset_last(&s);
        bool found = false;
        for (k = 0; k < a->c->host.nnodes; k++)
            if (a->c->host.nodes[k].id == last)
                found = true;
        if (!found) {
            snprintf(msg, msgsz, "NUMA node %d is not on this host", last);
            vt_changeset_clear(&cs);
            return -1;
        }
    }
    vt_changeset_clear(&a->pending);
    a->pending = cs;
    return 0;
}

static void open_edit(vt_app *a, const char *tail)
{
    vt_input_init(&a->edit_in, tail, validate_edit, a);
    a->modal = MODAL_EDIT;
}

/* The confirm step: the edit as a plan line, its sets expanded, and what
 * it replaces. */
static void open_stage_confirm(vt_app *a)
{
    const vt_edit *e = &a->pending.edits[0];
    VT_AUTOFREE char *line_text = vt_edit_format(e);
    VT_AUTOFREE char *cpus = e->cpuset ? expand_set(e->cpuset, "CPU", "CPUs") : NULL;
    VT_AUTOFREE char *nodes = e->nodeset ? expand_set(e->nodeset, "NUMA node", "NUMA nodes") : NULL;
    long at = staged_find_knob(a, e);
    VT_AUTOFREE char *old = at >= 0 ? vt_edit_format(&a->staged.edits[at]) : NULL;
    size_t len;

    snprintf(a->dlg_msg, sizeof(a->dlg_msg), "%s", line_text);
    len = strlen(a->dlg_msg);
    if (cpus)
        len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len, "\n%s", cpus);
    if (nodes && len < sizeof(a->dlg_msg))
        len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len, "\n%s", nodes);
    if (old && len < sizeof(a->dlg_msg))
        len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len, "\nreplaces the staged: %s", old);
    if (e->kind == VT_EDIT_HOST_WORKQUEUE) {
        /* kworkers beside pinned vCPUs: the jitter the guide isolates them from */
        vt_cpuset wq;
        char who[256] = "";
        if (vt_cpuset_parse(e->cpuset, &wq, NULL) == 0)
            for (size_t i = 0; i < a->c->ndoms; i++) {
                const vt_domdef *def = a->c->doms[i]->live;
                vt_cpuset pin;
                for (size_t k = 0; def && vt_domain_active(a->c->doms[i]) && k < def->nvcpupins; k++)
                    if (def->vcpupins[k].cpuset && vt_cpuset_parse(def->vcpupins[k].cpuset, &pin, NULL) == 0 &&
                        vt_cpuset_intersects(&pin, &wq)) {
                        size_t wl = strlen(who);
                        snprintf(who + wl, sizeof(who) - wl, "%s%s", wl ? ", " : "", a->c->doms[i]->name);
                        break;
                    }
            }
        if (who[0] && len < sizeof(a->dlg_msg))
            len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len,
                                    "\nwarning: overlaps the pinned vCPUs of %s", who);
    }
    if (e->kind == VT_EDIT_HOST_PARAM && e->knob && strcmp(e->knob, "halt_poll_ns") == 0 &&
        len < sizeof(a->dlg_msg))
        len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len,
                                "\n0 turns halt-polling off; large values burn host CPU on idle vCPUs");
    if (e->kind == VT_EDIT_HOST_THP && e->knob && len < sizeof(a->dlg_msg)) {
        const char *opts = strcmp(e->knob, "defrag") == 0 ? a->c->host.thp_defrag_opts
                                                          : a->c->host.thp_enabled_opts;
        if (opts && *opts)   /* the dialog escapes what it draws */
            len += (size_t)snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len, "\nthe kernel offers: %s", opts);
    }
    if (vt_edit_is_host(e) && !e->persist && len < sizeof(a->dlg_msg))
        snprintf(a->dlg_msg + len, sizeof(a->dlg_msg) - len, "\nlasts until reboot (add persist to keep it)");
    memset(&a->dlg, 0, sizeof(a->dlg));
    a->dlg.title = "Stage this edit?";
    a->dlg.message = a->dlg_msg;
    a->dlg.buttons[0] = "Stage";
    a->dlg.buttons[1] = "Cancel";
    a->dlg.nbuttons = 2;
    a->dlg_kind = DLG_STAGE;
    a->modal = MODAL_DIALOG;
}

static void open_dialog(vt_app *a, dialog_kind kind, const char *title, const char *yes, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void open_dialog(vt_app *a, dialog_kind kind, const char *title, const char *yes, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->dlg_msg, sizeof(a->dlg_msg), fmt, ap);
    va_end(ap);
    memset(&a->dlg, 0, sizeof(a->dlg));
    a->dlg.title = title;
    a->dlg.message = a->dlg_msg;
    a->dlg.buttons[0] = yes;
    a->dlg.buttons[1] = "Cancel";
    a->dlg.nbuttons = 2;
    a->dlg.focus = 1;   /* the safe answer is the default */
    a->dlg_kind = kind;
    a->modal = MODAL_DIALOG;
}

/* ---- the CPU picker ---- */

/* Where the CPU set sits in a pin edit's tail: the word after "pin".
 * Byte offsets of it (or of where it goes) into *from, *to; false when the
 * line is not a pin edit. */
static bool pin_field(const char *text, size_t *from, size_t *to)
{
    const char *p = text;

    while (*p) {
        const char *w;
        while (*p == ' ')
            p++;
        w = p;
        while (*p && *p != ' ')
            p++;
        if ((p - w == 3 && strncmp(w, "pin", 3) == 0) ||
            (p - w == 14 && strncmp(w, "workqueue_cpus", 14) == 0)) {
            while (*p == ' ')
                p++;
            *from = (size_t)(p - text);
            while (*p && *p != ' ')
                p++;
            *to = (size_t)(p - text);
            return true;
        }
    }
    return false;
}

static void open_picker(vt_app *a)
{
    size_t from, to;
    char set[256];

    if (!pin_field(a->edit_in.buf, &from, &to)) {
        snprintf(a->edit_in.msg, sizeof(a->edit_in.msg),
                 "the CPU picker is for CPU sets (… pin CPUSET, workqueue_cpus CPUSET)");
        return;
    }
    if (!a->c->host.nnodes) {
        snprintf(a->edit_in.msg, sizeof(a->edit_in.msg), "no NUMA topology known: type the CPU set");
        return;
    }
    snprintf(set, sizeof(set), "%.*s", (int)(to - from), a->edit_in.buf + from);
    if (vt_cpuset_parse(set, &a->pick, NULL) < 0)
        vt_cpuset_clear(&a->pick);
    a->pick_node = 0;
    a->pick_idx = 0;
    a->edit_in.msg[0] = '\0';
    a->modal = MODAL_GRID;
}

/* Enter in the picker: the set goes into the line in place of the typed
 * one (or where it belongs when none was typed yet). */
static void picker_accept(vt_app *a)
{
    size_t from, to;
    VT_AUTOFREE char *set = vt_cpuset_format(&a->pick);
    char buf[sizeof(a->edit_in.buf)];

    if (vt_cpuset_is_empty(&a->pick)) {
        snprintf(a->edit_in.msg, sizeof(a->edit_in.msg), "no CPU picked: Space picks the CPU under the cursor");
        return;
    }
    if (!pin_field(a->edit_in.buf, &from, &to))
        return;
    snprintf(buf, sizeof(buf), "%.*s%s%s%s", (int)from, a->edit_in.buf, from && a->edit_in.buf[from - 1] != ' ' ? " " : "",
             set, a->edit_in.buf + to);
    vt_input_init(&a->edit_in, buf, validate_edit, a);
    a->modal = MODAL_EDIT;
}

static void picker_key(vt_app *a, int is_key, wint_t ch)
{
    grid_nodes g;
    int width = (COLS > 100 ? 96 : COLS - 8);
    size_t per, col;

    grid_nodes_build(&a->c->host, &g);
    per = (size_t)vt_cpugrid_per_line(width, g.nodes, g.n);
    if (a->pick_node >= g.n)
        a->pick_node = 0;
    col = a->pick_idx % per;
    if (is_key && ch == KEY_LEFT) {
        if (a->pick_idx > 0)
            a->pick_idx--;
        else if (a->pick_node > 0) {
            a->pick_node--;
            a->pick_idx = g.nodes[a->pick_node].ncpus ? g.nodes[a->pick_node].ncpus - 1 : 0;
        }
    } else if (is_key && ch == KEY_RIGHT) {
        if (a->pick_idx + 1 < g.nodes[a->pick_node].ncpus)
            a->pick_idx++;
        else if (a->pick_node + 1 < g.n) {
            a->pick_node++;
            a->pick_idx = 0;
        }
    } else if (is_key && ch == KEY_DOWN) {
        if (a->pick_idx + per < g.nodes[a->pick_node].ncpus)
            a->pick_idx += per;
        else if (a->pick_node + 1 < g.n) {
            a->pick_node++;
            a->pick_idx = col < g.nodes[a->pick_node].ncpus ? col : 0;
        }
    } else if (is_key && ch == KEY_UP) {
        if (a->pick_idx >= per)
            a->pick_idx -= per;
        else if (a->pick_node > 0) {
            size_t n;
            a->pick_node--;
            n = g.nodes[a->pick_node].ncpus;
            a->pick_idx = n ? ((n - 1) / per) * per + col : 0;
            if (a->pick_idx >= n)
                a->pick_idx = n ? n - 1 : 0;
        }
    } else if (!is_key && ch == ' ') {
        if (a->pick_idx < g.nodes[a->pick_node].ncpus) {
            unsigned cpu = g.nodes[a->pick_node].cpus[a->pick_idx];
            if (vt_cpuset_has(&a->pick, cpu))
                vt_cpuset_unset(&a->pick, cpu);
            else
                vt_cpuset_set(&a->pick, cpu);
        }
    } else if ((!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER)) {
        picker_accept(a);
    } else if (!is_key && ch == 27) {
        a->modal = MODAL_EDIT;
    }
    grid_nodes_free(&g);
}

/* ---- boxes drawn over the screen ---- */

static void draw_box(vt_app *a, int y0, int x0, int h, int w, const char *title)
{
    vt_box_draw(stdscr, y0, x0, h, w, title, vt_theme_attr(&a->th, VT_ROLE_DIALOG));
}

static void draw_forms(vt_app *a)
{
    int w = COLS > 90 ? 86 : COLS - 4;
    int shown = (int)a->nforms, h, y0, x0, i, first = 0;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *title = a->edit_vm[0] ? vt_asprintf("Stage an edit for VM %s", a->edit_vm)
                                            : vt_strdup("Stage a host edit (add \"persist\" to keep it at boot)");
    char hint[128];

    if (shown > LINES - 8)
        shown = LINES - 8;
    if ((int)a->form_sel >= shown)
        first = (int)a->form_sel - shown + 1;
    h = shown + 4;
    y0 = (LINES - h) / 2;
    x0 = (COLS - w) / 2;
    draw_box(a, y0, x0, h, w, title);
    for (i = 0; i < shown; i++) {
        size_t k = (size_t)(first + i);
        VT_AUTOFREE char *row = vt_asprintf("%s %s", k == a->form_sel ? ">" : " ", a->forms[k]);
        vt_text_put(stdscr, y0 + 1 + i, x0 + 2, row, w - 4,
                    k == a->form_sel ? vt_theme_attr(&a->th, VT_ROLE_SELECTION) : da, 1);
    }
    snprintf(hint, sizeof(hint), "Enter edits the line   Esc cancels   %zu of %zu", a->form_sel + 1, a->nforms);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, w - 4, da, 0);
}

static void draw_edit(vt_app *a)
{
    int w = COLS - 4, h = 6, y0 = LINES - 3 - h, x0 = 2, pw;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *prefix = a->edit_vm[0] ? vt_asprintf("vm %s ", a->edit_vm) : vt_strdup("host ");
    char hint[160];
    size_t from, to;

    draw_box(a, y0, x0, h, w, "Stage an edit: the plan line");
    pw = vt_text_width(prefix);
    if (pw > w / 3)
        pw = w / 3;
    vt_text_put(stdscr, y0 + 1, x0 + 2, prefix, pw, da, 0);
    vt_input_draw(&a->edit_in, stdscr, y0 + 1, x0 + 2 + pw, w - 4 - pw, &a->th);
    if (a->edit_in.msg[0]) {
        /* the whole width for the parser's message, not just the field's */
        vt_text_put(stdscr, y0 + 2, x0 + 2, "", w - 4, da, 1);
        vt_text_put(stdscr, y0 + 2, x0 + 2, a->edit_in.msg, w - 4, vt_theme_attr(&a->th, VT_ROLE_VALUE_BAD), 0);
    }
    if (pin_field(a->edit_in.buf, &from, &to))
        snprintf(hint, sizeof(hint), "Enter checks and stages   %s picks CPUs on the grid   Esc cancels",
                 key_of(a, VT_ACT_PICK_CPUS));
    else
        snprintf(hint, sizeof(hint), "Enter checks and stages   Esc cancels");
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, w - 4, da, 0);
}

static void draw_picker(vt_app *a)
{
    grid_nodes g;
    int gw = COLS > 100 ? 96 : COLS - 8;
    int w = gw + 4, lines, h, y0, x0;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    vt_domain *d = a->edit_vm[0] ? vt_conn_find_name(a->c, a->edit_vm) : NULL;
    unsigned *flags = a->edit_vm[0] ? grid_flags(a, d ? (d->config ? d->config : d->live) : NULL)
                                    : grid_flags_all(a);
    size_t ncpu = a->c->host.ncpus ? a->c->host.ncpus : 1, i;
    VT_AUTOFREE char *set = vt_cpuset_format(&a->pick);
    VT_AUTOFREE char *exp = NULL;
    char buf[256], cur[64] = "";
    unsigned what = VT_CPUGRID_PICK | (a->edit_vm[0] ? VT_CPUGRID_HAND : 0);
    int legend;

    grid_nodes_build(&a->c->host, &g);
    for (i = 0; i < ncpu; i++)
        if (vt_cpuset_has(&a->pick, (unsigned)i))
            flags[i] |= VT_CPU_PICKED;
    if (a->pick_node < g.n && a->pick_idx < g.nodes[a->pick_node].ncpus &&
        g.nodes[a->pick_node].cpus[a->pick_idx] < ncpu)
        flags[g.nodes[a->pick_node].cpus[a->pick_idx]] |= VT_CPU_CURSOR;
    lines = vt_cpugrid_lines(gw, g.nodes, g.n);
    legend = vt_cpugrid_legend_draw(NULL, 0, 0, gw, what, 0);
    h = lines + 5 + legend;
    if (h > LINES - 2)
        h = LINES - 2;
    y0 = (LINES - h) / 2;
    x0 = (COLS - w) / 2;
    draw_box(a, y0, x0, h, w, "Pick CPUs");
    vt_cpugrid_draw(stdscr, y0 + 1, x0 + 2, gw, g.nodes, g.n, flags, ncpu, &a->th);
    /* the cursor in words too: reverse video is all a monochrome
       terminal has, and a screen reader has not even that */
    if (a->pick_node < g.n && a->pick_idx < g.nodes[a->pick_node].ncpus)
        snprintf(cur, sizeof(cur), "at CPU %u (node %d)", g.nodes[a->pick_node].cpus[a->pick_idx],
                 g.nodes[a->pick_node].id);
    if (vt_cpuset_is_empty(&a->pick))
        snprintf(buf, sizeof(buf), "%s   picked: none", cur);
    else {
        exp = expand_set(set, "CPU", "CPUs");
        snprintf(buf, sizeof(buf), "%s   picked: %s  (%s)", cur, set, exp);
    }
    vt_text_put(stdscr, y0 + h - 3 - legend, x0 + 2, buf, gw, da, 0);
    vt_cpugrid_legend_draw(stdscr, y0 + h - 2 - legend, x0 + 2, gw, what, da);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, "arrows move   Space picks/unpicks   Enter writes the set   Esc back", gw, da, 0);
    grid_nodes_free(&g);
    free(flags);
}

static void draw_save(vt_app *a)
{
    int w = COLS - 4, h = 5, y0 = LINES - 3 - h, x0 = 2;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    VT_AUTOFREE char *title = vt_asprintf("Save %zu staged edit%s as a plan file", a->staged.n,
                                          a->staged.n == 1 ? "" : "s");

    draw_box(a, y0, x0, h, w, title);
    vt_text_put(stdscr, y0 + 1, x0 + 2, "file:", 6, da, 0);
    vt_input_draw(&a->save_in, stdscr, y0 + 1, x0 + 8, w - 10, &a->th);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, "Enter saves   Esc cancels", w - 4, da, 0);
}

static void draw_modal(vt_app *a)
{
    switch (a->modal) {
    case MODAL_FORMS: draw_forms(a); break;
    case MODAL_EDIT: draw_edit(a); break;
    case MODAL_GRID: draw_picker(a); break;
    case MODAL_DIALOG: vt_dialog_draw(&a->dlg, stdscr, &a->th); break;
    case MODAL_SAVE: draw_save(a); break;
    case MODAL_ASK: draw_ask(a); break;
    case MODAL_NONE:
    case MODAL_LAST:
        break;
    }
}

/* ---- review: the prepared steps of the staged set ---- */

/* Prepare the staged set against a fresh snapshot; the review shows the
 * steps or, in words, why they cannot be made. */
static void review_prepare(vt_app *a)
{
    vt_err err = { { 0 } };

    vt_applyplan_clear(&a->plan);
    memset(&a->plan, 0, sizeof(a->plan));
    a->plan_ok = false;
    a->plan_err[0] = '\0';
    if (!a->staged.n)
        return;
    if (vt_apply_prepare(a->c, &a->staged, &a->bases, &a->plan, &err) < 0) {
        snprintf(a->plan_err, sizeof(a->plan_err), "%s", err.msg[0] ? err.msg : "cannot prepare the edits");
        vt_applyplan_clear(&a->plan);
        memset(&a->plan, 0, sizeof(a->plan));
        return;
    }
    a->plan_ok = true;
}

static void open_review(vt_app *a)
{
    if (a->screen != SCR_REVIEW) {
        a->review_back = a->screen == SCR_HELP ? a->back_to : a->screen;
        a->screen = SCR_REVIEW;
    }
    a->scroll[SCR_REVIEW] = 0;
    if (a->review_sel >= a->staged.n)
        a->review_sel = a->staged.n ? a->staged.n - 1 : 0;
    review_prepare(a);
    if (!a->staged.n)
        set_status(a, VT_ROLE_STATUS, "nothing staged");
    else if (a->plan_ok)
        set_status(a, VT_ROLE_STATUS, "%zu staged edit%s, %zu step%s", a->staged.n, a->staged.n == 1 ? "" : "s",
                   a->plan.nsteps, a->plan.nsteps == 1 ? "" : "s");
    else
        set_status(a, VT_ROLE_STATUS_ERROR, "cannot prepare the staged edits (see the review)");
}

/* "[live now]": the engine's own words for an effect */
static const char *effect_marker(vt_effect e, char *buf, size_t n)
{
    snprintf(buf, n, "[%s]", vt_applyplan_effect_name(e));
    return buf;
}

/* Multi-line text, one pad line each, the role chosen per line. */
static void text_lines(pen *p, const char *text, const char *indent, bool diff)
{
    const char *s = text;

    while (s && *s) {
        const char *nl = strchr(s, '\n');
        int len = nl ? (int)(nl - s) : (int)strlen(s);
        vt_role role = VT_ROLE_NORMAL;
        if (diff) {
            if (len >= 3 && (strncmp(s, "+++", 3) == 0 || strncmp(s, "---", 3) == 0))
                role = VT_ROLE_DIM;
            else if (*s == '+')
                role = VT_ROLE_DIFF_ADD;
            else if (*s == '-')
                role = VT_ROLE_DIFF_DEL;
            else if (*s == '@')
                role = VT_ROLE_DIM;
        }
        line(p, role, "%s%.*s", indent, len, s);
        s = nl ? nl + 1 : NULL;
    }
}

static void draw_review(vt_app *a)
{
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_REVIEW], a->scroll[SCR_REVIEW] + LINES };
    char what[128], mark[40];
    size_t i;

    werase(a->pad);
    snprintf(what, sizeof(what), "review");
    draw_title(a, what);
    if (a->outcome) {
        heading(&p, a->outcome_head);
        text_lines(&p, a->outcome, "", false);
    }
    heading(&p, "Staged edits");
    if (!a->staged.n)
        line(&p, VT_ROLE_DIM, "nothing staged: on a VM's detail screen, %s stages an edit", key_of(a, VT_ACT_EDIT));
    for (i = 0; i < a->staged.n; i++) {
        VT_AUTOFREE char *t = vt_edit_format(&a->staged.edits[i]);
        line(&p, i == a->review_sel ? VT_ROLE_SELECTION : VT_ROLE_STAGED, "%s %2zu  %s",
             i == a->review_sel ? ">" : " ", i + 1, t);
    }
    if (a->staged.n)
        line(&p, VT_ROLE_DIM, "Up/Down select  %s drops it  %s drops all  %s applies  %s saves a plan",
             key_of(a, VT_ACT_DROP), key_of(a, VT_ACT_DROP_ALL), key_of(a, VT_ACT_APPLY),
             key_of(a, VT_ACT_SAVE_PLAN));
    if (a->staged.n && !a->plan_ok) {
        heading(&p, "Cannot prepare these edits");
        line(&p, VT_ROLE_VALUE_BAD, "%s", a->plan_err);
        line(&p, VT_ROLE_DIM, "drop or re-stage the edit it names; nothing can be applied until then");
    }
    if (a->plan_ok) {
        const char *vm = NULL;
        for (i = 0; i < a->plan.nsteps; i++) {
            const vt_step *s = &a->plan.steps[i];
            size_t k;
            if (!vm || strcmp(vm, s->vm) != 0) {
                char h[300];
                if (s->uuid)
                    snprintf(h, sizeof(h), "VM %s (%s)", s->vm, s->vm_active ? "running" : "not running");
                else
                    snprintf(h, sizeof(h), "Host");
                heading(&p, h);
                vm = s->vm;
            }
            line(&p, VT_ROLE_STAGED, "%-15s %s", effect_marker(s->effect, mark, sizeof(mark)),
                 s->call ? s->call : "");
            for (k = 0; k < s->nchanges; k++)
                line(&p, VT_ROLE_NORMAL, "    %s: %s -> %s", s->changes[k].what, s->changes[k].before,
                     s->changes[k].after);
            if (s->diff && *s->diff)
                text_lines(&p, s->diff, "    ", true);
        }
        if (!a->plan.nsteps)
            line(&p, VT_ROLE_DIM, "no steps: the staged values are what the VMs already have");
        if (a->plan.nwarnings) {
            heading(&p, "Warnings");
            for (i = 0; i < a->plan.nwarnings; i++)
                line(&p, VT_ROLE_VALUE_WARN, "! %s", a->plan.warnings[i]);
        }
    }
    draw_status(a);
    draw_footer(a, VT_SCR_REVIEW);
    draw_pad(a, 1, LINES - 3, p.y);
}

/* ---- advice: every check of the guides ---- */

/* Text wrapped at word boundaries to the screen: the first line after
 * `lead`, the others indented as far. */
/* How many bytes of s fit in width columns, never cutting a UTF-8
 * character (a CJK one takes 2 columns, an escaped one its escape). */
static int fit_bytes(const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;

    while (*p) {
        long cp;
        size_t n = vt_utf8_decode(p, &cp);
        int cw = cp < 0 || vt_cp_is_control(cp) || vt_cp_is_hostile(cp) ? (cp < 0x100 ? 4 : 6)
                                                                         : wcwidth((wchar_t)cp);
        if (cw < 0)
            cw = 6;
        if (w + cw > width)
            break;
        w += cw;
        p += n;
    }
    return (int)((const char *)p - s);
}

static void wrapped(pen *p, vt_role role, const char *lead, const char *text)
{
    int indent = (int)strlen(lead), width = COLS - indent - 3;   /* line() keeps a margin */
    const char *s = text;
    bool first = true;

    if (width < 20)
        width = 20;
    while (*s) {
        int len = fit_bytes(s, width), cut = len;
        if (s[len]) {
            /* at the last space of the line's second half, else mid-word */
            while (cut > len / 2 && s[cut] != ' ')
                cut--;
            if (s[cut] == ' ')
                len = cut;
        }
        if (first)
            line(p, role, "%s%.*s", lead, len, s);
        else
            line(p, role, "%*s%.*s", indent, "", len, s);
        first = false;
        s += len;
        while (*s == ' ')
            s++;
    }
}

static void open_advice(vt_app *a)
{
    vt_advise_opts ao = { NULL, true };

    if (!a->c->remote) {
        vt_remote_status_read(&a->remote, a->c->etc_root);
        a->remote_read = true;
        ao.remote = &a->remote;
    }
    /* on opening, connected guest agents are asked too (guest-info) */
    vt_advise(a->c, &ao, &a->advice);
    a->advice_sel = 0;
    a->scroll[SCR_ADVICE] = 0;
    open_screen(a, SCR_ADVICE);
}

static void draw_advice(vt_app *a)
{
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_ADVICE], a->scroll[SCR_ADVICE] + LINES };
    size_t n[VT_SEV_LAST] = { 0 }, i;
    int sel_line = 0;
    char head[160];

    werase(a->pad);
    draw_title(a, "advice");
    for (i = 0; i < a->advice.n; i++)
        n[a->advice.items[i].sev]++;
    snprintf(head, sizeof(head), "%zu failure%s, %zu warning%s, %zu info", n[VT_SEV_FAIL],
             n[VT_SEV_FAIL] == 1 ? "" : "s", n[VT_SEV_WARN], n[VT_SEV_WARN] == 1 ? "" : "s",
             n[VT_SEV_INFO]);
    heading(&p, head);
    if (!a->advice.n)
        line(&p, VT_ROLE_DIM, "nothing found: every check of the guides passes");
    for (i = 0; i < a->advice.n; i++) {
        const vt_advice *f = &a->advice.items[i];
        bool sel = i == a->advice_sel;
        char vm[64];
        if (sel)
            sel_line = p.y;
        /* the VM column by display width: names may be CJK */
        vt_text_fit(f->vm ? f->vm : "(host)", 16, vm, sizeof(vm));
        line(&p, sel ? VT_ROLE_SELECTION : sev_role(f->sev), "%s %s %-10s %s%*s %s", sel ? ">" : " ",
             sev_marker(f->sev), f->topic, vm, 16 - vt_text_width(vm), "", f->summary);
        if (!sel)
            continue;
        if (f->evidence)
            wrapped(&p, VT_ROLE_NORMAL, "       evidence: ", f->evidence);
        if (f->why)
            wrapped(&p, VT_ROLE_DIM, "       why: ", f->why);
        if (f->fix) {
            line(&p, VT_ROLE_STAGED, "       fix (%s stages it, then %s reviews):", key_of(a, VT_ACT_FIX),
                 key_of(a, VT_ACT_REVIEW));
            text_lines(&p, f->fix, "         ", false);
        } else {
            line(&p, VT_ROLE_DIM, "       no plan line fixes this; %s shows where it lives",
                 key_of(a, VT_ACT_OPEN));
        }
    }
    /* keep the selected finding in view */
    if (sel_line < a->scroll[SCR_ADVICE])
        a->scroll[SCR_ADVICE] = sel_line;
    else if (sel_line + 6 > a->scroll[SCR_ADVICE] + LINES - 3)
        a->scroll[SCR_ADVICE] = sel_line + 6 - (LINES - 3);
    draw_status(a);
    draw_footer(a, VT_SCR_ADVICE);
    draw_pad(a, 1, LINES - 3, p.y);
}

/* ---- remote access: status, SASL users, the guided set-up ---- */

#define PASS_MAX 512

static vt_sasl_opts sasl_opts(const vt_app *a)
{
    vt_sasl_opts o = { a->sasl_conf, a->sasl_db[0] ? a->sasl_db : NULL, NULL };
    return o;
}

/* The status, and the users of the database libvirtd's SASL conf names
 * (below a stand-in --etc-root, its /etc paths are read there too). */
static void remote_refresh(vt_app *a)
{
    const char *etc = a->c->etc_root;
    vt_sasl_opts o;
    vt_err err = { { 0 } };

    if (a->c->remote)
        return;
    vt_remote_status_read(&a->remote, etc);
    a->remote_read = true;
    snprintf(a->sasl_conf, sizeof(a->sasl_conf), "%s/sasl2", etc);
    if (strcmp(etc, "/etc") != 0 && strncmp(a->remote.sasldb_path, "/etc/", 5) == 0)
        snprintf(a->sasl_db, sizeof(a->sasl_db), "%s/%s", etc, a->remote.sasldb_path + 5);
    else
        snprintf(a->sasl_db, sizeof(a->sasl_db), "%s", a->remote.sasldb_path);
    vt_sasl_users_free(a->users, a->nusers);
    a->users = NULL;
    a->nusers = 0;
    o = sasl_opts(a);
    if (vt_sasl_list(&o, &a->users, &a->nusers, &err) < 0)
        set_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
    if (a->user_sel >= a->nusers)
        a->user_sel = a->nusers ? a->nusers - 1 : 0;
}

static void wiz_end(vt_app *a)
{
    if (a->wiz_pass) {
        vt_wipe(a->wiz_pass, PASS_MAX);
        munlock(a->wiz_pass, PASS_MAX);
        free(a->wiz_pass);
        a->wiz_pass = NULL;
    }
    vt_setup_plan_clear(&a->wiz_plan);
    a->wiz_step = 0;
}

static void ask(vt_app *a, int kind, const char *prompt, const char *initial, bool secret)
{
    a->ask_kind = kind;
    snprintf(a->ask_prompt, sizeof(a->ask_prompt), "%s", prompt);
    vt_input_init(&a->ask_in, initial, NULL, NULL);
    a->ask_in.secret = secret;
    /* from the first password on, no core dump of this process */
    if (secret)
        prctl(PR_SET_DUMPABLE, 0);
    a->modal = MODAL_ASK;
}

static void draw_ask(vt_app *a)
{
    int w = COLS - 4, h = 5, y0 = LINES - 3 - h, x0 = 2, pw = (int)strlen(a->ask_prompt) + 1;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);

    draw_box(a, y0, x0, h, w, a->user_op == 'w' ? "Remote access set-up" : "SASL users");
    vt_text_put(stdscr, y0 + 1, x0 + 2, a->ask_prompt, pw, da, 0);
    vt_input_draw(&a->ask_in, stdscr, y0 + 1, x0 + 2 + pw, w - 4 - pw, &a->th);
    vt_text_put(stdscr, y0 + h - 2, x0 + 2,
                a->ask_in.secret ? "Enter continues   Esc cancels   (not shown, not kept)"
                                 : "Enter continues   Esc cancels", w - 4, da, 0);
}

static void open_remote(vt_app *a)
{
    if (a->c->remote) {
        set_status(a, VT_ROLE_STATUS, "a remote host's libvirtd.conf and sasldb are not readable "
                   "from here: run virt-tune on that host");
        return;
    }
    remote_refresh(a);
    open_screen(a, SCR_REMOTE);
}

/* Step 1: the transport. */
static void setup_start(vt_app *a)
{
    wiz_end(a);
    a->wiz_msg[0] = '\0';
    memset(&a->dlg, 0, sizeof(a->dlg));
    snprintf(a->dlg_msg, sizeof(a->dlg_msg),
             "Step 1 of 5: how clients reach libvirtd.\n"
             "TLS+SCRAM: scram-sha-256 over TLS (recommended)\n"
             "TCP+GSSAPI: Kerberos on plain TCP\n"
             "TCP+DIGEST: the guide's digest-md5 (deprecated)");
    a->dlg.title = "Remote access set-up";
    a->dlg.message = a->dlg_msg;
    a->dlg.buttons[0] = "TLS+SCRAM";
    a->dlg.buttons[1] = "TCP+GSSAPI";
    a->dlg.buttons[2] = "TCP+DIGEST";
    a->dlg.buttons[3] = "Cancel";
    a->dlg.nbuttons = 4;
    a->dlg_kind = DLG_TRANSPORT;
    a->modal = MODAL_DIALOG;
}

/* Step 2: the changes as diffs, nothing written yet. */
static void setup_prepare(vt_app *a, vt_setup_transport t)
{
    vt_err err = { { 0 } };
    char *text;

    a->wiz_t = t;
    vt_setup_plan_clear(&a->wiz_plan);
    if (vt_setup_prepare(a->c->etc_root, NULL, t, a->wiz_listen[0] ? a->wiz_listen : NULL, &a->wiz_plan, &err) < 0) {
        snprintf(a->wiz_msg, sizeof(a->wiz_msg), "cannot set up %s: %s (nothing was written)\n",
                 vt_setup_transport_name(t), err.msg);
        a->wiz_step = 0;
        return;
    }
    text = vt_setup_describe(&a->wiz_plan);
    snprintf(a->wiz_msg, sizeof(a->wiz_msg), "%s", text);
    free(text);
    a->wiz_step = 2;
    a->scroll[SCR_REMOTE] = 0;
    set_status(a, VT_ROLE_STATUS, "step 2 of 5: read the changes; %s writes them (asks first), %s cancels",
               key_of(a, VT_ACT_OPEN), key_of(a, VT_ACT_BACK));
}

/* Step 1's second half: listen_addr, optional (the status warns of every
 * address); then step 2. */
static void setup_ask_listen(vt_app *a, vt_setup_transport t)
{
    const char *cur = a->remote_read ? vt_conf_get(&a->remote.ra.libvirtd, "listen_addr") : NULL;

    a->wiz_t = t;
    a->user_op = 'w';
    snprintf(a->wiz_listen, sizeof(a->wiz_listen), "%s", cur ? cur : "");
    ask(a, ASK_LISTEN, "Step 1 of 5: listen address (empty: leave as is):", a->wiz_listen, false);
}


/* Step 2's answer: write, then restart (or say how), then the first user. */
static void setup_write(vt_app *a)
{
    vt_err err = { { 0 } };
    vt_buf b = { 0 };
    bool live = strcmp(a->c->etc_root, "/etc") == 0 && access("/run/systemd/system", F_OK) == 0;

    if (vt_setup_write(&a->wiz_plan, &err) < 0) {
        snprintf(a->wiz_msg, sizeof(a->wiz_msg), "not written: %s\n", err.msg);
        wiz_end(a);
        return;
    }
    vt_buf_addf(&b, "Step 2 of 5: %zu files written (each old one kept as .virt-tune-DATE).\n",
                a->wiz_plan.nfiles);
    for (size_t i = 0; i < a->wiz_plan.ncommands; i++) {
        if (!live)
            vt_buf_addf(&b, "Restart: run as root: %s\n", a->wiz_plan.commands[i]);
        else
            vt_buf_addf(&b, "Restart: %s: %s\n", a->wiz_plan.commands[i],
                        vt_setup_run(a->wiz_plan.commands[i], true) == 0 ? "done" : "FAILED, run it by hand");
    }
    snprintf(a->wiz_msg, sizeof(a->wiz_msg), "%s", b.buf ? b.buf : "");
    vt_buf_free(&b);
    remote_refresh(a);
    a->wiz_step = 3;
    a->wiz_follow = true;
    a->user_op = 'w';
    ask(a, ASK_USER, "Step 3 of 5: first user:", "", false);
}

/* Step 5: the login, checked the way a client makes it. */
static void setup_verify(vt_app *a)
{
    vt_err err = { { 0 } };
    vt_sasl_opts o = sasl_opts(a);
    size_t len = strlen(a->wiz_msg);

    if (vt_sasl_verify(a->wiz_uri, a->wiz_user, a->wiz_pass ? a->wiz_pass : "", &o, &err) == 0)
        snprintf(a->wiz_msg + len, sizeof(a->wiz_msg) - len, "Step 5 of 5: login as %s to %s: ok\n",
                 a->wiz_user, a->wiz_uri);
    else
        snprintf(a->wiz_msg + len, sizeof(a->wiz_msg) - len,
                 "Step 5 of 5: login as %s to %s FAILED: %s\n", a->wiz_user, a->wiz_uri, err.msg);
    set_status(a, VT_ROLE_STATUS, "set-up finished: the result is on the screen");
    a->wiz_follow = true;
    wiz_end(a);
    a->wiz_step = 5;
}

static void user_result(vt_app *a, const char *what, int rc, const vt_err *err)
{
    if (rc < 0)
        set_status(a, VT_ROLE_STATUS_ERROR, "%s", err->msg);
    else
        set_status(a, VT_ROLE_STATUS, "%s %s", what, a->wiz_user);
    remote_refresh(a);
}

/* An answer of MODAL_ASK: the users' and the set-up's next step. */
static void ask_done(vt_app *a)
{
    vt_sasl_opts o = sasl_opts(a);
    vt_err err = { { 0 } };
    const char *v = a->ask_in.buf;
    size_t len;
    int rc;

    a->modal = MODAL_NONE;
    switch (a->ask_kind) {
    case ASK_USER:
        if (!vt_sasl_user_ok(v)) {
            set_status(a, VT_ROLE_STATUS_ERROR, "\"%s\" is not a SASL user name (no '@', ':' or blanks)", v);
            wiz_end(a);
            break;
        }
        snprintf(a->wiz_user, sizeof(a->wiz_user), "%s", v);
        ask(a, ASK_NEWPASS, "Password:", "", true);
        break;
    case ASK_NEWPASS:
        if (!a->ask_in.len) {
            set_status(a, VT_ROLE_STATUS_ERROR, "an empty password is not set; nothing was changed");
            wiz_end(a);
            break;
        }
        if (!a->wiz_pass) {
            a->wiz_pass = vt_calloc(1, PASS_MAX);
            mlock(a->wiz_pass, PASS_MAX);
        }
        snprintf(a->wiz_pass, PASS_MAX, "%s", v);
        vt_input_wipe(&a->ask_in);
        ask(a, ASK_NEWPASS2, "Again:", "", true);
        break;
    case ASK_NEWPASS2:
        if (!a->wiz_pass || strcmp(a->wiz_pass, v) != 0) {
            vt_input_wipe(&a->ask_in);
            set_status(a, VT_ROLE_STATUS_ERROR, "the passwords differ; nothing was changed");
            wiz_end(a);
            break;
        }
        vt_input_wipe(&a->ask_in);
        if (a->user_op == 'p') {
            rc = vt_sasl_passwd(&o, a->wiz_user, a->wiz_pass, strlen(a->wiz_pass), &err);
            user_result(a, "password changed for", rc, &err);
            wiz_end(a);
            break;
        }
        rc = vt_sasl_add(&o, a->wiz_user, a->wiz_pass, strlen(a->wiz_pass), &err);
        user_result(a, "added", rc, &err);
        if (a->user_op != 'w') {
            wiz_end(a);
            break;
        }
        len = strlen(a->wiz_msg);
        if (rc < 0) {
            snprintf(a->wiz_msg + len, sizeof(a->wiz_msg) - len, "Step 3 of 5: not added: %s\n", err.msg);
            wiz_end(a);
            break;
        }
        snprintf(a->wiz_msg + len, sizeof(a->wiz_msg) - len, "Step 3 of 5: user %s added to %s\n",
                 a->wiz_user, a->sasl_db);
        a->wiz_step = 4;
        ask(a, ASK_URI, "Step 4 of 5: after the restart, log in to:", a->wiz_plan.uri ? a->wiz_plan.uri : "",
            false);
        break;
    case ASK_URI:
        snprintf(a->wiz_uri, sizeof(a->wiz_uri), "%s", v);
        setup_verify(a);
        break;
    case ASK_LISTEN:
        snprintf(a->wiz_listen, sizeof(a->wiz_listen), "%s", v);
        setup_prepare(a, a->wiz_t);
        break;
    default:
        break;
    }
}

static void draw_remote(vt_app *a)
{
    pen p = { a->pad, 0, COLS, &a->th, a->scroll[SCR_REMOTE], a->scroll[SCR_REMOTE] + LINES };
    const vt_remote_status *s = &a->remote;
    const vt_conf *lc = s->virtproxyd_conf_path ? &s->virtproxyd : &s->ra.libvirtd;
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "auth_tcp", "auth_tls" };
    char buf[1100];

    werase(a->pad);
    draw_title(a, "remote access");
    heading(&p, s->virtproxyd_conf_path ? s->virtproxyd_conf_path
                : s->ra.libvirtd_conf_path ? s->ra.libvirtd_conf_path : "libvirtd.conf");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        field(&p, keys[i], vt_conf_get(lc, keys[i]) ? vt_conf_get(lc, keys[i]) : "(default)", VT_ROLE_NORMAL);
    for (size_t i = 0; i < s->nsockets; i++)
        field(&p, "socket unit", s->sockets[i], VT_ROLE_NORMAL);
    heading(&p, "SASL");
    field(&p, "mech_list", vt_conf_get(&s->ra.sasl, "mech_list") ? vt_conf_get(&s->ra.sasl, "mech_list")
                                                                   : "(not set)", VT_ROLE_NORMAL);
    snprintf(buf, sizeof(buf), "%s%s", s->sasldb_path ? s->sasldb_path : "?",
             !s->sasldb_present ? " (not created yet)" : "");
    field(&p, "sasldb_path", buf, VT_ROLE_NORMAL);
    if (s->sasldb_present) {
        snprintf(buf, sizeof(buf), "%04o%s", s->sasldb_mode, s->sasldb_world_readable ? "  readable by everyone" : "");
        field(&p, "mode", buf, s->sasldb_world_readable ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL);
    }
    if (s->nfindings) {
        heading(&p, "Findings");
        for (size_t i = 0; i < s->nfindings; i++)
            /* wrapped: a finding's fix is at its end, where 80 columns cut it */
            wrapped(&p, s->findings[i].severity == VT_RSEV_FAIL ? VT_ROLE_VALUE_BAD :
                    s->findings[i].severity == VT_RSEV_WARN ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM,
                    s->findings[i].severity == VT_RSEV_FAIL ? "FAIL " :
                    s->findings[i].severity == VT_RSEV_WARN ? "WARN " : "info ", s->findings[i].text);
    }
    snprintf(buf, sizeof(buf), "SASL users (%zu): %s adds, %s changes a password, %s deletes", a->nusers,
             key_of(a, VT_ACT_USER_ADD), key_of(a, VT_ACT_USER_PASSWD), key_of(a, VT_ACT_USER_DELETE));
    heading(&p, buf);
    if (!a->nusers)
        line(&p, VT_ROLE_DIM, "none");
    for (size_t i = 0; i < a->nusers; i++)
        line(&p, i == a->user_sel ? VT_ROLE_SELECTION : VT_ROLE_NORMAL, "%s %s@%s",
             i == a->user_sel ? ">" : " ", a->users[i].user, a->users[i].realm);
    if (a->wiz_step || a->wiz_msg[0]) {
        heading(&p, a->wiz_step == 2 ? "Set-up, step 2 of 5: nothing written yet (Enter writes, Esc cancels)"
                                     : "Set-up");
        /* diff lines as diffs; the steps' words wrapped, errors and fixes read whole */
        for (const char *q = a->wiz_msg; *q;) {
            const char *nl = strchr(q, '\n');
            size_t n = nl ? (size_t)(nl - q) : strlen(q);
            char *one = vt_strndup(q, n);
            if (strchr("+-@ ", *one) && *one)
                text_lines(&p, one, "  ", true);
            else
                wrapped(&p, strstr(one, "FAILED") ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL, "  ", one);
            free(one);
            q += n + (nl ? 1 : 0);
        }
    } else {
        line(&p, VT_ROLE_DIM, "%s: guided set-up (transport, files, first user, restart, verified login)",
             key_of(a, VT_ACT_SETUP));
    }
    if (a->wiz_follow) {
        a->wiz_follow = false;
        a->scroll[SCR_REMOTE] = p.y > LINES - 3 ? p.y - (LINES - 3) : 0;
    }
    draw_status(a);
    draw_footer(a, VT_SCR_REMOTE);
    draw_pad(a, 1, LINES - 3, p.y);
}

/* Enter on a finding: the VM's panel where it lives, or the host screen */
static void advice_jump(vt_app *a)
{
    static const struct { const char *name; panel_id panel; } map[] = {
        { "iothreads", PANEL_IOTHREADS }, { "memory", PANEL_MEMORY }, { "security", PANEL_SECURITY },
        { "disks", PANEL_DISKS }, { "network", PANEL_NETWORK }, { "agent", PANEL_AGENT },
    };
    const vt_advice *f;
    vt_domain *d;

    if (a->advice_sel >= a->advice.n)
        return;
    f = &a->advice.items[a->advice_sel];
    if (!f->vm || !(d = vt_conn_find_name(a->c, f->vm))) {
        open_screen(a, SCR_HOST);
        return;
    }
    snprintf(a->detail_uuid, sizeof(a->detail_uuid), "%s", d->uuid);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (f->panel && strcmp(f->panel, map[i].name) == 0)
            a->tabs.active = map[i].panel;
    open_screen(a, SCR_DETAIL);
}

/* f: the finding's fix goes into the staged set like any other edit */
static void advice_fix(vt_app *a)
{
    vt_changeset cs = { 0 };
    vt_err err = { { 0 } };
    const vt_advice *f;
    size_t n;

    if (a->advice_sel >= a->advice.n)
        return;
    f = &a->advice.items[a->advice_sel];
    if (!f->fix) {
        set_status(a, VT_ROLE_STATUS, "no plan line fixes \"%s\"", f->summary);
        return;
    }
    if (vt_plan_parse(f->fix, &cs, &err) < 0) {
        set_status(a, VT_ROLE_STATUS_ERROR, "the fix does not parse: %s", err.msg);
        return;
    }
    n = cs.n;
    for (size_t i = 0; i < cs.n; i++)
        stage_edit(a, &cs.edits[i]);
    vt_changeset_clear(&cs);
    set_status(a, VT_ROLE_STATUS, "staged the %s fix (%zu edit%s): %s reviews and applies", f->topic, n,
               n == 1 ? "" : "s", key_of(a, VT_ACT_REVIEW));
}

static void do_apply(vt_app *a)
{
    vt_err err = { { 0 } };
    const char *log = a->opts && a->opts->log_path ? a->opts->log_path : vt_apply_log_path();
    size_t i, nsteps;

    /* the snapshot the steps come from must be fresh: a define made
       elsewhere since staging is then a conflict, not a silent overwrite */
    do_refresh(a);
    if (!a->connected) {
        set_status(a, VT_ROLE_STATUS_ERROR, "disconnected from %s: nothing applied; the staged edits are kept",
                   a->c->uri);
        return;
    }
    review_prepare(a);
    if (!a->plan_ok) {
        set_status(a, VT_ROLE_STATUS_ERROR, "not applied: %s", a->plan_err);
        return;
    }
    free(a->outcome);
    a->outcome = NULL;
    nsteps = a->plan.nsteps;
    /* a staged revert is logged as one: --revert-last then walks further back */
    free(a->plan.reverts);
    a->plan.reverts = vt_strdup(a->reverts);
    if (vt_apply_run(a->c, &a->plan, a->opts ? a->opts->log_path : NULL, NULL, NULL, &err) < 0) {
        a->outcome = vt_apply_outcome(&a->plan);
        snprintf(a->outcome_head, sizeof(a->outcome_head), "Last apply: FAILED, undone where possible; logged to %s", log);
        set_status(a, VT_ROLE_STATUS_ERROR, "apply failed, staged edits kept: %s", err.msg);
        for (i = 0; i < a->c->ndoms; i++)
            a->c->doms[i]->dirty = true;
        do_refresh(a);
        return;
    }
    a->outcome = vt_apply_outcome(&a->plan);
    snprintf(a->outcome_head, sizeof(a->outcome_head), "Last apply: done, logged to %s", log);
    /* the test driver sends no events for every change: fetch the edited
       VMs again so the screens show what is now there */
    for (i = 0; i < a->staged.n; i++) {
        vt_domain *d = a->staged.edits[i].vm ? vt_conn_find_name(a->c, a->staged.edits[i].vm) : NULL;
        if (d)
            d->dirty = true;
    }
    drop_all_staged(a);
    vt_applyplan_clear(&a->plan);
    memset(&a->plan, 0, sizeof(a->plan));
    a->plan_ok = false;
    a->review_sel = 0;
    do_refresh(a);
    set_status(a, VT_ROLE_STATUS, "applied %zu step%s", nsteps, nsteps == 1 ? "" : "s");
}

/* Write the staged set as a plan file, atomically (an interrupted save
 * never leaves half a plan), never through a symbolic link. */
static void save_plan(vt_app *a, const char *path)
{
    VT_AUTOFREE char *text = vt_plan_format(&a->staged);
    vt_err err = { { 0 } };

    if (vt_write_file_atomic(path, text, &err) < 0) {
        set_status(a, VT_ROLE_STATUS_ERROR, "not saved: %s", err.msg);
        return;
    }
    set_status(a, VT_ROLE_STATUS, "saved %zu staged edit%s to %s", a->staged.n, a->staged.n == 1 ? "" : "s", path);
}

/* ---- the recovery file ---- */

/* Keep the file equal to the staged set: called once per turn of the
 * loop, it writes only when the set (or a VM it names) changed, and
 * removes the file when nothing is staged. */
static void recovery_sync(vt_app *a)
{
    VT_AUTOFREE char *plan = NULL;
    char *sig;
    vt_err err = { { 0 } };
    size_t i;

    if (!a->recovery_path || a->recovered.n)
        return;
    plan = vt_plan_format(&a->staged);
    sig = vt_asprintf("%zu\n%s", a->staged.n, plan);
    for (i = 0; i < a->bases.n; i++) {
        char *more = vt_asprintf("%s%s %s\n", sig, a->bases.uuids[i], a->bases.names[i]);
        free(sig);
        sig = more;
    }
    if (a->recovery_sig && strcmp(sig, a->recovery_sig) == 0) {
        free(sig);
        return;
    }
    if (vt_recovery_save(a->recovery_path, a->opts->recovery_key, &a->staged, &a->bases, &err) < 0) {
        if (!a->recovery_failed)
            set_status(a, VT_ROLE_STATUS_ERROR, "staged edits not kept on disk: %s", err.msg);
        a->recovery_failed = true;
        free(sig);
        return;
    }
    a->recovery_failed = false;
    free(a->recovery_sig);
    a->recovery_sig = sig;
}

static void recovery_release(vt_app *a)
{
    vt_recovery_release(a->recovery_path, a->recovery_lock);
    a->recovery_lock = -1;
    free(a->recovery_path);
    a->recovery_path = NULL;
    free(a->recovery_sig);
    a->recovery_sig = NULL;
}

/* A file of this console's own for its staged edits: one that no other
 * console holds and that holds nothing left behind. */
static void recovery_claim_empty(vt_app *a)
{
    vt_err err = { { 0 } };

    recovery_release(a);
    a->recovery_path = vt_recovery_claim(a->opts->recovery_key, false, &a->recovery_lock, &err);
    if (!a->recovery_path)
        set_status(a, VT_ROLE_STATUS_ERROR, "staged edits not kept on disk: %s", err.msg);
}

/* At start: edits a console on this host left behind are offered. A
 * console still running on the same URI holds its file: not offered. */
static void recovery_offer(vt_app *a)
{
    vt_err err = { { 0 } };
    int r;

    if (!a->opts->recovery_key)
        return;
    a->recovery_path = vt_recovery_claim(a->opts->recovery_key, true, &a->recovery_lock, &err);
    if (!a->recovery_path) {
        set_status(a, VT_ROLE_STATUS_ERROR, "staged edits not kept on disk: %s", err.msg);
        return;
    }
    r = vt_recovery_load(a->recovery_path, a->opts->recovery_key, &a->recovered, &a->recovered_bases,
                         &a->recovered_at, &err);
    if (r < 0) {
        /* never overwrite what we cannot read: it stays, we use another */
        recovery_claim_empty(a);
        set_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
        return;
    }
    if (r == 0)
        return;
    if (a->staged.n) {
        /* --plan: its edits are staged; the earlier ones stay on disk */
        set_status(a, VT_ROLE_STATUS_ERROR, "%zu staged edit%s of an earlier console left in %s (not "
                   "restored: --plan given)", a->recovered.n, a->recovered.n == 1 ? "" : "s", a->recovery_path);
        vt_changeset_clear(&a->recovered);
        vt_bases_clear(&a->recovered_bases);
        {
            char keep[512];
            snprintf(keep, sizeof(keep), "%s", a->status);
            recovery_claim_empty(a);
            if (a->recovery_path)
                set_status(a, VT_ROLE_STATUS_ERROR, "%s", keep);
        }
        return;
    }
    open_dialog(a, DLG_RECOVER, "Recover", "Restore",
                "An earlier console on this host ended with %zu staged\nedit%s not applied (last staged %s).\n"
                "Restore %s for review, or discard %s?\n(Esc: decide later, the file stays)",
                a->recovered.n, a->recovered.n == 1 ? "" : "s",
                a->recovered_at ? a->recovered_at : "at an unknown time", a->recovered.n == 1 ? "it" : "them",
                a->recovered.n == 1 ? "it" : "them");
    a->dlg.buttons[1] = "Discard";
    a->dlg.focus = 0;   /* restoring only stages them: the safe answer */
}

/* 0 Restore, 1 Discard, -2 (Esc) later. */
static void recovery_answer(vt_app *a, int r)
{
    vt_err err = { { 0 } };
    size_t i, n = a->recovered.n;

    a->modal = MODAL_NONE;
    if (r == 0) {
        vt_changeset_clear(&a->staged);
        a->staged = a->recovered;
        memset(&a->recovered, 0, sizeof(a->recovered));
        /* the name and definition (fingerprint) each VM had then: a VM
           renamed, replaced or redefined since is a conflict in the review */
        vt_bases_clear(&a->bases);
        for (i = 0; i < a->recovered_bases.n; i++) {
            /* a file without fingerprints: the definition as it is now */
            vt_domain *d = vt_conn_find_uuid(a->c, a->recovered_bases.uuids[i]);
            const char *base = a->recovered_bases.xml[i];
            vt_bases_set(&a->bases, a->recovered_bases.uuids[i], a->recovered_bases.names[i],
                         *base ? base : d && d->config_xml ? d->config_xml : "");
        }
        open_review(a);
        a->review_back = SCR_LIST;
        set_status(a, VT_ROLE_STATUS, "restored %zu staged edit%s from %s", n, n == 1 ? "" : "s",
                   a->recovery_path);
    } else if (r == 1) {
        vt_changeset_clear(&a->recovered);
        if (vt_recovery_discard(a->recovery_path, &err) < 0)
            set_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
        else
            set_status(a, VT_ROLE_STATUS, "discarded %zu staged edit%s of the earlier console", n,
                       n == 1 ? "" : "s");
    } else {
        char keep[512];
        vt_changeset_clear(&a->recovered);
        snprintf(keep, sizeof(keep), "left for later (offered at the next start) in %s", a->recovery_path);
        /* this console's own edits go to a file of their own */
        recovery_claim_empty(a);
        if (a->recovery_path)
            set_status(a, VT_ROLE_STATUS, "%s", keep);
    }
    vt_bases_clear(&a->recovered_bases);
}

/* ---- keys while a modal has the keyboard; true = quit ---- */

static bool dialog_answer(vt_app *a, bool yes)
{
    dialog_kind k = a->dlg_kind;

    a->modal = MODAL_NONE;
    switch (k) {
    case DLG_STAGE:
        if (!yes) {
            a->modal = MODAL_EDIT;
            break;
        }
        if (a->pending.n == 1) {
            VT_AUTOFREE char *t = vt_edit_format(&a->pending.edits[0]);
            bool replaced = staged_find_knob(a, &a->pending.edits[0]) >= 0;
            stage_edit(a, &a->pending.edits[0]);
            set_status(a, VT_ROLE_STATUS, "%s: %s", replaced ? "replaced" : "staged", t);
        }
        vt_changeset_clear(&a->pending);
        if (a->screen == SCR_REVIEW)
            review_prepare(a);
        break;
    case DLG_APPLY:
        if (yes)
            do_apply(a);
        break;
    case DLG_QUIT:
        if (yes)
            drop_all_staged(a);   /* lost on purpose: the recovery file goes too */
        return yes;
    case DLG_DROP_ALL:
        if (yes) {
            size_t n = a->staged.n;
            drop_all_staged(a);
            a->review_sel = 0;
            review_prepare(a);
            set_status(a, VT_ROLE_STATUS, "dropped %zu staged edit%s", n, n == 1 ? "" : "s");
        }
        break;
    case DLG_OVERWRITE:
        if (yes)
            save_plan(a, a->save_path);
        else
            set_status(a, VT_ROLE_STATUS, "not saved: %s exists", a->save_path);
        break;
    case DLG_TRANSPORT:      /* answered by index in modal_key */
        break;
    case DLG_DEPRECATED:
        if (yes)
            setup_ask_listen(a, VT_SETUP_TCP_DIGEST);
        else
            set_status(a, VT_ROLE_STATUS, "set-up cancelled: nothing was written");
        break;
    case DLG_SETUP_WRITE:
        if (yes)
            setup_write(a);
        else
            set_status(a, VT_ROLE_STATUS, "nothing written: %s cancels the set-up", key_of(a, VT_ACT_BACK));
        break;
    case DLG_RECOVER:        /* answered in modal_key */
        break;
    case DLG_USER_DELETE:
        if (yes && a->user_sel < a->nusers) {
            vt_sasl_opts o = sasl_opts(a);
            vt_sasl_opts r = o;
            vt_err err = { { 0 } };
            int rc;
            r.realm = a->users[a->user_sel].realm;
            snprintf(a->wiz_user, sizeof(a->wiz_user), "%s", a->users[a->user_sel].user);
            rc = vt_sasl_delete(&r, a->wiz_user, &err);
            user_result(a, "deleted", rc, &err);
        }
        break;
    case DLG_LAST:
        break;
    }
    return false;
}

static bool modal_key(vt_app *a, int is_key, wint_t ch)
{
    vt_input_state st;
    int r;

    switch (a->modal) {
    case MODAL_FORMS:
        if (is_key && ch == KEY_UP && a->form_sel > 0)
            a->form_sel--;
        else if (is_key && ch == KEY_DOWN && a->form_sel + 1 < a->nforms)
            a->form_sel++;
        else if (!is_key && (ch == 'k' || ch == 'j')) {
            if (ch == 'k' && a->form_sel > 0)
                a->form_sel--;
            if (ch == 'j' && a->form_sel + 1 < a->nforms)
                a->form_sel++;
        } else if ((!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER))
            open_edit(a, a->forms[a->form_sel]);
        else if (!is_key && ch == 27)
            a->modal = MODAL_NONE;
        break;
    case MODAL_EDIT:
        if (vt_config_lookup(&a->cfg, (int)ch) == VT_ACT_PICK_CPUS && (is_key || ch < 0x20)) {
            open_picker(a);
            break;
        }
        st = vt_input_key(&a->edit_in, is_key, ch);
        if (st == VT_INPUT_CANCELLED) {
            a->modal = MODAL_NONE;
            vt_changeset_clear(&a->pending);
        } else if (st == VT_INPUT_DONE) {
            open_stage_confirm(a);
        }
        break;
    case MODAL_GRID:
        picker_key(a, is_key, ch);
        break;
    case MODAL_DIALOG:
        r = vt_dialog_key(&a->dlg, is_key, ch);
        if (a->dlg_kind == DLG_RECOVER) {
            if (r != -1)
                recovery_answer(a, r);
            break;
        }
        if (a->dlg_kind == DLG_TRANSPORT && r != -1) {
            a->modal = MODAL_NONE;
            if (r == 0 || r == 1)
                setup_ask_listen(a, r == 0 ? VT_SETUP_TLS_SCRAM : VT_SETUP_TCP_GSSAPI);
            else if (r == 2)
                open_dialog(a, DLG_DEPRECATED, "digest-md5", "Use it",
                            "digest-md5 is deprecated (RFC 6331) and weak.\n"
                            "It is the guide's example and works on plain TCP.\n"
                            "TLS+SCRAM is the secure choice. Use digest-md5 anyway?");
            else
                set_status(a, VT_ROLE_STATUS, "set-up cancelled: nothing was written");
            break;
        }
        if (r == -2)
            return dialog_answer(a, false);
        if (r >= 0)
            return dialog_answer(a, r == 0);
        break;
    case MODAL_SAVE:
        st = vt_input_key(&a->save_in, is_key, ch);
        if (st == VT_INPUT_CANCELLED) {
            a->modal = MODAL_NONE;
        } else if (st == VT_INPUT_DONE) {
            a->modal = MODAL_NONE;
            snprintf(a->save_path, sizeof(a->save_path), "%s", a->save_in.buf);
            if (access(a->save_path, F_OK) == 0)
                open_dialog(a, DLG_OVERWRITE, "File exists", "Replace", "%s already exists.\nReplace it?",
                            a->save_path);
            else
                save_plan(a, a->save_path);
        }
        break;
    case MODAL_ASK:
        st = vt_input_key(&a->ask_in, is_key, ch);
        if (st == VT_INPUT_CANCELLED) {
            vt_input_wipe(&a->ask_in);
            a->modal = MODAL_NONE;
            if (a->ask_kind == ASK_LISTEN) {
                wiz_end(a);
                set_status(a, VT_ROLE_STATUS, "set-up cancelled: nothing was written");
                break;
            }
            if (a->user_op == 'w') {
                size_t len = strlen(a->wiz_msg);
                snprintf(a->wiz_msg + len, sizeof(a->wiz_msg) - len, "Set-up stopped at step %d.\n",
                         a->wiz_step);
            }
            wiz_end(a);
            set_status(a, VT_ROLE_STATUS, "cancelled");
        } else if (st == VT_INPUT_DONE) {
            ask_done(a);
        }
        break;
    case MODAL_NONE:
    case MODAL_LAST:
        break;
    }
    return false;
}

static int validate_path(void *ctx, const char *text, char *msg, size_t msgsz)
{
    (void)ctx;
    if (!*text) {
        snprintf(msg, msgsz, "a file name, please");
        return -1;
    }
    return 0;
}


static void draw(vt_app *a)
{
    int pass;

    werase(stdscr);
    a->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
    if (a->too_small) {
        char buf[128];
        snprintf(buf, sizeof(buf), "terminal too small: %dx%d, needs %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
        vt_text_put(stdscr, 0, 0, buf, COLS, A_BOLD, 0);
        if (a->staged.n)
            snprintf(buf, sizeof(buf), "enlarge it: %zu staged edit%s not applied", a->staged.n,
                     a->staged.n == 1 ? " is" : "s are");
        else
            snprintf(buf, sizeof(buf), "enlarge it, or q to quit");
        vt_text_put(stdscr, 1, 0, buf, COLS, A_NORMAL, 0);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    for (pass = 0; pass < 2; pass++) {
        int before = a->scroll[a->screen];
        switch (a->screen) {
        case SCR_LIST: draw_list(a); break;
        case SCR_DETAIL: draw_detail(a); break;
        case SCR_HOST: draw_host(a); break;
        case SCR_HELP: draw_help(a); break;
        case SCR_REVIEW: draw_review(a); break;
        case SCR_ADVICE: draw_advice(a); break;
        case SCR_REMOTE: draw_remote(a); break;
        case SCR_LAST: break;
        }
        /* a clamped scroll shows lines the first pass did not draw */
        if (a->scroll[a->screen] == before)
            break;
    }
    /* over the pad: only the cells the box covers are copied again */
    if (a->modal != MODAL_NONE) {
        draw_modal(a);
        wnoutrefresh(stdscr);
    }
    doupdate();
}

/* ---- input ---- */

static void open_screen(vt_app *a, screen_id s)
{
    if (a->screen != s)
        a->back_to = a->screen == SCR_HELP ? a->back_to : a->screen;
    a->screen = s;
    a->scroll[s] = s == SCR_DETAIL ? 0 : a->scroll[s];
}

static void scroll_by(vt_app *a, int n)
{
    a->scroll[a->screen] += n;
    if (a->scroll[a->screen] < 0)
        a->scroll[a->screen] = 0;
}

static bool handle_action(vt_app *a, vt_action act)
{
    int page = LINES - 5;

    switch (act) {
    case VT_ACT_QUIT:
        if (!a->staged.n)
            return true;
        open_dialog(a, DLG_QUIT, "Quit", "Quit", "%zu staged edit%s not applied.\nQuit and lose %s?",
                    a->staged.n, a->staged.n == 1 ? " is" : "s are", a->staged.n == 1 ? "it" : "them");
        break;
    case VT_ACT_EDIT: {
        vt_domain *d = detail_domain(a);
        if (a->screen == SCR_HOST) {
            if (a->c->remote) {
                set_status(a, VT_ROLE_STATUS, "a remote host's sysfs is not ours: only its huge page "
                           "pools go through libvirt (type: host hugepages SIZE COUNT)");
            }
            a->edit_vm[0] = '\0';
            build_host_forms(a);
            a->modal = MODAL_FORMS;
            break;
        }
        if (a->screen != SCR_DETAIL || !d)
            break;
        snprintf(a->edit_vm, sizeof(a->edit_vm), "%s", d->name ? d->name : d->uuid);
        build_forms(a, d, (panel_id)a->tabs.active);
        if (!a->nforms)
            set_status(a, VT_ROLE_STATUS, "nothing to stage on the %s panel: the IOThreads, Memory, "
                       "Security and Disks panels have edits", panel_names[a->tabs.active]);
        else
            a->modal = MODAL_FORMS;
        break;
    }
    case VT_ACT_PICK_CPUS:
        break;   /* only inside a pin edit (modal_key) */
    case VT_ACT_REVERT_LAST: {
        vt_changeset cs = { 0 };
        vt_err err = { { 0 } };
        char *plan = NULL, *id = NULL;
        size_t n;
        if (a->screen != SCR_HOST)
            break;
        if (vt_apply_revert_plan(a->opts ? a->opts->log_path : NULL, &plan, &id, &err) < 0 ||
            vt_plan_parse(plan, &cs, &err) < 0) {
            set_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
            free(plan);
            free(id);
            break;
        }
        n = cs.n;
        for (size_t i = 0; i < cs.n; i++)
            stage_edit(a, &cs.edits[i]);
        vt_changeset_clear(&cs);
        free(a->reverts);
        a->reverts = id;
        free(plan);
        set_status(a, VT_ROLE_STATUS, "staged the revert of the last apply (%zu edit%s): %s reviews it",
                   n, n == 1 ? "" : "s", key_of(a, VT_ACT_REVIEW));
        break;
    }
    case VT_ACT_REVIEW:
        open_review(a);
        break;
    case VT_ACT_ADVICE:
        open_advice(a);
        break;
    case VT_ACT_REMOTE:
        open_remote(a);
        break;
    case VT_ACT_SETUP:
        if (a->screen == SCR_REMOTE)
            setup_start(a);
        break;
    case VT_ACT_USER_ADD:
        if (a->screen == SCR_REMOTE) {
            wiz_end(a);
            a->user_op = 'a';
            ask(a, ASK_USER, "New user:", "", false);
        }
        break;
    case VT_ACT_USER_PASSWD:
        if (a->screen == SCR_REMOTE && a->user_sel < a->nusers) {
            wiz_end(a);
            a->user_op = 'p';
            snprintf(a->wiz_user, sizeof(a->wiz_user), "%s", a->users[a->user_sel].user);
            ask(a, ASK_NEWPASS, "New password:", "", true);
        }
        break;
    case VT_ACT_USER_DELETE:
        if (a->screen == SCR_REMOTE && a->user_sel < a->nusers)
            open_dialog(a, DLG_USER_DELETE, "Delete user", "Delete", "Delete %s@%s from %s?\n"
                        "It can no longer log in to libvirt.", a->users[a->user_sel].user,
                        a->users[a->user_sel].realm, a->sasl_db);
        break;
    case VT_ACT_FIX:
        if (a->screen == SCR_ADVICE)
            advice_fix(a);
        break;
    case VT_ACT_APPLY:
        if (a->screen != SCR_REVIEW)
            break;
        if (!a->staged.n) {
            set_status(a, VT_ROLE_STATUS, "nothing staged to apply");
        } else if (!a->connected) {
            set_status(a, VT_ROLE_STATUS_ERROR, "disconnected from %s: nothing applied; the staged edits are "
                       "kept until it is back", a->c->uri);
        } else if (refresh_slow(a)) {
            set_status(a, VT_ROLE_STATUS_ERROR, "nothing applied: no answer for %llds from %s; the staged "
                       "edits are kept", vt_conn_refresh_waited_ms(a->c) / 1000, a->c->uri);
        } else if (a->c->readonly) {
            set_status(a, VT_ROLE_STATUS_ERROR, "read-only connection: nothing applied (reconnect without -r)");
        } else if (!a->plan_ok) {
            set_status(a, VT_ROLE_STATUS_ERROR, "cannot apply: %s", a->plan_err);
        } else {
            size_t i, n[VT_EFFECT_LAST] = { 0 };
            for (i = 0; i < a->plan.nsteps; i++)
                if (a->plan.steps[i].effect < VT_EFFECT_LAST)
                    n[a->plan.steps[i].effect]++;
            open_dialog(a, DLG_APPLY, "Apply", "Apply",
                        "Apply %zu staged edit%s as %zu step%s to\n%s?\n"
                        "live now: %zu   at next start: %zu   needs restart: %zu",
                        a->staged.n, a->staged.n == 1 ? "" : "s", a->plan.nsteps,
                        a->plan.nsteps == 1 ? "" : "s", a->uri_label, n[VT_EFFECT_LIVE_NOW],
                        n[VT_EFFECT_NEXT_START], n[VT_EFFECT_NEEDS_RESTART]);
        }
        break;
    case VT_ACT_SAVE_PLAN:
        if (a->screen != SCR_REVIEW)
            break;
        if (!a->staged.n) {
            set_status(a, VT_ROLE_STATUS, "nothing staged to save");
            break;
        }
        vt_input_init(&a->save_in, a->save_path[0] ? a->save_path : "virt-tune.plan", validate_path, NULL);
        a->modal = MODAL_SAVE;
        break;
    case VT_ACT_DROP:
        if (a->screen == SCR_REVIEW && a->review_sel < a->staged.n) {
            VT_AUTOFREE char *t = vt_edit_format(&a->staged.edits[a->review_sel]);
            drop_staged(a, a->review_sel);
            if (a->review_sel >= a->staged.n && a->review_sel)
                a->review_sel--;
            review_prepare(a);
            set_status(a, VT_ROLE_STATUS, "dropped: %s", t);
        }
        break;
    case VT_ACT_DROP_ALL:
        if (a->screen == SCR_REVIEW && a->staged.n)
            open_dialog(a, DLG_DROP_ALL, "Drop all", "Drop all", "Drop all %zu staged edit%s?", a->staged.n,
                        a->staged.n == 1 ? "" : "s");
        break;
    case VT_ACT_HELP:
        open_screen(a, SCR_HELP);
        break;
    case VT_ACT_HOST:
        open_screen(a, SCR_HOST);
        break;
    case VT_ACT_BACK:
        if (a->screen == SCR_LIST && a->filter[0]) {
            a->filter[0] = '\0';
            rebuild_rows(a);
        } else if (a->screen == SCR_HELP) {
            a->screen = a->back_to;
        } else if (a->screen == SCR_REMOTE && a->wiz_step) {
            wiz_end(a);
            a->wiz_msg[0] = '\0';
            set_status(a, VT_ROLE_STATUS, "set-up cancelled: nothing was written");
        } else if (a->screen == SCR_REMOTE) {
            a->wiz_msg[0] = '\0';
            a->screen = SCR_HOST;
        } else if (a->screen == SCR_REVIEW) {
            a->screen = a->review_back == SCR_REVIEW || a->review_back == SCR_HELP ? SCR_LIST : a->review_back;
        } else if (a->screen != SCR_LIST) {
            a->screen = a->screen == SCR_DETAIL || a->back_to == SCR_DETAIL ? SCR_LIST : a->back_to;
            if (a->screen == SCR_HOST)
                a->screen = SCR_LIST;
        }
        break;
    case VT_ACT_REFRESH:
        a->retry_at = 0;    /* disconnected: try now, the back-off goes on */
        if (refresh_bounded(a, RECONNECT_WAIT_MS) && a->screen == SCR_REVIEW)
            review_prepare(a);
        clearok(curscr, TRUE);
        break;
    case VT_ACT_UP: case VT_ACT_DOWN: case VT_ACT_PAGE_UP: case VT_ACT_PAGE_DOWN:
    case VT_ACT_TOP: case VT_ACT_BOTTOM: {
        long d = act == VT_ACT_UP ? -1 : act == VT_ACT_DOWN ? 1 : act == VT_ACT_PAGE_UP ? -page :
                 act == VT_ACT_PAGE_DOWN ? page : act == VT_ACT_TOP ? -1000000L : 1000000L;
        if (a->screen == SCR_LIST)
            vt_table_move(&a->table, d, row_id, a);
        else if (a->screen == SCR_REMOTE && (act == VT_ACT_UP || act == VT_ACT_DOWN) && a->nusers &&
                 !a->wiz_step) {
            if (act == VT_ACT_UP && a->user_sel > 0)
                a->user_sel--;
            if (act == VT_ACT_DOWN && a->user_sel + 1 < a->nusers)
                a->user_sel++;
        } else if (a->screen == SCR_ADVICE && a->advice.n) {
            long to = (long)a->advice_sel + d;
            a->advice_sel = to < 0 ? 0 : to >= (long)a->advice.n ? a->advice.n - 1 : (size_t)to;
        } else if (a->screen == SCR_REVIEW && (act == VT_ACT_UP || act == VT_ACT_DOWN) && a->staged.n) {
            if (act == VT_ACT_UP && a->review_sel > 0)
                a->review_sel--;
            if (act == VT_ACT_DOWN && a->review_sel + 1 < a->staged.n)
                a->review_sel++;
        } else
            scroll_by(a, (int)(d > 100000 ? 100000 : d < -100000 ? -100000 : d));
        break;
    }
    case VT_ACT_OPEN:
        if (a->screen == SCR_ADVICE) {
            advice_jump(a);
            break;
        }
        if (a->screen == SCR_REMOTE) {
            if (a->wiz_step == 2)
                open_dialog(a, DLG_SETUP_WRITE, "Write", "Write", "Write the %zu files shown\n"
                            "(each old one kept as .virt-tune-DATE)?", a->wiz_plan.nfiles);
            break;
        }
        if (a->screen == SCR_LIST && a->nrows) {
            snprintf(a->detail_uuid, sizeof(a->detail_uuid), "%s", a->rows[a->table.sel]->uuid);
            open_screen(a, SCR_DETAIL);
        }
        break;
    case VT_ACT_NEXT_PANEL:
    case VT_ACT_PREV_PANEL:
        if (a->screen == SCR_DETAIL) {
            a->tabs.active = (a->tabs.active + (act == VT_ACT_NEXT_PANEL ? 1 : PANEL_LAST - 1)) % PANEL_LAST;
            a->scroll[SCR_DETAIL] = 0;
        }
        break;
    case VT_ACT_FILTER:
        if (a->screen == SCR_LIST) {
            a->filtering = true;
            vt_input_init(&a->filter_in, a->filter, NULL, NULL);
        }
        break;
    case VT_ACT_SORT:
    case VT_ACT_SORT_REVERSE:
        if (a->screen == SCR_LIST) {
            if (act == VT_ACT_SORT)
                a->sort_col = (a->sort_col + 1) % COL_LAST;
            else
                a->sort_desc = !a->sort_desc;
            rebuild_rows(a);
            set_status(a, VT_ROLE_STATUS, "sorted by %s%s", list_cols[a->sort_col].title,
                       a->sort_desc ? " (descending)" : "");
        }
        break;
    case VT_ACT_LAST:
    case VT_ACT_NONE:
        break;
    }
    return false;
}

static void handle_mouse(vt_app *a)
{
    MEVENT ev;

    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & (BUTTON4_PRESSED)) {
        handle_action(a, VT_ACT_UP);
        return;
    }
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED) {
        handle_action(a, VT_ACT_DOWN);
        return;
    }
#endif
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED)))
        return;
    if (a->screen == SCR_LIST && ev.y >= 1 && ev.y < LINES - 2) {
        long row = vt_table_row_at(&a->table, ev.y - 1);
        if (ev.y == 1) {
            WINDOW *w = derwin(stdscr, LINES - 3, COLS, 1, 0);
            int col = w ? vt_table_col_at(&a->table, w, ev.x) : -1;
            if (w)
                delwin(w);
            if (col >= 0) {
                if (col == a->sort_col)
                    a->sort_desc = !a->sort_desc;
                a->sort_col = col;
                rebuild_rows(a);
            }
        } else if (row >= 0) {
            bool again = (size_t)row == a->table.sel;
            vt_table_select(&a->table, (size_t)row, row_id, a);
            if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) || (again && (ev.bstate & BUTTON1_CLICKED)))
                handle_action(a, VT_ACT_OPEN);
        }
    } else if (a->screen == SCR_DETAIL && ev.y == 1) {
        int t = vt_tabs_hit(&a->tabs, ev.y, ev.x);
        if (t >= 0) {
            a->tabs.active = (size_t)t;
            a->scroll[SCR_DETAIL] = 0;
        }
    }
}

static void handle_filter_key(vt_app *a, int is_key, wint_t ch)
{
    vt_input_state st = vt_input_key(&a->filter_in, is_key, ch);

    if (st == VT_INPUT_CANCELLED) {
        a->filtering = false;
        a->filter[0] = '\0';
    } else if (st == VT_INPUT_DONE) {
        a->filtering = false;
    }
    if (st != VT_INPUT_CANCELLED)
        snprintf(a->filter, sizeof(a->filter), "%s", a->filter_in.buf);
    rebuild_rows(a);
}

/* ---- set-up ---- */

static int load_config(vt_app *a, const char *path)
{
    vt_err err = { { 0 } };
    char *text;
    VT_AUTOFREE char *dflt = NULL;

    memset(&a->cfg, 0, sizeof(a->cfg));
    a->cfg.color = -1;
    if (vt_config_parse(vt_default_config, &a->cfg, &err) < 0) {
        fprintf(stderr, "virt-tune: built-in config: %s\n", err.msg);
        return -1;
    }
    if (!path) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            dflt = vt_asprintf("%s/virt-tune/config", xdg);
        else if (home && *home)
            dflt = vt_asprintf("%s/.config/virt-tune/config", home);
        path = dflt;
    }
    if (!path || access(path, F_OK) != 0)
        return 0;
    if (!(text = vt_read_file(path, 1 << 20, &err))) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        return -1;
    }
    if (vt_config_parse(text, &a->cfg, &err) < 0) {
        fprintf(stderr, "virt-tune: %s: %s\n", path, err.msg);
        free(text);
        return -1;
    }
    free(text);
    return 0;
}

int vt_app_run(const vt_app_opts *o, volatile sig_atomic_t *stop)
{
    vt_app *a = vt_calloc(1, sizeof(*a));
    vt_err err = { { 0 } };
    const char *theme;
    bool color, started = false;
    FILE *trace = NULL;
    long long key_t0 = 0;
    int last_key = 0;
    int rc = 1;
    size_t i;

    a->c = o->conn;
    a->opts = o;
    a->refresh_ms = o->refresh_ms > 0 ? o->refresh_ms : 2000;
    a->uri_label = o->uri_label ? o->uri_label : o->conn->uri;
    a->connected = true;
    a->recovery_lock = -1;
    a->sort_col = COL_NAME;
    if (load_config(a, o->config_path) < 0)
        goto out;
    theme = o->theme ? o->theme : a->cfg.theme[0] ? a->cfg.theme : "default";
    color = o->color >= 0 ? o->color : a->cfg.color >= 0 ? a->cfg.color : 1;
    if (getenv("NO_COLOR") && *getenv("NO_COLOR") && o->color < 0)
        color = false;
    if (strcmp(theme, "mono") == 0)
        color = false;
    if (vt_theme_load(o->themes_dir ? o->themes_dir : vt_themes_dir(), theme, &a->th, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        goto out;
    }

    /* --plan: a plan that cannot be read or parsed ends us here, before
       curses has touched the terminal */
    if (o->plan_path) {
        char *text = vt_read_file(o->plan_path, 1 << 20, &err);
        if (!text) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);   /* names the file */
            goto out;
        }
        if (vt_plan_parse(text, &a->staged, &err) < 0) {
            fprintf(stderr, "virt-tune: %s: %s\n", o->plan_path, err.msg);
            free(text);
            goto out;
        }
        free(text);
    }

    vt_table_init(&a->table, list_cols, COL_LAST);
    for (i = 0; i < PANEL_LAST; i++)
        a->tabs.labels[i] = panel_names[i];
    a->tabs.n = PANEL_LAST;

    do_refresh(a);
    if (o->plan_path) {
        /* the bases are the definitions as they are now: the plan was
           written against what the file's author saw, which we cannot know */
        for (i = 0; i < a->staged.n; i++) {
            vt_domain *d = a->staged.edits[i].vm ? vt_conn_find_name(a->c, a->staged.edits[i].vm)
                                                 : NULL;
            if (d && d->config_xml)
                vt_bases_set(&a->bases, d->uuid, d->name, d->config_xml);
        }
        open_review(a);
        a->review_back = SCR_LIST;
        set_status(a, VT_ROLE_STATUS, "%zu edit%s staged from %s", a->staged.n, a->staged.n == 1 ? "" : "s",
                   o->plan_path);
    }

    setlocale(LC_ALL, "");
    if (!initscr()) {
        fprintf(stderr, "virt-tune: cannot initialise the terminal\n");
        goto out;
    }
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(ALL_MOUSE_EVENTS, NULL);
    mouseinterval(200);
    vt_theme_apply(&a->th, color);
    /* No colour (NO_COLOR, --no-color, or the terminal has none): the mono
     * theme, whose attributes were chosen to be read without colour. */
    if (!a->th.color && strcmp(a->th.name, "mono") != 0) {
        vt_theme mono;
        if (vt_theme_load(o->themes_dir ? o->themes_dir : vt_themes_dir(), "mono", &mono, NULL) < 0)
            vt_theme_mono(&mono);
        a->th = mono;
        vt_theme_apply(&a->th, false);
    }
    started = true;
    a->pad = newpad(PAD_LINES, 512);

    {
        /* VT_TRACE_REDRAW=FILE: one line per key, microseconds from the key
         * read to the end of the redraw it caused (tests/bench). */
        const char *tp = getenv("VT_TRACE_REDRAW");
        if (tp && *tp)
            trace = fopen(tp, "a");
    }
    recovery_offer(a);
    for (;;) {
        wint_t ch;
        int r, wait;

        recovery_sync(a);
        if (*stop)
            break;
        if (vt_conn_refresh_running(a->c) || now_ms() >= a->next_refresh)
            refresh_bounded(a, 0);
        draw(a);
        if (trace && key_t0) {
            fprintf(trace, "%lld %d\n", now_us() - key_t0, last_key);
            fflush(trace);
            key_t0 = 0;
        }
        wait = (int)(a->next_refresh - now_ms());
        if (vt_conn_refresh_running(a->c))
            wait = 20;   /* look for its end between keys */
        timeout(wait > 0 ? wait : 0);
        r = get_wch(&ch);
        if (*stop)
            break;
        if (r == ERR)
            continue;
        key_t0 = now_us();
        last_key = (int)ch;
        if (r == KEY_CODE_YES && ch == KEY_RESIZE)
            continue;   /* the next draw lays out for the new size */
        if (r == KEY_CODE_YES && ch == KEY_MOUSE) {
            /* a click must not switch the VM or panel under an open edit */
            if (a->modal == MODAL_NONE)
                handle_mouse(a);
            continue;
        }
        if (a->too_small) {
            /* staged edits are not lost to a key pressed on a note */
            if (r == OK && ch == 'q' && !a->staged.n)
                break;
            continue;
        }
        if (a->filtering) {
            handle_filter_key(a, r == KEY_CODE_YES, ch);
            continue;
        }
        if (a->modal != MODAL_NONE) {
            if (r == OK && ch == '\r')
                ch = '\n';
            if (modal_key(a, r == KEY_CODE_YES, ch))
                break;
            continue;
        }
        if (r == OK && ch == '\r')
            ch = '\n';
        /* bindings name ASCII characters and KEY_* codes, which a wide
         * character's value must not be mistaken for */
        if (r == OK && ch >= 0x80)
            continue;
        if (handle_action(a, vt_config_lookup(&a->cfg, (int)ch)))
            break;
    }
    rc = 0;
    recovery_sync(a);

out:
    if (trace)
        fclose(trace);
    if (a->pad)
        delwin(a->pad);
    if (started)
        endwin();
    if (started && a->staged.n && a->recovery_path && !a->recovery_failed)
        fprintf(stderr, "virt-tune: %zu staged edit%s not applied, kept in %s; the next console on this "
                "host offers %s\n", a->staged.n, a->staged.n == 1 ? "" : "s", a->recovery_path,
                a->staged.n == 1 ? "it" : "them");
    vt_table_free(&a->table);
    vt_changeset_clear(&a->staged);
    vt_changeset_clear(&a->pending);
    vt_changeset_clear(&a->recovered);
    vt_bases_clear(&a->bases);
    vt_bases_clear(&a->recovered_bases);
    free(a->recovered_at);
    recovery_release(a);
    vt_applyplan_clear(&a->plan);
    vt_advice_list_clear(&a->advice);
    vt_remote_status_clear(&a->remote);
    free(a->reverts);
    wiz_end(a);
    vt_input_wipe(&a->ask_in);
    vt_sasl_users_free(a->users, a->nusers);
    free(a->outcome);
    free(a->rows);
    free(a);
    return rc;
}
