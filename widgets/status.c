/* Status line and footer. The message on the left wins over the facts on
 * the right when the line is short: an error must stay readable. */
#include "status.h"
#include "text.h"

void vt_status_draw(WINDOW *w, int y, const char *left, vt_role left_role,
                    const char *right, const vt_theme *th)
{
    attr_t sa = vt_theme_attr(th, VT_ROLE_STATUS);
    int maxx, lw = 0, rw, room;

    if (!w)
        return;
    maxx = getmaxx(w);
    vt_text_put(w, y, 0, "", maxx, sa, 1);
    if (left && *left)
        lw = vt_text_put(w, y, 0, left, maxx, vt_theme_attr(th, left_role), 0);
    if (!right || !*right)
        return;
    rw = vt_text_width(right);
    room = maxx - lw - (lw ? 1 : 0);
    if (room <= 0)
        return;
    if (rw > room)
        rw = room;
    vt_text_put(w, y, maxx - rw, right, rw, sa, 0);
}

void vt_footer_draw(WINDOW *w, int y, const char *const *keys, const char *const *labels,
                    size_t n, const vt_theme *th)
{
    attr_t fa = vt_theme_attr(th, VT_ROLE_FOOTER), ka = vt_theme_attr(th, VT_ROLE_FOOTER_KEY);
    int maxx, x = 0;
    size_t i;

    if (!w)
        return;
    maxx = getmaxx(w);
    vt_text_put(w, y, 0, "", maxx, fa, 1);
    for (i = 0; keys && i < n; i++) {
        const char *label = labels && labels[i] ? labels[i] : "";
        int kw, lw;

        if (!keys[i])
            continue;
        kw = vt_text_width(keys[i]);
        lw = vt_text_width(label);
        /* an item is shown whole or not at all, and nothing after it */
        if (x + kw + (lw ? 1 + lw : 0) > maxx)
            break;
        vt_text_put(w, y, x, keys[i], kw, ka, 0);
        x += kw;
        if (lw) {
            vt_text_put(w, y, x + 1, label, lw, fa, 0);
            x += 1 + lw;
        }
        x += 2;
    }
}
