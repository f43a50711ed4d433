#!/bin/sh
# --check on the demo host: at least one finding of every topic of the
# guides, the exit code of the worst one, and every fix together is a plan
# that --apply accepts (dry run).
set -u
VT=${top_builddir:-.}/virt-tune
command -v jq >/dev/null 2>&1 || { echo "cannot run: jq is not installed (run tools/setup)"; exit 99; }
tmp=$(mktemp -d)
export TMPDIR=$tmp/t
mkdir -p "$TMPDIR"
trap 'rm -rf "$tmp"' EXIT
failed=0

"$VT" --demo --check --json > "$tmp/c.json" 2> "$tmp/err"
rc=$?
jq -e . "$tmp/c.json" > /dev/null || { echo "FAIL: --check --json is not JSON: $(cat "$tmp/err")"; exit 1; }
if [ $rc = 2 ] && [ "$(jq .exit "$tmp/c.json")" = 2 ] && [ "$(jq '[.findings[] | select(.severity == "failure")] | length' "$tmp/c.json")" -gt 0 ]; then
    echo "ok: --check exits 2 on the demo's failures"
else
    echo "FAIL: --check exit $rc"; failed=1
fi
for t in iothread cpu-pin disk-cache lun kworker halt-poll hugepages numa svirt sasl qemu-ga vhost multiqueue; do
    n=$(jq --arg t "$t" '[.findings[] | select(.topic == $t)] | length' "$tmp/c.json")
    if [ "$n" -gt 0 ]; then
        echo "ok: topic $t: $n finding(s), e.g. $(jq -r --arg t "$t" '[.findings[] | select(.topic == $t)][0] | "\(.vm // "host"): \(.summary)"' "$tmp/c.json")"
    else
        echo "FAIL: the demo has no $t finding"; failed=1
    fi
done
# the two well-tuned VMs have nothing above info
for vm in db-primary db-replica; do
    bad=$(jq -r --arg v "$vm" '.findings[] | select(.vm == $v and .severity != "info") | .summary' "$tmp/c.json")
    [ -z "$bad" ] && echo "ok: well-tuned $vm has no warning or failure" || { echo "FAIL: $vm: $bad"; failed=1; }
done
jq -r '.findings[].fix // empty' "$tmp/c.json" > "$tmp/fixes.plan"
# issue 15: the sVirt fix for legacy-ftp is one libvirt takes, not only a
# dry run that calls itself validated
jq -r '.findings[] | select(.topic == "svirt" and .vm == "legacy-ftp") | .fix // empty' "$tmp/c.json" > "$tmp/svirt.plan"
if [ -s "$tmp/svirt.plan" ] && "$VT" --demo --apply "$tmp/svirt.plan" --yes > "$tmp/svirt.out" 2>&1; then
    echo "ok: legacy-ftp's sVirt fix applies: $(head -1 "$tmp/svirt.plan")"
else
    echo "FAIL: legacy-ftp's sVirt fix does not apply: $(tail -2 "$tmp/svirt.out")"; failed=1
fi
if "$VT" --demo --apply "$tmp/fixes.plan" --dry-run > "$tmp/dry" 2>&1; then
    echo "ok: all $(grep -c . "$tmp/fixes.plan") fix lines are a plan --apply takes"
else
    echo "FAIL: the fixes do not apply: $(tail -3 "$tmp/dry")"; failed=1
fi
"$VT" --demo --check > "$tmp/c.txt"
tail -n1 "$tmp/c.txt" | grep -Eq '^[0-9]+ failures?, [0-9]+ warnings?, [0-9]+ info$' && echo "ok: text ends with the counts" ||
    { echo "FAIL: text: $(tail -n1 "$tmp/c.txt")"; failed=1; }
"$VT" --check --json -c 'test:///nonexistent/x.xml' > /dev/null 2>&1
[ $? = 3 ] && echo "ok: exit 3 when the checks cannot run" || { echo "FAIL: unreachable host exit"; failed=1; }
[ $failed = 0 ] && echo "advice demo: all checks passed"
exit $failed
