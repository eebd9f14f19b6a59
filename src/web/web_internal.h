/* web_internal.h: what the files of src/web/ share among themselves and
 * no feature should call: route matching, the middleware entry point,
 * final headers, metrics recording and the server's own state. */
#ifndef CITKIT_WEB_INTERNAL_H
#define CITKIT_WEB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "server.h"

/* router.c */
/* Matches path against pattern ("/users/{id}", "/feeds/{id}.ics"); on a
 * match fills params (arena copies, at most MAX_PATH_PARAMS). Pure. */
bool route_pattern_match(arena *a, const char *pattern, const char *path, const char **params,
                         size_t *n_params);

typedef struct route_match {
	const route *route;
	const char *params[MAX_PATH_PARAMS];
	size_t n_params;
	char allow[96]; /* "GET, HEAD, POST, OPTIONS" for 405 / OPTIONS */
} route_match;

/* 0 with m->route set; CK_E_NOT_FOUND; or CK_E_METHOD with m->allow set
 * (the path exists under other methods). HEAD finds GET routes. */
int router_find(arena *a, const char *method, const char *path, route_match *m);
/* Start-up check of every registered table: 0 or CK_E_INVALID with err
 * naming the first bad route. */
int router_check(char *err, size_t errlen);
/* Runs the middleware and the handler. input_error is a problem found
 * while reading the body (CK_E_MALFORMED, CK_E_UNSUPPORTED, 0), answered
 * once the route is known. */
void router_dispatch(request *req, const web_options *opt, int input_error);

/* response.c: the security headers every response carries, and the
 * defaults (Cache-Control, Content-Type) a handler did not set. */
void resp_finalize(request *req);
/* True when the response already has a header of that name. */
bool resp_has_header(const request *req, const char *name);

/* metrics.c */
void metrics_init(void);
void metrics_observe(const char *route_pattern, const char *method, int status,
                     int64_t duration_us);

/* assets.c: computes ETags once; 0 or CK_E_INTERNAL. */
int assets_init(void);

/* sse.c */
typedef struct sse_stream sse_stream;
/* Called by server.c after a handler marked its response as SSE: builds
 * the libmicrohttpd response that streams the channel. */
struct MHD_Response;
struct MHD_Response *sse_response(request *req);
/* Starts/stops the heartbeat and closes every stream (server stop).
 * recheck (web_options.recheck_credentials, may be NULL) is called from
 * the heartbeat thread every heartbeat_seconds (0: SSE_HEARTBEAT_SECONDS). */
typedef int (*sse_recheck_fn)(principal_check *items, size_t n);
void sse_start(sse_recheck_fn recheck, int heartbeat_seconds);
void sse_shutdown(void);

/* For /metrics. */
typedef struct sse_stats {
	size_t streams;       /* open now, plain and sourced */
	uint64_t reads;       /* source calls by the dispatcher */
	uint64_t read_errors; /* … that returned an error */
} sse_stats;
sse_stats sse_get_stats(void);

/* The dispatcher's pure part, tested on its own (tests/unit/test_sse.c). */
/* True when waking woken wakes channel: the same name, or channel is
 * woken + ":" + more. */
bool sse_channel_matches(const char *woken, const char *channel);
/* The events one source read returned, formatted once for every stream. */
typedef struct sse_batch_item {
	int64_t seq;
	size_t off, len; /* the formatted event in text */
} sse_batch_item;
typedef struct sse_batch {
	int64_t from; /* the read asked for seq > from */
	buf text;
	sse_batch_item *items;
	size_t n, cap;
} sse_batch;
void sse_batch_init(sse_batch *b, int64_t from);
/* Formats and keeps the event when seq is above from and above the last
 * one kept (a source that goes backwards or repeats is ignored there). */
void sse_batch_add(sse_batch *b, int64_t seq, const char *event, const char *data);
void sse_batch_free(sse_batch *b);
/* Appends to out the batch's events with seq > *last_id, in order, and
 * moves *last_id to the last one appended; returns how many. Returns -1
 * and appends nothing when *last_id < b->from: the stream wants events
 * the read did not ask for (it connected during the read), and must wait
 * for another read rather than skip them. */
int sse_batch_deliver(const sse_batch *b, int64_t *last_id, buf *out);
/* The same without the copy: the events' bytes are b->text[*start, *end)
 * (an empty range when there are none). */
int sse_batch_range(const sse_batch *b, int64_t *last_id, size_t *start, size_t *end);
/* The heartbeat's credential check, its pure part: sorts items by
 * credential and keeps one of each; returns how many are left. */
size_t sse_checks_dedupe(principal_check *items, size_t n);
/* Whether a stream opened with that session or token, by that user with
 * those roles in that organization, may go on, given the checked items
 * (deduplicated): no when its credential is no longer valid or the user's
 * roles or organization changed; yes when it is not among them (the
 * stream opened after they were collected). */
bool sse_check_holds(const principal_check *items, size_t n, int64_t session_id, int64_t token_id,
                     int64_t user_id, int64_t org_id, unsigned roles);
/* Formats one event ("id: N" when id > 0, "event: " when event is set,
 * one "data: " line per line of data; CR and LF cut out of names). */
void sse_format_event(buf *out, int64_t id, const char *event, const char *data);

/* server.c */
const char *web_program_name(const request *req);
const web_options *web_request_options(const request *req);

#endif
