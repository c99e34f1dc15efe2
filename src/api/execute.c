/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  The action table and the one way a request runs, whichever door it
 *	  came through: dynamo.execute(action, request) in SQL (jsonb or text)
 *	  dynamo.execute_text(action, request text), and the wire endpoint.
 *
 * Errors are raised with the exception's SQLSTATE and DynamoDB's message
 * (src/errors.h); the wire endpoint turns them into DynamoDB's error JSON.
 * dynamo.execute_text reads and writes JSON with the
 * extension's own reader and writer, so strings jsonb cannot hold (U+0000)
 * go through it unchanged, as they do through the endpoint.
 *
 * Every request is measured here for the per-minute metrics
 * (capacity_metrics.c), per table it names (TableName, the tables of a
 * batch's RequestItems, of a transaction's TransactItems): a success's
 * SuccessfulRequestLatency (data-plane actions, as DynamoDB publishes it);
 * a failure by its kind, as CloudWatch counts it: throttling in
 * ThrottledRequests, a failed condition in ConditionalCheckFailedRequests,
 * a conflict with a transaction in TransactionConflict (and UserErrors),
 * any other client error in UserErrors (per database), a server error in
 * SystemErrors.  The error is then raised again, unchanged.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "api/api.h"
#include "api/api_validate.h"
#include "backup/backup.h"
#include "capacity/capacity.h"
#include "capacity/capacity_metrics.h"
#include "errors.h"
#include "streams/streams_api.h"
#include "ttl/ttl.h"

static const struct
{
	const char *name;
	ActionHandler handler;
	bool		data_plane;		/* an Operation of DynamoDB's request metrics */
}			Actions[] = {
	{"BatchGetItem", api_batch_get_item, true},
	{"BatchWriteItem", api_batch_write_item, true},
	{"CreateBackup", api_create_backup, false},
	{"CreateTable", api_create_table, false},
	{"DeleteBackup", api_delete_backup, false},
	{"DeleteItem", api_delete_item, true},
	{"DeleteTable", api_delete_table, false},
	{"DescribeBackup", api_describe_backup, false},
	{"DescribeContinuousBackups", api_describe_continuous_backups, false},
	{"DescribeEndpoints", api_describe_endpoints, false},
	{"DescribeExport", api_describe_export, false},
	{"DescribeImport", api_describe_import, false},
	{"DescribeLimits", api_describe_limits, false},
	{"DescribeTable", api_describe_table, false},
	{"DescribeTimeToLive", api_describe_time_to_live, false},
	{"ExportTableToPointInTime", api_export_table_to_point_in_time, false},
	{"GetItem", api_get_item, true},
	{"ImportTable", api_import_table, false},
	{"ListBackups", api_list_backups, false},
	{"ListExports", api_list_exports, false},
	{"ListImports", api_list_imports, false},
	{"ListTables", api_list_tables, false},
	{"ListTagsOfResource", api_list_tags_of_resource, false},
	{"PutItem", api_put_item, true},
	{"Query", api_query, true},
	{"RestoreTableFromBackup", api_restore_table_from_backup, false},
	{"RestoreTableToPointInTime", api_restore_table_to_point_in_time, false},
	{"Scan", api_scan, true},
	{"TagResource", api_tag_resource, false},
	{"TransactGetItems", api_transact_get_items, true},
	{"TransactWriteItems", api_transact_write_items, true},
	{"UntagResource", api_untag_resource, false},
	{"UpdateContinuousBackups", api_update_continuous_backups, false},
	{"UpdateItem", api_update_item, true},
	{"UpdateTable", api_update_table, false},
	{"UpdateTimeToLive", api_update_time_to_live, false},
};

/*
 * The actions of DynamoDB Streams (src/streams/streams_api*.c): the
 * endpoint reaches them through their own target prefix, dynamo.execute by
 * name (no name is in both tables).
 */
static const struct
{
	const char *name;
	ActionHandler handler;
}			StreamsActions[] = {
	{"DescribeStream", api_describe_stream},
	{"GetRecords", api_get_records},
	{"GetShardIterator", api_get_shard_iterator},
	{"ListStreams", api_list_streams},
};

/* the most tables a request names: BatchGetItem's and a transaction's limit */
#define REQUEST_MAX_TABLES 100

/* the distinct table names of a request, for its metrics */
typedef struct RequestTables
{
	int			count;
	const char *names[REQUEST_MAX_TABLES];
} RequestTables;

/* the handler of an action of one service (the endpoint's targets), or NULL */
ActionHandler
api_find_service_action(ApiService service, const char *action)
{
	int			i;

	if (service == API_SERVICE_STREAMS)
	{
		for (i = 0; i < lengthof(StreamsActions); i++)
			if (strcmp(StreamsActions[i].name, action) == 0)
				return StreamsActions[i].handler;
		return NULL;
	}
	for (i = 0; i < lengthof(Actions); i++)
		if (strcmp(Actions[i].name, action) == 0)
			return Actions[i].handler;
	return NULL;
}

/*
 * the handler of an action of DynamoDB or DynamoDB Streams (dynamo.execute
 * takes both), or NULL for an unknown one
 */
ActionHandler
api_find_action(const char *action)
{
	ActionHandler handler = api_find_service_action(API_SERVICE_DYNAMODB, action);

	return handler ? handler : api_find_service_action(API_SERVICE_STREAMS, action);
}

/* whether an action is one of DynamoDB's data-plane Operations */
static bool
action_is_data_plane(const char *action)
{
	int			i;

	for (i = 0; i < lengthof(Actions); i++)
		if (strcmp(Actions[i].name, action) == 0)
			return Actions[i].data_plane;
	return false;
}

/* add a table name (a JSON string that may name a table) unless it is there */
static void
add_table(RequestTables *tables, const char *name, uint32 len)
{
	int			i;

	if (len < 3 || len > DYNAMO_TABLE_NAME_MAX || strlen(name) != len ||
		strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return;
	for (i = 0; i < tables->count; i++)
		if (strcmp(tables->names[i], name) == 0)
			return;
	if (tables->count < REQUEST_MAX_TABLES)
		tables->names[tables->count++] = name;
}

/* add the TableName member of an object, when it has one */
static void
add_table_member(RequestTables *tables, const JsonNode *object)
{
	const JsonNode *name;

	if (object == NULL || object->kind != JSON_OBJECT)
		return;
	name = json_member(object, "TableName");
	if (name != NULL && name->kind == JSON_STRING)
		add_table(tables, name->u.text, name->count);
}

/*
 * The tables a request names: its TableName, the keys of a batch's
 * RequestItems, the TableName of every action of a transaction.  Names
 * that cannot be tables' are left out (the request fails validation).
 */
static void
request_tables(const JsonNode *request, RequestTables *tables)
{
	const JsonNode *items;
	uint32		i,
				j;

	tables->count = 0;
	add_table_member(tables, request);
	items = json_member(request, "RequestItems");
	if (items != NULL && items->kind == JSON_OBJECT)
		for (i = 0; i < items->count; i++)
			add_table(tables, items->u.members[i].name, items->u.members[i].namelen);
	items = json_member(request, "TransactItems");
	if (items != NULL && items->kind == JSON_ARRAY)
		for (i = 0; i < items->count; i++)
			if (items->u.elements[i].kind == JSON_OBJECT)
				for (j = 0; j < items->u.elements[i].count; j++)
					add_table_member(tables, &items->u.elements[i].u.members[j].value);
}

/* add one to a metric of every table of a request */
static void
count_per_table(const RequestTables *tables, const char *operation, CapacityMetric metric)
{
	int			i;

	for (i = 0; i < tables->count; i++)
		capacity_metric_add(tables->names[i], NULL, operation, metric, 1);
}

/*
 * Count a failed request in the metrics by its error (the current one,
 * being handled in a PG_CATCH block); context is a memory context for the
 * copy of the error.
 */
static void
record_failure(const char *action, const JsonNode *request, MemoryContext context)
{
	MemoryContext old = MemoryContextSwitchTo(context);
	ErrorData  *error = CopyErrorData();
	const DynamoExceptionInfo *exception = dynamo_exception_by_errcode(error->sqlerrcode);
	RequestTables tables;

	request_tables(request, &tables);
	if (dynamo_errcode_is_throttling(error->sqlerrcode))
		count_per_table(&tables, action, METRIC_THROTTLED_REQUESTS);
	else if (exception == &DynamoExceptions[DYNAMO_EXC_CONDITIONAL_CHECK])
		count_per_table(&tables, NULL, METRIC_CONDITIONAL_CHECK_FAILED_REQUESTS);
	else if (dynamo_errcode_is_item_held(error->sqlerrcode))
	{
		/* an item held by a transaction: TransactionConflictException on the wire */
		count_per_table(&tables, NULL, METRIC_TRANSACTION_CONFLICT);
		capacity_user_error();
	}
	else if ((exception != NULL && exception->http_status < 500) ||
			 error->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE ||
			 error->sqlerrcode == ERRCODE_INVALID_TEXT_REPRESENTATION ||
			 error->sqlerrcode == ERRCODE_UNTRANSLATABLE_CHARACTER ||
			 error->sqlerrcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE)
		/* DynamoDB's 4xx (the endpoint answers these Postgres errors with one) */
		capacity_user_error();
	else
		count_per_table(&tables, action, METRIC_SYSTEM_ERRORS);
	FreeErrorData(error);
	MemoryContextSwitchTo(old);
}

/* record the latency of a successful request for every table it names */
static void
record_success(const char *action, const JsonNode *request, instr_time start)
{
	instr_time	elapsed;
	RequestTables tables;
	int			i;

	if (!action_is_data_plane(action))
		return;
	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	request_tables(request, &tables);
	for (i = 0; i < tables.count; i++)
		capacity_latency_add(tables.names[i], action, INSTR_TIME_GET_MILLISEC(elapsed));
}

/*
 * Run one request of an action: the request must be a JSON object, valid
 * for the action's input shape in DynamoDB's service model; the response
 * object is appended to response.  The request is recorded in the metrics
 * when they are on.
 */
void
api_run_action(const char *action, ActionHandler handler, const JsonNode *request,
			   StringInfo response)
{
	JsonWriter	writer;
	MemoryContext context = CurrentMemoryContext;
	instr_time	start;

	if (!capacity_metrics_enabled())
	{
		if (request == NULL || request->kind != JSON_OBJECT)
			dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
		api_validate_request(action, request);
		json_writer_init(&writer, response);
		handler(request, &writer);
		return;
	}

	if (request == NULL || request->kind != JSON_OBJECT)
	{
		capacity_user_error();
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	}
	INSTR_TIME_SET_CURRENT(start);
	PG_TRY();
	{
		api_validate_request(action, request);
		json_writer_init(&writer, response);
		handler(request, &writer);
	}
	PG_CATCH();
	{
		record_failure(action, request, context);
		PG_RE_THROW();
	}
	PG_END_TRY();
	record_success(action, request, start);
}

/* the handler of the action argument, or DynamoDB's error */
static ActionHandler
action_argument(FunctionCallInfo fcinfo, char **action)
{
	ActionHandler handler;

	if (PG_ARGISNULL(0))
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: null");
	*action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	handler = api_find_action(*action);
	if (handler == NULL)
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: %s", *action);
	return handler;
}

/*
 * A response as jsonb.  jsonb cannot hold U+0000: a response that carries it
 * (an item stored through the endpoint or dynamo.execute_text) is refused
 * with Postgres' error and a hint to the door that can return it.
 */
static Jsonb *
response_to_jsonb(const char *text)
{
	MemoryContext context = CurrentMemoryContext;
	Jsonb	   *result = NULL;

	PG_TRY();
	{
		result = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(context);
		error = CopyErrorData();
		if (error->sqlerrcode != ERRCODE_UNTRANSLATABLE_CHARACTER)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
				 errmsg("the response holds the character U+0000, which jsonb cannot hold"),
				 errhint("dynamo.execute_text(action, request) returns it as JSON text.")));
	}
	PG_END_TRY();
	return result;
}

PG_FUNCTION_INFO_V1(dynamo_execute);
PG_FUNCTION_INFO_V1(dynamo_execute_text);

/* dynamo.execute(action, request jsonb): DynamoDB's response as jsonb */
Datum
dynamo_execute(PG_FUNCTION_ARGS)
{
	char	   *action;
	ActionHandler handler;
	JsonNode   *request;
	StringInfoData response;

	if (PG_ARGISNULL(0))
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: null");
	if (PG_ARGISNULL(1) || !JB_ROOT_IS_OBJECT(PG_GETARG_JSONB_P(1)))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	handler = action_argument(fcinfo, &action);
	request = json_from_jsonb(PG_GETARG_JSONB_P(1));
	initStringInfo(&response);
	api_run_action(action, handler, request, &response);
	PG_RETURN_JSONB_P(response_to_jsonb(response.data));
}

/*
 * dynamo.execute_text(action, request): DynamoDB's response as text, read
 * and written losslessly (any string DynamoDB accepts, U+0000 included).
 */
Datum
dynamo_execute_text(PG_FUNCTION_ARGS)
{
	char	   *action;
	ActionHandler handler;
	JsonNode   *request;
	StringInfoData response;
	text	   *body;

	if (PG_ARGISNULL(0))
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: null");
	if (PG_ARGISNULL(1))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	handler = action_argument(fcinfo, &action);
	body = PG_GETARG_TEXT_PP(1);
	request = json_parse(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body));
	initStringInfo(&response);
	api_run_action(action, handler, request, &response);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(response.data, response.len));
}
