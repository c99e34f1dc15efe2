-- request_layer.sql: requests that once crashed the server or slipped past
-- the request layer; the text door (dynamo.execute_text), lossless; the
-- account-level actions.

SELECT dynamo.create_table('Layered', 'pk', 'S', 'sk', 'N', partitions => 2) IS NOT NULL AS created;
SELECT dynamo.execute('PutItem', '{"TableName": "Layered", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}');

-- empty and missing key conditions: DynamoDB's errors, never a crash
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'Query', r))
  FROM unnest(ARRAY[
    '{"TableName": "Layered", "KeyConditions": {}}',
    '{"TableName": "Layered"}',
    '{"TableName": "Layered", "KeyConditions": {"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}}',
    '{"TableName": "Layered", "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}, "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}, "x": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "0"}]}}}',
    '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "Limit": 1.5}',
    '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "Limit": 99999999999999999999}',
    '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "ExclusiveStartKey": []}'
  ]) AS r;

-- Select with a projection, each combination in DynamoDB's words
SELECT a, r, error_of(format('SELECT dynamo.execute(%L, %L)', a, r))
  FROM (VALUES
    ('Scan', '{"TableName": "Layered", "Select": "COUNT", "AttributesToGet": ["sk"]}'),
    ('Scan', '{"TableName": "Layered", "Select": "COUNT", "ProjectionExpression": "sk"}'),
    ('Query', '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "Select": "ALL_ATTRIBUTES", "ProjectionExpression": "sk"}'),
    ('Scan', '{"TableName": "Layered", "Select": "ALL_ATTRIBUTES", "AttributesToGet": ["sk"]}'),
    ('Query', '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "Select": "SPECIFIC_ATTRIBUTES"}'),
    ('Scan', '{"TableName": "Layered", "Select": "SPECIFIC_ATTRIBUTES"}'),
    ('Scan', '{"TableName": "Layered", "Select": "SPECIFIC_ATTRIBUTES", "AttributesToGet": ["sk"]}'),
    ('Scan', '{"TableName": "Layered", "Select": "ALL_PROJECTED_ATTRIBUTES"}')
  ) AS t(a, r);

-- a Scan segment's ExclusiveStartKey must be a key of that segment
WITH seg AS (SELECT ((dynamo.key_hash('{"S": "a"}') & 2147483647) % 2)::int AS own)
SELECT s = own AS own_segment,
       error_of(format('SELECT dynamo.execute(%L, %L)', 'Scan', jsonb_build_object(
           'TableName', 'Layered', 'Segment', s, 'TotalSegments', 2,
           'ExclusiveStartKey', '{"pk": {"S": "a"}, "sk": {"N": "1"}}'::jsonb)))
  FROM seg, generate_series(0, 1) s ORDER BY 1;

-- the text door: the same actions, JSON text in and out
SELECT dynamo.execute_text('GetItem', '{"TableName": "Layered", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}');
SELECT dynamo.execute_text('Query', '{"TableName": "Layered", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "ReturnConsumedCapacity": "INDEXES"}');
SELECT r, error_of(format('SELECT dynamo.execute_text(%L, %L)', 'GetItem', r))
  FROM unnest(ARRAY[
    '',
    '[]',
    '{"TableName": "Layered", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}',
    '{"TableName": "Layered", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}} x',
    '{"TableName": "Layered", "ProjectionExpression": "pk\u0000", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}'
  ]) AS r;

-- a name given twice: the last one counts, as DynamoDB's parser keeps it
SELECT dynamo.execute_text('GetItem', '{"TableName": "Nope", "TableName": "Layered", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}');

-- the account-level actions
SELECT dynamo.execute('DescribeLimits', '{}');
SELECT jsonb_typeof(dynamo.execute('DescribeEndpoints', '{}') -> 'Endpoints') AS endpoints;

SELECT dynamo.delete_table('Layered') IS NOT NULL AS deleted;

-- U+0000 through the text door; the jsonb door cannot return it and says which door can
SELECT dynamo.create_table('Nul', 'pk', 'S', partitions => 1) IS NOT NULL AS created;
SELECT dynamo.execute_text('PutItem', '{"TableName": "Nul", "Item": {"pk": {"S": "a\u0000b"}, "n\u0000": {"SS": ["\u0000", "x"]}}}');
SELECT dynamo.execute_text('GetItem', '{"TableName": "Nul", "Key": {"pk": {"S": "a\u0000b"}}}');
SELECT dynamo.execute_text('Scan', '{"TableName": "Nul", "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "n\u0000"}}');
SELECT error_of($$SELECT dynamo.execute('Scan', '{"TableName": "Nul"}')$$);
SELECT octet_length(pk::text) FROM dynamo_data."Nul";
SELECT dynamo.delete_table('Nul') IS NOT NULL AS deleted;
