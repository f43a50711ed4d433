/* One-line text input with a validation callback: the message of a refused
 * value is shown under the field, and nothing is accepted until it passes. */
#ifndef VT_INPUT_H
#define VT_INPUT_H

#include <curses.h>
#include <stdbool.h>

#include "theme.h"

/* 0 = valid; -1 = invalid with a message in msg (msgsz bytes). */
typedef int (*vt_input_validate_fn)(void *ctx, const char *text, char *msg, size_t msgsz);

typedef enum {
    VT_INPUT_EDITING,
    VT_INPUT_DONE,       /* Enter on a valid value */
    VT_INPUT_CANCELLED,  /* Esc */
    VT_INPUT_LAST,
} vt_input_state;

typedef struct vt_input {
    char buf[512];       /* UTF-8 */
    size_t len;          /* bytes */
    size_t cursor;       /* byte offset, on a character boundary */
    char msg[256];       /* validation message, "" when none */
    vt_input_validate_fn validate;
    void *ctx;
    bool secret;         /* a password: drawn as one '*' per character */
} vt_input;

void vt_input_init(vt_input *in, const char *initial, vt_input_validate_fn v, void *ctx);
/* Feed one key from wget_wch (is_key: KEY_* code vs character). */
vt_input_state vt_input_key(vt_input *in, int is_key, wint_t ch);
void vt_input_draw(const vt_input *in, WINDOW *w, int y, int x, int width, const vt_theme *th);
/* Overwrite the text (a password) so it does not linger in memory. */
void vt_input_wipe(vt_input *in);

#endif
