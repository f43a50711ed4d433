/* Modal dialog: a bordered box centred in the window, the title set in the
 * top border, the message lines, a blank line and the buttons, the
 * focused one in reverse (and bold) so it shows in monochrome. */
#include <stdbool.h>
#include <string.h>
#include <wctype.h>

#include "dialog.h"
#include "text.h"

#define VT_KEY_ESC 27
#define BUTTON_GAP 2

static int button_width(const char *label)
{
    return vt_text_width(label ? label : "") + 4;   /* "[ " label " ]" */
}

static int buttons_width(const vt_dialog *d)
{
    int w = 0;
    size_t i, n = d->nbuttons < VT_DIALOG_MAX_BUTTONS ? d->nbuttons : VT_DIALOG_MAX_BUTTONS;

    for (i = 0; i < n; i++)
        w += button_width(d->buttons[i]) + (i ? BUTTON_GAP : 0);
    return w;
}

/* Counts the message's '\n'-separated lines and their widest; draws the
 * first maxlines of them when w is given. */
static int message_lines(const char *msg, int *maxw, WINDOW *w, int y, int x, int width,
                         int maxlines, attr_t attr)
{
    int n = 0;

    if (maxw)
        *maxw = 0;
    if (!msg || !*msg)
        return 0;
    for (;;) {
        const char *nl = strchr(msg, '\n');
        size_t len = nl ? (size_t)(nl - msg) : strlen(msg);
        char *line = vt_strndup(msg, len);

        if (maxw) {
            int lw = vt_text_width(line);

            if (lw > *maxw)
                *maxw = lw;
        }
        if (w && n < maxlines)
            vt_text_put(w, y + n, x, line, width, attr, 0);
        free(line);
        n++;
        if (!nl)
            break;
        msg = nl + 1;
    }
    return n;
}

void vt_dialog_draw(const vt_dialog *d, WINDOW *w, const vt_theme *th)
{
    attr_t da = vt_theme_attr(th, VT_ROLE_DIALOG);
    attr_t focus = (da ^ A_REVERSE) | A_BOLD;
    int maxy, maxx, nlines, maxw, inner, bw, bh, y0, x0, bx, btnw, shown;
    size_t b, nb;

    if (!d || !w)
        return;
    getmaxyx(w, maxy, maxx);
    nb = d->nbuttons < VT_DIALOG_MAX_BUTTONS ? d->nbuttons : VT_DIALOG_MAX_BUTTONS;
    nlines = message_lines(d->message, &maxw, NULL, 0, 0, 0, 0, 0);
    btnw = buttons_width(d);
    inner = maxw;
    if (btnw > inner)
        inner = btnw;
    if (d->title && vt_text_width(d->title) + 2 > inner)
        inner = vt_text_width(d->title) + 2;
    bw = inner + 4;
    bh = 2 + nlines + (nlines ? 1 : 0) + 1;
    if (bw > maxx)
        bw = maxx;
    if (bh > maxy)
        bh = maxy;
    if (bw < 4 || bh < 3)
        return;
    y0 = (maxy - bh) / 2;
    x0 = (maxx - bw) / 2;

    vt_box_draw(w, y0, x0, bh, bw, d->title, da);
    /* lines between the top border and the buttons, less the blank one */
    shown = bh - 4;
    if (shown > 0)
        message_lines(d->message, NULL, w, y0 + 1, x0 + 2, bw - 4, shown, da);

    bx = x0 + 2 + (bw - 4 > btnw ? (bw - 4 - btnw) / 2 : 0);
    for (b = 0; b < nb; b++) {
        char *label = vt_asprintf("[ %s ]", d->buttons[b] ? d->buttons[b] : "");
        int room = x0 + bw - 2 - bx;

        if (room > 0)
            vt_text_put(w, y0 + bh - 2, bx, label, room, b == d->focus ? focus : da, 0);
        bx += button_width(d->buttons[b]) + BUTTON_GAP;
        free(label);
    }
}

/* First character of a UTF-8 label, or 0. */
static wint_t first_char(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    wint_t c;
    int n, i;

    if (!p || !*p)
        return 0;
    if (p[0] < 0x80)
        return p[0];
    if ((p[0] & 0xe0) == 0xc0) {
        c = p[0] & 0x1f;
        n = 1;
    } else if ((p[0] & 0xf0) == 0xe0) {
        c = p[0] & 0x0f;
        n = 2;
    } else if ((p[0] & 0xf8) == 0xf0) {
        c = p[0] & 0x07;
        n = 3;
    } else {
        return 0;
    }
    for (i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    return c;
}

/* The key that answers a button: the ASCII letter of a trailing "(X)"
 * (a translated label, "应用(A)"), else the label's first character. */
static wint_t button_key(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n >= 4 && s[n - 1] == ')' && s[n - 3] == '(' && s[n - 2] > 0x20 && s[n - 2] < 0x7f)
        return (unsigned char)s[n - 2];
    return first_char(s);
}

int vt_dialog_key(vt_dialog *d, int is_key, wint_t ch)
{
    size_t n = d->nbuttons < VT_DIALOG_MAX_BUTTONS ? d->nbuttons : VT_DIALOG_MAX_BUTTONS;
    size_t i;

    if (d->focus >= n)
        d->focus = 0;
    if (is_key) {
        switch ((int)ch) {
        case KEY_LEFT:
        case KEY_BTAB:
            if (n)
                d->focus = (d->focus + n - 1) % n;
            return -1;
        case KEY_RIGHT:
            if (n)
                d->focus = (d->focus + 1) % n;
            return -1;
        case KEY_ENTER:
            return n ? (int)d->focus : -2;
        default:
            return -1;
        }
    }
    switch (ch) {
    case VT_KEY_ESC:
        return -2;
    case '\t':
        if (n)
            d->focus = (d->focus + 1) % n;
        return -1;
    case '\n':
    case '\r':
    case ' ':
        return n ? (int)d->focus : -2;
    default:
        break;
    }
    if (ch < 0x20)
        return -1;
    for (i = 0; i < n; i++) {
        wint_t f = button_key(d->buttons[i]);

        if (f && towlower(f) == towlower(ch)) {
            d->focus = i;
            return (int)i;
        }
    }
    return -1;
}

void vt_box_draw(WINDOW *w, int y0, int x0, int h, int bw, const char *title, attr_t attr)
{
    for (int i = 0; i < h; i++)
        vt_text_put(w, y0 + i, x0, "", bw, attr, 1);
    mvwaddch(w, y0, x0, ACS_ULCORNER | attr);
    mvwhline(w, y0, x0 + 1, ACS_HLINE | attr, bw - 2);
    mvwaddch(w, y0, x0 + bw - 1, ACS_URCORNER | attr);
    mvwvline(w, y0 + 1, x0, ACS_VLINE | attr, h - 2);
    mvwvline(w, y0 + 1, x0 + bw - 1, ACS_VLINE | attr, h - 2);
    mvwaddch(w, y0 + h - 1, x0, ACS_LLCORNER | attr);
    mvwhline(w, y0 + h - 1, x0 + 1, ACS_HLINE | attr, bw - 2);
    mvwaddch(w, y0 + h - 1, x0 + bw - 1, ACS_LRCORNER | attr);
    if (title && *title && bw > 6) {
        char *t = vt_asprintf(" %s ", title);
        vt_text_put(w, y0, x0 + 2, t, bw - 4, attr | A_BOLD, 0);
        free(t);
    }
}
