-- tables.sql: the control plane: CreateTable, DescribeTable, ListTables,
-- UpdateTable, DeleteTable, and the relations a table is stored in.

-- a table with a partition key and a sort key, on demand
SELECT (d - 'TableId'::text - 'CreationDateTime'::text - 'TableSizeBytes'::text
          #- '{BillingModeSummary,LastUpdateToPayPerRequestDateTime}') AS created
  FROM (SELECT dynamo.execute('CreateTable', '{"TableName": "Orders", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "N"}]}')
    -> 'TableDescription' AS d) t;

-- a provisioned table with a partition key only, 4 partitions
SELECT d -> 'KeySchema' AS key_schema, d -> 'ProvisionedThroughput' AS throughput, d -> 'BillingModeSummary' AS billing
  FROM (SELECT dynamo.execute('CreateTable', '{"TableName": "users.v2", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "B"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10},
    "DynamoOptions": {"Partitions": 4}}') -> 'TableDescription' AS d) t;

-- the relations: one partitioned relation, its partitions using the dynamo access method
SELECT c.relname, c.relkind, am.amname, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
 WHERE n.nspname = 'dynamo_data' AND c.relkind IN ('r', 'p') AND c.relname ~ '^(Orders|users)'
 ORDER BY c.relname COLLATE "C";
SELECT table_name, relation_name, partition_key, partition_key_type, sort_key, sort_key_type, billing_mode,
       read_capacity_units, write_capacity_units, partition_count
  FROM dynamo.tables ORDER BY table_name COLLATE "C";

-- DescribeTable and ListTables
SELECT d ->> 'TableName' AS name, d ->> 'TableStatus' AS status, d ->> 'TableArn' AS arn,
       (d ->> 'TableId') ~ '^[0-9a-f-]{36}$' AS has_id, (d ->> 'CreationDateTime')::numeric > 0 AS has_time,
       d -> 'ItemCount' AS item_count
  FROM (SELECT dynamo.execute('DescribeTable', '{"TableName": "Orders"}') -> 'Table' AS d) t;
SELECT dynamo.execute('ListTables', '{}');
SELECT dynamo.execute('ListTables', '{"Limit": 1}');
SELECT dynamo.execute('ListTables', '{"ExclusiveStartTableName": "Orders"}');
SELECT * FROM dynamo.list_tables();

-- UpdateTable
SELECT (dynamo.execute('UpdateTable', '{"TableName": "users.v2", "ProvisionedThroughput": {"ReadCapacityUnits": 50, "WriteCapacityUnits": 20}}')
    -> 'TableDescription' -> 'ProvisionedThroughput') - 'LastIncreaseDateTime' AS throughput;  -- its time: sql/capacity_control.sql
SELECT dynamo.execute('UpdateTable', '{"TableName": "users.v2", "BillingMode": "PAY_PER_REQUEST"}')
    -> 'TableDescription' -> 'BillingModeSummary' ?& ARRAY['BillingMode', 'LastUpdateToPayPerRequestDateTime'] AS billing;

-- BillingModeSummary: none while a table has only ever been PROVISIONED; once
-- it has been PAY_PER_REQUEST, the mode and when PAY_PER_REQUEST was last set
-- (the creation time of a table created so), kept when it goes back
SELECT d -> 'BillingModeSummary' ->> 'BillingMode' AS mode,
       (d -> 'BillingModeSummary' -> 'LastUpdateToPayPerRequestDateTime') = (d -> 'CreationDateTime') AS at_creation
  FROM (SELECT dynamo.execute('DescribeTable', '{"TableName": "Orders"}') -> 'Table' AS d) t;
SELECT dynamo.execute('CreateTable', '{"TableName": "Billing", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}') -> 'TableDescription' ? 'BillingModeSummary' AS has_summary;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Billing"}') -> 'Table' ? 'BillingModeSummary' AS has_summary;
UPDATE dynamo.tables SET creation_time = '2020-01-01 00:00:00+00' WHERE table_name = 'Billing';
SELECT d -> 'BillingModeSummary' ->> 'BillingMode' AS mode,
       (d -> 'BillingModeSummary' ->> 'LastUpdateToPayPerRequestDateTime')::numeric > (d ->> 'CreationDateTime')::numeric AS after_creation,
       (d -> 'BillingModeSummary' ->> 'LastUpdateToPayPerRequestDateTime')::numeric
           BETWEEN extract(epoch FROM now()) - 1 AND extract(epoch FROM now()) + 1 AS now,
       d -> 'ProvisionedThroughput' AS throughput
  FROM (SELECT dynamo.execute('UpdateTable', '{"TableName": "Billing", "BillingMode": "PAY_PER_REQUEST"}') -> 'TableDescription' AS d) t;
SELECT d -> 'BillingModeSummary' = (SELECT dynamo.execute('DescribeTable', '{"TableName": "Billing"}') -> 'Table' -> 'BillingModeSummary') AS same
  FROM (SELECT dynamo.execute('DescribeTable', '{"TableName": "Billing"}') -> 'Table' AS d) t;
UPDATE dynamo.tables SET last_pay_per_request_time = '2021-06-01 12:00:00.123+00' WHERE table_name = 'Billing';
SELECT dynamo.execute('UpdateTable', '{"TableName": "Billing", "BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}}') -> 'TableDescription' -> 'BillingModeSummary' AS billing;
SELECT dynamo.execute('DescribeTable', '{"TableName": "Billing"}') -> 'Table' -> 'BillingModeSummary' AS billing;
SELECT error_of($$UPDATE dynamo.tables SET last_pay_per_request_time = NULL, billing_mode = 'PAY_PER_REQUEST' WHERE table_name = 'Billing'$$);

-- DeleteTable answers DynamoDB's shorter description: DELETING, without
-- CreationDateTime, KeySchema, AttributeDefinitions, DeletionProtectionEnabled
SELECT jsonb_object_keys(dynamo.execute('DeleteTable', '{"TableName": "Billing"}') -> 'TableDescription') AS member ORDER BY 1;
SELECT dynamo.execute('CreateTable', '{"TableName": "Billing", "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}') IS NOT NULL AS created;
SELECT d ->> 'TableStatus' AS status, d -> 'BillingModeSummary' ->> 'BillingMode' AS mode,
       d -> 'BillingModeSummary' ? 'LastUpdateToPayPerRequestDateTime' AS has_time, d -> 'ProvisionedThroughput' AS throughput
  FROM (SELECT dynamo.execute('DeleteTable', '{"TableName": "Billing"}') -> 'TableDescription' AS d) t;

-- DynamoDB's errors
SELECT r, error_of(format('SELECT dynamo.execute(%L, %L)', 'CreateTable', r))
  FROM unnest(ARRAY[
    '{"KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}',
    '{"TableName": "ab", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "bad name!", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Orders", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "b", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "X"}], "BillingMode": "PAY_PER_REQUEST"}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}}',
    '{"TableName": "Other", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "BillingMode": "FREE"}'
  ]) AS r;
SELECT error_of($$SELECT dynamo.execute('DescribeTable', '{"TableName": "Missing"}')$$);
SELECT error_of($$SELECT dynamo.execute('DeleteTable', '{"TableName": "Missing"}')$$);
SELECT error_of($$SELECT dynamo.execute('ListTables', '{"Limit": 0}')$$);
SELECT error_of($$SELECT dynamo.execute('Frobnicate', '{}')$$);
SELECT error_of($$SELECT dynamo.execute('DescribeTable', '[]')$$);
-- a failed CreateTable leaves nothing behind
SELECT count(*) FROM dynamo.tables WHERE table_name = 'Other';

-- DeleteTable drops the relations
SELECT dynamo.execute('DeleteTable', '{"TableName": "users.v2"}') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'dynamo_data' AND c.relname LIKE 'users.v2%';
SELECT * FROM dynamo.list_tables();

-- a long table name gets a derived relation name that fits in 63 bytes
SELECT dynamo.create_table(repeat('x', 200), 'id') -> 'TableDescription' ->> 'TableName' = repeat('x', 200) AS created;
SELECT length(relation_name) <= 63 AS fits FROM dynamo.tables WHERE table_name = repeat('x', 200);
SELECT dynamo.delete_table(repeat('x', 200)) IS NOT NULL AS deleted;

SELECT dynamo.delete_table('Orders') IS NOT NULL AS deleted;
SELECT count(*) AS tables_left FROM dynamo.tables;
