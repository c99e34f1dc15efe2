#!/usr/bin/env bash
# streams_run.sh: the body of streams.sh, inside its cluster.
set -euo pipefail
DB=dynamo_bench_streams
export PGOPTIONS="-c dynamo.capacity_enforcement=off"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
q "CREATE EXTENSION dynamo" >/dev/null
for t in Plain Streamed; do
    spec=""
    [ "$t" = Streamed ] && spec=', "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}'
    q "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"$t\", \"BillingMode\": \"PAY_PER_REQUEST\",
        \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
        \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}] $spec}')" >/dev/null
done
for i in $(seq 1 200); do
    [ "$(q "SELECT status FROM dynamo.streams WHERE table_name = 'Streamed'")" = ENABLED ] && break
    sleep 0.1
done

script=$(mktemp)
cat > "$script" <<'SQL'
\set n random(1, 1000000000)
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', CASE WHEN :streamed = 1 THEN 'Streamed' ELSE 'Plain' END,
    'Item', jsonb_build_object(
    'pk', jsonb_build_object('S', 'k' || :client_id || '-' || :n),
    'name', jsonb_build_object('S', 'a name of some length for the item'),
    'n', jsonb_build_object('N', :n::text),
    'tags', '{"SS": ["red", "green", "blue"]}'::jsonb,
    'note', jsonb_build_object('S', repeat('x', 100)))));
SQL
slice=$(awk "BEGIN { s = $DURATION / $ROUNDS; print (s < 1 ? 1 : int(s)) }")
tps() { pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$slice" -D streamed="$1" -f "$script" "$DB" 2>/dev/null |
        sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
plain=0; streamed=0
for r in $(seq 1 "$ROUNDS"); do
    p=$(tps 0); s=$(tps 1)
    echo "streams: round $r: PutItem tps without a stream $p, with NEW_AND_OLD_IMAGES $s"
    plain=$(awk "BEGIN { print $plain + $p }"); streamed=$(awk "BEGIN { print $streamed + $s }")
done
# let the capture finish what the load left, then count
for i in $(seq 1 600); do
    behind=$(q "SELECT (SELECT count(*) FROM dynamo_data.\"Streamed\") - (SELECT count(*) FROM dynamo.stream_records)")
    [ "$behind" -le 0 ] && break
    sleep 0.1
done
echo "streams: PutItem with a NEW_AND_OLD_IMAGES stream / without: $(awk "BEGIN { printf \"%.3f\", $streamed / $plain }") (goal >= 0.8); records behind the table after the load: $behind"

psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL >/dev/null
CREATE TABLE lag (ms float8);
CREATE PROCEDURE measure_lag(samples int) LANGUAGE plpgsql AS \$\$
DECLARE
    key text;
    found timestamptz;
    committed timestamptz;
BEGIN
    FOR i IN 1..samples LOOP
        key := 'lag-' || i;
        PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Streamed',
                               'Item', jsonb_build_object('pk', jsonb_build_object('S', key))));
        COMMIT;
        LOOP
            SELECT r.approximate_creation_time INTO committed FROM dynamo.stream_records r
             WHERE r.keys OPERATOR(dynamo.=) jsonb_build_object('pk', jsonb_build_object('S', key))::text::dynamo.item;
            EXIT WHEN committed IS NOT NULL;
            PERFORM pg_sleep(0.001);
        END LOOP;
        found := clock_timestamp();
        INSERT INTO lag VALUES (extract(epoch FROM found - committed) * 1000);
        COMMIT;
        PERFORM pg_sleep(random() * 0.05);
    END LOOP;
END
\$\$;
SQL
q "CALL measure_lag($SAMPLES)"
echo "streams: lag from commit to a readable record over $SAMPLES samples: $(q "SELECT format('median %s ms, p99 %s ms, max %s ms',
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1), round(max(ms)::numeric, 1)) FROM lag")"
