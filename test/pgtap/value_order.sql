-- value_order.sql: properties of the key order and the key hash, checked on
-- thousands of generated values against Postgres' own orders: numeric for
-- N, bytea of the UTF-8 bytes for S, bytea for B.
BEGIN;
SELECT plan(9);
SET LOCAL search_path = public, dynamo;
SELECT setseed(0.42);

-- numbers of every magnitude and sign, with duplicates in other spellings
CREATE TEMP TABLE numbers AS
SELECT n, ('{"N": "' || n::text || '"}')::dynamo.value AS v
  FROM (SELECT round(((random() - 0.5) * 10 ^ (floor(random() * 60) - 30))::numeric,
                     (floor(random() * 40))::int) AS n
          FROM generate_series(1, 3000)) g
 WHERE n <> 0 OR random() < 0.01;
INSERT INTO numbers SELECT n, ('{"N": "' || (n * 1.000)::text || '"}')::dynamo.value FROM numbers LIMIT 300;
INSERT INTO numbers SELECT n, ('{"N": "' || (n * 0.00001)::text || 'e5"}')::dynamo.value
  FROM numbers LIMIT 300;
INSERT INTO numbers SELECT n, ('{"N": "' || (n * 1000)::text || 'E-3"}')::dynamo.value
  FROM numbers LIMIT 300;

SELECT is(
    (SELECT count(*) FROM numbers a JOIN numbers b
         ON (a.v OPERATOR(dynamo.<) b.v) <> (a.n < b.n)
         OR (a.v OPERATOR(dynamo.=) b.v) <> (a.n = b.n)
      WHERE random() < 0.02),
    0::bigint, 'N values order exactly as their numeric values');

SELECT is((SELECT count(*) FROM numbers WHERE v::numeric <> n), 0::bigint,
          'every N value reads back as the exact number it was given');

SELECT is((SELECT count(*) FROM numbers a JOIN numbers b ON a.n = b.n
            WHERE a.v OPERATOR(dynamo.<>) b.v OR dynamo.key_hash(a.v) <> dynamo.key_hash(b.v)),
          0::bigint, 'numerically equal N values are equal and hash equally, however written');

-- strings: random code points from ASCII to the astral planes
CREATE TEMP TABLE strings AS
SELECT s, ('{"S": ' || to_jsonb(s)::text || '}')::dynamo.value AS v
  FROM (SELECT string_agg(chr(CASE floor(random() * 4)
                                   WHEN 0 THEN 32 + floor(random() * 95)
                                   WHEN 1 THEN 160 + floor(random() * 1800)
                                   WHEN 2 THEN 19968 + floor(random() * 2000)
                                   ELSE 65536 + floor(random() * 60000) END::int), '') AS s
          FROM generate_series(1, 2000) g, generate_series(1, 1 + (g % 7)) c
         GROUP BY g) t;

SELECT is(
    (SELECT count(*) FROM strings a JOIN strings b
         ON (a.v OPERATOR(dynamo.<) b.v) <> (convert_to(a.s, 'UTF8') < convert_to(b.s, 'UTF8'))
      WHERE random() < 0.05),
    0::bigint, 'S values order by their UTF-8 bytes');

-- binaries: random bytes, including 0x00 and 0xFF
CREATE TEMP TABLE binaries AS
SELECT b, ('{"B": "' || encode(b, 'base64') || '"}')::dynamo.value AS v
  FROM (SELECT decode(string_agg(lpad(to_hex(floor(random() * 256)::int), 2, '0'), ''), 'hex') AS b
          FROM generate_series(1, 2000) g, generate_series(1, 1 + (g % 9)) c
         GROUP BY g) t;

SELECT is(
    (SELECT count(*) FROM binaries a JOIN binaries b
         ON (a.v OPERATOR(dynamo.<) b.v) <> (a.b < b.b)
      WHERE random() < 0.05),
    0::bigint, 'B values order by their unsigned bytes');

SELECT is(
    (SELECT count(*) FROM numbers a JOIN numbers b
         ON (a.v OPERATOR(dynamo.<) b.v) <> (dynamo.key_bytes(a.v) < dynamo.key_bytes(b.v))
      WHERE random() < 0.02),
    0::bigint, 'key_bytes preserves the order of N values');

-- a btree index agrees with the order
CREATE TEMP TABLE indexed AS SELECT v FROM numbers;
CREATE INDEX ON indexed (v);
SET LOCAL enable_seqscan = off;
SELECT is(
    (SELECT array_agg(v::numeric) FROM (SELECT v FROM indexed ORDER BY v) t),
    (SELECT array_agg(n ORDER BY n) FROM numbers),
    'an index scan returns N values in numeric order');

-- the hash spreads keys evenly over 16 hash partitions
SELECT cmp_ok(
    (SELECT max(c)::numeric / min(c) FROM
        (SELECT count(*) AS c FROM strings
          GROUP BY (dynamo.key_hash(v) & 15)) t),
    '<', 1.5, 'key hashes spread strings evenly');

SELECT is(dynamo.key_hash('{"S": "customer#1"}'), 2924955722524878911::bigint,
          'the key hash of a known key never changes');

SELECT * FROM finish();
ROLLBACK;
