#!/usr/bin/env bash
# Checks deploy/ledgerd.service, ledgerd.socket and ledgerd-http.socket
# (docs/service.md):
#   1. all three pass `systemd-analyze verify --man=no`, with ExecStart= pointing
#      at the ledgerd binary given as $1 (verify insists that it exists);
#   2. `systemd-analyze security --offline=yes` rates the service at an
#      overall exposure of at most 1.0 ("SAFE").
#
#   bash deploy/check-units.sh PATH/TO/ledgerd
#
# Prints "exposure X.X" and exits 0 on success; prints what went wrong and
# exits 1 on failure, 2 on bad usage, 77 (the usual "skipped" status) when
# systemd-analyze is not installed. Works without systemd as PID 1 and with
# any existing executable as $1 (e.g. /bin/true).
set -euo pipefail

max_exposure=1.0

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/ledgerd" >&2
    exit 2
fi
bin=$1
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    echo "check-units: not an executable file: $bin" >&2
    exit 2
fi
case "$bin" in
    /*) ;;
    *) bin=$(pwd)/$bin ;;
esac
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-units: systemd-analyze not found; skipping" >&2
    exit 77
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ledgerd-units.XXXXXX")
trap 'rm -rf "$work"' EXIT

# No pager, no colours, no journal: plain text we can parse.
export SYSTEMD_PAGER= SYSTEMD_COLORS=0 SYSTEMD_LOG_COLOR=0 SYSTEMD_LOG_TARGET=console LC_ALL=C

# ExecStart= takes a quoted executable path, in which % is doubled (a
# specifier otherwise; $ is not expanded in the executable name). systemd
# refuses executable names containing quotes or backslashes outright.
case "$bin" in
    *[\"\'\\]*)
        echo "check-units: systemd cannot run an executable whose path has quotes or backslashes: $bin" >&2
        exit 2
        ;;
esac
quoted="\"${bin//%/%%}\""

# Copy the units, replacing the binary path as a literal string (not a sed
# pattern, so any characters in $1 are safe).
replaced=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        ExecStart=*/usr/local/bin/ledgerd*)
            prefix=${line%%/usr/local/bin/ledgerd*}
            rest=${line#*/usr/local/bin/ledgerd}
            line=$prefix$quoted$rest
            replaced=1
            ;;
    esac
    printf '%s\n' "$line"
done < "$here/ledgerd.service" > "$work/ledgerd.service"
cp "$here/ledgerd.socket" "$here/ledgerd-http.socket" "$work/"
if [ "$replaced" -ne 1 ]; then
    echo "check-units: ledgerd.service has no ExecStart= naming /usr/local/bin/ledgerd" >&2
    exit 1
fi

status=0

# --- 1. verify ---------------------------------------------------------------
# All three files on one command line: the service Requires= its socket and
# the web's socket names the service, which systemd-analyze finds beside them. Loading the units' dependencies
# (sockets.target, multi-user.target, ...) can make it warn about unrelated
# units installed on this machine; only lines about our units count.
set +e
verify_out=$(systemd-analyze verify --man=no "$work/ledgerd.service" "$work/ledgerd.socket" "$work/ledgerd-http.socket" 2>&1)
verify_rc=$?
set -e
ours=$(grep -E "ledgerd|$(printf '%s' "$work" | sed 's/[][\.*^$/]/\\&/g')" <<<"$verify_out" || true)
if [ -n "$ours" ]; then
    echo "check-units: systemd-analyze verify complained about our units:" >&2
    printf '%s\n' "$ours" >&2
    status=1
elif [ "$verify_rc" -ne 0 ]; then
    echo "check-units: systemd-analyze verify failed (exit $verify_rc):" >&2
    printf '%s\n' "$verify_out" >&2
    status=1
fi

# --- 2. security -------------------------------------------------------------
# --threshold counts in tenths of the 0.0-10.0 scale (the default is 100), so
# --threshold=10 makes systemd-analyze itself exit non-zero above 1.0; the
# figure is also compared here. systemd 252's --json output lists the
# individual settings but not the overall figure, so it is read from the text
# summary ("Overall exposure level for ledgerd.service: 0.4 SAFE ...").
set +e
security_out=$(systemd-analyze security --no-pager --offline=yes --threshold=10 "$work/ledgerd.service" 2>&1)
security_rc=$?
set -e
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p' <<<"$security_out" | tail -n 1)
if [ -z "$exposure" ]; then
    echo "check-units: systemd-analyze security gave no overall exposure (exit $security_rc):" >&2
    printf '%s\n' "$security_out" >&2
    exit 1
fi
if [ "$security_rc" -ne 0 ] || awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e + 0 > m + 0) }'; then
    echo "check-units: exposure $exposure is above $max_exposure (systemd-analyze exit $security_rc); settings that count:" >&2
    # Items not in place are marked "-" (with LC_ALL=C) and carry a figure.
    grep -E '^[-✗] ' <<<"$security_out" >&2 || true
    grep -E 'Overall exposure' <<<"$security_out" >&2 || true
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "exposure $exposure"
fi
exit "$status"
