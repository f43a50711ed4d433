/* The console: screens over one connection's snapshot. */
#ifndef VT_APP_H
#define VT_APP_H

#include <signal.h>

#include "core/conn.h"
#include "tui/actions.h"

typedef struct vt_app_opts {
    vt_conn *conn;             /* not owned; NULL: the console opens one
                                  with conn_opts, under its first frame */
    const vt_conn_opts *conn_opts;
    const vt_hostlist *hosts;  /* more than one: the fleet, each host opened
                                  with conn_opts and its URI; their names */
    int refresh_ms;            /* -d SECONDS */
    const char *theme;         /* --theme, NULL = config or "default" */
    int color;                 /* -1 auto (NO_COLOR, terminal), 0 no, 1 yes */
    const char *themes_dir;
    const char *config_path;
    const char *uri_label;     /* shown in the status line; NULL = the URI */
    const char *plan_path;     /* --plan FILE: staged at start, review open */
    const char *open_vm;       /* --vm NAME: its panels open at start */
    const char *log_path;      /* --apply-log FILE; NULL = vt_apply_log_path() */
    const char *recovery_key;  /* the staged edits are kept on disk under
                                  this key ("demo"); NULL: not kept, or ... */
    bool recovery_by_uri;      /* ... kept under the URI libvirt reports */
    const char *state_dir;     /* where the recovery files go; NULL =
                                  $XDG_STATE_HOME/virt-tune */
    bool sandbox;              /* the demo: nothing of the user's or the
                                  network is touched (the set-up's login
                                  check is simulated, SASL users are in the
                                  demo host's realm), and its copy, with
                                  the recovery file, goes at exit */
} vt_app_opts;

/* Run until quit or a signal in `stop`; the terminal is restored before
 * returning. 0, or 1 with a message already printed to stderr. */
int vt_app_run(const vt_app_opts *opts, volatile sig_atomic_t *stop);

/* Where the themes are: $VIRT_TUNE_THEMEDIR, the source tree, else the
 * installed package data. */
const char *vt_themes_dir(void);

#endif
