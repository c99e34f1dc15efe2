/*-------------------------------------------------------------------------
 *
 * streams.h
 *	  DynamoDB Streams on Postgres' WAL: the logical decoding output plugin
 *	  (streams_decode.c), the capture worker that stores change records in
 *	  commit order (streams_capture.c), and the streams of tables
 *	  (streams_spec.c: StreamSpecification of CreateTable and UpdateTable).
 *
 * The tables are in src/sql/76_streams.sql, whose header explains the
 * model.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_STREAMS_H
#define DYNAMO_STREAMS_H

#include "postgres.h"

#include "catalog/catalog.h"

#define STREAMS_DATA_SCHEMA		"dynamo_data"
#define STREAMS_SLOT_PREFIX		"dynamo_streams"	/* + _<database OID> */
#define STREAMS_TTL_ORIGIN		"dynamo_ttl"
#define STREAMS_NOTIFY_CHANNEL	"dynamo_streams"
#define STREAMS_CAPTURE_LOCK	INT64CONST(7567890123456789)	/* advisory lock key of a database's capture */

/* markers of the plugin's item fields in place of a length */
#define STREAMS_ITEM_ABSENT		0xFFFFFFFFu
#define STREAMS_ITEM_UNCHANGED	0xFFFFFFFEu

/* streams_spec.c */
extern void streams_apply_spec(const char *table_name, const StreamSpec *spec, bool creating);

/* streams_capture.c */
extern int	dynamo_stream_retention_hours;
extern void streams_define_settings(void);
extern void streams_register_worker(void);
extern void streams_start_capture(Oid database);

#endif							/* DYNAMO_STREAMS_H */
