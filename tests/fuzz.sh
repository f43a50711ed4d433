#!/bin/sh
# Fuzzing, run by `make check`: every libFuzzer harness in tests/fuzz for
# FUZZ_SECONDS (60 by default; CI never less than 60) from its committed
# seed corpus, two at a time. A crash, a leak, a sanitizer report, an input
# that takes over 10 s, or a harness that does not reach the end fails.
# Without clang and compiler-rt: skipped locally with the reason, failed
# under CI.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${top_builddir:-$here/..}" && pwd)
secs=${FUZZ_SECONDS:-60}
if [ "${CI:-}" = true ] && [ "$secs" -lt 60 ]; then secs=60; fi

cannot_run() {
    echo "cannot run: $1"
    [ "${CI:-}" = true ] && exit 99
    exit 77
}
command -v clang >/dev/null 2>&1 || cannot_run "clang is not installed (run tools/setup)"

cd "$build" || exit 99
make -s fuzz-build > fuzz-build.log 2>&1 || {
    tail -20 fuzz-build.log
    grep -q 'fuzzer' fuzz-build.log && cannot_run "clang cannot link -fsanitize=fuzzer (compiler-rt missing: run tools/setup)"
    echo "FAIL: the harnesses do not build"; exit 1
}
rm -f fuzz-build.log
fuzzers=$(sed -n 's/^FUZZERS = //p' Makefile)
[ -n "$fuzzers" ] || { echo "FAIL: no FUZZERS in the Makefile"; exit 1; }

run() {   # name
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./fuzz-out/fuzz_$1 -max_total_time="$secs" -max_len=8192 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="fuzz-out/$1-" "fuzz-out/corpus-$1" > "fuzz-out/$1.log" 2>&1
    echo $? > "fuzz-out/$1.rc"
}

set -- $fuzzers
while [ $# -gt 0 ]; do
    run "$1" &
    if [ $# -gt 1 ]; then run "$2" & fi
    wait
    shift; [ $# -gt 0 ] && shift
done

failed=0
for f in $fuzzers; do
    rc=$(cat "fuzz-out/$f.rc" 2>/dev/null || echo missing)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz-out/$f.log")
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "fuzz-out/$f.log")
    if [ "$rc" != 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error:|^SUMMARY: ' "fuzz-out/$f.log"; then
        echo "FAIL: fuzz_$f (exit $rc):"; tail -40 "fuzz-out/$f.log"; failed=1
    elif [ -z "$took" ] || [ "$took" -lt "$secs" ]; then
        echo "FAIL: fuzz_$f stopped after ${took:-?} s, before its $secs s"; tail -5 "fuzz-out/$f.log"; failed=1
    else
        echo "ok: fuzz_$f: ${runs:-?} inputs in $took s, no crash, leak or sanitizer report"
    fi
done
exit $failed
