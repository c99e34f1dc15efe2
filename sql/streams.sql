-- streams.sql: DynamoDB Streams' change records, captured from the WAL
-- (needs wal_level = logical and the dynamo output plugin allowed, as the
-- README's test command sets them).

-- wait_for(sql): poll until sql returns true (at most ~20 s); its last answer
CREATE FUNCTION pg_temp.wait_for(sql text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    done boolean;
BEGIN
    FOR i IN 1..400 LOOP
        EXECUTE sql INTO done;
        IF done THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END
$$;

-- the records of a table's current stream, in commit order
CREATE FUNCTION pg_temp.records(t text)
RETURNS TABLE (event text, keys dynamo.item, new_image dynamo.item, old_image dynamo.item, size integer)
LANGUAGE sql AS $$
    SELECT r.event_name, r.keys, r.new_image, r.old_image, r.size_bytes
      FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
      JOIN dynamo.streams st USING (table_name, stream_label)
     WHERE s.table_name = t AND st.status IN ('ENABLING', 'ENABLED')
     ORDER BY r.sequence_number
$$;

CREATE FUNCTION pg_temp.record_count(t text) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.records(t)
$$;

-- CreateTable with a stream: UPDATING until the capture reads from after it, then ACTIVE
SELECT dynamo.execute('CreateTable', '{"TableName": "Streamed", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}')
    #> '{TableDescription,StreamSpecification}'::text[] AS created;
SELECT pg_temp.wait_for($$SELECT dynamo.execute('DescribeTable', '{"TableName": "Streamed"}')
                           #>> '{Table,TableStatus}'::text[] = 'ACTIVE'$$) AS active;
SELECT d #> '{Table,StreamSpecification}'::text[] AS spec,
       d #>> '{Table,LatestStreamArn}'::text[] = 'arn:aws:dynamodb:us-east-1:000000000000:table/Streamed/stream/'
                                                 || (d #>> '{Table,LatestStreamLabel}'::text[]) AS arn_ok,
       d #>> '{Table,LatestStreamLabel}'::text[] ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$' AS label_ok
  FROM dynamo.execute('DescribeTable', '{"TableName": "Streamed"}') d;

-- INSERT, MODIFY, REMOVE; a write that changes nothing has no record; a rollback has none
SELECT dynamo.execute('PutItem', '{"TableName": "Streamed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Streamed", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
    "UpdateExpression": "SET v = v + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}');
SELECT dynamo.execute('PutItem', '{"TableName": "Streamed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}}');
BEGIN;
SELECT dynamo.execute('PutItem', '{"TableName": "Streamed", "Item": {"pk": {"S": "rolled back"}, "sk": {"N": "1"}}}');
ROLLBACK;
SELECT dynamo.execute('DeleteItem', '{"TableName": "Streamed", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}');
SELECT dynamo.execute('DeleteItem', '{"TableName": "Streamed", "Key": {"pk": {"S": "never"}, "sk": {"N": "1"}}}');
-- a transaction and a batch: one record per item
SELECT dynamo.execute('TransactWriteItems', '{"TransactItems": [
    {"Put": {"TableName": "Streamed", "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}}}},
    {"Put": {"TableName": "Streamed", "Item": {"pk": {"S": "t"}, "sk": {"N": "2"}}}}]}');
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"Streamed": [
    {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
    {"DeleteRequest": {"Key": {"pk": {"S": "t"}, "sk": {"N": "2"}}}}]}}');
-- the SQL door and plain SQL write through the same path
SELECT dynamo.put_item('Streamed', '{"pk": {"S": "s"}, "sk": {"N": "1"}, "via": {"S": "sql"}}');
UPDATE dynamo_data."Streamed" SET item = '{"pk": {"S": "s"}, "sk": {"N": "1"}, "via": {"S": "update"}}'
 WHERE pk = '{"S": "s"}' AND sk = '{"N": "1"}';
SELECT pg_temp.wait_for($$SELECT pg_temp.record_count('Streamed') >= 9$$) AS captured;
SELECT * FROM pg_temp.records('Streamed');

-- every record of a transaction has its own sequence number, in order, on its partition's shard
SELECT count(DISTINCT r.sequence_number) = count(*) AS distinct_numbers,
       bool_and(r.sequence_number >= s.starting_sequence_number) AS within_shards,
       bool_and(s.partition BETWEEN 0 AND 7) AS partitions
  FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
 WHERE s.table_name = 'Streamed';

-- StreamSpecification's rules
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed",
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed",
    "StreamSpecification": {"StreamEnabled": true}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed",
    "StreamSpecification": {"StreamEnabled": false, "StreamViewType": "KEYS_ONLY"}}')$$);
SELECT error_of($$SELECT dynamo.execute('CreateTable', '{"TableName": "NoView", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": true}}')$$);
SELECT error_of($$SELECT dynamo.execute('CreateTable', '{"TableName": "NoView", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": false, "StreamViewType": "NEW_IMAGE"}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "NoSuchTable",
    "StreamSpecification": {"StreamEnabled": false}}')$$);

-- disable: the stream stays readable, DescribeTable keeps LatestStreamLabel, has no StreamSpecification
SELECT dynamo.execute('DescribeTable', '{"TableName": "Streamed"}') #>> '{Table,LatestStreamLabel}'::text[] AS first_label
\gset
SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed", "StreamSpecification": {"StreamEnabled": false}}')
    #> '{TableDescription,StreamSpecification}'::text[] AS spec_after_disable;
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed",
    "StreamSpecification": {"StreamEnabled": false}}')$$);
SELECT status, view_type FROM dynamo.streams WHERE table_name = 'Streamed';
SELECT dynamo.execute('PutItem', '{"TableName": "Streamed", "Item": {"pk": {"S": "after"}, "sk": {"N": "1"}}}');
-- enabling again: a new stream, another view type
SELECT pg_sleep(0.01);
SELECT dynamo.execute('UpdateTable', '{"TableName": "Streamed",
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}')
    #> '{TableDescription,StreamSpecification}'::text[] AS spec_again;
SELECT pg_temp.wait_for($$SELECT status = 'ENABLED' FROM dynamo.streams
                          WHERE table_name = 'Streamed' AND status <> 'DISABLED'$$) AS enabled_again;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Streamed"}') #>> '{Table,LatestStreamLabel}'::text[]
       <> :'first_label' AS new_label;
SELECT dynamo.execute('PutItem', '{"TableName": "Streamed", "Item": {"pk": {"S": "keys"}, "sk": {"N": "1"}, "x": {"S": "y"}}}');
SELECT pg_temp.wait_for($$SELECT pg_temp.record_count('Streamed') >= 1$$) AS captured_again;
SELECT * FROM pg_temp.records('Streamed');
-- the write between the two streams is in neither
SELECT count(*) AS records_of_after FROM dynamo.stream_records WHERE keys = '{"pk": {"S": "after"}, "sk": {"N": "1"}}';
SELECT stream_label = :'first_label' AS first, status, view_type,
       (SELECT count(*) FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
         WHERE s.table_name = st.table_name AND s.stream_label = st.stream_label) AS records
  FROM dynamo.streams st WHERE table_name = 'Streamed' ORDER BY creation_time;

-- the view types: OLD_IMAGE and NEW_IMAGE
SELECT dynamo.execute('CreateTable', '{"TableName": "OldImages", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "OLD_IMAGE"}}') IS NOT NULL AS created;
SELECT dynamo.execute('CreateTable', '{"TableName": "NewImages", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}') IS NOT NULL AS created;
SELECT pg_temp.wait_for($$SELECT bool_and(status = 'ENABLED') FROM dynamo.streams
                          WHERE table_name IN ('OldImages', 'NewImages')$$) AS enabled;
SELECT dynamo.execute('PutItem', format('{"TableName": "%s", "Item": {"pk": {"S": "k"}, "n": {"N": "1"}}}', t)::jsonb),
       dynamo.execute('PutItem', format('{"TableName": "%s", "Item": {"pk": {"S": "k"}, "n": {"N": "2"}}}', t)::jsonb),
       dynamo.execute('DeleteItem', format('{"TableName": "%s", "Key": {"pk": {"S": "k"}}}', t)::jsonb)
  FROM unnest(ARRAY['OldImages', 'NewImages']) t;
SELECT pg_temp.wait_for($$SELECT pg_temp.record_count('OldImages') >= 3 AND pg_temp.record_count('NewImages') >= 3$$) AS captured;
SELECT 'OldImages' AS t, * FROM pg_temp.records('OldImages')
UNION ALL
SELECT 'NewImages', * FROM pg_temp.records('NewImages');

-- DeleteTable disables the stream; its records stay
SELECT dynamo.execute('DeleteTable', '{"TableName": "OldImages"}') IS NOT NULL AS deleted;
SELECT status FROM dynamo.streams WHERE table_name = 'OldImages';
SELECT count(*) AS kept FROM dynamo.stream_records r JOIN dynamo.stream_shards s USING (shard_id)
 WHERE s.table_name = 'OldImages';

SELECT dynamo.execute('DeleteTable', format('{"TableName": "%s"}', t)::jsonb) IS NOT NULL AS deleted
  FROM unnest(ARRAY['Streamed', 'NewImages']) t;
