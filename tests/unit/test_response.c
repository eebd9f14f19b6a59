/* test_response.c: response builders: problems (RFC 9457), validation
 * errors, cookies, redirects, JSON, and the headers resp_finalize adds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/errors.h"
#include "web/web_internal.h"

static request *new_request(arena *a, bool is_api, bool is_tls)
{
	request *req = arena_alloc(a, sizeof *req);
	req->arena = a;
	req->method = "GET";
	req->path = is_api ? "/api/v1/users/3" : "/users/3";
	req->wants_json = is_api;
	req->is_tls = is_tls;
	kv_init(&req->query, a);
	kv_init(&req->form, a);
	buf_init(&req->resp.body, a);
	return req;
}

static const char *header_value(const request *req, const char *name, size_t nth)
{
	for (size_t i = 0; i < req->resp.n_headers; i++)
		if (!strcasecmp(req->resp.headers[i].name, name) && nth-- == 0)
			return req->resp.headers[i].value;
	return NULL;
}

static void problems_for_the_api(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, true, false);
	resp_error(req, CK_E_NOT_FOUND, "No user 3 <here>");
	assert_int_equal(req->resp.status, 404);
	assert_string_equal(req->resp.content_type, "application/problem+json");
	json_t *j = json_loads(buf_str(&req->resp.body), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	                    "https://citkit.invalid/problems/not-found");
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Not found");
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
	assert_string_equal(json_string_value(json_object_get(j, "detail")), "No user 3 <here>");
	assert_string_equal(json_string_value(json_object_get(j, "instance")), "/api/v1/users/3");
	json_decref(j);

	field_errors errs = {0};
	field_errors_add(&errs, "email", "Enter an email address");
	field_errors_add(&errs, "roles", "Choose a role");
	resp_validation(req, &errs);
	assert_int_equal(req->resp.status, 422);
	j = json_loads(buf_str(&req->resp.body), 0, NULL);
	json_t *list = json_object_get(j, "errors");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "field")),
	                    "roles");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "message")),
	                    "Choose a role");
	json_decref(j);
	arena_free(a);
}

static void error_pages_for_browsers(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, false, false);
	resp_error(req, CK_E_FORBIDDEN, "Only <admins>");
	assert_int_equal(req->resp.status, 403);
	assert_string_equal(req->resp.content_type, "text/html; charset=utf-8");
	const char *html = buf_str(&req->resp.body);
	assert_non_null(strstr(html, "<h1>You do not have permission for this</h1>"));
	assert_non_null(strstr(html, "<p>Only &lt;admins&gt;</p>"));
	arena_free(a);
}

static void cookies(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, false, false);
	resp_cookie(req, "citkit_session", "abc", -1);
	resp_cookie(req, "citkit_session", "abc", 0);
	resp_cookie(req, "x", "1", 3600);
	assert_string_equal(header_value(req, "Set-Cookie", 0),
	                    "citkit_session=abc; Path=/; HttpOnly; SameSite=Strict");
	assert_string_equal(header_value(req, "Set-Cookie", 1),
	                    "citkit_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	assert_string_equal(header_value(req, "Set-Cookie", 2),
	                    "x=1; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
	assert_string_equal(cookie_name(req, "citkit_session"), "citkit_session");
	req = new_request(a, false, true);
	resp_cookie(req, "citkit_session", "abc", -1);
	assert_string_equal(header_value(req, "Set-Cookie", 0),
	                    "__Host-citkit_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
	assert_string_equal(cookie_name(req, "citkit_session"), "__Host-citkit_session");
	arena_free(a);
}

static void finalize_adds_security_headers(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, false, true);
	resp_redirect(req, "/login");
	for (int i = 0; i < 30; i++)
		resp_header(req, "X-Filler", "1");
	resp_finalize(req);
	assert_int_equal(req->resp.status, 303);
	assert_string_equal(header_value(req, "Location", 0), "/login");
	assert_non_null(header_value(req, "Content-Security-Policy", 0));
	assert_string_equal(header_value(req, "Strict-Transport-Security", 0), "max-age=31536000");
	assert_string_equal(header_value(req, "Cache-Control", 0), "no-store");
	assert_string_equal(header_value(req, "X-Frame-Options", 0), "DENY");
	assert_int_equal(req->resp.n_headers, 24);

	req = new_request(a, true, false);
	resp_header(req, "Cache-Control", "public, max-age=60");
	resp_json(req, 200, json_pack("{s:i}", "n", 1));
	resp_finalize(req);
	assert_string_equal(buf_str(&req->resp.body), "{\"n\":1}");
	assert_string_equal(req->resp.content_type, "application/json");
	assert_string_equal(header_value(req, "Cache-Control", 0), "public, max-age=60");
	assert_null(header_value(req, "Cache-Control", 1));
	assert_null(header_value(req, "Strict-Transport-Security", 0));
	arena_free(a);
}

static void json_bodies_become_fields(void **state)
{
	(void)state;
	arena *a = arena_new();
	json_t *j = json_loads("{\"name\":\"Ann\",\"age\":41,\"ok\":true,\"no\":false,"
	                       "\"roles\":[\"officer\",\"supervisor\"],\"gone\":null,\"r\":1.5}",
	                       0, NULL);
	kv f;
	char err[128];
	assert_int_equal(json_to_kv(a, j, &f, err, sizeof err), 0);
	assert_string_equal(kv_get(&f, "name"), "Ann");
	assert_string_equal(kv_get(&f, "age"), "41");
	assert_string_equal(kv_get(&f, "ok"), "true");
	assert_string_equal(kv_get(&f, "no"), "false");
	assert_string_equal(kv_get(&f, "r"), "1.5");
	assert_null(kv_get(&f, "gone"));
	size_t n;
	const char **roles = kv_get_all(&f, "roles", &n);
	assert_int_equal(n, 2);
	assert_string_equal(roles[1], "supervisor");
	json_decref(j);
	/* An empty array is the field sent empty, not left out. */
	j = json_loads("{\"roles\":[]}", 0, NULL);
	assert_int_equal(json_to_kv(a, j, &f, err, sizeof err), 0);
	assert_string_equal(kv_get(&f, "roles"), "");
	json_decref(j);
	j = json_loads("{\"a\":{\"b\":1}}", 0, NULL);
	assert_int_equal(json_to_kv(a, j, &f, err, sizeof err), CK_E_MALFORMED);
	assert_non_null(strstr(err, "\"a\""));
	json_decref(j);
	j = json_loads("{\"a\":[[1]]}", 0, NULL);
	assert_int_equal(json_to_kv(a, j, &f, err, sizeof err), CK_E_MALFORMED);
	json_decref(j);
	j = json_loads("[1]", 0, NULL);
	assert_int_equal(json_to_kv(a, j, &f, err, sizeof err), CK_E_MALFORMED);
	json_decref(j);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(problems_for_the_api),
	    cmocka_unit_test(error_pages_for_browsers),
	    cmocka_unit_test(cookies),
	    cmocka_unit_test(finalize_adds_security_headers),
	    cmocka_unit_test(json_bodies_become_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
