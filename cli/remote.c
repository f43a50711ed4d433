/* virt-tune sasl status and setup: libvirt's remote access as configured,
 * and the guided set-up of one transport. */
#include <config.h>

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wchar.h>

#include "core/remote.h"

/* "  LABEL" padded to 12 display columns and a blank: the config keys
 * stay as they are, a translated label lines up by its width */
static void label(const char *k)
{
    size_t n = mbstowcs(NULL, k, 0);
    int w = -1;

    if (n != (size_t)-1) {
        wchar_t *ws = vt_calloc(n + 1, sizeof(*ws));
        mbstowcs(ws, k, n + 1);
        w = wcswidth(ws, n);
        free(ws);
    }
    if (w < 0)
        w = (int)strlen(k);
    printf("  %s%*s ", k, w < 12 ? 12 - w : 0, "");
}

int vt_cli_remote_status(const char *etc_root)
{
    vt_remote_status s = { 0 };
    const vt_conf *lc;
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "tcp_port",
                                        "tls_port", "auth_tcp", "auth_tls" };

    vt_remote_status_read(&s, etc_root);
    lc = s.virtproxyd_conf_path ? &s.virtproxyd : &s.ra.libvirtd;
    printf("%s%s\n", s.virtproxyd_conf_path ? s.virtproxyd_conf_path : s.ra.libvirtd_conf_path,
           s.ra.libvirtd_why && !s.virtproxyd_conf_path ? _(" (not readable)") : "");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = vt_conf_get(lc, keys[i]);
        printf("  %-12s %s\n", keys[i], v ? v : _("(default)"));
    }
    printf("%s%s\n", s.ra.sasl_conf_path, s.ra.sasl_why ? _(" (not present)") : "");
    printf("  %-12s %s\n", "mech_list", vt_conf_get(&s.ra.sasl, "mech_list")
                                            ? vt_conf_get(&s.ra.sasl, "mech_list") : _("(default)"));
    printf("  %-12s %s%s\n", "sasldb_path", s.sasldb_path,
           vt_conf_get(&s.ra.sasl, "sasldb_path") ? "" : _(" (library default)"));
    label(_("database"));
    if (s.sasldb_present && s.users >= 0)
        printf(P_("mode %04o, %ld user\n", "mode %04o, %ld users\n", (unsigned long)s.users),
               s.sasldb_mode, s.users);
    else if (s.sasldb_present)
        printf(_("mode %04o, users cannot be listed\n"), s.sasldb_mode);
    else
        fputs(_("not created yet\n"), stdout);
    for (size_t i = 0; i < s.nsockets; i++)
        printf(_("socket unit enabled: %s\n"), s.sockets[i]);
    /* the severities' words are those of the text report (core/report.c) */
    for (size_t i = 0; i < s.nfindings; i++)
        printf("%s: %s\n", _(vt_rsev_name(s.findings[i].severity)),
               vt_remote_finding_text(&s.findings[i]));
    vt_remote_status_clear(&s);
    return 0;
}

int vt_cli_remote_setup(const char *etc_root, const char *unit_dir, const char *transport,
                        const char *addr, bool allow_deprecated, bool dry_run, bool yes)
{
    vt_setup_transport t;
    vt_setup_plan p = { 0 };
    vt_err err = { { 0 } };
    char *text;
    bool live = strcmp(etc_root, "/etc") == 0 && access("/run/systemd/system", F_OK) == 0;
    int rc = 1, n;

    if (!transport || vt_setup_transport_parse(transport, &t) < 0) {
        fputs(_("virt-tune: sasl setup needs --transport tls-scram (recommended), tcp-gssapi or "
                "tcp-digest-md5\n"), stderr);
        return 2;
    }
    if (t == VT_SETUP_TCP_DIGEST && !allow_deprecated) {
        fputs(_("virt-tune: tcp-digest-md5 is deprecated and insecure (the guide's example): add "
                "--allow-deprecated to set it up anyway; tls-scram is the secure choice\n"), stderr);
        return 2;
    }
    if (vt_setup_prepare(etc_root, unit_dir, t, addr, &p, &err) < 0) {
        fprintf(stderr, _("virt-tune: %s; nothing was written\n"), err.msg);
        return 2;
    }
    text = vt_setup_describe(&p);
    fputs(text, stdout);
    free(text);
    if (dry_run) {
        puts(_("Dry run: nothing was written."));
        rc = 0;
        goto cleanup;
    }
    if (!yes) {
        if (!isatty(STDIN_FILENO)) {
            fputs(_("virt-tune: standard input is not a terminal: add --yes to write without "
                    "asking; nothing was written\n"), stderr);
            goto cleanup;
        }
        if (!vt_cli_confirm(_("Write these files?"))) {
            puts(_("Nothing was written."));
            goto cleanup;
        }
    }
    if ((n = vt_setup_write(&p, &err)) < 0) {
        fprintf(stderr, "virt-tune: %s\n", err.msg);
        goto cleanup;
    }
    if (n == 0)
        puts(_("No file written: all were already as needed."));
    else
        printf(P_("%d file written (the old one kept beside it as .virt-tune-DATE).\n",
                  "%d files written (each old one kept beside it as .virt-tune-DATE).\n",
                  (unsigned long)n), n);
    for (size_t i = 0; i < p.ncommands; i++) {
        if (!live) {
            printf(_("Now run: %s\n"), p.commands[i]);
            continue;
        }
        printf(_("Running: %s\n"), p.commands[i]);
        if (vt_setup_run(p.commands[i], false) < 0) {
            fprintf(stderr, _("virt-tune: \"%s\" failed; run it by hand, then the rest:\n"),
                    p.commands[i]);
            for (size_t j = i + 1; j < p.ncommands; j++)
                fprintf(stderr, "  %s\n", p.commands[j]);
            goto cleanup;
        }
    }
    if (p.sasldb_users)
        printf(_("Next: virt-tune sasl add USER, then virt-tune sasl verify %s USER\n"), p.uri);
    else
        printf(_("Next: users are Kerberos principals (kadmin: addprinc USER), not sasldb users; "
                 "with a ticket (kinit USER): virsh -c %s uri\n"), p.uri);
    rc = 0;

cleanup:
    vt_setup_plan_clear(&p);
    return rc;
}
