#!/usr/bin/env bash
# install-deps.sh: install everything dynamo needs to build, run and test,
# from Debian's packages only. Safe to run again: it installs what is missing.
#
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --force  always apt-get update and install (CI)
set -euo pipefail

PACKAGES=(
    build-essential
    postgresql-15                            # the server
    postgresql-server-dev-15                 # PGXS, headers (pulls in clang for JIT bitcode)
    postgresql-common                        # pg_virtualenv
    libxxhash-dev                            # XXH3, the key hash (used header-only)
    zlib1g-dev libzstd-dev                   # ImportTable's GZIP and ZSTD input
    postgresql-15-pgtap                      # pgTAP
    libtap-parser-sourcehandler-pgtap-perl   # pg_prove
    clang libclang-rt-14-dev                 # libFuzzer targets (test/fuzz)
    bc                                       # benchmark ratios (test/bench)
    python3-boto3 awscli curl                # wire tests with the real AWS clients (test/wire)
    python3-psycopg2                         # the request fuzzer (test/fuzz/request_fuzz.py)
)

missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done

if [ "${1:-}" != "--force" ] && [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
