/*-------------------------------------------------------------------------
 *
 * api_items.c
 *	  PutItem, GetItem, UpdateItem and DeleteItem requests: parsed and
 *	  validated into the operations' specs, executed, answered.
 *
 * Each request is checked whole before anything runs, in DynamoDB's order:
 * the mix of legacy and expression parameters, placeholders supplied
 * without expressions, the table, the key or item, the expressions (and the
 * placeholders none of them used), ReturnValues.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "api/api.h"
#include "errors.h"
#include "api/api_specs.h"
#include "ops/ops.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/* the parameters of one request that can carry expressions */
typedef struct RequestExpressions
{
	ExprParams *params;
	ExprNode   *condition;
	ExprUpdate *update;
	ExprProjection *projection;
} RequestExpressions;

/* an AttributeValue map member (Item, Key) encoded as an item */
static struct varlena *
request_item(const JsonNode *request, const char *name, const char *parameter)
{
	const JsonNode *v = request_member(request, name);

	if (v == NULL)
		request_missing(parameter);
	if (v->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	return dynamo_item_from_node(v);
}

/* a key given as a map: exactly the table's key attributes, of their types */
void
api_key_from_map(const TableInfo *table, DynamoValue map, ItemKey *key)
{
	uint32		expected = table->sort_key ? 2 : 1;

	memset(key, 0, sizeof(*key));
	if (dynamo_value_type(map) != DYNAMO_TYPE_M ||
		dynamo_container_count(map) != expected ||
		!dynamo_map_lookup(map, table->partition_key, strlen(table->partition_key), &key->partition) ||
		(table->sort_key && !dynamo_map_lookup(map, table->sort_key, strlen(table->sort_key), &key->sort)) ||
		dynamo_value_type(key->partition) != table->partition_key_type ||
		(table->sort_key && dynamo_value_type(key->sort) != table->sort_key_type))
		dynamo_error(DYNAMO_EXC_VALIDATION, "The provided key element does not match the schema");
	storage_check_key_value(table->partition_key, table->partition_key_type, key->partition, true);
	if (table->sort_key)
		storage_check_key_value(table->sort_key, table->sort_key_type, key->sort, false);
}

/* the Key of a request */
static void
request_key(const JsonNode *request, const TableInfo *table, ItemKey *key)
{
	struct varlena *key_item = request_item(request, "Key", "key");

	api_key_from_map(table, dynamo_value_from_varlena(key_item), key);
}

/* ReturnValues, limited to NONE and ALL_OLD unless all_allowed */
static ReturnValues
request_return_values(const JsonNode *request, bool all_allowed)
{
	const char *text = request_string(request, "ReturnValues", "returnValues", false);
	ReturnValues rv;

	if (text == NULL || strcmp(text, "NONE") == 0)
		return RETURN_NONE;
	if (strcmp(text, "ALL_OLD") == 0)
		rv = RETURN_ALL_OLD;
	else if (strcmp(text, "UPDATED_OLD") == 0)
		rv = RETURN_UPDATED_OLD;
	else if (strcmp(text, "ALL_NEW") == 0)
		rv = RETURN_ALL_NEW;
	else if (strcmp(text, "UPDATED_NEW") == 0)
		rv = RETURN_UPDATED_NEW;
	else
		elog(ERROR, "unexpected ReturnValues \"%s\" past the validator", text);
	if (!all_allowed && rv != RETURN_ALL_OLD)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ReturnValues can only be ALL_OLD or NONE");
	return rv;
}

static bool
request_return_old_on_failure(const JsonNode *request)
{
	const char *text = request_string(request, "ReturnValuesOnConditionCheckFailure",
									  "returnValuesOnConditionCheckFailure", false);

	if (text == NULL || strcmp(text, "NONE") == 0)
		return false;
	return strcmp(text, "ALL_OLD") == 0;	/* the validator allows no other */
}

/*
 * The expressions of a request and their placeholders, or the legacy
 * parameters in their place.  with_update and with_projection say which
 * others than ConditionExpression the action has.
 */
static void
request_expressions(const JsonNode *request, bool with_update, bool with_projection,
					RequestExpressions *out)
{
	const char *condition = with_projection ? NULL : request_expression(request, "ConditionExpression");
	const char *update = with_update ? request_expression(request, "UpdateExpression") : NULL;
	const char *projection = with_projection ? request_expression(request, "ProjectionExpression") : NULL;
	const JsonNode *names = request_object(request, "ExpressionAttributeNames");
	const JsonNode *values = request_object(request, "ExpressionAttributeValues");
	const JsonNode *expected = with_projection ? NULL : request_object(request, "Expected");
	const JsonNode *attribute_updates = with_update ? request_object(request, "AttributeUpdates") : NULL;
	const JsonNode *attributes_to_get = with_projection ? request_array(request, "AttributesToGet") : NULL;
	const char *conditional_operator = with_projection ? NULL :
		request_string(request, "ConditionalOperator", "conditionalOperator", false);
	const char *legacy[4];
	const char *modern[3];
	int			nlegacy = 0,
				nmodern = 0;

	memset(out, 0, sizeof(*out));

	/* DynamoDB's fixed order of the parameters in its message */
	if (attribute_updates)
		legacy[nlegacy++] = "AttributeUpdates";
	if (attributes_to_get)
		legacy[nlegacy++] = "AttributesToGet";
	if (expected)
		legacy[nlegacy++] = "Expected";
	if (conditional_operator)
		legacy[nlegacy++] = "ConditionalOperator";
	if (update)
		modern[nmodern++] = "UpdateExpression";
	if (projection)
		modern[nmodern++] = "ProjectionExpression";
	if (condition)
		modern[nmodern++] = "ConditionExpression";
	expr_check_not_mixed(legacy, nlegacy, modern, nmodern);

	expr_params_check_supplied(names != NULL, values != NULL, nmodern,
							   (condition != NULL) + (update != NULL),
							   with_update ? "UpdateExpression and ConditionExpression are null" :
							   "ConditionExpression is null");

	out->params = expr_params_create(names, values);
	if (update)
		out->update = expr_parse_update(update, out->params);
	if (condition)
		out->condition = expr_parse_condition(condition, EXPR_KIND_CONDITION, out->params);
	if (projection)
		out->projection = expr_parse_projection(projection, out->params);
	expr_params_check_unused(out->params);

	if (expected)
		out->condition = expr_legacy_expected(expected, conditional_operator);
	else if (!with_projection)
		expr_legacy_check_conditional_operator(conditional_operator, NULL);
	if (attribute_updates)
		out->update = expr_legacy_attribute_updates(attribute_updates);
	if (attributes_to_get)
		out->projection = expr_legacy_attributes_to_get(attributes_to_get);
}

/* ------------------------------------------------------------------------
 * Responses
 * ------------------------------------------------------------------------
 */

/* the units an operation was charged (src/capacity/capacity_units.c) */
static double
capacity_units(int64 size, bool write, bool consistent)
{
	return write ? capacity_write_units(size, false) : capacity_read_units(size, consistent, false);
}

/*
 * A response object: the attributes under member (omitted when NULL or,
 * for writes, empty), ConsumedCapacity when the request asked for it (a
 * write's: with the index writes metered since storage_index_meter_reset),
 * and a write's ItemCollectionMetrics.
 */
static void
write_response(JsonWriter *w, const JsonNode *request, const TableInfo *table, const char *member,
			   struct varlena *attributes, bool omit_empty, double units, const WriteResult *write)
{
	json_write_object_start(w);
	if (attributes != NULL &&
		!(omit_empty && dynamo_container_count(dynamo_value_from_varlena(attributes)) == 0))
		response_item(w, member, attributes);
	if (write != NULL)
	{
		int			nindexes;
		const IndexUnits *indexes = storage_index_meter(&nindexes);

		response_consumed_capacity_indexes(w, request, table, units, indexes, nindexes);
		response_item_collection_metrics(w, request, table, &write->key, write->collection_size);
	}
	else
		response_consumed_capacity(w, request, table, units);
	json_write_object_end(w);
}

/* ------------------------------------------------------------------------
 * The actions
 * ------------------------------------------------------------------------
 */

/* Parse and validate a PutItem request into its spec. */
void
api_parse_put_item(const JsonNode *request, PutItemSpec *spec)
{
	RequestExpressions expressions;

	memset(spec, 0, sizeof(*spec));
	request_expressions(request, false, false, &expressions);
	spec->table = request_table(request);
	spec->item = request_item(request, "Item", "item");
	storage_key_from_item(spec->table, dynamo_value_from_varlena(spec->item), &spec->key);
	spec->item_size = dynamo_item_size(dynamo_value_from_varlena(spec->item));
	if (spec->item_size > DYNAMO_MAX_ITEM_SIZE)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Item size has exceeded the maximum allowed size");
	spec->condition = expressions.condition;
	spec->return_values = request_return_values(request, false);
	spec->return_old_on_failure = request_return_old_on_failure(request);
}

void
api_put_item(const JsonNode *request, JsonWriter *w)
{
	PutItemSpec spec;
	WriteResult result;

	api_parse_put_item(request, &spec);
	storage_index_meter_reset();
	ops_put_item(&spec, &result);
	write_response(w, request, spec.table, "Attributes", result.attributes, true,
				   capacity_units(result.item_size, true, true), &result);
}

/* Parse and validate a GetItem request into its spec. */
void
api_parse_get_item(const JsonNode *request, GetItemSpec *spec)
{
	RequestExpressions expressions;

	memset(spec, 0, sizeof(*spec));
	request_expressions(request, false, true, &expressions);
	spec->table = request_table(request);
	request_key(request, spec->table, &spec->key);
	spec->projection = expressions.projection;
	spec->consistent_read = request_bool(request, "ConsistentRead", false);
}

void
api_get_item(const JsonNode *request, JsonWriter *w)
{
	GetItemSpec spec;
	struct varlena *item;
	int64		size;

	api_parse_get_item(request, &spec);
	item = ops_get_item(&spec, &size);
	write_response(w, request, spec.table, "Item", item, false,
				   capacity_units(size, false, spec.consistent_read), NULL);
}

/* Parse and validate a DeleteItem request into its spec. */
void
api_parse_delete_item(const JsonNode *request, DeleteItemSpec *spec)
{
	RequestExpressions expressions;

	memset(spec, 0, sizeof(*spec));
	request_expressions(request, false, false, &expressions);
	spec->table = request_table(request);
	request_key(request, spec->table, &spec->key);
	spec->condition = expressions.condition;
	spec->return_values = request_return_values(request, false);
	spec->return_old_on_failure = request_return_old_on_failure(request);
}

void
api_delete_item(const JsonNode *request, JsonWriter *w)
{
	DeleteItemSpec spec;
	WriteResult result;

	api_parse_delete_item(request, &spec);
	storage_index_meter_reset();
	ops_delete_item(&spec, &result);
	write_response(w, request, spec.table, "Attributes", result.attributes, true,
				   capacity_units(result.item_size, true, true), &result);
}

/* Parse and validate an UpdateItem request into its spec. */
void
api_parse_update_item(const JsonNode *request, UpdateItemSpec *spec)
{
	RequestExpressions expressions;

	memset(spec, 0, sizeof(*spec));
	request_expressions(request, true, false, &expressions);
	spec->table = request_table(request);
	request_key(request, spec->table, &spec->key);
	spec->update = expressions.update;
	spec->condition = expressions.condition;
	spec->return_values = request_return_values(request, true);
	spec->return_old_on_failure = request_return_old_on_failure(request);
}

void
api_update_item(const JsonNode *request, JsonWriter *w)
{
	UpdateItemSpec spec;
	WriteResult result;

	api_parse_update_item(request, &spec);
	storage_index_meter_reset();
	ops_update_item(&spec, &result);
	write_response(w, request, spec.table, "Attributes", result.attributes, true,
				   capacity_units(result.item_size, true, true), &result);
}
