/*-------------------------------------------------------------------------
 *
 * ttl_expire.c
 *	  Finding and deleting the expired items of a table: the expiry
 *	  function, the index built on it, and one batch of deletions.
 *
 * dynamo.ttl_expiry(item, attribute) is the item's TTL attribute in epoch
 * seconds when it is a Number, else NULL.  It is IMMUTABLE, so a partial
 * expression index of the table's relation can be built on it (one per
 * table with TTL enabled; its partitions get one each, as for an LSI), and
 * the expired items of a partition are an index range scan:
 *
 *	 expiry < now  AND  expiry >= now - 5 years
 *
 * The lower bound is DynamoDB's rule that an item whose TTL value is more
 * than five years in the past is not expired (a value in milliseconds or
 * microseconds is far in the future, one in the wrong unit or a small
 * counter far in the past: neither is deleted).  It depends on the time,
 * so it is in the query, not in the index.
 *
 * A batch deletes at most batch_size items of one partition, oldest expiry
 * first, in one statement:
 *
 *	 DELETE FROM p WHERE ctid = ANY (ARRAY(
 *	   SELECT ctid FROM p WHERE <expired> ORDER BY expiry LIMIT n
 *	   FOR UPDATE SKIP LOCKED))
 *
 * Rows that an application transaction holds are skipped, never waited
 * for: they are tried again in a later batch.  FOR UPDATE rechecks the
 * condition on the latest version of a row that changed under it, so an
 * item whose TTL was just moved into the future is not deleted; if its
 * latest version is newer than the statement's snapshot the DELETE leaves
 * it for a later batch.  The DELETE goes through the table access method
 * like any other (src/storage/storage_am.c): the global secondary indexes
 * lose the item's entries, the local ones are btree indexes of the same
 * relation, and no capacity is metered (metering is the operations
 * layer's, which this does not call).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog/catalog.h"
#include "ttl/ttl.h"
#include "value/value.h"

/* DynamoDB ignores TTL values more than five years in the past */
#define TTL_MAX_AGE "5 years"

PG_FUNCTION_INFO_V1(dynamo_ttl_expiry);
PG_FUNCTION_INFO_V1(dynamo_ttl_expire);

/*
 * dynamo.ttl_expiry(item, attribute): the attribute's Number as float8
 * epoch seconds; NULL when the item has no such attribute or it is of
 * another type.
 */
Datum
dynamo_ttl_expiry(PG_FUNCTION_ARGS)
{
	struct varlena *item = PG_GETARG_DYNAMO_VARLENA(0);
	text	   *attribute = PG_GETARG_TEXT_PP(1);
	DynamoValue value;
	StringInfoData number;
	double		seconds;

	if (!dynamo_map_lookup(dynamo_value_from_varlena(item), VARDATA_ANY(attribute),
						   VARSIZE_ANY_EXHDR(attribute), &value) ||
		dynamo_value_type(value) != DYNAMO_TYPE_N)
		PG_RETURN_NULL();
	initStringInfo(&number);
	dynamo_number_append_encoded_text(&number, dynamo_value_payload(value), dynamo_value_payload_len(value));
	seconds = strtod(number.data, NULL);
	pfree(number.data);
	if (isnan(seconds))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(seconds);
}

/* the SQL of an item's expiry time by the attribute */
static char *
expiry_sql(const char *attribute)
{
	return psprintf("dynamo.ttl_expiry(item, %s::text)", quote_literal_cstr(attribute));
}

/*
 * The CREATE INDEX of the expiry index index_name of the table stored in
 * dynamo_data.<table_relation>, on its TTL attribute.
 */
char *
ttl_index_definition(const char *index_name, const char *table_relation, const char *attribute)
{
	char	   *expiry = expiry_sql(attribute);

	return psprintf("CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL",
					quote_identifier(index_name),
					quote_qualified_identifier("dynamo_data", table_relation), expiry, expiry);
}

/*
 * Delete at most batch_size expired items of one partition of a table
 * whose TTL attribute is attribute, in the caller's transaction (connected
 * to SPI, with a snapshot); the count deleted.  A partition that no longer
 * exists has none.
 */
uint64
ttl_delete_expired_batch(Oid partition, const char *attribute, int batch_size)
{
	char	   *name = get_rel_name(partition);
	char	   *relation;
	char	   *expiry = expiry_sql(attribute);
	StringInfoData sql;
	int			ret;

	if (name == NULL)
		return 0;
	relation = quote_qualified_identifier("dynamo_data", name);
	initStringInfo(&sql);
	if (catalog_relation_is_distributed(partition))
	{
		/*
		 * A partition distributed by Citus: its shards are on the workers,
		 * where row locks cannot be taken by a query over every shard, so one
		 * statement deletes every expired item of the partition (waiting for
		 * rows that writers hold).
		 */
		appendStringInfo(&sql,
						 "DELETE FROM %s WHERE %s < extract(epoch FROM now())::float8"
						 "   AND %s >= extract(epoch FROM now() - interval '" TTL_MAX_AGE "')::float8",
						 relation, expiry, expiry);
	}
	else
		appendStringInfo(&sql,
						 "DELETE FROM %s WHERE ctid = ANY (ARRAY("
						 "SELECT ctid FROM %s"
						 " WHERE %s < extract(epoch FROM now())::float8"
						 "   AND %s >= extract(epoch FROM now() - interval '" TTL_MAX_AGE "')::float8"
						 " ORDER BY %s LIMIT %d FOR UPDATE SKIP LOCKED))",
						 relation, relation, expiry, expiry, expiry, batch_size);
	ret = SPI_execute(sql.data, false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "deleting the expired items of \"%s\" failed: %s", name, SPI_result_code_string(ret));
	return SPI_processed;
}

/*
 * The partitions of a table with TTL enabled, and its TTL attribute; false
 * when its TTL is not enabled.  Connected to SPI.
 */
static bool
enabled_table_partitions(const char *table_name, char **attribute, Oid **partitions, int *count)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(table_name)};
	uint64		i;

	if (SPI_execute_with_args("SELECT l.attribute_name, i.inhrelid"
							  "  FROM dynamo.time_to_live l"
							  "  JOIN dynamo.tables t USING (table_name)"
							  "  LEFT JOIN pg_catalog.pg_inherits i ON i.inhparent = pg_catalog.to_regclass("
							  "      pg_catalog.quote_ident('dynamo_data') || '.' || pg_catalog.quote_ident(t.relation_name))"
							  " WHERE l.table_name = $1 AND l.enabled ORDER BY i.inhrelid",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the time to live of table \"%s\" failed", table_name);
	if (SPI_processed == 0)
		return false;
	*attribute = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*partitions = palloc(sizeof(Oid) * SPI_processed);
	*count = 0;
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		relid = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);

		if (!isnull)
			(*partitions)[(*count)++] = DatumGetObjectId(relid);
	}
	return true;
}

/*
 * dynamo.ttl_expire(table_name): delete every expired item of a table
 * whose TTL is enabled, in the caller's transaction; the count deleted.
 */
Datum
dynamo_ttl_expire(PG_FUNCTION_ARGS)
{
	const char *table_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *attribute;
	Oid		   *partitions;
	int			count;
	int			i;
	int64		deleted = 0;

	if (catalog_lookup_table(table_name, true) == NULL)
		catalog_raise_not_found(table_name, true);
	SPI_connect();
	if (!enabled_table_partitions(table_name, &attribute, &partitions, &count))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("Time to Live is not enabled on table \"%s\"", table_name)));
	for (i = 0; i < count; i++)
	{
		uint64		n;

		do
		{
			CHECK_FOR_INTERRUPTS();
			n = ttl_delete_expired_batch(partitions[i], attribute, dynamo_ttl_batch_size);
			deleted += n;
		} while (n == (uint64) dynamo_ttl_batch_size);
	}
	SPI_finish();
	PG_RETURN_INT64(deleted);
}
