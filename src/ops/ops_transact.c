/*-------------------------------------------------------------------------
 *
 * ops_transact.c
 *	  TransactWriteItems and TransactGetItems on Postgres transactions.
 *
 * All the actions of a transaction run in the caller's transaction, each in
 * a subtransaction of its own, so that one that fails (its condition does
 * not hold, its data breaks a rule, its item is held by another writer) is
 * undone alone and the others still run: DynamoDB reports a reason for
 * every action.  When any action failed, the caller cancels the whole
 * transaction (TransactionCanceledException, an ERROR that undoes every
 * action); else everything commits with the caller.
 *
 * Every write reads its item FOR UPDATE first (ops_item.c) and a Get locks
 * its row FOR SHARE NOWAIT, so the items of a transaction are locked until
 * it ends (two-phase locking): its reads are one consistent state, and no
 * other writer changes its items in between.  Waiting for another
 * transaction's item is bounded by lock_timeout, which this sets to
 * dynamo.transaction_lock_timeout for the actions when the session has
 * none; a lock not granted in time, or a deadlock Postgres breaks, is the
 * action's TransactionConflict.  An action whose key does not fit its
 * table (TransactAction.invalid) is not run: its reason is ValidationError.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "errors.h"
#include "ops/ops.h"

int			dynamo_transaction_lock_timeout = 1000;

/* Define the settings of transactions (from _PG_init). */
void
ops_define_settings(void)
{
	DefineCustomIntVariable("dynamo.transaction_lock_timeout",
							"Longest wait of a transaction's action for an item another transaction holds.",
							"Used when the session's lock_timeout is 0; then the action's reason is TransactionConflict.",
							&dynamo_transaction_lock_timeout, 1000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
}

/* the table an action writes or checks */
const TableInfo *
ops_transact_table(const TransactAction *action)
{
	switch (action->kind)
	{
		case TRANSACT_PUT:
			return action->put.table;
		case TRANSACT_UPDATE:
			return action->update.table;
		default:
			return action->delete.table;
	}
}

/* the key of the item an action writes or checks */
const ItemKey *
ops_transact_key(const TransactAction *action)
{
	switch (action->kind)
	{
		case TRANSACT_PUT:
			return &action->put.key;
		case TRANSACT_UPDATE:
			return &action->update.key;
		default:
			return &action->delete.key;
	}
}

/*
 * The reason of an action's error, or false when the error is not one that
 * cancels a transaction (it is raised as it is).
 */
static bool
reason_of(ErrorData *error, TransactReason *reason)
{
	if (error->sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_CONDITIONAL_CHECK))
	{
		reason->code = "ConditionalCheckFailed";
		reason->message = pstrdup("The conditional request failed");
		reason->item_json = error->detail ? pstrdup(error->detail) : NULL;
	}
	else if (error->sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_VALIDATION))
	{
		reason->code = "ValidationError";
		reason->message = pstrdup(error->message);
	}
	else if (error->sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_ITEM_COLLECTION_SIZE))
	{
		reason->code = "ItemCollectionSizeLimitExceeded";
		reason->message = pstrdup(error->message);
	}
	else if (dynamo_errcode_is_throttling(error->sqlerrcode))
	{
		/* throttled (src/capacity/capacity_throttle.c): provisioned, or on-demand scaling */
		reason->code = (error->sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_THROUGHPUT_EXCEEDED) &&
						strncmp(error->message, "The level of configured", 23) == 0) ?
			"ProvisionedThroughputExceeded" : "ThrottlingError";
		reason->message = pstrdup(error->message);
	}
	else if (dynamo_errcode_is_item_held(error->sqlerrcode))
	{
		reason->code = "TransactionConflict";
		reason->message = pstrdup("Transaction is ongoing for the item");
	}
	else
		return false;
	return true;
}

/* set lock_timeout for the actions, unless the session bounds waits already */
static int
bound_lock_waits(bool distributed)
{
	int			nest_level = NewGUCNestLevel();
	const char *current = GetConfigOption("lock_timeout", false, false);

	if (current != NULL && strcmp(current, "0") == 0 && dynamo_transaction_lock_timeout > 0)
		(void) set_config_option("lock_timeout", psprintf("%d", dynamo_transaction_lock_timeout),
								 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	/*
	 * The workers of a distributed table get the bound here, before the
	 * actions' subtransactions: Citus forgets a SET LOCAL made in a
	 * subtransaction when it ends, for the workers it reaches later.
	 */
	if (distributed)
		storage_bound_remote_lock_waits();
	return nest_level;
}

/*
 * Run one action (write == NULL: a Get) in a subtransaction; false, with
 * the reason filled, when it failed in a way that cancels a transaction.
 */
static bool
run_in_subtransaction(TransactAction *write, GetItemSpec *get, WriteResult *result,
					  struct varlena **item, int64 *size, TransactReason *reason)
{
	MemoryContext caller_context = CurrentMemoryContext;
	ResourceOwner caller_owner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller_context);
	PG_TRY();
	{
		if (get != NULL)
			*item = ops_get_item_locked(get, size);
		else
			switch (write->kind)
			{
				case TRANSACT_PUT:
					ops_put_item(&write->put, result);
					break;
				case TRANSACT_UPDATE:
					ops_update_item(&write->update, result);
					break;
				case TRANSACT_DELETE:
					ops_delete_item(&write->delete, result);
					break;
				default:
					ops_check_condition(&write->delete, result);
					break;
			}
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_context);
		CurrentResourceOwner = caller_owner;
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(caller_context);
		error = CopyErrorData();
		FlushErrorState();
		dynamo_error_resolve_cancel(error);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_context);
		CurrentResourceOwner = caller_owner;
		if (!reason_of(error, reason))
			ReThrowError(error);
		FreeErrorData(error);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/*
 * TransactWriteItems: every action, in order; false when any failed (the
 * caller cancels the transaction with reasons).
 */
bool
ops_transact_write(TransactAction *actions, int count, WriteResult *results, TransactReason *reasons)
{
	bool		distributed = false;
	bool		all_ok = true;
	int			nest_level;
	int			i;

	for (i = 0; i < count; i++)
	{
		const TransactAction *a = &actions[i];
		const TableInfo *table = a->kind == TRANSACT_PUT ? a->put.table :
			a->kind == TRANSACT_UPDATE ? a->update.table : a->delete.table;

		distributed |= (table != NULL && table->distributed);
	}
	nest_level = bound_lock_waits(distributed);

	for (i = 0; i < count; i++)
	{
		memset(&reasons[i], 0, sizeof(TransactReason));
		memset(&results[i], 0, sizeof(WriteResult));
		results[i].collection_size = -1;
		if (actions[i].invalid != NULL)
		{
			reasons[i].code = "ValidationError";
			reasons[i].message = pstrdup(actions[i].invalid);
			all_ok = false;
		}
		else if (!run_in_subtransaction(&actions[i], NULL, &results[i], NULL, NULL, &reasons[i]))
			all_ok = false;
	}
	AtEOXact_GUC(true, nest_level);
	return all_ok;
}

/*
 * TransactGetItems: every Get, in order, each row share-locked; false when
 * any failed (the caller cancels the transaction with reasons).
 */
bool
ops_transact_get(GetItemSpec *gets, const char **invalid, int count, struct varlena **items,
				 int64 *sizes, TransactReason *reasons)
{
	bool		all_ok = true;
	int			i;

	for (i = 0; i < count; i++)
	{
		memset(&reasons[i], 0, sizeof(TransactReason));
		items[i] = NULL;
		sizes[i] = 0;
		if (invalid[i] != NULL)
		{
			reasons[i].code = "ValidationError";
			reasons[i].message = pstrdup(invalid[i]);
			all_ok = false;
		}
		else if (!run_in_subtransaction(NULL, &gets[i], NULL, &items[i], &sizes[i], &reasons[i]))
			all_ok = false;
	}
	return all_ok;
}
