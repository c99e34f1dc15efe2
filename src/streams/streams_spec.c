/*-------------------------------------------------------------------------
 *
 * streams_spec.c
 *	  The stream of a table: StreamSpecification of CreateTable and
 *	  UpdateTable, with DynamoDB's rules and messages.
 *
 * Enabling makes a new stream (a new label and ARN) ENABLING, and sets
 * REPLICA IDENTITY FULL on the table's partitions, so that the WAL holds
 * every change's old item (OldImage, and whether a write changed
 * anything); the capture worker makes it ENABLED once it reads the WAL
 * from after this change.  Disabling makes the stream DISABLED from the
 * current WAL position on (its records stay readable until they expire)
 * and puts the partitions' replica identity back.  A view type cannot be
 * changed in place: disable, then enable again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "catalog/catalog.h"
#include "errors.h"
#include "streams/streams.h"

#define INVALID_PREFIX "One or more parameter values were invalid: "

/* ALTER TABLE ... REPLICA IDENTITY on every partition of a table */
static void
set_replica_identity(const TableInfo *table, const char *identity)
{
	int			i;

	for (i = 0; i < table->partition_count; i++)
	{
		char	   *partition = psprintf("%s#%d", table->relation_name, i);

		catalog_run_sql(psprintf("ALTER TABLE %s REPLICA IDENTITY %s",
								 quote_qualified_identifier(STREAMS_DATA_SCHEMA, partition), identity));
	}
}

/*
 * Apply a StreamSpecification to a table (creating: of CreateTable, just
 * made).  Raises DynamoDB's ValidationException for a specification that
 * does not fit the table's stream.
 */
void
streams_apply_spec(const char *table_name, const StreamSpec *spec, bool creating)
{
	TableInfo  *table;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	bool		has_stream;

	if (!spec->given)
		return;
	if (creating && spec->enabled && spec->view_type == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Table is being created with a stream enabled, UpdateViewType is required");
	if (creating && !spec->enabled && spec->view_type != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "Table is being created with a stream disabled, UpdateViewType should not be specified");
	if (!creating && spec->enabled && spec->view_type == NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "If stream is being enabled then UpdateViewType is required");
	if (!creating && !spec->enabled && spec->view_type != NULL)
		dynamo_error(DYNAMO_EXC_VALIDATION,
					 INVALID_PREFIX "If stream is being disabled, then UpdateViewType must not be specified");

	table = catalog_lookup_table(table_name, true);
	if (table == NULL)
		catalog_raise_not_found(table_name, true);
	if (spec->enabled)
		catalog_refuse_distributed(table, "streams");
	values[0] = CStringGetTextDatum(table_name);
	SPI_connect();
	if (SPI_execute_with_args("SELECT 1 FROM dynamo.streams WHERE table_name = $1"
							  " AND status IN ('ENABLING', 'ENABLED') FOR UPDATE",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the stream of table \"%s\"", table_name);
	has_stream = SPI_processed > 0;
	if (spec->enabled && has_stream)
		dynamo_error(DYNAMO_EXC_VALIDATION, "Table already has an enabled stream: TableName: %s", table_name);
	if (!spec->enabled && !has_stream)
	{
		SPI_finish();
		if (creating)
			return;				/* created without a stream, as asked */
		dynamo_error(DYNAMO_EXC_VALIDATION, "Table has no stream to disable: TableName: %s", table_name);
	}

	if (spec->enabled)
	{
		values[1] = CStringGetTextDatum(spec->view_type);
		if (SPI_execute_with_args("INSERT INTO dynamo.streams (table_name, stream_label, table_id, view_type,"
								  "                            key_schema, partition_count)"
								  " SELECT t.table_name,"
								  "        to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'),"
								  "        t.table_id, $2, dynamo.table_description(t) -> 'KeySchema', t.partition_count"
								  "   FROM dynamo.tables t WHERE t.table_name = $1",
								  2, types, values, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not enable the stream of table \"%s\"", table_name);
		set_replica_identity(table, "FULL");
		streams_start_capture(MyDatabaseId);
	}
	else
	{
		if (SPI_execute_with_args("UPDATE dynamo.streams SET status = 'DISABLED', disabled_time = now(),"
								  "       end_lsn = pg_catalog.pg_current_wal_insert_lsn()"
								  " WHERE table_name = $1 AND status IN ('ENABLING', 'ENABLED')",
								  1, types, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "could not disable the stream of table \"%s\"", table_name);
		set_replica_identity(table, "DEFAULT");
	}
	SPI_finish();
}
