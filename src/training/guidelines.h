/* guidelines.h: citkit's guideline rules for a local curriculum (see
 * DOMAIN.md): a course totals at least 40 hours (the same total is what a
 * trainee must attend to complete, progress.h), each component has its
 * minimum, and the modules the model requires are present and re-timed
 * within ±25% of the model's minutes. The thresholds are the program's to
 * change: they live in the settings table, with these defaults, and an
 * administrator edits them (guideline_limits_save).
 *
 * guidelines_check is a pure function over a module list: the one place
 * the rules are decided. A version may be saved while it breaks a rule;
 * it may only be approved when every rule passes. */
#ifndef CITKIT_GUIDELINES_H
#define CITKIT_GUIDELINES_H

#include <stdbool.h>
#include <stddef.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "curricula.h"

/* Minutes, except retime_percent. */
typedef struct guideline_limits {
	int total;            /* 2400: forty hours */
	int scenarios;        /* 480 */
	int deescalation;     /* 240 */
	int lived_experience; /* 120 */
	int clinical;         /* 720 */
	int resources;        /* 120: community resources and site visits */
	int legal;            /* 60 */
	int retime_percent;   /* 25: a required module within ±25% of the model */
} guideline_limits;

/* One rule's verdict. rule is stable ("total", "component.scenarios", …,
 * "required.present", "required.timing"); message says why, in words. */
typedef struct guideline_result {
	const char *rule;
	const char *label; /* "Total at least 40 h" */
	bool is_passed;
	const char *message;
} guideline_result;

enum { GUIDELINE_RULES = 9 };

void guideline_limits_defaults(guideline_limits *l);

/* Checks modules[0..n) against l. model[0..model_n) is the national
 * model's module list (its required modules must be present, by code);
 * each present required module is timed against its own model_minutes.
 * out gets GUIDELINE_RULES results, every rule, in a fixed order; returns
 * true when all pass. Messages come from a. */
bool guidelines_check(arena *a, const guideline_limits *l, const curriculum_module *modules,
                      size_t n, const curriculum_module *model, size_t model_n,
                      guideline_result out[GUIDELINE_RULES]);

/* "40 h", "39 h 59 min", "45 min". */
const char *guideline_hours(arena *a, int minutes);

/* The limits from the settings table, defaults where unset. */
int guideline_limits_load(db *d, arena *a, guideline_limits *out);
/* Only the total (minutes), as guideline_limits_load would give it: also
 * the hours the completion rule asks of a trainee (progress.h). */
int guideline_total_load(db *d, arena *a, int *minutes);

/* Fields (minutes, whole numbers): total, scenarios, deescalation,
 * lived_experience, clinical, resources, legal (0–6000) and
 * retime_percent (0–100); every field required. Needs
 * PERM_SETTINGS_WRITE (administrators). CK_E_INVALID with errs; audited
 * as guidelines.update with before and after. */
int guideline_limits_save(db *d, arena *a, const principal *actor, const kv *in,
                          field_errors *errs);

/* The field names of the form, in order, with their labels; NULL-ended. */
const char *const *guideline_limit_fields(void);
const char *guideline_limit_label(const char *field);
/* The value of one named field of l (-1 for an unknown name). */
int guideline_limit_value(const guideline_limits *l, const char *field);

#endif
