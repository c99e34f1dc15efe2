/*-------------------------------------------------------------------------
 *
 * import_files.c
 *	  The S3 objects of an import: the files under a bucket's directory
 *	  whose keys start with the prefix, read line by line through their
 *	  compression (none, GZIP with zlib, ZSTD with libzstd).
 *
 * KEYS AND PREFIXES
 *
 * An object's key is its path relative to the bucket's directory.  As in
 * S3, the prefix is a raw prefix of keys ("data" matches data/1.json,
 * data2/x.json and data.bak; a whole key is a prefix of itself), and the
 * objects are read in key order (bytes).  Only regular files count;
 * subdirectories are walked, never followed out of the bucket (symbolic
 * links are not followed), so no prefix reaches outside it.
 *
 * STREAMING
 *
 * An object is read in blocks of IMPORT_READ_BLOCK bytes, decompressed
 * into a buffer that holds at most one line and the block being split, so
 * an import of any size takes constant memory.  A GZIP object may hold
 * several members one after the other (as concatenated .gz files do), a
 * ZSTD object several frames.
 *
 * ERRORS
 *
 * Reading never raises: a file that cannot be read or decompressed, or a
 * line longer than IMPORT_MAX_LINE_BYTES, ends the object with
 * IMPORT_LINE_ERROR and a message (DynamoDB counts it as an error of the
 * object and goes on with the next).  The file is a transient file
 * (closed if the transaction aborts); zlib's and libzstd's states are
 * freed by a reset callback of the reader's memory context, so an error
 * raised elsewhere while an object is open leaks nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "storage/fd.h"
#include "utils/memutils.h"

#include "backup/import.h"

#define IMPORT_READ_BLOCK	(256 * 1024)

struct ImportObjectReader
{
	MemoryContext context;		/* holds the reader; deleting it frees everything */
	MemoryContextCallback cleanup;
	int			fd;
	ImportCompression compression;
	z_stream	zlib;
	ZSTD_DStream *zstd;
	char	   *in;				/* compressed (or plain) bytes read */
	size_t		in_len;
	size_t		in_pos;
	bool		in_eof;
	bool		stream_end;		/* the current GZIP member or ZSTD frame ended */
	StringInfoData out;			/* decompressed bytes not yet returned */
	int			out_pos;
	bool		out_eof;		/* no more decompressed bytes will come */
	int64		bytes_read;
	const char *error;
};

/* ------------------------------------------------------------------------
 * Listing.
 * ------------------------------------------------------------------------
 */

static int
compare_keys(const ListCell *a, const ListCell *b)
{
	return strcmp((const char *) lfirst(a), (const char *) lfirst(b));
}

/* add the keys under directory/relative that start with prefix */
static void
walk(const char *directory, const char *relative, const char *prefix, List **keys)
{
	char	   *path = relative[0] ? psprintf("%s/%s", directory, relative) : pstrdup(directory);
	size_t		prefix_len = strlen(prefix);
	DIR		   *dir = AllocateDir(path);
	struct dirent *entry;

	while ((entry = ReadDir(dir, path)) != NULL)
	{
		char	   *key;
		char	   *full;
		struct stat st;
		size_t		key_len;

		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		key = relative[0] ? psprintf("%s/%s", relative, entry->d_name) : pstrdup(entry->d_name);
		key_len = strlen(key);
		/* a directory can only hold matches if it and the prefix agree so far */
		if (strncmp(key, prefix, Min(key_len, prefix_len)) != 0)
			continue;
		full = psprintf("%s/%s", directory, key);
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(directory, key, prefix, keys);
		else if (S_ISREG(st.st_mode) && key_len >= prefix_len)
			*keys = lappend(*keys, key);
	}
	FreeDir(dir);
}

/*
 * The keys of the objects under directory that start with prefix, in key
 * order.  Raises when the directory cannot be read.
 */
List *
import_list_objects(const char *directory, const char *prefix)
{
	List	   *keys = NIL;

	walk(directory, "", prefix, &keys);
	list_sort(keys, compare_keys);
	return keys;
}

/* ------------------------------------------------------------------------
 * Reading.
 * ------------------------------------------------------------------------
 */

static void *
zlib_alloc(void *opaque, unsigned items, unsigned size)
{
	return MemoryContextAllocExtended((MemoryContext) opaque, (Size) items * size, MCXT_ALLOC_NO_OOM);
}

static void
zlib_free(void *opaque, void *address)
{
	pfree(address);
}

/* the memory context reset callback: what the libraries allocated themselves */
static void
reader_cleanup(void *arg)
{
	ImportObjectReader *reader = arg;

	if (reader->zstd != NULL)
		ZSTD_freeDStream(reader->zstd);
	reader->zstd = NULL;
	/* while a transaction aborts, its end has closed the file already */
	if (reader->fd >= 0 && IsTransactionState())
		CloseTransientFile(reader->fd);
	reader->fd = -1;
}

/*
 * Open an object; NULL with *error set when the file cannot be opened.
 * The reader lives in a memory context of its own under the current one.
 */
ImportObjectReader *
import_object_open(const char *path, ImportCompression compression, const char **error)
{
	MemoryContext context = AllocSetContextCreate(CurrentMemoryContext, "dynamo import object",
												  ALLOCSET_DEFAULT_SIZES);
	ImportObjectReader *reader = MemoryContextAllocZero(context, sizeof(ImportObjectReader));
	int			fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);

	if (fd < 0)
	{
		*error = errno == EACCES ? "Access Denied" : psprintf("could not open the object: %m");
		MemoryContextDelete(context);
		return NULL;
	}
	reader->context = context;
	reader->fd = fd;
	reader->compression = compression;
	reader->in = MemoryContextAlloc(context, IMPORT_READ_BLOCK);
	reader->out.data = MemoryContextAlloc(context, IMPORT_READ_BLOCK);
	reader->out.maxlen = IMPORT_READ_BLOCK;
	reader->out.len = 0;
	reader->out.data[0] = '\0';
	reader->cleanup.func = reader_cleanup;
	reader->cleanup.arg = reader;
	MemoryContextRegisterResetCallback(context, &reader->cleanup);
	if (compression == IMPORT_COMPRESSION_GZIP)
	{
		reader->zlib.zalloc = zlib_alloc;
		reader->zlib.zfree = zlib_free;
		reader->zlib.opaque = context;
		if (inflateInit2(&reader->zlib, 15 + 32) != Z_OK)	/* gzip or zlib header */
		{
			*error = "could not start the GZIP decompressor";
			MemoryContextDelete(context);
			return NULL;
		}
	}
	else if (compression == IMPORT_COMPRESSION_ZSTD)
	{
		reader->zstd = ZSTD_createDStream();
		if (reader->zstd == NULL || ZSTD_isError(ZSTD_initDStream(reader->zstd)))
		{
			*error = "could not start the ZSTD decompressor";
			MemoryContextDelete(context);
			return NULL;
		}
	}
	return reader;
}

/* read the next block of the file; false on an error */
static bool
fill_input(ImportObjectReader *reader)
{
	ssize_t		n = read(reader->fd, reader->in, IMPORT_READ_BLOCK);

	if (n < 0)
	{
		reader->error = MemoryContextStrdup(reader->context,
											psprintf("could not read the object: %s", strerror(errno)));
		return false;
	}
	reader->in_len = n;
	reader->in_pos = 0;
	reader->in_eof = (n == 0);
	reader->bytes_read += n;
	return true;
}

/* make room for at least IMPORT_READ_BLOCK more bytes of output */
static void
reserve_output(ImportObjectReader *reader)
{
	MemoryContext old = MemoryContextSwitchTo(reader->context);

	if (reader->out_pos > 0)
	{
		memmove(reader->out.data, reader->out.data + reader->out_pos, reader->out.len - reader->out_pos);
		reader->out.len -= reader->out_pos;
		reader->out_pos = 0;
	}
	enlargeStringInfo(&reader->out, IMPORT_READ_BLOCK);
	MemoryContextSwitchTo(old);
}

/* decompress more bytes into out; false on an error (out_eof set at the end) */
static bool
produce(ImportObjectReader *reader)
{
	reserve_output(reader);
	for (;;)
	{
		size_t		room = reader->out.maxlen - reader->out.len - 1;
		size_t		before = reader->out.len;

		if (reader->in_pos >= reader->in_len && !reader->in_eof && !fill_input(reader))
			return false;
		if (reader->compression == IMPORT_COMPRESSION_NONE)
		{
			size_t		n = Min(room, reader->in_len - reader->in_pos);

			if (reader->in_eof)
			{
				reader->out_eof = true;
				return true;
			}
			memcpy(reader->out.data + reader->out.len, reader->in + reader->in_pos, n);
			reader->in_pos += n;
			reader->out.len += n;
		}
		else if (reader->compression == IMPORT_COMPRESSION_GZIP)
		{
			int			rc;

			if (reader->in_eof)
			{
				if (!reader->stream_end && reader->bytes_read > 0)
				{
					reader->error = "the GZIP object ends before its end (truncated)";
					return false;
				}
				reader->out_eof = true;
				return true;
			}
			if (reader->stream_end)
			{
				/* another member follows the one that ended */
				if (inflateReset(&reader->zlib) != Z_OK)
				{
					reader->error = "could not restart the GZIP decompressor";
					return false;
				}
				reader->stream_end = false;
			}
			reader->zlib.next_in = (Bytef *) reader->in + reader->in_pos;
			reader->zlib.avail_in = reader->in_len - reader->in_pos;
			reader->zlib.next_out = (Bytef *) reader->out.data + reader->out.len;
			reader->zlib.avail_out = room;
			rc = inflate(&reader->zlib, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			{
				reader->error = MemoryContextStrdup(reader->context,
													psprintf("the object is not valid GZIP data: %s",
															 reader->zlib.msg ? reader->zlib.msg : "corrupt"));
				return false;
			}
			reader->in_pos = reader->in_len - reader->zlib.avail_in;
			reader->out.len += room - reader->zlib.avail_out;
			if (rc == Z_STREAM_END)
				reader->stream_end = true;
		}
		else
		{
			ZSTD_inBuffer input = {reader->in, reader->in_len, reader->in_pos};
			ZSTD_outBuffer output = {reader->out.data + reader->out.len, room, 0};
			size_t		rc;

			if (reader->in_eof)
			{
				if (!reader->stream_end && reader->bytes_read > 0)
				{
					reader->error = "the ZSTD object ends before its end (truncated)";
					return false;
				}
				reader->out_eof = true;
				return true;
			}
			rc = ZSTD_decompressStream(reader->zstd, &output, &input);
			if (ZSTD_isError(rc))
			{
				reader->error = MemoryContextStrdup(reader->context,
													psprintf("the object is not valid ZSTD data: %s",
															 ZSTD_getErrorName(rc)));
				return false;
			}
			reader->in_pos = input.pos;
			reader->out.len += output.pos;
			reader->stream_end = (rc == 0);
		}
		reader->out.data[reader->out.len] = '\0';
		if (reader->out.len > before)
			return true;
	}
}

/*
 * The next line of the object, without its end ("\n" or "\r\n"); a last
 * line without a newline counts.  The line is copied into line (reset
 * first).
 */
ImportLineStatus
import_object_next_line(ImportObjectReader *reader, StringInfo line)
{
	int			scanned = reader->out_pos;

	if (reader->error != NULL)
		return IMPORT_LINE_ERROR;
	for (;;)
	{
		char	   *start = reader->out.data + reader->out_pos;
		char	   *newline = memchr(reader->out.data + scanned, '\n', reader->out.len - scanned);
		int			len;

		if (newline != NULL || (reader->out_eof && reader->out.len > reader->out_pos))
		{
			len = newline ? (int) (newline - start) : reader->out.len - reader->out_pos;
			reader->out_pos += len + (newline ? 1 : 0);
			if (len > 0 && start[len - 1] == '\r')
				len--;
			resetStringInfo(line);
			appendBinaryStringInfo(line, start, len);
			return IMPORT_LINE_OK;
		}
		if (reader->out_eof)
			return IMPORT_LINE_END;
		if (reader->out.len - reader->out_pos > IMPORT_MAX_LINE_BYTES)
		{
			reader->error = MemoryContextStrdup(reader->context,
												psprintf("a line of the object is longer than %d bytes",
														 IMPORT_MAX_LINE_BYTES));
			return IMPORT_LINE_ERROR;
		}
		scanned = reader->out.len - reader->out_pos;	/* relative: out_pos may move to 0 */
		if (!produce(reader))
			return IMPORT_LINE_ERROR;
		scanned += reader->out_pos;
	}
}

/* why the object could not be read further */
const char *
import_object_error(const ImportObjectReader *reader)
{
	return reader->error;
}

/* the bytes of the file read so far (compressed, for the progress estimate) */
int64
import_object_bytes_read(const ImportObjectReader *reader)
{
	return reader->bytes_read;
}

/* close the object and free the reader */
void
import_object_close(ImportObjectReader *reader)
{
	MemoryContextDelete(reader->context);
}
