# Shared by the integration tests: a private libvirtd in its own mount
# namespace (see DESIGN.md), beside whatever else runs on the machine.
# Source it; call vt_need_root, vt_libvirtd_start, and trap vt_cleanup.

VT_FAILED=0
VT_TMP=""
VT_PID_FILE=""
VT_HP_SAVED=""
URI=""

say()  { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; VT_FAILED=1; }
ok()   { printf 'ok: %s\n' "$*"; }

# Exit codes understood by automake: 77 skip, 99 hard error.
cannot_run() {
    # $1: reason; $2: "hardware" when the reason is a missing hardware or
    # kernel feature (the only reason CI accepts for not running).
    printf 'cannot run: %s\n' "$1"
    if [ "${2:-}" = hardware ] || [ "${CI:-}" != true ]; then
        exit 77
    fi
    exit 99
}

vt_need_root() {
    [ "$(id -u)" = 0 ] || cannot_run "needs root for a private libvirtd and the host knobs"
    for t in libvirtd virsh qemu-system-x86_64 jq unshare; do
        command -v "$t" >/dev/null 2>&1 || cannot_run "$t is not installed (run tools/setup)"
    done
}

# KVM when /dev/kvm exists, else TCG. Sets VT_VIRT_TYPE.
vt_prepare_kvm() {
    if [ -c /dev/kvm ]; then
        # libvirt re-probes QEMU on every define otherwise (DESIGN.md)
        getent group kvm >/dev/null 2>&1 && chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
        VT_VIRT_TYPE=kvm
    else
        say "note: no /dev/kvm, VMs run under TCG"
        VT_VIRT_TYPE=qemu
    fi
}

# Make N free 2 MiB huge pages available on a mounted hugetlbfs; the old
# pool size is restored by vt_cleanup. Sets VT_HUGEPAGES=yes|no.
vt_prepare_hugepages() {
    want=$1
    pool=/sys/kernel/mm/hugepages/hugepages-2048kB
    VT_HUGEPAGES=no
    [ -d "$pool" ] || { say "note: no 2 MiB huge page support in this kernel"; return 0; }
    if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
        mkdir -p /dev/hugepages
        mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null ||
            { say "note: cannot mount hugetlbfs"; return 0; }
    fi
    VT_HP_SAVED=$(cat "$pool/nr_hugepages")
    free=$(cat "$pool/free_hugepages")
    if [ "$free" -lt "$want" ]; then
        echo $(( VT_HP_SAVED + want - free )) > "$pool/nr_hugepages" 2>/dev/null || true
    fi
    free=$(cat "$pool/free_hugepages")
    if [ "$free" -ge "$want" ]; then
        VT_HUGEPAGES=yes
    else
        say "note: only $free free 2 MiB pages could be reserved (wanted $want)"
    fi
}

# VT_LIBVIRTD_CONF: extra libvirtd.conf lines; VT_LIBVIRTD_ARGS: extra
# arguments (--listen); the caller's environment (SASL_CONF_PATH) is passed.
vt_libvirtd_start() {
    [ -n "$VT_TMP" ] || VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
    chmod 0755 "$VT_TMP"
    VT_D=$VT_TMP    # not T: the screen tests use T for tmux
    mkdir -p "$VT_D/run" "$VT_D/lib" "$VT_D/cache" "$VT_D/log" "$VT_D/sock"
    mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
    # VT_LIBVIRTD_KEEP_ETC=1: start again on the configuration as it is now
    if [ "${VT_LIBVIRTD_KEEP_ETC:-}" != 1 ]; then
        rm -rf "$VT_D/etc"
        cp -a /etc/libvirt "$VT_D/etc"
        rm -f "$VT_D"/etc/qemu/*.xml "$VT_D"/etc/qemu/autostart/*.xml 2>/dev/null || true
        echo 'stdio_handler = "file"' >> "$VT_D/etc/qemu.conf"
        echo "unix_sock_dir = \"$VT_D/sock\"" > "$VT_D/etc/libvirtd.conf"
        [ -n "${VT_LIBVIRTD_CONF:-}" ] && printf '%s\n' "$VT_LIBVIRTD_CONF" >> "$VT_D/etc/libvirtd.conf"
    fi
    VT_PID_FILE=$VT_D/pid
    unshare -m --propagation private sh -c "
        mount --bind $VT_D/run /run/libvirt &&
        mount --bind $VT_D/lib /var/lib/libvirt &&
        mount --bind $VT_D/cache /var/cache/libvirt &&
        mount --bind $VT_D/log /var/log/libvirt &&
        mount --bind $VT_D/etc /etc/libvirt &&
        exec libvirtd -d ${VT_LIBVIRTD_ARGS:-} --pid-file $VT_D/pid" || cannot_run "the private libvirtd did not start"
    URI="qemu+unix:///system?socket=$VT_D/sock/libvirt-sock"
    i=0
    until virsh -q -c "$URI" version >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 100 ] && cannot_run "the private libvirtd does not answer on $VT_D/sock"
        sleep 0.1
    done
    export URI
}

# Stop the private libvirtd (keeping VT_TMP), e.g. to start it again with
# another configuration.
vt_libvirtd_stop() {
    if [ -n "$VT_PID_FILE" ] && [ -f "$VT_PID_FILE" ]; then
        kill "$(cat "$VT_PID_FILE")" 2>/dev/null
        i=0
        while kill -0 "$(cat "$VT_PID_FILE" 2>/dev/null)" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1; i=$((i + 1))
        done
        rm -f "$VT_PID_FILE"
    fi
}

# A TCP port on 127.0.0.1 that nothing listens on.
vt_free_port() {
    p=$((20000 + $$ % 20000))
    while ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

vt_cleanup() {
    if [ -n "$URI" ]; then
        for d in $(virsh -q -c "$URI" list --name 2>/dev/null); do
            virsh -q -c "$URI" destroy "$d" >/dev/null 2>&1
        done
        for d in $(virsh -q -c "$URI" list --all --name 2>/dev/null); do
            virsh -q -c "$URI" undefine "$d" >/dev/null 2>&1
        done
    fi
    vt_libvirtd_stop
    if [ -n "$VT_HP_SAVED" ]; then
        echo "$VT_HP_SAVED" > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
    fi
    [ -n "$VT_TMP" ] && rm -rf "$VT_TMP"
}

# A small VM (128 MiB, 1 vCPU, 1 IOThread, all pinned to CPU 0, no disk)
# written to $VT_TMP/NAME.xml, defined and started under $URI; exits the
# test when libvirt refuses.
vt_small_vm() {   # name
    cat > "$VT_TMP/$1.xml" <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <iothreads>1</iothreads>
  <cputune><vcpupin vcpu='0' cpuset='0'/><iothreadpin iothread='1' cpuset='0'/></cputune>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator></devices>
</domain>
XML
    virsh -q -c "$URI" define "$VT_TMP/$1.xml" >/dev/null || { fail "define $1"; exit 1; }
    virsh -q -c "$URI" start "$1" >/dev/null || { fail "start $1"; exit 1; }
}

# pid of the QEMU process whose argv has "-uuid UUID"
vt_qemu_pid() {
    for p in /proc/[0-9]*; do
        if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q -- "-uuid $1 "; then
            echo "${p#/proc/}"; return 0
        fi
    done
    return 1
}

# "node kib" lines summed from a numa_maps file, the numastat way
vt_numa_maps_kib() {
    awk '{ ps = 4
           for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); ps = a[2] }
           for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); kib[a[1]] += a[2] * ps } }
         END { for (n in kib) print n, kib[n] }' "$1" | sort -n
}

# The test guest of tests/guest/build.sh: builds it (or finds it cached)
# and sets VT_GUEST_DIR; skips the test when its packages cannot be had.
vt_guest_build() {
    "$here/../guest/build.sh" > "$VT_TMP/guest-build.out" 2> "$VT_TMP/guest-build.err"
    rc=$?
    sed 's/^/  /' "$VT_TMP/guest-build.err"
    VT_GUEST_DIR=$(tail -1 "$VT_TMP/guest-build.out")
    [ $rc = 77 ] && cannot_run "the test guest cannot be built: $(tail -1 "$VT_TMP/guest-build.err")"
    [ $rc = 0 ] && [ -s "$VT_GUEST_DIR/vmlinuz" ] || { fail "tests/guest/build.sh failed ($rc)"; exit 1; }
}

# Domain XML of the test guest on stdout: TCG (type='qemu': under the nested
# KVM of these machines a Linux guest prints nothing, and host CPU models
# fail on MSR 0x10a), 2 vCPUs, 256 MiB, its kernel and initramfs booted
# directly, the serial console written to $VT_TMP/NAME.console (the test
# waits there for "vt-guest: ready"), the guest agent's virtio-serial
# channel and a 64 MiB raw virtio disk $VT_TMP/NAME.raw.
vt_guest_xml() {   # name load [block]
    truncate -s 64M "$VT_TMP/$1.raw"
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$VT_GUEST_DIR/vmlinuz</kernel>
    <initrd>$VT_GUEST_DIR/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 vt.load=$2${3:+ vt.block=$3}</cmdline>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$VT_TMP/$1.raw'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path='$VT_TMP/$1.console'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

# Wait until the guest's agent answers guest-ping through libvirt; 1 after
# TIMEOUT seconds. Sets VT_GUEST_WAITED to the seconds it took.
vt_guest_wait() {   # name timeout
    _vt_gw_t0=$(date +%s.%N)   # sh has no locals: names a caller will not use
    _vt_gw_end=$(( $(date +%s) + $2 ))
    until virsh -q -c "$URI" qemu-agent-command "$1" '{"execute":"guest-ping"}' --timeout 2 2>/dev/null | grep -q '"return"'; do
        [ "$(date +%s)" -ge "$_vt_gw_end" ] && return 1
        sleep 0.2
    done
    VT_GUEST_WAITED=$(echo "$(date +%s.%N) $_vt_gw_t0" | awk '{ printf "%.1f", $1 - $2 }')
}

# A private daemon for test-driver host N (of a fleet) serving a copy of a
# host file under $VT_TEST_HOSTS/dN, its API calls logged. Sets H<N>_URI
# (test+unix://FILE?socket=SOCK), H<N>_PID, H<N>_LOG and adds the pid to
# PIDS (the caller stops them: SIGCONT, then SIGTERM).
vt_test_host() {   # n host.xml
    VT_TMP=$VT_TEST_HOSTS/d$1
    mkdir -p "$VT_TMP"
    cp "$2" "$VT_TMP/host.xml"
    VT_LIBVIRTD_CONF="log_filters=\"1:libvirt.domain 4:*\"
log_outputs=\"1:file:$VT_TMP/api.log\""
    vt_libvirtd_start
    eval "H$1_URI='test+unix://$VT_TMP/host.xml?socket=$VT_D/sock/libvirt-sock'"
    eval "H$1_PID=$(cat "$VT_D/pid")"
    eval "H$1_LOG=$VT_TMP/api.log"
    PIDS="$PIDS $(cat "$VT_D/pid")"
}

# The XML of a small VM "vt-none" without sVirt (<seclabel type='none'/>),
# on stdout: the advisor's svirt failure.
vt_seclabel_none_vm() {
    cat <<XML
<domain type='$VT_VIRT_TYPE'>
  <name>vt-none</name>
  <memory unit='MiB'>128</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator></devices>
  <seclabel type='none'/>
</domain>
XML
}
