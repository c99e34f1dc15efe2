-- items.sql: PutItem, GetItem, UpdateItem, DeleteItem through dynamo.execute
-- and the typed SQL functions: conditions, return values, key rules.

SELECT dynamo.create_table('Items', 'pk', 'S', 'sk', 'N') IS NOT NULL AS created;
SELECT dynamo.create_table('Simple', 'id', 'B') IS NOT NULL AS created;

-- PutItem, GetItem
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "10"}, "tags": {"SS": ["x"]}}}');
SELECT dynamo.execute('GetItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}');
SELECT dynamo.execute('GetItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1.0"}}, "ProjectionExpression": "n, #t", "ExpressionAttributeNames": {"#t": "tags"}}');
SELECT dynamo.execute('GetItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}');
SELECT dynamo.execute('GetItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "AttributesToGet": ["n"], "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
-- the replaced item comes back with ALL_OLD
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "11"}}, "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "INDEXES"}');

-- conditional writes
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(pk)"}')$$);
-- ReturnValuesOnConditionCheckFailure = ALL_OLD: the stored item is the error's DETAIL
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(pk)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "UpdateExpression": "SET n = :v", "ConditionExpression": "n = :v", "ExpressionAttributeValues": {":v": {"N": "0"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}');
SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(n)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}');
-- NONE, or no item in place: no DETAIL
SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(n)", "ReturnValuesOnConditionCheckFailure": "NONE"}');
SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "zz"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_exists(n)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}');
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "n": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(pk)"}');
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "n": {"N": "2"}}, "ConditionExpression": "n = :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}');
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "Expected": {"n": {"Value": {"N": "1"}}}}')$$);
SELECT dynamo.execute('PutItem', '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "n": {"N": "3"}}, "Expected": {"n": {"Value": {"N": "2"}}}}');

-- UpdateItem: every ReturnValues
SELECT rv, dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Items', 'Key', '{"pk": {"S": "u"}, "sk": {"N": "1"}}'::jsonb,
           'UpdateExpression', 'ADD hits :one SET note = :note', 'ExpressionAttributeValues', '{":one": {"N": "1"}, ":note": {"S": "hi"}}'::jsonb,
           'ReturnValues', rv))
  FROM unnest(ARRAY['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']) AS rv;
-- UpdateItem without an update expression creates the item with its key
SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "v"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_NEW"}');
-- conditional update, legacy AttributeUpdates
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "u"}, "sk": {"N": "1"}}, "UpdateExpression": "SET hits = :z", "ConditionExpression": "hits > :ten", "ExpressionAttributeValues": {":z": {"N": "0"}, ":ten": {"N": "10"}}}')$$);
SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "u"}, "sk": {"N": "1"}}, "AttributeUpdates": {"hits": {"Action": "ADD", "Value": {"N": "10"}}, "note": {"Action": "DELETE"}}, "ReturnValues": "ALL_NEW"}');

-- DeleteItem
SELECT error_of($$SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "u"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(hits)"}')$$);
SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "u"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_OLD"}');
SELECT dynamo.execute('DeleteItem', '{"TableName": "Items", "Key": {"pk": {"S": "u"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_OLD"}');

-- the typed SQL functions
SELECT dynamo.put_item('Simple', '{"id": {"B": "AQI="}, "name": {"S": "one"}}', return_old => true) AS replaced;
SELECT dynamo.put_item('Simple', '{"id": {"B": "AQI="}, "name": {"S": "two"}}', return_old => true) AS replaced;
SELECT dynamo.put_item('Simple', '{"id": {"B": "AQI="}, "name": {"S": "two"}}') AS not_asked;
SELECT dynamo.get_item('Simple', '{"id": {"B": "AQI="}}') AS item;
SELECT dynamo.get_item('Simple', '{"id": {"B": "AQI="}}', 'id') AS projected;
SELECT dynamo.update_item('Simple', '{"id": {"B": "AQI="}}', 'SET #n = :n', NULL, '{"#n": "name"}', '{":n": {"S": "three"}}') AS updated;
SELECT dynamo.delete_item('Simple', '{"id": {"B": "AQI="}}') AS deleted;
SELECT dynamo.get_item('Simple', '{"id": {"B": "AQI="}}') AS gone;

-- the stored rows, readable with plain SQL
SELECT pk, sk, item FROM dynamo_data."Items" ORDER BY pk, sk;

-- keys and items: DynamoDB's errors; a rejected request changes nothing
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'PutItem', r))
  FROM unnest(ARRAY[
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}}}',
    '{"TableName": "Items", "Item": {"sk": {"N": "1"}}}',
    '{"TableName": "Items", "Item": {"pk": {"N": "1"}, "sk": {"N": "1"}}}',
    '{"TableName": "Items", "Item": {"pk": {"S": ""}, "sk": {"N": "1"}}}',
    '{"TableName": "Simple", "Item": {"id": {"B": ""}}}',
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "bad": {"SS": []}}}',
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_NEW"}',
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "n = :v"}',
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ExpressionAttributeValues": {":v": {"N": "1"}}}',
    '{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_exists(n)", "Expected": {"n": {"Exists": true, "Value": {"N": "1"}}}}',
    '{"TableName": "Nothing", "Item": {"pk": {"S": "a"}}}',
    '{"Item": {"pk": {"S": "a"}}}',
    '{"TableName": "Items"}'
  ]) AS r;
SELECT error_of(format('SELECT dynamo.execute(%L, %L)', 'PutItem',
       format('{"TableName": "Items", "Item": {"pk": {"S": "%s"}, "sk": {"N": "1"}}}', repeat('k', 2049))));
SELECT error_of(format('SELECT dynamo.execute(%L, %L)', 'PutItem',
       format('{"TableName": "Items", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "big": {"S": "%s"}}}', repeat('k', 409600))));
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'GetItem', r))
  FROM unnest(ARRAY[
    '{"TableName": "Items", "Key": {"pk": {"S": "a"}}}',
    '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}}',
    '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "1"}}}',
    '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "other": {"N": "1"}}}',
    '{"TableName": "Items", "Key": {"pk": {"S": ""}, "sk": {"N": "1"}}}',
    '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ProjectionExpression": "n", "AttributesToGet": ["n"]}'
  ]) AS r;
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "UpdateExpression": "SET pk = :v", "ExpressionAttributeValues": {":v": {"S": "b"}}}')$$);
SELECT error_of(format($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Items", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "UpdateExpression": "SET big = :v", "ExpressionAttributeValues": {":v": {"S": "%s"}}}')$$, repeat('k', 409600)));
SELECT pk, sk, item FROM dynamo_data."Items" ORDER BY pk, sk;

-- plain SQL writes go through the same checks
SELECT error_of($$INSERT INTO dynamo_data."Items" VALUES ('{"S": "z"}', '{"N": "1"}', '{"pk": {"S": "z"}}')$$);
SELECT error_of($$INSERT INTO dynamo_data."Items" VALUES ('{"S": "z"}', '{"N": "1"}', '{"pk": {"S": "y"}, "sk": {"N": "1"}}')$$);
INSERT INTO dynamo_data."Items" VALUES ('{"S": "z"}', '{"N": "1"}', '{"pk": {"S": "z"}, "sk": {"N": "1"}, "via": {"S": "sql"}}');
SELECT dynamo.execute('GetItem', '{"TableName": "Items", "Key": {"pk": {"S": "z"}, "sk": {"N": "1"}}}');

-- UpdateItem on an item that does not exist, by what the update does and what
-- ReturnValues asks: without actions it creates the item with its key (ALL_NEW
-- returns the key, UPDATED_NEW nothing); with only removals (REMOVE, DELETE
-- from a set, AttributeUpdates DELETE with or without a Value) it creates
-- nothing and returns nothing; with SET or ADD it creates the item
SELECT dynamo.create_table('Upserts', 'pk', 'S') IS NOT NULL AS created;
SELECT kind, rv, dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Upserts',
           'Key', jsonb_build_object('pk', jsonb_build_object('S', kind || '/' || rv)), 'ReturnValues', rv) || request) AS answer
  FROM (VALUES ('none', '{}'::jsonb),
               ('empty', '{"AttributeUpdates": {}}'),
               ('remove', '{"UpdateExpression": "REMOVE a, b"}'),
               ('delete', '{"UpdateExpression": "DELETE s :s", "ExpressionAttributeValues": {":s": {"SS": ["x"]}}}'),
               ('legacy-delete', '{"AttributeUpdates": {"a": {"Action": "DELETE"}}}'),
               ('legacy-delete-value', '{"AttributeUpdates": {"s": {"Action": "DELETE", "Value": {"SS": ["x"]}}}}'),
               ('remove-set', '{"UpdateExpression": "REMOVE a SET b = :b", "ExpressionAttributeValues": {":b": {"N": "1"}}}'),
               ('add', '{"UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}'),
               ('legacy-put', '{"AttributeUpdates": {"a": {"Action": "DELETE"}, "b": {"Value": {"S": "x"}}}}')) AS u(kind, request),
       unnest(ARRAY['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']) AS rv
 ORDER BY kind, array_position(ARRAY['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'], rv);
SELECT pk AS created FROM dynamo_data."Upserts" ORDER BY pk;
-- a condition is checked against the missing item first; a removal of a key
-- attribute is still an error
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Upserts", "Key": {"pk": {"S": "c"}}, "UpdateExpression": "REMOVE a", "ConditionExpression": "attribute_exists(pk)"}')$$);
SELECT dynamo.execute('UpdateItem', '{"TableName": "Upserts", "Key": {"pk": {"S": "c"}}, "UpdateExpression": "REMOVE a", "ConditionExpression": "attribute_not_exists(pk)", "ReturnValues": "ALL_NEW"}');
SELECT error_of($$SELECT dynamo.execute('UpdateItem', '{"TableName": "Upserts", "Key": {"pk": {"S": "c"}}, "UpdateExpression": "REMOVE pk"}')$$);
-- on an item that exists, removals do write (down to the key alone)
SELECT dynamo.execute('UpdateItem', '{"TableName": "Upserts", "Key": {"pk": {"S": "add/NONE"}}, "UpdateExpression": "REMOVE n", "ReturnValues": "ALL_NEW"}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "Upserts", "Key": {"pk": {"S": "add/NONE"}}, "AttributeUpdates": {}, "ReturnValues": "UPDATED_NEW"}');
SELECT count(*) AS items FROM dynamo_data."Upserts";
SELECT dynamo.delete_table('Upserts') IS NOT NULL AS deleted;

-- clean up
SELECT dynamo.delete_table('Items') IS NOT NULL AS deleted;
SELECT dynamo.delete_table('Simple') IS NOT NULL AS deleted;
