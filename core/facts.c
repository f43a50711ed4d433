#include "facts.h"

#include <stdio.h>
#include <string.h>

void vt_fact_mem(unsigned long long kib, char *buf, size_t n)
{
    /* whole GiB without a decimal, so "4 GiB" never reads as "4.0 GiB" */
    if (kib >= 1024ULL * 1024 && kib % (1024ULL * 1024) == 0)
        snprintf(buf, n, "%llu GiB", kib / 1024 / 1024);
    else if (kib >= 1024ULL * 1024)
        snprintf(buf, n, "%.1f GiB", (double)kib / 1024 / 1024);
    else
        snprintf(buf, n, "%llu MiB", kib / 1024);
}

void vt_fact_pagesize(unsigned long long kib, char *buf, size_t n)
{
    /* the largest unit that divides it exactly: the form a plan line and
       virsh allocpages take ("2M", "1G") */
    if (kib && kib % (1024ULL * 1024) == 0)
        snprintf(buf, n, "%lluG", kib / 1024 / 1024);
    else if (kib && kib % 1024 == 0)
        snprintf(buf, n, "%lluM", kib / 1024);
    else
        snprintf(buf, n, "%lluK", kib);
}

void vt_fact_hugepages(const vt_domdef *def, char *buf, size_t n)
{
    /* one size is shown: a VM with per-node sizes is rare, and the first is
       the one its memory mostly comes from */
    if (!def || !def->hugepages)
        snprintf(buf, n, "-");
    else if (!def->nhugepage_sizes || !def->hugepage_sizes[0].size_kib)
        snprintf(buf, n, "default");
    else
        vt_fact_pagesize(def->hugepage_sizes[0].size_kib, buf, n);
}

/* Buses whose disks carry <address type='drive' controller=N> and sit on a
 * controller of the same type name. */
static bool drive_bus(const char *bus)
{
    static const char *const buses[] = { "scsi", "sata", "ide", "fdc" };

    for (size_t i = 0; bus && i < sizeof(buses) / sizeof(buses[0]); i++)
        if (strcmp(bus, buses[i]) == 0)
            return true;
    return false;
}

const vt_controller_def *vt_fact_disk_controller(const vt_domdef *def, const vt_disk_def *disk)
{
    unsigned index;

    if (!def || !disk || !drive_bus(disk->bus))
        return NULL;
    /* libvirt puts an unaddressed drive on controller 0 */
    index = disk->controller >= 0 ? (unsigned)disk->controller : 0;
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const vt_controller_def *c = &def->controllers[i];
        if (c->type && strcmp(c->type, disk->bus) == 0 && c->index == index)
            return c;
    }
    return NULL;
}

void vt_fact_controller_name(const vt_controller_def *ctl, char *buf, size_t n)
{
    if (!ctl)
        snprintf(buf, n, "-");
    else if (ctl->alias && *ctl->alias)
        snprintf(buf, n, "%s", ctl->alias);
    else
        snprintf(buf, n, "%s%u", ctl->type ? ctl->type : "?", ctl->index);
}

unsigned vt_fact_disk_iothread(const vt_domdef *def, const vt_disk_def *disk)
{
    const vt_controller_def *c;

    if (!disk)
        return 0;
    if (disk->iothread)
        return disk->iothread;
    c = vt_fact_disk_controller(def, disk);
    return c ? c->iothread : 0;
}

void vt_fact_disk_iothread_text(const vt_domdef *def, const vt_disk_def *disk, char *buf, size_t n)
{
    const vt_controller_def *c;
    char name[64];

    if (!disk) {
        snprintf(buf, n, "-");
        return;
    }
    if (disk->iothread) {
        snprintf(buf, n, "%u", disk->iothread);
        return;
    }
    c = vt_fact_disk_controller(def, disk);
    if (!c || !c->iothread) {
        snprintf(buf, n, "-");
        return;
    }
    /* named, so that a reader looking for iothread= on the disk knows
       where it is set */
    vt_fact_controller_name(c, name, sizeof(name));
    snprintf(buf, n, "%u (%s)", c->iothread, name);
}

unsigned vt_fact_nic_queues(const vt_nic_def *nic)
{
    return nic && nic->queues ? nic->queues : 1;
}

void vt_fact_queues(const vt_nic_def *nic, unsigned vcpus, char *buf, size_t n)
{
    snprintf(buf, n, "%u/%u", vt_fact_nic_queues(nic), vcpus);
}
