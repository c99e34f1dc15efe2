-- expr_update.sql: update expressions: SET (+, -, if_not_exists,
-- list_append), REMOVE, ADD, DELETE, their rules and DynamoDB's errors.

\set item '{"pk": {"S": "k"}, "n": {"N": "10"}, "s": {"S": "x"}, "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}, "m": {"M": {"a": {"N": "1"}, "nest": {"M": {"b": {"S": "deep"}}}}}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]}}'
\set vals '{":one": {"N": "1"}, ":half": {"N": "0.5"}, ":v": {"S": "new"}, ":l": {"L": [{"N": "9"}]}, ":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["2", "3.0"]}, ":bs": {"BS": ["Ag=="]}, ":sa": {"SS": ["a"]}, ":big": {"N": "99999999999999999999999999999999999999"}, ":m": {"M": {"x": {"N": "1"}}}}'

-- SET
SELECT e, updated(:'item', e, :'vals', '{"#n": "n"}')
  FROM unnest(ARRAY['SET n = n + :one', 'SET n = n - :half', 'SET n = :one + :half', 'SET s = :v',
                    'SET fresh = :v', 'SET m.a = :v', 'SET m.nest.b = :v', 'SET m.newkey = :m',
                    'SET l[1] = :v', 'SET l[10] = :v', 'SET l[7] = :v, l[5] = :one',
                    'SET s = if_not_exists(s, :v), extra = if_not_exists(extra, :v)',
                    'SET l = list_append(l, :l)', 'SET l = list_append(:l, l)', 'SET x = s, y = n',
                    'SET s = n, n = s', 'SET n = (n + :one)', 'set n = n + :one', 'SET #n = :one']) AS e;

-- REMOVE: attributes, nested, list elements by their original indexes
SELECT e, updated(:'item', e, :'vals')
  FROM unnest(ARRAY['REMOVE s', 'REMOVE nothing_here', 'REMOVE m.nest.b', 'REMOVE l[0]', 'REMOVE l[0], l[2]',
                    'REMOVE l[9]', 'REMOVE s, n SET fresh = :v']) AS e;

-- ADD: numbers and sets; a missing attribute is created
SELECT e, updated(:'item', e, :'vals')
  FROM unnest(ARRAY['ADD n :one', 'ADD ss :ss', 'ADD ns :ns', 'ADD bs :bs', 'ADD hits :one',
                    'ADD newset :ss', 'ADD n :half, ss :ss']) AS e;

-- DELETE from sets; a set left empty is removed
SELECT e, updated(:'item', e, :'vals')
  FROM unnest(ARRAY['DELETE ss :sa', 'DELETE ss :ss', 'DELETE ns :ns', 'DELETE nothing :ss',
                    'DELETE ss :sa ADD n :one SET s = :v REMOVE l[0]']) AS e;
SELECT updated('{"ss": {"SS": ["a"]}}', 'DELETE ss :sa', '{":sa": {"SS": ["a"]}}');

-- runtime errors: the item decides
SELECT e, updated(:'item', e, :'vals')
  FROM unnest(ARRAY['SET x = nope', 'SET x = nope + :one', 'SET s = s + :one', 'SET l = list_append(s, :l)',
                    'SET nope.a = :v', 'SET s.a = :v', 'SET s[0] = :v', 'SET m[0] = :v', 'SET l.a = :v',
                    'ADD s :one', 'ADD ss :ns', 'ADD n :ss', 'DELETE s :ss', 'DELETE ns :ss',
                    'REMOVE nope.a', 'SET n = n + :big']) AS e;

-- arithmetic is exact, within DynamoDB's 38 digits
SELECT updated('{"a": {"N": "0.1"}}', 'SET a = a + :b', '{":b": {"N": "0.2"}}');
SELECT updated('{"a": {"N": "1e125"}}', 'SET a = a - :b', '{":b": {"N": "1e125"}}');
SELECT updated('{"a": {"N": "-5"}}', 'SET a = a + :b', '{":b": {"N": "3"}}');
SELECT updated('{"a": {"N": "9.9999999999999999999999999999999999999e125"}}', 'SET a = a + :b', '{":b": {"N": "1e88"}}');
SELECT updated('{"a": {"N": "1e-130"}}', 'SET a = a - :b', '{":b": {"N": "2e-130"}}');
SELECT updated('{"a": {"N": "1e50"}}', 'SET a = a + :b', '{":b": {"N": "1"}}');

-- parse errors
SELECT e, updated(:'item', e, :'vals')
  FROM unnest(ARRAY['', 'SET', 'SET n', 'SET n =', 'SET n = :one,', 'SET n = :one + :one + :one',
                    'SET n = n * :one', 'SET :one = n', 'REMOVE n = :one', 'ADD n', 'ADD n n',
                    'DELETE ss', 'UPSERT n = :one', 'SET n = :one SET s = :v', 'REMOVE s REMOVE n',
                    'SET n = :one, n = :one', 'SET m.a = :one REMOVE m', 'SET l[1] = :v, l.x = :v',
                    'SET status = :v', 'ADD n :v', 'DELETE n :one', 'SET n = :v + :one',
                    'SET l = list_append(:v, l)', 'SET x = size(s)', 'SET x = if_not_exists(:v, :v)',
                    'SET x = if_not_exists(s)', 'SET x = nope_fn(s)', 'SET x = :undefined',
                    'SET #undefined = :one']) AS e;

-- key attributes cannot be updated (checked with the table's key schema by the item operations)

-- UPDATED_OLD and UPDATED_NEW: the touched paths, before and after
SELECT * FROM dynamo.apply_update_returning(:'item',
    'SET n = n + :one, m.nest.b = :v, l[1] = :v REMOVE s ADD hits :one', NULL,
    '{":one": {"N": "1"}, ":v": {"S": "new"}}');

-- parenthesised operands; appends beyond the end in index order, across SET and ADD
SELECT updated('{"n": {"N": "1"}, "l": {"L": []}}', 'SET n = (n) + (:one), l[9] = :one ADD l[8] :two',
               '{":one": {"N": "1"}, ":two": {"N": "2"}}');
-- an item that does not exist yet: the update creates it
SELECT dynamo.apply_update(NULL, 'SET a = :v ADD c :one', NULL, '{":v": {"S": "x"}, ":one": {"N": "1"}}');

-- found by fuzzing: white space of any kind is an empty expression; an
-- update cannot nest a value deeper than 32 levels
SELECT updated('{"a": {"N": "1"}}', chr(12) || chr(11));
SELECT length(updated('{"m": {"M": {}}}', 'SET x = :v', format('{":v": %s{"S": "deep"}%s}', repeat('{"L": [', 31), repeat(']}', 31))::jsonb)) AS level_32_accepted;
SELECT updated('{"m": {"M": {}}}', 'SET m.x = :v', format('{":v": %s{"S": "deep"}%s}', repeat('{"L": [', 31), repeat(']}', 31))::jsonb);
SELECT updated('{"l": {"L": []}}', 'SET l = list_append(l, :v)', format('{":v": {"L": [%s{"S": "deep"}%s]}}', repeat('{"L": [', 31), repeat(']}', 31))::jsonb);
