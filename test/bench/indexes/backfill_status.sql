-- backfill_status.sql: "status|items_done|items_per_second" of GSI gsi1 of
-- table :'name' (DescribeTable's IndexStatus; the progress view's figures
-- while it backfills)
SELECT (dynamo.execute('DescribeTable', jsonb_build_object('TableName', :'name'))
          -> 'Table' -> 'GlobalSecondaryIndexes' -> 0 ->> 'IndexStatus')
       || '|' || coalesce((SELECT items_done || '|' || items_per_second FROM dynamo.index_backfill_progress
                            WHERE table_name = :'name' AND index_name = 'gsi1'), '|');
