/*-------------------------------------------------------------------------
 *
 * streams_api_iterator.c
 *	  Shard iterators, and GetShardIterator.
 *
 * AN ITERATOR
 *
 * A shard iterator is opaque to clients but carries all its state, so the
 * server keeps none: "<stream ARN>|1|<base64>", as DynamoDB's iterators
 * begin with the stream's ARN, where the base64 holds
 *
 *	   <issued, Unix ms> LF <T | A> LF <position> LF <shard ID>
 *
 * followed by an HMAC-SHA256 of "<ARN>|" and those bytes under the
 * database's own secret (dynamo.stream_iterator_key, made at CREATE
 * EXTENSION from gen_random_uuid()'s strong random bytes and readable by
 * superusers only).  An iterator that does not decode, or whose HMAC does
 * not match, is ValidationException "Invalid ShardIterator": a client can
 * neither forge a position nor extend an iterator's life.
 *
 * Kind T is TRIM_HORIZON: the oldest record the shard still keeps,
 * resolved when read.  Kind A is "the records at or after position" (a
 * sequence number): AT_SEQUENCE_NUMBER s is A s, AFTER_SEQUENCE_NUMBER s
 * is A s+1, LATEST is A (the shard's last record + 1), and every
 * NextShardIterator is A (the last record returned + 1).  An A position
 * below the shard's trimmed_before is TrimmedDataAccessException.
 *
 * An iterator expires dynamo.stream_iterator_seconds after it was handed
 * out (DynamoDB's 15 minutes by default): ExpiredIteratorException.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "api/api.h"
#include "errors.h"
#include "streams/streams_api.h"

#define ITERATOR_VERSION "1"
#define ITERATOR_HMAC_BYTES PG_SHA256_DIGEST_LENGTH

int			dynamo_stream_iterator_seconds = 15 * 60;

/* Define the settings of the Streams API (from _PG_init). */
void
streams_api_define_settings(void)
{
	DefineCustomIntVariable("dynamo.stream_iterator_seconds",
							"Seconds a shard iterator stays valid.",
							"DynamoDB's iterators expire after 15 minutes; tests shorten it.",
							&dynamo_stream_iterator_seconds, 15 * 60, 1, 7 * 24 * 3600,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
}

/* the current time in Unix milliseconds */
int64
stream_now_unix_ms(void)
{
	TimestampTz now = GetCurrentTimestamp();

	return now / 1000 + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;
}

/*
 * The iterator secret of the database (32 bytes), read as the bootstrap
 * superuser: the table is closed to everyone else.
 */
static bytea *
iterator_secret(void)
{
	Oid			saved_user;
	int			saved_context;
	bytea	   *secret = NULL;
	MemoryContext caller = CurrentMemoryContext;

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		bool		isnull = true;

		SPI_connect();
		if (SPI_execute("SELECT secret FROM dynamo.stream_iterator_key", true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read the stream iterator key");
		if (SPI_processed == 1)
		{
			Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

			if (!isnull)
			{
				MemoryContext old = MemoryContextSwitchTo(caller);

				secret = DatumGetByteaPCopy(value);
				MemoryContextSwitchTo(old);
			}
		}
		SPI_finish();
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(saved_user, saved_context);
	}
	PG_END_TRY();
	if (secret == NULL)
		elog(ERROR, "the stream iterator key is missing");
	return secret;
}

/* HMAC-SHA256 of "<arn>|<payload>" under the database's secret */
static void
iterator_hmac(const char *arn, const char *payload, int payload_len, uint8 *out)
{
	bytea	   *secret = iterator_secret();
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);

	if (ctx == NULL || pg_hmac_init(ctx, (uint8 *) VARDATA_ANY(secret), VARSIZE_ANY_EXHDR(secret)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) arn, strlen(arn)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) "|", 1) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) payload, payload_len) < 0 ||
		pg_hmac_final(ctx, out, ITERATOR_HMAC_BYTES) < 0)
		elog(ERROR, "could not compute HMAC-SHA256");
	pg_hmac_free(ctx);
}

/* The iterator's text. */
char *
stream_iterator_encode(const StreamIterator *iterator)
{
	StringInfoData payload;
	char	   *encoded;
	int			encoded_len;

	initStringInfo(&payload);
	appendStringInfo(&payload, INT64_FORMAT "\n%c\n%s\n%s", iterator->issued_ms,
					 iterator->trim_horizon ? 'T' : 'A',
					 iterator->trim_horizon ? "" : iterator->position, iterator->shard_id);
	enlargeStringInfo(&payload, ITERATOR_HMAC_BYTES);
	iterator_hmac(iterator->arn, payload.data, payload.len, (uint8 *) payload.data + payload.len);
	payload.len += ITERATOR_HMAC_BYTES;

	encoded_len = pg_b64_enc_len(payload.len);
	encoded = palloc(encoded_len + 1);
	encoded_len = pg_b64_encode(payload.data, payload.len, encoded, encoded_len);
	if (encoded_len < 0)
		elog(ERROR, "could not encode a shard iterator");
	encoded[encoded_len] = '\0';
	return psprintf("%s|" ITERATOR_VERSION "|%s", iterator->arn, encoded);
}

static void
invalid_iterator(void)
{
	dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid ShardIterator");
}

/*
 * Read an iterator's text (ValidationException when it is not one this
 * database handed out).  Its age is checked by stream_iterator_check_age.
 */
void
stream_iterator_decode(const char *text, StreamIterator *iterator)
{
	const char *bar = strchr(text, '|');
	const char *data;
	char	   *decoded;
	int			decoded_len;
	int			payload_len;
	uint8		expected[ITERATOR_HMAC_BYTES];
	uint8		difference = 0;
	char	   *fields[4];
	char	   *p;
	char	   *end;
	int			i;

	if (bar == NULL || strncmp(bar, "|" ITERATOR_VERSION "|", 3) != 0)
		invalid_iterator();
	iterator->arn = pnstrdup(text, bar - text);
	data = bar + 3;
	decoded_len = pg_b64_dec_len(strlen(data));
	decoded = palloc(decoded_len + 1);
	decoded_len = pg_b64_decode(data, strlen(data), decoded, decoded_len);
	if (decoded_len <= ITERATOR_HMAC_BYTES)
		invalid_iterator();
	payload_len = decoded_len - ITERATOR_HMAC_BYTES;
	iterator_hmac(iterator->arn, decoded, payload_len, expected);
	for (i = 0; i < ITERATOR_HMAC_BYTES; i++)
		difference |= expected[i] ^ (uint8) decoded[payload_len + i];
	if (difference != 0)
		invalid_iterator();

	/* signed by us: the payload is well formed */
	decoded[payload_len] = '\0';
	p = decoded;
	for (i = 0; i < 4; i++)
	{
		fields[i] = p;
		p = (i < 3) ? strchr(p, '\n') : NULL;
		if (i < 3)
		{
			if (p == NULL)
				invalid_iterator();
			*p++ = '\0';
		}
	}
	errno = 0;
	iterator->issued_ms = strtoi64(fields[0], &end, 10);
	if (errno != 0 || *end != '\0')
		invalid_iterator();
	iterator->trim_horizon = (fields[1][0] == 'T');
	iterator->position = iterator->trim_horizon ? NULL : pstrdup(fields[2]);
	iterator->shard_id = pstrdup(fields[3]);
}

/* a Unix time in ms as Java's Date.toString shows it in UTC */
static char *
java_date_text(int64 unix_ms)
{
	pg_time_t	seconds = (pg_time_t) (unix_ms / 1000);
	char		buf[64];

	pg_strftime(buf, sizeof(buf), "%a %b %d %H:%M:%S UTC %Y", pg_gmtime(&seconds));
	return pstrdup(buf);
}

/*
 * ExpiredIteratorException for an iterator older than
 * dynamo.stream_iterator_seconds.  No capture of DynamoDB Streams' own
 * message was found; this is the wording of Kinesis' ExpiredIterator
 * message, whose service DynamoDB Streams shares its iterator model with,
 * with the streams' tolerated delay.
 */
void
stream_iterator_check_age(const StreamIterator *iterator)
{
	int64		now = stream_now_unix_ms();
	int64		lifetime_ms = (int64) dynamo_stream_iterator_seconds * 1000;

	if (now - iterator->issued_ms > lifetime_ms)
		dynamo_error(DYNAMO_EXC_EXPIRED_ITERATOR,
					 "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of " INT64_FORMAT " milliseconds.",
					 java_date_text(iterator->issued_ms), java_date_text(now), lifetime_ms);
}

/*
 * GetShardIterator: an iterator of one shard of a stream, for a
 * ShardIteratorType.  SequenceNumber goes with AT_SEQUENCE_NUMBER and
 * AFTER_SEQUENCE_NUMBER, and only with them.
 */
void
api_get_shard_iterator(const JsonNode *request, JsonWriter *response)
{
	const char *arn = request_string(request, "StreamArn", "streamArn", true);
	const char *shard_id = request_string(request, "ShardId", "shardId", true);
	const char *type = request_string(request, "ShardIteratorType", "shardIteratorType", true);
	const char *sequence = request_string(request, "SequenceNumber", "sequenceNumber", false);
	bool		by_sequence = (strcmp(type, "AT_SEQUENCE_NUMBER") == 0 ||
							   strcmp(type, "AFTER_SEQUENCE_NUMBER") == 0);
	StreamInfo *stream;
	StreamIterator iterator;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	bool		isnull;
	char	   *text;

	if (by_sequence && sequence == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Must specify SequenceNumber when ShardIteratorType is %s", type);
	if (!by_sequence && sequence != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Must not specify SequenceNumber when ShardIteratorType is %s", type);
	if (sequence != NULL && !stream_sequence_is_valid(sequence))
		dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid SequenceNumber: %s", sequence);

	SPI_connect();
	stream = stream_find_by_arn(arn);
	stream_find_shard(stream, shard_id);

	/* the position, and whether it is below what the shard still keeps */
	args[0] = CStringGetTextDatum(shard_id);
	args[1] = CStringGetTextDatum(type);
	args[2] = sequence ? CStringGetTextDatum(sequence) : (Datum) 0;
	nulls[2] = sequence ? ' ' : 'n';
	if (SPI_execute_with_args("SELECT p::text, p < h.trimmed_before FROM dynamo.stream_shards h,"
							  " LATERAL (SELECT CASE $2"
							  "  WHEN 'AT_SEQUENCE_NUMBER' THEN $3::numeric"
							  "  WHEN 'AFTER_SEQUENCE_NUMBER' THEN $3::numeric + 1"
							  "  ELSE greatest(h.starting_sequence_number, h.trimmed_before,"
							  "   (SELECT max(r.sequence_number) + 1 FROM dynamo.stream_records r"
							  "    WHERE r.shard_id = h.shard_id)) END AS p) position"
							  " WHERE h.shard_id = $1",
							  3, argtypes, args, nulls, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "GetShardIterator query failed");

	memset(&iterator, 0, sizeof(iterator));
	iterator.arn = stream->arn;
	iterator.shard_id = pstrdup(shard_id);
	iterator.issued_ms = stream_now_unix_ms();
	if (strcmp(type, "TRIM_HORIZON") == 0)
		iterator.trim_horizon = true;
	else
	{
		iterator.position = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)) && !isnull)
			stream_raise_trimmed();
	}
	text = stream_iterator_encode(&iterator);

	json_write_object_start(response);
	json_write_key(response, "ShardIterator");
	json_write_string(response, text);
	json_write_object_end(response);
	SPI_finish();
}
