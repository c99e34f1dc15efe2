-- transactions.sql: TransactWriteItems and TransactGetItems through
-- dynamo.execute and the SQL door: all or nothing, cancellation reasons,
-- request validation, ClientRequestToken, capacity, indexes.

SELECT dynamo.create_table('Acct', 'id', 'S') IS NOT NULL AS created;
SELECT dynamo.execute('CreateTable', '{"TableName": "Ledger", "BillingMode": "PAY_PER_REQUEST",
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}, {"AttributeName": "who", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "LocalSecondaryIndexes": [{"IndexName": "ByWhoL", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "who", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
  "GlobalSecondaryIndexes": [{"IndexName": "ByWho", "KeySchema": [{"AttributeName": "who", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]}') IS NOT NULL AS created;
SELECT dynamo.put_item('Acct', '{"id": {"S": "a"}, "bal": {"N": "100"}}');
SELECT dynamo.put_item('Acct', '{"id": {"S": "b"}, "bal": {"N": "0"}}');
SELECT dynamo.put_item('Acct', '{"id": {"S": "s"}, "bal": {"S": "not a number"}}');

-- a transfer: both updates and a ledger entry (its GSI written in the same transaction)
SELECT dynamo.transact_write('[
 {"Update": {"TableName": "Acct", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET bal = bal - :v", "ConditionExpression": "bal >= :v", "ExpressionAttributeValues": {":v": {"N": "30"}}}},
 {"Update": {"TableName": "Acct", "Key": {"id": {"S": "b"}}, "UpdateExpression": "SET bal = bal + :v", "ExpressionAttributeValues": {":v": {"N": "30"}}}},
 {"Put": {"TableName": "Ledger", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "who": {"S": "b"}, "v": {"N": "30"}}, "ConditionExpression": "attribute_not_exists(pk)"}}]', 'transfer-1', 'INDEXES');
SELECT q FROM dynamo.transact_get('[{"Get": {"TableName": "Acct", "Key": {"id": {"S": "a"}}}}, {"Get": {"TableName": "Acct", "Key": {"id": {"S": "nobody"}}}},
                                    {"Get": {"TableName": "Acct", "Key": {"id": {"S": "b"}}, "ProjectionExpression": "bal"}}]') q;
SELECT dynamo.execute('TransactGetItems', '{"TransactItems": [{"Get": {"TableName": "Acct", "Key": {"id": {"S": "a"}}}}, {"Get": {"TableName": "Acct", "Key": {"id": {"S": "nobody"}}}}], "ReturnConsumedCapacity": "TOTAL"}');
SELECT dynamo.execute('Query', '{"TableName": "Ledger", "IndexName": "ByWho", "KeyConditionExpression": "who = :w", "ExpressionAttributeValues": {":w": {"S": "b"}}}');

-- the same token and request: a replay, nothing written again, read units reported
SELECT dynamo.transact_write('[
 {"Update": {"TableName": "Acct", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET bal = bal - :v", "ConditionExpression": "bal >= :v", "ExpressionAttributeValues": {":v": {"N": "30"}}}},
 {"Update": {"TableName": "Acct", "Key": {"id": {"S": "b"}}, "UpdateExpression": "SET bal = bal + :v", "ExpressionAttributeValues": {":v": {"N": "30"}}}},
 {"Put": {"TableName": "Ledger", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "who": {"S": "b"}, "v": {"N": "30"}}, "ConditionExpression": "attribute_not_exists(pk)"}}]', 'transfer-1', 'INDEXES');
SELECT dynamo.get_item('Acct', '{"id": {"S": "a"}}');
-- the same token, another request
SELECT error_of($$SELECT dynamo.transact_write('[{"Delete": {"TableName": "Acct", "Key": {"id": {"S": "a"}}}}]', 'transfer-1')$$);

-- cancelled: every action's reason, in order; nothing written
SELECT error_of($$SELECT dynamo.transact_write('[
 {"Put": {"TableName": "Acct", "Item": {"id": {"S": "c"}, "bal": {"N": "5"}}}},
 {"ConditionCheck": {"TableName": "Acct", "Key": {"id": {"S": "a"}}, "ConditionExpression": "bal > :v", "ExpressionAttributeValues": {":v": {"N": "1000"}}}},
 {"Update": {"TableName": "Acct", "Key": {"id": {"S": "s"}}, "UpdateExpression": "ADD bal :n", "ExpressionAttributeValues": {":n": {"N": "1"}}}},
 {"Put": {"TableName": "Ledger", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "who": {"N": "7"}}}}]')$$);
SELECT dynamo.execute_text('TransactWriteItems', '{"TransactItems": [{"Delete": {"TableName": "Acct", "Key": {"id": {"S": "a"}}, "ConditionExpression": "bal = :z", "ExpressionAttributeValues": {":z": {"N": "0"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}]}');
SELECT count(*) FROM dynamo_data."Acct" WHERE pk = '{"S": "c"}'::dynamo.value;
SELECT count(*) FROM dynamo_data."Ledger:ByWho";

-- request errors: for the whole request, before anything runs
SELECT error_of($$SELECT dynamo.transact_write('[{"Put": {"TableName": "Acct", "Item": {"id": {"S": "c"}}}}, {"Delete": {"TableName": "Acct", "Key": {"id": {"S": "c"}}}}]')$$);
SELECT error_of($$SELECT dynamo.transact_write('[{"Put": {"TableName": "Acct", "Item": {"id": {"S": "c"}}}, "Delete": {"TableName": "Acct", "Key": {"id": {"S": "c"}}}}]')$$);
SELECT error_of($$SELECT dynamo.transact_write('[{}]')$$);
SELECT error_of($$SELECT dynamo.transact_write('[]')$$);
SELECT left(error_of($$SELECT dynamo.transact_write((SELECT jsonb_agg(jsonb_build_object('Put', jsonb_build_object('TableName', 'Acct', 'Item', jsonb_build_object('id', jsonb_build_object('S', 'k' || g))))) FROM generate_series(1, 101) g))$$), 90) AS error;
SELECT error_of($$SELECT dynamo.transact_write('[{"ConditionCheck": {"TableName": "Acct", "Key": {"id": {"S": "a"}}}}]')$$);
SELECT error_of($$SELECT dynamo.transact_write('[{"Put": {"TableName": "Nope", "Item": {"id": {"S": "c"}}}}]')$$);
SELECT error_of($$SELECT dynamo.transact_write('[{"Update": {"TableName": "Acct", "Key": {"id": {"S": "a"}}, "UpdateExpression": "ADD bal :s", "ExpressionAttributeValues": {":s": {"S": "x"}}}}]')$$);
SELECT error_of($$SELECT dynamo.execute('TransactGetItems', '{"TransactItems": [{"Get": {"TableName": "Acct", "Key": {"nope": {"S": "a"}}}}]}')$$);

-- a plain BEGIN ... COMMIT around SQL-door calls is atomic too, without the 100-action limit
BEGIN;
SELECT count(*) FROM (SELECT dynamo.put_item('Acct', jsonb_build_object('id', jsonb_build_object('S', 'many' || g))::dynamo.item) FROM generate_series(1, 150) g) s;
SELECT count(*) FROM dynamo_data."Acct" WHERE dynamo.get_text(item, 'id') LIKE 'many%';
ROLLBACK;
SELECT count(*) FROM dynamo_data."Acct" WHERE dynamo.get_text(item, 'id') LIKE 'many%';

SELECT dynamo.delete_table('Acct') IS NOT NULL, dynamo.delete_table('Ledger') IS NOT NULL;
