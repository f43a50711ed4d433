#!/bin/sh
# Integration: a VM's host tap and its packet batching, on a real tap.
# Under a private libvirtd, a bridge this test makes and a VM with a
# virtio NIC on it (target dev named here), an ethernet and a macvtap NIC:
# `ethtool -c TAP` is the oracle
# for what --report --json says (interfaces[].host_dev, mtu, coalesce) and
# for what `--apply` of `vm VM nic MAC coalesce rx-frames N` sets; the
# inactive XML (virsh dumpxml --inactive) gets libvirt's <coalesce>, which
# libvirt puts on the new tap after destroy + start; the advisor's coalesce
# finding comes and goes; bad plans exit 2 and change neither the XML nor
# the tap.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
command -v ethtool >/dev/null 2>&1 || cannot_run "ethtool is not installed (run tools/setup)"
command -v ip >/dev/null 2>&1 || cannot_run "ip is not installed (run tools/setup)"
[ -c /dev/net/tun ] || cannot_run "no /dev/net/tun: libvirt cannot make taps" hardware
BR=vtbr$$
TAP=vttap$$
ETAP=vteth$$
VETH=vtv$$
trap 'tmux -L vt-taps-$$-0 kill-server 2>/dev/null; vt_cleanup; ip link del "$BR" 2>/dev/null; [ -n "$VETH" ] && ip link del "$VETH" 2>/dev/null' EXIT
trap 'exit 1' INT TERM HUP
ip link add "$BR" type bridge 2>/dev/null || cannot_run "cannot make a bridge (ip link add type bridge)" hardware
ip link set "$BR" up
# a macvtap (type='direct') NIC needs a lower device: one end of a veth pair
ip link add "$VETH" type veth peer name "vtw$$" 2>/dev/null && ip link set "$VETH" up || VETH=""
vt_prepare_kvm
vt_libvirtd_start
say "private libvirtd at $URI ($VT_VIRT_TYPE), bridge $BR"
export XDG_STATE_HOME=$VT_TMP/state
V="virsh -q -c $URI"
MAC=52:54:00:7a:70:01
EMAC=52:54:00:7a:70:02
DMAC=52:54:00:7a:70:04

vm_xml() {   # name driver-element extra-interfaces
    cat <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='bridge'>
      <mac address='$MAC'/>
      <source bridge='$BR'/>
      <target dev='$TAP'/>
      <model type='virtio'/>$2
    </interface>$3
    <memballoon model='none'/>
  </devices>
</domain>
XML
}
ETH="
    <interface type='ethernet'>
      <mac address='$EMAC'/>
      <target dev='$ETAP'/>
      <model type='virtio'/>
    </interface>"
[ -n "$VETH" ] && ETH="$ETH
    <interface type='direct'>
      <mac address='$DMAC'/>
      <source dev='$VETH' mode='bridge'/>
      <model type='virtio'/>
    </interface>"

# No <driver>: libvirt uses vhost-net where /dev/vhost-net opens, else
# QEMU's userspace virtio-net; with name='vhost' it would refuse to start
# without /dev/vhost-net, so the default is what this test can always run.
DRV=""
[ -c /dev/vhost-net ] || say "note: no /dev/vhost-net: the NIC has no <driver> and runs userspace virtio-net (libvirt's fallback; name='vhost' would not start)"
vm_xml vt-tap "$DRV" "$ETH" > "$VT_TMP/vt-tap.xml"
$V define "$VT_TMP/vt-tap.xml" >/dev/null || { fail "define vt-tap"; exit 1; }
if ! $V start vt-tap > "$VT_TMP/start.err" 2>&1; then
    say "note: the VM with ethernet and macvtap NICs did not start ($(cat "$VT_TMP/start.err")): without them"
    ETH=""
    vm_xml vt-tap "$DRV" "" > "$VT_TMP/vt-tap.xml"
    $V define "$VT_TMP/vt-tap.xml" >/dev/null && $V start vt-tap >/dev/null ||
        { fail "start vt-tap"; exit 1; }
fi
vm_xml vt-off "" "" | sed "s/$TAP/${TAP}o/; s/$MAC/52:54:00:7a:70:03/" > "$VT_TMP/vt-off.xml"
$V define "$VT_TMP/vt-off.xml" >/dev/null || { fail "define vt-off"; exit 1; }

rxf() { ethtool -c "$1" 2>/dev/null | awk '/^rx-frames:/ { print $2 }'; }
report() { "$VT" -c "$URI" --report=json > "$VT_TMP/r.json" 2> "$VT_TMP/r.err" || fail "--report exit $?: $(cat "$VT_TMP/r.err")"; }
nic() {    # jq filter on vt-tap's NIC $MAC
    jq -r --arg m "$MAC" ".domains[] | select(.name == \"vt-tap\") | .interfaces[] | select(.mac == \$m) | $1" "$VT_TMP/r.json"
}
inactive() { $V dumpxml --inactive "$1"; }
apply() {   # plan-text [options]; sets rc
    printf '%s\n' "$1" > "$VT_TMP/plan"
    shift
    "$VT" -c "$URI" --apply "$VT_TMP/plan" --yes "$@" > "$VT_TMP/out" 2> "$VT_TMP/err"
    rc=$?
}

# ---- what virt-tune reports, against ethtool and sysfs
ip link show "$TAP" >/dev/null 2>&1 || { fail "libvirt made no tap $TAP"; exit 1; }
say "ethtool -c $TAP: rx-frames $(rxf "$TAP"); $(ethtool -c "$TAP" | grep -E '^(rx|tx)-(usecs|frames):' | tr '\n' ' ')"
report
[ "$(nic .host_dev)" = "$TAP" ] && ok "host_dev is the tap libvirt made ($TAP)" ||
    fail "host_dev: $(nic .host_dev)"
[ "$(nic .source)" = "$BR" ] && ok "the NIC hangs on bridge $BR" || fail "source: $(nic .source)"
[ "$(nic .mtu)" = "$(cat /sys/class/net/$TAP/mtu)" ] && ok "mtu $(nic .mtu) as /sys/class/net/$TAP/mtu" ||
    fail "mtu $(nic .mtu), sysfs $(cat /sys/class/net/$TAP/mtu)"
[ "$(nic .coalesce.rx_frames)" = "$(rxf "$TAP")" ] && ok "coalesce.rx_frames $(nic .coalesce.rx_frames) as ethtool -c" ||
    fail "coalesce: $(nic .coalesce) vs ethtool rx-frames $(rxf "$TAP")"
ethtool -C "$TAP" rx-frames 17 || fail "ethtool -C $TAP rx-frames 17"
report
[ "$(nic .coalesce.rx_frames)" = 17 ] && [ "$(rxf "$TAP")" = 17 ] &&
    ok "after ethtool -C rx-frames 17 the report reads 17 (ETHTOOL_GCOALESCE, no ethtool process)" ||
    fail "after ethtool -C 17: report $(nic .coalesce.rx_frames), ethtool $(rxf "$TAP")"
# tun reports only rx-frames (ethtool: n/a for the rest); the ioctl's struct has 0 there
[ "$(nic '[.coalesce.rx_usecs, .coalesce.tx_frames, .coalesce.tx_usecs] | map(tostring) | join(",")')" = "0,0,0" ] &&
    ok "rx_usecs, tx_frames, tx_usecs are 0 (ethtool: n/a on a tap)" || fail "other coalesce fields: $(nic .coalesce)"
ethtool -C "$TAP" rx-frames 0
[ "$(jq -r '.domains[] | select(.name == "vt-off") | .interfaces[0] | "\(.coalesce) \(.host_dev) \(.coalesce_why)"' "$VT_TMP/r.json")" = \
  "null null not running: libvirt makes the tap at start" ] &&
    ok "a VM that is not running: coalesce and host_dev null, and why" ||
    fail "vt-off: $(jq -c '.domains[] | select(.name == "vt-off") | .interfaces[0]' "$VT_TMP/r.json")"
if [ -n "$ETH" ] && [ -n "$VETH" ]; then
    mvt=$($V dumpxml vt-tap | tr -d '\n' | sed -n "s|.*<interface type='direct'>.*<target dev='\([^']*\)'.*|\1|p")
    d=$(jq -r --arg m "$DMAC" '.domains[] | select(.name == "vt-tap") | .interfaces[] | select(.mac == $m) | "\(.host_dev) \(.coalesce) \(.coalesce_why)"' "$VT_TMP/r.json")
    [ -n "$mvt" ] && [ "$d" = "$mvt null the device has no coalescing (EOPNOTSUPP)" ] &&
        ethtool -c "$mvt" 2>&1 | grep -q "Operation not supported" &&
        ok "macvtap NIC: host_dev $mvt, coalesce null with EOPNOTSUPP (ethtool -c: Operation not supported)" ||
        fail "macvtap NIC: '$d' (device '$mvt')"
fi
"$VT" -c "$URI" --report > "$VT_TMP/r.txt" 2>&1
grep -q "host $TAP on $BR mtu [0-9]* coalesce rx-frames 0 " "$VT_TMP/r.txt" &&
    ok "the text report's host line: tap, bridge, mtu, coalescing" ||
    fail "text report: $(grep -A1 "nic $MAC" "$VT_TMP/r.txt")"

# ---- the advisor
"$VT" -c "$URI" --check --json > "$VT_TMP/c.json" 2>/dev/null
fix=$(jq -r '.findings[] | select(.topic == "coalesce" and .vm == "vt-tap") | .fix' "$VT_TMP/c.json")
[ "$fix" = "vm vt-tap nic $MAC coalesce rx-frames 64" ] &&
    ok "advisor: coalesce info on vt-tap, fix: $fix" ||
    fail "advisor coalesce finding: $(jq -c '.findings[] | select(.topic == "coalesce")' "$VT_TMP/c.json")"

# ---- bad plans: exit 2, neither the XML nor the tap changes
ethtool -C "$TAP" rx-frames 8
inactive vt-tap > "$VT_TMP/x0"
inactive vt-off > "$VT_TMP/o0"
bad() {   # description plan-line needle
    apply "$2"
    inactive vt-tap > "$VT_TMP/x1"
    inactive vt-off > "$VT_TMP/o1"
    if [ $rc = 2 ] && grep -qF "$3" "$VT_TMP/err" && cmp -s "$VT_TMP/x0" "$VT_TMP/x1" &&
       cmp -s "$VT_TMP/o0" "$VT_TMP/o1" && [ "$(rxf "$TAP")" = 8 ]; then
        ok "refused, exit 2, nothing changed: $1 ($(head -1 "$VT_TMP/err"))"
    else
        fail "$1: exit $rc, tap rx-frames $(rxf "$TAP"): $(cat "$VT_TMP/err")"
    fi
}
bad "rx-frames above 64" "vm vt-tap nic $MAC coalesce rx-frames 65" "is not a whole number from 0 to 64"
bad "rx-frames not a number" "vm vt-tap nic $MAC coalesce rx-frames lots" "is not a whole number"
bad "a MAC the VM has not" "vm vt-tap nic 52:54:00:7a:70:09 coalesce rx-frames 64" "has no NIC with MAC 52:54:00:7a:70:09"
bad "live on a VM that is not running" "vm vt-off nic 52:54:00:7a:70:03 coalesce rx-frames 64 live" "vt-off is not running"
if [ -n "$ETH" ]; then
    bad "type ethernet (libvirt refuses <coalesce> there)" "vm vt-tap nic $EMAC coalesce rx-frames 64" "is of type ethernet"
    bad "type ethernet, config only" "vm vt-tap nic $EMAC coalesce rx-frames 64 config" "is of type ethernet"
    [ -n "$VETH" ] && bad "type direct (macvtap)" "vm vt-tap nic $DMAC coalesce rx-frames 64" "is of type direct"
fi
bad "a good line beside a bad one: all or nothing" "vm vt-tap nic $MAC coalesce rx-frames 64
vm vt-tap nic 52:54:00:7a:70:09 coalesce rx-frames 64" "has no NIC with MAC"
say "note: a value the tap refuses (EINVAL) cannot be had from tun: it clamps rx-frames to 64"

# ---- apply: live on the tap and in the inactive definition
ethtool -C "$TAP" rx-frames 0
apply "vm vt-tap nic $MAC coalesce rx-frames 64"
[ $rc = 0 ] || fail "apply rx-frames 64: exit $rc: $(cat "$VT_TMP/err")"
[ "$(rxf "$TAP")" = 64 ] && ok "--apply coalesce rx-frames 64: ethtool -c $TAP shows rx-frames 64" ||
    fail "after the apply ethtool shows rx-frames $(rxf "$TAP")"
inactive vt-tap | tr -d ' \n' | grep -q "<coalesce><rx><framesmax='64'/></rx></coalesce>" &&
    ok "virsh dumpxml --inactive has <coalesce><rx><frames max='64'/></rx></coalesce>" ||
    fail "inactive XML: $(inactive vt-tap | grep -A3 coalesce)"
report
[ "$(nic .coalesce.rx_frames)" = 64 ] && [ "$(nic .coalesce_rx_frames_config)" = 64 ] &&
    ok "the report reads 64 on the tap and in the definition" || fail "report after apply: $(nic .coalesce) $(nic .coalesce_rx_frames_config)"
"$VT" -c "$URI" --check --json > "$VT_TMP/c.json" 2>/dev/null
[ -z "$(jq -r '.findings[] | select(.topic == "coalesce" and .vm == "vt-tap") | .topic' "$VT_TMP/c.json")" ] &&
    ok "advisor: the coalesce finding is gone" || fail "coalesce finding still there"
LOG=$XDG_STATE_HOME/virt-tune/apply.log
grep -q "coalesce rx-frames (live, tap $TAP)" "$LOG" && ok "the apply log has the live step" ||
    fail "apply log: $(cat "$LOG" 2>/dev/null | tail -3)"

# ---- a new tap: libvirt applies the definition's <coalesce> at start
$V destroy vt-tap >/dev/null && $V start vt-tap >/dev/null || fail "destroy + start vt-tap"
[ "$(rxf "$TAP")" = 64 ] && ok "after destroy + start the new tap $TAP has rx-frames 64 (libvirt set it)" ||
    fail "after restart rx-frames $(rxf "$TAP")"

# ---- scope live: the tap only
apply "vm vt-tap nic $MAC coalesce rx-frames 32 live"
[ $rc = 0 ] && [ "$(rxf "$TAP")" = 32 ] && inactive vt-tap | grep -q "frames max='64'" &&
    ok "scope live: tap rx-frames 32, the inactive XML keeps 64" ||
    fail "scope live: exit $rc, tap $(rxf "$TAP"): $(cat "$VT_TMP/err")"

# ---- scope config on a VM that is off
apply "vm vt-off nic 52:54:00:7a:70:03 coalesce rx-frames 16"
[ $rc = 0 ] && inactive vt-off | grep -q "frames max='16'" &&
    ok "a VM that is off: scope both is its definition (rx-frames 16)" ||
    fail "vt-off config: exit $rc: $(cat "$VT_TMP/err")"

# ---- undo: --revert-last puts back what the last apply changed (here the
# vt-off definition), then the one before (the scope live apply: tap 32 -> 64)
"$VT" -c "$URI" --revert-last --yes > "$VT_TMP/rv.out" 2> "$VT_TMP/rv.err"
rc=$?
[ $rc = 0 ] && ! inactive vt-off | grep -q coalesce && [ "$(rxf "$TAP")" = 32 ] &&
    ok "--revert-last: vt-off's definition has no <coalesce> again, the tap is untouched" ||
    fail "--revert-last (1): exit $rc, tap $(rxf "$TAP"): $(cat "$VT_TMP/rv.err" "$VT_TMP/rv.out" | tail -5)"
"$VT" -c "$URI" --revert-last --yes > "$VT_TMP/rv.out" 2> "$VT_TMP/rv.err"
rc=$?
[ $rc = 0 ] && [ "$(rxf "$TAP")" = 64 ] && inactive vt-tap | grep -q "frames max='64'" &&
    ok "--revert-last again: the tap is back at rx-frames 64 (from the scope live apply's 32)" ||
    fail "--revert-last (2): exit $rc, tap $(rxf "$TAP"): $(cat "$VT_TMP/rv.err" "$VT_TMP/rv.out" | tail -5)"
# the first apply (0 -> 64, live and config) is the next one back
"$VT" -c "$URI" --revert-last --yes > "$VT_TMP/rv.out" 2> "$VT_TMP/rv.err"
rc=$?
[ $rc = 0 ] && [ "$(rxf "$TAP")" = 0 ] && ! inactive vt-tap | grep -q coalesce &&
    ok "--revert-last a third time: the first apply undone, tap rx-frames 0 and no <coalesce>" ||
    fail "--revert-last (3): exit $rc, tap $(rxf "$TAP"): $(cat "$VT_TMP/rv.err" "$VT_TMP/rv.out" | tail -5)"
# ---- a step that fails after the ioctl: the tap is put back. vt-b is
# stopped while the question is open, so its live pin fails after vt-tap's
# coalescing was set, and the apply undoes it.
if command -v tmux >/dev/null 2>&1; then
    vt_small_vm vt-b
    TMN=0
    TM="tmux -L vt-taps-$$-$TMN -f /dev/null"
    ethtool -C "$TAP" rx-frames 5
    # pin 1: vt_small_vm pins to CPU 0, and a value already in place is no step
    printf '%s\n' "vm vt-tap nic $MAC coalesce rx-frames 48 live" "vm vt-b iothread 1 pin 1 live" > "$VT_TMP/plan"
    rm -f "$VT_TMP/tty.out" "$VT_TMP/tty.rc"
    $TM new-session -d -x 160 -y 50 "sh -c '\"$VT\" -c \"$URI\" --apply \"$VT_TMP/plan\" > \"$VT_TMP/tty.out\" 2>&1; echo \$? > \"$VT_TMP/tty.rc\"; sleep 30'"
    i=0
    until grep -q "\[y/N\]" "$VT_TMP/tty.out" 2>/dev/null || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
    $V destroy vt-b >/dev/null || fail "destroy vt-b"
    $TM send-keys y Enter
    i=0
    until [ -s "$VT_TMP/tty.rc" ] || [ $i -gt 200 ]; do i=$((i + 1)); sleep 0.1; done
    rc=$(cat "$VT_TMP/tty.rc" 2>/dev/null)
    $TM kill-server 2>/dev/null
    if [ "$rc" = 1 ] && [ "$(rxf "$TAP")" = 5 ] && grep -q "undone" "$VT_TMP/tty.out" &&
       grep -q '"change":"nic '"$MAC"' coalesce rx-frames (live, tap '"$TAP"')".*"result":"undone"' "$LOG"; then
        ok "a later step failed: the tap's rx-frames went 5 -> 48 -> 5 (undone, and logged so)"
    else
        fail "undo after a failing step: exit $rc, tap rx-frames $(rxf "$TAP"): $(cat "$VT_TMP/tty.out")"
    fi
else
    say "note: no tmux: the undo after a failing step is not tried"
fi
exit $VT_FAILED
