#!/usr/bin/env bash
# Hostile clients against a release-built ledgerd: 1000 idle connections, a client sending a
# request one byte a second, a subscriber that never reads and a connection beyond the limit, all
# at once, while a new client pings. Runs the scenario RUNS times (default 3) and prints each
# run's checks, then the ping p99 of every run against the 50 ms target.
#
#   Tests/Reliability/hostile-clients.sh [RUNS] [extra ledger-stress clients options...]
set -euo pipefail
cd "$(dirname "$0")/../.."

runs="${1:-3}"
shift || true

swift build -c release --product ledgerd
swift build -c release --product ledger-stress
bin="$(swift build -c release --show-bin-path)"

# 1000 idle connections and the daemon's own need more descriptors than the usual soft limit.
ulimit -n "$(ulimit -Hn)"

status=0
summary=()
for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs"
    log="$(mktemp)"
    if "$bin/ledger-stress" clients "$@" | tee "$log"; then result="passed"; else result="FAILED"; status=1; fi
    fresh="$(grep -E '^(PASS|FAIL|INFO) ping, new connection each' "$log" | sed -E 's/.*: (p50 [^,]*, p99 [^,]*, max [^ ]* ms).*/\1/')"
    kept="$(grep -E '^(PASS|FAIL|INFO) ping, one kept connection' "$log" | sed -E 's/.*: (p50 [^,]*, p99 [^,]*, max [^ ]* ms).*/\1/')"
    memory="$(grep -E '^(PASS|FAIL) daemon memory' "$log" | sed -E 's/.*peak resident ([0-9.]+ MiB).*peak anonymous ([0-9.]+ MiB).*/VmHWM \1, anonymous \2/')"
    summary+=("run $run $result: new connection $fresh; kept connection $kept; $memory")
    rm -f "$log"
done

echo
echo "== hostile clients, $runs runs (target: a new client's ping p99 under 50 ms)"
printf '%s\n' "${summary[@]}"
exit "$status"
