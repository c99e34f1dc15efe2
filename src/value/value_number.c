/*-------------------------------------------------------------------------
 *
 * value_number.c
 *	  DynamoDB numbers: parsing with DynamoDB's rules, the canonical
 *	  order-preserving encoding, and the text DynamoDB returns.
 *
 * A number is kept as sign, significant digits d1..dn (1 <= n <= 38, no
 * leading or trailing zero) and exponent E, meaning 0.d1...dn x 10^E.
 * DynamoDB's range 1E-130 .. 9.99...E+125 is exactly E in [-129, 126], so E
 * fits one byte once offset by 129.
 *
 * ENCODING (memcmp order is numeric order; equal numbers, equal bytes)
 *
 *	 zero		0x02
 *	 positive	0x03, E + 129, digit pairs
 *	 negative	0x01, 255 - (E + 129), complemented digit pairs, 0xFF
 *
 * A digit pair byte is 10 * d(2i+1) + d(2i+2) + 1, in 1..100, the last pair
 * padded with a zero digit.  Shorter mantissas sort first on a common prefix,
 * which is right for positives (0.1 < 0.101); for negatives the digit bytes
 * are complemented (155..254) and the 0xFF terminator makes the longer
 * mantissa sort first (-0.101 < -0.1).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "errors.h"
#include "value/value.h"

#define NUMBER_MARK_NEGATIVE	0x01
#define NUMBER_MARK_ZERO		0x02
#define NUMBER_MARK_POSITIVE	0x03
#define NUMBER_EXPONENT_BIAS	129
#define NUMBER_TERMINATOR		0xFF

/* exponents beyond this are out of range anyway; clamp while reading */
#define NUMBER_EXPONENT_CLAMP	1000000

/*
 * Parse DynamoDB number text into *number.  On bad input, return false and
 * set *error to what is wrong with it.  The grammar is that of Java's BigDecimal:
 * [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits], no spaces.
 */
bool
dynamo_number_try_parse(const char *text, int len, DynamoNumber *number,
						DynamoNumberError *error)
{
	int			pos = 0;
	int			mantissa_start;
	int			digit_count = 0;	/* mantissa digits, point excluded */
	int			point_digits = -1;	/* digits before the point */
	int			first_nonzero = -1;
	int			last_nonzero = -1;
	int64		exponent10 = 0;
	int64		scientific;
	int			i;
	int			digit_index;

	memset(number, 0, sizeof(*number));

	if (pos < len && (text[pos] == '+' || text[pos] == '-'))
	{
		number->negative = (text[pos] == '-');
		pos++;
	}

	/* first pass: the mantissa's shape */
	mantissa_start = pos;
	for (; pos < len; pos++)
	{
		char		c = text[pos];

		if (c >= '0' && c <= '9')
		{
			if (c != '0')
			{
				if (first_nonzero < 0)
					first_nonzero = digit_count;
				last_nonzero = digit_count;
			}
			digit_count++;
		}
		else if (c == '.' && point_digits < 0)
			point_digits = digit_count;
		else
			break;
	}
	if (digit_count == 0)
	{
		*error = (len == 0) ? DYNAMO_NUMBER_EMPTY : DYNAMO_NUMBER_INVALID;
		return false;
	}
	if (point_digits < 0)
		point_digits = digit_count;

	/* the exponent */
	if (pos < len && (text[pos] == 'e' || text[pos] == 'E'))
	{
		bool		exponent_negative = false;
		int			exponent_digits = 0;

		pos++;
		if (pos < len && (text[pos] == '+' || text[pos] == '-'))
		{
			exponent_negative = (text[pos] == '-');
			pos++;
		}
		for (; pos < len && text[pos] >= '0' && text[pos] <= '9'; pos++)
		{
			if (exponent10 < NUMBER_EXPONENT_CLAMP)
				exponent10 = exponent10 * 10 + (text[pos] - '0');
			exponent_digits++;
		}
		if (exponent_digits == 0)
		{
			*error = DYNAMO_NUMBER_INVALID;
			return false;
		}
		if (exponent_negative)
			exponent10 = -exponent10;
	}
	if (pos != len)
	{
		*error = DYNAMO_NUMBER_INVALID;
		return false;
	}

	/* zero, whatever its sign, scale or exponent */
	if (first_nonzero < 0)
	{
		number->negative = false;
		return true;
	}

	scientific = (int64) point_digits - first_nonzero + exponent10;
	if (scientific > DYNAMO_NUMBER_MAX_EXPONENT)
	{
		*error = DYNAMO_NUMBER_OVERFLOW;
		return false;
	}
	if (scientific < DYNAMO_NUMBER_MIN_EXPONENT)
	{
		*error = DYNAMO_NUMBER_UNDERFLOW;
		return false;
	}
	if (last_nonzero - first_nonzero + 1 > DYNAMO_NUMBER_MAX_DIGITS)
	{
		*error = DYNAMO_NUMBER_PRECISION;
		return false;
	}

	/* second pass: copy the significant digits */
	number->exponent = (int16) scientific;
	number->ndigits = (uint8) (last_nonzero - first_nonzero + 1);
	digit_index = 0;
	for (i = mantissa_start; i < len && digit_index <= last_nonzero; i++)
	{
		if (text[i] == '.')
			continue;
		if (digit_index >= first_nonzero)
			number->digits[digit_index - first_nonzero] = (uint8) (text[i] - '0');
		digit_index++;
	}
	return true;
}

/* Raise DynamoDB's ValidationException for a number that failed to parse. */
void
dynamo_number_raise_error(DynamoNumberError error, const char *text, int len)
{
	switch (error)
	{
		case DYNAMO_NUMBER_EMPTY:
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "The parameter cannot be converted to a numeric value");
			break;
		case DYNAMO_NUMBER_INVALID:
			{
				StringInfoData shown;

				initStringInfo(&shown);
				dynamo_append_message_text(&shown, text, (uint32) len);
				dynamo_error(DYNAMO_EXC_VALIDATION,
							 "The parameter cannot be converted to a numeric value: %s", shown.data);
				break;
			}
		case DYNAMO_NUMBER_OVERFLOW:
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Number overflow. Attempting to store a number with magnitude larger than supported range");
			break;
		case DYNAMO_NUMBER_UNDERFLOW:
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Number underflow. Attempting to store a number with magnitude smaller than supported range");
			break;
		case DYNAMO_NUMBER_PRECISION:
			dynamo_error(DYNAMO_EXC_VALIDATION,
						 "Attempting to store more than 38 significant digits in a Number");
			break;
	}
	elog(ERROR, "unexpected number error %d", (int) error);
}

/* Parse DynamoDB number text, raising DynamoDB's ValidationException on error. */
void
dynamo_number_parse(const char *text, int len, DynamoNumber *number)
{
	DynamoNumberError error;

	if (!dynamo_number_try_parse(text, len, number, &error))
		dynamo_number_raise_error(error, text, len);
}

/* Write the canonical encoding of *number to out; return its length. */
int
dynamo_number_encode(const DynamoNumber *number, uint8 *out)
{
	int			n = 0;
	int			i;

	if (number->ndigits == 0)
	{
		out[n++] = NUMBER_MARK_ZERO;
		return n;
	}

	out[n++] = number->negative ? NUMBER_MARK_NEGATIVE : NUMBER_MARK_POSITIVE;
	out[n] = (uint8) (number->exponent + NUMBER_EXPONENT_BIAS);
	if (number->negative)
		out[n] = 255 - out[n];
	n++;
	for (i = 0; i < number->ndigits; i += 2)
	{
		int			low = (i + 1 < number->ndigits) ? number->digits[i + 1] : 0;
		uint8		pair = (uint8) (number->digits[i] * 10 + low + 1);

		out[n++] = number->negative ? 255 - pair : pair;
	}
	if (number->negative)
		out[n++] = NUMBER_TERMINATOR;
	return n;
}

/* Decode a canonical encoding (trusted: validated on the way in). */
void
dynamo_number_decode(const uint8 *data, uint32 len, DynamoNumber *number)
{
	uint32		pairs_end;
	uint32		i;
	int			nd = 0;

	memset(number, 0, sizeof(*number));
	if (len < 1 || data[0] == NUMBER_MARK_ZERO)
		return;

	number->negative = (data[0] == NUMBER_MARK_NEGATIVE);
	number->exponent = (int16) ((number->negative ? 255 - data[1] : data[1]) - NUMBER_EXPONENT_BIAS);
	pairs_end = number->negative ? len - 1 : len;
	for (i = 2; i < pairs_end && nd + 1 < DYNAMO_NUMBER_MAX_DIGITS + 1; i++)
	{
		int			pair = (number->negative ? 255 - data[i] : data[i]) - 1;

		number->digits[nd++] = (uint8) (pair / 10);
		if (nd < DYNAMO_NUMBER_MAX_DIGITS)
			number->digits[nd++] = (uint8) (pair % 10);
	}
	/* drop the padding digit of an odd-length mantissa */
	while (nd > 0 && number->digits[nd - 1] == 0)
		nd--;
	number->ndigits = (uint8) nd;
}

/*
 * Is data..len a canonical number encoding?  Used on untrusted binary input:
 * only bytes that dynamo_number_encode can produce are accepted.
 */
bool
dynamo_number_encoding_is_valid(const uint8 *data, uint32 len)
{
	DynamoNumber number;
	uint8		again[DYNAMO_NUMBER_MAX_ENCODED];
	uint32		pairs_end;
	uint32		i;

	if (len == 1)
		return data[0] == NUMBER_MARK_ZERO;
	if (len < 3 || len > DYNAMO_NUMBER_MAX_ENCODED)
		return false;
	if (data[0] != NUMBER_MARK_POSITIVE && data[0] != NUMBER_MARK_NEGATIVE)
		return false;
	pairs_end = (data[0] == NUMBER_MARK_NEGATIVE) ? len - 1 : len;
	if (pairs_end <= 2)
		return false;
	for (i = 2; i < pairs_end; i++)
	{
		int			pair = (data[0] == NUMBER_MARK_NEGATIVE) ? 255 - data[i] : data[i];

		if (pair < 1 || pair > 100)
			return false;
	}
	dynamo_number_decode(data, len, &number);
	if (number.ndigits == 0 || number.digits[0] == 0)
		return false;
	if (number.exponent < DYNAMO_NUMBER_MIN_EXPONENT ||
		number.exponent > DYNAMO_NUMBER_MAX_EXPONENT)
		return false;
	return dynamo_number_encode(&number, again) == (int) len &&
		memcmp(again, data, len) == 0;
}

/*
 * Append the text DynamoDB returns for a number: plain notation, never an
 * exponent, no leading or trailing zeros ("1.5", "100", "0.001", "-7").
 */
void
dynamo_number_append_text(StringInfo out, const DynamoNumber *number)
{
	int			i;
	int			e = number->exponent;
	int			n = number->ndigits;

	if (n == 0)
	{
		appendStringInfoChar(out, '0');
		return;
	}
	if (number->negative)
		appendStringInfoChar(out, '-');
	if (e <= 0)
	{
		appendStringInfoString(out, "0.");
		for (i = 0; i < -e; i++)
			appendStringInfoChar(out, '0');
		for (i = 0; i < n; i++)
			appendStringInfoChar(out, (char) ('0' + number->digits[i]));
	}
	else
	{
		for (i = 0; i < n || i < e; i++)
		{
			if (i == e)
				appendStringInfoChar(out, '.');
			appendStringInfoChar(out, (char) ('0' + (i < n ? number->digits[i] : 0)));
		}
	}
}

/* Append the DynamoDB text of an encoded number. */
void
dynamo_number_append_encoded_text(StringInfo out, const uint8 *data, uint32 len)
{
	DynamoNumber number;

	dynamo_number_decode(data, len, &number);
	dynamo_number_append_text(out, &number);
}

/* Parse number text (raising DynamoDB's errors) and append its encoding. */
void
dynamo_number_append_parsed(StringInfo out, const char *text, int len)
{
	DynamoNumber number;
	uint8		encoded[DYNAMO_NUMBER_MAX_ENCODED];
	int			encoded_len;

	dynamo_number_parse(text, len, &number);
	encoded_len = dynamo_number_encode(&number, encoded);
	appendBinaryStringInfo(out, (const char *) encoded, encoded_len);
}

/*
 * a + b, or a - b with subtract, exactly.  Returns false with *error set
 * when the result is out of DynamoDB's range; a result that needs more than
 * 38 significant digits is an overflow, as DynamoDB reports it.
 */
bool
dynamo_number_add(const DynamoNumber *a, const DynamoNumber *b, bool subtract,
				  DynamoNumber *result, DynamoNumberError *error)
{
	/* digit positions: value = sum of digit[k] * 10^(low + k) */
#define ADD_MAX_POSITIONS (DYNAMO_NUMBER_MAX_EXPONENT - DYNAMO_NUMBER_MIN_EXPONENT + DYNAMO_NUMBER_MAX_DIGITS + 2)
	int			da[ADD_MAX_POSITIONS];
	int			db[ADD_MAX_POSITIONS];
	int			sum[ADD_MAX_POSITIONS];
	bool		b_negative = b->negative != subtract;
	int			low,
				high,
				width,
				k,
				top,
				bottom;
	bool		negative;

	memset(result, 0, sizeof(*result));
	if (a->ndigits == 0 && b->ndigits == 0)
		return true;

	low = PG_INT32_MAX;
	high = PG_INT32_MIN;
	if (a->ndigits > 0)
	{
		low = Min(low, a->exponent - a->ndigits);
		high = Max(high, (int) a->exponent);
	}
	if (b->ndigits > 0)
	{
		low = Min(low, b->exponent - b->ndigits);
		high = Max(high, (int) b->exponent);
	}
	width = high - low + 1;		/* one more position for a carry */
	Assert(width <= ADD_MAX_POSITIONS);
	memset(da, 0, sizeof(int) * width);
	memset(db, 0, sizeof(int) * width);
	for (k = 0; k < a->ndigits; k++)
		da[a->exponent - 1 - k - low] = a->digits[k];
	for (k = 0; k < b->ndigits; k++)
		db[b->exponent - 1 - k - low] = b->digits[k];

	if (a->negative == b_negative || a->ndigits == 0 || b->ndigits == 0)
	{
		int			carry = 0;

		negative = (a->ndigits == 0) ? b_negative : a->negative;
		for (k = 0; k < width; k++)
		{
			int			d = da[k] + db[k] + carry;

			sum[k] = d % 10;
			carry = d / 10;
		}
	}
	else
	{
		/* subtract the smaller magnitude from the larger */
		int		   *big = da,
				   *small = db;
		int			borrow = 0;

		negative = a->negative;
		for (k = width - 1; k >= 0; k--)
		{
			if (da[k] != db[k])
			{
				if (db[k] > da[k])
				{
					big = db;
					small = da;
					negative = b_negative;
				}
				break;
			}
		}
		for (k = 0; k < width; k++)
		{
			int			d = big[k] - small[k] - borrow;

			borrow = (d < 0);
			sum[k] = d + (borrow ? 10 : 0);
		}
	}

	for (top = width - 1; top >= 0 && sum[top] == 0; top--)
		;
	if (top < 0)
		return true;			/* zero */
	for (bottom = 0; sum[bottom] == 0; bottom++)
		;
	if (top + low + 1 > DYNAMO_NUMBER_MAX_EXPONENT || top - bottom + 1 > DYNAMO_NUMBER_MAX_DIGITS)
	{
		*error = DYNAMO_NUMBER_OVERFLOW;
		return false;
	}
	if (top + low + 1 < DYNAMO_NUMBER_MIN_EXPONENT)
	{
		*error = DYNAMO_NUMBER_UNDERFLOW;
		return false;
	}
	result->negative = negative;
	result->exponent = (int16) (top + low + 1);
	result->ndigits = (uint8) (top - bottom + 1);
	for (k = 0; k < result->ndigits; k++)
		result->digits[k] = (uint8) sum[top - k];
	return true;
#undef ADD_MAX_POSITIONS
}
