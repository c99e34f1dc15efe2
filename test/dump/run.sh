#!/usr/bin/env bash
# run.sh: a database with DynamoDB tables survives pg_dump and restore.
#
# Against the server PGHOST/PGPORT name (scripts/run-suites.sh runs it in
# its throwaway cluster): tables with items are dumped with pg_dump, plain
# and custom format, and restored into new databases, where DescribeTable,
# GetItem, Query, PutItem (with its checks) and UpdateItem must all work.
set -euo pipefail
cd "$(dirname "$0")/../.."

DUMP=$(mktemp /tmp/dynamo-dump.XXXXXX)
trap 'rm -f "$DUMP" "$DUMP.custom"' EXIT
for db in dynamo_dump_source dynamo_dump_plain dynamo_dump_custom; do
    dropdb --if-exists "$db" >/dev/null 2>&1
done

createdb dynamo_dump_source
psql -X -q -v ON_ERROR_STOP=1 -d dynamo_dump_source >/dev/null <<'SQL'
CREATE EXTENSION dynamo;
SELECT dynamo.create_table('Orders', 'customer', 'S', 'placed', 'N', partitions => 4);
SELECT dynamo.create_table('Accounts', 'id', 'B', version_attribute => 'ver');
SELECT dynamo.put_item('Orders', ('{"customer": {"S": "c' || g % 7 || '"}, "placed": {"N": "' || g || '"}, "tags": {"SS": ["a", "b"]}}')::dynamo.item)
  FROM generate_series(1, 200) g;
SELECT dynamo.put_item('Accounts', '{"id": {"B": "AQI="}, "balance": {"N": "10"}}');
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
  (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM dynamo.tables));
SQL
)
    echo "dump: restored into $db: $result"
    [ "$result" = "ACTIVE 29 200 10 t 2 Accounts,Orders" ] || { echo "dump: FAILED in $db"; status=1; }
    # the checks of the access method hold in the restored tables
    if psql -X -q -d "$db" -c "INSERT INTO dynamo_data.\"Orders\" VALUES ('{\"S\": \"x\"}', '{\"N\": \"1\"}', '{\"customer\": {\"S\": \"x\"}}')" >/dev/null 2>&1; then
        echo "dump: FAILED: a row without its sort key was stored in $db"; status=1
    fi
done
for db in dynamo_dump_source dynamo_dump_plain dynamo_dump_custom; do dropdb "$db"; done
[ $status -eq 0 ] && echo "dump: ok"
exit $status
