#!/bin/sh
# Integration: the console on a real QEMU VM under a private libvirtd, in a
# real terminal (tmux). The VM shows with its IOThread pins; when libvirtd
# dies the console stays up and says so in the status line; q still quits
# to a working prompt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
command -v tmux >/dev/null 2>&1 || cannot_run "tmux is not installed (run tools/setup)"

vt_need_root
SOCK=vt-it-console-$$
TM="tmux -L $SOCK -f /dev/null"
trap '$TM kill-server 2>/dev/null; vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start

cat > "$VT_TMP/vm.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>vt-it-console</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <iothreads>1</iothreads>
  <cputune><vcpupin vcpu='0' cpuset='0'/><iothreadpin iothread='1' cpuset='0'/></cputune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator></devices>
</domain>
XML
virsh -q -c "$URI" define "$VT_TMP/vm.xml" >/dev/null || { fail "define"; exit 1; }
virsh -q -c "$URI" start vt-it-console >/dev/null || { fail "start"; exit 1; }

capture() { $TM capture-pane -p -t it; }
wait_for() { i=0; while ! capture | grep -q -- "$1"; do i=$((i + 1)); [ $i -gt "${2:-100}" ] && return 1; sleep 0.1; done; }

$TM new-session -d -s it -x 100 -y 30 "env TERM=screen LANG=C.UTF-8 PS1='$ ' sh -i"
$TM set-option -g status off >/dev/null
sleep 0.3
$TM send-keys -t it "$VT -c '$URI' -d 0.5" Enter
wait_for 'vt-it-console' && ok "the console lists the VM" || { fail "VM not listed"; capture; exit 1; }
capture | grep -q '^>.*vt-it-console *running' && ok "state running" || fail "state: $(capture | grep vt-it-console)"
$TM send-keys -t it Enter
wait_for 'VM vt-it-console' && ok "detail opens" || fail "detail did not open"
capture | grep -qE '^ 1 +0 +0 ' && ok "IOThread 1 live and config pin 0 shown" ||
    { fail "IOThread row:"; capture | sed -n 3,6p; }

uuid=$(virsh -q -c "$URI" domuuid vt-it-console)
qpid=$(vt_qemu_pid "$uuid")
kill "$(cat "$VT_PID_FILE")"
if wait_for 'disconnected: ' 200; then
    ok "libvirtd killed: the status line says disconnected"
else
    fail "no disconnected status after libvirtd died"; capture | tail -3
fi
capture | grep -q 'VM vt-it-console' && ok "the console is still up, showing the last snapshot" || fail "console gone"
$TM send-keys -t it q
sleep 0.5
$TM send-keys -t it "echo EXIT=\$?" Enter
wait_for 'EXIT=0' 30 && ok "q quits with status 0 after the disconnect" || { fail "exit after disconnect"; capture | tail -4; }
URI=""   # the daemon is gone; its VM's QEMU is ended by hand
[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
[ $VT_FAILED = 0 ] && say "integration console: all checks passed" || say "integration console: FAILED"
exit $VT_FAILED
