/*-------------------------------------------------------------------------
 *
 * expr_sql.c
 *	  SQL functions over the expression engine: evaluate a condition against
 *	  an item, apply an update expression, project an item, and turn a key
 *	  condition into its key range.
 *
 * Each function parses its expression once per query, not once per row: the
 * parsed form is kept in fn_extra with the texts it was parsed from (the
 * expression, ExpressionAttributeNames and ExpressionAttributeValues), and
 * reused while they stay the same.
 *
 * Arguments arrive as jsonb and are read as the extension's JSON tree
 * (json_from_jsonb), as the request layer reads them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "errors.h"
#include "expr/expr.h"

typedef enum CachedKind
{
	CACHED_CONDITION,
	CACHED_FILTER,
	CACHED_UPDATE,
	CACHED_PROJECTION
} CachedKind;

/* a parsed expression, cached per call site */
typedef struct CachedExpression
{
	CachedKind	kind;
	text	   *expression;		/* what it was parsed from */
	Jsonb	   *names;
	Jsonb	   *values;
	void	   *parsed;			/* ExprNode, ExprUpdate or ExprProjection */
} CachedExpression;

/* are two varlena datums (or NULLs) byte for byte the same? */
bool
expr_same_datum(const void *cached, const void *current)
{
	if (cached == NULL || current == NULL)
		return cached == current;
	return VARSIZE_ANY(cached) == VARSIZE_ANY(current) &&
		memcmp(cached, current, VARSIZE_ANY(cached)) == 0;
}

/* a copy of a varlena datum (or NULL) in the current memory context */
void *
expr_copy_datum(const void *datum)
{
	void	   *copy;

	if (datum == NULL)
		return NULL;
	copy = palloc(VARSIZE_ANY(datum));
	memcpy(copy, datum, VARSIZE_ANY(datum));
	return copy;
}

/*
 * The parsed expression of argument expression_arg (with the names and
 * values arguments, -1 when the function has none), parsed on first use and
 * whenever the arguments change.
 */
static void *
cached_expression(FunctionCallInfo fcinfo, CachedKind kind, int expression_arg,
				  int names_arg, int values_arg)
{
	CachedExpression *cache = (CachedExpression *) fcinfo->flinfo->fn_extra;
	text	   *expression = PG_GETARG_TEXT_PP(expression_arg);
	Jsonb	   *names = (names_arg >= 0 && !PG_ARGISNULL(names_arg)) ? PG_GETARG_JSONB_P(names_arg) : NULL;
	Jsonb	   *values = (values_arg >= 0 && !PG_ARGISNULL(values_arg)) ? PG_GETARG_JSONB_P(values_arg) : NULL;
	MemoryContext old_context;
	ExprParams *params;
	char	   *source;

	if (cache != NULL && cache->kind == kind && expr_same_datum(cache->expression, expression) &&
		expr_same_datum(cache->names, names) && expr_same_datum(cache->values, values))
		return cache->parsed;

	old_context = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache == NULL)
		cache = palloc0(sizeof(CachedExpression));
	fcinfo->flinfo->fn_extra = NULL;	/* until the new parse has succeeded */
	cache->kind = kind;
	cache->expression = expr_copy_datum(expression);
	cache->names = expr_copy_datum(names);
	cache->values = expr_copy_datum(values);
	source = text_to_cstring(cache->expression);
	params = expr_params_create(cache->names ? json_from_jsonb(cache->names) : NULL,
								cache->values ? json_from_jsonb(cache->values) : NULL);
	switch (kind)
	{
		case CACHED_CONDITION:
			cache->parsed = expr_parse_condition(source, EXPR_KIND_CONDITION, params);
			break;
		case CACHED_FILTER:
			cache->parsed = expr_parse_condition(source, EXPR_KIND_FILTER, params);
			break;
		case CACHED_UPDATE:
			cache->parsed = expr_parse_update(source, params);
			break;
		case CACHED_PROJECTION:
			cache->parsed = expr_parse_projection(source, params);
			break;
	}
	expr_params_check_unused(params);
	MemoryContextSwitchTo(old_context);
	fcinfo->flinfo->fn_extra = cache;
	return cache->parsed;
}

#define ARG_ITEM(n) dynamo_value_from_varlena(PG_GETARG_DYNAMO_VARLENA(n))

static DynamoValue item_or_empty(FunctionCallInfo fcinfo, int n);

PG_FUNCTION_INFO_V1(dynamo_condition_matches);
PG_FUNCTION_INFO_V1(dynamo_filter_matches);
PG_FUNCTION_INFO_V1(dynamo_apply_update);
PG_FUNCTION_INFO_V1(dynamo_apply_update_returning);
PG_FUNCTION_INFO_V1(dynamo_project);
PG_FUNCTION_INFO_V1(dynamo_key_condition);
PG_FUNCTION_INFO_V1(dynamo_expected_matches);
PG_FUNCTION_INFO_V1(dynamo_conditions_match);
PG_FUNCTION_INFO_V1(dynamo_apply_attribute_updates);
PG_FUNCTION_INFO_V1(dynamo_attributes_to_get);
PG_FUNCTION_INFO_V1(dynamo_key_conditions);

/*
 * dynamo.condition_matches(item, expression, names, values): does the item
 * satisfy a ConditionExpression?  Not strict: a NULL item is an item that
 * does not exist, as for a conditional write to a new key.
 */
Datum
dynamo_condition_matches(PG_FUNCTION_ARGS)
{
	ExprNode   *condition;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	condition = cached_expression(fcinfo, CACHED_CONDITION, 1, 2, 3);
	PG_RETURN_BOOL(expr_eval_condition(condition, item_or_empty(fcinfo, 0)));
}

/* dynamo.filter_matches(item, expression, names, values): a FilterExpression */
Datum
dynamo_filter_matches(PG_FUNCTION_ARGS)
{
	ExprNode   *condition;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	condition = cached_expression(fcinfo, CACHED_FILTER, 1, 2, 3);
	PG_RETURN_BOOL(expr_eval_condition(condition, ARG_ITEM(0)));
}

/*
 * dynamo.apply_update(item, expression, names, values): the updated item.  A
 * NULL item is one that does not exist: the update creates it, as UpdateItem
 * does.
 */
Datum
dynamo_apply_update(PG_FUNCTION_ARGS)
{
	ExprUpdate *update;
	ExprUpdateResult result;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	update = cached_expression(fcinfo, CACHED_UPDATE, 1, 2, 3);
	expr_apply_update(update, item_or_empty(fcinfo, 0), NULL, false, &result);
	PG_RETURN_POINTER(result.new_item);
}

/*
 * dynamo.apply_update_returning(item, expression, names, values):
 * (new_item, updated_old, updated_new), the last two being what
 * ReturnValues UPDATED_OLD and UPDATED_NEW return.
 */
Datum
dynamo_apply_update_returning(PG_FUNCTION_ARGS)
{
	ExprUpdate *update;
	ExprUpdateResult result;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	update = cached_expression(fcinfo, CACHED_UPDATE, 1, 2, 3);
	expr_apply_update(update, item_or_empty(fcinfo, 0), NULL, true, &result);
	values[0] = PointerGetDatum(result.new_item);
	values[1] = PointerGetDatum(result.updated_old);
	values[2] = PointerGetDatum(result.updated_new);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* dynamo.project(item, expression, names): the parts of the item selected */
Datum
dynamo_project(PG_FUNCTION_ARGS)
{
	ExprProjection *projection;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	projection = cached_expression(fcinfo, CACHED_PROJECTION, 1, 2, -1);
	PG_RETURN_POINTER(expr_project(projection, ARG_ITEM(0)));
}

static const char *const CompareOpNames[] = {"=", "<>", "<", "<=", ">", ">="};

/* push "name": value (an AttributeValue) into an object being built */
static void
push_value(JsonbParseState **state, const char *name, DynamoValue value)
{
	dynamo_push_jsonb_string(state, WJB_KEY, name, strlen(name));
	(void) dynamo_push_jsonb(state, value, false);
}

/* a key range as {"partition": ..., "sort": {"operator": ..., ...}} */
static Jsonb *
key_range_to_jsonb(const ExprKeyRange *range)
{
	JsonbParseState *state = NULL;
	JsonbValue *root;

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_value(&state, "partition", range->partition_value);
	if (range->has_sort_condition)
	{
		const char *op = range->sort_between ? "BETWEEN" :
			range->sort_begins_with ? "begins_with" : CompareOpNames[range->sort_op];

		dynamo_push_jsonb_string(&state, WJB_KEY, "sort", 4);
		(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		dynamo_push_jsonb_string(&state, WJB_KEY, "operator", 8);
		dynamo_push_jsonb_string(&state, WJB_VALUE, op, strlen(op));
		if (range->sort_between)
		{
			push_value(&state, "low", range->sort_low);
			push_value(&state, "high", range->sort_high);
		}
		else
			push_value(&state, "value", range->sort_low);
		(void) pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	root = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(root);
}

/*
 * dynamo.key_condition(expression, partition_key, sort_key, names, values,
 * partition_key_type, sort_key_type): the key range a KeyConditionExpression
 * selects, as {"partition": AttributeValue, "sort": {"operator": ...,
 * "value" | "low"/"high": AttributeValue}}.
 */
Datum
dynamo_key_condition(PG_FUNCTION_ARGS)
{
	ExprKeySchema schema;
	ExprKeyRange range;
	ExprParams *params;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&schema, 0, sizeof(schema));
	schema.partition_key = text_to_cstring(PG_GETARG_TEXT_PP(1));
	schema.sort_key = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	params = expr_params_create(PG_ARGISNULL(3) ? NULL : json_from_jsonb(PG_GETARG_JSONB_P(3)),
								PG_ARGISNULL(4) ? NULL : json_from_jsonb(PG_GETARG_JSONB_P(4)));
	expr_key_range(text_to_cstring(PG_GETARG_TEXT_PP(0)), params, &schema, &range);
	expr_params_check_unused(params);
	PG_RETURN_JSONB_P(key_range_to_jsonb(&range));
}

/* ------------------------------------------------------------------------
 * The legacy parameters
 * ------------------------------------------------------------------------
 */

static const uint8 EmptyItem[] = {DYNAMO_TYPE_M, 0, 0, 0, 0};

/* argument n as an item; a NULL argument is an item that does not exist */
static DynamoValue
item_or_empty(FunctionCallInfo fcinfo, int n)
{
	DynamoValue item;

	if (!PG_ARGISNULL(n))
		return ARG_ITEM(n);
	item.data = EmptyItem;
	item.len = sizeof(EmptyItem);
	return item;
}

/* dynamo.expected_matches(item, expected, conditional_operator) */
Datum
dynamo_expected_matches(PG_FUNCTION_ARGS)
{
	ExprNode   *condition;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	condition = expr_legacy_expected(json_from_jsonb(PG_GETARG_JSONB_P(1)),
									 PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)));
	PG_RETURN_BOOL(condition == NULL || expr_eval_condition(condition, item_or_empty(fcinfo, 0)));
}

/* dynamo.conditions_match(item, conditions, conditional_operator): QueryFilter / ScanFilter */
Datum
dynamo_conditions_match(PG_FUNCTION_ARGS)
{
	ExprNode   *condition;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	condition = expr_legacy_filter(json_from_jsonb(PG_GETARG_JSONB_P(1)),
								   PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)),
								   "scanFilter");
	PG_RETURN_BOOL(condition == NULL || expr_eval_condition(condition, ARG_ITEM(0)));
}

/* dynamo.apply_attribute_updates(item, attribute_updates) */
Datum
dynamo_apply_attribute_updates(PG_FUNCTION_ARGS)
{
	ExprUpdateResult result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	expr_apply_update(expr_legacy_attribute_updates(json_from_jsonb(PG_GETARG_JSONB_P(1))), ARG_ITEM(0),
					  NULL, false, &result);
	PG_RETURN_POINTER(result.new_item);
}

/* dynamo.attributes_to_get(item, attributes_to_get) */
Datum
dynamo_attributes_to_get(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(expr_project(expr_legacy_attributes_to_get(json_from_jsonb(PG_GETARG_JSONB_P(1))), ARG_ITEM(0)));
}

/* dynamo.key_conditions(key_conditions, partition_key, sort_key): KeyConditions' key range */
Datum
dynamo_key_conditions(PG_FUNCTION_ARGS)
{
	ExprKeySchema schema;
	ExprKeyRange range;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&schema, 0, sizeof(schema));
	schema.partition_key = text_to_cstring(PG_GETARG_TEXT_PP(1));
	schema.sort_key = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	expr_legacy_key_range(json_from_jsonb(PG_GETARG_JSONB_P(0)), &schema, &range);
	PG_RETURN_JSONB_P(key_range_to_jsonb(&range));
}
