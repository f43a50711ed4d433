/* Colour themes: semantic roles mapped to colours and attributes, read from
 * text files. Every theme works in monochrome: a role's attributes (bold,
 * reverse, underline, dim) are used alone when there is no colour. */
#ifndef VT_THEME_H
#define VT_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "core/util.h"

/* X-macro: the single list of roles (enum name, name in theme files). */
#define VT_ROLES(X) \
    X(NORMAL, "normal") \
    X(TITLE, "title") \
    X(HEADER, "header") \
    X(SELECTION, "selection") \
    X(STATUS, "status") \
    X(STATUS_ERROR, "status-error") \
    X(FOOTER, "footer") \
    X(FOOTER_KEY, "footer-key") \
    X(TAB, "tab") \
    X(TAB_ACTIVE, "tab-active") \
    X(BORDER, "border") \
    X(DIM, "dim") \
    X(VALUE_OK, "value-ok") \
    X(VALUE_WARN, "value-warn") \
    X(VALUE_BAD, "value-bad") \
    X(STAGED, "staged") \
    X(BAR, "bar") \
    X(BAR_WARN, "bar-warn") \
    X(GRID_VCPU, "grid-vcpu") \
    X(GRID_EMULATOR, "grid-emulator") \
    X(GRID_IOTHREAD, "grid-iothread") \
    X(GRID_KWORKER, "grid-kworker") \
    X(GRID_FREE, "grid-free") \
    X(INPUT, "input") \
    X(DIALOG, "dialog") \
    X(DIFF_ADD, "diff-add") \
    X(DIFF_DEL, "diff-del") \
    X(GRID_CURSOR, "grid-cursor") \
    X(GRID_PICKED, "grid-picked") \
    X(GRID_OTHER, "grid-other")

typedef enum {
#define VT_ROLE_ENUM(e, s) VT_ROLE_##e,
    VT_ROLES(VT_ROLE_ENUM)
#undef VT_ROLE_ENUM
    VT_ROLE_LAST,
} vt_role;

typedef struct vt_role_style {
    short fg, bg;          /* curses colour numbers, -1 = terminal default */
    attr_t attrs;          /* A_BOLD, A_REVERSE, A_UNDERLINE, A_DIM */
} vt_role_style;

typedef struct vt_theme {
    char name[64];
    vt_role_style roles[VT_ROLE_LAST];
    bool color;            /* colours in use (vt_theme_apply decided) */
} vt_theme;

const char *vt_role_name(vt_role r);
int vt_role_from_name(const char *name);          /* -1 if unknown */

/* Theme file text, one role a line, '#' comments:
 *     selection = black cyan bold
 *     value-warn = yellow default bold
 * fg and bg: default black red green yellow blue magenta cyan white, or
 * 0-255; attributes after them: bold reverse underline dim normal.
 * Roles not named inherit "normal". Unknown roles, colours or attributes
 * are an error naming the line. */
int vt_theme_parse(const char *text, const char *name, vt_theme *t, vt_err *err);

/* Read DIR/NAME.theme; -1 with err when missing or malformed. */
int vt_theme_load(const char *dir, const char *name, vt_theme *t, vt_err *err);

/* The built-in monochrome theme (no file needed). */
void vt_theme_mono(vt_theme *t);

/* After initscr: init colour pairs when `color` and the terminal has
 * colours; otherwise the theme is used in monochrome. */
void vt_theme_apply(vt_theme *t, bool color);

/* Attribute (pair + attrs) to draw a role with. */
attr_t vt_theme_attr(const vt_theme *t, vt_role r);

#endif
