#!/bin/sh
# Integration: host edits on this machine's real sysfs, through a private
# libvirtd for the huge page pool (virNodeAllocPages). Each change is read
# back from /sys, then put back with --revert-last and read again. The
# boot-time files go to a scratch --etc-root; /etc is not touched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune

vt_need_root
WQ=/sys/devices/virtual/workqueue/cpumask
POOL=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
HPN=/sys/module/kvm/parameters/halt_poll_ns
[ -w "$WQ" ] || cannot_run "no writable $WQ on this kernel" hardware
[ -f "$POOL" ] || cannot_run "no 2 MiB huge page pool on this kernel" hardware
wq0=$(cat "$WQ"); pool0=$(cat "$POOL")
restore() {   # whatever happens, the machine gets back what this test changed
    [ "$(cat "$WQ")" != "$wq0" ] && echo "$wq0" > "$WQ" 2>/dev/null
    [ "$(cat "$POOL")" = "$((pool0 + 4))" ] && echo "$pool0" > "$POOL" 2>/dev/null
    vt_cleanup
}
trap restore EXIT
trap 'exit 1' INT TERM HUP
vt_libvirtd_start
export XDG_STATE_HOME=$VT_TMP/state
ETC=$VT_TMP/etc-root
mkdir -p "$ETC"
find /etc/modprobe.d /etc/sysctl.d /etc/tmpfiles.d -name '*virt-tune*' > "$VT_TMP/etc.before" 2>/dev/null
say "private libvirtd at $URI; workqueue mask $wq0, 2M pool $pool0"

apply() {   # plan-text [options...]; sets rc
    printf '%s\n' "$1" > "$VT_TMP/plan"
    shift
    "$VT" -c "$URI" --etc-root "$ETC" "$@" > "$VT_TMP/out" 2> "$VT_TMP/err"
    rc=$?
}

# ---- workqueue cpumask: CPU 0 only, read back, then revert
apply "host workqueue_cpus 0 persist" --apply "$VT_TMP/plan" --yes
now=$(cat "$WQ")
# CPU 0 alone: every group zero but the last, which is 1
if [ $rc = 0 ] && [ "$(printf '%s' "$now" | tr -d ',' | sed 's/^0*//')" = 1 ]; then
    ok "workqueue cpumask set to CPU 0: $WQ reads $now"
else
    fail "workqueue: exit $rc, $WQ reads $now: $(cat "$VT_TMP/err" "$VT_TMP/out")"
fi
grep -q "^w /sys/devices/virtual/workqueue/cpumask - - - - " "$ETC/tmpfiles.d/virt-tune.conf" 2>/dev/null &&
    ok "persist: tmpfiles w line in the scratch --etc-root" || fail "no tmpfiles line in $ETC"

# ---- the 2M pool through libvirt: four more pages, read back from sysfs
want=$((pool0 + 4))
apply "host hugepages 2M $want" --apply "$VT_TMP/plan" --yes
now=$(cat "$POOL")
if [ $rc = 0 ] && [ "$now" = "$want" ]; then
    ok "2M pool set through virNodeAllocPages: $POOL reads $now"
elif [ $rc = 1 ] && grep -q "the kernel gave" "$VT_TMP/err" && [ "$now" = "$pool0" ]; then
    ok "the kernel had no 4 more pages: said so and put the pool back ($(cat "$VT_TMP/err"))"
else
    fail "pool: exit $rc, $POOL reads $now (asked $want): $(cat "$VT_TMP/err")"
fi

# ---- halt_poll_ns: read-only on some kernels even for root
hpn0=$(cat "$HPN" 2>/dev/null)
apply "host halt_poll_ns 300000" --apply "$VT_TMP/plan" --yes
if [ -z "$hpn0" ]; then
    [ $rc != 0 ] && ok "no kvm module: refused: $(cat "$VT_TMP/err")" || fail "halt_poll_ns without kvm applied"
elif [ $rc = 2 ] && grep -q "halt_poll_ns is read-only on this kernel" "$VT_TMP/err" && [ "$(cat "$HPN")" = "$hpn0" ]; then
    ok "halt_poll_ns refused, nothing changed: $(cat "$VT_TMP/err")"
elif [ $rc = 0 ] && [ "$(cat "$HPN")" = 300000 ]; then
    ok "halt_poll_ns written and read back (writable on this kernel)"
    "$VT" -c "$URI" --revert-last --yes > /dev/null 2>&1
    [ "$(cat "$HPN")" = "$hpn0" ] && ok "halt_poll_ns put back to $hpn0" || fail "halt_poll_ns not restored"
else
    fail "halt_poll_ns: exit $rc, now $(cat "$HPN"), was $hpn0: $(cat "$VT_TMP/err")"
fi
# with persist a read-only parameter goes to the module options only
apply "host halt_poll_ns 300000 persist" --apply "$VT_TMP/plan" --yes
if [ -n "$hpn0" ] && [ "$(stat -c %a "$HPN")" = 444 ]; then
    [ $rc = 0 ] && grep -q "options kvm halt_poll_ns=300000" "$ETC/modprobe.d/virt-tune-kvm.conf" &&
        [ "$(cat "$HPN")" = "$hpn0" ] && ok "read-only halt_poll_ns persisted for the next module load only" ||
        fail "halt_poll_ns persist: exit $rc: $(cat "$VT_TMP/err")"
fi

# ---- revert: the last apply that went through, then the one before
if [ "$(cat "$POOL")" = "$want" ]; then
    "$VT" -c "$URI" --etc-root "$ETC" --revert-last --yes > "$VT_TMP/out" 2>&1 || fail "revert pool: $(cat "$VT_TMP/out")"
    [ "$(cat "$POOL")" = "$pool0" ] && ok "--revert-last put the 2M pool back to $pool0" ||
        fail "pool after revert: $(cat "$POOL"), was $pool0"
fi
# the pool apply is the newest applied one now only if the halt_poll_ns
# ones were refused; revert until the workqueue mask is back
i=0
while [ "$(cat "$WQ")" != "$wq0" ] && [ $i -lt 4 ]; do
    "$VT" -c "$URI" --etc-root "$ETC" --revert-last --yes > "$VT_TMP/out" 2>&1 || break
    i=$((i + 1))
done
[ "$(cat "$WQ")" = "$wq0" ] && ok "--revert-last put the workqueue mask back to $wq0" ||
    fail "workqueue after revert: $(cat "$WQ"), was $wq0: $(cat "$VT_TMP/out")"

# ---- bad input: clear message, exit 2, nothing written
apply "host workqueue_cpus 4096" --apply "$VT_TMP/plan" --yes
[ $rc = 2 ] && grep -q "line 1: CPU 4096 does not exist on this host" "$VT_TMP/err" && [ "$(cat "$WQ")" = "$wq0" ] &&
    ok "refused: $(cat "$VT_TMP/err")" || fail "bad CPU: exit $rc $(cat "$VT_TMP/err")"
apply "host thp enabled sometimes" --apply "$VT_TMP/plan" --yes
[ $rc = 2 ] && grep -q "line 1: expected: host thp" "$VT_TMP/err" && ok "refused: $(cat "$VT_TMP/err")" ||
    fail "bad THP value: exit $rc"

find /etc/modprobe.d /etc/sysctl.d /etc/tmpfiles.d -name '*virt-tune*' > "$VT_TMP/etc.after" 2>/dev/null
cmp -s "$VT_TMP/etc.before" "$VT_TMP/etc.after" && ok "/etc untouched (persist went to --etc-root)" ||
    fail "files appeared in /etc: $(cat "$VT_TMP/etc.after")"

[ $VT_FAILED = 0 ] && say "integration host: all checks passed" || say "integration host: FAILED"
exit $VT_FAILED
