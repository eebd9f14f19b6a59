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
 * What a stream has yet to send is a queue of ranges of shared chunks:
 * an event is formatted once, into one chunk, and every stream on its
 * channel holds a reference to its part of it; nothing is copied per
 * stream until libmicrohttpd asks for the bytes. Two thousand debrief
 * screens behind by a few events then cost the events once, not two
 * thousand times.
 *
 * Credentials: each stream keeps the session or API token (and the
 * user, roles and organization) of the request that opened it. Ending a
 * credential in this process ends its streams at once (sse_end_session
 * and the others, which the auth services call through hooks set at
 * start-up): their unsent bytes are dropped and the reader answers end of
 * stream. Other processes, and time limits, are caught by the heartbeat
 * thread: at each beat it collects the distinct credentials of the open
 * streams under the mutex, releases it, checks them all through the
 * recheck hook (a few batched queries on its own database connection,
 * never on libmicrohttpd's threads, never under the mutex), then takes
 * the mutex again and ends the streams whose credential no longer holds
 * or whose user's roles or organization changed (the client reconnects
 * and is authorized afresh). A check that fails (the database is away)
 * ends nothing; the next beat checks again.
 *
 * Locking: one mutex guards the stream list, every stream's queue (and
 * the reference counts of the chunks in them) and last id, the wake list
 * and the source table. The reader suspends while
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
	SSE_KEEP_SEGS = 8,         /* a drained queue with more room than this is freed */
	SSE_MAX_SOURCES = 16,
	SSE_MAX_WAKES = 256, /* distinct channels waiting; more wake everything */
};

/* Bytes to send, shared by the streams that send them; counted under the
 * lock. A static chunk (the retry hint, the heartbeat) is never counted
 * nor freed. */
typedef struct sse_chunk {
	size_t refs;
	bool is_static;
	size_t len;
	const char *data;
} sse_chunk;

/* A range of a chunk still to send. */
typedef struct sse_seg {
	sse_chunk *chunk;
	size_t start, end;
} sse_seg;

#define STATIC_CHUNK(text)                                                                         \
	{                                                                                          \
		.is_static = true, .len = sizeof text - 1, .data = text                            \
	}
static sse_chunk retry_chunk = STATIC_CHUNK("retry: 3000\n\n");
static sse_chunk heartbeat_chunk = STATIC_CHUNK(": heartbeat\n\n");

struct sse_stream {
	char channel[SSE_MAX_CHANNEL];
	struct MHD_Connection *conn;
	sse_seg *segs; /* segs[head .. n_segs) are not yet handed over */
	size_t head, n_segs, cap_segs;
	size_t queued;   /* their bytes */
	int64_t last_id; /* sourced: the last event id given to this stream */
	/* Who opened it (user_id 0: nobody signed in, never checked). */
	int64_t user_id, org_id, session_id, token_id;
	unsigned roles;
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
static int heartbeat_seconds = SSE_HEARTBEAT_SECONDS;
static sse_recheck_fn recheck_hook;
static pthread_t heartbeat_thread, dispatch_thread;

static struct {
	char prefix[SSE_MAX_CHANNEL];
	sse_source_fn fn;
} sources[SSE_MAX_SOURCES];
static size_t n_sources;

static wake wakes[SSE_MAX_WAKES];
static size_t n_wakes;
static bool wake_everything;
/* A source failed (or a chunk could not be had): every channel is read
 * again at retry_at, a second after the first failure, whatever else the
 * dispatcher is busy with meanwhile. */
enum { READ_RETRY_SECONDS = 1 };
static bool has_failed_read;
static struct timespec retry_at;
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

int sse_batch_range(const sse_batch *b, int64_t *last_id, size_t *start, size_t *end)
{
	*start = *end = 0;
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
	*start = first->off;
	*end = last->off + last->len;
	*last_id = last->seq;
	return (int)(b->n - lo);
}

int sse_batch_deliver(const sse_batch *b, int64_t *last_id, buf *out)
{
	size_t start, end;
	int n = sse_batch_range(b, last_id, &start, &end);
	if (n > 0)
		buf_append(out, b->text.data + start, end - start);
	return n;
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

/* A chunk holding a copy of text, not yet referenced (NULL: no memory). */
static sse_chunk *chunk_new(const char *text, size_t n)
{
	sse_chunk *c = malloc(sizeof *c + n);
	if (!c)
		return NULL;
	char *data = (char *)(c + 1);
	memcpy(data, text, n);
	*c = (sse_chunk){.len = n, .data = data};
	return c;
}

/* Under the lock: one reference fewer; frees the chunk after the last.
 * Also for a new chunk nobody took (refs 0). */
static void chunk_release(sse_chunk *c)
{
	if (!c || c->is_static)
		return;
	if (c->refs > 0)
		c->refs--;
	if (c->refs == 0)
		free(c);
}

static bool is_too_far_behind(const sse_stream *s)
{
	return s->queued > SSE_MAX_PENDING;
}

/* Under the lock (or before the stream is shared): queues chunk's bytes
 * [start, end) on s. */
static void enqueue(sse_stream *s, sse_chunk *c, size_t start, size_t end)
{
	if (s->is_closed || !c || end <= start)
		return;
	if (s->queued + (end - start) > SSE_MAX_PENDING) {
		/* A client this far behind is gone or hopeless: end it. */
		s->is_closed = true;
		return;
	}
	if (s->n_segs == s->cap_segs) {
		size_t cap = s->cap_segs ? s->cap_segs * 2 : 2;
		sse_seg *segs = realloc(s->segs, cap * sizeof *segs);
		if (!segs) {
			s->is_closed = true; /* a gap would be worse than an end */
			return;
		}
		s->segs = segs;
		s->cap_segs = cap;
	}
	if (!c->is_static)
		c->refs++;
	s->segs[s->n_segs++] = (sse_seg){.chunk = c, .start = start, .end = end};
	s->queued += end - start;
}

/* Under the lock: drops every queued range. */
static void drop_queue(sse_stream *s)
{
	for (size_t i = s->head; i < s->n_segs; i++)
		chunk_release(s->segs[i].chunk);
	free(s->segs);
	s->segs = NULL;
	s->head = s->n_segs = s->cap_segs = 0;
	s->queued = 0;
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	sse_stream *s = cls;
	ssize_t rc;
	pthread_mutex_lock(&lock);
	if (s->queued > 0) {
		size_t n = 0;
		while (n < max && s->head < s->n_segs) {
			sse_seg *g = &s->segs[s->head];
			size_t take = g->end - g->start;
			if (take > max - n)
				take = max - n;
			memcpy(out + n, g->chunk->data + g->start, take);
			g->start += take;
			n += take;
			if (g->start == g->end)
				chunk_release(s->segs[s->head++].chunk);
		}
		s->queued -= n;
		if (s->head == s->n_segs) {
			/* A replay can queue many; two thousand idle streams
			 * should not each keep the room. */
			if (s->cap_segs > SSE_KEEP_SEGS) {
				free(s->segs);
				s->segs = NULL;
				s->cap_segs = 0;
			}
			s->head = s->n_segs = 0;
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
	drop_queue(s);
	pthread_mutex_unlock(&lock);
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
	s->user_id = req->who.user_id;
	s->org_id = req->who.org_id;
	s->session_id = req->who.session_id;
	s->token_id = req->who.token_id;
	s->roles = req->who.roles;
	/* The retry hint goes first so the headers and something readable
	 * leave at once. */
	enqueue(s, &retry_chunk, 0, retry_chunk.len);
	struct MHD_Response *r =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, reader, s, stream_free);
	if (!r) {
		free(s->segs); /* the static retry chunk only */
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
	sse_chunk *c = chunk_new(msg.data, msg.len);
	pthread_mutex_lock(&lock);
	for (sse_stream *s = streams; c && s; s = s->next) {
		if (s->is_sourced || strcmp(s->channel, channel) || s->is_closed)
			continue;
		enqueue(s, c, 0, c->len);
		collect(&rl, s);
		reached++;
	}
	if (c && c->refs == 0)
		chunk_release(c);
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	buf_free(&msg);
	return reached;
}

/* Ending streams whose credential ended ------------------------------------ */

/* Under the lock: ends s now. What it had yet to send is dropped (it may
 * be events its credential no longer entitles it to); the reader then
 * answers end of stream. */
static void end_stream(resume_list *rl, sse_stream *s)
{
	s->is_closed = true;
	drop_queue(s);
	collect(rl, s);
}

typedef bool (*stream_pred)(const sse_stream *s, int64_t a, int64_t b);

static void end_where(stream_pred pred, int64_t a, int64_t b)
{
	resume_list rl = {0};
	pthread_mutex_lock(&lock);
	for (sse_stream *s = streams; s; s = s->next)
		if (s->user_id > 0 && !s->is_closed && pred(s, a, b))
			end_stream(&rl, s);
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
}

static bool of_session(const sse_stream *s, int64_t session_id, int64_t unused)
{
	(void)unused;
	return s->session_id == session_id;
}

static bool of_user_sessions(const sse_stream *s, int64_t user_id, int64_t keep_session_id)
{
	return s->user_id == user_id && s->session_id > 0 && s->session_id != keep_session_id;
}

static bool of_token(const sse_stream *s, int64_t token_id, int64_t unused)
{
	(void)unused;
	return s->token_id == token_id;
}

static bool of_user(const sse_stream *s, int64_t user_id, int64_t unused)
{
	(void)unused;
	return s->user_id == user_id;
}

void sse_end_session(int64_t session_id)
{
	if (session_id > 0)
		end_where(of_session, session_id, 0);
}

void sse_end_user_sessions(int64_t user_id, int64_t keep_session_id)
{
	if (user_id > 0)
		end_where(of_user_sessions, user_id, keep_session_id);
}

void sse_end_token(int64_t token_id)
{
	if (token_id > 0)
		end_where(of_token, token_id, 0);
}

void sse_end_user(int64_t user_id)
{
	if (user_id > 0)
		end_where(of_user, user_id, 0);
}

static int check_cmp(const void *x, const void *y)
{
	const principal_check *a = x, *b = y;
	if (a->session_id != b->session_id)
		return a->session_id < b->session_id ? -1 : 1;
	if (a->token_id != b->token_id)
		return a->token_id < b->token_id ? -1 : 1;
	return 0;
}

size_t sse_checks_dedupe(principal_check *items, size_t n)
{
	if (n == 0)
		return 0;
	qsort(items, n, sizeof *items, check_cmp);
	size_t out = 1;
	for (size_t i = 1; i < n; i++)
		if (check_cmp(&items[i], &items[out - 1]))
			items[out++] = items[i];
	return out;
}

bool sse_check_holds(const principal_check *items, size_t n, int64_t session_id, int64_t token_id,
                     int64_t user_id, int64_t org_id, unsigned roles)
{
	principal_check key = {.session_id = session_id, .token_id = token_id};
	const principal_check *c = bsearch(&key, items, n, sizeof *items, check_cmp);
	if (!c)
		return true; /* opened after the collection: checked next beat */
	return c->is_valid && c->user_id == user_id && c->org_id == org_id && c->roles == roles;
}

/* Under the lock: the credentials of the open streams, one item per
 * stream (NULL with *n = 0 when there are none or no memory: the next
 * beat tries again). */
static principal_check *collect_checks(size_t *n)
{
	*n = 0;
	if (!recheck_hook || !n_streams)
		return NULL;
	principal_check *items = malloc(n_streams * sizeof *items);
	if (!items)
		return NULL;
	size_t len = 0;
	for (sse_stream *s = streams; s; s = s->next)
		if (s->user_id > 0 && !s->is_closed)
			items[len++] =
			    (principal_check){.session_id = s->session_id, .token_id = s->token_id};
	*n = len;
	return items;
}

/* Without the lock, on the heartbeat thread: checks items (one per
 * stream) once per distinct credential, then ends the streams whose
 * credential no longer holds. */
static void recheck_streams(principal_check *items, size_t n)
{
	n = sse_checks_dedupe(items, n);
	int rc = recheck_hook(items, n);
	if (rc < 0) {
		log_warn("sse: checking the credentials of open streams failed (%d); checked again "
		         "at the next heartbeat",
		         rc);
		return;
	}
	resume_list rl = {0};
	size_t ended = 0;
	pthread_mutex_lock(&lock);
	for (sse_stream *s = streams; s; s = s->next) {
		if (s->user_id <= 0 || s->is_closed ||
		    sse_check_holds(items, n, s->session_id, s->token_id, s->user_id, s->org_id,
		                    s->roles))
			continue;
		end_stream(&rl, s);
		ended++;
	}
	pthread_mutex_unlock(&lock);
	resume_all(&rl);
	if (ended)
		log_info("sse: ended %zu event streams whose sign-in ended or changed", ended);
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

/* Under the lock. */
static void schedule_retry(void)
{
	if (has_failed_read)
		return;
	has_failed_read = true;
	clock_gettime(CLOCK_REALTIME, &retry_at);
	retry_at.tv_sec += READ_RETRY_SECONDS;
}

static bool is_retry_due(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > retry_at.tv_sec ||
	       (now.tv_sec == retry_at.tv_sec && now.tv_nsec >= retry_at.tv_nsec);
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
	char(*out)[SSE_MAX_CHANNEL] = NULL;
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
			char(*p)[SSE_MAX_CHANNEL] = realloc(out, c * sizeof *p);
			if (!p) {
				schedule_retry(); /* the rest are read a second later */
				break;
			}
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
		log_warn("sse: reading channel %s failed (%d); it is read again in a second", channel,
		         rc);

	resume_list rl = {0};
	bool again = false;
	/* The batch's text once, shared by every stream of the channel. */
	sse_chunk *c = b.n ? chunk_new(b.text.data, b.text.len) : NULL;
	pthread_mutex_lock(&lock);
	n_reads += fn != NULL;
	if (rc < 0) {
		schedule_retry();
		n_read_errors++;
	}
	for (sse_stream *s = streams; s; s = s->next) {
		if (!s->is_sourced || s->is_closed || strcmp(s->channel, channel))
			continue;
		size_t start, end;
		int64_t last_id = s->last_id;
		if (!fn) {
			s->is_closed = true;
		} else if (is_too_far_behind(s)) {
			s->is_closed = true; /* gone or hopeless */
		} else if (b.n && !c) {
			schedule_retry(); /* no memory for the chunk: read again */
			continue;
		} else if (sse_batch_range(&b, &last_id, &start, &end) < 0) {
			again = true; /* registered during the read, further back */
			continue;
		} else if (end == start) {
			continue;
		} else {
			enqueue(s, c, start, end);
			if (!s->is_closed)
				s->last_id = last_id;
		}
		collect(&rl, s);
	}
	if (c && c->refs == 0)
		chunk_release(c);
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
		if (has_failed_read && is_retry_due()) {
			has_failed_read = false;
			wake_everything = true;
		}
		if (!n_wakes && !wake_everything) {
			if (has_failed_read)
				pthread_cond_timedwait(&dispatch_cond, &lock, &retry_at);
			else
				pthread_cond_wait(&dispatch_cond, &lock);
			continue;
		}
		size_t n;
		char(*channels)[SSE_MAX_CHANNEL] = take_woken(&n);
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
		until.tv_sec += heartbeat_seconds;
		int rc = 0;
		while (!is_stopping && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&heartbeat_cond, &lock, &until);
		if (is_stopping)
			break;
		resume_list rl = {0};
		for (sse_stream *s = streams; s; s = s->next) {
			enqueue(s, &heartbeat_chunk, 0, heartbeat_chunk.len);
			collect(&rl, s);
		}
		size_t n_checks;
		principal_check *checks = collect_checks(&n_checks);
		pthread_mutex_unlock(&lock);
		resume_all(&rl);
		if (n_checks)
			recheck_streams(checks, n_checks);
		free(checks);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void sse_start(sse_recheck_fn recheck, int heartbeat_every)
{
	pthread_mutex_lock(&lock);
	bool start = !is_running;
	is_stopping = false;
	is_running = true;
	if (start) {
		recheck_hook = recheck;
		heartbeat_seconds = heartbeat_every > 0 ? heartbeat_every : SSE_HEARTBEAT_SECONDS;
	}
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
