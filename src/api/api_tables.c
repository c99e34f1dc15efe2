/*-------------------------------------------------------------------------
 *
 * api_tables.c
 *	  The control plane's requests: CreateTable, DescribeTable, ListTables,
 *	  UpdateTable, DeleteTable, parsed and validated into the catalog's
 *	  spec structs with DynamoDB's messages.
 *
 * dynamo's own table options travel in a member DynamoDB does not know
 * (and, like any unknown member, would ignore): "DynamoOptions":
 * {"Partitions": n, "VersionAttribute": "name"}.
 *
 * Every CreateTable, UpdateTable and DeleteTable that succeeds is written
 * to the audit log (catalog_audit.c) with its request and response, in the
 * request's transaction: a change that is rolled back leaves no entry, and
 * a refused request none either.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "streams/streams.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/* the elements of an array member, or a DynamoDB error */
static const JsonNode *
array_elements(const JsonNode *array, int *count)
{
	if (!request_is_array(array))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected field type");
	*count = (int) array->count;
	return array->u.elements;
}

/* a string member of an element object */
static const char *
element_string(const JsonNode *element, const char *name, const char *parameter)
{
	const JsonNode *v;

	if (!request_is_object(element))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	v = request_member(element, name);
	if (v == NULL)
		request_missing(parameter);
	return request_string_in(v);
}

static DynamoType
attribute_type_of(const char *type)
{
	return strcmp(type, "S") == 0 ? DYNAMO_TYPE_S : strcmp(type, "N") == 0 ? DYNAMO_TYPE_N : DYNAMO_TYPE_B;
}

/* the StreamSpecification member of CreateTable or UpdateTable */
static void
parse_stream_spec(const JsonNode *request, StreamSpec *stream)
{
	const JsonNode *node = request_member(request, "StreamSpecification");

	memset(stream, 0, sizeof(*stream));
	if (node == NULL)
		return;
	stream->given = true;
	stream->enabled = request_bool(node, "StreamEnabled", false);
	stream->view_type = request_string(node, "StreamViewType", "streamViewType", false);
}

/* ReadCapacityUnits / WriteCapacityUnits of a ProvisionedThroughput member */
static void
parse_throughput(const JsonNode *throughput, int64 *read, int64 *write)
{
	const JsonNode *r,
			   *w;

	if (!request_is_object(throughput))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
	r = request_member(throughput, "ReadCapacityUnits");
	w = request_member(throughput, "WriteCapacityUnits");
	if (r == NULL)
		request_missing("provisionedThroughput.readCapacityUnits");
	if (w == NULL)
		request_missing("provisionedThroughput.writeCapacityUnits");
	*read = request_integer(r);
	*write = request_integer(w);
}

/*
 * A table's OnDemandThroughput: each member as given (*has_read and
 * *has_write say which were).
 */
static void
parse_on_demand(const JsonNode *on_demand, bool *has_read, int64 *read, bool *has_write, int64 *write)
{
	const JsonNode *r = NULL;
	const JsonNode *w = NULL;

	if (on_demand != NULL)
	{
		if (!request_is_object(on_demand))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		r = request_member(on_demand, "MaxReadRequestUnits");
		w = request_member(on_demand, "MaxWriteRequestUnits");
	}
	*has_read = r != NULL;
	*has_write = w != NULL;
	*read = r ? request_integer(r) : -1;
	*write = w ? request_integer(w) : -1;
}

/* the request as jsonb for the audit log (U+0000, which jsonb cannot hold, as U+FFFD) */
static Jsonb *
audit_request(const JsonNode *request)
{
	StringInfoData text;
	JsonWriter	w;
	char	   *nul;

	initStringInfo(&text);
	json_writer_init(&w, &text);
	json_write_node(&w, request);
	while ((nul = strstr(text.data, "\\u0000")) != NULL)
		memcpy(nul, "\\uFFFD", 6);
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text.data)));
}

/* BillingMode: true for PAY_PER_REQUEST */
static bool
parse_billing_mode(const char *mode)
{
	if (strcmp(mode, "PAY_PER_REQUEST") == 0)
		return true;
	if (strcmp(mode, "PROVISIONED") == 0)
		return false;
	elog(ERROR, "unexpected BillingMode \"%s\" past the validator", mode);
	return false;
}

/*
 * AttributeDefinitions: each name once.  2026: "Attribute Name is
 * duplicated: pk", also when the two differ in type (ack-api-quirks
 * DDB-TABLE-127).
 */
static void
parse_definitions(const JsonNode *definitions, ApiDefinitions *parsed)
{
	const JsonNode *defs;
	int			i,
				j;

	defs = array_elements(definitions, &parsed->count);
	parsed->attributes = palloc(sizeof(KeyAttribute) * Max(parsed->count, 1));
	for (i = 0; i < parsed->count; i++)
	{
		KeyAttribute *attribute = &parsed->attributes[i];

		attribute->name = (char *) element_string(&defs[i], "AttributeName",
												  psprintf("attributeDefinitions.%d.member.attributeName", i + 1));
		attribute->type = attribute_type_of(element_string(&defs[i], "AttributeType",
														   psprintf("attributeDefinitions.%d.member.attributeType", i + 1)));
		for (j = 0; j < i; j++)
			if (strcmp(attribute->name, parsed->attributes[j].name) == 0)
				dynamo_error(DYNAMO_EXC_VALIDATION, "Attribute Name is duplicated: %s", attribute->name);
	}
}

/*
 * CreateTable's request parsed, checked and carried out, without the audit
 * entry and the response: {"TableDescription": ...}.  ImportTable creates
 * its table through here too.  The order of the checks is DynamoDB's: the
 * table's AttributeDefinitions and KeySchema, the secondary indexes
 * (api_indexes.c), the table's billing mode and throughput, then the
 * throughput of the GSIs.
 */
Jsonb *
api_create_table_from_request(const JsonNode *request)
{
	CreateTableSpec spec;
	StreamSpec	stream;
	ApiTagList	tags;
	const JsonNode *key_schema = request_member(request, "KeySchema");
	const JsonNode *definitions = request_member(request, "AttributeDefinitions");
	const JsonNode *throughput = request_member(request, "ProvisionedThroughput");
	const JsonNode *options = request_member(request, "DynamoOptions");
	const char *billing_mode = request_string(request, "BillingMode", "billingMode", false);
	const JsonNode *keys;
	ApiDefinitions defs;
	bool		has_max_read,
				has_max_write;
	bool		has_indexes = request_member(request, "LocalSecondaryIndexes") != NULL ||
		request_member(request, "GlobalSecondaryIndexes") != NULL;
	int			distribute = -1;	/* DynamoOptions.Distributed: -1 not given */
	int			nkeys,
				i,
				j;

	memset(&spec, 0, sizeof(spec));
	spec.table_name = (char *) request_string(request, "TableName", "tableName", true);
	if (key_schema == NULL)
		request_missing("keySchema");
	if (definitions == NULL)
		request_missing("attributeDefinitions");

	keys = array_elements(key_schema, &nkeys);
	parse_definitions(definitions, &defs);

	for (i = 0; i < nkeys; i++)
	{
		const char *name = element_string(&keys[i], "AttributeName",
										  psprintf("keySchema.%d.member.attributeName", i + 1));
		const char *type = element_string(&keys[i], "KeyType",
										  psprintf("keySchema.%d.member.keyType", i + 1));
		KeyAttribute *key = (i == 0) ? &spec.partition_key : &spec.sort_key;
		bool		defined = false;

		if (i == 0 && strcmp(type, "HASH") != 0)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
		if (i == 1 && strcmp(type, "RANGE") != 0)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
		if (i == 1 && strcmp(name, spec.partition_key.name) == 0)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Both the Hash Key and the Range Key element in the KeySchema have the same name");
		key->name = (char *) name;
		for (j = 0; j < defs.count; j++)
			if (strcmp(defs.attributes[j].name, name) == 0)
			{
				key->type = defs.attributes[j].type;
				defined = true;
			}
		if (!defined)
		{
			StringInfoData keys_text,
						defs_text;

			initStringInfo(&keys_text);
			initStringInfo(&defs_text);
			for (j = 0; j < nkeys; j++)
				appendStringInfo(&keys_text, "%s%s", j ? ", " : "",
								 element_string(&keys[j], "AttributeName", "keySchema"));
			for (j = 0; j < defs.count; j++)
				appendStringInfo(&defs_text, "%s%s", j ? ", " : "", defs.attributes[j].name);
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
						 keys_text.data, defs_text.data);
		}
	}
	if (!has_indexes && defs.count != nkeys)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
	api_parse_create_indexes(request, &spec, &defs);
	spec.attribute_definitions = json_node_to_jsonb(definitions);

	spec.pay_per_request = billing_mode ? parse_billing_mode(billing_mode) : false;
	if (spec.pay_per_request && throughput != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
	if (!spec.pay_per_request)
	{
		if (throughput == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
		parse_throughput(throughput, &spec.read_capacity_units, &spec.write_capacity_units);
	}

	/*
	 * OnDemandThroughput (DDB-TABLE-038, 039): not with PROVISIONED; each
	 * member given at least 1 (-1, "no maximum" at UpdateTable, is out of
	 * range here).  Their place after the table's throughput is inferred.
	 */
	parse_on_demand(request_member(request, "OnDemandThroughput"), &has_max_read, &spec.max_read_request_units,
					&has_max_write, &spec.max_write_request_units);
	if (!spec.pay_per_request && has_max_read)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "MaxReadRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED.");
	if (!spec.pay_per_request && has_max_write)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "MaxWriteRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED.");
	if (has_max_read && spec.max_read_request_units < 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range");
	if (has_max_write && spec.max_write_request_units < 1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxWriteRequestUnits for OnDemandThroughput for table is outside of valid range");
	api_check_create_index_throughput(&spec);

	spec.partition_count = dynamo_default_partitions;
	if (options != NULL)
	{
		const JsonNode *partitions;
		const JsonNode *version;

		if (!request_is_object(options))
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Unexpected value type in payload");
		partitions = request_member(options, "Partitions");
		version = request_member(options, "VersionAttribute");
		if (request_member(options, "Distributed") != NULL)
		{
			distribute = request_bool(options, "Distributed", false) ? 1 : 0;
			if (distribute && request_member(request, "StreamSpecification") != NULL &&
				request_bool(request_member(request, "StreamSpecification"), "StreamEnabled", false))
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "DynamoOptions.Distributed: a table with a stream cannot be distributed by Citus yet");
		}
		if (partitions != NULL)
		{
			int64		n = request_integer(partitions);

			if (n < 1 || n > 1024)
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "DynamoOptions.Partitions must be between 1 and 1024");
			spec.partition_count = (int) n;
		}
		if (version != NULL)
			spec.version_attribute = (char *) request_string_in(version);
	}

	parse_stream_spec(request, &stream);
	api_parse_create_tags(request, &tags);
	catalog_create_table(&spec);
	streams_apply_spec(spec.table_name, &stream, true);
	api_store_create_tags(spec.table_name, &tags);

	/*
	 * Distributed with Citus when asked (DynamoOptions.Distributed), or by
	 * default (dynamo.distribute_new_tables) when it can be: no stream,
	 * Citus there.
	 */
	if (distribute < 0)
		distribute = dynamo_distribute_new_tables && !stream.enabled &&
			catalog_citus_present();
	if (distribute)
		catalog_distribute_table(spec.table_name);
	{
		/* {"TableDescription": ...}: the description DescribeTable gives */
		Jsonb	   *described = catalog_describe_table(spec.table_name);
		JsonbValue *table = getKeyJsonValueFromContainer(&described->root, "Table", 5, NULL);
		JsonbParseState *state = NULL;
		JsonbValue	key;

		key.type = jbvString;
		key.val.string.val = "TableDescription";
		key.val.string.len = strlen("TableDescription");
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_VALUE, table);
		return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	}
}

/* CreateTable */
void
api_create_table(const JsonNode *request, JsonWriter *w)
{
	Jsonb	   *response = api_create_table_from_request(request);

	catalog_audit_record_response("CreateTable", request_string(request, "TableName", "tableName", true),
								  audit_request(request), response, NULL);
	response_jsonb(w, response);
}

/* DescribeTable */
void
api_describe_table(const JsonNode *request, JsonWriter *w)
{
	const char *table_name = request_string(request, "TableName", "tableName", true);

	response_jsonb(w, catalog_describe_table(table_name));
}

/* ListTables */
void
api_list_tables(const JsonNode *request, JsonWriter *w)
{
	const char *start = request_string(request, "ExclusiveStartTableName", "exclusiveStartTableName", false);
	const JsonNode *limit_value = request_member(request, "Limit");
	int64		limit = 100;

	if (limit_value != NULL)
	{
		limit = request_integer(limit_value);
	}
	response_jsonb(w, catalog_list_tables(start, (int) limit));
}

/*
 * UpdateTable: billing mode, provisioned throughput and the GSI updates.
 * AttributeDefinitions only serve a GSI Create; they are not checked
 * against the table's keys (DDB-TABLE-162: unused or conflicting entries
 * are ignored).
 */
void
api_update_table(const JsonNode *request, JsonWriter *w)
{
	UpdateTableSpec spec;
	StreamSpec	stream;
	const char *billing_mode = request_string(request, "BillingMode", "billingMode", false);
	const JsonNode *throughput = request_member(request, "ProvisionedThroughput");
	const JsonNode *definitions = request_member(request, "AttributeDefinitions");
	const JsonNode *index_updates = request_member(request, "GlobalSecondaryIndexUpdates");
	const JsonNode *on_demand = request_member(request, "OnDemandThroughput");
	ApiDefinitions defs;
	bool		has_max_read,
				has_max_write;
	Jsonb	   *response;

	memset(&spec, 0, sizeof(spec));
	spec.table_name = (char *) request_string(request, "TableName", "tableName", true);
	if (billing_mode != NULL)
	{
		spec.set_billing_mode = true;
		spec.pay_per_request = parse_billing_mode(billing_mode);
	}
	if (throughput != NULL)
	{
		if (spec.set_billing_mode && spec.pay_per_request)
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 INVALID_PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
		spec.set_throughput = true;
		parse_throughput(throughput, &spec.read_capacity_units, &spec.write_capacity_units);
	}

	/*
	 * OnDemandThroughput merges member by member; -1 clears one (kept as 0
	 * in the spec, where -1 is "not given"), 0 and values below -1 are out
	 * of range (DDB-TABLE-051).  On a table that is or becomes PROVISIONED
	 * it is refused by catalog_plan_throughput.
	 */
	parse_on_demand(on_demand, &has_max_read, &spec.max_read_request_units,
					&has_max_write, &spec.max_write_request_units);
	if (has_max_read && spec.max_read_request_units < 1 && spec.max_read_request_units != -1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range");
	if (has_max_write && spec.max_write_request_units < 1 && spec.max_write_request_units != -1)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Requested MaxWriteRequestUnits for OnDemandThroughput for table is outside of valid range");
	if (has_max_read && spec.max_read_request_units == -1)
		spec.max_read_request_units = 0;
	if (has_max_write && spec.max_write_request_units == -1)
		spec.max_write_request_units = 0;

	/* an empty GlobalSecondaryIndexUpdates alone is no change (DDB-TABLE-359) */
	if (!spec.set_billing_mode && !spec.set_throughput && on_demand == NULL &&
		(index_updates == NULL || index_updates->count == 0) &&
		request_member(request, "StreamSpecification") == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
	if (definitions != NULL)
	{
		parse_definitions(definitions, &defs);
		spec.attribute_definitions = json_node_to_jsonb(definitions);
	}
	api_parse_index_updates(request, &spec, definitions != NULL ? &defs : NULL);
	parse_stream_spec(request, &stream);
	streams_apply_spec(spec.table_name, &stream, false);
	response = catalog_update_table(&spec);
	catalog_audit_record_response("UpdateTable", spec.table_name, audit_request(request), response, NULL);
	response_jsonb(w, response);
}

/* DeleteTable */
void
api_delete_table(const JsonNode *request, JsonWriter *w)
{
	const char *table_name = request_string(request, "TableName", "tableName", true);
	Jsonb	   *response = catalog_delete_table(table_name);

	catalog_audit_record_response("DeleteTable", table_name, audit_request(request), response, NULL);
	response_jsonb(w, response);
}
