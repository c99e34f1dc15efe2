-- 78_ttl.sql: Time to Live: the TTL setting of each table, and the
-- function its expiry index is built on.
--
-- UpdateTimeToLive (src/ttl/ttl_api.c) keeps one row per table that ever
-- had TTL enabled.  Its status is not stored: it is ENABLING (or
-- DISABLING) for dynamo.ttl_transition_time after change_time, then
-- ENABLED (or DISABLED), so nothing has to flip it and a restored dump
-- reads the same.  change_time also starts the interval during which
-- another change is refused (dynamo.ttl_change_interval).
--
-- While TTL is enabled, the table's relation has a partial expression
-- index, named index_name in dynamo_data:
--
--   CREATE INDEX "T:time to live" ON dynamo_data."T"
--     (dynamo.ttl_expiry(item, 'attr')) WHERE dynamo.ttl_expiry(item, 'attr') IS NOT NULL
--
-- so the expiry worker (src/ttl/ttl_worker.c) finds the expired items of a
-- partition by an index range scan, without reading the rest.

CREATE TABLE dynamo.time_to_live (
    table_name text PRIMARY KEY REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    attribute_name text NOT NULL,                -- the TTL attribute (the last one, once disabled)
    enabled boolean NOT NULL,
    index_name text,                             -- the expiry index in dynamo_data, while enabled
    change_time timestamptz NOT NULL DEFAULT now(),  -- the last UpdateTimeToLive that succeeded
    CHECK (enabled = (index_name IS NOT NULL))
);
COMMENT ON TABLE dynamo.time_to_live IS 'the Time to Live setting of DynamoDB tables: the attribute, enabled or not, and when it last changed';
SELECT pg_catalog.pg_extension_config_dump('dynamo.time_to_live', '');

-- dynamo.time_to_live_status(l): TimeToLiveStatus of a row: ENABLING or
-- DISABLING for dynamo.ttl_transition_time after its change, then ENABLED
-- or DISABLED.
CREATE FUNCTION dynamo.time_to_live_status(l dynamo.time_to_live)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN now() < l.change_time +
                         coalesce(current_setting('dynamo.ttl_transition_time', true), '2s')::interval
                THEN CASE WHEN l.enabled THEN 'ENABLING' ELSE 'DISABLING' END
                ELSE CASE WHEN l.enabled THEN 'ENABLED' ELSE 'DISABLED' END END
$$;

-- dynamo.ttl_expiry(item, attribute): the expiry time of an item, in epoch
-- seconds: the value of its attribute when that is a Number, else NULL.
-- (Whether that time is more than five years past depends on the time of
-- asking, so that check belongs to the query, not to this function.)
CREATE FUNCTION dynamo.ttl_expiry(item dynamo.item, attribute text) RETURNS float8
    AS 'MODULE_PATHNAME', 'dynamo_ttl_expiry' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.ttl_expiry(dynamo.item, text) IS 'the Number attribute of an item as epoch seconds, NULL when absent or of another type';

-- dynamo.ttl_expire(table_name): delete the expired items of a table with
-- TTL enabled now, in the caller's transaction, as the expiry worker does
-- (a batch per partition at a time, rows locked by others skipped); the
-- count deleted.  For tests, and for a database without the worker.
CREATE FUNCTION dynamo.ttl_expire(table_name text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'dynamo_ttl_expire' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION dynamo.ttl_expire(text) IS 'delete the expired items of a table whose Time to Live is enabled, in this transaction';
