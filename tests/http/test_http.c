/* test_http.c: the HTTP integration suite. Each test is one contract of
 * DESIGN.md or one line of issue 2's "Bad input" list, checked against the
 * real `citkit serve` over HTTP (harness.c starts it on a fresh database).
 * Every response is also checked for the security headers, and every HTML
 * page for valid markup with tidy, inside http(). tests/run runs this
 * program twice: on SQLite and on PostgreSQL (CITKIT_HTTP_DB). */
#include "courses_http.h"
#include "harness.h"
#include "curricula_tests.h"
#include "certificates.h"
#include "enroll.h"
#include "across.h"
#include "stream_ends.h"
#include "scenarios_http.h"
#include "runs.h"
#include "run_pages.h"
#include "people.h"
#include "coverage.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The demo program makes several partner organizations; the suite's own
 * users go into the first two. */
enum { ORG_A = 1, ORG_B = 2 };

static int setup(void **state)
{
	(void)state;
	suite_setup();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	suite_teardown();
	return 0;
}

/* The action of the first <form> whose action contains `part`. */
static bool form_action(const char *html, const char *part, char *out, size_t outlen)
{
	for (const char *f = strstr(html, "<form"); f; f = strstr(f + 1, "<form")) {
		const char *close = strchr(f, '>');
		const char *a = strstr(f, "action=\"");
		if (!close || !a || a > close)
			continue;
		a += 8;
		size_t n = strcspn(a, "\"");
		if (n >= outlen)
			continue;
		char tmp[512];
		snprintf(tmp, sizeof tmp, "%.*s", (int)n, a);
		if (strstr(tmp, part)) {
			snprintf(out, outlen, "%s", tmp);
			return true;
		}
	}
	return false;
}

static void post_login(agent *a, const tuser *u, const char *password, hresp *r);

static void expect_problem(const hresp *r, long status)
{
	expect_status(r, status);
	if (strncmp(r->content_type, "application/problem+json", 24) != 0)
		fail_msg("%ld: Content-Type %s, want application/problem+json", status,
		         r->content_type);
	json_t *j = hresp_json(r);
	assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
	assert_non_null(json_string_value(json_object_get(j, "title")));
	json_decref(j);
}

static void expect_login_redirect(agent *a, const char *path)
{
	hresp r;
	http_get(a, path, &r);
	expect_redirect(&r, "/login");
	hresp_free(&r);
}

static void bearer_agent(agent *a, const char *email)
{
	memset(a, 0, sizeof *a);
	harness_token_for(email, a->bearer, sizeof a->bearer);
}

/* ---- public endpoints ---- */

static void test_healthz(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/healthz", &r);
	expect_status(&r, 200);
	assert_true(strncmp(r.content_type, "application/json", 16) == 0);
	json_t *j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	assert_int_equal(json_object_size(j), 1);
	json_decref(j);
	hresp_free(&r);
}

/* Prometheus text format 0.0.4: comments and `name{labels} value` lines. */
static void test_metrics(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/healthz", &r); /* at least one request to count */
	hresp_free(&r);
	http_get(NULL, "/metrics", &r);
	expect_status(&r, 200);
	assert_true(strncmp(r.content_type, "text/plain", 10) == 0);
	int samples = 0, types = 0;
	char *copy = strdup(r.body);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "# TYPE ", 7) == 0)
			types++;
		if (line[0] == '#')
			continue;
		char name[256];
		double v;
		const char *sp = strrchr(line, ' ');
		if (!sp || sscanf(line, "%255[a-zA-Z0-9_:]", name) != 1 ||
		    sscanf(sp + 1, "%lf", &v) != 1)
			fail_msg("not a Prometheus sample line: %s", line);
		samples++;
	}
	free(copy);
	assert_true(types >= 4);
	assert_true(samples >= 4);
	/* Requests by route and status, a latency histogram, database time,
	 * active sessions (issue 2). */
	if (!strstr(r.body, "route=\"/healthz\"") || !strstr(r.body, "status=\"200\""))
		fail_msg("/metrics counts no request by route and status:\n%.600s", r.body);
	if (!strstr(r.body, "# TYPE citkit_http_request_duration_seconds histogram") ||
	    !strstr(r.body, "_bucket{le=\"+Inf\"}"))
		fail_msg("/metrics has no latency histogram");
	if (!strstr(r.body, "citkit_db_seconds_total"))
		fail_msg("/metrics has no database time");
	if (!strstr(r.body, "citkit_active_sessions"))
		fail_msg("/metrics has no active sessions");
	hresp_free(&r);
}

/* Every API route of issue 2, with the methods each must offer. */
static const struct {
	const char *path, *methods[3];
} api_routes[] = {
    {"/api/v1/me", {"get"}},
    {"/api/v1/orgs", {"get", "post"}},
    {"/api/v1/orgs/{id}", {"get", "patch"}},
    {"/api/v1/users", {"get", "post"}},
    {"/api/v1/users/{id}", {"get", "patch"}},
    {"/api/v1/users/{id}/unlock", {"post"}},
    {"/api/v1/tokens", {"get", "post"}},
    {"/api/v1/tokens/{id}", {"delete"}},
    {"/api/v1/audit", {"get"}},
    {"/api/v1/sessions", {"get"}},
    {"/api/v1/sessions/{id}", {"delete"}},
    {"/api/v1/roster", {"post"}},
};

static void test_openapi(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/api/v1/openapi.json", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	const char *version = json_string_value(json_object_get(j, "openapi"));
	assert_non_null(version);
	assert_true(strncmp(version, "3.1", 3) == 0);
	json_t *paths = json_object_get(j, "paths");
	assert_true(json_is_object(paths));
	for (size_t i = 0; i < sizeof api_routes / sizeof api_routes[0]; i++) {
		const char *path = api_routes[i].path;
		json_t *item = json_object_get(paths, path);
		if (!json_is_object(item))
			fail_msg("openapi.json lacks %s", path);
		for (int m = 0; m < 3 && api_routes[i].methods[m]; m++) {
			json_t *op = json_object_get(item, api_routes[i].methods[m]);
			if (!json_is_object(op) ||
			    !json_is_object(json_object_get(op, "responses")))
				fail_msg("openapi.json: %s %s missing or without responses",
				         api_routes[i].methods[m], path);
		}
	}
	/* Every path it lists is one the server routes: none is a 404. */
	const char *key;
	json_t *item;
	json_object_foreach(paths, key, item)
	{
		char probe[512];
		size_t n = 0;
		for (const char *p = key; *p && n + 2 < sizeof probe; p++) {
			if (*p == '{') { /* a {param}: any id */
				probe[n++] = '1';
				p = strchr(p, '}');
				if (!p)
					break;
			} else {
				probe[n++] = *p;
			}
		}
		probe[n] = '\0';
		hresp pr;
		http(NULL, "OPTIONS", probe, NULL, NULL, 0, NULL, &pr);
		if (pr.status == 404)
			fail_msg("openapi.json lists %s, which the server does not route", key);
		hresp_free(&pr);
	}
	json_decref(j);
	hresp_free(&r);
}

/* ---- bad input ---- */

static void test_unknown_route(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/no/such/page", &r);
	expect_status(&r, 404);
	assert_true(strncmp(r.content_type, "text/html", 9) == 0);
	hresp_free(&r);
	agent api;
	admin_agent();
	bearer_agent(&api, admin_user()->email);
	http_get(&api, "/api/v1/no-such-collection", &r);
	expect_problem(&r, 404);
	hresp_free(&r);
}

static void expect_allow(const char *method, const char *path, const char *must)
{
	hresp r;
	http(NULL, method, path, NULL, NULL, 0, NULL, &r);
	expect_status(&r, 405);
	const char *allow = hresp_header(&r, "Allow");
	if (!allow || !strstr(allow, must))
		fail_msg("%s %s: Allow is \"%s\", want it to name %s", method, path,
		         allow ? allow : "", must);
	hresp_free(&r);
}

static void test_wrong_method(void **state)
{
	(void)state;
	expect_allow("DELETE", "/healthz", "GET");
	expect_allow("PUT", "/login", "POST");
	expect_allow("PATCH", "/api/v1/me", "GET");
}

static void test_body_too_large(void **state)
{
	(void)state;
	size_t n = 2u << 20; /* over the 1 MiB default body limit */
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "email=", 6);
	big[n] = '\0';
	hresp r;
	/* As a careful client does, the body waits for "100 Continue": the
	 * server refuses on the Content-Length alone, before any byte of it
	 * (without this, the refusal races the upload and curl may report
	 * the closed connection instead of the answer). */
	const char *const expect[] = {"Expect: 100-continue", NULL};
	http(NULL, "POST", "/login", "application/x-www-form-urlencoded", big, n, expect, &r);
	expect_status(&r, 413);
	hresp_free(&r);
	agent api;
	admin_agent();
	bearer_agent(&api, admin_user()->email);
	big[0] = '"';
	big[n - 1] = '"';
	http(&api, "POST", "/api/v1/orgs", "application/json", big, n, expect, &r);
	expect_problem(&r, 413);
	hresp_free(&r);
	free(big);
}

static void test_malformed_form(void **state)
{
	(void)state;
	agent a = {0};
	hresp r;
	http_get(&a, "/login", &r);
	hresp_free(&r);
	http_post_form(&a, "/login", "email=%ZZ&password=x", &r); /* bad percent escape */
	expect_status(&r, 400);
	hresp_free(&r);
	http_post_form(&a, "/login", "email=%FF%FEa&password=x", &r); /* not UTF-8 */
	expect_status(&r, 400);
	hresp_free(&r);
}

static void test_malformed_json(void **state)
{
	(void)state;
	agent api;
	admin_agent();
	bearer_agent(&api, admin_user()->email);
	hresp r;
	http_json(&api, "POST", "/api/v1/orgs", "{\"name\": \"Unfinished", &r);
	expect_problem(&r, 400);
	hresp_free(&r);
	http_json(&api, "POST", "/api/v1/orgs",
	          "{\"name\": \"Bad \xff\xfe bytes\", \"kind\": \"other\"}", &r);
	expect_problem(&r, 400);
	hresp_free(&r);
	http_json(&api, "POST", "/api/v1/orgs", "[1, 2, 3]", &r);
	if (r.status != 400 && r.status != 422)
		fail_msg("a JSON array for an object: %ld", r.status);
	hresp_free(&r);
}

/* The API answers 422 with errors[{field, message}]; the page shows the
 * form again with the same message beside each field. */
static void test_validation(void **state)
{
	(void)state;
	agent api;
	agent *admin = admin_agent();
	bearer_agent(&api, admin_user()->email);
	hresp r;
	http_json(&api, "POST", "/api/v1/orgs", "{\"name\": \"\", \"kind\": \"spaceship\"}", &r);
	expect_problem(&r, 422);
	json_t *j = hresp_json(&r);
	json_t *errs = json_object_get(j, "errors");
	assert_true(json_is_array(errs));
	char name_msg[256] = "", kind_msg[256] = "";
	size_t i;
	json_t *e;
	json_array_foreach(errs, i, e)
	{
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		assert_non_null(field);
		assert_non_null(msg);
		if (strcmp(field, "name") == 0)
			snprintf(name_msg, sizeof name_msg, "%s", msg);
		if (strcmp(field, "kind") == 0)
			snprintf(kind_msg, sizeof kind_msg, "%s", msg);
	}
	if (!name_msg[0] || !kind_msg[0])
		fail_msg("422 without both name and kind: %s", r.body);
	json_decref(j);
	hresp_free(&r);

	http_get(admin, "/orgs/new", &r);
	expect_status(&r, 200);
	char action[512];
	if (!form_action(r.body, "/orgs", action, sizeof action))
		fail_msg("no form posting to /orgs… on /orgs/new");
	hresp_free(&r);
	http_post_form(admin, action, "name=&kind=spaceship", &r);
	if (r.status != 422 && r.status != 200)
		fail_msg("invalid org form: status %ld, want the form again (422)", r.status);
	if (!strstr(r.body, "name=\"name\"") || !strstr(r.body, "name=\"kind\""))
		fail_msg("the form is not shown again");
	if (!strstr(r.body, name_msg))
		fail_msg("the page lacks the name message \"%s\"", name_msg);
	if (!strstr(r.body, kind_msg))
		fail_msg("the page lacks the kind message \"%s\"", kind_msg);
	hresp_free(&r);
	/* Nothing was written: the API lists no org named "". */
}

/* A taken unique value is 409 with the field named; nothing is written. */
static void test_duplicate_is_conflict(void **state)
{
	(void)state;
	agent api;
	bearer_agent(&api, admin_user()->email);
	hresp r;
	http_json(&api, "POST", "/api/v1/orgs", "{\"name\": \"Twice PD\", \"kind\": \"other\"}", &r);
	expect_status(&r, 201);
	hresp_free(&r);
	http_json(&api, "POST", "/api/v1/orgs", "{\"name\": \"Twice PD\", \"kind\": \"hospital\"}", &r);
	expect_problem(&r, 409);
	json_t *j = hresp_json(&r);
	json_t *first = json_array_get(json_object_get(j, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "field")), "name");
	json_decref(j);
	hresp_free(&r);

	char body[512];
	snprintf(body, sizeof body,
	         "{\"email\": \"%s\", \"name\": \"Second Admin\", \"org_id\": %d, "
	         "\"roles\": [\"officer\"]}",
	         admin_user()->email, ORG_A);
	http_json(&api, "POST", "/api/v1/users", body, &r);
	expect_problem(&r, 409);
	j = hresp_json(&r);
	first = json_array_get(json_object_get(j, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "field")), "email");
	json_decref(j);
	hresp_free(&r);
}

static void signed_in_officer(agent *a, tuser *u)
{
	user_make(u, "officer", ORG_A);
	memset(a, 0, sizeof *a);
	login(a, u);
}

static void test_csrf(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	hresp r;
	http_get(&a, "/account", &r);
	expect_status(&r, 200);
	char action[512];
	if (!form_action(r.body, "/account/password", action, sizeof action))
		fail_msg("no password form on /account");
	hresp_free(&r);
	char good[256];
	snprintf(good, sizeof good, "%s", a.csrf);
	assert_true(good[0] != '\0');

	char origin[256];
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *same[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	const char *body = "current_password=x&new_password=y";
	http(&a, "POST", action, "application/x-www-form-urlencoded", body, strlen(body), same, &r);
	expect_status(&r, 403); /* no token */
	hresp_free(&r);
	char stale[512];
	snprintf(stale, sizeof stale, "%s&csrf=%s", body,
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	http(&a, "POST", action, "application/x-www-form-urlencoded", stale, strlen(stale), same,
	     &r);
	expect_status(&r, 403); /* someone else's or made-up token */
	hresp_free(&r);

	/* A token from an ended session is stale in the next one. */
	http_post_form(&a, "/logout", "", &r);
	expect_redirect(&r, "/");
	hresp_free(&r);
	login(&a, &u);
	snprintf(stale, sizeof stale, "%s&csrf=%s", body, form_enc(good));
	http(&a, "POST", action, "application/x-www-form-urlencoded", stale, strlen(stale), same,
	     &r);
	expect_status(&r, 403);
	hresp_free(&r);
}

static void test_cross_site(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	hresp r;
	http_get(&a, "/account", &r);
	hresp_free(&r);
	char body[512];
	snprintf(body, sizeof body, "current_password=x&new_password=y&csrf=%s", form_enc(a.csrf));
	const char *foreign[] = {"Origin: http://evil.example", NULL};
	http(&a, "POST", "/account/password", "application/x-www-form-urlencoded", body,
	     strlen(body), foreign, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	const char *cross[] = {"Sec-Fetch-Site: cross-site", NULL};
	http(&a, "POST", "/account/password", "application/x-www-form-urlencoded", body,
	     strlen(body), cross, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	/* The same token from our own origin is accepted (not a 403). */
	char origin[256];
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *same[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	http(&a, "POST", "/account/password", "application/x-www-form-urlencoded", body,
	     strlen(body), same, &r);
	if (r.status == 403)
		fail_msg("a same-origin POST with the right token was refused");
	hresp_free(&r);
}

/* The API with a session cookie (the pages' own scripts): unsafe methods
 * need the session's token in X-CSRF-Token; bearer calls do not. */
static void test_api_csrf_with_cookie(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	hresp r;
	http_get(&a, "/account", &r); /* the page's csrf input */
	hresp_free(&r);
	const char *body = "{\"name\": \"from a script\"}";
	char origin[256], header[400];
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *without[] = {origin, NULL};
	http(&a, "POST", "/api/v1/tokens", "application/json", body, strlen(body), without, &r);
	expect_problem(&r, 403);
	hresp_free(&r);
	snprintf(header, sizeof header, "X-CSRF-Token: %s", a.csrf);
	const char *with[] = {origin, header, NULL};
	http(&a, "POST", "/api/v1/tokens", "application/json", body, strlen(body), with, &r);
	expect_status(&r, 201);
	hresp_free(&r);
}

static void test_no_credentials(void **state)
{
	(void)state;
	agent a = {0};
	expect_login_redirect(&a, "/");
	expect_login_redirect(&a, "/users");
	expect_login_redirect(&a, "/account");
	expect_login_redirect(&a, "/audit");
	hresp r;
	http_get(&a, "/api/v1/me", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
	http_get(&a, "/api/v1/users", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
	snprintf(a.bearer, sizeof a.bearer, "%s", "not-a-real-token");
	http_get(&a, "/api/v1/me", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
}

static void test_lacking_permission(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	hresp r;
	const char *pages[] = {"/users", "/users/new",    "/orgs/new",
	                       "/audit", "/users/import", NULL};
	for (int i = 0; pages[i]; i++) {
		http_get(&a, pages[i], &r);
		if (r.status != 403)
			fail_msg("officer GET %s: %ld, want 403", pages[i], r.status);
		hresp_free(&r);
	}
	agent api;
	bearer_agent(&api, u.email);
	http_get(&api, "/api/v1/me", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_get(&api, "/api/v1/users", &r);
	expect_problem(&r, 403);
	hresp_free(&r);
	http_get(&api, "/api/v1/audit", &r);
	expect_problem(&r, 403);
	hresp_free(&r);
	http_json(&api, "POST", "/api/v1/orgs", "{\"name\": \"Not Allowed\", \"kind\": \"other\"}",
	          &r);
	expect_problem(&r, 403);
	hresp_free(&r);
}

/* A supervisor sees the people of their own organization only; another
 * organization's user is "not found", not "forbidden". */
static void test_other_org_is_not_found(void **state)
{
	(void)state;
	tuser sup, mine, theirs;
	user_make(&sup, "supervisor", ORG_A);
	user_make(&mine, "officer", ORG_A);
	user_make(&theirs, "officer", ORG_B);
	int64_t mine_id = user_id_of(&mine), theirs_id = user_id_of(&theirs);
	agent a = {0};
	login(&a, &sup);
	char path[128];
	hresp r;
	snprintf(path, sizeof path, "/users/%ld", (long)mine_id);
	http_get(&a, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/users/%ld", (long)theirs_id);
	http_get(&a, path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	agent api;
	bearer_agent(&api, sup.email);
	snprintf(path, sizeof path, "/api/v1/users/%ld", (long)mine_id);
	http_get(&api, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%ld", (long)theirs_id);
	http_get(&api, path, &r);
	expect_problem(&r, 404);
	hresp_free(&r);
}

/* ---- sign-in ---- */

static bool has_attr(const char *set_cookie, const char *attr)
{
	char lower[1024], want[64];
	size_t i;
	for (i = 0; set_cookie[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)set_cookie[i]);
	lower[i] = '\0';
	for (i = 0; attr[i] && i + 1 < sizeof want; i++)
		want[i] = (char)tolower((unsigned char)attr[i]);
	want[i] = '\0';
	return strstr(lower, want) != NULL;
}

/* The session cookie that a successful POST /login sets; checked for its
 * attributes. Returns its value in out. */
static void login_cookie(tuser *u, char *out, size_t outlen)
{
	agent a = {0};
	hresp r;
	http_get(&a, "/login", &r);
	hresp_free(&r);
	agent before = a;
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u->email),
	         form_enc(u->password));
	http_post_form(&a, "/login", fields, &r);
	expect_status(&r, 303);
	int n = 0;
	out[0] = '\0';
	for (const char *line = r.headers; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncasecmp(line, "Set-Cookie:", 11) != 0)
			continue;
		char sc[1024];
		snprintf(sc, sizeof sc, "%.*s", (int)strcspn(line, "\r\n"), line);
		if (!has_attr(sc, "; HttpOnly"))
			fail_msg("cookie without HttpOnly: %s", sc);
		if (!has_attr(sc, "; SameSite=Strict"))
			fail_msg("cookie without SameSite=Strict: %s", sc);
		if (has_attr(sc, "max-age=0"))
			continue;
		const char *v = strchr(sc, '=');
		if (!v)
			continue;
		snprintf(out, outlen, "%.*s", (int)strcspn(v + 1, ";"), v + 1);
		n++;
	}
	if (n == 0)
		fail_msg("a successful login set no cookie");
	/* Renewed at login: no cookie value from before sign-in survives. */
	for (size_t i = 0; i < before.n_cookies; i++)
		if (strcmp(before.jar[i].value, out) == 0)
			fail_msg("the pre-login cookie was kept as the session");
	hresp_free(&r);
	http_get(&a, "/", &r);
	expect_status(&r, 200);
	hresp_free(&r);
}

static void test_login_cookie(void **state)
{
	(void)state;
	tuser u;
	user_make(&u, "officer", ORG_A);
	char first[256], second[256];
	login_cookie(&u, first, sizeof first);
	login_cookie(&u, second, sizeof second);
	assert_true(strlen(first) >= 43); /* 256 bits, base64url or hex */
	assert_string_not_equal(first, second);
}

static void test_wrong_password(void **state)
{
	(void)state;
	tuser u;
	user_make(&u, "officer", ORG_A);
	agent a = {0};
	hresp r;
	http_get(&a, "/login", &r);
	hresp_free(&r);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u.email),
	         "Wrong-Password-Here-1");
	http_post_form(&a, "/login", fields, &r);
	if (r.status == 303)
		fail_msg("a wrong password signed in");
	hresp_free(&r);
	/* An unknown email gets the same answer (no account enumeration). */
	snprintf(fields, sizeof fields, "email=%s&password=%s", "nobody@suite.example",
	         "Wrong-Password-Here-1");
	http_post_form(&a, "/login", fields, &r);
	if (r.status == 303)
		fail_msg("an unknown email signed in");
	hresp_free(&r);
	expect_login_redirect(&a, "/");
}

/* Login CSRF: POST /login is accepted only with the token that GET
 * /login put in both the form and a cookie, so another site cannot sign a
 * browser in to an account of its choosing. */
static void test_login_needs_its_own_token(void **state)
{
	(void)state;
	tuser u;
	user_make(&u, "officer", ORG_A);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u.email),
	         form_enc(u.password));
	hresp r;

	agent fresh = {0}; /* never fetched the form: no cookie, no token */
	http_post_form(&fresh, "/login", fields, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	expect_login_redirect(&fresh, "/");

	agent forged = {0}; /* has the cookie, sends a token of its own */
	http_get(&forged, "/login", &r);
	hresp_free(&r);
	snprintf(forged.csrf, sizeof forged.csrf, "%s", "forged-token-forged-token-forged-token-xx");
	http_post_form(&forged, "/login", fields, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	expect_login_redirect(&forged, "/");

	agent elsewhere = {0}; /* a real token, but from another browser's form */
	agent donor = {0};
	http_get(&donor, "/login", &r);
	hresp_free(&r);
	http_get(&elsewhere, "/login", &r);
	hresp_free(&r);
	snprintf(elsewhere.csrf, sizeof elsewhere.csrf, "%s", donor.csrf);
	http_post_form(&elsewhere, "/login", fields, &r);
	expect_status(&r, 403);
	hresp_free(&r);

	agent honest = {0}; /* and the same credentials the right way work */
	post_login(&honest, &u, u.password, &r);
	expect_status(&r, 303);
	hresp_free(&r);
}

static void test_logout(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	agent old = a; /* a copy of the cookie, as a thief would keep it */
	hresp r;
	http_get(&a, "/", &r);
	expect_status(&r, 200);
	char action[512];
	if (!form_action(r.body, "/logout", action, sizeof action))
		fail_msg("the dashboard has no log-out form");
	hresp_free(&r);
	http_post_form(&a, action, "", &r);
	if (r.status != 303)
		fail_msg("logout: %ld", r.status);
	hresp_free(&r);
	expect_login_redirect(&a, "/");
	expect_login_redirect(&old, "/"); /* ended on the server, not just forgotten */
	http_get(&old, "/api/v1/me", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
}

static void post_login(agent *a, const tuser *u, const char *password, hresp *r)
{
	hresp page;
	http_get(a, "/login", &page);
	hresp_free(&page);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u->email),
	         form_enc(password));
	http_post_form(a, "/login", fields, r);
}

static void test_lockout(void **state)
{
	(void)state;
	tuser u;
	user_make(&u, "officer", ORG_A);
	agent a = {0};
	hresp r;
	for (int i = 0; i < 5; i++) {
		post_login(&a, &u, "Not-The-Password-At-All", &r);
		if (r.status == 303)
			fail_msg("wrong password %d signed in", i + 1);
		hresp_free(&r);
	}
	post_login(&a, &u, u.password, &r);
	if (r.status == 303)
		fail_msg("a locked account signed in with the right password");
	hresp_free(&r);

	/* The admin unlocks from the user's page. */
	agent *admin = admin_agent();
	char path[128], action[512];
	snprintf(path, sizeof path, "/users/%ld", (long)user_id_of(&u));
	http_get(admin, path, &r);
	expect_status(&r, 200);
	if (!form_action(r.body, "/unlock", action, sizeof action))
		fail_msg("no unlock form on %s for a locked user", path);
	hresp_free(&r);
	http_post_form(admin, action, "", &r);
	expect_status(&r, 303);
	hresp_free(&r);
	post_login(&a, &u, u.password, &r);
	expect_status(&r, 303);
	hresp_free(&r);
}

static void test_totp(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	totp_enrol(&a, &u);
	hresp r;
	http_post_form(&a, "/logout", "", &r);
	hresp_free(&r);

	/* The password alone is not enough now. */
	agent b = {0};
	post_login(&b, &u, u.password, &r);
	expect_redirect(&r, "/login/totp");
	hresp_free(&r);
	expect_login_redirect(&b, "/account");
	http_get(&b, "/login/totp", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	/* The enrolment code again: each code is accepted once. */
	char code[7], fields[64];
	totp_code(&u, u.totp_last_step, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(&b, "/login/totp", fields, &r);
	if (r.status == 303 && strncmp(r.location, "/login", 6) != 0)
		fail_msg("a reused TOTP code signed in (to %s)", r.location);
	hresp_free(&r);
	http_post_form(&b, "/login/totp", "code=000000", &r);
	if (r.status == 303 && strncmp(r.location, "/login", 6) != 0)
		fail_msg("a wrong TOTP code signed in");
	hresp_free(&r);

	/* A fresh code signs in. */
	agent c = {0};
	login(&c, &u);
	http_get(&c, "/account", &r);
	expect_status(&r, 200);
	hresp_free(&r);
}

static void test_sessions(void **state)
{
	(void)state;
	agent a, b = {0};
	tuser u;
	signed_in_officer(&a, &u);
	login(&b, &u);
	hresp r;
	http_get(&a, "/account/sessions", &r);
	expect_status(&r, 200);
	hresp_free(&r);

	agent api;
	bearer_agent(&api, u.email);
	http_get(&api, "/api/v1/sessions", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	json_t *list = json_object_get(j, "items");
	if (!json_is_array(list) || json_array_size(list) < 2)
		fail_msg("GET /api/v1/sessions: want both sessions: %s", r.body);
	int64_t newest = 0;
	size_t i;
	json_t *s;
	json_array_foreach(list, i, s)
	{
		int64_t id = json_integer_value(json_object_get(s, "id"));
		if (id > newest)
			newest = id;
	}
	json_decref(j);
	hresp_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/sessions/%ld", (long)newest);
	http(&api, "DELETE", path, NULL, NULL, 0, NULL, &r);
	if (r.status != 204 && r.status != 200)
		fail_msg("DELETE %s: %ld", path, r.status);
	hresp_free(&r);
	expect_login_redirect(&b, "/"); /* b's session (the newest) ended */
	http_get(&a, "/", &r);
	expect_status(&r, 200); /* a's goes on */
	hresp_free(&r);

	/* The same from the page: a third session, ended with its form. */
	agent c = {0};
	login(&c, &u);
	http_get(&api, "/api/v1/sessions", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	newest = 0;
	json_array_foreach(json_object_get(j, "items"), i, s)
	{
		int64_t id = json_integer_value(json_object_get(s, "id"));
		if (id > newest)
			newest = id;
	}
	json_decref(j);
	hresp_free(&r);
	http_get(&a, "/account/sessions", &r);
	expect_status(&r, 200);
	char want[128], action[512];
	snprintf(want, sizeof want, "/account/sessions/%ld/", (long)newest);
	if (!form_action(r.body, want, action, sizeof action))
		fail_msg("/account/sessions has no form to end session %ld", (long)newest);
	hresp_free(&r);
	http_post_form(&a, action, "", &r);
	expect_status(&r, 303);
	hresp_free(&r);
	expect_login_redirect(&c, "/");
	http_get(&a, "/", &r);
	expect_status(&r, 200);
	hresp_free(&r);
}

static void test_api_tokens(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	agent api;
	bearer_agent(&api, u.email);
	hresp r;
	http_get(&api, "/api/v1/me", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	const char *email = json_string_value(json_object_get(j, "email"));
	assert_non_null(email);
	assert_string_equal(email, u.email);
	json_decref(j);
	hresp_free(&r);

	http_get(&a, "/account/tokens", &r);
	expect_status(&r, 200);
	hresp_free(&r);

	http_get(&api, "/api/v1/tokens", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	json_t *list = json_object_get(j, "items");
	if (!json_is_array(list) || json_array_size(list) != 1)
		fail_msg("GET /api/v1/tokens: want the one token: %s", r.body);
	int64_t id = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	json_decref(j);
	hresp_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tokens/%ld", (long)id);
	http(&api, "DELETE", path, NULL, NULL, 0, NULL, &r);
	if (r.status != 204 && r.status != 200)
		fail_msg("DELETE %s: %ld", path, r.status);
	hresp_free(&r);
	http_get(&api, "/api/v1/me", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
}

/* The same life of a token through the pages: created (shown once),
 * used, revoked with its form. */
static void test_api_token_pages(void **state)
{
	(void)state;
	agent a;
	tuser u;
	signed_in_officer(&a, &u);
	hresp r;
	http_get(&a, "/account/tokens", &r);
	expect_status(&r, 200);
	char action[512];
	if (!form_action(r.body, "/account/tokens", action, sizeof action))
		fail_msg("no token form on /account/tokens");
	hresp_free(&r);
	http_post_form(&a, action, "name=suite+integration", &r);
	if (r.status == 303) { /* post/redirect/get: the token on the next page */
		char next[512];
		snprintf(next, sizeof next, "%s", r.location);
		hresp_free(&r);
		http_get(&a, next, &r);
	}
	if (r.status != 201 && r.status != 200)
		fail_msg("token created: status %ld", r.status);
	/* Shown once, in the value of <input id="new-token">. */
	agent api = {0};
	const char *in = strstr(r.body, "id=\"new-token\"");
	const char *v = in ? strstr(in, "value=\"") : NULL;
	if (!v)
		fail_msg("the new token is not shown:\n%.800s", r.body);
	snprintf(api.bearer, sizeof api.bearer, "%.*s", (int)strcspn(v + 7, "\""), v + 7);
	hresp_free(&r);
	http_get(&api, "/api/v1/me", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_get(&a, "/account/tokens", &r);
	if (!form_action(r.body, "/revoke", action, sizeof action))
		fail_msg("no revoke form on /account/tokens");
	hresp_free(&r);
	http_post_form(&a, action, "", &r);
	expect_status(&r, 303);
	hresp_free(&r);
	http_get(&api, "/api/v1/me", &r);
	expect_problem(&r, 401);
	hresp_free(&r);
}

/* ---- roster import ---- */

static bool user_listed(const char *email)
{
	agent api = {0};
	snprintf(api.bearer, sizeof api.bearer, "%s", admin_token());
	hresp r;
	char path[256];
	snprintf(path, sizeof path, "/api/v1/users?limit=200&q=%s", form_enc(email));
	bool found = false;
	for (int page = 0; page < 200; page++) {
		http_get(&api, path, &r);
		expect_status(&r, 200);
		json_t *j = hresp_json(&r);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(j, "items"), i, it)
		{
			const char *e = json_string_value(json_object_get(it, "email"));
			if (e && strcasecmp(e, email) == 0)
				found = true;
		}
		const char *next = json_string_value(json_object_get(j, "next_cursor"));
		bool more = next && *next && !found;
		if (more)
			snprintf(path, sizeof path, "/api/v1/users?limit=200&q=%s&cursor=%s",
			         form_enc(email), form_enc(next));
		json_decref(j);
		hresp_free(&r);
		if (!more)
			break;
	}
	return found;
}

/* Posts csv as the import form's file (multipart, with the agent's csrf
 * and org_id) to action. */
static void post_roster(agent *admin, const char *action, int org_id, const char *csv, hresp *r)
{
	const char *boundary = "----citkitSuiteBoundary7MA4YWxk";
	char body[4096], ctype[128], org[16];
	snprintf(org, sizeof org, "%d", org_id);
	snprintf(
	    body, sizeof body,
	    "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	    "--%s\r\nContent-Disposition: form-data; name=\"org_id\"\r\n\r\n%s\r\n"
	    "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
	    "Content-Type: text/csv\r\n\r\n%s\r\n--%s--\r\n",
	    boundary, admin->csrf, boundary, org, boundary, csv, boundary);
	snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", boundary);
	char origin[256];
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *same[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	http(admin, "POST", action, ctype, body, strlen(body), same, r);
}

static void test_roster_import(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	char csv[1024];
	long pid = (long)getpid();
	snprintf(csv, sizeof csv,
	         "email,name,roles\r\n"
	         "good.one.%ld@suite.example,Good One,officer\r\n"
	         "not-an-email,Bad Email,officer\r\n"
	         "good.two.%ld@suite.example,Good Two,officer;supervisor\r\n"
	         "bad.role.%ld@suite.example,Bad Role,wizard\r\n",
	         pid, pid, pid);
	hresp r;
	http_get(admin, "/users/import", &r);
	expect_status(&r, 200);
	char action[512];
	if (!form_action(r.body, "/import", action, sizeof action))
		fail_msg("no import form on /users/import");
	if (!strstr(r.body, "multipart/form-data"))
		fail_msg("the import form is not multipart");
	hresp_free(&r);

	post_roster(admin, action, ORG_B, csv, &r);
	if (r.status != 422 && r.status != 200)
		fail_msg("a roster with bad rows: status %ld, want the report (422)", r.status);
	/* The report is a table whose first column is the line number. */
	if (!strstr(r.body, ">3</td>") || !strstr(r.body, ">5</td>"))
		fail_msg("the report does not name lines 3 and 5:\n%.1500s", r.body);
	if (strstr(r.body, ">2</td>") || strstr(r.body, ">4</td>"))
		fail_msg("the report blames a good line:\n%.1500s", r.body);
	hresp_free(&r);
	char good[128];
	snprintf(good, sizeof good, "good.one.%ld@suite.example", pid);
	assert_false(user_listed(good));
	snprintf(good, sizeof good, "good.two.%ld@suite.example", pid);
	assert_false(user_listed(good));

	/* The file without its bad rows imports every row. */
	snprintf(csv, sizeof csv,
	         "email,name,roles\r\n"
	         "good.one.%ld@suite.example,Good One,officer\r\n"
	         "good.two.%ld@suite.example,Good Two,officer;supervisor\r\n",
	         pid, pid);
	http_get(admin, "/users/import", &r); /* a fresh form, as a person would */
	expect_status(&r, 200);
	hresp_free(&r);
	post_roster(admin, action, ORG_B, csv, &r);
	if (r.status != 303 && r.status != 200)
		fail_msg("a good roster: status %ld, want the result", r.status);
	hresp_free(&r);
	assert_true(user_listed(good));
	snprintf(good, sizeof good, "good.one.%ld@suite.example", pid);
	assert_true(user_listed(good));
}

static void test_roster_import_api(void **state)
{
	(void)state;
	admin_agent();
	agent api;
	bearer_agent(&api, admin_user()->email);
	long pid = (long)getpid();
	char bad[1024], good[1024], path[64], email[128];
	snprintf(bad, sizeof bad,
	         "email,name,roles\n"
	         "api.one.%ld@suite.example,Api One,officer\n"
	         "api.two.%ld@suite.example,,officer\n"
	         "api.three.%ld@suite.example,Api Three,officer|dispatcher\n"
	         "api.four.%ld@suite.example,Api Four,\n",
	         pid, pid, pid, pid);
	snprintf(path, sizeof path, "/api/v1/roster?org=%d", ORG_B);
	hresp r;
	http(&api, "POST", path, "text/csv", bad, strlen(bad), NULL, &r);
	expect_problem(&r, 422);
	json_t *j = hresp_json(&r);
	json_t *errs = json_object_get(j, "errors");
	bool line3 = false, line5 = false;
	size_t i;
	json_t *e;
	json_array_foreach(errs, i, e)
	{
		json_int_t line = json_integer_value(json_object_get(e, "line"));
		assert_non_null(json_string_value(json_object_get(e, "message")));
		if (line == 3)
			line3 = true;
		else if (line == 5)
			line5 = true;
		else
			fail_msg("a good line blamed: %s", r.body);
	}
	if (!line3 || !line5)
		fail_msg("lines 3 and 5 not both reported: %s", r.body);
	json_decref(j);
	hresp_free(&r);
	snprintf(email, sizeof email, "api.one.%ld@suite.example", pid);
	assert_false(user_listed(email));

	/* The file without its bad rows imports every row. */
	snprintf(good, sizeof good,
	         "email,name,roles\n"
	         "api.one.%ld@suite.example,Api One,officer\n"
	         "api.three.%ld@suite.example,Api Three,officer|dispatcher\n",
	         pid, pid);
	http(&api, "POST", path, "text/csv", good, strlen(good), NULL, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "imported")), 2);
	json_decref(j);
	hresp_free(&r);
	assert_true(user_listed(email));
	snprintf(email, sizeof email, "api.three.%ld@suite.example", pid);
	assert_true(user_listed(email));
}

/* ---- audit, headers, pages ---- */

static void test_audit(void **state)
{
	(void)state;
	tuser u;
	agent a;
	signed_in_officer(&a, &u);
	agent *admin = admin_agent();
	hresp r;
	http_get(admin, "/audit", &r);
	expect_status(&r, 200);
	if (!strstr(r.body, u.email))
		fail_msg("the audit page does not list %s's login", u.email);
	if (!strstr(r.body, "login"))
		fail_msg("the audit page shows no login");
	hresp_free(&r);
	char path[256];
	snprintf(path, sizeof path, "/audit?user=%s", form_enc(u.email));
	http_get(admin, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	agent api;
	bearer_agent(&api, admin_user()->email);
	http_get(&api, "/api/v1/audit?limit=50", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	assert_true(json_is_array(json_object_get(j, "items")));
	json_decref(j);
	hresp_free(&r);
	char *out = NULL;
	int code = cli(NULL, &out, "audit", "verify", "--db", db_url(), NULL);
	if (code != 0)
		fail_msg("citkit audit verify exited %d: %s", code, out);
	free(out);
	/* The same check from the audit page. */
	http_get(admin, "/audit?verify=1", &r);
	expect_status(&r, 200);
	hresp_free(&r);
}

static void test_authenticated_pages(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	tuser other;
	user_make(&other, "officer", ORG_A);
	char user_page[64], org_page[64];
	snprintf(user_page, sizeof user_page, "/users/%ld", (long)user_id_of(&other));
	snprintf(org_page, sizeof org_page, "/orgs/%d", ORG_A);
	const char *pages[] = {"/",
	                       "/orgs",
	                       "/orgs/new",
	                       org_page,
	                       "/users",
	                       "/users/new",
	                       user_page,
	                       "/users/import",
	                       "/account",
	                       "/account/totp",
	                       "/account/sessions",
	                       "/account/tokens",
	                       "/audit",
	                       NULL};
	for (int i = 0; pages[i]; i++) {
		hresp r;
		http_get(admin, pages[i], &r);
		if (r.status != 200)
			fail_msg("GET %s as admin: %ld", pages[i], r.status);
		const char *cc = hresp_header(&r, "Cache-Control");
		if (!cc || !strstr(cc, "no-store"))
			fail_msg("%s: Cache-Control is not no-store", pages[i]);
		if (strncmp(r.content_type, "text/html", 9) != 0)
			fail_msg("%s: Content-Type %s", pages[i], r.content_type);
		hresp_free(&r);
	}
}

static void test_public_pages(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/login", &r);
	expect_status(&r, 200);
	assert_true(strncmp(r.content_type, "text/html", 9) == 0);
	/* HEAD is answered like GET, without a body. */
	hresp_free(&r);
	http(NULL, "HEAD", "/login", NULL, NULL, 0, NULL, &r);
	expect_status(&r, 200);
	assert_int_equal(r.len, 0);
	hresp_free(&r);
}

/* Over TLS: HSTS, and cookies with the __Host- prefix and Secure (which
 * browsers accept only from this host over HTTPS). */
static void test_tls(void **state)
{
	(void)state;
	tuser u;
	user_make(&u, "officer", ORG_A);
	tls_server_start();
	hresp r;
	agent a = {0};
	http_get(&a, "/login", &r);
	expect_status(&r, 200);
	const char *hsts = hresp_header(&r, "Strict-Transport-Security");
	if (!hsts || !strstr(hsts, "max-age="))
		fail_msg("no HSTS over TLS");
	hresp_free(&r);
	char fields[512];
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u.email),
	         form_enc(u.password));
	http_post_form(&a, "/login", fields, &r);
	expect_status(&r, 303);
	int session_cookies = 0;
	for (const char *line = r.headers; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncasecmp(line, "Set-Cookie:", 11) != 0)
			continue;
		char sc[1024];
		snprintf(sc, sizeof sc, "%.*s", (int)strcspn(line, "\r\n"), line);
		const char *name = sc + 11;
		while (*name == ' ')
			name++;
		if (strncmp(name, "__Host-", 7) != 0)
			fail_msg("a cookie without __Host- over TLS: %s", sc);
		if (!has_attr(sc, "; Secure"))
			fail_msg("a cookie without Secure over TLS: %s", sc);
		if (!has_attr(sc, "; Path=/"))
			fail_msg("a __Host- cookie needs Path=/: %s", sc);
		if (has_attr(sc, "; Domain="))
			fail_msg("a __Host- cookie must not name a Domain: %s", sc);
		if (strncmp(name, "__Host-citkit_session=", 22) == 0 && name[22] != ';')
			session_cookies++;
	}
	if (session_cookies != 1)
		fail_msg("sign-in over TLS set no __Host-citkit_session cookie");
	hresp_free(&r);
	http_get(&a, "/", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	char why[600];
	if (!tls_server_stop(why, sizeof why))
		fail_msg("%s", why);
}

static int tls_teardown(void **state)
{
	(void)state;
	char why[600];
	tls_server_stop(why, sizeof why); /* after a failure: back to plain HTTP */
	return 0;
}

/* Embedded assets: linked from the pages, cached by ETag; a matching
 * If-None-Match gets 304 without a body. */
static void test_assets(void **state)
{
	(void)state;
	hresp r;
	http_get(NULL, "/login", &r);
	expect_status(&r, 200);
	const char *href = strstr(r.body, "href=\"/assets/");
	if (!href)
		fail_msg("/login links no stylesheet under /assets/");
	char path[256];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(href + 6, "\"?"), href + 6);
	hresp_free(&r);
	http_get(NULL, path, &r);
	expect_status(&r, 200);
	assert_true(r.len > 0);
	const char *etag = hresp_header(&r, "ETag");
	if (!etag)
		fail_msg("%s has no ETag", path);
	char tag[256], cond[300];
	snprintf(tag, sizeof tag, "%s", etag);
	hresp_free(&r);
	snprintf(cond, sizeof cond, "If-None-Match: %s", tag);
	const char *extra[] = {cond, NULL};
	http(NULL, "GET", path, NULL, NULL, 0, extra, &r);
	expect_status(&r, 304);
	assert_int_equal(r.len, 0);
	hresp_free(&r);
	http_get(NULL, "/assets/no-such-file.css", &r);
	expect_status(&r, 404);
	hresp_free(&r);
}

/* Last: the server shuts down cleanly on SIGTERM, with no sanitizer
 * report (LeakSanitizer reports only at exit). */
static void test_clean_shutdown(void **state)
{
	(void)state;
	char why[600];
	if (!server_stop(why, sizeof why))
		fail_msg("%s", why);
}

int main(void)
{
	struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthz),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_openapi),
	    cmocka_unit_test(test_public_pages),
	    cmocka_unit_test(test_assets),
	    cmocka_unit_test(test_unknown_route),
	    cmocka_unit_test(test_wrong_method),
	    cmocka_unit_test(test_body_too_large),
	    cmocka_unit_test(test_malformed_form),
	    cmocka_unit_test(test_malformed_json),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_duplicate_is_conflict),
	    cmocka_unit_test(test_csrf),
	    cmocka_unit_test(test_cross_site),
	    cmocka_unit_test(test_api_csrf_with_cookie),
	    cmocka_unit_test(test_no_credentials),
	    cmocka_unit_test(test_lacking_permission),
	    cmocka_unit_test(test_other_org_is_not_found),
	    cmocka_unit_test(test_login_cookie),
	    cmocka_unit_test(test_wrong_password),
	    cmocka_unit_test(test_login_needs_its_own_token),
	    cmocka_unit_test(test_logout),
	    cmocka_unit_test(test_lockout),
	    cmocka_unit_test(test_totp),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_api_tokens),
	    cmocka_unit_test(test_api_token_pages),
	    cmocka_unit_test(test_roster_import),
	    cmocka_unit_test(test_roster_import_api),
	    cmocka_unit_test(test_audit),
	    cmocka_unit_test(test_authenticated_pages),
	    cmocka_unit_test(test_orgs_api),
	    cmocka_unit_test(test_orgs_pages),
	    cmocka_unit_test(test_users_api),
	    cmocka_unit_test(test_users_pages),
	    cmocka_unit_test(test_users_page_actions),
	    cmocka_unit_test(test_account_password_and_sessions),
	    cmocka_unit_test(test_curricula_pages),
	    cmocka_unit_test(test_curricula_api),
	    cmocka_unit_test(test_curricula_permissions),
	    cmocka_unit_test(test_guideline_settings),
	    cmocka_unit_test(test_curricula_title),
	    cmocka_unit_test(test_courses_api),
	    cmocka_unit_test(test_courses_pages),
	    cmocka_unit_test(test_course_calendar),
	    cmocka_unit_test(test_course_forms),
	    cmocka_unit_test(test_certificates_walk),
	    cmocka_unit_test(test_certificate_pages),
	    cmocka_unit_test(test_enroll_api),
	    cmocka_unit_test(test_attendance_api),
	    cmocka_unit_test(test_enroll_pages),
	    cmocka_unit_test(test_training_lists_paged),
	    cmocka_unit_test(test_courses_default_filter),
	    cmocka_unit_test(test_capacity_api),
	    cmocka_unit_test(test_enrollment_forms),
	    cmocka_unit_test(test_sessions_to_come_api),
	    cmocka_unit_test(test_session_times_after_roll_call),
	    cmocka_unit_test(test_completion_total_setting),
	    cmocka_unit_test(test_scenarios_api),
	    cmocka_unit_test(test_scenarios_permissions),
	    cmocka_unit_test(test_scenarios_import_export),
	    cmocka_unit_test(test_scenarios_pages),
	    cmocka_unit_test(test_scenarios_briefs_hidden),
	    cmocka_unit_test(test_runs_api),
	    cmocka_unit_test(test_runs_events),
	    cmocka_unit_test(test_streams_end_with_their_sign_in),
	    cmocka_unit_test(test_streams_end_when_checked_again),
	    cmocka_unit_test(test_run_pages_start),
	    cmocka_unit_test(test_run_pages_join),
	    cmocka_unit_test(test_run_pages_feedback),
	    cmocka_unit_test(test_run_pages_named),
	    cmocka_unit_test(test_run_pages_role_player),
	    cmocka_unit_test_teardown(test_tls, tls_teardown),
	    cmocka_unit_test(test_events_across_processes),
	    cmocka_unit_test(test_clean_shutdown),
	    /* After every request: each route of the table was requested. */
	    cmocka_unit_test(test_every_route_requested),
	};
	/* Two processes share live events only through PostgreSQL. */
	size_t n = 0;
	const char *db = getenv("CITKIT_HTTP_DB");
	bool on_pg = db && strncmp(db, "sqlite", 6);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
		if (on_pg || tests[i].test_func != test_events_across_processes)
			tests[n++] = tests[i];
	/* CITKIT_HTTP_ONLY: a cmocka pattern ("test_enroll*") to run some
	 * tests while developing; tests/run never sets it. */
	const char *only = getenv("CITKIT_HTTP_ONLY");
	if (only && *only)
		cmocka_set_test_filter(only);
	return _cmocka_run_group_tests("http", tests, n, setup, teardown);
}
