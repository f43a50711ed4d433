/* --apply, --export-virsh and --revert-last: a plan file (or the revert
 * of the last apply) prepared against the host, then printed, exported as
 * virsh commands, or applied after one question. */
#include <config.h>

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/apply.h"

/* A plan file's text: a clear message for a missing, unreadable or
 * oversized file. */
static char *read_plan(const char *path)
{
    vt_err err = { { 0 } };
    char *text = vt_read_file(path, 1 << 20, &err);

    if (!text)
        fprintf(stderr, _("virt-tune: cannot read the plan %s: %s\n"), path, err.msg);
    return text;
}

/* Parse and prepare a plan (from path, or the revert of the last apply);
 * 0, or 2 with the reason on stderr. */
static int load_plan(vt_conn *c, const vt_cli_plan_opts *o, vt_changeset *cs, vt_applyplan *ap)
{
    vt_err err = { { 0 } };
    const char *path = o->mode == VT_CLI_PLAN_REVERT ? "revert" : o->plan;
    char *text = NULL, *reverts = NULL;

    if (o->mode == VT_CLI_PLAN_REVERT) {
        if (vt_apply_revert_plan(o->log_path, c->uri, &text, &reverts, &err) < 0) {
            fprintf(stderr, "virt-tune: %s\n", err.msg);
            return 2;
        }
    } else if (!(text = read_plan(path))) {
        return 2;
    }
    if (vt_plan_parse(text, cs, &err) < 0) {
        fprintf(stderr, "virt-tune: %s: %s\n", path, err.msg);
        free(text);
        return 2;
    }
    free(text);
    if (vt_conn_refresh(c) < 0) {
        fprintf(stderr, "virt-tune: %s\n", c->err.msg);
        return 1;
    }
    if (vt_apply_prepare(c, cs, NULL, ap, &err) < 0) {
        fprintf(stderr, _("virt-tune: %s: %s; nothing was applied\n"), path, err.msg);
        free(reverts);
        return 2;
    }
    ap->reverts = reverts;
    return 0;
}

static void print_progress(void *ctx, const vt_step *s)
{
    (void)ctx;
    printf("  %-11s %s%s: %s%s%s\n", vt_applyplan_state_name(s->state), s->uuid ? "vm " : "", s->vm,
           s->kind == VT_STEP_DEFINE ? "config (define)" : s->call, s->result ? ": " : "",
           s->result ? s->result : "");
    fflush(stdout);
}

int vt_cli_apply(vt_conn *c, const vt_cli_plan_opts *o)
{
    vt_changeset cs = { 0 };
    vt_applyplan ap = { 0 };
    vt_err err = { { 0 } };
    char *text = NULL;
    int rc;

    if ((rc = load_plan(c, o, &cs, &ap)) != 0)
        goto cleanup;
    rc = 1;
    if (o->mode == VT_CLI_PLAN_EXPORT_VIRSH) {
        text = vt_apply_export_virsh(&ap, c->uri);
        fputs(text, stdout);
        rc = fflush(stdout) == 0 ? 0 : 1;
        goto cleanup;
    }
    text = vt_apply_describe(&ap, o->dry_run);
    printf(_("Plan %s on %s:\n%s"),
           o->mode == VT_CLI_PLAN_REVERT ? _("(revert of the last apply)") : o->plan, c->uri, text);
    if (o->dry_run) {
        if (ap.judged.new_failures)
            puts(_("Applying these edits would need --force (or a second answer): they introduce a "
                   "failure."));
        puts(_("Dry run: nothing was changed."));
        rc = 0;
        goto cleanup;
    }
    if (!ap.nsteps) {
        rc = 0;
        goto cleanup;
    }
    /* the advisor's word: a failure the edits would bring needs --force
       (with --yes) or a second, explicit answer */
    if (ap.judged.new_failures && o->yes && !o->force) {
        fprintf(stderr, P_("virt-tune: the advisor says these edits introduce %zu failure (the "
                           "'introduces: failure' lines above); add --force to apply them anyway; "
                           "nothing was applied\n",
                           "virt-tune: the advisor says these edits introduce %zu failures (the "
                           "'introduces: failure' lines above); add --force to apply them anyway; "
                           "nothing was applied\n", (unsigned long)ap.judged.new_failures),
                ap.judged.new_failures);
        rc = 2;
        goto cleanup;
    }
    if (!o->yes) {
        char *q, *effects;
        bool ok;
        if (!isatty(STDIN_FILENO)) {
            fputs(_("virt-tune: standard input is not a terminal: add --yes to apply without "
                    "asking; nothing was applied\n"), stderr);
            goto cleanup;
        }
        effects = vt_applyplan_effect_summary(&ap, "; ");
        q = vt_asprintf(P_("Apply %zu step to %s (%s)?", "Apply %zu steps to %s (%s)?",
                           (unsigned long)ap.nsteps), ap.nsteps, c->uri, effects);
        ok = vt_cli_confirm(q);
        free(effects);
        free(q);
        if (ok && ap.judged.new_failures && !o->force) {
            q = vt_asprintf(P_("The advisor says these edits introduce %zu failure. Apply them anyway?",
                               "The advisor says these edits introduce %zu failures. Apply them anyway?",
                               (unsigned long)ap.judged.new_failures), ap.judged.new_failures);
            ok = vt_cli_confirm(q);
            free(q);
        }
        if (!ok) {
            puts(_("Not applied."));
            goto cleanup;
        }
    }
    puts(_("Applying:"));
    if (vt_apply_run(c, &ap, o->log_path, print_progress, NULL, &err) < 0) {
        char *out = vt_apply_outcome(&ap);
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        printf(_("Stopped. Each step now:\n%s"), out);
        free(out);
        goto cleanup;
    }
    /* not translated: contrib/ansible's role reads this line */
    printf("Applied %zu step%s; logged to %s\n", ap.nsteps, ap.nsteps == 1 ? "" : "s",
           o->log_path ? o->log_path : vt_apply_log_path());
    rc = 0;

cleanup:
    free(text);
    vt_applyplan_clear(&ap);
    vt_changeset_clear(&cs);
    return rc;
}
