/* across.c: live events across processes (issue 4, "Across processes").
 * Two `citkit serve` processes on loopback share one PostgreSQL: feedback
 * PUT to one must reach a debrief stream opened on the other, through
 * LISTEN/NOTIFY, and the other way round. PostgreSQL only (two processes
 * on one SQLite file have no way to tell each other); test_http.c's main
 * lists this test only there.
 *
 * Waits are for liveness, never speed: an event that has not arrived
 * after EVENT_WAIT_MS fails the test. */
#include "across.h"
#include "harness.h"
#include "sse_read.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ORG = 1, EVENT_WAIT_MS = 30000 };

/* Runs one statement on the suite's PostgreSQL; the first column of the
 * first row, or 0. */
static long long pg_int(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	long long v = st == PGRES_TUPLES_OK && PQntuples(r) > 0
	                  ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
	                  : 0;
	PQclear(r);
	return v;
}

/* A course with one session taught by instructor, trainee and classmate
 * enrolled, and a scenario with a two-skill rubric ("across-calm",
 * "across-safe"); written straight into the database so this test stands
 * on the schema, not on the course and library pages. */
static void seed(long long instructor, long long trainee, long long classmate,
                 long long *course, long long *scenario)
{
	PGconn *c = PQconnectdb(db_url());
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("PostgreSQL: %s", PQerrorMessage(c));
	char sql[1024];
	long pid = (long)getpid();
	snprintf(sql, sizeof sql,
	         "INSERT INTO curricula (name, kind, created_at) VALUES ('Across %ld', 'local', 1) "
	         "RETURNING id",
	         pid);
	long long cur = pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	         "approved_at, created_at, updated_at) VALUES (%lld, 1, 'Across', 'approved', 1, 1, "
	         "1) RETURNING id",
	         cur);
	long long version = pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, "
	         "status, created_at, updated_at) VALUES (%lld, 'Across course', 'Hall', "
	         "1600000000, 1600345600, 20, 'in_progress', 1, 1) RETURNING id",
	         version);
	*course = pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, "
	         "updated_at) VALUES (%lld, 1600000000, 1600007200, 'B2', 1, 1) RETURNING id",
	         *course);
	long long session = pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO session_instructors (session_id, user_id) VALUES (%lld, %lld)", session,
	         instructor);
	pg_int(c, sql);
	long long enrolled[] = {trainee, classmate};
	for (size_t i = 0; i < 2; i++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
		         "VALUES (%lld, %lld, 'enrolled', 1, 1)",
		         *course, enrolled[i]);
		pg_int(c, sql);
	}
	snprintf(sql, sizeof sql,
	         "INSERT INTO rubrics (code, title, created_at, updated_at) VALUES ('across-%ld', "
	         "'Across rubric', 1, 1) RETURNING id",
	         pid);
	long long rubric = pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO rubric_skills (rubric_id, position, code, title, weight, is_critical) "
	         "VALUES (%lld, 1, 'across-calm', 'Calm voice', 1, 0), "
	         "(%lld, 2, 'across-safe', 'Safe distance', 1, 1)",
	         rubric, rubric);
	pg_int(c, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "minutes, rubric_id, created_at, updated_at) VALUES ('across-%ld', 'Across', "
	         "'psychosis', 'introductory', 'A man shouts at traffic.', 10, %lld, 1, 1) "
	         "RETURNING id",
	         pid, rubric);
	*scenario = pg_int(c, sql);
	PQfinish(c);
}

/* Until both serve processes listen (their listener connections show
 * LISTEN in pg_stat_activity), at most 30 s: a NOTIFY sent before a
 * process listens is not for it. Not an assertion: the stream checks
 * below decide. */
static void wait_listeners(int want)
{
	PGconn *c = PQconnectdb(db_url());
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("PostgreSQL: %s", PQerrorMessage(c));
	for (int i = 0; i < 300; i++) {
		long long n = pg_int(c, "SELECT count(*) FROM pg_stat_activity "
		                        "WHERE datname = current_database() AND query ILIKE 'LISTEN%'");
		if (n >= want)
			break;
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	PQfinish(c);
}

static void put_feedback(agent *a, long long run, const char *calm, const char *safe,
                         const char *comment)
{
	char path[96], body[512];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/feedback", run);
	snprintf(body, sizeof body,
	         "{\"scores\": {\"across-calm\": %s, \"across-safe\": %s}, \"comment\": \"%s\"}", calm,
	         safe, comment);
	hresp r;
	http_json(a, "PUT", path, body, &r);
	if (r.status != 200 && r.status != 201)
		expect_status(&r, 200);
	hresp_free(&r);
}

/* The feedback event carrying nonce on stream s (opened on `where`), its
 * data checked against the contract: run_id, seq = the id: line,
 * feedback_id, role, revision, the comment, a summary array. */
static json_t *expect_feedback(sse_stream *s, const char *where, sse_stream *other,
                               const char *other_where, long long run, const char *nonce,
                               const char *role, long long revision)
{
	sse_event ev;
	if (!sse_wait_event(s, "feedback", nonce, EVENT_WAIT_MS, &ev)) {
		sse_event seen;
		bool local = other && sse_wait_event(other, "feedback", nonce, 1000, &seen);
		fail_msg("the feedback event \"%s\" did not reach the stream on %s within %d ms "
		         "(the stream on %s %s); the stream had: %.600s",
		         nonce, where, EVENT_WAIT_MS, other_where,
		         local ? "got it: the in-process bus works, the cross-process path does not"
		               : "did not get it either",
		         sse_raw(s));
	}
	json_error_t err;
	json_t *d = json_loads(ev.data, 0, &err);
	if (!d)
		fail_msg("event data is not JSON (%s): %.300s", err.text, ev.data);
	if (json_integer_value(json_object_get(d, "run_id")) != run)
		fail_msg("event run_id, want %lld: %.300s", run, ev.data);
	long long seq = json_integer_value(json_object_get(d, "seq"));
	if (seq <= 0 || seq != strtoll(ev.id, NULL, 10))
		fail_msg("event seq %lld, id: line \"%s\" (want the same, positive)", seq, ev.id);
	if (json_integer_value(json_object_get(d, "feedback_id")) <= 0)
		fail_msg("event without a feedback_id: %.300s", ev.data);
	const char *got_role = json_string_value(json_object_get(d, "role"));
	if (!got_role || strcmp(got_role, role))
		fail_msg("event role %s, want %s", got_role ? got_role : "(none)", role);
	if (json_integer_value(json_object_get(d, "revision")) != revision)
		fail_msg("event revision, want %lld: %.300s", revision, ev.data);
	const char *comment = json_string_value(json_object_get(d, "comment"));
	if (!comment || !strstr(comment, nonce))
		fail_msg("event comment %s, want one with %s", comment ? comment : "(none)", nonce);
	if (!json_is_array(json_object_get(d, "summary")))
		fail_msg("event without a summary array: %.300s", ev.data);
	return d;
}

/* Every event of a stream exactly once, ids increasing by one. */
static void expect_in_order(sse_stream *s, const char *where)
{
	const sse_event *evs;
	size_t n = sse_events(s, &evs);
	for (size_t i = 1; i < n; i++) {
		long long a = strtoll(evs[i - 1].id, NULL, 10), b = strtoll(evs[i].id, NULL, 10);
		if (b != a + 1)
			fail_msg("stream on %s: event id %lld after %lld (want each once, in order)",
			         where, b, a);
	}
}

void test_events_across_processes(void **state)
{
	(void)state;
	tuser instructor, trainee, classmate;
	user_make(&instructor, "instructor", ORG);
	user_make(&trainee, "officer", ORG);
	user_make(&classmate, "officer", ORG);
	long long course, scenario;
	seed(user_id_of(&instructor), user_id_of(&trainee), user_id_of(&classmate), &course,
	     &scenario);
	agent ins = {0}, mate = {0};
	harness_token_for(instructor.email, ins.bearer, sizeof ins.bearer);
	harness_token_for(classmate.email, mate.bearer, sizeof mate.bearer);

	char body[256];
	snprintf(body, sizeof body,
	         "{\"course_id\": %lld, \"scenario_id\": %lld, \"trainee_id\": %lld, "
	         "\"role_player_name\": \"Across Actor\"}",
	         course, scenario, (long long)user_id_of(&trainee));
	hresp r;
	http_json(&ins, "POST", "/api/v1/runs", body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long long run = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	if (run <= 0)
		fail_msg("POST /api/v1/runs gave no id");

	/* B: the peer process. A stream on each process, the classmate's on
	 * B and the instructor's on A. */
	const char *a_base = base_url();
	char b_base[128];
	snprintf(b_base, sizeof b_base, "%s", peer_server_start());
	wait_listeners(2);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/events", run);
	sse_stream *on_b = sse_open(b_base, &mate, path, NULL);
	sse_stream *on_a = sse_open(a_base, &ins, path, NULL);
	sse_wait_open(on_b, EVENT_WAIT_MS);
	sse_wait_open(on_a, EVENT_WAIT_MS);

	/* A -> B: the classmate's feedback PUT to A. */
	char nonce1[64], nonce2[64];
	snprintf(nonce1, sizeof nonce1, "across-a-%ld", (long)getpid());
	snprintf(nonce2, sizeof nonce2, "across-b-%ld", (long)getpid());
	put_feedback(&mate, run, "4", "3", nonce1);
	json_t *d = expect_feedback(on_b, "B (the other process)", on_a, "A", run, nonce1,
	                            "classmate", 1);
	json_decref(d);
	d = expect_feedback(on_a, "A (the same process)", NULL, "", run, nonce1, "classmate", 1);
	json_decref(d);

	/* B -> A: the instructor's feedback PUT to B, and the classmate's
	 * revision PUT to B (revision 2, not a second feedback). */
	use_peer(true);
	put_feedback(&ins, run, "5", "4", nonce2);
	put_feedback(&mate, run, "3", "3", "revised across-r");
	use_peer(false);
	d = expect_feedback(on_a, "A (the other process)", on_b, "B", run, nonce2, "instructor", 1);
	json_decref(d);
	d = expect_feedback(on_a, "A (the other process)", on_b, "B", run, "revised across-r",
	                    "classmate", 2);
	json_decref(d);
	d = expect_feedback(on_b, "B (the same process)", NULL, "", run, nonce2, "instructor", 1);
	json_decref(d);
	expect_in_order(on_a, "A");
	expect_in_order(on_b, "B");

	sse_close(on_a);
	sse_close(on_b);
	char why[600];
	if (!peer_server_stop(why, sizeof why))
		fail_msg("the peer server: %s", why);
}
