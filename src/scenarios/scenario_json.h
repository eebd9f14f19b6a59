/* scenario_json.h: scenarios and rubrics as JSON: the objects the API
 * sends and takes, and the library's import / export file
 *
 *     {"format": "citkit-scenarios", "version": 1,
 *      "rubrics": [{code, title, description, pass_mean,
 *                   skills: [{code, title, anchors: {"1", "3", "5"},
 *                             weight, critical}]}],
 *      "scenarios": [{code, title, crisis_type, setting, difficulty,
 *                     dispatch_brief, role_player_brief: {character,
 *                     history, triggers, calms, escalates, cooperation,
 *                     safety}, objectives: [..], debrief_questions: [..],
 *                     minutes, rubric_code, archived}]}
 *
 * keyed by code. An import is all or nothing: every item is checked
 * (the same checks as the forms) and any problem writes nothing, with a
 * report naming each bad item ("scenarios[3]") and field. A code already
 * in the library is updated (upsert), except a rubric that runs were
 * scored on, which must stay as it is. The starter library
 * (data/scenarios/, embedded) is loaded the same way by `citkit init`,
 * adding only what is missing. */
#ifndef CITKIT_SCENARIO_JSON_H
#define CITKIT_SCENARIO_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rubrics.h"
#include "scenarios.h"

enum {
	SCENARIO_IMPORT_MAX_RUBRICS = 100,
	SCENARIO_IMPORT_MAX_SCENARIOS = 1000,
	SCENARIO_IMPORT_MAX_PROBLEMS = 200, /* the report stops listing after this many */
};

/* The API's objects. with_ids: id, rubric_id, counts and times (the
 * API); without: the export's portable form. The scenario's
 * role_player_brief is there only when s->has_brief. */
json_t *scenario_to_json(const scenario *s, bool with_ids);
json_t *rubric_to_json(const rubric *r, bool with_ids);

/* A scenario object (the API's body or an import item) as the flat
 * fields scenarios.h takes: role_player_brief.X → rp_X, line lists
 * joined, null → "" (cleared). Read-only members (id, rubric_title,
 * created_at, updated_at) are ignored; anything else unknown, or of the
 * wrong type, is a field error. */
int scenario_json_fields(arena *a, const json_t *obj, kv *out, field_errors *errs);
/* A rubric object as rubrics.h's input (skills replaced only when the
 * object has "skills"). */
int rubric_json_fields(arena *a, const json_t *obj, rubric_in *out, field_errors *errs);
/* Field names as the JSON spells them: rp_calms → role_player_brief.calms,
 * skills[2].anchor_1 → skills[2].anchors.1. */
void scenario_json_rename_errors(arena *a, field_errors *errs);

typedef struct scenario_import_problem {
	const char *item;  /* "rubrics[0]", "scenarios[3]", or "file" */
	const char *code;  /* the item's code when it has one, else NULL */
	const char *field; /* "title", "skills[2].weight", … or NULL */
	const char *message;
} scenario_import_problem;

typedef struct scenario_import_item {
	const char *kind; /* "rubric", "scenario" */
	const char *code, *title;
	const char *action; /* "created", "updated", "unchanged" */
} scenario_import_item;

typedef struct scenario_import_report {
	size_t rubrics, scenarios;          /* items in the file */
	size_t created, updated, unchanged; /* 0 unless it was all imported */
	scenario_import_item *items;        /* what happened to each */
	size_t n_items;
	scenario_import_problem *problems;
	size_t n_problems, more_problems;
} scenario_import_report;

/* The file read and every item checked, no database (the fuzz target's
 * entry point). 0, or CK_E_INVALID with the problems in rep. */
typedef struct scenario_doc scenario_doc;
int scenario_json_parse(arena *a, const char *data, size_t len, scenario_doc **doc,
                        scenario_import_report *rep);

typedef enum scenario_import_mode {
	SCENARIO_IMPORT_UPSERT,       /* a code already there is updated */
	SCENARIO_IMPORT_MISSING_ONLY, /* a code already there is left alone */
} scenario_import_mode;

/* Parses, checks against the library and writes every item in one
 * transaction. Needs PERM_SCENARIOS_WRITE. CK_E_INVALID with the report
 * (nothing written). Audited scenario.import with the counts. */
int scenario_import(db *d, arena *a, const principal *actor, const char *data, size_t len,
                    scenario_import_mode mode, scenario_import_report *rep);

/* The whole library (archived scenarios and role-player briefs
 * included), by code. Needs PERM_SCENARIOS_WRITE; audited
 * scenario.export. The caller owns *out. */
int scenario_export(db *d, arena *a, const principal *actor, json_t **out);

/* The embedded starter library (data/scenarios/starter-library.json). */
int scenario_library_embedded(const char **data, size_t *len);
/* Adds what is missing of the starter library (`citkit init`, `citkit
 * migrate`, `citkit demo`); *created counts the rubrics and scenarios
 * added (0: all there). */
int scenario_library_ensure(db *d, int *created);

#endif
