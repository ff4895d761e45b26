#!/usr/bin/env bash
# Fuzzes the request-line decoder and validator and the canonical JSON (JCS) encoder with
# libFuzzer, SECONDS_PER_TARGET each (default 300), from a seed corpus made of Schemas/examples,
# the bundled example ledger and Tests/Reliability/fuzz-seeds. Prints executions, exec/s and
# coverage per target, and exits 1 if any input broke an invariant (the inputs are kept).
#
#   Tests/Reliability/fuzz.sh [SECONDS_PER_TARGET]
#
# FUZZ_WORK=DIR keeps the corpus and crash inputs there (default: a new temporary directory);
# FUZZ_ADDRESS=1 adds AddressSanitizer (built in .build/fuzz-address/TARGET); FUZZ_CONFIGURATION=debug
# builds faster and runs slower (built in .build/fuzz-debug), as the test suite's short run does.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-300}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS_PER_TARGET]" >&2
    exit 2
fi
targets=(fuzz-request-line fuzz-canonical-json)
work="${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ledger-fuzz.XXXXXX")}"
mkdir -p "$work"
configuration="${FUZZ_CONFIGURATION:-release}"
sanitizers=(--sanitize=fuzzer)
build_path=.build/fuzz
case "$configuration" in
    release) ;;
    debug) build_path+=-debug ;;
    *) echo "FUZZ_CONFIGURATION must be release or debug, not $configuration" >&2; exit 2 ;;
esac
if [[ "${FUZZ_ADDRESS:-0}" == 1 ]]; then
    sanitizers+=(--sanitize=address)
    build_path+=-address
fi
# The fuzz targets are declared only when LEDGER_FUZZ is set; their own build directory keeps
# them apart from (and unblocked by) an ordinary build or test run, and a low priority lets the
# tests running beside it (the test suite runs this script) keep the processor.
started=$SECONDS
declare -A binary
for target in "${targets[@]}"; do
    scratch="$build_path"
    # With AddressSanitizer, building a second product in the same directory rebuilds everything.
    if [[ "${FUZZ_ADDRESS:-0}" == 1 ]]; then scratch+="/$target"; fi
    build=(env LEDGER_FUZZ=1 nice -n 10 swift build -c "$configuration" --scratch-path "$scratch" "${sanitizers[@]}")
    "${build[@]}" --product "$target" >"$work/build-$target.log" 2>&1 || {
        cat "$work/build-$target.log" >&2
        echo "fuzz: building $target failed" >&2
        exit 1
    }
    binary[$target]="$("${build[@]}" --show-bin-path)/$target"
done
echo "fuzz: built ${targets[*]} ($configuration, ${sanitizers[*]}) in $((SECONDS - started)) s"

# Seeds: every schema example as a document; requests as they are and events wrapped in an
# append, so that both targets start from inputs that reach deep into the rules.
for target in "${targets[@]}"; do mkdir -p "$work/seeds/$target" "$work/corpus/$target" "$work/artifacts"; done
for file in Schemas/examples/*/*.json Tests/Reliability/fuzz-seeds/*.json; do
    name="$(basename "$(dirname "$file")")-$(basename "$file")"
    cp "$file" "$work/seeds/fuzz-canonical-json/$name"
    case "$(basename "$file")" in
        request*) cp "$file" "$work/seeds/fuzz-request-line/$name" ;;
        event--*) { printf '{"op":"append","events":['; cat "$file"; printf ']}'; } >"$work/seeds/fuzz-request-line/$name" ;;
    esac
done
line_number=0
while IFS= read -r event; do
    line_number=$((line_number + 1))
    printf '{"op":"append","events":[%s]}' "$event" >"$work/seeds/fuzz-request-line/example-ledger-$line_number.json"
done <deploy/examples/home-office-2025.ndjson

# Swift's own crash reporter would take the signal before libFuzzer could save the input.
export SWIFT_BACKTRACE=enable=no
failed=0
for target in "${targets[@]}"; do
    log="$work/$target.log"
    status=0
    "${binary[$target]}" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -dict=Tests/Reliability/fuzz-json.dict -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$target-" \
        "$work/corpus/$target" "$work/seeds/$target" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    coverage="$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE '(cov|ft): [0-9]+' | paste -sd ' ' || true)"
    seeds="$(find "$work/seeds/$target" -type f | wc -l)"
    corpus="$(find "$work/corpus/$target" -type f | wc -l)"
    findings="$(find "$work/artifacts" -name "$target-*" -type f | wc -l)"
    echo "fuzz: $target: ${runs:-0} runs in $seconds s, ${rate:-0} exec/s, ${coverage:-no coverage line}, seeds $seeds, corpus $corpus new inputs, findings $findings, exit $status"
    # A build whose Swift code has no coverage counters fuzzes blind (seen with AddressSanitizer
    # builds): the few features left come from the C code, so such a run counts as a failure.
    covered="$(grep -oE 'cov: [0-9]+' <<<"$coverage" | grep -oE '[0-9]+' || true)"
    if [[ "${covered:-0}" -lt 200 ]]; then
        echo "fuzz: $target: coverage ${covered:-0} is far below what its code has: the build is not instrumented" >&2
        failed=1
    fi
    if [[ "$status" -ne 0 || "$findings" -ne 0 ]]; then
        failed=1
        grep -E 'Fatal error|ERROR|SUMMARY|deadly|Test unit written' "$log" | head -20 >&2 || true
        find "$work/artifacts" -name "$target-*" -type f -exec echo "fuzz: finding kept at {}" \;
    fi
done
echo "fuzz: work directory $work"
if [[ "$failed" -ne 0 ]]; then
    echo "fuzz: FAILED: an input broke an invariant or a target was not instrumented (see above)"
    exit 1
fi
echo "fuzz: no findings"
