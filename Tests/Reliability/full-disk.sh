#!/usr/bin/env bash
# Fills the disk under a real ledgerd and shows what a user sees: appends refused with
# storage_full (nothing written), reads going on, nothing acknowledged lost, appends resuming
# once the disk grows (without a restart), and a restart on a full disk serving reads.
#
# The state directory goes on a small tmpfs (2 MiB, then 4, then 8). Mounting needs root; an
# unprivileged user is re-run in a user and mount namespace (unshare --user --map-root-user).
# BIN=DIR uses ledgerd and ledger from DIR instead of building them in release.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if [[ -z "${BIN:-}" ]]; then
    echo "building ledgerd and ledger (release)..."
    swift build -c release --product ledgerd >/dev/null
    swift build -c release --product ledger >/dev/null
    BIN="$(swift build -c release --show-bin-path)"
fi
export BIN

if [[ "$(id -u)" != 0 && -z "${LEDGER_FULL_DISK_NAMESPACE:-}" ]]; then
    echo "not root: running in a user and mount namespace of its own"
    exec env LEDGER_FULL_DISK_NAMESPACE=1 unshare --user --map-root-user --mount "$0" "$@"
fi

work="$(mktemp -d /tmp/ledger-full-disk.XXXXXX)"
state="$work/state"
socket="$work/ledger.sock"
log="$work/ledgerd.log"
mkdir "$state"
mount -t tmpfs -o size=2m tmpfs "$state"
pid=""

cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" || true
    fi
    umount -l "$state" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start() {
    "$BIN/ledgerd" --state-dir "$state" --socket "$socket" 2>>"$log" &
    pid=$!
    for _ in $(seq 200); do
        [[ -S "$socket" ]] && "$BIN/ledger" verify --socket "$socket" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "ledgerd did not start:"; cat "$log"; exit 1
}

# Stops the daemon with SIGTERM; sets stopped to its exit status.
stop() {
    kill -TERM "$pid"
    stopped=0
    wait "$pid" || stopped=$?
    pid=""
    rm -f "$socket"
}

quote="The Home Secretary confirmed the funding. The Home Secretary confirmed the funding. The Home Secretary confirmed the funding."
batch_number=0
# Writes a batch of $1 funded events of 1p, each with an id of its own, to $work/batch.ndjson.
make_batch() {
    batch_number=$((batch_number + 1))
    : >"$work/batch.ndjson"
    for number in $(seq "$1"); do
        printf '{"type":"funded","line":"action-plan","effective":"2025-02-01","amount_pence":1,"id":"b%d-%d","source":{"title":"Written statement","quote":"%s"}}\n' \
            "$batch_number" "$number" "$quote" >>"$work/batch.ndjson"
    done
}

# Appends batches of $1 events until one is refused; sets acknowledged and refusal.
fill() {
    refusal=""
    while true; do
        make_batch "$1"
        if output="$("$BIN/ledger" append "$work/batch.ndjson" --socket "$socket" 2>&1)"; then
            acknowledged=$((acknowledged + $1))
        else
            refusal="$output"
            return 0
        fi
    done
}

count_events() { "$BIN/ledger" export --socket "$socket" | wc -l; }
funded() { "$BIN/ledger" at 2025-04-15 --format json --socket "$socket" | grep -o '"funded_pence":[0-9]*' | head -1 | cut -d: -f2; }

failures=0
check() {
    if [[ "$2" == "$3" ]]; then
        printf '  ok    %s\n' "$1"
    else
        printf '  FAIL  %s: got %s, expected %s\n' "$1" "$2" "$3"
        failures=$((failures + 1))
    fi
}

start
printf '{"type":"announced","line":"action-plan","effective":"2025-01-16","department":"home-office","title":"Action plan","kind":"funding","amount_pence":1000000000,"source":{"title":"Home Secretary statement"}}\n' \
    | "$BIN/ledger" append - --socket "$socket" >/dev/null
acknowledged=1

echo "1. a 2 MiB disk, filled with batches of 200 and then single events"
fill 200
echo "   refused: $refusal"
fill 1
check "appends refused with storage_full" "$(grep -c 'storage_full: the disk is full' <<<"$refusal")" 1
check "export holds every acknowledged event ($acknowledged)" "$(count_events)" "$acknowledged"
check "at still answers (funded pence)" "$(funded)" "$((acknowledged - 1))"
check "verify through the daemon" "$("$BIN/ledger" verify --socket "$socket" | cut -d' ' -f1-3)" "ok: $acknowledged events,"
echo "   disk: $(df -h --output=used,size "$state" | tail -1 | xargs)"

echo "2. the disk grows to 4 MiB under the running daemon"
mount -t tmpfs -o remount,size=4m tmpfs "$state"
make_batch 200
check "a batch of 200 goes in without a restart" "$("$BIN/ledger" append "$work/batch.ndjson" --socket "$socket" | cut -d, -f1)" "appended 200"
acknowledged=$((acknowledged + 200))

echo "3. full again, then a restart on the full disk"
fill 200
fill 1
stop
check "stopped with SIGTERM" "$stopped" 0
start
check "it comes up and exports every acknowledged event ($acknowledged)" "$(count_events)" "$acknowledged"
make_batch 1
check "an append is still refused" "$("$BIN/ledger" append "$work/batch.ndjson" --socket "$socket" 2>&1 | grep -c storage_full)" 1

echo "4. the disk grows to 8 MiB"
mount -t tmpfs -o remount,size=8m tmpfs "$state"
make_batch 200
check "appends resume" "$("$BIN/ledger" append "$work/batch.ndjson" --socket "$socket" | cut -d, -f1)" "appended 200"
acknowledged=$((acknowledged + 200))
stop
check "stopped with SIGTERM" "$stopped" 0
check "ledger verify --db" "$("$BIN/ledger" verify --db "$state" | cut -d' ' -f1-5)" "ok: $acknowledged events, chain intact,"
check "the daemon logged no internal error" "$(grep -c '"internal"\|code=internal' "$log" || true)" 0

echo
if [[ "$failures" == 0 ]]; then
    echo "full disk: all checks passed; $acknowledged events stored, none acknowledged was lost"
else
    echo "full disk: $failures check(s) failed; ledgerd's log:"
    cat "$log"
    exit 1
fi
