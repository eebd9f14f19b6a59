/* tokens.h: API tokens for integrations (Authorization: Bearer). The
 * plaintext ("ck_" + 43 base64url characters, 256 random bits) is shown
 * once at creation; the database keeps its SHA-256 and the first
 * characters (prefix) so people can tell their tokens apart. */
#ifndef CITKIT_TOKENS_H
#define CITKIT_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "principal.h"

#define TOKEN_PLAIN_PREFIX "ck_"

typedef struct api_token {
	int64_t id, user_id;
	const char *name;
	const char *prefix; /* "ck_AbCd1234": the start of the plaintext */
	int64_t created_at, last_used_at, expires_at, revoked_at; /* 0 = never */
} api_token;

/* Creates a token for user_id (0 = the actor). Fields: name (required,
 * 1–100 characters), expires_at (optional date YYYY-MM-DD or RFC 3339
 * time, in the future). Needs PERM_TOKENS_CREATE; for another user the
 * actor also needs PERM_USERS_WRITE and that user in scope. *plaintext
 * (from a) is the only copy of the secret. Audited as token.create. */
int token_create(db *d, arena *a, const principal *actor, int64_t user_id, const kv *in,
                 int64_t *id, const char **plaintext, field_errors *errs);

/* The principal for a bearer token. CK_E_UNAUTHORIZED when unknown,
 * revoked, expired, or its user is disabled or locked. Updates
 * last_used_at at most once a minute. out->via_token, out->ip = ip. */
int token_identify(db *d, arena *a, const char *bearer, const char *ip, principal *out);

/* The heartbeat check of event streams: for each item with a token_id,
 * whether that token still signs its user in (not revoked, not expired,
 * user active and not locked), and the user's organization and roles
 * now. AUTH_BATCH tokens a query. */
int token_recheck(db *d, principal_check *items, size_t n);

/* The actor's own tokens (user_id 0), or another user's with
 * PERM_USERS_WRITE and in scope (else CK_E_NOT_FOUND); newest first,
 * revoked ones included. */
int token_list(db *d, arena *a, const principal *actor, int64_t user_id, api_token **items,
               size_t *n);
/* Revokes one of the actor's own tokens, or any token for an admin.
 * Others' tokens and unknown ids: CK_E_NOT_FOUND. Audited as token.revoke. */
int token_revoke(db *d, const principal *actor, int64_t token_id);

#endif
