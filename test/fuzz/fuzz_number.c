/*-------------------------------------------------------------------------
 *
 * fuzz_number.c
 *	  libFuzzer target: DynamoDB number parsing, encoding and addition
 *	  (value_number.c, value_size.c).
 *
 * The input is split at its first '|' into one or two number texts (no
 * NUL termination: the parser takes a length).  For each text that
 * dynamo_number_try_parse() accepts:
 *	 - the parsed number is well formed (1..38 digits, none leading or
 *	   trailing zero, exponent in DynamoDB's range; zero is all zeros);
 *	 - dynamo_number_encode() gives an encoding that
 *	   dynamo_number_encoding_is_valid() accepts and that decodes back to
 *	   the same number;
 *	 - the text DynamoDB returns (dynamo_number_append_text) parses back to
 *	   the same encoding, and the encoded-text path prints the same text;
 *	 - dynamo_number_size() is in 1..21.
 * A text it rejects must make dynamo_number_parse() raise an error.
 * For two numbers a and b, dynamo_number_add() is checked: a + b = b + a,
 * a - b = -(b - a), (a + b) - b = a, results well formed, an exact int128
 * oracle where both numbers fit 18 digits either side of the point, and the
 * memcmp order of the encodings agreeing with the sign of a - b.  One
 * number is checked against itself and zero (a - a = 0, a + 0 = a).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fuzz.h"

typedef struct ParseState
{
	const char *text;
	int			len;
	DynamoNumber number;
} ParseState;

static void
parse_body(void *arg)
{
	ParseState *st = arg;

	dynamo_number_parse(st->text, st->len, &st->number);
}

static bool
numbers_equal(const DynamoNumber *a, const DynamoNumber *b)
{
	if (a->ndigits != b->ndigits || a->negative != b->negative)
		return false;
	if (a->ndigits == 0)
		return true;
	return a->exponent == b->exponent && memcmp(a->digits, b->digits, a->ndigits) == 0;
}

static char *
number_text(const DynamoNumber *n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	dynamo_number_append_text(&buf, n);
	return buf.data;
}

static void
check_well_formed(const DynamoNumber *n, const char *what)
{
	int			i;

	fuzz_check(n->ndigits <= DYNAMO_NUMBER_MAX_DIGITS, "%s: %d digits", what, n->ndigits);
	if (n->ndigits == 0)
	{
		fuzz_check(!n->negative, "%s: negative zero", what);
		return;
	}
	fuzz_check(n->digits[0] != 0 && n->digits[n->ndigits - 1] != 0,
			   "%s: a leading or trailing zero digit", what);
	for (i = 0; i < n->ndigits; i++)
		fuzz_check(n->digits[i] <= 9, "%s: digit %d is %d", what, i, n->digits[i]);
	fuzz_check(n->exponent >= DYNAMO_NUMBER_MIN_EXPONENT && n->exponent <= DYNAMO_NUMBER_MAX_EXPONENT,
			   "%s: exponent %d out of range", what, n->exponent);
}

/* the encoding, checked */
static int
encode_checked(const DynamoNumber *n, uint8 *out, const char *what)
{
	int			len = dynamo_number_encode(n, out);
	DynamoNumber back;

	fuzz_check(len >= 1 && len <= DYNAMO_NUMBER_MAX_ENCODED, "%s: encoding of %d bytes", what, len);
	fuzz_check(dynamo_number_encoding_is_valid(out, len),
			   "%s: dynamo_number_encoding_is_valid rejects the encoding of %s", what, number_text(n));
	dynamo_number_decode(out, len, &back);
	fuzz_check(numbers_equal(n, &back), "%s: %s decodes as %s", what, number_text(n), number_text(&back));
	return len;
}

static void
check_number(const DynamoNumber *n)
{
	uint8		enc[DYNAMO_NUMBER_MAX_ENCODED];
	uint8		enc2[DYNAMO_NUMBER_MAX_ENCODED];
	int			len,
				len2;
	char	   *text = number_text(n);
	DynamoNumber again;
	DynamoNumberError error;
	StringInfoData buf;
	int			size;

	check_well_formed(n, "parsed");
	len = encode_checked(n, enc, "parsed");
	fuzz_check(dynamo_number_try_parse(text, strlen(text), &again, &error),
			   "the output text \"%s\" does not parse (error %d)", text, (int) error);
	len2 = dynamo_number_encode(&again, enc2);
	fuzz_check(len == len2 && memcmp(enc, enc2, len) == 0,
			   "the output text \"%s\" parses to another number", text);
	fuzz_check(strchr(text, 'E') == NULL && strchr(text, 'e') == NULL,
			   "output text \"%s\" has an exponent", text);
	initStringInfo(&buf);
	dynamo_number_append_encoded_text(&buf, enc, len);
	fuzz_check(strcmp(buf.data, text) == 0, "encoded text \"%s\" differs from \"%s\"", buf.data, text);
	size = dynamo_number_size(n);
	fuzz_check(size >= 1 && size <= 21, "size %d of %s", size, text);
}

/*
 * n as an exact int128 scaled by 10^18, when |n| < 10^max_exponent with <= 18
 * decimals (max_exponent at most 20: 10^38 still fits)
 */
static bool
to_int128(const DynamoNumber *n, int max_exponent, __int128 *out)
{
	__int128	v = 0;
	int			k;
	int			p;

	if (n->ndigits == 0)
	{
		*out = 0;
		return true;
	}
	if (n->exponent > max_exponent || n->exponent - n->ndigits + 18 < 0)
		return false;
	for (k = 0; k < n->ndigits; k++)
	{
		__int128	term = n->digits[k];

		for (p = 0; p < n->exponent - 1 - k + 18; p++)
			term *= 10;
		v += term;
	}
	*out = n->negative ? -v : v;
	return true;
}

static bool
add(const DynamoNumber *a, const DynamoNumber *b, bool subtract, DynamoNumber *result)
{
	DynamoNumberError error = (DynamoNumberError) -1;
	bool		ok = dynamo_number_add(a, b, subtract, result, &error);

	if (ok)
	{
		uint8		enc[DYNAMO_NUMBER_MAX_ENCODED];

		check_well_formed(result, "sum");
		encode_checked(result, enc, "sum");
	}
	else
		fuzz_check(error == DYNAMO_NUMBER_OVERFLOW || error == DYNAMO_NUMBER_UNDERFLOW,
				   "dynamo_number_add failed with error %d", (int) error);
	return ok;
}

static DynamoNumber
negated(const DynamoNumber *n)
{
	DynamoNumber r = *n;

	if (r.ndigits > 0)
		r.negative = !r.negative;
	return r;
}

static int
sign_of(const DynamoNumber *n)
{
	return n->ndigits == 0 ? 0 : n->negative ? -1 : 1;
}

static void
check_pair(const DynamoNumber *a, const DynamoNumber *b)
{
	DynamoNumber ab,
				ba,
				a_b,
				b_a,
				back;
	bool		ok_ab = add(a, b, false, &ab);
	bool		ok_ba = add(b, a, false, &ba);
	bool		ok_a_b = add(a, b, true, &a_b);
	bool		ok_b_a = add(b, a, true, &b_a);
	__int128	ia,
				ib;
	char	   *ta = number_text(a);
	char	   *tb = number_text(b);

	fuzz_check(ok_ab == ok_ba && (!ok_ab || numbers_equal(&ab, &ba)),
			   "%s + %s is not commutative", ta, tb);
	if (ok_a_b && ok_b_a)
	{
		DynamoNumber neg = negated(&b_a);

		fuzz_check(numbers_equal(&a_b, &neg), "%s - %s is not -(%s - %s)", ta, tb, tb, ta);
	}
	fuzz_check(ok_a_b == ok_b_a, "%s - %s and %s - %s: one fails", ta, tb, tb, ta);
	if (ok_ab)
	{
		fuzz_check(add(&ab, b, true, &back), "(%s + %s) - %s fails", ta, tb, tb);
		fuzz_check(numbers_equal(&back, a), "(%s + %s) - %s = %s", ta, tb, tb, number_text(&back));
	}
	if (to_int128(a, 18, &ia) && to_int128(b, 18, &ib))
	{
		__int128	got;

		fuzz_check(ok_ab && ok_a_b, "%s +/- %s fails within the int128 range", ta, tb);
		fuzz_check(to_int128(&ab, 20, &got) && got == ia + ib, "%s + %s = %s is wrong", ta, tb,
				   number_text(&ab));
		fuzz_check(to_int128(&a_b, 20, &got) && got == ia - ib, "%s - %s = %s is wrong", ta, tb,
				   number_text(&a_b));
	}
	if (ok_a_b)
	{
		uint8		ea[DYNAMO_NUMBER_MAX_ENCODED],
					eb[DYNAMO_NUMBER_MAX_ENCODED];
		int			la = dynamo_number_encode(a, ea);
		int			lb = dynamo_number_encode(b, eb);
		int			c = dynamo_name_compare((const char *) ea, la, (const char *) eb, lb);

		c = (c > 0) - (c < 0);
		fuzz_check(c == sign_of(&a_b), "encodings of %s and %s compare %d, but a - b = %s",
				   ta, tb, c, number_text(&a_b));
	}
}

static bool
parse_and_check(const char *text, int len, DynamoNumber *number)
{
	DynamoNumberError error = (DynamoNumberError) -1;
	ParseState	st;

	if (!dynamo_number_try_parse(text, len, number, &error))
	{
		fuzz_check(error >= DYNAMO_NUMBER_EMPTY && error <= DYNAMO_NUMBER_PRECISION,
				   "bad error code %d", (int) error);
		st.text = text;
		st.len = len;
		fuzz_check(fuzz_run(parse_body, &st), "dynamo_number_parse accepts what try_parse rejects");
		return false;
	}
	check_number(number);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	const char *bar = memchr(text, '|', size);
	DynamoNumber a,
				b,
				r;
	DynamoNumber zero;

	memset(&zero, 0, sizeof(zero));
	if (size > 100000)
		return 0;
	if (bar == NULL)
	{
		if (parse_and_check(text, (int) size, &a))
		{
			fuzz_check(add(&a, &a, true, &r) && r.ndigits == 0, "a - a is not zero for %s",
					   number_text(&a));
			fuzz_check(add(&a, &zero, false, &r) && numbers_equal(&r, &a), "a + 0 is not a for %s",
					   number_text(&a));
			check_pair(&a, &a);
		}
	}
	else
	{
		bool		ok_a = parse_and_check(text, (int) (bar - text), &a);
		bool		ok_b = parse_and_check(bar + 1, (int) (size - (bar + 1 - text)), &b);

		if (ok_a && ok_b)
			check_pair(&a, &b);
	}
	fuzz_arena_reset();
	return 0;
}
