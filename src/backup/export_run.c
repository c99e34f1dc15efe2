/*-------------------------------------------------------------------------
 *
 * export_run.c
 *	  The job of an export (kind "export" of dynamo.jobs): the table's items
 *	  at the export time, or its changes in the export period, written as
 *	  DynamoDB writes them (the layout is at the top of export.h), then the
 *	  export's row COMPLETED with its counts and manifest.
 *
 * A FULL_EXPORT reads dynamo.items_at(table, ExportTime), the table as
 * point-in-time recovery knows it at that time; an INCREMENTAL_EXPORT
 * reads dynamo.changes_between(table, from, to), one row per key changed
 * in the period with its item before and after, and writes one line per
 * key: a key created and deleted within the period writes nothing, a
 * NEW_IMAGE export leaves OldImage out, a deleted key has no NewImage.
 * DynamoDB's period is [ExportFromTime, ExportToTime) and
 * changes_between's is (from, to], so it is asked for (from - 1 us,
 * to - 1 us].  Both read with a plain snapshot: writers are not blocked
 * and no capacity is consumed.
 *
 * Items go to one data file per partition of the table, by the partition
 * their key hashes to (storage_partition_index), as DynamoDB writes at
 * least one file per partition, empty ones included.  The data files are
 * completed and renamed first, then manifest-files.json, then
 * manifest-summary.json: an export directory whose summary is there is
 * complete.  A job interrupted by a crash runs again (its transaction
 * never committed): a full export's data directory is emptied first.
 * On an error the incomplete files are removed and the error
 * raised; export_failed then records it: "S3NoSuchBucket: ..." and
 * "S3AccessDenied: ..." errors give DynamoDB's FailureCode, any other
 * error is FailureCode InternalServerError with its message.
 *
 * BilledSizeBytes is the size of the items exported by DynamoDB's item
 * size rules (a full export is billed on the table's size); an
 * incremental export is billed at least 10 MB, as DynamoDB bills it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "backup/backup.h"
#include "backup/export.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "storage/storage.h"
#include "value/json_node.h"

#define EXPORT_FETCH_ROWS				1000
#define INCREMENTAL_MIN_BILLED_BYTES	INT64CONST(10000000)

#define NO_SUCH_BUCKET \
	"S3NoSuchBucket: The specified bucket does not exist (Service: Amazon S3; Status Code: 404; " \
	"Error Code: NoSuchBucket)"

/* an export's row, as its job reads it */
typedef struct ExportJob
{
	char	   *export_id;
	char	   *export_arn;
	char	   *table_name;
	char	   *table_id;
	char	   *table_arn;
	bool		incremental;
	ExportFormat format;
	const char *format_name;
	TimestampTz export_time;
	TimestampTz from_time;
	TimestampTz to_time;
	bool		new_and_old_images;
	char	   *s3_bucket;
	char	   *s3_prefix;		/* NULL: none */
	char	   *s3_sse_algorithm;
	char	   *s3_sse_kms_key_id;	/* NULL: none */
	TimestampTz start_time;
} ExportJob;

/* what the data files hold, when written */
typedef struct ExportResult
{
	int			nfiles;
	ExportFile **files;
	int64		item_count;
	int64		billed_bytes;
} ExportResult;

/* The S3 key prefix of an export's files: "" or the S3Prefix with one slash after it. */
char *
export_key_prefix(const char *s3_prefix)
{
	size_t		len;

	if (s3_prefix == NULL || s3_prefix[0] == '\0')
		return pstrdup("");
	len = strlen(s3_prefix);
	return s3_prefix[len - 1] == '/' ? pstrdup(s3_prefix) : psprintf("%s/", s3_prefix);
}

/* a time as the manifests write it: 2020-11-04T07:28:34.028Z */
static char *
iso_millis(TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (fsec / 1000));
}

/* microseconds since the Unix epoch */
static int64
unix_micros(TimestampTz t)
{
	return t + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
}

/* a column as text (NULL when null), of row 0 of SPI's result */
static char *
column_text(int column)
{
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column);
}

static TimestampTz
column_time(int column)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);

	return isnull ? 0 : DatumGetTimestampTz(d);
}

/* Read the row of an export.  Connected to SPI. */
static void
read_export(const char *arn, ExportJob *job)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(arn)};
	char	   *format;

	if (SPI_execute_with_args("SELECT export_id, export_arn, table_name, table_id, table_arn, export_type,"
							  "       export_format, export_time, export_from_time, export_to_time,"
							  "       export_view_type, s3_bucket, s3_prefix, s3_sse_algorithm,"
							  "       s3_sse_kms_key_id, start_time"
							  "  FROM dynamo.exports WHERE export_arn = $1",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "export \"%s\" not found", arn);
	job->export_id = column_text(1);
	job->export_arn = column_text(2);
	job->table_name = column_text(3);
	job->table_id = column_text(4);
	job->table_arn = column_text(5);
	job->incremental = strcmp(column_text(6), "INCREMENTAL_EXPORT") == 0;
	format = column_text(7);
	job->format = strcmp(format, "ION") == 0 ? EXPORT_FORMAT_ION : EXPORT_FORMAT_DYNAMODB_JSON;
	job->format_name = format;
	job->export_time = column_time(8);
	job->from_time = column_time(9);
	job->to_time = column_time(10);
	job->new_and_old_images = job->incremental && strcmp(column_text(11), "NEW_AND_OLD_IMAGES") == 0;
	job->s3_bucket = column_text(12);
	job->s3_prefix = column_text(13);
	job->s3_sse_algorithm = column_text(14);
	job->s3_sse_kms_key_id = column_text(15);
	job->start_time = column_time(16);
}

/* whether a function exists (the point-in-time recovery functions of the lead's part) */
static bool
function_exists(const char *signature)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(signature)};
	bool		isnull;

	if (SPI_execute_with_args("SELECT pg_catalog.to_regprocedure($1) IS NOT NULL", 1, argtypes, args,
							  NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "looking up %s failed", signature);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* the number of rows the table is estimated to hold, for progress */
static int64
estimated_rows(const TableInfo *table)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		args[1] = {ObjectIdGetDatum(table->relid)};
	bool		isnull;
	Datum		d;

	if (SPI_execute_with_args("SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint"
							  "  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
							  " WHERE i.inhparent = $1", 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		return 0;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* a dynamo.value or dynamo.item column of a fetched row, or NULL */
static bool
row_value(HeapTuple row, TupleDesc desc, int column, DynamoValue *value)
{
	bool		isnull;
	Datum		d = SPI_getbinval(row, desc, column, &isnull);

	if (isnull)
		return false;
	*value = dynamo_value_from_varlena((struct varlena *) PG_DETOAST_DATUM_PACKED(d));
	return true;
}

/*
 * Open the cursor of the rows to export: (pk, item) of a full export,
 * (pk, old_item, new_item, change_time) of an incremental one.
 */
static Portal
open_rows(const ExportJob *job, const TableInfo *table)
{
	Oid			argtypes[3] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[3];

	args[0] = CStringGetTextDatum(job->table_name);
	if (job->incremental)
	{
		if (!function_exists("dynamo.changes_between(text,timestamptz,timestamptz)"))
			elog(ERROR, "dynamo.changes_between is not installed: incremental exports need point-in-time recovery's change history");
		args[1] = TimestampTzGetDatum(job->from_time - 1);
		args[2] = TimestampTzGetDatum(job->to_time - 1);
		return SPI_cursor_open_with_args(NULL, "SELECT pk, old_item, new_item, change_time"
										 "  FROM dynamo.changes_between($1, $2, $3)",
										 3, argtypes, args, NULL, true, CURSOR_OPT_NO_SCROLL);
	}
	if (function_exists("dynamo.items_at(text,timestamptz)"))
	{
		args[1] = TimestampTzGetDatum(job->export_time);
		return SPI_cursor_open_with_args(NULL, "SELECT pk, item FROM dynamo.items_at($1, $2)",
										 2, argtypes, args, NULL, true, CURSOR_OPT_NO_SCROLL);
	}
	/*
	 * TODO: until dynamo.items_at lands (point-in-time recovery), the table
	 * as it is now; sql/exports.sql's export of a past time catches this.
	 */
	return SPI_cursor_open_with_args(NULL,
									 psprintf("SELECT pk, item FROM dynamo_data.%s",
											  quote_identifier(table->relation_name)),
									 0, NULL, NULL, NULL, true, CURSOR_OPT_NO_SCROLL);
}

/* the key attributes of an item, as a map */
static DynamoValue
item_keys(const TableInfo *table, DynamoValue item)
{
	const char *names[2] = {table->partition_key, table->sort_key};

	return dynamo_value_from_varlena(dynamo_map_select(item, names, table->sort_key ? 2 : 1));
}

/* Write the data files: every row of the cursor into the file of its partition. */
static void
write_rows(const ExportJob *job, const TableInfo *table, ExportResult *result)
{
	Portal		portal = open_rows(job, table);
	StringInfoData line;
	MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "dynamo export row",
													  ALLOCSET_DEFAULT_SIZES);
	int64		estimate = job->incremental ? 0 : estimated_rows(table);
	int64		done = 0;

	initStringInfo(&line);
	for (;;)
	{
		uint64		i;

		SPI_cursor_fetch(portal, true, EXPORT_FETCH_ROWS);
		if (SPI_processed == 0)
			break;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	row = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			MemoryContext old = MemoryContextSwitchTo(row_context);
			DynamoValue pk;
			DynamoValue item;
			int			partition;

			resetStringInfo(&line);
			if (!row_value(row, desc, 1, &pk))
				elog(ERROR, "an exported row has no partition key");
			partition = storage_partition_index(table, pk);
			if (!job->incremental)
			{
				if (!row_value(row, desc, 2, &item))
					elog(ERROR, "an exported row has no item");
				export_append_item_line(&line, job->format, item);
				result->billed_bytes += dynamo_item_size(item);
			}
			else
			{
				DynamoValue old_item;
				DynamoValue new_item;
				bool		has_old = row_value(row, desc, 2, &old_item);
				bool		has_new = row_value(row, desc, 3, &new_item);
				bool		isnull;
				TimestampTz changed = DatumGetTimestampTz(SPI_getbinval(row, desc, 4, &isnull));

				if (!has_old && !has_new)
				{
					MemoryContextSwitchTo(old);
					MemoryContextReset(row_context);
					continue;	/* created and deleted within the period */
				}
				export_append_change_line(&line, job->format, unix_micros(changed),
										  item_keys(table, has_new ? new_item : old_item),
										  has_new ? &new_item : NULL,
										  has_old && job->new_and_old_images ? &old_item : NULL);
				if (has_new)
					result->billed_bytes += dynamo_item_size(new_item);
				if (has_old && job->new_and_old_images)
					result->billed_bytes += dynamo_item_size(old_item);
			}
			MemoryContextSwitchTo(old);
			export_file_write(result->files[partition], line.data, line.len);
			result->files[partition]->item_count++;
			result->item_count++;
			MemoryContextReset(row_context);
		}
		done += SPI_processed;
		SPI_freetuptable(SPI_tuptable);
		backup_job_progress(done, estimate);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(row_context);
	if (job->incremental)
		result->billed_bytes = Max(result->billed_bytes, INCREMENTAL_MIN_BILLED_BYTES);
}

/* manifest-files.json: one line per data file */
static char *
files_manifest(const ExportResult *result)
{
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < result->nfiles; i++)
	{
		JsonWriter	w;
		ExportFile *f = result->files[i];

		json_writer_init(&w, &out);
		json_write_object_start(&w);
		json_write_key(&w, "itemCount");
		json_write_int64(&w, f->item_count);
		json_write_key(&w, "md5Checksum");
		json_write_string(&w, f->md5_base64);
		json_write_key(&w, "etag");
		json_write_string(&w, f->etag);
		json_write_key(&w, "dataFileS3Key");
		json_write_string(&w, f->key);
		json_write_object_end(&w);
		appendStringInfoChar(&out, '\n');
	}
	return out.data;
}

static void
write_nullable(JsonWriter *w, const char *key, const char *value)
{
	json_write_key(w, key);
	if (value)
		json_write_string(w, value);
	else
		json_write_null(w);
}

/* manifest-summary.json */
static char *
summary_manifest(const ExportJob *job, const ExportResult *result, const char *files_key,
				 TimestampTz end_time)
{
	StringInfoData out;
	JsonWriter	w;

	initStringInfo(&out);
	json_writer_init(&w, &out);
	json_write_object_start(&w);
	json_write_key(&w, "version");
	json_write_string(&w, "2020-06-30");
	json_write_key(&w, "exportArn");
	json_write_string(&w, job->export_arn);
	json_write_key(&w, "startTime");
	json_write_string(&w, iso_millis(job->start_time));
	json_write_key(&w, "endTime");
	json_write_string(&w, iso_millis(end_time));
	json_write_key(&w, "tableArn");
	json_write_string(&w, job->table_arn);
	json_write_key(&w, "tableId");
	json_write_string(&w, job->table_id);
	json_write_key(&w, "exportTime");
	json_write_string(&w, iso_millis(job->incremental ? job->to_time : job->export_time));
	if (job->incremental)
	{
		json_write_key(&w, "exportFromTime");
		json_write_string(&w, iso_millis(job->from_time));
		json_write_key(&w, "exportToTime");
		json_write_string(&w, iso_millis(job->to_time));
	}
	json_write_key(&w, "s3Bucket");
	json_write_string(&w, job->s3_bucket);
	write_nullable(&w, "s3Prefix", job->s3_prefix);
	json_write_key(&w, "s3SseAlgorithm");
	json_write_string(&w, job->s3_sse_algorithm);
	write_nullable(&w, "s3SseKmsKeyId", job->s3_sse_kms_key_id);
	json_write_key(&w, "manifestFilesS3Key");
	json_write_string(&w, files_key);
	json_write_key(&w, "billedSizeBytes");
	json_write_int64(&w, result->billed_bytes);
	json_write_key(&w, "itemCount");
	json_write_int64(&w, result->item_count);
	json_write_key(&w, "outputFormat");
	json_write_string(&w, job->format_name);
	if (job->incremental)
	{
		json_write_key(&w, "exportType");
		json_write_string(&w, "INCREMENTAL_EXPORT");
		json_write_key(&w, "outputView");
		json_write_string(&w, job->new_and_old_images ? "NEW_AND_OLD_IMAGES" : "NEW_IMAGE");
	}
	json_write_object_end(&w);
	appendStringInfoChar(&out, '\n');
	return out.data;
}

/* set the export COMPLETED */
static void
complete_export(const ExportJob *job, const ExportResult *result, const char *summary_key,
				TimestampTz end_time)
{
	Oid			argtypes[5] = {TEXTOID, TIMESTAMPTZOID, INT8OID, INT8OID, TEXTOID};
	Datum		args[5];

	args[0] = CStringGetTextDatum(job->export_arn);
	args[1] = TimestampTzGetDatum(end_time);
	args[2] = Int64GetDatum(result->item_count);
	args[3] = Int64GetDatum(result->billed_bytes);
	args[4] = CStringGetTextDatum(summary_key);
	if (SPI_execute_with_args("UPDATE dynamo.exports SET status = 'COMPLETED', end_time = $2,"
							  "       item_count = $3, billed_size_bytes = $4, export_manifest = $5"
							  " WHERE export_arn = $1", 5, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "completing export \"%s\" failed", job->export_arn);
}

/* The job of an export (see the top of the file); the items exported. */
int64
backup_job_run_export(const BackupJob *backup_job)
{
	ExportJob	job;
	ExportResult result;
	TableInfo  *table;
	char	   *bucket_directory;
	char	   *key_prefix;
	char	   *export_key;
	char	   *export_directory;
	char	   *data_key;
	char	   *data_directory;
	char	   *manifest;
	char	   *files_key;
	char	   *summary_key;
	char		md5[32];
	TimestampTz end_time;
	const char *extension;
	int			i;

	read_export(backup_job->subject, &job);
	bucket_directory = backup_s3_directory(job.s3_bucket);
	if (bucket_directory == NULL)
		ereport(ERROR, (errmsg("%s", NO_SUCH_BUCKET)));
	table = catalog_lookup_table(job.table_name, false);

	key_prefix = export_key_prefix(job.s3_prefix);
	export_key = psprintf("%sAWSDynamoDB/%s", key_prefix, job.export_id);
	export_directory = psprintf("%s/%s", bucket_directory, export_key);
	data_key = job.incremental ? psprintf("%sAWSDynamoDB/data", key_prefix) : psprintf("%s/data", export_key);
	data_directory = psprintf("%s/%s", bucket_directory, data_key);
	export_make_directories(export_directory);
	export_make_directories(data_directory);
	if (!job.incremental)
		export_empty_directory(data_directory); /* a run again after a crash */
	export_write_small_file(psprintf("%s/_started", export_directory), "", 0, NULL);

	extension = job.format == EXPORT_FORMAT_ION ? "ion.gz" : "json.gz";
	memset(&result, 0, sizeof(result));
	result.nfiles = table->partition_count;
	result.files = palloc0(sizeof(ExportFile *) * result.nfiles);
	PG_TRY();
	{
		for (i = 0; i < result.nfiles; i++)
			result.files[i] = export_file_open(data_directory, data_key,
											   psprintf("%s.%s", export_random_name(), extension));
		write_rows(&job, table, &result);
		for (i = 0; i < result.nfiles; i++)
			export_file_close(result.files[i]);
	}
	PG_CATCH();
	{
		for (i = 0; i < result.nfiles; i++)
			if (result.files[i])
				export_file_discard(result.files[i]);
		PG_RE_THROW();
	}
	PG_END_TRY();

	files_key = psprintf("%s/manifest-files.json", export_key);
	manifest = files_manifest(&result);
	export_write_small_file(psprintf("%s/manifest-files.json", export_directory), manifest, strlen(manifest), md5);
	export_write_small_file(psprintf("%s/manifest-files.md5", export_directory), md5, strlen(md5), NULL);

	end_time = GetCurrentTimestamp();
	summary_key = psprintf("%s/manifest-summary.json", export_key);
	manifest = summary_manifest(&job, &result, files_key, end_time);
	export_write_small_file(psprintf("%s/manifest-summary.json", export_directory), manifest, strlen(manifest), md5);
	export_write_small_file(psprintf("%s/manifest-summary.md5", export_directory), md5, strlen(md5), NULL);

	complete_export(&job, &result, summary_key, end_time);
	return result.item_count;
}

/* Record a failed export: FAILED, with DynamoDB's FailureCode and FailureMessage. */
void
backup_job_export_failed(const BackupJob *backup_job, const char *message)
{
	static const char *const codes[] = {"S3NoSuchBucket", "S3AccessDenied"};
	const char *code = "InternalServerError";
	const char *text = message;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	int			i;

	for (i = 0; i < lengthof(codes); i++)
	{
		size_t		len = strlen(codes[i]);

		if (strncmp(message, codes[i], len) == 0 && strncmp(message + len, ": ", 2) == 0)
		{
			code = codes[i];
			text = message + len + 2;
		}
	}
	args[0] = CStringGetTextDatum(backup_job->subject);
	args[1] = CStringGetTextDatum(code);
	args[2] = CStringGetTextDatum(text);
	if (SPI_execute_with_args("UPDATE dynamo.exports SET status = 'FAILED', end_time = clock_timestamp(),"
							  "       failure_code = $2, failure_message = $3"
							  " WHERE export_arn = $1 AND status = 'IN_PROGRESS'",
							  3, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "recording the failure of export \"%s\" failed", backup_job->subject);
}
