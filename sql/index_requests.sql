-- index_requests.sql: the secondary indexes of CreateTable and UpdateTable
-- as requests: DynamoDB's checks and messages (src/api/api_indexes.c), in
-- DynamoDB's order.  Every case here fails before the catalog is reached.

-- create_error(request): the error CreateTable raises for a request made of
-- a base table (pk HASH, sk RANGE, both S, PAY_PER_REQUEST) and the members
-- given, which replace the base's
CREATE FUNCTION create_error(members jsonb) RETURNS text
LANGUAGE sql AS $$
    SELECT public.error_of(format('SELECT dynamo.execute(%L, %L)', 'CreateTable',
        jsonb_build_object('TableName', 'IndexRequests', 'BillingMode', 'PAY_PER_REQUEST',
            'KeySchema', '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]'::jsonb,
            'AttributeDefinitions', '[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]'::jsonb)
        || members))
$$;

-- defs(names...): AttributeDefinitions of S attributes
CREATE FUNCTION defs(VARIADIC names text[]) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_agg(jsonb_build_object('AttributeName', n, 'AttributeType', 'S') ORDER BY o)
      FROM unnest(names) WITH ORDINALITY u(n, o)
$$;

-- keys('a:H', 'b:R', ...): a KeySchema
CREATE FUNCTION keys(VARIADIC elements text[]) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_agg(jsonb_build_object('AttributeName', split_part(e, ':', 1),
                     'KeyType', CASE split_part(e, ':', 2) WHEN 'H' THEN 'HASH' ELSE 'RANGE' END) ORDER BY o)
      FROM unnest(elements) WITH ORDINALITY u(e, o)
$$;

-- ix(name, key schema, projection): an index
CREATE FUNCTION ix(name text, key_schema jsonb, projection jsonb DEFAULT '{"ProjectionType": "ALL"}') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('IndexName', name, 'KeySchema', key_schema, 'Projection', projection)
$$;

-- shape_error(action, request): the generic validator's error, or 'valid'
CREATE FUNCTION shape_error(action text, request text) RETURNS text
LANGUAGE sql AS $$
    SELECT replace(public.error_of(format('SELECT dynamo.validate_request(%L, %L)', action, request)),
                   'no error', 'valid')
$$;

-- update_error(request): the error UpdateTable raises (the table need not exist)
CREATE FUNCTION update_error(members jsonb) RETURNS text
LANGUAGE sql AS $$
    SELECT public.error_of(format('SELECT dynamo.execute(%L, %L)', 'UpdateTable',
        jsonb_build_object('TableName', 'NoSuchTable') || members))
$$;

-- the generic validator: a GSI key takes up to 4 HASH + 4 RANGE elements,
-- a table's and an LSI's at most 2 (DDB-TABLE-123)
SELECT shape_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"},
     {"AttributeName": "c", "KeyType": "RANGE"}, {"AttributeName": "d", "KeyType": "RANGE"}, {"AttributeName": "e", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}}]}');
SELECT shape_error('UpdateTable', '{"TableName": "abc", "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "abc",
     "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"}, {"AttributeName": "c", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}}}]}');
SELECT left(shape_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "LocalSecondaryIndexes": [{"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"},
     {"AttributeName": "c", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}]}'), 70),
       right(shape_error('CreateTable', '{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "LocalSecondaryIndexes": [{"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"},
     {"AttributeName": "c", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}]}'), 120);
-- NonKeyAttributes: 1 to 20 per index
SELECT shape_error('CreateTable', format('{"TableName": "abc", "AttributeDefinitions": [], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{"IndexName": "abc", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": %s}}]}',
     (SELECT jsonb_agg('n' || g) FROM generate_series(1, 21) g)));

-- AttributeDefinitions: each name once (DDB-TABLE-127)
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'pk')));

-- the table's key first, as without indexes
SELECT create_error(jsonb_build_object('KeySchema', keys('pk:R', 'sk:H'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'x:R')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'x:R')))));

-- empty lists (DDB-TABLE-043), LSIs only with a table sort key
SELECT create_error('{"LocalSecondaryIndexes": []}');
SELECT create_error('{"GlobalSecondaryIndexes": []}');
SELECT create_error(jsonb_build_object('KeySchema', keys('pk:H'), 'AttributeDefinitions', defs('pk', 'x'),
                                       'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('x:R')))));

-- key attributes of an index defined: all the index's keys listed
SELECT create_error(jsonb_build_object('LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'x:R')))));
SELECT create_error(jsonb_build_object('LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('c:R', 'd:R')), ix('lsi', keys('e:R')))));
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('g1:H', 'g2:H', 'pk:R')))));
-- every definition used by some key; this masks the later checks (DDB-TABLE-127)
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('sk', 'a', 'b', 'pk', 'c'),
                                       'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('a:H'), '{}'))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x', 'y'),
                                       'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'x:R'), '{}'))));
-- without indexes the older message
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x')));

-- LSI key schemas (dynalite's cases)
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:R')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'pk:H')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'sk:H')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('sk:H')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk'), 'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('sk:H', 'pk:R')))));

-- projections (DDB-TABLE-126)
SELECT p, create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
                                          'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', keys('pk:H', 'x:R'), p::jsonb))))
  FROM unnest(ARRAY['{}', '{"NonKeyAttributes": ["a"]}', '{"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}',
                    '{"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]}', '{"ProjectionType": "INCLUDE"}',
                    '{"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b", "a"]}']) p;
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('pk:H'), '{"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]}'))));

-- duplicate names, also between an LSI and a GSI (DDB-TABLE-129)
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
                                       'LocalSecondaryIndexes', jsonb_build_array(ix('same', keys('pk:H', 'x:R')), ix('same', keys('pk:H', 'x:R')))));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
                                       'LocalSecondaryIndexes', jsonb_build_array(ix('same', keys('pk:H', 'x:R'))),
                                       'GlobalSecondaryIndexes', jsonb_build_array(ix('same', keys('x:H')))));

-- at most 5 LSIs, counted once each has been checked (dynalite)
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
    'LocalSecondaryIndexes', (SELECT jsonb_agg(ix('lsi' || g, keys('pk:H', 'x:R'))) FROM generate_series(1, 6) g)));
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
    'LocalSecondaryIndexes', (SELECT jsonb_agg(ix('lsi' || g, keys('pk:H', 'x:R'), CASE WHEN g = 6 THEN '{}' ELSE '{"ProjectionType": "ALL"}' END::jsonb))
                                FROM generate_series(1, 6) g)));

-- GSI key schemas: multi-attribute keys (DDB-TABLE-123, 124); definitions
-- exactly the attributes used
SELECT k, create_error(jsonb_build_object(
           'AttributeDefinitions', (SELECT defs(VARIADIC array_agg(DISTINCT n)) FROM (SELECT 'pk' UNION SELECT 'sk'
                                      UNION SELECT e ->> 'AttributeName' FROM jsonb_array_elements(k::jsonb) e) u(n)),
           'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', k::jsonb))))
  FROM (VALUES (keys('sk:R', 'pk:H')), (keys('a:R')), (keys('a:H', 'b:R', 'c:H')),
               (keys('a:H', 'b:H', 'c:H', 'd:H', 'e:H', 'pk:R', 'sk:R')),
               (keys('pk:H', 'a:R', 'b:R', 'c:R', 'd:R', 'e:R', 'sk:R')),
               (keys('a:H', 'b:H', 'a:R')), (keys('a:H', 'a:H')), (keys('a:H', 'a:R'))) v(k);
-- at most dynamo.max_global_secondary_indexes GSIs (20 by default)
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', (SELECT jsonb_agg(ix('gsi' || g, keys('sk:H'))) FROM generate_series(1, 21) g)));
SET dynamo.max_global_secondary_indexes = 2;
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', (SELECT jsonb_agg(ix('gsi' || g, keys('sk:H'))) FROM generate_series(1, 3) g)));
RESET dynamo.max_global_secondary_indexes;

-- at most 100 NonKeyAttributes summed over all INCLUDE indexes
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', (SELECT jsonb_agg(ix('gsi' || g, keys('sk:H'),
        jsonb_build_object('ProjectionType', 'INCLUDE', 'NonKeyAttributes', (SELECT jsonb_agg('n' || n) FROM generate_series(1, 20) n))))
      FROM generate_series(1, 6) g)));

-- GSI throughput against the table's billing mode, after the table's own (DDB-TABLE-128)
SELECT create_error(jsonb_build_object('GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')) || '{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}')));
SELECT create_error(jsonb_build_object('BillingMode', 'PROVISIONED', 'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')))));
SELECT create_error(jsonb_build_object('BillingMode', 'PROVISIONED', 'ProvisionedThroughput', '{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}'::jsonb,
                                       'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')))));
SELECT create_error(jsonb_build_object('BillingMode', 'PROVISIONED', 'ProvisionedThroughput', '{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}'::jsonb,
    'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')) || '{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, "OnDemandThroughput": {"MaxReadRequestUnits": 5}}')));
SELECT create_error(jsonb_build_object('BillingMode', 'PROVISIONED', 'ProvisionedThroughput', '{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}'::jsonb,
    'GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')) || '{"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, "OnDemandThroughput": {"MaxWriteRequestUnits": 5}}')));
SELECT o, create_error(jsonb_build_object('GlobalSecondaryIndexes', jsonb_build_array(ix('gsi', keys('sk:H')) || jsonb_build_object('OnDemandThroughput', o::jsonb))))
  FROM unnest(ARRAY['{"MaxReadRequestUnits": 0}', '{"MaxReadRequestUnits": -1}', '{"MaxWriteRequestUnits": -5}']) o;

-- UpdateTable: GlobalSecondaryIndexUpdates (DDB-TABLE-015, 159, 160, 162, 174, 359)
SELECT update_error('{"GlobalSecondaryIndexUpdates": []}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [], "BillingMode": "PAY_PER_REQUEST"}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{}]}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gsi1", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}, "Delete": {"IndexName": "gsi1"}}]}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "gsi1"}}, {"Update": {"IndexName": "gsi1", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}');
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g'), 'GlobalSecondaryIndexUpdates',
                                       jsonb_build_array('{"Delete": {"IndexName": "gsi1"}}'::jsonb, jsonb_build_object('Create', ix('gsi1', keys('g:H'))))));
SELECT update_error(jsonb_build_object('GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H'))))));
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('pk'), 'GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H', 'pk:R'))))));
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g', 'h'), 'GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:R', 'h:H'))))));
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g', 'h'), 'GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H', 'h:R', 'g:R'))))));
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g'), 'GlobalSecondaryIndexUpdates', jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H'), '{"ProjectionType": "INCLUDE"}')))));
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g'), 'GlobalSecondaryIndexUpdates',
                                       jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H')) || '{"OnDemandThroughput": {"MaxReadRequestUnits": -1}}'))));
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxReadRequestUnits": 0}}}]}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxWriteRequestUnits": -2}}}]}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "gsi1"}}], "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "gsi1"}}], "StreamSpecification": {"StreamEnabled": false}}');
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "gsi1"}}, {"Delete": {"IndexName": "gsi2"}}]}');
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g'), 'GlobalSecondaryIndexUpdates',
                                       jsonb_build_array('{"Delete": {"IndexName": "gsi1"}}'::jsonb, jsonb_build_object('Create', ix('gsi2', keys('g:H'))))));
-- valid requests reach the table lookup: several Updates, -1 removes a maximum
SELECT update_error('{"GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gsi1", "OnDemandThroughput": {"MaxReadRequestUnits": -1}}},
                                                      {"Update": {"IndexName": "gsi2", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]}');
SELECT update_error(jsonb_build_object('AttributeDefinitions', defs('g', 'unused', 'h'), 'GlobalSecondaryIndexUpdates',
                                       jsonb_build_array(jsonb_build_object('Create', ix('gsi2', keys('g:H', 'h:H'))))));

-- null elements pass the validator and are refused as a table's null KeySchemaElement is
SELECT create_error('{"GlobalSecondaryIndexes": [null]}');
SELECT create_error(jsonb_build_object('AttributeDefinitions', defs('pk', 'sk', 'x'),
                                       'LocalSecondaryIndexes', jsonb_build_array(ix('lsi', '[{"AttributeName": "pk", "KeyType": "HASH"}, null]'))));
SELECT update_error('{"GlobalSecondaryIndexUpdates": [null]}');

-- a failed CreateTable leaves nothing behind
SELECT count(*) FROM dynamo.tables WHERE table_name = 'IndexRequests';

DROP FUNCTION create_error(jsonb), shape_error(text, text), defs(text[]), keys(text[]), ix(text, jsonb, jsonb), update_error(jsonb);
