/* test_curricula.c: the curriculum service on SQLite and PostgreSQL:
 * reading versions and modules, the approved choices of the course form,
 * names of components and instructor kinds; loading the national model;
 * deriving, editing and approving local versions; the guideline limits
 * in settings. Refused writes write nothing. */
#include "auth_fixture.h"

#include "auth/settings.h"

#include "training/curricula.h"
#include "training/curricula_model.h"
#include "training/guidelines.h"

/* A curriculum with one version of three modules, straight in SQL. */
static int64_t seed_version(authfx *f, const char *name, const char *kind, const char *status)
{
	int64_t cid = 0, vid = 0;
	assert_int_equal(db_query_int(f->d, &cid,
	                              "INSERT INTO curricula (name, kind, created_at) "
	                              "VALUES ($1, $2, 1700000000) RETURNING id",
	                              "tt", name, kind),
	                 DB_ROW);
	assert_int_equal(db_query_int(f->d, &vid,
	                              "INSERT INTO curriculum_versions (curriculum_id, version, "
	                              "title, status, approved_at, created_at, updated_at) "
	                              "VALUES ($1, 1, $2, $3, $4, 1700000000, 1700000000) "
	                              "RETURNING id",
	                              "itti", cid, name, status,
	                              (int64_t)(strcmp(status, "approved") ? 0 : 1700000100)),
	                 DB_ROW);
	const char *sql = "INSERT INTO curriculum_modules (version_id, code, position, day, title, "
	                  "component, minutes, objectives, instructor_kinds, is_required, "
	                  "model_minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	assert_int_equal(db_run(f->d, sql, "itiittittbi", vid, "role-play", (int64_t)2, (int64_t)5,
	                        "Role play", "scenarios", (int64_t)540, "Practise\nDebrief",
	                        "officer,role_player", 1, (int64_t)540),
	                 1);
	assert_int_equal(db_run(f->d, sql, "itiittittbn", vid, "local-history", (int64_t)3,
	                        (int64_t)1, "Our program", "program", (int64_t)30, "", "", 0),
	                 1);
	assert_int_equal(db_run(f->d, sql, "itiittittbi", vid, "overview", (int64_t)1, (int64_t)1,
	                        "Overview", "clinical", (int64_t)120, "Know signs", "clinician", 1,
	                        (int64_t)120),
	                 1);
	return vid;
}

static void version_and_modules(void **state)
{
	authfx *f = *state;
	int64_t vid = seed_version(f, "Pine Belt CIT", "local", "draft");
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &f->sys, vid, &v), 0);
	assert_string_equal(v.curriculum_name, "Pine Belt CIT");
	assert_string_equal(v.kind, "local");
	assert_string_equal(v.status, "draft");
	assert_int_equal(v.version, 1);
	assert_int_equal(v.total_minutes, 690);
	assert_int_equal(v.module_count, 3);
	assert_int_equal(v.approved_at, 0);
	assert_int_equal(curriculum_version_get(f->d, f->a, &f->sys, vid + 99, &v), CK_E_NOT_FOUND);

	curriculum_module *m;
	size_t n;
	assert_int_equal(curriculum_modules_list(f->d, f->a, vid, &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].code, "overview");
	assert_string_equal(m[1].code, "role-play");
	assert_string_equal(m[1].objectives, "Practise\nDebrief");
	assert_true(m[1].is_required);
	assert_int_equal(m[1].model_minutes, 540);
	assert_int_equal(m[1].day, 5);
	assert_string_equal(m[2].code, "local-history");
	assert_false(m[2].is_required);
	assert_int_equal(m[2].model_minutes, 0);
	assert_true(curriculum_module_taught_by(&m[1], "role_player"));
	assert_true(curriculum_module_taught_by(&m[1], "officer"));
	assert_false(curriculum_module_taught_by(&m[1], "office"));
	assert_false(curriculum_module_taught_by(&m[2], "officer"));
	assert_int_equal(curriculum_modules_list(f->d, f->a, vid + 99, &m, &n), 0);
	assert_int_equal(n, 0);
}

static void approved_choices_and_permissions(void **state)
{
	authfx *f = *state;
	int64_t model = seed_version(f, "National model", "model", "approved");
	int64_t local = seed_version(f, "Pine Belt CIT", "local", "approved");
	seed_version(f, "Draft only", "local", "draft");
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	principal coordinator = {.user_id = 9, .org_id = pd, .roles = ROLE_COORDINATOR};
	principal dispatcher = {.user_id = 10, .org_id = pd, .roles = ROLE_DISPATCHER};
	principal nobody = {0};
	curriculum_version *v;
	size_t n;
	assert_int_equal(curriculum_versions_approved(f->d, f->a, &coordinator, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, local); /* local first, then the model */
	assert_int_equal(v[1].id, model);
	assert_int_equal(curriculum_versions_approved(f->d, f->a, &dispatcher, &v, &n),
	                 CK_E_FORBIDDEN);
	assert_int_equal(curriculum_versions_approved(f->d, f->a, &nobody, &v, &n), CK_E_FORBIDDEN);
	curriculum_version one;
	assert_int_equal(curriculum_version_get(f->d, f->a, &nobody, local, &one), CK_E_FORBIDDEN);
	/* Anyone who reads courses reads the version a course names. */
	assert_int_equal(curriculum_version_get(f->d, f->a, &dispatcher, local, &one), 0);

	curriculum *c;
	assert_int_equal(curriculum_list(f->d, f->a, &coordinator, &c, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].kind, "model");
	assert_string_equal(c[1].name, "Draft only");
	assert_string_equal(c[1].latest_status, "draft");
	assert_int_equal(c[1].approved_version_id, 0);
	assert_int_equal(c[2].approved_version_id, local);
	int64_t local_curriculum = c[2].id;
	assert_int_equal(curriculum_list(f->d, f->a, &dispatcher, &c, &n), CK_E_FORBIDDEN);
	/* Keyset pages walk the same order (model first, then by name). */
	seed_version(f, "Also local", "local", "draft");
	curriculum *all, *page;
	size_t n_all;
	const char *next = NULL, *cursor = NULL;
	assert_int_equal(curriculum_list(f->d, f->a, &coordinator, &all, &n_all), 0);
	assert_int_equal(n_all, 4);
	size_t seen = 0;
	do {
		assert_int_equal(curriculum_page(f->d, f->a, &coordinator, 1, cursor, &page, &n, &next),
		                 0);
		assert_true(n <= 1);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(page[i].id, all[seen++].id);
		cursor = next;
	} while (next);
	assert_int_equal(seen, n_all);
	assert_int_equal(curriculum_page(f->d, f->a, &coordinator, 0, NULL, &page, &n, &next), 0);
	assert_int_equal(n, 4);
	assert_null(next);
	assert_int_equal(curriculum_page(f->d, f->a, &coordinator, 3, NULL, &page, &n, &next), 0);
	assert_int_equal(n, 3);
	assert_string_equal(next, arena_printf(f->a, "%lld", (long long)all[2].id));
	assert_int_equal(curriculum_page(f->d, f->a, &coordinator, 2, "x1", &page, &n, &next),
	                 CK_E_MALFORMED);
	assert_int_equal(curriculum_page(f->d, f->a, &coordinator, 2, "424242", &page, &n, &next),
	                 0);
	assert_int_equal(n, 0);
	assert_int_equal(curriculum_page(f->d, f->a, &dispatcher, 2, NULL, &page, &n, &next),
	                 CK_E_FORBIDDEN);
	assert_int_equal(
	    curriculum_versions_of(f->d, f->a, &coordinator, local_curriculum, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, local);
}

static void names_and_labels(void **state)
{
	(void)state;
	const char *const *c = curriculum_components();
	size_t n = 0;
	while (c[n])
		n++;
	assert_int_equal(n, 7);
	assert_string_equal(curriculum_component_label("deescalation"), "Verbal de-escalation");
	assert_string_equal(curriculum_component_label("zoo"), "zoo");
	assert_string_equal(curriculum_instructor_kinds()[3], "role_player");
	assert_string_equal(curriculum_instructor_kind_label("officer"), "Experienced officer");
}


/* The model loaded (once), a coordinator, and a derived local draft. */
typedef struct curfx {
	int64_t model, draft, org;
	principal coord;
} curfx;

static void cur_setup(authfx *f, curfx *c)
{
	bool loaded;
	assert_int_equal(curriculum_model_ensure(f->d, &loaded), 0);
	assert_true(loaded);
	assert_int_equal(curriculum_model_version(f->d, &c->model), 0);
	c->org = fx_org(f, "Pine Belt PD", "law_enforcement");
	c->coord = fx_as(f, fx_user(f, c->org, "coord@example.org", "Coco Ord", "coordinator", NULL));
	field_errors errs = {0};
	char from[24];
	snprintf(from, sizeof from, "%lld", (long long)c->model);
	assert_int_equal(curriculum_derive(f->d, f->a, &c->coord,
	                                   fx_kv(f, "from_version_id", from, "name", "Pine Belt CIT",
	                                         NULL),
	                                   &c->draft, &errs),
	                 0);
}

static const curriculum_module *by_code(authfx *f, int64_t version, const char *code,
                                        size_t *count)
{
	curriculum_module *m;
	size_t n;
	assert_int_equal(curriculum_modules_list(f->d, f->a, version, &m, &n), 0);
	if (count)
		*count = n;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].code, code))
			return &m[i];
	return NULL;
}

static const char *id_text(authfx *f, int64_t id)
{
	return arena_printf(f->a, "%lld", (long long)id);
}

static void model_loads_once(void **state)
{
	authfx *f = *state;
	bool loaded;
	assert_int_equal(curriculum_model_ensure(f->d, &loaded), 0);
	assert_true(loaded);
	assert_int_equal(curriculum_model_ensure(f->d, &loaded), 0);
	assert_false(loaded);
	int64_t vid;
	assert_int_equal(curriculum_model_version(f->d, &vid), 0);
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &f->sys, vid, &v), 0);
	assert_string_equal(v.kind, "model");
	assert_string_equal(v.status, "approved");
	assert_true(v.total_minutes >= 2400);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM curricula"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM curriculum_modules"), v.module_count);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'curriculum.model_load'"), 1);
	curriculum_module *m;
	size_t n;
	assert_int_equal(curriculum_modules_list(f->d, f->a, vid, &m, &n), 0);
	guideline_result r[GUIDELINE_RULES];
	bool ok = false;
	assert_int_equal(curriculum_check(f->d, f->a, m, n, r, &ok), 0);
	assert_true(ok);
}

static void derive_and_edit_a_draft(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &c.coord, c.draft, &v), 0);
	assert_string_equal(v.status, "draft");
	assert_string_equal(v.kind, "local");
	assert_string_equal(v.title, "Pine Belt CIT");
	assert_int_equal(v.version, 1);
	assert_int_equal(v.based_on_id, c.model);
	size_t n0;
	const curriculum_module *deesc = by_code(f, c.draft, "verbal-deescalation", &n0);
	assert_non_null(deesc);
	assert_true(deesc->is_required);
	assert_int_equal(deesc->model_minutes, 240);

	field_errors errs = {0};
	int64_t local;
	assert_int_equal(curriculum_module_add(f->d, f->a, &c.coord, c.draft,
	                                       fx_kv(f, "title", "Our county's crisis line",
	                                             "component", "resources", "minutes", "45",
	                                             "day", "4", "instructor_kinds",
	                                             "clinician,presenter", "objectives",
	                                             "Call it\nKnow its hours", NULL),
	                                       &local, &errs),
	                 0);
	size_t n;
	const curriculum_module *added = by_code(f, c.draft, "our-county-s-crisis-line", &n);
	assert_non_null(added);
	assert_int_equal(n, n0 + 1);
	assert_int_equal(added->position, (int)n);
	assert_int_equal(added->model_minutes, 0);
	assert_string_equal(added->instructor_kinds, "clinician,presenter");

	/* Re-time, rename and move a required module to the top. */
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, deesc->id,
	                                          fx_kv(f, "minutes", "300", "title",
	                                                "De-escalation", "position", "1", NULL),
	                                          &errs),
	                 0);
	const curriculum_module *after = by_code(f, c.draft, "verbal-deescalation", NULL);
	assert_int_equal(after->minutes, 300);
	assert_int_equal(after->model_minutes, 240);
	assert_string_equal(after->title, "De-escalation");
	assert_int_equal(after->position, 1);
	curriculum_module *m;
	assert_int_equal(curriculum_modules_list(f->d, f->a, c.draft, &m, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m[i].position, (int)i + 1);
	assert_string_equal(m[1].code, "welcome");

	/* A model module keeps its component; the code never changes. */
	errs.len = 0;
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, deesc->id,
	                                          fx_kv(f, "component", "program", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "component");

	/* Remove: a local or optional module goes, a required one stays. */
	assert_int_equal(curriculum_module_remove(f->d, f->a, &c.coord, local, &errs), 0);
	const curriculum_module *youth = by_code(f, c.draft, "youth-in-crisis", NULL);
	assert_int_equal(curriculum_module_remove(f->d, f->a, &c.coord, youth->id, &errs), 0);
	errs.len = 0;
	assert_int_equal(curriculum_module_remove(f->d, f->a, &c.coord, after->id, &errs),
	                 CK_E_CONFLICT);
	assert_non_null(strstr(errs.items[0].message, "required"));
	assert_int_equal(curriculum_modules_list(f->d, f->a, c.draft, &m, &n), 0);
	assert_int_equal(n, n0 - 1);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m[i].position, (int)i + 1);
	assert_int_equal(curriculum_version_update(f->d, f->a, &c.coord, c.draft,
	                                           fx_kv(f, "title", "Pine Belt 2026", NULL), &errs),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
	                             "'curriculum.%' AND action <> 'curriculum.model_load'"),
	                 6);
}

static void approve_only_when_rules_pass(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	field_errors errs = {0};
	const curriculum_module *play = by_code(f, c.draft, "role-play-2", NULL);
	/* 360 → 460: +27.8%, outside ±25%. */
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, play->id,
	                                          fx_kv(f, "minutes", "460", NULL), &errs),
	                 0);
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, c.draft, &errs), CK_E_CONFLICT);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "required.timing");
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &c.coord, c.draft, &v), 0);
	assert_string_equal(v.status, "draft");
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'curriculum.approve'"), 0);
	/* 450 is +25% exactly. */
	errs.len = 0;
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, play->id,
	                                          fx_kv(f, "minutes", "450", NULL), &errs),
	                 0);
	fx_advance(60);
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, c.draft, &errs), 0);
	assert_int_equal(curriculum_version_get(f->d, f->a, &c.coord, c.draft, &v), 0);
	assert_string_equal(v.status, "approved");
	assert_int_equal(v.approved_at, 1700000060);
	assert_int_equal(v.approved_by, c.coord.user_id);
	/* A higher threshold from settings makes the rules stricter. */
	assert_int_equal(settings_set(f->d, "guideline_total_minutes", "6000"), 0);
	guideline_limits l;
	assert_int_equal(guideline_limits_load(f->d, f->a, &l), 0);
	assert_int_equal(l.total, 6000);
}

static void approved_versions_are_immutable(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	field_errors errs = {0};
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, c.draft, &errs), 0);
	const curriculum_module *m = by_code(f, c.draft, "welcome", NULL);
	int64_t before = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	int64_t id;
	int64_t versions[] = {c.draft, c.model};
	for (size_t k = 0; k < 2; k++) {
		int64_t vid = versions[k];
		const curriculum_module *one = k ? by_code(f, vid, "welcome", NULL) : m;
		int rcs[5];
		field_errors e[5];
		memset(e, 0, sizeof e);
		rcs[0] = curriculum_module_update(f->d, f->a, &c.coord, one->id,
		                                  fx_kv(f, "minutes", "50", NULL), &e[0]);
		rcs[1] = curriculum_module_remove(f->d, f->a, &c.coord, one->id, &e[1]);
		rcs[2] = curriculum_module_add(f->d, f->a, &c.coord, vid,
		                               fx_kv(f, "title", "X", "component", "legal", "minutes",
		                                     "5", NULL),
		                               &id, &e[2]);
		rcs[3] = curriculum_version_update(f->d, f->a, &c.coord, vid,
		                                   fx_kv(f, "title", "Changed", NULL), &e[3]);
		rcs[4] = curriculum_approve(f->d, f->a, &c.coord, vid, &e[4]);
		for (size_t i = 0; i < 5; i++) {
			assert_int_equal(rcs[i], CK_E_CONFLICT);
			assert_string_equal(e[i].items[0].message,
			                    "approved versions cannot change; make a new version");
		}
	}
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), before);
	assert_int_equal(by_code(f, c.draft, "welcome", NULL)->minutes, 45);
}

static void new_version_from_an_approved_one(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	field_errors errs = {0};
	const curriculum_module *m = by_code(f, c.draft, "welcome", NULL);
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, m->id,
	                                          fx_kv(f, "minutes", "30", NULL), &errs),
	                 0);
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, c.draft, &errs), 0);
	int64_t v2;
	assert_int_equal(curriculum_derive(f->d, f->a, &c.coord,
	                                   fx_kv(f, "from_version_id", id_text(f, c.draft), NULL),
	                                   &v2, &errs),
	                 0);
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &c.coord, v2, &v), 0);
	assert_int_equal(v.version, 2);
	assert_string_equal(v.status, "draft");
	assert_int_equal(v.based_on_id, c.draft);
	assert_string_equal(v.curriculum_name, "Pine Belt CIT");
	const curriculum_module *copy = by_code(f, v2, "welcome", NULL);
	assert_int_equal(copy->minutes, 30);
	assert_int_equal(copy->model_minutes, 45);
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, copy->id,
	                                          fx_kv(f, "minutes", "40", NULL), &errs),
	                 0);
	assert_int_equal(by_code(f, c.draft, "welcome", NULL)->minutes, 30); /* v1 untouched */
	curriculum *items;
	size_t n;
	assert_int_equal(curriculum_list(f->d, f->a, &c.coord, &items, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(items[1].latest_version, 2);
	assert_string_equal(items[1].latest_status, "draft");
	assert_int_equal(items[1].approved_version_id, c.draft);
}

static void refused_writes_write_nothing(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	principal officer =
	    fx_as(f, fx_user(f, c.org, "off@example.org", "Ofc. Ode", "officer", NULL));
	principal instructor =
	    fx_as(f, fx_user(f, c.org, "ins@example.org", "Ina Long", "instructor", NULL));
	int64_t rows = fx_count(f, "SELECT COUNT(*) FROM curriculum_modules");
	int64_t versions = fx_count(f, "SELECT COUNT(*) FROM curriculum_versions");
	int64_t audits = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	field_errors errs = {0};
	int64_t id;
	const curriculum_module *m = by_code(f, c.draft, "welcome", NULL);
	kv *derive = fx_kv(f, "from_version_id", id_text(f, c.model), "name", "Other", NULL);
	assert_int_equal(curriculum_derive(f->d, f->a, &officer, derive, &id, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(curriculum_derive(f->d, f->a, &instructor, derive, &id, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(curriculum_module_update(f->d, f->a, &instructor, m->id,
	                                          fx_kv(f, "minutes", "50", NULL), &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(curriculum_approve(f->d, f->a, &officer, c.draft, &errs), CK_E_FORBIDDEN);
	curriculum_version v;
	assert_int_equal(curriculum_version_get(f->d, f->a, &instructor, c.draft, &v), 0);

	/* Bad input: every field named. */
	errs.len = 0;
	assert_int_equal(curriculum_module_add(f->d, f->a, &c.coord, c.draft,
	                                       fx_kv(f, "title", "", "component", "zoo", "minutes",
	                                             "0", "day", "6", "instructor_kinds", "chef",
	                                             "code", "Bad Code", NULL),
	                                       &id, &errs),
	                 CK_E_INVALID);
	const char *want[] = {"title", "component", "minutes", "day", "instructor_kinds", "code"};
	assert_int_equal(errs.len, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(errs.items[i].field, want[i]);
	errs.len = 0;
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, m->id,
	                                          fx_kv(f, "minutes", "-5", NULL), &errs),
	                 CK_E_INVALID);
	errs.len = 0;
	assert_int_equal(curriculum_derive(f->d, f->a, &c.coord,
	                                   fx_kv(f, "from_version_id", "999999", "name", "X", NULL),
	                                   &id, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "from_version_id");
	errs.len = 0;
	assert_int_equal(curriculum_derive(f->d, f->a, &c.coord,
	                                   fx_kv(f, "from_version_id", id_text(f, c.model), NULL),
	                                   &id, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "name");
	errs.len = 0;
	assert_int_equal(curriculum_derive(f->d, f->a, &c.coord,
	                                   fx_kv(f, "from_version_id", id_text(f, c.model), "name",
	                                         "Pine Belt CIT", NULL),
	                                   &id, &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "name");
	errs.len = 0;
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, 999999,
	                                          fx_kv(f, "minutes", "50", NULL), &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, 999999, &errs), CK_E_NOT_FOUND);
	/* A local module whose code is taken. */
	errs.len = 0;
	assert_int_equal(curriculum_module_add(f->d, f->a, &c.coord, c.draft,
	                                       fx_kv(f, "title", "T", "component", "legal",
	                                             "minutes", "5", "code", "welcome", NULL),
	                                       &id, &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "code");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM curriculum_modules"), rows);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM curriculum_versions"), versions);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM curricula"), 2);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audits);
}

static void guideline_limits_by_admins(void **state)
{
	authfx *f = *state;
	curfx c;
	cur_setup(f, &c);
	principal admin = fx_as(f, fx_user(f, c.org, "adm@example.org", "Ad Min", "admin", NULL));
	field_errors errs = {0};
	kv *in = fx_kv(f, "total", "2520", "scenarios", "600", "deescalation", "240",
	               "lived_experience", "120", "clinical", "720", "resources", "120", "legal", "60",
	               "retime_percent", "20", NULL);
	assert_int_equal(guideline_limits_save(f->d, f->a, &c.coord, in, &errs), CK_E_FORBIDDEN);
	assert_int_equal(guideline_limits_save(f->d, f->a, &admin,
	                                       fx_kv(f, "total", "-1", "legal", "x", NULL), &errs),
	                 CK_E_INVALID);
	assert_true(errs.len >= 7);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM settings WHERE name LIKE 'guideline_%'"), 0);
	errs.len = 0;
	assert_int_equal(guideline_limits_save(f->d, f->a, &admin, in, &errs), 0);
	guideline_limits l;
	assert_int_equal(guideline_limits_load(f->d, f->a, &l), 0);
	assert_int_equal(l.total, 2520);
	assert_int_equal(l.scenarios, 600);
	assert_int_equal(l.retime_percent, 20);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'guidelines.update'"), 1);
	/* The copy of the model (42 h, 11 h of scenarios) still meets the
	 * new minimums, but a 21% re-time is now outside the ±20%. */
	const curriculum_module *m = by_code(f, c.draft, "legal-issues", NULL);
	assert_int_equal(curriculum_module_update(f->d, f->a, &c.coord, m->id,
	                                          fx_kv(f, "minutes", "109", NULL), &errs),
	                 0);
	assert_int_equal(curriculum_approve(f->d, f->a, &c.coord, c.draft, &errs), CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "required.timing");
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(version_and_modules),
	    CASE(approved_choices_and_permissions),
	    CASE(names_and_labels),
	    CASE(model_loads_once),
	    CASE(derive_and_edit_a_draft),
	    CASE(approve_only_when_rules_pass),
	    CASE(approved_versions_are_immutable),
	    CASE(new_version_from_an_approved_one),
	    CASE(refused_writes_write_nothing),
	    CASE(guideline_limits_by_admins),
	};
	int failed = cmocka_run_group_tests_name("curricula on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("curricula on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
