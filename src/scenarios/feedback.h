/* feedback.h: the scores and comments of a run, their aggregation and the
 * pass rule.
 *
 * Each person has at most one feedback a run (UNIQUE(run_id, author_id)):
 * submitting again revises it (revision + 1), never a second row. The
 * author's role is decided by their relation to the run: holders of the
 * instructor role and managers score as "instructor"; officers enrolled
 * or completed in the course as "classmate". The trainee and the role
 * player cannot score.
 *
 * The pass rule (feedback_verdict, the only place that decides): per
 * skill the instructors' mean; the run passes when no critical skill's
 * instructor mean is below 3 and the weighted mean of the instructors'
 * skill means (over skills with an instructor score) is at least the
 * rubric's pass_mean_x100 / 100. A critical skill no instructor scored
 * means the run cannot be closed yet. */
#ifndef CITKIT_FEEDBACK_H
#define CITKIT_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "runs.h"

enum {
	FEEDBACK_SCORE_MIN = 1,
	FEEDBACK_SCORE_MAX = 5,
	FEEDBACK_CRITICAL_MIN = 3,
	FEEDBACK_COMMENT_MAX = 4000, /* bytes */
};

/* A skill of the run's rubric, in rubric order. */
typedef struct run_skill {
	int64_t id;
	const char *code, *title;
	const char *anchor_1, *anchor_3, *anchor_5;
	int64_t weight; /* 1..10 */
	bool is_critical;
} run_skill;

/* The rubric of a run (the actor must be in the run's scope). */
int run_rubric(db *d, arena *a, const principal *actor, int64_t run_id, run_skill **skills,
               size_t *n, int64_t *pass_mean_x100);

typedef struct run_feedback {
	int64_t id, run_id, author_id;
	const char *author_name;
	const char *role; /* "instructor", "classmate" */
	const char *comment;
	int64_t revision;
	int64_t created_at, updated_at;
	int64_t *scores; /* one a rubric skill, rubric order; 0 = not scored */
	size_t n_scores;
} run_feedback;

/* The actor's own feedback on the run; *found false (and out zeroed, with
 * n_scores skills of zeros) when they have not given any. */
int feedback_get_own(db *d, arena *a, const principal *actor, int64_t run_id, run_feedback *out,
                     bool *found);
/* Every feedback of the run, oldest first; managers and instructors only
 * (else CK_E_FORBIDDEN; out of scope CK_E_NOT_FOUND). */
int feedback_list(db *d, arena *a, const principal *actor, int64_t run_id, run_feedback **items,
                  size_t *n);

/* What a person submits: scores by skill code (a skill left out is not
 * scored) and a comment. */
typedef struct feedback_input {
	const char **codes;
	int64_t *scores;
	size_t n;
	const char *comment;   /* NULL = "" */
	const char *join_code; /* optional: proves the caller was given the code */
} feedback_input;

/* Creates or revises the actor's feedback. Errors, none writing anything:
 * CK_E_NOT_FOUND outside the run's scope, unless in->join_code is the
 * run's code: then CK_E_FORBIDDEN (a signed-in person not enrolled in the
 * course who was given the code); CK_E_FORBIDDEN for the trainee and the
 * role player;
 * CK_E_CONFLICT when the run is closed; CK_E_INVALID (errs, field
 * "scores.<code>") for a score outside 1..5 or a skill not in the rubric.
 * Writes a "feedback" event in the same transaction. Call
 * run_events_changed(run_id) after. */
int feedback_submit(db *d, arena *a, const principal *actor, int64_t run_id,
                    const feedback_input *in, run_feedback *out, field_errors *errs);
/* From form fields: "score.<code>" = 1..5 (empty = not scored), "comment".
 * A non-integer score is CK_E_INVALID on its field. */
int feedback_input_from_kv(arena *a, const kv *in, feedback_input *out, field_errors *errs);

/* Aggregates. Means are ×100 and rounded half up; -1 when nobody of
 * that kind scored the skill. */
typedef struct run_skill_summary {
	int64_t skill_id;
	const char *code, *title;
	bool is_critical;
	int64_t weight;
	int64_t instructor_mean_x100, classmate_mean_x100;
	int64_t spread; /* max - min over every scorer; 0 when fewer than two */
	int64_t n_instructors, n_classmates;
} run_skill_summary;

typedef struct run_comment {
	int64_t feedback_id;
	const char *role;   /* "instructor", "classmate" */
	const char *author; /* NULL when hidden from this viewer */
	const char *text;
	int64_t revision, updated_at;
} run_comment;

typedef struct run_summary {
	int64_t run_id;
	run_skill_summary *skills; /* rubric order */
	size_t n_skills;
	run_comment *comments; /* non-empty comments, oldest first */
	size_t n_comments;
	const char *result; /* NULL until closed */
	int64_t mean_x100;  /* -1 until closed */
	int64_t event_seq;  /* as of this read */
} run_summary;

/* The summary as the actor may see it. anonymous forces the anonymous
 * view (projector); otherwise classmates' names are hidden when the run
 * is anonymous and the viewer is not a manager or instructor. */
int run_summary_get(db *d, arena *a, const principal *actor, int64_t run_id, bool anonymous,
                    run_summary *out);

/* Pure aggregation: one entry a feedback, scores in skill order (0 = not
 * scored). out must hold n_skills entries. */
typedef struct feedback_scores {
	bool is_instructor;
	const int64_t *scores;
} feedback_scores;

void feedback_aggregate(const run_skill *skills, size_t n_skills, const feedback_scores *fb,
                        size_t n_fb, run_skill_summary *out);

typedef struct run_verdict {
	bool is_pass;
	int64_t mean_x100;            /* the weighted mean of instructor means ×100 */
	const char *missing_critical; /* code of a critical skill no instructor scored */
} run_verdict;

/* The pass rule over aggregated skills. CK_E_INVALID (out->missing_critical
 * set, or NULL when no instructor scored anything) when the run cannot be
 * decided; else 0. */
int feedback_verdict(const run_skill_summary *skills, size_t n, int64_t pass_mean_x100,
                     run_verdict *out);

/* "3.50" style text of a ×100 value, "–" for -1, in a. */
const char *feedback_mean_text(arena *a, int64_t x100);

#endif
