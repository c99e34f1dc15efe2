/*-------------------------------------------------------------------------
 *
 * api.h
 *	  DynamoDB's JSON requests, read by the extension's own JSON reader
 *	  (value/json_node.h), parsed into the spec structs of the layers below,
 *	  dispatched, and answered with DynamoDB's JSON responses written
 *	  straight into a buffer.
 *
 * Parsing of a request is complete before anything executes: every field
 * is type-checked (SerializationException) and validated
 * (ValidationException, DynamoDB's messages) first.  Both doors, the SQL
 * function dynamo.execute and the wire endpoint, run a request through
 * api_run_action.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_H
#define DYNAMO_API_H

#include "postgres.h"

#include "catalog/catalog.h"
#include "expr/expr.h"
#include "storage/storage.h"
#include "value/json_node.h"

/* an action: reads the request, writes the response object */
typedef void (*ActionHandler) (const JsonNode *request, JsonWriter *response);

/* the services whose actions the action table holds */
typedef enum ApiService
{
	API_SERVICE_DYNAMODB,		/* X-Amz-Target: DynamoDB_20120810.<Action> */
	API_SERVICE_STREAMS			/* X-Amz-Target: DynamoDBStreams_20120810.<Action> */
} ApiService;

/* execute.c */
extern ActionHandler api_find_action(const char *action);
extern ActionHandler api_find_service_action(ApiService service, const char *action);
extern void api_run_action(const char *action, ActionHandler handler, const JsonNode *request,
						   StringInfo response);

/* api_request.c: reading request members */
extern const JsonNode *request_member(const JsonNode *request, const char *name);
extern bool request_is_object(const JsonNode *value);
extern bool request_is_array(const JsonNode *value);
extern void request_missing(const char *parameter) pg_attribute_noreturn();
extern const char *request_string_in(const JsonNode *value);
extern const char *request_string(const JsonNode *request, const char *name, const char *parameter,
								  bool required);
extern const char *request_expression(const JsonNode *request, const char *name);
extern bool request_bool(const JsonNode *request, const char *name, bool default_value);
extern int64 request_integer(const JsonNode *value);
extern const JsonNode *request_object(const JsonNode *request, const char *name);
extern const JsonNode *request_array(const JsonNode *request, const char *name);
extern void request_table_name_check(const char *table_name, const char *parameter);
extern TableInfo *request_table_named(const char *table_name);
extern TableInfo *request_table(const JsonNode *request);
extern JsonNode *request_build(JsonMember *members, uint32 count);
extern void request_build_member(JsonMember *member, const char *name, const JsonNode *value);
extern JsonNode request_string_node(const char *text, uint32 len);

/* api_response.c: the members responses share */
extern void response_item(JsonWriter *w, const char *member, struct varlena *item);
extern void response_consumed_capacity(JsonWriter *w, const JsonNode *request,
									   const TableInfo *table, double units);
extern void response_consumed_capacity_indexes(JsonWriter *w, const JsonNode *request,
											   const TableInfo *table, double table_units,
											   const IndexUnits *indexes, int nindexes);
extern void response_consumed_capacity_tables(JsonWriter *w, const JsonNode *request,
											  const TableInfo **tables, const double *reads,
											  const double *writes, int count,
											  const IndexUnits *indexes, int nindexes,
											  double index_factor, bool split);
extern void response_item_collection_metrics(JsonWriter *w, const JsonNode *request,
											 const TableInfo *table, const ItemKey *key,
											 int64 collection_size);
extern void response_item_collection_metrics_value(JsonWriter *w, const TableInfo *table,
												   const ItemKey *key, int64 collection_size);
extern void response_jsonb(JsonWriter *w, Jsonb *object);

/* api_account.c: actions that read no table */
extern void api_describe_endpoints(const JsonNode *request, JsonWriter *response);
extern void api_describe_limits(const JsonNode *request, JsonWriter *response);

/* a request's AttributeDefinitions, in request order */
typedef struct ApiDefinitions
{
	int			count;
	KeyAttribute *attributes;
} ApiDefinitions;

/* api_indexes.c: the secondary indexes of CreateTable and UpdateTable */
extern void api_parse_create_indexes(const JsonNode *request, CreateTableSpec *spec,
									 const ApiDefinitions *definitions);
extern void api_check_create_index_throughput(const CreateTableSpec *spec);
extern void api_parse_index_updates(const JsonNode *request, UpdateTableSpec *spec,
									const ApiDefinitions *definitions);

/* api_tables.c: the control plane */
extern void api_create_table(const JsonNode *request, JsonWriter *response);
extern Jsonb *api_create_table_from_request(const JsonNode *request);
extern void api_describe_table(const JsonNode *request, JsonWriter *response);
extern void api_list_tables(const JsonNode *request, JsonWriter *response);
extern void api_update_table(const JsonNode *request, JsonWriter *response);
extern void api_delete_table(const JsonNode *request, JsonWriter *response);

/* one tag of a request; value NULL in UntagResource's keys */
typedef struct ApiTag
{
	const char *key;
	const char *value;
} ApiTag;

/* the tags of a request, parsed and checked */
typedef struct ApiTagList
{
	int			count;
	ApiTag	   *tags;
} ApiTagList;

/* api_tags.c: tags of tables */
extern void api_tag_resource(const JsonNode *request, JsonWriter *response);
extern void api_untag_resource(const JsonNode *request, JsonWriter *response);
extern void api_list_tags_of_resource(const JsonNode *request, JsonWriter *response);
extern void api_parse_create_tags(const JsonNode *request, ApiTagList *tags);
extern void api_store_create_tags(const char *table_name, const ApiTagList *tags);

/* api_items.c: the single-item operations */
extern void api_put_item(const JsonNode *request, JsonWriter *response);
extern void api_get_item(const JsonNode *request, JsonWriter *response);
extern void api_delete_item(const JsonNode *request, JsonWriter *response);
extern void api_update_item(const JsonNode *request, JsonWriter *response);

/* api_batch.c */
extern void api_batch_get_item(const JsonNode *request, JsonWriter *response);
extern void api_batch_write_item(const JsonNode *request, JsonWriter *response);

/* api_transact.c */
extern void api_transact_write_items(const JsonNode *request, JsonWriter *response);
extern void api_transact_get_items(const JsonNode *request, JsonWriter *response);

/* api_read.c: Query and Scan */
extern void api_query(const JsonNode *request, JsonWriter *response);
extern void api_scan(const JsonNode *request, JsonWriter *response);
extern void api_read_key_schema(const TableInfo *table, const TableIndex *index,
								ExprKeySchema *schema);

#endif							/* DYNAMO_API_H */
