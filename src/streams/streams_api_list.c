/*-------------------------------------------------------------------------
 *
 * streams_api_list.c
 *	  ListStreams: the streams of the account, current and past, or of one
 *	  table, a page at a time.
 *
 * Streams are listed in the order of (table name, stream label), so a
 * page starts after ExclusiveStartStreamArn whether or not that stream
 * still exists; LastEvaluatedStreamArn is present when more streams
 * follow the page.  Limit is 1 to 100 (the validator checks it), 100 when
 * absent.  A TableName that names neither a table nor the table of a
 * stream still listed is ResourceNotFoundException, as for DynamoDB.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "api/api.h"
#include "errors.h"
#include "streams/streams_api.h"

#define LIST_STREAMS_DEFAULT_LIMIT 100

/* ListStreams */
void
api_list_streams(const JsonNode *request, JsonWriter *response)
{
	const char *table_name = request_string(request, "TableName", "tableName", false);
	const char *start_arn = request_string(request, "ExclusiveStartStreamArn", "exclusiveStartStreamArn", false);
	const JsonNode *limit_node = json_member_present(request, "Limit");
	int64		limit = limit_node ? request_integer(limit_node) : LIST_STREAMS_DEFAULT_LIMIT;
	char	   *start_table = NULL;
	char	   *start_label = NULL;
	Oid			argtypes[4] = {TEXTOID, TEXTOID, TEXTOID, INT4OID};
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	uint64		i;
	uint64		shown;

	if (start_arn != NULL)
	{
		stream_arn_parse(start_arn, &start_table, &start_label);
		if (start_table == NULL)
			dynamo_error(DYNAMO_EXC_VALIDATION, "Invalid StreamArn");
	}

	SPI_connect();
	if (table_name != NULL)
	{
		args[0] = CStringGetTextDatum(table_name);
		if (SPI_execute_with_args("SELECT 1 FROM dynamo.tables WHERE table_name = $1"
								  " UNION ALL SELECT 1 FROM dynamo.streams WHERE table_name = $1 LIMIT 1",
								  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "ListStreams table lookup failed");
		if (SPI_processed == 0)
			dynamo_error(DYNAMO_EXC_RESOURCE_NOT_FOUND,
						 "Requested resource not found: Table: %s not found", table_name);
	}

	args[0] = table_name ? CStringGetTextDatum(table_name) : (Datum) 0;
	nulls[0] = table_name ? ' ' : 'n';
	args[1] = start_table ? CStringGetTextDatum(start_table) : (Datum) 0;
	nulls[1] = start_table ? ' ' : 'n';
	args[2] = start_label ? CStringGetTextDatum(start_label) : (Datum) 0;
	nulls[2] = start_label ? ' ' : 'n';
	args[3] = Int32GetDatum((int32) limit + 1);
	if (SPI_execute_with_args("SELECT dynamo.stream_arn(table_name, stream_label), table_name, stream_label"
							  " FROM dynamo.streams"
							  " WHERE ($1 IS NULL OR table_name = $1)"
							  " AND ($2 IS NULL OR (table_name COLLATE \"C\", stream_label COLLATE \"C\") > ($2, $3))"
							  " ORDER BY table_name COLLATE \"C\", stream_label COLLATE \"C\" LIMIT $4",
							  4, argtypes, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "ListStreams query failed");

	shown = Min(SPI_processed, (uint64) limit);
	json_write_object_start(response);
	json_write_key(response, "Streams");
	json_write_array_start(response);
	for (i = 0; i < shown; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;

		json_write_object_start(response);
		json_write_key(response, "StreamArn");
		json_write_string(response, SPI_getvalue(row, desc, 1));
		json_write_key(response, "TableName");
		json_write_string(response, SPI_getvalue(row, desc, 2));
		json_write_key(response, "StreamLabel");
		json_write_string(response, SPI_getvalue(row, desc, 3));
		json_write_object_end(response);
	}
	json_write_array_end(response);
	if (SPI_processed > (uint64) limit)
	{
		json_write_key(response, "LastEvaluatedStreamArn");
		json_write_string(response, SPI_getvalue(SPI_tuptable->vals[shown - 1], SPI_tuptable->tupdesc, 1));
	}
	json_write_object_end(response);
	SPI_finish();
}
