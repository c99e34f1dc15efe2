#!/usr/bin/env bash
# run.sh: durability across a crash.
#
# Clients write items, one transaction each, and record every write the
# server acknowledged: one through dynamo.put_item (the SQL door), six
# through PutItem on the wire endpoint (two of them pausing between
# writes), whose workers commit asynchronously and acknowledge only after
# the WAL flush (src/http/http_commit.c).  The postmaster and its children are killed with SIGKILL mid-load; the cluster
# restarts (crash recovery from WAL) and every acknowledged item must be
# there, intact.
#
# Runs its own cluster in a temporary directory (as user postgres when run
# as root), on port CRASH_PORT (default 5493) with the endpoint on
# CRASH_HTTP_PORT (8493), for SECONDS_OF_LOAD (3).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${CRASH_PORT:-5493}
HTTP_PORT=${CRASH_HTTP_PORT:-8493}
LOAD=${SECONDS_OF_LOAD:-3}
BIN=/usr/lib/postgresql/15/bin
DIR=$(mktemp -d /tmp/dynamo-crash.XXXXXX)
DATA="$DIR/data"

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start() {
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -o \
        "-p $PORT -k $DIR -c listen_addresses='' -c shared_preload_libraries=dynamo \
         -c dynamo.http_port=$HTTP_PORT -c dynamo.http_auth=off" start >/dev/null
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
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done
/usr/bin/python3 test/crash/endpoint_writer.py "http://127.0.0.1:$HTTP_PORT/" 4 1000000 > "$DIR/acks_http" &
http_writer=$!
/usr/bin/python3 test/crash/endpoint_writer.py "http://127.0.0.1:$HTTP_PORT/" 2 10000000 5 > "$DIR/acks_paced" &
paced_writer=$!

sleep "$LOAD"
postmaster=$(head -1 "$DATA/postmaster.pid")
children=$(pgrep -P "$postmaster" || true)
kill -9 "$postmaster" $children
wait "$writer" "$http_writer" "$paced_writer" 2>/dev/null || true

# a SIGKILLed postmaster may linger as a zombie: its pid and lock files look live
rm -f "$DATA/postmaster.pid" "$DIR"/.s.PGSQL."$PORT".lock
acked_sql=$(grep -c '^ack ' "$DIR/acks" || true)
cat "$DIR/acks_paced" >> "$DIR/acks_http"
acked_http=$(grep -c '^ack ' "$DIR/acks_http" || true)
cat "$DIR/acks_http" >> "$DIR/acks"
acked=$((acked_sql + acked_http))
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

echo "crash: $acked writes acknowledged before SIGKILL ($acked_sql by the SQL door, $acked_http by the endpoint)," \
     "$stored items after recovery, $missing acknowledged items missing or damaged"
if [ "$acked_sql" -lt 10 ] || [ "$acked_http" -lt 10 ]; then
    echo "crash: FAILED: too few writes before the crash to test anything"; exit 1
fi
if [ "$missing" != "0" ]; then
    echo "crash: FAILED"; exit 1
fi
echo "crash: ok"
