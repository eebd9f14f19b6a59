/* runs_web.h: the web side of scenario runs: route registration and the
 * JSON shapes the API and the pages' scripts share. */
#ifndef CITKIT_RUNS_WEB_H
#define CITKIT_RUNS_WEB_H

#include <jansson.h>

#include "../base/arena.h"
#include "feedback.h"
#include "runs.h"

/* Registers the runs API, the run pages and the "run:" event source; once
 * from src/cli/serve.c. */
void runs_routes_register(void);
void runs_api_register(void);
void runs_settings_pages_register(void);

/* The run object of the API (join_code and join_url only when r has one). */
json_t *runs_run_json(arena *a, const run *r);
/* The summary object of GET /api/v1/runs/{id}/summary. */
json_t *runs_summary_json(const run_summary *s);

#endif
