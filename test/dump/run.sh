#!/usr/bin/env bash
# run.sh: a database with DynamoDB tables survives pg_dump and restore.
#
# Against the server PGHOST/PGPORT name (scripts/run-suites.sh runs it in
# its throwaway cluster): tables with items are dumped with pg_dump, plain
# and custom format, and restored into new databases, where DescribeTable,
# GetItem, Query, PutItem (with its checks) and UpdateItem must all work.
# A table with two local secondary indexes and a global one keeps them:
# DescribeTable answers as before the dump (but for sizes and counts), a
# Query on each index returns what it did, the GSI equals its
# recomputation from the table (test/concurrency/gsi_check.sql), and
# writes after the restore keep it so.
set -euo pipefail
cd "$(dirname "$0")/../.."

DUMP=$(mktemp /tmp/dynamo-dump.XXXXXX)
trap 'rm -f "$DUMP" "$DUMP.custom" "$DUMP.describe" "$DUMP.queries"' EXIT
for db in dynamo_dump_source dynamo_dump_plain dynamo_dump_custom; do
    dropdb --if-exists "$db" >/dev/null 2>&1
done

createdb dynamo_dump_source
psql -X -q -v ON_ERROR_STOP=1 -d dynamo_dump_source -c "CREATE EXTENSION dynamo" \
    -f test/concurrency/gsi_check.sql -f test/concurrency/gsi_write.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d dynamo_dump_source >/dev/null <<'SQL'
SELECT dynamo.create_table('Orders', 'customer', 'S', 'placed', 'N', partitions => 4);
SELECT dynamo.create_table('Accounts', 'id', 'B', version_attribute => 'ver');
SELECT dynamo.put_item('Orders', ('{"customer": {"S": "c' || g % 7 || '"}, "placed": {"N": "' || g || '"}, "tags": {"SS": ["a", "b"]}}')::dynamo.item)
  FROM generate_series(1, 200) g;
SELECT dynamo.put_item('Accounts', '{"id": {"B": "AQI="}, "balance": {"N": "10"}}');
SELECT dynamo.execute('CreateTable', '{
  "TableName": "Indexed", "BillingMode": "PAY_PER_REQUEST",
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
      {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "r", "AttributeType": "N"},
      {"AttributeName": "t", "AttributeType": "S"}],
  "LocalSecondaryIndexes": [
    {"IndexName": "ByT", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "t", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}},
    {"IndexName": "ByR", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["pay"]}}],
  "GlobalSecondaryIndexes": [
    {"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}}]}');
-- tags: kept by the dump (dynamo.tags is a configuration table)
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders",
  "Tags": [{"Key": "team", "Value": "sales"}, {"Key": "env", "Value": ""}]}');
-- items 1 .. 3000 (gsi_write.sql), every tenth without g: not in the GSI
SELECT gsi_write('Indexed', k, CASE WHEN k % 10 = 0 THEN 1 ELSE 0 END, k) FROM generate_series(1, 3000) k;
SQL

pg_dump -d dynamo_dump_source > "$DUMP"
pg_dump -Fc -d dynamo_dump_source > "$DUMP.custom"
createdb dynamo_dump_plain
psql -X -q -v ON_ERROR_STOP=1 -d dynamo_dump_plain -f "$DUMP" >/dev/null
createdb dynamo_dump_custom
pg_restore --exit-on-error -d dynamo_dump_custom "$DUMP.custom"

status=0
for db in dynamo_dump_plain dynamo_dump_custom; do
    result=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SELECT concat_ws(' ',
  (SELECT dynamo.execute('DescribeTable', '{"TableName": "Orders"}') -> 'Table' ->> 'TableStatus'),
  (SELECT count(*) FROM dynamo.query('Orders', '#c = :c', '{"#c": "customer"}', '{":c": {"S": "c3"}}')),
  (SELECT count(*) FROM dynamo.scan('Orders')),
  (SELECT dynamo.get_text(dynamo.get_item('Orders', '{"customer": {"S": "c3"}, "placed": {"N": "10"}}'), 'placed')),
  (SELECT dynamo.put_item('Orders', '{"customer": {"S": "new"}, "placed": {"N": "1"}}') IS NULL),
  (SELECT dynamo.get_text(dynamo.update_item('Accounts', '{"id": {"B": "AQI="}}', 'SET balance = :b, ver = :v', NULL, NULL,
                                             '{":b": {"N": "20"}, ":v": {"N": "1"}}'), 'ver')),
  (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM dynamo.tables),
  (SELECT dynamo.execute('ListTagsOfResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders"}')::text));
SQL
)
    echo "dump: restored into $db: $result"
    [ "$result" = 'ACTIVE 29 200 10 t 2 Accounts,Indexed,Orders {"Tags": [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "sales"}]}' ] || { echo "dump: FAILED in $db"; status=1; }
    # the checks of the access method hold in the restored tables
    if psql -X -q -d "$db" -c "INSERT INTO dynamo_data.\"Orders\" VALUES ('{\"S\": \"x\"}', '{\"N\": \"1\"}', '{\"customer\": {\"S\": \"x\"}}')" >/dev/null 2>&1; then
        echo "dump: FAILED: a row without its sort key was stored in $db"; status=1
    fi
done

# the indexed table: what DescribeTable and a Query on each index answer
describe() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "SELECT dynamo.describe_table('Indexed')" | python3 -c '
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("TableSizeBytes", "IndexSizeBytes", "ItemCount")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(sys.stdin)), sort_keys=True))'
}
queries() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT 'ByT', dynamo.query('Indexed', 'pk = :p AND t > :t', NULL, '{":p": {"S": "p3"}, ":t": {"S": "t0"}}', index => 'ByT');
SELECT 'ByR', dynamo.query('Indexed', 'pk = :p AND r BETWEEN :a AND :b', NULL,
                           '{":p": {"S": "p7"}, ":a": {"N": "2"}, ":b": {"N": "9"}}', index => 'ByR', forward => false);
SELECT 'ByG', dynamo.query('Indexed', 'g = :g', NULL, '{":g": {"S": "g5"}}', index => 'ByG');
SQL
}
describe dynamo_dump_source > "$DUMP.describe"
queries dynamo_dump_source > "$DUMP.queries"
for db in dynamo_dump_plain dynamo_dump_custom; do
    [ "$(describe "$db")" = "$(cat "$DUMP.describe")" ] ||
        { echo "dump: FAILED: DescribeTable of the indexed table differs in $db"; diff <(describe "$db") "$DUMP.describe"; status=1; }
    restored=$(queries "$db")
    [ "$restored" = "$(cat "$DUMP.queries")" ] && [ "$(wc -l < "$DUMP.queries")" -gt 20 ] ||
        { echo "dump: FAILED: a Query on an index answers differently in $db"; status=1; }
    # writes after the restore: an item put into the GSI, one moved, one deleted, one taken out
    result=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SET search_path = public, dynamo;
SELECT gsi_report('Indexed', 'ByG');
SELECT gsi_write('Indexed', 5000, 0, 5), gsi_write('Indexed', 15, 3, 5), gsi_write('Indexed', 25, 7, 0),
       gsi_write('Indexed', 35, 4, 0);
SELECT gsi_report('Indexed', 'ByG');
SELECT count(*) FROM dynamo.query('Indexed', 'g = :g', NULL, '{":g": {"S": "g5"}}', index => 'ByG');
SELECT count(*) FROM dynamo.query('Indexed', 'pk = :p', NULL, '{":p": {"S": "p0"}}', index => 'ByT');
SQL
)
    echo "dump: the indexed table in $db:" $result
    expected_g5=$(( $(grep -c '^ByG' "$DUMP.queries") + 2 ))
    [ "$result" = "missing 0 extra 0 duplicates 0 entries 2700
ok|ok|ok|ok
missing 0 extra 0 duplicates 0 entries 2699
$expected_g5
4" ] || { echo "dump: FAILED: the indexes of the restored table in $db"; status=1; }
done
for db in dynamo_dump_source dynamo_dump_plain dynamo_dump_custom; do dropdb "$db"; done
[ $status -eq 0 ] && echo "dump: ok"
exit $status
