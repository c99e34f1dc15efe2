#!/usr/bin/env bash
# test.sh: build dynamo and run every test suite in throwaway clusters.
#
# Runs twice: a normal build and an assertions build (-DUSE_ASSERT_CHECKING),
# both with -Wall -Werror. Each run installs the build, starts a cluster with
# pg_virtualenv (dynamo in shared_preload_libraries) and runs the pg_regress
# suite (sql/, expected/), the pgTAP suite (test/pgtap/) and the concurrency
# test (test/concurrency/) inside it. Then the crash test (test/crash/) runs
# a cluster of its own, the wire endpoint is tested with boto3 and the AWS
# CLI (test/wire/) in a cluster that runs it (and in one whose endpoint
# database lacks the extension), the capacity rate tests (test/capacity/,
# one of them without shared_preload_libraries), the request fuzzer
# (test/fuzz/request_fuzz.sh) sends mutated requests of every action through
# the endpoint and dynamo.execute in another, the capacity rate tests
# (test/capacity/run.sh) drive tables past their capacity in clusters of
# their own (with the last build installed), the data-protection checks
# (test/backup/run.sh) and the distributed suite (test/citus/run.sh, which
# builds Citus first when it is not installed) in clusters of their own,
# and the libFuzzer targets (test/fuzz/) run over their seeds and past
# findings. Exits non-zero on any failure.
#
#   scripts/test.sh              both builds
#   DYNAMO_TEST_BUILDS=plain scripts/test.sh    one build (plain or asserts)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
test/api_shapes/check.sh

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

# streams read the WAL: wal_level logical, and the dynamo output plugin allowed
STREAMS_OPTS=(-o wal_level=logical -o output_plugin_libraries=pgoutput,test_decoding,dynamo)

builds=${DYNAMO_TEST_BUILDS:-"plain asserts"}
for build in $builds; do
    echo "=== dynamo: $build build"
    make clean >/dev/null
    if [ "$build" = "asserts" ]; then
        make -s ASSERTS=1
        $SUDO make -s install ASSERTS=1
    else
        make -s
        $SUDO make -s install
    fi
    pg_virtualenv -t -o shared_preload_libraries=dynamo "${STREAMS_OPTS[@]}" -- scripts/run-suites.sh
done
echo "--- wire endpoint with boto3 and the AWS CLI"
pg_virtualenv -t -o shared_preload_libraries=dynamo "${STREAMS_OPTS[@]}" -o dynamo.http_port="${DYNAMO_WIRE_PORT:-8431}" -- \
    env DYNAMO_WIRE_PORT="${DYNAMO_WIRE_PORT:-8431}" test/wire/run.sh
pg_virtualenv -t -o shared_preload_libraries=dynamo -o dynamo.http_port="${DYNAMO_WIRE_PORT:-8431}" \
    -o "dynamo.http_listen_address=*" -- env DYNAMO_WIRE_PORT="${DYNAMO_WIRE_PORT:-8431}" test/wire/listen.sh
pg_virtualenv -t -o shared_preload_libraries=dynamo -o dynamo.http_port="${DYNAMO_WIRE_PORT:-8431}" \
    -o dynamo.http_database=dynamo_noext -- env DYNAMO_WIRE_PORT="${DYNAMO_WIRE_PORT:-8431}" test/wire/no_extension.sh
echo "--- capacity rates (and dynamo without shared_preload_libraries)"
test/capacity/run.sh
echo "--- time to live: the expiry worker"
test/ttl/run.sh
echo "--- backups, point-in-time recovery, export and import"
test/backup/run.sh
echo "--- distributed with Citus (built from ../shared/vendor/citus when not installed)"
test/citus/run.sh
echo "--- request fuzzer"
DYNAMO_FUZZ_PORT="${DYNAMO_FUZZ_PORT:-8432}" test/fuzz/request_fuzz.sh
echo "--- crash"
test/crash/run.sh
echo "--- fuzz targets over their seeds and past findings"
make -s -C test/fuzz smoke >/tmp/dynamo-fuzz-smoke.log 2>&1 || { cat /tmp/dynamo-fuzz-smoke.log; exit 1; }
echo "fuzz smoke: ok"
echo "=== dynamo: every suite passed in: $builds"
