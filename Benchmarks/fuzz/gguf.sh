#!/usr/bin/env bash
# Long GGUF fuzz run: the generators of Tests/GGUFTests/GGUFFuzzTests.swift (reader) and
# Tests/LlamaEngineTests/GGUFFuzzLoadTests.swift (full model load, session, two tokens), for many
# inputs, in chunks of one test process each (a new seed per chunk), and the figures:
# inputs, errors thrown, accepted, crashes (process death), hangs (a chunk past its time limit),
# test failures (e.g. a message without the file), slowest input and peak RSS.
#
#   Benchmarks/fuzz/gguf.sh [mutations]        default 100000, split evenly over the three tests
#
# Needs a release build with tests: swift build -c release -Xswiftc -enable-testing --build-tests
# INFILL_FUZZ_CHUNK (inputs per process, default 10000), INFILL_FUZZ_TIMEOUT (seconds per process,
# default 900). A crashed chunk's input file is kept under the printed folder: it is the input
# that killed the process.
set -uo pipefail
cd "$(dirname "$0")/../.."

total=${1:-100000}
chunk=${INFILL_FUZZ_CHUNK:-10000}
limit=${INFILL_FUZZ_TIMEOUT:-900}
bundle=$(ls -d .build/release/*PackageTests.xctest 2>/dev/null | head -1)
[[ -x "$bundle" ]] || { echo "no test bundle under .build/release; run: swift build -c release -Xswiftc -enable-testing --build-tests" >&2; exit 2; }

tests=(
    GGUFTests.GGUFFuzzTests/testMutatedHeadersAndTensorTablesThrowOrRead
    LlamaEngineTests.GGUFFuzzLoadTests/testMutatedBytesLoadOrThrow
    LlamaEngineTests.GGUFFuzzLoadTests/testLyingMetadataAndTensorTablesLoadOrThrow
)
# Memory-backed where there is one: every input is a file rewritten in place.
work=$(mktemp -d "$( [[ -w /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}" )/infill-fuzz-gguf.XXXXXX")
inputs=0 accepted=0 thrown=0 crashes=0 hangs=0 failures=0 peak_kb=0 processes=0
slowest_ms=0 slowest=""
per_test=$(( total / ${#tests[@]} ))
start=$(date +%s)

for test in "${tests[@]}"; do
    done_inputs=0 seed=1000
    while (( done_inputs < per_test )); do
        n=$(( per_test - done_inputs < chunk ? per_test - done_inputs : chunk ))
        # Each test method runs both model flavors: n/2 inputs each.
        per_flavor=$(( (n + 1) / 2 ))
        dir="$work/$(basename "$test")-$seed"
        mkdir -p "$dir"
        INFILL_FUZZ_ITERATIONS=$per_flavor INFILL_FUZZ_SEED=$seed INFILL_FUZZ_DIR="$dir" \
            /usr/bin/time -v -o "$dir/time.txt" timeout -k 10 "$limit" "$bundle" "$test" >"$dir/log.txt" 2>&1
        rc=$?
        processes=$(( processes + 1 ))
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt" 2>/dev/null || echo 0)
        (( ${kb:-0} > peak_kb )) && peak_kb=$kb
        # The tally lines: "GGUFFuzz ...: inputs N, accepted A, errors thrown R, slowest input X ms (...)".
        while read -r line; do
            i=$(sed -E 's/.*inputs ([0-9]+),.*/\1/' <<<"$line")
            a=$(sed -E 's/.*accepted ([0-9]+),.*/\1/' <<<"$line")
            r=$(sed -E 's/.*errors thrown ([0-9]+),.*/\1/' <<<"$line")
            ms=$(sed -E 's/.*slowest input ([0-9.]+) ms.*/\1/' <<<"$line")
            inputs=$(( inputs + i )) accepted=$(( accepted + a )) thrown=$(( thrown + r ))
            if awk "BEGIN {exit !($ms > $slowest_ms)}"; then
                slowest_ms=$ms
                slowest="$(sed -E 's/.*slowest input [0-9.]+ ms \((.*)\); errors by kind.*/\1/' <<<"$line") [seed $seed, $test]"
            fi
        done < <(grep -a '^GGUFFuzz ' "$dir/log.txt")
        if (( rc == 124 || rc == 137 )); then
            hangs=$(( hangs + 1 )); echo "HANG: $test seed $seed (past ${limit}s); inputs in $dir" >&2
        elif (( rc > 128 )) || grep -aq 'Fatal error\|Illegal instruction\|Segmentation fault\|signal' "$dir/log.txt"; then
            crashes=$(( crashes + 1 )); echo "CRASH: $test seed $seed (exit $rc); the input that crashed is in $dir" >&2
            grep -a -m3 'Fatal error\|signal' "$dir/log.txt" >&2
        elif (( rc != 0 )); then
            failures=$(( failures + 1 )); echo "FAILED: $test seed $seed (exit $rc); log $dir/log.txt" >&2
            grep -a -m5 'error:' "$dir/log.txt" >&2
        else
            rm -rf "$dir"
        fi
        done_inputs=$(( done_inputs + 2 * per_flavor ))
        seed=$(( seed + 1 ))
    done
done

echo "GGUF fuzz: $(( $(date +%s) - start )) s, $processes processes of up to $chunk inputs, ${limit} s limit each"
echo "  inputs:        $inputs"
echo "  errors thrown: $thrown"
echo "  accepted:      $accepted (loaded and generated, or read cleanly)"
echo "  crashes:       $crashes"
echo "  hangs:         $hangs"
echo "  test failures: $failures"
echo "  slowest input: $slowest_ms ms ($slowest)"
echo "  peak RSS:      $(( peak_kb / 1024 )) MiB (largest test process)"
(( crashes + hangs + failures == 0 )) && rmdir "$work" 2>/dev/null
(( crashes + hangs + failures == 0 ))
