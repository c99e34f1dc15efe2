#!/usr/bin/env bash
# scaling.sh: auto scaling raises and lowers a table under a scripted load.
#
# Starts its own throwaway cluster (pg_virtualenv) with dynamo preloaded and
# the auto scaling worker shortened: a round every 2 s, scale out after 2
# rounds above the target, scale in after 3 rounds 20 points below it.  A
# table at 5 WCU (and its GSI at 5 WCU), each with a policy of 50%, takes
# about 20 writes a second for 16 s: both must rise to about 40 within a
# few rounds, never before two rounds of load; when the load stops, both
# must fall back to the minimum, never before three quiet rounds; every
# change is an activity with its cause.  A table switched to
# PAY_PER_REQUEST is skipped, and that is recorded once.  A round that
# fails as a whole leaves the worker running.  The targets,
# policies and activities survive pg_dump and restore.  Exits non-zero on
# the first failure.
#
#   flock /tmp/dynamo-install.lock sh -c 'make -s install >/dev/null && test/capacity/scaling.sh 9>&-'
set -euo pipefail
SCRIPT=$(realpath "$0")
cd "$(dirname "$SCRIPT")/../.."

INTERVAL=2
if [ -z "${DYNAMO_SCALING_CLUSTER:-}" ]; then
    exec pg_virtualenv -t -o shared_preload_libraries=dynamo \
        -o dynamo.autoscaling_interval=${INTERVAL}s -o dynamo.autoscaling_scale_out_periods=2 \
        -o dynamo.autoscaling_scale_in_periods=3 -o dynamo.http_database=postgres \
        -- env DYNAMO_SCALING_CLUSTER=1 "$SCRIPT" "$@"
fi

fail() { echo "scaling: FAILED: $*"; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres -c "$1"; }
# wait_for SQL SECONDS: until SQL answers t; false after SECONDS
wait_for() {
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        [ "$(q "$1")" = "t" ] && return 0
        sleep 0.5
    done
    return 1
}

q "CREATE EXTENSION dynamo" >/dev/null
[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'dynamo auto scaling'")" = 1 ] \
    || fail "the auto scaling worker is not running"

q "SELECT dynamo.execute('CreateTable', '{
  \"TableName\": \"Load\",
  \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"},
                           {\"AttributeName\": \"g\", \"AttributeType\": \"S\"}],
  \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],
  \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5},
  \"GlobalSecondaryIndexes\": [{\"IndexName\": \"ByG\",
    \"KeySchema\": [{\"AttributeName\": \"g\", \"KeyType\": \"HASH\"}],
    \"Projection\": {\"ProjectionType\": \"KEYS_ONLY\"},
    \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}}]}')" >/dev/null
q "SELECT dynamo.execute('CreateTable', '{
  \"TableName\": \"Switched\",
  \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],
  \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],
  \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}}')" >/dev/null
q "SELECT dynamo.register_scalable_target('Load', NULL, 'WriteCapacityUnits', 5, 200);
   SELECT dynamo.put_scaling_policy('Load', NULL, 'WriteCapacityUnits', 50);
   SELECT dynamo.register_scalable_target('Load', 'ByG', 'WriteCapacityUnits', 5, 200);
   SELECT dynamo.put_scaling_policy('Load', 'ByG', 'WriteCapacityUnits', 50);
   SELECT dynamo.register_scalable_target('Switched', NULL, 'WriteCapacityUnits', 5, 200);
   SELECT dynamo.put_scaling_policy('Switched', NULL, 'WriteCapacityUnits', 50);" >/dev/null

# provisioned write units of the table and of its GSI
capacity() {
    q "SELECT d #>> '{Table,ProvisionedThroughput,WriteCapacityUnits}' || ' ' ||
              (d #>> '{Table,GlobalSecondaryIndexes,0,ProvisionedThroughput,WriteCapacityUnits}')
         FROM dynamo.execute('DescribeTable', '{\"TableName\": \"Load\"}') d"
}
[ "$(capacity)" = "5 5" ] || fail "capacity before the load: $(capacity)"

# quiet rounds first: every target has a baseline and no change
sleep $((INTERVAL * 2 + 1))
[ "$(capacity)" = "5 5" ] || fail "capacity changed without load: $(capacity)"

# the load: 20 small puts a second (1 WCU each, and 1 on the GSI) for 16 s;
# a throttled put is counted and skipped; each in its own transaction
LOAD_SECONDS=16
q "CREATE TABLE load_log (started timestamptz, ended timestamptz, puts integer, throttled integer)"
psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL &
DO \$\$
DECLARE
    started timestamptz := clock_timestamp();
    n integer := 0;
    throttled integer := 0;
    wait float8;
BEGIN
    WHILE clock_timestamp() < started + interval '$LOAD_SECONDS seconds' LOOP
        BEGIN
            PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Load', 'Item',
                jsonb_build_object('id', jsonb_build_object('S', 'k' || n), 'g', jsonb_build_object('S', 'g' || n % 10))));
        EXCEPTION WHEN OTHERS THEN
            throttled := throttled + 1;
        END;
        COMMIT;     -- a transaction per request, as a client's
        n := n + 1;
        wait := extract(epoch FROM started + make_interval(secs => n / 20.0) - clock_timestamp());
        IF wait > 0 THEN
            PERFORM pg_sleep(wait);
        END IF;
    END LOOP;
    INSERT INTO load_log VALUES (started, clock_timestamp(), n, throttled);
END
\$\$;
SQL
LOAD=$!
started=$SECONDS

# scale out: both to about 40 (20/s * 100 / 50) within a few rounds
wait_for "SELECT count(*) = 2 FROM dynamo.auto_scaling WHERE table_name = 'Load' AND provisioned >= 30" \
         $((INTERVAL * 6)) || fail "no scale out within 6 rounds of load: $(capacity)"
echo "scaling: scaled out to $(capacity) (table, GSI) after $((SECONDS - started)) s of load"
# the buckets refill at the new rate
wait_for "SELECT bool_and(c.rate = a.provisioned) FROM dynamo.capacity c JOIN dynamo.auto_scaling a
            ON a.table_name = c.table_name AND a.index_name IS NOT DISTINCT FROM c.index_name
         WHERE c.table_name = 'Load' AND c.partition IS NULL AND c.kind = 'WRITE'" 4 \
    || fail "the write buckets do not refill at the provisioned rate: $(q "SELECT string_agg(coalesce(index_name, '-') || ' ' || rate, ', ') FROM dynamo.capacity WHERE table_name = 'Load' AND partition IS NULL AND kind = 'WRITE'")"

# the table switched to PAY_PER_REQUEST meanwhile is skipped, recorded once
q "SELECT dynamo.execute('UpdateTable', '{\"TableName\": \"Switched\", \"BillingMode\": \"PAY_PER_REQUEST\"}')" >/dev/null

wait $LOAD || fail "the load failed"
ended=$SECONDS
echo "scaling: load: $(q "SELECT puts || ' puts in ' || round(extract(epoch FROM ended - started)::numeric, 1) || ' s, ' || throttled || ' throttled' FROM load_log")"

# scale in: back to the minimum after three quiet rounds
wait_for "SELECT count(*) = 2 FROM dynamo.auto_scaling WHERE table_name = 'Load' AND provisioned = 5" \
         $((INTERVAL * 8)) || fail "no scale in within 8 rounds of quiet: $(capacity)"
echo "scaling: scaled in to $(capacity) after $((SECONDS - ended)) s without load"

# every change with its cause, in time with the periods
q "SELECT action, coalesce(index_name, '-'), old_capacity, new_capacity, status, cause
     FROM dynamo.scaling_activities ORDER BY activity_id" | sed 's/^/scaling:   /'
[ "$(q "SELECT count(*) FROM dynamo.scaling_activities WHERE status <> 'Successful' AND action <> 'Skip'")" = 0 ] \
    || fail "a change failed"
for index in "IS NULL" "= 'ByG'"; do
    [ "$(q "SELECT count(*) > 0 FROM dynamo.scaling_activities WHERE table_name = 'Load' AND index_name $index
              AND action = 'ScaleOut' AND status = 'Successful'
              AND cause LIKE 'monitor alarm TargetTracking-table/Load%-AlarmHigh in state ALARM triggered policy DynamoDBWriteCapacityUtilization:table/Load%'")" = t ] \
        || fail "no scale out activity with its cause (index $index)"
    [ "$(q "SELECT count(*) > 0 FROM dynamo.scaling_activities WHERE table_name = 'Load' AND index_name $index
              AND action = 'ScaleIn' AND status = 'Successful' AND new_capacity = 5
              AND cause LIKE 'monitor alarm TargetTracking-table/Load%-AlarmLow in state ALARM%'")" = t ] \
        || fail "no scale in activity with its cause (index $index)"
done
# not before two rounds of load, not before three rounds without
[ "$(q "SELECT min(a.start_time) >= l.started + interval '$INTERVAL seconds'
          FROM dynamo.scaling_activities a, load_log l
         WHERE a.table_name = 'Load' AND a.action = 'ScaleOut' GROUP BY l.started")" = t ] \
    || fail "scaled out before two rounds of load"
[ "$(q "SELECT min(a.start_time) >= l.ended + interval '$((INTERVAL * 2)) seconds'
          FROM dynamo.scaling_activities a, load_log l
         WHERE a.table_name = 'Load' AND a.action = 'ScaleIn' GROUP BY l.ended")" = t ] \
    || fail "scaled in before three rounds without load"
# the worker's UpdateTable calls are in the audit log, as the worker's
[ "$(q "SELECT count(*) FROM dynamo.audit_log WHERE action = 'UpdateTable' AND table_name = 'Load'
          AND source = 'dynamo auto scaling'")" = "$(q "SELECT count(*) FROM dynamo.scaling_activities
          WHERE table_name = 'Load' AND status = 'Successful'")" ] || fail "the audit log misses the worker's changes"
[ "$(q "SELECT count(*) FROM dynamo.scaling_activities WHERE table_name = 'Switched' AND action = 'Skip'")" = 1 ] \
    || fail "the PAY_PER_REQUEST table was not skipped exactly once"
[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'dynamo auto scaling'")" = 1 ] \
    || fail "the auto scaling worker is gone"

# a round that fails as a whole is logged and rolled back; the worker stays and carries on
pid=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'dynamo auto scaling'")
q "ALTER TABLE dynamo.scaling_state RENAME TO scaling_state_away"
sleep $((INTERVAL * 2 + 1))
[ "$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'dynamo auto scaling'")" = "$pid" ] \
    || fail "the auto scaling worker did not survive a failing round"
q "ALTER TABLE dynamo.scaling_state_away RENAME TO scaling_state"
last=$(q "SELECT max(sampled_at) FROM dynamo.scaling_state")
wait_for "SELECT max(sampled_at) > '$last' FROM dynamo.scaling_state" $((INTERVAL * 3)) \
    || fail "the rounds did not resume after a failing one"

# targets, policies and activities survive pg_dump and restore
dropdb --if-exists dynamo_scaling_restored 2>/dev/null
createdb dynamo_scaling_restored
pg_dump -d postgres -N public | psql -X -q -v ON_ERROR_STOP=1 -d dynamo_scaling_restored >/dev/null
summary="SELECT (SELECT count(*) FROM dynamo.scalable_targets) || ' ' || (SELECT count(*) FROM dynamo.scaling_policies)
         || ' ' || (SELECT count(*) FROM dynamo.scaling_activities) || ' ' || nextval('dynamo.scaling_activity_ids')"
before=$(q "$summary")
after=$(psql -X -q -At -v ON_ERROR_STOP=1 -d dynamo_scaling_restored -c "$summary")
[ "${before#* * }" != "0 1" ] && [ "$before" = "$after" ] || fail "after pg_dump and restore: $after, before: $before"
echo "scaling: ok"
