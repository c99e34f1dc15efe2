#!/usr/bin/env bash
# make-sample.sh: the export under dynamodb-export/ from dynamodb-export-items.jsonl
# (gzip -n: the same bytes, and so the same checksums, every time).
set -euo pipefail
cd "$(dirname "$0")"
export_id=01700000000000-5a1e0b2c
data_id=3mvq2xkcyu4x7nbzm2xqjlsnoy
dir=dynamodb-export/AWSDynamoDB/$export_id
mkdir -p "$dir/data"
gzip -n -9 -c dynamodb-export-items.jsonl > "$dir/data/$data_id.json.gz"
items=$(wc -l < dynamodb-export-items.jsonl)
md5_b64=$(openssl md5 -binary "$dir/data/$data_id.json.gz" | base64)
md5_hex=$(md5sum "$dir/data/$data_id.json.gz" | cut -d' ' -f1)
printf '{"itemCount":%d,"md5Checksum":"%s","etag":"%s","dataFileS3Key":"AWSDynamoDB/%s/data/%s.json.gz"}\n' \
    "$items" "$md5_b64" "$md5_hex" "$export_id" "$data_id" > "$dir/manifest-files.json"
cat > "$dir/manifest-summary.json" <<JSON
{"version":"2020-06-30","exportArn":"arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog/export/$export_id","startTime":"2023-11-14T22:13:20.000Z","endTime":"2023-11-14T22:18:41.512Z","tableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog","tableId":"6a1c2f9e-3b7d-4e21-9c55-0d8b7f1e2a34","exportTime":"2023-11-14T22:13:20.000Z","s3Bucket":"my-exports","s3Prefix":null,"s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,"manifestFilesS3Key":"AWSDynamoDB/$export_id/manifest-files.json","billedSizeBytes":0,"itemCount":$items,"outputFormat":"DYNAMODB_JSON"}
JSON
md5sum "$dir/manifest-summary.json" | cut -d' ' -f1 | tr -d '\n' > "$dir/manifest-summary.checksum"
md5sum "$dir/manifest-files.json" | cut -d' ' -f1 | tr -d '\n' > "$dir/manifest-files.checksum"
: > "$dir/_started"
