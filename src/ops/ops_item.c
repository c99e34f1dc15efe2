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

/*
 * DynamoDB's answer to a condition that does not hold.  With
 * ReturnValuesOnConditionCheckFailure = ALL_OLD and an item in place, the
 * error's DETAIL is that item in DynamoDB JSON: the wire endpoint sends it
 * as the error's "Item", the SQL doors show it.
 */
static void
condition_failed(struct varlena *old, bool return_old)
{
	if (return_old && old != NULL)
	{
		StringInfoData json;

		initStringInfo(&json);
		dynamo_append_item_json(&json, as_value(old));
		ereport(ERROR,
				(errcode(dynamo_exception_errcode(DYNAMO_EXC_CONDITIONAL_CHECK)),
				 errmsg_internal("The conditional request failed"),
				 errdetail_internal("%s", json.data)));
	}
	dynamo_error(DYNAMO_EXC_CONDITIONAL_CHECK, "The conditional request failed");
}

/*
 * A write's condition failed: it is charged all the same (the item's size,
 * at least one unit), then fails.
 */
static void
write_condition_failed(const TableInfo *table, const ItemKey *key, int64 size, bool transactional,
					   bool admitted, const CapacityWriteMark *mark, struct varlena *old, bool return_old)
{
	if (old != NULL)
		size = Max(size, dynamo_item_size(as_value(old)));
	capacity_end_write(table, key, size, transactional, admitted, mark);
	condition_failed(old, return_old);
}

/*
 * The item collection of a write to a table with local secondary indexes:
 * its size into result, and DynamoDB's ItemCollectionSizeLimitExceeded
 * when the write made the item bigger (or new) and the collection is over
 * the limit (dynamo.item_collection_size_limit).  Connected to SPI.
 */
static void
check_item_collection(const TableInfo *table, const ItemKey *key, int64 old_size, int64 new_size,
					  WriteResult *result)
{
	result->key = *key;
	result->collection_size = -1;
	if (!table->has_lsi)
		return;
	result->collection_size = storage_item_collection_size(table, key);
	if (new_size > old_size &&
		result->collection_size > (int64) dynamo_item_collection_size_limit_mb * 1024 * 1024)
		/* wording inferred: the service model's description of the exception */
		dynamo_error(DYNAMO_EXC_ITEM_COLLECTION_SIZE,
					 "Item collection size limit exceeded: an item collection is too large");
}

/* copy a result out of SPI's memory into the caller's */
static struct varlena *
copy_out(struct varlena *datum)
{
	if (datum == NULL)
		return NULL;
	return (struct varlena *) DatumGetPointer(SPI_datumTransfer(PointerGetDatum(datum), false, -1));
}

/* item with attribute name set to value (a new item; item is unchanged) */
static struct varlena *
with_attribute(struct varlena *item, const char *name, DynamoValue value)
{
	ExprUpdate	update;
	ExprUpdateAction action;
	ExprNode	operand;
	ExprUpdateResult result;

	memset(&operand, 0, sizeof(operand));
	operand.type = EXPR_VALUE;
	operand.value = value;
	memset(&action, 0, sizeof(action));
	action.type = EXPR_UPDATE_SET;
	action.path.length = 1;
	action.path.elements = palloc0(sizeof(ExprPathElement));
	action.path.elements[0].name = name;
	action.path.elements[0].namelen = strlen(name);
	action.operand = &operand;
	memset(&update, 0, sizeof(update));
	update.nactions = 1;
	update.actions = &action;
	expr_apply_update(&update, as_value(item), NULL, false, &result);
	return result.new_item;
}

/*
 * Version-number optimistic locking, for tables that name a version
 * attribute: the item being written carries the version the writer read
 * (none for a new item); it must equal the stored item's version, and the
 * item is stored with the next version.  Returns the item to store.
 */
static struct varlena *
apply_version(const TableInfo *table, struct varlena *old, struct varlena *candidate,
			  bool return_old_on_failure)
{
	const char *name = table->version_attribute;
	uint32		namelen;
	DynamoValue expected;
	DynamoValue current;
	bool		has_expected;
	bool		has_current;
	DynamoNumber number;
	DynamoNumber one;
	DynamoNumber next;
	DynamoNumberError error;
	uint8		encoded[1 + DYNAMO_NUMBER_MAX_ENCODED];
	DynamoValue next_value;

	if (name == NULL)
		return candidate;
	namelen = strlen(name);
	has_expected = dynamo_map_lookup(as_value(candidate), name, namelen, &expected);
	has_current = old != NULL && dynamo_map_lookup(as_value(old), name, namelen, &current);
	if (has_expected != has_current ||
		(has_expected && !(expected.len == current.len && memcmp(expected.data, current.data, expected.len) == 0)))
		condition_failed(old, return_old_on_failure);
	if (has_expected && dynamo_value_type(expected) != DYNAMO_TYPE_N)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "One or more parameter values were invalid: the version attribute %s must be a number", name);

	/* the next version: expected + 1, or 1 */
	dynamo_number_parse("1", 1, &one);
	if (has_expected)
	{
		dynamo_number_decode(expected.data + 1, expected.len - 1, &number);
		if (!dynamo_number_add(&number, &one, false, &next, &error))
			dynamo_number_raise_error(error, NULL, 0);
	}
	else
		next = one;
	encoded[0] = DYNAMO_TYPE_N;
	next_value.data = encoded;
	next_value.len = 1 + dynamo_number_encode(&next, encoded + 1);
	return with_attribute(candidate, name, next_value);
}

/* PutItem: store an item whole, replacing any item with its key. */
/*
 * Meter the index writes of a write on a table distributed by Citus: its
 * workers' access method writes the entries (and meters them there); the
 * request's ConsumedCapacity and throttling need them here.
 */
static void
meter_distributed_indexes(const TableInfo *table, struct varlena *old, struct varlena *new_item)
{
	DynamoValue none = {NULL, 0};

	if (table->distributed && table->nindexes > 0)
		storage_meter_indexes(table, old != NULL ? as_value(old) : none,
							  new_item != NULL ? as_value(new_item) : none);
}

void
ops_put_item(const PutItemSpec *spec, WriteResult *result)
{
	struct varlena *old;

	struct varlena *item = spec->item;
	CapacityWriteMark mark;

	memset(result, 0, sizeof(*result));
	result->collection_size = -1;
	capacity_begin_write(spec->table, &spec->key, spec->admitted, &mark);
	SPI_connect();
	if (spec->condition == NULL && spec->return_values == RETURN_NONE &&
		spec->table->version_attribute == NULL && !spec->table->distributed)
	{
		/*
		 * Nothing to check or return: one statement, no read.  (Not on a
		 * distributed table: the access method that sees the replaced item
		 * runs on a worker.)
		 */
		int64		replaced = storage_upsert_item(spec->table, &spec->key, item);

		/* charged the larger of the item and the one it replaced */
		result->item_size = Max(spec->item_size, replaced);
		check_item_collection(spec->table, &spec->key, 0, spec->item_size, result);
		capacity_end_write(spec->table, &spec->key, result->item_size, spec->transactional, spec->admitted,
						   &mark);
		SPI_finish();
		return;
	}
	for (;;)
	{
		old = storage_read_item(spec->table, &spec->key, true);
		if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
			write_condition_failed(spec->table, &spec->key, spec->item_size, spec->transactional,
								   spec->admitted, &mark, old, spec->return_old_on_failure);
		item = apply_version(spec->table, old, spec->item, spec->return_old_on_failure);
		if (old != NULL)
		{
			storage_replace_item(spec->table, &spec->key, item);
			break;
		}
		if (storage_insert_item(spec->table, &spec->key, item))
			break;
		/* a concurrent insert took the key: lock its row and check again */
	}
	meter_distributed_indexes(spec->table, old, item);
	result->item_size = dynamo_item_size(as_value(item));
	if (spec->return_values == RETURN_ALL_OLD && old != NULL)
		result->attributes = copy_out(old);
	{
		int64		old_size = old != NULL ? dynamo_item_size(as_value(old)) : 0;
		int64		new_size = result->item_size;

		result->item_size = Max(result->item_size, old_size);
		check_item_collection(spec->table, &spec->key, old_size, new_size, result);
	}
	capacity_end_write(spec->table, &spec->key, result->item_size, spec->transactional, spec->admitted, &mark);
	SPI_finish();
}

/* GetItem: the item with a key, projected; NULL when there is none. */
struct varlena *
ops_get_item(const GetItemSpec *spec, int64 *item_size)
{
	struct varlena *item;
	struct varlena *result = NULL;

	if (!spec->admitted)
		capacity_admit(spec->table, NULL, CAPACITY_READ, capacity_partition_of(spec->table, &spec->key));
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
	capacity_charge_read(spec->table, NULL, &spec->key, *item_size, spec->consistent_read, spec->transactional);
	return result;
}

/* DeleteItem: remove the item with a key, if the condition holds. */
void
ops_delete_item(const DeleteItemSpec *spec, WriteResult *result)
{
	struct varlena *old;
	CapacityWriteMark mark;

	memset(result, 0, sizeof(*result));
	result->collection_size = -1;
	capacity_begin_write(spec->table, &spec->key, spec->admitted, &mark);
	SPI_connect();
	old = storage_read_item(spec->table, &spec->key, true);
	if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
		write_condition_failed(spec->table, &spec->key, 0, spec->transactional, spec->admitted, &mark,
							   old, spec->return_old_on_failure);
	if (old != NULL)
	{
		(void) storage_delete_item(spec->table, &spec->key);
		meter_distributed_indexes(spec->table, old, NULL);
		result->item_size = dynamo_item_size(as_value(old));
		if (spec->return_values == RETURN_ALL_OLD)
			result->attributes = copy_out(old);
	}
	check_item_collection(spec->table, &spec->key, 1, 0, result);
	capacity_end_write(spec->table, &spec->key, result->item_size, spec->transactional, spec->admitted, &mark);
	SPI_finish();
}

/*
 * A transaction's ConditionCheck: the condition against the item with a key,
 * read and locked as a write would (FOR UPDATE), nothing written.
 */
void
ops_check_condition(const DeleteItemSpec *spec, WriteResult *result)
{
	struct varlena *old;

	memset(result, 0, sizeof(*result));
	result->collection_size = -1;
	if (!spec->admitted)
		capacity_admit(spec->table, NULL, CAPACITY_READ, capacity_partition_of(spec->table, &spec->key));
	SPI_connect();
	old = storage_read_item(spec->table, &spec->key, true);
	if (old != NULL)
		result->item_size = dynamo_item_size(as_value(old));
	/* charged as a transactional read, whether the condition holds or not */
	capacity_charge_read(spec->table, NULL, &spec->key, result->item_size, true, true);
	if (!expr_eval_condition(spec->condition, as_value(old)))
		condition_failed(old, spec->return_old_on_failure);
	SPI_finish();
}

/* A transaction's Get: the item, projected, its row share-locked (NOWAIT). */
struct varlena *
ops_get_item_locked(const GetItemSpec *spec, int64 *item_size)
{
	struct varlena *item;
	struct varlena *result = NULL;

	if (!spec->admitted)
		capacity_admit(spec->table, NULL, CAPACITY_READ, capacity_partition_of(spec->table, &spec->key));
	SPI_connect();
	item = storage_read_item_shared(spec->table, &spec->key);
	*item_size = 0;
	if (item != NULL)
	{
		*item_size = dynamo_item_size(as_value(item));
		result = spec->projection ? expr_project(spec->projection, as_value(item)) : item;
		result = copy_out(result);
	}
	SPI_finish();
	capacity_charge_read(spec->table, NULL, &spec->key, *item_size, true, true);
	return result;
}

/*
 * The version an UpdateItem claims to have read: the value its update sets
 * the version attribute to, if it does; else the stored version (no check).
 * Returns the candidate with that version in place for apply_version.
 */
static struct varlena *
version_claim(const UpdateItemSpec *spec, struct varlena *old, struct varlena *candidate)
{
	const char *name = spec->table->version_attribute;
	bool		sets_version = false;
	int			i;

	for (i = 0; spec->update != NULL && i < spec->update->nactions; i++)
	{
		const ExprPath *path = &spec->update->actions[i].path;

		if (path->length == 1 && path->elements[0].name != NULL &&
			path->elements[0].namelen == strlen(name) &&
			memcmp(path->elements[0].name, name, path->elements[0].namelen) == 0)
			sets_version = true;
	}
	if (sets_version || old == NULL)
		return candidate;
	{
		/* no claim: carry the stored version over, so that it is simply incremented */
		DynamoValue current;

		if (!dynamo_map_lookup(as_value(old), name, strlen(name), &current))
			return candidate;
		return with_attribute(candidate, name, current);
	}
}

/*
 * UpdateItem: change (or create) the item with a key, if the condition
 * holds.  A missing item is created with its key and what the update sets
 * (the key alone for an update without actions), except by an update that
 * only removes: that one writes nothing.
 */
void
ops_update_item(const UpdateItemSpec *spec, WriteResult *result)
{
	ExprKeySchema schema;
	struct varlena *old;
	struct varlena *new_item;
	ExprUpdateResult updated;
	bool		want_updated = (spec->return_values == RETURN_UPDATED_OLD ||
								spec->return_values == RETURN_UPDATED_NEW);
	CapacityWriteMark mark;

	memset(result, 0, sizeof(*result));
	result->collection_size = -1;
	memset(&schema, 0, sizeof(schema));
	schema.partition_key = spec->table->partition_key;
	schema.sort_key = spec->table->sort_key;

	capacity_begin_write(spec->table, &spec->key, spec->admitted, &mark);
	SPI_connect();
	for (;;)
	{
		old = storage_read_item(spec->table, &spec->key, true);
		if (spec->condition != NULL && !expr_eval_condition(spec->condition, as_value(old)))
			write_condition_failed(spec->table, &spec->key, 0, spec->transactional, spec->admitted, &mark,
								   old, spec->return_old_on_failure);

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
		if (old == NULL && expr_update_only_removes(spec->update))
		{
			/*
			 * Only removals, and nothing to remove them from: DynamoDB
			 * creates no item, and returns no attributes whatever
			 * ReturnValues asks (the update ran on the key alone, so that
			 * its errors are still raised).
			 */
			new_item = NULL;
			break;
		}
		if (spec->table->version_attribute != NULL)
			new_item = apply_version(spec->table, old, version_claim(spec, old, new_item),
									 spec->return_old_on_failure);

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
	if (new_item != NULL)
		meter_distributed_indexes(spec->table, old, new_item);
	{
		int64		old_size = old != NULL ? dynamo_item_size(as_value(old)) : 0;
		int64		new_size = result->item_size;

		result->item_size = Max(result->item_size, old_size);
		if (new_item != NULL)
			check_item_collection(spec->table, &spec->key, old_size, new_size, result);
		else
			result->collection_size = -1;
	}
	capacity_end_write(spec->table, &spec->key, result->item_size, spec->transactional, spec->admitted, &mark);
	if (new_item == NULL)
	{
		/* nothing was written */
		SPI_finish();
		return;
	}

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
