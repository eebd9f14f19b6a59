/* scenarios.c: the scenario library over HTTP on both engines: the
 * starter library `citkit init` loaded, every route of the JSON API and
 * each role's permission on it, bad input that writes nothing (422 per
 * field, 409 for a code in use), the import (all or nothing, every bad
 * item reported) and export round trip, the pages (through tidy), and
 * the proof that an officer reads no role-player brief by page, API or
 * guessed URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enroll.h"
#include "harness.h"
#include "scenarios_http.h"

static agent api_as(const char *email)
{
	agent a;
	memset(&a, 0, sizeof a);
	harness_token_for(email, a.bearer, sizeof a.bearer);
	return a;
}

static agent admin_api(void)
{
	agent a;
	memset(&a, 0, sizeof a);
	snprintf(a.bearer, sizeof a.bearer, "%s", admin_token());
	return a;
}

/* A new user of roles and an API agent for them. */
static agent role_api(const char *roles, tuser *u)
{
	user_make(u, roles, 1);
	return api_as(u->email);
}

static long long id_of(const hresp *r)
{
	json_t *j = hresp_json(r);
	long long id = (long long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

/* The library's scenario with this code, by the API as admin. */
static long long scenario_id(const char *code)
{
	agent admin = admin_api();
	hresp r;
	long long id = 0;
	char path[128];
	const char *cursor = NULL;
	char next[64] = "";
	for (int page = 0; page < 10 && !id; page++) {
		snprintf(path, sizeof path, "/api/v1/scenarios?limit=50%s%s",
		         cursor ? "&cursor=" : "", cursor ? cursor : "");
		http_get(&admin, path, &r);
		expect_status(&r, 200);
		json_t *j = hresp_json(&r);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(j, "items"), i, it)
		{
			if (!strcmp(json_string_value(json_object_get(it, "code")), code))
				id = (long long)json_integer_value(json_object_get(it, "id"));
		}
		const char *nc = json_string_value(json_object_get(j, "next_cursor"));
		snprintf(next, sizeof next, "%s", nc ? nc : "");
		cursor = *next ? next : NULL;
		json_decref(j);
		hresp_free(&r);
		if (!cursor)
			break;
	}
	if (!id)
		fail_msg("no scenario %s in the library", code);
	return id;
}

static void expect_field_error(const hresp *r, long status, const char *field)
{
	expect_status(r, status);
	json_t *j = hresp_json(r);
	size_t i;
	json_t *e;
	bool found = false;
	json_array_foreach(json_object_get(j, "errors"), i, e)
	{
		const char *got = json_string_value(json_object_get(e, "field"));
		found = found || (got && !strcmp(got, field));
	}
	json_decref(j);
	if (!found)
		fail_msg("want an error on %s: %.600s", field, r->body);
}

static long long count_items(agent *a, const char *path)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	long long n = (long long)json_array_size(json_object_get(j, "items"));
	json_decref(j);
	hresp_free(&r);
	return n;
}

static const char new_scenario[] =
    "{\"title\": \"Suite scenario\", \"crisis_type\": \"mania\", \"difficulty\": "
    "\"intermediate\", \"setting\": \"Bus shelter\", \"dispatch_brief\": \"A caller reports a "
    "man shouting at buses.\", \"role_player_brief\": {\"character\": \"Ray, 30, fast and "
    "loud.\", \"calms\": \"SUITE-BRIEF-CALMS\", \"safety\": \"Never step into the road.\"}, "
    "\"objectives\": [\"Slow the pace\", \"Offer a choice\"], \"debrief_questions\": [\"What "
    "changed?\"], \"minutes\": 6, \"rubric_code\": \"deescalation\"}";

void test_scenarios_api(void **state)
{
	(void)state;
	agent admin = admin_api();
	hresp r;
	char path[256];
	/* The starter library is there (citkit init), with its rubric. */
	assert_true(count_items(&admin, "/api/v1/scenarios?limit=200") >= 12);
	assert_true(count_items(&admin, "/api/v1/scenarios?crisis_type=dementia") >= 1);
	http_get(&admin, "/api/v1/scenarios?crisis_type=werewolf", &r);
	expect_field_error(&r, 422, "crisis_type");
	hresp_free(&r);
	http_get(&admin, "/api/v1/scenarios?difficulty=impossible", &r);
	expect_field_error(&r, 422, "difficulty");
	hresp_free(&r);
	http_get(&admin, "/api/v1/scenarios?cursor=zz", &r);
	expect_status(&r, 400);
	hresp_free(&r);
	/* Paging: two pages of 5 do not overlap. */
	http_get(&admin, "/api/v1/scenarios?limit=5", &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	const char *nc = json_string_value(json_object_get(j, "next_cursor"));
	assert_non_null(nc);
	char next[64], first_code[80];
	snprintf(next, sizeof next, "%s", nc);
	snprintf(first_code, sizeof first_code, "\"%s\"",
	         json_string_value(
	             json_object_get(json_array_get(json_object_get(j, "items"), 0), "code")));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/scenarios?limit=5&cursor=%s", next);
	http_get(&admin, path, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, first_code));
	hresp_free(&r);

	/* Add, read, change. */
	http_json(&admin, "POST", "/api/v1/scenarios", new_scenario, &r);
	expect_status(&r, 201);
	long long id = id_of(&r);
	assert_non_null(hresp_header(&r, "Location"));
	assert_non_null(strstr(r.body, "\"code\":\"suite-scenario\""));
	assert_non_null(strstr(r.body, "SUITE-BRIEF-CALMS"));
	hresp_free(&r);
	http_json(&admin, "POST", "/api/v1/scenarios", new_scenario, &r);
	expect_status(&r, 201); /* the same title gets the next free code */
	long long id2 = id_of(&r);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/scenarios/%lld", id2);
	http_json(&admin, "PUT", path, "{\"code\": \"suite-scenario\"}", &r);
	expect_field_error(&r, 409, "code");
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/scenarios/%lld", id);
	http_json(&admin, "PUT", path,
	          "{\"minutes\": 9, \"setting\": \"\", \"role_player_brief\": {\"history\": \"New "
	          "history.\"}}",
	          &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "minutes")), 9);
	assert_string_equal(json_string_value(json_object_get(j, "setting")), "");
	json_t *brief = json_object_get(j, "role_player_brief");
	assert_string_equal(json_string_value(json_object_get(brief, "history")), "New history.");
	assert_string_equal(json_string_value(json_object_get(brief, "calms")),
	                    "SUITE-BRIEF-CALMS");
	json_decref(j);
	hresp_free(&r);
	/* Bad input: one 422 naming each field, nothing written. */
	long long before = count_items(&admin, "/api/v1/scenarios?limit=200&crisis_type=mania");
	http_json(&admin, "POST", "/api/v1/scenarios",
	          "{\"title\": \"x\", \"crisis_type\": \"bad\", \"difficulty\": \"easy\", "
	          "\"dispatch_brief\": \"\", \"minutes\": 61, \"objectives\": [1], "
	          "\"role_player_brief\": {\"mood\": \"x\"}, \"colour\": \"red\"}",
	          &r);
	expect_field_error(&r, 422, "colour");
	expect_field_error(&r, 422, "objectives[0]");
	expect_field_error(&r, 422, "role_player_brief.mood");
	hresp_free(&r);
	http_json(&admin, "POST", "/api/v1/scenarios",
	          "{\"title\": \"x\", \"crisis_type\": \"bad\", \"difficulty\": \"easy\", "
	          "\"dispatch_brief\": \"\", \"minutes\": 61}",
	          &r);
	expect_field_error(&r, 422, "title");
	expect_field_error(&r, 422, "crisis_type");
	expect_field_error(&r, 422, "difficulty");
	expect_field_error(&r, 422, "dispatch_brief");
	expect_field_error(&r, 422, "minutes");
	expect_field_error(&r, 422, "role_player_brief.character");
	hresp_free(&r);
	http_json(&admin, "POST", "/api/v1/scenarios", "[1, 2", &r);
	expect_status(&r, 400);
	hresp_free(&r);
	assert_int_equal(count_items(&admin, "/api/v1/scenarios?limit=200&crisis_type=mania"),
	                 before);
	http_get(&admin, "/api/v1/scenarios/999999", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	/* Archive: gone from the list and from officers. */
	http_json(&admin, "PUT", path, "{\"archived\": true}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	tuser officer;
	agent off = role_api("officer", &officer);
	http_get(&off, path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	assert_int_equal(count_items(&admin, "/api/v1/scenarios?limit=200&crisis_type=mania"),
	                 before - 1);
	assert_int_equal(
	    count_items(&admin, "/api/v1/scenarios?limit=200&crisis_type=mania&archived=1"),
	    before);

	/* Rubrics: list, one, add (and its bad input), change. */
	http_get(&admin, "/api/v1/rubrics", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"code\":\"deescalation\""));
	hresp_free(&r);
	http_json(
	    &admin, "POST", "/api/v1/rubrics",
	    "{\"title\": \"Suite rubric\", \"pass_mean\": 3.5, \"skills\": [{\"code\": \"calm\", "
	    "\"title\": \"Calm voice\", \"anchors\": {\"1\": \"Shouts\", \"3\": \"Mixed\", "
	    "\"5\": \"Calm\"}, \"weight\": 2, \"critical\": true}]}",
	    &r);
	expect_status(&r, 201);
	long long rid = id_of(&r);
	j = hresp_json(&r);
	assert_true(json_real_value(json_object_get(j, "pass_mean")) == 3.5);
	json_t *sk = json_array_get(json_object_get(j, "skills"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(sk, "anchors"), "5")),
	                    "Calm");
	assert_true(json_is_true(json_object_get(sk, "critical")));
	json_decref(j);
	hresp_free(&r);
	http_json(
	    &admin, "POST", "/api/v1/rubrics",
	    "{\"title\": \"Broken rubric\", \"pass_mean\": 7, \"skills\": [{\"code\": \"a\", "
	    "\"title\": \"Skill\", \"weight\": 11}, {\"code\": \"a\", \"title\": \"Again\"}]}",
	    &r);
	expect_field_error(&r, 422, "pass_mean");
	expect_field_error(&r, 422, "skills[0].weight");
	expect_field_error(&r, 422, "skills[0].anchors.1");
	expect_field_error(&r, 422, "skills[1].code");
	hresp_free(&r);
	http_json(&admin, "POST", "/api/v1/rubrics", "{\"title\": \"No skills\", \"skills\": []}",
	          &r);
	expect_field_error(&r, 422, "skills");
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/rubrics/%lld", rid);
	http_json(&admin, "PUT", path, "{\"title\": \"Suite rubric, revised\"}", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Suite rubric, revised"));
	assert_non_null(strstr(r.body, "\"code\":\"calm\""));
	hresp_free(&r);
	http_json(&admin, "PUT", path, "{\"code\": \"deescalation\"}", &r);
	expect_field_error(&r, 409, "code");
	hresp_free(&r);
	http_get(&admin, "/api/v1/rubrics/999999", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	/* Once a run is scored on the rubric it cannot change: 409, as is. */
	char sql[640];
	snprintf(sql, sizeof sql,
	         "{\"title\": \"Run on a suite rubric\", \"crisis_type\": \"other\", "
	         "\"difficulty\": \"advanced\", \"dispatch_brief\": \"A caller reports a man.\", "
	         "\"role_player_brief\": {\"character\": \"Someone quite specific\"}, "
	         "\"minutes\": 5, \"rubric_id\": %lld}",
	         rid);
	http_json(&admin, "POST", "/api/v1/scenarios", sql, &r);
	expect_status(&r, 201);
	long long run_scenario = id_of(&r);
	hresp_free(&r);
	long long version = sql_int(
	    "INSERT INTO curricula (name, kind, created_at) VALUES ('Scenario suite', 'local', 1) "
	    "RETURNING id");
	snprintf(sql, sizeof sql,
	         "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	         "created_at, updated_at) VALUES (%lld, 1, 'Scenario suite', 'approved', 1, 1) "
	         "RETURNING id",
	         version);
	version = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, "
	         "status, created_at, updated_at) VALUES (%lld, 'Scenario suite course', 'Hall', "
	         "1600000000, 1600345600, 20, 'in_progress', 1, 1) RETURNING id",
	         version);
	long long course = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
	         "VALUES (%lld, %lld, 'enrolled', 1, 1) RETURNING id",
	         course, (long long)user_id_of(&officer));
	long long enrollment = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenario_runs (course_id, scenario_id, rubric_id, enrollment_id, "
	         "trainee_id, join_code, status, started_by, started_at) VALUES (%lld, %lld, %lld, "
	         "%lld, %lld, 'SUITE9', 'closed', %lld, 1) RETURNING id",
	         course, run_scenario, rid, enrollment, (long long)user_id_of(&officer),
	         (long long)user_id_of(admin_user()));
	sql_int(sql);
	snprintf(path, sizeof path, "/api/v1/rubrics/%lld", rid);
	http_json(&admin, "PUT", path, "{\"title\": \"Changed after a run\"}", &r);
	expect_status(&r, 409);
	hresp_free(&r);
	http_get(&admin, path, &r);
	assert_null(strstr(r.body, "Changed after a run"));
	assert_non_null(strstr(r.body, "\"run_count\":1"));
	hresp_free(&r);
	agent nobody;
	memset(&nobody, 0, sizeof nobody);
	http_get(&nobody, "/api/v1/scenarios", &r);
	expect_status(&r, 401);
	hresp_free(&r);
}

/* Each role against each route: the permission table of roles.c. */
void test_scenarios_permissions(void **state)
{
	(void)state;
	static const struct {
		const char *role;
		bool read, brief, write;
	} roles[] = {
	    {"admin", true, true, true},         {"coordinator", true, true, true},
	    {"instructor", true, true, true},    {"clinician", true, true, false},
	    {"presenter", true, true, false},    {"officer", true, false, false},
	    {"supervisor", false, false, false}, {"dispatcher", false, false, false},
	    {"analyst", false, false, false},
	};
	long long sid = scenario_id("looking-for-mother");
	hresp r;
	char one[128], brief[128], rub[128];
	snprintf(one, sizeof one, "/api/v1/scenarios/%lld", sid);
	snprintf(brief, sizeof brief, "/api/v1/scenarios/%lld/brief", sid);
	agent admin = admin_api();
	http_get(&admin, "/api/v1/rubrics", &r);
	json_t *j = hresp_json(&r);
	snprintf(rub, sizeof rub, "/api/v1/rubrics/%lld",
	         (long long)json_integer_value(
	             json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")));
	json_decref(j);
	hresp_free(&r);
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		tuser u;
		agent a = role_api(roles[i].role, &u);
		long read = roles[i].read ? 200 : 403, brief_s = roles[i].brief ? 200 : 403;
		long write_bad = roles[i].write ? 422 : 403; /* an empty body: refused either way */
		print_message("role %s\n", roles[i].role);
		http_get(&a, "/api/v1/scenarios", &r);
		expect_status(&r, read);
		hresp_free(&r);
		http_get(&a, one, &r);
		expect_status(&r, read);
		if (read == 200) {
			/* The brief's text appears exactly when the role may read briefs. */
			bool has = strstr(r.body, "role_player_brief") != NULL;
			assert_int_equal(has, roles[i].brief);
		}
		hresp_free(&r);
		http_get(&a, brief, &r);
		expect_status(&r, brief_s);
		hresp_free(&r);
		http_get(&a, "/api/v1/rubrics", &r);
		expect_status(&r, read);
		hresp_free(&r);
		http_get(&a, rub, &r);
		expect_status(&r, read);
		hresp_free(&r);
		http_get(&a, "/api/v1/scenarios/export", &r);
		expect_status(&r, roles[i].write ? 200 : 403);
		hresp_free(&r);
		http_json(&a, "POST", "/api/v1/scenarios", "{}", &r);
		expect_status(&r, write_bad);
		hresp_free(&r);
		http_json(&a, "PUT", one, "{\"minutes\": 0}", &r);
		expect_status(&r, write_bad);
		hresp_free(&r);
		http_json(&a, "POST", "/api/v1/scenarios/import", "{}", &r);
		expect_status(&r, write_bad);
		hresp_free(&r);
		http_json(&a, "POST", "/api/v1/rubrics", "{}", &r);
		expect_status(&r, write_bad);
		hresp_free(&r);
		http_json(&a, "PUT", rub, "{\"title\": \"\"}", &r);
		expect_status(&r, write_bad);
		hresp_free(&r);
	}
}

void test_scenarios_import_export(void **state)
{
	(void)state;
	agent admin = admin_api();
	hresp r;
	http_get(&admin, "/api/v1/scenarios/export", &r);
	expect_status(&r, 200);
	const char *disp = hresp_header(&r, "Content-Disposition");
	assert_non_null(disp);
	assert_non_null(strstr(disp, "attachment"));
	json_t *doc = hresp_json(&r);
	hresp_free(&r);
	assert_string_equal(json_string_value(json_object_get(doc, "format")), "citkit-scenarios");
	size_t n_scen = json_array_size(json_object_get(doc, "scenarios"));
	assert_true(n_scen >= 12);
	assert_non_null(json_object_get(json_array_get(json_object_get(doc, "scenarios"), 0),
	                                "role_player_brief"));
	/* Back in unchanged. */
	char *text = json_dumps(doc, 0);
	http_json(&admin, "POST", "/api/v1/scenarios/import", text, &r);
	free(text);
	expect_status(&r, 200);
	json_t *rep = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(rep, "created")), 0);
	assert_int_equal(json_integer_value(json_object_get(rep, "updated")), 0);
	assert_int_equal((size_t)json_integer_value(json_object_get(rep, "scenarios")), n_scen);
	json_decref(rep);
	hresp_free(&r);
	/* One changed title and one new scenario, with one bad item: nothing. */
	json_t *scen = json_object_get(doc, "scenarios");
	json_t *first = json_array_get(scen, 0);
	char first_code[80];
	snprintf(first_code, sizeof first_code, "%s",
	         json_string_value(json_object_get(first, "code")));
	json_object_set_new(first, "title", json_string("Imported title from the suite"));
	json_t *fresh = json_deep_copy(json_array_get(scen, 1));
	json_object_set_new(fresh, "code", json_string("suite-imported"));
	json_array_append_new(scen, fresh);
	json_t *bad = json_deep_copy(json_array_get(scen, 2));
	json_object_set_new(bad, "code", json_string("suite-bad"));
	json_object_set_new(bad, "minutes", json_integer(0));
	json_object_set_new(bad, "crisis_type", json_string("werewolf"));
	json_array_append_new(scen, bad);
	text = json_dumps(doc, 0);
	http_json(&admin, "POST", "/api/v1/scenarios/import", text, &r);
	free(text);
	char item[64];
	snprintf(item, sizeof item, "scenarios[%zu].minutes", n_scen + 1);
	expect_field_error(&r, 422, item);
	snprintf(item, sizeof item, "scenarios[%zu].crisis_type", n_scen + 1);
	expect_field_error(&r, 422, item);
	hresp_free(&r);
	http_get(&admin, "/api/v1/scenarios?limit=200", &r);
	assert_null(strstr(r.body, "suite-imported"));
	assert_null(strstr(r.body, "Imported title from the suite"));
	hresp_free(&r);
	/* Without the bad item: one created, one updated. */
	json_array_remove(scen, json_array_size(scen) - 1);
	text = json_dumps(doc, 0);
	http_json(&admin, "POST", "/api/v1/scenarios/import", text, &r);
	free(text);
	expect_status(&r, 200);
	rep = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(rep, "created")), 1);
	assert_int_equal(json_integer_value(json_object_get(rep, "updated")), 1);
	json_decref(rep);
	hresp_free(&r);
	json_decref(doc);
	http_get(&admin, "/api/v1/scenarios?limit=200", &r);
	assert_non_null(strstr(r.body, "suite-imported"));
	assert_non_null(strstr(r.body, "Imported title from the suite"));
	hresp_free(&r);
	/* Not JSON at all; the wrong content type. */
	http_json(&admin, "POST", "/api/v1/scenarios/import", "{\"scenarios\": [", &r);
	expect_field_error(&r, 422, "file");
	hresp_free(&r);
	http(&admin, "POST", "/api/v1/scenarios/import", "text/csv", "a,b", 3, NULL, &r);
	expect_status(&r, 415);
	hresp_free(&r);
	(void)first_code;
}

/* POSTs file as the multipart upload of the import page. */
static void upload_library(agent *a, const char *json, hresp *r)
{
	const char *boundary = "----citkitScenarioBoundary9QX";
	size_t cap = strlen(json) + 1024;
	char *body = malloc(cap), ctype[128], origin[256];
	assert_non_null(body);
	int n = snprintf(body, cap,
	                 "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
	                 "filename=\"library.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
	                 "--%s--\r\n",
	                 boundary, a->csrf, boundary, json, boundary);
	snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", boundary);
	snprintf(origin, sizeof origin, "Origin: %s", base_url());
	const char *same[] = {origin, "Sec-Fetch-Site: same-origin", NULL};
	http(a, "POST", "/scenarios/import", ctype, body, (size_t)n, same, r);
	free(body);
}

void test_scenarios_pages(void **state)
{
	(void)state;
	agent *admin = admin_agent();
	hresp r;
	char path[256];
	long long sid = scenario_id("looking-for-mother");
	http_get(admin, "/", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "href=\"/scenarios\""));
	hresp_free(&r);
	http_get(admin, "/scenarios", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Looking for her mother"));
	assert_non_null(strstr(r.body, "/scenarios/import"));
	hresp_free(&r);
	http_get(admin, "/scenarios?crisis_type=dementia&difficulty=introductory", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Looking for her mother"));
	assert_null(strstr(r.body, "Man at the bridge railing"));
	hresp_free(&r);
	http_get(admin, "/scenarios?crisis_type=werewolf", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	snprintf(path, sizeof path, "/scenarios/%lld", sid);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Dispatch brief"));
	assert_non_null(strstr(r.body, "Debrief questions"));
	assert_non_null(strstr(r.body, "Role-player brief"));
	assert_non_null(strstr(r.body, "Carol")); /* the caregiver, in the brief's history */
	assert_non_null(strstr(r.body, "<strong>(critical)</strong>"));
	hresp_free(&r);

	/* Add through the form: a bad one first (422, the form again). */
	http_get(admin, "/scenarios/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_post_form(admin, "/scenarios/new",
	               "title=ab&crisis_type=mania&difficulty=advanced&minutes=99&dispatch_brief=x",
	               &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "There is a problem"));
	assert_non_null(strstr(r.body, "Minutes must be between 1 and 60"));
	hresp_free(&r);
	char fields[2048];
	/* form_enc keeps four results at a time: two calls a line. */
	int len = snprintf(fields, sizeof fields,
	                   "title=%s&crisis_type=youth&difficulty=introductory&minutes=5"
	                   "&setting=Park&dispatch_brief=%s",
	                   form_enc("Page suite scenario"),
	                   form_enc("A teen is alone in a park at night."));
	len += snprintf(fields + len, sizeof fields - (size_t)len, "&rp_character=%s&rp_safety=%s",
	                form_enc("Page teen, 15, quiet."), form_enc("PAGE-SAFETY-LIMIT"));
	snprintf(fields + len, sizeof fields - (size_t)len,
	         "&objectives=%s&rubric_id=", form_enc("Listen\nStay calm"));
	http_post_form(admin, "/scenarios/new", fields, &r);
	expect_redirect(&r, "/scenarios/");
	long long nid = atoll(r.location + strlen("/scenarios/"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/scenarios/%lld", nid);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "PAGE-SAFETY-LIMIT"));
	assert_non_null(strstr(r.body, "<li>Stay calm</li>"));
	assert_non_null(strstr(r.body, "No rubric"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/scenarios/%lld/edit", nid);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "PAGE-SAFETY-LIMIT"));
	hresp_free(&r);
	http_post_form(admin, path, "title=Page+suite+scenario+revised&minutes=7&setting=", &r);
	expect_redirect(&r, "/scenarios/");
	hresp_free(&r);
	snprintf(path, sizeof path, "/scenarios/%lld/archive", nid);
	http_post_form(admin, path, "archived=1", &r);
	expect_redirect(&r, "/scenarios/");
	hresp_free(&r);
	snprintf(path, sizeof path, "/scenarios/%lld", nid);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "revised"));
	assert_non_null(strstr(r.body, "This scenario is archived"));
	hresp_free(&r);

	/* Export, then the import page: a bad file (the report, 422), a good one. */
	http_get(admin, "/scenarios/export", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"citkit-scenarios\""));
	hresp_free(&r);
	http_get(admin, "/scenarios/import", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	upload_library(admin,
	               "{\"scenarios\": [{\"code\": \"page-bad\", \"title\": \"Bad\", "
	               "\"minutes\": 0}]}",
	               &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Nothing was imported"));
	assert_non_null(strstr(r.body, "scenarios[0]"));
	hresp_free(&r);
	http_get(admin, "/scenarios/import", &r);
	hresp_free(&r);
	upload_library(admin,
	               "{\"scenarios\": [{\"code\": \"page-imported\", \"title\": \"Imported by "
	               "page\", \"crisis_type\": \"other\", \"difficulty\": \"advanced\", "
	               "\"dispatch_brief\": \"A caller reports a man in a lobby.\", "
	               "\"role_player_brief\": {\"character\": \"Someone in a lobby.\"}, "
	               "\"minutes\": 5, \"rubric_code\": \"deescalation\"}]}",
	               &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "1 added"));
	hresp_free(&r);

	/* Rubrics: list, one, a new one by the form, its change. */
	http_get(admin, "/rubrics", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Verbal de-escalation"));
	/* The link of the library's rubric, by its title. */
	const char *title = strstr(r.body, "\">Verbal de-escalation</a>");
	assert_non_null(title);
	const char *link = title;
	while (link > r.body && strncmp(link, "href=\"", 6))
		link--;
	char rpath[64];
	snprintf(rpath, sizeof rpath, "%.*s", (int)(title - link - 6), link + 6);
	hresp_free(&r);
	http_get(admin, rpath, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Safe positioning and distance"));
	hresp_free(&r);
	http_get(admin, "/rubrics/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_post_form(admin, "/rubrics/new",
	               "title=Page+rubric&pass_mean=9&rows=2&skill_1_code=calm&skill_1_title=Calm"
	               "&skill_1_anchor_1=Shouts&skill_1_anchor_3=Mixed&skill_1_weight=1",
	               &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Pass mean must be a number"));
	assert_non_null(strstr(r.body, "Skill 1: a 5 looks like is required"));
	hresp_free(&r);
	http_post_form(admin, "/rubrics/new",
	               "title=Page+rubric&pass_mean=3.5&rows=3&skill_1_code=&skill_1_weight=1"
	               "&skill_2_code=calm&skill_2_title=Calm+voice&skill_2_anchor_1=Shouts"
	               "&skill_2_anchor_3=Mixed&skill_2_anchor_5=Calm&skill_2_weight=2"
	               "&skill_2_critical=1&skill_3_weight=1",
	               &r);
	expect_redirect(&r, "/rubrics/");
	char npath[64];
	snprintf(npath, sizeof npath, "%.*s", (int)strcspn(r.location, "?"), r.location);
	hresp_free(&r);
	http_get(admin, npath, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Calm voice"));
	assert_non_null(strstr(r.body, "3.50"));
	hresp_free(&r);
	http_post_form(admin, npath,
	               "title=Page+rubric+two&pass_mean=3&rows=1&skill_1_code=calm&skill_1_title="
	               "Calm+voice&skill_1_anchor_1=Shouts&skill_1_anchor_3=Mixed&skill_1_anchor_5="
	               "Calm&skill_1_weight=4",
	               &r);
	expect_redirect(&r, "/rubrics/");
	hresp_free(&r);
	http_get(admin, npath, &r);
	assert_non_null(strstr(r.body, "Page rubric two"));
	hresp_free(&r);
}

/* The officer reads the library but never a role-player brief: not on the
 * scenario's page, not in the API, not at any URL one might guess. */
void test_scenarios_briefs_hidden(void **state)
{
	(void)state;
	agent api = admin_api();
	hresp r;
	char path[256];
	http_json(&api, "POST", "/api/v1/scenarios", new_scenario, &r);
	expect_status(&r, 201);
	long long id = id_of(&r);
	hresp_free(&r);
	long long lib = scenario_id("fireworks-night");
	/* The texts that must not reach an officer: each part of both briefs. */
	snprintf(path, sizeof path, "/api/v1/scenarios/%lld/brief", lib);
	http_get(&api, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	json_t *b = json_object_get(j, "role_player_brief");
	char secrets[8][64];
	size_t n_secrets = 0;
	const char *key;
	json_t *v;
	json_object_foreach(b, key, v)
	{
		const char *text = json_string_value(v);
		if (text && strlen(text) > 20 && n_secrets < 7)
			snprintf(secrets[n_secrets++], sizeof secrets[0], "%.40s", text);
	}
	json_decref(j);
	hresp_free(&r);
	assert_true(n_secrets >= 6);
	snprintf(secrets[n_secrets++], sizeof secrets[0], "SUITE-BRIEF-CALMS");

	tuser officer;
	user_make(&officer, "officer", 1);
	agent page;
	memset(&page, 0, sizeof page);
	login(&page, &officer);
	agent token = api_as(officer.email);
	const long long ids[] = {lib, id};
	for (size_t k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "/scenarios/%lld", ids[k]);
		http_get(&page, path, &r);
		expect_status(&r, 200);
		assert_non_null(strstr(r.body, "Dispatch brief"));
		assert_null(strstr(r.body, "Role-player brief"));
		for (size_t i = 0; i < n_secrets; i++)
			if (strstr(r.body, secrets[i]))
				fail_msg("the officer's page %s shows the brief: %s", path,
				         secrets[i]);
		hresp_free(&r);
		/* The API, by token and by the page's cookie. */
		agent *as[] = {&token, &page};
		for (size_t w = 0; w < 2; w++) {
			snprintf(path, sizeof path, "/api/v1/scenarios/%lld", ids[k]);
			http_get(as[w], path, &r);
			expect_status(&r, 200);
			assert_null(strstr(r.body, "role_player_brief"));
			for (size_t i = 0; i < n_secrets; i++)
				assert_null(strstr(r.body, secrets[i]));
			hresp_free(&r);
			snprintf(path, sizeof path, "/api/v1/scenarios/%lld/brief", ids[k]);
			http_get(as[w], path, &r);
			expect_status(&r, 403);
			hresp_free(&r);
		}
		/* Guessed URLs: the forms, the export, other spellings. */
		static const char *const guesses[][2] = {{"/scenarios/", "/edit"},
		                                         {"/scenarios/", "/brief"},
		                                         {"/scenarios/", "/role-player"},
		                                         {"/scenarios/", "?brief=1"},
		                                         {"/scenarios/", ".json"},
		                                         {"/api/v1/scenarios/", "?brief=1"},
		                                         {"/api/v1/scenarios/", "/brief?x=1"}};
		for (size_t g = 0; g < sizeof guesses / sizeof guesses[0]; g++) {
			snprintf(path, sizeof path, "%s%lld%s", guesses[g][0], ids[k],
			         guesses[g][1]);
			http_get(&page, path, &r);
			if (r.status == 200)
				for (size_t i = 0; i < n_secrets; i++)
					if (strstr(r.body, secrets[i]))
						fail_msg("%s shows the brief to an officer", path);
			if (r.status != 200 && r.status != 403 && r.status != 404)
				fail_msg("%s: status %ld", path, r.status);
			hresp_free(&r);
		}
	}
	const char *lists[] = {"/scenarios", "/scenarios?crisis_type=ptsd", "/api/v1/scenarios",
	                       "/api/v1/scenarios?limit=200", "/rubrics"};
	for (size_t g = 0; g < sizeof lists / sizeof lists[0]; g++) {
		http_get(&page, lists[g], &r);
		expect_status(&r, 200);
		for (size_t i = 0; i < n_secrets; i++)
			if (strstr(r.body, secrets[i]))
				fail_msg("%s shows a brief to an officer", lists[g]);
		hresp_free(&r);
	}
	const char *refused[] = {"/scenarios/export", "/api/v1/scenarios/export", "/scenarios/new",
	                         "/scenarios/import", "/rubrics/new"};
	for (size_t g = 0; g < sizeof refused / sizeof refused[0]; g++) {
		http_get(&page, refused[g], &r);
		expect_status(&r, 403);
		hresp_free(&r);
	}
	snprintf(path, sizeof path, "/scenarios/%lld/edit", id);
	http_get(&page, path, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	/* A role without the library gets no entry in the navigation. */
	tuser analyst;
	user_make(&analyst, "analyst", 1);
	agent an;
	memset(&an, 0, sizeof an);
	login(&an, &analyst);
	http_get(&an, "/", &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "href=\"/scenarios\""));
	hresp_free(&r);
	http_get(&an, "/scenarios", &r);
	expect_status(&r, 403);
	hresp_free(&r);
}
