#!/bin/sh
# Integration: a real QEMU VM under a private libvirtd. virt-tune --report
# must agree with virsh (iothreadinfo, numatune) and with the QEMU
# process's own numa_maps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=${top_builddir:-$here/../..}/virt-tune

vt_need_root
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_prepare_hugepages 64
vt_libvirtd_start
say "private libvirtd at $URI ($VT_VIRT_TYPE, hugepages: $VT_HUGEPAGES)"

ncpus=$(nproc)
last=$((ncpus - 1))
hp=""
[ "$VT_HUGEPAGES" = yes ] && hp="<memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages></memoryBacking>"
truncate -s 16M "$VT_TMP/disk0.raw"
cat > "$VT_TMP/vm.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>vt-it-report</name>
  <memory unit='MiB'>128</memory>
  $hp
  <vcpu placement='static'>1</vcpu>
  <iothreads>2</iothreads>
  <cputune>
    <vcpupin vcpu='0' cpuset='0'/>
    <iothreadpin iothread='1' cpuset='$last'/>
  </cputune>
  <numatune><memory mode='strict' nodeset='0'/></numatune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native' iothread='1'/>
      <source file='$VT_TMP/disk0.raw'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <controller type='scsi' index='0' model='virtio-scsi'><driver iothread='2'/></controller>
  </devices>
</domain>
XML
virsh -q -c "$URI" define "$VT_TMP/vm.xml" >/dev/null || { fail "define"; exit 1; }
virsh -q -c "$URI" start vt-it-report >/dev/null || { fail "start"; exit 1; }
uuid=$(virsh -q -c "$URI" domuuid vt-it-report)
pid=$(vt_qemu_pid "$uuid") || { fail "no QEMU process for $uuid"; exit 1; }
say "VM vt-it-report running, uuid $uuid, QEMU pid $pid"

report() {
    "$VT" -c "$URI" --report=json > "$VT_TMP/report.json" 2> "$VT_TMP/report.err" ||
        { fail "virt-tune --report exited $?: $(cat "$VT_TMP/report.err")"; exit 1; }
    jq -e . "$VT_TMP/report.json" >/dev/null || { fail "report is not JSON"; exit 1; }
}

# virsh iothreadinfo prints " ID  cpuset" rows; compare to the report's.
check_iothreads() {   # $1: live|config
    flag=""; field=cpuset_live
    [ "$1" = config ] && { flag=--config; field=cpuset_config; }
    virsh -q -c "$URI" iothreadinfo vt-it-report $flag | awk 'NF == 2 { print $1, $2 }' | sort > "$VT_TMP/virsh.io"
    jq -r --arg n vt-it-report ".domains[] | select(.name == \$n) | .iothreads[] | \"\(.id) \(.$field)\"" \
        "$VT_TMP/report.json" | sort > "$VT_TMP/vt.io"
    if [ -s "$VT_TMP/virsh.io" ] && cmp -s "$VT_TMP/virsh.io" "$VT_TMP/vt.io"; then
        ok "iothread pins ($1) equal virsh iothreadinfo: $(tr '\n' ';' < "$VT_TMP/vt.io")"
    else
        fail "iothread pins ($1): virsh [$(tr '\n' ';' < "$VT_TMP/virsh.io")] report [$(tr '\n' ';' < "$VT_TMP/vt.io")]"
    fi
}

check_numatune() {
    vmode=$(virsh -q -c "$URI" numatune vt-it-report | awk -F' *: *' '$1 == "numa_mode" { print $2 }')
    vset=$(virsh -q -c "$URI" numatune vt-it-report | awk -F' *: *' '$1 == "numa_nodeset" { print $2 }')
    rmode=$(jq -r '.domains[] | select(.name == "vt-it-report") | .numatune.mode' "$VT_TMP/report.json")
    rset=$(jq -r '.domains[] | select(.name == "vt-it-report") | .numatune.nodeset' "$VT_TMP/report.json")
    if [ "$vmode" = "$rmode" ] && [ "$vset" = "$rset" ] && [ -n "$vmode" ]; then
        ok "numatune equals virsh numatune: $rmode $rset"
    else
        fail "numatune: virsh '$vmode $vset' report '$rmode $rset'"
    fi
}

# The spread must match numa_maps read just before and just after the report
# (QEMU may touch a few pages in between): within those two, give or take
# 1 MiB.
check_spread() {
    vt_numa_maps_kib "/proc/$pid/numa_maps" > "$VT_TMP/before"
    report
    vt_numa_maps_kib "/proc/$pid/numa_maps" > "$VT_TMP/after"
    jq -r '.domains[] | select(.name == "vt-it-report") | .numa_spread_kib | to_entries[] | "\(.key) \(.value)"' \
        "$VT_TMP/report.json" | sort -n > "$VT_TMP/spread"
    rpid=$(jq -r '.domains[] | select(.name == "vt-it-report") | .pid' "$VT_TMP/report.json")
    [ "$rpid" = "$pid" ] && ok "report found QEMU pid $pid" || fail "report pid $rpid, expected $pid"
    bad=0
    while read -r node b; do
        a=$(awk -v n="$node" '$1 == n { print $2 }' "$VT_TMP/after")
        r=$(awk -v n="$node" '$1 == n { print $2 }' "$VT_TMP/spread")
        lo=$b; hi=${a:-$b}
        [ "$hi" -lt "$lo" ] && { t=$lo; lo=$hi; hi=$t; }
        if [ -z "$r" ] || [ "$r" -lt $((lo - 1024)) ] || [ "$r" -gt $((hi + 1024)) ]; then
            fail "node $node: report ${r:-none} KiB, numa_maps $b..$a KiB"; bad=1
        fi
    done < "$VT_TMP/before"
    [ -s "$VT_TMP/before" ] || { fail "numa_maps of $pid is empty"; bad=1; }
    [ $bad = 0 ] && ok "per-node spread matches numa_maps: $(tr '\n' ';' < "$VT_TMP/spread")"
    if [ "$VT_HUGEPAGES" = yes ]; then
        hpk=$(awk '/ huge / { for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); s += a[2] * 2048 } } END { print s + 0 }' "/proc/$pid/numa_maps")
        n0=$(awk '$1 == 0 { print $2 }' "$VT_TMP/spread")
        if [ "$hpk" -ge 131072 ] && [ "${n0:-0}" -ge "$hpk" ]; then
            ok "hugepage-backed RAM ($hpk KiB) counted on node 0 ($n0 KiB)"
        else
            fail "hugepage RAM: numa_maps $hpk KiB, report node 0 ${n0:-none} KiB"
        fi
        rhp=$(jq -r '.domains[] | select(.name == "vt-it-report") | .hugepages[0].size_kib' "$VT_TMP/report.json")
        [ "$rhp" = 2048 ] && ok "hugepage backing 2048 KiB reported" || fail "hugepages: report says $rhp"
    fi
}

report
check_iothreads live
check_iothreads config
check_numatune
check_spread

# A live-only pin: live and config must now differ, each matching virsh.
virsh -q -c "$URI" iothreadpin vt-it-report 2 0 --live >/dev/null || fail "virsh iothreadpin --live"
report
check_iothreads live
check_iothreads config
live2=$(jq -r '.domains[] | select(.name == "vt-it-report") | .iothreads[] | select(.id == 2) | .cpuset_live' "$VT_TMP/report.json")
[ "$live2" = 0 ] && ok "live-only pin of iothread 2 shows as 0" || fail "iothread 2 live pin is $live2, expected 0"

# The text report names the VM and its pins too.
"$VT" -c "$URI" --report > "$VT_TMP/report.txt" || fail "text report exited $?"
grep -q "^VM vt-it-report" "$VT_TMP/report.txt" && ok "text report lists the VM" || fail "text report lacks the VM"

# Errors: an unreachable URI and an unreadable root are one line on stderr, non-zero.
if "$VT" -c "qemu+unix:///system?socket=$VT_TMP/nonexistent" --report > /dev/null 2> "$VT_TMP/err"; then
    fail "report on a dead socket exited 0"
else
    [ "$(wc -l < "$VT_TMP/err")" = 1 ] && ok "dead socket: $(cat "$VT_TMP/err")" || fail "dead socket stderr: $(cat "$VT_TMP/err")"
fi

[ $VT_FAILED = 0 ] && say "integration report: all checks passed" || say "integration report: FAILED"
exit $VT_FAILED
