/* demo_runs.c: the demo's scenario runs. In the course that finished,
 * every trainee passed the two runs the completion rule asks for (the
 * demo officer failed one first, on a critical skill); in the course in
 * progress one run is live, with feedback coming in. Everything goes
 * through the run and feedback services as the instructors and the
 * classmates themselves, with the clock set back to the scenario day.
 * A course that has runs already is left alone. */
#include <stdio.h>
#include <string.h>

#include "../auth/auth.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../scenarios/feedback.h"
#include "../scenarios/runs.h"
#include "../scenarios/scenarios.h"
#include "../training/courses_internal.h"
#include "demo_internal.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* clang-format off */
/* Scenarios the demo plays, by code, in order; any scenario with a rubric
 * stands in for a missing one. */
static const char *const demo_scenarios[] = {
	"bridge-railing", "laundromat-voices", "closing-time", "mother-and-son",
	"welfare-check-quiet", "looking-for-mother",
};
static const char *const instructors[] = {
	"instructor@pinebeltcit.example", "a.tran@pinebeltcit.example",
};
static const char *const instructor_comments[] = {
	"Good introduction and a steady pace; you gave him time to answer.",
	"You reflected her words back well. Step back a little more before you offer choices.",
	"Strong on resources at the end. Watch the hands on the belt: it reads as a threat.",
	"Calm throughout. The pause after he shouted was exactly right.",
};
static const char *const classmate_comments[] = {
	"Your voice stayed low the whole time, it helped.",
	"I liked that you asked her name first.",
	"Maybe too close at the start?",
	"You never argued with what he was hearing. Nice.",
	"",
};
/* clang-format on */

/* The demo's clock on the scenario day: it moves on as runs are played. */
static int64_t runs_now_cs;

static int64_t runs_clock(void)
{
	return runs_now_cs;
}

static void runs_advance(int64_t minutes)
{
	runs_now_cs += minutes * 60 * 100;
}

static int scenario_for(demo_run *r, size_t i, int64_t *id)
{
	scenario sc;
	int rc = scenario_get_by_code(r->d, r->a, r->actor,
	                              demo_scenarios[i % COUNT(demo_scenarios)], &sc);
	if (rc == 0 && sc.rubric_id && !sc.is_archived) {
		*id = sc.id;
		return 0;
	}
	if (rc && rc != CK_E_NOT_FOUND)
		return rc;
	/* Any scenario with a rubric stands in. */
	scenario *items;
	size_t n;
	const char *next = NULL;
	rc = scenario_list(r->d, r->a, r->actor, &(scenario_filter){0}, 100, NULL, &items, &n,
	                   &next);
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (items[k].rubric_id) {
			*id = items[k].id;
			return 0;
		}
	if (rc == 0) {
		snprintf(r->err, r->errlen, "no scenario with a rubric: load the scenario library");
		rc = CK_E_NOT_FOUND;
	}
	return rc;
}

/* One person's scores: around base (1–5), critical skills at crit when
 * crit > 0, varied by seed so the spread shows. */
static int give_feedback(demo_run *r, const principal *who, int64_t run_id, int base, int crit,
                         int seed, const char *comment)
{
	run_skill *skills;
	size_t n;
	int rc = run_rubric(r->d, r->a, who, run_id, &skills, &n, NULL);
	if (rc)
		return rc;
	feedback_input in = {.codes = arena_array(r->a, n ? n : 1, sizeof(char *)),
	                     .scores = arena_array(r->a, n ? n : 1, sizeof(int64_t)),
	                     .comment = comment};
	for (size_t k = 0; k < n; k++) {
		int v = base + (int)((k + (size_t)seed) % 3) - 1;
		if (skills[k].is_critical && crit)
			v = crit;
		in.codes[in.n] = skills[k].code;
		in.scores[in.n++] = v < 1 ? 1 : v > 5 ? 5 : v;
	}
	field_errors errs = {0};
	rc = feedback_submit(r->d, r->a, who, run_id, &in, NULL, &errs);
	if (rc)
		demo_explain(r, "feedback", rc, &errs);
	return rc;
}

/* One run of trainee: started by the lead instructor, scored by both
 * instructors (base, crit) and the classmates, closed when close. */
static int play(demo_run *r, int64_t course_id, int64_t scenario_id, int64_t trainee,
                const principal *inst, size_t n_inst, const principal *mates, size_t n_mates,
                int base, int crit, bool close, int seed)
{
	run_start_input si = {.course_id = course_id, .scenario_id = scenario_id,
	                      .trainee_id = trainee, .role_player_name = "Jordan Ellis"};
	run run_row;
	field_errors errs = {0};
	int rc = run_start(r->d, r->a, &inst[0], &si, &run_row, &errs);
	if (rc) {
		demo_explain(r, "scenario run", rc, &errs);
		return rc;
	}
	r->result->created++;
	runs_advance(15); /* the scenario plays */
	for (size_t m = 0; m < n_mates; m++) {
		if (mates[m].user_id == trainee)
			continue;
		rc = give_feedback(
		    r, &mates[m], run_row.id, base, 0, seed + (int)m + 1,
		    classmate_comments[((size_t)seed + m) % COUNT(classmate_comments)]);
		if (rc)
			return rc;
	}
	const char *said = instructor_comments[(size_t)seed % COUNT(instructor_comments)];
	for (size_t i = 0; i < n_inst; i++)
		if ((rc = give_feedback(r, &inst[i], run_row.id, base, crit, seed + (int)i,
		                        i ? "" : said)))
			return rc;
	if (!close)
		return 0;
	if ((rc = run_end(r->d, r->a, &inst[0], run_row.id, NULL)))
		return rc;
	runs_advance(10); /* the debrief */
	errs = (field_errors){0};
	rc = run_close(r->d, r->a, &inst[0], run_row.id, NULL, &errs);
	if (rc)
		demo_explain(r, "closing a run", rc, &errs);
	return rc;
}

static int load_runs(demo_run *r, int64_t course_id, const char *const *trainees,
                     size_t n_trainees, bool is_complete)
{
	principal inst[COUNT(instructors)];
	principal *mates = arena_array(r->a, n_trainees ? n_trainees : 1, sizeof *mates);
	int rc;
	for (size_t i = 0; i < COUNT(instructors); i++)
		if ((rc = demo_as_user(r, instructors[i], &inst[i])))
			return rc;
	size_t n_mates = 0;
	for (size_t i = 0; i < n_trainees && trainees[i]; i++)
		if ((rc = demo_as_user(r, trainees[i], &mates[n_mates++])))
			return rc;
	run *have;
	size_t n_have;
	int64_t next;
	rc = run_list(r->d, r->a, &inst[0], &(run_filter){.course_id = course_id, .limit = 1}, &have,
	              &n_have, &next);
	if (rc)
		return rc;
	if (n_have) {
		r->result->existing++;
		return 0;
	}
	if (!is_complete) {
		/* One run playing now: two classmates and the lead have scored. */
		int64_t scenario_id;
		if ((rc = scenario_for(r, 0, &scenario_id)))
			return rc;
		return play(r, course_id, scenario_id, mates[0].user_id, inst, 1, &mates[1],
		            n_mates > 2 ? 2 : n_mates - 1, 4, 0, false, 0);
	}
	size_t next_scenario = 0;
	for (size_t t = 0; t < n_mates; t++) {
		/* The first trainee failed a run first: a critical skill at 2. */
		int runs = t == 0 ? 3 : 2;
		for (int k = 0; k < runs; k++) {
			bool fails = t == 0 && k == 0;
			int64_t scenario_id;
			if ((rc = scenario_for(r, next_scenario++, &scenario_id)))
				return rc;
			rc = play(r, course_id, scenario_id, mates[t].user_id, inst, COUNT(instructors),
			          mates, n_mates, fails ? 3 : 4, fails ? 2 : 0, true, (int)(t * 3) + k);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int demo_load_runs(demo_run *r, const course *c, const char *const *trainees,
                   size_t n_trainees, bool is_complete)
{
	if (!is_complete) /* playing now */
		return load_runs(r, c->id, trainees, n_trainees, false);
	/* The finished course's runs: its fourth day from 13:00, one after
	 * another. The demo runs on one thread, before any server. */
	auth_policy saved = *auth_policy_get(), shifted = saved;
	runs_now_cs = courses_local_instant(c->starts_on + 3 * 86400, 13 * 60) * 100;
	shifted.clock_cs = runs_clock;
	auth_policy_set(&shifted);
	int rc = load_runs(r, c->id, trainees, n_trainees, true);
	auth_policy_set(&saved);
	return rc;
}
