#!/bin/sh
# Integration: the advisor on a real QEMU VM under a private libvirtd. A
# virtio disk without an IOThread is found by --check; its fix, taken from
# --check --json as a plan, applies with --apply; the next --check no
# longer has it; virsh shows the disk on the new IOThread.
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

[ $VT_FAILED = 0 ] && say "integration advisor: all checks passed" || say "integration advisor: FAILED"
exit $VT_FAILED
