/* The hosts of a run and their names (hosts.h). */
#include <config.h>

#include "hosts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *vt_host_default_name(const char *uri)
{
    const char *p, *end;

    if (!uri || !(p = strstr(uri, "://")))
        return vt_strdup("localhost");
    p += 3;
    /* user@ before the host */
    end = p + strcspn(p, "/?");
    {
        const char *at = memchr(p, '@', (size_t)(end - p));
        if (at)
            p = at + 1;
    }
    if (*p == '[') {   /* [IPv6]:port */
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close && close > p + 1)
            return vt_strndup(p + 1, (size_t)(close - p - 1));
    }
    {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon)
            end = colon;
    }
    if (end == p)
        return vt_strdup("localhost");
    return vt_strndup(p, (size_t)(end - p));
}

static bool name_taken(const vt_hostlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return true;
    return false;
}

/* 0 for a good host name, else which rule it breaks */
static int name_bad(const char *name)
{
    size_t n = strlen(name);

    if (n == 0)
        return 1;
    if (n > VT_HOST_NAME_MAX)
        return 2;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (!isgraph(*p) || *p == '"' || *p == '\\')
            return 3;
    return 0;
}

int vt_hostlist_add(vt_hostlist *l, const char *name, const char *uri, vt_err *err)
{
    vt_host_entry *e;
    char *n;

    if (uri && (!*uri || strpbrk(uri, " \t\r\n"))) {
        vt_err_set(err, _("the URI '%s' is empty or has a space"), uri);
        return -1;
    }
    if (name) {
        int why = name_bad(name);
        if (why == 1)
            vt_err_set(err, _("the host name '%s' is empty"), name);
        else if (why == 2)
            vt_err_set(err, _("the host name '%s' is longer than 64 characters"), name);
        else if (why)
            vt_err_set(err, _("the host name '%s' may only have printable ASCII characters, without "
                       "spaces, quotes or backslashes"), name);
        if (why)
            return -1;
        if (name_taken(l, name)) {
            vt_err_set(err, _("the host name '%s' is given twice"), name);
            return -1;
        }
        n = vt_strdup(name);
    } else {
        char *base = vt_host_default_name(uri);
        /* a URI's host part is a name already; what is not becomes '-',
           with room left for a suffix */
        for (unsigned char *q = (unsigned char *)base; *q; q++)
            if (!isgraph(*q) || *q == '"' || *q == '\\')
                *q = '-';
        if (strlen(base) > VT_HOST_NAME_MAX - 4)
            base[VT_HOST_NAME_MAX - 4] = '\0';
        n = vt_strdup(base);
        for (unsigned k = 2; name_taken(l, n); k++) {
            free(n);
            n = vt_asprintf("%s-%u", base, k);
        }
        free(base);
    }
    e = vt_array_push(&l->v, &l->n, sizeof(*l->v));
    e->name = n;
    e->uri = vt_strdup(uri);
    e->named = name != NULL;
    return 0;
}

int vt_hostlist_parse(vt_hostlist *l, const char *text, const char *what, const char *keyword,
                      vt_err *err)
{
    size_t n0 = l->n;
    unsigned lineno = 0;
    const char *p = text;

    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = vt_strndup(p, len), *save = NULL, *f[4] = { 0 };
        size_t nf = 0;
        vt_err e = { { 0 } };

        lineno++;
        p = eol ? eol + 1 : NULL;
        line[strcspn(line, "#")] = '\0';
        for (char *t = strtok_r(line, " \t\r", &save); t && nf < 4; t = strtok_r(NULL, " \t\r", &save))
            f[nf++] = t;
        if (nf == 0 || (keyword && strcmp(f[0], keyword) != 0)) {
            free(line);
            continue;
        }
        if (keyword) {
            memmove(f, f + 1, sizeof(f[0]) * 3);
            nf--;
        }
        if (nf != 2)
            vt_err_set(&e, _("expected '%sNAME URI'"), keyword ? "host " : "");
        else
            vt_hostlist_add(l, f[0], f[1], &e);
        free(line);
        if (e.msg[0]) {
            vt_err_set(err, _("%s: line %u: %s"), what, lineno, e.msg);
            while (l->n > n0) {
                l->n--;
                free(l->v[l->n].name);
                free(l->v[l->n].uri);
            }
            return -1;
        }
    }
    return 0;
}

void vt_hostlist_clear(vt_hostlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].uri);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
