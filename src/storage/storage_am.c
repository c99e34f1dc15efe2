/*-------------------------------------------------------------------------
 *
 * storage_am.c
 *	  The "dynamo" table access method: heap, with DynamoDB's invariants
 *	  checked on every row written.
 *
 * WRAPPING HEAP
 *
 * The partitions of a DynamoDB table are ordinary heap relations in all but
 * name: heap gives them MVCC, TOAST, VACUUM, WAL, crash recovery, physical
 * and logical replication, and pg_basebackup / PITR, and none of that is
 * worth re-implementing.  So the routine this handler returns is a copy of
 * heap's TableAmRoutine (GetHeapamTableAmRoutine(), copied once into a
 * static struct on the first call) with a few callbacks replaced:
 *
 *	 tuple_insert, tuple_insert_speculative, multi_insert, tuple_update
 *		check every row with storage_check_row() (storage_check.c) and then
 *		call heap's callback.  These are the only ways a row enters a table
 *		through the table AM API: INSERT, INSERT ... ON CONFLICT, COPY,
 *		UPDATE (including an UPDATE that moves a row to another partition,
 *		which is a delete plus an insert), logical replication's apply, and
 *		ALTER TABLE rewrites.  CLUSTER and VACUUM FULL copy existing rows
 *		with heap's rewrite code, which never calls back here: those rows
 *		were checked when they were written.
 *
 *	 After heap has written, tuple_insert, tuple_complete_speculative (when
 *	 the insert succeeded), multi_insert, tuple_update and tuple_delete keep
 *	 the table's global secondary indexes in step (storage_indexes.c): the
 *	 old version of an updated or deleted row is read back by its TID, which
 *	 heap keeps until the transaction is long over.  A table without
 *	 secondary indexes pays one hash lookup for this.  (A Citus shard's rows
 *	 that logical replication applies, during a shard move, get no GSI
 *	 maintenance: their GSI shards are replicated with them.)
 *
 *	 index_build_range_scan, index_validate_scan
 *		call heap's callback with heap's own routine in rel->rd_tableam for
 *		the duration of the call (see THE TRAP below).
 *
 * Every other callback is heap's, so a relation USING dynamo has heap's
 * on-disk format: ALTER TABLE ... SET ACCESS METHOD heap (or back) is a
 * plain rewrite, and a relation can always be read by heap-only tools.
 *
 * THE TRAP
 *
 * Heap code assumes that a relation whose tuples it reads is heap: in
 * PG 15, heap_getnext() starts with
 *
 *		if (unlikely(sscan->rs_rd->rd_tableam != GetHeapamTableAmRoutine()))
 *			ereport(ERROR, ... errmsg_internal("only heap AM is supported"));
 *
 * Our routine is a copy, so its address differs from heap's even though its
 * callbacks are the same, and the check fails.  Most of heap's own
 * callbacks read through heap_getnextslot() and friends, which do not
 * check, but heapam_index_build_range_scan() and heapam_index_validate_scan()
 * loop over heap_getnext().  Without the swap below, CREATE INDEX fails, and
 * so does CREATE TABLE ... PARTITION OF ... USING dynamo whenever the parent
 * has an index (the partition gets a copy of it, built at once), and CREATE
 * INDEX CONCURRENTLY fails in its validation phase.  (The contrib module
 * pgstattuple makes the same check; pgrowlocks checks relam against heap's
 * OID.  Neither works on dynamo relations.)
 *
 * So the two index callbacks set rel->rd_tableam to heap's routine, call
 * heap's callback, and restore the relation's routine in PG_FINALLY, so that
 * an error (a unique violation found by the build, a cancel) leaves the
 * relcache entry as it was.  The swap is safe because heap's routine and
 * ours differ only in the write callbacks, which an index build never
 * calls.  Should the relcache entry be rebuilt during the build (an
 * invalidation processed mid-scan), the rebuilt entry points at our
 * routine again and the restore writes the same value back.
 *
 * TOAST
 *
 * heap's relation_toast_am returns the relation's own access method, so the
 * TOAST table of a dynamo relation is itself a dynamo relation.  That is
 * harmless: TOAST rows are written with heap_insert() directly and read with
 * heap's fetch-slice callback, and a TOAST table is not a partition of a
 * DynamoDB table, so storage_check_row() never checks its rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "storage/storage.h"

PG_FUNCTION_INFO_V1(dynamo_tableam_handler);

/* heap's routine, and ours: a copy of heap's with some callbacks replaced */
static const TableAmRoutine *heap_routine = NULL;
static TableAmRoutine dynamo_routine;

/* what index maintenance allocates for one write */
static MemoryContext MaintenanceContext = NULL;


/* ------------------------------------------------------------------------
 * Writes: check, then let heap write.
 * ------------------------------------------------------------------------
 */

/* the item of a row in a slot (detoasted into the current context) */
static DynamoValue
slot_item(TupleTableSlot *slot, AttrNumber item_attnum)
{
	bool		isnull;
	Datum		datum = slot_getattr(slot, item_attnum, &isnull);
	DynamoValue none = {NULL, 0};

	if (isnull)
		return none;
	return dynamo_value_from_varlena(PG_DETOAST_DATUM(datum));
}

/*
 * Keep the GSIs of rel's table in step with a row written (old_tid: the
 * version it replaced, or NULL; new_slot: the version written, or NULL).
 */
static void
maintain_indexes(Relation rel, ItemPointer old_tid, TupleTableSlot *new_slot)
{
	AttrNumber	item_attnum;
	int64		shard_id;
	const TableInfo *table = storage_indexed_table(rel, &item_attnum, &shard_id);
	MemoryContext context;
	MemoryContext caller_context;
	TupleTableSlot *old_slot = NULL;
	DynamoValue old_item = {NULL, 0};
	DynamoValue new_item = {NULL, 0};

	if (table == NULL)
		return;

	/*
	 * A Citus shard written by logical replication is being moved or split:
	 * its GSI shards are replicated with it (storage_shards.c).
	 */
	if (shard_id != 0 && SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return;

	/*
	 * One context for every write, emptied after each (an error empties it at
	 * the next write): a COPY of millions of rows keeps no garbage.
	 */
	if (MaintenanceContext == NULL)
		MaintenanceContext = AllocSetContextCreate(TopMemoryContext, "dynamo index maintenance",
												   ALLOCSET_DEFAULT_SIZES);
	context = MaintenanceContext;
	MemoryContextReset(context);
	caller_context = MemoryContextSwitchTo(context);
	if (old_tid != NULL)
	{
		old_slot = table_slot_create(rel, NULL);
		if (!heap_routine->tuple_fetch_row_version(rel, old_tid, SnapshotAny, old_slot))
			elog(ERROR, "the replaced version of a row of \"%s\" is gone", RelationGetRelationName(rel));
		old_item = slot_item(old_slot, item_attnum);
	}
	if (new_slot != NULL)
		new_item = slot_item(new_slot, item_attnum);
	storage_maintain_indexes(table, shard_id, old_item, new_item);
	if (old_slot != NULL)
		ExecDropSingleTupleTableSlot(old_slot);
	MemoryContextSwitchTo(caller_context);
	MemoryContextReset(context);
}

/* INSERT, and COPY when it cannot batch (e.g. with row triggers) */
static void
dynamo_tuple_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
					int options, struct BulkInsertStateData *bistate)
{
	storage_check_row(rel, slot);
	heap_routine->tuple_insert(rel, slot, cid, options, bistate);
	maintain_indexes(rel, NULL, slot);
}

/* INSERT ... ON CONFLICT */
static void
dynamo_tuple_insert_speculative(Relation rel, TupleTableSlot *slot,
								CommandId cid, int options,
								struct BulkInsertStateData *bistate,
								uint32 specToken)
{
	storage_check_row(rel, slot);
	heap_routine->tuple_insert_speculative(rel, slot, cid, options, bistate,
										   specToken);
}

/* INSERT ... ON CONFLICT: the speculative insert kept or undone */
static void
dynamo_tuple_complete_speculative(Relation rel, TupleTableSlot *slot,
								  uint32 specToken, bool succeeded)
{
	heap_routine->tuple_complete_speculative(rel, slot, specToken, succeeded);
	if (succeeded)
		maintain_indexes(rel, NULL, slot);
}

/* COPY FROM, in batches: every row is checked before any is written */
static void
dynamo_multi_insert(Relation rel, TupleTableSlot **slots, int nslots,
					CommandId cid, int options,
					struct BulkInsertStateData *bistate)
{
	int			i;

	for (i = 0; i < nslots; i++)
		storage_check_row(rel, slots[i]);
	heap_routine->multi_insert(rel, slots, nslots, cid, options, bistate);
	for (i = 0; i < nslots; i++)
		maintain_indexes(rel, NULL, slots[i]);
}

/*
 * The size of the item an UPDATE replaced, for the write that asked for it
 * (an unconditional PutItem is one INSERT ... ON CONFLICT DO UPDATE and
 * never reads the item it replaces, but is charged the larger of the two).
 */
static bool TrackReplaced = false;
static int64 ReplacedSize = 0;

/* Start (or stop) recording the size of the item the next UPDATE replaces. */
void
storage_track_replaced(bool track)
{
	TrackReplaced = track;
	ReplacedSize = 0;
}

/* the size of the item replaced since storage_track_replaced(true); 0: none */
int64
storage_replaced_size(void)
{
	return ReplacedSize;
}

static void
record_replaced_size(Relation rel, ItemPointer old_tid)
{
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	item_attnum = InvalidAttrNumber;
	TupleTableSlot *old_slot;
	int			i;

	for (i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped &&
			strcmp(NameStr(TupleDescAttr(desc, i)->attname), "item") == 0)
			item_attnum = i + 1;
	if (item_attnum == InvalidAttrNumber)
		return;
	old_slot = table_slot_create(rel, NULL);

	if (heap_routine->tuple_fetch_row_version(rel, old_tid, SnapshotAny, old_slot))
		ReplacedSize = dynamo_item_size(slot_item(old_slot, item_attnum));
	ExecDropSingleTupleTableSlot(old_slot);
}

/* UPDATE: the new version of the row */
static TM_Result
dynamo_tuple_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
					CommandId cid, Snapshot snapshot, Snapshot crosscheck,
					bool wait, TM_FailureData *tmfd, LockTupleMode *lockmode,
					bool *update_indexes)
{
	TM_Result	result;

	storage_check_row(rel, slot);
	result = heap_routine->tuple_update(rel, otid, slot, cid, snapshot,
										crosscheck, wait, tmfd, lockmode,
										update_indexes);
	if (result == TM_Ok)
	{
		if (TrackReplaced)
			record_replaced_size(rel, otid);
		maintain_indexes(rel, otid, slot);
	}
	return result;
}

/* DELETE (and the delete half of an UPDATE that moves a row) */
static TM_Result
dynamo_tuple_delete(Relation rel, ItemPointer tid, CommandId cid,
					Snapshot snapshot, Snapshot crosscheck, bool wait,
					TM_FailureData *tmfd, bool changingPart)
{
	TM_Result	result = heap_routine->tuple_delete(rel, tid, cid, snapshot,
													crosscheck, wait, tmfd,
													changingPart);

	if (result == TM_Ok)
		maintain_indexes(rel, tid, NULL);
	return result;
}


/* ------------------------------------------------------------------------
 * Index builds: heap's, run with heap's routine in rd_tableam.
 * ------------------------------------------------------------------------
 */

/* CREATE INDEX, REINDEX, and the first phase of CREATE INDEX CONCURRENTLY */
static double
dynamo_index_build_range_scan(Relation table_rel, Relation index_rel,
							  struct IndexInfo *index_info, bool allow_sync,
							  bool anyvisible, bool progress,
							  BlockNumber start_blockno, BlockNumber numblocks,
							  IndexBuildCallback callback,
							  void *callback_state, TableScanDesc scan)
{
	const TableAmRoutine *own_routine = table_rel->rd_tableam;
	double		tuples = 0;

	table_rel->rd_tableam = heap_routine;
	PG_TRY();
	{
		tuples = heap_routine->index_build_range_scan(table_rel, index_rel,
													  index_info, allow_sync,
													  anyvisible, progress,
													  start_blockno, numblocks,
													  callback, callback_state,
													  scan);
	}
	PG_FINALLY();
	{
		table_rel->rd_tableam = own_routine;
	}
	PG_END_TRY();
	return tuples;
}

/* the validation phase of CREATE INDEX CONCURRENTLY */
static void
dynamo_index_validate_scan(Relation table_rel, Relation index_rel,
						   struct IndexInfo *index_info, Snapshot snapshot,
						   struct ValidateIndexState *state)
{
	const TableAmRoutine *own_routine = table_rel->rd_tableam;

	table_rel->rd_tableam = heap_routine;
	PG_TRY();
	{
		heap_routine->index_validate_scan(table_rel, index_rel, index_info,
										  snapshot, state);
	}
	PG_FINALLY();
	{
		table_rel->rd_tableam = own_routine;
	}
	PG_END_TRY();
}


/* ------------------------------------------------------------------------
 * The handler.
 * ------------------------------------------------------------------------
 */

/*
 * dynamo.tableam_handler(internal): the routine of access method "dynamo".
 * Built once per backend; the relcache keeps pointers to it, so it is never
 * changed afterwards.
 */
Datum
dynamo_tableam_handler(PG_FUNCTION_ARGS)
{
	if (heap_routine == NULL)
	{
		const TableAmRoutine *heap = GetHeapamTableAmRoutine();

		dynamo_routine = *heap;

		/* writes */
		dynamo_routine.tuple_insert = dynamo_tuple_insert;
		dynamo_routine.tuple_insert_speculative = dynamo_tuple_insert_speculative;
		dynamo_routine.multi_insert = dynamo_multi_insert;
		dynamo_routine.tuple_update = dynamo_tuple_update;
		dynamo_routine.tuple_complete_speculative = dynamo_tuple_complete_speculative;
		dynamo_routine.tuple_delete = dynamo_tuple_delete;

		/* index builds */
		dynamo_routine.index_build_range_scan = dynamo_index_build_range_scan;
		dynamo_routine.index_validate_scan = dynamo_index_validate_scan;

		heap_routine = heap;
	}
	PG_RETURN_POINTER(&dynamo_routine);
}
