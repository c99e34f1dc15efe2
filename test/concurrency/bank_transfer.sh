#!/usr/bin/env bash
# bank_transfer.sh: concurrent money transfers through the wire endpoint
# (test/concurrency/bank_transfer.py: N accounts, M clients moving money
# with TransactWriteItems for ~15 s; the total never changes, no balance
# goes negative, every cancellation carries the right reason, no hang).
#
# Needs a cluster whose endpoint runs, so test/wire/run.sh calls it (with
# DYNAMO_ENDPOINT, DYNAMO_KEY_ID and DYNAMO_SECRET set). On its own:
#   pg_virtualenv -t -o shared_preload_libraries=dynamo -o dynamo.http_port=8461 -- \
#       env DYNAMO_WIRE_PORT=8461 test/concurrency/bank_transfer.sh
# ACCOUNTS, CLIENTS, LOAD_SECONDS and START tune it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DYNAMO_ENDPOINT:-}" ]; then
    PORT=${DYNAMO_WIRE_PORT:?the endpoint port, or DYNAMO_ENDPOINT and an access key}
    export DYNAMO_ENDPOINT="http://127.0.0.1:$PORT" DYNAMO_KEY_ID=AKIDBANKTRANSFER0001 DYNAMO_SECRET=bank-transfer-secret
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE EXTENSION IF NOT EXISTS dynamo" \
         -c "SELECT dynamo.create_access_key('postgres', '$DYNAMO_KEY_ID', '$DYNAMO_SECRET')" >/dev/null
    for i in $(seq 1 50); do   # the workers start once the cluster is up
        curl -s -o /dev/null "$DYNAMO_ENDPOINT/" && break
        sleep 0.2
    done
fi
# a hang is a failure too: the script bounds its calls, this bounds the script
timeout $(( ${LOAD_SECONDS:-15} + 120 )) /usr/bin/python3 test/concurrency/bank_transfer.py
