#!/usr/bin/env bash
# run.sh: set up and run dynamo on this machine.
#
# Installs the dependencies (Debian packages), builds and installs the
# extension, starts a local PostgreSQL cluster whose data lives under the
# project's own folder (.run/), creates the extension in database "dynamo"
# and runs a short demo. Run it again and it reuses the cluster.
#
#   scripts/run.sh           set up, start, demo
#   scripts/run.sh stop      stop the cluster
#
# It also starts the DynamoDB wire endpoint on DYNAMO_HTTP_PORT with a local
# access key, and lists the tables through it with the AWS CLI.
#
# Settings (environment):
#   DYNAMO_PORT       port of the cluster (default 5488)
#   DYNAMO_DB         database to create the extension in (default dynamo)
#   DYNAMO_HTTP_PORT  port of the wire endpoint (default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PORT=${DYNAMO_PORT:-5488}
DB=${DYNAMO_DB:-dynamo}
HTTP_PORT=${DYNAMO_HTTP_PORT:-8000}
KEY_ID=AKIDLOCALDEVELOPMENT
SECRET=local-development-secret
RUN_DIR="$ROOT/.run"
DATA="$RUN_DIR/pgdata"
SOCKETS="$RUN_DIR/sockets"
LOG="$RUN_DIR/postgres.log"
BIN=/usr/lib/postgresql/15/bin

# Postgres will not run as root: run the cluster as the "postgres" user then.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = "stop" ]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop
    exit 0
fi

scripts/install-deps.sh

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
make -s
$SUDO make -s install

mkdir -p "$RUN_DIR" "$SOCKETS"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$RUN_DIR" "$SOCKETS"
    if ! runuser -u postgres -- test -w "$RUN_DIR"; then
        echo "run.sh: user postgres cannot reach $RUN_DIR; clone the project where it can (not under /root)" >&2
        exit 1
    fi
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi

if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w \
        -o "-p $PORT -k $SOCKETS -c listen_addresses=localhost -c shared_preload_libraries=dynamo -c dynamo.http_port=$HTTP_PORT -c dynamo.http_database=$DB -c wal_level=logical -c output_plugin_libraries=pgoutput,test_decoding,dynamo -c max_worker_processes=32" start
fi

export PGHOST="$SOCKETS" PGPORT="$PORT" PGUSER=postgres
# Before the first release there are no upgrade scripts: when the
# extension's SQL changed since the database was made, make it anew.
script_sum=$(md5sum dynamo--*.sql | md5sum | cut -c1-32)
if [ -f "$RUN_DIR/extension.md5" ] && [ "$(cat "$RUN_DIR/extension.md5")" != "$script_sum" ]; then
    echo "run.sh: the extension's SQL changed: recreating database $DB"
    dropdb --force --if-exists "$DB"
fi
psql -X -q -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || createdb "$DB"
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS dynamo" \
    -c "ALTER DATABASE \"$DB\" SET search_path = public, dynamo"

echo "$script_sum" > "$RUN_DIR/extension.md5"

echo "=== demo (scripts/demo.sql)"
psql -X -d "$DB" -v ON_ERROR_STOP=1 -f scripts/demo.sql

psql -X -q -d "$DB" -c "DELETE FROM dynamo.access_keys WHERE access_key_id = '$KEY_ID'" \
     -c "SELECT dynamo.create_access_key('postgres', '$KEY_ID', '$SECRET')" >/dev/null
# the endpoint's workers connect to the database once it exists: restart them
psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'dynamo http worker'" >/dev/null
for i in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break
    sleep 0.2
done
echo "=== the wire endpoint, through the AWS CLI"
AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" \
    /usr/bin/aws dynamodb list-tables --endpoint-url "http://127.0.0.1:$HTTP_PORT" --output json

cat <<INFO

dynamo is running: Postgres 15 on port $PORT, database "$DB", data in $DATA.
Connect:   psql -h $SOCKETS -p $PORT -U postgres $DB     (or -h localhost)
DynamoDB:  http://127.0.0.1:$HTTP_PORT  access key $KEY_ID, secret $SECRET
           AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$SECRET aws dynamodb list-tables \\
               --endpoint-url http://127.0.0.1:$HTTP_PORT --region us-east-1
Stop:      scripts/run.sh stop
INFO
