/* scenarios_internal.h: what the library's services (scenarios.c,
 * rubrics.c) and its import (scenario_json.c) share: the input checks,
 * which need no database (so the import parser and its fuzz target run
 * them on their own), and the loads and stores that run inside the
 * caller's transaction without permission checks. */
#ifndef CITKIT_SCENARIOS_INTERNAL_H
#define CITKIT_SCENARIOS_INTERNAL_H

#include "rubrics.h"
#include "scenarios.h"

/* The scenario's input fields, in spec order. */
enum {
	SF_CODE,
	SF_TITLE,
	SF_CRISIS,
	SF_SETTING,
	SF_DIFFICULTY,
	SF_DISPATCH,
	SF_RP_CHARACTER,
	SF_RP_HISTORY,
	SF_RP_TRIGGERS,
	SF_RP_CALMS,
	SF_RP_ESCALATES,
	SF_RP_COOPERATION,
	SF_RP_SAFETY,
	SF_OBJECTIVES,
	SF_DEBRIEF,
	SF_MINUTES,
	SF_RUBRIC_ID,
	SF_RUBRIC_CODE,
	SF_ARCHIVED,
	SF_COUNT
};

/* True for 1–64 of a-z, 0-9 and "-", not starting with "-". */
bool scenarios_code_ok(const char *s);
/* validate_fields over the n fields of spec. is_update: every field
 * optional, but a required one sent blank is "is required". 0 when only
 * field errors (if any) were added to errs, else the error. */
int scenarios_validate(arena *a, const kv *in, const field_spec *spec, size_t n, bool is_update,
                       field_value *v, field_errors *errs);
/* A code made from a title ("Bridge railing, night" → "bridge-railing-night"). */
const char *scenarios_slug(arena *a, const char *title);

/* Checks every field at once (is_update: all optional, a required one
 * not blank). v must hold SF_COUNT entries; line lists come back
 * normalised (trimmed, blank lines dropped, joined by "\n"). */
int scenarios_check(arena *a, const kv *in, bool is_update, field_value *v, field_errors *errs);
/* Puts the checked fields present in v (and optional ones sent blank:
 * cleared) into s, which holds the stored scenario or the defaults. The
 * rubric is not touched: the caller resolves rubric_id / rubric_code. */
void scenarios_merge(const field_value *v, const kv *in, scenario *s);
/* Whether every stored field of a and b is the same. */
bool scenarios_same(const scenario *a, const scenario *b);
/* The whole scenario, brief included, no permission check. */
int scenarios_load(db *d, arena *a, int64_t id, scenario *out);
/* The id of the scenario / rubric with this code, 0 when none. */
int scenarios_find_code(db *d, const char *code, int64_t *id);
int rubrics_find_code(db *d, const char *code, int64_t *id);
/* Settles the code of row own_id (0: a new row) before it is stored.
 * *code NULL (a new row sent none): a free one made from title, the
 * first of slug, slug-2, slug-3 … that find (scenarios_find_code or
 * rubrics_find_code) does not know. Else it must be no other row's: when
 * it is, "code" gets the message taken ("is taken by another rubric")
 * and CK_E_CONFLICT is returned. */
int scenarios_claim_code(db *d, arena *a, int (*find)(db *, const char *, int64_t *),
                         int64_t own_id, const char *title, const char *taken, field_errors *errs,
                         const char **code);
/* INSERT (s->id 0: sets it) or UPDATE of every column. */
int scenarios_store(db *d, scenario *s, int64_t now);

/* The rubric's fields, in spec order. */
enum { RF_CODE, RF_TITLE, RF_DESCRIPTION, RF_PASS, RF_COUNT };

/* Checks the rubric's fields and, with in->has_skills, each skill; the
 * checked skills come back in *skills (positions 1…n). Field errors of a
 * skill are named "skills[I].FIELD". */
int rubrics_check(arena *a, const rubric_in *in, bool is_update, field_value *v,
                  rubric_skill **skills, size_t *n_skills, field_errors *errs);
void rubrics_merge(const field_value *v, const rubric_in *in, rubric_skill *skills, size_t n_skills,
                   rubric *r);
bool rubrics_same(const rubric *a, const rubric *b);
/* The rubric with skills and use counts, no permission check. */
int rubrics_load(db *d, arena *a, int64_t id, rubric *out);
/* INSERT (r->id 0: sets it) or UPDATE, skills replaced (ids kept by code). */
int rubrics_store(db *d, rubric *r, int64_t now);

#endif
