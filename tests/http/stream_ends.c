/* stream_ends.c: a live event stream outlives no sign-in. Classmates
 * watch a run's event stream (GET /api/v1/runs/{id}/events); then one is
 * disabled, one signs out, one revokes their API token, and each of
 * their streams ends and gets no later feedback, while the streams of
 * the others on the same run keep receiving. Then the same from another
 * process: a second `citkit serve` (its heartbeat shortened to a second
 * by its config) holds the streams while the sign-ins end elsewhere (a
 * session ended and another past its absolute limit, written straight
 * into the database; a token revoked through the first server; a user
 * disabled in the database), which only its heartbeat's check can see.
 * Both engines (two processes on one SQLite file share the database,
 * which is all the check needs).
 *
 * Waits are for liveness, never speed: EVENT_WAIT_MS only stops a test
 * that would otherwise wait forever. */
#include "stream_ends.h"
#include "enroll.h"
#include "harness.h"
#include "sse_read.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { ORG = 1, EVENT_WAIT_MS = 30000 };

typedef struct run_world {
	long long course, run;
	char skill[48];
	tuser instr;
	agent a_instr;
} run_world;

/* A course in progress taught by the instructor, a one-skill rubric and
 * scenario (rows written straight into the database), a trainee, and a
 * live run of it started by the instructor over the API. */
static void run_world_make(run_world *w, const char *tag)
{
	char sql[768];
	long pid = (long)getpid();
	memset(w, 0, sizeof *w);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO curricula (name, kind, created_at) VALUES ('Ends %s %ld', 'local', 1) "
	    "RETURNING id",
	    tag, pid);
	long long cur = sql_int(sql);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO curriculum_versions (curriculum_id, version, title, status, "
	    "approved_at, created_at, updated_at) VALUES (%lld, 1, 'Ends', 'approved', 1, 1, 1) "
	    "RETURNING id",
	    cur);
	long long version = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, "
	         "status, created_at, updated_at) VALUES (%lld, 'Ends course', 'Hall', 1600000000, "
	         "1600345600, 20, 'in_progress', 1, 1) RETURNING id",
	         version);
	long long course = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO rubrics (code, title, created_at, updated_at) VALUES ('ends-%s-%ld', "
	         "'Ends rubric', 1, 1) RETURNING id",
	         tag, pid);
	long long rubric = sql_int(sql);
	snprintf(w->skill, sizeof w->skill, "ends-calm-%s", tag);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO rubric_skills (rubric_id, position, code, title, weight, is_critical) "
	    "VALUES (%lld, 1, '%s', 'Calm voice', 1, 0)",
	    rubric, w->skill);
	sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "minutes, rubric_id, created_at, updated_at) VALUES ('ends-%s-%ld', 'Ends', "
	         "'psychosis', 'introductory', 'A man shouts at traffic.', 10, %lld, 1, 1) "
	         "RETURNING id",
	         tag, pid, rubric);
	long long scenario = sql_int(sql);
	tuser trainee;
	user_make(&w->instr, "instructor", ORG);
	user_make(&trainee, "officer", ORG);
	/* Runs are started and scored by those who teach the course. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, "
	         "updated_at) VALUES (%lld, 1600000000, 1600007200, 'B2', 1, 1) RETURNING id",
	         course);
	long long session = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO session_instructors (session_id, user_id) VALUES (%lld, %lld)",
	         session, (long long)user_id_of(&w->instr));
	sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
	         "VALUES (%lld, %lld, 'enrolled', 1, 1)",
	         course, (long long)user_id_of(&trainee));
	sql_int(sql);
	harness_token_for(w->instr.email, w->a_instr.bearer, sizeof w->a_instr.bearer);
	char body[256];
	snprintf(body, sizeof body,
	         "{\"course_id\": %lld, \"scenario_id\": %lld, \"trainee_id\": %lld, "
	         "\"role_player_name\": \"Ends Actor\"}",
	         course, scenario, (long long)user_id_of(&trainee));
	hresp r;
	http_json(&w->a_instr, "POST", "/api/v1/runs", body, &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	w->run = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hresp_free(&r);
	if (w->run <= 0)
		fail_msg("POST /api/v1/runs gave no id");
	w->course = course;
}

/* A classmate enrolled in w's course, with an API token (with_token) or
 * signed in through the pages on the current server. */
static void classmate_make(run_world *w, tuser *u, agent *a, bool with_token)
{
	char sql[256];
	user_make(u, "officer", ORG);
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
	         "VALUES (%lld, %lld, 'enrolled', 1, 1)",
	         w->course, (long long)user_id_of(u));
	sql_int(sql);
	memset(a, 0, sizeof *a);
	if (with_token)
		harness_token_for(u->email, a->bearer, sizeof a->bearer);
	else
		login(a, u);
}

static sse_stream *watch(const char *base, const run_world *w, const agent *a)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/events", w->run);
	sse_stream *s = sse_open(base, a, path, NULL);
	sse_wait_open(s, EVENT_WAIT_MS);
	return s;
}

/* The instructor's feedback with comment nonce, PUT to the current
 * server. */
static void feedback(run_world *w, const char *score, const char *nonce)
{
	char path[96], body[256];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/feedback", w->run);
	snprintf(body, sizeof body, "{\"scores\": {\"%s\": %s}, \"comment\": \"%s\"}", w->skill,
	         score, nonce);
	hresp r;
	http_json(&w->a_instr, "PUT", path, body, &r);
	if (r.status != 200 && r.status != 201)
		expect_status(&r, 200);
	hresp_free(&r);
}

static void expect_event(sse_stream *s, const char *who, const char *nonce)
{
	sse_event ev;
	if (!sse_wait_event(s, "feedback", nonce, EVENT_WAIT_MS, &ev))
		fail_msg("%s's stream did not get the feedback \"%s\" (it had: %.400s)", who, nonce,
		         sse_raw(s));
}

/* The server ended the stream (a complete response). */
static void expect_ended(sse_stream *s, const char *who, const char *why)
{
	if (!sse_wait_end(s, EVENT_WAIT_MS))
		fail_msg("%s's stream was still open %d ms after %s (it had: %.400s)", who,
		         EVENT_WAIT_MS, why, sse_raw(s));
}

/* No event with nonce (sent after the stream's sign-in ended). */
static void expect_no_event(sse_stream *s, const char *who, const char *nonce)
{
	const sse_event *evs;
	size_t n = sse_events(s, &evs);
	for (size_t i = 0; i < n; i++)
		if (strstr(evs[i].data, nonce))
			fail_msg("%s's stream got \"%s\" after its sign-in ended", who, nonce);
}

/* Opening the stream again with the same credential: 401. */
static void expect_refused(const run_world *w, agent *a, const char *who)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/runs/%lld/events", w->run);
	hresp r;
	http_get(a, path, &r);
	if (r.status != 401)
		fail_msg("%s opened the stream again: %ld, want 401", who, r.status);
	hresp_free(&r);
}

static long long token_id_of(tuser *u)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT MAX(id) FROM api_tokens WHERE user_id = %lld",
	         (long long)user_id_of(u));
	return sql_int(sql);
}

static void revoke_own_token(agent *a, long long token_id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/tokens/%lld", token_id);
	hresp r;
	http_json(a, "DELETE", path, NULL, &r);
	expect_status(&r, 204);
	hresp_free(&r);
}

void test_streams_end_with_their_sign_in(void **state)
{
	(void)state;
	run_world w;
	run_world_make(&w, "here");
	tuser u_dis, u_out, u_rev, u_keep;
	agent a_dis, a_out, a_rev, a_keep;
	classmate_make(&w, &u_dis, &a_dis, true);
	classmate_make(&w, &u_out, &a_out, false);
	classmate_make(&w, &u_rev, &a_rev, true);
	classmate_make(&w, &u_keep, &a_keep, true);
	const char *base = base_url();
	sse_stream *dis = watch(base, &w, &a_dis), *out = watch(base, &w, &a_out),
	           *rev = watch(base, &w, &a_rev), *keep = watch(base, &w, &a_keep),
	           *ins = watch(base, &w, &w.a_instr);
	feedback(&w, "3", "ends-before");
	sse_stream *all[] = {dis, out, rev, keep, ins};
	for (size_t i = 0; i < 5; i++)
		expect_event(all[i], "each", "ends-before");

	/* An admin disables one classmate. */
	agent admin = {0};
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	char path[96];
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)user_id_of(&u_dis));
	hresp r;
	http_json(&admin, "PATCH", path, "{\"is_active\": false}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	expect_ended(dis, "the disabled classmate", "the disable");
	/* One signs out of the browser session the stream was opened in. */
	http_post_form(&a_out, "/logout", "", &r);
	expect_redirect(&r, "/");
	hresp_free(&r);
	expect_ended(out, "the signed-out classmate", "the sign-out");
	/* One revokes the API token the stream was opened with. */
	revoke_own_token(&a_rev, token_id_of(&u_rev));
	expect_ended(rev, "the revoked token's classmate", "the revocation");

	feedback(&w, "4", "ends-after");
	expect_event(keep, "the other classmate", "ends-after");
	expect_event(ins, "the instructor", "ends-after");
	expect_no_event(dis, "the disabled classmate", "ends-after");
	expect_no_event(out, "the signed-out classmate", "ends-after");
	expect_no_event(rev, "the revoked token's classmate", "ends-after");
	expect_refused(&w, &a_dis, "the disabled classmate");
	expect_refused(&w, &a_out, "the signed-out classmate");
	expect_refused(&w, &a_rev, "the revoked token's classmate");
	for (size_t i = 0; i < 5; i++)
		sse_close(all[i]);
}

void test_streams_end_when_checked_again(void **state)
{
	(void)state;
	run_world w;
	run_world_make(&w, "there");
	tuser u_end, u_exp, u_rev, u_dis, u_keep;
	agent a_end, a_exp, a_rev, a_dis, a_keep;
	classmate_make(&w, &u_end, &a_end, false);
	classmate_make(&w, &u_exp, &a_exp, false);
	classmate_make(&w, &u_rev, &a_rev, true);
	classmate_make(&w, &u_dis, &a_dis, true);
	classmate_make(&w, &u_keep, &a_keep, false);
	/* The other process: a heartbeat (and check) every second. */
	char peer[128];
	snprintf(peer, sizeof peer, "%s",
	         peer_server_start_ini("[server]\nstream_heartbeat_seconds = 1\n"));
	sse_stream *end = watch(peer, &w, &a_end), *exp = watch(peer, &w, &a_exp),
	           *rev = watch(peer, &w, &a_rev), *dis = watch(peer, &w, &a_dis),
	           *keep = watch(peer, &w, &a_keep), *ins = watch(peer, &w, &w.a_instr);
	sse_stream *all[] = {end, exp, rev, dis, keep, ins};
	/* Events PUT to the peer reach its streams on either engine. */
	use_peer(true);
	feedback(&w, "3", "there-before");
	use_peer(false);
	for (size_t i = 0; i < 6; i++)
		expect_event(all[i], "each", "there-before");

	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE sessions SET ended_at = 1 WHERE user_id = %lld",
	         (long long)user_id_of(&u_end));
	sql_int(sql);
	snprintf(sql, sizeof sql, "UPDATE sessions SET expires_at = 1 WHERE user_id = %lld",
	         (long long)user_id_of(&u_exp));
	sql_int(sql);
	revoke_own_token(&a_rev, token_id_of(&u_rev)); /* through the first server */
	snprintf(sql, sizeof sql, "UPDATE users SET is_active = 0 WHERE id = %lld",
	         (long long)user_id_of(&u_dis));
	sql_int(sql);
	expect_ended(end, "the ended session's classmate", "the session ended elsewhere");
	expect_ended(exp, "the expired session's classmate", "the absolute limit passed");
	expect_ended(rev, "the revoked token's classmate", "the token was revoked elsewhere");
	expect_ended(dis, "the disabled classmate", "the user was disabled elsewhere");

	use_peer(true);
	feedback(&w, "4", "there-after");
	use_peer(false);
	expect_event(keep, "the other classmate", "there-after");
	expect_event(ins, "the instructor", "there-after");
	expect_no_event(end, "the ended session's classmate", "there-after");
	expect_no_event(exp, "the expired session's classmate", "there-after");
	expect_no_event(rev, "the revoked token's classmate", "there-after");
	expect_no_event(dis, "the disabled classmate", "there-after");
	for (size_t i = 0; i < 6; i++)
		sse_close(all[i]);
	char why[600];
	if (!peer_server_stop(why, sizeof why))
		fail_msg("the peer server: %s", why);
}
