/*-------------------------------------------------------------------------
 *
 * ops.h
 *	  The DynamoDB data-plane operations on validated specs: PutItem,
 *	  GetItem, UpdateItem, DeleteItem.
 *
 * WRITES
 *
 * A write reads the item's row with FOR UPDATE (waiting for a concurrent
 * writer and seeing its committed version), evaluates the condition
 * against it, and then replaces, inserts or deletes.  An insert that finds
 * the key taken (a concurrent insert won) starts over, now able to lock the
 * row; so a condition is always checked against the latest committed
 * version under a row lock, and concurrent conditional writers never lose
 * an update.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_OPS_H
#define DYNAMO_OPS_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "capacity/capacity.h"
#include "catalog/catalog.h"
#include "expr/expr.h"
#include "storage/storage.h"

typedef enum ReturnValues
{
	RETURN_NONE,
	RETURN_ALL_OLD,
	RETURN_UPDATED_OLD,
	RETURN_ALL_NEW,
	RETURN_UPDATED_NEW
} ReturnValues;

/* what a write operation answers */
typedef struct WriteResult
{
	struct varlena *attributes; /* per ReturnValues; NULL when none */
	int64		item_size;		/* of the item written (or deleted), for capacity */
	int64		collection_size;	/* of its item collection (tables with LSIs); -1: none */
	ItemKey		key;			/* the item's key */
} WriteResult;

typedef struct PutItemSpec
{
	TableInfo  *table;
	struct varlena *item;
	int64		item_size;		/* DynamoDB's size of item, checked by the parser */
	ItemKey		key;
	ExprNode   *condition;		/* NULL when unconditional */
	ReturnValues return_values; /* NONE or ALL_OLD */
	bool		return_old_on_failure;
	bool		transactional;	/* charged double */
	bool		admitted;		/* capacity admitted by the caller */
} PutItemSpec;

typedef struct GetItemSpec
{
	TableInfo  *table;
	ItemKey		key;
	ExprProjection *projection; /* NULL: the whole item */
	bool		consistent_read;
	bool		transactional;	/* charged double */
	bool		admitted;		/* capacity admitted by the caller */
} GetItemSpec;

typedef struct DeleteItemSpec
{
	TableInfo  *table;
	ItemKey		key;
	ExprNode   *condition;
	ReturnValues return_values; /* NONE or ALL_OLD */
	bool		return_old_on_failure;
	bool		transactional;	/* charged double */
	bool		admitted;		/* capacity admitted by the caller */
} DeleteItemSpec;

typedef struct UpdateItemSpec
{
	TableInfo  *table;
	ItemKey		key;
	ExprUpdate *update;			/* NULL: only create the item if missing */
	ExprNode   *condition;
	ReturnValues return_values;
	bool		return_old_on_failure;
	bool		transactional;	/* charged double */
	bool		admitted;		/* capacity admitted by the caller */
} UpdateItemSpec;

/* ops_item.c */
extern void ops_put_item(const PutItemSpec *spec, WriteResult *result);
extern struct varlena *ops_get_item(const GetItemSpec *spec, int64 *item_size);
extern void ops_delete_item(const DeleteItemSpec *spec, WriteResult *result);
extern void ops_update_item(const UpdateItemSpec *spec, WriteResult *result);
extern void ops_check_condition(const DeleteItemSpec *spec, WriteResult *result);
extern struct varlena *ops_get_item_locked(const GetItemSpec *spec, int64 *item_size);


/* ------------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------------
 */

typedef enum TransactKind
{
	TRANSACT_CONDITION_CHECK,
	TRANSACT_PUT,
	TRANSACT_DELETE,
	TRANSACT_UPDATE
} TransactKind;

/* one action of TransactWriteItems */
typedef struct TransactAction
{
	TransactKind kind;
	PutItemSpec put;			/* TRANSACT_PUT */
	DeleteItemSpec delete;		/* TRANSACT_DELETE, and TRANSACT_CONDITION_CHECK's key and condition */
	UpdateItemSpec update;		/* TRANSACT_UPDATE */
	const char *invalid;		/* a key that does not fit the table: its ValidationError */
} TransactAction;

/* why an action cancelled its transaction (code NULL: it did not) */
typedef struct TransactReason
{
	const char *code;			/* ConditionalCheckFailed, ValidationError, TransactionConflict, ... */
	char	   *message;
	char	   *item_json;		/* ReturnValuesOnConditionCheckFailure ALL_OLD: the item, DynamoDB JSON */
} TransactReason;

/* ops_transact.c */
extern int	dynamo_transaction_lock_timeout;
extern void ops_define_settings(void);
extern bool ops_transact_write(TransactAction *actions, int count, WriteResult *results,
							   TransactReason *reasons);
extern bool ops_transact_get(GetItemSpec *gets, const char **invalid, int count,
							 struct varlena **items, int64 *sizes, TransactReason *reasons);
extern const TableInfo *ops_transact_table(const TransactAction *action);
extern const ItemKey *ops_transact_key(const TransactAction *action);


/* ------------------------------------------------------------------------
 * Query and Scan
 * ------------------------------------------------------------------------
 */

#define DYNAMO_MAX_PAGE_BYTES (1024 * 1024)

typedef struct ReadPageSpec
{
	TableInfo  *table;
	const TableIndex *index;	/* IndexName; NULL: the table */
	bool		all_attributes; /* an LSI: return whole items (Select ALL_ATTRIBUTES), not
								 * the projected attributes */
	bool		is_query;
	ExprKeyRange range;			/* Query: the key condition */
	bool		forward;		/* ScanIndexForward */
	ExprNode   *filter;			/* NULL: none */
	ExprProjection *projection; /* NULL: whole items */
	bool		count_only;		/* Select COUNT */
	int64		limit;			/* 0: none */
	bool		has_start;		/* ExclusiveStartKey */
	ItemKey		start;
	struct varlena *start_item; /* ExclusiveStartKey as given: with an index's keys too */
	int			segment;		/* Scan: parallel segment, of total_segments */
	int			total_segments; /* 0: not a parallel scan */
	bool		consistent_read;	/* ConsistentRead: charged whole units */
} ReadPageSpec;

typedef struct ReadPageResult
{
	List	   *items;			/* struct varlena * per item returned */
	int64		count;			/* items that passed the filter */
	int64		scanned_count;	/* items read */
	int64		bytes_read;		/* their DynamoDB size */
	bool		has_last_key;
	struct varlena *last_key;	/* LastEvaluatedKey, an item of the key attributes */
} ReadPageResult;

/* ops_read.c */
extern void ops_read_page(const ReadPageSpec *spec, ReadPageResult *result);

#endif							/* DYNAMO_OPS_H */
