-- metered_put.sql: PutItem of 1 byte to ~6 KB with ReturnConsumedCapacity TOTAL; the units reported are logged
\set k random(1, 2000)
\set n random(1, 6000)
INSERT INTO cap_reported (kind, units)
SELECT 'WRITE', (dynamo.execute('PutItem', jsonb_build_object('TableName', ':table', 'ReturnConsumedCapacity', 'TOTAL',
    'Item', jsonb_build_object('pk', jsonb_build_object('S', 'm' || :k), 'p', jsonb_build_object('S', repeat('x', :n)))))
    #>> '{ConsumedCapacity,CapacityUnits}')::float8;
