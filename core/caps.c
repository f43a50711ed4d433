#include "caps.h"

#include <string.h>

#include "cpuset.h"
#include "domxml.h"
#include "xmlutil.h"

int vt_caps_parse_topology(const char *xml, vt_host *h, vt_err *err)
{
    xmlDoc *doc = vt_xml_read(xml, "capabilities XML", err);
    xmlNode *cells, *cell, *cpus, *cpu;

    if (!doc)
        return -1;
    cells = vt_xml_child(vt_xml_child(vt_xml_child(xmlDocGetRootElement(doc), "host"),
                                      "topology"), "cells");
    for (cell = cells ? cells->children : NULL; cell; cell = cell->next) {
        vt_cpuset set;
        if (!vt_xml_is(cell, "cell"))
            continue;
        vt_numa_node *n = vt_array_push(&h->nodes, &h->nnodes, sizeof(*n));
        xmlNode *mem = vt_xml_child(cell, "memory");
        n->id = (int)vt_xml_attr_ull(cell, "id", 0);
        if (mem) {
            VT_AUTOFREE char *unit = vt_xml_attr(mem, "unit");
            VT_AUTOFREE char *val = vt_xml_text(mem);
            n->memory_kib = vt_size_to_kib(val ? vt_rstrip(val) : NULL, unit);
        }
        vt_cpuset_clear(&set);
        cpus = vt_xml_child(cell, "cpus");
        for (cpu = cpus ? cpus->children : NULL; cpu; cpu = cpu->next)
            if (vt_xml_is(cpu, "cpu"))
                vt_cpuset_set(&set, (unsigned)vt_xml_attr_ull(cpu, "id", 0));
        n->cpus = vt_cpuset_format(&set);
    }
    if (h->nnodes)
        h->topology_source = "capabilities";
    xmlFreeDoc(doc);
    return 0;
}

int vt_caps_parse_secmodels(const char *xml, vt_host *h, vt_err *err)
{
    xmlDoc *doc = vt_xml_read(xml, "capabilities XML", err);
    xmlNode *host, *n;
    size_t i;

    if (!doc)
        return -1;
    for (i = 0; i < h->nsecmodels; i++)
        free(h->secmodels[i]);
    free(h->secmodels);
    h->secmodels = NULL;
    h->nsecmodels = 0;
    host = vt_xml_child(xmlDocGetRootElement(doc), "host");
    for (n = host ? host->children : NULL; n; n = n->next) {
        char *m;
        if (!vt_xml_is(n, "secmodel"))
            continue;
        m = vt_xml_text(vt_xml_child(n, "model"));
        if (m && *vt_rstrip(m))
            *(char **)vt_array_push(&h->secmodels, &h->nsecmodels, sizeof(char *)) = m;
        else
            free(m);
    }
    h->secmodels_known = true;
    xmlFreeDoc(doc);
    return 0;
}
