# Shared by the screen tests: a shell in a fixed-size tmux terminal, keys,
# captures, golden screens. Source it after setting VT and GOLDEN.
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

# A shell in a fixed-size terminal with a fixed environment: the locale is
# C.UTF-8, or VT_LOCALE (the Chinese screens: zh_CN.UTF-8).
start_shell() {   # cols rows
    $T kill-server 2>/dev/null
    i=0; while $T has-session 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    # a client may still reach the server being killed ("server exited
    # unexpectedly"): try again a few times before giving up
    n=0
    until $T has-session -t vt 2>/dev/null || $T new-session -d -s vt -x "$1" -y "$2" \
        "env -i PATH=/usr/bin:/bin HOME=$tmp TERM=screen LANG=${VT_LOCALE:-C.UTF-8} LC_ALL=${VT_LOCALE:-C.UTF-8} \
             XDG_CONFIG_HOME=$tmp/cfg TMPDIR=$tmp/t VIRT_TUNE_DATADIR=${VIRT_TUNE_DATADIR:-} \
             PS1='$ ' sh -i"; do
        n=$((n + 1))
        [ $n -ge 5 ] && { echo "cannot run: tmux did not start"; exit 99; }
        sleep 0.3
    done
    $T set-option -g status off >/dev/null
    $T set-option -g default-terminal screen >/dev/null
    $T resize-window -t vt -x "$1" -y "$2" 2>/dev/null
    wait_for '\$ '
}

capture() { $T capture-pane -p -t vt; }

# A message as the console shows it in VT_LOCALE: the catalog's own
# translation (gettext(1) over the build tree's po/locale), the msgid in C.
vt_tr() {
    if [ -n "${VT_LOCALE:-}" ]; then
        TEXTDOMAINDIR=$(dirname "$VT")/po/locale LANGUAGE= LC_ALL=$VT_LOCALE gettext -d virt-tune "$1"
    else
        printf '%s' "$1"
    fi
}

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

run_vt() { keys "$VT --demo -d 3600 $*" Enter; wait_for "${VT_READY:-connected  demo host}" || fail "virt-tune did not start: $(capture | tail -3)"; settle; }

# Until the pane's program is the shell again (up to ~5 s): keys typed
# while the console still restores the terminal would reach it, not the
# shell.
wait_shell() {
    i=0
    while [ "$($T display-message -p -t vt '#{pane_current_command}' 2>/dev/null)" != sh ] && [ $i -lt 100 ]; do
        sleep 0.05; i=$((i + 1))
    done
}

quit_and_check_prompt() {   # name
    keys q
    wait_shell
    keys "echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\n' ' '; echo" Enter
    if capture | grep -q 'EXIT=0' && capture | grep -q '^echo icanon *$' ; then
        ok "$1: quit leaves a working shell prompt (echo, icanon restored)"
    else
        fail "$1: terminal after quit:"; capture | grep -v "^$" | tail -8
    fi
}

