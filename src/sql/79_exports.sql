-- 79_exports.sql: exports of tables to S3 buckets mapped to directories of
-- the server (ExportTableToPointInTime, DescribeExport, ListExports;
-- src/backup/export_*.c).
--
-- An export is one row of dynamo.exports, made by ExportTableToPointInTime
-- in its transaction together with the job (dynamo.jobs, kind 'export')
-- that writes the files.  The job sets the row COMPLETED with its counts
-- and manifest in the same transaction that marks the job done; a job that
-- fails sets it FAILED with DynamoDB's FailureCode and FailureMessage.  The
-- rows are a configuration table of the extension (pg_dump carries them:
-- the files they describe outlive the database, as S3 objects outlive
-- DynamoDB's export records).

CREATE TABLE dynamo.exports (
    export_id text PRIMARY KEY,                   -- <epoch ms, 14 digits>-<8 hex>: the last part of the ARN
    export_arn text NOT NULL UNIQUE,
    table_name text NOT NULL,
    table_id uuid NOT NULL,                       -- the table exported (a table of the same name later is another)
    table_arn text NOT NULL,
    status text NOT NULL DEFAULT 'IN_PROGRESS' CHECK (status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED')),
    request jsonb NOT NULL,                       -- the request as given, less its ClientToken (idempotency)
    client_token text NOT NULL,
    export_type text NOT NULL CHECK (export_type IN ('FULL_EXPORT', 'INCREMENTAL_EXPORT')),
    export_type_given boolean NOT NULL,           -- DynamoDB echoes ExportType only when the request named it
    export_format text NOT NULL CHECK (export_format IN ('DYNAMODB_JSON', 'ION')),
    export_time timestamptz,                      -- FULL_EXPORT: the point in time exported
    export_from_time timestamptz,                 -- INCREMENTAL_EXPORT: the period [from, to)
    export_to_time timestamptz,
    export_view_type text CHECK (export_view_type IN ('NEW_IMAGE', 'NEW_AND_OLD_IMAGES')),
    s3_bucket text NOT NULL,
    s3_bucket_owner text,
    s3_prefix text,
    s3_sse_algorithm text NOT NULL DEFAULT 'AES256',
    s3_sse_kms_key_id text,
    start_time timestamptz NOT NULL,
    end_time timestamptz,
    item_count bigint,
    billed_size_bytes bigint,
    export_manifest text,                         -- the S3 key of manifest-summary.json
    failure_code text,
    failure_message text,
    CHECK (status = 'IN_PROGRESS' OR end_time IS NOT NULL)
);
CREATE INDEX exports_client_token ON dynamo.exports (client_token, start_time);
CREATE INDEX exports_table ON dynamo.exports (table_name, export_arn);
COMMENT ON TABLE dynamo.exports IS 'exports of DynamoDB tables to S3 buckets mapped to server directories (ExportTableToPointInTime)';
SELECT pg_catalog.pg_extension_config_dump('dynamo.exports', '');

-- dynamo.export_description(export_arn): an export's ExportDescription, as
-- ExportTableToPointInTime and DescribeExport answer it (timestamps in
-- epoch seconds with their fraction; members DynamoDB leaves out while an
-- export runs, or for a request that did not name them, are absent).
CREATE FUNCTION dynamo.export_description(p_export_arn text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'ExportArn', e.export_arn,
        'ExportStatus', e.status,
        'StartTime', round(extract(epoch FROM e.start_time), 3),
        'EndTime', round(extract(epoch FROM e.end_time), 3),
        'ExportManifest', e.export_manifest,
        'TableArn', e.table_arn,
        'TableId', e.table_id,
        'ExportTime', round(extract(epoch FROM e.export_time), 3),
        'ClientToken', e.client_token,
        'S3Bucket', e.s3_bucket,
        'S3BucketOwner', e.s3_bucket_owner,
        'S3Prefix', e.s3_prefix,
        'S3SseAlgorithm', e.s3_sse_algorithm,
        'S3SseKmsKeyId', e.s3_sse_kms_key_id,
        'FailureCode', e.failure_code,
        'FailureMessage', e.failure_message,
        'ExportFormat', e.export_format,
        'BilledSizeBytes', e.billed_size_bytes,
        'ItemCount', e.item_count,
        'ExportType', CASE WHEN e.export_type_given THEN e.export_type END,
        'IncrementalExportSpecification', CASE WHEN e.export_type = 'INCREMENTAL_EXPORT' THEN
            jsonb_build_object('ExportFromTime', round(extract(epoch FROM e.export_from_time), 3),
                               'ExportToTime', round(extract(epoch FROM e.export_to_time), 3),
                               'ExportViewType', e.export_view_type) END))
      FROM dynamo.exports e
     WHERE e.export_arn = p_export_arn
$$;
COMMENT ON FUNCTION dynamo.export_description(text) IS 'the ExportDescription of an export, as DescribeExport answers it';
