/*-------------------------------------------------------------------------
 *
 * expr_params.c
 *	  A request's ExpressionAttributeNames and ExpressionAttributeValues:
 *	  decoded and checked once, looked up by the parsers, and checked for
 *	  placeholders no expression used.
 *
 * Names are kept in an array sorted by placeholder (binary search); values
 * are encoded as one map of placeholder to value, the value model's own
 * format, so a placeholder lookup is a binary search over it and the AST can
 * point at the encoded values without copying them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "errors.h"
#include "expr/expr.h"

static const char *const ExprKindNames[] = {
	"ConditionExpression",
	"FilterExpression",
	"KeyConditionExpression",
	"UpdateExpression",
	"ProjectionExpression"
};

/* the request parameter an expression kind comes in */
const char *
expr_kind_name(ExprKind kind)
{
	return ExprKindNames[kind];
}

/* Is key a well-formed placeholder: the sigil, then [A-Za-z0-9_]+ */
static bool
placeholder_is_valid(const char *key, int len, char sigil)
{
	int			i;

	if (len < 2 || key[0] != sigil)
		return false;
	for (i = 1; i < len; i++)
	{
		char		c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static int
compare_name_entries(const void *a, const void *b)
{
	const ExprNameEntry *ea = (const ExprNameEntry *) a;
	const ExprNameEntry *eb = (const ExprNameEntry *) b;

	return dynamo_name_compare(ea->placeholder, ea->placeholder_len,
							   eb->placeholder, eb->placeholder_len);
}

/* decode ExpressionAttributeNames: {"#a": "name", ...} */
static void
decode_names(ExprParams *params, Jsonb *names)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	int			n = 0;

	if (!JB_ROOT_IS_OBJECT(names))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (JB_ROOT_COUNT(names) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ExpressionAttributeNames must not be empty");

	params->names = palloc(sizeof(ExprNameEntry) * JB_ROOT_COUNT(names));
	it = JsonbIteratorInit(&names->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		ExprNameEntry *entry;

		if (token != WJB_KEY)
			continue;
		entry = &params->names[n];
		entry->placeholder = v.val.string.val;
		entry->placeholder_len = v.val.string.len;
		entry->used = false;
		if (!placeholder_is_valid(entry->placeholder, entry->placeholder_len, '#'))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%.*s\"",
						 (int) entry->placeholder_len, entry->placeholder);
		token = JsonbIteratorNext(&it, &v, true);
		if (v.type != jbvString)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		if (v.val.string.len == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeNames contains invalid value: Empty attribute name for key %.*s",
						 (int) entry->placeholder_len, entry->placeholder);
		entry->name = v.val.string.val;
		entry->namelen = v.val.string.len;
		n++;
	}
	params->nnames = n;
	qsort(params->names, n, sizeof(ExprNameEntry), compare_name_entries);
}

/* decode ExpressionAttributeValues: {":v": {"S": "x"}, ...} into one map */
static void
decode_values(ExprParams *params, Jsonb *values)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	StringInfoData scratch;
	StringInfoData out;
	DynamoElement *elements;
	int			n = 0;

	if (!JB_ROOT_IS_OBJECT(values))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (JB_ROOT_COUNT(values) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ExpressionAttributeValues must not be empty");

	elements = palloc(sizeof(DynamoElement) * JB_ROOT_COUNT(values));
	initStringInfo(&scratch);
	it = JsonbIteratorInit(&values->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		const char *key;
		int			keylen;
		MemoryContext context = CurrentMemoryContext;

		if (token != WJB_KEY)
			continue;
		key = v.val.string.val;
		keylen = v.val.string.len;
		if (!placeholder_is_valid(key, keylen, ':'))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%.*s\"",
						 keylen, key);
		token = JsonbIteratorNext(&it, &v, true);
		elements[n].name = key;
		elements[n].namelen = keylen;
		elements[n].start = scratch.len;

		/* a bad value is reported with its placeholder, as DynamoDB does */
		PG_TRY();
		{
			dynamo_encode_attribute_value(&scratch, json_from_jsonb_value(&v), 1);
		}
		PG_CATCH();
		{
			ErrorData  *error;

			MemoryContextSwitchTo(context);
			error = CopyErrorData();
			FlushErrorState();
			ereport(ERROR,
					(errcode(error->sqlerrcode),
					 errmsg_internal("ExpressionAttributeValues contains invalid value: %s for key %.*s",
									 error->message, keylen, key)));
		}
		PG_END_TRY();
		elements[n].len = scratch.len - elements[n].start;
		n++;
	}

	dynamo_sort_map_elements(elements, n);
	initStringInfo(&out);
	dynamo_write_container(&out, DYNAMO_TYPE_M, scratch.data, elements, n);
	params->values.data = (const uint8 *) out.data;
	params->values.len = out.len;
	params->values_used = palloc0(sizeof(bool) * Max(n, 1));
	pfree(scratch.data);
	pfree(elements);
}

/*
 * Decode a request's ExpressionAttributeNames and ExpressionAttributeValues
 * (either may be NULL when the request has none).
 */
static ExprParams *
params_create_jsonb(Jsonb *names, Jsonb *values)
{
	ExprParams *params = palloc0(sizeof(ExprParams));

	if (names != NULL)
	{
		params->has_names = true;
		decode_names(params, names);
	}
	if (values != NULL)
	{
		params->has_values = true;
		decode_values(params, values);
	}
	return params;
}

/* The name a #placeholder stands for, marked used; NULL when not defined. */
const ExprNameEntry *
expr_params_name(ExprParams *params, const char *placeholder, uint32 len)
{
	int			low = 0;
	int			high = params->nnames;

	while (low < high)
	{
		int			mid = low + (high - low) / 2;
		ExprNameEntry *entry = &params->names[mid];
		int			c = dynamo_name_compare(placeholder, len, entry->placeholder, entry->placeholder_len);

		if (c == 0)
		{
			entry->used = true;
			return entry;
		}
		if (c < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return NULL;
}

/* The value a :placeholder stands for, marked used; false when not defined. */
bool
expr_params_value(ExprParams *params, const char *placeholder, uint32 len, DynamoValue *value)
{
	int			index;

	if (!params->has_values)
		return false;
	index = dynamo_map_find(params->values, placeholder, len, value);
	if (index < 0)
		return false;
	params->values_used[index] = true;
	return true;
}

/*
 * DynamoDB's rules on placeholders supplied without the expressions that use
 * them: names need some expression, values an expression that takes values
 * (value_null_list names those, "X and Y are null", for the message).
 */
void
expr_params_check_supplied(bool has_names, bool has_values, int expressions,
						   int value_expressions, const char *value_null_list)
{
	if (has_names && expressions == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "ExpressionAttributeNames can only be specified when using expressions");
	if (has_values && value_expressions == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "ExpressionAttributeValues can only be specified when using expressions: %s",
					 value_null_list);
}

/*
 * After every expression of a request is parsed: DynamoDB rejects names and
 * values that none of them used.
 */
void
expr_params_check_unused(ExprParams *params)
{
	StringInfoData unused;
	int			i;

	initStringInfo(&unused);
	for (i = 0; i < params->nnames; i++)
	{
		if (params->names[i].used)
			continue;
		appendStringInfo(&unused, "%s%.*s", unused.len > 0 ? ", " : "",
						 (int) params->names[i].placeholder_len, params->names[i].placeholder);
	}
	if (unused.len > 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}",
					 unused.data);

	if (params->has_values)
	{
		uint32		count = dynamo_container_count(params->values);

		for (i = 0; i < (int) count; i++)
		{
			const char *name;
			uint32		namelen;
			DynamoValue value;

			if (params->values_used[i])
				continue;
			dynamo_map_entry(params->values, i, &name, &namelen, &value);
			appendStringInfo(&unused, "%s%.*s", unused.len > 0 ? ", " : "", (int) namelen, name);
		}
		if (unused.len > 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}",
						 unused.data);
	}
}

/* INTERIM (replaced by the expr branch): the JsonNode entry point over jsonb */
ExprParams *
expr_params_create(const JsonNode *names, const JsonNode *values)
{
	return params_create_jsonb(names ? json_node_to_jsonb(names) : NULL,
							   values ? json_node_to_jsonb(values) : NULL);
}
