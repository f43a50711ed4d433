#!/bin/sh
# Integration: the files virt-tune writes, on a filesystem that is full,
# out of inodes half-way, or read-only (a private tmpfs, as root).
#   --apply of host knobs with `persist` (modprobe.d, tmpfiles.d): refused
#   with the file named, the boot files byte for byte as they were, the
#   sysfs knobs written before rolled back, no temporary file left; when the
#   second file fails after the first was written, the first is put back.
#   `sasl setup` (libvirtd.conf, the SASL conf, the daemon's args file): the
#   same, with the files written before the failing one put back.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
src=$(cd "${top_srcdir:-$here/../..}" && pwd)

[ "$(id -u)" = 0 ] || cannot_run "needs root to mount a private tmpfs"
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
mnt=$VT_TMP/small
mkdir -p "$mnt"
mount -t tmpfs -o size=1m,mode=0755 tmpfs "$mnt" || cannot_run "cannot mount a tmpfs"
trap 'umount -l "$mnt" 2>/dev/null; rm -rf "$VT_TMP"' EXIT
trap 'exit 1' INT TERM HUP
export XDG_STATE_HOME=$VT_TMP/state      # the apply log: on a disk with room
etc=$mnt/etc
cp -a "$src/data/demo/sysfs" "$VT_TMP/sysfs"
chmod -R u+w "$VT_TMP/sysfs"
knob=$VT_TMP/sysfs/module/kvm/parameters/halt_poll_ns
thp=$VT_TMP/sysfs/kernel/mm/transparent_hugepage/enabled

apply() {   # plan text; output in $VT_TMP/out, status in $rc
    printf '%s\n' "$1" > "$VT_TMP/plan"
    "$VT" --demo --sysfs-root "$VT_TMP/sysfs" --etc-root "$etc" --apply "$VT_TMP/plan" --yes > "$VT_TMP/out" 2>&1
    rc=$?
}
same_as_before() {   # what
    if diff -r "$VT_TMP/etc.before" "$etc" > "$VT_TMP/diff" 2>&1; then
        ok "$1: every file under the etc root is byte for byte as before"
    else
        fail "$1: files changed:"; cat "$VT_TMP/diff"
    fi
    left=$(find "$etc" -name '*.tmp??????')
    [ -z "$left" ] || fail "$1: temporary files left: $left"
}
snapshot() { rm -rf "$VT_TMP/etc.before"; cp -a "$etc" "$VT_TMP/etc.before"; }

# The boot files exist already (a first apply, with room), with a backup.
apply 'host halt_poll_ns 100000 persist
host thp enabled madvise persist'
[ $rc = 0 ] || { fail "the first apply: $(cat "$VT_TMP/out")"; exit 1; }
echo 0 > "$knob"
snapshot

# 1. Full: not even the first backup fits.
dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
apply 'host halt_poll_ns 200000 persist
host thp enabled never persist'
[ $rc = 1 ] && ok "full disk: --apply exits 1" || fail "full disk: exit $rc"
grep -q "$etc/modprobe.d/virt-tune-kvm.conf.*No space left" "$VT_TMP/out" &&
    ok "full disk: the error names the file: $(grep -m1 'No space' "$VT_TMP/out" | cut -c1-150)" ||
    { fail "full disk: no file named with ENOSPC:"; cat "$VT_TMP/out"; }
same_as_before "full disk"
[ "$(cat "$knob")" = 0 ] && ok "full disk: the sysfs knob written before was rolled back" ||
    fail "full disk: halt_poll_ns left at $(cat "$knob")"
rm -f "$mnt/fill"

# 2. Room for the first file, not the second: out of inodes half-way. A
#    replace with a backup needs two new inodes at its peak and keeps one.
snapshot
used=$(df --output=iused "$mnt" | tail -n 1 | tr -d ' ')
mount -o remount,nr_inodes=$((used + 2)) "$mnt" || cannot_run "tmpfs cannot be remounted with nr_inodes"
apply 'host halt_poll_ns 300000 persist
host thp enabled never persist'
[ $rc = 1 ] && ok "half-way: --apply exits 1" || fail "half-way: exit $rc"
grep -qE '^ +undone +host: .*modprobe.d/virt-tune-kvm.conf' "$VT_TMP/out" &&
    ok "half-way: the first boot file was written, then put back" || { fail "half-way: first file:"; cat "$VT_TMP/out"; }
grep -q "$etc/tmpfiles.d/virt-tune.conf" "$VT_TMP/out" || fail "half-way: the failing file is not named"
same_as_before "half-way"
[ "$(cat "$knob")" = 0 ] && ok "half-way: the sysfs knobs were rolled back" || fail "half-way: halt_poll_ns $(cat "$knob")"
mount -o remount,nr_inodes=$((used + 1000)) "$mnt"

# 3. Read-only.
snapshot
mount -o remount,ro "$mnt"
apply 'host halt_poll_ns 400000 persist'
[ $rc = 1 ] && ok "read-only: --apply exits 1" || fail "read-only: exit $rc"
grep -q "$etc/modprobe.d/virt-tune-kvm.conf.*Read-only file system" "$VT_TMP/out" &&
    ok "read-only: the error names the file" || { fail "read-only: message:"; cat "$VT_TMP/out"; }
same_as_before "read-only"
mount -o remount,rw "$mnt"

# 4. sasl setup, half-way: libvirtd.conf written, the SASL conf not.
mkdir -p "$etc/libvirt" "$etc/sasl2" "$VT_TMP/no-units"
cp "$src/data/demo/etc/libvirt/libvirtd.conf" "$etc/libvirt/"
sed -i '/^listen_tcp\|^listen_tls\|^auth_tcp\|^listen_addr/d' "$etc/libvirt/libvirtd.conf"
printf '# scratch SASL conf\nmech_list: gssapi\n' > "$etc/sasl2/libvirt.conf"
snapshot
setup() {
    "$VT" sasl setup --etc-root "$etc" --unit-dir "$VT_TMP/no-units" --transport tcp-digest-md5 \
        --allow-deprecated --listen-addr 127.0.0.1 --yes > "$VT_TMP/out" 2>&1
    rc=$?
}
used=$(df --output=iused "$mnt" | tail -n 1 | tr -d ' ')
mount -o remount,nr_inodes=$((used + 2)) "$mnt"
setup
[ $rc != 0 ] && ok "sasl setup half-way: exits $rc" || fail "sasl setup half-way: exit 0"
grep -q "got its old content back: nothing is changed" "$VT_TMP/out" &&
    ok "sasl setup half-way: $(grep -m1 'virt-tune:' "$VT_TMP/out" | cut -c1-160)" ||
    { fail "sasl setup half-way: message:"; cat "$VT_TMP/out"; }
same_as_before "sasl setup half-way"
mount -o remount,nr_inodes=$((used + 1000)) "$mnt"

# 5. sasl setup on a read-only filesystem.
mount -o remount,ro "$mnt"
setup
[ $rc != 0 ] && grep -q "Read-only file system" "$VT_TMP/out" && ok "sasl setup read-only: refused in words" ||
    { fail "sasl setup read-only: exit $rc"; cat "$VT_TMP/out"; }
same_as_before "sasl setup read-only"
mount -o remount,rw "$mnt"

# And with room it works, so the cases above failed for the reason given.
setup
[ $rc = 0 ] && grep -q '^auth_tcp = "sasl"$' "$etc/libvirt/libvirtd.conf" &&
    ok "with room: sasl setup writes the files" || { fail "with room: sasl setup: $rc"; cat "$VT_TMP/out"; }

# 6. Not root: a host write is refused before anything is tried, in words.
if command -v setpriv >/dev/null 2>&1; then
    nob=$VT_TMP/nobody
    mkdir -p "$nob/tmp" "$nob/home" "$nob/data"
    cp "$VT" "$nob/virt-tune"
    cp -a "$src/data/demo" "$nob/data/"
    chown nobody "$nob/tmp" "$nob/home"
    chmod -R a+rX "$nob" "$VT_TMP/sysfs"
    chmod 0755 "$VT_TMP"
    printf 'host halt_poll_ns 5000\nhost thp enabled never persist\n' > "$nob/plan"
    chmod 0644 "$nob/plan"
    before=$(cat "$knob")
    setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin HOME="$nob/home" \
        TMPDIR="$nob/tmp" VIRT_TUNE_DATADIR="$nob/data" "$nob/virt-tune" --demo --sysfs-root "$VT_TMP/sysfs" \
        --etc-root "$etc" --apply "$nob/plan" --yes > "$VT_TMP/out" 2>&1
    rc=$?
    if [ $rc != 0 ] && grep -q "writing $knob needs root" "$VT_TMP/out"; then
        ok "as nobody: refused before trying: $(grep -m1 'needs root' "$VT_TMP/out")"
    else
        fail "as nobody: exit $rc:"; cat "$VT_TMP/out"
    fi
    grep -q 'Applying' "$VT_TMP/out" && fail "as nobody: the apply started"
    [ "$(cat "$knob")" = "$before" ] || fail "as nobody: the knob changed"
else
    say "note: setpriv is missing: the not-root check is left out"
fi

[ $VT_FAILED = 0 ] && say "integration files: all checks passed" || say "integration files: FAILED"
exit $VT_FAILED
