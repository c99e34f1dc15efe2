-- expr_legacy.sql: the parameters from before expressions, through the same
-- engine: Expected, QueryFilter/ScanFilter, AttributeUpdates,
-- AttributesToGet, KeyConditions.

\set item '{"pk": {"S": "k"}, "n": {"N": "10"}, "s": {"S": "hello"}, "ss": {"SS": ["a", "b"]}}'

-- Expected: the Value/Exists form and the ComparisonOperator form
SELECT e, dynamo.expected_matches(:'item', e::jsonb)
  FROM unnest(ARRAY['{"n": {"Value": {"N": "10"}}}', '{"n": {"Value": {"N": "11"}}}',
                    '{"n": {"Exists": true, "Value": {"N": "10"}}}', '{"nope": {"Exists": false}}',
                    '{"n": {"Exists": false}}', '{"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}}',
                    '{"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "10"}]}}',
                    '{"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "10"}]}}',
                    '{"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}}',
                    '{"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}}',
                    '{"ss": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "z"}]}}',
                    '{"nope": {"ComparisonOperator": "NULL"}}', '{"n": {"ComparisonOperator": "NOT_NULL"}}',
                    '{"nope": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}',
                    '{"n": {"ComparisonOperator": "EQ", "Value": {"N": "10"}}}',
                    '{"n": {"Value": {"N": "10"}}, "s": {"Value": {"S": "nope"}}}', '{}']) AS e;
SELECT dynamo.expected_matches(:'item', '{"n": {"Value": {"N": "10"}}, "s": {"Value": {"S": "nope"}}}', 'OR') AS with_or;
SELECT dynamo.expected_matches(NULL, '{"pk": {"Exists": false}}') AS new_item;

SELECT e, error_of(format('SELECT dynamo.expected_matches(%L, %L)', :'item', e))
  FROM unnest(ARRAY['{"n": {}}', '{"n": {"Exists": true}}', '{"n": {"Exists": false, "Value": {"N": "1"}}}',
                    '{"n": {"Exists": true, "ComparisonOperator": "EQ"}}',
                    '{"n": {"Value": {"N": "1"}, "AttributeValueList": [{"N": "1"}], "ComparisonOperator": "EQ"}}',
                    '{"n": {"AttributeValueList": [{"N": "1"}]}}', '{"n": {"ComparisonOperator": "EQ"}}',
                    '{"n": {"ComparisonOperator": "FOO", "AttributeValueList": [{"N": "1"}]}}',
                    '{"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}}',
                    '{"n": {"ComparisonOperator": "NULL", "AttributeValueList": [{"N": "1"}]}}',
                    '{"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"BOOL": true}]}}',
                    '{"n": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"N": "1"}]}}',
                    '{"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"S": "a"}]}}',
                    '{"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "9"}, {"N": "1"}]}}',
                    '{"n": {"Value": {"N": "x"}}}']) AS e;
SELECT error_of($$SELECT dynamo.expected_matches('{}', '{"n": {"Exists": false}}', 'XOR')$$);

-- QueryFilter / ScanFilter
SELECT dynamo.conditions_match(:'item', '{"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "10"}]}, "s": {"ComparisonOperator": "NOT_NULL"}}') AS matches;
SELECT error_of($$SELECT dynamo.conditions_match('{}', '{"n": {"AttributeValueList": [{"N": "10"}]}}')$$);

-- AttributeUpdates
SELECT e, dynamo.apply_attribute_updates(:'item', e::jsonb)
  FROM unnest(ARRAY['{"n": {"Value": {"N": "1"}}}', '{"n": {"Action": "ADD", "Value": {"N": "1"}}}',
                    '{"ss": {"Action": "ADD", "Value": {"SS": ["c"]}}}', '{"ss": {"Action": "DELETE", "Value": {"SS": ["a"]}}}',
                    '{"s": {"Action": "DELETE"}}', '{"l": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}}}',
                    '{"new": {"Action": "PUT", "Value": {"S": "v"}}, "n": {"Action": "DELETE"}}']) AS e;
SELECT dynamo.apply_attribute_updates('{"l": {"L": [{"S": "a"}]}}', '{"l": {"Action": "ADD", "Value": {"L": [{"S": "b"}]}}}') AS appended;
SELECT e, error_of(format('SELECT dynamo.apply_attribute_updates(%L, %L)', :'item', e))
  FROM unnest(ARRAY['{"n": {"Action": "PUT"}}', '{"n": {"Action": "ADD"}}', '{"n": {"Action": "ADD", "Value": {"S": "x"}}}',
                    '{"n": {"Action": "DELETE", "Value": {"N": "1"}}}', '{"n": {"Action": "UPSERT", "Value": {"N": "1"}}}',
                    '{"s": {"Action": "ADD", "Value": {"N": "1"}}}']) AS e;

-- AttributesToGet
SELECT dynamo.attributes_to_get(:'item', '["s", "pk", "nope"]');
SELECT error_of($$SELECT dynamo.attributes_to_get('{}', '["a", "a"]')$$);
SELECT error_of($$SELECT dynamo.attributes_to_get('{}', '[]')$$);

-- KeyConditions
SELECT dynamo.key_conditions('{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}, "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "2"}]}}', 'pk', 'sk');
SELECT error_of($$SELECT dynamo.key_conditions('{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}, "sk": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}', 'pk', 'sk')$$);
SELECT error_of($$SELECT dynamo.key_conditions('{"pk": {"ComparisonOperator": "GT", "AttributeValueList": [{"S": "x"}]}}', 'pk', 'sk')$$);
SELECT error_of($$SELECT dynamo.key_conditions('{"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}', 'pk', 'sk')$$);

-- EQ and NE compare values of every type, lists, maps, BOOL and NULL
-- included (by value: map entries in any order, sets as sets)
\set every '{"s": {"S": "x"}, "n": {"N": "1.0"}, "b": {"B": "AQ=="}, "t": {"BOOL": true}, "z": {"NULL": true}, "l": {"L": [{"S": "a"}, {"N": "2"}]}, "m": {"M": {"k": {"S": "v"}, "j": {"L": []}}}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]}}'
SELECT attr, v, dynamo.conditions_match(:'every', jsonb_build_object(attr, jsonb_build_object('ComparisonOperator', 'EQ', 'AttributeValueList', jsonb_build_array(v::jsonb)))) AS eq,
       dynamo.conditions_match(:'every', jsonb_build_object(attr, jsonb_build_object('ComparisonOperator', 'NE', 'AttributeValueList', jsonb_build_array(v::jsonb)))) AS ne,
       dynamo.expected_matches(:'every', jsonb_build_object(attr, jsonb_build_object('Value', v::jsonb))) AS expected_value
  FROM (VALUES ('s', '{"S": "x"}'), ('n', '{"N": "1"}'), ('b', '{"B": "AQ=="}'), ('t', '{"BOOL": true}'), ('t', '{"BOOL": false}'),
               ('z', '{"NULL": true}'), ('l', '{"L": [{"S": "a"}, {"N": "2.00"}]}'), ('l', '{"L": [{"N": "2"}, {"S": "a"}]}'),
               ('m', '{"M": {"j": {"L": []}, "k": {"S": "v"}}}'), ('m', '{"M": {"k": {"S": "v"}}}'), ('ss', '{"SS": ["b", "a"]}'),
               ('ns', '{"NS": ["2", "1.0"]}'), ('bs', '{"BS": ["AQ=="]}'), ('s', '{"NULL": true}'), ('nope', '{"NULL": true}'),
               ('nope', '{"M": {}}')) AS t(attr, v);
-- CONTAINS and NOT_CONTAINS also take BOOL and NULL (elements of a list);
-- NOT_CONTAINS, like CONTAINS, is false on a missing attribute
\set listy '{"l": {"L": [{"BOOL": true}, {"NULL": true}, {"S": "x"}]}, "s": {"S": "hello"}}'
SELECT op, v, dynamo.conditions_match(:'listy', jsonb_build_object(attr, jsonb_build_object('ComparisonOperator', op, 'AttributeValueList', jsonb_build_array(v::jsonb)))) AS matches
  FROM (VALUES ('l', 'CONTAINS', '{"BOOL": true}'), ('l', 'CONTAINS', '{"BOOL": false}'), ('l', 'CONTAINS', '{"NULL": true}'),
               ('l', 'NOT_CONTAINS', '{"BOOL": false}'), ('l', 'NOT_CONTAINS', '{"S": "x"}'), ('s', 'NOT_CONTAINS', '{"S": "z"}'),
               ('nope', 'NOT_CONTAINS', '{"S": "z"}'), ('nope', 'CONTAINS', '{"S": "z"}'), ('nope', 'NE', '{"S": "z"}')) AS t(attr, op, v);
SELECT dynamo.expected_matches(:'listy', '{"nope": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "z"}]}}') AS expected_not_contains_missing;
-- the types each operator refuses, and the checks' order
SELECT e, error_of(format('SELECT dynamo.conditions_match(%L, %L)', :'listy', e))
  FROM unnest(ARRAY['{"l": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"L": []}]}}',
                    '{"l": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"M": {}}]}}',
                    '{"l": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"SS": ["a"]}]}}',
                    '{"l": {"ComparisonOperator": "LT", "AttributeValueList": [{"NULL": true}]}}',
                    '{"l": {"ComparisonOperator": "GE", "AttributeValueList": [{"L": []}]}}',
                    '{"l": {"ComparisonOperator": "IN", "AttributeValueList": [{"M": {}}, {"M": {}}]}}',
                    '{"l": {"ComparisonOperator": "IN", "AttributeValueList": [{"BOOL": true}, {"N": "1"}]}}',
                    '{"l": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"BOOL": false}, {"BOOL": true}]}}',
                    '{"l": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"BOOL": true}]}}',
                    '{"l": {"ComparisonOperator": "EQ", "AttributeValueList": [{"L": []}, {"L": []}]}}']) AS e;
-- Expected: {} is no condition; ConditionalOperator needs two conditions or more
SELECT dynamo.expected_matches(:'listy', '{}') AS empty_expected, dynamo.expected_matches(NULL, '{}') AS empty_expected_no_item;
SELECT e, op, error_of(format('SELECT dynamo.expected_matches(%L, %L, %L)', :'listy', e, op))
  FROM (VALUES ('{}', 'AND'), ('{}', 'OR'), ('{"s": {"Exists": false}}', 'AND'), ('{}', 'XOR')) AS t(e, op);
SELECT error_of($$SELECT dynamo.conditions_match('{}', '{}', 'OR')$$);
SELECT error_of($$SELECT dynamo.conditions_match('{}', '{"a": {"ComparisonOperator": "NULL"}}', 'OR')$$);
SELECT dynamo.conditions_match(:'listy', '{"a": {"ComparisonOperator": "NULL"}, "s": {"ComparisonOperator": "NULL"}}', 'OR') AS two_conditions_or;
-- any number of conditions (joined as a balanced tree, evaluated in order)
SELECT dynamo.conditions_match(:'listy', (SELECT jsonb_object_agg('a' || g, '{"ComparisonOperator": "NULL"}'::jsonb) FROM generate_series(1, 20000) g)) AS many_and,
       dynamo.conditions_match(:'listy', (SELECT jsonb_object_agg('a' || g, '{"ComparisonOperator": "NOT_NULL"}'::jsonb) || '{"s": {"ComparisonOperator": "NOT_NULL"}}' FROM generate_series(1, 20000) g), 'OR') AS many_or;
-- AttributesToGet: the first repeated name in order, or a non-string before it; any length
SELECT error_of($$SELECT dynamo.attributes_to_get('{}', '["a", 1, "a"]')$$) AS non_string_first,
       error_of($$SELECT dynamo.attributes_to_get('{}', '["a", "b", "b", "a", 1]')$$) AS repeat_first;
SELECT error_of(format('SELECT dynamo.attributes_to_get(%L, %L)', '{}',
       (SELECT jsonb_agg('a' || g) FROM generate_series(1, 50000) g) || '["a7", "a3"]'));
SELECT dynamo.attributes_to_get('{"a1": {"N": "1"}, "a49999": {"S": "x"}, "b": {"N": "2"}}',
       (SELECT jsonb_agg('a' || g) FROM generate_series(1, 50000) g));
-- empty (it crashed the backend) and more than two conditions
SELECT error_of($$SELECT dynamo.key_conditions('{}', 'pk', 'sk')$$);
SELECT error_of($$SELECT dynamo.key_conditions('{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}, "sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}, "z": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}', 'pk', 'sk')$$);
