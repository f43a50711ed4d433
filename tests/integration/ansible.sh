#!/bin/sh
# Integration: contrib/ansible's playbook (role virt_tune_apply) against a
# real QEMU VM under a private libvirtd, the host being localhost over
# Ansible's local connection; virsh is the oracle. Check mode (--check) runs
# virt-tune's dry run and changes nothing (changed=0); a real run applies
# the plan (changed=1) and virsh shows it; the same plan again has no steps
# (virt-tune drops values already in place: changed=0, virsh shows nothing
# moved), nor has a plan with no lines; after
# someone else moved the pin back it applies again; refused plans (an
# unknown VM, a syntax error) and a plan missing on the controller fail the
# host with nothing changed, and so does a missing virt-tune; the
# advisor's failure on another VM (<seclabel type='none'/>) fails the host
# after the apply, unless virt_tune_check=false. The copied plan never
# stays on the host.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
PB=$(cd "${top_srcdir:-$here/../..}" && pwd)/contrib/ansible/virt-tune-apply.yml

vt_need_root
command -v ansible-playbook >/dev/null 2>&1 || cannot_run "ansible-playbook is not installed (run tools/setup)"
[ -f "$PB" ] || { fail "no playbook at $PB"; exit 1; }
[ "$(nproc)" -ge 2 ] || cannot_run "needs 2 CPUs to move an IOThread pin" hardware
trap vt_cleanup EXIT
trap 'exit 1' INT TERM HUP
vt_prepare_kvm
vt_libvirtd_start
say "private libvirtd at $URI ($VT_VIRT_TYPE); $(ansible-playbook --version | head -1)"

# Ansible without the caller's configuration, writing nothing outside VT_TMP
# shellcheck disable=SC2046
unset $(env | sed -n 's/^\(ANSIBLE_[A-Za-z0-9_]*\)=.*/\1/p')
mkdir -p "$VT_TMP/home" "$VT_TMP/ansible-local" "$VT_TMP/ansible-remote" "$VT_TMP/hosttmp"
cat > "$VT_TMP/ansible.cfg" <<EOF
[defaults]
local_tmp = $VT_TMP/ansible-local
remote_tmp = $VT_TMP/ansible-remote
nocolor = True
host_key_checking = False
retry_files_enabled = False
interpreter_python = $(command -v python3)
EOF
export HOME=$VT_TMP/home ANSIBLE_CONFIG=$VT_TMP/ansible.cfg ANSIBLE_NOCOLOR=1
# the host's temporary directory: the role's tempfile lands here (checked empty)
export TMPDIR=$VT_TMP/hosttmp
export XDG_STATE_HOME=$VT_TMP/state

last=$(($(nproc) - 1))
V="virsh -q -c $URI"
vt_small_vm vt-ans     # IOThread 1 pinned to CPU 0, live and in config
iopin() {   # vm id [--config]
    $V iothreadinfo "$1" ${3:-} | awk -v id="$2" '$1 == id { print $2 }'
}
inactive() { $V dumpxml --inactive --security-info "$1"; }
say "vt-ans running, IOThread 1 on CPU $(iopin vt-ans 1) (config $(iopin vt-ans 1 --config)); host CPUs 0-$last"

# play NAME PLAN-TEXT [ansible-playbook options...]: writes the plan and runs
# the playbook on localhost; sets rc, changed, failed (from the PLAY RECAP)
play() {
    name=$1; printf '%s\n' "$2" > "$VT_TMP/$name.plan"; shift 2
    # JSON extra vars: the URI's ?socket= needs no shell or key=value quoting
    jq -n --arg plan "$VT_TMP/$name.plan" --arg uri "$URI" --arg vt "$VT" \
        '{plan: $plan, uri: $uri, virt_tune: $vt}' > "$VT_TMP/$name.vars.json"
    ansible-playbook -i localhost, -c local "$PB" -e "@$VT_TMP/$name.vars.json" "$@" \
        > "$VT_TMP/$name.out" 2>&1
    rc=$?
    changed=$(recap "$name" changed)
    failed=$(recap "$name" failed)
    say "  play $name: exit $rc, changed=$changed failed=$failed"
    left=$(for f in "$TMPDIR"/virt-tune.*.plan; do [ -e "$f" ] && echo "$f"; done)
    [ -z "$left" ] || fail "$name: the copied plan stayed on the host: $left"
}
recap() {   # name field: the field's count on localhost's PLAY RECAP line
    sed -n '/^PLAY RECAP/,$ s/^localhost *:.* '"$2"'=\([0-9]*\).*/\1/p' "$VT_TMP/$1.out"
}
show() { sed 's/^/    | /' "$VT_TMP/$1.out"; }

PLAN="vm vt-ans iothread 1 pin $last"     # live and config

# ---- 1. check mode: virt-tune's dry run, nothing changes
inactive vt-ans > "$VT_TMP/xml.0"
play check "$PLAN" --check
inactive vt-ans > "$VT_TMP/xml.1"
[ "$rc" = 0 ] && [ "$changed" = 0 ] && [ "$failed" = 0 ] && ok "check mode: exit 0, changed=0 failed=0" ||
    { fail "check mode: exit $rc, changed=$changed failed=$failed"; show check; }
[ "$(iopin vt-ans 1)" = 0 ] && [ "$(iopin vt-ans 1 --config)" = 0 ] && cmp -s "$VT_TMP/xml.0" "$VT_TMP/xml.1" &&
    ok "check mode: virsh iothreadinfo (live, --config) and dumpxml --inactive unchanged" ||
    fail "check mode changed the VM: live $(iopin vt-ans 1), config $(iopin vt-ans 1 --config); $(diff "$VT_TMP/xml.0" "$VT_TMP/xml.1")"
grep -q "Dry run: nothing was changed." "$VT_TMP/check.out" && ok "check mode ran virt-tune's --dry-run" ||
    { fail "check mode: no dry run in the output"; show check; }

# ---- 2. a real run applies the plan
play apply "$PLAN"
[ "$rc" = 0 ] && [ "$changed" = 1 ] && [ "$failed" = 0 ] && ok "apply: exit 0, changed=1 failed=0" ||
    { fail "apply: exit $rc, changed=$changed failed=$failed"; show apply; }
[ "$(iopin vt-ans 1)" = "$last" ] && [ "$(iopin vt-ans 1 --config)" = "$last" ] &&
    ok "apply: virsh iothreadinfo shows IOThread 1 on CPU $last, live and in config" ||
    fail "apply: IOThread 1 live $(iopin vt-ans 1), config $(iopin vt-ans 1 --config), want $last"

# ---- 3. the same plan again. virt-tune drops the values already in
# place (a live pin equal to the plan's, a define that would write the same
# definition), so it says "Nothing to change" and the host is not changed;
# virsh shows nothing moved. A plan with no lines says the same.
inactive vt-ans > "$VT_TMP/xml.2"
play again "$PLAN"
inactive vt-ans > "$VT_TMP/xml.3"
[ "$rc" = 0 ] && [ "$changed" = 0 ] && [ "$failed" = 0 ] && grep -q "Nothing to change" "$VT_TMP/again.out" &&
    ok "the same plan again: exit 0, changed=0 (virt-tune: nothing to change)" ||
    { fail "again: exit $rc, changed=$changed failed=$failed"; show again; }
cmp -s "$VT_TMP/xml.2" "$VT_TMP/xml.3" && [ "$(iopin vt-ans 1)" = "$last" ] &&
    ok "the same plan again: dumpxml --inactive and the live pin unchanged" ||
    fail "again changed the VM: $(diff "$VT_TMP/xml.2" "$VT_TMP/xml.3")"
play empty "# nothing to do on this host"
inactive vt-ans > "$VT_TMP/xml.4"
[ "$rc" = 0 ] && [ "$changed" = 0 ] && [ "$failed" = 0 ] && grep -q "Nothing to change" "$VT_TMP/empty.out" &&
    cmp -s "$VT_TMP/xml.2" "$VT_TMP/xml.4" &&
    ok "a plan with no steps: exit 0, changed=0 (virt-tune: nothing to change), dumpxml --inactive unchanged" ||
    { fail "empty plan: exit $rc, changed=$changed failed=$failed"; show empty; }

# someone moves the live pin back: the plan applies again, live only
$V iothreadpin vt-ans 1 0 --live >/dev/null || fail "virsh iothreadpin --live"
play drift "$PLAN"
[ "$rc" = 0 ] && [ "$changed" = 1 ] && [ "$(iopin vt-ans 1)" = "$last" ] && [ "$(iopin vt-ans 1 --config)" = "$last" ] &&
    ok "after a live pin moved back by virsh: changed=1, virsh shows CPU $last again" ||
    { fail "drift: exit $rc, changed=$changed, live $(iopin vt-ans 1), config $(iopin vt-ans 1 --config)"; show drift; }

# ---- 4. refused plans fail the host and change nothing
refused() {   # name plan-text expected-message
    inactive vt-ans > "$VT_TMP/xml.a"; iopin vt-ans 1 > "$VT_TMP/pin.a"
    play "$1" "$2"
    inactive vt-ans > "$VT_TMP/xml.b"; iopin vt-ans 1 > "$VT_TMP/pin.b"
    if [ "$rc" != 0 ] && [ "$failed" = 1 ] && [ "$changed" = 0 ] && grep -q -- "$3" "$VT_TMP/$1.out" &&
        cmp -s "$VT_TMP/xml.a" "$VT_TMP/xml.b" && cmp -s "$VT_TMP/pin.a" "$VT_TMP/pin.b"; then
        ok "$1: the play fails (exit $rc, failed=1, changed=0), virsh shows vt-ans unchanged"
    else
        fail "$1: exit $rc, changed=$changed failed=$failed, want a failure with [$3] and no change"
        show "$1"
    fi
}
refused unknown-vm "vm vt-ans iothread 1 pin 0
vm nosuch iothreads 1" 'exited 2: the plan was refused.*no VM named \\"nosuch\\"'
refused syntax "vm vt-ans iothread 1 pin 0
vm vt-ans frobnicate 3" 'exited 2: the plan was refused.*line 2'
rm -f "$VT_TMP/missing.plan"
inactive vt-ans > "$VT_TMP/xml.a"
jq -n --arg plan "$VT_TMP/missing.plan" --arg uri "$URI" --arg vt "$VT" \
    '{plan: $plan, uri: $uri, virt_tune: $vt}' > "$VT_TMP/missing.vars.json"
ansible-playbook -i localhost, -c local "$PB" -e "@$VT_TMP/missing.vars.json" > "$VT_TMP/missing.out" 2>&1
rc=$?
inactive vt-ans > "$VT_TMP/xml.b"
[ "$rc" != 0 ] && [ "$(recap missing failed)" = 1 ] && cmp -s "$VT_TMP/xml.a" "$VT_TMP/xml.b" &&
    ok "a plan missing on the controller: the play fails (exit $rc), nothing changed" ||
    { fail "missing plan: exit $rc, failed=$(recap missing failed)"; show missing; }

jq -n --arg plan "$VT_TMP/apply.plan" --arg uri "$URI" --arg vt "$VT_TMP/no-such-virt-tune" \
    '{plan: $plan, uri: $uri, virt_tune: $vt}' > "$VT_TMP/nobin.vars.json"
ansible-playbook -i localhost, -c local "$PB" -e "@$VT_TMP/nobin.vars.json" > "$VT_TMP/nobin.out" 2>&1
rc=$?
[ "$rc" != 0 ] && [ "$(recap nobin failed)" = 1 ] && grep -q "Find virt-tune on the host" "$VT_TMP/nobin.out" &&
    ok "no virt-tune at virt_tune's path: the play fails (exit $rc) at finding it" ||
    { fail "missing binary: exit $rc, failed=$(recap nobin failed)"; show nobin; }

# ---- 5. the advisor's check after the apply
"$VT" -c "$URI" --check --json > "$VT_TMP/check0.json"
crc=$?
case $crc in
0) ok "the plays above passed the check on a host without findings (--check exit 0)" ;;
1) ok "the plays above passed the check on a host with warnings (--check exit 1: $(jq -r '[.findings[] | select(.severity == "warning") | .topic] | unique | join(", ")' "$VT_TMP/check0.json"))" ;;
*) fail "--check on the host before the seclabel VM: exit $crc" ;;
esac
vt_seclabel_none_vm > "$VT_TMP/vt-none.xml"
$V define "$VT_TMP/vt-none.xml" >/dev/null || { fail "define vt-none"; exit 1; }
inactive vt-none | grep -q "<seclabel type='none'" && say "  vt-none defined (shut off); virsh: <seclabel type='none'/>" ||
    fail "virsh dumpxml --inactive vt-none has no seclabel none"
play svirt "vm vt-ans iothread 1 pin 0"
if [ "$rc" != 0 ] && [ "$failed" = 1 ] && [ "$changed" = 1 ] &&
    grep -q "virt-tune --check found failures:.*svirt vt-none" "$VT_TMP/svirt.out"; then
    ok "a host with a failure (svirt, vt-none's seclabel none): the apply is done (changed=1), the check fails the play (exit $rc, failed=1)"
else
    fail "svirt: exit $rc, changed=$changed failed=$failed"; show svirt
fi
[ "$(iopin vt-ans 1)" = 0 ] && [ "$(iopin vt-ans 1 --config)" = 0 ] &&
    ok "svirt: the plan was applied before the check (virsh: IOThread 1 on CPU 0)" ||
    fail "svirt: IOThread 1 live $(iopin vt-ans 1), config $(iopin vt-ans 1 --config), want 0"
play nocheck "$PLAN" -e virt_tune_check=false
[ "$rc" = 0 ] && [ "$changed" = 1 ] && [ "$failed" = 0 ] && [ "$(iopin vt-ans 1)" = "$last" ] &&
    ok "virt_tune_check=false: the same host passes (exit 0, changed=1), virsh shows CPU $last" ||
    { fail "nocheck: exit $rc, changed=$changed failed=$failed, live $(iopin vt-ans 1)"; show nocheck; }
play checkmode-svirt "vm vt-ans iothread 1 pin 0" --check
[ "$rc" != 0 ] && [ "$failed" = 1 ] && [ "$changed" = 0 ] && [ "$(iopin vt-ans 1)" = "$last" ] &&
    ok "check mode on the host with a failure: the check fails it too, nothing applied (virsh: CPU $last)" ||
    { fail "check mode, svirt: exit $rc, changed=$changed failed=$failed, live $(iopin vt-ans 1)"; show checkmode-svirt; }

[ $VT_FAILED = 0 ] && say "integration ansible: all checks passed" || say "integration ansible: FAILED"
exit $VT_FAILED
