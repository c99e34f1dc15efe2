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
#include "fmgr.h"
#include "utils/rel.h"

#include "storage/storage.h"

PG_FUNCTION_INFO_V1(dynamo_tableam_handler);

/* heap's routine, and ours: a copy of heap's with some callbacks replaced */
static const TableAmRoutine *heap_routine = NULL;
static TableAmRoutine dynamo_routine;


/* ------------------------------------------------------------------------
 * Writes: check, then let heap write.
 * ------------------------------------------------------------------------
 */

/* INSERT, and COPY when it cannot batch (e.g. with row triggers) */
static void
dynamo_tuple_insert(Relation rel, TupleTableSlot *slot, CommandId cid,
					int options, struct BulkInsertStateData *bistate)
{
	storage_check_row(rel, slot);
	heap_routine->tuple_insert(rel, slot, cid, options, bistate);
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
}

/* UPDATE: the new version of the row */
static TM_Result
dynamo_tuple_update(Relation rel, ItemPointer otid, TupleTableSlot *slot,
					CommandId cid, Snapshot snapshot, Snapshot crosscheck,
					bool wait, TM_FailureData *tmfd, LockTupleMode *lockmode,
					bool *update_indexes)
{
	storage_check_row(rel, slot);
	return heap_routine->tuple_update(rel, otid, slot, cid, snapshot,
									  crosscheck, wait, tmfd, lockmode,
									  update_indexes);
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

		/* index builds */
		dynamo_routine.index_build_range_scan = dynamo_index_build_range_scan;
		dynamo_routine.index_validate_scan = dynamo_index_validate_scan;

		heap_routine = heap;
	}
	PG_RETURN_POINTER(&dynamo_routine);
}
