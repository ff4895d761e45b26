#!/usr/bin/env bash
# Installs ledgerd and ledger as a socket-activated systemd service
# (docs/service.md). Run as root from anywhere; running it again is
# harmless (every step overwrites or is itself idempotent).
#
#   bash deploy/install.sh [--dry-run]
#
# Environment:
#   PREFIX=/usr/local     binaries go to $PREFIX/bin; the service's ExecStart
#                         is rewritten to match when PREFIX is not /usr/local.
#   DESTDIR=/some/root    stage everything under this root (packaging, tests):
#                         nothing outside it is touched and systemd-sysusers,
#                         systemd-tmpfiles and systemctl are not run; root is
#                         not required.
#   LEDGERD_BIN=/path     the ledgerd binary to install (default: the package's
#   LEDGER_BIN=/path      .build/release/ledgerd and ledger, built with
#                         `swift build -c release` if missing).
#   SWIFT_BUILD_FLAGS=... extra flags for that build (e.g. --static-swift-stdlib).
#
# --dry-run prints every command it would run and changes nothing.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

dry_run=0
for arg in "$@"; do
    case "$arg" in
        --dry-run|-n) dry_run=1 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "install.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
package_root=$(cd "$here/.." && pwd)
prefix=${PREFIX:-/usr/local}
prefix=${prefix%/}
destdir=${DESTDIR:-}
destdir=${destdir%/}
default_prefix=/usr/local

case "$prefix" in
    /*) ;;
    *) echo "install.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;;
esac
# The prefix ends up in ExecStart= (where whitespace, % and $ would need
# escaping) and in a sed replacement: keep to plain path characters.
if [[ ! "$prefix" =~ ^[A-Za-z0-9._/+-]+$ ]]; then
    echo "install.sh: PREFIX may contain only letters, digits and . _ / + -: '$prefix'" >&2
    exit 2
fi
if [ -n "$destdir" ]; then
    case "$destdir" in
        /*) ;;
        *) destdir=$(pwd)/$destdir ;;
    esac
fi

if [ -z "$destdir" ] && [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (or set DESTDIR to stage, or use --dry-run)" >&2
    exit 1
fi

# run CMD ARGS...: runs it, or only prints it with --dry-run.
run() {
    if [ "$dry_run" -eq 1 ]; then
        printf '+'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}

say() { printf '==> %s\n' "$*"; }

# --- the binaries ----------------------------------------------------------
ledgerd_bin=${LEDGERD_BIN:-$package_root/.build/release/ledgerd}
ledger_bin=${LEDGER_BIN:-$package_root/.build/release/ledger}

if [ -z "${LEDGERD_BIN:-}" ] || [ -z "${LEDGER_BIN:-}" ]; then
    # shellcheck disable=SC2206  # SWIFT_BUILD_FLAGS is a word list on purpose
    extra_flags=(${SWIFT_BUILD_FLAGS:-})
    if [ -z "${LEDGERD_BIN:-}" ] && [ ! -x "$ledgerd_bin" ]; then
        say "building ledgerd (release)"
        run swift build --package-path "$package_root" -c release --product ledgerd ${extra_flags[@]+"${extra_flags[@]}"}
    fi
    if [ -z "${LEDGER_BIN:-}" ] && [ ! -x "$ledger_bin" ]; then
        say "building ledger (release)"
        run swift build --package-path "$package_root" -c release --product ledger ${extra_flags[@]+"${extra_flags[@]}"}
    fi
fi
if [ "$dry_run" -eq 0 ]; then
    for bin in "$ledgerd_bin" "$ledger_bin"; do
        if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
            echo "install.sh: not an executable file: $bin" >&2
            exit 1
        fi
    done
fi

bindir=$destdir$prefix/bin
unitdir=$destdir/etc/systemd/system
sysusersdir=$destdir/etc/sysusers.d
tmpfilesdir=$destdir/etc/tmpfiles.d

say "installing binaries to $bindir"
run install -d -m 0755 "$bindir"
run install -m 0755 "$ledgerd_bin" "$bindir/ledgerd"
run install -m 0755 "$ledger_bin" "$bindir/ledger"

# --- unit files and system configuration -----------------------------------
say "installing units to $unitdir"
run install -d -m 0755 "$unitdir"
if [ "$prefix" = "$default_prefix" ]; then
    run install -m 0644 "$here/ledgerd.service" "$unitdir/ledgerd.service"
else
    # Rewrite the binary's directory in ExecStart= only. Write to a temporary
    # file beside the target and rename, so a reader never sees half a unit.
    if [ "$dry_run" -eq 1 ]; then
        printf '+ sed %q %q > %q\n' "/^ExecStart=/s#$default_prefix/bin/#$prefix/bin/#" \
            "$here/ledgerd.service" "$unitdir/ledgerd.service"
    else
        tmp_unit=$(mktemp "$unitdir/.ledgerd.service.XXXXXX")
        trap 'rm -f "$tmp_unit"' EXIT
        sed "/^ExecStart=/s#$default_prefix/bin/#$prefix/bin/#" "$here/ledgerd.service" > "$tmp_unit"
        chmod 0644 "$tmp_unit"
        mv -f "$tmp_unit" "$unitdir/ledgerd.service"
        trap - EXIT
    fi
fi
run install -m 0644 "$here/ledgerd.socket" "$unitdir/ledgerd.socket"
run install -m 0644 "$here/ledgerd-http.socket" "$unitdir/ledgerd-http.socket"

say "installing sysusers.d and tmpfiles.d entries"
run install -d -m 0755 "$sysusersdir" "$tmpfilesdir"
run install -m 0644 "$here/sysusers.d/ledger.conf" "$sysusersdir/ledger.conf"
run install -m 0644 "$here/tmpfiles.d/ledger.conf" "$tmpfilesdir/ledger.conf"

# --- activation on the live system -----------------------------------------
if [ -n "$destdir" ]; then
    say "DESTDIR set: not creating the user, the state directory or reloading systemd"
else
    # systemd-sysusers and systemd-tmpfiles do not need systemd as PID 1 (the
    # way Debian maintainer scripts call them), so the ledger user and group
    # exist even in a container or image build.
    if command -v systemd-sysusers >/dev/null 2>&1; then
        say "creating the ledger user and group"
        run systemd-sysusers /etc/sysusers.d/ledger.conf
    else
        echo "install.sh: warning: systemd-sysusers not found; create the ledger user and group yourself" >&2
    fi
    if command -v systemd-tmpfiles >/dev/null 2>&1; then
        say "creating /var/lib/ledger"
        run systemd-tmpfiles --create /etc/tmpfiles.d/ledger.conf
    fi
    if [ -d /run/systemd/system ]; then
        say "reloading systemd"
        run systemctl daemon-reload
    else
        say "systemd is not running as PID 1 here: skipping systemctl daemon-reload"
    fi
fi

# The service runs with ProtectHome=yes: a ledgerd linked against a Swift
# runtime under /home or /root (a toolchain installed there) could not start.
if [ "$dry_run" -eq 0 ] && command -v ldd >/dev/null 2>&1; then
    libs=$(ldd "$bindir/ledgerd" 2>/dev/null || true)
    if grep -q 'not found' <<<"$libs"; then
        echo "install.sh: warning: ledgerd has unresolved libraries:" >&2
        grep 'not found' <<<"$libs" >&2
    fi
    if grep -Eq '=> /(home|root|run/user)/' <<<"$libs"; then
        echo "install.sh: warning: ledgerd loads libraries from a home directory, hidden by" >&2
        echo "  ProtectHome=yes; rebuild with SWIFT_BUILD_FLAGS=--static-swift-stdlib:" >&2
        grep -E '=> /(home|root|run/user)/' <<<"$libs" >&2
    fi
fi

if [ "$dry_run" -eq 1 ]; then
    printf '\n(dry run: nothing was changed)\n'
    done_msg="After this install, the next steps would be:"
else
    done_msg="ledger is installed. Next steps:"
fi
cat <<EOF

$done_msg
  systemctl enable --now ledgerd.socket      # listen on /run/ledger/ledger.sock;
                                             # ledgerd starts on the first connection
  systemctl enable --now ledgerd-http.socket # the web interface on 127.0.0.1:8080
                                             # (stop ledgerd.service first if it runs)
  usermod -aG ledger USER                    # let USER append (log in again after)
  $prefix/bin/ledger at 2025-04-15 --socket /run/ledger/ledger.sock
After an upgrade: systemctl try-restart ledgerd.service
EOF
