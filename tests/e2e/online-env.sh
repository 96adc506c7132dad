# Owns: the environment of the online e2e tests; sourced by run.sh when E2E_ONLINE=1.
# Builds and starts tests/fake-eci on a free loopback port with a key made up for this run
# (nothing secret is stored anywhere), and exports what the servers and the tests read.
# Needs: $repo, $run_dir, $target_dir; sets fake_pid for run.sh's cleanup.
echo "=== online: cargo build -p fake-eci"
(cd "$repo" && cargo build -q -p fake-eci) || return 1
fake_id="E2E$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
fake_secret="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
"$target_dir/debug/fake-eci" --ignore-stdin --key "$fake_id:$fake_secret" > "$run_dir/fake-eci.out" 2> "$run_dir/fake-eci.err" &
fake_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$run_dir/fake-eci.out" 2>/dev/null && break
  sleep 0.1
done
endpoint="$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$run_dir/fake-eci.out" | head -1)"
[ -n "$endpoint" ] || { echo "fake-eci did not start:"; cat "$run_dir/fake-eci.err"; return 1; }
echo "fake-eci at $endpoint (pid $fake_pid)"
# Clear any credentials of the person running the tests: only the fake's made-up key may be used.
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE
export ALIBABA_CLOUD_ACCESS_KEY_ID="$fake_id" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$fake_secret"
export ECI_EXEC_ENDPOINT="$endpoint" E2E_ENDPOINT="$endpoint"
# What the online tests expect, from the fake's shipped fixture (tests/fake-eci/fixtures).
export E2E_ONLINE_DIR="$here/workspace/online"
export E2E_FAKE_GROUP="eci-bp1fakeweb0001" E2E_FAKE_CONTAINER="log-agent"
export E2E_EXPECT_OUTPUT="fake-eci ran: uname -a"
