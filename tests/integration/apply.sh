#!/bin/sh
# Integration: virt-tune --apply on real QEMU VMs under a private libvirtd,
# with virsh as the oracle. Live pins show in `virsh iothreadinfo` and
# `virsh vcpupin`; config edits in `virsh dumpxml --inactive` and nowhere
# else in it; --dry-run and refused plans change nothing; the exported virsh
# script does what the plan does; a redefine between preparing and applying
# is caught; a step that fails undoes the ones before it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
command -v tmux >/dev/null 2>&1 || cannot_run "tmux is not installed (run tools/setup)"
TMN=0
TM="tmux -L vt-apply-$$-$TMN -f /dev/null"
trap 'for n in $(seq 0 $TMN); do tmux -L vt-apply-$$-$n kill-server 2>/dev/null; done; vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start
say "private libvirtd at $URI ($VT_VIRT_TYPE)"

ncpus=$(nproc)
last=$((ncpus - 1))
export XDG_STATE_HOME=$VT_TMP/state
LOG=$XDG_STATE_HOME/virt-tune/apply.log
truncate -s 16M "$VT_TMP/disk0.raw"

define_vm() {   # name
    cat > "$VT_TMP/$1.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>2</vcpu>
  <iothreads>2</iothreads>
  <cputune>
    <vcpupin vcpu='0' cpuset='0'/>
    <iothreadpin iothread='1' cpuset='$last'/>
  </cputune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native' iothread='1'/>
      <source file='$VT_TMP/disk0.raw'/>
      <target dev='vda' bus='virtio'/>
      <readonly/>
    </disk>
    <controller type='scsi' index='0' model='virtio-scsi'><driver iothread='2'/></controller>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cr3tvn'/>
  </devices>
</domain>
XML
    virsh -q -c "$URI" define "$VT_TMP/$1.xml" >/dev/null || { fail "define $1"; exit 1; }
}

V="virsh -q -c $URI"
define_vm vt-run
define_vm vt-off
$V start vt-run >/dev/null || { fail "start vt-run"; exit 1; }
say "VMs: vt-run running, vt-off shut off; host CPUs 0-$last"

inactive() { $V dumpxml --inactive --security-info "$1"; }
iopin() {   # vm id [--config]
    $V iothreadinfo "$1" ${3:-} | awk -v id="$2" '$1 == id { print $2 }'
}
vcpupin() {   # vm vcpu [--config|--live]
    $V vcpupin "$1" --vcpu "$2" ${3:-} | awk -v v="$2" '$1 == v { print $2 }'
}
apply() {   # plan-text [options...]; sets rc, out
    printf '%s\n' "$1" > "$VT_TMP/plan"
    shift
    "$VT" -c "$URI" "$@" > "$VT_TMP/out" 2> "$VT_TMP/err"
    rc=$?
}
same_file() { cmp -s "$1" "$2"; }

# ---- a live IOThread pin: live changes, config does not
apply "vm vt-run iothread 1 pin 0 live" --apply "$VT_TMP/plan" --yes
[ $rc = 0 ] || fail "live pin: exit $rc: $(cat "$VT_TMP/err")"
[ "$(iopin vt-run 1)" = 0 ] && ok "live IOThread pin shows in virsh iothreadinfo (1 -> 0)" ||
    fail "iothreadinfo live: $(iopin vt-run 1)"
[ "$(iopin vt-run 1 --config)" = "$last" ] && ok "config pin untouched by a live-only edit" ||
    fail "config pin changed: $(iopin vt-run 1 --config)"
grep -q "live now" "$VT_TMP/out" || fail "output does not say live now: $(cat "$VT_TMP/out")"

# ---- config edits: only the edited elements change in dumpxml --inactive
inactive vt-run > "$VT_TMP/run.before"
inactive vt-off > "$VT_TMP/off.before"
apply "vm vt-run iothread 2 pin 0 config
vm vt-run vcpu 1 pin $last
vm vt-off hugepages 2M
vm vt-off controller 0 iothread 1
vm vt-off seclabel none" --apply "$VT_TMP/plan" --yes
# the advisor judges seclabel none a failure: --yes alone refuses the set
[ $rc = 2 ] && grep -q "introduces: failure svirt vt-off" "$VT_TMP/out" && grep -q "add --force" "$VT_TMP/err" &&
    ok "a set that introduces a failure: --yes alone refuses (exit 2), naming it" ||
    fail "introduced failure with --yes: exit $rc: $(cat "$VT_TMP/out" "$VT_TMP/err")"
inactive vt-run > "$VT_TMP/run.refused"
inactive vt-off > "$VT_TMP/off.refused"
same_file "$VT_TMP/run.before" "$VT_TMP/run.refused" && same_file "$VT_TMP/off.before" "$VT_TMP/off.refused" &&
    ok "refused: both inactive definitions unchanged" || fail "refused, but a definition changed"
"$VT" -c "$URI" --apply "$VT_TMP/plan" --yes --force > "$VT_TMP/out" 2> "$VT_TMP/err"
rc=$?
[ $rc = 0 ] || fail "config edits: exit $rc: $(cat "$VT_TMP/err")"
inactive vt-run > "$VT_TMP/run.after"
inactive vt-off > "$VT_TMP/off.after"
[ "$(iopin vt-run 2 --config)" = 0 ] && ok "config IOThread pin in the inactive definition" ||
    fail "iothreadinfo --config: $(iopin vt-run 2 --config)"
[ "$(vcpupin vt-run 1 --config)" = "$last" ] && [ "$(vcpupin vt-run 1 --live)" = "$last" ] &&
    ok "vCPU pin (both) live and in config" ||
    fail "vcpupin 1: config $(vcpupin vt-run 1 --config) live $(vcpupin vt-run 1 --live)"
other=$(diff "$VT_TMP/run.before" "$VT_TMP/run.after" | grep '^[<>]' |
    grep -v "<iothreadpin iothread='2' cpuset='0'/>\|<vcpupin vcpu='1' cpuset='$last'/>")
[ -z "$other" ] && ok "vt-run: nothing else in its definition changed" || fail "vt-run also changed: $other"
grep -q "<page size='2048' unit='KiB'/>" "$VT_TMP/off.after" && grep -q "<seclabel type='none'" "$VT_TMP/off.after" &&
    grep -A1 "<controller type='scsi' index='0' model='virtio-scsi'>" "$VT_TMP/off.after" | grep -q "<driver iothread='1'/>" &&
    ok "vt-off: hugepages, the controller's IOThread and seclabel none in dumpxml --inactive" || fail "vt-off: $(diff "$VT_TMP/off.before" "$VT_TMP/off.after")"
grep -q "passwd='s3cr3tvn'" "$VT_TMP/off.after" && ok "the VNC password survived the redefine" ||
    fail "the VNC password was lost"
grep -q "s3cr3tvn" "$VT_TMP/out" && fail "the password was printed" || ok "the password is not printed"
grep -q "introduces: failure svirt vt-off: no sVirt confinement" "$VT_TMP/out" && ok "seclabel none: the advisor's verdict is printed" ||
    fail "no sVirt verdict: $(cat "$VT_TMP/out")"
n=$(grep -c '"result":"applied"' "$LOG" 2>/dev/null)
[ "$n" = 7 ] && ok "apply log holds the 7 applied changes" || fail "apply log: $n applied lines: $(cat "$LOG" 2>/dev/null)"
jq -e -s 'all(.[]; .time and .connection and .target and .before and .after and .result)' "$LOG" >/dev/null &&
    ok "apply log lines carry time, connection, target, before, after, result" || fail "apply log fields"

# ---- --dry-run prints the diff and changes nothing
inactive vt-run > "$VT_TMP/a"
apply "vm vt-run iothread 1 pin 0-$last both" --apply "$VT_TMP/plan" --dry-run
inactive vt-run > "$VT_TMP/b"
[ $rc = 0 ] && same_file "$VT_TMP/a" "$VT_TMP/b" && [ "$(iopin vt-run 1)" = 0 ] &&
    ok "dry run changed nothing" || fail "dry run: exit $rc or the VM changed"
grep -q "^ *+ *<iothreadpin iothread=\"1\" cpuset=\"0-$last\"/>" "$VT_TMP/out" && ok "dry run shows the XML diff" ||
    fail "dry run output: $(cat "$VT_TMP/out")"

# ---- refused plans: line number, exit 2, nothing changed
refused() {   # plan, expected message
    inactive vt-run > "$VT_TMP/a"; iopin vt-run 1 > "$VT_TMP/pa"
    apply "$1" --apply "$VT_TMP/plan" --yes
    inactive vt-run > "$VT_TMP/b"; iopin vt-run 1 > "$VT_TMP/pb"
    if [ $rc = 2 ] && grep -q -- "$2" "$VT_TMP/err" && same_file "$VT_TMP/a" "$VT_TMP/b" &&
        same_file "$VT_TMP/pa" "$VT_TMP/pb"; then
        ok "refused: $(cat "$VT_TMP/err")"
    else
        fail "plan [$1]: exit $rc, stderr [$(cat "$VT_TMP/err")], expected [$2] and no change"
    fi
}
refused "vm vt-run iothread 1 pin 1 live
vm nosuch iothreads 1" "line 2: no VM named \"nosuch\""
refused "vm vt-run iothread 1 pin 64" "line 1: vt-run: CPU 64 does not exist on this host"
refused "vm vt-run iothread 1 pin 1 live
vm vt-run iothreads 1" "line 2: vt-run: IOThread 2 is used by controller"
refused "vm vt-run iothread 1 pin 1-x" "line 1: invalid CPU set"
refused "vm vt-off vcpu 0 pin 1 live" "line 1: vt-off is not running"

# ---- the exported virsh script does what the plan does
apply "vm vt-off iothread 1 pin 0 config
vm vt-run emulator pin $last live" --export-virsh "$VT_TMP/plan"
[ $rc = 0 ] || fail "export: exit $rc $(cat "$VT_TMP/err")"
sh "$VT_TMP/out" > "$VT_TMP/sh.out" 2>&1 || fail "the exported script failed: $(cat "$VT_TMP/sh.out")"
[ "$(iopin vt-off 1 --config)" = 0 ] && [ "$($V emulatorpin vt-run --live | tr -d " ")" = "$last" ] &&
    ok "the exported virsh script applies the plan" ||
    fail "after the script: vt-off iothread 1 $(iopin vt-off 1 --config), emulator $($V emulatorpin vt-run --live)"

# ---- interactive apply, racing another admin; and a failing step
run_tty() {   # plan text; starts --apply in tmux and waits for the question
    printf '%s\n' "$1" > "$VT_TMP/plan"
    $TM kill-server 2>/dev/null
    TMN=$((TMN + 1))    # a fresh tmux server per run: no race with the last one's exit
    TM="tmux -L vt-apply-$$-$TMN -f /dev/null"
    rm -f "$VT_TMP/tty.out" "$VT_TMP/tty.rc"
    $TM new-session -d -x 160 -y 50 "sh -c '\"$VT\" -c \"$URI\" --apply \"$VT_TMP/plan\" > \"$VT_TMP/tty.out\" 2>&1; echo \$? > \"$VT_TMP/tty.rc\"; sleep 30'"
    i=0
    until grep -q "\[y/N\]" "$VT_TMP/tty.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { fail "no question asked: $(cat "$VT_TMP/tty.out")"; return 1; }
        sleep 0.1
    done
}
answer() {   # y|n; waits for the exit code
    $TM send-keys "$1" Enter
    i=0
    until [ -s "$VT_TMP/tty.rc" ]; do
        i=$((i + 1)); [ $i -gt 200 ] && { fail "apply did not finish"; return 1; }
        sleep 0.1
    done
    rc=$(cat "$VT_TMP/tty.rc")
}

# "n" changes nothing
inactive vt-run > "$VT_TMP/a"
run_tty "vm vt-run iothread 1 pin 1" && answer n
inactive vt-run > "$VT_TMP/b"
[ "$rc" = 1 ] && same_file "$VT_TMP/a" "$VT_TMP/b" && [ "$(iopin vt-run 1)" = 0 ] &&
    ok "answering n applies nothing" || fail "answer n: exit $rc"

# another admin redefines vt-run while the question is open
run_tty "vm vt-run iothread 1 pin 1" &&
    { $V vcpupin vt-run 0 "$last" --config >/dev/null || fail "virsh vcpupin --config"; answer y; }
[ "$rc" = 1 ] && grep -q "vt-run: the definition changed since the plan was prepared" "$VT_TMP/tty.out" &&
    [ "$(iopin vt-run 1)" = 0 ] && [ "$(iopin vt-run 1 --config)" = "$last" ] &&
    ok "a redefine between staging and apply is detected; nothing applied" ||
    fail "conflict: exit $rc: $(cat "$VT_TMP/tty.out")"

# vt-off's define runs first, then vt-run's live pin fails (vt-run was
# stopped meanwhile): vt-off's definition must be restored exactly
inactive vt-off > "$VT_TMP/a"
run_tty "vm vt-off iothreads 3
vm vt-run iothread 1 pin 1 live" &&
    { $V destroy vt-run >/dev/null || fail "destroy"; answer y; }
inactive vt-off > "$VT_TMP/b"
if [ "$rc" = 1 ] && same_file "$VT_TMP/a" "$VT_TMP/b" && grep -q "undone" "$VT_TMP/tty.out" &&
    grep -q "FAILED" "$VT_TMP/tty.out"; then
    ok "a failing step undid the define before it; vt-off is exactly as it was"
else
    fail "undo: exit $rc; $(cat "$VT_TMP/tty.out"); $(diff "$VT_TMP/a" "$VT_TMP/b")"
fi
grep -q '"result":"undone"' "$LOG" && ok "the undo is in the apply log" || fail "no undo in the apply log"

[ $VT_FAILED = 0 ] && say "integration apply: all checks passed" || say "integration apply: FAILED"
exit $VT_FAILED
