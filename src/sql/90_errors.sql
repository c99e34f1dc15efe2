-- 90_errors.sql: the DynamoDB error model as SQL.
--
-- Every DynamoDB exception has its own SQLSTATE in class YD; errors carry
-- DynamoDB's message as their message text. dynamo.exceptions lists the
-- table of src/errors.h: exception name, SQLSTATE, HTTP status and the
-- "__type" DynamoDB sends on the wire.

CREATE FUNCTION dynamo.exceptions(
    OUT name text, OUT sqlstate text, OUT http_status integer, OUT type text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'dynamo_exceptions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.exceptions() IS 'every DynamoDB exception with its SQLSTATE, HTTP status and wire type';
