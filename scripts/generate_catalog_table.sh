#!/usr/bin/env bash
# Writes Sources/CWQLLanguage/Catalog/Generated/CatalogTable+Generated.swift again: the catalog's
# names as the naming rule gives them for the embedded API facts. Run it after
# scripts/generate_spec_facts.py or after changing the rule (EndpointNaming, SpecCatalogBuilder,
# CatalogOverlay.names); CatalogTableTests fails until the file matches. The second run checks it.
set -euo pipefail
cd "$(dirname "$0")/.."
CWQL_WRITE_CATALOG_TABLE=1 swift test --disable-xctest --filter CatalogTableTests
swift test --disable-xctest --filter CatalogTableTests
