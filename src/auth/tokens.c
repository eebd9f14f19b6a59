/* tokens.c: API tokens. The plaintext leaves this file once, from
 * token_create; the table keeps its SHA-256 (a copy of the database gives
 * no working token) and a short prefix for people to recognise it by. */
#include "tokens.h"

#include <stdio.h>
#include <string.h>

#include "../base/crypto.h"
#include "../base/errors.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "roles.h"
#include "users.h"

enum {
	TOUCH_EVERY = 60,
	PREFIX_CHARS = 11, /* "ck_" + 8: enough to tell tokens apart, useless to guess with */
	PLAIN_LEN = 3 + CRYPTO_TOKEN_LEN - 1,
};

enum { F_NAME, F_EXPIRES, F_COUNT };

static const field_spec specs[F_COUNT] = {
    [F_NAME] = {"name", FIELD_TEXT, true, 1, 100, NULL, "Name"},
    [F_EXPIRES] = {"expires_at", FIELD_TIME, false, 0, 0, NULL, "Expires"},
};

static bool actor_is_admin(const principal *actor)
{
	return auth_is_system(actor) || (auth_signed_in(actor) && (actor->roles & ROLE_ADMIN));
}

/* May actor manage user_id's tokens? Themselves always; others with
 * PERM_USERS_WRITE, in scope, and an admin's only by an admin.
 * Unreachable users are CK_E_NOT_FOUND. */
static int check_owner(db *d, const principal *actor, int64_t user_id)
{
	if (auth_signed_in(actor) && actor->user_id == user_id)
		return 0;
	if (!auth_allowed(actor, PERM_USERS_WRITE))
		return CK_E_NOT_FOUND;
	arena *a = arena_new();
	user u;
	int rc = auth_user_load(d, a, user_id, &u);
	if (rc == 0 && !auth_sees_org(actor, u.org_id))
		rc = CK_E_NOT_FOUND;
	if (rc == 0 && (u.roles & ROLE_ADMIN) && !actor_is_admin(actor))
		rc = CK_E_FORBIDDEN;
	arena_free(a);
	return rc;
}

typedef struct create_ctx {
	arena *a;
	const principal *actor;
	int64_t user_id, expires_at, id;
	const char *name, *hash, *prefix;
} create_ctx;

static int create_in_tx(db *d, void *vctx)
{
	create_ctx *c = vctx;
	int rc = db_query_int(
	    d, &c->id,
	    "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, "
	    "expires_at) VALUES ($1, $2, $3, $4, $5, NULLIF(CAST($6 AS BIGINT), 0)) "
	    "RETURNING id",
	    "itttii", c->user_id, c->name, c->hash, c->prefix, auth_now(), c->expires_at);
	if (rc < 0)
		return rc;
	json_t *detail =
	    json_pack("{s:I, s:s, s:s, s:I}", "user_id", (json_int_t)c->user_id, "name", c->name,
	              "prefix", c->prefix, "expires_at", (json_int_t)c->expires_at);
	return audit_append(d, c->actor, "token.create", "token", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int token_create(db *d, arena *a, const principal *actor, int64_t user_id, const kv *in,
                 int64_t *id, const char **plaintext, field_errors *errs)
{
	field_value v[F_COUNT];
	char random[CRYPTO_TOKEN_LEN], hash[CRYPTO_HASH_HEX];
	*plaintext = NULL;
	if (!auth_allowed(actor, PERM_TOKENS_CREATE))
		return CK_E_FORBIDDEN;
	if (user_id == 0)
		user_id = actor->user_id;
	if (user_id <= 0)
		return CK_E_NOT_FOUND;
	int rc = check_owner(d, actor, user_id);
	if (rc < 0)
		return rc;
	size_t before = errs->len;
	validate_fields(a, in, specs, F_COUNT, v, errs);
	if (v[F_EXPIRES].present && v[F_EXPIRES].number <= auth_now())
		field_errors_add(errs, "expires_at", "must be in the future");
	if (errs->len > before)
		return CK_E_INVALID;
	crypto_random_token(random);
	char *plain = arena_printf(a, "%s%s", TOKEN_PLAIN_PREFIX, random);
	crypto_random_bytes(random, sizeof random);
	crypto_sha256_hex(plain, strlen(plain), hash);
	create_ctx c = {
	    .a = a,
	    .actor = actor,
	    .user_id = user_id,
	    .expires_at = v[F_EXPIRES].present ? v[F_EXPIRES].number : 0,
	    .name = v[F_NAME].text,
	    .hash = hash,
	    .prefix = arena_strndup(a, plain, PREFIX_CHARS),
	};
	rc = audit_tx(d, create_in_tx, &c);
	if (rc < 0)
		return rc;
	if (id)
		*id = c.id;
	*plaintext = plain;
	return 0;
}

static const char *dup_text(arena *a, db_stmt *s, int col)
{
	const char *t = db_col_text(s, col);
	return t ? arena_strdup(a, t) : NULL;
}

/* A token still good at `now` (a placeholder): one rule for signing in
 * and for re-checking the streams a token opened. */
#define TOKEN_LIVE(now)                                                                            \
	"t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > " now ") "               \
	"AND u.is_active = 1 AND u.locked_at IS NULL "

int token_identify(db *d, arena *a, const char *bearer, const char *ip, principal *out)
{
	char hash[CRYPTO_HASH_HEX];
	*out = (principal){.ip = ip};
	if (!bearer || strlen(bearer) != PLAIN_LEN ||
	    strncmp(bearer, TOKEN_PLAIN_PREFIX, strlen(TOKEN_PLAIN_PREFIX)) != 0)
		return CK_E_UNAUTHORIZED;
	crypto_sha256_hex(bearer, strlen(bearer), hash);
	int64_t now = auth_now(), last_used = 0;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT t.id, t.user_id, COALESCE(t.last_used_at, 0), u.org_id, "
	                    "u.email, u.name, u.roles "
	                    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	                    "WHERE t.token_hash = $1 AND " TOKEN_LIVE("$2"),
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_text(s, 1, hash);
	db_bind_int(s, 2, now);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*out = (principal){
		    .token_id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .org_id = db_col_int(s, 3),
		    .email = dup_text(a, s, 4),
		    .name = dup_text(a, s, 5),
		    .roles = (unsigned)db_col_int(s, 6),
		    .via_token = true,
		    .authenticated_at = now,
		    .ip = ip,
		};
		last_used = db_col_int(s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return CK_E_UNAUTHORIZED;
	if (now - last_used >= TOUCH_EVERY) {
		rc = db_run(d, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", "ii", now,
		            out->token_id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One query for up to AUTH_BATCH tokens (chunk). */
static int recheck_batch(db *d, principal_check **chunk, const int64_t *ids, size_t k)
{
	int64_t now = auth_now();
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT t.id, t.user_id, u.org_id, u.roles "
	                    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	                    "WHERE t.id IN (" AUTH_BATCH_PARAMS ") AND " TOKEN_LIVE("$65"),
	                    &s);
	if (rc < 0)
		return rc;
	auth_bind_batch(s, ids, k);
	db_bind_int(s, AUTH_BATCH + 1, now);
	while ((rc = db_step(s)) == DB_ROW)
		auth_check_row(s, chunk, ids, k);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int token_recheck(db *d, principal_check *items, size_t n)
{
	return auth_check_batches(d, items, n, AUTH_CHECK_TOKENS, recheck_batch);
}

int token_list(db *d, arena *a, const principal *actor, int64_t user_id, api_token **items,
               size_t *n)
{
	*items = NULL;
	*n = 0;
	if (user_id == 0)
		user_id = actor ? actor->user_id : 0;
	if (user_id <= 0)
		return CK_E_NOT_FOUND;
	int rc = check_owner(d, actor, user_id);
	if (rc < 0)
		return rc == CK_E_FORBIDDEN ? CK_E_NOT_FOUND : rc;
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT id, user_id, name, prefix, created_at, COALESCE(last_used_at, 0), "
	                "COALESCE(expires_at, 0), COALESCE(revoked_at, 0) FROM api_tokens "
	                "WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, user_id);
	db_bind_int(s, 2, AUTH_LIST_MAX);
	api_token *out = arena_array(a, AUTH_LIST_MAX, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		out[count++] = (api_token){
		    .id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .name = dup_text(a, s, 2),
		    .prefix = dup_text(a, s, 3),
		    .created_at = db_col_int(s, 4),
		    .last_used_at = db_col_int(s, 5),
		    .expires_at = db_col_int(s, 6),
		    .revoked_at = db_col_int(s, 7),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

typedef struct revoke_ctx {
	const principal *actor;
	int64_t id;
} revoke_ctx;

static int revoke_in_tx(db *d, void *vctx)
{
	revoke_ctx *c = vctx;
	int64_t owner = 0;
	char id_text[24];
	int rc =
	    db_query_int(d, &owner, "SELECT user_id FROM api_tokens WHERE id = $1", "i", c->id);
	if (rc < 0)
		return rc;
	bool own = auth_signed_in(c->actor) && owner == c->actor->user_id;
	if (rc != DB_ROW || (!own && !actor_is_admin(c->actor)))
		return CK_E_NOT_FOUND;
	rc = db_run(d, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
	            "ii", auth_now(), c->id);
	if (rc <= 0)
		return rc; /* already revoked: nothing to do */
	snprintf(id_text, sizeof id_text, "%lld", (long long)c->id);
	return audit_append(d, c->actor, "token.revoke", "token", id_text, AUDIT_SUCCESS, NULL);
}

int token_revoke(db *d, const principal *actor, int64_t token_id)
{
	if (!auth_signed_in(actor) && !auth_is_system(actor))
		return CK_E_UNAUTHORIZED;
	revoke_ctx c = {actor, token_id};
	int rc = audit_tx(d, revoke_in_tx, &c);
	if (rc >= 0)
		auth_ended_token(token_id);
	return rc;
}
