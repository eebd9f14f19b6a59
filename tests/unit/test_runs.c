/* test_runs.c: scenario runs. Pure parts first (aggregation, the pass
 * rule, the join-code alphabet, the wrong-code limiter, also under
 * threads), then the services on SQLite and PostgreSQL: starting (each
 * refusal writes nothing), scope, feedback submit and revise (never a
 * duplicate; bad scores, closed runs, the trainee, the role player and
 * outsiders refused with nothing written), end, close by the rule, the
 * stored events, history and matrix. Rubric and scenario rows are
 * written with SQL (the library's services are not needed). */
#include "auth_fixture.h"
#include "enroll_fixture.h"

#include <jansson.h>
#include <pthread.h>

#include "scenarios/feedback.h"
#include "scenarios/runs.h"

/* Pure: aggregation. */

static run_skill skill(int64_t id, const char *code, int64_t weight, bool critical)
{
	return (run_skill){
	    .id = id, .code = code, .title = code, .weight = weight, .is_critical = critical};
}

static void aggregate_means_spread_counts(void **state)
{
	(void)state;
	run_skill sk[3] = {skill(1, "intro", 1, false), skill(2, "calm", 2, true),
	                   skill(3, "choices", 1, false)};
	int64_t i1[] = {4, 3, 0}, i2[] = {5, 2, 0}, c1[] = {2, 5, 3}, c2[] = {3, 0, 0},
	        c3[] = {1, 4, 0};
	feedback_scores fb[] = {{true, i1}, {true, i2}, {false, c1}, {false, c2}, {false, c3}};
	run_skill_summary out[3];
	feedback_aggregate(sk, 3, fb, 5, out);
	assert_int_equal(out[0].instructor_mean_x100, 450);
	assert_int_equal(out[0].classmate_mean_x100, 200); /* (2+3+1)/3 */
	assert_int_equal(out[0].spread, 4);                /* 5 - 1 */
	assert_int_equal(out[0].n_instructors, 2);
	assert_int_equal(out[0].n_classmates, 3);
	assert_int_equal(out[1].instructor_mean_x100, 250);
	assert_int_equal(out[1].classmate_mean_x100, 450); /* c2 did not score it */
	assert_int_equal(out[1].n_classmates, 2);
	assert_int_equal(out[1].spread, 3);
	assert_true(out[1].is_critical);
	assert_int_equal(out[1].weight, 2);
	/* Nobody of the instructors: -1; one scorer: no spread. */
	assert_int_equal(out[2].instructor_mean_x100, -1);
	assert_int_equal(out[2].classmate_mean_x100, 300);
	assert_int_equal(out[2].spread, 0);
	assert_int_equal(out[2].n_instructors, 0);
}

static void aggregate_rounds_half_up_and_ignores_out_of_scale(void **state)
{
	(void)state;
	run_skill sk[1] = {skill(1, "a", 1, false)};
	int64_t a[] = {4}, b[] = {4}, c[] = {5}, bad[] = {9};
	feedback_scores fb[] = {{true, a}, {true, b}, {true, c}, {false, bad}};
	run_skill_summary out[1];
	feedback_aggregate(sk, 1, fb, 4, out);
	assert_int_equal(out[0].instructor_mean_x100, 433); /* 13/3 = 4.333 */
	assert_int_equal(out[0].n_classmates, 0);
	int64_t d[] = {2}, e[] = {3}, g[] = {3};
	feedback_scores fb2[] = {{true, d}, {true, e}, {true, g}};
	feedback_aggregate(sk, 1, fb2, 3, out);
	assert_int_equal(out[0].instructor_mean_x100, 267); /* 2.666… up */
	feedback_aggregate(sk, 1, fb2, 0, out);
	assert_int_equal(out[0].instructor_mean_x100, -1);
	assert_int_equal(out[0].classmate_mean_x100, -1);
}

static run_skill_summary agg(const char *code, int64_t imean, int64_t weight, bool critical)
{
	return (run_skill_summary){.code = code,
	                           .instructor_mean_x100 = imean,
	                           .weight = weight,
	                           .is_critical = critical,
	                           .n_instructors = imean < 0 ? 0 : 1};
}

static void pass_rule(void **state)
{
	(void)state;
	run_verdict v;
	/* Weighted mean (4*1 + 3*2 + 2*1) / 4 = 3.00: exactly the bar passes. */
	run_skill_summary s1[] = {agg("a", 400, 1, false), agg("b", 300, 2, true),
	                          agg("c", 200, 1, false)};
	assert_int_equal(feedback_verdict(s1, 3, 300, &v), 0);
	assert_int_equal(v.mean_x100, 300);
	assert_true(v.is_pass);
	/* The same with a higher bar fails. */
	assert_int_equal(feedback_verdict(s1, 3, 301, &v), 0);
	assert_false(v.is_pass);
	/* A critical skill below 3 fails even with a high mean. */
	run_skill_summary s2[] = {agg("a", 500, 5, false), agg("b", 299, 1, true)};
	assert_int_equal(feedback_verdict(s2, 2, 300, &v), 0);
	assert_true(v.mean_x100 > 450);
	assert_false(v.is_pass);
	/* A non-critical skill below 3 does not fail on its own. */
	run_skill_summary s3[] = {agg("a", 500, 1, false), agg("b", 100, 1, false),
	                          agg("c", 400, 1, true)};
	assert_int_equal(feedback_verdict(s3, 3, 300, &v), 0);
	assert_int_equal(v.mean_x100, 333);
	assert_true(v.is_pass);
	/* An unscored non-critical skill is left out of the mean. */
	run_skill_summary s4[] = {agg("a", 400, 1, true), agg("b", -1, 3, false)};
	assert_int_equal(feedback_verdict(s4, 2, 300, &v), 0);
	assert_int_equal(v.mean_x100, 400);
	/* An unscored critical skill: no verdict. */
	run_skill_summary s5[] = {agg("a", 500, 1, false), agg("crit", -1, 1, true)};
	assert_int_equal(feedback_verdict(s5, 2, 300, &v), CK_E_INVALID);
	assert_string_equal(v.missing_critical, "crit");
	/* Nothing scored by instructors at all: no verdict. */
	run_skill_summary s6[] = {agg("a", -1, 1, false)};
	assert_int_equal(feedback_verdict(s6, 1, 300, &v), CK_E_INVALID);
	assert_null(v.missing_critical);
}

/* Pure: the join code. */

static void join_code_alphabet(void **state)
{
	(void)state;
	const char *alpha = run_join_alphabet();
	for (const char *p = "0O1IL5S2Z8BUV"; *p; p++)
		assert_null(strchr(alpha, *p));
	for (const char *p = alpha; *p; p++) {
		assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
		assert_null(strchr(p + 1, *p)); /* no repeats */
	}
	int seen[128] = {0};
	for (int i = 0; i < 5000; i++) {
		char code[RUN_JOIN_CODE_LEN + 1];
		assert_int_equal(run_join_code_new(code), 0);
		assert_int_equal(strlen(code), RUN_JOIN_CODE_LEN);
		assert_true(run_join_code_valid(code));
		for (const char *p = code; *p; p++)
			seen[(int)*p]++;
	}
	/* 30,000 characters: each of the 23 turns up, none far off 1/23. */
	for (const char *p = alpha; *p; p++) {
		assert_true(seen[(int)*p] > 30000 / 23 / 2);
		assert_true(seen[(int)*p] < 30000 / 23 * 2);
	}
	arena *a = arena_new();
	assert_string_equal(run_join_code_normalise(a, " acd-eft "), "ACDEFT");
	assert_true(run_join_code_valid(run_join_code_normalise(a, "acd-eft")));
	assert_false(run_join_code_valid("ACDEF"));   /* short */
	assert_false(run_join_code_valid("ACDEFO"));  /* O is not in the alphabet */
	assert_false(run_join_code_valid("ACDEFGH")); /* long */
	assert_null(run_join_code_normalise(a, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	arena_free(a);
}

/* Pure: the limiter. */

static void limiter_blocks_after_ten_misses(void **state)
{
	(void)state;
	run_join_limiter_reset();
	const int max = RUN_JOIN_MAX_MISSES;
	int64_t wait, t0 = 1000000;
	for (int i = 0; i < max; i++) {
		assert_true(run_join_limiter_allows("u:1", max, t0 + i, &wait));
		run_join_limiter_miss("u:1", t0 + i);
	}
	assert_false(run_join_limiter_allows("u:1", max, t0 + 10, &wait));
	/* The oldest miss (t0) leaves the window at t0 + 600. */
	assert_int_equal(wait, RUN_JOIN_WINDOW - 10);
	assert_true(run_join_limiter_allows("u:2", max, t0 + 10, &wait)); /* another key */
	assert_false(run_join_limiter_allows("u:1", max, t0 + RUN_JOIN_WINDOW - 1, &wait));
	assert_int_equal(wait, 1);
	assert_true(run_join_limiter_allows("u:1", max, t0 + RUN_JOIN_WINDOW, &wait));
	/* Nine in the window is still allowed. */
	run_join_limiter_reset();
	for (int i = 0; i < max - 1; i++)
		run_join_limiter_miss("u:3", t0);
	assert_true(run_join_limiter_allows("u:3", max, t0 + 1, &wait));
	run_join_limiter_miss("u:3", t0 + 1);
	assert_false(run_join_limiter_allows("u:3", max, t0 + 2, &wait));
	run_join_limiter_reset();
	assert_true(run_join_limiter_allows("u:3", max, t0 + 2, &wait));
}

/* An address (a classroom behind one router) has the larger limit, and
 * the miss that lifts it is the limit-th newest, not the oldest kept. */
static void limiter_gives_an_address_more_room(void **state)
{
	(void)state;
	run_join_limiter_reset();
	const int per_user = RUN_JOIN_MAX_MISSES, per_ip = RUN_JOIN_MAX_MISSES_PER_ADDRESS;
	int64_t wait, t0 = 2000000;
	const char *ip = "ip:192.0.2.7";
	for (int i = 0; i < per_ip - 1; i++)
		run_join_limiter_miss(ip, t0 + i);
	assert_true(run_join_limiter_allows(ip, per_ip, t0 + per_ip, &wait));
	/* The same misses would have stopped one person long ago. */
	assert_false(run_join_limiter_allows(ip, per_user, t0 + per_ip, &wait));
	assert_int_equal(wait,
	                 (t0 + per_ip - 2 - (per_user - 1)) + RUN_JOIN_WINDOW - (t0 + per_ip));
	run_join_limiter_miss(ip, t0 + per_ip - 1);
	assert_false(run_join_limiter_allows(ip, per_ip, t0 + per_ip, &wait));
	/* The first of the per_ip newest misses was at t0. */
	assert_int_equal(wait, RUN_JOIN_WINDOW - per_ip);
	assert_true(run_join_limiter_allows(ip, per_ip, t0 + RUN_JOIN_WINDOW, &wait));
	run_join_limiter_reset();
}

enum { LIMIT_THREADS = 8, LIMIT_KEYS = 50 };

static void *limiter_worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	for (int k = 0; k < LIMIT_KEYS; k++) {
		char key[32];
		snprintf(key, sizeof key, "k:%d", k);
		/* Each thread adds one miss to every key; ten threads' worth of
		 * misses per key would block it. */
		run_join_limiter_miss(key, 5000 + t);
	}
	return NULL;
}

static void limiter_is_thread_safe(void **state)
{
	(void)state;
	run_join_limiter_reset();
	pthread_t th[LIMIT_THREADS];
	for (int t = 0; t < LIMIT_THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, limiter_worker, (void *)(intptr_t)t),
		                 0);
	for (int t = 0; t < LIMIT_THREADS; t++)
		pthread_join(th[t], NULL);
	/* Every key has exactly 8 misses: allowed; two more block it. */
	for (int k = 0; k < LIMIT_KEYS; k++) {
		char key[32];
		int64_t wait;
		snprintf(key, sizeof key, "k:%d", k);
		assert_true(run_join_limiter_allows(key, RUN_JOIN_MAX_MISSES, 5010, &wait));
		run_join_limiter_miss(key, 5010);
		assert_true(run_join_limiter_allows(key, RUN_JOIN_MAX_MISSES, 5010, &wait));
		run_join_limiter_miss(key, 5010);
		assert_false(run_join_limiter_allows(key, RUN_JOIN_MAX_MISSES, 5010, &wait));
	}
	run_join_limiter_reset();
}

/* Services. */

typedef struct world {
	int64_t coord, instr, instr2, sup, trainee, mate, mate2, outsider, actor, analyst;
	int64_t elsewhere;     /* an instructor who teaches only other_course */
	int64_t officer_instr; /* an officer and instructor, seated in course */
	int64_t course, other_course, enrollment, mate_enrollment;
	int64_t rubric, scenario, bare_scenario;
	int64_t s_intro, s_calm, s_choices; /* calm is critical, weight 2 */
} world;

static int64_t insert_id(authfx *f, const char *sql)
{
	int64_t id = 0;
	if (db_query_int(f->d, &id, sql, "") != DB_ROW)
		fail_msg("%s: %s", sql, db_errmsg(f->d));
	return id;
}

static world make_world(authfx *f)
{
	world w;
	int64_t cc = fx_org(f, "Crisis Center", "mental_health");
	int64_t pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	w.coord = fx_user(f, cc, "coord@pb.test", "Cory Coordinator", "coordinator", NULL);
	w.instr = fx_user(f, cc, "instr@pb.test", "Ivy Instructor", "instructor", NULL);
	w.instr2 = fx_user(f, cc, "instr2@pb.test", "Ian Instructor", "instructor", NULL);
	w.sup = fx_user(f, pd, "sup@pb.test", "Sam Supervisor", "supervisor", NULL);
	w.trainee = fx_user(f, pd, "ada@pd.test", "Ada Trainee", "officer", NULL);
	w.mate = fx_user(f, pd, "bo@pd.test", "Bo Classmate", "officer", NULL);
	w.mate2 = fx_user(f, pd, "cy@pd.test", "Cy Classmate", "officer", NULL);
	w.outsider = fx_user(f, pd, "di@pd.test", "Di Outsider", "officer", NULL);
	w.actor = fx_user(f, cc, "pat@cc.test", "Pat Presenter", "presenter", NULL);
	w.analyst = fx_user(f, cc, "ann@cc.test", "Ann Analyst", "analyst", NULL);
	w.elsewhere = fx_user(f, cc, "eli@cc.test", "Eli Elsewhere", "instructor", NULL);
	w.officer_instr = fx_user(f, pd, "oz@pd.test", "Oz Officer", "officer,instructor", NULL);
	int64_t v = tf_version(f);
	w.course = tf_course(f, v, 10, "in_progress");
	w.other_course = tf_course(f, v, 10, "in_progress");
	int64_t session = tf_session(f, w.course, 0, 60);
	tf_teach(f, session, w.instr);
	tf_teach(f, session, w.instr2);
	tf_teach(f, tf_session(f, w.other_course, 0, 60), w.elsewhere);
	w.enrollment = tf_enrollment(f, w.course, w.trainee);
	w.mate_enrollment = tf_enrollment(f, w.course, w.mate);
	tf_enrollment(f, w.course, w.mate2);
	tf_enrollment(f, w.course, w.officer_instr);
	tf_enrollment(f, w.other_course, w.outsider);
	w.rubric =
	    insert_id(f, "INSERT INTO rubrics (code, title, pass_mean_x100, created_at, "
	                 "updated_at) VALUES ('deesc', 'De-escalation', 300, 1, 1) RETURNING id");
	char sql[512];
	const struct {
		const char *code;
		int weight, critical;
		int64_t *id;
	} skills[] = {{"intro", 1, 0, &w.s_intro},
	              {"calm", 2, 1, &w.s_calm},
	              {"choices", 1, 0, &w.s_choices}};
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO rubric_skills (rubric_id, position, code, title, weight, "
		         "is_critical) VALUES (%lld, %d, '%s', 'Skill %s', %d, %d) RETURNING id",
		         (long long)w.rubric, i + 1, skills[i].code, skills[i].code,
		         skills[i].weight, skills[i].critical);
		*skills[i].id = insert_id(f, sql);
	}
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "minutes, rubric_id, created_at, updated_at) VALUES ('bridge', 'On the bridge', "
	         "'suicidal', 'intermediate', 'A man on the bridge railing.', 15, %lld, 1, 1) "
	         "RETURNING id",
	         (long long)w.rubric);
	w.scenario = insert_id(f, sql);
	w.bare_scenario =
	    insert_id(f, "INSERT INTO scenarios (code, title, crisis_type, difficulty, "
	                 "dispatch_brief, minutes, created_at, updated_at) VALUES "
	                 "('bare', 'No rubric yet', 'other', 'introductory', 'x', 10, 1, "
	                 "1) RETURNING id");
	return w;
}

static const char *num(authfx *f, int64_t v)
{
	return arena_printf(f->a, "%lld", (long long)v);
}

static int64_t start(authfx *f, world *w, int64_t role_player)
{
	principal in = fx_as(f, w->instr);
	run r;
	field_errors errs = {0};
	run_start_input si = {.course_id = w->course,
	                      .scenario_id = w->scenario,
	                      .trainee_id = w->trainee,
	                      .role_player_id = role_player,
	                      .role_player_name = role_player ? NULL : "Actor Alex"};
	int rc = run_start(f->d, f->a, &in, &si, &r, &errs);
	if (rc < 0)
		fail_msg("run_start: %d %s %s", rc, errs.len ? errs.items[0].field : "",
		         errs.len ? errs.items[0].message : "");
	return r.id;
}

static int score(authfx *f, int64_t who, int64_t run_id, int intro, int calm, int choices,
                 const char *comment, field_errors *errs)
{
	principal p = fx_as(f, who);
	const char *codes[3];
	int64_t scores[3];
	size_t n = 0;
	if (intro)
		codes[n] = "intro", scores[n++] = intro;
	if (calm)
		codes[n] = "calm", scores[n++] = calm;
	if (choices)
		codes[n] = "choices", scores[n++] = choices;
	feedback_input in = {.codes = codes, .scores = scores, .n = n, .comment = comment};
	run_feedback out;
	field_errors local = {0};
	return feedback_submit(f->d, f->a, &p, run_id, &in, &out, errs ? errs : &local);
}

static void start_checks_and_writes_nothing_on_refusal(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal in = fx_as(f, w.instr), mate = fx_as(f, w.mate);
	run r;
	field_errors errs = {0};
	/* A scenario without a rubric: 422 on scenario_id. */
	assert_int_equal(run_start_kv(f->d, f->a, &in, w.course,
	                              fx_kv(f, "scenario_id", num(f, w.bare_scenario), "trainee_id",
	                                    num(f, w.trainee), NULL),
	                              &r, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "scenario_id");
	/* A trainee not enrolled in the course: 422. */
	errs = (field_errors){0};
	assert_int_equal(run_start_kv(f->d, f->a, &in, w.course,
	                              fx_kv(f, "scenario_id", num(f, w.scenario), "trainee_id",
	                                    num(f, w.outsider), NULL),
	                              &r, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "trainee_id");
	/* An enrollment of another course: 422 on enrollment_id. */
	errs = (field_errors){0};
	int64_t other_enr = fx_count(f, "SELECT MAX(id) FROM enrollments");
	assert_int_equal(run_start_kv(f->d, f->a, &in, w.course,
	                              fx_kv(f, "scenario_id", num(f, w.scenario), "enrollment_id",
	                                    num(f, other_enr), NULL),
	                              &r, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "enrollment_id");
	/* An instructor who does not teach this course: 403, and no matrix. */
	principal elsewhere = fx_as(f, w.elsewhere);
	errs = (field_errors){0};
	assert_int_equal(run_start_kv(f->d, f->a, &elsewhere, w.course,
	                              fx_kv(f, "scenario_id", num(f, w.scenario), "trainee_id",
	                                    num(f, w.trainee), NULL),
	                              &r, &errs),
	                 CK_E_FORBIDDEN);
	run_matrix m;
	assert_int_equal(run_matrix_for_course(f->d, f->a, &elsewhere, w.course, &m),
	                 CK_E_FORBIDDEN);
	assert_int_equal(run_matrix_for_course(f->d, f->a, &in, w.course, &m), 0);
	/* The role player reads the brief: not the trainee, not an officer
	 * (a classmate could be the next trainee), not someone unknown. */
	const struct {
		int64_t who;
		const char *message;
	} players[] = {{w.trainee, "cannot be the trainee"},
	               {w.mate, "may read role-player briefs"},
	               {9999, "is not an active user"}};
	for (size_t i = 0; i < sizeof players / sizeof players[0]; i++) {
		errs = (field_errors){0};
		assert_int_equal(run_start_kv(f->d, f->a, &in, w.course,
		                              fx_kv(f, "scenario_id", num(f, w.scenario),
		                                    "trainee_id", num(f, w.trainee),
		                                    "role_player_id", num(f, players[i].who), NULL),
		                              &r, &errs),
		                 CK_E_INVALID);
		assert_int_equal(errs.len, 1);
		assert_string_equal(errs.items[0].field, "role_player_id");
		assert_non_null(strstr(errs.items[0].message, players[i].message));
	}
	/* Unknown course: 404; an officer may not start runs: 403. */
	errs = (field_errors){0};
	assert_int_equal(run_start_kv(f->d, f->a, &in, 9999,
	                              fx_kv(f, "scenario_id", num(f, w.scenario), "trainee_id",
	                                    num(f, w.trainee), NULL),
	                              &r, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(run_start_kv(f->d, f->a, &mate, w.course,
	                              fx_kv(f, "scenario_id", num(f, w.scenario), "trainee_id",
	                                    num(f, w.trainee), NULL),
	                              &r, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM scenario_runs"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'run.start'"),
	                 0);
	/* A good one: live, a valid unique code, anonymous by default, audited. */
	errs = (field_errors){0};
	assert_int_equal(
	    run_start_kv(f->d, f->a, &in, w.course,
	                 fx_kv(f, "scenario_id", num(f, w.scenario), "enrollment_id",
	                       num(f, w.enrollment), "role_player_id", num(f, w.actor), NULL),
	                 &r, &errs),
	    0);
	assert_string_equal(r.status, "live");
	assert_true(run_join_code_valid(r.join_code));
	assert_true(r.is_anonymous);
	assert_int_equal(r.trainee_id, w.trainee);
	assert_string_equal(r.role_player_name, "Pat Presenter");
	assert_int_equal(r.mean_x100, -1);
	assert_null(r.result);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'run.start'"),
	                 1);
	/* The program setting turns anonymity off for later runs. */
	assert_int_equal(run_settings_save(f->d, f->a, &in, false), CK_E_FORBIDDEN);
	assert_int_equal(run_settings_save(f->d, f->a, &f->sys, false), 0);
	bool anon = true;
	assert_int_equal(run_settings_anonymous(f->d, f->a, &anon), 0);
	assert_false(anon);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'runs.settings'"), 1);
	run r2;
	int64_t id2 = start(f, &w, 0);
	assert_int_equal(run_get(f->d, f->a, &in, id2, &r2), 0);
	assert_false(r2.is_anonymous);
	assert_string_equal(r2.role_player_name, "Actor Alex");
	assert_string_not_equal(r2.join_code, r.join_code);
}

static void scope_of_a_run(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id = start(f, &w, w.actor);
	run r;
	struct {
		int64_t uid;
		int rc;
		run_viewer viewer;
		bool sees_code;
	} cases[] = {
	    {w.coord, 0, RUN_VIEWER_MANAGER, true},
	    {w.instr2, 0, RUN_VIEWER_INSTRUCTOR, true},
	    {w.trainee, 0, RUN_VIEWER_TRAINEE, false},
	    {w.actor, 0, RUN_VIEWER_ROLE_PLAYER, false},
	    {w.mate, 0, RUN_VIEWER_CLASSMATE, false},
	    {w.outsider, CK_E_NOT_FOUND, 0, false},
	    {w.sup, CK_E_NOT_FOUND, 0, false},
	    {w.analyst, CK_E_NOT_FOUND, 0, false},
	    /* The instructor role alone is not the course: one who teaches
	     * elsewhere does not see the run; one seated in the course is a
	     * classmate there, with no join code and no names. */
	    {w.elsewhere, CK_E_NOT_FOUND, 0, false},
	    {w.officer_instr, 0, RUN_VIEWER_CLASSMATE, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		principal p = fx_as(f, cases[i].uid);
		assert_int_equal(run_get(f->d, f->a, &p, id, &r), cases[i].rc);
		if (cases[i].rc)
			continue;
		assert_int_equal(r.viewer, cases[i].viewer);
		assert_int_equal(r.join_code != NULL, cases[i].sees_code);
	}
	/* Lists follow the same scope. */
	run *items;
	size_t n;
	int64_t next;
	principal out = fx_as(f, w.outsider), mate = fx_as(f, w.mate), in = fx_as(f, w.instr);
	assert_int_equal(run_list(f->d, f->a, &out, &(run_filter){0}, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(run_list(f->d, f->a, &mate, &(run_filter){0}, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	principal elsewhere = fx_as(f, w.elsewhere);
	assert_int_equal(run_list(f->d, f->a, &elsewhere, &(run_filter){0}, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	/* Paging: three runs, two a page, newest first. */
	start(f, &w, 0);
	start(f, &w, 0);
	assert_int_equal(run_list(f->d, f->a, &in, &(run_filter){.limit = 2}, &items, &n, &next),
	                 0);
	assert_int_equal(n, 2);
	assert_true(items[0].id > items[1].id);
	assert_int_equal(next, items[1].id);
	assert_int_equal(
	    run_list(f->d, f->a, &in, &(run_filter){.limit = 2, .cursor = next}, &items, &n, &next),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, id);
	assert_int_equal(next, 0);
	assert_int_equal(run_list(f->d, f->a, &in, &(run_filter){.course_id = w.other_course},
	                          &items, &n, &next),
	                 0);
	assert_int_equal(n, 0);
}

static void feedback_revises_never_duplicates(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id = start(f, &w, w.actor);
	assert_int_equal(score(f, w.mate, id, 3, 4, 0, "Good tone", NULL), 0);
	assert_int_equal(score(f, w.mate, id, 4, 4, 5, "Better on second look", NULL), 0);
	assert_int_equal(score(f, w.mate, id, 4, 5, 5, "", NULL), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback"), 1);
	assert_int_equal(fx_count(f, "SELECT revision FROM run_feedback"), 3);
	assert_int_equal(fx_count(f, "SELECT author_role = 'classmate' FROM run_feedback"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_scores"), 3);
	principal mate = fx_as(f, w.mate);
	run_feedback own;
	bool found;
	assert_int_equal(feedback_get_own(f->d, f->a, &mate, id, &own, &found), 0);
	assert_true(found);
	assert_int_equal(own.revision, 3);
	assert_int_equal(own.scores[1], 5);
	/* A revision that leaves a skill out clears its score. */
	assert_int_equal(score(f, w.mate, id, 4, 0, 0, NULL, NULL), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_scores"), 1);
	/* An instructor scores as an instructor. */
	assert_int_equal(score(f, w.instr, id, 5, 5, 5, "Strong", NULL), 0);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM run_feedback WHERE author_role = 'instructor'"), 1);
	/* Each submission stored one event, numbered 1, 2, … */
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_events"), 5);
	assert_int_equal(fx_count(f, "SELECT MAX(seq) FROM run_events"), 5);
	assert_int_equal(fx_count(f, "SELECT event_seq FROM scenario_runs"), 5);
	/* Someone else's feedback list: instructors only. */
	run_feedback *items;
	size_t n;
	principal in = fx_as(f, w.instr2);
	assert_int_equal(feedback_list(f->d, f->a, &in, id, &items, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(feedback_list(f->d, f->a, &mate, id, &items, &n), CK_E_FORBIDDEN);
	/* A comment alone is feedback too. */
	assert_int_equal(score(f, w.mate2, id, 0, 0, 0, "Kept his distance well.", NULL), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback"), 3);
}

static void bad_feedback_writes_nothing(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id = start(f, &w, w.actor);
	field_errors errs = {0};
	/* Outside the scale (both ends), an unknown skill: 422 naming each. */
	assert_int_equal(score(f, w.mate, id, 6, 0, 0, NULL, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "scores.intro");
	errs = (field_errors){0};
	assert_int_equal(score(f, w.mate, id, 0, -1, 0, NULL, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "scores.calm");
	principal mate = fx_as(f, w.mate);
	const char *codes[] = {"intro", "juggling"};
	int64_t scores[] = {3, 4};
	feedback_input in = {.codes = codes, .scores = scores, .n = 2};
	errs = (field_errors){0};
	assert_int_equal(feedback_submit(f->d, f->a, &mate, id, &in, NULL, &errs), CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "scores.juggling");
	/* Nothing scored and no comment (or only spaces) says nothing: 422. */
	const char *silences[] = {NULL, "", "  \n\t "};
	for (size_t i = 0; i < sizeof silences / sizeof silences[0]; i++) {
		feedback_input empty = {.n = 0, .comment = silences[i]};
		errs = (field_errors){0};
		assert_int_equal(feedback_submit(f->d, f->a, &mate, id, &empty, NULL, &errs),
		                 CK_E_INVALID);
		assert_int_equal(errs.len, 1);
		assert_string_equal(errs.items[0].field, "scores");
	}
	/* The trainee and the role player cannot score. */
	assert_int_equal(score(f, w.trainee, id, 3, 3, 3, NULL, NULL), CK_E_FORBIDDEN);
	assert_int_equal(score(f, w.actor, id, 3, 3, 3, NULL, NULL), CK_E_FORBIDDEN);
	/* An officer of another course: 404, or 403 with the run's code. */
	assert_int_equal(score(f, w.outsider, id, 3, 3, 3, NULL, NULL), CK_E_NOT_FOUND);
	principal in_p = fx_as(f, w.instr), out = fx_as(f, w.outsider);
	run r;
	assert_int_equal(run_get(f->d, f->a, &in_p, id, &r), 0);
	feedback_input with_code = {
	    .codes = codes, .scores = scores, .n = 1, .join_code = r.join_code};
	assert_int_equal(feedback_submit(f->d, f->a, &out, id, &with_code, NULL, &errs),
	                 CK_E_FORBIDDEN);
	with_code.join_code = "ACDEFG";
	assert_int_equal(feedback_submit(f->d, f->a, &out, id, &with_code, NULL, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_events"), 0);
	assert_int_equal(fx_count(f, "SELECT event_seq FROM scenario_runs"), 0);
	/* A closed run: 409, nothing written. */
	assert_int_equal(score(f, w.instr, id, 4, 4, 4, NULL, NULL), 0);
	errs = (field_errors){0};
	assert_int_equal(run_close(f->d, f->a, &in_p, id, &r, &errs), 0);
	int64_t events = fx_count(f, "SELECT COUNT(*) FROM run_events");
	assert_int_equal(score(f, w.mate, id, 3, 3, 3, NULL, NULL), CK_E_CONFLICT);
	assert_int_equal(score(f, w.instr, id, 1, 1, 1, NULL, NULL), CK_E_CONFLICT);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback"), 1);
	assert_int_equal(fx_count(f, "SELECT MIN(score) FROM run_scores"), 4);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_events"), events);
}

static void end_and_close_by_the_rule(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal in = fx_as(f, w.instr), mate = fx_as(f, w.mate);
	int64_t id = start(f, &w, 0);
	run r;
	field_errors errs = {0};
	/* Only classmates scored: the critical skill has no instructor score. */
	assert_int_equal(score(f, w.mate, id, 5, 5, 5, "Great", NULL), 0);
	assert_int_equal(run_close(f->d, f->a, &in, id, &r, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "scores");
	/* An instructor who skipped the critical skill: still refused. */
	assert_int_equal(score(f, w.instr, id, 4, 0, 4, NULL, NULL), 0);
	errs = (field_errors){0};
	assert_int_equal(run_close(f->d, f->a, &in, id, &r, &errs), CK_E_INVALID);
	assert_non_null(strstr(errs.items[0].message, "calm"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM scenario_runs WHERE status = 'closed'"),
	                 0);
	/* End: live → ended, once; officers may not. */
	assert_int_equal(run_end(f->d, f->a, &mate, id, &r), CK_E_FORBIDDEN);
	assert_int_equal(run_end(f->d, f->a, &in, id, &r), 0);
	assert_string_equal(r.status, "ended");
	assert_true(r.ended_at > 0);
	assert_int_equal(run_end(f->d, f->a, &in, id, &r), CK_E_CONFLICT);
	/* Scoring goes on after the end. Instructors: intro 4,4 calm 2,3
	 * (mean 2.5, critical below 3) choices 4,5: fails despite the mean. */
	assert_int_equal(score(f, w.instr, id, 4, 2, 4, NULL, NULL), 0);
	assert_int_equal(score(f, w.instr2, id, 4, 3, 5, NULL, NULL), 0);
	errs = (field_errors){0};
	assert_int_equal(run_close(f->d, f->a, &in, id, &r, &errs), 0);
	assert_string_equal(r.status, "closed");
	assert_string_equal(r.result, "fail");
	/* (400*1 + 250*2 + 450*1) / 4 = 337.5 → 338 */
	assert_int_equal(r.mean_x100, 338);
	assert_int_equal(r.closed_by, w.instr);
	errs = (field_errors){0};
	assert_int_equal(run_close(f->d, f->a, &in, id, &r, &errs), CK_E_CONFLICT);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'run.close'"),
	                 1);
	/* The events: feedback ×4, ended, closed, in order. */
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_events WHERE kind = 'feedback'"), 4);
	assert_int_equal(fx_count(f, "SELECT seq FROM run_events WHERE kind = 'ended'"), 3);
	assert_int_equal(fx_count(f, "SELECT seq FROM run_events WHERE kind = 'closed'"), 6);
	/* A passing run: calm 3 and 4. */
	int64_t id2 = start(f, &w, 0);
	assert_int_equal(score(f, w.instr, id2, 3, 3, 3, NULL, NULL), 0);
	assert_int_equal(score(f, w.instr2, id2, 3, 4, 3, NULL, NULL), 0);
	assert_int_equal(run_close(f->d, f->a, &in, id2, &r, &errs), 0);
	assert_string_equal(r.result, "pass");
	assert_int_equal(r.mean_x100, 325); /* (300 + 350*2 + 300) / 4 */
	int64_t passed;
	assert_int_equal(run_count_passed(f->d, w.enrollment, &passed), 0);
	assert_int_equal(passed, 1);
}

static void summary_hides_classmates_from_the_trainee(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id = start(f, &w, 0);
	assert_int_equal(score(f, w.mate, id, 2, 3, 0, "Stand further back", NULL), 0);
	assert_int_equal(score(f, w.mate2, id, 4, 0, 0, "", NULL), 0);
	assert_int_equal(score(f, w.instr, id, 5, 4, 0, "Good pacing", NULL), 0);
	principal tr = fx_as(f, w.trainee), in = fx_as(f, w.instr);
	run_summary s;
	assert_int_equal(run_summary_get(f->d, f->a, &in, id, false, &s), 0);
	assert_int_equal(s.n_skills, 3);
	assert_int_equal(s.skills[0].instructor_mean_x100, 500);
	assert_int_equal(s.skills[0].classmate_mean_x100, 300);
	assert_int_equal(s.skills[0].spread, 3);
	assert_int_equal(s.skills[0].n_classmates, 2);
	assert_int_equal(s.n_comments, 2); /* the empty one is not a comment */
	assert_string_equal(s.comments[0].author, "Bo Classmate");
	assert_string_equal(s.comments[1].author, "Ivy Instructor");
	assert_int_equal(run_summary_get(f->d, f->a, &tr, id, false, &s), 0);
	assert_null(s.comments[0].author);
	assert_string_equal(s.comments[0].text, "Stand further back");
	assert_string_equal(s.comments[1].author, "Ivy Instructor");
	/* The projector's anonymous view for an instructor. */
	assert_int_equal(run_summary_get(f->d, f->a, &in, id, true, &s), 0);
	assert_null(s.comments[0].author);
	/* The stored event holds the named view and the summary so far. */
	db_stmt *st;
	assert_int_equal(db_prepare(f->d, "SELECT data FROM run_events WHERE seq = 1", &st), 0);
	assert_int_equal(db_step(st), DB_ROW);
	json_t *j = json_loads(db_col_text(st, 0), 0, NULL);
	db_finish(st);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "run_id")), id);
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "author")), "Bo Classmate");
	assert_string_equal(json_string_value(json_object_get(j, "role")), "classmate");
	json_t *sum = json_object_get(j, "summary");
	assert_int_equal(json_array_size(sum), 3);
	assert_true(json_real_value(json_object_get(json_array_get(sum, 0), "classmate_mean")) ==
	            2.0);
	json_decref(j);
}

static void join_by_code_and_limit(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	run_join_limiter_reset();
	int64_t id = start(f, &w, 0);
	principal in = fx_as(f, w.instr), mate = fx_as(f, w.mate), out = fx_as(f, w.outsider);
	run r;
	assert_int_equal(run_get(f->d, f->a, &in, id, &r), 0);
	int64_t got, wait;
	char lower[16];
	snprintf(lower, sizeof lower, "%.3s-%s", r.join_code, r.join_code + 3);
	for (char *p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	assert_int_equal(run_join(f->d, f->a, &mate, "192.0.2.9", lower, &got, &wait), 0);
	assert_int_equal(got, id);
	/* The right code out of scope: 403, and not a miss. */
	assert_int_equal(run_join(f->d, f->a, &out, "192.0.2.9", r.join_code, &got, &wait),
	                 CK_E_FORBIDDEN);
	/* Ten wrong codes, then even the right one waits. */
	for (int i = 0; i < RUN_JOIN_MAX_MISSES; i++)
		assert_int_equal(run_join(f->d, f->a, &out, "198.51.100.1", "ZZZZZZ", &got, &wait),
		                 CK_E_NOT_FOUND);
	assert_int_equal(run_join(f->d, f->a, &out, "198.51.100.2", r.join_code, &got, &wait),
	                 CK_E_RATE);
	assert_true(wait > 0 && wait <= RUN_JOIN_WINDOW);
	/* One person's typos do not lock out the room behind the same
	 * address… */
	assert_int_equal(run_join(f->d, f->a, &mate, "198.51.100.1", r.join_code, &got, &wait), 0);
	/* …but the address has a limit of its own: people with nine misses
	 * each, until the address has its fill; then another user from it
	 * waits, while from elsewhere they do not. */
	int misses = RUN_JOIN_MAX_MISSES;
	for (int64_t k = 0; misses < RUN_JOIN_MAX_MISSES_PER_ADDRESS; k++) {
		principal guesser = mate;
		guesser.user_id = 900000 + k;
		for (int i = 0;
		     i < RUN_JOIN_MAX_MISSES - 1 && misses < RUN_JOIN_MAX_MISSES_PER_ADDRESS;
		     i++, misses++)
			assert_int_equal(
			    run_join(f->d, f->a, &guesser, "198.51.100.1", "ZZZZZZ", &got, &wait),
			    CK_E_NOT_FOUND);
	}
	assert_int_equal(run_join(f->d, f->a, &mate, "198.51.100.1", r.join_code, &got, &wait),
	                 CK_E_RATE);
	assert_int_equal(run_join(f->d, f->a, &mate, "192.0.2.9", r.join_code, &got, &wait), 0);
	fx_advance(RUN_JOIN_WINDOW);
	assert_int_equal(run_join(f->d, f->a, &out, "198.51.100.2", "ZZZZZZ", &got, &wait),
	                 CK_E_NOT_FOUND);
	run_join_limiter_reset();
}

static void history_and_matrix(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal in = fx_as(f, w.instr), tr = fx_as(f, w.trainee), mate = fx_as(f, w.mate),
	          sup = fx_as(f, w.sup);
	run r;
	field_errors errs = {0};
	int64_t a = start(f, &w, 0);
	assert_int_equal(score(f, w.instr, a, 2, 3, 0, NULL, NULL), 0);
	assert_int_equal(run_close(f->d, f->a, &in, a, &r, &errs), 0);
	fx_advance(60);
	int64_t b = start(f, &w, 0);
	assert_int_equal(score(f, w.instr, b, 4, 5, 4, NULL, NULL), 0);
	assert_int_equal(run_close(f->d, f->a, &in, b, &r, &errs), 0);
	start(f, &w, 0); /* live: in the history, not on the trend */
	run_history h;
	assert_int_equal(run_history_for_user(f->d, f->a, &tr, w.trainee, &h), 0);
	assert_int_equal(h.n_runs, 3);
	assert_string_equal(h.runs[0].status, "live");
	assert_int_equal(h.n_trends, 3);
	assert_string_equal(h.trends[0].skill_code, "intro");
	assert_int_equal(h.trends[0].n_points, 2);
	assert_int_equal(h.trends[0].points[0].run_id, a);
	assert_int_equal(h.trends[0].points[0].instructor_mean_x100, 200);
	assert_int_equal(h.trends[0].points[1].instructor_mean_x100, 400);
	assert_int_equal(h.trends[2].points[0].instructor_mean_x100, -1);
	/* Officers: their own only; the supervisor of the agency, instructors. */
	assert_int_equal(run_history_for_user(f->d, f->a, &mate, w.trainee, &h), CK_E_NOT_FOUND);
	assert_int_equal(run_history_for_user(f->d, f->a, &sup, w.trainee, &h), 0);
	assert_int_equal(run_history_for_user(f->d, f->a, &in, w.trainee, &h), 0);
	run_matrix m;
	assert_int_equal(run_matrix_for_course(f->d, f->a, &mate, w.course, &m), CK_E_FORBIDDEN);
	assert_int_equal(run_matrix_for_course(f->d, f->a, &in, 9999, &m), CK_E_NOT_FOUND);
	assert_int_equal(run_matrix_for_course(f->d, f->a, &in, w.course, &m), 0);
	assert_int_equal(m.runs_required, 2);
	assert_int_equal(m.n_rows, 4);
	assert_int_equal(m.n_columns, 3);
	const run_matrix_row *ada = NULL;
	for (size_t i = 0; i < m.n_rows; i++)
		if (m.rows[i].user_id == w.trainee)
			ada = &m.rows[i];
	assert_non_null(ada);
	assert_int_equal(ada->latest_run_id, b);
	assert_string_equal(ada->latest_result, "pass");
	assert_int_equal(ada->runs_passed, 1); /* a failed: calm 3 but mean 2.67 */
	assert_int_equal(ada->runs_total, 2);
	assert_int_equal(ada->means_x100[1], 500);
}

/* Concurrent scorers, each on its own connection as in the server: every
 * submission gets its own event number, none lost, none twice, and each
 * person keeps one feedback. */
enum { CONC_SCORERS = 10, CONC_REVISIONS = 3 };

typedef struct conc_arg {
	authfx *f;
	int64_t run_id, user_id;
	int failures;
} conc_arg;

static void *conc_scorer(void *p)
{
	conc_arg *c = p;
	db *d = NULL;
	char err[256];
	if (db_open(c->f->url, NULL, &d, err, sizeof err) < 0) {
		c->failures = CONC_REVISIONS;
		return NULL;
	}
	arena *a = arena_new();
	user u;
	if (user_get(d, a, &c->f->sys, c->user_id, &u) < 0) {
		c->failures = CONC_REVISIONS;
	} else {
		principal who = {.user_id = u.id,
		                 .org_id = u.org_id,
		                 .roles = u.roles,
		                 .name = u.name,
		                 .email = u.email};
		for (int k = 0; k < CONC_REVISIONS; k++) {
			const char *codes[] = {"intro", "calm"};
			int64_t scores[] = {1 + (c->user_id + k) % 5, 1 + k};
			feedback_input in = {
			    .codes = codes, .scores = scores, .n = 2, .comment = "x"};
			field_errors errs = {0};
			if (feedback_submit(d, a, &who, c->run_id, &in, NULL, &errs) != 0)
				c->failures++;
		}
	}
	arena_free(a);
	db_close(d);
	return NULL;
}

static void concurrent_scorers_number_events_without_gaps(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id = start(f, &w, 0);
	int64_t pd = fx_count(f, "SELECT org_id FROM users WHERE email = 'bo@pd.test'");
	conc_arg args[CONC_SCORERS];
	pthread_t th[CONC_SCORERS];
	for (int i = 0; i < CONC_SCORERS; i++) {
		char email[64];
		snprintf(email, sizeof email, "scorer%d@pd.test", i);
		int64_t uid = fx_user(f, pd, email, "Scorer", "officer", NULL);
		tf_enrollment(f, w.course, uid);
		args[i] = (conc_arg){f, id, uid, 0};
	}
	for (int i = 0; i < CONC_SCORERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, conc_scorer, &args[i]), 0);
	for (int i = 0; i < CONC_SCORERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	const int64_t total = CONC_SCORERS * CONC_REVISIONS;
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_events"), total);
	assert_int_equal(fx_count(f, "SELECT COUNT(DISTINCT seq) FROM run_events"), total);
	assert_int_equal(fx_count(f, "SELECT MIN(seq) FROM run_events"), 1);
	assert_int_equal(fx_count(f, "SELECT MAX(seq) FROM run_events"), total);
	assert_int_equal(fx_count(f, "SELECT event_seq FROM scenario_runs"), total);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback"), CONC_SCORERS);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM run_feedback WHERE revision = 3"),
	                 CONC_SCORERS);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(aggregate_means_spread_counts),
	    cmocka_unit_test(aggregate_rounds_half_up_and_ignores_out_of_scale),
	    cmocka_unit_test(pass_rule),
	    cmocka_unit_test(join_code_alphabet),
	    cmocka_unit_test(limiter_blocks_after_ten_misses),
	    cmocka_unit_test(limiter_gives_an_address_more_room),
	    cmocka_unit_test(limiter_is_thread_safe),
	};
	const struct CMUnitTest cases[] = {
	    CASE(start_checks_and_writes_nothing_on_refusal),
	    CASE(scope_of_a_run),
	    CASE(feedback_revises_never_duplicates),
	    CASE(bad_feedback_writes_nothing),
	    CASE(end_and_close_by_the_rule),
	    CASE(summary_hides_classmates_from_the_trainee),
	    CASE(join_by_code_and_limit),
	    CASE(history_and_matrix),
	    CASE(concurrent_scorers_number_events_without_gaps),
	};
	int failed = cmocka_run_group_tests_name("runs, pure", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("runs on sqlite", cases, fx_sqlite_group_setup,
	                                      fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("runs on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
