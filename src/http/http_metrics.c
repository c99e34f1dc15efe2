/*-------------------------------------------------------------------------
 *
 * http_metrics.c
 *	  GET /metrics on the endpoint: the metrics of the endpoint's database
 *	  (dynamo.http_database) in Prometheus' text exposition format, so that
 *	  a Prometheus scrapes dynamo without an exporter in between.
 *
 * AUTHENTICATION
 *
 * The metrics name every table and show its traffic, so they are guarded
 * as the API is.  With dynamo.http_auth off, anyone who reaches the port
 * reads them (the API is as open then).  With it on (the default) a scrape
 * must carry an access key of dynamo.access_keys, either as HTTP Basic
 * authentication (the key's id as the user name, its secret as the
 * password: Prometheus' basic_auth) or as an AWS Signature Version 4 (a
 * GET signed for service "dynamodb", as awscurl sends it); it is answered
 * 401 otherwise.  The answer is then read as the key's role, which needs
 * USAGE on schema dynamo and EXECUTE on dynamo.metrics_prometheus()
 * (granted to pg_monitor): 403 otherwise.  Basic authentication sends the
 * secret as it is, so give the scraper a key of its own, of a role that
 * may do nothing but monitor.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "http/http.h"

#define CONTENT_TYPE "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"

/* a plain-text answer */
static void
text_response(HttpResponse *response, int status, const char *text)
{
	response->status = status;
	response->json = false;
	resetStringInfo(&response->body);
	appendStringInfoString(&response->body, text);
	appendStringInfoString(&response->headers, "Content-Type: text/plain; charset=utf-8\r\n");
}

/*
 * The role of HTTP Basic credentials "<access key id>:<secret>", or
 * InvalidOid when they are malformed or not a key's.
 */
static Oid
basic_role(const char *value, int len)
{
	char	   *decoded;
	int			decoded_len;
	char	   *colon;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	Oid			role = InvalidOid;

	while (len > 0 && *value == ' ')
		value++, len--;
	decoded = palloc(pg_b64_dec_len(len) + 1);
	decoded_len = pg_b64_decode(value, len, decoded, pg_b64_dec_len(len));
	if (decoded_len < 0)
		return InvalidOid;
	decoded[decoded_len] = '\0';
	colon = strchr(decoded, ':');
	if (colon == NULL || strlen(decoded) != (size_t) decoded_len)
		return InvalidOid;
	*colon = '\0';

	args[0] = CStringGetTextDatum(decoded);
	SPI_connect();
	if (SPI_execute_with_args("SELECT secret_access_key, r.oid FROM dynamo.access_keys k"
							  " JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) k.role_name"
							  " WHERE k.access_key_id OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "access key lookup failed");
	if (SPI_processed == 1)
	{
		char	   *secret = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		const char *given = colon + 1;
		size_t		length = strlen(secret);
		int			diff = strlen(given) != length;
		size_t		i;
		bool		isnull;

		/* compare in constant time */
		for (i = 0; i < length; i++)
			diff |= secret[i] ^ given[i < strlen(given) ? i : 0];
		if (diff == 0)
			role = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		memset(secret, 0, length);
	}
	SPI_finish();
	memset(decoded, 0, decoded_len);
	return role;
}

/* the role a scrape runs as, or InvalidOid (with the answer filled) */
static Oid
scrape_role(const HttpRequest *request, HttpResponse *response)
{
	const HttpHeader *authorization = http_find_header(request, "Authorization");
	Oid			role;
	char	   *exception = NULL;
	char	   *message = NULL;

	if (authorization != NULL && authorization->value_len > 6 &&
		pg_strncasecmp(authorization->value, "Basic ", 6) == 0)
		role = basic_role(authorization->value + 6, authorization->value_len - 6);
	else if (authorization != NULL)
		role = http_authenticate(request, &exception, &message);
	else
		role = InvalidOid;
	if (!OidIsValid(role))
	{
		text_response(response, 401,
					  message ? psprintf("%s: %s\n", exception, message) :
					  "GET /metrics needs an access key of dynamo.access_keys (dynamo.http_auth is on)\n");
		appendStringInfoString(&response->headers, "WWW-Authenticate: Basic realm=\"dynamo\"\r\n");
	}
	return role;
}

/* the metrics text, read as role; NULL when the metrics are not recorded */
static char *
metrics_text(Oid role)
{
	Oid			saved_user;
	int			saved_context;
	char	   *text = NULL;

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(role, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	SPI_connect();
	if (SPI_execute("SELECT dynamo.metrics_prometheus()", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the metrics");
	if (SPI_processed == 1)
	{
		char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (value != NULL)
			text = SPI_palloc(strlen(value) + 1), strcpy(text, value);
	}
	SPI_finish();
	SetUserIdAndSecContext(saved_user, saved_context);
	return text;
}

/* Answer GET (or HEAD) /metrics. */
void
http_metrics_response(const HttpRequest *request, HttpResponse *response)
{
	MemoryContext request_context = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	if (http_extension_missing())
	{
		http_extension_missing_response(response);
		return;
	}
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	PG_TRY();
	{
		Oid			role = GetUserId();
		char	   *text = NULL;

		if (dynamo_http_auth)
			role = scrape_role(request, response);
		if (OidIsValid(role))
			text = metrics_text(role);
		MemoryContextSwitchTo(request_context);
		if (OidIsValid(role) && text == NULL)
			text_response(response, 503,
						  "the metrics are not recorded: dynamo.metrics_status() says why\n");
		else if (OidIsValid(role))
		{
			response->status = 200;
			response->json = false;
			resetStringInfo(&response->body);
			appendStringInfoString(&response->body, text);
			appendStringInfoString(&response->headers, CONTENT_TYPE);
		}
		PopActiveSnapshot();
		http_commit_request();
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(request_context);
		error = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		CurrentResourceOwner = owner;
		if (error->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE)
			text_response(response, 403,
						  "the access key's role may not read the metrics: grant it pg_monitor (and USAGE on schema dynamo)\n");
		else
		{
			ereport(LOG,
					(errmsg("dynamo endpoint: GET /metrics failed: %s", error->message)));
			text_response(response, 500, "internal error reading the metrics\n");
		}
		FreeErrorData(error);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(request_context);
}
