/* Actions, declared once: the key bindings, the help screen and the footer
 * are all generated from this table. Default bindings are config text read
 * by the same parser as the user's config. */
#ifndef VT_ACTIONS_H
#define VT_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/hosts.h"
#include "core/util.h"
#include "tui/views.h"

/* X(enum, config name, footer label, footer views (VT_SCR_* of
 * tui/views.h), changes something (refused on a read-only connection),
 * help text); label and help marked N_(), vt_action_get gives them
 * translated */
#define VT_ACTIONS(X) \
    X(UP, "up", NULL, 0, false, N_("Move the selection or the view up")) \
    X(DOWN, "down", NULL, 0, false, N_("Move the selection or the view down")) \
    X(PAGE_UP, "page-up", NULL, 0, false, N_("One page up")) \
    X(PAGE_DOWN, "page-down", NULL, 0, false, N_("One page down")) \
    X(TOP, "top", NULL, 0, false, N_("To the first line")) \
    X(BOTTOM, "bottom", NULL, 0, false, N_("To the last line")) \
    X(OPEN, "open", N_("Open"), VT_SCR_LIST | VT_SCR_ADVICE | VT_SCR_TOP | VT_SCR_FLEET, false, N_("Open the VM, or where a finding lives")) \
    X(BACK, "back", N_("Back"), VT_SCR_DETAIL | VT_SCR_HOST | VT_SCR_HELP | VT_SCR_REVIEW | VT_SCR_ADVICE | VT_SCR_REMOTE | VT_SCR_TOP, false, N_("Go back to the previous screen")) \
    X(NEXT_PANEL, "next-panel", N_("Panel"), VT_SCR_DETAIL, false, N_("Next panel of the VM")) \
    X(PREV_PANEL, "prev-panel", NULL, 0, false, N_("Previous panel of the VM")) \
    X(FILTER, "filter", N_("Filter"), VT_SCR_LIST, false, N_("Filter the VM list by name")) \
    X(SORT, "sort", N_("Sort"), VT_SCR_LIST | VT_SCR_TOP, false, N_("Sort by the next column")) \
    X(SORT_REVERSE, "sort-reverse", NULL, 0, false, N_("Reverse the sort order")) \
    X(HOST, "host", N_("Host"), VT_SCR_LIST | VT_SCR_DETAIL, false, N_("Open the host screen")) \
    X(REFRESH, "refresh", NULL, 0, false, N_("Refresh now")) \
    X(EDIT, "edit", N_("Edit"), VT_SCR_DETAIL | VT_SCR_HOST, true, N_("Stage an edit of the panel's or host's settings")) \
    X(REVERT_LAST, "revert-last", N_("Revert"), VT_SCR_HOST, true, N_("Stage what puts back the last apply's host knobs")) \
    X(PICK_CPUS, "pick-cpus", NULL, 0, false, N_("In a pin edit: pick CPUs on the grid")) \
    X(PICK, "pick", NULL, 0, false, N_("In the CPU picker: pick or unpick the CPU under the cursor")) \
    X(REVIEW, "review", N_("Review"), VT_SCR_LIST | VT_SCR_DETAIL | VT_SCR_ADVICE, false, N_("Review staged edits: steps, diffs, warnings")) \
    X(ADVICE, "advice", N_("Advice"), VT_SCR_LIST | VT_SCR_DETAIL | VT_SCR_HOST, false, N_("The guides' checks: findings and fixes")) \
    X(FIX, "fix", N_("Fix"), VT_SCR_ADVICE, true, N_("Stage the selected finding's fix")) \
    X(REMOTE, "remote", N_("Remote"), VT_SCR_HOST, false, N_("Remote access: libvirtd.conf, SASL, users, set-up")) \
    X(SETUP, "setup", N_("Set up"), VT_SCR_REMOTE, true, N_("Guided set-up of remote access with SASL")) \
    X(USER_ADD, "user-add", N_("Add user"), VT_SCR_REMOTE, true, N_("Add a SASL user (password asked twice)")) \
    X(USER_PASSWD, "user-passwd", N_("Password"), VT_SCR_REMOTE, true, N_("Change the selected user's password")) \
    X(USER_DELETE, "user-delete", N_("Delete"), VT_SCR_REMOTE, true, N_("Delete the selected SASL user (asks)")) \
    X(APPLY, "apply", N_("Apply"), VT_SCR_REVIEW | VT_SCR_FLEET, true, N_("Apply the staged edits (asks first; in the fleet, host by host)")) \
    X(SAVE_PLAN, "save-plan", N_("Save"), VT_SCR_REVIEW, false, N_("Save the staged edits as a plan file")) \
    X(DROP, "drop", N_("Drop"), VT_SCR_REVIEW, false, N_("Drop the selected staged edit")) \
    X(DROP_ALL, "drop-all", N_("Drop all"), VT_SCR_REVIEW, false, N_("Drop all staged edits (asks first)")) \
    X(TOP_VIEW, "top-view", N_("Top"), VT_SCR_LIST, false, N_("The Top view: CPU, steal, exits, disk and network of each running VM")) \
    X(FLEET, "fleet", N_("Fleet"), VT_SCR_LIST, false, N_("The fleet: every host's state, findings and staged edits")) \
    X(HELP, "help", N_("Help"), VT_SCR_LIST | VT_SCR_DETAIL | VT_SCR_HOST | VT_SCR_REVIEW | VT_SCR_ADVICE | VT_SCR_REMOTE | VT_SCR_TOP | VT_SCR_FLEET, false, N_("Show this help")) \
    X(QUIT, "quit", N_("Quit"), VT_SCR_ALL, false, N_("Quit (asks first when edits are staged)"))

typedef enum {
#define VT_ACTION_ENUM(e, n, f, s, w, h) VT_ACT_##e,
    VT_ACTIONS(VT_ACTION_ENUM)
#undef VT_ACTION_ENUM
    VT_ACT_LAST,
    VT_ACT_NONE = -1,
} vt_action;

typedef struct vt_action_info {
    const char *name;
    const char *footer;   /* NULL: not in the footer */
    unsigned screens;
    bool writes;          /* changes the host or its files */
    const char *help;
} vt_action_info;

const vt_action_info *vt_action_get(vt_action a);
vt_action vt_action_from_name(const char *name);

#define VT_MAX_BINDINGS 128

typedef struct vt_binding {
    int key;              /* curses key code, or a character */
    vt_action action;
} vt_binding;

typedef struct vt_config {
    vt_binding bindings[VT_MAX_BINDINGS];
    size_t nbindings;
    char theme[64];
    int color;            /* -1 unset, 0 no, 1 yes */
} vt_config;

/* The defaults, as config text. */
extern const char vt_default_config[];

/* Config text: "bind KEY ACTION", "unbind KEY", "theme NAME",
 * "color yes|no", '#' comments. KEY: a character, ^X for Ctrl-X, or
 * Up Down Left Right PgUp PgDn Home End Enter Esc Tab BTab Backspace
 * Space F1..F12. A later bind of a key replaces the earlier one. -1 with
 * "line N: why" on anything unknown; cfg is left as it was then. */
int vt_config_parse(const char *text, vt_config *cfg, vt_err *err);

vt_action vt_config_lookup(const vt_config *cfg, int key);
/* Human name of a key ("q", "Enter", "F1", "^L"), into buf. */
const char *vt_key_name(int key, char *buf, size_t bufsz);
/* First key bound to an action, or -1. */
int vt_config_key_for(const vt_config *cfg, vt_action a);

/* $XDG_CONFIG_HOME/virt-tune/config, else ~/.config/virt-tune/config;
 * NULL without either variable. Caller frees. */
char *vt_config_default_path(void);
/* The config file's "host NAME URI" lines appended to l (path NULL: the
 * default one; a missing file has none). -1 with "PATH: line N: why". */
int vt_config_hosts(const char *path, vt_hostlist *l, vt_err *err);

#endif
