/* --report and --check: the snapshot, and the advisor's judgement of it. */
#include <config.h>

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/advisor.h"
#include "core/remote.h"
#include "core/report.h"

int vt_cli_report(vt_conn *c, bool json)
{
    char *out;

    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    if (c->host.sysfs_why && !c->remote) {
        fprintf(stderr, "virt-tune: %s\n", c->host.sysfs_why);
        return 1;
    }
    if (json) {
        vt_report_json_write(c, stdout);
    } else {
        out = vt_report_text(c);
        fputs(out, stdout);
        free(out);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "virt-tune: cannot write the report: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int vt_cli_check(vt_conn *c, bool json)
{
    vt_remote_status rs = { 0 };
    vt_advise_opts ao = { 0 };
    vt_advice_list l = { 0 };
    int rc;

    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 3;
    }
    if (!c->remote) {
        vt_remote_status_read(&rs, c->etc_root);
        ao.remote = &rs;
    }
    vt_advise(c, &ao, &l);
    if (json) {
        vt_advice_json_write(&l, stdout);
    } else {
        char *t = vt_advice_text(&l);
        fputs(t, stdout);
        free(t);
    }
    rc = vt_advice_exit_code(&l);
    if (fflush(stdout) != 0)
        rc = 3;
    vt_advice_list_clear(&l);
    vt_remote_status_clear(&rs);
    return rc;
}
