-- expr_update.sql: UpdateExpression semantics and errors, checked against
-- DynamoDB (AWS developer guide "Using update expressions", dynalite's
-- updateItem tests run against real DynamoDB, scylladb alternator tests run
-- against real DynamoDB, and real DynamoDB messages).
BEGIN;
SELECT plan(61);
SET LOCAL search_path = public, dynamo;

-- run(sql): the query's single result as text, or its error, so that one
-- unexpected error fails one assertion instead of aborting the file.
CREATE FUNCTION pg_temp.run(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text;
BEGIN
  EXECUTE q INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
$f$;

CREATE FUNCTION pg_temp.u() RETURNS dynamo.item LANGUAGE sql IMMUTABLE AS $f$
  SELECT '{"pk": {"S": "k"}, "n": {"N": "5"}, "s": {"S": "x"},
           "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
           "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]},
           "m": {"M": {"x": {"N": "1"}}}}'::dynamo.item
$f$;

-- ---------------------------------------------------------------- SET
SELECT is(apply_update(pg_temp.u(), 'SET n = n + :one', NULL, '{":one": {"N": "1"}}') -> 'n',
          '{"N": "6"}'::dynamo.value, 'SET n = n + :v');
SELECT is(apply_update('{"d": {"N": "0.1"}}', 'SET d = d + :v', NULL, '{":v": {"N": "0.2"}}') -> 'd',
          '{"N": "0.3"}'::dynamo.value, 'addition is exact decimal (0.1 + 0.2 = 0.3)');
SELECT is(apply_update(pg_temp.u(), 'SET n = :a - n', NULL, '{":a": {"N": "2.5"}}') -> 'n',
          '{"N": "-2.5"}'::dynamo.value, 'SET n = :v - n (value on the left)');
SELECT is(apply_update(pg_temp.u(), 'SET a = :v', NULL, '{":v": {"S": "new"}}'),
          (pg_temp.u()::jsonb || '{"a": {"S": "new"}}')::dynamo.item, 'SET creates a new attribute');
SELECT is(apply_update(pg_temp.u(), 'SET x = if_not_exists(x, :d), n = if_not_exists(n, :d)', NULL, '{":d": {"N": "0"}}')::text,
          (pg_temp.u()::jsonb || '{"x": {"N": "0"}}')::dynamo.item::text,
          'if_not_exists: default for a missing path, existing value kept');
SELECT is(apply_update(pg_temp.u(), 'SET l = list_append(:f, l)', NULL, '{":f": {"L": [{"S": "z"}]}}') -> 'l',
          '{"L": [{"S": "z"}, {"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]}'::dynamo.value,
          'list_append(:v, l) prepends');
SELECT is(apply_update(pg_temp.u(), 'SET l = list_append(l, :e)', NULL, '{":e": {"L": [{"N": "1"}]}}') -> 'l',
          '{"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"N": "1"}]}'::dynamo.value,
          'list_append(l, :v) appends');
SELECT is(apply_update(pg_temp.u(), 'SET l[0] = :v', NULL, '{":v": {"N": "0"}}') -> 'l',
          '{"L": [{"N": "0"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]}'::dynamo.value,
          'SET l[0] replaces an element');
SELECT is(apply_update(pg_temp.u(), 'SET l[11] = :y, l[10] = :x', NULL, '{":x": {"S": "x"}, ":y": {"S": "y"}}') -> 'l',
          '{"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"S": "x"}, {"S": "y"}]}'::dynamo.value,
          'SET beyond the end appends, several in index order');
SELECT is(apply_update(pg_temp.u(), 'SET m.y = :v, m.x = m.x + :v', NULL, '{":v": {"N": "2"}}') -> 'm',
          '{"M": {"x": {"N": "3"}, "y": {"N": "2"}}}'::dynamo.value, 'SET on nested map paths');
SELECT is(apply_update(pg_temp.u(), 'set s = n, n = s') -> 'n', '{"S": "x"}'::dynamo.value,
          'every right-hand side reads the item before the update (swap)');
SELECT is(pg_temp.run($q$SELECT apply_update('{"a": {"S": "k"}, "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}}, "c": {"L": [{"N": "1"}, {"N": "3"}]}}',
                       'set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a', NULL,
                       '{":a": {"N": "2"}, ":b": {"SS": ["a"]}}')::text$q$),
          '{"a": {"S": "k"}, "b": {"M": {"a": {"S": "k"}, "b": {"N": "2"}, "c": {"N": "4"}}}, "c": {"L": [{"N": "1"}, {"S": "k"}, {"N": "3"}, {"N": "-1"}, {"N": "2"}, {"SS": ["a"]}]}}'::dynamo.item::text,
          'dynalite "should update nested attributes": mixed SET/ADD on nested paths and list appends');
SELECT is(pg_temp.run($q$SELECT (apply_update_returning('{"a": {"S": "k"}, "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}}, "c": {"L": [{"N": "1"}, {"N": "3"}]}}',
                       'set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a', NULL,
                       '{":a": {"N": "2"}, ":b": {"SS": ["a"]}}')).updated_new::text$q$),
          '{"b": {"M": {"a": {"S": "k"}, "c": {"N": "4"}}}, "c": {"L": [{"S": "k"}, {"N": "3"}, {"N": "2"}]}}'::dynamo.item::text,
          'UPDATED_NEW is the updated paths projected from the new item (same dynalite test)');

SELECT is(pg_temp.run($q$SELECT apply_update('{"a": {"S": "k"}, "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}}, "c": {"L": [{"N": "1"}, {"N": "3"}]}}',
                       'set b.c = c[1] + b.a, b.a = a, c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a', NULL,
                       '{":a": {"N": "2"}, ":b": {"SS": ["a"]}}')::text$q$),
          '{"a": {"S": "k"}, "b": {"M": {"a": {"S": "k"}, "b": {"N": "2"}, "c": {"N": "4"}}}, "c": {"L": [{"N": "1"}, {"S": "k"}, {"N": "3"}, {"N": "-1"}, {"N": "2"}, {"SS": ["a"]}]}}'::dynamo.item::text,
          'the same update without operand parentheses');
SELECT is(pg_temp.run($q$SELECT (apply_update_returning('{"a": {"S": "k"}, "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}}, "c": {"L": [{"N": "1"}, {"N": "3"}]}}',
                       'set b.c = c[1] + b.a, b.a = a, c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a', NULL,
                       '{":a": {"N": "2"}, ":b": {"SS": ["a"]}}')).updated_new::text$q$),
          '{"b": {"M": {"a": {"S": "k"}, "c": {"N": "4"}}}, "c": {"L": [{"S": "k"}, {"N": "3"}, {"N": "2"}]}}'::dynamo.item::text,
          'UPDATED_NEW of the same update without operand parentheses');
SELECT is(pg_temp.run($q$SELECT apply_update(pg_temp.u(), 'SET n = (n + :one), a = (:one)', NULL, '{":one": {"N": "1"}}')::text$q$),
          (pg_temp.u()::jsonb || '{"n": {"N": "6"}, "a": {"N": "1"}}')::dynamo.item::text,
          'one pair of parentheses around a SET value or an operand is allowed');

-- ---------------------------------------------------------------- REMOVE
SELECT is(apply_update(pg_temp.u(), 'REMOVE s, l[1], l[2]'),
          ((pg_temp.u()::jsonb - 's') || '{"l": {"L": [{"S": "a"}, {"S": "d"}]}}')::dynamo.item,
          'REMOVE of list elements uses the original indexes');
SELECT is(apply_update(pg_temp.u(), 'REMOVE l[10], nope, m.nope'), pg_temp.u(),
          'REMOVE of a missing attribute or an index past the end is a no-op');
SELECT is(apply_update(pg_temp.u(), 'remove m.x') -> 'm', '{"M": {}}'::dynamo.value,
          'REMOVE of the last map entry leaves an empty map');

-- ---------------------------------------------------------------- ADD / DELETE
SELECT is(apply_update(pg_temp.u(), 'ADD n :v', NULL, '{":v": {"N": "-7.5"}}') -> 'n',
          '{"N": "-2.5"}'::dynamo.value, 'ADD to a number adds');
SELECT is(apply_update(pg_temp.u(), 'ADD c :v, cs :s', NULL, '{":v": {"N": "3"}, ":s": {"NS": ["4"]}}')::text,
          (pg_temp.u()::jsonb || '{"c": {"N": "3"}, "cs": {"NS": ["4"]}}')::dynamo.item::text,
          'ADD to a missing attribute creates the number or the set');
SELECT is(apply_update(pg_temp.u(), 'ADD ss :v, ns :n', NULL, '{":v": {"SS": ["b", "c"]}, ":n": {"NS": ["2.0", "3"]}}')::text,
          (pg_temp.u()::jsonb || '{"ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2", "3"]}}')::dynamo.item::text,
          'ADD to a set is a union without duplicates (numbers compared numerically)');
SELECT is(apply_update(pg_temp.u(), 'DELETE ss :v', NULL, '{":v": {"SS": ["a", "q"]}}') -> 'ss',
          '{"SS": ["b"]}'::dynamo.value, 'DELETE removes elements from a set');
SELECT ok(NOT apply_update(pg_temp.u(), 'DELETE ss :v', NULL, '{":v": {"SS": ["a", "b"]}}') ? 'ss',
          'DELETE that empties a set removes the attribute');
SELECT is(apply_update(pg_temp.u(), 'DELETE nope :v', NULL, '{":v": {"SS": ["a"]}}'), pg_temp.u(),
          'DELETE from a missing attribute is a no-op');
SELECT is(apply_update(pg_temp.u(), 'DELETE ns :a SET s = :s REMOVE m ADD n :one', NULL,
                       '{":a": {"NS": ["1"]}, ":s": {"S": "y"}, ":one": {"N": "1"}}')::text,
          '{"pk": {"S": "k"}, "n": {"N": "6"}, "s": {"S": "y"}, "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["2"]}}'::dynamo.item::text,
          'all four clauses in one expression, in any order');

-- ---------------------------------------------------------------- UPDATED_OLD / UPDATED_NEW
SELECT is((apply_update_returning(pg_temp.u(), 'SET n = n + :one, a = :one REMOVE s', NULL, '{":one": {"N": "1"}}')).updated_old::text,
          '{"n": {"N": "5"}, "s": {"S": "x"}}'::dynamo.item::text,
          'UPDATED_OLD: the touched attributes that existed before');
SELECT is((apply_update_returning(pg_temp.u(), 'SET n = n + :one, a = :one REMOVE s', NULL, '{":one": {"N": "1"}}')).updated_new::text,
          '{"a": {"N": "1"}, "n": {"N": "6"}}'::dynamo.item::text,
          'UPDATED_NEW: the touched attributes that exist after');
SELECT is((apply_update_returning(pg_temp.u(), 'SET m.y = :one', NULL, '{":one": {"N": "1"}}')).updated_new::text,
          '{"m": {"M": {"y": {"N": "1"}}}}'::dynamo.item::text,
          'UPDATED_NEW of a nested SET holds only the nested path');

-- ---------------------------------------------------------------- arithmetic limits
SELECT is(apply_update('{"a": {"N": "1e20"}}', 'SET a = a + :v', NULL, '{":v": {"N": "0.000001"}}') -> 'a',
          '{"N": "100000000000000000000.000001"}'::dynamo.value, 'exact addition with 27 significant digits');
SELECT is(apply_update('{}', 'SET b = :a + :b', NULL, '{":a": {"N": "9e125"}, ":b": {"N": "9e124"}}') -> 'b',
          '{"N": "9.9e125"}'::dynamo.value, 'sum just below the magnitude limit (scylla test_number)');
SELECT throws_ok($$SELECT apply_update('{}', 'SET b = :a + :b', NULL, '{":a": {"N": "9e125"}, ":b": {"N": "9e125"}}')$$,
                 'YD001', 'Number overflow. Attempting to store a number with magnitude larger than supported range',
                 'sum beyond 1e126 overflows');
SELECT throws_ok($$SELECT apply_update('{}', 'SET b = :a - :b', NULL, '{":a": {"N": "1e50"}, ":b": {"N": "1"}}')$$,
                 'YD001', 'Number overflow. Attempting to store a number with magnitude larger than supported range',
                 'a result needing more than 38 digits: DynamoDB reports overflow');
SELECT throws_ok($$SELECT apply_update('{}', 'SET b = :a - :b', NULL, '{":a": {"N": "1.5e-130"}, ":b": {"N": "1e-130"}}')$$,
                 'YD001', 'Number underflow. Attempting to store a number with magnitude smaller than supported range',
                 'a result below 1e-130 underflows');

-- ---------------------------------------------------------------- runtime errors
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = nope')$$,
                 'YD001', 'The provided expression refers to an attribute that does not exist in the item',
                 'SET from a missing attribute');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET n = nope + :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'The provided expression refers to an attribute that does not exist in the item',
                 'arithmetic on a missing attribute');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET s = s + :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'An operand in the update expression has an incorrect data type',
                 'arithmetic on a string attribute');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET l = list_append(s, :v)', NULL, '{":v": {"L": []}}')$$,
                 'YD001', 'An operand in the update expression has an incorrect data type',
                 'list_append on a string attribute');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'ADD ss :v', NULL, '{":v": {"NS": ["1"]}}')$$,
                 'YD001', 'An operand in the update expression has an incorrect data type',
                 'ADD a number set to a string set');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'DELETE s :v', NULL, '{":v": {"SS": ["x"]}}')$$,
                 'YD001', 'An operand in the update expression has an incorrect data type',
                 'DELETE from a string');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET nope.x = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'The document path provided in the update expression is invalid for update',
                 'SET below a missing map');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET s[0] = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'The document path provided in the update expression is invalid for update',
                 'SET an index of a string');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET m.x.y = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'The document path provided in the update expression is invalid for update',
                 'SET a key below a number');

-- ---------------------------------------------------------------- static errors
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = :v SET b = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
                 'SET clause twice');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'remove a ADD n :v REMOVE b', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;',
                 'REMOVE clause twice (lower case first) is reported in upper case');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET m = :v, m.x = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]',
                 'overlapping paths in one clause');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = :v REMOVE a', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
                 'the same path in two clauses');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET m.x = :v REMOVE m[1]', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [m, x], path two: [m, [1]]',
                 'conflicting paths (map key vs list index)');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET n = n + :v', NULL, '{":v": {"S": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
                 '+ with a string value');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET l = list_append(:v, l)', NULL, '{":v": {"S": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S',
                 'list_append with a string value');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'ADD s :v', NULL, '{":v": {"S": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
                 'ADD with a string value');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'DELETE n :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER',
                 'DELETE with a number value');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = if_not_exist(a, :v)', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Invalid function name; function: if_not_exist',
                 'unknown update function');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = if_not_exists(a)')$$,
                 'YD001', 'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1',
                 'if_not_exists with one operand');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET status = :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
                 'reserved word as an update target');
SELECT is(apply_update(pg_temp.u(), 'SET #s = :v REMOVE #n', '{"#s": "status", "#n": "n"}', '{":v": {"S": "on"}}')::text,
          ((pg_temp.u()::jsonb - 'n') || '{"status": {"S": "on"}}')::dynamo.item::text,
          'reserved words through #name placeholders');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'ADD hits : incr', NULL, '{":incr": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"',
                 'syntax error (real DynamoDB message)');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = :v,', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","',
                 'trailing comma');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = n + n + n')$$,
                 'YD001', 'Invalid UpdateExpression: Syntax error; token: "+", near: "n + n"',
                 'only one + or - per SET value');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), '')$$,
                 'YD001', 'Invalid UpdateExpression: The expression can not be empty;',
                 'empty update expression');
SELECT throws_ok($$SELECT apply_update(pg_temp.u(), 'SET a = :v', NULL, '{":v": {"N": "1"}, ":w": {"N": "1"}}')$$,
                 'YD001', 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}',
                 'unused :value in an update');

SELECT * FROM finish();
ROLLBACK;
