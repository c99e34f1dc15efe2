-- streams_api.sql: the DynamoDB Streams API through dynamo.execute:
-- ListStreams, DescribeStream, GetShardIterator, GetRecords, their
-- validation and errors, and the SQL door dynamo.read_stream, against
-- streams, shards and records written here into the streams catalog.

-- two streams of sapi_orders (an old one disabled, the current one with
-- three shards: a closed shard, its child, and a shard trimmed below 500),
-- and a KEYS_ONLY stream of sapi_keys
INSERT INTO dynamo.streams (table_name, stream_label, table_id, view_type, status, key_schema,
                            partition_count, creation_time, disabled_time)
VALUES ('sapi_orders', '2023-12-31T00:00:00.000', '00000000-0000-0000-0000-000000000001', 'NEW_IMAGE', 'DISABLED',
        '[{"AttributeName": "pk", "KeyType": "HASH"}]', 2, '2023-12-31 00:00:00+00', '2023-12-31 12:00:00+00'),
       ('sapi_orders', '2024-01-01T00:00:00.000', '00000000-0000-0000-0000-000000000001', 'NEW_AND_OLD_IMAGES', 'ENABLED',
        '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]', 2,
        '2024-01-01 00:00:00.25+00', NULL),
       ('sapi_keys', '2024-02-01T00:00:00.000', '00000000-0000-0000-0000-000000000002', 'KEYS_ONLY', 'ENABLED',
        '[{"AttributeName": "id", "KeyType": "HASH"}]', 1, '2024-02-01 00:00:00+00', NULL);
INSERT INTO dynamo.stream_shards (shard_id, table_name, stream_label, partition, parent_shard_id,
                                  starting_sequence_number, ending_sequence_number, trimmed_before, creation_time)
VALUES ('shardId-00000001704067200000-0000000a', 'sapi_orders', '2024-01-01T00:00:00.000', 0, NULL, 100, 299, 0, '2024-01-01'),
       ('shardId-00000001704070800000-0000000b', 'sapi_orders', '2024-01-01T00:00:00.000', 0,
        'shardId-00000001704067200000-0000000a', 300, NULL, 0, '2024-01-01 01:00'),
       ('shardId-00000001704067200000-0000000c', 'sapi_orders', '2024-01-01T00:00:00.000', 1, NULL, 100, NULL, 500, '2024-01-01'),
       ('shardId-00000001703980800000-0000000d', 'sapi_orders', '2023-12-31T00:00:00.000', 0, NULL, 1, 50, 0, '2023-12-31'),
       ('shardId-00000001706745600000-0000000e', 'sapi_keys', '2024-02-01T00:00:00.000', 0, NULL, 1000, NULL, 0, '2024-02-01');
INSERT INTO dynamo.stream_records (shard_id, sequence_number, event_name, approximate_creation_time, keys,
                                   new_image, old_image, size_bytes, by_service)
VALUES ('shardId-00000001704067200000-0000000a', 100, 'INSERT', '2024-01-01 00:00:01.9+00',
        '{"pk": {"S": "a"}, "sk": {"N": "1"}}', '{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "one"}}', NULL, 20, false),
       ('shardId-00000001704067200000-0000000a', 150, 'MODIFY', '2024-01-01 00:00:02+00',
        '{"pk": {"S": "a"}, "sk": {"N": "1"}}', '{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}',
        '{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "one"}}', 35, false),
       ('shardId-00000001704067200000-0000000a', 200, 'INSERT', '2024-01-01 00:00:03+00',
        '{"pk": {"S": "b"}, "sk": {"N": "2"}}', '{"pk": {"S": "b"}, "sk": {"N": "2"}, "bin": {"B": "AAEC"}}', NULL, 18, false),
       ('shardId-00000001704070800000-0000000b', 300, 'REMOVE', '2024-01-01 01:00:05+00',
        '{"pk": {"S": "a"}, "sk": {"N": "1"}}', NULL, '{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}', 20, true),
       ('shardId-00000001704067200000-0000000c', 600, 'INSERT', '2024-01-01 00:00:04+00',
        '{"pk": {"S": "c"}, "sk": {"N": "3"}}', '{"pk": {"S": "c"}, "sk": {"N": "3"}}', NULL, 12, false),
       ('shardId-00000001706745600000-0000000e', 1000, 'INSERT', '2024-02-01 00:00:01+00',
        '{"id": {"S": "k"}}', NULL, NULL, 5, false);

-- call(action, request): the response, or the exception and its message
CREATE FUNCTION public.call(action text, request jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    code text;
BEGIN
    RETURN dynamo.execute(action, request)::text;
EXCEPTION WHEN OTHERS THEN
    code := SQLSTATE;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                    'SQLSTATE ' || code) || ': ' || SQLERRM;
END
$$;

-- iterator(shard, type, sequence): a shard iterator of the current stream of sapi_orders
CREATE FUNCTION public.iterator(shard text, type text, seq text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
    SELECT dynamo.execute('GetShardIterator',
        jsonb_strip_nulls(jsonb_build_object('StreamArn', dynamo.stream_arn('sapi_orders', '2024-01-01T00:00:00.000'),
                                             'ShardId', shard, 'ShardIteratorType', type, 'SequenceNumber', seq)))
           ->> 'ShardIterator'::text
$$;

-- records(iterator, limit): GetRecords' response without its NextShardIterator,
-- and whether it had one
CREATE FUNCTION public.records(it text, lim integer DEFAULT NULL, OUT records jsonb, OUT has_next boolean)
LANGUAGE sql AS $$
    SELECT r - 'NextShardIterator'::text, r ? 'NextShardIterator'::text
      FROM dynamo.execute('GetRecords', jsonb_strip_nulls(jsonb_build_object('ShardIterator', it, 'Limit', lim))) r
$$;

\set orders_arn '''arn:aws:dynamodb:us-east-1:000000000000:table/sapi_orders/stream/2024-01-01T00:00:00.000'''

-- ListStreams: the streams of a table, or every stream (here: ours), pages
SELECT dynamo.execute('ListStreams', '{"TableName": "sapi_orders"}');
SELECT jsonb_path_query_array(dynamo.execute('ListStreams', '{}'),
                              '$.Streams[*] ? (@.TableName starts with "sapi_").StreamArn');
SELECT dynamo.execute('ListStreams', '{"TableName": "sapi_orders", "Limit": 1}');
SELECT dynamo.execute('ListStreams', jsonb_build_object('TableName', 'sapi_orders', 'Limit', 1,
    'ExclusiveStartStreamArn', 'arn:aws:dynamodb:us-east-1:000000000000:table/sapi_orders/stream/2023-12-31T00:00:00.000'));
SELECT dynamo.execute('ListStreams', jsonb_build_object('TableName', 'sapi_keys',
    'ExclusiveStartStreamArn', 'arn:aws:dynamodb:us-east-1:000000000000:table/sapi_keys/stream/2024-02-01T00:00:00.000'));
SELECT call('ListStreams', '{"TableName": "sapi_nothing"}');
SELECT call('ListStreams', '{"Limit": 0}');
SELECT call('ListStreams', '{"Limit": 101}');
SELECT call('ListStreams', '{"Limit": "1"}');
SELECT call('ListStreams', '{"TableName": "a/b"}');
SELECT call('ListStreams', '{"ExclusiveStartStreamArn": "kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas"}');

-- DescribeStream: the description, shard pages, child shards
SELECT jsonb_pretty(dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn)));
SELECT (dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn, 'Limit', 1))
        #> '{StreamDescription}') - 'KeySchema'::text;
SELECT dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn, 'Limit', 2,
    'ExclusiveStartShardId', 'shardId-00000001704067200000-0000000a')) #> '{StreamDescription,Shards}';
SELECT dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn,
    'ExclusiveStartShardId', 'shardId-00000001704070800000-0000000b')) #> '{StreamDescription}' ? 'LastEvaluatedShardId'::text AS more,
       dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn,
    'ExclusiveStartShardId', 'shardId-00000001704070800000-0000000b')) #> '{StreamDescription,Shards}' AS shards;
SELECT dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', :orders_arn,
    'ShardFilter', jsonb_build_object('Type', 'CHILD_SHARDS', 'ShardId', 'shardId-00000001704067200000-0000000a')))
       #> '{StreamDescription,Shards}';
SELECT (dynamo.execute('DescribeStream', jsonb_build_object('StreamArn',
    'arn:aws:dynamodb:us-east-1:000000000000:table/sapi_orders/stream/2023-12-31T00:00:00.000')) #> '{StreamDescription}') - 'KeySchema'::text;
SELECT call('DescribeStream', '{}');
SELECT call('DescribeStream', '{"StreamArn": "fake-stream"}');
SELECT call('DescribeStream', '{"StreamArn": "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf"}');
SELECT call('DescribeStream', '{"StreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/sapi_orders/stream/2020-01-01T00:00:00.000"}');
SELECT call('DescribeStream', '{"StreamArn": "arn:aws:dynamodb:eu-west-1:000000000000:table/sapi_orders/stream/2024-01-01T00:00:00.000"}');
SELECT call('DescribeStream', jsonb_build_object('StreamArn', :orders_arn, 'Limit', 101));
SELECT call('DescribeStream', jsonb_build_object('StreamArn', :orders_arn, 'ShardFilter', '{"Type": "PARENT"}'::jsonb));
SELECT call('DescribeStream', jsonb_build_object('StreamArn', :orders_arn, 'ShardFilter', '{"Type": "CHILD_SHARDS"}'::jsonb));

-- GetShardIterator: every type; iterators start with the stream's ARN
SELECT split_part(iterator('shardId-00000001704067200000-0000000a', 'TRIM_HORIZON'), '|', 1) AS arn,
       split_part(iterator('shardId-00000001704067200000-0000000a', 'TRIM_HORIZON'), '|', 2) AS version;
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000a',
                                                   'ShardIteratorType', 'AT_SEQUENCE_NUMBER'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000a',
                                                   'ShardIteratorType', 'LATEST', 'SequenceNumber', '000000000000000000100'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000a',
                                                   'ShardIteratorType', 'AT_SEQUENCE_NUMBER', 'SequenceNumber', '0000000000000000001x0'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000a',
                                                   'ShardIteratorType', 'bulle'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'short',
                                                   'ShardIteratorType', 'LATEST'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000009999999999999-00000000',
                                                   'ShardIteratorType', 'LATEST'));
-- a shard of another stream is not a shard of this one
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001703980800000-0000000d',
                                                   'ShardIteratorType', 'LATEST'));
SELECT call('GetShardIterator', '{"StreamArn": "sdfadfsddafgdafsgjnadflkgnalngalsdfnlkasnlkasdfasdfasf",
                                  "ShardId": "shardId-00000001704067200000-0000000a", "ShardIteratorType": "LATEST"}');
SELECT call('GetShardIterator', '{}');
-- below the shard's trimmed_before (500)
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000c',
                                                   'ShardIteratorType', 'AT_SEQUENCE_NUMBER', 'SequenceNumber', '000000000000000000499'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000c',
                                                   'ShardIteratorType', 'AFTER_SEQUENCE_NUMBER', 'SequenceNumber', '000000000000000000498'));
SELECT call('GetShardIterator', jsonb_build_object('StreamArn', :orders_arn, 'ShardId', 'shardId-00000001704067200000-0000000c',
                                                   'ShardIteratorType', 'AFTER_SEQUENCE_NUMBER', 'SequenceNumber', '000000000000000000499'))
       LIKE '{"ShardIterator": %' AS at_the_trim_point;

-- GetRecords: a closed shard read to its end has no NextShardIterator
SELECT jsonb_pretty(records) AS records, has_next FROM records(iterator('shardId-00000001704067200000-0000000a', 'TRIM_HORIZON'));
-- Limit, and the iterator that follows
SELECT iterator('shardId-00000001704067200000-0000000a', 'TRIM_HORIZON') AS it \gset
SELECT dynamo.execute('GetRecords', jsonb_build_object('ShardIterator', :'it', 'Limit', 2)) ->> 'NextShardIterator'::text AS it \gset
SELECT records #>> '{Records,0,dynamodb,SequenceNumber}' AS seq, jsonb_array_length(records -> 'Records'::text) AS n, has_next
  FROM records(:'it');
-- AT and AFTER a sequence number
SELECT jsonb_path_query_array(records, '$.Records[*].dynamodb.SequenceNumber'), has_next
  FROM records(iterator('shardId-00000001704067200000-0000000a', 'AT_SEQUENCE_NUMBER', '000000000000000000150'));
SELECT jsonb_path_query_array(records, '$.Records[*].dynamodb.SequenceNumber'), has_next
  FROM records(iterator('shardId-00000001704067200000-0000000a', 'AFTER_SEQUENCE_NUMBER', '000000000000000000150'));
SELECT jsonb_path_query_array(records, '$.Records[*].dynamodb.SequenceNumber'), has_next
  FROM records(iterator('shardId-00000001704067200000-0000000a', 'AFTER_SEQUENCE_NUMBER', '000000000000000000200'));
-- LATEST of a closed shard: nothing more, ever
SELECT records, has_next FROM records(iterator('shardId-00000001704067200000-0000000a', 'LATEST'));
-- a REMOVE by the TTL worker: userIdentity; LATEST then sees the next record
SELECT jsonb_pretty(records) AS records, has_next FROM records(iterator('shardId-00000001704070800000-0000000b', 'TRIM_HORIZON'));
SELECT iterator('shardId-00000001704070800000-0000000b', 'LATEST') AS it \gset
SELECT records, has_next FROM records(:'it');
INSERT INTO dynamo.stream_records VALUES ('shardId-00000001704070800000-0000000b', 301, 'INSERT', '2024-01-01 01:00:06+00',
    '{"pk": {"S": "y"}, "sk": {"N": "8"}}', '{"pk": {"S": "y"}, "sk": {"N": "8"}}', NULL, 10, false);
SELECT jsonb_path_query_array(records, '$.Records[*].dynamodb.SequenceNumber'), has_next FROM records(:'it');
SELECT dynamo.execute('GetRecords', jsonb_build_object('ShardIterator', :'it')) ->> 'NextShardIterator'::text AS it \gset
INSERT INTO dynamo.stream_records VALUES ('shardId-00000001704070800000-0000000b', 302, 'INSERT', '2024-01-01 01:00:07+00',
    '{"pk": {"S": "z"}, "sk": {"N": "9"}}', '{"pk": {"S": "z"}, "sk": {"N": "9"}, "s": {"S": "nul\u0000byte"}}', NULL, 22, false);
-- a NUL in an image goes through execute_text
SELECT dynamo.execute_text('GetRecords', json_build_object('ShardIterator', :'it')::text) LIKE '%nul\\u0000byte%' AS nul_kept;
SELECT call('GetRecords', jsonb_build_object('ShardIterator', :'it')) LIKE 'SQLSTATE 22P05%' AS jsonb_refuses_nul;
-- TRIM_HORIZON of a trimmed shard starts at its trim point
SELECT jsonb_path_query_array(records, '$.Records[*].dynamodb.SequenceNumber'), has_next
  FROM records(iterator('shardId-00000001704067200000-0000000c', 'TRIM_HORIZON'));
-- an iterator whose records were trimmed after it was handed out
SELECT iterator('shardId-00000001704067200000-0000000c', 'AT_SEQUENCE_NUMBER', '000000000000000000550') AS it \gset
UPDATE dynamo.stream_shards SET trimmed_before = 601 WHERE shard_id = 'shardId-00000001704067200000-0000000c';
SELECT call('GetRecords', jsonb_build_object('ShardIterator', :'it'));
-- KEYS_ONLY: no images
SELECT dynamo.execute('GetShardIterator', jsonb_build_object(
    'StreamArn', dynamo.stream_arn('sapi_keys', '2024-02-01T00:00:00.000'),
    'ShardId', 'shardId-00000001706745600000-0000000e', 'ShardIteratorType', 'TRIM_HORIZON')) ->> 'ShardIterator'::text AS keys_it \gset
SELECT records FROM records(:'keys_it');

-- iterators are signed: any change, or one from elsewhere, is refused
SELECT iterator('shardId-00000001704067200000-0000000a', 'TRIM_HORIZON') AS it \gset
SELECT call('GetRecords', jsonb_build_object('ShardIterator', replace(:'it', 'sapi_orders', 'sapi_keys')));
SELECT call('GetRecords', jsonb_build_object('ShardIterator', left(:'it', -6) || 'AAAA='));
SELECT call('GetRecords', '{"ShardIterator": "sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg"}');
SELECT call('GetRecords', '{"ShardIterator": ""}');
SELECT call('GetRecords', jsonb_build_object('ShardIterator', :'it', 'Limit', 1001));
SELECT call('GetRecords', jsonb_build_object('ShardIterator', :'it', 'Limit', 0));
SELECT call('GetRecords', '{}');
-- the iterator key is closed to ordinary roles
SELECT has_table_privilege('public', 'dynamo.stream_iterator_key', 'SELECT') AS public_reads_key;

-- iterators expire (dynamo.stream_iterator_seconds, 15 minutes by default)
SHOW dynamo.stream_iterator_seconds;
SET dynamo.stream_iterator_seconds = 1;
SELECT pg_sleep(1.2);
SELECT regexp_replace(call('GetRecords', jsonb_build_object('ShardIterator', :'it')),
                      '[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}', 'DATE', 'g');
RESET dynamo.stream_iterator_seconds;

-- a stream that is gone: its iterators find nothing
DELETE FROM dynamo.streams WHERE table_name = 'sapi_keys';
SELECT call('GetRecords', jsonb_build_object('ShardIterator', :'keys_it'));

-- the SQL door: the records of a table's current stream in commit order
SELECT shard_id, sequence_number, event_name, keys, new_image IS NOT NULL AS has_new, old_image IS NOT NULL AS has_old, created
  FROM dynamo.read_stream('sapi_orders');
SELECT sequence_number, event_name FROM dynamo.read_stream('sapi_orders', 200, 2);
SELECT error_of($$SELECT * FROM dynamo.read_stream('sapi_nothing')$$);

-- the Streams actions are not DynamoDB's own: the validator knows their shapes
SELECT error_of($$SELECT dynamo.validate_request('GetRecords', '{"ShardIterator": 5}')$$);
