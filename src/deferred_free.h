/*-------------------------------------------------------------------------
 *
 * deferred_free.h
 *	  Freeing, at the end of the transaction, what an invalidation callback
 *	  drops from a backend cache (see deferred_free.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DEFERRED_FREE_H
#define DYNAMO_DEFERRED_FREE_H

typedef void (*DeferredFreeFunction) (void *object);

extern void free_at_transaction_end(DeferredFreeFunction free_function, void *object);

#endif							/* DYNAMO_DEFERRED_FREE_H */
