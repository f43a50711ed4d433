#!/bin/sh
# Integration: the console on a real QEMU VM under a private libvirtd, in a
# real terminal (tmux). The VM shows with its IOThread pins. When libvirtd
# dies or hangs the console stays up, says so, keeps the staged edits and
# reconnects with back-off; q still quits to a working prompt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
command -v tmux >/dev/null 2>&1 || cannot_run "tmux is not installed (run tools/setup)"

vt_need_root
SOCK=vt-it-console-$$
TM="tmux -L $SOCK -f /dev/null"
trap '$TM kill-server 2>/dev/null; vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start

vt_small_vm vt-it-console

capture() { $TM capture-pane -p -t it; }
wait_for() { i=0; while ! capture | grep -q -- "$1"; do i=$((i + 1)); [ $i -gt "${2:-100}" ] && return 1; sleep 0.1; done; }

$TM new-session -d -s it -x 100 -y 30 "env TERM=screen LANG=C.UTF-8 PS1='$ ' sh -i"
$TM set-option -g status off >/dev/null
sleep 0.3
$TM send-keys -t it "$VT -c '$URI' -d 0.5" Enter
wait_for 'vt-it-console' && ok "the console lists the VM" || { fail "VM not listed"; capture; exit 1; }
capture | grep -q '^>.*vt-it-console *running' && ok "state running" || fail "state: $(capture | grep vt-it-console)"
$TM send-keys -t it Enter
wait_for 'VM vt-it-console' && ok "detail opens" || fail "detail did not open"
capture | grep -qE '^ 1 +0 +0 ' && ok "IOThread 1 live and config pin 0 shown" ||
    { fail "IOThread row:"; capture | sed -n 3,6p; }

uuid=$(virsh -q -c "$URI" domuuid vt-it-console)
qpid=$(vt_qemu_pid "$uuid")
$TM send-keys -t it q
sleep 0.5
$TM send-keys -t it clear Enter

# The daemon restarted under a console with a staged edit: the edit stays,
# apply is refused while disconnected, the console reconnects by itself
# (back-off) and the edit then applies against the re-read state.
printf 'vm vt-it-console iothread 1 pin 1 config\n' > "$VT_TMP/plan"
$TM send-keys -t it "$VT -c '$URI' -d 0.5 --apply-log '$VT_TMP/apply.log' --plan '$VT_TMP/plan'" Enter
wait_for '1 edit staged from' || { fail "--plan: no staged edit"; capture | tail -4; }
kill "$(cat "$VT_PID_FILE")"
if wait_for 'disconnected: ' 200; then
    ok "libvirtd killed: the status line says disconnected"
else
    fail "no disconnected status after libvirtd died"; capture | tail -3
fi
capture | grep -q 'staged edits are kept' && ok "the status line says the staged edits are kept" ||
    fail "status: $(capture | tail -2 | head -1)"
capture | grep -q 'iothread 1 pin 1' && ok "the console is still up, the staged edit still in review" ||
    { fail "console or edit gone"; capture; }
$TM send-keys -t it a
wait_for 'nothing applied' 30 && ok "apply while disconnected: refused, nothing applied" ||
    { fail "apply while disconnected"; capture | tail -3; }
# twice the retries fail while the daemon is away: the wait grows
sleep 4
capture | grep -qE 'retrying in ([2-9]|[1-3][0-9])s' && ok "back-off: the retry interval grows" ||
    fail "back-off: $(capture | tail -2 | head -1)"
VT_LIBVIRTD_KEEP_ETC=1 vt_libvirtd_start
$TM send-keys -t it C-l    # refresh: retry now instead of waiting out the back-off
if wait_for 'reconnected to ' 300; then
    ok "libvirtd back: the console reconnected"
else
    fail "no reconnect after libvirtd came back"; capture | tail -3
fi
capture | grep -q 'disconnected' && fail "still marked disconnected after the reconnect"
capture | grep -q 'iothread 1 pin 1' && ok "the staged edit survived the reconnect" || fail "staged edit lost"
$TM send-keys -t it a
wait_for 'Apply 1 staged edit' 50 || { fail "no apply dialog after the reconnect"; capture | tail -12; }
$TM send-keys -t it A
wait_for 'applied 1 step' 100 && ok "after the reconnect the edit applies" || { fail "apply after reconnect"; capture | tail -3; }
virsh -q -c "$URI" dumpxml --inactive vt-it-console | grep -q "<iothreadpin iothread='1' cpuset='1'/>" &&
    ok "virsh shows the applied config pin" || fail "config pin not in the inactive XML"

# A daemon that stops answering (SIGSTOP): the keepalive ends the wait,
# the console says disconnected, and comes back after SIGCONT.
dpid=$(cat "$VT_PID_FILE")
# a second console, to be quit while the daemon hangs
# (a wide terminal of its own: the status line's right part shows the state)
TM2="tmux -L $SOCK-2 -f /dev/null"
trap '$TM kill-server 2>/dev/null; $TM2 kill-server 2>/dev/null; vt_cleanup' EXIT
$TM2 new-session -d -s q2 -x 250 -y 30 "env TERM=screen LANG=C.UTF-8 PS1='$ ' sh -i"
$TM2 set-option -g status off >/dev/null
capture2() { $TM2 capture-pane -p -t q2; }
sleep 0.3
$TM2 send-keys -t q2 "$VT -c '$URI' -d 0.5" Enter
i=0; while ! capture2 | grep -q 'vt-it-console' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
q2pid=$(pgrep -n -x virt-tune)
kill -STOP "$dpid"
t0=$(date +%s)
# A console started while the daemon does not answer: its first frame (the
# title, "connecting to URI") is drawn before the open returns, within
# 0.5 s, not after the 15 s the open is given.
TM3="tmux -L $SOCK-3 -f /dev/null"
$TM3 new-session -d -s c3 -x 100 -y 30 "env TERM=screen LANG=C.UTF-8 PS1='$ ' sh -i"
$TM3 set-option -g status off >/dev/null
sleep 0.3
s3=$(date +%s%N)
$TM3 send-keys -t c3 "$VT -c '$URI' -d 0.5" Enter
i=0; while ! $TM3 capture-pane -p -t c3 | grep -q "connecting to $URI" && [ $i -lt 40 ]; do sleep 0.025; i=$((i + 1)); done
ms3=$(( ($(date +%s%N) - s3) / 1000000 ))
if $TM3 capture-pane -p -t c3 | grep -q '^ virt-tune ' && $TM3 capture-pane -p -t c3 | grep -q "connecting to $URI" &&
    [ "$ms3" -le 500 ]; then
    ok "a console started on a hung libvirtd shows its title and 'connecting' within $ms3 ms"
else
    fail "first frame on a hung libvirtd after $ms3 ms:"; $TM3 capture-pane -p -t c3 | grep -v '^$' | head -3
fi
$TM3 kill-server 2>/dev/null
# The refresh waits in a thread of its own: the keys still work, and the
# status line says what it is waiting for.
if wait_for 'no answer for ' 100; then
    ok "a hung libvirtd: the status line says the console is waiting for it"
else
    fail "a hung libvirtd: no 'no answer' status within 10 s"; capture | tail -3
fi
$TM send-keys -t it '?'
if wait_for 'Keys (from the action table' 10; then
    ok "while libvirtd hangs a key is answered within 1 s (help opened)"
else
    fail "while libvirtd hangs the console does not answer keys"; capture | tail -3
fi
$TM send-keys -t it Escape
# q while the daemon hangs: the console ends at once with status 0; the
# refresh that waits for the daemon is not waited for
i=0; while ! capture2 | grep -q 'no answer for ' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
capture2 | grep -q 'NO ANSWER  qemu' && ok "while libvirtd hangs the status line's state says NO ANSWER" ||
    fail "state while libvirtd hangs: $(capture2 | grep -v '^$' | tail -2 | head -1)"
t1=$(date +%s%N)
$TM2 send-keys -t q2 q
i=0; while kill -0 "$q2pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ms=$(( ($(date +%s%N) - t1) / 1000000 ))
$TM2 send-keys -t q2 "echo EXIT=\$?" Enter
sleep 0.3
if [ -n "$q2pid" ] && ! kill -0 "$q2pid" 2>/dev/null && capture2 | grep -q 'EXIT=0' && [ "$ms" -lt 2000 ]; then
    ok "q while libvirtd hangs: the console quits in $ms ms with status 0"
else
    fail "q while libvirtd hangs: ${ms} ms; $(capture2 | grep -v '^$' | tail -2)"
fi
$TM2 kill-server 2>/dev/null
if wait_for 'disconnected: ' 400; then
    ok "a hung libvirtd is seen as disconnected after $(( $(date +%s) - t0 )) s"
else
    fail "a hung libvirtd: no disconnected status within 40 s"; capture | tail -3
fi
kill -CONT "$dpid"
$TM send-keys -t it C-l
wait_for 'reconnected to ' 300 && ok "the daemon answers again: reconnected" ||
    { fail "no reconnect after SIGCONT"; capture | tail -3; }

# Someone else renames, then undefines, the VM whose detail is shown: the
# view follows it by UUID, then says it is gone.
sed -e 's/vt-it-console/vt-it-off/' "$VT_TMP/vt-it-console.xml" > "$VT_TMP/off.xml"
virsh -q -c "$URI" define "$VT_TMP/off.xml" >/dev/null || fail "define vt-it-off"
$TM send-keys -t it Escape
$TM send-keys -t it C-l
wait_for 'vt-it-off' 50 || fail "the new VM is not listed"
$TM send-keys -t it / v t - i t - o f f Enter Enter
wait_for 'VM vt-it-off' 50 || { fail "detail of vt-it-off did not open"; capture | head -3; }
virsh -q -c "$URI" domrename vt-it-off vt-it-renamed >/dev/null || fail "virsh domrename"
wait_for 'VM vt-it-renamed' 50 && ok "renamed elsewhere: the detail follows the VM to its new name" ||
    { fail "detail after the rename"; capture | head -3; }
virsh -q -c "$URI" undefine vt-it-renamed >/dev/null || fail "virsh undefine"
wait_for 'no longer defined' 50 && ok "undefined elsewhere: the detail says the VM is gone" ||
    { fail "detail after the undefine"; capture | head -4; }
$TM send-keys -t it Escape / Escape

# The console ends with an edit staged (SIGHUP: the SSH session dropped),
# someone redefines the VM in place while it is gone, and the next console
# restores the edit: the review flags the redefine from the recovery file's
# fingerprint and refuses to apply.
$TM send-keys -t it q
sleep 0.5
printf 'vm vt-it-console iothread 1 pin 0 config\n' > "$VT_TMP/plan2"
mkdir -p "$VT_TMP/state"
$TM send-keys -t it "clear; XDG_STATE_HOME='$VT_TMP/state' $VT -c '$URI' -d 0.5 --apply-log '$VT_TMP/rec.log' --plan '$VT_TMP/plan2'" Enter
wait_for '1 edit staged from' || { fail "--plan: no staged edit"; capture | tail -4; }
sleep 0.5
pkill -HUP -f "$VT_TMP/rec.log"
sleep 1
grep -qs '^# base: .* vt-it-console fnv64:' "$VT_TMP"/state/virt-tune/staged-*.plan &&
    ok "SIGHUP: the recovery file keeps the VM's name and fingerprint" ||
    fail "recovery file: $(cat "$VT_TMP"/state/virt-tune/staged-*.plan 2>&1)"
virsh -q -c "$URI" desc --config vt-it-console "changed while the console was gone" >/dev/null ||
    fail "virsh desc --config"
$TM send-keys -t it "clear; XDG_STATE_HOME='$VT_TMP/state' $VT -c '$URI' -d 0.5 --apply-log '$VT_TMP/rec.log'" Enter
wait_for 'ended with 1 staged' 50 || { fail "no offer of the recovered edit"; capture | tail -8; }
$TM send-keys -t it Enter
# the flag comes with the review's first look at the definitions, after the
# new console's first refresh: seconds under the sanitizers (tests/sanitize.sh)
if wait_for 'definition changed since the edits were staged' 200; then
    ok "redefined while the console was gone: the restored edit is flagged in the review"
else
    fail "restored edit not flagged after an in-place redefine"; capture | tail -8
fi
$TM send-keys -t it a
wait_for 'cannot apply' 30 && ok "the flagged edit is not applied" || { fail "apply of a flagged edit"; capture | tail -3; }
virsh -q -c "$URI" dumpxml --inactive vt-it-console | grep -q "<iothreadpin iothread='1' cpuset='0'/>" &&
    fail "the flagged edit reached the definition"
$TM send-keys -t it d    # drop it: nothing staged is left for the quit below
sleep 0.5

kill "$(cat "$VT_PID_FILE")"
wait_for 'disconnected: ' 200 || fail "no disconnected status after the last kill"
$TM send-keys -t it q
sleep 0.5
$TM send-keys -t it "echo EXIT=\$?" Enter
wait_for 'EXIT=0' 30 && ok "q quits with status 0 after the disconnect" || { fail "exit after disconnect"; capture | tail -4; }
URI=""   # the daemon is gone; its VM's QEMU is ended by hand
[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
[ $VT_FAILED = 0 ] && say "integration console: all checks passed" || say "integration console: FAILED"
exit $VT_FAILED
