/* scenarios_web.h: the HTTP edge of the scenario library: each file's
 * route table and the one function `citkit serve` calls. */
#ifndef CITKIT_SCENARIOS_WEB_H
#define CITKIT_SCENARIOS_WEB_H

/* scenarios_api.c: /api/v1/scenarios… (list, one, brief, import, export). */
void scenarios_api_register(void);
/* GET /api/v1/scenarios/export and the page's /scenarios/export: the
 * library as a JSON file. */
struct request;
int scenarios_export_handle(struct request *req);
/* rubrics_api.c: /api/v1/rubrics… */
void rubrics_api_register(void);
/* scenarios_pages.c: /scenarios, /scenarios/{id}, forms, import. */
void scenarios_pages_register(void);
/* rubrics_pages.c: /rubrics, /rubrics/{id}, forms. */
void rubrics_pages_register(void);
/* The library's routes, all four. */
void scenarios_library_register(void);

#endif
