/*-------------------------------------------------------------------------
 *
 * import_csv.c
 *	  CSV records of an import turned into items.
 *
 * A record is a line, or several when a quoted field holds a newline
 * (import_csv_record_complete tells the job to read on).  Fields are
 * separated by the import's delimiter (',' unless InputFormatOptions.Csv
 * names another); a field in double quotes may hold the delimiter, newlines
 * and "" for a quote, as RFC 4180 has it.  The columns are named by the
 * first record of each object, or by InputFormatOptions.Csv.HeaderList
 * (then every record is data), and a record must have as many fields as
 * there are names.
 *
 * As in DynamoDB, every value is imported as a string (S) except those of
 * the attributes the table defines (its key and its GSIs' keys), which
 * take their defined type: N as written, B as base64.  An empty field is
 * left out of the item unless it is one of the table's key attributes
 * (whose emptiness the key check then refuses with DynamoDB's message).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "backup/import.h"

/* whether text holds whole records: no quoted field left open */
bool
import_csv_record_complete(const char *text, int len)
{
	bool		quoted = false;
	int			i;

	for (i = 0; i < len; i++)
		if (text[i] == '"')
			quoted = !quoted;	/* "" inside a quoted field toggles twice */
	return !quoted;
}

/* the fields of a record, as string nodes */
List *
import_csv_fields(const char *text, int len, char delimiter)
{
	List	   *fields = NIL;
	StringInfoData field;
	int			i = 0;

	initStringInfo(&field);
	for (;;)
	{
		resetStringInfo(&field);
		if (i < len && text[i] == '"')
		{
			i++;
			for (;;)
			{
				if (i >= len)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("Invalid CSV: a quoted field is not closed")));
				if (text[i] == '"')
				{
					if (i + 1 < len && text[i + 1] == '"')
					{
						appendStringInfoChar(&field, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				appendStringInfoChar(&field, text[i++]);
			}
			if (i < len && text[i] != delimiter)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("Invalid CSV: characters after a quoted field")));
		}
		else
		{
			while (i < len && text[i] != delimiter)
				appendStringInfoChar(&field, text[i++]);
		}
		fields = lappend(fields, import_string_node(field.data, field.len));
		if (i >= len)
			break;
		i++;					/* the delimiter */
	}
	return fields;
}

/* the type the table defines for an attribute, or 0 ('S' for the rest) */
static DynamoType
defined_type(const ImportKeyTypes *keys, const JsonNode *name, bool *defined)
{
	int			i;

	for (i = 0; i < keys->count; i++)
		if (strlen(keys->names[i]) == name->count && memcmp(keys->names[i], name->u.text, name->count) == 0)
		{
			*defined = true;
			return keys->types[i];
		}
	*defined = false;
	return DYNAMO_TYPE_S;
}

/* The item of a record's fields, named by the parser's header. */
JsonNode *
import_csv_item(ImportParser *parser, List *fields)
{
	List	   *names = NIL;
	List	   *values = NIL;
	int			i;

	if (list_length(fields) != parser->header_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("Invalid CSV: the line has %d values for %d header columns",
						list_length(fields), parser->header_count)));
	for (i = 0; i < parser->header_count; i++)
	{
		JsonNode   *value = list_nth(fields, i);
		JsonNode   *name = import_string_node(parser->header[i], strlen(parser->header[i]));
		bool		defined;
		DynamoType	type = defined_type(&parser->keys, name, &defined);
		bool		table_key = false;
		int			k;

		for (k = 0; k < parser->keys.table_key_count; k++)
			if (strcmp(parser->header[i], parser->keys.names[k]) == 0)
				table_key = true;
		if (value->count == 0 && !table_key)
			continue;
		names = lappend(names, name);
		values = lappend(values, import_typed_node(dynamo_type_name(type), value));
	}
	return import_object_node(names, values);
}
