/*-------------------------------------------------------------------------
 *
 * value_path.c
 *	  Reading a nested attribute by a document path: a.b[2].c
 *
 * The path syntax of the SQL accessor is DynamoDB's document path without
 * placeholders: names separated by dots, each followed by any number of list
 * indexes in brackets.  Names cannot contain '.' or '['; the expression
 * engine, with its #name placeholders, reaches every name.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "value/value.h"

static void
invalid_path(const char *path)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid document path \"%s\"", path),
			 errhint("A path is names separated by dots, each with optional list indexes: a.b[2].c")));
}

/*
 * Find the value at path inside root (an item or a map value).  Returns false
 * when the path does not lead to a value; raises an error when the path is
 * not well formed.
 */
bool
dynamo_value_at_path(DynamoValue root, const char *path, DynamoValue *result)
{
	const char *p = path;
	DynamoValue current = root;
	bool		found = true;

	for (;;)
	{
		const char *name = p;

		while (*p != '\0' && *p != '.' && *p != '[')
			p++;
		if (p == name)
			invalid_path(path);
		if (found)
		{
			if (dynamo_value_type(current) != DYNAMO_TYPE_M ||
				!dynamo_map_lookup(current, name, (uint32) (p - name), &current))
				found = false;
		}
		while (*p == '[')
		{
			int64		index = 0;
			const char *digits = ++p;

			while (*p >= '0' && *p <= '9')
			{
				index = index * 10 + (*p - '0');
				if (index > PG_INT32_MAX)
					invalid_path(path);
				p++;
			}
			if (p == digits || *p != ']')
				invalid_path(path);
			p++;
			if (found)
			{
				if (dynamo_value_type(current) != DYNAMO_TYPE_L ||
					index >= dynamo_container_count(current))
					found = false;
				else
					current = dynamo_list_element(current, (uint32) index);
			}
		}
		if (*p == '\0')
			break;
		if (*p != '.')
			invalid_path(path);
		p++;
	}
	if (found)
		*result = current;
	return found;
}
