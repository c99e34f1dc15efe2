-- storage_am.sql: the table access method dynamo. Heap's behaviour on plain
-- and hash-partitioned tables USING dynamo (indexes, MVCC, vacuum, TOAST,
-- rewrites, ON CONFLICT, COPY), then the DynamoDB invariants it checks on the
-- partitions of DynamoDB tables.

SELECT amname, amtype, amhandler FROM pg_am WHERE amname = 'dynamo';

-- the access method of a relation, and of its TOAST table
CREATE FUNCTION public.am_of(rel regclass) RETURNS text
LANGUAGE sql AS $$
    SELECT a.amname || coalesce(' (toast: ' || ta.amname || ')', '')
      FROM pg_class c JOIN pg_am a ON a.oid = c.relam
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      LEFT JOIN pg_am ta ON ta.oid = t.relam
     WHERE c.oid = rel
$$;

-- ===================================================================
-- A plain table USING dynamo: heap, and no DynamoDB checks (items need no keys)
-- ===================================================================
CREATE TABLE am_plain (id integer NOT NULL, item dynamo.item) USING dynamo;
SELECT public.am_of('am_plain');

INSERT INTO am_plain
SELECT i, format('{"n": {"N": "%s"}, "tag": {"S": "t%s"}}', i, i % 10)::dynamo.item
  FROM generate_series(1, 1000) i;
INSERT INTO am_plain VALUES (0, '{}'), (-1, NULL);
SELECT count(*), sum(id), count(item) FROM am_plain;

-- indexes: built by heap's scan with heap's routine swapped in
CREATE INDEX am_plain_id ON am_plain (id);
CREATE UNIQUE INDEX am_plain_n ON am_plain ((item -> 'n'));
CREATE INDEX CONCURRENTLY am_plain_tag ON am_plain ((item ->> 'tag'));
SELECT indexrelid::regclass, indisvalid, indisready FROM pg_index
 WHERE indrelid = 'am_plain'::regclass ORDER BY 1;
REINDEX TABLE am_plain;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT item FROM am_plain WHERE id = 42;
SELECT item FROM am_plain WHERE id = 42;
SELECT id FROM am_plain WHERE item -> 'n' = '{"N": "977"}';
SELECT count(*) FROM am_plain WHERE item ->> 'tag' = 't3';
RESET enable_seqscan;

-- a unique index built on the table checks what heap's scan feeds it
SELECT public.error_of('CREATE UNIQUE INDEX am_plain_tag_unique ON am_plain ((item ->> ''tag''))');
-- and a failed build left the relation usable (its routine restored)
INSERT INTO am_plain VALUES (1001, '{"n": {"N": "1001"}}');
SELECT count(*) FROM am_plain;

-- UPDATE and DELETE, through the indexes
UPDATE am_plain SET item = '{"n": {"N": "-42"}, "tag": {"S": "updated"}}' WHERE id = 42;
SELECT id, item FROM am_plain WHERE item ->> 'tag' = 'updated';
DELETE FROM am_plain WHERE id > 900;
SELECT count(*), max(id) FROM am_plain;

-- rollback, whole and to a savepoint
BEGIN;
INSERT INTO am_plain VALUES (5000, '{"n": {"N": "5000"}}');
DELETE FROM am_plain WHERE id < 100;
UPDATE am_plain SET id = id + 10000;
SAVEPOINT s;
DELETE FROM am_plain;
ROLLBACK TO SAVEPOINT s;
SELECT count(*), min(id), max(id) FROM am_plain;
ROLLBACK;
SELECT count(*), min(id), max(id) FROM am_plain;

-- VACUUM, ANALYZE, VACUUM FULL, CLUSTER: heap's own, indexes rebuilt through the swap
DELETE FROM am_plain WHERE id % 2 = 0;
VACUUM am_plain;
ANALYZE am_plain;
SELECT reltuples FROM pg_class WHERE oid = 'am_plain'::regclass;
SELECT attname, null_frac FROM pg_stats WHERE tablename = 'am_plain' AND attname = 'item';
VACUUM FULL am_plain;
SELECT public.am_of('am_plain');
CLUSTER am_plain USING am_plain_id;
VACUUM (FULL, ANALYZE) am_plain;
SELECT count(*), sum(id) FROM am_plain;
SET enable_seqscan = off;
SELECT item FROM am_plain WHERE id = 43;
RESET enable_seqscan;

-- ALTER TABLE ... SET ACCESS METHOD: a rewrite each way, indexes rebuilt
ALTER TABLE am_plain SET ACCESS METHOD heap;
SELECT public.am_of('am_plain');
SELECT count(*), sum(id) FROM am_plain;
ALTER TABLE am_plain SET ACCESS METHOD dynamo;
SELECT public.am_of('am_plain');
SELECT count(*), sum(id) FROM am_plain;
SET enable_seqscan = off;
SELECT item FROM am_plain WHERE id = 43;
RESET enable_seqscan;

-- a column added with a volatile default rewrites through tuple_insert
ALTER TABLE am_plain ADD COLUMN r double precision DEFAULT random();
SELECT count(*), count(r) FROM am_plain;
ALTER TABLE am_plain DROP COLUMN r;

-- TRUNCATE, in a transaction that rolls back and then for good
BEGIN;
TRUNCATE am_plain;
SELECT count(*) FROM am_plain;
ROLLBACK;
SELECT count(*) FROM am_plain;
TRUNCATE am_plain;
SELECT count(*) FROM am_plain;
INSERT INTO am_plain VALUES (1, '{"n": {"N": "1"}}');
SELECT * FROM am_plain;

-- UNLOGGED and temporary tables
CREATE UNLOGGED TABLE am_unlogged (id integer PRIMARY KEY, item dynamo.item) USING dynamo;
INSERT INTO am_unlogged SELECT i, '{}' FROM generate_series(1, 10) i;
CREATE TEMPORARY TABLE am_temp (id integer PRIMARY KEY, item dynamo.item) USING dynamo;
INSERT INTO am_temp SELECT * FROM am_unlogged;
SELECT (SELECT count(*) FROM am_unlogged), (SELECT count(*) FROM am_temp), public.am_of('am_temp');
DROP TABLE am_unlogged, am_temp;

-- ===================================================================
-- A hash-partitioned table (outside dynamo_data, so still no checks)
-- ===================================================================
CREATE TABLE am_parted (
    pk dynamo.value NOT NULL,
    sk dynamo.value NOT NULL,
    item dynamo.item NOT NULL,
    PRIMARY KEY (pk, sk)
) PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
-- each partition is built with the primary key's index at once
CREATE TABLE am_parted_0 PARTITION OF am_parted FOR VALUES WITH (MODULUS 4, REMAINDER 0) USING dynamo;
CREATE TABLE am_parted_1 PARTITION OF am_parted FOR VALUES WITH (MODULUS 4, REMAINDER 1) USING dynamo;
CREATE TABLE am_parted_2 PARTITION OF am_parted FOR VALUES WITH (MODULUS 4, REMAINDER 2) USING dynamo;
CREATE TABLE am_parted_3 PARTITION OF am_parted FOR VALUES WITH (MODULUS 4, REMAINDER 3) USING dynamo;
SELECT c.relname, public.am_of(c.oid), pg_get_expr(c.relpartbound, c.oid)
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'am_parted'::regclass ORDER BY 1;

INSERT INTO am_parted
SELECT format('{"S": "user#%s"}', u)::dynamo.value, format('{"N": "%s"}', s)::dynamo.value,
       format('{"user": {"S": "user#%s"}, "seq": {"N": "%s"}, "v": {"N": "%s"}}', u, s, u * 100 + s)::dynamo.item
  FROM generate_series(1, 50) u, generate_series(1, 20) s;
SELECT tableoid::regclass, count(*) FROM am_parted GROUP BY 1 ORDER BY 1;
-- the partitions hold different keys
SELECT count(DISTINCT tableoid) FROM am_parted WHERE pk = '{"S": "user#7"}';

-- a key lookup prunes to one partition and uses the primary key
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT item FROM am_parted WHERE pk = '{"S": "user#7"}' AND sk = '{"N": "3"}';
SELECT item FROM am_parted WHERE pk = '{"S": "user#7"}' AND sk = '{"N": "3"}';
SELECT sk FROM am_parted WHERE pk = '{"S": "user#7"}' AND sk > '{"N": "17"}' ORDER BY sk;
RESET enable_seqscan;

-- the primary key is unique across the whole table
SELECT public.error_of($$INSERT INTO am_parted VALUES ('{"S": "user#7"}', '{"N": "3"}', '{}')$$);
-- equal numbers are equal keys
SELECT public.error_of($$INSERT INTO am_parted VALUES ('{"S": "user#7"}', '{"N": "3.0"}', '{}')$$);

-- a secondary index on the partitioned table: one index per partition
CREATE INDEX am_parted_v ON am_parted ((item -> 'v'));
SELECT count(*) FROM pg_inherits WHERE inhparent = 'am_parted_v'::regclass;
SET enable_seqscan = off;
SELECT pk, sk FROM am_parted WHERE item -> 'v' = '{"N": "4213"}';
RESET enable_seqscan;

-- INSERT ... ON CONFLICT on the primary key
INSERT INTO am_parted VALUES ('{"S": "user#7"}', '{"N": "3"}', '{"user": {"S": "user#7"}, "v": {"S": "replaced"}}')
    ON CONFLICT (pk, sk) DO UPDATE SET item = EXCLUDED.item;
INSERT INTO am_parted VALUES ('{"S": "user#7"}', '{"N": "3"}', '{"v": {"S": "ignored"}}')
    ON CONFLICT (pk, sk) DO NOTHING;
INSERT INTO am_parted VALUES ('{"S": "user#7"}', '{"N": "21"}', '{"v": {"S": "new"}}')
    ON CONFLICT (pk, sk) DO NOTHING;
SELECT sk, item FROM am_parted WHERE pk = '{"S": "user#7"}' AND sk IN ('{"N": "3"}', '{"N": "21"}') ORDER BY sk;

-- UPDATE in place, UPDATE that moves rows to another partition, DELETE
UPDATE am_parted SET item = '{"v": {"S": "updated"}}' WHERE pk = '{"S": "user#8"}' AND sk = '{"N": "1"}';
UPDATE am_parted SET pk = '{"S": "moved#9"}' WHERE pk = '{"S": "user#9"}';
SELECT count(*), count(DISTINCT tableoid) FROM am_parted WHERE pk = '{"S": "moved#9"}';
SELECT count(*) FROM am_parted WHERE pk = '{"S": "user#9"}';
DELETE FROM am_parted WHERE pk = '{"S": "user#10"}';
SELECT count(*) FROM am_parted;

-- rollback
BEGIN;
DELETE FROM am_parted;
INSERT INTO am_parted VALUES ('{"S": "x"}', '{"N": "1"}', '{}');
SELECT count(*) FROM am_parted;
ROLLBACK;
SELECT count(*) FROM am_parted;

-- COPY out and back in
CREATE TEMPORARY TABLE am_parted_copy (pk dynamo.value, sk dynamo.value, item dynamo.item);
COPY (SELECT pk, sk, item FROM am_parted WHERE pk = '{"S": "user#7"}' AND sk < '{"N": "4"}' ORDER BY sk) TO STDOUT;
COPY am_parted_0 TO '/dev/null';
DELETE FROM am_parted WHERE pk = '{"S": "user#11"}';
COPY am_parted FROM STDIN;
{"S": "user#11"}	{"N": "1"}	{"copied": {"BOOL": true}}
{"S": "user#11"}	{"N": "2"}	{"copied": {"BOOL": true}}
{"S": "user#12"}	{"N": "100"}	{"copied": {"BOOL": true}}
\.
SELECT pk, sk, item FROM am_parted WHERE item ? 'copied' ORDER BY pk, sk;
-- a duplicate key in COPY rolls the whole COPY back
COPY am_parted FROM STDIN;
{"S": "new"}	{"N": "1"}	{}
{"S": "user#12"}	{"N": "100"}	{}
\.
SELECT count(*) FROM am_parted WHERE pk = '{"S": "new"}';

-- TOAST: items of about 400 KB, stored out of line, come back byte for byte
CREATE TEMPORARY TABLE am_big AS
SELECT n, format('{"user": {"S": "big#%s"}, "seq": {"N": "1"}, "blob": {"S": "%s"}}', n,
                 (SELECT string_agg(md5(n::text || ':' || i::text), '') FROM generate_series(1, 12700) i))::dynamo.item AS item
  FROM generate_series(1, 3) n;
SELECT n, dynamo.item_size(item) FROM am_big ORDER BY n;
INSERT INTO am_parted SELECT item -> 'user', item -> 'seq', item FROM am_big;
SELECT b.n, p.item = b.item AS equal,
       md5(p.item::text) = md5(b.item::text) AS same_text
  FROM am_big b JOIN am_parted p ON p.pk = b.item -> 'user' AND p.sk = b.item -> 'seq' ORDER BY b.n;
SELECT bool_and(pg_relation_size(reltoastrelid) > 0) AS toasted
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent = 'am_parted'::regclass
   AND c.oid IN (SELECT tableoid FROM am_parted WHERE item ? 'blob');
-- and survive an UPDATE of another column, VACUUM FULL and a change of access method
UPDATE am_parted SET sk = '{"N": "2"}' WHERE item ? 'blob';
VACUUM FULL am_parted;
ALTER TABLE am_parted_0 SET ACCESS METHOD heap;
ALTER TABLE am_parted_1 SET ACCESS METHOD heap;
ALTER TABLE am_parted_2 SET ACCESS METHOD heap;
ALTER TABLE am_parted_3 SET ACCESS METHOD heap;
SELECT count(*) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE i.inhparent = 'am_parted'::regclass AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'heap');
ALTER TABLE am_parted_0 SET ACCESS METHOD dynamo;
ALTER TABLE am_parted_1 SET ACCESS METHOD dynamo;
ALTER TABLE am_parted_2 SET ACCESS METHOD dynamo;
ALTER TABLE am_parted_3 SET ACCESS METHOD dynamo;
SELECT c.relname, public.am_of(c.oid) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE i.inhparent = 'am_parted'::regclass ORDER BY 1;
SELECT b.n, p.item = b.item AS equal
  FROM am_big b JOIN am_parted p ON p.pk = b.item -> 'user' AND p.sk = '{"N": "2"}' ORDER BY b.n;

-- VACUUM, ANALYZE, CLUSTER on the partitions
VACUUM am_parted;
ANALYZE am_parted;
SELECT sum(reltuples) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
 WHERE i.inhparent = 'am_parted'::regclass;
CLUSTER am_parted_0 USING am_parted_0_pkey;
SELECT count(*) FROM am_parted;

-- TRUNCATE of the partitioned table
TRUNCATE am_parted;
SELECT count(*) FROM am_parted;
DROP TABLE am_parted, am_plain, am_big, am_parted_copy;

-- ===================================================================
-- DynamoDB tables: the invariants of stored rows
-- ===================================================================
-- Three tables registered by hand, as CreateTable would register them:
-- events (id S, ts N), files (k B, name S) and counters (id N, no sort key).
INSERT INTO dynamo.tables (table_name, relation_name, table_id, partition_key, partition_key_type,
                           sort_key, sort_key_type, attribute_definitions, partition_count)
VALUES ('storage_am_events', 'storage_am_events', gen_random_uuid(), 'id', 'S', 'ts', 'N', '[]', 4),
       ('storage_am_files', 'storage_am_files', gen_random_uuid(), 'k', 'B', 'name', 'S', '[]', 4),
       ('storage_am_counters', 'storage_am_counters', gen_random_uuid(), 'id', 'N', NULL, NULL, '[]', 4);

CREATE TABLE dynamo_data.storage_am_events (
    pk dynamo.value NOT NULL, sk dynamo.value NOT NULL, item dynamo.item NOT NULL, PRIMARY KEY (pk, sk)
) PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
CREATE TABLE dynamo_data.storage_am_files (
    pk dynamo.value NOT NULL, sk dynamo.value NOT NULL, item dynamo.item NOT NULL, PRIMARY KEY (pk, sk)
) PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
CREATE TABLE dynamo_data.storage_am_counters (
    pk dynamo.value NOT NULL, sk dynamo.value, item dynamo.item NOT NULL
) PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
CREATE UNIQUE INDEX ON dynamo_data.storage_am_counters (pk, sk) NULLS NOT DISTINCT;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['storage_am_events', 'storage_am_files', 'storage_am_counters'] LOOP
        FOR i IN 0..3 LOOP
            EXECUTE format('CREATE TABLE dynamo_data.%I PARTITION OF dynamo_data.%I'
                           ' FOR VALUES WITH (MODULUS 4, REMAINDER %s) USING dynamo', t || '_' || i, t, i);
        END LOOP;
    END LOOP;
END
$$;

-- put(relation, item): store an item with its key columns taken from the
-- item (a placeholder when an attribute is missing, so that the check sees
-- the row); 'stored' or the error
CREATE FUNCTION public.put(relation text, item text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    keys record;
    result text;
BEGIN
    SELECT partition_key, sort_key INTO keys FROM dynamo.tables WHERE relation_name = relation;
    result := public.error_of(format(
        'INSERT INTO dynamo_data.%I SELECT coalesce(i -> %L, ''{"S": "missing"}''), %s, i FROM (SELECT %L::dynamo.item) t(i)',
        relation, keys.partition_key,
        CASE WHEN keys.sort_key IS NULL THEN 'NULL'
             ELSE format('coalesce(i -> %L, ''{"S": "missing"}'')', keys.sort_key) END,
        item));
    RETURN CASE result WHEN 'no error' THEN 'stored' ELSE result END;
END
$$;

-- good items
SELECT public.put('storage_am_events', '{"id": {"S": "a"}, "ts": {"N": "1"}, "x": {"L": []}}');
SELECT public.put('storage_am_events', '{"id": {"S": "a"}, "ts": {"N": "-1.5E+10"}}');
SELECT public.put('storage_am_events', '{"id": {"S": "ü"}, "ts": {"N": "0"}}');
SELECT public.put('storage_am_files', '{"k": {"B": "AAE="}, "name": {"S": "n"}}');
SELECT public.put('storage_am_counters', '{"id": {"N": "7"}, "count": {"N": "1"}}');

-- missing key attributes (the partition key is reported first)
SELECT public.put('storage_am_events', '{"ts": {"N": "1"}}');
SELECT public.put('storage_am_events', '{"id": {"S": "a"}}');
SELECT public.put('storage_am_events', '{}');
SELECT public.put('storage_am_events', '{"ID": {"S": "a"}, "ts": {"N": "1"}}');
SELECT public.put('storage_am_counters', '{"count": {"N": "1"}}');

-- key attributes of the wrong type
SELECT public.put('storage_am_events', '{"id": {"N": "1"}, "ts": {"N": "1"}}');
SELECT public.put('storage_am_events', '{"id": {"S": "a"}, "ts": {"S": "1"}}');
SELECT public.put('storage_am_events', '{"id": {"BOOL": true}, "ts": {"N": "1"}}');
SELECT public.put('storage_am_events', '{"id": {"SS": ["a"]}, "ts": {"N": "1"}}');
SELECT public.put('storage_am_events', '{"id": {"S": "a"}, "ts": {"NULL": true}}');
SELECT public.put('storage_am_files', '{"k": {"S": "AAE="}, "name": {"S": "n"}}');
SELECT public.put('storage_am_files', '{"k": {"B": "AAE="}, "name": {"M": {}}}');
SELECT public.put('storage_am_counters', '{"id": {"L": [{"N": "7"}]}}');

-- empty strings and binaries in keys (allowed elsewhere in the item)
SELECT public.put('storage_am_events', '{"id": {"S": ""}, "ts": {"N": "1"}}');
SELECT public.put('storage_am_files', '{"k": {"B": ""}, "name": {"S": "n"}}');
SELECT public.put('storage_am_files', '{"k": {"B": "AAE="}, "name": {"S": ""}}');
SELECT public.put('storage_am_events', '{"id": {"S": "e"}, "ts": {"N": "1"}, "s": {"S": ""}, "b": {"B": ""}}');

-- key sizes: a partition key of at most 2048 bytes, a sort key of at most 1024
SELECT public.put('storage_am_events', format('{"id": {"S": "%s"}, "ts": {"N": "1"}}', repeat('k', 2048)));
SELECT public.put('storage_am_events', format('{"id": {"S": "%s"}, "ts": {"N": "1"}}', repeat('k', 2049)));
SELECT public.put('storage_am_events', format('{"id": {"S": "%s"}, "ts": {"N": "1"}}', repeat('é', 1025)));
SELECT public.put('storage_am_files', format('{"k": {"B": "%s"}, "name": {"S": "n"}}',
                                             translate(encode(decode(repeat('ab', 2048), 'hex'), 'base64'), E'\n', '')));
SELECT public.put('storage_am_files', format('{"k": {"B": "%s"}, "name": {"S": "n"}}',
                                             translate(encode(decode(repeat('ab', 2049), 'hex'), 'base64'), E'\n', '')));
SELECT public.put('storage_am_files', format('{"k": {"B": "AAE="}, "name": {"S": "%s"}}', repeat('s', 1024)));
SELECT public.put('storage_am_files', format('{"k": {"B": "AAE="}, "name": {"S": "%s"}}', repeat('s', 1025)));
-- the partition key is checked completely before the sort key
SELECT public.put('storage_am_files', format('{"k": {"B": "%s"}, "name": {"S": ""}}',
                                             translate(encode(decode(repeat('ab', 2049), 'hex'), 'base64'), E'\n', '')));

-- the item size: 409600 bytes by DynamoDB's rules is the largest item
SELECT dynamo.item_size(format('{"id": {"S": "big"}, "ts": {"N": "1"}, "d": {"S": "%s"}}', repeat('d', 409590))::dynamo.item);
SELECT public.put('storage_am_events', format('{"id": {"S": "big"}, "ts": {"N": "1"}, "d": {"S": "%s"}}', repeat('d', 409590)));
SELECT public.put('storage_am_events', format('{"id": {"S": "big"}, "ts": {"N": "2"}, "d": {"S": "%s"}}', repeat('d', 409591)));
SELECT public.put('storage_am_events', format('{"id": {"S": "big"}, "ts": {"N": "3"}, "d": {"L": [{"S": "%s"}]}}', repeat('d', 409600)));
-- the stored item at the limit is TOASTed and reads back whole
SELECT dynamo.item_size(item), length(item ->> 'd') FROM dynamo_data.storage_am_events WHERE pk = '{"S": "big"}';

-- what was stored: only the good items
SELECT left(pk::text, 30) AS pk, length(pk::text), sk, left(item::text, 70) AS item
  FROM dynamo_data.storage_am_events WHERE pk <> '{"S": "big"}' ORDER BY pk, sk;
SELECT left(pk::text, 30) AS pk, length(pk::text), left(sk::text, 30) AS sk, length(item::text)
  FROM dynamo_data.storage_am_files ORDER BY pk, sk;
SELECT pk, sk, item FROM dynamo_data.storage_am_counters;

-- key columns that do not match the item: a check violation, whatever the door
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "b"}', '{"N": "1"}', '{"id": {"S": "a"}, "ts": {"N": "9"}}')$$);
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "a"}', '{"N": "1"}', '{"id": {"S": "a"}, "ts": {"N": "9"}}')$$);
-- without a sort key, sk must be null
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_counters VALUES ('{"N": "8"}', '{"N": "8"}', '{"id": {"N": "8"}}')$$);
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_counters VALUES ('{"N": "8"}', NULL, '{"id": {"N": "8"}}')$$);
SELECT pk, sk, item FROM dynamo_data.storage_am_counters ORDER BY pk;
-- equal numbers have equal encodings: 9.0 is the key 9
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "a"}', '{"N": "9.0"}', '{"id": {"S": "a"}, "ts": {"N": "9"}}')$$);
-- psql shows the detail
INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "b"}', '{"N": "1"}', '{"id": {"S": "a"}, "ts": {"N": "1"}}');
-- UPDATE of the item, of a key column, or of both consistently
SELECT public.error_of($$UPDATE dynamo_data.storage_am_events SET item = '{"id": {"S": "a"}, "ts": {"N": "2"}}' WHERE pk = '{"S": "a"}' AND sk = '{"N": "1"}'$$);
SELECT public.error_of($$UPDATE dynamo_data.storage_am_events SET sk = '{"N": "2"}' WHERE pk = '{"S": "a"}' AND sk = '{"N": "1"}'$$);
SELECT public.error_of($$UPDATE dynamo_data.storage_am_events SET item = '{"ts": {"N": "1"}}' WHERE pk = '{"S": "a"}' AND sk = '{"N": "1"}'$$);
UPDATE dynamo_data.storage_am_events SET sk = '{"N": "2"}', item = '{"id": {"S": "a"}, "ts": {"N": "2"}, "v": {"S": "moved"}}'
 WHERE pk = '{"S": "a"}' AND sk = '{"N": "1"}';
-- changing the partition key column alone is caught too (an insert when the row moves)
SELECT public.error_of($$UPDATE dynamo_data.storage_am_events SET pk = '{"S": "z"}' WHERE pk = '{"S": "a"}' AND sk = '{"N": "2"}'$$);
UPDATE dynamo_data.storage_am_events SET pk = '{"S": "z"}', item = '{"id": {"S": "z"}, "ts": {"N": "2"}, "v": {"S": "moved"}}'
 WHERE pk = '{"S": "a"}' AND sk = '{"N": "2"}';
-- INSERT ... ON CONFLICT: the inserted row and the updated one are both checked
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "q"}', '{"N": "1"}', '{"id": {"S": "q"}}') ON CONFLICT DO NOTHING$$);
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "z"}', '{"N": "2"}', '{"id": {"S": "z"}, "ts": {"N": "2"}}')
                         ON CONFLICT (pk, sk) DO UPDATE SET item = '{"id": {"S": "z"}, "ts": {"S": "2"}}'$$);
INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "z"}', '{"N": "2"}', '{"id": {"S": "z"}, "ts": {"N": "2"}}')
    ON CONFLICT (pk, sk) DO UPDATE SET item = '{"id": {"S": "z"}, "ts": {"N": "2"}, "v": {"S": "upserted"}}';
-- COPY: one bad row rejects the whole COPY, whichever check it fails
COPY dynamo_data.storage_am_events FROM STDIN;
{"S": "c"}	{"N": "1"}	{"id": {"S": "c"}, "ts": {"N": "1"}}
{"S": "c"}	{"N": "2"}	{"id": {"S": "c"}, "ts": {"B": "AA=="}}
\.
COPY dynamo_data.storage_am_events FROM STDIN;
{"S": "c"}	{"N": "1"}	{"id": {"S": "c"}, "ts": {"N": "1"}}
{"S": "c"}	{"N": "3"}	{"id": {"S": "c"}, "ts": {"N": "2"}}
\.
COPY dynamo_data.storage_am_events FROM STDIN;
{"S": "c"}	{"N": "1"}	{"id": {"S": "c"}, "ts": {"N": "1"}}
{"S": "c"}	{"N": "2"}	{"id": {"S": "c"}, "ts": {"N": "2"}}
\.
-- a multi-row INSERT with one bad row stores none of them
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events
    SELECT i -> 'id', i -> 'ts', i FROM (VALUES ('{"id": {"S": "m"}, "ts": {"N": "1"}}'::dynamo.item),
                                               ('{"id": {"S": "m"}, "ts": {"N": "2"}, "v": {"S": ""}}'),
                                               ('{"id": {"S": "m"}, "ts": {"N": "3"}, "x": {"N": "1"}, "ts2": {"N": "3"}}'),
                                               ('{"id": {"S": ""}, "ts": {"N": "4"}}')) v(i)$$);

-- the table is as the accepted writes left it
SELECT left(pk::text, 30) AS pk, sk, left(item::text, 70) AS item
  FROM dynamo_data.storage_am_events WHERE pk <> '{"S": "big"}' ORDER BY pk, sk;

-- direct writes into a partition are checked the same way
SELECT public.error_of(format($$INSERT INTO %s VALUES ('{"S": "c"}', '{"N": "5"}', '{"id": {"S": "c"}}')$$,
                              (SELECT tableoid::regclass FROM dynamo_data.storage_am_events WHERE pk = '{"S": "c"}' LIMIT 1)));

-- the cache follows the catalog: a relation renamed away from its catalog
-- row is no DynamoDB table any more, and is again once renamed back
ALTER TABLE dynamo_data.storage_am_events RENAME TO storage_am_renamed;
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_renamed VALUES ('{"S": "r"}', '{"N": "1"}', '{}')$$);
ALTER TABLE dynamo_data.storage_am_renamed RENAME TO storage_am_events;
SELECT public.put('storage_am_events', '{"id": {"S": "r"}}');
DELETE FROM dynamo_data.storage_am_events WHERE pk = '{"S": "r"}';
-- a new partition (a split) is checked from its first row
ALTER TABLE dynamo_data.storage_am_events DETACH PARTITION dynamo_data.storage_am_events_3;
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events_3 VALUES ('{"S": "r"}', '{"N": "1"}', '{}')$$);
DELETE FROM dynamo_data.storage_am_events_3 WHERE item = '{}';
ALTER TABLE dynamo_data.storage_am_events ATTACH PARTITION dynamo_data.storage_am_events_3
    FOR VALUES WITH (MODULUS 4, REMAINDER 3);
SELECT public.error_of(format($$INSERT INTO dynamo_data.storage_am_events_3 VALUES (%L, '{"N": "1"}', '{}')$$, k))
  FROM (SELECT format('{"S": "r%s"}', i)::dynamo.value FROM generate_series(1, 100) i
         WHERE satisfies_hash_partition('dynamo_data.storage_am_events'::regclass, 4, 3,
                                        format('{"S": "r%s"}', i)::dynamo.value)
         LIMIT 1) t(k);

-- a writer that may not read the catalog gets its rows checked all the same
CREATE ROLE regress_storage_writer;
GRANT USAGE ON SCHEMA dynamo, dynamo_data TO regress_storage_writer;
GRANT SELECT, INSERT ON dynamo_data.storage_am_events TO regress_storage_writer;
\c -
SET ROLE regress_storage_writer;
SELECT public.error_of('SELECT count(*) FROM dynamo.tables');
SELECT public.error_of($$INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "w"}', '{"N": "1"}', '{"id": {"S": "w"}}')$$);
INSERT INTO dynamo_data.storage_am_events VALUES ('{"S": "w"}', '{"N": "1"}', '{"id": {"S": "w"}, "ts": {"N": "1"}}');
RESET ROLE;
SELECT count(*) FROM dynamo_data.storage_am_events WHERE pk = '{"S": "w"}';

-- maintenance on a DynamoDB table: nothing is re-checked, nothing is lost
CREATE INDEX storage_am_events_v ON dynamo_data.storage_am_events ((item -> 'v'));
VACUUM FULL dynamo_data.storage_am_events;
CLUSTER dynamo_data.storage_am_events_0 USING storage_am_events_0_pkey;
ANALYZE dynamo_data.storage_am_events;
SELECT pk, sk FROM dynamo_data.storage_am_events WHERE item -> 'v' = '{"S": "upserted"}';
SELECT count(*) FROM dynamo_data.storage_am_events;

-- clean up
REVOKE ALL ON dynamo_data.storage_am_events FROM regress_storage_writer;
REVOKE ALL ON SCHEMA dynamo, dynamo_data FROM regress_storage_writer;
DROP ROLE regress_storage_writer;
DROP TABLE dynamo_data.storage_am_events, dynamo_data.storage_am_files, dynamo_data.storage_am_counters;
DELETE FROM dynamo.tables WHERE table_name LIKE 'storage\_am\_%';
DROP FUNCTION public.put(text, text);
DROP FUNCTION public.am_of(regclass);
