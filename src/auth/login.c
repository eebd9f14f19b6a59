/* login.c: password sign-in, the second factor, and the lockout.
 *
 * The lockout counts failures (wrong passwords and wrong codes) in
 * login_failures; a successful sign-in clears them, so the count is of
 * consecutive failures, as CJIS asks. When the count within the window
 * reaches the limit, users.locked_at is set and stays set until an
 * administrator unlocks the account: no timer releases it.
 *
 * To keep the answer from revealing which emails exist, an unknown email
 * costs the same Argon2id verification as a known one and gets the same
 * CK_E_BAD_LOGIN; see login.h for when "locked" and "disabled" are said. */
#include "login.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../base/crypto.h"
#include "../base/errors.h"
#include "../base/validate.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "totp.h"

enum { EMAIL_MAX = 254 };

/* A real Argon2id hash of a random password, verified against when the
 * email is unknown so that both cases take the same time. */
static char dummy_hash[CRYPTO_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[CRYPTO_TOKEN_LEN];
	crypto_random_token(pw);
	if (crypto_password_hash(pw, dummy_hash) < 0)
		dummy_hash[0] = '\0';
}

typedef struct account {
	int64_t id;
	const char *email, *hash;
	bool is_active, is_locked, totp_enabled;
} account;

static int find_account(db *d, arena *a, const char *email, account *acc)
{
	db_stmt *s;
	*acc = (account){0};
	int rc = db_prepare(d,
	                    "SELECT id, email, password_hash, is_active, "
	                    "CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END, "
	                    "CASE WHEN totp_enabled_at IS NULL THEN 0 ELSE 1 END "
	                    "FROM users WHERE email = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, email);
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *h = db_col_text(s, 2);
		acc->id = db_col_int(s, 0);
		acc->email = arena_strdup(a, db_col_text(s, 1));
		acc->hash = h ? arena_strdup(a, h) : NULL;
		acc->is_active = db_col_int(s, 3) != 0;
		acc->is_locked = db_col_int(s, 4) != 0;
		acc->totp_enabled = db_col_int(s, 5) != 0;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static const char *reason_json(arena *a, const char *reason)
{
	return auth_json_text(a, json_pack("{s:s}", "reason", reason));
}

/* Records a failure and locks the account when it is the limit-th within
 * the window. Sets *locked when this failure locked it. */
static int count_failure(db *d, arena *a, const principal *who, int64_t user_id, bool *locked)
{
	const auth_policy *p = auth_policy_get();
	int64_t now = auth_now(), n = 0;
	*locked = false;
	int rc = db_run(d, "INSERT INTO login_failures (user_id, at, ip) VALUES ($1, $2, $3)",
	                "iit", user_id, now, who->ip);
	if (rc >= 0)
		rc = db_query_int(
		    d, &n, "SELECT COUNT(*) FROM login_failures WHERE user_id = $1 AND at > $2",
		    "ii", user_id, now - p->lockout_window_seconds);
	if (rc < 0)
		return rc;
	if (n < p->lockout_failures)
		return 0;
	rc = db_run(d, "UPDATE users SET locked_at = $1 WHERE id = $2 AND locked_at IS NULL", "ii",
	            now, user_id);
	if (rc <= 0)
		return rc;
	*locked = true;
	rc = session_end_all(d, user_id, 0);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:I, s:I}", "failures", (json_int_t)n, "window_seconds",
	                           (json_int_t)p->lockout_window_seconds);
	return audit_append(d, who, "account.locked", "user", auth_id_text(a, user_id),
	                    AUDIT_FAILURE, auth_json_text(a, detail));
}

typedef struct login_ctx {
	arena *a;
	const char *email;
	bool password_ok;
	const char *ip, *user_agent;
	session_new *out;
	int result;
	bool is_locked; /* this failure locked the account */
	int64_t user_id;
} login_ctx;

static int login_in_tx(db *d, void *vctx)
{
	login_ctx *c = vctx;
	account state;
	/* Read again under the transaction: locked or disabled meanwhile? */
	int rc = find_account(d, c->a, c->email, &state);
	if (rc < 0)
		return rc;
	if (!state.id)
		return CK_E_BAD_LOGIN;
	const account *acc = &state;
	principal who = {.user_id = acc->id, .email = acc->email, .ip = c->ip};
	c->user_id = acc->id;
	if (!c->password_ok) {
		c->result = CK_E_BAD_LOGIN;
		if (acc->is_locked || !acc->is_active)
			return audit_append(
			    d, &who, "login.fail", "user", auth_id_text(c->a, acc->id),
			    AUDIT_FAILURE,
			    reason_json(c->a, acc->is_locked ? "wrong password, account locked"
			                                     : "wrong password, account disabled"));
		rc = audit_append(d, &who, "login.fail", "user", auth_id_text(c->a, acc->id),
		                  AUDIT_FAILURE, reason_json(c->a, "wrong password"));
		return rc < 0 ? rc : count_failure(d, c->a, &who, acc->id, &c->is_locked);
	}
	if (acc->is_locked || !acc->is_active) {
		c->result = acc->is_locked ? CK_E_LOCKED : CK_E_DISABLED;
		return audit_append(
		    d, &who, "login.fail", "user", auth_id_text(c->a, acc->id), AUDIT_DENIED,
		    reason_json(c->a, acc->is_locked ? "account locked" : "account disabled"));
	}
	rc = db_run(d, "DELETE FROM login_failures WHERE user_id = $1", "i", acc->id);
	if (rc >= 0)
		rc = session_create(d, c->a, acc->id, !acc->totp_enabled, c->ip, c->user_agent,
		                    c->out);
	if (rc < 0)
		return rc;
	c->result = 0;
	json_t *detail = json_pack("{s:I, s:b}", "session_id", (json_int_t)c->out->id,
	                           "mfa_pending", c->out->mfa_pending);
	return audit_append(d, &who, "login.ok", "user", auth_id_text(c->a, acc->id), AUDIT_SUCCESS,
	                    auth_json_text(c->a, detail));
}

int login_password(db *d, arena *a, const char *email, const char *password, const char *ip,
                   const char *user_agent, session_new *out)
{
	account acc;
	*out = (session_new){0};
	const char *typed = email ? email : "";
	/* arena_strndup copies exactly n bytes: measure first. */
	char *lower = arena_strndup(a, typed, strnlen(typed, EMAIL_MAX + 1));
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int rc = 0;
	acc = (account){0};
	/* Not UTF-8: no such account (and PostgreSQL would refuse the text). */
	if (validate_utf8(lower, strlen(lower)))
		rc = find_account(d, a, lower, &acc);
	if (rc < 0)
		return rc;
	/* The slow hash runs before the transaction, never under its lock. */
	if (!acc.id) {
		pthread_once(&dummy_once, make_dummy);
		crypto_password_verify(dummy_hash, password ? password : "");
		/* The typed email is not recorded: people type passwords there. */
		principal anon = {.ip = ip};
		rc = audit_append(d, &anon, "login.fail", NULL, NULL, AUDIT_FAILURE,
		                  reason_json(a, "unknown email"));
		return rc < 0 ? rc : CK_E_BAD_LOGIN;
	}
	bool ok = acc.hash && password && crypto_password_verify(acc.hash, password);
	if (!acc.hash) {
		pthread_once(&dummy_once, make_dummy);
		crypto_password_verify(dummy_hash, password ? password : "");
	}
	login_ctx c = {a, lower, ok, ip, user_agent, out, CK_E_BAD_LOGIN, false, 0};
	rc = audit_tx(d, login_in_tx, &c);
	if (rc < 0)
		return rc;
	if (c.is_locked)
		auth_changed_user(c.user_id);
	if (c.result < 0)
		*out = (session_new){0};
	return c.result;
}

typedef struct totp_ctx {
	arena *a;
	const principal *actor;
	const char *code;
	int result;
	bool is_locked; /* this failure locked the account */
} totp_ctx;

static int totp_in_tx(db *d, void *vctx)
{
	totp_ctx *c = vctx;
	const principal *who = c->actor;
	bool ok;
	int rc = totp_check(d, who->user_id, c->code, &ok);
	if (rc < 0)
		return rc;
	if (ok) {
		rc = db_run(d, "UPDATE sessions SET mfa_passed = 1 WHERE id = $1 AND user_id = $2",
		            "ii", who->session_id, who->user_id);
		if (rc >= 0)
			rc = db_run(d, "DELETE FROM login_failures WHERE user_id = $1", "i",
			            who->user_id);
		if (rc < 0)
			return rc;
		c->result = 0;
		return audit_append(d, who, "login.totp", "session",
		                    auth_id_text(c->a, who->session_id), AUDIT_SUCCESS, NULL);
	}
	c->result = CK_E_BAD_LOGIN;
	rc = audit_append(d, who, "login.fail", "user", auth_id_text(c->a, who->user_id),
	                  AUDIT_FAILURE, reason_json(c->a, "wrong or reused one-time code"));
	return rc < 0 ? rc : count_failure(d, c->a, who, who->user_id, &c->is_locked);
}

int login_totp(db *d, const principal *actor, const char *code)
{
	if (!actor || actor->user_id <= 0 || actor->session_id <= 0)
		return CK_E_UNAUTHORIZED;
	if (!actor->mfa_pending)
		return CK_E_CONFLICT;
	arena *a = arena_new();
	totp_ctx c = {a, actor, code, CK_E_BAD_LOGIN, false};
	int rc = audit_tx(d, totp_in_tx, &c);
	arena_free(a);
	if (rc >= 0 && c.is_locked)
		auth_changed_user(actor->user_id);
	return rc < 0 ? rc : c.result;
}
