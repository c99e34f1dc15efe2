-- expr_projection.sql: projection expressions, and key conditions.

\set item '{"pk": {"S": "k"}, "n": {"N": "10"}, "l": {"L": [{"S": "a"}, {"M": {"x": {"N": "1"}, "y": {"N": "2"}}}, {"S": "c"}]}, "m": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"S": "deep"}}}}}, "status": {"S": "on"}}'

SELECT e, dynamo.project(:'item', e, used_only('{"#s": "status", "#m": "m"}', e))
  FROM unnest(ARRAY['pk', 'pk, n', 'm.a', 'm.b.c, n', 'l[2], l[0]', 'l[1].y', 'l[1].y, l[2]',
                    'nothing', 'l[7]', 'n.x', 'pk, #s', '#m.a']) AS e;
SELECT e, error_of(format('SELECT dynamo.project(%L, %L)', :'item', e))
  FROM unnest(ARRAY['', 'pk,', 'pk n', 'status', 'pk, pk', 'm, m.a', 'm.a, m', 'l[0], l.x', ':v', 'a..b',
                    '#undefined', 'size(n)']) AS e;

-- key conditions on a table keyed (pk, sk)
SELECT e, dynamo.key_condition(e, 'pk', 'sk', NULL, used_only('{":p": {"S": "x"}, ":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "ab"}}', e))
  FROM unnest(ARRAY['pk = :p', 'pk = :p AND sk = :a', 'pk = :p AND sk < :a', 'pk = :p AND sk <= :a',
                    'pk = :p AND sk > :a', 'pk = :p AND sk >= :a', 'pk = :p AND sk BETWEEN :a AND :b',
                    'pk = :p AND begins_with(sk, :s)', ':p = pk AND :a < sk', '(pk = :p) AND (sk = :a)',
                    'sk = :a AND pk = :p']) AS e;
SELECT e, error_of(format('SELECT dynamo.key_condition(%L, %L, %L, NULL, %L)', e, 'pk', 'sk',
                          used_only('{":p": {"S": "x"}, ":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "ab"}}', e)))
  FROM unnest(ARRAY['pk = :p OR sk = :a', 'NOT pk = :p', 'pk IN (:p)', 'pk <> :p', 'attribute_exists(pk)',
                    'pk = :p AND contains(sk, :s)', 'pk = :p AND size(sk) = :a', 'sk = :a', 'pk < :p',
                    'pk = :p AND pk = :p', 'pk = :p AND sk = :a AND sk = :b', 'pk = :p AND extra = :a',
                    'pk = :p AND sk = sk', 'pk = :p AND sk.x = :a', 'pk = :p AND begins_with(sk, :a)',
                    ':p = :p', 'pk = :p AND sk BETWEEN :b AND :a', 'pk = ']) AS e;
-- a table with a partition key only
SELECT error_of($$SELECT dynamo.key_condition('pk = :p AND x = :a', 'pk', NULL, NULL, '{":p": {"S": "x"}, ":a": {"N": "1"}}')$$);
