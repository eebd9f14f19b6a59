/* test_sse.c: server-sent events. First the dispatcher's pure part
 * (which channels a wake reaches, event formatting, which events of a
 * read each stream gets). Then end to end: a server on a free port with
 * test routes that open plain and sourced streams; libcurl clients in
 * threads read them; the test publishes, or stores events in an
 * in-memory source and calls sse_changed, from other threads and checks
 * every client saw exactly the events it should, in order, once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/sse.h"
#include "web/web_internal.h"
#include "sse_client.h"
#include "web_test.h"

static int h_events(request *req)
{
	sse_begin(req, arena_printf(req->arena, "chan:%s", req->path_params[0]));
	return 0;
}

static int h_sourced(request *req)
{
	sse_begin_from(req, req->path_params[0], sse_last_event_id(req));
	return 0;
}

static const route sse_routes[] = {
    {"GET", "/events/{channel}", h_events, PERM_PUBLIC, ROUTE_SSE, "Test stream"},
    {"GET", "/sourced/{channel}", h_sourced, PERM_PUBLIC, ROUTE_SSE, "Test sourced stream"},
    {"GET", "/api/sourced/{channel}", h_sourced, PERM_PUBLIC, ROUTE_SSE | ROUTE_API,
     "Test sourced stream, bearer tokens"},
};

/* The in-memory event store behind channels "t:<n>" and "t:<n>:anon":
 * events 1 … n_events of every t channel, data "<channel> <seq>". */
static pthread_mutex_t store_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t n_events;
static int source_calls;

static int store_source(const char *channel, int64_t after, sse_emit_fn emit, void *ctx)
{
	pthread_mutex_lock(&store_mu);
	int64_t n = n_events;
	source_calls++;
	pthread_mutex_unlock(&store_mu);
	for (int64_t seq = after + 1; seq <= n; seq++) {
		char data[160];
		snprintf(data, sizeof data, "%s %lld", channel, (long long)seq);
		emit(ctx, seq, "ev", data);
	}
	return 0;
}

/* Channel "e:…": the same events, but the read fails after emitting
 * them, as a database error mid-read would. */
static int failing_source(const char *channel, int64_t after, sse_emit_fn emit, void *ctx)
{
	store_source(channel, after, emit, ctx);
	return CK_E_DB;
}

/* Channel "f:…": the first reads fail outright (a database that is
 * briefly away), later ones succeed. */
static int flaky_failures_left;

static int flaky_source(const char *channel, int64_t after, sse_emit_fn emit, void *ctx)
{
	pthread_mutex_lock(&store_mu);
	bool fails = flaky_failures_left > 0;
	if (fails)
		flaky_failures_left--;
	pthread_mutex_unlock(&store_mu);
	return fails ? CK_E_DB : store_source(channel, after, emit, ctx);
}

/* Stores one more event and wakes its readers, as a writer does after
 * its commit. */
static void store_append(const char *woken)
{
	pthread_mutex_lock(&store_mu);
	n_events++;
	pthread_mutex_unlock(&store_mu);
	sse_changed(woken);
}

/* Waits (without a deadline: the suite's timeout is the backstop) until
 * the number of open streams is n. */
static void wait_streams(size_t n)
{
	while (sse_count() != n)
		pause_briefly();
}

static web_server *start(void)
{
	router_clear();
	ROUTES_ADD(sse_routes);
	sse_source_register("t:", store_source);
	sse_source_register("e:", failing_source);
	sse_source_register("f:", flaky_source);
	web_options o = {.listen = "127.0.0.1:0", .threads = 2, .quiet = true};
	web_server *s;
	char err[256];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	return s;
}

static void store_reset(int64_t n);

/* Credentials --------------------------------------------------------- */

/* A pretend auth service. Cookie "citkit_session=u<U>s<S>" signs user U
 * in with session S, bearer token "u<U>t<T>" with API token T; user U's
 * roles are fake_roles[U] (ROLE_OFFICER until changed). The heartbeat
 * check answers from the same tables: a session or token is valid until
 * marked ended. */
enum { FAKE_MAX = 64 };
static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;
static bool fake_ended_session[FAKE_MAX], fake_ended_token[FAKE_MAX];
static unsigned fake_roles[FAKE_MAX];
static bool fake_fails;         /* the check answers an error */
static int fake_checks;         /* checks answered */
static bool fake_saw_duplicate; /* a credential twice in one check */
static bool fake_saw_anonymous; /* an item with neither session nor token */
static size_t fake_last_n;      /* items in the last check */

static void fake_reset(void)
{
	pthread_mutex_lock(&fake_mu);
	for (size_t i = 0; i < FAKE_MAX; i++) {
		fake_ended_session[i] = fake_ended_token[i] = false;
		fake_roles[i] = ROLE_OFFICER;
	}
	fake_fails = fake_saw_duplicate = fake_saw_anonymous = false;
	fake_checks = 0;
	fake_last_n = 0;
	pthread_mutex_unlock(&fake_mu);
}

static int fake_identify(const char *text, char kind, principal *out)
{
	long long user, id;
	char k, extra;
	if (sscanf(text, "u%lld%c%lld%c", &user, &k, &id, &extra) != 3 || k != kind || user <= 0 ||
	    user >= FAKE_MAX || id <= 0 || id >= FAKE_MAX)
		return CK_E_UNAUTHORIZED;
	pthread_mutex_lock(&fake_mu);
	bool ended = kind == 's' ? fake_ended_session[id] : fake_ended_token[id];
	*out = (principal){.user_id = user,
	                   .org_id = 1,
	                   .session_id = kind == 's' ? id : 0,
	                   .token_id = kind == 't' ? id : 0,
	                   .roles = fake_roles[user]};
	pthread_mutex_unlock(&fake_mu);
	return ended ? CK_E_UNAUTHORIZED : 0;
}

static int fake_identify_session(arena *a, const char *cookie, const char *ip, principal *out)
{
	(void)a;
	(void)ip;
	return fake_identify(cookie, 's', out);
}

static int fake_identify_token(arena *a, const char *bearer, const char *ip, principal *out)
{
	(void)a;
	(void)ip;
	return fake_identify(bearer, 't', out);
}

/* The user a credential belongs to, from the streams the tests open:
 * session S and token T belong to user S / 10 and T / 10. */
static int fake_recheck(principal_check *items, size_t n)
{
	pthread_mutex_lock(&fake_mu);
	fake_checks++;
	fake_last_n = n;
	int rc = fake_fails ? CK_E_DB : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		principal_check *c = &items[i];
		for (size_t j = 0; j < i; j++)
			if (items[j].session_id == c->session_id &&
			    items[j].token_id == c->token_id)
				fake_saw_duplicate = true;
		int64_t id = c->session_id ? c->session_id : c->token_id;
		if (id <= 0 || id >= FAKE_MAX) {
			fake_saw_anonymous = true;
			continue;
		}
		bool ended = c->session_id ? fake_ended_session[id] : fake_ended_token[id];
		c->is_valid = !ended;
		c->user_id = id / 10;
		c->org_id = 1;
		c->roles = fake_roles[id / 10];
	}
	pthread_mutex_unlock(&fake_mu);
	return rc;
}

/* A server with the pretend auth service, fresh, and one stored event. */
static web_server *start_with(int heartbeat_seconds)
{
	fake_reset();
	store_reset(1);
	router_clear();
	ROUTES_ADD(sse_routes);
	sse_source_register("t:", store_source);
	web_options o = {.listen = "127.0.0.1:0",
	                 .threads = 2,
	                 .quiet = true,
	                 .identify_session = fake_identify_session,
	                 .identify_token = fake_identify_token,
	                 .recheck_credentials = fake_recheck,
	                 .sse_heartbeat_seconds = heartbeat_seconds};
	web_server *s;
	char err[256];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	return s;
}

/* A stream of channel t:c opened with a session cookie ("u1s11") or a
 * bearer token ("u2t21"), or by nobody (NULL). */
typedef struct cred_client {
	client c;
	char path[64], header[96];
} cred_client;

static void cred_open(cred_client *cc, int port, const char *cred)
{
	bool is_token = cred && strchr(cred, 't');
	snprintf(cc->path, sizeof cc->path, "%s/sourced/t:c", is_token ? "/api" : "");
	if (cred)
		snprintf(cc->header, sizeof cc->header, "%s%s",
		         is_token ? "Authorization: Bearer " : "Cookie: citkit_session=", cred);
	client_start_with(&cc->c, port, cc->path, cred ? cc->header : NULL, NULL);
}

/* The stream ended from the server's side: a complete 200 response. */
static void expect_ended(cred_client *cc)
{
	client_join(&cc->c);
	assert_int_equal(cc->c.status, 200);
	assert_int_equal(cc->c.rc, CURLE_OK);
}

static void hang_up(cred_client *cc)
{
	client_join(&cc->c);
	client_free(&cc->c);
}

/* Ending a session, a user's sessions, a token or a user in this process
 * ends exactly the streams opened with it, at once: each later event
 * reaches the others and not it. */
static void ending_a_credential_ends_its_streams(void **state)
{
	(void)state;
	web_server *s = start_with(0);
	int port = web_server_port(s);
	/* User 1: sessions 11 and 12, token 13; user 2: token 21; nobody. */
	cred_client a, b, t13, t21, anon;
	cred_open(&a, port, "u1s11");
	cred_open(&b, port, "u1s12");
	cred_open(&t13, port, "u1t13");
	cred_open(&t21, port, "u2t21");
	cred_open(&anon, port, NULL);
	wait_streams(5);
	cred_client *all[] = {&a, &b, &t13, &t21, &anon};
	for (size_t i = 0; i < 5; i++)
		wait_for(&all[i]->c, "data: t:c 1\n");

	sse_end_session(11);
	expect_ended(&a);
	store_append("t:c");
	for (size_t i = 1; i < 5; i++)
		wait_for(&all[i]->c, "data: t:c 2\n");
	assert_false(client_has(&a.c, "data: t:c 2\n"));
	assert_events(&a.c, "t:c", 0, 1);

	/* Every session of user 1 but 12 (the one in use) … then all. */
	sse_end_user_sessions(1, 12);
	sse_end_session(99); /* nobody's */
	store_append("t:c");
	for (size_t i = 1; i < 5; i++)
		wait_for(&all[i]->c, "data: t:c 3\n");
	sse_end_user_sessions(1, 0);
	expect_ended(&b);
	assert_false(client_has(&b.c, "data: t:c 4\n"));

	sse_end_token(21);
	expect_ended(&t21);
	store_append("t:c");
	wait_for(&t13.c, "data: t:c 4\n");
	wait_for(&anon.c, "data: t:c 4\n");
	assert_events(&t21.c, "t:c", 0, 3);

	sse_end_user(1);
	expect_ended(&t13);
	store_append("t:c");
	wait_for(&anon.c, "data: t:c 5\n");
	assert_events(&t13.c, "t:c", 0, 4);
	wait_streams(1);

	for (size_t i = 0; i < 4; i++)
		client_free(&all[i]->c);
	web_server_stop(s);
	client_finish(&anon.c);
	assert_int_equal(sse_count(), 0);
}

/* Waits until the fake check has answered n more times. */
static void wait_checks(int n)
{
	pthread_mutex_lock(&fake_mu);
	int until = fake_checks + n;
	pthread_mutex_unlock(&fake_mu);
	for (;;) {
		pthread_mutex_lock(&fake_mu);
		bool done = fake_checks >= until;
		pthread_mutex_unlock(&fake_mu);
		if (done)
			return;
		pause_briefly();
	}
}

/* What ends elsewhere (another process, a time limit) is found by the
 * heartbeat's check: once per distinct credential, never for streams
 * of nobody; a credential that no longer holds, or whose user's roles
 * changed, ends its streams; a check that fails ends nothing. */
static void the_heartbeat_checks_credentials_again(void **state)
{
	(void)state;
	web_server *s = start_with(1);
	int port = web_server_port(s);
	cred_client a1, a2, b, t, anon;
	cred_open(&a1, port, "u1s11");
	cred_open(&a2, port, "u1s11"); /* a second tab of the same session */
	cred_open(&b, port, "u2s22");
	cred_open(&t, port, "u3t31");
	cred_open(&anon, port, NULL);
	wait_streams(5);
	wait_checks(2);
	pthread_mutex_lock(&fake_mu);
	assert_int_equal(fake_last_n, 3);
	assert_false(fake_saw_duplicate);
	assert_false(fake_saw_anonymous);
	/* Session 11 ends elsewhere. */
	fake_ended_session[11] = true;
	pthread_mutex_unlock(&fake_mu);
	expect_ended(&a1);
	expect_ended(&a2);
	store_append("t:c");
	wait_for(&b.c, "data: t:c 2\n");
	wait_for(&t.c, "data: t:c 2\n");
	wait_for(&anon.c, "data: t:c 2\n");
	assert_events(&a1.c, "t:c", 0, 1);
	assert_events(&a2.c, "t:c", 0, 1);

	/* User 3 loses a role: the token's stream ends (a reconnect would
	 * be authorized afresh). */
	pthread_mutex_lock(&fake_mu);
	fake_roles[3] = ROLE_PRESENTER;
	pthread_mutex_unlock(&fake_mu);
	expect_ended(&t);
	wait_streams(2);

	/* The database is away: session 22 has ended, but nothing is ended
	 * on a failed check … until a check succeeds. */
	pthread_mutex_lock(&fake_mu);
	fake_fails = true;
	fake_ended_session[22] = true;
	pthread_mutex_unlock(&fake_mu);
	wait_checks(2);
	assert_int_equal(sse_count(), 2);
	store_append("t:c");
	wait_for(&b.c, "data: t:c 3\n");
	pthread_mutex_lock(&fake_mu);
	fake_fails = false;
	pthread_mutex_unlock(&fake_mu);
	expect_ended(&b);
	wait_streams(1);

	hang_up(&a1);
	hang_up(&a2);
	client_free(&b.c);
	hang_up(&t);
	web_server_stop(s);
	client_finish(&anon.c);
	assert_int_equal(sse_count(), 0);
}

static void checked_credentials_are_deduplicated(void **state)
{
	(void)state;
	principal_check items[] = {
	    {.session_id = 7}, {.token_id = 3}, {.session_id = 2}, {.session_id = 7},
	    {.token_id = 3},   {.token_id = 1}, {.session_id = 2},
	};
	size_t n = sse_checks_dedupe(items, 7);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_false(items[i].session_id == items[j].session_id &&
			             items[i].token_id == items[j].token_id);
	assert_int_equal(sse_checks_dedupe(items, 0), 0);
	/* Session 2 holds for user 4 as an officer in org 1; token 3 does
	 * not; token 1's user became an instructor; session 7 moved org. */
	for (size_t i = 0; i < n; i++) {
		items[i].is_valid = items[i].token_id != 3;
		items[i].user_id = 4;
		items[i].org_id = items[i].session_id == 7 ? 2 : 1;
		items[i].roles = items[i].token_id == 1 ? ROLE_INSTRUCTOR : ROLE_OFFICER;
	}
	assert_true(sse_check_holds(items, n, 2, 0, 4, 1, ROLE_OFFICER));
	assert_false(sse_check_holds(items, n, 2, 0, 5, 1, ROLE_OFFICER)); /* another user */
	assert_false(sse_check_holds(items, n, 0, 3, 4, 1, ROLE_OFFICER));
	assert_false(sse_check_holds(items, n, 0, 1, 4, 1, ROLE_OFFICER));
	assert_false(sse_check_holds(items, n, 7, 0, 4, 1, ROLE_OFFICER));
	/* Not checked (opened after the collection): goes on till the next. */
	assert_true(sse_check_holds(items, n, 8, 0, 4, 1, ROLE_OFFICER));
}

static void events_reach_subscribers_of_their_channel(void **state)
{
	(void)state;
	web_server *s = start();
	client a, b;
	client_start(&a, web_server_port(s), "/events/one", "data: bye");
	client_start(&b, web_server_port(s), "/events/two", "data: two");
	wait_streams(2);
	/* Both streams are suspended waiting; publish from this thread. */
	assert_int_equal(sse_publish("chan:one", "feedback", "{\"score\":3}"), 1);
	assert_int_equal(sse_publish("chan:one", NULL, "line 1\nline 2"), 1);
	assert_int_equal(sse_publish("chan:none", "x", "y"), 0);
	assert_int_equal(sse_publish("chan:two", "ping", "two"), 1);
	assert_int_equal(sse_publish("chan:one", "end\r\nevent: forged", "bye"), 1);
	client_finish(&b);
	while (!client_has(&a, "data: bye"))
		pause_briefly();
	pthread_mutex_lock(&a.mu);
	const char *seen = buf_str(&a.seen);
	assert_non_null(strstr(seen, "retry: 3000\n\n"));
	assert_non_null(strstr(seen, "event: feedback\ndata: {\"score\":3}\n\n"));
	assert_non_null(strstr(seen, "data: line 1\ndata: line 2\n\n"));
	/* CR and LF cannot smuggle a field into an event name. */
	assert_non_null(strstr(seen, "event: endevent: forged\ndata: bye\n\n"));
	assert_null(strstr(seen, "ping"));
	pthread_mutex_unlock(&a.mu);
	client_finish(&a);
	/* The clients hung up; the next event finds them gone. */
	while (sse_count()) {
		sse_publish("chan:one", "probe", "p");
		sse_publish("chan:two", "probe", "p");
		pause_briefly();
	}
	web_server_stop(s);
}

static void stopping_the_server_ends_streams(void **state)
{
	(void)state;
	web_server *s = start();
	client c;
	client_start(&c, web_server_port(s), "/events/x", NULL);
	wait_streams(1);
	sse_publish("chan:x", "hello", "world");
	while (!client_has(&c, "data: world"))
		pause_briefly();
	web_server_stop(s);
	client_finish(&c);
	assert_int_equal(c.status, 200);
	assert_int_equal(sse_count(), 0);
}

static void stream_headers(void **state)
{
	(void)state;
	web_server *s = start();
	client c;
	client_start(&c, web_server_port(s), "/events/h", "retry:");
	client_finish(&c);
	assert_int_equal(c.status, 200);
	while (sse_count()) {
		sse_publish("chan:h", NULL, "p");
		pause_briefly();
	}
	http_result r;
	char v[256];
	/* HEAD gets the headers of a stream without one. */
	http_do(web_server_port(s), "HEAD", "/events/h", NULL, NULL, 0, &r);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "text/event-stream; charset=utf-8");
	assert_string_equal(http_header(&r, "Cache-Control", v, sizeof v), "no-store");
	http_free(&r);
	web_server_stop(s);
}

/* The pure part ------------------------------------------------------- */

static void a_wake_reaches_the_channel_and_its_subchannels(void **state)
{
	(void)state;
	assert_true(sse_channel_matches("run:42", "run:42"));
	assert_true(sse_channel_matches("run:42", "run:42:anon"));
	assert_false(sse_channel_matches("run:42", "run:420"));
	assert_false(sse_channel_matches("run:42", "run:4"));
	assert_false(sse_channel_matches("run:42", "run:42x:anon"));
	assert_false(sse_channel_matches("run:42:anon", "run:42"));
	assert_false(sse_channel_matches("run:42", ""));
}

static void events_are_formatted_with_their_ids(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, NULL);
	sse_format_event(&b, 7, "feedback", "{\"a\":1}");
	assert_string_equal(buf_str(&b), "id: 7\nevent: feedback\ndata: {\"a\":1}\n\n");
	buf_reset(&b);
	/* Every line break of the data starts a data: line (CR LF, CR, LF). */
	sse_format_event(&b, 0, NULL, "a\r\nb\rc\nd");
	assert_string_equal(buf_str(&b), "data: a\ndata: b\ndata: c\ndata: d\n\n");
	buf_reset(&b);
	sse_format_event(&b, 9223372036854775807LL, "x\r\ny", NULL);
	assert_string_equal(buf_str(&b), "id: 9223372036854775807\nevent: xy\ndata: \n\n");
	buf_free(&b);
}

static void a_batch_keeps_only_increasing_ids_after_its_start(void **state)
{
	(void)state;
	sse_batch b;
	sse_batch_init(&b, 2);
	sse_batch_add(&b, 2, "e", "two"); /* not after the start */
	sse_batch_add(&b, 3, "e", "three");
	sse_batch_add(&b, 3, "e", "again"); /* repeated */
	sse_batch_add(&b, 1, "e", "back");  /* backwards */
	sse_batch_add(&b, 5, "e", "five");
	assert_int_equal(b.n, 2);
	assert_int_equal(b.items[0].seq, 3);
	assert_int_equal(b.items[1].seq, 5);
	assert_string_equal(buf_str(&b.text),
	                    "id: 3\nevent: e\ndata: three\n\nid: 5\nevent: e\ndata: five\n\n");
	sse_batch_free(&b);
}

static void each_stream_gets_only_what_it_lacks(void **state)
{
	(void)state;
	sse_batch b;
	sse_batch_init(&b, 10);
	for (int64_t seq = 11; seq <= 15; seq++) {
		char data[16];
		snprintf(data, sizeof data, "d%lld", (long long)seq);
		sse_batch_add(&b, seq, "e", data);
	}
	buf out;
	buf_init(&out, NULL);
	/* A stream at the read's start takes all, in order. */
	int64_t last = 10;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), 5);
	assert_int_equal(last, 15);
	const char *p = buf_str(&out);
	for (int64_t seq = 11; seq <= 15; seq++) {
		char want[64];
		snprintf(want, sizeof want, "id: %lld\nevent: e\ndata: d%lld\n\n", (long long)seq,
		         (long long)seq);
		assert_memory_equal(p, want, strlen(want));
		p += strlen(want);
	}
	assert_int_equal(*p, '\0');
	/* The same batch again: nothing twice. */
	size_t len = out.len;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), 0);
	assert_int_equal(out.len, len);
	/* A stream further on takes the rest only. */
	buf_reset(&out);
	last = 13;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), 2);
	assert_string_equal(buf_str(&out),
	                    "id: 14\nevent: e\ndata: d14\n\nid: 15\nevent: e\ndata: d15\n\n");
	/* Past the batch: nothing, and its id never goes back. */
	buf_reset(&out);
	last = 20;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), 0);
	assert_int_equal(last, 20);
	/* Behind the read's start (it joined during the read): giving it
	 * 11 … 15 would skip 10, so it gets nothing and keeps its id. */
	last = 9;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), -1);
	assert_int_equal(last, 9);
	assert_int_equal(out.len, 0);
	sse_batch_free(&b);
	/* An empty read. */
	sse_batch_init(&b, 4);
	last = 4;
	assert_int_equal(sse_batch_deliver(&b, &last, &out), 0);
	assert_int_equal(last, 4);
	sse_batch_free(&b);
	buf_free(&out);
}

/* The range every stream of a channel shares is exactly the bytes
 * sse_batch_deliver would have copied, with the same ids and the same
 * refusals. */
static void a_stream_shares_the_range_it_would_have_copied(void **state)
{
	(void)state;
	sse_batch b;
	sse_batch_init(&b, 10);
	for (int64_t seq = 11; seq <= 15; seq++)
		sse_batch_add(&b, seq, "e", "line one\nline two");
	buf out;
	buf_init(&out, NULL);
	for (int64_t from = 9; from <= 16; from++) {
		int64_t copied = from, shared = from;
		size_t start = 1, end = 1;
		buf_reset(&out);
		int n = sse_batch_deliver(&b, &copied, &out);
		assert_int_equal(sse_batch_range(&b, &shared, &start, &end), n);
		assert_int_equal(shared, copied);
		assert_true(start <= end && end <= b.text.len);
		assert_int_equal(end - start, out.len);
		if (out.len)
			assert_memory_equal(b.text.data + start, out.data, out.len);
		if (n <= 0)
			assert_int_equal(end, start);
	}
	buf_free(&out);
	sse_batch_free(&b);
}

/* Sourced streams end to end ------------------------------------------ */

static void store_reset(int64_t n)
{
	pthread_mutex_lock(&store_mu);
	n_events = n;
	source_calls = 0;
	pthread_mutex_unlock(&store_mu);
}

static void a_stream_replays_from_its_last_id_then_goes_live(void **state)
{
	(void)state;
	web_server *s = start();
	int port = web_server_port(s);
	store_reset(3);
	client all, hdr, query, junk, both, past;
	const char *end = "data: t:1 5\n";
	client_start_with(&all, port, "/sourced/t:1", NULL, end);
	client_start_with(&hdr, port, "/sourced/t:1", "Last-Event-ID: 2", end);
	client_start_with(&query, port, "/sourced/t:1?after=4", NULL, end);
	/* Not a plain number: replay from the start. */
	client_start_with(&junk, port, "/sourced/t:1?after=-1", "Last-Event-ID: 2x", end);
	/* The header wins over the query. */
	client_start_with(&both, port, "/sourced/t:1?after=1", "Last-Event-ID: 3", end);
	/* An id beyond the stored ones: only what comes later. */
	client_start_with(&past, port, "/sourced/t:1", "Last-Event-ID: 4", end);
	wait_streams(6);
	wait_for(&all, "data: t:1 3\n");
	store_append("t:1");
	store_append("t:1");
	client *cs[] = {&all, &hdr, &query, &junk, &both, &past};
	int64_t afters[] = {0, 2, 4, 0, 3, 4};
	for (size_t i = 0; i < 6; i++) {
		client_join(cs[i]);
		assert_int_equal(cs[i]->status, 200);
		assert_events(cs[i], "t:1", afters[i], 5);
		client_free(cs[i]);
	}
	/* Streams whose clients left are found at the next write; stopping
	 * the server ends the rest. */
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

static void a_wake_reaches_subchannels_once_each(void **state)
{
	(void)state;
	web_server *s = start();
	int port = web_server_port(s);
	store_reset(2);
	client named, anon, other;
	client_start_with(&named, port, "/sourced/t:2", NULL, "data: t:2 3\n");
	client_start_with(&anon, port, "/sourced/t:2:anon", NULL, "data: t:2:anon 3\n");
	client_start_with(&other, port, "/sourced/t:20", NULL, "data: t:20 3\n");
	wait_streams(3);
	wait_for(&named, "data: t:2 2\n");
	wait_for(&anon, "data: t:2:anon 2\n");
	wait_for(&other, "data: t:20 2\n");
	/* Let any catch-up still queued run, then count reads. */
	struct timespec settle = {0, 100 * 1000 * 1000};
	nanosleep(&settle, NULL);
	pthread_mutex_lock(&store_mu);
	source_calls = 0;
	pthread_mutex_unlock(&store_mu);
	store_append("t:2");
	client_join(&named);
	client_join(&anon);
	/* One read per woken channel, and "t:20" is not one of them. */
	nanosleep(&settle, NULL);
	pthread_mutex_lock(&store_mu);
	assert_int_equal(source_calls, 2);
	pthread_mutex_unlock(&store_mu);
	assert_false(client_has(&other, "data: t:20 3\n"));
	sse_changed("t:20");
	client_join(&other);
	assert_events(&named, "t:2", 0, 3);
	assert_events(&anon, "t:2:anon", 0, 3);
	assert_events(&other, "t:20", 0, 3);
	client_free(&named);
	client_free(&anon);
	client_free(&other);
	/* Streams whose clients left are found at the next write; stopping
	 * the server ends the rest. */
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

/* Events are written while clients connect with different last ids: each
 * sees every event after its own, once, in order. */
enum { RACE_EVENTS = 300, RACE_CLIENTS = 10 };

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < RACE_EVENTS; i++) {
		store_append(i % 2 ? "t:9" : "t");
		struct timespec ts = {0, 300 * 1000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void streams_joining_while_events_are_written_miss_nothing(void **state)
{
	(void)state;
	web_server *s = start();
	int port = web_server_port(s);
	store_reset(0);
	client cs[RACE_CLIENTS];
	char paths[RACE_CLIENTS][64], headers[RACE_CLIENTS][64];
	int64_t afters[RACE_CLIENTS];
	pthread_t w;
	pthread_create(&w, NULL, writer, NULL);
	char end[64];
	snprintf(end, sizeof end, "data: t:9 %d\n", RACE_EVENTS);
	for (int i = 0; i < RACE_CLIENTS; i++) {
		pthread_mutex_lock(&store_mu);
		int64_t now = n_events;
		pthread_mutex_unlock(&store_mu);
		/* Some from the start, some from just behind or ahead of now. */
		afters[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? (now > 3 ? now - 3 : 0) : now + 2;
		snprintf(paths[i], sizeof paths[i], "/sourced/t:9%s", i % 2 ? "?after=" : "");
		if (i % 2)
			snprintf(paths[i] + strlen(paths[i]), sizeof paths[i] - strlen(paths[i]),
			         "%lld", (long long)afters[i]);
		snprintf(headers[i], sizeof headers[i], "Last-Event-ID: %lld",
		         (long long)afters[i]);
		client_start_with(&cs[i], port, paths[i], i % 2 ? NULL : headers[i], end);
		struct timespec ts = {0, 8 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	pthread_join(w, NULL);
	for (int i = 0; i < RACE_CLIENTS; i++) {
		client_join(&cs[i]);
		assert_events(&cs[i], "t:9", afters[i], RACE_EVENTS);
		client_free(&cs[i]);
	}
	/* Streams whose clients left are found at the next write; stopping
	 * the server ends the rest. */
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

static void a_channel_without_a_source_ends_its_streams(void **state)
{
	(void)state;
	web_server *s = start();
	client c;
	client_start_with(&c, web_server_port(s), "/sourced/nowhere:1", NULL, NULL);
	client_join(&c);
	assert_int_equal(c.status, 200);
	assert_true(client_has(&c, "retry: 3000"));
	assert_false(client_has(&c, "id: "));
	client_free(&c);
	/* Streams whose clients left are found at the next write; stopping
	 * the server ends the rest. */
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

static void a_failed_read_still_delivers_what_it_emitted(void **state)
{
	(void)state;
	web_server *s = start();
	store_reset(2);
	uint64_t errors = sse_get_stats().read_errors;
	client c;
	client_start_with(&c, web_server_port(s), "/sourced/e:1", NULL, "data: e:1 3\n");
	wait_for(&c, "data: e:1 2\n");
	store_append("e:1");
	client_join(&c);
	assert_events(&c, "e:1", 0, 3);
	assert_true(sse_get_stats().read_errors >= errors + 2);
	client_free(&c);
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

/* A read that fails is tried again soon, with nobody writing: the events
 * reach the stream before its first heartbeat (15 s after the server
 * started), not with it. */
static void a_failed_read_is_retried_before_the_heartbeat(void **state)
{
	(void)state;
	web_server *s = start();
	store_reset(2);
	pthread_mutex_lock(&store_mu);
	flaky_failures_left = 2;
	pthread_mutex_unlock(&store_mu);
	uint64_t errors = sse_get_stats().read_errors;
	client c;
	client_start_with(&c, web_server_port(s), "/sourced/f:1", NULL, "data: f:1 2\n");
	client_join(&c);
	assert_events(&c, "f:1", 0, 2);
	assert_false(client_has(&c, ": heartbeat"));
	assert_int_equal(sse_get_stats().read_errors, errors + 2);
	client_free(&c);
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

static void publish_does_not_reach_sourced_streams(void **state)
{
	(void)state;
	web_server *s = start();
	store_reset(1);
	client c;
	client_start_with(&c, web_server_port(s), "/sourced/t:5", NULL, "data: t:5 2\n");
	wait_streams(1);
	wait_for(&c, "data: t:5 1\n");
	assert_int_equal(sse_publish("t:5", "stray", "x"), 0);
	store_append("t:5");
	client_join(&c);
	assert_false(client_has(&c, "stray"));
	assert_events(&c, "t:5", 0, 2);
	client_free(&c);
	/* Streams whose clients left are found at the next write; stopping
	 * the server ends the rest. */
	web_server_stop(s);
	assert_int_equal(sse_count(), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_reach_subscribers_of_their_channel),
	    cmocka_unit_test(stopping_the_server_ends_streams),
	    cmocka_unit_test(stream_headers),
	    cmocka_unit_test(a_wake_reaches_the_channel_and_its_subchannels),
	    cmocka_unit_test(events_are_formatted_with_their_ids),
	    cmocka_unit_test(a_batch_keeps_only_increasing_ids_after_its_start),
	    cmocka_unit_test(each_stream_gets_only_what_it_lacks),
	    cmocka_unit_test(a_stream_shares_the_range_it_would_have_copied),
	    cmocka_unit_test(a_stream_replays_from_its_last_id_then_goes_live),
	    cmocka_unit_test(a_wake_reaches_subchannels_once_each),
	    cmocka_unit_test(streams_joining_while_events_are_written_miss_nothing),
	    cmocka_unit_test(a_channel_without_a_source_ends_its_streams),
	    cmocka_unit_test(a_failed_read_still_delivers_what_it_emitted),
	    cmocka_unit_test(a_failed_read_is_retried_before_the_heartbeat),
	    cmocka_unit_test(publish_does_not_reach_sourced_streams),
	    cmocka_unit_test(checked_credentials_are_deduplicated),
	    cmocka_unit_test(ending_a_credential_ends_its_streams),
	    cmocka_unit_test(the_heartbeat_checks_credentials_again),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
