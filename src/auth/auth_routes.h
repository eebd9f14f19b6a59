/* auth_routes.h: the routes of the foundation's pages and JSON API
 * (sign-in, dashboard, account, organizations, people, roster import,
 * audit log). `citkit serve` calls both before starting the server. */
#ifndef CITKIT_AUTH_ROUTES_H
#define CITKIT_AUTH_ROUTES_H

/* HTML pages, the dashboard at / included. */
void auth_pages_register(void);
/* JSON API under /api/v1/. */
void auth_api_register(void);

#endif
