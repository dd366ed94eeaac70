#!/usr/bin/env bash
# Builds cwql and cwql-bench in release mode and runs the benchmark.
# Extra arguments go to cwql-bench (e.g. --json, --latency-ms 50, --tickets 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cwql
swift build -c release --product cwql-bench
exec "$(swift build -c release --show-bin-path)/cwql-bench" "$@"
