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
# a second VM, defined only: NICs of three kinds and a block disk for the
# text report's sources (never started: the bridge and network need not exist)
cat > "$VT_TMP/vm2.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>vt-it-report-nics</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$VT_TMP/disk0.raw'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw'/>
      <source dev='/dev/vt-it-none'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:7a:71:01'/>
      <source bridge='vtbr-none'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:7a:71:02'/>
      <source network='vtnet-none'/>
      <model type='virtio'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:7a:71:03'/>
      <source dev='vtdev-none' mode='bridge'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
XML
virsh -q -c "$URI" define "$VT_TMP/vm2.xml" >/dev/null || { fail "define vt-it-report-nics"; exit 1; }
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
# each disk's source and each NIC's type and source as virsh domblklist and
# domiflist give them, under its VM
awk '/^VM / { vm = $0; sub(/^VM /, "", vm); sub(/  \([^()]*\)$/, "", vm) }
     /^  disk / { what = "disk " $2 }
     /^  nic / { what = "nic " $2 }
     /^      source / { s = $0; sub(/^      source /, "", s); print vm " " what " " s }' \
    "$VT_TMP/report.txt" | grep '^vt-it-report' | sort > "$VT_TMP/src.txt"
for vm in vt-it-report vt-it-report-nics; do
    virsh -q -c "$URI" domblklist "$vm" | awk -v vm="$vm" 'NF == 2 { print vm " disk " $1 " " $2 }'
    # Interface Type Source Model MAC
    virsh -q -c "$URI" domiflist "$vm" | awk -v vm="$vm" 'NF == 5 { print vm " nic " $5 " " $2 " " $3 }'
done | sort > "$VT_TMP/src.virsh"
if [ "$(wc -l < "$VT_TMP/src.virsh")" -ge 6 ] && cmp -s "$VT_TMP/src.txt" "$VT_TMP/src.virsh"; then
    ok "text report: disk and NIC sources are virsh's ($(wc -l < "$VT_TMP/src.virsh"): $(cut -d' ' -f4- "$VT_TMP/src.virsh" | tr '\n' ' '))"
else
    fail "text report sources: $(diff "$VT_TMP/src.virsh" "$VT_TMP/src.txt" | tr '\n' '|')"
fi
# the node lines: each NUMA cell of virsh capabilities with its number,
# CPUs (as sysfs lists them) and memory in MiB
virsh -q -c "$URI" capabilities > "$VT_TMP/caps.xml" || fail "virsh capabilities"
/usr/bin/python3 - "$VT_TMP/caps.xml" > "$VT_TMP/cells" <<'PY'
import sys, xml.etree.ElementTree as ET
for cell in ET.parse(sys.argv[1]).getroot().iter("cell"):
    m = cell.find("memory")
    kib = int(m.text) * {"KiB": 1, "MiB": 1024, "GiB": 1048576}[m.get("unit", "KiB")] if m is not None else 0
    print(cell.get("id"), kib // 1024)
PY
bad=
while read -r n mib; do
    d=/sys/devices/system/node/node$n
    [ -r "$d/cpulist" ] || { bad="$bad $n(no sysfs)"; continue; }
    if [ "$mib" -gt 0 ]; then want="node $n: cpus $(cat "$d/cpulist"), $mib MiB"; else want="node $n: cpus $(cat "$d/cpulist"),"; fi
    grep -qF "$want" "$VT_TMP/report.txt" || bad="$bad $n(want '$want')"
done < "$VT_TMP/cells"
[ -s "$VT_TMP/cells" ] && [ -z "$bad" ] && ok "text report: node lines as virsh capabilities and sysfs have them ($(grep ' node [0-9]*: cpus ' "$VT_TMP/report.txt" | sed 's/^ *//' | tr '\n' ';'))" ||
    fail "text report node lines for node$bad: $(grep ' node [0-9]*: cpus ' "$VT_TMP/report.txt" | tr '\n' '|')"
# remote access: the values virt-tune sasl status reads from the same files
"$VT" sasl status > "$VT_TMP/status.txt"
bad=
for k in listen_tls listen_tcp listen_addr auth_tcp auth_tls mech_list sasldb_path; do
    v=$(awk -v k="$k" '$1 == k { print $2; exit }' "$VT_TMP/status.txt")
    r=$(awk -v k="$k" '/^    [^ ]/ && $1 == k { print $2; exit }' "$VT_TMP/report.txt")
    [ -n "$v" ] && [ "$r" = "$v" ] || bad="$bad $k=$v/$r"
done
grep -Eq '^  remote access +/etc/libvirt/(libvirtd|virtproxyd)\.conf' "$VT_TMP/report.txt" &&
    grep -Eq '^  SASL +/etc/sasl2/libvirt\.conf' "$VT_TMP/report.txt" && [ -z "$bad" ] &&
    ok "text report: remote access as virt-tune sasl status has it" ||
    fail "text report remote access:$bad: $(sed -n '/remote access/,/^$/p' "$VT_TMP/report.txt" | tr '\n' '|')"

# Errors: an unreachable URI and an unreadable root are one line on stderr, non-zero.
if "$VT" -c "qemu+unix:///system?socket=$VT_TMP/nonexistent" --report > /dev/null 2> "$VT_TMP/err"; then
    fail "report on a dead socket exited 0"
else
    [ "$(wc -l < "$VT_TMP/err")" = 1 ] && ok "dead socket: $(cat "$VT_TMP/err")" || fail "dead socket stderr: $(cat "$VT_TMP/err")"
fi

[ $VT_FAILED = 0 ] && say "integration report: all checks passed" || say "integration report: FAILED"
exit $VT_FAILED
