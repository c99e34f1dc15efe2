-- load.sql: the same items twice: in a dynamo table "Bench" (pk S, sk N) and
-- in a plain heap table with a jsonb column and a primary key. :items items
-- of about 1 KB, :items / 100 item collections of 100 items each.
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS dynamo;
SELECT dynamo.create_table('Bench', 'pk', 'S', 'sk', 'N', partitions => :partitions) IS NOT NULL AS created;
INSERT INTO dynamo_data."Bench" (pk, sk, item)
SELECT ('{"S": "c' || c || '"}')::dynamo.value, ('{"N": "' || s || '"}')::dynamo.value,
       ('{"pk": {"S": "c' || c || '"}, "sk": {"N": "' || s || '"}, "n": {"N": "' || (c * 100 + s) || '"}, "payload": {"S": "'
        || repeat(md5(c::text || '/' || s::text), 30) || '"}}')::dynamo.item
  FROM generate_series(1, :items / 100) c, generate_series(1, 100) s;
CREATE TABLE plain (pk text, sk integer, doc jsonb NOT NULL, PRIMARY KEY (pk, sk));
INSERT INTO plain SELECT dynamo.get_text(item, 'pk'), dynamo.get_text(item, 'sk')::integer, dynamo.to_plain(item)
  FROM dynamo_data."Bench";
VACUUM ANALYZE plain;
VACUUM ANALYZE dynamo_data."Bench";
SELECT (SELECT count(*) FROM dynamo_data."Bench") AS dynamo_items, (SELECT count(*) FROM plain) AS plain_rows,
       pg_size_pretty(pg_total_relation_size('plain')) AS plain_size,
       (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits
         WHERE inhparent = 'dynamo_data."Bench"'::regclass) AS dynamo_size;
