/*-------------------------------------------------------------------------
 *
 * errors.c
 *	  The table of DynamoDB exceptions and its lookups (see errors.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "errors.h"

const DynamoExceptionInfo DynamoExceptions[DYNAMO_EXCEPTION_COUNT] = {
#define DYNAMO_EXCEPTION_ROW(sym, name, state, status, prefix) {name, state, status, prefix},
	DYNAMO_EXCEPTION_LIST(DYNAMO_EXCEPTION_ROW)
#undef DYNAMO_EXCEPTION_ROW
};

/* the SQLSTATE of a five-character code */
static int
sqlstate_from_text(const char *code)
{
	return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

/* the errcode() argument that raises the given exception */
int
dynamo_exception_errcode(DynamoException exception)
{
	Assert(exception >= 0 && exception < DYNAMO_EXCEPTION_COUNT);
	return sqlstate_from_text(DynamoExceptions[exception].sqlstate);
}

/* the exception an error code belongs to, or NULL when it is not one of ours */
const DynamoExceptionInfo *
dynamo_exception_by_errcode(int sqlerrcode)
{
	int			i;

	for (i = 0; i < DYNAMO_EXCEPTION_COUNT; i++)
	{
		if (sqlstate_from_text(DynamoExceptions[i].sqlstate) == sqlerrcode)
			return &DynamoExceptions[i];
	}
	return NULL;
}

/*
 * Whether an error is a throttle (src/capacity/capacity_throttle.c):
 * ProvisionedThroughputExceededException, ThrottlingException or
 * RequestLimitExceeded, whose DETAIL is the ThrottlingReasons.
 */
bool
dynamo_errcode_is_throttling(int sqlerrcode)
{
	return sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_THROUGHPUT_EXCEEDED) ||
		sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_THROTTLING) ||
		sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_REQUEST_LIMIT);
}

/*
 * Whether an error means the item is held by another transaction (a lock
 * not granted in time, a deadlock broken, a serialization failure, or
 * TransactionConflictException itself): DynamoDB's TransactionConflict.
 */
bool
dynamo_errcode_is_item_held(int sqlerrcode)
{
	return sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE ||
		sqlerrcode == ERRCODE_T_R_DEADLOCK_DETECTED ||
		sqlerrcode == ERRCODE_T_R_SERIALIZATION_FAILURE ||
		sqlerrcode == dynamo_exception_errcode(DYNAMO_EXC_TRANSACTION_CONFLICT);
}

/*
 * A cancelled statement's error (a copy, caught), as the extensions that
 * rewrite errors in emit_log_hook would report it: Citus' distributed
 * deadlock detector cancels a backend with SIGINT and turns the "canceling
 * statement due to user request" into a deadlock there, which a caught
 * error never reaches.  The copy is marked as not output, so that the hooks
 * do not log it.
 */
void
dynamo_error_resolve_cancel(ErrorData *error)
{
	if (error->sqlerrcode != ERRCODE_QUERY_CANCELED || emit_log_hook == NULL)
		return;
	error->output_to_server = false;
	error->output_to_client = false;
	emit_log_hook(error);
}

PG_FUNCTION_INFO_V1(dynamo_exceptions);

/*
 * dynamo.exceptions(): the exception table as rows (name, sqlstate,
 * http_status, type).
 */
Datum
dynamo_exceptions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < DYNAMO_EXCEPTION_COUNT; i++)
	{
		const DynamoExceptionInfo *info = &DynamoExceptions[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(info->name);
		values[1] = CStringGetTextDatum(info->sqlstate);
		values[2] = Int32GetDatum(info->http_status);
		values[3] = CStringGetTextDatum(psprintf("%s%s", info->type_prefix, info->name));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
