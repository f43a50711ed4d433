#!/bin/sh
# Issue 15 item 2 on the demo host: two edits that used to recreate the
# advisor's warnings in silence.
#   vm db-primary iothread 1 pin 2 both   (the IOThread onto vCPU 0's CPU)
#   vm db-primary numatune strict 1       (8 GiB of 2M pages to node 1,
#                                          which has 1024 free)
# --dry-run shows the steps and the memnode the numatune edit moves with it
# (and why it leaves ora-db01's per-node cells), and changes nothing: the
# demo's files stay byte for byte, and no demo copy is left behind. The
# would-be state of each edit (the demo's host.xml as the dry run's diff
# says it becomes) is then judged by the advisor, which names what the edit
# would bring: the vCPU and CPU, the node, its free pages and the need; and
# the memnode the edit used to leave behind, had it not moved it.
set -u
VT=${top_builddir:-.}/virt-tune
DATA=${VIRT_TUNE_DATADIR:-${top_srcdir:-.}/data}
command -v jq >/dev/null 2>&1 || { echo "cannot run: jq is not installed (run tools/setup)"; exit 99; }
tmp=$(mktemp -d)
export TMPDIR=$tmp/t
mkdir -p "$TMPDIR"
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failed=1; }
sums() { (cd "$DATA/demo" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

sums > "$tmp/before"
printf 'vm db-primary iothread 1 pin 2 both\n' > "$tmp/pin.plan"
printf 'vm db-primary numatune strict 1\n' > "$tmp/numa.plan"
printf 'vm ora-db01 numatune strict 1\n' > "$tmp/cells.plan"
for p in pin numa cells; do
    if "$VT" --demo --apply "$tmp/$p.plan" --dry-run > "$tmp/$p.out" 2>&1; then
        ok "$p.plan: dry run exits 0"
    else
        bad "$p.plan: dry run: $(tail -3 "$tmp/$p.out")"
    fi
    grep -q '^Dry run: nothing was changed\.$' "$tmp/$p.out" || bad "$p.plan: no 'nothing was changed'"
done
grep -q 'iothread 1 pin (config): 6 -> 2   (line 1)' "$tmp/pin.out" &&
    ok "the pin's step: iothread 1 pin (config): 6 -> 2" || bad "pin.plan: $(cat "$tmp/pin.out")"
grep -q 'memnode 0 nodeset (config): 0 -> 1   (line 1)' "$tmp/numa.out" &&
    grep -q '^       +    <memnode cellid="0" mode="strict" nodeset="1"/>$' "$tmp/numa.out" &&
    ok "the numatune edit moves memnode 0 with it: memnode 0 nodeset (config): 0 -> 1" ||
    bad "numa.plan: $(cat "$tmp/numa.out")"
grep -q "^warning: line 1: ora-db01: numatune strict 1 leaves the guest cells' memnodes outside it (cell 0 on node 0): the cells are bound one per host node on purpose;" "$tmp/cells.out" &&
    ! grep -q 'memnode .* nodeset (config)' "$tmp/cells.out" &&
    ok "ora-db01's cells bound per node are left, and the warning says why" ||
    bad "cells.plan: $(cat "$tmp/cells.out")"
sums > "$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok "the demo's files are unchanged" ||
    bad "the demo's files changed: $(diff "$tmp/before" "$tmp/after" | head -5)"
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && ok "no demo copy is left in TMPDIR" || bad "left in TMPDIR: $left"

# The advisor on the demo as it is: db-primary is well tuned
check() { # name, data dir -> $tmp/NAME.json
    VIRT_TUNE_DATADIR=$2 "$VT" --demo --check --json > "$tmp/$1.json" 2> "$tmp/$1.err"
    jq -e . "$tmp/$1.json" > /dev/null || bad "$1: --check --json: $(cat "$tmp/$1.err")"
}
summaries() { jq -r --arg v "$2" '.findings[] | select(.vm == $v and .severity != "info") | "\(.topic): \(.summary)"' "$tmp/$1.json"; }
check now "$DATA"
[ -z "$(summaries now db-primary)" ] && ok "db-primary as it is: no warning" ||
    bad "db-primary as it is: $(summaries now db-primary)"

# The would-be states: a copy of the demo's data with host.xml edited as
# the dry run's diff shows (only db-primary's elements change)
edit() { # name, awk program over db-primary's <domain>
    mkdir -p "$tmp/$1" && cp -R "$DATA/demo" "$tmp/$1/" &&
        awk -v prog="$2" '
            /<name>db-primary<\/name>/ { in_vm = 1 }
            in_vm && prog == "pin" && /<iothreadpin iothread=.1. cpuset=.6.\/>/ { sub(/cpuset=.6./, "cpuset=\x272\x27") }
            in_vm && (prog == "numa" || prog == "numa-old") && /<memory mode=.strict. nodeset=.0.\/>/ { sub(/nodeset=.0./, "nodeset=\x271\x27") }
            in_vm && prog == "numa" && /<memnode cellid=.0. mode=.strict. nodeset=.0.\/>/ { sub(/nodeset=.0./, "nodeset=\x271\x27") }
            /<\/domain>/ { in_vm = 0 }
            { print }' "$DATA/demo/host.xml" > "$tmp/$1/demo/host.xml"
    n=$(diff "$DATA/demo/host.xml" "$tmp/$1/demo/host.xml" | grep -c '^>')
    echo "$n"
}
[ "$(edit pin pin)" = 1 ] || bad "the pin's would-be host.xml is not one changed line"
check pin "$tmp/pin"
summaries pin db-primary | grep -qx 'iothread: IOThread 1 pinned to CPU 2, where vCPU 0 is pinned' &&
    ok "after the pin: $(summaries pin db-primary | head -1)" || bad "after the pin: $(summaries pin db-primary)"
fix=$(jq -r '.findings[] | select(.vm == "db-primary" and .topic == "iothread") | .fix' "$tmp/pin.json")
[ "$fix" = "vm db-primary iothread 1 pin 0-1,6-7 both" ] && ok "its fix stays on node 0, off the vCPUs: $fix" ||
    bad "the pin's fix: $fix"

[ "$(edit numa numa)" = 2 ] || bad "the numatune's would-be host.xml is not two changed lines"
check numa "$tmp/numa"
summaries numa db-primary | grep -qx 'hugepages: its 2M page pool on node 1 holds 1024 for it, it needs 4096: it would not start again' &&
    ok "after the numatune: $(summaries numa db-primary | grep hugepages)" || bad "after the numatune: $(summaries numa db-primary)"
ev=$(jq -r '.findings[] | select(.vm == "db-primary" and .topic == "hugepages") | .evidence' "$tmp/numa.json")
case $ev in
*"1024 free + 0 of its own"*"it holds 4096 x 2M on node 0, outside them"*) ok "its evidence: $ev" ;;
*) bad "the numatune's evidence: $ev" ;;
esac
summaries numa db-primary | grep -q 'outside numatune' && bad "the memnode moved with the numatune, yet: $(summaries numa db-primary)"
# what the numatune edit left before issue 15: the memnode on node 0
[ "$(edit numa-old numa-old)" = 1 ] || bad "the old edit's would-be host.xml is not one changed line"
check numa-old "$tmp/numa-old"
summaries numa-old db-primary | grep -qx 'numa: guest cell 0 bound to node 0, outside numatune strict 1' &&
    ok "the memnode the old edit left behind: $(summaries numa-old db-primary | grep outside)" ||
    bad "the old edit's state: $(summaries numa-old db-primary)"

[ $failed = 0 ] && echo "pins and numatune on the demo: all checks passed"
exit $failed
