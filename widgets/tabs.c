/* Tabs: " [Name] " for the active tab, "  Name  " for the others, so the
 * active one is visible by its brackets even without attributes. */
#include <stdio.h>

#include "tabs.h"
#include "text.h"

void vt_tabs_draw(vt_tabs *t, WINDOW *w, int y, const vt_theme *th)
{
    int maxx, x = 0;
    size_t i, n;

    t->y = y;
    n = t->n < VT_TABS_MAX ? t->n : VT_TABS_MAX;
    for (i = 0; i < VT_TABS_MAX; i++)
        t->x0[i] = t->x1[i] = -1;
    if (!w)
        return;
    maxx = getmaxx(w);
    vt_text_put(w, y, 0, "", maxx, vt_theme_attr(th, VT_ROLE_TAB), 1);
    for (i = 0; i < n && x < maxx; i++) {
        char seg[300], label[256];
        bool active = i == t->active;
        int used;

        /* fit the label alone so a cut one still closes its bracket */
        vt_text_fit(t->labels[i] ? t->labels[i] : "", 64, label, sizeof(label));
        snprintf(seg, sizeof(seg), active ? " [%s] " : "  %s  ", label);
        used = vt_text_put(w, y, x, seg, maxx - x,
                           vt_theme_attr(th, active ? VT_ROLE_TAB_ACTIVE : VT_ROLE_TAB), 0);
        t->x0[i] = x;
        t->x1[i] = x + used;
        x += used;
    }
}

int vt_tabs_hit(const vt_tabs *t, int y, int x)
{
    size_t i, n = t->n < VT_TABS_MAX ? t->n : VT_TABS_MAX;

    if (y != t->y)
        return -1;
    for (i = 0; i < n; i++)
        if (t->x0[i] >= 0 && x >= t->x0[i] && x < t->x1[i])
            return (int)i;
    return -1;
}
