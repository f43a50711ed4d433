/* The frame around every view: the title bar, the status line, the footer
 * generated from the action table, the pad views scroll, and the text
 * helpers views draw their lines with. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "tui/ui.h"
#include "widgets/status.h"
#include "widgets/text.h"

void vt_frame_title(vt_app *a, const char *what)
{
    char buf[512], staged[32] = "";
    const char *host = vt_nav_top(a) == VT_VIEW_FLEET ? "" : a->host_name ? a->host_name
                       : a->c && a->c->host.hostname ? a->c->host.hostname : "?";

    if (a->staged.n && vt_nav_top(a) != VT_VIEW_FLEET)   /* the fleet counts every host's */
        snprintf(staged, sizeof(staged), _("  [%zu staged]"), a->staged.n);
    snprintf(buf, sizeof(buf), " virt-tune  %s  %s%s%s", host, what, staged,
             !a->c ? "" : a->c->readonly_fallback ? _("  [read-only: no permission to manage]") :
             a->c->readonly ? _("  [read-only]") : "");
    vt_text_put(stdscr, 0, 0, buf, COLS, vt_theme_attr(&a->th, VT_ROLE_TITLE), 1);
}

/* The state, the URI and the interval on the right, the message on the
 * left. The message wins room over the URI and interval (an error must
 * stay readable), never over the state word; where it does not fit it is
 * cut with an ellipsis two columns before the right part, never into it. */
void vt_frame_status(vt_app *a)
{
    const char *state = vt_refresh_state(a);
    char right[256], left[sizeof(a->status) + 8];
    int lw = vt_text_width(a->status), rw, min = vt_text_width(state) + 1;

    if (vt_nav_top(a) == VT_VIEW_FLEET && a->fleet->n > 1)
        snprintf(right, sizeof(right), P_("%zu host  every %gs ", "%zu hosts  every %gs ", a->fleet->n),
                 a->fleet->n, a->refresh_ms / 1000.0);
    else
        snprintf(right, sizeof(right), _("%s  %s  every %gs "), state, a->uri_label, a->refresh_ms / 1000.0);
    rw = vt_text_width(right);
    if (lw && lw + 2 + rw > COLS)
        rw = COLS - lw - 2 > min ? COLS - lw - 2 : min;
    if (lw && lw + 2 + rw > COLS && COLS - rw - 2 > 1) {
        int keep = vt_fit_bytes(a->status, COLS - rw - 3);
        snprintf(left, sizeof(left), "%.*s…", keep, a->status);
    } else {
        snprintf(left, sizeof(left), "%s", a->status);
    }
    if (rw < vt_text_width(right)) {
        /* the right part cut at its end: the state word first */
        char cut[256];
        vt_text_fit(right, rw, cut, sizeof(cut));
        snprintf(right, sizeof(right), "%s", cut);
    }
    vt_status_draw(stdscr, LINES - 2, left, a->status_role, right, &a->th);
}

/* The footer: the actions whose table row names this view, in table
 * order; on a read-only connection none that would change something. */
void vt_frame_footer(vt_app *a, unsigned mask)
{
    const char *keys[VT_ACT_LAST], *labels[VT_ACT_LAST];
    static char keybuf[VT_ACT_LAST][16];
    bool ro = vt_app_readonly_why(a) != NULL;
    size_t n = 0;
    int i;

    for (i = 0; i < VT_ACT_LAST; i++) {
        const vt_action_info *ai = vt_action_get((vt_action)i);
        int key = vt_config_key_for(&a->cfg, (vt_action)i);
        if (!ai->footer || !(ai->screens & mask) || key < 0 || (ro && ai->writes))
            continue;
        keys[n] = vt_key_name(key, keybuf[n], sizeof(keybuf[n]));
        labels[n] = ai->footer;
        n++;
    }
    /* Too wide: Help and Quit (last in the table) stay, the item just
     * before them goes first: the view's own and the common ones come
     * first in the table. */
    for (;;) {
        int width = 0;
        for (size_t j = 0; j < n; j++)
            width += vt_text_width(keys[j]) + 1 + vt_text_width(labels[j]) + 2;
        if (width - 2 <= COLS || n < 3)
            break;
        memmove(&keys[n - 3], &keys[n - 2], 2 * sizeof(keys[0]));
        memmove(&labels[n - 3], &labels[n - 2], 2 * sizeof(labels[0]));
        n--;
    }
    vt_footer_draw(stdscr, LINES - 1, keys, labels, n, &a->th);
}

void vt_frame_pad(vt_app *a, const vt_pen *p, int *scroll, int top, int lines)
{
    int max = p->y - lines;

    if (max < 0)
        max = 0;
    if (*scroll > max)
        *scroll = max;
    if (*scroll < 0)
        *scroll = 0;
    /* a scroll clamped, or moved by the view after drawing (to keep a
       selection in sight), shows lines this pass did not draw */
    if (*scroll != p->lo)
        a->pad_clamped = true;
    wnoutrefresh(stdscr);
    pnoutrefresh(a->pad, *scroll, 0, top, 0, top + lines - 1, COLS - 1);
}

bool vt_frame_scroll(int *scroll, vt_action act)
{
    int page = LINES - 5;
    long d;

    switch (act) {
    case VT_ACT_UP: d = -1; break;
    case VT_ACT_DOWN: d = 1; break;
    case VT_ACT_PAGE_UP: d = -page; break;
    case VT_ACT_PAGE_DOWN: d = page; break;
    case VT_ACT_TOP: d = -100000; break;
    case VT_ACT_BOTTOM: d = 100000; break;
    default: return false;
    }
    *scroll += (int)d;
    if (*scroll < 0)
        *scroll = 0;
    return true;
}

vt_pen vt_pen_start(vt_app *a, int scroll)
{
    vt_pen p = { a->pad, 0, COLS, &a->th, scroll, scroll + LINES };

    /* only the lines the pen will draw are shown: erasing the whole pad
       (2000 lines) cost more than drawing a screen */
    for (int y = p.lo; y < p.hi && y < VT_PAD_LINES; y++) {
        wmove(a->pad, y, 0);
        wclrtoeol(a->pad);
    }
    return p;
}

bool vt_pen_vis(const vt_pen *p, int y)
{
    return y >= p->lo && y < p->hi && y < VT_PAD_LINES;
}

void vt_pen_line(vt_pen *p, vt_role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (vt_pen_vis(p, p->y))
        vt_text_put(p->w, p->y, 1, buf, p->width - 2, vt_theme_attr(p->th, role), 0);
    p->y++;
}

void vt_pen_field(vt_pen *p, const char *label, const char *value, vt_role role)
{
    if (vt_pen_vis(p, p->y)) {
        vt_text_put(p->w, p->y, 1, label, 24, vt_theme_attr(p->th, VT_ROLE_DIM), 1);
        vt_text_put(p->w, p->y, 26, value ? value : "-", p->width - 27, vt_theme_attr(p->th, role), 0);
    }
    p->y++;
}

void vt_pen_heading(vt_pen *p, const char *text)
{
    if (p->y > 0)
        p->y++;
    vt_pen_line(p, VT_ROLE_HEADER, "%s", text);
}

int vt_fit_bytes(const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;

    while (*p) {
        long cp;
        size_t n = vt_utf8_decode(p, &cp);
        int cw = cp < 0 || vt_cp_is_control(cp) || vt_cp_is_hostile(cp) ? (cp < 0x100 ? 4 : 6)
                                                                         : wcwidth((wchar_t)cp);
        if (cw < 0)
            cw = 6;
        if (w + cw > width)
            break;
        w += cw;
        p += n;
    }
    return (int)((const char *)p - s);
}

/* The character starting at s: CJK ideographs, kana, hangul, full-width
 * forms and CJK punctuation, between which a line may break. */
static bool wrap_cjk(const char *s, long *cp)
{
    vt_utf8_decode((const unsigned char *)s, cp);
    return (*cp >= 0x2e80 && *cp <= 0xa4cf) || (*cp >= 0xac00 && *cp <= 0xd7a3) ||
           (*cp >= 0xf900 && *cp <= 0xfaff) || (*cp >= 0xfe30 && *cp <= 0xfe4f) ||
           (*cp >= 0xff00 && *cp <= 0xff60) || (*cp >= 0xffe0 && *cp <= 0xffe6);
}

/* punctuation that closes: a line never starts with it */
static bool wrap_closing(long cp)
{
    static const long closing[] = { 0x3001, 0x3002, 0x3009, 0x300b, 0x300d, 0x300f, 0x3011,
                                    0xff01, 0xff09, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff1f };

    for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
        if (cp == closing[i])
            return true;
    return false;
}

/* Where a line of s that holds len bytes breaks: at its last space, or
 * between two characters one of which is CJK (Chinese has no spaces), in
 * the line's second half; else mid-word at len. */
static int wrap_cut(const char *s, int len)
{
    if (!s[len])
        return len;
    for (int cut = len; cut > len / 2; cut--) {
        long here, before;
        int prev = cut - 1;
        if (((unsigned char)s[cut] & 0xc0) == 0x80)
            continue;    /* inside a character */
        if (s[cut] == ' ')
            return cut;
        while (prev > 0 && ((unsigned char)s[prev] & 0xc0) == 0x80)
            prev--;
        if ((wrap_cjk(s + cut, &here) | wrap_cjk(s + prev, &before)) && !wrap_closing(here) && before != 0xff08 && before != 0x300c)
            return cut;
    }
    return len;
}

void vt_pen_wrap(vt_pen *p, vt_role role, const char *lead, const char *text)
{
    int indent = vt_text_width(lead);   /* columns, not bytes: "…" */
    int width = p->width - indent - 3;  /* a line keeps a margin */
    const char *s = text;
    bool first = true;

    if (width < 20)
        width = 20;
    while (*s) {
        int len = wrap_cut(s, vt_fit_bytes(s, width));
        if (first)
            vt_pen_line(p, role, "%s%.*s", lead, len, s);
        else
            vt_pen_line(p, role, "%*s%.*s", indent, "", len, s);
        first = false;
        s += len;
        while (*s == ' ')
            s++;
    }
}

void vt_pen_text(vt_pen *p, const char *text, const char *indent, bool diff)
{
    const char *s = text;

    while (s && *s) {
        const char *nl = strchr(s, '\n');
        int len = nl ? (int)(nl - s) : (int)strlen(s);
        vt_role role = VT_ROLE_NORMAL;
        if (diff) {
            if (len >= 3 && (strncmp(s, "+++", 3) == 0 || strncmp(s, "---", 3) == 0))
                role = VT_ROLE_DIM;
            else if (*s == '+')
                role = VT_ROLE_DIFF_ADD;
            else if (*s == '-')
                role = VT_ROLE_DIFF_DEL;
            else if (*s == '@')
                role = VT_ROLE_DIM;
        }
        vt_pen_line(p, role, "%s%.*s", indent, len, s);
        s = nl ? nl + 1 : NULL;
    }
}

const char *vt_pad(const char *s, int width)
{
    static char bufs[8][512];
    static unsigned next;
    char *out = bufs[next++ % 8];
    int w = vt_text_width(s), n = (width < 0 ? -width : width) - w;
    size_t len = strlen(s);

    if (n < 0)
        n = 0;
    if (len + (size_t)n >= sizeof(bufs[0]))
        return s;
    if (width < 0) {
        memcpy(out, s, len);
        memset(out + len, ' ', (size_t)n);
    } else {
        memset(out, ' ', (size_t)n);
        memcpy(out + n, s, len);
    }
    out[len + (size_t)n] = '\0';
    return out;
}

const char *vt_sev_marker(vt_severity s)
{
    /* TRANSLATORS: severity markers, 4 columns each (a CJK character is 2) */
    return s == VT_SEV_FAIL ? _("FAIL") : s == VT_SEV_WARN ? _("WARN") : _("info");
}

/* The words of vt_domain_state_name (core/conn.c), marked here where
 * they are shown. */
static const char *const state_words[] = {
    N_("running"), N_("blocked"), N_("paused"), N_("shutting-down"), N_("shutoff"), N_("crashed"),
    N_("pmsuspended"), N_("unknown"),
};

const char *vt_state_word(int state)
{
    const char *w = vt_domain_state_name(state);

    for (size_t i = 0; i < sizeof(state_words) / sizeof(state_words[0]); i++)
        if (strcmp(w, state_words[i]) == 0)
            return _(state_words[i]);
    return w;
}

vt_role vt_sev_role(vt_severity s)
{
    return s == VT_SEV_FAIL ? VT_ROLE_VALUE_BAD : s == VT_SEV_WARN ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM;
}
