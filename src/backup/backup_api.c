/*-------------------------------------------------------------------------
 *
 * backup_api.c
 *	  On-demand backups: CreateBackup, DescribeBackup, ListBackups,
 *	  DeleteBackup, and the job that takes a backup.
 *
 * CreateBackup records the backup (CREATING) with the table's definition
 * and submits a job; the job worker copies the items in one snapshot
 * (backup_copy.c) and makes the backup AVAILABLE in the same transaction.
 * The backup's id is DynamoDB's shape: the creation time in epoch
 * milliseconds (14 digits) and 8 hex digits; its ARN is the table's ARN
 * followed by /backup/<id>.  A table may be named by its ARN.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "api/api.h"
#include "backup/backup.h"
#include "catalog/catalog.h"
#include "errors.h"

/* the table a TableName member names (a name or a table ARN) */
char *
backup_table_name(const char *name_or_arn)
{
	const char *table = strstr(name_or_arn, ":table/");

	if (strncmp(name_or_arn, "arn:", 4) == 0 && table != NULL)
		return pstrdup(table + strlen(":table/"));
	return pstrdup(name_or_arn);
}

/* run a statement of one row, one jsonb column; NULL when no row */
Jsonb *
backup_query_jsonb(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	MemoryContext caller = CurrentMemoryContext;
	Jsonb	   *result = NULL;
	int			ret;

	SPI_connect();
	ret = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	if (ret < 0)
		elog(ERROR, "\"%s\" failed: %s", sql, SPI_result_code_string(ret));
	if (SPI_processed > 0 && SPI_tuptable != NULL)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(caller);

			result = DatumGetJsonbPCopy(d);
			MemoryContextSwitchTo(old);
		}
	}
	SPI_finish();
	return result;
}

/* a backup's row by ARN, locked (FOR UPDATE) when lock; BackupNotFoundException when none */
static void
find_backup(const char *arn, char **backup_id, char **status, bool lock)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(arn)};
	MemoryContext caller = CurrentMemoryContext;

	SPI_connect();
	if (SPI_execute_with_args(psprintf("SELECT backup_id, status FROM dynamo.backups b"
									   " WHERE b.purpose = 'BACKUP' AND dynamo.backup_arn(b) = $1%s",
									   lock ? " FOR UPDATE" : ""),
							  1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading dynamo.backups failed");
	if (SPI_processed == 0)
		dynamo_error(DYNAMO_EXC_BACKUP_NOT_FOUND, "Backup not found: %s", arn);
	*backup_id = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	*backup_id = MemoryContextStrdup(caller, *backup_id);
	*status = MemoryContextStrdup(caller, *status);
	SPI_finish();
}

/* CreateBackup */
void
api_create_backup(const JsonNode *request, JsonWriter *w)
{
	char	   *table_name = backup_table_name(request_string(request, "TableName", "tableName", true));
	const char *backup_name = request_string(request, "BackupName", "backupName", true);
	Oid			types[3] = {TEXTOID, TEXTOID, JSONBOID};
	Datum		values[3];
	Jsonb	   *made;
	Jsonb	   *response;

	if (catalog_lookup_table(table_name, true) == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", table_name);
	values[0] = CStringGetTextDatum(table_name);
	values[1] = CStringGetTextDatum(backup_name);
	values[2] = JsonbPGetDatum(backup_table_definition(table_name));
	made = backup_query_jsonb(
		"WITH id AS (SELECT lpad((extract(epoch FROM now()) * 1000)::bigint::text, 14, '0') || '-' ||"
		"                   substr(md5(random()::text || clock_timestamp()::text), 1, 8) AS id),"
		"     b AS (INSERT INTO dynamo.backups (backup_id, backup_name, table_name, table_id,"
		"                                       table_definition, relation_name)"
		"           SELECT id.id, $2, t.table_name, t.table_id, $3, id.id"
		"             FROM dynamo.tables t, id WHERE t.table_name = $1"
		"           RETURNING *)"
		" SELECT jsonb_build_object('response', jsonb_build_object('BackupDetails', dynamo.backup_details(b)),"
		"                           'id', b.backup_id) FROM b",
		3, types, values, NULL);
	if (made == NULL)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", table_name);
	{
		JsonbValue *id = getKeyJsonValueFromContainer(&made->root, "id", 2, NULL);

		/* where the WAL is: the history has every change committed before the request once past it */
		backup_job_submit("backup", pnstrdup(id->val.string.val, id->val.string.len),
						  backup_query_jsonb("SELECT jsonb_build_object('lsn', pg_catalog.pg_current_wal_insert_lsn()::text)",
											 0, NULL, NULL, NULL));
	}
	response = JsonbValueToJsonb(getKeyJsonValueFromContainer(&made->root, "response", 8, NULL));
	catalog_audit_record_response("CreateBackup", table_name, json_node_to_jsonb(request), response, NULL);
	response_jsonb(w, response);
}

/* The job of a backup: copy the items, make it AVAILABLE. */
int64
backup_job_run_backup(const BackupJob *job)
{
	Oid			types[4] = {TEXTOID, TIMESTAMPTZOID, INT8OID, BOOLOID};
	Datum		values[4];
	TimestampTz snapshot_time;
	char	   *table_name;
	char	   *from;
	int64		count;
	MemoryContext caller = CurrentMemoryContext;

	values[0] = CStringGetTextDatum(job->subject);
	SPI_connect();
	if (SPI_execute_with_args("SELECT table_name FROM dynamo.backups WHERE backup_id = $1 AND status = 'CREATING'"
							  " FOR UPDATE", 1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading backup %s failed", job->subject);
	if (SPI_processed == 0)
	{
		SPI_finish();
		return 0;				/* deleted meanwhile */
	}
	table_name = MemoryContextStrdup(caller,
									 SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	SPI_finish();

	/*
	 * The table as it was when the backup was asked for, from its
	 * point-in-time recovery history when it has one covering that moment;
	 * else as the copy's snapshot sees it, a moment later.
	 */
	SPI_connect();
	if (SPI_execute_with_args("SELECT format('dynamo.items_at_id(%L::uuid, %L::timestamptz)', b.table_id, b.creation_time)"
							  "  FROM dynamo.backups b JOIN dynamo.continuous_backups c ON c.table_id = b.table_id"
							  " WHERE b.backup_id = $1 AND c.status = 'ENABLED'"
							  "   AND c.earliest_restorable_time <= b.creation_time",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading the history of backup %s failed", job->subject);
	from = SPI_processed > 0 ? MemoryContextStrdup(caller, SPI_getvalue(SPI_tuptable->vals[0],
																		SPI_tuptable->tupdesc, 1)) : NULL;
	SPI_finish();
	if (from != NULL)
	{
		JsonbValue *lsn = getKeyJsonValueFromContainer(&job->request->root, "lsn", 3, NULL);

		backup_wait_for_capture(lsn && lsn->type == jbvString ?
								pnstrdup(lsn->val.string.val, lsn->val.string.len) : NULL);
	}
	count = backup_copy_items(table_name, job->subject, from, false, NULL, &snapshot_time);
	values[1] = TimestampTzGetDatum(snapshot_time);
	values[2] = Int64GetDatum(count);
	values[3] = BoolGetDatum(from != NULL);
	SPI_connect();
	if (SPI_execute_with_args("UPDATE dynamo.backups SET status = 'AVAILABLE',"
							  "       snapshot_time = CASE WHEN $4 THEN creation_time ELSE $2 END,"
							  "       item_count = $3,"
							  "       size_bytes = pg_catalog.pg_total_relation_size("
							  "           pg_catalog.quote_ident('dynamo_backups') || '.' || pg_catalog.quote_ident($1))"
							  " WHERE backup_id = $1", 4, types, values, NULL, false, 0) < 0)
		elog(ERROR, "completing backup %s failed", job->subject);
	SPI_finish();
	return count;
}

/* A backup that failed is gone (DynamoDB lists no failed backups). */
void
backup_job_backup_failed(const BackupJob *job, const char *message)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(job->subject)};

	if (SPI_execute_with_args("DELETE FROM dynamo.backups WHERE backup_id = $1", 1, types, values, NULL,
							  false, 0) != SPI_OK_DELETE)
		elog(ERROR, "removing the failed backup %s failed", job->subject);
}

/* DescribeBackup */
void
api_describe_backup(const JsonNode *request, JsonWriter *w)
{
	const char *arn = request_string(request, "BackupArn", "backupArn", true);
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(arn)};
	Jsonb	   *response;

	response = backup_query_jsonb("SELECT jsonb_build_object('BackupDescription', dynamo.backup_description(b))"
								  "  FROM dynamo.backups b WHERE b.purpose = 'BACKUP' AND dynamo.backup_arn(b) = $1",
								  1, types, values, NULL);
	if (response == NULL)
		dynamo_error(DYNAMO_EXC_BACKUP_NOT_FOUND, "Backup not found: %s", arn);
	response_jsonb(w, response);
}

/*
 * A timestamp of a request: epoch seconds (a JSON number, or a string of
 * one) or ISO 8601 text.  Anything else, or a time no timestamp holds
 * (1e19, -1e400), is DynamoDB's SerializationException, never Postgres'
 * syntax or range error.
 */
TimestampTz
backup_parse_timestamp(const JsonNode *value)
{
	char	   *end;
	double		seconds;

	if (value->kind != JSON_NUMBER && value->kind != JSON_STRING)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	seconds = strtod(value->u.text, &end);
	if (value->kind == JSON_STRING && (end == value->u.text || *end != '\0'))
	{
		MemoryContext context = CurrentMemoryContext;
		TimestampTz result = 0;
		bool		parsed = true;

		PG_TRY();
		{
			/* the date parser takes no resources: its error can be caught without a subtransaction */
			result = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(value->u.text),
															 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(context);
			FlushErrorState();
			parsed = false;
		}
		PG_END_TRY();
		if (!parsed || strlen(value->u.text) != value->count)
			dynamo_error(DYNAMO_EXC_SERIALIZATION,
						 "class java.lang.String can not be converted to milliseconds since epoch");
		return result;
	}
	/* Postgres' timestamps reach about 294276 AD; DynamoDB's far less */
	if (end == value->u.text || *end != '\0' || !isfinite(seconds) || fabs(seconds) > 9.0e12)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Timestamp value out of range: %s", value->u.text);
	return (TimestampTz) rint((seconds - ((double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)) *
							  USECS_PER_SEC);
}

/* a timestamp member of a request (backup_parse_timestamp); *given false when absent */
TimestampTz
backup_request_timestamp(const JsonNode *request, const char *name, bool *given)
{
	const JsonNode *node = request_member(request, name);

	*given = node != NULL;
	return node ? backup_parse_timestamp(node) : 0;
}

/* ListBackups */
void
api_list_backups(const JsonNode *request, JsonWriter *w)
{
	const char *table = request_string(request, "TableName", "tableName", false);
	const JsonNode *limit_node = request_member(request, "Limit");
	bool		has_lower;
	bool		has_upper;
	TimestampTz lower = backup_request_timestamp(request, "TimeRangeLowerBound", &has_lower);
	TimestampTz upper = backup_request_timestamp(request, "TimeRangeUpperBound", &has_upper);
	const char *start = request_string(request, "ExclusiveStartBackupArn", "exclusiveStartBackupArn", false);
	const char *type = request_string(request, "BackupType", "backupType", false);
	Oid			types[6] = {TEXTOID, INT4OID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
	Datum		values[6];
	char		nulls[7] = "      ";
	int64		limit = limit_node ? request_integer(limit_node) : 100;
	Jsonb	   *response;

	values[0] = table ? CStringGetTextDatum(backup_table_name(table)) : (Datum) 0;
	nulls[0] = table ? ' ' : 'n';
	values[1] = Int32GetDatum((int32) limit);
	values[2] = TimestampTzGetDatum(lower);
	nulls[2] = has_lower ? ' ' : 'n';
	values[3] = TimestampTzGetDatum(upper);
	nulls[3] = has_upper ? ' ' : 'n';
	values[4] = start ? CStringGetTextDatum(start) : (Datum) 0;
	nulls[4] = start ? ' ' : 'n';
	values[5] = CStringGetTextDatum(type ? type : "USER");

	/*
	 * In order of creation; a page of Limit, and LastEvaluatedBackupArn
	 * when more may follow.  The bounds are inclusive (DynamoDB: "lower
	 * bound is inclusive", "upper bound is exclusive" — see the README).
	 */
	response = backup_query_jsonb(
		"WITH matching AS ("
		"  SELECT b, row_number() OVER (ORDER BY b.creation_time, b.backup_id) AS n"
		"    FROM dynamo.backups b"
		"   WHERE b.purpose = 'BACKUP' AND ($1 IS NULL OR b.table_name = $1)"
		"     AND ($6 = 'ALL' OR b.backup_type = $6)"
		"     AND ($3 IS NULL OR b.creation_time >= $3)"
		"     AND ($4 IS NULL OR b.creation_time < $4)),"
		"     after AS (SELECT coalesce((SELECT n FROM matching m WHERE dynamo.backup_arn(m.b) = $5), 0) AS n),"
		"     page AS (SELECT m.* FROM matching m, after WHERE m.n > after.n ORDER BY m.n LIMIT $2)"
		" SELECT jsonb_strip_nulls(jsonb_build_object("
		"    'BackupSummaries', coalesce((SELECT jsonb_agg(dynamo.backup_summary(p.b) ORDER BY p.n) FROM page p), '[]'),"
		"    'LastEvaluatedBackupArn', (SELECT dynamo.backup_arn(p.b) FROM page p"
		"                                WHERE (SELECT count(*) FROM page) = $2"
		"                                  AND EXISTS (SELECT FROM matching m WHERE m.n > p.n)"
		"                                ORDER BY p.n DESC LIMIT 1)))",
		6, types, values, nulls);
	response_jsonb(w, response);
}

/* DeleteBackup: the description as it was, with BackupStatus DELETED */
void
api_delete_backup(const JsonNode *request, JsonWriter *w)
{
	const char *arn = request_string(request, "BackupArn", "backupArn", true);
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *backup_id;
	char	   *status;
	Jsonb	   *response;

	find_backup(arn, &backup_id, &status, true);
	if (strcmp(status, "AVAILABLE") != 0)
		dynamo_error(DYNAMO_EXC_BACKUP_IN_USE,
					 "Backup is being created: %s", arn);
	values[0] = CStringGetTextDatum(backup_id);
	response = backup_query_jsonb("WITH gone AS (DELETE FROM dynamo.backups WHERE backup_id = $1 RETURNING *)"
								  " SELECT jsonb_build_object('BackupDescription',"
								  "                           dynamo.backup_description(g, 'DELETED'))"
								  "   FROM gone g", 1, types, values, NULL);
	backup_drop_copy(backup_id);
	catalog_audit_record_response("DeleteBackup", NULL, json_node_to_jsonb(request), response, NULL);
	response_jsonb(w, response);
}
