/* test_roster.c: roster CSV import: all rows or none, every bad row
 * reported with its line and field, line numbers right across quoted
 * newlines, CRLF and a BOM; header problems; permissions. */
#include "auth_fixture.h"

#include "auth/roster.h"

static int import(authfx *f, const principal *who, int64_t org_id, const char *csv,
                  roster_report *rep)
{
	return roster_import(f->d, f->a, who, org_id, csv, strlen(csv), rep);
}

static void expect_problem(const roster_report *rep, size_t i, int64_t line, const char *field,
                           const char *message_part)
{
	if (i >= rep->n_problems)
		fail_msg("expected a problem #%zu on line %lld, only %zu", i, (long long)line,
		         rep->n_problems);
	const roster_problem *p = &rep->problems[i];
	if (p->line != line || strcmp(p->field, field) != 0 || !strstr(p->message, message_part))
		fail_msg("problem #%zu: line %lld %s \"%s\"; expected line %lld %s \"%s\"", i,
		         (long long)p->line, p->field, p->message, (long long)line, field,
		         message_part);
}

static void imports_every_row(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	roster_report rep;
	const char *csv = "\xEF\xBB\xBF"
	                  "Name,EMAIL,roles,badge,title\r\n"
	                  "\"Reyes, Jo\",Jo.Reyes@PD.example,officer,1201,Officer\r\n"
	                  "\r\n"
	                  "Sam Lee,sam@pd.example,\"officer; supervisor\",1202,Sgt\r\n"
	                  "Kim Wu,kim@pd.example,instructor|officer,,\r\n";
	assert_int_equal(import(f, &f->sys, pd, csv, &rep), 0);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.imported, 3);
	assert_int_equal(rep.n_problems, 0);
	user u;
	assert_int_equal(user_get_by_email(f->d, f->a, &f->sys, "jo.reyes@pd.example", &u), 0);
	assert_string_equal(u.name, "Reyes, Jo");
	assert_int_equal(u.org_id, pd);
	assert_int_equal(u.roles, ROLE_OFFICER);
	assert_false(u.has_password);
	assert_true(u.is_active);
	assert_int_equal(user_get_by_email(f->d, f->a, &f->sys, "sam@pd.example", &u), 0);
	assert_int_equal(u.roles, ROLE_OFFICER | ROLE_SUPERVISOR);
	assert_int_equal(user_get_by_email(f->d, f->a, &f->sys, "kim@pd.example", &u), 0);
	assert_int_equal(u.roles, ROLE_OFFICER | ROLE_INSTRUCTOR);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' "
	                             "AND detail LIKE '%\"via\":\"roster\"%'"),
	                 3);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'roster.import'"), 1);
	audit_report ar;
	assert_int_equal(audit_verify(f->d, f->a, &ar), 0);
	assert_true(ar.ok);
}

static void one_bad_row_imports_nothing(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	int64_t before_audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	roster_report rep;
	const char *csv = "email,name,roles\n"
	                  "ok@pd.example,Fine Person,officer\n"    /* 2 */
	                  "not-an-email,Bad Email,officer\n"       /* 3 */
	                  "nameless@pd.example,,officer\n"         /* 4 */
	                  "\"multi\nline@pd.example\",Q,officer\n" /* 5-6 */
	                  "chief@pd.example,Chief,chief;officer\n" /* 7 */
	                  "OK@pd.example,Again,officer\n"          /* 8 */
	                  "short@pd.example,Short\n"               /* 9 */
	                  "none@pd.example,No Roles,\n";           /* 10 */
	assert_int_equal(import(f, &f->sys, pd, csv, &rep), CK_E_INVALID);
	assert_int_equal(rep.imported, 0);
	assert_int_equal(rep.rows, 9 - 1);
	expect_problem(&rep, 0, 3, "email", "email address");
	expect_problem(&rep, 1, 4, "name", "required");
	expect_problem(&rep, 2, 5, "email", "control characters");
	expect_problem(&rep, 3, 7, "roles", "unknown role \"chief\"");
	expect_problem(&rep, 4, 8, "email", "appears again (first on line 2)");
	expect_problem(&rep, 5, 9, "row", "has 2 fields but the header has 3");
	expect_problem(&rep, 6, 10, "roles", "required");
	assert_int_equal(rep.n_problems, 7);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), before_audit);
}

static void emails_already_present(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	fx_user(f, pd, "taken@pd.example", "Taken", "officer", NULL);
	roster_report rep;
	const char *csv =
	    "email,name,roles\nnew@pd.example,New,officer\nTAKEN@pd.example,T,officer\n";
	assert_int_equal(import(f, &f->sys, pd, csv, &rep), CK_E_INVALID);
	expect_problem(&rep, 0, 3, "email", "already used");
	assert_int_equal(rep.n_problems, 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 1);
}

/* One report lists every bad row: rows that are bad on their own and rows
 * whose email is already in the database, in line order. */
static void file_and_database_problems_together(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	fx_user(f, pd, "taken@pd.example", "Taken", "officer", NULL);
	roster_report rep;
	const char *csv = "email,name,roles\n"
	                  "taken@pd.example,T,officer\n"
	                  "new@pd.example,New,officer\n"
	                  "bad-email,Bad,officer\n"
	                  "other@pd.example,Other,chief\n";
	assert_int_equal(import(f, &f->sys, pd, csv, &rep), CK_E_INVALID);
	assert_int_equal(rep.n_problems, 3);
	expect_problem(&rep, 0, 2, "email", "already used");
	expect_problem(&rep, 1, 4, "email", "email address");
	expect_problem(&rep, 2, 5, "roles", "chief");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 1);
}

static void header_problems(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	roster_report rep;
	assert_int_equal(import(f, &f->sys, pd, "email,name,shoe,email\na@b.example,A,9,x\n", &rep),
	                 CK_E_INVALID);
	expect_problem(&rep, 0, 1, "header", "unknown column \"shoe\"");
	expect_problem(&rep, 1, 1, "header", "\"email\" twice");
	expect_problem(&rep, 2, 1, "header", "no \"roles\" column");
	assert_int_equal(rep.n_problems, 3);
	assert_int_equal(import(f, &f->sys, pd, "", &rep), CK_E_INVALID);
	expect_problem(&rep, 0, 0, "file", "empty");
	assert_int_equal(import(f, &f->sys, pd, "\n\n", &rep), CK_E_INVALID);
	expect_problem(&rep, 0, 0, "file", "empty");
	assert_int_equal(import(f, &f->sys, pd, "email,name,roles\n", &rep), CK_E_INVALID);
	expect_problem(&rep, 0, 0, "file", "no rows");
	assert_int_equal(roster_import(f->d, f->a, &f->sys, pd, "email\0name", 10, &rep),
	                 CK_E_INVALID);
	expect_problem(&rep, 0, 0, "file", "not a CSV text file");
}

static void malformed_csv(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	roster_report rep;
	assert_int_equal(
	    import(f, &f->sys, pd,
	           "email,name,roles\na@b.example,A,officer\nb@b.example,\"B\"x,officer\n", &rep),
	    CK_E_INVALID);
	expect_problem(&rep, 0, 3, "file", "not well-formed");
	assert_int_equal(
	    import(f, &f->sys, pd, "email,name,roles\na@b.example,\"A,officer\n", &rep),
	    CK_E_INVALID);
	expect_problem(&rep, 0, 2, "file", "closing quote");
	/* Old Mac line ends count as lines too. */
	assert_int_equal(
	    import(f, &f->sys, pd, "email,name,roles\ra@b.example,A,officer\rbad,B,officer", &rep),
	    CK_E_INVALID);
	expect_problem(&rep, 0, 3, "email", "email address");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 0);
}

static void who_may_import(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	int64_t coord = fx_user(f, pd, "co@pd.example", "Co", "coordinator", NULL);
	int64_t off = fx_user(f, pd, "of@pd.example", "Of", "officer,supervisor", NULL);
	principal pc = fx_as(f, coord), po = fx_as(f, off);
	roster_report rep;
	const char *csv = "email,name,roles\na@pd.example,A,officer\nb@pd.example,B,admin\n";
	assert_int_equal(import(f, &po, pd, csv, &rep), CK_E_FORBIDDEN);
	assert_int_equal(import(f, &pc, pd + 100, csv, &rep), CK_E_NOT_FOUND);
	assert_int_equal(import(f, &pc, pd, csv, &rep), CK_E_INVALID);
	expect_problem(&rep, 0, 3, "roles", "only an administrator");
	assert_int_equal(import(f, &pc, pd, "email,name,roles\na@pd.example,A,officer\n", &rep), 0);
	assert_int_equal(rep.imported, 1);
}

static void many_rows(void **state)
{
	authfx *f = *state;
	int64_t pd = fx_org(f, "PD", "law_enforcement");
	buf b;
	buf_init(&b, f->a);
	buf_puts(&b, "email,name,roles\n");
	for (int i = 0; i < 500; i++)
		buf_printf(&b, "officer%d@pd.example,Officer %d,officer\n", i, i);
	roster_report rep;
	assert_int_equal(import(f, &f->sys, pd, buf_str(&b), &rep), 0);
	assert_int_equal(rep.imported, 500);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 500);
	/* Every row bad: the report lists the first ROSTER_MAX_PROBLEMS. */
	buf_reset(&b);
	buf_puts(&b, "email,name,roles\n");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "bad%d,Officer,officer\n", i);
	assert_int_equal(import(f, &f->sys, pd, buf_str(&b), &rep), CK_E_INVALID);
	assert_int_equal(rep.n_problems, ROSTER_MAX_PROBLEMS);
	assert_int_equal(rep.more_problems, 100);
	expect_problem(&rep, 0, 2, "email", "email address");
	expect_problem(&rep, ROSTER_MAX_PROBLEMS - 1, ROSTER_MAX_PROBLEMS + 1, "email", "email");
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(imports_every_row),
	    CASE(one_bad_row_imports_nothing),
	    CASE(emails_already_present), CASE(file_and_database_problems_together),
	    CASE(header_problems),
	    CASE(malformed_csv),
	    CASE(who_may_import),
	    CASE(many_rows),
	};
	int failed = cmocka_run_group_tests_name("roster on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("roster on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
