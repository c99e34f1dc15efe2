/*-------------------------------------------------------------------------
 *
 * http_cors.c
 *	  Cross-origin resource sharing (CORS) on the endpoint, as DynamoDB
 *	  answers browsers.
 *
 * A request that carries an Origin header (a script in a browser) gets
 * Access-Control-Allow-Origin: * and the list of response headers the
 * script may read, whatever the answer (errors included).  A preflight, an
 * OPTIONS request with an Origin, is answered 200 with no body and no
 * x-amz-crc32; it echoes the requested method and headers as allowed and
 * lets the browser cache that for 172800 seconds (two days).  Without an
 * Origin nothing of this is sent, and OPTIONS is an unknown operation.
 *
 * The header values echoed are the request's own, which the parser has
 * checked to hold no control characters, so they cannot split the answer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http/http.h"

#define CORS_EXPOSE_HEADERS "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
#define CORS_MAX_AGE		"172800"

/* add "name: <the value of the request's header>" when the request has it */
static void
echo_header(const HttpRequest *request, const char *request_header, const char *name,
			HttpResponse *response)
{
	const HttpHeader *header = http_find_header(request, request_header);

	if (header != NULL)
		appendStringInfo(&response->headers, "%s: %.*s\r\n", name, header->value_len, header->value);
}

/*
 * Add the CORS headers every answer to a cross-origin request carries;
 * false (and nothing added) when the request has no Origin.
 */
bool
http_cors_headers(const HttpRequest *request, HttpResponse *response)
{
	if (http_find_header(request, "Origin") == NULL)
		return false;
	appendStringInfoString(&response->headers,
						   "Access-Control-Allow-Origin: *\r\n"
						   "Access-Control-Expose-Headers: " CORS_EXPOSE_HEADERS "\r\n");
	return true;
}

/* Answer a preflight (OPTIONS with an Origin, CORS headers already added). */
void
http_cors_preflight(const HttpRequest *request, HttpResponse *response)
{
	echo_header(request, "Access-Control-Request-Headers", "Access-Control-Allow-Headers", response);
	echo_header(request, "Access-Control-Request-Method", "Access-Control-Allow-Methods", response);
	appendStringInfoString(&response->headers, "Access-Control-Max-Age: " CORS_MAX_AGE "\r\n");
	response->status = 200;
	response->json = false;
	response->no_crc32 = true;
	resetStringInfo(&response->body);
}
