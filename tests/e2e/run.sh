#!/usr/bin/env bash
# Owns: running the editor tests: the VS Code extension's unit tests, Neovim 0.11 headless, and
# VS Code (code-server + headless Chromium) with the packaged VSIX. Run tests/e2e/setup.sh first.
# Prints PASS/FAIL lines and ends with `N passed, M failed`; exits non-zero on any failure.
#   E2E_ONLINE=1     also run the online tests (▶ Run, inlay hint, :EciExecRun, online completion)
#                    against the fake ECI API (tests/fake-eci, `cargo build -p fake-eci`)
#   E2E_ONLY=unit,nvim,vscode   choose suites (default: all three)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
only=",${E2E_ONLY:-unit,nvim,vscode},"
online="${E2E_ONLINE:-0}"
nvim="$repo/.venv-nvim/bin/nvim"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
server="$target_dir/debug/eci-exec-lsp"
run_dir="$here/.run/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run_dir" "$here/artifacts"
results="$run_dir/results.txt"
: > "$results"
fake_pid=""
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; true; }
trap cleanup EXIT

now() { date +%s%3N; }
# step NAME PREFIX CMD...: runs CMD, shows its output, keeps its PASS/FAIL lines; a non-zero exit
# without any FAIL line (a crash, a timeout) counts as one failure of the step.
step() {
  local name="$1" prefix="$2"; shift 2
  local out="$run_dir/$name.log" t0 rc
  t0=$(now)
  echo "=== $name"
  "$@" > "$out" 2>&1; rc=$?
  cat "$out"
  grep -aoE "(PASS|FAIL) $prefix: .*" "$out" >> "$results" || true
  if [ $rc -ne 0 ] && ! grep -aqE "FAIL $prefix: " "$out"; then
    echo "FAIL $prefix: $name exited with status $rc (log: $out)" | tee -a "$results"
  fi
  local ms=$(( $(now) - t0 ))
  printf '=== %s: %d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}

summary() {
  local p f
  p=$(grep -c '^PASS ' "$results"); f=$(grep -c '^FAIL ' "$results")
  echo
  grep '^FAIL ' "$results" | sed 's/^/  /' | cut -c1-200
  echo "$p passed, $f failed"
  [ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

echo "=== build: cargo build -p eci-exec-lsp"
if ! (cd "$repo" && cargo build -q -p eci-exec-lsp); then
  echo "FAIL build: cargo build -p eci-exec-lsp" >> "$results"; summary; exit 1
fi
export E2E_REPO="$repo" E2E_SERVER="$server" E2E_TARGET_DIR="$target_dir"

# --- unit tests of the extension (node test runner, `vscode` stubbed) ---------------------------
unit() {
  cd "$repo/editors/vscode" && npx tsc -p . || return 1
  # TAP top-level `ok N - name` / `not ok N - name` lines become PASS/FAIL lines.
  node --test --test-reporter=tap test/ | tee "$run_dir/unit.tap" \
    | sed -nE 's/^ok [0-9]+ - (.*)/PASS unit: \1/p; s/^not ok [0-9]+ - (.*)/FAIL unit: \1/p'
  return "${PIPESTATUS[0]}"
}
[[ $only == *,unit,* ]] && step unit unit unit

# --- offline: Neovim 0.11, then VS Code through code-server -----------------------------------
if [[ $only == *,nvim,* ]]; then
  step nvim-offline nvim timeout 300 "$nvim" --headless --clean -l "$here/nvim/offline_test.lua"
  PATH="$target_dir/debug:$PATH" step nvim-enable nvim timeout 120 \
    "$nvim" --headless --clean --cmd "set rtp^=$repo/editors/nvim" -l "$here/nvim/enable_test.lua"
fi
vsix="$run_dir/eci-exec.vsix"
if [[ $only == *,vscode,* ]]; then
  step vsix vscode bash -c "'$repo/editors/vscode/scripts/package.sh' '$server' '$vsix' >/dev/null && echo 'PASS vscode: VSIX packaged with the debug server bundled'"
  E2E_VSIX="$vsix" E2E_RUN_DIR="$run_dir/vscode" E2E_SUITES=offline \
    step vscode-offline vscode timeout 600 node "$here/vscode/test.js"
fi

# --- online: the same editors against the fake ECI API ---------------------------------------------
if [ "$online" = 1 ] && [[ $only == *,nvim,* || $only == *,vscode,* ]]; then
  # shellcheck source=online-env.sh
  if source "$here/online-env.sh"; then
    if [[ $only == *,nvim,* ]]; then
      step nvim-online nvim timeout 300 "$nvim" --headless --clean -l "$here/nvim/online_test.lua"
      step nvim-screen nvim timeout 120 "$here/nvim/screen_test.sh"
    fi
    [[ $only == *,vscode,* ]] && E2E_VSIX="$vsix" E2E_RUN_DIR="$run_dir/vscode" E2E_SUITES=online \
      step vscode-online vscode timeout 600 node "$here/vscode/test.js"
  else
    echo "FAIL online: could not start the fake ECI API" | tee -a "$results"
  fi
fi

# Keep the last few run folders only (logs of code-server and the fake live there).
ls -1dt "$here"/.run/*/ 2>/dev/null | tail -n +6 | xargs -r rm -rf
summary
