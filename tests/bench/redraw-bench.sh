#!/bin/sh
# Key-to-redraw time of the console with 1000 VMs: the real binary in tmux,
# driven by keys; virt-tune itself logs (VT_TRACE_REDRAW) the time from
# reading each key to the end of the redraw it caused. Target (issue 3):
# under 10 ms. For comparison, one `virsh list --all` on the same host is
# timed: what a user would otherwise run to look at the fleet.
set -eu
VT=$(cd "$(dirname "${1:-./virt-tune}")" && pwd)/$(basename "${1:-./virt-tune}")
N=${N:-1000}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
SOCK=vt-bench-$$
T="tmux -L $SOCK -f /dev/null"
trap '$T kill-server 2>/dev/null; [ -n "${KEEP_TRACE:-}" ] && cp "$tmp/trace" "$KEEP_TRACE"; rm -rf "$tmp"' EXIT
"$here/gen-host.sh" "$N" > "$tmp/host.xml"
mkdir -p "$tmp/proc"
$T new-session -d -s b -x 160 -y 50 "env TERM=screen LANG=C.UTF-8 VT_TRACE_REDRAW=$tmp/trace \
    $VT -c test://$tmp/host.xml --procfs-root $tmp/proc -d 3600; sleep 5"
i=0; until grep -q . "$tmp/trace" 2>/dev/null || $T capture-pane -p -t b | grep -q "$N VMs"; do
    i=$((i + 1)); [ $i -gt 200 ] && { echo "redraw-bench: console did not start"; exit 1; }; sleep 0.05
done
send() { $T send-keys -t b "$@"; sleep 0.02; }
for r in $(seq 1 40); do send j; done
for r in $(seq 1 10); do send NPage; done
for r in $(seq 1 10); do send PPage; done
for r in $(seq 1 9); do send s; done
send S; send S
for r in $(seq 1 10); do send Enter; send Tab; send Tab; send Escape; send j; done
send H; send Escape; send '?'; send Escape
sleep 0.3
send q
sleep 0.3
n=$(wc -l < "$tmp/trace")
s=$(date +%s%N); virsh -c "test://$tmp/host.xml" list --all > /dev/null; e=$(date +%s%N)
sort -n "$tmp/trace" | awk -v n="$n" -v N="$N" -v virsh=$(( (e - s) / 1000 )) '
    { v[NR] = $1 }
    END {
        p50 = v[int(NR * 0.5) + 1]; p95 = v[int(NR * 0.95)]; max = v[NR]
        printf "redraw-bench: %d VMs, %d keys\n", N, n
        printf "  key-to-redraw  median %.2f ms  p95 %.2f ms  max %.2f ms  (target < 10 ms)\n", p50 / 1000, p95 / 1000, max / 1000
        printf "  virsh list --all on the same host: %.1f ms (ratio median/virsh %.3f)\n", virsh / 1000, p50 / virsh
        printf "  target %s\n", (p95 < 10000) ? "met (p95 < 10 ms)" : "NOT met"
    }'
