/*-------------------------------------------------------------------------
 *
 * export.h
 *	  The parts of ExportTableToPointInTime shared by its files: the item
 *	  formats (export_format.c), the data files and manifests
 *	  (export_write.c) and the job (export_run.c).  The actions themselves
 *	  are declared in backup.h.
 *
 * The layout an export writes, as DynamoDB writes it under
 * s3://<bucket>/<prefix>/ (here <directory of the bucket>/<prefix>/):
 *
 *	 AWSDynamoDB/<ExportId>/_started				empty, written first
 *	 AWSDynamoDB/<ExportId>/data/<name>.json.gz	one per partition (.ion.gz
 *													for ION); incremental
 *													exports write them to the
 *													shared AWSDynamoDB/data/
 *	 AWSDynamoDB/<ExportId>/manifest-files.json	one JSON line per data file
 *	 AWSDynamoDB/<ExportId>/manifest-files.md5	its MD5, base64
 *	 AWSDynamoDB/<ExportId>/manifest-summary.json	written last
 *	 AWSDynamoDB/<ExportId>/manifest-summary.md5
 *
 * Every file is written under a temporary name and renamed when complete,
 * and the summary is renamed last: a crash never leaves a manifest that
 * names a file that is not all there.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_EXPORT_H
#define DYNAMO_EXPORT_H

#include "postgres.h"

#include "common/cryptohash.h"
#include "lib/stringinfo.h"
#include "value/value.h"

/* export_format.c: one line of a data file */
typedef enum ExportFormat
{
	EXPORT_FORMAT_DYNAMODB_JSON,
	EXPORT_FORMAT_ION
} ExportFormat;

extern void export_append_item_line(StringInfo out, ExportFormat format, DynamoValue item);
extern void export_append_change_line(StringInfo out, ExportFormat format, int64 write_micros,
									  DynamoValue keys, const DynamoValue *new_image,
									  const DynamoValue *old_image);
extern void export_append_ion_value(StringInfo out, DynamoValue value);
extern void export_append_json_value(StringInfo out, DynamoValue value);

/* export_write.c: gzip data files with their checksums, and the manifests */
typedef struct ExportFile
{
	char	   *key;			/* the S3 key: <prefix/>AWSDynamoDB/.../<name> */
	char	   *path;			/* the final file name on the server */
	char	   *temporary_path; /* where it is written until complete */
	FILE	   *file;
	void	   *stream;			/* zlib's z_stream, while open */
	pg_cryptohash_ctx *md5;		/* of the compressed bytes */
	int64		item_count;
	int64		compressed_bytes;
	char		md5_base64[32];
	char		etag[48];
} ExportFile;

extern void export_make_directories(const char *path);
extern void export_empty_directory(const char *path);
extern char *export_random_name(void);
extern ExportFile *export_file_open(const char *directory, const char *key_directory,
									const char *name);
extern void export_file_write(ExportFile *file, const char *data, size_t len);
extern void export_file_close(ExportFile *file);
extern void export_file_discard(ExportFile *file);
extern void export_write_small_file(const char *path, const char *data, size_t len, char *md5_base64);
extern void export_md5_base64(const uint8 *digest, char *out);

/* export_run.c: the S3 key of an export's directory, and of its bucket's directory */
extern char *export_key_prefix(const char *s3_prefix);

#endif							/* DYNAMO_EXPORT_H */
