/* The status line: a message on the left (role by severity), facts on the
 * right (connection, refresh time), one line. */
#ifndef VT_STATUS_H
#define VT_STATUS_H

#include <curses.h>

#include "theme.h"

void vt_status_draw(WINDOW *w, int y, const char *left, vt_role left_role,
                    const char *right, const vt_theme *th);

/* A footer of "key label" pairs: keys[i] drawn with footer-key, labels[i]
 * with footer, as many as fit. */
void vt_footer_draw(WINDOW *w, int y, const char *const *keys, const char *const *labels,
                    size_t n, const vt_theme *th);

#endif
