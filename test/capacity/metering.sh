#!/usr/bin/env bash
# metering.sh: exact metering under concurrency.  CLIENTS pgbench clients
# for SECONDS on one table, every request with ReturnConsumedCapacity
# TOTAL: PutItems of 1 byte to 6 KB over 2000 keys, GetItems (eventual or
# strong) and Scan pages; each logs the units dynamo reported.  The table's
# buckets in shared memory, charged by all the backends at once, must have
# grown by exactly the sum reported (halves add up exactly in binary), and
# the writes of its partitions' buckets must add up to the table's.  The
# table is provisioned far above the load and the partition ceilings are
# raised (run.sh), so that nothing is throttled.
set -euo pipefail
TEST=metering
source "$(dirname "$0")/lib.sh"
CLIENTS=${CLIENTS:-8} SECONDS_=${SECONDS_:-8}

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Metered\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 40000, \"WriteCapacityUnits\": 40000}}')" >/dev/null
q -c "CREATE TABLE cap_reported (kind text NOT NULL, units float8 NOT NULL)" \
  -c "SELECT count(*) FROM generate_series(1, 2000) g,
        LATERAL dynamo.put_item('Metered', jsonb_build_object('pk', jsonb_build_object('S', 'm' || g), 'p', jsonb_build_object('S', repeat('x', g)))::dynamo.item)" >/dev/null
read -r write_before read_before <<< "$(q -c "SELECT cap_consumed('Metered', 'WRITE'), cap_consumed('Metered', 'READ')")"
pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_" -D table=Metered -f "$HERE/pgbench/metered_put.sql@2" \
    -f "$HERE/pgbench/metered_read.sql@1" "$DB" > "$LOG" 2>&1 || { cat "$LOG" >&2; fail "pgbench failed"; }
grep -q "aborted" "$LOG" && { grep -E "aborted|ERROR" "$LOG" | head -5 >&2; fail "pgbench clients aborted"; }
read -r write_after read_after requests write_reported read_reported partitions <<< "$(q -c "
    SELECT cap_consumed('Metered', 'WRITE'), cap_consumed('Metered', 'READ'), (SELECT count(*) FROM cap_reported),
           (SELECT sum(units) FROM cap_reported WHERE kind = 'WRITE'), (SELECT sum(units) FROM cap_reported WHERE kind = 'READ'),
           (SELECT sum(c.consumed) FROM dynamo.capacity c WHERE c.table_name = 'Metered' AND c.kind = 'WRITE' AND c.partition IS NOT NULL)")"
[ -n "$partitions" ] || fail "the figures could not be read"
throttled=$(q -c "SELECT coalesce(sum(throttled), 0) FROM dynamo.capacity WHERE table_name = 'Metered'")
printf "capacity: %-14s %d requests from %d clients in %d s: %s write units, %s read units reported\n" "$TEST" \
    "$requests" "$CLIENTS" "$SECONDS_" "$write_reported" "$read_reported" | tee -a "$SUMMARY"
check "write growth $(echo "$write_after - $write_before" | bc -l) == reported" "$write_after - $write_before == $write_reported"
check "read growth $(echo "$read_after - $read_before" | bc -l) == reported" "$read_after - $read_before == $read_reported"
check "partitions' writes ($partitions) == the table's" "$partitions == $write_after"
check "nothing throttled ($throttled)" "$throttled == 0"
