/* Themes: the role table, the theme file parser and the colour set-up. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "theme.h"

static const char *const role_names[VT_ROLE_LAST] = {
#define VT_ROLE_NAME(e, s) s,
    VT_ROLES(VT_ROLE_NAME)
#undef VT_ROLE_NAME
};

static const char *const color_names[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
    const char *name;
    attr_t attr;
} attr_names[] = {
    { "bold", A_BOLD },
    { "reverse", A_REVERSE },
    { "underline", A_UNDERLINE },
    { "dim", A_DIM },
    { "normal", A_NORMAL },
};

#define THEME_MAX_BYTES (1024 * 1024)

const char *vt_role_name(vt_role r)
{
    if ((int)r < 0 || r >= VT_ROLE_LAST)
        return NULL;
    return role_names[r];
}

int vt_role_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i < VT_ROLE_LAST; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

static int parse_color(const char *s, short *out)
{
    size_t i;
    unsigned long long n;

    if (strcasecmp(s, "default") == 0) {
        *out = -1;
        return 0;
    }
    for (i = 0; i < sizeof(color_names) / sizeof(color_names[0]); i++) {
        if (strcasecmp(s, color_names[i]) == 0) {
            *out = (short)i;
            return 0;
        }
    }
    if (vt_parse_ull(s, &n) == 0 && n <= 255) {
        *out = (short)n;
        return 0;
    }
    return -1;
}

static int parse_attr(const char *s, attr_t *out)
{
    size_t i;

    for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
        if (strcasecmp(s, attr_names[i].name) == 0) {
            *out |= attr_names[i].attr;
            return 0;
        }
    }
    return -1;
}

static char *trim(char *s)
{
    char *e;

    while (*s && isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* One non-empty, comment-free line into the theme. */
static int parse_line(char *line, const char *name, unsigned lineno, vt_role_style *roles,
                      bool *seen, vt_err *err)
{
    char *eq = strchr(line, '='), *key, *tok, *save = NULL;
    vt_role_style st = { -1, -1, A_NORMAL };
    int role, ntok = 0;

    if (!eq) {
        vt_err_set(err, _("theme %s line %u: expected \"role = fg bg [attributes]\""), name, lineno);
        return -1;
    }
    *eq = '\0';
    key = trim(line);
    role = vt_role_from_name(key);
    if (role < 0) {
        vt_err_set(err, _("theme %s line %u: unknown role \"%.64s\""), name, lineno, key);
        return -1;
    }
    for (tok = strtok_r(eq + 1, " \t\r\v\f", &save); tok; tok = strtok_r(NULL, " \t\r\v\f", &save)) {
        if (ntok < 2) {
            if (parse_color(tok, ntok == 0 ? &st.fg : &st.bg) < 0) {
                vt_err_set(err, _("theme %s line %u: unknown colour \"%.64s\" for %s"), name, lineno,
                           tok, role_names[role]);
                return -1;
            }
        } else if (parse_attr(tok, &st.attrs) < 0) {
            vt_err_set(err, _("theme %s line %u: unknown attribute \"%.64s\" for %s"), name, lineno,
                       tok, role_names[role]);
            return -1;
        }
        ntok++;
    }
    if (ntok < 2) {
        vt_err_set(err, _("theme %s line %u: %s needs a foreground and a background colour"), name,
                   lineno, role_names[role]);
        return -1;
    }
    roles[role] = st;
    seen[role] = true;
    return 0;
}

int vt_theme_parse(const char *text, const char *name, vt_theme *t, vt_err *err)
{
    vt_role_style roles[VT_ROLE_LAST];
    bool seen[VT_ROLE_LAST] = { false };
    const char *p = text ? text : "";
    unsigned lineno = 0;
    int i;

    if (!name)
        name = "(unnamed)";
    memset(roles, 0, sizeof(roles));
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = vt_strndup(p, n), *hash, *s;
        int rc = 0;

        lineno++;
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        s = trim(line);
        if (*s)
            rc = parse_line(s, name, lineno, roles, seen, err);
        free(line);
        if (rc < 0)
            return -1;
        p += n;
        if (*p == '\n')
            p++;
    }
    if (!seen[VT_ROLE_NORMAL]) {
        roles[VT_ROLE_NORMAL].fg = -1;
        roles[VT_ROLE_NORMAL].bg = -1;
        roles[VT_ROLE_NORMAL].attrs = A_NORMAL;
    }
    for (i = 0; i < VT_ROLE_LAST; i++)
        if (!seen[i])
            roles[i] = roles[VT_ROLE_NORMAL];
    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "%s", name);
    memcpy(t->roles, roles, sizeof(roles));
    t->color = false;
    return 0;
}

int vt_theme_load(const char *dir, const char *name, vt_theme *t, vt_err *err)
{
    VT_AUTOFREE char *path = NULL;
    VT_AUTOFREE char *text = NULL;
    size_t len = 0;
    FILE *f;

    if (!name || !*name || strchr(name, '/')) {
        vt_err_set(err, _("bad theme name \"%.64s\""), name ? name : "");
        return -1;
    }
    path = vt_asprintf("%s/%s.theme", dir ? dir : ".", name);
    f = fopen(path, "r");
    if (!f) {
        vt_err_set(err, _("cannot read theme %s: %s"), path, strerror(errno));
        return -1;
    }
    text = vt_malloc(THEME_MAX_BYTES + 1);
    len = fread(text, 1, THEME_MAX_BYTES + 1, f);
    if (ferror(f)) {
        vt_err_set(err, _("cannot read theme %s: %s"), path, strerror(errno));
        fclose(f);
        return -1;
    }
    fclose(f);
    if (len > THEME_MAX_BYTES) {
        vt_err_set(err, _("theme %s is too large"), path);
        return -1;
    }
    if (memchr(text, '\0', len)) {
        vt_err_set(err, _("theme %s is not a text file"), path);
        return -1;
    }
    text[len] = '\0';
    return vt_theme_parse(text, name, t, err);
}

void vt_theme_mono(vt_theme *t)
{
    static const attr_t mono[VT_ROLE_LAST] = {
        [VT_ROLE_NORMAL] = A_NORMAL,
        [VT_ROLE_TITLE] = A_BOLD,
        [VT_ROLE_HEADER] = A_BOLD | A_UNDERLINE,
        [VT_ROLE_SELECTION] = A_REVERSE,
        [VT_ROLE_STATUS] = A_NORMAL,
        [VT_ROLE_STATUS_ERROR] = A_BOLD | A_REVERSE,
        [VT_ROLE_FOOTER] = A_NORMAL,
        [VT_ROLE_FOOTER_KEY] = A_REVERSE,
        [VT_ROLE_TAB] = A_NORMAL,
        [VT_ROLE_TAB_ACTIVE] = A_REVERSE | A_BOLD,
        [VT_ROLE_BORDER] = A_NORMAL,
        [VT_ROLE_DIM] = A_DIM,
        [VT_ROLE_VALUE_OK] = A_NORMAL,
        [VT_ROLE_VALUE_WARN] = A_BOLD,
        [VT_ROLE_VALUE_BAD] = A_BOLD | A_UNDERLINE,
        [VT_ROLE_STAGED] = A_BOLD,
        [VT_ROLE_BAR] = A_NORMAL,
        [VT_ROLE_BAR_WARN] = A_BOLD,
        [VT_ROLE_GRID_VCPU] = A_BOLD,
        [VT_ROLE_GRID_EMULATOR] = A_UNDERLINE,
        [VT_ROLE_GRID_IOTHREAD] = A_BOLD | A_UNDERLINE,
        [VT_ROLE_GRID_KWORKER] = A_NORMAL,
        [VT_ROLE_GRID_FREE] = A_DIM,
        [VT_ROLE_INPUT] = A_UNDERLINE,
        [VT_ROLE_DIALOG] = A_NORMAL,
        [VT_ROLE_DIFF_ADD] = A_BOLD,
        [VT_ROLE_DIFF_DEL] = A_DIM,
        [VT_ROLE_GRID_CURSOR] = A_REVERSE,
        [VT_ROLE_GRID_PICKED] = A_BOLD | A_UNDERLINE,
        [VT_ROLE_GRID_OTHER] = A_NORMAL,
    };
    int i;

    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "mono");
    for (i = 0; i < VT_ROLE_LAST; i++) {
        t->roles[i].fg = -1;
        t->roles[i].bg = -1;
        t->roles[i].attrs = mono[i];
    }
    t->color = false;
}

/* A colour the terminal can show: out-of-range numbers (a 256-colour theme
 * on an 8-colour terminal) fold bright colours onto the basic eight and the
 * rest onto the default. */
static short usable_color(short c, bool have_default, short fallback)
{
    if (c < 0)
        return have_default ? -1 : fallback;
    if (c < COLORS)
        return c;
    if (c < 16 && c - 8 < COLORS)
        return (short)(c - 8);
    return have_default ? -1 : fallback;
}

void vt_theme_apply(vt_theme *t, bool color)
{
    bool have_default;
    int i;

    if (!t)
        return;
    t->color = false;
    if (!color || !has_colors())
        return;
    if (start_color() == ERR)
        return;
    if (COLOR_PAIRS <= VT_ROLE_LAST)
        return;
    have_default = use_default_colors() == OK;
    for (i = 0; i < VT_ROLE_LAST; i++) {
        short fg = usable_color(t->roles[i].fg, have_default, COLOR_WHITE);
        short bg = usable_color(t->roles[i].bg, have_default, COLOR_BLACK);

        init_pair((short)(i + 1), fg, bg);
    }
    t->color = true;
}

attr_t vt_theme_attr(const vt_theme *t, vt_role r)
{
    if (!t || (int)r < 0 || r >= VT_ROLE_LAST)
        return A_NORMAL;
    if (t->color)
        return (attr_t)COLOR_PAIR(r + 1) | t->roles[r].attrs;
    return t->roles[r].attrs;
}
