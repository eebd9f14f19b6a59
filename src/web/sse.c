/* sse.c: server-sent event streams over libmicrohttpd. The response is
 * produced by a content-reader callback. When a stream has nothing to
 * send, the reader suspends its connection (libmicrohttpd's pattern for
 * "no data yet") and returns 0; sse_publish appends to the stream's
 * buffer and resumes it. A heartbeat comment every SSE_HEARTBEAT_SECONDS
 * keeps proxies from closing idle streams and finds dead clients.
 *
 * Locking: one mutex guards the list and every stream's buffer. The
 * reader suspends while holding it, so a publisher can never resume a
 * connection before it is suspended (a lost wake-up); resumes happen
 * after the mutex is released. Streams are heap-allocated, not in the
 * request arena: libmicrohttpd may free the response after the request's
 * completion callback has already released the arena. */
#include "sse.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/log.h"
#include "web_internal.h"

enum { SSE_MAX_PENDING = 1 << 20, SSE_BLOCK = 16 * 1024 };

struct sse_stream {
	char channel[SSE_MAX_CHANNEL];
	struct MHD_Connection *conn;
	buf pending; /* heap buffer: bytes not yet handed over */
	size_t off;  /* how much of pending has been sent */
	bool is_suspended;
	bool is_closed;
	sse_stream *prev, *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static sse_stream *streams;
static size_t n_streams;
static bool is_stopping;
static bool has_heartbeat;
static pthread_t heartbeat_thread;

/* Conn handles collected under the lock, resumed after it is released. */
typedef struct resume_list {
	struct MHD_Connection **items;
	size_t len;
} resume_list;

static void collect(resume_list *rl, sse_stream *s)
{
	if (!s->is_suspended)
		return;
	s->is_suspended = false;
	struct MHD_Connection **items = realloc(rl->items, (rl->len + 1) * sizeof *items);
	if (!items) {
		/* Leave it suspended; the next heartbeat retries. */
		s->is_suspended = true;
		return;
	}
	rl->items = items;
	rl->items[rl->len++] = s->conn;
}

static void resume_all(resume_list *rl)
{
	for (size_t i = 0; i < rl->len; i++)
		MHD_resume_connection(rl->items[i]);
	free(rl->items);
	*rl = (resume_list){0};
}

static void enqueue(sse_stream *s, const char *text, size_t n)
{
	if (s->is_closed)
		return;
	if (s->pending.len - s->off + n > SSE_MAX_PENDING) {
		/* A client this far behind is gone or hopeless: end it. */
		s->is_closed = true;
		return;
	}
	buf_append(&s->pending, text, n);
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	sse_stream *s = cls;
	ssize_t rc;
	pthread_mutex_lock(&lock);
	if (s->pending.len > s->off) {
		size_t n = s->pending.len - s->off;
		if (n > max)
			n = max;
		memcpy(out, s->pending.data + s->off, n);
		s->off += n;
		if (s->off == s->pending.len) {
			buf_reset(&s->pending);
			s->off = 0;
		}
		rc = (ssize_t)n;
	} else if (s->is_closed || is_stopping) {
		rc = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->is_suspended = true;
		MHD_suspend_connection(s->conn);
		rc = 0;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

static void stream_free(void *cls)
{
	sse_stream *s = cls;
	pthread_mutex_lock(&lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	n_streams--;
	pthread_mutex_unlock(&lock);
	buf_free(&s->pending);
	free(s);
}

void sse_begin(request *req, const char *channel)
{
	req->resp.status = 200;
	req->resp.content_type = "text/event-stream; charset=utf-8";
	req->resp.is_sse = true;
	req->resp.sse_channel = arena_strdup(req->arena, channel);
	resp_header(req, "X-Accel-Buffering", "no");
}

struct MHD_Response *sse_response(request *req)
{
	sse_stream *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	snprintf(s->channel, sizeof s->channel, "%s",
	         req->resp.sse_channel ? req->resp.sse_channel : "");
	s->conn = req->conn;
	buf_init(&s->pending, NULL);
	/* The retry hint goes first so the headers and something readable
	 * leave at once. */
	buf_puts(&s->pending, "retry: 3000\n\n");
	struct MHD_Response *r =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, reader, s, stream_free);
	if (!r) {
		buf_free(&s->pending);
		free(s);
		return NULL;
	}
	pthread_mutex_lock(&lock);
	s->next = streams;
	if (streams)
		streams->prev = s;
	streams = s;
	n_streams++;
	pthread_mutex_unlock(&lock);
	return r;
}

/* One line of an event with CR and LF removed (they would end it). */
static void field_line(buf *b, const char *field, const char *s, size_t n)
{
	buf_puts(b, field);
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			buf_putc(b, s[i]);
	buf_putc(b, '\n');
}

size_t sse_publish(const char *channel, const char *event, const char *data)
{
	buf msg;
	buf_init(&msg, NULL);
	if (event)
		field_line(&msg, "event: ", event, strlen(event));
	const char *p = data ? data : "";
	for (;;) {
		size_t n = strcspn(p, "\n");
		field_line(&msg, "data: ", p, n);
		if (!p[n])
			break;
		p += n + 1;
	}
	buf_putc(&msg, '\n');
	size_t reached = 0;
	resume_list rl = {0};
	pthread_mutex_lock(&lock);
	for (sse_stream *s = streams; s; s = s->next) {
		if (strcmp(s->channel, channel) || s->is_closed)
			continue;
		enqueue(s, msg.data, msg.len);
		collect(&rl, s);
		reached++;
	}
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	buf_free(&msg);
	return reached;
}

size_t sse_count(void)
{
	pthread_mutex_lock(&lock);
	size_t n = n_streams;
	pthread_mutex_unlock(&lock);
	return n;
}

static void *heartbeat(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!is_stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += SSE_HEARTBEAT_SECONDS;
		int rc = 0;
		while (!is_stopping && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&wake, &lock, &until);
		if (is_stopping)
			break;
		resume_list rl = {0};
		for (sse_stream *s = streams; s; s = s->next) {
			enqueue(s, ": heartbeat\n\n", 13);
			collect(&rl, s);
		}
		pthread_mutex_unlock(&lock);
		resume_all(&rl);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void sse_start(void)
{
	pthread_mutex_lock(&lock);
	is_stopping = false;
	bool start = !has_heartbeat;
	has_heartbeat = true;
	pthread_mutex_unlock(&lock);
	if (start && pthread_create(&heartbeat_thread, NULL, heartbeat, NULL)) {
		log_error("cannot start the event-stream heartbeat");
		pthread_mutex_lock(&lock);
		has_heartbeat = false;
		pthread_mutex_unlock(&lock);
	}
}

void sse_shutdown(void)
{
	resume_list rl = {0};
	pthread_mutex_lock(&lock);
	is_stopping = true;
	for (sse_stream *s = streams; s; s = s->next) {
		s->is_closed = true;
		collect(&rl, s);
	}
	bool join = has_heartbeat;
	has_heartbeat = false;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	if (join)
		pthread_join(heartbeat_thread, NULL);
}
