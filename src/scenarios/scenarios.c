/* scenarios.c: the scenario library's service: the crisis types and
 * difficulties, the input checks, reads (the role-player brief only for
 * those who may read it), create, update and archive. Every write is one
 * transaction with its audit row. */
#include "scenarios.h"

#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/buf.h"
#include "../base/errors.h"
#include "scenarios_internal.h"

static const char *const crisis_types[] = {
    "suicidal", "psychosis", "mania",        "depression",      "ptsd",  "autism",
    "dementia", "youth",     "intoxication", "family_conflict", "other", NULL,
};
static const char *const crisis_labels[] = {
    "Suicidal crisis",
    "Psychosis",
    "Mania",
    "Severe depression",
    "Veteran with PTSD",
    "Autism or developmental disability",
    "Dementia",
    "Youth in crisis",
    "Intoxication",
    "Family conflict",
    "Other",
};
static const char *const difficulties[] = {"introductory", "intermediate", "advanced", NULL};
static const char *const difficulty_labels[] = {"Introductory", "Intermediate", "Advanced"};

const char *const *scenario_crisis_types(void)
{
	return crisis_types;
}

static const char *label_of(const char *const *values, const char *const *labels, const char *v)
{
	for (size_t i = 0; v && values[i]; i++)
		if (!strcmp(values[i], v))
			return labels[i];
	return "Unknown";
}

const char *scenario_crisis_label(const char *type)
{
	return label_of(crisis_types, crisis_labels, type);
}

const char *const *scenario_difficulties(void)
{
	return difficulties;
}

const char *scenario_difficulty_label(const char *difficulty)
{
	return label_of(difficulties, difficulty_labels, difficulty);
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

bool scenarios_code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

const char *scenarios_slug(arena *a, const char *title)
{
	char *out = arena_alloc(a, 65);
	size_t n = 0;
	bool dash = false;
	for (const char *p = title ? title : ""; *p && n < 64; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0 && n < 63)
				out[n++] = '-';
			out[n++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
	return n ? out : "scenario";
}

/* Characters, not bytes, of UTF-8 text. */
static size_t chars_of(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

const char **scenario_lines(arena *a, const char *text, size_t *n)
{
	size_t cap = 1;
	for (const char *p = text ? text : ""; *p; p++)
		cap += *p == '\n';
	const char **out = arena_array(a, cap + 1, sizeof *out);
	size_t len = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t line = strcspn(p, "\n");
		const char *s = p, *e = p + line;
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > s)
			out[len++] = arena_strndup(a, s, (size_t)(e - s));
		p += line + (p[line] == '\n');
	}
	*n = len;
	return out;
}

/* A list field: at most SCENARIO_LINES_MAX lines of at most
 * SCENARIO_LINE_CHARS each; normalised in place. */
static void check_lines(arena *a, field_value *v, const char *name, field_errors *errs)
{
	if (!v->present)
		return;
	size_t n;
	const char **lines = scenario_lines(a, v->text, &n);
	if (n > SCENARIO_LINES_MAX) {
		field_errors_add(errs, name,
		                 arena_printf(a, "may have at most %d lines", SCENARIO_LINES_MAX));
		return;
	}
	buf b;
	buf_init(&b, a);
	for (size_t i = 0; i < n; i++) {
		if (chars_of(lines[i], strlen(lines[i])) > SCENARIO_LINE_CHARS) {
			field_errors_add(errs, name,
			                 arena_printf(a, "line %zu is longer than %d characters",
			                              i + 1, SCENARIO_LINE_CHARS));
			return;
		}
		if (i)
			buf_putc(&b, '\n');
		buf_puts(&b, lines[i]);
	}
	v->text = arena_strdup(a, buf_str(&b));
}

#define BRIEF_MAX SCENARIO_BRIEF_CHARS
static const field_spec specs[SF_COUNT] = {
    [SF_CODE] = {"code", FIELD_TEXT, false, 0, 64, NULL, "Code"},
    [SF_TITLE] = {"title", FIELD_TEXT, true, 3, 200, NULL, "Title"},
    [SF_CRISIS] = {"crisis_type", FIELD_ENUM, true, 0, 0, crisis_types, "Crisis type"},
    [SF_SETTING] = {"setting", FIELD_TEXT, false, 0, 200, NULL, "Setting"},
    [SF_DIFFICULTY] = {"difficulty", FIELD_ENUM, true, 0, 0, difficulties, "Difficulty"},
    [SF_DISPATCH] = {"dispatch_brief", FIELD_MULTILINE, true, 10, BRIEF_MAX, NULL,
                     "Dispatch brief"},
    [SF_RP_CHARACTER] = {"rp_character", FIELD_MULTILINE, true, 10, BRIEF_MAX, NULL, "Character"},
    [SF_RP_HISTORY] = {"rp_history", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL, "History"},
    [SF_RP_TRIGGERS] = {"rp_triggers", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL, "Triggers"},
    [SF_RP_CALMS] = {"rp_calms", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL, "What calms"},
    [SF_RP_ESCALATES] = {"rp_escalates", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL,
                         "What escalates"},
    [SF_RP_COOPERATION] = {"rp_cooperation", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL,
                           "When to cooperate"},
    [SF_RP_SAFETY] = {"rp_safety", FIELD_MULTILINE, false, 0, BRIEF_MAX, NULL, "Safety limits"},
    [SF_OBJECTIVES] = {"objectives", FIELD_MULTILINE, false, 0, 4000, NULL, "Objectives"},
    [SF_DEBRIEF] = {"debrief_questions", FIELD_MULTILINE, false, 0, 4000, NULL,
                    "Debrief questions"},
    [SF_MINUTES] = {"minutes", FIELD_INT, true, SCENARIO_MINUTES_MIN, SCENARIO_MINUTES_MAX, NULL,
                    "Minutes"},
    [SF_RUBRIC_ID] = {"rubric_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Rubric"},
    [SF_RUBRIC_CODE] = {"rubric_code", FIELD_TEXT, false, 0, 64, NULL, "Rubric"},
    [SF_ARCHIVED] = {"archived", FIELD_BOOL, false, 0, 0, NULL, "Archived"},
};

int scenarios_validate(arena *a, const kv *in, const field_spec *spec, size_t n, bool is_update,
                       field_value *v, field_errors *errs)
{
	field_spec *s = arena_array(a, n, sizeof *s);
	memcpy(s, spec, n * sizeof *s);
	if (is_update)
		for (size_t i = 0; i < n; i++)
			s[i].required = false;
	int rc = validate_fields(a, in, s, n, v, errs);
	if (rc < 0 && rc != CK_E_INVALID)
		return rc;
	for (size_t i = 0; is_update && i < n; i++) {
		const char *raw = kv_get(in, spec[i].name);
		if (spec[i].required && raw && !v[i].present && raw[strspn(raw, " \t\r\n")] == '\0')
			field_errors_add(errs, spec[i].name, "is required");
	}
	return 0;
}

int scenarios_check(arena *a, const kv *in, bool is_update, field_value *v, field_errors *errs)
{
	size_t before = errs->len;
	int rc = scenarios_validate(a, in, specs, SF_COUNT, is_update, v, errs);
	if (rc < 0)
		return rc;
	if (v[SF_CODE].present && !scenarios_code_ok(v[SF_CODE].text))
		field_errors_add(errs, "code", "must be 1-64 of a-z, 0-9 and -");
	if (v[SF_RUBRIC_CODE].present && !scenarios_code_ok(v[SF_RUBRIC_CODE].text))
		field_errors_add(errs, "rubric_code", "must be 1-64 of a-z, 0-9 and -");
	check_lines(a, &v[SF_OBJECTIVES], "objectives", errs);
	check_lines(a, &v[SF_DEBRIEF], "debrief_questions", errs);
	return errs->len > before ? CK_E_INVALID : 0;
}

void scenarios_merge(const field_value *v, const kv *in, scenario *s)
{
	const char **text[SF_COUNT] = {
	    [SF_CODE] = &s->code,
	    [SF_TITLE] = &s->title,
	    [SF_CRISIS] = &s->crisis_type,
	    [SF_SETTING] = &s->setting,
	    [SF_DIFFICULTY] = &s->difficulty,
	    [SF_DISPATCH] = &s->dispatch_brief,
	    [SF_RP_CHARACTER] = &s->brief.character,
	    [SF_RP_HISTORY] = &s->brief.history,
	    [SF_RP_TRIGGERS] = &s->brief.triggers,
	    [SF_RP_CALMS] = &s->brief.calms,
	    [SF_RP_ESCALATES] = &s->brief.escalates,
	    [SF_RP_COOPERATION] = &s->brief.cooperation,
	    [SF_RP_SAFETY] = &s->brief.safety,
	    [SF_OBJECTIVES] = &s->objectives,
	    [SF_DEBRIEF] = &s->debrief_questions,
	};
	for (size_t i = 0; i < SF_COUNT; i++) {
		if (!text[i])
			continue;
		if (v[i].present)
			*text[i] = v[i].text;
		else if (i != SF_CODE && !specs[i].required && kv_get(in, specs[i].name))
			*text[i] = ""; /* sent blank: cleared */
	}
	if (v[SF_MINUTES].present)
		s->minutes = v[SF_MINUTES].number;
	if (v[SF_ARCHIVED].present)
		s->is_archived = v[SF_ARCHIVED].number != 0;
	s->has_brief = true;
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool scenarios_same(const scenario *a, const scenario *b)
{
	return same_text(a->code, b->code) && same_text(a->title, b->title) &&
	       same_text(a->crisis_type, b->crisis_type) && same_text(a->setting, b->setting) &&
	       same_text(a->difficulty, b->difficulty) &&
	       same_text(a->dispatch_brief, b->dispatch_brief) &&
	       same_text(a->brief.character, b->brief.character) &&
	       same_text(a->brief.history, b->brief.history) &&
	       same_text(a->brief.triggers, b->brief.triggers) &&
	       same_text(a->brief.calms, b->brief.calms) &&
	       same_text(a->brief.escalates, b->brief.escalates) &&
	       same_text(a->brief.cooperation, b->brief.cooperation) &&
	       same_text(a->brief.safety, b->brief.safety) &&
	       same_text(a->objectives, b->objectives) &&
	       same_text(a->debrief_questions, b->debrief_questions) && a->minutes == b->minutes &&
	       a->rubric_id == b->rubric_id && a->is_archived == b->is_archived;
}

#define SCENARIO_COLUMNS                                                                           \
	"s.id, s.code, s.title, s.crisis_type, s.setting, s.difficulty, s.dispatch_brief, "        \
	"s.rp_character, s.rp_history, s.rp_triggers, s.rp_calms, s.rp_escalates, "                \
	"s.rp_cooperation, s.rp_safety, s.objectives, s.debrief_questions, s.minutes, "            \
	"s.rubric_id, r.code, r.title, s.is_archived, s.created_at, s.updated_at "
#define SCENARIO_FROM "FROM scenarios s LEFT JOIN rubrics r ON r.id = s.rubric_id "

static void read_scenario(arena *a, db_stmt *s, bool with_brief, scenario *out)
{
	*out = (scenario){
	    .id = db_col_int(s, 0),
	    .code = db_col_dup(a, s, 1),
	    .title = db_col_dup(a, s, 2),
	    .crisis_type = db_col_dup(a, s, 3),
	    .setting = db_col_dup(a, s, 4),
	    .difficulty = db_col_dup(a, s, 5),
	    .dispatch_brief = db_col_dup(a, s, 6),
	    .objectives = db_col_dup(a, s, 14),
	    .debrief_questions = db_col_dup(a, s, 15),
	    .minutes = db_col_int(s, 16),
	    .rubric_id = db_col_is_null(s, 17) ? 0 : db_col_int(s, 17),
	    .rubric_code = db_col_is_null(s, 18) ? NULL : db_col_dup(a, s, 18),
	    .rubric_title = db_col_is_null(s, 19) ? NULL : db_col_dup(a, s, 19),
	    .is_archived = db_col_int(s, 20) != 0,
	    .created_at = db_col_int(s, 21),
	    .updated_at = db_col_int(s, 22),
	};
	if (with_brief) {
		out->has_brief = true;
		out->brief = (scenario_brief){
		    .character = db_col_dup(a, s, 7),
		    .history = db_col_dup(a, s, 8),
		    .triggers = db_col_dup(a, s, 9),
		    .calms = db_col_dup(a, s, 10),
		    .escalates = db_col_dup(a, s, 11),
		    .cooperation = db_col_dup(a, s, 12),
		    .safety = db_col_dup(a, s, 13),
		};
	}
}

static int load_where(db *d, arena *a, const char *sql, int64_t id, const char *code,
                      bool with_brief, scenario *out)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	if (code)
		db_bind_text(s, 1, code);
	else
		db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_scenario(a, s, with_brief, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int scenarios_load(db *d, arena *a, int64_t id, scenario *out)
{
	return load_where(d, a, "SELECT " SCENARIO_COLUMNS SCENARIO_FROM "WHERE s.id = $1", id,
	                  NULL, true, out);
}

int scenarios_find_code(db *d, const char *code, int64_t *id)
{
	*id = 0;
	int rc = db_query_int(d, id, "SELECT id FROM scenarios WHERE code = $1", "t", code);
	return rc < 0 ? rc : 0;
}

int rubrics_find_code(db *d, const char *code, int64_t *id)
{
	*id = 0;
	int rc = db_query_int(d, id, "SELECT id FROM rubrics WHERE code = $1", "t", code);
	return rc < 0 ? rc : 0;
}

static int free_code(db *d, arena *a, int (*find)(db *, const char *, int64_t *), const char *title,
                     const char **code)
{
	const char *base = scenarios_slug(a, title);
	*code = base;
	for (int i = 2;; i++) {
		int64_t other;
		int rc = find(d, *code, &other);
		if (rc < 0)
			return rc;
		if (!other)
			return 0;
		*code = arena_printf(a, "%.58s-%d", base, i);
	}
}

int scenarios_claim_code(db *d, arena *a, int (*find)(db *, const char *, int64_t *),
                         int64_t own_id, const char *title, const char *taken, field_errors *errs,
                         const char **code)
{
	if (!*code)
		return free_code(d, a, find, title, code);
	int64_t other;
	int rc = find(d, *code, &other);
	if (rc < 0)
		return rc;
	if (other && other != own_id) {
		field_errors_add(errs, "code", taken);
		return CK_E_CONFLICT;
	}
	return 0;
}

/* Those who may not write do not see archived scenarios. */
static int visible(const principal *actor, int rc, const scenario *s)
{
	if (rc == 0 && s->is_archived && !auth_allowed(actor, PERM_SCENARIOS_WRITE))
		return CK_E_NOT_FOUND;
	return rc;
}

int scenario_get(db *d, arena *a, const principal *actor, int64_t id, scenario *out)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	int rc = load_where(d, a, "SELECT " SCENARIO_COLUMNS SCENARIO_FROM "WHERE s.id = $1", id,
	                    NULL, auth_allowed(actor, PERM_SCENARIOS_BRIEF), out);
	return visible(actor, rc, out);
}

int scenario_get_by_code(db *d, arena *a, const principal *actor, const char *code, scenario *out)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	int rc = load_where(d, a, "SELECT " SCENARIO_COLUMNS SCENARIO_FROM "WHERE s.code = $1", 0,
	                    code ? code : "", auth_allowed(actor, PERM_SCENARIOS_BRIEF), out);
	return visible(actor, rc, out);
}

int scenario_brief_get(db *d, arena *a, const principal *actor, int64_t id, scenario *out)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_BRIEF))
		return CK_E_FORBIDDEN;
	return scenario_get(d, a, actor, id, out);
}

int scenario_list(db *d, arena *a, const principal *actor, const scenario_filter *f, int limit,
                  const char *cursor, scenario **items, size_t *n, const char **next_cursor)
{
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_SCENARIOS_READ))
		return CK_E_FORBIDDEN;
	const char *type = f && f->crisis_type && *f->crisis_type ? f->crisis_type : NULL;
	const char *diff = f && f->difficulty && *f->difficulty ? f->difficulty : NULL;
	if ((type && !in_list(crisis_types, type)) || (diff && !in_list(difficulties, diff)))
		return CK_E_INVALID;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	limit = auth_limit(limit);
	bool archived = f && f->include_archived && auth_allowed(actor, PERM_SCENARIOS_WRITE);
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT " SCENARIO_COLUMNS SCENARIO_FROM
	                "WHERE ($2 = 1 OR s.is_archived = 0) "
	                "AND (CAST($3 AS TEXT) IS NULL OR s.crisis_type = $3) "
	                "AND (CAST($4 AS TEXT) IS NULL OR s.difficulty = $4) "
	                "AND (CAST($1 AS BIGINT) = 0 OR (s.title, s.id) > "
	                "(SELECT k.title, k.id FROM scenarios k WHERE k.id = $1)) "
	                "ORDER BY s.title, s.id LIMIT $5",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, after);
	db_bind_int(s, 2, archived ? 1 : 0);
	db_bind_text(s, 3, type);
	db_bind_text(s, 4, diff);
	db_bind_int(s, 5, limit + 1);
	scenario *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		read_scenario(a, s, false, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

int scenarios_store(db *d, scenario *s, int64_t now)
{
	db_stmt *st;
	int rc;
	if (s->id == 0)
		rc = db_prepare(
		    d,
		    "INSERT INTO scenarios (code, title, crisis_type, setting, difficulty, "
		    "dispatch_brief, rp_character, rp_history, rp_triggers, rp_calms, "
		    "rp_escalates, rp_cooperation, rp_safety, objectives, "
		    "debrief_questions, minutes, rubric_id, is_archived, created_at, "
		    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
		    "$12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id",
		    &st);
	else
		rc = db_prepare(
		    d,
		    "UPDATE scenarios SET code = $1, title = $2, crisis_type = $3, "
		    "setting = $4, difficulty = $5, dispatch_brief = $6, "
		    "rp_character = $7, rp_history = $8, rp_triggers = $9, rp_calms = $10, "
		    "rp_escalates = $11, rp_cooperation = $12, rp_safety = $13, "
		    "objectives = $14, debrief_questions = $15, minutes = $16, "
		    "rubric_id = $17, is_archived = $18, updated_at = $19 WHERE id = $20",
		    &st);
	if (rc < 0)
		return rc;
	const char *texts[] = {
	    s->code,           s->title,          s->crisis_type,       s->setting,
	    s->difficulty,     s->dispatch_brief, s->brief.character,   s->brief.history,
	    s->brief.triggers, s->brief.calms,    s->brief.escalates,   s->brief.cooperation,
	    s->brief.safety,   s->objectives,     s->debrief_questions,
	};
	for (int i = 0; i < (int)(sizeof texts / sizeof texts[0]); i++)
		db_bind_text(st, i + 1, texts[i] ? texts[i] : "");
	db_bind_int(st, 16, s->minutes);
	if (s->rubric_id)
		db_bind_int(st, 17, s->rubric_id);
	else
		db_bind_null(st, 17);
	db_bind_bool(st, 18, s->is_archived);
	db_bind_int(st, 19, now);
	if (s->id)
		db_bind_int(st, 20, s->id);
	rc = db_step(st);
	if (rc == DB_ROW && s->id == 0)
		s->id = db_col_int(st, 0);
	db_finish(st);
	return rc < 0 ? rc : 0;
}

typedef struct write_ctx {
	arena *a;
	const principal *actor;
	int64_t id; /* the scenario changed; a new one's once stored */
	bool is_update;
	const kv *in;
	field_value *v;
	field_errors *errs;
	bool archived;
} write_ctx;

/* The rubric the input names: rubric_id, else rubric_code; one sent
 * blank clears it. */
static int resolve_rubric(db *d, write_ctx *c, scenario *s)
{
	field_value *v = c->v;
	if (v[SF_RUBRIC_ID].present) {
		int64_t found = 0;
		int rc = db_query_int(d, &found, "SELECT id FROM rubrics WHERE id = $1", "i",
		                      v[SF_RUBRIC_ID].number);
		if (rc < 0)
			return rc;
		if (rc == DB_DONE)
			field_errors_add(c->errs, "rubric_id", "is not a rubric");
		s->rubric_id = found;
	} else if (v[SF_RUBRIC_CODE].present) {
		int64_t found;
		int rc = rubrics_find_code(d, v[SF_RUBRIC_CODE].text, &found);
		if (rc < 0)
			return rc;
		if (!found)
			field_errors_add(c->errs, "rubric_code", "is not the code of a rubric");
		s->rubric_id = found;
	} else if (kv_get(c->in, "rubric_id") || kv_get(c->in, "rubric_code")) {
		s->rubric_id = 0;
	}
	return 0;
}

/* The code sent, when free (or the scenario's own), or one made from
 * the title. */
static int claim_code(db *d, write_ctx *c, scenario *s)
{
	return scenarios_claim_code(d, c->a, scenarios_find_code, s->id, s->title,
	                            "is taken by another scenario", c->errs, &s->code);
}

static const char *audit_detail(arena *a, const scenario *s)
{
	return auth_json_text(a, json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", s->code, "title",
	                                   s->title, "crisis_type", s->crisis_type, "difficulty",
	                                   s->difficulty, "minutes", (json_int_t)s->minutes));
}

/* A new scenario, or the change of c->id: merged, its rubric resolved,
 * its code settled, stored and audited. */
static int write_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	c->errs->len = 0;
	scenario s = {0};
	int rc = c->is_update ? scenarios_load(d, c->a, c->id, &s) : 0;
	if (rc < 0)
		return rc;
	scenarios_merge(c->v, c->in, &s);
	if ((rc = resolve_rubric(d, c, &s)) < 0)
		return rc;
	if (c->errs->len)
		return CK_E_INVALID;
	if ((rc = claim_code(d, c, &s)) < 0)
		return rc;
	if ((rc = scenarios_store(d, &s, auth_now())) < 0)
		return rc;
	c->id = s.id;
	return audit_append(d, c->actor, c->is_update ? "scenario.update" : "scenario.create",
	                    "scenario", auth_id_text(c->a, s.id), AUDIT_SUCCESS,
	                    audit_detail(c->a, &s));
}

static int write_scenario(db *d, write_ctx *c)
{
	if (!auth_allowed(c->actor, PERM_SCENARIOS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = scenarios_check(c->a, c->in, c->is_update, c->v, c->errs);
	if (rc < 0)
		return rc;
	return audit_tx(d, write_in_tx, c);
}

int scenario_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                    field_errors *errs)
{
	field_value v[SF_COUNT];
	write_ctx c = {.a = a, .actor = actor, .in = in, .v = v, .errs = errs};
	int rc = write_scenario(d, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

int scenario_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                    field_errors *errs)
{
	field_value v[SF_COUNT];
	write_ctx c = {
	    .a = a, .actor = actor, .id = id, .is_update = true, .in = in, .v = v, .errs = errs};
	return write_scenario(d, &c);
}

static int archive_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	int rc = db_run(d, "UPDATE scenarios SET is_archived = $1, updated_at = $2 WHERE id = $3",
	                "bii", (int)c->archived, auth_now(), c->id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return CK_E_NOT_FOUND;
	return audit_append(d, c->actor, c->archived ? "scenario.archive" : "scenario.restore",
	                    "scenario", auth_id_text(c->a, c->id), AUDIT_SUCCESS, NULL);
}

int scenario_archive(db *d, arena *a, const principal *actor, int64_t id, bool archived)
{
	if (!auth_allowed(actor, PERM_SCENARIOS_WRITE))
		return CK_E_FORBIDDEN;
	write_ctx c = {.a = a, .actor = actor, .id = id, .archived = archived};
	return audit_tx(d, archive_in_tx, &c);
}
