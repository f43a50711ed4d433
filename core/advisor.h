/* The advisor: every practice of the two guides as a check over one
 * snapshot, with its evidence, two lines of why, and, where a plan line
 * can do it, the fix as plan lines (so `--check --json | jq .fix` is a
 * plan that --apply takes). Pure over the snapshot: the guest agent
 * check reads the guest-info answer the refresh put there (core/agent.h). */
#ifndef VT_ADVISOR_H
#define VT_ADVISOR_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "conn.h"
#include "live.h"
#include "remote.h"

typedef enum {
    VT_SEV_INFO,
    VT_SEV_WARN,
    VT_SEV_FAIL,
    VT_SEV_LAST,
} vt_severity;

typedef struct vt_advice {
    char topic[16];          /* iothread, disk-cache, lun, kworker, halt-poll, hugepages,
                                numa, svirt, sasl, qemu-ga, vhost, multiqueue, sriov,
                                sandbox, transport, coalesce */
    vt_severity sev;
    char *vm;                /* owned; NULL for a host finding */
    char *summary;           /* owned: one line */
    char *evidence;          /* owned: the values that show it */
    char *why;               /* owned: the guide's reason, two lines at most */
    char *summary_l10n;      /* owned: summary, evidence and why in the user's */
    char *evidence_l10n;     /* language (LC_MESSAGES); the English ones above */
    char *why_l10n;          /* stay what the JSON and the plans say */
    char *fix;               /* owned: plan lines ('\n' between); NULL when no plan line fixes it */
    char *panel;             /* static: where it lives in the console ("iothreads", "host", ...) */
    bool pending_restart;    /* the running VM has it, its config no longer: fixed at the
                                next start (no fix, not counted in the exit status or !N) */
    bool live;               /* judged on live signals over a window of samples */
} vt_advice;

typedef struct vt_advice_list {
    vt_advice *items;        /* owned; by severity (failures first), then topic, then VM */
    size_t n;
} vt_advice_list;

typedef struct vt_advise_opts {
    const vt_remote_status *remote;   /* NULL: no sasl findings and no listener
                                         transport finding */
    const vt_live_window *live;   /* NULL: no live signals judged */
} vt_advise_opts;

/* The live signals' thresholds, in one table (the man page lists them). */
typedef struct vt_live_threshold {
    const char *name;        /* "vhost_hot_pct" */
    double value;
    const char *meaning;     /* one line */
} vt_live_threshold;
extern const vt_live_threshold vt_live_thresholds[];
extern const size_t vt_live_nthresholds;

void vt_advise(vt_conn *c, const vt_advise_opts *o, vt_advice_list *out);
void vt_advice_list_clear(vt_advice_list *l);
/* Keep only the findings of VM `vm` (the host's go too), in their order. */
void vt_advice_keep_vm(vt_advice_list *l, const char *vm);

/* What a person reads: the texts in the user's language, English where
 * there is no translation. */
const char *vt_advice_summary(const vt_advice *a);
const char *vt_advice_evidence(const vt_advice *a);
const char *vt_advice_why(const vt_advice *a);

/* Warnings and failures of one VM (name), for the VM list's !N; those
 * pending a restart are not counted. */
size_t vt_advice_count_vm(const vt_advice_list *l, const char *vm);

const char *vt_severity_name(vt_severity s);     /* info, warning, failure */
/* 0 nothing above info, 1 warnings, 2 failures (as virt-host-validate);
 * a finding pending a restart does not count */
int vt_advice_exit_code(const vt_advice_list *l);

char *vt_advice_text(const vt_advice_list *l);
/* {"findings": [...], "exit": N}; the caller puts it. */
json_object *vt_advice_json(const vt_advice_list *l);
void vt_advice_json_write(const vt_advice_list *l, FILE *out);
/* The findings in the Prometheus text format (node_exporter's textfile
 * collector): per host, virt_tune_findings{host,severity,topic} (a count),
 * virt_tune_check_ok{host} and virt_tune_last_check_timestamp_seconds{host}.
 * lists[i] NULL: host i could not be judged (check_ok 0). */
char *vt_advice_prometheus(const char *const *hosts, const vt_advice_list *const *lists, size_t n,
                           long long now_s);

#endif
