#!/usr/bin/env bash
# The long fuzzing run: a million random and mutated inputs through the parser and compiler,
# an eighth as many hostile shapes (long chains, huge numbers and dates, quotes before
# combining marks, raw paths, recursion), and a twentieth as many hostile requests to the
# simulator (page numbers, long conditions, big bodies); the test suite runs 4,000.
# Usage: scripts/fuzz.sh [iterations] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
export CWQL_FUZZ_ITERATIONS="${1:-1000000}"
export CWQL_FUZZ_SEED="${2:-$(date +%s)}"
echo "fuzzing with $CWQL_FUZZ_ITERATIONS inputs per generator, seed $CWQL_FUZZ_SEED"
swift test --disable-xctest --filter 'RobustnessTests|SimulatorFuzzTests'
