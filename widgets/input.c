/* One-line input. The buffer is UTF-8 and the cursor a byte offset that
 * moves by whole code points; the field scrolls sideways to keep the
 * cursor in view, and the cell under the cursor is drawn reversed so the
 * cursor shows with curs_set(0) and in monochrome. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "input.h"
#include "text.h"

#define VT_KEY_ESC 27
#define VT_CTRL(c) ((c) & 0x1f)

static bool is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

static size_t prev_char(const vt_input *in, size_t pos)
{
    size_t k = 0;

    if (pos == 0)
        return 0;
    pos--;
    while (pos > 0 && k < 3 && is_cont((unsigned char)in->buf[pos])) {
        pos--;
        k++;
    }
    return pos;
}

static size_t next_char(const vt_input *in, size_t pos)
{
    size_t k = 0;

    if (pos >= in->len)
        return in->len;
    pos++;
    while (pos < in->len && k < 3 && is_cont((unsigned char)in->buf[pos])) {
        pos++;
        k++;
    }
    return pos;
}

/* Keep the buffer cut on a code point boundary after a byte limit. */
static size_t boundary_before(const char *s, size_t n)
{
    size_t k = 0;

    while (n > 0 && k < 3 && is_cont((unsigned char)s[n])) {
        n--;
        k++;
    }
    return n;
}

void vt_input_init(vt_input *in, const char *initial, vt_input_validate_fn v, void *ctx)
{
    size_t n = initial ? strlen(initial) : 0;

    memset(in, 0, sizeof(*in));
    if (n >= sizeof(in->buf)) {
        n = boundary_before(initial, sizeof(in->buf) - 1);
    }
    if (n)
        memcpy(in->buf, initial, n);
    in->buf[n] = '\0';
    in->len = n;
    in->cursor = n;
    in->validate = v;
    in->ctx = ctx;
}

static void insert_char(vt_input *in, wint_t ch)
{
    unsigned long c = (unsigned long)ch;
    char enc[4];
    size_t n;

    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
        return;
    n = vt_utf8_encode(c, enc);
    if (in->len + n >= sizeof(in->buf))
        return;
    memmove(in->buf + in->cursor + n, in->buf + in->cursor, in->len - in->cursor + 1);
    memcpy(in->buf + in->cursor, enc, n);
    in->len += n;
    in->cursor += n;
}

static void delete_range(vt_input *in, size_t from, size_t to)
{
    if (to <= from)
        return;
    memmove(in->buf + from, in->buf + to, in->len - to + 1);
    in->len -= to - from;
    if (in->cursor > to)
        in->cursor -= to - from;
    else if (in->cursor > from)
        in->cursor = from;
}

static vt_input_state submit(vt_input *in)
{
    in->msg[0] = '\0';
    if (in->validate && in->validate(in->ctx, in->buf, in->msg, sizeof(in->msg)) < 0) {
        in->msg[sizeof(in->msg) - 1] = '\0';
        if (!in->msg[0])
            snprintf(in->msg, sizeof(in->msg), "%s", _("invalid value"));
        return VT_INPUT_EDITING;
    }
    in->msg[0] = '\0';
    return VT_INPUT_DONE;
}

vt_input_state vt_input_key(vt_input *in, int is_key, wint_t ch)
{
    if (is_key) {
        switch ((int)ch) {
        case KEY_LEFT:
            in->cursor = prev_char(in, in->cursor);
            break;
        case KEY_RIGHT:
            in->cursor = next_char(in, in->cursor);
            break;
        case KEY_HOME:
            in->cursor = 0;
            break;
        case KEY_END:
            in->cursor = in->len;
            break;
        case KEY_BACKSPACE:
            delete_range(in, prev_char(in, in->cursor), in->cursor);
            break;
        case KEY_DC:
            delete_range(in, in->cursor, next_char(in, in->cursor));
            break;
        case KEY_ENTER:
            return submit(in);
        default:
            break;
        }
        return VT_INPUT_EDITING;
    }
    switch (ch) {
    case VT_KEY_ESC:
        return VT_INPUT_CANCELLED;
    case '\n':
    case '\r':
        return submit(in);
    case 0x7f:
    case VT_CTRL('H'):
        delete_range(in, prev_char(in, in->cursor), in->cursor);
        break;
    case VT_CTRL('U'):
        in->len = 0;
        in->cursor = 0;
        in->buf[0] = '\0';
        break;
    case VT_CTRL('A'):
        in->cursor = 0;
        break;
    case VT_CTRL('E'):
        in->cursor = in->len;
        break;
    default:
        insert_char(in, ch);
        break;
    }
    return VT_INPUT_EDITING;
}

static int sub_width(const vt_input *in, size_t from, size_t to, char *tmp)
{
    memcpy(tmp, in->buf + from, to - from);
    tmp[to - from] = '\0';
    return vt_text_width(tmp);
}

void vt_input_draw(const vt_input *in, WINDOW *w, int y, int x, int width, const vt_theme *th)
{
    attr_t a = vt_theme_attr(th, VT_ROLE_INPUT);
    char tmp[sizeof(in->buf)];
    size_t start = 0, cur = in->cursor > in->len ? in->len : in->cursor, next;
    int lw, cw, maxx;

    if (!w || width <= 0)
        return;
    if (in->secret) {
        /* never the characters, not even their widths: one star each */
        size_t n = 0, p = 0;
        while (p < in->len) {
            p = next_char(in, p);
            n++;
        }
        memset(tmp, '*', n < sizeof(tmp) - 2 ? n : sizeof(tmp) - 2);
        tmp[n < sizeof(tmp) - 2 ? n : sizeof(tmp) - 2] = '\0';
        vt_text_put(w, y, x, "", width, a, 1);
        vt_text_put(w, y, x, tmp, width - 1, a, 0);
        vt_text_put(w, y, x + (int)(n < (size_t)width - 1 ? n : (size_t)width - 1), " ", 1, a | A_REVERSE, 0);
        if (in->msg[0])
            vt_text_put(w, y + 1, x, in->msg, width, vt_theme_attr(th, VT_ROLE_VALUE_BAD), 0);
        return;
    }
    maxx = getmaxx(w);
    if (x < 0 || x >= maxx)
        return;
    if (width > maxx - x)
        width = maxx - x;
    vt_text_put(w, y, x, "", width, a, 1);

    /* scroll: the text before the cursor leaves a column for the cursor */
    while (start < cur && sub_width(in, start, cur, tmp) > width - 1)
        start = next_char(in, start);
    lw = sub_width(in, start, cur, tmp);
    if (lw > 0)
        vt_text_put(w, y, x, tmp, lw, a, 0);

    next = next_char(in, cur);
    if (next > cur) {
        sub_width(in, cur, next, tmp);
        cw = vt_text_put(w, y, x + lw, tmp, width - lw, a | A_REVERSE, 0);
    } else {
        cw = vt_text_put(w, y, x + lw, " ", width - lw, a | A_REVERSE, 0);
    }
    if (next < in->len && lw + cw < width) {
        sub_width(in, next, in->len, tmp);
        vt_text_put(w, y, x + lw + cw, tmp, width - lw - cw, a, 0);
    }

    if (in->msg[0])
        vt_text_put(w, y + 1, x, in->msg, width, vt_theme_attr(th, VT_ROLE_VALUE_BAD), 0);
}

void vt_input_wipe(vt_input *in)
{
    if (!in)
        return;
    explicit_bzero(in->buf, sizeof(in->buf));
    in->len = in->cursor = 0;
}
