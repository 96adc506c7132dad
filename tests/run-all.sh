#!/usr/bin/env bash
# The project's whole test suite, as CI runs it: the Rust workspace (unit, fixture, protocol,
# API-client and fake-API tests, the schema against two validators), then the real-editor tests
# (Neovim 0.11 and VS Code through code-server), online ones included, after installing what
# they need.
set -euo pipefail
cd "$(dirname "$0")/.."

# The second schema validator (ajv): server/tests/schema_ajv.rs fails without it when CI=true.
bash tests/schema/setup.sh
# strace: server/tests/whole_frames.rs watches the server's write calls (fails without it in CI).
if ! command -v strace >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null
fi
cargo test --workspace --locked

bash tests/e2e/setup.sh
E2E_ONLINE=1 bash tests/e2e/run.sh
