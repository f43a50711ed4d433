#!/bin/sh
# Key-to-redraw time of the console with 1000 VMs: the real binary in tmux,
# on the list, the detail, the host, the help and the Top view,
# driven by keys; virt-tune itself logs (VT_TRACE_REDRAW) the time from
# reading each key to the end of the redraw it caused. Target (issue 14):
# median <= 2 ms and p95 <= 8 ms. For comparison, one `virsh list --all` on
# the same host is timed: what a user would otherwise run to look at the
# fleet.
#
#   redraw-bench.sh [NEW [OLD]]        (or OLD=/path/to/virt-tune in the env)
#
# With a baseline binary OLD, both run the same keys in the same run, in
# turns (new, old, new, old: ROUNDS rounds each, default 2) so that the
# noise of a shared machine falls on both; the script prints both figures
# and the ratios new/old. Only the new binary's figures decide the exit
# status; the old one's are information. A baseline is built from the
# project's own history, outside the tree, e.g. the commit before issue 14:
#
#   git worktree add /tmp/vt-old 8681640 && (cd /tmp/vt-old && tools/setup)
#   OLD=/tmp/vt-old/virt-tune tests/bench/redraw-bench.sh ./virt-tune
#
# KEEP_TRACE=FILE keeps the new binary's trace ("microseconds key-code" a
# line) in FILE, the old one's in FILE.old.
set -eu
abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
NEW=$(abspath "${1:-./virt-tune}")
OLD=${2:-${OLD:-}}
[ -n "$OLD" ] && OLD=$(abspath "$OLD")
for b in "$NEW" $OLD; do
    [ -x "$b" ] || { echo "redraw-bench: $b: not an executable" >&2; exit 2; }
done
N=${N:-1000}
ROUNDS=${ROUNDS:-2}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
SOCK=vt-bench-$$
T="tmux -L $SOCK -f /dev/null"
# under set -e a failing command in the trap would be the exit status: the
# server is usually gone already, with its last session
cleanup() {
    $T kill-server 2>/dev/null || :
    if [ -n "${KEEP_TRACE:-}" ]; then
        cp "$tmp/new.trace" "$KEEP_TRACE"
        if [ -n "$OLD" ]; then cp "$tmp/old.trace" "$KEEP_TRACE.old"; fi
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
"$here/gen-host.sh" "$N" > "$tmp/host.xml"
mkdir -p "$tmp/proc"
: > "$tmp/new.trace"
: > "$tmp/old.trace"
bad=0

send() { $T send-keys -t b "$@"; sleep 0.02; }
rep() { k=$1; shift; while [ "$k" -gt 0 ]; do send "$@"; k=$((k - 1)); done; }
# The list is on top with the VMs read: "N VMs" in the title bar (the first
# line). Not anywhere on the screen: the status line keeps "N VMs" over
# other views on the old console, and the new one draws a first frame before
# the VMs are read, with "reading N VMs from ..." in its status line.
listed() {
    $T capture-pane -p -t b | sed -n 1p | grep -Eq "[^0-9]$N VMs"
}

# run WHICH BINARY: one console, the whole key sequence, the trace appended
# to $tmp/WHICH.trace.
run() {
    rm -f "$tmp/trace"
    $T new-session -d -s b -x 160 -y 50 "env TERM=screen LANG=C.UTF-8 VT_TRACE_REDRAW=$tmp/trace \
        $2 -c test://$tmp/host.xml --procfs-root $tmp/proc -d 3600; sleep 5"
    i=0; until listed; do
        i=$((i + 1)); [ $i -gt 200 ] && { echo "redraw-bench: $1 console did not start"; exit 1; }; sleep 0.05
    done
    rep 40 j
    rep 10 NPage
    rep 10 PPage
    rep 9 s
    rep 2 S
    # Esc pops exactly one view on the new console's stack, and goes back
    # to the list on the old one: each of these ends on the list
    rep 10 Enter Tab Tab Escape j
    send H; send Escape; send '?'; send Escape
    # the Top view (new console only: T is the old one's nothing): moves,
    # sorts, a VM's threads and back; one row per running VM (750)
    if [ "$1" = new ]; then
        send T; rep 20 j; rep 6 s; send S; send Enter; send Escape; send Escape
    fi
    sleep 0.3
    if ! listed; then
        echo "redraw-bench: the $1 console is not back on the list after the keys:"
        $T capture-pane -p -t b | sed -n '1p;$p'
        [ "$1" = new ] && bad=1
    fi
    send q
    sleep 0.3
    $T kill-session -t b 2>/dev/null || :
    cat "$tmp/trace" >> "$tmp/$1.trace" 2>/dev/null || :
}

r=0
while [ $r -lt "$ROUNDS" ]; do
    run new "$NEW"
    [ -n "$OLD" ] && run old "$OLD"
    r=$((r + 1))
done
s=$(date +%s%N); virsh -c "test://$tmp/host.xml" list --all > /dev/null; e=$(date +%s%N)
virsh_us=$(( (e - s) / 1000 ))

# stats FILE: "median p95 max keys" in microseconds
stats() {
    sort -n "$1" | awk '{ v[NR] = $1 }
        END { if (NR == 0) { print "0 0 0 0"; exit }
              print v[int(NR * 0.5) + 1], v[int(NR * 0.95)], v[NR], NR }'
}
stats "$tmp/new.trace" > "$tmp/new.stats"
read -r nm np nx nk < "$tmp/new.stats"
[ "$nk" -gt 0 ] || { echo "redraw-bench: no key was traced"; exit 1; }
echo "0 0 0 0" > "$tmp/old.stats"
if [ -n "$OLD" ]; then stats "$tmp/old.trace" > "$tmp/old.stats"; fi
read -r om op ox ok < "$tmp/old.stats"

awk -v N="$N" -v R="$ROUNDS" -v virsh="$virsh_us" -v old="$OLD" -v bad="$bad" \
    -v nm="$nm" -v np="$np" -v nx="$nx" -v nk="$nk" \
    -v om="$om" -v op="$op" -v ox="$ox" -v ok="$ok" '
    function line(who, k, m, p, x) {
        printf "  %-4s key-to-redraw  median %.2f ms  p95 %.2f ms  max %.2f ms  (%d keys)\n",
            who, m / 1000, p / 1000, x / 1000, k
    }
    BEGIN {
        printf "redraw-bench: %d VMs, %d round%s%s\n", N, R, R == 1 ? "" : "s",
            old != "" ? " each, new and old in turns" : ""
        line("new", nk, nm, np, nx)
        if (old != "") {
            line("old", ok, om, op, ox)
            if (om > 0 && op > 0)
                printf "  ratio new/old  median %.2f  p95 %.2f  max %.2f\n", nm / om, np / op, (ox > 0 ? nx / ox : 0)
        }
        printf "  virsh list --all on the same host: %.1f ms (ratio median/virsh: new %.3f", virsh / 1000, nm / virsh
        if (old != "")
            printf ", old %.3f", om / virsh
        printf ")\n"
        met = nm <= 2000 && np <= 8000 && !bad
        printf "  target %s (new: median <= 2 ms, p95 <= 8 ms%s)\n", met ? "met" : "NOT met",
            bad ? "; the keys did not end on the list" : ""
        exit met ? 0 : 1
    }'
