#!/bin/sh
# virt-tune --report=json against what an admin would otherwise run,
# `virsh domstats`, on one test-driver host with 1000 VMs. Prints the
# median wall time of each over RUNS runs, the ratio, and peak memory.
# Targets (issue 2): ratio <= 1.5, peak RSS < 64 MiB.
#
# Two shapes, both printed when run as root:
#  - in-process: test:///FILE, the test driver lives inside each client, so
#    both clients' time and memory include parsing the 1000-VM host;
#  - daemon: test+unix:///FILE through a private libvirtd, as on a real host
#    where the VMs live in the daemon: the clients' memory is their own.
set -eu
VT=${1:-./virt-tune}
N=${N:-1000}
RUNS=${RUNS:-7}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/gen-host.sh" "$N" > "$tmp/host.xml"
# an empty procfs and the demo-less sysfs: the cost measured is libvirt + XML
mkdir -p "$tmp/proc"

now_ns() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timeit() {   # prints ns of one run of "$@"
    s=$(now_ns); "$@" > /dev/null; e=$(now_ns); echo $((e - s))
}

bench() {   # label, URI
    label=$1; uri=$2
    "$VT" -c "$uri" --procfs-root "$tmp/proc" --report=json > "$tmp/r.json"
    got=$(grep -c '"uuid"' "$tmp/r.json")
    [ "$got" -ge "$N" ] || { echo "bench: report lists $got domains, expected $N" >&2; exit 1; }
    i=0; : > "$tmp/vt"; : > "$tmp/virsh"
    while [ $i -lt "$RUNS" ]; do
        timeit "$VT" -c "$uri" --procfs-root "$tmp/proc" --report=json >> "$tmp/vt"
        timeit virsh -c "$uri" domstats >> "$tmp/virsh"
        i=$((i + 1))
    done
    vt=$(median < "$tmp/vt"); vs=$(median < "$tmp/virsh")
    rss=$(/usr/bin/time -f %M "$VT" -c "$uri" --procfs-root "$tmp/proc" --report=json 2>&1 >/dev/null | tail -n1)
    vsrss=$(/usr/bin/time -f %M virsh -c "$uri" domstats 2>&1 >/dev/null | tail -n1)
    awk -v vt="$vt" -v vs="$vs" -v n="$N" -v runs="$RUNS" -v rss="$rss" -v vsrss="$vsrss" -v label="$label" 'BEGIN {
        printf "report-bench (%s): %d VMs on the test driver, median of %d runs\n", label, n, runs
        printf "  virt-tune --report=json  %8.1f ms   peak RSS %6.1f MiB\n", vt / 1e6, rss / 1024
        printf "  virsh domstats           %8.1f ms   peak RSS %6.1f MiB\n", vs / 1e6, vsrss / 1024
        printf "  ratio (virt-tune / virsh domstats): %.2f  (target <= 1.50)\n", vt / vs
        printf "  virt-tune peak memory %.1f MiB, target < 64 MiB: %s\n", rss / 1024, rss < 65536 ? "met" : "NOT met"
    }'
}

bench in-process "test://$tmp/host.xml"

if [ "$(id -u)" = 0 ]; then
    . "$here/../integration/lib.sh"
    trap 'vt_cleanup; rm -rf "$tmp"' EXIT
    vt_libvirtd_start
    sock=${URI#*socket=}
    bench daemon "test+unix://$tmp/host.xml?socket=$sock"
else
    echo "report-bench (daemon): not run, needs root for a private libvirtd"
fi
