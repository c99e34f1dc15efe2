-- value_numbers.sql: DynamoDB's number rules: 38 significant digits,
-- 1E-130 .. 9.99E+125, normalised plain-notation output.

SELECT n AS input, ('{"N": "' || n || '"}')::dynamo.value AS stored
  FROM unnest(ARRAY[
      '0', '-0', '0.0', '0.000', '0e5', '00', '1', '01', '1.50', '+7', '.5', '5.', '-.5',
      '1e2', '1E+2', '1e-2', '-1.0e-5', '123.456', '-0015.789e6', '1000000',
      '12345678901234567890123456789012345678',
      '0000012345678901234567890123456789012345678',
      '-00001.23456789012345678901234567890123456780000',
      '1E+125', '9.9999999999999999999999999999999999999E+125',
      '-9.9999999999999999999999999999999999999E+125', '1E-130', '-1E-130',
      '1000000000000000000000000000000000000000000000000000000000'
  ]) AS n;

-- the errors, in DynamoDB's words
SELECT n AS input, error_of(format('SELECT %L::dynamo.value', '{"N": "' || n || '"}')) AS error
  FROM unnest(ARRAY[
      '', 'abc', '1e', '1e+', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '-Infinity', '1..2', '--1',
      '1,5', 'e5', '.', '-',
      '123456789012345678901234567890123456789',
      '-1.23456789012345678901234567890123456789',
      '1E+126', '-1E+126', '10E+125', '1E-131', '-1E-131', '0.1E-130',
      '1e999999999999999999999', '1e-999999999999999999999', '0e999999999999'
  ]) AS n;

-- numbers in sets are checked and normalised the same way; duplicates compare numerically
SELECT '{"a": {"NS": ["1.0", "2", "-0.5e1"]}}'::dynamo.item;
SELECT item_error('{"a": {"NS": ["1", "1.00"]}}');
SELECT item_error('{"a": {"NS": ["1", "x"]}}');
SELECT item_error('{"a": {"NS": ["1", ""]}}');
SELECT item_error('{"a": {"NS": ["1e200"]}}');

-- numbers come out as numeric exactly
SELECT ('{"N": "-1.5e-3"}'::dynamo.value)::numeric, ('{"N": "1E+30"}'::dynamo.value)::numeric;
SELECT error_of($$SELECT ('{"S": "1"}'::dynamo.value)::numeric$$);
