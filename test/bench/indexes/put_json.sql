\set c random(1, :collections)
\set s random(:smin, :smax)
\set g random(1, :collections)
\set n random(1, 1000000)
SELECT dynamo.execute('PutItem', ('{"TableName": "' || :table || '", "Item": {"pk": {"S": "c' || :c || '"}, "sk": {"N": "' || :s
    || '"}, "n": {"N": "' || :n || '"}, "g1": {"S": "g' || :g || '"}, "g2": {"S": "g' || :g || '"}, "g3": {"S": "g' || :g
    || '"}, "g4": {"S": "g' || :g || '"}, "g5": {"S": "g' || :g || '"}, "payload": {"S": "' || repeat('x', 928) || '"}}}')::jsonb);
