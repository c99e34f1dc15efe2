/*-------------------------------------------------------------------------
 *
 * stubs.c
 *	  The backend symbols the dynamo sources need, outside the server, for
 *	  the libFuzzer targets of test/fuzz.
 *
 * MEMORY.  palloc and friends are defined here (so the linker never pulls
 * fe_memutils.o from libpgcommon.a): every allocation is its own malloc
 * block, so AddressSanitizer sees each chunk's exact bounds, and each block
 * is recorded in a pointer set that fuzz_arena_reset() frees in one go after
 * every input.  An ERROR that longjmps out of the code under test therefore
 * leaks nothing.  pfree or repalloc of a pointer the arena does not know is
 * reported as a bug (the server would corrupt its memory context).
 *
 * ERRORS.  ereport(ERROR) and elog(ERROR) reach errfinish(), which
 * siglongjmps to PG_exception_stack, as the server does: fuzz_run() sets it,
 * and PG_TRY blocks in the code under test nest as usual.  A raised
 * DynamoDB/ValidationException error is a normal outcome for a fuzz input.
 * An internal error (SQLSTATE XX000, the code of elog(ERROR) and of
 * "unexpected ..." branches), a failed Assert, FATAL or PANIC is a bug:
 * the harness aborts so libFuzzer keeps the input.  Set
 * FUZZ_ALLOW_INTERNAL_ERRORS=1 to treat internal errors as normal outcomes.
 *
 * Everything jsonb-related (the SQL-facing half of the code) is stubbed to
 * abort(): no target reaches it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "fuzz.h"

/* ------------------------------------------------------------------------
 * Harness failures
 * ------------------------------------------------------------------------
 */

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt,...)
{
	va_list		args;

	fprintf(stderr, "\n==FUZZ== invariant failed at %s:%d: %s\n==FUZZ== ", file, line, cond);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
{
	fprintf(stderr, "\n==FUZZ== %s(\"%s\", File: \"%s\", Line: %d)\n",
			errorType ? errorType : "TRAP", conditionName, fileName, lineNumber);
	abort();
}

/* ------------------------------------------------------------------------
 * The per-input arena: a set of malloc'd blocks
 * ------------------------------------------------------------------------
 */

#define SLOT_EMPTY		((void *) 0)
#define SLOT_DELETED	((void *) 1)

static void **arena_slots;
static size_t arena_capacity;	/* a power of two */
static size_t arena_used;		/* live entries */
static size_t arena_deleted;	/* tombstones */
static bool arena_is_permanent;

static size_t
slot_hash(const void *p)
{
	uintptr_t	x = (uintptr_t) p;

	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return (size_t) x;
}

static void
arena_insert_raw(void **slots, size_t capacity, void *p)
{
	size_t		i = slot_hash(p) & (capacity - 1);

	while (slots[i] != SLOT_EMPTY && slots[i] != SLOT_DELETED)
		i = (i + 1) & (capacity - 1);
	slots[i] = p;
}

static void
arena_grow(void)
{
	size_t		new_capacity = arena_capacity ? arena_capacity : 1024;
	void	  **new_slots;
	size_t		i;

	while (arena_used * 4 >= new_capacity)
		new_capacity *= 2;
	new_slots = calloc(new_capacity, sizeof(void *));
	if (new_slots == NULL)
		abort();
	for (i = 0; i < arena_capacity; i++)
		if (arena_slots[i] != SLOT_EMPTY && arena_slots[i] != SLOT_DELETED)
			arena_insert_raw(new_slots, new_capacity, arena_slots[i]);
	free(arena_slots);
	arena_slots = new_slots;
	arena_capacity = new_capacity;
	arena_deleted = 0;
}

/* permanent blocks stay reachable from here, so LeakSanitizer ignores them */
static void **permanent_blocks;
static size_t permanent_count;
static size_t permanent_capacity;

static void
arena_add(void *p)
{
	if (arena_is_permanent)
	{
		if (permanent_count == permanent_capacity)
		{
			permanent_capacity = permanent_capacity ? permanent_capacity * 2 : 256;
			permanent_blocks = realloc(permanent_blocks, sizeof(void *) * permanent_capacity);
			if (permanent_blocks == NULL)
				abort();
		}
		permanent_blocks[permanent_count++] = p;
		return;
	}
	if ((arena_used + arena_deleted + 1) * 2 >= arena_capacity)
		arena_grow();
	arena_insert_raw(arena_slots, arena_capacity, p);
	arena_used++;
}

/* remove p from the set; false when it is not there */
static bool
arena_remove(void *p)
{
	size_t		i;

	if (arena_capacity == 0)
		return false;
	i = slot_hash(p) & (arena_capacity - 1);
	while (arena_slots[i] != SLOT_EMPTY)
	{
		if (arena_slots[i] == p)
		{
			arena_slots[i] = SLOT_DELETED;
			arena_used--;
			arena_deleted++;
			return true;
		}
		i = (i + 1) & (arena_capacity - 1);
	}
	return false;
}

void
fuzz_arena_reset(void)
{
	size_t		i;

	for (i = 0; i < arena_capacity; i++)
	{
		if (arena_slots[i] != SLOT_EMPTY && arena_slots[i] != SLOT_DELETED)
			free(arena_slots[i]);
		arena_slots[i] = SLOT_EMPTY;
	}
	arena_used = 0;
	arena_deleted = 0;
	if (arena_capacity > (1 << 20))
	{
		free(arena_slots);
		arena_slots = NULL;
		arena_capacity = 0;
	}
}

void
fuzz_arena_permanent(bool permanent)
{
	arena_is_permanent = permanent;
}

/* the server's limit on one allocation; beyond it, an ERROR */
static void
check_alloc_size(Size size, int flags)
{
	if ((flags & MCXT_ALLOC_HUGE) ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
}

static void *
arena_alloc(Size size, int flags)
{
	void	   *p;

	check_alloc_size(size, flags);
	p = (flags & MCXT_ALLOC_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p == NULL)
	{
		if (flags & MCXT_ALLOC_NO_OOM)
			return NULL;
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	arena_add(p);
	return p;
}

MemoryContext CurrentMemoryContext = (MemoryContext) &CurrentMemoryContext;

void *
palloc(Size size)
{
	return arena_alloc(size, 0);
}

void *
palloc0(Size size)
{
	return arena_alloc(size, MCXT_ALLOC_ZERO);
}

void *
palloc_extended(Size size, int flags)
{
	return arena_alloc(size, flags);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return arena_alloc(size, 0);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return arena_alloc(size, MCXT_ALLOC_ZERO);
}

void *
MemoryContextAllocExtended(MemoryContext context, Size size, int flags)
{
	return arena_alloc(size, flags);
}

void
pfree(void *pointer)
{
	if (arena_is_permanent)
		return;
	if (!arena_remove(pointer))
		fuzz_fail(__FILE__, __LINE__, "pfree", "pfree of %p, which palloc did not return (or was freed)",
				  pointer);
	free(pointer);
}

void *
repalloc(void *pointer, Size size)
{
	void	   *p;

	check_alloc_size(size, 0);
	if (!arena_is_permanent && !arena_remove(pointer))
		fuzz_fail(__FILE__, __LINE__, "repalloc", "repalloc of %p, which palloc did not return (or was freed)",
				  pointer);
	p = realloc(pointer, size ? size : 1);
	if (p == NULL)
		abort();
	arena_add(p);
	return p;
}

/* huge allocations (the JSON reader's stacks): the same blocks, a larger limit */
void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	return arena_alloc(size, MCXT_ALLOC_HUGE);
}

void *
repalloc_huge(void *pointer, Size size)
{
	void	   *p;

	check_alloc_size(size, MCXT_ALLOC_HUGE);
	if (!arena_is_permanent && !arena_remove(pointer))
		fuzz_fail(__FILE__, __LINE__, "repalloc_huge", "repalloc_huge of %p, which palloc did not return (or was freed)",
				  pointer);
	p = realloc(pointer, size ? size : 1);
	if (p == NULL)
		abort();
	arena_add(p);
	return p;
}

char *
pstrdup(const char *in)
{
	size_t		len = strlen(in);
	char	   *out = palloc(len + 1);

	memcpy(out, in, len + 1);
	return out;
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;
emit_log_hook_type emit_log_hook = NULL;

char		fuzz_last_error[1024];
int			fuzz_last_errcode;

static int	error_elevel;
static int	error_code;
static char error_message[1024];

static bool
allow_internal_errors(void)
{
	static int	allow = -1;

	if (allow < 0)
	{
		const char *v = getenv("FUZZ_ALLOW_INTERNAL_ERRORS");

		allow = (v != NULL && v[0] != '\0' && v[0] != '0');
	}
	return allow;
}

bool
fuzz_ignored(const char *message)
{
	const char *list = getenv("FUZZ_IGNORE");

	while (list != NULL && *list != '\0')
	{
		const char *end = strchr(list, ';');
		size_t		len = end ? (size_t) (end - list) : strlen(list);
		char		needle[256];

		if (len > 0 && len < sizeof(needle))
		{
			memcpy(needle, list, len);
			needle[len] = '\0';
			if (strstr(message, needle) != NULL)
				return true;
		}
		list = end ? end + 1 : NULL;
	}
	return false;
}

bool
fuzz_verbose(void)
{
	static int	verbose = -1;

	if (verbose < 0)
	{
		const char *v = getenv("FUZZ_VERBOSE");

		verbose = (v != NULL && v[0] != '\0' && v[0] != '0');
	}
	return verbose;
}

bool
errstart(int elevel, const char *domain)
{
	error_elevel = elevel;
	error_code = (elevel >= ERROR) ? ERRCODE_INTERNAL_ERROR :
		(elevel == WARNING) ? ERRCODE_WARNING : ERRCODE_SUCCESSFUL_COMPLETION;
	error_message[0] = '\0';
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (error_elevel < ERROR)
		return;
	strlcpy(fuzz_last_error, error_message, sizeof(fuzz_last_error));
	fuzz_last_errcode = error_code;
	if (error_elevel >= FATAL)
	{
		fprintf(stderr, "\n==FUZZ== FATAL/PANIC at %s:%d (%s): %s\n", filename, lineno, funcname,
				error_message);
		abort();
	}
	if (error_code == ERRCODE_INTERNAL_ERROR && !allow_internal_errors())
	{
		fprintf(stderr, "\n==FUZZ== internal error (XX000) at %s:%d (%s): %s\n",
				filename, lineno, funcname, error_message);
		abort();
	}
	if (PG_exception_stack == NULL)
	{
		fprintf(stderr, "\n==FUZZ== ERROR outside fuzz_run at %s:%d: %s\n", filename, lineno,
				error_message);
		abort();
	}
	siglongjmp(*PG_exception_stack, 1);
}

int
errcode(int sqlerrcode)
{
	error_code = sqlerrcode;
	return 0;
}

static int
format_message(const char *fmt, va_list args)
{
	/* format for real: a bad %.*s argument must show up under ASan */
	vsnprintf(error_message, sizeof(error_message), fmt, args);
	return 0;
}

int
errmsg(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	format_message(fmt, args);
	va_end(args);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	format_message(fmt, args);
	va_end(args);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	char		ignored[1024];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(ignored, sizeof(ignored), fmt, args);
	va_end(args);
	return 0;
}

int
errdetail_internal(const char *fmt,...)
{
	char		ignored[1024];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(ignored, sizeof(ignored), fmt, args);
	va_end(args);
	return 0;
}

int
errhint(const char *fmt,...)
{
	char		ignored[1024];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(ignored, sizeof(ignored), fmt, args);
	va_end(args);
	return 0;
}

ErrorData *
CopyErrorData(void)
{
	ErrorData  *e = palloc0(sizeof(ErrorData));

	e->elevel = error_elevel;
	e->sqlerrcode = error_code;
	e->message = pstrdup(error_message);
	return e;
}

void
FlushErrorState(void)
{
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		abort();
	siglongjmp(*PG_exception_stack, 1);
}

/* the stack base of the current fuzz_run and the server's default limit */
static char *stack_base;
#define FUZZ_MAX_STACK_DEPTH	(2 * 1024 * 1024 - 512 * 1024)

void
check_stack_depth(void)
{
	char		here;
	ptrdiff_t	depth;

	if (stack_base == NULL)
		return;
	depth = stack_base - &here;
	if (depth < 0)
		depth = -depth;
	if (depth > FUZZ_MAX_STACK_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("stack depth limit exceeded")));
}

bool
fuzz_run(void (*body) (void *), void *arg)
{
	sigjmp_buf	buf;
	char		base;
	volatile bool raised = false;

	stack_base = &base;
	if (sigsetjmp(buf, 0) == 0)
	{
		PG_exception_stack = &buf;
		body(arg);
	}
	else
		raised = true;
	PG_exception_stack = NULL;
	error_context_stack = NULL;
	stack_base = NULL;
	return raised;
}

/* ------------------------------------------------------------------------
 * Backend functions with a frontend equivalent
 * ------------------------------------------------------------------------
 */

bool
pg_verify_mbstr(int encoding, const char *mbstr, int len, bool noError)
{
	int			valid = pg_encoding_verifymbstr(encoding, mbstr, len);

	if (valid == len)
		return true;
	if (noError)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("invalid byte sequence for encoding \"%s\"",
					pg_enc2name_tbl[encoding].name)));
	return false;
}

/* the list functions expr_parser.c uses (nodes/list.c, PostgreSQL 15 layout) */
List *
lappend(List *list, void *datum)
{
	if (list == NIL)
	{
		list = palloc(offsetof(List, initial_elements) + 4 * sizeof(ListCell));
		list->type = T_List;
		list->length = 0;
		list->max_length = 4;
		list->elements = list->initial_elements;
	}
	else if (list->length == list->max_length)
	{
		int			new_max = list->max_length * 2;

		if (list->elements == list->initial_elements)
		{
			ListCell   *cells = palloc(sizeof(ListCell) * new_max);

			memcpy(cells, list->elements, sizeof(ListCell) * list->length);
			list->elements = cells;
		}
		else
			list->elements = repalloc(list->elements, sizeof(ListCell) * new_max);
		list->max_length = new_max;
	}
	Assert(list->type == T_List);
	list->elements[list->length++].ptr_value = datum;
	return list;
}

/* ------------------------------------------------------------------------
 * Never reached by the targets: the SQL-facing code
 * ------------------------------------------------------------------------
 */

#define UNREACHABLE(name) \
	do { \
		fprintf(stderr, "\n==FUZZ== stub %s called\n", name); \
		abort(); \
	} while (0)

JsonbValue *
pushJsonbValue(JsonbParseState **pstate, JsonbIteratorToken seq, JsonbValue *jbval)
{
	UNREACHABLE("pushJsonbValue");
}

Jsonb *
JsonbValueToJsonb(JsonbValue *val)
{
	UNREACHABLE("JsonbValueToJsonb");
}

JsonbIterator *
JsonbIteratorInit(JsonbContainer *container)
{
	UNREACHABLE("JsonbIteratorInit");
}

JsonbIteratorToken
JsonbIteratorNext(JsonbIterator **it, JsonbValue *val, bool skipNested)
{
	UNREACHABLE("JsonbIteratorNext");
}

/* the JSON reader's jsonb side (json_from_jsonb) and CHECK_FOR_INTERRUPTS */
Datum
numeric_out(PG_FUNCTION_ARGS)
{
	UNREACHABLE("numeric_out");
}

Datum
DirectFunctionCall1Coll(PGFunction func, Oid collation, Datum arg1)
{
	UNREACHABLE("DirectFunctionCall1Coll");
}

volatile sig_atomic_t InterruptPending = false;

void
ProcessInterrupts(void)
{
}

void
InitMaterializedSRF(FunctionCallInfo fcinfo, bits32 flags)
{
	UNREACHABLE("InitMaterializedSRF");
}

void
tuplestore_putvalues(Tuplestorestate *state, TupleDesc tdesc, Datum *values, bool *isnull)
{
	UNREACHABLE("tuplestore_putvalues");
}

text *
cstring_to_text(const char *s)
{
	UNREACHABLE("cstring_to_text");
}
