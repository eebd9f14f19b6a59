/* sse.c: server-sent event streams over libmicrohttpd, and the dispatcher
 * that feeds sourced streams from stored events.
 *
 * The response is produced by a content-reader callback. When a stream
 * has nothing to send, the reader suspends its connection (libmicrohttpd's
 * pattern for "no data yet") and returns 0; whoever appends to the
 * stream's buffer resumes it. libmicrohttpd does not count a suspended
 * connection's idle time against its timeout, and the heartbeat (every
 * SSE_HEARTBEAT_SECONDS, well under the server's connection timeout)
 * resumes every stream with a comment, so a live client is never timed
 * out while a dead one (its socket no longer drains) is.
 *
 * Sourced streams: sse_changed puts a channel name on the wake list; the
 * dispatcher thread takes the list, finds the channels of open sourced
 * streams it wakes, and for each channel calls its source once from the
 * lowest last id among the channel's streams (sse_batch), then gives each
 * stream the events after its own last id (sse_batch_deliver). A stream
 * registered during the read with a lower last id than the read started
 * from gets nothing from that batch and its channel is read again; one
 * registered with a higher id takes only what it lacks. Each stream's
 * last id only moves forward, so nothing is sent twice.
 *
 * Locking: one mutex guards the stream list, every stream's buffer and
 * last id, the wake list and the source table. The reader suspends while
 * holding it, so nobody can resume a connection before it is suspended (a
 * lost wake-up); resumes happen after the mutex is released. Sources run
 * without it. Streams are heap-allocated, not in the request arena:
 * libmicrohttpd may free the response after the request's completion
 * callback has already released the arena. */
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

enum {
	SSE_MAX_PENDING = 1 << 20, /* unsent bytes before a stream is given up */
	SSE_BLOCK = 4 * 1024,      /* libmicrohttpd's buffer per stream */
	SSE_KEEP_BUFFER = 1024,     /* a drained buffer larger than this is freed */
	SSE_MAX_SOURCES = 16,
	SSE_MAX_WAKES = 256, /* distinct channels waiting; more wake everything */
};

struct sse_stream {
	char channel[SSE_MAX_CHANNEL];
	struct MHD_Connection *conn;
	buf pending;     /* heap buffer: bytes not yet handed over */
	size_t off;      /* how much of pending has been sent */
	int64_t last_id; /* sourced: the last event id given to this stream */
	bool is_sourced;
	bool is_suspended;
	bool is_closed;
	sse_stream *prev, *next;
};

typedef struct wake {
	char channel[SSE_MAX_CHANNEL];
	bool is_exact; /* a new stream's catch-up: only this very channel */
} wake;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t heartbeat_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t dispatch_cond = PTHREAD_COND_INITIALIZER;
static sse_stream *streams;
static size_t n_streams;
static bool is_stopping;
static bool is_running;
static pthread_t heartbeat_thread, dispatch_thread;

static struct {
	char prefix[SSE_MAX_CHANNEL];
	sse_source_fn fn;
} sources[SSE_MAX_SOURCES];
static size_t n_sources;

static wake wakes[SSE_MAX_WAKES];
static size_t n_wakes;
static bool wake_everything;
static bool has_failed_read; /* a source failed: read everything again later */
static uint64_t n_reads, n_read_errors;

/* The pure part ------------------------------------------------------- */

bool sse_channel_matches(const char *woken, const char *channel)
{
	size_t n = strlen(woken);
	return !strncmp(woken, channel, n) && (channel[n] == '\0' || channel[n] == ':');
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

void sse_format_event(buf *out, int64_t id, const char *event, const char *data)
{
	if (id > 0)
		buf_printf(out, "id: %lld\n", (long long)id);
	if (event)
		field_line(out, "event: ", event, strlen(event));
	const char *p = data ? data : "";
	for (;;) {
		size_t n = strcspn(p, "\r\n");
		field_line(out, "data: ", p, n);
		if (!p[n])
			break;
		p += n + (p[n] == '\r' && p[n + 1] == '\n' ? 2 : 1);
	}
	buf_putc(out, '\n');
}

void sse_batch_init(sse_batch *b, int64_t from)
{
	*b = (sse_batch){.from = from};
	buf_init(&b->text, NULL);
}

void sse_batch_add(sse_batch *b, int64_t seq, const char *event, const char *data)
{
	int64_t last = b->n ? b->items[b->n - 1].seq : b->from;
	if (seq <= last)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		sse_batch_item *items = realloc(b->items, cap * sizeof *items);
		if (!items) {
			/* Keep what fits; the rest comes with the next read. */
			return;
		}
		b->items = items;
		b->cap = cap;
	}
	size_t off = b->text.len;
	sse_format_event(&b->text, seq, event, data);
	b->items[b->n++] = (sse_batch_item){.seq = seq, .off = off, .len = b->text.len - off};
}

void sse_batch_free(sse_batch *b)
{
	buf_free(&b->text);
	free(b->items);
	*b = (sse_batch){0};
}

int sse_batch_deliver(const sse_batch *b, int64_t *last_id, buf *out)
{
	if (*last_id < b->from)
		return -1;
	/* The first event after last_id; items are in increasing seq. */
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->items[mid].seq <= *last_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->n)
		return 0;
	const sse_batch_item *first = &b->items[lo], *last = &b->items[b->n - 1];
	buf_append(out, b->text.data + first->off, last->off + last->len - first->off);
	*last_id = last->seq;
	return (int)(b->n - lo);
}

/* Connections ------------------------------------------------------------ */

/* Conn handles collected under the lock, resumed after it is released. */
typedef struct resume_list {
	struct MHD_Connection **items;
	size_t len, cap;
} resume_list;

static void collect(resume_list *rl, sse_stream *s)
{
	if (!s->is_suspended)
		return;
	if (rl->len == rl->cap) {
		size_t cap = rl->cap ? rl->cap * 2 : 16;
		struct MHD_Connection **items = realloc(rl->items, cap * sizeof *items);
		if (!items)
			return; /* left suspended; the next heartbeat retries */
		rl->items = items;
		rl->cap = cap;
	}
	s->is_suspended = false;
	rl->items[rl->len++] = s->conn;
}

static void resume_all(resume_list *rl)
{
	for (size_t i = 0; i < rl->len; i++)
		MHD_resume_connection(rl->items[i]);
	free(rl->items);
	*rl = (resume_list){0};
}

static bool is_too_far_behind(const sse_stream *s)
{
	return s->pending.len - s->off > SSE_MAX_PENDING;
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
			/* A replay can be large; two thousand idle streams
			 * should not each keep its buffer. */
			if (s->pending.cap > SSE_KEEP_BUFFER)
				buf_free(&s->pending);
			else
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

/* Under the lock. */
static void add_wake(const char *channel, bool is_exact)
{
	for (size_t i = 0; i < n_wakes; i++)
		if (wakes[i].is_exact == is_exact && !strcmp(wakes[i].channel, channel))
			return;
	if (n_wakes == SSE_MAX_WAKES) {
		wake_everything = true;
		n_wakes = 0;
	} else {
		wake *w = &wakes[n_wakes++];
		snprintf(w->channel, sizeof w->channel, "%s", channel);
		w->is_exact = is_exact;
	}
	pthread_cond_signal(&dispatch_cond);
}

void sse_begin(request *req, const char *channel)
{
	req->resp.status = 200;
	req->resp.content_type = "text/event-stream; charset=utf-8";
	req->resp.is_sse = true;
	req->resp.sse_is_sourced = false;
	req->resp.sse_channel = arena_strdup(req->arena, channel);
	resp_header(req, "X-Accel-Buffering", "no");
}

void sse_begin_from(request *req, const char *channel, int64_t after)
{
	sse_begin(req, channel);
	req->resp.sse_is_sourced = true;
	req->resp.sse_after = after > 0 ? after : 0;
}

/* A decimal 0 … INT64_MAX, nothing else. */
static bool parse_event_id(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		int d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int64_t sse_last_event_id(request *req)
{
	int64_t id;
	if (parse_event_id(request_header(req, "Last-Event-ID"), &id))
		return id;
	if (parse_event_id(kv_get(&req->query, "after"), &id))
		return id;
	return 0;
}

struct MHD_Response *sse_response(request *req)
{
	sse_stream *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	snprintf(s->channel, sizeof s->channel, "%s",
	         req->resp.sse_channel ? req->resp.sse_channel : "");
	s->conn = req->conn;
	s->is_sourced = req->resp.sse_is_sourced;
	s->last_id = req->resp.sse_after;
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
	/* Caught up by the dispatcher right away: from here on, any event
	 * committed later brings its own wake. */
	if (s->is_sourced)
		add_wake(s->channel, true);
	pthread_mutex_unlock(&lock);
	return r;
}

size_t sse_publish(const char *channel, const char *event, const char *data)
{
	buf msg;
	buf_init(&msg, NULL);
	sse_format_event(&msg, 0, event, data);
	size_t reached = 0;
	resume_list rl = {0};
	pthread_mutex_lock(&lock);
	for (sse_stream *s = streams; s; s = s->next) {
		if (s->is_sourced || strcmp(s->channel, channel) || s->is_closed)
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

sse_stats sse_get_stats(void)
{
	pthread_mutex_lock(&lock);
	sse_stats st = {.streams = n_streams, .reads = n_reads, .read_errors = n_read_errors};
	pthread_mutex_unlock(&lock);
	return st;
}

/* Sources and the dispatcher -------------------------------------------- */

void sse_source_register(const char *prefix, sse_source_fn fn)
{
	pthread_mutex_lock(&lock);
	size_t i = 0;
	while (i < n_sources && strcmp(sources[i].prefix, prefix))
		i++;
	if (i == n_sources) {
		if (n_sources == SSE_MAX_SOURCES) {
			pthread_mutex_unlock(&lock);
			log_error("sse: too many event sources, %s not registered", prefix);
			return;
		}
		n_sources++;
		snprintf(sources[i].prefix, sizeof sources[i].prefix, "%s", prefix);
	}
	sources[i].fn = fn;
	pthread_mutex_unlock(&lock);
}

/* Under the lock: the source with the longest prefix of channel. */
static sse_source_fn find_source(const char *channel)
{
	sse_source_fn fn = NULL;
	size_t best = 0;
	for (size_t i = 0; i < n_sources; i++) {
		size_t n = strlen(sources[i].prefix);
		if (n >= best && !strncmp(sources[i].prefix, channel, n) && sources[i].fn) {
			fn = sources[i].fn;
			best = n;
		}
	}
	return fn;
}

void sse_changed(const char *channel)
{
	if (!channel)
		return;
	pthread_mutex_lock(&lock);
	add_wake(channel, false);
	pthread_mutex_unlock(&lock);
}

void sse_changed_all(void)
{
	pthread_mutex_lock(&lock);
	wake_everything = true;
	n_wakes = 0;
	pthread_cond_signal(&dispatch_cond);
	pthread_mutex_unlock(&lock);
}

static bool is_woken(const sse_stream *s, bool everything)
{
	if (!s->is_sourced || s->is_closed)
		return false;
	if (everything)
		return true;
	for (size_t i = 0; i < n_wakes; i++)
		if (wakes[i].is_exact ? !strcmp(wakes[i].channel, s->channel)
		                      : sse_channel_matches(wakes[i].channel, s->channel))
			return true;
	return false;
}

/* Under the lock: the distinct channels the wake list wakes, which it
 * then empties. *n = 0 when none. */
static char (*take_woken(size_t *n))[SSE_MAX_CHANNEL]
{
	char (*out)[SSE_MAX_CHANNEL] = NULL;
	size_t len = 0, cap = 0;
	bool everything = wake_everything;
	for (sse_stream *s = streams; s; s = s->next) {
		if (!is_woken(s, everything))
			continue;
		bool seen = false;
		for (size_t i = 0; i < len && !seen; i++)
			seen = !strcmp(out[i], s->channel);
		if (seen)
			continue;
		if (len == cap) {
			size_t c = cap ? cap * 2 : 8;
			char (*p)[SSE_MAX_CHANNEL] = realloc(out, c * sizeof *p);
			if (!p)
				break; /* the rest wait for the heartbeat's retry */
			out = p;
			cap = c;
		}
		memcpy(out[len++], s->channel, SSE_MAX_CHANNEL);
	}
	n_wakes = 0;
	wake_everything = false;
	*n = len;
	return out;
}

static void batch_emit(void *ctx, int64_t seq, const char *event, const char *data)
{
	sse_batch_add(ctx, seq, event, data);
}

/* Reads channel once and hands each of its streams what it lacks. Called
 * without the lock. */
static void dispatch(const char *channel)
{
	pthread_mutex_lock(&lock);
	bool any = false;
	int64_t from = INT64_MAX;
	for (sse_stream *s = streams; s; s = s->next)
		if (s->is_sourced && !s->is_closed && !strcmp(s->channel, channel)) {
			any = true;
			if (s->last_id < from)
				from = s->last_id;
		}
	sse_source_fn fn = find_source(channel);
	pthread_mutex_unlock(&lock);
	if (!any)
		return;
	sse_batch b;
	sse_batch_init(&b, from);
	int rc = 0;
	if (!fn)
		log_warn("sse: no event source for channel %s; its streams end", channel);
	else
		rc = fn(channel, from, batch_emit, &b);
	if (rc < 0)
		log_warn("sse: reading channel %s failed (%d); it is read again later", channel, rc);

	resume_list rl = {0};
	bool again = false;
	pthread_mutex_lock(&lock);
	n_reads += fn != NULL;
	if (rc < 0) {
		has_failed_read = true;
		n_read_errors++;
	}
	for (sse_stream *s = streams; s; s = s->next) {
		if (!s->is_sourced || s->is_closed || strcmp(s->channel, channel))
			continue;
		if (!fn) {
			s->is_closed = true;
		} else if (is_too_far_behind(s)) {
			s->is_closed = true; /* gone or hopeless */
		} else if (sse_batch_deliver(&b, &s->last_id, &s->pending) < 0) {
			again = true; /* registered during the read, further back */
			continue;
		} else if (s->pending.len == s->off) {
			continue;
		}
		collect(&rl, s);
	}
	if (again)
		add_wake(channel, true);
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	sse_batch_free(&b);
}

static void *dispatcher(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!is_stopping) {
		if (!n_wakes && !wake_everything) {
			pthread_cond_wait(&dispatch_cond, &lock);
			continue;
		}
		size_t n;
		char (*channels)[SSE_MAX_CHANNEL] = take_woken(&n);
		pthread_mutex_unlock(&lock);
		for (size_t i = 0; i < n; i++)
			dispatch(channels[i]);
		free(channels);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
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
			rc = pthread_cond_timedwait(&heartbeat_cond, &lock, &until);
		if (is_stopping)
			break;
		resume_list rl = {0};
		for (sse_stream *s = streams; s; s = s->next) {
			enqueue(s, ": heartbeat\n\n", 13);
			collect(&rl, s);
		}
		if (has_failed_read) {
			has_failed_read = false;
			wake_everything = true;
			pthread_cond_signal(&dispatch_cond);
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
	bool start = !is_running;
	is_stopping = false;
	is_running = true;
	pthread_mutex_unlock(&lock);
	if (!start)
		return;
	if (pthread_create(&heartbeat_thread, NULL, heartbeat, NULL)) {
		log_error("cannot start the event-stream heartbeat");
		goto fail;
	}
	if (pthread_create(&dispatch_thread, NULL, dispatcher, NULL)) {
		log_error("cannot start the event-stream dispatcher");
		pthread_mutex_lock(&lock);
		is_stopping = true;
		pthread_cond_broadcast(&heartbeat_cond);
		pthread_mutex_unlock(&lock);
		pthread_join(heartbeat_thread, NULL);
		goto fail;
	}
	return;
fail:
	pthread_mutex_lock(&lock);
	is_running = false;
	pthread_mutex_unlock(&lock);
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
	bool join = is_running;
	is_running = false;
	pthread_cond_broadcast(&heartbeat_cond);
	pthread_cond_broadcast(&dispatch_cond);
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	if (join) {
		pthread_join(heartbeat_thread, NULL);
		pthread_join(dispatch_thread, NULL);
	}
}
