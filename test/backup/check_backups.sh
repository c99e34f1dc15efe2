#!/usr/bin/env bash
# check_backups.sh: on-demand backups in a cluster of their own (pg_virtualenv:
# dynamo preloaded, the job worker polling fast, capacity not enforced).
#
# A table (pk S, sk N, an LSI on ls, a GSI on g) with fixed items, and two
# writers that each insert increasing sort keys under their own partition
# key, one transaction each, while CreateBackup is asked for.  Then:
#   - the backup holds every fixed item as it is, and of each writer's keys
#     a prefix 1..k (one snapshot: a later insert is never in it without
#     the earlier ones); ItemCount counts them;
#   - RestoreTableFromBackup gives a table equal to the backup: its
#     relation, Scan, the GSI (Scan by IndexName), the LSI (Query);
#   - with overrides (PROVISIONED with a throughput, the GSI dropped, the
#     LSI kept): the same items, the definition asked for;
#   - DeleteBackup drops the backup's relation; a restore from it fails;
#   - the backup survives pg_dump / pg_restore into a new database, and
#     restores there to the same items.
# Any difference is printed as a diff; exit 1.
#
#   test/backup/check_backups.sh        (starts its own cluster)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DYNAMO_BACKUPS_CLUSTER:-}" ]; then
    exec pg_virtualenv -t -o shared_preload_libraries=dynamo -o wal_level=logical \
        -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
        -o dynamo.backup_poll_interval=100ms -o dynamo.capacity_enforcement=off \
        -- env DYNAMO_BACKUPS_CLUSTER=1 "$0" "$@"
fi

export PGOPTIONS="${PGOPTIONS:-} -c search_path=public,dynamo"
WORK=$(mktemp -d /tmp/check_backups.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CHECK=check_backups
. test/backup/lib.sh
DB=postgres
failed=0

relation() { q -c "SELECT relation_name FROM dynamo.tables WHERE table_name = '$1'"; }

q -f - >/dev/null <<'SQL'
CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{"TableName": "Source", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "ls", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "LocalSecondaryIndexes": [{"IndexName": "by_ls", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "ls", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}],
    "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "ALL"}}]}') IS NOT NULL;
SELECT count(dynamo.execute('PutItem', jsonb_build_object('TableName', 'Source', 'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'fixed' || (i % 20)), 'sk', jsonb_build_object('N', i::text),
    'ls', jsonb_build_object('S', 'l' || (i * 7919 % 1000)), 'g', jsonb_build_object('S', 'g' || (i % 5)),
    'pad', jsonb_build_object('S', repeat('x', 100 + i % 3000))))))
  FROM generate_series(1, 1000) i;
CREATE TABLE fixed AS SELECT pk, sk, item FROM dynamo_data."Source";
SQL
q -f test/backup/pitr/helpers.sql >/dev/null     # pitr_scan, pitr_error

# two writers inserting increasing keys while the backup is asked for
for w in 1 2; do
    (for i in $(seq 1 1500); do
         echo "SELECT dynamo.execute('PutItem', '{\"TableName\": \"Source\", \"Item\": {\"pk\": {\"S\": \"writer$w\"}, \"sk\": {\"N\": \"$i\"}}}') IS NOT NULL;"
     done) | psql -X -q -d "$DB" -o /dev/null -f - &
done
sleep 0.5
arn=$(q -c "SELECT dynamo.execute('CreateBackup', '{\"TableName\": \"Source\", \"BackupName\": \"during-writes\"}')
              #>> '{BackupDetails,BackupArn}'")
wait
wait_until "SELECT status = 'AVAILABLE' FROM dynamo.backups WHERE dynamo.backup_arn(backups) = '$arn'" "the backup is not AVAILABLE"
id=${arn##*/}
q -c "SELECT pk::jsonb ->> 'S', count(*), max((sk::jsonb ->> 'N')::int) FROM dynamo_backups.\"$id\"
       WHERE pk::jsonb ->> 'S' LIKE 'writer%' GROUP BY 1 ORDER BY 1" >"$WORK/writers"
echo "check_backups: the backup has of the writers' keys: $(tr '\n' ' ' <"$WORK/writers")"
awk -F'|' '$2 != $3 { bad = 1 } END { exit bad }' "$WORK/writers" || { echo "check_backups: a writer's keys in the backup are not a prefix"; failed=1; }
[ "$(awk -F'|' '$2 > 0 && $2 < 1500' "$WORK/writers" | wc -l)" -ge 1 ] \
    || echo "check_backups: note: the backup did not fall in the middle of the writes"
same "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM fixed ORDER BY pk, sk" \
     "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM dynamo_backups.\"$id\" WHERE pk::jsonb ->> 'S' LIKE 'fixed%' ORDER BY pk, sk" \
     "the backup's fixed items"
[ "$(q -c "SELECT dynamo.execute('DescribeBackup', jsonb_build_object('BackupArn', '$arn'))
             #>> '{BackupDescription,SourceTableDetails,ItemCount}'")" = "$(q -c "SELECT count(*) FROM dynamo_backups.\"$id\"")" ] \
    || { echo "check_backups: ItemCount is not the backup's count"; failed=1; }

# compare TABLE: a restored table with the backup
compare() {
    same "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM dynamo_backups.\"$id\" ORDER BY pk, sk" \
         "SELECT pk::jsonb, sk::jsonb, item::jsonb FROM dynamo_data.\"$(relation "$1")\" ORDER BY pk, sk" "$1: items"
    same "SELECT item::jsonb::text FROM dynamo_backups.\"$id\" ORDER BY 1" \
         "SELECT i::text FROM pitr_scan('$1') i ORDER BY 1" "$1: Scan"
    same "SELECT item::jsonb::text FROM dynamo_backups.\"$id\" WHERE pk::jsonb ->> 'S' = 'fixed3'
           ORDER BY dynamo.get(item, 'ls'), sk" \
         "SELECT i::text FROM jsonb_array_elements(dynamo.execute('Query', '{\"TableName\": \"$1\", \"IndexName\": \"by_ls\",
              \"KeyConditionExpression\": \"pk = :p\", \"ExpressionAttributeValues\": {\":p\": {\"S\": \"fixed3\"}}}') -> 'Items')
              WITH ORDINALITY AS f(i, n) ORDER BY n" "$1: Query of LSI by_ls"
}

# a plain restore, and one with overrides
q -c "SELECT dynamo.execute('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'Plain', 'BackupArn', '$arn'))
          IS NOT NULL" \
  -c "SELECT dynamo.execute('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'Over', 'BackupArn', '$arn',
          'BillingModeOverride', 'PROVISIONED',
          'ProvisionedThroughputOverride', '{\"ReadCapacityUnits\": 11, \"WriteCapacityUnits\": 4}'::jsonb,
          'GlobalSecondaryIndexOverride', '[]'::jsonb,
          'LocalSecondaryIndexOverride', dynamo.execute('DescribeTable', '{\"TableName\": \"Source\"}')
                                             #> '{Table,LocalSecondaryIndexes}' #- '{0,IndexArn}' #- '{0,IndexSizeBytes}'
                                             #- '{0,ItemCount}')) IS NOT NULL" >/dev/null
wait_until "SELECT count(*) = 2 FROM dynamo.tables WHERE table_name IN ('Plain', 'Over') AND status = 'ACTIVE'" "the restores did not end"
compare Plain
compare Over
same "SELECT item::jsonb::text FROM dynamo_backups.\"$id\" WHERE dynamo.get(item, 'g') IS NOT NULL ORDER BY 1" \
     "SELECT i::text FROM pitr_scan('Plain', 'by_g') i ORDER BY 1" "Plain: Scan of GSI by_g"
q -c "SELECT jsonb_strip_nulls(jsonb_build_object('throughput', t #> '{ProvisionedThroughput,ReadCapacityUnits}',
                                'w', t #> '{ProvisionedThroughput,WriteCapacityUnits}', 'gsis', t -> 'GlobalSecondaryIndexes',
                                'lsis', t #> '{LocalSecondaryIndexes,0,IndexName}', 'source', t #>> '{RestoreSummary,SourceBackupArn}' = '$arn'))
        FROM (SELECT dynamo.execute('DescribeTable', '{\"TableName\": \"Over\"}') #> '{Table}' AS t) d" >"$WORK/over"
[ "$(cat "$WORK/over")" = '{"w": 4, "lsis": "by_ls", "source": true, "throughput": 11}' ] \
    || { echo "check_backups: Over is $(cat "$WORK/over")"; failed=1; }

# pg_dump / pg_restore: the backup is in the dump and restores in the new database
pg_dump -Fc -d postgres >"$WORK/dump"
createdb restored
pg_restore --exit-on-error -d restored "$WORK/dump"
DB=restored
[ "$(q -c "SELECT dynamo.execute('DescribeBackup', jsonb_build_object('BackupArn', '$arn'))
             #>> '{BackupDescription,BackupDetails,BackupStatus}'")" = "AVAILABLE" ] || fail "the backup is not AVAILABLE after pg_restore"
q -c "SELECT dynamo.execute('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'FromDump', 'BackupArn', '$arn'))
          IS NOT NULL" >/dev/null
wait_until "SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'FromDump'" "the restore in the restored database did not end"
compare FromDump
DB=postgres

# DeleteBackup: the relation goes, and restores from it fail
q -c "SELECT dynamo.execute('DeleteBackup', jsonb_build_object('BackupArn', '$arn')) IS NOT NULL" >/dev/null
[ "$(q -c "SELECT to_regclass('dynamo_backups.\"$id\"') IS NULL")" = "t" ] || { echo "check_backups: the backup's relation is left"; failed=1; }
got=$(q -c "SELECT pitr_error('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'Gone', 'BackupArn', '$arn'))")
[ "$got" = "BackupNotFoundException: Backup not found: $arn" ] || { echo "check_backups: restore of a deleted backup: $got"; failed=1; }

[ "$failed" = 0 ] || fail "see above"
echo "check_backups: ok"
