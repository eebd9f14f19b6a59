/* runs_api.c: the JSON API of scenario runs: start, list, read, end,
 * close, join by code, feedback, summary, the live event stream, the join
 * QR code, the course matrix and a trainee's history (docs/api.md,
 * "Scenario runs"). Writers publish their events after the commit. */
#include <stdio.h>
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "../base/qr_svg.h"
#include "../credentials/certificates_web.h"
#include "../web/sse.h"
#include "feedback.h"
#include "runs_internal.h"
#include "runs_web.h"

static const char *const viewer_names[] = {"none",        "manager",     "instructor",
                                           "trainee",     "role_player", "classmate"};

json_t *runs_run_json(request *req, const run *r)
{
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s}, s:o, s:s, s:s, s:s, s:o, s:o, s:o, "
	    "s:o, s:o, s:I, s:b, s:s, s:b}",
	    "id", (json_int_t)r->id, "course_id", (json_int_t)r->course_id, "course_title",
	    r->course_title, "scenario", "id", (json_int_t)r->scenario_id, "title", r->scenario_title,
	    "dispatch_brief", r->dispatch_brief, "trainee", "id", (json_int_t)r->trainee_id, "name",
	    r->trainee_name, "role_player_id",
	    r->role_player_id ? json_integer((json_int_t)r->role_player_id) : json_null(),
	    "role_player_name", r->role_player_name, "status", r->status, "status_label",
	    run_status_label(r->status), "started_at", auth_json_time(r->started_at), "ended_at",
	    auth_json_time(r->ended_at), "closed_at", auth_json_time(r->closed_at), "result",
	    r->result ? json_string(r->result) : json_null(), "mean", run_x100_json(r->mean_x100),
	    "event_seq", (json_int_t)r->event_seq, "is_anonymous", r->is_anonymous, "viewer",
	    viewer_names[r->viewer], "can_score", r->can_score);
	if (r->join_code) {
		json_object_set_new(o, "join_code", json_string(r->join_code));
		json_object_set_new(o, "join_url", json_string(runs_join_url(req, r->join_code)));
	}
	return o;
}

const char *runs_join_url(request *req, const char *join_code)
{
	const char *url = run_join_url(req->arena, join_code);
	if (*url != '/')
		return url;
	/* No public URL configured: the address this request came to (as
	 * certificates' verification links do). */
	return arena_printf(req->arena, "%s%s", certificates_verify_base(req), url);
}

static json_t *feedback_json(const run_feedback *f, const run_skill *skills, size_t n_skills)
{
	json_t *scores = json_object();
	for (size_t k = 0; k < n_skills && k < f->n_scores; k++)
		if (f->scores[k])
			json_object_set_new(scores, skills[k].code, json_integer((json_int_t)f->scores[k]));
	return json_pack("{s:I, s:I, s:I, s:s?, s:s?, s:s, s:I, s:o, s:o, s:o}", "id",
	                 (json_int_t)f->id, "run_id", (json_int_t)f->run_id, "author_id",
	                 (json_int_t)f->author_id, "author", f->author_name, "role", f->role,
	                 "comment", f->comment ? f->comment : "", "revision", (json_int_t)f->revision,
	                 "created_at", auth_json_time(f->created_at), "updated_at",
	                 auth_json_time(f->updated_at), "scores", scores);
}

json_t *runs_summary_json(const run_summary *s)
{
	json_t *comments = json_array();
	for (size_t i = 0; i < s->n_comments; i++) {
		const run_comment *c = &s->comments[i];
		json_array_append_new(comments,
		                      json_pack("{s:I, s:s, s:s?, s:s, s:I, s:o}", "feedback_id",
		                                (json_int_t)c->feedback_id, "role", c->role, "author",
		                                c->author, "text", c->text, "revision",
		                                (json_int_t)c->revision, "updated_at",
		                                auth_json_time(c->updated_at)));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:I}", "run_id", (json_int_t)s->run_id,
	                 "skills", run_summary_skills_json(s), "comments", comments, "result",
	                 s->result ? json_string(s->result) : json_null(), "mean",
	                 run_x100_json(s->mean_x100), "event_seq", (json_int_t)s->event_seq);
}

/* The run of the path's {id} in the caller's scope; false (and the error
 * response set) otherwise. */
static bool path_run(request *req, db **d, run *r)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, d))
		return false;
	int rc = run_get(*d, req->arena, &req->who, id, r);
	if (rc < 0)
		auth_api_fail(req, rc, NULL);
	return rc == 0;
}

static int reply_run(request *req, db *d, int64_t id, int status)
{
	run r;
	int rc = run_get(d, req->arena, &req->who, id, &r);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, status, runs_run_json(req, &r));
	return 0;
}

/* POST /api/v1/runs: JSON {course_id, scenario_id, enrollment_id |
 * trainee_id, role_player_id?, role_player_name?}. 201 with the run (its
 * join code and URL). 422 for a scenario without a rubric (scenario_id)
 * or a trainee not enrolled in the course; 404 for an unknown course. */
static int runs_create(request *req)
{
	const kv *in = NULL;
	db *d;
	if (request_fields(req, &in) < 0 || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	run r;
	int rc = run_start_kv(d, req->arena, &req->who, 0, in, &r, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	auth_api_location(req, "/api/v1/runs", r.id);
	resp_json(req, 201, runs_run_json(req, &r));
	return 0;
}

/* GET /api/v1/runs?course_id=&trainee_id=&limit=&cursor=: the runs the
 * caller may see, newest first. */
static int runs_index(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	int limit;
	if (!auth_query_limit(req, 50, 200, &limit))
		return 0;
	run_filter f = {.limit = limit};
	f.cursor = auth_id_cursor(req);
	f.course_id = auth_query_id(req, "course_id");
	f.trainee_id = auth_query_id(req, "trainee_id");
	if (f.cursor < 0)
		return 0;
	if (f.course_id < 0 || f.trainee_id < 0) {
		resp_error(req, CK_E_MALFORMED, "course_id and trainee_id are ids");
		return 0;
	}
	run *items;
	size_t n;
	int64_t next;
	int rc = run_list(d, req->arena, &req->who, &f, &items, &n, &next);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, runs_run_json(req, &items[i]));
	resp_json(req, 200,
	          auth_list_json(arr, next ? arena_printf(req->arena, "%lld", (long long)next)
	                                   : NULL));
	return 0;
}

/* GET /api/v1/runs/{id}: one run in the caller's scope (else 404). The
 * join code and URL only for those who manage runs. */
static int runs_one(request *req)
{
	db *d;
	run r;
	if (path_run(req, &d, &r))
		resp_json(req, 200, runs_run_json(req, &r));
	return 0;
}

/* POST /api/v1/runs/{id}/end: "end scenario" (live → ended); scoring
 * goes on. 409 when not live. */
static int runs_end(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = run_end(d, req->arena, &req->who, id, NULL);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	run_events_changed(id);
	return reply_run(req, d, id, 200);
}

/* POST /api/v1/runs/{id}/close: computes and stores the result. 409 when
 * already closed; 422 when no instructor scored a critical skill. */
static int runs_close(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = run_close(d, req->arena, &req->who, id, NULL, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	run_events_changed(id);
	return reply_run(req, d, id, 200);
}

/* GET /api/v1/runs/join/{code}: {run_id} of the run with that code. 404
 * for a wrong code, 403 for a right one when the caller is not enrolled
 * in the course, 429 with Retry-After after too many wrong codes in 10
 * minutes (10 per user, 60 per address). */
static int runs_join(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	int64_t run_id = 0, retry = 0;
	int rc = run_join(d, req->arena, &req->who, req->remote_ip, req->path_params[0], &run_id,
	                  &retry);
	if (rc == CK_E_RATE)
		resp_header(req, "Retry-After", arena_printf(req->arena, "%lld", (long long)retry));
	if (rc == CK_E_FORBIDDEN) {
		auth_api_problem(req, rc, "You are not enrolled in this run's course", NULL);
		return 0;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200, json_pack("{s:I, s:s}", "run_id", (json_int_t)run_id, "url",
	                              arena_printf(req->arena, "/runs/%lld/score", (long long)run_id)));
	return 0;
}

/* GET /api/v1/runs/{id}/feedback: {"own": the caller's feedback or null,
 * "items": every feedback for instructors and managers, else the caller's
 * own}. */
static int runs_feedback_get(request *req)
{
	db *d;
	run r;
	if (!path_run(req, &d, &r))
		return 0;
	int64_t id = r.id;
	run_skill *skills;
	size_t n_skills, n = 0;
	run_feedback own, *items = NULL;
	bool found = false;
	int rc = run_rubric(d, req->arena, &req->who, id, &skills, &n_skills, NULL);
	if (rc == 0)
		rc = feedback_get_own(d, req->arena, &req->who, id, &own, &found);
	if (rc == 0 && (r.viewer == RUN_VIEWER_MANAGER || r.viewer == RUN_VIEWER_INSTRUCTOR))
		rc = feedback_list(d, req->arena, &req->who, id, &items, &n);
	else if (rc == 0 && found) {
		items = &own;
		n = 1;
	}
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, feedback_json(&items[i], skills, n_skills));
	resp_json(req, 200,
	          json_pack("{s:o, s:o}", "own",
	                    found ? feedback_json(&own, skills, n_skills) : json_null(), "items",
	                    arr));
	return 0;
}

/* {scores: {code: 1..5}, comment, join_code?} into in; false (and a 400 or
 * 422 set) when it is not that shape. */
static bool feedback_body(request *req, feedback_input *in, field_errors *errs)
{
	json_t *body;
	if (request_json(req, &body) < 0)
		return false;
	*in = (feedback_input){0};
	bool ok = json_is_object(body);
	json_t *scores = ok ? json_object_get(body, "scores") : NULL;
	json_t *comment = ok ? json_object_get(body, "comment") : NULL;
	json_t *code = ok ? json_object_get(body, "join_code") : NULL;
	if (!ok) {
		json_decref(body);
		resp_error(req, CK_E_MALFORMED, "the body must be a JSON object");
		return false;
	}
	if (scores && !json_is_null(scores) && !json_is_object(scores))
		field_errors_add(errs, "scores", "must be an object of skill code to score");
	if (comment && !json_is_null(comment) && !json_is_string(comment))
		field_errors_add(errs, "comment", "must be text");
	size_t n = json_is_object(scores) ? json_object_size(scores) : 0;
	in->codes = arena_array(req->arena, n ? n : 1, sizeof(char *));
	in->scores = arena_array(req->arena, n ? n : 1, sizeof(int64_t));
	const char *key;
	json_t *v;
	if (json_is_object(scores))
		json_object_foreach(scores, key, v)
		{
			if (!json_is_integer(v)) {
				field_errors_add(errs, arena_printf(req->arena, "scores.%s", key),
				                 "must be a whole number from 1 to 5");
				continue;
			}
			in->codes[in->n] = arena_strdup(req->arena, key);
			in->scores[in->n++] = (int64_t)json_integer_value(v);
		}
	if (json_is_string(comment))
		in->comment = arena_strdup(req->arena, json_string_value(comment));
	if (json_is_string(code))
		in->join_code = arena_strdup(req->arena, json_string_value(code));
	json_decref(body);
	if (errs->len) {
		resp_validation(req, errs);
		return false;
	}
	return true;
}

/* PUT /api/v1/runs/{id}/feedback: JSON {scores: {"<skill code>": 1..5},
 * comment, join_code?}: creates (201) or revises (200, revision + 1) the
 * caller's one feedback. 422 for a score outside 1..5 or a skill not in
 * the rubric (nothing written), 409 on a closed run, 403 for the trainee,
 * the role player, or someone with the code who is not enrolled. */
static int runs_feedback_put(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	feedback_input in;
	if (!feedback_body(req, &in, &errs))
		return 0;
	run_feedback out;
	int rc = feedback_submit(d, req->arena, &req->who, id, &in, &out, &errs);
	if (rc == CK_E_FORBIDDEN) {
		auth_api_problem(req, rc, errs.len ? errs.items[0].message : NULL, NULL);
		return 0;
	}
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	run_events_changed(id);
	run_skill *skills;
	size_t n_skills;
	rc = run_rubric(d, req->arena, &req->who, id, &skills, &n_skills, NULL);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, out.revision == 1 ? 201 : 200, feedback_json(&out, skills, n_skills));
	return 0;
}

static bool wants_anonymous(request *req)
{
	const char *v = kv_get(&req->query, "view");
	return v && !strcmp(v, "anon");
}

/* GET /api/v1/runs/{id}/summary?view=anon: per skill the instructors' and
 * classmates' means, spread and counts; the comments (classmates' authors
 * null for the trainee of an anonymous run, or with view=anon). */
static int runs_summary(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	run_summary s;
	int rc = run_summary_get(d, req->arena, &req->who, id, wants_anonymous(req), &s);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200, runs_summary_json(&s));
	return 0;
}

/* GET /api/v1/runs/{id}/events?view=anon&after=N: text/event-stream of
 * the run's events ("feedback", "ended", "closed"), each with "id: seq".
 * Resumes after Last-Event-ID (or ?after=N); the whole history otherwise,
 * or when the id is beyond the run's newest event.
 * The trainee of an anonymous run (and view=anon) gets the anonymous
 * view. */
static int runs_events(request *req)
{
	db *d;
	run r;
	if (!path_run(req, &d, &r))
		return 0;
	bool anonymous = !r.sees_authors || wants_anonymous(req);
	/* An id beyond the run's newest event comes from another history (a
	 * restored backup, another database): replaying the whole run is
	 * the only way that screen misses nothing. */
	int64_t after = sse_last_event_id(req);
	if (after > r.event_seq)
		after = 0;
	sse_begin_from(req, run_channel(req->arena, r.id, anonymous), after);
	return 0;
}

/* GET /api/v1/runs/{id}/qr.svg: the join URL as a QR code, for the
 * projector. Those who manage runs only (it carries the code). */
static int runs_qr(request *req)
{
	db *d;
	run r;
	if (!path_run(req, &d, &r))
		return 0;
	if (!r.join_code) {
		auth_api_fail(req, CK_E_FORBIDDEN, NULL);
		return 0;
	}
	buf b;
	buf_init(&b, req->arena);
	if (qr_svg(&b, runs_join_url(req, r.join_code),
	           arena_printf(req->arena, "QR code to join the run, code %s", r.join_code)) < 0) {
		resp_error(req, CK_E_INTERNAL, NULL);
		return 0;
	}
	resp_text(req, 200, "image/svg+xml; charset=utf-8", b.data);
	resp_header(req, "Cache-Control", "private, no-store");
	return 0;
}

/* GET /api/v1/courses/{id}/runs/matrix: trainees × skills from each
 * trainee's latest closed run (instructors' means), runs passed and
 * required. */
static int runs_matrix(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	run_matrix m;
	int rc = run_matrix_for_course(d, req->arena, &req->who, id, &m);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *cols = json_array(), *rows = json_array();
	for (size_t c = 0; c < m.n_columns; c++)
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b}", "code", m.columns[c].code,
		                                      "title", m.columns[c].title, "critical",
		                                      m.columns[c].is_critical));
	for (size_t i = 0; i < m.n_rows; i++) {
		const run_matrix_row *row = &m.rows[i];
		json_t *means = json_object();
		for (size_t c = 0; c < m.n_columns; c++)
			json_object_set_new(means, m.columns[c].code, run_x100_json(row->means_x100[c]));
		json_array_append_new(
		    rows, json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:b}",
		                    "enrollment_id", (json_int_t)row->enrollment_id, "user_id",
		                    (json_int_t)row->user_id, "name", row->name, "latest_run_id",
		                    row->latest_run_id ? json_integer((json_int_t)row->latest_run_id)
		                                       : json_null(),
		                    "latest_result",
		                    row->latest_result ? json_string(row->latest_result) : json_null(),
		                    "means", means, "runs_passed", (json_int_t)row->runs_passed,
		                    "runs_closed", (json_int_t)row->runs_total, "runs_required",
		                    (json_int_t)m.runs_required, "is_met",
		                    row->runs_passed >= m.runs_required));
	}
	resp_json(req, 200,
	          json_pack("{s:I, s:s, s:I, s:o, s:o}", "course_id", (json_int_t)m.course_id,
	                    "course_title", m.course_title, "runs_required",
	                    (json_int_t)m.runs_required, "skills", cols, "rows", rows));
	return 0;
}

static int reply_history(request *req, int64_t user_id)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	run_history h;
	int rc = run_history_for_user(d, req->arena, &req->who, user_id, &h);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *runs = json_array(), *trends = json_array();
	for (size_t i = 0; i < h.n_runs; i++)
		json_array_append_new(runs, runs_run_json(req, &h.runs[i]));
	for (size_t t = 0; t < h.n_trends; t++) {
		json_t *points = json_array();
		for (size_t p = 0; p < h.trends[t].n_points; p++) {
			const run_trend_point *pt = &h.trends[t].points[p];
			json_array_append_new(points,
			                      json_pack("{s:I, s:o, s:o}", "run_id", (json_int_t)pt->run_id,
			                                "started_at", auth_json_time(pt->started_at),
			                                "instructor_mean",
			                                run_x100_json(pt->instructor_mean_x100)));
		}
		json_array_append_new(trends, json_pack("{s:s, s:s, s:o}", "code",
		                                        h.trends[t].skill_code, "title",
		                                        h.trends[t].skill_title, "points", points));
	}
	resp_json(req, 200,
	          json_pack("{s:I, s:s, s:o, s:o}", "user_id", (json_int_t)h.user_id, "name",
	                    h.user_name ? h.user_name : "", "runs", runs, "trends", trends));
	return 0;
}

/* GET /api/v1/users/{id}/runs: a trainee's runs (newest first) and skill
 * trend across closed runs. Officers: their own only; supervisors: their
 * agency's; managers, instructors and analysts: anyone. */
static int runs_user(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	return reply_history(req, id);
}

/* GET /api/v1/me/runs: the caller's own run history and trend. */
static int runs_me(request *req)
{
	return reply_history(req, req->who.user_id);
}

/* GET /api/v1/settings/runs: {feedback_anonymous}. */
static int runs_settings_get(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	bool anonymous = true;
	int rc = run_settings_anonymous(d, req->arena, &anonymous);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, 200, json_pack("{s:b}", "feedback_anonymous", anonymous));
	return 0;
}

/* PUT /api/v1/settings/runs: {feedback_anonymous: true|false}, for runs
 * started from now on. */
static int runs_settings_put(request *req)
{
	static const field_spec spec[] = {
	    {"feedback_anonymous", FIELD_BOOL, true, 0, 0, NULL, "Anonymous feedback"}};
	const kv *in = NULL;
	db *d;
	if (request_fields(req, &in) < 0 || !(d = auth_db(req)))
		return 0;
	field_errors errs = {0};
	field_value v[1];
	int rc = validate_fields(req->arena, in, spec, 1, v, &errs);
	if (rc == 0)
		rc = run_settings_save(d, req->arena, &req->who, v[0].number != 0);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return runs_settings_get(req);
}

static const route runs_api_routes[] = {
    {"GET", "/api/v1/runs/join/{code}", runs_join, PERM_SIGNED_IN, ROUTE_API,
     "The run with this join code (rate-limited)"},
    {"POST", "/api/v1/runs", runs_create, PERM_RUNS_MANAGE, ROUTE_API,
     "Start a scenario run in a course"},
    {"GET", "/api/v1/runs", runs_index, PERM_SIGNED_IN, ROUTE_API,
     "Scenario runs the caller may see, newest first"},
    {"GET", "/api/v1/runs/{id}", runs_one, PERM_SIGNED_IN, ROUTE_API, "One scenario run"},
    {"POST", "/api/v1/runs/{id}/end", runs_end, PERM_RUNS_MANAGE, ROUTE_API,
     "End the scenario (scoring goes on)"},
    {"POST", "/api/v1/runs/{id}/close", runs_close, PERM_RUNS_MANAGE, ROUTE_API,
     "Close the run: result by the rubric's rule"},
    {"GET", "/api/v1/runs/{id}/feedback", runs_feedback_get, PERM_SIGNED_IN, ROUTE_API,
     "The caller's feedback (instructors: everyone's)"},
    {"PUT", "/api/v1/runs/{id}/feedback", runs_feedback_put, PERM_SIGNED_IN, ROUTE_API,
     "Create or revise the caller's feedback"},
    {"GET", "/api/v1/runs/{id}/summary", runs_summary, PERM_SIGNED_IN, ROUTE_API,
     "Per-skill instructor and classmate means, spread, comments"},
    {"GET", "/api/v1/runs/{id}/events", runs_events, PERM_SIGNED_IN, ROUTE_API | ROUTE_SSE,
     "The run's live events (text/event-stream; Last-Event-ID resumes)"},
    {"GET", "/api/v1/runs/{id}/qr.svg", runs_qr, PERM_RUNS_MANAGE, ROUTE_API,
     "The join URL as a QR code (SVG)"},
    {"GET", "/api/v1/courses/{id}/runs/matrix", runs_matrix, PERM_RUNS_MANAGE, ROUTE_API,
     "Trainees × skills of a course's latest closed runs"},
    {"GET", "/api/v1/users/{id}/runs", runs_user, PERM_SIGNED_IN, ROUTE_API,
     "A trainee's run history and skill trend"},
    {"GET", "/api/v1/me/runs", runs_me, PERM_SIGNED_IN, ROUTE_API,
     "The caller's run history and skill trend"},
    {"GET", "/api/v1/settings/runs", runs_settings_get, PERM_SETTINGS_WRITE, ROUTE_API,
     "Whether classmates' feedback is anonymous to the trainee"},
    {"PUT", "/api/v1/settings/runs", runs_settings_put, PERM_SETTINGS_WRITE, ROUTE_API,
     "Change whether classmates' feedback is anonymous to the trainee"},
};

void runs_api_register(void)
{
	ROUTES_ADD(runs_api_routes);
}
