-- add_index.sql: UpdateTable adds GSI "gsi1" (g1 S, n N) with projection
-- :'projection' to table :'name'; the backfill starts when it commits.
\set ON_ERROR_STOP on
SELECT dynamo.execute('UpdateTable', jsonb_build_object(
    'TableName', :'name',
    'AttributeDefinitions', '[{"AttributeName": "g1", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}]'::jsonb,
    'GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', jsonb_build_object(
        'IndexName', 'gsi1',
        'KeySchema', '[{"AttributeName": "g1", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}]'::jsonb,
        'Projection', jsonb_build_object('ProjectionType', :'projection'))))))
    -> 'TableDescription' -> 'GlobalSecondaryIndexes' -> 0 ->> 'IndexStatus' AS status;
