/*-------------------------------------------------------------------------
 *
 * fixtures.c
 *	  The fixed sample items and request parameters of the expression fuzz
 *	  targets, built by hand with the value builder (no jsonb).
 *
 * ITEMS (fuzz_items)
 *	 0	a document: pk, sk, a.b[2].c, lists, maps, every type, names with a
 *		dot, a reserved word and UTF-8, extreme numbers, and "deep": maps
 *		nested to the 32-level limit (deep.d.d...d.v, 31 maps)
 *	 1	numbers: a = 10, l = [1, 2, 3, 4], ...
 *	 2	key attributes only (an update of an item that does not exist yet)
 *	 3	the empty map
 *
 * PARAMETERS (fuzz_params)
 *	 #a a, #b b, #c c, #d deep, #k "a.b", #m m, #n name, #pk pk, #r SET,
 *	 #sk sk, #u ü, #v version, #x x
 *	 :a 1, :b 10, :big 9.99..E+125, :bool true, :bs BS, :e "", :el [],
 *	 :l [1, "x"], :lb [[1, "x"]], :m {x: 1}, :n1 -1, :neg -9.99..E+125,
 *	 :ns NS [1, 3], :null NULL, :one 1, :p "p1", :s "he", :ss SS [a, c],
 *	 :t "N", :tiny 1E-130, :v 3, :x B 0x01, :z 0
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

DynamoValue fuzz_items[FUZZ_NITEMS];
ExprParams *fuzz_params;

const ExprKeySchema fuzz_schema_pk_sk = {"pk", "sk", DYNAMO_TYPE_S, DYNAMO_TYPE_N};
const ExprKeySchema fuzz_schema_pk_only = {"pk", NULL, 0, 0};

#define MAX_NUMBER_TEXT "9.9999999999999999999999999999999999999E+125"

static DynamoValue
from_buffer(StringInfo buf)
{
	DynamoValue v;

	v.data = (const uint8 *) buf->data;
	v.len = buf->len;
	return v;
}

DynamoValue
fz_s(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, DYNAMO_TYPE_S);
	appendStringInfoString(&buf, s);
	return from_buffer(&buf);
}

DynamoValue
fz_b(const char *bytes, int len)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, DYNAMO_TYPE_B);
	appendBinaryStringInfo(&buf, bytes, len);
	return from_buffer(&buf);
}

DynamoValue
fz_n(const char *text)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, DYNAMO_TYPE_N);
	dynamo_number_append_parsed(&buf, text, strlen(text));
	return from_buffer(&buf);
}

DynamoValue
fz_bool(bool b)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, DYNAMO_TYPE_BOOL);
	appendStringInfoChar(&buf, b ? 1 : 0);
	return from_buffer(&buf);
}

DynamoValue
fz_null(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, DYNAMO_TYPE_NULL);
	return from_buffer(&buf);
}

/* elements (tag included for L and M values, without for set elements) */
static DynamoValue
container(DynamoType type, int n, const char *const *names, const DynamoValue *values,
		  int skip_tag)
{
	StringInfoData scratch;
	StringInfoData out;
	DynamoElement *elements = palloc(sizeof(DynamoElement) * Max(n, 1));
	int			i;

	initStringInfo(&scratch);
	for (i = 0; i < n; i++)
	{
		elements[i].name = names ? names[i] : NULL;
		elements[i].namelen = names ? strlen(names[i]) : 0;
		elements[i].start = scratch.len;
		elements[i].len = values[i].len - skip_tag;
		appendBinaryStringInfo(&scratch, (const char *) values[i].data + skip_tag,
							   values[i].len - skip_tag);
	}
	if (type == DYNAMO_TYPE_M)
		dynamo_sort_map_elements(elements, n);
	initStringInfo(&out);
	dynamo_write_container(&out, type, scratch.data, elements, n);
	return from_buffer(&out);
}

DynamoValue
fz_list(int n, const DynamoValue *values)
{
	return container(DYNAMO_TYPE_L, n, NULL, values, 0);
}

DynamoValue
fz_map(int n, const char *const *names, const DynamoValue *values)
{
	return container(DYNAMO_TYPE_M, n, names, values, 0);
}

static int
compare_payloads(const void *a, const void *b)
{
	const DynamoValue *va = a;
	const DynamoValue *vb = b;

	return dynamo_name_compare((const char *) va->data + 1, va->len - 1,
							   (const char *) vb->data + 1, vb->len - 1);
}

/* a set of the given scalar values (sorted here; no duplicates please) */
DynamoValue
fz_set(DynamoType type, int n, const DynamoValue *values)
{
	DynamoValue *sorted = palloc(sizeof(DynamoValue) * n);

	memcpy(sorted, values, sizeof(DynamoValue) * n);
	qsort(sorted, n, sizeof(DynamoValue), compare_payloads);
	return container(type, n, NULL, sorted, 1);
}

#define VALS(...) (const DynamoValue[]) {__VA_ARGS__}

/* fz_map, under a shorter name */
static DynamoValue
map_of(int n, const char *const *names, const DynamoValue *values)
{
	return fz_map(n, names, values);
}

static DynamoValue
deep_chain(void)
{
	DynamoValue v = fz_n("1");
	const char *const leaf[] = {"v"};
	const char *const link[] = {"d"};
	int			i;

	v = map_of(1, leaf, &v);	/* the 31st map, at level 31 below the item */
	for (i = 0; i < 30; i++)
		v = map_of(1, link, &v);
	return v;
}

static void
build_items(void)
{
	/* item 0: the document */
	{
		const char *const inner_names[] = {"c"};
		DynamoValue inner = map_of(1, inner_names, VALS(fz_s("deep")));
		const char *const a_names[] = {"b", "x"};
		DynamoValue a = map_of(2, a_names,
							   VALS(fz_list(3, VALS(fz_n("0"), fz_n("1"), inner)), fz_n("1")));
		const char *const g_names[] = {"g"};
		const char *const d_names[] = {"e", "f"};
		DynamoValue d = map_of(2, d_names,
							   VALS(fz_bool(true),
									fz_list(2, VALS(map_of(1, g_names, VALS(fz_n("2"))), fz_n("3")))));
		const char *const names[] = {
			"pk", "sk", "a", "b", "c", "d", "version", "ss", "ns", "bs", "n", "t", "bin",
			"m", "l", "big", "neg", "tiny", "name", "a.b", "SET", "\xc3\xbc", "deep"
		};
		DynamoValue values[] = {
			fz_s("p1"), fz_n("5"), a,
			fz_list(2, VALS(fz_n("1"), fz_s("x"))),
			fz_s("hello"), d, fz_n("3"),
			fz_set(DYNAMO_TYPE_SS, 2, VALS(fz_s("a"), fz_s("b"))),
			fz_set(DYNAMO_TYPE_NS, 3, VALS(fz_n("1"), fz_n("2.5"), fz_n("-7"))),
			fz_set(DYNAMO_TYPE_BS, 2, VALS(fz_b("\x01", 1), fz_b("\x02", 1))),
			fz_null(), fz_bool(false), fz_b("\x00\x01\xff", 3),
			fz_map(0, NULL, NULL), fz_list(0, NULL),
			fz_n(MAX_NUMBER_TEXT), fz_n("-1.5"), fz_n("1E-130"),
			fz_s("\xc3\xbc"), fz_s("dotted"), fz_n("1"), fz_s("u"), deep_chain()
		};

		fuzz_items[0] = map_of(lengthof(names), names, values);
	}
	/* item 1: numbers */
	{
		const char *const names[] = {"pk", "sk", "a", "b", "c", "d", "version", "ss", "l", "x"};
		DynamoValue values[] = {
			fz_s("p2"), fz_n("-3"), fz_n("10"), fz_list(0, NULL), fz_n("1E+125"), fz_s("d"),
			fz_n("3"), fz_set(DYNAMO_TYPE_SS, 1, VALS(fz_s("x"))),
			fz_list(4, VALS(fz_n("1"), fz_n("2"), fz_n("3"), fz_n("4"))),
			fz_n("0.000000000000000000000000000000000001")
		};

		fuzz_items[1] = map_of(lengthof(names), names, values);
	}
	/* item 2: the key only */
	{
		const char *const names[] = {"pk", "sk"};

		fuzz_items[2] = map_of(2, names, VALS(fz_s("p1"), fz_n("5")));
	}
	/* item 3: empty */
	fuzz_items[3] = fz_map(0, NULL, NULL);
}

static int
compare_name_entries(const void *a, const void *b)
{
	const ExprNameEntry *ea = a;
	const ExprNameEntry *eb = b;

	return dynamo_name_compare(ea->placeholder, ea->placeholder_len,
							   eb->placeholder, eb->placeholder_len);
}

static void
build_params(void)
{
	static const char *const name_pairs[][2] = {
		{"#a", "a"}, {"#b", "b"}, {"#c", "c"}, {"#d", "deep"}, {"#k", "a.b"}, {"#m", "m"},
		{"#n", "name"}, {"#pk", "pk"}, {"#r", "SET"}, {"#sk", "sk"}, {"#u", "\xc3\xbc"},
		{"#v", "version"}, {"#x", "x"}
	};
	const char *const value_names[] = {
		":a", ":b", ":big", ":bool", ":bs", ":e", ":el", ":l", ":lb", ":m", ":n1", ":neg",
		":ns", ":null", ":one", ":p", ":s", ":ss", ":t", ":tiny", ":v", ":x", ":z"
	};
	DynamoValue l = fz_list(2, VALS(fz_n("1"), fz_s("x")));
	const char *const m_names[] = {"x"};
	DynamoValue values[] = {
		fz_n("1"), fz_n("10"), fz_n(MAX_NUMBER_TEXT), fz_bool(true),
		fz_set(DYNAMO_TYPE_BS, 2, VALS(fz_b("\x01", 1), fz_b("\x03", 1))),
		fz_s(""), fz_list(0, NULL), l, fz_list(1, &l), map_of(1, m_names, VALS(fz_n("1"))),
		fz_n("-1"), fz_n("-" MAX_NUMBER_TEXT),
		fz_set(DYNAMO_TYPE_NS, 2, VALS(fz_n("1"), fz_n("3"))),
		fz_null(), fz_n("1"), fz_s("p1"), fz_s("he"),
		fz_set(DYNAMO_TYPE_SS, 2, VALS(fz_s("a"), fz_s("c"))),
		fz_s("N"), fz_n("1E-130"), fz_n("3"), fz_b("\x01", 1), fz_n("0")
	};
	ExprParams *params = palloc0(sizeof(ExprParams));
	int			i;

	StaticAssertStmt(lengthof(value_names) == lengthof(values), "one value per name");
	params->nnames = lengthof(name_pairs);
	params->names = palloc0(sizeof(ExprNameEntry) * params->nnames);
	for (i = 0; i < params->nnames; i++)
	{
		params->names[i].placeholder = name_pairs[i][0];
		params->names[i].placeholder_len = strlen(name_pairs[i][0]);
		params->names[i].name = name_pairs[i][1];
		params->names[i].namelen = strlen(name_pairs[i][1]);
	}
	qsort(params->names, params->nnames, sizeof(ExprNameEntry), compare_name_entries);
	params->has_names = true;
	params->values = map_of(lengthof(values), value_names, values);
	params->has_values = true;
	params->values_used = palloc0(sizeof(bool) * lengthof(values));
	fuzz_params = params;
}

static void
validate_fixtures(void *arg)
{
	int			i;

	for (i = 0; i < FUZZ_NITEMS; i++)
		dynamo_validate_encoding(fuzz_items[i], true);
	dynamo_validate_encoding(fuzz_params->values, true);
}

void
fuzz_fixtures_init(void)
{
	static bool done = false;

	if (done)
		return;
	fuzz_arena_permanent(true);
	build_items();
	build_params();
	fuzz_arena_permanent(false);
	if (fuzz_run(validate_fixtures, NULL))
		fuzz_fail(__FILE__, __LINE__, "fixtures", "a fixture does not validate: %s", fuzz_last_error);
	done = true;
}

void
fuzz_params_reset(void)
{
	int			i;

	for (i = 0; i < fuzz_params->nnames; i++)
		fuzz_params->names[i].used = false;
	memset(fuzz_params->values_used, 0,
		   sizeof(bool) * dynamo_container_count(fuzz_params->values));
}

char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char	   *s = palloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
