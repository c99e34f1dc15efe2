-- 10_value_types.sql: the types dynamo.value (one DynamoDB AttributeValue)
-- and dynamo.item (a map of attribute name to value), with their I/O.
--
-- Both share one binary encoding (src/value/value.h); text I/O is DynamoDB
-- JSON. STORAGE extended lets big items be compressed and moved to TOAST.

CREATE TYPE dynamo.value;

CREATE FUNCTION dynamo.value_in(cstring) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_value_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_out(dynamo.value) RETURNS cstring
    AS 'MODULE_PATHNAME', 'dynamo_value_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_recv(internal) RETURNS dynamo.value
    AS 'MODULE_PATHNAME', 'dynamo_value_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_send(dynamo.value) RETURNS bytea
    AS 'MODULE_PATHNAME', 'dynamo_value_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE dynamo.value (
    INPUT = dynamo.value_in,
    OUTPUT = dynamo.value_out,
    RECEIVE = dynamo.value_recv,
    SEND = dynamo.value_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE dynamo.value IS 'one DynamoDB AttributeValue; text form {"S": "x"}';

CREATE TYPE dynamo.item;

CREATE FUNCTION dynamo.item_in(cstring) RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_item_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_out(dynamo.item) RETURNS cstring
    AS 'MODULE_PATHNAME', 'dynamo_item_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_recv(internal) RETURNS dynamo.item
    AS 'MODULE_PATHNAME', 'dynamo_item_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_send(dynamo.item) RETURNS bytea
    AS 'MODULE_PATHNAME', 'dynamo_item_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE dynamo.item (
    INPUT = dynamo.item_in,
    OUTPUT = dynamo.item_out,
    RECEIVE = dynamo.item_recv,
    SEND = dynamo.item_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE dynamo.item IS 'a DynamoDB item: attribute name to AttributeValue; text form {"id": {"S": "a"}}';
