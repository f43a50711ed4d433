/* What the console's files share: the state every view reads (the
 * connection's snapshot, the staged set, the advisor's findings, the
 * status line) and the shared pieces: the frame, refresh, the staged set
 * and its recovery file, modals, edit forms, the CPU picker and grid.
 * Each lives in the file its section names. */
#ifndef VT_UI_H
#define VT_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/advisor.h"
#include "core/apply.h"
#include "core/conn.h"
#include "core/live.h"
#include "core/plan.h"
#include "core/recovery.h"
#include "core/remote.h"
#include "core/sasl.h"
#include "tui/app.h"
#include "tui/view.h"
#include "widgets/theme.h"

#define VT_MIN_COLS 80
#define VT_MIN_LINES 24
#define VT_PAD_LINES 2000

typedef struct vt_modal_ops vt_modal_ops;
typedef struct vt_fleet vt_fleet;

struct vt_app {
    vt_fleet *fleet;            /* not owned: the hosts of this console, this
                                   one among them */
    const char *host_name;      /* the fleet's name for the host; NULL with one */
    vt_conn *c;                 /* not owned when given in the options */
    bool own_conn;              /* opened (and freed) by the console */
    vt_config cfg;
    vt_theme th;
    const vt_app_opts *opts;
    const char *uri_label;
    WINDOW *pad;                /* the views' scrolled content */
    bool pad_clamped;           /* a draw clamped its scroll: draw again */
    bool too_small;
    bool quit;                  /* set by a dialog's answer */
    /* navigation: the views entered, the VM list at the bottom */
    vt_view_id stack[VT_NAV_MAX];
    size_t depth;
    /* the modal on top of the views, one at a time (NULL: none) */
    const vt_modal_ops *modal;
    /* status line */
    char status[256];
    vt_role status_role;
    bool status_by_refresh;     /* said by a refresh: the next one may clear it */
    /* refresh (tui/refresh.c) */
    int refresh_ms;
    long long next_refresh;
    long long refresh_started;  /* when the refresh under way (or the last) began */
    bool judged;                /* the advisor has judged a snapshot */
    unsigned long judged_fetches;   /* the definitions read by then */
    unsigned judge_skipped;     /* refreshes since, in the fleet's background */
    bool connected;
    bool first_done;            /* a first refresh has merged */
    bool refresh_was_lost;      /* the refresh under way follows a reconnect */
    long long retry_at;         /* disconnected: next reconnect attempt */
    int retry_ms;               /* the back-off after that one */
    char lost_why[sizeof(((vt_err *)0)->msg)];
    /* the advisor's findings, counted per VM on every refresh */
    vt_advice_list advice;
    /* live rates (tui/live.c): the last two samples and the rates
       between them, and the last rates kept for the advisor */
    vt_live_sample live_prev, live_cur;   /* owned */
    vt_live_rates live;         /* owned: live_prev → live_cur */
    vt_live_window live_window; /* owned: copies of the rates */
    unsigned live_gen;          /* bumped at every sample */
    char live_err[sizeof(((vt_err *)0)->msg)];   /* the last sample's failure; "" none */
    vt_remote_status remote;    /* read when the advice opens (it runs a program) */
    bool remote_read;
    /* staged edits (tui/staged.c): what the review shows, `a` applies
       and `w` saves */
    vt_changeset staged;
    vt_bases bases;             /* inactive XML per VM at its first staged edit */
    char *reverts;              /* owned: apply id a staged revert puts back */
    unsigned staged_gen;        /* bumped at every change of the staged set */
    unsigned snap_gen;          /* bumped at every merge of a refresh */
    struct vt_grid_cache *grid_cache;   /* owned: tui/grid.c's last grid */
    /* the recovery file: the staged set, kept on disk while staged */
    const char *recovery_key;   /* what it is kept under; NULL: not kept */
    char *recovery_path;        /* owned; NULL: off for this session */
    int recovery_lock;          /* held while recovery_path is ours; -1 none */
    char *recovery_sig;         /* owned; what the file holds now */
    bool recovery_failed;       /* the last write failed (said once) */
    vt_changeset recovered;     /* offered at start, not yet taken */
    vt_bases recovered_bases;
    char *recovered_at;         /* owned */
};

/* ---- tui/fleet.c: the hosts of the console ---- */
/* Each host has a console of its own (its vt_app: connection, snapshot,
 * advice, live rates, staged edits, views' stack); the one on screen is
 * the foreground. Every host is opened, refreshed and reconnected in
 * threads of core's, and merged here between keys: none waits on another
 * or holds the keyboard. */
typedef struct vt_fleet_host {
    char *name;                 /* owned */
    vt_app *a;                  /* owned: the host's console */
    vt_conn *opening;           /* owned: the first open, still under way or
                                   failed (then tried again at retry_at) */
    long long retry_at;
    int retry_ms;
    char open_err[sizeof(((vt_err *)0)->msg)];   /* the last failed first open */
} vt_fleet_host;

struct vt_fleet {
    vt_fleet_host *h;           /* owned */
    size_t n;
    size_t fg;                  /* the host whose console is on screen */
    long long t0;               /* when the console started: the refresh grid */
    size_t sel;                 /* the fleet view's cursor */
    int scroll;
    char *outcome;              /* owned: the last apply across hosts, host by host */
};

/* Open what is opening, merge what has refreshed, start what is due. */
void vt_fleet_tick(vt_fleet *f);
/* Anything under way (an open, a refresh) that the loop should look at soon. */
bool vt_fleet_busy(const vt_fleet *f);
/* When the next refresh or open attempt is due (ms, vt_now_ms). */
long long vt_fleet_next_due(const vt_fleet *f);
/* A host's state in words: connected, connecting, no answer for Ns,
 * disconnected: why. */
void vt_fleet_state(const vt_fleet_host *h, char *buf, size_t n);
/* Staged edits on every host. */
size_t vt_fleet_staged(const vt_fleet *f);
/* The foreground console. */
vt_app *vt_fleet_fg(const vt_fleet *f);
bool vt_app_is_fg(const vt_app *a);
/* Make host i the foreground, on its VM list (from the fleet view). */
void vt_fleet_enter(vt_fleet *f, size_t i);
/* The fleet view (tui/view_fleet.c), from anywhere. */
void vt_fleet_show(vt_app *a);

/* ---- tui/app.c ---- */
void vt_app_status(vt_app *a, vt_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Name of the first key bound to an action ("(unbound)" when none).
 * Rotating buffers: a few may be used in one printf. */
const char *vt_app_key(const vt_app *a, vt_action act);
/* "Enter stages   Esc cancels": pairs of (action, words), ended by
 * VT_ACT_NONE, the keys as bound. */
void vt_app_hint(const vt_app *a, char *buf, size_t n, ...);
/* Why an action that would change something is refused here, or NULL. */
const char *vt_app_readonly_why(const vt_app *a);
long long vt_now_ms(void);

/* ---- tui/frame.c: title, status line, footer, pad, text ---- */
void vt_frame_title(vt_app *a, const char *what);
void vt_frame_status(vt_app *a);
void vt_frame_footer(vt_app *a, unsigned mask);
/* Show the pad the pen drew from *scroll (clamped to what it drew) in
 * lines rows at top; a scroll other than the pen's asks for a redraw. */
typedef struct vt_pen vt_pen;
void vt_frame_pad(vt_app *a, const vt_pen *p, int *scroll, int top, int lines);
/* Up/Down/PgUp/PgDn/Home/End move a pad's scroll; false for others. */
bool vt_frame_scroll(int *scroll, vt_action act);

/* Lines drawn into the pad; off-screen lines are only counted, so a
 * 1000-VM host screen costs what its visible part costs. */
struct vt_pen {
    WINDOW *w;
    int y;
    int width;
    const vt_theme *th;
    int lo, hi;                 /* pad lines that will be shown */
};

vt_pen vt_pen_start(vt_app *a, int scroll);
bool vt_pen_vis(const vt_pen *p, int y);
void vt_pen_line(vt_pen *p, vt_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "label  value" with the value in its own role */
void vt_pen_field(vt_pen *p, const char *label, const char *value, vt_role role);
void vt_pen_heading(vt_pen *p, const char *text);
/* Wrapped at word boundaries: the first line after lead, the others
 * indented as far. */
void vt_pen_wrap(vt_pen *p, vt_role role, const char *lead, const char *text);
/* Multi-line text, one pad line each; diff: roles by +/-/@. */
void vt_pen_text(vt_pen *p, const char *text, const char *indent, bool diff);
/* How many bytes of s fit in width columns, never inside a character. */
int vt_fit_bytes(const char *s, int width);
/* s padded with spaces to width display columns as printf pads bytes:
 * vt_pad(s, -10) as "%-10s", vt_pad(s, 10) as "%10s"; a wider s is
 * left whole. A translated column holds characters 2 columns wide in 3
 * bytes: %-10s would misalign it. Rotating buffers: up to 8 in one call. */
const char *vt_pad(const char *s, int width);
/* The severity in 4 columns ("FAIL", "WARN", "info"), translated. */
const char *vt_sev_marker(vt_severity s);
/* vt_domain_state_name's word, translated (the JSON keeps it English). */
const char *vt_state_word(int state);
vt_role vt_sev_role(vt_severity s);

/* ---- tui/refresh.c: refresh and reconnect ---- */
/* Start a refresh unless one runs, wait at most wait_ms (-1: for as long
 * as it takes); true when it has ended. */
bool vt_refresh_bounded(vt_app *a, int wait_ms);
/* The advisor over the snapshot, its findings counted per VM. */
void vt_refresh_judge(vt_app *a);
/* After an action: the refresh that shows its effect, waited for. */
void vt_refresh_now(vt_app *a);
/* Waited on for over 2 s: said so, and no apply is started on top. */
bool vt_refresh_slow(vt_app *a);
const char *vt_refresh_state(vt_app *a);
/* ^L: a lost daemon is tried at once; waited for a little. */
bool vt_refresh_key(vt_app *a);

/* ---- tui/live.c: the live samples and how views show them ---- */
/* A sample of the snapshot just merged, and the rates since the last. */
void vt_live_sample_now(vt_app *a);
void vt_live_free(vt_app *a);
/* Unknown (NAN) is "-", never 0. */
void vt_live_pct(double v, char *buf, size_t n);
void vt_live_bytes(double v, char *buf, size_t n);   /* per second: "1.5M" */
void vt_live_count(double v, char *buf, size_t n);   /* per second: "350", "12.1k" */
/* The detail's blocks of one VM's rates (r NULL: no sample yet). */
void vt_live_draw_fields(vt_pen *p, const vt_vm_rate *r);
void vt_live_draw_threads(vt_pen *p, const vt_vm_rate *r);
void vt_live_draw_exits(vt_pen *p, const vt_vm_rate *r);
void vt_live_draw_haltpoll(vt_pen *p, const vt_vm_rate *r);

/* ---- tui/staged.c: the staged set and its recovery file ---- */
size_t vt_staged_count(const vt_app *a, const char *vm);
long vt_staged_find_knob(const vt_app *a, const vt_edit *e);
/* Moved in: the caller's copy is zeroed. */
void vt_staged_add(vt_app *a, vt_edit *e);
void vt_staged_drop(vt_app *a, size_t i);
void vt_staged_drop_all(vt_app *a);
/* Stage every edit of a plan text; -1 with err when it does not parse. */
int vt_staged_add_plan(vt_app *a, const char *plan, size_t *n, vt_err *err);
void vt_recovery_offer(vt_app *a);
void vt_recovery_sync(vt_app *a);
void vt_recovery_end(vt_app *a);

/* ---- tui/modal.c: what has the keyboard over the views ---- */
struct vt_modal_ops {
    void (*draw)(vt_app *a);
    void (*key)(vt_app *a, int is_key, wint_t ch);
};
void vt_modal_open(vt_app *a, const vt_modal_ops *ops);
void vt_modal_close(vt_app *a);
/* Is this key the one bound to act? Printable keys only count when
 * printable is true (an input field takes them as text). */
bool vt_modal_is(const vt_app *a, int is_key, wint_t ch, vt_action act, bool printable);
void vt_modal_box(vt_app *a, int y0, int x0, int h, int w, const char *title);

/* A question. The answer goes to whoever asked: the button's index, or
 * -2 for Esc. Buttons: yes and "Cancel", the safe one focused. Button
 * labels are given in English (marked N_()) and shown translated; the
 * English label's first letter still answers, shown as "应用(A)" when the
 * translation does not start with it. Title and message: translated by
 * the caller. */
typedef void (*vt_dialog_answer_fn)(vt_app *a, int button);
void vt_dialog_ask(vt_app *a, const char *title, const char *yes, vt_dialog_answer_fn answer,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Any buttons (at most 4), focus on the given one. */
void vt_dialog_choose(vt_app *a, const char *title, const char *const *buttons, size_t n, size_t focus,
                      vt_dialog_answer_fn answer, const char *msg);

/* A one-line answer: the save path, a SASL user, a password. done gets
 * the text (wiped after it returns); cancel may be NULL; verb is what
 * the open key does ("saves"). Title, label and verb: translated by the
 * caller. */
typedef int (*vt_prompt_check_fn)(void *ctx, const char *text, char *msg, size_t msgsz);
typedef void (*vt_prompt_done_fn)(vt_app *a, const char *text, size_t len);
typedef void (*vt_prompt_cancel_fn)(vt_app *a);
void vt_prompt_open(vt_app *a, const char *title, const char *label, const char *initial, bool secret,
                    const char *verb, vt_prompt_check_fn check, vt_prompt_done_fn done,
                    vt_prompt_cancel_fn cancel);

/* ---- tui/forms.c: staging an edit as a plan line ---- */
/* The edits that fit a VM's panel (by the advisor's panel name), or the
 * host's knobs when d is NULL. */
void vt_forms_open(vt_app *a, const vt_domain *d, const char *panel);

/* ---- tui/grid.c: the CPU grid of the host ---- */
/* Draw the host's CPUs with what may run where, the VM called focus
 * marked apart from the others (NULL: none). */
void vt_grid_draw(vt_pen *p, vt_app *a, const char *focus);

/* ---- tui/picker.c: CPUs picked on the grid for an edit line ---- */
typedef void (*vt_picker_done_fn)(vt_app *a, const char *set);   /* NULL: Esc */
/* The set picked starts as initial; focus as for vt_grid_draw. */
void vt_picker_open(vt_app *a, const char *initial, const char *focus, vt_picker_done_fn done);

/* ---- the views' own entry points ---- */
/* The VM's detail view on the panel the advisor names (NULL: as it was). */
void vt_detail_show(vt_app *a, const char *uuid, const char *panel);
/* Put the VM list's selection on uuid (when the filter shows it). */
void vt_list_select(vt_app *a, const char *uuid);
/* The host view at the section of a finding's topic (NULL: the top). */
void vt_host_show(vt_app *a, const char *topic);
void vt_review_show(vt_app *a);
void vt_advice_show(vt_app *a);
void vt_remote_show(vt_app *a);
void vt_top_show(vt_app *a);
/* Views that show threads: a sample reads every thread's procfs only
 * while one of them is on top. */
bool vt_top_shows_threads(const vt_app *a);
bool vt_detail_shows_live(const vt_app *a);
/* The remote view's users, read again (after the set-up wrote). */
void vt_remote_reread(vt_app *a);
/* The SASL conf and database the remote view found. */
vt_sasl_opts vt_remote_sasl(const vt_app *a);
const char *vt_remote_sasl_db(const vt_app *a);
/* tui/wizard.c: the remote-access set-up, drawn inside the remote view */
void vt_wizard_start(vt_app *a);
bool vt_wizard_active(const vt_app *a);
bool vt_wizard_cancel(vt_app *a);           /* true when one was running */
bool vt_wizard_open(vt_app *a);             /* Enter at step 2: asks to write */
void vt_wizard_draw(vt_app *a, vt_pen *p);
bool vt_wizard_follow(vt_app *a);           /* scroll to its newest line once */
void vt_wizard_free(vt_app *a);
/* The SASL users' add/passwd/delete, asked through prompts. */
void vt_users_add(vt_app *a);
void vt_users_passwd(vt_app *a, const char *user);
void vt_users_delete(vt_app *a, const char *user, const char *realm);

#endif
