-- 50_catalog.sql: the catalog of DynamoDB tables, and the schema their data
-- lives in.
--
-- Each DynamoDB table is one row of dynamo.tables and one partitioned
-- relation in schema dynamo_data (columns pk, sk, item; PARTITION BY HASH on
-- pk with the xxHash operator class; each partition USING dynamo). The
-- catalog is an extension configuration table, so pg_dump dumps its rows
-- and a restored database finds its tables again.

CREATE SCHEMA dynamo_data;
COMMENT ON SCHEMA dynamo_data IS 'the relations that hold the items of DynamoDB tables, one per table';

CREATE TABLE dynamo.tables (
    table_name text PRIMARY KEY
        CHECK (table_name ~ '^[a-zA-Z0-9_.-]{3,255}$'),
    relation_name text NOT NULL UNIQUE,         -- in dynamo_data
    table_id uuid NOT NULL UNIQUE,
    partition_key text NOT NULL,
    partition_key_type text NOT NULL CHECK (partition_key_type IN ('S', 'N', 'B')),
    sort_key text,
    sort_key_type text CHECK (sort_key_type IN ('S', 'N', 'B')),
    attribute_definitions jsonb NOT NULL,        -- as CreateTable gave them
    billing_mode text NOT NULL DEFAULT 'PROVISIONED'
        CHECK (billing_mode IN ('PROVISIONED', 'PAY_PER_REQUEST')),
    read_capacity_units bigint,
    write_capacity_units bigint,
    max_read_request_units bigint,               -- OnDemandThroughput; NULL: no maximum
    max_write_request_units bigint,
    last_pay_per_request_time timestamptz,       -- when PAY_PER_REQUEST was last set; NULL: never
    pay_per_request_switches timestamptz[] NOT NULL DEFAULT '{}',  -- switches to it in the last 24 hours
    last_increase_time timestamptz,              -- provisioned throughput history (catalog_throughput.c)
    last_decrease_time timestamptz,
    decreases_today integer NOT NULL DEFAULT 0,  -- decreases on the UTC day of last_decrease_time
    partition_count integer NOT NULL CHECK (partition_count BETWEEN 1 AND 1024),
    version_attribute text,                      -- optimistic locking, when set
    creation_time timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'ACTIVE',      -- CREATING while a restore or an import fills it
    restore_summary jsonb,                       -- RestoreSummary of a restored table (src/backup/)
    CHECK ((sort_key IS NULL) = (sort_key_type IS NULL)),
    CONSTRAINT tables_pay_per_request_time
        CHECK (billing_mode = 'PROVISIONED' OR last_pay_per_request_time IS NOT NULL)
);
COMMENT ON TABLE dynamo.tables IS 'one row per DynamoDB table: key schema, billing, and the relation holding its items';
SELECT pg_catalog.pg_extension_config_dump('dynamo.tables', '');

-- The secondary indexes of DynamoDB tables, one row each.
--
-- A local secondary index (is_global false) is a partial btree index of the
-- table's relation, named relation_name in dynamo_data, on
-- (pk, dynamo.get(item, <sort key>), sk) WHERE dynamo.get(item, <sort key>)
-- IS NOT NULL: the item collection's entries, in the index's sort order.
-- A global secondary index is a partitioned relation of its own, named
-- relation_name in dynamo_data, with columns pk[, pk2..pk4] (its partition
-- key attributes), sk[, sk2..sk4] (its sort key attributes, NULL when it has
-- none), table_pk, table_sk (the item's key in the table) and item (the
-- projected attributes), PARTITION BY HASH on its partition key columns, as
-- many partitions as the table.  The table access method keeps it up to date
-- on every write of the table (src/storage/storage_indexes.c).
CREATE TABLE dynamo.indexes (
    table_name text NOT NULL REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    index_name text NOT NULL CHECK (index_name ~ '^[a-zA-Z0-9_.-]{3,255}$'),
    is_global boolean NOT NULL,
    ordinal integer NOT NULL,                    -- creation order within the table
    partition_keys text[] NOT NULL,
    partition_key_types text[] NOT NULL,
    sort_keys text[] NOT NULL DEFAULT '{}',
    sort_key_types text[] NOT NULL DEFAULT '{}',
    projection_type text NOT NULL CHECK (projection_type IN ('KEYS_ONLY', 'INCLUDE', 'ALL')),
    non_key_attributes text[],                   -- INCLUDE's NonKeyAttributes
    relation_name text NOT NULL UNIQUE,          -- in dynamo_data
    status text NOT NULL DEFAULT 'ACTIVE'
        CHECK (status IN ('CREATING', 'ACTIVE', 'UPDATING', 'DELETING')),
    added_later boolean NOT NULL DEFAULT false,  -- by UpdateTable: DescribeTable shows Backfilling
    backfilling boolean NOT NULL DEFAULT false,
    key_violations bigint NOT NULL DEFAULT 0,    -- items a backfill left out for their index keys
    read_capacity_units bigint,
    write_capacity_units bigint,
    max_read_request_units bigint,               -- OnDemandThroughput
    max_write_request_units bigint,
    last_increase_time timestamptz,              -- provisioned throughput history, as the table's
    last_decrease_time timestamptz,
    decreases_today integer NOT NULL DEFAULT 0,
    creation_time timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, index_name),
    CHECK (cardinality(partition_keys) BETWEEN 1 AND 4 AND cardinality(sort_keys) <= 4),
    CHECK (is_global OR (cardinality(partition_keys) = 1 AND cardinality(sort_keys) = 1))
);
COMMENT ON TABLE dynamo.indexes IS 'one row per secondary index of a DynamoDB table: key schema, projection, status, and where it is stored';
SELECT pg_catalog.pg_extension_config_dump('dynamo.indexes', '');

-- The streams of tables, current and past (src/sql/76_streams.sql has their
-- shards and records, and explains the model).
CREATE TABLE dynamo.streams (
    table_name text NOT NULL,
    stream_label text NOT NULL,                  -- ISO 8601 creation time, as DynamoDB labels streams
    table_id uuid NOT NULL,                      -- the table's identity (a table of the same name is another)
    view_type text NOT NULL
        CHECK (view_type IN ('KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES')),
    status text NOT NULL DEFAULT 'ENABLING'
        CHECK (status IN ('ENABLING', 'ENABLED', 'DISABLING', 'DISABLED')),
    key_schema jsonb NOT NULL,                   -- the table's KeySchema, kept for DescribeStream after a drop
    partition_count integer NOT NULL,
    start_lsn pg_lsn,                            -- changes committed after it are in the stream (set once ENABLED)
    end_lsn pg_lsn,                              -- set when disabled: changes committed after it are not
    creation_time timestamptz NOT NULL DEFAULT now(),
    disabled_time timestamptz,
    PRIMARY KEY (table_name, stream_label)
);
COMMENT ON TABLE dynamo.streams IS 'the DynamoDB streams of tables, current and past (until their records expire)';
CREATE UNIQUE INDEX streams_one_current ON dynamo.streams (table_name) WHERE status IN ('ENABLING', 'ENABLED');
SELECT pg_catalog.pg_extension_config_dump('dynamo.streams', '');

-- the sizes of a relation (or partitioned index) and of its partitions:
-- reltuples summed, pg_total_relation_size summed
CREATE FUNCTION dynamo.relation_statistics(relation text, OUT item_count bigint, OUT size_bytes bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint,
           coalesce(sum(pg_catalog.pg_total_relation_size(c.oid)), 0)::bigint
      FROM pg_catalog.pg_inherits i
      JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = pg_catalog.to_regclass(pg_catalog.quote_ident('dynamo_data') || '.' ||
                                                 pg_catalog.quote_ident(relation))
$$;

-- dynamo.decreases_today(last_decrease_time, decreases_today): the
-- provisioned throughput decreases of the current UTC day; the count a
-- catalog row keeps is that of the UTC day of its last decrease, and it
-- starts again from 0 at 00:00 UTC, as DynamoDB's NumberOfDecreasesToday
-- does.
CREATE FUNCTION dynamo.decreases_today(last_decrease_time timestamptz, decreases_today integer)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN (last_decrease_time AT TIME ZONE 'UTC')::date = (now() AT TIME ZONE 'UTC')::date
                THEN decreases_today ELSE 0 END
$$;

-- dynamo.throughput_description(read, write, last_increase, last_decrease,
-- decreases_today): a ProvisionedThroughputDescription.  Zero units when
-- there are none (PAY_PER_REQUEST), the dates only once there was an
-- increase or a decrease, in epoch seconds with their fraction.
CREATE FUNCTION dynamo.throughput_description(read_capacity_units bigint, write_capacity_units bigint,
                                              last_increase_time timestamptz, last_decrease_time timestamptz,
                                              decreases_today integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'LastIncreaseDateTime', round(extract(epoch FROM last_increase_time), 3),
        'LastDecreaseDateTime', round(extract(epoch FROM last_decrease_time), 3),
        'NumberOfDecreasesToday', dynamo.decreases_today(last_decrease_time, decreases_today),
        'ReadCapacityUnits', coalesce(read_capacity_units, 0),
        'WriteCapacityUnits', coalesce(write_capacity_units, 0)))
$$;

-- dynamo.index_description(i, t): the LocalSecondaryIndexDescription or
-- GlobalSecondaryIndexDescription of an index, with the members DynamoDB
-- gives each.  A GSI of a PAY_PER_REQUEST table shows zero throughput, as
-- DynamoDB does; Backfilling appears only while an index added to an
-- existing table is being created.
CREATE FUNCTION dynamo.index_description(i dynamo.indexes, t dynamo.tables)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'IndexName', i.index_name,
        'KeySchema', (SELECT jsonb_agg(jsonb_build_object('AttributeName', k.name, 'KeyType', k.kind) ORDER BY k.ord)
                        FROM (SELECT name, 'HASH' AS kind, n AS ord FROM unnest(i.partition_keys) WITH ORDINALITY AS u(name, n)
                              UNION ALL
                              SELECT name, 'RANGE', 4 + n FROM unnest(i.sort_keys) WITH ORDINALITY AS u(name, n)) k),
        'Projection', jsonb_build_object('ProjectionType', i.projection_type,
                                         'NonKeyAttributes', (SELECT jsonb_agg(a ORDER BY a COLLATE "C")
                                                                FROM unnest(i.non_key_attributes) a)),
        'IndexStatus', CASE WHEN i.is_global THEN i.status END,
        'Backfilling', CASE WHEN i.is_global AND i.added_later AND i.status = 'CREATING' THEN i.backfilling END,
        'ProvisionedThroughput', CASE WHEN i.is_global THEN dynamo.throughput_description(
            i.read_capacity_units, i.write_capacity_units, i.last_increase_time, i.last_decrease_time,
            i.decreases_today) END,
        'OnDemandThroughput', CASE WHEN i.is_global AND (i.max_read_request_units IS NOT NULL OR
                                                          i.max_write_request_units IS NOT NULL)
                                   THEN jsonb_build_object('MaxReadRequestUnits', coalesce(i.max_read_request_units, -1),
                                                           'MaxWriteRequestUnits', coalesce(i.max_write_request_units, -1)) END,
        'IndexSizeBytes', s.size_bytes,
        'ItemCount', s.item_count,
        'IndexArn', format('arn:aws:dynamodb:%s:%s:table/%s/index/%s',
                           current_setting('dynamo.region'), current_setting('dynamo.account_id'),
                           t.table_name, i.index_name)))
      FROM dynamo.relation_statistics(i.relation_name) s
$$;

-- dynamo.table_description(t): DynamoDB's TableDescription of a catalog row.
-- ItemCount and TableSizeBytes come from Postgres' statistics (reltuples,
-- relation sizes), refreshed by VACUUM and ANALYZE, as DynamoDB refreshes
-- its own about every six hours.
--
-- As DynamoDB does, BillingModeSummary appears only once the table has been
-- PAY_PER_REQUEST (created so, or switched to it): a table that has only
-- ever been PROVISIONED has none; afterwards it carries the billing mode and
-- LastUpdateToPayPerRequestDateTime, the time PAY_PER_REQUEST was last set
-- (the CreationDateTime of a table created so), kept when the table goes
-- back to PROVISIONED.  OnDemandThroughput lists the maximums that are set
-- (a member cleared with -1 is left out) and is absent without any, as
-- DynamoDB's settles once a clearing has taken effect.
--
-- With status 'DELETING' it is the description DeleteTable answers, which
-- leaves out what DynamoDB leaves out there: CreationDateTime, KeySchema,
-- AttributeDefinitions and DeletionProtectionEnabled (and the index lists).
CREATE FUNCTION dynamo.table_description(t dynamo.tables, status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT d - CASE WHEN status = 'DELETING'
                    THEN ARRAY['CreationDateTime', 'KeySchema', 'AttributeDefinitions', 'DeletionProtectionEnabled',
                               'LocalSecondaryIndexes', 'GlobalSecondaryIndexes']
                    ELSE ARRAY[]::text[] END
      FROM jsonb_strip_nulls(jsonb_build_object(
        'TableName', t.table_name,
        'TableStatus', coalesce(status, CASE WHEN t.status = 'ACTIVE' AND (EXISTS (
                                             SELECT FROM dynamo.indexes i
                                              WHERE i.table_name = t.table_name AND i.status <> 'ACTIVE')
                                             OR EXISTS (SELECT FROM dynamo.streams s
                                                         WHERE s.table_name = t.table_name AND s.table_id = t.table_id
                                                           AND s.status = 'ENABLING'))
                                         THEN 'UPDATING' ELSE t.status END),
        'TableId', t.table_id,
        'TableArn', format('arn:aws:dynamodb:%s:%s:table/%s',
                           current_setting('dynamo.region'), current_setting('dynamo.account_id'),
                           t.table_name),
        'CreationDateTime', round(extract(epoch FROM t.creation_time), 3),
        'AttributeDefinitions', t.attribute_definitions,
        'KeySchema', CASE WHEN t.sort_key IS NULL
                          THEN jsonb_build_array(jsonb_build_object('AttributeName', t.partition_key, 'KeyType', 'HASH'))
                          ELSE jsonb_build_array(jsonb_build_object('AttributeName', t.partition_key, 'KeyType', 'HASH'),
                                                 jsonb_build_object('AttributeName', t.sort_key, 'KeyType', 'RANGE'))
                     END,
        'ProvisionedThroughput', dynamo.throughput_description(
            t.read_capacity_units, t.write_capacity_units, t.last_increase_time, t.last_decrease_time,
            t.decreases_today),
        'OnDemandThroughput', CASE WHEN t.max_read_request_units IS NOT NULL OR t.max_write_request_units IS NOT NULL
                                   THEN jsonb_strip_nulls(jsonb_build_object(
                                            'MaxReadRequestUnits', t.max_read_request_units,
                                            'MaxWriteRequestUnits', t.max_write_request_units)) END,
        'BillingModeSummary', CASE WHEN t.last_pay_per_request_time IS NOT NULL THEN jsonb_build_object(
            'BillingMode', t.billing_mode,
            'LastUpdateToPayPerRequestDateTime', round(extract(epoch FROM t.last_pay_per_request_time), 3)) END,
        'ItemCount', (SELECT item_count FROM dynamo.relation_statistics(t.relation_name)),
        'TableSizeBytes', (SELECT size_bytes FROM dynamo.relation_statistics(t.relation_name)),
        'LocalSecondaryIndexes', (SELECT jsonb_agg(dynamo.index_description(i, t) ORDER BY i.ordinal)
                                    FROM dynamo.indexes i WHERE i.table_name = t.table_name AND NOT i.is_global),
        'GlobalSecondaryIndexes', (SELECT jsonb_agg(dynamo.index_description(i, t) ORDER BY i.ordinal)
                                     FROM dynamo.indexes i WHERE i.table_name = t.table_name AND i.is_global),
        'StreamSpecification', (SELECT jsonb_build_object('StreamEnabled', true, 'StreamViewType', s.view_type)
                                  FROM dynamo.streams s
                                 WHERE s.table_name = t.table_name AND s.table_id = t.table_id
                                   AND s.status IN ('ENABLING', 'ENABLED')),
        'LatestStreamLabel', (SELECT s.stream_label FROM dynamo.streams s
                               WHERE s.table_name = t.table_name AND s.table_id = t.table_id
                               ORDER BY s.creation_time DESC LIMIT 1),
        'LatestStreamArn', (SELECT format('arn:aws:dynamodb:%s:%s:table/%s/stream/%s',
                                          current_setting('dynamo.region'), current_setting('dynamo.account_id'),
                                          t.table_name, s.stream_label)
                              FROM dynamo.streams s
                             WHERE s.table_name = t.table_name AND s.table_id = t.table_id
                             ORDER BY s.creation_time DESC LIMIT 1),
        'RestoreSummary', t.restore_summary || jsonb_build_object('RestoreInProgress', t.status = 'CREATING'),
        'DeletionProtectionEnabled', false)) AS d
$$;
