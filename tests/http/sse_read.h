/* sse_read.h: the HTTP suite's event-stream reader. A stream stays open
 * (libcurl multi) while the test does other requests; the test then waits
 * for an event it expects, with a generous timeout that only guards
 * against waiting forever (never a speed check).
 *
 *     sse_stream *s = sse_open(peer, &classmate, "/api/v1/runs/7/events", NULL);
 *     sse_wait_open(s, 30000);           // 200, text/event-stream, first bytes
 *     ... PUT feedback somewhere ...
 *     sse_event ev;
 *     if (!sse_wait_event(s, "feedback", "nonce-1", 30000, &ev)) fail_msg(...);
 *     ... check ev.data (JSON) ...
 *     sse_close(s); */
#ifndef CITKIT_HTTP_SSE_READ_H
#define CITKIT_HTTP_SSE_READ_H

#include <stdbool.h>

#include "harness.h"

typedef struct sse_stream sse_stream;

/* One parsed event (strings owned by the stream, valid until sse_close). */
typedef struct sse_event {
	const char *id;    /* "" when the event had no id: line */
	const char *event; /* "" for a plain message */
	const char *data;  /* the data: lines joined by "\n" */
} sse_event;

/* Opens GET base + path with the agent's bearer token or cookies (and a
 * Last-Event-ID header when last_id is not NULL). Fails the test when
 * libcurl cannot start it. */
sse_stream *sse_open(const char *base, const agent *a, const char *path, const char *last_id);
/* Waits until the response has its headers and its first body bytes.
 * Fails the test on a status other than 200, a content type other than
 * text/event-stream, or nothing within timeout_ms. */
void sse_wait_open(sse_stream *s, long timeout_ms);
/* Reads until an event of kind `event` whose data contains `needle`
 * (NULL: any) has arrived, or timeout_ms passes, or the stream ends.
 * Events already received count. True with *out filled when found. */
bool sse_wait_event(sse_stream *s, const char *event, const char *needle, long timeout_ms,
                    sse_event *out);
/* Reads until the event with id `id` has arrived, as sse_wait_event (for
 * a test that wants every event up to a known one). */
bool sse_wait_id(sse_stream *s, const char *id, long timeout_ms, sse_event *out);
/* Reads until the server ends the stream (a complete response), or
 * timeout_ms passes; true when it ended that way. */
bool sse_wait_end(sse_stream *s, long timeout_ms);
/* Every event received so far, in order. */
size_t sse_events(sse_stream *s, const sse_event **events);
/* The raw text received (for failure messages). */
const char *sse_raw(const sse_stream *s);
void sse_close(sse_stream *s);

#endif
