/* A horizontal bar with its value written beside it (never colour alone):
 *   [#########.........]  2.1 GiB / 4.0 GiB */
#ifndef VT_METER_H
#define VT_METER_H

#include <curses.h>

#include "theme.h"

/* frac is clamped to 0..1; the bar is `width` columns including brackets;
 * label (may be NULL) is drawn after it. */
void vt_meter_draw(WINDOW *w, int y, int x, int width, double frac, vt_role role,
                   const char *label, const vt_theme *th);

#endif
