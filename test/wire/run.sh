#!/usr/bin/env bash
# run.sh: the wire endpoint with the real AWS clients (Debian's python3-boto3
# and awscli), against a cluster started with the endpoint on
# (scripts/test.sh: pg_virtualenv -o dynamo.http_port=...). Makes an access
# key for the test, runs test_wire.py and a few AWS CLI commands.
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
echo "wire: aws cli ok"
