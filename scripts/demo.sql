-- demo.sql: a short tour of dynamo's value model, run by scripts/run.sh.
\pset footer off

\echo '-- an item in DynamoDB JSON: numbers normalised, sets ordered, names sorted'
SELECT '{"pk": {"S": "customer#1"}, "sk": {"S": "order#0042"}, "amount": {"N": "19.90"},
         "tags": {"SS": ["rush", "gift"]}, "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}]}}'::dynamo.item
    AS item;

\echo '-- reading attributes and paths, and the size DynamoDB bills for'
WITH o(item) AS (
    SELECT '{"pk": {"S": "customer#1"}, "amount": {"N": "19.90"},
             "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}}]}}'::dynamo.item)
SELECT item ->> 'pk' AS pk, (item -> 'amount')::numeric AS total, item #> 'lines[0].sku' AS first_sku,
       dynamo.item_size(item) AS size_bytes
  FROM o;

\echo '-- plain JSON, as the SDK document clients see it, and back'
SELECT dynamo.to_plain('{"id": {"S": "a"}, "n": {"N": "1.5"}, "ok": {"BOOL": true}}'::dynamo.item) AS plain,
       dynamo.from_plain('{"id": "b", "n": 2, "list": [1, "x"]}') AS from_plain;

\echo '-- DynamoDB key order: numbers numerically, strings by UTF-8 bytes'
SELECT string_agg(v::text, ' < ' ORDER BY v) AS ordered
  FROM (VALUES ('{"N": "10"}'::dynamo.value), ('{"N": "-2.5"}'), ('{"N": "9"}')) t(v);

\echo '-- DynamoDB rules and errors'
DO $$
BEGIN
    PERFORM '{"n": {"N": "1e126"}}'::dynamo.item;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '% (SQLSTATE %)', SQLERRM, SQLSTATE;
END
$$;

\echo '-- a DynamoDB table, items written and read through the JSON door and the SQL door'
SELECT dynamo.delete_table('DemoOrders') IS NOT NULL AS dropped_old
 WHERE EXISTS (SELECT 1 FROM dynamo.tables WHERE table_name = 'DemoOrders');
SELECT dynamo.execute('CreateTable', '{"TableName": "DemoOrders",
  "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
  "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "N"}],
  "BillingMode": "PAY_PER_REQUEST"}') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT dynamo.execute('BatchWriteItem', '{"RequestItems": {"DemoOrders": [
  {"PutRequest": {"Item": {"customer": {"S": "ann"}, "placed": {"N": "1"}, "amount": {"N": "19.90"}}}},
  {"PutRequest": {"Item": {"customer": {"S": "ann"}, "placed": {"N": "2"}, "amount": {"N": "5"}}}},
  {"PutRequest": {"Item": {"customer": {"S": "bob"}, "placed": {"N": "1"}, "amount": {"N": "42"}}}}]}}');
SELECT dynamo.execute('UpdateItem', '{"TableName": "DemoOrders", "Key": {"customer": {"S": "ann"}, "placed": {"N": "2"}},
  "UpdateExpression": "SET amount = amount + :tip", "ConditionExpression": "amount < :max",
  "ExpressionAttributeValues": {":tip": {"N": "1.5"}, ":max": {"N": "10"}}, "ReturnValues": "UPDATED_NEW"}');
SELECT * FROM dynamo.query('DemoOrders', 'customer = :c', NULL, '{":c": {"S": "ann"}}');

\echo '-- and the same rows with plain SQL'
SELECT item ->> 'customer' AS customer, sum((item -> 'amount')::numeric) AS spent
  FROM dynamo_data."DemoOrders" GROUP BY 1 ORDER BY 1;
