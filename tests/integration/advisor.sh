#!/bin/sh
# Integration: the advisor on a real QEMU VM under a private libvirtd. A
# virtio disk without an IOThread is found by --check; its fix, taken from
# --check --json as a plan, applies with --apply; the next --check no
# longer has it; virsh shows the disk on the new IOThread.
# Then a VM with <seclabel type='none'/>: --check finds the svirt failure
# with a fix that suits the host's security drivers (virsh capabilities'
# secmodels: a SELinux label only where libvirt has SELinux, else the
# host's default); the fix applies; after a restart the VM runs under the
# labels libvirt gives it (virsh dominfo, the live XML, the QEMU process's
# uid for DAC) and the next --check has no svirt failure for it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start
export XDG_STATE_HOME=$VT_TMP/state
say "private libvirtd at $URI ($VT_VIRT_TYPE)"

truncate -s 16M "$VT_TMP/disk0.raw" "$VT_TMP/disk1.raw"
cat > "$VT_TMP/vm.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>vt-adv</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <iothreads>1</iothreads>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native' iothread='1'/>
      <source file='$VT_TMP/disk0.raw'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source file='$VT_TMP/disk1.raw'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
virsh -q -c "$URI" define "$VT_TMP/vm.xml" >/dev/null || { fail "define"; exit 1; }
virsh -q -c "$URI" start vt-adv >/dev/null || { fail "start"; exit 1; }

"$VT" -c "$URI" --check --json > "$VT_TMP/check.json"
rc=$?
jq -e . "$VT_TMP/check.json" >/dev/null || { fail "--check --json is not JSON"; exit 1; }
[ $rc -ge 1 ] && [ "$(jq .exit "$VT_TMP/check.json")" = $rc ] && ok "--check exits $rc, the worst finding's level" ||
    fail "--check exit $rc, JSON exit $(jq .exit "$VT_TMP/check.json")"
found=$(jq -r '.findings[] | select(.topic == "iothread" and .vm == "vt-adv") | .evidence' "$VT_TMP/check.json")
case $found in
*"disk vdb: no iothread="*) ok "found: vt-adv $found" ;;
*) fail "no iothread finding for vdb: $(jq -c '.findings[] | select(.vm == "vt-adv")' "$VT_TMP/check.json")" ;;
esac
jq -r '.findings[] | select(.topic == "iothread" and .vm == "vt-adv") | .fix // empty' "$VT_TMP/check.json" > "$VT_TMP/fix.plan"
grep -q "^vm vt-adv disk vdb iothread 2$" "$VT_TMP/fix.plan" && ok "fix: $(tr '\n' ';' < "$VT_TMP/fix.plan")" ||
    fail "fix plan: $(cat "$VT_TMP/fix.plan")"

"$VT" -c "$URI" --apply "$VT_TMP/fix.plan" --yes > "$VT_TMP/apply.out" 2>&1 || fail "apply the fix: $(cat "$VT_TMP/apply.out")"
virsh -q -c "$URI" dumpxml --inactive vt-adv | grep -A1 "<driver name='qemu' type='raw' cache='none' io='native' iothread='2'/>" |
    grep -q "disk1.raw" && ok "virsh: vdb is on IOThread 2 in the config" || fail "vdb not on IOThread 2"
[ "$(virsh -q -c "$URI" iothreadinfo vt-adv | awk 'NF == 2' | wc -l)" = 2 ] && ok "virsh: the running VM has 2 IOThreads" ||
    fail "live IOThreads: $(virsh -q -c "$URI" iothreadinfo vt-adv)"
"$VT" -c "$URI" --check --json > "$VT_TMP/check2.json"
# the VM runs: vdb gets its IOThread at the next start, so the finding is
# kept only as pending restart, with no fix offered again
n=$(jq '[.findings[] | select(.topic == "iothread" and .vm == "vt-adv" and (.pending_restart | not))] | length' "$VT_TMP/check2.json")
p=$(jq '[.findings[] | select(.topic == "iothread" and .vm == "vt-adv" and .pending_restart and .fix == null)] | length' "$VT_TMP/check2.json")
[ "$n" = 0 ] && [ "$p" -le 1 ] && ok "the next --check has it at most as pending restart ($p), with no fix" ||
    fail "still found: $(jq -c '.findings[] | select(.vm == "vt-adv")' "$VT_TMP/check2.json")"
# restarted, the VM runs its config: the finding is gone
virsh -q -c "$URI" destroy vt-adv >/dev/null 2>&1
virsh -q -c "$URI" start vt-adv >/dev/null 2>&1 || fail "vt-adv did not start again"
"$VT" -c "$URI" --check --json > "$VT_TMP/check3.json"
n=$(jq '[.findings[] | select(.topic == "iothread" and .vm == "vt-adv")] | length' "$VT_TMP/check3.json")
[ "$n" = 0 ] && ok "after a restart the --check no longer has it" ||
    fail "after a restart still found: $(jq -c '.findings[] | select(.vm == "vt-adv")' "$VT_TMP/check3.json")"

# a good VM stays quiet on the definition checks
quiet=$(jq -r '.findings[] | select(.vm == "vt-adv") | select(.topic == "disk-cache" or .topic == "lun" or .topic == "svirt") | .summary' "$VT_TMP/check3.json")
[ -z "$quiet" ] && ok "no disk-cache, lun or svirt finding on a VM that has none of those mistakes" ||
    fail "false positives: $quiet"

# ---- seclabel none on this host's security drivers
pr() { printf '%s\n' "$1"; }   # not echo: dash's echo turns \n into newlines
caps=$VT_TMP/caps.xml
virsh -q -c "$URI" capabilities > "$caps" || fail "virsh capabilities"
# the host's secmodels in libvirt's order: the first is the primary one,
# the one virsh dominfo reports
models=$(sed -n '/<secmodel>/,/<\/secmodel>/s:.*<model>\(.*\)</model>.*:\1:p' "$caps" | tr '\n' ' ')
primary=${models%% *}
primary_doi=$(sed -n '/<secmodel>/,/<\/secmodel>/s:.*<doi>\(.*\)</doi>.*:\1:p' "$caps" | head -1)
say "host security drivers (virsh capabilities): $models(primary: $primary, DOI $primary_doi)"
vt_seclabel_none_vm > "$VT_TMP/none.xml"
virsh -q -c "$URI" define "$VT_TMP/none.xml" >/dev/null || { fail "define vt-none"; exit 1; }
virsh -q -c "$URI" start vt-none >/dev/null || { fail "start vt-none"; exit 1; }
# what the label none gives on this host, for the log: on a host without
# SELinux or AppArmor, the model-less label binds to the primary driver,
# and DAC still labels the VM
say "  before the fix, live: $(virsh -q -c "$URI" dumpxml vt-none | grep -o "<seclabel [^>]*>\|<label>[^<]*</label>" | tr '\n' ' ')"
"$VT" -c "$URI" --check --json > "$VT_TMP/none1.json"
svirt() {   # the non-pending svirt failures of vt-none in a --check --json
    jq -c '[.findings[] | select(.topic == "svirt" and .vm == "vt-none" and .severity == "failure" and (.pending_restart | not))]' "$1"
}
f=$(jq -c '.findings[] | select(.topic == "svirt" and .vm == "vt-none" and .severity == "failure")' "$VT_TMP/none1.json")
case $f in
*"seclabel type='none'"*) ok "found: vt-none $(pr "$f" | jq -r .summary)" ;;
*) fail "no svirt failure for vt-none: $(jq -c '.findings[] | select(.vm == "vt-none")' "$VT_TMP/none1.json")" ;;
esac
pr "$f" | jq -j '.fix // empty' > "$VT_TMP/none.plan"
# the fix must name a label of a driver the host has: a SELinux label would
# not start where libvirt has no SELinux driver; otherwise the host's
# default driver's label (the label removed)
case " $models" in
*" selinux "*) want="vm vt-none seclabel dynamic relabel yes" ;;
*) want="vm vt-none seclabel default" ;;
esac
[ "$(cat "$VT_TMP/none.plan")" = "$want" ] && ok "its fix suits the host's drivers ($models): $want" ||
    fail "fix for seclabel none on a host with $models: '$(cat "$VT_TMP/none.plan")', want '$want'"
"$VT" -c "$URI" --apply "$VT_TMP/none.plan" --yes > "$VT_TMP/none-apply.out" 2>&1 &&
    ! grep -q '^ *introduces: failure' "$VT_TMP/none-apply.out" &&
    grep -q "^ *pending restart: failure svirt vt-none: no sVirt confinement" "$VT_TMP/none-apply.out" &&
    ok "--apply of the fix exits 0, introduces no failure, and says the failure goes at the next start" ||
    fail "apply the seclabel fix: $(cat "$VT_TMP/none-apply.out")"
inactive=$(virsh -q -c "$URI" dumpxml --inactive vt-none)
pr "$inactive" | grep -q "<seclabel type='none'" && fail "dumpxml --inactive still has type='none': $(pr "$inactive" | grep seclabel)" ||
    ok "virsh dumpxml --inactive no longer has type='none'"
"$VT" -c "$URI" --check --json > "$VT_TMP/none2.json"
[ "$(svirt "$VT_TMP/none2.json")" = "[]" ] &&
    [ "$(jq '[.findings[] | select(.topic == "svirt" and .vm == "vt-none" and .pending_restart and .fix == null)] | length' "$VT_TMP/none2.json")" = 1 ] &&
    ok "the next --check has it only as pending restart, with no fix (the VM runs its old label)" ||
    fail "after the apply: $(jq -c '[.findings[] | select(.vm == "vt-none")]' "$VT_TMP/none2.json")"

virsh -q -c "$URI" destroy vt-none >/dev/null 2>&1
virsh -q -c "$URI" start vt-none > "$VT_TMP/none-start.out" 2>&1 && ok "vt-none starts with the fixed label" ||
    fail "vt-none does not start after the fix: $(cat "$VT_TMP/none-start.out")"
dominfo=$(virsh -q -c "$URI" dominfo vt-none)
say "$(pr "$dominfo" | grep '^Security' | sed 's/^/  virsh dominfo: /')"
model=$(pr "$dominfo" | sed -n 's/^Security model: *//p')
doi=$(pr "$dominfo" | sed -n 's/^Security DOI: *//p')
[ "$model" = "$primary" ] && [ "$doi" = "$primary_doi" ] &&
    ok "virsh dominfo: security model $model, DOI $doi: the host's primary driver" ||
    fail "virsh dominfo: model '$model' DOI '$doi', the host's primary driver is $primary (DOI $primary_doi)"
if [ "$primary" != none ]; then
    label=$(pr "$dominfo" | sed -n 's/^Security label: *//p')
    [ -n "$label" ] && ok "virsh dominfo: security label $label" || fail "virsh dominfo has no security label under $primary"
fi
live=$(virsh -q -c "$URI" dumpxml vt-none)
pr "$live" | grep -q "<seclabel type='none'" && fail "the running VM still has type='none': $(pr "$live" | grep seclabel)" ||
    ok "the running VM has no seclabel of type none"
# every driver but none labels the VM: a dynamic label in the live XML
for m in $models; do
    [ "$m" = none ] && continue
    l=$(pr "$live" | sed -n "/<seclabel type='dynamic' model='$m'/,/<\/seclabel>/s:.*<label>\(.*\)</label>.*:\1:p")
    [ -n "$l" ] && ok "live XML: a dynamic $m label, $l" ||
        fail "live XML: no dynamic $m label: $(pr "$live" | grep -A3 '<seclabel')"
    if [ "$m" = dac ] && [ -n "$l" ]; then
        # DAC's label is the uid:gid QEMU runs as
        base=$(sed -n "/<secmodel>/,/<\/secmodel>/s:.*<baselabel type='$VT_VIRT_TYPE'>\(.*\)</baselabel>.*:\1:p" "$caps")
        [ -z "$base" ] || [ "$l" = "$base" ] && ok "the DAC label is the host's base label for $VT_VIRT_TYPE (${base:-none listed})" ||
            fail "DAC label $l, the host's base label for $VT_VIRT_TYPE is $base"
        uuid=$(virsh -q -c "$URI" domuuid vt-none)
        pid=$(vt_qemu_pid "$uuid")
        uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        gid=$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
        [ -n "$pid" ] && [ "+$uid:+$gid" = "$l" ] && ok "QEMU (pid $pid) runs as $uid:$gid, the DAC label" ||
            fail "QEMU pid ${pid:-?} runs as $uid:$gid, the DAC label is $l"
    fi
done
"$VT" -c "$URI" --check --json > "$VT_TMP/none3.json"
[ "$(svirt "$VT_TMP/none3.json")" = "[]" ] &&
    [ "$(jq '[.findings[] | select(.topic == "svirt" and .vm == "vt-none")] | length' "$VT_TMP/none3.json")" = 0 ] &&
    ok "after the restart the --check has no svirt finding for vt-none" ||
    fail "after the restart: $(jq -c '[.findings[] | select(.vm == "vt-none" and .topic == "svirt")]' "$VT_TMP/none3.json")"

[ $VT_FAILED = 0 ] && say "integration advisor: all checks passed" || say "integration advisor: FAILED"
exit $VT_FAILED
