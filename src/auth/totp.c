/* totp.c: TOTP second factor (RFC 6238) with liboath. The secret is 160
 * random bits (RFC 4226's recommendation), stored base32 in
 * users.totp_secret; totp_enabled_at stays NULL until the user proves
 * their app has it. With a server secret configured it is stored sealed
 * (XChaCha20-Poly1305 under a key derived from the secret, bound to the
 * user's id), so a copy of the database does not hand out second
 * factors; without one, or for rows written before one was configured,
 * it is stored as plain base32. totp_last_step remembers the newest accepted time
 * step, so a code (or an older one still inside the window) is accepted
 * once. */
#include "totp.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>

#include "../base/crypto.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"
#include "users.h"

enum {
	SECRET_BYTES = 20,
	SECRET_B32 = 33, /* 32 base32 characters + NUL */
	STEP = 30,
	DIGITS = 6,
	WINDOW = 1,
};

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status;

static void oath_start(void)
{
	oath_status = oath_init();
}

/* "123 456" and "123-456" as apps show them → "123456"; NULL unless six
 * digits remain. */
static const char *clean_code(const char *code, char out[DIGITS + 1])
{
	size_t n = 0;
	for (const char *p = code ? code : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (!isdigit((unsigned char)*p) || n == DIGITS)
			return NULL;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n == DIGITS ? out : NULL;
}

/* The time step code matches for secret (base32), or -1. */
static int64_t match_step(const char *secret_b32, const char *code)
{
	char digits[DIGITS + 1];
	char *raw = NULL;
	size_t raw_len = 0;
	uint64_t counter = 0;
	int pos = 0;
	int64_t step = -1;
	pthread_once(&oath_once, oath_start);
	if (oath_status != OATH_OK || !clean_code(code, digits))
		return -1;
	if (oath_base32_decode(secret_b32, strlen(secret_b32), &raw, &raw_len) != OATH_OK)
		return -1;
	int rc = oath_totp_validate3(raw, raw_len, (time_t)auth_now(), STEP,
	                             OATH_TOTP_DEFAULT_START_TIME, WINDOW, &pos, &counter, digits);
	if (rc >= 0)
		step = (int64_t)counter;
	crypto_random_bytes(raw, raw_len);
	free(raw);
	return step;
}

static int pct_encode(buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
	return 0;
}

const char *totp_uri(arena *a, const char *issuer, const char *email, const char *secret)
{
	buf b;
	buf_init(&b, a);
	buf_puts(&b, "otpauth://totp/");
	pct_encode(&b, issuer);
	buf_putc(&b, ':');
	pct_encode(&b, email);
	buf_printf(&b, "?secret=%s&issuer=", secret);
	pct_encode(&b, issuer);
	buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", DIGITS, STEP);
	return buf_str(&b);
}

typedef struct totp_state {
	const char *secret; /* NULL when none */
	int64_t enabled_at, last_step;
} totp_state;

#define SEALED_PREFIX "sealed:"

static void totp_key(unsigned char key[CRYPTO_KEY_BYTES])
{
	crypto_derive_key(auth_policy_get()->secret, "citkit totp secrets", key);
}

/* The secret as it goes into users.totp_secret. */
static const char *stored_form(arena *a, int64_t user_id, const char *b32)
{
	const auth_policy *p = auth_policy_get();
	if (!p->has_secret)
		return b32;
	unsigned char key[CRYPTO_KEY_BYTES];
	char ad[32];
	size_t len = crypto_sealed_len(strlen(b32));
	char *out = arena_alloc(a, strlen(SEALED_PREFIX) + len);
	snprintf(ad, sizeof ad, "user:%lld", (long long)user_id);
	totp_key(key);
	memcpy(out, SEALED_PREFIX, strlen(SEALED_PREFIX));
	int rc = crypto_seal(key, ad, b32, out + strlen(SEALED_PREFIX), len);
	crypto_random_bytes(key, sizeof key);
	return rc == 0 ? out : NULL;
}

/* The base32 secret from users.totp_secret, or NULL when it cannot be
 * opened (no secret, another secret, or a value moved between users). */
static const char *plain_form(arena *a, int64_t user_id, const char *stored)
{
	if (strncmp(stored, SEALED_PREFIX, strlen(SEALED_PREFIX)) != 0)
		return arena_strdup(a, stored);
	if (!auth_policy_get()->has_secret) {
		log_error("user %lld: sealed TOTP secret but no secret key configured",
		          (long long)user_id);
		return NULL;
	}
	unsigned char key[CRYPTO_KEY_BYTES];
	char ad[32], out[SECRET_B32 + 1];
	snprintf(ad, sizeof ad, "user:%lld", (long long)user_id);
	totp_key(key);
	int rc = crypto_open(key, ad, stored + strlen(SEALED_PREFIX), out, sizeof out);
	crypto_random_bytes(key, sizeof key);
	if (rc < 0) {
		log_error("user %lld: TOTP secret does not open with this secret key",
		          (long long)user_id);
		return NULL;
	}
	return arena_strdup(a, out);
}

static int load_state(db *d, arena *a, int64_t user_id, totp_state *st)
{
	db_stmt *s;
	*st = (totp_state){0};
	int rc = db_prepare(d,
	                    "SELECT totp_secret, COALESCE(totp_enabled_at, 0), totp_last_step "
	                    "FROM users WHERE id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, user_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *secret = db_col_text(s, 0);
		st->secret = secret ? plain_form(a, user_id, secret) : NULL;
		st->enabled_at = db_col_int(s, 1);
		st->last_step = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* Accepts code once: records its step unless an equal or newer one was
 * already taken (the UPDATE's condition also settles a race). */
static int accept_code(db *d, int64_t user_id, const totp_state *st, const char *code, bool *ok)
{
	*ok = false;
	int64_t step = st->secret ? match_step(st->secret, code) : -1;
	if (step < 0 || step <= st->last_step)
		return 0;
	int rc =
	    db_run(d, "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
	           "ii", step, user_id);
	if (rc < 0)
		return rc;
	*ok = rc == 1;
	return 0;
}

int totp_check(db *d, int64_t user_id, const char *code, bool *ok)
{
	arena *a = arena_new();
	totp_state st;
	*ok = false;
	int rc = load_state(d, a, user_id, &st);
	if (rc == 0 && st.enabled_at)
		rc = accept_code(d, user_id, &st, code, ok);
	arena_free(a);
	return rc;
}

static bool may_enrol(const principal *actor)
{
	return actor && actor->user_id > 0 && !actor->mfa_pending;
}

typedef struct enrol_ctx {
	arena *a;
	const principal *actor;
	const char *secret, *stored;
	const char *code;
	bool ok;
} enrol_ctx;

static int start_in_tx(db *d, void *vctx)
{
	enrol_ctx *c = vctx;
	totp_state st;
	int rc = load_state(d, c->a, c->actor->user_id, &st);
	if (rc < 0)
		return rc;
	if (st.enabled_at)
		return CK_E_CONFLICT;
	rc = db_run(d, "UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE id = $2", "ti",
	            c->stored, c->actor->user_id);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, "totp.enrol.start", "user",
	                    auth_id_text(c->a, c->actor->user_id), AUDIT_SUCCESS, NULL);
}

int totp_enrol_start(db *d, arena *a, const principal *actor, totp_enrolment *out)
{
	unsigned char raw[SECRET_BYTES];
	char secret[SECRET_B32];
	if (!may_enrol(actor))
		return CK_E_UNAUTHORIZED;
	crypto_random_bytes(raw, sizeof raw);
	crypto_base32(raw, sizeof raw, secret, sizeof secret);
	crypto_random_bytes(raw, sizeof raw);
	const char *stored = stored_form(a, actor->user_id, secret);
	if (!stored)
		return CK_E_INTERNAL;
	enrol_ctx c = {a, actor, secret, stored, NULL, false};
	int rc = audit_tx(d, start_in_tx, &c);
	if (rc < 0)
		return rc;
	out->secret = arena_strdup(a, secret);
	out->uri =
	    totp_uri(a, auth_policy_get()->issuer, actor->email ? actor->email : "", out->secret);
	return 0;
}

int totp_enrol_pending(db *d, arena *a, const principal *actor, totp_enrolment *out)
{
	totp_state st;
	if (!may_enrol(actor))
		return CK_E_UNAUTHORIZED;
	int rc = load_state(d, a, actor->user_id, &st);
	if (rc < 0)
		return rc;
	if (!st.secret || st.enabled_at)
		return CK_E_NOT_FOUND;
	out->secret = st.secret;
	out->uri =
	    totp_uri(a, auth_policy_get()->issuer, actor->email ? actor->email : "", st.secret);
	return 0;
}

static int confirm_in_tx(db *d, void *vctx)
{
	enrol_ctx *c = vctx;
	totp_state st;
	int rc = load_state(d, c->a, c->actor->user_id, &st);
	if (rc < 0)
		return rc;
	if (!st.secret || st.enabled_at)
		return CK_E_NOT_FOUND;
	rc = accept_code(d, c->actor->user_id, &st, c->code, &c->ok);
	if (rc < 0 || !c->ok)
		return rc;
	rc = db_run(d, "UPDATE users SET totp_enabled_at = $1, updated_at = $1 WHERE id = $2", "ii",
	            auth_now(), c->actor->user_id);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, "totp.enrol", "user",
	                    auth_id_text(c->a, c->actor->user_id), AUDIT_SUCCESS, NULL);
}

int totp_enrol_confirm(db *d, const principal *actor, const char *code)
{
	if (!may_enrol(actor))
		return CK_E_UNAUTHORIZED;
	arena *a = arena_new();
	enrol_ctx c = {a, actor, NULL, NULL, code, false};
	int rc = audit_tx(d, confirm_in_tx, &c);
	arena_free(a);
	if (rc < 0)
		return rc;
	return c.ok ? 0 : CK_E_BAD_LOGIN;
}

typedef struct reset_ctx {
	const principal *actor;
	int64_t user_id;
	char id_text[24];
} reset_ctx;

static int reset_in_tx(db *d, void *vctx)
{
	reset_ctx *c = vctx;
	int rc = db_run(d,
	                "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, "
	                "totp_last_step = 0, updated_at = $1 WHERE id = $2",
	                "ii", auth_now(), c->user_id);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, "totp.reset", "user", c->id_text, AUDIT_SUCCESS, NULL);
}

int totp_reset(db *d, const principal *actor, int64_t user_id)
{
	if (!auth_allowed(actor, PERM_USERS_UNLOCK))
		return CK_E_FORBIDDEN;
	arena *a = arena_new();
	user u;
	int rc = auth_user_load(d, a, user_id, &u);
	if (rc == 0 && !auth_sees_org(actor, u.org_id))
		rc = CK_E_NOT_FOUND;
	arena_free(a);
	if (rc < 0)
		return rc;
	reset_ctx c = {actor, user_id, ""};
	snprintf(c.id_text, sizeof c.id_text, "%lld", (long long)user_id);
	return audit_tx(d, reset_in_tx, &c);
}
