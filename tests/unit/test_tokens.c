/* test_tokens.c: API tokens: shown once and stored hashed; identify
 * refuses revoked, expired, disabled and locked; last_used_at at most once
 * a minute; listing and revoking one's own (an admin any). Runs on SQLite
 * and PostgreSQL. */
#include "auth_fixture.h"

#include "auth/tokens.h"

static int64_t org_id_of(authfx *f)
{
	return fx_org(f, "PD", "law_enforcement");
}

static const char *create(authfx *f, const principal *who, int64_t user_id, const char *name,
                          const char *expires, int64_t *id)
{
	field_errors errs = {0};
	const char *plain = NULL;
	kv *in = expires ? fx_kv(f, "name", name, "expires_at", expires, NULL)
	                 : fx_kv(f, "name", name, NULL);
	int rc = token_create(f->d, f->a, who, user_id, in, id, &plain, &errs);
	if (rc < 0)
		fail_msg("token_create: %d %s", rc, errs.len ? errs.items[0].message : "");
	return plain;
}

static void created_once_stored_hashed(void **state)
{
	authfx *f = *state;
	int64_t uid = fx_user(f, org_id_of(f), "int@pd.example", "Integrator", "analyst", NULL);
	principal me = fx_as(f, uid);
	int64_t id;
	const char *plain = create(f, &me, 0, "reporting", NULL, &id);
	assert_int_equal(strlen(plain), 46);
	assert_int_equal(strncmp(plain, "ck_", 3), 0);
	char hash[CRYPTO_HASH_HEX];
	crypto_sha256_hex(plain, strlen(plain), hash);
	int64_t n = -1;
	assert_int_equal(db_query_int(f->d, &n,
	                              "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", "t",
	                              hash),
	                 DB_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(f->d, &n,
	                              "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1", "t",
	                              plain),
	                 DB_ROW);
	assert_int_equal(n, 0);
	principal p;
	assert_int_equal(token_identify(f->d, f->a, plain, "198.51.100.1", &p), 0);
	assert_int_equal(p.user_id, uid);
	assert_int_equal(p.token_id, id);
	assert_true(p.via_token);
	assert_false(p.mfa_pending);
	assert_null(p.csrf_token);
	assert_string_equal(p.ip, "198.51.100.1");
	api_token *items;
	size_t count;
	assert_int_equal(token_list(f->d, f->a, &me, 0, &items, &count), 0);
	assert_int_equal(count, 1);
	assert_string_equal(items[0].name, "reporting");
	assert_int_equal(strncmp(items[0].prefix, plain, 11), 0);
	assert_int_equal(strlen(items[0].prefix), 11);
	/* Audited with its prefix, never the whole secret. */
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'token.create'"), 1);
	assert_int_equal(
	    db_query_int(f->d, &n,
	                 "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%' || $1 || '%'", "t",
	                 plain),
	    DB_ROW);
	assert_int_equal(n, 0);
	assert_int_equal(token_identify(f->d, f->a, "ck_short", NULL, &p), CK_E_UNAUTHORIZED);
	char forged[64];
	snprintf(forged, sizeof forged, "%s", plain);
	forged[20] = forged[20] == 'A' ? 'B' : 'A';
	assert_int_equal(token_identify(f->d, f->a, forged, NULL, &p), CK_E_UNAUTHORIZED);
}

static void expiry_and_validation(void **state)
{
	authfx *f = *state;
	int64_t uid = fx_user(f, org_id_of(f), "int@pd.example", "Integrator", "analyst", NULL);
	principal me = fx_as(f, uid);
	field_errors errs = {0};
	const char *plain;
	int64_t id;
	assert_int_equal(token_create(f->d, f->a, &me, 0,
	                              fx_kv(f, "name", "", "expires_at", "2020-01-01", NULL), &id,
	                              &plain, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 2);
	assert_string_equal(errs.items[1].message, "must be in the future");
	assert_null(plain);
	/* Expires at midnight 2023-11-16 UTC: 1700092800. */
	plain = create(f, &me, 0, "short-lived", "2023-11-16", &id);
	principal p;
	fx_now_cs = (int64_t)1700092799 * 100;
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), 0);
	fx_advance(1);
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), CK_E_UNAUTHORIZED);
}

static void last_used_once_a_minute(void **state)
{
	authfx *f = *state;
	int64_t uid = fx_user(f, org_id_of(f), "int@pd.example", "Integrator", "analyst", NULL);
	principal me = fx_as(f, uid), p;
	int64_t id;
	const char *plain = create(f, &me, 0, "t", NULL, &id);
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), 0);
	assert_int_equal(fx_count(f, "SELECT last_used_at FROM api_tokens"), 1700000000);
	fx_advance(30);
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), 0);
	assert_int_equal(fx_count(f, "SELECT last_used_at FROM api_tokens"), 1700000000);
	fx_advance(30);
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), 0);
	assert_int_equal(fx_count(f, "SELECT last_used_at FROM api_tokens"), 1700000060);
}

static void revoke_own_or_as_admin(void **state)
{
	authfx *f = *state;
	int64_t home = org_id_of(f);
	int64_t a = fx_user(f, home, "a@pd.example", "Alex", "officer", NULL);
	int64_t b = fx_user(f, home, "b@pd.example", "Blair", "officer", NULL);
	int64_t adm = fx_user(f, home, "c@pd.example", "Casey", "admin", NULL);
	principal pa = fx_as(f, a), pb = fx_as(f, b), padm = fx_as(f, adm), p;
	int64_t ta, tb;
	const char *plain_a = create(f, &pa, 0, "a's", NULL, &ta);
	const char *plain_b = create(f, &pb, 0, "b's", NULL, &tb);
	assert_int_equal(token_revoke(f->d, &pb, ta), CK_E_NOT_FOUND);
	assert_int_equal(token_revoke(f->d, &pa, 9999), CK_E_NOT_FOUND);
	api_token *items;
	size_t n;
	assert_int_equal(token_list(f->d, f->a, &pb, a, &items, &n), CK_E_NOT_FOUND);
	assert_int_equal(token_revoke(f->d, &pa, ta), 0);
	assert_int_equal(token_identify(f->d, f->a, plain_a, NULL, &p), CK_E_UNAUTHORIZED);
	assert_int_equal(token_revoke(f->d, &pa, ta), 0); /* already: nothing more */
	assert_int_equal(token_revoke(f->d, &padm, tb), 0);
	assert_int_equal(token_identify(f->d, f->a, plain_b, NULL, &p), CK_E_UNAUTHORIZED);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke'"), 2);
	assert_int_equal(token_list(f->d, f->a, &padm, a, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_true(items[0].revoked_at > 0);
}

static void disabled_or_locked_user_is_refused(void **state)
{
	authfx *f = *state;
	int64_t uid = fx_user(f, org_id_of(f), "int@pd.example", "Integrator", "analyst", NULL);
	principal me = fx_as(f, uid), p;
	int64_t id;
	const char *plain = create(f, &me, 0, "t", NULL, &id);
	fx_exec(f, "UPDATE users SET locked_at = 5");
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), CK_E_UNAUTHORIZED);
	fx_exec(f, "UPDATE users SET locked_at = NULL");
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), 0);
	assert_int_equal(user_disable(f->d, &f->sys, uid), 0);
	assert_int_equal(token_identify(f->d, f->a, plain, NULL, &p), CK_E_UNAUTHORIZED);
}

static void tokens_for_others(void **state)
{
	authfx *f = *state;
	int64_t home = org_id_of(f);
	int64_t off = fx_user(f, home, "o@pd.example", "Officer", "officer", NULL);
	int64_t coord = fx_user(f, home, "c@pd.example", "Coord", "coordinator", NULL);
	int64_t adm = fx_user(f, home, "a@pd.example", "Admin", "admin", NULL);
	principal po = fx_as(f, off), pc = fx_as(f, coord);
	field_errors errs = {0};
	const char *plain;
	int64_t id;
	kv *in = fx_kv(f, "name", "x", NULL);
	assert_int_equal(token_create(f->d, f->a, &po, coord, in, &id, &plain, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(token_create(f->d, f->a, &pc, off, in, &id, &plain, &errs), 0);
	assert_int_equal(token_create(f->d, f->a, &pc, adm, in, &id, &plain, &errs),
	                 CK_E_FORBIDDEN);
	/* The command line (`citkit token create --email E`). */
	assert_int_equal(token_create(f->d, f->a, &f->sys, adm, in, &id, &plain, &errs), 0);
	assert_int_equal(token_create(f->d, f->a, &f->sys, 0, in, &id, &plain, &errs),
	                 CK_E_NOT_FOUND);
}

/* The heartbeat check of event streams: live tokens hold with their
 * user's roles now; revoked, expired, unknown ones and a locked user's
 * do not; session items are left to session_recheck. */
static void streams_recheck_their_tokens(void **state)
{
	authfx *f = *state;
	int64_t org_id = org_id_of(f);
	int64_t u = fx_user(f, org_id, "int@pd.example", "Integrator", "analyst", NULL);
	int64_t v = fx_user(f, org_id, "v@pd.example", "Vic", "officer", NULL);
	principal pu = fx_as(f, u), pv = fx_as(f, v);
	int64_t live, revoked, expiring, locked;
	create(f, &pu, 0, "live", NULL, &live);
	create(f, &pu, 0, "revoked", NULL, &revoked);
	create(f, &pu, 0, "expiring", "2023-11-16", &expiring);
	create(f, &pv, 0, "locked", NULL, &locked);
	assert_int_equal(token_revoke(f->d, &pu, revoked), 0);
	principal_check items[] = {{.token_id = live},     {.token_id = revoked},
	                           {.token_id = expiring}, {.token_id = locked},
	                           {.token_id = 999999},   {.session_id = 3}};
	enum { N = sizeof items / sizeof items[0] };
	assert_int_equal(token_recheck(f->d, items, N), 0);
	assert_true(items[0].is_valid);
	assert_int_equal(items[0].user_id, u);
	assert_int_equal(items[0].org_id, org_id);
	assert_int_equal(items[0].roles, ROLE_ANALYST);
	assert_false(items[1].is_valid);
	assert_true(items[2].is_valid);
	assert_true(items[3].is_valid);
	assert_false(items[4].is_valid);
	assert_false(items[5].is_valid);
	fx_advance(3 * 24 * 3600); /* past the expiry date */
	char sql[96];
	snprintf(sql, sizeof sql, "UPDATE users SET locked_at = 1 WHERE id = %lld", (long long)v);
	fx_exec(f, sql);
	assert_int_equal(token_recheck(f->d, items, N), 0);
	assert_true(items[0].is_valid);
	assert_false(items[2].is_valid);
	assert_false(items[3].is_valid);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)
#define ALL_CASES                                                                                  \
	CASE(created_once_stored_hashed), CASE(expiry_and_validation),                             \
	    CASE(last_used_once_a_minute), CASE(revoke_own_or_as_admin),                           \
	    CASE(disabled_or_locked_user_is_refused), CASE(tokens_for_others),                     \
	    CASE(streams_recheck_their_tokens)

int main(void)
{
	const struct CMUnitTest cases[] = {ALL_CASES};
	int failed = cmocka_run_group_tests_name("tokens on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("tokens on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
