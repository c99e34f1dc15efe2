-- metrics.sql: the per-minute metrics (dynamo.metrics), their status and
-- their Prometheus text.  The suite runs with dynamo in
-- shared_preload_libraries.  Earlier files ran requests too, so counts are
-- of this file's own tables, and UserErrors (per database) is compared
-- before and after.

SELECT available, reason, window_minutes, max_resources > 0 AS has_room
  FROM dynamo.metrics_status();

SELECT coalesce(sum(value), 0) AS user_errors_before
  FROM dynamo.metrics WHERE metric_name = 'UserErrors' \gset

SELECT dynamo.execute('CreateTable', '{"TableName": "MetricsT",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                             {"AttributeName": "g", "AttributeType": "S"}],
    "GlobalSecondaryIndexes": [{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "ALL"},
                                "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 6}}') #> '{TableDescription,TableName}'::text[];
SELECT dynamo.execute('CreateTable', '{"TableName": "MetricsU",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}') #> '{TableDescription,TableName}'::text[];

-- successes: three puts, two gets, a query of two items, a scan of three, a batch over both tables
SELECT dynamo.execute('PutItem', format('{"TableName": "MetricsT", "Item": {"pk": {"S": "a"}, "sk": {"N": "%s"}, "g": {"S": "x"}}}', n)::jsonb)
  FROM generate_series(1, 2) n;
SELECT dynamo.execute('PutItem', '{"TableName": "MetricsT", "Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}');
SELECT dynamo.execute('GetItem', '{"TableName": "MetricsT", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}') ? 'Item';
SELECT dynamo.execute('GetItem', '{"TableName": "MetricsT", "Key": {"pk": {"S": "zz"}, "sk": {"N": "1"}}}') ? 'Item';
SELECT dynamo.execute('Query', '{"TableName": "MetricsT", "KeyConditionExpression": "pk = :p",
    "ExpressionAttributeValues": {":p": {"S": "a"}}}') -> 'Count';
SELECT dynamo.execute('Scan', '{"TableName": "MetricsT", "Select": "COUNT"}') -> 'Count';
SELECT dynamo.execute('Query', '{"TableName": "MetricsT", "IndexName": "ByG", "KeyConditionExpression": "g = :g",
    "ExpressionAttributeValues": {":g": {"S": "none"}}}') -> 'Count';
SELECT dynamo.execute('BatchGetItem', '{"RequestItems": {
    "MetricsT": {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}]},
    "MetricsU": {"Keys": [{"id": {"S": "q"}}]}}}') -> 'Responses' -> 'MetricsT';

-- failures: a failed condition (not a user error), three user errors
SELECT error_of($$SELECT dynamo.execute('PutItem', '{"TableName": "MetricsT", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}},
    "ConditionExpression": "attribute_not_exists(pk)"}')$$);
SELECT error_of($$SELECT dynamo.execute('GetItem', '{"TableName": "MetricsNone", "Key": {"pk": {"S": "a"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('GetItem', '{"TableName": "MetricsT", "Key": {"pk": {"S": "a"}}}')$$);
SELECT error_of($$SELECT dynamo.execute('TransactWriteItems', '{"TransactItems": [
    {"ConditionCheck": {"TableName": "MetricsT", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}]}')$$);

-- what was recorded, per table, index, operation and metric (capacity units aside: capacity_buckets.c's)
SELECT table_name, index_name, operation, metric_name, sum(sample_count) AS samples, sum(value) AS value
  FROM dynamo.metrics
 WHERE table_name LIKE 'Metrics_'
   AND metric_name NOT IN ('SuccessfulRequestLatency', 'ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits',
                           'ProvisionedReadCapacityUnits', 'ProvisionedWriteCapacityUnits')
 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, 4;

-- SuccessfulRequestLatency: one sample per successful request, its statistics consistent
SELECT table_name, operation, sum(sample_count) AS samples,
       bool_and(minimum > 0 AND minimum <= average AND average <= maximum) AS statistics_consistent
  FROM dynamo.metrics
 WHERE table_name LIKE 'Metrics_' AND metric_name = 'SuccessfulRequestLatency'
 GROUP BY 1, 2 ORDER BY 1, 2;

SELECT sum(value) - :user_errors_before AS new_user_errors
  FROM dynamo.metrics WHERE metric_name = 'UserErrors' AND table_name IS NULL;

-- provisioned capacity from the catalog, every minute of the window; none for an on-demand table
SELECT table_name, index_name, metric_name, count(DISTINCT minute) AS minutes, min(value), max(value)
  FROM dynamo.metrics
 WHERE table_name LIKE 'Metrics_' AND metric_name LIKE 'Provisioned%'
 GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS FIRST, 3;

-- every minute in the window, none in the future
SELECT bool_and(minute > now() - interval '1 hour' AND minute <= now()) AS in_window,
       bool_and(date_trunc('minute', minute) = minute) AS whole_minutes
  FROM dynamo.metrics;

-- the same in Prometheus' text format (latency buckets aside)
SELECT line
  FROM regexp_split_to_table(dynamo.metrics_prometheus(), E'\n') AS line
 WHERE line LIKE '%Metrics_"%' AND line NOT LIKE 'dynamo_successful_request_latency_seconds_bucket%'
   AND line NOT LIKE 'dynamo_consumed%' AND line NOT LIKE 'dynamo_successful_request_latency_seconds_sum%'
 ORDER BY line;
SELECT count(*) AS families, count(DISTINCT line) = count(*) AS distinct_families
  FROM regexp_split_to_table(dynamo.metrics_prometheus(), E'\n') AS line WHERE line LIKE '# TYPE %';
SELECT dynamo.prometheus_label(E'a"b\\c\nd');

-- dynamo.metrics off: requests record nothing
SET dynamo.metrics = off;
SELECT dynamo.execute('GetItem', '{"TableName": "MetricsU", "Key": {"id": {"S": "q"}}}');
RESET dynamo.metrics;
SELECT count(*) AS recorded_while_off FROM dynamo.metrics
 WHERE table_name = 'MetricsU' AND operation = 'GetItem';

-- reading them is for pg_monitor; other databases' for pg_read_all_stats (which pg_monitor has)
CREATE ROLE metrics_reader;
GRANT USAGE ON SCHEMA dynamo TO metrics_reader;
SET ROLE metrics_reader;
SELECT error_of('SELECT count(*) FROM dynamo.metrics');
SELECT error_of('SELECT dynamo.metrics_prometheus()');
SELECT available FROM dynamo.metrics_status();
RESET ROLE;
GRANT pg_monitor TO metrics_reader;
SET ROLE metrics_reader;
SELECT count(*) > 0 AS can_read FROM dynamo.metrics WHERE table_name = 'MetricsT';
SELECT error_of('SELECT count(*) FROM dynamo.metrics_series(true)');
RESET ROLE;
SELECT count(*) > 0 AS superuser_reads_all FROM dynamo.metrics_series(true);
REVOKE USAGE ON SCHEMA dynamo FROM metrics_reader;
DROP ROLE metrics_reader;

SELECT dynamo.execute('DeleteTable', '{"TableName": "MetricsT"}') IS NOT NULL;
SELECT dynamo.execute('DeleteTable', '{"TableName": "MetricsU"}') IS NOT NULL;
