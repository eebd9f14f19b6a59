/* courses_http.c: courses, sessions and calendar feeds over HTTP: the
 * JSON API (create, list, change, sessions, conflicts, bad input that
 * writes nothing), the pages (valid HTML through tidy, forms with CSRF),
 * each role's permission, and the .ics feeds at their secret URLs, parsed
 * by python3-icalendar (tests/http/ics_check.py).
 *
 * The approved curriculum version a course needs is written straight
 * into the database with the engine's own shell (sqlite3 or psql): the
 * curriculum pages belong to another suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "courses_http.h"
#include "harness.h"
#include "harness_internal.h"

/* The course's curriculum: one version, two modules. */
typedef struct seed {
	long long version_id, mod_a, mod_b;
	bool ready;
} seed;
static seed S;

/* Runs one SQL statement with the engine's shell; the integers it prints
 * (RETURNING id) go to ids. Returns how many. */
static size_t sql(const char *statement, long long *ids, size_t max)
{
	char out_path[PATH_MAX], err_path[PATH_MAX];
	snprintf(out_path, sizeof out_path, "%s/sql.out", harness_work());
	snprintf(err_path, sizeof err_path, "%s/sql.err", harness_work());
	char *argv_lite[] = {"/usr/bin/sqlite3", (char *)db_url(), (char *)statement, NULL};
	char *argv_pg[] = {"/usr/bin/psql", "-qtAX", "-v", "ON_ERROR_STOP=1", (char *)db_url(),
	                   "-c", (char *)statement, NULL};
	int code = harness_run(on_postgres() ? argv_pg : argv_lite, NULL, out_path, err_path);
	if (code != 0)
		fail_msg("%s: exit %d", statement, code);
	char *out = harness_slurp(out_path, NULL);
	size_t n = 0;
	for (char *p = out; p && *p && n < max;) {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		ids[n++] = v;
		p = end;
	}
	free(out);
	return n;
}

static void seed_curriculum(void)
{
	if (S.ready)
		return;
	long long ids[4];
	if (sql("INSERT INTO curricula (name, kind, created_at) VALUES ('HTTP suite curriculum', "
	        "'local', 1) RETURNING id",
	        ids, 1) != 1)
		fail_msg("no curriculum id");
	char q[1024];
	snprintf(q, sizeof q,
	         "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	         "created_at, updated_at) VALUES (%lld, 1, 'HTTP suite CIT', 'approved', 1, 1) "
	         "RETURNING id",
	         ids[0]);
	if (sql(q, ids, 1) != 1)
		fail_msg("no version id");
	S.version_id = ids[0];
	snprintf(q, sizeof q,
	         "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	         "minutes, instructor_kinds, is_required) VALUES "
	         "(%lld, 'a', 1, 'Verbal de-escalation', 'deescalation', 120, 'officer', 1), "
	         "(%lld, 'b', 2, 'Voices of lived experience', 'lived_experience', 90, "
	         "'presenter', 1) RETURNING id",
	         S.version_id, S.version_id);
	if (sql(q, ids, 2) != 2)
		fail_msg("no module ids");
	S.mod_a = ids[0];
	S.mod_b = ids[1];
	S.ready = true;
}

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

static long long make_course(agent *a, const char *title, const char *status)
{
	seed_curriculum();
	char body[512];
	snprintf(body, sizeof body,
	         "{\"version_id\": %lld, \"title\": \"%s\", \"location\": \"Training Center\", "
	         "\"starts_on\": \"2027-03-01\", \"ends_on\": \"2027-03-05\", \"capacity\": 20, "
	         "\"status\": \"%s\"}",
	         S.version_id, title, status);
	hresp r;
	http_json(a, "POST", "/api/v1/courses", body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long long id = (long long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	return id;
}

/* The first error's field of a 422 problem. */
static void expect_field_error(const hresp *r, const char *field)
{
	expect_status(r, 422);
	json_t *j = hresp_json(r);
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	const char *got = json_string_value(json_object_get(e, "field"));
	if (!got || strcmp(got, field))
		fail_msg("want an error on %s: %.400s", field, r->body);
	json_decref(j);
}

static long long count_sessions(agent *a, long long course)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", course);
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	long long n = (long long)json_array_size(json_object_get(j, "items"));
	json_decref(j);
	hresp_free(&r);
	return n;
}

void test_courses_api(void **state)
{
	(void)state;
	agent admin = admin_api();
	long long id = make_course(&admin, "API course", "planned");
	char path[256], body[512];
	hresp r;
	/* Bad course: a draft-free check of dates and capacity, nothing written. */
	snprintf(body, sizeof body,
	         "{\"version_id\": %lld, \"title\": \"Bad\", \"starts_on\": \"2027-03-05\", "
	         "\"ends_on\": \"2027-03-01\", \"capacity\": 20}",
	         S.version_id);
	http_json(&admin, "POST", "/api/v1/courses", body, &r);
	expect_field_error(&r, "ends_on");
	hresp_free(&r);
	/* Sessions: one good, then each refusal. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", id);
	snprintf(body, sizeof body,
	         "{\"date\": \"2027-03-01\", \"start\": \"08:00\", \"end\": \"10:00\", \"room\": "
	         "\"A\", \"module\": [\"%lld:120\"]}",
	         S.mod_a);
	http_json(&admin, "POST", path, body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long long sid = (long long)json_integer_value(json_object_get(j, "id"));
	json_t *mods = json_object_get(j, "modules");
	assert_int_equal(json_array_size(mods), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(mods, 0), "minutes")),
	                 120);
	json_decref(j);
	hresp_free(&r);
	const char *bad[][2] = {
	    {"{\"date\": \"2027-03-01\", \"start\": \"09:00\", \"end\": \"11:00\"}", "start"},
	    {"{\"date\": \"2027-03-02\", \"start\": \"11:00\", \"end\": \"10:00\"}", "end"},
	    {"{\"date\": \"2027-03-08\", \"start\": \"08:00\", \"end\": \"09:00\"}", "date"},
	    {"{\"date\": \"2027-03-02\", \"start\": \"08:00\", \"end\": \"09:00\", \"instructor\": "
	     "[999999]}",
	     "instructor"},
	    {"{\"date\": \"2027-03-02\", \"start\": \"08:00\", \"end\": \"09:00\", \"module\": "
	     "[\"999999\"]}",
	     "module"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		http_json(&admin, "POST", path, bad[i][0], &r);
		expect_field_error(&r, bad[i][1]);
		hresp_free(&r);
	}
	assert_int_equal(count_sessions(&admin, id), 1);
	/* Touching 10:00–11:00 is fine; then the conflict report. */
	http_json(&admin, "POST", path,
	          "{\"date\": \"2027-03-01\", \"start\": \"10:00\", \"end\": \"11:00\"}", &r);
	expect_status(&r, 201);
	j = hresp_json(&r);
	long long sid2 = (long long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/conflicts", id);
	http_get(&admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"module_unscheduled\""));
	assert_null(strstr(r.body, "\"sessions_overlap\""));
	hresp_free(&r);
	/* PATCH a session, then delete the other. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", id, sid);
	http_json(&admin, "PATCH", path, "{\"room\": \"B\"}", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "room")), "B");
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", id + 1000, sid);
	http_get(&admin, path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", id, sid2);
	http_json(&admin, "DELETE", path, NULL, &r);
	expect_status(&r, 204);
	hresp_free(&r);
	assert_int_equal(count_sessions(&admin, id), 1);
	/* Status: planned → completed is refused; planned → open is fine. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld", id);
	http_json(&admin, "PATCH", path, "{\"status\": \"completed\"}", &r);
	expect_field_error(&r, "status");
	hresp_free(&r);
	/* An officer sees no planned course, may not write, and sees it once open. */
	tuser officer;
	user_make(&officer, "officer", 1);
	agent off = api_as(officer.email);
	http_get(&off, path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	http_json(&off, "POST", "/api/v1/courses", "{\"title\": \"x\"}", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_json(&admin, "PATCH", path, "{\"status\": \"open\"}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_get(&off, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_get(&off, "/api/v1/courses?status=open&limit=1", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"items\""));
	hresp_free(&r);
	agent nobody;
	memset(&nobody, 0, sizeof nobody);
	http_get(&nobody, "/api/v1/courses", &r);
	expect_status(&r, 401);
	hresp_free(&r);
}

void test_courses_pages(void **state)
{
	(void)state;
	agent api = admin_api();
	long long id = make_course(&api, "Pages course", "open");
	agent *admin = admin_agent();
	char path[256], fields[512];
	hresp r;
	http_get(admin, "/courses", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Pages course"));
	hresp_free(&r);
	http_get(admin, "/courses/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld", id);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Conflicts"));
	assert_non_null(strstr(r.body, "/calendar/course/"));
	hresp_free(&r);
	/* Add a session through the form (CSRF token from the page). */
	snprintf(path, sizeof path, "/courses/%lld/sessions", id);
	snprintf(fields, sizeof fields,
	         "date=2027-03-02&start=13:00&end=14:30&room=Gym&modules_set=1&instructors_set=1"
	         "&module=%lld&minutes_%lld=90",
	         S.mod_b, S.mod_b);
	http_post_form(admin, path, fields, &r);
	expect_redirect(&r, "/courses/");
	hresp_free(&r);
	/* A bad one re-shows the page with the problem, 422. */
	snprintf(path, sizeof path, "/courses/%lld", id);
	http_get(admin, path, &r);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/sessions", id);
	http_post_form(admin, path, "date=2027-03-02&start=14:00&end=13:00", &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "must be after the start"));
	hresp_free(&r);
	assert_int_equal(count_sessions(&api, id), 1);
	/* The session's edit page. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", id);
	http_get(&api, path, &r);
	json_t *j = hresp_json(&r);
	long long sid = (long long)json_integer_value(
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/sessions/%lld", id, sid);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Voices of lived experience"));
	hresp_free(&r);
	/* An officer reads the list and the course, not the forms. */
	tuser officer;
	user_make(&officer, "officer", 1);
	agent off;
	memset(&off, 0, sizeof off);
	login(&off, &officer);
	http_get(&off, "/courses", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "/calendar/officer/"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld", id);
	http_get(&off, path, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "Add a session"));
	hresp_free(&r);
	http_get(&off, "/courses/new", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/sessions/%lld", id, sid);
	http_get(&off, path, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	/* Delete through the form. */
	snprintf(path, sizeof path, "/courses/%lld", id);
	http_get(admin, path, &r);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/sessions/%lld/delete", id, sid);
	http_post_form(admin, path, "", &r);
	expect_redirect(&r, "/courses/");
	hresp_free(&r);
	assert_int_equal(count_sessions(&api, id), 0);
}

/* Fetches path with no credentials; writes the body to a file and checks
 * it with python3-icalendar. */
static void check_feed(const char *path, int events)
{
	hresp r;
	http_get(NULL, path, &r);
	expect_status(&r, 200);
	if (strncmp(r.content_type, "text/calendar", 13) != 0)
		fail_msg("%s: Content-Type %s", path, r.content_type);
	char file[PATH_MAX], out[PATH_MAX], err[PATH_MAX], script[PATH_MAX], count[16];
	snprintf(file, sizeof file, "%s/feed.ics", harness_work());
	snprintf(out, sizeof out, "%s/ics_check.out", harness_work());
	snprintf(err, sizeof err, "%s/ics_check.err", harness_work());
	snprintf(count, sizeof count, "%d", events);
	harness_write(file, r.body, r.len);
	hresp_free(&r);
	if (!realpath("tests/http/ics_check.py", script))
		fail_msg("tests/http/ics_check.py not found (run from the repository root)");
	char *argv[] = {"/usr/bin/python3", script, file, count, NULL};
	int code = harness_run(argv, NULL, out, err);
	if (code != 0) {
		char *why = harness_slurp(out, NULL), *why2 = harness_slurp(err, NULL);
		fail_msg("%s is not a valid feed (exit %d): %s %s", path, code, why ? why : "",
		         why2 ? why2 : "");
	}
}

void test_course_calendar(void **state)
{
	(void)state;
	agent api = admin_api();
	long long id = make_course(&api, "Calendar course, with; odd\\\\chars", "open");
	char path[256], body[512];
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", id);
	for (int day = 1; day <= 3; day++) {
		snprintf(body, sizeof body,
		         "{\"date\": \"2027-03-0%d\", \"start\": \"08:00\", \"end\": \"09:30\", "
		         "\"room\": \"Room 4, east wing\", \"module\": [\"%lld:45\", \"%lld:45\"]}",
		         day, S.mod_a, S.mod_b);
		hresp r;
		http_json(&api, "POST", path, body, &r);
		expect_status(&r, 201);
		hresp_free(&r);
	}
	hresp r;
	snprintf(path, sizeof path, "/api/v1/courses/%lld", id);
	http_get(&api, path, &r);
	json_t *j = hresp_json(&r);
	const char *feed = json_string_value(json_object_get(j, "calendar_path"));
	if (!feed)
		fail_msg("no calendar_path: %.300s", r.body);
	char feed_path[256];
	snprintf(feed_path, sizeof feed_path, "%s", feed);
	json_decref(j);
	hresp_free(&r);
	check_feed(feed_path, 3);
	/* A changed token, another kind or id: 404 like an unknown feed. */
	char wrong[320];
	snprintf(wrong, sizeof wrong, "%s", feed_path);
	char *dash = strchr(wrong + strlen("/calendar/course/"), '-');
	dash[1] = dash[1] == '0' ? '1' : '0';
	http_get(NULL, wrong, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	snprintf(wrong, sizeof wrong, "/calendar/instructor/%s", feed_path + strlen("/calendar/course/"));
	http_get(NULL, wrong, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	http_get(NULL, "/calendar/course/1.ics", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	/* The officer's feed, from their /courses page: empty until enrolled. */
	tuser officer;
	user_make(&officer, "officer", 1);
	agent off;
	memset(&off, 0, sizeof off);
	login(&off, &officer);
	http_get(&off, "/courses", &r);
	const char *at = strstr(r.body, "/calendar/officer/");
	if (!at)
		fail_msg("no officer feed on /courses");
	char officer_feed[256];
	size_t len = strcspn(at, "\"");
	snprintf(officer_feed, sizeof officer_feed, "%.*s", (int)len, at);
	hresp_free(&r);
	check_feed(officer_feed, 0);
}
