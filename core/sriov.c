#include "sriov.h"

#include <string.h>

#include "xmlutil.h"

int vt_sriov_net_parse(const char *xml, vt_sriov_net *out)
{
    xmlDoc *doc = xml ? vt_xml_read(xml, "network", NULL) : NULL;
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *fw = root ? vt_xml_child(root, "forward") : NULL;
    VT_AUTOFREE char *mode = fw ? vt_xml_attr(fw, "mode") : NULL;
    xmlNode *pf = fw ? vt_xml_child(fw, "pf") : NULL;
    int rc = -1;

    if (mode && strcmp(mode, "hostdev") == 0 && pf) {
        char *dev = vt_xml_attr(pf, "dev");
        xmlNode *name = vt_xml_child(root, "name");
        if (dev) {
            out->pf = dev;
            out->name = name ? vt_xml_text(name) : vt_strdup("?");
            rc = 0;
        }
    }
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}

void vt_sriov_net_clear(vt_sriov_net *n)
{
    if (!n)
        return;
    free(n->name);
    free(n->pf);
    n->name = n->pf = NULL;
}

static char *address_pci(const xmlNode *src)
{
    xmlNode *a = src ? vt_xml_child(src, "address") : NULL;
    VT_AUTOFREE char *dom = a ? vt_xml_attr(a, "domain") : NULL;
    VT_AUTOFREE char *bus = a ? vt_xml_attr(a, "bus") : NULL;
    VT_AUTOFREE char *slot = a ? vt_xml_attr(a, "slot") : NULL;
    VT_AUTOFREE char *fn = a ? vt_xml_attr(a, "function") : NULL;

    return a ? vt_sriov_pci_name(dom, bus, slot, fn) : NULL;
}

static void take(vt_sriov_vf *v, const char *vm, const char *via)
{
    if (v->vm)
        return;                 /* two VMs on one VF: the first keeps it */
    v->vm = vt_strdup(vm);
    v->via = vt_strdup(via);
}

static void claim_pci(vt_host *h, const char *vm, const char *pci, const char *via)
{
    for (size_t i = 0; pci && i < h->nsriov; i++)
        for (size_t j = 0; j < h->sriov[i].nvfs; j++)
            if (strcmp(h->sriov[i].vfs[j].pci, pci) == 0)
                take(&h->sriov[i].vfs[j], vm, via);
}

static void claim_net(vt_host *h, const char *vm, const char *net, const vt_sriov_net *nets,
                      size_t nnets)
{
    for (size_t n = 0; net && n < nnets; n++) {
        vt_sriov_pf *pf = NULL;
        if (strcmp(nets[n].name, net) != 0)
            continue;
        for (size_t i = 0; i < h->nsriov && !pf; i++)
            if (strcmp(h->sriov[i].pf, nets[n].pf) == 0)
                pf = &h->sriov[i];
        for (size_t j = 0; pf && j < pf->nvfs; j++)
            if (!pf->vfs[j].vm) {
                VT_AUTOFREE char *via = vt_asprintf("network %s", net);
                take(&pf->vfs[j], vm, via);
                break;
            }
        return;
    }
}

void vt_sriov_claim(vt_host *h, const char *vm, const char *xml, const vt_sriov_net *nets,
                    size_t nnets)
{
    xmlDoc *doc;
    xmlNode *devs, *n;

    if (!h->nsriov || !xml || !(doc = vt_xml_read(xml, "domain", NULL)))
        return;
    devs = vt_xml_child(xmlDocGetRootElement(doc), "devices");
    for (n = devs ? devs->children : NULL; n; n = n->next) {
        VT_AUTOFREE char *type = NULL;
        VT_AUTOFREE char *mode = NULL;
        VT_AUTOFREE char *pci = NULL;
        VT_AUTOFREE char *net = NULL;
        xmlNode *src;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        type = vt_xml_attr(n, "type");
        src = vt_xml_child(n, "source");
        if (vt_xml_is(n, "interface") && type && strcmp(type, "hostdev") == 0) {
            pci = address_pci(src);
            claim_pci(h, vm, pci, "interface");
        } else if (vt_xml_is(n, "interface") && type && strcmp(type, "network") == 0 && src) {
            net = vt_xml_attr(src, "network");
            claim_net(h, vm, net, nets, nnets);
        } else if (vt_xml_is(n, "hostdev") && type && strcmp(type, "pci") == 0) {
            mode = vt_xml_attr(n, "mode");
            if (!mode || strcmp(mode, "subsystem") == 0) {
                pci = address_pci(src);
                claim_pci(h, vm, pci, "hostdev");
            }
        }
    }
    xmlFreeDoc(doc);
}
