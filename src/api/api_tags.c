/*-------------------------------------------------------------------------
 *
 * api_tags.c
 *	  TagResource, UntagResource, ListTagsOfResource, and the Tags of
 *	  CreateTable: a table's tags in dynamo.tags (src/sql/56_tags.sql).
 *
 * A tagged resource is named by its table ARN,
 * arn:aws:dynamodb:<region>:<account>:table/<name> (dynamo.region and
 * dynamo.account_id).  DynamoDB's answers to other ARNs (2026 captures):
 *
 *	 not starting with "arn:": "One or more parameter values were invalid:
 *		ARNs must start with 'arn:': <arn>"
 *	 not a DynamoDB ARN, or a backup's: "One or more parameter values were
 *		invalid: Provided Arn is not a DynamoDB resource arn: <arn>"
 *	 an index's: "One or more parameter values were invalid: Invalid
 *		resource arn provided, only table or stream is accepted. Provided
 *		resource arn: <arn>"
 *	 another region's or account's, or no table name: "Invalid TableArn:
 *		Invalid ResourceArn provided as input <arn>"
 *
 * all ValidationException; a table that does not exist is
 * ResourceNotFoundException "Requested resource not found: ResourceArn:
 * <arn> not found" (older DynamoDB, quoted by dynalite, spelled it
 * "ResourcArn"; the 2026 captures spell it out).
 *
 * The tags of a request are checked completely before anything is
 * written (a request with one bad tag applies none), each in request
 * order: its key (1 to 128 characters of the allowed set), the aws:
 * prefix (any case), its value (0 to 256 characters of the allowed set;
 * a missing value is "null"), then a key seen before in the request.  The
 * allowed set is AWS's tag pattern ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$: letters,
 * separators and digits of any script and + - = . _ : / @.  Postgres 15
 * has no Unicode category tables, so outside ASCII the set is
 * approximated by blocks (tag_character_allowed).  TagResource then
 * upserts, and refuses a result of more than 50 tags; UntagResource of a
 * key that is not there is no error.  Every change is recorded in the
 * audit log.
 *
 * One change of a table's tags at a time: DynamoDB refuses a TagResource or
 * UntagResource while another change of the table's tags is being applied
 * (LimitExceededException "Subscriber limit exceeded: Table tags are being
 * updated: <table>", 2026 captures).  Here a change is being applied until
 * its transaction ends: TagResource and UntagResource take a transaction
 * advisory lock on the table's name without waiting (claim_tag_change), and
 * refuse so when another transaction holds it.  Then they lock the table's
 * catalog row (against DeleteTable), and the count limit holds.  A table
 * still CREATING (a restore under way) refuses TagResource with
 * ResourceInUseException, as DynamoDB does in the last moments of its
 * CREATING; UntagResource and ListTagsOfResource answer.
 *
 * ListTagsOfResource gives every tag in one page, ordered by key: with at
 * most 50 tags DynamoDB gives no NextToken either (DDB-TABLE-108).  A
 * NextToken in the request lists the tags whose keys sort after it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"

#define TAGS_MAX			50
#define TAG_KEY_MAX			128
#define TAG_VALUE_MAX		256

#define INVALID_PREFIX		"One or more parameter values were invalid: "

/*
 * Whether a code point may be in a tag: AWS's pattern
 * [\p{L}\p{Z}\p{N}_.:/=+\-@], exact in ASCII and Latin-1, by blocks
 * beyond: controls, punctuation and symbol blocks, private use, emoji and
 * the specials are refused, the rest (the scripts' letters and digits,
 * the space separators) allowed.
 */
static bool
tag_character_allowed(pg_wchar c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == ' ' || strchr("_.:/=+-@", (int) c) != NULL;
	if (c < 0xA0)
		return false;			/* C1 controls */
	if (c < 0xC0)				/* Latin-1 punctuation and symbols, but for these */
		return c == 0xA0 || c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 ||
			c == 0xB9 || c == 0xBA || (c >= 0xBC && c <= 0xBE);
	if (c == 0xD7 || c == 0xF7)
		return false;			/* multiplication and division signs */
	if (c >= 0x2000 && c <= 0x206F)	/* general punctuation: only its spaces */
		return c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F;
	if (c >= 0x20A0 && c <= 0x2BFF)	/* currency, arrows, math, technical,
									 * shapes, dingbats */
		return (c >= 0x2150 && c <= 0x218F);	/* number forms */
	if (c >= 0x3001 && c <= 0x303F)	/* CJK punctuation */
		return false;
	if ((c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
		(c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFFF0 && c <= 0xFFFF))
		return false;			/* surrogates, private use, variation
								 * selectors, compatibility forms, specials */
	if (c >= 0xFF01 && c <= 0xFF0F)
		return false;			/* fullwidth punctuation */
	if (c >= 0x1F000 && c <= 0x1FAFF)
		return false;			/* emoji and pictographs */
	if (c >= 0xE0000)
		return false;			/* tags, variation selectors, private use */
	return true;
}

/* whether a key or value has min..max characters, all allowed */
static bool
tag_text_valid(const char *text, uint32 len, int min, int max)
{
	const unsigned char *p = (const unsigned char *) text;
	const unsigned char *end = p + len;
	int			characters = 0;

	while (p < end)
	{
		int			width = pg_utf_mblen(p);

		if (p + width > end || !tag_character_allowed(utf8_to_unicode(p)))
			return false;
		p += width;
		characters++;
	}
	return characters >= min && characters <= max;
}

/* a key's refusals, in DynamoDB's order: its characters, then the aws: prefix */
static void
check_tag_key(const JsonNode *key)
{
	if (key == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "The Tag Key provided is invalid, Key: null");
	if (!tag_text_valid(key->u.text, key->count, 1, TAG_KEY_MAX))
		dynamo_error(DYNAMO_EXC_VALIDATION, "The Tag Key provided is invalid, Key: %s", key->u.text);
	if (pg_strncasecmp(key->u.text, "aws:", 4) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Tag Key cannot be prefixed with aws:, Key: %s", key->u.text);
}

/*
 * Parse and check a request's Tags (TagResource, CreateTable): every tag
 * valid, no key twice, at most 50.  An absent or empty list gives no tags.
 */
static void
parse_tags(const JsonNode *array, ApiTagList *list)
{
	int			i,
				j;

	list->count = 0;
	list->tags = NULL;
	if (array == NULL || array->count == 0)
		return;
	list->tags = palloc(sizeof(ApiTag) * array->count);
	for (i = 0; i < (int) array->count; i++)
	{
		const JsonNode *tag = &array->u.elements[i];
		const JsonNode *key = request_member(tag, "Key");
		const JsonNode *value = request_member(tag, "Value");

		check_tag_key(key);
		if (value == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "The Tag Value provided is invalid, Value: null");
		if (!tag_text_valid(value->u.text, value->count, 0, TAG_VALUE_MAX))
			dynamo_error(DYNAMO_EXC_VALIDATION, "The Tag Value provided is invalid, Value: %s",
						 value->u.text);
		for (j = 0; j < list->count; j++)
			if (strcmp(list->tags[j].key, key->u.text) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "Duplicate Tag Keys provided as input: Duplicate Tag Key found %s",
							 key->u.text);
		list->tags[list->count].key = key->u.text;
		list->tags[list->count].value = value->u.text;
		list->count++;
	}
	if (list->count > TAGS_MAX)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Number of Tags exceed the current limit for the provided ResourceArn");
}

/*
 * The table an ARN names, by DynamoDB's rules (the top of this file); the
 * table is not looked up.
 */
static char *
table_name_from_arn(const JsonNode *arn_node)
{
	const char *arn = arn_node->u.text;
	const char *fields[6];
	const char *p = arn;
	const char *name;
	int			nfields = 0;
	size_t		name_len;

	if (strncmp(arn, "arn:", 4) != 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "ARNs must start with 'arn:': %s", arn);
	/* arn:partition:service:region:account:resource */
	fields[nfields++] = p;
	while (nfields < 6 && (p = strchr(p, ':')) != NULL)
		fields[nfields++] = ++p;
	if (nfields < 6 || strncmp(fields[2], "dynamodb:", 9) != 0 ||
		strncmp(fields[5], "table/", 6) != 0 || strstr(fields[5], "/backup/") != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Provided Arn is not a DynamoDB resource arn: %s", arn);
	name = fields[5] + 6;
	if (strstr(name, "/index/") != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Invalid resource arn provided, only table or stream is accepted. "
					 "Provided resource arn: %s", arn);
	name_len = strlen(name);
	if (strlen(arn) != arn_node->count ||
		strncmp(fields[1], "aws:", 4) != 0 ||
		fields[4] - fields[3] - 1 != (int) strlen(dynamo_region) ||
		strncmp(fields[3], dynamo_region, strlen(dynamo_region)) != 0 ||
		fields[5] - fields[4] - 1 != (int) strlen(dynamo_account_id) ||
		strncmp(fields[4], dynamo_account_id, strlen(dynamo_account_id)) != 0 ||
		name_len < 3 || name_len > DYNAMO_TABLE_NAME_MAX ||
		strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != name_len)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid TableArn: Invalid ResourceArn provided as input %s", arn);
	return pstrdup(name);
}

/*
 * Claim the change of a table's tags until the transaction ends, without
 * waiting: LimitExceededException when another transaction changes them.
 * Connected to SPI.
 */
static void
claim_tag_change(const char *table_name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};
	bool		isnull;

	if (SPI_execute_with_args("SELECT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('dynamo.tags:' || $1))",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "claiming the tags of table \"%s\" failed", table_name);
	if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
					 "Subscriber limit exceeded: Table tags are being updated: %s", table_name);
}

/*
 * Lock the catalog row of a tagged table (lock) or see that it exists;
 * ResourceNotFoundException naming the ARN when it does not.  Returns the
 * table's status.  Connected to SPI.
 */
static char *
find_table(const char *table_name, const char *arn, bool lock)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};

	if (SPI_execute_with_args(lock ?
							  "SELECT status FROM dynamo.tables WHERE table_name = $1 FOR NO KEY UPDATE" :
							  "SELECT status FROM dynamo.tables WHERE table_name = $1",
							  1, argtypes, args, NULL, !lock, 1) != SPI_OK_SELECT)
		elog(ERROR, "looking up table \"%s\" failed", table_name);
	if (SPI_processed == 0)
		dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND,
					 "Requested resource not found: ResourceArn: %s not found", arn);
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* the keys and values of a list as text[] arrays, for SQL */
static void
tag_arrays(const ApiTagList *list, Datum *keys, Datum *values)
{
	Datum	   *key_datums = palloc(sizeof(Datum) * Max(list->count, 1));
	Datum	   *value_datums = palloc(sizeof(Datum) * Max(list->count, 1));
	int			i;

	for (i = 0; i < list->count; i++)
	{
		key_datums[i] = CStringGetTextDatum(list->tags[i].key);
		value_datums[i] = CStringGetTextDatum(list->tags[i].value ? list->tags[i].value : "");
	}
	*keys = PointerGetDatum(construct_array(key_datums, list->count, TEXTOID, -1, false, TYPALIGN_INT));
	*values = PointerGetDatum(construct_array(value_datums, list->count, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Upsert tags of a table and refuse a result of more than 50.  Connected
 * to SPI, the table's row locked.
 */
static void
store_tags(const char *table_name, const ApiTagList *list)
{
	Oid			argtypes[3] = {TEXTOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum		args[3];
	bool		isnull;

	args[0] = CStringGetTextDatum(table_name);
	tag_arrays(list, &args[1], &args[2]);
	if (SPI_execute_with_args("SELECT count(*) FROM (SELECT key FROM dynamo.tags WHERE table_name = $1"
							  " UNION SELECT unnest($2::text[])) k",
							  3, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "counting the tags of table \"%s\" failed", table_name);
	if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) > TAGS_MAX)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Number of Tags exceed the current limit for the provided ResourceArn");
	if (SPI_execute_with_args("INSERT INTO dynamo.tags (table_name, key, value)"
							  " SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)"
							  " ON CONFLICT (table_name, key) DO UPDATE SET value = excluded.value",
							  3, argtypes, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "writing the tags of table \"%s\" failed", table_name);
}

/*
 * CreateTable's Tags: parse and check them (before the table is created:
 * a bad tag creates nothing, DDB-TABLE-110).  An empty list is accepted.
 */
void
api_parse_create_tags(const JsonNode *request, ApiTagList *tags)
{
	parse_tags(request_member(request, "Tags"), tags);
}

/* CreateTable's Tags: store them on the new table (its audit entry has the request) */
void
api_store_create_tags(const char *table_name, const ApiTagList *tags)
{
	if (tags->count == 0)
		return;
	SPI_connect();
	store_tags(table_name, tags);
	SPI_finish();
}

/* TagResource */
void
api_tag_resource(const JsonNode *request, JsonWriter *w)
{
	const JsonNode *arn = request_member(request, "ResourceArn");
	const JsonNode *tags = request_member(request, "Tags");
	char	   *table_name;
	ApiTagList		list;

	if (arn == NULL)
		request_missing("resourceArn");
	table_name = table_name_from_arn(arn);
	if (tags == NULL || tags->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Atleast one Tag needs to be provided as Input.");
	parse_tags(tags, &list);

	SPI_connect();
	claim_tag_change(table_name);
	if (strcmp(find_table(table_name, arn->u.text, true), "CREATING") == 0)
		dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE,
					 "Attempt to change a resource which is still in use: Table is being created: %s", table_name);
	store_tags(table_name, &list);
	SPI_finish();
	catalog_sync_if_distributed(table_name);
	catalog_audit_record("TagResource", table_name, json_node_to_jsonb(request), NULL);

	json_write_object_start(w);
	json_write_object_end(w);
}

/* UntagResource */
void
api_untag_resource(const JsonNode *request, JsonWriter *w)
{
	const JsonNode *arn = request_member(request, "ResourceArn");
	const JsonNode *keys = request_member(request, "TagKeys");
	char	   *table_name;
	ApiTagList		list;
	Oid			argtypes[2] = {TEXTOID, TEXTARRAYOID};
	Datum		args[2];
	Datum		values;
	int			i;

	if (arn == NULL)
		request_missing("resourceArn");
	table_name = table_name_from_arn(arn);
	if (keys == NULL || keys->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Atleast one Tag Key needs to be provided as Input.");
	list.count = keys->count;
	list.tags = palloc0(sizeof(ApiTag) * keys->count);
	for (i = 0; i < (int) keys->count; i++)
	{
		check_tag_key(&keys->u.elements[i]);
		list.tags[i].key = keys->u.elements[i].u.text;
	}
	if (list.count > TAGS_MAX)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Number of Tags exceed the current limit for the provided ResourceArn");

	SPI_connect();
	claim_tag_change(table_name);
	find_table(table_name, arn->u.text, true);
	args[0] = CStringGetTextDatum(table_name);
	tag_arrays(&list, &args[1], &values);
	if (SPI_execute_with_args("DELETE FROM dynamo.tags WHERE table_name = $1 AND key = ANY ($2)",
							  2, argtypes, args, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "removing tags of table \"%s\" failed", table_name);
	SPI_finish();
	catalog_sync_if_distributed(table_name);
	catalog_audit_record("UntagResource", table_name, json_node_to_jsonb(request), NULL);

	json_write_object_start(w);
	json_write_object_end(w);
}

/* ListTagsOfResource */
void
api_list_tags_of_resource(const JsonNode *request, JsonWriter *w)
{
	const JsonNode *arn = request_member(request, "ResourceArn");
	const char *next_token = request_string(request, "NextToken", "nextToken", false);
	char	   *table_name;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	char		nulls[2] = {' ', ' '};
	uint64		i;

	if (arn == NULL)
		request_missing("resourceArn");
	table_name = table_name_from_arn(arn);

	SPI_connect();
	find_table(table_name, arn->u.text, false);
	args[0] = CStringGetTextDatum(table_name);
	args[1] = next_token ? CStringGetTextDatum(next_token) : (Datum) 0;
	nulls[1] = next_token ? ' ' : 'n';
	if (SPI_execute_with_args("SELECT key, value FROM dynamo.tags"
							  " WHERE table_name = $1 AND ($2 IS NULL OR key COLLATE \"C\" > $2)"
							  " ORDER BY key COLLATE \"C\"",
							  2, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the tags of table \"%s\" failed", table_name);

	json_write_object_start(w);
	json_write_key(w, "Tags");
	json_write_array_start(w);
	for (i = 0; i < SPI_processed; i++)
	{
		json_write_object_start(w);
		json_write_key(w, "Key");
		json_write_string(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		json_write_key(w, "Value");
		json_write_string(w, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
		json_write_object_end(w);
	}
	json_write_array_end(w);
	json_write_object_end(w);
	SPI_finish();
}
