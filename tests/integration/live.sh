#!/bin/sh
# Integration (issue 16): the live rates of real KVM VMs idling in their
# firmware (SeaBIOS with nothing to boot: its exits, halt exits and
# emulated instructions move every second), under a private libvirtd,
# checked against oracles nobody here wrote:
#   - `virsh domstats` deltas over the same span (exits, cpu.time);
#   - the kernel's own accounting: /proc/PID/stat of the QEMU process and
#     /proc/PID/task/TID/schedstat of its "CPU 0/KVM" thread;
#   - perf's kvm:kvm_exit tracepoint, where it counts (on these machines'
#     kvm_pvm module it counts none: then it is said, and not used).
# Also: a VM restarted between two samples never shows a garbage rate, a
# stopped VM has no row, --check stays as fast as before without --live,
# and --check --live samples over -d and marks live findings.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
[ "$VT_VIRT_TYPE" = kvm ] || cannot_run "no /dev/kvm: the KVM counters need KVM" hardware
vt_libvirtd_start
V="virsh -q -c $URI"
vt_small_vm vt-a
vt_small_vm vt-b
sleep 3     # past SeaBIOS's start, into its idle loop

uuid=$($V domuuid vt-a)
pid=$(vt_qemu_pid "$uuid") || { fail "no QEMU process for vt-a"; exit 1; }
vcpu_tid=$(for t in /proc/$pid/task/*; do [ "$(cat "$t/comm")" = "CPU 0/KVM" ] && basename "$t"; done)
[ -n "$vcpu_tid" ] || { fail "no 'CPU 0/KVM' thread in QEMU $pid"; exit 1; }

stat_field() {   # domstats field of vt-a
    $V domstats --raw vt-a | sed -n "s/^ *$1=//p"
}
proc_ns() {      # utime+stime of the QEMU process, in ns
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000000000 / hz }' "/proc/$pid/stat"
}
now_ns() { date +%s%N; }

# ---- the rates against virsh and procfs over the same span
t0=$(now_ns); e0=$(stat_field 'vcpu.0.exits.sum'); c0=$(stat_field cpu.time)
p0=$(proc_ns); s0=$(cut -d' ' -f1 "/proc/$pid/task/$vcpu_tid/schedstat")
perf_out=$VT_TMP/perf
( perf stat -x, -e kvm:kvm_exit -p "$pid" -- sleep 4 > /dev/null 2> "$perf_out" ) &
perf_pid=$!
"$VT" -c "$URI" --top -n 3 -d 1 --json > "$VT_TMP/top.json" 2> "$VT_TMP/top.err"
rc=$?
t1=$(now_ns); e1=$(stat_field 'vcpu.0.exits.sum'); c1=$(stat_field cpu.time)
p1=$(proc_ns); s1=$(cut -d' ' -f1 "/proc/$pid/task/$vcpu_tid/schedstat")
wait "$perf_pid" 2>/dev/null
[ $rc = 0 ] && [ "$(wc -l < "$VT_TMP/top.json")" = 3 ] && ok "--top -n 3 --json: 3 samples, exit 0" ||
    fail "--top: exit $rc, $(wc -l < "$VT_TMP/top.json") lines: $(cat "$VT_TMP/top.err")"

secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
# the oracles' rates over [t0, t1], and virt-tune's mean over its samples
o_exits=$(awk -v a="$e0" -v b="$e1" -v s="$secs" 'BEGIN { printf "%.1f", (b - a) / s }')
o_cpu=$(awk -v a="$c0" -v b="$c1" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s / 1e7 }')
o_proc=$(awk -v a="$p0" -v b="$p1" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s / 1e7 }')
o_vcpu=$(awk -v a="$s0" -v b="$s1" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / s / 1e7 }')
m() {   # mean of a jq expression over the samples
    jq -s "[.[] | .vms[] | select(.vm == \"vt-a\") | $1] | add / length | . * 100 | round / 100" "$VT_TMP/top.json"
}
v_exits=$(m .exits_ps); v_cpu=$(m .cpu_pct)
v_vcpu=$(m '(.threads[] | select(.name == "vCPU 0") | .cpu_pct)')
say "over ${secs}s: exits/s virsh $o_exits, virt-tune $v_exits; CPU% cpu.time $o_cpu, /proc $o_proc, virt-tune $v_cpu; vCPU 0 thread schedstat $o_vcpu, virt-tune $v_vcpu"
near() {   # a b: within 30% of each other, or both under an absolute floor
    awk -v a="$1" -v b="$2" -v floor="$3" 'BEGIN { d = a - b; if (d < 0) d = -d
        m = a > b ? a : b; exit !(d <= floor || d <= 0.3 * m) }'
}
near "$v_exits" "$o_exits" 10 && ok "exits/s agrees with virsh domstats' vcpu.0.exits.sum ($v_exits vs $o_exits)" ||
    fail "exits/s: virt-tune $v_exits, virsh $o_exits"
near "$v_cpu" "$o_cpu" 2 && ok "CPU % agrees with virsh domstats' cpu.time ($v_cpu vs $o_cpu)" ||
    fail "CPU %: virt-tune $v_cpu, cpu.time $o_cpu"
near "$v_cpu" "$o_proc" 3 && ok "CPU % agrees with /proc/$pid/stat ($v_cpu vs $o_proc)" ||
    fail "CPU %: virt-tune $v_cpu, /proc $o_proc"
near "$v_vcpu" "$o_vcpu" 2 && ok "the vCPU 0 thread's CPU % agrees with its schedstat ($v_vcpu vs $o_vcpu)" ||
    fail "vCPU 0 thread: virt-tune $v_vcpu, schedstat $o_vcpu"
jq -e -s 'all(.[] | .vms[] | select(.vm == "vt-a"); .halt_exits_ps != null and .insn_emulation_ps != null
          and (.threads | map(.name) | index("main loop") != null))' "$VT_TMP/top.json" >/dev/null &&
    ok "KVM's own counters (halt exits, emulated instructions) and the main loop are there" ||
    fail "missing KVM counters or threads: $(head -c 600 "$VT_TMP/top.json")"
pexits=$(awk -F, '$3 == "kvm:kvm_exit" { print $1 }' "$perf_out")
case "$pexits" in
    ''|'<not supported>'|'<not counted>') say "note: perf cannot count kvm:kvm_exit here ($(tail -1 "$perf_out")): not used" ;;
    0) say "note: perf's kvm:kvm_exit counts 0 while KVM's exits counter moves (the host's kvm_pvm module does not fire it): not used" ;;
    *) p_rate=$(awk -v n="$pexits" 'BEGIN { printf "%.1f", n / 4 }')
       near "$v_exits" "$p_rate" 10 && ok "exits/s agrees with perf's kvm:kvm_exit ($v_exits vs $p_rate)" ||
           fail "exits/s: virt-tune $v_exits, perf $p_rate" ;;
esac

# ---- CSV: the header, unknown empty, and a restart between samples
"$VT" -c "$URI" --top -n 4 -d 1 --csv > "$VT_TMP/top.csv" 2>&1 &
top_pid=$!
sleep 1.5
$V destroy vt-b >/dev/null && $V start vt-b >/dev/null || fail "restart vt-b"
wait "$top_pid"
rc=$?
head -1 "$VT_TMP/top.csv" | grep -qx 'time,vm,state,cpu_pct,vcpu_steal_pct,exits_ps,io_exits_ps,mmio_exits_ps,halt_exits_ps,insn_emulation_ps,haltpoll_success_pct,emulator_cpu_pct,iothread_cpu_pct,vhost_cpu_pct,disk_rd_bps,disk_wr_bps,net_rx_bps,net_tx_bps' &&
    [ $rc = 0 ] && ok "--csv: the header, exit 0" || fail "--csv: exit $rc, $(head -2 "$VT_TMP/top.csv")"
rows_a=$(grep -c ',vt-a,' "$VT_TMP/top.csv"); rows_b=$(grep -c ',vt-b,' "$VT_TMP/top.csv")
[ "$rows_a" = 4 ] && [ "$rows_b" -lt 4 ] &&
    ok "the VM restarted between samples misses the sample across the restart ($rows_b of 4 rows; vt-a 4)" ||
    fail "rows: vt-a $rows_a, vt-b $rows_b of 4: $(cat "$VT_TMP/top.csv")"
awk -F, 'NR > 1 { for (i = 4; i <= NF; i++) if ($i != "" && ($i < 0 || (i == 4 && $i > 400))) { print; bad = 1 } }
         END { exit bad }' "$VT_TMP/top.csv" && ok "no negative or impossible rate in any row" ||
    fail "garbage rates in $(cat "$VT_TMP/top.csv")"
awk -F, 'NR > 1 && $2 == "vt-a" && ($16 == "" || $17 == "") { bad = 1 } END { exit bad }' "$VT_TMP/top.csv" ||
    fail "vt-a has no disk columns (libvirt gives block.count=0: they are 0, known)"
$V destroy vt-b >/dev/null
"$VT" -c "$URI" --top -n 1 -d 0.5 --csv > "$VT_TMP/top2.csv"
grep -q ',vt-b,' "$VT_TMP/top2.csv" && fail "a stopped VM has a row" || ok "a stopped VM has no row"

# ---- --check: as fast as before without --live; --live samples over -d
t0=$(now_ns)
"$VT" -c "$URI" --check --json > "$VT_TMP/check.json"
rc=$?; t1=$(now_ns)
ms=$(( (t1 - t0) / 1000000 ))
[ $rc -le 2 ] && [ $ms -lt 1500 ] && jq -e '.findings | all(.live == false)' "$VT_TMP/check.json" >/dev/null &&
    ok "--check without --live: ${ms} ms, no live finding" || fail "--check: exit $rc, ${ms} ms"
t0=$(now_ns)
"$VT" -c "$URI" --check --live -d 2 --json > "$VT_TMP/live.json"
rc=$?; t1=$(now_ns)
ms=$(( (t1 - t0) / 1000000 ))
[ $rc -le 2 ] && [ $ms -ge 2000 ] && jq -e '.findings | all(has("live"))' "$VT_TMP/live.json" >/dev/null &&
    ok "--check --live -d 2: sampled ${ms} ms, every finding says whether it is live" ||
    fail "--check --live: exit $rc, ${ms} ms: $(head -c 400 "$VT_TMP/live.json")"
"$VT" -c "$URI" --live >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "--live without --check is refused (exit 2)" || fail "--live alone: exit $rc"

[ $VT_FAILED = 0 ] && echo "integration live: all checks passed" || exit 1
