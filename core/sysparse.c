#include "sysparse.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next blank-separated token of [s, s+len) starting at *pos. */
static bool next_token(const char *s, size_t len, size_t *pos, const char **tok, size_t *tlen)
{
    size_t i = *pos;

    while (i < len && is_blank(s[i]))
        i++;
    if (i == len) {
        *pos = i;
        return false;
    }
    *tok = s + i;
    while (i < len && !is_blank(s[i]))
        i++;
    *tlen = (size_t)(s + i - *tok);
    *pos = i;
    return true;
}

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-';
}

static void selection_reset(vt_selection *sel)
{
    for (size_t i = 0; i < sel->nopts && i < VT_SEL_MAX_OPTS; i++)
        free(sel->opts[i]);
    memset(sel, 0, sizeof(*sel));
    sel->selected = -1;
}

void vt_selection_free(vt_selection *sel)
{
    if (sel)
        selection_reset(sel);
}

int vt_selection_parse(const char *str, vt_selection *out, vt_err *err)
{
    vt_selection sel = {.selected = -1};
    const char *tok;
    size_t len, tlen, pos = 0;
    int ret = -1;

    if (!str || !out) {
        vt_err_set(err, _("empty selection"));
        goto cleanup;
    }
    len = strlen(str);
    if (len > 0 && str[len - 1] == '\n')
        len--;

    while (next_token(str, len, &pos, &tok, &tlen)) {
        const char *word = tok;
        size_t wlen = tlen;
        bool bracketed = tok[0] == '[';
        char cn[8];

        /* Foreign characters first: "[b]\n\n" is a stray newline, not a
         * missing "]". */
        for (size_t i = 0; i < tlen; i++) {
            if (!is_word_char(tok[i]) && tok[i] != '[' && tok[i] != ']') {
                vt_err_set(err, _("selection \"%s\": bad character %s in \"%s\""), VT_QUOTE(str, len),
                           vt_char_name(tok[i], cn), VT_QUOTE(tok, tlen));
                goto cleanup;
            }
        }
        if (bracketed) {
            if (tlen < 2 || tok[tlen - 1] != ']') {
                vt_err_set(err, _("selection \"%s\": \"[\" without matching \"]\" in \"%s\""),
                           VT_QUOTE(str, len), VT_QUOTE(tok, tlen));
                goto cleanup;
            }
            word++;
            wlen -= 2;
            if (wlen == 0) {
                vt_err_set(err, _("selection \"%s\": empty brackets"), VT_QUOTE(str, len));
                goto cleanup;
            }
        }
        for (size_t i = 0; i < wlen; i++) {
            if (word[i] == '[' || word[i] == ']') {
                vt_err_set(err, _("selection \"%s\": unbalanced %s in \"%s\""), VT_QUOTE(str, len),
                           vt_char_name(word[i], cn), VT_QUOTE(tok, tlen));
                goto cleanup;
            }
        }
        if (sel.nopts == VT_SEL_MAX_OPTS) {
            vt_err_set(err, _("selection \"%s\": more than %d options"), VT_QUOTE(str, len),
                       VT_SEL_MAX_OPTS);
            goto cleanup;
        }
        if (bracketed) {
            if (sel.selected >= 0) {
                vt_err_set(err, _("selection \"%s\": two selected words \"%s\" and \"%s\""),
                           VT_QUOTE(str, len), sel.opts[sel.selected], VT_QUOTE(word, wlen));
                goto cleanup;
            }
            sel.selected = (int)sel.nopts;
        }
        sel.opts[sel.nopts++] = vt_strndup(word, wlen);
    }

    if (sel.nopts == 0) {
        vt_err_set(err, _("empty selection"));
        goto cleanup;
    }
    if (sel.selected < 0) {
        vt_err_set(err, _("selection \"%s\": no selected word in brackets"), VT_QUOTE(str, len));
        goto cleanup;
    }

    *out = sel;
    memset(&sel, 0, sizeof(sel));
    ret = 0;

cleanup:
    if (ret < 0) {
        selection_reset(&sel);
        /* *out may be uninitialised, so it is overwritten, not freed; the
         * empty result is safe to hand to vt_selection_free(). */
        if (out) {
            memset(out, 0, sizeof(*out));
            out->selected = -1;
        }
    }
    return ret;
}

void vt_numa_usage_init(vt_numa_usage *u)
{
    memset(u->kib, 0, sizeof(u->kib));
    memset(u->huge_kib, 0, sizeof(u->huge_kib));
    u->max_node = -1;
}

/* Whole unsigned decimal over [s, s+n); -1 on empty, junk or overflow. */
static int parse_dec(const char *s, size_t n, unsigned long long *out)
{
    unsigned long long v = 0;

    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned d;

        if (s[i] < '0' || s[i] > '9')
            return -1;
        d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static bool is_hex_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Pages per node found on one line, merged so duplicate "N<node>" keys
 * cannot slip past the overflow checks. */
typedef struct numa_ent {
    unsigned node;
    unsigned long long pages;
} numa_ent;

/* One numa_maps line over [s, s+len). lineno 0 means "not from a file".
 * Nothing is added to acc unless the whole line is good. */
static int numa_line(const char *s, size_t len, vt_numa_usage *acc, vt_err *err, unsigned lineno)
{
    char pfx[48];
    numa_ent *ents = NULL;
    size_t nents = 0, pos = 0, tlen;
    const char *tok;
    unsigned long long pagesize = 4;
    bool huge = false;
    int ret = -1;

    if (lineno)
        snprintf(pfx, sizeof(pfx), "numa_maps line %u: ", lineno);
    else
        snprintf(pfx, sizeof(pfx), "numa_maps line: ");

    if (!next_token(s, len, &pos, &tok, &tlen)) {
        vt_err_set(err, _("%sempty line"), pfx);
        goto cleanup;
    }
    for (size_t i = 0; i < tlen; i++) {
        /* A 64-bit address has at most 16 digits. */
        if (tlen > 16 || !is_hex_char(tok[i])) {
            vt_err_set(err, _("%saddress \"%s\" is not a hex address"), pfx, VT_QUOTE(tok, tlen));
            goto cleanup;
        }
    }
    /* The policy may itself contain blanks ("prefer (many):0-1"), so it
     * is only required to exist; unknown tokens after it are skipped. */
    if (!next_token(s, len, &pos, &tok, &tlen)) {
        vt_err_set(err, _("%smissing memory policy after the address"), pfx);
        goto cleanup;
    }

    while (next_token(s, len, &pos, &tok, &tlen)) {
        const char *eq = memchr(tok, '=', tlen);
        size_t klen = eq ? (size_t)(eq - tok) : tlen;
        const char *val = eq ? eq + 1 : NULL;
        size_t vlen = eq ? tlen - klen - 1 : 0;
        unsigned long long node, pages;
        numa_ent *e = NULL;

        if (klen == strlen("kernelpagesize_kB") && memcmp(tok, "kernelpagesize_kB", klen) == 0) {
            if (!val || parse_dec(val, vlen, &pagesize) < 0 || pagesize == 0) {
                vt_err_set(err, _("%sbad page size \"%s\""), pfx, VT_QUOTE(tok, tlen));
                goto cleanup;
            }
            continue;
        }
        if (tlen == 4 && memcmp(tok, "huge", 4) == 0) {
            huge = true;
            continue;
        }
        /* Kernel keys are lowercase; only node counts start with 'N'. */
        if (tok[0] != 'N')
            continue;
        if (!val) {
            vt_err_set(err, _("%sbad node entry \"%s\""), pfx, VT_QUOTE(tok, tlen));
            goto cleanup;
        }
        if (parse_dec(tok + 1, klen - 1, &node) < 0) {
            vt_err_set(err, _("%sbad node id \"%s\""), pfx, VT_QUOTE(tok, tlen));
            goto cleanup;
        }
        if (node >= VT_NUMA_MAX_NODES) {
            vt_err_set(err, _("%snode %s in \"%s\" is out of range (max %d)"), pfx,
                       VT_QUOTE(tok + 1, klen - 1), VT_QUOTE(tok, tlen), VT_NUMA_MAX_NODES - 1);
            goto cleanup;
        }
        if (parse_dec(val, vlen, &pages) < 0) {
            vt_err_set(err, _("%sbad node count \"%s\""), pfx, VT_QUOTE(tok, tlen));
            goto cleanup;
        }

        for (size_t i = 0; i < nents; i++)
            if (ents[i].node == node)
                e = &ents[i];
        if (!e) {
            e = vt_array_push(&ents, &nents, sizeof(*ents));
            e->node = (unsigned)node;
        }
        if (e->pages > ULLONG_MAX - pages) {
            vt_err_set(err, _("%spage count for node %u overflows"), pfx, e->node);
            goto cleanup;
        }
        e->pages += pages;
    }

    /* The page size comes last on the line, so sizes are only known now;
     * check every sum before touching acc. */
    for (size_t i = 0; i < nents; i++) {
        unsigned long long have = acc->kib[ents[i].node];

        if (ents[i].pages > ULLONG_MAX / pagesize || have > ULLONG_MAX - ents[i].pages * pagesize) {
            vt_err_set(err, _("%smemory on node %u overflows"), pfx, ents[i].node);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < nents; i++) {
        acc->kib[ents[i].node] += ents[i].pages * pagesize;
        if (huge)
            acc->huge_kib[ents[i].node] += ents[i].pages * pagesize;   /* <= kib: no overflow */
        if ((int)ents[i].node > acc->max_node)
            acc->max_node = (int)ents[i].node;
    }
    ret = 0;

cleanup:
    free(ents);
    return ret;
}

int vt_numamaps_parse_line(const char *line, vt_numa_usage *acc, vt_err *err)
{
    size_t len;

    if (!line) {
        vt_err_set(err, _("numa_maps line: empty line"));
        return -1;
    }
    len = strcspn(line, "\n");
    if (line[len] == '\n' && line[len + 1] != '\0') {
        vt_err_set(err, _("numa_maps line: text after the newline"));
        return -1;
    }
    return numa_line(line, len, acc, err, 0);
}

int vt_numamaps_parse(const char *text, vt_numa_usage *acc, vt_err *err)
{
    vt_numa_usage *tmp = NULL;
    const char *p = text;
    unsigned lineno = 1;
    int ret = -1;

    if (!text) {
        vt_err_set(err, _("numa_maps: no text"));
        goto cleanup;
    }

    /* Work on a copy so a bad file adds nothing rather than a prefix. */
    tmp = vt_malloc(sizeof(*tmp));
    *tmp = *acc;
    while (*p) {
        size_t len = strcspn(p, "\n");
        size_t i = 0;

        while (i < len && is_blank(p[i]))
            i++;
        if (i < len && numa_line(p, len, tmp, err, lineno) < 0)
            goto cleanup;
        p += len;
        if (*p == '\n')
            p++;
        lineno++;
    }
    *acc = *tmp;
    ret = 0;

cleanup:
    free(tmp);
    return ret;
}
