#!/bin/sh
# --help and sasl --help: no line wider than 80 columns (in English and in
# Chinese, by display width), every long option of the man page and every
# sasl subcommand in --help. Ctrl-C: the batch modes and the console exit
# 130 (128 + SIGINT) after their clean-up (the demo's private copy gone).
set -u
VT=${top_builddir:-.}/virt-tune
MAN=${top_srcdir:-.}/man/virt-tune.1
tmp=$(mktemp -d)
trap 'tmux -L "vt-help-$$" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# ---- widths
for lang in C zh_CN.UTF-8; do
    for args in "--help" "sasl --help"; do
        # shellcheck disable=SC2086
        LANG=$lang LC_ALL=$lang "$VT" $args > "$tmp/out" 2>&1 || fail "$args ($lang) exited $?"
        w=$(LC_ALL=C.UTF-8 wc -L < "$tmp/out")
        [ "$lang" = C ] || w=$(LC_ALL=$lang wc -L < "$tmp/out")
        if [ "$w" -le 80 ]; then
            ok "$args ($lang): $(wc -l < "$tmp/out") lines, at most $w columns"
        else
            fail "$args ($lang): $w columns: $(awk 'length > 80' "$tmp/out" | head -3)"
        fi
    done
done
# ---- in Chinese: translated, the option names as they are, lined up
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$VT" --help > "$tmp/zh" 2>&1
    LANG=C LC_ALL=C "$VT" --help > "$tmp/en" 2>&1
    # the option column of each line that starts an option: the same in both
    grep -E '^  (-[a-zA-Z], |    )--[a-z]' "$tmp/en" | cut -c1-27 > "$tmp/en.opts"
    grep -E '^  (-[a-zA-Z], |    )--[a-z]' "$tmp/zh" | cut -c1-27 > "$tmp/zh.opts"
    if cmp -s "$tmp/zh" "$tmp/en"; then
        fail "--help under zh_CN.UTF-8 is the English one"
    elif cmp -s "$tmp/en.opts" "$tmp/zh.opts"; then
        ok "--help in Chinese: $(wc -l < "$tmp/zh.opts") option lines, names and column kept"
    else
        fail "--help in Chinese: option column differs: $(diff "$tmp/en.opts" "$tmp/zh.opts" | head -4 | tr '\n' '|')"
    fi
else
    echo "skip: no zh_CN.UTF-8 locale"
fi

# ---- the man page's long options, each in --help ("--validate" is virsh
# define's, "--listen" libvirtd's: named in the text, not ours)
"$VT" --help > "$tmp/help" || fail "--help exited $?"
grep -o '\\-\\-[a-z0-9]\([a-z0-9]\|\\-\)*' "$MAN" | sed 's/\\-/-/g' | sort -u > "$tmp/manopts"
[ -s "$tmp/manopts" ] || fail "no options found in $MAN"
missing=
while read -r opt; do
    case $opt in --validate | --listen) continue ;; esac
    grep -Eq -- "$opt([^a-z0-9-]|$)" "$tmp/help" || missing="$missing $opt"
done < "$tmp/manopts"
[ -z "$missing" ] && ok "--help has the $(wc -l < "$tmp/manopts") long options of the man page" ||
    fail "--help lacks:$missing"

# ---- every sasl subcommand of sasl --help in --help
"$VT" sasl --help > "$tmp/sasl" || fail "sasl --help exited $?"
cmds=$(sed -n 's/^.*virt-tune sasl \([a-z][a-z]*\).*$/\1/p' "$tmp/sasl" | sort -u)
[ "$(echo "$cmds" | wc -w)" -ge 7 ] || fail "sasl --help names only: $cmds"
missing=
for c in $cmds; do
    grep -Eq "sasl $c( |$)" "$tmp/help" || missing="$missing $c"
done
[ -z "$missing" ] && ok "--help lists the sasl subcommands:" $cmds || fail "--help lacks sasl:$missing"

# ---- Ctrl-C: 130, after the clean-up. A background job of a shell
# without job control starts with SIGINT ignored: env gives it back.
mkdir -p "$tmp/t"
if env --default-signal=INT true 2>/dev/null; then
    TMPDIR=$tmp/t env --default-signal=INT "$VT" --demo --top -d 0.3 > "$tmp/top" 2>&1 &
    pid=$!
    i=0
    while [ $i -lt 50 ] && ! grep -q 'db-primary' "$tmp/top"; do sleep 0.1; i=$((i + 1)); done
    kill -INT $pid
    wait $pid
    rc=$?
    [ $rc = 130 ] && [ -z "$(ls -A "$tmp/t")" ] && ok "--top: SIGINT exits 130, the demo's copy removed" ||
        fail "--top after SIGINT: exit $rc, left in TMPDIR: $(ls -A "$tmp/t")"
    # --check --live: a signal while the window is sampled ends it at once, 130 too
    t0=$(date +%s)
    TMPDIR=$tmp/t env --default-signal=INT "$VT" --demo --check --live -d 60 > "$tmp/chk" 2>&1 &
    pid=$!
    sleep 1
    kill -INT $pid
    wait $pid
    rc=$?
    t=$(($(date +%s) - t0))
    [ $rc = 130 ] && [ "$t" -lt 20 ] && [ -z "$(ls -A "$tmp/t")" ] &&
        ok "--check --live -d 60: SIGINT ends it in ${t}s, exit 130, the demo's copy removed" ||
        fail "--check --live after SIGINT: exit $rc after ${t}s, left in TMPDIR: $(ls -A "$tmp/t")"
else
    echo "skip: env --default-signal (coreutils 8.31) missing: no SIGINT for a background job"
fi

# the console, in tmux: Ctrl-C as a person presses it
if command -v tmux >/dev/null 2>&1; then
    S=vt-help-$$
    tmux -L "$S" new-session -d -s x -x 80 -y 24 \
        "TMPDIR='$tmp/t' '$VT' --demo; echo rc=\$? > '$tmp/rc'; sleep 30"
    i=0
    while [ $i -lt 100 ] && ! tmux -L "$S" capture-pane -p -t x 2>/dev/null | grep -q 'db-primary'; do
        sleep 0.1; i=$((i + 1))
    done
    [ -n "$(ls -A "$tmp/t")" ] || fail "console: no demo copy while it runs"
    tmux -L "$S" send-keys -t x C-c
    i=0
    while [ $i -lt 50 ] && [ ! -s "$tmp/rc" ]; do sleep 0.1; i=$((i + 1)); done
    [ "$(cat "$tmp/rc" 2>/dev/null)" = rc=130 ] && [ -z "$(ls -A "$tmp/t")" ] &&
        ok "console: Ctrl-C exits 130, the demo's copy removed" ||
        fail "console after Ctrl-C: $(cat "$tmp/rc" 2>/dev/null), left in TMPDIR: $(ls -A "$tmp/t")"
    tmux -L "$S" kill-server 2>/dev/null
    # a password asked without echo: Ctrl-C puts the echo back, then ends it.
    # The parent stays to look (SIGINT ignored, the default back in the child):
    # a shell would die with it, bash's readline would restore the echo itself.
    if command -v python3 >/dev/null 2>&1; then
        cat > "$tmp/wrap.py" <<'PY'
import signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
p = subprocess.Popen(sys.argv[2:], preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
p.wait()
st = subprocess.run(["stty", "-a"], capture_output=True, text=True).stdout
rc = 128 - p.returncode if p.returncode < 0 else p.returncode
open(sys.argv[1], "w").write("rc=%d echo %s\n" % (rc, "off" if " -echo " in st else "on"))
PY
        tmux -L "$S" new-session -d -s p -x 100 -y 24 \
            "python3 '$tmp/wrap.py' '$tmp/prc' '$VT' sasl add bob --sasldb '$tmp/x.db' --sasl-conf '$tmp'; sleep 30"
        i=0
        while [ $i -lt 50 ] && ! tmux -L "$S" capture-pane -p -t p | grep -q 'Password:'; do
            sleep 0.1; i=$((i + 1))
        done
        tmux -L "$S" send-keys -t p C-c
        i=0
        while [ $i -lt 50 ] && [ ! -s "$tmp/prc" ]; do sleep 0.1; i=$((i + 1)); done
        [ "$(cat "$tmp/prc" 2>/dev/null)" = "rc=130 echo on" ] &&
            ok "password prompt: Ctrl-C ends it (130) with the echo back on" ||
            fail "password prompt after Ctrl-C: $(cat "$tmp/prc" 2>/dev/null)"
        tmux -L "$S" kill-server 2>/dev/null
    fi
else
    echo "skip: tmux missing: the console's Ctrl-C not tried"
fi
exit $failed
