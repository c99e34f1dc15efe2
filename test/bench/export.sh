#!/usr/bin/env bash
# export.sh: the rate of ExportTableToPointInTime (items per second) against
# its baseline in the same run (issue 14, Tests and measurements):
#
#  1. ITEMS items of about 1 KB (default 1M) are loaded into a table of
#     PARTITIONS partitions, point-in-time recovery is turned on and its
#     first base copy taken;
#  2. baseline: COPY (SELECT item::text FROM the table) TO a file of the
#     server: the same items read and written as text, uncompressed;
#  3. a FULL_EXPORT in DYNAMODB_JSON of the same items (read through
#     dynamo.items_at, one gzip data file per partition, the manifests and
#     checksums), timed from the job's start to its end; then the same in ION.
#  Reported: items per second of each, the export's ratio to the baseline,
#  and the bytes written.
#
#   test/bench/export.sh                   (1M items: several minutes)
#   ITEMS=100000 test/bench/export.sh      (quick)
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-1000000} PARTITIONS=${PARTITIONS:-4}
BENCH_DIR=$(mktemp -d /tmp/dynamo-bench-export.XXXXXX)
chmod 777 "$BENCH_DIR"
trap 'rm -rf "$BENCH_DIR"' EXIT
export BENCH_DIR

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5498}" -o shared_preload_libraries=dynamo \
    -o wal_level=logical -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
    -o "dynamo.s3_bucket_directories=bench=$BENCH_DIR" -o max_wal_size=4GB -- ./export_run.sh
