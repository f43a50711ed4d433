/* The core tests' host: libvirt's test driver on tests/data/node.xml with
 * the sysfs/procfs fixtures (or a scratch copy of sysfs), refreshed once;
 * and a plan parsed and prepared against it. Fails the test on error. */
#ifndef VT_TEST_FIXTURE_H
#define VT_TEST_FIXTURE_H

#include "apply.h"
#include "conn.h"

/* sysfs_root, etc_root: NULL for the committed fixture / none */
static inline vt_conn *fixture_open(const char *sysfs_root, const char *etc_root, bool readonly)
{
    vt_conn_opts o = {
        .uri = "test://" VT_TEST_DATA "/node.xml",
        .sysfs_root = sysfs_root ? sysfs_root : VT_TEST_DATA "/sysfs",
        .procfs_root = VT_TEST_DATA "/proc",
        .etc_root = etc_root,
        .readonly = readonly,
    };
    vt_err err = { { 0 } };
    vt_conn *c = vt_conn_open(&o, &err);

    if (!c)
        fail_msg("open: %s", err.msg);
    if (vt_conn_refresh(c) < 0)
        fail_msg("refresh: %s", c->err.msg);
    return c;
}

/* parse (must succeed) and prepare; prepare's result, err filled */
static inline int fixture_prep(vt_conn *c, const char *plan, vt_applyplan *ap, vt_err *err)
{
    vt_changeset cs = { 0 };
    int rc;

    if (vt_plan_parse(plan, &cs, err) < 0)
        fail_msg("parse: %s", err->msg);
    rc = vt_apply_prepare(c, &cs, NULL, ap, err);
    vt_changeset_clear(&cs);
    return rc;
}

#endif
