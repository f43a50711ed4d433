#!/bin/sh
# Screen test: nothing staged is lost to a dropped terminal, a signal or a
# kill. The staged edits live in a recovery file while they are staged; the
# next console offers them (Restore / Discard / Esc for later). Signals at
# screens with a modal open and a storm of resizes leave a working terminal.
# The recovery file is a real host's: the console runs on a stand-in host
# (libvirt's test driver on a copy of the demo's data, its sysfs, procfs
# and /etc given as roots), keyed by its URI, with HOME=$tmp. The demo
# keeps its own inside its private copy, which goes when it ends
# (tests/screen/demo-sandbox.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }

. "$here/lib.sh"

state=$tmp/.local/state/virt-tune   # HOME=$tmp in the test's shell
recfile() { ls "$state"/staged-*.plan 2>/dev/null | head -n 1; }
host=$tmp/host
mkdir -p "$host"
cp -a "${VIRT_TUNE_DATADIR:-$here/../../data}/demo/." "$host/"
HOSTARGS="-c test://$host/host.xml --sysfs-root $host/sysfs --procfs-root $host/proc --etc-root $host/etc"
run_host() {
    keys "$VT -d 3600 $HOSTARGS $*" Enter
    wait_for 'connected  test:' || fail "virt-tune did not start: $(capture | tail -3)"
    settle
}
vt_pid() { pgrep -n -f -- "$VT (--demo )?-d 3600"; }
gone() {   # wait until no console runs
    i=0; while vt_pid >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    ! vt_pid >/dev/null
}
status_line() { capture | sed -n "$(( $(capture | wc -l) - 1 ))p"; }

printf 'vm db-replica vcpu 0 pin 2 config\nvm web-01 hugepages 2M\n' > "$tmp/two.plan"

# 1. The SSH session drops: the terminal goes away under a console with
#    staged edits (tmux's server killed = SIGHUP to the console).
start_shell 80 24
run_host "--plan $tmp/two.plan"
title_line() { capture | sed -n 1p; }
title_line | grep -q '\[2 staged\]' || fail "--plan: not staged: $(title_line)"
$T kill-server
gone && ok "terminal dropped: the console ended" || fail "the console outlived its terminal"
f=$(recfile)
if [ -n "$f" ] && grep -qx 'vm db-replica vcpu 0 pin 2 config' "$f" && grep -qx 'vm web-01 hugepages 2M' "$f"; then
    ok "terminal dropped: both staged edits are in $(basename "$f")"
else
    fail "no recovery file with the staged edits: $(ls -la "$state" 2>&1)"
fi
[ "$(stat -c %a "$f" 2>/dev/null)" = 600 ] && ok "the recovery file is 0600" || fail "mode $(stat -c %a "$f" 2>/dev/null)"
[ -z "$(ls -A "$tmp/t")" ] || fail "temporary files left: $(ls -A "$tmp/t")"
[ -z "$(ls -A "$state" | grep -v '^staged-[0-9a-f]*\.plan\(\.lock\)*$')" ] || fail "stray files in the state dir: $(ls -A "$state")"

# 2. The next console offers them; Enter restores them into the review.
start_shell 80 24
run_host
capture | grep -q 'ended with 2 staged' && ok "next start: the edits are offered" ||
    { fail "next start: no offer"; capture | sed -n 8,18p; }
keys Enter
if title_line | grep -q '\[2 staged\]' && capture | grep -q 'vm web-01 hugepages 2M' &&
   capture | grep -q 'restored 2 staged edits'; then
    ok "Restore: both edits are staged again, in the review"
else
    fail "Restore"; capture | head -5; status_line
fi

# 3. SIGKILL leaves no chance to clean up: the file was already written.
#    Drop one edit first: the file follows the staged set.
keys d
sleep 0.3
grep -q 'db-replica' "$(recfile)" && fail "the dropped edit is still in the recovery file"
kill -9 "$(vt_pid)"
gone || fail "SIGKILL"
keys reset Enter
start_shell 80 24
run_host
capture | grep -q 'ended with 1 staged' && ok "after SIGKILL: the one edit left is offered" ||
    { fail "after SIGKILL: no offer"; capture | sed -n 8,18p; }

# 4. Esc: decide later; the file stays and is offered again.
keys Escape
capture | grep -q 'left for later' && [ -n "$(recfile)" ] &&
    ok "Esc: left for later, the file stays" || fail "Esc: $(status_line)"
title_line | grep -q staged && fail "Esc staged the edits"
keys q
gone || fail "q after Esc"
[ -n "$(recfile)" ] && ok "quit after Esc: the file is still there" || fail "quit after Esc removed the file"

# 5. Discard removes it; the console after that offers nothing.
run_host
keys Right Enter
capture | grep -q 'discarded 1 staged edit' && [ -z "$(recfile)" ] && ok "Discard: the file is removed" ||
    fail "Discard: $(status_line); $(ls "$state")"
keys q
gone || fail "q after Discard"
run_host
capture | grep -q 'Recover' && fail "offered again after Discard"
keys q

# 6. Quitting on purpose with staged edits (q, then Quit) leaves no file.
run_host "--plan $tmp/two.plan"
keys q
capture | grep -q 'Quit and lose them' || fail "q with staged edits did not ask"
keys Left Enter
gone && [ -z "$(recfile)" ] && ok "q, Quit: the edits are dropped on purpose, no recovery file" ||
    fail "quit on purpose: $(ls "$state")"

# 7. Signals at screens with a modal open: the terminal comes back, the
#    staged edit is kept, no temporary file is left.
stty_line() {
    keys "echo AFTER-$1; stty -a | tr ' ;' '\n\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\n' ' '; echo" Enter
    capture | grep -q "^AFTER-$1" && capture | grep -q '^echo icanon *$'
}
for case in "TERM edit-form" "INT picker" "HUP apply-dialog"; do
    sig=${case% *}; where=${case#* }
    start_shell 80 24
    rm -f "$state"/staged-*.plan
    run_host "--plan $tmp/two.plan"
    keys Escape           # the review opened by --plan: back to the list
    case $where in
        edit-form) keys j j j Enter e ;;
        picker) keys j j j Enter e Down Down Down Down Down Down Down Enter C-g ;;
        apply-dialog) keys R a ;;
    esac
    kill -s "$sig" "$(vt_pid)"
    gone || fail "SIG$sig at the $where did not end the console"
    if stty_line "$sig"; then ok "SIG$sig at the $where: the terminal is restored"
    else fail "SIG$sig at the $where: terminal"; capture | grep -v '^$' | tail -6; fi
    capture | grep -q "2 staged edits not applied, kept in" && grep -qx 'vm web-01 hugepages 2M' "$(recfile)" &&
        ok "SIG$sig: the staged edits are kept and the console says where" ||
        fail "SIG$sig: recovery: $(capture | grep -v '^$' | tail -4)"
    [ -z "$(ls -A "$tmp/t")" ] || fail "SIG$sig left files in TMPDIR: $(ls -A "$tmp/t")"
done

# 9. Two consoles on one host at once (two admins, two windows): each keeps
#    its own file; the second is not offered the first's edits while the
#    first runs; when the first is killed, the next console is offered
#    exactly its edits, and the second's file is left alone.
rm -f "$state"/staged-*
printf 'vm lb-01 vcpu 0 pin 3 config\n' > "$tmp/one.plan"
start_shell 80 24
run_host "--plan $tmp/two.plan"
T2="tmux -L $SOCK-2 -f /dev/null"   # a server of its own: start_shell restarts the first
cleanup() { $T kill-server 2>/dev/null; $T2 kill-server 2>/dev/null; rm -rf "$tmp"; }
$T2 new-session -d -s vt2 -x 80 -y 24 \
    "env -i PATH=/usr/bin:/bin HOME=$tmp TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 \
         XDG_CONFIG_HOME=$tmp/cfg TMPDIR=$tmp/t VIRT_TUNE_DATADIR=${VIRT_TUNE_DATADIR:-} \
         PS1='$ ' sh -i"
capture2() { $T2 capture-pane -p -t vt2; }
sleep 0.5
$T2 send-keys -t vt2 "$VT -d 3600 $HOSTARGS --plan $tmp/one.plan" Enter
i=0; while ! capture2 | grep -q 'connected  test:' && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
capture2 | grep -q '1 edit staged from' || fail "second console: --plan not staged: $(capture2 | tail -2)"
capture2 | grep -q 'earlier console' && fail "second console: offered the running console's edits"
files=$(ls "$state"/staged-*.plan 2>/dev/null | wc -l)
fa=$(grep -l 'vm web-01 hugepages 2M' "$state"/staged-*.plan 2>/dev/null)
fb=$(grep -l 'vm lb-01 vcpu 0 pin 3 config' "$state"/staged-*.plan 2>/dev/null)
if [ "$files" = 2 ] && [ -n "$fa" ] && [ -n "$fb" ] && [ "$fa" != "$fb" ]; then
    ok "two consoles at once: each keeps its staged edits in a file of its own"
else
    fail "two consoles: $files files, first in '$fa', second in '$fb'"
fi
kill -9 "$(pgrep -n -f -- "$tmp/two.plan")"
i=0; while pgrep -f -- "$tmp/two.plan" >/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
start_shell 80 24   # a new terminal: the killed console left this one raw
run_host
if capture | grep -q 'ended with 2 staged'; then
    ok "first console killed: the next one is offered its 2 edits, not the running one's"
else
    fail "after killing the first of two consoles: $(capture | sed -n 8,14p)"
fi
keys Enter
title_line | grep -q '\[2 staged\]' || fail "Restore with two consoles: $(title_line)"
grep -qx 'vm lb-01 vcpu 0 pin 3 config' "$fb" && ok "the second console's file is left alone" ||
    fail "the second console's file: $(cat "$fb" 2>&1)"
$T2 send-keys -t vt2 q
sleep 0.5
$T2 send-keys -t vt2 Left Enter
sleep 1
[ -e "$fb" ] && fail "the second console quit on purpose, its file stays"
keys q
keys Left Enter
gone || fail "quit after the two-console case"
[ -z "$(ls -A "$state")" ] && ok "both quit on purpose: no recovery or lock file left" ||
    fail "left in the state dir: $(ls -A "$state")"
$T2 kill-server 2>/dev/null

# 8. A storm of resizes, down to a size too small to draw in: the console
#    lays out again and the list is as it was.
rm -f "$state"/staged-*.plan
start_shell 80 24
keys clear Enter
run_vt
for s in 120x40 20x5 200x60 40x10 81x25 10x3 100x30 80x24 33x7 150x45 80x24; do
    $T resize-window -t vt -x "${s%x*}" -y "${s#*x}"
done
sleep 1    # the last SIGWINCH is read at the console's next key wait
settle
vt_pid >/dev/null && ok "resize storm: the console is still up" || fail "resize storm: the console died"
check_screen "80x24-list"
quit_and_check_prompt "after the resize storm"

# 10. The demo's private copy outlives a SIGKILL (nothing could remove
#     it); the next demo removes it.
run_vt
kill -9 "$(vt_pid)"
gone || fail "SIGKILL of the demo"
[ -n "$(ls -d "$tmp"/t/virt-tune-demo.* 2>/dev/null)" ] || fail "SIGKILL: no demo copy left behind (test broken?)"
keys reset Enter
start_shell 80 24
run_vt
[ "$(ls -d "$tmp"/t/virt-tune-demo.* | wc -l)" = 1 ] && ok "after SIGKILL: the next demo removed the stale demo copy" ||
    fail "stale demo copies: $(ls "$tmp/t")"
keys q
gone || fail "q after the demo's SIGKILL case"
[ -z "$(ls -A "$tmp/t")" ] && ok "the demo quit: its copy is gone" || fail "left in TMPDIR: $(ls -A "$tmp/t")"

exit $failed
