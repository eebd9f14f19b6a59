/* auth.h: what every security service shares: the policy (limits set once
 * at start-up from the config), the clock the services read (injectable so
 * tests can move time instead of sleeping), the principal that the CLI and
 * start-up code act as, and the paging convention of the list functions.
 *
 * The services (orgs.h, users.h, password.h, sessions.h, login.h, totp.h,
 * tokens.h, audit.h, roster.h) never see HTTP. Each takes a db, an arena
 * for what it returns, the acting principal and validated input, checks
 * the actor's permission itself (fails closed), and writes in one db_tx
 * together with its audit row. */
#ifndef CITKIT_AUTH_H
#define CITKIT_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/config.h"
#include "principal.h"

enum {
	AUTH_SECRET_BYTES = 32,
	AUTH_LIST_DEFAULT = 50, /* list limit when the caller gives 0 */
	AUTH_LIST_MAX = 200,    /* larger limits are clamped to this */
};

/* Centiseconds since the epoch, UTC. */
typedef int64_t (*auth_clock_fn)(void);

typedef struct auth_policy {
	int64_t session_idle_seconds;     /* 30 min: CJIS session lock */
	int64_t session_absolute_seconds; /* 12 h: re-authenticate */
	int lockout_failures;             /* 5 consecutive failures … */
	int64_t lockout_window_seconds;   /* … within 15 minutes lock the account */
	unsigned totp_required_roles;     /* ROLE_ADMIN | ROLE_COORDINATOR */
	char issuer[256];                 /* otpauth:// issuer: the program name */
	/* Server secret (from the secret-key file, never in the database):
	 * keys the HMAC that anchors the audit chain's newest row. */
	unsigned char secret[AUTH_SECRET_BYTES];
	bool has_secret;
	auth_clock_fn clock_cs; /* clock_now_cs unless a test injects one */
} auth_policy;

/* The built-in defaults above (no secret). */
void auth_policy_defaults(auth_policy *p);
/* Defaults overlaid with the [security] and [program] settings of c and
 * the secret read from c->secret_key_file (when set; it must hold at least
 * 32 bytes). 0, CK_E_INVALID (err says which setting) or CK_E_IO. */
int auth_policy_from_config(const config *c, auth_policy *p, char *err, size_t errlen);
/* Installs p for the whole process. Call once at start-up, before any
 * thread runs a service; tests call it again between cases. */
void auth_policy_set(const auth_policy *p);
const auth_policy *auth_policy_get(void);

/* The policy's clock: seconds and centiseconds since the epoch. */
int64_t auth_now(void);
int64_t auth_now_cs(void);

/* The principal the command line and start-up code act as: every role,
 * user_id 0, recorded in the audit log with actor_email = who, a string
 * that outlives p ("system:cli", "system:demo"). */
void auth_system_principal(principal *p, const char *who);
bool auth_is_system(const principal *p);

/* The identity hooks of web_options (src/web/server.h), on this thread's
 * connection (db_thread()): session_identify and token_identify, and
 * session_count_active (-1 when the database cannot answer). */
int auth_identify_session(arena *a, const char *cookie_value, const char *ip, principal *out);
int auth_identify_token(arena *a, const char *bearer, const char *ip, principal *out);
int64_t auth_active_sessions(void);
/* The heartbeat check of event streams (web_options.recheck_credentials):
 * session_recheck and token_recheck on this thread's connection. */
int auth_recheck_credentials(principal_check *items, size_t n);

/* Told, in this process, right after a credential ended or its user
 * changed, so that what it holds open (event streams) ends at once
 * rather than at the next check. `citkit serve` sets them at start-up,
 * before any thread runs a service; unset hooks are not called. Called
 * after the service's transaction, outside any lock of the services. */
typedef struct auth_end_hooks {
	void (*session)(int64_t session_id); /* signed out, or ended by its user */
	/* every session of user_id but keep_session_id (0: all) ended
	 * (password change or reset, "sign out everywhere else") */
	void (*user_sessions)(int64_t user_id, int64_t keep_session_id);
	void (*token)(int64_t token_id); /* revoked */
	/* disabled, locked out, or roles or organization changed */
	void (*user)(int64_t user_id);
} auth_end_hooks;
void auth_end_hooks_set(const auth_end_hooks *h);

/* Lists take limit (0 = AUTH_LIST_DEFAULT, clamped to AUTH_LIST_MAX) and
 * an opaque cursor (NULL or "" for the first page) and return the cursor
 * of the next page, or NULL on the last page. A malformed cursor is
 * CK_E_MALFORMED. */

#endif
