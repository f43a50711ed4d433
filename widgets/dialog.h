/* A centred modal box with a title, a message (several lines) and a
 * choice of buttons; keys move between buttons, Enter picks, Esc cancels. */
#ifndef VT_DIALOG_H
#define VT_DIALOG_H

#include <curses.h>
#include <stddef.h>

#include "theme.h"

#define VT_DIALOG_MAX_BUTTONS 4

typedef struct vt_dialog {
    const char *title;                          /* not owned */
    const char *message;                        /* not owned; '\n' splits lines */
    const char *buttons[VT_DIALOG_MAX_BUTTONS]; /* not owned, e.g. "Quit", "Cancel" */
    size_t nbuttons;
    size_t focus;
} vt_dialog;

/* A framed box at (y0, x0), h by bw, filled with attr, title in the top
 * border; what the dialog and the console's other boxes are drawn in. */
void vt_box_draw(WINDOW *w, int y0, int x0, int h, int bw, const char *title, attr_t attr);

/* Draw centred in the window (e.g. stdscr). */
void vt_dialog_draw(const vt_dialog *d, WINDOW *w, const vt_theme *th);
/* -1 while open, the button index when picked, -2 on Esc. Left/Right/Tab
 * move; Enter picks; a button's first letter picks it, or the letter of
 * a trailing "(X)" ("应用(A)": a translated label keeps its key). */
int vt_dialog_key(vt_dialog *d, int is_key, wint_t ch);

#endif
