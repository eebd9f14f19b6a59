/* fuzz_router.c: route pattern matching. The input is "METHOD path"
 * looked up in a fixed table, then "pattern\npath" matched directly.
 * Captures never exceed MAX_PATH_PARAMS and a match is always consistent
 * with the Allow list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "web/web_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int h(request *req)
{
	(void)req;
	return 0;
}

static const route table[] = {
    {"GET", "/", h, PERM_SIGNED_IN, 0, NULL},
    {"GET", "/users", h, PERM_USERS_READ, 0, NULL},
    {"POST", "/users", h, PERM_USERS_WRITE, 0, NULL},
    {"GET", "/users/{id}", h, PERM_USERS_READ, 0, NULL},
    {"POST", "/users/{id}/sessions/{sid}/end", h, PERM_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/courses/{id}/sessions/{sid}/attendance/{aid}", h, PERM_SIGNED_IN, ROUTE_API,
     NULL},
    {"GET", "/calendar/{id}.ics", h, PERM_PUBLIC, 0, NULL},
    {"GET", "/assets/{name}", h, PERM_PUBLIC, 0, NULL},
    {"DELETE", "/api/v1/tokens/{id}", h, PERM_SIGNED_IN, ROUTE_API, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	if (!registered) {
		ROUTES_ADD(table);
		registered = 1;
	}
	arena *a = arena_new();
	char *in = arena_strndup(a, (const char *)data, size);
	char *sp = strchr(in, ' ');
	if (sp) {
		*sp = '\0';
		route_match m;
		int rc = router_find(a, in, sp + 1, &m);
		if (rc == 0 && (!m.route || m.n_params > MAX_PATH_PARAMS))
			abort();
		if (rc == CK_E_METHOD && !m.allow[0])
			abort();
		*sp = ' ';
	}
	char *nl = strchr(in, '\n');
	if (nl) {
		*nl = '\0';
		const char *params[MAX_PATH_PARAMS];
		size_t n = 0;
		if (route_pattern_match(a, in, nl + 1, params, &n) && n > MAX_PATH_PARAMS)
			abort();
	}
	arena_free(a);
	return 0;
}
