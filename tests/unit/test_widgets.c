/* Unit tests for widgets/: every widget draws into an off-screen curses
 * window (newterm on /dev/null) and the test reads back what was drawn,
 * text and attributes, with the monochrome theme so that attributes alone
 * have to carry the meaning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "widgets/theme.h"
#include "widgets/text.h"
#include "widgets/table.h"
#include "widgets/tabs.h"
#include "widgets/meter.h"
#include "widgets/cpugrid.h"
#include "widgets/input.h"
#include "widgets/dialog.h"
#include "widgets/status.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ATTR_MASK (A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM)

static SCREEN *scr;
static FILE *scr_out, *scr_in;
static vt_theme mono;

/* ---- off-screen terminal --------------------------------------------- */

static int setup_screen(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "C.utf8")) {
        fprintf(stderr, "no C.UTF-8 locale\n");
        return -1;
    }
    /* windows up to 300x100, whatever the terminal the tests run in */
    setenv("COLUMNS", "300", 1);
    setenv("LINES", "100", 1);
    scr_out = fopen("/dev/null", "w");
    scr_in = fopen("/dev/null", "r");
    if (!scr_out || !scr_in)
        return -1;
    scr = newterm("xterm", scr_out, scr_in);
    if (!scr) {
        fprintf(stderr, "newterm(xterm) failed: is the xterm terminfo entry installed?\n");
        return -1;
    }
    set_term(scr);
    vt_theme_mono(&mono);
    return 0;
}

static int teardown_screen(void **state)
{
    (void)state;
    if (scr) {
        endwin();
        delscreen(scr);
        scr = NULL;
    }
    if (scr_out)
        fclose(scr_out);
    if (scr_in)
        fclose(scr_in);
    return 0;
}

static WINDOW *win(int rows, int cols)
{
    WINDOW *w = newwin(rows, cols, 0, 0);

    assert_non_null(w);
    return w;
}

/* Line y of w as UTF-8, trailing spaces removed. */
static const char *row(WINDOW *w, int y)
{
    static char out[4096];
    wchar_t wbuf[1024];
    size_t n;
    int got = mvwinnwstr(w, y, 0, wbuf, getmaxx(w));

    assert_true(got != ERR);
    n = wcstombs(out, wbuf, sizeof(out) - 1);
    assert_true(n != (size_t)-1);
    out[n] = '\0';
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    return out;
}

/* The monochrome attributes of the cell at (y, x). */
static attr_t attr_at(WINDOW *w, int y, int x)
{
    cchar_t c;
    wchar_t wch[CCHARW_MAX + 1];
    attr_t a = 0;
    short pair = 0;

    assert_int_equal(mvwin_wch(w, y, x, &c), OK);
    assert_int_equal(getcchar(&c, wch, &a, &pair, NULL), OK);
    return a & ATTR_MASK;
}

static int count_char(const char *s, char c)
{
    int n = 0;

    for (; *s; s++)
        n += *s == c;
    return n;
}

static void assert_err_has(const vt_err *err, const char *want)
{
    if (!strstr(err->msg, want)) {
        print_error("message \"%s\" lacks \"%s\"\n", err->msg, want);
        fail();
    }
}

/* ---- theme ----------------------------------------------------------- */

static void test_role_names(void **state)
{
    (void)state;
    for (int r = 0; r < VT_ROLE_LAST; r++) {
        const char *n = vt_role_name((vt_role)r);

        assert_non_null(n);
        assert_int_equal(vt_role_from_name(n), r);
    }
    assert_string_equal(vt_role_name(VT_ROLE_VALUE_WARN), "value-warn");
    assert_int_equal(vt_role_from_name("grid-vcpu"), VT_ROLE_GRID_VCPU);
    assert_int_equal(vt_role_from_name("nope"), -1);
    assert_int_equal(vt_role_from_name(NULL), -1);
    assert_null(vt_role_name(VT_ROLE_LAST));
}

static void test_theme_parse_good(void **state)
{
    vt_theme t;
    vt_err err = { { 0 } };
    const char *text =
        "# a comment\n"
        "\n"
        "   selection = black cyan bold   \n"
        "value-warn=yellow default bold underline # trailing comment\n"
        "title = 12 255 reverse dim\r\n"
        "header = DEFAULT Red normal\n"
        "selection = white blue reverse\n";   /* the later line wins */

    (void)state;
    assert_int_equal(vt_theme_parse(text, "mine", &t, &err), 0);
    assert_string_equal(t.name, "mine");
    assert_false(t.color);
    assert_int_equal(t.roles[VT_ROLE_SELECTION].fg, COLOR_WHITE);
    assert_int_equal(t.roles[VT_ROLE_SELECTION].bg, COLOR_BLUE);
    assert_int_equal(t.roles[VT_ROLE_SELECTION].attrs, A_REVERSE);
    assert_int_equal(t.roles[VT_ROLE_VALUE_WARN].fg, COLOR_YELLOW);
    assert_int_equal(t.roles[VT_ROLE_VALUE_WARN].bg, -1);
    assert_int_equal(t.roles[VT_ROLE_VALUE_WARN].attrs, A_BOLD | A_UNDERLINE);
    assert_int_equal(t.roles[VT_ROLE_TITLE].fg, 12);
    assert_int_equal(t.roles[VT_ROLE_TITLE].bg, 255);
    assert_int_equal(t.roles[VT_ROLE_TITLE].attrs, A_REVERSE | A_DIM);
    assert_int_equal(t.roles[VT_ROLE_HEADER].fg, -1);
    assert_int_equal(t.roles[VT_ROLE_HEADER].bg, COLOR_RED);
    assert_int_equal(t.roles[VT_ROLE_HEADER].attrs, A_NORMAL);

    /* empty and comment-only text is a valid, all-default theme */
    assert_int_equal(vt_theme_parse("# nothing\n\n", "empty", &t, &err), 0);
    assert_int_equal(t.roles[VT_ROLE_STAGED].fg, -1);
    assert_int_equal(t.roles[VT_ROLE_STAGED].attrs, A_NORMAL);
}

static void test_theme_inherit_normal(void **state)
{
    vt_theme t;
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_theme_parse("value-ok = green default\n"
                                    "normal = white blue dim\n", "inh", &t, &err), 0);
    for (int r = 0; r < VT_ROLE_LAST; r++) {
        if (r == VT_ROLE_VALUE_OK)
            continue;
        assert_int_equal(t.roles[r].fg, COLOR_WHITE);
        assert_int_equal(t.roles[r].bg, COLOR_BLUE);
        assert_int_equal(t.roles[r].attrs, A_DIM);
    }
    assert_int_equal(t.roles[VT_ROLE_VALUE_OK].fg, COLOR_GREEN);
    assert_int_equal(t.roles[VT_ROLE_VALUE_OK].bg, -1);
    assert_int_equal(t.roles[VT_ROLE_VALUE_OK].attrs, A_NORMAL);
}

static void test_theme_parse_bad(void **state)
{
    static const struct {
        const char *text;
        const char *want[3];
    } cases[] = {
        { "normal = default default\nselction = black cyan\n", { "line 2", "unknown role", "selction" } },
        { "selection = pink cyan\n", { "line 1", "unknown colour", "pink" } },
        { "# c\n\nselection = black 256\n", { "line 3", "unknown colour", "256" } },
        { "selection = -1 cyan\n", { "line 1", "unknown colour", "-1" } },
        { "selection = 12x cyan\n", { "line 1", "unknown colour", "12x" } },
        { "a\n", { "line 1", "expected", "role" } },
        { "\n\n\n\ntitle = red blue blink\n", { "line 5", "unknown attribute", "blink" } },
        { "title = red blue bold bold2\n", { "line 1", "unknown attribute", "bold2" } },
        { "title = red\n", { "line 1", "background", "title" } },
        { "title =\n", { "line 1", "title", "colour" } },
        { "= red blue\n", { "line 1", "unknown role", "\"\"" } },
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        vt_theme t;
        vt_err err = { { 0 } };

        memset(&t, 0, sizeof(t));
        snprintf(t.name, sizeof(t.name), "untouched");
        if (vt_theme_parse(cases[i].text, "bad", &t, &err) != -1) {
            print_error("case %zu accepted: %s", i, cases[i].text);
            fail();
        }
        assert_err_has(&err, "bad");
        for (size_t k = 0; k < 3; k++)
            assert_err_has(&err, cases[i].want[k]);
        /* a refused theme leaves the caller's theme as it was */
        assert_string_equal(t.name, "untouched");
    }
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    size_t n;

    assert_non_null(f);
    buf = calloc(1, 65536);
    assert_non_null(buf);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const char *themes_dir(char *buf, size_t sz)
{
    const char *top = getenv("top_srcdir");

    snprintf(buf, sz, "%s/themes", top && *top ? top : ".");
    return buf;
}

static void test_theme_load_shipped(void **state)
{
    static const char *const names[] = { "default", "mono", "high-contrast" };
    char dir[4096];

    (void)state;
    themes_dir(dir, sizeof(dir));
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        vt_theme t;
        vt_err err = { { 0 } };
        char path[4200];
        char *text, *save = NULL, *line;
        bool named[VT_ROLE_LAST] = { false };

        if (vt_theme_load(dir, names[i], &t, &err) != 0) {
            print_error("%s: %s\n", names[i], err.msg);
            fail();
        }
        assert_string_equal(t.name, names[i]);

        /* every role is written out, none left to inheritance */
        snprintf(path, sizeof(path), "%s/%s.theme", dir, names[i]);
        text = read_text(path);
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char role[64];

            if (line[0] == '#' || sscanf(line, " %63[a-z-]", role) != 1)
                continue;
            int r = vt_role_from_name(role);
            assert_true(r >= 0);
            named[r] = true;
        }
        free(text);
        for (int r = 0; r < VT_ROLE_LAST; r++) {
            if (!named[r]) {
                print_error("%s.theme does not name %s\n", names[i], vt_role_name((vt_role)r));
                fail();
            }
        }

        /* works in monochrome: what must stand out has attributes */
        assert_true(t.roles[VT_ROLE_SELECTION].attrs & A_REVERSE);
        assert_true(t.roles[VT_ROLE_TAB_ACTIVE].attrs != t.roles[VT_ROLE_TAB].attrs);
        assert_true(t.roles[VT_ROLE_FOOTER_KEY].attrs != t.roles[VT_ROLE_FOOTER].attrs);
        assert_true(t.roles[VT_ROLE_STATUS_ERROR].attrs != t.roles[VT_ROLE_STATUS].attrs);
        assert_true(t.roles[VT_ROLE_VALUE_WARN].attrs != t.roles[VT_ROLE_NORMAL].attrs);
        assert_true(t.roles[VT_ROLE_VALUE_BAD].attrs != t.roles[VT_ROLE_NORMAL].attrs);
        assert_true(t.roles[VT_ROLE_VALUE_BAD].attrs != t.roles[VT_ROLE_VALUE_WARN].attrs);
        assert_true(t.roles[VT_ROLE_STAGED].attrs != t.roles[VT_ROLE_NORMAL].attrs);
        assert_true(t.roles[VT_ROLE_HEADER].attrs != t.roles[VT_ROLE_NORMAL].attrs);
    }

    /* mono.theme is the built-in monochrome theme written out */
    {
        vt_theme t;
        vt_err err = { { 0 } };

        assert_int_equal(vt_theme_load(dir, "mono", &t, &err), 0);
        for (int r = 0; r < VT_ROLE_LAST; r++) {
            assert_int_equal(t.roles[r].fg, -1);
            assert_int_equal(t.roles[r].bg, -1);
            if (t.roles[r].attrs != mono.roles[r].attrs) {
                print_error("mono.theme %s differs from vt_theme_mono\n", vt_role_name((vt_role)r));
                fail();
            }
        }
    }
}

static void test_theme_load_missing(void **state)
{
    vt_theme t;
    vt_err err = { { 0 } };
    char dir[4096];

    (void)state;
    themes_dir(dir, sizeof(dir));
    assert_int_equal(vt_theme_load(dir, "no-such-theme", &t, &err), -1);
    assert_err_has(&err, "no-such-theme.theme");
    assert_int_equal(vt_theme_load(dir, "../themes/default", &t, &err), -1);
    assert_err_has(&err, "bad theme name");
    assert_int_equal(vt_theme_load(dir, "", &t, &err), -1);
}

static void test_theme_mono_attrs(void **state)
{
    vt_theme t;

    (void)state;
    vt_theme_mono(&t);
    assert_false(t.color);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_NORMAL), A_NORMAL);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_SELECTION), A_REVERSE);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_HEADER), A_BOLD | A_UNDERLINE);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_VALUE_WARN), A_BOLD);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_STAGED), A_BOLD);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_DIM), A_DIM);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_TAB_ACTIVE), A_REVERSE | A_BOLD);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_FOOTER_KEY), A_REVERSE);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_STATUS_ERROR), A_BOLD | A_REVERSE);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_LAST), A_NORMAL);
    assert_int_equal(vt_theme_attr(NULL, VT_ROLE_SELECTION), A_NORMAL);
    /* no role draws exactly like another role meant to stand out */
    assert_true(vt_theme_attr(&t, VT_ROLE_VALUE_BAD) != vt_theme_attr(&t, VT_ROLE_VALUE_WARN));
}

static void test_theme_apply(void **state)
{
    vt_theme t;
    vt_err err = { { 0 } };
    attr_t a;

    (void)state;
    assert_int_equal(vt_theme_parse("selection = black cyan reverse\n", "c", &t, &err), 0);
    vt_theme_apply(&t, false);
    assert_false(t.color);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_SELECTION), A_REVERSE);

    /* xterm has colours: pairs are set up, one per role */
    assert_true(has_colors());
    vt_theme_apply(&t, true);
    assert_true(t.color);
    a = vt_theme_attr(&t, VT_ROLE_SELECTION);
    assert_int_equal(PAIR_NUMBER(a), VT_ROLE_SELECTION + 1);
    assert_true(a & A_REVERSE);
    {
        short fg = 0, bg = 0;

        assert_int_equal(pair_content(VT_ROLE_SELECTION + 1, &fg, &bg), OK);
        assert_int_equal(fg, COLOR_BLACK);
        assert_int_equal(bg, COLOR_CYAN);
    }
    assert_int_equal(PAIR_NUMBER(vt_theme_attr(&t, VT_ROLE_NORMAL)), VT_ROLE_NORMAL + 1);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_NORMAL) & ATTR_MASK, A_NORMAL);

    /* asked for monochrome again: attributes only */
    vt_theme_apply(&t, false);
    assert_false(t.color);
    assert_int_equal(vt_theme_attr(&t, VT_ROLE_SELECTION), A_REVERSE);
}

/* ---- text ------------------------------------------------------------ */

static const char *fit(const char *s, int width)
{
    static char out[2048];

    vt_text_fit(s, width, out, sizeof(out));
    return out;
}

static void test_text_width(void **state)
{
    (void)state;
    assert_int_equal(vt_text_width("abc"), 3);
    assert_int_equal(vt_text_width(""), 0);
    assert_int_equal(vt_text_width(NULL), 0);
    assert_int_equal(vt_text_width("测试"), 4);
    assert_int_equal(vt_text_width("vm-测试-1"), 9);
    assert_int_equal(vt_text_width("a\tb"), 6);               /* a \x09 b */
    assert_int_equal(vt_text_width("\x1b[31m"), 8);           /* \x1b [31m */
    assert_int_equal(vt_text_width("\x7f"), 4);
    assert_int_equal(vt_text_width("\xc2\x85"), 4);           /* C1 NEL: \x85 */
    assert_int_equal(vt_text_width("\xff"), 4);
    assert_int_equal(vt_text_width("e\xcc\x81"), 1);          /* e + combining acute */
    assert_int_equal(vt_text_width("\xcc\x81"), 6);           /* no base: \u0301 */
    assert_int_equal(vt_text_width("\xe2\x80\xae"), 6);       /* RLO: \u202e */
    assert_int_equal(vt_text_width("\xc0\xaf"), 8);           /* overlong */
    assert_int_equal(vt_text_width("\xed\xa0\x80"), 12);      /* surrogate */
    assert_int_equal(vt_text_width("\xf4\x90\x80\x80"), 16);  /* above U+10FFFF */
}

static void test_text_escaping(void **state)
{
    (void)state;
    assert_string_equal(fit("a\tb", 20), "a\\x09b");
    assert_string_equal(fit("\x1b[2Jrm -rf", 40), "\\x1b[2Jrm -rf");
    assert_string_equal(fit("line1\r\nline2", 40), "line1\\x0d\\x0aline2");
    assert_string_equal(fit("del\x7f", 40), "del\\x7f");
    assert_string_equal(fit("\xc2\x9b" "31m", 40), "\\x9b31m");
    assert_string_equal(fit("a\xe2\x80\xae" "gpj.exe", 40), "a\\u202egpj.exe");
    assert_string_equal(fit("caf\x65\xcc\x81", 40), "caf\x65\xcc\x81");
    assert_string_equal(fit("测试", 40), "测试");
    /* zero-width characters: a name with one would look like one without */
    assert_string_equal(fit("zw\xe2\x80\x8bsp", 40), "zw\\u200bsp");
    assert_string_equal(fit("\xef\xbb\xbf" "bom", 40), "\\ufeffbom");
}

/* The text report and the screens escape alike (core's vt_escape_text,
 * one classification of what is unsafe). */
static void test_escape_text(void **state)
{
    static const struct { const char *in, *out; } cases[] = {
        { "web-01", "web-01" },
        { "tab\there", "tab\\x09here" },
        { "\x1b[2J", "\\x1b[2J" },
        { "del\x7f", "del\\x7f" },
        { "csi\xc2\x9b" "31m", "csi\\x9b31m" },
        { "rtl\xe2\x80\xae" "evil", "rtl\\u202eevil" },
        { "zw\xe2\x80\x8bsp", "zw\\u200bsp" },
        { "bad\xff\xfe", "bad\\xff\\xfe" },
        { "\xe6\xb5\x8b\xe8\xaf\x95", "\xe6\xb5\x8b\xe8\xaf\x95" },   /* CJK kept */
        { "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
        { "", "" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *e = vt_escape_text(cases[i].in);
        if (strcmp(e, cases[i].out) != 0)
            fail_msg("case %zu: got \"%s\", expected \"%s\"", i, e, cases[i].out);
        free(e);
    }
}

static void test_text_invalid_utf8(void **state)
{
    (void)state;
    assert_string_equal(fit("ab\xff" "cd", 40), "ab\\xffcd");
    assert_string_equal(fit("ok\xe6\xb5", 40), "ok\\xe6\\xb5");        /* cut sequence */
    assert_string_equal(fit("\xe6\xb5!", 40), "\\xe6\\xb5!");
    assert_string_equal(fit("\xc0\xaf", 40), "\\xc0\\xaf");            /* overlong '/' */
    assert_string_equal(fit("\xed\xa0\x80", 40), "\\xed\\xa0\\x80");  /* surrogate */
    assert_string_equal(fit("\x80x", 40), "\\x80x");                  /* lone continuation */
    assert_int_equal(vt_text_width("ok\xe6\xb5"), 10);
}

static void test_text_truncation(void **state)
{
    char small[4];
    char name[201];

    (void)state;
    assert_string_equal(fit("abcdef", 4), "abc~");
    assert_string_equal(fit("abcd", 4), "abcd");
    assert_string_equal(fit("abcde", 1), "~");
    assert_string_equal(fit("abcde", 0), "");
    assert_string_equal(fit("abcde", -3), "");
    assert_string_equal(fit("测试", 4), "测试");
    assert_string_equal(fit("测试", 3), "测~");
    /* a wide character that would straddle the limit leaves a space */
    assert_string_equal(fit("a测试", 3), "a ~");
    assert_string_equal(fit("a测试", 4), "a测~");
    assert_int_equal(vt_text_width(fit("a测试x", 4)), 4);
    /* so does an escape: escapes are never cut in half */
    assert_string_equal(fit("ab\x1b", 5), "ab  ~");
    assert_string_equal(fit("\x1b\x1b", 6), "\\x1b ~");

    memset(name, 'n', 200);
    name[200] = '\0';
    assert_int_equal(vt_text_width(name), 200);
    assert_int_equal(strlen(fit(name, 24)), 24);
    assert_int_equal(fit(name, 24)[23], '~');
    assert_string_equal(fit(name, 300), name);

    /* the output buffer bounds the result, which stays NUL-terminated */
    memset(small, 'X', sizeof(small));
    vt_text_fit("abcdef", 10, small, sizeof(small));
    assert_int_equal(strlen(small), 3);
    vt_text_fit("测试", 10, small, sizeof(small));
    assert_string_equal(small, "测");
}

static void test_text_put(void **state)
{
    WINDOW *w = win(4, 30);
    char name[201];

    (void)state;
    assert_int_equal(vt_text_put(w, 0, 0, "测试ab", 10, A_BOLD, 1), 10);
    assert_string_equal(row(w, 0), "测试ab");
    assert_int_equal(attr_at(w, 0, 0), A_BOLD);
    assert_int_equal(attr_at(w, 0, 9), A_BOLD);       /* padding has the attribute */
    assert_int_equal(attr_at(w, 0, 10), A_NORMAL);    /* and stops at width */

    /* without pad: columns of text only */
    assert_int_equal(vt_text_put(w, 1, 2, "a\x1b[0m", 20, A_NORMAL, 0), 8);
    assert_string_equal(row(w, 1), "  a\\x1b[0m");

    /* a 200-character name in 20 columns */
    memset(name, 'n', 200);
    name[200] = '\0';
    mvwaddstr(w, 2, 0, "..............................");
    assert_int_equal(vt_text_put(w, 2, 0, name, 20, A_NORMAL, 0), 20);
    assert_string_equal(row(w, 2), "nnnnnnnnnnnnnnnnnnn~..........");

    /* clipped at the window edge: the wide character does not straddle it */
    werase(w);
    assert_int_equal(vt_text_put(w, 3, 27, "测试", 100, A_NORMAL, 0), 3);
    assert_string_equal(row(w, 3), "                           测~");

    /* off the window: nothing */
    assert_int_equal(vt_text_put(w, 4, 0, "x", 5, A_NORMAL, 0), 0);
    assert_int_equal(vt_text_put(w, 0, 30, "x", 5, A_NORMAL, 0), 0);
    assert_int_equal(vt_text_put(w, -1, 0, "x", 5, A_NORMAL, 0), 0);
    assert_int_equal(vt_text_put(NULL, 0, 0, "x", 5, A_NORMAL, 0), 0);
    delwin(w);
}

/* ---- table ----------------------------------------------------------- */

typedef struct trow {
    char id[16];
    char name[64];
    int vcpu;
    bool bad;
} trow;

typedef struct tdata {
    trow rows[64];
    size_t n;
} tdata;

static const char *trow_id(void *ctx, size_t r)
{
    return ((tdata *)ctx)->rows[r].id;
}

static void trow_cell(void *ctx, size_t r, size_t c, vt_table_cell *out)
{
    const trow *x = &((tdata *)ctx)->rows[r];

    if (c == 0) {
        snprintf(out->text, sizeof(out->text), "%s", x->name);
    } else {
        snprintf(out->text, sizeof(out->text), "%d", x->vcpu);
        if (x->bad)
            out->role = VT_ROLE_VALUE_BAD;
    }
}

static void tdata_fill(tdata *d, size_t n)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < n; i++) {
        snprintf(d->rows[i].id, sizeof(d->rows[i].id), "id%zu", i);
        snprintf(d->rows[i].name, sizeof(d->rows[i].name), "vm-%zu", i);
        d->rows[i].vcpu = (int)i + 1;
    }
    d->n = n;
}

static const vt_table_col tcols[] = {
    { "Name", 6, 1, false },
    { "vCPU", 4, 0, true },
};

/* The window line holding '>' (the selection), or -1. */
static int marker_line(WINDOW *w)
{
    int found = -1;

    for (int y = 1; y < getmaxy(w); y++) {
        if ((mvwinch(w, y, 0) & A_CHARTEXT) == '>') {
            assert_int_equal(found, -1);   /* only one */
            found = y;
        }
    }
    return found;
}

static void test_table_draw(void **state)
{
    WINDOW *w = win(5, 20);
    vt_table t;
    tdata d;

    (void)state;
    tdata_fill(&d, 3);
    d.rows[2].bad = true;
    vt_table_init(&t, tcols, ARRAY_LEN(tcols));
    vt_table_set_rows(&t, d.n, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);

    /* gutter, Name gets the spare columns, one space, vCPU right-aligned */
    assert_string_equal(row(w, 0), " Name           vCPU");
    assert_string_equal(row(w, 1), ">vm-0              1");
    assert_string_equal(row(w, 2), " vm-1              2");
    assert_string_equal(row(w, 3), " vm-2              3");
    assert_string_equal(row(w, 4), "");
    assert_int_equal(t.height, 4);

    /* header role across the line; selection across the whole width */
    assert_int_equal(attr_at(w, 0, 0), A_BOLD | A_UNDERLINE);
    assert_int_equal(attr_at(w, 0, 19), A_BOLD | A_UNDERLINE);
    for (int x = 0; x < 20; x++)
        assert_true(attr_at(w, 1, x) & A_REVERSE);
    assert_int_equal(attr_at(w, 2, 0), A_NORMAL);
    assert_int_equal(attr_at(w, 2, 19), A_NORMAL);
    /* a cell's role: bold+underline for value-bad in mono */
    assert_int_equal(attr_at(w, 3, 19), A_BOLD | A_UNDERLINE);
    assert_int_equal(attr_at(w, 3, 1), A_NORMAL);

    /* selecting the bad row keeps both: reverse and the value's attributes */
    vt_table_move(&t, 2, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(marker_line(w), 3);
    assert_int_equal(attr_at(w, 3, 19), A_REVERSE | A_BOLD | A_UNDERLINE);
    assert_int_equal(attr_at(w, 3, 5), A_REVERSE);
    assert_int_equal(attr_at(w, 1, 0), A_NORMAL);

    vt_table_free(&t);
    vt_table_free(NULL);
    delwin(w);
}

static void test_table_sort_marker(void **state)
{
    WINDOW *w = win(3, 20);
    vt_table t;
    tdata d;

    (void)state;
    tdata_fill(&d, 1);
    vt_table_init(&t, tcols, ARRAY_LEN(tcols));
    assert_int_equal(t.sort_col, -1);
    vt_table_set_rows(&t, d.n, trow_id, &d);

    t.sort_col = 0;
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_string_equal(row(w, 0), " Name ^         vCPU");
    t.sort_desc = true;
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_string_equal(row(w, 0), " Name v         vCPU");
    /* a narrow column keeps its marker and loses title letters */
    t.sort_col = 1;
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_string_equal(row(w, 0), " Name           vCPv");
    t.sort_desc = false;
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_string_equal(row(w, 0), " Name           vCP^");
    t.sort_col = -1;
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_string_equal(row(w, 0), " Name           vCPU");
    vt_table_free(&t);
    delwin(w);
}

static void test_table_scroll(void **state)
{
    WINDOW *w = win(6, 20);   /* header + 5 rows */
    vt_table t;
    tdata d;
    char want[32];
    static const long moves[] = { 1, 1, 10, -3, 5, 100, -1, -4, -40, 3, 0, 7, -1000000L, 1000000L };

    (void)state;
    tdata_fill(&d, 50);
    vt_table_init(&t, tcols, ARRAY_LEN(tcols));
    vt_table_set_rows(&t, d.n, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);

    vt_table_move(&t, 10, trow_id, &d);
    assert_int_equal(t.sel, 10);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(t.top, 6);
    assert_int_equal(marker_line(w), 5);
    assert_true(strncmp(row(w, 5), ">vm-10 ", 7) == 0);
    assert_true(strncmp(row(w, 1), " vm-6 ", 6) == 0);

    vt_table_move(&t, -8, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(t.sel, 2);
    assert_int_equal(t.top, 2);
    assert_int_equal(marker_line(w), 1);

    /* page moves by the height, then clamps at both ends */
    vt_table_move(&t, t.height, trow_id, &d);
    assert_int_equal(t.sel, 7);
    vt_table_move(&t, 1000, trow_id, &d);
    assert_int_equal(t.sel, 49);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(t.top, 45);
    assert_true(strncmp(row(w, 5), ">vm-49 ", 7) == 0);
    vt_table_move(&t, -1000, trow_id, &d);
    assert_int_equal(t.sel, 0);

    /* whatever the moves, the selected row is on screen */
    for (size_t i = 0; i < ARRAY_LEN(moves); i++) {
        int y;

        vt_table_move(&t, moves[i], trow_id, &d);
        vt_table_draw(&t, w, &mono, trow_cell, &d);
        y = marker_line(w);
        assert_true(y >= 1 && y <= 5);
        snprintf(want, sizeof(want), ">vm-%zu ", t.sel);
        assert_true(strncmp(row(w, y), want, strlen(want)) == 0);
        assert_string_equal(t.sel_id, d.rows[t.sel].id);
    }

    /* rows shrink below the window: no blank lines above the data */
    vt_table_select(&t, 49, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    d.n = 3;
    vt_table_set_rows(&t, d.n, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(t.top, 0);
    assert_int_equal(t.sel, 2);
    assert_int_equal(marker_line(w), 3);
    vt_table_free(&t);
    delwin(w);
}

static void test_table_selection_by_id(void **state)
{
    vt_table t;
    tdata d;

    (void)state;
    tdata_fill(&d, 4);   /* id0 id1 id2 id3 */
    vt_table_init(&t, tcols, ARRAY_LEN(tcols));
    vt_table_set_rows(&t, d.n, trow_id, &d);
    assert_int_equal(t.sel, 0);
    assert_string_equal(t.sel_id, "id0");
    vt_table_select(&t, 2, trow_id, &d);
    assert_string_equal(t.sel_id, "id2");

    /* reversed order: the selection follows id2 to index 1 */
    for (size_t i = 0; i < 2; i++) {
        trow tmp = d.rows[i];
        d.rows[i] = d.rows[3 - i];
        d.rows[3 - i] = tmp;
    }
    vt_table_set_rows(&t, d.n, trow_id, &d);
    assert_int_equal(t.sel, 1);
    assert_string_equal(t.sel_id, "id2");

    /* id2 removed: the selection stays at index 1, now id1 */
    d.rows[1] = d.rows[2];
    d.rows[2] = d.rows[3];
    d.n = 3;   /* id3 id1 id0 */
    vt_table_set_rows(&t, d.n, trow_id, &d);
    assert_int_equal(t.sel, 1);
    assert_string_equal(t.sel_id, "id1");

    /* fewer rows than the index: clamped to the last */
    vt_table_select(&t, 2, trow_id, &d);
    d.n = 1;
    d.rows[0] = (trow){ "id9", "vm-9", 1, false };
    vt_table_set_rows(&t, d.n, trow_id, &d);
    assert_int_equal(t.sel, 0);
    assert_string_equal(t.sel_id, "id9");

    /* no rows at all, then rows again */
    vt_table_set_rows(&t, 0, trow_id, &d);
    assert_int_equal(t.sel, 0);
    assert_null(t.sel_id);
    vt_table_move(&t, 3, trow_id, &d);
    assert_int_equal(t.sel, 0);
    tdata_fill(&d, 5);
    vt_table_set_rows(&t, d.n, trow_id, &d);
    assert_string_equal(t.sel_id, "id0");
    vt_table_select(&t, 99, trow_id, &d);
    assert_int_equal(t.sel, 4);
    vt_table_free(&t);
    assert_null(t.sel_id);
}

static void test_table_hit(void **state)
{
    WINDOW *w = win(5, 20);
    WINDOW *narrow = win(5, 12);
    vt_table t;
    tdata d;

    (void)state;
    tdata_fill(&d, 3);
    vt_table_init(&t, tcols, ARRAY_LEN(tcols));
    vt_table_set_rows(&t, d.n, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);

    assert_int_equal(vt_table_row_at(&t, 0), -1);   /* header */
    assert_int_equal(vt_table_row_at(&t, 1), 0);
    assert_int_equal(vt_table_row_at(&t, 3), 2);
    assert_int_equal(vt_table_row_at(&t, 4), -1);   /* below the rows */
    assert_int_equal(vt_table_row_at(&t, 5), -1);   /* below the window */
    assert_int_equal(vt_table_row_at(&t, -1), -1);

    assert_int_equal(vt_table_col_at(&t, w, 0), -1);    /* gutter */
    assert_int_equal(vt_table_col_at(&t, w, 1), 0);
    assert_int_equal(vt_table_col_at(&t, w, 14), 0);
    assert_int_equal(vt_table_col_at(&t, w, 15), -1);   /* separator */
    assert_int_equal(vt_table_col_at(&t, w, 16), 1);
    assert_int_equal(vt_table_col_at(&t, w, 19), 1);
    assert_int_equal(vt_table_col_at(&t, w, 20), -1);
    assert_int_equal(vt_table_col_at(&t, w, -2), -1);

    /* narrower than the columns: the later column is cut */
    vt_table_draw(&t, narrow, &mono, trow_cell, &d);
    assert_string_equal(row(narrow, 0), " Name   vCPU");
    assert_string_equal(row(narrow, 1), ">vm-0      1");
    assert_int_equal(vt_table_col_at(&t, narrow, 8), 1);
    assert_int_equal(vt_table_col_at(&t, narrow, 11), 1);
    delwin(narrow);
    narrow = win(5, 10);
    vt_table_draw(&t, narrow, &mono, trow_cell, &d);
    assert_string_equal(row(narrow, 0), " Name   v~");
    assert_int_equal(vt_table_col_at(&t, narrow, 9), 1);

    /* scrolled: line 1 is the top row */
    tdata_fill(&d, 20);
    vt_table_set_rows(&t, d.n, trow_id, &d);
    vt_table_select(&t, 10, trow_id, &d);
    vt_table_draw(&t, w, &mono, trow_cell, &d);
    assert_int_equal(vt_table_row_at(&t, 1), (long)t.top);
    assert_int_equal(vt_table_row_at(&t, 4), 10);
    vt_table_free(&t);
    delwin(narrow);
    delwin(w);
}

/* ---- tabs ------------------------------------------------------------ */

static void test_tabs(void **state)
{
    WINDOW *w = win(3, 60);
    WINDOW *narrow = win(3, 20);
    vt_tabs t = { .labels = { "IOThreads", "Memory", "Security" }, .n = 3, .active = 1 };

    (void)state;
    vt_tabs_draw(&t, w, 1, &mono);
    assert_string_equal(row(w, 1), "  IOThreads   [Memory]   Security");
    assert_int_equal(t.y, 1);
    assert_int_equal(t.x0[0], 0);
    assert_int_equal(t.x1[0], 13);
    assert_int_equal(t.x0[1], 13);
    assert_int_equal(t.x1[1], 23);
    assert_int_equal(attr_at(w, 1, 14), A_REVERSE | A_BOLD);   /* '[' */
    assert_int_equal(attr_at(w, 1, 2), A_NORMAL);

    assert_int_equal(vt_tabs_hit(&t, 1, 0), 0);
    assert_int_equal(vt_tabs_hit(&t, 1, 12), 0);
    assert_int_equal(vt_tabs_hit(&t, 1, 13), 1);
    assert_int_equal(vt_tabs_hit(&t, 1, 22), 1);
    assert_int_equal(vt_tabs_hit(&t, 1, 23), 2);
    assert_int_equal(vt_tabs_hit(&t, 1, 34), 2);
    assert_int_equal(vt_tabs_hit(&t, 1, 35), -1);
    assert_int_equal(vt_tabs_hit(&t, 0, 14), -1);   /* other line */

    t.active = 0;
    vt_tabs_draw(&t, w, 0, &mono);
    assert_string_equal(row(w, 0), " [IOThreads]   Memory    Security");
    assert_int_equal(vt_tabs_hit(&t, 0, 1), 0);

    /* the third tab does not fit: not drawn, not hit */
    vt_tabs_draw(&t, narrow, 0, &mono);
    assert_int_equal(vt_tabs_hit(&t, 0, 13), 1);
    assert_int_equal(vt_tabs_hit(&t, 0, 19), 1);
    assert_int_equal(t.x0[2], -1);
    assert_int_equal(vt_tabs_hit(&t, 0, 25), -1);
    delwin(narrow);
    delwin(w);
}

/* ---- meter ----------------------------------------------------------- */

static void test_meter(void **state)
{
    WINDOW *w = win(8, 40);
    static const struct {
        double frac;
        int filled;
    } cases[] = { { 0, 0 }, { 0.5, 5 }, { 1, 10 }, { 1.7, 10 }, { -0.3, 0 }, { 0.04, 0 }, { 0.96, 10 } };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *r;

        vt_meter_draw(w, (int)i, 0, 12, cases[i].frac, VT_ROLE_VALUE_WARN, NULL, &mono);
        r = row(w, (int)i);
        assert_int_equal(strlen(r), 12);
        assert_int_equal(r[0], '[');
        assert_int_equal(r[11], ']');
        if (count_char(r, '#') != cases[i].filled) {
            print_error("frac %g: \"%s\"\n", cases[i].frac, r);
            fail();
        }
        assert_int_equal(count_char(r, '.'), 10 - cases[i].filled);
    }
    vt_meter_draw(w, 7, 2, 12, NAN, VT_ROLE_BAR, "x", &mono);
    assert_string_equal(row(w, 7), "  [..........] x");

    werase(w);
    vt_meter_draw(w, 0, 0, 12, 0.5, VT_ROLE_VALUE_WARN, "2.1 GiB / 4.0 GiB", &mono);
    assert_string_equal(row(w, 0), "[#####.....] 2.1 GiB / 4.0 GiB");
    assert_int_equal(attr_at(w, 0, 1), A_BOLD);     /* the filled part has the role */
    assert_int_equal(attr_at(w, 0, 5), A_BOLD);
    assert_int_equal(attr_at(w, 0, 6), A_DIM);
    assert_int_equal(attr_at(w, 0, 0), A_NORMAL);
    delwin(w);
}

/* ---- CPU grid -------------------------------------------------------- */

static void test_cpugrid_two_nodes(void **state)
{
    WINDOW *w = win(8, 40);
    static const unsigned n0[] = { 0, 1, 2, 3 }, n1[] = { 4, 5, 6, 7 };
    const vt_cpugrid_node nodes[] = { { 0, n0, 4 }, { 1, n1, 4 } };
    unsigned flags[7] = {
        VT_CPU_VCPU,
        VT_CPU_VCPU | VT_CPU_EMULATOR,
        VT_CPU_IOTHREAD | VT_CPU_EMULATOR,
        VT_CPU_KWORKER,
        0,
        VT_CPU_OFFLINE,
        VT_CPU_KWORKER | VT_CPU_IOTHREAD | VT_CPU_EMULATOR | VT_CPU_VCPU,
    };   /* cpu 7 is beyond nflags */
    vt_theme t;
    vt_err err = { { 0 } };

    (void)state;
    /* one distinct attribute per grid role, to see which role won */
    assert_int_equal(vt_theme_parse("grid-vcpu = default default bold\n"
                                    "grid-emulator = default default underline\n"
                                    "grid-iothread = default default reverse\n"
                                    "grid-kworker = default default dim\n"
                                    "grid-free = default default normal\n", "grid", &t, &err), 0);
    assert_int_equal(vt_cpugrid_draw(w, 1, 0, 40, nodes, 2, flags, ARRAY_LEN(flags), &t), 4);
    assert_int_equal(vt_cpugrid_lines(40, nodes, 2), 4);
    assert_string_equal(row(w, 0), "");
    assert_string_equal(row(w, 1), "node 0");
    /* fixed slots: V E I + K, '-' where a slot is empty */
    assert_string_equal(row(w, 2), "  0:V---- 1:VE--- 2:-EI-- 3:----K");
    assert_string_equal(row(w, 3), "node 1");
    assert_string_equal(row(w, 4), "  4:----- 5:----x 6:VEI-K 7:-----");
    assert_string_equal(row(w, 5), "");

    assert_int_equal(attr_at(w, 2, 2), A_BOLD);        /* V */
    assert_int_equal(attr_at(w, 2, 10), A_BOLD);       /* V+E: vCPU wins */
    assert_int_equal(attr_at(w, 2, 18), A_REVERSE);    /* E+I: IOThread wins */
    assert_int_equal(attr_at(w, 2, 26), A_DIM);        /* K only */
    assert_int_equal(attr_at(w, 4, 2), A_NORMAL);      /* free */
    assert_int_equal(attr_at(w, 4, 18), A_BOLD);       /* all four */

    flags[0] = VT_CPU_EMULATOR | VT_CPU_KWORKER;
    vt_cpugrid_draw(w, 1, 0, 40, nodes, 2, flags, ARRAY_LEN(flags), &t);
    assert_string_equal(row(w, 2), "  0:-E--K 1:VE--- 2:-EI-- 3:----K");
    assert_int_equal(attr_at(w, 2, 2), A_UNDERLINE);   /* E+K: emulator */

    /* no flags at all: every slot '-' */
    vt_cpugrid_draw(w, 1, 0, 40, nodes, 2, NULL, 0, &t);
    assert_string_equal(row(w, 4), "  4:----- 5:----- 6:----- 7:-----");
    delwin(w);
}

/* The VM in hand in uppercase, other VMs in lowercase, '+' where they
 * share a CPU, and no mark ever pushed out by another. */
static void test_cpugrid_marks(void **state)
{
    WINDOW *w = win(8, 80);
    static const unsigned n0[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const vt_cpugrid_node node = { 0, n0, 8 };
    const unsigned flags[8] = {
        VT_CPU_OTHER_VCPU | VT_CPU_KWORKER,
        VT_CPU_VCPU | VT_CPU_OTHER_VCPU,
        VT_CPU_VCPU | VT_CPU_OTHER_EMULATOR | VT_CPU_OTHER_IOTHREAD | VT_CPU_KWORKER,
        VT_CPU_OTHER_VCPU | VT_CPU_OTHER_EMULATOR | VT_CPU_OTHER_IOTHREAD,
        VT_CPU_EMULATOR | VT_CPU_OTHER_EMULATOR,
        VT_CPU_VCPU | VT_CPU_OFFLINE | VT_CPU_KWORKER,
        VT_CPU_PICKED | VT_CPU_VCPU | VT_CPU_EMULATOR | VT_CPU_IOTHREAD | VT_CPU_OTHER_VCPU |
            VT_CPU_KWORKER,
        VT_CPU_PICKED | VT_CPU_OTHER_IOTHREAD | VT_CPU_OFFLINE,
    };
    vt_theme t;
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_theme_parse("grid-vcpu = default default bold\n"
                                    "grid-emulator = default default underline\n"
                                    "grid-other = default default reverse\n"
                                    "grid-kworker = default default dim\n"
                                    "grid-picked = default default bold underline\n"
                                    "grid-free = default default normal\n", "marks", &t, &err), 0);
    vt_cpugrid_draw(w, 0, 0, 80, &node, 1, flags, ARRAY_LEN(flags), &t);
    assert_string_equal(row(w, 1), "  0:v---K 1:V--+- 2:Vei+K 3:vei-- 4:-E-+- 5:V---x 6*VEI+K 7*--i-x");
    assert_int_equal(attr_at(w, 1, 2), A_REVERSE);              /* other VMs only */
    assert_int_equal(attr_at(w, 1, 10), A_BOLD);                /* this VM wins */
    assert_int_equal(attr_at(w, 1, 26), A_REVERSE);
    assert_int_equal(attr_at(w, 1, 34), A_UNDERLINE);
    assert_int_equal(attr_at(w, 1, 50), A_BOLD | A_UNDERLINE);  /* picked */
    delwin(w);
}

/* A 16-CPU host of two nodes at 80 columns: the VM detail grid (78
 * columns) and the picker (72) each keep a node on one line. */
static void test_cpugrid_80_columns(void **state)
{
    WINDOW *w = win(8, 80);
    unsigned n0[8], n1[8], flags[16] = { 0 };
    const vt_cpugrid_node nodes[] = { { 0, n0, 8 }, { 1, n1, 8 } };

    (void)state;
    for (unsigned i = 0; i < 8; i++) {
        n0[i] = i;
        n1[i] = 8 + i;
    }
    for (unsigned i = 0; i < 16; i++)
        flags[i] = VT_CPU_KWORKER | VT_CPU_OTHER_VCPU | VT_CPU_OTHER_EMULATOR;
    for (unsigned i = 10; i < 14; i++)
        flags[i] |= VT_CPU_VCPU;
    flags[14] |= VT_CPU_EMULATOR | VT_CPU_IOTHREAD;
    flags[15] |= VT_CPU_EMULATOR | VT_CPU_IOTHREAD | VT_CPU_PICKED;
    assert_int_equal(vt_cpugrid_per_line(78, nodes, 2), 8);
    assert_int_equal(vt_cpugrid_lines(78, nodes, 2), 4);
    assert_int_equal(vt_cpugrid_per_line(72, nodes, 2), 8);
    assert_int_equal(vt_cpugrid_lines(72, nodes, 2), 4);
    vt_cpugrid_draw(w, 0, 1, 78, nodes, 2, flags, 16, &mono);
    assert_string_equal(row(w, 3), "    8:ve--K  9:ve--K 10:Ve-+K 11:Ve-+K 12:Ve-+K 13:Ve-+K 14:vEI+K 15*vEI+K");
    werase(w);
    /* the indent gives way to keep the eighth cell on the line */
    vt_cpugrid_draw(w, 0, 0, 72, nodes, 2, flags, 16, &mono);
    assert_string_equal(row(w, 3), "  8:ve--K  9:ve--K 10:Ve-+K 11:Ve-+K 12:Ve-+K 13:Ve-+K 14:vEI+K 15*vEI+K");
    delwin(w);
}

static void test_cpugrid_legend(void **state)
{
    WINDOW *w = win(6, 80);
    char buf[256];
    size_t len;

    (void)state;
    vt_cpugrid_legend(VT_CPUGRID_HAND | VT_CPUGRID_PICK, buf, sizeof(buf));
    assert_string_equal(buf, "V/E/I this VM's vCPU/emulator/IOThread  v/e/i other VMs' pins  "
                             "+ shared with other VMs  K kworkers allowed  x offline  * picked");
    vt_cpugrid_legend(VT_CPUGRID_HAND, buf, sizeof(buf));
    assert_string_equal(buf, "V/E/I this VM's vCPU/emulator/IOThread  v/e/i other VMs' pins  "
                             "+ shared with other VMs  K kworkers allowed  x offline");
    /* no VM in hand (the host screen): every VM is lowercase, no '+' */
    len = vt_cpugrid_legend(0, buf, sizeof(buf));
    assert_string_equal(buf, "v/e/i VMs' vCPU/emulator/IOThread pins  K kworkers allowed  x offline");
    assert_int_equal(len, strlen(buf));
    assert_int_equal(vt_cpugrid_legend(0, buf, 6), len);
    assert_string_equal(buf, "v/e/i");

    /* wrapped between items, never inside one */
    assert_int_equal(vt_cpugrid_legend_draw(w, 0, 1, 72, VT_CPUGRID_HAND | VT_CPUGRID_PICK, A_NORMAL), 2);
    assert_string_equal(row(w, 0), " V/E/I this VM's vCPU/emulator/IOThread  v/e/i other VMs' pins");
    assert_string_equal(row(w, 1), " + shared with other VMs  K kworkers allowed  x offline  * picked");
    assert_int_equal(vt_cpugrid_legend_draw(NULL, 0, 0, 72, VT_CPUGRID_HAND | VT_CPUGRID_PICK, 0), 2);
    assert_int_equal(vt_cpugrid_legend_draw(NULL, 0, 0, 200, VT_CPUGRID_HAND | VT_CPUGRID_PICK, 0), 1);
    assert_int_equal(vt_cpugrid_legend_draw(NULL, 0, 0, 78, 0, 0), 1);
    assert_int_equal(vt_cpugrid_legend_draw(NULL, 0, 0, 0, 0, 0), 0);
    delwin(w);
}

static void test_cpugrid_picker(void **state)
{
    WINDOW *w = win(8, 40);
    static const unsigned n0[] = { 0, 1, 2, 3 }, n1[] = { 4, 5, 6, 7 };
    const vt_cpugrid_node nodes[] = { { 0, n0, 4 }, { 1, n1, 4 } };
    unsigned flags[8] = {
        VT_CPU_PICKED,
        VT_CPU_PICKED | VT_CPU_CURSOR,
        VT_CPU_CURSOR | VT_CPU_VCPU,
        VT_CPU_PICKED | VT_CPU_VCPU | VT_CPU_EMULATOR | VT_CPU_IOTHREAD | VT_CPU_KWORKER,
        0, 0, 0, 0,
    };
    vt_theme t;
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_theme_parse("grid-vcpu = default default bold\n"
                                    "grid-cursor = default default reverse\n"
                                    "grid-picked = default default underline\n"
                                    "grid-free = default default normal\n", "pick", &t, &err), 0);
    vt_cpugrid_draw(w, 1, 0, 40, nodes, 2, flags, ARRAY_LEN(flags), &t);
    /* the picked mark is text, so it reads without colour, and it has a
       place of its own: every letter stays */
    assert_string_equal(row(w, 2), "  0*----- 1*----- 2:V---- 3*VEI-K");
    assert_int_equal(attr_at(w, 2, 2), A_UNDERLINE);   /* picked */
    assert_int_equal(attr_at(w, 2, 10), A_REVERSE);    /* cursor wins over picked */
    assert_int_equal(attr_at(w, 2, 18), A_REVERSE);    /* cursor wins over vCPU */
    /* Up/Down in a picker move by the cells on a line */
    assert_int_equal(vt_cpugrid_per_line(40, nodes, 2), 4);
    assert_int_equal(vt_cpugrid_per_line(12, nodes, 2), 1);
    delwin(w);
}

static void test_cpugrid_wrap(void **state)
{
    WINDOW *w = win(20, 40);
    unsigned cpus[16];
    vt_cpugrid_node node = { 3, cpus, 16 };

    (void)state;
    for (unsigned i = 0; i < 16; i++)
        cpus[i] = i;
    /* cells are "NN:FFFFF" (8) + a space: 2 per 24 columns after the indent */
    assert_int_equal(vt_cpugrid_lines(24, &node, 1), 9);
    assert_int_equal(vt_cpugrid_draw(w, 0, 0, 24, &node, 1, NULL, 0, &mono), 9);
    assert_string_equal(row(w, 0), "node 3");
    assert_string_equal(row(w, 1), "   0:-----  1:-----");
    assert_string_equal(row(w, 8), "  14:----- 15:-----");
    assert_string_equal(row(w, 9), "");
    /* ids right-aligned: the ':' at the same column on every line */
    for (int y = 1; y <= 8; y++)
        assert_int_equal(mvwinch(w, y, 4) & A_CHARTEXT, ':');

    /* exactly three cells with the indent: 2 + 3 * 8 + 2 gaps = 28 */
    assert_int_equal(vt_cpugrid_lines(28, &node, 1), 1 + 6);
    werase(w);
    vt_cpugrid_draw(w, 0, 0, 28, &node, 1, NULL, 0, &mono);
    assert_string_equal(row(w, 1), "   0:-----  1:-----  2:-----");
    assert_string_equal(row(w, 6), "  15:-----");
    /* one column less: the indent gives way, three cells still */
    assert_int_equal(vt_cpugrid_lines(27, &node, 1), 1 + 6);
    werase(w);
    vt_cpugrid_draw(w, 0, 0, 27, &node, 1, NULL, 0, &mono);
    assert_string_equal(row(w, 1), "  0:-----  1:-----  2:-----");
    assert_int_equal(vt_cpugrid_lines(26, &node, 1), 1 + 6);
    assert_int_equal(vt_cpugrid_lines(25, &node, 1), 1 + 8);

    /* one per line when narrow; full width puts 4 per line */
    assert_int_equal(vt_cpugrid_lines(8, &node, 1), 17);
    assert_int_equal(vt_cpugrid_lines(40, &node, 1), 1 + 4);
    assert_int_equal(vt_cpugrid_lines(0, &node, 1), 0);
    werase(w);
    assert_int_equal(vt_cpugrid_draw(w, 0, 0, 40, &node, 1, NULL, 0, &mono), 5);
    assert_string_equal(row(w, 1), "   0:-----  1:-----  2:-----  3:-----");

    /* drawn at an offset, the lines used still match */
    werase(w);
    assert_int_equal(vt_cpugrid_draw(w, 2, 5, 30, &node, 1, NULL, 0, &mono),
                     vt_cpugrid_lines(30, &node, 1));
    assert_string_equal(row(w, 2), "     node 3");
    assert_string_equal(row(w, 3), "        0:-----  1:-----  2:-----");

    /* CPUs in no known node still get cells */
    node.id = -1;
    werase(w);
    vt_cpugrid_draw(w, 0, 0, 40, &node, 1, NULL, 0, &mono);
    assert_string_equal(row(w, 0), "no known node");
    delwin(w);
}

/* ---- input ----------------------------------------------------------- */

static vt_input_state key(vt_input *in, int k)
{
    return vt_input_key(in, 1, (wint_t)k);
}

static vt_input_state chr(vt_input *in, wint_t c)
{
    return vt_input_key(in, 0, c);
}

static void type(vt_input *in, const wchar_t *s)
{
    for (; *s; s++)
        assert_int_equal(chr(in, (wint_t)*s), VT_INPUT_EDITING);
}

static void test_input_editing(void **state)
{
    vt_input in;

    (void)state;
    vt_input_init(&in, "", NULL, NULL);
    assert_int_equal(in.len, 0);
    type(&in, L"abc");
    assert_string_equal(in.buf, "abc");
    assert_int_equal(in.cursor, 3);
    key(&in, KEY_LEFT);
    key(&in, KEY_LEFT);
    assert_int_equal(in.cursor, 1);
    type(&in, L"X");
    assert_string_equal(in.buf, "aXbc");
    assert_int_equal(in.cursor, 2);
    key(&in, KEY_HOME);
    assert_int_equal(in.cursor, 0);
    key(&in, KEY_LEFT);                    /* nothing left of 0 */
    assert_int_equal(in.cursor, 0);
    key(&in, KEY_DC);
    assert_string_equal(in.buf, "Xbc");
    key(&in, KEY_END);
    assert_int_equal(in.cursor, 3);
    key(&in, KEY_RIGHT);                   /* nothing right of the end */
    assert_int_equal(in.cursor, 3);
    key(&in, KEY_DC);                      /* nothing under the cursor */
    assert_string_equal(in.buf, "Xbc");
    key(&in, KEY_BACKSPACE);
    assert_string_equal(in.buf, "Xb");
    chr(&in, 0x7f);                        /* DEL from the terminal */
    assert_string_equal(in.buf, "X");
    chr(&in, 0x08);                        /* ^H */
    assert_string_equal(in.buf, "");
    key(&in, KEY_BACKSPACE);
    assert_int_equal(in.len, 0);

    vt_input_init(&in, "hello world", NULL, NULL);
    assert_int_equal(in.cursor, 11);
    key(&in, KEY_LEFT);
    chr(&in, 0x15);                        /* ^U clears */
    assert_string_equal(in.buf, "");
    assert_int_equal(in.len, 0);
    assert_int_equal(in.cursor, 0);

    /* control characters are not inserted */
    chr(&in, 0x02);
    chr(&in, 0x1f);
    chr(&in, 0x9b);
    assert_int_equal(in.len, 0);
    /* unknown function keys are ignored */
    assert_int_equal(key(&in, KEY_F(5)), VT_INPUT_EDITING);
    assert_int_equal(in.len, 0);
}

static void test_input_utf8(void **state)
{
    vt_input in;

    (void)state;
    vt_input_init(&in, NULL, NULL, NULL);
    type(&in, L"测é");
    assert_string_equal(in.buf, "测é");
    assert_int_equal(in.len, 5);
    key(&in, KEY_LEFT);
    assert_int_equal(in.cursor, 3);
    key(&in, KEY_BACKSPACE);               /* removes all three bytes of 测 */
    assert_string_equal(in.buf, "é");
    assert_int_equal(in.cursor, 0);
    key(&in, KEY_RIGHT);
    assert_int_equal(in.cursor, 2);
    chr(&in, 0x1F600);
    assert_string_equal(in.buf, "é\xf0\x9f\x98\x80");
    key(&in, KEY_LEFT);
    key(&in, KEY_DC);
    assert_string_equal(in.buf, "é");
    chr(&in, 0xD800);                      /* a surrogate is not a character */
    chr(&in, 0x110000);
    assert_string_equal(in.buf, "é");

    /* full: nothing more goes in, the buffer stays terminated and valid */
    vt_input_init(&in, "", NULL, NULL);
    for (int i = 0; i < 300; i++)
        chr(&in, L'测');
    assert_true(in.len < sizeof(in.buf));
    assert_int_equal(in.len % 3, 0);
    assert_int_equal(strlen(in.buf), in.len);

    /* an initial value that is too long is cut on a character boundary */
    {
        char big[700];

        for (int i = 0; i < 233; i++)
            memcpy(big + 3 * i, "测", 3);
        big[699] = '\0';
        vt_input_init(&in, big, NULL, NULL);
        assert_int_equal(in.len, 510);
        assert_int_equal(in.cursor, 510);
    }
}

static int digits_only(void *ctx, const char *text, char *msg, size_t msgsz)
{
    int *calls = ctx;

    (*calls)++;
    if (!*text) {
        return -1;   /* no message: the widget supplies one */
    }
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') {
            snprintf(msg, msgsz, "not a number: %s", text);
            return -1;
        }
    }
    return 0;
}

static void test_input_validate(void **state)
{
    vt_input in;
    int calls = 0;

    (void)state;
    vt_input_init(&in, "12", digits_only, &calls);
    type(&in, L"a");
    assert_int_equal(chr(&in, '\n'), VT_INPUT_EDITING);
    assert_int_equal(calls, 1);
    assert_string_equal(in.msg, "not a number: 12a");
    assert_string_equal(in.buf, "12a");
    /* editing keeps the message in view until the next try */
    key(&in, KEY_BACKSPACE);
    assert_string_equal(in.msg, "not a number: 12a");
    assert_int_equal(chr(&in, '\r'), VT_INPUT_DONE);
    assert_int_equal(calls, 2);
    assert_string_equal(in.msg, "");
    assert_string_equal(in.buf, "12");

    chr(&in, 0x15);
    assert_int_equal(key(&in, KEY_ENTER), VT_INPUT_EDITING);
    assert_string_equal(in.msg, "invalid value");
    assert_int_equal(chr(&in, 27), VT_INPUT_CANCELLED);

    /* no validator: Enter always accepts */
    vt_input_init(&in, "", NULL, NULL);
    assert_int_equal(chr(&in, '\n'), VT_INPUT_DONE);
    assert_int_equal(chr(&in, 27), VT_INPUT_CANCELLED);
}

static void test_input_draw(void **state)
{
    WINDOW *w = win(3, 30);
    vt_input in;
    int calls = 0;

    (void)state;
    vt_input_init(&in, "hello", digits_only, &calls);
    key(&in, KEY_HOME);
    key(&in, KEY_RIGHT);
    vt_input_draw(&in, w, 0, 0, 10, &mono);
    assert_string_equal(row(w, 0), "hello");
    assert_int_equal(attr_at(w, 0, 0), A_UNDERLINE);              /* input role */
    assert_int_equal(attr_at(w, 0, 1), A_UNDERLINE | A_REVERSE);  /* cursor on 'e' */
    assert_int_equal(attr_at(w, 0, 2), A_UNDERLINE);
    assert_int_equal(attr_at(w, 0, 9), A_UNDERLINE);              /* the whole field */
    assert_int_equal(attr_at(w, 0, 10), A_NORMAL);
    assert_string_equal(row(w, 1), "");                           /* no message */

    key(&in, KEY_END);
    chr(&in, '\n');
    werase(w);
    vt_input_draw(&in, w, 0, 0, 10, &mono);
    assert_int_equal(attr_at(w, 0, 5), A_UNDERLINE | A_REVERSE);  /* cursor after the end */
    assert_string_equal(row(w, 1), "not a num~");                 /* the field's width */
    assert_int_equal(attr_at(w, 1, 0), A_BOLD | A_UNDERLINE);     /* value-bad */

    /* longer than the field: scrolled so the cursor stays in view */
    vt_input_init(&in, "abcdefghijklmnopqrstuvwxyz", NULL, NULL);
    werase(w);
    vt_input_draw(&in, w, 0, 0, 10, &mono);
    assert_string_equal(row(w, 0), "rstuvwxyz");
    assert_int_equal(attr_at(w, 0, 9), A_UNDERLINE | A_REVERSE);
    key(&in, KEY_HOME);
    werase(w);
    vt_input_draw(&in, w, 0, 0, 10, &mono);
    assert_string_equal(row(w, 0), "abcdefghi~");
    assert_int_equal(attr_at(w, 0, 0), A_UNDERLINE | A_REVERSE);

    /* wide characters and control bytes in the value */
    vt_input_init(&in, "测\x1b", NULL, NULL);
    key(&in, KEY_LEFT);
    werase(w);
    vt_input_draw(&in, w, 0, 2, 20, &mono);
    assert_string_equal(row(w, 0), "  测\\x1b");
    assert_int_equal(attr_at(w, 0, 4), A_UNDERLINE | A_REVERSE);
    assert_int_equal(attr_at(w, 0, 7), A_UNDERLINE | A_REVERSE);
    assert_int_equal(attr_at(w, 0, 2), A_UNDERLINE);
    delwin(w);
}

/* ---- dialog ---------------------------------------------------------- */

static void test_dialog_keys(void **state)
{
    vt_dialog d = { "Quit?", "Leave virt-tune?", { "Quit", "Cancel", "Apply" }, 3, 0 };

    (void)state;
    assert_int_equal(vt_dialog_key(&d, 1, KEY_RIGHT), -1);
    assert_int_equal(d.focus, 1);
    vt_dialog_key(&d, 1, KEY_RIGHT);
    assert_int_equal(d.focus, 2);
    vt_dialog_key(&d, 1, KEY_RIGHT);             /* wraps */
    assert_int_equal(d.focus, 0);
    vt_dialog_key(&d, 1, KEY_LEFT);
    assert_int_equal(d.focus, 2);
    assert_int_equal(vt_dialog_key(&d, 0, '\t'), -1);
    assert_int_equal(d.focus, 0);
    vt_dialog_key(&d, 1, KEY_BTAB);
    assert_int_equal(d.focus, 2);
    assert_int_equal(vt_dialog_key(&d, 0, '\n'), 2);
    assert_int_equal(vt_dialog_key(&d, 1, KEY_ENTER), 2);

    /* first letters, either case */
    assert_int_equal(vt_dialog_key(&d, 0, 'c'), 1);
    assert_int_equal(d.focus, 1);
    assert_int_equal(vt_dialog_key(&d, 0, 'Q'), 0);
    assert_int_equal(vt_dialog_key(&d, 0, 'a'), 2);
    assert_int_equal(vt_dialog_key(&d, 0, 'z'), -1);
    assert_int_equal(vt_dialog_key(&d, 1, KEY_F(1)), -1);
    assert_int_equal(vt_dialog_key(&d, 0, 27), -2);

    {
        vt_dialog u = { "确认", "", { "Ja", "Über" }, 2, 0 };

        assert_int_equal(vt_dialog_key(&u, 0, L'ü'), 1);
        assert_int_equal(vt_dialog_key(&u, 0, L'\r'), 1);
    }
    {
        /* translated labels keep the English key in a trailing "(X)" */
        vt_dialog t = { "退出", "", { "退出(Q)", "取消(C)", "(x)" }, 3, 0 };

        assert_int_equal(vt_dialog_key(&t, 0, 'c'), 1);
        assert_int_equal(vt_dialog_key(&t, 0, 'Q'), 0);
        assert_int_equal(vt_dialog_key(&t, 0, L'退'), -1);
        assert_int_equal(vt_dialog_key(&t, 0, '('), 2);   /* too short for "(X)": its first character */
    }
}

/* Column of the first occurrence of s in line y, or -1 (ASCII lines). */
static int find_in_row(WINDOW *w, int y, const char *s)
{
    const char *r = row(w, y), *p = strstr(r, s);

    return p ? (int)(p - r) : -1;
}

static void test_dialog_draw(void **state)
{
    WINDOW *w = win(24, 80);
    WINDOW *small = win(6, 20);
    vt_dialog d = { "Quit?", "Leave virt-tune?\nStaged changes are kept.", { "Quit", "Cancel" }, 2, 1 };
    int top = -1, bx;

    (void)state;
    vt_dialog_draw(&d, w, &mono);
    for (int y = 0; y < 24 && top < 0; y++)
        if (find_in_row(w, y, " Quit? ") >= 0)
            top = y;
    /* box: 2 message lines + blank + buttons + borders = 6 lines, centred */
    assert_int_equal(top, 9);
    assert_true(find_in_row(w, top + 1, "Leave virt-tune?") > 0);
    assert_true(find_in_row(w, top + 2, "Staged changes are kept.") > 0);
    assert_int_equal(find_in_row(w, top + 3, "e"), -1);
    bx = find_in_row(w, top + 4, "[ Quit ]  [ Cancel ]");
    assert_true(bx > 0);
    assert_int_equal(attr_at(w, top + 4, bx), A_NORMAL);
    assert_int_equal(attr_at(w, top + 4, bx + 10), A_REVERSE | A_BOLD);   /* focused */

    /* border: box-drawing characters, title inside the top border */
    {
        int x0 = find_in_row(w, top, " Quit? ") - 2;
        chtype ul = mvwinch(w, top, x0) & (A_CHARTEXT | A_ALTCHARSET);
        chtype lr = mvwinch(w, top + 5, x0 + 28 - 1) & (A_CHARTEXT | A_ALTCHARSET);

        assert_int_equal(ul, ACS_ULCORNER & (A_CHARTEXT | A_ALTCHARSET));
        assert_int_equal(lr, ACS_LRCORNER & (A_CHARTEXT | A_ALTCHARSET));
        assert_int_equal(x0, (80 - 28) / 2);
    }

    /* focus moved: the reverse follows */
    vt_dialog_key(&d, 1, KEY_LEFT);
    vt_dialog_draw(&d, w, &mono);
    assert_int_equal(attr_at(w, top + 4, bx), A_REVERSE | A_BOLD);
    assert_int_equal(attr_at(w, top + 4, bx + 10), A_NORMAL);

    /* in a small window the box is clamped and the buttons stay */
    vt_dialog_draw(&d, small, &mono);
    assert_true((mvwinch(small, 0, 0) & A_CHARTEXT) == (ACS_ULCORNER & A_CHARTEXT));
    assert_true((mvwinch(small, 5, 19) & A_CHARTEXT) == (ACS_LRCORNER & A_CHARTEXT));
    assert_true(find_in_row(small, 4, "[ Quit ]") > 0);
    assert_true(find_in_row(small, 1, "Leave virt-tune?") > 0);
    assert_int_equal(count_char(row(small, 2), '~'), 1);   /* a cut line says so */
    assert_true(find_in_row(small, 2, "Staged") > 0);
    delwin(small);
    delwin(w);
}

/* ---- status and footer ------------------------------------------------ */

static void test_footer(void **state)
{
    WINDOW *w = win(2, 20);
    WINDOW *wide = win(2, 60);
    static const char *const keys[] = { "q", "F1", "/", "s" };
    static const char *const labels[] = { "Quit", "Help", "Filter", "Sort" };

    (void)state;
    vt_footer_draw(w, 0, keys, labels, 4, &mono);
    /* "/ Filter" would end at column 25: it and everything after are left out */
    assert_string_equal(row(w, 0), "q Quit  F1 Help");
    assert_int_equal(attr_at(w, 0, 0), A_REVERSE);   /* footer-key */
    assert_int_equal(attr_at(w, 0, 2), A_NORMAL);    /* footer */
    assert_int_equal(attr_at(w, 0, 8), A_REVERSE);
    assert_int_equal(attr_at(w, 0, 9), A_REVERSE);
    assert_int_equal(attr_at(w, 0, 10), A_NORMAL);

    vt_footer_draw(wide, 0, keys, labels, 4, &mono);
    assert_string_equal(row(wide, 0), "q Quit  F1 Help  / Filter  s Sort");
    vt_footer_draw(wide, 1, keys, labels, 2, &mono);
    assert_string_equal(row(wide, 1), "q Quit  F1 Help");

    /* exactly full */
    vt_footer_draw(w, 1, keys, labels, 1, &mono);
    assert_string_equal(row(w, 1), "q Quit");
    delwin(w);
    w = win(2, 6);
    vt_footer_draw(w, 0, keys, labels, 4, &mono);
    assert_string_equal(row(w, 0), "q Quit");
    delwin(w);
    w = win(2, 5);
    vt_footer_draw(w, 0, keys, labels, 4, &mono);
    assert_string_equal(row(w, 0), "");
    delwin(w);
    delwin(wide);
}

static void test_status(void **state)
{
    WINDOW *w = win(3, 40);

    (void)state;
    vt_status_draw(w, 0, "cannot connect", VT_ROLE_STATUS_ERROR, "test:///default 12:00", &mono);
    assert_string_equal(row(w, 0), "cannot connect     test:///default 12:00");
    assert_int_equal(attr_at(w, 0, 0), A_BOLD | A_REVERSE);
    assert_int_equal(attr_at(w, 0, 39), A_NORMAL);

    /* a long message keeps the line; the facts give way */
    vt_status_draw(w, 1, "error: the domain vm-1 has no IOThread 4 to pin", VT_ROLE_STATUS_ERROR,
                   "test:///default", &mono);
    assert_string_equal(row(w, 1), "error: the domain vm-1 has no IOThread ~");
    vt_status_draw(w, 2, "short", VT_ROLE_STATUS, "a very long fact that cannot fit at all", &mono);
    assert_string_equal(row(w, 2), "short a very long fact that cannot fit ~");
    vt_status_draw(w, 2, NULL, VT_ROLE_STATUS, "right", &mono);
    assert_string_equal(row(w, 2), "                                   right");
    delwin(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_theme_parse_good),
        cmocka_unit_test(test_theme_inherit_normal),
        cmocka_unit_test(test_theme_parse_bad),
        cmocka_unit_test(test_theme_load_shipped),
        cmocka_unit_test(test_theme_load_missing),
        cmocka_unit_test(test_theme_mono_attrs),
        cmocka_unit_test(test_theme_apply),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_text_invalid_utf8),
        cmocka_unit_test(test_text_truncation),
        cmocka_unit_test(test_text_put),
        cmocka_unit_test(test_table_draw),
        cmocka_unit_test(test_table_sort_marker),
        cmocka_unit_test(test_table_scroll),
        cmocka_unit_test(test_table_selection_by_id),
        cmocka_unit_test(test_table_hit),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_meter),
        cmocka_unit_test(test_cpugrid_two_nodes),
        cmocka_unit_test(test_cpugrid_wrap),
        cmocka_unit_test(test_cpugrid_picker),
        cmocka_unit_test(test_cpugrid_marks),
        cmocka_unit_test(test_cpugrid_80_columns),
        cmocka_unit_test(test_cpugrid_legend),
        cmocka_unit_test(test_input_editing),
        cmocka_unit_test(test_input_utf8),
        cmocka_unit_test(test_input_validate),
        cmocka_unit_test(test_input_draw),
        cmocka_unit_test(test_dialog_keys),
        cmocka_unit_test(test_dialog_draw),
        cmocka_unit_test(test_footer),
        cmocka_unit_test(test_status),
    };

    return cmocka_run_group_tests(tests, setup_screen, teardown_screen);
}
