-- exports.sql: ExportTableToPointInTime, DescribeExport and ListExports:
-- DynamoDB's checks and messages, the job that writes the files, and the
-- files' layout and checksums as DynamoDB lays them out.  (The data files'
-- contents are read back by test/backup/check_export.sh, which has gzip.)
SET dynamo.s3_bucket_directories = 'exports=/tmp/dynamo_regress_exports, other=/tmp/dynamo_regress_exports/other';

-- ARNs, ids and times change from run to run: masked
CREATE FUNCTION pg_temp.masked(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(j::text,
        '[0-9]{14}-[0-9a-f]{8}', '<id>', 'g'),
        '"(StartTime|EndTime|ExportTime|ExportFromTime|ExportToTime)": [0-9.]+', '"\1": "<time>"', 'g'),
        '"(TableId|ClientToken)": "[0-9a-f-]{36}"', '"\1": "<uuid>"', 'g')::jsonb
$$;

SELECT dynamo.execute('CreateTable', '{"TableName": "Exported", "BillingMode": "PAY_PER_REQUEST",
    "DynamoOptions": {"Partitions": 3},
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]}'::jsonb) IS NOT NULL AS created;
SELECT dynamo.execute('CreateTable', '{"TableName": "NoPitr", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}'::jsonb) IS NOT NULL AS created;
SELECT count(*) FROM (
    SELECT dynamo.execute('PutItem', format('{"TableName": "Exported", "Item": {"pk": {"S": "p%s"}, "sk": {"N": "%s"},
        "s": {"S": "text \"%s\"\n"}, "n": {"N": "-12.50"}, "b": {"B": "AAEC"}, "t": {"BOOL": true}, "z": {"NULL": true},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": ["AQ=="]},
        "l": {"L": [{"N": "600"}, {"S": "x"}]}, "m": {"M": {"nested": {"M": {"deep": {"N": "0"}}}, "odd name": {"S": "y"}}}}}',
        i % 4, i, i)::jsonb)
      FROM generate_series(1, 10) i) p;

-- point-in-time recovery on: ENABLED once the capture runs and the first base copy is taken
SELECT dynamo.execute('UpdateContinuousBackups', '{"TableName": "Exported",
    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}'::jsonb)
       ->'ContinuousBackupsDescription'->'PointInTimeRecoveryDescription'->>'PointInTimeRecoveryStatus' AS status;
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN EXISTS (SELECT FROM dynamo.continuous_backups WHERE table_name = 'Exported' AND status = 'ENABLED');
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT status FROM dynamo.continuous_backups WHERE table_name = 'Exported';

-- for the checks of times only, the window as if it had opened two days ago
CREATE TEMP TABLE window_start AS SELECT earliest_restorable_time AS t FROM dynamo.continuous_backups WHERE table_name = 'Exported';
UPDATE dynamo.continuous_backups SET earliest_restorable_time = now() - interval '2 days' WHERE table_name = 'Exported';

-- the request's checks, DynamoDB's messages
SELECT error_of(format($$SELECT dynamo.execute('ExportTableToPointInTime', '%s'::jsonb)$$, r))
  FROM (VALUES
    ('{"S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported"}'),
    ('{"TableArn": "Exported", "S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:111111111111:table/Exported", "S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported/index/ByX", "S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Missing", "S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/NoPitr", "S3Bucket": "exports"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportFormat": "CSV"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "PARTIAL_EXPORT"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "S3SseAlgorithm": "aws:kms"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "S3BucketOwner": "not-an-account"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "S3SseKmsKeyId": "alias/aws/s3"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "S3SseAlgorithm": "AES256", "S3SseKmsKeyId": "k"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportTime": 4102444800}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportTime": 1000000000}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports",
       "IncrementalExportSpecification": {"ExportFromTime": 1000000000}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "FULL_EXPORT",
       "IncrementalExportSpecification": {"ExportFromTime": 1000000000}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT"}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
       "IncrementalExportSpecification": {}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
       "IncrementalExportSpecification": {"ExportViewType": "NEW_IMAGE"}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
       "IncrementalExportSpecification": {"ExportFromTime": 1000000000, "ExportViewType": "NEW_IMAGES"}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
       "IncrementalExportSpecification": {"ExportFromTime": "2001-09-09T01:46:40Z"}}'),
    ('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/NoPitr", "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
       "IncrementalExportSpecification": {"ExportFromTime": 1000000000}}')) AS t(r);

-- the period of an incremental export: within the window, not in the future, 15 minutes to 24 hours
SELECT error_of(format($$SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
        "S3Bucket": "exports", "ExportType": "INCREMENTAL_EXPORT",
        "IncrementalExportSpecification": {"ExportFromTime": %s, "ExportToTime": %s}}'::jsonb)$$,
        extract(epoch FROM now() - f), coalesce(extract(epoch FROM now() - t), 4102444800)))
  FROM (VALUES (interval '90 minutes', NULL), (interval '90 minutes', interval '80 minutes'),
               (interval '60 minutes', interval '70 minutes'), (interval '30 hours', interval '1 hour')) AS p(f, t);

UPDATE dynamo.continuous_backups SET earliest_restorable_time = (SELECT t FROM window_start) WHERE table_name = 'Exported';

-- a full export, its description at once and when its job has run
BEGIN;
CREATE TEMP TABLE started AS
SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "S3Prefix": "nightly/run", "ClientToken": "token-1"}'::jsonb) AS r;
SELECT pg_temp.masked(r) FROM started;
SELECT kind, status FROM dynamo.jobs WHERE subject = (SELECT r->'ExportDescription'->>'ExportArn' FROM started);
SELECT dynamo.run_jobs();
COMMIT;
SELECT pg_temp.masked(dynamo.execute('DescribeExport', jsonb_build_object('ExportArn', r->'ExportDescription'->'ExportArn')))
  FROM started;

-- the same ClientToken and request: the same export; another request: ExportConflictException
SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "S3Prefix": "nightly/run", "ClientToken": "token-1"}'::jsonb)->'ExportDescription'->'ExportArn'
    = r->'ExportDescription'->'ExportArn' AS same_export FROM started;
SELECT error_of($$SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "S3Prefix": "nightly/other", "ClientToken": "token-1"}'::jsonb)$$);
SELECT error_of($$SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "S3Prefix": "nightly/run", "ClientToken": "token-1", "ExportFormat": "ION"}'::jsonb)$$);
SELECT count(*) FROM dynamo.exports;

-- the files, as DynamoDB lays them out under <prefix>/AWSDynamoDB/<ExportId>/
CREATE TEMP TABLE export_dir AS
SELECT '/tmp/dynamo_regress_exports/nightly/run/AWSDynamoDB/' || split_part(r->'ExportDescription'->>'ExportArn', '/export/', 2) AS dir,
       r->'ExportDescription'->>'ExportArn' AS arn
  FROM started;
SELECT regexp_replace(f, '[a-z2-7]{26}\.json\.gz$', '<name>.json.gz') AS file
  FROM export_dir, LATERAL (SELECT pg_ls_dir(dir) AS f UNION ALL SELECT 'data/' || pg_ls_dir(dir || '/data')) l
 ORDER BY 1;
SELECT (pg_stat_file(dir || '/_started')).size AS started_size FROM export_dir;

-- manifest-summary.json: DynamoDB's members; its key is ExportManifest
CREATE TEMP TABLE summary AS
SELECT pg_read_file(dir || '/manifest-summary.json')::jsonb AS s, dir, arn FROM export_dir;
SELECT key, CASE WHEN key IN ('exportArn', 'startTime', 'endTime', 'exportTime', 'tableId', 'manifestFilesS3Key')
                 THEN jsonb_typeof(value) ELSE value::text END AS value
  FROM summary, jsonb_each(s) ORDER BY key;
SELECT s->>'exportArn' = arn AS arn_matches,
       s->>'manifestFilesS3Key' = 'nightly/run/AWSDynamoDB/' || split_part(arn, '/export/', 2) || '/manifest-files.json' AS files_key,
       (SELECT e.export_manifest FROM dynamo.exports e WHERE e.export_arn = arn)
           = 'nightly/run/AWSDynamoDB/' || split_part(arn, '/export/', 2) || '/manifest-summary.json' AS manifest_key,
       (s->>'startTime')::timestamptz <= (s->>'endTime')::timestamptz AS times_ordered,
       s->>'tableId' = (SELECT table_id::text FROM dynamo.tables WHERE table_name = 'Exported') AS table_id
  FROM summary;

-- the .md5 files: base64 MD5 of the manifests
SELECT m, pg_read_file(dir || '/' || m || '.md5')
          = encode(decode(md5(pg_read_binary_file(dir || '/' || m || '.json')), 'hex'), 'base64') AS md5_matches
  FROM export_dir, (VALUES ('manifest-summary'), ('manifest-files')) v(m);

-- manifest-files.json: one line per partition, counts adding up, each file's checksum and ETag
CREATE TEMP TABLE manifest_files AS
SELECT line::jsonb AS f, dir
  FROM export_dir, regexp_split_to_table(rtrim(pg_read_file(dir || '/manifest-files.json'), E'\n'), E'\n') line;
SELECT count(*) AS files, sum((f->>'itemCount')::int) AS items,
       bool_and(f->>'dataFileS3Key' ~ ('^nightly/run/AWSDynamoDB/[0-9]{14}-[0-9a-f]{8}/data/[a-z2-7]{26}\.json\.gz$')) AS keys,
       bool_and(f->>'md5Checksum' = encode(decode(md5(pg_read_binary_file('/tmp/dynamo_regress_exports/' || (f->>'dataFileS3Key'))), 'hex'), 'base64')) AS md5s,
       bool_and(f->>'etag' = md5(decode(md5(pg_read_binary_file('/tmp/dynamo_regress_exports/' || (f->>'dataFileS3Key'))), 'hex')) || '-1') AS etags,
       bool_and(substr(pg_read_binary_file('/tmp/dynamo_regress_exports/' || (f->>'dataFileS3Key')), 1, 2) = '\x1f8b') AS gzip
  FROM manifest_files;
SELECT (SELECT item_count FROM dynamo.exports WHERE export_arn = arn) AS item_count,
       (SELECT billed_size_bytes FROM dynamo.exports WHERE export_arn = arn) =
       (SELECT sum(dynamo.item_size(item)) FROM dynamo_data."Exported") AS billed_is_table_size
  FROM export_dir;

-- an ION export: .ion.gz files; no ExportTime given, no ClientToken: one is made
BEGIN;
CREATE TEMP TABLE started_ion AS
SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "ExportFormat": "ION", "ExportType": "FULL_EXPORT"}'::jsonb) AS r;
SELECT dynamo.run_jobs();
COMMIT;
SELECT pg_temp.masked(dynamo.execute('DescribeExport', jsonb_build_object('ExportArn', r->'ExportDescription'->'ExportArn')))
  FROM started_ion;
SELECT count(*) AS files, bool_and(f ~ '^[a-z2-7]{26}\.ion\.gz$') AS ion_names
  FROM started_ion, pg_ls_dir('/tmp/dynamo_regress_exports/AWSDynamoDB/' ||
                              split_part(r->'ExportDescription'->>'ExportArn', '/export/', 2) || '/data') f;

-- a bucket that is not mapped to a directory: accepted, then FAILED as DynamoDB fails a missing bucket
BEGIN;
CREATE TEMP TABLE started_nobucket AS
SELECT dynamo.execute('ExportTableToPointInTime', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "no-such-bucket"}'::jsonb) AS r;
COMMIT;
-- (the job worker runs it: the failure is recorded in a transaction of its own)
DO $$
BEGIN
    FOR i IN 1..100 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM dynamo.exports WHERE status = 'IN_PROGRESS' AND s3_bucket = 'no-such-bucket');
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT pg_temp.masked(dynamo.execute('DescribeExport', jsonb_build_object('ExportArn', r->'ExportDescription'->'ExportArn')))
  FROM started_nobucket;

-- an export of a time in the past: the table as it was then
CREATE TEMP TABLE before_change AS SELECT clock_timestamp() AS t;
SELECT pg_sleep(0.01);
SELECT dynamo.execute('PutItem', '{"TableName": "Exported", "Item": {"pk": {"S": "late"}, "sk": {"N": "1"}}}'::jsonb);
BEGIN;
CREATE TEMP TABLE started_past AS
SELECT dynamo.execute('ExportTableToPointInTime', format('{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported",
    "S3Bucket": "exports", "ExportTime": %s}', extract(epoch FROM t))::jsonb) AS r FROM before_change;
SELECT dynamo.run_jobs();
COMMIT;
SELECT e.item_count AS items_then, (SELECT count(*) FROM dynamo_data."Exported") AS items_now
  FROM started_past, dynamo.exports e WHERE e.export_arn = r->'ExportDescription'->>'ExportArn';

-- DescribeExport's checks
SELECT error_of(format($$SELECT dynamo.execute('DescribeExport', '{"ExportArn": "%s"}'::jsonb)$$, a))
  FROM (VALUES ('qwerty:aws:dynamodb:us-east-1:000000000000:table/Exported/export/x'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Exported'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Exported/import/01234567890123-abcdef01'),
               ('arn:qwerty:dynamodb:us-east-1:000000000000:table/Exported/export/x'),
               ('arn:aws:dynamodb:qwerty:000000000000:table/Exported/export/01234567890123-abcdef01'),
               ('arn:aws:dynamodb:us-east-1:111111111111:table/Exported/export/01234567890123-abcdef01'),
               ('arn:aws:dynamodb:eu-west-1:000000000000:table/Exported/export/01234567890123-abcdef01'),
               ('arn:aws:dynamodb:us-east-1:000000000000:table/Exported/export/01234567890123-abcdef01'),
               ('short')) AS t(a);

-- ListExports: newest first by ARN, pages of MaxResults, a table's only
SELECT jsonb_array_length(dynamo.execute('ListExports', '{}'::jsonb)->'ExportSummaries') AS all_exports;
SELECT pg_temp.masked(dynamo.execute('ListExports', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Exported", "MaxResults": 25}'::jsonb));
SELECT dynamo.execute('ListExports', '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/NoPitr"}'::jsonb);
CREATE TEMP TABLE page1 AS SELECT dynamo.execute('ListExports', '{"MaxResults": 2}'::jsonb) AS p;
SELECT jsonb_array_length(p->'ExportSummaries') AS page1, p ? 'NextToken' AS more FROM page1;
CREATE TEMP TABLE page2 AS
SELECT dynamo.execute('ListExports', jsonb_build_object('MaxResults', 2, 'NextToken', p->'NextToken')) AS p FROM page1;
SELECT jsonb_array_length(p->'ExportSummaries') AS page2, p ? 'NextToken' AS more FROM page2;
SELECT (SELECT array_agg(s->>'ExportArn') FROM page1, jsonb_array_elements(p->'ExportSummaries') s) ||
       (SELECT array_agg(s->>'ExportArn') FROM page2, jsonb_array_elements(p->'ExportSummaries') s)
     = (SELECT array_agg(export_arn ORDER BY export_arn COLLATE "C" DESC) FROM dynamo.exports) AS pages_in_order;
SELECT error_of(format($$SELECT dynamo.execute('ListExports', '%s'::jsonb)$$, r))
  FROM (VALUES ('{"NextToken": "zz"}'), ('{"NextToken": "0123456789abcdef"}'), ('{"MaxResults": 0}'),
               ('{"MaxResults": 26}'), ('{"TableArn": "Exported"}')) AS t(r);

-- a table deleted: its exports are described but no longer listed
SELECT dynamo.execute('DeleteTable', '{"TableName": "Exported"}'::jsonb) IS NOT NULL AS deleted;
SELECT jsonb_array_length(dynamo.execute('ListExports', '{}'::jsonb)->'ExportSummaries') AS listed;
SELECT dynamo.execute('DescribeExport', jsonb_build_object('ExportArn', r->'ExportDescription'->'ExportArn'))
       ->'ExportDescription'->>'ExportStatus' AS status
  FROM started;
SELECT dynamo.execute('DeleteTable', '{"TableName": "NoPitr"}'::jsonb) IS NOT NULL AS deleted;
DELETE FROM dynamo.exports;
DELETE FROM dynamo.jobs;
RESET dynamo.s3_bucket_directories;
