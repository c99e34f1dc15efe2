\set k random(1, :items)
SELECT dynamo.get_item('Bench', ('{"pk": {"S": "k' || :k || '"}}')::dynamo.item);
