#!/usr/bin/env bash
# Builds cwql and cwql-bench in release mode, as the README installs cwql, and runs the benchmark.
# Extra arguments go to cwql-bench (e.g. --json, --latency-ms 50, --tickets 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product cwql
swift build -c release --static-swift-stdlib --product cwql-bench
exec "$(swift build -c release --static-swift-stdlib --show-bin-path)/cwql-bench" "$@"
