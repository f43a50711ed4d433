#!/bin/sh
# Screen test: the Top view and the detail's Live panel on the demo, at
# 80x24 and 160x50. The demo is libvirt's test driver: its stats carry no
# CPU, vCPU or KVM counters and its VMs have no QEMU process, so after the
# first sample every VM is "measuring…", and after the second every
# number is "-" (unknown), never 0. T opens Top, the sort keys reorder
# it, Enter shows a VM's threads, Esc goes back to Top, then the list.
# Golden screens: the first sample as it is, the second with its interval
# (which varies) masked.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }
. "$here/lib.sh"

title_line() { capture | sed -n 1p; }
# the VM rows of the Top table: from the line after its header to the
# status line
top_rows() { capture | sed -n '4,$p' | sed '$d' | sed '$d' | grep -v '^ *$'; }
first_row_name() { top_rows | head -1 | cut -c2- | awk '{ print $1 }'; }
sel_name() { capture | grep '^>' | head -1 | cut -c2- | awk '{ print $1 }'; }
masked() { capture | sed -E 's/over [0-9]+\.[0-9]+s/over N.Ns/; s|no threads in [^ ]*|no threads in DIR|; s/interval( +)[0-9]+\.[0-9] s/interval\1N.N s/'; }
check_masked() {   # name
    masked > "$tmp/screen.txt"
    if [ "${REGENERATE:-}" = 1 ]; then
        cp "$tmp/screen.txt" "$GOLDEN/$1.txt"; echo "regenerated: $1"; return
    fi
    [ -f "$GOLDEN/$1.txt" ] || { fail "$1: no golden file (run with REGENERATE=1)"; return; }
    if diff -u "$GOLDEN/$1.txt" "$tmp/screen.txt" > "$tmp/diff"; then ok "$1"; else
        fail "$1 differs from its golden screen:"; head -40 "$tmp/diff"; fi
}

for size in 80x24 160x50; do
    cols=${size%x*}; rows=${size#*x}
    start_shell "$cols" "$rows"
    keys clear Enter
    run_vt
    keys T
    title_line | grep -q ' top: 15 running VMs' && ok "$size: T opens Top" || fail "$size: T: $(title_line)"
    n=$(top_rows | grep -c 'measuring… (first sample)')
    [ "$n" = 15 ] && ok "$size: first sample: all 15 rows measuring…" || { fail "$size: first sample: $n rows measuring"; top_rows; }
    capture | sed -n 2p | grep -q 'host  measuring…' || fail "$size: host line: $(capture | sed -n 2p)"
    check_screen "$size-top-measuring"

    # the second sample: numbers, all unknown here
    keys C-l
    top_rows | grep -q 'measuring' && fail "$size: second sample: still measuring: $(top_rows | grep measuring | head -3)"
    bad=$(top_rows | awk '{ for (i = 2; i <= NF; i++) if ($i != "-") { print; break } }')
    [ -z "$bad" ] && ok "$size: second sample: every number is - (the test driver has no counters)" ||
        { fail "$size: second sample: cells other than -:"; echo "$bad" | head -5; }
    top_rows | grep -qE '(^|[[:space:]])0(\.0)?B?([[:space:]]|$)' && fail "$size: a 0 shown for an unknown: $(top_rows | head -3)"
    hdr=$(capture | sed -n 3p)
    if [ "$cols" = 160 ]; then
        for h in CPU% Steal Exit/s Poll% DiskRd DiskWr RdIOPS WrIOPS NetRx NetTx RxPk/s TxPk/s; do
            echo "$hdr" | grep -q -- "$h" || fail "160x50: column $h not shown: $hdr"
        done
        ok "160x50: all columns shown"
    else
        echo "$hdr" | grep -q 'CPU%.*Steal.*Exit/s.*DiskRd.*DiskWr.*NetRx.*NetTx' && ! echo "$hdr" | grep -q 'Poll%' &&
            ok "80x24: name, CPU, steal, exits, disk, net; halt-poll dropped" || fail "80x24: header: $hdr"
    fi
    check_masked "$size-top"

    # sorting: by name (s until it is the sort column), then reversed
    k=0; while ! capture | sed -n 3p | grep -q 'Name ^' && [ $k -lt 14 ]; do keys s; k=$((k + 1)); done
    asc=$(first_row_name)
    keys S
    desc=$(first_row_name)
    capture | sed -n 3p | grep -q 'Name v' || fail "$size: S: no descending marker: $(capture | sed -n 3p)"
    [ "$asc" = build-runner ] && [ "$desc" = 测试-虚拟机 ] && ok "$size: s sorts by name, S reverses ($asc, then $desc first)" ||
        fail "$size: sort: first by name $asc, reversed $desc"
    capture | tail -2 | head -1 | grep -q 'sorted by Name (descending)' || fail "$size: sort status: $(capture | tail -2 | head -1)"

    # threads of the selected VM, Esc back to the same row, Esc to the list
    keys Down Down
    was=$(sel_name)
    keys Enter
    title_line | grep -q " top: VM $was threads" && ok "$size: Enter shows $was's threads" || fail "$size: Enter: $(title_line)"
    capture | grep -q 'threads unknown: ' && ok "$size: threads unknown, and why" || fail "$size: threads: $(capture | sed -n 2,4p)"
    capture | grep -q 'no KVM counters for this VM' && ok "$size: no exit breakdown, said in words" ||
        fail "$size: exits: $(capture | sed -n 4,8p)"
    keys Escape
    title_line | grep -q ' top: 15 running VMs' && [ "$(sel_name)" = "$was" ] && ok "$size: Esc: back on Top at $was" ||
        fail "$size: Esc from threads: $(title_line), selected $(sel_name)"
    keys Escape
    title_line | grep -q '  18 VMs' && ok "$size: Esc: the list" || fail "$size: Esc from Top: $(title_line)"

    # the Live panel: a running VM says there are no KVM counters, a stopped one that it is not running
    keys g Enter BTab
    capture | sed -n 2p | grep -q '\[Live\]' || fail "$size: BTab: not the Live panel: $(capture | sed -n 2p)"
    capture | grep -q 'not running: no live numbers' && ok "$size: Live panel of a stopped VM: not running" ||
        fail "$size: Live panel of analytics-01: $(capture | sed -n 3,6p)"
    keys Escape j Enter
    capture | sed -n 2p | grep -q '\[Live\]' || fail "$size: the detail did not keep the Live panel"
    capture | grep -q 'no KVM counters for this VM' && ok "$size: Live panel: no KVM counters, said in words" ||
        fail "$size: Live panel of build-runner: $(capture | sed -n 3,24p)"
    capture | sed -n '3,$p' | grep -E '^ [a-zA-Z/ ()]+  +0(\.0)?( |$)' && fail "$size: Live panel shows a 0"
    check_masked "$size-live-panel"
    keys Escape
    quit_and_check_prompt "$size"
done
exit $failed
