/*-------------------------------------------------------------------------
 *
 * capacity_shmem.c
 *	  The shared memory of the capacity subsystem: the token buckets
 *	  (capacity_buckets.c) and the per-minute metrics (capacity_metrics.c).
 *
 * Only a library loaded by shared_preload_libraries may ask for shared
 * memory; when dynamo is loaded later (CREATE EXTENSION, LOAD) the hooks
 * are not installed, capacity_shared_memory_ready() stays false, and the
 * operations are metered and reported but never throttled.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"

#include "capacity/capacity.h"

static shmem_request_hook_type previous_shmem_request_hook = NULL;
static shmem_startup_hook_type previous_shmem_startup_hook = NULL;
static bool ShmemReady = false;

static void
capacity_shmem_request(void)
{
	if (previous_shmem_request_hook)
		previous_shmem_request_hook();
	RequestAddinShmemSpace(capacity_buckets_shmem_size());
	RequestAddinShmemSpace(capacity_metrics_shmem_size());
	RequestNamedLWLockTranche("dynamo capacity", 2);	/* [0] buckets, [1] metrics */
}

static void
capacity_shmem_startup(void)
{
	if (previous_shmem_startup_hook)
		previous_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	capacity_buckets_shmem_startup();
	capacity_metrics_shmem_startup();
	LWLockRelease(AddinShmemInitLock);
	ShmemReady = true;
}

/* Install the shared memory hooks, when dynamo is being preloaded. */
void
capacity_install_shmem_hooks(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	previous_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = capacity_shmem_request;
	previous_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = capacity_shmem_startup;
}

/* whether the buckets and metrics are in shared memory */
bool
capacity_shared_memory_ready(void)
{
	return ShmemReady;
}
