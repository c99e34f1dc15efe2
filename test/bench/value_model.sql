-- value_model.sql: the value model against jsonb on the same data, in one run.
--
-- 100,000 items of 20 attributes (strings, numbers, a nested map, a list, a
-- set), stored once as dynamo.item and once as jsonb in DynamoDB JSON.
-- Reports, as ratios dynamo / jsonb (lower is better for time):
--   parse     text -> type, for every item
--   get       one attribute of every stored item (item -> 'a17' vs jsonb -> 'a17')
--   get_num   one number attribute as numeric ((item -> 'n3')::numeric vs (jsonb -> 'n3' ->> 'N')::numeric)
--   output    type -> text, for every stored item
--   size      bytes stored per item
-- Run: test/bench/run.sh value_model
\set QUIET on
\pset footer off
SET search_path = public, dynamo;
SET max_parallel_workers_per_gather = 0;

DROP TABLE IF EXISTS bench_text, bench_item, bench_jsonb;
CREATE TABLE bench_text AS
SELECT g AS id, format('{"pk": {"S": "user#%s"}, "sk": {"N": "%s"}, %s, %s, "m": {"M": {"x": {"S": "deep"}, "y": {"N": "%s"}}}, "l": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": true}]}, "ss": {"SS": ["red", "green", "blue"]}}',
              g, g,
              (SELECT string_agg(format('"a%s": {"S": "value %s of item %s"}', a, a, g), ', ') FROM generate_series(1, 17) a),
              (SELECT string_agg(format('"n%s": {"N": "%s.%s"}', a, g, a), ', ') FROM generate_series(1, 3) a),
              g * 7) AS t
  FROM generate_series(1, 100000) g;
CREATE TABLE bench_item AS SELECT id, t::dynamo.item AS v FROM bench_text;
CREATE TABLE bench_jsonb AS SELECT id, t::jsonb AS v FROM bench_text;
VACUUM ANALYZE bench_text, bench_item, bench_jsonb;

-- best of 5 runs of a query, in milliseconds
CREATE OR REPLACE FUNCTION pg_temp.best_ms(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    best numeric := NULL;
    started timestamptz;
    elapsed numeric;
BEGIN
    FOR i IN 1..5 LOOP
        started := clock_timestamp();
        EXECUTE query;
        elapsed := extract(epoch FROM clock_timestamp() - started) * 1000;
        best := least(coalesce(best, elapsed), elapsed);
    END LOOP;
    RETURN round(best, 1);
END
$$;

WITH runs(measure, dynamo_ms, jsonb_ms) AS (VALUES
    ('parse',   pg_temp.best_ms('SELECT count(t::dynamo.item) FROM bench_text'),
                pg_temp.best_ms('SELECT count(t::jsonb) FROM bench_text')),
    ('get',     pg_temp.best_ms($q$SELECT count(v -> 'a17') FROM bench_item$q$),
                pg_temp.best_ms($q$SELECT count(v -> 'a17') FROM bench_jsonb$q$)),
    ('get_num', pg_temp.best_ms($q$SELECT sum((v -> 'n3')::numeric) FROM bench_item$q$),
                pg_temp.best_ms($q$SELECT sum((v -> 'n3' ->> 'N')::numeric) FROM bench_jsonb$q$)),
    ('output',  pg_temp.best_ms('SELECT sum(length(v::text)) FROM bench_item'),
                pg_temp.best_ms('SELECT sum(length(v::text)) FROM bench_jsonb'))
)
SELECT measure, dynamo_ms, jsonb_ms, round(dynamo_ms / jsonb_ms, 2) AS ratio FROM runs
UNION ALL
SELECT 'size (bytes/item)',
       (SELECT round(avg(pg_column_size(v)), 1) FROM bench_item),
       (SELECT round(avg(pg_column_size(v)), 1) FROM bench_jsonb),
       round((SELECT avg(pg_column_size(v)) FROM bench_item) / (SELECT avg(pg_column_size(v)) FROM bench_jsonb), 2);

DROP TABLE bench_text, bench_item, bench_jsonb;
