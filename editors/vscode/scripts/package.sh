#!/usr/bin/env bash
# Owns: building editors/vscode into a VSIX.
# Usage: scripts/package.sh [SERVER_BINARY] [OUT.vsix]
#   SERVER_BINARY: e.g. target/release/eci-exec-lsp or target/debug/eci-exec-lsp; copied into
#   bundled/ so the extension works without the server on PATH, and the VSIX is made for that
#   binary's platform only (`vsce package --target linux-x64`, darwin-arm64, ..., read from the
#   binary's header by scripts/vsce-target.js). Without it, bundled/ is emptied and the VSIX is
#   universal: it relies on eciExec.server.path or PATH.
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

rm -rf bundled
target=()
if [ -n "$server" ]; then
  [ -x "$server" ] || { echo "package.sh: $server is not an executable" >&2; exit 2; }
  platform="$(node scripts/vsce-target.js "$server")"
  name=eci-exec-lsp
  case "$platform" in win32-*) name=eci-exec-lsp.exe ;; esac # the name src/serverPath.ts looks for
  mkdir -p bundled
  cp "$server" "bundled/$name"
  chmod 755 "bundled/$name"
  target=(--target "$platform")
fi

# vsce runs `vscode:prepublish` (type check, then the esbuild bundle in dist/) before packing.
# --no-dependencies: dist/extension.js is a self-contained esbuild bundle.
npx vsce package "${target[@]}" --no-dependencies --skip-license --allow-missing-repository --out "$out"
echo "packaged $out${server:+ for $platform (bundled server: $server)}"
