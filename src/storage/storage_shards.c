/*-------------------------------------------------------------------------
 *
 * storage_shards.c
 *	  Citus shards on a worker: the local shard of a global secondary
 *	  index's partition that is colocated with the shard of a table's
 *	  partition being written.
 *
 * A distributed table's GSI relations are distributed on their table_pk
 * column, colocated with the table (dynamo.distribute_table,
 * src/sql/85_citus.sql): the entries of an item live in the shards that
 * cover the same hash range of the table's partition key as the item's own
 * shard, on the same node.  So the access method of a worker keeps them in
 * step in the item's own transaction, with local writes only: when it
 * writes shard S of a partition of the table, the entry of GSI partition G
 * goes into G's shard whose hash range is S's (Citus gives colocated shards
 * the same ranges and places them together, and moves them together).
 *
 * The shard of G is looked up in Citus' metadata, which every node of a
 * Citus 11+ cluster has (pg_dist_shard), with shard_name() giving its
 * relation's name (Citus shortens long names), and cached by (S, G) in a
 * backend-local hash table: a shard's id and range never change, and a
 * cached relation that no longer exists (a shard moved away and back, or
 * split) is looked up again.  A relcache invalidation of every relation
 * empties the cache.
 *
 * The bound on lock waits (lock_timeout, which the endpoint and
 * TransactWriteItems set) is the coordinator's; a statement on a distributed
 * table waits for its row lock on a worker, so the bound goes there too, as
 * SET LOCAL statements that Citus sends to the workers of the transaction
 * (storage_bound_remote_lock_waits).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "storage/proc.h"
#include "utils/guc.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "storage/storage.h"

typedef struct ShardKey
{
	int64		shard_id;		/* the table partition's shard being written */
	Oid			relid;			/* the GSI partition (its shell on this node) */
} ShardKey;

typedef struct ShardEntry
{
	ShardKey	key;
	Oid			shard_relid;	/* the GSI partition's colocated shard here */
} ShardEntry;

static HTAB *shard_cache = NULL;
static bool shard_cache_reset = false;

/*
 * A relcache invalidation (called by storage_check.c's callback: a backend
 * has few callback slots): one of every relation empties the cache at the
 * next lookup.
 */
void
storage_shards_invalidate(Oid relid)
{
	if (!OidIsValid(relid))
		shard_cache_reset = true;
}

/* the relation of relid's shard colocated with shard_id, read from Citus' metadata */
static Oid
lookup_colocated_shard(int64 shard_id, Oid relid)
{
	static const char *query =
		"SELECT pg_catalog.to_regclass(pg_catalog.shard_name(g.logicalrelid, g.shardid))::pg_catalog.oid"
		"  FROM pg_catalog.pg_dist_shard s, pg_catalog.pg_dist_shard g"
		" WHERE s.shardid OPERATOR(pg_catalog.=) $1 AND g.logicalrelid OPERATOR(pg_catalog.=) $2"
		"   AND g.shardminvalue OPERATOR(pg_catalog.=) s.shardminvalue"
		"   AND g.shardmaxvalue OPERATOR(pg_catalog.=) s.shardmaxvalue";
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		args[2] = {Int64GetDatum(shard_id), ObjectIdGetDatum(relid)};
	CatalogAccess saved;
	Oid			shard_relid = InvalidOid;
	bool		isnull = true;
	int			ret;

	storage_begin_catalog_access(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args(query, 2, argtypes, args, NULL, true, 2);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading Citus' shards failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 1)
		shard_relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
													 &isnull));
	SPI_finish();
	storage_end_catalog_access(&saved);
	if (isnull || !OidIsValid(shard_relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the shard of relation \"%s\" colocated with shard " INT64_FORMAT " is not on this node",
						get_rel_name(relid), shard_id),
				 errhint("A distributed table's global secondary indexes are distributed colocated with it "
						 "(dynamo.distribute_table).")));
	return shard_relid;
}

/*
 * The relation to write a GSI partition's entries into while writing shard
 * shard_id of a table's partition: its colocated shard when shard_id is
 * not 0 (the write is on a Citus worker), else relid itself.
 */
Oid
storage_colocated_shard(int64 shard_id, Oid relid)
{
	ShardKey	key;
	ShardEntry *entry;
	bool		found;

	if (shard_id == 0)
		return relid;
	if (shard_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(ShardKey);
		ctl.entrysize = sizeof(ShardEntry);
		ctl.hcxt = CacheMemoryContext;
		shard_cache = hash_create("dynamo colocated shards", 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	if (shard_cache_reset)
	{
		HASH_SEQ_STATUS status;

		hash_seq_init(&status, shard_cache);
		while ((entry = hash_seq_search(&status)) != NULL)
			hash_search(shard_cache, &entry->key, HASH_REMOVE, NULL);
		shard_cache_reset = false;
	}

	memset(&key, 0, sizeof(key));
	key.shard_id = shard_id;
	key.relid = relid;
	entry = hash_search(shard_cache, &key, HASH_FIND, NULL);
	if (entry != NULL && SearchSysCacheExists1(RELOID, ObjectIdGetDatum(entry->shard_relid)))
		return entry->shard_relid;

	/* looked up before the entry is made: an error leaves no half-made entry */
	{
		Oid			shard_relid = lookup_colocated_shard(shard_id, relid);

		entry = hash_search(shard_cache, &key, HASH_ENTER, &found);
		entry->shard_relid = shard_relid;
		return shard_relid;
	}
}

/*
 * Give the workers of the current transaction the coordinator's lock_timeout
 * (before a statement that locks a distributed table's row), when it bounds
 * waits and differs from what they were given in this transaction: Citus
 * sends a SET LOCAL of a multi-statement transaction to every worker it
 * uses in it (citus.propagate_set_commands = 'local').
 */
void
storage_bound_remote_lock_waits(void)
{
	static LocalTransactionId given_in = InvalidLocalTransactionId;
	static char given[32];
	const char *current = GetConfigOption("lock_timeout", false, false);

	if (current == NULL || (strcmp(current, "0") == 0 && given_in != MyProc->lxid))
		return;
	if (given_in == MyProc->lxid && strcmp(given, current) == 0)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SET LOCAL citus.propagate_set_commands = 'local'", false, 0) != SPI_OK_UTILITY ||
		SPI_execute(psprintf("SET LOCAL lock_timeout = %s", quote_literal_cstr(current)), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not bound the workers' lock waits");
	SPI_finish();
	given_in = MyProc->lxid;
	strlcpy(given, current, sizeof(given));
}
