/* sessions.c: server-side sessions behind the cookie. Only the SHA-256 of
 * the cookie value is stored. Idle time is measured from last_seen_at,
 * which is written at most once a minute to keep page views from being
 * database writes; the idle limit is therefore exact to within a minute. */
#include "sessions.h"

#include <stdio.h>
#include <string.h>

#include "../base/errors.h"
#include "../base/validate.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"
#include "users.h"

enum { TOUCH_EVERY = 60, USER_AGENT_MAX = 256 };

/* At most max bytes of s, cut at a character boundary, and only if it is
 * UTF-8 at all (PostgreSQL refuses anything else in TEXT). */
static const char *clip_utf8(arena *a, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n == max)
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return validate_utf8(s, n) ? arena_strndup(a, s, n) : NULL;
}

int session_create(db *d, arena *a, int64_t user_id, bool mfa_passed, const char *ip,
                   const char *user_agent, session_new *out)
{
	const auth_policy *p = auth_policy_get();
	char hash[CRYPTO_HASH_HEX], csrf[CRYPTO_TOKEN_LEN];
	user u;
	int rc = auth_user_load(d, a, user_id, &u);
	if (rc < 0)
		return rc;
	*out = (session_new){0};
	crypto_random_token(out->token);
	crypto_random_token(csrf);
	crypto_sha256_hex(out->token, strlen(out->token), hash);
	int64_t now = auth_now();
	out->expires_at = now + p->session_absolute_seconds;
	const char *ua = user_agent ? clip_utf8(a, user_agent, USER_AGENT_MAX) : NULL;
	rc = db_query_int(d, &out->id,
	                  "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, "
	                  "last_seen_at, expires_at, mfa_passed, ip, user_agent) "
	                  "VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING id",
	                  "ittiibtt", user_id, hash, csrf, now, out->expires_at, (int)mfa_passed,
	                  ip, ua);
	if (rc < 0)
		return rc;
	out->csrf_token = arena_strdup(a, csrf);
	out->mfa_pending = !mfa_passed;
	out->needs_totp_enrolment = (u.roles & p->totp_required_roles) && !u.totp_enabled;
	return 0;
}

static const char *dup_text(arena *a, db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);
	return t ? arena_strdup(a, t) : NULL;
}

/* A session not ended, of an active, unlocked person: one rule for
 * signing in and for re-checking the streams a session opened, with
 * session_in_time for the limits. */
#define SESSION_LIVE "s.ended_at IS NULL AND u.is_active = 1 AND u.locked_at IS NULL "

static bool session_in_time(const auth_policy *p, int64_t now, int64_t last_seen, int64_t expires)
{
	return now < expires && now - last_seen < p->session_idle_seconds;
}

int session_identify(db *d, arena *a, const char *cookie_token, const char *ip, principal *out)
{
	const auth_policy *p = auth_policy_get();
	char hash[CRYPTO_HASH_HEX];
	*out = (principal){.ip = ip};
	if (!cookie_token || strlen(cookie_token) != CRYPTO_TOKEN_LEN - 1)
		return CK_E_UNAUTHORIZED;
	crypto_sha256_hex(cookie_token, strlen(cookie_token), hash);
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, "
	                    "s.expires_at, s.mfa_passed, u.org_id, u.email, u.name, u.roles, "
	                    "u.totp_enabled_at "
	                    "FROM sessions s JOIN users u ON u.id = s.user_id "
	                    "WHERE s.token_hash = $1 AND " SESSION_LIVE,
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, hash);
	rc = db_step(s);
	int64_t now = auth_now(), last_seen = 0, expires = 0;
	if (rc == DB_ROW) {
		unsigned roles = (unsigned)db_col_int(s, 10);
		*out = (principal){
		    .session_id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .csrf_token = dup_text(a, s, 2),
		    .authenticated_at = db_col_int(s, 3),
		    .mfa_pending = db_col_int(s, 6) == 0,
		    .org_id = db_col_int(s, 7),
		    .email = dup_text(a, s, 8),
		    .name = dup_text(a, s, 9),
		    .roles = roles,
		    .needs_totp_enrolment =
		        (roles & p->totp_required_roles) && db_col_is_null(s, 11),
		    .ip = ip,
		};
		last_seen = db_col_int(s, 4);
		expires = db_col_int(s, 5);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !session_in_time(p, now, last_seen, expires)) {
		*out = (principal){.ip = ip};
		return CK_E_UNAUTHORIZED;
	}
	if (now - last_seen >= TOUCH_EVERY) {
		rc = db_run(d, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", "ii", now,
		            out->session_id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

typedef struct end_ctx {
	const principal *actor;
	int64_t session_id;
	const char *action;
	bool found;
} end_ctx;

static int end_in_tx(db *d, void *vctx)
{
	end_ctx *c = vctx;
	char id_text[24];
	int rc = db_run(d,
	                "UPDATE sessions SET ended_at = $1 "
	                "WHERE id = $2 AND user_id = $3 AND ended_at IS NULL",
	                "iii", auth_now(), c->session_id, c->actor->user_id);
	if (rc < 0)
		return rc;
	c->found = rc > 0;
	if (!c->found)
		return 0;
	snprintf(id_text, sizeof id_text, "%lld", (long long)c->session_id);
	return audit_append(d, c->actor, c->action, "session", id_text, AUDIT_SUCCESS, NULL);
}

int session_end(db *d, const principal *actor)
{
	if (!actor || actor->user_id <= 0 || actor->session_id <= 0)
		return CK_E_UNAUTHORIZED;
	end_ctx c = {actor, actor->session_id, "logout", false};
	int rc = audit_tx(d, end_in_tx, &c);
	if (rc >= 0)
		auth_ended_session(actor->session_id);
	return rc;
}

int session_end_by_id(db *d, const principal *actor, int64_t session_id)
{
	if (!auth_signed_in(actor))
		return CK_E_UNAUTHORIZED;
	end_ctx c = {actor, session_id, "session.end", false};
	int rc = audit_tx(d, end_in_tx, &c);
	if (rc < 0)
		return rc;
	if (!c.found)
		return CK_E_NOT_FOUND;
	auth_ended_session(session_id);
	return 0;
}

static int end_others_in_tx(db *d, void *vctx)
{
	const principal *actor = vctx;
	char id_text[24];
	int rc = session_end_all(d, actor->user_id, actor->session_id);
	if (rc < 0)
		return rc;
	snprintf(id_text, sizeof id_text, "%lld", (long long)actor->user_id);
	return audit_append(d, actor, "session.end_others", "user", id_text, AUDIT_SUCCESS, NULL);
}

int session_end_others(db *d, const principal *actor)
{
	if (!auth_signed_in(actor))
		return CK_E_UNAUTHORIZED;
	int rc = audit_tx(d, end_others_in_tx, (void *)actor);
	if (rc >= 0)
		auth_ended_user_sessions(actor->user_id, actor->session_id);
	return rc;
}

int session_list(db *d, arena *a, const principal *actor, session_info **items, size_t *n)
{
	const auth_policy *p = auth_policy_get();
	*items = NULL;
	*n = 0;
	if (!auth_signed_in(actor))
		return CK_E_UNAUTHORIZED;
	int64_t now = auth_now();
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT id, created_at, last_seen_at, expires_at, ip, user_agent "
	                    "FROM sessions WHERE user_id = $1 AND ended_at IS NULL "
	                    "AND expires_at > $2 AND last_seen_at > $3 "
	                    "ORDER BY id DESC LIMIT $4",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, actor->user_id);
	db_bind_int(s, 2, now);
	db_bind_int(s, 3, now - p->session_idle_seconds);
	db_bind_int(s, 4, AUTH_LIST_MAX);
	session_info *out = arena_array(a, AUTH_LIST_MAX, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		session_info *e = &out[count++];
		e->id = db_col_int(s, 0);
		e->created_at = db_col_int(s, 1);
		e->last_seen_at = db_col_int(s, 2);
		e->expires_at = db_col_int(s, 3);
		e->ip = dup_text(a, s, 4);
		e->user_agent = dup_text(a, s, 5);
		e->is_current = e->id == actor->session_id;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

int session_end_all(db *d, int64_t user_id, int64_t keep_id)
{
	int rc = db_run(d,
	                "UPDATE sessions SET ended_at = $1 "
	                "WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL",
	                "iii", auth_now(), user_id, keep_id);
	return rc < 0 ? rc : 0;
}

/* One query for up to AUTH_BATCH sessions (chunk), and one more to touch
 * those last seen a minute ago or longer. */
static int recheck_batch(db *d, principal_check **chunk, const int64_t *ids, size_t k)
{
	const auth_policy *p = auth_policy_get();
	int64_t now = auth_now(), touch[AUTH_BATCH];
	size_t n_touch = 0;
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT s.id, s.user_id, u.org_id, u.roles, s.last_seen_at, s.expires_at, "
	               "s.mfa_passed FROM sessions s JOIN users u ON u.id = s.user_id "
	               "WHERE s.id IN (" AUTH_BATCH_PARAMS ") AND " SESSION_LIVE,
	               &s);
	if (rc < 0)
		return rc;
	auth_bind_batch(s, ids, k);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t last_seen = db_col_int(s, 4);
		if (db_col_int(s, 6) == 0 || !session_in_time(p, now, last_seen, db_col_int(s, 5)))
			continue;
		auth_check_row(s, chunk, ids, k);
		if (now - last_seen >= TOUCH_EVERY)
			touch[n_touch++] = db_col_int(s, 0);
	}
	db_finish(s);
	if (rc < 0 || n_touch == 0)
		return rc < 0 ? rc : 0;
	rc = db_prepare(d,
	                "UPDATE sessions SET last_seen_at = $65 WHERE id IN (" AUTH_BATCH_PARAMS
	                ") AND ended_at IS NULL AND last_seen_at < $65",
	                &s);
	if (rc < 0)
		return rc;
	auth_bind_batch(s, touch, n_touch);
	db_bind_int(s, AUTH_BATCH + 1, now);
	rc = db_step(s);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int session_recheck(db *d, principal_check *items, size_t n)
{
	return auth_check_batches(d, items, n, AUTH_CHECK_SESSIONS, recheck_batch);
}

int session_count_active(db *d, int64_t *count)
{
	const auth_policy *p = auth_policy_get();
	int64_t now = auth_now();
	*count = 0;
	int rc = db_query_int(d, count,
	                      "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL "
	                      "AND expires_at > $1 AND last_seen_at > $2",
	                      "ii", now, now - p->session_idle_seconds);
	return rc < 0 ? rc : 0;
}
