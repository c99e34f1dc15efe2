/*-------------------------------------------------------------------------
 *
 * http.h
 *	  The DynamoDB wire endpoint: background workers that speak DynamoDB's
 *	  HTTP protocol (JSON 1.0, X-Amz-Target, SigV4) and run each request
 *	  through dynamo.execute's handlers, one transaction per request.
 *
 * PROCESSES
 *
 * dynamo.http_workers background workers (started by the postmaster when
 * dynamo is in shared_preload_libraries and dynamo.http_port is set) each
 * listen on the same port with SO_REUSEPORT, so the kernel spreads
 * connections over them.  A worker is single-threaded: one poll() loop
 * over its listening socket and its connections, reading requests,
 * executing them one at a time in its own database connection, and writing
 * responses.  Nothing but the loop touches Postgres.  A worker that dies is
 * restarted by the postmaster.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_HTTP_H
#define DYNAMO_HTTP_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "errors.h"

#define HTTP_MAX_HEADER_BYTES	(16 * 1024)
#define HTTP_MAX_HEADERS		64
#define HTTP_MAX_BODY_BYTES		(16 * 1024 * 1024 + 64 * 1024)	/* a 16 MB batch and its JSON */

/* a parsed request; strings point into the connection's buffer */
typedef struct HttpHeader
{
	const char *name;
	int			name_len;
	const char *value;
	int			value_len;
} HttpHeader;

typedef struct HttpRequest
{
	const char *method;
	int			method_len;
	const char *path;			/* the request target, query string included */
	int			path_len;
	int			minor_version;	/* HTTP/1.<minor> */
	HttpHeader	headers[HTTP_MAX_HEADERS];
	int			nheaders;
	const char *body;
	int			body_len;
	bool		keep_alive;
	bool		expects_continue;	/* INCOMPLETE: headers in, body awaited after 100 Continue */
} HttpRequest;

typedef enum HttpParseResult
{
	HTTP_PARSE_INCOMPLETE,		/* need more bytes */
	HTTP_PARSE_DONE,			/* *consumed bytes make a request */
	HTTP_PARSE_BAD_REQUEST,		/* malformed: answer 400 and close */
	HTTP_PARSE_TOO_LARGE		/* headers or body over the limits: answer 413 and close */
} HttpParseResult;

/* the answer to a request */
typedef struct HttpResponse
{
	int			status;
	StringInfoData body;
	StringInfoData headers;		/* more header lines, each ending in CRLF */
	bool		json;			/* Content-Type application/x-amz-json-1.0; else none */
	bool		no_crc32;		/* no x-amz-crc32 (a CORS preflight answer) */
	bool		omit_body;		/* HEAD: the headers of the answer, not its body */
	bool		close;			/* close the connection after it */
} HttpResponse;

/* http_parser.c */
extern HttpParseResult http_parse_request(const char *buffer, int length, HttpRequest *request,
										  int *consumed);
extern const HttpHeader *http_find_header(const HttpRequest *request, const char *name);

/* http_crc32.c */
extern uint32 http_crc32(const char *data, size_t len);

/* http_handler.c */
extern void http_handle_request(const HttpRequest *request, HttpResponse *response);
extern void http_exception_response(HttpResponse *response, DynamoException exception, const char *message);

/* http_cors.c */
extern bool http_cors_headers(const HttpRequest *request, HttpResponse *response);
extern void http_cors_preflight(const HttpRequest *request, HttpResponse *response);

/* http_extension.c */
extern void http_extension_check_at_start(int worker);
extern bool http_extension_missing(void);
extern bool http_extension_recheck(void);
extern void http_extension_missing_response(HttpResponse *response);

/* http_metrics.c */
extern void http_metrics_response(const HttpRequest *request, HttpResponse *response);

/* http_sigv4.c */
extern Oid	http_authenticate(const HttpRequest *request, char **error_exception, char **error_message);

/* http_server.c */
/* http_commit.c */
extern void http_commit_request(void);
extern bool http_commit_round_needs_flush(void);
extern void http_commit_flush_round(void);

extern int	dynamo_http_port;
extern char *dynamo_http_listen_address;
extern int	dynamo_http_workers;
extern char *dynamo_http_database;
extern bool dynamo_http_auth;
extern int	dynamo_http_idle_timeout;
extern int	dynamo_http_lock_timeout;
extern void http_define_settings(void);
extern void http_register_workers(void);
extern PGDLLEXPORT void dynamo_http_worker_main(Datum arg);

#endif							/* DYNAMO_HTTP_H */
