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
	expect_status(&r, 422);
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
