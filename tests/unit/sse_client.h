/* sse_client.h: an event-stream reader for the unit tests of the event
 * bus (test_sse.c, test_bus.c). Each client is a libcurl request in a
 * thread that keeps everything it receives and hangs up once it has seen
 * stop_after; the test then checks what it saw. Include after cmocka.h.
 * Header-only so each test stays one executable. */
#ifndef CITKIT_SSE_CLIENT_H
#define CITKIT_SSE_CLIENT_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"

enum { SSE_CLIENT_TIMEOUT_S = 60, SSE_CLIENT_WAIT_S = 20 };

typedef struct client {
	int port;
	const char *path;       /* the caller's, kept until the client ends */
	const char *header;     /* one extra request header, or NULL */
	const char *stop_after; /* the client hangs up once it has seen this */
	pthread_mutex_t mu;
	buf seen;
	long status;
	CURLcode rc;
	pthread_t thread;
} client;

static size_t client_on_data(char *p, size_t size, size_t n, void *ud)
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
	char url[512];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, c->path);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, client_on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	/* A backstop: a stream that never gets what it waits for fails. */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)SSE_CLIENT_TIMEOUT_S);
	struct curl_slist *hl = c->header ? curl_slist_append(NULL, c->header) : NULL;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	c->rc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
	curl_easy_cleanup(h);
	return NULL;
}

static void client_start_with(client *c, int port, const char *path, const char *extra,
                              const char *stop_after)
{
	*c = (client){.port = port, .path = path, .header = extra, .stop_after = stop_after};
	pthread_mutex_init(&c->mu, NULL);
	buf_init(&c->seen, NULL);
	pthread_create(&c->thread, NULL, client_run, c);
}

static void client_start(client *c, int port, const char *path, const char *stop_after)
{
	client_start_with(c, port, path, NULL, stop_after);
}

/* Waits for the client to end; what it saw stays readable. */
static void client_join(client *c)
{
	pthread_join(c->thread, NULL);
}

static void client_free(client *c)
{
	pthread_mutex_destroy(&c->mu);
	buf_free(&c->seen);
}

static inline void client_finish(client *c)
{
	client_join(c);
	client_free(c);
}

static void pause_briefly(void)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

static bool client_has(client *c, const char *text)
{
	pthread_mutex_lock(&c->mu);
	bool has = strstr(buf_str(&c->seen), text) != NULL;
	pthread_mutex_unlock(&c->mu);
	return has;
}

/* Waits up to SSE_CLIENT_WAIT_S for text, else fails the test. */
static void wait_for(client *c, const char *text)
{
	for (int i = 0; i < SSE_CLIENT_WAIT_S * 200 && !client_has(c, text); i++)
		pause_briefly();
	if (!client_has(c, text))
		fail_msg("%s never showed \"%s\"", c->path, text);
}

/* Checks that c saw exactly the events after .. to of channel, each once,
 * in order, each "id: N", "event: ev", "data: <channel> N". */
static void assert_events(client *c, const char *channel, int64_t after, int64_t to)
{
	pthread_mutex_lock(&c->mu);
	const char *p = buf_str(&c->seen);
	int64_t want = after + 1;
	while ((p = strstr(p, "id: "))) {
		char expect[256];
		snprintf(expect, sizeof expect, "id: %lld\nevent: ev\ndata: %s %lld\n\n",
		         (long long)want, channel, (long long)want);
		if (strncmp(p, expect, strlen(expect))) {
			pthread_mutex_unlock(&c->mu);
			fail_msg("%s after %lld: wanted event %lld, got \"%.60s\"", channel,
			         (long long)after, (long long)want, p);
		}
		p += strlen(expect);
		want++;
	}
	pthread_mutex_unlock(&c->mu);
	if (want != to + 1)
		fail_msg("%s after %lld: saw up to %lld, wanted up to %lld", channel,
		         (long long)after, (long long)want - 1, (long long)to);
}

#endif
