/*-------------------------------------------------------------------------
 *
 * export_write.c
 *	  The files of an export: gzip-compressed data files with the MD5 and
 *	  the S3 ETag of their bytes, and small files (manifests, their
 *	  checksums, _started), each written under a temporary name and renamed
 *	  into place when complete (durable_rename: the file and its directory
 *	  are synced, so a renamed file is all there after a crash).
 *
 * A data file's md5Checksum is the base64 MD5 of its compressed bytes, as
 * S3's Content-MD5; its etag is the one S3 gives an object uploaded in one
 * part of a multipart upload, as DynamoDB's exports carry: the hex MD5 of
 * the part's MD5, then "-1".
 *
 * An error on a file is raised as "S3AccessDenied: ..." when the server
 * may not write there (the FailureCode DynamoDB reports for a bucket it
 * may not write), otherwise with the system's message.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/base64.h"
#include "common/cryptohash.h"
#include "common/md5.h"
#include "port.h"
#include "common/file_perm.h"
#include "storage/fd.h"

#include "backup/export.h"

#define EXPORT_GZIP_LEVEL	Z_BEST_SPEED	/* exports favour speed: level 1 */
#define EXPORT_OUT_CHUNK	(256 * 1024)

#define S3_ACCESS_DENIED \
	"S3AccessDenied: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)"

/* raise the error of a failed file operation (errno set) */
static void
file_error(const char *action, const char *path)
{
	int			saved_errno = errno;

	if (saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS)
		ereport(ERROR, (errcode_for_file_access(), errmsg("%s", S3_ACCESS_DENIED),
						errdetail("could not %s \"%s\"", action, path)));
	errno = saved_errno;
	ereport(ERROR, (errcode_for_file_access(), errmsg("could not %s \"%s\": %m", action, path)));
}

/* Make a directory and its parents. */
void
export_make_directories(const char *path)
{
	char	   *copy = pstrdup(path);

	if (pg_mkdir_p(copy, pg_dir_create_mode) != 0 && errno != EEXIST)
		file_error("create directory", path);
	pfree(copy);
}

/*
 * Remove the files of a directory (not its subdirectories): the data files
 * of an earlier attempt of an export, run again after a crash.
 */
void
export_empty_directory(const char *path)
{
	DIR		   *dir = AllocateDir(path);
	struct dirent *entry;

	if (dir == NULL)
		return;
	while ((entry = ReadDirExtended(dir, path, LOG)) != NULL)
	{
		char	   *file = psprintf("%s/%s", path, entry->d_name);
		struct stat st;

		if (lstat(file, &st) == 0 && S_ISREG(st.st_mode) && unlink(file) != 0)
			file_error("remove file", file);
		pfree(file);
	}
	FreeDir(dir);
}

/* A data file's name as DynamoDB makes them: 26 random base32 characters. */
char *
export_random_name(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8		random[26];
	char	   *name = palloc(27);
	int			i;

	if (!pg_strong_random(random, sizeof(random)))
		elog(ERROR, "could not generate a random file name");
	for (i = 0; i < 26; i++)
		name[i] = alphabet[random[i] % 32];
	name[26] = '\0';
	return name;
}

/* base64 of a 16-byte MD5 digest (24 characters and a NUL) */
void
export_md5_base64(const uint8 *digest, char *out)
{
	int			len = pg_b64_encode((const char *) digest, MD5_DIGEST_LENGTH, out, 25);

	if (len < 0)
		elog(ERROR, "could not encode a checksum");
	out[len] = '\0';
}

/* a new MD5 context, released with the resource owner on error */
static pg_cryptohash_ctx *
md5_begin(void)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_MD5);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not start an MD5 checksum");
	return ctx;
}

/* write compressed bytes to the file and the checksum */
static void
emit(ExportFile *f, const uint8 *data, size_t len)
{
	if (len == 0)
		return;
	if (fwrite(data, 1, len, f->file) != len)
		file_error("write file", f->temporary_path);
	if (pg_cryptohash_update(f->md5, data, len) < 0)
		elog(ERROR, "could not update an MD5 checksum");
	f->compressed_bytes += len;
}

/* run deflate over the input now in the stream, until it needs more (or ends) */
static void
deflate_pending(ExportFile *f, int flush)
{
	z_stream   *zs = (z_stream *) f->stream;
	uint8		out[EXPORT_OUT_CHUNK];
	int			rc;

	do
	{
		zs->next_out = out;
		zs->avail_out = sizeof(out);
		rc = deflate(zs, flush);
		if (rc == Z_STREAM_ERROR)
			elog(ERROR, "gzip compression failed");
		emit(f, out, sizeof(out) - zs->avail_out);
	} while (zs->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

/*
 * Open a gzip data file named name in directory (created if missing);
 * key_directory is the S3 key of that directory.
 */
ExportFile *
export_file_open(const char *directory, const char *key_directory, const char *name)
{
	ExportFile *f = palloc0(sizeof(ExportFile));
	z_stream   *zs = palloc0(sizeof(z_stream));

	f->key = psprintf("%s/%s", key_directory, name);
	f->path = psprintf("%s/%s", directory, name);
	f->temporary_path = psprintf("%s/.%s.tmp", directory, name);
	f->file = AllocateFile(f->temporary_path, PG_BINARY_W);
	if (f->file == NULL)
		file_error("create file", f->temporary_path);
	if (deflateInit2(zs, EXPORT_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		elog(ERROR, "could not start gzip compression");
	f->stream = zs;
	f->md5 = md5_begin();
	return f;
}

/* Append bytes (whole lines) to a data file. */
void
export_file_write(ExportFile *f, const char *data, size_t len)
{
	z_stream   *zs = (z_stream *) f->stream;

	zs->next_in = (Bytef *) data;
	zs->avail_in = (uInt) len;
	deflate_pending(f, Z_NO_FLUSH);
}

/*
 * Finish a data file: end the gzip stream, close, compute its checksums
 * and rename it into place.
 */
void
export_file_close(ExportFile *f)
{
	z_stream   *zs = (z_stream *) f->stream;
	uint8		digest[MD5_DIGEST_LENGTH];
	uint8		digest_of_digest[MD5_DIGEST_LENGTH];
	pg_cryptohash_ctx *outer;
	int			i;

	zs->next_in = NULL;
	zs->avail_in = 0;
	deflate_pending(f, Z_FINISH);
	deflateEnd(zs);
	f->stream = NULL;
	if (FreeFile(f->file) != 0)
	{
		f->file = NULL;
		file_error("write file", f->temporary_path);
	}
	f->file = NULL;

	if (pg_cryptohash_final(f->md5, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not finish an MD5 checksum");
	pg_cryptohash_free(f->md5);
	f->md5 = NULL;
	export_md5_base64(digest, f->md5_base64);

	outer = md5_begin();
	if (pg_cryptohash_update(outer, digest, sizeof(digest)) < 0 ||
		pg_cryptohash_final(outer, digest_of_digest, sizeof(digest_of_digest)) < 0)
		elog(ERROR, "could not compute an ETag");
	pg_cryptohash_free(outer);
	for (i = 0; i < MD5_DIGEST_LENGTH; i++)
		sprintf(f->etag + 2 * i, "%02x", digest_of_digest[i]);
	strcpy(f->etag + 2 * MD5_DIGEST_LENGTH, "-1");

	if (durable_rename(f->temporary_path, f->path, ERROR) != 0)
		file_error("rename file", f->temporary_path);
}

/* Drop a data file that will not be completed (on an error; raises nothing). */
void
export_file_discard(ExportFile *f)
{
	if (f->stream)
	{
		deflateEnd((z_stream *) f->stream);
		f->stream = NULL;
	}
	if (f->file)
	{
		FreeFile(f->file);
		f->file = NULL;
	}
	(void) unlink(f->temporary_path);
}

/*
 * Write a small file whole (temporary name, then renamed into place);
 * md5_base64, when not NULL, receives the base64 MD5 of its bytes.
 */
void
export_write_small_file(const char *path, const char *data, size_t len, char *md5_base64)
{
	char	   *temporary_path;
	const char *slash = strrchr(path, '/');
	FILE	   *file;

	temporary_path = slash ? psprintf("%.*s/.%s.tmp", (int) (slash - path), path, slash + 1)
		: psprintf(".%s.tmp", path);
	file = AllocateFile(temporary_path, PG_BINARY_W);
	if (file == NULL)
		file_error("create file", temporary_path);
	if ((len > 0 && fwrite(data, 1, len, file) != len) || FreeFile(file) != 0)
	{
		(void) unlink(temporary_path);
		file_error("write file", temporary_path);
	}
	if (durable_rename(temporary_path, path, ERROR) != 0)
		file_error("rename file", temporary_path);
	if (md5_base64)
	{
		uint8		digest[MD5_DIGEST_LENGTH];
		pg_cryptohash_ctx *ctx = md5_begin();

		if (pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
			pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
			elog(ERROR, "could not compute an MD5 checksum");
		pg_cryptohash_free(ctx);
		export_md5_base64(digest, md5_base64);
	}
}
