#!/usr/bin/env bash
# check_roundtrip.sh: a table exported with ExportTableToPointInTime and
# imported back with ImportTable from the export's data/ folder, in DYNAMODB_JSON
# and in ION, compared item by item and index by index (check_roundtrip.py),
# in a cluster of its own whose bucket "roundtrip" is a fresh directory.
# Uses the installed build; run by test/backup/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUCKET_DIR=$(mktemp -d /tmp/dynamo-check-roundtrip.XXXXXX)
chmod 777 "$BUCKET_DIR"
trap 'rm -rf "$BUCKET_DIR"' EXIT
export BUCKET_DIR

pg_virtualenv -o shared_preload_libraries=dynamo -o wal_level=logical \
    -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
    -o "dynamo.s3_bucket_directories=roundtrip=$BUCKET_DIR" -- \
    sh -c 'psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dynamo" && /usr/bin/python3 test/backup/check_roundtrip.py'
