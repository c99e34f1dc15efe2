#!/usr/bin/env bash
# check.sh: the committed src/api/api_shapes.[ch] are exactly what
# scripts/gen_api_shapes.py writes from DynamoDB's service model, and the
# generator writes the same bytes on every run.
#
# The model is ../shared/aws-models/dynamodb-2012-08-10.json from the
# repository root (DYNAMO_AWS_MODELS names another folder); without it the
# check is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

model="${DYNAMO_AWS_MODELS:-../shared/aws-models}/dynamodb-2012-08-10.json"
# the DynamoDB Streams model, dynamodbstreams-2012-08-10.json, is read from the same folder
if [ ! -f "$model" ]; then
    echo "api shapes: skipped, no $model"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/first" "$tmp/second"
PYTHONHASHSEED=1 python3 scripts/gen_api_shapes.py "$model" "$tmp/first"
PYTHONHASHSEED=2 python3 scripts/gen_api_shapes.py "$model" "$tmp/second"
diff -r "$tmp/first" "$tmp/second" >/dev/null || { echo "api shapes: the generator is not deterministic"; exit 1; }
for f in api_shapes.h api_shapes.c; do
    if ! diff -u "src/api/$f" "$tmp/first/$f"; then
        echo "api shapes: src/api/$f differs from the generator's output; run scripts/gen_api_shapes.py"
        exit 1
    fi
done
echo "api shapes: ok"
