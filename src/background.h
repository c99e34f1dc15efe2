/*-------------------------------------------------------------------------
 *
 * background.h
 *	  The background workers of dynamo (the endpoint's aside): how they are
 *	  registered, and the transaction steps their loops are made of.
 *
 * Every worker is a function of the dynamo library connected to a
 * database.  A static worker is registered by _PG_init while dynamo is
 * preloaded (and only then); a dynamic one is started by a backend at any
 * time (a GSI's backfill, a database's streams capture).
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
extern void background_begin_step(void);
extern void background_end_step(void);

#endif							/* DYNAMO_BACKGROUND_H */
