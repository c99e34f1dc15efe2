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

/* qsort_arg comparator of member indexes: by name, then document order */
static int
compare_member_indexes(const void *a, const void *b, void *arg)
{
	const JsonMember *members = (const JsonMember *) arg;
	int			ia = *(const int *) a;
	int			ib = *(const int *) b;
	int			c = dynamo_name_compare(members[ia].name, members[ia].namelen,
										members[ib].name, members[ib].namelen);

	if (c != 0)
		return c;
	return (ia > ib) - (ia < ib);
}

/*
 * The members of a JSON object, a name that repeats counting once with its
 * last value (as DynamoDB's parser keeps the last), in document order; a
 * palloc'd array of *count pointers into the object.
 */
const JsonMember **
expr_json_members(const JsonNode *object, int *count)
{
	const JsonMember **result;
	int			n = (int) object->count;
	int		   *order;
	bool	   *keep;
	int			i;

	Assert(object->kind == JSON_OBJECT);
	result = palloc(sizeof(JsonMember *) * Max(n, 1));
	*count = 0;
	if (n <= 1)
	{
		for (i = 0; i < n; i++)
			result[(*count)++] = &object->u.members[i];
		return result;
	}

	order = palloc(sizeof(int) * n);
	keep = palloc0(sizeof(bool) * n);
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_arg(order, n, sizeof(int), compare_member_indexes, object->u.members);
	for (i = 0; i < n; i++)
	{
		const JsonMember *m = &object->u.members[order[i]];
		const JsonMember *next = (i + 1 < n) ? &object->u.members[order[i + 1]] : NULL;

		keep[order[i]] = (next == NULL ||
						  dynamo_name_compare(m->name, m->namelen, next->name, next->namelen) != 0);
	}
	for (i = 0; i < n; i++)
		if (keep[i])
			result[(*count)++] = &object->u.members[i];
	pfree(order);
	pfree(keep);
	return result;
}

/* decode ExpressionAttributeNames: {"#a": "name", ...} */
static void
decode_names(ExprParams *params, const JsonNode *names)
{
	const JsonMember **members;
	int			nmembers;
	int			i;

	if (names->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (names->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ExpressionAttributeNames must not be empty");

	members = expr_json_members(names, &nmembers);
	params->names = palloc(sizeof(ExprNameEntry) * nmembers);
	for (i = 0; i < nmembers; i++)
	{
		const JsonMember *m = members[i];
		ExprNameEntry *entry = &params->names[i];

		entry->placeholder = m->name;
		entry->placeholder_len = m->namelen;
		entry->used = false;
		if (!placeholder_is_valid(entry->placeholder, entry->placeholder_len, '#'))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%.*s\"",
						 (int) entry->placeholder_len, entry->placeholder);
		if (m->value.kind != JSON_STRING)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		if (m->value.count == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeNames contains invalid value: Empty attribute name for key %.*s",
						 (int) entry->placeholder_len, entry->placeholder);
		entry->name = m->value.u.text;
		entry->namelen = m->value.count;
	}
	params->nnames = nmembers;
	qsort(params->names, nmembers, sizeof(ExprNameEntry), compare_name_entries);
	pfree(members);
}

/* decode ExpressionAttributeValues: {":v": {"S": "x"}, ...} into one map */
static void
decode_values(ExprParams *params, const JsonNode *values)
{
	const JsonMember **members;
	int			nmembers;
	StringInfoData scratch;
	StringInfoData out;
	DynamoElement *elements;
	int			i;

	if (values->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	if (values->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ExpressionAttributeValues must not be empty");

	members = expr_json_members(values, &nmembers);
	elements = palloc(sizeof(DynamoElement) * nmembers);
	initStringInfo(&scratch);
	for (i = 0; i < nmembers; i++)
	{
		const JsonMember *m = members[i];
		MemoryContext context = CurrentMemoryContext;

		if (!placeholder_is_valid(m->name, m->namelen, ':'))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%.*s\"",
						 (int) m->namelen, m->name);
		elements[i].name = m->name;
		elements[i].namelen = m->namelen;
		elements[i].start = scratch.len;

		/* a bad value is reported with its placeholder, as DynamoDB does */
		PG_TRY();
		{
			dynamo_encode_attribute_value(&scratch, &m->value, 1);
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
									 error->message, (int) m->namelen, m->name)));
		}
		PG_END_TRY();
		elements[i].len = scratch.len - elements[i].start;
	}

	dynamo_sort_map_elements(elements, nmembers);
	initStringInfo(&out);
	dynamo_write_container(&out, DYNAMO_TYPE_M, scratch.data, elements, nmembers);
	params->values.data = (const uint8 *) out.data;
	params->values.len = out.len;
	params->values_used = palloc0(sizeof(bool) * Max(nmembers, 1));
	pfree(scratch.data);
	pfree(elements);
	pfree(members);
}

/*
 * Decode a request's ExpressionAttributeNames and ExpressionAttributeValues
 * (either may be NULL when the request has none).  Names and values are
 * read with their lengths: they may hold U+0000.
 */
ExprParams *
expr_params_create(const JsonNode *names, const JsonNode *values)
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
