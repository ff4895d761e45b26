#!/usr/bin/env bash
# Kills a real ledgerd with SIGKILL KILLS times (default 100) while writers append, restarts it
# on the same store each time, and checks that no acknowledged event was lost, no batch was
# half stored, seq stayed dense and the hash chain intact. Extra arguments go to
# `ledger-stress crash` (e.g. --seed 9 --writers 16 --keep /tmp/crash-store).
set -euo pipefail

kills="${1:-100}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

echo "building ledger-stress, ledgerd and ledger (release)..."
for product in ledgerd ledger ledger-stress; do
    swift build -c release --product "$product"
done
bin="$(swift build -c release --show-bin-path)"

echo "running: ledger-stress crash --kills $kills $*"
"$bin/ledger-stress" crash --kills "$kills" "$@"
