/*-------------------------------------------------------------------------
 *
 * import_run.c
 *	  The job of an import: the S3 objects read into the table that
 *	  ImportTable created, in one transaction.
 *
 * The job worker (backup_jobs.c) runs backup_job_run_import in one
 * transaction, SPI connected.  It reads the objects of the import's prefix
 * in key order, line by line (import_files.c), turns each line into an
 * item (import_formats.c) and stores it with the table's one write path,
 * storage_upsert_item: a kept INSERT ... ON CONFLICT (pk, sk) DO UPDATE on
 * the item's partition, through the dynamo access method, which checks the
 * item and maintains the GSIs; no capacity is charged (an import consumes
 * no write capacity).  A later line with the key of an earlier one
 * replaces it, as DynamoDB's duplicates overwrite one another.  Memory is
 * one line's: each line is read and stored in a context reset for the
 * next.  At the end the same transaction sets the table ACTIVE and the
 * import COMPLETED, so the table is never seen half imported.
 *
 * LINES THAT ARE NOT ITEMS
 *
 * As DynamoDB does (developer guide, "Import format quotas and
 * validation", and measurements of it): empty and blank lines are skipped
 * and not counted; every other line is a processed item.  A line that
 * cannot be read as an item (not JSON, not Ion, no Item member, a bad
 * AttributeValue, a CSV record of the wrong width) is an error and ends
 * the reading of its object: the rest of the object is skipped, not
 * counted.  An item that reads but cannot be stored (a key attribute
 * missing or of the wrong type, an empty or too large key, an item over
 * 400 KB, a GSI key of the wrong type) is an error and the next line is
 * read.  An object that cannot be read or decompressed is one error.
 * Every error is counted in ErrorCount and logged as DynamoDB logs it to
 * CloudWatch: a row of dynamo.import_errors and, for the first
 * IMPORT_LOGGED_ERRORS, a line of the server log with DynamoDB's JSON
 * ({"itemS3Pointer": {"bucket", "key", "itemIndex"}, "importArn",
 * "errorMessages"}).  With any error the import ends FAILED with
 * FailureCode ItemValidationError and DynamoDB's FailureMessage, and the
 * table keeps the items that were imported (ACTIVE), as DynamoDB's does.
 *
 * Those errors are caught around the parsing and checking of one line,
 * which only allocate memory and touch no shared state, so no
 * subtransaction is needed; an error of any other kind (and any error
 * while storing) fails the job.
 *
 * FAILURES
 *
 * A job that fails leaves nothing: its transaction is rolled back, and
 * backup_job_import_failed, in a new one, drops the table and marks the
 * import FAILED.  A missing bucket (not in dynamo.s3_bucket_directories,
 * or its directory missing) is S3NoSuchBucket with S3's message, an
 * S3BucketOwner other than this account or a directory the server cannot
 * read S3AccessDenied, anything else InternalServerError.  The code
 * travels in the error's message as "<code>: <message>".
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "backup/backup.h"
#include "backup/import.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "storage/storage.h"
#include "value/value.h"

#define IMPORT_LOGGED_ERRORS	100 /* errors also written to the server log */
#define IMPORT_PROGRESS_EVERY	10000

#define ITEM_VALIDATION_MESSAGE \
	"Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details."

/* the failure codes the job raises, as DynamoDB reports them */
static const char *const FailureCodes[] = {"S3NoSuchBucket", "S3AccessDenied", "InternalServerError"};

/* an import, as its job sees it */
typedef struct ImportJob
{
	char	   *import_id;
	char	   *import_arn;
	char	   *table_name;
	char	   *bucket;
	char	   *prefix;
	char	   *owner;
	char	   *format;
	char	   *compression;
	Jsonb	   *format_options;
	TableInfo  *table;
	ImportParser parser;
	ImportCompression compression_kind;
	/* counters */
	int64		processed_items;
	int64		imported_items;
	int64		errors;
	int64		processed_bytes;
	/* progress */
	int64		total_file_bytes;
	int64		file_bytes_done;
	SPIPlanPtr	error_plan;
} ImportJob;

/* fail the job with a DynamoDB failure code */
static void
import_fail(const char *code, const char *message) pg_attribute_noreturn();

static void
import_fail(const char *code, const char *message)
{
	ereport(ERROR, (errmsg("%s: %s", code, message)));
}

/* a text member of a jsonb object, or NULL */
static char *
jsonb_text(Jsonb *object, const char *name)
{
	JsonbValue *v;

	if (object == NULL)
		return NULL;
	v = getKeyJsonValueFromContainer(&object->root, name, strlen(name), NULL);
	if (v == NULL || v->type != jbvString)
		return NULL;
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* read the import's row (locked); false when it is not IN_PROGRESS */
static bool
read_import(const char *import_id, ImportJob *job)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(import_id)};
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		options;
	Jsonb	   *source;

	if (SPI_execute_with_args("SELECT status, import_arn, table_name, s3_bucket_source, input_format,"
							  "       input_compression_type, input_format_options"
							  "  FROM dynamo.imports WHERE import_id = $1 FOR UPDATE",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading import %s failed", import_id);
	if (SPI_processed == 0)
		return false;
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	if (strcmp(SPI_getvalue(row, desc, 1), "IN_PROGRESS") != 0)
		return false;
	job->import_id = pstrdup(import_id);
	job->import_arn = SPI_getvalue(row, desc, 2);
	job->table_name = SPI_getvalue(row, desc, 3);
	source = DatumGetJsonbPCopy(SPI_getbinval(row, desc, 4, &isnull));
	job->bucket = jsonb_text(source, "S3Bucket");
	job->prefix = jsonb_text(source, "S3KeyPrefix");
	job->owner = jsonb_text(source, "S3BucketOwner");
	if (job->prefix == NULL)
		job->prefix = "";
	job->format = SPI_getvalue(row, desc, 5);
	job->compression = SPI_getvalue(row, desc, 6);
	options = SPI_getbinval(row, desc, 7, &isnull);
	job->format_options = isnull ? NULL : DatumGetJsonbPCopy(options);
	return true;
}

/* the attributes the table defines a type for: its keys first, then its GSIs' keys */
static void
collect_key_types(const TableInfo *table, ImportKeyTypes *keys)
{
	int			capacity = 2 + table->nindexes * DYNAMO_INDEX_KEY_ATTRIBUTES * 2;
	int			i,
				k;

	keys->names = palloc(sizeof(char *) * capacity);
	keys->types = palloc(sizeof(DynamoType) * capacity);
	keys->count = 0;
	keys->names[keys->count] = table->partition_key;
	keys->types[keys->count++] = table->partition_key_type;
	if (table->sort_key != NULL)
	{
		keys->names[keys->count] = table->sort_key;
		keys->types[keys->count++] = table->sort_key_type;
	}
	keys->table_key_count = keys->count;
	for (i = 0; i < table->nindexes; i++)
	{
		const TableIndex *index = &table->indexes[i];

		for (k = 0; k < index->npartition_keys; k++)
		{
			keys->names[keys->count] = index->partition_keys[k];
			keys->types[keys->count++] = index->partition_key_types[k];
		}
		for (k = 0; k < index->nsort_keys; k++)
		{
			keys->names[keys->count] = index->sort_keys[k];
			keys->types[keys->count++] = index->sort_key_types[k];
		}
	}
}

/* the parser of the import's format and options */
static void
set_up_parser(ImportJob *job)
{
	ImportParser *parser = &job->parser;

	memset(parser, 0, sizeof(*parser));
	parser->format = strcmp(job->format, "ION") == 0 ? IMPORT_ION :
		strcmp(job->format, "CSV") == 0 ? IMPORT_CSV : IMPORT_DYNAMODB_JSON;
	parser->delimiter = ',';
	collect_key_types(job->table, &parser->keys);
	if (job->format_options != NULL)
	{
		JsonbValue *csv = getKeyJsonValueFromContainer(&job->format_options->root, "Csv", 3, NULL);

		if (csv != NULL && csv->type == jbvBinary)
		{
			JsonbValue *delimiter = getKeyJsonValueFromContainer(csv->val.binary.data, "Delimiter", 9, NULL);
			JsonbValue *header = getKeyJsonValueFromContainer(csv->val.binary.data, "HeaderList", 10, NULL);

			if (delimiter != NULL && delimiter->type == jbvString && delimiter->val.string.len == 1)
				parser->delimiter = delimiter->val.string.val[0];
			if (header != NULL && header->type == jbvBinary)
			{
				JsonbContainer *list = header->val.binary.data;
				int			n = JsonContainerSize(list);
				int			i;

				parser->header = palloc(sizeof(char *) * Max(n, 1));
				for (i = 0; i < n; i++)
				{
					JsonbValue *name = getIthJsonbValueFromContainer(list, i);

					parser->header[i] = pnstrdup(name->val.string.val, name->val.string.len);
				}
				parser->header_count = n;
			}
		}
	}
	job->compression_kind = strcmp(job->compression, "GZIP") == 0 ? IMPORT_COMPRESSION_GZIP :
		strcmp(job->compression, "ZSTD") == 0 ? IMPORT_COMPRESSION_ZSTD : IMPORT_COMPRESSION_NONE;
}

/* Count and log an error of a line (or of an object: item_index -1 is its first) */
static void
record_error(ImportJob *job, const char *key, int64 item_index, const char *message)
{
	Oid			argtypes[6] = {TEXTOID, INT4OID, TEXTOID, TEXTOID, INT8OID, TEXTOID};
	Datum		args[6];

	job->errors++;
	if (job->errors <= IMPORT_LOGGED_ERRORS)
	{
		StringInfoData log;
		JsonWriter	w;

		initStringInfo(&log);
		json_writer_init(&w, &log);
		json_write_object_start(&w);
		json_write_key(&w, "itemS3Pointer");
		json_write_object_start(&w);
		json_write_key(&w, "bucket");
		json_write_string(&w, job->bucket);
		json_write_key(&w, "key");
		json_write_string(&w, key);
		json_write_key(&w, "itemIndex");
		json_write_int64(&w, Max(item_index, 0));
		json_write_object_end(&w);
		json_write_key(&w, "importArn");
		json_write_string(&w, job->import_arn);
		json_write_key(&w, "errorMessages");
		json_write_array_start(&w);
		json_write_string(&w, message);
		json_write_array_end(&w);
		json_write_object_end(&w);
		ereport(LOG, (errmsg("dynamo import: %s", log.data)));
	}
	if (job->error_plan == NULL)
	{
		job->error_plan = SPI_prepare("INSERT INTO dynamo.import_errors"
									  " (import_id, error_number, bucket, key, item_index, error_message)"
									  " VALUES ($1, $2, $3, $4, $5, $6)", 6, argtypes);
		if (job->error_plan == NULL)
			elog(ERROR, "preparing the import's error log failed");
	}
	args[0] = CStringGetTextDatum(job->import_id);
	args[1] = Int32GetDatum((int32) Min(job->errors, PG_INT32_MAX));
	args[2] = CStringGetTextDatum(job->bucket);
	args[3] = CStringGetTextDatum(key);
	args[4] = Int64GetDatum(Max(item_index, 0));
	args[5] = CStringGetTextDatum(message);
	if (SPI_execute_plan(job->error_plan, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "logging an import error failed");
}

/* whether an error is one of a line's data (counted) rather than of the job */
static bool
is_data_error(int sqlerrcode)
{
	return ERRCODE_TO_CATEGORY(sqlerrcode) == ERRCODE_DATA_EXCEPTION ||
		ERRCODE_TO_CATEGORY(sqlerrcode) == ERRCODE_PROGRAM_LIMIT_EXCEEDED ||
		dynamo_exception_by_errcode(sqlerrcode) != NULL;
}

/*
 * Run one step of a line (parse, or check) in the line's context; the
 * error's message (in the job's context) when a data error is raised,
 * else NULL.  Other errors are raised again.
 */
typedef struct LineStep
{
	ImportJob  *job;
	const char *text;
	int			len;
	struct varlena *item;
	ItemKey		key;
} LineStep;

/* parse the line into step->item */
static void
parse_line(LineStep *step)
{
	step->item = import_parse_line(&step->job->parser, step->text, step->len);
}

/* check the parsed item: its key (into step->key), its size, its index keys */
static void
check_item(LineStep *step)
{
	DynamoValue item = dynamo_value_from_varlena(step->item);

	storage_key_from_item(step->job->table, item, &step->key);
	if (dynamo_item_size(item) > DYNAMO_MAX_ITEM_SIZE)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Item size has exceeded the maximum allowed size");
	storage_check_index_keys(step->job->table, item);
}

/*
 * Run one step of a line; the message of the data error it raised (the
 * line's error, counted), or NULL.  Other errors are raised again.
 */
static char *
run_step(void (*step_fn) (LineStep *), LineStep *step, MemoryContext job_context)
{
	MemoryContext line_context = CurrentMemoryContext;
	char	   *message = NULL;

	PG_TRY();
	{
		step_fn(step);
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(job_context);
		error = CopyErrorData();
		if (!is_data_error(error->sqlerrcode))
			PG_RE_THROW();
		FlushErrorState();
		message = error->message;
		MemoryContextSwitchTo(line_context);
	}
	PG_END_TRY();
	return message;
}

/* whether a line holds only blanks */
static bool
blank_line(const StringInfo line)
{
	int			i;

	for (i = 0; i < line->len; i++)
		if (!(line->data[i] == ' ' || line->data[i] == '\t' || line->data[i] == '\r' ||
			  line->data[i] == '\v' || line->data[i] == '\f'))
			return false;
	return true;
}

/* report progress: items so far, of an estimate from the bytes read */
static void
report_progress(ImportJob *job, ImportObjectReader *reader)
{
	int64		read = job->file_bytes_done + import_object_bytes_read(reader);
	int64		estimate = read > 0 ? (int64) ((double) job->processed_items * job->total_file_bytes / read) : 0;

	backup_job_progress(job->processed_items, estimate);
	CHECK_FOR_INTERRUPTS();
}

/* Import one object. */
static void
import_object(ImportJob *job, const char *directory, const char *key, MemoryContext job_context,
			  MemoryContext line_context)
{
	char	   *path = psprintf("%s/%s", directory, key);
	const char *open_error = NULL;
	ImportObjectReader *reader = import_object_open(path, job->compression_kind, &open_error);
	StringInfoData line;
	StringInfoData record;
	int64		item_index = 0;
	bool		need_header = job->parser.format == IMPORT_CSV && job->parser.header == NULL;
	bool		own_header = false;
	ImportLineStatus status = IMPORT_LINE_OK;

	if (reader == NULL)
	{
		if (strcmp(open_error, "Access Denied") == 0)
			import_fail("S3AccessDenied", "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)");
		job->processed_items++;
		record_error(job, key, 0, open_error);
		return;
	}
	initStringInfo(&line);
	initStringInfo(&record);
	for (;;)
	{
		LineStep	step;
		char	   *message;
		const char *text = NULL;
		int			len = 0;

		MemoryContextReset(line_context);
		status = import_object_next_line(reader, &line);
		if (status != IMPORT_LINE_OK)
			break;
		job->processed_bytes += line.len + 1;
		if (blank_line(&line))
			continue;
		text = line.data;
		len = line.len;
		if (job->parser.format == IMPORT_CSV)
		{
			/* a quoted field may go on over several lines */
			resetStringInfo(&record);
			appendBinaryStringInfo(&record, line.data, line.len);
			while (!import_csv_record_complete(record.data, record.len) &&
				   (status = import_object_next_line(reader, &line)) == IMPORT_LINE_OK)
			{
				job->processed_bytes += line.len + 1;
				appendStringInfoChar(&record, '\n');
				appendBinaryStringInfo(&record, line.data, line.len);
			}
			if (status == IMPORT_LINE_ERROR)
				break;
			text = record.data;
			len = record.len;
			if (need_header)
			{
				MemoryContext old = MemoryContextSwitchTo(job_context);
				char	   *header_error = NULL;
				List	   *fields = NIL;

				need_header = false;
				own_header = true;
				PG_TRY();
				{
					fields = import_csv_fields(text, len, job->parser.delimiter);
				}
				PG_CATCH();
				{
					ErrorData  *error;

					MemoryContextSwitchTo(job_context);
					error = CopyErrorData();
					FlushErrorState();
					header_error = error->message;
				}
				PG_END_TRY();
				if (header_error != NULL)
				{
					MemoryContextSwitchTo(old);
					job->processed_items++;
					record_error(job, key, 0, header_error);
					break;
				}
				job->parser.header_count = list_length(fields);
				job->parser.header = palloc(sizeof(char *) * Max(job->parser.header_count, 1));
				for (int i = 0; i < job->parser.header_count; i++)
					job->parser.header[i] = (char *) ((JsonNode *) list_nth(fields, i))->u.text;
				MemoryContextSwitchTo(old);
				continue;
			}
		}
		job->processed_items++;
		MemoryContextSwitchTo(line_context);
		step.job = job;
		step.text = text;
		step.len = len;
		step.item = NULL;
		message = run_step(parse_line, &step, job_context);
		if (message != NULL)
		{
			MemoryContextSwitchTo(job_context);
			record_error(job, key, item_index, message);
			break;				/* the rest of the object is not read */
		}
		message = run_step(check_item, &step, job_context);
		if (message != NULL)
		{
			MemoryContextSwitchTo(job_context);
			record_error(job, key, item_index, message);
			item_index++;
			continue;
		}
		(void) storage_upsert_item(job->table, &step.key, step.item);
		MemoryContextSwitchTo(job_context);
		job->imported_items++;
		item_index++;
		if (job->processed_items % IMPORT_PROGRESS_EVERY == 0)
			report_progress(job, reader);
	}
	MemoryContextSwitchTo(job_context);
	if (status == IMPORT_LINE_ERROR)
	{
		job->processed_items++;
		record_error(job, key, item_index, import_object_error(reader));
	}
	if (own_header)
	{
		job->parser.header = NULL;
		job->parser.header_count = 0;
	}
	job->file_bytes_done += import_object_bytes_read(reader);
	import_object_close(reader);
}

/* the bucket's directory, or the job fails as S3 would */
static char *
bucket_directory(const ImportJob *job)
{
	char	   *directory = backup_s3_directory(job->bucket);
	struct stat st;

	if (directory == NULL || stat(directory, &st) != 0 || !S_ISDIR(st.st_mode))
		import_fail("S3NoSuchBucket",
					"The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket)");
	if (job->owner != NULL && strcmp(job->owner, dynamo_account_id) != 0)
		import_fail("S3AccessDenied", "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)");
	if (access(directory, R_OK | X_OK) != 0)
		import_fail("S3AccessDenied", "Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)");
	return directory;
}

/* the import's end: the table ACTIVE, the import COMPLETED or FAILED with ItemValidationError */
static void
finish_import(ImportJob *job)
{
	Oid			argtypes[5] = {TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID};
	Datum		args[5];
	Oid			name_type[1] = {TEXTOID};
	Datum		name[1] = {CStringGetTextDatum(job->table_name)};

	args[0] = CStringGetTextDatum(job->import_id);
	args[1] = Int64GetDatum(job->processed_bytes);
	args[2] = Int64GetDatum(job->processed_items);
	args[3] = Int64GetDatum(job->imported_items);
	args[4] = Int64GetDatum(job->errors);
	if (SPI_execute_with_args("UPDATE dynamo.imports"
							  "   SET status = CASE WHEN $5 > 0 THEN 'FAILED' ELSE 'COMPLETED' END,"
							  "       end_time = greatest(clock_timestamp(), start_time),"
							  "       processed_size_bytes = $2, processed_item_count = $3,"
							  "       imported_item_count = $4, error_count = $5,"
							  "       failure_code = CASE WHEN $5 > 0 THEN 'ItemValidationError' END,"
							  "       failure_message = CASE WHEN $5 > 0 THEN '" ITEM_VALIDATION_MESSAGE "' END"
							  " WHERE import_id = $1",
							  5, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "finishing import %s failed", job->import_id);
	if (SPI_execute_with_args("UPDATE dynamo.tables SET status = 'ACTIVE' WHERE table_name = $1",
							  1, name_type, name, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "activating table \"%s\" failed", job->table_name);
	catalog_invalidate_table(job->table->relid);
}

/* The job of an import (see the top of the file): the items imported. */
int64
backup_job_run_import(const BackupJob *job_row)
{
	ImportJob	job;
	char	   *import_id = jsonb_text(job_row->request, "ImportId");
	char	   *directory;
	List	   *keys;
	ListCell   *cell;
	MemoryContext job_context = CurrentMemoryContext;
	MemoryContext line_context;

	memset(&job, 0, sizeof(job));
	if (import_id == NULL || !read_import(import_id, &job))
		return 0;
	job.table = catalog_lookup_table(job.table_name, true);
	if (job.table == NULL)
		import_fail("InternalServerError", psprintf("Table %s is gone", job.table_name));
	set_up_parser(&job);
	directory = bucket_directory(&job);
	keys = import_list_objects(directory, job.prefix);
	foreach(cell, keys)
	{
		struct stat st;

		if (stat(psprintf("%s/%s", directory, (char *) lfirst(cell)), &st) == 0)
			job.total_file_bytes += st.st_size;
	}
	line_context = AllocSetContextCreate(job_context, "dynamo import line", ALLOCSET_DEFAULT_SIZES);
	foreach(cell, keys)
	{
		import_object(&job, directory, lfirst(cell), job_context, line_context);
		CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(line_context);
	backup_job_progress(job.processed_items, job.processed_items);
	finish_import(&job);
	return job.imported_items;
}

/*
 * An import's job failed: the import FAILED with the failure's code and
 * message, and its table dropped.  Connected to SPI, in a new transaction.
 */
void
backup_job_import_failed(const BackupJob *job_row, const char *message)
{
	char	   *import_id = jsonb_text(job_row->request, "ImportId");
	const char *code = "InternalServerError";
	const char *text = message;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	char	   *table_name;
	int			i;

	if (import_id == NULL)
		return;
	for (i = 0; i < lengthof(FailureCodes); i++)
	{
		size_t		len = strlen(FailureCodes[i]);

		if (strncmp(message, FailureCodes[i], len) == 0 && strncmp(message + len, ": ", 2) == 0)
		{
			code = FailureCodes[i];
			text = message + len + 2;
		}
	}
	args[0] = CStringGetTextDatum(import_id);
	args[1] = CStringGetTextDatum(code);
	args[2] = CStringGetTextDatum(text);
	if (SPI_execute_with_args("UPDATE dynamo.imports i"
							  "   SET status = 'FAILED', end_time = greatest(clock_timestamp(), start_time),"
							  "       failure_code = $2, failure_message = $3"
							  " WHERE import_id = $1 AND status = 'IN_PROGRESS'"
							  " RETURNING (SELECT t.table_name FROM dynamo.tables t"
							  "             WHERE t.table_name = i.table_name AND t.table_id = i.table_id)",
							  3, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "marking import %s failed did not succeed", import_id);
	if (SPI_processed == 0)
		return;
	table_name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (table_name == NULL)
		return;
	/* out of CREATING first: DeleteTable refuses a table being created */
	args[0] = CStringGetTextDatum(table_name);
	if (SPI_execute_with_args("UPDATE dynamo.tables SET status = 'ACTIVE' WHERE table_name = $1",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "dropping the table of import %s failed", import_id);
	(void) catalog_delete_table(table_name);
}
