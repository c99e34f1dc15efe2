/*-------------------------------------------------------------------------
 *
 * http_commit.c
 *	  Group commit for the endpoint: every request still runs in its own
 *	  transaction, but a worker acknowledges the requests of one event-loop
 *	  round after a single WAL flush instead of one flush per request.
 *
 * With synchronous_commit at "local" or above (the default, "on"), a
 * worker commits each request's transaction asynchronously (no WAL flush
 * inside the commit), answers the other ready requests of the round, then
 * flushes WAL up to everything inserted so far and only then sends the
 * round's responses.  A client therefore never sees an acknowledgment for a
 * write that is not on disk, which is what synchronous commit promises,
 * while one flush serves all the requests of the round (and any other
 * backend's commits inserted before it).  Reads of the round wait for the
 * same flush, so an answer never carries data that a crash could still take
 * back.
 *
 * The one difference from synchronous commit: between the commit and the
 * flush (one round, well under a millisecond) other sessions can already
 * see the write.  A SQL session that reads it in that window may have seen
 * a write that a crash then takes back; endpoint clients cannot, since
 * their answers wait for the flush.
 *
 * With synchronous replication ("on", "remote_write" or "remote_apply" and
 * synchronous_standby_names set) the round also waits, once, for the
 * standbys to confirm.  With synchronous_commit "off" the worker commits
 * asynchronously and does not wait, as any session would.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "replication/syncrep.h"

#include "http/http.h"

/* a request answered in this round has not been flushed yet */
static bool round_pending = false;

/* whether commits of this worker are deferred to the end of the round */
static bool
commit_deferred(void)
{
	return synchronous_commit >= SYNCHRONOUS_COMMIT_LOCAL_FLUSH;
}

/*
 * Commit the current request's transaction; with deferral, without waiting
 * for the WAL flush that http_commit_flush_round does for the whole round.
 */
void
http_commit_request(void)
{
	int			configured = synchronous_commit;

	if (commit_deferred())
		synchronous_commit = SYNCHRONOUS_COMMIT_OFF;
	PG_TRY();
	{
		if (IsTransactionBlock())
			(void) EndTransactionBlock(false);	/* the request's block (http_handler.c) */
		CommitTransactionCommand();
	}
	PG_FINALLY();
	{
		synchronous_commit = configured;
	}
	PG_END_TRY();
	round_pending = true;
}

/*
 * The end of the WAL inserted so far, as a position a flush may ask for:
 * GetXLogInsertRecPtr() points past the header of a page that has no record
 * yet, which is beyond what has been generated.
 */
static XLogRecPtr
inserted_wal_end(void)
{
	XLogRecPtr	end = GetXLogInsertRecPtr();

	if (XLogSegmentOffset(end, wal_segment_size) == SizeOfXLogLongPHD)
		end -= SizeOfXLogLongPHD;
	else if (end % XLOG_BLCKSZ == SizeOfXLogShortPHD)
		end -= SizeOfXLogShortPHD;
	return end;
}

/* whether the round has answers waiting for WAL not yet on disk */
bool
http_commit_round_needs_flush(void)
{
	return round_pending && commit_deferred() && !RecoveryInProgress() &&
		GetFlushRecPtr(NULL) < inserted_wal_end();
}

/*
 * Make the round's commits, and everything its reads could have seen,
 * durable; called before any response of the round is sent.
 */
void
http_commit_flush_round(void)
{
	if (!round_pending)
		return;
	round_pending = false;
	if (commit_deferred() && !RecoveryInProgress())
	{
		XLogRecPtr	end = inserted_wal_end();

		XLogFlush(end);
		SyncRepWaitForLSN(end, true);	/* returns at once without sync standbys */
	}
}
