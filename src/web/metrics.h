/* metrics.h: GET /metrics in the Prometheus text format (0.0.4). */
#ifndef CITKIT_METRICS_H
#define CITKIT_METRICS_H

#include "http.h"

/* GET /metrics */
int metrics_handle(request *req);
/* Writes every metric into b (the handler's body; tests read it). */
void metrics_write(buf *b, int64_t active_sessions, bool has_sessions);

#endif
