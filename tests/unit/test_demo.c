/* test_demo.c: the demo program loads through the services on both
 * databases: six partners, every role held by someone, each printed login
 * really signs in with its password, the finished course's certificates
 * signed by the coordinator at the course's end, a second run adds nothing,
 * and the
 * audit chain it leaves is intact. */
#include "auth_fixture.h"

#include "credentials/certificates.h"
#include "demo/demo.h"

static int64_t count_role(authfx *f, role bit)
{
	db_stmt *s;
	int64_t n = -1;
	assert_int_equal(db_prepare(f->d, "SELECT count(*) FROM users WHERE (roles & $1) <> 0", &s),
	                 0);
	db_bind_int(s, 1, bit);
	if (db_step(s) == DB_ROW)
		n = db_col_int(s, 0);
	db_finish(s);
	return n;
}

static void loads_partners_roles_and_logins(void **state)
{
	authfx *f = *state;
	demo_result r;
	char err[256] = "";
	if (demo_load(f->d, f->a, &f->sys, &r, err, sizeof err))
		fail_msg("demo_load: %s", err);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM orgs"), 6);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM users"), (int64_t)demo_login_count());
	assert_true(r.created > 0);
	for (unsigned bit = 1; bit < (1u << ROLE_COUNT); bit <<= 1)
		if (count_role(f, (role)bit) < 1)
			fail_msg("no demo user holds the role %s", role_name((role)bit));
	assert_int_equal(fx_count(f, "SELECT count(*) FROM settings WHERE name = 'program_name'"),
	                 1);
	/* The scenario runs: in the finished course every trainee passed the
	 * two the completion rule asks for (one failed one first); in the
	 * course in progress one run is live. */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM scenario_runs WHERE result = 'pass'"), 6);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM scenario_runs WHERE result = 'fail'"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM scenario_runs WHERE status = 'live'"), 1);
	assert_true(fx_count(f, "SELECT count(*) FROM run_events") > 20);
	/* The finished course's certificates: signed by the coordinator and
	 * dated when its last session ended; expiry and refresher follow. */
	assert_true(fx_count(f, "SELECT count(*) FROM certificates") > 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM certificates c JOIN users u ON "
	                             "u.id = c.issued_by WHERE u.email = "
	                             "'coordinator@pinebeltcit.example'"),
	                 fx_count(f, "SELECT count(*) FROM certificates"));
	assert_int_equal(fx_count(f, "SELECT count(*) FROM certificates c WHERE c.issued_at <> "
	                             "(SELECT max(s.ends_at) FROM course_sessions s "
	                             "WHERE s.course_id = c.course_id)"),
	                 0);
	db_stmt *cs;
	assert_int_equal(db_prepare(f->d, "SELECT issued_at, refresher_due_at FROM certificates",
	                            &cs),
	                 0);
	while (db_step(cs) == DB_ROW)
		assert_int_equal(db_col_int(cs, 1), certificate_add_months(db_col_int(cs, 0), CERT_DEFAULT_REFRESHER_MONTHS));
	db_finish(cs);
	/* Each printed login signs in with its printed password. */
	for (size_t i = 0; i < demo_login_count(); i++) {
		demo_login l = demo_login_at(i);
		db_stmt *s;
		assert_int_equal(
		    db_prepare(f->d, "SELECT password_hash FROM users WHERE email = $1", &s), 0);
		db_bind_text(s, 1, l.email);
		assert_int_equal(db_step(s), DB_ROW);
		bool is_right = crypto_password_verify(db_col_text(s, 0), l.password);
		db_finish(s);
		if (!is_right)
			fail_msg("the printed password of %s does not sign in", l.email);
	}
}

static void second_run_adds_nothing(void **state)
{
	authfx *f = *state;
	demo_result r;
	char err[256] = "";
	assert_int_equal(demo_load(f->d, f->a, &f->sys, &r, err, sizeof err), 0);
	int64_t users = fx_count(f, "SELECT count(*) FROM users");
	int64_t audit = fx_count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(demo_load(f->d, f->a, &f->sys, &r, err, sizeof err), 0);
	assert_int_equal(r.created, 0);
	assert_true(r.existing > 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM users"), users);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM audit_log"), audit);
	audit_report rep;
	assert_int_equal(audit_verify(f->d, f->a, &rep), 0);
	if (!rep.ok)
		fail_msg("audit chain after the demo: %s", rep.problem);
	assert_true(rep.rows >= users);
}

int main(void)
{
#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)
	const struct CMUnitTest cases[] = {
	    CASE(loads_partners_roles_and_logins),
	    CASE(second_run_adds_nothing),
	};
	int failed = cmocka_run_group_tests_name("demo on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("demo on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed;
}
