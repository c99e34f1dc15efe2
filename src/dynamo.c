/*-------------------------------------------------------------------------
 *
 * dynamo.c
 *	  Module entry point of the dynamo extension: DynamoDB's data model and
 *	  API for PostgreSQL.
 *
 * _PG_init reserves the "dynamo." settings prefix and calls one init
 * function per subsystem.  Subsystems that need shared memory or background
 * workers (capacity, the wire endpoint, TTL) do that work only when loaded
 * through shared_preload_libraries; the SQL doors work either way.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "background.h"
#include "backup/backup.h"
#include "capacity/capacity.h"
#include "capacity/capacity_scaling.h"
#include "catalog/catalog.h"
#include "http/http.h"
#include "ops/ops.h"
#include "storage/storage.h"
#include "streams/streams.h"
#include "streams/streams_api.h"
#include "ttl/ttl.h"
#include "pg_compat.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Load-time initialisation of every subsystem. */
void
_PG_init(void)
{
	catalog_define_settings();
	http_define_settings();
	storage_define_settings();
	ops_define_settings();
	capacity_define_settings();
	capacity_metrics_define_settings();
	capacity_scaling_init();
	streams_define_settings();
	streams_api_define_settings();
	ttl_init();
	backup_define_settings();
	backup_define_s3_settings();
	DynamoReserveGucPrefix("dynamo");
	capacity_install_shmem_hooks();
	http_register_workers();
	storage_register_backfill_launcher();
	streams_register_worker();
	backup_register_worker();
	background_register_launcher();
}
