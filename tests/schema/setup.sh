#!/usr/bin/env bash
# Owns: installing the second schema validator (ajv and jsonc-parser, pinned by
# package-lock.json) into tests/schema/node_modules for server/tests/schema_ajv.rs.
# Idempotent: skipped when the installed packages are newer than the lockfile. npm registry only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "[schema setup] $*"; }

if [ -d "$here/node_modules/ajv" ] && [ -d "$here/node_modules/jsonc-parser" ] \
   && [ ! "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  log "ajv present"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  log "npm (Node.js) is required for the schema test" >&2
  exit 1
fi
log "npm ci in tests/schema"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
