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
-- Not yet distributed: tables with global secondary indexes (the workers
-- would not maintain them), and tables with a stream or point-in-time
-- recovery (the capture decodes the coordinator's WAL only).  The functions
-- need Citus; without it they say so.

-- dynamo.sync_table_to_workers(table_name): the workers' catalog rows of a
-- table made the coordinator's (none, when it is gone).
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
    EXECUTE 'SELECT string_agg(format(''%s:%s: %s'', nodename, nodeport, result), ''; '')'
            ' FROM run_command_on_workers($1) WHERE NOT success'
       INTO failed USING command;
    IF failed IS NOT NULL THEN
        RAISE EXCEPTION 'the catalog of table % could not be copied to every worker: %', table_name, failed;
    END IF;
END
$$;
COMMENT ON FUNCTION dynamo.sync_table_to_workers(text) IS 'copy a distributed table''s catalog rows to every Citus worker';

-- dynamo.distribute_table(table_name, shard_count): distribute a table with
-- Citus on its partition key (DynamoDB's hash stays the partitioning of
-- each node's shards; Citus' hash places the shards), with shard_count
-- shards per partition (NULL: citus.shard_count), colocated with the other
-- tables of the same key type.
CREATE FUNCTION dynamo.distribute_table(table_name text, shard_count integer DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t dynamo.tables;
    relation text;
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
    IF EXISTS (SELECT FROM dynamo.indexes i WHERE i.table_name = t.table_name AND i.is_global) THEN
        RAISE EXCEPTION 'table % has global secondary indexes, which a distributed table does not maintain yet',
            table_name;
    END IF;
    IF EXISTS (SELECT FROM dynamo.streams s WHERE s.table_id = t.table_id AND s.status IN ('ENABLING', 'ENABLED'))
       OR EXISTS (SELECT FROM dynamo.continuous_backups c
                   WHERE c.table_id = t.table_id AND c.status <> 'DISABLED') THEN
        RAISE EXCEPTION 'table % has a stream or point-in-time recovery, which a distributed table does not have yet',
            table_name;
    END IF;
    IF shard_count IS NULL THEN
        PERFORM create_distributed_table(relation, 'pk');
    ELSE
        PERFORM create_distributed_table(relation, 'pk', shard_count => shard_count);
    END IF;
    PERFORM truncate_local_data_after_distributing_table(relation);
    PERFORM dynamo.sync_table_to_workers(t.table_name);
END
$$;
COMMENT ON FUNCTION dynamo.distribute_table(text, integer) IS 'distribute a DynamoDB table with Citus on its partition key';
