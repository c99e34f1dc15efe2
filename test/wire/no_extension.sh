#!/usr/bin/env bash
# no_extension.sh: the endpoint on a database without CREATE EXTENSION dynamo
# (dynamo.http_database = dynamo_noext): every request is answered with an
# InternalServerError that says so, logged once; CREATE EXTENSION and DROP
# EXTENSION take effect without a restart. Run inside a cluster started with
# that setting (scripts/test.sh); the workers connect once the database exists.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${DYNAMO_WIRE_PORT:?the endpoint port}
export DYNAMO_ENDPOINT="http://127.0.0.1:$PORT" DYNAMO_KEY_ID=AKIDWIRETEST00000002 DYNAMO_SECRET=wire-test-secret-2
export DYNAMO_WIRE_NO_EXTENSION_DB=dynamo_noext

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE dynamo_noext"
for i in $(seq 1 100); do   # the workers retry their database every second
    curl -s -o /dev/null "$DYNAMO_ENDPOINT/" && break
    sleep 0.2
done

/usr/bin/python3 test/wire/test_wire.py NoExtension
