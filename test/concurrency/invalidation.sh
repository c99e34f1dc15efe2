#!/usr/bin/env bash
# invalidation.sh: writes while the relations under them are invalidated.
#
# Four clients PutItem, UpdateItem and GetItem through the SQL door while
# one client ANALYZEs the partitions and the partitioned relation over and
# over (what autovacuum does on a busy table): each ANALYZE sends relcache
# invalidations that a writer receives when it takes its next lock, inside
# the execution of a kept row plan.  No backend may die and every write
# must succeed.  Runs in the current cluster (PG* environment), SECONDS (6).
set -euo pipefail
cd "$(dirname "$0")"
DB=dynamo_invalidation
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-6}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE EXTENSION dynamo" \
    -c "SELECT dynamo.create_table('Inval', 'pk', 'S', partitions => 4) IS NOT NULL" >/dev/null
cat > "$WORK/write.sql" <<'SQL'
\set k random(1, 500)
SELECT dynamo.put_item('Inval', ('{"pk": {"S": "k' || :k || '"}, "n": {"N": "1"}}')::dynamo.item);
SELECT dynamo.execute('UpdateItem', ('{"TableName": "Inval", "Key": {"pk": {"S": "k' || :k || '"}}, "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}')::jsonb);
SELECT dynamo.get_item('Inval', ('{"pk": {"S": "k' || :k || '"}}')::dynamo.item);
SQL
echo 'ANALYZE dynamo_data."Inval#0", dynamo_data."Inval#1", dynamo_data."Inval#2", dynamo_data."Inval#3", dynamo_data."Inval";' \
    > "$WORK/analyze.sql"

pgbench -n -c 1 -T "$SECONDS_OF_LOAD" -f "$WORK/analyze.sql" "$DB" > "$WORK/analyze.out" 2>&1 &
analyzer=$!
status=0
pgbench -n -c 4 -j 2 -T "$SECONDS_OF_LOAD" -f "$WORK/write.sql" "$DB" > "$WORK/write.out" 2>&1 || status=1
wait "$analyzer" || status=1
writes=$(awk '/number of transactions actually processed/ {print $NF}' "$WORK/write.out")
analyzes=$(awk '/number of transactions actually processed/ {print $NF}' "$WORK/analyze.out")
failed=$(awk '/number of failed transactions/ {print $5}' "$WORK/write.out")
echo "invalidation: ${writes:-0} write transactions, ${analyzes:-0} ANALYZE rounds, ${failed:-?} failed"
if [ "$status" -ne 0 ] || [ "${failed:-1}" != "0" ] || grep -q "aborted" "$WORK/write.out"; then
    cat "$WORK/write.out" "$WORK/analyze.out" | grep -iE "error|abort" | head -5
    echo "invalidation: FAILED"
    exit 1
fi
dropdb "$DB"
echo "invalidation: ok"
