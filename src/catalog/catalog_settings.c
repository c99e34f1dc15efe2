/*-------------------------------------------------------------------------
 *
 * catalog_settings.c
 *	  The settings of the catalog: the region and account that table ARNs
 *	  name, and the number of partitions of new tables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"

#include "catalog/catalog.h"

char	   *dynamo_region = NULL;
char	   *dynamo_account_id = NULL;
int			dynamo_default_partitions = DYNAMO_DEFAULT_PARTITIONS;

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
}
