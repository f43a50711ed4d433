#!/bin/sh
# Screen test: getting around the demo in tmux. Esc goes back through
# exactly the views entered and never loops; opening a view already on the
# stack goes back to it (Top included); the VM list's filter stays the list's; the CPU
# grids show other VMs' pins (the host view, the picker); a read-only
# console offers nothing that changes the host and says why when asked.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }
. "$here/lib.sh"

title_line() { capture | sed -n 1p; }
status_line() { capture | tail -n 2 | head -n 1; }
footer_line() { capture | tail -n 1; }
on_list() { title_line | grep -q '  18 VMs'; }

# keys, then as many Esc as views should be on the stack: on the list after
# the last one and not before; one Esc more stays there
esc_path() {   # name escapes keys...
    name=$1 n=$2; shift 2
    keys "$@"
    e=1; early=""   # (settle and wait_for use i)
    while [ $e -lt "$n" ]; do keys Escape; on_list && early="after $e Esc"; e=$((e + 1)); done
    keys Escape
    if [ -z "$early" ] && on_list; then
        keys Escape
        on_list && ok "Esc: $name ends on the VM list after $n Esc" || fail "Esc: $name: a further Esc left the list: $(title_line)"
    else
        fail "Esc: $name: ${early:-not on the list after $n Esc}: $(title_line)"
    fi
}

start_shell 100 30
run_vt
# A R A: the advice is on the stack already, so A goes back to it
keys A R A
title_line | grep -q ' advice' && ok "A R A: back on the advice" || fail "A R A: $(title_line)"
esc_path "A R A" 1
esc_path "H A H" 1 H A H
# a VM opened from the advice goes back to the advice, then the list
keys A Enter
title_line | grep -q ' VM legacy-ftp' && ok "Enter on a finding opens its VM" || fail "advice Enter: $(title_line)"
keys Escape
title_line | grep -q ' advice' && ok "Esc from a VM opened from the advice: the advice" ||
    fail "Esc from the VM of a finding: $(title_line)"
keys Escape
on_list && ok "then the list" || fail "advice → VM → Esc Esc: $(title_line)"
esc_path "Enter H ? (three views)" 3 Enter H '?'
# Top: its threads are a mode of the view, one Esc each; T from the host
# view is one view more on the stack
esc_path "T" 1 T
esc_path "T Enter (a VM's threads)" 2 T Enter
esc_path "H T Enter ?" 4 H T Enter '?'
# Enter on a host finding: the host view at that finding's section
keys A
k=0; while ! capture | grep -q '^ > WARN kworker' && [ $k -lt 40 ]; do keys Down; k=$((k + 1)); done
keys Enter
if title_line | grep -q ' host' && capture | sed -n 2p | grep -q 'kworker isolation'; then
    ok "Enter on a host finding opens the host view at its section"
else
    fail "host finding: $(title_line) / $(capture | sed -n 2p)"
fi
esc_path "A → host finding" 2

# the filter is the list's: the host view is the same with and without it
keys H
capture | sed -n '2,27p' > "$tmp/host-nofilter"
keys Escape / o r a Enter
title_line | grep -q 'filter: ora' || fail "filter not set: $(title_line)"
keys H
capture | sed -n '2,27p' > "$tmp/host-filter"
if cmp -s "$tmp/host-nofilter" "$tmp/host-filter"; then
    ok "the list's filter does not reach the host view"
else
    fail "the host view differs under the list's filter:"; diff "$tmp/host-nofilter" "$tmp/host-filter" | head -10
fi
keys Escape Escape
on_list && ! title_line | grep -q filter || fail "filter not cleared by Esc: $(title_line)"

# the host view's grid: db-primary's vCPUs (2-5) and db-replica's (10-13)
keys H
bad=""
for c in 2 3 4 5 10 11 12 13; do
    capture | grep -qE "(^| )$c:v" || bad="$bad $c"
done
[ -z "$bad" ] && ok "host grid: CPUs 2-5 and 10-13 carry other VMs' vCPU marks" ||
    { fail "host grid: no vCPU mark on CPU$bad"; capture | grep -E ' [0-9]+:' ; }
keys Escape

# the picker of build-runner's IOThread pin: db-replica's vCPUs on 10-13
keys g j Enter
title_line | grep -q ' VM build-runner' || fail "not build-runner: $(title_line)"
# the detail keeps the panel it showed last: Tab round to IOThreads
k=0; while ! capture | sed -n 2p | grep -q '\[IOThreads\]' && [ $k -lt 6 ]; do keys Tab; k=$((k + 1)); done
keys e Down Enter
capture | grep -q 'iothread 1 pin' || fail "no IOThread pin edit: $(capture | tail -8)"
keys C-g
capture | grep -q 'Pick CPUs' || fail "picker did not open: $(capture | tail -8)"
bad=""
for c in 10 11 12 13; do
    capture | grep -qE "(^|[ │|])$c[:*][vV]" || bad="$bad $c"
done
[ -z "$bad" ] && ok "picker: CPUs 10-13 show another VM's vCPUs" || { fail "picker: no vCPU mark on$bad"; capture | sed -n 5,20p; }
keys Right Right Right Right Right Right Right Right Right Right
capture | grep -q 'CPU 10 (node 1): vCPU of db-replica' && ok "picker: the cursor's CPU names db-replica's vCPU" ||
    { fail "picker: detail line of CPU 10"; capture | grep 'CPU ' ; }
capture | grep -q 'Space picks/unpicks' || fail "picker hint not from the bindings: $(capture | grep picks)"
keys Escape
capture | grep -q 'Stage an edit: the plan line' || fail "Esc in the picker did not go back to the line: $(capture | tail -6)"
keys Escape
title_line | grep -q ' VM build-runner' && ! capture | grep -q 'Stage an edit' &&
    ok "Esc leaves the picker for the line, then the line" ||
    fail "after the picker: $(title_line)"
title_line | grep -q staged && fail "the picker's Esc staged something: $(title_line)"
keys Escape
quit_and_check_prompt "nav"

# the fleet of one host (issue 18): F shows it over the list, Enter on its
# only host and Esc each go back to where F was pressed
start_shell 80 24
run_vt
keys F
title_line | grep -q 'fleet: 1 host' && capture | grep -qE '^ > demo +connected +[0-9]+/18 ' &&
    ok "fleet of one: F shows the demo host, connected, with its 18 VMs" ||
    { fail "fleet of one: $(title_line)"; capture | sed -n 2,4p; }
keys Enter
title_line | grep -q '18 VMs' && ok "fleet of one: Enter goes back to the VM list" || fail "fleet: Enter: $(title_line)"
keys j Enter F
title_line | grep -q 'fleet: 1 host' || fail "fleet of one: F from the detail: $(title_line)"
keys Escape
title_line | grep -q ' VM ' && ok "fleet of one: Esc goes back to the detail it came from" ||
    fail "fleet of one: Esc: $(title_line)"
keys Escape Escape
title_line | grep -q '18 VMs' || fail "fleet of one: not back on the list: $(title_line)"
quit_and_check_prompt "fleet"

# --vm NAME: the console opens on the VM's panels; Esc goes to the list
# with that VM selected, one Esc more stays; an unknown name is said on
# the list, in the status line
start_shell 100 30
run_vt --vm db-replica
title_line | grep -q ' VM db-replica (' && ok "--vm db-replica: the console opens on its panels" ||
    fail "--vm: $(title_line)"
keys Escape
title_line | grep -q '18 VMs' && capture | grep -q '^>.* db-replica ' &&
    ok "--vm: Esc goes to the list, db-replica selected" || { fail "--vm: Esc:"; capture | head -8; }
keys Escape
title_line | grep -q '18 VMs' || fail "--vm: one Esc more left the list: $(title_line)"
quit_and_check_prompt "--vm"
start_shell 160 30
keys "$VT --demo -d 3600 --vm no-such-vm" Enter
wait_for 'no VM named "no-such-vm"' && title_line | grep -q '18 VMs' &&
    ok "--vm no-such-vm: the list, and the status says so: $(status_line | cut -c1-60)" ||
    fail "--vm no-such-vm: $(title_line) / $(status_line)"
quit_and_check_prompt "--vm no-such-vm"

# read-only: no Edit, Apply or Fix offered; pressed, the status says why
start_shell 100 30
run_vt -r
keys Enter
footer_line | grep -q ' Edit' && fail "read-only: the detail's footer offers Edit: $(footer_line)" ||
    ok "read-only: the detail's footer offers no Edit"
keys e
status_line | grep -q 'read-only connection (opened with -r): edit would change the host' &&
    ok "read-only: e says read-only and why" || fail "read-only: e: $(status_line)"
capture | grep -q 'Stage an edit' && fail "read-only: e opened the pick-list"
keys Escape A
footer_line | grep -q ' Fix' && fail "read-only: the advice offers Fix: $(footer_line)"
keys f
title_line | grep -q staged && fail "read-only: f staged the fix: $(title_line)" ||
    ok "read-only: f stages nothing"
status_line | grep -q 'read-only connection' || fail "read-only: f: $(status_line)"
keys R
footer_line | grep -q ' Apply' && fail "read-only: the review offers Apply: $(footer_line)" ||
    ok "read-only: the review offers no Apply"
keys Escape Escape
quit_and_check_prompt "read-only"
exit $failed
