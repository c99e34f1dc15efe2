/*-------------------------------------------------------------------------
 *
 * background.h
 *	  The background workers of dynamo (the endpoint's aside): how they are
 *	  registered, and the transaction steps their loops are made of.
 *
 * Every worker is a function of the dynamo library connected to a
 * database.  A static worker is registered by _PG_init while dynamo is
 * preloaded (and only then); a dynamic one is started by a backend at any
 * time (a GSI's backfill), or by the launcher in every database (the
 * streams capture and the TTL expiry, one of each per database).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_BACKGROUND_H
#define DYNAMO_BACKGROUND_H

#include "postgres.h"

#include "postmaster/bgworker.h"

/* what a worker is: its function, names, restart delay, argument and extra bytes */
typedef struct BackgroundSpec
{
	const char *function;		/* in the dynamo library */
	const char *name;			/* pg_stat_activity's backend_type (and name unless bgw_name) */
	const char *long_name;		/* NULL: the name */
	int			restart_seconds;	/* BGW_NEVER_RESTART: never */
	Datum		arg;
	const void *extra;			/* copied into bgw_extra; NULL: none */
	Size		extra_size;
} BackgroundSpec;

extern void background_register_static(const BackgroundSpec *spec);
extern bool background_start(const BackgroundSpec *spec);

/*
 * Workers of one database each (arg: the database's OID): registered by
 * _PG_init; at server start one launcher starts every one of them in every
 * database that accepts connections, and a backend that gives one work
 * starts one in its own database once its transaction commits
 * (background_start_at_commit: the worker then sees the work).  Such a
 * worker keeps to one per database (background_claim_database: an advisory
 * lock) and leaves when its database has nothing for it
 * (background_leave_database: the lock released first, the work looked for
 * once more, so that no work committed meanwhile is left without a worker).
 */
extern void background_add_database_worker(const BackgroundSpec *spec);
extern void background_register_launcher(void);
extern void background_start_in_database(const char *function, Oid database);
extern void background_start_at_commit(const char *function);
extern void background_connect_database(Datum arg, const char *name);
extern bool background_claim_database(int64 key);
extern bool background_leave_database(int64 key, bool (*has_work) (void));
extern void background_begin_step(void);
extern void background_end_step(void);

#endif							/* DYNAMO_BACKGROUND_H */
