/*-------------------------------------------------------------------------
 *
 * catalog_audit.c
 *	  The audit log of control-plane changes (dynamo.audit_log,
 *	  src/sql/55_audit.sql): who changed which table, when, through which
 *	  door, with which request.
 *
 * An entry is written in the transaction of the change it records, so it
 * commits or rolls back with it.  It is written as the bootstrap superuser
 * (the log is not writable by the roles whose changes it records); the
 * roles recorded are those the request ran as, read before the switch.
 *
 * The caller may or may not be connected to SPI: the entry is written in an
 * SPI connection of its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "utils/builtins.h"

#include "catalog/catalog.h"

/* the bgw_type of the endpoint's workers (src/http/http_server.c) */
#define ENDPOINT_WORKER_TYPE "dynamo http worker"

/*
 * The door a request came through: "endpoint" in the wire endpoint's
 * workers, the worker's type in another background worker, "sql" in a
 * client's backend.
 */
const char *
catalog_audit_source(void)
{
	if (MyBgworkerEntry != NULL)
		return strcmp(MyBgworkerEntry->bgw_type, ENDPOINT_WORKER_TYPE) == 0 ?
			"endpoint" : MyBgworkerEntry->bgw_type;
	return "sql";
}

/*
 * Record one control-plane change: action (a DynamoDB action, or what an
 * extension worker did), the table, the request, the response (may be
 * NULL), and the source (NULL: catalog_audit_source()).
 */
void
catalog_audit_record_response(const char *action, const char *table_name, Jsonb *request,
							  Jsonb *response, const char *source)
{
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID};
	Datum		args[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	Oid			saved_user;
	int			saved_context;

	args[0] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
	args[1] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	args[2] = CStringGetTextDatum(source != NULL ? source : catalog_audit_source());
	args[3] = CStringGetTextDatum(action);
	args[4] = table_name ? CStringGetTextDatum(table_name) : (Datum) 0;
	args[5] = JsonbPGetDatum(request);
	args[6] = JsonbPGetDatum(response);
	nulls[4] = table_name ? ' ' : 'n';
	nulls[5] = request ? ' ' : 'n';
	nulls[6] = response ? ' ' : 'n';

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		SPI_connect();
		if (SPI_execute_with_args("INSERT INTO dynamo.audit_log (session_role, effective_role, source, action,"
								  " table_name, request, response) VALUES ($1, $2, $3, $4, $5, $6, $7)",
								  7, types, args, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not write the audit log");
		SPI_finish();
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(saved_user, saved_context);
	}
	PG_END_TRY();
}

/*
 * Record a control-plane change that has no response to keep, such as an
 * automatic scaling change: the interface for the extension's workers.
 */
void
catalog_audit_record(const char *action, const char *table_name, Jsonb *request, const char *source)
{
	catalog_audit_record_response(action, table_name, request, NULL, source);
}
