/*-------------------------------------------------------------------------
 *
 * http_sigv4.c
 *	  AWS Signature Version 4 on every request: the access key is looked up
 *	  in dynamo.access_keys, the request is signed again with its secret,
 *	  and the signatures are compared in constant time.  The request then
 *	  runs as the key's role, so Postgres' privileges apply to it.
 *
 * The canonical request, string to sign and signing key are AWS's (see
 * "Create a signed AWS API request"): HMAC-SHA256 from Postgres' own
 * common/hmac.h, SHA-256 from common/cryptohash.h.  A request signed more
 * than 15 minutes from the server's clock is refused, as DynamoDB refuses
 * it.  Secrets are never logged.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "http/http.h"

#define MAX_CLOCK_SKEW_SECONDS (15 * 60)

static void
hex_lower(const uint8 *bytes, int len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < len; i++)
	{
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

static void
sha256_hex(const char *data, size_t len, char *out)
{
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute SHA-256");
	pg_cryptohash_free(ctx);
	hex_lower(digest, sizeof(digest), out);
}

static void
hmac_sha256(const uint8 *key, size_t key_len, const char *data, uint8 *out)
{
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);

	if (ctx == NULL || pg_hmac_init(ctx, key, key_len) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) data, strlen(data)) < 0 ||
		pg_hmac_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute HMAC-SHA256");
	pg_hmac_free(ctx);
}

/* the value of "name=" up to the next ',' in an Authorization header, or NULL */
static char *
auth_parameter(const char *header, const char *name)
{
	const char *p = header;
	size_t		len = strlen(name);

	while ((p = strstr(p, name)) != NULL)
	{
		if ((p == header || p[-1] == ' ' || p[-1] == ',') && p[len] == '=')
		{
			const char *value = p + len + 1;
			const char *end = strchr(value, ',');

			return pnstrdup(value, end ? (size_t) (end - value) : strlen(value));
		}
		p += len;
	}
	return NULL;
}

/* a header value trimmed and with runs of spaces collapsed, as SigV4 wants */
static void
append_canonical_value(StringInfo out, const char *value, int len)
{
	int			i;
	bool		space = false;

	while (len > 0 && value[0] == ' ')
		value++, len--;
	while (len > 0 && value[len - 1] == ' ')
		len--;
	for (i = 0; i < len; i++)
	{
		if (value[i] == ' ')
		{
			if (!space)
				appendStringInfoChar(out, ' ');
			space = true;
			continue;
		}
		space = false;
		appendStringInfoChar(out, value[i]);
	}
}

/* seconds since the epoch of an ISO 8601 basic time (20261124T101500Z), or -1 */
static int64
amz_date_seconds(const char *amz_date)
{
	struct pg_tm tm;
	Timestamp	ts;

	memset(&tm, 0, sizeof(tm));
	if (strlen(amz_date) != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z' ||
		sscanf(amz_date, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	if (tm2timestamp(&tm, 0, NULL, &ts) != 0)
		return -1;
	return ts / USECS_PER_SEC + ((POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY);
}

static void
format_amz_date(int64 seconds, char *out)
{
	pg_time_t	t = (pg_time_t) seconds;
	struct pg_tm *tm = pg_gmtime(&t);

	snprintf(out, 17, "%04d%02d%02dT%02d%02d%02dZ", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
			 tm->tm_hour, tm->tm_min, tm->tm_sec);
}

#define FAIL(exception, ...) \
	do { *error_exception = (exception); *error_message = psprintf(__VA_ARGS__); return InvalidOid; } while (0)

/*
 * The role a signed request runs as; InvalidOid with DynamoDB's exception
 * name and message when the request is not properly signed.
 */
Oid
http_authenticate(const HttpRequest *request, char **error_exception, char **error_message)
{
	const HttpHeader *authorization = http_find_header(request, "Authorization");
	const HttpHeader *date_header = http_find_header(request, "X-Amz-Date");
	char	   *header;
	char	   *credential;
	char	   *signed_headers;
	char	   *signature;
	char	   *scope_parts[5];
	char	   *amz_date;
	int64		signed_at;
	int64		now;
	StringInfoData canonical;
	StringInfoData to_sign;
	char		hash[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	uint8		key[PG_SHA256_DIGEST_LENGTH];
	uint8		mac[PG_SHA256_DIGEST_LENGTH];
	char		expected[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	char	   *secret;
	Oid			role;
	char	   *p;
	int			i;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	bool		isnull;
	int			diff = 0;

	if (authorization == NULL)
		FAIL("MissingAuthenticationTokenException", "Request is missing Authentication Token");
	header = pnstrdup(authorization->value, authorization->value_len);
	if (strncmp(header, "AWS4-HMAC-SHA256 ", 17) != 0)
		FAIL("IncompleteSignatureException",
			 "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s",
			 "AWS4-HMAC-SHA256");
	credential = auth_parameter(header, "Credential");
	signed_headers = auth_parameter(header, "SignedHeaders");
	signature = auth_parameter(header, "Signature");
	if (credential == NULL || signed_headers == NULL || signature == NULL)
		FAIL("IncompleteSignatureException",
			 "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
	if (date_header == NULL)
		FAIL("IncompleteSignatureException",
			 "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");

	/* Credential=<key>/<date>/<region>/<service>/aws4_request */
	p = credential;
	for (i = 0; i < 5; i++)
	{
		scope_parts[i] = p;
		p = strchr(p, '/');
		if (i < 4)
		{
			if (p == NULL)
				FAIL("IncompleteSignatureException", "Credential should be scoped to a valid region.");
			*p++ = '\0';
		}
	}
	if (strcmp(scope_parts[4], "aws4_request") != 0)
		FAIL("IncompleteSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'.");

	amz_date = pnstrdup(date_header->value, date_header->value_len);
	signed_at = amz_date_seconds(amz_date);
	now = (int64) time(NULL);
	if (signed_at < 0)
		FAIL("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '%s'.", amz_date);
	if (now - signed_at > MAX_CLOCK_SKEW_SECONDS || signed_at - now > MAX_CLOCK_SKEW_SECONDS)
	{
		char		limit[17];
		char		current[17];

		format_amz_date(now, current);
		if (signed_at < now)
		{
			format_amz_date(now - MAX_CLOCK_SKEW_SECONDS, limit);
			FAIL("InvalidSignatureException", "Signature expired: %s is now earlier than %s (%s - 15 min.)",
				 amz_date, limit, current);
		}
		format_amz_date(now + MAX_CLOCK_SKEW_SECONDS, limit);
		FAIL("InvalidSignatureException", "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			 amz_date, limit, current);
	}

	/* the key */
	args[0] = CStringGetTextDatum(scope_parts[0]);
	SPI_connect();
	if (SPI_execute_with_args("SELECT secret_access_key, r.oid FROM dynamo.access_keys k"
							  " JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) k.role_name"
							  " WHERE k.access_key_id OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "access key lookup failed");
	if (SPI_processed == 0)
	{
		SPI_finish();
		FAIL("UnrecognizedClientException", "The security token included in the request is invalid.");
	}
	{
		char	   *stored = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		secret = SPI_palloc(strlen(stored) + 1);	/* outlives SPI_finish */
		strcpy(secret, stored);
	}
	role = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_finish();

	/* the canonical request */
	initStringInfo(&canonical);
	appendBinaryStringInfo(&canonical, request->method, request->method_len);
	appendStringInfoChar(&canonical, '\n');
	p = memchr(request->path, '?', request->path_len);
	appendBinaryStringInfo(&canonical, request->path, p ? (int) (p - request->path) : request->path_len);
	appendStringInfoChar(&canonical, '\n');
	if (p)
		appendBinaryStringInfo(&canonical, p + 1, request->path + request->path_len - p - 1);
	appendStringInfoChar(&canonical, '\n');
	{
		char	   *names = pstrdup(signed_headers);
		char	   *name;
		char	   *save;

		for (name = strtok_r(names, ";", &save); name; name = strtok_r(NULL, ";", &save))
		{
			bool		first = true;

			appendStringInfo(&canonical, "%s:", name);
			for (i = 0; i < request->nheaders; i++)
			{
				const HttpHeader *h = &request->headers[i];

				if (h->name_len == (int) strlen(name) && pg_strncasecmp(h->name, name, h->name_len) == 0)
				{
					if (!first)
						appendStringInfoChar(&canonical, ',');
					append_canonical_value(&canonical, h->value, h->value_len);
					first = false;
				}
			}
			appendStringInfoChar(&canonical, '\n');
		}
	}
	appendStringInfo(&canonical, "\n%s\n", signed_headers);
	sha256_hex(request->body, request->body_len, hash);
	appendStringInfoString(&canonical, hash);

	/* the string to sign, the signing key, the signature */
	sha256_hex(canonical.data, canonical.len, hash);
	initStringInfo(&to_sign);
	appendStringInfo(&to_sign, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
					 amz_date, scope_parts[1], scope_parts[2], scope_parts[3], hash);
	{
		char	   *k_secret = psprintf("AWS4%s", secret);

		hmac_sha256((const uint8 *) k_secret, strlen(k_secret), scope_parts[1], key);
		hmac_sha256(key, sizeof(key), scope_parts[2], key);
		hmac_sha256(key, sizeof(key), scope_parts[3], key);
		hmac_sha256(key, sizeof(key), "aws4_request", key);
		hmac_sha256(key, sizeof(key), to_sign.data, mac);
		memset(k_secret, 0, strlen(k_secret));
		memset(secret, 0, strlen(secret));
	}
	hex_lower(mac, sizeof(mac), expected);

	/* compare in constant time */
	if (strlen(signature) != strlen(expected))
		diff = 1;
	else
		for (i = 0; expected[i]; i++)
			diff |= expected[i] ^ signature[i];
	if (diff != 0)
		FAIL("InvalidSignatureException",
			 "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
	return role;
}
