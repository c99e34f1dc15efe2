/*-------------------------------------------------------------------------
 *
 * rows.h
 *	  The item read and write primitives of the storage layer: one row per
 *	  item in the table's partitioned relation, addressed by its key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_STORAGE_ROWS_H
#define DYNAMO_STORAGE_ROWS_H

#include "postgres.h"

#include "catalog/catalog.h"
#include "value/value.h"

/* the primary key of an item: its partition key and sort key values */
typedef struct ItemKey
{
	DynamoValue partition;
	DynamoValue sort;			/* len 0 when the table has no sort key */
} ItemKey;

/* storage_rows.c */
extern void storage_key_from_item(const TableInfo *table, DynamoValue item, ItemKey *key);
extern void storage_check_key_value(const char *name, DynamoType declared, DynamoValue value,
									bool partition);
extern struct varlena *storage_key_item(const TableInfo *table, const ItemKey *key);
extern struct varlena *storage_read_item(const TableInfo *table, const ItemKey *key, bool for_update);
extern bool storage_insert_item(const TableInfo *table, const ItemKey *key, struct varlena *item);
extern void storage_replace_item(const TableInfo *table, const ItemKey *key, struct varlena *item);
extern bool storage_delete_item(const TableInfo *table, const ItemKey *key);

#endif							/* DYNAMO_STORAGE_ROWS_H */
