#!/usr/bin/env bash
# check_basebackup.sh: the whole cluster backed up with pg_basebackup and WAL
# archiving, and recovered to a point in time (recovery_target_time).
#
# A cluster of its own (as user postgres when run as root; archive_mode on,
# archive_command copying into an archive directory; dynamo preloaded,
# wal_level logical) gets DynamoDB tables with local and global secondary
# indexes, a stream, Time to Live, tags and provisioned capacity
# (test/backup/basebackup.sql).  Then pg_basebackup, and four rounds of
# writes through dynamo.execute, each with changes of the catalog: tags,
# throughput, a table created and one deleted, an index added (backfilled),
# Time to Live and a stream enabled and disabled, point-in-time recovery
# enabled, an on-demand backup taken and restored.  After each round, once
# the background workers are done (the streams capture has read past the
# round, the index is ACTIVE, the jobs done), every relation of schemas
# dynamo (the catalog, stream records, point-in-time history, ...),
# dynamo_data (tables and global indexes) and dynamo_backups is copied to
# files, and what the API answers (a Query of every index on each of its
# partition key values, DescribeTable, DescribeTimeToLive,
# ListTagsOfResource, DescribeContinuousBackups, ListBackups,
# DescribeStream); then the time is noted (T1..T4), and the next round
# waits a little.
#
# For each Ti: the base backup is copied into a new data directory with
# restore_command and recovery_target_time = Ti (archive_mode off: a
# recovered copy must not archive into its source's archive, where its new
# timeline would mislead the next recovery), started on another port with
# recovery_target_action = pause, so that what recovery made is read before
# any background worker of the copy writes (a disabled stream's shards are
# closed by the copy's capture at its start), and every file must be
# equal.  Then pg_wal_replay_resume() promotes it.  There is no
# replication slot in a recovered copy (pg_basebackup copies none): the
# last copy must serve GetItem and PutItem, and its streams capture must
# make a new slot and turn a put after recovery into a stream record, and
# RestoreTableToPointInTime must restore a table as it is in the copy.
#
#   test/backup/check_basebackup.sh   (BASEBACKUP_PORT, default 5494, and the next port)
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${BASEBACKUP_PORT:-5494}
RPORT=$((PORT + 1))
BIN=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/dynamo-basebackup.XXXXXX)
SRC="$DIR/source"
SQL=$(pwd)/test/backup/basebackup.sql

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
fail() { echo "basebackup: FAILED: $*"; exit 1; }
stop() {
    as_owner "$BIN/pg_ctl" -D "$1" -m immediate stop >/dev/null 2>&1 || true
}
cleanup() {
    stop "$SRC"
    [ -d "$DIR/recovered" ] && stop "$DIR/recovered"
    if [ -n "${KEEP_BASEBACKUP_DIR:-}" ]; then echo "basebackup: kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
as_owner mkdir "$DIR/archive"
as_owner "$BIN/initdb" -D "$SRC" -U postgres --auth=trust -E UTF8 >/dev/null
# settings of both clusters: background workers that write nothing unasked
COMMON="listen_addresses = ''
unix_socket_directories = '$DIR'
shared_preload_libraries = 'dynamo'
wal_level = logical
output_plugin_libraries = 'pgoutput, test_decoding, dynamo'
dynamo.stream_poll_interval = 50
dynamo.capacity_enforcement = off
dynamo.ttl_transition_time = 0
dynamo.ttl_change_interval = 0
log_line_prefix = '%m [%p] '"
as_owner sh -c "cat >> '$SRC/postgresql.conf'" <<EOF
$COMMON
port = $PORT
archive_mode = on
archive_command = 'test ! -f $DIR/archive/%f && cp %p $DIR/archive/%f'
EOF
as_owner "$BIN/pg_ctl" -D "$SRC" -l "$DIR/source.log" -w start >/dev/null

export PGHOST="$DIR" PGUSER=postgres PGDATABASE=postgres
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
rq() { psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$RPORT" "$@"; }

q -c "CREATE EXTENSION dynamo" >/dev/null
q -f "$SQL" >/dev/null
q -c "CALL bb_writes(0, 300)"

# wait until cond (a query on port $2) is true, at most $3 seconds
wait_for() {
    local cond=$1 port=$2 limit=$3 i
    for i in $(seq 1 $((limit * 10))); do
        [ "$(psql -X -A -t -p "$port" -c "SELECT ($cond)::text")" = "true" ] && return 0
        sleep 0.1
    done
    fail "waited ${limit}s for: $cond"
}
# the background workers have done everything the last round asked for:
# streams ENABLED, indexes ACTIVE, point-in-time recovery ENABLED (its base
# copy taken), backups and restores done, and the streams capture has stored the
# record of a put into table Marker made after the round (it stores in
# commit order: every change before it too)
markers=0
quiesce() {
    wait_for "NOT EXISTS (SELECT FROM dynamo.streams WHERE status = 'ENABLING')
              AND NOT EXISTS (SELECT FROM dynamo.indexes WHERE status <> 'ACTIVE' OR backfilling)
              AND NOT EXISTS (SELECT FROM dynamo.continuous_backups WHERE status = 'ENABLING')
              AND NOT EXISTS (SELECT FROM dynamo.jobs WHERE status = 'PENDING')
              AND NOT EXISTS (SELECT FROM dynamo.tables WHERE status = 'CREATING')" "$PORT" 60
    markers=$((markers + 1))
    q -c "SELECT dynamo.put_item('Marker', '{\"id\": {\"S\": \"m$markers\"}}') IS NULL" >/dev/null
    wait_for "EXISTS (SELECT FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
                       WHERE s.table_name = 'Marker' AND dynamo.get_text(r.keys, 'id') = 'm$markers')" "$PORT" 60
}
# everything there is to compare, from the server on port $1 into directory $2
snapshot() {
    local port=$1 out=$2
    mkdir -p "$out"
    psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$port" >/dev/null <<SQL
SELECT format('\\copy (SELECT t::text FROM %I.%I t ORDER BY t::text COLLATE "C") TO %L',
              n.nspname, c.relname, '$out/' || n.nspname || '.' || c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('dynamo', 'dynamo_data', 'dynamo_backups') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND c.relpersistence = 'p'   -- unlogged ones (dynamo.scaling_state) start empty
 ORDER BY 1
\\g (format=unaligned tuples_only=on) $out/copies.psql
\\i $out/copies.psql
\\copy (SELECT table_name, index_name, key, response FROM public.bb_index_queries() ORDER BY 1, 2, key COLLATE "C") TO '$out/api.index_queries'
\\copy (SELECT table_name, action, response FROM public.bb_api() ORDER BY 1, 2) TO '$out/api.describe'
SQL
    rm "$out/copies.psql"
}
# round $1: its changes, then the copy and the time; T<round> in $DIR/times
moment() {
    quiesce
    snapshot "$PORT" "$DIR/moment$1"
    q -c "SELECT clock_timestamp()" > "$DIR/moment$1/time"
    echo "basebackup: moment T$1 $(cat "$DIR/moment$1/time"):" \
         "$(q -c "SELECT string_agg(table_name || ' ' || (SELECT count(*) FROM dynamo.scan(table_name)), ', ' ORDER BY table_name) FROM dynamo.tables") items," \
         "$(q -c "SELECT count(*) FROM dynamo.stream_records") stream records"
    sleep 0.3
}

quiesce
as_owner "$BIN/pg_basebackup" -h "$DIR" -p "$PORT" -U postgres -D "$DIR/base" -X stream -c fast
echo "basebackup: pg_basebackup taken ($(du -sh "$DIR/base" | cut -f1))"

# round 1: items only
q -c "CALL bb_writes(1, 200)"
moment 1

# round 2: tags, throughput, point-in-time recovery, a new table with a
# global index
q -c "CALL bb_writes(2, 150)" >/dev/null
q >/dev/null <<'SQL'
SELECT dynamo.execute('UpdateContinuousBackups', '{"TableName": "Orders",
    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}');
SELECT dynamo.execute('TagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders",
    "Tags": [{"Key": "owner", "Value": "alice"}, {"Key": "team", "Value": "sales"}]}');
SELECT dynamo.execute('UntagResource', '{"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders", "TagKeys": ["env"]}');
SELECT dynamo.execute('UpdateTable', '{"TableName": "Orders",
    "ProvisionedThroughput": {"ReadCapacityUnits": 120, "WriteCapacityUnits": 80}}');
SELECT dynamo.execute('CreateTable', '{"TableName": "Late", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}, {"AttributeName": "kind", "AttributeType": "S"}],
    "GlobalSecondaryIndexes": [{"IndexName": "ByKind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
    "Tags": [{"Key": "late", "Value": "yes"}]}');
SQL
q -c "CALL bb_writes(3, 150)"
moment 2

# round 3: an index added and backfilled, Time to Live, a stream and an
# on-demand backup of the new table, a table deleted
q >/dev/null <<'SQL'
SELECT dynamo.execute('CreateBackup', '{"TableName": "Late", "BackupName": "late-1"}');
SELECT dynamo.execute('UpdateTable', '{"TableName": "Orders",
    "AttributeDefinitions": [{"AttributeName": "note", "AttributeType": "S"}],
    "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "ByNote",
        "KeySchema": [{"AttributeName": "note", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10}}}]}');
SELECT dynamo.execute('UpdateTimeToLive', '{"TableName": "Late", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}');
SELECT dynamo.execute('UpdateTable', '{"TableName": "Late", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}');
SQL
q -c "CALL bb_writes(4, 100)"
quiesce
q -c "CALL bb_writes(5, 100)"
q -c "SELECT dynamo.execute('DeleteTable', '{\"TableName\": \"Sessions\"}') IS NOT NULL" >/dev/null
moment 3

# round 4: the stream of Orders disabled, Time to Live of Late disabled,
# its backup restored into a new table
q -c "CALL bb_writes(6, 100)"
q >/dev/null <<'SQL'
SELECT dynamo.execute('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'LateCopy',
    'BackupArn', dynamo.execute('ListBackups', '{"TableName": "Late"}') -> 'BackupSummaries' -> 0 -> 'BackupArn'));
SELECT dynamo.execute('UpdateTable', '{"TableName": "Orders", "StreamSpecification": {"StreamEnabled": false}}');
SELECT dynamo.execute('UpdateTimeToLive', '{"TableName": "Late", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": false}}');
SQL
q -c "CALL bb_writes(7, 100)"
moment 4

# later changes (recovery to T4 stops at the first commit after it), and
# the archive has every segment
q -c "CALL bb_writes(8, 50)"
last=$(q -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
q -c "SELECT pg_switch_wal()" >/dev/null
wait_for "(SELECT last_archived_wal >= '$last' FROM pg_stat_archiver)" "$PORT" 60
echo "basebackup: $(ls "$DIR/archive" | wc -l) WAL segments archived"

# recover a copy of the base backup to each moment
REC="$DIR/recovered"
for i in 1 2 3 4; do
    target=$(cat "$DIR/moment$i/time")
    rm -rf "$REC"
    as_owner cp -a "$DIR/base" "$REC"
    as_owner sh -c "cat >> '$REC/postgresql.auto.conf'" <<EOF
port = $RPORT
archive_mode = off
restore_command = 'cp $DIR/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'pause'
EOF
    as_owner touch "$REC/recovery.signal"
    rm -f "$DIR/.s.PGSQL.$RPORT.lock"   # the last copy was stopped in immediate mode
    as_owner "$BIN/pg_ctl" -D "$REC" -l "$DIR/recovered$i.log" -w -t 120 start >/dev/null
    # paused at the target, read-only: what recovery made, before any
    # background worker of the copy writes
    wait_for "pg_get_wal_replay_pause_state() = 'paused'" "$RPORT" 120
    snapshot "$RPORT" "$DIR/recovered$i"
    slots=$(rq -c "SELECT count(*) FROM pg_replication_slots")
    rq -c "SELECT pg_wal_replay_resume()" >/dev/null   # recovery ends: promoted
    wait_for "NOT pg_is_in_recovery()" "$RPORT" 60
    files=$(ls "$DIR/moment$i" | grep -vc '^time$')
    if ! diff -r -x time "$DIR/moment$i" "$DIR/recovered$i" > "$DIR/diff$i"; then
        head -c 4000 "$DIR/diff$i"
        fail "the copy recovered to T$i differs from the cluster at T$i"
    fi
    # and the equality means something: the moments differ from each other
    if [ $i -gt 1 ] && diff -rq -x time "$DIR/moment$((i - 1))" "$DIR/recovered$i" >/dev/null; then
        fail "the copy recovered to T$i equals the cluster at T$((i - 1)) too"
    fi
    stopped=$(grep -o 'recovery stopping before commit of transaction [0-9]*, time .*' "$DIR/recovered$i.log" | head -1 || true)
    echo "basebackup: recovered to T$i: $files files equal, $slots replication slots (${stopped:-no stop line})"
    [ $i -eq 4 ] || stop "$REC"
done

# the last copy serves requests, and its streams capture carries on
got=$(rq -c "SELECT count(*) FILTER (WHERE dynamo.execute('GetItem', jsonb_build_object('TableName', 'Orders',
                   'Key', jsonb_build_object('customer', pk::text::jsonb, 'placed', sk::text::jsonb))) -> 'Item' = item::jsonb)
                   || ' of ' || count(*) FROM dynamo_data.\"Orders\"")
[ "$got" = "283 of 283" ] || fail "GetItem in the recovered copy found $got items of Orders"
rq >/dev/null <<'SQL'
SELECT dynamo.execute('PutItem', '{"TableName": "Late", "Item": {"id": {"N": "100000"}, "kind": {"S": "after"}}}');
SQL
[ "$(rq -c "SELECT count(*) FROM dynamo.query('Late', 'kind = :k', NULL, '{\":k\": {\"S\": \"after\"}}', index => 'ByKind')")" = 1 ] ||
    fail "PutItem in the recovered copy did not reach its global index"
wait_for "EXISTS (SELECT FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
                   WHERE s.table_name = 'Late' AND r.keys::text LIKE '%100000%')" "$RPORT" 30
# point-in-time recovery of a table starts anew in the copy (its capture made
# a new slot, so the history of the source may have a hole: ENABLING, then a
# new base copy); then Orders restored as it is now equals it
wait_for "(SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = 'Orders')" "$RPORT" 60
grep -q 'point-in-time recovery history of .* starts anew' "$DIR/recovered4.log" ||
    fail "the recovered copy did not start its point-in-time recovery history anew"
rq -c "SELECT dynamo.execute('RestoreTableToPointInTime', '{\"SourceTableName\": \"Orders\",
        \"TargetTableName\": \"OrdersAgain\", \"UseLatestRestorableTime\": true}') IS NOT NULL" >/dev/null
wait_for "(SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'OrdersAgain')" "$RPORT" 60
got=$(rq -c "SELECT count(*) FROM (SELECT item::text FROM dynamo_data.\"Orders\"
                                   EXCEPT ALL SELECT item::text FROM dynamo_data.\"OrdersAgain\") o" \
         -c "SELECT count(*) FROM dynamo_data.\"OrdersAgain\"")
[ "$got" = "0
283" ] || fail "RestoreTableToPointInTime in the recovered copy: (missing, items) $got"
echo "basebackup: RestoreTableToPointInTime in the recovered copy restores Orders as it is (283 items)"
slot=$(rq -c "SELECT slot_name || ' at ' || confirmed_flush_lsn FROM pg_replication_slots")
created=$(grep -c 'created replication slot "dynamo_streams' "$DIR/recovered4.log" || true)
echo "basebackup: the recovered copy serves GetItem and PutItem; its stream captured the put" \
     "(slot $slot, created anew $created time(s) after recovery)"
if grep -E 'terminated by signal|exited with exit code [1-9]' "$DIR"/recovered*.log; then
    fail "a process of a recovered copy failed"
fi
echo "basebackup: ok"
