/* curricula_web.h: the curriculum pages and JSON API (the HTTP edge of
 * curricula.h and guidelines.h). Each file registers its one route table;
 * src/cli/serve.c calls curricula_routes_register. */
#ifndef CITKIT_CURRICULA_WEB_H
#define CITKIT_CURRICULA_WEB_H

void curricula_pages_register(void);
void curricula_api_register(void);
void guidelines_pages_register(void);
/* All three. */
void curricula_routes_register(void);

#endif
