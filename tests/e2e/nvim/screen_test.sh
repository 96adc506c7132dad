#!/usr/bin/env bash
# Owns: a screen-level Neovim check (online): nvim's real UI in tmux on run.eci.json; the `▶ Run`
# lens must be drawn, and after :EciExecRun the output must be on screen (float and ⇒ hint).
# Env: E2E_REPO, E2E_ONLINE_DIR, E2E_EXPECT_OUTPUT (+ the server's env from online-env.sh).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nvim="$E2E_REPO/.venv-nvim/bin/nvim"
sock="e2e-nvim-$$"
t() { tmux -L "$sock" "$@"; }
screen() { t capture-pane -p -t e2e; }
wait_for() { # wait_for SECONDS TEXT: until TEXT is on the screen
  for _ in $(seq $(( $1 * 5 ))); do screen | grep -qF -- "$2" && return 0; sleep 0.2; done
  return 1
}
fail=0
check() { # check NAME SECONDS TEXT
  if wait_for "$2" "$3"; then echo "PASS nvim: screen: $1"
  else echo "FAIL nvim: screen: $1: \"$3\" not on screen:"; screen | sed 's/^/    | /'; fail=1; fi
}
t -f /dev/null new-session -d -s e2e -x 140 -y 35 \
  "env E2E_REPO='$E2E_REPO' ${E2E_SERVER:+E2E_SERVER='$E2E_SERVER'} '$nvim' --clean -u '$here/screen_init.lua' '$E2E_ONLINE_DIR/run.eci.json'"
trap 't kill-server 2>/dev/null' EXIT
check 'the ▶ Run lens is drawn' 15 '▶ Run'
line=$(grep -n '"ContainerName"' "$E2E_ONLINE_DIR/run.eci.json" | head -1 | cut -d: -f1)
t send-keys -t e2e "${line}G" && t send-keys -t e2e ':EciExecRun' Enter
check ':EciExecRun shows the output on screen' 20 "$E2E_EXPECT_OUTPUT"
# The float sits under the cursor, over the Command line: move the cursor (it closes) first.
t send-keys -t e2e 'gg'
check 'the ⇒ inlay hint is drawn' 10 "⇒ $E2E_EXPECT_OUTPUT"
[ -n "${E2E_SHOW_SCREEN:-}" ] && screen
exit $fail
