/* The plan the apply engine runs: steps, each with what it changes and
 * the state it reached, and the plan's warnings. apply.c prepares the VM
 * steps and hostedit.c the host steps, both with the builders here; apply.c
 * runs them (the host ones through hostedit.c). Kept below both, so that
 * the host preparer never calls back into the engine. */
#ifndef VT_APPLYPLAN_H
#define VT_APPLYPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "util.h"

typedef enum {
    VT_EFFECT_LIVE_NOW,        /* the running VM has it when the step ends */
    VT_EFFECT_NEXT_START,      /* the VM is off: its next start has it */
    VT_EFFECT_NEEDS_RESTART,   /* running VM, config only: after a shutdown and start */
    VT_EFFECT_UNTIL_REBOOT,    /* host knob written now, gone at reboot */
    VT_EFFECT_AT_BOOT,         /* a boot-time file: the next boot (or module load) */
    VT_EFFECT_LAST,
} vt_effect;

typedef enum {
    VT_STEP_IOTHREAD_PIN,      /* live */
    VT_STEP_VCPU_PIN,          /* live */
    VT_STEP_EMULATOR_PIN,      /* live */
    VT_STEP_IOTHREAD_ADD,      /* live */
    VT_STEP_IOTHREAD_DEL,      /* live */
    VT_STEP_NUMATUNE,          /* live */
    VT_STEP_NIC_COALESCE,      /* live: ETHTOOL_SCOALESCE rx-frames (id) on the tap (path) */
    VT_STEP_DEFINE,            /* config: the edited inactive XML */
    VT_STEP_SYSFS,             /* host: write a sysfs knob and read it back */
    VT_STEP_PAGES,             /* host: a huge page pool, via libvirt (sysfs when the
                                  driver has no virNodeAllocPages) */
    VT_STEP_PERSIST,           /* host: a boot-time file under --etc-root */
    VT_STEP_MODULE,            /* host: load a kernel module (modprobe), check sysfs */
    VT_STEP_LAST,
} vt_step_kind;

typedef enum {
    VT_STEP_PENDING,
    VT_STEP_DONE,
    VT_STEP_FAILED,
    VT_STEP_UNDONE,
    VT_STEP_UNDO_FAILED,
    VT_STEP_SKIPPED,           /* not reached: an earlier step failed */
} vt_step_state;

/* One change as the review shows it: "iothread 1 pin", was, becomes. */
typedef struct vt_change {
    char *what;                /* owned: "iothread 1 pin (config)" */
    char *before;              /* owned: "0-15", "(none)" */
    char *after;               /* owned */
    int line;                  /* plan line, 0 from the console */
} vt_change;

typedef struct vt_step {
    vt_step_kind kind;
    char *vm;                  /* owned: domain name; "host" for host steps */
    char *uuid;                /* owned; NULL for host steps */
    bool vm_active;
    vt_effect effect;
    unsigned id;               /* IOThread id or vCPU */
    char *value;               /* owned: new cpuset / nodeset; sriov: the PF */
    char *mode;                /* owned: numatune mode */
    char *call;                /* owned: the API call, for the review */
    char *virsh;               /* owned: the virsh equivalent */
    vt_change *changes;        /* owned: what this step changes */
    size_t nchanges;
    /* VT_STEP_DEFINE */
    char *base_xml;            /* owned: inactive XML (with secrets) prepared from */
    char *new_xml;             /* owned: the XML to define */
    char *diff;                /* owned: unified diff, secrets masked */
    char *validation;          /* owned: which checks of new_xml ran (validate.h) */
    /* host steps */
    char *path;                /* owned: sysfs file, or the boot-time file */
    char *write;               /* owned: text to write, or the file's new content;
                                  VT_STEP_PERSIST: NULL = remove the file;
                                  VT_STEP_MODULE: the modprobe program */
    char *knob;                /* owned: plan knob ("halt_poll_ns", "hugepages") */
    unsigned long long size_kib, count;   /* VT_STEP_PAGES */
    int node;                  /* VT_STEP_PAGES: -1 host-wide */
    bool persist;              /* the edit also has a boot-time file */
    bool boot_entry_new;       /* persist: the boot file had no entry for the knob, so
                                  the revert takes it out (unpersist) */
    char *file_before;         /* owned: VT_STEP_PERSIST, content at prepare; NULL = none */
    /* apply state */
    vt_step_state state;
    char *undo_value;          /* owned: value read just before the step ran */
    char *undo_mode;           /* owned */
    char *result;              /* owned: what happened, in words */
} vt_step;

/* The advisor's judgement of the change set (whatif.h): for each edit,
 * what it resolves, introduces and leaves pending a restart, judged over
 * the host as it would be after that edit and the ones before it. */
typedef enum {
    VT_VERDICT_RESOLVES,
    VT_VERDICT_INTRODUCES,
    VT_VERDICT_PENDING,        /* fixed in the config, in effect at the next start */
    VT_VERDICT_STILL,          /* there before and after, its evidence changed: the edit
                                  touches it without fixing it (not counted) */
} vt_verdict_kind;

typedef struct vt_verdict {
    size_t edit;               /* index of the edit in the change set */
    vt_verdict_kind kind;
    bool failure;              /* the finding is a failure (else a warning) */
    char *text;                /* owned: "failure svirt legacy-ftp: security labelling off" */
} vt_verdict;

typedef struct vt_judgement {
    bool judged;               /* false: no judgement (why says why) */
    char *why;                 /* owned */
    char **edits;              /* owned: each edit as a plan line */
    size_t nedits;
    vt_verdict *verdicts;      /* owned, by edit */
    size_t nverdicts;
    /* the change set as a whole, against the host as it is: failures and
       warnings it leaves that were not there before */
    size_t new_failures, new_warnings, resolved;
} vt_judgement;

/* "resolves:", "introduces: failure", "pending restart:", "still:" lines under each
 * edit that has any, indented; "" when nothing changes. Caller frees. */
char *vt_judgement_text(const vt_judgement *j, const char *indent);
const char *vt_verdict_word(vt_verdict_kind k);   /* "resolves", "pending restart", ... */
void vt_judgement_clear(vt_judgement *j);

typedef struct vt_applyplan {
    vt_step *steps;            /* owned, in apply order */
    size_t nsteps;
    char **warnings;           /* owned: "line 3: web: the 2M pool ..." */
    size_t nwarnings;
    /* inactive XML (without secrets) each VM had when prepared, for the
       conflict check; parallel arrays, owned */
    char **vm_uuids;
    char **vm_xml;
    size_t nvms;
    char apply_id[64];         /* set by vt_apply_run: ties its log lines together */
    char *reverts;             /* owned: the apply id this plan reverts, or NULL */
    vt_judgement judged;       /* the advisor over the would-be host (whatif.h) */
} vt_applyplan;

/* A new zeroed step of that kind at the end of p. The pointer is valid
 * until the next step is added. */
vt_step *vt_applyplan_add_step(vt_applyplan *p, vt_step_kind kind);
/* A warning for the review, "line 3: web: ..." (cut at 511 bytes). */
void vt_applyplan_warn(vt_applyplan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One change of s as the review shows it; NULL before/after read "(none)". */
void vt_applyplan_add_change(vt_step *s, const char *what, const char *before, const char *after,
                             int line);
/* "line 3: " for an edit from a plan file, "" for the console's: how the
 * preparers start a message about an edit. */
void vt_applyplan_where(const vt_edit *e, char *buf, size_t n);

/* Free the members and zero the struct; NULL is fine. */
void vt_applyplan_clear_step(vt_step *s);
void vt_applyplan_clear(vt_applyplan *p);

const char *vt_applyplan_effect_name(vt_effect e);   /* "live now", ... */
const char *vt_applyplan_state_name(vt_step_state s);
/* How many steps have each effect, in the effects' own names, for the
 * apply question: "live now, until reboot: 2" and so on joined by sep;
 * only the effects some step has. "" for no steps. Caller frees. */
char *vt_applyplan_effect_summary(const vt_applyplan *p, const char *sep);

#endif
