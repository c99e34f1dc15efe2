/*-------------------------------------------------------------------------
 *
 * streams_capture.c
 *	  The capture worker: reads the changes of dynamo tables from the WAL
 *	  through the "dynamo" output plugin and stores the stream records of
 *	  the tables whose stream was enabled when the change committed.
 *
 * One worker runs per database that has streams (wal_level must be logical
 * and, in the minor releases that have the setting, output_plugin_libraries
 * must name dynamo): at server start the launcher (src/background.c)
 * starts one in every database, which leaves where there is nothing to
 * capture, and enabling a stream starts one (a second one in a database
 * leaves too: the first holds an advisory lock).  Every
 * dynamo.stream_poll_interval it:
 *
 *	 1. creates the replication slot "dynamo_streams" when a stream exists
 *		and the slot does not (in a transaction that has written nothing, as
 *		slot creation requires), and makes ENABLING streams ENABLED from the
 *		slot's position on: their tables stay UPDATING until then, so a
 *		client that waits for ACTIVE writes only what the stream will see;
 *	 2. peeks at the decoded changes, and in one transaction stores a record
 *		per change (in the open shard of the change's partition, opening
 *		one when there is none) with ON CONFLICT DO NOTHING, and NOTIFYs
 *		channel dynamo_streams with each table's name;
 *	 3. then, in another transaction, advances the slot past them.
 *
 * The sequence number of a record is its transaction's commit LSN * 2^32
 * plus its place in the transaction: records are numbered in commit order
 * and, since the worker stores them in commit order one batch after the
 * other, a reader never finds a new record below one it has read.  A crash
 * between 2 and 3 decodes the same changes again, which are the same rows.
 *
 * Once a minute it trims records older than dynamo.stream_retention, closes
 * shards older than dynamo.stream_shard_seconds (the next change of their
 * partition opens a child) and the shards of disabled streams whose last
 * change has been read, and drops the slot when no stream is left, so that
 * the WAL is not kept for nothing.
 *
 * An error ends the worker; the postmaster starts it again after
 * five seconds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/heapam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "catalog/namespace.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/pg_lsn.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "background.h"
#include "http/http.h"
#include "streams/streams.h"
#include "value/value.h"

PGDLLEXPORT void dynamo_streams_capture_main(Datum arg);

static int	stream_poll_interval = 100;
int			dynamo_stream_retention_hours = 24;
static int	stream_shard_seconds = 4 * 3600;
static int	stream_batch_changes = 10000;

void
streams_define_settings(void)
{
	DefineCustomIntVariable("dynamo.stream_poll_interval",
							"How often the streams capture reads the WAL.",
							NULL, &stream_poll_interval, 100, 10, 60000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.stream_retention",
							"Hours stream records are kept.",
							NULL, &dynamo_stream_retention_hours, 24, 1, 24 * 365, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.stream_shard_seconds",
							"Age at which a stream shard is closed and a child opened.",
							NULL, &stream_shard_seconds, 4 * 3600, 1, INT_MAX, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);
}

/*
 * Start the capture worker of this database once the transaction commits
 * (it leaves at once when one runs there already).
 */
void
streams_start_capture(Oid database)
{
	Assert(database == MyDatabaseId);
	background_start_at_commit("dynamo_streams_capture_main");
}

/* Add the capture to the per-database workers (when preloaded). */
void
streams_register_worker(void)
{
	BackgroundSpec spec = {"dynamo_streams_capture_main", "dynamo streams capture", NULL, 5};

	if (process_shared_preload_libraries_in_progress)
		background_add_database_worker(&spec);
}

/* run a statement of the worker; ERROR unless it returns expected */
static void
run(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, int expected)
{
	int			ret = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);

	if (ret != expected)
		elog(ERROR, "dynamo streams capture: \"%s\" failed: %s", sql, SPI_result_code_string(ret));
}

/* the first column of the first row, as text; NULL when none */
static char *
first_value(void)
{
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* a table's stream as a change of it needs it */
typedef struct TableStream
{
	char		relation[NAMEDATALEN];	/* the table's relation in dynamo_data */
	bool		found;
	char	   *table_name;
	char	   *label;
	char	   *view_type;
	char	   *partition_key;
	char	   *sort_key;
	char	   *looked_up_lsn;	/* the commit LSN the lookup was for */
	char	   *shards[1024];	/* the open shard of each partition, once looked up */
} TableStream;

static char *look_up_shard(const TableStream *stream, int partition, const char *commit_lsn, uint32 position);

/* a table's point-in-time recovery history as a change of it needs it */
typedef struct TableHistory
{
	bool		any;			/* some table of the database has a history (else no lookups) */
	char		relation[NAMEDATALEN];	/* the table's relation in dynamo_data */
	char	   *looked_up_lsn;	/* the commit LSN the lookup was for */
	bool		found;
	char	   *table_id;
} TableHistory;

/* a reader of the plugin's messages */
typedef struct Reader
{
	const char *data;
	uint32		len;
	uint32		at;
} Reader;

static void
read_bytes(Reader *reader, void *out, uint32 n)
{
	if (reader->at + n > reader->len)
		elog(ERROR, "dynamo streams capture: a truncated change message");
	memcpy(out, reader->data + reader->at, n);
	reader->at += n;
}

/* an item field: NULL when absent; *unchanged for an unchanged new item */
static struct varlena *
read_item(Reader *reader, bool *unchanged)
{
	uint32		len;
	struct varlena *item;

	*unchanged = false;
	read_bytes(reader, &len, sizeof(len));
	if (len == STREAMS_ITEM_ABSENT)
		return NULL;
	if (len == STREAMS_ITEM_UNCHANGED)
	{
		*unchanged = true;
		return NULL;
	}
	if (reader->at + len > reader->len)
		elog(ERROR, "dynamo streams capture: a truncated item");
	item = dynamo_value_to_varlena((const uint8 *) reader->data + reader->at, len);
	reader->at += len;
	return item;
}

/* the stream a change of a table's relation at this commit LSN belongs to */
static void
lookup_stream(const char *relation, const char *commit_lsn, TableStream *stream)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(relation), CStringGetTextDatum(commit_lsn)};
	MemoryContext context = CurrentMemoryContext;
	static SPIPlanPtr plan = NULL;
	int			ret;

	memset(stream, 0, sizeof(*stream));
	strlcpy(stream->relation, relation, sizeof(stream->relation));

	if (plan == NULL)
	{
		/* kept for the worker's life (a dropped extension ends the worker) */
		plan = SPI_prepare("SELECT s.table_name, s.stream_label, s.view_type, t.partition_key, t.sort_key"
						   "  FROM dynamo.tables t JOIN dynamo.streams s USING (table_name)"
						   " WHERE t.relation_name = $1 AND s.start_lsn IS NOT NULL AND s.start_lsn < $2::pg_lsn"
						   "   AND (s.end_lsn IS NULL OR $2::pg_lsn <= s.end_lsn)", 2, types);
		if (plan == NULL)
			elog(ERROR, "dynamo streams capture: could not prepare the stream lookup");
		SPI_keepplan(plan);
	}
	ret = SPI_execute_plan(plan, values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "dynamo streams capture: the stream lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		return;
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext old = MemoryContextSwitchTo(context);

		stream->found = true;
		stream->table_name = pstrdup(SPI_getvalue(row, desc, 1));
		stream->label = pstrdup(SPI_getvalue(row, desc, 2));
		stream->view_type = pstrdup(SPI_getvalue(row, desc, 3));
		stream->partition_key = pstrdup(SPI_getvalue(row, desc, 4));
		stream->sort_key = SPI_getvalue(row, desc, 5) ? pstrdup(SPI_getvalue(row, desc, 5)) : NULL;
		MemoryContextSwitchTo(old);
	}
}

/* the open shard of a stream's partition, opened when there is none */
static char *
open_shard(TableStream *stream, int partition, const char *commit_lsn, uint32 position)
{
	char	   *shard;

	if (partition >= 0 && partition < lengthof(stream->shards) && stream->shards[partition] != NULL)
		return stream->shards[partition];
	shard = look_up_shard(stream, partition, commit_lsn, position);
	if (partition >= 0 && partition < lengthof(stream->shards))
		stream->shards[partition] = shard;
	return shard;
}

/* the open shard of a stream's partition, from the catalog; opened when there is none */
static char *
look_up_shard(const TableStream *stream, int partition, const char *commit_lsn, uint32 position)
{
	Oid			types[5] = {TEXTOID, TEXTOID, INT4OID, TEXTOID, INT8OID};
	Datum		values[5] = {CStringGetTextDatum(stream->table_name), CStringGetTextDatum(stream->label),
		Int32GetDatum(partition), CStringGetTextDatum(commit_lsn), Int64GetDatum(position)};
	MemoryContext context = CurrentMemoryContext;
	char	   *shard;

	run("SELECT shard_id FROM dynamo.stream_shards"
		" WHERE table_name = $1 AND stream_label = $2 AND partition = $3 AND ending_sequence_number IS NULL",
		3, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		run("INSERT INTO dynamo.stream_shards (shard_id, table_name, stream_label, partition, parent_shard_id,"
			"                                  starting_sequence_number)"
			" SELECT dynamo.stream_shard_id($1, $2, $3, clock_timestamp()), $1, $2, $3,"
			"        (SELECT shard_id FROM dynamo.stream_shards"
			"          WHERE table_name = $1 AND stream_label = $2 AND partition = $3"
			"          ORDER BY starting_sequence_number DESC LIMIT 1),"
			"        ($4::pg_lsn - '0/0'::pg_lsn) * 4294967296 + $5"
			" RETURNING shard_id",
			5, types, values, NULL, SPI_OK_INSERT_RETURNING);
	shard = first_value();
	return MemoryContextStrdup(context, shard);
}

/* the type dynamo.item */
static Oid
item_type_oid(void)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("item"),
						   ObjectIdGetDatum(get_namespace_oid("dynamo", false)));
}

/* the keys of an item: its key attributes */
static struct varlena *
keys_of(const TableStream *stream, struct varlena *item)
{
	const char *names[2] = {stream->partition_key, stream->sort_key};

	return dynamo_map_select(dynamo_value_from_varlena(item), names, stream->sort_key ? 2 : 1);
}

static bool
same_item(struct varlena *a, struct varlena *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* the history a change of a table's relation at this commit LSN belongs to */
static void
lookup_history(const char *relation, const char *commit_lsn, TableHistory *history)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(relation), CStringGetTextDatum(commit_lsn)};
	MemoryContext context = CurrentMemoryContext;
	static SPIPlanPtr plan = NULL;
	int			ret;

	memset(history, 0, sizeof(*history));
	history->any = true;
	strlcpy(history->relation, relation, sizeof(history->relation));
	history->looked_up_lsn = pstrdup(commit_lsn);
	if (plan == NULL)
	{
		plan = SPI_prepare("SELECT c.table_id::text FROM dynamo.tables t JOIN dynamo.continuous_backups c"
						   "    ON c.table_name = t.table_name AND c.table_id = t.table_id"
						   " WHERE t.relation_name = $1 AND c.status <> 'DISABLED'"
						   "   AND c.start_lsn IS NOT NULL AND c.start_lsn <= $2::pg_lsn", 2, types);
		if (plan == NULL)
			elog(ERROR, "dynamo streams capture: could not prepare the history lookup");
		SPI_keepplan(plan);
	}
	ret = SPI_execute_plan(plan, values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "dynamo streams capture: the history lookup failed: %s", SPI_result_code_string(ret));
	if (SPI_processed == 0)
		return;
	history->found = true;
	history->table_id = MemoryContextStrdup(context, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
}

/* the type dynamo.value */
static Oid
value_type_oid(void)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("value"),
						   ObjectIdGetDatum(get_namespace_oid("dynamo", false)));
}

/*
 * Store a change in a table's point-in-time recovery history: the item as
 * the change left it (NULL: deleted).  A key column the decoder could not
 * give (stored out of line, unchanged) comes from the new item's key
 * attributes.
 */
static void
store_history(const TableHistory *history, const char *lsn_text, uint32 position, int64 commit_time,
			  struct varlena *pk, struct varlena *sk, struct varlena *new_item)
{
	static SPIPlanPtr plan = NULL;
	Datum		values[7];
	char		nulls[8] = "       ";
	int			ret;

	if (plan == NULL)
	{
		Oid			value_type = value_type_oid();
		Oid			types[7] = {TEXTOID, TEXTOID, INT8OID, TIMESTAMPTZOID, value_type, value_type, item_type_oid()};

		plan = SPI_prepare("INSERT INTO dynamo.pitr_changes AS p"
						   " SELECT $1::uuid, ($2::pg_lsn - '0/0'::pg_lsn) * 4294967296 + $3, $4,"
						   "        coalesce($5, dynamo.get($7, t.partition_key)),"
						   "        CASE WHEN t.sort_key IS NOT NULL THEN coalesce($6, dynamo.get($7, t.sort_key)) END, $7"
						   "   FROM dynamo.tables t WHERE t.table_id = $1::uuid"
						   " ON CONFLICT DO NOTHING", 7, types);
		if (plan == NULL)
			elog(ERROR, "dynamo streams capture: could not prepare the history insert");
		SPI_keepplan(plan);
	}
	values[0] = CStringGetTextDatum(history->table_id);
	values[1] = CStringGetTextDatum(lsn_text);
	values[2] = Int64GetDatum(position);
	values[3] = TimestampTzGetDatum((TimestampTz) commit_time);
	values[4] = PointerGetDatum(pk);
	values[5] = PointerGetDatum(sk);
	values[6] = PointerGetDatum(new_item);
	if (pk == NULL)
		nulls[4] = 'n';
	if (sk == NULL)
		nulls[5] = 'n';
	if (new_item == NULL)
		nulls[6] = 'n';
	ret = SPI_execute_plan(plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "dynamo streams capture: storing a change of the history failed: %s",
			 SPI_result_code_string(ret));
}

/*
 * Store the record of one change message; false when it is not in any
 * stream (or changed nothing).  *table gets the table's name when stored.
 * The change also joins its table's point-in-time recovery history, when
 * the table has one.
 */
static bool
store_change(Reader *reader, TableStream *cache, TableHistory *history, char **table)
{
	uint64		lsn;
	uint32		position;
	int64		commit_time;
	uint8		by_service;
	uint8		action;
	uint32		len;
	char		name[NAMEDATALEN * 2];
	char	   *hash;
	int			partition;
	struct varlena *old_item;
	struct varlena *new_item;
	bool		unchanged;
	bool		old_unchanged;
	const char *event;
	char		lsn_text[32];
	bool		want_new;
	bool		want_old;
	struct varlena *keys;
	int64		size;
	struct varlena *pk;
	struct varlena *sk;
	bool		pk_unchanged;
	bool		sk_unchanged;

	read_bytes(reader, &lsn, sizeof(lsn));
	read_bytes(reader, &position, sizeof(position));
	read_bytes(reader, &commit_time, sizeof(commit_time));
	read_bytes(reader, &by_service, sizeof(by_service));
	read_bytes(reader, &action, sizeof(action));
	read_bytes(reader, &len, sizeof(len));
	if (len >= sizeof(name))
		elog(ERROR, "dynamo streams capture: a relation name too long");
	read_bytes(reader, name, len);
	name[len] = '\0';
	old_item = read_item(reader, &old_unchanged);
	new_item = read_item(reader, &unchanged);
	pk = read_item(reader, &pk_unchanged);
	sk = read_item(reader, &sk_unchanged);

	/* "<relation>#<partition>" */
	hash = strrchr(name, '#');
	if (hash == NULL)
		return false;
	*hash = '\0';
	partition = atoi(hash + 1);
	snprintf(lsn_text, sizeof(lsn_text), "%X/%X", (uint32) (lsn >> 32), (uint32) lsn);

	/* point-in-time recovery: every change but a write of nothing (an unchanged out-of-line item) */
	if (history->any && (strcmp(history->relation, name) != 0 || history->looked_up_lsn == NULL ||
						 strcmp(history->looked_up_lsn, lsn_text) != 0))
		lookup_history(name, lsn_text, history);
	if (history->found && !(action == 'U' && unchanged))
		store_history(history, lsn_text, position, commit_time, pk, sk,
					  action == 'D' ? NULL : new_item);

	if (strcmp(cache->relation, name) != 0 || cache->looked_up_lsn == NULL ||
		strcmp(cache->looked_up_lsn, lsn_text) != 0)
	{
		TableStream previous = *cache;

		lookup_stream(name, lsn_text, cache);
		cache->looked_up_lsn = pstrdup(lsn_text);
		/* the same stream as before: its shards are still open (shards close only in maintenance) */
		if (cache->found && previous.found && strcmp(previous.relation, cache->relation) == 0 &&
			strcmp(previous.label, cache->label) == 0)
			memcpy(cache->shards, previous.shards, sizeof(cache->shards));
	}
	if (!cache->found)
		return false;

	if (unchanged)
		new_item = old_item;
	if (old_item == NULL && new_item == NULL)
		return false;
	if (old_item == NULL)
		event = "INSERT";
	else if (new_item == NULL)
		event = "REMOVE";
	else if (same_item(old_item, new_item))
		return false;			/* a write that changed nothing: no record */
	else
		event = "MODIFY";
	(void) action;

	keys = keys_of(cache, new_item != NULL ? new_item : old_item);
	want_new = new_item != NULL && (strcmp(cache->view_type, "NEW_IMAGE") == 0 ||
									strcmp(cache->view_type, "NEW_AND_OLD_IMAGES") == 0);
	want_old = old_item != NULL && (strcmp(cache->view_type, "OLD_IMAGE") == 0 ||
									strcmp(cache->view_type, "NEW_AND_OLD_IMAGES") == 0);
	size = dynamo_item_size(dynamo_value_from_varlena(keys)) +
		(want_new ? dynamo_item_size(dynamo_value_from_varlena(new_item)) : 0) +
		(want_old ? dynamo_item_size(dynamo_value_from_varlena(old_item)) : 0);

	{
		char	   *shard = open_shard(cache, partition, lsn_text, position);
		Oid			item_type = item_type_oid();
		Oid			types[9] = {TEXTOID, TEXTOID, INT8OID, TEXTOID, TIMESTAMPTZOID, item_type, item_type, item_type,
		INT4OID};
		Datum		values[9];
		char		nulls[10] = "         ";

		values[0] = CStringGetTextDatum(shard);
		values[1] = CStringGetTextDatum(lsn_text);
		values[2] = Int64GetDatum(position);
		values[3] = CStringGetTextDatum(event);
		values[4] = TimestampTzGetDatum((TimestampTz) commit_time);
		values[5] = PointerGetDatum(keys);
		values[6] = want_new ? PointerGetDatum(new_item) : (Datum) 0;
		values[7] = want_old ? PointerGetDatum(old_item) : (Datum) 0;
		values[8] = Int32GetDatum((int32) Min(size, INT_MAX));
		if (!want_new)
			nulls[6] = 'n';
		if (!want_old)
			nulls[7] = 'n';
		{
			/* one plan, kept for the worker's life (a dropped extension ends the worker) */
			static SPIPlanPtr insert_plan = NULL;
			Datum		args[10];
			char		arg_nulls[11];
			Oid			arg_types[10];
			int			ret;

			if (insert_plan == NULL)
			{
				memcpy(arg_types, types, sizeof(types));
				arg_types[9] = BOOLOID;
				insert_plan = SPI_prepare("INSERT INTO dynamo.stream_records"
										  " VALUES ($1, ($2::pg_lsn - '0/0'::pg_lsn) * 4294967296 + $3, $4, $5,"
										  "         $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
										  10, arg_types);
				if (insert_plan == NULL)
					elog(ERROR, "dynamo streams capture: could not prepare the record insert");
				SPI_keepplan(insert_plan);
			}
			memcpy(args, values, sizeof(values));
			args[9] = BoolGetDatum(by_service != 0);
			memcpy(arg_nulls, nulls, 9);
			arg_nulls[9] = ' ';
			arg_nulls[10] = '\0';
			ret = SPI_execute_plan(insert_plan, args, arg_nulls, false, 0);
			if (ret != SPI_OK_INSERT)
				elog(ERROR, "dynamo streams capture: storing a record failed: %s", SPI_result_code_string(ret));
		}
	}
	*table = cache->table_name;
	return true;
}

/* this database's slot: dynamo_streams_<database OID> (slots are the cluster's) */
static char SlotName[NAMEDATALEN];

/* a statement about the slot: %1$s is its name */
static const char *
slot_sql(const char *format)
{
	return psprintf(format, SlotName);
}

/* whether the slot exists in this database */
static bool
slot_exists(void)
{
	run(slot_sql("SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = '%1$s'"
		" AND database = current_database()"), 0, NULL, NULL, NULL, SPI_OK_SELECT);
	return SPI_processed > 0;
}

/* whether this database has neither dynamo, nor a stream, nor the slot */
static bool
nothing_to_do(void)
{
	bool		nothing;

	background_begin_step();
	run("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", 0, NULL, NULL, NULL, SPI_OK_SELECT);
	nothing = (SPI_processed == 0);
	if (!nothing)
	{
		run("SELECT 1 WHERE EXISTS (SELECT FROM dynamo.streams)"
			" OR EXISTS (SELECT FROM dynamo.continuous_backups WHERE status <> 'DISABLED')",
			0, NULL, NULL, NULL, SPI_OK_SELECT);
		nothing = (SPI_processed == 0) && !slot_exists();
	}
	background_end_step();
	return nothing;
}

static bool
something_to_do(void)
{
	return !nothing_to_do();
}

/*
 * Step 1: the slot, and ENABLING streams made ENABLED.  Returns whether
 * there is a slot to read.
 */
static bool
prepare_slot(void)
{
	bool		exists;
	bool		wanted;
	static bool warned = false;

	background_begin_step();
	run("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", 0, NULL, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
	{
		background_end_step();
		return false;
	}
	exists = slot_exists();
	run("SELECT 1 WHERE EXISTS (SELECT FROM dynamo.streams WHERE status IN ('ENABLING', 'ENABLED'))"
		" OR EXISTS (SELECT FROM dynamo.continuous_backups WHERE status <> 'DISABLED')",
		0, NULL, NULL, NULL, SPI_OK_SELECT);
	wanted = SPI_processed > 0;
	if (!exists && wanted)
	{
		/*
		 * wal_level logical, and (in the minor releases that have the setting)
		 * the "dynamo" output plugin allowed by output_plugin_libraries
		 */
		run("SELECT current_setting('wal_level') = 'logical',"
			"       coalesce('dynamo' = ANY (string_to_array(replace(current_setting('output_plugin_libraries', true),"
			"                                                        ' ', ''), ',')), true)",
			0, NULL, NULL, NULL, SPI_OK_SELECT);
		if (strcmp(first_value(), "t") != 0 ||
			strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), "t") != 0)
		{
			if (!warned)
				ereport(WARNING,
						(errmsg("dynamo streams need wal_level = logical and the dynamo output plugin allowed; "
								"no stream records are captured"),
						 errhint("Set wal_level = logical (restart) and add dynamo to output_plugin_libraries "
								 "(e.g. 'pgoutput, test_decoding, dynamo'; reload).")));
			warned = true;
			background_end_step();
			return false;
		}
		/* nothing written in this transaction yet, as slot creation requires */
		run(slot_sql("SELECT pg_catalog.pg_create_logical_replication_slot('%1$s', 'dynamo')"),
			0, NULL, NULL, NULL, SPI_OK_SELECT);
		exists = true;
		ereport(LOG, (errmsg("dynamo streams: created replication slot \"%s\"", SlotName)));

		/*
		 * A new slot reads from now on: a point-in-time recovery history that
		 * had started (with a slot since lost, or in the cluster this one was
		 * recovered from) may miss the changes in between, so it starts anew
		 * (ENABLING, a new base copy; the job worker drops the old one).
		 */
		run("SELECT dynamo.restart_pitr_histories(false)", 0, NULL, NULL, NULL, SPI_OK_SELECT);
		if (strcmp(first_value(), "0") != 0)
			ereport(LOG, (errmsg("dynamo streams: the point-in-time recovery history of %s table(s) starts anew "
								 "with the new replication slot", first_value())));
	}
	if (exists)
		run(slot_sql("UPDATE dynamo.continuous_backups"
			"   SET start_lsn = greatest((SELECT confirmed_flush_lsn FROM pg_catalog.pg_replication_slots"
			"                              WHERE slot_name = '%1$s'"
			"                                AND database = current_database()),"
			"                            pg_catalog.pg_current_wal_insert_lsn()),"
			"       system_identifier = (SELECT system_identifier FROM pg_catalog.pg_control_system())"
			" WHERE status <> 'DISABLED' AND start_lsn IS NULL"), 0, NULL, NULL, NULL, SPI_OK_UPDATE);
	if (exists)
		run(slot_sql("UPDATE dynamo.streams SET status = 'ENABLED',"
			"       start_lsn = greatest((SELECT confirmed_flush_lsn FROM pg_catalog.pg_replication_slots"
			"                              WHERE slot_name = '%1$s'"
			"                                AND database = current_database()),"
			"                            pg_catalog.pg_current_wal_insert_lsn())"
			" WHERE status = 'ENABLING'"), 0, NULL, NULL, NULL, SPI_OK_UPDATE);
	background_end_step();
	return exists;
}

/*
 * Log the error being raised, which was raised while log_min_messages was
 * fatal (whether an error is logged is decided when it is raised): the
 * caller re-throws it, and the worker exits on it.
 */
static void
log_quiet_error(void)
{
	MemoryContext context = MemoryContextSwitchTo(CurTransactionContext);	/* not ErrorContext */
	ErrorData  *error = CopyErrorData();

	MemoryContextSwitchTo(context);
	ereport(LOG, (errmsg("dynamo streams capture: %s", error->message),
				  error->detail ? errdetail_internal("%s", error->detail) : 0));
	FreeErrorData(error);
}

/*
 * Peek at the slot's changes.  Every decoding start logs "starting logical
 * decoding for slot" at LOG, ten times a second here: the server log is
 * spared it (log_min_messages is raised for the call), errors are not (it
 * is put back before they are reported).
 */
static void
peek_changes(Oid *types, Datum *values)
{
	int			nest_level = NewGUCNestLevel();

	(void) set_config_option("log_min_messages", "fatal", PGC_SUSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	PG_TRY();
	{
		run(slot_sql("SELECT data FROM pg_catalog.pg_logical_slot_peek_binary_changes('%1$s', NULL, $1)"),
			1, types, values, NULL, SPI_OK_SELECT);
	}
	PG_CATCH();
	{
		AtEOXact_GUC(false, nest_level);
		log_quiet_error();
		PG_RE_THROW();
	}
	PG_END_TRY();
	AtEOXact_GUC(true, nest_level);
}

/* Step 2 and 3: store what the slot has, then advance it.  Returns the changes read. */
static uint64
capture_changes(void)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(stream_batch_changes)};
	uint64		rows;
	uint64		n;
	char	   *advance_to = NULL;
	List	   *notified = NIL;
	TableStream cache;
	TableHistory history;
	MemoryContext step_context;
	char	   *read_to;

	background_begin_step();
	step_context = CurrentMemoryContext;
	memset(&cache, 0, sizeof(cache));
	memset(&history, 0, sizeof(history));
	run("SELECT 1 FROM dynamo.continuous_backups WHERE status <> 'DISABLED' LIMIT 1",
		0, NULL, NULL, NULL, SPI_OK_SELECT);
	history.any = SPI_processed > 0;
	/* every transaction that committed before this (flushed) is in what the peek returns, unless a full batch */
	run("SELECT pg_catalog.pg_current_wal_flush_lsn()::text", 0, NULL, NULL, NULL, SPI_OK_SELECT);
	read_to = MemoryContextStrdup(step_context, first_value());
	peek_changes(types, values);
	rows = SPI_processed;
	if (rows > 0)
	{
		SPITupleTable *changes = SPI_tuptable;

		for (n = 0; n < rows; n++)
		{
			bool		isnull;
			bytea	   *data = DatumGetByteaPP(SPI_getbinval(changes->vals[n], changes->tupdesc, 1, &isnull));
			Reader		reader;
			char		kind;

			reader.data = VARDATA_ANY(data);
			reader.len = VARSIZE_ANY_EXHDR(data);
			reader.at = 0;
			read_bytes(&reader, &kind, 1);
			if (kind == 'E')
			{
				uint64		end;
				char		text[32];

				read_bytes(&reader, &end, sizeof(end));
				snprintf(text, sizeof(text), "%X/%X", (uint32) (end >> 32), (uint32) end);
				advance_to = MemoryContextStrdup(step_context, text);
			}
			else if (kind == 'C')
			{
				char	   *table = NULL;
				MemoryContext old = MemoryContextSwitchTo(step_context);

				if (store_change(&reader, &cache, &history, &table) && !list_member(notified, makeString(table)))
					notified = lappend(notified, makeString(pstrdup(table)));
				MemoryContextSwitchTo(old);
			}
		}
	}
	{
		ListCell   *cell;

		foreach(cell, notified)
		{
			Oid			ntypes[1] = {TEXTOID};
			Datum		nvalues[1] = {CStringGetTextDatum(strVal(lfirst(cell)))};

			run("SELECT pg_catalog.pg_notify('" STREAMS_NOTIFY_CHANNEL "', $1)", 1, ntypes, nvalues, NULL,
				SPI_OK_SELECT);
		}
	}
	/*
	 * A round that read everything there was may advance the slot to where
	 * it began reading (when that is further), even without changes: the
	 * WAL of other relations is released, and a point-in-time restore
	 * waiting for the capture to pass its position sees it pass.
	 */
	if (rows < (uint64) stream_batch_changes)
	{
		Oid			ltypes[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		lvalues[3] = {CStringGetTextDatum(read_to),
			CStringGetTextDatum(advance_to ? advance_to : "0/0"), CStringGetTextDatum(SlotName)};

		run("SELECT greatest($1::pg_lsn, $2::pg_lsn)::text FROM pg_catalog.pg_replication_slots"
			" WHERE slot_name = $3 AND greatest($1::pg_lsn, $2::pg_lsn) > confirmed_flush_lsn",
			3, ltypes, lvalues, NULL, SPI_OK_SELECT);
		advance_to = SPI_processed > 0 ? MemoryContextStrdup(step_context, first_value()) : NULL;
	}
	advance_to = advance_to ? MemoryContextStrdup(TopMemoryContext, advance_to) : NULL;
	background_end_step();

	if (advance_to != NULL)
	{
		Oid			atypes[1] = {TEXTOID};
		Datum		avalues[1];

		background_begin_step();
		avalues[0] = CStringGetTextDatum(advance_to);
		{
			int			nest_level = NewGUCNestLevel();

			/* advancing decodes too, and says so at LOG */
			(void) set_config_option("log_min_messages", "fatal", PGC_SUSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
			PG_TRY();
			{
				run(slot_sql("SELECT pg_catalog.pg_replication_slot_advance('%1$s', $1::pg_lsn)"),
					1, atypes, avalues, NULL, SPI_OK_SELECT);
			}
			PG_CATCH();
			{
				AtEOXact_GUC(false, nest_level);
				log_quiet_error();
				PG_RE_THROW();
			}
			PG_END_TRY();
			AtEOXact_GUC(true, nest_level);
		}
		background_end_step();
		pfree(advance_to);
	}
	return rows;
}

/* Once a minute: trim, roll and close shards, drop an unused slot. */
static void
maintain(bool read_nothing)
{
	Oid			types[2] = {INT4OID, INT4OID};
	Datum		values[2] = {Int32GetDatum(dynamo_stream_retention_hours), Int32GetDatum(stream_shard_seconds)};

	background_begin_step();
	/* trim, and remember where each shard's records now start */
	run("WITH gone AS (DELETE FROM dynamo.stream_records"
		"               WHERE approximate_creation_time < now() - make_interval(hours => $1)"
		"               RETURNING shard_id, sequence_number)"
		" UPDATE dynamo.stream_shards s SET trimmed_before = g.last + 1"
		"   FROM (SELECT shard_id, max(sequence_number) AS last FROM gone GROUP BY shard_id) g"
		"  WHERE s.shard_id = g.shard_id AND $2 = $2",
		2, types, values, NULL, SPI_OK_UPDATE);
	/* shards past their age close; so do those of disabled streams read to their end */
	run(slot_sql("UPDATE dynamo.stream_shards s"
		"   SET ending_sequence_number = coalesce((SELECT max(sequence_number) FROM dynamo.stream_records r"
		"                                          WHERE r.shard_id = s.shard_id), s.starting_sequence_number)"
		"  WHERE s.ending_sequence_number IS NULL AND $1 = $1"
		"    AND (s.creation_time < now() - make_interval(secs => $2)"
		"         OR EXISTS (SELECT FROM dynamo.streams st"
		"                     WHERE st.table_name = s.table_name AND st.stream_label = s.stream_label"
		"                       AND st.status = 'DISABLED'"
		"                       AND st.end_lsn <= coalesce((SELECT confirmed_flush_lsn FROM pg_catalog.pg_replication_slots"
		"                                                   WHERE slot_name = '%1$s'"
		"                                                     AND database = current_database()), st.end_lsn)))"),
		2, types, values, NULL, SPI_OK_UPDATE);
	/* closed shards and disabled streams whose records are all gone */
	run("DELETE FROM dynamo.stream_shards s"
		" WHERE s.ending_sequence_number IS NOT NULL AND $2 = $2"
		"   AND s.creation_time < now() - make_interval(hours => $1)"
		"   AND NOT EXISTS (SELECT FROM dynamo.stream_records r WHERE r.shard_id = s.shard_id)",
		2, types, values, NULL, SPI_OK_DELETE);
	run("DELETE FROM dynamo.streams st"
		" WHERE st.status = 'DISABLED' AND $2 = $2"
		"   AND st.disabled_time < now() - make_interval(hours => $1)"
		"   AND NOT EXISTS (SELECT FROM dynamo.stream_shards s"
		"                    WHERE s.table_name = st.table_name AND s.stream_label = st.stream_label)",
		2, types, values, NULL, SPI_OK_DELETE);
	background_end_step();

	if (!read_nothing)
		return;
	background_begin_step();
	run("SELECT 1 WHERE EXISTS (SELECT FROM dynamo.streams WHERE status IN ('ENABLING', 'ENABLED'))"
		" OR EXISTS (SELECT FROM dynamo.continuous_backups WHERE status <> 'DISABLED')",
		0, NULL, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0 && slot_exists())
	{
		run(slot_sql("SELECT pg_catalog.pg_drop_replication_slot('%1$s')"), 0, NULL, NULL, NULL,
			SPI_OK_SELECT);
		ereport(LOG, (errmsg("dynamo streams: no stream or point-in-time recovery is enabled; dropped replication slot \"%s\"",
							 SlotName)));
	}
	background_end_step();
}

/* The capture worker's main loop. */
void
dynamo_streams_capture_main(Datum arg)
{
	TimestampTz last_maintenance = 0;
	TimestampTz idle_since = 0;	/* nothing to capture since then: leave after a while */
	MemoryContext round_context;

	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
	background_connect_database(arg, "dynamo streams capture");
	snprintf(SlotName, sizeof(SlotName), "%s_%u", STREAMS_SLOT_PREFIX, MyDatabaseId);
	/* one capture per database: a second one leaves */
	if (!background_claim_database(STREAMS_CAPTURE_LOCK))
		proc_exit(0);
	round_context = AllocSetContextCreate(TopMemoryContext, "dynamo streams capture", ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		uint64		read = 0;
		bool		have_slot;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		old = MemoryContextSwitchTo(round_context);
		if (!nothing_to_do())
			idle_since = 0;
		else if (idle_since == 0)
			idle_since = GetCurrentTimestamp();
		else if (GetCurrentTimestamp() - idle_since > 10 * USECS_PER_SEC)
		{
			if (background_leave_database(STREAMS_CAPTURE_LOCK, something_to_do))
				proc_exit(0);	/* started again when a stream is enabled */
			idle_since = 0;
		}
		have_slot = prepare_slot();
		if (have_slot)
			read = capture_changes();
		if (GetCurrentTimestamp() - last_maintenance > 60 * USECS_PER_SEC)
		{
			if (have_slot || last_maintenance == 0)
			{
				background_begin_step();
				run("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'dynamo'", 0, NULL, NULL, NULL,
					SPI_OK_SELECT);
				have_slot = SPI_processed > 0;
				background_end_step();
				if (have_slot)
					maintain(read == 0);
			}
			last_maintenance = GetCurrentTimestamp();
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(round_context);
		pgstat_report_activity(STATE_IDLE, NULL);
		if (read >= (uint64) stream_batch_changes)
			continue;			/* more waiting: no sleep */
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 stream_poll_interval, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
