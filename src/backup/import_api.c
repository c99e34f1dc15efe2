/*-------------------------------------------------------------------------
 *
 * import_api.c
 *	  ImportTable, DescribeImport and ListImports.
 *
 * ImportTable creates the table at once, through CreateTable's own code
 * (api_create_table_from_request: the same checks and messages, in the
 * same order), sets its catalog status CREATING, records the import in
 * dynamo.imports (IN_PROGRESS) and submits the job that fills the table
 * (import_run.c), all in the request's transaction: a refused request
 * leaves nothing.  The table's name is taken synchronously (DynamoDB
 * accepts concurrent imports into one name and fails the losers later with
 * TableAlreadyExists; here the second request gets ResourceInUseException
 * at once).
 *
 * ClientToken (botocore always sends one; dynamo.execute may omit it, and
 * one is made up, as the SDKs do).  As measured against DynamoDB, the token
 * of an import started in the last 8 hours is consulted before anything
 * else: the same token with another TableName is ImportConflictException
 * "Import conflict: Duplicate request detected with conflicting
 * parameters"; with the same TableName it answers the existing import
 * (other members that differ are ignored, as DynamoDB ignores them) while
 * that import is IN_PROGRESS or once its table is gone, and is refused
 * with the table's ResourceInUseException while the table exists.
 *
 * Other DynamoDB rules checked here: InputFormatOptions.Csv with another
 * format ("Invalid Request: Unsupported InputFormatOptions for the given
 * input format: <format>."), InputCompressionType NONE when absent,
 * S3BucketOwner filled in with the account's id.  The ARN of an import is
 * its table's ARN, "/import/" and an id of the epoch milliseconds and 8
 * hex digits, as DynamoDB's; a malformed one is "Invalid Import ARN".
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "api/api.h"
#include "backup/backup.h"
#include "backup/import.h"
#include "catalog/catalog.h"
#include "errors.h"

#define IMPORT_LIST_DEFAULT_PAGE	10
#define IMPORT_TOKEN_HEX_LENGTH		112 /* ImportNextToken's minimum length */

/* ImportTable's request, parsed */
typedef struct ImportTableSpec
{
	const char *bucket;
	const char *prefix;
	const char *owner;
	const char *format;
	const JsonNode *format_options;
	const char *compression;
	const JsonNode *creation;	/* TableCreationParameters */
	const char *table_name;
	const char *client_token;
} ImportTableSpec;

/* the members of TableCreationParameters that CreateTable takes */
static const char *const CreationMembers[] = {
	"TableName", "AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
	"OnDemandThroughput", "SSESpecification", "GlobalSecondaryIndexes"
};

/* Read ImportTable's request (the validator has checked its shape and enums). */
static void
parse_import(const JsonNode *request, ImportTableSpec *spec)
{
	const JsonNode *source = request_member(request, "S3BucketSource");
	const JsonNode *options;

	memset(spec, 0, sizeof(*spec));
	if (source == NULL)
		request_missing("s3BucketSource");
	spec->bucket = request_string(source, "S3Bucket", "s3BucketSource.s3Bucket", true);
	spec->prefix = request_string(source, "S3KeyPrefix", "s3BucketSource.s3KeyPrefix", false);
	spec->owner = request_string(source, "S3BucketOwner", "s3BucketSource.s3BucketOwner", false);
	spec->format = request_string(request, "InputFormat", "inputFormat", true);
	spec->compression = request_string(request, "InputCompressionType", "inputCompressionType", false);
	if (spec->compression == NULL)
		spec->compression = "NONE";
	spec->creation = request_member(request, "TableCreationParameters");
	if (spec->creation == NULL)
		request_missing("tableCreationParameters");
	spec->table_name = request_string(spec->creation, "TableName", "tableCreationParameters.tableName", true);
	spec->client_token = request_string(request, "ClientToken", "clientToken", false);
	options = request_member(request, "InputFormatOptions");
	if (options != NULL && request_member(options, "Csv") != NULL && strcmp(spec->format, "CSV") != 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Invalid Request: Unsupported InputFormatOptions for the given input format: %s.",
					 spec->format);
	spec->format_options = options;
}

/* CreateTable's request made of TableCreationParameters */
static JsonNode *
create_table_request(const JsonNode *creation)
{
	JsonMember *members = palloc0(sizeof(JsonMember) * lengthof(CreationMembers));
	uint32		count = 0;
	int			i;

	for (i = 0; i < lengthof(CreationMembers); i++)
	{
		const JsonNode *value = request_member(creation, CreationMembers[i]);

		if (value != NULL)
			request_build_member(&members[count++], CreationMembers[i], value);
	}
	return request_build(members, count);
}

/* {"ImportTableDescription": ...} of an import; connected to SPI */
static Jsonb *
describe_import_by(const char *column, const char *value)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(value)};

	if (SPI_execute_with_args(psprintf("SELECT jsonb_build_object('ImportTableDescription', dynamo.import_description(i))"
									   "  FROM dynamo.imports i WHERE %s = $1", column),
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading import %s failed", value);
	if (SPI_processed == 0)
		return NULL;
	return catalog_copy_jsonb_result(1);
}

/*
 * The answer to a ClientToken seen in the last 8 hours (see the top of the
 * file), or NULL when the token is new.  Connected to SPI.
 */
static Jsonb *
replay_of_token(const ImportTableSpec *spec)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(spec->client_token)};
	char	   *import_id;
	char	   *table_name;
	char	   *status;
	bool		table_exists;

	if (SPI_execute_with_args("SELECT i.import_id, i.table_name, i.status,"
							  "       EXISTS (SELECT FROM dynamo.tables t WHERE t.table_name = i.table_name)"
							  "  FROM dynamo.imports i"
							  " WHERE i.client_token = $1 AND i.start_time > now() - interval '8 hours'"
							  " ORDER BY i.start_time DESC LIMIT 1",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading the imports of a client token failed");
	if (SPI_processed == 0)
		return NULL;
	import_id = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	table_name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	table_exists = strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4), "t") == 0;
	if (strcmp(table_name, spec->table_name) != 0)
		dynamo_error(DYNAMO_EXC_IMPORT_CONFLICT,
					 "Import conflict: Duplicate request detected with conflicting parameters");
	if (strcmp(status, "IN_PROGRESS") != 0 && table_exists)
		dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE, "Table already exists: %s", spec->table_name);
	return describe_import_by("import_id", import_id);
}

/* S3BucketSource as the import keeps it: S3BucketOwner filled in */
static Jsonb *
bucket_source_jsonb(const ImportTableSpec *spec)
{
	JsonbParseState *state = NULL;
	JsonbValue	k,
				v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
#define PUSH_STRING(name, value) \
	do { \
		k.type = jbvString; k.val.string.val = (char *) (name); k.val.string.len = strlen(name); \
		v.type = jbvString; v.val.string.val = (char *) (value); v.val.string.len = strlen(value); \
		pushJsonbValue(&state, WJB_KEY, &k); pushJsonbValue(&state, WJB_VALUE, &v); \
	} while (0)
	PUSH_STRING("S3Bucket", spec->bucket);
	PUSH_STRING("S3BucketOwner", spec->owner ? spec->owner : dynamo_account_id);
	if (spec->prefix != NULL)
		PUSH_STRING("S3KeyPrefix", spec->prefix);
#undef PUSH_STRING
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* Record the import of a table just created (CREATING: backup_create_filling_table); its id */
static char *
record_import(const ImportTableSpec *spec)
{
	Oid			argtypes[7] = {TEXTOID, TEXTOID, JSONBOID, TEXTOID, JSONBOID, TEXTOID, JSONBOID};
	Datum		args[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};

	args[0] = CStringGetTextDatum(spec->table_name);
	args[1] = CStringGetTextDatum(spec->client_token);
	args[2] = JsonbPGetDatum(bucket_source_jsonb(spec));
	args[3] = CStringGetTextDatum(spec->format);
	if (spec->format_options != NULL)
		args[4] = JsonbPGetDatum(json_node_to_jsonb(spec->format_options));
	else
		nulls[4] = 'n';
	args[5] = CStringGetTextDatum(spec->compression);
	args[6] = JsonbPGetDatum(json_node_to_jsonb(spec->creation));
	if (SPI_execute_with_args("WITH t AS (SELECT table_name, table_id FROM dynamo.tables WHERE table_name = $1),"
							  "     id AS (SELECT lpad((extract(epoch FROM now()) * 1000)::bigint::text, 14, '0')"
							  "                   || '-' || substr(md5(random()::text || clock_timestamp()::text), 1, 8) AS import_id)"
							  " INSERT INTO dynamo.imports (import_id, import_arn, table_name, table_id, table_arn,"
							  "        client_token, s3_bucket_source, input_format, input_format_options,"
							  "        input_compression_type, table_creation_parameters)"
							  " SELECT id.import_id, dynamo.import_table_arn(t.table_name) || '/import/' || id.import_id,"
							  "        t.table_name, t.table_id, dynamo.import_table_arn(t.table_name),"
							  "        $2, $3, $4, $5, $6, $7"
							  "   FROM t, id RETURNING import_id",
							  7, argtypes, args, nulls, false, 0) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "recording the import into table \"%s\" failed", spec->table_name);
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* the job's request: {"ImportId": id} */
static Jsonb *
job_request(const char *import_id)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(psprintf("{\"ImportId\": \"%s\"}", import_id))));
}

/* ImportTable */
void
api_import_table(const JsonNode *request, JsonWriter *w)
{
	ImportTableSpec spec;
	Jsonb	   *response;
	char	   *import_id;

	parse_import(request, &spec);
	SPI_connect();
	if (spec.client_token != NULL && (response = replay_of_token(&spec)) != NULL)
	{
		SPI_finish();
		response_jsonb(w, response);
		return;
	}
	if (spec.client_token == NULL)
	{
		if (SPI_execute("SELECT gen_random_uuid()::text", true, 1) != SPI_OK_SELECT)
			elog(ERROR, "making a client token failed");
		spec.client_token = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	}
	backup_create_filling_table(create_table_request(spec.creation), NULL);
	import_id = record_import(&spec);
	(void) backup_job_submit("import", import_id, job_request(import_id));
	response = describe_import_by("import_id", import_id);
	SPI_finish();
	catalog_audit_record_response("ImportTable", spec.table_name, json_node_to_jsonb(request), response, NULL);
	response_jsonb(w, response);
}

/* the import id of an ImportArn of this region and account, or "Invalid Import ARN" */
static void
check_import_arn(const char *arn)
{
	const char *table_part = strstr(arn, ":table/");
	const char *import_part;
	size_t		name_len;
	size_t		i;

	if (strncmp(arn, "arn:", 4) != 0 || table_part == NULL ||
		(import_part = strstr(table_part + 7, "/import/")) == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Import ARN");
	name_len = import_part - (table_part + 7);
	if (name_len < 3 || name_len > DYNAMO_TABLE_NAME_MAX)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Import ARN");
	for (i = 0; i < name_len; i++)
	{
		char		c = table_part[7 + i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '.' || c == '-'))
			dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Import ARN");
	}
	if (import_part[8] == '\0')
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid Import ARN");
}

/* DescribeImport */
void
api_describe_import(const JsonNode *request, JsonWriter *w)
{
	const char *arn = request_string(request, "ImportArn", "importArn", true);
	Jsonb	   *response;

	check_import_arn(arn);
	SPI_connect();
	response = describe_import_by("import_arn", arn);
	SPI_finish();
	if (response == NULL)
		dynamo_error(DYNAMO_EXC_IMPORT_NOT_FOUND, "Import not found: %s", arn);
	response_jsonb(w, response);
}

/* the NextToken after an import: its id in hex, padded with zero bytes */
static char *
next_token(const char *import_id)
{
	StringInfoData token;
	const char *p;

	initStringInfo(&token);
	for (p = import_id; *p; p++)
		appendStringInfo(&token, "%02x", (unsigned char) *p);
	while (token.len < IMPORT_TOKEN_HEX_LENGTH || token.len % 16 != 0)
		appendStringInfoString(&token, "00");
	return token.data;
}

/* the import id a NextToken continues after, or ValidationException */
static char *
token_import_id(const char *token)
{
	StringInfoData id;
	size_t		len = strlen(token);
	size_t		i;

	initStringInfo(&id);
	for (i = 0; i + 1 < len; i += 2)
	{
		int			byte;

		if (sscanf(token + i, "%2x", &byte) != 1)
			break;
		if (byte == 0)
			break;
		appendStringInfoChar(&id, (char) byte);
	}
	if (id.len != 23 || strspn(id.data, "0123456789") != 14 || id.data[14] != '-' ||
		strspn(id.data + 15, "0123456789abcdef") != 8)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid NextToken");
	return id.data;
}

/* ListImports: newest first, PageSize (10 by default) at a time */
void
api_list_imports(const JsonNode *request, JsonWriter *w)
{
	const char *table_arn = request_string(request, "TableArn", "tableArn", false);
	const char *token = request_string(request, "NextToken", "nextToken", false);
	const JsonNode *page_size = request_member(request, "PageSize");
	int64		limit = page_size ? request_integer(page_size) : IMPORT_LIST_DEFAULT_PAGE;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, INT4OID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	uint64		i;

	args[0] = table_arn ? CStringGetTextDatum(table_arn) : (Datum) 0;
	nulls[0] = table_arn ? ' ' : 'n';
	args[1] = token ? CStringGetTextDatum(token_import_id(token)) : (Datum) 0;
	nulls[1] = token ? ' ' : 'n';
	args[2] = Int32GetDatum((int32) limit + 1);
	SPI_connect();
	if (SPI_execute_with_args("SELECT dynamo.import_summary(i)::text, i.import_id FROM dynamo.imports i"
							  " WHERE ($1 IS NULL OR i.table_arn = $1) AND ($2 IS NULL OR i.import_id < $2)"
							  " ORDER BY i.import_id DESC LIMIT $3",
							  3, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "listing imports failed");
	json_write_object_start(w);
	json_write_key(w, "ImportSummaryList");
	json_write_array_start(w);
	for (i = 0; i < SPI_processed && i < (uint64) limit; i++)
		json_write_raw(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	json_write_array_end(w);
	if (SPI_processed > (uint64) limit)
	{
		json_write_key(w, "NextToken");
		json_write_string(w, next_token(SPI_getvalue(SPI_tuptable->vals[limit - 1], SPI_tuptable->tupdesc, 2)));
	}
	json_write_object_end(w);
	SPI_finish();
}
