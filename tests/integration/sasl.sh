#!/bin/sh
# Integration: SASL users for libvirt remote access, against a private
# libvirtd listening on 127.0.0.1 with auth_tcp = "sasl" (digest-md5, the
# guide's example; plain TCP needs a mechanism with a security layer).
# Users made by `virt-tune sasl add` log in with virsh and with
# `virt-tune sasl verify`; wrong and deleted ones are refused;
# sasldblistusers2 is the oracle for `virt-tune sasl list`; SCRAM on plain
# TCP fails with the reason and the fix.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
for t in sasldblistusers2 ss; do
    command -v "$t" >/dev/null 2>&1 || cannot_run "$t is not installed (run tools/setup)"
done
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
SASL=$VT_TMP/sasl
DB=$VT_TMP/passwd.db
mkdir -p "$SASL"
printf 'mech_list: digest-md5\nsasldb_path: %s\n' "$DB" > "$SASL/libvirt.conf"
PORT=$(vt_free_port)
export SASL_CONF_PATH=$SASL
VT_LIBVIRTD_CONF="listen_tls = 0
listen_tcp = 1
listen_addr = \"127.0.0.1\"
tcp_port = \"$PORT\"
auth_tcp = \"sasl\""
VT_LIBVIRTD_ARGS=--listen
vt_libvirtd_start
TCP="qemu+tcp://127.0.0.1:$PORT/system"
say "private libvirtd: $URI and $TCP (digest-md5, sasldb $DB)"

S() { "$VT" sasl "$@" --sasl-conf "$SASL"; }
virsh_as() {   # user password: run virsh over TCP with an auth file
    cat > "$VT_TMP/auth.conf" <<EOF
[credentials-t]
authname=$1
password=$2

[auth-libvirt-127.0.0.1]
credentials=t
EOF
    LIBVIRT_AUTH_FILE=$VT_TMP/auth.conf virsh -q -c "$TCP" uri > "$VT_TMP/virsh.out" 2>&1
}

# ---- add, then log in with virsh and with virt-tune sasl verify
printf 'Secr3t-one\n' | S add alice --password-stdin > "$VT_TMP/out" 2>&1 || fail "add alice: $(cat "$VT_TMP/out")"
printf 'other-pass\n' | S add bob --password-stdin > /dev/null 2>&1 || fail "add bob"
[ "$(stat -c %a "$DB")" = 600 ] && ok "sasldb created with mode 600" || fail "sasldb mode $(stat -c %a "$DB")"
virsh_as alice Secr3t-one && ok "virsh logs in over TCP as alice" || fail "virsh as alice: $(cat "$VT_TMP/virsh.out")"
printf 'Secr3t-one\n' | "$VT" sasl verify "$TCP" alice --password-stdin > "$VT_TMP/out" 2>&1 &&
    ok "virt-tune sasl verify: $(cat "$VT_TMP/out")" || fail "verify alice: $(cat "$VT_TMP/out")"

# ---- digest-md5 on TCP gives a SASL session layer: libvirt says the
# connection is encrypted, and --check has no transport warning for it
# (issue 17; the auth file virsh_as wrote for alice is still there)
LIBVIRT_AUTH_FILE=$VT_TMP/auth.conf "$VT" -c "$TCP" --check --json > "$VT_TMP/tcheck.json" 2> "$VT_TMP/err"
LIBVIRT_AUTH_FILE=$VT_TMP/auth.conf "$VT" -c "$TCP" --report=json 2>/dev/null | jq -c '[.host.transport, .host.encrypted]' > "$VT_TMP/te"
if [ "$(cat "$VT_TMP/te")" = '["tcp",true]' ] && jq -e '.findings | map(select(.topic == "transport")) | length == 0' "$VT_TMP/tcheck.json" >/dev/null; then
    ok "qemu+tcp with digest-md5: encrypted (SASL layer), no transport warning"
else
    fail "qemu+tcp with digest-md5: $(cat "$VT_TMP/te") $(jq -c '.findings[] | select(.topic == "transport")' "$VT_TMP/tcheck.json" 2>/dev/null) $(cat "$VT_TMP/err")"
fi

# ---- the list equals sasldblistusers2's
sasldblistusers2 -f "$DB" | sed 's/: .*//' | sort -u > "$VT_TMP/oracle"
S list 2>/dev/null | sort > "$VT_TMP/list"
[ -s "$VT_TMP/list" ] && cmp -s "$VT_TMP/oracle" "$VT_TMP/list" &&
    ok "sasl list equals sasldblistusers2: $(tr '\n' ' ' < "$VT_TMP/list")" ||
    fail "list [$(cat "$VT_TMP/list")] vs sasldblistusers2 [$(cat "$VT_TMP/oracle")]"
grep -q "^alice@$(hostname)$" "$VT_TMP/list" && ok "the realm is the host name, as saslpasswd2 makes it" ||
    fail "alice's realm: $(cat "$VT_TMP/list")"

# ---- wrong password: refused, in words
if printf 'wrong\n' | "$VT" sasl verify "$TCP" alice --password-stdin > "$VT_TMP/out" 2>&1; then
    fail "a wrong password logged in"
else
    grep -q "Fix:" "$VT_TMP/out" && ok "wrong password refused: $(cat "$VT_TMP/out")" ||
        fail "wrong password message: $(cat "$VT_TMP/out")"
fi
virsh_as alice wrong && fail "virsh logged in with a wrong password" || ok "virsh refuses the wrong password too"

# ---- passwd: the new password works, the old one no longer
printf 'Secr3t-two\n' | S passwd alice --password-stdin > /dev/null 2>&1 || fail "passwd alice"
virsh_as alice Secr3t-two && ok "new password logs in" || fail "new password: $(cat "$VT_TMP/virsh.out")"
virsh_as alice Secr3t-one && fail "old password still logs in" || ok "old password refused"

# ---- add refuses an existing user, passwd/delete an unknown one
printf 'x\n' | S add alice --password-stdin > "$VT_TMP/out" 2>&1 && fail "add of an existing user succeeded" ||
    ok "add refused: $(cat "$VT_TMP/out")"
S delete carol > "$VT_TMP/out" 2>&1 && fail "delete of an unknown user succeeded" ||
    ok "delete refused: $(cat "$VT_TMP/out")"
printf 'x\n' | S add 'eve@evil' --password-stdin > "$VT_TMP/out" 2>&1 && fail "a user name with @ was taken" ||
    ok "bad name refused: $(cat "$VT_TMP/out")"

# ---- delete: the user can no longer log in, the other one still can
S delete alice > /dev/null 2>&1 || fail "delete alice"
virsh_as alice Secr3t-two && fail "a deleted user logs in" || ok "deleted user refused"
virsh_as bob other-pass && ok "bob still logs in" || fail "bob: $(cat "$VT_TMP/virsh.out")"
S list 2>/dev/null | grep -q '^alice@' && fail "alice still listed" || ok "alice is gone from the list"

# ---- a password never reaches argv: the process list while virt-tune waits
mkfifo "$VT_TMP/fifo"
"$VT" sasl passwd bob --password-stdin --sasl-conf "$SASL" < "$VT_TMP/fifo" > /dev/null 2>&1 &
bg=$!
exec 9> "$VT_TMP/fifo"
sleep 0.3
if tr '\0' ' ' < "/proc/$bg/cmdline" 2>/dev/null | grep -q "other-pass\|new-bob-pass"; then
    fail "the password is in argv"
elif ! tr '\0' ' ' < "/proc/$bg/cmdline" 2>/dev/null | grep -q "virt-tune sasl passwd bob"; then
    fail "not looking at virt-tune's argv: $(tr '\0' ' ' < "/proc/$bg/cmdline" 2>/dev/null)"
else
    ok "argv holds no password: $(tr '\0' ' ' < "/proc/$bg/cmdline" 2>/dev/null)"
fi
printf 'new-bob-pass\n' >&9
exec 9>&-
wait $bg || fail "passwd through a pipe"

# ---- no core dump while a password is held: killed with SIGABRT while it
# waits for the password, virt-tune leaves no core where a plain process
# (the control) does
case $(cat /proc/sys/kernel/core_pattern) in
core|core.%p|core.*)
    mkdir -p "$VT_TMP/cores/control" "$VT_TMP/cores/vt"
    (
        ulimit -c unlimited
        cd "$VT_TMP/cores/control" && { sh -c 'sleep 30' & cpid=$!; sleep 0.2; kill -ABRT $cpid; wait $cpid 2>/dev/null; }
        cd "$VT_TMP/cores/vt" && mkfifo pw
        "$VT" sasl passwd bob --password-stdin --sasl-conf "$SASL" < pw > /dev/null 2>&1 & vpid=$!
        exec 8> pw
        sleep 0.3
        printf 'half-typed' >&8     # no newline yet: the password is in memory
        sleep 0.3
        kill -ABRT $vpid; wait $vpid 2>/dev/null
        exec 8>&-
    )
    if ! ls "$VT_TMP/cores/control" | grep -q '^core'; then
        fail "the control process left no core either: cannot tell (core_pattern $(cat /proc/sys/kernel/core_pattern))"
    elif ls "$VT_TMP/cores/vt" | grep -q '^core'; then
        fail "virt-tune dumped core with a password in memory: $(ls "$VT_TMP/cores/vt")"
    else
        ok "SIGABRT with a password in memory: no core dump (the control process left one)"
    fi
    ;;
*)
    say "note: core_pattern is '$(cat /proc/sys/kernel/core_pattern)', not a file: the core dump check is left out" ;;
esac
virsh_as bob new-bob-pass && ok "password from a pipe set" || fail "bob new password"

# ---- SCRAM on plain TCP: libvirt refuses it; the message says why and what to do
vt_libvirtd_stop
printf 'mech_list: scram-sha-256\nsasldb_path: %s\n' "$DB" > "$SASL/libvirt.conf"
vt_libvirtd_start
if printf 'new-bob-pass\n' | S verify "$TCP" bob --password-stdin > "$VT_TMP/out" 2>&1; then
    fail "SCRAM over plain TCP logged in"
else
    grep -q "security layer" "$VT_TMP/out" && ok "SCRAM on TCP explained: $(cat "$VT_TMP/out")" ||
        fail "SCRAM message: $(cat "$VT_TMP/out")"
fi

# ---- `sasl setup` end to end: the files it writes are the ones the daemon
# then runs with (its libvirtd.conf is this private daemon's, its args file
# gives the daemon's arguments), and a user added after it logs in
vt_libvirtd_stop
E=$VT_TMP/etc-root
mkdir -p "$E/sasl2" "$VT_TMP/no-units"    # no socket units: the daemon gets --listen
ln -s "$VT_TMP/etc" "$E/libvirt"
printf '# scratch SASL conf
mech_list: gssapi
' > "$E/sasl2/libvirt.conf"
sed -i '/^listen_tcp\|^listen_tls\|^auth_tcp\|^listen_addr/d' "$VT_TMP/etc/libvirtd.conf"
"$VT" sasl setup --etc-root "$E" --unit-dir "$VT_TMP/no-units" --transport tcp-digest-md5 --listen-addr 127.0.0.1 --yes > "$VT_TMP/out" 2>&1 &&
    fail "digest-md5 set up without --allow-deprecated"
"$VT" sasl setup --etc-root "$E" --unit-dir "$VT_TMP/no-units" --transport tcp-digest-md5 --allow-deprecated \
    --listen-addr 127.0.0.1 --yes > "$VT_TMP/out" 2>&1 || fail "sasl setup: $(cat "$VT_TMP/out")"
grep -q '^listen_tcp = 1$' "$E/libvirt/libvirtd.conf" && grep -q '^auth_tcp = "sasl"$' "$E/libvirt/libvirtd.conf" &&
    grep -q '^listen_addr = "127.0.0.1"$' "$E/libvirt/libvirtd.conf" &&
    grep -q '^mech_list: digest-md5$' "$E/sasl2/libvirt.conf" && grep -q '^# scratch SASL conf$' "$E/sasl2/libvirt.conf" &&
    ok "sasl setup wrote libvirtd.conf and the SASL conf, comments kept" ||
    fail "setup files: $(cat "$E/libvirt/libvirtd.conf" "$E/sasl2/libvirt.conf")"
ls "$E"/sasl2/libvirt.conf.virt-tune-* >/dev/null 2>&1 && ok "dated backup of the SASL conf" || fail "no backup"
args=$(sed -n 's/^LIBVIRTD_ARGS="\(.*\)"$/\1/p' "$E/default/libvirtd" "$E/sysconfig/libvirtd" 2>/dev/null | head -n1)
[ "$args" = --listen ] && ok "daemon arguments: $args" || fail "LIBVIRTD_ARGS: [$args]"
printf 'carol-pass\n' | "$VT" sasl add carol --password-stdin --sasl-conf "$E/sasl2" --sasldb "$E/libvirt/passwd.db" \
    > /dev/null 2>&1 || fail "add carol"
export SASL_CONF_PATH=$E/sasl2
VT_LIBVIRTD_KEEP_ETC=1 VT_LIBVIRTD_ARGS=$args vt_libvirtd_start
printf 'carol-pass\n' | "$VT" sasl verify "$TCP" carol --password-stdin > "$VT_TMP/out" 2>&1 &&
    ok "after sasl setup: $(cat "$VT_TMP/out")" || fail "verify after setup: $(cat "$VT_TMP/out")"
"$VT" sasl status --etc-root "$E" > "$VT_TMP/out" 2>&1
grep -q "warning: mech_list has digest-md5" "$VT_TMP/out" && grep -q "1 user" "$VT_TMP/out" &&
    ok "sasl status: digest-md5 warned, 1 user" || fail "status: $(cat "$VT_TMP/out")"

[ $VT_FAILED = 0 ] && say "integration sasl: all checks passed" || say "integration sasl: FAILED"
exit $VT_FAILED
