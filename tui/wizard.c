/* The guided set-up of remote access (transport, files, first user,
 * restart, a verified login) and the SASL users' add, password and
 * delete, asked through prompts and dialogs. Passwords live in locked
 * memory between steps and are wiped after use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/sasl.h"
#include "tui/ui.h"

#define PASS_MAX 512

static struct {
    int step;                   /* 0 none; 1..5 the set-up's steps */
    vt_setup_transport t;
    vt_setup_plan plan;
    char user[256];
    char *pass;                 /* owned, locked, wiped: a password between steps */
    char uri[512];
    char msg[4096];             /* what the set-up did, in words */
    char op;                    /* 'a' add, 'p' passwd, 'w' the set-up's first user */
    bool follow;                /* scroll to the set-up's newest line */
    char listen[128];           /* listen_addr; empty: leave it */
    bool change;                /* the set-up's user exists: its password is changed */
    int written;                /* files the set-up wrote; -1 none yet (survives end()) */
} wz;

static void append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void append(const char *fmt, ...)
{
    size_t len = strlen(wz.msg);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(wz.msg + len, sizeof(wz.msg) - len, fmt, ap);
    va_end(ap);
}

/* The password, and the set-up's plan, gone: a step that ends the set-up
 * or a users' operation. */
static void end(void)
{
    if (wz.pass) {
        vt_wipe(wz.pass, PASS_MAX);
        munlock(wz.pass, PASS_MAX);
        free(wz.pass);
        wz.pass = NULL;
    }
    vt_setup_plan_clear(&wz.plan);
    wz.step = 0;
}

void vt_wizard_free(vt_app *a)
{
    (void)a;
    end();
    wz.msg[0] = '\0';
}

bool vt_wizard_active(const vt_app *a)
{
    (void)a;
    return wz.step != 0;
}

bool vt_wizard_follow(vt_app *a)
{
    bool f = wz.follow;

    (void)a;
    wz.follow = false;
    return f;
}

static void ask_next(vt_app *a, const char *label, const char *initial, bool secret, vt_prompt_done_fn done);

/* ---- the users ---- */

/* done: what was done, a format of the user's name ("added %s") */
static void user_result(vt_app *a, const char *done, int rc, const vt_err *err)
{
    if (rc < 0)
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", err->msg);
    else
        vt_app_status(a, VT_ROLE_STATUS, done, wz.user);
    vt_remote_reread(a);
}

static void got_uri(vt_app *a, const char *v, size_t len)
{
    vt_err err = { { 0 } };
    vt_sasl_opts o = vt_remote_sasl(a);

    (void)len;
    snprintf(wz.uri, sizeof(wz.uri), "%s", v);
    if (a->opts && a->opts->sandbox) {
        /* no daemon listens for the demo, and a login over the network
           would reach a real host (and read this machine's CA): the
           demo's server side is asked instead, its sasldb and realm */
        const char *pw = wz.pass ? wz.pass : "";
        if (vt_sasl_checkpass(&o, wz.user, pw, strlen(pw), &err) == 0)
            append(_("Step 5 of 5: login check simulated on the demo host (no daemon listens for it): "
                     "user %s@%s is in the demo's sasldb with that password\n"), wz.user,
                   o.realm ? o.realm : "?");
        else
            append(_("Step 5 of 5: login check simulated on the demo host (no daemon listens for it) "
                     "FAILED: %s\n"), err.msg);
    } else if (vt_sasl_verify(wz.uri, wz.user, wz.pass ? wz.pass : "", &o, &err) == 0)
        /* step 5: the login, checked the way a client makes it */
        append(_("Step 5 of 5: login as %s to %s: ok\n"), wz.user, wz.uri);
    else
        append(_("Step 5 of 5: login as %s to %s FAILED: %s\n"), wz.user, wz.uri, err.msg);
    vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up finished: the result is on the screen"));
    wz.follow = true;
    end();
    wz.step = 5;
}

static void got_pass2(vt_app *a, const char *v, size_t len)
{
    vt_sasl_opts o = vt_remote_sasl(a);
    vt_err err = { { 0 } };
    int rc;

    (void)len;
    if (!wz.pass || strcmp(wz.pass, v) != 0) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", _("the passwords differ; nothing was changed"));
        end();
        return;
    }
    if (wz.op == 'p') {
        rc = vt_sasl_passwd(&o, wz.user, wz.pass, strlen(wz.pass), &err);
        user_result(a, _("password changed for %s"), rc, &err);
        end();
        return;
    }
    if (wz.change) {
        rc = vt_sasl_passwd(&o, wz.user, wz.pass, strlen(wz.pass), &err);
        user_result(a, _("password changed for %s"), rc, &err);
    } else {
        rc = vt_sasl_add(&o, wz.user, wz.pass, strlen(wz.pass), &err);
        user_result(a, _("added %s"), rc, &err);
    }
    if (wz.op != 'w') {
        end();
        return;
    }
    if (rc < 0) {
        append(wz.change ? _("Step 3 of 5: password not changed: %s\n") : _("Step 3 of 5: not added: %s\n"),
               err.msg);
        end();
        return;
    }
    if (wz.change)
        append(_("Step 3 of 5: password of %s changed in %s\n"), wz.user, vt_remote_sasl_db(a));
    else
        append(_("Step 3 of 5: user %s added to %s\n"), wz.user, vt_remote_sasl_db(a));
    wz.step = 4;
    ask_next(a, _("Step 4 of 5: after the restart, log in to:"), wz.plan.uri ? wz.plan.uri : "", false, got_uri);
}

static void got_pass(vt_app *a, const char *v, size_t len)
{
    if (!len) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", _("an empty password is not set; nothing was changed"));
        end();
        return;
    }
    if (!wz.pass) {
        wz.pass = vt_calloc(1, PASS_MAX);
        mlock(wz.pass, PASS_MAX);
    }
    snprintf(wz.pass, PASS_MAX, "%s", v);
    ask_next(a, _("Again:"), "", true, got_pass2);
}

static void exists_answer(vt_app *a, int button)
{
    if (button == 0) {
        wz.change = true;
        ask_next(a, _("New password:"), "", true, got_pass);
        return;
    }
    if (wz.op == 'w')
        append(_("Step 3 of 5: %s exists, its password is kept; no user added\n"), wz.user);
    vt_app_status(a, VT_ROLE_STATUS, _("%s exists: its password is kept"), wz.user);
    end();
}

static void got_user(vt_app *a, const char *v, size_t len)
{
    vt_sasl_opts o = vt_remote_sasl(a);
    vt_err err = { { 0 } };

    (void)len;
    if (!vt_sasl_user_ok(v)) {
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("\"%s\" is not a SASL user name (no '@', ':' or blanks)"), v);
        end();
        return;
    }
    snprintf(wz.user, sizeof(wz.user), "%s", v);
    wz.change = false;
    /* asked before the password, not refused after it was typed twice */
    if (vt_sasl_user_exists(&o, wz.user, &err)) {
        vt_dialog_ask(a, _("User exists"), N_("Change"), exists_answer, _("user %s exists: change its password?\n"
                      "(in %s)"), wz.user, vt_remote_sasl_db(a));
        return;
    }
    ask_next(a, _("Password:"), "", true, got_pass);
}

/* What ending the set-up now means for the files: the status line's words. */
static const char *files_said(char *buf, size_t n)
{
    if (wz.written < 0)
        snprintf(buf, n, "%s", _("nothing was written"));
    else if (wz.written == 0)
        snprintf(buf, n, "%s", _("the files were already as needed, none written"));
    else
        snprintf(buf, n, P_("%d file was written at step 2", "%d files were written at step 2", wz.written),
                 wz.written);
    return buf;
}

static void ask_cancelled(vt_app *a)
{
    char said[160];

    if (wz.op == 'w') {
        append(_("Set-up stopped at step %d.\n"), wz.step);
        vt_app_status(a, VT_ROLE_STATUS, _("set-up stopped at step %d: %s"), wz.step,
                      files_said(said, sizeof(said)));
    } else {
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("cancelled"));
    }
    end();
}

static void ask_next(vt_app *a, const char *label, const char *initial, bool secret, vt_prompt_done_fn done)
{
    vt_prompt_open(a, wz.op == 'w' ? _("Remote access set-up") : _("SASL users"), label, initial, secret,
                   _("continues"), NULL, done, ask_cancelled);
}

void vt_users_add(vt_app *a)
{
    end();
    wz.op = 'a';
    ask_next(a, _("New user:"), "", false, got_user);
}

void vt_users_passwd(vt_app *a, const char *user)
{
    end();
    wz.op = 'p';
    snprintf(wz.user, sizeof(wz.user), "%s", user);
    ask_next(a, _("New password:"), "", true, got_pass);
}

static struct {
    char user[256], realm[256];
} del;

static void delete_answer(vt_app *a, int button)
{
    vt_sasl_opts o = vt_remote_sasl(a);
    vt_err err = { { 0 } };
    int rc;

    if (button != 0)
        return;
    o.realm = del.realm;
    snprintf(wz.user, sizeof(wz.user), "%s", del.user);
    rc = vt_sasl_delete(&o, wz.user, &err);
    user_result(a, _("deleted %s"), rc, &err);
}

void vt_users_delete(vt_app *a, const char *user, const char *realm)
{
    snprintf(del.user, sizeof(del.user), "%s", user);
    snprintf(del.realm, sizeof(del.realm), "%s", realm);
    vt_dialog_ask(a, _("Delete user"), N_("Delete"), delete_answer, _("Delete %s@%s from %s?\n"
                  "It can no longer log in to libvirt."), user, realm, vt_remote_sasl_db(a));
}

/* ---- the set-up ---- */

/* Step 2: the changes as diffs, nothing written yet. */
static void prepare(vt_app *a)
{
    vt_err err = { { 0 } };
    char *text;

    vt_setup_plan_clear(&wz.plan);
    if (vt_setup_prepare(a->c->etc_root, NULL, wz.t, wz.listen[0] ? wz.listen : NULL, &wz.plan, &err) < 0) {
        snprintf(wz.msg, sizeof(wz.msg), _("cannot set up %s: %s (nothing was written)\n"),
                 vt_setup_transport_name(wz.t), err.msg);
        wz.step = 0;
        return;
    }
    text = vt_setup_describe(&wz.plan);
    snprintf(wz.msg, sizeof(wz.msg), "%s", text);
    free(text);
    wz.step = 2;
    vt_app_status(a, VT_ROLE_STATUS, _("step 2 of 5: read the changes; %s writes them (asks first), %s cancels"),
                  vt_app_key(a, VT_ACT_OPEN), vt_app_key(a, VT_ACT_BACK));
}

static void ask_listen_again(vt_app *a);

static void got_listen(vt_app *a, const char *v, size_t len)
{
    vt_err err = { { 0 } };

    (void)len;
    snprintf(wz.listen, sizeof(wz.listen), "%s", v);
    /* refused here, at step 1, and asked again: nothing is prepared */
    if (len && vt_setup_listen_check(v, &err) < 0) {
        ask_listen_again(a);
        vt_app_status(a, VT_ROLE_STATUS_ERROR, _("%s; nothing was written"), err.msg);
        return;
    }
    prepare(a);
}

static void listen_cancelled(vt_app *a)
{
    end();
    vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up cancelled: nothing was written"));
}

static void ask_listen_again(vt_app *a)
{
    vt_prompt_open(a, _("Remote access set-up"), _("Step 1 of 5: listen address (empty: leave as is):"), wz.listen,
                   false, _("continues"), NULL, got_listen, listen_cancelled);
}

/* Step 1's second half: listen_addr, optional (the status warns of every
 * address); then step 2. */
static void ask_listen(vt_app *a, vt_setup_transport t)
{
    const char *cur = a->remote_read ? vt_conf_get(&a->remote.ra.libvirtd, "listen_addr") : NULL;

    wz.t = t;
    wz.op = 'w';
    snprintf(wz.listen, sizeof(wz.listen), "%s", cur ? cur : "");
    ask_listen_again(a);
}

static void deprecated_answer(vt_app *a, int button)
{
    if (button == 0)
        ask_listen(a, VT_SETUP_TCP_DIGEST);
    else
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up cancelled: nothing was written"));
}

static void transport_answer(vt_app *a, int button)
{
    if (button == 0 || button == 1)
        ask_listen(a, button == 0 ? VT_SETUP_TLS_SCRAM : VT_SETUP_TCP_GSSAPI);
    else if (button == 2)
        vt_dialog_ask(a, "digest-md5", N_("Use it"), deprecated_answer, "%s",
                      _("digest-md5 is deprecated (RFC 6331) and weak.\n"
                        "It is the guide's example and works on plain TCP.\n"
                        "TLS+SCRAM is the secure choice. Use digest-md5 anyway?"));
    else
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up cancelled: nothing was written"));
}

/* Step 1: the transport. */
void vt_wizard_start(vt_app *a)
{
    static const char *const buttons[] = { "TLS+SCRAM", "TCP+GSSAPI", "TCP+DIGEST", N_("Cancel") };

    end();
    wz.msg[0] = '\0';
    wz.written = -1;
    vt_dialog_choose(a, _("Remote access set-up"), buttons, 4, 0, transport_answer,
                     _("Step 1 of 5: how clients reach libvirtd.\n"
                       "TLS+SCRAM: scram-sha-256 over TLS (recommended)\n"
                       "TCP+GSSAPI: Kerberos on plain TCP\n"
                       "TCP+DIGEST: the guide's digest-md5 (deprecated)"));
}

/* Step 2's answer: write, then restart (or say how), then the first user. */
static void write_files(vt_app *a)
{
    vt_err err = { { 0 } };
    vt_buf b = { 0 };
    bool live = strcmp(a->c->etc_root, "/etc") == 0 && access("/run/systemd/system", F_OK) == 0;

    int n;

    if ((n = vt_setup_write(&wz.plan, &err)) < 0) {
        snprintf(wz.msg, sizeof(wz.msg), _("not written: %s\n"), err.msg);
        end();
        return;
    }
    wz.written = n;
    if (n == 0)
        vt_buf_add(&b, _("Step 2 of 5: no file written: all were already as needed.\n"));
    else
        vt_buf_addf(&b, P_("Step 2 of 5: %d file written (the old one kept as .virt-tune-DATE).\n",
                           "Step 2 of 5: %d files written (each old one kept as .virt-tune-DATE).\n", n), n);
    for (size_t i = 0; i < wz.plan.ncommands; i++) {
        if (!live)
            vt_buf_addf(&b, _("Restart: run as root: %s\n"), wz.plan.commands[i]);
        else if (vt_setup_run(wz.plan.commands[i], true) == 0)
            vt_buf_addf(&b, _("Restart: %s: done\n"), wz.plan.commands[i]);
        else
            vt_buf_addf(&b, _("Restart: %s: FAILED, run it by hand\n"), wz.plan.commands[i]);
    }
    snprintf(wz.msg, sizeof(wz.msg), "%s", b.buf ? b.buf : "");
    vt_buf_free(&b);
    vt_remote_reread(a);
    wz.follow = true;
    wz.op = 'w';
    if (!wz.plan.sasldb_users) {
        /* gssapi: nobody to add here; the rest are hints */
        append("%s", _("Step 3 of 5: users are Kerberos principals, made in the KDC (kadmin: addprinc USER), "
                       "not in the sasldb: no user is added here.\n"));
        append(_("Step 4 of 5: after the restart, a user with a ticket (kinit USER) connects to %s\n"),
               wz.plan.uri ? wz.plan.uri : "?");
        append(_("Step 5 of 5: check it with: virsh -c %s uri\n"), wz.plan.uri ? wz.plan.uri : "?");
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up finished: the result is on the screen"));
        end();
        wz.step = 5;
        return;
    }
    wz.step = 3;
    ask_next(a, _("Step 3 of 5: first user:"), "", false, got_user);
}

static void write_answer(vt_app *a, int button)
{
    if (button == 0)
        write_files(a);
    else
        vt_app_status(a, VT_ROLE_STATUS, _("nothing written: %s cancels the set-up"), vt_app_key(a, VT_ACT_BACK));
}

bool vt_wizard_open(vt_app *a)
{
    if (wz.step != 2)
        return false;
    vt_dialog_ask(a, _("Write"), N_("Write"), write_answer, _("Write the %zu of %zu files that change\n"
                  "(each old one kept as .virt-tune-DATE)?"), vt_setup_nchanged(&wz.plan), wz.plan.nfiles);
    return true;
}

bool vt_wizard_cancel(vt_app *a)
{
    char said[160];

    if (!wz.step)
        return false;
    if (wz.step == 5)
        vt_app_status(a, VT_ROLE_STATUS, _("set-up finished and closed: %s"), files_said(said, sizeof(said)));
    else if (wz.step == 2 || wz.written < 0)
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("set-up cancelled: nothing was written"));
    else
        vt_app_status(a, VT_ROLE_STATUS, _("set-up closed: %s"), files_said(said, sizeof(said)));
    end();
    wz.msg[0] = '\0';
    return true;
}

void vt_wizard_draw(vt_app *a, vt_pen *p)
{
    if (!wz.step && !wz.msg[0]) {
        vt_pen_line(p, VT_ROLE_DIM, _("%s: guided set-up (transport, files, first user, restart, verified login)"),
                    vt_app_key(a, VT_ACT_SETUP));
        return;
    }
    if (wz.step == 2) {
        char head[256];
        snprintf(head, sizeof(head), _("Set-up, step 2 of 5: nothing written yet (%s writes, %s cancels)"),
                 vt_app_key(a, VT_ACT_OPEN), vt_app_key(a, VT_ACT_BACK));
        vt_pen_heading(p, head);
    } else {
        vt_pen_heading(p, _("Set-up"));
    }
    /* diff lines as diffs; the steps' words wrapped, errors and fixes read whole */
    for (const char *q = wz.msg; *q;) {
        const char *nl = strchr(q, '\n');
        size_t n = nl ? (size_t)(nl - q) : strlen(q);
        char *one = vt_strndup(q, n);
        if (strchr("+-@ ", *one) && *one)
            vt_pen_text(p, one, "  ", true);
        else
            /* TRANSLATORS: the word the set-up's failed steps say ("... FAILED: why"),
               which colours their line: the same word as in those messages */
            vt_pen_wrap(p, strstr(one, "FAILED") || strstr(one, _("FAILED")) ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL,
                        "  ", one);
        free(one);
        q += n + (nl ? 1 : 0);
    }
}
