#!/usr/bin/env bash
# run.sh: durability across a crash.
#
# A client writes items through dynamo.put_item, one transaction each, and
# records every write the server acknowledged; the postmaster and its
# backends are killed with SIGKILL mid-load; the cluster restarts (crash
# recovery from WAL) and every acknowledged item must be there, intact.
#
# Runs its own cluster in a temporary directory (as user postgres when run
# as root), on port CRASH_PORT (default 5493), for SECONDS_OF_LOAD (3).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${CRASH_PORT:-5493}
LOAD=${SECONDS_OF_LOAD:-3}
BIN=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/dynamo-crash.XXXXXX)
DATA="$DIR/data"

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start() {
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -o \
        "-p $PORT -k $DIR -c listen_addresses='' -c shared_preload_libraries=dynamo" start >/dev/null
}
cleanup() {
    as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
start
export PGHOST="$DIR" PGPORT="$PORT" PGUSER=postgres PGDATABASE=postgres
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dynamo" \
     -c "SELECT dynamo.create_table('Crash', 'id', 'N') IS NOT NULL" >/dev/null

# the writer: each acknowledged put is followed by its "ack <id>" line
for i in $(seq 1 1000000); do
    printf "SELECT dynamo.put_item('Crash', ('{\"id\": {\"N\": \"%d\"}, \"payload\": {\"S\": \"' || repeat(md5('%d'), 16) || '\"}}')::dynamo.item);\n\\\\echo ack %d\n" "$i" "$i" "$i"
done 2>/dev/null | psql -X -q -v ON_ERROR_STOP=1 -o /dev/null > "$DIR/acks" 2>"$DIR/writer.log" &
writer=$!

sleep "$LOAD"
postmaster=$(head -1 "$DATA/postmaster.pid")
children=$(pgrep -P "$postmaster" || true)
kill -9 "$postmaster" $children
wait "$writer" 2>/dev/null || true

# a SIGKILLed postmaster may linger as a zombie: its pid and lock files look live
rm -f "$DATA/postmaster.pid" "$DIR"/.s.PGSQL."$PORT".lock
acked=$(grep -c '^ack ' "$DIR/acks" || true)
start

missing=$(psql -X -q -A -t -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, dynamo;
CREATE TEMP TABLE acked (line text);
\copy acked FROM '$DIR/acks'
SELECT count(*) FROM acked a, LATERAL (SELECT split_part(a.line, ' ', 2) AS id) k
 WHERE dynamo.get_item('Crash', ('{"id": {"N": "' || k.id || '"}}')::dynamo.item)
       IS DISTINCT FROM ('{"id": {"N": "' || k.id || '"}, "payload": {"S": "' || repeat(md5(k.id), 16) || '"}}')::dynamo.item;
SQL
)
stored=$(psql -X -A -t -c "SELECT count(*) FROM dynamo_data.\"Crash\"")

echo "crash: $acked writes acknowledged before SIGKILL, $stored items after recovery, $missing acknowledged items missing or damaged"
if [ "$acked" -lt 10 ]; then
    echo "crash: FAILED: too few writes before the crash to test anything"; exit 1
fi
if [ "$missing" != "0" ]; then
    echo "crash: FAILED"; exit 1
fi
echo "crash: ok"
