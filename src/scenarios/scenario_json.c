/* scenario_json.c: scenarios and rubrics as JSON: the API's objects, the
 * conversion of a JSON body into the fields the services check, and the
 * library's import (all or nothing, every bad item reported) and export,
 * and the embedded starter library that `citkit init` loads. */
#include "scenario_json.h"

#include <stdio.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/auth_web.h" /* auth_json_time: the API's time format */
#include "../auth/roles.h"
#include "../base/embedded.h"
#include "../base/errors.h"
#include "../base/json_write.h"
#include "scenarios_internal.h"

extern const struct embedded_file scenarios_data[];

#define FORMAT_NAME "citkit-scenarios"

/* The role-player brief's members and their columns / field names. */
static const struct {
	const char *member, *field;
} brief_fields[] = {
    {"character", "rp_character"}, {"history", "rp_history"},     {"triggers", "rp_triggers"},
    {"calms", "rp_calms"},         {"escalates", "rp_escalates"}, {"cooperation", "rp_cooperation"},
    {"safety", "rp_safety"},
};
enum { N_BRIEF = sizeof brief_fields / sizeof brief_fields[0] };

static json_t *lines_json(arena *a, const char *text)
{
	size_t n;
	const char **lines = scenario_lines(a, text, &n);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(lines[i]));
	return arr;
}

json_t *scenario_to_json(const scenario *s, bool with_ids)
{
	arena *a = arena_new();
	json_t *o = json_object();
	if (with_ids)
		json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "code", json_string(s->code));
	json_object_set_new(o, "title", json_string(s->title));
	json_object_set_new(o, "crisis_type", json_string(s->crisis_type));
	json_object_set_new(o, "setting", json_string(s->setting));
	json_object_set_new(o, "difficulty", json_string(s->difficulty));
	json_object_set_new(o, "dispatch_brief", json_string(s->dispatch_brief));
	if (s->has_brief) {
		const char *v[N_BRIEF] = {
		    s->brief.character, s->brief.history,     s->brief.triggers, s->brief.calms,
		    s->brief.escalates, s->brief.cooperation, s->brief.safety};
		json_t *b = json_object();
		for (size_t i = 0; i < N_BRIEF; i++)
			json_object_set_new(b, brief_fields[i].member,
			                    json_string(v[i] ? v[i] : ""));
		json_object_set_new(o, "role_player_brief", b);
	}
	json_object_set_new(o, "objectives", lines_json(a, s->objectives));
	json_object_set_new(o, "debrief_questions", lines_json(a, s->debrief_questions));
	json_object_set_new(o, "minutes", json_integer(s->minutes));
	if (with_ids)
		json_object_set_new(o, "rubric_id",
		                    s->rubric_id ? json_integer(s->rubric_id) : json_null());
	json_object_set_new(o, "rubric_code",
	                    s->rubric_code ? json_string(s->rubric_code) : json_null());
	if (with_ids)
		json_object_set_new(o, "rubric_title",
		                    s->rubric_title ? json_string(s->rubric_title) : json_null());
	json_object_set_new(o, "archived", json_boolean(s->is_archived));
	if (with_ids) {
		json_object_set_new(o, "created_at", auth_json_time(s->created_at));
		json_object_set_new(o, "updated_at", auth_json_time(s->updated_at));
	}
	arena_free(a);
	return o;
}

json_t *rubric_to_json(const rubric *r, bool with_ids)
{
	json_t *o = json_object();
	if (with_ids)
		json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "code", json_string(r->code));
	json_object_set_new(o, "title", json_string(r->title));
	json_object_set_new(o, "description", json_string(r->description));
	json_object_set_new(o, "pass_mean", json_real((double)r->pass_mean_x100 / 100.0));
	if (r->skills) {
		json_t *skills = json_array();
		for (size_t i = 0; i < r->n_skills; i++) {
			const rubric_skill *k = &r->skills[i];
			json_t *s = json_object();
			if (with_ids)
				json_object_set_new(s, "id", json_integer(k->id));
			json_object_set_new(s, "code", json_string(k->code));
			json_object_set_new(s, "title", json_string(k->title));
			json_object_set_new(s, "anchors",
			                    json_pack("{s:s, s:s, s:s}", "1", k->anchor_1, "3",
			                              k->anchor_3, "5", k->anchor_5));
			json_object_set_new(s, "weight", json_integer(k->weight));
			json_object_set_new(s, "critical", json_boolean(k->is_critical));
			json_array_append_new(skills, s);
		}
		json_object_set_new(o, "skills", skills);
	}
	if (with_ids) {
		json_object_set_new(o, "skill_count", json_integer(r->skill_count));
		json_object_set_new(o, "scenario_count", json_integer(r->scenario_count));
		json_object_set_new(o, "run_count", json_integer(r->run_count));
		json_object_set_new(o, "created_at", auth_json_time(r->created_at));
		json_object_set_new(o, "updated_at", auth_json_time(r->updated_at));
	}
	return o;
}

static bool member_is(const char *key, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

/* A scalar member as text into out under name; false (and an error) for
 * another type. null adds "" (cleared). */
static bool add_scalar(arena *a, kv *out, const char *name, const char *err_name, const json_t *v,
                       field_errors *errs)
{
	const char *text;
	/* Member names belong to the JSON value, which goes before the
	 * fields are used: the arena keeps its own copies. */
	name = arena_strdup(a, name);
	err_name = arena_strdup(a, err_name);
	switch (json_typeof(v)) {
	case JSON_STRING:
		text = arena_strndup(a, json_string_value(v), json_string_length(v));
		if (strlen(text) != json_string_length(v)) {
			field_errors_add(errs, err_name, "contains a NUL character");
			return false;
		}
		break;
	case JSON_INTEGER: text = arena_printf(a, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: text = arena_printf(a, "%.10g", json_real_value(v)); break;
	case JSON_TRUE: text = "true"; break;
	case JSON_FALSE: text = "false"; break;
	case JSON_NULL: text = ""; break;
	default:
		field_errors_add(errs, err_name, "must be a string, number or boolean");
		return false;
	}
	kv_add(out, name, text, strlen(text));
	return true;
}

/* A list of lines: an array of one-line strings (or one string, one
 * item a line), joined by "\n". */
static void add_lines(arena *a, kv *out, const char *name, const json_t *v, field_errors *errs)
{
	name = arena_strdup(a, name); /* the JSON's own goes first */
	if (!json_is_array(v)) {
		if (json_is_string(v) || json_is_null(v))
			add_scalar(a, out, name, name, v, errs);
		else
			field_errors_add(errs, name, "must be a list of strings");
		return;
	}
	buf b;
	buf_init(&b, a);
	size_t i;
	const json_t *item;
	json_array_foreach(v, i, item)
	{
		const char *s = json_string_value(item);
		if (!s || strchr(s, '\n') || strlen(s) != json_string_length(item)) {
			field_errors_add(errs, arena_printf(a, "%s[%zu]", name, i),
			                 "must be one line of text");
			return;
		}
		if (i)
			buf_putc(&b, '\n');
		buf_puts(&b, s);
	}
	kv_add(out, name, arena_strdup(a, buf_str(&b)), b.len);
}

int scenario_json_fields(arena *a, const json_t *obj, kv *out, field_errors *errs)
{
	static const char *const scalars[] = {
	    "code",    "title",     "crisis_type", "setting",  "difficulty", "dispatch_brief",
	    "minutes", "rubric_id", "rubric_code", "archived", NULL,
	};
	static const char *const ignored[] = {"id", "rubric_title", "created_at", "updated_at",
	                                      NULL};
	size_t before = errs->len;
	kv_init(out, a);
	if (!json_is_object(obj)) {
		field_errors_add(errs, "scenario", "must be a JSON object");
		return CK_E_INVALID;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		if (member_is(key, scalars)) {
			add_scalar(a, out, key, key, v, errs);
		} else if (!strcmp(key, "objectives") || !strcmp(key, "debrief_questions")) {
			add_lines(a, out, key, v, errs);
		} else if (!strcmp(key, "role_player_brief")) {
			if (json_is_null(v))
				continue;
			if (!json_is_object(v)) {
				field_errors_add(errs, "role_player_brief", "must be an object");
				continue;
			}
			const char *bk;
			const json_t *bv;
			json_object_foreach((json_t *)v, bk, bv)
			{
				size_t i = 0;
				while (i < N_BRIEF && strcmp(brief_fields[i].member, bk))
					i++;
				const char *err_name = arena_printf(a, "role_player_brief.%s", bk);
				if (i == N_BRIEF)
					field_errors_add(errs, err_name,
					                 "is not a part of the brief");
				else
					add_scalar(a, out, brief_fields[i].field, err_name, bv,
					           errs);
			}
		} else if (!member_is(key, ignored)) {
			field_errors_add(errs, arena_strdup(a, key), "is not a scenario field");
		}
	}
	return errs->len > before ? CK_E_INVALID : 0;
}

static int skill_fields(arena *a, const json_t *obj, size_t index, kv *out, field_errors *errs)
{
	static const char *const scalars[] = {"code",     "title",  "anchor_1", "anchor_3",
	                                      "anchor_5", "weight", "critical", NULL};
	const char *prefix = arena_printf(a, "skills[%zu]", index);
	kv_init(out, a);
	if (!json_is_object(obj)) {
		field_errors_add(errs, prefix, "must be an object");
		return CK_E_INVALID;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		const char *err_name = arena_printf(a, "%s.%s", prefix, key);
		if (member_is(key, scalars)) {
			add_scalar(a, out, key, err_name, v, errs);
		} else if (!strcmp(key, "anchors")) {
			if (!json_is_object(v)) {
				field_errors_add(errs, err_name,
				                 "must be an object with \"1\", \"3\" and \"5\"");
				continue;
			}
			const char *ak;
			const json_t *av;
			json_object_foreach((json_t *)v, ak, av)
			{
				if (strcmp(ak, "1") && strcmp(ak, "3") && strcmp(ak, "5"))
					field_errors_add(errs,
					                 arena_printf(a, "%s.%s", err_name, ak),
					                 "anchors are \"1\", \"3\" and \"5\"");
				else
					add_scalar(a, out, arena_printf(a, "anchor_%s", ak),
					           arena_printf(a, "%s.%s", err_name, ak), av,
					           errs);
			}
		} else if (strcmp(key, "id")) {
			field_errors_add(errs, err_name, "is not a skill field");
		}
	}
	return 0;
}

int rubric_json_fields(arena *a, const json_t *obj, rubric_in *out, field_errors *errs)
{
	static const char *const scalars[] = {"code", "title", "description", "pass_mean", NULL};
	static const char *const ignored[] = {
	    "id", "skill_count", "scenario_count", "run_count", "created_at", "updated_at", NULL};
	size_t before = errs->len;
	kv *fields = arena_alloc(a, sizeof *fields);
	kv_init(fields, a);
	*out = (rubric_in){.fields = fields};
	if (!json_is_object(obj)) {
		field_errors_add(errs, "rubric", "must be a JSON object");
		return CK_E_INVALID;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		if (member_is(key, scalars)) {
			add_scalar(a, fields, key, key, v, errs);
		} else if (!strcmp(key, "skills")) {
			if (!json_is_array(v)) {
				field_errors_add(errs, "skills", "must be a list of skills");
				continue;
			}
			size_t n = json_array_size(v);
			if (n > RUBRIC_SKILLS_MAX) {
				field_errors_add(errs, "skills",
				                 arena_printf(a, "must be %d to %d skills, not %zu",
				                              RUBRIC_SKILLS_MIN, RUBRIC_SKILLS_MAX,
				                              n));
				continue;
			}
			kv *skills = arena_array(a, n ? n : 1, sizeof *skills);
			const kv **list = arena_array(a, n ? n : 1, sizeof *list);
			for (size_t i = 0; i < n; i++) {
				skill_fields(a, json_array_get(v, i), i, &skills[i], errs);
				list[i] = &skills[i];
			}
			out->has_skills = true;
			out->skills = list;
			out->n_skills = n;
		} else if (!member_is(key, ignored)) {
			field_errors_add(errs, arena_strdup(a, key), "is not a rubric field");
		}
	}
	return errs->len > before ? CK_E_INVALID : 0;
}

void scenario_json_rename_errors(arena *a, field_errors *errs)
{
	for (size_t i = 0; i < errs->len; i++) {
		const char *f = errs->items[i].field;
		if (!f)
			continue;
		for (size_t k = 0; k < N_BRIEF; k++)
			if (!strcmp(f, brief_fields[k].field))
				errs->items[i].field =
				    arena_printf(a, "role_player_brief.%s", brief_fields[k].member);
		const char *anchor = strstr(f, ".anchor_");
		if (!strncmp(f, "skills[", 7) && anchor && anchor[8] && !anchor[9])
			errs->items[i].field =
			    arena_printf(a, "%.*s.anchors.%c", (int)(anchor - f), f, anchor[8]);
	}
}

/* The parsed and checked file. */
typedef struct doc_rubric {
	const char *code;
	rubric r; /* checked fields, merged over an empty rubric */
} doc_rubric;

typedef struct doc_scenario {
	const char *code;
	const kv *in;
	field_value v[SF_COUNT];
	scenario s; /* checked fields, merged over an empty scenario */
} doc_scenario;

struct scenario_doc {
	doc_rubric *rubrics;
	size_t n_rubrics;
	doc_scenario *scenarios;
	size_t n_scenarios;
};

static void problem(arena *a, scenario_import_report *rep, const char *item, const char *code,
                    const char *field, const char *message)
{
	if (rep->n_problems == SCENARIO_IMPORT_MAX_PROBLEMS) {
		rep->more_problems++;
		return;
	}
	if (!rep->problems)
		rep->problems = arena_array(a, SCENARIO_IMPORT_MAX_PROBLEMS, sizeof *rep->problems);
	rep->problems[rep->n_problems++] = (scenario_import_problem){item, code, field, message};
}

static void problems_from(arena *a, scenario_import_report *rep, const char *item, const char *code,
                          field_errors *errs)
{
	scenario_json_rename_errors(a, errs);
	for (size_t i = 0; i < errs->len; i++)
		problem(a, rep, item, code, errs->items[i].field, errs->items[i].message);
}

/* The item's code, for the report, when it is a string. */
static const char *code_of(arena *a, const json_t *obj)
{
	const char *c = json_string_value(json_object_get(obj, "code"));
	return c ? arena_strdup(a, c) : NULL;
}

static void parse_rubrics(arena *a, const json_t *arr, scenario_doc *doc,
                          scenario_import_report *rep)
{
	size_t n = json_array_size(arr);
	doc->rubrics = arena_array(a, n ? n : 1, sizeof *doc->rubrics);
	for (size_t i = 0; i < n; i++) {
		const json_t *obj = json_array_get(arr, i);
		const char *item = arena_printf(a, "rubrics[%zu]", i);
		const char *code = code_of(a, obj);
		field_errors errs = {0};
		rubric_in in;
		field_value v[RF_COUNT];
		rubric_skill *skills = NULL;
		size_t n_skills = 0;
		rubric_json_fields(a, obj, &in, &errs);
		if (json_is_object(obj)) {
			/* Every problem of the item at once, those of its members'
			 * types and those of their values. */
			rubrics_check(a, &in, false, v, &skills, &n_skills, &errs);
			if (!v[RF_CODE].present && !errs.len)
				field_errors_add(&errs, "code",
				                 "is required: the import matches rubrics by code");
		}
		for (size_t j = 0; code && j < doc->n_rubrics; j++)
			if (!strcmp(doc->rubrics[j].code, code))
				field_errors_add(
				    &errs, "code",
				    arena_printf(a, "\"%s\" is also rubrics[%zu]'s code", code, j));
		if (errs.len) {
			problems_from(a, rep, item, code, &errs);
			continue;
		}
		doc_rubric *dr = &doc->rubrics[doc->n_rubrics++];
		*dr = (doc_rubric){.code = v[RF_CODE].text};
		rubrics_merge(v, &in, skills, n_skills, &dr->r);
	}
}

static void parse_scenarios(arena *a, const json_t *arr, scenario_doc *doc,
                            scenario_import_report *rep)
{
	size_t n = json_array_size(arr);
	doc->scenarios = arena_array(a, n ? n : 1, sizeof *doc->scenarios);
	for (size_t i = 0; i < n; i++) {
		const json_t *obj = json_array_get(arr, i);
		const char *item = arena_printf(a, "scenarios[%zu]", i);
		const char *code = code_of(a, obj);
		field_errors errs = {0};
		kv *in = arena_alloc(a, sizeof *in);
		doc_scenario *ds = &doc->scenarios[doc->n_scenarios];
		*ds = (doc_scenario){0};
		scenario_json_fields(a, obj, in, &errs);
		if (json_is_object(obj)) {
			scenarios_check(a, in, false, ds->v, &errs);
			if (!ds->v[SF_CODE].present && !errs.len)
				field_errors_add(
				    &errs, "code",
				    "is required: the import matches scenarios by code");
			if (kv_get(in, "rubric_id"))
				field_errors_add(
				    &errs, "rubric_id",
				    "ids differ between databases: name the rubric by rubric_code");
		}
		for (size_t j = 0; code && j < doc->n_scenarios; j++)
			if (!strcmp(doc->scenarios[j].code, code))
				field_errors_add(
				    &errs, "code",
				    arena_printf(a, "\"%s\" is also scenarios[%zu]'s code", code,
				                 j));
		if (errs.len) {
			problems_from(a, rep, item, code, &errs);
			continue;
		}
		ds->code = ds->v[SF_CODE].text;
		ds->in = in;
		scenarios_merge(ds->v, in, &ds->s);
		doc->n_scenarios++;
	}
}

int scenario_json_parse(arena *a, const char *data, size_t len, scenario_doc **out,
                        scenario_import_report *rep)
{
	static const char *const top[] = {"format",  "version",   "exported_at",
	                                  "rubrics", "scenarios", NULL};
	*out = NULL;
	memset(rep, 0, sizeof *rep);
	json_error_t jerr;
	json_t *root = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		problem(a, rep, "file", NULL, NULL,
		        arena_printf(a, "is not JSON: line %d, column %d: %s", jerr.line,
		                     jerr.column, jerr.text));
		return CK_E_INVALID;
	}
	scenario_doc *doc = arena_alloc(a, sizeof *doc);
	if (!json_is_object(root)) {
		problem(a, rep, "file", NULL, NULL,
		        "must be a JSON object with \"rubrics\" and \"scenarios\" lists");
		goto done;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (!member_is(key, top))
			problem(a, rep, "file", NULL, arena_strdup(a, key),
			        "is not part of the format (rubrics, scenarios)");
	}
	const json_t *format = json_object_get(root, "format");
	if (format && !(json_is_string(format) && !strcmp(json_string_value(format), FORMAT_NAME)))
		problem(a, rep, "file", NULL, "format", "must be \"" FORMAT_NAME "\"");
	const json_t *version = json_object_get(root, "version");
	if (version && !(json_is_integer(version) && json_integer_value(version) == 1))
		problem(a, rep, "file", NULL, "version", "must be 1");
	const json_t *rubrics = json_object_get(root, "rubrics");
	const json_t *scenarios = json_object_get(root, "scenarios");
	if (rubrics && !json_is_array(rubrics))
		problem(a, rep, "file", NULL, "rubrics", "must be a list");
	else if (json_array_size(rubrics) > SCENARIO_IMPORT_MAX_RUBRICS)
		problem(
		    a, rep, "file", NULL, "rubrics",
		    arena_printf(a, "may hold at most %d rubrics", SCENARIO_IMPORT_MAX_RUBRICS));
	if (scenarios && !json_is_array(scenarios))
		problem(a, rep, "file", NULL, "scenarios", "must be a list");
	else if (json_array_size(scenarios) > SCENARIO_IMPORT_MAX_SCENARIOS)
		problem(a, rep, "file", NULL, "scenarios",
		        arena_printf(a, "may hold at most %d scenarios",
		                     SCENARIO_IMPORT_MAX_SCENARIOS));
	if (!json_array_size(rubrics) && !json_array_size(scenarios) && !rep->n_problems)
		problem(a, rep, "file", NULL, NULL, "holds no rubrics and no scenarios");
	if (rep->n_problems)
		goto done;
	rep->rubrics = json_array_size(rubrics);
	rep->scenarios = json_array_size(scenarios);
	parse_rubrics(a, rubrics, doc, rep);
	parse_scenarios(a, scenarios, doc, rep);
done:
	json_decref(root);
	if (rep->n_problems)
		return CK_E_INVALID;
	*out = doc;
	return 0;
}

typedef struct import_ctx {
	arena *a;
	const principal *actor;
	scenario_doc *doc;
	scenario_import_mode mode;
	scenario_import_report *rep;
} import_ctx;

static void note(import_ctx *c, const char *kind, const char *code, const char *title,
                 const char *action)
{
	scenario_import_report *rep = c->rep;
	rep->items[rep->n_items++] = (scenario_import_item){kind, code, title, action};
	if (!strcmp(action, "created"))
		rep->created++;
	else if (!strcmp(action, "updated"))
		rep->updated++;
	else
		rep->unchanged++;
}

static int import_rubric(db *d, import_ctx *c, size_t i, int64_t now)
{
	doc_rubric *dr = &c->doc->rubrics[i];
	rubric want = dr->r;
	int64_t id;
	int rc = rubrics_find_code(d, dr->code, &id);
	if (rc < 0)
		return rc;
	if (!id) {
		if ((rc = rubrics_store(d, &want, now)) < 0)
			return rc;
		note(c, "rubric", want.code, want.title, "created");
		return 0;
	}
	rubric have;
	if ((rc = rubrics_load(d, c->a, id, &have)) < 0)
		return rc;
	want.id = id;
	if (c->mode == SCENARIO_IMPORT_MISSING_ONLY || rubrics_same(&want, &have)) {
		note(c, "rubric", have.code, have.title, "unchanged");
		return 0;
	}
	if (have.run_count > 0) {
		problem(
		    c->a, c->rep, arena_printf(c->a, "rubrics[%zu]", i), dr->code, "code",
		    arena_printf(c->a,
		                 "the library's rubric \"%s\" has scored runs and cannot change: "
		                 "import it under a new code",
		                 dr->code));
		return 0;
	}
	if ((rc = rubrics_store(d, &want, now)) < 0)
		return rc;
	note(c, "rubric", want.code, want.title, "updated");
	return 0;
}

static int import_scenario(db *d, import_ctx *c, size_t i, int64_t now)
{
	doc_scenario *ds = &c->doc->scenarios[i];
	scenario want = ds->s;
	int rc;
	if (ds->v[SF_RUBRIC_CODE].present) {
		if ((rc = rubrics_find_code(d, ds->v[SF_RUBRIC_CODE].text, &want.rubric_id)) < 0)
			return rc;
		if (!want.rubric_id) {
			problem(c->a, c->rep, arena_printf(c->a, "scenarios[%zu]", i), ds->code,
			        "rubric_code",
			        arena_printf(c->a,
			                     "\"%s\" is neither in the file nor in the library",
			                     ds->v[SF_RUBRIC_CODE].text));
			return 0;
		}
	}
	int64_t id;
	if ((rc = scenarios_find_code(d, ds->code, &id)) < 0)
		return rc;
	if (!id) {
		if ((rc = scenarios_store(d, &want, now)) < 0)
			return rc;
		note(c, "scenario", want.code, want.title, "created");
		return 0;
	}
	scenario have;
	if ((rc = scenarios_load(d, c->a, id, &have)) < 0)
		return rc;
	want.id = id;
	if (c->mode == SCENARIO_IMPORT_MISSING_ONLY || scenarios_same(&want, &have)) {
		note(c, "scenario", have.code, have.title, "unchanged");
		return 0;
	}
	if ((rc = scenarios_store(d, &want, now)) < 0)
		return rc;
	note(c, "scenario", want.code, want.title, "updated");
	return 0;
}

static int import_in_tx(db *d, void *vctx)
{
	import_ctx *c = vctx;
	scenario_import_report *rep = c->rep;
	/* A retried transaction starts its tally again. */
	rep->created = rep->updated = rep->unchanged = 0;
	rep->n_items = rep->n_problems = rep->more_problems = 0;
	int64_t now = auth_now();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < c->doc->n_rubrics; i++)
		rc = import_rubric(d, c, i, now);
	for (size_t i = 0; rc == 0 && i < c->doc->n_scenarios; i++)
		rc = import_scenario(d, c, i, now);
	if (rc < 0)
		return rc;
	if (rep->n_problems)
		return CK_E_INVALID;
	if (c->mode == SCENARIO_IMPORT_MISSING_ONLY && rep->created == 0)
		return 0; /* the starter library was all there: nothing to record */
	json_t *detail = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:s}", "rubrics", (json_int_t)c->doc->n_rubrics, "scenarios",
	    (json_int_t)c->doc->n_scenarios, "created", (json_int_t)rep->created, "updated",
	    (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "mode",
	    c->mode == SCENARIO_IMPORT_UPSERT ? "upsert" : "missing_only");
	return audit_append(d, c->actor,
	                    c->mode == SCENARIO_IMPORT_UPSERT ? "scenario.import"
	                                                      : "scenario.library_load",
	                    "scenario_library", NULL, AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int scenario_import(db *d, arena *a, const principal *actor, const char *data, size_t len,
                    scenario_import_mode mode, scenario_import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	if (!auth_allowed(actor, PERM_SCENARIOS_WRITE))
		return CK_E_FORBIDDEN;
	scenario_doc *doc;
	int rc = scenario_json_parse(a, data, len, &doc, rep);
	if (rc < 0)
		return rc;
	rep->items = arena_array(a, doc->n_rubrics + doc->n_scenarios + 1, sizeof *rep->items);
	import_ctx c = {a, actor, doc, mode, rep};
	rc = audit_tx(d, import_in_tx, &c);
	if (rc < 0) {
		rep->created = rep->updated = rep->unchanged = 0;
		if (rc != CK_E_INVALID)
			rep->n_items = 0;
	}
	return rc;
}

typedef struct export_ctx {
	arena *a;
	const principal *actor;
	json_t *out;
} export_ctx;

/* The ids a query returns, in order. */
static int ids_of(db *d, arena *a, const char *sql, int64_t **ids, size_t *n)
{
	db_stmt *s;
	*ids = NULL;
	*n = 0;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	size_t len = 0, cap = 64;
	int64_t *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			int64_t *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		out[len++] = db_col_int(s, 0);
	}
	db_finish(s);
	*ids = out;
	*n = len;
	return rc < 0 ? rc : 0;
}

static int export_in_tx(db *d, void *vctx)
{
	export_ctx *c = vctx;
	json_decref(c->out); /* a retried transaction's first try */
	json_t *rubrics = json_array(), *scenarios = json_array();
	c->out = json_pack("{s:s, s:i, s:o, s:o, s:o}", "format", FORMAT_NAME, "version", 1,
	                   "exported_at", auth_json_time(auth_now()), "rubrics", rubrics,
	                   "scenarios", scenarios);
	int64_t *ids;
	size_t n;
	int rc = ids_of(d, c->a, "SELECT id FROM rubrics ORDER BY code", &ids, &n);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		rubric r;
		if ((rc = rubrics_load(d, c->a, ids[i], &r)) == 0)
			json_array_append_new(rubrics, rubric_to_json(&r, false));
	}
	if (rc < 0)
		return rc;
	rc = ids_of(d, c->a, "SELECT id FROM scenarios ORDER BY code", &ids, &n);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		scenario sc;
		if ((rc = scenarios_load(d, c->a, ids[i], &sc)) == 0)
			json_array_append_new(scenarios, scenario_to_json(&sc, false));
	}
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:I, s:I}", "rubrics", (json_int_t)json_array_size(rubrics),
	                           "scenarios", (json_int_t)json_array_size(scenarios));
	return audit_append(d, c->actor, "scenario.export", "scenario_library", NULL, AUDIT_SUCCESS,
	                    auth_json_text(c->a, detail));
}

int scenario_export(db *d, arena *a, const principal *actor, json_t **out)
{
	*out = NULL;
	if (!auth_allowed(actor, PERM_SCENARIOS_WRITE))
		return CK_E_FORBIDDEN;
	export_ctx c = {a, actor, NULL};
	int rc = audit_tx(d, export_in_tx, &c);
	if (rc < 0) {
		json_decref(c.out);
		return rc;
	}
	*out = c.out;
	return 0;
}

int scenario_library_embedded(const char **data, size_t *len)
{
	for (size_t i = 0; scenarios_data[i].name; i++)
		if (!strcmp(scenarios_data[i].name, "starter-library.json")) {
			*data = (const char *)scenarios_data[i].data;
			*len = scenarios_data[i].len;
			return 0;
		}
	return CK_E_NOT_FOUND;
}

int scenario_library_ensure(db *d, int *created)
{
	const char *data;
	size_t len;
	*created = 0;
	int rc = scenario_library_embedded(&data, &len);
	if (rc < 0)
		return rc;
	arena *a = arena_new();
	principal sys;
	auth_system_principal(&sys, "system:library");
	scenario_import_report rep;
	rc = scenario_import(d, a, &sys, data, len, SCENARIO_IMPORT_MISSING_ONLY, &rep);
	if (rc == 0)
		*created = (int)rep.created;
	arena_free(a);
	return rc;
}
