/* Host NUMA topology and security drivers from libvirt's capabilities
 * XML. Pure. */
#ifndef VT_CAPS_H
#define VT_CAPS_H

#include "host.h"
#include "util.h"

/* Fills h->nodes from <host><topology><cells>; leaves them empty (and
 * returns 0) when the capabilities carry no cells, as the test driver's
 * do with a node file of your own. -1 on malformed XML. */
int vt_caps_parse_topology(const char *xml, vt_host *h, vt_err *err);
/* Fills h->secmodels from <host><secmodel><model> (sets secmodels_known):
 * which sVirt labels this host's libvirt can apply. -1 on malformed XML. */
int vt_caps_parse_secmodels(const char *xml, vt_host *h, vt_err *err);

#endif
