#!/usr/bin/env bash
# Installs the Debian package as an administrator would, for real, and checks
# what they would check (docs/install.md):
#   builds the package (deploy/package.sh, which runs lintian on it) and a
#   rebuild of it with a higher version; creates a fresh Debian 12 root with
#   debootstrap; boots it with `systemd-nspawn --boot` (systemd as PID 1
#   inside); installs the .deb with apt; checks that ledgerd.socket listens and
#   that ledgerd starts on the first connection; appends the bundled record as a
#   member of the ledger group; reads as another user, who is refused an append;
#   enables the web socket and fetches the state page; restarts; upgrades to the
#   rebuild (every event kept, the chain verified); puts a ledger written by
#   release 0.1.0 (store format ledger-4) in its place, which ledgerd upgrades
#   on start; removes and purges (the ledger kept, then deleted on request).
#
#   bash deploy/test-package.sh [--if-possible] [--keep]
#
#   --if-possible  exit 0, saying why, when this machine cannot run it (not
#                  root, no debootstrap, systemd-nspawn or mdb_load, no route to Debian's
#                  archive, port 8080 taken, or a container that debootstrap
#                  cannot make or systemd-nspawn cannot boot, before the package
#                  is in it); without it those are failures (exit 77)
#   --keep         leave the container's root in the work directory
#
# Environment:
#   DEBIAN_MIRROR  the archive debootstrap and apt use (default
#                  http://deb.debian.org/debian)
#   LEDGER_PACKAGE_TEST_DIR  the work directory (default: .build-package/test)
#
# Prints each check with the seconds it took; exits 0 when all pass.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

if_possible=0
keep=0
for arg in "$@"; do
    case "$arg" in
        --if-possible) if_possible=1 ;;
        --keep) keep=1 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "test-package.sh: unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=${LEDGER_PACKAGE_TEST_DIR:-$root/.build-package/test}
machine=ledger-package-test

skip() {
    if [ "$if_possible" -eq 1 ]; then
        echo "test-package.sh: SKIPPED, the package was not tested: $*"
        exit 0
    fi
    echo "test-package.sh: cannot run here: $*" >&2
    exit 77
}

# --- can this machine do it? ---------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap and systemd-nspawn)"
for tool in debootstrap systemd-nspawn nsenter dpkg-deb mdb_load; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (deploy/packages.sh installs it)"
done
host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$mirror")
if ! timeout 10 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null; then
    skip "no connection to $host, Debian's archive (debootstrap and apt fetch from it)"
fi
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    skip "127.0.0.1:8080 is taken on this machine, and the container shares its network to reach Debian's archive"
fi

# --- output --------------------------------------------------------------------
started=$(date +%s)
step_started=$started
step() {
    local now
    now=$(date +%s)
    printf '  ok  %-68s %4ss\n' "$1" "$((now - step_started))"
    step_started=$now
}
fail() {
    echo "test-package.sh: FAILED: $*" >&2
    if [ -n "$leader" ]; then
        echo "The container's journal, last 40 lines:" >&2
        inside journalctl --no-pager -n 40 >&2 || true
    fi
    exit 1
}

container=$work/root
leader=""
nspawn_pid=""
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # A clean shutdown of the container, else systemd-nspawn's own (SIGTERM), else SIGKILL.
        if [ -n "$leader" ]; then inside systemctl poweroff >/dev/null 2>&1 || true; fi
        for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    if [ "$keep" -eq 0 ]; then
        rm -rf "$container"
    fi
}
trap cleanup EXIT

# inside CMD...: runs CMD in the booted container, as root, in a login-like
# environment (the container's PATH, no variables of this script).
inside() {
    nsenter --target "$leader" --mount --uts --ipc --net --pid --root --wd -- \
        /usr/bin/env -i -C / PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}
# as USER CMD...: runs CMD as USER (with the groups the container gives USER).
as() {
    local user=$1
    shift
    inside runuser -u "$user" -- /usr/bin/env HOME="/home/$user" "$@"
}
# apt_get CMD...: apt-get in the container, without questions.
apt_get() {
    inside env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >>"$work/apt.log" 2>&1
}
# events: how many events the ledger holds, from `ledger verify` ("ok: N events, chain intact, ...").
events() {
    inside ledger verify | sed -n 's/^ok: \([0-9]*\) events, chain intact.*/\1/p'
}
# expect_output WHAT PATTERN CMD...: CMD succeeds and prints PATTERN (grep -E).
expect_output() {
    local what=$1 pattern=$2 output
    shift 2
    output=$("$@" 2>&1) || fail "$what: the command failed: $*"$'\n'"$output"
    grep -Eq -- "$pattern" <<<"$output" || fail "$what: expected /$pattern/ in:"$'\n'"${output:0:2000}"
}
# expect_unit WHAT is-enabled|is-active UNIT STATE: systemctl says UNIT is STATE.
expect_unit() {
    local what=$1 question=$2 unit=$3 expected=$4 actual
    actual=$(inside systemctl "$question" "$unit" 2>&1 || true)
    [ "$actual" = "$expected" ] || fail "$what: systemctl $question $unit says '$actual', not '$expected'"
}

echo "Testing the Debian package in a Debian 12 container booted with systemd-nspawn:"

# --- the packages ------------------------------------------------------------------
mkdir -p "$work"
rm -rf "$work/debs" "$container"
deb=$(bash "$here/package.sh" --output "$work/debs" 2>"$work/package.log" | tail -n 1) \
    || { cat "$work/package.log" >&2; fail "deploy/package.sh (above)"; }
version=$(bash "$here/package.sh" --print-version)
step "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
newer=$(bash "$here/package.sh" --output "$work/debs" --version-suffix upgrade1 --no-lintian 2>>"$work/package.log" | tail -n 1) \
    || { cat "$work/package.log" >&2; fail "deploy/package.sh --version-suffix upgrade1 (above)"; }
step "built the rebuild $(basename "$newer"), to upgrade to"

# --- a fresh Debian 12, booted ------------------------------------------------------
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,apt,ca-certificates,curl \
    bookworm "$container" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || skip "debootstrap could not make a Debian 12 root: $(tail -n 3 "$work/debootstrap.log")"
cp "$deb" "$newer" "$container/root/"
echo "$machine" >"$container/etc/hostname"
printf 'deb %s bookworm main\n' "$mirror" >"$container/etc/apt/sources.list"
step "debootstrap: a minimal Debian 12 (bookworm) in $container"

# --keep-unit and --register=no: systemd-nspawn needs no systemd or D-Bus on
# the host; the container's own systemd is PID 1 inside.
systemd-nspawn --directory "$container" --machine "$machine" --boot --register=no --keep-unit \
    --console=passive >"$work/nspawn.log" 2>&1 &
nspawn_pid=$!
# The container's PID 1 is the systemd process among systemd-nspawn's descendants.
for _ in $(seq 1 150); do
    for pid in $(pgrep -f -x '/usr/lib/systemd/systemd|/lib/systemd/systemd|/sbin/init' || true); do
        ancestor=$pid
        while [ "$ancestor" -gt 1 ] && [ "$ancestor" != "$nspawn_pid" ]; do
            ancestor=$(awk '/^PPid:/ {print $2}' "/proc/$ancestor/status" 2>/dev/null || echo 1)
        done
        [ "$ancestor" = "$nspawn_pid" ] && leader=$pid && break
    done
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.2
done
# Up to here nothing of the package is in the container: a container that does
# not boot says something about this machine, not about the package.
[ -n "$leader" ] || skip "systemd-nspawn could not boot the container: $(tail -n 5 "$work/nspawn.log")"
# nsenter gets in as soon as PID 1 exists, but systemctl answers only once PID 1
# listens on /run/systemd/private; before that it fails at once ("Failed to
# connect to bus"), even with --wait. So wait for any answer first.
for _ in $(seq 1 150); do [ -n "$(inside systemctl is-system-running 2>/dev/null)" ] && break; sleep 0.2; done
state=$(inside systemctl is-system-running --wait 2>"$work/is-system-running.log" || true)
[ "$state" = running ] || skip "the container's systemd is '$state', not running: $(head -n 3 "$work/is-system-running.log") $(inside systemctl --failed --no-legend --plain 2>&1 | head -n 5)"
step "systemd-nspawn --boot: systemd $(inside systemctl --version | head -n 1 | cut -d' ' -f2) is PID 1 and running"

# --- install ---------------------------------------------------------------------------
: >"$work/apt.log"
apt_get update || fail "apt-get update (log: $work/apt.log)"
apt_get install "/root/$(basename "$deb")" || fail "apt install ./$(basename "$deb") (log: $work/apt.log)"
step "apt install ./$(basename "$deb") (with its dependencies from the archive)"

expect_output "ledger --version" "^$version\$" inside ledger --version
expect_output "ledgerd --version" "^$version\$" inside ledgerd --version
inside ldd /usr/bin/ledgerd /usr/bin/ledger | grep -q 'not found' && fail "a library is missing: $(inside ldd /usr/bin/ledgerd)"
expect_output "the ledger user" "^ledger:x:[0-9]+:[0-9]+:.*:/var/lib/ledger:/usr/sbin/nologin\$" inside getent passwd ledger
expect_output "/var/lib/ledger" "^ledger ledger 750\$" inside stat -c '%U %G %a' /var/lib/ledger
for file in /usr/share/man/man1/ledger.1.gz /usr/share/man/man8/ledgerd.8.gz /usr/share/bash-completion/completions/ledger \
    /usr/share/zsh/vendor-completions/_ledger /usr/share/fish/vendor_completions.d/ledger.fish /usr/share/doc/ledger/copyright; do
    inside test -s "$file" || fail "$file is missing"
done
step "both commands run; the ledger user, /var/lib/ledger, man pages and completions are in place"

expect_unit "ledgerd.socket enabled" is-enabled ledgerd.socket enabled
expect_unit "ledgerd.socket active" is-active ledgerd.socket active
inside test -S /run/ledger/ledger.sock || fail "/run/ledger/ledger.sock is not a socket"
expect_unit "ledgerd-http.socket disabled" is-enabled ledgerd-http.socket disabled
expect_unit "ledgerd.service not started yet" is-active ledgerd.service inactive
step "ledgerd.socket is enabled and listening; the web socket is disabled; ledgerd waits"

# --- use -----------------------------------------------------------------------------------
inside useradd --create-home --groups ledger clerk
inside useradd --create-home reader
for file in $(inside sh -c 'ls /usr/share/doc/ledger/examples/*.ndjson'); do
    expect_output "the clerk appends $(basename "$file")" "^appended [0-9]+" as clerk ledger append "$file"
done
expect_unit "ledgerd.service started by the socket" is-active ledgerd.service active
events=$(events)
[ -n "$events" ] && [ "$events" -gt 0 ] || fail "ledger verify: $(inside ledger verify 2>&1)"
step "a member of the ledger group appended the bundled record ($events events); ledgerd started on it"

expect_output "the reader's ledger at" "Commitments at the end of 15 April 2025" as reader ledger at 2025-04-15
if output=$(as reader ledger append /usr/share/doc/ledger/examples/home-office-2025.ndjson 2>&1); then
    fail "the reader, not in the ledger group, could append: $output"
fi
grep -q "forbidden" <<<"$output" || fail "the reader's refusal does not say why: $output"
step "another user reads the state at 2025-04-15 and is refused an append"

# systemd refuses to start a socket whose service already runs: stop ledgerd
# first, and the next connection, to either socket, starts it with both.
inside systemctl stop ledgerd.service 2>/dev/null || fail "systemctl stop ledgerd.service"
output=$(inside systemctl enable --now ledgerd-http.socket 2>&1) || fail "systemctl enable --now ledgerd-http.socket: $output"
expect_output "the state page" "<html|<!DOCTYPE html" inside curl -fsS http://127.0.0.1:8080/at/2025-04-15
expect_output "the API" '^\{"at":"2025-04-15",' inside curl -fsS http://127.0.0.1:8080/api/at/2025-04-15
expect_unit "ledgerd.service started by the web socket" is-active ledgerd.service active
step "the web socket enabled: ledgerd starts on a request; the state page and the API answer"

inside systemctl restart ledgerd.service || fail "systemctl restart ledgerd.service"
after=$(events)
[ "$after" = "$events" ] || fail "after a restart the ledger has $after events, not $events"
step "restarted: $after events, the hash chain verifies"

# --- upgrade ---------------------------------------------------------------------------
before_pid=$(inside systemctl show -p MainPID --value ledgerd.service)
apt_get install "/root/$(basename "$newer")" || fail "apt install ./$(basename "$newer") (log: $work/apt.log)"
expect_output "the upgraded package" "^install ok installed $version\+upgrade1\$" inside dpkg-query -W -f='${Status} ${Version}\n' ledger
after_pid=$(inside systemctl show -p MainPID --value ledgerd.service)
[ "$after_pid" != 0 ] && [ "$after_pid" != "$before_pid" ] || fail "ledgerd was not restarted by the upgrade (MainPID $before_pid, then $after_pid)"
upgraded=$(events)
[ "$upgraded" = "$events" ] || fail "after the upgrade the ledger has $upgraded events, not $events"
expect_unit "the web socket stays enabled" is-enabled ledgerd-http.socket enabled
step "upgraded to $version+upgrade1: ledgerd restarted, $upgraded events, the chain verifies"

# A ledger written by release 0.1.0 (store format ledger-4: the dump the store's
# tests load, 231 events) in place of this one: the installed ledgerd upgrades
# it in place on its first start, every event kept.
old_store=$root/Tests/LedgerStoreTests/Resources/ledger-4-store.dump
[ -f "$old_store" ] || fail "$old_store is missing"
inside systemctl stop ledgerd.service 2>/dev/null || fail "systemctl stop ledgerd.service"
inside sh -c 'rm -f /var/lib/ledger/data.mdb /var/lib/ledger/lock.mdb'
# (mdb_load warns of the dump's db_pagesize lines, which mdb_dump -a writes: its log.)
mdb_load -f "$old_store" "$container/var/lib/ledger" 2>"$work/mdb_load.log" \
    || fail "mdb_load of $old_store: $(cat "$work/mdb_load.log")"
inside chown -R ledger:ledger /var/lib/ledger
inside chmod 0640 /var/lib/ledger/data.mdb /var/lib/ledger/lock.mdb
old_events=$(events)
[ "$old_events" = 231 ] || fail "the ledger-4 store, upgraded, has '$old_events' events, not 231"
expect_output "the upgrade in the journal" "ready events=231" inside journalctl --no-pager -u ledgerd.service -n 20
expect_output "at on the upgraded store" "Commitments at the end of 15 April 2025" as reader ledger at 2025-04-15
events=$old_events
step "a ledger written by 0.1.0 (format ledger-4, $old_events events) is upgraded in place on start"
# --- remove and purge ------------------------------------------------------------------
apt_get remove ledger || fail "apt remove ledger (log: $work/apt.log)"
for unit in ledgerd.service ledgerd.socket ledgerd-http.socket; do
    unit_state=$(inside systemctl is-active "$unit" || true)
    case "$unit_state" in inactive|unknown) ;; *) fail "$unit is $unit_state after apt remove" ;; esac
done
inside test -f /var/lib/ledger/data.mdb || fail "apt remove deleted the ledger"
step "apt remove: ledgerd and both sockets stopped, the ledger kept"

purge_output=$(inside env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ledger 2>&1) || fail "apt purge ledger: $purge_output"
grep -q "kept the ledger in /var/lib/ledger" <<<"$purge_output" || fail "apt purge did not say it kept the ledger: $purge_output"
inside test -f /var/lib/ledger/data.mdb || fail "apt purge deleted the ledger without being asked"
step "apt purge: the ledger in /var/lib/ledger kept, and it says so"

apt_get install "/root/$(basename "$newer")" || fail "apt install again (log: $work/apt.log)"
reinstalled=$(events)
[ "$reinstalled" = "$events" ] || fail "reinstalled over the kept ledger: $reinstalled events, not $events"
purge_output=$(inside env DEBIAN_FRONTEND=noninteractive LEDGER_PURGE_STATE=yes apt-get purge -y -q ledger 2>&1) \
    || fail "apt purge with LEDGER_PURGE_STATE=yes: $purge_output"
inside test ! -e /var/lib/ledger || fail "LEDGER_PURGE_STATE=yes apt purge kept /var/lib/ledger"
step "reinstalled over the kept ledger ($reinstalled events); LEDGER_PURGE_STATE=yes apt purge deletes it"

echo "The package passed every check in $(( $(date +%s) - started )) s."
