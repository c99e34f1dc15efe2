/*-------------------------------------------------------------------------
 *
 * import_formats.c
 *	  One line of an import's S3 object turned into an item, in the
 *	  import's format: DYNAMODB_JSON here, ION (import_ion.c) and CSV
 *	  (import_csv.c) through the same DynamoDB JSON.
 *
 * Every format becomes a DynamoDB JSON tree (the extension's JsonNode) of
 * the item, which dynamo_item_from_node checks and encodes exactly as it
 * does PutItem's Item: the same types, numbers, sets and names are
 * accepted with the same messages.  A DYNAMODB_JSON line is {"Item": {...}}
 * (the export's format; members other than Item are ignored); the ION and
 * CSV readers build the tree from their own syntax.
 *
 * Errors are raised (ERROR, with DynamoDB's message when there is one); the
 * job (import_run.c) counts them.  Nothing here touches shared state.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "backup/import.h"
#include "errors.h"
#include "value/value.h"

/* a JSON string node of the given bytes (copied) */
JsonNode *
import_string_node(const char *text, int len)
{
	JsonNode   *node = palloc0(sizeof(JsonNode));
	char	   *copy = palloc(len + 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	node->kind = JSON_STRING;
	node->count = len;
	node->u.text = copy;
	return node;
}

/* {"<type>": value}: an AttributeValue */
JsonNode *
import_typed_node(const char *type, JsonNode *value)
{
	JsonNode   *node = palloc0(sizeof(JsonNode));
	JsonMember *member = palloc0(sizeof(JsonMember));

	member->name = type;
	member->namelen = strlen(type);
	member->value = *value;
	node->kind = JSON_OBJECT;
	node->count = 1;
	node->u.members = member;
	return node;
}

/* an object of the names (JsonNode * strings, for their lengths) and values, in order */
JsonNode *
import_object_node(List *names, List *values)
{
	JsonNode   *node = palloc0(sizeof(JsonNode));
	int			n = list_length(names);
	int			i;

	node->kind = JSON_OBJECT;
	node->count = n;
	node->u.members = palloc0(sizeof(JsonMember) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		JsonNode   *name = list_nth(names, i);

		node->u.members[i].name = name->u.text;
		node->u.members[i].namelen = name->count;
		node->u.members[i].value = *(JsonNode *) list_nth(values, i);
	}
	return node;
}

/* an array of the values, in order */
JsonNode *
import_array_node(List *values)
{
	JsonNode   *node = palloc0(sizeof(JsonNode));
	int			n = list_length(values);
	int			i;

	node->kind = JSON_ARRAY;
	node->count = n;
	node->u.elements = palloc0(sizeof(JsonNode) * Max(n, 1));
	for (i = 0; i < n; i++)
		node->u.elements[i] = *(JsonNode *) list_nth(values, i);
	return node;
}

/* the item of a DYNAMODB_JSON line: {"Item": {...}} */
struct varlena *
import_parse_dynamodb_json(const char *line, int len)
{
	JsonNode   *root = json_parse(line, len);
	const JsonNode *item;

	if (root->kind != JSON_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("Invalid DynamoDB JSON: the line is not an object with an Item member")));
	item = json_member(root, "Item");
	if (item == NULL || item->kind != JSON_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("Invalid DynamoDB JSON: the line has no Item object")));
	return dynamo_item_from_node(item);
}

/* The item of one line (a CSV record), in the parser's format. */
struct varlena *
import_parse_line(ImportParser *parser, const char *line, int len)
{
	switch (parser->format)
	{
		case IMPORT_DYNAMODB_JSON:
			return import_parse_dynamodb_json(line, len);
		case IMPORT_ION:
			return dynamo_item_from_node(import_parse_ion_item(line, len));
		case IMPORT_CSV:
			return dynamo_item_from_node(import_csv_item(parser,
														 import_csv_fields(line, len, parser->delimiter)));
	}
	elog(ERROR, "unknown import format %d", (int) parser->format);
	return NULL;
}
