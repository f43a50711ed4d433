#!/bin/sh
# Integration (issue 15): every fix the advisor offers, applied end to end
# through a private libvirtd serving test-driver hosts: the fixture hosts of
# the core tests (tests/data/node.xml, layouts.xml, placement.xml) and the
# demo's (data/demo/host.xml), each with scratch copies of the sysfs, procfs
# and etc trees they are paired with (as tests/core/test_advisor.c and
# core/demo.c pair them), so host fixes write only to the copies.
#
# For each host: `--check --json`; then, for every finding with a fix,
# `--apply` of its fix lines with --yes, which must exit 0 and must not say
# `introduces: failure`; then `--check --json` again: each finding that had
# a fix is gone or only pending restart, and no failure is new.
#
# The test driver under a daemon gives every connection its own fresh copy
# of the host file (libvirt 9.0: only test:///default is shared), so what
# one `--apply` defined is gone for the next `virt-tune`. The test carries
# it over the way the daemon saw it: libvirtd logs each public API call with
# its arguments (log_filters 1:libvirt.domain), and after an apply that
# exited 0 the XML of each virDomainDefineXMLFlags call it made replaces
# that VM's <domain> in the host file (the test driver's <test:runstate>
# kept). The test driver keeps one definition per VM in the file, so a
# running VM comes back running its new configuration: as after a restart,
# where a real daemon would report the change pending restart. Live-only
# calls are not carried; every VM fix edits the configuration too ("both").
# Host fixes need no carrying: they wrote the sysfs and etc copies.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
SRC=$(cd "${top_srcdir:-$here/../..}" && pwd)

vt_need_root
VT_TMP=$(mktemp -d /tmp/vt-it.XXXXXX)
trap 'vt_cleanup' EXIT
trap 'exit 1' INT TERM HUP
API_LOG=$VT_TMP/api.log
VT_LIBVIRTD_CONF="log_filters=\"1:libvirt.domain 4:*\"
log_outputs=\"1:file:$API_LOG\""
vt_libvirtd_start
SOCK=${URI#*socket=}
export XDG_STATE_HOME=$VT_TMP/state
TESTNS=http://libvirt.org/schemas/domain/test/1.0
say "private libvirtd at $SOCK, serving the test driver"

# ---- the hosts: host file, sysfs, procfs, etc (copies)
setup_host() {   # name host.xml sysfs procfs [etc]
    W=$VT_TMP/$1
    mkdir -p "$W/def"
    cp "$2" "$W/host.xml"
    cp -R "$3" "$W/sys"
    cp -R "$4" "$W/proc"
    if [ -n "${5:-}" ]; then cp -R "$5" "$W/etc"; else mkdir -p "$W/etc"; fi
}
pools() {   # sysfs size-kib: total free node0-total node0-free node1-total node1-free
    d=$1/kernel/mm/hugepages/hugepages-${2}kB
    echo "$3" > "$d/nr_hugepages"; echo "$4" > "$d/free_hugepages"
    for n in 0 1; do
        d=$1/devices/system/node/node$n/hugepages/hugepages-${2}kB
        if [ $n = 0 ]; then echo "$5" > "$d/nr_hugepages"; echo "$6" > "$d/free_hugepages"
        else echo "$7" > "$d/nr_hugepages"; echo "$8" > "$d/free_hugepages"; fi
    done
}

vt() {   # virt-tune on host $W
    "$VT" -c "test+unix://$W/host.xml?socket=$SOCK" --sysfs-root "$W/sys" --procfs-root "$W/proc" \
        --etc-root "$W/etc" --apply-log "$W/apply.log" "$@"
}

# The VMs an apply defined (the daemon's log from byte $1 on) replace their
# <domain> in $W/host.xml, matched by UUID, the old <test:...> lines kept.
carry() {   # log offset
    rm -f "$W"/def/*.xml
    tail -c +"$(($1 + 1))" "$API_LOG" | awk -v dir="$W/def" '
        /: virDomainDefineXML(Flags)?:[0-9]+ : .*xml=/ { p = 1; buf = ""; uuid = ""; sub(/.*xml=/, "") }
        p && /^<\?xml/ { next }
        p {
            if (match($0, /<uuid>[^<]*<\/uuid>/)) uuid = substr($0, RSTART + 6, RLENGTH - 13)
            done = sub(/<\/domain>.*/, "</domain>")
            buf = buf $0 "\n"
            if (done) { p = 0; if (uuid != "") { f = dir "/" uuid ".xml"; printf "%s", buf > f; close(f) } }
        }'
    set -- "$W"/def/*.xml
    [ -e "$1" ] || return 0
    awk -v dir="$W/def" -v ns="$TESTNS" '
        !indom && /^[ \t]*<domain[ \t>]/ { indom = 1; buf = ""; uuid = ""; ts = "" }
        indom {
            buf = buf $0 "\n"
            if (uuid == "" && match($0, /<uuid>[^<]*<\/uuid>/)) uuid = substr($0, RSTART + 6, RLENGTH - 13)
            if ($0 ~ /<test:/) ts = ts $0 "\n"
            if ($0 !~ /<\/domain>/) next
            indom = 0
            f = dir "/" uuid ".xml"
            if (uuid == "" || (getline line < f) <= 0) { printf "%s", buf; next }
            first = 1
            do {
                if (first) { sub(/<domain /, "<domain xmlns:test=\"" ns "\" ", line); first = 0 }
                if (line ~ /<\/domain>/) printf "%s", ts
                print line
            } while ((getline line < f) > 0)
            close(f)
            next
        }
        { print }' "$W/host.xml" > "$W/host.xml.new" && mv "$W/host.xml.new" "$W/host.xml"
    say "    carried to the host file: $(ls "$W/def" | wc -l) definition(s)"
}

# One host's walk. Per finding with a fix: the apply's verdicts, then at
# the end what became of it.
walk() {   # name
    say "== $1: $(grep -c '^[[:space:]]*<domain[[:space:]>]' "$W/host.xml") VMs"
    vt --check --json > "$W/check0.json" 2> "$W/check0.err"
    rc=$?
    if [ $rc -gt 2 ] || ! jq -e .findings "$W/check0.json" >/dev/null 2>&1; then
        fail "$1: --check --json (exit $rc): $(cat "$W/check0.err")"
        return
    fi
    nfix=$(jq '[.findings[] | select(.fix != null)] | length' "$W/check0.json")
    say "$1: $(jq '.findings | length' "$W/check0.json") findings, $nfix with a fix (--check exit $rc)"
    # each of these hosts carries mistakes with fixes: none found is a broken walk
    [ "$nfix" -gt 0 ] || fail "$1: no finding with a fix: $(jq -c '[.findings[].summary]' "$W/check0.json")"
    : > "$W/applied"
    for i in $(jq -r '.findings | to_entries[] | select(.value.fix != null) | .key' "$W/check0.json"); do
        what=$(jq -r ".findings[$i] | \"\(.severity) \(.topic) \(.vm // \"host\"): \(.summary)\"" "$W/check0.json")
        jq -j ".findings[$i].fix" "$W/check0.json" > "$W/fix$i.plan"
        say "  $what"
        sed 's/^/    fix: /' "$W/fix$i.plan"
        off=$(wc -c < "$API_LOG")
        vt --apply "$W/fix$i.plan" --yes > "$W/apply$i.out" 2>&1
        arc=$?
        # the plan's own warnings, then the advisor's verdicts over the
        # would-be host, edit by edit
        sed -n 's/^warning: /    plan warning: /p' "$W/apply$i.out"
        awk '/^advisor, over the host/ { p = 1; next }
             /^advisor:/ { print "    " $0; p = 0 }
             p && /^  [^ ]/ { sub(/^ +/, ""); print "    after \"" $0 "\":"; next }
             p { sub(/^ +/, ""); print "      " $0 }' "$W/apply$i.out"
        if [ $arc != 0 ]; then
            fail "$1: --apply of the fix for \"$what\" exits $arc:"
            grep -E 'FAILED|UNDO|error|refused|^[a-z-]+: ' "$W/apply$i.out" | grep -v '^advisor:' | sed 's/^/      /' | head -8
            continue
        fi
        if grep -q '^ *introduces: failure' "$W/apply$i.out"; then
            fail "$1: the fix for \"$what\" introduces a failure"
        fi
        echo "$i" >> "$W/applied"
        carry "$off"
        # every VM fix edits the configuration: a define per VM it names
        vms=$(sed -n 's/^vm \([^ ]*\) .*/\1/p' "$W/fix$i.plan" | sort -u | wc -l)
        defs=$(find "$W/def" -name '*.xml' | wc -l)
        [ "$vms" = "$defs" ] || fail "$1: the fix for \"$what\" names $vms VMs, the daemon saw $defs defined"
    done

    vt --check --json > "$W/check1.json" 2> "$W/check1.err"
    jq -e .findings "$W/check1.json" >/dev/null 2>&1 || { fail "$1: the last --check --json: $(cat "$W/check1.err")"; return; }
    # What became of each finding that had a fix, matched by topic, VM and
    # summary. Its summary may change instead of going (a count, a CPU set,
    # free pages), so a finding of the same topic and VM that is new (no
    # finding of the first check had its summary) and still offers a fix
    # means the advisor still asks for a change of that kind there: that is
    # not fixed. One that offers no fix (an info, a mistake no plan line
    # mends) is something the fix did not claim to mend: the finding counts
    # as gone, and that one is printed. A same-topic finding that the first
    # check had too is judged as that finding, not as this one's remains.
    jq -r -n --slurpfile a "$W/check0.json" --slurpfile b "$W/check1.json" '
        def key: [.topic, .vm, .summary];
        def what: "\(.severity) \(.topic) \(.vm // "host"): \(.summary)";
        ($a[0].findings) as $old | ($b[0].findings) as $new |
        ($old | to_entries[] | select(.value.fix != null)) as {key: $i, value: $f} |
        [$new[] | select(key == ($f | key))] as $same |
        [$new[] | select(.topic == $f.topic and .vm == $f.vm and (key != ($f | key))
                         and (key as $k | any($old[]; key == $k) | not))] as $changed |
        if ($same | length) > 0 then
            if all($same[]; .pending_restart) then "pending\t\($i)\t\($f | what)" else "still\t\($i)\t\($f | what)" end
        elif any($changed[]; .fix != null and (.pending_restart | not)) then
            "changed\t\($i)\t\($f | what)\t\([$changed[] | select(.fix != null) | .summary] | join("; "))"
        elif ($changed | length) > 0 then
            "gone\t\($i)\t\($f | what)\t(left: \([$changed[] | "\(.severity): \(.summary)"] | join("; ")))"
        else "gone\t\($i)\t\($f | what)\t" end' > "$W/verdicts"
    while IFS='	' read -r v i w extra; do
        grep -qx "$i" "$W/applied" || w="$w (its apply failed)"
        case $v in
        gone) ok "$1: fixed: $w${extra:+ $extra}" ;;
        pending) ok "$1: fixed in config, pending restart: $w" ;;
        still) fail "$1: still there after its fix: $w" ;;
        changed) fail "$1: changed, and still offers a fix: $w -> $extra" ;;
        esac
    done < "$W/verdicts"
    jq -r -n --slurpfile a "$W/check0.json" --slurpfile b "$W/check1.json" '
        def key: [.topic, .vm, .summary];
        ($a[0].findings) as $old |
        $b[0].findings[] | select(.severity == "failure" and (.pending_restart | not)) |
        select(key as $k | any($old[]; key == $k) | not) | "\(.topic) \(.vm // "host"): \(.summary)"' > "$W/newfail"
    if [ -s "$W/newfail" ]; then
        while read -r l; do fail "$1: a new failure after the fixes: $l"; done < "$W/newfail"
    else
        ok "$1: no failure that was not there before"
    fi
    jq -r -n --slurpfile a "$W/check0.json" --slurpfile b "$W/check1.json" '
        def key: [.topic, .vm, .summary];
        ($a[0].findings) as $old |
        $b[0].findings[] | select(.severity == "warning" and (.pending_restart | not)) |
        select(key as $k | any($old[]; key == $k) | not) | "\(.topic) \(.vm // "host"): \(.summary)"' |
        sed "s/^/note: $1: a new warning after the fixes: /"
}

t0=$(date +%s)
setup_host node "$SRC/tests/data/node.xml" "$SRC/tests/data/sysfs" "$SRC/tests/data/proc"
walk node
# layouts.xml's 1G pools: node 0 holds 2 pages, node 1 holds 4, all in use
setup_host layouts "$SRC/tests/data/layouts.xml" "$SRC/tests/data/sysfs" "$SRC/tests/data/layouts-proc"
pools "$W/sys" 1048576 6 0 2 0 4 0
walk layouts
# placement.xml's 2M pools: node 0 holds 1280 pages, 256 free; node 1 256, all free
setup_host placement "$SRC/tests/data/placement.xml" "$SRC/tests/data/sysfs" "$SRC/tests/data/placement-proc"
pools "$W/sys" 2048 1536 512 1280 256 256 256
walk placement
setup_host demo "$SRC/data/demo/host.xml" "$SRC/data/demo/sysfs" "$SRC/data/demo/proc" "$SRC/data/demo/etc"
walk demo
say "took $(( $(date +%s) - t0 )) s"

[ $VT_FAILED = 0 ] && say "integration fixes: all checks passed" || say "integration fixes: FAILED"
exit $VT_FAILED
