-- 40_expressions.sql: the expression engine as SQL functions.
--
-- Each takes DynamoDB's expression text and, like a DynamoDB request, the
-- ExpressionAttributeNames and ExpressionAttributeValues as DynamoDB JSON
-- objects; each parses its expression once per query.

CREATE FUNCTION dynamo.condition_matches(
    item dynamo.item, expression text, names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_condition_matches' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.condition_matches(dynamo.item, text, jsonb, jsonb) IS
    'does the item satisfy the ConditionExpression (a NULL item is one that does not exist)';

CREATE FUNCTION dynamo.filter_matches(
    item dynamo.item, expression text, names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_filter_matches' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.filter_matches(dynamo.item, text, jsonb, jsonb) IS
    'does the item satisfy the FilterExpression';

CREATE FUNCTION dynamo.apply_update(
    item dynamo.item, expression text, names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_apply_update' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.apply_update(dynamo.item, text, jsonb, jsonb) IS
    'the item with the UpdateExpression applied (a NULL item is one that does not exist yet)';

CREATE FUNCTION dynamo.apply_update_returning(
    item dynamo.item, expression text, names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL,
    OUT new_item dynamo.item, OUT updated_old dynamo.item, OUT updated_new dynamo.item)
    AS 'MODULE_PATHNAME', 'dynamo_apply_update_returning' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.apply_update_returning(dynamo.item, text, jsonb, jsonb) IS
    'the updated item, and the touched attributes before and after (ReturnValues UPDATED_OLD / UPDATED_NEW)';

CREATE FUNCTION dynamo.project(item dynamo.item, expression text, names jsonb DEFAULT NULL)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_project' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.project(dynamo.item, text, jsonb) IS
    'the parts of the item that the ProjectionExpression selects';

CREATE FUNCTION dynamo.key_condition(
    expression text, partition_key text, sort_key text DEFAULT NULL,
    names jsonb DEFAULT NULL, "values" jsonb DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_key_condition' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.key_condition(text, text, text, jsonb, jsonb) IS
    'the key range a KeyConditionExpression selects on a key schema';

-- the legacy parameters (Expected, QueryFilter/ScanFilter, AttributeUpdates,
-- AttributesToGet, KeyConditions), through the same engine
CREATE FUNCTION dynamo.expected_matches(
    item dynamo.item, expected jsonb, conditional_operator text DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_expected_matches' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.expected_matches(dynamo.item, jsonb, text) IS
    'does the item satisfy the legacy Expected parameter (a NULL item is one that does not exist)';

CREATE FUNCTION dynamo.conditions_match(
    item dynamo.item, conditions jsonb, conditional_operator text DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_conditions_match' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.conditions_match(dynamo.item, jsonb, text) IS
    'does the item satisfy legacy QueryFilter / ScanFilter conditions';

CREATE FUNCTION dynamo.apply_attribute_updates(item dynamo.item, attribute_updates jsonb)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_apply_attribute_updates' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION dynamo.attributes_to_get(item dynamo.item, attributes_to_get jsonb)
    RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_attributes_to_get' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION dynamo.key_conditions(key_conditions jsonb, partition_key text, sort_key text DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_key_conditions' LANGUAGE C IMMUTABLE PARALLEL SAFE;
