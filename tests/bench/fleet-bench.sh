#!/bin/sh
# The fleet console's steady-state cost (issue 18): HOSTS private libvirtd
# daemons (default 20), each serving a test-driver host of VMS VMs (default
# 50, tests/bench/gen-host.sh), all in one console (--hosts) refreshing
# every 2 s, in tmux. From one run it prints:
#  - the console's CPU (utime + stime of the whole process, refresh threads
#    included, from /proc/PID/stat) over SECS seconds of steady state, as a
#    share of one CPU; target <= 5 %;
#  - each round's span, from the first host's refresh start to the last
#    host's merge (VT_TRACE_REFRESH: the advisor and the views' work
#    included); target: every round <= 1 s;
#  - against what an admin would otherwise run for the same picture each
#    round, `virsh -c URI domstats` once per host: its wall time and CPU.
# Needs root (private daemons in mount namespaces) and tmux.
set -eu
VT=$(cd "$(dirname "${1:-./virt-tune}")" && pwd)/$(basename "${1:-./virt-tune}")
HOSTS=${HOSTS:-20}
VMS=${VMS:-50}
SECS=${SECS:-30}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
[ "$(id -u)" = 0 ] || { echo "fleet-bench: needs root (private libvirtd daemons)"; exit 77; }
command -v tmux >/dev/null || { echo "fleet-bench: needs tmux"; exit 77; }
ROOT=$(mktemp -d /tmp/vt-fleet-bench.XXXXXX)
chmod 0755 "$ROOT"
PIDS=""
TM="tmux -L vt-fleet-bench-$$ -f /dev/null"
done_() {
    $TM kill-server 2>/dev/null || true
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    rm -rf "$ROOT"
}
trap done_ EXIT
trap 'exit 1' INT TERM HUP

"$here/gen-host.sh" "$VMS" > "$ROOT/host.xml"
: > "$ROOT/hosts"
k=1   # not i: lib.sh's functions count with i
while [ $k -le "$HOSTS" ]; do
    VT_TMP=$ROOT/d$k
    mkdir -p "$VT_TMP"
    cp "$ROOT/host.xml" "$VT_TMP/host.xml"
    vt_libvirtd_start
    PIDS="$PIDS $(cat "$VT_D/pid")"
    echo "h$k test+unix://$VT_TMP/host.xml?socket=$VT_D/sock/libvirt-sock" >> "$ROOT/hosts"
    k=$((k + 1))
done
URI=""
mkdir -p "$ROOT/proc" "$ROOT/home"

# the console: an empty procfs, so what is measured is libvirt, the
# snapshot, the advisor and the screen (as for report-bench.sh)
$TM new-session -d -s vt -x 160 -y 50 "env HOME=$ROOT/home XDG_CONFIG_HOME=$ROOT/home XDG_STATE_HOME=$ROOT/home \
    TERM=screen LANG=C.UTF-8 VT_TRACE_REFRESH=$ROOT/trace $VT --hosts $ROOT/hosts --procfs-root $ROOT/proc -d 2"
$TM set-option -g status off >/dev/null
t=0
until [ -f "$ROOT/trace" ] && [ "$(awk '{ print $1 }' "$ROOT/trace" | sort -u | wc -l)" -ge "$HOSTS" ]; do
    t=$((t + 1)); [ $t -gt 600 ] && { echo "fleet-bench: not every host refreshed in 60 s"; $TM capture-pane -p -t vt | head -30; exit 1; }
    sleep 0.1
done
pid=$(pgrep -f "^$VT --hosts $ROOT/hosts" | head -1)
[ -n "$pid" ] || { echo "fleet-bench: no console process"; exit 1; }
sleep 4   # past the first rounds
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
c0=$(ticks "$pid"); s0=$(date +%s%N); l0=$(wc -l < "$ROOT/trace")
sleep "$SECS"
c1=$(ticks "$pid"); s1=$(date +%s%N)
$TM capture-pane -p -t vt > "$ROOT/screen"
connected=$(grep -cE '^ [ >] h[0-9]+ +connected ' "$ROOT/screen" || true)
# the rounds inside the window: lines after l0, grouped by their start
# on the 2 s grid (a round's hosts all start in the same loop pass)
tail -n +"$((l0 + 1))" "$ROOT/trace" | sort -k2,2n > "$ROOT/window"

# what a user would run instead, each round: virsh domstats per host
v0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
w0=$(date +%s%N)
while read -r name uri; do virsh -c "$uri" domstats > /dev/null; done < "$ROOT/hosts"
w1=$(date +%s%N)
v1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)

awk -v c0="$c0" -v c1="$c1" -v s0="$s0" -v s1="$s1" -v hz="$hz" -v hosts="$HOSTS" -v vms="$VMS" \
    -v connected="$connected" -v w="$((w1 - w0))" -v vc="$((v1 - v0))" '
    { start = $2; end = $3
      # a new round when a start is more than 1 s after the round began
      if (nr == 0 || start - rs[nr] > 1000) { nr++; rs[nr] = start; re[nr] = end; cnt[nr] = 0 }
      if (end > re[nr]) re[nr] = end
      cnt[nr]++ }
    END {
        secs = (s1 - s0) / 1e9
        cpu = (c1 - c0) / hz / secs * 100
        full = 0; worst = 0; sum = 0
        for (i = 1; i <= nr; i++) if (cnt[i] == hosts) { span = re[i] - rs[i]; full++; sum += span; if (span > worst) worst = span }
        printf "fleet-bench: %d hosts x %d VMs (test driver, one private libvirtd each), refresh every 2 s\n", hosts, vms
        printf "  connected in the fleet view at the end: %d of %d\n", connected, hosts
        printf "  console CPU over %.1f s: %.2f %% of one CPU (target <= 5 %%): %s\n", secs, cpu, cpu <= 5 ? "met" : "NOT met"
        if (full) {
            printf "  rounds with all %d hosts: %d; span of a round: mean %.0f ms, worst %.0f ms (target <= 1000 ms): %s\n",
                   hosts, full, sum / full, worst, worst <= 1000 ? "met" : "NOT met"
            printf "  virsh domstats once per host (what the same picture costs by hand): %.0f ms wall, %.2f s CPU\n", w / 1e6, vc / hz
            printf "  ratio of a round, virt-tune / virsh loop: wall %.2f, CPU %.2f\n", (sum / full) / (w / 1e6),
                   ((c1 - c0) / hz / full) / (vc / hz > 0 ? vc / hz : 1 / hz)
        } else {
            printf "  no round had all %d hosts in the window\n", hosts
        }
        exit !(cpu <= 5 && full && worst <= 1000 && connected == hosts)
    }' "$ROOT/window"
