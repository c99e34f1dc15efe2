-- value_io.sql: DynamoDB JSON in and out for every type, canonical forms,
-- jsonb casts, binary send/receive.

-- every type, as text
SELECT '{"s": {"S": "hello"}, "n": {"N": "42"}, "b": {"B": "AAEC/w=="}, "t": {"BOOL": true},
         "f": {"BOOL": false}, "z": {"NULL": true}, "m": {"M": {"k": {"S": "v"}}},
         "l": {"L": [{"S": "a"}, {"N": "1"}]}, "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["10", "9"]},
         "bs": {"BS": ["Yg==", "YQ=="]}}'::dynamo.item;

-- names come out sorted by their UTF-8 bytes, sets in key order
SELECT '{"b": {"S": "1"}, "a": {"S": "2"}, "B": {"S": "3"}, "ab": {"S": "4"}, "é": {"S": "5"}}'::dynamo.item;
SELECT '{"s": {"SS": ["b", "a", "B", "ä", ""]}}'::dynamo.item;
SELECT '{"s": {"NS": ["10", "-1", "2.5", "0", "-10.5"]}}'::dynamo.item;

-- empty strings and binaries are values like any other, also in sets
SELECT '{"s": {"S": ""}, "b": {"B": ""}, "ss": {"SS": [""]}, "bs": {"BS": [""]}}'::dynamo.item;

-- empty item, empty map, empty list
SELECT '{}'::dynamo.item, '{"m": {"M": {}}, "l": {"L": []}}'::dynamo.item;

-- unicode names and strings, JSON escapes
SELECT '{"名前": {"S": "日本語"}, "emoji😀": {"S": "\ud83d\ude00"}, "q": {"S": "a\"b\\c\nd\te\u0001"}}'::dynamo.item;

-- BOOL and NULL also take the strings "true" and "false", as DynamoDB's parser does
SELECT '{"a": {"BOOL": "true"}, "b": {"BOOL": "FALSE"}, "c": {"NULL": "true"}}'::dynamo.item;

-- unknown members and members set to null are ignored
SELECT '{"a": {"S": "x", "X": 1}, "b": {"N": null, "S": "y"}}'::dynamo.item;

-- dynamo.value holds one AttributeValue
SELECT '{"S": "x"}'::dynamo.value, '{"N": "-0.50"}'::dynamo.value, '{"M": {"a": {"NULL": true}}}'::dynamo.value;

-- output is input: the text form reads back to the same item
SELECT i::text::dynamo.item = i AS round_trips
  FROM (SELECT '{"a": {"M": {"x": {"L": [{"NS": ["1", "2"]}, {"B": "AA=="}]}}}, "b": {"BS": ["AA==", "AQ=="]}}'::dynamo.item AS i) t;

-- jsonb casts, both ways
SELECT '{"id": {"S": "a"}, "n": {"N": "1.50"}, "t": {"SS": ["x", "y"]}}'::dynamo.item::jsonb;
SELECT '{"id": {"S": "a"}, "n": {"N": "1.50"}}'::jsonb::dynamo.item;
SELECT '{"N": "007"}'::dynamo.value::jsonb, '{"L": [{"S": "a"}]}'::jsonb::dynamo.value;
SELECT ('{"a": {"NS": ["3", "1"]}, "b": {"B": "AQID"}}'::dynamo.item::jsonb)::dynamo.item;

-- an item is a value of type M, and back
SELECT ('{"a": {"S": "x"}}'::dynamo.item)::dynamo.value;
SELECT ('{"M": {"a": {"S": "x"}}}'::dynamo.value)::dynamo.item;
SELECT error_of($$SELECT ('{"S": "x"}'::dynamo.value)::dynamo.item$$);

-- binary send and receive: COPY in binary format and back
CREATE TEMP TABLE binary_source (i dynamo.item, v dynamo.value);
INSERT INTO binary_source VALUES
    ('{"a": {"M": {"x": {"L": [{"NS": ["1", "-2.5"]}, {"B": "AA=="}, {"NULL": true}]}}}, "é": {"SS": ["z", "y"]}}',
     '{"N": "-123.456"}'),
    ('{}', '{"BOOL": false}');
COPY binary_source TO '/tmp/dynamo_regress_binary.copy' (FORMAT binary);
CREATE TEMP TABLE binary_target (LIKE binary_source);
COPY binary_target FROM '/tmp/dynamo_regress_binary.copy' (FORMAT binary);
SELECT s.i = t.i AS item_equal, s.v = t.v AS value_equal, t.i, t.v
  FROM binary_source s JOIN binary_target t ON s.v = t.v;

-- big values: a 400 KB string and a 100,000-element list survive intact
SELECT dynamo.item_size(i), length(i->>'s'), dynamo.value_size(i->'l')
  FROM (SELECT format('{"s": {"S": "%s"}, "l": {"L": [%s]}}',
                      repeat('x', 400 * 1024),
                      (SELECT string_agg('{"N": "' || g || '"}', ',') FROM generate_series(1, 100000) g)
                     )::dynamo.item AS i) t;

-- stored in a table, big items are compressed and TOASTed
CREATE TEMP TABLE big_items (id int, i dynamo.item);
INSERT INTO big_items VALUES (1, format('{"s": {"S": "%s"}}', repeat('ab', 200 * 1024))::dynamo.item);
SELECT id, dynamo.item_size(i), pg_column_size(i) < 100000 AS compressed FROM big_items;
