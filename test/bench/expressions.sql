-- expressions.sql: the expression engine against the same work done with
-- jsonb operators, in one run, on the same 100,000 items.
--
-- dynamo side: items as dynamo.item, expressions evaluated by
-- dynamo.condition_matches / dynamo.apply_update (parsed once per query).
-- jsonb side: the same items as plain JSON documents (dynamo.to_plain), the
-- way a Postgres user would store them, with the equivalent jsonb SQL.
--
--   condition  attribute_exists(pk) AND version = :v
--              vs  j ? 'pk' AND j -> 'version' = '3'
--   update     SET a = a + :one, b = list_append(b, :l) REMOVE c
--              vs  jsonb_set(jsonb_set(j, '{a}', to_jsonb((j ->> 'a')::numeric + 1)),
--                            '{b}', (j -> 'b') || '["x"]') - 'c'
--
-- Reports items per second (best of 5) and the ratio dynamo / jsonb
-- (higher is better for dynamo). Run: test/bench/run.sh expressions
\set QUIET on
\pset footer off
SET max_parallel_workers_per_gather = 0;

DROP TABLE IF EXISTS bench_items, bench_docs;
CREATE TABLE bench_items AS
SELECT g AS id, format('{"pk": {"S": "user#%s"}, "sk": {"N": "%s"}, "version": {"N": "%s"}, "a": {"N": "%s"}, "b": {"L": [{"S": "x"}, {"S": "y"}]}, "c": {"S": "remove me"}, "name": {"S": "name %s"}, "tags": {"SS": ["p", "q"]}, "m": {"M": {"k": {"S": "v"}}}}',
              g, g, g % 5, g, g)::dynamo.item AS item
  FROM generate_series(1, 100000) g;
CREATE TABLE bench_docs AS SELECT id, dynamo.to_plain(item) AS j FROM bench_items;
VACUUM ANALYZE bench_items, bench_docs;

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
    RETURN best;
END
$$;

-- the two sides must agree before they are timed
SELECT (SELECT count(*) FROM bench_items
         WHERE dynamo.condition_matches(item, 'attribute_exists(pk) AND version = :v', NULL, '{":v": {"N": "3"}}'))
     = (SELECT count(*) FROM bench_docs WHERE j ? 'pk' AND j -> 'version' = '3') AS conditions_agree,
       (SELECT dynamo.to_plain(dynamo.apply_update(item, 'SET a = a + :one, b = list_append(b, :l) REMOVE c', NULL,
                                                   '{":one": {"N": "1"}, ":l": {"L": [{"S": "x"}]}}'))
          FROM bench_items WHERE id = 7)
     = (SELECT jsonb_set(jsonb_set(j, '{a}', to_jsonb((j ->> 'a')::numeric + 1)), '{b}', (j -> 'b') || '["x"]') - 'c'
          FROM bench_docs WHERE id = 7) AS updates_agree;

WITH runs(measure, dynamo_ms, jsonb_ms) AS (VALUES
    ('condition',
     pg_temp.best_ms($q$SELECT count(*) FROM bench_items
                        WHERE dynamo.condition_matches(item, 'attribute_exists(pk) AND version = :v', NULL, '{":v": {"N": "3"}}')$q$),
     pg_temp.best_ms($q$SELECT count(*) FROM bench_docs WHERE j ? 'pk' AND j -> 'version' = '3'$q$)),
    ('update',
     pg_temp.best_ms($q$SELECT count(dynamo.apply_update(item, 'SET a = a + :one, b = list_append(b, :l) REMOVE c', NULL,
                                                         '{":one": {"N": "1"}, ":l": {"L": [{"S": "x"}]}}'))
                          FROM bench_items$q$),
     pg_temp.best_ms($q$SELECT count(jsonb_set(jsonb_set(j, '{a}', to_jsonb((j ->> 'a')::numeric + 1)), '{b}', (j -> 'b') || '["x"]') - 'c')
                          FROM bench_docs$q$))
)
SELECT measure,
       round(100000 / (dynamo_ms / 1000)) AS dynamo_items_per_s,
       round(100000 / (jsonb_ms / 1000)) AS jsonb_items_per_s,
       round(jsonb_ms / dynamo_ms, 2) AS ratio
  FROM runs;

DROP TABLE bench_items, bench_docs;
