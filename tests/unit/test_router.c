/* test_router.c: routing and the middleware, end to end: a server on a
 * free port with a test route table and test identity hooks, driven with
 * libcurl. Covers 404, 405 + Allow, OPTIONS, HEAD, sign-in redirects and
 * 401, second-factor and enrolment gates, permissions, CSRF (token,
 * Origin, Sec-Fetch-Site), bearer tokens, body limits, malformed and
 * unsupported bodies, and the security headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "base/html.h"
#include "web/web_internal.h"
#include "web_test.h"

static int h_text(request *req)
{
	resp_text(req, 200, "text/plain; charset=utf-8", req->route->pattern);
	return 0;
}

static int h_echo_id(request *req)
{
	int64_t id;
	if (!request_path_id(req, 0, &id)) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return CK_E_NOT_FOUND;
	}
	resp_text(req, 200, "text/plain; charset=utf-8",
	          arena_printf(req->arena, "id=%lld", (long long)id));
	return 0;
}

static int h_echo_param(request *req)
{
	resp_text(req, 200, "text/plain; charset=utf-8", req->path_params[0]);
	return 0;
}

static int h_echo_form(request *req)
{
	const kv *f;
	if (request_fields(req, &f))
		return -1;
	const upload *u = request_upload(req, "file");
	resp_text(req, 200, "text/plain; charset=utf-8",
	          arena_printf(req->arena, "name=%s upload=%zu user=%lld",
	                       kv_get(f, "name") ? kv_get(f, "name") : "-", u ? u->len : 0,
	                       (long long)req->who.user_id));
	return 0;
}

static int h_forgetful(request *req)
{
	(void)req;
	return 0;
}

static int h_validate(request *req)
{
	field_errors errs = {0};
	field_errors_add(&errs, "email", "Enter an email address");
	resp_validation(req, &errs);
	return CK_E_INVALID;
}

static const route test_routes[] = {
    {"GET", "/items", h_text, PERM_SIGNED_IN, 0, "List"},
    {"POST", "/items", h_echo_form, PERM_ORGS_WRITE, 0, "Create"},
    {"GET", "/items/{id}", h_echo_id, PERM_AUDIT_READ, 0, "Show"},
    /* Registered after its {id} twin on purpose: literal segments win. */
    {"GET", "/items/export", h_text, PERM_AUDIT_READ, 0, "Export"},
    {"GET", "/public", h_text, PERM_PUBLIC, 0, "Public"},
    {"POST", "/public", h_echo_form, PERM_PUBLIC, ROUTE_NO_CSRF, "Public form"},
    {"GET", "/pending", h_text, PERM_SIGNED_IN, ROUTE_ALLOW_PENDING_MFA, "Pending ok"},
    {"GET", "/forgetful", h_forgetful, PERM_PUBLIC, 0, "Sets nothing"},
    {"GET", "/feeds/{id}.ics", h_echo_param, PERM_PUBLIC, 0, "Calendar"},
    {"GET", "/api/v1/things", h_text, PERM_SIGNED_IN, ROUTE_API, "Things"},
    {"POST", "/api/v1/things", h_echo_form, PERM_ORGS_WRITE, ROUTE_API, "Add thing"},
    {"POST", "/api/v1/invalid", h_validate, PERM_PUBLIC, ROUTE_API | ROUTE_NO_CSRF, "Always 422"},
};

static int identify_session(arena *a, const char *cookie, const char *ip, principal *out)
{
	(void)a;
	(void)ip;
	*out = (principal){.csrf_token = "tok123", .name = "Test <User>"};
	if (!strcmp(cookie, "admin"))
		out->roles = ROLE_ADMIN;
	else if (!strcmp(cookie, "officer"))
		out->roles = ROLE_OFFICER;
	else if (!strcmp(cookie, "pending"))
		out->mfa_pending = true, out->roles = ROLE_ADMIN;
	else if (!strcmp(cookie, "enrol"))
		out->needs_totp_enrolment = true, out->roles = ROLE_ADMIN;
	else
		return CK_E_UNAUTHORIZED;
	out->user_id = 7;
	return 0;
}

static int identify_token(arena *a, const char *bearer, const char *ip, principal *out)
{
	(void)a;
	(void)ip;
	if (strcmp(bearer, "goodtoken"))
		return CK_E_UNAUTHORIZED;
	*out = (principal){.user_id = 9, .roles = ROLE_ADMIN, .csrf_token = "leak"};
	return 0;
}

static web_server *srv;
static int port;

static int setup(void **state)
{
	(void)state;
	router_clear();
	ROUTES_ADD(test_routes);
	web_options o = {
	    .listen = "127.0.0.1:0",
	    .threads = 2,
	    .max_body_bytes = 1000,
	    .max_upload_bytes = 4000,
	    .quiet = true,
	    .identify_session = identify_session,
	    .identify_token = identify_token,
	};
	char err[256];
	if (web_server_start(&o, &srv, err, sizeof err)) {
		fprintf(stderr, "start: %s\n", err);
		return -1;
	}
	port = web_server_port(srv);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_server_stop(srv);
	router_clear();
	return 0;
}

#define H(...) ((const char *const[]){__VA_ARGS__, NULL})

static void not_found_as_page_and_problem(void **state)
{
	(void)state;
	http_result r;
	char v[512];
	http_do(port, "GET", "/nowhere", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "text/html; charset=utf-8");
	assert_non_null(strstr(buf_str(&r.body), "<h1>Not found</h1>"));
	http_free(&r);
	http_do(port, "GET", "/api/v1/nowhere", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "application/problem+json");
	assert_non_null(strstr(buf_str(&r.body), "\"status\":404"));
	assert_non_null(strstr(buf_str(&r.body), "\"instance\":\"/api/v1/nowhere\""));
	http_free(&r);
}

static void wrong_method_gets_405_with_allow(void **state)
{
	(void)state;
	http_result r;
	char v[512];
	http_do(port, "DELETE", "/items", H("Cookie: citkit_session=admin"), NULL, 0, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(http_header(&r, "Allow", v, sizeof v), "GET, HEAD, POST, OPTIONS");
	http_free(&r);
	http_do(port, "OPTIONS", "/items/3", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 204);
	assert_string_equal(http_header(&r, "Allow", v, sizeof v), "GET, HEAD, OPTIONS");
	http_free(&r);
}

static void head_runs_get_without_body(void **state)
{
	(void)state;
	http_result r;
	char v[512];
	http_do(port, "HEAD", "/public", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(http_header(&r, "Content-Length", v, sizeof v), "7");
	http_free(&r);
}

static void path_parameters(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "GET", "/items/42", H("Cookie: citkit_session=admin"), NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "id=42");
	http_free(&r);
	http_do(port, "GET", "/items/042", H("Cookie: citkit_session=admin"), NULL, 0, &r);
	assert_int_equal(r.status, 404);
	http_free(&r);
	http_do(port, "GET", "/items/export", H("Cookie: citkit_session=admin"), NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "/items/export");
	http_free(&r);
	http_do(port, "GET", "/feeds/ab%20c.ics", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "ab c");
	http_free(&r);
	http_do(port, "GET", "/feeds/.ics", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	http_free(&r);
}

static void sign_in_required(void **state)
{
	(void)state;
	http_result r;
	char v[512];
	http_do(port, "GET", "/items?x=1", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(http_header(&r, "Location", v, sizeof v), "/login?next=%2Fitems");
	http_free(&r);
	/* Someone else's malformed cookie does not hide ours. */
	http_do(port, "GET", "/items", H("Cookie: other={\"json\":1}; citkit_session=admin"), NULL,
	        0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "GET", "/items", H("Cookie: citkit_session=stale"), NULL, 0, &r);
	assert_int_equal(r.status, 303);
	http_free(&r);
	http_do(port, "GET", "/api/v1/things", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(http_header(&r, "WWW-Authenticate", v, sizeof v), "Bearer"));
	assert_string_equal(http_header(&r, "Content-Type", v, sizeof v),
	                    "application/problem+json");
	http_free(&r);
	http_do(port, "GET", "/api/v1/things", H("Authorization: Bearer wrong"), NULL, 0, &r);
	assert_int_equal(r.status, 401);
	http_free(&r);
}

static void bearer_tokens_only_on_api_routes(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "GET", "/api/v1/things", H("Authorization: Bearer goodtoken"), NULL, 0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "GET", "/items", H("Authorization: Bearer goodtoken"), NULL, 0, &r);
	assert_int_equal(r.status, 303);
	http_free(&r);
	/* No CSRF token needed with a bearer token. */
	http_do(port, "POST", "/api/v1/things",
	        H("Authorization: Bearer goodtoken", "Content-Type: application/json"),
	        "{\"name\":\"x\"}", 12, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "name=x upload=0 user=9");
	http_free(&r);
}

static void second_factor_and_enrolment_gates(void **state)
{
	(void)state;
	http_result r;
	char v[512];
	http_do(port, "GET", "/items", H("Cookie: citkit_session=pending"), NULL, 0, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(http_header(&r, "Location", v, sizeof v), "/login/totp?next=%2Fitems");
	http_free(&r);
	http_do(port, "GET", "/pending", H("Cookie: citkit_session=pending"), NULL, 0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "GET", "/api/v1/things", H("Cookie: citkit_session=pending"), NULL, 0, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(buf_str(&r.body), "mfa-required"));
	http_free(&r);
	http_do(port, "GET", "/items", H("Cookie: citkit_session=enrol"), NULL, 0, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(http_header(&r, "Location", v, sizeof v), "/account/totp");
	http_free(&r);
}

static void permissions(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "GET", "/items/1", H("Cookie: citkit_session=officer"), NULL, 0, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_str(&r.body), "You do not have permission"));
	http_free(&r);
	http_do(port, "GET", "/items", H("Cookie: citkit_session=officer"), NULL, 0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
}

static void csrf(void **state)
{
	(void)state;
	http_result r;
	const char *form = "application/x-www-form-urlencoded";
	(void)form;
	http_do(port, "POST", "/items", H("Cookie: citkit_session=admin"), "name=a", 6, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_str(&r.body), "form expired"));
	http_free(&r);
	http_do(port, "POST", "/items", H("Cookie: citkit_session=admin"), "name=a&csrf=tok12", 17,
	        &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
	http_do(port, "POST", "/items", H("Cookie: citkit_session=admin"), "name=a&csrf=tok123", 18,
	        &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "name=a upload=0 user=7");
	http_free(&r);
	char origin[128];
	snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%d", port);
	http_do(port, "POST", "/items",
	        H("Cookie: citkit_session=admin", origin, "Sec-Fetch-Site: same-origin"),
	        "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	/* A default port is the same origin with or without it. */
	http_do(
	    port, "POST", "/items",
	    H("Cookie: citkit_session=admin", "Host: example.org:80", "Origin: http://example.org"),
	    "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "POST", "/items",
	        H("Cookie: citkit_session=admin", "Host: example.org:8080",
	          "Origin: http://example.org"),
	        "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
	http_do(port, "POST", "/items", H("Cookie: citkit_session=admin", "Origin: null"),
	        "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
	http_do(port, "POST", "/items",
	        H("Cookie: citkit_session=admin", "Origin: http://evil.example"),
	        "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
	http_do(port, "POST", "/items",
	        H("Cookie: citkit_session=admin", "Sec-Fetch-Site: cross-site"),
	        "name=a&csrf=tok123", 18, &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
	/* JSON with the header instead of a field. */
	http_do(port, "POST", "/api/v1/things",
	        H("Cookie: citkit_session=admin", "Content-Type: application/json",
	          "X-CSRF-Token: tok123"),
	        "{\"name\":\"j\"}", 12, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "POST", "/api/v1/things",
	        H("Cookie: citkit_session=admin", "Content-Type: application/json"),
	        "{\"name\":\"j\"}", 12, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(
	    strstr(buf_str(&r.body), "\"type\":\"https://citkit.invalid/problems/csrf\""));
	http_free(&r);
	/* Exempt routes still refuse other sites. */
	http_do(port, "POST", "/public", NULL, "name=p", 6, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	http_do(port, "POST", "/public", H("Sec-Fetch-Site: cross-site"), "name=p", 6, &r);
	assert_int_equal(r.status, 403);
	http_free(&r);
}

static void bodies_over_the_limit(void **state)
{
	(void)state;
	http_result r;
	char big[2000];
	memset(big, 'a', sizeof big);
	memcpy(big, "name=", 5);
	big[sizeof big - 1] = '\0';
	http_do(port, "POST", "/public", NULL, big, sizeof big - 1, &r);
	assert_int_equal(r.status, 413);
	http_free(&r);
	http_do(port, "POST", "/public", NULL, big, (size_t)-1, &r);
	assert_int_equal(r.status, 413);
	http_free(&r);
	/* The same bytes fit the upload limit as multipart. */
	buf mp;
	buf_init(&mp, NULL);
	buf_puts(
	    &mp,
	    "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n\r\n");
	buf_append(&mp, big, 1500);
	buf_puts(&mp,
	         "\r\n--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nm\r\n--b--\r\n");
	http_do(port, "POST", "/public", H("Content-Type: multipart/form-data; boundary=b"),
	        mp.data, mp.len, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "name=m upload=1500 user=0");
	http_free(&r);
	buf_free(&mp);
	char longurl[9000] = "/public?";
	memset(longurl + 8, 'x', sizeof longurl - 9);
	longurl[sizeof longurl - 1] = '\0';
	http_do(port, "GET", longurl, NULL, NULL, 0, &r);
	assert_int_equal(r.status, 414);
	http_free(&r);
}

static void bad_bodies(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "POST", "/public", NULL, "name=%zz", 8, &r);
	assert_int_equal(r.status, 400);
	http_free(&r);
	http_do(port, "POST", "/public", NULL, "name=%FF", 8, &r);
	assert_int_equal(r.status, 400);
	http_free(&r);
	http_do(port, "POST", "/public", H("Content-Type: application/xml"), "<a/>", 4, &r);
	assert_int_equal(r.status, 415);
	http_free(&r);
	http_do(port, "POST", "/api/v1/things",
	        H("Authorization: Bearer goodtoken", "Content-Type: application/json"),
	        "{\"name\":", 8, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_str(&r.body), "line 1"));
	http_free(&r);
	http_do(port, "POST", "/api/v1/things",
	        H("Authorization: Bearer goodtoken", "Content-Type: application/json"),
	        "{\"name\":{\"a\":1}}", 16, &r);
	assert_int_equal(r.status, 400);
	http_free(&r);
	http_do(port, "GET", "/items%FF", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 400);
	http_free(&r);
}

static void validation_problem(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "POST", "/api/v1/invalid", H("Content-Type: application/json"), "{}", 2, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(
	    strstr(buf_str(&r.body),
	           "\"errors\":[{\"field\":\"email\",\"message\":\"Enter an email address\"}]"));
	http_free(&r);
}

static void handler_without_response_is_500(void **state)
{
	(void)state;
	http_result r;
	http_do(port, "GET", "/forgetful", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 500);
	http_free(&r);
}

static void security_headers_everywhere(void **state)
{
	(void)state;
	const char *paths[] = {"/public", "/nowhere", "/api/v1/things", "/items"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		http_result r;
		char v[512];
		http_do(port, "GET", paths[i], NULL, NULL, 0, &r);
		assert_non_null(strstr(http_header(&r, "Content-Security-Policy", v, sizeof v),
		                       "default-src 'self'; script-src 'self'"));
		assert_non_null(strstr(v, "frame-ancestors 'none'"));
		assert_string_equal(http_header(&r, "X-Content-Type-Options", v, sizeof v),
		                    "nosniff");
		assert_string_equal(http_header(&r, "Referrer-Policy", v, sizeof v), "same-origin");
		assert_string_equal(http_header(&r, "X-Frame-Options", v, sizeof v), "DENY");
		assert_string_equal(http_header(&r, "Cross-Origin-Opener-Policy", v, sizeof v),
		                    "same-origin");
		assert_string_equal(http_header(&r, "Cache-Control", v, sizeof v), "no-store");
		assert_string_equal(http_header(&r, "Strict-Transport-Security", v, sizeof v), "");
		http_free(&r);
	}
}

static int h_dummy(request *req)
{
	(void)req;
	return 0;
}

static void bad_tables_refuse_to_start(void **state)
{
	(void)state;
	static const route missing[] = {{"GET", "/forgot", h_dummy, PERM_UNSET, 0, NULL}};
	static const route twice[] = {{"GET", "/a", h_dummy, PERM_PUBLIC, 0, NULL},
	                              {"GET", "/a", h_dummy, PERM_PUBLIC, 0, NULL}};
	web_options o = {.listen = "127.0.0.1:0", .quiet = true};
	web_server *s = NULL;
	char err[256];
	router_clear();
	ROUTES_ADD(missing);
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), CK_E_INVALID);
	assert_string_equal(err, "route GET /forgot names no permission");
	assert_null(s);
	router_clear();
	ROUTES_ADD(twice);
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), CK_E_INVALID);
	assert_non_null(strstr(err, "twice"));
	router_clear();
	ROUTES_ADD(test_routes);
	o.listen = "nonsense";
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), CK_E_INVALID);
	o.listen = "127.0.0.1:0";
	o.tls_cert = "/nonexistent/cert.pem";
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), CK_E_INVALID);
	o.tls_key = "/nonexistent/key.pem";
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), CK_E_IO);
}

static int h_login(request *req)
{
	resp_cookie(req, WEB_SESSION_COOKIE, "admin", -1);
	resp_text(req, 200, "text/plain; charset=utf-8", req->is_tls ? "tls" : "plain");
	return 0;
}

/* Under TLS: HSTS, and the session cookie is __Host- and Secure, both
 * when set and when read back. */
static void tls(void **state)
{
	(void)state;
	static const route tls_routes[] = {
	    {"GET", "/login", h_login, PERM_PUBLIC, 0, "Sets the cookie"},
	    {"GET", "/items", h_text, PERM_SIGNED_IN, 0, "List"},
	};
	char dir[] = "/tmp/citkit-tls-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[512], cert[128], key[128];
	snprintf(cert, sizeof cert, "%s/cert.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	snprintf(cmd, sizeof cmd,
	         "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
	         "-keyout %s -out %s >/dev/null 2>&1",
	         key, cert);
	assert_int_equal(system(cmd), 0);
	router_clear();
	ROUTES_ADD(tls_routes);
	web_options o = {.listen = "127.0.0.1:0",
	                 .quiet = true,
	                 .tls_cert = cert,
	                 .tls_key = key,
	                 .identify_session = identify_session};
	web_server *s;
	char err[256], v[512];
	assert_int_equal(web_server_start(&o, &s, err, sizeof err), 0);
	wt_use_tls = true;
	http_result r;
	http_do(web_server_port(s), "GET", "/login", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "tls");
	assert_string_equal(http_header(&r, "Strict-Transport-Security", v, sizeof v),
	                    "max-age=31536000");
	assert_string_equal(
	    http_header(&r, "Set-Cookie", v, sizeof v),
	    "__Host-citkit_session=admin; Path=/; HttpOnly; SameSite=Strict; Secure");
	http_free(&r);
	http_do(web_server_port(s), "GET", "/items", H("Cookie: __Host-citkit_session=admin"), NULL,
	        0, &r);
	assert_int_equal(r.status, 200);
	http_free(&r);
	/* The unprefixed name is not accepted over TLS. */
	http_do(web_server_port(s), "GET", "/items", H("Cookie: citkit_session=admin"), NULL, 0,
	        &r);
	assert_int_equal(r.status, 303);
	http_free(&r);
	wt_use_tls = false;
	web_server_stop(s);
	router_clear();
	unlink(cert);
	unlink(key);
	rmdir(dir);
}

static void pattern_matching(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *p[MAX_PATH_PARAMS];
	size_t n;
	assert_true(route_pattern_match(a, "/", "/", p, &n));
	assert_int_equal(n, 0);
	assert_true(route_pattern_match(a, "/a/{x}/b/{y}", "/a/1/b/2", p, &n));
	assert_int_equal(n, 2);
	assert_string_equal(p[0], "1");
	assert_string_equal(p[1], "2");
	assert_false(route_pattern_match(a, "/a/{x}", "/a/", p, &n));
	assert_false(route_pattern_match(a, "/a/{x}", "/a/1/", p, &n));
	assert_false(route_pattern_match(a, "/a", "/a/", p, &n));
	assert_false(route_pattern_match(a, "/a", "/ab", p, &n));
	assert_false(route_pattern_match(a, "/a/{x}", "/a/1/2", p, &n));
	assert_false(route_pattern_match(a, "/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", p, &n));
	arena_free(a);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(not_found_as_page_and_problem),
	    cmocka_unit_test(wrong_method_gets_405_with_allow),
	    cmocka_unit_test(head_runs_get_without_body),
	    cmocka_unit_test(path_parameters),
	    cmocka_unit_test(sign_in_required),
	    cmocka_unit_test(bearer_tokens_only_on_api_routes),
	    cmocka_unit_test(second_factor_and_enrolment_gates),
	    cmocka_unit_test(permissions),
	    cmocka_unit_test(csrf),
	    cmocka_unit_test(bodies_over_the_limit),
	    cmocka_unit_test(bad_bodies),
	    cmocka_unit_test(validation_problem),
	    cmocka_unit_test(handler_without_response_is_500),
	    cmocka_unit_test(security_headers_everywhere),
	};
	const struct CMUnitTest plain[] = {
	    cmocka_unit_test(bad_tables_refuse_to_start),
	    cmocka_unit_test(tls),
	    cmocka_unit_test(pattern_matching),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	failed += cmocka_run_group_tests(plain, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
