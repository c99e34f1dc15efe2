#!/usr/bin/env bash
# run.sh: durability across a crash.
#
# Clients write items, one transaction each, and record every write the
# server acknowledged: one through dynamo.put_item (the SQL door), six
# through PutItem on the wire endpoint (two of them pausing between
# writes), whose workers commit asynchronously and acknowledge only after
# the WAL flush (src/http/http_commit.c).  The postmaster and its children are killed with SIGKILL mid-load; the cluster
# restarts (crash recovery from WAL) and every acknowledged item must be
# there, intact.  Meanwhile two clients write a table with two global
# secondary indexes (test/concurrency/gsi_write.sql), and a third index is
# added to it just before the crash: after recovery, each index must equal
# its recomputation from the table (test/concurrency/gsi_check.sql), the
# interrupted backfill carried on by dynamo.start_backfill.
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

# global secondary indexes: two ACTIVE ones under writers, and one added
# just before the crash, whose backfill the crash interrupts
psql -X -q -v ON_ERROR_STOP=1 -f test/concurrency/gsi_check.sql -f test/concurrency/gsi_write.sql \
     -c "ALTER DATABASE postgres SET dynamo.backfill_batch_size = 50" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT dynamo.execute('CreateTable', '{
  "TableName": "CrashIdx", "BillingMode": "PAY_PER_REQUEST",
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
      {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "r", "AttributeType": "N"},
      {"AttributeName": "c", "AttributeType": "N"}],
  "GlobalSecondaryIndexes": [
    {"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}},
    {"IndexName": "ByC", "KeySchema": [{"AttributeName": "c", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]}');
INSERT INTO dynamo_data."CrashIdx" (pk, sk, item)
SELECT dynamo.value_from_plain(to_jsonb('p' || k % 1000)), dynamo.value_from_plain(to_jsonb(k)),
       dynamo.from_plain(gsi_plain_item(k, k * 7))
  FROM generate_series(1, 50000) k;
SQL
for i in 1 2; do
    psql -X -q -c "CALL gsi_writer('CrashIdx', 60000, 600, '{0,1,3,4,5,7,8,9,10,11,13,14,15}')" >/dev/null 2>&1 &
    echo $! >> "$DIR/gsi_writers"
done

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
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dynamo.execute('UpdateTable', '{\"TableName\": \"CrashIdx\",
    \"AttributeDefinitions\": [{\"AttributeName\": \"t\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}],
    \"GlobalSecondaryIndexUpdates\": [{\"Create\": {\"IndexName\": \"Late\",
        \"KeySchema\": [{\"AttributeName\": \"t\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],
        \"Projection\": {\"ProjectionType\": \"INCLUDE\", \"NonKeyAttributes\": [\"pay\"]}}}]}') IS NOT NULL" >/dev/null
sleep 0.5
postmaster=$(head -1 "$DATA/postmaster.pid")
children=$(pgrep -P "$postmaster" || true)
kill -9 "$postmaster" $children
wait "$writer" "$http_writer" "$paced_writer" $(cat "$DIR/gsi_writers") 2>/dev/null || true

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

# the indexes equal their recomputation; the interrupted backfill carries on
written=$(psql -X -A -t -v ON_ERROR_STOP=1 -c "SELECT (SELECT count(*) FROM generate_series(1, 50000) k
    WHERE dynamo.get_item('CrashIdx', gsi_key(k)::dynamo.item)::jsonb IS DISTINCT FROM dynamo.from_plain(gsi_plain_item(k, k * 7))::jsonb)
    + (SELECT count(*) FROM dynamo_data.\"CrashIdx\" WHERE dynamo.get(item, 'sk')::numeric > 50000)")
echo "crash: $written items of the indexed table written before the crash"
[ "$written" -gt 10 ] || { echo "crash: FAILED: too few writes of the indexed table to test anything"; exit 1; }
late=$(psql -X -A -t -c "SELECT status FROM dynamo.indexes WHERE index_name = 'Late'")
echo "crash: the backfill of index Late was $late at the restart"
if [ "$late" = CREATING ]; then
    psql -X -q -v ON_ERROR_STOP=1 -c "SELECT dynamo.start_backfill('CrashIdx', 'Late')" >/dev/null
    for i in $(seq 1 600); do
        [ "$(psql -X -A -t -c "SELECT status FROM dynamo.indexes WHERE index_name = 'Late'")" = ACTIVE ] && break
        sleep 0.1
    done
fi
for index in ByG ByC Late; do
    report=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -c "SET search_path = public, dynamo" \
                  -c "SELECT status FROM dynamo.indexes WHERE index_name = '$index'" \
                  -c "SELECT gsi_report('CrashIdx', '$index')" | tr '\n' ' ')
    echo "crash: GSI $index after recovery: $report"
    case "$report" in
        "ACTIVE missing 0 extra 0 duplicates 0 entries "*) ;;
        *) echo "crash: FAILED: GSI $index differs from its recomputation"; exit 1 ;;
    esac
done
echo "crash: ok"
