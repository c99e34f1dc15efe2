/*-------------------------------------------------------------------------
 *
 * ttl.h
 *	  Time to Live: UpdateTimeToLive and DescribeTimeToLive, the expiry
 *	  index, and the background worker that deletes expired items.
 *
 * A table's TTL setting is one row of dynamo.time_to_live
 * (src/sql/78_ttl.sql).  Enabling it builds a partial expression index on
 * dynamo.ttl_expiry(item, attribute) over the table's relation; the expiry
 * worker deletes, partition by partition and in small transactions, the
 * items whose expiry time has passed (and is not more than five years
 * past, as DynamoDB ignores such values), through the table's one write
 * path, without metering capacity.  Its session carries the replication
 * origin "dynamo_ttl", by which the streams capture tells TTL deletions
 * apart.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_TTL_H
#define DYNAMO_TTL_H

#include "postgres.h"

#include "value/json_node.h"

/* the replication origin of the expiry worker's transactions */
#define DYNAMO_TTL_ORIGIN "dynamo_ttl"

/* ttl_api.c: the two actions */
extern void api_update_time_to_live(const JsonNode *request, JsonWriter *response);
extern void api_describe_time_to_live(const JsonNode *request, JsonWriter *response);

/* ttl_expire.c: finding and deleting expired items */
extern char *ttl_index_definition(const char *index_name, const char *table_relation,
								  const char *attribute);
extern uint64 ttl_delete_expired_batch(Oid partition, const char *attribute, int batch_size);

/* ttl_worker.c: settings and the worker */
extern int	dynamo_ttl_interval_ms;
extern int	dynamo_ttl_batch_size;
extern int	dynamo_ttl_transition_ms;
extern int	dynamo_ttl_change_interval_s;
extern void ttl_init(void);
extern void ttl_start_worker(void);

#define TTL_WORKER_LOCK		INT64CONST(7567890123456790)	/* advisory lock key of a database's expiry worker */

#endif							/* DYNAMO_TTL_H */
