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
#include "capacity/capacity.h"
#include "errors.h"
#include "ops/ops.h"

/* the key attributes of what a read reads: the table's, or an index's */
static int
read_key_attributes(const ReadPageSpec *spec, const char **names)
{
	const TableIndex *index = spec->index;
	int			n = 0;
	int			k;

	if (index == NULL)
	{
		names[n++] = spec->table->partition_key;
		if (spec->table->sort_key != NULL)
			names[n++] = spec->table->sort_key;
		return n;
	}
	for (k = 0; k < index->npartition_keys; k++)
		names[n++] = index->partition_keys[k];
	for (k = 0; k < index->nsort_keys; k++)
		names[n++] = index->sort_keys[k];
	return n;
}

/* does a condition name one of these key attributes (at the top of a path)? */
static const char *
key_attribute_in(const ExprNode *node, const char **names, int nnames)
{
	int			i;

	if (node->type == EXPR_PATH && node->path.length > 0 && node->path.elements[0].name)
	{
		const ExprPathElement *e = &node->path.elements[0];

		for (i = 0; i < nnames; i++)
			if (strlen(names[i]) == e->namelen && memcmp(names[i], e->name, e->namelen) == 0)
				return names[i];
	}
	for (i = 0; i < node->nargs; i++)
	{
		const char *found = key_attribute_in(node->args[i], names, nnames);

		if (found)
			return found;
	}
	return NULL;
}

/* the type of a key attribute of the table or of an index */
static DynamoType
key_attribute_type(const ReadPageSpec *spec, const char *name)
{
	const TableInfo *table = spec->table;
	const TableIndex *index = spec->index;
	int			k;

	if (strcmp(name, table->partition_key) == 0)
		return table->partition_key_type;
	if (table->sort_key != NULL && strcmp(name, table->sort_key) == 0)
		return table->sort_key_type;
	for (k = 0; index != NULL && k < index->npartition_keys; k++)
		if (strcmp(name, index->partition_keys[k]) == 0)
			return index->partition_key_types[k];
	for (k = 0; index != NULL && k < index->nsort_keys; k++)
		if (strcmp(name, index->sort_keys[k]) == 0)
			return index->sort_key_types[k];
	return (DynamoType) 0;
}

/*
 * ExclusiveStartKey: exactly the table's key attributes, and an index's
 * when reading one; in a Query, of the queried partition; in a Scan
 * segment, a key of that segment (the segment of a key is the hash of its
 * first partition key attribute modulo TotalSegments, as ops_read.c
 * selects them).
 */
static void
parse_start_key(const JsonNode *request, const TableInfo *table, ReadPageSpec *spec)
{
	const JsonNode *v = request_member(request, "ExclusiveStartKey");
	DynamoValue map;
	const char *names[2 + 2 * DYNAMO_INDEX_KEY_ATTRIBUTES];
	int			nnames = 0;
	int			nkeys;
	int			i,
				j;
	DynamoValue first_partition = {NULL, 0};

	if (v == NULL)
		return;
	if (v->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	spec->start_item = dynamo_item_from_node(v);
	map = dynamo_value_from_varlena(spec->start_item);

	/* the table's keys and the index's, each once */
	nkeys = read_key_attributes(spec, names);
	names[nkeys++] = table->partition_key;
	if (table->sort_key != NULL)
		names[nkeys++] = table->sort_key;
	for (i = 0; i < nkeys; i++)
	{
		bool		seen = false;

		for (j = 0; j < nnames; j++)
			seen |= strcmp(names[j], names[i]) == 0;
		if (!seen)
			names[nnames++] = names[i];
	}
	if (dynamo_container_count(map) != (uint32) nnames)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "The provided starting key is invalid: The provided key element does not match the schema");
	for (i = 0; i < nnames; i++)
	{
		DynamoValue value;

		if (!dynamo_map_lookup(map, names[i], strlen(names[i]), &value) ||
			dynamo_value_type(value) != key_attribute_type(spec, names[i]))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The provided starting key is invalid: The provided key element does not match the schema");
		if (i == 0)
			first_partition = value;
	}
	dynamo_map_lookup(map, table->partition_key, strlen(table->partition_key), &spec->start.partition);
	if (table->sort_key)
		dynamo_map_lookup(map, table->sort_key, strlen(table->sort_key), &spec->start.sort);
	if (spec->is_query && !(first_partition.len == spec->range.partition_value.len &&
							memcmp(first_partition.data, spec->range.partition_value.data,
								   first_partition.len) == 0))
		dynamo_error(DYNAMO_EXC_VALIDATION, "The provided starting key is outside query range");
	if (spec->total_segments > 1 &&
		(int) (((uint64) dynamo_value_hash64(first_partition, 0) & 0x7FFFFFFF) %
			   (uint64) spec->total_segments) != spec->segment)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: %d Segment: %d",
					 spec->total_segments, spec->segment);
	spec->has_start = true;
}

/*
 * Limit and Select; count_only for Select COUNT.  Select's messages name the
 * projection parameter the request used, as DynamoDB's do; Query wraps the
 * SPECIFIC_ATTRIBUTES one in the validation envelope and Scan does not.
 */
static void
parse_limit_and_select(const JsonNode *request, ReadPageSpec *spec)
{
	const JsonNode *limit = request_member(request, "Limit");
	const char *select = request_string(request, "Select", "select", false);
	const char *projection_name = request_member(request, "ProjectionExpression") != NULL ?
		"ProjectionExpression" : "AttributesToGet";

	if (limit != NULL)
		spec->limit = request_integer(limit);
	if (select == NULL)
		return;
	if (strcmp(select, "COUNT") == 0)
	{
		if (spec->projection != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Cannot specify the %s when choosing to get only the Count", projection_name);
		spec->count_only = true;
	}
	else if (strcmp(select, "SPECIFIC_ATTRIBUTES") == 0)
	{
		if (spec->projection == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "%sMust specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
						 spec->is_query ? "1 validation error detected: " : "");
	}
	else if (strcmp(select, "ALL_ATTRIBUTES") == 0)
	{
		if (spec->projection != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Cannot specify the %s when choosing to get ALL_ATTRIBUTES", projection_name);
		if (spec->index != NULL && spec->index->global && spec->index->projection != PROJECTION_ALL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL",
						 spec->index->name);
		spec->all_attributes = true;
	}
	else if (strcmp(select, "ALL_PROJECTED_ATTRIBUTES") == 0)
	{
		if (spec->index == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
		if (spec->projection != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Cannot specify the %s when choosing to get ALL_PROJECTED_ATTRIBUTES", projection_name);
	}
	else
		elog(ERROR, "unexpected Select \"%s\" past the validator", select);
}

/* whether an index (a GSI whose projection is not ALL) holds a top-level attribute */
static bool
index_projects(const ReadPageSpec *spec, const char *name, uint32 len)
{
	const TableIndex *index = spec->index;
	const char *names[2 + 2 * DYNAMO_INDEX_KEY_ATTRIBUTES];
	int			n = read_key_attributes(spec, names);
	int			i;

	names[n++] = spec->table->partition_key;
	if (spec->table->sort_key != NULL)
		names[n++] = spec->table->sort_key;
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	for (i = 0; index->projection == PROJECTION_INCLUDE && i < index->nnon_key_attributes; i++)
		if (strlen(index->non_key_attributes[i]) == len &&
			memcmp(index->non_key_attributes[i], name, len) == 0)
			return true;
	return false;
}

/*
 * A projection that asks a GSI for attributes it does not hold would read
 * the table, which DynamoDB does not do for a GSI: it answers as it answers
 * Select ALL_ATTRIBUTES there.
 */
static void
check_index_projection(const ReadPageSpec *spec)
{
	int			i;

	if (spec->index == NULL || !spec->index->global || spec->index->projection == PROJECTION_ALL ||
		spec->projection == NULL)
		return;
	for (i = 0; i < spec->projection->npaths; i++)
	{
		const ExprPath *path = &spec->projection->paths[i];

		if (path->length > 0 && path->elements[0].name != NULL &&
			!index_projects(spec, path->elements[0].name, path->elements[0].namelen))
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL",
						 spec->index->name);
	}
}

/* the response of a page */
static void
write_page(JsonWriter *w, const JsonNode *request, const ReadPageSpec *spec, const ReadPageResult *page)
{
	ListCell   *cell;
	double		units = capacity_read_units(page->bytes_read, spec->consistent_read, false);

	json_write_object_start(w);
	if (!spec->count_only)
	{
		json_write_key(w, "Items");
		json_write_array_start(w);
		foreach(cell, page->items)
			dynamo_append_item_json(json_write_begin_value(w), dynamo_value_from_varlena(lfirst(cell)));
		json_write_array_end(w);
	}
	json_write_key(w, "Count");
	json_write_int64(w, page->count);
	json_write_key(w, "ScannedCount");
	json_write_int64(w, page->scanned_count);
	if (page->has_last_key)
		response_item(w, "LastEvaluatedKey", page->last_key);
	if (spec->index != NULL)
	{
		/* read from the index: its units (an LSI's fetches are in them too) */
		IndexUnits	index_units;

		memset(&index_units, 0, sizeof(index_units));
		strlcpy(index_units.table_name, spec->table->table_name, sizeof(index_units.table_name));
		strlcpy(index_units.name, spec->index->name, sizeof(index_units.name));
		index_units.global = spec->index->global;
		index_units.units = units;
		response_consumed_capacity_indexes(w, request, spec->table, 0, &index_units, 1);
	}
	else
		response_consumed_capacity(w, request, spec->table, units);
	json_write_object_end(w);
}

/* the expressions shared by Query and Scan, or their legacy parameters */
static void
parse_read_expressions(const JsonNode *request, ReadPageSpec *spec, bool query,
					   ExprKeySchema *schema)
{
	const char *key_condition = query ? request_expression(request, "KeyConditionExpression") : NULL;
	const char *filter = request_expression(request, "FilterExpression");
	const char *projection = request_expression(request, "ProjectionExpression");
	const JsonNode *names = request_object(request, "ExpressionAttributeNames");
	const JsonNode *values = request_object(request, "ExpressionAttributeValues");
	const JsonNode *key_conditions = query ? request_object(request, "KeyConditions") : NULL;
	const JsonNode *legacy_filter = request_object(request, query ? "QueryFilter" : "ScanFilter");
	const JsonNode *attributes_to_get = request_array(request, "AttributesToGet");
	const char *conditional_operator = request_string(request, "ConditionalOperator", "conditionalOperator", false);
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
	if (legacy_filter == NULL)
		expr_legacy_check_conditional_operator(conditional_operator, NULL);
	if (query && key_condition == NULL && key_conditions == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");

	params = expr_params_create(names, values);
	if (key_condition)
		expr_key_range(key_condition, params, schema, &spec->range);
	if (filter)
		spec->filter = expr_parse_condition(filter, EXPR_KIND_FILTER, params);
	if (projection)
		spec->projection = expr_parse_projection(projection, params);
	expr_params_check_unused(params);

	if (key_conditions)
		expr_legacy_key_range(key_conditions, schema, &spec->range);
	if (legacy_filter)
		spec->filter = expr_legacy_filter(legacy_filter, conditional_operator,
										  query ? "queryFilter" : "scanFilter");
	if (attributes_to_get)
		spec->projection = expr_legacy_attributes_to_get(attributes_to_get);

	if (query && spec->filter != NULL)
	{
		const char *names[2 * DYNAMO_INDEX_KEY_ATTRIBUTES];
		const char *key = key_attribute_in(spec->filter, names, read_key_attributes(spec, names));

		if (key != NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "%s can only contain non-primary key attributes: Primary key attribute: %s",
						 legacy_filter ? "QueryFilter" : "Filter Expression", key);
	}
}

/*
 * The table of a read request, and its index when it names one: an index
 * that exists and may be read (a GSI: ACTIVE, and not read consistently).
 */
static TableInfo *
read_table(const JsonNode *request, ReadPageSpec *spec)
{
	const char *name = request_string(request, "TableName", "tableName", true);
	const char *index_name = request_string(request, "IndexName", "indexName", false);
	TableInfo  *table = request_table_named(name);
	const TableIndex *index;

	spec->table = table;
	spec->consistent_read = request_bool(request, "ConsistentRead", false);
	if (index_name == NULL)
		return table;
	index = catalog_find_index(table, index_name);
	if (index == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "The table does not have the specified index: %s", index_name);
	if (index->global && request_bool(request, "ConsistentRead", false))
		dynamo_error(DYNAMO_EXC_VALIDATION, "Consistent reads are not supported on global secondary indexes");
	if (index->global && strcmp(index->status, "CREATING") == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Cannot read from backfilling global secondary index: %s", index_name);
	/*
	 * A GSI is maintained by the workers only when it is distributed with its
	 * table (dynamo.distribute_table does both; a table distributed by hand
	 * leaves its GSI a coordinator's relation nothing writes): no empty answer.
	 */
	if (index->global && table->distributed && !index->distributed)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Global secondary index %s of table %s is not maintained while the table is distributed by Citus without it",
					 index_name, table->table_name);
	spec->index = index;
	return table;
}

/* The key schema a Query's key condition is on: the table's or an index's. */
void
api_read_key_schema(const TableInfo *table, const TableIndex *index, ExprKeySchema *schema)
{
	int			k;

	memset(schema, 0, sizeof(*schema));
	if (index == NULL)
	{
		schema->partition_key = table->partition_key;
		schema->sort_key = table->sort_key;
		schema->partition_key_type = table->partition_key_type;
		schema->sort_key_type = table->sort_key_type;
		return;
	}
	schema->partition_key = index->partition_keys[0];
	schema->partition_key_type = index->partition_key_types[0];
	if (index->nsort_keys > 0)
	{
		schema->sort_key = index->sort_keys[0];
		schema->sort_key_type = index->sort_key_types[0];
	}
	if (index->npartition_keys > 1 || index->nsort_keys > 1)
	{
		schema->npartition_keys = index->npartition_keys;
		schema->nsort_keys = index->nsort_keys;
		for (k = 0; k < index->npartition_keys; k++)
		{
			schema->partition_keys[k] = index->partition_keys[k];
			schema->partition_key_types[k] = index->partition_key_types[k];
		}
		for (k = 0; k < index->nsort_keys; k++)
		{
			schema->sort_keys[k] = index->sort_keys[k];
			schema->sort_key_types[k] = index->sort_key_types[k];
		}
	}
}

/* Query */
void
api_query(const JsonNode *request, JsonWriter *w)
{
	ReadPageSpec spec;
	ReadPageResult page;
	ExprKeySchema schema;

	memset(&spec, 0, sizeof(spec));
	spec.is_query = true;
	read_table(request, &spec);
	api_read_key_schema(spec.table, spec.index, &schema);
	parse_read_expressions(request, &spec, true, &schema);
	spec.forward = request_bool(request, "ScanIndexForward", true);
	parse_limit_and_select(request, &spec);
	check_index_projection(&spec);
	parse_start_key(request, spec.table, &spec);

	ops_read_page(&spec, &page);
	capacity_metric_add(spec.table->table_name, NULL, "Query", METRIC_RETURNED_ITEM_COUNT, page.count);
	write_page(w, request, &spec, &page);
}

/* Scan */
void
api_scan(const JsonNode *request, JsonWriter *w)
{
	ReadPageSpec spec;
	ReadPageResult page;
	const JsonNode *segment = request_member(request, "Segment");
	const JsonNode *total = request_member(request, "TotalSegments");

	memset(&spec, 0, sizeof(spec));
	read_table(request, &spec);
	spec.forward = true;
	parse_read_expressions(request, &spec, false, NULL);
	parse_limit_and_select(request, &spec);
	check_index_projection(&spec);
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
		if (s >= t)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " INT64_FORMAT " is not less than TotalSegments: " INT64_FORMAT,
						 s, t);
		spec.segment = (int) s;
		spec.total_segments = (int) t;
	}
	parse_start_key(request, spec.table, &spec);

	ops_read_page(&spec, &page);
	capacity_metric_add(spec.table->table_name, NULL, "Scan", METRIC_RETURNED_ITEM_COUNT, page.count);
	write_page(w, request, &spec, &page);
}
