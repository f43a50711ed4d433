/* Drawing strings from outside (VM names, labels, sysfs values): control
 * characters escaped, width measured with wcwidth, truncated with "~" so a
 * wide or hostile string never breaks the layout. */
#ifndef VT_TEXT_H
#define VT_TEXT_H

#include <curses.h>
#include <stddef.h>

/* Display width of a UTF-8 string after escaping (invalid bytes count as
 * their \xNN escape). */
int vt_text_width(const char *s);

/* Put s at (y, x), at most `width` columns, with attr; pads with spaces to
 * `width` when pad is non-zero. Control characters are shown as \xNN,
 * invalid UTF-8 as \xNN, and a string that does not fit ends in "~".
 * Returns columns written. */
int vt_text_put(WINDOW *w, int y, int x, const char *s, int width, attr_t attr, int pad);

/* The same into a buffer (for tests and for building rows): at most width
 * columns, NUL-terminated, out of outsz bytes. */
void vt_text_fit(const char *s, int width, char *out, size_t outsz);

/* A path (a disk's source) in at most width columns, shortened in the
 * middle so both ends stay: "/var/lib/…/build-runner.qcow2". The file
 * name is kept whole where it fits; the head is cut at a '/'. */
void vt_text_fit_path(const char *s, int width, char *out, size_t outsz);

/* UTF-8 encoding of one code point into out (room for 4 bytes); length. */
size_t vt_utf8_encode(unsigned long c, char *out);

#endif
