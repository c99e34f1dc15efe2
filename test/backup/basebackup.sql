-- basebackup.sql: the tables and helpers of test/backup/check_basebackup.sh,
-- created in the source cluster before its base backup (so every recovered
-- copy has them too).
--
-- Orders: a sort key, a local secondary index, two global ones (one
-- KEYS_ONLY, on an attribute that updates remove), provisioned capacity on
-- the table and an index, a stream, tags.  Sessions: on demand, a global
-- INCLUDE index, Time to Live.  public.bb_writes(round, n) makes n changes,
-- one transaction each, the same ones for the same round: PutItem, UpdateItem
-- (moving items between GSI partitions, taking them out of one) and
-- DeleteItem through dynamo.execute.  public.bb_index_queries() and
-- public.bb_api() give what the API answers about every table and index.
-- Marker: a stream, and a put after each round (see quiesce in the script).
SET search_path = public, dynamo;

SELECT dynamo.execute('CreateTable', '{
  "TableName": "Orders",
  "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
  "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "N"},
      {"AttributeName": "amount", "AttributeType": "N"}, {"AttributeName": "region", "AttributeType": "S"},
      {"AttributeName": "status", "AttributeType": "S"}],
  "ProvisionedThroughput": {"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
  "LocalSecondaryIndexes": [
    {"IndexName": "ByAmount", "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "amount", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["status"]}}],
  "GlobalSecondaryIndexes": [
    {"IndexName": "ByRegion", "KeySchema": [{"AttributeName": "region", "KeyType": "HASH"}, {"AttributeName": "amount", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": {"ReadCapacityUnits": 50, "WriteCapacityUnits": 50}},
    {"IndexName": "ByStatus", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}],
  "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
  "Tags": [{"Key": "team", "Value": "orders"}, {"Key": "env", "Value": "test"}],
  "DynamoOptions": {"Partitions": 4}}') IS NOT NULL AS created;

SELECT dynamo.execute('CreateTable', '{
  "TableName": "Sessions", "BillingMode": "PAY_PER_REQUEST",
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "user", "AttributeType": "S"}],
  "GlobalSecondaryIndexes": [
    {"IndexName": "ByUser", "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["exp"]}}]}') IS NOT NULL AS created;
SELECT dynamo.execute('UpdateTimeToLive',
    '{"TableName": "Sessions", "TimeToLiveSpecification": {"AttributeName": "exp", "Enabled": true}}') IS NOT NULL AS ttl;

-- n changes of round r, one transaction each; the same ones for the same r
CREATE PROCEDURE bb_writes(r int, n int) LANGUAGE plpgsql AS $$
DECLARE
    k int;
    dice float8;
    customer jsonb;
    placed jsonb;
BEGIN
    PERFORM setseed(r / 100.0);
    FOR i IN 1..n LOOP
        k := 1 + floor(random() * 400)::int;
        dice := random();
        customer := jsonb_build_object('S', 'c' || k % 37);
        placed := jsonb_build_object('N', k::text);
        IF dice < 0.45 THEN
            PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Orders', 'Item', jsonb_build_object(
                'customer', customer, 'placed', placed,
                'amount', jsonb_build_object('N', (r * 1000 + i)::text),
                'region', jsonb_build_object('S', 'r' || floor(random() * 5)::int),
                'status', jsonb_build_object('S', (ARRAY['new', 'paid', 'sent'])[1 + floor(random() * 3)::int]),
                'note', jsonb_build_object('S', repeat(md5(r || '/' || i), 1 + k % 4)))));
        ELSIF dice < 0.60 THEN
            -- moves the item to another partition of ByRegion
            PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Orders',
                'Key', jsonb_build_object('customer', customer, 'placed', placed),
                'UpdateExpression', 'SET #r = :r, amount = if_not_exists(amount, :zero) + :one',
                'ExpressionAttributeNames', '{"#r": "region"}'::jsonb,
                'ExpressionAttributeValues', jsonb_build_object(':r', jsonb_build_object('S', 'r' || floor(random() * 5)::int),
                                                                ':one', '{"N": "1"}'::jsonb, ':zero', '{"N": "0"}'::jsonb)));
        ELSIF dice < 0.70 THEN
            -- takes the item out of ByStatus
            PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Orders',
                'Key', jsonb_build_object('customer', customer, 'placed', placed),
                'UpdateExpression', 'REMOVE #s', 'ExpressionAttributeNames', '{"#s": "status"}'::jsonb));
        ELSIF dice < 0.85 THEN
            PERFORM dynamo.execute('DeleteItem', jsonb_build_object('TableName', 'Orders',
                'Key', jsonb_build_object('customer', customer, 'placed', placed)));
        ELSIF dice < 0.95 THEN
            IF EXISTS (SELECT FROM dynamo.tables WHERE table_name = 'Sessions') THEN
                PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Sessions', 'Item', jsonb_build_object(
                    'id', jsonb_build_object('S', 's' || k % 90),
                    'user', jsonb_build_object('S', 'u' || k % 7),
                    'exp', jsonb_build_object('N', (4102444800 + k)::text),   -- 2100: never expires here
                    'data', jsonb_build_object('B', encode(sha256(int4send(r * 100000 + i)), 'base64')))));
            END IF;
        ELSIF EXISTS (SELECT FROM dynamo.tables WHERE table_name = 'Late') THEN
            PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Late', 'Item', jsonb_build_object(
                'id', jsonb_build_object('N', (k % 120)::text),
                'kind', jsonb_build_object('S', 'k' || k % 3),
                'round', jsonb_build_object('N', r::text))));
        END IF;
        COMMIT;
    END LOOP;
END $$;

-- every index of every table, queried through the API on each of its
-- partition key values
CREATE FUNCTION bb_index_queries(OUT table_name text, OUT index_name text, OUT key text, OUT response jsonb)
RETURNS SETOF record LANGUAGE plpgsql AS $$
DECLARE
    ix record;
BEGIN
    FOR ix IN SELECT i.table_name, i.index_name, i.is_global, i.partition_keys[1] AS attribute,
                     CASE WHEN i.is_global THEN i.relation_name ELSE t.relation_name END AS relation
                FROM dynamo.indexes i JOIN dynamo.tables t USING (table_name)
               ORDER BY 1, 2 LOOP
        FOR key IN EXECUTE format('SELECT DISTINCT pk::text FROM dynamo_data.%I', ix.relation) LOOP
            table_name := ix.table_name;
            index_name := ix.index_name;
            response := dynamo.execute('Query', jsonb_build_object('TableName', ix.table_name, 'IndexName', ix.index_name,
                'KeyConditionExpression', '#k = :v', 'ExpressionAttributeNames', jsonb_build_object('#k', ix.attribute),
                'ExpressionAttributeValues', jsonb_build_object(':v', key::jsonb)));
            RETURN NEXT;
        END LOOP;
    END LOOP;
END $$;

-- what DescribeTable (but for sizes and counts, which follow statistics),
-- DescribeTimeToLive, ListTagsOfResource, DescribeContinuousBackups (but
-- for LatestRestorableDateTime, the time of the call), ListBackups and
-- DescribeStream answer
CREATE FUNCTION bb_api(OUT table_name text, OUT action text, OUT response jsonb)
RETURNS SETOF record LANGUAGE sql AS $$
    WITH t AS (SELECT t.table_name, jsonb_build_object('TableName', t.table_name) AS request,
                      jsonb_build_object('ResourceArn', format('arn:aws:dynamodb:%s:%s:table/%s',
                          current_setting('dynamo.region'), current_setting('dynamo.account_id'), t.table_name)) AS arn
                 FROM dynamo.tables t),
         d AS (SELECT t.table_name, dynamo.execute('DescribeTable', t.request) -> 'Table' AS d FROM t)
    SELECT table_name, 'DescribeTable',
           (d - 'TableSizeBytes' - 'ItemCount' - 'GlobalSecondaryIndexes' - 'LocalSecondaryIndexes')
           || jsonb_strip_nulls(jsonb_build_object(
                  'GlobalSecondaryIndexes', (SELECT jsonb_agg(i - 'IndexSizeBytes' - 'ItemCount') FROM jsonb_array_elements(d -> 'GlobalSecondaryIndexes') i),
                  'LocalSecondaryIndexes', (SELECT jsonb_agg(i - 'IndexSizeBytes' - 'ItemCount') FROM jsonb_array_elements(d -> 'LocalSecondaryIndexes') i)))
      FROM d
    UNION ALL
    SELECT table_name, 'DescribeTimeToLive', dynamo.execute('DescribeTimeToLive', request) FROM t
    UNION ALL
    SELECT table_name, 'ListTagsOfResource', dynamo.execute('ListTagsOfResource', arn) FROM t
    UNION ALL
    SELECT table_name, 'DescribeContinuousBackups', dynamo.execute('DescribeContinuousBackups', request)
           #- '{ContinuousBackupsDescription,PointInTimeRecoveryDescription,LatestRestorableDateTime}'   -- now()
      FROM t
    UNION ALL
    SELECT NULL, 'ListBackups', dynamo.execute('ListBackups', '{}')
    UNION ALL
    SELECT s.table_name, 'DescribeStream ' || s.stream_label,
           dynamo.execute('DescribeStream', jsonb_build_object('StreamArn', dynamo.stream_arn(s.table_name, s.stream_label)))
      FROM dynamo.streams s
$$;

-- a put into Marker after each round: once its stream record is stored, the
-- streams capture has stored every change before it
SELECT dynamo.execute('CreateTable', '{"TableName": "Marker", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}') IS NOT NULL AS created;
