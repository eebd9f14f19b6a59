/* health.h: GET /healthz. */
#ifndef CITKIT_HEALTH_H
#define CITKIT_HEALTH_H

#include "http.h"

/* GET /healthz: {"status":"ok"}, or a 503 problem when the database is down. */
int health_handle(request *req);

#endif
