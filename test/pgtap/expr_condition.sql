-- expr_condition.sql: ConditionExpression / FilterExpression semantics and
-- errors, checked against DynamoDB's documented and observed behaviour
-- (AWS developer guide "Comparison operator and function reference",
-- architect/dynalite tests that run against real DynamoDB, and messages
-- quoted from real DynamoDB responses).
BEGIN;
SELECT plan(75);
SET LOCAL search_path = public, dynamo;

-- The item most conditions run against.
CREATE FUNCTION pg_temp.c() RETURNS dynamo.item LANGUAGE sql IMMUTABLE AS $f$
  SELECT '{"pk": {"S": "k"}, "n": {"N": "10"}, "s": {"S": "abc"}, "b": {"B": "AQI="},
           "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ==", "Ag=="]},
           "l": {"L": [{"S": "x"}, {"N": "2"}]},
           "m": {"M": {"k": {"S": "v"}, "in": {"L": [{"N": "0"}, {"M": {"c": {"S": "deep"}}}]}}},
           "t": {"BOOL": true}, "z": {"NULL": true}, "u": {"S": "\uff61"}}'::dynamo.item
$f$;

-- ---------------------------------------------------------------- comparators
SELECT ok(condition_matches(pg_temp.c(), 'n = :v', NULL, '{":v": {"N": "10.0"}}'),
          '= on numbers is numeric (10 = 10.0)');
SELECT ok(condition_matches(pg_temp.c(), 'n > :v', NULL, '{":v": {"N": "9"}}'),
          '> on numbers is numeric, not string order (10 > 9)');
SELECT ok(NOT condition_matches(pg_temp.c(), 'n < :v', NULL, '{":v": {"N": "9"}}'),
          '< on numbers is numeric (10 < 9 is false)');
SELECT ok(condition_matches(pg_temp.c(), 'n <= :a AND n >= :a', NULL, '{":a": {"N": "1e1"}}'),
          '<= and >= are inclusive (10 vs 1e1)');
SELECT ok(condition_matches(pg_temp.c(), 's < :v', NULL, '{":v": {"S": "abd"}}'),
          '< on strings is lexicographic');
SELECT ok(condition_matches(pg_temp.c(), 's > :v', NULL, '{":v": {"S": "ABC"}}'),
          'string order is by bytes: lower case sorts after upper case');
SELECT ok(condition_matches(pg_temp.c(), 'u < :v', NULL, '{":v": {"S": "\ud83d\ude00"}}'),
          'string order is UTF-8 byte order (U+FF61 < U+1F600), not UTF-16 order');
SELECT ok(condition_matches(pg_temp.c(), 'b < :v', NULL, '{":v": {"B": "/w=="}}'),
          'binary order is unsigned bytes (0x01 0x02 < 0xFF)');
SELECT ok(condition_matches(pg_temp.c(), 's <> :v', NULL, '{":v": {"S": "abd"}}'),
          '<> true for different strings');
SELECT ok(NOT condition_matches(pg_temp.c(), 'nope = :v', NULL, '{":v": {"N": "1"}}'),
          'missing attribute: = is false');
SELECT ok(condition_matches(pg_temp.c(), 'nope <> :v', NULL, '{":v": {"N": "1"}}'),
          'missing attribute: <> is true');
SELECT ok(NOT condition_matches(pg_temp.c(), 'nope < :v OR nope >= :v', NULL, '{":v": {"N": "1"}}'),
          'missing attribute: ordering comparisons are false');
SELECT ok(NOT condition_matches(pg_temp.c(), 'n = :v', NULL, '{":v": {"S": "10"}}'),
          'different types: = is false (N 10 vs S "10")');
SELECT ok(condition_matches(pg_temp.c(), 'n <> :v', NULL, '{":v": {"S": "10"}}'),
          'different types: <> is true');
SELECT ok(NOT condition_matches(pg_temp.c(), 'n < :v OR n > :v', NULL, '{":v": {"S": "10"}}'),
          'different types: ordering comparisons are false');
SELECT ok(condition_matches(pg_temp.c(), 'ss = :a AND ns = :b', NULL,
                            '{":a": {"SS": ["y", "x"]}, ":b": {"NS": ["2.0", "1"]}}'),
          'sets compare equal regardless of element order (numbers numerically)');
SELECT ok(condition_matches(pg_temp.c(), 'l = :l AND m.#in[1] = :m', '{"#in": "in"}',
                            '{":l": {"L": [{"S": "x"}, {"N": "2"}]}, ":m": {"M": {"c": {"S": "deep"}}}}'),
          'lists and maps compare deeply');
SELECT ok(condition_matches(NULL, 'nope <> :v', NULL, '{":v": {"N": "1"}}'),
          'an item that does not exist: <> is true');

-- ---------------------------------------------------------------- BETWEEN / IN
SELECT ok(condition_matches(pg_temp.c(), 'n BETWEEN :lo AND :hi', NULL, '{":lo": {"N": "5"}, ":hi": {"N": "10"}}'),
          'BETWEEN is inclusive at the upper bound');
SELECT ok(NOT condition_matches(pg_temp.c(), 'nope BETWEEN :lo AND :hi', NULL, '{":lo": {"N": "5"}, ":hi": {"N": "10"}}'),
          'BETWEEN on a missing attribute is false');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n BETWEEN :lo AND :hi', NULL, '{":lo": {"N": "1"}, ":hi": {"S": "a"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}',
                 'BETWEEN with bounds of different types');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 's BETWEEN :lo AND :hi', NULL, '{":lo": {"S": "b"}, ":hi": {"S": "a"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}',
                 'BETWEEN with lower bound above upper bound');
SELECT ok(condition_matches(pg_temp.c(), 'n IN (:a, :b)', NULL, '{":a": {"N": "1"}, ":b": {"N": "10"}}'),
          'IN is true when one operand matches');
SELECT ok(NOT condition_matches(pg_temp.c(), 'nope IN (:a, :b)', NULL, '{":a": {"N": "1"}, ":b": {"N": "10"}}'),
          'IN on a missing attribute is false');
SELECT ok(condition_matches(pg_temp.c(),
            'n IN (' || (SELECT string_agg(':v' || g, ', ') FROM generate_series(1, 100) g) || ')', NULL,
            (SELECT jsonb_object_agg(':v' || g, jsonb_build_object('N', g::text)) FROM generate_series(1, 100) g)),
          'IN accepts 100 operands');
SELECT throws_ok(format($$SELECT condition_matches(pg_temp.c(), %L, NULL, %L)$$,
            'n IN (' || (SELECT string_agg(':v' || g, ', ') FROM generate_series(1, 101) g) || ')',
            (SELECT jsonb_object_agg(':v' || g, jsonb_build_object('N', g::text)) FROM generate_series(1, 101) g)),
          'YD001',
          'Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101',
          'IN with 101 operands');

-- ---------------------------------------------------------------- AND / OR / NOT, parentheses
SELECT ok(condition_matches(pg_temp.c(), 'n = :ten OR n = :zero AND n = :zero', NULL,
                            '{":ten": {"N": "10"}, ":zero": {"N": "0"}}'),
          'AND binds tighter than OR');
SELECT ok(NOT condition_matches(pg_temp.c(), '(n = :ten OR n = :zero) AND n = :zero', NULL,
                                '{":ten": {"N": "10"}, ":zero": {"N": "0"}}'),
          'parentheses override precedence');
SELECT ok(NOT condition_matches(pg_temp.c(), 'NOT n = :zero AND n = :zero', NULL, '{":zero": {"N": "0"}}'),
          'NOT binds tighter than AND');
SELECT ok(condition_matches(pg_temp.c(), 'not (n = :zero and n = :zero) oR n = :zero', NULL, '{":zero": {"N": "0"}}'),
          'keywords are case-insensitive; NOT over a parenthesised condition');
SELECT ok(condition_matches(pg_temp.c(), '(n) = (:v) AND size((s)) = :three AND (m.k) IN ((:k), :v)', NULL,
                            '{":v": {"N": "10"}, ":three": {"N": "3"}, ":k": {"S": "v"}}'),
          'one pair of parentheses around an operand or function argument is allowed');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), '((n = :v))', NULL, '{":v": {"N": "10"}}')$$,
                 'YD001', 'Invalid ConditionExpression: The expression has redundant parentheses;',
                 'doubled parentheses around a condition are redundant');
SELECT throws_ok($$SELECT filter_matches(pg_temp.c(), 'n > ((:v))', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid FilterExpression: The expression has redundant parentheses;',
                 'doubled parentheses around an operand are redundant (FilterExpression prefix)');

-- ---------------------------------------------------------------- functions
SELECT ok(condition_matches(pg_temp.c(), 'attribute_exists(n) AND attribute_exists(z) AND attribute_not_exists(nope)'),
          'attribute_exists / attribute_not_exists (NULL-typed attribute exists)');
SELECT ok(NOT condition_matches(pg_temp.c(), 'attribute_exists(nope) OR attribute_not_exists(m.k)'),
          'attribute_exists false on missing, attribute_not_exists false on a nested existing path');
SELECT ok(condition_matches(NULL, 'attribute_not_exists(pk)'),
          'attribute_not_exists on an item that does not exist');
SELECT ok(condition_matches(pg_temp.c(), 'attribute_type(n, :N) AND attribute_type(ss, :SS) AND attribute_type(z, :NULL) AND attribute_type(m, :M)', NULL,
                            '{":N": {"S": "N"}, ":SS": {"S": "SS"}, ":NULL": {"S": "NULL"}, ":M": {"S": "M"}}'),
          'attribute_type matches the type of the attribute');
SELECT ok(NOT condition_matches(pg_temp.c(), 'attribute_type(n, :S) OR attribute_type(nope, :S)', NULL, '{":S": {"S": "S"}}'),
          'attribute_type false for another type or a missing attribute');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_type(n, :t)', NULL, '{":t": {"S": "STRING"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}',
                 'attribute_type with an invalid type name');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_type(n, :t)', NULL, '{":t": {"N": "1"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N',
                 'attribute_type with a number type operand');
SELECT ok(condition_matches(pg_temp.c(), 'begins_with(s, :p) AND begins_with(b, :bp)', NULL,
                            '{":p": {"S": "ab"}, ":bp": {"B": "AQ=="}}'),
          'begins_with on strings and binaries');
SELECT ok(NOT condition_matches(pg_temp.c(), 'begins_with(n, :p) OR begins_with(s, :q) OR begins_with(nope, :p)', NULL,
                                '{":p": {"S": "1"}, ":q": {"S": "b"}}'),
          'begins_with false on a number attribute, a non-prefix, a missing attribute');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'begins_with(s, :v)', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
                 'begins_with with a number operand');
SELECT ok(condition_matches(pg_temp.c(), 'contains(s, :sub) AND contains(ss, :x) AND contains(ns, :two) AND contains(bs, :b1) AND contains(l, :two)', NULL,
                            '{":sub": {"S": "bc"}, ":x": {"S": "x"}, ":two": {"N": "2.0"}, ":b1": {"B": "AQ=="}}'),
          'contains: substring of S, element of SS/NS/BS (numbers numerically), element of L');
SELECT ok(NOT condition_matches(pg_temp.c(), 'contains(l, :z) OR contains(ss, :one) OR contains(s, :cb) OR contains(nope, :z)', NULL,
                                '{":z": {"S": "z"}, ":one": {"N": "1"}, ":cb": {"S": "cb"}}'),
          'contains false: absent list element, set of another element type, non-substring, missing attribute');
SELECT ok(condition_matches(pg_temp.c(), 'size(s) = :three AND size(b) = :two AND size(ss) = :two AND size(ns) = :two AND size(bs) = :two AND size(l) = :two AND size(m) = :two', NULL,
                            '{":three": {"N": "3"}, ":two": {"N": "2"}}'),
          'size of S (characters), B (bytes), sets (elements), L and M (children)');
SELECT ok(condition_matches(pg_temp.c(), 'size(m.#in[1].c) > size(ss)', '{"#in": "in"}'),
          'size() on both sides of a comparison, on a nested path');
SELECT ok(NOT condition_matches(pg_temp.c(), 'size(nope) >= :zero', NULL, '{":zero": {"N": "0"}}'),
          'size of a missing attribute makes the comparison false');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'size(:v) > n', NULL, '{":v": {"BOOL": true}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: BOOL',
                 'size of a BOOL value');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'begins_with(s, :a, :b)', NULL, '{":a": {"S": "a"}, ":b": {"S": "b"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3',
                 'begins_with with three operands');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_type(s)')$$,
                 'YD001',
                 'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1',
                 'attribute_type with one operand');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_exists()')$$,
                 'YD001', 'Invalid ConditionExpression: Syntax error; token: ")", near: "()"',
                 'a function with no operands is a syntax error');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_exists(:v)', NULL, '{":v": {"S": "x"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
                 'attribute_exists of a value');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'whatever(s)')$$,
                 'YD001', 'Invalid ConditionExpression: Invalid function name; function: whatever',
                 'unknown function');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'ATTRIBUTE_EXISTS(s)')$$,
                 'YD001', 'Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS',
                 'function names are case-sensitive');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'size(s)')$$,
                 'YD001',
                 'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size',
                 'size() as a whole condition');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_exists(s) = :v', NULL, '{":v": {"BOOL": true}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists',
                 'attribute_exists as an operand');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n = n')$$,
                 'YD001',
                 'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [n]',
                 'comparing a path with itself');

-- ---------------------------------------------------------------- names, reserved words, paths
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'status = :v', NULL, '{":v": {"S": "x"}}')$$,
                 'YD001', 'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status',
                 'status is a reserved word');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'm.Name = :v', NULL, '{":v": {"S": "x"}}')$$,
                 'YD001', 'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Name',
                 'reserved words are checked case-insensitively in nested path components, message keeps the spelling');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'size > :v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size',
                 'size used as an attribute name is reserved');
SELECT ok(condition_matches('{"status": {"S": "on"}, "name": {"S": "n"}, "size": {"N": "3"}}',
                            '#st = :on AND #nm = :n AND #sz = :three AND size(#nm) < #sz',
                            '{"#st": "status", "#nm": "name", "#sz": "size"}',
                            '{":on": {"S": "on"}, ":n": {"S": "n"}, ":three": {"N": "3"}}'),
          'reserved words through #name placeholders');
SELECT ok(condition_matches(pg_temp.c(), 'm.#in[1].c = :d AND #m.k = :v AND #m.#in[0] = :z', '{"#in": "in", "#m": "m"}',
                            '{":d": {"S": "deep"}, ":v": {"S": "v"}, ":z": {"N": "0"}}'),
          'nested document paths a.b[1].c with and without placeholders');
SELECT ok(NOT condition_matches(pg_temp.c(), 'm.#in[5].c = :d OR s[0] = :d OR l.x = :d', '{"#in": "in"}', '{":d": {"S": "deep"}}'),
          'paths that do not resolve (index past end, index into a string, key into a list) are missing');
SELECT ok(condition_matches('{"a.b": {"N": "1"}, "a": {"M": {"b": {"N": "2"}}}}', '#ab = :one AND a.b = :two',
                            '{"#ab": "a.b"}', '{":one": {"N": "1"}, ":two": {"N": "2"}}'),
          'a #name standing for "a.b" is one top-level attribute, not a path');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), '#x = :v', '{"#y": "n"}', '{":v": {"N": "1"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
                 'undefined #name');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n = :nope', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001',
                 'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
                 'undefined :value');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n = :v', '{"#u": "x"}', '{":v": {"N": "1"}}')$$,
                 'YD001', 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}',
                 'unused #name');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n = :v', NULL, '{":v": {"N": "1"}, ":u": {"N": "2"}}')$$,
                 'YD001', 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}',
                 'unused :value');

-- ---------------------------------------------------------------- syntax, empty, size limit
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'foo')$$,
                 'YD001', 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"',
                 'a bare path is a syntax error at <EOF> (real DynamoDB message)');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'attribute_not_exists(')$$,
                 'YD001', 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("',
                 'unclosed function call');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n = 4')$$,
                 'YD001', 'Invalid ConditionExpression: Syntax error; token: "4", near: "= 4"',
                 'literals are not allowed');
SELECT throws_ok($$SELECT filter_matches(pg_temp.c(), '')$$,
                 'YD001', 'Invalid FilterExpression: The expression can not be empty;',
                 'empty filter expression');
SELECT lives_ok($$SELECT condition_matches(pg_temp.c(), 'n =' || repeat(' ', 4091) || ':v', NULL, '{":v": {"N": "1"}}')$$,
                'an expression of exactly 4096 bytes is allowed');
SELECT throws_ok($$SELECT condition_matches(pg_temp.c(), 'n =' || repeat(' ', 4092) || ':v', NULL, '{":v": {"N": "1"}}')$$,
                 'YD001', 'Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097',
                 'an expression over 4 KB');

SELECT * FROM finish();
ROLLBACK;
