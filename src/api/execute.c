/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  dynamo.execute(action text, request jsonb) returns jsonb: one entry for
 *	  every DynamoDB action, with DynamoDB's request and response JSON.
 *
 * Errors are raised with the exception's SQLSTATE and DynamoDB's message
 * (src/errors.h); the wire endpoint turns them into DynamoDB's error JSON.
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
	{"DescribeTable", api_describe_table},
	{"GetItem", api_get_item},
	{"ListTables", api_list_tables},
	{"PutItem", api_put_item},
	{"Query", api_query},
	{"Scan", api_scan},
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

PG_FUNCTION_INFO_V1(dynamo_execute);

/* dynamo.execute(action, request): DynamoDB's response to a request */
Datum
dynamo_execute(PG_FUNCTION_ARGS)
{
	char	   *action;
	Jsonb	   *request;
	ActionHandler handler;

	if (PG_ARGISNULL(0))
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: null");
	action = text_to_cstring(PG_GETARG_TEXT_PP(0));
	request = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	if (request == NULL || !JB_ROOT_IS_OBJECT(request))
		dynamo_error(DYNAMO_EXC_SERIALIZATION, "Start of structure or map found where not expected");

	handler = api_find_action(action);
	if (handler == NULL)
		dynamo_error(DYNAMO_EXC_UNKNOWN_OPERATION, "Unknown operation: %s", action);
	api_validate_request(action, json_from_jsonb(request));
	PG_RETURN_JSONB_P(handler(request));
}
