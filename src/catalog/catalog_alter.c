/*-------------------------------------------------------------------------
 *
 * catalog_alter.c
 *	  UpdateTable (billing mode, provisioned throughput, and the changes of
 *	  global secondary indexes of catalog_indexes.c) and DeleteTable.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "catalog/catalog.h"
#include "errors.h"
#include "storage/storage.h"

/*
 * Change a table's billing mode and throughput; {"TableDescription": ...}.
 * A switch to PAY_PER_REQUEST records its time, which the description
 * reports as BillingModeSummary.LastUpdateToPayPerRequestDateTime.
 * DynamoDB's rules on throughput changes and switches are
 * catalog_throughput.c's; OnDemandThroughput's maximums merge member by
 * member (0: cleared) and go when the table becomes PROVISIONED.
 */
Jsonb *
catalog_update_table(const UpdateTableSpec *spec)
{
	TableInfo  *table = catalog_lookup_table(spec->table_name, true);
	Oid			argtypes[6] = {TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID};
	Datum		args[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	Jsonb	   *result;
	ThroughputPlan *plan;
	char	   *backfill_relation = NULL;
	char	   *deleted_index = NULL;
	Datum		deleted_description = (Datum) 0;

	if (table == NULL)
		catalog_raise_not_found(spec->table_name, true);

	args[0] = CStringGetTextDatum(spec->table_name);
	args[1] = spec->set_billing_mode ?
		CStringGetTextDatum(spec->pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED") : (Datum) 0;
	nulls[1] = spec->set_billing_mode ? ' ' : 'n';
	args[2] = Int64GetDatum(spec->read_capacity_units);
	args[3] = Int64GetDatum(spec->write_capacity_units);
	if (!spec->set_throughput)
		nulls[2] = nulls[3] = 'n';
	args[4] = Int64GetDatum(spec->max_read_request_units);
	args[5] = Int64GetDatum(spec->max_write_request_units);
	nulls[4] = spec->max_read_request_units < 0 ? 'n' : ' ';
	nulls[5] = spec->max_write_request_units < 0 ? 'n' : ' ';

	SPI_connect();
	plan = catalog_plan_throughput(table, spec);
	if (spec->delete_index != NULL)
	{
		/* the index's description as it goes, for the answer */
		Oid			types[2] = {TEXTOID, TEXTOID};
		Datum		keys[2] = {args[0], CStringGetTextDatum(spec->delete_index)};
		bool		isnull;

		if (SPI_execute_with_args("SELECT dynamo.index_description(i, t) || '{\"IndexStatus\": \"DELETING\"}'"
								  "  FROM dynamo.indexes i JOIN dynamo.tables t USING (table_name)"
								  " WHERE i.table_name = $1 AND i.index_name = $2 AND i.is_global",
								  2, types, keys, NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
			deleted_description = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
																  1, &isnull), false, -1);
	}
	if (spec->create_index != NULL || spec->delete_index != NULL || spec->update_indexes != NIL ||
		(spec->set_billing_mode && table->has_gsi))
		catalog_apply_index_updates(table, spec, &backfill_relation, &deleted_index);
	catalog_check_throughput_limits(plan, spec);
	catalog_record_throughput_history(plan, spec);
	if (SPI_execute_with_args("UPDATE dynamo.tables t SET "
							  "  billing_mode = coalesce($2, billing_mode),"
							  "  last_pay_per_request_time = CASE WHEN $2 = 'PAY_PER_REQUEST' AND billing_mode <> $2"
							  "                                   THEN now() ELSE last_pay_per_request_time END,"
							  "  read_capacity_units = CASE WHEN coalesce($2, billing_mode) = 'PAY_PER_REQUEST' THEN NULL"
							  "                             ELSE coalesce($3, read_capacity_units) END,"
							  "  write_capacity_units = CASE WHEN coalesce($2, billing_mode) = 'PAY_PER_REQUEST' THEN NULL"
							  "                              ELSE coalesce($4, write_capacity_units) END,"
							  "  max_read_request_units = CASE WHEN coalesce($2, billing_mode) = 'PROVISIONED' THEN NULL"
							  "                                WHEN $5 IS NULL THEN max_read_request_units"
							  "                                ELSE nullif($5, 0) END,"
							  "  max_write_request_units = CASE WHEN coalesce($2, billing_mode) = 'PROVISIONED' THEN NULL"
							  "                                 WHEN $6 IS NULL THEN max_write_request_units"
							  "                                 ELSE nullif($6, 0) END"
							  " WHERE table_name = $1"
							  " RETURNING jsonb_build_object('TableDescription', dynamo.table_description(t))",
							  6, argtypes, args, nulls, false, 1) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "UpdateTable failed");
	if (deleted_description != (Datum) 0)
	{
		/* the deleted GSI, DELETING, among the table's GSIs */
		Oid			types[2] = {JSONBOID, JSONBOID};
		Datum		parts[2] = {SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &(bool){false}),
		deleted_description};

		if (SPI_execute_with_args("SELECT jsonb_set($1, '{TableDescription,GlobalSecondaryIndexes}',"
								  "  coalesce($1 #> '{TableDescription,GlobalSecondaryIndexes}', '[]') ||"
								  "  jsonb_build_array($2))", 2, types, parts, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "UpdateTable could not describe the deleted index");
	}
	result = catalog_copy_jsonb_result(1);
	if (backfill_relation != NULL)
	{
		/* out of SPI's memory, which SPI_finish frees */
		char	   *copy = SPI_palloc(strlen(backfill_relation) + 1);

		strcpy(copy, backfill_relation);
		backfill_relation = copy;
	}
	SPI_finish();
	if (table->distributed)
		catalog_sync_to_workers(spec->table_name);
	catalog_invalidate_table(table->relid);
	if (backfill_relation != NULL)
		storage_backfill_launch(backfill_relation);
	return result;
}

/*
 * Drop a table and its items; {"TableDescription": ...}, in DeleteTable's
 * shape: TableStatus DELETING, and without the members DynamoDB leaves out
 * there (see dynamo.table_description).
 */
Jsonb *
catalog_delete_table(const char *table_name)
{
	TableInfo  *table = catalog_lookup_table(table_name, true);
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};
	Jsonb	   *result;
	char	   *drop;
	bool		distributed;
	int			i;

	if (table == NULL)
		catalog_raise_not_found(table_name, true);
	distributed = table->distributed;
	for (i = 0; i < table->nindexes; i++)
		if (strcmp(table->indexes[i].status, "ACTIVE") != 0)
			dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE,
						 "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.");
	drop = psprintf("DROP TABLE %s", quote_qualified_identifier("dynamo_data", table->relation_name));

	/*
	 * The catalog row goes first, under its row lock: a concurrent DeleteTable
	 * of the same table waits for it, then finds no row and answers
	 * ResourceNotFoundException instead of failing on the relation.
	 */
	SPI_connect();
	if (SPI_execute_with_args("DELETE FROM dynamo.tables t WHERE table_name = $1"
							  " RETURNING jsonb_build_object('TableDescription', "
							  "                              dynamo.table_description(t, 'DELETING'))",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE_RETURNING)
		elog(ERROR, "DeleteTable could not delete the catalog row");
	if (SPI_processed != 1)
	{
		SPI_finish();
		catalog_raise_not_found(table_name, true);
	}
	result = catalog_copy_jsonb_result(1);
	/* its stream is disabled; its records stay readable until they expire */
	if (SPI_execute_with_args("UPDATE dynamo.streams SET status = 'DISABLED', disabled_time = now(),"
							  "       end_lsn = pg_catalog.pg_current_wal_insert_lsn()"
							  " WHERE table_name = $1 AND status IN ('ENABLING', 'ENABLED')",
							  1, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "DeleteTable could not disable the table's stream");
	if (SPI_execute(drop, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "DeleteTable could not drop the relation");
	/* its GSIs' relations (its LSIs were indexes of the relation just dropped) */
	for (i = 0; i < table->nindexes; i++)
		if (table->indexes[i].global)
			catalog_drop_index_storage(table->indexes[i].relation_name, true);
	/* Citus dropped the shards; the workers' copies of the catalog rows go too */
	if (distributed)
		catalog_sync_to_workers(table_name);
	SPI_finish();
	return result;
}

/*
 * Refuse a feature that a table distributed by Citus does not have yet
 * (what: "global secondary indexes", "streams", ...).
 */
void
catalog_refuse_distributed(const TableInfo *table, const char *what)
{
	if (table->distributed)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 "Table %s is distributed by Citus, which does not support %s for it yet",
					 table->table_name, what);
}

/* Distribute a table with Citus (dynamo.distribute_table, src/sql/85_citus.sql). */
void
catalog_distribute_table(const char *table_name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};

	SPI_connect();
	if (SPI_execute_with_args("SELECT dynamo.distribute_table($1)", 1, argtypes, args, NULL, false, 0)
		!= SPI_OK_SELECT)
		elog(ERROR, "distributing table \"%s\" failed", table_name);
	SPI_finish();
}

/*
 * After a change of a table's catalog rows that a worker's endpoint answers
 * from too (tags, time to live): the workers' copies, when the table is
 * distributed.
 */
void
catalog_sync_if_distributed(const char *table_name)
{
	const TableInfo *table = catalog_lookup_table(table_name, true);

	if (table != NULL && table->distributed)
		catalog_sync_to_workers(table_name);
}

/*
 * Make the Citus workers' catalog rows of a distributed table the
 * coordinator's (src/sql/85_citus.sql).
 */
void
catalog_sync_to_workers(const char *table_name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};

	SPI_connect();
	if (SPI_execute_with_args("SELECT dynamo.sync_table_to_workers($1)", 1, argtypes, args, NULL, false, 0)
		!= SPI_OK_SELECT)
		elog(ERROR, "copying the catalog of table \"%s\" to the workers failed", table_name);
	SPI_finish();
}
