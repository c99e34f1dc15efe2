-- create.sql: a table :'name' (pk S, sk N) with :gsis global secondary
-- indexes "gsi1" .. "gsiN", each keyed by (gK S, n N) with projection
-- :'projection', then :items items of about 1 KB (100 per item collection
-- c1, c2, ...), each with every index's key attributes: g1 .. g5 = 'g<c>'
-- and n = its position, so that index gsiK holds collection c under
-- partition key 'g<c>' in the table's order.
\set ON_ERROR_STOP on
SELECT dynamo.execute('CreateTable', jsonb_build_object(
    'TableName', :'name',
    'KeySchema', '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]'::jsonb,
    'AttributeDefinitions', '[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]'::jsonb
        || CASE WHEN :gsis > 0 THEN '[{"AttributeName": "n", "AttributeType": "N"}]'::jsonb ELSE '[]' END
        || coalesce((SELECT jsonb_agg(jsonb_build_object('AttributeName', 'g' || k, 'AttributeType', 'S'))
                       FROM generate_series(1, :gsis) k), '[]'),
    'BillingMode', 'PAY_PER_REQUEST')
    || CASE WHEN :gsis = 0 THEN '{}'::jsonb ELSE jsonb_build_object('GlobalSecondaryIndexes',
        (SELECT jsonb_agg(jsonb_build_object(
                 'IndexName', 'gsi' || k,
                 'KeySchema', jsonb_build_array(jsonb_build_object('AttributeName', 'g' || k, 'KeyType', 'HASH'),
                                                jsonb_build_object('AttributeName', 'n', 'KeyType', 'RANGE')),
                 'Projection', jsonb_build_object('ProjectionType', :'projection')))
           FROM generate_series(1, :gsis) k)) END) IS NOT NULL AS created;
INSERT INTO dynamo_data.:"name" (pk, sk, item)
SELECT ('{"S": "c' || c || '"}')::dynamo.value, ('{"N": "' || s || '"}')::dynamo.value,
       ('{"pk": {"S": "c' || c || '"}, "sk": {"N": "' || s || '"}, "n": {"N": "' || s || '"}, '
        || '"g1": {"S": "g' || c || '"}, "g2": {"S": "g' || c || '"}, "g3": {"S": "g' || c || '"}, '
        || '"g4": {"S": "g' || c || '"}, "g5": {"S": "g' || c || '"}, '
        || '"payload": {"S": "' || repeat(md5(c::text || '/' || s::text), 29) || '"}}')::dynamo.item
  FROM generate_series(1, :items / 100) c, generate_series(1, 100) s;
