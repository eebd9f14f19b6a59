/* progress.h: hour roll-ups and the completion rule, in one place.
 *
 * A trainee's minutes per module come from roll call (attendance: no row
 * means present for a session that is over) and make-up credit (a module
 * attended in a session of another course, matched by module code). Only
 * sessions that have started count, whatever rows they have: a session
 * still to come gives nothing, nor does make-up credit from one. They
 * roll up per module, per component and in total, to the minute.
 *
 * A session that was over before the person got a seat (enrollments.
 * seated_at: enrolled at once, or promoted from the waitlist later) gives
 * no credit and counts as no absence: its modules need make-up, and a
 * required module short because of it says so in progress.missing.
 *
 * The completion rule (training_progress_rule in progress.c, the only
 * place that decides):
 *   - every required module attended for at least 90% of its minutes,
 *   - total at least the guideline total (guidelines.h, an admin
 *     setting: 40 hours, 2,400 minutes, unless changed), read once per
 *     computation into progress.required_minutes,
 *   - the scenario assessment passed: at least the course's
 *     scenario_runs_required scenario runs of this enrollment closed with
 *     result "pass" (src/scenarios/runs.h; the source is one function,
 *     progress_assessment). enrollments.assessment_passed_at, the
 *     instructor's sign-off that stood in before scenario runs existed,
 *     is no longer read or written; the column stays for old databases.
 * progress.missing lists exactly what is still short, one line each. */
#ifndef CITKIT_PROGRESS_H
#define CITKIT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../db/db.h"

enum {
	PROGRESS_REQUIRED_PERCENT = 90,   /* of each required module's minutes */
	PROGRESS_COMPONENTS = 7,
};

typedef struct progress_module {
	int64_t module_id;
	const char *code, *title, *component;
	int64_t minutes;    /* the curriculum's time for the module */
	int64_t attended;   /* credited, make-up included, at most minutes */
	int64_t makeup;     /* of attended, from make-up credit */
	int64_t before_seat; /* minutes of it held in sessions over before the person's seat */
	bool is_required;
	bool is_met;        /* attended >= 90% of minutes (any module) */
} progress_module;

typedef struct progress_component {
	const char *component; /* "clinical", "lived_experience", … */
	int64_t minutes;       /* the curriculum's */
	int64_t attended;
} progress_component;

typedef enum progress_gap_kind {
	PROGRESS_GAP_MODULE,     /* a required module short of 90% */
	PROGRESS_GAP_TOTAL,      /* fewer than the guideline total (40 hours by default) */
	PROGRESS_GAP_ASSESSMENT, /* fewer passed scenario runs than the course asks */
} progress_gap_kind;

typedef struct progress_gap {
	progress_gap_kind kind;
	const char *code;     /* module code (MODULE), else NULL */
	int64_t have, need;   /* minutes (MODULE: need = 90% rounded up, TOTAL: the
	                       * guideline total);
	                       * ASSESSMENT: passed runs and runs required */
	const char *text;     /* "Verbal de-escalation: 45 of 60 min (54 needed)",
	                       * "Scenario assessment: 1 of 2 runs passed" */
	bool is_makeup_needed; /* MODULE: held (in part) before the person's seat */
} progress_gap;

typedef struct progress {
	int64_t enrollment_id, course_id, user_id;
	const char *status;   /* the enrollment's */
	int64_t seated_at;    /* when the person got a seat; 0 when unknown (no limit) */
	progress_module *modules; /* in curriculum order */
	size_t n_modules;
	progress_component components[PROGRESS_COMPONENTS]; /* in component order */
	size_t n_components;
	int64_t total_minutes;    /* attended, all modules */
	int64_t planned_minutes;  /* the curriculum's total */
	int64_t required_minutes; /* the total the rule asks: the guideline total */
	bool assessment_passed;       /* runs_passed >= runs_required */
	int64_t runs_passed, runs_required; /* scenario runs closed with "pass"; the course's need */
	int64_t assessment_passed_at; /* when the required-th run passed; 0 when not */
	progress_gap *missing;    /* what stops completion, in order: modules, total, assessment */
	size_t n_missing;
	bool is_complete;         /* n_missing == 0 */
} progress;

/* The components in their order; NULL-terminated. */
const char *const *progress_components(void);
/* "Clinical", "Lived experience", …; the name itself when unknown. */
const char *progress_component_label(const char *component);

/* Roll-up and rule for one enrollment as of now. CK_E_NOT_FOUND when the
 * enrollment does not exist. No permission check: callers (enrollment
 * and certificate services) check the actor first. */
int training_progress(db *d, arena *a, int64_t enrollment_id, progress *out);

/* The assessment source for the rule: enrollment_id's scenario runs
 * closed with result "pass", the course's scenario_runs_required, and
 * when the required-th one passed (0 if not yet, or none required). */
int progress_assessment(db *d, int64_t enrollment_id, int64_t *passed, int64_t *required,
                        int64_t *at);

/* "38 h 20 min", "45 min", "40 h" from minutes, in a. */
const char *progress_hours_text(arena *a, int64_t minutes);

#endif
