/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *	  Every difference between the PostgreSQL major versions dynamo builds
 *	  against, in one place.
 *
 * PostgreSQL 15 is the tested target.  Code elsewhere must not test
 * PG_VERSION_NUM itself: it adds a macro or an inline wrapper here and calls
 * that, so that supporting 16 and 17 means editing this file only.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_PG_COMPAT_H
#define DYNAMO_PG_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM < 150000
#error "dynamo requires PostgreSQL 15 or later"
#endif

/*
 * MarkGUCPrefixReserved appeared in 15; the older name still exists there as
 * a macro.  Keep one spelling for the callers.
 */
#define DynamoReserveGucPrefix(prefix) MarkGUCPrefixReserved(prefix)

#endif							/* DYNAMO_PG_COMPAT_H */
