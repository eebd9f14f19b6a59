/* test_bus.c: the live event bus across processes on a real PostgreSQL
 * (CITKIT_TEST_PG_URL, provided by `make test`; without it the suite
 * fails, like test_db). This process serves sourced event streams whose
 * events live in a table, and runs the LISTEN thread as `citkit serve`
 * does; a second process (forked before any thread starts) stores events
 * and sends db_notify in the same transaction, and never touches this
 * process's bus. So an event can only reach a stream here through
 * PostgreSQL: NOTIFY → listener → sse_changed → dispatcher → source read.
 * The listener's connection is also cut while events are written, and
 * the streams must still get every event, once, in order. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "db/db.h"
#include "web/sse.h"
#include "web/web_internal.h"
#include "sse_client.h"
#include "web/http.h"
#include "web/server.h"

static char base_url[1024], url[2048], schema[64];
static int to_writer = -1, from_writer = -1;
static pid_t writer_pid;

/* The writer process ------------------------------------------------------ */

struct write_ctx {
	const char *channel;
	int64_t seq;
};

static int write_event(db *d, void *ctx)
{
	struct write_ctx *w = ctx;
	char data[32];
	snprintf(data, sizeof data, "%lld", (long long)w->seq);
	int rc = db_run(d, "INSERT INTO bus_events (ch, seq, data) VALUES ($1, $2, $3)", "tit",
	                w->channel, w->seq, data);
	if (rc >= 0)
		rc = db_notify(d, w->channel);
	return rc < 0 ? rc : 0;
}

/* Reads "<channel> <seq>" lines; for each stores the event, commits
 * (which sends the notification) and answers "ok" or "err". */
static void writer_main(int in, int out)
{
	FILE *f = fdopen(in, "r");
	db *d = NULL;
	char err[256], line[256];
	while (f && fgets(line, sizeof line, f)) {
		char channel[128];
		long long seq;
		bool ok = sscanf(line, "%127s %lld", channel, &seq) == 2;
		if (ok && !d)
			ok = db_open(url, NULL, &d, err, sizeof err) == 0;
		struct write_ctx w = {channel, seq};
		if (ok)
			ok = db_tx(d, write_event, &w) == 0;
		if (write(out, ok ? "ok\n" : "err\n", ok ? 3 : 4) < 0)
			break;
	}
	if (d)
		db_close(d);
	_exit(0);
}

/* Has the other process store event seq of channel. */
static void write_elsewhere(const char *channel, int64_t seq)
{
	char line[160];
	int n = snprintf(line, sizeof line, "%s %lld\n", channel, (long long)seq);
	assert_int_equal(write(to_writer, line, (size_t)n), n);
	char answer[8] = "";
	size_t got = 0;
	while (got < sizeof answer - 1) {
		ssize_t r = read(from_writer, answer + got, 1);
		if (r <= 0 || answer[got] == '\n')
			break;
		got++;
	}
	answer[got] = '\0';
	assert_string_equal(answer, "ok");
}

/* This process: source, server, listener ---------------------------------- */

/* "bus:<n>" and "bus:<n>:anon" read the events stored for "bus:<n>". */
static int bus_source(const char *channel, int64_t after, sse_emit_fn emit, void *ctx)
{
	char base[SSE_MAX_CHANNEL];
	snprintf(base, sizeof base, "%s", channel);
	char *anon = strstr(base, ":anon");
	if (anon)
		*anon = '\0'; /* the same events, shown as the :anon view's */
	db *d = db_thread();
	if (!d)
		return CK_E_DB;
	db_stmt *s;
	int rc = db_prepare(
	    d, "SELECT seq, data FROM bus_events WHERE ch = $1 AND seq > $2 ORDER BY seq", &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, base);
	db_bind_int(s, 2, after);
	while ((rc = db_step(s)) == DB_ROW) {
		char data[SSE_MAX_CHANNEL + 32];
		snprintf(data, sizeof data, "%s %s", channel, db_col_text(s, 1));
		emit(ctx, db_col_int(s, 0), "ev", data);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static void on_notify(const char *channel)
{
	if (channel)
		sse_changed(channel);
	else
		sse_changed_all();
}

static int h_sourced(request *req)
{
	sse_begin_from(req, req->path_params[0], sse_last_event_id(req));
	return 0;
}

static const route bus_routes[] = {
    {"GET", "/sourced/{channel}", h_sourced, PERM_PUBLIC, ROUTE_SSE, "Test sourced stream"},
};

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
	nanosleep(&ts, NULL);
}

static void admin(const char *u, const char *sql)
{
	db *a = NULL;
	char err[256];
	if (db_open(u, NULL, &a, err, sizeof err) < 0)
		fail_msg("cannot connect to PostgreSQL: %s", err);
	if (db_exec(a, sql) < 0)
		fail_msg("%s: %s", sql, db_errmsg(a));
	db_close(a);
}

static web_server *server;

static int group_setup(void **state)
{
	(void)state;
	if (!*base_url) {
		fprintf(stderr, "test_bus: CITKIT_TEST_PG_URL is not set, so the cross-process "
		                "event bus cannot be tested: use `make test` or set it to a "
		                "postgres:// URL\n");
		return -1;
	}
	char sql[512];
	snprintf(sql, sizeof sql,
	         "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;"
	         "CREATE TABLE %s.bus_events (ch TEXT NOT NULL, seq BIGINT NOT NULL,"
	         " data TEXT NOT NULL, PRIMARY KEY (ch, seq));",
	         schema, schema, schema);
	admin(base_url, sql);
	if (db_thread_setup(url, NULL))
		return -1;
	router_clear();
	ROUTES_ADD(bus_routes);
	sse_source_register("bus:", bus_source);
	web_options o = {.listen = "127.0.0.1:0", .threads = 2, .quiet = true};
	char err[256];
	if (web_server_start(&o, &server, err, sizeof err)) {
		fprintf(stderr, "test_bus: %s\n", err);
		return -1;
	}
	if (db_listen_start(url, on_notify, err, sizeof err)) {
		fprintf(stderr, "test_bus: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_listen_stop();
	web_server_stop(server);
	db_thread_teardown();
	char sql[128];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	admin(base_url, sql);
	return 0;
}

/* The tests ---------------------------------------------------------------- */

static void events_from_another_process_reach_the_streams(void **state)
{
	(void)state;
	int port = web_server_port(server);
	write_elsewhere("bus:1", 1);
	client named, anon, resumed;
	client_start(&named, port, "/sourced/bus:1", "data: bus:1 3\n");
	client_start(&anon, port, "/sourced/bus:1:anon", "data: bus:1:anon 3\n");
	client_start(&resumed, port, "/sourced/bus:1?after=2", "data: bus:1 3\n");
	/* The stored event replays from this process's own read. */
	wait_for(&named, "data: bus:1 1\n");
	wait_for(&anon, "data: bus:1:anon 1\n");
	/* Every stream's own catch-up read is done before the next write. */
	for (int i = 0; i < 4000 && sse_count() < 3; i++)
		pause_ms(5);
	assert_int_equal(sse_count(), 3);
	pause_ms(200);
	/* Then live, only by NOTIFY: the writer never calls sse_changed
	 * here. */
	write_elsewhere("bus:1", 2);
	wait_for(&named, "data: bus:1 2\n");
	write_elsewhere("bus:1", 3);
	client_join(&named);
	client_join(&anon);
	client_join(&resumed);
	assert_int_equal(named.status, 200);
	assert_events(&named, "bus:1", 0, 3);
	assert_events(&anon, "bus:1:anon", 0, 3);
	assert_events(&resumed, "bus:1", 2, 3);
	client_free(&named);
	client_free(&anon);
	client_free(&resumed);
}

static void streams_catch_up_after_the_listener_reconnects(void **state)
{
	(void)state;
	int port = web_server_port(server);
	write_elsewhere("bus:2", 1);
	client c;
	client_start(&c, port, "/sourced/bus:2", "data: bus:2 4\n");
	wait_for(&c, "data: bus:2 1\n");
	/* Cut the listener's connection, and write while it is away: those
	 * notifications are lost, and the reconnect's wake-everything must
	 * make up for them. */
	admin(base_url, "SELECT pg_terminate_backend(pid, 60000) FROM pg_stat_activity"
	                " WHERE application_name = 'citkit listener'");
	write_elsewhere("bus:2", 2);
	write_elsewhere("bus:2", 3);
	wait_for(&c, "data: bus:2 3\n");
	/* And it listens again. */
	write_elsewhere("bus:2", 4);
	client_join(&c);
	assert_events(&c, "bus:2", 0, 4);
	client_free(&c);
}

int main(void)
{
	const char *u = getenv("CITKIT_TEST_PG_URL");
	if (u && *u) {
		snprintf(base_url, sizeof base_url, "%s", u);
		snprintf(schema, sizeof schema, "ck_test_bus_%ld", (long)getpid());
		const char *sep = strchr(base_url, '?') ? "&" : "?";
		snprintf(url, sizeof url, "%s%soptions=-csearch_path%%3D%s", base_url, sep, schema);
	}
	/* The writer is forked before any thread exists. */
	int down[2], up[2];
	if (pipe(down) || pipe(up))
		return 1;
	writer_pid = fork();
	if (writer_pid < 0)
		return 1;
	if (writer_pid == 0) {
		close(down[1]);
		close(up[0]);
		writer_main(down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	to_writer = down[1];
	from_writer = up[0];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_from_another_process_reach_the_streams),
	    cmocka_unit_test(streams_catch_up_after_the_listener_reconnects),
	};
	int failed = cmocka_run_group_tests_name("event bus across processes", tests, group_setup,
	                                         group_teardown);
	curl_global_cleanup();
	close(to_writer); /* the writer sees end of input and exits */
	waitpid(writer_pid, NULL, 0);
	close(from_writer);
	return failed;
}
