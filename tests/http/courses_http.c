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
	char *argv_pg[] = {
	    "/usr/bin/psql",   "-qtAX", "-v", "ON_ERROR_STOP=1", (char *)db_url(), "-c",
	    (char *)statement, NULL};
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

/* GETs a feed with no credentials (Host: host unless NULL) into r. */
static void get_feed(const char *path, const char *host, hresp *r)
{
	char header[160];
	snprintf(header, sizeof header, "Host: %s", host ? host : "");
	const char *extra[] = {header, NULL};
	http(NULL, "GET", path, NULL, NULL, 0, host ? extra : NULL, r);
	expect_status(r, 200);
	if (strncmp(r->content_type, "text/calendar", 13) != 0)
		fail_msg("%s: Content-Type %s", path, r->content_type);
}

/* Checks a feed with python3-icalendar (tests/http/ics_check.py): valid,
 * `events` events, and when expect is not NULL (a JSON object by
 * "session-ID") each event's instants, SUMMARY, LOCATION, SEQUENCE and
 * STATUS exactly. Returns the body (malloc'd). */
static char *check_feed_expect(const char *path, int events, json_t *expect)
{
	hresp r;
	get_feed(path, NULL, &r);
	char file[PATH_MAX], out[PATH_MAX], err[PATH_MAX], script[PATH_MAX], count[16],
	    want[PATH_MAX];
	snprintf(file, sizeof file, "%s/feed.ics", harness_work());
	snprintf(want, sizeof want, "%s/feed.json", harness_work());
	snprintf(out, sizeof out, "%s/ics_check.out", harness_work());
	snprintf(err, sizeof err, "%s/ics_check.err", harness_work());
	snprintf(count, sizeof count, "%d", events);
	harness_write(file, r.body, r.len);
	char *body = strdup(r.body);
	hresp_free(&r);
	if (expect && json_dump_file(expect, want, 0) != 0)
		fail_msg("cannot write %s", want);
	if (!realpath("tests/http/ics_check.py", script))
		fail_msg("tests/http/ics_check.py not found (run from the repository root)");
	char *argv[] = {"/usr/bin/python3", script, file, count, expect ? want : NULL, NULL};
	int code = harness_run(argv, NULL, out, err);
	if (code != 0) {
		char *why = harness_slurp(out, NULL), *why2 = harness_slurp(err, NULL);
		fail_msg("%s is not the feed it should be (exit %d): %s %s\n%s", path, code,
		         why ? why : "", why2 ? why2 : "", body);
	}
	return body;
}

static void check_feed(const char *path, int events)
{
	free(check_feed_expect(path, events, NULL));
}

/* The feed's UID lines, in order, one per line (malloc'd). */
static char *uids_of(const char *ics)
{
	size_t cap = strlen(ics) + 1, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	out[0] = '\0';
	for (const char *p = strstr(ics, "\r\nUID:"); p; p = strstr(p + 2, "\r\nUID:")) {
		size_t n = strcspn(p + 2, "\r");
		len += (size_t)snprintf(out + len, cap - len, "%.*s\n", (int)n, p + 2);
	}
	return out;
}

/* A session of course via the API; its expected event goes into expect
 * (start and end from the API's UTC times). Returns its id. */
static long long add_session(agent *api, long long course, const char *json, const char *summary,
                             const char *location, json_t *expect)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", course);
	hresp r;
	http_json(api, "POST", path, json, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long long id = (long long)json_integer_value(json_object_get(j, "id"));
	char key[64];
	snprintf(key, sizeof key, "session-%lld", id);
	json_object_set_new(expect, key,
	                    json_pack("{s:O, s:O, s:s, s:s, s:i, s:s}", "start",
	                              json_object_get(j, "starts_at"), "end",
	                              json_object_get(j, "ends_at"), "summary", summary, "location",
	                              location, "sequence", 0, "status", "CONFIRMED"));
	json_decref(j);
	hresp_free(&r);
	return id;
}

/* The feed link on the /courses page of a signed-in user. */
static void own_feed(agent *a, const char *kind, char *out, size_t outlen)
{
	hresp r;
	http_get(a, "/courses", &r);
	char prefix[64];
	snprintf(prefix, sizeof prefix, "/calendar/%s/", kind);
	const char *at = strstr(r.body, prefix);
	if (!at)
		fail_msg("no %s feed on /courses", kind);
	snprintf(out, outlen, "%.*s", (int)strcspn(at, "\""), at);
	hresp_free(&r);
}

void test_course_calendar(void **state)
{
	(void)state;
	agent api = admin_api();
	/* A title and a room that need escaping in TEXT (\ ; , and UTF-8). */
	long long id = make_course(&api, "Calendar course, with; odd\\\\chars — é", "open");
	const char *title = "Calendar course, with; odd\\chars — é";
	const char *location = "Training Center, Room 4; east\\wing";
	tuser teacher;
	user_make(&teacher, "instructor", 1);
	char body[512], summary[256];
	snprintf(summary, sizeof summary, "%s: Verbal de-escalation; Voices of lived experience",
	         title);
	json_t *course_events = json_object();
	long long first = 0;
	for (int day = 1; day <= 3; day++) {
		snprintf(
		    body, sizeof body,
		    "{\"date\": \"2027-03-0%d\", \"start\": \"08:00\", \"end\": \"09:30\", "
		    "\"room\": \"Room 4; east\\\\wing\", \"module\": [\"%lld:45\", \"%lld:45\"], "
		    "\"instructor\": [%lld]}",
		    day, S.mod_a, S.mod_b, (long long)user_id_of(&teacher));
		long long sid = add_session(&api, id, body, summary, location, course_events);
		first = first ? first : sid;
	}
	hresp r;
	char path[256];
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
	/* Times in the program's zone (TZID + VTIMEZONE) at the sessions'
	 * instants; SUMMARY and LOCATION decode to the very text. */
	char *ics = check_feed_expect(feed_path, 3, course_events);
	if (!strstr(ics, "\r\nDTSTART;TZID="))
		fail_msg("DTSTART without TZID:\n%s", ics);
	char *uids = uids_of(ics);
	free(ics);
	/* The same feed under two other host names: the same UIDs. */
	const char *hosts[] = {"calendar.example.org", "10.1.2.3:8443"};
	for (size_t i = 0; i < 2; i++) {
		get_feed(feed_path, hosts[i], &r);
		char *other = uids_of(r.body);
		if (strcmp(other, uids))
			fail_msg("Host %s gives other UIDs:\n%s\nwant:\n%s", hosts[i], other, uids);
		if (strstr(r.body, hosts[i]))
			fail_msg("the feed names the request's host %s", hosts[i]);
		free(other);
		hresp_free(&r);
	}
	/* The first session moved an hour later: the same UID, SEQUENCE 1,
	 * the new instants. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", id, first);
	http_json(&api, "PATCH", path,
	          "{\"date\": \"2027-03-01\", \"start\": \"09:00\", \"end\": \"10:30\"}", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	char key[64];
	snprintf(key, sizeof key, "session-%lld", first);
	json_t *e = json_object_get(course_events, key);
	json_object_set(e, "start", json_object_get(j, "starts_at"));
	json_object_set(e, "end", json_object_get(j, "ends_at"));
	json_object_set_new(e, "sequence", json_integer(1));
	json_decref(j);
	hresp_free(&r);
	ics = check_feed_expect(feed_path, 3, course_events);
	char *after = uids_of(ics);
	assert_string_equal(after, uids);
	free(after);
	free(ics);

	/* The instructor's feed, from their /courses page: these three and
	 * two of a course across the change to daylight time (14 March
	 * 2027), each at its instant. */
	long long dst = make_course(&api, "Calendar spring course", "open");
	snprintf(path, sizeof path, "/api/v1/courses/%lld", dst);
	http_json(&api, "PATCH", path,
	          "{\"starts_on\": \"2027-03-12\", \"ends_on\": \"2027-03-16\"}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	json_t *teaching = json_deep_copy(course_events);
	const char *days[] = {"2027-03-12", "2027-03-15"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(
		    body, sizeof body,
		    "{\"date\": \"%s\", \"start\": \"13:00\", \"end\": \"14:00\", \"room\": \"\", "
		    "\"module\": [\"%lld\"], \"instructor\": [%lld]}",
		    days[i], S.mod_a, (long long)user_id_of(&teacher));
		long long sid =
		    add_session(&api, dst, body, "Calendar spring course: Verbal de-escalation",
		                "Training Center", teaching);
		/* Its course was changed once (the dates): SEQUENCE 1. */
		snprintf(key, sizeof key, "session-%lld", sid);
		json_object_set_new(json_object_get(teaching, key), "sequence", json_integer(1));
	}
	agent web_teacher;
	memset(&web_teacher, 0, sizeof web_teacher);
	login(&web_teacher, &teacher);
	char teacher_feed[256];
	own_feed(&web_teacher, "instructor", teacher_feed, sizeof teacher_feed);
	ics = check_feed_expect(teacher_feed, 5, teaching);
	if (!strstr(ics, "BEGIN:DAYLIGHT") || !strstr(ics, "BEGIN:STANDARD"))
		fail_msg("the VTIMEZONE lacks the change to daylight time:\n%s", ics);
	if (!strstr(ics, teacher.name))
		fail_msg("the instructor's feed is not named for them");
	free(ics);
	json_decref(teaching);

	/* A changed token, another kind or id: 404 like an unknown feed. */
	char wrong[320];
	snprintf(wrong, sizeof wrong, "%s", feed_path);
	char *dash = strchr(wrong + strlen("/calendar/course/"), '-');
	dash[1] = dash[1] == '0' ? '1' : '0';
	http_get(NULL, wrong, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	snprintf(wrong, sizeof wrong, "/calendar/instructor/%s",
	         feed_path + strlen("/calendar/course/"));
	http_get(NULL, wrong, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	http_get(NULL, "/calendar/course/1.ics", &r);
	expect_status(&r, 404);
	hresp_free(&r);

	/* The officer's feed, from their /courses page: empty until enrolled,
	 * then the course's sessions. */
	tuser officer;
	user_make(&officer, "officer", 1);
	agent off;
	memset(&off, 0, sizeof off);
	login(&off, &officer);
	char officer_feed[256];
	own_feed(&off, "officer", officer_feed, sizeof officer_feed);
	check_feed(officer_feed, 0);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/enrollments", id);
	snprintf(body, sizeof body, "{\"user_id\": %lld}", (long long)user_id_of(&officer));
	http_json(&api, "POST", path, body, &r);
	expect_status(&r, 201);
	hresp_free(&r);
	ics = check_feed_expect(officer_feed, 3, course_events);
	after = uids_of(ics);
	assert_string_equal(after, uids);
	free(after);
	free(ics);

	/* The course cancelled: its sessions stay in every feed, cancelled,
	 * their SEQUENCE one higher. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld", id);
	http_json(&api, "PATCH", path, "{\"status\": \"cancelled\"}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	const char *k;
	json_object_foreach(course_events, k, e)
	{
		json_object_set_new(e, "status", json_string("CANCELLED"));
		json_object_set_new(
		    e, "sequence",
		    json_integer(json_integer_value(json_object_get(e, "sequence")) + 1));
	}
	free(check_feed_expect(feed_path, 3, course_events));
	free(check_feed_expect(officer_feed, 3, course_events));

	/* A link that leaked is replaced, and the old one is a 404 at once:
	 * the officer's own (their feeds go together), then the course's by
	 * a coordinator (an officer may not). The new links work. */
	http_post_form(&off, "/calendar/reset", "", &r);
	expect_redirect(&r, "/courses?done=calendar");
	hresp_free(&r);
	http_get(NULL, officer_feed, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	char new_officer_feed[256];
	own_feed(&off, "officer", new_officer_feed, sizeof new_officer_feed);
	assert_string_not_equal(new_officer_feed, officer_feed);
	free(check_feed_expect(new_officer_feed, 3, course_events));
	snprintf(path, sizeof path, "/courses/%lld/calendar/reset", id);
	http_post_form(&off, path, "", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	free(check_feed_expect(feed_path, 3, course_events));
	tuser coord_u;
	user_make(&coord_u, "coordinator", 1);
	agent coord = {0};
	login(&coord, &coord_u);
	http_post_form(&coord, path, "", &r);
	char done[128];
	snprintf(done, sizeof done, "/courses/%lld?done=calendar", id);
	expect_redirect(&r, done);
	hresp_free(&r);
	http_get(NULL, feed_path, &r);
	expect_status(&r, 404);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/courses/%lld", id);
	http_get(&api, path, &r);
	j = hresp_json(&r);
	char new_feed[256];
	snprintf(new_feed, sizeof new_feed, "%s",
	         json_string_value(json_object_get(j, "calendar_path")));
	json_decref(j);
	hresp_free(&r);
	assert_string_not_equal(new_feed, feed_path);
	free(check_feed_expect(new_feed, 3, course_events));
	json_decref(course_events);
	free(uids);
}

static long long count_titled(const char *title)
{
	char q[256];
	long long n[1] = {0};
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM courses WHERE title = '%s'", title);
	sql(q, n, 1);
	return n[0];
}

/* The course forms: POST /courses/new, POST /courses/{id} and POST
 * /courses/{id}/sessions/{sid}; each change read back over the API, bad
 * input refused (422, the form again, nothing written), who may. */
void test_course_forms(void **state)
{
	(void)state;
	seed_curriculum();
	agent api = admin_api();
	tuser coord_u, sup_u, ins_u, off_u;
	agent coord = {0}, sup = {0}, ins = {0}, off = {0};
	user_make(&coord_u, "coordinator", 2);
	user_make(&sup_u, "supervisor", 1);
	user_make(&ins_u, "instructor", 1);
	user_make(&off_u, "officer", 1);
	login(&coord, &coord_u);
	login(&sup, &sup_u);
	login(&ins, &ins_u);
	login(&off, &off_u);
	char fields[768], path[256], page[256];
	hresp r;

	/* Added from the form by a coordinator. */
	http_get(&coord, "/courses/new", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields,
	         "version_id=%lld&title=Form+course&location=Hall+B&starts_on=2027-04-05"
	         "&ends_on=2027-04-09&capacity=12&status=planned",
	         S.version_id);
	http_post_form(&coord, "/courses/new", fields, &r);
	expect_redirect(&r, "/courses/");
	assert_non_null(strstr(r.location, "done=created"));
	long long id = strtoll(r.location + strlen("/courses/"), NULL, 10);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/courses/%lld", id);
	json_t *j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Form course");
	assert_string_equal(json_string_value(json_object_get(j, "location")), "Hall B");
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 12);
	json_decref(j);

	/* Bad input: the form again naming the fields; nothing written. */
	snprintf(fields, sizeof fields,
	         "version_id=%lld&title=Bad+form+course&starts_on=2027-04-09&ends_on=2027-04-05"
	         "&capacity=-3&status=planned",
	         S.version_id);
	http_post_form(&coord, "/courses/new", fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "ends_on");
	expect_form_error(&r, "capacity");
	hresp_free(&r);
	/* Roles without courses.write: 403; nothing written. */
	snprintf(fields, sizeof fields,
	         "version_id=%lld&title=Bad+form+course&starts_on=2027-04-05&ends_on=2027-04-09"
	         "&capacity=5&status=planned",
	         S.version_id);
	agent *refused[] = {&sup, &ins, &off};
	for (size_t k = 0; k < 3; k++) {
		expect_form_status(refused[k], "/courses/new", fields, 403);
	}
	expect_signed_out_refused("/courses/new", fields);
	assert_int_equal(count_titled("Bad form course"), 0);

	/* Changed from its page; read back. */
	snprintf(page, sizeof page, "/courses/%lld", id);
	http_get(&coord, page, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields,
	         "version_id=%lld&title=Form+course+renamed&location=Gym&starts_on=2027-04-05"
	         "&ends_on=2027-04-10&capacity=15&status=open",
	         S.version_id);
	http_post_form(&coord, page, fields, &r);
	expect_redirect(&r, page);
	assert_non_null(strstr(r.location, "done=saved"));
	hresp_free(&r);
	j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Form course renamed");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 15);
	json_decref(j);
	/* Refused: a capacity of 0, an unknown status; others; nothing
	 * written. */
	snprintf(fields, sizeof fields,
	         "version_id=%lld&title=Not+saved&starts_on=2027-04-05&ends_on=2027-04-10"
	         "&capacity=0&status=sideways",
	         S.version_id);
	http_post_form(&coord, page, fields, &r);
	expect_status(&r, 422);
	expect_form_error(&r, "capacity");
	expect_form_error(&r, "status");
	hresp_free(&r);
	for (size_t k = 0; k < 3; k++) {
		expect_form_status(refused[k], page, "title=Not+saved", 403);
	}
	expect_form_status(&coord, "/courses/999999", "title=Not+saved", 404);
	assert_int_equal(count_titled("Not saved"), 0);
	j = http_get_json(&api, path);
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 15);
	json_decref(j);

	/* A session, changed from its edit form. */
	char body[256];
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions", id);
	snprintf(body, sizeof body,
	         "{\"date\": \"2027-04-06\", \"start\": \"08:00\", \"end\": \"10:00\", "
	         "\"room\": \"A\", \"module\": [\"%lld:120\"]}",
	         S.mod_a);
	http_json(&api, "POST", path, body, &r);
	expect_status(&r, 201);
	j = hresp_json(&r);
	long long sid = (long long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	snprintf(page, sizeof page, "/courses/%lld/sessions/%lld", id, sid);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", id, sid);
	http_get(&coord, page, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(fields, sizeof fields,
	         "date=2027-04-07&start=13:00&end=14:30&room=Lab&modules_set=1&instructors_set=1"
	         "&module=%lld&minutes_%lld=90",
	         S.mod_b, S.mod_b);
	http_post_form(&coord, page, fields, &r);
	expect_redirect(&r, "/courses/");
	hresp_free(&r);
	j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "room")), "Lab");
	json_t *mods = json_object_get(j, "modules");
	assert_int_equal(json_array_size(mods), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(mods, 0), "minutes")),
	                 90);
	json_decref(j);
	/* Refused: ends before it starts, a day outside the course; another
	 * course's path; others; nothing written. */
	http_post_form(&coord, page, "date=2027-04-07&start=14:00&end=13:00&room=Nope", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "end");
	assert_non_null(strstr(r.body, "must be after the start"));
	hresp_free(&r);
	http_post_form(&coord, page, "date=2027-05-01&start=08:00&end=09:00&room=Nope", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "date");
	hresp_free(&r);
	char wrong[256];
	snprintf(wrong, sizeof wrong, "/courses/%lld/sessions/%lld", id + 1000, sid);
	expect_form_status(&coord, wrong, "date=2027-04-07&start=08:00&end=09:00&room=Nope", 404);
	for (size_t k = 0; k < 3; k++) {
		http_post_form(refused[k], page, "date=2027-04-07&start=08:00&end=09:00&room=Nope",
		               &r);
		expect_status(&r, 403);
		hresp_free(&r);
	}
	j = http_get_json(&api, path);
	assert_string_equal(json_string_value(json_object_get(j, "room")), "Lab");
	json_decref(j);
}
