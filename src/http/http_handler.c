/*-------------------------------------------------------------------------
 *
 * http_handler.c
 *	  One DynamoDB request over HTTP: the protocol checks, authentication,
 *	  the action run in a transaction of its own as the caller's role, and
 *	  DynamoDB's JSON response or error.
 *
 * PROTOCOL
 *
 *	 GET / (or HEAD /)			200, DynamoDB's health line (no Content-Type)
 *	 GET /metrics (or HEAD)		the metrics in Prometheus' text format
 *								(http_metrics.c)
 *	 POST / with X-Amz-Target: DynamoDB_20120810.<Action> (or
 *	 DynamoDBStreams_20120810.<Action>, DynamoDB Streams) and Content-Type
 *	 application/x-amz-json-1.0 (or 1.1), a JSON body
 *								200 with the action's response, or 400/500
 *								with {"__type": "<prefix>#<Exception>",
 *								"message": ...}
 *	 OPTIONS with an Origin		a CORS preflight answer (http_cors.c)
 *	 anything else				404 <UnknownOperationException/>
 *
 * Every response carries x-amzn-RequestId, Date and, but for a preflight,
 * x-amz-crc32 (set by the server loop); a request with an Origin gets the
 * CORS headers.  Without the extension in the database, requests get an
 * InternalServerError that says so (http_extension.c).  An error never
 * leaves a transaction open: the catch block aborts it, and the worker goes
 * on with the next request.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "http/http.h"

#define TARGET_PREFIX "DynamoDB_20120810."
#define STREAMS_TARGET_PREFIX "DynamoDBStreams_20120810."

static bool
header_equals(const HttpHeader *header, const char *value)
{
	return header != NULL && header->value_len == (int) strlen(value) &&
		pg_strncasecmp(header->value, value, header->value_len) == 0;
}

/*
 * DynamoDB's error body for an exception and message (NULL: none); detail,
 * when not NULL, is the "Item" member (DynamoDB JSON) that
 * ReturnValuesOnConditionCheckFailure asks for, or a cancelled
 * transaction's "CancellationReasons".
 */
static void
error_response(HttpResponse *response, const DynamoExceptionInfo *exception, const char *message,
			   const char *detail)
{
	bool		cancelled = strcmp(exception->name, "TransactionCanceledException") == 0;
	bool		throttled = dynamo_errcode_is_throttling(dynamo_exception_errcode((DynamoException) (exception - DynamoExceptions)));

	resetStringInfo(&response->body);
	appendStringInfo(&response->body, "{\"__type\":\"%s%s\"", exception->type_prefix, exception->name);
	if (cancelled && detail != NULL)
		appendStringInfo(&response->body, ",\"CancellationReasons\":%s", detail);
	if (throttled && detail != NULL)
		/* ThrottlingException's member is spelled throttlingReasons */
		appendStringInfo(&response->body, ",\"%s\":%s",
						 strcmp(exception->name, "ThrottlingException") == 0 ? "throttlingReasons" : "ThrottlingReasons",
						 detail);
	if (message != NULL)
	{
		/* coral's serialization errors and cancelled transactions spell it with a capital M */
		bool		capital = cancelled ||
			(strcmp(exception->type_prefix, DYNAMO_TYPE_CORAL) == 0 &&
			 strcmp(exception->name, "SerializationException") == 0);

		appendStringInfoString(&response->body, capital ? ",\"Message\":" : ",\"message\":");
		dynamo_append_json_string(&response->body, message, strlen(message));
	}
	if (!cancelled && !throttled && detail != NULL)
		appendStringInfo(&response->body, ",\"Item\":%s", detail);
	appendStringInfoChar(&response->body, '}');
	response->status = exception->http_status;
	response->json = true;
}

/* Fill response with DynamoDB's error body for an exception of the table. */
void
http_exception_response(HttpResponse *response, DynamoException exception, const char *message)
{
	error_response(response, &DynamoExceptions[exception], message, NULL);
}

/*
 * Whether an action runs in a transaction block, as a BEGIN ... COMMIT
 * would: every action but the reads of one statement each.  Citus runs a
 * single-shard statement outside a block in a transaction of its own on the
 * worker, so without one, a row locked to check a condition would be
 * unlocked before the write, and a write a later check refuses (a GSI out
 * of capacity, a failed transaction item) would stay.  (The SQL doors are
 * functions, which Citus treats as blocks already.)
 */
static bool
runs_in_block(const char *action)
{
	return strcmp(action, "GetItem") != 0 && strcmp(action, "BatchGetItem") != 0 &&
		strcmp(action, "Query") != 0 && strcmp(action, "Scan") != 0;
}

/*
 * Run action on the body, in a transaction, as the authenticated role;
 * fills the response, success or error.
 */
static void
run_action(const HttpRequest *request, const char *action, ActionHandler handler,
		   HttpResponse *response)
{
	MemoryContext request_context = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (runs_in_block(action))
	{
		BeginTransactionBlock();
		CommitTransactionCommand();
		StartTransactionCommand();
	}
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, action);

	PG_TRY();
	{
		Oid			saved_user;
		int			saved_context;
		Oid			role;
		char	   *failed_exception = NULL;
		char	   *failed_message = NULL;
		JsonNode   *body;
		bool		authenticated = true;

		GetUserIdAndSecContext(&saved_user, &saved_context);
		role = saved_user;
		if (dynamo_http_auth)
		{
			role = http_authenticate(request, &failed_exception, &failed_message);
			if (!OidIsValid(role))
			{
				int			i;

				authenticated = false;
				for (i = 0; i < DYNAMO_EXCEPTION_COUNT; i++)
					if (strcmp(DynamoExceptions[i].name, failed_exception) == 0)
					{
						MemoryContext old = MemoryContextSwitchTo(request_context);

						error_response(response, &DynamoExceptions[i], failed_message, NULL);
						MemoryContextSwitchTo(old);
					}
			}
		}
		if (authenticated)
		{
			SetUserIdAndSecContext(role, saved_context | SECURITY_LOCAL_USERID_CHANGE);

			/*
			 * The body, read losslessly by the extension's own JSON reader
			 * (malformed: SerializationException); the response is written
			 * straight into the response buffer.
			 */
			body = json_parse(request->body, request->body_len);
			resetStringInfo(&response->body);
			api_run_action(action, handler, body, &response->body);
			response->status = 200;
			response->json = true;

			SetUserIdAndSecContext(saved_user, saved_context);
		}
		PopActiveSnapshot();
		http_commit_request();
	}
	PG_CATCH();
	{
		ErrorData  *error;
		const DynamoExceptionInfo *exception;

		MemoryContextSwitchTo(request_context);
		error = CopyErrorData();
		FlushErrorState();
		dynamo_error_resolve_cancel(error);
		AbortOutOfAnyTransaction(); /* the block too */
		CurrentResourceOwner = owner;

		exception = dynamo_exception_by_errcode(error->sqlerrcode);
		if (exception != NULL)
			/*
			 * a failed condition's DETAIL is the item
			 * ReturnValuesOnConditionCheckFailure asks for; a cancelled
			 * transaction's, its CancellationReasons
			 */
			error_response(response, exception, error->message,
						   (exception == &DynamoExceptions[DYNAMO_EXC_CONDITIONAL_CHECK] ||
							exception == &DynamoExceptions[DYNAMO_EXC_TRANSACTION_CANCELED] ||
							dynamo_errcode_is_throttling(error->sqlerrcode)) ? error->detail : NULL);
		else if (error->sqlerrcode == ERRCODE_INVALID_TEXT_REPRESENTATION ||
				 error->sqlerrcode == ERRCODE_UNTRANSLATABLE_CHARACTER ||
				 error->sqlerrcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE)
			http_exception_response(response, DYNAMO_EXC_SERIALIZATION, NULL);
		else if (dynamo_errcode_is_item_held(error->sqlerrcode))
		{
			/* the item is held by another transaction (dynamo.http_lock_timeout) */
			http_exception_response(response, DYNAMO_EXC_TRANSACTION_CONFLICT, "Transaction is ongoing for the item");
		}
		else if (error->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE)
			http_exception_response(response, DYNAMO_EXC_ACCESS_DENIED, error->message);
		else if (http_extension_recheck())
			http_extension_missing_response(response);
		else
		{
			ereport(LOG,
					(errmsg("dynamo endpoint: %s failed: %s", action, error->message)));
			http_exception_response(response, DYNAMO_EXC_INTERNAL_SERVER_ERROR, "Internal server error");
		}
		FreeErrorData(error);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}

/* whether the request's method is method */
static bool
method_is(const HttpRequest *request, const char *method)
{
	return request->method_len == (int) strlen(method) &&
		memcmp(request->method, method, request->method_len) == 0;
}

/* whether the request's path, its query string aside, is path */
static bool
path_is(const HttpRequest *request, const char *path)
{
	const char *query = memchr(request->path, '?', request->path_len);
	int			len = query ? (int) (query - request->path) : request->path_len;

	return len == (int) strlen(path) && memcmp(request->path, path, len) == 0;
}

/*
 * DynamoDB's answer to a request that is not an operation (a method other
 * than POST, a path other than / for GET): 404 and an XML body, without a
 * Content-Type.
 */
static void
not_an_operation(HttpResponse *response)
{
	response->status = 404;
	response->json = false;
	resetStringInfo(&response->body);
	appendStringInfoString(&response->body, "<UnknownOperationException/>\n");
}

/*
 * The action an X-Amz-Target names, and its service: DynamoDB's
 * (DynamoDB_20120810.<Action>) or DynamoDB Streams'
 * (DynamoDBStreams_20120810.<Action>); NULL for any other target.
 */
static char *
target_action(const HttpHeader *target, ApiService *service)
{
	static const struct
	{
		const char *prefix;
		ApiService	service;
	}			prefixes[] = {
		{TARGET_PREFIX, API_SERVICE_DYNAMODB},
		{STREAMS_TARGET_PREFIX, API_SERVICE_STREAMS},
	};
	int			i;

	if (target == NULL)
		return NULL;
	for (i = 0; i < lengthof(prefixes); i++)
	{
		int			len = strlen(prefixes[i].prefix);

		if (target->value_len > len && memcmp(target->value, prefixes[i].prefix, len) == 0)
		{
			*service = prefixes[i].service;
			return pnstrdup(target->value + len, target->value_len - len);
		}
	}
	return NULL;
}

/* Answer one request. */
void
http_handle_request(const HttpRequest *request, HttpResponse *response)
{
	const HttpHeader *target;
	const HttpHeader *content_type;
	char	   *action;
	ApiService	service;
	ActionHandler handler;
	bool		cross_origin;

	response->status = 200;
	response->json = false;
	response->close = !request->keep_alive;
	cross_origin = http_cors_headers(request, response);

	if (method_is(request, "OPTIONS") && cross_origin)
	{
		http_cors_preflight(request, response);
		return;
	}
	if (method_is(request, "GET") || method_is(request, "HEAD"))
	{
		response->omit_body = method_is(request, "HEAD");
		if (path_is(request, "/metrics"))
			http_metrics_response(request, response);
		else if (!(request->path_len == 1 && request->path[0] == '/'))
			not_an_operation(response);
		else if (http_extension_recheck())
			http_extension_missing_response(response);
		else
			/* the health check: the trailing space is DynamoDB's */
			appendStringInfo(&response->body, "healthy: dynamodb.%s.amazonaws.com ", dynamo_region);
		return;
	}
	if (!method_is(request, "POST"))
	{
		not_an_operation(response);
		return;
	}

	content_type = http_find_header(request, "Content-Type");
	if (!header_equals(content_type, "application/x-amz-json-1.0") &&
		!header_equals(content_type, "application/x-amz-json-1.1"))
	{
		http_exception_response(response, DYNAMO_EXC_UNKNOWN_OPERATION, NULL);
		return;
	}
	target = http_find_header(request, "X-Amz-Target");
	action = target_action(target, &service);
	if (action == NULL)
	{
		http_exception_response(response, DYNAMO_EXC_UNKNOWN_OPERATION, NULL);
		return;
	}
	handler = api_find_service_action(service, action);
	if (handler == NULL)
	{
		http_exception_response(response, DYNAMO_EXC_UNKNOWN_OPERATION, NULL);
		return;
	}
	if (http_extension_missing())
	{
		http_extension_missing_response(response);
		return;
	}
	run_action(request, action, handler, response);
}
