/* enroll.c: HTTP tests of enrollment (capacity, waitlist, twice, other
 * agency, withdraw and promotion), roll call (bounds, not enrolled,
 * nothing written on error), completion (the scenario assessment
 * counted from passed runs), and the pages,
 * with each role's permission. The curriculum and course rows are
 * written straight into the database (sqlite3 shell or libpq), so these
 * tests stand on the schema rather than on the course pages. */
#include "enroll.h"
#include "harness.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ORG_A = 1, ORG_B = 2 };

long long sql_int(const char *sql)
{
	long long v = 0;
	if (on_postgres()) {
		PGconn *c = PQconnectdb(db_url());
		if (PQstatus(c) != CONNECTION_OK)
			fail_msg("PostgreSQL: %s", PQerrorMessage(c));
		PGresult *r = PQexec(c, sql);
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(c));
		if (st == PGRES_TUPLES_OK && PQntuples(r) > 0)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
		return v;
	}
	char path[] = "/tmp/citkit-enroll-sql.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		fail_msg("mkstemp");
	FILE *f = fdopen(fd, "w");
	fprintf(f, ".timeout 10000\n.bail on\n%s;\n", sql);
	fclose(f);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' < '%s'", db_url(), path);
	FILE *p = popen(cmd, "r");
	char line[256] = "";
	if (!p || !fgets(line, sizeof line, p))
		line[0] = '\0';
	int rc = p ? pclose(p) : -1;
	unlink(path);
	if (rc != 0)
		fail_msg("sqlite3 failed on: %s", sql);
	v = strtoll(line, NULL, 10);
	return v;
}

static int course_seq;

typedef struct course_rows {
	long long version, module, course, session;
} course_rows;

/* An approved curriculum with one required 120-minute module, a course
 * (status, capacity) and one 120-minute session in the past covering the
 * module. */
static course_rows make_course(const char *status, int capacity)
{
	course_rows c;
	char sql[1024];
	course_seq++;
	snprintf(sql, sizeof sql,
	         "INSERT INTO curricula (name, kind, created_at) VALUES ('HTTP enroll %d %ld', "
	         "'local', 1) RETURNING id",
	         course_seq, (long)getpid());
	long long cur = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	         "approved_at, created_at, updated_at) VALUES (%lld, 1, 'HTTP enroll', 'approved', "
	         "1, 1, 1) RETURNING id",
	         cur);
	c.version = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO curriculum_modules (version_id, code, position, title, component, "
	         "minutes, is_required) VALUES (%lld, 'deesc', 1, 'Verbal de-escalation', "
	         "'deescalation', 120, 1) RETURNING id",
	         c.version);
	c.module = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, "
	         "status, created_at, updated_at) VALUES (%lld, 'HTTP course %d', 'Hall', "
	         "1600000000, 1600345600, %d, '%s', 1, 1) RETURNING id",
	         c.version, course_seq, capacity, status);
	c.course = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, "
	         "updated_at) VALUES (%lld, 1600000000, 1600007200, 'B2', 1, 1) RETURNING id",
	         c.course);
	c.session = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO session_modules (session_id, module_id, minutes) VALUES (%lld, %lld, "
	         "120)",
	         c.session, c.module);
	sql_int(sql);
	return c;
}

/* Enrolling seats people now, after make_course's session (2020): as if
 * they had enrolled before the course began, their seats go back to
 * before it, so the session counts for them. */
static void seat_before_course(long long course)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE enrollments SET seated_at = 1599000000 WHERE course_id = %lld "
	         "AND status = 'enrolled' RETURNING 1",
	         course);
	sql_int(sql);
}

/* u teaches session (session_instructors). */
static void teach(long long session, tuser *u)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "INSERT INTO session_instructors (session_id, user_id) VALUES (%lld, %lld)",
	         session, (long long)user_id_of(u));
	sql_int(sql);
}

long long course_teacher(long long course, tuser *u)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, "
	         "updated_at) SELECT id, starts_on, starts_on + 3600, 'Role-play room', 1, 1 "
	         "FROM courses WHERE id = %lld RETURNING id",
	         course);
	long long session = sql_int(sql);
	teach(session, u);
	return session;
}

static void bearer(agent *a, const char *email)
{
	memset(a, 0, sizeof *a);
	harness_token_for(email, a->bearer, sizeof a->bearer);
}

static void expect_json_problem(const hresp *r, long status, const char *field)
{
	expect_status(r, status);
	if (!strstr(r->content_type, "application/problem+json"))
		fail_msg("want problem+json, got %s", r->content_type);
	if (field) {
		char want[128];
		snprintf(want, sizeof want, "\"field\": \"%s\"", field);
		char want2[128];
		snprintf(want2, sizeof want2, "\"field\":\"%s\"", field);
		if (!strstr(r->body, want) && !strstr(r->body, want2))
			fail_msg("want an error on %s: %s", field, r->body);
	}
}

static long long enroll(agent *a, long long course, long long user_id, long want_status,
                        const char *want_message)
{
	char path[128], body[128];
	hresp r;
	snprintf(path, sizeof path, "/api/v1/courses/%lld/enrollments", course);
	snprintf(body, sizeof body, "{\"user_id\": %lld}", user_id);
	http_json(a, "POST", path, body, &r);
	expect_status(&r, want_status);
	long long id = 0;
	if (want_status == 201) {
		json_t *j = hresp_json(&r);
		id = json_integer_value(json_object_get(j, "id"));
		const char *msg = json_string_value(json_object_get(j, "message"));
		if (want_message && (!msg || strcmp(msg, want_message)))
			fail_msg("message %s, want %s", msg ? msg : "(none)", want_message);
		if (!hresp_header(&r, "Location"))
			fail_msg("no Location on 201");
		json_decref(j);
	}
	hresp_free(&r);
	return id;
}

static size_t list_count(agent *a, const char *path, long want_status)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, want_status);
	size_t n = 0;
	if (want_status == 200) {
		json_t *j = hresp_json(&r);
		n = json_array_size(json_object_get(j, "items"));
		json_decref(j);
	}
	hresp_free(&r);
	return n;
}

/* Capacity, waitlist with position, twice (409), another agency (404),
 * roles (401, 403), withdraw with promotion, scope of reads. */
void test_enroll_api(void **state)
{
	(void)state;
	course_rows c = make_course("open", 2);
	tuser sup, o1, o2, o3, ob;
	user_make(&sup, "supervisor", ORG_A);
	user_make(&o1, "officer", ORG_A);
	user_make(&o2, "officer", ORG_A);
	user_make(&o3, "officer", ORG_A);
	user_make(&ob, "officer", ORG_B);
	agent s, off1, off2, nobody = {0};
	bearer(&s, sup.email);
	bearer(&off1, o1.email);
	bearer(&off2, o2.email);
	long long id1 = enroll(&s, c.course, user_id_of(&o1), 201, "enrolled");
	long long id2 = enroll(&s, c.course, user_id_of(&o2), 201, "enrolled");
	long long id3 = enroll(&s, c.course, user_id_of(&o3), 201, "waitlisted, position 1");
	(void)id2;
	/* Twice, another agency, not allowed, nobody: nothing written. */
	enroll(&s, c.course, user_id_of(&o1), 409, NULL);
	enroll(&s, c.course, user_id_of(&ob), 404, NULL);
	enroll(&off1, c.course, user_id_of(&o1), 403, NULL);
	enroll(&nobody, c.course, user_id_of(&o1), 401, NULL);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/courses/%lld/enrollments", c.course);
	hresp r;
	http_json(&s, "POST", path, "{\"user_id\": \"x\"}", &r);
	expect_json_problem(&r, 422, "user_id");
	hresp_free(&r);
	assert_int_equal(list_count(&s, path, 200), 3);
	assert_int_equal(list_count(&off1, path, 200), 1); /* an officer sees their own */
	/* The course not open. */
	course_rows done = make_course("completed", 5);
	enroll(&s, done.course, user_id_of(&o1), 422, NULL);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/enrollments", done.course);
	assert_int_equal(list_count(&s, path, 200), 0);
	snprintf(path, sizeof path, "/api/v1/courses/%d/enrollments", 999999);
	list_count(&s, path, 404);

	/* Withdrawing the first promotes the waitlisted one. */
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld", id1);
	http_json(&off1, "DELETE", path, NULL, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_json(&s, "DELETE", path, NULL, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "withdrawn");
	assert_int_equal(json_integer_value(json_object_get(j, "promoted_id")), id3);
	json_decref(j);
	hresp_free(&r);
	http_json(&s, "DELETE", path, NULL, &r);
	expect_json_problem(&r, 409, NULL);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld", id3);
	http_get(&s, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "enrolled");
	assert_non_null(json_string_value(json_object_get(j, "seated_at")));
	/* Promoted now, after the course's only session: no credit for it, no
	 * absence, the module needs make-up. */
	json_t *p = json_object_get(j, "progress");
	assert_int_equal(json_integer_value(json_object_get(p, "required_minutes")), 2400);
	assert_int_equal(json_integer_value(json_object_get(p, "total_minutes")), 0);
	json_t *missing = json_object_get(p, "missing");
	assert_int_equal(json_array_size(missing), 3); /* module, total, assessment */
	assert_true(json_is_true(json_object_get(json_array_get(missing, 0), "makeup_needed")));
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_array_get(missing, 0), "text")),
	           "make-up needed"));
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(p, "modules"), 0), "before_seat")),
	                 120);
	json_decref(j);
	hresp_free(&r);
	/* Another officer's enrollment is not found; their own list has one. */
	http_get(&off2, path, &r);
	expect_json_problem(&r, 404, NULL);
	hresp_free(&r);
	assert_int_equal(list_count(&off2, "/api/v1/me/enrollments", 200), 1);
	list_count(&nobody, "/api/v1/me/enrollments", 401);
}

/* Roll call over the API: present by default, marks, bounds, not
 * enrolled, permissions; completion refused with what is
 * missing. */
void test_attendance_api(void **state)
{
	(void)state;
	course_rows c = make_course("in_progress", 5);
	tuser ins, sup, o1, o2, o3;
	user_make(&ins, "instructor", ORG_A);
	user_make(&sup, "supervisor", ORG_A);
	user_make(&o1, "officer", ORG_A);
	user_make(&o2, "officer", ORG_A);
	user_make(&o3, "officer", ORG_A);
	agent i, s, off;
	bearer(&i, ins.email);
	bearer(&s, sup.email);
	bearer(&off, o1.email);
	long long e1 = enroll(&s, c.course, user_id_of(&o1), 201, "enrolled");
	long long e2 = enroll(&s, c.course, user_id_of(&o2), 201, "enrolled");
	course_rows other = make_course("open", 5);
	long long elsewhere = enroll(&s, other.course, user_id_of(&o3), 201, "enrolled");
	seat_before_course(c.course);
	teach(c.session, &ins);
	char path[128], body[512];
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/attendance", c.session);
	hresp r;
	http_get(&i, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	json_t *items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "status")),
	                    "present");
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(items, 0), "credited_minutes")), 120);
	assert_int_equal(json_integer_value(json_object_get(j, "length_minutes")), 120);
	json_decref(j);
	hresp_free(&r);

	snprintf(body, sizeof body,
	         "{\"marks\": [{\"enrollment_id\": %lld, \"minutes_late\": 10, "
	         "\"minutes_left_early\": 20}, {\"enrollment_id\": %lld, \"status\": \"absent\"}]}",
	         e1, e2);
	http_json(&i, "PUT", path, body, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"credited_minutes\": 90")
	                    ? r.body
	                    : strstr(r.body, "\"credited_minutes\":90"));
	hresp_free(&r);
	/* Past the session's length; a person of another course; both named,
	 * nothing written. */
	snprintf(body, sizeof body,
	         "{\"marks\": [{\"enrollment_id\": %lld, \"minutes_late\": 121}, "
	         "{\"enrollment_id\": %lld, \"status\": \"present\"}]}",
	         e2, elsewhere);
	http_json(&i, "PUT", path, body, &r);
	expect_json_problem(&r, 422, "marks[0].minutes_late");
	expect_json_problem(&r, 422, "marks[1].enrollment_id");
	hresp_free(&r);
	http_json(&i, "PUT", path, "{\"marks\": [{\"status\": \"absent\"}]}", &r);
	expect_json_problem(&r, 422, "marks[0].enrollment_id");
	hresp_free(&r);
	http_json(&i, "PUT", path, "{\"marks\": 3}", &r);
	expect_json_problem(&r, 422, "marks");
	hresp_free(&r);
	http_get(&i, path, &r);
	j = hresp_json(&r);
	items = json_object_get(j, "items");
	for (size_t k = 0; k < json_array_size(items); k++) {
		json_t *it = json_array_get(items, k);
		long long eid = json_integer_value(json_object_get(it, "enrollment_id"));
		long long credited = json_integer_value(json_object_get(it, "credited_minutes"));
		assert_int_equal(credited, eid == e1 ? 90 : 0);
	}
	json_decref(j);
	hresp_free(&r);
	/* Who: supervisors read, never write; officers neither. */
	http_get(&s, path, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(body, sizeof body, "{\"marks\": [{\"enrollment_id\": %lld}]}", e1);
	http_json(&s, "PUT", path, body, &r);
	expect_json_problem(&r, 403, NULL);
	hresp_free(&r);
	http_get(&off, path, &r);
	expect_json_problem(&r, 403, NULL);
	hresp_free(&r);
	http_get(&i, "/api/v1/sessions/999999/attendance", &r);
	expect_json_problem(&r, 404, NULL);
	hresp_free(&r);

	/* An instructor who does not teach the session reads its roll but
	 * may not mark it (403, nothing written); the coordinator marks any
	 * session. Make-up credit: only from a session one teaches. */
	tuser ins2, coord;
	user_make(&ins2, "instructor", ORG_B);
	user_make(&coord, "coordinator", ORG_B);
	agent i2, co;
	bearer(&i2, ins2.email);
	bearer(&co, coord.email);
	http_get(&i2, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_false(json_is_true(json_object_get(j, "may_mark")));
	json_decref(j);
	hresp_free(&r);
	http_get(&i, path, &r);
	j = hresp_json(&r);
	assert_true(json_is_true(json_object_get(j, "may_mark")));
	json_decref(j);
	hresp_free(&r);
	snprintf(body, sizeof body,
	         "{\"marks\": [{\"enrollment_id\": %lld, \"status\": \"absent\"}]}", e1);
	http_json(&i2, "PUT", path, body, &r);
	expect_json_problem(&r, 403, NULL);
	hresp_free(&r);
	http_json(&i2, "PUT", "/api/v1/sessions/999999/attendance", body, &r);
	expect_json_problem(&r, 404, NULL);
	hresp_free(&r);
	http_get(&i, path, &r);
	assert_non_null(strstr(r.body, "\"credited_minutes\": 90")
	                    ? r.body
	                    : strstr(r.body, "\"credited_minutes\":90"));
	hresp_free(&r);
	snprintf(body, sizeof body,
	         "{\"marks\": [{\"enrollment_id\": %lld, \"minutes_late\": 10, "
	         "\"minutes_left_early\": 20}]}",
	         e1);
	http_json(&co, "PUT", path, body, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	char mpath[128], mbody[128];
	snprintf(mpath, sizeof mpath, "/api/v1/enrollments/%lld/makeup", e2);
	snprintf(mbody, sizeof mbody, "{\"session_id\": %lld, \"module_code\": \"deesc\"}",
	         other.session);
	http_json(&i, "POST", mpath, mbody, &r); /* i teaches c, not other */
	expect_json_problem(&r, 403, NULL);
	hresp_free(&r);
	teach(other.session, &ins2);
	http_json(&i2, "POST", mpath, mbody, &r);
	expect_status(&r, 201);
	hresp_free(&r);

	/* The sign-off that stood in for the scenario assessment is gone. */
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld/assessment", e1);
	http_json(&i, "POST", path, "{\"passed\": true}", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	/* Completion is refused: 90 of 120 minutes, far from 40 hours, and
	 * no passed scenario run of the two the course asks for. */
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld/complete", e1);
	http_json(&i, "POST", path, NULL, &r);
	expect_json_problem(&r, 422, "progress");
	assert_non_null(strstr(r.body, "Verbal de-escalation: 90 of 120 min (108 needed)"));
	assert_non_null(strstr(r.body, "Total: 1 h 30 min of 40 h"));
	assert_non_null(strstr(r.body, "Scenario assessment: 0 of 2 runs passed"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld", e1);
	http_get(&i, path, &r);
	expect_status(&r, 200);
	json_t *pj = hresp_json(&r);
	json_t *prog = json_object_get(pj, "progress");
	assert_int_equal(json_integer_value(json_object_get(prog, "runs_passed")), 0);
	assert_int_equal(json_integer_value(json_object_get(prog, "runs_required")), 2);
	json_decref(pj);
	hresp_free(&r);
}

/* The pages: course trainees with what is missing, the enroll form
 * (waitlisted, position N), roll call with one-tap forms, my courses;
 * each role's permission. Every page is checked by tidy in http(). */
void test_enroll_pages(void **state)
{
	(void)state;
	course_rows c = make_course("open", 1);
	tuser o1, o2, ins;
	user_make(&o1, "officer", ORG_A);
	user_make(&o2, "officer", ORG_A);
	user_make(&ins, "instructor", ORG_B);
	agent *admin = admin_agent();
	char path[128], fields[256];
	hresp r;
	snprintf(path, sizeof path, "/courses/%lld/enrollments", c.course);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Enroll an officer"));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "user_id=%lld", (long long)user_id_of(&o1));
	http_post_form(admin, path, fields, &r);
	expect_redirect(&r, path);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "user_id=%lld", (long long)user_id_of(&o2));
	http_post_form(admin, path, fields, &r);
	if (!strstr(r.location, "done=waitlisted&position=1"))
		fail_msg("want waitlisted, position 1: %s", r.location);
	hresp_free(&r);
	http_get(admin, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Waitlisted, position 1"));
	assert_non_null(strstr(r.body, "Scenario assessment: 0 of 2 runs passed"));
	char roll_link[64];
	snprintf(roll_link, sizeof roll_link, "href=\"/sessions/%lld/roll\"", c.session);
	assert_non_null(strstr(r.body, roll_link));
	hresp_free(&r);
	/* Twice: the page again with the error, nothing written. */
	snprintf(fields, sizeof fields, "user_id=%lld", (long long)user_id_of(&o1));
	http_post_form(admin, path, fields, &r);
	expect_status(&r, 409);
	assert_non_null(strstr(r.body, "already enrolled"));
	hresp_free(&r);

	/* Roll call: the instructor marks the enrolled officer absent. Not
	 * teaching the session yet: the roll without its forms, 403 on a mark. */
	seat_before_course(c.course);
	agent ia = {0};
	login(&ia, &ins);
	snprintf(path, sizeof path, "/sessions/%lld/roll", c.session);
	http_get(&ia, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "You do not teach this session"));
	assert_null(strstr(r.body, "name=\"enrollment_id\""));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "enrollment_id=1&status=absent");
	http_post_form(&ia, path, fields, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "/courses/%lld", c.course);
	http_get(&ia, fields, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, roll_link));
	hresp_free(&r);
	teach(c.session, &ins);
	http_get(&ia, fields, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, roll_link));
	hresp_free(&r);
	http_get(&ia, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Absent"));
	char eid[32];
	const char *at = strstr(r.body, "name=\"enrollment_id\" value=\"");
	assert_non_null(at);
	snprintf(eid, sizeof eid, "%lld",
	         strtoll(at + strlen("name=\"enrollment_id\" value=\""), NULL, 10));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "enrollment_id=%s&status=late&minutes=500", eid);
	http_post_form(&ia, path, fields, &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "more than the session"));
	hresp_free(&r);
	snprintf(fields, sizeof fields, "enrollment_id=%s&status=absent", eid);
	http_post_form(&ia, path, fields, &r);
	expect_redirect(&r, path);
	hresp_free(&r);
	http_get(&ia, path, &r);
	assert_non_null(strstr(r.body, "Absent · 0 min credited"));
	hresp_free(&r);

	/* The officer: their courses, no roll call, no enrolling. */
	agent oa = {0};
	login(&oa, &o1);
	http_get(&oa, "/me/courses", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "HTTP course"));
	hresp_free(&r);
	http_get(&oa, path, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/enrollments", c.course);
	http_post_form(&oa, path, fields, &r);
	expect_status(&r, 403);
	hresp_free(&r);
	snprintf(path, sizeof path, "/enrollments/%s", eid);
	http_get(&oa, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Hours by module"));
	hresp_free(&r);
}

/* The ids of one page of path (which has a query already) and its
 * next_cursor (copied into next, "" when null). */
static size_t page_ids(agent *a, const char *path, long long *ids, size_t max, char *next,
                       size_t next_len)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	json_t *items = json_object_get(j, "items");
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n && i < max; i++) {
		json_t *it = json_array_get(items, i);
		json_t *id = json_object_get(it, "id");
		ids[i] = json_integer_value(id ? id : json_object_get(it, "enrollment_id"));
	}
	const char *c = json_string_value(json_object_get(j, "next_cursor"));
	snprintf(next, next_len, "%s", c ? c : "");
	json_decref(j);
	hresp_free(&r);
	return n;
}

/* One list: the pages of `limit` walk exactly the full list (limit=200,
 * one page), each row once and in order; limit 0, negative or not a
 * number is a 422 naming "limit"; a huge limit is clamped; a malformed
 * cursor a 400 saying so. */
static void walk_list(agent *a, const char *base, size_t limit)
{
	enum { MAX = 200 };
	long long all[MAX], page[MAX];
	char path[512], next[64], sep = strchr(base, '?') ? '&' : '?';
	snprintf(path, sizeof path, "%s%climit=200", base, sep);
	size_t n_all = page_ids(a, path, all, MAX, next, sizeof next);
	if (*next)
		fail_msg("%s: more than 200 rows, the test cannot hold them", base);
	if (n_all < 3)
		fail_msg("%s: want at least 3 rows to page through, have %zu", base, n_all);
	size_t seen = 0, pages = 0;
	char cursor[64] = "";
	do {
		if (*cursor)
			snprintf(path, sizeof path, "%s%climit=%zu&cursor=%s", base, sep, limit,
			         cursor);
		else
			snprintf(path, sizeof path, "%s%climit=%zu", base, sep, limit);
		size_t n = page_ids(a, path, page, MAX, next, sizeof next);
		if (n > limit || (*next && n != limit))
			fail_msg("%s: a page of %zu rows for limit %zu", path, n, limit);
		for (size_t i = 0; i < n; i++) {
			if (seen >= n_all || page[i] != all[seen])
				fail_msg("%s: row %zu is %lld, want %lld", path, seen, page[i],
				         seen < n_all ? all[seen] : -1LL);
			seen++;
		}
		snprintf(cursor, sizeof cursor, "%s", next);
		if (++pages > n_all + 1)
			fail_msg("%s: the pages do not end", base);
	} while (*cursor);
	assert_int_equal(seen, n_all);

	static const char *const bad_limits[] = {"0", "-1", "abc", "1x", ""};
	for (size_t i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; i++) {
		if (!*bad_limits[i])
			continue;
		snprintf(path, sizeof path, "%s%climit=%s", base, sep, bad_limits[i]);
		hresp r;
		http_get(a, path, &r);
		expect_json_problem(&r, 422, "limit");
		hresp_free(&r);
	}
	snprintf(path, sizeof path, "%s%climit=99999999", base, sep);
	assert_int_equal(page_ids(a, path, page, MAX, next, sizeof next), n_all);
	static const char *const bad_cursors[] = {"abc", "-5", "0", "1.5", "%2B3"};
	for (size_t i = 0; i < sizeof bad_cursors / sizeof bad_cursors[0]; i++) {
		snprintf(path, sizeof path, "%s%ccursor=%s", base, sep, bad_cursors[i]);
		hresp r;
		http_get(a, path, &r);
		expect_json_problem(&r, 400, NULL);
		if (!strstr(r.body, "cursor is not one this list gave out"))
			fail_msg("%s: the 400 does not say the cursor is wrong: %s", path, r.body);
		hresp_free(&r);
	}
	/* A well-formed cursor no page gave out: a page, not an error (a
	 * position in the order; empty for most lists). */
	snprintf(path, sizeof path, "%s%ccursor=987654321", base, sep);
	size_t n_unknown = page_ids(a, path, page, MAX, next, sizeof next);
	for (size_t i = 0; i < n_unknown; i++) {
		bool found = false;
		for (size_t k = 0; k < n_all; k++)
			found |= all[k] == page[i];
		if (!found)
			fail_msg("%s: row %lld is not in the list", path, page[i]);
	}
}

/* Every training list of the API is keyset-paged by limit and cursor:
 * courses, curricula, a course's enrollments, one's own enrollments,
 * certificates. */
void test_training_lists_paged(void **state)
{
	(void)state;
	course_rows c = make_course("open", 2);
	course_rows c2 = make_course("open", 5);
	make_course("in_progress", 5);
	tuser sup, o[5];
	user_make(&sup, "supervisor", ORG_A);
	for (int i = 0; i < 5; i++)
		user_make(&o[i], "officer", ORG_A);
	agent s, off;
	bearer(&s, sup.email);
	bearer(&off, o[0].email);
	for (int i = 0; i < 5; i++)
		enroll(&s, c.course, user_id_of(&o[i]), 201, NULL);
	enroll(&s, c2.course, user_id_of(&o[0]), 201, NULL);
	course_rows c3 = make_course("open", 5);
	enroll(&s, c3.course, user_id_of(&o[0]), 201, NULL);
	agent admin = {0};
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	char base[128];
	walk_list(&admin, "/api/v1/courses", 2);
	walk_list(&admin, "/api/v1/courses?status=open", 1);
	walk_list(&admin, "/api/v1/curricula", 2);
	snprintf(base, sizeof base, "/api/v1/courses/%lld/enrollments", c.course);
	walk_list(&s, base, 2); /* enrolled, waitlisted: the order across groups */
	walk_list(&off, "/api/v1/me/enrollments", 1);
	walk_list(&admin, "/api/v1/certificates", 1);
}

/* The course list's default for someone who does not plan courses: the
 * open ones and those they teach; an instructor's course in progress is
 * there at once, another in progress is not (until status=all). */
void test_courses_default_filter(void **state)
{
	(void)state;
	course_rows open = make_course("open", 5);
	course_rows taught = make_course("in_progress", 5);
	course_rows other = make_course("in_progress", 5);
	tuser ins, off;
	user_make(&ins, "instructor", ORG_A);
	user_make(&off, "officer", ORG_A);
	teach(taught.session, &ins);
	agent ia = {0}, oa = {0};
	login(&ia, &ins);
	login(&oa, &off);
	char link_open[64], link_taught[64], link_other[64];
	snprintf(link_open, sizeof link_open, "href=\"/courses/%lld\"", open.course);
	snprintf(link_taught, sizeof link_taught, "href=\"/courses/%lld\"", taught.course);
	snprintf(link_other, sizeof link_other, "href=\"/courses/%lld\"", other.course);
	hresp r;
	http_get(&ia, "/courses", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, link_open));
	assert_non_null(strstr(r.body, link_taught));
	assert_null(strstr(r.body, link_other));
	assert_non_null(strstr(r.body, "<option value=\"mine\" selected>"));
	hresp_free(&r);
	http_get(&ia, "/courses?status=all", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, link_other));
	hresp_free(&r);
	http_get(&ia, "/courses?status=open", &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, link_taught));
	hresp_free(&r);
	/* An officer who teaches nothing: the open ones. */
	http_get(&oa, "/courses", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, link_open));
	assert_null(strstr(r.body, link_taught));
	hresp_free(&r);
}

/* Capacity over PATCH /api/v1/courses/{id}: below those seated is a 422
 * on capacity and nothing changes; raised, the waitlisted are seated in
 * order at once; a newcomer joins the waitlist while anyone waits. */
void test_capacity_api(void **state)
{
	(void)state;
	course_rows c = make_course("open", 1);
	tuser sup, o[4];
	user_make(&sup, "supervisor", ORG_A);
	for (int i = 0; i < 4; i++)
		user_make(&o[i], "officer", ORG_A);
	agent s, admin = {0};
	bearer(&s, sup.email);
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	enroll(&s, c.course, user_id_of(&o[0]), 201, "enrolled");
	long long w1 = enroll(&s, c.course, user_id_of(&o[1]), 201, "waitlisted, position 1");
	long long w2 = enroll(&s, c.course, user_id_of(&o[2]), 201, "waitlisted, position 2");
	char path[128], sql[256];
	snprintf(path, sizeof path, "/api/v1/courses/%lld", c.course);
	hresp r;
	http_json(&admin, "PATCH", path, "{\"capacity\": 2}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld", w1);
	http_get(&s, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "enrolled");
	assert_non_null(json_string_value(json_object_get(j, "seated_at")));
	json_decref(j);
	hresp_free(&r);
	/* Someone waits (a seat freed behind the rule's back): a newcomer
	 * queues behind them. */
	snprintf(sql, sizeof sql, "UPDATE courses SET capacity = 3 WHERE id = %lld", c.course);
	sql_int(sql);
	enroll(&s, c.course, user_id_of(&o[3]), 201, "waitlisted, position 2");
	snprintf(sql, sizeof sql, "UPDATE courses SET capacity = 2 WHERE id = %lld", c.course);
	sql_int(sql);
	/* Below the two seated: 422 on capacity, saying so; nothing written. */
	snprintf(path, sizeof path, "/api/v1/courses/%lld", c.course);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	long long audit = sql_int(sql);
	http_json(&admin, "PATCH", path, "{\"capacity\": 1, \"title\": \"Smaller\"}", &r);
	expect_json_problem(&r, 422, "capacity");
	if (!strstr(r.body, "cannot be less than the 2 people already seated"))
		fail_msg("the 422 does not say how many are seated: %s", r.body);
	hresp_free(&r);
	snprintf(sql, sizeof sql, "SELECT capacity FROM courses WHERE id = %lld", c.course);
	assert_int_equal(sql_int(sql), 2);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM courses WHERE title = 'Smaller'");
	assert_int_equal(sql_int(sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(sql_int(sql), audit);
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM enrollments WHERE id = %lld AND status = 'waitlisted'", w2);
	assert_int_equal(sql_int(sql), 1);
}

/* A session still to come: its roll reads (has_started false, no forms on
 * the page) but a mark is a 422 on session_id saying it has not started,
 * on the API and the page; make-up credit from one likewise; nothing is
 * written. */
void test_sessions_to_come_api(void **state)
{
	(void)state;
	course_rows c = make_course("in_progress", 5);
	course_rows other = make_course("in_progress", 5);
	tuser ins, sup, o1;
	user_make(&ins, "instructor", ORG_A);
	user_make(&sup, "supervisor", ORG_A);
	user_make(&o1, "officer", ORG_A);
	agent i, s;
	bearer(&i, ins.email);
	bearer(&s, sup.email);
	long long e1 = enroll(&s, c.course, user_id_of(&o1), 201, "enrolled");
	seat_before_course(c.course);
	char sql[512], path[128], body[256];
	/* Tomorrow, in both courses, taught by ins. */
	long long soon[2];
	long long courses[2] = {c.course, other.course}, modules[2] = {c.module, other.module};
	for (int k = 0; k < 2; k++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, "
		         "updated_at) VALUES (%lld, %lld, %lld, 'B2', 1, 1) RETURNING id",
		         courses[k], (long long)time(NULL) + 86400, (long long)time(NULL) + 93600);
		soon[k] = sql_int(sql);
		snprintf(sql, sizeof sql,
		         "INSERT INTO session_modules (session_id, module_id, minutes) VALUES (%lld, "
		         "%lld, 120)",
		         soon[k], modules[k]);
		sql_int(sql);
		teach(soon[k], &ins);
	}
	agent ia = {0};
	login(&ia, &ins);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	long long audit = sql_int(sql);
	hresp r;
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/attendance", soon[0]);
	http_get(&i, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	assert_true(json_is_true(json_object_get(j, "may_mark")));
	assert_true(json_is_false(json_object_get(j, "has_started")));
	json_decref(j);
	hresp_free(&r);
	snprintf(body, sizeof body, "{\"marks\": [{\"enrollment_id\": %lld, \"status\": \"absent\"}]}",
	         e1);
	http_json(&i, "PUT", path, body, &r);
	expect_json_problem(&r, 422, "session_id");
	if (!strstr(r.body, "has not started yet"))
		fail_msg("the 422 does not say the session has not started: %s", r.body);
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld/makeup", e1);
	snprintf(body, sizeof body, "{\"session_id\": %lld, \"module_code\": \"deesc\"}", soon[1]);
	http_json(&i, "POST", path, body, &r);
	expect_json_problem(&r, 422, "session_id");
	if (!strstr(r.body, "has not started yet"))
		fail_msg("the 422 does not say the session has not started: %s", r.body);
	hresp_free(&r);
	/* The page: no one-tap forms, and a stale form's mark is a 422. */
	snprintf(path, sizeof path, "/sessions/%lld/roll", soon[0]);
	http_get(&ia, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "This session has not started yet"));
	assert_null(strstr(r.body, "name=\"enrollment_id\""));
	/* Nobody is shown present or credited before the session. */
	assert_non_null(strstr(r.body, "Not held yet"));
	assert_null(strstr(r.body, "min credited"));
	assert_null(strstr(r.body, "present unless marked"));
	hresp_free(&r);
	snprintf(body, sizeof body, "enrollment_id=%lld&status=absent", e1);
	http_post_form(&ia, path, body, &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "This session has not started yet (it starts"));
	hresp_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT COUNT(*) FROM attendance WHERE enrollment_id = %lld) + "
	         "(SELECT COUNT(*) FROM makeup_credits WHERE enrollment_id = %lld)",
	         e1, e1);
	assert_int_equal(sql_int(sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(sql_int(sql), audit);
	/* The session already held takes the same mark. */
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/attendance", c.session);
	snprintf(body, sizeof body, "{\"marks\": [{\"enrollment_id\": %lld, \"status\": \"absent\"}]}",
	         e1);
	teach(c.session, &ins);
	http_json(&i, "PUT", path, body, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "\"has_started\": true") ? r.body
	                                                          : strstr(r.body, "\"has_started\":true"));
	hresp_free(&r);
}

/* An officer of ORG_A enrolled in c by their supervisor, seated before
 * c's session; *admin gets the admin's bearer token. The enrollment id. */
static long long seated_officer(const course_rows *c, agent *admin)
{
	tuser sup, o1;
	user_make(&sup, "supervisor", ORG_A);
	user_make(&o1, "officer", ORG_A);
	agent s;
	bearer(&s, sup.email);
	memset(admin, 0, sizeof *admin);
	snprintf(admin->bearer, sizeof admin->bearer, "%s", admin_token());
	long long id = enroll(&s, c->course, user_id_of(&o1), 201, "enrolled");
	seat_before_course(c->course);
	return id;
}

/* A session with roll call taken keeps its times: new ones are a 409
 * naming "date" and saying why (API and page), nothing written; the room
 * still changes. */
void test_session_times_after_roll_call(void **state)
{
	(void)state;
	course_rows c = make_course("in_progress", 5);
	agent admin;
	long long e1 = seated_officer(&c, &admin);
	char path[160], body[256], sql[256];
	/* Whole minutes, and course dates from local midnight around them, as
	 * the course pages would have made them. */
	snprintf(sql, sizeof sql,
	         "UPDATE courses SET starts_on = 1599868800, ends_on = 1600387200 WHERE id = %lld",
	         c.course);
	sql_int(sql);
	snprintf(sql, sizeof sql,
	         "UPDATE course_sessions SET starts_at = 1599998400, ends_at = 1600005600 "
	         "WHERE id = %lld",
	         c.session);
	sql_int(sql);
	hresp r;
	snprintf(path, sizeof path, "/api/v1/sessions/%lld/attendance", c.session);
	snprintf(body, sizeof body,
	         "{\"marks\": [{\"enrollment_id\": %lld, \"minutes_late\": 100}]}", e1);
	http_json(&admin, "PUT", path, body, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	agent *page = admin_agent();
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	long long audit = sql_int(sql);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", c.course, c.session);
	http_json(&admin, "PATCH", path,
	          "{\"date\": \"2020-09-14\", \"start\": \"08:00\", \"end\": \"09:00\"}", &r);
	expect_json_problem(&r, 409, "date");
	if (!strstr(r.body, "cannot change once attendance was taken in this session"))
		fail_msg("the 409 does not say why: %s", r.body);
	hresp_free(&r);
	snprintf(path, sizeof path, "/courses/%lld/sessions/%lld", c.course, c.session);
	http_post_form(page, path, "date=2020-09-14&start=08:00&end=09:00&room=B2", &r);
	expect_status(&r, 409);
	assert_non_null(strstr(r.body, "cannot change once attendance was taken in this session"));
	hresp_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM course_sessions WHERE id = %lld AND starts_at = 1599998400 "
	         "AND ends_at = 1600005600",
	         c.session);
	assert_int_equal(sql_int(sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(sql_int(sql), audit);
	snprintf(path, sizeof path, "/api/v1/courses/%lld/sessions/%lld", c.course, c.session);
	http_json(&admin, "PATCH", path, "{\"room\": \"C3\"}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM course_sessions WHERE id = %lld AND room = 'C3' "
	         "AND starts_at = 1599998400",
	         c.session);
	assert_int_equal(sql_int(sql), 1);
}

static long long enrollment_status_is(long long id, const char *status)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM enrollments WHERE id = %lld AND status = '%s'",
	         id, status);
	return sql_int(q);
}

static long long makeup_rows(long long enrollment)
{
	char q[128];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM makeup_credits WHERE enrollment_id = %lld",
	         enrollment);
	return sql_int(q);
}

/* The enrollment forms: POST /enrollments/{id}/withdraw (supervisors,
 * coordinators) and POST /enrollments/{id}/makeup (who teaches the other
 * session, coordinators); each change read back in the database, bad
 * input refused with its field and nothing written, who may. */
void test_enrollment_forms(void **state)
{
	(void)state;
	course_rows c = make_course("in_progress", 5);
	course_rows other = make_course("open", 5);
	tuser sup_u, sup_b_u, ins_u, ins2_u, o1, o2;
	user_make(&sup_u, "supervisor", ORG_A);
	user_make(&sup_b_u, "supervisor", ORG_B);
	user_make(&ins_u, "instructor", ORG_A);
	user_make(&ins2_u, "instructor", ORG_A);
	user_make(&o1, "officer", ORG_A);
	user_make(&o2, "officer", ORG_A);
	agent s_api;
	bearer(&s_api, sup_u.email);
	long long e1 = enroll(&s_api, c.course, user_id_of(&o1), 201, "enrolled");
	long long e2 = enroll(&s_api, c.course, user_id_of(&o2), 201, "enrolled");
	seat_before_course(c.course);
	teach(other.session, &ins_u);
	agent sup = {0}, sup_b = {0}, ins = {0}, ins2 = {0}, off = {0};
	login(&sup, &sup_u);
	login(&sup_b, &sup_b_u);
	login(&ins, &ins_u);
	login(&ins2, &ins2_u);
	login(&off, &o1);
	char path[128], fields[256], where[64];
	hresp r;

	/* Withdraw: not an officer or instructor (403), not another agency's
	 * supervisor (404), not a made-up enrollment (404). */
	snprintf(path, sizeof path, "/enrollments/%lld/withdraw", e2);
	expect_form_status(&off, path, "", 403);
	expect_form_status(&ins, path, "", 403);
	expect_form_status(&sup_b, path, "", 404);
	expect_form_status(&sup, "/enrollments/999999/withdraw", "", 404);
	expect_signed_out_refused(path, "");
	assert_int_equal(enrollment_status_is(e2, "enrolled"), 1);
	/* Their supervisor withdraws them: back to the course's trainees. */
	snprintf(where, sizeof where, "/courses/%lld/enrollments?done=withdrawn", c.course);
	http_post_form(&sup, path, "", &r);
	expect_redirect(&r, where);
	hresp_free(&r);
	assert_int_equal(enrollment_status_is(e2, "withdrawn"), 1);
	expect_form_status(&sup, path, "", 409);

	/* Make-up credit for e1 from the other course's session, recorded by
	 * its instructor from the enrollment's page. */
	snprintf(path, sizeof path, "/enrollments/%lld", e1);
	http_get(&ins, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Record make-up credit"));
	hresp_free(&r);
	snprintf(path, sizeof path, "/enrollments/%lld/makeup", e1);
	/* Refused with the field named, nothing written: the person's own
	 * course's session, a module not in their curriculum, more minutes
	 * than the session gives, no session at all. */
	const struct {
		long long session;
		const char *rest, *field;
	} bad[] = {
	    {c.session, "module_code=deesc", "session_id"},
	    {other.session, "module_code=nosuch", "module_code"},
	    {other.session, "module_code=deesc&minutes=500", "minutes"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		snprintf(fields, sizeof fields, "session_id=%lld&%s", bad[k].session, bad[k].rest);
		http_post_form(&ins, path, fields, &r);
		if (r.status != 422 && r.status != 409)
			fail_msg("POST %s %s: %ld, want 422", path, fields, r.status);
		expect_form_error(&r, bad[k].field);
		hresp_free(&r);
	}
	http_post_form(&ins, path, "module_code=deesc", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "session_id");
	hresp_free(&r);
	/* Who may not: an instructor who does not teach that session (403),
	 * supervisors and officers (403). */
	snprintf(fields, sizeof fields, "session_id=%lld&module_code=deesc", other.session);
	agent *refused[] = {&ins2, &sup, &off};
	for (size_t k = 0; k < 3; k++) {
		expect_form_status(refused[k], path, fields, 403);
	}
	expect_form_status(&ins, "/enrollments/999999/makeup", fields, 404);
	assert_int_equal(makeup_rows(e1), 0);
	/* Recorded; the page says so and counts it; not twice. */
	http_post_form(&ins, path, fields, &r);
	char done[96];
	snprintf(done, sizeof done, "/enrollments/%lld?done=makeup", e1);
	expect_redirect(&r, done);
	hresp_free(&r);
	assert_int_equal(makeup_rows(e1), 1);
	http_get(&ins, done, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "The make-up credit was recorded."));
	hresp_free(&r);
	http_post_form(&ins, path, fields, &r);
	expect_status(&r, 409);
	assert_non_null(strstr(r.body, "already credited for this module"));
	hresp_free(&r);
	assert_int_equal(makeup_rows(e1), 1);
}

/* The completion rule's total is the guideline total an admin sets: at
 * 2,500 minutes the API's required_minutes, the missing line, the
 * refused completion (nothing written) and the trainee's page all say
 * 41 h 40 min. The setting goes back to its default at the end. */
void test_completion_total_setting(void **state)
{
	(void)state;
	course_rows c = make_course("in_progress", 5);
	agent admin;
	long long e1 = seated_officer(&c, &admin);
	char path[128], sql[256];
	sql_int("DELETE FROM settings WHERE name = 'guideline_total_minutes'");
	sql_int("INSERT INTO settings (name, value) VALUES ('guideline_total_minutes', '2500')");
	hresp r;
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld", e1);
	http_get(&admin, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	json_t *p = json_object_get(j, "progress");
	assert_int_equal(json_integer_value(json_object_get(p, "required_minutes")), 2500);
	assert_non_null(strstr(r.body, "Total: 2 h of 41 h 40 min"));
	json_decref(j);
	hresp_free(&r);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	long long audit = sql_int(sql);
	snprintf(path, sizeof path, "/api/v1/enrollments/%lld/complete", e1);
	http_json(&admin, "POST", path, NULL, &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Total: 2 h of 41 h 40 min"));
	hresp_free(&r);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM enrollments WHERE id = %lld "
	                          "AND status = 'enrolled'", e1);
	assert_int_equal(sql_int(sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(sql_int(sql), audit);
	snprintf(path, sizeof path, "/enrollments/%lld", e1);
	http_get(admin_agent(), path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "of the 41 h 40 min the completion rule asks"));
	hresp_free(&r);
	sql_int("DELETE FROM settings WHERE name = 'guideline_total_minutes'");
}
