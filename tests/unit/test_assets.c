/* test_assets.c: embedded ui/ files, their ETags and conditional GET. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/assets.h"
#include "web/web_internal.h"
#include "web_test.h"

static void finds_embedded_files(void **state)
{
	(void)state;
	const char *names[] = {"site.css", "print.css", "site.js", "logo.svg"};
	const char *types[] = {"text/css; charset=utf-8", "text/css; charset=utf-8",
	                       "text/javascript; charset=utf-8", "image/svg+xml"};
	for (size_t i = 0; i < 4; i++) {
		size_t len;
		const char *type, *etag;
		assert_non_null(assets_find(names[i], &len, &type, &etag));
		assert_true(len > 100);
		assert_string_equal(type, types[i]);
		assert_int_equal(strlen(etag), 18);
		assert_int_equal(etag[0], '"');
	}
	size_t len;
	assert_null(assets_find("../meson.build", &len, NULL, NULL));
	arena *a = arena_new();
	const char *url = assets_url(a, "site.css");
	assert_int_equal(strncmp(url, "/assets/site.css?v=", 19), 0);
	assert_int_equal(strlen(url), 19 + 16);
	assert_string_equal(assets_url(a, "missing.css"), "/assets/missing.css");
	arena_free(a);
}

static void served_with_etag_and_304(void **state)
{
	(void)state;
	router_clear();
	web_routes_register();
	web_options o = {.listen = "127.0.0.1:0", .threads = 1, .quiet = true};
	web_server *s;
	char err[256];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	int port = web_server_port(s);
	http_result r;
	char etag[64], v[256];
	http_do(port, "GET", "/assets/site.css", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "text/css; charset=utf-8");
	assert_string_equal(http_header(&r, "Cache-Control", v, sizeof v),
	                    "public, max-age=31536000, immutable");
	assert_string_equal(http_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
	http_header(&r, "ETag", etag, sizeof etag);
	size_t len;
	assert_non_null(assets_find("site.css", &len, NULL, NULL));
	assert_int_equal(r.body.len, len);
	http_free(&r);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: \"0000000000000000\", %s", etag);
	http_do(port, "GET", "/assets/site.css", (const char *const[]){inm, NULL}, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(http_header(&r, "ETag", v, sizeof v), etag);
	http_free(&r);
	http_do(port, "GET", "/assets/site.css",
	        (const char *const[]){"If-None-Match: \"0000000000000000\"", NULL}, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "GET", "/assets/nothing.css", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	http_free(&r);
	web_server_stop(s);
	router_clear();
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_embedded_files),
	    cmocka_unit_test(served_with_etag_and_304),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
