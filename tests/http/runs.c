/* runs.c: HTTP tests of scenario runs on the JSON API, each route with
 * each role: start (scenario without a rubric, trainee not in the course,
 * unknown course, officers), read and list in scope, feedback (create,
 * revise, a score outside the scale, a skill not in the rubric, the
 * trainee, the role player, a classmate not enrolled with and without the
 * code, a closed run), summary (authors hidden from the trainee), join by
 * code (wrong code 404, then 429 with Retry-After, per user and per
 * address), end, close by the rule, the QR code, the matrix and history.
 * Then the event stream (the suite's reader, sse_read.h): every event's id, name and
 * data, the trainee's anonymous view, and a reconnect with Last-Event-ID
 * that replays exactly what was missed. Rubric and scenario rows are
 * written straight into the database. */
#include "runs.h"
#include "enroll.h"
#include "harness.h"
#include "sse_read.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ORG_A = 1, ORG_B = 2 };

static int world_seq;

typedef struct world {
	long long course, other_course, enrollment, rubric, scenario, bare;
	tuser instr, trainee, mate, mate2, outsider, actor, sup, elsewhere;
	agent a_instr, a_trainee, a_mate, a_mate2, a_outsider, a_actor, a_sup, a_elsewhere;
} world;

static void bearer(agent *a, const char *email)
{
	memset(a, 0, sizeof *a);
	harness_token_for(email, a->bearer, sizeof a->bearer);
}

static long long enroll_row(long long course, tuser *u)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
	         "VALUES (%lld, %lld, 'enrolled', 1, 1) RETURNING id",
	         course, (long long)user_id_of(u));
	return sql_int(sql);
}

static void make_world(world *w)
{
	char sql[1024];
	int n = ++world_seq;
	long pid = (long)getpid();
	memset(w, 0, sizeof *w);
	snprintf(sql, sizeof sql,
	         "INSERT INTO curricula (name, kind, created_at) VALUES ('HTTP runs %d %ld', "
	         "'local', 1) RETURNING id",
	         n, pid);
	long long cur = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	         "approved_at, created_at, updated_at) VALUES (%lld, 1, 'HTTP runs', 'approved', "
	         "1, 1, 1) RETURNING id",
	         cur);
	long long version = sql_int(sql);
	for (int i = 0; i < 2; i++) {
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO courses (version_id, title, location, starts_on, ends_on, "
		    "capacity, status, created_at, updated_at) VALUES (%lld, 'Runs course %d.%d', "
		    "'Hall', 1600000000, 1600345600, 20, 'in_progress', 1, 1) RETURNING id",
		    version, n, i);
		*(i ? &w->other_course : &w->course) = sql_int(sql);
	}
	snprintf(sql, sizeof sql,
	         "INSERT INTO rubrics (code, title, pass_mean_x100, created_at, updated_at) "
	         "VALUES ('http-deesc-%d-%ld', 'De-escalation', 300, 1, 1) RETURNING id",
	         n, pid);
	w->rubric = sql_int(sql);
	const char *skills[][3] = {{"intro", "1", "0"}, {"calm", "2", "1"}, {"choices", "1", "0"}};
	for (int i = 0; i < 3; i++) {
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO rubric_skills (rubric_id, position, code, title, anchor_1, "
		    "anchor_3, anchor_5, weight, is_critical) VALUES (%lld, %d, '%s', 'Skill %s', "
		    "'Not at all', 'Partly', 'Throughout', %s, %s)",
		    w->rubric, i + 1, skills[i][0], skills[i][0], skills[i][1], skills[i][2]);
		sql_int(sql);
	}
	/* As the library would take them: its export and import tests read
	 * every row. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "rp_character, minutes, rubric_id, created_at, updated_at) VALUES "
	         "('http-bridge-%d-%ld', 'On the bridge', 'suicidal', 'intermediate', "
	         "'A man on the railing.', 'A man of fifty who lost his job.', 15, %lld, 1, 1) "
	         "RETURNING id",
	         n, pid, w->rubric);
	w->scenario = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "rp_character, minutes, created_at, updated_at) VALUES ('http-bare-%d-%ld', "
	         "'No rubric yet', 'other', 'introductory', 'A neighbour calls about noise.', "
	         "'A tired young parent.', 10, 1, 1) RETURNING id",
	         n, pid);
	w->bare = sql_int(sql);
	user_make(&w->instr, "instructor", ORG_A);
	user_make(&w->trainee, "officer", ORG_A);
	user_make(&w->mate, "officer", ORG_A);
	user_make(&w->mate2, "officer", ORG_B);
	user_make(&w->outsider, "officer", ORG_A);
	user_make(&w->actor, "presenter", ORG_A);
	user_make(&w->sup, "supervisor", ORG_A);
	user_make(&w->elsewhere, "instructor", ORG_A); /* teaches no course here */
	course_teacher(w->course, &w->instr);
	w->enrollment = enroll_row(w->course, &w->trainee);
	enroll_row(w->course, &w->mate);
	enroll_row(w->course, &w->mate2);
	enroll_row(w->other_course, &w->outsider);
	bearer(&w->a_instr, w->instr.email);
	bearer(&w->a_trainee, w->trainee.email);
	bearer(&w->a_mate, w->mate.email);
	bearer(&w->a_mate2, w->mate2.email);
	bearer(&w->a_outsider, w->outsider.email);
	bearer(&w->a_actor, w->actor.email);
	bearer(&w->a_sup, w->sup.email);
	bearer(&w->a_elsewhere, w->elsewhere.email);
}

static void expect_field(const hresp *r, long status, const char *field)
{
	expect_status(r, status);
	json_t *j = hresp_json(r);
	json_t *errs = json_object_get(j, "errors");
	bool found = false;
	for (size_t i = 0; i < json_array_size(errs); i++) {
		const char *f =
		    json_string_value(json_object_get(json_array_get(errs, i), "field"));
		found |= f && !strcmp(f, field);
	}
	json_decref(j);
	if (!found)
		fail_msg("want an error on %s: %s", field, r->body);
}

static long long count(const char *what)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", what);
	return sql_int(sql);
}

/* POST /api/v1/runs; returns the run's id (201) or 0. code (may be NULL)
 * gets the join code. */
static long long start_run(world *w, agent *a, long long course, long long scenario, tuser *trainee,
                           long want, const char *field, char *code)
{
	char body[256];
	snprintf(body, sizeof body,
	         "{\"course_id\": %lld, \"scenario_id\": %lld, \"trainee_id\": %lld, "
	         "\"role_player_id\": %lld}",
	         course, scenario, (long long)user_id_of(trainee),
	         (long long)user_id_of(&w->actor));
	hresp r;
	http_json(a, "POST", "/api/v1/runs", body, &r);
	long long id = 0;
	if (field) {
		expect_field(&r, want, field);
	} else {
		expect_status(&r, want);
	}
	if (want == 201) {
		json_t *j = hresp_json(&r);
		id = json_integer_value(json_object_get(j, "id"));
		const char *c = json_string_value(json_object_get(j, "join_code"));
		if (!c || strlen(c) != 6)
			fail_msg("no join code: %s", r.body);
		const char *url = json_string_value(json_object_get(j, "join_url"));
		if (!url || !strstr(url, c) || strncmp(url, "http", 4))
			fail_msg("join_url is not an absolute URL with the code: %s", r.body);
		if (strcmp(json_string_value(json_object_get(j, "status")), "live"))
			fail_msg("not live: %s", r.body);
		if (!hresp_header(&r, "Location"))
			fail_msg("201 without Location");
		if (code)
			snprintf(code, 8, "%s", c);
		json_decref(j);
	}
	hresp_free(&r);
	return id;
}

/* PUT /api/v1/runs/{id}/feedback with body; returns the revision on 200/201. */
static long long put_feedback(agent *a, long long run, const char *body, long want,
                              const char *field)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/feedback", run);
	hresp r;
	http_json(a, "PUT", path, body, &r);
	long long rev = 0;
	if (field)
		expect_field(&r, want, field);
	else
		expect_status(&r, want);
	if (want == 200 || want == 201) {
		json_t *j = hresp_json(&r);
		rev = json_integer_value(json_object_get(j, "revision"));
		json_decref(j);
	}
	hresp_free(&r);
	return rev;
}

static void get_status(agent *a, const char *path, long want)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, want);
	hresp_free(&r);
}

static void post_status(agent *a, const char *path, long want, const char *field)
{
	hresp r;
	http_json(a, "POST", path, "{}", &r);
	if (field)
		expect_field(&r, want, field);
	else
		expect_status(&r, want);
	hresp_free(&r);
}

/* A GET from another loopback address (the join limiter counts per
 * address too, so these guesses do not lock out the rest of the suite). */
static long get_from(const char *ip, agent *a, const char *path, char *retry, size_t retry_len)
{
	CURL *c = curl_easy_init();
	char url[512], auth[300], iface[64], head[4096] = "";
	snprintf(url, sizeof url, "%s%s", base_url(), path);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", a->bearer);
	snprintf(iface, sizeof iface, "host!%s", ip);
	struct curl_slist *hs = curl_slist_append(NULL, auth);
	FILE *hf = fmemopen(head, sizeof head - 1, "w");
	FILE *bf = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hf);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, bf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	fclose(hf);
	fclose(bf);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		fail_msg("GET %s from %s: %s", path, ip, curl_easy_strerror(rc));
	if (retry) {
		retry[0] = '\0';
		const char *h = strcasestr(head, "\nRetry-After:");
		if (h) {
			h += strlen("\nRetry-After:");
			while (*h == ' ')
				h++;
			size_t len = strcspn(h, "\r\n");
			snprintf(retry, retry_len, "%.*s",
			         (int)(len < retry_len ? len : retry_len - 1), h);
		}
	}
	return status;
}

void test_runs_api(void **state)
{
	(void)state;
	world w;
	make_world(&w);
	agent nobody = {0};
	char code[8], path[160];
	/* Refusals write nothing. */
	long long before = count("scenario_runs");
	start_run(&w, &w.a_instr, w.course, w.bare, &w.trainee, 422, "scenario_id", NULL);
	start_run(&w, &w.a_instr, w.course, w.scenario, &w.outsider, 422, "trainee_id", NULL);
	start_run(&w, &w.a_instr, 999999, w.scenario, &w.trainee, 404, NULL, NULL);
	start_run(&w, &w.a_mate, w.course, w.scenario, &w.trainee, 403, NULL, NULL);
	start_run(&w, &w.a_elsewhere, w.course, w.scenario, &w.trainee, 403, NULL, NULL);
	start_run(&w, &nobody, w.course, w.scenario, &w.trainee, 401, NULL, NULL);
	assert_int_equal(count("scenario_runs"), before);
	long long run =
	    start_run(&w, &w.a_instr, w.course, w.scenario, &w.trainee, 201, NULL, code);

	/* Read in scope; join code only for instructors. */
	hresp r;
	snprintf(path, sizeof path, "/api/v1/runs/%lld", run);
	http_get(&w.a_mate, path, &r);
	expect_status(&r, 200);
	if (strstr(r.body, code) || strstr(r.body, "join_code"))
		fail_msg("a classmate sees the join code: %s", r.body);
	hresp_free(&r);
	get_status(&w.a_trainee, path, 200);
	get_status(&w.a_actor, path, 200);
	get_status(&w.a_outsider, path, 404);
	get_status(&w.a_sup, path, 404);
	get_status(&w.a_elsewhere, path, 404);
	get_status(&nobody, path, 401);
	snprintf(path, sizeof path, "/api/v1/runs?course_id=%lld", w.course);
	http_get(&w.a_mate, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	hresp_free(&r);
	http_get(&w.a_outsider, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	hresp_free(&r);

	/* Feedback: create, revise, never a duplicate. */
	assert_int_equal(put_feedback(&w.a_mate, run,
	                              "{\"scores\": {\"intro\": 3, \"calm\": 4}, \"comment\": "
	                              "\"Calm voice\"}",
	                              201, NULL),
	                 1);
	assert_int_equal(put_feedback(&w.a_mate, run,
	                              "{\"scores\": {\"intro\": 4, \"calm\": 4, \"choices\": 2}, "
	                              "\"comment\": \"Calm voice, few choices\"}",
	                              200, NULL),
	                 2);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM run_feedback WHERE run_id = %lld", run);
	assert_int_equal(sql_int(sql), 1);
	/* Bad input: 422 naming the field, nothing written. */
	long long events = count("run_events");
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": 6}}", 422, "scores.intro");
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": 0}}", 422, "scores.intro");
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": \"x\"}}", 422, "scores.intro");
	put_feedback(&w.a_mate, run, "{\"scores\": {\"juggling\": 3}}", 422, "scores.juggling");
	put_feedback(&w.a_mate, run, "{\"scores\": [3]}", 422, "scores");
	put_feedback(&w.a_trainee, run, "{\"scores\": {\"intro\": 5}}", 403, NULL);
	put_feedback(&w.a_actor, run, "{\"scores\": {\"intro\": 5}}", 403, NULL);
	put_feedback(&w.a_outsider, run, "{\"scores\": {\"intro\": 5}}", 404, NULL);
	char with_code[128];
	snprintf(with_code, sizeof with_code, "{\"scores\": {\"intro\": 5}, \"join_code\": \"%s\"}",
	         code);
	put_feedback(&w.a_outsider, run, with_code, 403, NULL);
	put_feedback(&nobody, run, "{\"scores\": {\"intro\": 5}}", 401, NULL);
	assert_int_equal(sql_int(sql), 1);
	assert_int_equal(count("run_events"), events);
	snprintf(sql, sizeof sql, "SELECT revision FROM run_feedback WHERE run_id = %lld", run);
	assert_int_equal(sql_int(sql), 2);

	/* A classmate from another agency of the same course scores too. */
	put_feedback(&w.a_mate2, run, "{\"scores\": {\"intro\": 2}, \"comment\": \"Too close\"}",
	             201, NULL);
	/* Reading feedback: one's own; instructors everyone's. */
	snprintf(path, sizeof path, "/api/v1/runs/%lld/feedback", run);
	http_get(&w.a_mate, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(json_object_get(j, "own"), "scores"), "intro")),
	                 4);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	hresp_free(&r);
	http_get(&w.a_instr, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_true(json_is_null(json_object_get(j, "own")));
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	hresp_free(&r);
	get_status(&w.a_outsider, path, 404);

	/* Summary: side by side; the trainee does not see classmates' names. */
	snprintf(path, sizeof path, "/api/v1/runs/%lld/summary", run);
	http_get(&w.a_instr, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	json_t *intro = json_array_get(json_object_get(j, "skills"), 0);
	assert_string_equal(json_string_value(json_object_get(intro, "code")), "intro");
	assert_true(json_real_value(json_object_get(intro, "classmate_mean")) == 3.0);
	assert_true(json_is_null(json_object_get(intro, "instructor_mean")));
	assert_int_equal(json_integer_value(json_object_get(intro, "spread")), 2);
	assert_int_equal(json_integer_value(json_object_get(intro, "n_classmates")), 2);
	json_t *c0 = json_array_get(json_object_get(j, "comments"), 0);
	assert_string_equal(json_string_value(json_object_get(c0, "author")), w.mate.name);
	json_decref(j);
	hresp_free(&r);
	http_get(&w.a_trainee, path, &r);
	expect_status(&r, 200);
	if (strstr(r.body, w.mate.name) || strstr(r.body, w.mate2.name))
		fail_msg("the trainee sees a classmate's name: %s", r.body);
	if (!strstr(r.body, "Too close"))
		fail_msg("the trainee misses a comment: %s", r.body);
	hresp_free(&r);

	/* Join by code. */
	snprintf(path, sizeof path, "/api/v1/runs/join/%s", code);
	http_get(&w.a_mate, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "run_id")), run);
	json_decref(j);
	hresp_free(&r);
	get_status(&w.a_outsider, path, 403);
	/* Ten wrong guesses by one user, then 429 with Retry-After, even for
	 * the right code, from that address and elsewhere (per user); another
	 * user at the same address (a classroom behind one router) goes on. */
	char retry[32];
	for (int i = 0; i < 10; i++)
		assert_int_equal(
		    get_from("127.0.0.9", &w.a_outsider, "/api/v1/runs/join/ZZZZZZ", NULL, 0), 404);
	assert_int_equal(get_from("127.0.0.9", &w.a_outsider, path, retry, sizeof retry), 429);
	long wait = strtol(retry, NULL, 10);
	if (wait < 1 || wait > 600)
		fail_msg("Retry-After %s", retry);
	assert_int_equal(get_from("127.0.0.10", &w.a_outsider, path, retry, sizeof retry), 429);
	assert_int_equal(get_from("127.0.0.9", &w.a_mate, path, NULL, 0), 200);
	/* The address has a limit of its own (60): more people's misses fill
	 * it, nine each, and then the classmate waits there too. */
	agent *guessers[] = {&w.a_trainee, &w.a_mate2,     &w.a_actor,
	                     &w.a_sup,     &w.a_elsewhere, &w.a_instr};
	int misses = 10;
	for (size_t g = 0; g < sizeof guessers / sizeof guessers[0] && misses < 60; g++)
		for (int i = 0; i < 9 && misses < 60; i++, misses++)
			assert_int_equal(
			    get_from("127.0.0.9", guessers[g], "/api/v1/runs/join/ZZZZZZ", NULL, 0),
			    404);
	assert_int_equal(misses, 60);
	assert_int_equal(get_from("127.0.0.9", &w.a_mate, path, retry, sizeof retry), 429);
	assert_int_equal(get_from("127.0.0.10", &w.a_mate, path, NULL, 0), 200);

	/* End and close. */
	snprintf(path, sizeof path, "/api/v1/runs/%lld/end", run);
	post_status(&w.a_mate, path, 403, NULL);
	post_status(&w.a_instr, path, 200, NULL);
	post_status(&w.a_instr, path, 409, NULL);
	snprintf(path, sizeof path, "/api/v1/runs/%lld/close", run);
	post_status(&w.a_instr, path, 422, "scores"); /* no instructor scored "calm" */
	put_feedback(&w.a_instr, run, "{\"scores\": {\"intro\": 4, \"calm\": 3, \"choices\": 3}}",
	             201, NULL);
	post_status(&w.a_mate, path, 403, NULL);
	http_json(&w.a_instr, "POST", path, "{}", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "closed");
	assert_string_equal(json_string_value(json_object_get(j, "result")), "pass");
	assert_true(json_real_value(json_object_get(j, "mean")) == 3.25);
	json_decref(j);
	hresp_free(&r);
	post_status(&w.a_instr, path, 409, NULL);
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": 1}}", 409, NULL);

	/* QR code: those who manage runs. */
	snprintf(path, sizeof path, "/api/v1/runs/%lld/qr.svg", run);
	http_get(&w.a_instr, path, &r);
	expect_status(&r, 200);
	if (!strstr(r.content_type, "image/svg+xml") || !strstr(r.body, "<svg"))
		fail_msg("not an SVG: %s", r.content_type);
	hresp_free(&r);
	get_status(&w.a_mate, path, 403);

	/* Matrix and history. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld/runs/matrix", w.course);
	get_status(&w.a_elsewhere, path, 403);
	http_get(&w.a_instr, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "runs_required")), 2);
	json_t *rows = json_object_get(j, "rows");
	bool seen = false;
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		if (json_integer_value(json_object_get(row, "user_id")) != user_id_of(&w.trainee))
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(row, "runs_passed")), 1);
		assert_true(
		    json_real_value(json_object_get(json_object_get(row, "means"), "calm")) == 3.0);
	}
	assert_true(seen);
	json_decref(j);
	hresp_free(&r);
	get_status(&w.a_mate, path, 403);
	snprintf(path, sizeof path, "/api/v1/users/%lld/runs", (long long)user_id_of(&w.trainee));
	http_get(&w.a_trainee, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "runs")), 1);
	json_t *trend = json_array_get(json_object_get(j, "trends"), 0);
	assert_string_equal(json_string_value(json_object_get(trend, "code")), "intro");
	assert_int_equal(json_array_size(json_object_get(trend, "points")), 1);
	json_decref(j);
	hresp_free(&r);
	get_status(&w.a_mate, path, 404); /* officers: their own only */
	get_status(&w.a_sup, path, 200);  /* the agency's supervisor */
	get_status(&w.a_instr, path, 200);
	get_status(&w.a_trainee, "/api/v1/me/runs", 200);

	/* The course setting behind runs_required: editable on the course API. */
	agent admin = {0};
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	snprintf(path, sizeof path, "/api/v1/courses/%lld", w.course);
	http_json(&admin, "PATCH", path, "{\"scenario_runs_required\": 21}", &r);
	expect_field(&r, 422, "scenario_runs_required");
	hresp_free(&r);
	http_json(&admin, "PATCH", path, "{\"scenario_runs_required\": 1}", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "scenario_runs_required")), 1);
	json_decref(j);
	hresp_free(&r);

	/* The anonymity setting: admins only; applies to runs started later. */
	http_json(&w.a_instr, "PUT", "/api/v1/settings/runs", "{\"feedback_anonymous\": false}",
	          &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_json(&admin, "PUT", "/api/v1/settings/runs", "{\"feedback_anonymous\": false}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	long long later =
	    start_run(&w, &w.a_instr, w.course, w.scenario, &w.trainee, 201, NULL, NULL);
	snprintf(path, sizeof path, "/api/v1/runs/%lld", later);
	http_get(&w.a_trainee, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_false(json_is_true(json_object_get(j, "is_anonymous")));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/runs/%lld", run);
	http_get(&w.a_trainee, path, &r);
	j = hresp_json(&r);
	assert_true(json_is_true(json_object_get(j, "is_anonymous"))); /* kept */
	json_decref(j);
	hresp_free(&r);
	/* The page: a checkbox form; unchecked turns it off, checked on. */
	agent *page = admin_agent();
	http_get(page, "/settings/runs", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "name=\"feedback_anonymous\""));
	hresp_free(&r);
	http_post_form(page, "/settings/runs", "feedback_anonymous=1", &r);
	expect_redirect(&r, "/settings/runs?done=saved");
	hresp_free(&r);
	http_get(&admin, "/api/v1/settings/runs", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_true(json_is_true(json_object_get(j, "feedback_anonymous")));
	json_decref(j);
	hresp_free(&r);
}

/* ---- the event stream ---- */

/* What a stream received up to a known event: the events (owned by the
 * stream) and their data parsed. */
typedef struct received {
	const sse_event *events;
	json_t *data[8];
	size_t n;
} received;

/* Opens the run's event stream as a (with Last-Event-ID last_id when not
 * NULL) and waits until it is open. */
static sse_stream *stream_open(agent *a, long long run, const char *query, const char *last_id)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/events%s", run, query ? query : "");
	sse_stream *s = sse_open(base_url(), a, path, last_id);
	sse_wait_open(s, 30000);
	return s;
}

/* Waits for the event with id `to`; the events up to it must be ids
 * from+1, from+2, … to, once each, in order, each with JSON data whose
 * seq is its id. */
static void receive(sse_stream *s, long long from, long long to, received *out)
{
	char want[32];
	snprintf(want, sizeof want, "%lld", to);
	sse_event last;
	if (!sse_wait_id(s, want, 30000, &last))
		fail_msg("no event %lld on the stream; it sent:\n%.3000s", to, sse_raw(s));
	size_t n = sse_events(s, &out->events), upto = 0;
	while (upto < n && strcmp(out->events[upto].id, want))
		upto++;
	upto++;
	if (upto != (size_t)(to - from) || upto > sizeof out->data / sizeof out->data[0])
		fail_msg("%zu events up to id %lld, want %lld (ids %lld..%lld):\n%.3000s", upto, to,
		         to - from, from + 1, to, sse_raw(s));
	out->n = 0;
	for (size_t i = 0; i < upto; i++) {
		const sse_event *e = &out->events[i];
		long long id = strtoll(e->id, NULL, 10);
		if (id != from + 1 + (long long)i)
			fail_msg("event %zu has id %s, want %lld", i, e->id,
			         from + 1 + (long long)i);
		json_t *j = json_loads(e->data, 0, NULL);
		if (!j)
			fail_msg("event %lld: data is not JSON: %s", id, e->data);
		out->data[out->n++] = j;
		if (json_integer_value(json_object_get(j, "seq")) != id)
			fail_msg("event %lld: data.seq differs", id);
	}
}

static void received_free(received *r)
{
	for (size_t i = 0; i < r->n; i++)
		json_decref(r->data[i]);
	r->n = 0;
}

void test_runs_events(void **state)
{
	(void)state;
	world w;
	make_world(&w);
	long long run =
	    start_run(&w, &w.a_instr, w.course, w.scenario, &w.trainee, 201, NULL, NULL);
	/* Listening before anything happens: the instructor's named view and
	 * the trainee's anonymous one. */
	sse_stream *named = stream_open(&w.a_instr, run, NULL, NULL);
	sse_stream *anon = stream_open(&w.a_trainee, run, NULL, NULL);
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": 3}, \"comment\": \"Kind tone\"}",
	             201, NULL);
	put_feedback(&w.a_instr, run,
	             "{\"scores\": {\"intro\": 5, \"calm\": 4}, \"comment\": \"Good\"}", 201, NULL);
	put_feedback(&w.a_mate, run, "{\"scores\": {\"intro\": 4}, \"comment\": \"Kind tone!\"}",
	             200, NULL);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/end", run);
	post_status(&w.a_instr, path, 200, NULL);
	received rn, ra;
	receive(named, 0, 4, &rn);
	receive(anon, 0, 4, &ra);
	const char *want_names[] = {"feedback", "feedback", "feedback", "ended"};
	for (int i = 0; i < 4; i++) {
		assert_string_equal(rn.events[i].event, want_names[i]);
		assert_string_equal(ra.events[i].event, want_names[i]);
		assert_int_equal(json_integer_value(json_object_get(rn.data[i], "run_id")), run);
	}
	json_t *e1 = rn.data[0], *e3 = rn.data[2];
	assert_string_equal(json_string_value(json_object_get(e1, "role")), "classmate");
	assert_string_equal(json_string_value(json_object_get(e1, "author")), w.mate.name);
	assert_string_equal(json_string_value(json_object_get(e1, "comment")), "Kind tone");
	assert_int_equal(json_integer_value(json_object_get(e1, "revision")), 1);
	assert_int_equal(json_integer_value(json_object_get(e3, "revision")), 2);
	/* Each feedback event carries the summary as of that event. */
	json_t *intro1 = json_array_get(json_object_get(e1, "summary"), 0);
	json_t *intro3 = json_array_get(json_object_get(e3, "summary"), 0);
	assert_true(json_real_value(json_object_get(intro1, "classmate_mean")) == 3.0);
	assert_true(json_is_null(json_object_get(intro1, "instructor_mean")));
	assert_true(json_real_value(json_object_get(intro3, "classmate_mean")) == 4.0);
	assert_true(json_real_value(json_object_get(intro3, "instructor_mean")) == 5.0);
	assert_int_equal(json_integer_value(json_object_get(intro3, "spread")), 1);
	assert_non_null(json_object_get(rn.data[3], "ended_at"));
	/* The anonymous view: classmates' author null, instructors' kept. */
	assert_true(json_is_null(json_object_get(ra.data[0], "author")));
	assert_string_equal(json_string_value(json_object_get(ra.data[1], "author")), w.instr.name);
	assert_true(json_is_null(json_object_get(ra.data[2], "author")));
	received_free(&rn);
	received_free(&ra);
	sse_close(named);
	sse_close(anon);

	/* Reconnect after id 2: exactly 3 and 4 replay, then the live ones
	 * (a revision and the close), nothing missed, nothing repeated. */
	sse_stream *again = stream_open(&w.a_instr, run, NULL, "2");
	put_feedback(
	    &w.a_instr, run,
	    "{\"scores\": {\"intro\": 5, \"calm\": 4, \"choices\": 4}, \"comment\": \"Good\"}", 200,
	    NULL);
	snprintf(path, sizeof path, "/api/v1/runs/%lld/close", run);
	post_status(&w.a_instr, path, 200, NULL);
	received rg;
	receive(again, 2, 6, &rg);
	assert_string_equal(rg.events[0].event, "feedback");
	assert_string_equal(rg.events[1].event, "ended");
	assert_string_equal(rg.events[2].event, "feedback");
	assert_string_equal(rg.events[3].event, "closed");
	json_t *closed = rg.data[3];
	assert_string_equal(json_string_value(json_object_get(closed, "result")), "pass");
	assert_true(json_real_value(json_object_get(closed, "mean")) == 4.25);
	received_free(&rg);
	sse_close(again);

	/* ?after=N is the same as Last-Event-ID for clients without it. */
	again = stream_open(&w.a_mate, run, "?after=5", NULL);
	receive(again, 5, 6, &rg);
	received_free(&rg);
	sse_close(again);

	/* An id beyond the newest event (a screen that saw another history,
	 * such as the database before a restore) gets the whole run again
	 * rather than waiting for ids that never come. */
	again = stream_open(&w.a_mate, run, NULL, "99");
	receive(again, 0, 6, &rg);
	received_free(&rg);
	sse_close(again);

	/* Outside the scope: 404, no stream. */
	hresp r;
	snprintf(path, sizeof path, "/api/v1/runs/%lld/events", run);
	http_get(&w.a_outsider, path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
}
