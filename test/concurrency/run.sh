#!/usr/bin/env bash
# run.sh: concurrent writers on one item, against the server PGHOST/PGPORT
# name (scripts/run-suites.sh runs it in its throwaway cluster).
#
# CLIENTS pgbench clients each make TRANSACTIONS optimistic increments of one
# item (version-number locking, retrying on ConditionalCheckFailedException)
# and as many UpdateItem ADDs on another. Passes when both counters equal
# the number of transactions, the version moved once per write, no
# transaction failed (no deadlock, no lost update), and writers did collide.
set -euo pipefail
cd "$(dirname "$0")/../.."

CLIENTS=${CLIENTS:-8}
TRANSACTIONS=${TRANSACTIONS:-150}
DB=dynamo_concurrency
expected=$((CLIENTS * TRANSACTIONS))

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dynamo" -f test/concurrency/setup.sql >/dev/null

pgbench -n -c "$CLIENTS" -j 2 -t "$TRANSACTIONS" -f test/concurrency/increment.sql "$DB" > /tmp/dynamo_concurrency.log 2>&1 || {
    cat /tmp/dynamo_concurrency.log; echo "concurrency: pgbench failed"; exit 1; }

read -r versioned version added writes tries <<< "$(psql -X -A -t -F ' ' -d "$DB" -c "
    SELECT dynamo.get(dynamo.get_item('Counters', '{\"id\": {\"S\": \"versioned\"}}'), 'n')::numeric,
           dynamo.get(dynamo.get_item('Counters', '{\"id\": {\"S\": \"versioned\"}}'), 'ver')::numeric,
           dynamo.get(dynamo.get_item('Counters', '{\"id\": {\"S\": \"added\"}}'), 'n')::numeric,
           (SELECT count(*) FROM attempts), (SELECT sum(attempts) FROM attempts)")"

echo "concurrency: $CLIENTS clients x $TRANSACTIONS transactions: optimistic counter $versioned (version $version),"
echo "concurrency: ADD counter $added, $writes successful writes after $tries attempts"
status=0
[ "$versioned" = "$expected" ] || { echo "concurrency: FAILED: optimistic counter $versioned, expected $expected"; status=1; }
[ "$writes" = "$expected" ] || { echo "concurrency: FAILED: $writes writes, expected $expected"; status=1; }
[ "$version" = "$((expected + 1))" ] || { echo "concurrency: FAILED: version $version, expected $((expected + 1))"; status=1; }
[ "$added" = "$expected" ] || { echo "concurrency: FAILED: ADD counter $added, expected $expected"; status=1; }
[ "$tries" -gt "$writes" ] || echo "concurrency: note: the writers never collided"
dropdb "$DB"
[ $status -eq 0 ] && echo "concurrency: ok"
exit $status
