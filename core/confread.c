#include "confread.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>


static vt_conf_entry *add_entry(vt_conf *c, const char *key, size_t klen, char *value, int line)
{
    vt_conf_entry *e = vt_array_push(&c->entries, &c->n, sizeof(*e));

    e->key = vt_strndup(key, klen);
    e->value = value;
    e->line = line;
    return e;
}

static const char *skip_ws(const char *p, int *line)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || (line && *p == '\n')) {
            if (*p == '\n')
                (*line)++;
            p++;
        }
        if (line && *p == '#') {       /* comments inside a list */
            while (*p && *p != '\n')
                p++;
            continue;
        }
        return p;
    }
}

/* One value: "string", integer, or [list]; *pp advances past it. */
static char *parse_value(const char **pp, int *line, bool in_list, vt_err *err)
{
    const char *p = *pp;
    vt_buf b = { 0 };

    if (*p == '"') {
        for (p++; *p && *p != '"' && *p != '\n'; p++) {
            if (*p == '\\' && p[1] && p[1] != '\n')
                p++;
            vt_buf_addn(&b, p, 1);
        }
        if (*p != '"') {
            vt_err_set(err, _("line %d: unterminated string"), *line);
            vt_buf_free(&b);
            return NULL;
        }
        *pp = p + 1;
        return vt_buf_steal(&b);
    }
    if (*p == '[' && !in_list) {
        bool first = true;
        p++;
        for (;;) {
            char *v;
            p = skip_ws(p, line);
            if (*p == ']') {
                *pp = p + 1;
                return vt_buf_steal(&b);
            }
            if (!first) {
                if (*p != ',') {
                    vt_err_set(err, _("line %d: expected ',' or ']' in a list"), *line);
                    vt_buf_free(&b);
                    return NULL;
                }
                p = skip_ws(p + 1, line);
                if (*p == ']') {             /* trailing comma */
                    *pp = p + 1;
                    return vt_buf_steal(&b);
                }
            }
            if (!(v = parse_value(&p, line, true, err))) {
                vt_buf_free(&b);
                return NULL;
            }
            vt_buf_addf(&b, "%s%s", first ? "" : ", ", v);
            free(v);
            first = false;
        }
    }
    if (*p == '-' || isdigit((unsigned char)*p)) {
        const char *s = p++;
        while (isdigit((unsigned char)*p))
            p++;
        if (p - s == 1 && *s == '-') {
            vt_err_set(err, _("line %d: bad number"), *line);
            return NULL;
        }
        *pp = p;
        return vt_strndup(s, (size_t)(p - s));
    }
    vt_err_set(err, _("line %d: expected a \"string\", a number or a [list]"), *line);
    return NULL;
}

int vt_conf_parse_libvirt(const char *text, vt_conf *out, vt_err *err)
{
    vt_conf c = { 0 };
    const char *p;

    text = text ? text : "";
    p = text;
    int line = 1;

    for (;;) {
        const char *key;
        size_t klen;
        char *v;

        p = skip_ws(p, &line);
        if (!*p)
            break;
        key = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        klen = (size_t)(p - key);
        if (!klen) {
            vt_err_set(err, _("line %d: expected a setting name"), line);
            goto error;
        }
        p = skip_ws(p, NULL);
        if (*p != '=') {
            vt_err_set(err, _("line %d: expected '=' after %.*s"), line, (int)klen, key);
            goto error;
        }
        p = skip_ws(p + 1, NULL);
        {
            const char *vs = p;
            vt_conf_entry *e;
            if (!(v = parse_value(&p, &line, false, err)))
                goto error;
            e = add_entry(&c, key, klen, v, line);
            e->vstart = (size_t)(vs - text);
            e->vend = (size_t)(p - text);
        }
        p = skip_ws(p, NULL);
        if (*p == '#')
            while (*p && *p != '\n')
                p++;
        if (*p && *p != '\n') {
            vt_err_set(err, _("line %d: unexpected text after the value"), line);
            goto error;
        }
    }
    vt_conf_clear(out);
    *out = c;
    return 0;

error:
    vt_conf_clear(&c);
    return -1;
}

int vt_conf_parse_sasl(const char *text, vt_conf *out, vt_err *err)
{
    vt_conf c = { 0 };
    const char *p;

    text = text ? text : "";
    p = text;
    int line = 0;

    while (*p) {
        const char *nl = strchr(p, '\n'), *colon, *end = nl ? nl : p + strlen(p);
        const char *k, *v;
        line++;
        k = p;
        while (k < end && isspace((unsigned char)*k))
            k++;
        if (k == end || *k == '#') {
            p = nl ? nl + 1 : end;
            continue;
        }
        colon = memchr(k, ':', (size_t)(end - k));
        if (!colon || colon == k) {
            vt_err_set(err, _("line %d: expected \"key: value\""), line);
            vt_conf_clear(&c);
            return -1;
        }
        {
            const char *ke = colon;
            while (ke > k && isspace((unsigned char)ke[-1]))
                ke--;
            v = colon + 1;
            while (v < end && isspace((unsigned char)*v))
                v++;
            {
                const char *ve = end;
                while (ve > v && isspace((unsigned char)ve[-1]))
                    ve--;
                vt_conf_entry *e =
                    add_entry(&c, k, (size_t)(ke - k), vt_strndup(v, (size_t)(ve - v)), line);
                e->vstart = (size_t)(v - text);
                e->vend = (size_t)(ve - text);
            }
        }
        p = nl ? nl + 1 : end;
    }
    vt_conf_clear(out);
    *out = c;
    return 0;
}

const char *vt_conf_get(const vt_conf *c, const char *key)
{
    size_t i;

    for (i = c->n; i > 0; i--)
        if (strcmp(c->entries[i - 1].key, key) == 0)
            return c->entries[i - 1].value;
    return NULL;
}

void vt_conf_clear(vt_conf *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->n; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    c->entries = NULL;
    c->n = 0;
}

char *vt_conf_quote(const char *s)
{
    vt_buf b = { 0 };

    vt_buf_add(&b, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            vt_buf_add(&b, "\\");
        vt_buf_addn(&b, s, 1);
    }
    vt_buf_add(&b, "\"");
    return vt_buf_steal(&b);
}

/* Inside the value of an entry (a list over several lines)? */
static bool in_value(const vt_conf *c, size_t off)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->entries[i].vstart <= off && off < c->entries[i].vend)
            return true;
    return false;
}

/* Where a commented-out "#key =" (or "#key:") template line ends, or 0. A
 * comment inside a multi-line value is not one: a line put after it would
 * land inside that value. */
static size_t template_end(const char *text, const vt_conf *c, const char *key, char sep)
{
    const char *p = text;
    size_t klen = strlen(key), found = 0;

    while (*p) {
        const char *nl = strchr(p, '\n'), *q = p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '#' && !in_value(c, (size_t)(p - text))) {
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            if (strncmp(q, key, klen) == 0) {
                q += klen;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (*q == sep)
                    found = nl ? (size_t)(nl - text) + 1 : strlen(text);
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return found;
}

static char *conf_set(const char *text, const vt_conf *c, const char *key, const char *value,
                      const char *line_fmt, char sep)
{
    vt_buf b = { 0 };
    size_t i, pos = 0, at;
    bool any = false;

    text = text ? text : "";
    for (i = 0; i < c->n; i++) {
        const vt_conf_entry *e = &c->entries[i];
        if (strcmp(e->key, key) != 0)
            continue;
        vt_buf_addn(&b, text + pos, e->vstart - pos);
        vt_buf_add(&b, value);
        pos = e->vend;
        any = true;
    }
    if (any) {
        vt_buf_add(&b, text + pos);
        return vt_buf_steal(&b);
    }
    at = template_end(text, c, key, sep);
    if (!at) {
        at = strlen(text);
        vt_buf_add(&b, text);
        if (at && text[at - 1] != '\n')
            vt_buf_add(&b, "\n");
        vt_buf_addf(&b, line_fmt, key, value);
        return vt_buf_steal(&b);
    }
    vt_buf_addn(&b, text, at);
    if (text[at - 1] != '\n')
        vt_buf_add(&b, "\n");
    vt_buf_addf(&b, line_fmt, key, value);
    vt_buf_add(&b, text + at);
    return vt_buf_steal(&b);
}

char *vt_conf_set_libvirt(const char *text, const char *key, const char *literal, vt_err *err)
{
    vt_conf c = { 0 }, probe = { 0 };
    vt_err e = { { 0 } };
    char *line, *out = NULL;

    /* the literal must be a value libvirt reads, alone on its line */
    line = vt_asprintf("%s = %s\n", key, literal);
    if (vt_conf_parse_libvirt(line, &probe, &e) < 0 || probe.n != 1) {
        vt_err_set(err, _("%s = %s is not a libvirt setting: %s"), key, literal, e.msg);
        goto cleanup;
    }
    if (vt_conf_parse_libvirt(text, &c, &e) < 0) {
        vt_err_set(err, _("not rewritten, it does not parse: %s"), e.msg);
        goto cleanup;
    }
    out = conf_set(text, &c, key, literal, "%s = %s\n", '=');

cleanup:
    free(line);
    vt_conf_clear(&probe);
    vt_conf_clear(&c);
    return out;
}

char *vt_conf_set_sasl(const char *text, const char *key, const char *value, vt_err *err)
{
    vt_conf c = { 0 };
    vt_err e = { { 0 } };
    char *out;

    if (strchr(value, '\n') || strchr(key, ':') || strchr(key, '\n')) {
        vt_err_set(err, _("%s: %s cannot be written as a SASL setting"), key, value);
        return NULL;
    }
    if (vt_conf_parse_sasl(text, &c, &e) < 0) {
        vt_err_set(err, _("not rewritten, it does not parse: %s"), e.msg);
        return NULL;
    }
    out = conf_set(text, &c, key, value, "%s: %s\n", ':');
    vt_conf_clear(&c);
    return out;
}

static void read_one(const char *path, char **why, vt_conf *conf,
                     int (*parse)(const char *, vt_conf *, vt_err *))
{
    vt_err err = { { 0 } };
    char *text = vt_read_file(path, 1 << 20, &err);

    if (!text) {
        *why = vt_strdup(errno == ENOENT ? "not present" : err.msg);
        return;
    }
    if (parse(text, conf, &err) < 0)
        *why = vt_asprintf("cannot be read: %s", err.msg);
    free(text);
}

void vt_remote_access_read(vt_remote_access *ra, const char *etc_root)
{
    vt_remote_access_clear(ra);
    ra->libvirtd_conf_path = vt_asprintf("%s/libvirt/libvirtd.conf", etc_root);
    ra->sasl_conf_path = vt_asprintf("%s/sasl2/libvirt.conf", etc_root);
    read_one(ra->libvirtd_conf_path, &ra->libvirtd_why, &ra->libvirtd, vt_conf_parse_libvirt);
    read_one(ra->sasl_conf_path, &ra->sasl_why, &ra->sasl, vt_conf_parse_sasl);
}

void vt_remote_access_clear(vt_remote_access *ra)
{
    if (!ra)
        return;
    free(ra->libvirtd_conf_path);
    free(ra->libvirtd_why);
    vt_conf_clear(&ra->libvirtd);
    free(ra->sasl_conf_path);
    free(ra->sasl_why);
    vt_conf_clear(&ra->sasl);
    memset(ra, 0, sizeof(*ra));
}

void vt_qemu_conf_read(vt_qemu_conf *q, const char *etc_root)
{
    vt_conf conf = { 0 };
    const vt_conf_entry *e = NULL;

    vt_qemu_conf_clear(q);
    q->path = vt_asprintf("%s/libvirt/qemu.conf", etc_root);
    q->seccomp_sandbox = -1;
    read_one(q->path, &q->why, &conf, vt_conf_parse_libvirt);
    if (q->why && strcmp(q->why, "not present") == 0) {
        /* no file: the driver runs on its defaults */
        free(q->why);
        q->why = NULL;
    }
    if (q->why) {
        vt_conf_clear(&conf);
        return;
    }
    for (size_t i = 0; i < conf.n; i++)
        if (strcmp(conf.entries[i].key, "seccomp_sandbox") == 0)
            e = &conf.entries[i];
    if (!e) {
        q->seccomp_sandbox = 1;
    } else {
        /* libvirt takes any integer; only 0 turns the sandbox off */
        char *end;
        long v = strtol(e->value, &end, 10);
        if (end == e->value || *end) {
            q->why = vt_asprintf("seccomp_sandbox = %s on line %d is not a number", e->value,
                                 e->line);
        } else {
            q->seccomp_sandbox = v != 0;
            q->sandbox_line = e->line;
        }
    }
    vt_conf_clear(&conf);
}

char *vt_qemu_conf_sandbox_source(const vt_qemu_conf *q)
{
    if (!q->path)
        return NULL;
    if (q->why)
        return vt_asprintf("%s: %s", q->path, q->why);
    if (q->sandbox_line)
        return vt_asprintf("%s line %d", q->path, q->sandbox_line);
    return vt_asprintf("default (not set in %s)", q->path);
}

void vt_qemu_conf_clear(vt_qemu_conf *q)
{
    if (!q)
        return;
    free(q->path);
    free(q->why);
    memset(q, 0, sizeof(*q));
    q->seccomp_sandbox = -1;
}
