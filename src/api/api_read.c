/*-------------------------------------------------------------------------
 *
 * api_read.c
 *	  Query and Scan requests: parsed and validated into a ReadPageSpec,
 *	  read, answered with Items, Count, ScannedCount and LastEvaluatedKey.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "api/api.h"
#include "errors.h"
#include "ops/ops.h"

static void
push_key(JsonbParseState **state, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) key;
	v.val.string.len = strlen(key);
	(void) pushJsonbValue(state, WJB_KEY, &v);
}

static void
push_number(JsonbParseState **state, const char *text)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
														ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	(void) pushJsonbValue(state, WJB_VALUE, &v);
}

/* an optional jsonb object member */
static Jsonb *
optional_object(Jsonb *request, const char *name)
{
	JsonbValue *v = request_member(request, name);

	if (v == NULL)
		return NULL;
	if (!request_value_is_object(v))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	return request_sub_jsonb(v);
}

/* does a condition name a key attribute (at the top of a path)? */
static const char *
key_attribute_in(const ExprNode *node, const TableInfo *table)
{
	int			i;

	if (node->type == EXPR_PATH && node->path.length > 0 && node->path.elements[0].name)
	{
		const ExprPathElement *e = &node->path.elements[0];

		if (strlen(table->partition_key) == e->namelen &&
			memcmp(table->partition_key, e->name, e->namelen) == 0)
			return table->partition_key;
		if (table->sort_key && strlen(table->sort_key) == e->namelen &&
			memcmp(table->sort_key, e->name, e->namelen) == 0)
			return table->sort_key;
	}
	for (i = 0; i < node->nargs; i++)
	{
		const char *found = key_attribute_in(node->args[i], table);

		if (found)
			return found;
	}
	return NULL;
}

/* ExclusiveStartKey: exactly the table's key attributes */
static void
parse_start_key(Jsonb *request, const TableInfo *table, ReadPageSpec *spec)
{
	JsonbValue *v = request_member(request, "ExclusiveStartKey");
	DynamoValue map;
	uint32		expected = table->sort_key ? 2 : 1;

	if (v == NULL)
		return;
	if (!request_value_is_object(v))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	map = dynamo_value_from_varlena(dynamo_item_from_jsonb(request_sub_jsonb(v)));
	if (dynamo_container_count(map) != expected ||
		!dynamo_map_lookup(map, table->partition_key, strlen(table->partition_key), &spec->start.partition) ||
		(table->sort_key && !dynamo_map_lookup(map, table->sort_key, strlen(table->sort_key), &spec->start.sort)) ||
		dynamo_value_type(spec->start.partition) != table->partition_key_type ||
		(table->sort_key && dynamo_value_type(spec->start.sort) != table->sort_key_type))
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "The provided starting key is invalid: The provided key element does not match the schema");
	if (spec->is_query && !(spec->start.partition.len == spec->range.partition_value.len &&
							memcmp(spec->start.partition.data, spec->range.partition_value.data,
								   spec->start.partition.len) == 0))
		dynamo_error(DYNAMO_EXC_VALIDATION, "The provided starting key is outside query range");
	spec->has_start = true;
}

/* Limit and Select; count_only for Select COUNT */
static void
parse_limit_and_select(Jsonb *request, ReadPageSpec *spec)
{
	JsonbValue *limit = request_member(request, "Limit");
	char	   *select = request_string(request, "Select", "select", false);

	if (limit != NULL)
	{
		spec->limit = request_integer(limit);
		if (spec->limit < 1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value '" INT64_FORMAT "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
						 spec->limit);
	}
	if (select != NULL)
	{
		if (strcmp(select, "COUNT") == 0)
		{
			if (spec->projection != NULL)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "Cannot specify the ProjectionExpression when choosing to get only the Count");
			spec->count_only = true;
		}
		else if (strcmp(select, "SPECIFIC_ATTRIBUTES") == 0)
		{
			if (spec->projection == NULL)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet");
		}
		else if (strcmp(select, "ALL_ATTRIBUTES") == 0)
		{
			if (spec->projection != NULL)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
		}
		else if (strcmp(select, "ALL_PROJECTED_ATTRIBUTES") == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
		else
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
						 select);
	}
}

/* the response of a page */
static Jsonb *
page_response(Jsonb *request, const ReadPageSpec *spec, const ReadPageResult *page)
{
	JsonbParseState *state = NULL;
	ListCell   *cell;
	char	   *return_capacity = request_string(request, "ReturnConsumedCapacity",
												 "returnConsumedCapacity", false);
	bool		consistent = request_bool(request, "ConsistentRead", false);

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (!spec->count_only)
	{
		push_key(&state, "Items");
		(void) pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		foreach(cell, page->items)
			(void) dynamo_push_jsonb(&state, dynamo_value_from_varlena(lfirst(cell)), true);
		(void) pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	push_key(&state, "Count");
	push_number(&state, psprintf(INT64_FORMAT, page->count));
	push_key(&state, "ScannedCount");
	push_number(&state, psprintf(INT64_FORMAT, page->scanned_count));
	if (page->has_last_key)
	{
		push_key(&state, "LastEvaluatedKey");
		(void) dynamo_push_jsonb(&state, dynamo_value_from_varlena(page->last_key), true);
	}
	if (return_capacity != NULL && strcmp(return_capacity, "NONE") != 0)
	{
		double		units = (double) Max((page->bytes_read + 4095) / 4096, 1);
		JsonbValue	v;

		if (!consistent)
			units /= 2;
		push_key(&state, "ConsumedCapacity");
		(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		push_key(&state, "TableName");
		v.type = jbvString;
		v.val.string.val = spec->table->table_name;
		v.val.string.len = strlen(spec->table->table_name);
		(void) pushJsonbValue(&state, WJB_VALUE, &v);
		push_key(&state, "CapacityUnits");
		push_number(&state, psprintf("%g", units));
		(void) pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* the expressions shared by Query and Scan, or their legacy parameters */
static void
parse_read_expressions(Jsonb *request, ReadPageSpec *spec, bool query,
					   ExprKeySchema *schema)
{
	char	   *key_condition = query ?
		request_string(request, "KeyConditionExpression", "keyConditionExpression", false) : NULL;
	char	   *filter = request_string(request, "FilterExpression", "filterExpression", false);
	char	   *projection = request_string(request, "ProjectionExpression", "projectionExpression", false);
	Jsonb	   *names = optional_object(request, "ExpressionAttributeNames");
	Jsonb	   *values = optional_object(request, "ExpressionAttributeValues");
	Jsonb	   *key_conditions = query ? optional_object(request, "KeyConditions") : NULL;
	Jsonb	   *legacy_filter = optional_object(request, query ? "QueryFilter" : "ScanFilter");
	JsonbValue *attributes_to_get = request_member(request, "AttributesToGet");
	char	   *conditional_operator = request_string(request, "ConditionalOperator", "conditionalOperator", false);
	const char *legacy[4];
	const char *modern[3];
	int			nlegacy = 0,
				nmodern = 0;
	ExprParams *params;

	if (attributes_to_get)
		legacy[nlegacy++] = "AttributesToGet";
	if (legacy_filter)
		legacy[nlegacy++] = query ? "QueryFilter" : "ScanFilter";
	if (conditional_operator)
		legacy[nlegacy++] = "ConditionalOperator";
	if (key_conditions && key_condition)
		legacy[nlegacy++] = "KeyConditions";
	if (projection)
		modern[nmodern++] = "ProjectionExpression";
	if (filter)
		modern[nmodern++] = "FilterExpression";
	if (key_condition)
		modern[nmodern++] = "KeyConditionExpression";
	expr_check_not_mixed(legacy, nlegacy, modern, nmodern);

	expr_params_check_supplied(names != NULL, values != NULL, nmodern,
							   (filter != NULL) + (key_condition != NULL),
							   query ? "FilterExpression and KeyConditionExpression are null" :
							   "FilterExpression is null");
	if (query && key_condition == NULL && key_conditions == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");

	params = expr_params_create(names ? json_from_jsonb(names) : NULL,
								values ? json_from_jsonb(values) : NULL);
	if (key_condition)
		expr_key_range(key_condition, params, schema, &spec->range);
	if (filter)
		spec->filter = expr_parse_condition(filter, EXPR_KIND_FILTER, params);
	if (projection)
		spec->projection = expr_parse_projection(projection, params);
	expr_params_check_unused(params);

	if (key_conditions)
		expr_legacy_key_range(json_from_jsonb(key_conditions), schema, &spec->range);
	if (legacy_filter)
		spec->filter = expr_legacy_filter(json_from_jsonb(legacy_filter), conditional_operator,
										  query ? "queryFilter" : "scanFilter");
	if (attributes_to_get)
		spec->projection = expr_legacy_attributes_to_get(json_from_jsonb(request_sub_jsonb(attributes_to_get)));

	if (query && spec->filter != NULL)
	{
		const char *key = key_attribute_in(spec->filter, spec->table);

		if (key != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "%s can only contain non-primary key attributes: Primary key attribute: %s",
						 legacy_filter ? "QueryFilter" : "Filter Expression", key);
	}
}

/* the table of a read request; indexes are not supported yet */
static TableInfo *
read_table(Jsonb *request)
{
	char	   *name = request_string(request, "TableName", "tableName", true);
	char	   *index = request_string(request, "IndexName", "indexName", false);
	TableInfo  *table = request_table_named(name);

	if (index != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "The table does not have the specified index: %s", index);
	return table;
}

/* Query */
Jsonb *
api_query(Jsonb *request)
{
	ReadPageSpec spec;
	ReadPageResult page;
	ExprKeySchema schema;

	memset(&spec, 0, sizeof(spec));
	spec.is_query = true;
	spec.table = read_table(request);
	memset(&schema, 0, sizeof(schema));
	schema.partition_key = spec.table->partition_key;
	schema.sort_key = spec.table->sort_key;
	schema.partition_key_type = spec.table->partition_key_type;
	schema.sort_key_type = spec.table->sort_key_type;
	parse_read_expressions(request, &spec, true, &schema);
	spec.forward = request_bool(request, "ScanIndexForward", true);
	parse_limit_and_select(request, &spec);
	parse_start_key(request, spec.table, &spec);

	ops_read_page(&spec, &page);
	return page_response(request, &spec, &page);
}

/* Scan */
Jsonb *
api_scan(Jsonb *request)
{
	ReadPageSpec spec;
	ReadPageResult page;
	JsonbValue *segment = request_member(request, "Segment");
	JsonbValue *total = request_member(request, "TotalSegments");

	memset(&spec, 0, sizeof(spec));
	spec.table = read_table(request);
	spec.forward = true;
	parse_read_expressions(request, &spec, false, NULL);
	parse_limit_and_select(request, &spec);
	if (segment != NULL || total != NULL)
	{
		int64		s,
					t;

		if (total == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
		if (segment == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
		s = request_integer(segment);
		t = request_integer(total);
		if (t < 1 || t > 1000000)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value '" INT64_FORMAT "' at 'totalSegments' failed to satisfy constraint: Member must have value %s",
						 t, t < 1 ? "greater than or equal to 1" : "less than or equal to 1000000");
		if (s < 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "1 validation error detected: Value '" INT64_FORMAT "' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0",
						 s);
		if (s >= t)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " INT64_FORMAT " is not less than TotalSegments: " INT64_FORMAT,
						 s, t);
		spec.segment = (int) s;
		spec.total_segments = (int) t;
	}
	parse_start_key(request, spec.table, &spec);

	ops_read_page(&spec, &page);
	return page_response(request, &spec, &page);
}
