-- helpers.sql: the tables and functions check_pitr.sh works with, in schema
-- public of the check's database: the log of the writers' transactions, the
-- points of the history and the copies taken at them, and readers that turn
-- a table (by its relation, by Scan, by Query on an index) into lines to
-- compare.

-- every transaction of the writers that committed (its id, as txid_current())
CREATE TABLE pitr_writes (txid bigint PRIMARY KEY);

-- the points of the history: a quiet one has the time it was taken at; a
-- point taken while writers ran has the snapshot of its copies, and its
-- time is found afterwards from the commit timestamps (pitr_point_time)
CREATE TABLE pitr_points (
    name text PRIMARY KEY,
    quiet boolean NOT NULL,
    snap pg_snapshot,
    at timestamptz,
    base text                                     -- the base copy a restore at it starts from
);
CREATE SCHEMA pitr_expect;                        -- <point>_main, <point>_gsi, <point>_hash

-- pitr_copy(point): the tables' items (and PitrMain's GSI) as this
-- transaction's snapshot sees them, into pitr_expect
CREATE FUNCTION pitr_copy(point text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE pitr_expect.%I AS SELECT pk, sk, item FROM dynamo_data."PitrMain"', point || '_main');
    EXECUTE format('CREATE TABLE pitr_expect.%I AS SELECT pk, sk, table_pk, table_sk, item FROM dynamo_data."PitrMain:by_g"',
                   point || '_gsi');
    EXECUTE format('CREATE TABLE pitr_expect.%I AS SELECT pk, sk, item FROM dynamo_data."PitrHash"', point || '_hash');
END
$$;

-- pitr_point_time(point): the time a point taken while writers ran stands
-- for: after the commit of every logged transaction its snapshot sees and
-- before that of every one it does not; NULL when no such time exists
-- (commit timestamps and visibility disagreed)
CREATE FUNCTION pitr_point_time(point text) RETURNS timestamptz LANGUAGE sql AS $$
    WITH w AS (SELECT pg_catalog.pg_visible_in_snapshot(w.txid::text::xid8, p.snap) AS seen,
                      pg_catalog.pg_xact_commit_timestamp((w.txid % 4294967296)::text::xid) AS ts
                 FROM pitr_writes w, pitr_points p WHERE p.name = point),
    b AS (SELECT (SELECT max(ts) FROM w WHERE seen) AS lo, (SELECT min(ts) FROM w WHERE NOT seen) AS hi)
    SELECT CASE WHEN hi IS NULL THEN lo + interval '1 ms'
                WHEN lo IS NULL THEN hi - interval '1 ms'
                WHEN hi - lo >= interval '10 microseconds' THEN lo + (hi - lo) / 2 END
      FROM b
$$;

-- pitr_scan(table, index): every item a Scan returns, page by page
CREATE FUNCTION pitr_scan(table_name text, index_name text DEFAULT NULL) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
DECLARE
    request jsonb := jsonb_build_object('TableName', table_name, 'Limit', 97)
                     || CASE WHEN index_name IS NULL THEN '{}' ELSE jsonb_build_object('IndexName', index_name) END;
    response jsonb;
BEGIN
    LOOP
        response := dynamo.execute('Scan', request);
        RETURN QUERY SELECT jsonb_array_elements(response -> 'Items');
        EXIT WHEN NOT response ? 'LastEvaluatedKey';
        request := request || jsonb_build_object('ExclusiveStartKey', response -> 'LastEvaluatedKey');
    END LOOP;
END
$$;

-- pitr_query_lsi(table): the items of Query on PitrMain's LSI by_ls, item
-- collection by item collection in key order, each in the index's order
CREATE FUNCTION pitr_query_lsi(table_name text) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
DECLARE
    key dynamo.value;
    request jsonb;
    response jsonb;
BEGIN
    FOR key IN EXECUTE format('SELECT DISTINCT pk FROM dynamo_data.%I ORDER BY pk',
                              (SELECT relation_name FROM dynamo.tables t WHERE t.table_name = pitr_query_lsi.table_name))
    LOOP
        request := jsonb_build_object('TableName', table_name, 'IndexName', 'by_ls', 'Limit', 7,
                                      'KeyConditionExpression', 'pk = :p',
                                      'ExpressionAttributeValues', jsonb_build_object(':p', key::jsonb));
        LOOP
            response := dynamo.execute('Query', request);
            RETURN QUERY SELECT jsonb_array_elements(response -> 'Items');
            EXIT WHEN NOT response ? 'LastEvaluatedKey';
            request := request || jsonb_build_object('ExclusiveStartKey', response -> 'LastEvaluatedKey');
        END LOOP;
    END LOOP;
END
$$;

-- pitr_error(action, request): the exception and message of a request that
-- must fail ('no error' when it does not)
CREATE FUNCTION pitr_error(action text, request jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text;
BEGIN
    PERFORM dynamo.execute(action, request);
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    state := SQLSTATE;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = state), state) || ': ' || SQLERRM;
END
$$;
