-- 71_validate.sql: DynamoDB's request validation on its own.
--
-- dynamo.validate_request(action, request) checks a request's JSON text
-- against the action's input shape in DynamoDB's service model and raises
-- DynamoDB's SerializationException or ValidationException, or returns
-- nothing when the request is valid. It reads the text with the extension's
-- own JSON reader, so strings with U+0000 and numbers as written reach the
-- validator as they reach it from the wire endpoint.

CREATE FUNCTION dynamo.validate_request(action text, request text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'dynamo_validate_request' LANGUAGE C STRICT IMMUTABLE;
COMMENT ON FUNCTION dynamo.validate_request(text, text) IS
    'check a DynamoDB request against its action''s input shape; raises DynamoDB''s validation errors';
