-- value_errors.sql: every rule of an AttributeValue, each violation with
-- DynamoDB's exception and message.

-- the shape of an AttributeValue
SELECT item_error('{"a": {}}');
SELECT item_error('{"a": {"X": "1"}}');
SELECT item_error('{"a": {"S": null}}');
SELECT item_error('{"a": {"S": "x", "N": "1"}}');
SELECT item_error('{"a": {"S": "x", "N": "y"}}');
SELECT item_error('{"a": {"M": {"b": {}}}}');
SELECT item_error('{"a": {"L": [{}]}}');
SELECT item_error('{"a": {"NULL": false}}');

-- JSON of the wrong type for a member: SerializationException
SELECT item_error('{"a": {"S": 1}}');
SELECT item_error('{"a": {"S": 1.5}}');
SELECT item_error('{"a": {"S": true}}');
SELECT item_error('{"a": {"N": 1}}');
SELECT item_error('{"a": {"S": ["x"]}}');
SELECT item_error('{"a": {"S": {"x": 1}}}');
SELECT item_error('{"a": {"BOOL": 1}}');
SELECT item_error('{"a": {"BOOL": "yes"}}');
SELECT item_error('{"a": {"NULL": []}}');
SELECT item_error('{"a": {"B": 1}}');
SELECT item_error('{"a": {"B": ["AA=="]}}');
SELECT item_error('{"a": {"M": []}}');
SELECT item_error('{"a": {"L": {}}}');
SELECT item_error('{"a": {"SS": "x"}}');
SELECT item_error('{"a": {"SS": [1]}}');
SELECT item_error('{"a": {"BS": [true]}}');
SELECT item_error('{"a": "x"}');
SELECT item_error('{"a": [1]}');
SELECT item_error('[]');
SELECT item_error('"x"');
SELECT error_of($$SELECT '"x"'::dynamo.value$$);

-- base64 in B and BS
SELECT item_error('{"a": {"B": "AAE"}}');
SELECT item_error('{"a": {"B": "23456"}}');
SELECT item_error('{"a": {"B": "!!!!"}}');
SELECT item_error('{"a": {"B": "=+/="}}');
SELECT item_error('{"a": {"B": "AAé"}}');    -- the whole character, not one byte of it
SELECT item_error('{"a": {"B": "AB=="}}');
SELECT item_error('{"a": {"BS": ["AA==", "AAE"]}}');

-- sets: not empty, no duplicates
SELECT item_error('{"a": {"SS": []}}');
SELECT item_error('{"a": {"NS": []}}');
SELECT item_error('{"a": {"BS": []}}');
SELECT item_error('{"a": {"SS": ["a", "b", "a"]}}');
SELECT item_error('{"a": {"SS": ["", ""]}}');
SELECT item_error('{"a": {"NS": ["1", "2", "2.0"]}}');
SELECT item_error('{"a": {"BS": ["Yg==", "Yg=="]}}');

-- nesting: 32 levels at most, an item's attributes being level 1
SELECT dynamo.value_size(i -> 'a') AS size_of_31_maps
  FROM (SELECT ('{"a": ' || repeat('{"M": {"a": ', 31) || '{"S": "x"}' || repeat('}}', 31) || '}')::dynamo.item AS i) t;
SELECT item_error('{"a": ' || repeat('{"M": {"a": ', 32) || '{"S": "x"}' || repeat('}}', 32) || '}');
SELECT item_error('{"a": ' || repeat('{"L": [', 32) || '{"S": "x"}' || repeat(']}', 32) || '}');
SELECT error_of('SELECT ''' || repeat('{"L": [', 32) || '{"S": "x"}' || repeat(']}', 32) || '''::dynamo.value');
-- far deeper than the limit: still the same error, no crash
SELECT item_error('{"a": ' || repeat('{"L": [', 450) || '{"S": "x"}' || repeat(']}', 450) || '}');
-- JSON nested deeper than the reader's 1000 levels is malformed JSON, no crash
SELECT item_error('{"a": ' || repeat('{"L": [', 5000) || '{"S": "x"}' || repeat(']}', 5000) || '}');

-- malformed JSON is Postgres' own JSON error
SELECT item_error('{"a": {"S": "x"}');
SELECT item_error('');
SELECT item_error('not json');

-- a rejected value leaves a table as it was
CREATE TEMP TABLE keep (i dynamo.item);
INSERT INTO keep VALUES ('{"a": {"N": "1"}}');
SELECT error_of($$INSERT INTO keep VALUES ('{"a": {"N": "2"}}'), ('{"a": {"N": "1e999"}}')$$);
SELECT * FROM keep;
