#!/usr/bin/env bash
# Prints what the README's example queries compile to, for a quick look after a change.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product cwql >/dev/null
while IFS= read -r query; do
    printf '\n$ cwql translate %q\n' "$query"
    .build/debug/cwql translate "$query" || true
done <<'QUERIES'
tickets where board = "Help" and status != Closed
tickets where summary ~ "disk" and priority in (P1, P2) and entered > -7d | sort entered desc | take 20 | select id, summary, status, company
tickets where board = "Alerts" and closed = false | count
tickets where company = ACME | count by status
ticket 4711 | notes
agreements where name = "Managed Services" | additions | select product, quantity
configurations where company = ACME and type = "Server"
QUERIES
