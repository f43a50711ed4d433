/* Small helpers shared by every core module: the error slot, allocation
 * that aborts on out-of-memory, string buffers, text escaping for
 * messages, and reading a whole file. No curses, no libvirt. */
#ifndef VT_UTIL_H
#define VT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* Error slot: core functions return 0 / -1 and leave the reason here.
 * Callers may pass NULL when they do not care why. */
typedef struct vt_err {
    char msg[512];
} vt_err;

void vt_err_set(vt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* More words after what err already says (truncated to fit). */
void vt_err_append(vt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* qsort and bsearch that accept an empty array (base NULL, n 0), which
 * the C library's declarations forbid. */
void vt_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *vt_bsearch(const void *key, const void *base, size_t n, size_t size,
                 int (*cmp)(const void *, const void *));
void vt_err_clear(vt_err *err);

/* Messages in the user's language: LC_CTYPE and LC_MESSAGES from the
 * environment (numbers stay C), the catalog from VIRT_TUNE_LOCALEDIR, the
 * build tree's po/locale when it exists, or the installed locale dir.
 * English, the msgids, is the fallback. */
void vt_i18n_init(void);

/* Allocation: abort on out-of-memory, the only abort in core. */
void *vt_malloc(size_t n);
void *vt_calloc(size_t nmemb, size_t size);
void *vt_realloc(void *p, size_t n);
char *vt_strdup(const char *s);          /* NULL in, NULL out */
char *vt_strndup(const char *s, size_t n);
char *vt_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *n elements of size sz) by one zeroed element, return it. */
void *vt_array_push(void *arr_ptr, size_t *n, size_t sz);

static inline void vt_freep(void *p) { free(*(void **)p); }
#define VT_AUTOFREE __attribute__((cleanup(vt_freep)))

/* Growable string buffer. Owns buf. */
typedef struct vt_buf {
    char *buf;
    size_t len;
    size_t cap;
} vt_buf;

void vt_buf_add(vt_buf *b, const char *s);
void vt_buf_addn(vt_buf *b, const char *s, size_t n);
void vt_buf_addf(vt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *vt_buf_steal(vt_buf *b);         /* never NULL; resets b */
void vt_buf_free(vt_buf *b);

/* Strip trailing whitespace/newlines in place; returns s (NULL in, NULL
 * out, so that it can take a read that failed). */
char *vt_rstrip(char *s);

/* A file's content, byte for byte, the final newline kept (vt_rstrip it
 * for a one-value sysfs or procfs file). Reading stops once max bytes are
 * in (0: no limit). NULL with err set when the file cannot be read, errno
 * kept saying why: ENOENT is a file that is not there, which some callers
 * take as empty. */
char *vt_read_file(const char *path, size_t max, vt_err *err);

/* Parse a whole unsigned decimal number (no sign, no spaces). */
int vt_parse_ull(const char *s, unsigned long long *out);

/* Outside text (VM names, labels, paths) as UTF-8: one sequence at p (not
 * at NUL), the bytes it takes and *cp its code point, or -1 (1 byte) when
 * p does not start a valid sequence. */
/* FNV-1a, 64 bits: a short, stable fingerprint (not a security check). */
unsigned long long vt_fnv1a(const char *s);

size_t vt_utf8_decode(const unsigned char *p, long *cp);
bool vt_cp_is_control(long cp);   /* C0, DEL, C1 */
bool vt_cp_is_hostile(long cp);   /* bidi controls, separators, zero-width */
/* s with invalid bytes, controls and hostile characters escaped as \xNN
 * (below 0x100) or \uXXXX; printable UTF-8 kept. Caller frees. */
char *vt_escape_text(const char *s);

/* Parser messages quote the input they refuse, and that input can be long
 * or hold control characters while the message ends up on a curses
 * screen: n bytes of s into buf, bytes outside printable ASCII as \xNN,
 * cut with "..." to fit VT_QUOTE_BUF. Returns buf. */
#define VT_QUOTE_BUF 96
const char *vt_quote(char *buf, const char *s, size_t n);
/* The buffer lives until the end of the enclosing block, which outlasts
 * the vt_err_set() call it is used in. */
#define VT_QUOTE(s, n) vt_quote((char[VT_QUOTE_BUF]){ 0 }, (s), (n))
/* One character for a message: 'x', or '\xNN' for one that would garble
 * the screen. Returns buf. */
const char *vt_char_name(char c, char buf[8]);

/* CLOCK_MONOTONIC in nanoseconds */
long long vt_now_ns(void);

#endif
