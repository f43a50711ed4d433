#!/bin/sh
# The report path under valgrind memcheck, run by `make check`: the text and
# JSON reports and the JSON checks on the demo host. Any memcheck error, or
# memory definitely lost, fails. Without valgrind: skipped locally, failed
# under CI.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VT=$(cd "${top_builddir:-$here/..}" && pwd)/virt-tune
command -v valgrind >/dev/null 2>&1 || {
    echo "cannot run: valgrind is not installed (run tools/setup)"
    [ "${CI:-}" = true ] && exit 99
    exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

for args in "--report" "--report=json" "--check --json"; do
    # shellcheck disable=SC2086
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --error-exitcode=99 --log-file="$tmp/vg" "$VT" --demo $args > "$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 99 ] || [ -s "$tmp/vg" ]; then
        echo "FAIL: valgrind on virt-tune --demo $args (exit $rc):"; head -60 "$tmp/vg"; failed=1
    elif [ $rc -gt 2 ]; then
        echo "FAIL: virt-tune --demo $args exited $rc: $(head -3 "$tmp/err")"; failed=1
    elif [ ! -s "$tmp/out" ]; then
        echo "FAIL: virt-tune --demo $args printed nothing"; failed=1
    else
        echo "ok: virt-tune --demo $args: no memcheck error, nothing definitely lost (exit $rc)"
    fi
done
exit $failed
