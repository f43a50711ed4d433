#!/bin/sh
# The man pages: man/virt-tune.1 and its Chinese translation
# man/zh_CN/virt-tune.1 render with no groff warning ("can't break line",
# "table wider than line width", ...), no rendered line is wider than 80
# columns (display width: a CJK character is 2), every long option of the
# English page is in the Chinese page, both SYNOPSIS sections name the same
# options, and the English SYNOPSIS names --check, --revert-last and
# --etc-root. Without man(1), groff or the zh_CN.UTF-8 locale: failed in
# CI, skipped locally with the reason.
src=${top_srcdir:-.}
en=$src/man/virt-tune.1
zh=$src/man/zh_CN/virt-tune.1
width=80
cannot_run() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi
    echo "SKIP: $1"; exit 77
}
command -v man >/dev/null 2>&1 || cannot_run "no man (package man-db)"
command -v groff >/dev/null 2>&1 || cannot_run "no groff (package groff-base, or groff)"
locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\{0,1\}8$' ||
    cannot_run "no zh_CN.UTF-8 locale (run tools/setup)"
for f in "$en" "$zh"; do
    [ -f "$f" ] || { echo "FAIL: $f is missing"; exit 1; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# render PAGE LOCALE NAME: NAME.txt (the page as man shows it at $width
# columns, no pager, no formatting) and NAME.err (man's and groff's warnings)
render() {
    env -u MANOPT -u MAN_KEEP_FORMATTING LC_ALL="$2" LANG="$2" MANWIDTH=$width \
        MANPAGER=cat PAGER=cat man --warnings -l "$1" >"$tmp/$3.txt" 2>"$tmp/$3.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: man -l $1 exited $rc:"; cat "$tmp/$3.err"; fail=1
    elif [ -s "$tmp/$3.err" ]; then
        echo "FAIL: man --warnings -l $1 ($2) warns:"; cat "$tmp/$3.err"; fail=1
    else
        echo "ok: $1 renders without warnings ($2)"
    fi
    [ -s "$tmp/$3.txt" ] || { echo "FAIL: man -l $1 printed nothing"; fail=1; return; }
    # display width under the Chinese locale, where wc -L counts a CJK
    # character as 2 columns
    w=$(LC_ALL=zh_CN.UTF-8 wc -L <"$tmp/$3.txt")
    if [ "$w" -gt $width ]; then
        echo "FAIL: $1 has rendered lines wider than $width columns ($w):"
        while IFS= read -r line; do
            lw=$(printf '%s\n' "$line" | LC_ALL=zh_CN.UTF-8 wc -L)
            [ "$lw" -gt $width ] && printf '  %s: %s\n' "$lw" "$line"
        done <"$tmp/$3.txt"
        fail=1
    else
        echo "ok: $1: no rendered line over $width columns (widest $w)"
    fi
}
render "$en" C.UTF-8 en
render "$zh" zh_CN.UTF-8 zh

# the long options: every one the English page names is in the Chinese one
longopts() {
    grep -o -- '--[a-z][a-z0-9-]*[a-z0-9]' "$1" | sort -u
}
longopts "$tmp/en.txt" >"$tmp/en.opts"
longopts "$tmp/zh.txt" >"$tmp/zh.opts"
n=$(wc -l <"$tmp/en.opts")
[ "$n" -gt 20 ] || { echo "FAIL: only $n long options found in the English page"; fail=1; }
missing=$(comm -23 "$tmp/en.opts" "$tmp/zh.opts")
if [ -n "$missing" ]; then
    echo "FAIL: long options of man/virt-tune.1 missing in man/zh_CN/virt-tune.1:"
    echo "$missing" | sed 's/^/  /'
    fail=1
else
    echo "ok: all $n long options of the English page are in the Chinese page"
fi

# SYNOPSIS: the lines between the heading and the next one
section() {
    awk -v h="$2" '$0 == h { on = 1; next } on && /^[^ ]/ { exit } on' "$1"
}
section "$tmp/en.txt" SYNOPSIS >"$tmp/en.syn"
section "$tmp/zh.txt" 概要 >"$tmp/zh.syn"
for o in --check --revert-last --etc-root --report --apply --plan --export-virsh --top \
    --hosts --format --demo --sysfs-root --procfs-root --apply-log --dry-run --force; do
    grep -q -- "$o\\([^a-z-]\\|\$\\)" "$tmp/en.syn" ||
        { echo "FAIL: the English SYNOPSIS does not name $o"; fail=1; }
done
grep -q 'virt-tune sasl' "$tmp/en.syn" || { echo "FAIL: the English SYNOPSIS has no sasl form"; fail=1; }
longopts "$tmp/en.syn" >"$tmp/en.synopts"
longopts "$tmp/zh.syn" >"$tmp/zh.synopts"
if ! cmp -s "$tmp/en.synopts" "$tmp/zh.synopts"; then
    echo "FAIL: the SYNOPSIS sections name different options (< English, > Chinese):"
    diff "$tmp/en.synopts" "$tmp/zh.synopts" | grep '^[<>]'
    fail=1
else
    echo "ok: both SYNOPSIS sections name the same $(wc -l <"$tmp/en.synopts") long options"
fi

# the options the program takes (tui/main.c, cli/sasl.c) are all in the page
if [ -f "$src/tui/main.c" ] && [ -f "$src/cli/sasl.c" ]; then
    for o in $(sed -n 's/^ *{ "\([a-z-]*\)", [a-z_]*argument,.*/--\1/p' "$src/tui/main.c" "$src/cli/sasl.c" | sort -u); do
        grep -qx -- "$o" "$tmp/en.opts" || { echo "FAIL: man/virt-tune.1 does not name $o"; fail=1; }
    done
fi
[ $fail -eq 0 ] && echo "PASS: man pages"
exit $fail
