#!/usr/bin/env bash
# Owns: the side-by-side LSP benchmark (tests/bench/): builds eci-exec-lsp in release, installs
# the pinned vscode-json-language-server, generates files of 100 and 10,000 entries and runs
# lsp_bench.py against both servers RUNS times (pull diagnostics, incremental sync), then
# report.py prints one table and writes out/results.json. Not a test; nothing here runs in CI.
#   usage: tests/bench/run.sh            (RUNS=3 EDITS=50 REPEAT=20 by default)
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)
RUNS=${RUNS:-3}
EDITS=${EDITS:-50}
REPEAT=${REPEAT:-20}
SIZES=${SIZES:-"100 10000"}

cargo build --release -p eci-exec-lsp --manifest-path "$root/Cargo.toml"
ours="${CARGO_TARGET_DIR:-$root/target}/release/eci-exec-lsp"
if [ ! -x node_modules/.bin/vscode-json-language-server ]; then
  npm ci --no-audit --no-fund
fi
peer="$here/node_modules/.bin/vscode-json-language-server"

mkdir -p out/raw
rm -f out/raw/*.json
# The peer runs twice: with the project's schema (when it exists) and with the generator's
# flat draft-07 schema, which is what the figures in issue 6 were measured with.
python3 gen_execs.py 1 out/unused.eci.json --schema out/gen-schema.json
flat="$here/out/gen-schema.json"
schemas=("peerflat:$flat")
if [ -f "$root/schemas/eci-exec.schema.json" ]; then
  schemas=("peer:$root/schemas/eci-exec.schema.json" "${schemas[@]}")
fi
for n in $SIZES; do
  python3 gen_execs.py "$n" "out/execs_$n.eci.json" --invalid 6
done

common=(--diag-mode pull --edits "$EDITS" --completion-repeat "$REPEAT"
        --completion 'value=find:"Sync": ' --completion 'key=find:      "'
        --hover 'key=find:"ContainerNa' --print-diagnostics 0)
for run in $(seq 1 "$RUNS"); do
  for n in $SIZES; do
    echo "run $run/$RUNS, $n entries (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    python3 lsp_bench.py --file "out/execs_$n.eci.json" --language-id eci-exec \
      --init-options '{"online": false}' "${common[@]}" \
      --json-out "out/raw/ours_${n}_$run.json" -- "$ours" >/dev/null
    for named in "${schemas[@]}"; do
      python3 lsp_bench.py --file "out/execs_$n.eci.json" --language-id json \
        --json-schema "${named#*:}" --json-file-match '*.eci.json' \
        --settings '{"json": {"validate": {"enable": true}}}' "${common[@]}" \
        --json-out "out/raw/${named%%:*}_${n}_$run.json" -- "$peer" --stdio >/dev/null
    done
  done
done
python3 report.py --out out/results.json --markdown out/results.md out/raw/*.json
