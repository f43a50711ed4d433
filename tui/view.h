/* The interface every view implements (tig's view_ops, htop's Panel), and
 * the navigation stack they live on. A view's state (selection, scroll,
 * filter, its panel) is private to its file; what views share is in
 * tui/ui.h. */
#ifndef VT_VIEW_H
#define VT_VIEW_H

#include <curses.h>
#include <stddef.h>

#include "tui/actions.h"
#include "tui/views.h"

typedef struct vt_app vt_app;

typedef enum {
    VT_VIEW_IGNORED,    /* not the view's: the global actions get it */
    VT_VIEW_HANDLED,
    VT_VIEW_QUIT,
} vt_view_result;

typedef struct vt_view_ops {
    const char *name;
    /* Pushed on the stack (NULL: nothing to do). */
    void (*enter)(vt_app *a);
    /* Popped off it. */
    void (*leave)(vt_app *a);
    /* The title bar's words for what is shown ("12 VMs", "host"). */
    void (*title)(vt_app *a, char *buf, size_t n);
    /* The body, between the title and the status line; the frame (title,
     * status, footer) is drawn around it by the console. */
    void (*draw)(vt_app *a);
    /* An action while the view is on top. Back is offered first (a filter
     * to clear, a set-up to cancel); ignored, it pops the view. */
    vt_view_result (*action)(vt_app *a, vt_action act);
    /* A mouse event while no modal is open (NULL: none). */
    void (*mouse)(vt_app *a, const MEVENT *ev);
    /* A refresh merged a new snapshot; called for every view, on the stack
     * or not, so that what a view keeps of the snapshot stays valid. */
    void (*on_refresh)(vt_app *a);
    /* The console ends: what the view keeps is freed (NULL: nothing). */
    void (*free)(vt_app *a);
} vt_view_ops;

#define VT_VIEW_DECL(id, name, ops) extern const vt_view_ops ops;
VT_VIEWS(VT_VIEW_DECL)
#undef VT_VIEW_DECL

const vt_view_ops *vt_view_get(vt_view_id id);

/* The stack: Esc pops, and returns through exactly the views entered.
 * Pushing a view already on the stack pops back to it instead. */
#define VT_NAV_MAX 16
void vt_nav_push(vt_app *a, vt_view_id id);
/* False at the bottom (the VM list). */
bool vt_nav_pop(vt_app *a);
vt_view_id vt_nav_top(const vt_app *a);
bool vt_nav_has(const vt_app *a, vt_view_id id);

#endif
