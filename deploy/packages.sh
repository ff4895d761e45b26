#!/usr/bin/env bash
# Installs the Debian packages ledger builds and tests with, if any is missing:
# liblmdb-dev (the LMDB library and headers), lmdb-utils (mdb_stat, mdb_dump),
# libsqlite3-dev (the baseline ledger-bench measures against),
# pkg-config, python3 with jsonschema (the independent schema validator), systemd
# (systemd-analyze and systemd-socket-activate check the service), util-linux (setpriv),
# socat and netcat-openbsd (the README's one-line clients, run as written in the tests),
# chromium (the headless browser the web pages are tested in), and python3-pip, which
# installs openapi-spec-validator (the independent OpenAPI validator; Debian 12 does not
# package it) from PyPI into .build/python, where the tests look for it. The Debian
# package (deploy/package.sh, deploy/test-package.sh) needs dpkg-dev (dpkg-shlibdeps),
# binutils (readelf, strip), lintian, debootstrap and systemd-container (systemd-nspawn).
# With --with-nginx (as .ci/run gives it) it also installs nginx-light, which the tests run
# in front of ledgerd with deploy/nginx/ledger.conf; without it nginx is left out, since on
# most machines installing it also starts a web server on port 80.
set -euo pipefail
packages=(liblmdb-dev lmdb-utils libsqlite3-dev pkg-config python3 python3-jsonschema python3-pip systemd util-linux socat netcat-openbsd chromium dpkg-dev binutils lintian debootstrap systemd-container)
for argument in "$@"; do
    case $argument in
        --with-nginx) packages+=(nginx-light) ;;
        *) echo "usage: packages.sh [--with-nginx]" >&2; exit 2 ;;
    esac
done
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The python3 first on PATH may not be Debian's: make sure it has jsonschema too.
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema
# Into the package's own build directory (pip's --target), not the system's Python.
python_target="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/python"
if ! PYTHONPATH="$python_target" python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --target "$python_target" 'openapi-spec-validator==0.9.0'
fi
