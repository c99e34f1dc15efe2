/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  DynamoDB table metadata and the control-plane operations: CreateTable,
 *	  DescribeTable, ListTables, UpdateTable, DeleteTable.
 *
 * Metadata lives in dynamo.tables (src/sql/50_catalog.sql); each table's
 * items live in one partitioned relation in schema dynamo_data.  Lookups by
 * table name are cached per backend; the cache entry of a table is dropped
 * on any relcache invalidation of its relation, which DeleteTable (DROP)
 * and UpdateTable (an explicit invalidation) cause.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_CATALOG_H
#define DYNAMO_CATALOG_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "value/value.h"

#define DYNAMO_TABLE_NAME_MAX		255
#define DYNAMO_DEFAULT_PARTITIONS	8

/* a table's metadata, as the data plane needs it */
typedef struct TableInfo
{
	char		table_name[DYNAMO_TABLE_NAME_MAX + 1];
	Oid			relid;			/* the partitioned relation in dynamo_data */
	char	   *relation_name;
	char	   *partition_key;
	DynamoType	partition_key_type;
	char	   *sort_key;		/* NULL when the table has none */
	DynamoType	sort_key_type;
	char	   *version_attribute;	/* NULL unless optimistic locking is on */
	int			partition_count;
	Oid		   *partition_relids;	/* by hash remainder: "<relation>#<i>" */
	MemoryContext context;		/* holds this TableInfo and its strings */
} TableInfo;

/* one KeySchemaElement / AttributeDefinition pair of CreateTable */
typedef struct KeyAttribute
{
	char	   *name;
	DynamoType	type;
} KeyAttribute;

/* CreateTable, parsed and validated by the API layer */
typedef struct CreateTableSpec
{
	char	   *table_name;
	KeyAttribute partition_key;
	KeyAttribute sort_key;		/* name NULL when none */
	Jsonb	   *attribute_definitions;
	bool		pay_per_request;
	int64		read_capacity_units;
	int64		write_capacity_units;
	int			partition_count;
	char	   *version_attribute;
} CreateTableSpec;

/* UpdateTable's billing and throughput changes */
typedef struct UpdateTableSpec
{
	char	   *table_name;
	bool		set_billing_mode;
	bool		pay_per_request;
	bool		set_throughput;
	int64		read_capacity_units;
	int64		write_capacity_units;
} UpdateTableSpec;

/* catalog_lookup.c */
extern TableInfo *catalog_lookup_table(const char *table_name, bool missing_ok);
extern void catalog_raise_not_found(const char *table_name, bool name_in_message) pg_attribute_noreturn();
extern void catalog_invalidate_table(Oid relid);

/* catalog_create.c */
extern void catalog_create_table(const CreateTableSpec *spec);

/* catalog_describe.c */
extern Jsonb *catalog_describe_table(const char *table_name);
extern Jsonb *catalog_list_tables(const char *exclusive_start, int limit);
extern Jsonb *catalog_copy_jsonb_result(int column);

/* catalog_alter.c */
extern Jsonb *catalog_update_table(const UpdateTableSpec *spec);
extern Jsonb *catalog_delete_table(const char *table_name);

/* catalog_settings.c */
extern char *dynamo_region;
extern char *dynamo_account_id;
extern int	dynamo_default_partitions;
extern void catalog_define_settings(void);

#endif							/* DYNAMO_CATALOG_H */
