-- expr_condition.sql: condition and filter expressions: operators,
-- functions, precedence, paths, placeholders, and DynamoDB's errors.

\set item '{"pk": {"S": "user#1"}, "n": {"N": "5"}, "s": {"S": "hello"}, "b": {"B": "AQID"}, "t": {"BOOL": true}, "z": {"NULL": true}, "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]}, "l": {"L": [{"N": "1"}, {"S": "two"}, {"M": {"deep": {"S": "v"}}}]}, "m": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"S": "x"}}}}}}'

-- comparisons: numbers numerically, strings and binaries by bytes
SELECT c, check_condition(:'item', c, '{":five": {"N": "5.0"}, ":six": {"N": "6"}, ":s": {"S": "hello"}, ":h": {"S": "h"}, ":b": {"B": "AQ=="}}')
  FROM unnest(ARRAY['n = :five', 'n <> :five', 'n < :six', 'n <= :five', 'n > :five', 'n >= :five',
                    's = :s', 's > :h', 'b > :b', 'n < :s', 'n <> :s', 'missing_attr = :five',
                    'missing_attr <> :five', 'missing_attr < :five']) AS c;

-- BETWEEN and IN
SELECT c, check_condition(:'item', c, '{":one": {"N": "1"}, ":five": {"N": "5"}, ":nine": {"N": "9"}, ":s": {"S": "a"}}')
  FROM unnest(ARRAY['n BETWEEN :one AND :nine', 'n BETWEEN :one AND :five', 'n BETWEEN :five AND :nine',
                    's BETWEEN :s AND :s', 'n IN (:one, :five)', 'n IN (:one, :nine)', 's IN (:s)']) AS c;

-- functions
SELECT c, check_condition(:'item', c, '{":he": {"S": "he"}, ":ell": {"S": "ell"}, ":x": {"S": "x"}, ":two": {"N": "2"}, ":one": {"N": "1"}, ":b1": {"B": "AQ=="}, ":five": {"N": "5"}, ":three": {"N": "3"}, ":S": {"S": "S"}, ":SS": {"S": "SS"}, ":NULL": {"S": "NULL"}, ":m": {"M": {"deep": {"S": "v"}}}}')
  FROM unnest(ARRAY['attribute_exists(pk)', 'attribute_exists(nope)', 'attribute_not_exists(nope)',
                    'attribute_exists(z)', 'attribute_exists(m.b.c)', 'attribute_exists(l[2].deep)',
                    'attribute_exists(l[3])', 'attribute_type(s, :S)', 'attribute_type(ss, :SS)',
                    'attribute_type(z, :NULL)', 'attribute_type(s, :SS)', 'begins_with(s, :he)',
                    'begins_with(s, :ell)', 'begins_with(b, :b1)', 'contains(s, :ell)', 'contains(ss, :x)',
                    'contains(ns, :two)', 'contains(bs, :b1)', 'contains(l, :one)', 'contains(l, :m)',
                    'contains(ns, :x)', 'size(s) = :five', 'size(ss) = :two', 'size(l) = :three',
                    'size(m) = :two', 'size(b) = :three', 'size(n) = :one', 'size(nope) = :one']) AS c;

-- precedence: NOT binds tighter than AND, AND tighter than OR
SELECT c, check_condition(:'item', c, '{":five": {"N": "5"}, ":six": {"N": "6"}}')
  FROM unnest(ARRAY['n = :six OR n = :five AND n = :five', '(n = :six OR n = :five) AND n = :six',
                    'NOT n = :six AND n = :five', 'NOT (n = :five AND n = :six)', 'not n = :six or n = :six',
                    '(n) = :five', 'n = (:five)']) AS c;

-- paths: nested maps and lists, #name placeholders, reserved words
SELECT c, check_condition(:'item', c, '{":v": {"S": "v"}, ":x": {"S": "x"}}', '{"#l": "l", "#st": "status", "#dot": "m.b"}')
  FROM unnest(ARRAY['#l[2].deep = :v AND m.b.c = :x AND attribute_not_exists(#st) AND attribute_not_exists(#dot)']) AS c;
SELECT check_condition(:'item', 'status = :v', '{":v": {"S": "v"}}');
SELECT check_condition(:'item', 'Size = :v', '{":v": {"S": "v"}}');
SELECT check_condition(:'item', 'm.name = :v', '{":v": {"S": "v"}}');

-- a NULL item is an item that does not exist
SELECT dynamo.condition_matches(NULL, 'attribute_not_exists(pk)') AS new_item_ok,
       dynamo.condition_matches(NULL, 'attribute_exists(pk)') AS new_item_exists;

-- placeholders
SELECT check_condition(:'item', 'n = :nope', '{":v": {"N": "1"}}');
SELECT check_condition(:'item', '#nope = :v', '{":v": {"N": "1"}}');
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{":v": {"N": "1"}, ":w": {"N": "2"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', '{"#b": "b", "#a": "a"}', '{":v": {"N": "1"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', '{}', '{":v": {"N": "1"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{"v": {"N": "1"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', '{"a": "x"}', '{":v": {"N": "1"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', '#a = :v', '{"#a": ""}', '{":v": {"N": "1"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{":v": {"SS": []}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{":v": {"N": "abc"}}')$$);
SELECT error_of($$SELECT dynamo.condition_matches('{}', 'n = :v', NULL, '{":v": {"S": 1}}')$$);

-- syntax errors: the token, and the text near it
SELECT c, check_condition(:'item', c, '{":v": {"N": "1"}}')
  FROM unnest(ARRAY['', '   ', 'n', 'n = ', 'n = = :v', 'n == :v', 'n = :v AND', 'n = :v )', '(n = :v',
                    'n = 5', 'n = "x"', 'n IN :v', 'n IN (:v,)', 'n BETWEEN :v', 'l[x] = :v', 'l[] = :v',
                    'n = :v :v', 'ü = :v', 'n = :']) AS c;

-- functions: names, arity, operands
SELECT c, check_condition(:'item', c, '{":v": {"N": "1"}, ":s": {"S": "x"}, ":t": {"S": "XX"}, ":b": {"BOOL": true}}')
  FROM unnest(ARRAY['whatever(n)', 'ATTRIBUTE_EXISTS(n)', 'attribute_exists(n, s)', 'attribute_exists(:v)',
                    'begins_with(s)', 'begins_with(s, :v)', 'attribute_type(s, :t)', 'attribute_type(s, :v)',
                    'size(s)', 'size(:b) = :v', 'size(s) > size(s)', 'attribute_exists(s) = :v',
                    'if_not_exists(s, :s) = :s', 'contains(s, s)', 'n = n', 'n BETWEEN n AND :v']) AS c;

-- BETWEEN bounds, IN size
SELECT check_condition(:'item', 'n BETWEEN :hi AND :lo', '{":lo": {"N": "1"}, ":hi": {"N": "9"}}');
SELECT check_condition(:'item', 'n BETWEEN :lo AND :s', '{":lo": {"N": "1"}, ":s": {"S": "a"}}');
SELECT check_condition(:'item', 'n IN (' || string_agg(':v', ', ') || ')', '{":v": {"N": "5"}}')
  FROM generate_series(1, 100);
SELECT check_condition(:'item', 'n IN (' || string_agg(':v', ', ') || ')', '{":v": {"N": "5"}}')
  FROM generate_series(1, 101);

-- redundant parentheses, error precedence
SELECT check_condition(:'item', '((n = :v))', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'n > ((n))', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'status = :nope AND whatever(x)', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'status = :nope', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'status = = :nope', '{":v": {"N": "5"}}');

-- size limits: 4 KB of expression
SELECT check_condition(:'item', 'n = :v' || repeat(' ', 4090), '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'n = :v' || repeat(' ', 4091), '{":v": {"N": "5"}}');
-- hostile nesting is bounded by the size limit, never a crash: it ends in
-- DynamoDB's own answer (redundant parentheses, a syntax error, too many
-- operators, an operand type)
SELECT check_condition(:'item', repeat('(', 2000) || 'n = :v' || repeat(')', 2000), '{":v": {"N": "5"}}');
SELECT check_condition(:'item', repeat('NOT ', 1000) || 'n = :v', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', repeat('(', 4090), '{":v": {"N": "5"}}');
SELECT check_condition(:'item', repeat('NOT (', 680) || 'n = :v' || repeat(')', 680), '{":v": {"N": "5"}}');
SELECT check_condition(:'item', repeat('size(', 680) || 's' || repeat(')', 680) || ' = :v', '{":v": {"N": "5"}}');
SELECT check_condition(:'item', repeat('contains(', 455), '{":v": {"N": "5"}}');
SELECT check_condition(:'item', 'n IN (' || repeat('(', 4080), '{":v": {"N": "5"}}');
SELECT error_of(format('SELECT dynamo.apply_update(%L, %L, NULL, %L)', :'item', 'SET a = ' || repeat('(', 4080), '{":v": {"N": "5"}}'));
SELECT error_of(format('SELECT dynamo.apply_update(%L, %L)', :'item', 'SET a = ' || repeat('list_append(l, ', 250) || 'l' || repeat(')', 250)));
-- at most 300 operators and functions (comparisons, BETWEEN, IN, AND, OR,
-- NOT, functions, + and -) in the expressions of one request
SELECT check_condition(:'item', repeat('n = :v AND ', 149) || 'n = :v', '{":v": {"N": "5"}}') AS ops_299;
SELECT check_condition(:'item', repeat('n = :v OR ', 150) || 'n = :v', '{":v": {"N": "5"}}') AS ops_301;
SELECT check_condition(:'item', repeat('NOT ', 299) || 'n = :v', '{":v": {"N": "5"}}') AS ops_300;
SELECT check_condition(:'item', repeat('size(s) > :v AND ', 100) || 'n = :v', '{":v": {"N": "0"}}') AS ops_301;
SELECT length(dynamo.apply_update(:'item', 'SET ' || string_agg(format('a%s=n+n', g), ','))::text) > 0 AS update_ops_300
  FROM generate_series(1, 300) g;
SELECT error_of(format('SELECT dynamo.apply_update(%L, %L)', :'item', 'SET ' || string_agg(format('a%s=n+n', g), ',')))
  FROM generate_series(1, 301) g;
-- counted across the expressions of one request: UpdateExpression, then ConditionExpression
SELECT error_of(format($$SELECT dynamo.execute('UpdateItem', %L)$$,
       jsonb_build_object('TableName', 'nope', 'Key', '{"pk": {"S": "a"}}'::jsonb,
                          'UpdateExpression', 'SET ' || (SELECT string_agg(format('a%s = n + :v', g), ', ') FROM generate_series(1, 200) g),
                          'ConditionExpression', repeat('n = :v AND ', 50) || 'n = :v',
                          'ExpressionAttributeValues', '{":v": {"N": "1"}}'::jsonb)));

-- constant operands are type-checked before any item is read: <, <=, >, >=
-- and BETWEEN order N, S and B only; =, <>, IN and contains take any type
SELECT c, check_condition(:'item', c, '{":m": {"M": {}}, ":l": {"L": []}, ":b": {"BOOL": true}, ":z": {"NULL": true}, ":ss": {"SS": ["a"]}, ":ns": {"NS": ["1"]}, ":bs": {"BS": ["AQ=="]}, ":n": {"N": "1"}, ":s": {"S": "a"}, ":bin": {"B": "AQ=="}}')
  FROM unnest(ARRAY['n < :m', ':l <= n', 'n > :b', 'n >= :z', 'n < :ss', 'n < :ns', 'n > :bs',
                    'n BETWEEN :b AND :b', 'n BETWEEN :n AND :l', ':m BETWEEN n AND n', 'nope < :m', 'NOT n > :m',
                    'n < :s', 'b > :bin', 'n BETWEEN :n AND :n', 'size(s) < size(l)', 'n < nope',
                    'n = :m', 'n <> :l', 'n IN (:m, :b, :z)', 'contains(l, :m)', 'contains(l, :b)', 'contains(:m, n)',
                    'begins_with(s, :l)', 'begins_with(:n, s)', 'size(:n) > :n', 'size(:m) > :n',
                    'attribute_type(s, s)', 'attribute_type(s, size(s))', 'attribute_type(s, :n)',
                    'n < :m AND n = :undefined', 'n = :undefined AND n < :m', 'n < n AND n > :m']) AS c;
SELECT error_of($$SELECT dynamo.filter_matches('{}', 'a <= :v', NULL, '{":v": {"BOOL": false}}')$$);
SELECT error_of($$SELECT dynamo.key_condition('pk = :p AND sk > :v', 'pk', 'sk', NULL, '{":p": {"S": "a"}, ":v": {"M": {}}}')$$);

-- FilterExpression errors name their parameter
SELECT error_of($$SELECT dynamo.filter_matches('{}', 'a = ')$$);
SELECT dynamo.filter_matches('{"a": {"N": "1"}}', 'a = :v', NULL, '{":v": {"N": "1"}}');

-- evaluated per row, parsed once per query
SELECT count(*) FILTER (WHERE dynamo.condition_matches(i, 'n >= :min', NULL, '{":min": {"N": "500"}}'))
  FROM (SELECT ('{"n": {"N": "' || g || '"}}')::dynamo.item AS i FROM generate_series(1, 1000) g) t;

-- size() of a value, contains() on binaries, names starting with "_"
SELECT check_condition(:'item', 'size(:s) = :three AND contains(b, :b2)', '{":s": {"S": "abc"}, ":three": {"N": "3"}, ":b2": {"B": "AgM="}}');
SELECT check_condition(:'item', '_x = :v', '{":v": {"N": "5"}}');

-- names and values holding U+0000, through the lossless text door: read with
-- their lengths, never cut at the NUL
SELECT dynamo.execute_text('CreateTable', '{"TableName": "expr_nul", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}') IS NOT NULL AS created;
SELECT dynamo.execute_text('PutItem', '{"TableName": "expr_nul", "Item": {"pk": {"S": "k"}, "a\u0000b": {"S": "x\u0000y"}, "a": {"S": "x"}}}');
SELECT dynamo.execute_text('UpdateItem', '{"TableName": "expr_nul", "Key": {"pk": {"S": "k"}}, "UpdateExpression": "SET #c = :v", "ConditionExpression": "#n = :v AND #a <> :v", "ExpressionAttributeNames": {"#n": "a\u0000b", "#a": "a", "#c": "c\u0000"}, "ExpressionAttributeValues": {":v": {"S": "x\u0000y"}}, "ReturnValues": "UPDATED_NEW"}');
SELECT error_of(format($$SELECT dynamo.execute_text('PutItem', %L)$$, '{"TableName": "expr_nul", "Item": {"pk": {"S": "k"}}, "ConditionExpression": "#n = :v", "ExpressionAttributeNames": {"#n": "a\u0000b"}, "ExpressionAttributeValues": {":v": {"S": "x\u0000z"}}}'));
SELECT error_of(format($$SELECT dynamo.execute_text('PutItem', %L)$$, '{"TableName": "expr_nul", "Item": {"pk": {"S": "k"}}, "ConditionExpression": "#n = :v", "ExpressionAttributeNames": {"#n": "a"}, "ExpressionAttributeValues": {":v": {"S": "x\u0000"}}}'));
SELECT dynamo.execute_text('Scan', '{"TableName": "expr_nul", "ScanFilter": {"a\u0000b": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "x\u0000"}]}, "c\u0000": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x\u0000y"}]}}, "AttributesToGet": ["a\u0000b", "c\u0000"]}');
-- a name given twice keeps its last value
SELECT dynamo.execute_text('GetItem', '{"TableName": "expr_nul", "Key": {"pk": {"S": "k"}}, "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "a\u0000b", "#n": "a"}}');
SELECT dynamo.execute_text('DeleteTable', '{"TableName": "expr_nul"}') IS NOT NULL AS deleted;
