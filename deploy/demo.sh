#!/usr/bin/env bash
# The quick start: installs what is missing, builds, loads the bundled example ledger
# into a scratch directory and shows the state of every commitment at the end of 15 April 2025.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/packages.sh
swift build --product ledger >&2
scratch=$(mktemp -d /tmp/ledger-demo-XXXXXX)
.build/debug/ledger append deploy/examples/home-office-2025.ndjson --db "$scratch"
echo
.build/debug/ledger at 2025-04-15 --db "$scratch"
echo
echo "The example ledger is in $scratch: try"
echo "  .build/debug/ledger history grooming-gangs-action-plan --db $scratch"
echo "  .build/debug/ledger at 2025-08-01 --format json --db $scratch"
