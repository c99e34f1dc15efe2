-- value_access.sql: reading attributes, paths, names, types, plain JSON.

CREATE TEMP TABLE orders (i dynamo.item);
INSERT INTO orders VALUES
    ('{"pk": {"S": "customer#1"}, "sk": {"N": "1"}, "total": {"N": "19.99"}, "paid": {"BOOL": true},
       "note": {"NULL": true}, "raw": {"B": "AQID"}, "tags": {"SS": ["gift", "rush"]},
       "lines": {"L": [{"M": {"sku": {"S": "A-1"}, "qty": {"N": "2"}}},
                       {"M": {"sku": {"S": "B-2"}, "qty": {"N": "1"}, "opts": {"L": [{"S": "red"}]}}}]},
       "address": {"M": {"city": {"S": "Lyon"}, "zip": {"S": "69001"}}}}'),
    ('{"pk": {"S": "customer#2"}, "sk": {"N": "7"}, "total": {"N": "5"}}');

-- -> gives a dynamo.value, ->> text, ? presence
SELECT i -> 'total' AS total, i ->> 'total' AS total_text, i ? 'paid' AS has_paid,
       i -> 'missing' AS missing, i ->> 'note' AS note_text, i ->> 'raw' AS raw_text,
       i ->> 'paid' AS paid_text, i ->> 'tags' AS tags_text
  FROM orders ORDER BY i ->> 'pk';

-- document paths
SELECT i #> 'address.city' AS city, i #> 'lines[1].sku' AS sku, i #> 'lines[1].opts[0]' AS opt,
       i #> 'lines[5].sku' AS out_of_range, i #> 'address[0]' AS not_a_list, i #> 'total.x' AS not_a_map
  FROM orders WHERE i ->> 'pk' = 'customer#1';
SELECT error_of($$SELECT '{}'::dynamo.item #> 'a..b'$$);
SELECT error_of($$SELECT '{}'::dynamo.item #> 'a[x]'$$);
SELECT error_of($$SELECT '{}'::dynamo.item #> 'a[1'$$);
SELECT error_of($$SELECT '{}'::dynamo.item #> ''$$);

-- names, count, types
SELECT dynamo.attribute_count(i), dynamo.attribute_names(i) FROM orders ORDER BY 1;
SELECT k, dynamo.value_type(i -> k) FROM orders, unnest(dynamo.attribute_names(i)) AS k
 WHERE i ->> 'pk' = 'customer#1' ORDER BY k;

-- SQL over items: numbers are exact numerics, booleans booleans
SELECT sum((i -> 'total')::numeric) AS revenue, count(*) FILTER (WHERE (i -> 'paid')::boolean) AS paid
  FROM orders;
SELECT error_of($$SELECT ('{"S": "x"}'::dynamo.value)::boolean$$);

-- plain JSON, as the SDK document clients write it
SELECT dynamo.to_plain(i) FROM orders ORDER BY i ->> 'pk';
SELECT dynamo.to_plain('{"N": "1E+30"}'::dynamo.value), dynamo.to_plain('{"S": "x"}'::dynamo.value),
       dynamo.to_plain('{"NULL": true}'::dynamo.value);
SELECT dynamo.from_plain('{"id": "a", "n": 1.50, "big": 1e30, "ok": true, "none": null,
                           "list": [1, "two", [3]], "map": {"b": 2, "a": 1}}');
SELECT dynamo.value_from_plain('"x"'), dynamo.value_from_plain('[1, 2]'), dynamo.value_from_plain('-0.0');
SELECT error_of($$SELECT dynamo.from_plain('[1]')$$);
SELECT error_of($$SELECT dynamo.from_plain('{"n": 1e200}')$$);
SELECT error_of($$SELECT dynamo.from_plain('{"n": 123456789012345678901234567890123456789}')$$);
-- a plain item comes back as it went in
SELECT dynamo.to_plain(dynamo.from_plain(j)) = j AS round_trips
  FROM (SELECT '{"a": [1, {"b": null}], "c": "d", "e": false}'::jsonb AS j) t;
