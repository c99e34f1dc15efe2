/*-------------------------------------------------------------------------
 *
 * streams_api_records.c
 *	  GetRecords: the records of a shard from an iterator's position, and
 *	  the iterator of the records after them.
 *
 * A page holds at most Limit records (1 to 1000, 1000 when absent) and at
 * most 1 MB of record JSON (at least one record, as DynamoDB returns a
 * record that alone is larger).  NextShardIterator follows the last record
 * returned (or stays where it was when there was none); it is absent once
 * the shard is closed and every record of it has been returned, which
 * tells a reader to go on with the shard's children.
 *
 * A record is DynamoDB Streams' own JSON:
 *
 *	 {"eventID", "eventName", "eventVersion": "1.1", "eventSource":
 *	  "aws:dynamodb", "awsRegion", "dynamodb": {"ApproximateCreationDateTime"
 *	  (epoch seconds, rounded down), "Keys", "NewImage", "OldImage",
 *	  "SequenceNumber", "SizeBytes", "StreamViewType"}, "userIdentity"}
 *
 * with the images the stream's view type keeps, and userIdentity
 * {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"} on the
 * deletions of the TTL worker.  eventID is the MD5 of the shard and the
 * sequence number, so a record has the same ID every time it is read.
 * Images are written by the value model's JSON writer, so any string an
 * item holds comes back as stored.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "api/api.h"
#include "catalog/catalog.h"
#include "errors.h"
#include "streams/streams_api.h"

#define GET_RECORDS_DEFAULT_LIMIT 1000

/* columns of the records query */
enum
{
	COL_SEQUENCE = 1,
	COL_EVENT_NAME,
	COL_EVENT_ID,
	COL_CREATED,
	COL_KEYS,
	COL_NEW_IMAGE,
	COL_OLD_IMAGE,
	COL_SIZE_BYTES,
	COL_BY_SERVICE,
	COL_NEXT
};

/* an item column of the current row as DynamoDB JSON under key, unless NULL */
static void
write_item_column(JsonWriter *w, const char *key, HeapTuple row, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, col, &isnull);

	if (isnull)
		return;
	json_write_key(w, key);
	dynamo_append_item_json(json_write_begin_value(w),
							dynamo_value_from_varlena((struct varlena *) PG_DETOAST_DATUM(value)));
}

/* one record of the current row */
static void
write_record(JsonWriter *w, const StreamInfo *stream, HeapTuple row, TupleDesc desc)
{
	bool		isnull;
	bool		new_image = (strcmp(stream->view_type, "NEW_IMAGE") == 0 ||
							 strcmp(stream->view_type, "NEW_AND_OLD_IMAGES") == 0);
	bool		old_image = (strcmp(stream->view_type, "OLD_IMAGE") == 0 ||
							 strcmp(stream->view_type, "NEW_AND_OLD_IMAGES") == 0);

	json_write_object_start(w);
	json_write_key(w, "eventID");
	json_write_string(w, SPI_getvalue(row, desc, COL_EVENT_ID));
	json_write_key(w, "eventName");
	json_write_string(w, SPI_getvalue(row, desc, COL_EVENT_NAME));
	json_write_key(w, "eventVersion");
	json_write_string(w, "1.1");
	json_write_key(w, "eventSource");
	json_write_string(w, "aws:dynamodb");
	json_write_key(w, "awsRegion");
	json_write_string(w, dynamo_region);
	json_write_key(w, "dynamodb");
	json_write_object_start(w);
	json_write_key(w, "ApproximateCreationDateTime");
	json_write_int64(w, DatumGetInt64(SPI_getbinval(row, desc, COL_CREATED, &isnull)));
	write_item_column(w, "Keys", row, desc, COL_KEYS);
	if (new_image)
		write_item_column(w, "NewImage", row, desc, COL_NEW_IMAGE);
	if (old_image)
		write_item_column(w, "OldImage", row, desc, COL_OLD_IMAGE);
	json_write_key(w, "SequenceNumber");
	json_write_string(w, SPI_getvalue(row, desc, COL_SEQUENCE));
	json_write_key(w, "SizeBytes");
	json_write_int64(w, DatumGetInt32(SPI_getbinval(row, desc, COL_SIZE_BYTES, &isnull)));
	json_write_key(w, "StreamViewType");
	json_write_string(w, stream->view_type);
	json_write_object_end(w);
	if (DatumGetBool(SPI_getbinval(row, desc, COL_BY_SERVICE, &isnull)))
	{
		json_write_key(w, "userIdentity");
		json_write_object_start(w);
		json_write_key(w, "PrincipalId");
		json_write_string(w, "dynamodb.amazonaws.com");
		json_write_key(w, "Type");
		json_write_string(w, "Service");
		json_write_object_end(w);
	}
	json_write_object_end(w);
}

/* GetRecords */
void
api_get_records(const JsonNode *request, JsonWriter *response)
{
	const char *text = request_string(request, "ShardIterator", "shardIterator", true);
	const JsonNode *limit_node = json_member_present(request, "Limit");
	int64		limit = limit_node ? request_integer(limit_node) : GET_RECORDS_DEFAULT_LIMIT;
	StreamIterator iterator;
	StreamInfo *stream;
	StreamShard *shard;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, INT4OID};
	Datum		args[3];
	bool		isnull;
	char	   *position;
	char	   *next_position;
	bool		more;
	uint64		i;
	size_t		bytes = 0;

	stream_iterator_decode(text, &iterator);
	stream_iterator_check_age(&iterator);

	SPI_connect();
	stream = stream_find_by_arn(iterator.arn);
	shard = stream_find_shard(stream, iterator.shard_id);

	/* where the iterator points: TRIM_HORIZON is the oldest record kept */
	args[0] = CStringGetTextDatum(shard->shard_id);
	args[1] = iterator.trim_horizon ? (Datum) 0 : CStringGetTextDatum(iterator.position);
	if (SPI_execute_with_args("SELECT coalesce($2::numeric, greatest(starting_sequence_number, trimmed_before))::text,"
							  " $2::numeric < trimmed_before"
							  " FROM dynamo.stream_shards WHERE shard_id = $1",
							  2, argtypes, args, iterator.trim_horizon ? " n" : "  ", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "GetRecords shard query failed");
	position = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (!iterator.trim_horizon &&
		DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)))
		stream_raise_trimmed();

	args[1] = CStringGetTextDatum(position);
	args[2] = Int32GetDatum((int32) limit);
	if (SPI_execute_with_args("SELECT dynamo.stream_sequence_text(sequence_number), event_name,"
							  " md5(shard_id || '/' || sequence_number::text),"
							  " floor(extract(epoch FROM approximate_creation_time))::int8,"
							  " keys, new_image, old_image, size_bytes, by_service,"
							  " (sequence_number + 1)::text"
							  " FROM dynamo.stream_records"
							  " WHERE shard_id = $1 AND sequence_number >= $2::numeric"
							  " ORDER BY sequence_number LIMIT $3",
							  3, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "GetRecords query failed");

	next_position = position;
	json_write_object_start(response);
	json_write_key(response, "Records");
	json_write_array_start(response);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		int			before = response->out->len;

		write_record(response, stream, row, SPI_tuptable->tupdesc);
		bytes += response->out->len - before;
		if (i > 0 && bytes > STREAM_GET_RECORDS_MAX_BYTES)
		{
			/* over 1 MB: this record goes to the next page */
			response->out->len = before;
			response->out->data[before] = '\0';
			break;
		}
		next_position = SPI_getvalue(row, SPI_tuptable->tupdesc, COL_NEXT);
	}
	json_write_array_end(response);

	/* a closed shard read to its end has no next iterator */
	more = true;
	if (shard->ending_sequence_number != NULL)
	{
		args[1] = CStringGetTextDatum(next_position);
		if (SPI_execute_with_args("SELECT 1 FROM dynamo.stream_records"
								  " WHERE shard_id = $1 AND sequence_number >= $2::numeric LIMIT 1",
								  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "GetRecords query failed");
		more = (SPI_processed > 0);
	}
	if (more)
	{
		StreamIterator next = iterator;

		next.trim_horizon = false;
		next.position = next_position;
		next.issued_ms = stream_now_unix_ms();
		json_write_key(response, "NextShardIterator");
		json_write_string(response, stream_iterator_encode(&next));
	}
	json_write_object_end(response);
	SPI_finish();
}
