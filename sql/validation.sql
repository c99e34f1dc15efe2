-- validation.sql: DynamoDB's request validation, generated from its service
-- model (src/api/api_validate.c, tables in src/api/api_shapes.c).
--
-- Expected messages are DynamoDB's: where a real answer is quoted in a
-- comment, the case reproduces it.

-- validation_error(action, request): the error validating the request's JSON
-- text raises, or 'valid'
CREATE FUNCTION validation_error(action text, request text) RETURNS text
LANGUAGE sql AS $$
    SELECT replace(public.error_of(format('SELECT dynamo.validate_request(%L, %L)', action, request)),
                   'no error', 'valid')
$$;

-- execute_error(action, request): the error dynamo.execute raises
CREATE FUNCTION execute_error(action text, request jsonb) RETURNS text
LANGUAGE sql AS $$
    SELECT public.error_of(format('SELECT dynamo.execute(%L, %L)', action, request))
$$;

-- validation comes before any table is looked up: a valid request reaches
-- the operation, an invalid one does not
SELECT execute_error('GetItem', '{"TableName": "NoSuchTable", "Key": {"k": {"S": "a"}}}');
SELECT execute_error('GetItem', '{"TableName": "NoSuchTable", "Key": {"k": {"S": "a"}}, "ReturnConsumedCapacity": "ALL"}');
SELECT execute_error('DescribeTable', '{"TableName": "no such table"}');
SELECT validation_error('GetItem', '{"TableName": "Valid", "Key": {"k": {"S": "a"}}}');
SELECT validation_error('NoSuchAction', '{}');

-- required members: Value null ... Member must not be null
SELECT validation_error('GetItem', '{}');
SELECT validation_error('PutItem', '{"Item": {"k": {"S": "a"}}}');
SELECT validation_error('BatchWriteItem', '{}');
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "ProvisionedThroughput": {}}');
-- JSON null is absent
SELECT validation_error('GetItem', '{"TableName": null, "Key": {"k": {"S": "a"}}}');
SELECT validation_error('GetItem', '{"TableName": "T1x", "Key": {"k": {"S": "a"}}, "ReturnConsumedCapacity": null}');
-- the last of duplicate members counts, as DynamoDB's parser keeps it
SELECT validation_error('GetItem', '{"TableName": "ab", "TableName": "abc", "Key": {}}');
SELECT validation_error('GetItem', '{"TableName": "abc", "TableName": null, "Key": {}}');
-- members the model does not know are ignored
SELECT validation_error('GetItem', '{"TableName": "abc", "Key": {}, "Unknown": [1, {"a": true}], "tablename": 5}');

-- enum value sets, in DynamoDB's order (not the model's)
SELECT validation_error('PutItem', '{"TableName": "abc", "Item": {}, "ReturnValues": "X"}');
SELECT validation_error('Query', '{"TableName": "abc", "Select": "X"}');
SELECT validation_error('Query', '{"TableName": "abc", "ReturnConsumedCapacity": "X"}');
SELECT validation_error('DeleteItem', '{"TableName": "abc", "Key": {}, "ReturnValuesOnConditionCheckFailure": "X"}');
SELECT validation_error('PutItem', '{"TableName": "abc", "Item": {}, "ReturnItemCollectionMetrics": "X"}');
SELECT validation_error('Scan', '{"TableName": "abc", "ConditionalOperator": "X"}');
SELECT validation_error('Scan', '{"TableName": "abc", "ScanFilter": {"a": {"ComparisonOperator": "X"}}}');
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "X"}], "KeySchema": [{"AttributeName": "a", "KeyType": "X"}], "BillingMode": "X"}');
-- 2026: "Value '' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, NEW_AND_OLD_IMAGES, NEW_IMAGE]"
SELECT validation_error('UpdateTable', '{"TableName": "abc", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": ""}}');
SELECT validation_error('UpdateItem', '{"TableName": "abc", "Key": {}, "AttributeUpdates": {"a": {"Action": "UPSERT"}}}');
-- enums are case-sensitive
SELECT validation_error('PutItem', '{"TableName": "abc", "Item": {}, "ReturnValues": "all_old"}');

-- string lengths and patterns
SELECT validation_error('DescribeTable', '{"TableName": "ab"}');
SELECT validation_error('DescribeTable', '{"TableName": "bad name!"}');
-- 2026: DescribeTable '' reports both, length first
SELECT validation_error('DescribeTable', '{"TableName": ""}');
SELECT validation_error('DescribeTable', format('{"TableName": "%s"}', repeat('a', 255)));
SELECT left(validation_error('DescribeTable', format('{"TableName": "%s"}', repeat('a', 256))), 60),
       right(validation_error('DescribeTable', format('{"TableName": "%s"}', repeat('a', 256))), 120);
SELECT validation_error('Query', '{"TableName": "abc", "IndexName": "i;"}');
SELECT validation_error('ListTables', '{"ExclusiveStartTableName": ""}');
-- lengths are Java's: UTF-16 code units, so a character outside the BMP counts 2
SELECT validation_error('Query', format('{"TableName": "abc", "ExpressionAttributeNames": {"#a": "%s"}}', repeat('😀', 32767)));
SELECT left(validation_error('Query', format('{"TableName": "abc", "ExpressionAttributeNames": {"#a": "%s"}}', repeat('😀', 32768))), 100);
-- strings carry a length: U+0000 is a character like any other
SELECT validation_error('DescribeTable', '{"TableName": "ab\u0000c"}');
SELECT validation_error('DescribeTable', '{"TableName": "\u0000"}');
SELECT validation_error('PutItem', '{"TableName": "abc", "Item": {}, "ReturnValues": "NONE\u0000"}');

-- numeric ranges
-- 2026: "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
SELECT validation_error('ListTables', '{"Limit": 0}');
SELECT validation_error('ListTables', '{"Limit": 101}');
SELECT validation_error('ListTables', '{"Limit": 100}');
SELECT validation_error('Scan', '{"TableName": "abc", "Segment": -1, "TotalSegments": 0}');
SELECT validation_error('Scan', '{"TableName": "abc", "Segment": 1000000, "TotalSegments": 1000001}');
-- Java's integer of a JSON number: the fraction dropped, exponents applied
SELECT validation_error('Query', '{"TableName": "abc", "Limit": 0.9}');
SELECT validation_error('Query', '{"TableName": "abc", "Limit": 1.5}');
SELECT validation_error('Query', '{"TableName": "abc", "Limit": 1e0}');
SELECT validation_error('Query', '{"TableName": "abc", "Limit": -2E1}');
SELECT validation_error('Query', '{"TableName": "abc", "Limit": 5e-1}');
-- beyond Java's int and long
SELECT validation_error('Query', '{"TableName": "abc", "Limit": 2147483647}'),
       validation_error('Query', '{"TableName": "abc", "Limit": 2147483648}'),
       validation_error('Query', '{"TableName": "abc", "Limit": -2147483649}');
SELECT validation_error('UpdateTable', '{"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": 9223372036854775807, "WriteCapacityUnits": 1}}'),
       validation_error('UpdateTable', '{"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": 9223372036854775808, "WriteCapacityUnits": 1}}'),
       validation_error('UpdateTable', '{"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": 1e40, "WriteCapacityUnits": 1}}');
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [], "ProvisionedThroughput": {"ReadCapacityUnits": -1, "WriteCapacityUnits": -1}}');

-- list and map sizes, values rendered as Java prints them
-- 2026: "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": []}');
-- 2026, reproduced byte for byte: "Value '[com.amazonaws.dynamodb.v20120810.KeySchemaElement@ad28eb1d,
-- com.amazonaws.dynamodb.v20120810.KeySchemaElement@38b9654b, com.amazonaws.dynamodb.v20120810.KeySchemaElement@3e80eb03]'
-- at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "extra", "KeyType": "RANGE"}]}');
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "sk2", "KeyType": "RANGE"}]}');
SELECT validation_error('Query', '{"TableName": "abc", "AttributesToGet": []}');
SELECT validation_error('BatchWriteItem', '{"RequestItems": {}}');
SELECT validation_error('BatchGetItem', '{"RequestItems": {"abc": {"Keys": []}}}');
SELECT validation_error('BatchGetItem', '{"RequestItems": {"abc": {"Keys": [{"k": {"S": "a"}, "n": {"N": "1"}}, {"k": {"B": "AAEC"}, "l": {"L": [{"BOOL": true}, {"NULL": true}, {"SS": ["x", "y"]}]}}]}}}');
SELECT length(e), left(e, 140), right(e, 90)
  FROM (SELECT validation_error('BatchGetItem', format('{"RequestItems": {"abc": {"Keys": [%s]}}}',
          (SELECT string_agg(format('{"k": {"S": "%s"}}', g), ', ') FROM generate_series(1, 101) g)))) t(e);
SELECT length(e), left(e, 140), right(e, 190)
  FROM (SELECT validation_error('BatchWriteItem', format('{"RequestItems": {"abc": [%s]}}',
          (SELECT string_agg(format('{"PutRequest": {"Item": {"k": {"N": "%s"}}}}', g), ', ') FROM generate_series(1, 26) g)))) t(e);
-- map keys and map values: one violation for the whole map
SELECT validation_error('BatchWriteItem', '{"RequestItems": {"a": [{"DeleteRequest": {"Key": {"k": {"S": "x"}}}}]}}');
SELECT validation_error('BatchWriteItem', '{"RequestItems": {"a": [], "b;": []}}');
SELECT validation_error('BatchGetItem', '{"RequestItems": {"aa;": {}}, "ReturnConsumedCapacity": "hi"}');
SELECT left(validation_error('PutItem', format('{"TableName": "abc", "Item": {"%s": {"S": "v"}}}', repeat('n', 65536))), 50),
       right(validation_error('PutItem', format('{"TableName": "abc", "Item": {"%s": {"S": "v"}}}', repeat('n', 65536))), 180);
-- list elements: one violation for the whole list
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "LocalSecondaryIndexes": [{"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
                             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "", "c"]}}]}');

-- paths inside lists and maps
-- 2026: "Value null at 'keySchema.1.member.attributeName' ...; Value null at 'keySchema.1.member.keyType' ..."
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{}]}');
-- 2026: "Value null at 'attributeDefinitions.1.member.attributeType' ...; Value null at 'attributeDefinitions.1.member.attributeName' ..."
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [{}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]}');
-- 2026: "Value null at 'provisionedThroughput.writeCapacityUnits' ...; Value null at 'provisionedThroughput.readCapacityUnits' ..."
SELECT validation_error('UpdateTable', '{"TableName": "abc", "ProvisionedThroughput": {}}');
SELECT validation_error('UpdateTable', '{"TableName": "abc", "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gsi1", "ProvisionedThroughput": {}}}]}');
SELECT validation_error('PutItem', '{"TableName": "abc", "Item": {}, "Expected": {"n": {"ComparisonOperator": "FOO", "AttributeValueList": [{"N": "1"}]}}}');
SELECT validation_error('Query', '{"TableName": "abc", "KeyConditions": {"k": {}, "s": {"ComparisonOperator": "EQ"}}}');
SELECT validation_error('BatchWriteItem', '{"RequestItems": {"aa;": [{"PutRequest": {}, "DeleteRequest": {}}]}, "ReturnConsumedCapacity": "hi", "ReturnItemCollectionMetrics": "hi"}');
SELECT validation_error('BatchGetItem', '{"RequestItems": {"abc": {"Keys": [{}], "AttributesToGet": []}, "abd": {}}}');
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "LocalSecondaryIndexes": [{"IndexName": "h;", "KeySchema": [], "Projection": {}},
                            {"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "Projection": {"ProjectionType": "abc", "NonKeyAttributes": []}}]}');
-- a map key with U+0000 in a path
SELECT validation_error('Query', '{"TableName": "abc", "QueryFilter": {"a\u0000b": {}}}');

-- several errors in one request, in DynamoDB's order
SELECT validation_error('UpdateItem', '{"TableName": "abc;", "ReturnConsumedCapacity": "hi", "ReturnItemCollectionMetrics": "hi", "ReturnValues": "hi"}');
SELECT validation_error('Scan', '{"TableName": "", "Select": "hi", "Limit": 0, "Segment": -1, "TotalSegments": 0, "IndexName": "", "ReturnConsumedCapacity": "hi", "ConditionalOperator": "hi"}');
-- DynamoDB lists ten at most
SELECT validation_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "LocalSecondaryIndexes": [{}, {}, {}, {}, {}, {}, {}, {}, {}]}');

-- values of the wrong JSON kind: DynamoDB's SerializationException, before
-- any constraint
SELECT kind, validation_error('DescribeTable', format('{"TableName": %s}', kind))
  FROM unnest(ARRAY['5', '-5', '5.5', '1e3', 'true', 'false', '[]', '["abc"]', '{}']) kind;
SELECT kind, validation_error('Query', format('{"TableName": "abc", "Limit": %s}', kind))
  FROM unnest(ARRAY['"5"', 'true', 'false', '[]', '{}']) kind;
SELECT kind, validation_error('CreateTable', format('{"TableName": "abc", "ProvisionedThroughput": {"ReadCapacityUnits": %s}}', kind))
  FROM unnest(ARRAY['"5"', 'true', '[1]', '{}']) kind;
-- booleans: DynamoDB's parser also takes these strings
SELECT kind, validation_error('GetItem', format('{"TableName": "abc", "Key": {}, "ConsistentRead": %s}', kind))
  FROM unnest(ARRAY['true', '"true"', '"FALSE"', '"yes"', '"No"', '"1"', '"0"', '"maybe"', '""', '1', '0.5', '[]', '{}']) kind;
-- structures, lists and maps: wording depends on where they stand
SELECT kind, validation_error('CreateTable', format('{"TableName": "abc", "ProvisionedThroughput": %s}', kind))
  FROM unnest(ARRAY['"x"', '5', 'true', '[]']) kind;
SELECT kind, validation_error('CreateTable', format('{"TableName": "abc", "KeySchema": %s}', kind))
  FROM unnest(ARRAY['"x"', '5', '{}', '["x"]', '[5]', '[[]]', '[null]']) kind;
SELECT kind, validation_error('GetItem', format('{"TableName": "abc", "Key": %s}', kind))
  FROM unnest(ARRAY['"x"', '5', '[]', '{"k": "x"}', '{"k": 5}', '{"k": []}']) kind;
SELECT kind, validation_error('PutItem', format('{"TableName": "abc", "Item": {}, "Expected": %s}', kind))
  FROM unnest(ARRAY['{"a": "x"}', '{"a": []}', '{"a": {"Value": "x"}}', '{"a": {"Value": []}}', '{"a": {"AttributeValueList": {}}}']) kind;
SELECT kind, validation_error('BatchWriteItem', format('{"RequestItems": %s}', kind))
  FROM unnest(ARRAY['[]', '"x"', '{"abc": "x"}', '{"abc": {}}', '{"abc": ["x"]}', '{"abc": [{"PutRequest": "x"}]}', '{"abc": [{"PutRequest": {"Item": []}}]}']) kind;
SELECT kind, validation_error('BatchGetItem', format('{"RequestItems": %s}', kind))
  FROM unnest(ARRAY['{"abc": []}', '{"abc": {"Keys": "x"}}', '{"abc": {"Keys": ["x"]}}', '{"abc": {"Keys": [[]]}}', '{"abc": {"Keys": [{"k": "x"}]}}']) kind;
SELECT kind, validation_error('Query', format('{"TableName": "abc", "ExpressionAttributeNames": %s}', kind))
  FROM unnest(ARRAY['[]', '{"#a": 5}', '{"#a": ["a"]}']) kind;
-- the first wrong kind in document order wins, over any constraint
SELECT validation_error('Query', '{"Limit": "x", "TableName": 5}');
SELECT validation_error('Query', '{"TableName": 5, "Limit": "x"}');
SELECT validation_error('Query', '{"TableName": "a", "Select": "X", "Limit": "x"}');
-- AttributeValues are left to the value encoder
SELECT validation_error('GetItem', '{"TableName": "abc", "Key": {"k": {"S": 5, "N": []}}}');

-- every pattern the model uses, matched as a whole
SELECT validation_error('CreateBackup', '{"TableName": "abc", "BackupName": "a-b_c.9"}'),
       validation_error('CreateBackup', '{"TableName": "abc", "BackupName": "a b"}');
SELECT validation_error('ImportTable', '{"ClientToken": "tok", "InputFormat": "CSV",
  "S3BucketSource": {"S3Bucket": "my.bucket-1", "S3BucketOwner": "123456789012"},
  "InputFormatOptions": {"Csv": {"Delimiter": "\t", "HeaderList": ["a b", "c!"]}},
  "TableCreationParameters": {"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]}}');
SELECT validation_error('ImportTable', '{"ClientToken": "to$k", "InputFormat": "CSV",
  "S3BucketSource": {"S3Bucket": "-bucket", "S3BucketOwner": "12345678901x"},
  "InputFormatOptions": {"Csv": {"Delimiter": "x", "HeaderList": ["ok", "a,b", "q\"", ""]}},
  "TableCreationParameters": {"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]}}');
SELECT validation_error('ImportTable', '{"InputFormat": "CSV", "S3BucketSource": {"S3Bucket": "b_"},
  "InputFormatOptions": {"Csv": {"Delimiter": "|"}}, "TableCreationParameters": {}}');
SELECT validation_error('ListImports', format('{"NextToken": "%s"}', repeat('0123456789abcdef', 7))),
       validation_error('ListImports', format('{"NextToken": "%s"}', repeat('0123456789abcdeF', 7)));
SELECT validation_error('ListImports', format('{"NextToken": "%sab"}', repeat('0123456789abcdef', 7)));
SELECT validation_error('UpdateTableReplicaAutoScaling', '{"TableName": "abc", "ProvisionedWriteCapacityAutoScalingUpdate":
  {"AutoScalingRoleArn": "arn:aws:iam::1:role/é😀\t", "ScalingPolicyUpdate": {"PolicyName": "Policy 1 ~!", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.5}}}}');
SELECT validation_error('UpdateTableReplicaAutoScaling', '{"TableName": "abc", "ProvisionedWriteCapacityAutoScalingUpdate":
  {"AutoScalingRoleArn": "role\u0001", "ScalingPolicyUpdate": {"PolicyName": "pölicy", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 5}}}}');
SELECT validation_error('UpdateTableReplicaAutoScaling', '{"TableName": "abc", "ProvisionedWriteCapacityAutoScalingUpdate":
  {"AutoScalingRoleArn": "role\uFFFE", "ScalingPolicyUpdate": {"PolicyName": "p", "TargetTrackingScalingPolicyConfiguration": {}}}}');

-- never a crash: deep nesting, huge lists, long strings
SELECT validation_error('GetItem', format('{"TableName": "abc", "Key": {"k": %s{"S": "x"}%s}}',
                                          repeat('{"L": [', 400), repeat(']}', 400)));
SELECT validation_error('GetItem', format('{"TableName": "abc", "Key": {}, "Unknown": %s1%s}', repeat('[', 900), repeat(']', 900)));
SELECT validation_error('GetItem', format('{"TableName": %s"x"%s}', repeat('[', 900), repeat(']', 900)));
SELECT validation_error('Query', format('{"TableName": "abc", "AttributesToGet": [%s]}',
                                        (SELECT string_agg('"a"', ', ') FROM generate_series(1, 100000))));
SELECT length(validation_error('Query', format('{"TableName": "abc", "AttributesToGet": [%s"%s"]}',
                                               repeat('"a", ', 1000), repeat('x', 70000))));
SELECT length(validation_error('DescribeTable', format('{"TableName": "%s"}', repeat('x', 70000))));
SELECT length(validation_error('PutItem', format('{"TableName": "abc", "Item": {%s, "%s": {"S": "v"}}}',
                                                 (SELECT string_agg(format('"a%s": {"N": "1"}', g), ', ') FROM generate_series(1, 20000) g),
                                                 repeat('n', 65536))));
SELECT validation_error('Query', format('{"TableName": "abc", "QueryFilter": {%s}}',
                                        (SELECT string_agg(format('"a%s": {"ComparisonOperator": "EQ"}', g % 50), ', ') FROM generate_series(1, 5000) g)));

DROP FUNCTION validation_error(text, text);
DROP FUNCTION execute_error(text, jsonb);
