/* test_settings.c: program settings on both engines. */
#include "auth_fixture.h"

#include "auth/settings.h"

static void absent_then_set_then_replaced(void **state)
{
	authfx *f = *state;
	const char *v = "x";
	assert_int_equal(settings_get(f->d, f->a, "program_name", &v), 0);
	assert_null(v);
	assert_int_equal(settings_set(f->d, "program_name", "Pine Belt Regional CIT"), 0);
	assert_int_equal(settings_get(f->d, f->a, "program_name", &v), 0);
	assert_string_equal(v, "Pine Belt Regional CIT");
	assert_int_equal(settings_set(f->d, "program_name", "Delta CIT"), 0);
	assert_int_equal(settings_get(f->d, f->a, "program_name", &v), 0);
	assert_string_equal(v, "Delta CIT");
}

static void a_default_never_replaces_a_value(void **state)
{
	authfx *f = *state;
	const char *v;
	assert_int_equal(settings_set_default(f->d, "program_name", "First"), 1);
	assert_int_equal(settings_set_default(f->d, "program_name", "Second"), 0);
	assert_int_equal(settings_get(f->d, f->a, "program_name", &v), 0);
	assert_string_equal(v, "First");
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
		CASE(absent_then_set_then_replaced),
		CASE(a_default_never_replaces_a_value),
	};
	int failed = cmocka_run_group_tests_name("settings on sqlite", cases,
						 fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("settings on postgres", cases, fx_pg_group_setup,
					      fx_pg_group_teardown);
	return failed;
}
