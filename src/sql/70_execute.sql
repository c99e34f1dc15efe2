-- 70_execute.sql: the JSON door and the typed SQL door to the operations.
--
-- dynamo.execute(action, request) takes DynamoDB's JSON request of any
-- implemented action and returns DynamoDB's JSON response. The typed
-- functions below wrap it for psql users.

CREATE FUNCTION dynamo.execute(action text, request jsonb DEFAULT '{}')
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_execute' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.execute(text, jsonb) IS
    'run a DynamoDB action (CreateTable, PutItem, GetItem, ...) on its JSON request; returns its JSON response';

-- create_table: a table keyed by a partition key and an optional sort key
CREATE FUNCTION dynamo.create_table(
    table_name text, partition_key text, partition_key_type text DEFAULT 'S',
    sort_key text DEFAULT NULL, sort_key_type text DEFAULT 'S',
    billing_mode text DEFAULT 'PAY_PER_REQUEST', partitions integer DEFAULT NULL,
    version_attribute text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT dynamo.execute('CreateTable', jsonb_strip_nulls(jsonb_build_object(
        'TableName', table_name,
        'KeySchema', jsonb_build_array(jsonb_build_object('AttributeName', partition_key, 'KeyType', 'HASH'))
                     || CASE WHEN sort_key IS NULL THEN '[]'::jsonb
                             ELSE jsonb_build_array(jsonb_build_object('AttributeName', sort_key, 'KeyType', 'RANGE')) END,
        'AttributeDefinitions', jsonb_build_array(jsonb_build_object('AttributeName', partition_key, 'AttributeType', partition_key_type))
                     || CASE WHEN sort_key IS NULL THEN '[]'::jsonb
                             ELSE jsonb_build_array(jsonb_build_object('AttributeName', sort_key, 'AttributeType', sort_key_type)) END,
        'BillingMode', billing_mode,
        'ProvisionedThroughput', CASE WHEN billing_mode = 'PROVISIONED'
                                      THEN jsonb_build_object('ReadCapacityUnits', 5, 'WriteCapacityUnits', 5) END,
        'DynamoOptions', nullif(jsonb_strip_nulls(jsonb_build_object('Partitions', partitions,
                                                                     'VersionAttribute', version_attribute)), '{}'))))
$$;

CREATE FUNCTION dynamo.delete_table(table_name text) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT dynamo.execute('DeleteTable', jsonb_build_object('TableName', table_name))
$$;

CREATE FUNCTION dynamo.describe_table(table_name text) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT dynamo.execute('DescribeTable', jsonb_build_object('TableName', table_name)) -> 'Table'
$$;

CREATE FUNCTION dynamo.list_tables() RETURNS SETOF text LANGUAGE sql VOLATILE AS $$
    SELECT jsonb_array_elements_text(dynamo.execute('ListTables', '{}') -> 'TableNames')
$$;

-- put_item: store an item; returns the item it replaced, if any
CREATE FUNCTION dynamo.put_item(
    table_name text, item dynamo.item, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
RETURNS dynamo.item LANGUAGE sql VOLATILE AS $$
    SELECT (dynamo.execute('PutItem', jsonb_strip_nulls(jsonb_build_object(
        'TableName', table_name, 'Item', item::jsonb, 'ConditionExpression', condition,
        'ExpressionAttributeNames', names, 'ExpressionAttributeValues', "values",
        'ReturnValues', 'ALL_OLD'))) -> 'Attributes')::dynamo.item
$$;

-- get_item: the item with a key, or NULL
CREATE FUNCTION dynamo.get_item(
    table_name text, key dynamo.item, projection text DEFAULT NULL, names jsonb DEFAULT NULL)
RETURNS dynamo.item LANGUAGE sql VOLATILE AS $$
    SELECT (dynamo.execute('GetItem', jsonb_strip_nulls(jsonb_build_object(
        'TableName', table_name, 'Key', key::jsonb, 'ProjectionExpression', projection,
        'ExpressionAttributeNames', names, 'ConsistentRead', true))) -> 'Item')::dynamo.item
$$;

-- delete_item: remove the item with a key; returns it, if there was one
CREATE FUNCTION dynamo.delete_item(
    table_name text, key dynamo.item, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
RETURNS dynamo.item LANGUAGE sql VOLATILE AS $$
    SELECT (dynamo.execute('DeleteItem', jsonb_strip_nulls(jsonb_build_object(
        'TableName', table_name, 'Key', key::jsonb, 'ConditionExpression', condition,
        'ExpressionAttributeNames', names, 'ExpressionAttributeValues', "values",
        'ReturnValues', 'ALL_OLD'))) -> 'Attributes')::dynamo.item
$$;

-- update_item: change (or create) the item with a key; returns it as updated
CREATE FUNCTION dynamo.update_item(
    table_name text, key dynamo.item, update text, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
RETURNS dynamo.item LANGUAGE sql VOLATILE AS $$
    SELECT (dynamo.execute('UpdateItem', jsonb_strip_nulls(jsonb_build_object(
        'TableName', table_name, 'Key', key::jsonb, 'UpdateExpression', update,
        'ConditionExpression', condition, 'ExpressionAttributeNames', names,
        'ExpressionAttributeValues', "values", 'ReturnValues', 'ALL_NEW'))) -> 'Attributes')::dynamo.item
$$;
