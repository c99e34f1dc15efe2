#!/usr/bin/env bash
# pitr_run.sh: the body of pitr.sh, inside its cluster.
set -euo pipefail
DB=dynamo_bench_pitr
export PGOPTIONS="-c dynamo.capacity_enforcement=off -c search_path=public,dynamo"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
wait_for() { for _ in $(seq 1 36000); do [ "$(q "$1")" = t ] && return 0; sleep 0.1; done; echo "pitr: timed out: $1"; exit 1; }
create() {
    q "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"$1\", \"BillingMode\": \"PAY_PER_REQUEST\",
        \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
        \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}]}')" >/dev/null
}
pitr_on() {
    q "SELECT dynamo.execute('UpdateContinuousBackups', '{\"TableName\": \"$1\",
        \"PointInTimeRecoverySpecification\": {\"PointInTimeRecoveryEnabled\": true}}')" >/dev/null
    wait_for "SELECT status = 'ENABLED' FROM dynamo.continuous_backups WHERE table_name = '$1'"
}
# rate KIND SUBJECT_LIKE: items/s of the last such job
rate() { q "SELECT format('%s items in %s s: %s items/s', items, round(extract(epoch FROM end_time - start_time)::numeric, 1),
                          round(items / extract(epoch FROM end_time - start_time)))
              FROM dynamo.jobs WHERE kind = '$1' AND subject LIKE '$2' AND status = 'DONE' ORDER BY job_id DESC LIMIT 1"; }

q "CREATE EXTENSION dynamo" >/dev/null
create Plain
create Pitr
pitr_on Pitr

# ---- 1. PutItem with and without point-in-time recovery
script=$(mktemp)
cat > "$script" <<'SQL'
\set n random(1, 1000000000)
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', CASE WHEN :pitr = 1 THEN 'Pitr' ELSE 'Plain' END,
    'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'k' || :client_id || '-' || :n),
    'n', jsonb_build_object('N', :n::text),
    'note', jsonb_build_object('S', repeat('x', 1000)))));
SQL
slice=$(awk "BEGIN { s = $DURATION / $ROUNDS; print (s < 1 ? 1 : int(s)) }")
run() { pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$slice" -D pitr="$1" -f "$script" "$DB" 2>/dev/null |
        awk '/^latency average/ { l = $4 } /^tps/ { t = $3 } END { print t, l }'; }
: >"$script.off"; : >"$script.on"
for r in $(seq 1 "$ROUNDS"); do
    off=$(run 0); on=$(run 1)
    echo "pitr: round $r: PutItem tps, latency ms: without PITR $off, with PITR $on"
    echo "$off" >>"$script.off"; echo "$on" >>"$script.on"
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
tps_off=$(cut -d' ' -f1 "$script.off" | median); tps_on=$(cut -d' ' -f1 "$script.on" | median)
lat_off=$(cut -d' ' -f2 "$script.off" | median); lat_on=$(cut -d' ' -f2 "$script.on" | median)
echo "pitr: PutItem of 1 KB items, $CLIENTS clients, medians of $ROUNDS rounds: without PITR $tps_off tps ($lat_off ms), with PITR $tps_on tps ($lat_on ms); ratio with/without $(awk "BEGIN { printf \"%.3f\", $tps_on / $tps_off }")"
wait_for "SELECT (SELECT count(*) FROM dynamo.pitr_changes) >= (SELECT count(*) FROM dynamo_data.\"Pitr\")"
echo "pitr: the history caught up with the table ($(q "SELECT count(*) FROM dynamo.pitr_changes") changes)"

# ---- 2. base copy, backup and restore rates for ITEMS items of 1 KB
create Big
start=$(date +%s.%N)
q "INSERT INTO dynamo_data.\"Big\" (pk, item)
   SELECT jsonb_build_object('S', 'k' || i)::dynamo.value,
          jsonb_build_object('pk', jsonb_build_object('S', 'k' || i), 'n', jsonb_build_object('N', i::text),
                             'note', jsonb_build_object('S', repeat(md5(i::text), 31)))::dynamo.item
     FROM generate_series(1, $ITEMS) i" >/dev/null
echo "pitr: loaded $ITEMS items of about 1 KB by SQL in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s (baseline)"
q "VACUUM ANALYZE dynamo_data.\"Big\"" >/dev/null
pitr_on Big
echo "pitr: first base copy (enabling PITR): $(rate pitr_base '%')"
arn=$(q "SELECT dynamo.execute('CreateBackup', '{\"TableName\": \"Big\", \"BackupName\": \"bench\"}') #>> '{BackupDetails,BackupArn}'")
wait_for "SELECT status = 'AVAILABLE' FROM dynamo.backups WHERE backup_name = 'bench'"
echo "pitr: CreateBackup: $(rate backup '%')"
q "SELECT dynamo.execute('RestoreTableFromBackup', jsonb_build_object('TargetTableName', 'FromBackup', 'BackupArn', '$arn'))" >/dev/null
wait_for "SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'FromBackup'"
echo "pitr: RestoreTableFromBackup: $(rate restore FromBackup)"
start=$(date +%s.%N)
q "UPDATE dynamo_data.\"Big\" SET item = (item::jsonb || '{\"u\": {\"N\": \"1\"}}')::dynamo.item
    WHERE pk IN (SELECT jsonb_build_object('S', 'k' || i)::dynamo.value FROM generate_series(1, $UPDATED) i)" >/dev/null
echo "pitr: updated $UPDATED items by SQL in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s"
q "SELECT dynamo.execute('RestoreTableToPointInTime', '{\"SourceTableName\": \"Big\", \"TargetTableName\": \"AtLatest\",
       \"UseLatestRestorableTime\": true}')" >/dev/null
wait_for "SELECT status = 'ACTIVE' FROM dynamo.tables WHERE table_name = 'AtLatest'"
echo "pitr: RestoreTableToPointInTime (base copy + $UPDATED changes): $(rate restore AtLatest)"
[ "$(q "SELECT count(*) FROM dynamo_data.\"AtLatest\" WHERE dynamo.get(item, 'u') IS NOT NULL")" = "$UPDATED" ] \
    || { echo "pitr: the restored table lacks the updates"; exit 1; }
