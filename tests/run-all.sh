#!/usr/bin/env bash
# The project's whole test suite, as CI runs it: the Rust workspace (unit, fixture, protocol,
# API-client and fake-API tests), then the real-editor tests when their runner is present.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked
