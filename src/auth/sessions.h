/* sessions.h: server-side sign-in sessions. The cookie holds 256 random
 * bits (base64url); the database holds only their SHA-256, so a copy of
 * the database hands out no live session. A new token at every login; a
 * CSRF token per session; idle timeout (30 min) and absolute limit (12 h)
 * from the policy (auth.h); ended server-side at logout. */
#ifndef CITKIT_SESSIONS_H
#define CITKIT_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/crypto.h"
#include "../db/db.h"
#include "principal.h"

typedef struct session_new {
	int64_t id;
	char token[CRYPTO_TOKEN_LEN]; /* the cookie value: shown once, never stored */
	const char *csrf_token;
	int64_t expires_at;        /* the absolute limit */
	bool mfa_pending;          /* a TOTP code is owed before anything else */
	bool needs_totp_enrolment; /* a role requires TOTP and none is enrolled */
} session_new;

/* After a successful password check (login.c calls it): mfa_passed is
 * false when the user must still give a TOTP code. Not audited here (the
 * caller's login.ok row covers it). */
int session_create(db *d, arena *a, int64_t user_id, bool mfa_passed, const char *ip,
                   const char *user_agent, session_new *out);

/* The principal for a cookie value. CK_E_UNAUTHORIZED when unknown,
 * ended, idle too long, past the absolute limit, or the user is disabled
 * or locked. Touches last_seen_at at most once a minute. out->ip = ip. */
int session_identify(db *d, arena *a, const char *cookie_token, const char *ip, principal *out);

/* Logout: ends actor's own current session. Audited as logout. */
int session_end(db *d, const principal *actor);

typedef struct session_info {
	int64_t id;
	int64_t created_at, last_seen_at, expires_at;
	const char *ip, *user_agent;
	bool is_current; /* the session the actor is using */
} session_info;

/* The actor's own live sessions, newest first. */
int session_list(db *d, arena *a, const principal *actor, session_info **items, size_t *n);
/* Ends one of the actor's own sessions; anyone else's (or an unknown id)
 * is CK_E_NOT_FOUND. Audited as session.end. */
int session_end_by_id(db *d, const principal *actor, int64_t session_id);
/* "Sign out everywhere else": ends every session of the actor but the one
 * in use. Audited as session.end_others. */
int session_end_others(db *d, const principal *actor);
/* Ends every live session of user_id except keep_id (0 = all), in the
 * caller's transaction: after a password change, disable or unlock. */
int session_end_all(db *d, int64_t user_id, int64_t keep_id);
/* The heartbeat check of event streams: for each item with a session_id,
 * whether that session still signs its user in (not ended, not past its
 * idle or absolute limit, second factor done, user active and not
 * locked), and the user's organization and roles now. An open stream
 * counts as activity: a valid session's last_seen_at is moved to now (at
 * most once a minute), so a screen that only watches is not cut by the
 * idle limit; the absolute limit still is. AUTH_BATCH sessions a query. */
int session_recheck(db *d, principal_check *items, size_t n);
/* Live sessions (not ended, not idle, not expired) for /metrics. */
int session_count_active(db *d, int64_t *count);

#endif
