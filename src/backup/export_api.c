/*-------------------------------------------------------------------------
 *
 * export_api.c
 *	  ExportTableToPointInTime, DescribeExport and ListExports: the rows of
 *	  dynamo.exports (src/sql/79_exports.sql) and the job that writes an
 *	  export's files (export_run.c).
 *
 * ExportTableToPointInTime checks its request completely, then inserts the
 * export IN_PROGRESS and submits its job in the request's transaction.
 * DynamoDB's answers (2026 captures of the live service):
 *
 *	 TableArn not an ARN: ValidationException "One or more parameter values
 *		were invalid: tableArn is not a valid ARN"; not a table's ARN (an
 *		index's): "Invalid Request: Table ARN is invalid."; another
 *		account's: AccessDeniedException "Access is denied"; the region is
 *		not checked; no such table: TableNotFoundException "Table not found:
 *		<arn>"
 *	 S3SseKmsKeyId without S3SseAlgorithm KMS: ValidationException "Invalid
 *		Request: KMS Key Id is not supported for this encryption type"
 *	 ExportType and IncrementalExportSpecification that do not go together,
 *		or no ExportFromTime: ValidationException "Invalid Request: ..."
 *	 FULL_EXPORT without point-in-time recovery:
 *		PointInTimeRecoveryUnavailableException "Point in time recovery is
 *		not enabled for table '<T>'"; ExportTime in the future or before
 *		the earliest restorable time: InvalidExportTimeException "Export
 *		Time is invalid"
 *	 INCREMENTAL_EXPORT, in this order: ExportFromTime before the recovery
 *		window (or no point-in-time recovery), ExportToTime in the future,
 *		a period under 15 minutes, over 24 hours: InvalidExportTimeException
 *		(the 24-hour wording was not captured; ours follows the 15-minute one)
 *	 a ClientToken used in the last 8 hours with other parameters:
 *		ExportConflictException "Export conflict: Duplicate request detected
 *		with conflicting parameters"; with the same ones: the same export
 *
 * A bucket that is not mapped to a directory (dynamo.s3_bucket_directories)
 * is accepted, and the export FAILS with S3NoSuchBucket, as DynamoDB
 * accepts a bucket that does not exist and fails the export.
 *
 * DescribeExport: not an export ARN: ValidationException "Invalid Export
 * ARN"; another partition, service, account or a malformed region:
 * AccessDeniedException "Access is denied"; another region:
 * ExportNotFoundException "Export not found: Invalid export arn"; none:
 * "Export not found: Export not found: <arn>".
 *
 * ListExports lists the exports of the last 90 days of tables that still
 * exist (a table deleted, or made again under its name, lists none of the
 * exports of the old one, as DynamoDB does), in reverse order of ARN,
 * MaxResults (default 25) a page; NextToken is the hex of the last ARN
 * given.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "api/api.h"
#include "backup/backup.h"
#include "backup/export.h"
#include "catalog/catalog.h"
#include "errors.h"

#define EXPORT_WINDOW_MIN_SECONDS	(15 * 60)
#define EXPORT_WINDOW_MAX_SECONDS	(24 * 60 * 60)
#define LIST_EXPORTS_DEFAULT		25

/* ExportTableToPointInTime's request, parsed */
typedef struct ExportSpec
{
	const char *table_arn;
	char	   *table_name;
	const char *client_token;	/* NULL: none given */
	const char *s3_bucket;
	const char *s3_bucket_owner;
	const char *s3_prefix;
	const char *s3_sse_algorithm;
	const char *s3_sse_kms_key_id;
	const char *export_format;
	const char *export_type;
	bool		export_type_given;
	bool		has_export_time;
	TimestampTz export_time;
	bool		incremental;
	TimestampTz from_time;
	TimestampTz to_time;
	const char *view_type;
} ExportSpec;

/* a time as DynamoDB quotes it in messages: 2026-10-09T00:41:50Z */
static char *
iso_seconds(TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		return pstrdup("?");
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* whether a region looks like one of AWS's: us-east-1, ap-southeast-2, ... */
static bool
region_well_formed(const char *region, size_t len)
{
	size_t		i;
	bool		dash = false;

	if (len < 4 || region[len - 1] < '0' || region[len - 1] > '9' || region[len - 2] != '-')
		return false;
	for (i = 0; i < len - 2; i++)
	{
		if (region[i] == '-')
			dash = true;
		else if (region[i] < 'a' || region[i] > 'z')
			return false;
	}
	return dash;
}

/* the six fields of an ARN (arn:partition:service:region:account:resource); false when fewer */
static bool
split_arn(const char *arn, const char **fields, size_t *lengths)
{
	const char *p = arn;
	int			n = 0;

	if (strncmp(arn, "arn:", 4) != 0)
		return false;
	while (n < 5)
	{
		const char *colon = strchr(p, ':');

		if (colon == NULL)
			return false;
		fields[n] = p;
		lengths[n] = colon - p;
		p = colon + 1;
		n++;
	}
	fields[5] = p;
	lengths[5] = strlen(p);
	return true;
}

static bool
field_is(const char *field, size_t len, const char *value)
{
	return len == strlen(value) && memcmp(field, value, len) == 0;
}

/* the table a TableArn names (not looked up), by DynamoDB's rules (the top of the file) */
static char *
table_name_from_arn(const char *arn)
{
	const char *fields[6];
	size_t		lengths[6];
	const char *name;
	size_t		name_len;

	if (!split_arn(arn, fields, lengths) || lengths[5] == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values were invalid: tableArn is not a valid ARN");
	if (!field_is(fields[1], lengths[1], "aws") || !field_is(fields[2], lengths[2], "dynamodb") ||
		!field_is(fields[4], lengths[4], dynamo_account_id))
		dynamo_error(DYNAMO_EXC_ACCESS_DENIED, "Access is denied");
	name = fields[5] + 6;
	name_len = strlen(name);
	if (strncmp(fields[5], "table/", 6) != 0 || name_len < 3 || name_len > DYNAMO_TABLE_NAME_MAX ||
		strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != name_len)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Request: Table ARN is invalid.");
	return pstrdup(name);
}

/* a string member as given (NULL when absent) */
static const char *
optional_string(const JsonNode *request, const char *name)
{
	return request_string(request, name, name, false);
}

/* Parse and check ExportTableToPointInTime's request (no lookups but the ARN's form). */
static void
parse_export_request(const JsonNode *request, ExportSpec *spec)
{
	const JsonNode *time = request_member(request, "ExportTime");
	const JsonNode *incremental = request_member(request, "IncrementalExportSpecification");

	memset(spec, 0, sizeof(*spec));
	spec->table_arn = request_string(request, "TableArn", "tableArn", true);
	spec->s3_bucket = request_string(request, "S3Bucket", "s3Bucket", true);
	spec->client_token = optional_string(request, "ClientToken");
	spec->s3_bucket_owner = optional_string(request, "S3BucketOwner");
	spec->s3_prefix = optional_string(request, "S3Prefix");
	spec->s3_sse_algorithm = optional_string(request, "S3SseAlgorithm");
	spec->s3_sse_kms_key_id = optional_string(request, "S3SseKmsKeyId");
	spec->export_format = optional_string(request, "ExportFormat");
	spec->export_type = optional_string(request, "ExportType");

	spec->table_name = table_name_from_arn(spec->table_arn);
	if (spec->s3_sse_kms_key_id &&
		(spec->s3_sse_algorithm == NULL || strcmp(spec->s3_sse_algorithm, "KMS") != 0))
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid Request: KMS Key Id is not supported for this encryption type");
	if (spec->s3_sse_algorithm == NULL)
		spec->s3_sse_algorithm = "AES256";
	if (spec->export_format == NULL)
		spec->export_format = "DYNAMODB_JSON";

	spec->export_type_given = spec->export_type != NULL;
	if (incremental && spec->export_type == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid Request: Export Type expected to be Incremental Export when incremental "
					 "export specification is provided");
	if (spec->export_type == NULL)
		spec->export_type = "FULL_EXPORT";
	spec->incremental = strcmp(spec->export_type, "INCREMENTAL_EXPORT") == 0;
	if (!spec->incremental && incremental)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid Request: When Export Type is Full Export , Incremental Export "
					 "Specification should not be provided");
	if (spec->incremental)
	{
		const JsonNode *from;
		const JsonNode *to;

		if (incremental == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Invalid Request: Incremental Export Specification expected when export type "
						 "is set as Incremental Export");
		from = request_member(incremental, "ExportFromTime");
		to = request_member(incremental, "ExportToTime");
		if (from == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification");
		spec->from_time = backup_parse_timestamp(from);
		spec->to_time = to ? backup_parse_timestamp(to) : GetCurrentTransactionStartTimestamp();
		spec->view_type = optional_string(incremental, "ExportViewType");
		if (spec->view_type == NULL)
			spec->view_type = "NEW_AND_OLD_IMAGES";
	}
	else if (time)
	{
		spec->has_export_time = true;
		spec->export_time = backup_parse_timestamp(time);
	}
}

/*
 * The table's id and its recovery window's start (NULL when point-in-time
 * recovery is not ENABLED); TableNotFoundException when there is no such
 * table.  Connected to SPI.
 */
static char *
table_recovery_window(const ExportSpec *spec, bool *pitr_enabled, TimestampTz *earliest)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(spec->table_name)};
	bool		isnull;
	char	   *table_id;

	backup_pitr_wait_enabled(spec->table_name);
	if (SPI_execute_with_args("SELECT t.table_id::text, c.earliest_restorable_time"
							  "  FROM dynamo.tables t"
							  "  LEFT JOIN dynamo.continuous_backups c"
							  "    ON c.table_name = t.table_name AND c.table_id = t.table_id"
							  "   AND c.status = 'ENABLED'"
							  " WHERE t.table_name = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "looking up table \"%s\" failed", spec->table_name);
	if (SPI_processed == 0)
		dynamo_error(DYNAMO_EXC_TABLE_NOT_FOUND, "Table not found: %s", spec->table_arn);
	table_id = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*earliest = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	*pitr_enabled = !isnull;
	return table_id;
}

/* DynamoDB's checks of the time (or period) exported, against the recovery window */
static void
check_export_times(ExportSpec *spec, bool pitr_enabled, TimestampTz earliest)
{
	TimestampTz now = GetCurrentTimestamp();	/* after any wait for ENABLED */

	if (spec->incremental)
	{
		if (!pitr_enabled || spec->from_time < earliest)
			dynamo_error(DYNAMO_EXC_INVALID_EXPORT_TIME,
						 "Incremental export period from time cannot be less than the table creation time : %s",
						 iso_seconds(spec->from_time));
		if (spec->to_time > now)
			dynamo_error(DYNAMO_EXC_INVALID_EXPORT_TIME,
						 "Incremental export period to time cannot be greater than the current time : %s",
						 iso_seconds(spec->to_time));
		if (spec->to_time - spec->from_time < (int64) EXPORT_WINDOW_MIN_SECONDS * USECS_PER_SEC)
			dynamo_error(DYNAMO_EXC_INVALID_EXPORT_TIME,
						 "Difference between export period from time and export period to time is less than 15 minutes");
		if (spec->to_time - spec->from_time > (int64) EXPORT_WINDOW_MAX_SECONDS * USECS_PER_SEC)
			dynamo_error(DYNAMO_EXC_INVALID_EXPORT_TIME,
						 "Difference between export period from time and export period to time is more than 24 hours");
		return;
	}
	if (!pitr_enabled)
		dynamo_error(DYNAMO_EXC_PITR_UNAVAILABLE, "Point in time recovery is not enabled for table '%s'",
					 spec->table_name);
	if (!spec->has_export_time)
		spec->export_time = now;
	if (spec->export_time > now || spec->export_time < earliest)
		dynamo_error(DYNAMO_EXC_INVALID_EXPORT_TIME, "Export Time is invalid");
}

/*
 * The export a ClientToken made in the last 8 hours (its ARN; NULL when
 * none); ExportConflictException when that was for another request.  The
 * token is locked until the transaction ends, so two requests with one
 * token make one export.  Connected to SPI.
 */
static char *
export_of_client_token(const char *client_token, Jsonb *request)
{
	Oid			argtypes[2] = {TEXTOID, JSONBOID};
	Datum		args[2] = {CStringGetTextDatum(client_token), JsonbPGetDatum(request)};
	bool		isnull;
	char	   *arn;

	if (SPI_execute_with_args("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 7567890123456792))",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "locking a client token failed");
	if (SPI_execute_with_args("SELECT export_arn, request = ($2 - 'ClientToken') FROM dynamo.exports"
							  " WHERE client_token = $1 AND start_time > now() - interval '8 hours'"
							  " ORDER BY start_time DESC LIMIT 1",
							  2, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "looking up a client token failed");
	if (SPI_processed == 0)
		return NULL;
	arn = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)))
		dynamo_error(DYNAMO_EXC_EXPORT_CONFLICT,
					 "Export conflict: Duplicate request detected with conflicting parameters");
	return arn;
}

/* Insert a new export and submit its job; its ARN.  Connected to SPI. */
static char *
insert_export(const ExportSpec *spec, const char *table_id, Jsonb *request)
{
#define NARGS 20
	Oid			argtypes[NARGS] = {TEXTOID, TEXTOID, TEXTOID, UUIDOID, TEXTOID, JSONBOID, TEXTOID,
		TEXTOID, BOOLOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[NARGS];
	char		nulls[NARGS];
	char	   *arn;
	int			i;

	memset(nulls, ' ', sizeof(nulls));
	args[0] = CStringGetTextDatum(dynamo_region);
	args[1] = CStringGetTextDatum(dynamo_account_id);
	args[2] = CStringGetTextDatum(spec->table_name);
	args[3] = DirectFunctionCall1(uuid_in, CStringGetDatum(table_id));
	args[4] = CStringGetTextDatum(spec->table_arn);
	args[5] = JsonbPGetDatum(request);
	args[6] = spec->client_token ? CStringGetTextDatum(spec->client_token) : (Datum) 0;
	args[7] = CStringGetTextDatum(spec->export_type);
	args[8] = BoolGetDatum(spec->export_type_given);
	args[9] = CStringGetTextDatum(spec->export_format);
	args[10] = TimestampTzGetDatum(spec->export_time);
	args[11] = TimestampTzGetDatum(spec->from_time);
	args[12] = TimestampTzGetDatum(spec->to_time);
	args[13] = spec->view_type ? CStringGetTextDatum(spec->view_type) : (Datum) 0;
	args[14] = CStringGetTextDatum(spec->s3_bucket);
	args[15] = spec->s3_bucket_owner ? CStringGetTextDatum(spec->s3_bucket_owner) : (Datum) 0;
	args[16] = spec->s3_prefix ? CStringGetTextDatum(spec->s3_prefix) : (Datum) 0;
	args[17] = CStringGetTextDatum(spec->s3_sse_algorithm);
	args[18] = spec->s3_sse_kms_key_id ? CStringGetTextDatum(spec->s3_sse_kms_key_id) : (Datum) 0;
	args[19] = (Datum) 0;
	for (i = 0; i < NARGS; i++)
		if (args[i] == (Datum) 0 && argtypes[i] != BOOLOID)
			nulls[i] = 'n';
	if (spec->incremental)
		nulls[10] = 'n';
	else
		nulls[11] = nulls[12] = 'n';
	if (SPI_execute_with_args("WITH id AS (SELECT lpad((extract(epoch FROM now()) * 1000)::bigint::text, 14, '0')"
							  "                 || '-' || substr(md5(random()::text || clock_timestamp()::text), 1, 8) AS export_id)"
							  " INSERT INTO dynamo.exports (export_id, export_arn, table_name, table_id, table_arn,"
							  "        request, client_token, export_type, export_type_given, export_format,"
							  "        export_time, export_from_time, export_to_time, export_view_type,"
							  "        s3_bucket, s3_bucket_owner, s3_prefix, s3_sse_algorithm, s3_sse_kms_key_id,"
							  "        start_time)"
							  " SELECT export_id, 'arn:aws:dynamodb:' || $1 || ':' || $2 || ':table/' || $3"
							  "        || '/export/' || export_id, $3, $4, $5, $6 - 'ClientToken',"
							  "        coalesce($7, gen_random_uuid()::text), $8, $9, $10, $11, $12, $13, $14,"
							  "        $15, $16, $17, $18, $19, now()"
							  "   FROM id RETURNING export_arn",
							  NARGS - 1, argtypes, args, nulls, false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "inserting an export of table \"%s\" failed", spec->table_name);
	arn = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return arn;
#undef NARGS
}

/* an export's ExportDescription; NULL when there is none.  Connected to SPI. */
static Jsonb *
export_description(const char *arn)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(arn)};
	bool		isnull;
	Datum		value;

	if (SPI_execute_with_args("SELECT dynamo.export_description($1)", 1, argtypes, args, NULL, false, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "describing export \"%s\" failed", arn);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return NULL;
	return DatumGetJsonbPCopy(value);
}

/* write {"ExportDescription": ...} */
static void
write_description(JsonWriter *w, Jsonb *description)
{
	json_write_object_start(w);
	json_write_key(w, "ExportDescription");
	response_jsonb(w, description);
	json_write_object_end(w);
}

/* ExportTableToPointInTime */
void
api_export_table_to_point_in_time(const JsonNode *request, JsonWriter *w)
{
	ExportSpec	spec;
	Jsonb	   *request_jsonb = json_node_to_jsonb(request);
	char	   *table_id;
	char	   *arn = NULL;
	bool		pitr_enabled;
	TimestampTz earliest;
	Jsonb	   *description;
	MemoryContext caller = CurrentMemoryContext;

	parse_export_request(request, &spec);

	SPI_connect();
	table_id = table_recovery_window(&spec, &pitr_enabled, &earliest);
	check_export_times(&spec, pitr_enabled, earliest);
	if (spec.client_token)
		arn = export_of_client_token(spec.client_token, request_jsonb);
	if (arn == NULL)
	{
		JsonbParseState *state = NULL;
		JsonbValue	key;
		JsonbValue	value;

		arn = insert_export(&spec, table_id, request_jsonb);
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		key.type = jbvString;
		key.val.string.val = "ExportArn";
		key.val.string.len = strlen("ExportArn");
		pushJsonbValue(&state, WJB_KEY, &key);
		value.type = jbvString;
		value.val.string.val = arn;
		value.val.string.len = strlen(arn);
		pushJsonbValue(&state, WJB_VALUE, &value);
		backup_job_submit("export", arn, JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
	}
	description = export_description(arn);
	MemoryContextSwitchTo(caller);
	description = DatumGetJsonbPCopy(JsonbPGetDatum(description));
	SPI_finish();
	write_description(w, description);
}

/* DescribeExport */
void
api_describe_export(const JsonNode *request, JsonWriter *w)
{
	const char *arn = request_string(request, "ExportArn", "exportArn", true);
	const char *fields[6];
	size_t		lengths[6];
	Jsonb	   *description;
	MemoryContext caller = CurrentMemoryContext;

	if (!split_arn(arn, fields, lengths))
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Export ARN");
	if (!field_is(fields[1], lengths[1], "aws") || !field_is(fields[2], lengths[2], "dynamodb") ||
		!field_is(fields[4], lengths[4], dynamo_account_id) || !region_well_formed(fields[3], lengths[3]))
		dynamo_error(DYNAMO_EXC_ACCESS_DENIED, "Access is denied");
	if (strncmp(fields[5], "table/", 6) != 0 || strstr(fields[5], "/export/") == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Export ARN");
	if (!field_is(fields[3], lengths[3], dynamo_region))
		dynamo_error(DYNAMO_EXC_EXPORT_NOT_FOUND, "Export not found: Invalid export arn");

	SPI_connect();
	description = export_description(arn);
	MemoryContextSwitchTo(caller);
	if (description)
		description = DatumGetJsonbPCopy(JsonbPGetDatum(description));
	SPI_finish();
	if (description == NULL)
		dynamo_error(DYNAMO_EXC_EXPORT_NOT_FOUND, "Export not found: Export not found: %s", arn);
	write_description(w, description);
}

/* the ARN a ListExports NextToken stands for (the hex of its bytes); ValidationException when none */
static char *
list_token_arn(const char *token)
{
	size_t		len = strlen(token);
	char	   *arn;
	size_t		i;

	if (len == 0 || len % 2 != 0 || strspn(token, "0123456789abcdef") != len)
		goto invalid;
	arn = palloc(len / 2 + 1);
	for (i = 0; i < len / 2; i++)
	{
		char		pair[3] = {token[2 * i], token[2 * i + 1], '\0'};

		arn[i] = (char) strtol(pair, NULL, 16);
		if (arn[i] == '\0')
			goto invalid;
	}
	arn[len / 2] = '\0';
	if (strncmp(arn, "arn:aws:dynamodb:", 17) == 0 && strstr(arn, "/export/") != NULL)
		return arn;
invalid:
	dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Request: Provided nextToken is invalid: %s", token);
	return NULL;
}

/* ListExports */
void
api_list_exports(const JsonNode *request, JsonWriter *w)
{
	const char *table_arn = optional_string(request, "TableArn");
	const char *next_token = optional_string(request, "NextToken");
	const JsonNode *max_node = request_member(request, "MaxResults");
	int64		max_results = max_node ? request_integer(max_node) : LIST_EXPORTS_DEFAULT;
	char	   *table_name = table_arn ? table_name_from_arn(table_arn) : NULL;
	char	   *after = next_token ? list_token_arn(next_token) : NULL;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, INT4OID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	uint64		i;
	uint64		count;

	args[0] = table_name ? CStringGetTextDatum(table_name) : (Datum) 0;
	nulls[0] = table_name ? ' ' : 'n';
	args[1] = after ? CStringGetTextDatum(after) : (Datum) 0;
	nulls[1] = after ? ' ' : 'n';
	args[2] = Int32GetDatum((int32) max_results + 1);

	SPI_connect();
	if (SPI_execute_with_args("SELECT e.export_arn, e.status, e.export_type FROM dynamo.exports e"
							  "  JOIN dynamo.tables t ON t.table_name = e.table_name AND t.table_id = e.table_id"
							  " WHERE ($1 IS NULL OR e.table_name = $1)"
							  "   AND ($2 IS NULL OR e.export_arn COLLATE \"C\" < $2)"
							  "   AND e.start_time > now() - interval '90 days'"
							  " ORDER BY e.export_arn COLLATE \"C\" DESC LIMIT $3",
							  3, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "listing exports failed");
	count = Min(SPI_processed, (uint64) max_results);

	json_write_object_start(w);
	json_write_key(w, "ExportSummaries");
	json_write_array_start(w);
	for (i = 0; i < count; i++)
	{
		json_write_object_start(w);
		json_write_key(w, "ExportArn");
		json_write_string(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		json_write_key(w, "ExportStatus");
		json_write_string(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
		json_write_key(w, "ExportType");
		json_write_string(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3));
		json_write_object_end(w);
	}
	json_write_array_end(w);
	if (SPI_processed > count)
	{
		const char *last = SPI_getvalue(SPI_tuptable->vals[count - 1], SPI_tuptable->tupdesc, 1);
		StringInfoData token;
		const char *p;

		initStringInfo(&token);
		for (p = last; *p; p++)
			appendStringInfo(&token, "%02x", (unsigned char) *p);
		json_write_key(w, "NextToken");
		json_write_string(w, token.data);
	}
	json_write_object_end(w);
	SPI_finish();
}
