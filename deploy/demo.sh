#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts ledgerd on a scratch socket and
# state directory, appends the bundled record through the socket (every file of
# deploy/examples, in the order of their names), shows the Home Office's funding lines at the
# end of 15 April 2025, then in a few lines how much changed by mid-2026. The daemon keeps running
# in the background, serving the record in a browser on 127.0.0.1:8080 (or the next free port up
# to 8099); the script prints the address of the state at 15 April 2025 and how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/packages.sh
echo "building ledger and ledgerd (the first build takes a few minutes)..." >&2
swift build --product ledgerd >&2
swift build --product ledger >&2
bin=$(swift build --show-bin-path)
scratch=$(mktemp -d /tmp/ledger-demo-XXXXXX)
socket="$scratch/ledger.sock"

# The first port from 8080 nothing listens on.
port=8080
while [ "$port" -lt 8100 ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

# Its own session, so it outlives this script and the terminal's Ctrl-C.
setsid "$bin/ledgerd" --state-dir "$scratch/state" --socket "$socket" --http "127.0.0.1:$port" \
    --log-level warning </dev/null >"$scratch/ledgerd.log" 2>&1 &
daemon=$!
trap 'kill -TERM "$daemon" 2>/dev/null || true; cat "$scratch/ledgerd.log" >&2' EXIT
for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done

for file in deploy/examples/*.ndjson; do
    printf '%s: ' "${file#deploy/examples/}"
    "$bin/ledger" append "$file" --socket "$socket"
done
echo
"$bin/ledger" at 2025-04-15 --department home-office --kind funding --socket "$socket"
echo
"$bin/ledger" diff 2025-04-15 2026-06-30 --summary --socket "$socket"
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
trap - EXIT
echo
echo "ledgerd keeps running (pid $daemon), serving the record in a browser. Open:"
echo "  http://127.0.0.1:$port/at/2025-04-15"
echo "every department and line on that date, each line linked to its story with its sources;"
echo "/lines/hillsborough-law is one, /diff/2025-04-15/2026-06-30 what changed, /api/openapi.json the API."
echo "From here, every line of every department at mid-2026, and one line's story:"
echo "  $bin/ledger at 2026-06-30 --socket $socket"
echo "  $bin/ledger history hillsborough-law --socket $socket"
echo "Stop it with: kill $daemon   (the record stays in $scratch/state)"
