/*-------------------------------------------------------------------------
 *
 * capacity_access.c
 *	  Admitting and charging the accesses of the operations: a write of an
 *	  item (with the GSI writes it causes), a read of an item or a page.
 *
 * A write is admitted on its table's write bucket and its partition's
 * ceiling before it does anything.  Storage meters the GSI entries it puts
 * and deletes; at the end of the write each GSI it touched must have
 * capacity too, or the write is refused (DynamoDB throttles a table write
 * that would update a GSI without capacity); the error rolls back what the
 * write did.  Then the table is charged the write units of the item (the
 * larger of the old and the new), and each GSI its own.  An LSI's writes
 * are the table's: they are reported per index, charged to the table.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "capacity/capacity.h"
#include "storage/storage.h"

/* the hash partition of an item's key */
int
capacity_partition_of(const TableInfo *table, const ItemKey *key)
{
	return storage_partition_index(table, key->partition);
}

/* Admit a write (unless admitted already) and mark where its index writes start. */
void
capacity_begin_write(const TableInfo *table, const ItemKey *key, bool admitted, CapacityWriteMark *mark)
{
	mark->count = 0;
	mark->units = NULL;
	if (!admitted)
		capacity_admit(table, NULL, CAPACITY_WRITE, capacity_partition_of(table, key));
	if (table->has_gsi || table->has_lsi)
	{
		int			count;
		const IndexUnits *meter = storage_index_meter(&count);
		int			i;

		mark->count = count;
		mark->units = palloc(sizeof(double) * Max(count, 1));
		for (i = 0; i < count; i++)
			mark->units[i] = meter[i].units;
	}
}

/* the units an index meter entry gained since the mark */
static double
gained(const IndexUnits *entry, int i, const CapacityWriteMark *mark)
{
	return entry->units - (i < mark->count ? mark->units[i] : 0);
}

/*
 * End a write of an item of this size: refuse it when a GSI it wrote has
 * no capacity (unless admitted), then charge the table and the GSIs.
 */
void
capacity_end_write(const TableInfo *table, const ItemKey *key, int64 size, bool transactional,
				   bool admitted, const CapacityWriteMark *mark)
{
	int			count = 0;
	const IndexUnits *meter = NULL;
	int			i;

	if (table->has_gsi || table->has_lsi)
		meter = storage_index_meter(&count);
	for (i = 0; !admitted && i < count; i++)
	{
		const TableIndex *index;

		if (!meter[i].global || gained(&meter[i], i, mark) <= 0 ||
			strcmp(meter[i].table_name, table->table_name) != 0)
			continue;
		index = catalog_find_index(table, meter[i].name);
		if (index != NULL)
			capacity_admit(table, index, CAPACITY_WRITE, -1);
	}
	capacity_charge(table, NULL, CAPACITY_WRITE, capacity_partition_of(table, key),
					capacity_write_units(size, transactional));
	for (i = 0; i < count; i++)
	{
		const TableIndex *index;
		double		units = gained(&meter[i], i, mark);

		if (units <= 0 || strcmp(meter[i].table_name, table->table_name) != 0)
			continue;
		if (!meter[i].global)
		{
			/* an LSI's writes consume the table's capacity */
			capacity_charge(table, NULL, CAPACITY_WRITE, capacity_partition_of(table, key),
							transactional ? 2 * units : units);
			continue;
		}
		index = catalog_find_index(table, meter[i].name);
		if (index != NULL)
			capacity_charge(table, index, CAPACITY_WRITE, -1, transactional ? 2 * units : units);
	}
}

/*
 * Charge a read of this many bytes: of the table (key: the item's, or NULL
 * for a read across partitions) or of a GSI.
 */
void
capacity_charge_read(const TableInfo *table, const TableIndex *index, const ItemKey *key, int64 bytes,
					 bool consistent, bool transactional)
{
	const TableIndex *gsi = (index != NULL && index->global) ? index : NULL;

	capacity_charge(table, gsi, CAPACITY_READ,
					(key != NULL && gsi == NULL) ? capacity_partition_of(table, key) : -1,
					capacity_read_units(bytes, consistent, transactional));
}
