-- expr_projection_keys.sql: ProjectionExpression and KeyConditionExpression,
-- checked against DynamoDB (dynalite getItem/query tests run against real
-- DynamoDB, moto's DynamoDB exception tests, AWS developer guide).
BEGIN;
SELECT plan(40);
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

CREATE FUNCTION pg_temp.p() RETURNS dynamo.item LANGUAGE sql IMMUTABLE AS $f$
  SELECT '{"a": {"S": "a"}, "name": {"S": "n"},
           "b": {"M": {"b": {"N": "1"}, "c": {"N": "2"}, "d": {"N": "3"}}},
           "c": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]},
           "e": {"L": [{"M": {"a": {"N": "1"}, "b": {"N": "2"}}}, {"M": {"a": {"N": "3"}, "b": {"N": "4"}}}]}}'::dynamo.item
$f$;

-- ---------------------------------------------------------------- projection
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'a, nope')::text$q$),
          '{"a": {"S": "a"}}'::dynamo.item::text, 'top-level attributes; missing ones are left out');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'b.c, b.b')::text$q$),
          '{"b": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}}}'::dynamo.item::text, 'nested map paths keep their nesting');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'c[2], c[1]')::text$q$),
          '{"c": {"L": [{"S": "y"}, {"S": "z"}]}}'::dynamo.item::text,
          'list elements are compacted and kept in index order');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'c[1]')::text$q$),
          '{"c": {"L": [{"S": "y"}]}}'::dynamo.item::text, 'one list element comes back as a one-element list');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'e[1].b, e[0].a')::text$q$),
          '{"e": {"L": [{"M": {"a": {"N": "1"}}}, {"M": {"b": {"N": "4"}}}]}}'::dynamo.item::text,
          'paths through list elements into maps');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), 'c[0].a, c[7], a.b, b.x')::text$q$),
          '{}'::dynamo.item::text, 'paths that do not resolve give nothing (empty item)');
SELECT is(pg_temp.run($q$SELECT project(pg_temp.p(), '#n, #b.#d', '{"#n": "name", "#b": "b", "#d": "d"}')::text$q$),
          '{"name": {"S": "n"}, "b": {"M": {"d": {"N": "3"}}}}'::dynamo.item::text,
          'reserved words through #name placeholders');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'a, name')$$, 'YD001',
                 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name',
                 'reserved word in a projection');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'b, b.c')$$, 'YD001',
                 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [b], path two: [b, c]',
                 'overlapping projection paths');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'a, a')$$, 'YD001',
                 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
                 'a duplicated projection path overlaps');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'c[1], c[1].a')$$, 'YD001',
                 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1]], path two: [c, [1], a]',
                 'overlap below a list index');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'a.b, a[1]')$$, 'YD001',
                 'Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]',
                 'conflicting projection paths');
SELECT throws_ok($$SELECT project(pg_temp.p(), '#x', '{"#y": "a"}')$$, 'YD001',
                 'Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
                 'undefined #name in a projection');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'a', '{"#y": "a"}')$$, 'YD001',
                 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#y}',
                 'unused #name in a projection');
SELECT throws_ok($$SELECT project(pg_temp.p(), 'a,,b')$$, 'YD001',
                 'Invalid ProjectionExpression: Syntax error; token: ",", near: ",,b"',
                 'empty projection element is a syntax error');
SELECT throws_ok($$SELECT project(pg_temp.p(), '')$$, 'YD001',
                 'Invalid ProjectionExpression: The expression can not be empty;',
                 'empty projection');

-- ---------------------------------------------------------------- key conditions
SELECT is(pg_temp.run($q$SELECT key_condition('pk = :p', 'pk', 'sk', NULL, '{":p": {"S": "x"}}')::text$q$),
          '{"partition": {"S": "x"}}'::jsonb::text, 'partition key only');
SELECT is(pg_temp.run($q$SELECT key_condition('pk = :p AND sk = :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')::text$q$),
          '{"partition": {"S": "x"}, "sort": {"operator": "=", "value": {"N": "1"}}}'::jsonb::text, 'sort key =');
SELECT is(pg_temp.run($q$SELECT string_agg(key_condition('pk = :p AND sk ' || op || ' :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}') #>> '{sort,operator}', ' ' ORDER BY o)
                        FROM unnest(ARRAY['<', '<=', '>', '>=']) WITH ORDINALITY AS t(op, o)$q$),
          '< <= > >=', 'sort key <, <=, >, >=');
SELECT is(pg_temp.run($q$SELECT key_condition(':s < sk AND :p = pk', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')::text$q$),
          '{"partition": {"S": "x"}, "sort": {"operator": ">", "value": {"N": "1"}}}'::jsonb::text,
          'value on the left is flipped (:v < sk means sk > :v); sort condition may come first');
SELECT is(pg_temp.run($q$SELECT key_condition('#p = :p and #s between :lo and :hi', 'pk', 'sk', '{"#p": "pk", "#s": "sk"}',
                                              '{":p": {"S": "x"}, ":lo": {"S": "a"}, ":hi": {"S": "b"}}')::text$q$),
          '{"partition": {"S": "x"}, "sort": {"operator": "BETWEEN", "low": {"S": "a"}, "high": {"S": "b"}}}'::jsonb::text,
          'BETWEEN with #name placeholders and lower-case keywords');
SELECT is(pg_temp.run($q$SELECT key_condition('pk = :p AND begins_with(sk, :s)', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"S": "ab"}}')::text$q$),
          '{"partition": {"S": "x"}, "sort": {"operator": "begins_with", "value": {"S": "ab"}}}'::jsonb::text, 'begins_with');
SELECT is(pg_temp.run($q$SELECT key_condition('(pk = :p) AND (sk >= :s)', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')::text$q$),
          '{"partition": {"S": "x"}, "sort": {"operator": ">=", "value": {"N": "1"}}}'::jsonb::text,
          'parenthesised key conditions');
SELECT throws_ok($$SELECT key_condition('pk = :p OR sk = :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')$$, 'YD001',
                 'Invalid operator used in KeyConditionExpression: OR', 'OR is not allowed');
SELECT throws_ok($$SELECT key_condition('pk = :p AND NOT sk = :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')$$, 'YD001',
                 'Invalid operator used in KeyConditionExpression: NOT', 'NOT is not allowed');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk IN (:s)', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')$$, 'YD001',
                 'Invalid operator used in KeyConditionExpression: IN', 'IN is not allowed');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk <> :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')$$, 'YD001',
                 'Invalid operator used in KeyConditionExpression: <>', '<> is not allowed');
SELECT throws_ok($$SELECT key_condition('pk = :p AND attribute_exists(sk)', 'pk', 'sk', NULL, '{":p": {"S": "x"}}')$$, 'YD001',
                 'Invalid operator used in KeyConditionExpression: attribute_exists', 'attribute_exists is not allowed');
SELECT throws_ok($$SELECT key_condition('sk = :s', 'pk', 'sk', NULL, '{":s": {"N": "1"}}')$$, 'YD001',
                 'Query condition missed key schema element: pk', 'missing partition key condition');
SELECT throws_ok($$SELECT key_condition('pk = :p AND extra = :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}}')$$, 'YD001',
                 'Query condition missed key schema element: sk', 'condition on a non-key attribute');
SELECT throws_ok($$SELECT key_condition('pk = :p AND pk = :q', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":q": {"S": "y"}}')$$, 'YD001',
                 'KeyConditionExpressions must only contain one condition per key', 'two conditions on the partition key');
SELECT throws_ok($$SELECT key_condition('pk < :p', 'pk', 'sk', NULL, '{":p": {"S": "x"}}')$$, 'YD001',
                 'Query key condition not supported', 'partition key with <');
SELECT throws_ok($$SELECT key_condition('pk = :p AND begins_with(sk, :n)', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":n": {"N": "1"}}')$$, 'YD001',
                 'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
                 'begins_with with a number');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk BETWEEN :lo AND :hi', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":lo": {"S": "b"}, ":hi": {"S": "a"}}')$$, 'YD001',
                 'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
                 'BETWEEN with bounds out of order');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk = pk', 'pk', 'sk', NULL, '{":p": {"S": "x"}}')$$, 'YD001',
                 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition',
                 'two key attributes in one condition');
SELECT throws_ok($$SELECT key_condition('pk = :p AND :a = :b', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":a": {"N": "1"}, ":b": {"N": "1"}}')$$, 'YD001',
                 'Invalid condition in KeyConditionExpression: No key attribute specified',
                 'a condition without a key attribute');
SELECT throws_ok($$SELECT key_condition('pk.x = :p', 'pk', 'sk', NULL, '{":p": {"S": "x"}}')$$, 'YD001',
                 'KeyConditionExpressions cannot have conditions on nested attributes', 'nested key path');
SELECT throws_ok($$SELECT key_condition('pk = :p AND size(sk) > :n', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":n": {"N": "1"}}')$$, 'YD001',
                 'KeyConditionExpressions cannot contain nested operations', 'size() in a key condition');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk > :s AND sk < :t', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}, ":t": {"N": "5"}}')$$, 'YD001',
                 'Conditions can be of length 1 or 2 only', 'three key conditions');
SELECT throws_ok($$SELECT key_condition('pk = :p AND sk = :s', 'pk', 'sk', NULL, '{":p": {"S": "x"}, ":s": {"N": "1"}, ":u": {"N": "1"}}')$$, 'YD001',
                 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}', 'unused :value in a key condition');

SELECT * FROM finish();
ROLLBACK;
