/* A bar meter: '#' for the filled part, '.' for the rest, so the value
 * reads without colour; the label after it carries the numbers. */
#include <math.h>

#include "meter.h"
#include "text.h"

void vt_meter_draw(WINDOW *w, int y, int x, int width, double frac, vt_role role,
                   const char *label, const vt_theme *th)
{
    attr_t normal = vt_theme_attr(th, VT_ROLE_NORMAL);
    int inner, filled, maxx, i, lx = x;

    if (!w)
        return;
    maxx = getmaxx(w);
    if (isnan(frac) || frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    if (width >= 2) {
        char bar[512];

        inner = width - 2;
        if (inner > (int)sizeof(bar) - 1)
            inner = (int)sizeof(bar) - 1;
        filled = (int)(frac * inner + 0.5);
        if (filled > inner)
            filled = inner;
        vt_text_put(w, y, x, "[", 1, normal, 0);
        for (i = 0; i < filled; i++)
            bar[i] = '#';
        bar[filled] = '\0';
        if (filled)
            vt_text_put(w, y, x + 1, bar, filled, vt_theme_attr(th, role), 0);
        for (i = 0; i < inner - filled; i++)
            bar[i] = '.';
        bar[inner - filled] = '\0';
        if (inner - filled)
            vt_text_put(w, y, x + 1 + filled, bar, inner - filled,
                        vt_theme_attr(th, VT_ROLE_DIM), 0);
        vt_text_put(w, y, x + 1 + inner, "]", 1, normal, 0);
        lx = x + 2 + inner + 1;
    }
    if (label && lx < maxx)
        vt_text_put(w, y, lx, label, maxx - lx, normal, 0);
}
