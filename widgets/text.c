/* Outside strings on screen. The string is cut into display units: one
 * printable character with its combining marks, or one escape. Escapes:
 * invalid UTF-8 bytes and code points below 0x100 that are controls are
 * shown as \xNN; other code points the terminal cannot show safely
 * (wcwidth < 0, bidi overrides, line separators, a combining mark with no
 * base) as \uXXXX. UTF-8 is decoded here rather than with mbrtowc so that
 * the bytes are read as UTF-8 whatever the locale's codeset; wcwidth then
 * says what the locale can display (in the C locale every non-ASCII
 * character ends up escaped, which is still safe). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "core/util.h"

/* base + up to 4 combining marks (CCHARW_MAX), or "\u10ffff" */
#define UNIT_WC 8

typedef struct text_unit {
    wchar_t wc[UNIT_WC];
    int nwc;
    int width;
} text_unit;

static void unit_escape(text_unit *u, long cp)
{
    char tmp[16];
    int i, n;

    if (cp < 0x100)
        n = snprintf(tmp, sizeof(tmp), "\\x%02lx", (unsigned long)cp);
    else
        n = snprintf(tmp, sizeof(tmp), "\\u%04lx", (unsigned long)cp);
    if (n > UNIT_WC)
        n = UNIT_WC;
    for (i = 0; i < n; i++)
        u->wc[i] = (wchar_t)(unsigned char)tmp[i];
    u->nwc = n;
    u->width = n;
}

/* The unit at p (not at NUL); returns where the next one starts. */
static const char *next_unit(const char *p, text_unit *u)
{
    const unsigned char *q = (const unsigned char *)p;
    long cp;
    size_t n = vt_utf8_decode(q, &cp);
    int cw;

    if (cp < 0) {
        unit_escape(u, q[0]);
        return p + 1;
    }
    cw = vt_cp_is_control(cp) ? -1 : wcwidth((wchar_t)cp);
    if (cw <= 0 || vt_cp_is_hostile(cp)) {
        unit_escape(u, cp);
        return p + n;
    }
    u->wc[0] = (wchar_t)cp;
    u->nwc = 1;
    u->width = cw;
    q += n;
    /* combining marks ride on their base; beyond what a curses cell holds
     * they are dropped (they add no width) */
    while (*q) {
        long c2;
        size_t n2 = vt_utf8_decode(q, &c2);

        if (c2 < 0 || vt_cp_is_control(c2) || vt_cp_is_hostile(c2) || wcwidth((wchar_t)c2) != 0)
            break;
        if (u->nwc < 5)
            u->wc[u->nwc++] = (wchar_t)c2;
        q += n2;
    }
    return (const char *)q;
}

int vt_text_width(const char *s)
{
    text_unit u;
    long w = 0;

    if (!s)
        return 0;
    while (*s) {
        s = next_unit(s, &u);
        w += u.width;
        if (w > 1000000000L)
            break;
    }
    return (int)w;
}

/* Lay s out in at most width columns: the wide characters go to *out
 * (vt_malloc'd, NUL-terminated, caller frees), columns used returned. */
static int render(const char *s, int width, wchar_t **out, size_t *outlen)
{
    text_unit u;
    wchar_t *buf;
    size_t len = 0, cap;
    int used = 0, limit;
    bool fits;

    if (!s)
        s = "";
    if (width < 0)
        width = 0;
    cap = (size_t)width * UNIT_WC + 2;
    buf = vt_malloc(cap * sizeof(*buf));
    fits = vt_text_width(s) <= width;
    limit = fits ? width : width - 1;
    while (*s) {
        int i;

        s = next_unit(s, &u);
        if (used + u.width > limit)
            break;
        for (i = 0; i < u.nwc; i++)
            buf[len++] = u.wc[i];
        used += u.width;
    }
    if (!fits && width > 0) {
        /* a wide character or escape that would straddle the end is left
         * out; spaces keep "~" in the last column */
        while (used < limit) {
            buf[len++] = L' ';
            used++;
        }
        buf[len++] = L'~';
        used++;
    }
    buf[len] = L'\0';
    *out = buf;
    *outlen = len;
    return used;
}

int vt_text_put(WINDOW *w, int y, int x, const char *s, int width, attr_t attr, int pad)
{
    wchar_t *buf;
    size_t len;
    int used, maxy, maxx;
    attr_t oattr;
    short opair;

    if (!w)
        return 0;
    getmaxyx(w, maxy, maxx);
    if (y < 0 || y >= maxy || x < 0 || x >= maxx || width <= 0)
        return 0;
    if (width > maxx - x)
        width = maxx - x;
    used = render(s, width, &buf, &len);
    wattr_get(w, &oattr, &opair, NULL);
    wattrset(w, (int)attr);
    if (len)
        mvwaddnwstr(w, y, x, buf, (int)len);
    if (pad && used < width) {
        wmove(w, y, x + used);
        while (used < width) {
            waddch(w, ' ');
            used++;
        }
    }
    wattr_set(w, oattr, opair, NULL);
    free(buf);
    return used;
}

size_t vt_utf8_encode(unsigned long c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

void vt_text_fit(const char *s, int width, char *out, size_t outsz)
{
    wchar_t *buf;
    size_t len, i, o = 0;

    if (!out || outsz == 0)
        return;
    /* every column takes at least one byte */
    if (width > 0 && (size_t)width > outsz)
        width = (int)outsz;
    render(s, width, &buf, &len);
    for (i = 0; i < len; i++) {
        char enc[4];
        size_t n = vt_utf8_encode((unsigned long)buf[i], enc);

        if (o + n >= outsz)
            break;
        memcpy(out + o, enc, n);
        o += n;
    }
    out[o] = '\0';
    free(buf);
}

/* Width of the first n bytes of s. */
static int width_of(const char *s, size_t n)
{
    char *t = malloc(n + 1);
    int w;

    if (!t)
        abort();
    memcpy(t, s, n);
    t[n] = '\0';
    w = vt_text_width(t);
    free(t);
    return w;
}

static bool continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

void vt_text_fit_path(const char *s, int width, char *out, size_t outsz)
{
    size_t len, tail, head;
    const char *slash;

    if (!out || outsz == 0)
        return;
    if (!s || vt_text_width(s) <= width || width < 4) {
        vt_text_fit(s ? s : "", width, out, outsz);
        return;
    }
    len = strlen(s);
    /* the tail: from the last '/', else as much of the end as fits */
    slash = strrchr(s, '/');
    tail = slash && slash != s ? len - (size_t)(slash - s) : 0;
    if (!tail || width_of(s + len - tail, tail) > width - 2) {
        tail = 0;
        while (tail < len && width_of(s + len - tail - 1, tail + 1) <= width - 1)
            tail++;
        while (tail && continuation((unsigned char)s[len - tail]))
            tail--;
        snprintf(out, outsz, "…%s", s + len - tail);
        return;
    }
    /* the head: what fits before "…", cut back to a '/' when there is one */
    head = 0;
    while (head < len - tail && width_of(s, head + 1) <= width - 1 - width_of(s + len - tail, tail))
        head++;
    while (head && continuation((unsigned char)s[head]))
        head--;
    for (size_t k = head; k > 1; k--)
        if (s[k - 1] == '/') {
            head = k;
            break;
        }
    snprintf(out, outsz, "%.*s…%s", (int)head, s, s + len - tail);
}
