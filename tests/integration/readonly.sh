#!/bin/sh
# Integration: inspection needs no right to manage. A private libvirtd whose
# read-write socket is root's only (0700) and whose read-only socket is open
# (0777, no auth); an unprivileged user (nobody) reaches it as
# qemu:///system in a mount namespace where /run/libvirt is that daemon's
# socket directory. virt-tune falls back to a read-only connection and says
# so: the report, the checks and the console work; an apply is refused with
# a clear message and changes nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
for t in setpriv tmux; do
    command -v $t >/dev/null 2>&1 || cannot_run "$t is not installed (run tools/setup)"
done
SOCK=vt-it-ro-$$
TM="tmux -L $SOCK -f /dev/null"
trap '$TM kill-server 2>/dev/null; vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
VT_LIBVIRTD_CONF='unix_sock_rw_perms = "0700"
unix_sock_ro_perms = "0777"
auth_unix_ro = "none"
auth_unix_rw = "none"'
vt_libvirtd_start
chmod 0755 "$VT_D/sock"
# nobody must reach the binary and the console's themes (a CI clone is 0700)
cp "$VT" "$VT_TMP/virt-tune" && chmod 0755 "$VT_TMP/virt-tune"
src=$(cd "${top_srcdir:-$here/../..}" && pwd)
cp -r "$src/themes" "$VT_TMP/themes" && chmod -R a+rX "$VT_TMP/themes"
mkdir -p "$VT_TMP/home" && chown nobody "$VT_TMP/home"

vt_small_vm vt-ro
V() { virsh -q -c "$URI" "$@"; }
printf 'vm vt-ro iothreads 2\n' > "$VT_TMP/plan"
chmod 0644 "$VT_TMP/plan"
before=$(V dumpxml --inactive vt-ro)

# as_nobody CMD...: run as nobody, with qemu:///system meaning our daemon
as_nobody() {
    unshare -m sh -c 'sock=$0; home=$1; shift
        mount --bind "$sock" /run/libvirt && exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$home" XDG_STATE_HOME="$home/state" TERM=screen LANG=C.UTF-8 "$@"' \
        "$VT_D/sock" "$VT_TMP/home" "$@"
}

# the read-write socket really is refused to nobody
as_nobody virsh -q -c qemu:///system list >/dev/null 2>&1 && fail "nobody may manage: the test is not testing anything"
as_nobody virsh -q -r -c qemu:///system list | grep -q vt-ro || fail "nobody cannot even read: $(as_nobody virsh -r -c qemu:///system list 2>&1)"

as_nobody "$VT_TMP/virt-tune" -c qemu:///system --report=json > "$VT_TMP/r.json" 2> "$VT_TMP/r.err"
rc=$?
[ $rc = 0 ] && ok "report as nobody: exit 0" || { fail "report as nobody: exit $rc: $(cat "$VT_TMP/r.err")"; }
[ -s "$VT_TMP/r.json" ] && jq -e '.host.readonly == true and .host.readonly_fallback == true' "$VT_TMP/r.json" >/dev/null &&
    ok "report: the connection fell back to read-only, and says so" || fail "report: readonly flags: $(jq -c '.host | {readonly, readonly_fallback}' "$VT_TMP/r.json")"
[ "$(jq -r '.domains[].name' "$VT_TMP/r.json" 2>/dev/null)" = vt-ro ] &&
    ok "report: the VM is there" || fail "report: no vt-ro"
as_nobody "$VT_TMP/virt-tune" -c qemu:///system --report | grep -q 'access .*read-only (no permission to manage' &&
    ok "text report: access read-only (no permission to manage)" || fail "text report: no access line"

as_nobody "$VT_TMP/virt-tune" -c qemu:///system --check > "$VT_TMP/c.out" 2>&1
rc=$?
[ $rc -le 2 ] && ok "--check as nobody runs (exit $rc)" || fail "--check as nobody: exit $rc: $(tail -3 "$VT_TMP/c.out")"

as_nobody "$VT_TMP/virt-tune" -c qemu:///system --apply "$VT_TMP/plan" --yes > "$VT_TMP/a.out" 2>&1
rc=$?
[ $rc != 0 ] && grep -q 'read-only: this user may not manage' "$VT_TMP/a.out" && ok "--apply as nobody: refused (exit $rc): $(grep -m1 'read-only' "$VT_TMP/a.out")" ||
    { fail "--apply as nobody: exit $rc"; cat "$VT_TMP/a.out"; }
[ "$(V dumpxml --inactive vt-ro)" = "$before" ] && ok "--apply as nobody: the definition is unchanged" ||
    fail "--apply as nobody changed the definition"

# the console: its title says read-only and why
$TM new-session -d -s ro -x 120 -y 30 -c "$VT_TMP" "sh -c 'sleep 600'"
$TM set-option -g remain-on-exit on >/dev/null   # an early exit stays readable
$TM set-option -g status off >/dev/null
$TM respawn-pane -k -t ro "$(printf '%s ' unshare -m sh -c "'mount --bind $VT_D/sock /run/libvirt && exec setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin HOME=$VT_TMP/home TERM=screen LANG=C.UTF-8 VIRT_TUNE_THEMEDIR=$VT_TMP/themes $VT_TMP/virt-tune -c qemu:///system -d 3600'")"
i=0; while ! $TM capture-pane -p -t ro | grep -q 'vt-ro'; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
$TM capture-pane -p -t ro | sed -n 1p | grep -q 'read-only: no permission to manage' &&
    ok "console as nobody: the title says read-only, no permission to manage" ||
    { fail "console title: $($TM capture-pane -p -t ro | sed -n 1p)"; $TM capture-pane -p -t ro | tail -3; }
$TM capture-pane -p -t ro | grep -q 'vt-ro *running' && ok "console as nobody: the VM is listed" || fail "console: VM not listed"

V destroy vt-ro >/dev/null 2>&1
[ $VT_FAILED = 0 ] && say "integration readonly: all checks passed" || say "integration readonly: FAILED"
exit $VT_FAILED
