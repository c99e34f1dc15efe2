-- 85_citus.sql: dynamo tables distributed by Citus.
--
-- dynamo.distribute_table(name) distributes a table's relation (and with it
-- its partitions, colocated) on the partition-key column with Citus, moves
-- its items to the shards, and gives every worker the table's catalog rows,
-- so that a worker's table access method checks the items it stores, and a
-- worker's endpoint serves the table.  The workers' copies of the catalog
-- follow the coordinator's: dynamo.sync_table_to_workers(name) replaces a
-- table's rows on every worker (called after UpdateTable and DeleteTable of
-- a distributed table).  These statements run on the workers outside the
-- coordinator's transaction (run_command_on_workers).
--
-- A table's global secondary indexes are distributed with it, on their
-- table_pk column, colocated with the table: an item's GSI entries are in
-- the shards of its own hash range, on its node, and the worker's access
-- method writes them in the item's transaction (src/storage/storage_shards.c).
-- A GSI Query then reads every shard of one GSI partition (Citus merges
-- them in the index's order).  The GSIs' TRUNCATE triggers are dropped
-- (Citus refuses a relation with triggers): a TRUNCATE of a distributed
-- table's relation leaves its GSIs' entries.  Each GSI partition gets
-- REPLICA IDENTITY FULL, which Citus' shard moves need (it has no primary
-- key).
--
-- Not yet distributed: tables with a stream or point-in-time recovery (the
-- capture decodes the coordinator's WAL only).  The functions need Citus;
-- without it they say so.

-- dynamo.invalidate_catalog_caches(): every backend of this server drops
-- its cached table metadata (run on the workers after their copies change).
CREATE FUNCTION dynamo.invalidate_catalog_caches() RETURNS void
    AS 'MODULE_PATHNAME', 'dynamo_invalidate_catalog_caches' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION dynamo.invalidate_catalog_caches() FROM PUBLIC;
COMMENT ON FUNCTION dynamo.invalidate_catalog_caches() IS 'drop every backend''s cached DynamoDB table metadata';

-- dynamo.sync_table_to_workers(table_name): the workers' catalog rows of a
-- table made the coordinator's (none, when it is gone): its rows of
-- dynamo.tables, dynamo.indexes, dynamo.tags and dynamo.time_to_live (the
-- workers' TTL expiry leaves distributed tables to the coordinator's).
CREATE FUNCTION dynamo.sync_table_to_workers(table_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    command text;
    failed text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'Citus is not installed in this database';
    END IF;
    command := format('DELETE FROM dynamo.tables WHERE table_name = %L', table_name);
    command := command || coalesce((
        SELECT format('; INSERT INTO dynamo.tables SELECT * FROM jsonb_populate_record(NULL::dynamo.tables, %L)',
                      to_jsonb(t))
          FROM dynamo.tables t WHERE t.table_name = sync_table_to_workers.table_name), '');
    command := command || coalesce((
        SELECT format('; INSERT INTO dynamo.indexes SELECT * FROM jsonb_populate_recordset(NULL::dynamo.indexes, %L)',
                      jsonb_agg(to_jsonb(i)))
          FROM dynamo.indexes i WHERE i.table_name = sync_table_to_workers.table_name
        HAVING count(*) > 0), '');
    -- what a worker's endpoint answers from the catalog too: the table's tags and time to live
    command := command || coalesce((
        SELECT format('; INSERT INTO dynamo.tags SELECT * FROM jsonb_populate_recordset(NULL::dynamo.tags, %L)',
                      jsonb_agg(to_jsonb(g)))
          FROM dynamo.tags g WHERE g.table_name = sync_table_to_workers.table_name
        HAVING count(*) > 0), '');
    command := command || coalesce((
        SELECT format('; INSERT INTO dynamo.time_to_live SELECT * FROM jsonb_populate_record(NULL::dynamo.time_to_live, %L)',
                      to_jsonb(l))
          FROM dynamo.time_to_live l WHERE l.table_name = sync_table_to_workers.table_name), '');
    command := command || '; SELECT dynamo.invalidate_catalog_caches()';
    EXECUTE 'SELECT string_agg(format(''%s:%s: %s'', nodename, nodeport, result), ''; '')'
            ' FROM run_command_on_workers($1) WHERE NOT success'
       INTO failed USING command;
    IF failed IS NOT NULL THEN
        RAISE EXCEPTION 'the catalog of table % could not be copied to every worker: %', table_name, failed;
    END IF;
END
$$;
COMMENT ON FUNCTION dynamo.sync_table_to_workers(text) IS 'copy a distributed table''s catalog rows to every Citus worker';

-- dynamo.distribute_index(table_relation, index_relation, partition_count):
-- a GSI's relation distributed on table_pk, colocated with its table's
-- distributed relation, its rows moved to the shards (dynamo.distribute_table,
-- and UpdateTable's creation of a GSI of a distributed table).
CREATE FUNCTION dynamo.distribute_index(table_relation text, index_relation text, partition_count integer)
RETURNS void LANGUAGE plpgsql SET client_min_messages = warning AS $$
BEGIN
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);   -- as distribute_table
    FOR p IN 0 .. partition_count - 1 LOOP
        EXECUTE format('ALTER TABLE dynamo_data.%I REPLICA IDENTITY FULL', index_relation || '#' || p);
    END LOOP;
    PERFORM create_distributed_table(format('dynamo_data.%I', index_relation), 'table_pk',
                                     colocate_with => format('dynamo_data.%I', table_relation));
    PERFORM truncate_local_data_after_distributing_table(format('dynamo_data.%I', index_relation));
END
$$;
COMMENT ON FUNCTION dynamo.distribute_index(text, text, integer) IS
    'distribute a global secondary index''s relation with Citus, colocated with its distributed table';

-- dynamo.distribute_table(table_name, shard_count): distribute a table with
-- Citus on its partition key (DynamoDB's hash stays the partitioning of
-- each node's shards; Citus' hash places the shards), with shard_count
-- shards per partition (NULL: citus.shard_count), colocated with the other
-- tables of the same key type.
CREATE FUNCTION dynamo.distribute_table(table_name text, shard_count integer DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
    t dynamo.tables;
    relation text;
    gsi text;
    p integer;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'Citus is not installed in this database'
            USING HINT = 'dynamo tables are distributed with Citus: add citus (first) to shared_preload_libraries '
                         'and CREATE EXTENSION citus.';
    END IF;
    SELECT * INTO t FROM dynamo.tables WHERE tables.table_name = distribute_table.table_name FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Requested resource not found: Table: % not found', table_name
            USING ERRCODE = 'YD004';
    END IF;
    relation := format('dynamo_data.%I', t.relation_name);
    IF EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = relation::regclass) THEN
        RAISE EXCEPTION 'table % is distributed already', table_name;
    END IF;
    IF EXISTS (SELECT FROM dynamo.indexes i WHERE i.table_name = t.table_name AND i.status <> 'ACTIVE') THEN
        RAISE EXCEPTION 'table % has a global secondary index being created or deleted', table_name;
    END IF;
    IF EXISTS (SELECT FROM dynamo.streams s WHERE s.table_id = t.table_id AND s.status IN ('ENABLING', 'ENABLED'))
       OR EXISTS (SELECT FROM dynamo.continuous_backups c
                   WHERE c.table_id = t.table_id AND c.status <> 'DISABLED') THEN
        RAISE EXCEPTION 'table % has a stream or point-in-time recovery, which a distributed table does not have yet',
            table_name;
    END IF;
    FOR gsi IN SELECT i.relation_name FROM dynamo.indexes i WHERE i.table_name = t.table_name AND i.is_global LOOP
        FOR p IN 0 .. t.partition_count - 1 LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON dynamo_data.%I', gsi, t.relation_name || '#' || p);
        END LOOP;
    END LOOP;
    -- Citus copies the items to the shards, and the GSIs' rows to theirs. The workers get the table's
    -- catalog rows last: until then (and within this transaction, which they do not see) they write its
    -- shards without checks or GSI entries, so the copy of the items adds no entries beside the copied ones.
    -- one connection per worker: creating many shards in parallel over several can deadlock inside Citus
    -- (long relation names, citus#4739)
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    IF shard_count IS NULL THEN
        PERFORM create_distributed_table(relation, 'pk');
    ELSE
        PERFORM create_distributed_table(relation, 'pk', shard_count => shard_count);
    END IF;
    PERFORM truncate_local_data_after_distributing_table(relation);
    FOR gsi IN SELECT i.relation_name FROM dynamo.indexes i WHERE i.table_name = t.table_name AND i.is_global LOOP
        PERFORM dynamo.distribute_index(t.relation_name, gsi, t.partition_count);
    END LOOP;
    PERFORM dynamo.sync_table_to_workers(t.table_name);
END
$$;
COMMENT ON FUNCTION dynamo.distribute_table(text, integer) IS 'distribute a DynamoDB table with Citus on its partition key';

-- dynamo.sync_workers(): every distributed table's catalog rows copied to
-- every worker; run after citus_add_node, before moving shards to the new
-- worker (which refuses to store a shard of a table it has no catalog rows
-- of, so a move started before fails, and succeeds once Citus retries it
-- after this).  Returns the number of tables.
CREATE FUNCTION dynamo.sync_workers() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    name text;
    n integer := 0;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'Citus is not installed in this database';
    END IF;
    FOR name IN SELECT t.table_name FROM dynamo.tables t
                 WHERE EXISTS (SELECT FROM pg_dist_partition
                                WHERE logicalrelid = format('dynamo_data.%I', t.relation_name)::regclass)
                 ORDER BY 1 LOOP
        PERFORM dynamo.sync_table_to_workers(name);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION dynamo.sync_workers() IS 'copy every distributed table''s catalog rows to every Citus worker (after adding one)';
