/* curricula.c: the HTTP suite's curriculum cases: the pages from the
 * model to an approved local version, the JSON API, who may do what, and
 * the admin's guideline thresholds. Every page fetched goes through tidy
 * inside http(). Part of test_http (curricula_tests.h). */
#include "curricula_tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void problem(const hresp *r, long status)
{
	expect_status(r, status);
	if (strncmp(r->content_type, "application/problem+json", 24) != 0)
		fail_msg("%ld: Content-Type %s, want application/problem+json", status,
		         r->content_type);
}

static void bearer(agent *a, const char *token)
{
	memset(a, 0, sizeof *a);
	snprintf(a->bearer, sizeof a->bearer, "%s", token);
}

/* The national model's approved version, through the API. */
static int64_t model_version(agent *api)
{
	hresp r;
	http_get(api, "/api/v1/curricula", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r), *items = json_object_get(j, "items"), *it;
	size_t i;
	int64_t id = 0;
	json_array_foreach(items, i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "kind")), "model"))
			id = json_integer_value(json_object_get(it, "approved_version_id"));
	}
	json_decref(j);
	hresp_free(&r);
	if (!id)
		fail_msg("no approved model version in /api/v1/curricula");
	return id;
}

/* The id of the module whose member key is value in version vid, or 0. */
static int64_t module_where(agent *api, int64_t vid, const char *key, const char *value)
{
	char path[128];
	hresp r;
	snprintf(path, sizeof path, "/api/v1/curricula/%lld", (long long)vid);
	http_get(api, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r), *mods = json_object_get(j, "modules"), *it;
	size_t i;
	int64_t id = 0;
	json_array_foreach(mods, i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, key)), value))
			id = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(j);
	hresp_free(&r);
	return id;
}

/* The id of the module with code in version vid. */
static int64_t module_id(agent *api, int64_t vid, const char *code)
{
	int64_t id = module_where(api, vid, "code", code);
	if (!id)
		fail_msg("no module %s in version %lld", code, (long long)vid);
	return id;
}

/* The id at the end of a redirect to /curricula/{id}?… */
static int64_t redirect_id(const hresp *r)
{
	expect_redirect(r, "/curricula/");
	return strtoll(strstr(r->location, "/curricula/") + 11, NULL, 10);
}

static void get_ok(agent *a, const char *path, const char *must)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, 200);
	if (must && !strstr(r.body, must))
		fail_msg("GET %s lacks \"%s\"", path, must);
	hresp_free(&r);
}

void test_curricula_pages(void **state)
{
	(void)state;
	agent *a = admin_agent(), api;
	bearer(&api, admin_token());
	int64_t model = model_version(&api);
	char path[160], fields[512];
	hresp r;
	get_ok(a, "/curricula", "National CIT curriculum model");
	snprintf(path, sizeof path, "/curricula/%lld", (long long)model);
	get_ok(a, path, "Every rule passes.");

	/* Derive, add a module, re-time one out of range. */
	snprintf(fields, sizeof fields, "from_version_id=%lld&name=%s", (long long)model,
	         form_enc("Pages CIT"));
	http_post_form(a, "/curricula", fields, &r);
	int64_t draft = redirect_id(&r);
	hresp_free(&r);
	snprintf(path, sizeof path, "/curricula/%lld", (long long)draft);
	get_ok(a, path, "Add a local module");
	snprintf(path, sizeof path, "/curricula/%lld/modules/new", (long long)draft);
	get_ok(a, path, "Add module");
	snprintf(path, sizeof path, "/curricula/%lld/modules", (long long)draft);
	http_post_form(a, path,
	               "title=Local+history&component=program&minutes=30&day=1&"
	               "instructor_kinds=officer&instructor_kinds=presenter&objectives=Know+us",
	               &r);
	assert_int_equal(redirect_id(&r), draft);
	hresp_free(&r);
	http_post_form(a, path, "title=&component=zoo&minutes=0", &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "There is a problem"));
	hresp_free(&r);
	int64_t play = module_id(&api, draft, "role-play-2");
	snprintf(path, sizeof path, "/curricula/%lld/modules/%lld", (long long)draft,
	         (long long)play);
	get_ok(a, path, "Save module");
	http_post_form(a, path, "title=Role+play+II&minutes=460&day=5&position=1", &r);
	assert_int_equal(redirect_id(&r), draft);
	hresp_free(&r);
	snprintf(path, sizeof path, "/curricula/%lld", (long long)draft);
	get_ok(a, path, "data-rule=\"required.timing\"><strong>Fail:");

	/* Approval refused while a rule fails; the page says which. */
	snprintf(path, sizeof path, "/curricula/%lld/approve", (long long)draft);
	http_post_form(a, path, "", &r);
	expect_status(&r, 409);
	assert_non_null(strstr(r.body, "within"));
	hresp_free(&r);
	/* A required module cannot be removed. */
	snprintf(path, sizeof path, "/curricula/%lld/modules/%lld/remove", (long long)draft,
	         (long long)play);
	http_post_form(a, path, "", &r);
	expect_status(&r, 409);
	hresp_free(&r);
	snprintf(path, sizeof path, "/curricula/%lld/modules/%lld", (long long)draft,
	         (long long)play);
	http_post_form(a, path, "minutes=360", &r);
	hresp_free(&r);
	snprintf(path, sizeof path, "/curricula/%lld/approve", (long long)draft);
	http_post_form(a, path, "", &r);
	assert_int_equal(redirect_id(&r), draft);
	hresp_free(&r);
	snprintf(path, sizeof path, "/curricula/%lld?done=approved", (long long)draft);
	get_ok(a, path, "Make a new draft version");

	/* Approved: no more changes. */
	snprintf(path, sizeof path, "/curricula/%lld/modules/%lld", (long long)draft,
	         (long long)play);
	http_post_form(a, path, "minutes=300", &r);
	expect_status(&r, 409);
	assert_non_null(strstr(r.body, "Approved versions cannot change; make a new version"));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "from_version_id=%lld", (long long)draft);
	http_post_form(a, "/curricula", fields, &r);
	int64_t v2 = redirect_id(&r);
	assert_true(v2 > draft);
	hresp_free(&r);
	get_ok(a, "/curricula", "Pages CIT");
	/* The model needs a name to derive from. */
	snprintf(fields, sizeof fields, "from_version_id=%lld&name=", (long long)model);
	http_post_form(a, "/curricula", fields, &r);
	expect_status(&r, 422);
	hresp_free(&r);
	http_get(a, "/curricula/999999", &r);
	expect_status(&r, 404);
	hresp_free(&r);
}

void test_curricula_api(void **state)
{
	(void)state;
	agent api;
	bearer(&api, admin_token());
	int64_t model = model_version(&api);
	char body[512], path[160];
	hresp r;
	http_json(&api, "POST", "/api/v1/curricula", "{}", &r);
	problem(&r, 422);
	hresp_free(&r);
	snprintf(body, sizeof body, "{\"from_version_id\": %lld, \"name\": \"API CIT\"}",
	         (long long)model);
	http_json(&api, "POST", "/api/v1/curricula", body, &r);
	expect_status(&r, 201);
	assert_non_null(hresp_header(&r, "Location"));
	json_t *j = hresp_json(&r);
	int64_t vid = json_integer_value(json_object_get(j, "id"));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "draft");
	assert_true(json_is_true(json_object_get(j, "rules_pass")));
	assert_int_equal(json_array_size(json_object_get(j, "rules")), 9);
	json_decref(j);
	hresp_free(&r);
	http_json(&api, "POST", "/api/v1/curricula", body, &r); /* the name is taken */
	problem(&r, 409);
	hresp_free(&r);

	snprintf(path, sizeof path, "/api/v1/curricula/%lld/modules", (long long)vid);
	http_json(&api, "POST", path,
	          "{\"title\": \"Local\", \"component\": \"legal\", \"minutes\": 20, "
	          "\"code\": \"local-law\", \"instructor_kinds\": [\"officer\", \"clinician\"]}",
	          &r);
	expect_status(&r, 201);
	hresp_free(&r);
	int64_t local = module_id(&api, vid, "local-law");
	int64_t legal = module_id(&api, vid, "legal-issues");
	snprintf(path, sizeof path, "/api/v1/curricula/%lld/modules/%lld", (long long)vid,
	         (long long)legal);
	http_json(&api, "PATCH", path, "{\"minutes\": -1}", &r);
	problem(&r, 422);
	hresp_free(&r);
	http_json(&api, "PATCH", path, "{\"minutes\": 100, \"position\": 2}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_json(&api, "DELETE", path, NULL, &r);
	problem(&r, 409);
	hresp_free(&r);
	/* A module of another version is not found under this one. */
	snprintf(path, sizeof path, "/api/v1/curricula/%lld/modules/%lld", (long long)model,
	         (long long)local);
	http_json(&api, "DELETE", path, NULL, &r);
	problem(&r, 404);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/curricula/%lld/modules/%lld", (long long)vid,
	         (long long)local);
	http_json(&api, "DELETE", path, NULL, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/curricula/%lld", (long long)vid);
	http_json(&api, "PATCH", path, "{\"title\": \"API CIT 2026\"}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/curricula/%lld/approve", (long long)vid);
	http_json(&api, "POST", path, NULL, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "approved");
	assert_string_equal(json_string_value(json_object_get(j, "title")), "API CIT 2026");
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/curricula/%lld", (long long)vid);
	http_json(&api, "PATCH", path, "{\"title\": \"Again\"}", &r);
	problem(&r, 409);
	assert_non_null(strstr(r.body, "approved versions cannot change; make a new version"));
	hresp_free(&r);
	http_get(&api, "/api/v1/curricula/999999", &r);
	problem(&r, 404);
	hresp_free(&r);
}

void test_curricula_permissions(void **state)
{
	(void)state;
	agent api, officer, instructor;
	tuser off, ins;
	bearer(&api, admin_token());
	int64_t model = model_version(&api);
	char path[128], body[160];
	hresp r;
	user_make(&off, "officer", 1);
	memset(&officer, 0, sizeof officer);
	login(&officer, &off);
	const char *denied[] = {"/curricula", "/settings/guidelines", NULL};
	for (int i = 0; denied[i]; i++) {
		http_get(&officer, denied[i], &r);
		if (r.status != 403)
			fail_msg("officer GET %s: %ld, want 403", denied[i], r.status);
		hresp_free(&r);
	}
	user_make(&ins, "instructor", 1);
	memset(&instructor, 0, sizeof instructor);
	login(&instructor, &ins);
	snprintf(path, sizeof path, "/curricula/%lld", (long long)model);
	http_get(&instructor, path, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "Derive a local curriculum")); /* reads, no forms */
	hresp_free(&r);
	snprintf(body, sizeof body, "from_version_id=%lld&name=Nope", (long long)model);
	http_post_form(&instructor, "/curricula", body, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_get(&instructor, "/settings/guidelines", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	agent off_api, ins_api;
	memset(&off_api, 0, sizeof off_api);
	harness_token_for(off.email, off_api.bearer, sizeof off_api.bearer);
	memset(&ins_api, 0, sizeof ins_api);
	harness_token_for(ins.email, ins_api.bearer, sizeof ins_api.bearer);
	http_get(&off_api, "/api/v1/curricula", &r);
	problem(&r, 403);
	hresp_free(&r);
	http_get(&ins_api, "/api/v1/curricula", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(body, sizeof body, "{\"from_version_id\": %lld, \"name\": \"Nope\"}",
	         (long long)model);
	http_json(&ins_api, "POST", "/api/v1/curricula", body, &r);
	problem(&r, 403);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/curricula/%lld/approve", (long long)model);
	http_json(&ins_api, "POST", path, NULL, &r);
	problem(&r, 403);
	hresp_free(&r);
	agent none;
	memset(&none, 0, sizeof none);
	http_get(&none, "/api/v1/curricula", &r);
	problem(&r, 401);
	hresp_free(&r);
}

void test_guideline_settings(void **state)
{
	(void)state;
	agent *a = admin_agent();
	hresp r;
	get_ok(a, "/settings/guidelines", "Save thresholds");
	http_post_form(a, "/settings/guidelines", "total=-5&legal=x", &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "There is a problem"));
	hresp_free(&r);
	http_post_form(a, "/settings/guidelines",
	               "total=2400&scenarios=480&deescalation=240&lived_experience=120&"
	               "clinical=720&resources=120&legal=60&retime_percent=25",
	               &r);
	expect_redirect(&r, "/settings/guidelines?done=saved");
	hresp_free(&r);
	get_ok(a, "/settings/guidelines?done=saved", "The thresholds were saved.");
}

/* The title of version vid, through the API, into out. */
static void version_title(agent *api, int64_t vid, char *out, size_t outlen)
{
	char path[128];
	hresp r;
	snprintf(path, sizeof path, "/api/v1/curricula/%lld", (long long)vid);
	http_get(api, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	snprintf(out, outlen, "%s", json_string_value(json_object_get(j, "title")));
	json_decref(j);
	hresp_free(&r);
}

/* POST /curricula/{id}: a draft's title, from its page. Coordinators and
 * admins; an empty or too long title is the page again (422) naming the
 * title; an approved version keeps its title; others 403. */
void test_curricula_title(void **state)
{
	(void)state;
	agent api;
	bearer(&api, admin_token());
	int64_t model = model_version(&api);
	char path[160], body[256], title[256], model_title[256];
	hresp r;
	snprintf(body, sizeof body, "{\"from_version_id\": %lld, \"name\": \"Title CIT %ld\"}",
	         (long long)model, (long)getpid());
	http_json(&api, "POST", "/api/v1/curricula", body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	int64_t draft = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);

	tuser coord_u, ins_u, off_u;
	agent coord = {0}, ins = {0}, off = {0}, nobody = {0};
	user_make(&coord_u, "coordinator", 2);
	user_make(&ins_u, "instructor", 1);
	user_make(&off_u, "officer", 1);
	login(&coord, &coord_u);
	login(&ins, &ins_u);
	login(&off, &off_u);
	snprintf(path, sizeof path, "/curricula/%lld", (long long)draft);
	get_ok(&coord, path, "name=\"title\"");
	http_post_form(&coord, path, "title=Pine+Belt+CIT%2C+spring", &r);
	assert_int_equal(redirect_id(&r), draft);
	assert_non_null(strstr(r.location, "done=saved"));
	hresp_free(&r);
	version_title(&api, draft, title, sizeof title);
	assert_string_equal(title, "Pine Belt CIT, spring");

	/* Refused, nothing written. */
	http_post_form(&coord, path, "title=", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "title");
	hresp_free(&r);
	char fields[300] = "title=";
	memset(fields + 6, 'x', 201);
	fields[207] = '\0';
	http_post_form(&coord, path, fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "title");
	hresp_free(&r);
	http_post_form(&ins, path, "title=Instructor+title", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_post_form(&off, path, "title=Officer+title", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_post_form(&nobody, path, "title=Nobody+title", &r);
	if (r.status != 403 && !(r.status == 303 && !strncmp(r.location, "/login", 6)))
		fail_msg("POST %s signed out: %ld", path, r.status);
	hresp_free(&r);
	http_post_form(&coord, "/curricula/999999", "title=Nowhere", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	version_title(&api, draft, title, sizeof title);
	assert_string_equal(title, "Pine Belt CIT, spring");

	/* A local module added to the draft is removed from its page (the
	 * model's required ones are not: test_curricula_pages). */
	snprintf(path, sizeof path, "/curricula/%lld/modules", (long long)draft);
	http_post_form(&coord, path, "title=Local+roads&component=program&minutes=30&day=1", &r);
	assert_int_equal(redirect_id(&r), draft);
	hresp_free(&r);
	int64_t local = module_where(&api, draft, "title", "Local roads");
	if (!local)
		fail_msg("the added module is not in the draft");
	snprintf(path, sizeof path, "/curricula/%lld/modules/%lld/remove", (long long)draft,
	         (long long)local);
	http_post_form(&ins, path, "", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	assert_true(module_where(&api, draft, "title", "Local roads") == local);
	http_post_form(&coord, path, "", &r);
	assert_int_equal(redirect_id(&r), draft);
	hresp_free(&r);
	assert_true(module_where(&api, draft, "title", "Local roads") == 0);
	http_post_form(&coord, path, "", &r);
	expect_status(&r, 404);
	hresp_free(&r);

	/* An approved version is not a draft: its title stays. */
	version_title(&api, model, model_title, sizeof model_title);
	snprintf(path, sizeof path, "/curricula/%lld", (long long)model);
	http_post_form(&coord, path, "title=Renamed+model", &r);
	if (r.status != 409 && r.status != 422)
		fail_msg("POST %s (approved): %ld, want 409 or 422", path, r.status);
	hresp_free(&r);
	version_title(&api, model, title, sizeof title);
	assert_string_equal(title, model_title);
}
