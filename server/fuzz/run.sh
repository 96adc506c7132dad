#!/usr/bin/env bash
# Seeds every target's corpus from the repository's fixtures, then fuzzes the targets one after
# the other, each for SECONDS (default 600), and prints executions, corpus size and findings.
#
#   server/fuzz/run.sh [SECONDS] [TARGET...]      (default: every target)
#   SEED_ONLY=1 server/fuzz/run.sh                (only write the seeds)
#   KEEP_GOING=1 server/fuzz/run.sh 600 actions   (go on after a crash: -fork=1 -ignore_crashes=1)
#   SANITIZER=address server/fuzz/run.sh          (default none: the crate is safe Rust, and
#                                                  without ASan a shared machine runs ~2.5x more)
#
# Needs cargo-fuzz and a nightly toolchain. One process at a time (libFuzzer's default): the
# machine is shared. Logs go to fuzz/logs/, crashes to fuzz/artifacts/<target>/, both ignored
# by git like fuzz/corpus/; fuzz/regressions/<target>/ (committed) is replayed on every run.
set -euo pipefail

fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$fuzz/../.." && pwd)
seconds=${1:-600}
shift || true
all_targets=(analyze reanalyze completion_hover actions symbols run_result api_response credentials format ranges disk_cache)
targets=("${@:-${all_targets[@]}}")

# seed TARGET NAME [PREFIX_BYTES] < input: writes one seed (PREFIX_BYTES are printf escapes,
# for targets that read a header byte or an edit first).
seed() {
    local folder="$fuzz/corpus/$1"
    mkdir -p "$folder"
    { printf "${3:-}"; cat; } >"$folder/seed-$2"
}

documents=$(find "$repo/tests/fixtures" "$repo/examples" -type f \( -name '*.json' -o -name '*.jsonc' \) | sort)

# Outputs a container could print: escapes (CSI, OSC, DCS, C1), fences, CRLF, bidi overrides.
outputs=(
    'hello\nworld\n'
    '\x1b[31mred\x1b[0m plain\n\x1b]0;title\x07done\n'
    'a\x1bPq#0;2;0;0;0#1~~@@\x1b\\b\x1b_apc\x1b\\c\xc2\x9bd\n'
    'before\n````\n[link](https://example.invalid) ![x](y)\n``````\nafter\n'
    'tab\tseparated\r\nlines\r\n\r\n'
    'cat\xe2\x80\xaegnp.exe\n'
    'fake-eci ran: ls -l\n'
)

seed_all() {
    local doc name output i=0
    for doc in $documents; do
        name=$(basename "$doc")
        for target in analyze completion_hover actions symbols ranges; do
            seed "$target" "$name" <"$doc"
        done
        # reanalyze: edit count, then 4 bytes per edit (position u16, chars removed, piece).
        seed reanalyze "$name-type" '\x00\x00\x80\x00\x01' <"$doc"
        seed reanalyze "$name-delete" '\x01\x00\x40\x03\x00\x00\xc0\x01\x09' <"$doc"
        seed reanalyze "$name-fields" '\x03\x00\x60\x00\x1f\x00\x70\x00\x22\x00\x90\x02\x24\x00\xa0\x00\x0c' <"$doc"
        # format: options byte (2 spaces; 4 spaces and a final newline; tabs).
        seed format "$name-2" '\x11' <"$doc"
        seed format "$name-4" '\x33' <"$doc"
        seed format "$name-tab" '\x03' <"$doc"
        # run_result: flags byte (the document is also where the hint goes).
        seed run_result "$name" '\x00' <"$doc"
    done
    for output in "${outputs[@]}"; do
        i=$((i + 1))
        printf "$output" | seed run_result "output-$i" '\x00'
        printf "$output" | seed run_result "error-$i" '\x01'
        printf "$output" | seed run_result "stale-request-$i" '\x06'
        printf "$output" | seed run_result "fleet-$i" '\x20'
    done
    # A fleet run: one target per part between U+001F (ok, failed, skipped in turn).
    printf 'hello\n\x1fIncorrectStatus\x1fstatus is Pending, not Running\x1fweb-4\x1f' |
        seed run_result fleet-targets '\x22'
    printf 'web-1\x1f\x1fno container named nginx\x1f\x1b[31mred\x1b[0m\n````\n' |
        seed run_result fleet-cancelled '\x21'
    printf 'x\n' | seed run_result capped '\x18'

    seed api_response container-groups.json <"$repo/tests/fake-eci/fixtures/container-groups.json"
    printf '{"RequestId":"R1","SyncResponse":"hi\\n"}' | seed api_response exec-sync
    printf '{"RequestId":"R2","WebSocketUri":"wss://example.invalid/x","HttpUrl":"https://example.invalid"}' | seed api_response exec-stream
    printf '{"RegionId":"cn-hangzhou","RegionEndpoint":"eci.aliyuncs.com"}' | seed api_response region
    printf '{"ContainerGroupId":"eci-1","Status":null,"Cpu":2.0,"Containers":[{"Name":"web","Ready":"yes","RestartCount":3,"CurrentState":{"State":"Terminated","ExitCode":137}}]}' | seed api_response group
    printf '{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%%2F&AccessKeyId%%3Dtest","RequestId":"R3"}' | seed api_response signature-error
    printf '{"Code":"IncorrectStatus","Message":"not running","RequestId":"R4","Recommend":"https://example.invalid/help"}' | seed api_response error
    printf '<html><body>502 Bad Gateway</body></html>' | seed api_response gateway

    # disk_cache: a kept list (format 3: a header line, then a positional row per line), one of
    # another version, a damaged one.
    printf '{"version":3,"region":"cn-hangzhou","savedAt":1764547200,"count":2}\n["eci-1","web-1","Running","cn-hangzhou","cn-hangzhou-k","172.16.0.1","2026-11-30T10:00:00Z",[["nginx","nginx:1.27",true,"Running"],["sidecar","busybox",false,"Waiting"]],[["app","web"],["env","prod"]]]\n["eci-2","","Pending","cn-hangzhou","","","",[],[]]' |
        seed disk_cache kept
    printf '{"version":2,"region":"cn-hangzhou","savedAt":1764547200,"groups":[["eci-1","web-1","Running","cn-hangzhou","","","",[],[]]]}' |
        seed disk_cache version-2
    printf '{"version":3,"region":"cn-hangzhou","savedAt":1764547200,"count":2}\n["eci-1","web-1","Runn' | seed disk_cache damaged

    # credentials: flags byte (bit 0: INI file; bits 1-2: the profile asked for).
    printf '{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAI5tFAKEKEY","access_key_secret":"fakeSecret1234567890","region_id":"cn-hangzhou"}]}' | seed credentials cli-ak '\x00'
    printf '{"current":"prod","profiles":[{"name":"prod","mode":"StsToken","access_key_id":"STS.FAKE","access_key_secret":"fakeSecret1234567890","sts_token":"fakeToken0987654321"}]}' | seed credentials cli-sts '\x04'
    printf '{"current":"default","profiles":[{"name":"default","mode":"RamRoleArn","access_key_id":"LTAI5tFAKEKEY","access_key_secret":"fakeSecret1234567890"}]}' | seed credentials cli-role '\x00'
    printf '[default]\ntype = access_key\naccess_key_id = LTAI5tFAKEKEY\naccess_key_secret = fakeSecret1234567890 # comment\nregion_id = cn-shanghai\n\n[prod]\ntype = ecs_ram_role\n' | seed credentials ini '\x01'
    printf '; comment\n[prod]\naccess_key_id = LTAI5tFAKEKEY\naccess_key_secret = fakeSecret1234567890\n' | seed credentials ini-prod '\x05'
}

seed_all
if [[ -n ${SEED_ONLY:-} ]]; then
    exit 0
fi

mkdir -p "$fuzz/logs"
cd "$fuzz/.."
summary=()
for target in "${targets[@]}"; do
    corpora=("$fuzz/corpus/$target")
    if [[ -d $fuzz/regressions/$target ]]; then
        corpora+=("$fuzz/regressions/$target")
    fi
    options=(-dict="$fuzz/exec.dict" -max_total_time="$seconds" -timeout=10 -print_final_stats=1)
    if [[ -n ${KEEP_GOING:-} ]]; then
        options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    log="$fuzz/logs/$target.log"
    touch "$fuzz/logs/$target.start"
    echo "== $target: ${seconds}s, log in $log" >&2
    status=0
    cargo +nightly fuzz run -s "${SANITIZER:-none}" "$target" "${corpora[@]}" -- "${options[@]}" >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [[ -z $runs ]]; then
        runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    fi
    corpus=$(find "$fuzz/corpus/$target" -type f | wc -l)
    crashes=$(find "$fuzz/artifacts/$target" -type f -newer "$fuzz/logs/$target.start" 2>/dev/null | wc -l)
    summary+=("$target: ${runs:-?} executions, corpus $corpus inputs, exit $status, $crashes new artifact(s)")
done
printf '%s\n' "${summary[@]}"
