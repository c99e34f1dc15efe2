#!/usr/bin/env bash
# gsi_writers.sh: many writers on a few hot items of a table with global
# secondary indexes, against the server PGHOST/PGPORT name
# (scripts/run-suites.sh runs it).
#
# The table has three GSIs made at CreateTable (KEYS_ONLY on g + r, ALL on
# c, INCLUDE with a multi-attribute key) and an LSI.  WRITERS clients
# (test/concurrency/gsi_write.sql) move HOT items between index keys for
# SECONDS_OF_LOAD seconds: UpdateItem with conditions (optimistic locking
# on a version attribute among them), PutItem, REMOVE of a key attribute,
# DeleteItem, BatchWriteItem and plain SQL, one transaction each.  No
# writer may fail (no deadlock, no unique violation in an index), and each
# GSI must then equal its recomputation from the table, with exactly one
# entry per item that has its key (test/concurrency/gsi_check.sql).
#
# Then writes that roll back (ROLLBACK, ROLLBACK TO SAVEPOINT, an error
# ending the transaction) must leave every GSI as it was.
set -euo pipefail
cd "$(dirname "$0")/../.."
# this is a test of the indexes under contention, not of capacity: eight
# writers on five hot items go past a partition's ceiling, which would
# throttle them (as DynamoDB would); capacity has its own tests
export PGOPTIONS="${PGOPTIONS:-} -c dynamo.capacity_enforcement=off"

DB=dynamo_gsi_writers
WRITERS=${WRITERS:-8}
HOT=${HOT:-5}
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-8}
INDEXES="ByG ByC ByGC"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
fail() { echo "gsi writers: FAILED: $*"; exit 1; }
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "SET search_path = public, dynamo" -c "$1"; }
check_indexes() {
    local index report
    for index in $INDEXES; do
        report=$(sql "SELECT gsi_report('Hot', '$index')")
        echo "gsi writers: $1: $index against its recomputation: $report"
        case "$report" in
            "missing 0 extra 0 duplicates 0 entries "*) ;;
            *) fail "$index differs from its recomputation" ;;
        esac
    done
}

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE EXTENSION dynamo" \
    -f test/concurrency/gsi_check.sql -f test/concurrency/gsi_write.sql >/dev/null
sql "SELECT dynamo.execute('CreateTable', '{
  \"TableName\": \"Hot\", \"BillingMode\": \"PAY_PER_REQUEST\",
  \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],
  \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"},
      {\"AttributeName\": \"g\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"r\", \"AttributeType\": \"N\"},
      {\"AttributeName\": \"c\", \"AttributeType\": \"N\"}, {\"AttributeName\": \"t\", \"AttributeType\": \"S\"}],
  \"LocalSecondaryIndexes\": [{\"IndexName\": \"ByT\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"},
      {\"AttributeName\": \"t\", \"KeyType\": \"RANGE\"}], \"Projection\": {\"ProjectionType\": \"KEYS_ONLY\"}}],
  \"GlobalSecondaryIndexes\": [
    {\"IndexName\": \"ByG\", \"KeySchema\": [{\"AttributeName\": \"g\", \"KeyType\": \"HASH\"},
        {\"AttributeName\": \"r\", \"KeyType\": \"RANGE\"}], \"Projection\": {\"ProjectionType\": \"KEYS_ONLY\"}},
    {\"IndexName\": \"ByC\", \"KeySchema\": [{\"AttributeName\": \"c\", \"KeyType\": \"HASH\"}],
        \"Projection\": {\"ProjectionType\": \"ALL\"}},
    {\"IndexName\": \"ByGC\", \"KeySchema\": [{\"AttributeName\": \"g\", \"KeyType\": \"HASH\"},
        {\"AttributeName\": \"c\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"r\", \"KeyType\": \"RANGE\"},
        {\"AttributeName\": \"t\", \"KeyType\": \"RANGE\"}],
        \"Projection\": {\"ProjectionType\": \"INCLUDE\", \"NonKeyAttributes\": [\"pay\", \"ver\"]}}]}') IS NOT NULL" >/dev/null
sql "SELECT gsi_write('Hot', k, 0, k) FROM generate_series(1, $((HOT + 1))) k" >/dev/null

for w in $(seq 1 "$WRITERS"); do
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" \
        -c "CALL gsi_writer('Hot', $HOT, $SECONDS_OF_LOAD)" > "$WORK/writer$w.log" 2>&1 &
    echo $! >> "$WORK/writers"
done
status=0
for pid in $(cat "$WORK/writers"); do wait "$pid" || status=1; done
if [ $status -ne 0 ]; then
    cat "$WORK"/writer*.log | head -20
    fail "a writer failed"
fi
echo "gsi writers: $WRITERS writers on $HOT items for ${SECONDS_OF_LOAD}s:" \
     "$(sql "SELECT string_agg(format('%s %s', outcome, n), ', ' ORDER BY outcome)
               FROM (SELECT outcome, sum(n) n FROM gsi_writes GROUP BY outcome) o")"
read -r moves conflicts <<< "$(sql "SELECT coalesce(sum(n) FILTER (WHERE op IN (3, 8, 11, 13, 14) AND outcome = 'ok'), 0),
        coalesce(sum(n) FILTER (WHERE op = 14 AND outcome = 'condition'), 0) FROM gsi_writes" | tr '|' ' ')"
[ "$moves" -gt 100 ] || fail "only $moves writes moved an item between index keys"
[ "$conflicts" -gt 0 ] || echo "gsi writers: note: the optimistic writers never collided"
check_indexes "after the writers"

# writes that roll back leave every index as it was
sql "CREATE TABLE gsi_before AS SELECT 'ByG' AS index_name, * FROM gsi_actual('Hot', 'ByG')
     UNION ALL SELECT 'ByC', * FROM gsi_actual('Hot', 'ByC') UNION ALL SELECT 'ByGC', * FROM gsi_actual('Hot', 'ByGC')" >/dev/null
unchanged() {
    local changed
    changed=$(sql "WITH now AS (SELECT 'ByG' AS index_name, * FROM gsi_actual('Hot', 'ByG')
                     UNION ALL SELECT 'ByC', * FROM gsi_actual('Hot', 'ByC')
                     UNION ALL SELECT 'ByGC', * FROM gsi_actual('Hot', 'ByGC'))
                   SELECT (SELECT count(*) FROM (SELECT * FROM gsi_before EXCEPT ALL SELECT * FROM now) a) +
                          (SELECT count(*) FROM (SELECT * FROM now EXCEPT ALL SELECT * FROM gsi_before) b)")
    echo "gsi writers: $1: $changed index entries changed"
    [ "$changed" = 0 ] || fail "$1 changed the indexes"
}
writes="SELECT gsi_write('Hot', k, op, k * 31 + op) FROM generate_series(1, $((HOT + 3))) k, generate_series(0, 15) op"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "$writes" -c "ROLLBACK" >/dev/null
unchanged "ROLLBACK of $(( (HOT + 3) * 16 )) writes"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "SAVEPOINT s" -c "$writes" -c "ROLLBACK TO SAVEPOINT s" \
    -c "SELECT gsi_write('Hot', 1, 5, 1)" -c "ROLLBACK" >/dev/null
unchanged "ROLLBACK TO SAVEPOINT, then ROLLBACK"
if psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "$writes" -c "SELECT 1 / 0" -c "COMMIT" >/dev/null 2>&1; then
    fail "a failed transaction committed"
fi
unchanged "writes of a transaction that failed"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "SAVEPOINT s" -c "$writes" -c "ROLLBACK TO SAVEPOINT s" \
    -c "SELECT gsi_write('Hot', k, 3, k * 7) FROM generate_series(1, $HOT) k" -c "COMMIT" >/dev/null
check_indexes "after ROLLBACK TO SAVEPOINT and a COMMIT"
dropdb "$DB"
echo "gsi writers: ok"
