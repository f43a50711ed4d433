#!/bin/sh
# Integration (issue 17): the guides' security practices on a real host.
# A private libvirtd listening on 127.0.0.1 over plain TCP with auth_tcp =
# "none": a real QEMU VM's command line has libvirt 9.0's "-sandbox on,..."
# and virt-tune reports it; `--check` over qemu+tcp warns that the
# connection is not encrypted, with --etc-root at the daemon's etc also that
# the listener is not, and over the UNIX socket only the listener. Then the
# daemon again with seccomp_sandbox = 0: a VM started now lacks the sandbox
# and --check warns (the host finding); judged against a copy of the etc
# where the sandbox is on again, that VM needs a restart.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
command -v ss >/dev/null 2>&1 || cannot_run "ss is not installed (run tools/setup)"
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
PORT=$(vt_free_port)
VT_LIBVIRTD_CONF="listen_tls = 0
listen_tcp = 1
listen_addr = \"127.0.0.1\"
tcp_port = \"$PORT\"
auth_tcp = \"none\""
VT_LIBVIRTD_ARGS=--listen
vt_libvirtd_start
TCP="qemu+tcp://127.0.0.1:$PORT/system"
# virt-tune's etc root: the daemon's private /etc/libvirt as its libvirt/
ETC=$VT_TMP/etcroot
mkdir -p "$ETC"
ln -s "$VT_D/etc" "$ETC/libvirt"
say "private libvirtd: $URI and $TCP (auth_tcp none); etc root $ETC"

# jq over --check --json: the findings of a topic, "vm|summary|evidence"
findings() {   # file topic
    jq -r --arg t "$2" '.findings[] | select(.topic == $t) | "\(.vm // "host")|\(.summary)|\(.evidence // "")|\(.fix // "")"' "$1"
}

# ---- 1. sandbox on (the copied qemu.conf leaves it commented: libvirt's default)
vt_small_vm sb-on
UUID_ON=$(virsh -q -c "$URI" domuuid sb-on)
PID_ON=$(vt_qemu_pid "$UUID_ON") || { fail "no QEMU process for sb-on"; exit 1; }
ARG_ON=$(tr '\0' '\n' < "/proc/$PID_ON/cmdline" | grep -A1 -x -- -sandbox | tail -1)
case "$ARG_ON" in
    on,obsolete=deny,*) ok "real QEMU command line has -sandbox $ARG_ON" ;;
    *) fail "sb-on's -sandbox argument: '$ARG_ON'" ;;
esac
"$VT" -c "$URI" --etc-root "$ETC" --report=json > "$VT_TMP/r1.json" 2> "$VT_TMP/err" ||
    fail "report: $(cat "$VT_TMP/err")"
[ "$(jq -c .host.qemu_sandbox.conf "$VT_TMP/r1.json")" = 1 ] &&
    jq -r .host.qemu_sandbox.source "$VT_TMP/r1.json" | grep -q "^default (not set in $ETC/libvirt/qemu.conf)" &&
    ok "report: host.qemu_sandbox $(jq -c .host.qemu_sandbox "$VT_TMP/r1.json")" ||
    fail "report: host.qemu_sandbox $(jq -c .host.qemu_sandbox "$VT_TMP/r1.json")"
[ "$(jq -c '.domains[] | select(.name == "sb-on") | .sandbox' "$VT_TMP/r1.json")" = true ] &&
    ok "report: sb-on sandbox true" ||
    fail "report: sb-on sandbox $(jq -c '.domains[] | select(.name == "sb-on") | .sandbox' "$VT_TMP/r1.json")"
"$VT" -c "$URI" --etc-root "$ETC" --report > "$VT_TMP/r1.txt" 2>&1
grep -q 'QEMU sandbox  *on (-sandbox on)' "$VT_TMP/r1.txt" && ok "text report: sb-on QEMU sandbox on" ||
    fail "text report: $(grep -i sandbox "$VT_TMP/r1.txt")"

# ---- 2. transport: the connection and the listener
"$VT" -c "$TCP" --check --json > "$VT_TMP/c-tcp.json" 2> "$VT_TMP/err"
findings "$VT_TMP/c-tcp.json" transport > "$VT_TMP/t"
grep -q "^host|this connection is not encrypted ($TCP over plain tcp)" "$VT_TMP/t" &&
    ok "qemu+tcp without SASL: $(head -1 "$VT_TMP/t")" || { fail "qemu+tcp: no connection transport warning"; cat "$VT_TMP/t"; }
[ "$(jq -r '[.findings[] | select(.topic == "transport")][0].severity' "$VT_TMP/c-tcp.json")" = warning ] ||
    fail "transport severity: $(jq -c '.findings[] | select(.topic == "transport")' "$VT_TMP/c-tcp.json")"
jq -e '[.findings[] | select(.topic == "transport")][0].why | test("SSH, TLS")' "$VT_TMP/c-tcp.json" >/dev/null ||
    fail "transport why: $(jq -r '.findings[] | select(.topic == "transport") | .why' "$VT_TMP/c-tcp.json")"
"$VT" -c "$TCP" --report=json 2>/dev/null | jq -c '[.host.transport, .host.encrypted]' > "$VT_TMP/te"
[ "$(cat "$VT_TMP/te")" = '["tcp",false]' ] && ok "report over qemu+tcp: transport, encrypted = $(cat "$VT_TMP/te")" ||
    fail "report over qemu+tcp: $(cat "$VT_TMP/te")"

"$VT" -c "$TCP" --etc-root "$ETC" --check --json > "$VT_TMP/c-tcp-etc.json" 2> "$VT_TMP/err"
findings "$VT_TMP/c-tcp-etc.json" transport > "$VT_TMP/t"
grep -q '^host|TCP listener without encryption (listen_tcp = 1, auth_tcp = "none")' "$VT_TMP/t" &&
    grep -q "^host|this connection is not encrypted" "$VT_TMP/t" &&
    ok "qemu+tcp with --etc-root at the daemon's etc: the connection and the listener" ||
    { fail "qemu+tcp --etc-root: transport findings"; cat "$VT_TMP/t"; }
grep -q "|$ETC/libvirt/libvirtd.conf: listen_tcp = 1, auth_tcp = none|" "$VT_TMP/t" ||
    fail "listener evidence: $(grep listener "$VT_TMP/t")"
findings "$VT_TMP/c-tcp-etc.json" sasl | grep -q 'TCP without authentication' &&
    ok "the same setting's sasl failure is still there (its other half)" || fail "no sasl finding for auth_tcp none"

"$VT" -c "$URI" --etc-root "$ETC" --check --json > "$VT_TMP/c-unix.json" 2> "$VT_TMP/err"
findings "$VT_TMP/c-unix.json" transport > "$VT_TMP/t"
if grep -q "this connection is not encrypted" "$VT_TMP/t"; then
    fail "UNIX socket: a connection transport warning: $(cat "$VT_TMP/t")"
elif grep -q "TCP listener without encryption" "$VT_TMP/t"; then
    ok "UNIX socket: no connection transport warning; the listener's is there"
else
    fail "UNIX socket: no listener warning: $(cat "$VT_TMP/t")"
fi
findings "$VT_TMP/c-unix.json" sandbox | grep . && fail "sandbox findings with the sandbox on" ||
    ok "no sandbox finding while every QEMU has it"

# ---- 3. seccomp_sandbox = 0: the daemon again; a VM started now lacks it
printf 'seccomp_sandbox = 0\n' >> "$VT_D/etc/qemu.conf"
LINE=$(grep -n '^seccomp_sandbox = 0' "$VT_D/etc/qemu.conf" | cut -d: -f1)
vt_libvirtd_stop
VT_LIBVIRTD_KEEP_ETC=1 vt_libvirtd_start
vt_small_vm sb-off
UUID_OFF=$(virsh -q -c "$URI" domuuid sb-off)
PID_OFF=$(vt_qemu_pid "$UUID_OFF") || { fail "no QEMU process for sb-off"; exit 1; }
if tr '\0' '\n' < "/proc/$PID_OFF/cmdline" | grep -A1 -x -- -sandbox | grep -q '^on'; then
    fail "sb-off's QEMU has -sandbox on"
else
    ok "with seccomp_sandbox = 0 the new QEMU has $(tr '\0' '\n' < "/proc/$PID_OFF/cmdline" | grep -A1 -x -- -sandbox | tr '\n' ' ' | sed 's/ $//' | grep . || echo 'no -sandbox')"
fi
"$VT" -c "$URI" --etc-root "$ETC" --check --json > "$VT_TMP/c-off.json" 2> "$VT_TMP/err"
rc=$?
findings "$VT_TMP/c-off.json" sandbox > "$VT_TMP/s"
grep -q "^host|QEMU's seccomp sandbox is off for every VM started (seccomp_sandbox = 0)|seccomp_sandbox = 0 in $ETC/libvirt/qemu.conf line $LINE; running without it: sb-off;.*|$" "$VT_TMP/s" &&
    ok "--check: $(cut -d'|' -f2 "$VT_TMP/s" | head -1) (exit $rc)" || { fail "--check with seccomp_sandbox = 0"; cat "$VT_TMP/s"; }
[ "$rc" -ge 1 ] || fail "--check exit $rc with a warning"
grep -q '^sb-' "$VT_TMP/s" && fail "a VM sandbox finding while the conf is off: $(grep '^sb-' "$VT_TMP/s")"
"$VT" -c "$URI" --etc-root "$ETC" --report=json > "$VT_TMP/r2.json" 2>/dev/null
[ "$(jq -c '[.host.qemu_sandbox.conf, (.domains[] | select(.name == "sb-on") | .sandbox), (.domains[] | select(.name == "sb-off") | .sandbox)]' "$VT_TMP/r2.json")" = '[0,true,false]' ] &&
    ok "report: conf 0, sb-on (started before) true, sb-off false" ||
    fail "report: $(jq -c '[.host.qemu_sandbox, [.domains[] | {name, sandbox}]]' "$VT_TMP/r2.json")"

# the file back on, the VM not restarted: it needs a restart (a copy of
# the etc, the daemon untouched)
ETC2=$VT_TMP/etcroot2
mkdir -p "$ETC2/libvirt"
cp "$VT_D/etc/qemu.conf" "$ETC2/libvirt/qemu.conf"
sed -i 's/^seccomp_sandbox = 0$/seccomp_sandbox = 1/' "$ETC2/libvirt/qemu.conf"
"$VT" -c "$URI" --etc-root "$ETC2" --check --json > "$VT_TMP/c-on2.json" 2>/dev/null
findings "$VT_TMP/c-on2.json" sandbox > "$VT_TMP/s"
grep -q "^sb-off|QEMU runs without its seccomp sandbox|no '-sandbox on' on the command line of pid $PID_OFF, while qemu.conf says seccomp_sandbox = 1 ($ETC2/libvirt/qemu.conf line $LINE): the VM was started before the change; it needs a restart" "$VT_TMP/s" &&
    ok "conf on again: sb-off needs a restart" || { fail "conf on again"; cat "$VT_TMP/s"; }
jq -e '[.findings[] | select(.topic == "sandbox" and .vm == "sb-off")][0].pending_restart == true' "$VT_TMP/c-on2.json" >/dev/null &&
    ok "  marked pending restart (qemu.conf is fixed)" || fail "sb-off's sandbox finding is not pending restart"
grep -q '^host|' "$VT_TMP/s" && fail "host sandbox finding with the conf on"
grep -q '^sb-on|' "$VT_TMP/s" && fail "sb-on has a sandbox finding"
virsh -q -c "$URI" destroy sb-off >/dev/null && virsh -q -c "$URI" start sb-off >/dev/null
"$VT" -c "$URI" --etc-root "$ETC" --report=json 2>/dev/null |
    jq -e '.domains[] | select(.name == "sb-off") | .sandbox == false' >/dev/null &&
    ok "restarted under seccomp_sandbox = 0, still without" || fail "sb-off after restart"

[ $VT_FAILED = 0 ] && say "net-sec: all checks passed"
exit $VT_FAILED
