/* listen.c: the cross-process half of the live event bus. One thread
 * holds its own libpq connection (application_name "citkit listener"),
 * runs LISTEN citkit_events, and waits on the connection's socket; each
 * notification's payload (a channel name, sent by db_notify at commit)
 * goes to the callback. When the connection is lost the thread connects
 * again with a growing pause (0.1 s doubling to 5 s) and then calls the
 * callback with NULL: notifications sent meanwhile are lost, so every
 * open channel must be read again. A quiet connection is probed every
 * LISTEN_PROBE_S seconds so a silently dead server is noticed. A pipe
 * wakes the thread for db_listen_stop. */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/log.h"
#include "db.h"

enum {
	LISTEN_PROBE_S = 30,
	LISTEN_BACKOFF_MIN_MS = 100,
	LISTEN_BACKOFF_MAX_MS = 5000,
};

static struct {
	bool is_running;
	char *url;
	void (*on_notify)(const char *payload);
	PGconn *conn;
	int stop_pipe[2];
	pthread_t thread;
} L = {.stop_pipe = {-1, -1}};

static void trace_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "postgres notice (listener): %.*s", (int)strcspn(message, "\n"),
	        message);
}

/* A connection that listens, or NULL (the reason logged when loud). */
static PGconn *connect_and_listen(bool loud, char *err, size_t errlen)
{
	const char *const keys[] = {"dbname", "application_name", NULL};
	const char *const values[] = {L.url, "citkit listener", NULL};
	PGconn *c = PQconnectdbParams(keys, values, 1);
	const char *why = NULL;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		why = c ? PQerrorMessage(c) : "out of memory";
	} else {
		PQsetNoticeProcessor(c, trace_notice, NULL);
		PGresult *res = PQexec(c, "LISTEN " DB_NOTIFY_CHANNEL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			why = PQerrorMessage(c);
		PQclear(res);
	}
	if (!why)
		return c;
	if (err)
		snprintf(err, errlen, "%.*s", (int)strcspn(why, "\n"), why);
	if (loud)
		log_warn("db: the event listener cannot connect to PostgreSQL: %.*s",
		         (int)strcspn(why, "\n"), why);
	PQfinish(c);
	return NULL;
}

/* Waits up to ms for the socket (or the stop pipe). Returns 1 when the
 * socket is readable, 0 on timeout, -1 when asked to stop. */
static int wait_for(int sock, int ms)
{
	struct pollfd fds[2] = {{.fd = L.stop_pipe[0], .events = POLLIN},
	                        {.fd = sock, .events = POLLIN}};
	for (;;) {
		int n = poll(fds, sock >= 0 ? 2 : 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (fds[0].revents)
			return -1;
		return n > 0 ? 1 : 0;
	}
}

/* Hands every queued notification to the callback. */
static void drain(PGconn *c)
{
	PGnotify *n;
	while ((n = PQnotifies(c))) {
		L.on_notify(n->extra);
		PQfreemem(n);
	}
}

/* Listens on c until the connection fails (returns 0) or stop (-1). */
static int listen_on(PGconn *c)
{
	for (;;) {
		int w = wait_for(PQsocket(c), LISTEN_PROBE_S * 1000);
		if (w < 0)
			return -1;
		if (w == 0) {
			/* Quiet for a while: make sure the server is still there. */
			PGresult *res = PQexec(c, "SELECT 1");
			bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
			PQclear(res);
			if (!ok)
				return 0;
		} else if (!PQconsumeInput(c)) {
			return 0;
		}
		drain(c);
		if (PQstatus(c) != CONNECTION_OK)
			return 0;
	}
}

static void *listener(void *arg)
{
	(void)arg;
	PGconn *c = L.conn;
	L.conn = NULL;
	for (;;) {
		if (listen_on(c) < 0)
			break;
		PQfinish(c);
		c = NULL;
		log_warn("db: the event listener lost its PostgreSQL connection; reconnecting");
		int pause = LISTEN_BACKOFF_MIN_MS;
		bool loud = true;
		while (!c) {
			if (wait_for(-1, pause) < 0)
				return NULL;
			c = connect_and_listen(loud, NULL, 0);
			loud = false; /* once per outage is enough */
			pause = pause * 2 > LISTEN_BACKOFF_MAX_MS ? LISTEN_BACKOFF_MAX_MS : pause * 2;
		}
		log_info("db: the event listener is connected again");
		L.on_notify(NULL);
	}
	PQfinish(c);
	return NULL;
}

int db_listen_start(const char *pg_url, void (*on_notify)(const char *payload), char *err,
                    size_t errlen)
{
	if (L.is_running || !on_notify || !db_is_postgres_url(pg_url)) {
		snprintf(err, errlen, "the event listener needs a postgres:// URL and a callback");
		return CK_E_INVALID;
	}
	L.url = strdup(pg_url);
	L.on_notify = on_notify;
	if (!L.url || pipe(L.stop_pipe)) {
		snprintf(err, errlen, "cannot start the event listener: out of resources");
		goto fail;
	}
	fcntl(L.stop_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(L.stop_pipe[1], F_SETFD, FD_CLOEXEC);
	char why[256] = "";
	L.conn = connect_and_listen(false, why, sizeof why);
	if (!L.conn) {
		snprintf(err, errlen, "the event listener cannot connect to PostgreSQL: %s", why);
		goto fail;
	}
	if (pthread_create(&L.thread, NULL, listener, NULL)) {
		snprintf(err, errlen, "cannot start the event listener thread");
		PQfinish(L.conn);
		L.conn = NULL;
		goto fail;
	}
	L.is_running = true;
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		if (L.stop_pipe[i] >= 0)
			close(L.stop_pipe[i]);
	L.stop_pipe[0] = L.stop_pipe[1] = -1;
	free(L.url);
	L.url = NULL;
	return CK_E_DB;
}

void db_listen_stop(void)
{
	if (!L.is_running)
		return;
	ssize_t n;
	do
		n = write(L.stop_pipe[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(L.thread, NULL);
	close(L.stop_pipe[0]);
	close(L.stop_pipe[1]);
	L.stop_pipe[0] = L.stop_pipe[1] = -1;
	free(L.url);
	L.url = NULL;
	L.is_running = false;
}
