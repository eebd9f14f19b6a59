/* runs_web.h: the web side of scenario runs: route registration and the
 * JSON shapes the API and the pages' scripts share. */
#ifndef CITKIT_RUNS_WEB_H
#define CITKIT_RUNS_WEB_H

#include <jansson.h>

#include "../base/arena.h"
#include "../web/http.h"
#include "feedback.h"
#include "runs.h"

/* Registers the runs API, the run pages and the "run:" event source; once
 * from src/cli/serve.c. */
void runs_routes_register(void);
void runs_api_register(void);
void runs_settings_pages_register(void);

/* The run object of the API (join_code and join_url only when r has one). */
json_t *runs_run_json(request *req, const run *r);
/* The absolute join URL: under the configured public URL, else under the
 * address the request came to (for the QR code a phone scans). */
const char *runs_join_url(request *req, const char *join_code);
/* The summary object of GET /api/v1/runs/{id}/summary. */
json_t *runs_summary_json(const run_summary *s);

#endif
