#include "actions.h"

#include <curses.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

static const vt_action_info actions[VT_ACT_LAST] = {
#define VT_ACTION_INFO(e, n, f, s, w, h) { n, f, s, w, h },
    VT_ACTIONS(VT_ACTION_INFO)
#undef VT_ACTION_INFO
};

const char vt_default_config[] =
    "# virt-tune default key bindings (same syntax as ~/.config/virt-tune/config)\n"
    "bind Up up\nbind k up\nbind Down down\nbind j down\n"
    "bind PgUp page-up\nbind PgDn page-down\nbind Home top\nbind g top\n"
    "bind End bottom\nbind G bottom\n"
    "bind Enter open\nbind Esc back\nbind Left back\nbind h back\n"
    "bind Tab next-panel\nbind BTab prev-panel\nbind Right next-panel\n"
    "bind / filter\nbind s sort\nbind S sort-reverse\n"
    "bind H host\nbind T top-view\nbind F fleet\nbind ^L refresh\nbind ? help\nbind F1 help\nbind q quit\n"
    "bind e edit\nbind ^G pick-cpus\nbind F2 pick-cpus\nbind Space pick\nbind R review\n"
    "bind a apply\nbind w save-plan\nbind d drop\nbind D drop-all\n"
    "bind A advice\nbind f fix\nbind U revert-last\n"
    "bind r remote\nbind t setup\nbind u user-add\nbind p user-passwd\nbind x user-delete\n"
    "theme default\n";

/* The table with its footer labels and help in the user's language;
 * the config names stay English. Built once, after vt_i18n_init(). */
const vt_action_info *vt_action_get(vt_action a)
{
    static vt_action_info shown[VT_ACT_LAST];
    static bool built;

    if (a < 0 || a >= VT_ACT_LAST)
        return NULL;
    if (!built) {
        for (int i = 0; i < VT_ACT_LAST; i++) {
            shown[i] = actions[i];
            shown[i].footer = actions[i].footer ? _(actions[i].footer) : NULL;
            shown[i].help = _(actions[i].help);
        }
        built = true;
    }
    return &shown[a];
}

vt_action vt_action_from_name(const char *name)
{
    int i;

    for (i = 0; i < VT_ACT_LAST; i++)
        if (strcmp(actions[i].name, name) == 0)
            return (vt_action)i;
    return VT_ACT_NONE;
}

static const struct {
    const char *name;
    int key;
} named_keys[] = {
    { "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
    { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
    { "Enter", '\n' }, { "Esc", 27 }, { "Tab", '\t' }, { "BTab", KEY_BTAB },
    { "Backspace", KEY_BACKSPACE }, { "Space", ' ' },
};

static int parse_key(const char *s)
{
    size_t i;
    int f;

    for (i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
        if (strcmp(s, named_keys[i].name) == 0)
            return named_keys[i].key;
    if (s[0] == 'F' && sscanf(s + 1, "%d", &f) == 1 && f >= 1 && f <= 12) {
        char tail[8];
        snprintf(tail, sizeof(tail), "%d", f);
        if (strcmp(s + 1, tail) == 0)
            return KEY_F(f);
    }
    if (s[0] == '^' && s[1] >= '@' && s[1] <= '_' && !s[2])
        return s[1] - '@';
    if (s[0] == '^' && s[1] >= 'a' && s[1] <= 'z' && !s[2])
        return s[1] - 'a' + 1;
    if (s[0] > ' ' && s[0] < 0x7f && !s[1])
        return s[0];
    return -1;
}

const char *vt_key_name(int key, char *buf, size_t bufsz)
{
    size_t i;

    for (i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
        if (named_keys[i].key == key) {
            snprintf(buf, bufsz, "%s", named_keys[i].name);
            return buf;
        }
    if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, bufsz, "F%d", key - KEY_F(0));
    else if (key > 0 && key < 32)
        snprintf(buf, bufsz, "^%c", key + '@');
    else if (key > ' ' && key < 0x7f)
        snprintf(buf, bufsz, "%c", key);
    else
        snprintf(buf, bufsz, "#%d", key);
    return buf;
}

static void bind_key(vt_config *cfg, int key, vt_action a)
{
    size_t i;

    for (i = 0; i < cfg->nbindings; i++)
        if (cfg->bindings[i].key == key) {
            cfg->bindings[i].action = a;
            return;
        }
    if (cfg->nbindings < VT_MAX_BINDINGS)
        cfg->bindings[cfg->nbindings++] = (vt_binding){ key, a };
}

static void unbind_key(vt_config *cfg, int key)
{
    size_t i;

    for (i = 0; i < cfg->nbindings; i++)
        if (cfg->bindings[i].key == key) {
            memmove(&cfg->bindings[i], &cfg->bindings[i + 1],
                    (cfg->nbindings - i - 1) * sizeof(cfg->bindings[0]));
            cfg->nbindings--;
            return;
        }
}

int vt_config_parse(const char *text, vt_config *cfg, vt_err *err)
{
    vt_config work = *cfg;
    const char *line = text;
    int lineno = 0;

    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[1024], w1[64] = "", w2[64] = "", w3[64] = "", w4[8] = "";
        int n;

        lineno++;
        if (len >= sizeof(buf)) {
            vt_err_set(err, _("line %d: too long"), lineno);
            return -1;
        }
        memcpy(buf, line, len);
        buf[len] = '\0';
        line = nl ? nl + 1 : NULL;
        if (strchr(buf, '#'))
            *strchr(buf, '#') = '\0';
        n = sscanf(buf, "%63s %63s %63s %7s", w1, w2, w3, w4);
        if (n <= 0)
            continue;
        if (strcmp(w1, "bind") == 0 && n == 3) {
            int key = parse_key(w2);
            vt_action a = vt_action_from_name(w3);
            if (key < 0) {
                vt_err_set(err, _("line %d: unknown key \"%s\""), lineno, w2);
                return -1;
            }
            if (a == VT_ACT_NONE) {
                vt_err_set(err, _("line %d: unknown action \"%s\""), lineno, w3);
                return -1;
            }
            bind_key(&work, key, a);
        } else if (strcmp(w1, "unbind") == 0 && n == 2) {
            int key = parse_key(w2);
            if (key < 0) {
                vt_err_set(err, _("line %d: unknown key \"%s\""), lineno, w2);
                return -1;
            }
            unbind_key(&work, key);
        } else if (strcmp(w1, "host") == 0) {
            /* "host NAME URI": the hosts of a fleet, read by
               vt_config_hosts (core/hosts.c checks them there) */
            char *save = NULL;
            int nf = 0;
            for (char *t = strtok_r(buf, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
                nf++;
            if (nf != 3) {
                vt_err_set(err, _("line %d: expected host NAME URI"), lineno);
                return -1;
            }
        } else if (strcmp(w1, "theme") == 0 && n == 2) {
            snprintf(work.theme, sizeof(work.theme), "%s", w2);
        } else if (strcmp(w1, "color") == 0 && n == 2 &&
                   (strcmp(w2, "yes") == 0 || strcmp(w2, "no") == 0)) {
            work.color = strcmp(w2, "yes") == 0;
        } else {
            vt_err_set(err, _("line %d: cannot read \"%s\" (expected bind KEY ACTION, "
                         "unbind KEY, theme NAME, color yes|no or host NAME URI)"), lineno, vt_rstrip(buf));
            return -1;
        }
    }
    *cfg = work;
    return 0;
}

vt_action vt_config_lookup(const vt_config *cfg, int key)
{
    size_t i;

    if (key == KEY_ENTER || key == '\r')
        key = '\n';
    for (i = 0; i < cfg->nbindings; i++)
        if (cfg->bindings[i].key == key)
            return cfg->bindings[i].action;
    return VT_ACT_NONE;
}

int vt_config_key_for(const vt_config *cfg, vt_action a)
{
    size_t i;

    for (i = 0; i < cfg->nbindings; i++)
        if (cfg->bindings[i].action == a)
            return cfg->bindings[i].key;
    return -1;
}

char *vt_config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (xdg && *xdg)
        return vt_asprintf("%s/virt-tune/config", xdg);
    if (home && *home)
        return vt_asprintf("%s/.config/virt-tune/config", home);
    return NULL;
}

int vt_config_hosts(const char *path, vt_hostlist *l, vt_err *err)
{
    VT_AUTOFREE char *dflt = NULL;
    VT_AUTOFREE char *text = NULL;

    if (!path)
        path = dflt = vt_config_default_path();
    if (!path || access(path, F_OK) != 0)
        return 0;
    if (!(text = vt_read_file(path, 1 << 20, err)))
        return -1;
    return vt_hostlist_parse(l, text, path, "host", err);
}
