/* The console's views, declared once (tig's VIEW_INFO): the view ids, the
 * screen masks the action table's footer entries use, and the table of
 * view interfaces (tui/app.c) all come from this list. A new view is one
 * file implementing vt_view_ops (tui/view.h) and one row here. */
#ifndef VT_VIEWS_H
#define VT_VIEWS_H

/* X(ID, name, the vt_view_ops it is, its file) */
#define VT_VIEWS(X) \
    X(LIST, "list", vt_view_list) \
    X(DETAIL, "detail", vt_view_detail) \
    X(HOST, "host", vt_view_host) \
    X(HELP, "help", vt_view_help) \
    X(REVIEW, "review", vt_view_review) \
    X(ADVICE, "advice", vt_view_advice) \
    X(REMOTE, "remote", vt_view_remote) \
    X(TOP, "top", vt_view_top) \
    X(FLEET, "fleet", vt_view_fleet)

typedef enum {
#define VT_VIEW_ENUM(id, name, ops) VT_VIEW_##id,
    VT_VIEWS(VT_VIEW_ENUM)
#undef VT_VIEW_ENUM
    VT_VIEW_LAST,
} vt_view_id;

/* The footer masks of the action table: one bit per view. */
enum {
#define VT_VIEW_MASK(id, name, ops) VT_SCR_##id = 1u << VT_VIEW_##id,
    VT_VIEWS(VT_VIEW_MASK)
#undef VT_VIEW_MASK
    VT_SCR_ALL = (1u << VT_VIEW_LAST) - 1,
};

#endif
