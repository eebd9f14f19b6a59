/* test_openapi.c: the API description is generated from the route
 * tables: every ROUTE_API route appears, nothing else does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/openapi.h"
#include "web/server.h"

static int h(request *req)
{
	(void)req;
	return 0;
}

static const route api_routes[] = {
    {"GET", "/api/v1/users", h, PERM_USERS_READ, ROUTE_API, "List users"},
    {"GET", "/api/v1/users/{id}", h, PERM_USERS_READ, ROUTE_API, "One user"},
    {"PATCH", "/api/v1/users/{id}", h, PERM_USERS_WRITE, ROUTE_API, "Change a user"},
    {"GET", "/users", h, PERM_USERS_READ, 0, "Users page"},
};

static void every_api_route_is_described(void **state)
{
	(void)state;
	router_clear();
	web_routes_register();
	ROUTES_ADD(api_routes);
	json_t *doc = openapi_document("Test program", "1.2.3");
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *paths = json_object_get(doc, "paths");
	size_t api = 0;
	for (size_t i = 0; i < router_count(); i++) {
		const route *r = router_at(i);
		json_t *item = json_object_get(paths, r->pattern);
		if (!(r->flags & ROUTE_API)) {
			assert_null(item);
			continue;
		}
		api++;
		char m[16];
		size_t n = 0;
		for (; r->method[n]; n++)
			m[n] = (char)(r->method[n] - 'A' + 'a');
		m[n] = '\0';
		json_t *op = json_object_get(item, m);
		assert_non_null(op);
		assert_string_equal(json_string_value(json_object_get(op, "summary")), r->summary);
		assert_non_null(json_object_get(json_object_get(op, "responses"), "default"));
	}
	assert_int_equal(api, 4);
	assert_int_equal(json_object_size(paths), 3);
	json_t *patch = json_object_get(json_object_get(paths, "/api/v1/users/{id}"), "patch");
	json_t *param = json_array_get(json_object_get(patch, "parameters"), 0);
	assert_string_equal(json_string_value(json_object_get(param, "name")), "id");
	assert_string_equal(json_string_value(json_object_get(param, "in")), "path");
	assert_true(json_is_true(json_object_get(param, "required")));
	assert_non_null(json_object_get(json_object_get(patch, "responses"), "422"));
	assert_int_equal(json_array_size(json_object_get(patch, "security")), 2);
	json_t *open = json_object_get(json_object_get(paths, "/api/v1/openapi.json"), "get");
	assert_int_equal(json_array_size(json_object_get(open, "security")), 0);
	json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(schemes, "bearer"), "scheme")),
	    "bearer");
	json_t *problem = json_object_get(
	    json_object_get(json_object_get(doc, "components"), "schemas"), "Problem");
	assert_non_null(json_object_get(json_object_get(problem, "properties"), "errors"));
	json_decref(doc);
	router_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_api_route_is_described),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
