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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "api/api.h"
#include "api/api_validate.h"
#include "errors.h"

static const struct
{
	const char *name;
	ActionHandler handler;
}			Actions[] = {
	{"BatchGetItem", api_batch_get_item},
	{"BatchWriteItem", api_batch_write_item},
	{"CreateTable", api_create_table},
	{"DeleteItem", api_delete_item},
	{"DeleteTable", api_delete_table},
	{"DescribeEndpoints", api_describe_endpoints},
	{"DescribeLimits", api_describe_limits},
	{"DescribeTable", api_describe_table},
	{"GetItem", api_get_item},
	{"ListTables", api_list_tables},
	{"PutItem", api_put_item},
	{"Query", api_query},
	{"Scan", api_scan},
	{"TransactGetItems", api_transact_get_items},
	{"TransactWriteItems", api_transact_write_items},
	{"UpdateItem", api_update_item},
	{"UpdateTable", api_update_table},
};

/* the handler of a DynamoDB action, or NULL for an unknown one */
ActionHandler
api_find_action(const char *action)
{
	int			i;

	for (i = 0; i < lengthof(Actions); i++)
		if (strcmp(Actions[i].name, action) == 0)
			return Actions[i].handler;
	return NULL;
}

/*
 * Run one request of an action: the request must be a JSON object, valid
 * for the action's input shape in DynamoDB's service model; the response
 * object is appended to response.
 */
void
api_run_action(const char *action, ActionHandler handler, const JsonNode *request,
			   StringInfo response)
{
	JsonWriter	writer;

	if (request == NULL || request->kind != JSON_OBJECT)
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");
	api_validate_request(action, request);
	json_writer_init(&writer, response);
	handler(request, &writer);
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
