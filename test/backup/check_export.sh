#!/usr/bin/env bash
# check_export.sh: exports read back from their files (check_export.py), in a
# cluster of its own whose bucket "exports" is a fresh directory: the layout,
# checksums and every line of FULL_EXPORT and INCREMENTAL_EXPORT, in
# DYNAMODB_JSON and ION, compared by value with the table and its history.
# Uses the installed build; run by test/backup/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

EXPORT_DIR=$(mktemp -d /tmp/dynamo-check-export.XXXXXX)
chmod 777 "$EXPORT_DIR"
trap 'rm -rf "$EXPORT_DIR"' EXIT
export EXPORT_DIR

pg_virtualenv -o shared_preload_libraries=dynamo -o wal_level=logical \
    -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
    -o "dynamo.s3_bucket_directories=exports=$EXPORT_DIR" -- \
    sh -c 'psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dynamo" && /usr/bin/python3 test/backup/check_export.py'
