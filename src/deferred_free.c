/*-------------------------------------------------------------------------
 *
 * deferred_free.c
 *	  Freeing, at the end of the transaction, what an invalidation callback
 *	  drops from a backend cache.
 *
 * Relcache invalidations are processed whenever a lock is taken, so a cache
 * callback can run in the middle of a statement that still uses the entry
 * it drops (a kept plan being executed, a table's metadata being read).
 * The callback therefore only forgets the entry and hands the object here;
 * it is freed when the transaction commits or aborts, when no operation
 * holds it any more.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "nodes/pg_list.h"
#include "utils/memutils.h"

#include "deferred_free.h"

typedef struct DeferredFree
{
	DeferredFreeFunction free_function;
	void	   *object;
} DeferredFree;

static List *pending = NIL;
static bool callback_registered = false;

static void
free_pending(XactEvent event, void *arg)
{
	List	   *now = pending;
	ListCell   *cell;

	if (pending == NIL ||
		(event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT && event != XACT_EVENT_PREPARE))
		return;
	pending = NIL;
	foreach(cell, now)
	{
		DeferredFree *entry = lfirst(cell);

		entry->free_function(entry->object);
		pfree(entry);
	}
	list_free(now);
}

/* Free object with free_function when the current transaction ends. */
void
free_at_transaction_end(DeferredFreeFunction free_function, void *object)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	DeferredFree *entry = palloc(sizeof(DeferredFree));

	if (!callback_registered)
	{
		RegisterXactCallback(free_pending, NULL);
		callback_registered = true;
	}
	entry->free_function = free_function;
	entry->object = object;
	pending = lappend(pending, entry);
	MemoryContextSwitchTo(old);
}
