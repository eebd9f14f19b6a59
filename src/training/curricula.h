/* curricula.h: the 40-hour course's curriculum. A curriculum is a line of
 * versions; the national model (kind "model", loaded from
 * data/curricula/) is one, each local adaptation another. A version is a
 * draft until approved; approved versions never change (a change makes a
 * new version) and courses keep the version they were built on.
 *
 * The service never sees HTTP. Reads of versions and lists check
 * PERM_CURRICULA_READ, writes PERM_CURRICULA_WRITE; every write is one
 * transaction with its audit row, and a refused write writes nothing. */
#ifndef CITKIT_CURRICULA_H
#define CITKIT_CURRICULA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

#define CURRICULUM_MODEL_NAME "National CIT curriculum model"

typedef struct curriculum {
	int64_t id;
	const char *name;
	const char *kind; /* "model" or "local" */
	int64_t created_at;
	/* The newest version: id, number and status ("draft", "approved"). */
	int64_t latest_version_id;
	int latest_version;
	const char *latest_status;
	int64_t approved_version_id; /* the newest approved version, 0 if none */
} curriculum;

typedef struct curriculum_version {
	int64_t id;
	int64_t curriculum_id;
	const char *curriculum_name;
	const char *kind; /* the curriculum's: "model" or "local" */
	int version;      /* 1, 2, … within the curriculum */
	const char *title;
	const char *status;  /* "draft" or "approved" */
	int64_t based_on_id; /* the version it was derived from, 0 for none */
	int64_t approved_at; /* 0 while a draft */
	int64_t approved_by; /* user id, 0 while a draft or approved by the system */
	int64_t created_at, updated_at;
	int total_minutes; /* sum of its modules' minutes */
	int module_count;
} curriculum_version;

typedef struct curriculum_module {
	int64_t id;
	int64_t version_id;
	const char *code; /* stable across versions: "verbal-deescalation" */
	int position;     /* order within the version, 1, 2, … */
	int day;          /* suggested day, 1–5 */
	const char *title;
	const char *component;        /* one of curriculum_components() */
	int minutes;                  /* > 0 */
	const char *objectives;       /* one learning objective a line */
	const char *instructor_kinds; /* comma list of curriculum_instructor_kinds() */
	bool is_required;             /* the model requires it: re-time ±25%, never drop */
	int model_minutes;            /* the model's time; 0 for a local module */
} curriculum_module;

/* "clinical", "lived_experience", "deescalation", "scenarios", "legal",
 * "resources", "program", NULL. */
const char *const *curriculum_components(void);
/* "Clinical topics", "Lived experience", …; the name itself when unknown. */
const char *curriculum_component_label(const char *component);
/* "clinician", "officer", "presenter", "role_player", NULL. */
const char *const *curriculum_instructor_kinds(void);
/* "Clinician", "Experienced officer", …; the name itself when unknown. */
const char *curriculum_instructor_kind_label(const char *kind);
/* True when kind is in the module's comma list of instructor kinds. */
bool curriculum_module_taught_by(const curriculum_module *m, const char *kind);

/* One version with its totals. CK_E_NOT_FOUND when there is none. Needs
 * PERM_CURRICULA_READ or PERM_COURSES_READ (a course page names its
 * version). */
int curriculum_version_get(db *d, arena *a, const principal *actor, int64_t id,
                           curriculum_version *out);

/* The modules of a version in position order. No permission check: the
 * caller has already read the version (or a course built on it). */
int curriculum_modules_list(db *d, arena *a, int64_t version_id, curriculum_module **modules,
                            size_t *n);

/* Every approved version, local curricula first (by name, newest version
 * first), then the model: the choices of the course form. Needs
 * PERM_CURRICULA_READ or PERM_COURSES_WRITE. */
int curriculum_versions_approved(db *d, arena *a, const principal *actor,
                                 curriculum_version **items, size_t *n);

/* Every curriculum by kind (model first) and name, with its newest and
 * newest approved version. Needs PERM_CURRICULA_READ. */
int curriculum_list(db *d, arena *a, const principal *actor, curriculum **items, size_t *n);
/* The same a page at a time (keyset, the order above): limit 0 is the
 * default, past AUTH_LIST_MAX clamped; cursor NULL or the page before's
 * next_cursor (CK_E_MALFORMED when not a positive id); *next_cursor NULL
 * on the last page. */
int curriculum_page(db *d, arena *a, const principal *actor, int limit, const char *cursor,
                    curriculum **items, size_t *n, const char **next_cursor);

/* The versions of one curriculum, newest first. Needs PERM_CURRICULA_READ. */
int curriculum_versions_of(db *d, arena *a, const principal *actor, int64_t curriculum_id,
                           curriculum_version **items, size_t *n);

/* Writes. Each needs PERM_CURRICULA_WRITE, runs in one transaction with
 * its audit row ("curriculum.…"), and writes nothing when it fails:
 * CK_E_INVALID with errs for bad fields, CK_E_NOT_FOUND, and
 * CK_E_CONFLICT with errs when the version is approved ("approved
 * versions cannot change; make a new version") or a rule forbids it. */
#define CURRICULUM_IMMUTABLE_MESSAGE "approved versions cannot change; make a new version"

/* A new draft copied from the version from_version_id (the model or any
 * earlier version; its modules are copied with their model_minutes).
 * Fields: from_version_id (required); name (1–200 characters): a new
 * local curriculum of that name, version 1 (required when deriving from
 * the model); without a name, the next version of the same local
 * curriculum; title (1–200, defaults to the name or the source's title). */
int curriculum_derive(db *d, arena *a, const principal *actor, const kv *in, int64_t *version_id,
                      field_errors *errs);

/* A draft's title. Fields: title. */
int curriculum_version_update(db *d, arena *a, const principal *actor, int64_t version_id,
                              const kv *in, field_errors *errs);

/* A local module appended to a draft. Fields: title (required), component
 * (required), minutes (required, 1–1440), day (1–5, default 1), code
 * (a-z, 0-9, -; default derived from the title; unique in the version),
 * objectives (multi-line), instructor_kinds (list). */
int curriculum_module_add(db *d, arena *a, const principal *actor, int64_t version_id,
                          const kv *in, int64_t *module_id, field_errors *errs);

/* Changes the fields present: title, minutes (re-time), day, position
 * (reorder: 1 … number of modules, the others shift), objectives,
 * instructor_kinds, and component (local modules only: a model module
 * keeps the component its time counts for). */
int curriculum_module_update(db *d, arena *a, const principal *actor, int64_t module_id,
                             const kv *in, field_errors *errs);

/* Removes a module that the model does not require (a required one is
 * CK_E_CONFLICT: it can only be re-timed). */
int curriculum_module_remove(db *d, arena *a, const principal *actor, int64_t module_id,
                             field_errors *errs);

/* The version a module belongs to (for pages after a module write), no
 * permission check. */
int curriculum_module_version(db *d, int64_t module_id, int64_t *version_id);

/* Approves a draft when every guideline rule passes (sets approved_at and
 * approved_by); otherwise CK_E_CONFLICT with one error a failing rule
 * (field = the rule). */
int curriculum_approve(db *d, arena *a, const principal *actor, int64_t version_id,
                       field_errors *errs);

struct guideline_result;
/* The guideline rules for modules[0..n) under the program's limits and
 * the national model's required modules: out gets GUIDELINE_RULES
 * results; *all_passed whether every rule passed. */
int curriculum_check(db *d, arena *a, const curriculum_module *modules, size_t n,
                     struct guideline_result *out, bool *all_passed);

#endif
