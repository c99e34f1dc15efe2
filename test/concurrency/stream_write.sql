-- stream_write.sql: one pgbench transaction of test/concurrency/stream_order.sh:
-- a transaction of two to four writes on random items of table Ordered (a put
-- of a new item, an update of an existing one), so that transactions of
-- different clients interleave and commit in an order unlike the order
-- they started in.  The updated items are taken in key order (a below b),
-- so that two transactions never wait for each other in a cycle.
\set x random(1, 200)
\set y random(1, 200)
\set a least(:x, :y)
\set b greatest(:x, :y) + 200
BEGIN;
SELECT dynamo.execute('PutItem', jsonb_build_object('TableName', 'Ordered',
    'Item', jsonb_build_object('pk', jsonb_build_object('S', 'c' || :client_id || '-' || txid_current()),
                               'w', jsonb_build_object('N', '1'))));
SELECT dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Ordered',
    'Key', jsonb_build_object('pk', jsonb_build_object('S', 'hot' || :a)),
    'UpdateExpression', 'ADD n :one', 'ExpressionAttributeValues', '{":one": {"N": "1"}}'::jsonb));
SELECT pg_sleep(random() * 0.002);
SELECT dynamo.execute('UpdateItem', jsonb_build_object('TableName', 'Ordered',
    'Key', jsonb_build_object('pk', jsonb_build_object('S', 'hot' || :b)),
    'UpdateExpression', 'ADD n :one', 'ExpressionAttributeValues', '{":one": {"N": "1"}}'::jsonb));
END;
