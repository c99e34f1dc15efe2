-- metrics.sql: run by metrics.sh (settings bench.n and bench.rounds).
-- Each measurement is a transaction of its own (a CALL that commits), and
-- every PutItem writes a new key, so that no measurement reads the dead
-- versions another left.
CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{"TableName": "BenchMetrics",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}') IS NOT NULL AS created \gset
SELECT count(dynamo.execute('PutItem', format('{"TableName": "BenchMetrics", "Item": {"id": {"S": "k%s"}, "v": {"S": "%s"}}}',
                                             i, repeat('x', 200))::jsonb))
  FROM generate_series(0, 99) i \gset

CREATE TABLE bench_timings (action text, metrics boolean, round int, ms double precision);

-- n requests of an action, timed; PutItem keys are new (prefix: the run)
CREATE FUNCTION bench_run(action text, n int, run text) RETURNS double precision LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz;
    gets jsonb[];
BEGIN
    gets := ARRAY(SELECT format('{"TableName": "BenchMetrics", "Key": {"id": {"S": "k%s"}}}', i)::jsonb
                    FROM generate_series(0, 99) i);
    started := clock_timestamp();
    IF action = 'GetItem' THEN
        FOR i IN 0 .. n - 1 LOOP
            PERFORM dynamo.execute('GetItem', gets[1 + i % 100]);
        END LOOP;
    ELSE
        FOR i IN 0 .. n - 1 LOOP
            PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'BenchMetrics',
                'Item', jsonb_build_object('id', jsonb_build_object('S', run || '-' || i), 'v', '{"S": "y"}'::jsonb)));
        END LOOP;
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - started) * 1000;
END
$$;

-- the rounds: on and off alternate which goes first; each run commits
CREATE PROCEDURE bench_all() LANGUAGE plpgsql AS $$
DECLARE
    n int := current_setting('bench.n')::int;
    on_first boolean;
    mode boolean;
    action text;
BEGIN
    PERFORM bench_run('GetItem', 2000, 'warm');
    COMMIT;
    FOREACH action IN ARRAY ARRAY['GetItem', 'PutItem'] LOOP
        FOR r IN 1 .. current_setting('bench.rounds')::int LOOP
            on_first := r % 2 = 1;
            FOR k IN 0 .. 1 LOOP
                mode := on_first = (k = 0);
                PERFORM set_config('dynamo.metrics', CASE WHEN mode THEN 'on' ELSE 'off' END, false);
                INSERT INTO bench_timings VALUES (action, mode, r, bench_run(action, n, format('%s-%s-%s', action, r, k)));
                COMMIT;
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;
CALL bench_all();
RESET dynamo.metrics;

SELECT action, metrics, count(*) AS rounds,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) * 1000 / current_setting('bench.n')::int)::numeric, 2) AS us_per_request
  FROM bench_timings GROUP BY 1, 2 ORDER BY 1, 2;
SELECT action,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE metrics) /
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE NOT metrics))::numeric, 4)
           AS ratio_on_to_off
  FROM bench_timings GROUP BY 1 ORDER BY 1;
SELECT metric_name, operation, sum(sample_count) AS samples
  FROM dynamo.metrics WHERE table_name = 'BenchMetrics' AND metric_name = 'SuccessfulRequestLatency'
 GROUP BY 1, 2 ORDER BY 1, 2;
