#!/usr/bin/env bash
# unloaded.sh: dynamo without shared_preload_libraries (run.sh starts this
# cluster without it): the SQL doors still work and meter (ConsumedCapacity
# reported), say once that capacity is not enforced here, and never throttle:
# a 1-unit table takes far more than its 300 units of burst.
set -euo pipefail
TEST=unloaded
source "$(dirname "$0")/lib.sh"

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
q -c "CREATE EXTENSION dynamo" > "$LOG" 2>&1 || { cat "$LOG" >&2; fail "CREATE EXTENSION dynamo failed: $(grep -m1 -E 'FATAL|ERROR' "$LOG")"; }
q -f "$HERE/helpers.sql" > /dev/null
check "capacity_enforced() is false" "$([ "$(q -c "SELECT dynamo.capacity_enforced()")" = f ] && echo 1 || echo 0) == 1"
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Unloaded\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": 1}}')" >/dev/null
notice=$(psql -X -q -At -d "$DB" -c "SELECT dynamo.put_item('Unloaded', '{\"pk\": {\"S\": \"first\"}}')" 2>&1 >/dev/null)
check "a notice says enforcement is off" "$(echo "$notice" | grep -c 'does not enforce') == 1"
units=$(q -c "SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', 'Unloaded', 'ReturnConsumedCapacity', 'TOTAL',
              'Item', jsonb_build_object('pk', '{\"S\": \"big\"}'::jsonb, 'p', jsonb_build_object('S', repeat('x', 5000)))))
              #>> '{ConsumedCapacity,CapacityUnits}'" 2>/dev/null)
check "PutItem of 5 KB reports 5 units ($units)" "$units == 5"
admitted=$(q -c "SELECT count(*) FILTER (WHERE cap_put('Unloaded', jsonb_build_object('pk', jsonb_build_object('S', 'u' || g))))
                   FROM generate_series(1, 1000) g" 2>/dev/null)
check "1000 puts on a 1-unit table, none throttled" "$admitted == 1000"
check "no buckets" "$(q -c "SELECT count(*) FROM dynamo.capacity") == 0"
