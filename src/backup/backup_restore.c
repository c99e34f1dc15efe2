/*-------------------------------------------------------------------------
 *
 * backup_restore.c
 *	  RestoreTableFromBackup and RestoreTableToPointInTime: a new table made
 *	  from a backup, or from a table as it was at a time, and the job that
 *	  fills it.
 *
 * The request creates the target table at once, through CreateTable's own
 * code (its request built by dynamo.restore_create_request from the
 * source's definition and the request's overrides), with TableStatus
 * CREATING and a RestoreSummary; the data plane does not see it yet.  The
 * job then inserts the items through the table's one write path (the
 * table access method checks them and fills the secondary indexes; no
 * capacity is consumed) and makes the table ACTIVE, in one transaction:
 * a restore is whole or it is not.  A restore that fails deletes its
 * table.
 *
 * A point-in-time restore first waits until the streams capture has read
 * the WAL up to where it was when the restore was asked for, so that every
 * change committed by the restore time is in the history it reads.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"

#include "api/api.h"
#include "backup/backup.h"
#include "catalog/catalog.h"
#include "errors.h"

/* how long a point-in-time restore waits for the capture to catch up */
#define RESTORE_CAPTURE_WAIT_SECONDS 120

/*
 * Create a table that a job fills (a restore's target, an import's table):
 * through CreateTable's own checks and catalog code, then TableStatus
 * CREATING (with a RestoreSummary when given), so that the data plane does
 * not see it until its job has made it ACTIVE.  Connected to SPI or not.
 */
void
backup_create_filling_table(const JsonNode *create_request, Jsonb *restore_summary)
{
	const char *name = request_string(create_request, "TableName", "tableName", true);
	Oid			types[2] = {TEXTOID, JSONBOID};
	Datum		values[2] = {CStringGetTextDatum(name), restore_summary ? JsonbPGetDatum(restore_summary) : (Datum) 0};

	(void) api_create_table_from_request(create_request);
	SPI_connect();
	if (SPI_execute_with_args("UPDATE dynamo.tables SET status = 'CREATING', restore_summary = $2 WHERE table_name = $1",
							  2, types, values, restore_summary ? NULL : " n", false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "marking table \"%s\" CREATING failed", name);
	SPI_finish();
	catalog_invalidate_table(catalog_lookup_table(name, false)->relid);
}

/*
 * Create the target table of a restore (CREATING) and submit its job; the
 * response {"TableDescription": ...}.  The restore is audited under its own
 * action (action), with its request and response.
 */
static Jsonb *
create_target(const char *action, const char *target, Jsonb *definition, const JsonNode *request,
			  Jsonb *summary, Jsonb *job)
{
	Oid			types[3] = {JSONBOID, TEXTOID, JSONBOID};
	Datum		values[3];
	Jsonb	   *response;

	request_table_name_check(target, "targetTableName");
	if (catalog_lookup_table(target, true) != NULL)
		dynamo_error(DYNAMO_EXC_TABLE_ALREADY_EXISTS, "Table already exists: %s", target);
	values[0] = JsonbPGetDatum(definition);
	values[1] = CStringGetTextDatum(target);
	values[2] = JsonbPGetDatum(json_node_to_jsonb(request));
	backup_create_filling_table(json_from_jsonb(backup_query_jsonb("SELECT dynamo.restore_create_request($1, $2, $3)",
																   3, types, values, NULL)),
								summary);
	backup_job_submit("restore", target, job);
	response = backup_query_jsonb("SELECT jsonb_build_object('TableDescription', dynamo.table_description(t))"
								  "  FROM dynamo.tables t WHERE t.table_name = $1", 1, types + 1, values + 1, NULL);
	catalog_audit_record_response(action, target, (Jsonb *) DatumGetPointer(values[2]), response, NULL);
	return response;
}

/* RestoreTableFromBackup */
void
api_restore_table_from_backup(const JsonNode *request, JsonWriter *w)
{
	const char *target = request_string(request, "TargetTableName", "targetTableName", true);
	const char *arn = request_string(request, "BackupArn", "backupArn", true);
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	Jsonb	   *found;
	Jsonb	   *definition;
	Jsonb	   *summary;
	Jsonb	   *job;
	JsonbValue *status;
	JsonbValue *id;

	values[0] = CStringGetTextDatum(arn);
	values[1] = CStringGetTextDatum(target);
	found = backup_query_jsonb("SELECT jsonb_build_object('status', b.status, 'definition', b.table_definition,"
							   "                          'id', b.backup_id,"
							   "                          'summary', jsonb_build_object("
							   "                              'SourceBackupArn', dynamo.backup_arn(b),"
							   "                              'SourceTableArn', dynamo.table_arn(b.table_name),"
							   "                              'RestoreDateTime', round(extract(epoch FROM now()), 3)))"
							   "  FROM dynamo.backups b WHERE b.purpose = 'BACKUP' AND dynamo.backup_arn(b) = $1"
							   "   FOR SHARE", 1, types, values, NULL);
	if (found == NULL)
		dynamo_error(DYNAMO_EXC_BACKUP_NOT_FOUND, "Backup not found: %s", arn);
	status = getKeyJsonValueFromContainer(&found->root, "status", 6, NULL);
	if (status->val.string.len != 9 || strncmp(status->val.string.val, "AVAILABLE", 9) != 0)
		dynamo_error(DYNAMO_EXC_BACKUP_IN_USE,
					 "There is another ongoing conflicting backup control plane operation on the table. "
					 "The backup is either being created, deleted or restored to a table.");
	definition = JsonbValueToJsonb(getKeyJsonValueFromContainer(&found->root, "definition", 10, NULL));
	summary = JsonbValueToJsonb(getKeyJsonValueFromContainer(&found->root, "summary", 7, NULL));
	id = getKeyJsonValueFromContainer(&found->root, "id", 2, NULL);
	values[0] = CStringGetTextDatum(pnstrdup(id->val.string.val, id->val.string.len));
	job = backup_query_jsonb("SELECT jsonb_build_object('source', 'backup', 'backup_id', $1::text)",
							 1, types, values, NULL);
	response_jsonb(w, create_target("RestoreTableFromBackup", target, definition, request, summary, job));
}

/* RestoreTableToPointInTime */
void
api_restore_table_to_point_in_time(const JsonNode *request, JsonWriter *w)
{
	const char *target = request_string(request, "TargetTableName", "targetTableName", true);
	const char *source_arn = request_string(request, "SourceTableArn", "sourceTableArn", false);
	const char *source_name = request_string(request, "SourceTableName", "sourceTableName", false);
	bool		use_latest = request_bool(request, "UseLatestRestorableTime", false);
	bool		has_restore_time;
	TimestampTz restore_time = backup_request_timestamp(request, "RestoreDateTime", &has_restore_time);
	char	   *source;
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[4] = "   ";
	Jsonb	   *window;
	Jsonb	   *definition;
	Jsonb	   *summary;
	Jsonb	   *job;
	char	   *wait_lsn;

	if (source_arn == NULL && source_name == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Either SourceTableArn or SourceTableName must be specified");
	if (source_arn != NULL && source_name != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Only one of SourceTableArn or SourceTableName can be specified");
	if (use_latest && has_restore_time)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Only one of RestoreDateTime or UseLatestRestorableTime can be specified");
	if (!use_latest && !has_restore_time)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Either RestoreDateTime or UseLatestRestorableTime must be specified");
	source = backup_table_name(source_arn ? source_arn : source_name);
	if (catalog_lookup_table(source, true) == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", source);
	backup_pitr_wait_enabled(source);

	/* the source's window: at = the time asked for, checked against it */
	values[0] = CStringGetTextDatum(source);
	types[1] = TIMESTAMPTZOID;
	values[1] = TimestampTzGetDatum(restore_time);
	nulls[1] = has_restore_time ? ' ' : 'n';
	/* "now" is the moment of the check (the transaction may have waited for ENABLED) */
	window = backup_query_jsonb("SELECT jsonb_build_object("
								"  'enabled', c.status = 'ENABLED' AND c.table_id = t.table_id,"
								"  'table_id', t.table_id,"
								"  'in_window', coalesce($2, clock_timestamp())"
								"               BETWEEN greatest(c.earliest_restorable_time,"
								"                                clock_timestamp() - make_interval(days => c.recovery_period_days))"
								"                   AND clock_timestamp(),"
								"  'at', coalesce($2, clock_timestamp()))"
								"  FROM dynamo.tables t LEFT JOIN dynamo.continuous_backups c USING (table_name)"
								" WHERE t.table_name = $1", 2, types, values, nulls);
	if (window == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", source);
	{
		JsonbValue *enabled = getKeyJsonValueFromContainer(&window->root, "enabled", 7, NULL);
		JsonbValue *in_window = getKeyJsonValueFromContainer(&window->root, "in_window", 9, NULL);

		if (enabled == NULL || enabled->type != jbvBool || !enabled->val.boolean)
			dynamo_error(DYNAMO_EXC_PITR_UNAVAILABLE,
						 "Point in time recovery is not enabled for table '%s'", source);
		if (in_window == NULL || in_window->type != jbvBool || !in_window->val.boolean)
			dynamo_error(DYNAMO_EXC_INVALID_RESTORE_TIME,
						 "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime");
	}
	definition = backup_table_definition(source);
	wait_lsn = DatumGetCString(DirectFunctionCall1(pg_lsn_out, LSNGetDatum(GetXLogInsertRecPtr())));
	values[0] = CStringGetTextDatum(source);
	values[1] = JsonbPGetDatum(window);
	values[2] = CStringGetTextDatum(wait_lsn);
	types[1] = JSONBOID;
	summary = backup_query_jsonb("SELECT jsonb_build_object('SourceTableArn', dynamo.table_arn($1),"
								 "  'RestoreDateTime', round(extract(epoch FROM ($2 ->> 'at')::timestamptz), 3))",
								 2, types, values, NULL);
	job = backup_query_jsonb("SELECT jsonb_build_object('source', 'pitr', 'source_table', $1::text,"
							 "  'table_id', $2 -> 'table_id', 'at', $2 -> 'at', 'wait_lsn', $3::text)",
							 3, types, values, NULL);
	response_jsonb(w, create_target("RestoreTableToPointInTime", target, definition, request, summary, job));
}

/* a text member of a job's request; NULL when absent */
static char *
job_member(const BackupJob *job, const char *name)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&job->request->root, name, strlen(name), NULL);

	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * Wait until this database's streams capture has read the WAL up to lsn
 * (its slot's confirmed position; NULL: where the WAL is now), so that the
 * change history has every change committed before it; an error after a
 * while.
 */
void
backup_wait_for_capture(const char *lsn)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	if (lsn == NULL)
		lsn = DatumGetCString(DirectFunctionCall1(pg_lsn_out, LSNGetDatum(GetXLogInsertRecPtr())));
	values[0] = CStringGetTextDatum(lsn);
	values[1] = CStringGetTextDatum(psprintf("dynamo_streams_%u", MyDatabaseId));
	if (!backup_poll_until("SELECT coalesce((SELECT confirmed_flush_lsn >= $1::pg_lsn"
						   "                   FROM pg_catalog.pg_replication_slots WHERE slot_name = $2), false)",
						   2, types, values, RESTORE_CAPTURE_WAIT_SECONDS))
		ereport(ERROR,
				(errmsg("the change history of the table has not caught up with the restore time"),
				 errhint("The streams capture worker must run (wal_level = logical, dynamo preloaded).")));
}

/* The job of a restore: fill the target table, make it ACTIVE. */
int64
backup_job_run_restore(const BackupJob *job)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char	   *source = job_member(job, "source");
	char	   *relation;
	char	   *from;
	int64		count;
	MemoryContext caller = CurrentMemoryContext;
	TableInfo  *table;
	bool		isnull;

	values[0] = CStringGetTextDatum(job->subject);
	SPI_connect();
	if (SPI_execute_with_args("SELECT relation_name FROM dynamo.tables WHERE table_name = $1 AND status = 'CREATING'"
							  " FOR UPDATE", 1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading the restore's table failed");
	if (SPI_processed == 0)
	{
		SPI_finish();
		return 0;				/* deleted meanwhile */
	}
	relation = MemoryContextStrdup(caller, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	SPI_finish();

	if (source != NULL && strcmp(source, "pitr") == 0)
	{
		backup_wait_for_capture(job_member(job, "wait_lsn"));
		from = psprintf("dynamo.items_at_id(%s::uuid, %s::timestamptz)",
						quote_literal_cstr(job_member(job, "table_id")),
						quote_literal_cstr(job_member(job, "at")));
	}
	else
		from = quote_qualified_identifier("dynamo_backups", job_member(job, "backup_id"));

	SPI_connect();
	if (SPI_execute(psprintf("WITH copied AS (INSERT INTO %s (pk, sk, item) SELECT pk, sk, item FROM %s"
							 "                 WHERE dynamo.job_tick() RETURNING 1)"
							 " SELECT count(*) FROM copied",
							 quote_qualified_identifier("dynamo_data", relation), from), false, 0) != SPI_OK_SELECT)
		elog(ERROR, "restoring the items of table \"%s\" failed", job->subject);
	count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (SPI_execute_with_args("UPDATE dynamo.tables SET status = 'ACTIVE' WHERE table_name = $1",
							  1, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "making table \"%s\" ACTIVE failed", job->subject);
	SPI_finish();
	table = catalog_lookup_table(job->subject, false);
	catalog_invalidate_table(table->relid);
	backup_job_progress(count, count);
	return count;
}

/* A restore that failed: its table goes. */
void
backup_job_restore_failed(const BackupJob *job, const char *message)
{
	if (catalog_lookup_table(job->subject, true) != NULL)
		(void) catalog_delete_table(job->subject);
}
