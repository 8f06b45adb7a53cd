#!/usr/bin/env bash
# Builds KcpDesk and runs every test: the full suite (unit, interop, gui, slow labels) on the
# release build, the unit tests again under ASan+UBSan with no recovery, and each libFuzzer
# target for a bounded time. Installs its own Debian packages first. Exit status: 0 only if all
# of it passed.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-20}  # 8 targets: under 3 minutes of fuzzing in CI, as with 4 x 40
jobs=$(nproc)
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

bash scripts/install-deps.sh

echo "== build and test (release) =="
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default 2>&1 | tee "$log_dir/release.log"

echo "== unit tests under ASan + UBSan =="
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" \
    ctest --preset asan 2>&1 | tee "$log_dir/asan.log"

if [ -d tests/fuzz ] && ls tests/fuzz/fuzz_*.cpp >/dev/null 2>&1; then
    echo "== libFuzzer, ${FUZZ_SECONDS}s per target =="
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j "$jobs" --target fuzzers
    mkdir -p "$log_dir/fuzz" build/fuzz/artifacts
    for fuzzer in build/fuzz/tests/fuzz/fuzz_*; do
        [ -f "$fuzzer" ] && [ -x "$fuzzer" ] || continue
        name=$(basename "$fuzzer")
        corpus="build/fuzz/corpus/$name"
        mkdir -p "$corpus"
        seeds=()
        [ -d "tests/fuzz/seeds/${name#fuzz_}" ] && seeds=("tests/fuzz/seeds/${name#fuzz_}")
        log="$log_dir/fuzz/$name.log"
        # New inputs go to the first directory (under build/); the committed seeds stay as they
        # are. A unit slower than -timeout counts as a hang: the slowest legitimate ones (FEC
        # codes of ~255 shards) take about 2 s under the sanitizers.
        if ! UBSAN_OPTIONS=print_stacktrace=1 "$fuzzer" -max_total_time="$FUZZ_SECONDS" \
            -timeout=15 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" \
            "$corpus" "${seeds[@]}" >"$log" 2>&1; then
            tail -n 80 "$log"
            echo "$name FAILED; replay: $fuzzer build/fuzz/artifacts/$name-<id>"
            exit 1
        fi
        echo "-- $name: $(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE[[:space:]]*/\1 runs, /p' "$log")"
    done
fi
# One closing line for CI: ctest counts of both runs (set -o pipefail already failed us above
# if any test failed).
passed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' \
    "$log_dir"/*.log | awk '{ total += $1 - $2; failed += $2 } END { print total " passed, " failed " failed" }')
echo "tests: $passed"
