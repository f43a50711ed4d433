#!/bin/sh
# Screen test: the demo is a sandbox (issue 15). With HOME and
# XDG_STATE_HOME pointed at empty directories, a demo console stages and
# applies an edit, runs the remote-access set-up through its login check
# and adds a SASL user; then --demo --apply and --demo --revert-last run
# in batch. Nothing may appear in HOME or XDG_STATE_HOME (where a real
# host's apply log is, which --revert-last reads), nothing may stay in
# TMPDIR, the login check must not leave the machine, and the SASL users
# are in the demo host's realm, not this machine's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }
command -v sasldblistusers2 >/dev/null 2>&1 || { echo "cannot run: sasldblistusers2 is not installed (run tools/setup)"; exit 99; }

. "$here/lib.sh"

H=$tmp/home
S=$tmp/state
mkdir -p "$H" "$S"
REALM=$(cat "${VIRT_TUNE_DATADIR:-$here/../../data}/demo/proc/sys/kernel/hostname")
answer() { $T send-keys -t vt -l "$1"; settle; keys Enter; }
status_line() { capture | sed -n 23p; }
title_line() { capture | sed -n 1p; }
demo_copy() { ls -d "$tmp"/t/virt-tune-demo.* 2>/dev/null | head -n 1; }
# what a demo left where it must not write
leaks() {
    find "$H" "$S" -mindepth 1 2>/dev/null
    find "$tmp/t" -mindepth 1 -maxdepth 1 2>/dev/null
}

printf 'host halt_poll_ns 123000\n' > "$tmp/host.plan"
printf 'vm db-replica vcpu 0 pin 2 config\n' > "$tmp/vm.plan"

# 1. The console: an edit staged (its recovery file inside the demo's
#    copy) and applied (its log there too).
start_shell 80 24
keys "export HOME=$H XDG_STATE_HOME=$S" Enter clear Enter
run_vt "--plan $tmp/vm.plan"
title_line | grep -q '\[1 staged\]' || fail "--plan: not staged: $(title_line)"
d=$(demo_copy)
if [ -n "$d" ] && ls "$d"/state/staged-*.plan > /dev/null 2>&1; then
    ok "staged: the recovery file is inside the demo's copy"
else
    fail "staged: no recovery file in the demo's copy: $(ls -R "$d" 2>&1 | head -5); HOME/state: $(leaks)"
fi
keys a
keys A
wait_for 'applied' || fail "apply: $(status_line)"
grep -q 'db-replica' "$d/state/apply.log" 2>/dev/null && ok "apply: logged to the demo's own apply log" ||
    fail "apply: nothing in $d/state/apply.log"

# 2. The set-up, to its login check: simulated, against the demo's sasldb.
keys Escape
keys H r
keys t
keys Enter
capture | grep -q 'listen address' || fail "set-up: no listen question: $(capture | tail -6)"
keys Enter
capture | grep -q 'step 2 of 5: nothing written yet' || { fail "set-up step 2:"; capture | head -12; }
keys Enter W
capture | grep -q 'Step 3 of 5: first user' || fail "set-up: no user step: $(capture | tail -6)"
answer carol
answer 'c4rol-pass'
answer 'c4rol-pass'
capture | grep -q 'Step 4 of 5' || fail "set-up: no login step: $(capture | tail -6)"
keys Enter
screen=$(capture | tr -s ' \n' ' ')
if echo "$screen" | grep -q "Step 5 of 5: login check simulated on the demo host" &&
   echo "$screen" | grep -q "carol@$REALM is in the demo's sasldb with that password"; then
    ok "set-up: step 5 is simulated on the demo host and says so"
else
    fail "set-up step 5:"; capture | grep -v '^$' | tail -8
fi
echo "$screen" | grep -q 'Connection refused\|FAILED' && fail "set-up step 5 tried the network: $(capture | tail -6)"
db=$d/etc/libvirt/passwd.db
sasldblistusers2 -f "$db" 2>/dev/null | grep -q "^carol@$REALM: " &&
    ok "set-up: carol is in the demo's sasldb under the demo host's realm ($REALM)" ||
    fail "set-up: carol@$REALM not in $db: $(sasldblistusers2 -f "$db" 2>&1)"
keys Escape
keys u
answer dave
answer 'd4ve-one'
answer 'd4ve-one'
capture | grep -q "dave@$REALM" && ok "users: dave is listed as dave@$REALM" ||
    fail "users: $(status_line); $(capture | grep '@' | head -4)"
[ -z "$(leaks | grep -v "^$d")" ] && ok "while it runs: nothing in HOME, XDG_STATE_HOME or beside the copy" ||
    fail "while it runs: $(leaks | grep -v "^$d")"
keys q
wait_shell
[ -z "$(leaks)" ] && ok "console quit: nothing in HOME, XDG_STATE_HOME or TMPDIR" || fail "console left: $(leaks)"

# 2b. Ended by a signal with an edit staged: the demo says it keeps
#     nothing (its recovery file went with its copy), not where it is.
keys clear Enter
run_vt "--plan $tmp/vm.plan"
kill -s TERM "$(pgrep -n -f -- "$VT --demo -d 3600")"
wait_shell
capture | grep -q '1 staged edit not applied; the demo keeps nothing after it ends' &&
    ok "SIGTERM with an edit staged: the demo says it keeps nothing" || fail "SIGTERM: $(capture | grep -v '^$' | tail -3)"
capture | grep -q 'kept in' && fail "SIGTERM: the demo names a recovery file that is gone"
[ -z "$(leaks)" ] && ok "SIGTERM: nothing in HOME, XDG_STATE_HOME or TMPDIR" || fail "SIGTERM left: $(leaks)"

# 3. Batch: --demo --apply, then --demo --revert-last.
run_batch() {   # args...: HOME and XDG_STATE_HOME are the empty ones
    env -i PATH=/usr/bin:/bin HOME="$H" XDG_STATE_HOME="$S" XDG_CONFIG_HOME="$tmp/cfg" TMPDIR="$tmp/t" \
        LANG=C.UTF-8 VIRT_TUNE_DATADIR="${VIRT_TUNE_DATADIR:-}" "$VT" --demo "$@"
}
run_batch --apply "$tmp/host.plan" --yes > "$tmp/out" 2>&1 && grep -q 'halt_poll_ns' "$tmp/out" &&
    ok "--demo --apply --yes: applied" || fail "--demo --apply: $(cat "$tmp/out")"
grep -q "$H\|$S" "$tmp/out" && fail "--demo --apply names HOME or XDG_STATE_HOME: $(cat "$tmp/out")"
run_batch --revert-last --yes > "$tmp/out" 2>&1
grep -q 'halt_poll_ns' "$tmp/out" && fail "--demo --revert-last found an apply of another demo: $(cat "$tmp/out")"
[ -z "$(leaks)" ] && ok "batch: nothing in HOME, XDG_STATE_HOME or TMPDIR" || fail "batch left: $(leaks)"

# 4. A real host's apply log is not the demo's: --demo --revert-last
#    does not read it (and leaves it as it is).
real=$tmp/real-state
mkdir -p "$real/virt-tune"
run_batch --apply "$tmp/host.plan" --yes --apply-log "$real/virt-tune/apply.log" > /dev/null 2>&1
[ -s "$real/virt-tune/apply.log" ] || fail "--apply-log: nothing written to $real/virt-tune/apply.log"
cp "$real/virt-tune/apply.log" "$tmp/log.before"
env -i PATH=/usr/bin:/bin HOME="$H" XDG_STATE_HOME="$real" TMPDIR="$tmp/t" LANG=C.UTF-8 \
    VIRT_TUNE_DATADIR="${VIRT_TUNE_DATADIR:-}" "$VT" --demo --revert-last --dry-run > "$tmp/out" 2>&1
if grep -q 'halt_poll_ns' "$tmp/out"; then
    fail "--demo --revert-last read the real apply log: $(head -5 "$tmp/out")"
else
    ok "--demo --revert-last reads the demo's own log, not \$XDG_STATE_HOME's"
fi
cmp -s "$tmp/log.before" "$real/virt-tune/apply.log" || fail "the real apply log changed"

exit $failed
