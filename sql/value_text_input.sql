-- value_text_input.sql: the text input of dynamo.item and dynamo.value,
-- read with the extension's own JSON reader (no jsonb in between): U+0000
-- in strings and attribute names, which DynamoDB accepts anywhere and jsonb
-- cannot hold, and names given twice.

-- in values and names, read and written back as \u0000
SELECT '{"s": {"S": "a\u0000b"}, "n\u0000": {"S": "\u0000"}, "\u0000": {"SS": ["\u0000", "", "x\u0000y"]}}'::dynamo.item;
SELECT '{"S": "\u0000\u0000"}'::dynamo.value, '{"M": {"a\u0000": {"L": [{"S": "\u0000"}]}}}'::dynamo.value;

-- names compare by their bytes: "a" < "a\u0000" < "a\u0000b" < "ab"
SELECT '{"ab": {"N": "1"}, "a\u0000b": {"N": "2"}, "a": {"N": "3"}, "a\u0000": {"N": "4"}}'::dynamo.item;

-- strings that differ only after a U+0000 are different values
SELECT '{"S": "a\u0000b"}'::dynamo.value = '{"S": "a\u0000c"}'::dynamo.value AS equal,
       '{"S": "a\u0000b"}'::dynamo.value = '{"S": "a"}'::dynamo.value AS equal_to_prefix,
       '{"S": "a\u0000b"}'::dynamo.value = '{"S": "a\u0000b"}'::dynamo.value AS equal_to_itself;
SELECT '{"s": {"SS": ["a\u0000", "a"]}}'::dynamo.item;
SELECT item_error('{"s": {"SS": ["a\u0000", "b", "a\u0000"]}}');
SELECT item_error('{"n": {"N": "1\u00002"}}');

-- output is input: the text form reads back to the same bytes
SELECT i::text::dynamo.item = i AS round_trips, i::text = i::text::dynamo.item::text AS same_text
  FROM (SELECT '{"k\u0000": {"M": {"\u0000": {"S": "\u0000x\u0000"}, "l": {"L": [{"SS": ["\u0000"]}]}}}}'::dynamo.item AS i) t;
SELECT v::text::dynamo.value = v AS round_trips
  FROM (SELECT '{"S": "tab\tnul\u0000end"}'::dynamo.value AS v) t;

-- "a" and "a\u0000" are two attributes; looking up "a" finds "a"
SELECT dynamo.item_size(i) AS size, dynamo.attribute_count(i) AS attributes, i -> 'a' AS a
  FROM (SELECT '{"a\u0000": {"S": "1"}, "a": {"S": "2"}}'::dynamo.item AS i) t;

-- text and jsonb cannot hold U+0000: Postgres' own error, not a cut string
SELECT error_of($$SELECT '{"s": {"S": "a\u0000b"}}'::dynamo.item ->> 's'$$);
SELECT error_of($$SELECT dynamo.attribute_names('{"a\u0000": {"S": "x"}}'::dynamo.item)$$);
SELECT error_of($$SELECT '{"s": {"S": "a\u0000b"}}'::dynamo.item::jsonb$$);
SELECT error_of($$SELECT dynamo.to_plain('{"s": {"S": "\u0000"}}'::dynamo.item)$$);
-- a U+0000 inside a document still comes out as text, escaped
SELECT '{"m": {"M": {"\u0000": {"S": "\u0000"}}}}'::dynamo.item ->> 'm' AS m;

-- sizes: U+0000 is one byte of a name or a string
SELECT dynamo.item_size('{"\u0000": {"S": "\u0000\u0000"}}') AS "3",
       dynamo.item_size('{"a\u0000b": {"SS": ["\u0000", "\u0000\u0000"]}}') AS "6";
-- names: 65535 bytes at most, U+0000 counted as one byte
SELECT dynamo.item_size(format('{"%s": {"S": ""}}', repeat('\u0000', 65535))::dynamo.item) AS "65535";
SELECT item_error(format('{"%s": {"S": ""}}', repeat('\u0000', 65536)));
-- items: 409,600 bytes at most, U+0000 counted as one byte
CREATE TEMP TABLE nul_sizes AS
SELECT format('{"id": {"S": "big\u0000"}, "v": {"S": "%s"}}', repeat('\u0000', 409600 - 2 - 4 - 1 - n))::dynamo.item AS i, n
  FROM (VALUES (0), (-1)) AS t(n);
SELECT n, dynamo.item_size(i) FROM nul_sizes ORDER BY n DESC;

-- stored and read back through a table, U+0000 in the key too
SELECT dynamo.create_table('NulItems', 'id', 'S') IS NOT NULL AS created;
SELECT dynamo.put_item('NulItems', '{"id": {"S": "a\u0000"}, "v": {"S": "1\u00002"}}') IS NULL AS put;
SELECT dynamo.put_item('NulItems', '{"id": {"S": "a"}, "v": {"S": "plain"}}') IS NULL AS put;
SELECT dynamo.get_item('NulItems', '{"id": {"S": "a\u0000"}}');
SELECT dynamo.get_item('NulItems', '{"id": {"S": "a"}}');
SELECT dynamo.put_item('NulItems', i) IS NULL AS put_largest FROM nul_sizes WHERE n = 0;
SELECT error_of($$SELECT dynamo.put_item('NulItems', i) FROM nul_sizes WHERE n = -1$$);
SELECT dynamo.item_size(dynamo.get_item('NulItems', '{"id": {"S": "big\u0000"}}')) AS stored_size;
SELECT dynamo.delete_table('NulItems') IS NOT NULL AS deleted;

-- a name given twice keeps its last value; the earlier ones are not looked at
SELECT '{"a": {"S": "1"}, "b": {"BOOL": true}, "a": {"N": "2"}}'::dynamo.item;
SELECT '{"a": {"N": "not a number"}, "a": {"S": "ok"}}'::dynamo.item;
SELECT '{"a": {"M": {"x": {"S": "1"}, "x": {"S": "2"}}}}'::dynamo.item;
-- a datatype member given twice counts once, with its last value
SELECT '{"a": {"S": 1, "S": "x"}}'::dynamo.item;
SELECT item_error('{"a": {"S": "x", "S": null}}');
SELECT item_error('{"a": {"S": "x", "N": "1", "S": "y"}}');
