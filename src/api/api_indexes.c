/*-------------------------------------------------------------------------
 *
 * api_indexes.c
 *	  The secondary indexes of CreateTable (LocalSecondaryIndexes,
 *	  GlobalSecondaryIndexes) and of UpdateTable (GlobalSecondaryIndexUpdates),
 *	  parsed into the catalog's IndexSpec and validated with DynamoDB's
 *	  messages.
 *
 * The generic validator (api_validate.c) has already checked JSON kinds,
 * required members, enums, lengths and bounds from the service model; what
 * is left here are the checks that relate members to each other, in the
 * order DynamoDB makes them.  Checks that need the catalog (the index
 * exists, the table's billing mode for UpdateTable, the per-table GSI
 * count of an existing table) belong to catalog_update_table.
 *
 * Sources of the messages and of their order: dynalite's CreateTable
 * validation and its tests, which were run against DynamoDB (mhart/dynalite,
 * validations/createTable.js, test/createTable.js); and a 2026 catalogue of
 * DynamoDB's answers, captured live (ack-api-quirks, dynamodb "table
 * secondary indexes" findings DDB-TABLE-126..129, 159, 160, 162, 174, 359,
 * and the ValidationException catalogue DDB-TABLE-442).  Where a message or
 * its place in the order is inferred rather than quoted, the comment at the
 * check says so.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/* DynamoDB's limit on NonKeyAttributes summed over a table's INCLUDE indexes */
#define DYNAMO_MAX_PROJECTED_ATTRIBUTES 100

/* one KeySchemaElement, as given */
typedef struct KeyElement
{
	const char *name;
	bool		hash;
} KeyElement;

/* the KeySchemaElements of a KeySchema member */
static KeyElement *
key_elements(const JsonNode *key_schema, int *count)
{
	KeyElement *elements;
	int			i;

	*count = (int) key_schema->count;
	elements = palloc(sizeof(KeyElement) * Max(*count, 1));
	for (i = 0; i < *count; i++)
	{
		const JsonNode *element = &key_schema->u.elements[i];

		elements[i].name = request_string_in(request_member(element, "AttributeName"));
		elements[i].hash = strcmp(request_string_in(request_member(element, "KeyType")), "HASH") == 0;
	}
	return elements;
}

/* the definition of an attribute, or NULL */
static const KeyAttribute *
find_definition(const ApiDefinitions *definitions, const char *name)
{
	int			i;

	for (i = 0; i < definitions->count; i++)
		if (strcmp(definitions->attributes[i].name, name) == 0)
			return &definitions->attributes[i];
	return NULL;
}

/* "[a, b]": names as DynamoDB lists them in messages */
static char *
name_list(const char *const *names, int count)
{
	StringInfoData text;
	int			i;

	initStringInfo(&text);
	appendStringInfoChar(&text, '[');
	for (i = 0; i < count; i++)
		appendStringInfo(&text, "%s%s", i ? ", " : "", names[i]);
	appendStringInfoChar(&text, ']');
	return text.data;
}

static char *
definition_list(const ApiDefinitions *definitions)
{
	const char **names = palloc(sizeof(char *) * Max(definitions->count, 1));
	int			i;

	for (i = 0; i < definitions->count; i++)
		names[i] = definitions->attributes[i].name;
	return name_list(names, definitions->count);
}

/*
 * Every key attribute of an index must be defined: "Some index key
 * attributes are not defined in AttributeDefinitions", listing the index's
 * key attributes (all of them, in KeySchema order) and the definitions (in
 * request order).  dynalite's tests, run against DynamoDB: "Keys: [a, c],
 * AttributeDefinitions: [a, b]" for an LSI keyed on a (defined) and c.
 */
static void
check_keys_defined(const KeyElement *keys, int nkeys, const ApiDefinitions *definitions)
{
	int			i;

	for (i = 0; i < nkeys; i++)
		if (find_definition(definitions, keys[i].name) == NULL)
		{
			const char **names = palloc(sizeof(char *) * nkeys);
			int			j;

			for (j = 0; j < nkeys; j++)
				names[j] = keys[j].name;
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Some index key attributes are not defined in AttributeDefinitions. Keys: %s, AttributeDefinitions: %s",
						 name_list(names, nkeys), definition_list(definitions));
		}
}

/* the key attribute of an index, typed from its definition */
static KeyAttribute
typed_key(const ApiDefinitions *definitions, const char *name)
{
	KeyAttribute key;
	const KeyAttribute *definition = find_definition(definitions, name);

	key.name = pstrdup(name);
	key.type = definition ? definition->type : DYNAMO_TYPE_S;
	return key;
}

/*
 * The KeySchema of an LSI: the table's partition key, then one RANGE
 * attribute (dynalite's order of checks).
 */
static void
parse_local_key_schema(const JsonNode *key_schema, IndexSpec *index, const CreateTableSpec *table,
					   const ApiDefinitions *definitions)
{
	int			nkeys;
	KeyElement *keys = key_elements(key_schema, &nkeys);

	if (nkeys == 2 && strcmp(keys[0].name, keys[1].name) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Both the Hash Key and the Range Key element in the KeySchema have the same name");
	if (!keys[0].hash)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
	if (nkeys == 2 && keys[1].hash)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
	if (nkeys != 2)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Index KeySchema does not have a range key for index: %s", index->index_name);
	if (strcmp(keys[0].name, table->partition_key.name) != 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s",
					 index->index_name, keys[0].name, table->partition_key.name);
	index->npartition_keys = 1;
	index->partition_keys[0] = typed_key(definitions, keys[0].name);
	index->nsort_keys = 1;
	index->sort_keys[0] = typed_key(definitions, keys[1].name);
}

/*
 * The KeySchema of a GSI: one to four HASH attributes, then up to four
 * RANGE attributes (DynamoDB's multi-attribute keys, November 2025).
 *
 * The two-element checks are dynalite's (the same name twice; a RANGE
 * first).  The multi-attribute messages are quoted by the 2026 catalogue
 * (DDB-TABLE-442); their order among themselves is inferred: the order of
 * the elements first, then the counts, then repeated names.
 */
static void
parse_global_key_schema(const JsonNode *key_schema, IndexSpec *index, const ApiDefinitions *definitions)
{
	int			nkeys;
	KeyElement *keys = key_elements(key_schema, &nkeys);
	int			nhash = 0;
	int			nrange = 0;
	int			i,
				j;

	if (nkeys == 2 && strcmp(keys[0].name, keys[1].name) == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Both the Hash Key and the Range Key element in the KeySchema have the same name");
	if (!keys[0].hash)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
	for (i = 0; i < nkeys; i++)
	{
		if (keys[i].hash && nrange > 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "All HASH key attributes must precede RANGE key attributes in the KeySchema");
		if (keys[i].hash)
			nhash++;
		else
			nrange++;
	}
	if (nhash > DYNAMO_INDEX_KEY_ATTRIBUTES)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "The KeySchema exceeds the maximum allowed number of HASH key attributes");
	if (nrange > DYNAMO_INDEX_KEY_ATTRIBUTES)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "The KeySchema exceeds the maximum allowed number of RANGE key attributes");
	for (i = 0; i < nkeys; i++)
		for (j = 0; j < i; j++)
			if (strcmp(keys[i].name, keys[j].name) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "The KeySchema contains multiple key attributes with the same name");

	index->npartition_keys = nhash;
	index->nsort_keys = nrange;
	for (i = 0; i < nhash; i++)
		index->partition_keys[i] = typed_key(definitions, keys[i].name);
	for (i = 0; i < nrange; i++)
		index->sort_keys[i] = typed_key(definitions, keys[nhash + i].name);
}

/*
 * Projection: ProjectionType has no default; NonKeyAttributes only, and
 * always, with INCLUDE, without repeats (dynalite's tests for the first two;
 * the catalogue DDB-TABLE-442 for "is not specified" and the repeats).
 */
static void
parse_projection(const JsonNode *projection, IndexSpec *index)
{
	const char *type = request_string(projection, "ProjectionType", "projectionType", false);
	const JsonNode *non_key = request_member(projection, "NonKeyAttributes");
	int			i,
				j;

	if (type == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "Unknown ProjectionType: null");
	if (non_key != NULL && strcmp(type, "INCLUDE") != 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "ProjectionType is %s, but NonKeyAttributes is specified", type);
	if (non_key == NULL && strcmp(type, "INCLUDE") == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
	index->projection = strcmp(type, "ALL") == 0 ? PROJECTION_ALL :
		strcmp(type, "INCLUDE") == 0 ? PROJECTION_INCLUDE : PROJECTION_KEYS_ONLY;
	if (non_key == NULL)
		return;
	index->nnon_key_attributes = (int) non_key->count;
	index->non_key_attributes = palloc(sizeof(char *) * Max(non_key->count, 1));
	for (i = 0; i < index->nnon_key_attributes; i++)
	{
		const char *name = request_string_in(&non_key->u.elements[i]);

		for (j = 0; j < i; j++)
			if (strcmp(index->non_key_attributes[j], name) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Duplicate element in NonKeyAttributes: %s", name);
		index->non_key_attributes[i] = pstrdup(name);
	}
}

/*
 * ProvisionedThroughput and OnDemandThroughput of a GSI, as given: the
 * maximum request units are -1 when not given, 0 when given below 1.
 */
static void
parse_index_throughput(const JsonNode *index_node, bool *has_throughput, int64 *read, int64 *write,
					   int64 *max_read, int64 *max_write)
{
	const JsonNode *throughput = request_member(index_node, "ProvisionedThroughput");
	const JsonNode *on_demand = request_member(index_node, "OnDemandThroughput");

	*has_throughput = throughput != NULL;
	*read = *write = 0;
	if (throughput != NULL)
	{
		*read = request_integer(request_member(throughput, "ReadCapacityUnits"));
		*write = request_integer(request_member(throughput, "WriteCapacityUnits"));
	}
	*max_read = *max_write = -1;
	if (on_demand != NULL)
	{
		const JsonNode *r = request_member(on_demand, "MaxReadRequestUnits");
		const JsonNode *w = request_member(on_demand, "MaxWriteRequestUnits");

		/* a value below 1 (DynamoDB's -1, "no maximum", among them) is kept as 0 */
		if (r != NULL)
			*max_read = Max(request_integer(r), 0);
		if (w != NULL)
			*max_write = Max(request_integer(w), 0);
	}
}

/* IndexName of an index element */
static char *
index_name_of(const JsonNode *index_node)
{
	return pstrdup(request_string_in(request_member(index_node, "IndexName")));
}

/* Java's String.hashCode of a UTF-8 string: over its UTF-16 code units */
static uint32
java_string_hash(const char *text)
{
	const unsigned char *p = (const unsigned char *) text;
	uint32		h = 0;

	while (*p)
	{
		uint32		c;
		int			len = pg_utf_mblen(p);

		c = utf8_to_unicode(p);
		p += len;
		if (c > 0xFFFF)
		{
			h = 31 * h + (0xD800 + ((c - 0x10000) >> 10));
			h = 31 * h + (0xDC00 + ((c - 0x10000) & 0x3FF));
		}
		else
			h = 31 * h + c;
	}
	return h;
}

/*
 * The key attributes a table and its indexes use, each once, in the order
 * java.util.HashSet iterates them (DynamoDB's "keys used: [...]").  A 2026
 * answer lists "keys used: [a, sk, pk]" for the keys pk, sk (table) and a
 * (index): the HashSet order (buckets by String.hashCode, spread and masked
 * by the capacity, 16 doubled while more than 3/4 full; insertion order
 * within a bucket), not the order of the request.
 */
static char *
keys_used_list(const char **names, int count)
{
	int			capacity = 16;
	int		   *buckets = palloc(sizeof(int) * Max(count, 1));
	const char **ordered = palloc(sizeof(char *) * Max(count, 1));
	int			i,
				n = 0,
				bucket;

	while (count > capacity * 3 / 4)
		capacity *= 2;
	for (i = 0; i < count; i++)
	{
		uint32		h = java_string_hash(names[i]);

		buckets[i] = (int) ((h ^ (h >> 16)) & (uint32) (capacity - 1));
	}
	for (bucket = 0; bucket < capacity; bucket++)
		for (i = 0; i < count; i++)
			if (buckets[i] == bucket)
				ordered[n++] = names[i];
	return name_list(ordered, count);
}

/* append name to names unless it is there */
static void
add_key_name(const char **names, int *count, const char *name)
{
	int			i;

	for (i = 0; i < *count; i++)
		if (strcmp(names[i], name) == 0)
			return;
	names[(*count)++] = name;
}

/*
 * CreateTable's LocalSecondaryIndexes and GlobalSecondaryIndexes, after the
 * table's KeySchema has been checked: appends an IndexSpec per index to
 * spec->indexes, the LSIs first.  The throughput of the GSIs is parsed but
 * checked against the billing mode later (api_check_create_index_throughput).
 *
 * The order of the checks:
 *   1. the empty lists (dynalite; moto);
 *   2. an LSI on a table without a sort key (dynalite's test: before the
 *      undefined attributes of the LSI);
 *   3. for each index, its key attributes defined (dynalite: first of the
 *      checks of an index);
 *   4. AttributeDefinitions used by some key ("Some AttributeDefinitions are
 *      not used"): DDB-TABLE-127 found this check before every projection,
 *      throughput and name check of the indexes;
 *   5. each LSI (key schema, projection, duplicate name), then their count;
 *   6. each GSI likewise, then their count;
 *   7. the NonKeyAttributes summed over all INCLUDE indexes.
 */
void
api_parse_create_indexes(const JsonNode *request, CreateTableSpec *spec, const ApiDefinitions *definitions)
{
	const JsonNode *lsis = request_member(request, "LocalSecondaryIndexes");
	const JsonNode *gsis = request_member(request, "GlobalSecondaryIndexes");
	int			nlsis = lsis ? (int) lsis->count : 0;
	int			ngsis = gsis ? (int) gsis->count : 0;
	const char **used;
	int			nused = 0;
	int			projected = 0;
	ListCell   *cell;
	int			i;

	if (lsis == NULL && gsis == NULL)
		return;
	if (lsis != NULL && nlsis == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "List of LocalSecondaryIndexes is empty");
	if (lsis != NULL && spec->sort_key.name == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
	if (gsis != NULL && ngsis == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "List of GlobalSecondaryIndexes is empty");

	/* 3: every key attribute defined; collect the keys used */
	used = palloc(sizeof(char *) * (2 + (nlsis + ngsis) * 2 * DYNAMO_INDEX_KEY_ATTRIBUTES));
	add_key_name(used, &nused, spec->partition_key.name);
	if (spec->sort_key.name != NULL)
		add_key_name(used, &nused, spec->sort_key.name);
	for (i = 0; i < nlsis + ngsis; i++)
	{
		const JsonNode *index_node = i < nlsis ? &lsis->u.elements[i] : &gsis->u.elements[i - nlsis];
		int			nkeys,
					k;
		KeyElement *keys = key_elements(request_member(index_node, "KeySchema"), &nkeys);

		check_keys_defined(keys, nkeys, definitions);
		for (k = 0; k < nkeys; k++)
			add_key_name(used, &nused, keys[k].name);
	}

	/* 4: every definition used by some key */
	if (definitions->count > nused)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Some AttributeDefinitions are not used. AttributeDefinitions: %s, keys used: %s",
					 definition_list(definitions), keys_used_list(used, nused));

	/* 5, 6: each index */
	for (i = 0; i < nlsis + ngsis; i++)
	{
		bool		global = i >= nlsis;
		const JsonNode *index_node = global ? &gsis->u.elements[i - nlsis] : &lsis->u.elements[i];
		IndexSpec  *index = palloc0(sizeof(IndexSpec));

		index->index_name = index_name_of(index_node);
		index->global = global;
		if (global)
			parse_global_key_schema(request_member(index_node, "KeySchema"), index, definitions);
		else
			parse_local_key_schema(request_member(index_node, "KeySchema"), index, spec, definitions);
		parse_projection(request_member(index_node, "Projection"), index);
		foreach(cell, spec->indexes)
		{
			if (strcmp(((IndexSpec *) lfirst(cell))->index_name, index->index_name) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Duplicate index name: %s", index->index_name);
		}
		if (global)
			parse_index_throughput(index_node, &index->has_throughput,
								   &index->read_capacity_units, &index->write_capacity_units,
								   &index->max_read_request_units, &index->max_write_request_units);
		else
			index->max_read_request_units = index->max_write_request_units = -1;
		projected += index->nnon_key_attributes;
		spec->indexes = lappend(spec->indexes, index);

		if (i == nlsis - 1 && nlsis > DYNAMO_MAX_LSIS)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Number of LocalSecondaryIndexes exceeds per-table limit of %d",
						 DYNAMO_MAX_LSIS);
	}
	if (ngsis > dynamo_max_global_secondary_indexes)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "GlobalSecondaryIndex count exceeds the per-table limit of %d",
					 dynamo_max_global_secondary_indexes);

	/*
	 * 7: the message is quoted by a CloudFormation linter (pf-dynamodb rule
	 * "projection-nonkey-total"); its place last is inferred.
	 */
	if (projected > DYNAMO_MAX_PROJECTED_ATTRIBUTES)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Number of projected attributes in all indexes exceeds limit of %d",
					 DYNAMO_MAX_PROJECTED_ATTRIBUTES);
}

/*
 * The throughput of CreateTable's GSIs against the table's billing mode,
 * after the table's own throughput checks; in index order (inferred).
 * Messages: DDB-TABLE-128 (live, 2026).
 */
void
api_check_create_index_throughput(const CreateTableSpec *spec)
{
	ListCell   *cell;

	foreach(cell, spec->indexes)
	{
		IndexSpec  *index = lfirst(cell);

		if (!index->global)
			continue;
		if (spec->pay_per_request && index->has_throughput)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST",
						 index->index_name);
		if (!spec->pay_per_request && !index->has_throughput)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "ProvisionedThroughput is not specified for index: %s",
						 index->index_name);
		if (!spec->pay_per_request && index->max_read_request_units != -1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "MaxReadRequestUnits for OnDemandThroughput for index: %s cannot be specified when table BillingMode is PROVISIONED.",
						 index->index_name);
		if (!spec->pay_per_request && index->max_write_request_units != -1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "MaxWriteRequestUnits for OnDemandThroughput for index: %s cannot be specified when table BillingMode is PROVISIONED.",
						 index->index_name);
		if (index->max_read_request_units != -1 && index->max_read_request_units < 1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Requested MaxReadRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
						 index->index_name);
		if (index->max_write_request_units != -1 && index->max_write_request_units < 1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Requested MaxWriteRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
						 index->index_name);
	}
}

/*
 * The Update of a GlobalSecondaryIndexUpdates element: a GSI's throughput.
 * OnDemandThroughput's MaxReadRequestUnits / MaxWriteRequestUnits of -1
 * remove the maximum; they are kept as 0 (IndexThroughputUpdate has -1 for
 * "not given").  Other values below 1 are out of range (DDB-TABLE-442:
 * "0 / negative (except -1 on UpdateTable = clear)"; the wording of the
 * index variant is DDB-TABLE-128's).
 */
static IndexThroughputUpdate *
parse_throughput_update(const JsonNode *update)
{
	IndexThroughputUpdate *result = palloc0(sizeof(IndexThroughputUpdate));
	const JsonNode *on_demand = request_member(update, "OnDemandThroughput");

	result->index_name = index_name_of(update);
	parse_index_throughput(update, &result->has_throughput,
						   &result->read_capacity_units, &result->write_capacity_units,
						   &result->max_read_request_units, &result->max_write_request_units);
	if (on_demand != NULL)
	{
		const JsonNode *r = request_member(on_demand, "MaxReadRequestUnits");
		const JsonNode *w = request_member(on_demand, "MaxWriteRequestUnits");

		if (r != NULL && request_integer(r) < 1 && request_integer(r) != -1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Requested MaxReadRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
						 result->index_name);
		if (w != NULL && request_integer(w) < 1 && request_integer(w) != -1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Requested MaxWriteRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
						 result->index_name);
	}
	return result;
}

/*
 * The Create of a GlobalSecondaryIndexUpdates element, with the request's
 * AttributeDefinitions: those must define the new index's key attributes
 * (more are ignored, DDB-TABLE-162); without any, "AttributeDefinitions is
 * not specified for index" (DDB-TABLE-162).  That an undefined key attribute
 * is answered as at CreateTable is inferred.
 */
static IndexSpec *
parse_index_create(const JsonNode *create, const ApiDefinitions *definitions)
{
	IndexSpec  *index = palloc0(sizeof(IndexSpec));
	const JsonNode *key_schema = request_member(create, "KeySchema");
	int			nkeys;
	KeyElement *keys = key_elements(key_schema, &nkeys);

	index->index_name = index_name_of(create);
	index->global = true;
	if (definitions == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "AttributeDefinitions is not specified for index: %s", index->index_name);
	check_keys_defined(keys, nkeys, definitions);
	parse_global_key_schema(key_schema, index, definitions);
	parse_projection(request_member(create, "Projection"), index);
	parse_index_throughput(create, &index->has_throughput,
						   &index->read_capacity_units, &index->write_capacity_units,
						   &index->max_read_request_units, &index->max_write_request_units);
	if (index->max_read_request_units == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxReadRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
					 index->index_name);
	if (index->max_write_request_units == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxWriteRequestUnits for OnDemandThroughput for index : %s is outside of valid range",
					 index->index_name);
	return index;
}

/*
 * UpdateTable's GlobalSecondaryIndexUpdates into spec: at most one Create
 * or Delete, any number of Updates.  definitions are the request's
 * AttributeDefinitions, or NULL.  other_changes: the request changes
 * something else (an empty list alone counts as no change at all, which
 * api_update_table answers; with another change it is an error,
 * DDB-TABLE-359).
 *
 * Order: the empty list; each element (exactly one action, DDB-TABLE-160),
 * parsed; one action per index (DDB-TABLE-160: [Delete gsi1, Create gsi1]
 * is this ValidationException, not the limit below); a Create or Delete
 * with a table throughput or stream change (DDB-TABLE-174); then more than
 * one Create or Delete, DynamoDB's LimitExceededException (DDB-TABLE-159;
 * its latency shows it is checked past validation, so last).
 */
void
api_parse_index_updates(const JsonNode *request, UpdateTableSpec *spec, const ApiDefinitions *definitions)
{
	const JsonNode *updates = request_member(request, "GlobalSecondaryIndexUpdates");
	const char **names;
	int			ncreate_delete = 0;
	int			i,
				j;

	if (updates == NULL)
		return;
	if (updates->count == 0)
		dynamo_error(DYNAMO_EXC_VALIDATION, INVALID_PREFIX "List of GlobalSecondaryIndexUpdates is empty");
	names = palloc(sizeof(char *) * updates->count);
	for (i = 0; i < (int) updates->count; i++)
	{
		const JsonNode *element = &updates->u.elements[i];
		const JsonNode *create = request_member(element, "Create");
		const JsonNode *update = request_member(element, "Update");
		const JsonNode *delete = request_member(element, "Delete");
		int			actions = (create != NULL) + (update != NULL) + (delete != NULL);

		if (actions == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null");
		if (actions > 1)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object");
		if (create != NULL)
		{
			IndexSpec  *index = parse_index_create(create, definitions);

			names[i] = index->index_name;
			if (spec->create_index == NULL)
				spec->create_index = index;
			ncreate_delete++;
		}
		else if (delete != NULL)
		{
			names[i] = index_name_of(delete);
			if (spec->delete_index == NULL)
				spec->delete_index = (char *) names[i];
			ncreate_delete++;
		}
		else
		{
			IndexThroughputUpdate *throughput = parse_throughput_update(update);

			names[i] = throughput->index_name;
			spec->update_indexes = lappend(spec->update_indexes, throughput);
		}
		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 INVALID_PREFIX "Only one global secondary index update per index is allowed simultaneously. Index: %s",
							 names[i]);
	}
	if (ncreate_delete > 0 && request_member(request, "ProvisionedThroughput") != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "You cannot create or delete index while updating table IOPS");
	if (ncreate_delete > 0 && request_member(request, "StreamSpecification") != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "You cannot create or delete index while changing stream status");
	if (ncreate_delete > 1)
		dynamo_error(DYNAMO_EXC_LIMIT_EXCEEDED,
					 "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
}
