/*-------------------------------------------------------------------------
 *
 * api_shapes.h
 *	  DynamoDB's request shapes as C tables, generated from the AWS service
 *	  model by scripts/gen_api_shapes.py; do not edit.
 *
 * Every shape reachable from the input of an operation of
 * dynamodb-2012-08-10 and streams-dynamodb-2012-08-10:
 * its type, its bounds, its pattern and enum values, and a structure's
 * members in the order DynamoDB checks them.  The generator's comments say
 * how the check order and the enum order were established.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_API_SHAPES_H
#define DYNAMO_API_SHAPES_H

#include "postgres.h"

/* number of shapes, and the most members any structure has */
#define API_SHAPE_COUNT 292
#define API_MAX_MEMBERS 18

typedef enum ApiShapeType
{
	API_STRING,
	API_INTEGER,
	API_LONG,
	API_DOUBLE,
	API_BOOLEAN,
	API_BLOB,
	API_TIMESTAMP,
	API_LIST,
	API_MAP,
	API_STRUCTURE,
	API_ATTRIBUTE_VALUE			/* checked by the value encoder, not here */
} ApiShapeType;

/* the patterns the model uses; api_validate.c has a matcher for each */
typedef enum ApiPattern
{
	API_PATTERN_NONE,
	API_PATTERN_ACCOUNT_ID,
	API_PATTERN_CSV_DELIMITER,
	API_PATTERN_CSV_HEADER,
	API_PATTERN_HEX_BLOCKS,
	API_PATTERN_NAME,
	API_PATTERN_NO_DOLLAR,
	API_PATTERN_PRINTABLE,
	API_PATTERN_S3_BUCKET,
	API_PATTERN_XML_TEXT
} ApiPattern;

#define API_HAS_MIN 0x01
#define API_HAS_MAX 0x02

typedef struct ApiShape
{
	const char *name;			/* the model's shape name */
	uint8		type;			/* ApiShapeType */
	uint8		bounds;			/* API_HAS_MIN, API_HAS_MAX */
	uint8		pattern;		/* ApiPattern */
	int64		min;			/* length, size or value bounds */
	int64		max;
	const char *pattern_text;	/* the pattern as DynamoDB quotes it */
	uint16		first;			/* structure: first member; enum: first value */
	uint16		count;			/* structure: members; enum: values */
	uint16		lookup;			/* structure: first entry of ApiMemberLookup */
	int16		element;		/* list: element shape */
	int16		key;			/* map: key shape */
	int16		value;			/* map: value shape */
	const char *enum_message;	/* "[A, B]": the enum in DynamoDB's order */
	const char *java_type;		/* the Java type DynamoDB's messages name */
} ApiShape;

typedef struct ApiMember
{
	const char *name;			/* JSON member name */
	uint16		namelen;
	bool		required;
	uint8		model_index;	/* position in the model's member order */
	int16		shape;
	const char *path_name;		/* the name in messages: 'tableName' */
} ApiMember;

typedef struct ApiOperation
{
	const char *name;			/* "PutItem" */
	int16		input;			/* input shape */
} ApiOperation;

extern const ApiShape ApiShapes[API_SHAPE_COUNT];
extern const ApiMember ApiMembers[];
extern const uint16 ApiMemberLookup[];	/* per structure, members by name */
extern const char *const ApiEnumValues[];
extern const ApiOperation ApiOperations[];	/* sorted by name */
extern const int ApiOperationCount;

#endif							/* DYNAMO_API_SHAPES_H */
