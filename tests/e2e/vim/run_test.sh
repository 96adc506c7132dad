#!/usr/bin/env bash
# Owns: running tests/e2e/vim/test.vim in Vim 9 + yegappan/lsp under tmux (a real terminal), with
# a vimrc made of docs/editors.md's Vim block as printed. Prints PASS/FAIL lines, or one SKIP line
# when the plugin copy is absent: no package registry carries yegappan/lsp, so CI has none.
# Run through tests/e2e/run.sh (E2E_ONLY=vim), which puts the server on PATH.
#   E2E_VIM_LSP_DIR  a checkout of https://github.com/yegappan/lsp at the commit below
#                    (default /work/.cache-vim/yegappan-lsp)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${E2E_REPO:?E2E_REPO not set}"
pinned=33aef9d2f041d16f6e0c0adc9f486a5cf3724924 # also named in docs/editors.md
plugin="${E2E_VIM_LSP_DIR:-/work/.cache-vim/yegappan-lsp}"
how="git clone https://github.com/yegappan/lsp \"$plugin\" && git -C \"$plugin\" checkout $pinned (or set E2E_VIM_LSP_DIR)"

grep -q "$pinned" "$repo/docs/editors.md" \
  || { echo "FAIL vim: docs/editors.md does not name the tested yegappan/lsp commit $pinned"; exit 1; }
if [ ! -f "$plugin/plugin/lsp.vim" ]; then
  echo "SKIP vim: no yegappan/lsp copy at $plugin (no package registry has it); to run: $how"
  exit 0
fi
if [ -d "$plugin/.git" ] && [ "$(git -C "$plugin" rev-parse HEAD 2>/dev/null)" != "$pinned" ]; then
  echo "SKIP vim: $plugin is not at the tested commit $pinned; to run: git -C \"$plugin\" checkout $pinned"
  exit 0
fi
command -v vim >/dev/null && command -v tmux >/dev/null \
  || { echo "FAIL vim: vim and tmux are needed (tests/e2e/setup.sh installs them)"; exit 1; }
command -v eci-exec-lsp >/dev/null || { echo "FAIL vim: eci-exec-lsp is not on PATH"; exit 1; }

work="$(mktemp -d)"
sock="eci-e2e-vim-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/home" "$work/files" "$work/pack/e2e/opt"
ln -s "$plugin" "$work/pack/e2e/opt/lsp"
fixtures="$repo/tests/e2e/workspace/offline"
cp "$fixtures"/{offline.eci.json,typing.eci.json,format.eci.json,format.eci.json.expected} "$work/files/"
: > "$work/files/x.eci.json"; : > "$work/files/x.eci.jsonc"; : > "$work/files/eci-exec.json"
echo '{}' > "$work/files/plain.json"

# The vimrc: Vim's defaults, this run's package folder, then the docs' block exactly as printed.
{
  echo 'set nocompatible'
  echo "set packpath^=$work"
  echo 'filetype plugin indent on'
  echo 'syntax on'
  awk '/^## Vim 9/ {f = 1} f && /^```vim$/ {b = 1; next} b && /^```$/ {exit} b {print}' "$repo/docs/editors.md"
} > "$work/vimrc"
grep -q LspAddServer "$work/vimrc" || { echo "FAIL vim: no Vim block with LspAddServer in docs/editors.md"; exit 1; }

out="$work/results.txt"
: > "$out"
# A fresh HOME: no user config, no credentials files (run.sh also clears the credentials
# environment: offline means offline). -i NONE: no viminfo.
tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 -c "$work/files" \
  env HOME="$work/home" \
  E2E_REPO="$repo" E2E_VIM_DIR="$work/files" E2E_VIM_OUT="$out" PATH="$PATH" TERM=xterm-256color \
  vim -u "$work/vimrc" -i NONE -N -S "$here/test.vim" \
  || { echo "FAIL vim: could not start tmux"; exit 1; }

# Wait for the end, answering "Press ENTER" prompts as a user would (Vim handles no server
# message while one is up); what they showed is printed for the log.
for _ in $(seq 1 600); do # 180 s
  grep -q '^DONE$' "$out" && break
  screen="$(tmux -L "$sock" capture-pane -p 2>/dev/null)" || break
  if grep -q 'Press ENTER or type command to continue' <<< "$screen"; then
    echo "note: Vim showed a prompt; pressing Enter. The screen's last lines:"
    grep -v '^~ *$' <<< "$screen" | tail -6 | sed 's/^/    /'
    tmux -L "$sock" send-keys Enter
  fi
  sleep 0.3
done
grep -aE '^(PASS|FAIL) vim: ' "$out"
if ! grep -q '^DONE$' "$out"; then
  echo "FAIL vim: the test did not finish; the screen was:"
  tmux -L "$sock" capture-pane -p 2>/dev/null | sed 's/^/    /'
  exit 1
fi
! grep -q '^FAIL ' "$out"
