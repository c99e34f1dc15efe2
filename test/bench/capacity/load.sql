-- load.sql: the benchmark's tables (psql -v items=N).
-- Bench: pk S, provisioned far above what the benchmark can use (40000
-- read and write units a second, 300 s of burst), :items items of ~1 KB
-- as endpoint/load.py writes them, so that endpoint/*.lua and
-- endpoint/*_sql.sql drive it.  Probe: a 1-unit table deep in debt, whose
-- PutItem tells whether enforcement is on (throttled) or off (served).
SELECT dynamo.execute('CreateTable', '{"TableName": "Bench", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 40000, "WriteCapacityUnits": 40000}}') IS NOT NULL AS created;
SELECT count(*) AS loaded FROM generate_series(1, :items) k,
    LATERAL dynamo.put_item('Bench', jsonb_build_object('pk', jsonb_build_object('S', 'k' || k),
                                                        'payload', jsonb_build_object('S', repeat('x', 960)))::dynamo.item);
SELECT dynamo.execute('CreateTable', '{"TableName": "Probe", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}') IS NOT NULL AS created;
-- 20 puts of ~390 units with enforcement off: a debt of ~7500 units, two hours at 1 unit a second
SET dynamo.capacity_enforcement = off;
SELECT count(*) AS debt_puts FROM generate_series(1, 20) k,
    LATERAL dynamo.put_item('Probe', jsonb_build_object('pk', jsonb_build_object('S', 'debt' || k),
                                                        'payload', jsonb_build_object('S', repeat('x', 399000)))::dynamo.item);
RESET dynamo.capacity_enforcement;
SELECT balance < -7000 AS probe_in_debt FROM dynamo.capacity WHERE table_name = 'Probe' AND kind = 'WRITE' AND partition IS NULL;
