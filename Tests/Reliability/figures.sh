# Sourced by the long-run scripts that print medians over several runs of a ledger-stress check.

# The figure after LABEL (e.g. "p99 ") on the first line of FILE starting with PASS, FAIL or
# INFO and then PREFIX.
figure() { grep -E "^(PASS|FAIL|INFO) $2" "$1" | sed -E "s/.*$3([0-9.]+) .*/\1/" | head -1; }

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
