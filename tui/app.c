/* The console: curses set-up, the main loop and the order keys go in: the
 * modal on top, then the view on top of the stack, then the global
 * actions. The views are in tui/view_*.c, the pieces they share in the
 * files tui/ui.h names. */
#include "app.h"

#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/host.h"
#include "tui/grid.h"
#include "tui/ui.h"
#include "widgets/text.h"

static const vt_view_ops *const views[VT_VIEW_LAST] = {
#define VT_VIEW_OPS(id, name, ops) [VT_VIEW_##id] = &ops,
    VT_VIEWS(VT_VIEW_OPS)
#undef VT_VIEW_OPS
};

const vt_view_ops *vt_view_get(vt_view_id id)
{
    return id >= 0 && id < VT_VIEW_LAST ? views[id] : NULL;
}

long long vt_now_ms(void)
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

void vt_app_status(vt_app *a, vt_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->status, sizeof(a->status), fmt, ap);
    va_end(ap);
    a->status_role = role;
    a->status_by_refresh = false;
}

const char *vt_app_key(const vt_app *a, vt_action act)
{
    static char bufs[4][16];
    static int next;
    char *b = bufs[next++ % 4];
    int key = vt_config_key_for(&a->cfg, act);

    if (key < 0)
        return _("(unbound)");
    return vt_key_name(key, b, 16);
}

void vt_app_hint(const vt_app *a, char *buf, size_t n, ...)
{
    va_list ap;
    size_t len = 0;
    int act;

    buf[0] = '\0';
    va_start(ap, n);
    while ((act = va_arg(ap, int)) != VT_ACT_NONE && len < n) {
        const char *words = va_arg(ap, const char *);
        len += (size_t)snprintf(buf + len, n - len, "%s%s %s", len ? "   " : "", vt_app_key(a, (vt_action)act),
                                words);
    }
    va_end(ap);
}

const char *vt_app_readonly_why(const vt_app *a)
{
    if (!a->c || !a->c->readonly)
        return NULL;
    return a->c->readonly_fallback ? _("no permission to manage this host") : _("opened with -r");
}

/* ---- the stack of views ---- */

vt_view_id vt_nav_top(const vt_app *a)
{
    return a->depth ? a->stack[a->depth - 1] : VT_VIEW_LIST;
}

bool vt_nav_has(const vt_app *a, vt_view_id id)
{
    for (size_t i = 0; i < a->depth; i++)
        if (a->stack[i] == id)
            return true;
    return false;
}

bool vt_nav_pop(vt_app *a)
{
    const vt_view_ops *ops;

    if (a->depth <= 1)
        return false;
    ops = views[a->stack[--a->depth]];
    if (ops->leave)
        ops->leave(a);
    /* a message belongs to the view it was said on */
    a->status[0] = '\0';
    return true;
}

void vt_nav_push(vt_app *a, vt_view_id id)
{
    if (vt_nav_has(a, id)) {
        while (vt_nav_top(a) != id && vt_nav_pop(a))
            ;
        return;
    }
    if (a->depth == VT_NAV_MAX)
        return;
    a->stack[a->depth++] = id;
    a->status[0] = '\0';
    if (views[id]->enter)
        views[id]->enter(a);
}

/* ---- drawing ---- */

static void draw_too_small(vt_app *a)
{
    char buf[128];

    snprintf(buf, sizeof(buf), _("terminal too small: %dx%d, needs %dx%d"), COLS, LINES, VT_MIN_COLS, VT_MIN_LINES);
    vt_text_put(stdscr, 0, 0, buf, COLS, A_BOLD, 0);
    if (a->staged.n)
        snprintf(buf, sizeof(buf), P_("enlarge it: %zu staged edit is not applied",
                                      "enlarge it: %zu staged edits are not applied", a->staged.n), a->staged.n);
    else
        snprintf(buf, sizeof(buf), "%s", _("enlarge it, or q to quit"));
    vt_text_put(stdscr, 1, 0, buf, COLS, A_NORMAL, 0);
    wnoutrefresh(stdscr);
    doupdate();
}

static void draw(vt_app *a)
{
    const vt_view_ops *top = views[vt_nav_top(a)];
    char what[300];

    werase(stdscr);
    a->too_small = COLS < VT_MIN_COLS || LINES < VT_MIN_LINES;
    if (a->too_small) {
        draw_too_small(a);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        /* the fleet's view is of every host, connected or not */
        bool shown = a->c || vt_nav_top(a) == VT_VIEW_FLEET;
        a->pad_clamped = false;
        if (!shown)
            snprintf(what, sizeof(what), "%s", _("connecting"));
        else
            top->title(a, what, sizeof(what));
        vt_frame_title(a, what);
        vt_frame_status(a);
        vt_frame_footer(a, 1u << vt_nav_top(a));
        if (shown) {
            top->draw(a);
        } else {
            if (a->fleet->n > 1) {
                /* a host of the fleet that is not open yet says why */
                char state[600], line[700];
                vt_fleet_state(&a->fleet->h[a->fleet->fg], state, sizeof(state));
                snprintf(line, sizeof(line), " %s: %s", a->host_name, state);
                vt_text_put(stdscr, 2, 0, line, COLS, vt_theme_attr(&a->th, VT_ROLE_VALUE_BAD), 1);
                snprintf(line, sizeof(line), _(" %s goes back to the fleet; the host opens by itself once it answers"),
                         vt_app_key(a, VT_ACT_FLEET));
                vt_text_put(stdscr, 3, 0, line, COLS, vt_theme_attr(&a->th, VT_ROLE_DIM), 1);
            }
            wnoutrefresh(stdscr);
        }
        /* a clamped scroll shows lines the first pass did not draw */
        if (!a->pad_clamped)
            break;
    }
    /* over the pad: only the cells the box covers are copied again */
    if (a->modal) {
        a->modal->draw(a);
        wnoutrefresh(stdscr);
    }
    doupdate();
}

/* ---- actions ---- */

static void quit_answer(vt_app *a, int button)
{
    if (button != 0)
        return;
    /* lost on purpose: the recovery files go too */
    for (size_t i = 0; i < a->fleet->n; i++)
        vt_staged_drop_all(a->fleet->h[i].a);
    a->quit = true;
}

/* What no view took: the actions that mean the same everywhere. */
static bool global_action(vt_app *a, vt_action act)
{
    switch (act) {
    case VT_ACT_QUIT: {
        size_t n = vt_fleet_staged(a->fleet), hosts = 0;
        if (!n)
            return true;
        for (size_t i = 0; i < a->fleet->n; i++)
            hosts += a->fleet->h[i].a->staged.n > 0;
        if (hosts > 1)
            vt_dialog_ask(a, _("Quit"), N_("Quit"), quit_answer, _("%zu staged edits on %zu hosts are not applied.\n"
                          "Quit and lose them?"), n, hosts);
        else
            vt_dialog_ask(a, _("Quit"), N_("Quit"), quit_answer,
                          P_("%zu staged edit is not applied.\nQuit and lose it?",
                             "%zu staged edits are not applied.\nQuit and lose them?", n), n);
        break;
    }
    case VT_ACT_FLEET:
        vt_fleet_show(a);
        break;
    case VT_ACT_BACK:
        vt_nav_pop(a);
        break;
    case VT_ACT_HELP:
        vt_nav_push(a, VT_VIEW_HELP);
        break;
    case VT_ACT_HOST:
        vt_host_show(a, NULL);
        break;
    case VT_ACT_TOP_VIEW:
        vt_top_show(a);
        break;
    case VT_ACT_REVIEW:
        vt_review_show(a);
        break;
    case VT_ACT_ADVICE:
        vt_advice_show(a);
        break;
    case VT_ACT_REFRESH:
        vt_refresh_key(a);
        clearok(curscr, TRUE);
        break;
    default:
        break;
    }
    return false;
}

/* True: quit. A view's own keys first; what would change something is
 * refused, with why, on a read-only connection. */
static bool dispatch(vt_app *a, vt_action act)
{
    const vt_action_info *ai = vt_action_get(act);
    const char *ro = vt_app_readonly_why(a);
    vt_view_result r;

    if (!ai)
        return false;
    if (ai->writes && ro) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("read-only connection (%s): %s would change the host"), ro,
                      ai->name);
        return false;
    }
    r = views[vt_nav_top(a)]->action(a, act);
    if (r == VT_VIEW_QUIT)
        return true;
    if (r == VT_VIEW_HANDLED)
        return false;
    return global_action(a, act);
}

static void handle_mouse(vt_app *a)
{
    const vt_view_ops *top = views[vt_nav_top(a)];
    MEVENT ev;

    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & BUTTON4_PRESSED) {
        dispatch(a, VT_ACT_UP);
        return;
    }
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED) {
        dispatch(a, VT_ACT_DOWN);
        return;
    }
#endif
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_DOUBLE_CLICKED)))
        return;
    if (top->mouse)
        top->mouse(a, &ev);
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
        fprintf(stderr, _("virt-tune: built-in config: %s\n"), err.msg);
        return -1;
    }
    if (!path)
        path = dflt = vt_config_default_path();
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

/* Config, theme and --plan: what can be refused before curses has
 * touched the terminal. */
static int prepare(vt_app *a, const vt_app_opts *o)
{
    vt_err err = { { 0 } };
    const char *theme;

    if (load_config(a, o->config_path) < 0)
        return -1;
    theme = o->theme ? o->theme : a->cfg.theme[0] ? a->cfg.theme : "default";
    if (vt_theme_load(o->themes_dir ? o->themes_dir : vt_themes_dir(), theme, &a->th, &err) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        return -1;
    }
    if (o->plan_path) {
        char *text = vt_read_file(o->plan_path, 1 << 20, &err);
        if (!text) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);   /* names the file */
            return -1;
        }
        if (vt_plan_parse(text, &a->staged, &err) < 0) {
            fprintf(stderr, "virt-tune: %s: %s\n", o->plan_path, err.msg);
            free(text);
            return -1;
        }
        free(text);
    }
    return 0;
}

static void start_curses(vt_app *a, const vt_app_opts *o)
{
    bool color = o->color >= 0 ? o->color : a->cfg.color >= 0 ? a->cfg.color : 1;

    if (getenv("NO_COLOR") && *getenv("NO_COLOR") && o->color < 0)
        color = false;
    if (strcmp(a->th.name, "mono") == 0)
        color = false;
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
    a->pad = newpad(VT_PAD_LINES, 512);
}

/* The connection, opened under the first frame: the title and
 * "connecting to URI…" are on screen while the daemon is asked. */
static int connect_now(vt_app *a, const vt_app_opts *o, vt_err *err)
{
    const char *uri = o->conn_opts && o->conn_opts->uri ? o->conn_opts->uri : _("the default URI");

    if (o->conn) {
        a->c = o->conn;
    } else {
        vt_app_status(a, VT_ROLE_STATUS, _("connecting to %s…"), uri);
        a->uri_label = o->uri_label ? o->uri_label : uri;
        draw(a);
        if (!(a->c = vt_conn_open(o->conn_opts, err)))
            return -1;
        a->own_conn = true;
    }
    a->uri_label = o->uri_label ? o->uri_label : a->c->uri;
    {
        int n = vt_conn_count_domains(a->c);
        if (n >= 0)
            vt_app_status(a, VT_ROLE_STATUS, P_("reading %d VM from %s…", "reading %d VMs from %s…", n), n,
                          a->c->uri);
        else
            vt_app_status(a, VT_ROLE_STATUS, _("reading the VMs from %s…"), a->c->uri);
        /* the first refresh replaces it with the count */
        a->status_by_refresh = true;
    }
    return 0;
}

/* The first refresh: waited for under --plan (the review needs the
 * definitions), else left to the loop, which draws meanwhile. */
static void first_refresh(vt_app *a, const vt_app_opts *o)
{
    if (o->open_vm) {
        /* --vm: its panels over the list, Esc back to the list */
        const vt_domain *d;
        vt_refresh_now(a);
        if ((d = vt_conn_find_name(a->c, o->open_vm))) {
            vt_list_select(a, d->uuid);
            vt_detail_show(a, d->uuid, NULL);
        } else {
            vt_app_status(a, VT_ROLE_STATUS_ERROR, _("--vm: no VM named \"%s\" on %s"), o->open_vm,
                          a->c->uri);
        }
        return;
    }
    if (!o->plan_path) {
        vt_refresh_bounded(a, 0);
        return;
    }
    vt_refresh_now(a);
    /* the bases are the definitions as they are now: the plan was
       written against what the file's author saw, which we cannot know */
    for (size_t i = 0; i < a->staged.n; i++) {
        vt_domain *d = a->staged.edits[i].vm ? vt_conn_find_name(a->c, a->staged.edits[i].vm) : NULL;
        if (d && d->config_xml)
            vt_bases_set(&a->bases, d->uuid, d->name, d->config_xml);
    }
    a->staged_gen++;
    vt_review_show(a);
    vt_app_status(a, VT_ROLE_STATUS, P_("%zu edit staged from %s", "%zu edits staged from %s", a->staged.n),
                  a->staged.n, o->plan_path);
}

/* One key: the modal has it, else the top view, else the globals. True:
 * quit. */
static bool key(vt_app *a, int r, wint_t ch)
{
    if (r == KEY_CODE_YES && ch == KEY_MOUSE) {
        /* a click must not switch the VM or panel under an open edit */
        if (!a->modal)
            handle_mouse(a);
        return false;
    }
    if (a->too_small)
        /* staged edits are not lost to a key pressed on a note */
        return r == OK && ch == 'q' && !a->staged.n;
    if (r == OK && ch == '\r')
        ch = '\n';
    if (a->modal) {
        a->modal->key(a, r == KEY_CODE_YES, ch);
        return a->quit;
    }
    /* bindings name ASCII characters and KEY_* codes, which a wide
     * character's value must not be mistaken for */
    if (r == OK && ch >= 0x80)
        return false;
    return dispatch(a, vt_config_lookup(&a->cfg, (int)ch)) || a->quit;
}

/* How long to wait for a key: until the next refresh or open is due, and
 * briefly while the foreground's refresh runs (to merge it between keys)
 * or another host's does. */
static int key_wait(const vt_fleet *f)
{
    const vt_app *a = vt_fleet_fg(f);
    long long due = vt_fleet_next_due(f);
    int wait = due < 0 ? 1000 : (int)(due - vt_now_ms());

    if (a->c && vt_conn_refresh_running(a->c))
        wait = 20;
    else if (vt_fleet_busy(f) && wait > 100)
        wait = 100;
    return wait > 0 ? wait : 0;
}

/* What the screen shows changes with these: a merged refresh, a live
 * sample, the staged set, a connection opened or lost. */
static unsigned long long screen_gen(const vt_fleet *f)
{
    unsigned long long g = 0;

    for (size_t i = 0; i < f->n; i++) {
        const vt_app *a = f->h[i].a;
        g = g * 31 + a->snap_gen + a->live_gen * 7u + a->staged_gen * 13u + (a->c != NULL) + a->connected * 2u;
    }
    return g;
}

/* A redraw at least this often: the "no answer for Ns" counters move. */
#define REDRAW_MS 1000

static void loop(vt_fleet *f, volatile sig_atomic_t *stop)
{
    FILE *trace = NULL;
    long long key_t0 = 0, drawn_at = 0;
    unsigned long long drawn_gen = 0;
    bool dirty = true;
    int last_key = 0;
    /* VT_TRACE_REDRAW=FILE: one line per key, microseconds from the key
     * read to the end of the redraw it caused (tests/bench). */
    const char *tp = getenv("VT_TRACE_REDRAW");

    if (tp && *tp)
        trace = fopen(tp, "a");
    for (;;) {
        wint_t ch;
        int r;
        vt_app *a;

        if (*stop)
            break;
        vt_fleet_tick(f);
        a = vt_fleet_fg(f);
        /* a wake-up for another host's refresh draws only what changed:
           with many hosts, most wake-ups change nothing on screen */
        if (dirty || screen_gen(f) != drawn_gen || vt_now_ms() - drawn_at >= REDRAW_MS) {
            draw(a);
            drawn_gen = screen_gen(f);
            drawn_at = vt_now_ms();
            dirty = false;
        }
        if (trace && key_t0) {
            fprintf(trace, "%lld %d\n", now_us() - key_t0, last_key);
            fflush(trace);
            key_t0 = 0;
        }
        {
            int w = key_wait(f), left = (int)(drawn_at + REDRAW_MS - vt_now_ms());
            timeout(w < left ? w : left > 0 ? left : 0);
        }
        r = get_wch(&ch);
        if (*stop)
            break;
        if (r == ERR)
            continue;
        dirty = true;
        key_t0 = now_us();
        last_key = (int)ch;
        if (r == KEY_CODE_YES && ch == KEY_RESIZE)
            continue;   /* the next draw lays out for the new size */
        if (key(a, r, ch))
            break;
    }
    if (trace)
        fclose(trace);
}

/* What one host's console holds; the views' own state is freed once. */
static void host_free(vt_app *a)
{
    while (vt_nav_pop(a))
        ;
    vt_changeset_clear(&a->staged);
    vt_bases_clear(&a->bases);
    vt_recovery_end(a);
    vt_advice_list_clear(&a->advice);
    vt_live_free(a);
    vt_remote_status_clear(&a->remote);
    free(a->reverts);
    vt_grid_cache_free(a);
    if (a->own_conn)
        vt_conn_free(a->c);
    free(a);
}

static void fleet_free(vt_fleet *f)
{
    vt_app *fg = vt_fleet_fg(f);

    for (int v = 0; v < VT_VIEW_LAST; v++)
        if (views[v]->free)
            views[v]->free(fg);
    for (size_t i = 0; i < f->n; i++) {
        vt_conn_free(f->h[i].opening);
        host_free(f->h[i].a);
        free(f->h[i].name);
    }
    free(f->h);
    free(f);
}

static vt_app *host_new(const vt_app_opts *o, vt_fleet *f)
{
    vt_app *a = vt_calloc(1, sizeof(*a));

    a->fleet = f;
    a->opts = o;
    a->refresh_ms = o->refresh_ms > 0 ? o->refresh_ms : 2000;
    a->connected = true;
    a->recovery_lock = -1;
    a->uri_label = o->uri_label ? o->uri_label : "";
    a->recovery_key = o->recovery_key;
    return a;
}

/* Several hosts: each console shares the first's config, theme and pad,
 * and opens its host in a thread; the fleet view is at the bottom of
 * every stack. */
static void fleet_add_hosts(vt_fleet *f, const vt_app_opts *o)
{
    vt_app *first = f->h[0].a;

    f->h = vt_realloc(f->h, o->hosts->n * sizeof(*f->h));
    memset(f->h + 1, 0, (o->hosts->n - 1) * sizeof(*f->h));
    f->n = o->hosts->n;
    for (size_t i = 0; i < f->n; i++) {
        vt_conn_opts co = *o->conn_opts;
        vt_app *a = i ? host_new(o, f) : first;
        if (i) {
            a->cfg = first->cfg;
            a->th = first->th;
            a->pad = first->pad;
        }
        a->host_name = o->hosts->v[i].name;
        a->uri_label = o->hosts->v[i].uri ? o->hosts->v[i].uri : _("the default URI");
        co.uri = o->hosts->v[i].uri;
        f->h[i].name = vt_strdup(o->hosts->v[i].name);
        f->h[i].a = a;
        f->h[i].opening = vt_conn_open_start(&co);
        a->stack[a->depth++] = VT_VIEW_FLEET;
    }
}

/* The messages a console leaves on the terminal it gives back. */
static void exit_notes(const vt_fleet *f, const vt_app_opts *o)
{
    for (size_t i = 0; i < f->n; i++) {
        const vt_app *a = f->h[i].a;
        size_t n = a->staged.n;
        if (!n)
            continue;
        if (o->sandbox)
            /* the demo's recovery file is in its copy, removed as we return */
            fprintf(stderr, P_("virt-tune: %zu staged edit not applied; the demo keeps nothing after it ends\n",
                               "virt-tune: %zu staged edits not applied; the demo keeps nothing after it ends\n",
                               n), n);
        else if (a->recovery_path && !a->recovery_failed && f->n > 1)
            fprintf(stderr, P_("virt-tune: %zu staged edit on %s not applied, kept in %s; the next console on "
                               "this host offers it\n",
                               "virt-tune: %zu staged edits on %s not applied, kept in %s; the next console on "
                               "this host offers them\n", n), n, f->h[i].name, a->recovery_path);
        else if (a->recovery_path && !a->recovery_failed)
            fprintf(stderr, P_("virt-tune: %zu staged edit not applied, kept in %s; the next console on this "
                               "host offers it\n",
                               "virt-tune: %zu staged edits not applied, kept in %s; the next console on this "
                               "host offers them\n", n), n, a->recovery_path);
    }
}

int vt_app_run(const vt_app_opts *o, volatile sig_atomic_t *stop)
{
    vt_fleet *f = vt_calloc(1, sizeof(*f));
    vt_app *a;
    vt_err err = { { 0 } };
    bool started = false, failed = false, several = o->hosts && o->hosts->n > 1;
    int rc = 1;

    f->h = vt_calloc(1, sizeof(*f->h));
    f->n = 1;
    f->t0 = vt_now_ms();
    a = f->h[0].a = host_new(o, f);
    if (prepare(a, o) < 0)
        goto out;
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");    /* numbers as plans and JSON write them */
    if (!initscr()) {
        fprintf(stderr, "%s", _("virt-tune: cannot initialise the terminal\n"));
        goto out;
    }
    started = true;
    start_curses(a, o);
    if (several) {
        fleet_add_hosts(f, o);
        vt_fleet_show(a);
        rc = 0;
        loop(f, stop);
        goto out;
    }
    f->h[0].name = vt_strdup(o->hosts && o->hosts->n ? o->hosts->v[0].name : o->sandbox ? "demo" : "localhost");
    a->stack[a->depth++] = VT_VIEW_LIST;
    if (connect_now(a, o, &err) < 0) {
        failed = true;
        goto out;
    }
    if (!a->recovery_key && o->recovery_by_uri)
        a->recovery_key = a->c->uri;
    draw(a);
    first_refresh(a, o);
    vt_recovery_offer(a);
    loop(f, stop);
    rc = 0;

out:
    for (size_t i = 0; i < f->n; i++)
        vt_recovery_sync(f->h[i].a);
    if (a->pad)
        delwin(a->pad);
    if (started)
        endwin();
    if (failed)
        fprintf(stderr, "virt-tune: %s\n", err.msg);
    if (started)
        exit_notes(f, o);
    fleet_free(f);
    return rc;
}
