#!/bin/sh
# Integration (issue 18): the console over several hosts. Four private
# libvirtd daemons, each in its own mount namespace, each serving a
# test-driver host over its own socket (test+unix:///FILE?socket=SOCK);
# the fourth is stopped with SIGSTOP before the console starts.
#
# In tmux at 120x40: the fleet view shows the three that answer as
# connected within 2 s, with the VM counts virsh gives for each, and the
# fourth as "no answer for Ns"; keys are answered within 0.5 s all along;
# Enter opens a host's console (its VM list, equal to virsh's), Esc comes
# back to the fleet, and one Esc more stays there; after SIGCONT the fourth
# turns connected by itself. Then a daemon stopped while connected shows
# "no answer", and comes back after SIGCONT.
#
# Staged edits per host: an edit staged on h1, h2 and h3 shows in the
# fleet's "Staged edits, by host"; h2's daemon is killed while the apply
# question is open: the apply goes host by host, h1's edit is applied (its
# daemon's API log has the call, the oracle: a test-driver daemon gives
# every connection a fresh copy of the host file, so virsh cannot see it),
# h2 fails, h3 is not tried (no call in its log) and keeps its edit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
SRC=$(cd "${top_srcdir:-$here/../..}" && pwd)

vt_need_root
command -v tmux >/dev/null 2>&1 || cannot_run "tmux is not installed (run tools/setup)"
ROOT=$(mktemp -d /tmp/vt-fleet.XXXXXX)
chmod 0755 "$ROOT"
VT_TEST_HOSTS=$ROOT
PIDS=""
TM="tmux -L vt-fleet-$$ -f /dev/null"
fleet_cleanup() {
    $TM kill-server 2>/dev/null
    for p in $PIDS; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    rm -rf "$ROOT"
}
trap 'fleet_cleanup' EXIT
trap 'exit 1' INT TERM HUP

vt_test_host 1 "$SRC/tests/data/node.xml"
vt_test_host 2 "$SRC/tests/data/node.xml"
vt_test_host 3 "$SRC/data/demo/host.xml"
vt_test_host 4 "$SRC/tests/data/node.xml"
URI=""   # vt_cleanup's VM teardown is not wanted: these are test-driver hosts
printf 'h1 %s\nh2 %s\nh3 %s\nh4 %s\n' "$H1_URI" "$H2_URI" "$H3_URI" "$H4_URI" > "$ROOT/hosts"
say "four private libvirtd daemons: $H1_PID $H2_PID $H3_PID $H4_PID"

# the oracle's counts: running/all from virsh, per host
counts() {   # uri
    echo "$(virsh -q -c "$1" list --name | grep -c .)/$(virsh -q -c "$1" list --all --name | grep -c .)"
}
C1=$(counts "$H1_URI"); C2=$(counts "$H2_URI"); C3=$(counts "$H3_URI"); C4=$(counts "$H4_URI")
say "virsh: h1 $C1, h2 $C2, h3 $C3, h4 $C4 VMs running/all"

kill -STOP "$H4_PID"

capture() { $TM capture-pane -p -t vt; }
row() { capture | grep -E "^ [ >] $1 "; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait until the screen matches, up to $2 ms; prints the ms it took, or fails
wait_ms() {   # regex max-ms
    t0=$(now_ms)
    while :; do
        capture | grep -qE -- "$1" && { echo $(( $(now_ms) - t0 )); return 0; }
        [ $(( $(now_ms) - t0 )) -gt "$2" ] && { echo $(( $(now_ms) - t0 )); return 1; }
        sleep 0.02
    done
}
# a key and the time until the screen shows its effect
key_ms() {   # key regex what
    t0=$(now_ms)
    $TM send-keys -t vt "$1"
    while ! capture | grep -qE -- "$2"; do
        if [ $(( $(now_ms) - t0 )) -gt 3000 ]; then fail "$3: no answer to $1 in 3 s"; capture | head -8; return 1; fi
        sleep 0.02
    done
    ms=$(( $(now_ms) - t0 ))
    if [ "$ms" -le 500 ]; then ok "$3: answered in $ms ms"; else fail "$3: answered in $ms ms (> 500)"; fi
}

mkdir -p "$ROOT/home" "$ROOT/cfg" "$ROOT/state" "$ROOT/t"
T0=$(now_ms)
$TM new-session -d -s vt -x 120 -y 40 "env -i PATH=/usr/bin:/bin HOME=$ROOT/home TERM=screen \
    LANG=C.UTF-8 XDG_CONFIG_HOME=$ROOT/cfg XDG_STATE_HOME=$ROOT/state TMPDIR=$ROOT/t \
    $VT --hosts $ROOT/hosts --apply-log $ROOT/apply.log; echo vt-exit=\$?; sleep 600"
$TM set-option -g status off >/dev/null

# ---- the first screen: three connected within 2 s, the fourth not answering
t=0
while :; do
    n=$(capture | grep -cE '^ [ >] h[123] +connected ')
    [ "$n" = 3 ] && break
    t=$(( $(now_ms) - T0 ))
    [ "$t" -gt 5000 ] && break
    sleep 0.02
done
t=$(( $(now_ms) - T0 ))
if [ "$n" = 3 ] && [ "$t" -le 2000 ]; then ok "fleet: h1, h2, h3 connected ${t} ms after the start"
else fail "fleet: $n of three connected after $t ms"; capture | head -8; fi
for i in 1 2 3; do
    eval "want=\$C$i"
    row "h$i" | grep -qE "connected +$want " && ok "fleet: h$i shows $want VMs, as virsh" ||
        fail "fleet: h$i row: $(row "h$i") (virsh: $want)"
done
row h4 | grep -qE 'h4 +(connecting|no answer for [0-9]+s)' || fail "fleet: h4 row: $(row h4)"
ms=$(wait_ms '^ [ >] h4 +no answer for [0-9]+s' 4000) && ok "fleet: h4 says no answer (after $ms ms more)" ||
    { fail "fleet: h4 never says no answer: $(row h4)"; }
capture | grep -q 'fleet: 4 hosts' || fail "fleet: title $(capture | head -1)"

# ---- keys while h4 is stopped
key_ms Down '^ > h2 ' "fleet: Down with a host stopped"
key_ms Down '^ > h3 ' "fleet: Down again"
key_ms Down '^ > h4 ' "fleet: Down to the stopped host"
key_ms Enter 'virt-tune +h4 ' "fleet: Enter on the stopped host"
capture | grep -q 'h4: no answer for' || fail "host h4: does not say why it is not open: $(capture | sed -n 3p)"
key_ms Escape 'fleet: 4 hosts' "fleet: Esc from the stopped host"
key_ms Up '^ > h3 ' "fleet: Up"
key_ms Up '^ > h2 ' "fleet: Up"

# ---- Enter opens h2's console, its VM list equal to virsh's
key_ms Enter 'virt-tune +h2 ' "fleet: Enter on h2"
sleep 0.3
want=$(virsh -q -c "$H2_URI" list --all --name | grep . | sort | tr '\n' ' ')
got=$(capture | sed -n '3,30p' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(running|shut|paused|crashed)/) { print $(i - 1); break } }' | sort | tr '\n' ' ')
[ "$got" = "$want" ] && ok "host h2: its VM list is virsh's ($want)" || fail "host h2: list '$got', virsh '$want'"
key_ms Escape 'fleet: 4 hosts' "host h2: Esc to the fleet"
key_ms Escape 'fleet: 4 hosts' "fleet: one Esc more stays"
capture | grep -q '^ > h2 ' || fail "fleet: the cursor left h2 after Esc"

# ---- h4 comes back by itself
kill -CONT "$H4_PID"
ms=$(wait_ms "^ [ >] h4 +connected +$C4 " 10000) && ok "fleet: h4 connected ${ms} ms after SIGCONT, $C4 VMs" ||
    fail "fleet: h4 after SIGCONT: $(row h4)"

# ---- a host stopped while connected
kill -STOP "$H1_PID"
ms=$(wait_ms '^ [ >] h1 +no answer for [0-9]+s' 8000) && ok "fleet: h1 stopped: no answer after $ms ms" ||
    fail "fleet: h1 stopped: $(row h1)"
key_ms Down '^ > h3 ' "fleet: Down with h1 stopped"
key_ms Up '^ > h2 ' "fleet: Up with h1 stopped"
kill -CONT "$H1_PID"
ms=$(wait_ms "^ [ >] h1 +connected +$C1 " 15000) && ok "fleet: h1 connected again ${ms} ms after SIGCONT" ||
    fail "fleet: h1 after SIGCONT: $(row h1)"

# ---- staged edits on three hosts, applied host by host
# alpha (first by name on node.xml) has two IOThreads; on the demo host
# the first VM by name is used, with the same form
stage_on() {   # host-row-regex host line
    $TM send-keys -t vt Enter; wait_ms "virt-tune +$2 " 3000 >/dev/null
    sleep 0.3
    $TM send-keys -t vt Enter; sleep 0.3
    $TM send-keys -t vt e; sleep 0.3
    $TM send-keys -t vt Down; sleep 0.2
    $TM send-keys -t vt Enter C-u; sleep 0.2
    $TM send-keys -t vt -l "$3"; sleep 0.2
    $TM send-keys -t vt Enter; sleep 0.3
    $TM send-keys -t vt Enter; sleep 0.3
    capture | grep -q '\[1 staged\]' && ok "host $2: edit staged ($3)" ||
        { fail "host $2: not staged: $(capture | head -1)"; capture | tail -12; }
    $TM send-keys -t vt F; wait_ms 'fleet: 4 hosts' 3000 >/dev/null
}
$TM send-keys -t vt Up; sleep 0.2   # h1
stage_on '^ > h1' h1 "iothread 1 pin 1 config"
$TM send-keys -t vt Down; sleep 0.2
stage_on '^ > h2' h2 "iothread 1 pin 1 config"
$TM send-keys -t vt Down; sleep 0.2
VM3=$(virsh -q -c "$H3_URI" list --all --name | grep . | sort | head -1)
stage_on '^ > h3' h3 "iothread 1 pin 1 config"
capture | grep -q 'fleet: 4 hosts, 3 staged edits' && ok "fleet: the title counts 3 staged edits" ||
    fail "fleet: title $(capture | head -1)"
for h in h1 h2 h3; do
    capture | grep -q "^ $h: 1 edit" || fail "fleet: no staged group for $h"
done
capture | grep -q '^     vm alpha iothread 1 pin 1 config' && ok "fleet: the staged edits are listed by host" ||
    { fail "fleet: staged edits"; capture | sed -n 10,30p; }
l1=$(grep -c 'virDomainDefineXMLFlags' "$H1_LOG"); l3=$(grep -c 'virDomainDefineXMLFlags' "$H3_LOG")
$TM send-keys -t vt a
wait_ms 'Apply 3 steps on 3 hosts|Apply [0-9]+ steps? on 3 hosts' 5000 >/dev/null ||
    { fail "fleet: no apply question"; capture | sed -n 10,30p; }
kill "$H2_PID"
sleep 0.5
$TM send-keys -t vt A
wait_ms 'Last apply, host by host' 20000 >/dev/null || { fail "fleet: no outcome"; capture; }
sleep 0.5
capture > "$ROOT/outcome.txt"
grep -q '^   h1: applied 1 edit, in effect' "$ROOT/outcome.txt" && ok "fleet apply: h1 applied" ||
    fail "fleet apply: h1: $(grep 'h1:' "$ROOT/outcome.txt")"
grep -q '^   h2: FAILED' "$ROOT/outcome.txt" && ok "fleet apply: h2 failed (its daemon was killed)" ||
    fail "fleet apply: h2: $(grep 'h2:' "$ROOT/outcome.txt")"
grep -q '^   h3: not applied (an earlier host failed); 1 staged edit kept' "$ROOT/outcome.txt" &&
    ok "fleet apply: h3 not tried, its edit kept" || fail "fleet apply: h3: $(grep 'h3:' "$ROOT/outcome.txt")"
n1=$(grep -c 'virDomainDefineXMLFlags' "$H1_LOG"); n3=$(grep -c 'virDomainDefineXMLFlags' "$H3_LOG")
[ "$n1" -gt "$l1" ] && ok "fleet apply: h1's daemon logged the define" || fail "fleet apply: no define in h1's log"
[ "$n3" = "$l3" ] && ok "fleet apply: h3's daemon had no define" || fail "fleet apply: h3's log has a define"
grep -q 'alpha' "$H1_LOG" || fail "fleet apply: h1's log does not name alpha"
capture | grep -q 'fleet: 4 hosts, 2 staged edits' && ok "fleet: h2's and h3's edits are still staged" ||
    fail "fleet: title after the apply $(capture | head -1)"

# ---- quitting asks, for the edits of two hosts
$TM send-keys -t vt q
wait_ms '2 staged edits on 2 hosts are not applied' 3000 >/dev/null && ok "quit: asks for the edits of 2 hosts" ||
    { fail "quit: no question"; capture | sed -n 12,24p; }
$TM send-keys -t vt Q
wait_ms 'vt-exit=0' 5000 >/dev/null && ok "quit: exit status 0" || { fail "quit"; capture | tail -5; }

exit $VT_FAILED
