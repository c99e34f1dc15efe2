-- value_model.sql: the SQL surface of the value model and its errors, by
-- SQLSTATE and DynamoDB message.
BEGIN;
SELECT plan(24);
SET LOCAL search_path = public, dynamo;

SELECT has_type('dynamo', 'item', 'type dynamo.item exists');
SELECT has_type('dynamo', 'value', 'type dynamo.value exists');
SELECT has_opclass('dynamo', 'dynamo_btree_ops', 'btree key order opclass exists');
SELECT has_opclass('dynamo', 'dynamo_hash_ops', 'xxHash opclass exists');
SELECT has_function('dynamo', 'item_size', ARRAY['dynamo.item'], 'item_size exists');
SELECT has_function('dynamo', 'to_plain', ARRAY['dynamo.item'], 'to_plain exists');
SELECT has_function('dynamo', 'from_plain', ARRAY['jsonb'], 'from_plain exists');

SELECT is((SELECT typstorage FROM pg_type WHERE oid = 'dynamo.item'::regtype), 'x'::"char",
          'items are stored extended (TOAST)');

SELECT throws_ok($$SELECT '{"a": {"N": "1e126"}}'::dynamo.item$$, 'YD001',
                 'Number overflow. Attempting to store a number with magnitude larger than supported range',
                 'overflow is a ValidationException');
SELECT throws_ok($$SELECT '{"a": {"N": "1e-131"}}'::dynamo.item$$, 'YD001',
                 'Number underflow. Attempting to store a number with magnitude smaller than supported range',
                 'underflow is a ValidationException');
SELECT throws_ok($$SELECT '{"a": {"N": "123456789012345678901234567890123456789"}}'::dynamo.item$$, 'YD001',
                 'Attempting to store more than 38 significant digits in a Number',
                 '39 significant digits is a ValidationException');
SELECT throws_ok($$SELECT '{"a": {"SS": ["x", "x"]}}'::dynamo.item$$, 'YD001',
                 'One or more parameter values were invalid: Input collection [x, x] contains duplicates.',
                 'duplicate strings in a set');
SELECT throws_ok($$SELECT '{"a": {"NS": ["1.5", "15e-1"]}}'::dynamo.item$$, 'YD001',
                 'Input collection contains duplicates',
                 'numerically equal numbers are duplicates in a set');
SELECT throws_ok($$SELECT '{"a": {"NULL": false}}'::dynamo.item$$, 'YD001',
                 'One or more parameter values were invalid: Null attribute value types must have the value of true',
                 'NULL must be true');
SELECT throws_ok($$SELECT '{"a": {"S": 5}}'::dynamo.item$$, 'YD002',
                 'NUMBER_VALUE cannot be converted to String',
                 'a JSON number for S is a SerializationException');
SELECT throws_ok($$SELECT '{"a": {"B": "abc"}}'::dynamo.item$$, 'YD002',
                 'Base64 encoded length is expected a multiple of 4 bytes but found: 3',
                 'bad base64 is a SerializationException');
SELECT throws_ok($$SELECT ('{"a": ' || repeat('{"M": {"a": ', 32) || '{"S": "x"}' || repeat('}}', 32) || '}')::dynamo.item$$,
                 'YD001',
                 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
                 'nesting deeper than 32 levels');
SELECT lives_ok($$SELECT ('{"a": ' || repeat('{"M": {"a": ', 31) || '{"S": "x"}' || repeat('}}', 31) || '}')::dynamo.item$$,
                'nesting of exactly 32 levels');
SELECT lives_ok($$SELECT '{"a": {"S": ""}, "b": {"B": ""}}'::dynamo.item$$,
                'empty strings and binaries outside keys');

SELECT is(dynamo.item_size('{"pk": {"S": "user#1"}, "n": {"N": "-12.5"}, "l": {"L": [{"BOOL": true}]}}'),
          2 + 6 + 1 + 4 + 1 + 3 + 2, 'item size: names, strings, numbers, list overhead');
SELECT is(('{"a": {"M": {"b": {"L": [{"S": "x"}, {"N": "2"}]}}}}'::dynamo.item) #> 'a.b[1]',
          '{"N": "2"}'::dynamo.value, 'path accessor reaches into maps and lists');
SELECT is(('{"a": {"N": "1"}}'::dynamo.item) -> 'a', '{"N": "1.0"}'::dynamo.value,
          '-> returns the attribute value');
SELECT ok('{"a": {"N": "1"}}'::dynamo.item ? 'a' AND NOT '{"a": {"N": "1"}}'::dynamo.item ? 'b',
          '? tells whether an attribute exists');
SELECT is(dynamo.to_plain('{"a": {"NS": ["2", "1"]}, "b": {"B": "AQ=="}}'::dynamo.item),
          '{"a": [1, 2], "b": "AQ=="}'::jsonb, 'plain JSON: sets as arrays, binaries as base64');

SELECT * FROM finish();
ROLLBACK;
