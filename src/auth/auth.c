/* auth.c: the security policy (set once at start-up), the services'
 * clock, the system principal, and the identity hooks the web server
 * calls for every request. */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "../db/db.h"
#include "auth_internal.h"
#include "roles.h"
#include "sessions.h"
#include "tokens.h"

/* Written once before the server's threads start (and between test cases),
 * read by every thread afterwards: no lock needed. */
static auth_policy policy;
static bool policy_is_set;

void auth_policy_defaults(auth_policy *p)
{
	*p = (auth_policy){
	    .session_idle_seconds = 30 * 60,
	    .session_absolute_seconds = 12 * 60 * 60,
	    .lockout_failures = 5,
	    .lockout_window_seconds = 15 * 60,
	    .totp_required_roles = ROLE_ADMIN | ROLE_COORDINATOR,
	    .clock_cs = clock_now_cs,
	};
	snprintf(p->issuer, sizeof p->issuer, "citkit");
}

/* The secret file may hold raw bytes or text (hex, base64): the key is
 * the SHA-256 of its whole contents, so any form of at least 32 bytes
 * gives a full-strength key. */
static int read_secret(const char *path, auth_policy *p, char *err, size_t errlen)
{
	unsigned char data[4096];
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "secret_key_file %s cannot be read", path);
		return CK_E_IO;
	}
	size_t n = fread(data, 1, sizeof data, f);
	bool failed = ferror(f) != 0;
	fclose(f);
	if (failed || n < AUTH_SECRET_BYTES) {
		snprintf(err, errlen, "secret_key_file %s must hold at least %d bytes", path,
		         AUTH_SECRET_BYTES);
		crypto_random_bytes(data, sizeof data);
		return CK_E_INVALID;
	}
	char hex[CRYPTO_HASH_HEX];
	crypto_sha256_hex(data, n, hex);
	crypto_random_bytes(data, sizeof data);
	for (size_t i = 0; i < AUTH_SECRET_BYTES; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		p->secret[i] = (unsigned char)v;
	}
	p->has_secret = true;
	return 0;
}

int auth_policy_from_config(const config *c, auth_policy *p, char *err, size_t errlen)
{
	auth_policy_defaults(p);
	if (c->session_idle_minutes <= 0 || c->session_absolute_hours <= 0 ||
	    c->lockout_failures <= 0 || c->lockout_window_minutes <= 0) {
		snprintf(err, errlen, "session and lockout limits must be positive");
		return CK_E_INVALID;
	}
	p->session_idle_seconds = (int64_t)c->session_idle_minutes * 60;
	p->session_absolute_seconds = (int64_t)c->session_absolute_hours * 3600;
	p->lockout_failures = c->lockout_failures;
	p->lockout_window_seconds = (int64_t)c->lockout_window_minutes * 60;
	if (c->totp_required_roles[0]) {
		unsigned mask = 0;
		if (strcmp(c->totp_required_roles, "none") != 0 &&
		    !role_parse_list(c->totp_required_roles, &mask)) {
			snprintf(err, errlen, "totp_required_roles: unknown role in \"%s\"",
			         c->totp_required_roles);
			return CK_E_INVALID;
		}
		p->totp_required_roles = mask;
	}
	if (c->program_name[0])
		snprintf(p->issuer, sizeof p->issuer, "%s", c->program_name);
	if (c->secret_key_file[0])
		return read_secret(c->secret_key_file, p, err, errlen);
	return 0;
}

void auth_policy_set(const auth_policy *p)
{
	policy = *p;
	if (!policy.clock_cs)
		policy.clock_cs = clock_now_cs;
	policy_is_set = true;
}

const auth_policy *auth_policy_get(void)
{
	if (!policy_is_set) {
		auth_policy_defaults(&policy);
		policy_is_set = true;
	}
	return &policy;
}

int64_t auth_now_cs(void)
{
	return auth_policy_get()->clock_cs();
}

int64_t auth_now(void)
{
	return auth_now_cs() / 100;
}

void auth_system_principal(principal *p, const char *who)
{
	*p = (principal){
	    .roles = ROLE_ALL,
	    .email = who && *who ? who : "system",
	    .name = "citkit",
	};
}

bool auth_is_system(const principal *p)
{
	return p && p->user_id == 0 && p->roles == ROLE_ALL;
}

int auth_identify_session(arena *a, const char *cookie_value, const char *ip, principal *out)
{
	db *d = db_thread();
	if (!d)
		return CK_E_DB;
	return session_identify(d, a, cookie_value, ip, out);
}

int auth_identify_token(arena *a, const char *bearer, const char *ip, principal *out)
{
	db *d = db_thread();
	if (!d)
		return CK_E_DB;
	return token_identify(d, a, bearer, ip, out);
}

int auth_recheck_credentials(principal_check *items, size_t n)
{
	db *d = db_thread();
	if (!d)
		return CK_E_DB;
	int rc = session_recheck(d, items, n);
	return rc < 0 ? rc : token_recheck(d, items, n);
}

/* Like the policy: written once at start-up, read afterwards. */
static auth_end_hooks end_hooks;

void auth_end_hooks_set(const auth_end_hooks *h)
{
	end_hooks = h ? *h : (auth_end_hooks){0};
}

void auth_ended_session(int64_t session_id)
{
	if (end_hooks.session && session_id > 0)
		end_hooks.session(session_id);
}

void auth_ended_user_sessions(int64_t user_id, int64_t keep_session_id)
{
	if (end_hooks.user_sessions && user_id > 0)
		end_hooks.user_sessions(user_id, keep_session_id);
}

void auth_ended_token(int64_t token_id)
{
	if (end_hooks.token && token_id > 0)
		end_hooks.token(token_id);
}

void auth_changed_user(int64_t user_id)
{
	if (end_hooks.user && user_id > 0)
		end_hooks.user(user_id);
}

int64_t auth_active_sessions(void)
{
	db *d = db_thread();
	int64_t n = 0;
	if (!d || session_count_active(d, &n) < 0)
		return -1;
	return n;
}
