/* A row of tabs; the active one is marked by role and by brackets, so it
 * shows in monochrome too. */
#ifndef VT_TABS_H
#define VT_TABS_H

#include <curses.h>
#include <stddef.h>

#include "theme.h"

#define VT_TABS_MAX 16

typedef struct vt_tabs {
    const char *labels[VT_TABS_MAX];   /* not owned */
    size_t n;
    size_t active;
    int x0[VT_TABS_MAX], x1[VT_TABS_MAX];   /* columns of each tab at last draw */
    int y;                               /* line of the last draw */
} vt_tabs;

void vt_tabs_draw(vt_tabs *t, WINDOW *w, int y, const vt_theme *th);
int vt_tabs_hit(const vt_tabs *t, int y, int x);   /* tab index or -1 */

#endif
