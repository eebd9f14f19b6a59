/* people.c: HTTP tests of partner organizations and people beyond what
 * test_http.c's contracts cover: the organization API (list, one,
 * change), changing and unlocking people over the API, and the page forms
 * that add and change organizations and people, set someone's password,
 * remove their second factor, change one's own password and end one's
 * other sessions. Each: the change read back, the bad input refused with
 * its field named and nothing written, and who may (403 for a role
 * without the permission, 401 or the sign-in page for nobody, 404 for
 * what does not exist). */
#include "people.h"
#include "enroll.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ORG_A = 1, ORG_B = 2 };

static void bearer(agent *a, const char *email)
{
	memset(a, 0, sizeof *a);
	harness_token_for(email, a->bearer, sizeof a->bearer);
}

static agent admin_bearer(void)
{
	agent a = {0};
	snprintf(a.bearer, sizeof a.bearer, "%s", admin_token());
	return a;
}

/* A signed-in browser of a new user with roles; its csrf is the
 * dashboard's. */
static void browser(agent *a, tuser *u, const char *roles, int64_t org)
{
	user_make(u, roles, org);
	memset(a, 0, sizeof *a);
	login(a, u);
}

/* The 422 (or 409) problem names field among its errors. */
static void expect_field(const hresp *r, long status, const char *field)
{
	expect_status(r, status);
	if (strncmp(r->content_type, "application/problem+json", 24) != 0)
		fail_msg("%ld: Content-Type %s, want problem+json", status, r->content_type);
	json_t *j = hresp_json(r);
	bool found = false;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(j, "errors"), i, e)
	{
		const char *f = json_string_value(json_object_get(e, "field"));
		if (f && !strcmp(f, field))
			found = true;
	}
	json_decref(j);
	if (!found)
		fail_msg("want an error on %s: %s", field, r->body);
}

/* A string member of GET path, into out. */
static void read_back(agent *a, const char *path, const char *key, char *out, size_t outlen)
{
	json_t *j = http_get_json(a, path);
	const char *v = json_string_value(json_object_get(j, key));
	snprintf(out, outlen, "%s", v ? v : "(none)");
	json_decref(j);
}

static long long count_where(const char *table, const char *where)
{
	char q[512];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM %s WHERE %s", table, where);
	return sql_int(q);
}

static long long audit_rows(void)
{
	return sql_int("SELECT COUNT(*) FROM audit_log");
}

/* Adds an organization through the API; its id. */
static long long org_add(agent *api, const char *name)
{
	char body[256];
	snprintf(body, sizeof body, "{\"name\": \"%s\", \"kind\": \"hospital\"}", name);
	hresp r;
	http_json(api, "POST", "/api/v1/orgs", body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long long id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	return id;
}

/* GET /api/v1/orgs, GET /api/v1/orgs/{id}, PATCH /api/v1/orgs/{id}. */
void test_orgs_api(void **state)
{
	(void)state;
	agent admin = admin_bearer();
	long pid = (long)getpid();
	char name[128], other[128], path[128], body[256], got[256];
	snprintf(name, sizeof name, "Orgs API Clinic %ld", pid);
	snprintf(other, sizeof other, "Orgs API Other %ld", pid);
	long long id = org_add(&admin, name);
	org_add(&admin, other);

	/* The list, by name, paged; every role reads it. */
	tuser off_u, coord_u, sup_u;
	user_make(&off_u, "officer", ORG_A);
	user_make(&coord_u, "coordinator", ORG_B);
	user_make(&sup_u, "supervisor", ORG_A);
	agent off, coord, sup, nobody = {0};
	bearer(&off, off_u.email);
	bearer(&coord, coord_u.email);
	bearer(&sup, sup_u.email);
	json_t *j = http_get_json(&off, "/api/v1/orgs?limit=200");
	bool listed = false;
	size_t i;
	json_t *it;
	const char *prev = "";
	json_array_foreach(json_object_get(j, "items"), i, it)
	{
		const char *n = json_string_value(json_object_get(it, "name"));
		assert_non_null(n);
		if (strcmp(prev, n) > 0)
			fail_msg("the organizations are not by name: %s before %s", prev, n);
		prev = n;
		if (!strcmp(n, name))
			listed = true;
	}
	json_decref(j);
	if (!listed)
		fail_msg("GET /api/v1/orgs does not list %s", name);
	j = http_get_json(&off, "/api/v1/orgs?limit=1");
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	assert_non_null(json_string_value(json_object_get(j, "next_cursor")));
	json_decref(j);
	hresp r;
	http_get(&off, "/api/v1/orgs?limit=0", &r);
	expect_field(&r, 422, "limit");
	hresp_free(&r);
	http_get(&nobody, "/api/v1/orgs", &r);
	expect_status(&r, 401);
	hresp_free(&r);

	/* One. */
	snprintf(path, sizeof path, "/api/v1/orgs/%lld", id);
	j = http_get_json(&sup, path);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
	assert_string_equal(json_string_value(json_object_get(j, "name")), name);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "hospital");
	json_decref(j);
	http_get(&off, "/api/v1/orgs/999999", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	http_get(&nobody, path, &r);
	expect_status(&r, 401);
	hresp_free(&r);

	/* Changed by a coordinator; read back. */
	snprintf(name, sizeof name, "Orgs API Renamed %ld", pid);
	snprintf(body, sizeof body, "{\"name\": \"%s\", \"kind\": \"advocacy\"}", name);
	expect_json_status(&coord, "PATCH", path, body, 200);
	read_back(&off, path, "name", got, sizeof got);
	assert_string_equal(got, name);
	read_back(&off, path, "kind", got, sizeof got);
	assert_string_equal(got, "advocacy");

	/* Refused, nothing written: a bad kind, an empty name (422), a taken
	 * name (409); an officer or supervisor (403), nobody (401), no such
	 * organization (404). */
	long long audit = audit_rows();
	http_json(&admin, "PATCH", path, "{\"kind\": \"spaceship\", \"name\": \"Ghost\"}", &r);
	expect_field(&r, 422, "kind");
	hresp_free(&r);
	http_json(&admin, "PATCH", path, "{\"name\": \"\"}", &r);
	expect_field(&r, 422, "name");
	hresp_free(&r);
	snprintf(body, sizeof body, "{\"name\": \"%s\"}", other);
	http_json(&admin, "PATCH", path, body, &r);
	expect_field(&r, 409, "name");
	hresp_free(&r);
	const char *change = "{\"name\": \"Not Allowed Org\"}";
	expect_json_status(&off, "PATCH", path, change, 403);
	expect_json_status(&sup, "PATCH", path, change, 403);
	expect_json_status(&nobody, "PATCH", path, change, 401);
	expect_json_status(&admin, "PATCH", "/api/v1/orgs/999999", change, 404);
	read_back(&off, path, "name", got, sizeof got);
	assert_string_equal(got, name);
	read_back(&off, path, "kind", got, sizeof got);
	assert_string_equal(got, "advocacy");
	assert_int_equal(count_where("orgs", "name IN ('Ghost', 'Not Allowed Org')"), 0);
	assert_int_equal(audit_rows(), audit);
}

/* POST /orgs/new and POST /orgs/{id}: the forms. */
void test_orgs_pages(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	agent api = admin_bearer();
	long pid = (long)getpid();
	char name[128], fields[512], path[128], got[256];
	snprintf(name, sizeof name, "Orgs Page Hospital %ld", pid);
	hresp r;
	http_get(admin, "/orgs/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "name=%s&kind=hospital", form_enc(name));
	http_post_form(admin, "/orgs/new", fields, &r);
	expect_redirect(&r, "/orgs/");
	if (!strstr(r.location, "done=created"))
		fail_msg("POST /orgs/new went to %s", r.location);
	long long id = strtoll(r.location + strlen("/orgs/"), NULL, 10);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/orgs/%lld", id);
	read_back(&api, path, "name", got, sizeof got);
	assert_string_equal(got, name);

	/* Changed through its page by a coordinator. */
	tuser coord_u, off_u, sup_u;
	agent coord, off, sup;
	browser(&coord, &coord_u, "coordinator", ORG_A);
	snprintf(path, sizeof path, "/orgs/%lld", id);
	http_get(&coord, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Save changes"));
	hresp_free(&r);
	snprintf(name, sizeof name, "Orgs Page Renamed %ld", pid);
	snprintf(fields, sizeof fields, "name=%s&kind=mental_health", form_enc(name));
	http_post_form(&coord, path, fields, &r);
	expect_redirect(&r, path);
	assert_non_null(strstr(r.location, "done=saved"));
	snprintf(fields, sizeof fields, "%s", r.location);
	hresp_free(&r);
	http_get(&coord, fields, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Your changes were saved."));
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/orgs/%lld", id);
	read_back(&api, path, "name", got, sizeof got);
	assert_string_equal(got, name);
	read_back(&api, path, "kind", got, sizeof got);
	assert_string_equal(got, "mental_health");

	/* Bad input: the form again (422) with each field's message;
	 * nothing written. */
	long long audit = audit_rows();
	snprintf(path, sizeof path, "/orgs/%lld", id);
	http_post_form(&coord, path, "name=&kind=spaceship", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "name");
	expect_form_error(&r, "kind");
	hresp_free(&r);
	http_post_form(admin, "/orgs/new", "name=&kind=spaceship", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "kind");
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/orgs/%lld", id);
	read_back(&api, path, "name", got, sizeof got);
	assert_string_equal(got, name);
	assert_int_equal(audit_rows(), audit);

	/* Officers and supervisors read the page, without the form, and may
	 * not post it. */
	browser(&off, &off_u, "officer", ORG_A);
	browser(&sup, &sup_u, "supervisor", ORG_A);
	snprintf(path, sizeof path, "/orgs/%lld", id);
	snprintf(fields, sizeof fields, "name=%s&kind=other", form_enc("Hijacked Org"));
	agent *readers[] = {&off, &sup};
	for (size_t k = 0; k < 2; k++) {
		http_get(readers[k], path, &r);
		expect_status(&r, 200);
		assert_null(strstr(r.body, "Save changes"));
		hresp_free(&r);
		expect_form_status(readers[k], path, fields, 403);
		expect_form_status(readers[k], "/orgs/new", fields, 403);
	}
	expect_signed_out_refused(path, fields);
	expect_form_status(admin, "/orgs/999999", fields, 404);
	assert_int_equal(count_where("orgs", "name = 'Hijacked Org'"), 0);
}

static void lock(tuser *u)
{
	char q[256];
	snprintf(q, sizeof q, "UPDATE users SET locked_at = %ld WHERE id = %lld", (long)time(NULL),
	         (long long)user_id_of(u));
	sql_int(q);
}

static bool is_locked(agent *api, tuser *u)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)user_id_of(u));
	json_t *j = http_get_json(api, path);
	bool locked = json_is_true(json_object_get(j, "is_locked"));
	json_decref(j);
	return locked;
}

/* PATCH /api/v1/users/{id} and POST /api/v1/users/{id}/unlock. */
void test_users_api(void **state)
{
	(void)state;
	agent admin = admin_bearer();
	tuser target, coord_u, sup_u, off_u, other;
	user_make(&target, "officer", ORG_A);
	user_make(&coord_u, "coordinator", ORG_B);
	user_make(&sup_u, "supervisor", ORG_A);
	user_make(&off_u, "officer", ORG_A);
	user_make(&other, "officer", ORG_B);
	agent coord, sup, off, nobody = {0};
	bearer(&coord, coord_u.email);
	bearer(&sup, sup_u.email);
	bearer(&off, off_u.email);
	char path[128], body[512], got[256];
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)user_id_of(&target));

	/* A coordinator renames and moves them, adds a role; read back. */
	snprintf(body, sizeof body,
	         "{\"name\": \"Renamed Through API\", \"org_id\": %d, "
	         "\"roles\": [\"officer\", \"dispatcher\"]}",
	         ORG_B);
	hresp r;
	expect_json_status(&coord, "PATCH", path, body, 200);
	json_t *j = http_get_json(&admin, path);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Renamed Through API");
	assert_int_equal(json_integer_value(json_object_get(j, "org_id")), ORG_B);
	json_t *roles = json_object_get(j, "roles");
	assert_int_equal(json_array_size(roles), 2);
	json_decref(j);

	/* Refused, nothing written. */
	long long audit = audit_rows();
	const char *bad[][3] = {
	    {"{\"email\": \"not-an-email\"}", "email", "422"},
	    {"{\"roles\": [\"wizard\"]}", "roles", "422"},
	    {"{\"roles\": []}", "roles", "422"}, /* everyone has a role */
	    {"{\"org_id\": 999999}", "org_id", "422"},
	    {"{\"name\": \"\"}", "name", "422"},
	    {"{\"roles\": [\"admin\"]}", "roles", "422"}, /* only an admin grants admin */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		http_json(&coord, "PATCH", path, bad[k][0], &r);
		if (r.status != 422 && r.status != 409)
			fail_msg("PATCH %s %s: %ld", path, bad[k][0], r.status);
		expect_field(&r, strtol(bad[k][2], NULL, 10), bad[k][1]);
		hresp_free(&r);
	}
	snprintf(body, sizeof body, "{\"email\": \"%s\"}", other.email);
	http_json(&coord, "PATCH", path, body, &r);
	expect_field(&r, 409, "email");
	hresp_free(&r);
	const char *change = "{\"name\": \"Not Allowed Name\"}";
	expect_json_status(&sup, "PATCH", path, change, 403);
	expect_json_status(&off, "PATCH", path, change, 403);
	expect_json_status(&nobody, "PATCH", path, change, 401);
	expect_json_status(&admin, "PATCH", "/api/v1/users/999999", change, 404);
	j = http_get_json(&admin, path);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Renamed Through API");
	assert_string_equal(json_string_value(json_object_get(j, "email")), target.email);
	assert_int_equal(json_integer_value(json_object_get(j, "org_id")), ORG_B);
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 2);
	json_decref(j);
	assert_int_equal(audit_rows(), audit);

	/* Added over the API: 201 with Location, read back; bad input 422
	 * naming each field, nothing written; supervisors 403. */
	char email[128];
	snprintf(email, sizeof email, "api.made.%ld@suite.example", (long)getpid());
	snprintf(body, sizeof body,
	         "{\"email\": \"%s\", \"name\": \"Made Over API\", \"org_id\": %d, "
	         "\"roles\": [\"clinician\"]}",
	         email, ORG_A);
	http_json(&coord, "POST", "/api/v1/users", body, &r);
	expect_status(&r, 201);
	const char *loc = hresp_header(&r, "Location");
	if (!loc || strncmp(loc, "/api/v1/users/", 14) != 0)
		fail_msg("POST /api/v1/users: Location %s", loc ? loc : "(none)");
	char made[128];
	snprintf(made, sizeof made, "%s", loc);
	hresp_free(&r);
	j = http_get_json(&admin, made);
	assert_string_equal(json_string_value(json_object_get(j, "email")), email);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "roles"), 0)),
	                    "clinician");
	json_decref(j);
	audit = audit_rows();
	http_json(&coord, "POST", "/api/v1/users",
	          "{\"email\": \"nope\", \"name\": \"\", \"org_id\": 1, \"roles\": [\"wizard\"]}",
	          &r);
	expect_field(&r, 422, "email");
	expect_field(&r, 422, "name");
	expect_field(&r, 422, "roles");
	hresp_free(&r);
	snprintf(body, sizeof body,
	         "{\"email\": \"sup.made.%ld@suite.example\", \"name\": \"Sup Made\", "
	         "\"org_id\": %d, \"roles\": [\"officer\"]}",
	         (long)getpid(), ORG_A);
	expect_json_status(&sup, "POST", "/api/v1/users", body, 403);
	assert_int_equal(count_where("users", "email IN ('nope') OR name = 'Sup Made'"), 0);
	assert_int_equal(audit_rows(), audit);

	/* Unlock: admins only. */
	lock(&target);
	assert_true(is_locked(&admin, &target));
	snprintf(path, sizeof path, "/api/v1/users/%lld/unlock", (long long)user_id_of(&target));
	agent *refused[] = {&coord, &sup, &off};
	for (size_t k = 0; k < 3; k++) {
		expect_json_status(refused[k], "POST", path, NULL, 403);
	}
	expect_json_status(&nobody, "POST", path, NULL, 401);
	expect_json_status(&admin, "POST", "/api/v1/users/999999/unlock", NULL, 404);
	assert_true(is_locked(&admin, &target));
	http_json(&admin, "POST", path, NULL, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_false(json_is_true(json_object_get(j, "is_locked")));
	json_decref(j);
	hresp_free(&r);
	assert_false(is_locked(&admin, &target));
	agent a = {0};
	login(&a, &target); /* and they sign in again */
	(void)got;
}

/* The id in a "/users/ID?done=…" redirect. */
static long long id_from(const char *location)
{
	const char *p = strstr(location, "/users/");
	return p ? strtoll(p + 7, NULL, 10) : 0;
}

/* POST /users/new and POST /users/{id}. */
void test_users_pages(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	agent api = admin_bearer();
	long pid = (long)getpid();
	char email[128], fields[1024], path[128], got[256];
	snprintf(email, sizeof email, "page.new.%ld@suite.example", pid);
	hresp r;
	http_get(admin, "/users/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields,
	         "name=%s&email=%s&org_id=%d&roles=officer&roles=clinician&is_active=1"
	         "&password=%s",
	         form_enc("Paged Person"), form_enc(email), ORG_A,
	         form_enc("Amber-Window-Kettle-42"));
	http_post_form(admin, "/users/new", fields, &r);
	expect_redirect(&r, "/users/");
	assert_non_null(strstr(r.location, "done=created"));
	long long id = id_from(r.location);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	json_t *j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "email")), email);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Paged Person");
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 2);
	assert_true(json_is_true(json_object_get(j, "has_password")));
	json_decref(j);
	tuser made = {0};
	snprintf(made.email, sizeof made.email, "%s", email);
	snprintf(made.password, sizeof made.password, "Amber-Window-Kettle-42");
	snprintf(made.roles, sizeof made.roles, "officer,clinician");
	agent made_a = {0};
	login(&made_a, &made); /* the first password works */

	/* Bad input: the form again, each field named; nothing written. */
	long long audit = audit_rows();
	char bad_email[128];
	snprintf(bad_email, sizeof bad_email, "page.bad.%ld@suite.example", pid);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=%d&is_active=1",
	         form_enc("Bad Person"), form_enc("not-an-email"), ORG_A);
	http_post_form(admin, "/users/new", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "email");
	expect_form_error(&r, "roles");
	hresp_free(&r);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=999999&roles=officer&is_active=1",
	         form_enc("Bad Person"), form_enc(bad_email));
	http_post_form(admin, "/users/new", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "org_id");
	hresp_free(&r);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=%d&roles=officer&is_active=1",
	         form_enc("Twice"), form_enc(email), ORG_A);
	http_post_form(admin, "/users/new", fields, &r);
	expect_status(&r, 409);
	expect_form_error(&r, "email");
	hresp_free(&r);
	snprintf(fields, sizeof fields,
	         "name=%s&email=%s&org_id=%d&roles=officer&is_active=1&password=short",
	         form_enc("Weak Password"), form_enc(bad_email), ORG_A);
	http_post_form(admin, "/users/new", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "password");
	hresp_free(&r);
	char where[256];
	snprintf(where, sizeof where,
	         "email IN ('%s', 'not-an-email') OR name IN ('Twice', 'Bad Person')", bad_email);
	assert_int_equal(count_where("users", where), 0);
	assert_int_equal(audit_rows(), audit);

	/* The person's page: renamed by a coordinator, read back. */
	tuser coord_u, sup_u, off_u;
	agent coord, sup, off;
	browser(&coord, &coord_u, "coordinator", ORG_B);
	snprintf(path, sizeof path, "/users/%lld", id);
	http_get(&coord, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=%d&roles=officer&is_active=1",
	         form_enc("Paged Person Renamed"), form_enc(email), ORG_B);
	http_post_form(&coord, path, fields, &r);
	expect_redirect(&r, path);
	assert_non_null(strstr(r.location, "done=saved"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Paged Person Renamed");
	assert_int_equal(json_integer_value(json_object_get(j, "org_id")), ORG_B);
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 1);
	json_decref(j);
	/* Unticked "active": disabled, and their session ends. */
	snprintf(path, sizeof path, "/users/%lld", id);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=%d&roles=officer",
	         form_enc("Paged Person Renamed"), form_enc(email), ORG_B);
	http_post_form(&coord, path, fields, &r);
	expect_redirect(&r, path);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	j = http_get_json(&api, path);
	assert_false(json_is_true(json_object_get(j, "is_active")));
	json_decref(j);

	/* Bad input on the page: an empty name and no roles; nothing written. */
	audit = audit_rows();
	snprintf(path, sizeof path, "/users/%lld", id);
	snprintf(fields, sizeof fields, "name=&email=%s&org_id=%d&is_active=1", form_enc(email),
	         ORG_A);
	http_post_form(&coord, path, fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "name");
	expect_form_error(&r, "roles");
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%lld", id);
	read_back(&api, path, "name", got, sizeof got);
	assert_string_equal(got, "Paged Person Renamed");
	assert_int_equal(audit_rows(), audit);

	/* Supervisors and officers: 403 on both forms. */
	browser(&sup, &sup_u, "supervisor", ORG_B);
	browser(&off, &off_u, "officer", ORG_B);
	snprintf(path, sizeof path, "/users/%lld", id);
	snprintf(fields, sizeof fields, "name=%s&email=%s&org_id=%d&roles=admin&is_active=1",
	         form_enc("Hijacked Person"), form_enc(email), ORG_B);
	agent *refused[] = {&sup, &off};
	for (size_t k = 0; k < 2; k++) {
		expect_form_status(refused[k], path, fields, 403);
		expect_form_status(refused[k], "/users/new", fields, 403);
	}
	expect_form_status(admin, "/users/999999", fields, 404);
	assert_int_equal(count_where("users", "name = 'Hijacked Person'"), 0);
}

/* POST /users/{id}/password and POST /users/{id}/reset-totp. */
void test_users_page_actions(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	agent api = admin_bearer();
	tuser target, coord_u, sup_u, off_u;
	user_make(&target, "officer", ORG_A);
	agent coord, sup, off;
	browser(&coord, &coord_u, "coordinator", ORG_A);
	browser(&sup, &sup_u, "supervisor", ORG_A);
	browser(&off, &off_u, "officer", ORG_A);
	long long id = user_id_of(&target);
	char path[128], fields[256];
	snprintf(path, sizeof path, "/users/%lld/password", id);

	/* A weak password is refused, saying why; the old one still works. */
	long long audit = audit_rows();
	hresp r;
	http_post_form(&coord, path, "password=short", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "password");
	hresp_free(&r);
	http_post_form(&coord, path, "password=", &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Enter the new password"));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "password=%s", form_enc("Sideways-Otter-Violin-77"));
	expect_form_status(&sup, path, fields, 403);
	expect_form_status(&off, path, fields, 403);
	expect_form_status(&coord, "/users/999999/password", fields, 404);
	assert_int_equal(audit_rows(), audit);
	agent before = {0};
	login(&before, &target);

	/* Set by a coordinator: the new one signs in, the old one does not,
	 * and their sessions ended. */
	http_post_form(&coord, path, fields, &r);
	expect_redirect(&r, "/users/");
	assert_non_null(strstr(r.location, "done=password"));
	hresp_free(&r);
	http_get(&before, "/", &r);
	expect_redirect(&r, "/login");
	hresp_free(&r);
	agent old_pw = {0};
	http_get(&old_pw, "/login", &r);
	hresp_free(&r);
	char login_fields[512];
	snprintf(login_fields, sizeof login_fields, "email=%s&password=%s", form_enc(target.email),
	         form_enc(target.password));
	http_post_form(&old_pw, "/login", login_fields, &r);
	if (r.status == 303)
		fail_msg("the old password still signs in");
	hresp_free(&r);
	snprintf(target.password, sizeof target.password, "Sideways-Otter-Violin-77");
	agent after = {0};
	login(&after, &target);

	/* Their second factor: enrolled, then removed by an admin only. */
	totp_enrol(&after, &target);
	char upath[128];
	snprintf(upath, sizeof upath, "/api/v1/users/%lld", id);
	json_t *j = http_get_json(&api, upath);
	assert_true(json_is_true(json_object_get(j, "totp_enabled")));
	json_decref(j);
	snprintf(path, sizeof path, "/users/%lld/reset-totp", id);
	agent *refused[] = {&coord, &sup, &off};
	for (size_t k = 0; k < 3; k++) {
		expect_form_status(refused[k], path, "", 403);
	}
	expect_signed_out_refused(path, "");
	expect_form_status(admin, "/users/999999/reset-totp", "", 404);
	j = http_get_json(&api, upath);
	assert_true(json_is_true(json_object_get(j, "totp_enabled")));
	json_decref(j);
	snprintf(fields, sizeof fields, "/users/%lld", id);
	http_get(admin, fields, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Remove second factor"));
	hresp_free(&r);
	http_post_form(admin, path, "", &r);
	expect_redirect(&r, "/users/");
	assert_non_null(strstr(r.location, "done=totp-reset"));
	hresp_free(&r);
	j = http_get_json(&api, upath);
	assert_false(json_is_true(json_object_get(j, "totp_enabled")));
	json_decref(j);
}

/* GET /account/password, POST /account/password (a change that works)
 * and POST /account/sessions/end-others. */
void test_account_password_and_sessions(void **state)
{
	(void)state;
	tuser u;
	agent a, b = {0};
	browser(&a, &u, "officer", ORG_A);
	login(&b, &u);
	hresp r;
	http_get(&a, "/account/password", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "name=\"current_password\""));
	hresp_free(&r);
	agent nobody = {0};
	http_get(&nobody, "/account/password", &r);
	expect_redirect(&r, "/login");
	hresp_free(&r);

	/* The two new ones differ, or the current one is wrong: the form
	 * again with the field named; the password is unchanged. */
	const char *next = "Copper-Meadow-Lantern-19";
	char fields[512];
	snprintf(fields, sizeof fields, "current_password=%s&password=%s&password_confirm=%s",
	         form_enc(u.password), form_enc(next), form_enc("Copper-Meadow-Lantern-91"));
	http_post_form(&a, "/account/password", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "password_confirm");
	assert_non_null(strstr(r.body, "The two new passwords do not match"));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "current_password=%s&password=%s&password_confirm=%s",
	         form_enc("Wrong-Current-Password-1"), form_enc(next), form_enc(next));
	http_post_form(&a, "/account/password", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "current_password");
	hresp_free(&r);

	/* End the other sessions: b is signed out, a is not. */
	http_get(&a, "/account/sessions", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_post_form(&a, "/account/sessions/end-others", "", &r);
	expect_redirect(&r, "/account/sessions");
	hresp_free(&r);
	http_get(&b, "/", &r);
	expect_redirect(&r, "/login");
	hresp_free(&r);
	http_get(&a, "/", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	expect_signed_out_refused("/account/sessions/end-others", "");

	/* The change: the new password signs in, the old one no longer. */
	http_get(&a, "/account/password", &r);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "current_password=%s&password=%s&password_confirm=%s",
	         form_enc(u.password), form_enc(next), form_enc(next));
	expect_form_status(&a, "/account/password", fields, 303);
	agent old_pw = {0};
	http_get(&old_pw, "/login", &r);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "email=%s&password=%s", form_enc(u.email),
	         form_enc(u.password));
	http_post_form(&old_pw, "/login", fields, &r);
	if (r.status == 303)
		fail_msg("the old password still signs in");
	hresp_free(&r);
	snprintf(u.password, sizeof u.password, "%s", next);
	agent c = {0};
	login(&c, &u);
}
