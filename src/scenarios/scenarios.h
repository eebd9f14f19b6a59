/* scenarios.h: the scenario library: role-played crisis scenarios that
 * trainees practise in a course. A scenario has what the trainee is told
 * (the dispatch brief), what the role player is told (the role-player
 * brief: character, history, triggers, what calms, what escalates, when
 * to cooperate, safety limits), learning objectives, debrief questions,
 * a length in minutes and the rubric its runs are scored on.
 *
 * Who sees what (src/auth/roles.c): PERM_SCENARIOS_READ reads the library
 * without the role-player brief; only PERM_SCENARIOS_BRIEF gets the brief
 * (officers, who are the trainees, never do: the service leaves it out,
 * so no page or API can show it by mistake); PERM_SCENARIOS_WRITE adds,
 * changes and archives. An archived scenario is out of the library: those
 * who may not write answer CK_E_NOT_FOUND for it.
 *
 * Input fields (forms, and JSON through scenario_json.h): code (optional
 * on create: made from the title), title, crisis_type, setting,
 * difficulty, dispatch_brief, rp_character, rp_history, rp_triggers,
 * rp_calms, rp_escalates, rp_cooperation, rp_safety, objectives and
 * debrief_questions (one a line), minutes, rubric_id or rubric_code,
 * archived. */
#ifndef CITKIT_SCENARIOS_H
#define CITKIT_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

enum {
	SCENARIO_MINUTES_MIN = 1,
	SCENARIO_MINUTES_MAX = 60,
	SCENARIO_LINES_MAX = 12,     /* objectives, debrief questions */
	SCENARIO_LINE_CHARS = 300,   /* each of them */
	SCENARIO_BRIEF_CHARS = 2000, /* the dispatch brief and each role-player field */
};

/* The role player's brief. */
typedef struct scenario_brief {
	const char *character, *history, *triggers, *calms, *escalates, *cooperation, *safety;
} scenario_brief;

typedef struct scenario {
	int64_t id;
	const char *code, *title;
	const char *crisis_type; /* one of scenario_crisis_types() */
	const char *setting;
	const char *difficulty; /* one of scenario_difficulties() */
	const char *dispatch_brief;
	bool has_brief;         /* brief filled: the actor holds PERM_SCENARIOS_BRIEF */
	scenario_brief brief;   /* all NULL unless has_brief */
	const char *objectives; /* one a line */
	const char *debrief_questions;
	int64_t minutes;
	int64_t rubric_id;                      /* 0: none (no run can start) */
	const char *rubric_code, *rubric_title; /* NULL without a rubric */
	bool is_archived;
	int64_t created_at, updated_at;
} scenario;

/* "suicidal", "psychosis", … NULL-terminated, and their labels ("Suicidal crisis"). */
const char *const *scenario_crisis_types(void);
const char *scenario_crisis_label(const char *type);
/* "introductory", "intermediate", "advanced", NULL. */
const char *const *scenario_difficulties(void);
const char *scenario_difficulty_label(const char *difficulty);

/* The non-blank lines of text (objectives, questions), trimmed, from a. */
const char **scenario_lines(arena *a, const char *text, size_t *n);

/* Filters for scenario_list: NULL/empty = any; archived only for writers. */
typedef struct scenario_filter {
	const char *crisis_type, *difficulty;
	bool include_archived;
} scenario_filter;

/* By title, then id; keyset-paged (limit 0 = default, cursor from the
 * page before). Needs PERM_SCENARIOS_READ. A crisis type or difficulty
 * that is not one of the lists: CK_E_INVALID. */
int scenario_list(db *d, arena *a, const principal *actor, const scenario_filter *f, int limit,
                  const char *cursor, scenario **items, size_t *n, const char **next_cursor);
/* One scenario; the brief only for PERM_SCENARIOS_BRIEF. */
int scenario_get(db *d, arena *a, const principal *actor, int64_t id, scenario *out);
int scenario_get_by_code(db *d, arena *a, const principal *actor, const char *code, scenario *out);
/* The role-player brief alone: CK_E_FORBIDDEN without PERM_SCENARIOS_BRIEF. */
int scenario_brief_get(db *d, arena *a, const principal *actor, int64_t id, scenario *out);

/* Needs PERM_SCENARIOS_WRITE. CK_E_INVALID with a field error for each
 * problem (nothing written); CK_E_CONFLICT (field code) when the code is
 * taken. Audited scenario.create / scenario.update. */
int scenario_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                    field_errors *errs);
/* The fields present replace the stored ones (a required one may not be
 * sent blank; an optional one sent blank is cleared). */
int scenario_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                    field_errors *errs);
/* Takes a scenario out of the library (archived true) or back. Audited
 * scenario.archive / scenario.restore. */
int scenario_archive(db *d, arena *a, const principal *actor, int64_t id, bool archived);

#endif
