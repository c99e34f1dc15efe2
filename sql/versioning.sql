-- versioning.sql: version-number optimistic locking, a table option
-- (DynamoOptions.VersionAttribute): a write carries the version it read,
-- which must equal the stored one, and the item is stored with the next.

SELECT dynamo.create_table('Accounts', 'id', version_attribute => 'ver') IS NOT NULL AS created;
SELECT version_attribute FROM dynamo.tables WHERE table_name = 'Accounts';

-- a new item carries no version and is stored with version 1
SELECT dynamo.execute('PutItem', '{"TableName": "Accounts", "Item": {"id": {"S": "a"}, "balance": {"N": "10"}}}');
SELECT dynamo.get_item('Accounts', '{"id": {"S": "a"}}');
-- a write with the version read succeeds, and the version moves on
SELECT dynamo.execute('PutItem', '{"TableName": "Accounts", "Item": {"id": {"S": "a"}, "balance": {"N": "20"}, "ver": {"N": "1"}}}');
SELECT dynamo.get_item('Accounts', '{"id": {"S": "a"}}');
-- a stale version, a missing version, a version on a new item: the condition fails
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Accounts", "Item": {"id": {"S": "a"}, "balance": {"N": "30"}, "ver": {"N": "1"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Accounts", "Item": {"id": {"S": "a"}, "balance": {"N": "30"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Accounts", "Item": {"id": {"S": "new"}, "ver": {"N": "4"}}}')$$);
SELECT dynamo.get_item('Accounts', '{"id": {"S": "a"}}');
-- UpdateItem: setting the version names the version read; not setting it just increments
SELECT dynamo.execute('UpdateItem', '{"TableName": "Accounts", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET balance = balance + :d, ver = :v", "ExpressionAttributeValues": {":d": {"N": "5"}, ":v": {"N": "2"}}, "ReturnValues": "ALL_NEW"}');
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Accounts", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET ver = :v", "ExpressionAttributeValues": {":v": {"N": "2"}}}')$$);
SELECT dynamo.execute('UpdateItem', '{"TableName": "Accounts", "Key": {"id": {"S": "a"}}, "UpdateExpression": "ADD balance :d", "ExpressionAttributeValues": {":d": {"N": "1"}}, "ReturnValues": "ALL_NEW"}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Accounts", "Key": {"id": {"S": "b"}}, "UpdateExpression": "SET balance = :d", "ExpressionAttributeValues": {":d": {"N": "1"}}, "ReturnValues": "ALL_NEW"}');
SELECT dynamo.delete_table('Accounts') IS NOT NULL AS deleted;
