-- 60_storage.sql: the table access method "dynamo" (src/storage/).
--
-- Heap, with DynamoDB's invariants checked on every row written into a
-- partition of a DynamoDB table (key attributes present with their declared
-- types, not empty, within the key size limits; items of at most 400 KB; the
-- pk and sk columns equal to the item's key attributes). Other relations
-- using it behave exactly as heap. In PostgreSQL 15 a partitioned table
-- cannot name an access method: each partition says USING dynamo.

CREATE FUNCTION dynamo.tableam_handler(internal) RETURNS table_am_handler
    AS 'MODULE_PATHNAME', 'dynamo_tableam_handler' LANGUAGE C;

CREATE ACCESS METHOD dynamo TYPE TABLE HANDLER dynamo.tableam_handler;
COMMENT ON ACCESS METHOD dynamo IS 'heap with the invariants of DynamoDB items: the storage of DynamoDB tables';

-- The online backfill of a global secondary index added by UpdateTable
-- (src/storage/storage_backfill.c): a background worker per index.

CREATE FUNCTION dynamo.start_backfill(table_name text, index_name text) RETURNS void
    AS 'MODULE_PATHNAME', 'dynamo_start_backfill' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION dynamo.start_backfill(text, text) IS
    'start (again) the backfill of a global secondary index that is CREATING, e.g. one a restart interrupted';

-- One row per running backfill: it reports as a CREATE INDEX CONCURRENTLY
-- of the table (pg_stat_progress_create_index shows it too).
CREATE VIEW dynamo.index_backfill_progress AS
SELECT i.table_name, i.index_name, p.pid,
       p.param12 AS items_estimated,
       p.param13 AS items_done,
       (p.param13 / greatest(extract(epoch FROM now() - a.backend_start), 0.001))::bigint AS items_per_second,
       p.param15 AS partitions_done,
       p.param14 AS partitions_total,
       a.backend_start AS started
  FROM pg_catalog.pg_stat_get_progress_info('CREATE INDEX') p
  JOIN pg_catalog.pg_class c ON c.oid = p.param7::oid
  JOIN dynamo.indexes i ON i.relation_name = c.relname::text AND i.status = 'CREATING'
  LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = p.pid;
COMMENT ON VIEW dynamo.index_backfill_progress IS
    'the backfills of global secondary indexes in progress: items done, items estimated, rate';

-- TRUNCATE of a partition of a table with global secondary indexes: its
-- items' entries leave each GSI too (a TRUNCATE never reaches the table
-- access method).  A trigger per partition and GSI (catalog_indexes.c)
-- passes the GSI's relation and the partition's modulus and remainder; a
-- TRUNCATE of the whole table fires every partition's.
CREATE FUNCTION dynamo.truncate_index_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    parent oid := (SELECT inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = TG_RELID);
BEGIN
    IF pg_catalog.to_regclass(pg_catalog.quote_ident('dynamo_data') || '.' || pg_catalog.quote_ident(TG_ARGV[0])) IS NOT NULL THEN
        EXECUTE format('DELETE FROM dynamo_data.%I WHERE pg_catalog.satisfies_hash_partition(%s, %s, %s, table_pk)',
                       TG_ARGV[0], parent, TG_ARGV[1], TG_ARGV[2]);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION dynamo.truncate_index_entries() IS
    'trigger: a TRUNCATE of a partition of a DynamoDB table removes its items'' entries from a global secondary index';
