#!/bin/sh
# Screen tests in Chinese (issue 19): the real binary in tmux with
# LANG=zh_CN.UTF-8 over --demo. The VM list, every detail panel, the host
# screen, the advice, the help and the quit question (an edit staged) at 80x24 and 160x50
# are compared with golden screens (tests/screen/golden/zh-*.txt;
# REGENERATE=1 rewrites them). On every screen: no line is wider than the
# terminal (a CJK character counts 2 columns), no character is cut in half
# (tmux shows what is left of one as a replacement or a lone half), the
# screen is in Chinese (CJK characters in the title, the footer and the
# body), and the VM list's State column lines up on every row. The
# quit question is answered with the same ASCII key as in English (Q).
# Then tests/screen/names.sh, the hostile VM names, runs in Chinese.
# Without the zh_CN.UTF-8 locale: skipped locally with the reason, failed
# under CI (tools/setup generates it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }
command -v gettext >/dev/null 2>&1 || { echo "cannot run: no gettext(1) (run tools/setup)"; exit 99; }
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\{0,1\}8$'; then
    [ -n "${CI:-}" ] && { echo "FAIL: no zh_CN.UTF-8 locale (tools/setup generates it)"; exit 1; }
    echo "SKIP: no zh_CN.UTF-8 locale (run tools/setup)"; exit 77
fi
[ -f "$(dirname "$VT")/po/locale/zh_CN/LC_MESSAGES/virt-tune.mo" ] ||
    { echo "FAIL: no po/locale/zh_CN/LC_MESSAGES/virt-tune.mo in the build tree (make)"; exit 1; }
VT_LOCALE=zh_CN.UTF-8
export VT_LOCALE
. "$here/lib.sh"
# the status line's "connected  ", in the catalog's Chinese
VT_READY="$(vt_tr connected)  "

# check_pane NAME COLS: widths, whole characters, Chinese text
check_pane() {
    capture > "$tmp/pane"
    if /usr/bin/python3 - "$tmp/pane" "$2" <<'PY'
import sys, unicodedata
text = open(sys.argv[1], encoding="utf-8", errors="strict").read()
cols = int(sys.argv[2])
lines = text.split("\n")
ok = True
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
def cjk(s):
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff")
for n, line in enumerate(lines, 1):
    if width(line) > cols:
        print("line %d is %d columns wide: %r" % (n, width(line), line)); ok = False
    if "\ufffd" in line:
        print("line %d has a replacement character: %r" % (n, line)); ok = False
body = [l for l in lines if l.strip()]
if not body or cjk(body[0]) == 0 and cjk(" ".join(body[1:3])) == 0:
    print("no Chinese at the top: %r" % body[:2]); ok = False
if cjk(body[-1]) == 0:
    print("the footer is not in Chinese: %r" % body[-1]); ok = False
if cjk(text) < 10:
    print("only %d CJK characters on the screen" % cjk(text)); ok = False
sys.exit(0 if ok else 1)
PY
    then ok "$1: Chinese, every line within $2 columns, no character cut"
    else fail "$1: see above"; cat "$tmp/pane"; fi
}

screen() {   # golden name, cols
    check_screen "$1"
    check_pane "$1" "$2"
}

for size in 80x24 160x50; do
    cols=${size%x*}; rows=${size#*x}
    start_shell "$cols" "$rows"
    keys clear Enter
    run_vt
    screen "zh-$size-list" "$cols"
    # the State column: one display column on every VM row
    capture > "$tmp/list"
    if /usr/bin/python3 - "$tmp/list" "$(vt_tr running)" "$(vt_tr 'shut off')" "$(vt_tr paused)" <<'PY'
import sys, unicodedata
words = sys.argv[2:]
cols, rows = set(), 0
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[2:]:
    hits = [line.find(" %s " % w) for w in words if line.find(" %s " % w) >= 0]
    if not hits:
        continue
    i = min(hits) + 1
    rows += 1
    cols.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))
print("%d rows, State at column(s) %s" % (rows, sorted(cols)))
sys.exit(0 if rows >= 10 and len(cols) == 1 else 1)
PY
    then ok "$size list: the State column lines up (the CJK VM name's row too)"
    else fail "$size list: the State column does not line up"; cat "$tmp/list"; fi
    keys j j j Enter
    screen "zh-$size-detail-iothreads" "$cols"
    for p in memory security disks network agent live; do
        keys Tab
        screen "zh-$size-detail-$p" "$cols"
    done
    keys Tab Escape
    keys H
    screen "zh-$size-host" "$cols"
    keys Escape A
    screen "zh-$size-advice" "$cols"
    keys Escape '?'
    screen "zh-$size-help" "$cols"
    keys Escape Escape
    # an edit staged (the first finding's fix), so that quitting asks
    keys A f Escape q
    screen "zh-$size-quit" "$cols"
    keys Q
    wait_shell
    keys "echo EXIT=\$?" Enter
    capture | grep -q 'EXIT=0' && ok "$size: Q answers the Chinese quit question" ||
        { fail "$size: Q did not quit"; capture | tail -5; }
done

# The hostile VM names, in Chinese
if VT_LOCALE=zh_CN.UTF-8 sh "$here/names.sh" > "$tmp/names.log" 2>&1; then
    ok "names.sh in zh_CN.UTF-8: $(grep -c '^ok' "$tmp/names.log") checks"
else
    fail "names.sh in zh_CN.UTF-8:"; grep -v '^ok' "$tmp/names.log"
fi
exit $failed
