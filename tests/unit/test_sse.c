/* test_sse.c: server-sent events end to end. A server on a free port
 * with a test route that opens a stream; a libcurl client in a thread
 * reads it; the test publishes from the main thread and checks the
 * client saw the events, that a client going away frees its stream, and
 * that stopping the server ends open streams. */
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
#include "web_test.h"

static int h_events(request *req)
{
	sse_begin(req, arena_printf(req->arena, "chan:%s", req->path_params[0]));
	return 0;
}

static const route sse_routes[] = {
    {"GET", "/events/{channel}", h_events, PERM_PUBLIC, ROUTE_SSE, "Test stream"},
};

typedef struct client {
	int port;
	const char *path;
	const char *stop_after; /* the client hangs up once it has seen this */
	pthread_mutex_t mu;
	buf seen;
	bool is_done;
	long status;
	CURLcode rc;
	pthread_t thread;
} client;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	client *c = ud;
	pthread_mutex_lock(&c->mu);
	buf_append(&c->seen, p, size * n);
	bool stop = c->stop_after && strstr(buf_str(&c->seen), c->stop_after);
	pthread_mutex_unlock(&c->mu);
	return stop ? 0 : size * n;
}

static void *client_run(void *arg)
{
	client *c = arg;
	char url[256];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, c->path);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	c->rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
	curl_easy_cleanup(h);
	pthread_mutex_lock(&c->mu);
	c->is_done = true;
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static void client_start(client *c, int port, const char *path, const char *stop_after)
{
	*c = (client){.port = port, .path = path, .stop_after = stop_after};
	pthread_mutex_init(&c->mu, NULL);
	buf_init(&c->seen, NULL);
	pthread_create(&c->thread, NULL, client_run, c);
}

static void client_finish(client *c)
{
	pthread_join(c->thread, NULL);
	pthread_mutex_destroy(&c->mu);
	buf_free(&c->seen);
}

static void pause_briefly(void)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

/* Waits (without a deadline: the suite's timeout is the backstop) until
 * the number of open streams is n. */
static void wait_streams(size_t n)
{
	while (sse_count() != n)
		pause_briefly();
}

static bool client_has(client *c, const char *text)
{
	pthread_mutex_lock(&c->mu);
	bool has = strstr(buf_str(&c->seen), text) != NULL;
	pthread_mutex_unlock(&c->mu);
	return has;
}

static web_server *start(void)
{
	router_clear();
	ROUTES_ADD(sse_routes);
	web_options o = {.listen = "127.0.0.1:0", .threads = 2, .quiet = true};
	web_server *s;
	char err[256];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	return s;
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

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_reach_subscribers_of_their_channel),
	    cmocka_unit_test(stopping_the_server_ends_streams),
	    cmocka_unit_test(stream_headers),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
