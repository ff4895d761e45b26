#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts ledgerd on a scratch socket and
# state directory, appends the bundled record through the socket (every file of
# deploy/examples, in the order of their names), shows the Home Office's funding lines at the
# end of 15 April 2025, then in a few lines how much changed by mid-2026, and stops the daemon.
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

for file in deploy/examples/*.ndjson; do
    printf '%s: ' "${file#deploy/examples/}"
    "$bin/ledger" append "$file" --socket "$socket"
done
echo
"$bin/ledger" at 2025-04-15 --department home-office --kind funding --socket "$socket"
echo
"$bin/ledger" diff 2025-04-15 2026-06-30 --summary --socket "$socket"
echo
echo "The record stays in $scratch/state. With the daemon stopped, read it directly: every line"
echo "of every department at mid-2026, each change line by line, and one line's story with its sources:"
echo "  $bin/ledger at 2026-06-30 --db $scratch/state"
echo "  $bin/ledger diff 2025-04-15 2026-06-30 --db $scratch/state"
echo "  $bin/ledger history hillsborough-law --db $scratch/state"
