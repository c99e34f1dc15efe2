-- 79_imports.sql: imports of tables from S3 (ImportTable, DescribeImport,
-- ListImports; src/backup/import_*.c).
--
-- An import is one row of dynamo.imports, written by ImportTable in the
-- request's transaction together with the new table (catalog status
-- CREATING) and the job that fills it (dynamo.jobs, kind 'import').  The job
-- reads the S3 objects (files under the bucket's directory, see
-- dynamo.s3_bucket_directories) and writes every item into the table in one
-- transaction that also sets the table ACTIVE and the import COMPLETED, or
-- FAILED with ItemValidationError when some lines could not be imported (the
-- valid ones are kept, as DynamoDB keeps them).  When the job itself fails
-- (a missing bucket, an unreadable file, an internal error) nothing of it
-- remains: the table is dropped and the import is FAILED with the failure's
-- code and message.
--
-- The rows outlive the table (DescribeImport and ListImports still show
-- them after DeleteTable, as DynamoDB's do).  dynamo.import_errors is this
-- server's CloudWatch log group /aws-dynamodb/imports: one row per line
-- that could not be imported, with DynamoDB's itemS3Pointer and message.

CREATE TABLE dynamo.imports (
    import_id text PRIMARY KEY,                  -- <epoch ms, 14 digits>-<8 hex>: the last part of the ARN
    import_arn text NOT NULL UNIQUE,             -- <table ARN>/import/<import_id>
    table_name text NOT NULL,
    table_id uuid NOT NULL,
    table_arn text NOT NULL,
    status text NOT NULL DEFAULT 'IN_PROGRESS'
        CHECK (status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED')),
    client_token text NOT NULL,
    s3_bucket_source jsonb NOT NULL,             -- S3Bucket, S3KeyPrefix, S3BucketOwner (filled in)
    input_format text NOT NULL CHECK (input_format IN ('DYNAMODB_JSON', 'ION', 'CSV')),
    input_format_options jsonb,                  -- as given
    input_compression_type text NOT NULL DEFAULT 'NONE' CHECK (input_compression_type IN ('GZIP', 'ZSTD', 'NONE')),
    table_creation_parameters jsonb NOT NULL,    -- as given
    start_time timestamptz NOT NULL DEFAULT now(),
    end_time timestamptz,
    processed_size_bytes bigint,                 -- uncompressed bytes read; NULL until the import ends
    processed_item_count bigint NOT NULL DEFAULT 0,
    imported_item_count bigint NOT NULL DEFAULT 0,
    error_count bigint NOT NULL DEFAULT 0,
    failure_code text,
    failure_message text,
    CHECK ((status = 'IN_PROGRESS') = (end_time IS NULL))
);
CREATE INDEX imports_table_arn ON dynamo.imports (table_arn, start_time);
CREATE INDEX imports_client_token ON dynamo.imports (client_token, start_time);
CREATE INDEX imports_start_time ON dynamo.imports (start_time, import_id);
COMMENT ON TABLE dynamo.imports IS 'imports of DynamoDB tables from S3 (ImportTable): source, format, status and counts';
SELECT pg_catalog.pg_extension_config_dump('dynamo.imports', '');

-- The lines an import could not turn into items: what DynamoDB writes to
-- the CloudWatch log stream <import id>/error of log group
-- /aws-dynamodb/imports.  Kept with the import (and dropped with it).
CREATE TABLE dynamo.import_errors (
    import_id text NOT NULL REFERENCES dynamo.imports (import_id) ON DELETE CASCADE,
    error_number integer NOT NULL,               -- 1, 2, ... within the import
    bucket text NOT NULL,
    key text NOT NULL,                           -- the S3 object
    item_index bigint NOT NULL,                  -- the item's place in the object, from 0
    error_message text NOT NULL,
    event_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (import_id, error_number)
);
COMMENT ON TABLE dynamo.import_errors IS 'the lines imports could not import, as DynamoDB logs them to CloudWatch (/aws-dynamodb/imports)';
SELECT pg_catalog.pg_extension_config_dump('dynamo.import_errors', '');

-- dynamo.import_table_arn(table_name): the ARN of a table, imported or not (it may be gone)
CREATE FUNCTION dynamo.import_table_arn(table_name text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('arn:aws:dynamodb:%s:%s:table/%s', current_setting('dynamo.region'),
                  current_setting('dynamo.account_id'), table_name)
$$;

-- dynamo.import_description(import): an ImportTableDescription.  Counters
-- are there from the start (0 while IN_PROGRESS, as DynamoDB reports them);
-- EndTime, ProcessedSizeBytes and the failure only once the import ended.
CREATE FUNCTION dynamo.import_description(i dynamo.imports) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'ImportArn', i.import_arn,
        'ImportStatus', i.status,
        'TableArn', i.table_arn,
        'TableId', i.table_id,
        'ClientToken', i.client_token,
        'S3BucketSource', i.s3_bucket_source,
        'ErrorCount', i.error_count,
        'CloudWatchLogGroupArn', format('arn:aws:logs:%s:%s:log-group:/aws-dynamodb/imports:*',
                                        current_setting('dynamo.region'), current_setting('dynamo.account_id')),
        'InputFormat', i.input_format,
        'InputFormatOptions', i.input_format_options,
        'InputCompressionType', i.input_compression_type,
        'TableCreationParameters', i.table_creation_parameters,
        'StartTime', round(extract(epoch FROM i.start_time), 3),
        'EndTime', round(extract(epoch FROM i.end_time), 3),
        'ProcessedSizeBytes', i.processed_size_bytes,
        'ProcessedItemCount', i.processed_item_count,
        'ImportedItemCount', i.imported_item_count,
        'FailureCode', i.failure_code,
        'FailureMessage', i.failure_message))
$$;

-- dynamo.import_summary(import): an ImportSummary of ListImports.
CREATE FUNCTION dynamo.import_summary(i dynamo.imports) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'ImportArn', i.import_arn,
        'ImportStatus', i.status,
        'TableArn', i.table_arn,
        'S3BucketSource', i.s3_bucket_source,
        'CloudWatchLogGroupArn', format('arn:aws:logs:%s:%s:log-group:/aws-dynamodb/imports:*',
                                        current_setting('dynamo.region'), current_setting('dynamo.account_id')),
        'InputFormat', i.input_format,
        'StartTime', round(extract(epoch FROM i.start_time), 3),
        'EndTime', round(extract(epoch FROM i.end_time), 3)))
$$;
