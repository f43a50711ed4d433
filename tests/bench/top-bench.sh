#!/bin/sh
# CPU cost of `virt-tune --top` against `top -b -H`, over the same span
# (issue 16): N small KVM VMs idling in their firmware (default 20) under a
# private libvirtd; then, at the same time,
#   virt-tune -c URI --top -n ITER -d 1 --csv     and
#   top -b -H -n ITER -d 1                        (procps, every thread)
# each one's CPU time (user + system, from /proc/PID/stat when it ends,
# children included) is printed with the ratio virt-tune / top. Target:
# ratio <= 1. Needs root and /dev/kvm.
#
#   tests/bench/top-bench.sh [VMS [ITER]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
N=${1:-20}
ITER=${2:-30}

vt_need_root
command -v top >/dev/null || cannot_run "no top (procps)"
VT_TMP=$(mktemp -d /tmp/vt-bench.XXXXXX)
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
[ "$VT_VIRT_TYPE" = kvm ] || cannot_run "no /dev/kvm" hardware
vt_libvirtd_start
i=1
while [ $i -le "$N" ]; do
    vt_small_vm "vt-bench-$i" >/dev/null
    i=$((i + 1))
done
sleep 3
echo "$N VMs running; $ITER samples of 1 s each"

# CPU seconds of a command, its children included (bash-less: GNU time's
# format, else the shell's `times` around it)
cpu_of() {   # out-file command...
    out=$1; shift
    /usr/bin/time -f '%U %S' -o "$out" "$@" > /dev/null 2>&1
}
[ -x /usr/bin/time ] || cannot_run "no /usr/bin/time (apt-get install time)"
cpu_of "$VT_TMP/vt.time" "$VT" -c "$URI" --top -n "$ITER" -d 1 --csv &
p1=$!
cpu_of "$VT_TMP/top.time" top -b -H -n "$ITER" -d 1 &
p2=$!
wait $p1 $p2
vt_s=$(awk '{ printf "%.2f", $1 + $2 }' "$VT_TMP/vt.time")
top_s=$(awk '{ printf "%.2f", $1 + $2 }' "$VT_TMP/top.time")
ratio=$(awk -v a="$vt_s" -v b="$top_s" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')
echo "CPU time over ${ITER} s: virt-tune --top ${vt_s} s, top -b -H ${top_s} s; ratio virt-tune/top ${ratio}"
awk -v r="$ratio" 'BEGIN { exit !(r != "inf" && r <= 1.0) }' && echo "top-bench: within target (<= 1)" ||
    { echo "top-bench: above target (<= 1)"; exit 1; }
