#!/bin/sh
# Screen test of the console's remote access (issue 6), to a verified
# login: a private libvirtd (tests/integration/lib.sh) whose libvirtd.conf
# is the one the console's guided set-up edits (a scratch --etc-root links
# to it). Through the set-up: digest-md5 after its warning, the diffs, the
# write, the first user, then the daemon restarted as the set-up says, and
# the login checked from the console. Then the users keys: add, change a
# password, delete, each checked with sasldblistusers2 and a real login.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
. "$here/../integration/lib.sh"
vt_need_root
for t in tmux sasldblistusers2 ss; do
    command -v "$t" >/dev/null 2>&1 || cannot_run "$t is not installed (run tools/setup)"
done
. "$here/lib.sh"
trap 'cleanup; vt_cleanup' EXIT

VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
PORT=$(vt_free_port)
VT_LIBVIRTD_CONF="tcp_port = \"$PORT\""
vt_libvirtd_start
vt_libvirtd_stop
E=$VT_TMP/etc-root
mkdir -p "$E/sasl2"
ln -s "$VT_TMP/etc" "$E/libvirt"
printf '# scratch SASL conf\nmech_list: gssapi\n' > "$E/sasl2/libvirt.conf"
vt_libvirtd_start_again() {
    export SASL_CONF_PATH=$E/sasl2
    VT_LIBVIRTD_KEEP_ETC=1 VT_LIBVIRTD_ARGS=--listen vt_libvirtd_start
}
VT_LIBVIRTD_KEEP_ETC=1 vt_libvirtd_start
TCP="qemu+tcp://127.0.0.1:$PORT/system"
DB=$E/libvirt/passwd.db
say "private libvirtd at $URI; the set-up edits $E"

status_line() { capture | sed -n 23p; }
login() {   # user password: 0 when virsh logs in over TCP
    printf '[credentials-t]\nauthname=%s\npassword=%s\n\n[auth-libvirt-127.0.0.1]\ncredentials=t\n' "$1" "$2" \
        > "$VT_TMP/auth.conf"
    LIBVIRT_AUTH_FILE=$VT_TMP/auth.conf virsh -q -c "$TCP" uri > /dev/null 2>&1
}
answer() { $T send-keys -t vt -l "$1"; settle; keys Enter; }

start_shell 80 24
keys clear Enter
keys "$VT -c '$URI' -d 3600 --etc-root $E" Enter
wait_for 'connected' || fail "virt-tune did not start: $(capture | tail -3)"
keys H r
capture | grep -q 'remote access' && capture | grep -q 'mech_list  *gssapi' && ok "S: the remote-access screen" ||
    { fail "remote screen:"; capture | head -12; }
keys t
capture | grep -q 'TCP+DIGEST' && ok "set-up: step 1 offers the transports" || fail "set-up step 1: $(capture | grep -i step)"
keys Right Right Enter
capture | grep -q 'deprecated (RFC 6331)' && ok "set-up: digest-md5 asks past its warning" || fail "no digest warning"
keys U
capture | grep -q 'listen address' && ok "set-up: step 1 asks the listen address" || fail "no listen question: $(capture | tail -6)"
answer 999.1.1.1
if status_line | grep -q '"999.1.1.1" is not an IPv4 address; nothing was' && capture | grep -q 'listen address' &&
   ! capture | grep -q 'step 2 of 5'; then
    ok "set-up: 999.1.1.1 refused at step 1, asked again"
else
    fail "set-up: 999.1.1.1 not refused at step 1: $(status_line)"
fi
grep -q '999.1.1.1' "$E/libvirt/libvirtd.conf" && fail "set-up wrote the bad listen address"
keys C-u
answer 127.0.0.1
if capture | grep -q 'step 2 of 5: nothing written yet' && capture | grep -q 'Remote access: tcp-digest-md5'; then
    ok "set-up: step 2 shows the diffs, nothing written"
else
    fail "set-up step 2:"; capture | head -20
fi
grep -q '^listen_tcp = 1' "$E/libvirt/libvirtd.conf" && fail "set-up wrote before the confirmation"
keys Enter W
grep -q '^listen_tcp = 1$' "$E/libvirt/libvirtd.conf" && grep -q '^auth_tcp = "sasl"$' "$E/libvirt/libvirtd.conf" &&
    grep -q '^listen_addr = "127.0.0.1"$' "$E/libvirt/libvirtd.conf" &&
    grep -q '^mech_list: digest-md5$' "$E/sasl2/libvirt.conf" && grep -q '^# scratch SASL conf$' "$E/sasl2/libvirt.conf" &&
    ok "set-up: files written, comments kept" || fail "set-up files: $(cat "$E/sasl2/libvirt.conf")"
capture | grep -q 'Step 3 of 5: first user' || fail "set-up: no user step: $(capture | tail -6)"
answer carol
answer 'c4rol-pass'
capture | grep -q 'c4rol-pass' && fail "the password is on the screen"
answer 'c4rol-pass'
sasldblistusers2 -f "$DB" 2>/dev/null | grep -q "^carol@$(hostname): " && ok "set-up: carol is in $DB" ||
    fail "set-up: carol not in the sasldb: $(sasldblistusers2 -f "$DB" 2>&1)"
capture | grep -q 'Step 4 of 5' || fail "set-up: no login step: $(capture | tail -6)"
# the restart the set-up asked for (here: the private daemon, with --listen)
vt_libvirtd_stop
vt_libvirtd_start_again
keys C-u
answer "$TCP"
if capture | tr -s ' \n' ' ' | grep -q "Step 5 of 5: login as carol to $TCP: ok"; then
    ok "set-up: a verified login"
else
    fail "set-up step 5:"; capture | grep -v "^$" | tail -12
fi
login carol c4rol-pass && ok "virsh logs in as carol" || fail "virsh as carol"

# Esc closes the finished set-up, and says what was written
keys Escape
if status_line | grep -q 'cancelled: nothing was written'; then
    fail "Esc after the finished set-up: $(status_line)"
elif status_line | grep -q 'files were written'; then
    ok "Esc after the finished set-up: $(status_line | sed 's/  *$//')"
else
    fail "Esc after the finished set-up: $(status_line)"
fi

# an existing user is offered a password change, asked before any password
keys u
answer carol
if capture | grep -q 'user carol exists: change its password?'; then
    ok "u: adding an existing user offers a password change"
    keys C
    answer 'c4rol-new'
    answer 'c4rol-new'
    login carol c4rol-new && ! login carol c4rol-pass && ok "u: carol's password changed" ||
        fail "u: carol's password not changed: $(status_line)"
else
    fail "u: existing user: $(status_line); $(capture | grep -v '^$' | tail -4)"
fi

# users: add, change a password, delete
keys u
answer dave
answer 'd4ve-one'
answer 'd4ve-one'
login dave d4ve-one && ok "u: dave added and logs in" || fail "u: dave: $(status_line)"
k=0; while ! capture | grep -q '^ > dave@' && [ $k -lt 5 ]; do keys Down; k=$((k + 1)); done
keys p
answer 'd4ve-two'
answer 'd4ve-TWO'
status_line | grep -q 'passwords differ' && ok "p: different passwords refused" || fail "p mismatch: $(status_line)"
login dave d4ve-one && ok "p: nothing changed after the mismatch" || fail "p mismatch changed the password"
keys p
answer 'd4ve-two'
answer 'd4ve-two'
login dave d4ve-two && ! login dave d4ve-one && ok "p: the new password logs in, the old one no more" ||
    fail "p: $(status_line)"
keys x
capture | grep -q 'Delete dave@' && keys D
sasldblistusers2 -f "$DB" 2>/dev/null | grep -q '^dave@' && fail "x: dave still in the sasldb" ||
    ok "x: dave deleted"
login dave d4ve-two && fail "x: a deleted user logs in" || ok "x: dave can no longer log in"
keys q

[ $failed = 0 ] && say "screen sasl: all checks passed" || say "screen sasl: FAILED"
exit $failed
