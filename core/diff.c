#include "diff.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Past this many differing lines the search stops and the rest of the
 * middle is shown as replaced whole: the trace costs (D+1)^2 ints. */
#define MAX_D 3000

typedef struct text_lines {
    const char **s;            /* not owned: into the text */
    size_t *len;
    size_t n;
} text_lines;

/* One line of the edit script: ' ' kept, '-' removed from a, '+' added from b. */
typedef struct op {
    char kind;
    size_t ai, bi;             /* line in a (for ' ' and '-'), in b (' ' and '+') */
} op;

static void split_lines(const char *t, text_lines *l)
{
    const char *p = t ? t : "";

    memset(l, 0, sizeof(*l));
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        l->s = vt_realloc(l->s, (l->n + 1) * sizeof(*l->s));
        l->len = vt_realloc(l->len, (l->n + 1) * sizeof(*l->len));
        l->s[l->n] = p;
        l->len[l->n] = len;
        l->n++;
        p += len + (nl ? 1 : 0);
    }
}

static void free_lines(text_lines *l)
{
    free(l->s);
    free(l->len);
}

static bool same(const text_lines *a, size_t i, const text_lines *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

static void push(op **ops, size_t *n, char kind, size_t ai, size_t bi)
{
    op *o = vt_array_push(ops, n, sizeof(op));

    o->kind = kind;
    o->ai = ai;
    o->bi = bi;
}

/* Myers' greedy search for the shortest edit script of a[lo..ahi) against
 * b[lo..bhi), keeping each round's furthest-reaching x per diagonal so the
 * path can be walked back. Appends the middle's ops in order. */
static void middle(const text_lines *a, size_t alo, size_t ahi, const text_lines *b, size_t blo,
                   size_t bhi, op **ops, size_t *nops)
{
    long n = (long)(ahi - alo), m = (long)(bhi - blo), max = n + m, d, k;
    long **trace = NULL, *v, found = -1, dmax = max < MAX_D ? max : MAX_D;
    op *rev = NULL;
    size_t nrev = 0;

    if (max == 0)
        return;
    trace = vt_calloc((size_t)dmax + 1, sizeof(long *));
    v = vt_calloc((size_t)(2 * max + 3), sizeof(long));
    for (d = 0; d <= dmax && found < 0; d++) {
        for (k = -d; k <= d; k += 2) {
            long x, y;
            if (k == -d || (k != d && v[max + k - 1] < v[max + k + 1]))
                x = v[max + k + 1];             /* down: an insertion */
            else
                x = v[max + k - 1] + 1;         /* right: a deletion */
            y = x - k;
            while (x < n && y < m && same(a, alo + (size_t)x, b, blo + (size_t)y))
                x++, y++;
            v[max + k] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace[d] = vt_malloc(sizeof(long) * (size_t)(2 * d + 1));
        for (k = -d; k <= d; k++)
            trace[d][k + d] = v[max + k];
    }
    if (found < 0) {
        for (long i = 0; i < n; i++)
            push(ops, nops, '-', alo + (size_t)i, blo);
        for (long j = 0; j < m; j++)
            push(ops, nops, '+', ahi, blo + (size_t)j);
        goto cleanup;
    }
    /* walk back from (n, m), collecting ops in reverse */
    {
        long x = n, y = m;
        for (d = found; d >= 0; d--) {
            long px, py, pk;
            k = x - y;
            if (d == 0) {
                while (x > 0 && y > 0)
                    push(&rev, &nrev, ' ', alo + (size_t)--x, blo + (size_t)--y);
                break;
            }
            /* the previous round's v, indexed by its own d */
#define PREV(kk) trace[d - 1][(kk) + d - 1]
            if (k == -d || (k != d && PREV(k - 1) < PREV(k + 1)))
                pk = k + 1;
            else
                pk = k - 1;
            px = PREV(pk);
#undef PREV
            py = px - pk;
            while (x > px && y > py && (pk == k + 1 ? x > px : x > px + 1))
                push(&rev, &nrev, ' ', alo + (size_t)--x, blo + (size_t)--y);
            if (pk == k + 1)
                push(&rev, &nrev, '+', alo + (size_t)x, blo + (size_t)--y);
            else
                push(&rev, &nrev, '-', alo + (size_t)--x, blo + (size_t)y);
        }
    }
    while (nrev)
        *(op *)vt_array_push(ops, nops, sizeof(op)) = rev[--nrev];

cleanup:
    for (d = 0; d <= dmax; d++)
        free(trace[d]);
    free(trace);
    free(v);
    free(rev);
}

/* The whole script: common head and tail kept, the middle searched. Within
 * each run of changes the removals come first, as diff prints them. */
static op *script(const text_lines *a, const text_lines *b, size_t *nops)
{
    size_t pre = 0, suf = 0, i, start;
    op *ops = NULL;

    *nops = 0;
    while (pre < a->n && pre < b->n && same(a, pre, b, pre))
        pre++;
    while (suf < a->n - pre && suf < b->n - pre && same(a, a->n - 1 - suf, b, b->n - 1 - suf))
        suf++;
    for (i = 0; i < pre; i++)
        push(&ops, nops, ' ', i, i);
    middle(a, pre, a->n - suf, b, pre, b->n - suf, &ops, nops);
    for (i = suf; i > 0; i--)
        push(&ops, nops, ' ', a->n - i, b->n - i);
    for (i = 0; i < *nops; i = start + 1) {
        size_t j, w;
        op *tmp;
        start = i;
        if (ops[i].kind == ' ')
            continue;
        for (j = i; j < *nops && ops[j].kind != ' '; j++)
            ;
        tmp = vt_malloc(sizeof(op) * (j - i));
        w = 0;
        for (size_t q = i; q < j; q++)
            if (ops[q].kind == '-')
                tmp[w++] = ops[q];
        for (size_t q = i; q < j; q++)
            if (ops[q].kind == '+')
                tmp[w++] = ops[q];
        memcpy(ops + i, tmp, sizeof(op) * (j - i));
        free(tmp);
        start = j - 1;
    }
    return ops;
}

static void range(vt_buf *out, char sign, size_t first, size_t count)
{
    /* diff -u: an empty range names the line before it */
    if (count == 1)
        vt_buf_addf(out, "%c%zu", sign, first + 1);
    else
        vt_buf_addf(out, "%c%zu,%zu", sign, count ? first + 1 : first, count);
}

char *vt_diff_unified(const char *a, const char *b, const char *label_a, const char *label_b,
                      unsigned context)
{
    text_lines la, lb;
    vt_buf out = { 0 };
    size_t nops, i = 0;
    op *ops;

    split_lines(a, &la);
    split_lines(b, &lb);
    ops = script(&la, &lb, &nops);
    while (i < nops) {
        size_t first, last, j, acount = 0, bcount = 0, astart, bstart;
        /* next change */
        while (i < nops && ops[i].kind == ' ')
            i++;
        if (i == nops)
            break;
        first = i > context ? i - context : 0;
        /* extend while the next change is within 2*context kept lines */
        last = i;
        for (j = i; j < nops; j++) {
            if (ops[j].kind != ' ') {
                last = j;
                continue;
            }
            if (j - last > 2 * (size_t)context)
                break;
        }
        last = last + context < nops - 1 ? last + context : nops - 1;
        if (!out.len)
            vt_buf_addf(&out, "--- %s\n+++ %s\n", label_a ? label_a : "a",
                        label_b ? label_b : "b");
        astart = ops[first].ai;
        bstart = ops[first].bi;
        for (j = first; j <= last; j++) {
            acount += ops[j].kind != '+';
            bcount += ops[j].kind != '-';
        }
        /* an empty side starts where the first op of the other side sits */
        vt_buf_add(&out, "@@ ");
        range(&out, '-', astart, acount);
        vt_buf_add(&out, " ");
        range(&out, '+', bstart, bcount);
        vt_buf_add(&out, " @@\n");
        for (j = first; j <= last; j++) {
            const text_lines *l = ops[j].kind == '+' ? &lb : &la;
            size_t idx = ops[j].kind == '+' ? ops[j].bi : ops[j].ai;
            vt_buf_addf(&out, "%c", ops[j].kind);
            vt_buf_addn(&out, l->s[idx], l->len[idx]);
            vt_buf_add(&out, "\n");
        }
        i = last + 1;
    }
    free(ops);
    free_lines(&la);
    free_lines(&lb);
    if (!out.len)
        return vt_strdup("");
    return vt_buf_steal(&out);
}

void vt_diff_count(const char *a, const char *b, size_t *added, size_t *removed)
{
    text_lines la, lb;
    size_t nops, i, add = 0, rem = 0;
    op *ops;

    split_lines(a, &la);
    split_lines(b, &lb);
    ops = script(&la, &lb, &nops);
    for (i = 0; i < nops; i++) {
        add += ops[i].kind == '+';
        rem += ops[i].kind == '-';
    }
    free(ops);
    free_lines(&la);
    free_lines(&lb);
    if (added)
        *added = add;
    if (removed)
        *removed = rem;
}
