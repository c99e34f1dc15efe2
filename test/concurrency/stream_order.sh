#!/usr/bin/env bash
# stream_order.sh: the order of stream records under concurrent writers,
# against the server PGHOST/PGPORT name (scripts/run-suites.sh runs it; it
# needs wal_level = logical and the dynamo output plugin allowed).
#
# CLIENTS pgbench clients run transactions of several writes on a table
# with a NEW_AND_OLD_IMAGES stream (test/concurrency/stream_write.sql) for
# SECONDS; meanwhile a reader reads the stream again and again, as a
# consumer polls it. Passes when:
#   - the reader never finds a new record below one it has read before on
#     the same shard (records appear in commit order: a naive sequence taken
#     before commit fails this);
#   - no gaps: every committed write has exactly one record (the records of
#     each item, in sequence order, replay the item's history: INSERT first,
#     each MODIFY's old image is the previous new image, the last new image
#     is the item in the table);
#   - per shard, sequence numbers follow the commit order of the
#     transactions (the commit LSN is their high part).
set -euo pipefail
cd "$(dirname "$0")/../.."

CLIENTS=${CLIENTS:-8}
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-8}
DB=dynamo_stream_order
fail() { echo "stream order: FAILED: $*"; exit 1; }
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
export PGOPTIONS="${PGOPTIONS:-} -c dynamo.capacity_enforcement=off -c search_path=public,dynamo"

dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
sql "CREATE EXTENSION dynamo" >/dev/null
sql "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Ordered\", \"BillingMode\": \"PAY_PER_REQUEST\",
      \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"StreamSpecification\": {\"StreamEnabled\": true, \"StreamViewType\": \"NEW_AND_OLD_IMAGES\"}}')" >/dev/null
for i in $(seq 1 200); do
    [ "$(sql "SELECT status FROM dynamo.streams WHERE table_name = 'Ordered'")" = ENABLED ] && break
    sleep 0.1
done
[ "$(sql "SELECT status FROM dynamo.streams WHERE table_name = 'Ordered'")" = ENABLED ] || fail "the stream never became ENABLED"

# the reader: a procedure that reads the whole stream every few milliseconds
# and records what it saw first, and any record that appears below one seen
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL' >/dev/null
CREATE TABLE seen (shard_id text, sequence_number numeric, PRIMARY KEY (shard_id, sequence_number));
CREATE TABLE late (shard_id text, sequence_number numeric, highest_seen numeric);
CREATE PROCEDURE read_stream(seconds float8) LANGUAGE plpgsql AS $$
DECLARE
    stop timestamptz := clock_timestamp() + make_interval(secs => seconds);
BEGIN
    WHILE clock_timestamp() < stop LOOP
        INSERT INTO late
        SELECT r.shard_id, r.sequence_number, m.highest
          FROM dynamo.stream_records r
          JOIN (SELECT shard_id, max(sequence_number) AS highest FROM seen GROUP BY shard_id) m USING (shard_id)
         WHERE r.sequence_number < m.highest
           AND NOT EXISTS (SELECT FROM seen s WHERE s.shard_id = r.shard_id AND s.sequence_number = r.sequence_number);
        INSERT INTO seen SELECT shard_id, sequence_number FROM dynamo.stream_records ON CONFLICT DO NOTHING;
        COMMIT;
        PERFORM pg_sleep(0.005);
    END LOOP;
END
$$;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CALL read_stream($SECONDS_OF_LOAD + 3)" > /tmp/dynamo_stream_reader.log 2>&1 &
reader=$!
pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_OF_LOAD" -f test/concurrency/stream_write.sql "$DB" \
    > /tmp/dynamo_stream_pgbench.log 2>&1 || { cat /tmp/dynamo_stream_pgbench.log; fail "pgbench failed"; }
wait $reader || { cat /tmp/dynamo_stream_reader.log; fail "the reader failed"; }
transactions=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' /tmp/dynamo_stream_pgbench.log)

# every committed write is in the stream: wait for the capture to catch up
writes=$((transactions * 3))
for i in $(seq 1 300); do
    [ "$(sql "SELECT count(*) FROM dynamo.stream_records")" -ge "$writes" ] && break
    sleep 0.1
done
read -r records late items history <<< "$(psql -X -A -t -F ' ' -d "$DB" -c "
    WITH r AS (SELECT r.*, row_number() OVER (PARTITION BY keys ORDER BY sequence_number) AS n,
                      lag(new_image) OVER (PARTITION BY keys ORDER BY sequence_number) AS previous,
                      last_value(new_image) OVER (PARTITION BY keys ORDER BY sequence_number
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS final
                 FROM dynamo.stream_records r)
    SELECT (SELECT count(*) FROM dynamo.stream_records),
           (SELECT count(*) FROM late),
           (SELECT count(*) FROM dynamo_data.\"Ordered\"),
           (SELECT count(*) FROM r
             WHERE (n = 1) <> (event_name = 'INSERT')
                OR (n > 1 AND old_image IS DISTINCT FROM previous)
                OR final IS DISTINCT FROM (SELECT t.item FROM dynamo_data.\"Ordered\" t
                                            WHERE t.pk = dynamo.get(r.keys, 'pk')))")"
echo "stream order: $CLIENTS clients, $transactions transactions ($writes writes), $records records, $items items; records found late: $late; broken histories: $history"
[ "$records" -eq "$writes" ] || fail "$records records for $writes committed writes"
[ "$late" -eq 0 ] || fail "$late records appeared below one already read"
[ "$history" -eq 0 ] || fail "$history records do not replay their item's history"
echo "stream order: ok"
