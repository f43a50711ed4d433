#!/bin/sh
# --report on the demo host (libvirt test driver + the demo sysfs/procfs):
# the snapshot shows every fact the demo was built to show, and errors are
# one line on stderr with a non-zero exit.
set -u
VT=${top_builddir:-.}/virt-tune
command -v jq >/dev/null 2>&1 || { echo "cannot run: jq is not installed (run tools/setup)"; exit 99; }
tmp=$(mktemp -d)
export TMPDIR=$tmp/t
mkdir -p "$TMPDIR"
trap 'rm -rf "$tmp"' EXIT
failed=0
check() {   # description, jq filter that must print true
    if [ "$(jq -r "$2" "$tmp/r.json")" = true ]; then
        echo "ok: $1"
    else
        echo "FAIL: $1   [$2]"; failed=1
    fi
}

"$VT" --demo --report=json > "$tmp/r.json" 2> "$tmp/err" || { echo "FAIL: --demo --report=json exited $?: $(cat "$tmp/err")"; exit 1; }
jq -e . "$tmp/r.json" > /dev/null || { echo "FAIL: not JSON"; exit 1; }
[ -z "$(ls -A "$TMPDIR")" ] && echo "ok: the demo's private copy is gone after the run" ||
    { echo "FAIL: left behind in TMPDIR: $(ls -A "$TMPDIR")"; failed=1; }

check "at least 12 VMs" '(.domains | length) >= 12'
check "host name from the demo procfs" '.host.hostname == "demo-kvm01"'
check "2 NUMA nodes from the demo sysfs cpulists" '[.host.numa_nodes[].cpus] == ["0-7", "8-15"]'
check "halt_poll_ns" '.host.halt_poll_ns == 0'
check "workqueue mask decoded" '.host.workqueue_cpus == "0-15" and .host.workqueue_mask == "ffff"'
check "THP" '.host.thp_enabled == "madvise" and .host.thp_defrag == "madvise"'
check "2M pool per node" '[.host.hugepages[] | select(.size_kib == 2048) | .nodes[] | .nr] == [4608, 1024]'
check "SELinux enforcing, vhost_net loaded" '.host.selinux == "enforcing" and .host.vhost_net_loaded'
check "every schema key on every domain" \
  '[.domains[] | has("name","uuid","state","vcpus","iothreads","hugepages","numatune","numa_spread_kib","seclabel","disks","interfaces")] | all'
check "canonical cpusets" '[.domains[].iothreads[] | .cpuset_config | select(. != null) | test("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")] | all'
check "states: running, paused and shutoff all present" '([.domains[].state] | unique) == ["paused", "running", "shutoff"]'
check "spread for every running VM, null for every shut-off one" \
  '[.domains[] | (.state == "shutoff") == (.numa_spread_kib == null)] | all'
check "a virtio disk without IOThread in a VM that has IOThreads" \
  '[.domains[] | select((.iothreads | length) > 0) | .disks[] | select(.bus == "virtio" and .iothread == null)] | length > 0'
check "IOThreads pinned onto the VM's own vCPU CPUs (build-runner)" \
  '.domains[] | select(.name == "build-runner") | (.iothreads[0].cpuset_config == .vcpupins[0].cpuset)'
check "memory on both nodes against numatune strict 0 (report-srv)" \
  '.domains[] | select(.name == "report-srv") | .numatune.mode == "strict" and .numatune.nodeset == "0" and .numa_spread_kib["1"] > 1048576'
check "well-tuned db-primary: all memory on node 0" \
  '.domains[] | select(.name == "db-primary") | .numa_spread_kib["1"] == 0 and .numa_spread_kib["0"] > 8388608'
check "two running VMs with the same static label" \
  '[.domains[] | select(.state == "running" and .seclabel.type == "static") | .seclabel.label] | group_by(.) | map(length) | max >= 2'
check "seclabel type none" '[.domains[] | select(.seclabel.type == "none")] | length > 0'
check "relabel no" '[.domains[] | select(.seclabel.relabel == "no")] | length > 0'
check "LUN with rawio" '[.domains[].disks[] | select(.device == "lun" and .rawio == "yes")] | length > 0'
check "SCSI disks run in their virtio-scsi controller's IOThread (ora-db01: sda, sdb on scsi0)" \
  '.domains[] | select(.name == "ora-db01") | [.disks[] | select(.bus == "scsi") | [.iothread, .iothread_effective]] == [[null, 2], [null, 2]]'
check "effective IOThread of a virtio disk is its own" \
  '[.domains[].disks[] | select(.bus == "virtio") | .iothread == .iothread_effective] | all'
check "an unset queues= is 1 queue" '[.domains[].interfaces[] | select(.queues == null) | .queues_effective == 1] | all'
check "queues above vCPUs" '[.domains[] | .vcpus as $v | .interfaces[] | select(.queues != null and .queues > $v)] | length > 0'
check "a guest agent channel" '[.domains[] | select(.agent.channel)] | length > 0'
check "1G hugepage VM and its pool" '[.domains[].hugepages[] | select(.size_kib == 1048576)] | length > 0'
check "process label of a running VM from procfs" \
  '.domains[] | select(.name == "db-primary") | .seclabel.process_label | startswith("system_u:system_r:svirt_t:s0:c")'
check "remote access from the demo etc: TCP with SASL, digest-md5" \
  '.host.remote_access.listen_tcp == "1" and .host.remote_access.auth_tcp == "sasl" and .host.remote_access.mech_list == "digest-md5"'
check "wide UTF-8 name kept" '[.domains[] | select(.name == "测试-虚拟机")] | length == 1'
check "every NIC has host_dev, mtu and coalesce (null on the test driver: it makes no taps), and says why" \
    '[.domains[].interfaces[] | has("host_dev") and has("mtu") and .coalesce == null and (.coalesce_why | length > 0)] | all'

"$VT" --demo --report > "$tmp/r.txt" || { echo "FAIL: text report exited $?"; failed=1; }
grep -q '^VM db-primary' "$tmp/r.txt" && grep -q 'halt_poll_ns  *0$' "$tmp/r.txt" &&
    echo "ok: text report" || { echo "FAIL: text report content"; failed=1; }
# the facts read as the console shows them (core/facts.h)
grep -Eq '^  disk sda +block/lun bus scsi .* iothread 2 \(scsi0\) rawio yes$' "$tmp/r.txt" &&
    grep -Eq '^  nic 52:54:00:77:00:b8 .* queues 8/2$' "$tmp/r.txt" &&
    grep -Eq '^  memory +16 GiB$' "$tmp/r.txt" && grep -Eq '^  hugepages +1G on nodes 0$' "$tmp/r.txt" &&
    grep -Eq '^  hugepages 2M +nr ' "$tmp/r.txt" &&
    echo "ok: text report facts: SCSI disk IOThread from scsi0, queues/vCPUs, GiB, page sizes" ||
    { echo "FAIL: text report facts: $(grep -E 'disk sda|queues|^  memory  |hugepages' "$tmp/r.txt" | head -8 | tr '\n' '|')"; failed=1; }

# the node lines name their node; each as the JSON has it
jq -r '.host.numa_nodes[] | "node \(.id): cpus \(.cpus), \(.memory_kib / 1024 | floor) MiB"' "$tmp/r.json" > "$tmp/nodes"
missing=$(while read -r l; do grep -qF "$l" "$tmp/r.txt" || echo "$l"; done < "$tmp/nodes")
[ -s "$tmp/nodes" ] && [ -z "$missing" ] && echo "ok: text report: node lines with their numbers ($(wc -l < "$tmp/nodes"))" ||
    { echo "FAIL: text report node lines: $missing"; failed=1; }
# each disk's source and each NIC's type and source, under its VM (the demo's XML via the JSON)
awk '/^VM / { vm = $0; sub(/^VM /, "", vm); sub(/  \([^()]*\)$/, "", vm) }
     /^  disk / { what = "disk " $2 }
     /^  nic / { what = "nic " $2 }
     /^      source / { s = $0; sub(/^      source /, "", s); print vm " " what " " s }' "$tmp/r.txt" > "$tmp/src.txt"
jq -r '.domains[] | .name as $n | (.disks[] | "\($n) disk \(.target) \(.source // "- (none: an empty drive)")"),
                                  (.interfaces[] | "\($n) nic \(.mac) \(.type) \(.source // "-")")' "$tmp/r.json" > "$tmp/src.json"
if [ -s "$tmp/src.json" ] && cmp -s "$tmp/src.txt" "$tmp/src.json"; then
    echo "ok: text report: every disk's source and NIC's source ($(wc -l < "$tmp/src.json") lines)"
else
    echo "FAIL: text report sources: $(diff "$tmp/src.json" "$tmp/src.txt" | head -6 | tr '\n' '|')"; failed=1
fi
grep -Eq '^      source bridge br-prod$' "$tmp/r.txt" && grep -Eq '^      source /dev/mapper/mpatha$' "$tmp/r.txt" &&
    echo "ok: text report: source bridge br-prod, source /dev/mapper/mpatha" ||
    { echo "FAIL: text report: no bridge or LUN source"; failed=1; }
# remote access as the demo's etc has it (data/demo/etc/libvirt/libvirtd.conf, sasl2/libvirt.conf)
grep -Eq '^  remote access +.*/etc/libvirt/libvirtd\.conf$' "$tmp/r.txt" &&
    grep -Eq '^    listen_tcp +1$' "$tmp/r.txt" && grep -Eq '^    listen_tls +0$' "$tmp/r.txt" &&
    grep -Eq '^    auth_tcp +sasl$' "$tmp/r.txt" && grep -Eq '^    listen_addr +\(default\)$' "$tmp/r.txt" &&
    grep -Eq '^  SASL +.*/etc/sasl2/libvirt\.conf$' "$tmp/r.txt" &&
    grep -Eq '^    mech_list +digest-md5$' "$tmp/r.txt" && grep -Eq '^    sasldb_path +/etc/libvirt/passwd\.db$' "$tmp/r.txt" &&
    grep -Eq '^    warning: mech_list has digest-md5' "$tmp/r.txt" &&
    echo "ok: text report: remote access (TCP with SASL, digest-md5, its warning)" ||
    { echo "FAIL: text report remote access: $(sed -n '/remote access/,/^$/p' "$tmp/r.txt" | head -16 | tr '\n' '|')"; failed=1; }
# the same values as the JSON's remote_access
for k in listen_tls listen_tcp auth_tcp mech_list; do
    v=$(jq -r ".host.remote_access.$k" "$tmp/r.json")
    grep -Eq "^    $k +$v\$" "$tmp/r.txt" || { echo "FAIL: text report $k is not the JSON's $v"; failed=1; }
done
# in Chinese: the labels translated, the columns still line up (display width)
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$VT" --demo --report > "$tmp/zh.txt" 2>&1 ||
        { echo "FAIL: zh_CN text report exited $?"; failed=1; }
    if cmp -s "$tmp/zh.txt" "$tmp/r.txt"; then
        echo "FAIL: zh_CN text report is the English one"; failed=1
    else
        # a translated label is padded by display width: the value still starts at column 28
        for v in demo-kvm01 'test:///' madvise; do
            l=$(grep -m1 -F " $v" "$tmp/zh.txt")
            w=$(printf '%s' "${l%%"$v"*}" | LC_ALL=zh_CN.UTF-8 wc -L)
            [ "$w" = 27 ] || { echo "FAIL: zh_CN text report: '$l': value at column $((w + 1))"; failed=1; }
        done
        [ "$(grep -c '^虚拟机 \|^VM ' "$tmp/zh.txt")" = "$(grep -c '^VM ' "$tmp/r.txt")" ] &&
            echo "ok: zh_CN text report: translated, as many VMs" || { echo "FAIL: zh_CN text report VMs"; failed=1; }
    fi
fi

# a read-only connection still shows everything
"$VT" --demo -r --report=json > "$tmp/ro.json" 2>/dev/null &&
    [ "$(jq '.domains | length' "$tmp/ro.json")" = "$(jq '.domains | length' "$tmp/r.json")" ] &&
    echo "ok: read-only connection (-r)" || { echo "FAIL: read-only connection"; failed=1; }

# LIBVIRT_DEFAULT_URI works as with virsh
LIBVIRT_DEFAULT_URI=test:///default "$VT" --report=json --sysfs-root "$top_srcdir/tests/data/sysfs" \
    --procfs-root "$top_srcdir/tests/data/proc" > "$tmp/d.json" 2>/dev/null &&
    [ "$(jq -r '.domains[0].name' "$tmp/d.json")" = test ] && echo "ok: LIBVIRT_DEFAULT_URI" ||
    { echo "FAIL: LIBVIRT_DEFAULT_URI"; failed=1; }

# Errors: non-zero, exactly one line on stderr, nothing on stdout
expect_error() {   # description, args...
    d=$1; shift
    if "$VT" "$@" > "$tmp/out" 2> "$tmp/err"; then
        echo "FAIL: $d exited 0"; failed=1; return
    fi
    if [ "$(wc -l < "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]; then
        echo "ok: $d: $(cat "$tmp/err")"
    else
        echo "FAIL: $d: stderr [$(cat "$tmp/err")] stdout [$(head -c 200 "$tmp/out")]"; failed=1
    fi
}
expect_error "unreachable URI" -c "test:///nonexistent/host.xml" --report
expect_error "unreadable sysfs root" --demo --sysfs-root /nonexistent/sys --report=json
expect_error "unreadable procfs root" --demo --procfs-root /nonexistent/proc --report=json
expect_error "unknown report format" --demo --report=yaml
expect_error "--demo with -c" --demo -c test:///default --report
exit $failed
