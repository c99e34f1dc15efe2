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

-- execute_text: the same on JSON text, read and written by the extension's
-- own JSON reader and writer, so strings jsonb cannot hold (U+0000) survive
CREATE FUNCTION dynamo.execute_text(action text, request text)
    RETURNS text
    AS 'MODULE_PATHNAME', 'dynamo_execute_text' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.execute_text(text, text) IS
    'run a DynamoDB action on its JSON request text; returns its JSON response text (lossless: U+0000 kept)';

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

-- the item functions: the same operations as dynamo.execute, on dynamo.item
-- values, with no JSON in between (src/api/api_sql.c)

CREATE FUNCTION dynamo.put_item(
    table_name text, item dynamo.item, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL, return_old boolean DEFAULT false)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_put_item' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.put_item(text, dynamo.item, text, jsonb, jsonb, boolean) IS
    'PutItem: store the item (if the condition holds); with return_old, returns the item it replaced (ReturnValues ALL_OLD)';

CREATE FUNCTION dynamo.get_item(
    table_name text, key dynamo.item, projection text DEFAULT NULL, names jsonb DEFAULT NULL)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_get_item' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.get_item(text, dynamo.item, text, jsonb) IS
    'GetItem (strongly consistent): the item with the key, projected, or NULL';

CREATE FUNCTION dynamo.delete_item(
    table_name text, key dynamo.item, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_delete_item' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.delete_item(text, dynamo.item, text, jsonb, jsonb) IS
    'DeleteItem (if the condition holds): returns the deleted item, or NULL';

CREATE FUNCTION dynamo.update_item(
    table_name text, key dynamo.item, update text, condition text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_update_item' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.update_item(text, dynamo.item, text, text, jsonb, jsonb) IS
    'UpdateItem (if the condition holds; creates a missing item): returns the item as updated';

CREATE FUNCTION dynamo.query(
    table_name text, key_condition text, names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL,
    filter text DEFAULT NULL, projection text DEFAULT NULL, forward boolean DEFAULT true,
    max_items bigint DEFAULT NULL, index text DEFAULT NULL)
    RETURNS SETOF dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_query' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.query(text, text, jsonb, jsonb, text, text, boolean, bigint, text) IS
    'Query: the items of a key range in sort-key order (every page), filtered and projected; of a secondary index with index => name';

CREATE FUNCTION dynamo.scan(
    table_name text, filter text DEFAULT NULL, projection text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL, index text DEFAULT NULL)
    RETURNS SETOF dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_sql_scan' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.scan(text, text, text, jsonb, jsonb, text) IS
    'Scan: every item of the table (every page), filtered and projected; of a secondary index with index => name';
