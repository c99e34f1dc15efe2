/*-------------------------------------------------------------------------
 *
 * http_extension.c
 *	  Whether the endpoint's database (dynamo.http_database) has the
 *	  extension, and the answer when it has not.
 *
 * The workers run in dynamo.http_database whether or not CREATE EXTENSION
 * dynamo was run there.  Without the extension every request would fail on
 * a missing relation or type with an anonymous InternalServerError and a
 * log line per request; instead the endpoint answers InternalServerError
 * with a message that names the problem, and logs it once.
 *
 * Each worker keeps what it last found.  It looks at startup; while the
 * extension is missing it looks again at every request (a transaction of
 * its own, cheap next to a failing request), so that CREATE EXTENSION takes
 * effect at once; while the extension is installed it costs an operation
 * nothing, and a request that fails with an unexpected error looks again
 * (DROP EXTENSION).  The health check (GET /) always looks, so that it
 * reports the endpoint unusable as soon as it is.
 * The log line is written when the extension is first found missing (at
 * startup by worker 0 only, since all workers share the database) and again
 * only after it has been seen installed in between.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "errors.h"
#include "http/http.h"

typedef enum ExtensionState
{
	EXTENSION_UNKNOWN,
	EXTENSION_INSTALLED,
	EXTENSION_MISSING
} ExtensionState;

static ExtensionState extension_state = EXTENSION_UNKNOWN;
static bool missing_logged = false;

/* whether the database has the extension, looked up in a transaction of its own */
static bool
extension_installed(void)
{
	MemoryContext context = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	bool		installed;

	StartTransactionCommand();
	installed = OidIsValid(get_extension_oid("dynamo", true));
	CommitTransactionCommand();
	MemoryContextSwitchTo(context);
	CurrentResourceOwner = owner;
	return installed;
}

/* record what was found; log a newly missing extension (when log_it) */
static void
record(bool installed, bool log_it)
{
	extension_state = installed ? EXTENSION_INSTALLED : EXTENSION_MISSING;
	if (installed)
	{
		missing_logged = false;
		return;
	}
	if (!missing_logged && log_it)
		ereport(LOG,
				(errmsg("dynamo endpoint: extension \"dynamo\" is not installed in database \"%s\"",
						dynamo_http_database),
				 errdetail("Every request to the endpoint fails with InternalServerError until it is."),
				 errhint("Run CREATE EXTENSION dynamo in database \"%s\", or set dynamo.http_database to a database that has it.",
						 dynamo_http_database)));
	missing_logged = true;
}

/* Look at startup (worker is the worker's number: only worker 0 logs). */
void
http_extension_check_at_start(int worker)
{
	record(extension_installed(), worker == 0);
}

/*
 * Whether the extension is missing, before a request runs: known installed
 * costs nothing; known missing is looked at again.
 */
bool
http_extension_missing(void)
{
	if (extension_state == EXTENSION_INSTALLED)
		return false;
	record(extension_installed(), true);
	return extension_state == EXTENSION_MISSING;
}

/*
 * Whether the extension is missing, looked at now (outside any
 * transaction): for the health check, and after a request failed with an
 * unexpected error, to tell whether that is because the extension is gone.
 */
bool
http_extension_recheck(void)
{
	record(extension_installed(), true);
	return extension_state == EXTENSION_MISSING;
}

/* Fill response with the InternalServerError of a missing extension. */
void
http_extension_missing_response(HttpResponse *response)
{
	http_exception_response(response, DYNAMO_EXC_INTERNAL_SERVER_ERROR,
							psprintf("The dynamo extension is not installed in database \"%s\" "
									 "(dynamo.http_database): run CREATE EXTENSION dynamo in it",
									 dynamo_http_database));
}
