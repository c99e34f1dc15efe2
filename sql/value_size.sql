-- value_size.sql: dynamo.item_size by DynamoDB's rules, checked against
-- known sizes (the developer guide's rules; number sizes as pinned by
-- item-size boundary tests against the real service).

-- strings: UTF-8 bytes of name and value
SELECT dynamo.item_size('{"a": {"S": "ab"}}') AS "3",
       dynamo.item_size('{"名": {"S": "日本"}}') AS "9",
       dynamo.item_size('{"a": {"S": ""}}') AS "1";

-- binary: raw bytes; BOOL and NULL: 1 byte
SELECT dynamo.item_size('{"b": {"B": "AAECAw=="}}') AS "5",
       dynamo.item_size('{"t": {"BOOL": true}, "n": {"NULL": true}}') AS "4";

-- numbers: 1 byte + base-100 digit pairs aligned on the decimal point, +1 if negative
SELECT n, dynamo.value_size(('{"N": "' || n || '"}')::dynamo.value) AS size
  FROM unnest(ARRAY['0', '1', '10', '100', '12', '123', '1.5', '-1', '-1E-130', '0.01', '0.001',
                    '1E+125', '11' || repeat('0', 124), '11111' || repeat('0', 121),
                    '111111' || repeat('0', 120), '1111111' || repeat('0', 119),
                    '12345678901234567890123456789012345678',
                    '1.2345678901234567890123456789012345678',
                    '-1.2345678901234567890123456789012345678']) AS n;

-- lists and maps: 3 bytes + 1 per element; sets: the sum of their elements
SELECT dynamo.item_size('{"a": {"L": []}}') AS "4",
       dynamo.item_size('{"a": {"L": [{"S": "ab"}, {"N": "1"}]}}') AS "10",
       dynamo.item_size('{"a": {"M": {"xy": {"BOOL": true}}}}') AS "8",
       dynamo.item_size('{"ss": {"SS": ["pizza", "burger"]}}') AS "13",
       dynamo.item_size('{"ns": {"NS": ["1", "12", "123"]}}') AS "9",
       dynamo.item_size('{"bs": {"BS": ["AA==", "AAE="]}}') AS "5";

-- the 400 KB boundary: 409,600 bytes is the largest item DynamoDB accepts
SELECT dynamo.item_size(format('{"a": {"S": "%s"}}', repeat('x', 409599))::dynamo.item) AS "409600";

-- an item's size does not depend on the order its attributes were given in
SELECT dynamo.item_size('{"x": {"N": "1"}, "y": {"S": "abc"}}') =
       dynamo.item_size('{"y": {"S": "abc"}, "x": {"N": "1"}}') AS same;
