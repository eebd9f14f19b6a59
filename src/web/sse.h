/* sse.h: server-sent events: the live event bus of one process.
 *
 * Two kinds of stream. A sourced stream (sse_begin_from) belongs to a
 * channel whose events are stored, numbered 1, 2, 3 … by the writer; a
 * source registered for the channel's prefix reads them back. Writers
 * store an event, commit, and call sse_changed(channel). One dispatcher
 * thread then reads the channel once, from the lowest last id of its open
 * streams, and hands every stream only the events after its own last id,
 * each with an "id: N" line. A browser that reconnects sends the last id
 * it saw (Last-Event-ID) and gets every later event, then live ones: in
 * order, no gap, no duplicate, even when it connects while events are
 * being written (a new stream is caught up by the dispatcher as soon as
 * it is registered, and any event committed after that read comes with
 * its own sse_changed).
 *
 *     // at start-up, by the feature that stores the events
 *     sse_source_register("run:", run_events_source);
 *
 *     // GET /api/v1/runs/{id}/events
 *     int run_events(request *req) {
 *             ... check the caller may see run id ...
 *             sse_begin_from(req, arena_printf(req->arena, "run:%lld", id),
 *                            sse_last_event_id(req));
 *             return 0;
 *     }
 *
 *     // the writer: inside its transaction, store the event and
 *     db_notify(d, "run:42");          // other processes (PostgreSQL)
 *     // after the commit:
 *     sse_changed("run:42");           // this process; wakes "run:42:anon" too
 *
 * Across processes: with PostgreSQL, db_notify (db.h) sends the channel
 * name with NOTIFY at commit; `citkit serve` runs a listener (db_listen_start)
 * whose callback calls sse_changed, or sse_changed_all after it lost and
 * regained its connection. With SQLite there is one process and db_notify
 * does nothing.
 *
 * A plain stream (sse_begin) has no stored events: sse_publish sends to
 * whoever is connected now, without ids.
 *
 * Connections waiting for events are suspended, so they hold no worker
 * thread; a comment every SSE_HEARTBEAT_SECONDS keeps proxies from closing
 * idle streams and finds clients that went away. */
#ifndef CITKIT_SSE_H
#define CITKIT_SSE_H

#include <stdint.h>

#include "http.h"

enum { SSE_MAX_CHANNEL = 128, SSE_HEARTBEAT_SECONDS = 15 };

/* How a source hands over one stored event: its id (> after, increasing
 * from call to call), its event name (NULL: a plain message) and its
 * data (NUL-terminated; line breaks become several data: lines). The bus
 * copies what it needs before emit returns. */
typedef void (*sse_emit_fn)(void *emit_ctx, int64_t seq, const char *event, const char *data);

/* Emits, in increasing seq, every stored event of channel with
 * seq > after, by calling emit(emit_ctx, …). Runs on the dispatcher thread:
 * read the database through db_thread() (that thread's own connection).
 * Returns 0, or a negative CK_E_ code (logged; the channel is read again
 * a second later). Events emitted before an error are delivered. */
typedef int (*sse_source_fn)(const char *channel, int64_t after, sse_emit_fn emit,
                             void *emit_ctx);

/* Channels that start with prefix ("run:") are read by fn. Call at
 * start-up, before the server starts; a later registration of the same
 * prefix replaces the earlier one, and the longest matching prefix wins.
 * At most 16 prefixes. */
void sse_source_register(const char *prefix, sse_source_fn fn);

/* Marks req's response as a sourced event stream on channel (at most
 * SSE_MAX_CHANNEL - 1 bytes; longer names are cut) that starts with the
 * events after id after (0: the whole history). Status 200. A channel
 * with no registered source ends at once. */
void sse_begin_from(request *req, const char *channel, int64_t after);

/* Where a (re)connecting client wants to resume: the Last-Event-ID
 * header, else the ?after= query parameter, when it is a decimal number
 * 0 … 2^63-1 with no sign or spaces; otherwise 0. */
int64_t sse_last_event_id(request *req);

/* Wakes channel and every channel named channel + ":…" ("run:42" wakes
 * "run:42" and "run:42:anon", not "run:420"): the dispatcher reads them
 * again soon. Cheap, safe from any thread, never blocks on I/O. */
void sse_changed(const char *channel);
/* Wakes every channel with an open sourced stream (after the cross-process
 * listener reconnected: notifications may have been missed). */
void sse_changed_all(void);

/* Marks req's response as a plain (unsourced) event stream on channel. */
void sse_begin(request *req, const char *channel);

/* Sends "event: <event>\ndata: <data>\n\n" (data split into one data:
 * line per line) to every plain stream on channel. event may be NULL (a
 * plain message). Safe from any thread; returns the number of streams
 * reached. */
size_t sse_publish(const char *channel, const char *event, const char *data);

/* A stream outlives no credential. Each keeps the session or API token
 * of the request that opened it; these end, at once, the streams opened
 * with a credential that has just ended in this process (the auth
 * services call them through the hooks `citkit serve` sets, auth.h).
 * Their unsent events are dropped and the stream ends; the browser's
 * reconnect is then refused or, after a change of roles, authorized
 * afresh. Other processes' ends and the time limits are caught at the
 * next heartbeat (web_options.recheck_credentials). */
/* Streams opened with that session. */
void sse_end_session(int64_t session_id);
/* Streams opened with any session of user_id but keep_session_id (0:
 * every session); the user's API-token streams stay. */
void sse_end_user_sessions(int64_t user_id, int64_t keep_session_id);
/* Streams opened with that API token. */
void sse_end_token(int64_t token_id);
/* Every stream of user_id: disabled, locked, or roles or organization
 * changed. */
void sse_end_user(int64_t user_id);

/* Streams open now, plain and sourced (tests, /metrics). */
size_t sse_count(void);

#endif
