-- 20_value_functions.sql: conversions, accessors, sizes and casts of
-- dynamo.item and dynamo.value.

-- DynamoDB JSON as jsonb
CREATE FUNCTION dynamo.item_to_jsonb(dynamo.item) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_item_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.jsonb_to_item(jsonb) RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_jsonb_to_item' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_to_jsonb(dynamo.value) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_value_to_jsonb_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.jsonb_to_value(jsonb) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_jsonb_to_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_to_item(dynamo.value) RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_value_to_item' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_to_numeric(dynamo.value) RETURNS numeric
    AS 'MODULE_PATHNAME', 'dynamo_value_to_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_to_boolean(dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_to_boolean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (dynamo.item AS jsonb) WITH FUNCTION dynamo.item_to_jsonb(dynamo.item);
CREATE CAST (jsonb AS dynamo.item) WITH FUNCTION dynamo.jsonb_to_item(jsonb);
CREATE CAST (dynamo.value AS jsonb) WITH FUNCTION dynamo.value_to_jsonb(dynamo.value);
CREATE CAST (jsonb AS dynamo.value) WITH FUNCTION dynamo.jsonb_to_value(jsonb);
-- an item is a value of type M: the same bytes
CREATE CAST (dynamo.item AS dynamo.value) WITHOUT FUNCTION AS ASSIGNMENT;
CREATE CAST (dynamo.value AS dynamo.item) WITH FUNCTION dynamo.value_to_item(dynamo.value);
CREATE CAST (dynamo.value AS numeric) WITH FUNCTION dynamo.value_to_numeric(dynamo.value);
CREATE CAST (dynamo.value AS boolean) WITH FUNCTION dynamo.value_to_boolean(dynamo.value);

-- plain JSON (the document clients' form)
CREATE FUNCTION dynamo.to_plain(dynamo.item) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_to_plain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.to_plain(dynamo.item) IS 'the item as plain JSON: numbers as JSON numbers, sets as arrays, binaries as base64 strings';
CREATE FUNCTION dynamo.to_plain(dynamo.value) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'dynamo_to_plain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.from_plain(jsonb) RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_item_from_plain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.from_plain(jsonb) IS 'an item from a plain JSON object: strings to S, numbers to N, objects to M, arrays to L';
CREATE FUNCTION dynamo.value_from_plain(jsonb) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_value_from_plain_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- accessors
CREATE FUNCTION dynamo.get(dynamo.item, text) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_item_get' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.get(dynamo.item, text) IS 'the value of a top-level attribute, or NULL';
CREATE FUNCTION dynamo.get_text(dynamo.item, text) RETURNS text
    AS 'MODULE_PATHNAME', 'dynamo_item_get_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.get_text(dynamo.item, text) IS 'a top-level attribute as text: strings as is, numbers as DynamoDB prints them, binaries in base64, NULL as SQL NULL, documents as DynamoDB JSON';
CREATE FUNCTION dynamo.has(dynamo.item, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_item_has' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.get_path(dynamo.item, text) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_item_get_path' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.get_path(dynamo.item, text) IS 'the value at a document path such as a.b[2].c, or NULL';
CREATE FUNCTION dynamo.attribute_count(dynamo.item) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_item_attribute_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.attribute_names(dynamo.item) RETURNS text[]
    AS 'MODULE_PATHNAME', 'dynamo_item_attribute_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_type(dynamo.value) RETURNS text
    AS 'MODULE_PATHNAME', 'dynamo_value_type_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.value_type(dynamo.value) IS 'the DynamoDB type of a value: S, N, B, BOOL, NULL, M, L, SS, NS or BS';
CREATE FUNCTION dynamo.as_text(dynamo.value) RETURNS text
    AS 'MODULE_PATHNAME', 'dynamo_value_as_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- sizes by DynamoDB's rules
CREATE FUNCTION dynamo.item_size(dynamo.item) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_item_size_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.item_size(dynamo.item) IS 'the size of the item in bytes by DynamoDB''s rules (the 400 KB limit and capacity units use it)';
CREATE FUNCTION dynamo.value_size(dynamo.value) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_value_size_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR dynamo.-> (LEFTARG = dynamo.item, RIGHTARG = text, FUNCTION = dynamo.get);
CREATE OPERATOR dynamo.->> (LEFTARG = dynamo.item, RIGHTARG = text, FUNCTION = dynamo.get_text);
CREATE OPERATOR dynamo.? (LEFTARG = dynamo.item, RIGHTARG = text, FUNCTION = dynamo.has);
CREATE OPERATOR dynamo.#> (LEFTARG = dynamo.item, RIGHTARG = text, FUNCTION = dynamo.get_path);
