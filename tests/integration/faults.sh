#!/bin/sh
# Integration: the daemon lost half-way through an apply, at a known point.
# gdb stops virt-tune at the second step's libvirt call (virDomainPinIOThread,
# after the first step's virDomainPinVcpuFlags went through); the test then
# kills or stops the private libvirtd and lets virt-tune go on.
#   killed and restarted: the step fails, virt-tune reconnects and undoes
#     the first step (virsh shows the old pin again);
#   stopped (hung): the keepalive ends the call, virt-tune cannot reconnect
#     within its bound and reports the first step as still in effect (virsh
#     confirms once the daemon runs again);
#   stopped before virt-tune starts: --report, --check and the console give
#     up on the open after 15 s with a message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
command -v gdb >/dev/null 2>&1 || cannot_run "gdb is not installed (run tools/setup)"
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start
[ "$(nproc)" -ge 2 ] || cannot_run "needs 2 host CPUs to move a pin"
export XDG_STATE_HOME=$VT_TMP/state

vt_small_vm vt-fault
V() { virsh -q -c "$URI" "$@"; }
uuid=$(V domuuid vt-fault)
qpid=$(vt_qemu_pid "$uuid")
printf 'vm vt-fault vcpu 0 pin 1 live\nvm vt-fault iothread 1 pin 1 live\n' > "$VT_TMP/plan"

vcpu_pin() { V vcpupin vt-fault 0 --live | awk '$1 == "0" { print $2 }'; }
io_pin() { V iothreadinfo vt-fault --live | awk '$1 == "1" { print $2 }'; }

# The order the test relies on: the vCPU pin first, then the IOThread pin.
"$VT" -c "$URI" --apply "$VT_TMP/plan" --dry-run > "$VT_TMP/dry" 2>&1
awk '/PinVcpu/ { v = NR } /PinIOThread/ { i = NR } END { exit !(v && i && v < i) }' "$VT_TMP/dry" ||
    { fail "the plan's steps are not vcpu pin then iothread pin:"; cat "$VT_TMP/dry"; exit 1; }

# run_stopped ACTION: virt-tune --apply under gdb, held at the second call
# while ACTION runs in this shell; output in $VT_TMP/out, status in $rc.
run_stopped() {
    rm -f "$VT_TMP/hit" "$VT_TMP/go"
    cat > "$VT_TMP/gdb" <<GDB
set pagination off
set confirm off
set breakpoint pending on
handle SIGPIPE nostop noprint pass
break virDomainPinIOThread
commands
  silent
  shell touch $VT_TMP/hit; i=0; while [ ! -f $VT_TMP/go ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
  continue
end
run
quit \$_exitcode
GDB
    # LeakSanitizer cannot run under ptrace (the sanitized build's run)
    ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
    gdb -q -batch -x "$VT_TMP/gdb" --args "$VT" -c "$URI" --apply "$VT_TMP/plan" --yes \
        > "$VT_TMP/out" 2>&1 &
    gpid=$!
    i=0; while [ ! -f "$VT_TMP/hit" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    if [ ! -f "$VT_TMP/hit" ]; then
        fail "virt-tune never reached virDomainPinIOThread:"; cat "$VT_TMP/out"; kill $gpid; return 1
    fi
    [ "$(vcpu_pin)" = 1 ] || fail "at the stop the first step (vcpu 0 pin 1) is not live: $(vcpu_pin)"
    "$@"
    t0=$(date +%s)
    touch "$VT_TMP/go"
    wait $gpid
    rc=$(sed -n 's/^\[Inferior 1 (process [0-9]*) exited with code 0*\([0-9]*\)\]$/\1/p' "$VT_TMP/out")
    grep -q 'exited normally' "$VT_TMP/out" && rc=0
    took=$(( $(date +%s) - t0 ))
}

# 1. Killed and started again while the second call is about to go out.
restart_daemon() {
    vt_libvirtd_stop
    VT_LIBVIRTD_KEEP_ETC=1 vt_libvirtd_start
    V domstate vt-fault | grep -q running || fail "the VM did not survive the daemon restart"
}
run_stopped restart_daemon
[ "$rc" = 1 ] && ok "restart mid-apply: --apply exits 1" || { fail "restart: exit '$rc'"; cat "$VT_TMP/out"; }
grep -q 'connection to .* was lost during virDomainPinIOThread' "$VT_TMP/out" &&
    ok "restart mid-apply: the failure names the lost connection and the call" || fail "restart: no lost-connection message"
grep -qE '^ +undone +vm vt-fault: virDomainPinVcpuFlags' "$VT_TMP/out" &&
    ok "restart mid-apply: reconnected and undid the first step" || { fail "restart: first step not undone:"; cat "$VT_TMP/out"; }
[ "$(vcpu_pin)" = 0 ] && ok "virsh: vcpu 0 is back on CPU 0" || fail "virsh: vcpu 0 pin is $(vcpu_pin), not 0"
[ "$(io_pin)" = 0 ] && ok "virsh: the IOThread pin never changed" || fail "virsh: iothread pin $(io_pin)"

# 2. Hung (SIGSTOP) while the second call goes out.
hang_daemon() { kill -STOP "$(cat "$VT_PID_FILE")"; }
run_stopped hang_daemon
kill -CONT "$(cat "$VT_PID_FILE")"
[ "$rc" = 1 ] && ok "hung daemon: --apply gives up and exits 1 after $took s" || { fail "hang: exit '$rc'"; cat "$VT_TMP/out"; }
[ "$took" -le 40 ] || fail "hung daemon: took $took s (keepalive $((3 * 4)) s + reconnect 5 s expected)"
grep -q 'may or may not have taken effect' "$VT_TMP/out" &&
    ok "hung daemon: the hung step is reported as unknown" || { fail "hang: no 'unknown' for the hung step:"; cat "$VT_TMP/out"; }
grep -qiE '^ +undo failed +vm vt-fault: virDomainPinVcpuFlags.*still in effect' "$VT_TMP/out" &&
    ok "hung daemon: the first step is reported as still in effect" || { fail "hang: first step report:"; cat "$VT_TMP/out"; }
i=0; until V domstate vt-fault >/dev/null 2>&1 || [ $i -gt 50 ]; do sleep 0.2; i=$((i + 1)); done
[ "$(vcpu_pin)" = 1 ] && ok "virsh: vcpu 0 is on CPU 1, as reported" || fail "virsh: vcpu 0 pin $(vcpu_pin), reported in effect"
grep -c '"state": *"undo failed"\|"undo failed"' "$XDG_STATE_HOME/virt-tune/apply.log" >/dev/null &&
    ok "the apply log records the undo that failed" || fail "apply log: $(tail -3 "$XDG_STATE_HOME/virt-tune/apply.log")"

# 3. Hung before virt-tune starts: the open itself is not answered. The
#    report, the checks and the console give up with a clear message
#    instead of waiting for ever (an ssh transport would not be timed).
kill -STOP "$(cat "$VT_PID_FILE")"
for mode in "--report 1" "--check 3"; do
    arg=${mode% *}; want=${mode#* }
    t0=$(date +%s)
    timeout 60 "$VT" -c "$URI" $arg </dev/null >"$VT_TMP/out" 2>&1
    rc=$?; took=$(( $(date +%s) - t0 ))
    if [ "$rc" = "$want" ] && [ "$took" -le 25 ] && grep -q 'did not answer in 15 s' "$VT_TMP/out"; then
        ok "hung daemon at start: $arg gives up after $took s with status $rc, saying why"
    else
        fail "hung daemon at start: $arg: status $rc after $took s: $(head -c 300 "$VT_TMP/out")"
    fi
done
# the console, in a terminal: its first frame says what it waits for; it
# then gives up like the batch modes, the terminal restored
if command -v tmux >/dev/null 2>&1; then
    TM="tmux -L vt-it-faults-$$ -f /dev/null"
    rm -f "$VT_TMP/rc"
    t0=$(date +%s)
    $TM new-session -d -s f -x 100 -y 30 "env TERM=screen LANG=C.UTF-8 $VT -c '$URI' 2>'$VT_TMP/out'; echo \$? > '$VT_TMP/rc'; sleep 30"
    i=0; while ! $TM capture-pane -p -t f 2>/dev/null | grep -q "connecting to $URI" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    $TM capture-pane -p -t f | grep -q '^ virt-tune .* connecting' && $TM capture-pane -p -t f | grep -q "connecting to $URI" &&
        ok "hung daemon at start: the console's first frame says it is connecting" ||
        fail "hung daemon at start: the console's first frame: $($TM capture-pane -p -t f | grep -v '^$' | head -3)"
    i=0; while [ ! -s "$VT_TMP/rc" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    rc=$(cat "$VT_TMP/rc" 2>/dev/null); took=$(( $(date +%s) - t0 ))
    $TM kill-server 2>/dev/null
    if [ "$rc" = 1 ] && [ "$took" -le 25 ] && grep -q 'did not answer in 15 s' "$VT_TMP/out"; then
        ok "hung daemon at start: the console gives up after $took s with status 1, saying why"
    else
        fail "hung daemon at start: the console: status ${rc:-none} after $took s: $(head -c 300 "$VT_TMP/out")"
    fi
else
    say "hung daemon at start, the console: not run (no tmux)"
    VT_FAILED=1
fi
kill -CONT "$(cat "$VT_PID_FILE")"
"$VT" -c "$URI" --report >/dev/null 2>&1 && ok "the daemon answers again: --report works" ||
    fail "--report after SIGCONT"

V destroy vt-fault >/dev/null 2>&1
[ $VT_FAILED = 0 ] && say "integration faults: all checks passed" || say "integration faults: FAILED"
exit $VT_FAILED
