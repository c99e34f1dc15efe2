/*-------------------------------------------------------------------------
 *
 * catalog_settings.c
 *	  The settings of the catalog: the region and account that table ARNs
 *	  name, the number of partitions of new tables, and the limits of
 *	  secondary indexes that DynamoDB lets an account raise.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "utils/guc.h"

#include "catalog/catalog.h"

char	   *dynamo_region = NULL;
char	   *dynamo_account_id = NULL;
int			dynamo_default_partitions = DYNAMO_DEFAULT_PARTITIONS;
int			dynamo_max_global_secondary_indexes = 20;
int			dynamo_item_collection_size_limit_mb = 10 * 1024;
bool		dynamo_distribute_new_tables = false;

/* Define the dynamo.* settings of the catalog (from _PG_init). */
void
catalog_define_settings(void)
{
	DefineCustomStringVariable("dynamo.region",
							   "Region named in table ARNs.",
							   NULL, &dynamo_region, "us-east-1",
							   PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("dynamo.account_id",
							   "Account ID named in table ARNs.",
							   NULL, &dynamo_account_id, "000000000000",
							   PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.default_partitions",
							"Number of hash partitions of a new table.",
							"A table keeps the count it was created with.",
							&dynamo_default_partitions, DYNAMO_DEFAULT_PARTITIONS, 1, 1024,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.max_global_secondary_indexes",
							"Most global secondary indexes a table may have.",
							"DynamoDB's default quota is 20 per table.",
							&dynamo_max_global_secondary_indexes, 20, 1, 1000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.item_collection_size_limit",
							"Largest item collection of a table with local secondary indexes.",
							"The items of one partition key value and their local index entries; "
							"DynamoDB's limit is 10 GB.",
							&dynamo_item_collection_size_limit_mb, 10 * 1024, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_MB, NULL, NULL, NULL);
	DefineCustomBoolVariable("dynamo.distribute_new_tables",
							 "Distribute new tables with Citus when they can be.",
							 "Tables without a stream, in a database with Citus; "
							 "CreateTable's DynamoOptions.Distributed overrides it.",
							 &dynamo_distribute_new_tables, false, PGC_USERSET, 0, NULL, NULL, NULL);
}
