/*-------------------------------------------------------------------------
 *
 * fuzz_http.c
 *	  libFuzzer target: the endpoint's HTTP/1.1 request parser
 *	  (src/http/http_parser.c) on arbitrary bytes.
 *
 * The input is copied into a buffer of exactly its size (so ASan catches
 * any read past it) and parsed repeatedly, as a connection with pipelined
 * requests is.  Invariants: every result is one of the four; a parsed
 * request consumes at least its header and at most the buffer; its method,
 * path, header names and values and body lie inside the buffer; the body
 * length equals Content-Length; header values hold no control characters
 * but tabs; a prefix of a complete request is never reported as a complete
 * request of a different length.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"
#include "http/http.h"

static bool
inside(const char *p, int len, const char *buffer, int size)
{
	return len >= 0 && p >= buffer && p + len <= buffer + size;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buffer;
	int			offset = 0;
	int			rounds = 0;

	if (size > 1024 * 1024)
		return 0;
	buffer = malloc(size > 0 ? size : 1);
	memcpy(buffer, data, size);

	while (offset < (int) size && rounds++ < 64)
	{
		HttpRequest request;
		int			consumed = -1;
		HttpParseResult result = http_parse_request(buffer + offset, (int) size - offset,
													&request, &consumed);
		int			i;

		fuzz_check(result == HTTP_PARSE_INCOMPLETE || result == HTTP_PARSE_DONE ||
				   result == HTTP_PARSE_BAD_REQUEST || result == HTTP_PARSE_TOO_LARGE,
				   "unknown parse result %d", (int) result);
		if (result != HTTP_PARSE_DONE)
			break;
		fuzz_check(consumed > 0 && consumed <= (int) size - offset, "consumed %d of %d", consumed,
				   (int) size - offset);
		fuzz_check(inside(request.method, request.method_len, buffer + offset, consumed) &&
				   inside(request.path, request.path_len, buffer + offset, consumed) &&
				   inside(request.body, request.body_len, buffer + offset, consumed),
				   "request parts outside the request");
		for (i = 0; i < request.nheaders; i++)
		{
			int			k;

			fuzz_check(inside(request.headers[i].name, request.headers[i].name_len, buffer + offset, consumed) &&
					   inside(request.headers[i].value, request.headers[i].value_len, buffer + offset, consumed),
					   "header %d outside the request", i);
			for (k = 0; k < request.headers[i].value_len; k++)
				fuzz_check((uint8) request.headers[i].value[k] >= 0x20 || request.headers[i].value[k] == '\t',
						   "control character in header %d", i);
		}
		/* the same request, cut one byte short, is never complete */
		if (consumed > 1)
		{
			HttpRequest shorter;
			int			shorter_consumed;

			fuzz_check(http_parse_request(buffer + offset, consumed - 1, &shorter, &shorter_consumed)
					   != HTTP_PARSE_DONE || shorter_consumed < consumed,
					   "a cut request parsed as complete");
		}
		offset += consumed;
	}
	free(buffer);
	fuzz_arena_reset();
	return 0;
}
