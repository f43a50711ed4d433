#!/bin/sh
# Screen test: VM names that would break a terminal or a layout. The host
# (tests/data/names.xml, test driver) has names with a tab, DEL, the C1 CSI
# (a one-byte escape sequence on some terminals), a bidi override, a
# zero-width space, and 200-character ASCII and CJK names. In tmux at
# 100x24: no raw control, bidi or zero-width character reaches the screen;
# each is shown escaped (\x09, \x7f, \x9b, \u202e, \u200b); no line is wider
# than the terminal; the State column lines up on every row, CJK included
# (2 columns a character); long names end in ~; each VM's detail title is
# escaped and fits. The text report escapes alike; the JSON keeps the names
# exact.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
src=$(cd "${top_srcdir:-$here/../..}" && pwd)
GOLDEN=$here/golden
command -v tmux >/dev/null 2>&1 || { echo "cannot run: tmux is not installed (run tools/setup)"; exit 99; }
command -v python3 >/dev/null 2>&1 || { echo "cannot run: python3 is not installed (run tools/setup)"; exit 99; }
. "$here/lib.sh"
URI="test://$src/tests/data/names.xml"
# the words looked for, in the locale the console runs in (VT_LOCALE:
# tests/screen/zh.sh runs this test in Chinese too)
RUN=$(vt_tr running)
t=$(vt_tr 'VM %s (%s, %u vCPU)')
TPRE=${t%%"%s"*}
t=${t#*"%s"}
TPOST=${t%%"%s"*}
export RUN

# check_pane WHAT: the capture's lines are at most 100 columns wide and hold
# no raw control, bidi or zero-width character
check_pane() {
    $T capture-pane -p -t vt > "$tmp/pane"
    if python3 - "$tmp/pane" <<'PY'
import sys, unicodedata
bad = set(range(0, 0x20)) | set(range(0x7f, 0xa0)) | {0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a,
      0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff}
text = open(sys.argv[1], encoding="utf-8", errors="strict").read()
ok = True
for n, line in enumerate(text.split("\n"), 1):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if w > 100:
        print("line %d is %d columns wide" % (n, w)); ok = False
    raw = [hex(ord(c)) for c in line if ord(c) in bad]
    if raw:
        print("line %d has raw %s" % (n, raw)); ok = False
sys.exit(0 if ok else 1)
PY
    then ok "$1: no raw control, bidi or zero-width character; no line over 100 columns"
    else fail "$1: see above"; cat "$tmp/pane"; fi
}

start_shell 100 24
keys clear Enter
keys "$VT -c '$URI' -d 3600" Enter
wait_for "$RUN" || { fail "the console did not start: $(capture | tail -3)"; exit 1; }
settle
check_pane "VM list"
for e in 'tab\x09here' 'del\x7fx' 'csi\x9b31mred' 'rtl\u202eevil' 'zw\u200bsp'; do
    capture | grep -qF -- "$e" && ok "list: shown escaped: $e" || fail "list: no $e"
done
# the State column: the same display column on every VM row
if python3 - "$tmp/pane" <<'PY'
import os, sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[2:10]:
    i = line.find(" %s " % os.environ["RUN"])
    if i < 0:
        print("no state in: %r" % line); sys.exit(1)
    cols.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))
sys.exit(0 if len(cols) == 1 else 1)
PY
then ok "list: the State column lines up on all 8 rows, the CJK name's too"
else fail "list: columns do not line up"; cat "$tmp/pane"; fi
capture | grep -q "aaaaaaaa~ $RUN" && ok "list: the 200-character ASCII name ends in ~" || fail "list: long ASCII name"
capture | grep -q "测测 *~ $RUN\\|测~ $RUN" && ok "list: the 200-character CJK name ends in ~" || fail "list: long CJK name"

# every VM's detail: an escaped title that fits
# (sorted by name: aaa…, csi, del, nbsp, rtl, tab, zw, 测…)
for k in 1 2 3 4 5 6 7 8; do
    keys Enter
    check_pane "detail $k"
    want=$(echo "- csi\x9b31mred del\x7fx - rtl\u202eevil tab\x09here zw\u200bsp -" | cut -d' ' -f$k)
    if [ "$want" != - ]; then
        capture | sed -n 1p | grep -qF "$TPRE$want$TPOST" && ok "detail $k: the title shows VM $want" ||
            fail "detail $k: title $(capture | sed -n 1p)"
    fi
    keys Escape Down
done
keys q

# the text report escapes as the screens do; the JSON keeps the names exact
"$VT" -c "$URI" --report > "$tmp/report.txt" || fail "--report"
for e in 'tab\x09here' 'del\x7fx' 'csi\x9b31mred' 'rtl\u202eevil' 'zw\u200bsp'; do
    grep -qF -- "VM $e " "$tmp/report.txt" || fail "text report: no escaped $e"
done
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]' "$tmp/report.txt"; then
    fail "text report: a raw control character got through"
else
    ok "text report: every name escaped, no raw control character"
fi
"$VT" -c "$URI" --report=json | jq -r '.domains[].name' > "$tmp/names.txt" || fail "--report=json"
printf 'tab\there\ncsi\302\23331mred\n' > "$tmp/want"
grep -qxF "$(printf 'tab\there')" "$tmp/names.txt" && grep -qxF "$(printf 'csi\302\23331mred')" "$tmp/names.txt" &&
    ok "JSON: the names are exact (jq -r gives the raw name back)" || fail "JSON names: $(cat -A "$tmp/names.txt" | head -3)"

exit $failed
