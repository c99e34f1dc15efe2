#!/usr/bin/env bash
# run-suites.sh: run the pg_regress and pgTAP suites against the server that
# PGHOST/PGPORT/PGUSER name (scripts/test.sh runs it inside pg_virtualenv).
set -uo pipefail
cd "$(dirname "$0")/.."

status=0

echo "--- pg_regress"
if ! make -s installcheck; then
    [ -f regression.diffs ] && cat regression.diffs
    status=1
fi

echo "--- pgTAP"
dropdb --if-exists dynamo_tap >/dev/null 2>&1
createdb dynamo_tap
psql -X -q -v ON_ERROR_STOP=1 -d dynamo_tap \
    -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION dynamo" || status=1
if ! pg_prove -d dynamo_tap --ext .sql -r test/pgtap; then
    status=1
fi

echo "--- concurrency"
# these hammer a few hot items: past a partition's ceiling DynamoDB would
# throttle them, as dynamo does; they test correctness under contention,
# capacity has its own tests (test/capacity/)
export PGOPTIONS="${PGOPTIONS:-} -c dynamo.capacity_enforcement=off"
test/concurrency/run.sh || status=1
test/concurrency/invalidation.sh || status=1
test/concurrency/delete_table.sh || status=1
test/concurrency/gsi_backfill.sh || status=1
test/concurrency/gsi_writers.sh || status=1
test/concurrency/stream_order.sh || status=1

echo "--- dump and restore"
test/dump/run.sh || status=1

exit $status
