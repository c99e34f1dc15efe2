-- 74_metrics.sql: the per-minute metrics DynamoDB publishes to CloudWatch,
-- recorded in shared memory (src/capacity/capacity_metrics.c) over the last
-- dynamo.metrics_window_minutes, and readable here:
--
--   dynamo.metrics            a row per table (or GSI, or table and
--                             operation), metric and minute of the current
--                             database: sample_count, value (the sum),
--                             minimum, maximum and average (the last three
--                             of SuccessfulRequestLatency only), and the
--                             Provisioned*CapacityUnits of the catalog for
--                             every minute of the window
--   dynamo.metrics_status()   whether the metrics are recorded, and why not
--   dynamo.metrics_prometheus()  the running totals in Prometheus' text
--                             format, as GET /metrics serves them
--
-- The metrics need dynamo in shared_preload_libraries; without it the view
-- is empty and dynamo.metrics_status() says why.  They show activity of
-- every table of the database, so reading them is for pg_monitor (and
-- whoever it is granted to), as Postgres' own statistics of other roles'
-- activity are.

CREATE FUNCTION dynamo.metrics_series(all_databases boolean DEFAULT false,
    OUT database oid, OUT table_name text, OUT index_name text, OUT operation text,
    OUT metric_name text, OUT minute timestamptz, OUT sample_count bigint,
    OUT value double precision, OUT minimum double precision, OUT maximum double precision)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'dynamo_metrics_series' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.metrics_series(boolean) IS
    'the recorded per-minute metrics of the current database (all of them: pg_read_all_stats)';

CREATE FUNCTION dynamo.metrics_status(
    OUT available boolean, OUT reason text, OUT window_minutes integer,
    OUT resources_in_use integer, OUT max_resources integer, OUT dropped bigint,
    OUT since timestamptz)
    AS 'MODULE_PATHNAME', 'dynamo_metrics_status' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION dynamo.metrics_status() IS
    'whether the metrics are recorded (they need shared_preload_libraries), and how full their shared memory is';

CREATE FUNCTION dynamo.metrics_prometheus_counters() RETURNS text
    AS 'MODULE_PATHNAME', 'dynamo_metrics_prometheus_counters' LANGUAGE C VOLATILE;

-- a label value escaped for Prometheus' text format
CREATE FUNCTION dynamo.prometheus_label(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT replace(replace(replace(value, E'\\', E'\\\\'), '"', E'\\"'), E'\n', E'\\n')
$$;

-- the provisioned capacity of every PROVISIONED table and of its GSIs
CREATE VIEW dynamo.metrics_provisioned AS
    SELECT t.table_name, NULL::text AS index_name, t.read_capacity_units, t.write_capacity_units
      FROM dynamo.tables t
     WHERE t.billing_mode = 'PROVISIONED' AND t.read_capacity_units IS NOT NULL
    UNION ALL
    SELECT i.table_name, i.index_name, i.read_capacity_units, i.write_capacity_units
      FROM dynamo.indexes i JOIN dynamo.tables t USING (table_name)
     WHERE i.is_global AND t.billing_mode = 'PROVISIONED' AND i.read_capacity_units IS NOT NULL;

CREATE FUNCTION dynamo.metrics_prometheus() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    counters text := dynamo.metrics_prometheus_counters();
    provisioned text;
BEGIN
    IF counters IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(format('# HELP dynamo_provisioned_%1$s_capacity_units Provisioned %2$s capacity units (CloudWatch Provisioned%3$sCapacityUnits).' || E'\n' ||
                             '# TYPE dynamo_provisioned_%1$s_capacity_units gauge' || E'\n', kind, kind, initcap(kind)) ||
                      coalesce(lines, ''), '' ORDER BY kind)
      INTO provisioned
      FROM (SELECT k.kind,
                   string_agg(format('dynamo_provisioned_%s_capacity_units{database="%s",table="%s"%s} %s',
                                     k.kind, dynamo.prometheus_label(current_database()),
                                     dynamo.prometheus_label(p.table_name),
                                     CASE WHEN p.index_name IS NOT NULL
                                          THEN format(',index="%s"', dynamo.prometheus_label(p.index_name)) ELSE '' END,
                                     CASE k.kind WHEN 'read' THEN p.read_capacity_units ELSE p.write_capacity_units END)
                              || E'\n', '' ORDER BY p.table_name, p.index_name NULLS FIRST)
                       FILTER (WHERE p.table_name IS NOT NULL) AS lines
              FROM (VALUES ('read'), ('write')) k(kind)
              LEFT JOIN dynamo.metrics_provisioned p ON true
             GROUP BY k.kind) per_kind;
    RETURN counters || coalesce(provisioned, '');
END
$$;
COMMENT ON FUNCTION dynamo.metrics_prometheus() IS
    'the running totals of the metrics of the current database in Prometheus'' text format (NULL without shared_preload_libraries)';

CREATE VIEW dynamo.metrics AS
    SELECT current_database()::text AS database, s.table_name, s.index_name, s.operation, s.metric_name,
           s.minute, s.sample_count, s.value, s.minimum, s.maximum,
           s.value / s.sample_count AS average
      FROM dynamo.metrics_series() s
    UNION ALL
    SELECT current_database()::text, p.table_name, p.index_name, NULL, k.metric_name,
           minutes.minute, 1, k.units::double precision, NULL, NULL, NULL
      FROM dynamo.metrics_status() status
     CROSS JOIN LATERAL generate_series(date_trunc('minute', clock_timestamp()) - (status.window_minutes - 1) * interval '1 minute',
                                        date_trunc('minute', clock_timestamp()), interval '1 minute') AS minutes(minute)
     CROSS JOIN dynamo.metrics_provisioned p
     CROSS JOIN LATERAL (VALUES ('ProvisionedReadCapacityUnits', p.read_capacity_units),
                               ('ProvisionedWriteCapacityUnits', p.write_capacity_units)) AS k(metric_name, units)
     WHERE status.available;
COMMENT ON VIEW dynamo.metrics IS
    'CloudWatch''s DynamoDB metrics of the current database, per minute over dynamo.metrics_window_minutes';

REVOKE ALL ON FUNCTION dynamo.metrics_series(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION dynamo.metrics_prometheus_counters() FROM PUBLIC;
REVOKE ALL ON FUNCTION dynamo.metrics_prometheus() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dynamo.metrics_series(boolean) TO pg_monitor;
GRANT EXECUTE ON FUNCTION dynamo.metrics_prometheus() TO pg_monitor;
GRANT SELECT ON dynamo.metrics TO pg_monitor;
