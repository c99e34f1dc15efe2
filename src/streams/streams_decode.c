/*-------------------------------------------------------------------------
 *
 * streams_decode.c
 *	  The logical decoding output plugin "dynamo": the item-level changes of
 *	  dynamo tables, decoded from the WAL in commit order.
 *
 * A slot created with pg_create_logical_replication_slot(name, 'dynamo')
 * loads this library and calls _PG_output_plugin_init.  For every change
 * of a partition of a table in dynamo_data (a relation with the columns pk,
 * sk, item; the GSI relations have more and are skipped) it writes one
 * binary message, in the byte order of this machine (the capture worker
 * reads it on the same server):
 *
 *	  'C'  uint64 commit LSN  uint32 place in the transaction
 *		   int64 commit time (TimestampTz)  uint8 by service (the transaction's
 *		   replication origin is dynamo_ttl's: a TTL deletion)
 *		   uint8 action ('I', 'U', 'D')
 *		   uint32 length + relation name of the partition
 *		   old item, new item: uint32 length + bytes, ABSENT when there is
 *		   none, UNCHANGED for an update's new item stored unchanged (a
 *		   TOAST pointer decoding cannot follow: the new item is the old)
 *		   pk, sk: the row's key columns (of the new row, or of the old one
 *		   for a delete), the same way (sk ABSENT when the table has none)
 *
 * and at each commit of a transaction that had such changes:
 *
 *	  'E'  uint64 end LSN of the commit record
 *
 * which the capture worker advances the slot to once it has stored them.
 * The old item is there because the capture sets REPLICA IDENTITY FULL on
 * a table's partitions when its stream is enabled.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/namespace.h"
#include "replication/logical.h"
#include "replication/origin.h"
#include "replication/output_plugin.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "streams/streams.h"

extern PGDLLEXPORT void _PG_output_plugin_init(OutputPluginCallbacks *cb);

typedef struct DecodeState
{
	Oid			namespace;		/* dynamo_data, looked up at startup */
	RepOriginId ttl_origin;		/* dynamo_ttl's origin, or InvalidRepOriginId */
	uint32		position;		/* of the next change in the transaction */
	bool		wrote;			/* the transaction had a change: write its end */
} DecodeState;

static void
decode_startup(LogicalDecodingContext *ctx, OutputPluginOptions *options, bool is_init)
{
	DecodeState *state = MemoryContextAllocZero(ctx->context, sizeof(DecodeState));

	options->output_type = OUTPUT_PLUGIN_BINARY_OUTPUT;
	options->receive_rewrites = false;
	state->namespace = InvalidOid;
	state->ttl_origin = InvalidRepOriginId;
	ctx->output_plugin_private = state;
}

static void
decode_shutdown(LogicalDecodingContext *ctx)
{
}

static void
decode_begin(LogicalDecodingContext *ctx, ReorderBufferTXN *txn)
{
	DecodeState *state = ctx->output_plugin_private;

	state->position = 0;
	state->wrote = false;
	/* the catalog is readable here (a historic snapshot) */
	if (!OidIsValid(state->namespace))
		state->namespace = get_namespace_oid(STREAMS_DATA_SCHEMA, true);
	if (state->ttl_origin == InvalidRepOriginId)
		state->ttl_origin = replorigin_by_name(STREAMS_TTL_ORIGIN, true);
}

static void
decode_commit(LogicalDecodingContext *ctx, ReorderBufferTXN *txn, XLogRecPtr commit_lsn)
{
	DecodeState *state = ctx->output_plugin_private;
	uint64		end = (uint64) txn->end_lsn;

	if (!state->wrote)
		return;
	OutputPluginPrepareWrite(ctx, true);
	appendStringInfoChar(ctx->out, 'E');
	appendBinaryStringInfo(ctx->out, (char *) &end, sizeof(end));
	OutputPluginWrite(ctx, true);
}

/* whether a relation is a partition of a dynamo table: in dynamo_data, columns pk, sk, item */
static bool
is_table_partition(DecodeState *state, Relation relation)
{
	TupleDesc	desc = RelationGetDescr(relation);

	if (!OidIsValid(state->namespace) || RelationGetNamespace(relation) != state->namespace)
		return false;
	if (desc->natts != 3)
		return false;
	return strcmp(NameStr(TupleDescAttr(desc, 0)->attname), "pk") == 0 &&
		strcmp(NameStr(TupleDescAttr(desc, 1)->attname), "sk") == 0 &&
		strcmp(NameStr(TupleDescAttr(desc, 2)->attname), "item") == 0;
}

/* write column attnum of a decoded tuple (or ABSENT / UNCHANGED) */
static void
write_column(StringInfo out, ReorderBufferTupleBuf *tuple, TupleDesc desc, int attnum)
{
	uint32		marker;
	Datum		datum;
	bool		isnull;
	struct varlena *item;
	uint32		len;

	if (tuple == NULL)
	{
		marker = STREAMS_ITEM_ABSENT;
		appendBinaryStringInfo(out, (char *) &marker, sizeof(marker));
		return;
	}
	datum = heap_getattr(&tuple->tuple, attnum, desc, &isnull);
	if (isnull)
	{
		marker = STREAMS_ITEM_ABSENT;
		appendBinaryStringInfo(out, (char *) &marker, sizeof(marker));
		return;
	}
	item = (struct varlena *) DatumGetPointer(datum);
	if (VARATT_IS_EXTERNAL_ONDISK(item))
	{
		marker = STREAMS_ITEM_UNCHANGED;
		appendBinaryStringInfo(out, (char *) &marker, sizeof(marker));
		return;
	}
	item = detoast_attr(item);
	len = VARSIZE_ANY_EXHDR(item);
	appendBinaryStringInfo(out, (char *) &len, sizeof(len));
	appendBinaryStringInfo(out, VARDATA_ANY(item), len);
}

static void
decode_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn, Relation relation,
			  ReorderBufferChange *change)
{
	DecodeState *state = ctx->output_plugin_private;
	TupleDesc	desc = RelationGetDescr(relation);
	ReorderBufferTupleBuf *old_tuple = NULL;
	ReorderBufferTupleBuf *new_tuple = NULL;
	char		action;
	uint64		commit_lsn = (uint64) txn->final_lsn;
	int64		commit_time = (int64) txn->xact_time.commit_time;
	uint8		by_service;
	uint8		action_byte;
	const char *name;
	uint32		len;

	switch (change->action)
	{
		case REORDER_BUFFER_CHANGE_INSERT:
			action = 'I';
			new_tuple = change->data.tp.newtuple;
			break;
		case REORDER_BUFFER_CHANGE_UPDATE:
			action = 'U';
			old_tuple = change->data.tp.oldtuple;
			new_tuple = change->data.tp.newtuple;
			break;
		case REORDER_BUFFER_CHANGE_DELETE:
			action = 'D';
			old_tuple = change->data.tp.oldtuple;
			break;
		default:
			return;
	}
	if (!is_table_partition(state, relation))
		return;

	by_service = (state->ttl_origin != InvalidRepOriginId && txn->origin_id == state->ttl_origin);
	action_byte = (uint8) action;
	name = RelationGetRelationName(relation);
	len = strlen(name);

	OutputPluginPrepareWrite(ctx, true);
	appendStringInfoChar(ctx->out, 'C');
	appendBinaryStringInfo(ctx->out, (char *) &commit_lsn, sizeof(commit_lsn));
	appendBinaryStringInfo(ctx->out, (char *) &state->position, sizeof(state->position));
	appendBinaryStringInfo(ctx->out, (char *) &commit_time, sizeof(commit_time));
	appendBinaryStringInfo(ctx->out, (char *) &by_service, sizeof(by_service));
	appendBinaryStringInfo(ctx->out, (char *) &action_byte, sizeof(action_byte));
	appendBinaryStringInfo(ctx->out, (char *) &len, sizeof(len));
	appendBinaryStringInfo(ctx->out, name, len);
	write_column(ctx->out, old_tuple, desc, 3);
	write_column(ctx->out, new_tuple, desc, 3);
	write_column(ctx->out, new_tuple ? new_tuple : old_tuple, desc, 1);
	write_column(ctx->out, new_tuple ? new_tuple : old_tuple, desc, 2);
	OutputPluginWrite(ctx, true);
	state->position++;
	state->wrote = true;
}

/* Register the callbacks of the "dynamo" output plugin. */
void
_PG_output_plugin_init(OutputPluginCallbacks *cb)
{
	cb->startup_cb = decode_startup;
	cb->begin_cb = decode_begin;
	cb->change_cb = decode_change;
	cb->commit_cb = decode_commit;
	cb->shutdown_cb = decode_shutdown;
}
