/*-------------------------------------------------------------------------
 *
 * catalog_describe.c
 *	  DescribeTable and ListTables.
 *
 * The TableDescription is built by the SQL function dynamo.table_description
 * (src/sql/50_catalog.sql), the one place that knows its shape.
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

/* the jsonb in column of SPI's first result row, copied into the caller's memory */
Jsonb *
catalog_copy_jsonb_result(int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);
	Jsonb	   *jsonb = DatumGetJsonbP(value);

	return (Jsonb *) SPI_datumTransfer(PointerGetDatum(jsonb), false, -1);
}

/* {"Table": TableDescription}, or ResourceNotFoundException */
Jsonb *
catalog_describe_table(const char *table_name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};
	Jsonb	   *result;

	SPI_connect();
	if (SPI_execute_with_args("SELECT jsonb_build_object('Table', dynamo.table_description(t)) "
							  "FROM dynamo.tables t WHERE table_name = $1",
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "DescribeTable query failed");
	if (SPI_processed == 0)
	{
		SPI_finish();
		catalog_raise_not_found(table_name, true);
	}
	result = catalog_copy_jsonb_result(1);
	SPI_finish();
	return result;
}

/*
 * {"TableNames": [...], "LastEvaluatedTableName": ...}: the names after
 * exclusive_start (NULL: from the first) in byte order, at most limit.
 */
Jsonb *
catalog_list_tables(const char *exclusive_start, int limit)
{
	Oid			argtypes[2] = {TEXTOID, INT4OID};
	Datum		args[2];
	char		nulls[2] = {' ', ' '};
	Jsonb	   *result;

	args[0] = exclusive_start ? CStringGetTextDatum(exclusive_start) : (Datum) 0;
	nulls[0] = exclusive_start ? ' ' : 'n';
	args[1] = Int32GetDatum(limit);

	SPI_connect();
	if (SPI_execute_with_args("WITH page AS ("
							  "  SELECT table_name FROM dynamo.tables"
							  "   WHERE $1 IS NULL OR table_name COLLATE \"C\" > $1 COLLATE \"C\""
							  "   ORDER BY table_name COLLATE \"C\" LIMIT $2 + 1),"
							  " shown AS (SELECT table_name FROM page ORDER BY table_name COLLATE \"C\" LIMIT $2)"
							  " SELECT jsonb_strip_nulls(jsonb_build_object("
							  "   'TableNames', coalesce((SELECT jsonb_agg(table_name ORDER BY table_name COLLATE \"C\") FROM shown), '[]'),"
							  "   'LastEvaluatedTableName', CASE WHEN (SELECT count(*) FROM page) > $2"
							  "        THEN (SELECT max(table_name COLLATE \"C\") FROM shown) END))",
							  2, argtypes, args, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "ListTables query failed");
	result = catalog_copy_jsonb_result(1);
	SPI_finish();
	return result;
}
