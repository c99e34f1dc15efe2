-- 72_transactions.sql: TransactWriteItems' ClientRequestToken, and the SQL
-- door of the transactions (src/api/api_transact.c).

-- The tokens of the TransactWriteItems requests completed in the last 10
-- minutes: a request with one of them replays (the same request) or is
-- IdempotentParameterMismatchException (another).  Rows older than that
-- are deleted as requests come.
CREATE TABLE dynamo.transaction_tokens (
    token text PRIMARY KEY,
    request_digest text NOT NULL,                -- md5 of the request's JSON
    completed_at timestamptz NOT NULL
);
CREATE INDEX transaction_tokens_completed_at ON dynamo.transaction_tokens (completed_at);
COMMENT ON TABLE dynamo.transaction_tokens IS
    'ClientRequestToken of recent TransactWriteItems requests, for their 10-minute idempotency';

-- dynamo.transact_write(items, token): TransactWriteItems with DynamoDB's
-- TransactItems; the response object.  Several SQL-door calls in one
-- BEGIN ... COMMIT are atomic too, without the 100-action limit.
CREATE FUNCTION dynamo.transact_write(transact_items jsonb, client_request_token text DEFAULT NULL,
                                      return_consumed_capacity text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT dynamo.execute('TransactWriteItems', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'TransactItems', transact_items, 'ClientRequestToken', client_request_token,
        'ReturnConsumedCapacity', return_consumed_capacity)))
$$;
COMMENT ON FUNCTION dynamo.transact_write(jsonb, text, text) IS
    'TransactWriteItems: every action of TransactItems or none; TransactionCanceledException with the reasons';

-- dynamo.transact_get(items): TransactGetItems; the items in request order
-- (NULL for a missing one), read in one consistent state.
CREATE FUNCTION dynamo.transact_get(transact_items jsonb)
RETURNS SETOF dynamo.item LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN r ? 'Item' THEN dynamo.jsonb_to_item(r -> 'Item') END
      FROM pg_catalog.jsonb_array_elements(
               dynamo.execute('TransactGetItems', pg_catalog.jsonb_build_object('TransactItems', transact_items))
               -> 'Responses') WITH ORDINALITY AS e(r, n)
     ORDER BY n
$$;
COMMENT ON FUNCTION dynamo.transact_get(jsonb) IS
    'TransactGetItems: the items of TransactItems in order (NULL when missing), one consistent read';
