/*-------------------------------------------------------------------------
 *
 * streams_api_catalog.c
 *	  What the Streams actions share: stream ARNs, the lookups of a stream
 *	  and a shard in the catalog, sequence numbers on the wire, and the
 *	  errors DynamoDB Streams answers for them.
 *
 * A stream's ARN is arn:aws:dynamodb:<region>:<account>:table/<table>/
 * stream/<label> (dynamo.stream_arn).  An ARN that does not have that
 * shape is DynamoDB's ValidationException "Invalid StreamArn"; one of
 * another region or account, or of a stream that does not exist, is
 * ResourceNotFoundException, "Requested resource not found: Stream: <arn>
 * not found" (the wording of DynamoDB's answers quoted by client tests).
 *
 * Every function here runs with SPI connected by its caller.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "catalog/catalog.h"
#include "errors.h"
#include "streams/streams_api.h"

#define ARN_PREFIX "arn:aws:dynamodb:"

/* the text of column col of row 0 of the last SPI result, or NULL */
static char *
result_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/*
 * Split a stream ARN into its table name and stream label; false when it
 * is not a stream ARN of this region and account (or not one at all:
 * *table_name is then NULL).
 */
bool
stream_arn_parse(const char *arn, char **table_name, char **stream_label)
{
	const char *p = arn;
	const char *table;
	const char *stream;
	const char *c;
	char	   *prefix;
	bool		ours;

	*table_name = NULL;
	*stream_label = NULL;
	if (strncmp(p, ARN_PREFIX, strlen(ARN_PREFIX)) != 0)
		return false;
	table = strstr(p, ":table/");
	if (table == NULL)
		return false;
	stream = strstr(table + 7, "/stream/");
	if (stream == NULL || stream == table + 7 || stream[8] == '\0' || strchr(stream + 8, '/') != NULL)
		return false;
	for (c = table + 7; c < stream; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			  *c == '_' || *c == '.' || *c == '-'))
			return false;
	if (stream - (table + 7) < 3 || stream - (table + 7) > DYNAMO_TABLE_NAME_MAX)
		return false;
	*table_name = pnstrdup(table + 7, stream - (table + 7));
	*stream_label = pstrdup(stream + 8);
	prefix = psprintf(ARN_PREFIX "%s:%s", dynamo_region, dynamo_account_id);
	ours = (table - arn == (int) strlen(prefix) && strncmp(arn, prefix, table - arn) == 0);
	return ours;
}

/*
 * The stream an ARN names: ValidationException for what is not a stream
 * ARN, ResourceNotFoundException for a stream that does not exist.
 */
StreamInfo *
stream_find_by_arn(const char *arn)
{
	char	   *table_name;
	char	   *stream_label;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	StreamInfo *stream;

	if (!stream_arn_parse(arn, &table_name, &stream_label))
	{
		if (table_name == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid StreamArn");
		stream_raise_not_found(arn);
	}
	args[0] = CStringGetTextDatum(table_name);
	args[1] = CStringGetTextDatum(stream_label);
	if (SPI_execute_with_args("SELECT s.view_type, s.status, s.key_schema::text,"
							  " extract(epoch FROM s.creation_time)::float8::text,"
							  " dynamo.stream_arn(s.table_name, s.stream_label)"
							  " FROM dynamo.streams s WHERE s.table_name = $1 AND s.stream_label = $2",
							  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "stream lookup failed");
	if (SPI_processed == 0)
		stream_raise_not_found(arn);
	stream = palloc0(sizeof(StreamInfo));
	stream->table_name = table_name;
	stream->stream_label = stream_label;
	stream->view_type = result_text(0, 1);
	stream->status = result_text(0, 2);
	stream->key_schema = result_text(0, 3);
	stream->creation_epoch = strtod(result_text(0, 4), NULL);
	stream->arn = result_text(0, 5);
	return stream;
}

/* a shard of a stream, or ResourceNotFoundException */
StreamShard *
stream_find_shard(const StreamInfo *stream, const char *shard_id)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		args[3];
	StreamShard *shard;

	args[0] = CStringGetTextDatum(shard_id);
	args[1] = CStringGetTextDatum(stream->table_name);
	args[2] = CStringGetTextDatum(stream->stream_label);
	if (SPI_execute_with_args("SELECT parent_shard_id, starting_sequence_number::text,"
							  " ending_sequence_number::text, trimmed_before::text"
							  " FROM dynamo.stream_shards"
							  " WHERE shard_id = $1 AND table_name = $2 AND stream_label = $3",
							  3, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "shard lookup failed");
	if (SPI_processed == 0)
		stream_raise_shard_not_found();
	shard = palloc0(sizeof(StreamShard));
	shard->shard_id = pstrdup(shard_id);
	shard->parent_shard_id = result_text(0, 1);
	shard->starting_sequence_number = result_text(0, 2);
	shard->ending_sequence_number = result_text(0, 3);
	shard->trimmed_before = result_text(0, 4);
	return shard;
}

/* DynamoDB Streams' ResourceNotFoundException for a stream */
void
stream_raise_not_found(const char *arn)
{
	dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND, "Requested resource not found: Stream: %s not found", arn);
}

/* DynamoDB Streams' ResourceNotFoundException for a shard */
void
stream_raise_shard_not_found(void)
{
	dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND, "Requested resource not found: Shard does not exist");
}

/* TrimmedDataAccessException: a position below what the shard still keeps */
void
stream_raise_trimmed(void)
{
	dynamo_error(DYNAMO_EXC_TRIMMED_DATA_ACCESS, "The data you are trying to access has been trimmed");
}

/* whether text is a sequence number: decimal digits only */
bool
stream_sequence_is_valid(const char *text)
{
	const char *c;

	if (*text == '\0')
		return false;
	for (c = text; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

/* a sequence number as the wire shows it: decimal, zero-padded to 21 digits */
char *
stream_sequence_text(const char *decimal)
{
	int			len = strlen(decimal);
	char	   *out;

	if (len >= STREAM_SEQUENCE_DIGITS)
		return pstrdup(decimal);
	out = palloc(STREAM_SEQUENCE_DIGITS + 1);
	memset(out, '0', STREAM_SEQUENCE_DIGITS - len);
	memcpy(out + STREAM_SEQUENCE_DIGITS - len, decimal, len + 1);
	return out;
}
