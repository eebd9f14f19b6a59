/* test_scenarios.c: the scenario library on SQLite and PostgreSQL: the
 * starter library loaded once, role-player briefs kept from officers,
 * scenario and rubric validation that writes nothing, list filters and
 * pages, archive, the rubric a run used refusing change, and the JSON
 * import (all or nothing, every bad item reported, upsert by code) and
 * export round trip. */
#include "training_fixture.h"
#include "scenarios/rubrics.h"
#include "scenarios/scenario_json.h"
#include "scenarios/scenarios.h"

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

static void library(authfx *f)
{
	int created = -1;
	assert_int_equal(scenario_library_ensure(f->d, &created), 0);
}

static int64_t count(authfx *f, const char *sql)
{
	return fx_count(f, sql);
}

static const char *good[] = {
    "title",
    "Crisis at the corner store",
    "crisis_type",
    "youth",
    "difficulty",
    "introductory",
    "dispatch_brief",
    "A clerk reports a teenager crying by the door.",
    "rp_character",
    "Kim, 16, guarded and tired.",
    "minutes",
    "6",
    NULL,
};

/* The good fields plus name=value overrides (NULL-terminated pairs). */
static kv *scenario_in(authfx *f, ...)
{
	kv *in = arena_alloc(f->a, sizeof *in);
	kv_init(in, f->a);
	va_list ap;
	va_start(ap, f);
	const char *over[32];
	size_t n = 0;
	for (const char *name; n < 30 && (name = va_arg(ap, const char *));) {
		over[n++] = name;
		over[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	for (size_t i = 0; good[i]; i += 2) {
		bool replaced = false;
		for (size_t k = 0; k < n; k += 2)
			replaced = replaced || !strcmp(over[k], good[i]);
		if (!replaced)
			kv_add(in, good[i], good[i + 1], strlen(good[i + 1]));
	}
	for (size_t k = 0; k < n; k += 2)
		kv_add(in, over[k], over[k + 1], strlen(over[k + 1]));
	return in;
}

static bool has_error(const field_errors *errs, const char *field)
{
	for (size_t i = 0; i < errs->len; i++)
		if (!strcmp(errs->items[i].field, field))
			return true;
	return false;
}

static void library_loads_once(void **state)
{
	authfx *f = *state;
	int created = 0;
	assert_int_equal(scenario_library_ensure(f->d, &created), 0);
	assert_int_equal(created, 14);
	assert_int_equal(scenario_library_ensure(f->d, &created), 0);
	assert_int_equal(created, 0);
	assert_true(count(f, "SELECT COUNT(*) FROM scenarios") >= 12);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubrics"), 1);
	assert_true(count(f, "SELECT COUNT(*) FROM rubric_skills") >= 9);
	int64_t critical = count(f, "SELECT COUNT(*) FROM rubric_skills WHERE is_critical = 1");
	assert_true(critical >= 2 && critical <= 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubric_skills WHERE is_critical = 1 AND "
	                          "code IN ('safe-positioning', 'avoids-threats')"),
	                 2);
	/* Every named crisis type, each run 4-10 minutes on the rubric, with
	 * every part of the brief and lists filled. */
	assert_int_equal(count(f, "SELECT COUNT(DISTINCT crisis_type) FROM scenarios WHERE "
	                          "crisis_type <> 'other'"),
	                 10);
	assert_int_equal(count(f,
	                       "SELECT COUNT(*) FROM scenarios WHERE minutes < 4 OR minutes > 10 "
	                       "OR rubric_id IS NULL OR rp_character = '' OR rp_history = '' OR "
	                       "rp_triggers = '' OR rp_calms = '' OR rp_escalates = '' OR "
	                       "rp_cooperation = '' OR rp_safety = '' OR objectives = '' OR "
	                       "debrief_questions = '' OR setting = ''"),
	                 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = "
	                          "'scenario.library_load'"),
	                 1);
	/* A local edit survives the next init. */
	fx_exec(f, "UPDATE scenarios SET title = 'Local title' WHERE code = 'bridge-railing'");
	assert_int_equal(scenario_library_ensure(f->d, &created), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios WHERE title = 'Local title'"), 1);
}

static void officers_never_get_briefs(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	library(f);
	principal officer = fx_as(f, t.officer), presenter = fx_as(f, t.presenter);
	scenario s;
	assert_int_equal(scenario_get_by_code(f->d, f->a, &officer, "bridge-railing", &s), 0);
	assert_false(s.has_brief);
	assert_null(s.brief.character);
	assert_null(s.brief.safety);
	assert_non_null(strstr(s.dispatch_brief, "railing"));
	assert_int_equal(scenario_brief_get(f->d, f->a, &officer, s.id, &s), CK_E_FORBIDDEN);
	json_t *doc = NULL;
	assert_int_equal(scenario_export(f->d, f->a, &officer, &doc), CK_E_FORBIDDEN);
	assert_null(doc);
	json_t *o = scenario_to_json(&s, true);
	assert_null(json_object_get(o, "role_player_brief"));
	json_decref(o);
	scenario *items;
	size_t n;
	const char *next;
	assert_int_equal(scenario_list(f->d, f->a, &officer, NULL, 0, NULL, &items, &n, &next), 0);
	for (size_t i = 0; i < n; i++)
		assert_false(items[i].has_brief);
	/* A presenter (a role player) reads it. */
	assert_int_equal(scenario_brief_get(f->d, f->a, &presenter, s.id, &s), 0);
	assert_true(s.has_brief);
	assert_non_null(strstr(s.brief.character, "Dale"));
	principal nobody = {0};
	assert_int_equal(scenario_get(f->d, f->a, &nobody, s.id, &s), CK_E_FORBIDDEN);
}

static void bad_scenarios_write_nothing(void **state)
{
	authfx *f = *state;
	field_errors errs = {0};
	int64_t id = 0;
	assert_int_equal(
	    scenario_create(f->d, f->a, &f->sys,
	                    scenario_in(f, "title", "ab", "crisis_type", "werewolf", "difficulty",
	                                "", "minutes", "61", "code", "Bad Code", NULL),
	                    &id, &errs),
	    CK_E_INVALID);
	assert_true(has_error(&errs, "title"));
	assert_true(has_error(&errs, "crisis_type"));
	assert_true(has_error(&errs, "difficulty"));
	assert_true(has_error(&errs, "minutes"));
	assert_true(has_error(&errs, "code"));
	errs.len = 0;
	char many[400] = "";
	for (int i = 0; i < 13; i++)
		strcat(many, "an objective\n");
	char longline[400];
	memset(longline, 'x', 301);
	longline[301] = '\0';
	assert_int_equal(scenario_create(f->d, f->a, &f->sys,
	                                 scenario_in(f, "objectives", many, "debrief_questions",
	                                             longline, "minutes", "0", NULL),
	                                 &id, &errs),
	                 CK_E_INVALID);
	assert_true(has_error(&errs, "objectives"));
	assert_true(has_error(&errs, "debrief_questions"));
	assert_true(has_error(&errs, "minutes"));
	errs.len = 0;
	/* Well-formed but naming no rubric there is. */
	assert_int_equal(scenario_create(f->d, f->a, &f->sys,
	                                 scenario_in(f, "rubric_id", "999", NULL), &id, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "rubric_id");
	errs.len = 0;
	assert_int_equal(scenario_create(f->d, f->a, &f->sys,
	                                 scenario_in(f, "rubric_code", "no-such-rubric", NULL), &id,
	                                 &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "rubric_code");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'scenario.%'"),
	                 0);
}

static void create_update_archive(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	library(f);
	principal officer = fx_as(f, t.officer), instructor = fx_as(f, t.instructor);
	field_errors errs = {0};
	int64_t id = 0, id2 = 0;
	assert_int_equal(scenario_create(f->d, f->a, &officer, scenario_in(f, NULL), &id, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(
	    scenario_create(f->d, f->a, &instructor,
	                    scenario_in(f, "setting", "Store", "rubric_code", "deescalation",
	                                "objectives", "  first  \n\n second\r\n", NULL),
	                    &id, &errs),
	    0);
	scenario s;
	assert_int_equal(scenario_get(f->d, f->a, &instructor, id, &s), 0);
	assert_string_equal(s.code, "crisis-at-the-corner-store");
	assert_string_equal(s.objectives, "first\nsecond");
	assert_string_equal(s.rubric_code, "deescalation");
	/* The same title again gets the next free code; a taken code is a conflict. */
	assert_int_equal(
	    scenario_create(f->d, f->a, &instructor, scenario_in(f, NULL), &id2, &errs), 0);
	assert_int_equal(scenario_get(f->d, f->a, &instructor, id2, &s), 0);
	assert_string_equal(s.code, "crisis-at-the-corner-store-2");
	assert_int_equal(scenario_update(f->d, f->a, &instructor, id2,
	                                 fx_kv(f, "code", "crisis-at-the-corner-store", NULL),
	                                 &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "code");
	/* Update: blank optional fields clear, required ones refuse. */
	errs.len = 0;
	assert_int_equal(
	    scenario_update(f->d, f->a, &instructor, id,
	                    fx_kv(f, "setting", "", "rubric_id", "", "minutes", "9", NULL), &errs),
	    0);
	assert_int_equal(scenario_get(f->d, f->a, &instructor, id, &s), 0);
	assert_string_equal(s.setting, "");
	assert_int_equal(s.rubric_id, 0);
	assert_int_equal(s.minutes, 9);
	assert_string_equal(s.title, "Crisis at the corner store");
	assert_int_equal(
	    scenario_update(f->d, f->a, &instructor, id, fx_kv(f, "title", " ", NULL), &errs),
	    CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "title");
	/* Archived: out of the list, not found for officers, back on restore. */
	assert_int_equal(scenario_archive(f->d, f->a, &instructor, id, true), 0);
	assert_int_equal(scenario_get(f->d, f->a, &officer, id, &s), CK_E_NOT_FOUND);
	assert_int_equal(scenario_get(f->d, f->a, &instructor, id, &s), 0);
	assert_true(s.is_archived);
	scenario_filter youth = {.crisis_type = "youth"},
	                all = {.crisis_type = "youth", .include_archived = true};
	scenario *items;
	size_t n, n_all;
	const char *next;
	assert_int_equal(scenario_list(f->d, f->a, &instructor, &youth, 0, NULL, &items, &n, &next),
	                 0);
	assert_int_equal(
	    scenario_list(f->d, f->a, &instructor, &all, 0, NULL, &items, &n_all, &next), 0);
	assert_int_equal(n_all, n + 1);
	assert_int_equal(scenario_list(f->d, f->a, &officer, &all, 0, NULL, &items, &n_all, &next),
	                 0);
	assert_int_equal(n_all, n);
	assert_int_equal(scenario_archive(f->d, f->a, &instructor, id, false), 0);
	assert_int_equal(scenario_get(f->d, f->a, &officer, id, &s), 0);
	assert_int_equal(scenario_archive(f->d, f->a, &instructor, 99999, true), CK_E_NOT_FOUND);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action IN "
	                          "('scenario.create', 'scenario.update', 'scenario.archive', "
	                          "'scenario.restore')"),
	                 5);
}

static void list_filters_and_pages(void **state)
{
	authfx *f = *state;
	library(f);
	scenario *items;
	size_t n;
	const char *next = NULL;
	scenario_filter suicidal = {.crisis_type = "suicidal"};
	assert_int_equal(scenario_list(f->d, f->a, &f->sys, &suicidal, 0, NULL, &items, &n, &next),
	                 0);
	assert_int_equal(n,
	                 count(f, "SELECT COUNT(*) FROM scenarios WHERE crisis_type = 'suicidal'"));
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(items[i].crisis_type, "suicidal");
	scenario_filter intro = {.difficulty = "introductory"};
	assert_int_equal(scenario_list(f->d, f->a, &f->sys, &intro, 0, NULL, &items, &n, &next), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(items[i].difficulty, "introductory");
	scenario_filter bad = {.crisis_type = "zombie"};
	assert_int_equal(scenario_list(f->d, f->a, &f->sys, &bad, 0, NULL, &items, &n, &next),
	                 CK_E_INVALID);
	/* Pages of 5 cover the library once each, in title order. */
	size_t total = 0;
	const char *cursor = NULL;
	const char *last = "";
	int pages = 0;
	do {
		assert_int_equal(
		    scenario_list(f->d, f->a, &f->sys, NULL, 5, cursor, &items, &n, &next), 0);
		for (size_t i = 0; i < n; i++) {
			assert_true(strcmp(last, items[i].title) <= 0 || f->is_pg);
			last = items[i].title;
		}
		total += n;
		cursor = next;
		pages++;
	} while (cursor && pages < 10);
	assert_int_equal(total, count(f, "SELECT COUNT(*) FROM scenarios"));
	assert_int_equal(scenario_list(f->d, f->a, &f->sys, NULL, 5, "zz", &items, &n, &next),
	                 CK_E_MALFORMED);
}

static const kv *skill(authfx *f, const char *code, const char *weight, const char *critical)
{
	return fx_kv(f, "code", code, "title", arena_printf(f->a, "Skill %s", code), "anchor_1",
	             "Poor work", "anchor_3", "Some of it", "anchor_5", "All of it", "weight",
	             weight, "critical", critical, NULL);
}

static rubric_in rubric_of(authfx *f, const kv *fields, size_t n, ...)
{
	const kv **list = arena_array(f->a, n ? n : 1, sizeof *list);
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		list[i] = va_arg(ap, const kv *);
	va_end(ap);
	return (rubric_in){.fields = fields, .has_skills = true, .skills = list, .n_skills = n};
}

static void bad_rubrics_write_nothing(void **state)
{
	authfx *f = *state;
	field_errors errs = {0};
	int64_t id;
	rubric_in none = rubric_of(f, fx_kv(f, "title", "Empty rubric", NULL), 0);
	assert_int_equal(rubric_create(f->d, f->a, &f->sys, &none, &id, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "skills");
	errs.len = 0;
	const kv **many = arena_array(f->a, 31, sizeof *many);
	for (int i = 0; i < 31; i++)
		many[i] = skill(f, arena_printf(f->a, "s%d", i), "1", "0");
	rubric_in too_many = {fx_kv(f, "title", "Huge rubric", NULL), true, many, 31};
	assert_int_equal(rubric_create(f->d, f->a, &f->sys, &too_many, &id, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "skills");
	errs.len = 0;
	rubric_in bad = rubric_of(f, fx_kv(f, "title", "Bad rubric", "pass_mean", "6", NULL), 3,
	                          skill(f, "calm", "11", "1"), skill(f, "calm", "2", "maybe"),
	                          fx_kv(f, "code", "x", "title", "Missing anchors", NULL));
	assert_int_equal(rubric_create(f->d, f->a, &f->sys, &bad, &id, &errs), CK_E_INVALID);
	assert_true(has_error(&errs, "pass_mean"));
	assert_true(has_error(&errs, "skills[0].weight"));
	assert_true(has_error(&errs, "skills[1].code"));
	assert_true(has_error(&errs, "skills[1].critical"));
	assert_true(has_error(&errs, "skills[2].anchor_1"));
	assert_true(has_error(&errs, "skills[2].anchor_5"));
	scenario_json_rename_errors(f->a, &errs);
	assert_true(has_error(&errs, "skills[2].anchors.1"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubrics"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubric_skills"), 0);
	int64_t x;
	assert_true(rubric_pass_parse("3", &x) && x == 300);
	assert_true(rubric_pass_parse("3.5", &x) && x == 350);
	assert_true(rubric_pass_parse("2.75", &x) && x == 275);
	assert_true(rubric_pass_parse("4.500", &x) && x == 450);
	assert_false(rubric_pass_parse("4.555", &x));
	assert_false(rubric_pass_parse("0.5", &x));
	assert_false(rubric_pass_parse("5.01", &x));
	assert_false(rubric_pass_parse("-3", &x));
	assert_false(rubric_pass_parse("3,5", &x));
	assert_string_equal(rubric_pass_text(f->a, 275), "2.75");
}

static void rubric_in_use_cannot_change(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t id;
	rubric_in in = rubric_of(f, fx_kv(f, "title", "Short rubric", "pass_mean", "3.5", NULL), 2,
	                         skill(f, "calm", "2", "1"), skill(f, "listen", "1", "0"));
	assert_int_equal(rubric_create(f->d, f->a, &f->sys, &in, &id, &errs), 0);
	rubric r;
	assert_int_equal(rubric_get(f->d, f->a, &f->sys, id, &r), 0);
	assert_string_equal(r.code, "short-rubric");
	assert_int_equal(r.pass_mean_x100, 350);
	assert_int_equal(r.n_skills, 2);
	int64_t calm_id = r.skills[0].id;
	assert_true(r.skills[0].is_critical);
	assert_int_equal(r.skills[0].weight, 2);
	/* Reordered with a new skill: calm keeps its id, listen goes. */
	rubric_in again = rubric_of(f, fx_kv(f, "description", "Two skills", NULL), 2,
	                            skill(f, "choices", "1", "0"), skill(f, "calm", "3", "1"));
	assert_int_equal(rubric_update(f->d, f->a, &f->sys, id, &again, &errs), 0);
	assert_int_equal(rubric_get(f->d, f->a, &f->sys, id, &r), 0);
	assert_string_equal(r.skills[0].code, "choices");
	assert_string_equal(r.skills[1].code, "calm");
	assert_int_equal(r.skills[1].id, calm_id);
	assert_int_equal(r.skills[1].weight, 3);
	assert_string_equal(r.description, "Two skills");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubric_skills"), 2);
	/* A run scored on it: no change, by the service or by import. */
	int64_t scen;
	assert_int_equal(scenario_create(f->d, f->a, &f->sys,
	                                 scenario_in(f, "rubric_id", tfx_id(f, id), NULL), &scen,
	                                 &errs),
	                 0);
	int64_t enrollment = tfx_insert(
	    f, arena_printf(f->a,
	                    "INSERT INTO enrollments (course_id, user_id, status, created_at, "
	                    "updated_at) VALUES (%lld, %lld, 'enrolled', 1, 1) RETURNING id",
	                    (long long)t.course_id, (long long)t.officer));
	fx_exec(f,
	        arena_printf(f->a,
	                     "INSERT INTO scenario_runs (course_id, scenario_id, rubric_id, "
	                     "enrollment_id, trainee_id, join_code, status, started_by, "
	                     "started_at) VALUES (%lld, %lld, %lld, %lld, %lld, 'ABC234', "
	                     "'live', %lld, 1)",
	                     (long long)t.course_id, (long long)scen, (long long)id,
	                     (long long)enrollment, (long long)t.officer, (long long)t.instructor));
	rubric_in retitle = {fx_kv(f, "title", "Another title", NULL), false, NULL, 0};
	errs.len = 0;
	assert_int_equal(rubric_update(f->d, f->a, &f->sys, id, &retitle, &errs), CK_E_CONFLICT);
	assert_int_equal(rubric_get(f->d, f->a, &f->sys, id, &r), 0);
	assert_string_equal(r.title, "Short rubric");
	assert_int_equal(r.run_count, 1);
	const char *doc =
	    "{\"rubrics\": [{\"code\": \"short-rubric\", \"title\": \"Changed\", \"skills\": "
	    "[{\"code\": \"calm\", \"title\": \"Calm voice\", \"anchors\": {\"1\": \"Loud\", "
	    "\"3\": \"Mixed\", \"5\": \"Calm\"}}]}], \"scenarios\": [{\"code\": \"fresh\", "
	    "\"title\": \"Fresh scenario\", \"crisis_type\": \"mania\", \"difficulty\": "
	    "\"advanced\", \"dispatch_brief\": \"Caller reports a man.\", \"role_player_brief\": "
	    "{\"character\": \"Andre, 35, fast.\"}, \"minutes\": 5, \"rubric_code\": "
	    "\"short-rubric\"}]}";
	scenario_import_report rep;
	assert_int_equal(
	    scenario_import(f->d, f->a, &f->sys, doc, strlen(doc), SCENARIO_IMPORT_UPSERT, &rep),
	    CK_E_INVALID);
	assert_int_equal(rep.n_problems, 1);
	assert_string_equal(rep.problems[0].item, "rubrics[0]");
	assert_non_null(strstr(rep.problems[0].message, "scored runs"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios WHERE code = 'fresh'"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubrics WHERE title = 'Changed'"), 0);
}

static const char *doc_with(authfx *f, const char *third_title, const char *rubric_title)
{
	return arena_printf(
	    f->a,
	    "{\"format\": \"citkit-scenarios\", \"version\": 1, \"rubrics\": [{\"code\": \"mini\", "
	    "\"title\": \"%s\", \"pass_mean\": 3.25, \"skills\": [{\"code\": \"calm\", \"title\": "
	    "\"Calm voice\", \"anchors\": {\"1\": \"Shouts\", \"3\": \"Mostly calm\", \"5\": "
	    "\"Calm\"}, \"weight\": 2, \"critical\": true}]}], \"scenarios\": ["
	    "{\"code\": \"one\", \"title\": \"First scenario\", \"crisis_type\": \"dementia\", "
	    "\"difficulty\": \"introductory\", \"dispatch_brief\": \"An older woman is lost.\", "
	    "\"role_player_brief\": {\"character\": \"Margaret, 84, polite.\", \"safety\": "
	    "\"Never run.\"}, \"objectives\": [\"Validate\", \"Reunite\"], \"minutes\": 5, "
	    "\"rubric_code\": \"mini\"},"
	    "{\"code\": \"two\", \"title\": \"Second scenario\", \"crisis_type\": \"ptsd\", "
	    "\"difficulty\": \"advanced\", \"dispatch_brief\": \"A veteran in a yard at night.\", "
	    "\"role_player_brief\": {\"character\": \"Sam, 39, watchful.\"}, \"minutes\": 8},"
	    "{\"code\": \"three\", \"title\": \"%s\", \"crisis_type\": \"youth\", \"difficulty\": "
	    "\"intermediate\", \"dispatch_brief\": \"A teen at a store at night.\", "
	    "\"role_player_brief\": {\"character\": \"Kayla, 15, guarded.\"}, \"minutes\": 7}]}",
	    rubric_title, third_title);
}

static bool has_problem(const scenario_import_report *rep, const char *item, const char *field)
{
	for (size_t i = 0; i < rep->n_problems; i++)
		if (!strcmp(rep->problems[i].item, item) &&
		    (!field || (rep->problems[i].field && !strcmp(rep->problems[i].field, field))))
			return true;
	return false;
}

static void import_all_or_nothing(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	scenario_import_report rep;
	/* One bad item (a two-letter title) spoils the whole file. */
	const char *bad = doc_with(f, "No", "Mini rubric");
	assert_int_equal(
	    scenario_import(f->d, f->a, &f->sys, bad, strlen(bad), SCENARIO_IMPORT_UPSERT, &rep),
	    CK_E_INVALID);
	assert_int_equal(rep.n_problems, 1);
	assert_true(has_problem(&rep, "scenarios[2]", "title"));
	assert_string_equal(rep.problems[0].code, "three");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM rubrics"), 0);
	/* Several problems at once, each reported. */
	const char *worse =
	    "{\"rubrics\": [{\"title\": \"No code\", \"skills\": []}, 7], \"scenarios\": ["
	    "{\"code\": \"a\", \"title\": \"Bad one\", \"crisis_type\": \"mania\", \"difficulty\": "
	    "\"hard\", \"dispatch_brief\": \"Some text here\", \"role_player_brief\": "
	    "{\"character\": \"Someone here\", \"mood\": \"x\"}, \"minutes\": 5, \"color\": 1},"
	    "{\"code\": \"a\", \"title\": \"Duplicate\", \"crisis_type\": \"mania\", "
	    "\"difficulty\": \"advanced\", \"dispatch_brief\": \"Some text here\", "
	    "\"role_player_brief\": {\"character\": \"Someone here\"}, \"minutes\": 5, "
	    "\"objectives\": [\"ok\", 3]}]}";
	assert_int_equal(scenario_import(f->d, f->a, &f->sys, worse, strlen(worse),
	                                 SCENARIO_IMPORT_UPSERT, &rep),
	                 CK_E_INVALID);
	assert_true(has_problem(&rep, "rubrics[0]", "skills"));
	assert_true(has_problem(&rep, "rubrics[1]", NULL));
	assert_true(has_problem(&rep, "scenarios[0]", "difficulty"));
	assert_true(has_problem(&rep, "scenarios[0]", "role_player_brief.mood"));
	assert_true(has_problem(&rep, "scenarios[0]", "color"));
	assert_true(has_problem(&rep, "scenarios[1]", "objectives[1]"));
	/* Not JSON, the wrong shape, an unknown rubric code. */
	assert_int_equal(scenario_import(f->d, f->a, &f->sys, "{\"rubrics\": [", 13,
	                                 SCENARIO_IMPORT_UPSERT, &rep),
	                 CK_E_INVALID);
	assert_string_equal(rep.problems[0].item, "file");
	assert_int_equal(
	    scenario_import(f->d, f->a, &f->sys, "[]", 2, SCENARIO_IMPORT_UPSERT, &rep),
	    CK_E_INVALID);
	const char *unknown = "{\"scenarios\": [{\"code\": \"u\", \"title\": \"Unknown rubric\", "
	                      "\"crisis_type\": \"other\", \"difficulty\": \"advanced\", "
	                      "\"dispatch_brief\": \"Some text here\", \"role_player_brief\": "
	                      "{\"character\": \"Someone here\"}, \"minutes\": 5, \"rubric_code\": "
	                      "\"nowhere\"}]}";
	assert_int_equal(scenario_import(f->d, f->a, &f->sys, unknown, strlen(unknown),
	                                 SCENARIO_IMPORT_UPSERT, &rep),
	                 CK_E_INVALID);
	assert_true(has_problem(&rep, "scenarios[0]", "rubric_code"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios"), 0);
	assert_int_equal(
	    count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'scenario.import'"), 0);
	/* Fixed: everything is created; again: unchanged; a change: updated. */
	const char *ok = doc_with(f, "Third scenario", "Mini rubric");
	principal officer = fx_as(f, t.officer), instructor = fx_as(f, t.instructor);
	assert_int_equal(
	    scenario_import(f->d, f->a, &officer, ok, strlen(ok), SCENARIO_IMPORT_UPSERT, &rep),
	    CK_E_FORBIDDEN);
	assert_int_equal(
	    scenario_import(f->d, f->a, &instructor, ok, strlen(ok), SCENARIO_IMPORT_UPSERT, &rep),
	    0);
	assert_int_equal(rep.created, 4);
	assert_int_equal(rep.n_items, 4);
	scenario s;
	assert_int_equal(scenario_get_by_code(f->d, f->a, &f->sys, "one", &s), 0);
	assert_string_equal(s.objectives, "Validate\nReunite");
	assert_string_equal(s.brief.safety, "Never run.");
	assert_string_equal(s.rubric_code, "mini");
	rubric r;
	assert_int_equal(rubric_get_by_code(f->d, f->a, &f->sys, "mini", &r), 0);
	assert_int_equal(r.pass_mean_x100, 325);
	assert_true(r.skills[0].is_critical);
	assert_int_equal(
	    scenario_import(f->d, f->a, &instructor, ok, strlen(ok), SCENARIO_IMPORT_UPSERT, &rep),
	    0);
	assert_int_equal(rep.unchanged, 4);
	assert_int_equal(rep.created + rep.updated, 0);
	const char *changed = doc_with(f, "Third scenario, revised", "Mini rubric");
	assert_int_equal(scenario_import(f->d, f->a, &instructor, changed, strlen(changed),
	                                 SCENARIO_IMPORT_UPSERT, &rep),
	                 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.unchanged, 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios WHERE title = 'Third scenario, "
	                          "revised'"),
	                 1);
	assert_int_equal(
	    count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'scenario.import'"), 3);
}

static void export_round_trip(void **state)
{
	authfx *f = *state;
	library(f);
	fx_exec(f, "UPDATE scenarios SET is_archived = 1 WHERE code = 'closing-time'");
	json_t *doc = NULL;
	assert_int_equal(scenario_export(f->d, f->a, &f->sys, &doc), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "scenarios")),
	                 count(f, "SELECT COUNT(*) FROM scenarios"));
	json_t *first = json_array_get(json_object_get(doc, "scenarios"), 0);
	assert_non_null(json_object_get(first, "role_player_brief"));
	assert_null(json_object_get(first, "id"));
	char *text = json_dumps(doc, 0);
	json_decref(doc);
	scenario_import_report rep;
	assert_int_equal(
	    scenario_import(f->d, f->a, &f->sys, text, strlen(text), SCENARIO_IMPORT_UPSERT, &rep),
	    0);
	free(text);
	assert_int_equal(rep.created + rep.updated, 0);
	assert_int_equal(rep.unchanged, rep.rubrics + rep.scenarios);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM scenarios WHERE is_archived = 1"), 1);
	assert_int_equal(
	    count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'scenario.export'"), 1);
}

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(library_loads_once),          CASE(officers_never_get_briefs),
	    CASE(bad_scenarios_write_nothing), CASE(create_update_archive),
	    CASE(list_filters_and_pages),      CASE(bad_rubrics_write_nothing),
	    CASE(rubric_in_use_cannot_change), CASE(import_all_or_nothing),
	    CASE(export_round_trip),
	};
	int failed = cmocka_run_group_tests_name("scenarios on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("scenarios on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
