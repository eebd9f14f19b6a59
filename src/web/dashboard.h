/* dashboard.h: the home page (GET /), a dashboard for the signed-in
 * user's roles. */
#ifndef CITKIT_DASHBOARD_H
#define CITKIT_DASHBOARD_H

/* Adds GET /. auth_pages_register() calls it. */
void dashboard_register(void);

#endif
