-- metrics.sql: run by metrics.sh (settings bench.n and bench.rounds).
CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{"TableName": "BenchMetrics",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}') IS NOT NULL AS created \gset
SELECT count(dynamo.execute('PutItem', format('{"TableName": "BenchMetrics", "Item": {"id": {"S": "k%s"}, "v": {"S": "%s"}}}',
                                             i, repeat('x', 200))::jsonb))
  FROM generate_series(0, 99) i \gset

CREATE TEMP TABLE timings (action text, metrics boolean, round int, ms double precision);

CREATE FUNCTION pg_temp.run(action text, n int) RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
    requests jsonb[];
BEGIN
    requests := ARRAY(SELECT CASE action
        WHEN 'GetItem' THEN format('{"TableName": "BenchMetrics", "Key": {"id": {"S": "k%s"}}}', i)
        ELSE format('{"TableName": "BenchMetrics", "Item": {"id": {"S": "k%s"}, "v": {"S": "y"}}}', i) END::jsonb
        FROM generate_series(0, 99) i);
    started := clock_timestamp();
    FOR i IN 0 .. n - 1 LOOP
        PERFORM dynamo.execute(action, requests[1 + i % 100]);
    END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - started) * 1000;
END
$$;

SELECT pg_temp.run('GetItem', 2000) IS NOT NULL AS warm \gset
DO $$
DECLARE
    r int;
    action text;
    on_first boolean;
BEGIN
    FOREACH action IN ARRAY ARRAY['GetItem', 'PutItem'] LOOP
        FOR r IN 1 .. current_setting('bench.rounds')::int LOOP
            on_first := r % 2 = 1;   -- alternate which goes first
            FOR k IN 0 .. 1 LOOP
                PERFORM set_config('dynamo.metrics', CASE WHEN on_first = (k = 0) THEN 'on' ELSE 'off' END, false);
                INSERT INTO timings VALUES (action, current_setting('dynamo.metrics')::boolean, r,
                                            pg_temp.run(action, current_setting('bench.n')::int));
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;
RESET dynamo.metrics;

SELECT action, metrics, count(*) AS rounds,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) * 1000 / current_setting('bench.n')::int)::numeric, 2) AS us_per_request
  FROM timings GROUP BY 1, 2 ORDER BY 1, 2;
SELECT action,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE metrics) /
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE NOT metrics))::numeric, 4)
           AS ratio_on_to_off
  FROM timings GROUP BY 1 ORDER BY 1;
SELECT metric_name, operation, sum(sample_count) AS samples
  FROM dynamo.metrics WHERE table_name = 'BenchMetrics' AND metric_name = 'SuccessfulRequestLatency'
 GROUP BY 1, 2 ORDER BY 1, 2;
