#!/usr/bin/env bash
# export_run.sh: the body of export.sh, inside its cluster.
set -euo pipefail
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
q "CREATE EXTENSION dynamo"
q "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Bench\", \"BillingMode\": \"PAY_PER_REQUEST\",
    \"DynamoOptions\": {\"Partitions\": $PARTITIONS},
    \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],
    \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}]}'::jsonb)" >/dev/null
start=$(date +%s.%N)
q "INSERT INTO dynamo_data.\"Bench\" (pk, sk, item)
   SELECT dynamo.get(i, 'pk'), dynamo.get(i, 'sk'), i FROM (
     SELECT format('{\"pk\": {\"S\": \"user%s\"}, \"sk\": {\"N\": \"%s\"}, \"name\": {\"S\": \"%s\"}, \"n\": {\"N\": \"%s.25\"},
                    \"tags\": {\"SS\": [\"a\", \"b\", \"c\"]}, \"ok\": {\"BOOL\": true}, \"pad\": {\"S\": \"%s\"}}',
                   g % 100003, g, md5(g::text), g,
                   (SELECT string_agg(md5(g::text || k), '') FROM generate_series(1, 28) k))::dynamo.item AS i
       FROM generate_series(1, $ITEMS) g) s"
echo "loaded $ITEMS items in $(echo "$(date +%s.%N) - $start" | bc) s; average item $(q "SELECT avg(dynamo.item_size(item))::int FROM dynamo_data.\"Bench\"") bytes"
q "VACUUM ANALYZE dynamo_data.\"Bench\""
q "SELECT dynamo.execute('UpdateContinuousBackups', '{\"TableName\": \"Bench\", \"PointInTimeRecoverySpecification\": {\"PointInTimeRecoveryEnabled\": true}}'::jsonb)" >/dev/null
for i in $(seq 1 1200); do
    [ "$(q "SELECT status FROM dynamo.continuous_backups WHERE table_name = 'Bench'")" = ENABLED ] && break
    sleep 0.5
done
sleep 1.1

# baseline: the same items as text, to a file of the server
start=$(date +%s.%N)
q "COPY (SELECT item::text FROM dynamo_data.\"Bench\") TO '$BENCH_DIR/baseline.txt'"
baseline=$(echo "$(date +%s.%N) - $start" | bc)

export_once() {
    local format=$1 arn
    arn=$(q "SELECT dynamo.execute('ExportTableToPointInTime', '{\"TableArn\": \"arn:aws:dynamodb:us-east-1:000000000000:table/Bench\",
        \"S3Bucket\": \"bench\", \"S3Prefix\": \"$format\", \"ExportFormat\": \"$format\"}'::jsonb)->'ExportDescription'->>'ExportArn'")
    for i in $(seq 1 7200); do
        [ "$(q "SELECT status FROM dynamo.exports WHERE export_arn = '$arn'")" != IN_PROGRESS ] && break
        sleep 0.25
    done
    q "SELECT e.status, e.item_count, extract(epoch FROM j.end_time - j.start_time)
         FROM dynamo.exports e JOIN dynamo.jobs j ON j.subject = e.export_arn WHERE e.export_arn = '$arn'"
}
json=$(export_once DYNAMODB_JSON)
ion=$(export_once ION)
bytes() { du -sb "$BENCH_DIR/$1" | cut -f1; }
echo "baseline COPY TO: $ITEMS items in ${baseline} s: $(echo "$ITEMS / $baseline" | bc) items/s, $(bytes baseline.txt) bytes"
for r in "DYNAMODB_JSON|$json|DYNAMODB_JSON" "ION|$ion|ION"; do
    IFS="|" read -r name status count seconds dir <<<"$r"
    echo "export $name: $status, $count items in $seconds s: $(echo "$count / $seconds" | bc) items/s," \
         "ratio to baseline $(echo "scale=2; ($count / $seconds) / ($ITEMS / $baseline)" | bc), $(bytes "$dir") bytes gzipped"
done
