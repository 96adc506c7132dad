#!/usr/bin/env bash
# Owns: running the editor tests: the VS Code extension's unit tests, Neovim 0.11 headless,
# VS Code (code-server + headless Chromium) with the packaged VSIX, Emacs (eglot and lsp-mode,
# batch mode) and Vim 9 with yegappan/lsp (under tmux), the last three configured by the
# snippets of docs/editors.md as printed. Run tests/e2e/setup.sh first.
# Prints PASS/FAIL (and SKIP) lines and ends with `N passed, M failed[, K skipped]`; exits
# non-zero on any failure.
#   E2E_ONLINE=1     also run the online tests (▶ Run, inlay hint, :EciExecRun, online completion)
#                    against the fake ECI API (tests/fake-eci, `cargo build -p fake-eci`)
#   E2E_ONLY=unit,nvim,vscode,emacs,vim   choose suites (default: all)
#   E2E_VIM_LSP_DIR  the yegappan/lsp copy the Vim suite needs (see tests/e2e/vim/run_test.sh);
#                    without one the Vim suite prints SKIP
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
only=",${E2E_ONLY:-unit,nvim,vscode,emacs,vim},"
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
  grep -aoE "(PASS|FAIL|SKIP) $prefix: .*" "$out" >> "$results" || true
  if [ $rc -ne 0 ] && ! grep -aqE "FAIL $prefix: " "$out"; then
    echo "FAIL $prefix: $name exited with status $rc (log: $out)" | tee -a "$results"
  fi
  local ms=$(( $(now) - t0 ))
  printf '=== %s: %d.%d s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}

summary() {
  local p f k
  p=$(grep -c '^PASS ' "$results"); f=$(grep -c '^FAIL ' "$results"); k=$(grep -c '^SKIP ' "$results")
  echo
  grep -E '^(FAIL|SKIP) ' "$results" | sed 's/^/  /' | cut -c1-300
  echo "$p passed, $f failed$([ "$k" -gt 0 ] && echo ", $k skipped")"
  [ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

# The editors configured as the docs print them get no `online: false`: offline means no
# credentials and no endpoint in their environment, and a HOME of their own.
offline_env() {
  env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET -u ALIBABA_CLOUD_SECURITY_TOKEN \
    -u ALIBABA_CLOUD_PROFILE -u ALIBABA_CLOUD_CREDENTIALS_FILE -u ALIBABA_CLOUD_REGION_ID \
    -u ECI_EXEC_ENDPOINT PATH="$target_dir/debug:$PATH" "$@"
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
  step vsix vscode "$here/vscode/vsix_test.sh" "$server" "$vsix"
  E2E_VSIX="$vsix" E2E_RUN_DIR="$run_dir/vscode" E2E_SUITES=offline \
    step vscode-offline vscode timeout 600 node "$here/vscode/test.js"
fi

# --- offline: Emacs (eglot, lsp-mode) and Vim 9 (yegappan/lsp), set up by docs/editors.md ------
if [[ $only == *,emacs,* ]]; then
  for t in eglot lsp_mode; do
    mkdir -p "$run_dir/emacs-home-$t"
    step "emacs-$t" emacs offline_env HOME="$run_dir/emacs-home-$t" \
      timeout 180 emacs --batch -l "$here/emacs/${t}_test.el"
  done
fi
[[ $only == *,vim,* ]] && step vim vim offline_env timeout 240 "$here/vim/run_test.sh"

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
