-- 55_audit.sql: the audit log of control-plane changes, in the spirit of
-- CloudTrail's management events.
--
-- One row per CreateTable, UpdateTable and DeleteTable that succeeded,
-- whichever door it came through, and per change the extension makes on its
-- own (auto scaling): written by catalog_audit.c in the transaction of the
-- change, so a change that is rolled back leaves no row and every row is a
-- change that happened.  Refused requests are not logged (their transaction
-- is rolled back with them).
--
-- session_role is the session's user (for the endpoint, the worker's),
-- effective_role the role the request ran as (current_user: for the
-- endpoint, the role its access key maps to).  source is 'sql'
-- (dynamo.execute and the SQL functions), 'endpoint' (the wire endpoint) or
-- what an extension worker names itself ('autoscaling').  The rows are
-- written as the bootstrap superuser: the roles that make changes cannot
-- write, change or read the log unless granted.  The table is an extension
-- configuration table: pg_dump keeps its rows.
CREATE SEQUENCE dynamo.audit_log_id_seq;
CREATE TABLE dynamo.audit_log (
    id bigint PRIMARY KEY DEFAULT nextval('dynamo.audit_log_id_seq'),
    event_time timestamptz NOT NULL DEFAULT clock_timestamp(),
    session_role text NOT NULL,
    effective_role text NOT NULL,
    source text NOT NULL,
    action text NOT NULL,
    table_name text,
    request jsonb,
    response jsonb
);
ALTER SEQUENCE dynamo.audit_log_id_seq OWNED BY dynamo.audit_log.id;
CREATE INDEX audit_log_table_time ON dynamo.audit_log (table_name, event_time);
COMMENT ON TABLE dynamo.audit_log IS 'control-plane changes: CreateTable, UpdateTable, DeleteTable and automatic scaling, with role, time, source and request';
REVOKE ALL ON dynamo.audit_log FROM PUBLIC;
REVOKE ALL ON dynamo.audit_log_id_seq FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('dynamo.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('dynamo.audit_log_id_seq', '');
