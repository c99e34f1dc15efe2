-- 73_capacity.sql: the capacity buckets, as SQL sees them.
--
-- Every table and GSI has a read and a write bucket in shared memory, and
-- so has each partition of a table (src/capacity/capacity_buckets.c says
-- how they refill).  dynamo.capacity shows them for the tables of this
-- database; it is empty when dynamo is not in shared_preload_libraries,
-- where capacity is metered and reported but never enforced
-- (dynamo.capacity_enforced() says which).

CREATE FUNCTION dynamo.capacity_buckets(
    OUT relation oid, OUT partition integer, OUT kind text, OUT mode text,
    OUT balance float8, OUT rate float8, OUT capacity float8, OUT previous_peak float8,
    OUT consumed float8, OUT throttled float8)
RETURNS SETOF record LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'dynamo_capacity_buckets';

CREATE FUNCTION dynamo.capacity_enforced() RETURNS boolean LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'dynamo_capacity_enforced';

CREATE VIEW dynamo.capacity AS
SELECT coalesce(t.table_name, i.table_name) AS table_name,
       i.index_name,
       nullif(b.partition, -1) AS partition,
       b.kind, b.mode, b.balance, b.rate, b.capacity, b.previous_peak, b.consumed, b.throttled
  FROM dynamo.capacity_buckets() b
  JOIN pg_catalog.pg_class c ON c.oid = b.relation
  LEFT JOIN dynamo.tables t ON t.relation_name = c.relname
  LEFT JOIN dynamo.indexes i ON i.is_global AND i.relation_name = c.relname
 WHERE c.relnamespace = 'dynamo_data'::regnamespace;
COMMENT ON VIEW dynamo.capacity IS 'the capacity buckets of this database''s tables, GSIs and partitions: balance, refill rate, capacity, consumed and throttled since the server started';
