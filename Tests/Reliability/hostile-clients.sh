#!/usr/bin/env bash
# Hostile clients against a release-built ledgerd: 1000 idle connections, a client sending a
# request one byte a second, a subscriber that never reads and a connection beyond the limit, all
# at once, while a new client pings. Runs the scenario RUNS times (default 3), prints each run's
# checks, then the medians over the runs against the 50 ms target. Exits 1 if any run failed.
#
#   Tests/Reliability/hostile-clients.sh [RUNS] [extra ledger-stress clients options...]
set -euo pipefail
cd "$(dirname "$0")/../.."

runs="${1:-3}"
shift || true

swift build -c release --product ledgerd
swift build -c release --product ledger-stress
bin="$(swift build -c release --show-bin-path)"

# 1000 idle connections need more descriptors than the usual soft limit of 1024.
ulimit -n "$(ulimit -Hn)"

# figure FILE PREFIX LABEL, and median NUMBERS...
source Tests/Reliability/figures.sh

status=0
failed=0
fresh50=(); fresh99=(); freshmax=(); kept50=(); kept99=(); keptmax=(); hwm=(); anon=(); fds=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs"
    if ! "$bin/ledger-stress" clients "$@" | tee "$log"; then status=1; failed=$((failed + 1)); fi
    fresh50+=("$(figure "$log" "ping, new connection each" "p50 ")")
    fresh99+=("$(figure "$log" "ping, new connection each" "p99 ")")
    freshmax+=("$(figure "$log" "ping, new connection each" "max ")")
    kept50+=("$(figure "$log" "ping, one kept connection" "p50 ")")
    kept99+=("$(figure "$log" "ping, one kept connection" "p99 ")")
    keptmax+=("$(figure "$log" "ping, one kept connection" "max ")")
    hwm+=("$(figure "$log" "daemon memory" "peak resident ")")
    anon+=("$(figure "$log" "daemon memory" "peak anonymous ")")
    fds+=("$(figure "$log" "descriptors" "peak ")")
done

echo
echo "== hostile clients: medians of $runs runs ($failed failed)"
echo "ping, new connection each: p50 $(median "${fresh50[@]}") ms, p99 $(median "${fresh99[@]}") ms, max $(median "${freshmax[@]}") ms (target: p99 under 50 ms; p99 of each run: ${fresh99[*]})"
echo "ping, one kept connection: p50 $(median "${kept50[@]}") ms, p99 $(median "${kept99[@]}") ms, max $(median "${keptmax[@]}") ms (p99 of each run: ${kept99[*]})"
echo "ledgerd peak resident (VmHWM): $(median "${hwm[@]}") MiB, peak anonymous $(median "${anon[@]}") MiB (limit 256 MiB)"
echo "ledgerd peak descriptors: $(median "${fds[@]}")"
exit "$status"
