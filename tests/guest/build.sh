#!/bin/sh
# Build, once, a small real Linux guest for the integration tests: the
# kernel of Debian's linux-image-cloud-amd64 and an initramfs of
# busybox-static, qemu-guest-agent and the virtio modules, with an /init
# that starts qemu-ga and runs a workload named on the kernel command line
# (vt.load=idle|spin:N|disk, vt.block=RPC,RPC...).
#
# The result is cached in ${VT_GUEST_CACHE:-/var/cache/virt-tune-tests/guest}
# as vmlinuz and initrd.gz, keyed by the three packages' versions and this
# script's own checksum; a second run with the same key does nothing.
# Prints the cache directory on the last line of stdout.
# Exit status: 0 built or cached; 77 (skip) only when a package cannot be
# downloaded (no Debian archive reachable); 1 on any other failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${VT_GUEST_CACHE:-/var/cache/virt-tune-tests/guest}
say() { printf 'guest/build: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
skip() { say "cannot build the guest: $*"; exit 77; }

command -v apt-get >/dev/null 2>&1 ||
    skip "no apt-get: the guest is made of Debian packages (linux-image-cloud-amd64, busybox-static, qemu-guest-agent)"
for t in apt-get apt-cache dpkg-deb dpkg-query cpio gzip ldd sha256sum; do
    command -v "$t" >/dev/null 2>&1 || die "$t is not installed (run tools/setup)"
done

# The kernel image package the meta-package points at, and its version.
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -1)
[ -n "$kpkg" ] || skip "apt-cache knows no linux-image-cloud-amd64 (apt-get update? a Debian archive in sources.list?)"
kver=$(apt-cache show --no-all-versions "$kpkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1)

# busybox-static and qemu-guest-agent: the installed ones (tools/setup
# installs them), else the archive's candidate, downloaded like the kernel.
pkgver() {
    v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null | sed -n 's/^install ok installed //p')
    [ -n "$v" ] && { echo "installed $v"; return; }
    v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ -n "$v" ] && [ "$v" != "(none)" ] && { echo "download $v"; return; }
    echo ""
}
bbver=$(pkgver busybox-static)
gaver=$(pkgver qemu-guest-agent)
[ -n "$bbver" ] || skip "busybox-static is neither installed nor known to apt"
[ -n "$gaver" ] || skip "qemu-guest-agent is neither installed nor known to apt"

key="$kpkg $kver; busybox-static ${bbver#* }; qemu-guest-agent ${gaver#* }; build.sh+init $(cat "$0" "$here/init" | sha256sum | cut -c1-16)"
if [ -f "$cache/key" ] && [ "$(cat "$cache/key")" = "$key" ] &&
   [ -s "$cache/vmlinuz" ] && [ -s "$cache/initrd.gz" ]; then
    say "cached: $key"
    echo "$cache"
    exit 0
fi

mkdir -p "$cache"
# one builder at a time; the loser waits and then finds the cache filled
exec 9>"$cache/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -f "$cache/key" ] && [ "$(cat "$cache/key")" = "$key" ] &&
   [ -s "$cache/vmlinuz" ] && [ -s "$cache/initrd.gz" ]; then
    say "cached (built meanwhile): $key"
    echo "$cache"
    exit 0
fi
say "building: $key"

w=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$w"' EXIT
chmod 0755 "$w"   # apt-get download drops privileges to _apt when it can

download() {   # package [version]: extracts into $w/pkg/PACKAGE
    spec=$1${2:+=$2}
    ( cd "$w" && apt-get download -q "$spec" ) >"$w/dl.log" 2>&1 ||
        skip "apt-get download $spec failed: $(grep -v '^W:' "$w/dl.log" | tail -2 | tr '\n' ' ')"
    deb=$(ls "$w"/"$1"_*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || skip "apt-get download $spec left no .deb"
    mkdir -p "$w/pkg/$1"
    dpkg-deb -x "$deb" "$w/pkg/$1" || die "dpkg-deb -x $deb failed"
    rm -f "$deb"
}

download "$kpkg" "$kver"
kroot=$w/pkg/$kpkg
vmlinuz=$(ls "$kroot"/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "$kpkg has no /boot/vmlinuz-*"
krel=${vmlinuz##*/vmlinuz-}
mods=$kroot/lib/modules/$krel
[ -d "$mods" ] || mods=$kroot/usr/lib/modules/$krel

if [ "${bbver%% *}" = installed ]; then
    busybox=$(dpkg -L busybox-static | grep -m1 '/bin/busybox$')
else
    download busybox-static "${bbver#* }"
    busybox=$w/pkg/busybox-static/bin/busybox
fi
if [ "${gaver%% *}" = installed ]; then
    qemuga=$(dpkg -L qemu-guest-agent | grep -m1 '/sbin/qemu-ga$')
else
    download qemu-guest-agent "${gaver#* }"
    qemuga=$w/pkg/qemu-guest-agent/usr/sbin/qemu-ga
fi
[ -x "$busybox" ] || die "no busybox binary in busybox-static"
[ -x "$qemuga" ] || die "no qemu-ga binary in qemu-guest-agent"

r=$w/root
mkdir -p "$r/bin" "$r/sbin" "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/tmp" \
    "$r/etc" "$r/lib/modules" "$r/usr/sbin" "$r/var"
ln -s ../run "$r/var/run"
cp "$busybox" "$r/bin/busybox"
ln -s busybox "$r/bin/sh"
cp "$qemuga" "$r/usr/sbin/qemu-ga"
# qemu-ga's libraries, as ldd resolves them on this host (the same Debian
# release as the package), at the same paths, and the dynamic loader
ldd "$qemuga" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }' |
while read -r lib; do
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
done
ldso=$(ldd "$qemuga" | awk '/^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }')
[ -n "$ldso" ] && [ -f "$r$ldso" ] || die "ldd names no dynamic loader for qemu-ga"

# The virtio modules, in dependency order. Compressed ones are
# decompressed here, so the guest's insmod needs no decompressor.
: > "$r/lib/modules/order"
missing=""
builtin=""
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
         virtio_console virtio_blk failover net_failover virtio_net; do
    f=$(find "$mods/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" 2>/dev/null | head -1)
    if [ -z "$f" ]; then
        if grep -qs "/$m.ko\$" "$mods/modules.builtin"; then builtin="$builtin $m"; else missing="$missing $m"; fi
        continue
    fi
    case $f in
    *.ko.xz)  xz -dc "$f" > "$r/lib/modules/$m.ko" ;;
    *.ko.zst) zstd -dc "$f" > "$r/lib/modules/$m.ko" ;;
    *.ko.gz)  gzip -dc "$f" > "$r/lib/modules/$m.ko" ;;
    *)        cp "$f" "$r/lib/modules/$m.ko" ;;
    esac
    echo "$m" >> "$r/lib/modules/order"
done
say "modules: $(tr '\n' ' ' < "$r/lib/modules/order")"
[ -n "$builtin" ] && say "built into the kernel:$builtin"
[ -n "$missing" ] && say "not found (skipped):$missing"

cp "$here/init" "$r/init"
chmod 0755 "$r/init"
echo "vt-guest $key" > "$r/etc/vt-guest"

( cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 ) | gzip -9 > "$w/initrd.gz" ||
    die "cpio/gzip of the initramfs failed"
cp "$vmlinuz" "$w/vmlinuz"
mv -f "$w/vmlinuz" "$cache/vmlinuz"
mv -f "$w/initrd.gz" "$cache/initrd.gz"
echo "$key" > "$cache/key"
chmod 0644 "$cache/vmlinuz" "$cache/initrd.gz" "$cache/key"
say "built: $cache/vmlinuz ($krel), $cache/initrd.gz ($(du -k "$cache/initrd.gz" | cut -f1) KiB)"
echo "$cache"
