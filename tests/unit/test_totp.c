/* test_totp.c: the second factor. Codes are computed here with liboath
 * from the enrolled secret at the test's clock, as an authenticator app
 * would: enrolment needs a right code; sign-in with TOTP waits for one;
 * every code is accepted once; the window is one step either way; wrong
 * codes count toward the lockout; an admin can reset. */
#include "auth_fixture.h"

#include <liboath/oath.h>

#include "auth/login.h"
#include "auth/sessions.h"
#include "auth/totp.h"

#define PW "amber canyon lighthouse"

/* The code an app shows at the test clock plus offset seconds. */
static const char *code_at(authfx *f, const char *secret_b32, int64_t offset)
{
	char *raw = NULL;
	size_t len = 0;
	char *out = arena_alloc(f->a, 8);
	assert_int_equal(oath_init(), OATH_OK);
	assert_int_equal(oath_base32_decode(secret_b32, strlen(secret_b32), &raw, &len), OATH_OK);
	assert_int_equal(
	    oath_totp_generate(raw, len, (time_t)(fx_now_cs / 100 + offset), 30, 0, 6, out),
	    OATH_OK);
	free(raw);
	return out;
}

typedef struct enrolled {
	int64_t id;
	principal who;
	const char *secret;
} enrolled;

static enrolled enrol(authfx *f, const char *roles)
{
	enrolled e;
	int64_t org_id = fx_org(f, "PD", "law_enforcement");
	e.id = fx_user(f, org_id, "lee@pd.example", "Lee Park", roles, PW);
	e.who = fx_as(f, e.id);
	totp_enrolment t;
	assert_int_equal(totp_enrol_start(f->d, f->a, &e.who, &t), 0);
	e.secret = t.secret;
	assert_int_equal(totp_enrol_confirm(f->d, &e.who, code_at(f, e.secret, 0)), 0);
	fx_advance(30); /* the next code is a new one */
	return e;
}

static void enrolment(void **state)
{
	authfx *f = *state;
	int64_t org_id = fx_org(f, "PD", "law_enforcement");
	int64_t id = fx_user(f, org_id, "lee@pd.example", "Lee Park", "admin", NULL);
	principal who = fx_as(f, id);
	totp_enrolment t, again;
	assert_int_equal(totp_enrol_pending(f->d, f->a, &who, &t), CK_E_NOT_FOUND);
	assert_int_equal(totp_enrol_start(f->d, f->a, &who, &t), 0);
	assert_int_equal(strlen(t.secret), 32);
	assert_string_equal(t.uri, arena_printf(f->a,
	                                        "otpauth://totp/Pine%%20Belt%%20CIT:lee%%40pd."
	                                        "example?secret=%s&issuer=Pine%%20Belt%%20CIT"
	                                        "&algorithm=SHA1&digits=6&period=30",
	                                        t.secret));
	assert_int_equal(totp_enrol_pending(f->d, f->a, &who, &again), 0);
	assert_string_equal(again.secret, t.secret);
	/* Not enrolled until confirmed with a right code. */
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, id, &u), 0);
	assert_false(u.totp_enabled);
	const char *right = code_at(f, t.secret, 0);
	char wrong[8];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(right) + 1) % 1000000);
	assert_int_equal(totp_enrol_confirm(f->d, &who, wrong), CK_E_BAD_LOGIN);
	assert_int_equal(totp_enrol_confirm(f->d, &who, "abc"), CK_E_BAD_LOGIN);
	/* As apps show it, with a space in the middle. */
	char spaced[8];
	snprintf(spaced, sizeof spaced, "%.3s %s", right, right + 3);
	assert_int_equal(totp_enrol_confirm(f->d, &who, spaced), 0);
	assert_int_equal(user_get(f->d, f->a, &f->sys, id, &u), 0);
	assert_true(u.totp_enabled);
	assert_int_equal(totp_enrol_start(f->d, f->a, &who, &t), CK_E_CONFLICT);
	assert_int_equal(totp_enrol_confirm(f->d, &who, right), CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'totp.enrol'"),
	                 1);
}

static void sign_in_waits_for_the_code(void **state)
{
	authfx *f = *state;
	enrolled e = enrol(f, "officer");
	session_new s;
	assert_int_equal(login_password(f->d, f->a, "lee@pd.example", PW, NULL, NULL, &s), 0);
	assert_true(s.mfa_pending);
	principal p;
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_true(p.mfa_pending);
	/* Nothing else works meanwhile: services treat it as not signed in. */
	org *orgs;
	size_t n;
	const char *next;
	assert_int_equal(org_list(f->d, f->a, &p, 0, NULL, &orgs, &n, &next), CK_E_FORBIDDEN);
	const char *right = code_at(f, e.secret, 0);
	char wrong[8];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(right) + 500000) % 1000000);
	assert_int_equal(login_totp(f->d, &p, wrong), CK_E_BAD_LOGIN);
	assert_int_equal(login_totp(f->d, &p, right), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_false(p.mfa_pending);
	assert_int_equal(org_list(f->d, f->a, &p, 0, NULL, &orgs, &n, &next), 0);
	assert_int_equal(login_totp(f->d, &p, code_at(f, e.secret, 0)), CK_E_CONFLICT);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.totp'"),
	                 1);
}

static void each_code_once(void **state)
{
	authfx *f = *state;
	enrolled e = enrol(f, "officer");
	const char *code = code_at(f, e.secret, 0);
	bool ok;
	assert_int_equal(totp_check(f->d, e.id, code, &ok), 0);
	assert_true(ok);
	assert_int_equal(totp_check(f->d, e.id, code, &ok), 0);
	assert_false(ok);
	/* The step before is inside the window but older than the one used. */
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, -30), &ok), 0);
	assert_false(ok);
	/* The next step (a phone's clock a little ahead) is accepted once. */
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 30), &ok), 0);
	assert_true(ok);
	fx_advance(120);
	/* Two steps away is outside the window. */
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, -60), &ok), 0);
	assert_false(ok);
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 60), &ok), 0);
	assert_false(ok);
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, -30), &ok), 0);
	assert_true(ok);
}

static void wrong_codes_lock_the_account(void **state)
{
	authfx *f = *state;
	enrolled e = enrol(f, "officer");
	session_new s;
	principal p;
	assert_int_equal(login_password(f->d, f->a, "lee@pd.example", PW, NULL, NULL, &s), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	const char *right = code_at(f, e.secret, 0);
	char wrong[8];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(right) + 500000) % 1000000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_totp(f->d, &p, wrong), CK_E_BAD_LOGIN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users WHERE locked_at IS NOT NULL"), 1);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), CK_E_UNAUTHORIZED);
}

static void admin_resets(void **state)
{
	authfx *f = *state;
	enrolled e = enrol(f, "officer");
	int64_t boss = fx_user(f, e.who.org_id, "boss@pd.example", "Boss", "admin", NULL);
	int64_t coord = fx_user(f, e.who.org_id, "co@pd.example", "Co", "coordinator", NULL);
	principal pc = fx_as(f, coord), pb = fx_as(f, boss);
	assert_int_equal(totp_reset(f->d, &pc, e.id), CK_E_FORBIDDEN);
	assert_int_equal(totp_reset(f->d, &pb, e.id), 0);
	user u;
	assert_int_equal(user_get(f->d, f->a, &f->sys, e.id, &u), 0);
	assert_false(u.totp_enabled);
	session_new s;
	assert_int_equal(login_password(f->d, f->a, "lee@pd.example", PW, NULL, NULL, &s), 0);
	assert_false(s.mfa_pending);
	assert_int_equal(totp_reset(f->d, &pb, 999), CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'totp.reset'"),
	                 1);
}

static void set_secret(unsigned char fill)
{
	auth_policy p = *auth_policy_get();
	p.has_secret = fill != 0;
	memset(p.secret, fill, sizeof p.secret);
	auth_policy_set(&p);
}

static void secrets_sealed_at_rest(void **state)
{
	authfx *f = *state;
	set_secret(0x42);
	enrolled e = enrol(f, "officer");
	int64_t other = fx_user(f, e.who.org_id, "kim@pd.example", "Kim", "officer", NULL);
	int64_t n = -1;
	assert_int_equal(
	    db_query_int(f->d, &n,
	                 "SELECT COUNT(*) FROM users WHERE totp_secret LIKE 'sealed:%' "
	                 "AND totp_secret NOT LIKE '%' || $1 || '%'",
	                 "t", e.secret),
	    DB_ROW);
	assert_int_equal(n, 1);
	bool ok;
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 0), &ok), 0);
	assert_true(ok);
	/* Copied onto another account, it does not open there. */
	fx_exec(f, "UPDATE users SET totp_secret = (SELECT totp_secret FROM users WHERE "
	           "email = 'lee@pd.example'), totp_enabled_at = 1 WHERE email = 'kim@pd.example'");
	fx_advance(30);
	assert_int_equal(totp_check(f->d, other, code_at(f, e.secret, 0), &ok), 0);
	assert_false(ok);
	/* Another secret key (or none): the second factor cannot be checked. */
	set_secret(0x43);
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 0), &ok), 0);
	assert_false(ok);
	set_secret(0);
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 0), &ok), 0);
	assert_false(ok);
	set_secret(0x42);
	assert_int_equal(totp_check(f->d, e.id, code_at(f, e.secret, 0), &ok), 0);
	assert_true(ok);
	/* The pending page shows the plain secret again. */
	int64_t third = fx_user(f, e.who.org_id, "ray@pd.example", "Ray", "officer", NULL);
	principal pr = fx_as(f, third);
	totp_enrolment t, again;
	assert_int_equal(totp_enrol_start(f->d, f->a, &pr, &t), 0);
	assert_int_equal(totp_enrol_pending(f->d, f->a, &pr, &again), 0);
	assert_string_equal(t.secret, again.secret);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(enrolment),      CASE(sign_in_waits_for_the_code),
	    CASE(each_code_once), CASE(wrong_codes_lock_the_account),
	    CASE(admin_resets),   CASE(secrets_sealed_at_rest),
	};
	int failed = cmocka_run_group_tests_name("totp on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("totp on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
