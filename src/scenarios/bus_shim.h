/* bus_shim.h: the event bus API (web/sse.h, db_notify in db.h) until it
 * lands on main; removed then. */
#ifndef CITKIT_BUS_SHIM_H
#define CITKIT_BUS_SHIM_H
#include <stdint.h>

#include "../db/db.h"
#include "../web/http.h"

typedef void (*sse_emit_fn)(void *emit_ctx, int64_t seq, const char *event, const char *data);
typedef int (*sse_source_fn)(const char *channel, int64_t after, sse_emit_fn emit,
                             void *emit_ctx);
void sse_source_register(const char *prefix, sse_source_fn fn);
void sse_begin_from(request *req, const char *channel, int64_t after);
int64_t sse_last_event_id(request *req);
void sse_changed(const char *channel);
int db_notify(db *d, const char *channel);
#endif
