/*-------------------------------------------------------------------------
 *
 * fuzz.h
 *	  What the libFuzzer targets of test/fuzz share: the error trap and the
 *	  per-input memory arena of stubs.c, and the fixed sample items and
 *	  request parameters of fixtures.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_FUZZ_H
#define DYNAMO_FUZZ_H

#include "postgres.h"

#include "expr/expr.h"
#include "value/value.h"

/* stubs.c: run body(arg) with ereport(ERROR) trapped; true when it raised one */
extern bool fuzz_run(void (*body) (void *), void *arg);

/* the message and SQLSTATE of the last error fuzz_run trapped */
extern char fuzz_last_error[];
extern int	fuzz_last_errcode;

/* free everything palloc'd since the last reset: once per input, at its end */
extern void fuzz_arena_reset(void);

/* while true, palloc'd memory is permanent (fixtures built at start-up) */
extern void fuzz_arena_permanent(bool permanent);

/* a failed harness invariant: print and abort, so libFuzzer keeps the input */
#define fuzz_check(cond, ...) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)
extern void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,...)
			pg_attribute_printf(4, 5) pg_attribute_noreturn();

/* run body(arg), which must not raise: an ERROR there is a bug */
#define fuzz_must_run(body, arg, what) \
	do { \
		if (fuzz_run((body), (arg))) \
			fuzz_fail(__FILE__, __LINE__, what, "%s raised an error: %s", what, fuzz_last_error); \
	} while (0)

/*
 * FUZZ_IGNORE="text1;text2": an invariant failure whose error message
 * contains one of these is not reported (to keep fuzzing past a known bug)
 */
extern bool fuzz_ignored(const char *message);

/* FUZZ_VERBOSE=1: say what happened to each input (to check seeds) */
extern bool fuzz_verbose(void);
#define fuzz_log(...) \
	do { \
		if (fuzz_verbose()) \
			fprintf(stderr, __VA_ARGS__); \
	} while (0)

/* fixtures.c: values built by hand with the value builder */
extern DynamoValue fz_s(const char *s);
extern DynamoValue fz_b(const char *bytes, int len);
extern DynamoValue fz_n(const char *text);
extern DynamoValue fz_bool(bool b);
extern DynamoValue fz_null(void);
extern DynamoValue fz_list(int n, const DynamoValue *values);
extern DynamoValue fz_map(int n, const char *const *names, const DynamoValue *values);
extern DynamoValue fz_set(DynamoType type, int n, const DynamoValue *values);

/* the sample items every expression target evaluates against */
#define FUZZ_NITEMS 4
extern DynamoValue fuzz_items[FUZZ_NITEMS];

/* the request's ExpressionAttributeNames and -Values (see fixtures.c) */
extern ExprParams *fuzz_params;
extern const ExprKeySchema fuzz_schema_pk_sk;	/* pk S, sk N */
extern const ExprKeySchema fuzz_schema_pk_only;	/* pk, types unchecked */

/* build the fixtures once (idempotent); validates them */
extern void fuzz_fixtures_init(void);

/* clear the "used" marks the parsers leave in fuzz_params */
extern void fuzz_params_reset(void);

/* a NUL-terminated copy of the input, in the arena */
extern char *fuzz_cstring(const uint8_t *data, size_t size);

#endif							/* DYNAMO_FUZZ_H */
