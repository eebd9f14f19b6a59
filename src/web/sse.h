/* sse.h: server-sent events. A handler turns its response into an event
 * stream on a named channel; any thread may then publish to that channel
 * and every open stream on it receives the event. Connections waiting
 * for events are suspended, so they hold no worker thread.
 *
 *     // GET /api/v1/runs/{id}/events
 *     int run_events(request *req) {
 *             ... check the caller may see run id ...
 *             sse_begin(req, arena_printf(req->arena, "run:%lld", id));
 *             return 0;
 *     }
 *     ... elsewhere, after a change is committed:
 *     sse_publish("run:42", "feedback", json_text);
 */
#ifndef CITKIT_SSE_H
#define CITKIT_SSE_H

#include "http.h"

enum { SSE_MAX_CHANNEL = 128, SSE_HEARTBEAT_SECONDS = 15 };

/* Marks req's response as a text/event-stream on channel (at most
 * SSE_MAX_CHANNEL - 1 bytes; longer names are cut). Status 200. */
void sse_begin(request *req, const char *channel);

/* Sends "event: <event>\ndata: <data>\n\n" (data split into one data:
 * line per line) to every stream on channel. event may be NULL (a plain
 * message). Safe from any thread; returns the number of streams reached. */
size_t sse_publish(const char *channel, const char *event, const char *data);

/* Streams open now (tests, metrics). */
size_t sse_count(void);

#endif
