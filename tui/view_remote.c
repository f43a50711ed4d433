/* Remote access: libvirtd.conf (or virtproxyd.conf), the socket units,
 * the SASL conf and database, their findings and the SASL users; the
 * guided set-up (tui/wizard.c) is drawn here while it runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sasl.h"
#include "tui/ui.h"

static struct {
    vt_sasl_user *users;        /* owned */
    size_t nusers, sel;
    char sasl_conf[1024], sasl_db[1024];
    int scroll;
} rv;

vt_sasl_opts vt_remote_sasl(const vt_app *a)
{
    vt_sasl_opts o = { rv.sasl_conf, rv.sasl_db[0] ? rv.sasl_db : NULL, NULL };

    /* the realm libvirtd would use is its host's name: the demo host's
       (from its procfs), not the name of the machine the demo runs on */
    if (a->opts && a->opts->sandbox)
        o.realm = a->c->host.hostname;
    return o;
}

const char *vt_remote_sasl_db(const vt_app *a)
{
    (void)a;
    return rv.sasl_db;
}

/* The status, and the users of the database libvirtd's SASL conf names
 * (below a stand-in --etc-root, its /etc paths are read there too). */
void vt_remote_reread(vt_app *a)
{
    const char *etc = a->c->etc_root;
    vt_sasl_opts o;
    vt_err err = { { 0 } };

    if (a->c->remote)
        return;
    vt_remote_status_read(&a->remote, etc);
    a->remote_read = true;
    snprintf(rv.sasl_conf, sizeof(rv.sasl_conf), "%s/sasl2", etc);
    if (strcmp(etc, "/etc") != 0 && strncmp(a->remote.sasldb_path, "/etc/", 5) == 0)
        snprintf(rv.sasl_db, sizeof(rv.sasl_db), "%s/%s", etc, a->remote.sasldb_path + 5);
    else
        snprintf(rv.sasl_db, sizeof(rv.sasl_db), "%s", a->remote.sasldb_path);
    vt_sasl_users_free(rv.users, rv.nusers);
    rv.users = NULL;
    rv.nusers = 0;
    o = vt_remote_sasl(a);
    if (vt_sasl_list(&o, &rv.users, &rv.nusers, &err) < 0)
        vt_app_status(a, VT_ROLE_STATUS_ERROR, "%s", err.msg);
    if (rv.sel >= rv.nusers)
        rv.sel = rv.nusers ? rv.nusers - 1 : 0;
}

void vt_remote_show(vt_app *a)
{
    if (a->c->remote) {
        vt_app_status(a, VT_ROLE_STATUS, "%s", _("a remote host's libvirtd.conf and sasldb are not readable "
                      "from here: run virt-tune on that host"));
        return;
    }
    vt_remote_reread(a);
    vt_nav_push(a, VT_VIEW_REMOTE);
}

static void remote_title(vt_app *a, char *buf, size_t n)
{
    (void)a;
    snprintf(buf, n, "%s", _("remote access"));
}

static void draw_conf(vt_pen *p, vt_app *a)
{
    static const char *const keys[] = { "listen_tls", "listen_tcp", "listen_addr", "auth_tcp", "auth_tls" };
    const vt_remote_status *s = &a->remote;
    const vt_conf *lc = s->virtproxyd_conf_path ? &s->virtproxyd : &s->ra.libvirtd;
    char buf[1100];

    vt_pen_heading(p, s->virtproxyd_conf_path ? s->virtproxyd_conf_path
                   : s->ra.libvirtd_conf_path ? s->ra.libvirtd_conf_path : "libvirtd.conf");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        vt_pen_field(p, keys[i], vt_conf_get(lc, keys[i]) ? vt_conf_get(lc, keys[i]) : _("(default)"), VT_ROLE_NORMAL);
    for (size_t i = 0; i < s->nsockets; i++)
        vt_pen_field(p, _("socket unit"), s->sockets[i], VT_ROLE_NORMAL);
    vt_pen_heading(p, "SASL");
    vt_pen_field(p, "mech_list", vt_conf_get(&s->ra.sasl, "mech_list") ? vt_conf_get(&s->ra.sasl, "mech_list")
                                                                       : _("(not set)"), VT_ROLE_NORMAL);
    snprintf(buf, sizeof(buf), "%s%s", s->sasldb_path ? s->sasldb_path : "?",
             !s->sasldb_present ? _(" (not created yet)") : "");
    vt_pen_field(p, "sasldb_path", buf, VT_ROLE_NORMAL);
    if (s->sasldb_present) {
        snprintf(buf, sizeof(buf), "%04o%s", s->sasldb_mode, s->sasldb_world_readable ? _("  readable by everyone") : "");
        vt_pen_field(p, _("mode"), buf, s->sasldb_world_readable ? VT_ROLE_VALUE_BAD : VT_ROLE_NORMAL);
    }
    if (s->nfindings) {
        vt_pen_heading(p, _("Findings"));
        for (size_t i = 0; i < s->nfindings; i++)
            /* wrapped: a finding's fix is at its end, where 80 columns cut it */
            vt_pen_wrap(p, s->findings[i].severity == VT_RSEV_FAIL ? VT_ROLE_VALUE_BAD :
                        s->findings[i].severity == VT_RSEV_WARN ? VT_ROLE_VALUE_WARN : VT_ROLE_DIM,
                        vt_pad(vt_sev_marker(s->findings[i].severity == VT_RSEV_FAIL ? VT_SEV_FAIL :
                                             s->findings[i].severity == VT_RSEV_WARN ? VT_SEV_WARN : VT_SEV_INFO), -5),
                        vt_remote_finding_text(&s->findings[i]));
    }
}

static void remote_draw(vt_app *a)
{
    vt_pen p = vt_pen_start(a, rv.scroll);
    char buf[256];

    draw_conf(&p, a);
    snprintf(buf, sizeof(buf), _("SASL users (%zu): %s adds, %s changes a password, %s deletes"), rv.nusers,
             vt_app_key(a, VT_ACT_USER_ADD), vt_app_key(a, VT_ACT_USER_PASSWD), vt_app_key(a, VT_ACT_USER_DELETE));
    vt_pen_heading(&p, buf);
    if (!rv.nusers)
        vt_pen_line(&p, VT_ROLE_DIM, "%s", _("none"));
    for (size_t i = 0; i < rv.nusers; i++)
        vt_pen_line(&p, i == rv.sel ? VT_ROLE_SELECTION : VT_ROLE_NORMAL, "%s %s@%s", i == rv.sel ? ">" : " ",
                    rv.users[i].user, rv.users[i].realm);
    vt_wizard_draw(a, &p);
    if (vt_wizard_follow(a))
        rv.scroll = p.y > LINES - 3 ? p.y - (LINES - 3) : 0;
    vt_frame_pad(a, &p, &rv.scroll, 1, LINES - 3);
}

static vt_view_result remote_action(vt_app *a, vt_action act)
{
    switch (act) {
    case VT_ACT_BACK:
        /* a set-up under way is cancelled first; the view stays */
        if (vt_wizard_cancel(a))
            return VT_VIEW_HANDLED;
        return VT_VIEW_IGNORED;
    case VT_ACT_OPEN:
        vt_wizard_open(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_SETUP:
        vt_wizard_start(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_USER_ADD:
        vt_users_add(a);
        return VT_VIEW_HANDLED;
    case VT_ACT_USER_PASSWD:
        if (rv.sel < rv.nusers)
            vt_users_passwd(a, rv.users[rv.sel].user);
        return VT_VIEW_HANDLED;
    case VT_ACT_USER_DELETE:
        if (rv.sel < rv.nusers)
            vt_users_delete(a, rv.users[rv.sel].user, rv.users[rv.sel].realm);
        return VT_VIEW_HANDLED;
    case VT_ACT_UP:
    case VT_ACT_DOWN:
        if (!rv.nusers || vt_wizard_active(a))
            break;
        if (act == VT_ACT_UP && rv.sel > 0)
            rv.sel--;
        if (act == VT_ACT_DOWN && rv.sel + 1 < rv.nusers)
            rv.sel++;
        return VT_VIEW_HANDLED;
    default:
        break;
    }
    return vt_frame_scroll(&rv.scroll, act) ? VT_VIEW_HANDLED : VT_VIEW_IGNORED;
}

static void remote_leave(vt_app *a)
{
    vt_wizard_free(a);
    rv.scroll = 0;
}

static void remote_free(vt_app *a)
{
    remote_leave(a);
    vt_sasl_users_free(rv.users, rv.nusers);
    memset(&rv, 0, sizeof(rv));
}

const vt_view_ops vt_view_remote = {
    .name = "remote",
    .leave = remote_leave,
    .title = remote_title,
    .draw = remote_draw,
    .action = remote_action,
    .free = remote_free,
};
