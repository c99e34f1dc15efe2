/*-------------------------------------------------------------------------
 *
 * capacity_units.c
 *	  DynamoDB's rules for the capacity units of an access.
 *
 * A read unit covers one strongly consistent read of up to 4 KB; an
 * eventually consistent read costs half, a transactional one double.  A
 * write unit covers one write of up to 1 KB; a transactional write costs
 * double.  Sizes are rounded up to the next unit, and an access costs at
 * least one unit (a read of a missing item, a delete of one).  A Query or
 * Scan page is one read of the summed size of the items it read, before any
 * filter, rounded up once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "capacity/capacity.h"

#define READ_UNIT_BYTES		4096
#define WRITE_UNIT_BYTES	1024

/* the read units of reading this many bytes */
double
capacity_read_units(int64 bytes, bool consistent, bool transactional)
{
	double		units = (double) Max((bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES, 1);

	if (transactional)
		return units * 2;
	return consistent ? units : units / 2;
}

/* the write units of writing an item of this many bytes */
double
capacity_write_units(int64 bytes, bool transactional)
{
	double		units = (double) Max((bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES, 1);

	return transactional ? units * 2 : units;
}
