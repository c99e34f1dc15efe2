/*-------------------------------------------------------------------------
 *
 * http_crc32.c
 *	  CRC-32 (IEEE 802.3, the zlib one) of a response body, for the
 *	  x-amz-crc32 header that the AWS SDKs check.  (Postgres' own pg_crc32c
 *	  is the Castagnoli polynomial, a different CRC.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "http/http.h"

static uint32 crc_table[256];
static bool crc_table_ready = false;

static void
build_table(void)
{
	uint32		i;

	for (i = 0; i < 256; i++)
	{
		uint32		c = i;
		int			k;

		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = true;
}

/* the CRC-32 of data */
uint32
http_crc32(const char *data, size_t len)
{
	uint32		crc = 0xFFFFFFFFu;
	size_t		i;

	if (!crc_table_ready)
		build_table();
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ (uint8) data[i]) & 0xFF] ^ (crc >> 8);
	return crc ^ 0xFFFFFFFFu;
}
