#!/usr/bin/env bash
# run.sh: the wire endpoint with the real AWS clients (Debian's python3-boto3
# and awscli), against a cluster started with the endpoint on
# (scripts/test.sh: pg_virtualenv -o dynamo.http_port=...). Makes an access
# key for the test, runs test_wire.py, test_indexes.py, test_transactions.py,
# the concurrent bank transfers of test/concurrency/bank_transfer.sh (they
# need the endpoint) and a few AWS CLI commands (tables, items, secondary
# indexes); test_backups.py runs backups and point-in-time recovery (with the AWS CLI too).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${DYNAMO_WIRE_PORT:?the endpoint port}
export DYNAMO_ENDPOINT="http://127.0.0.1:$PORT" DYNAMO_KEY_ID=AKIDWIRETEST00000001 DYNAMO_SECRET=wire-test-secret

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE EXTENSION IF NOT EXISTS dynamo" \
     -c "SELECT dynamo.create_access_key('postgres', '$DYNAMO_KEY_ID', '$DYNAMO_SECRET')" >/dev/null
for i in $(seq 1 50); do   # the workers start once the cluster is up
    curl -s -o /dev/null "$DYNAMO_ENDPOINT/" && break
    sleep 0.2
done

/usr/bin/python3 test/wire/test_wire.py
/usr/bin/python3 test/wire/test_indexes.py
/usr/bin/python3 test/wire/test_transactions.py
/usr/bin/python3 test/wire/test_capacity.py
/usr/bin/python3 test/wire/test_capacity_control.py
/usr/bin/python3 test/wire/test_metrics.py
/usr/bin/python3 test/wire/test_streams.py
/usr/bin/python3 test/wire/test_ttl.py
/usr/bin/python3 test/wire/test_tags.py
/usr/bin/python3 test/wire/test_exports.py
/usr/bin/python3 test/wire/test_backups.py
/usr/bin/python3 test/wire/test_imports.py
test/concurrency/bank_transfer.sh

export AWS_ACCESS_KEY_ID=$DYNAMO_KEY_ID AWS_SECRET_ACCESS_KEY=$DYNAMO_SECRET AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { /usr/bin/aws --endpoint-url "$DYNAMO_ENDPOINT" "$@"; }
aws dynamodb create-table --table-name WireCli --attribute-definitions AttributeName=id,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null
aws dynamodb put-item --table-name WireCli --item '{"id": {"S": "cli"}, "n": {"N": "42"}}'
got=$(aws dynamodb get-item --table-name WireCli --key '{"id": {"S": "cli"}}' --query 'Item.n.N' --output text)
[ "$got" = "42" ] || { echo "wire: FAILED: aws cli get-item gave $got"; exit 1; }
if aws dynamodb get-item --table-name WireCli --key '{"nope": {"S": "cli"}}' 2>/tmp/dynamo-cli-error; then
    echo "wire: FAILED: a bad key was accepted"; exit 1
fi
grep -q "ValidationException" /tmp/dynamo-cli-error || { cat /tmp/dynamo-cli-error; exit 1; }
aws dynamodb delete-table --table-name WireCli >/dev/null

# secondary indexes: two LSIs and a GSI in one create-table, queried by --index-name
aws dynamodb create-table --table-name WireCliIdx --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
        AttributeName=d,AttributeType=S AttributeName=r,AttributeType=N AttributeName=g,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
    --local-secondary-indexes \
        'IndexName=by_d,KeySchema=[{AttributeName=pk,KeyType=HASH},{AttributeName=d,KeyType=RANGE}],Projection={ProjectionType=ALL}' \
        'IndexName=by_r,KeySchema=[{AttributeName=pk,KeyType=HASH},{AttributeName=r,KeyType=RANGE}],Projection={ProjectionType=KEYS_ONLY}' \
    --global-secondary-indexes \
        'IndexName=by_g,KeySchema=[{AttributeName=g,KeyType=HASH},{AttributeName=sk,KeyType=RANGE}],Projection={ProjectionType=INCLUDE,NonKeyAttributes=[d]}' \
    >/dev/null
got=$(aws dynamodb describe-table --table-name WireCliIdx \
      --query 'Table.[join(`,`, LocalSecondaryIndexes[].IndexName), GlobalSecondaryIndexes[0].IndexName, GlobalSecondaryIndexes[0].IndexStatus]' \
      --output text)
[ "$got" = "$(printf 'by_d,by_r\tby_g\tACTIVE')" ] || { echo "wire: FAILED: aws cli describe-table indexes gave $got"; exit 1; }
for i in 1 2 3; do
    aws dynamodb put-item --table-name WireCliIdx \
        --item "{\"pk\": {\"S\": \"p\"}, \"sk\": {\"S\": \"s$i\"}, \"d\": {\"S\": \"2024-0$((4 - i))\"}, \"r\": {\"N\": \"$i\"}, \"g\": {\"S\": \"grp\"}, \"x\": {\"N\": \"$i\"}}"
done
got=$(aws dynamodb query --table-name WireCliIdx --index-name by_d --key-condition-expression 'pk = :p' \
      --expression-attribute-values '{":p": {"S": "p"}}' --query 'Items[].sk.S' --output text)
[ "$got" = "$(printf 's3\ts2\ts1')" ] || { echo "wire: FAILED: aws cli query on an LSI gave $got"; exit 1; }
got=$(aws dynamodb query --table-name WireCliIdx --index-name by_g --key-condition-expression 'g = :g AND sk > :s' \
      --expression-attribute-values '{":g": {"S": "grp"}, ":s": {"S": "s1"}}' --no-scan-index-forward \
      --query 'Items[].[sk.S, d.S, x.N]' --output text)
[ "$got" = "$(printf 's3\t2024-01\tNone\ns2\t2024-02\tNone')" ] || { echo "wire: FAILED: aws cli query on a GSI gave $got"; exit 1; }
got=$(aws dynamodb scan --table-name WireCliIdx --index-name by_r --select COUNT --query Count --output text)
[ "$got" = "3" ] || { echo "wire: FAILED: aws cli scan of an LSI gave $got"; exit 1; }
if aws dynamodb query --table-name WireCliIdx --index-name by_g --consistent-read --key-condition-expression 'g = :g' \
       --expression-attribute-values '{":g": {"S": "grp"}}' 2>/tmp/dynamo-cli-error >/dev/null; then
    echo "wire: FAILED: a consistent read of a GSI was accepted"; exit 1
fi
grep -q "Consistent reads are not supported on global secondary indexes" /tmp/dynamo-cli-error || { cat /tmp/dynamo-cli-error; exit 1; }
aws dynamodb delete-table --table-name WireCliIdx >/dev/null
echo "wire: aws cli ok"
