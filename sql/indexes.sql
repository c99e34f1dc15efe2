-- indexes.sql: local and global secondary indexes on the write path (every
-- door maintains them), Query and Scan on them, projections, index key
-- rules, item collections, capacity by index, UpdateTable's GSI changes
-- with the backfill worker, TRUNCATE, DeleteTable.

SELECT dynamo.execute('CreateTable', '{"TableName": "Music", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "artist", "AttributeType": "S"}, {"AttributeName": "song", "AttributeType": "S"},
    {"AttributeName": "year", "AttributeType": "N"}, {"AttributeName": "plays", "AttributeType": "N"},
    {"AttributeName": "genre", "AttributeType": "S"}, {"AttributeName": "album", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "song", "KeyType": "RANGE"}],
  "LocalSecondaryIndexes": [
    {"IndexName": "ByYear", "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "year", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}},
    {"IndexName": "ByPlays", "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "plays", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["genre"]}}],
  "GlobalSecondaryIndexes": [
    {"IndexName": "ByGenre", "KeySchema": [{"AttributeName": "genre", "KeyType": "HASH"}, {"AttributeName": "year", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["plays"]}},
    {"IndexName": "ByAlbum", "KeySchema": [{"AttributeName": "album", "KeyType": "HASH"}],
     "Projection": {"ProjectionType": "ALL"}}]}') IS NOT NULL AS created;
SELECT index_name, is_global, partition_keys, sort_keys, projection_type, status FROM dynamo.indexes ORDER BY ordinal;

-- writes by every door
SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Ada"}, "song": {"S": "One"}, "year": {"N": "1990"}, "plays": {"N": "5"}, "genre": {"S": "rock"}, "album": {"S": "First"}, "lyrics": {"S": "la"}}}');
SELECT dynamo.put_item('Music', '{"artist": {"S": "Ada"}, "song": {"S": "Two"}, "year": {"N": "1985"}, "genre": {"S": "rock"}}');
INSERT INTO dynamo_data."Music" (pk, sk, item) VALUES ('{"S": "Bo"}', '{"S": "Three"}',
  '{"artist": {"S": "Bo"}, "song": {"S": "Three"}, "year": {"N": "2001"}, "genre": {"S": "jazz"}, "album": {"S": "First"}}');
COPY dynamo_data."Music" (pk, sk, item) FROM stdin;
{"S": "Bo"}	{"S": "Four"}	{"artist": {"S": "Bo"}, "song": {"S": "Four"}, "genre": {"S": "jazz"}, "year": {"N": "1999"}, "plays": {"N": "9"}}
{"S": "Cy"}	{"S": "Five"}	{"artist": {"S": "Cy"}, "song": {"S": "Five"}}
\.
SELECT pk, sk, table_pk, table_sk, item FROM dynamo_data."Music:ByGenre" ORDER BY pk, sk;
SELECT pk, table_pk, table_sk FROM dynamo_data."Music:ByAlbum" ORDER BY table_pk, table_sk;

-- Query on each index, in its order
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "genre = :g", "ExpressionAttributeValues": {":g": {"S": "rock"}}}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "genre = :g AND #y > :y", "ExpressionAttributeNames": {"#y": "year"}, "ExpressionAttributeValues": {":g": {"S": "jazz"}, ":y": {"N": "2000"}}, "ReturnConsumedCapacity": "INDEXES"}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByYear", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Ada"}}}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByYear", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Ada"}}, "Select": "ALL_ATTRIBUTES", "ScanIndexForward": false}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByPlays", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Bo"}}}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByAlbum", "KeyConditionExpression": "album = :a", "ExpressionAttributeValues": {":a": {"S": "First"}}, "Limit": 1}');
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByAlbum", "KeyConditionExpression": "album = :a", "ExpressionAttributeValues": {":a": {"S": "First"}}, "ExclusiveStartKey": {"album": {"S": "First"}, "artist": {"S": "Ada"}, "song": {"S": "One"}}}');
SELECT dynamo.execute('Scan', '{"TableName": "Music", "IndexName": "ByYear", "Select": "COUNT"}');
SELECT q FROM dynamo.query('Music', 'genre = :g', "values" => '{":g": {"S": "jazz"}}', index => 'ByGenre') q;
SELECT count(*) FROM dynamo.scan('Music', index => 'ByPlays');

-- the errors of reads on indexes
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "Nope", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Ada"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "genre = :g", "ExpressionAttributeValues": {":g": {"S": "rock"}}, "ConsistentRead": true}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "genre = :g", "ExpressionAttributeValues": {":g": {"S": "rock"}}, "Select": "ALL_ATTRIBUTES"}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "genre = :g", "ExpressionAttributeValues": {":g": {"S": "rock"}}, "ProjectionExpression": "lyrics"}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByGenre", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Ada"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "KeyConditionExpression": "artist = :a", "ExpressionAttributeValues": {":a": {"S": "Ada"}}, "Select": "ALL_PROJECTED_ATTRIBUTES"}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByAlbum", "KeyConditionExpression": "album = :a", "ExpressionAttributeValues": {":a": {"S": "First"}}, "ExclusiveStartKey": {"album": {"S": "First"}}}')$$);

-- index key rules: refused when ACTIVE, nothing written
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Dee"}, "song": {"S": "x"}, "genre": {"N": "1"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Dee"}, "song": {"S": "x"}, "genre": {"S": ""}}}')$$);
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Dee"}, "song": {"S": "x"}, "year": {"S": "1990"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Music", "Key": {"artist": {"S": "Ada"}, "song": {"S": "One"}}, "UpdateExpression": "SET album = :b", "ExpressionAttributeValues": {":b": {"B": "AA=="}}}')$$);
SELECT error_of($$UPDATE dynamo_data."Music" SET item = dynamo.from_plain('{"artist": "Ada", "song": "One", "plays": "many"}') WHERE sk = '{"S": "One"}'::dynamo.value$$);
SELECT count(*) FROM dynamo_data."Music" WHERE pk = '{"S": "Dee"}'::dynamo.value;

-- an update moves an entry, a REMOVE takes it out, a delete removes it
SELECT dynamo.execute('UpdateItem', '{"TableName": "Music", "Key": {"artist": {"S": "Ada"}, "song": {"S": "Two"}}, "UpdateExpression": "SET genre = :g", "ExpressionAttributeValues": {":g": {"S": "pop"}}, "ReturnConsumedCapacity": "INDEXES"}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Music", "Key": {"artist": {"S": "Ada"}, "song": {"S": "One"}}, "UpdateExpression": "REMOVE album", "ReturnConsumedCapacity": "INDEXES"}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Music", "Key": {"artist": {"S": "Ada"}, "song": {"S": "One"}}, "UpdateExpression": "SET lyrics = :l", "ExpressionAttributeValues": {":l": {"S": "na"}}, "ReturnConsumedCapacity": "INDEXES"}');
DELETE FROM dynamo_data."Music" WHERE pk = '{"S": "Bo"}'::dynamo.value AND sk = '{"S": "Three"}'::dynamo.value;
SELECT pk, sk, table_pk, table_sk FROM dynamo_data."Music:ByGenre" ORDER BY pk, sk;
SELECT pk, table_pk, table_sk FROM dynamo_data."Music:ByAlbum" ORDER BY table_pk, table_sk;
-- a rolled-back write leaves the indexes as they were
BEGIN;
SELECT dynamo.execute('DeleteItem', '{"TableName": "Music", "Key": {"artist": {"S": "Bo"}, "song": {"S": "Four"}}}');
SELECT count(*) FROM dynamo_data."Music:ByGenre";
ROLLBACK;
SELECT count(*) FROM dynamo_data."Music:ByGenre";

-- item collections of a table with LSIs
SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Ada"}, "song": {"S": "Six"}, "year": {"N": "2020"}}, "ReturnItemCollectionMetrics": "SIZE"}');
SELECT dynamo.execute('DeleteItem', '{"TableName": "Music", "Key": {"artist": {"S": "Ada"}, "song": {"S": "Six"}}, "ReturnItemCollectionMetrics": "SIZE"}');
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"Music": [{"PutRequest": {"Item": {"artist": {"S": "Ada"}, "song": {"S": "Seven"}}}}, {"PutRequest": {"Item": {"artist": {"S": "Eve"}, "song": {"S": "Eight"}}}}, {"PutRequest": {"Item": {"artist": {"S": "Ada"}, "song": {"S": "Nine"}}}}]}, "ReturnItemCollectionMetrics": "SIZE"}');
SET dynamo.item_collection_size_limit = '1MB';
SELECT error_of(format($$SELECT dynamo.execute('PutItem', '{"TableName": "Music", "Item": {"artist": {"S": "Big"}, "song": {"S": "%s"}, "blob": {"S": "%s"}}}')$$, g, repeat('x', 300000))) FROM generate_series(1, 4) g;
SELECT count(*) FROM dynamo_data."Music" WHERE pk = '{"S": "Big"}'::dynamo.value;
RESET dynamo.item_collection_size_limit;

-- DescribeTable's indexes
SELECT jsonb_pretty(d - 'IndexSizeBytes' - 'ItemCount') FROM jsonb_array_elements(dynamo.execute('DescribeTable', '{"TableName": "Music"}') #> '{Table,LocalSecondaryIndexes}'::text[]) d;
SELECT jsonb_pretty(d - 'IndexSizeBytes' - 'ItemCount') FROM jsonb_array_elements(dynamo.execute('DescribeTable', '{"TableName": "Music"}') #> '{Table,GlobalSecondaryIndexes}'::text[]) d;

-- UpdateTable: a GSI added to a table with items is backfilled by a worker,
-- which starts once the UpdateTable commits
BEGIN;
SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "AttributeDefinitions": [{"AttributeName": "lyrics", "AttributeType": "S"}],
  "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "ByLyrics", "KeySchema": [{"AttributeName": "lyrics", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}}]}')
  #> '{TableDescription,GlobalSecondaryIndexes}'::text[] @> '[{"IndexName": "ByLyrics", "IndexStatus": "CREATING"}]' AS creating;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Music"}') #>> '{Table,TableStatus}'::text[] AS table_status;
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByAlbum"}}]}')$$);
SELECT error_of($$SELECT dynamo.execute('DeleteTable', '{"TableName": "Music"}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByLyrics", "KeyConditionExpression": "lyrics = :l", "ExpressionAttributeValues": {":l": {"S": "na"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByLyrics"}}]}')$$);
COMMIT;
DO $$
BEGIN
    FOR i IN 1..600 LOOP
        EXIT WHEN (SELECT status FROM dynamo.indexes WHERE index_name = 'ByLyrics') = 'ACTIVE';
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;
SELECT index_name, status, backfilling, key_violations FROM dynamo.indexes WHERE index_name = 'ByLyrics';
SELECT dynamo.execute('Query', '{"TableName": "Music", "IndexName": "ByLyrics", "KeyConditionExpression": "lyrics = :l", "ExpressionAttributeValues": {":l": {"S": "na"}}}');
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "AttributeDefinitions": [{"AttributeName": "lyrics", "AttributeType": "S"}], "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "ByLyrics", "KeySchema": [{"AttributeName": "lyrics", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}}]}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "Nope"}}]}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByYear"}}]}')$$);
SELECT dynamo.execute('UpdateTable', '{"TableName": "Music", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "ByLyrics"}}]}')
  #> '{TableDescription,GlobalSecondaryIndexes}'::text[] @> '[{"IndexName": "ByLyrics", "IndexStatus": "DELETING"}]' AS deleting;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Music"}') #> '{Table,AttributeDefinitions}'::text[];
SELECT to_regclass('dynamo_data."Music:ByLyrics"');

-- TRUNCATE empties the GSIs too
TRUNCATE dynamo_data."Music";
SELECT (SELECT count(*) FROM dynamo_data."Music:ByGenre") AS by_genre, (SELECT count(*) FROM dynamo_data."Music:ByAlbum") AS by_album;

-- a multi-attribute GSI key
SELECT dynamo.execute('CreateTable', '{"TableName": "Sales", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "tenant", "AttributeType": "S"},
    {"AttributeName": "region", "AttributeType": "S"}, {"AttributeName": "y", "AttributeType": "N"}, {"AttributeName": "m", "AttributeType": "N"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "ByPeriod", "KeySchema": [{"AttributeName": "tenant", "KeyType": "HASH"}, {"AttributeName": "region", "KeyType": "HASH"},
    {"AttributeName": "y", "KeyType": "RANGE"}, {"AttributeName": "m", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}]}') IS NOT NULL AS created;
SELECT dynamo.execute('PutItem', format('{"TableName": "Sales", "Item": {"id": {"S": "s%s"}, "tenant": {"S": "t"}, "region": {"S": "eu"}, "y": {"N": "%s"}, "m": {"N": "%s"}}}', g, 2023 + g % 2, g)::jsonb) IS NOT NULL FROM generate_series(1, 6) g;
SELECT dynamo.execute('Query', '{"TableName": "Sales", "IndexName": "ByPeriod", "KeyConditionExpression": "tenant = :t AND #r = :r AND y = :y AND m >= :m", "ExpressionAttributeNames": {"#r": "region"}, "ExpressionAttributeValues": {":t": {"S": "t"}, ":r": {"S": "eu"}, ":y": {"N": "2024"}, ":m": {"N": "2"}}}');
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Sales", "IndexName": "ByPeriod", "KeyConditionExpression": "tenant = :t AND m = :m", "ExpressionAttributeValues": {":t": {"S": "t"}, ":m": {"N": "2"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('Query', '{"TableName": "Sales", "IndexName": "ByPeriod", "KeyConditionExpression": "tenant = :t AND #r = :r AND m = :m", "ExpressionAttributeNames": {"#r": "region"}, "ExpressionAttributeValues": {":t": {"S": "t"}, ":r": {"S": "eu"}, ":m": {"N": "2"}}}')$$);

-- DeleteTable takes the indexes with it
SELECT dynamo.execute('DeleteTable', '{"TableName": "Music"}') IS NOT NULL AS deleted;
SELECT dynamo.execute('DeleteTable', '{"TableName": "Sales"}') IS NOT NULL AS deleted;
SELECT count(*) FROM dynamo.indexes;
SELECT relname FROM pg_class WHERE relnamespace = 'dynamo_data'::regnamespace;

-- a PROVISIONED table's GSIs have their own throughput; a switch to PROVISIONED needs each GSI's
SELECT dynamo.execute('CreateTable', '{"TableName": "Prov", "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"},
    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}}]}') #> '{TableDescription,GlobalSecondaryIndexes,0,ProvisionedThroughput}'::text[];
SELECT (dynamo.execute('UpdateTable', '{"TableName": "Prov", "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8}}}]}')
  #> '{TableDescription,GlobalSecondaryIndexes,0,ProvisionedThroughput}'::text[])
  - 'LastIncreaseDateTime' AS throughput;  -- its time: sql/capacity_control.sql
SELECT (dynamo.execute('UpdateTable', '{"TableName": "Prov", "BillingMode": "PAY_PER_REQUEST"}') #> '{TableDescription,GlobalSecondaryIndexes,0,ProvisionedThroughput}'::text[])
  - 'LastIncreaseDateTime' AS throughput;  -- its time: sql/capacity_control.sql
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Prov", "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}')$$);
SELECT error_of($$SELECT dynamo.execute('UpdateTable', '{"TableName": "Prov", "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8}}}]}')$$);
SELECT (dynamo.execute('UpdateTable', '{"TableName": "Prov", "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
  "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "ByG", "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}}]}') #> '{TableDescription,GlobalSecondaryIndexes,0,ProvisionedThroughput}'::text[])
  - 'LastIncreaseDateTime' AS throughput;  -- its time: sql/capacity_control.sql
SELECT dynamo.execute('DeleteTable', '{"TableName": "Prov"}') IS NOT NULL AS deleted;

-- an LSI whose sort key attribute has the longest name DynamoDB allows, quotes in it
SELECT dynamo.execute('CreateTable', format('{"TableName": "LongName", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}, {"AttributeName": "%s", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "LocalSecondaryIndexes": [{"IndexName": "%s", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "%s", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}]}',
  repeat('''', 255), repeat('i', 255), repeat('''', 255))::jsonb) IS NOT NULL AS created;
SELECT dynamo.execute('PutItem', format('{"TableName": "LongName", "Item": {"pk": {"S": "p"}, "sk": {"S": "s%s"}, "%s": {"S": "v%s"}}}', g, repeat('''', 255), g)::jsonb) IS NOT NULL FROM generate_series(1, 3) g;
SELECT (dynamo.execute('Query', format('{"TableName": "LongName", "IndexName": "%s", "KeyConditionExpression": "pk = :p AND #k > :v", "ExpressionAttributeNames": {"#k": "%s"}, "ExpressionAttributeValues": {":p": {"S": "p"}, ":v": {"S": "v1"}}, "Limit": 1, "ExclusiveStartKey": {"pk": {"S": "p"}, "sk": {"S": "s1"}, "%s": {"S": "v1"}}}',
  repeat('i', 255), repeat('''', 255), repeat('''', 255))::jsonb) -> 'Count')::text AS count;
SELECT dynamo.execute('DeleteTable', '{"TableName": "LongName"}') IS NOT NULL AS deleted;

-- ConsumedCapacity of the batches: one entry per table, index writes included
SELECT dynamo.execute('CreateTable', '{"TableName": "Cap", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}]}') IS NOT NULL AS created;
SELECT dynamo.create_table('Cap2', 'id', 'S') IS NOT NULL AS created;
SELECT dynamo.execute('BatchWriteItem', format('{"RequestItems": {"Cap": [{"PutRequest": {"Item": {"id": {"S": "a"}, "g": {"S": "x"}}}}, {"PutRequest": {"Item": {"id": {"S": "b"}, "big": {"S": "%s"}}}}],
  "Cap2": [{"DeleteRequest": {"Key": {"id": {"S": "nothing"}}}}]}, "ReturnConsumedCapacity": "INDEXES"}', repeat('x', 3000))::jsonb);
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"Cap": [{"DeleteRequest": {"Key": {"id": {"S": "a"}}}}]}, "ReturnConsumedCapacity": "TOTAL"}');
SELECT dynamo.execute('BatchGetItem', '{"RequestItems": {"Cap": {"Keys": [{"id": {"S": "b"}}, {"id": {"S": "a"}}]}, "Cap2": {"Keys": [{"id": {"S": "z"}}], "ConsistentRead": true}}, "ReturnConsumedCapacity": "TOTAL"}') - 'Responses';
SELECT dynamo.delete_table('Cap') IS NOT NULL, dynamo.delete_table('Cap2') IS NOT NULL;
