/* What a VM's guest agent (qemu-ga) allows, from its guest-info: the
 * commands it has disabled (qemu-ga --block-rpcs, or not supported by the
 * guest's OS) and the file and exec commands it leaves enabled. Asked once
 * per refresh of a definition, off the caller's thread (core/conn.c), and
 * kept in the snapshot; the advisor, the report and the console read it
 * from there, so all three say the same thing. */
#ifndef VT_AGENT_H
#define VT_AGENT_H

#include <libvirt/libvirt.h>
#include <stdbool.h>

#include "domxml.h"
#include "util.h"

/* guest-info is bounded: a hung agent costs the refresh this long */
#define VT_AGENT_TIMEOUT_S 5

typedef enum {
    VT_AGENT_NOT_ASKED,      /* not (yet) asked */
    VT_AGENT_NO_CHANNEL,     /* the VM has no org.qemu.guest_agent.0 channel */
    VT_AGENT_NOT_RUNNING,    /* the VM is not running */
    VT_AGENT_DISCONNECTED,   /* the channel's agent is not connected */
    VT_AGENT_STATE_UNKNOWN,  /* libvirt gives the channel no state (e.g. the test driver) */
    VT_AGENT_READONLY,       /* a read-only connection may not talk to agents */
    VT_AGENT_FAILED,         /* asked; no usable answer (why) */
    VT_AGENT_KNOWN,          /* guest-info answered */
    VT_AGENT_LAST,
} vt_agent_status;

typedef struct vt_agent_info {
    vt_agent_status status;
    char **disabled;         /* owned, sorted: commands with "enabled": false */
    size_t ndisabled;
    char **risky;            /* owned, in vt_agent_risky order: file/exec commands enabled */
    size_t nrisky;
    char *why;               /* owned: FAILED's reason; else NULL */
    long long asked_ms;      /* CLOCK_MONOTONIC ms of the last ask, 0 never */
} vt_agent_info;

/* The file and exec commands a connected agent should not leave enabled. */
extern const char *const vt_agent_risky[];
extern const size_t vt_agent_nrisky;

void vt_agent_info_clear(vt_agent_info *a);   /* accepts NULL; leaves it NOT_ASKED */
void vt_agent_info_move(vt_agent_info *to, vt_agent_info *from);

/* Whether the agent of a VM with this live definition can be asked: true
 * when it can (status left NOT_ASKED), else false with the reason as the
 * status. */
bool vt_agent_askable(const vt_domdef *live, bool active, bool readonly, vt_agent_info *out);

/* Parse a guest-info reply (pure): KNOWN, or -1 with FAILED and why. */
int vt_agent_parse(const char *reply, vt_agent_info *out);

/* Ask dom's agent for guest-info (VT_AGENT_TIMEOUT_S): KNOWN or FAILED.
 * Safe to call from any thread. */
void vt_agent_ask(virDomainPtr dom, vt_agent_info *out);

/* The one sentence every front end shows: "disabled: a, b" (or "disabled:
 * none"), or why it is not known ("not asked: the VM is not running").
 * Caller frees. */
char *vt_agent_text(const vt_agent_info *a);
/* "enabled: a, b" of the risky commands, "" when none. Caller frees. */
char *vt_agent_risky_text(const vt_agent_info *a);

#endif
