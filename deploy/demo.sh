#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts ledgerd on a scratch socket and
# state directory, appends the bundled example ledger through the socket, shows the state of
# every commitment at the end of 15 April 2025, and stops the daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/packages.sh
echo "building ledger and ledgerd (the first build takes a few minutes)..." >&2
swift build --product ledgerd >&2
swift build --product ledger >&2
bin=$(swift build --show-bin-path)
scratch=$(mktemp -d /tmp/ledger-demo-XXXXXX)
socket="$scratch/ledger.sock"

"$bin/ledgerd" --state-dir "$scratch/state" --socket "$socket" --log-level warning &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done

"$bin/ledger" append deploy/examples/home-office-2025.ndjson --socket "$socket"
echo
"$bin/ledger" at 2025-04-15 --socket "$socket"
echo
echo "The example ledger stays in $scratch/state; with the daemon stopped, read it directly:"
echo "  $bin/ledger history grooming-gangs-action-plan --db $scratch/state"
echo "  $bin/ledger at 2025-08-01 --format json --db $scratch/state"
