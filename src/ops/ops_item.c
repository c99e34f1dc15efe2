/*-------------------------------------------------------------------------
 *
 * ops_item.c
 *	  PutItem, GetItem, UpdateItem and DeleteItem (see ops.h for the write
 *	  protocol).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"

#include "errors.h"
#include "ops/ops.h"

#define MAX_ITEM_SIZE DYNAMO_MAX_ITEM_SIZE

static const uint8 EmptyItem[] = {DYNAMO_TYPE_M, 0, 0, 0, 0};

static DynamoValue
as_value(struct varlena *item)
{
	DynamoValue v;

	if (item == NULL)
	{
		v.data = EmptyItem;
		v.len = sizeof(EmptyItem);
		return v;
	}
	return dynamo_value_from_varlena(item);
}

/* DynamoDB's answer to a condition that does not hold */
static void
condition_failed(void)
{
	dynamo_error(DYNAMO_EXC_CONDITIONAL_CHECK, "The conditional request failed");
}

/* copy a result out of SPI's memory into the caller's */
static struct varlena *
copy_out(struct varlena *datum)
{
	if (datum == NULL)
		return NULL;
	return (struct varlena *) DatumGetPointer(SPI_datumTransfer(PointerGetDatum(datum), false, -1));
}

/* PutItem: store an item whole, replacing any item with its key. */
void
ops_put_item(const PutItemSpec *spec, WriteResult *result)
{
	struct varlena *old;

	memset(result, 0, sizeof(*result));
	result->item_size = dynamo_item_size(dynamo_value_from_varlena(spec->item));
	SPI_connect();
	for (;;)
	{
		old = storage_read_item(spec->table, &spec->key, true);
		if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
			condition_failed();
		if (old != NULL)
		{
			storage_replace_item(spec->table, &spec->key, spec->item);
			break;
		}
		if (storage_insert_item(spec->table, &spec->key, spec->item))
			break;
		/* a concurrent insert took the key: lock its row and check again */
	}
	if (spec->return_values == RETURN_ALL_OLD && old != NULL)
		result->attributes = copy_out(old);
	if (old != NULL)
		result->item_size = Max(result->item_size, dynamo_item_size(as_value(old)));
	SPI_finish();
}

/* GetItem: the item with a key, projected; NULL when there is none. */
struct varlena *
ops_get_item(const GetItemSpec *spec, int64 *item_size)
{
	struct varlena *item;
	struct varlena *result = NULL;

	SPI_connect();
	item = storage_read_item(spec->table, &spec->key, false);
	*item_size = 0;
	if (item != NULL)
	{
		*item_size = dynamo_item_size(as_value(item));
		result = spec->projection ? expr_project(spec->projection, as_value(item)) : item;
		result = copy_out(result);
	}
	SPI_finish();
	return result;
}

/* DeleteItem: remove the item with a key, if the condition holds. */
void
ops_delete_item(const DeleteItemSpec *spec, WriteResult *result)
{
	struct varlena *old;

	memset(result, 0, sizeof(*result));
	SPI_connect();
	old = storage_read_item(spec->table, &spec->key, true);
	if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
		condition_failed();
	if (old != NULL)
	{
		(void) storage_delete_item(spec->table, &spec->key);
		result->item_size = dynamo_item_size(as_value(old));
		if (spec->return_values == RETURN_ALL_OLD)
			result->attributes = copy_out(old);
	}
	SPI_finish();
}

/* UpdateItem: change (or create) the item with a key, if the condition holds. */
void
ops_update_item(const UpdateItemSpec *spec, WriteResult *result)
{
	ExprKeySchema schema;
	struct varlena *old;
	struct varlena *new_item;
	ExprUpdateResult updated;
	bool		want_updated = (spec->return_values == RETURN_UPDATED_OLD ||
								spec->return_values == RETURN_UPDATED_NEW);

	memset(result, 0, sizeof(*result));
	memset(&schema, 0, sizeof(schema));
	schema.partition_key = spec->table->partition_key;
	schema.sort_key = spec->table->sort_key;

	SPI_connect();
	for (;;)
	{
		old = storage_read_item(spec->table, &spec->key, true);
		if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
			condition_failed();

		memset(&updated, 0, sizeof(updated));
		if (spec->update != NULL)
		{
			expr_apply_update(spec->update,
							  old ? as_value(old) : as_value(storage_key_item(spec->table, &spec->key)),
							  &schema, want_updated, &updated);
			new_item = updated.new_item;
		}
		else
			new_item = old ? old : storage_key_item(spec->table, &spec->key);

		result->item_size = dynamo_item_size(as_value(new_item));
		if (result->item_size > MAX_ITEM_SIZE)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Item size to update has exceeded the maximum allowed size");
		if (old != NULL)
		{
			storage_replace_item(spec->table, &spec->key, new_item);
			break;
		}
		if (storage_insert_item(spec->table, &spec->key, new_item))
			break;
	}
	if (old != NULL)
		result->item_size = Max(result->item_size, dynamo_item_size(as_value(old)));

	switch (spec->return_values)
	{
		case RETURN_ALL_OLD:
			result->attributes = copy_out(old);
			break;
		case RETURN_ALL_NEW:
			result->attributes = copy_out(new_item);
			break;
		case RETURN_UPDATED_OLD:
			result->attributes = old ? copy_out(updated.updated_old) : NULL;
			break;
		case RETURN_UPDATED_NEW:
			result->attributes = copy_out(updated.updated_new);
			break;
		default:
			break;
	}
	SPI_finish();
}
