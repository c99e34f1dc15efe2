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
-- empty (it crashed the backend) and more than two conditions
SELECT error_of($$SELECT dynamo.key_conditions('{}', 'pk', 'sk')$$);
SELECT error_of($$SELECT dynamo.key_conditions('{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}, "sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}, "z": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}}', 'pk', 'sk')$$);
