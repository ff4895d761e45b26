#!/usr/bin/env bash
# How every cost grows with the ledger: runs ledger-bench (release) at each size and prints one
# table, a column per size, each figure the ledger's with SQLite's beside it and the ratio.
#
#   bash Tests/Performance/growth.sh                       # 10,000, 100,000 and 1,000,000 events
#   bash Tests/Performance/growth.sh --sizes 10000000 --runs 1 -- --queries 20
#                                                          # 10 million: about 40 minutes on 2 cores,
#                                                          # and 20 GiB free under $TMPDIR for both stores
#   bash Tests/Performance/growth.sh --sizes 3000 --runs 1 -- --queries 4 --singles 32
#
# Options: --sizes N[,N...] (default 10000,100000,1000000), --runs N (default 5, the medians
# quoted), --bin DIR (where ledger-bench and ledgerd are; default: a release build, made if
# missing). Anything after -- goes to every ledger-bench run. Exits 1 if any run fails or its
# answers disagree with SQLite's.
set -euo pipefail
cd "$(dirname "$0")/../.."

sizes=10000,100000,1000000
runs=5
bin=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "growth.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$bin" ]; then
    swift build -c release --product ledger-bench >&2
    swift build -c release --product ledgerd >&2
    bin=$(swift build -c release --show-bin-path)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ledger-growth.XXXXXX")
trap 'rm -rf "$work"' EXIT
IFS=, read -r -a list <<<"$sizes"
for size in "${list[@]}"; do
    echo "growth.sh: ledger-bench --events $size --runs $runs" >&2
    "$bin/ledger-bench" --events "$size" --runs "$runs" --json ${extra[@]+"${extra[@]}"} >"$work/$size.json"
done

python3 - "$work" "${list[@]}" <<'PY'
import json, sys

work, sizes = sys.argv[1], sys.argv[2:]
reports = [json.load(open(f"{work}/{size}.json")) for size in sizes]

def amount(value, unit):
    if value is None:
        return "–"
    if unit == "events/s":
        return f"{round(value):,}/s"
    if unit == "bytes":
        return f"{value / 1048576:.1f} MiB" if value >= 1048576 else f"{round(value):,} B"
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.2f} ms"

def cell(figure):
    text = amount(figure["ledger"], figure["unit"])
    if figure.get("sqlite") is not None:
        text += f" · {amount(figure['sqlite'], figure['unit'])} · {figure['ratio']}×"
    return text

measures, labels = [], {}
for report in reports:
    for figure in report["figures"]:
        if figure["measure"] not in measures:
            measures.append(figure["measure"])
            labels[figure["measure"]] = figure["label"]
print("| measure | " + " | ".join(f"{int(size):,} events" for size in sizes) + " |")
print("| --- |" + " ---: |" * len(sizes))
for measure in measures:
    cells = []
    for report in reports:
        figure = next((f for f in report["figures"] if f["measure"] == measure), None)
        cells.append(cell(figure) if figure else "–")
    print(f"| {labels[measure]} | " + " | ".join(cells) + " |")
print()
print("Each cell: the ledger · SQLite · how many times better the ledger is (below 1: worse).")
failed = [size for size, report in zip(sizes, reports) if not report["agreement"]["agree"]]
if failed:
    print(f"ANSWERS DISAGREE at {', '.join(failed)} events")
    sys.exit(1)
print("answers agree at every size")
PY
