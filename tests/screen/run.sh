#!/bin/sh
# Screen tests: the real binary in a real terminal (tmux), driven with
# send-keys, read with capture-pane, compared with golden screens in
# tests/screen/golden/. REGENERATE=1 rewrites the golden files instead.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }

tmp=$(mktemp -d)
SOCK="vt-screen-$$"
T="tmux -L $SOCK -f /dev/null"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir -p "$tmp/cfg" "$tmp/t"
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }

# A shell in a fixed-size terminal with a fixed environment.
start_shell() {   # cols rows
    $T kill-server 2>/dev/null
    i=0; while $T has-session 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    $T new-session -d -s vt -x "$1" -y "$2" \
        "env -i PATH=/usr/bin:/bin HOME=$tmp TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 \
             XDG_CONFIG_HOME=$tmp/cfg TMPDIR=$tmp/t VIRT_TUNE_DATADIR=${VIRT_TUNE_DATADIR:-} \
             PS1='$ ' sh -i" || { echo "cannot run: tmux did not start"; exit 99; }
    $T set-option -g status off >/dev/null
    $T set-option -g default-terminal screen >/dev/null
    $T resize-window -t vt -x "$1" -y "$2" 2>/dev/null
    wait_for '\$ '
}

capture() { $T capture-pane -p -t vt; }

wait_for() {   # regex, up to ~5 s
    i=0
    while ! capture | grep -q -- "$1"; do
        i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.05
    done
}

# Wait until two captures 150 ms apart are equal.
settle() {
    prev=""; i=0
    while :; do
        cur=$(capture); [ "$cur" = "$prev" ] && [ -n "$cur" ] && return 0
        prev=$cur; i=$((i + 1)); [ $i -gt 40 ] && return 0; sleep 0.15
    done
}

keys() { $T send-keys -t vt "$@"; settle; }

# Compare the screen with golden/NAME.txt (or write it under REGENERATE=1).
check_screen() {   # name
    capture > "$tmp/screen.txt"
    if [ "${REGENERATE:-}" = 1 ]; then
        cp "$tmp/screen.txt" "$GOLDEN/$1.txt"; echo "regenerated: $1"; return
    fi
    if [ ! -f "$GOLDEN/$1.txt" ]; then
        fail "$1: no golden file (run with REGENERATE=1)"; return
    fi
    if diff -u "$GOLDEN/$1.txt" "$tmp/screen.txt" > "$tmp/diff"; then
        ok "$1"
    else
        fail "$1 differs from its golden screen:"; head -40 "$tmp/diff"
    fi
}

run_vt() { keys "$VT --demo -d 3600 $*" Enter; wait_for 'connected  demo host' || fail "virt-tune did not start: $(capture | tail -3)"; settle; }

quit_and_check_prompt() {   # name
    keys q
    keys "echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\n' ' '; echo" Enter
    if capture | grep -q 'EXIT=0' && capture | grep -q '^echo icanon *$' ; then
        ok "$1: quit leaves a working shell prompt (echo, icanon restored)"
    else
        fail "$1: terminal after quit:"; capture | grep -v "^$" | tail -8
    fi
}

for size in 80x24 160x50; do
    cols=${size%x*}; rows=${size#*x}
    start_shell "$cols" "$rows"
    keys clear Enter
    run_vt
    check_screen "$size-list"
    keys j j j
    check_screen "$size-list-moved"
    keys Enter
    check_screen "$size-detail-iothreads"
    for p in memory security disks network agent; do
        keys Tab
        check_screen "$size-detail-$p"
    done
    keys Tab Escape
    keys H
    check_screen "$size-host"
    keys '?'
    check_screen "$size-help"
    keys Escape Escape
    keys / d b Enter
    check_screen "$size-filter"
    keys Escape s s
    check_screen "$size-sorted"
    quit_and_check_prompt "$size"
done

# Resize on every screen: back at 80x24 the screen equals its golden one,
# selection included; below 80x24 a note instead of the layout.
start_shell 80 24
keys clear Enter
run_vt
keys j j j
for step in list detail host help; do
    case $step in
        detail) keys Enter ;;
        host) keys Escape H ;;
        help) keys '?' ;;
    esac
    $T resize-window -t vt -x 120 -y 40; settle
    $T resize-window -t vt -x 60 -y 20; settle
    if capture | grep -q 'terminal too small'; then ok "resize on $step: 60x20 shows the too-small note"; else fail "resize on $step: no too-small note"; fi
    $T resize-window -t vt -x 80 -y 24; settle
    case $step in
        list) check_screen "80x24-list-moved" ;;
        detail) check_screen "80x24-detail-iothreads" ;;
        host) check_screen "80x24-host" ;;
        help) check_screen "80x24-help" ;;
    esac
done
keys Escape Escape
quit_and_check_prompt "after resizes"

# Mouse: xterm (X10) reports typed into the pane, as a terminal sends them:
# ESC [ M, then 32+button, 33+x, 33+y; button 3 = release.
click() {   # x y
    b=$(printf "\\$(printf %o $((33 + $1)))")
    c=$(printf "\\$(printf %o $((33 + $2)))")
    $T send-keys -t vt -l "$(printf '\033[M ')$b$c$(printf '\033[M#')$b$c"
    sleep 0.4   # ncurses waits its click interval (200 ms) before reporting
    settle
}
start_shell 80 24
run_vt
click 10 4          # third VM row
capture | grep -q '^>.*db-primary' && ok "mouse: a click selects the row" ||
    { fail "mouse: click did not select db-primary"; capture | head -6; }
click 10 4          # clicking the selected row again opens it
capture | grep -q 'VM db-primary' && ok "mouse: a second click opens the VM" ||
    { fail "mouse: second click did not open"; capture | head -3; }
click 15 1          # the Memory tab
capture | sed -n 2p | grep -q '\[Memory\]' && ok "mouse: a click on a tab switches the panel" ||
    { fail "mouse: tab click"; capture | head -3; }
keys Escape
click 22 1          # the State column title
capture | sed -n 2p | grep -q 'State ^' && ok "mouse: a click on a column title sorts by it" ||
    { fail "mouse: header click"; capture | head -3; }
keys q

# No colour: NO_COLOR and --no-color fall back to the mono theme and the
# layout is the same (meaning never rests on colour alone).
start_shell 80 24
keys "NO_COLOR=1 $VT --demo -d 3600" Enter
wait_for 'connected  demo host'; settle
check_screen "80x24-list"
keys q
keys "$VT --demo -d 3600 --theme high-contrast" Enter
wait_for 'connected  demo host'; settle
check_screen "80x24-list"
keys q

# Signals restore the terminal too.
for sig in INT TERM HUP; do
    start_shell 80 24
    run_vt
    pid=$(pgrep -n -f -- "$VT --demo -d 3600")
    if [ -n "$pid" ]; then kill -s "$sig" "$pid"; fi
    settle
    keys "echo AFTER-$sig; stty -a | tr ' ;' '\n\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\n' ' '; echo" Enter
    if capture | grep -q "^AFTER-$sig" && capture | grep -q '^echo icanon *$'; then
        ok "SIG$sig restores the terminal"
    else
        fail "SIG$sig: terminal after the signal:"; capture | grep -v "^$" | tail -8
    fi
    if [ -n "$(ls -A "$tmp/t")" ]; then fail "SIG$sig left files in TMPDIR: $(ls -A "$tmp/t")"; fi
done

exit $failed
