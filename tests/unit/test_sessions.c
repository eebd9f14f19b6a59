/* test_sessions.c: signing in and sessions, on SQLite and PostgreSQL:
 * tokens stored hashed and new at every login; wrong passwords and
 * unknown emails answered alike; the lockout after exactly 5 failures
 * within 15 minutes (and not after 5 spread wider); idle and absolute
 * expiry with a clock the test moves; logout; listing and ending one's
 * own sessions only; the policy read from the config. */
#include "auth_fixture.h"

#include "auth/auth_internal.h"
#include "auth/login.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "base/config.h"

#define PW "amber canyon lighthouse"

static int64_t one_user(authfx *f, const char *roles)
{
	int64_t org_id = fx_org(f, "Pine Belt PD", "law_enforcement");
	return fx_user(f, org_id, "lee@pd.example", "Lee Park", roles, PW);
}

static int login(authfx *f, const char *email, const char *pw, session_new *s)
{
	return login_password(f->d, f->a, email, pw, "203.0.113.9", "test-agent/1", s);
}

static void login_makes_a_hashed_session(void **state)
{
	authfx *f = *state;
	int64_t id = one_user(f, "officer");
	session_new s;
	assert_int_equal(login(f, "Lee@PD.example", PW, &s), 0);
	assert_int_equal(strlen(s.token), 43);
	assert_non_null(s.csrf_token);
	assert_false(s.mfa_pending);
	assert_false(s.needs_totp_enrolment);
	assert_int_equal(s.expires_at, 1700000000 + 12 * 3600);
	/* Only the SHA-256 is stored. */
	char hash[CRYPTO_HASH_HEX];
	crypto_sha256_hex(s.token, strlen(s.token), hash);
	int64_t n = -1;
	assert_int_equal(db_query_int(f->d, &n,
	                              "SELECT COUNT(*) FROM sessions WHERE token_hash = $1", "t",
	                              hash),
	                 DB_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(f->d, &n,
	                              "SELECT COUNT(*) FROM sessions WHERE token_hash = $1 "
	                              "OR csrf_token = $1",
	                              "t", s.token),
	                 DB_ROW);
	assert_int_equal(n, 0);
	principal p;
	assert_int_equal(session_identify(f->d, f->a, s.token, "203.0.113.9", &p), 0);
	assert_int_equal(p.user_id, id);
	assert_int_equal(p.session_id, s.id);
	assert_string_equal(p.csrf_token, s.csrf_token);
	assert_string_equal(p.email, "lee@pd.example");
	assert_string_equal(p.ip, "203.0.113.9");
	assert_int_equal(p.roles, ROLE_OFFICER);
	assert_false(p.via_token);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.ok'"),
	                 1);
	/* A new token every login; the old session stays its own. */
	session_new s2;
	assert_int_equal(login(f, "lee@pd.example", PW, &s2), 0);
	assert_string_not_equal(s.token, s2.token);
	assert_string_not_equal(s.csrf_token, s2.csrf_token);
	assert_int_equal(session_identify(f->d, f->a, "not-a-token", NULL, &p), CK_E_UNAUTHORIZED);
	assert_int_equal(p.user_id, 0);
}

static void wrong_and_unknown_look_alike(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s), CK_E_BAD_LOGIN);
	assert_int_equal(s.id, 0);
	assert_int_equal(login(f, "nobody@pd.example", PW, &s), CK_E_BAD_LOGIN);
	assert_int_equal(login(f, "", "", &s), CK_E_BAD_LOGIN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.fail'"),
	                 3);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.fail' "
	                             "AND detail LIKE '%unknown email%' AND actor_email IS NULL"),
	                 2);
	/* The typed email of an unknown account is never stored. */
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%nobody%'"),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM sessions"), 0);
}

static void odd_input_is_handled(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	assert_int_equal(login(f, "\xff\xfe@pd.example", PW, &s), CK_E_BAD_LOGIN);
	/* A long user agent is kept to 256 bytes, cut between characters. */
	char ua[700] = "";
	for (int i = 0; i < 300; i++)
		strcat(ua, "\xc3\xa9");
	assert_int_equal(login_password(f->d, f->a, "lee@pd.example", PW, NULL, ua, &s), 0);
	assert_int_equal(fx_count(f, "SELECT MAX(length(user_agent)) FROM sessions"), 128);
	assert_int_equal(login_password(f->d, f->a, "lee@pd.example", PW, NULL, "\xff\xfe", &s), 0);
}

static void lockout_after_five_within_window(void **state)
{
	authfx *f = *state;
	int64_t id = one_user(f, "officer");
	session_new s;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s),
		                 CK_E_BAD_LOGIN);
		fx_advance(60);
	}
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users WHERE locked_at IS NOT NULL"), 0);
	assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s), CK_E_BAD_LOGIN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users WHERE locked_at IS NOT NULL"), 1);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.locked'"), 1);
	/* Locked: the right password does not sign in, and says why; a wrong
	 * one says nothing more than before. Time does not release it. */
	fx_advance(24 * 3600);
	assert_int_equal(login(f, "lee@pd.example", PW, &s), CK_E_LOCKED);
	assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s), CK_E_BAD_LOGIN);
	principal admin = {0};
	auth_system_principal(&admin, "system:test");
	assert_int_equal(user_unlock(f->d, &admin, id), 0);
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
}

static void five_spread_wider_do_not_lock(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	/* At 0, 4, 8, 12 and 16 minutes: never five inside 15 minutes. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s),
		                 CK_E_BAD_LOGIN);
		fx_advance(4 * 60);
	}
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users WHERE locked_at IS NOT NULL"), 0);
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
}

static void success_resets_the_count(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	for (int i = 0; i < 4; i++)
		assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s),
		                 CK_E_BAD_LOGIN);
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s),
		                 CK_E_BAD_LOGIN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM users WHERE locked_at IS NOT NULL"), 0);
}

static void disabled_never_signs_in(void **state)
{
	authfx *f = *state;
	int64_t id = one_user(f, "officer");
	session_new live;
	assert_int_equal(login(f, "lee@pd.example", PW, &live), 0);
	assert_int_equal(user_disable(f->d, &f->sys, id), 0);
	session_new s;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), CK_E_DISABLED);
	assert_int_equal(login(f, "lee@pd.example", "wrong password here", &s), CK_E_BAD_LOGIN);
	principal p;
	assert_int_equal(session_identify(f->d, f->a, live.token, NULL, &p), CK_E_UNAUTHORIZED);
}

static void idle_timeout(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	principal p;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	fx_advance(30 * 60 - 1);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0); /* and touched */
	fx_advance(30 * 60 - 1);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	fx_advance(30 * 60);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), CK_E_UNAUTHORIZED);
}

static void touch_at_most_once_a_minute(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	principal p;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	fx_advance(59);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_int_equal(fx_count(f, "SELECT last_seen_at FROM sessions"), 1700000000);
	fx_advance(1);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_int_equal(fx_count(f, "SELECT last_seen_at FROM sessions"), 1700000060);
}

static void absolute_limit(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	principal p;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	/* Busy all day, never idle: still ends at 12 hours. */
	for (int i = 0; i < 71; i++) {
		fx_advance(10 * 60);
		assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	}
	fx_advance(10 * 60 - 1); /* 11:59:59 */
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	fx_advance(1);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), CK_E_UNAUTHORIZED);
}

static void logout_ends_server_side(void **state)
{
	authfx *f = *state;
	one_user(f, "officer");
	session_new s;
	principal p;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_int_equal(session_end(f->d, &p), 0);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), CK_E_UNAUTHORIZED);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'logout'"), 1);
}

static void own_sessions_only(void **state)
{
	authfx *f = *state;
	int64_t org_id = fx_org(f, "PD", "law_enforcement");
	int64_t a = fx_user(f, org_id, "a@pd.example", "Alex", "officer", NULL);
	int64_t b = fx_user(f, org_id, "b@pd.example", "Blair", "admin", NULL);
	session_new a1, a2, b1;
	assert_int_equal(session_create(f->d, f->a, a, true, "192.0.2.1", "phone", &a1), 0);
	fx_advance(5);
	assert_int_equal(session_create(f->d, f->a, a, true, "192.0.2.2", "laptop", &a2), 0);
	assert_int_equal(session_create(f->d, f->a, b, true, NULL, NULL, &b1), 0);
	principal pa, pb, p3;
	assert_int_equal(session_identify(f->d, f->a, a2.token, NULL, &pa), 0);
	assert_int_equal(session_identify(f->d, f->a, b1.token, NULL, &pb), 0);
	session_info *items;
	size_t n;
	assert_int_equal(session_list(f->d, f->a, &pa, &items, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(items[0].id, a2.id);
	assert_true(items[0].is_current);
	assert_string_equal(items[1].user_agent, "phone");
	/* Even an admin cannot end someone else's session by its id. */
	assert_int_equal(session_end_by_id(f->d, &pb, a1.id), CK_E_NOT_FOUND);
	assert_int_equal(session_end_by_id(f->d, &pa, 9999), CK_E_NOT_FOUND);
	assert_int_equal(session_end_by_id(f->d, &pa, a1.id), 0);
	assert_int_equal(session_end_by_id(f->d, &pa, a1.id), CK_E_NOT_FOUND);
	assert_int_equal(session_list(f->d, f->a, &pa, &items, &n), 0);
	assert_int_equal(n, 1);
	int64_t active = 0;
	assert_int_equal(session_count_active(f->d, &active), 0);
	assert_int_equal(active, 2);
	/* Signing out everywhere else keeps the current one. */
	session_new a3;
	assert_int_equal(session_create(f->d, f->a, a, true, NULL, NULL, &a3), 0);
	assert_int_equal(session_end_others(f->d, &pa), 0);
	assert_int_equal(session_identify(f->d, f->a, a3.token, NULL, &p3), CK_E_UNAUTHORIZED);
	assert_int_equal(session_identify(f->d, f->a, a2.token, NULL, &p3), 0);
	assert_int_equal(session_identify(f->d, f->a, b1.token, NULL, &p3), 0);
	fx_advance(31 * 60);
	assert_int_equal(session_count_active(f->d, &active), 0);
	assert_int_equal(active, 0);
}

static void totp_roles_must_enrol(void **state)
{
	authfx *f = *state;
	one_user(f, "coordinator,instructor");
	session_new s;
	assert_int_equal(login(f, "lee@pd.example", PW, &s), 0);
	assert_true(s.needs_totp_enrolment);
	assert_false(s.mfa_pending);
	principal p;
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_true(p.needs_totp_enrolment);
	/* A policy that asks it of nobody. */
	auth_policy pol = *auth_policy_get();
	pol.totp_required_roles = 0;
	auth_policy_set(&pol);
	assert_int_equal(session_identify(f->d, f->a, s.token, NULL, &p), 0);
	assert_false(p.needs_totp_enrolment);
}

/* The heartbeat check of event streams, over more sessions than one
 * query takes: live ones hold (with the user's roles and organization
 * now), ended, unknown and disabled users' do not; token items are left
 * to token_recheck. */
static void streams_recheck_their_sessions(void **state)
{
	authfx *f = *state;
	int64_t org_id = fx_org(f, "PD", "law_enforcement");
	int64_t a = fx_user(f, org_id, "a@pd.example", "Alex", "officer", NULL);
	int64_t b = fx_user(f, org_id, "b@pd.example", "Blair", "instructor", NULL);
	enum { N = 2 * AUTH_BATCH + 5 };
	principal_check items[N + 3];
	session_new sn;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(session_create(f->d, f->a, i % 2 ? b : a, true, NULL, NULL, &sn),
		                 0);
		items[i] = (principal_check){.session_id = sn.id};
	}
	int64_t ended = items[7].session_id;
	principal pa = fx_as(f, a);
	pa.session_id = ended - 1;
	assert_int_equal(session_end_by_id(f->d, &pa, ended), CK_E_NOT_FOUND); /* b's */
	principal pb = fx_as(f, b);
	assert_int_equal(session_end_by_id(f->d, &pb, ended), 0);
	items[N] = (principal_check){.session_id = 999999};
	items[N + 1] = (principal_check){.token_id = 5};
	assert_int_equal(session_create(f->d, f->a, a, false, NULL, NULL, &sn), 0);
	items[N + 2] = (principal_check){.session_id = sn.id}; /* second factor owed */
	assert_int_equal(session_recheck(f->d, items, N + 3), 0);
	for (size_t i = 0; i < N; i++) {
		bool is_b = i % 2;
		assert_int_equal(items[i].is_valid, items[i].session_id != ended);
		if (!items[i].is_valid)
			continue;
		assert_int_equal(items[i].user_id, is_b ? b : a);
		assert_int_equal(items[i].org_id, org_id);
		assert_int_equal(items[i].roles, is_b ? ROLE_INSTRUCTOR : ROLE_OFFICER);
	}
	assert_false(items[N].is_valid);
	assert_false(items[N + 1].is_valid);
	assert_int_equal(items[N + 1].token_id, 5);
	assert_false(items[N + 2].is_valid);

	/* Blair is disabled: every one of Blair's sessions fails the check. */
	assert_int_equal(user_disable(f->d, &f->sys, b), 0);
	assert_int_equal(session_recheck(f->d, items, N), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(items[i].is_valid, i % 2 == 0);
}

/* An open stream counts as activity: checked every few minutes, the
 * session outlives the idle limit by far, not the absolute one. Without
 * the stream, idleness ends it as before. */
static void a_watched_stream_keeps_its_session_not_past_the_absolute_limit(void **state)
{
	authfx *f = *state;
	int64_t id = one_user(f, "officer");
	session_new watching, idle;
	assert_int_equal(session_create(f->d, f->a, id, true, NULL, NULL, &watching), 0);
	assert_int_equal(session_create(f->d, f->a, id, true, NULL, NULL, &idle), 0);
	principal p;
	principal_check c = {.session_id = watching.id};
	for (int i = 0; i < 6 * 11; i++) { /* eleven hours, a check every ten minutes */
		fx_advance(10 * 60);
		c = (principal_check){.session_id = watching.id};
		assert_int_equal(session_recheck(f->d, &c, 1), 0);
		assert_true(c.is_valid);
	}
	/* The cookie of the watching tab still works for pages. */
	assert_int_equal(session_identify(f->d, f->a, watching.token, NULL, &p), 0);
	principal_check gone = {.session_id = idle.id};
	assert_int_equal(session_recheck(f->d, &gone, 1), 0);
	assert_false(gone.is_valid);
	assert_int_equal(session_identify(f->d, f->a, idle.token, NULL, &p), CK_E_UNAUTHORIZED);
	fx_advance(60 * 60); /* 12 h after sign-in */
	c = (principal_check){.session_id = watching.id};
	assert_int_equal(session_recheck(f->d, &c, 1), 0);
	assert_false(c.is_valid);
}

/* What each way of ending a sign-in tells the end hooks, after its
 * transaction: the session, the user's other sessions, the token, or the
 * whole user. */
static char hook_log[512];

static void log_hook(const char *what, int64_t x, int64_t y)
{
	size_t n = strlen(hook_log);
	snprintf(hook_log + n, sizeof hook_log - n, "%s%s %lld %lld", n ? "; " : "", what,
	         (long long)x, (long long)y);
}

static void hook_session(int64_t id)
{
	log_hook("session", id, 0);
}

static void hook_user_sessions(int64_t user_id, int64_t keep)
{
	log_hook("user_sessions", user_id, keep);
}

static void hook_token(int64_t id)
{
	log_hook("token", id, 0);
}

static void hook_user(int64_t user_id)
{
	log_hook("user", user_id, 0);
}

static void expect_hooks(const char *want)
{
	assert_string_equal(hook_log, want);
	hook_log[0] = '\0';
}

static void ending_a_sign_in_tells_the_hooks(void **state)
{
	authfx *f = *state;
	int64_t id = one_user(f, "officer");
	char want[160];
	hook_log[0] = '\0';
	auth_end_hooks_set(
	    &(auth_end_hooks){hook_session, hook_user_sessions, hook_token, hook_user});
	session_new s1, s2;
	principal p1;
	assert_int_equal(login(f, "lee@pd.example", PW, &s1), 0);
	assert_int_equal(login(f, "lee@pd.example", PW, &s2), 0);
	assert_int_equal(session_identify(f->d, f->a, s1.token, NULL, &p1), 0);
	expect_hooks("");

	assert_int_equal(session_end_by_id(f->d, &p1, s2.id), 0);
	assert_int_equal(session_end_by_id(f->d, &p1, s2.id), CK_E_NOT_FOUND);
	snprintf(want, sizeof want, "session %lld 0", (long long)s2.id);
	expect_hooks(want);
	assert_int_equal(session_end_others(f->d, &p1), 0);
	snprintf(want, sizeof want, "user_sessions %lld %lld", (long long)id, (long long)s1.id);
	expect_hooks(want);
	field_errors errs = {0};
	assert_int_equal(
	    user_set_password(f->d, f->a, &p1, id, PW, "quartz meadow harbour lantern", &errs), 0);
	expect_hooks(want);
	assert_int_equal(session_end(f->d, &p1), 0);
	snprintf(want, sizeof want, "session %lld 0", (long long)s1.id);
	expect_hooks(want);

	/* A change of name keeps the streams; of roles, or a disable, not. */
	assert_int_equal(
	    user_update(f->d, f->a, &f->sys, id, fx_kv(f, "name", "Lee P", NULL), &errs), 0);
	expect_hooks("");
	assert_int_equal(user_update(f->d, f->a, &f->sys, id,
	                             fx_kv(f, "roles", "officer,supervisor", NULL), &errs),
	                 0);
	snprintf(want, sizeof want, "user %lld 0", (long long)id);
	expect_hooks(want);
	principal me = fx_as(f, id);
	int64_t token_id;
	const char *plain = NULL;
	assert_int_equal(token_create(f->d, f->a, &me, 0, fx_kv(f, "name", "feed", NULL), &token_id,
	                              &plain, &errs),
	                 0);
	assert_int_equal(token_revoke(f->d, &me, token_id), 0);
	snprintf(want, sizeof want, "token %lld 0", (long long)token_id);
	expect_hooks(want);
	assert_int_equal(user_disable(f->d, &f->sys, id), 0);
	snprintf(want, sizeof want, "user %lld 0", (long long)id);
	expect_hooks(want);

	/* A lockout ends everything of the user too. */
	int64_t other = fx_user(f, fx_org(f, "Other PD", "law_enforcement"), "kim@pd.example",
	                        "Kim", "officer", PW);
	session_new s;
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(f, "kim@pd.example", "not the password at all", &s),
		                 CK_E_BAD_LOGIN);
	snprintf(want, sizeof want, "user %lld 0", (long long)other);
	expect_hooks(want);
	auth_end_hooks_set(NULL);
}

static void policy_from_config(void **state)
{
	(void)state;
	config c;
	auth_policy p;
	char err[200];
	config_defaults(&c);
	c.session_idle_minutes = 10;
	c.lockout_failures = 3;
	snprintf(c.totp_required_roles, sizeof c.totp_required_roles, "admin, supervisor");
	snprintf(c.program_name, sizeof c.program_name, "Pine Belt Regional CIT");
	assert_int_equal(auth_policy_from_config(&c, &p, err, sizeof err), 0);
	assert_int_equal(p.session_idle_seconds, 600);
	assert_int_equal(p.lockout_failures, 3);
	assert_int_equal(p.totp_required_roles, ROLE_ADMIN | ROLE_SUPERVISOR);
	assert_string_equal(p.issuer, "Pine Belt Regional CIT");
	assert_false(p.has_secret);
	snprintf(c.totp_required_roles, sizeof c.totp_required_roles, "admin,chief");
	assert_int_equal(auth_policy_from_config(&c, &p, err, sizeof err), CK_E_INVALID);
	assert_non_null(strstr(err, "chief"));
	snprintf(c.totp_required_roles, sizeof c.totp_required_roles, "none");
	char path[] = "/tmp/citkit-secret.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "short", 5), 5);
	close(fd);
	snprintf(c.secret_key_file, sizeof c.secret_key_file, "%s", path);
	assert_int_equal(auth_policy_from_config(&c, &p, err, sizeof err), CK_E_INVALID);
	FILE *fp = fopen(path, "w");
	fputs("0123456789abcdef0123456789abcdef0123456789abcdef\n", fp);
	fclose(fp);
	assert_int_equal(auth_policy_from_config(&c, &p, err, sizeof err), 0);
	assert_true(p.has_secret);
	assert_int_equal(p.totp_required_roles, 0);
	unlink(path);
	snprintf(c.secret_key_file, sizeof c.secret_key_file, "/nonexistent/citkit.key");
	assert_int_equal(auth_policy_from_config(&c, &p, err, sizeof err), CK_E_IO);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)
#define ALL_CASES                                                                                  \
	CASE(login_makes_a_hashed_session), CASE(wrong_and_unknown_look_alike),                    \
	    CASE(odd_input_is_handled), CASE(lockout_after_five_within_window),                    \
	    CASE(five_spread_wider_do_not_lock), CASE(success_resets_the_count),                   \
	    CASE(disabled_never_signs_in), CASE(idle_timeout), CASE(touch_at_most_once_a_minute),  \
	    CASE(absolute_limit), CASE(logout_ends_server_side), CASE(own_sessions_only),          \
	    CASE(totp_roles_must_enrol), CASE(streams_recheck_their_sessions),                     \
	    CASE(a_watched_stream_keeps_its_session_not_past_the_absolute_limit),                  \
	    CASE(ending_a_sign_in_tells_the_hooks)

int main(void)
{
	const struct CMUnitTest cases[] = {ALL_CASES, cmocka_unit_test(policy_from_config)};
	const struct CMUnitTest pg_cases[] = {ALL_CASES};
	int failed = cmocka_run_group_tests_name("sessions on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("sessions on postgres", pg_cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
