/* The hosts a run is about: `-c URI` given more than once, `--hosts FILE`
 * (one "NAME URI" a line) and the config's "host NAME URI" lines. Each
 * host has a name the fleet view, the reports and the metrics use; by
 * default the host part of its URI ("localhost" for a local URI), made
 * unique with "-2", "-3"... when two would clash. No libvirt call here. */
#ifndef VT_HOSTS_H
#define VT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct vt_host_entry {
    char *name;                 /* owned; unique in its list */
    char *uri;                  /* owned; NULL: libvirt's default URI */
    bool named;                 /* the name was given, not derived */
} vt_host_entry;

typedef struct vt_hostlist {
    vt_host_entry *v;           /* owned */
    size_t n;
} vt_hostlist;

#define VT_HOST_NAME_MAX 64

/* Add a host. name NULL: derived from the URI. A given name must be
 * 1-64 printable characters without spaces, and not in the list yet; a
 * derived one is made unique. -1 with err (the list unchanged). */
int vt_hostlist_add(vt_hostlist *l, const char *name, const char *uri, vt_err *err);

/* "NAME URI" lines (spaces or tabs between, '#' comments, blank lines);
 * what names where the text came from ("hosts.txt"). With keyword, each
 * line must start with it ("host NAME URI" in the config file) and other
 * lines are skipped. -1 with "WHAT: line N: why"; then l is as it was. */
int vt_hostlist_parse(vt_hostlist *l, const char *text, const char *what, const char *keyword,
                      vt_err *err);

/* The default name of a URI: its host part, else "localhost". Owned by
 * the caller. */
char *vt_host_default_name(const char *uri);

void vt_hostlist_clear(vt_hostlist *l);

#endif
