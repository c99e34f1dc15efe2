#!/usr/bin/env bash
# check_pitr.sh: per-table point-in-time recovery over a scripted history, in
# a cluster of its own (pg_virtualenv: dynamo preloaded, wal_level=logical,
# the capture and the job worker polling fast, a base copy every
# PITR_BASE_INTERVAL seconds so that several happen, track_commit_timestamp
# on, capacity not enforced).
#
# Two tables with point-in-time recovery: PitrMain (pk S, sk N, an LSI on
# ls, a GSI on g projecting v) and PitrHash (pk S).  The history is ROUNDS
# rounds; in each, WRITERS psql sessions run scripts of random PutItem,
# UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem and
# conditional writes (test/backup/pitr/writes.py) at once, each write in a
# transaction that logs its id in pitr_writes.  Points of the history:
#   - quiet points, after a round (every writer done): a copy of the items
#     (and of the GSI's relation), then the time, then 0.3 s before going on;
#   - busy points, while the writers run: a copy in one REPEATABLE READ
#     snapshot.  Its time is found afterwards from the commit timestamps:
#     after every logged transaction the snapshot sees, before every one it
#     does not (a point where no such time exists is counted and left out).
# At every point, both tables are restored with RestoreTableToPointInTime
# into new tables, and each restored table must equal the copy: its
# relation in key order, Scan, the GSI's relation and Scan on it, Query on
# the LSI collection by collection in the index's order.  Then:
#   - the points span at least three base copies (restores across base
#     copy boundaries);
#   - UseLatestRestorableTime restores the table as it is now;
#   - disabling PITR on PitrHash drops its history (changes, base copies
#     and their relations) and restores fail; enabling it again starts a
#     new window (nothing from before it; a restore before it is refused;
#     a restore within it is right);
#   - errors: PITR never enabled, times out of the window, a target that
#     exists, a source that does not, RestoreDateTime and
#     UseLatestRestorableTime both or neither.
# Any difference is printed as a diff; exit 1.
#
#   test/backup/check_pitr.sh        (starts its own cluster)
#   PITR_ROUNDS=4 PITR_WRITERS=3 PITR_WRITES=1000 PITR_BASE_INTERVAL=3
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DYNAMO_PITR_CLUSTER:-}" ]; then
    exec pg_virtualenv -t -o shared_preload_libraries=dynamo -o wal_level=logical \
        -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
        -o dynamo.backup_poll_interval=100ms -o dynamo.stream_poll_interval=50ms \
        -o dynamo.pitr_base_interval="${PITR_BASE_INTERVAL:-3}s" -o track_commit_timestamp=on \
        -o dynamo.capacity_enforcement=off \
        -- env DYNAMO_PITR_CLUSTER=1 "$0" "$@"
fi

ROUNDS=${PITR_ROUNDS:-4}
WRITERS=${PITR_WRITERS:-3}
WRITES=${PITR_WRITES:-1000}
export PGOPTIONS="${PGOPTIONS:-} -c search_path=public,dynamo"   # dynamo.value's operators
WORK=$(mktemp -d /tmp/check_pitr.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CHECK=check_pitr
. test/backup/lib.sh
# writes SEED COUNT: a writer's script run to its end (failed writes abort only their transaction)
writes() { python3 test/backup/pitr/writes.py "$1" "$2" | psql -X -q -d postgres -o /dev/null -f - >/dev/null 2>&1; }
failed=0


# expect_error ACTION REQUEST EXPECTED: the request fails with that exception and message
expect_error() {
    local got
    got=$(q -c "SELECT pitr_error('$1', \$r\$$2\$r\$)")
    [ "$got" = "$3" ] || { echo "check_pitr: WRONG ERROR of $1 $2"; echo "  expected: $3"; echo "  got:      $got"; failed=1; }
}


# point_quiet NAME: a copy with every writer done, then the time
point_quiet() {
    q >/dev/null <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pitr_copy('$1');
INSERT INTO pitr_points (name, quiet, snap) VALUES ('$1', true, pg_current_snapshot());
COMMIT;
UPDATE pitr_points SET at = clock_timestamp() WHERE name = '$1';
SQL
    sleep 0.3
}

# point_busy NAME: a copy in one snapshot, while writers run
point_busy() {
    q >/dev/null <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pitr_copy('$1');
INSERT INTO pitr_points (name, quiet, snap) VALUES ('$1', false, pg_current_snapshot());
COMMIT;
SQL
}

pitr() { echo "{\"TableName\": \"$1\", \"PointInTimeRecoverySpecification\": {\"PointInTimeRecoveryEnabled\": $2}}"; }

# ---- the tables
q -f - >/dev/null <<'SQL'
CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{"TableName": "PitrMain", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "ls", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "LocalSecondaryIndexes": [{"IndexName": "by_ls", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "ls", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}],
    "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}],
    "DynamoOptions": {"Partitions": 4}}') IS NOT NULL;
SELECT dynamo.execute('CreateTable', '{"TableName": "PitrHash", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}') IS NOT NULL;
SELECT dynamo.execute('CreateTable', '{"TableName": "PitrNone", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}') IS NOT NULL;
SQL
q -f test/backup/pitr/helpers.sql >/dev/null
# items before PITR is on: the first base copy has them
writes 1 200
status=$(q -c "SELECT dynamo.execute('UpdateContinuousBackups', '$(pitr PitrMain true)')
                   #>> '{ContinuousBackupsDescription,PointInTimeRecoveryDescription,PointInTimeRecoveryStatus}'")
[ "$status" = "ENABLING" ] || fail "UpdateContinuousBackups answered $status, not ENABLING"
q -c "SELECT dynamo.execute('UpdateContinuousBackups', '$(pitr PitrHash true)') IS NOT NULL" >/dev/null
wait_until "SELECT count(*) = 2 FROM dynamo.continuous_backups WHERE status = 'ENABLED'" "PITR is not ENABLED"

# ---- the history
history_start=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
    pids=()
    for writer in $(seq 1 "$WRITERS"); do
        python3 test/backup/pitr/writes.py "$((round * 100 + writer))" "$WRITES" >"$WORK/writer.$round.$writer.sql"
        psql -X -q -d postgres -o /dev/null -f "$WORK/writer.$round.$writer.sql" \
            >/dev/null 2>"$WORK/errors.$round.$writer" &
        pids+=($!)
    done
    # two busy points, while the writers run
    for point in a b; do
        sleep 0.3
        point_busy "b${round}$point"
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    point_quiet "q${round}"
    # a base copy may come between the rounds (or during the next)
    sleep "$(( round % 2 ))"
done
writes=$(q -c "SELECT count(*) FROM pitr_writes")
echo "check_pitr: the history took $(( $(date +%s) - history_start )) s"
cat "$WORK"/errors.* | grep -o 'ERROR:  .*' | grep -v 'current transaction is aborted' \
    | sed -E 's/(Transaction cancelled, please refer cancellation reasons for specific reasons) .*/\1/; s/(deadlock detected).*/\1/' \
    | sort | uniq -c | sort -rn >"$WORK/aborted"
echo "check_pitr: $writes write transactions committed; failed: $(awk '{n += $1} END {print n + 0}' "$WORK/aborted")"
cut -c1-160 "$WORK/aborted"
[ "$writes" -gt $(( ROUNDS * WRITERS * WRITES / 2 )) ] || { head -20 "$WORK"/errors.1.1; fail "too few writes committed"; }

# the time of each busy point, from the commit timestamps
q -c "UPDATE pitr_points SET at = pitr_point_time(name) WHERE NOT quiet" >/dev/null
q -c "SELECT name, at, (SELECT count(*) FROM pitr_writes w
                         WHERE NOT pg_visible_in_snapshot(w.txid::text::xid8, p.snap)
                           AND pg_xact_commit_timestamp((w.txid % 4294967296)::text::xid) < p.at + interval '1 s')
                       AS in_flight
        FROM pitr_points p WHERE NOT quiet ORDER BY name" >"$WORK/busy"
skipped=$(q -c "SELECT count(*) FROM pitr_points WHERE at IS NULL")
busy=$(q -c "SELECT count(*) FROM pitr_points WHERE NOT quiet AND at IS NOT NULL")
mid=$(awk -F'|' '$3 > 0' "$WORK/busy" | wc -l)
echo "check_pitr: $busy busy points ($mid with writes committing within 1 s after them), $skipped without a consistent time"
[ "$busy" -ge "$ROUNDS" ] && [ "$mid" -ge "$ROUNDS" ] || fail "too few busy points in the middle of writes"

# the base copy a restore at each point starts from
q -c "UPDATE pitr_points p SET base = (SELECT b.backup_id FROM dynamo.backups b
                                        WHERE b.purpose = 'PITR_BASE' AND b.status = 'AVAILABLE'
                                          AND b.table_name = 'PitrMain' AND b.snapshot_time <= p.at
                                        ORDER BY b.snapshot_time DESC LIMIT 1)" >/dev/null
bases=$(q -c "SELECT count(DISTINCT base) FROM pitr_points")
echo "check_pitr: the points start from $bases base copies of $(q -c "SELECT count(*) FROM dynamo.backups WHERE purpose = 'PITR_BASE' AND table_name = 'PitrMain'")"
[ "$bases" -ge 3 ] || fail "the points span fewer than 3 base copies"

# ---- restore at every point
for point in $(q -c "SELECT name FROM pitr_points WHERE at IS NOT NULL ORDER BY at"); do
    # PITR_SKEW_MS (0): restore that much later, to see the check fail
    at=$(q -c "SELECT extract(epoch FROM at + make_interval(secs => ${PITR_SKEW_MS:-0} / 1000.0))
                 FROM pitr_points WHERE name = '$point'")
    for source in PitrMain PitrHash; do
        q -c "SELECT dynamo.execute('RestoreTableToPointInTime', '{\"SourceTableName\": \"$source\",
                  \"TargetTableName\": \"R_${point}_$source\", \"RestoreDateTime\": $at}')
                  #>> '{TableDescription,TableStatus}'" >"$WORK/status"
        [ "$(cat "$WORK/status")" = "CREATING" ] || fail "restore of $source at $point is $(cat "$WORK/status"), not CREATING"
    done
done
wait_until "SELECT NOT EXISTS (SELECT FROM dynamo.tables WHERE table_name LIKE 'R\_%' AND status <> 'ACTIVE')
               OR EXISTS (SELECT FROM dynamo.jobs WHERE status = 'FAILED')" "the restores did not end"
q -c "SELECT kind, subject, error FROM dynamo.jobs WHERE status = 'FAILED'" >"$WORK/failed_jobs"
[ -s "$WORK/failed_jobs" ] && { cat "$WORK/failed_jobs"; fail "jobs failed"; }

# compare_main POINT TABLE: a restored PitrMain with the copy at POINT
compare_main() {
    local e="pitr_expect.\"$1_main\"" g="dynamo_data.\"$(q -c "SELECT relation_name FROM dynamo.tables WHERE table_name = '$2'")\""
    local gi="dynamo_data.\"$(q -c "SELECT relation_name FROM dynamo.indexes WHERE table_name = '$2' AND index_name = 'by_g'")\""
    same "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM $e ORDER BY pk, sk" \
         "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM $g ORDER BY pk, sk" "$2: items"
    same "SELECT item::jsonb::text FROM $e ORDER BY 1" \
         "SELECT i::text FROM pitr_scan('$2') i ORDER BY 1" "$2: Scan"
    same "SELECT pk::jsonb, sk::jsonb, table_pk::jsonb, table_sk::jsonb, item::jsonb FROM pitr_expect.\"$1_gsi\"
           ORDER BY pk, sk, table_pk, table_sk" \
         "SELECT pk::jsonb, sk::jsonb, table_pk::jsonb, table_sk::jsonb, item::jsonb FROM $gi
           ORDER BY pk, sk, table_pk, table_sk" "$2: GSI by_g"
    same "SELECT item::jsonb::text FROM pitr_expect.\"$1_gsi\" ORDER BY 1" \
         "SELECT i::text FROM pitr_scan('$2', 'by_g') i ORDER BY 1" "$2: Scan of GSI by_g"
    same "SELECT item::jsonb FROM $e WHERE dynamo.get(item, 'ls') IS NOT NULL ORDER BY pk, dynamo.get(item, 'ls')" \
         "SELECT i FROM pitr_query_lsi('$2') WITH ORDINALITY AS f(i, n) ORDER BY n" "$2: Query of LSI by_ls"
}

# compare_hash POINT TABLE: a restored PitrHash with the copy at POINT
compare_hash() {
    local g="dynamo_data.\"$(q -c "SELECT relation_name FROM dynamo.tables WHERE table_name = '$2'")\""
    same "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM pitr_expect.\"$1_hash\" ORDER BY pk" \
         "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM $g ORDER BY pk" "$2: items"
    same "SELECT item::jsonb::text FROM pitr_expect.\"$1_hash\" ORDER BY 1" \
         "SELECT i::text FROM pitr_scan('$2') i ORDER BY 1" "$2: Scan"
}

for point in $(q -c "SELECT name FROM pitr_points WHERE at IS NOT NULL ORDER BY at"); do
    compare_main "$point" "R_${point}_PitrMain"
    compare_hash "$point" "R_${point}_PitrHash"
done
echo "check_pitr: $(q -c "SELECT count(*) FROM pitr_points WHERE at IS NOT NULL") points restored and compared" \
     "($(q -c "SELECT count(*) FROM pitr_expect.q${ROUNDS}_main") items in PitrMain at the last)"

# ---- UseLatestRestorableTime: the table as it is now
point_quiet latest
q -c "SELECT dynamo.execute('RestoreTableToPointInTime', '{\"SourceTableName\": \"PitrMain\",
          \"TargetTableName\": \"Latest\", \"UseLatestRestorableTime\": true}') IS NOT NULL" >/dev/null
wait_until "SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'Latest'" "the latest restore did not end"
compare_main latest Latest
[ "$(q -c "SELECT dynamo.execute('DescribeTable', '{\"TableName\": \"Latest\"}')
              #>> '{Table,RestoreSummary,RestoreInProgress}'")" = "false" ] || { echo "check_pitr: RestoreSummary of Latest"; failed=1; }

# ---- errors
earliest=$(q -c "SELECT extract(epoch FROM earliest_restorable_time) FROM dynamo.continuous_backups WHERE table_name = 'PitrMain'")
expect_error RestoreTableToPointInTime '{"SourceTableName": "PitrNone", "TargetTableName": "Xone", "UseLatestRestorableTime": true}' \
    "PointInTimeRecoveryUnavailableException: Point in time recovery is not enabled for table 'PitrNone'"
expect_error RestoreTableToPointInTime "{\"SourceTableName\": \"PitrMain\", \"TargetTableName\": \"Xone\", \"RestoreDateTime\": $(q -c "SELECT $earliest - 10")}" \
    "InvalidRestoreTimeException: RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime"
expect_error RestoreTableToPointInTime "{\"SourceTableName\": \"PitrMain\", \"TargetTableName\": \"Xone\", \"RestoreDateTime\": $(( $(date +%s) + 3600 ))}" \
    "InvalidRestoreTimeException: RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime"
expect_error RestoreTableToPointInTime '{"SourceTableName": "PitrMain", "TargetTableName": "PitrHash", "UseLatestRestorableTime": true}' \
    "TableAlreadyExistsException: Table already exists: PitrHash"
expect_error RestoreTableToPointInTime '{"SourceTableName": "Nowhere", "TargetTableName": "Xone", "UseLatestRestorableTime": true}' \
    "TableNotFoundException: Table not found: Nowhere"
expect_error RestoreTableToPointInTime "{\"SourceTableName\": \"PitrMain\", \"TargetTableName\": \"Xone\", \"UseLatestRestorableTime\": true, \"RestoreDateTime\": $earliest}" \
    "ValidationException: Only one of RestoreDateTime or UseLatestRestorableTime can be specified"
expect_error RestoreTableToPointInTime '{"SourceTableName": "PitrMain", "TargetTableName": "Xone"}' \
    "ValidationException: Either RestoreDateTime or UseLatestRestorableTime must be specified"
[ "$(q -c "SELECT count(*) FROM dynamo.tables WHERE table_name = 'Xone'")" = "0" ] || { echo "check_pitr: a failed restore left its table"; failed=1; }

# ---- disabling drops the history; enabling again starts a new one
hash_id=$(q -c "SELECT table_id FROM dynamo.tables WHERE table_name = 'PitrHash'")
q -c "SELECT relation_name FROM dynamo.backups WHERE purpose = 'PITR_BASE' AND table_id = '$hash_id'" >"$WORK/hash_bases"
[ "$(q -c "SELECT count(*) > 0 FROM dynamo.pitr_changes WHERE table_id = '$hash_id'")" = "t" ] || fail "PitrHash has no history to drop"
q -c "SELECT dynamo.execute('UpdateContinuousBackups', '$(pitr PitrHash false)')
          #>> '{ContinuousBackupsDescription,PointInTimeRecoveryDescription}'" >"$WORK/disabled"
[ "$(cat "$WORK/disabled")" = '{"PointInTimeRecoveryStatus": "DISABLED"}' ] || { echo "check_pitr: disabled: $(cat "$WORK/disabled")"; failed=1; }
disabled_at=$(q -c "SELECT extract(epoch FROM now())")
# a base copy running when it was disabled is dropped by the worker's next round
wait_until "SELECT NOT EXISTS (SELECT FROM dynamo.pitr_changes WHERE table_id = '$hash_id')
               AND NOT EXISTS (SELECT FROM dynamo.backups WHERE purpose = 'PITR_BASE' AND table_id = '$hash_id')
               AND NOT EXISTS (SELECT FROM pg_tables WHERE schemaname = 'dynamo_backups'
                                  AND tablename IN ($(sed "s/.*/'&'/" "$WORK/hash_bases" | paste -sd, -)))" \
    "disabling PITR left history behind"
writes 900 50
[ "$(q -c "SELECT count(*) FROM dynamo.pitr_changes WHERE table_id = '$hash_id'")" = "0" ] || { echo "check_pitr: changes captured while disabled"; failed=1; }
expect_error RestoreTableToPointInTime '{"SourceTableName": "PitrHash", "TargetTableName": "Xtwo", "UseLatestRestorableTime": true}' \
    "PointInTimeRecoveryUnavailableException: Point in time recovery is not enabled for table 'PitrHash'"
q -c "SELECT dynamo.execute('UpdateContinuousBackups', '$(pitr PitrHash true)') IS NOT NULL" >/dev/null
wait_until "SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = 'PitrHash'" "PITR is not ENABLED again"
[ "$(q -c "SELECT earliest_restorable_time > to_timestamp($disabled_at) FROM dynamo.continuous_backups WHERE table_name = 'PitrHash'")" = "t" ] \
    || { echo "check_pitr: the new window starts before PITR was enabled again"; failed=1; }
expect_error RestoreTableToPointInTime "{\"SourceTableName\": \"PitrHash\", \"TargetTableName\": \"Xtwo\", \"RestoreDateTime\": $disabled_at}" \
    "InvalidRestoreTimeException: RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime"
writes 901 100
point_quiet again
[ "$(q -c "SELECT count(*) FROM dynamo.pitr_changes p, dynamo.continuous_backups c
           WHERE p.table_id = c.table_id AND c.table_name = 'PitrHash' AND p.commit_time < c.enabled_time")" = "0" ] \
    || { echo "check_pitr: the new history has changes from before it was enabled"; failed=1; }
at=$(q -c "SELECT extract(epoch FROM at) FROM pitr_points WHERE name = 'again'")
q -c "SELECT dynamo.execute('RestoreTableToPointInTime', '{\"SourceTableName\": \"PitrHash\",
          \"TargetTableName\": \"Again\", \"RestoreDateTime\": $at}') IS NOT NULL" >/dev/null
wait_until "SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'Again'" "the restore after enabling again did not end"
compare_hash again Again

[ "$failed" = 0 ] || fail "see above"
echo "check_pitr: ok"
