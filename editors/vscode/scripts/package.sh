#!/usr/bin/env bash
# Owns: building editors/vscode into a VSIX.
# Usage: scripts/package.sh [SERVER_BINARY] [OUT.vsix]
#   SERVER_BINARY: e.g. target/release/eci-exec-lsp or target/debug/eci-exec-lsp; copied into
#   bundled/ so the extension works without the server on PATH. Without it, bundled/ is emptied
#   and the VSIX relies on eciExec.server.path or PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
server="${1:-}"
out="${2:-$here/eci-exec.vsix}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [ -n "$server" ]; then server="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"; fi

cd "$here"
# npm ci only when node_modules is missing or older than the lock file (keeps reruns fast).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
npx tsc -p .
npm run --silent bundle

rm -rf bundled
if [ -n "$server" ]; then
  [ -x "$server" ] || { echo "package.sh: $server is not an executable" >&2; exit 2; }
  mkdir -p bundled
  cp "$server" bundled/eci-exec-lsp
  chmod 755 bundled/eci-exec-lsp
fi

# --no-dependencies: dist/extension.js is a self-contained esbuild bundle.
npx vsce package --no-dependencies --skip-license --allow-missing-repository --out "$out"
echo "packaged $out${server:+ (bundled server: $server)}"
