-- increment.sql: one pgbench transaction: an optimistic increment with
-- retries, and an UpdateItem ADD on another item.
SELECT increment_once();
SELECT dynamo.execute('UpdateItem', '{"TableName": "Counters", "Key": {"id": {"S": "added"}}, "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}');
