#!/usr/bin/env bash
# run.sh: dynamo loaded without shared_preload_libraries, as CREATE EXTENSION
# in an existing Postgres loads it. The extension must load (no server-only
# setting may be defined then), the SQL doors must work and meter capacity,
# and the first metered request says that capacity is not enforced. Runs
# inside pg_virtualenv started WITHOUT -o shared_preload_libraries=dynamo.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(psql -X -q -v ON_ERROR_STOP=1 -d postgres -At 2>&1 <<'SQL'
CREATE EXTENSION dynamo;
SELECT 'enforced=' || dynamo.capacity_enforced();
SELECT dynamo.execute('CreateTable', '{"TableName": "NoPreload", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}') IS NOT NULL;
SELECT 'put=' || (dynamo.execute('PutItem', '{"TableName": "NoPreload", "Item": {"pk": {"S": "a"}},
    "ReturnConsumedCapacity": "TOTAL"}') #>> '{ConsumedCapacity,CapacityUnits}');
-- far beyond the table's capacity: never throttled here
SELECT 'puts=' || count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'NoPreload',
    'Item', jsonb_build_object('pk', jsonb_build_object('S', 'k' || i))))) FROM generate_series(1, 400) i;
SELECT 'get=' || (dynamo.get_item('NoPreload', '{"pk": {"S": "a"}}') IS NOT NULL);
SELECT 'buckets=' || count(*) FROM dynamo.capacity;
SQL
)
echo "$out"
for want in "enforced=false" "put=1" "puts=400" "get=true" "buckets=0" \
            "NOTICE:  dynamo meters capacity but does not enforce it in this server"; do
    grep -qF -- "$want" <<<"$out" || { echo "no_preload: FAILED: missing '$want'"; exit 1; }
done
echo "no_preload: ok"
