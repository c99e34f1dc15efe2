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

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "value/value.h"

#define DYNAMO_TABLE_NAME_MAX		255
#define DYNAMO_DEFAULT_PARTITIONS	8

#define DYNAMO_INDEX_NAME_MAX		255
#define DYNAMO_INDEX_KEY_ATTRIBUTES	4	/* per part (HASH or RANGE) of a GSI key */
#define DYNAMO_MAX_LSIS				5

typedef enum IndexProjection
{
	PROJECTION_KEYS_ONLY,
	PROJECTION_INCLUDE,
	PROJECTION_ALL
} IndexProjection;

/*
 * The capacity settings of a table or a GSI (the billing mode is the
 * table's): provisioned units, and OnDemandThroughput's maximums.
 */
typedef struct Throughput
{
	int64		read_capacity_units;	/* PROVISIONED; 0 when none */
	int64		write_capacity_units;
	int64		max_read_request_units; /* PAY_PER_REQUEST's maximum; -1: none */
	int64		max_write_request_units;
} Throughput;

/*
 * A secondary index of a table, as the data plane needs it.
 *
 * A local secondary index is a partial btree index of the table's own
 * relation on (pk, the index's sort key attribute, sk); a global secondary
 * index is a partitioned relation of its own in dynamo_data (see
 * catalog_indexes.c).  A GSI key may combine up to four HASH and four RANGE
 * attributes; an LSI has the table's partition key and one RANGE attribute.
 */
typedef struct TableIndex
{
	char	   *name;
	bool		global;
	char	   *status;			/* CREATING, ACTIVE, UPDATING, DELETING */
	bool		backfilling;	/* CREATING and not yet filled */
	int			npartition_keys;	/* 1..4; an LSI: 1, the table's */
	char	   *partition_keys[DYNAMO_INDEX_KEY_ATTRIBUTES];
	DynamoType	partition_key_types[DYNAMO_INDEX_KEY_ATTRIBUTES];
	int			nsort_keys;		/* 0..4; an LSI: 1 */
	char	   *sort_keys[DYNAMO_INDEX_KEY_ATTRIBUTES];
	DynamoType	sort_key_types[DYNAMO_INDEX_KEY_ATTRIBUTES];
	IndexProjection projection;
	int			nnon_key_attributes;	/* INCLUDE */
	char	  **non_key_attributes;
	char	   *relation_name;	/* GSI: its relation in dynamo_data; LSI: the btree index's */
	Oid			relid;			/* GSI: the partitioned relation; LSI: the partitioned index */
	int			partition_count;	/* GSI */
	Oid		   *partition_relids;	/* GSI: by hash remainder: "<relation>#<i>" */
	Throughput	throughput;		/* GSI */
	bool		distributed;	/* GSI: distributed by Citus, colocated with its distributed table */
	void	   *capacity_cache; /* the capacity layer's pointers to its buckets (capacity_buckets.c) */
} TableIndex;

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
	int			nindexes;		/* LSIs and GSIs, in creation order */
	TableIndex *indexes;
	bool		has_lsi;
	bool		has_gsi;
	bool		pay_per_request;	/* BillingMode */
	bool		creating;		/* TableStatus CREATING: a restore or an import is filling it */
	bool		distributed;	/* its relation is distributed by Citus: its rows are on other nodes */
	Throughput	throughput;
	void	   *capacity_cache; /* the capacity layer's pointers to its buckets (capacity_buckets.c) */
	MemoryContext context;		/* holds this TableInfo and its strings */
} TableInfo;

/* one KeySchemaElement / AttributeDefinition pair of CreateTable */
typedef struct KeyAttribute
{
	char	   *name;
	DynamoType	type;
} KeyAttribute;

/* one LocalSecondaryIndex or GlobalSecondaryIndex of CreateTable or UpdateTable */
typedef struct IndexSpec
{
	char	   *index_name;
	bool		global;
	int			npartition_keys;
	KeyAttribute partition_keys[DYNAMO_INDEX_KEY_ATTRIBUTES];
	int			nsort_keys;
	KeyAttribute sort_keys[DYNAMO_INDEX_KEY_ATTRIBUTES];
	IndexProjection projection;
	int			nnon_key_attributes;
	char	  **non_key_attributes;
	bool		has_throughput; /* GSI in a PROVISIONED table */
	int64		read_capacity_units;
	int64		write_capacity_units;
	int64		max_read_request_units; /* OnDemandThroughput; -1 when not given */
	int64		max_write_request_units;
} IndexSpec;

/* a StreamSpecification of CreateTable or UpdateTable (src/streams/) */
typedef struct StreamSpec
{
	bool		given;
	bool		enabled;
	const char *view_type;		/* KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES; NULL: not given */
} StreamSpec;

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
	int64		max_read_request_units; /* OnDemandThroughput; -1 when not given */
	int64		max_write_request_units;
	int			partition_count;
	char	   *version_attribute;
	List	   *indexes;		/* IndexSpec *: the LSIs, then the GSIs */
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
	int64		max_read_request_units; /* OnDemandThroughput: -1 not given, 0 cleared */
	int64		max_write_request_units;
	Jsonb	   *attribute_definitions;	/* NULL unless given (needed by a GSI Create) */
	IndexSpec  *create_index;	/* GlobalSecondaryIndexUpdates: at most one Create ... */
	char	   *delete_index;	/* ... or one Delete */
	List	   *update_indexes; /* IndexThroughputUpdate *: the Updates */
} UpdateTableSpec;

/* an Update of GlobalSecondaryIndexUpdates: a GSI's throughput */
typedef struct IndexThroughputUpdate
{
	char	   *index_name;
	bool		has_throughput;
	int64		read_capacity_units;
	int64		write_capacity_units;
	int64		max_read_request_units; /* OnDemandThroughput; -1 when not given */
	int64		max_write_request_units;
} IndexThroughputUpdate;

/* catalog_lookup.c */
extern TableInfo *catalog_lookup_table(const char *table_name, bool missing_ok);
extern void catalog_raise_not_found(const char *table_name, bool name_in_message) pg_attribute_noreturn();
extern void catalog_invalidate_table(Oid relid);
extern bool catalog_relation_is_distributed(Oid relid);
extern bool catalog_citus_present(void);

/* catalog_create.c */
extern void catalog_create_table(const CreateTableSpec *spec);

/* catalog_indexes.c */
extern char *catalog_relation_name_for(const char *name);
extern void catalog_run_sql(const char *sql);
extern char *catalog_index_column(bool partition, int position);
extern void catalog_create_index(const char *table_name, const char *table_relation,
								 bool table_has_sort_key, int partition_count, bool pay_per_request,
								 const IndexSpec *index, bool added_later);
extern void catalog_drop_index_storage(const char *relation_name, bool global);
extern TableIndex *catalog_find_index(const TableInfo *table, const char *index_name);
extern void catalog_apply_index_updates(const TableInfo *table, const UpdateTableSpec *spec,
										char **backfill_relation, char **deleted_index);

/* catalog_describe.c */
extern Jsonb *catalog_describe_table(const char *table_name);
extern Jsonb *catalog_list_tables(const char *exclusive_start, int limit);
extern Jsonb *catalog_copy_jsonb_result(int column);

/* catalog_alter.c */
extern Jsonb *catalog_update_table(const UpdateTableSpec *spec);
extern Jsonb *catalog_delete_table(const char *table_name);
extern void catalog_sync_to_workers(const char *table_name);
extern void catalog_sync_if_distributed(const char *table_name);
extern void catalog_refuse_distributed(const TableInfo *table, const char *what);
extern void catalog_distribute_table(const char *table_name);

/* catalog_settings.c */
extern char *dynamo_region;
extern char *dynamo_account_id;
extern int	dynamo_default_partitions;
extern int	dynamo_max_global_secondary_indexes;
extern int	dynamo_item_collection_size_limit_mb;
extern bool dynamo_distribute_new_tables;
extern void catalog_define_settings(void);

/* ----------------------------------------------------------------
 * The control plane of capacity: UpdateTable's throughput rules and the
 * audit log of control-plane changes.
 * ----------------------------------------------------------------
 */

/* catalog_throughput.c */
typedef struct ThroughputPlan ThroughputPlan;
extern ThroughputPlan *catalog_plan_throughput(const TableInfo *table, const UpdateTableSpec *spec);
extern void catalog_check_throughput_limits(ThroughputPlan *plan, const UpdateTableSpec *spec);
extern void catalog_record_throughput_history(const ThroughputPlan *plan, const UpdateTableSpec *spec);

/* catalog_audit.c */
extern void catalog_audit_record(const char *action, const char *table_name, Jsonb *request,
								 const char *source);
extern void catalog_audit_record_response(const char *action, const char *table_name, Jsonb *request,
										  Jsonb *response, const char *source);
extern const char *catalog_audit_source(void);

#endif							/* DYNAMO_CATALOG_H */
