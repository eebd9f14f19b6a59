/* test_curricula.c: the curriculum service on SQLite and PostgreSQL:
 * reading versions and modules, the approved choices of the course form,
 * names of components and instructor kinds. */
#include "auth_fixture.h"

#include "training/curricula.h"

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

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(version_and_modules),
	    CASE(approved_choices_and_permissions),
	    CASE(names_and_labels),
	};
	int failed = cmocka_run_group_tests_name("curricula on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("curricula on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
