/* auth_routes.c: registers every route table of the auth pages and API.
 * The router takes the first registered route that matches a path, so
 * a table whose literal paths overlap another's {id} patterns comes
 * first (/users/import before /users/{id}). */
#include "auth_routes.h"

#include "../web/dashboard.h"
#include "auth_web.h"

void auth_pages_register(void)
{
	dashboard_register();
	login_pages_register();
	account_pages_register();
	totp_pages_register();
	orgs_pages_register();
	roster_pages_register();
	users_pages_register();
	audit_pages_register();
}

void auth_api_register(void)
{
	users_api_register();
	orgs_api_register();
	tokens_api_register();
	sessions_api_register();
	audit_api_register();
	roster_api_register();
}
