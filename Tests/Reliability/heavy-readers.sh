#!/usr/bin/env bash
# Heavy readers against a release-built ledgerd: on a 200,000-event ledger, an unprivileged user
# (nobody, when run as root) loops on `verify` from 4 connections and on whole exports from 4
# more, while another client pings and a writer appends single events. Runs it RUNS times
# (default 5), prints each run's checks, then the medians against the targets (ping p99 under
# 10 ms, single-event append p99 under 50 ms). Exits 1 if any run failed.
#
#   Tests/Reliability/heavy-readers.sh [RUNS] [extra ledger-stress readers options...]
#
# To measure another build of the daemon the same way, pass --ledgerd PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs="${1:-5}"
shift || true

swift build -c release --product ledgerd
swift build -c release --product ledger-stress
bin="$(swift build -c release --show-bin-path)"

# figure FILE PREFIX LABEL, and median NUMBERS...
source Tests/Reliability/figures.sh

status=0
failed=0
quiet_ping=(); quiet_append=(); ping50=(); ping99=(); append50=(); append99=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for run in $(seq 1 "$runs"); do
    echo "== run $run of $runs"
    if ! "$bin/ledger-stress" readers "$@" | tee "$log"; then status=1; failed=$((failed + 1)); fi
    quiet_ping+=("$(figure "$log" "no readers: ping" "p99 ")")
    quiet_append+=("$(figure "$log" "no readers: single-event append" "p99 ")")
    ping50+=("$(figure "$log" "with readers: ping" "p50 ")")
    ping99+=("$(figure "$log" "with readers: ping" "p99 ")")
    append50+=("$(figure "$log" "with readers: single-event append" "p50 ")")
    append99+=("$(figure "$log" "with readers: single-event append" "p99 ")")
done

echo
echo "== heavy readers: medians of $runs runs ($failed failed)"
echo "no readers: ping p99 $(median "${quiet_ping[@]}") ms, single-event append p99 $(median "${quiet_append[@]}") ms"
echo "with readers: ping p50 $(median "${ping50[@]}") ms, p99 $(median "${ping99[@]}") ms (target: p99 under 10 ms; p99 of each run: ${ping99[*]})"
echo "with readers: single-event append p50 $(median "${append50[@]}") ms, p99 $(median "${append99[@]}") ms (target: p99 under 50 ms; p99 of each run: ${append99[*]})"
exit "$status"
