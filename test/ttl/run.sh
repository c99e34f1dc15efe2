#!/usr/bin/env bash
# run.sh: the expiry worker of Time to Live, end to end, in a cluster of its
# own (pg_virtualenv, dynamo preloaded, wal_level=logical and the output
# plugins of streams and of test_decoding allowed, the worker waking
# every 200 ms, batches of 10 items, no ENABLING time).
#
# A table with a global secondary index gets 300 items that expire at one
# deadline a few seconds ahead, and items that must never expire: a future
# time, a String, a Number more than five years past, a time in
# milliseconds, a number set, no attribute at all; a table without TTL gets
# expired items too.  Meanwhile a client holds the row lock of one expiring
# item past the deadline, and another updates expiring and lasting items,
# one transaction each, with lock_timeout = 500ms (it must never wait that
# long for the worker).  Then:
#   - every expiring item (and its GSI entry) is gone within BOUND seconds
#     of the deadline, the held one within BOUND of its release;
#   - nothing else was deleted, in either table, nor in the GSI;
#   - the client's updates all succeeded;
#   - the worker's deletions carry the replication origin dynamo_ttl: a
#     logical slot's test_decoding output shows them, and hides them with
#     only-local (the streams capture marks them the service's that way);
#   - the worker survived all of it, and a table deleted under it;
#   - the table's stream has every deletion as a REMOVE record by the
#     service (by_service), and no other record by it.
#
#   test/ttl/run.sh            (starts its own cluster)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DYNAMO_TTL_CLUSTER:-}" ]; then
    exec pg_virtualenv -t -o shared_preload_libraries=dynamo -o wal_level=logical \
        -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
        -o dynamo.ttl_interval=200ms -o dynamo.ttl_batch_size=10 -o dynamo.ttl_transition_time=0 \
        -- env DYNAMO_TTL_CLUSTER=1 "$0" "$@"
fi

BOUND=${TTL_BOUND:-3}
HOLD=${TTL_HOLD:-3}
export PGOPTIONS="${PGOPTIONS:-} -c search_path=public,dynamo"   # dynamo.value's operators
q() { psql -X -q -v ON_ERROR_STOP=1 -d postgres -At "$@"; }
fail() { echo "ttl: FAILED: $*"; exit 1; }

q >/dev/null <<'SQL'
CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{"TableName": "TtlRun", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "ALL"}}],
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"},
    "DynamoOptions": {"Partitions": 4}}') IS NOT NULL;
SELECT dynamo.execute('CreateTable', '{"TableName": "TtlOff", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}') IS NOT NULL;
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "TtlRun", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}') IS NOT NULL;
SELECT pg_create_logical_replication_slot('ttl_check', 'test_decoding') IS NOT NULL;
SQL
for _ in $(seq 1 200); do   # the stream captures writes once ENABLED
    [ "$(q -c "SELECT status FROM dynamo.streams WHERE table_name = 'TtlRun'")" = "ENABLED" ] && break
    sleep 0.1
done
[ "$(q -c "SELECT status FROM dynamo.streams WHERE table_name = 'TtlRun'")" = "ENABLED" ] || fail "the stream is not ENABLED"
worker_pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'dynamo ttl worker'")
[ -n "$worker_pid" ] || fail "no expiry worker is running"

deadline=$(( $(date +%s) + 4 ))
q -v deadline="$deadline" >/dev/null <<'SQL'
SELECT count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'TtlRun', 'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'e' || i), 'g', jsonb_build_object('S', 'g' || (i % 7)),
    'n', jsonb_build_object('N', '0'), 'exp', jsonb_build_object('N', :'deadline')))))
  FROM generate_series(1, 300) i;
SELECT count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'TtlRun', 'Item',
    jsonb_build_object('pk', jsonb_build_object('S', k), 'g', '{"S": "keep"}'::jsonb, 'n', '{"N": "0"}'::jsonb)
    || jsonb_strip_nulls(jsonb_build_object('exp', v)))))
  FROM (VALUES ('future', jsonb_build_object('N', (:deadline + 3600)::text)),
               ('string', jsonb_build_object('S', (:deadline - 100)::text)),
               ('old', jsonb_build_object('N', (:deadline - 6 * 366 * 86400)::text)),
               ('millis', jsonb_build_object('N', (:deadline::bigint * 1000)::text)),
               ('set', jsonb_build_object('NS', jsonb_build_array((:deadline - 100)::text))),
               ('absent', NULL)) AS keep(k, v);
SELECT count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'TtlOff', 'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'off' || i), 'exp', jsonb_build_object('N', (:deadline - 100)::text)))))
  FROM generate_series(1, 20) i;
CREATE PROCEDURE public.ttl_writer(rounds int) LANGUAGE plpgsql AS $$
DECLARE
    conditional text := (SELECT sqlstate FROM dynamo.exceptions() WHERE name = 'ConditionalCheckFailedException');
BEGIN
    FOR r IN 1..rounds LOOP
        BEGIN
            -- an expiring item (gone, or being deleted: the condition fails) and a lasting one
            PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'TtlRun',
                'Key', jsonb_build_object('pk', jsonb_build_object('S', 'e' || (2 + r % 299))),
                'UpdateExpression', 'SET n = n + :one', 'ConditionExpression', 'attribute_exists(pk)',
                'ExpressionAttributeValues', '{":one": {"N": "1"}}'::jsonb));
        EXCEPTION WHEN OTHERS THEN
            IF SQLSTATE <> conditional THEN RAISE; END IF;
        END;
        PERFORM dynamo.execute('UpdateItem', '{"TableName": "TtlRun", "Key": {"pk": {"S": "future"}},
            "UpdateExpression": "SET n = n + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}');
        COMMIT;
        PERFORM pg_sleep(0.02);
    END LOOP;
END $$;
SQL

# a client holds an expiring item's row lock past the deadline
hold_until=$(( deadline + HOLD ))
q -c "BEGIN" -c "SELECT 1 FROM dynamo_data.\"TtlRun\" WHERE pk = '{\"S\": \"e1\"}' FOR UPDATE" \
  -c "SELECT pg_sleep($hold_until - extract(epoch FROM clock_timestamp()))" -c "COMMIT" >/dev/null &
holder=$!
# another writes all along, never waiting long for a lock
PGOPTIONS="$PGOPTIONS -c lock_timeout=500ms" q -c "CALL public.ttl_writer(400)" >/tmp/dynamo-ttl-writer.$$ 2>&1 &
writer=$!

expiring() {
    q -c "SELECT count(*) FROM dynamo_data.\"TtlRun\" WHERE dynamo.get(item, 'exp') = '{\"N\": \"$deadline\"}'"
}
# nothing is deleted before its deadline: a count whose statement (and so its snapshot) began before the
# deadline sees all 300 (one that began later, on a loaded machine, may rightly see fewer)
while [ "$(date +%s)" -lt "$deadline" ]; do
    seen=$(q -c "SELECT count(*) = 300 OR extract(epoch FROM statement_timestamp()) >= $deadline
                   FROM dynamo_data.\"TtlRun\" WHERE dynamo.get(item, 'exp') = '{\"N\": \"$deadline\"}'")
    [ "$seen" = "t" ] || fail "an item was deleted before its deadline"
    sleep 0.2
done
# every one but the held item within BOUND seconds
while [ "$(expiring)" != "1" ]; do
    [ "$(date +%s)" -le $(( deadline + BOUND )) ] || fail "$(expiring) items left $BOUND s after their deadline"
    sleep 0.1
done
echo "ttl: 299 expired items deleted within $(( $(date +%s%3N) - deadline * 1000 )) ms of their deadline (bound $BOUND s)"
[ "$(q -c "SELECT count(*) FROM dynamo_data.\"TtlRun\" WHERE pk = '{\"S\": \"e1\"}'")" = "1" ] ||
    fail "the item whose row lock a client held was deleted under it"
wait "$holder"
while [ "$(expiring)" != "0" ]; do
    [ "$(date +%s)" -le $(( hold_until + BOUND )) ] || fail "the held item is still there $BOUND s after its release"
    sleep 0.1
done
echo "ttl: the held item was skipped while held, deleted after its release"
wait "$writer" || { cat /tmp/dynamo-ttl-writer.$$; fail "the concurrent writer failed"; }
rm -f /tmp/dynamo-ttl-writer.$$
echo "ttl: 400 concurrent updates never waited 500 ms for the worker"

got=$(q -c "SELECT string_agg(dynamo.get_text(item, 'pk'), ',' ORDER BY dynamo.get_text(item, 'pk') COLLATE \"C\") FROM dynamo_data.\"TtlRun\"")
[ "$got" = "absent,future,millis,old,set,string" ] || fail "the table holds $got"
got=$(q -c "SELECT count(*) || ':' || count(*) FILTER (WHERE pk = '{\"S\": \"keep\"}') FROM dynamo_data.\"TtlRun:by_g\"")
[ "$got" = "6:6" ] || fail "the GSI holds (all:lasting) $got"
got=$(q -c "SELECT dynamo.get_text(item, 'n') FROM dynamo_data.\"TtlRun\" WHERE pk = '{\"S\": \"future\"}'")
[ "$got" = "400" ] || fail "the lasting item was updated $got times, not 400"
[ "$(q -c "SELECT count(*) FROM dynamo_data.\"TtlOff\"")" = "20" ] || fail "a table without TTL lost items"
echo "ttl: nothing else deleted (6 lasting items, their 6 GSI entries, the table without TTL)"

# the worker's deletions carry the origin dynamo_ttl
[ "$(q -c "SELECT count(*) FROM pg_replication_origin WHERE roname = 'dynamo_ttl'")" = "1" ] ||
    fail "no replication origin dynamo_ttl"
all=$(q -c "SELECT count(*) FROM pg_logical_slot_peek_changes('ttl_check', NULL, NULL)
             WHERE data LIKE 'table dynamo_data.\"TtlRun#%: DELETE:%'")
localonly=$(q -c "SELECT count(*) FROM pg_logical_slot_peek_changes('ttl_check', NULL, NULL, 'only-local', '1')
             WHERE data LIKE 'table dynamo_data.\"TtlRun#%: DELETE:%'")
[ "$all" = "300" ] && [ "$localonly" = "0" ] ||
    fail "decoded deletions: $all in all (want 300), $localonly without an origin (want 0)"
q -c "SELECT pg_drop_replication_slot('ttl_check')" >/dev/null
echo "ttl: the 300 deletions are decoded with the origin dynamo_ttl"

# a table deleted while it has expired items; the worker goes on
q -v deadline="$deadline" >/dev/null <<'SQL'
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "TtlOff", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}') IS NOT NULL;
SELECT pg_sleep(0.1);
SELECT dynamo.execute('DeleteTable', '{"TableName": "TtlOff"}') IS NOT NULL;
SELECT count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'TtlRun', 'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'late' || i), 'exp', jsonb_build_object('N', (:deadline - 1)::text)))))
  FROM generate_series(1, 5) i;
SQL
for _ in $(seq 1 $(( BOUND * 10 ))); do
    [ "$(q -c "SELECT count(*) FROM dynamo_data.\"TtlRun\" WHERE pk::text LIKE '%late%'")" = "0" ] && break
    sleep 0.1
done
[ "$(q -c "SELECT count(*) FROM dynamo_data.\"TtlRun\" WHERE pk::text LIKE '%late%'")" = "0" ] ||
    fail "items put after a table was deleted were not expired"
[ "$(q -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'dynamo ttl worker'")" = "$worker_pid" ] ||
    fail "the expiry worker was restarted"
echo "ttl: the worker carried on past a deleted table (same process)"

# in the stream: every deletion a REMOVE by the service, the client's writes not
records() {
    q -c "SELECT count(*) FILTER (WHERE event_name = 'REMOVE' AND by_service) || ':' ||
                 count(*) FILTER (WHERE event_name = 'REMOVE' AND NOT by_service) || ':' ||
                 count(*) FILTER (WHERE event_name <> 'REMOVE' AND by_service)
            FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id) WHERE s.table_name = 'TtlRun'"
}
for _ in $(seq 1 100); do [ "$(records)" = "305:0:0" ] && break; sleep 0.1; done
[ "$(records)" = "305:0:0" ] || fail "stream records (REMOVE by the service:REMOVE by others:others by the service) $(records)"
echo "ttl: the stream has the 305 deletions as REMOVE records by the service, nothing else by it"
echo "ttl: ok"
