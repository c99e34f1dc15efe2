/*-------------------------------------------------------------------------
 *
 * catalog_create.c
 *	  CreateTable: the catalog row and the relations that hold the items.
 *
 * A table is one partitioned relation in dynamo_data, named after the table
 * when the name fits in 63 bytes and otherwise after a prefix and a hash of
 * it; its partitions are "<relation>#<i>" ('#' cannot appear in a table
 * name, so they never collide with another table's relation).
 *
 *	 CREATE TABLE dynamo_data."T" (pk dynamo.value NOT NULL, sk dynamo.value,
 *	   item dynamo.item NOT NULL, PRIMARY KEY (pk, sk))
 *	   PARTITION BY HASH (pk dynamo.dynamo_hash_ops);
 *	 CREATE TABLE dynamo_data."T#0" PARTITION OF dynamo_data."T"
 *	   FOR VALUES WITH (MODULUS n, REMAINDER 0) USING dynamo; ...
 *
 * A table without a sort key has PRIMARY KEY (pk) and sk always NULL.
 * Its secondary indexes are created with it (catalog_indexes.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "catalog/catalog.h"
#include "errors.h"

static const char *
type_letter(DynamoType type)
{
	return dynamo_type_name(type);
}

/* Create a table: its catalog row and its relations, in the caller's transaction. */
void
catalog_create_table(const CreateTableSpec *spec)
{
	char	   *relation = catalog_relation_name_for(spec->table_name);
	ListCell   *cell;
	const char *qualified;
	StringInfoData sql;
	int			i;

	if (catalog_lookup_table(spec->table_name, true) != NULL)
		dynamo_error(DYNAMO_EXC_RESOURCE_IN_USE, "Table already exists: %s", spec->table_name);

	SPI_connect();
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "INSERT INTO dynamo.tables (table_name, relation_name, table_id, partition_key, "
					 "partition_key_type, sort_key, sort_key_type, attribute_definitions, billing_mode, "
					 "read_capacity_units, write_capacity_units, max_read_request_units, max_write_request_units, "
					 "last_pay_per_request_time, partition_count, version_attribute) "
					 "VALUES (%s, %s, gen_random_uuid(), %s, '%s', %s, %s, %s, '%s', %s, %s, %s, %s, %s, %d, %s)",
					 quote_literal_cstr(spec->table_name), quote_literal_cstr(relation),
					 quote_literal_cstr(spec->partition_key.name), type_letter(spec->partition_key.type),
					 spec->sort_key.name ? quote_literal_cstr(spec->sort_key.name) : "NULL",
					 spec->sort_key.name ? quote_literal_cstr(type_letter(spec->sort_key.type)) : "NULL",
					 quote_literal_cstr(JsonbToCString(NULL, &spec->attribute_definitions->root,
													   VARSIZE(spec->attribute_definitions))),
					 spec->pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED",
					 spec->pay_per_request ? "NULL" : psprintf(INT64_FORMAT, spec->read_capacity_units),
					 spec->pay_per_request ? "NULL" : psprintf(INT64_FORMAT, spec->write_capacity_units),
					 spec->max_read_request_units > 0 ? psprintf(INT64_FORMAT, spec->max_read_request_units) : "NULL",
					 spec->max_write_request_units > 0 ? psprintf(INT64_FORMAT, spec->max_write_request_units) : "NULL",
					 spec->pay_per_request ? "now()" : "NULL",	/* = creation_time */
					 spec->partition_count,
					 spec->version_attribute ? quote_literal_cstr(spec->version_attribute) : "NULL");
	catalog_run_sql(sql.data);

	qualified = quote_qualified_identifier("dynamo_data", relation);
	resetStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE TABLE %s (pk dynamo.value NOT NULL, sk dynamo.value%s, "
					 "item dynamo.item NOT NULL, PRIMARY KEY (pk%s)) "
					 "PARTITION BY HASH (pk dynamo.dynamo_hash_ops)",
					 qualified, spec->sort_key.name ? " NOT NULL" : "",
					 spec->sort_key.name ? ", sk" : "");
	catalog_run_sql(sql.data);
	for (i = 0; i < spec->partition_count; i++)
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql,
						 "CREATE TABLE %s PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d) USING dynamo",
						 quote_qualified_identifier("dynamo_data", psprintf("%s#%d", relation, i)),
						 qualified, spec->partition_count, i);
		catalog_run_sql(sql.data);
	}
	foreach(cell, spec->indexes)
		catalog_create_index(spec->table_name, relation, spec->sort_key.name != NULL,
							 spec->partition_count, spec->pay_per_request, lfirst(cell), false);
	resetStringInfo(&sql);
	appendStringInfo(&sql, "COMMENT ON TABLE %s IS %s", qualified,
					 quote_literal_cstr(psprintf("items of DynamoDB table %s", spec->table_name)));
	catalog_run_sql(sql.data);
	SPI_finish();
}
