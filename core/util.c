#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A message cut to fit its slot ends on a whole UTF-8 character: a
 * translated message cut inside a character would garble the screen. */
static void err_trim(vt_err *err, int n, size_t room)
{
    size_t len, start, need;
    unsigned char lead;

    if (n < 0 || (size_t)n < room)
        return;
    len = strlen(err->msg);
    start = len;
    while (start > 0 && len - start < 4 && ((unsigned char)err->msg[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    lead = (unsigned char)err->msg[start - 1];
    need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (start - 1) < need)
        err->msg[start - 1] = '\0';
}

void vt_err_set(vt_err *err, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!err)
        return;
    va_start(ap, fmt);
    n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err_trim(err, n, sizeof(err->msg));
}

void vt_err_append(vt_err *err, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    int r;

    if (!err)
        return;
    n = strlen(err->msg);
    va_start(ap, fmt);
    r = vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
    va_end(ap);
    err_trim(err, r, sizeof(err->msg) - n);
}

void vt_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (base && n > 1)
        qsort(base, n, size, cmp);
}

void *vt_bsearch(const void *key, const void *base, size_t n, size_t size,
                 int (*cmp)(const void *, const void *))
{
    return base && n ? bsearch(key, base, n, size, cmp) : NULL;
}

void vt_err_clear(vt_err *err)
{
    if (err)
        err->msg[0] = '\0';
}

static void vt_oom(void)
{
    fputs("virt-tune: out of memory\n", stderr);
    abort();
}

void *vt_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        vt_oom();
    return p;
}

void *vt_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        vt_oom();
    return p;
}

void *vt_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        vt_oom();
    return q;
}

char *vt_strdup(const char *s)
{
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        vt_oom();
    return d;
}

char *vt_strndup(const char *s, size_t n)
{
    char *d;

    if (!s)
        return NULL;
    d = strndup(s, n);
    if (!d)
        vt_oom();
    return d;
}

char *vt_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        vt_oom();
    return s;
}

void *vt_array_push(void *arr_ptr, size_t *n, size_t sz)
{
    char **arr = arr_ptr;
    char *elem;

    *arr = vt_realloc(*arr, (*n + 1) * sz);
    elem = *arr + *n * sz;
    memset(elem, 0, sz);
    (*n)++;
    return elem;
}

static void vt_buf_reserve(vt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;

    if (need <= b->cap)
        return;
    b->cap = b->cap ? b->cap : 64;
    while (b->cap < need)
        b->cap *= 2;
    b->buf = vt_realloc(b->buf, b->cap);
}

void vt_buf_addn(vt_buf *b, const char *s, size_t n)
{
    vt_buf_reserve(b, n);
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

void vt_buf_add(vt_buf *b, const char *s)
{
    vt_buf_addn(b, s, strlen(s));
}

void vt_buf_addf(vt_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    vt_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *vt_buf_steal(vt_buf *b)
{
    char *s = b->buf ? b->buf : vt_strdup("");

    b->buf = NULL;
    b->len = b->cap = 0;
    return s;
}

void vt_buf_free(vt_buf *b)
{
    if (!b)
        return;
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

char *vt_rstrip(char *s)
{
    size_t n = s ? strlen(s) : 0;

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
                     s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

char *vt_read_file(const char *path, size_t max, vt_err *err)
{
    vt_buf b = { 0 };
    char chunk[4096];
    ssize_t r;
    int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

    if (fd < 0)
        goto fail;
    for (;;) {
        r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        vt_buf_addn(&b, chunk, (size_t)r);
        if (max && b.len >= max)
            break;
    }
    close(fd);
    return vt_buf_steal(&b);

fail:
    /* callers look at errno (ENOENT) after the message is made */
    saved = errno;
    vt_err_set(err, _("cannot read %s: %s"), path, strerror(saved));
    if (fd >= 0)
        close(fd);
    vt_buf_free(&b);
    errno = saved;
    return NULL;
}

int vt_parse_ull(const char *s, unsigned long long *out)
{
    char *end;
    unsigned long long v;

    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* FNV-1a, 64 bits (util.h) */
unsigned long long vt_fnv1a(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* ---- outside text: UTF-8 and what must be escaped ---- */

/* One UTF-8 sequence at p (not at NUL): bytes used, *cp the code point or
 * -1 when the lead byte does not start a valid sequence (then 1 byte). */
size_t vt_utf8_decode(const unsigned char *p, long *cp)
{
    unsigned char c = p[0];
    size_t n, i;
    long v;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0;          /* overlong */
        else if (c == 0xed)
            hi = 0x9f;          /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;          /* overlong */
        else if (c == 0xf4)
            hi = 0x8f;          /* above U+10FFFF */
    } else {
        *cp = -1;
        return 1;
    }
    for (i = 1; i < n; i++) {
        unsigned char b = p[i];
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xbf;

        if (b < l || b > h) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (b & 0x3f);
    }
    *cp = v;
    return n;
}

/* Characters with a width that would still disturb the terminal or hide
 * in a name: bidi marks, embeddings, overrides and isolates, line and
 * paragraph separators, and the zero-width ones (a name with one looks
 * like the name without). */
bool vt_cp_is_hostile(long cp)
{
    return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

bool vt_cp_is_control(long cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}


char *vt_escape_text(const char *s)
{
    vt_buf b = { 0 };
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    while (*p) {
        long cp;
        size_t n = vt_utf8_decode(p, &cp);
        if (cp < 0)
            vt_buf_addf(&b, "\\x%02x", p[0]);
        else if (vt_cp_is_control(cp) || vt_cp_is_hostile(cp))
            vt_buf_addf(&b, cp < 0x100 ? "\\x%02lx" : "\\u%04lx", (unsigned long)cp);
        else
            vt_buf_addn(&b, (const char *)p, n);
        p += n;
    }
    vt_buf_add(&b, "");
    return vt_buf_steal(&b);
}

const char *vt_quote(char *buf, const char *s, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char u = (unsigned char)s[i];
        bool plain = u >= 0x20 && u < 0x7f;

        if (o + (plain ? 1 : 4) > VT_QUOTE_BUF - 4) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        if (plain) {
            buf[o++] = s[i];
        } else {
            snprintf(buf + o, 5, "\\x%02x", u);
            o += 4;
        }
    }
    buf[o] = '\0';
    return buf;
}

const char *vt_char_name(char c, char buf[8])
{
    unsigned char u = (unsigned char)c;

    if (u >= 0x20 && u < 0x7f)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "'\\x%02x'", u);
    return buf;
}

long long vt_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void vt_i18n_init(void)
{
    const char *dir = getenv("VIRT_TUNE_LOCALEDIR");

    setlocale(LC_CTYPE, "");
    setlocale(LC_MESSAGES, "");
#ifdef VT_LOCALEDIR
    if (!dir || !*dir)
        dir = access(VT_BUILDLOCALEDIR, X_OK) == 0 ? VT_BUILDLOCALEDIR : VT_LOCALEDIR;
#endif
    if (dir && *dir)
        bindtextdomain(PACKAGE, dir);
}
