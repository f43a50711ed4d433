/* One formatter per fact about a VM's definition, so that a fact reads the
 * same on every screen, in the text report and in the advisor's evidence.
 * Pure functions over the model (domxml.h); no curses, no libvirt calls.
 * Each writes at most n bytes into buf, always terminated when n > 0. */
#ifndef VT_FACTS_H
#define VT_FACTS_H

#include <stddef.h>

#include "domxml.h"

/* "4 GiB", "1.5 GiB", "512 MiB" */
void vt_fact_mem(unsigned long long kib, char *buf, size_t n);
/* a page size: "4K", "2M", "1G" */
void vt_fact_pagesize(unsigned long long kib, char *buf, size_t n);
/* a VM's huge page backing: "-" (none), "default" (host default size), "2M", "1G" */
void vt_fact_hugepages(const vt_domdef *def, char *buf, size_t n);

/* The controller a disk sits on: the one of the disk's bus type with the
 * index of its <address controller=N>, index 0 when the disk has no
 * address. NULL for buses without controllers (virtio, usb) or when the
 * definition has no such controller. */
const vt_controller_def *vt_fact_disk_controller(const vt_domdef *def, const vt_disk_def *disk);
/* A controller as libvirt names it: its alias, else type+index ("scsi0"). */
void vt_fact_controller_name(const vt_controller_def *ctl, char *buf, size_t n);

/* The IOThread a disk's I/O runs in: its own driver iothread=, else that of
 * the controller it sits on (a SCSI disk on a virtio-scsi controller with
 * <driver iothread=N>), 0 = none (the QEMU main loop). */
unsigned vt_fact_disk_iothread(const vt_domdef *def, const vt_disk_def *disk);
/* that as text: "2", "2 (scsi0)" when it comes from the controller (named
 * as vt_fact_controller_name does: libvirt's alias or type+index), "-" for
 * none */
void vt_fact_disk_iothread_text(const vt_domdef *def, const vt_disk_def *disk, char *buf, size_t n);

/* The queues a NIC gets: queues=, or 1 when unset (what QEMU gives). */
unsigned vt_fact_nic_queues(const vt_nic_def *nic);
/* NIC queues against vCPUs: "1/2" meaning 1 queue for 2 vCPUs; an unset
 * queues= counts as 1 (what QEMU gives) */
void vt_fact_queues(const vt_nic_def *nic, unsigned vcpus, char *buf, size_t n);

#endif
