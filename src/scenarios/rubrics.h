/* rubrics.h: the rubrics scenario runs are scored on: ordered skills,
 * each scored 1–5 with anchor text saying what a 1, a 3 and a 5 look
 * like, a weight (1–10) and a "critical" flag. A run passes when no
 * critical skill's instructor average is below 3 and the weighted mean is
 * at least the rubric's pass mean (feedback.h applies the rule).
 *
 * A rubric a run has used keeps its skills (the run's scores point at
 * them): changing it is CK_E_CONFLICT; make a new rubric instead.
 *
 * Input: a rubric_in holds the rubric's fields (code, optional on create:
 * made from the title; title; description; pass_mean "1.00"–"5.00",
 * default 3) and, when has_skills, the whole list of skills in order,
 * each with code, title, anchor_1, anchor_3, anchor_5, weight (default
 * 1) and critical (boolean). Errors name skill fields
 * "skills[I].code" (I from 0). Reads need PERM_SCENARIOS_READ, writes
 * PERM_SCENARIOS_WRITE. */
#ifndef CITKIT_RUBRICS_H
#define CITKIT_RUBRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

enum {
	RUBRIC_SKILLS_MIN = 1,
	RUBRIC_SKILLS_MAX = 30,
	RUBRIC_WEIGHT_MAX = 10,
	RUBRIC_PASS_DEFAULT = 300, /* pass mean ×100 */
};

typedef struct rubric_skill {
	int64_t id, position;
	const char *code, *title;
	const char *anchor_1, *anchor_3, *anchor_5;
	int64_t weight;
	bool is_critical;
} rubric_skill;

typedef struct rubric {
	int64_t id;
	const char *code, *title, *description;
	int64_t pass_mean_x100;
	rubric_skill *skills; /* in order; rubric_list leaves them out */
	size_t n_skills;
	int64_t skill_count;
	int64_t scenario_count; /* scenarios that use it */
	int64_t run_count;      /* runs scored on it: > 0 means it cannot change */
	int64_t created_at, updated_at;
} rubric;

typedef struct rubric_in {
	const kv *fields;
	bool has_skills;
	const kv *const *skills;
	size_t n_skills;
} rubric_in;

/* Every rubric by title (without skills). */
int rubric_list(db *d, arena *a, const principal *actor, rubric **items, size_t *n);
/* One rubric with its skills. */
int rubric_get(db *d, arena *a, const principal *actor, int64_t id, rubric *out);
int rubric_get_by_code(db *d, arena *a, const principal *actor, const char *code, rubric *out);

/* CK_E_INVALID with field errors (nothing written); CK_E_CONFLICT (field
 * code) when the code is taken. Audited rubric.create. */
int rubric_create(db *d, arena *a, const principal *actor, const rubric_in *in, int64_t *id,
                  field_errors *errs);
/* Fields present replace the stored ones; with has_skills the skill list
 * is replaced (skills keep their ids by code). CK_E_CONFLICT when a run
 * used the rubric. Audited rubric.update. */
int rubric_update(db *d, arena *a, const principal *actor, int64_t id, const rubric_in *in,
                  field_errors *errs);

/* "3.00" for 300. */
const char *rubric_pass_text(arena *a, int64_t pass_mean_x100);
/* Reads "3", "3.5", "3.25" into ×100; false when not a number 1–5 with at
 * most two decimals. */
bool rubric_pass_parse(const char *s, int64_t *x100);

#endif
