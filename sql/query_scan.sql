-- query_scan.sql: Query and Scan: key conditions, order, filters,
-- projections, Limit and pagination, Select COUNT, segments; BatchGetItem
-- and BatchWriteItem.

SELECT dynamo.create_table('Events', 'stream', 'S', 'seq', 'N', partitions => 4) IS NOT NULL AS created;
WITH puts AS (
    SELECT jsonb_agg(jsonb_build_object('PutRequest', jsonb_build_object('Item', jsonb_build_object(
               'stream', jsonb_build_object('S', 's' || (g % 3)),
               'seq', jsonb_build_object('N', g::text),
               'kind', jsonb_build_object('S', CASE WHEN g % 2 = 0 THEN 'even' ELSE 'odd' END))))) AS requests
      FROM generate_series(1, 24) g
)
SELECT dynamo.execute('BatchWriteItem', jsonb_build_object('RequestItems', jsonb_build_object('Events', requests)))
  FROM puts;

\set q '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}, "ProjectionExpression": "seq"}'
SELECT dynamo.execute('Query', :'q');
SELECT dynamo.execute('Query', :'q'::jsonb || '{"ScanIndexForward": false, "Limit": 3}');
SELECT dynamo.execute('Query', :'q'::jsonb || '{"ScanIndexForward": false, "Limit": 3, "ExclusiveStartKey": {"stream": {"S": "s1"}, "seq": {"N": "16"}}}');
SELECT dynamo.execute('Query', '{"TableName": "Events", "KeyConditionExpression": "#s = :s AND seq BETWEEN :lo AND :hi", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s2"}, ":lo": {"N": "5"}, ":hi": {"N": "14"}}}');
SELECT dynamo.execute('Query', '{"TableName": "Events", "KeyConditionExpression": "#s = :s AND seq > :lo", "FilterExpression": "kind = :k", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s0"}, ":lo": {"N": "10"}, ":k": {"S": "even"}}, "Select": "COUNT"}');
SELECT dynamo.execute('Query', '{"TableName": "Events", "KeyConditions": {"stream": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "s0"}]}, "seq": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "6"}]}}, "QueryFilter": {"kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}}}');
SELECT dynamo.execute('Query', '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "nothing"}}}');

-- pages follow each other without gaps or repeats
WITH RECURSIVE pages(n, response) AS (
    SELECT 1, dynamo.execute('Scan', '{"TableName": "Events", "Limit": 5}')
    UNION ALL
    SELECT n + 1, dynamo.execute('Scan', jsonb_build_object('TableName', 'Events', 'Limit', 5, 'ExclusiveStartKey', response -> 'LastEvaluatedKey'))
      FROM pages WHERE response ? 'LastEvaluatedKey'
)
SELECT count(DISTINCT n) AS pages, count(*) AS items, count(DISTINCT item) AS distinct_items
  FROM pages, jsonb_array_elements(response -> 'Items') AS item;
SELECT dynamo.execute('Scan', '{"TableName": "Events", "Select": "COUNT", "FilterExpression": "kind = :k", "ExpressionAttributeValues": {":k": {"S": "odd"}}}');
SELECT s, dynamo.execute('Scan', jsonb_build_object('TableName', 'Events', 'Segment', s, 'TotalSegments', 2, 'Select', 'COUNT')) -> 'ScannedCount' AS scanned
  FROM generate_series(0, 1) s;

-- 1 MB pages: items of 200 KB, so a page holds 6 (the one that crosses 1 MB included)
SELECT dynamo.create_table('Big', 'id', 'N') IS NOT NULL AS created;
SELECT count(dynamo.put_item('Big', format('{"id": {"N": "%s"}, "blob": {"S": "%s"}}', g, repeat('b', 200000))::dynamo.item)) FROM generate_series(1, 8) g;
SELECT (r ->> 'Count')::int AS count, r ? 'LastEvaluatedKey' AS more
  FROM (SELECT dynamo.execute('Scan', '{"TableName": "Big", "ProjectionExpression": "id"}') AS r) t;

-- errors
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'Query', r))
  FROM unnest(ARRAY[
    '{"TableName": "Events"}',
    '{"TableName": "Events", "KeyConditionExpression": "seq = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "FilterExpression": "seq > :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"N": "1"}}}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}, "Limit": 0}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}, "ExclusiveStartKey": {"stream": {"S": "s1"}}}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}, "IndexName": "byKind"}',
    '{"TableName": "Events", "KeyConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "stream"}, "ExpressionAttributeValues": {":s": {"S": "s1"}}, "Select": "COUNT", "ProjectionExpression": "seq"}',
    '{"TableName": "Events", "KeyConditions": {}}'
  ]) AS r;
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'Scan', r))
  FROM unnest(ARRAY[
    '{"TableName": "Events", "Segment": 1}',
    '{"TableName": "Events", "Segment": 2, "TotalSegments": 2}',
    '{"TableName": "Events", "ScanFilter": {"kind": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "odd"}]}}, "FilterExpression": "kind = :k", "ExpressionAttributeValues": {":k": {"S": "odd"}}}'
  ]) AS r;

-- batches
SELECT dynamo.execute('BatchGetItem', '{"RequestItems": {"Events": {"Keys": [{"stream": {"S": "s1"}, "seq": {"N": "1"}}, {"stream": {"S": "s1"}, "seq": {"N": "2"}}], "ProjectionExpression": "seq, kind"}, "Big": {"Keys": [{"id": {"N": "1"}}], "ProjectionExpression": "id"}}}');
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"Events": [{"DeleteRequest": {"Key": {"stream": {"S": "s1"}, "seq": {"N": "1"}}}}]}}');
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'BatchWriteItem', r))
  FROM unnest(ARRAY[
    '{}',
    '{"RequestItems": {}}',
    '{"RequestItems": {"Events": [{"DeleteRequest": {"Key": {"stream": {"S": "s1"}, "seq": {"N": "4"}}}}, {"PutRequest": {"Item": {"stream": {"S": "s1"}, "seq": {"N": "4"}}}}]}}',
    '{"RequestItems": {"Events": [{"PutRequest": {"Item": {"stream": {"S": "s1"}, "seq": {"N": "4"}}}, "DeleteRequest": {"Key": {"stream": {"S": "s1"}, "seq": {"N": "4"}}}}]}}',
    '{"RequestItems": {"Events": [{"PutRequest": {"Item": {"stream": {"S": "s1"}, "seq": {"N": "99"}}}}, {"PutRequest": {"Item": {"stream": {"S": "s1"}}}}]}}'
  ]) AS r;
SELECT error_of(format('SELECT dynamo.execute(%L, %L)', 'BatchWriteItem', jsonb_build_object('RequestItems', jsonb_build_object('Events',
       (SELECT jsonb_agg(jsonb_build_object('PutRequest', jsonb_build_object('Item', jsonb_build_object('stream', '{"S": "x"}'::jsonb, 'seq', jsonb_build_object('N', g::text))))) FROM generate_series(1, 26) g)))));
-- nothing of the rejected batches was written
SELECT count(*) FROM dynamo_data."Events" WHERE sk = '{"N": "99"}' OR pk = '{"S": "x"}';

-- the typed SQL functions read every page
SELECT i FROM dynamo.query('Events', '#s = :s AND seq < :hi', '{"#s": "stream"}', '{":s": {"S": "s2"}, ":hi": {"N": "12"}}',
                           projection => 'seq', forward => false) AS i;
SELECT count(*) FROM dynamo.query('Events', '#s = :s', '{"#s": "stream"}', '{":s": {"S": "s0"}, ":k": {"S": "odd"}}', filter => 'kind = :k');
SELECT count(*) FROM dynamo.query('Events', '#s = :s', '{"#s": "stream"}', '{":s": {"S": "s0"}}', max_items => 3);
SELECT count(*), count(DISTINCT i) FROM dynamo.scan('Events') AS i;
SELECT count(*) FROM dynamo.scan('Big', projection => 'id');
SELECT i FROM dynamo.scan('Events', 'seq > :n', 'seq', NULL, '{":n": {"N": "22"}}') AS i;
SELECT error_of($$SELECT * FROM dynamo.query('Events', 'seq = :s', NULL, '{":s": {"N": "1"}}')$$);

-- clean up
SELECT dynamo.delete_table('Events') IS NOT NULL AS deleted;
SELECT dynamo.delete_table('Big') IS NOT NULL AS deleted;
