/*-------------------------------------------------------------------------
 *
 * http_parser.c
 *	  A small, strict HTTP/1.1 request parser for the endpoint: request line,
 *	  headers, Content-Length body.  It parses from a buffer that holds what
 *	  a connection has received so far, so it is called again as bytes
 *	  arrive; pipelined requests are parsed one after another from the same
 *	  buffer.
 *
 * Limits: 16 KB of request line and headers, 64 headers, a body of at most
 * HTTP_MAX_BODY_BYTES declared by Content-Length (Transfer-Encoding is not
 * accepted: the AWS SDKs send Content-Length).  The parser never reads past
 * the given length and allocates nothing; test/fuzz has a target for it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http/http.h"

/* find "\r\n\r\n" within the first limit bytes; its offset or -1 */
static int
find_header_end(const char *buffer, int length)
{
	int			i;

	for (i = 0; i + 3 < length; i++)
		if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
			return i;
	return -1;
}

static bool
is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* case-insensitive comparison of a counted string with a C string */
static bool
equals_ignore_case(const char *s, int len, const char *word)
{
	return (int) strlen(word) == len && pg_strncasecmp(s, word, len) == 0;
}

/* the header name (any case), or NULL */
const HttpHeader *
http_find_header(const HttpRequest *request, const char *name)
{
	int			i;

	for (i = 0; i < request->nheaders; i++)
		if (equals_ignore_case(request->headers[i].name, request->headers[i].name_len, name))
			return &request->headers[i];
	return NULL;
}

/*
 * Parse one request from the start of buffer.  On HTTP_PARSE_DONE,
 * *consumed is its length (request line, headers and body).
 */
HttpParseResult
http_parse_request(const char *buffer, int length, HttpRequest *request, int *consumed)
{
	int			header_end;
	int			p = 0;
	int			line_end;
	const HttpHeader *content_length;
	const HttpHeader *connection;
	int64		body_len = 0;
	int			i;

	memset(request, 0, sizeof(*request));
	header_end = find_header_end(buffer, Min(length, HTTP_MAX_HEADER_BYTES + 4));
	if (header_end < 0)
		return length > HTTP_MAX_HEADER_BYTES ? HTTP_PARSE_TOO_LARGE : HTTP_PARSE_INCOMPLETE;

	/* request line: METHOD SP target SP HTTP/1.x CRLF */
	request->method = buffer;
	while (p < header_end && is_token_char(buffer[p]))
		p++;
	request->method_len = p;
	if (p == 0 || p >= header_end || buffer[p] != ' ')
		return HTTP_PARSE_BAD_REQUEST;
	p++;
	request->path = buffer + p;
	while (p < header_end && buffer[p] != ' ' && buffer[p] > 0x20 && buffer[p] != 0x7F)
		p++;
	request->path_len = (int) (buffer + p - request->path);
	if (request->path_len == 0 || p >= header_end || buffer[p] != ' ')
		return HTTP_PARSE_BAD_REQUEST;
	p++;
	if (header_end - p < 10 || memcmp(buffer + p, "HTTP/1.", 7) != 0 ||
		(buffer[p + 7] != '0' && buffer[p + 7] != '1') || buffer[p + 8] != '\r')
		return HTTP_PARSE_BAD_REQUEST;
	request->minor_version = buffer[p + 7] - '0';
	p += 10;

	/* headers: name: value CRLF */
	while (p < header_end + 2)
	{
		HttpHeader *header;
		int			colon;

		for (line_end = p; line_end < header_end && buffer[line_end] != '\r'; line_end++)
			;
		if (line_end == p)
			break;
		if (request->nheaders >= HTTP_MAX_HEADERS)
			return HTTP_PARSE_TOO_LARGE;
		header = &request->headers[request->nheaders++];
		for (colon = p; colon < line_end && is_token_char(buffer[colon]); colon++)
			;
		if (colon == p || colon >= line_end || buffer[colon] != ':')
			return HTTP_PARSE_BAD_REQUEST;
		header->name = buffer + p;
		header->name_len = colon - p;
		colon++;
		while (colon < line_end && (buffer[colon] == ' ' || buffer[colon] == '\t'))
			colon++;
		header->value = buffer + colon;
		header->value_len = line_end - colon;
		while (header->value_len > 0 &&
			   (header->value[header->value_len - 1] == ' ' || header->value[header->value_len - 1] == '\t'))
			header->value_len--;
		for (i = 0; i < header->value_len; i++)
			if ((uint8) header->value[i] < 0x20 && header->value[i] != '\t')
				return HTTP_PARSE_BAD_REQUEST;
		p = line_end + 2;
	}

	if (http_find_header(request, "Transfer-Encoding") != NULL)
		return HTTP_PARSE_BAD_REQUEST;
	content_length = http_find_header(request, "Content-Length");
	if (content_length != NULL)
	{
		if (content_length->value_len == 0 || content_length->value_len > 12)
			return HTTP_PARSE_BAD_REQUEST;
		for (i = 0; i < content_length->value_len; i++)
		{
			if (content_length->value[i] < '0' || content_length->value[i] > '9')
				return HTTP_PARSE_BAD_REQUEST;
			body_len = body_len * 10 + (content_length->value[i] - '0');
		}
		if (body_len > HTTP_MAX_BODY_BYTES)
			return HTTP_PARSE_TOO_LARGE;
	}
	if ((int64) length - (header_end + 4) < body_len)
	{
		const HttpHeader *expect = http_find_header(request, "Expect");

		/* the client may wait for "100 Continue" before it sends the body */
		request->expects_continue = request->minor_version == 1 && expect != NULL &&
			equals_ignore_case(expect->value, expect->value_len, "100-continue");
		return HTTP_PARSE_INCOMPLETE;
	}
	request->body = buffer + header_end + 4;
	request->body_len = (int) body_len;
	*consumed = header_end + 4 + (int) body_len;

	connection = http_find_header(request, "Connection");
	request->keep_alive = (request->minor_version == 1);
	if (connection != NULL)
	{
		if (equals_ignore_case(connection->value, connection->value_len, "close"))
			request->keep_alive = false;
		else if (equals_ignore_case(connection->value, connection->value_len, "keep-alive"))
			request->keep_alive = true;
	}
	return HTTP_PARSE_DONE;
}
