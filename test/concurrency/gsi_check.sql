-- gsi_check.sql: functions that compare a global secondary index with a
-- full recomputation from its table (the GSI tests of test/concurrency/,
-- test/dump/ and test/crash/ load it into their database).
--
-- gsi_actual(table, index): the rows of the index's relation.
-- gsi_expected(table, index): the rows it should hold: one per item of the
--   table that has every key attribute of the index with its declared type
--   (a string or binary not empty, a string within the key size limits),
--   with the item's projection (the table's keys, the index's keys and the
--   INCLUDE attributes, or the whole item for ALL).
-- gsi_report(table, index): 'missing M extra E duplicates D entries N':
--   M rows expected but not stored, E stored but not expected (EXCEPT
--   both ways), D items with more than one entry, N entries stored.
-- gsi_query_mismatches(table, index): the items that Query on the index
--   (one Query per index partition key value) and a filtered Scan of the
--   table, projected as the index projects, disagree on (EXCEPT ALL both
--   ways).
-- Each index key row is (keys, table_pk, table_sk, item) with keys the text
-- array of the index key values, partition key attributes first.

CREATE FUNCTION gsi_index(t text, i text) RETURNS dynamo.indexes
LANGUAGE sql STABLE AS $$
    SELECT x FROM dynamo.indexes x WHERE x.table_name = t AND x.index_name = i AND x.is_global
$$;

CREATE FUNCTION gsi_valid_key(v dynamo.value, declared text, partition boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT v IS NOT NULL AND dynamo.value_type(v) = declared
       AND (declared = 'N' OR dynamo.as_text(v) <> '')
       AND (declared <> 'S' OR octet_length(dynamo.as_text(v)) <= CASE WHEN partition THEN 2048 ELSE 1024 END)
$$;

-- the attributes of an item an index projects
CREATE FUNCTION gsi_project(item dynamo.item, names text[], whole boolean) RETURNS dynamo.item
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN whole THEN item ELSE
        (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}')::dynamo.item
           FROM jsonb_each(item::jsonb) e WHERE e.key = ANY (names)) END
$$;

CREATE FUNCTION gsi_actual(t text, i text)
RETURNS TABLE (keys text[], table_pk dynamo.value, table_sk dynamo.value, item dynamo.item)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    x dynamo.indexes := gsi_index(t, i);
    columns text[] := '{}';
    n integer;
BEGIN
    FOR n IN 1 .. cardinality(x.partition_keys) LOOP
        columns := columns || (CASE WHEN n = 1 THEN 'pk' ELSE 'pk' || n END || '::text');
    END LOOP;
    FOR n IN 1 .. cardinality(x.sort_keys) LOOP
        columns := columns || (CASE WHEN n = 1 THEN 'sk' ELSE 'sk' || n END || '::text');
    END LOOP;
    RETURN QUERY EXECUTE format('SELECT ARRAY[%s], g.table_pk, g.table_sk, g.item FROM dynamo_data.%I g',
                                array_to_string(columns, ', '), x.relation_name);
END
$$;

CREATE FUNCTION gsi_expected(t text, i text)
RETURNS TABLE (keys text[], table_pk dynamo.value, table_sk dynamo.value, item dynamo.item)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    x dynamo.indexes := gsi_index(t, i);
    tab dynamo.tables;
    columns text[] := '{}';
    valid text[] := '{}';
    names text[];
    n integer;
BEGIN
    SELECT * INTO tab FROM dynamo.tables WHERE table_name = t;
    FOR n IN 1 .. cardinality(x.partition_keys) LOOP
        columns := columns || format('dynamo.get(r.item, %L)::text', x.partition_keys[n]);
        valid := valid || format('gsi_valid_key(dynamo.get(r.item, %L), %L, true)',
                                 x.partition_keys[n], x.partition_key_types[n]);
    END LOOP;
    FOR n IN 1 .. cardinality(x.sort_keys) LOOP
        columns := columns || format('dynamo.get(r.item, %L)::text', x.sort_keys[n]);
        valid := valid || format('gsi_valid_key(dynamo.get(r.item, %L), %L, false)',
                                 x.sort_keys[n], x.sort_key_types[n]);
    END LOOP;
    names := ARRAY[tab.partition_key] || coalesce(ARRAY[tab.sort_key], '{}') || x.partition_keys || x.sort_keys
             || coalesce(x.non_key_attributes, '{}');
    RETURN QUERY EXECUTE format(
        'SELECT ARRAY[%s], r.pk, %s, gsi_project(r.item, $1, $2) FROM dynamo_data.%I r WHERE %s',
        array_to_string(columns, ', '), CASE WHEN tab.sort_key IS NULL THEN 'NULL::dynamo.value' ELSE 'r.sk' END,
        tab.relation_name, array_to_string(valid, ' AND '))
        USING names, x.projection_type = 'ALL';
END
$$;

CREATE FUNCTION gsi_report(t text, i text) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH actual AS MATERIALIZED (SELECT * FROM gsi_actual(t, i)),
         expected AS MATERIALIZED (SELECT * FROM gsi_expected(t, i))
    SELECT format('missing %s extra %s duplicates %s entries %s',
                  (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) m),
                  (SELECT count(*) FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) e),
                  (SELECT count(*) FROM (SELECT FROM actual GROUP BY table_pk, table_sk HAVING count(*) > 1) d),
                  (SELECT count(*) FROM actual))
$$;

-- a string of DynamoDB's expression attribute values of a value
CREATE FUNCTION gsi_values(v dynamo.value[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(':v' || n, v[n]::jsonb), '{}') FROM generate_subscripts(v, 1) n
$$;

CREATE FUNCTION gsi_query_mismatches(t text, i text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    x dynamo.indexes := gsi_index(t, i);
    tab dynamo.tables;
    names jsonb := '{}';
    condition text[] := '{}';
    filter text[] := '{}';
    projection text;
    attrs text[];
    part text[];
    key record;
    n integer;
    mismatches bigint;
BEGIN
    SELECT * INTO tab FROM dynamo.tables WHERE table_name = t;
    attrs := ARRAY[tab.partition_key] || coalesce(ARRAY[tab.sort_key], '{}') || x.partition_keys || x.sort_keys
             || coalesce(x.non_key_attributes, '{}');
    FOR n IN 1 .. cardinality(attrs) LOOP
        names := names || jsonb_build_object('#a' || n, attrs[n]);
    END LOOP;
    projection := (SELECT string_agg(DISTINCT '#a' || array_position(attrs, a), ', ') FROM unnest(attrs) a);
    FOR n IN 1 .. cardinality(x.partition_keys) LOOP
        condition := condition || format('#a%s = :v%s', array_position(attrs, x.partition_keys[n]), n);
        part := part || format('dynamo.get(item, %L)', x.partition_keys[n]);
    END LOOP;
    FOR n IN 1 .. cardinality(x.sort_keys) LOOP
        filter := filter || format('attribute_type(#a%s, :%s)', array_position(attrs, x.sort_keys[n]),
                                   x.sort_key_types[n]);
    END LOOP;
    FOR n IN 1 .. cardinality(x.partition_keys) LOOP
        filter := filter || format('attribute_type(#a%s, :%s)', array_position(attrs, x.partition_keys[n]),
                                   x.partition_key_types[n]);
    END LOOP;
    -- the table's items the index should hold, by a Scan of the table
    CREATE TEMP TABLE gsi_scanned ON COMMIT DROP AS
        SELECT s AS item FROM dynamo.scan(t, array_to_string(filter, ' AND '),
                                          CASE WHEN x.projection_type = 'ALL' THEN NULL ELSE projection END,
                                          CASE WHEN x.projection_type = 'ALL' THEN NULL ELSE names END ||
                                          (SELECT jsonb_object_agg('#a' || array_position(attrs, f), f)
                                             FROM unnest(x.partition_keys || x.sort_keys) f),
                                          (SELECT jsonb_object_agg(':' || ty, jsonb_build_object('S', ty))
                                             FROM unnest(x.partition_key_types || x.sort_key_types) ty)) s;
    -- empty strings and binaries are not index keys
    DELETE FROM gsi_scanned s WHERE EXISTS (
        SELECT FROM unnest(x.partition_keys || x.sort_keys) f
         WHERE dynamo.value_type(dynamo.get(s.item, f)) IN ('S', 'B') AND dynamo.as_text(dynamo.get(s.item, f)) = '');
    -- every item of a Query on the index, one per index partition key value
    CREATE TEMP TABLE gsi_queried (item dynamo.item) ON COMMIT DROP;
    FOR key IN EXECUTE format('SELECT DISTINCT ARRAY[%s] AS v FROM gsi_scanned', array_to_string(part, ', ')) LOOP
        INSERT INTO gsi_queried
            SELECT q FROM dynamo.query(t, array_to_string(condition, ' AND '),
                                       (SELECT jsonb_object_agg('#a' || array_position(attrs, f), f)
                                          FROM unnest(x.partition_keys) f),
                                       gsi_values(key.v), index => i) q;
    END LOOP;
    SELECT (SELECT count(*) FROM (SELECT item FROM gsi_scanned EXCEPT ALL SELECT item FROM gsi_queried) a) +
           (SELECT count(*) FROM (SELECT item FROM gsi_queried EXCEPT ALL SELECT item FROM gsi_scanned) b)
      INTO mismatches;
    DROP TABLE gsi_scanned;
    DROP TABLE gsi_queried;
    RETURN mismatches;
END
$$;
