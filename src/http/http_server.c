/*-------------------------------------------------------------------------
 *
 * http_server.c
 *	  The endpoint's settings, its background workers, and each worker's
 *	  event loop: accept, read, parse, answer, write (see http.h).
 *
 * A connection keeps an input buffer (what was received and not yet
 * parsed) and an output buffer (responses not yet sent).  Requests
 * pipelined on one connection are answered in order.  A connection is
 * closed when the client asks for it or goes away, after a malformed or
 * oversized request (answered first), when it has been idle for
 * dynamo.http_idle_timeout seconds, or when a request has been arriving for
 * that long without completing (a slow client cannot hold a worker: the
 * loop never blocks on one connection).
 *
 * One round of the loop answers every request that is ready, makes the
 * round's commits durable with one WAL flush (http_commit.c), and only then
 * writes the round's answers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <netdb.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "http/http.h"

#define MAX_CONNECTIONS		4096
#define MAX_LISTENERS		8
#define READ_CHUNK			65536
#define BUFFER_KEEP_BYTES	(4 * READ_CHUNK)	/* a connection's buffers shrink back to this */
#define MAX_ROUND_PASSES	8	/* polls that may join one round before its flush */

int			dynamo_http_port = 0;
char	   *dynamo_http_listen_address = "127.0.0.1";
int			dynamo_http_workers = 2;
char	   *dynamo_http_database = "postgres";
bool		dynamo_http_auth = true;
int			dynamo_http_idle_timeout = 60;
int			dynamo_http_lock_timeout = 500;

typedef struct Connection
{
	int			fd;
	StringInfoData input;
	StringInfoData output;
	int			output_sent;
	time_t		last_activity;
	time_t		request_started;	/* first byte of an incomplete request; 0 if none */
	bool		closing;		/* close once the output is sent */
	bool		gone;			/* the client closed or reset its side */
	bool		continue_sent;	/* "100 Continue" sent for the request arriving */
} Connection;

static int	listeners[MAX_LISTENERS];
static int	nlisteners = 0;
static Connection *connections[MAX_CONNECTIONS];
static int	nconnections = 0;
static MemoryContext ConnectionContext = NULL;
static MemoryContext RequestContext = NULL;

/* Define the dynamo.http_* settings (from _PG_init). */
void
http_define_settings(void)
{
	/*
	 * Server settings can be defined only while the server starts: when
	 * dynamo is loaded later (CREATE EXTENSION without preloading) the
	 * endpoint cannot run, and defining them would be FATAL; their defaults
	 * stay in the variables.
	 */
	if (process_shared_preload_libraries_in_progress)
	{
		DefineCustomIntVariable("dynamo.http_port",
								"TCP port of the DynamoDB wire endpoint; 0 turns it off.",
								"Needs dynamo in shared_preload_libraries.",
								&dynamo_http_port, 0, 0, 65535, PGC_POSTMASTER, 0, NULL, NULL, NULL);
		DefineCustomStringVariable("dynamo.http_listen_address",
								   "Address or host name the endpoint listens on (IPv4 or IPv6; * for all).",
								   NULL, &dynamo_http_listen_address, "127.0.0.1",
								   PGC_POSTMASTER, 0, NULL, NULL, NULL);
		DefineCustomIntVariable("dynamo.http_workers",
								"Number of endpoint workers sharing the port.",
								NULL, &dynamo_http_workers, 2, 1, 64, PGC_POSTMASTER, 0, NULL, NULL, NULL);
		DefineCustomStringVariable("dynamo.http_database",
								   "Database the endpoint's requests run in.",
								   NULL, &dynamo_http_database, "postgres",
								   PGC_POSTMASTER, 0, NULL, NULL, NULL);
	}
	DefineCustomBoolVariable("dynamo.http_auth",
							 "Require AWS Signature Version 4 on every request.",
							 "Turn off only for local development: requests then run as the superuser.",
							 &dynamo_http_auth, true, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.http_idle_timeout",
							"Seconds an idle or stalled connection is kept.",
							NULL, &dynamo_http_idle_timeout, 60, 1, 3600, PGC_SIGHUP,
							GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("dynamo.http_lock_timeout",
							"Longest wait of an endpoint request for an item locked by another transaction.",
							"A request that waits longer fails with TransactionConflictException; "
							"meanwhile its worker serves no one else.  0 waits forever.",
							&dynamo_http_lock_timeout, 500, 0, INT_MAX, PGC_SIGHUP,
							GUC_UNIT_MS, NULL, NULL, NULL);
}

/* the worker's own lock_timeout, from dynamo.http_lock_timeout */
static void
apply_lock_timeout(void)
{
	char		value[32];

	snprintf(value, sizeof(value), "%d", dynamo_http_lock_timeout);
	SetConfigOption("lock_timeout", value, PGC_SUSET, PGC_S_SESSION);
}

/* Register the workers (from _PG_init, when preloaded and the port is set). */
void
http_register_workers(void)
{
	int			i;

	if (!process_shared_preload_libraries_in_progress || dynamo_http_port == 0)
		return;
	for (i = 0; i < dynamo_http_workers; i++)
	{
		BackgroundWorker worker;

		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 1;
		snprintf(worker.bgw_library_name, BGW_MAXLEN, "dynamo");
		snprintf(worker.bgw_function_name, BGW_MAXLEN, "dynamo_http_worker_main");
		snprintf(worker.bgw_name, BGW_MAXLEN, "dynamo http worker %d", i);
		snprintf(worker.bgw_type, BGW_MAXLEN, "dynamo http worker");
		worker.bgw_main_arg = Int32GetDatum(i);
		RegisterBackgroundWorker(&worker);
	}
}

static const char *
status_text(int status)
{
	switch (status)
	{
		case 200:
			return "OK";
		case 400:
			return "Bad Request";
		case 404:
			return "Not Found";
		case 413:
			return "Request Entity Too Large";
		case 500:
			return "Internal Server Error";
		case 503:
			return "Service Unavailable";
		default:
			return "Unknown";
	}
}

/* a request id in DynamoDB's style: 52 characters of [0-9A-Z] */
static void
make_request_id(char *out)
{
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint8		bytes[52];
	int			i;

	if (!pg_strong_random(bytes, sizeof(bytes)))
		memset(bytes, 0, sizeof(bytes));
	for (i = 0; i < 52; i++)
		out[i] = alphabet[bytes[i] & 31];
	out[52] = '\0';
}

/* the Date header's value (RFC 7231's IMF-fixdate), formatted once a second */
static const char *
http_date(void)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static char formatted[32];
	static time_t formatted_at = 0;
	time_t		now = time(NULL);
	struct tm	tm;

	if (now != formatted_at && gmtime_r(&now, &tm) != NULL)
	{
		snprintf(formatted, sizeof(formatted), "%s, %02d %s %04d %02d:%02d:%02d GMT",
				 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
				 tm.tm_hour, tm.tm_min, tm.tm_sec);
		formatted_at = now;
	}
	return formatted;
}

/* append a response, status line to body, to a connection's output */
static void
append_response(Connection *conn, HttpResponse *response)
{
	char		request_id[53];

	make_request_id(request_id);
	appendStringInfo(&conn->output,
					 "HTTP/1.1 %d %s\r\n"
					 "x-amzn-RequestId: %s\r\n"
					 "Date: %s\r\n",
					 response->status, status_text(response->status), request_id, http_date());
	if (!response->no_crc32)
		appendStringInfo(&conn->output, "x-amz-crc32: %u\r\n",
						 http_crc32(response->body.data, response->body.len));
	if (response->json)
		appendStringInfoString(&conn->output, "Content-Type: application/x-amz-json-1.0\r\n");
	appendBinaryStringInfo(&conn->output, response->headers.data, response->headers.len);
	appendStringInfo(&conn->output, "Content-Length: %d\r\n%s\r\n",
					 response->body.len, response->close ? "Connection: close\r\n" : "");
	if (!response->omit_body)
		appendBinaryStringInfo(&conn->output, response->body.data, response->body.len);
	if (response->close)
		conn->closing = true;
}

/*
 * Give back the memory of a buffer that grew for a large request or answer
 * (up to 16 MB) once it holds little, so that a long keep-alive connection
 * does not keep its largest message's size.
 */
static void
shrink_buffer(StringInfo buffer)
{
	MemoryContext old;
	char	   *data;

	if (buffer->maxlen <= BUFFER_KEEP_BYTES || buffer->len >= BUFFER_KEEP_BYTES / 2)
		return;
	old = MemoryContextSwitchTo(ConnectionContext);
	data = palloc(BUFFER_KEEP_BYTES);
	MemoryContextSwitchTo(old);
	memcpy(data, buffer->data, buffer->len + 1);
	pfree(buffer->data);
	buffer->data = data;
	buffer->maxlen = BUFFER_KEEP_BYTES;
}

/* answer what the input buffer holds; stop at an incomplete request */
static void
process_input(Connection *conn)
{
	int			offset = 0;

	while (!conn->closing && offset < conn->input.len)
	{
		HttpRequest request;
		HttpResponse response;
		int			consumed = 0;
		HttpParseResult result;
		MemoryContext old;

		result = http_parse_request(conn->input.data + offset, conn->input.len - offset,
									&request, &consumed);
		if (result == HTTP_PARSE_INCOMPLETE)
		{
			if (request.expects_continue && !conn->continue_sent)
			{
				appendStringInfoString(&conn->output, "HTTP/1.1 100 Continue\r\n\r\n");
				conn->continue_sent = true;
			}
			break;
		}
		conn->continue_sent = false;

		old = MemoryContextSwitchTo(RequestContext);
		memset(&response, 0, sizeof(response));
		initStringInfo(&response.body);
		initStringInfo(&response.headers);
		if (result == HTTP_PARSE_DONE)
			http_handle_request(&request, &response);
		else
		{
			if (result == HTTP_PARSE_TOO_LARGE)
				http_exception_response(&response, DYNAMO_EXC_REQUEST_TOO_LARGE, "Request entity too large");
			else
				http_exception_response(&response, DYNAMO_EXC_SERIALIZATION, "Malformed HTTP request");
			response.close = true;
		}
		MemoryContextSwitchTo(ConnectionContext);
		append_response(conn, &response);
		MemoryContextSwitchTo(old);
		MemoryContextReset(RequestContext);
		offset += consumed;
		if (result != HTTP_PARSE_DONE)
			break;
	}
	if (offset > 0)
	{
		memmove(conn->input.data, conn->input.data + offset, conn->input.len - offset);
		conn->input.len -= offset;
		conn->input.data[conn->input.len] = '\0';
		shrink_buffer(&conn->input);
	}
	conn->request_started = (conn->input.len > 0) ? (conn->request_started ? conn->request_started : time(NULL)) : 0;
}

static void
close_connection(int index)
{
	Connection *conn = connections[index];

	close(conn->fd);
	pfree(conn->input.data);
	pfree(conn->output.data);
	pfree(conn);
	connections[index] = connections[--nconnections];
}

/* read what a connection has; false when it is gone */
static bool
read_connection(Connection *conn)
{
	for (;;)
	{
		ssize_t		n;

		enlargeStringInfo(&conn->input, READ_CHUNK);
		n = recv(conn->fd, conn->input.data + conn->input.len, READ_CHUNK, 0);
		if (n > 0)
		{
			conn->input.len += n;
			conn->input.data[conn->input.len] = '\0';
			conn->last_activity = time(NULL);
			if (conn->input.len > HTTP_MAX_BODY_BYTES + HTTP_MAX_HEADER_BYTES + READ_CHUNK)
				return true;	/* the parser will refuse it */
			if (n < READ_CHUNK)
				return true;	/* drained for now; poll reports the rest */
			continue;
		}
		if (n == 0)
			return false;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return true;
		if (errno == EINTR)
			continue;
		return false;
	}
}

/* write what a connection has to send; false when it is gone */
static bool
write_connection(Connection *conn)
{
	while (conn->output_sent < conn->output.len)
	{
		ssize_t		n = send(conn->fd, conn->output.data + conn->output_sent,
							 conn->output.len - conn->output_sent, MSG_NOSIGNAL);

		if (n > 0)
		{
			conn->output_sent += n;
			conn->last_activity = time(NULL);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n < 0 && errno == EINTR)
			continue;
		return false;
	}
	resetStringInfo(&conn->output);
	shrink_buffer(&conn->output);
	conn->output_sent = 0;
	return true;
}

/*
 * Open the listening sockets: every address dynamo.http_listen_address
 * resolves to ("*": all IPv4 and IPv6 addresses; a host name such as
 * localhost may give both families), each with SO_REUSEPORT so that all
 * workers share the port.  An address that cannot be bound is logged and
 * skipped, as Postgres does for listen_addresses; none at all is an error.
 */
static void
open_listeners(void)
{
	struct addrinfo hints;
	struct addrinfo *addresses;
	struct addrinfo *address;
	char		port[16];
	const char *host = strcmp(dynamo_http_listen_address, "*") == 0 ? NULL : dynamo_http_listen_address;
	int			rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", dynamo_http_port);
	rc = getaddrinfo(host, port, &hints, &addresses);
	if (rc != 0)
		ereport(ERROR, (errmsg("dynamo endpoint: invalid dynamo.http_listen_address \"%s\": %s",
							   dynamo_http_listen_address, gai_strerror(rc))));
	for (address = addresses; address != NULL && nlisteners < MAX_LISTENERS; address = address->ai_next)
	{
		char		name[NI_MAXHOST];
		int			fd;
		int			on = 1;

		if (getnameinfo(address->ai_addr, address->ai_addrlen, name, sizeof(name), NULL, 0, NI_NUMERICHOST) != 0)
			strlcpy(name, "?", sizeof(name));
		fd = socket(address->ai_family, address->ai_socktype, address->ai_protocol);
		if (fd < 0)
		{
			ereport(LOG, (errcode_for_socket_access(),
						  errmsg("dynamo endpoint: could not create a socket for %s: %m", name)));
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) < 0)
			ereport(ERROR, (errcode_for_socket_access(), errmsg("dynamo endpoint: SO_REUSEPORT: %m")));
		if (address->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (bind(fd, address->ai_addr, address->ai_addrlen) < 0 || listen(fd, 512) < 0)
		{
			ereport(LOG, (errcode_for_socket_access(),
						  errmsg("dynamo endpoint: could not listen on %s port %d: %m", name, dynamo_http_port)));
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		listeners[nlisteners++] = fd;
	}
	freeaddrinfo(addresses);
	if (nlisteners == 0)
		ereport(ERROR, (errmsg("dynamo endpoint: could not listen on \"%s\" port %d",
							   dynamo_http_listen_address, dynamo_http_port)));
}

static void
accept_connections(int listener)
{
	for (;;)
	{
		int			fd = accept(listener, NULL, NULL);
		int			on = 1;
		Connection *conn;

		if (fd < 0)
			return;				/* EAGAIN, or a transient error: try on the next round */
		if (nconnections >= MAX_CONNECTIONS)
		{
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		conn = MemoryContextAllocZero(ConnectionContext, sizeof(Connection));
		conn->fd = fd;
		conn->last_activity = time(NULL);
		{
			MemoryContext old = MemoryContextSwitchTo(ConnectionContext);

			initStringInfo(&conn->input);
			initStringInfo(&conn->output);
			MemoryContextSwitchTo(old);
		}
		connections[nconnections++] = conn;
	}
}

/*
 * Poll the listeners and the connections (writable ones too when
 * with_output) for timeout_ms; the number of ready descriptors.
 */
static int
poll_connections(struct pollfd *fds, bool with_output, int timeout_ms)
{
	int			i;
	int			rc;

	for (i = 0; i < nlisteners; i++)
	{
		fds[i].fd = listeners[i];
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	for (i = 0; i < nconnections; i++)
	{
		Connection *conn = connections[i];
		struct pollfd *fd = &fds[nlisteners + i];

		fd->fd = conn->fd;
		fd->events = (conn->gone ? 0 : POLLIN) |
			(with_output && conn->output.len > conn->output_sent ? POLLOUT : 0);
		fd->revents = 0;
	}
	rc = poll(fds, nlisteners + nconnections, timeout_ms);
	if (rc < 0 && errno != EINTR)
		ereport(ERROR, (errcode_for_socket_access(), errmsg("dynamo endpoint: poll failed: %m")));
	return rc;
}

/* read and answer what the connections that poll found readable hold */
static void
answer_ready(struct pollfd *fds, int rc)
{
	int			i;

	for (i = 0; rc > 0 && i < nconnections; i++)
	{
		Connection *conn = connections[i];

		if (fds[nlisteners + i].revents & (POLLIN | POLLHUP | POLLERR))
		{
			/*
			 * A client that went away may have sent whole requests first
			 * (and only shut down its side): those are answered.  Part of a
			 * request is never run: it is dropped with the connection.
			 */
			if (!read_connection(conn))
				conn->gone = true;
			if (conn->input.len > 0)
				process_input(conn);
			if (conn->gone)
				conn->closing = true;
		}
	}
}

/* The main function of an endpoint worker. */
void
dynamo_http_worker_main(Datum arg)
{
	struct pollfd *fds;

	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(dynamo_http_database, NULL, 0);

	ConnectionContext = AllocSetContextCreate(TopMemoryContext, "dynamo http connections",
											  ALLOCSET_DEFAULT_SIZES);
	RequestContext = AllocSetContextCreate(TopMemoryContext, "dynamo http request",
										   ALLOCSET_DEFAULT_SIZES);
	apply_lock_timeout();
	http_extension_check_at_start(DatumGetInt32(arg));
	open_listeners();
	fds = MemoryContextAlloc(TopMemoryContext, sizeof(struct pollfd) * (MAX_LISTENERS + MAX_CONNECTIONS));
	elog(LOG, "dynamo endpoint worker %d listening on %s:%d", DatumGetInt32(arg),
		 dynamo_http_listen_address, dynamo_http_port);
	pgstat_report_activity(STATE_IDLE, NULL);

	for (;;)
	{
		int			i;
		int			rc;
		time_t		now;

		/*
		 * A cancel (pg_cancel_backend, or Citus' deadlock detector) that
		 * arrives between requests has nothing to cancel: raised here, it
		 * would end the worker and drop its connections; raised in the next
		 * request, it would fail a request nobody meant.
		 */
		QueryCancelPending = false;
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			apply_lock_timeout();
		}

		rc = poll_connections(fds, true, 1000);
		QueryCancelPending = false; /* arrived while idle: see above */
		now = time(NULL);

		/*
		 * Connections first (the array may grow with new ones below): read
		 * and answer every ready request, make the round's commits durable
		 * with one WAL flush (http_commit.c), then send the answers.  While
		 * the round waits for a flush, requests that arrived meanwhile join
		 * it, so that one flush serves as many as are ready.
		 */
		answer_ready(fds, rc);
		for (i = 0; i < MAX_ROUND_PASSES && http_commit_round_needs_flush(); i++)
		{
			int			more = poll_connections(fds, false, 0);

			if (more <= 0)
				break;
			answer_ready(fds, more);
		}
		http_commit_flush_round();

		/*
		 * Report table and WAL statistics, which autovacuum depends on:
		 * after each round (rate-limited inside, by the time of the last
		 * commit), and forced after a second with nothing to do, as a
		 * backend does when it goes idle.
		 */
		pgstat_report_stat(rc == 0);
		for (i = nconnections - 1; i >= 0; i--)
		{
			Connection *conn = connections[i];
			bool		alive = !conn->gone;

			if (conn->output.len > conn->output_sent)
				alive = write_connection(conn) && alive;
			if (!alive && conn->output.len <= conn->output_sent)
			{
				close_connection(i);
				continue;
			}
			if ((conn->closing && conn->output.len <= conn->output_sent) ||
				now - conn->last_activity > dynamo_http_idle_timeout ||
				(conn->request_started && now - conn->request_started > dynamo_http_idle_timeout))
				close_connection(i);
		}
		for (i = 0; rc > 0 && i < nlisteners; i++)
			if (fds[i].revents & POLLIN)
				accept_connections(listeners[i]);
	}
}
