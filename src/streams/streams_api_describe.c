/*-------------------------------------------------------------------------
 *
 * streams_api_describe.c
 *	  DescribeStream: a stream's description and its shards, a page at a
 *	  time.
 *
 * Shards are listed in the order of their IDs, which begin with their
 * creation time in milliseconds (zero-padded), so parents come before
 * their children.  A page holds at most Limit shards (1 to 100, 100 when
 * absent) after ExclusiveStartShardId, which need not exist (DynamoDB
 * then lists the shards that sort after it); LastEvaluatedShardId is
 * present when more shards follow.  ShardFilter {"Type": "CHILD_SHARDS",
 * "ShardId": id} lists only the children of the shard id.
 *
 * A shard's SequenceNumberRange has its EndingSequenceNumber once it is
 * closed; ParentShardId names the shard it followed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "api/api.h"
#include "errors.h"
#include "streams/streams_api.h"

#define DESCRIBE_STREAM_DEFAULT_LIMIT 100

/* the child shard filter of a request, or NULL */
static const char *
child_shard_filter(const JsonNode *request)
{
	const JsonNode *filter = json_member_present(request, "ShardFilter");
	const char *type;
	const char *shard_id;

	if (filter == NULL)
		return NULL;
	type = request_string(filter, "Type", "shardFilter.type", false);
	shard_id = request_string(filter, "ShardId", "shardFilter.shardId", false);
	if (type == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ShardFilter Type is required");
	if (shard_id == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION, "ShardFilter ShardId is required for type CHILD_SHARDS");
	return shard_id;
}

/* DescribeStream */
void
api_describe_stream(const JsonNode *request, JsonWriter *response)
{
	const char *arn = request_string(request, "StreamArn", "streamArn", true);
	const char *start_shard = request_string(request, "ExclusiveStartShardId", "exclusiveStartShardId", false);
	const JsonNode *limit_node = json_member_present(request, "Limit");
	int64		limit = limit_node ? request_integer(limit_node) : DESCRIBE_STREAM_DEFAULT_LIMIT;
	const char *parent_filter = child_shard_filter(request);
	StreamInfo *stream;
	Oid			argtypes[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID};
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	uint64		shown;
	uint64		i;

	SPI_connect();
	stream = stream_find_by_arn(arn);

	args[0] = CStringGetTextDatum(stream->table_name);
	args[1] = CStringGetTextDatum(stream->stream_label);
	args[2] = start_shard ? CStringGetTextDatum(start_shard) : (Datum) 0;
	nulls[2] = start_shard ? ' ' : 'n';
	args[3] = parent_filter ? CStringGetTextDatum(parent_filter) : (Datum) 0;
	nulls[3] = parent_filter ? ' ' : 'n';
	args[4] = Int32GetDatum((int32) limit + 1);
	if (SPI_execute_with_args("SELECT shard_id, parent_shard_id,"
							  " dynamo.stream_sequence_text(starting_sequence_number),"
							  " dynamo.stream_sequence_text(ending_sequence_number)"
							  " FROM dynamo.stream_shards"
							  " WHERE table_name = $1 AND stream_label = $2"
							  " AND ($3 IS NULL OR shard_id COLLATE \"C\" > $3)"
							  " AND ($4 IS NULL OR parent_shard_id = $4)"
							  " ORDER BY shard_id COLLATE \"C\" LIMIT $5",
							  5, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "DescribeStream query failed");

	json_write_object_start(response);
	json_write_key(response, "StreamDescription");
	json_write_object_start(response);
	json_write_key(response, "StreamArn");
	json_write_string(response, stream->arn);
	json_write_key(response, "StreamLabel");
	json_write_string(response, stream->stream_label);
	json_write_key(response, "StreamStatus");
	json_write_string(response, stream->status);
	json_write_key(response, "StreamViewType");
	json_write_string(response, stream->view_type);
	json_write_key(response, "CreationRequestDateTime");
	json_write_double(response, stream->creation_epoch);
	json_write_key(response, "TableName");
	json_write_string(response, stream->table_name);
	json_write_key(response, "KeySchema");
	json_write_raw(response, stream->key_schema);
	json_write_key(response, "Shards");
	json_write_array_start(response);
	shown = Min(SPI_processed, (uint64) limit);
	for (i = 0; i < shown; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *parent = SPI_getvalue(row, desc, 2);
		char	   *ending = SPI_getvalue(row, desc, 4);

		json_write_object_start(response);
		json_write_key(response, "ShardId");
		json_write_string(response, SPI_getvalue(row, desc, 1));
		json_write_key(response, "SequenceNumberRange");
		json_write_object_start(response);
		json_write_key(response, "StartingSequenceNumber");
		json_write_string(response, SPI_getvalue(row, desc, 3));
		if (ending != NULL)
		{
			json_write_key(response, "EndingSequenceNumber");
			json_write_string(response, ending);
		}
		json_write_object_end(response);
		if (parent != NULL)
		{
			json_write_key(response, "ParentShardId");
			json_write_string(response, parent);
		}
		json_write_object_end(response);
	}
	json_write_array_end(response);
	if (SPI_processed > (uint64) limit)
	{
		json_write_key(response, "LastEvaluatedShardId");
		json_write_string(response, SPI_getvalue(SPI_tuptable->vals[shown - 1], SPI_tuptable->tupdesc, 1));
	}
	json_write_object_end(response);
	json_write_object_end(response);
	SPI_finish();
}
