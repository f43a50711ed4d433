#!/bin/sh
# The Chinese catalog is complete and right: msgfmt --check (formats, plural
# forms, header) reports no fuzzy and no untranslated message, and every
# message marked in the sources today (xgettext over them, as
# 'make update-pot' runs it) has its entry in po/zh_CN.po. Without the
# gettext tools: failed in CI (tools/setup installs them), skipped locally
# with the reason.
src=${top_srcdir:-.}
cannot_run() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi
    echo "SKIP: $1"; exit 77
}
for t in msgfmt xgettext msgcmp; do
    command -v $t >/dev/null 2>&1 || cannot_run "no $t (package gettext; run tools/setup)"
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

stats=$(LC_ALL=C msgfmt --check --statistics -o "$tmp/zh_CN.mo" "$src/po/zh_CN.po" 2>&1) ||
    { echo "FAIL: msgfmt --check po/zh_CN.po:"; echo "$stats"; exit 1; }
echo "msgfmt: $stats"
case $stats in
    *fuzzy*|*untranslated*) echo "FAIL: po/zh_CN.po has fuzzy or untranslated messages"; fail=1 ;;
    *" translated message"*) ;;
    *) echo "FAIL: msgfmt said nothing of the translated messages"; fail=1 ;;
esac

# the sources' messages now, against the catalog
(cd "$src" && xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kP_:1,2 --package-name=virt-tune \
    -o "$tmp/now.pot" core/*.c cli/*.c tui/*.c tui/actions.h widgets/*.c) || { echo "FAIL: xgettext"; exit 1; }
n=$(grep -c '^msgid ' "$tmp/now.pot")
if out=$(LC_ALL=C msgcmp "$src/po/zh_CN.po" "$tmp/now.pot" 2>&1); then
    echo "ok: all $((n - 1)) messages marked in the sources are in po/zh_CN.po"
else
    echo "FAIL: messages marked in the sources but not in po/zh_CN.po (make update-po, then translate):"
    echo "$out" | head -40
    fail=1
fi
# a translation that keeps a format's conversions but drops a newline or
# a leading space breaks the layout it is printed in
/usr/bin/env python3 - "$src/po/zh_CN.po" <<'PY' || fail=1
import re, sys
bad = 0
entries = open(sys.argv[1], encoding="utf-8").read().split("\n\n")
def unq(lines, key):
    out, on = [], False
    for l in lines:
        if l.startswith(key + " "):
            on = True; out.append(l[len(key) + 1:]); continue
        if on and l.startswith('"'):
            out.append(l); continue
        on = False
    return "".join(eval(x) for x in out) if out else None
for e in entries:
    ls = e.splitlines()
    mid, mstr = unq(ls, "msgid"), unq(ls, "msgstr") or unq(ls, "msgstr[0]")
    if not mid or mstr is None:
        continue
    if mid.endswith("\n") != mstr.endswith("\n"):
        print("FAIL: newline at the end differs: %r -> %r" % (mid, mstr)); bad = 1
    lead = len(mid) - len(mid.lstrip(" "))
    if lead and not mstr.startswith(" " * lead):
        print("FAIL: leading spaces differ: %r -> %r" % (mid, mstr)); bad = 1
sys.exit(bad)
PY
[ $fail = 0 ] && echo "ok: po/zh_CN.po complete, formats checked"
exit $fail
