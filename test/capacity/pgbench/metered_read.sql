-- metered_read.sql: GetItem (eventual or strong) and Scan pages with ReturnConsumedCapacity TOTAL; the units reported are logged
\set k random(1, 2000)
\set strong random(0, 1)
INSERT INTO cap_reported (kind, units)
SELECT 'READ', (dynamo.execute('GetItem', jsonb_build_object('TableName', ':table', 'ReturnConsumedCapacity', 'TOTAL',
    'ConsistentRead', :strong = 1, 'Key', jsonb_build_object('pk', jsonb_build_object('S', 'm' || :k))))
    #>> '{ConsumedCapacity,CapacityUnits}')::float8;
INSERT INTO cap_reported (kind, units)
SELECT 'READ', (dynamo.execute('Scan', jsonb_build_object('TableName', ':table', 'ReturnConsumedCapacity', 'TOTAL',
    'Limit', 7, 'Select', 'COUNT', 'ConsistentRead', :strong = 1))
    #>> '{ConsumedCapacity,CapacityUnits}')::float8;
