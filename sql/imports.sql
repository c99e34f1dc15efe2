-- imports.sql: ImportTable, DescribeImport and ListImports: every format and
-- compression, duplicates, bad lines, failures that leave no table, the
-- DynamoDB export sample of test/backup/samples, and every error.
\getenv abs_srcdir PG_ABS_SRCDIR
SET client_min_messages = warning;

-- S3 bucket "imports" is a directory the test makes (as the server's user)
COPY (SELECT 1) TO PROGRAM 'rm -rf /tmp/dynamo_regress_imports && mkdir -p /tmp/dynamo_regress_imports/in';
SET dynamo.s3_bucket_directories = 'imports=/tmp/dynamo_regress_imports/in, gone=/tmp/dynamo_regress_imports/nowhere';
-- the job worker may run a job too (the tests run them with dynamo.run_jobs() in the transaction that
-- submits them, except where they wait for the worker): it reads the server's configuration
ALTER SYSTEM SET dynamo.s3_bucket_directories = 'imports=/tmp/dynamo_regress_imports/in, gone=/tmp/dynamo_regress_imports/nowhere';
SELECT pg_reload_conf();

-- put_object(key, content, compression): an S3 object of the bucket
CREATE FUNCTION put_object(key text, content text, compression text DEFAULT 'NONE') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    path text := '/tmp/dynamo_regress_imports/in/' || key;
BEGIN
    EXECUTE format('COPY (SELECT %L) TO PROGRAM %L', translate(encode(convert_to(content, 'UTF8'), 'base64'), E'\n', ''),
                   format('mkdir -p "$(dirname %s)" && base64 -d | %s > %s', path,
                          CASE compression WHEN 'GZIP' THEN 'gzip -c' WHEN 'ZSTD' THEN 'zstd -q -c' ELSE 'cat' END, path));
END $$;

-- import(request): ImportTable, then its job run here; the import as DescribeImport shows it, without ids and times
CREATE FUNCTION import(request jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    arn text := dynamo.execute('ImportTable', request)->'ImportTableDescription'->>'ImportArn';
BEGIN
    PERFORM dynamo.run_jobs();
    RETURN (dynamo.execute('DescribeImport', jsonb_build_object('ImportArn', arn))->'ImportTableDescription')
           - ARRAY['ImportArn', 'TableId', 'StartTime', 'EndTime', 'ClientToken', 'TableCreationParameters',
                   'CloudWatchLogGroupArn', 'S3BucketSource', 'TableArn'];
END $$;

-- the items of a table, sorted by key, as DynamoDB JSON
CREATE FUNCTION items_of(table_name text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT item::text FROM dynamo_data.%I ORDER BY pk, sk', table_name);
END $$;

CREATE FUNCTION simple_table(name text, key_type text DEFAULT 'S') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('TableName', name, 'BillingMode', 'PAY_PER_REQUEST',
        'KeySchema', '[{"AttributeName": "pk", "KeyType": "HASH"}]'::jsonb,
        'AttributeDefinitions', jsonb_build_array(jsonb_build_object('AttributeName', 'pk', 'AttributeType', key_type)))
$$;

-- DYNAMODB_JSON: blank lines skipped; a later duplicate wins; a missing key skips the item;
-- a line that is not JSON skips the rest of its object
SELECT put_object('json/a.json', E'{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}\n\n   \n'
    '{"Item":{"pk":{"S":"b"},"v":{"L":[{"S":"x"},{"NULL":true}]}}}\n{"Item":{"v":{"N":"1"}}}\n'
    '{"Item":{"pk":{"S":"a"},"v":{"N":"2"}}}\r\n{"Item":{"pk":{"N":"1"}}}\n{"Item":{"pk":{"S":""}}}\n'
    '{"Item":{"pk":{"S":"e"}}, "Other": 1}');
SELECT put_object('json/b.json', E'{"Item":{"pk":{"S":"c"}}}\nnot json\n{"Item":{"pk":{"S":"d"}}}\n');
SELECT put_object('json/c.json', E'{"NotAnItem":{"pk":{"S":"x"}}}\n{"Item":{"pk":{"S":"y"}}}\n');
SELECT put_object('json/d.json', E'{"Item":{"pk":{"S":"big"},"v":{"S":"' || repeat('x', 410000) || E'"}}}\n'
    '{"Item":{"pk":{"S":"f"},"v":{"S":"fine"}}}');
SELECT put_object('json/e.json', '');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "json/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpJson')));
SELECT * FROM items_of('ImpJson');
SELECT key, item_index, error_message FROM dynamo.import_errors e JOIN dynamo.imports i USING (import_id)
 WHERE i.table_name = 'ImpJson' ORDER BY error_number;
SELECT dynamo.execute('DescribeTable', '{"TableName": "ImpJson"}')->'Table'->>'TableStatus' AS status;

-- the same lines through GZIP and ZSTD: the same counts and ProcessedSizeBytes (uncompressed)
SELECT put_object('gz/a.json.gz', E'{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}\n{"Item":{"pk":{"S":"b"}}}\n', 'GZIP');
SELECT put_object('zst/a.json.zst', E'{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}\n{"Item":{"pk":{"S":"b"}}}\n', 'ZSTD');
SELECT put_object('plain/a.json', E'{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}\n{"Item":{"pk":{"S":"b"}}}\n');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "gz/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'GZIP', 'TableCreationParameters', simple_table('ImpGzip')));
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "zst/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'ZSTD', 'TableCreationParameters', simple_table('ImpZstd')));
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "plain/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'NONE', 'TableCreationParameters', simple_table('ImpPlain')));
SELECT (SELECT array_agg(i) FROM items_of('ImpGzip') i) = (SELECT array_agg(i) FROM items_of('ImpZstd') i)
   AND (SELECT array_agg(i) FROM items_of('ImpZstd') i) = (SELECT array_agg(i) FROM items_of('ImpPlain') i) AS same_items;
-- a plain object read as GZIP, a truncated ZSTD one: one error each (the object cannot be read)
SELECT put_object('badgz/a.json', E'{"Item":{"pk":{"S":"a"}}}\n');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "badgz/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'GZIP', 'TableCreationParameters', simple_table('ImpBadGzip')));
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; head -c 20 /tmp/dynamo_regress_imports/in/zst/a.json.zst > /tmp/dynamo_regress_imports/in/badzst.zst';
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "badzst"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'ZSTD', 'TableCreationParameters', simple_table('ImpBadZstd')));
SELECT key, error_message FROM dynamo.import_errors e JOIN dynamo.imports i USING (import_id)
 WHERE i.table_name IN ('ImpBadGzip', 'ImpBadZstd') ORDER BY key;

-- ION, the subset DynamoDB's exports write, through ZSTD
SELECT put_object('ion/a.ion', E'$ion_1_0 {Item:{pk:"a",n:103.,price:2d3,neg:-1.5e-3,under:1_000,hex:0x1F,'
    'ok:true,no:false,none:null,typed:null.string,bin:{{aGVsbG8=}},clob:{{"hi"}},'
    'ss:$dynamodb_SS::["x","y"],ns:$dynamodb_NS::[1,2.5],bs:$dynamodb_BS::[{{AA==}},{{/w==}}],'
    'list:[1,"s",[],{}],map:{''quoted name'':"v","string name":''''''long '''''' ''''''string'''''', sym:abc},'
    'esc:"tab\\t nl\\n u\\u00e9 U\\U0001F991 x\\x41"}}\n'
    '$ion_1_0 {Item:{pk:"b" /* comment */, n:1}} // to the end\n'
    '$ion_1_0 {Item:{pk:"c", t:2007-02-23T12:14Z}}\n$ion_1_0 {Item:{pk:"d"}}\n', 'ZSTD');
SELECT put_object('ion/b.ion', E'{Item:{pk:"e", bad:$dynamodb_SS::[1]}}\n', 'ZSTD');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "ion/"}'::jsonb,
    'InputFormat', 'ION', 'InputCompressionType', 'ZSTD', 'TableCreationParameters', simple_table('ImpIon')));
SELECT * FROM items_of('ImpIon');
SELECT key, item_index, error_message FROM dynamo.import_errors e JOIN dynamo.imports i USING (import_id)
 WHERE i.table_name = 'ImpIon' ORDER BY error_number;

-- CSV: a header line per object; key attributes (table and GSI) take their types, the rest are S;
-- empty values are left out
SELECT put_object('csv/a.csv', E'pk,sk,gk,note\na,1,g1,first\nb,2,,"with, comma and ""quotes"""\n'
    'c,3,g2,"two\nlines"\nd,x,g3,bad number\ne,5\n', 'GZIP');
SELECT put_object('csv/b.csv', E'sk,pk,note\n7,f,other order\n', 'GZIP');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "csv/"}'::jsonb,
    'InputFormat', 'CSV', 'InputCompressionType', 'GZIP', 'TableCreationParameters', jsonb_build_object(
        'TableName', 'ImpCsv', 'BillingMode', 'PAY_PER_REQUEST',
        'KeySchema', '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]'::jsonb,
        'AttributeDefinitions', '[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                                  {"AttributeName": "gk", "AttributeType": "S"}]'::jsonb,
        'GlobalSecondaryIndexes', '[{"IndexName": "byG", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "ALL"}}]'::jsonb)));
SELECT * FROM items_of('ImpCsv');
SELECT dynamo.execute('Query', '{"TableName": "ImpCsv", "IndexName": "byG", "KeyConditionExpression": "gk = :g",
    "ExpressionAttributeValues": {":g": {"S": "g2"}}}')->'Count' AS gsi_count;
-- HeaderList and a delimiter: every line is data
SELECT put_object('csv2/a.csv', E'a;x\nb;y\n');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "csv2/"}'::jsonb,
    'InputFormat', 'CSV', 'InputFormatOptions', '{"Csv": {"Delimiter": ";", "HeaderList": ["pk", "val"]}}'::jsonb,
    'TableCreationParameters', simple_table('ImpCsv2')));
SELECT * FROM items_of('ImpCsv2');
-- a header without the key: every line an error (DynamoDB's example)
SELECT put_object('csv3/a.csv', E'title,artist,year_of_release\nThe Dark Side of the Moon,Pink Floyd,1973\n');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "csv3/"}'::jsonb,
    'InputFormat', 'CSV', 'TableCreationParameters', simple_table('ImpCsv3')));

-- a GSI key of the wrong type is an error of that item
SELECT put_object('gsi/a.json', E'{"Item":{"pk":{"S":"a"},"gk":{"N":"1"}}}\n{"Item":{"pk":{"S":"b"},"gk":{"S":"ok"}}}\n');
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "gsi/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpGsi') || jsonb_build_object(
        'AttributeDefinitions', '[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "gk", "AttributeType": "S"}]'::jsonb,
        'GlobalSecondaryIndexes', '[{"IndexName": "byG", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}]'::jsonb)));
SELECT error_message FROM dynamo.import_errors e JOIN dynamo.imports i USING (import_id) WHERE i.table_name = 'ImpGsi';

-- A DynamoDB export (test/backup/samples, written by hand from the documented format) imports
-- unchanged from its data/ folder, and its items are the table's, exactly
COPY (SELECT 1) TO PROGRAM 'mkdir -p /tmp/dynamo_regress_imports/in/exports';
SELECT format('cp -r %s/test/backup/samples/dynamodb-export/AWSDynamoDB /tmp/dynamo_regress_imports/in/exports/', :'abs_srcdir') AS copy_sample \gset
COPY (SELECT 1) TO PROGRAM :'copy_sample';
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports",
    "S3KeyPrefix": "exports/AWSDynamoDB/01700000000000-5a1e0b2c/data/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'GZIP', 'TableCreationParameters', jsonb_build_object(
        'TableName', 'ProductCatalog', 'BillingMode', 'PAY_PER_REQUEST',
        'KeySchema', '[{"AttributeName": "Id", "KeyType": "HASH"}]'::jsonb,
        'AttributeDefinitions', '[{"AttributeName": "Id", "AttributeType": "N"}]'::jsonb)));
SELECT format('%s/test/backup/samples/dynamodb-export-items.jsonl', :'abs_srcdir') AS sample_items \gset
WITH expected AS (
    SELECT ((line::jsonb)->'Item')::text::dynamo.item AS item
      FROM regexp_split_to_table(rtrim(pg_read_file(:'sample_items'), E'\n'), E'\n') line)
SELECT (SELECT count(*) FROM expected) AS expected_items,
       (SELECT count(*) FROM dynamo_data."ProductCatalog") AS imported_items,
       (SELECT count(*) FROM expected e JOIN dynamo_data."ProductCatalog" t ON t.item::text = e.item::text) AS equal_items;
-- the export's root: the manifests and _started are objects that are not items
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports",
    "S3KeyPrefix": "exports/AWSDynamoDB/01700000000000-5a1e0b2c/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'GZIP', 'TableCreationParameters', jsonb_build_object(
        'TableName', 'ProductCatalogRoot', 'BillingMode', 'PAY_PER_REQUEST',
        'KeySchema', '[{"AttributeName": "Id", "KeyType": "HASH"}]'::jsonb,
        'AttributeDefinitions', '[{"AttributeName": "Id", "AttributeType": "N"}]'::jsonb)));

-- an empty prefix: COMPLETED, with the empty table
SELECT import(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "nothing-here/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpEmpty')));
SELECT dynamo.execute('DescribeTable', '{"TableName": "ImpEmpty"}')->'Table'->>'TableStatus' AS status;

-- Failures of the job leave no table: these run in the job worker
CREATE FUNCTION import_by_worker(request jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    arn text := dynamo.execute('ImportTable', request)->'ImportTableDescription'->>'ImportArn';
BEGIN
    RETURN arn;
END $$;
CREATE FUNCTION wait_for_import(arn text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    description jsonb;
BEGIN
    FOR i IN 1 .. 600 LOOP
        description := dynamo.execute('DescribeImport', jsonb_build_object('ImportArn', arn))->'ImportTableDescription';
        EXIT WHEN description->>'ImportStatus' <> 'IN_PROGRESS';
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN description - ARRAY['ImportArn', 'TableId', 'StartTime', 'EndTime', 'ClientToken', 'TableCreationParameters',
                               'CloudWatchLogGroupArn', 'TableArn'];
END $$;
-- a missing bucket (not mapped, or its directory missing): FAILED S3NoSuchBucket, and no table
SELECT import_by_worker(jsonb_build_object('S3BucketSource', '{"S3Bucket": "no-such-bucket"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpNoBucket'))) AS arn \gset
SELECT wait_for_import(:'arn');
SELECT import_by_worker(jsonb_build_object('S3BucketSource', '{"S3Bucket": "gone"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpGone'))) AS arn \gset
SELECT wait_for_import(:'arn');
SELECT count(*) AS tables_left FROM dynamo.tables WHERE table_name IN ('ImpNoBucket', 'ImpGone');
-- another account's bucket: S3AccessDenied
SELECT import_by_worker(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3BucketOwner": "111122223333"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpOwner'))) AS arn \gset
SELECT wait_for_import(:'arn');
SELECT count(*) AS tables_left FROM dynamo.tables WHERE table_name = 'ImpOwner';
-- and a good import through the worker
SELECT import_by_worker(jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "gz/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'GZIP',
    'TableCreationParameters', simple_table('ImpByWorker'))) AS arn \gset
SELECT wait_for_import(:'arn');
SELECT * FROM items_of('ImpByWorker');

-- the table is CREATING until the job has run (in this transaction)
BEGIN;
SELECT (dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "plain/"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'ClientToken', 'token-1', 'TableCreationParameters', simple_table('ImpToken')))
    ->'ImportTableDescription') - ARRAY['ImportArn', 'TableId', 'StartTime', 'CloudWatchLogGroupArn'] AS started;
SELECT dynamo.execute('DescribeTable', '{"TableName": "ImpToken"}')->'Table'->>'TableStatus' AS status;
-- ClientToken: the same import while it is IN_PROGRESS (other members ignored), another TableName conflicts
SELECT (SELECT count(*) FROM dynamo.imports WHERE client_token = 'token-1') AS imports,
       dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports", "S3KeyPrefix": "gz/"}'::jsonb,
    'InputFormat', 'CSV', 'ClientToken', 'token-1', 'TableCreationParameters', simple_table('ImpToken')))
    ->'ImportTableDescription'->>'ImportArn' = (SELECT import_arn FROM dynamo.imports WHERE client_token = 'token-1') AS same_import;
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'ClientToken', 'token-1', 'TableCreationParameters', simple_table('ImpToken2')))$$);
SELECT dynamo.run_jobs();
COMMIT;
-- once it is done, the table exists: ResourceInUseException
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'ClientToken', 'token-1', 'TableCreationParameters', simple_table('ImpToken')))$$);
-- and once the table is gone, the token answers the old import again
SELECT dynamo.execute('DeleteTable', '{"TableName": "ImpToken"}') IS NOT NULL AS deleted;
SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'ClientToken', 'token-1', 'TableCreationParameters', simple_table('ImpToken')))
    ->'ImportTableDescription'->>'ImportStatus' AS replayed_status;
SELECT count(*) AS tables FROM dynamo.tables WHERE table_name = 'ImpToken';

-- refused requests create nothing
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputFormatOptions', '{"Csv": {"Delimiter": ","}}'::jsonb,
    'TableCreationParameters', simple_table('ImpBad')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpJson')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpBad') - 'BillingMode'))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'TableCreationParameters', simple_table('ImpBad') || '{"BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, "OnDemandThroughput": {"MaxWriteRequestUnits": 5}}'))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'XML', 'TableCreationParameters', simple_table('ImpBad')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'InputCompressionType', 'BZIP2', 'TableCreationParameters', simple_table('ImpBad')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'CSV', 'InputFormatOptions', '{"Csv": {"Delimiter": ";;"}}'::jsonb, 'TableCreationParameters', simple_table('ImpBad')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', jsonb_build_object('S3BucketSource', '{"S3Bucket": "imports"}'::jsonb,
    'InputFormat', 'DYNAMODB_JSON', 'ClientToken', 'a$b', 'TableCreationParameters', simple_table('ImpBad')))$$);
SELECT error_of($$SELECT dynamo.execute('ImportTable', '{"InputFormat": "DYNAMODB_JSON"}')$$);
SELECT count(*) AS bad_tables FROM dynamo.tables WHERE table_name = 'ImpBad';

-- DescribeImport
SELECT error_of($$SELECT dynamo.execute('DescribeImport',
    '{"ImportArn": "arn:aws:dynamodb:us-east-1:000000000000:table/ImpJson/import/01658528578619-0badf00d"}')$$);
SELECT error_of($$SELECT dynamo.execute('DescribeImport',
    '{"ImportArn": "arn:aws:dynamodb:us-east-1:000000000000:table/x/import/01658528578619-c4d4e311"}')$$);
SELECT error_of($$SELECT dynamo.execute('DescribeImport',
    '{"ImportArn": "arn:aws:dynamodb:us-east-1:000000000000:table/ImpJsonImpJsonImpJsonImpJson"}')$$);
SELECT error_of($$SELECT dynamo.execute('DescribeImport', '{"ImportArn": "foo"}')$$);

-- ListImports: newest first, a table's own with TableArn, PageSize at a time
SELECT jsonb_array_length(dynamo.execute('ListImports', '{}')->'ImportSummaryList') AS default_page,
       (SELECT count(*) FROM dynamo.imports) AS imports;
SELECT s->>'ImportStatus' AS status, s->>'InputFormat' AS format, s ? 'EndTime' AS ended
  FROM jsonb_array_elements(dynamo.execute('ListImports',
       '{"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/ImpJson"}')->'ImportSummaryList') s;
WITH RECURSIVE pages(n, page) AS (
    SELECT 1, dynamo.execute('ListImports', '{"PageSize": 4}')
    UNION ALL
    SELECT n + 1, dynamo.execute('ListImports', jsonb_build_object('PageSize', 4, 'NextToken', page->>'NextToken'))
      FROM pages WHERE page ? 'NextToken')
SELECT count(DISTINCT s->>'ImportArn') = (SELECT count(*) FROM dynamo.imports) AS all_listed_once,
       count(*) = count(DISTINCT s->>'ImportArn') AS no_repeats
  FROM pages, jsonb_array_elements(page->'ImportSummaryList') s;
SELECT error_of($$SELECT dynamo.execute('ListImports', '{"PageSize": 26}')$$);
SELECT error_of($$SELECT dynamo.execute('ListImports', format('{"NextToken": "%s"}', repeat('0', 112))::jsonb)$$);

-- the imports outlive their tables
SELECT dynamo.execute('DeleteTable', '{"TableName": "ImpGzip"}') IS NOT NULL AS deleted;
SELECT dynamo.execute('DescribeImport', jsonb_build_object('ImportArn',
    (SELECT import_arn FROM dynamo.imports WHERE table_name = 'ImpGzip')))->'ImportTableDescription'->>'ImportStatus' AS status;
ALTER SYSTEM RESET dynamo.s3_bucket_directories;
SELECT pg_reload_conf();
COPY (SELECT 1) TO PROGRAM 'rm -rf /tmp/dynamo_regress_imports';

-- clean up: the tables of this test
SELECT count(dynamo.execute('DeleteTable', jsonb_build_object('TableName', table_name))) > 0 AS cleaned
  FROM dynamo.tables WHERE table_name LIKE 'Imp%' OR table_name LIKE 'ProductCatalog%';
