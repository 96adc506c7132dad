#!/usr/bin/env bash
# Owns: checking how the VS Code extension is packaged: scripts/package.sh with a bundled server
# makes a VSIX for that binary's platform only (so a Linux one is never installed on a Mac),
# without one a universal VSIX, and a plain `vsce package` builds dist/ itself (vscode:prepublish).
# Usage: vsix_test.sh SERVER OUT.vsix (OUT.vsix, with the server bundled, is what the code-server
# suite installs). Env: E2E_REPO. Prints PASS/FAIL lines.
set -uo pipefail
server="$1" vsix="$2"
ext="$E2E_REPO/editors/vscode"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0

# "TARGET BUNDLED DIST" of a VSIX: its manifest's target platform ("" when universal), and
# whether it holds the server and the bundle.
contents() {
  python3 - "$1" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
m = re.search(r'TargetPlatform="([^"]+)"', z.read('extension.vsixmanifest').decode())
names = set(z.namelist())
print(m.group(1) if m else '', 'bundled' if 'extension/bundled/eci-exec-lsp' in names else '-',
      'dist' if 'extension/dist/extension.js' in names else '-')
PY
}

# expect NAME WANT VSIX BUILD-COMMAND...: builds, then compares the VSIX's contents with WANT.
expect() {
  local name="$1" want="$2" file="$3" log="$tmp/build.log" got; shift 3
  if ! "$@" > "$log" 2>&1; then
    echo "FAIL vscode: $name: the build failed:"; tail -20 "$log" | sed 's/^/    /'; fail=1; return
  fi
  got="$(contents "$file" 2>&1)"
  if [ "$got" = "$want" ]; then echo "PASS vscode: $name"
  else echo "FAIL vscode: $name: the VSIX has \"$got\", want \"$want\""; fail=1; fi
}

case "$(uname -m)" in x86_64) host=linux-x64 ;; aarch64) host=linux-arm64 ;; *) host="linux-$(uname -m)" ;; esac
plain_vsce() { # as an author would run it: no build before it
  (cd "$ext" && rm -rf dist out bundled \
     && npx vsce package --no-dependencies --skip-license --allow-missing-repository --out "$1")
}

expect 'a plain vsce package builds dist/ (vscode:prepublish)' ' - dist' "$tmp/plain.vsix" \
  plain_vsce "$tmp/plain.vsix"
expect 'package.sh without a server makes a universal VSIX' ' - dist' "$tmp/universal.vsix" \
  "$ext/scripts/package.sh" '' "$tmp/universal.vsix"
expect "package.sh with the debug server bundled makes a $host VSIX" "$host bundled dist" "$vsix" \
  "$ext/scripts/package.sh" "$server" "$vsix"
exit $fail
