/* test_users.c: people: scope (a supervisor sees only their own
 * organization, others' users are "not found"), validation with every
 * field's message, who may grant admin, partial updates audited with the
 * roles before and after, password changes, unlock and disable. */
#include "auth_fixture.h"

#include "auth/sessions.h"

typedef struct world {
	int64_t pd, so; /* two agencies */
	int64_t admin, coord, sup_pd, off_pd, off_so, analyst;
} world;

static world make_world(authfx *f)
{
	world w;
	w.pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	w.so = fx_org(f, "Forrest County SO", "law_enforcement");
	w.admin = fx_user(f, w.pd, "ada@pd.example", "Ada Admin", "admin", NULL);
	w.coord = fx_user(f, w.pd, "cole@pd.example", "Cole Coordinator", "coordinator", NULL);
	w.sup_pd = fx_user(f, w.pd, "sue@pd.example", "Sue Supervisor", "supervisor,officer", NULL);
	w.off_pd = fx_user(f, w.pd, "otto@pd.example", "Otto Officer", "officer", NULL);
	w.off_so = fx_user(f, w.so, "sam@so.example", "Sam Deputy", "officer", NULL);
	w.analyst = fx_user(f, w.so, "ann@so.example", "Ann Analyst", "analyst", NULL);
	return w;
}

static void supervisor_sees_own_org_only(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal sup = fx_as(f, w.sup_pd);
	user u;
	assert_int_equal(user_get(f->d, f->a, &sup, w.off_pd, &u), 0);
	assert_string_equal(u.email, "otto@pd.example");
	assert_int_equal(user_get(f->d, f->a, &sup, w.off_so, &u), CK_E_NOT_FOUND);
	assert_int_equal(user_get_by_email(f->d, f->a, &sup, "SAM@so.example", &u), CK_E_NOT_FOUND);
	user *items;
	size_t n;
	const char *next;
	/* Asking for the other agency by filter still yields only their own. */
	user_filter other = {.org_id = w.so, .active = -1};
	assert_int_equal(user_list(f->d, f->a, &sup, &other, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(user_list(f->d, f->a, &sup, NULL, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(items[i].org_id, w.pd);
}

static void managers_see_all(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	user *items;
	size_t n;
	const char *next;
	int64_t viewers[] = {w.admin, w.coord};
	for (size_t i = 0; i < 2; i++) {
		principal p = fx_as(f, viewers[i]);
		assert_int_equal(user_list(f->d, f->a, &p, NULL, 0, NULL, &items, &n, &next), 0);
		assert_int_equal(n, 6);
	}
	/* Analysts see every organization's data, but the permission table
	 * gives them no users.read: the people list is not theirs. */
	principal analyst = fx_as(f, w.analyst);
	assert_int_equal(user_list(f->d, f->a, &analyst, NULL, 0, NULL, &items, &n, &next),
	                 CK_E_FORBIDDEN);
	principal officer = fx_as(f, w.off_pd);
	assert_int_equal(user_list(f->d, f->a, &officer, NULL, 0, NULL, &items, &n, &next),
	                 CK_E_FORBIDDEN);
	/* Everyone reads themselves. */
	user u;
	assert_int_equal(user_get(f->d, f->a, &officer, w.off_pd, &u), 0);
	assert_int_equal(user_get(f->d, f->a, &officer, w.off_so, &u), CK_E_FORBIDDEN);
}

static void list_filters_and_pages(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	user *items;
	size_t n;
	const char *next;
	user_filter officers = {.role = ROLE_OFFICER, .active = -1};
	assert_int_equal(user_list(f->d, f->a, &f->sys, &officers, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 3);
	user_filter q = {.q = "DEPUTY", .active = -1};
	assert_int_equal(user_list(f->d, f->a, &f->sys, &q, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, w.off_so);
	user_filter wild = {.q = "%", .active = -1};
	assert_int_equal(user_list(f->d, f->a, &f->sys, &wild, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(user_disable(f->d, &f->sys, w.off_so), 0);
	user_filter inactive = {.active = 0};
	assert_int_equal(user_list(f->d, f->a, &f->sys, &inactive, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	/* By name, in pages of four. */
	assert_int_equal(user_list(f->d, f->a, &f->sys, NULL, 4, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 4);
	assert_string_equal(items[0].name, "Ada Admin");
	assert_string_equal(items[1].name, "Ann Analyst");
	assert_non_null(next);
	assert_int_equal(user_list(f->d, f->a, &f->sys, NULL, 4, next, &items, &n, &next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[1].name, "Sue Supervisor");
	assert_null(next);
}

static void create_reports_every_field(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	field_errors errs = {0};
	int64_t id;
	kv *in = fx_kv(f, "email", "not-an-email", "name", "", "org_id", "999", "roles", "chief",
	               "password", "short", NULL);
	assert_int_equal(user_create(f->d, f->a, &f->sys, in, &id, &errs), CK_E_INVALID);
	assert_int_equal(errs.len, 4); /* email, name, roles, password; org checked later */
	const char *fields[] = {"email", "name", "roles", "password"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(errs.items[i].field, fields[i]);
	errs.len = 0;
	in = fx_kv(f, "email", "Otto@PD.example", "name", "Otto Again", "org_id", "999", "roles",
	           "officer", NULL);
	assert_int_equal(user_create(f->d, f->a, &f->sys, in, &id, &errs), CK_E_INVALID);
	assert_int_equal(errs.len, 2);
	assert_string_equal(errs.items[0].field, "org_id");
	assert_string_equal(errs.items[1].field, "email");
	/* The taken email alone is a conflict, still named field by field. */
	errs.len = 0;
	char org_text[24];
	snprintf(org_text, sizeof org_text, "%lld", (long long)w.pd);
	in = fx_kv(f, "email", "Otto@PD.example", "name", "Otto Again", "org_id", org_text, "roles",
	           "officer", NULL);
	assert_int_equal(user_create(f->d, f->a, &f->sys, in, &id, &errs), CK_E_CONFLICT);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "email");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users"), 6);
}

static void create_with_password_and_audit(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal coord = fx_as(f, w.coord);
	field_errors errs = {0};
	int64_t id;
	char org_text[24];
	snprintf(org_text, sizeof org_text, "%lld", (long long)w.so);
	kv *in = fx_kv(f, "email", "Nia@SO.example", "name", "Nia Clinician", "org_id", org_text,
	               "roles", "clinician", "password", "tangerine harbor mosaic", NULL);
	kv_add(in, "roles", "instructor", strlen("instructor"));
	assert_int_equal(user_create(f->d, f->a, &coord, in, &id, &errs), 0);
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, id, &u), 0);
	assert_string_equal(u.email, "nia@so.example");
	assert_int_equal(u.roles, ROLE_CLINICIAN | ROLE_INSTRUCTOR);
	assert_true(u.has_password);
	assert_true(u.is_active);
	assert_int_equal(u.password_changed_at, 1700000000);
	audit_entry *items;
	size_t n;
	const char *next;
	audit_filter by = {.user_id = w.coord, .action = "user.create"};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &by, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(items[0].detail, "\"roles\":[\"instructor\",\"clinician\"]"));
	assert_null(strstr(items[0].detail, "tangerine"));
}

static void only_admins_grant_admin(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal coord = fx_as(f, w.coord);
	principal admin = fx_as(f, w.admin);
	field_errors errs = {0};
	int64_t id;
	char org_text[24];
	snprintf(org_text, sizeof org_text, "%lld", (long long)w.pd);
	kv *in = fx_kv(f, "email", "x@pd.example", "name", "X", "org_id", org_text, "roles",
	               "admin", NULL);
	assert_int_equal(user_create(f->d, f->a, &coord, in, &id, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "roles");
	errs.len = 0;
	/* Nor promote someone, nor touch an admin. */
	assert_int_equal(user_update(f->d, f->a, &coord, w.off_pd,
	                             fx_kv(f, "roles", "officer,admin", NULL), &errs),
	                 CK_E_INVALID);
	errs.len = 0;
	assert_int_equal(
	    user_update(f->d, f->a, &coord, w.admin, fx_kv(f, "name", "A", NULL), &errs),
	    CK_E_FORBIDDEN);
	assert_int_equal(user_disable(f->d, &coord, w.admin), CK_E_FORBIDDEN);
	assert_int_equal(
	    user_set_password(f->d, f->a, &coord, w.admin, NULL, "plausible new passphrase", &errs),
	    CK_E_FORBIDDEN);
	/* An admin may, but not demote or disable themselves. */
	assert_int_equal(user_update(f->d, f->a, &admin, w.off_pd,
	                             fx_kv(f, "roles", "officer,admin", NULL), &errs),
	                 0);
	assert_int_equal(
	    user_update(f->d, f->a, &admin, w.admin, fx_kv(f, "roles", "officer", NULL), &errs),
	    CK_E_INVALID);
	assert_int_equal(user_disable(f->d, &admin, w.admin), CK_E_CONFLICT);
}

static void update_is_partial_and_audited(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	principal coord = fx_as(f, w.coord);
	field_errors errs = {0};
	assert_int_equal(user_update(f->d, f->a, &coord, w.off_pd,
	                             fx_kv(f, "roles", "officer|supervisor", NULL), &errs),
	                 CK_E_INVALID); /* "|" is the roster's separator, not the form's */
	errs.len = 0;
	assert_int_equal(user_update(f->d, f->a, &coord, w.off_pd,
	                             fx_kv(f, "roles", "officer,supervisor", NULL), &errs),
	                 0);
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, w.off_pd, &u), 0);
	assert_int_equal(u.roles, ROLE_OFFICER | ROLE_SUPERVISOR);
	assert_string_equal(u.name, "Otto Officer");
	assert_int_equal(u.org_id, w.pd);
	audit_entry *items;
	size_t n;
	const char *next;
	audit_filter roles = {.action = "user.roles"};
	assert_int_equal(audit_list(f->d, f->a, &f->sys, &roles, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].detail, "{\"after\":{\"roles\":[\"officer\",\"supervisor\"]},"
	                                     "\"before\":{\"roles\":[\"officer\"]}}");
	/* Email taken (a conflict); moving to a missing org (invalid). */
	assert_int_equal(user_update(f->d, f->a, &coord, w.off_pd,
	                             fx_kv(f, "email", "sam@so.example", NULL), &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].field, "email");
	errs.len = 0;
	assert_int_equal(
	    user_update(f->d, f->a, &coord, w.off_pd, fx_kv(f, "org_id", "77", NULL), &errs),
	    CK_E_INVALID);
	errs.len = 0;
	/* Sending the same values changes and audits nothing. */
	int64_t before = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(user_update(f->d, f->a, &coord, w.off_pd,
	                             fx_kv(f, "name", "Otto Officer", NULL), &errs),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), before);
	assert_int_equal(user_update(f->d, f->a, &coord, 4242, fx_kv(f, "name", "Z", NULL), &errs),
	                 CK_E_NOT_FOUND);
}

static void deactivating_ends_sessions(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	session_new s;
	principal p;
	assert_int_equal(session_create(f->d, f->a, w.off_pd, true, "192.0.2.1", "test", &s), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, "192.0.2.1", &p), 0);
	field_errors errs = {0};
	assert_int_equal(
	    user_update(f->d, f->a, &f->sys, w.off_pd, fx_kv(f, "is_active", "0", NULL), &errs), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, "192.0.2.1", &p), CK_E_UNAUTHORIZED);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL"), 0);
}

static void password_change_rules(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	int64_t id =
	    fx_user(f, w.pd, "pat@pd.example", "Pat Lee", "officer", "first quiet passphrase");
	principal pat = fx_as(f, id);
	session_new keep, other;
	assert_int_equal(session_create(f->d, f->a, id, true, NULL, NULL, &keep), 0);
	assert_int_equal(session_create(f->d, f->a, id, true, NULL, NULL, &other), 0);
	pat.session_id = keep.id;
	field_errors errs = {0};
	assert_int_equal(user_set_password(f->d, f->a, &pat, id, "wrong one entirely",
	                                   "second quiet passphrase", &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "current_password");
	errs.len = 0;
	assert_int_equal(user_set_password(f->d, f->a, &pat, id, "first quiet passphrase",
	                                   "password12345", &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "password");
	assert_string_equal(errs.items[0].message,
	                    "is a common password with only digits, symbols or repeats added");
	errs.len = 0;
	assert_int_equal(user_set_password(f->d, f->a, &pat, id, "first quiet passphrase",
	                                   "second quiet passphrase", &errs),
	                 0);
	principal p;
	assert_int_equal(session_identify(f->d, f->a, keep.token, NULL, &p), 0);
	assert_int_equal(session_identify(f->d, f->a, other.token, NULL, &p), CK_E_UNAUTHORIZED);
	/* Someone else's password: only with users.write, and no current one. */
	principal otto = fx_as(f, w.off_pd);
	assert_int_equal(
	    user_set_password(f->d, f->a, &otto, id, NULL, "third quiet passphrase", &errs),
	    CK_E_FORBIDDEN);
	principal coord = fx_as(f, w.coord);
	assert_int_equal(
	    user_set_password(f->d, f->a, &coord, id, NULL, "third quiet passphrase", &errs), 0);
	assert_int_equal(session_identify(f->d, f->a, keep.token, NULL, &p), CK_E_UNAUTHORIZED);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action IN "
	                             "('password.change', 'password.reset')"),
	                 2);
}

static void unlock_needs_admin(void **state)
{
	authfx *f = *state;
	world w = make_world(f);
	fx_exec(f, "UPDATE users SET locked_at = 1 WHERE email = 'otto@pd.example'");
	principal coord = fx_as(f, w.coord);
	principal admin = fx_as(f, w.admin);
	assert_int_equal(user_unlock(f->d, &coord, w.off_pd), CK_E_FORBIDDEN);
	assert_int_equal(user_unlock(f->d, &admin, w.off_pd), 0);
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, w.off_pd, &u), 0);
	assert_false(u.is_locked);
	assert_int_equal(user_unlock(f->d, &admin, 999), CK_E_NOT_FOUND);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.unlock'"), 1);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(supervisor_sees_own_org_only),   CASE(managers_see_all),
	    CASE(list_filters_and_pages),         CASE(create_reports_every_field),
	    CASE(create_with_password_and_audit), CASE(only_admins_grant_admin),
	    CASE(update_is_partial_and_audited),  CASE(deactivating_ends_sessions),
	    CASE(password_change_rules),          CASE(unlock_needs_admin),
	};
	int failed = cmocka_run_group_tests_name("users on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("users on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
