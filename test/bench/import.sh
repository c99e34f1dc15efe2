#!/usr/bin/env bash
# import.sh: ImportTable's rate against a plain COPY of the same lines, in one run.
#
#   pg_virtualenv -t -o shared_preload_libraries=dynamo -- test/bench/import.sh [items]
#
# Writes N items of about 1 KB as DYNAMODB_JSON lines (one uncompressed object), imports them
# with ImportTable (the job run in the session, dynamo.run_jobs) into a table of 8 partitions,
# and, as the baseline, COPYs the same file into a plain table (one jsonb column). Reports
# items per second of both and their ratio.
set -euo pipefail
N=${1:-1000000}
DIR=$(mktemp -d /tmp/dynamo-bench-import.XXXXXX)
chmod 755 "$DIR"
python3 - "$N" > "$DIR/items.json" <<'PY'
import json, sys
n = int(sys.argv[1])
pad = "x" * 900
for i in range(n):
    print(json.dumps({"Item": {"pk": {"S": "user%09d" % i}, "n": {"N": str(i)},
                               "tags": {"SS": ["a", "b"]}, "pad": {"S": pad}}}, separators=(",", ":")))
PY
chmod 644 "$DIR/items.json"
bytes=$(stat -c %s "$DIR/items.json")
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
CREATE EXTENSION IF NOT EXISTS dynamo;
DROP TABLE IF EXISTS bench_copy;
CREATE TABLE bench_copy (line jsonb);
SQL
start=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "COPY bench_copy FROM '$DIR/items.json' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')"
copy_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET dynamo.s3_bucket_directories = 'bench=$DIR';
BEGIN;
SELECT dynamo.execute('ImportTable', '{"S3BucketSource": {"S3Bucket": "bench", "S3KeyPrefix": "items"},
  "InputFormat": "DYNAMODB_JSON", "TableCreationParameters": {"TableName": "BenchImport", "BillingMode": "PAY_PER_REQUEST",
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}}') IS NOT NULL;
SELECT dynamo.run_jobs();
COMMIT;
SQL
import_s=$(echo "$(date +%s.%N) - $start" | bc)
imported=$(psql -X -At -d postgres -c "SELECT imported_item_count FROM dynamo.imports WHERE table_name = 'BenchImport'")
psql -X -q -d postgres -c "SELECT dynamo.execute('DeleteTable', '{\"TableName\": \"BenchImport\"}') IS NOT NULL" -c "DROP TABLE bench_copy" >/dev/null
rm -rf "$DIR"
echo "items: $N ($imported imported), $((bytes / 1024 / 1024)) MB of DYNAMODB_JSON"
echo "plain COPY into a jsonb table: $copy_s s, $(echo "$N / $copy_s" | bc) items/s"
echo "ImportTable (one transaction):  $import_s s, $(echo "$N / $import_s" | bc) items/s"
echo "ImportTable / COPY time: $(echo "scale=2; $import_s / $copy_s" | bc)"
