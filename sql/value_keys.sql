-- value_keys.sql: DynamoDB's key order in btree indexes, the xxHash hash,
-- and hash partitioning on key values.

-- N orders numerically, S by UTF-8 bytes, B by unsigned bytes
SELECT v FROM (VALUES ('{"N": "10"}'::dynamo.value), ('{"N": "-1"}'), ('{"N": "2"}'), ('{"N": "-10.5"}'),
                      ('{"N": "0"}'), ('{"N": "0.001"}'), ('{"N": "-0.001"}'), ('{"N": "1E+125"}'),
                      ('{"N": "-1E+125"}'), ('{"N": "1.5"}'), ('{"N": "1.05"}')) t(v)
 ORDER BY v;
SELECT v FROM (VALUES ('{"S": "b"}'::dynamo.value), ('{"S": "a"}'), ('{"S": "B"}'), ('{"S": "ab"}'),
                      ('{"S": ""}'), ('{"S": "¿"}'), ('{"S": "z"}'), ('{"S": "a\u0001"}')) t(v)
 ORDER BY v;
SELECT v FROM (VALUES ('{"B": "gA=="}'::dynamo.value), ('{"B": "fw=="}'), ('{"B": "AA=="}'),
                      ('{"B": "AAA="}'), ('{"B": ""}'), ('{"B": "/w=="}')) t(v)
 ORDER BY v;

-- numerically equal numbers are equal and hash equally
SELECT '{"N": "1"}'::dynamo.value = '{"N": "1.000"}'::dynamo.value AS equal,
       dynamo.key_hash('{"N": "1"}') = dynamo.key_hash('{"N": "1.000"}') AS same_hash,
       dynamo.value_hash('{"N": "100"}') = dynamo.value_hash('{"N": "1e2"}') AS same_hash32;

-- the hash is fixed forever: these values decide where stored keys live
SELECT v, dynamo.key_hash(v)
  FROM (VALUES ('{"S": "a"}'::dynamo.value), ('{"S": "customer#1"}'), ('{"N": "1"}'), ('{"N": "-2.5"}'),
               ('{"B": "AQID"}'), ('{"S": ""}')) t(v);

-- key bytes: the order-preserving encoding; only S, N, B are keys
SELECT v, dynamo.key_bytes(v) FROM (VALUES ('{"S": "a"}'::dynamo.value), ('{"N": "0"}'), ('{"N": "12.5"}'),
                                           ('{"N": "-12.5"}'), ('{"B": "/w=="}')) t(v);
SELECT error_of($$SELECT dynamo.key_bytes('{"BOOL": true}')$$);
SELECT error_of($$SELECT dynamo.key_hash('{"SS": ["a"]}')$$);

-- a btree index orders and finds keys the same way
CREATE TEMP TABLE sorted (pk dynamo.value, sk dynamo.value, PRIMARY KEY (pk, sk));
INSERT INTO sorted SELECT '{"S": "p"}', ('{"N": "' || g || '"}')::dynamo.value FROM generate_series(-50, 50) g;
INSERT INTO sorted VALUES ('{"S": "p"}', '{"N": "1.0"}') ON CONFLICT DO NOTHING;
SELECT count(*) FROM sorted;
SET enable_seqscan = off;
SELECT sk FROM sorted WHERE pk = '{"S": "p"}' AND sk BETWEEN '{"N": "-2"}' AND '{"N": "2.5"}' ORDER BY sk;
SELECT sk FROM sorted WHERE pk = '{"S": "p"}' AND sk < '{"N": "-48"}' ORDER BY sk DESC;
RESET enable_seqscan;

-- hash partitioning by the key hash prunes to one partition on pk = constant
CREATE TABLE partitioned (pk dynamo.value, item dynamo.item) PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
CREATE TABLE partitioned_0 PARTITION OF partitioned FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE partitioned_1 PARTITION OF partitioned FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE partitioned_2 PARTITION OF partitioned FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE partitioned_3 PARTITION OF partitioned FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO partitioned
    SELECT ('{"S": "user#' || g || '"}')::dynamo.value, ('{"n": {"N": "' || g || '"}}')::dynamo.item
      FROM generate_series(1, 1000) g;
SELECT tableoid::regclass AS partition, count(*) BETWEEN 200 AND 300 AS balanced
  FROM partitioned GROUP BY 1 ORDER BY 1;
EXPLAIN (COSTS OFF) SELECT * FROM partitioned WHERE pk = '{"S": "user#42"}';
-- equal numbers land in the same partition
INSERT INTO partitioned VALUES ('{"N": "5"}', '{}'), ('{"N": "5.00"}', '{}');
SELECT count(DISTINCT tableoid) FROM partitioned WHERE pk = '{"N": "5"}';
DROP TABLE partitioned;

-- items: equality is DynamoDB equality (attribute order and number form do not matter)
SELECT '{"a": {"N": "1"}, "b": {"SS": ["x", "y"]}}'::dynamo.item =
       '{"b": {"SS": ["y", "x"]}, "a": {"N": "1.0"}}'::dynamo.item AS equal;
SELECT count(DISTINCT i) FROM (VALUES ('{"a": {"N": "1"}}'::dynamo.item), ('{"a": {"N": "1.0"}}'), ('{"a": {"N": "2"}}')) t(i);
