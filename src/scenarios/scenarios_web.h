/* scenarios_web.h: the HTTP edge of the scenario library: each file's
 * route table, what its API files share, and the one function `citkit
 * serve` calls. */
#ifndef CITKIT_SCENARIOS_WEB_H
#define CITKIT_SCENARIOS_WEB_H

#include <stdbool.h>

/* scenarios_api.c: /api/v1/scenarios… (list, one, brief, import, export). */
void scenarios_api_register(void);
/* GET /api/v1/scenarios/export and the page's /scenarios/export: the
 * library as a JSON file. */
struct request;
int scenarios_export_handle(struct request *req);
/* A library write's result on the API (scenarios_api.c, rubrics_api.c):
 * true when rc is not an error; else the problem as auth_api_ok sets it,
 * with the field names as the JSON spells them. */
struct field_errors;
bool scenarios_api_ok(struct request *req, int rc, struct field_errors *errs);
/* rubrics_api.c: /api/v1/rubrics… */
void rubrics_api_register(void);
/* scenarios_pages.c: /scenarios, /scenarios/{id}, forms, import. */
void scenarios_pages_register(void);
/* rubrics_pages.c: /rubrics, /rubrics/{id}, forms. */
void rubrics_pages_register(void);
/* The library's routes, all four. */
void scenarios_library_register(void);

#endif
