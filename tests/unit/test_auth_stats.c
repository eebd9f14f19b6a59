/* test_auth_stats.c: the dashboard's program-wide counts, on SQLite and
 * PostgreSQL: each count sees exactly the rows it names, and only those
 * who see every organization's people may read them. */
#include "auth_fixture.h"

#include "auth/auth_stats.h"

static void counts_match_the_rows(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	fx_org(f, "Crisis Center", "mental_health");
	int64_t coord =
	    fx_user(f, pd, "coord@pd.example", "Casey Coordinator", "coordinator", NULL);
	fx_user(f, pd, "off1@pd.example", "Olive Officer", "officer",
	        "Quiet-Harbor-Lantern-1-Ferry");
	fx_user(f, pd, "off2@pd.example", "Oscar Officer", "officer", NULL);
	fx_user(f, pd, "off3@pd.example", "Omar Officer", "officer", NULL);
	int64_t admin = fx_user(f, pd, "admin@pd.example", "Ada Admin", "admin", NULL);
	fx_exec(f, "UPDATE users SET locked_at = 1 WHERE email = 'off2@pd.example'");
	fx_exec(f, "UPDATE users SET is_active = 0 WHERE email = 'off3@pd.example'");
	fx_exec(f, "UPDATE users SET totp_enabled_at = 1 WHERE email = 'admin@pd.example'");

	auth_stats st;
	principal who = fx_as(f, coord);
	assert_int_equal(auth_stats_get(f->d, &who, &st), 0);
	assert_int_equal(st.orgs, 2);
	assert_int_equal(st.users_active, 4);
	assert_int_equal(st.users_disabled, 1);
	assert_int_equal(st.users_locked, 1);
	/* Active without a password: everyone but off1. */
	assert_int_equal(st.users_no_password, 3);
	/* Admins and coordinators must use TOTP; only the coordinator lacks it. */
	assert_int_equal(st.users_no_totp, 1);

	who = fx_as(f, admin);
	assert_int_equal(auth_stats_get(f->d, &who, &st), 0);
	assert_int_equal(st.users_active, 4);
}

static void only_program_wide_readers(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	static const char *const refused[] = {"officer", "supervisor", "analyst", "instructor"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char email[64];
		snprintf(email, sizeof email, "%s@pd.example", refused[i]);
		principal who = fx_as(f, fx_user(f, pd, email, "Some One", refused[i], NULL));
		auth_stats st;
		assert_int_equal(auth_stats_get(f->d, &who, &st), CK_E_FORBIDDEN);
		assert_int_equal(st.orgs, 0);
	}
	assert_int_equal(auth_stats_get(f->d, NULL, &(auth_stats){0}), CK_E_FORBIDDEN);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(counts_match_the_rows),
	    CASE(only_program_wide_readers),
	};
	int failed = cmocka_run_group_tests_name("auth_stats on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("auth_stats on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
