\set c random(1, :collections)
\set s random(1, 100)
SELECT dynamo.get_item('Bench', ('{"pk": {"S": "c' || :c || '"}, "sk": {"N": "' || :s || '"}}')::dynamo.item);
