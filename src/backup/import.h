/*-------------------------------------------------------------------------
 *
 * import.h
 *	  The parts of ImportTable shared by its files: the S3 objects of an
 *	  import read as lines (import_files.c), lines turned into items
 *	  (import_formats.c, import_ion.c, import_csv.c), and the job that
 *	  fills the table (import_run.c).  The API is backup.h's.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_IMPORT_H
#define DYNAMO_IMPORT_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "catalog/catalog.h"
#include "value/json_node.h"

typedef enum ImportFormat
{
	IMPORT_DYNAMODB_JSON,
	IMPORT_ION,
	IMPORT_CSV
} ImportFormat;

typedef enum ImportCompression
{
	IMPORT_COMPRESSION_NONE,
	IMPORT_COMPRESSION_GZIP,
	IMPORT_COMPRESSION_ZSTD
} ImportCompression;

/* what reading the next line of an object gave */
typedef enum ImportLineStatus
{
	IMPORT_LINE_OK,
	IMPORT_LINE_END,			/* the object is read */
	IMPORT_LINE_ERROR			/* it cannot be read further: reader->error says why */
} ImportLineStatus;

/* the longest line read; a longer one cannot hold an item of 400 KB */
#define IMPORT_MAX_LINE_BYTES	(16 * 1024 * 1024)

/* import_files.c: S3 objects as files, read through their compression */
typedef struct ImportObjectReader ImportObjectReader;

extern List *import_list_objects(const char *directory, const char *prefix);
extern ImportObjectReader *import_object_open(const char *path, ImportCompression compression,
											  const char **error);
extern ImportLineStatus import_object_next_line(ImportObjectReader *reader, StringInfo line);
extern const char *import_object_error(const ImportObjectReader *reader);
extern int64 import_object_bytes_read(const ImportObjectReader *reader);
extern void import_object_close(ImportObjectReader *reader);

/* the attributes whose types the table defines (its keys and its GSIs' keys), for CSV */
typedef struct ImportKeyTypes
{
	int			count;
	int			table_key_count;	/* the first ones: the table's partition and sort keys */
	const char **names;
	DynamoType *types;
} ImportKeyTypes;

/* how the lines of an import become items */
typedef struct ImportParser
{
	ImportFormat format;
	/* CSV */
	char		delimiter;
	int			header_count;	/* 0: the first line of each object is the header */
	char	  **header;
	ImportKeyTypes keys;
} ImportParser;

/* import_formats.c: one item from a line (raises on a line that is not one) */
extern struct varlena *import_parse_line(ImportParser *parser, const char *line, int len);
extern struct varlena *import_parse_dynamodb_json(const char *line, int len);
extern JsonNode *import_string_node(const char *text, int len);
extern JsonNode *import_typed_node(const char *type, JsonNode *value);
extern JsonNode *import_object_node(List *names, List *values);
extern JsonNode *import_array_node(List *values);

/* import_ion.c: Ion text, the subset DynamoDB's exports write */
extern JsonNode *import_parse_ion_item(const char *line, int len);

/* import_csv.c */
extern bool import_csv_record_complete(const char *text, int len);
extern List *import_csv_fields(const char *text, int len, char delimiter);
extern JsonNode *import_csv_item(ImportParser *parser, List *fields);

#endif							/* DYNAMO_IMPORT_H */
