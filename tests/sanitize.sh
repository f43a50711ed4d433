#!/bin/sh
# The test suite again under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, run by `make check`: a copy of the sources
# (make distdir) configured with --enable-sanitizers in build-sanitize/,
# built, and its unit, core and integration tests run there. Any sanitizer
# report ends the process that made it with an error, so the test fails.
# The screen tests (tmux) are not repeated here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${top_builddir:-$here/..}" && pwd)
src=$(cd "${top_srcdir:-$here/..}" && pwd)
out=$build/build-sanitize

# The inner build must not see the outer make's flags and variables (TESTS
# among them), and must never start this script again.
[ "${VT_IN_SANITIZE:-}" = 1 ] && { echo "cannot run: already inside tests/sanitize.sh"; exit 77; }
export VT_IN_SANITIZE=1
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

cd "$build" || exit 99
rm -rf "$out"
mkdir -p "$out"
make -s distdir distdir="$out/src" > "$out/distdir.log" 2>&1 || { tail -20 "$out/distdir.log"; echo "FAIL: make distdir"; exit 1; }
cd "$out/src" || exit 99
./configure -q --enable-sanitizers CFLAGS="-O1 -g" > "$out/configure.log" 2>&1 ||
    { tail -20 "$out/configure.log"; echo "FAIL: configure --enable-sanitizers"; exit 1; }
make -s -j2 > "$out/make.log" 2>&1 || { tail -30 "$out/make.log"; echo "FAIL: the sanitized build"; exit 1; }
nm ./virt-tune | grep -q __asan_init || { echo "FAIL: virt-tune is not built with ASan"; exit 1; }

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86"
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
tests=$(make -s --no-print-directory -f Makefile -f - print-tests <<'MK'
print-tests:
	@echo $(UNIT_TESTS) $(CORE_TESTS) tests/integration/report.sh tests/integration/console.sh tests/integration/apply.sh tests/integration/host.sh tests/integration/sasl.sh tests/integration/advisor.sh tests/integration/faults.sh tests/integration/readonly.sh tests/integration/files.sh tests/integration/fixes.sh tests/integration/fleet.sh tests/integration/fleet-cli.sh tests/integration/live.sh
MK
)
case " $tests " in
*" tests/unit/test_cpuset "*" tests/integration/report.sh "*) ;;
*) echo "FAIL: the list of tests to run looks wrong: $tests"; exit 1 ;;
esac
case "$tests" in *sanitize*|*"make["*) echo "FAIL: bad test list: $tests"; exit 1 ;; esac
make check TESTS="$tests" > "$out/check.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "$out/check.log"
reports=$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' $(find tests -name '*.log') 2>/dev/null)
if [ -n "$reports" ]; then
    for f in $reports; do
        echo "==== sanitizer report in $f"
        grep -nE -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f" | head -60
    done
    exit 1
fi
if [ $rc != 0 ]; then
    for f in $(grep -lE '^:test-result: (FAIL|ERROR)' $(find tests -name '*.trs') 2>/dev/null); do
        echo "==== ${f%.trs}.log"; tail -40 "${f%.trs}.log"
    done
    exit 1
fi
echo "ok: unit, core and integration tests pass under ASan+LSan+UBSan, no sanitizer report"
