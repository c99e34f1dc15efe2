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
    last_pay_per_request_time timestamptz,       -- when PAY_PER_REQUEST was last set; NULL: never
    partition_count integer NOT NULL CHECK (partition_count BETWEEN 1 AND 1024),
    version_attribute text,                      -- optimistic locking, when set
    creation_time timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'ACTIVE',
    CHECK ((sort_key IS NULL) = (sort_key_type IS NULL)),
    CONSTRAINT tables_pay_per_request_time
        CHECK (billing_mode = 'PROVISIONED' OR last_pay_per_request_time IS NOT NULL)
);
COMMENT ON TABLE dynamo.tables IS 'one row per DynamoDB table: key schema, billing, and the relation holding its items';
SELECT pg_catalog.pg_extension_config_dump('dynamo.tables', '');

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
-- back to PROVISIONED.
--
-- With status 'DELETING' it is the description DeleteTable answers, which
-- leaves out what DynamoDB leaves out there: CreationDateTime, KeySchema,
-- AttributeDefinitions and DeletionProtectionEnabled (and the index lists).
CREATE FUNCTION dynamo.table_description(t dynamo.tables, status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    WITH parts AS (
        SELECT c.oid, c.reltuples
          FROM pg_catalog.pg_inherits i
          JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = pg_catalog.to_regclass(pg_catalog.quote_ident('dynamo_data') || '.' ||
                                                     pg_catalog.quote_ident(t.relation_name))
    )
    SELECT d - CASE WHEN status = 'DELETING'
                    THEN ARRAY['CreationDateTime', 'KeySchema', 'AttributeDefinitions', 'DeletionProtectionEnabled']
                    ELSE ARRAY[]::text[] END
      FROM jsonb_strip_nulls(jsonb_build_object(
        'TableName', t.table_name,
        'TableStatus', coalesce(status, t.status),
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
        'ProvisionedThroughput', jsonb_build_object(
            'NumberOfDecreasesToday', 0,
            'ReadCapacityUnits', coalesce(t.read_capacity_units, 0),
            'WriteCapacityUnits', coalesce(t.write_capacity_units, 0)),
        'BillingModeSummary', CASE WHEN t.last_pay_per_request_time IS NOT NULL THEN jsonb_build_object(
            'BillingMode', t.billing_mode,
            'LastUpdateToPayPerRequestDateTime', round(extract(epoch FROM t.last_pay_per_request_time), 3)) END,
        'ItemCount', (SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM parts),
        'TableSizeBytes', (SELECT coalesce(sum(pg_catalog.pg_total_relation_size(oid)), 0) FROM parts),
        'DeletionProtectionEnabled', false)) AS d
$$;
