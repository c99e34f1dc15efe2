/*-------------------------------------------------------------------------
 *
 * streams_api.h
 *	  The DynamoDB Streams API: ListStreams, DescribeStream,
 *	  GetShardIterator and GetRecords over the streams catalog
 *	  (src/sql/76_streams.sql), for dynamo.execute and the wire endpoint
 *	  (X-Amz-Target: DynamoDBStreams_20120810.<Action>).
 *
 * The actions only read dynamo.streams, dynamo.stream_shards and
 * dynamo.stream_records, through SPI; the capture worker writes them.  A
 * response is written into the caller's buffer while SPI is connected
 * (repalloc keeps the buffer in its own context).
 *
 * Sequence numbers are numerics in the catalog and decimal strings of at
 * least STREAM_SEQUENCE_DIGITS digits on the wire (zero-padded), since the
 * service model wants 21 to 40 characters and clients send them back.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_STREAMS_API_H
#define DYNAMO_STREAMS_API_H

#include "postgres.h"

#include "value/json_node.h"

#define STREAM_SEQUENCE_DIGITS		21
#define STREAM_GET_RECORDS_MAX_BYTES (1024 * 1024)

/* a stream of dynamo.streams */
typedef struct StreamInfo
{
	char	   *table_name;
	char	   *stream_label;
	char	   *arn;
	char	   *view_type;		/* KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES */
	char	   *status;
	char	   *key_schema;		/* the KeySchema as JSON text */
	double		creation_epoch; /* CreationRequestDateTime, epoch seconds */
} StreamInfo;

/* a shard of dynamo.stream_shards */
typedef struct StreamShard
{
	char	   *shard_id;
	char	   *parent_shard_id;	/* NULL: none */
	char	   *starting_sequence_number;	/* decimal text */
	char	   *ending_sequence_number; /* NULL: open */
	char	   *trimmed_before; /* decimal text */
} StreamShard;

/* streams_api_catalog.c: ARNs, lookups, shared errors (SPI connected) */
extern bool stream_arn_parse(const char *arn, char **table_name, char **stream_label);
extern StreamInfo *stream_find_by_arn(const char *arn);
extern StreamShard *stream_find_shard(const StreamInfo *stream, const char *shard_id);
extern void stream_raise_not_found(const char *arn) pg_attribute_noreturn();
extern void stream_raise_shard_not_found(void) pg_attribute_noreturn();
extern void stream_raise_trimmed(void) pg_attribute_noreturn();
extern bool stream_sequence_is_valid(const char *text);
extern char *stream_sequence_text(const char *decimal);

/* streams_api_iterator.c: the opaque shard iterator */
typedef struct StreamIterator
{
	char	   *arn;			/* the stream */
	char	   *shard_id;
	bool		trim_horizon;	/* at the oldest record still kept */
	char	   *position;		/* else: the first sequence number it may return */
	int64		issued_ms;		/* when it was handed out (Unix ms) */
} StreamIterator;

extern char *stream_iterator_encode(const StreamIterator *iterator);
extern void stream_iterator_decode(const char *text, StreamIterator *iterator);
extern void stream_iterator_check_age(const StreamIterator *iterator);
extern int64 stream_now_unix_ms(void);
extern int	dynamo_stream_iterator_seconds;
extern void streams_api_define_settings(void);

/* the actions (streams_api_list.c, _describe.c, _iterator.c, _records.c) */
extern void api_list_streams(const JsonNode *request, JsonWriter *response);
extern void api_describe_stream(const JsonNode *request, JsonWriter *response);
extern void api_get_shard_iterator(const JsonNode *request, JsonWriter *response);
extern void api_get_records(const JsonNode *request, JsonWriter *response);

#endif							/* DYNAMO_STREAMS_API_H */
