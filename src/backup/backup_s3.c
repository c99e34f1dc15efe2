/*-------------------------------------------------------------------------
 *
 * backup_s3.c
 *	  S3 buckets as directories of the server, for ExportTableToPointInTime
 *	  and ImportTable: the setting dynamo.s3_bucket_directories.
 *
 * The setting is a comma-separated list of bucket=directory pairs, e.g.
 *
 *	  dynamo.s3_bucket_directories = 'exports=/srv/dynamo/exports, in=/srv/in'
 *
 * An object s3://exports/a/b.json is then the file
 * /srv/dynamo/exports/a/b.json.  A bucket not in the list does not exist
 * for dynamo.  The directories are read and written by the server's own
 * user, so only a superuser may set the list.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"

#include "backup/backup.h"

static char *s3_bucket_directories = NULL;

/* Define dynamo.s3_bucket_directories (from backup_define_settings's caller). */
void
backup_define_s3_settings(void)
{
	DefineCustomStringVariable("dynamo.s3_bucket_directories",
							   "S3 buckets of exports and imports, as directories of the server.",
							   "A comma-separated list of bucket=directory; other buckets do not exist.",
							   &s3_bucket_directories, "", PGC_SUSET, 0, NULL, NULL, NULL);
}

/*
 * The directory a bucket is mapped to (palloc'd, without a trailing
 * slash), or NULL when it is not mapped.
 */
char *
backup_s3_directory(const char *bucket)
{
	const char *p = s3_bucket_directories;
	size_t		bucket_len = strlen(bucket);

	if (p == NULL || bucket_len == 0)
		return NULL;
	while (*p != '\0')
	{
		const char *end = strchr(p, ',');
		const char *eq;
		const char *name_end;
		size_t		len = end ? (size_t) (end - p) : strlen(p);

		while (len > 0 && (*p == ' ' || *p == '\t'))
		{
			p++;
			len--;
		}
		eq = memchr(p, '=', len);
		if (eq != NULL)
		{
			name_end = eq;
			while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
				name_end--;
			if ((size_t) (name_end - p) == bucket_len && memcmp(p, bucket, bucket_len) == 0)
			{
				const char *dir = eq + 1;
				size_t		dir_len = len - (dir - p);

				while (dir_len > 0 && (*dir == ' ' || *dir == '\t'))
				{
					dir++;
					dir_len--;
				}
				while (dir_len > 1 && (dir[dir_len - 1] == ' ' || dir[dir_len - 1] == '\t' ||
									   dir[dir_len - 1] == '/'))
					dir_len--;
				if (dir_len > 0)
					return pnstrdup(dir, dir_len);
			}
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}
