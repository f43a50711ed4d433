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
# the text --check gives each finding's why, as the JSON does
n_why=$(grep -c '^        why: ' "$tmp/c.txt"); n_json=$(jq '[.findings[] | select(.why != "")] | length' "$tmp/c.json")
[ "$n_why" -gt 0 ] && [ "$n_why" = "$n_json" ] && echo "ok: text --check: a why line for each of the $n_why findings" ||
    { echo "FAIL: text --check has $n_why why lines, the JSON $n_json whys"; failed=1; }
# In Chinese (zh_CN.UTF-8, when the locale is there; tools/setup makes it):
# the JSON is the English one plus a summary_l10n on each finding, which
# is Chinese; the text is translated and keeps the topics and fix lines
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\{0,1\}8$'; then
    LC_ALL=zh_CN.UTF-8 "$VT" --demo --check --json > "$tmp/zh.json"
    demo_dir='s/virt-tune-demo\.[A-Za-z0-9]*/virt-tune-demo.X/g'
    if [ "$(jq -S 'del(.findings[].summary_l10n)' "$tmp/zh.json" | sed "$demo_dir")" = "$(jq -S . "$tmp/c.json" | sed "$demo_dir")" ] &&
        [ "$(jq '[.findings[] | select(.summary_l10n == null)] | length' "$tmp/zh.json")" = 0 ] &&
        [ "$(jq -r '.findings[].summary_l10n' "$tmp/zh.json" | grep -cvP '[\x{4e00}-\x{9fff}]')" = 0 ]; then
        echo "ok: zh_CN --check --json: the English JSON plus a Chinese summary_l10n on each of $(jq '.findings | length' "$tmp/zh.json") findings"
    else
        echo "FAIL: zh_CN --check --json differs from the English one beyond summary_l10n"; failed=1
    fi
    LC_ALL=zh_CN.UTF-8 "$VT" --demo --check > "$tmp/zh.txt"
    if grep -q '^        原因：' "$tmp/zh.txt" && [ "$(grep -c '修复：vm ' "$tmp/zh.txt")" = "$(grep -c 'fix: vm ' "$tmp/c.txt")" ] &&
        [ "$(sed '$d' "$tmp/zh.txt" | grep -v '^ ' | awk '{ print $2 }' | sort -u)" = "$(sed '$d' "$tmp/c.txt" | grep -v '^ ' | awk '{ print $2 }' | sort -u)" ]; then
        echo "ok: zh_CN --check text: translated, the same topics and fix lines"
    else
        echo "FAIL: zh_CN --check text:"; head -5 "$tmp/zh.txt"; failed=1
    fi
else
    [ -n "${CI:-}" ] && { echo "FAIL: no zh_CN.UTF-8 locale (tools/setup generates it)"; failed=1; } ||
        echo "note: no zh_CN.UTF-8 locale: the Chinese --check not run (run tools/setup)"
fi
# --vm: one VM's findings, exactly the whole check's of that VM (in order),
# and the exit status they give; an unknown VM is exit 3 with its name
for vm in web-02 db-primary legacy-ftp; do
    "$VT" --demo --check --json --vm "$vm" > "$tmp/vm.json"; rc=$?
    want=$(jq -c --arg vm "$vm" '[.findings[] | select(.vm == $vm)]' "$tmp/c.json")
    got=$(jq -c '.findings' "$tmp/vm.json")
    wrc=$(jq --arg vm "$vm" '[.findings[] | select(.vm == $vm and .pending_restart == false) | .severity] |
        if index("failure") then 2 elif index("warning") then 1 else 0 end' "$tmp/c.json")
    [ "$got" = "$want" ] && [ "$rc" = "$wrc" ] && [ "$(jq .exit "$tmp/vm.json")" = "$rc" ] &&
        echo "ok: --check --vm $vm: its $(printf '%s' "$got" | jq length) findings, exit $rc" || { echo "FAIL: --check --vm $vm: exit $rc (want $wrc), $(printf '%s' "$got" | head -c 300)"; failed=1; }
done
"$VT" --demo --check --vm no-such-vm > "$tmp/novm.out" 2> "$tmp/novm.err"; rc=$?
[ "$rc" = 3 ] && [ ! -s "$tmp/novm.out" ] && grep -q '"no-such-vm"' "$tmp/novm.err" &&
    echo "ok: --check --vm of an unknown VM: exit 3, $(cat "$tmp/novm.err")" ||
    { echo "FAIL: --vm no-such-vm: exit $rc, $(cat "$tmp/novm.err")"; failed=1; }
"$VT" --demo --report --vm web-02 > /dev/null 2> "$tmp/vmr.err"; rc=$?
[ "$rc" = 2 ] && grep -q -- '--vm' "$tmp/vmr.err" && echo "ok: --vm with --report is refused (exit 2)" ||
    { echo "FAIL: --report --vm: exit $rc"; failed=1; }
"$VT" --check --json -c 'test:///nonexistent/x.xml' > /dev/null 2>&1
[ $? = 3 ] && echo "ok: exit 3 when the checks cannot run" || { echo "FAIL: unreachable host exit"; failed=1; }
[ $failed = 0 ] && echo "advice demo: all checks passed"
exit $failed
