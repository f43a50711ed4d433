#!/bin/sh
# Integration (issue 16): the live view on load a real guest makes, not
# load the test made up. Two TCG Linux guests (tests/guest/build.sh) under
# a private libvirtd: vt-spin runs one busy loop (vt.load=spin:1) with both
# vCPUs pinned to CPU 1, vt-disk writes its virtio disk (vt.load=disk).
#   - --top's CPU % of vt-spin and of its busy vCPU thread against the
#     kernel's schedstat of the QEMU threads over the same span;
#   - vt-disk's disk write rate against `virsh domstats` block deltas;
#   - then a busy loop on the host's CPU 1 beside vt-spin's vCPUs:
#     `--check --live` finds the steal on the pinned vCPUs, names what may
#     also run there, and its figure agrees with the run-queue wait the
#     kernel counted for the vCPU threads.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
[ "$(nproc)" -ge 2 ] || cannot_run "needs two CPUs (the vCPUs are pinned to CPU 1)" hardware
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
hog=""
trap '[ -n "$hog" ] && kill $hog 2>/dev/null; vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_libvirtd_start
vt_guest_build
V="virsh -q -c $URI"

vt_guest_xml vt-spin spin:1 | sed "s|<vcpu placement='static'>2</vcpu>|&<cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='1'/><emulatorpin cpuset='0'/></cputune>|" \
    > "$VT_TMP/spin.xml"
vt_guest_xml vt-disk disk > "$VT_TMP/disk.xml"
for g in spin disk; do
    $V define "$VT_TMP/$g.xml" >/dev/null && $V start "vt-$g" >/dev/null || { fail "start vt-$g"; exit 1; }
done
for g in spin disk; do
    i=0
    until grep -q 'vt-guest: ready' "$VT_TMP/vt-$g.console" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 600 ] && { fail "vt-$g not ready in 60 s: $(tail -3 "$VT_TMP/vt-$g.console")"; exit 1; }
        sleep 0.1
    done
done
sleep 2     # the load under way
ok "two TCG guests ready, running their loads"

pid=$(vt_qemu_pid "$($V domuuid vt-spin)") || { fail "no QEMU for vt-spin"; exit 1; }
vcpu_tids() { for t in /proc/$pid/task/*; do case $(cat "$t/comm") in "CPU "*) basename "$t" ;; esac; done; }
tids=$(vcpu_tids)
sched() {   # field (1 run, 2 wait) summed over tids: ns
    for t in $tids; do cut -d' ' -f"$1" "/proc/$pid/task/$t/schedstat"; done | awk '{ s += $1 } END { print s + 0 }'
}
busiest() {   # the vCPU thread with the most run time, and its run ns
    for t in $tids; do echo "$t $(cut -d' ' -f1 "/proc/$pid/task/$t/schedstat")"; done | sort -k2 -n | tail -1
}
now_ns() { date +%s%N; }
wr() { $V domstats --raw --block vt-disk | sed -n 's/^ *block\.0\.wr\.bytes=//p'; }
near() {   # a b floor: within 30% of each other, or closer than floor
    awk -v a="$1" -v b="$2" -v floor="$3" 'BEGIN { d = a - b; if (d < 0) d = -d
        m = a > b ? a : b; exit !(d <= floor || d <= 0.3 * m) }'
}

# ---- CPU and disk rates against the kernel and virsh
set -- $(busiest); btid=$1; b0=$2
t0=$(now_ns); r0=$(sched 1); w0=$(wr)
"$VT" -c "$URI" --top -n 3 -d 1 --json > "$VT_TMP/top.json" 2> "$VT_TMP/top.err" || fail "--top: $(cat "$VT_TMP/top.err")"
t1=$(now_ns); r1=$(sched 1); w1=$(wr); b1=$(cut -d' ' -f1 "/proc/$pid/task/$btid/schedstat")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
m() {   # vm, jq expression: mean over the samples
    jq -s "[.[] | .vms[] | select(.vm == \"$1\") | $2] | add / length | . * 10 | round / 10" "$VT_TMP/top.json"
}
o_vcpus=$(awk -v a="$r0" -v b="$r1" -v s="$secs" 'BEGIN { printf "%.1f", (b - a) / s / 1e7 }')
o_busy=$(awk -v a="$b0" -v b="$b1" -v s="$secs" 'BEGIN { printf "%.1f", (b - a) / s / 1e7 }')
o_wr=$(awk -v a="$w0" -v b="$w1" -v s="$secs" 'BEGIN { printf "%.0f", (b - a) / s }')
v_cpu=$(m vt-spin .cpu_pct)
v_busy=$(jq -s "[.[] | .vms[] | select(.vm == \"vt-spin\") | .threads[] | select(.tid == $btid) | .cpu_pct] | add / length | . * 10 | round / 10" "$VT_TMP/top.json")
v_vcpus=$(jq -s '[.[] | .vms[] | select(.vm == "vt-spin") | [.threads[] | select(.name | startswith("vCPU")) | .cpu_pct] | add] | add / length | . * 10 | round / 10' "$VT_TMP/top.json")
v_wr=$(m vt-disk .disk_wr_bps)
say "over ${secs}s: vt-spin CPU% $v_cpu (vCPU threads: virt-tune $v_vcpus, schedstat $o_vcpus; busiest, TID $btid: virt-tune $v_busy, schedstat $o_busy); vt-disk writes B/s: virt-tune $v_wr, virsh $o_wr"
awk -v c="$v_cpu" 'BEGIN { exit !(c >= 40) }' && ok "vt-spin's busy loop shows: $v_cpu % of a CPU" ||
    fail "vt-spin CPU % $v_cpu: its busy loop does not show"
near "$v_vcpus" "$o_vcpus" 5 && ok "its vCPU threads' CPU % agrees with their schedstat ($v_vcpus vs $o_vcpus)" ||
    fail "vCPU threads: virt-tune $v_vcpus, schedstat $o_vcpus"
near "$v_busy" "$o_busy" 5 && ok "the busy vCPU thread's CPU % agrees with its schedstat ($v_busy vs $o_busy)" ||
    fail "busy vCPU thread $btid: virt-tune $v_busy, schedstat $o_busy"
awk -v w="$v_wr" 'BEGIN { exit !(w > 1000000) }' && near "$v_wr" "$o_wr" 100000 &&
    ok "vt-disk's writes: $v_wr B/s, virsh domstats says $o_wr" || fail "disk writes: virt-tune $v_wr, virsh $o_wr"

# ---- steal: a busy loop on CPU 1, where vt-spin's vCPUs are pinned
taskset -c 1 sh -c 'while :; do :; done' &
hog=$!
sleep 1
w0=$(sched 2); t0=$(now_ns)
"$VT" -c "$URI" --check --live -d 4 --json > "$VT_TMP/live.json"
rc=$?
w1=$(sched 2); t1=$(now_ns)
kill $hog; hog=""
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
n=$(echo $tids | wc -w)
o_steal=$(awk -v a="$w0" -v b="$w1" -v s="$secs" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / s / 1e7 / n }')
f=$(jq -c '.findings[] | select(.topic == "steal" and .vm == "vt-spin")' "$VT_TMP/live.json")
say "steal finding: $f; the kernel's run-queue wait of the vCPU threads, per vCPU: $o_steal %"
[ $rc -ge 1 ] && [ -n "$f" ] && echo "$f" | jq -e '.live == true and (.evidence | test("on CPU 1;"))' >/dev/null &&
    ok "--check --live: steal on vt-spin's pinned vCPUs, a live warning (exit $rc)" ||
    fail "no live steal finding for vt-spin (exit $rc): $(jq -c '.findings[] | select(.live)' "$VT_TMP/live.json")"
v_steal=$(echo "$f" | jq -r '.summary' | sed -n 's/.* wait \([0-9]*\)% .*/\1/p')
near "${v_steal:-0}" "$o_steal" 5 && ok "its figure ($v_steal %) agrees with the kernel's run-queue wait ($o_steal %)" ||
    fail "steal: virt-tune ${v_steal:-?} %, schedstat $o_steal %"
echo "$f" | jq -e '.evidence | test("may also run there: .*(vt-disk|kworkers)")' >/dev/null &&
    ok "the evidence names what else may run on CPU 1: $(echo "$f" | jq -r .evidence | sed 's/.*may also run there: //')" ||
    fail "the evidence names nothing else on CPU 1: $(echo "$f" | jq -r .evidence)"
jq -e '[.findings[] | select(.topic == "steal" and .vm == "vt-disk")] | length == 0' "$VT_TMP/live.json" >/dev/null &&
    ok "no steal finding for vt-disk (its vCPUs are not pinned)" || fail "a steal finding for the unpinned vt-disk"

[ $VT_FAILED = 0 ] && echo "integration live-guest: all checks passed" || exit 1
