/* What-if: the advisor over the host as a change set would leave it.
 *
 * The edits are applied, one after another, to a copy of the snapshot
 * (the VMs' running and inactive definitions, through the same XML edits
 * the apply engine defines, and the host's knobs and huge page pools);
 * after each edit the advisor judges the copy, and what changed from the
 * judgement before is put down against that edit: the findings it
 * resolves, the ones it introduces, the ones it fixes in a running VM's
 * config only (pending a restart). Nothing on the host changes and no
 * libvirt call is made: the copy lives in memory.
 *
 * What is modelled: an edit changes the config; a live-scoped edit of a
 * running VM (pins, IOThreads, a strict-to-strict numatune, a NIC's
 * coalescing where its tap is known: the ioctl modelled as <coalesce> in
 * the running definition) also the running definition; where the memory of a running VM is (its NUMA
 * spread) stays as it is until it restarts. A pool of huge pages grows or
 * shrinks on its node (host-wide: spread evenly over the nodes), taking
 * or giving back the node's free memory. */
#ifndef VT_WHATIF_H
#define VT_WHATIF_H

#include "applyplan.h"
#include "conn.h"
#include "plan.h"

/* Judge cs over the snapshot in c into *out (cleared first). Always
 * fills out: an edit that cannot be modelled leaves out->judged false
 * with the reason in out->why. */
void vt_whatif_judge(const vt_conn *c, const vt_changeset *cs, vt_judgement *out);

#endif
