/* auth_internal.h: small helpers the auth services share and nobody else
 * needs: list paging, scope checks, JSON for audit details, and running
 * a function inside the caller's transaction or a new one. */
#ifndef CITKIT_AUTH_INTERNAL_H
#define CITKIT_AUTH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "principal.h"
#include "roles.h"

/* 0 → default, clamped to [1, AUTH_LIST_MAX]. */
int auth_limit(int limit);
/* The id in an opaque cursor (0 for none), or CK_E_MALFORMED. */
int auth_cursor_parse(const char *cursor, int64_t *id);
const char *auth_cursor_make(arena *a, int64_t id);

/* True when actor is signed in (second factor done) or the system, and
 * holds p. Services call it first: they fail closed. */
bool auth_allowed(const principal *actor, perm p);
/* True when actor is a signed-in user (second factor done). */
bool auth_signed_in(const principal *actor);

/* True when actor may see people of org_id (same org, or a role that sees
 * every organization, or the system). */
bool auth_sees_org(const principal *actor, int64_t org_id);

/* Compact JSON text of obj (the reference is consumed), copied into a. */
const char *auth_json_text(arena *a, json_t *obj);
/* ["officer","supervisor"] */
json_t *auth_roles_json(unsigned roles);

/* Validation for partial updates: every field optional (absent = keep
 * the stored value), but one the specs require may not be sent blank.
 * n <= 16. */
int auth_validate_update(arena *a, const kv *in, const field_spec *specs, size_t n,
                         field_value *values, field_errors *errs);

/* Runs fn in the caller's transaction, or in a new one (db_tx). */
int auth_in_tx(db *d, db_tx_fn fn, void *ctx);

/* users.c: a user by id with no scope check (CK_E_NOT_FOUND). */
struct user;
int auth_user_load(db *d, arena *a, int64_t id, struct user *out);
/* users.c: the id of the user with this (lower-cased) email, or 0. */
int auth_user_id_by_email(db *d, const char *email, int64_t *id);

/* auth.c: the end hooks (auth.h), called by the services after their
 * transaction; each does nothing when its hook is unset. */
void auth_ended_session(int64_t session_id);
void auth_ended_user_sessions(int64_t user_id, int64_t keep_session_id);
void auth_ended_token(int64_t token_id);
void auth_changed_user(int64_t user_id);

/* Checks of many ids at once (session_recheck, token_recheck): a
 * statement with "id IN (" AUTH_BATCH_PARAMS ")" takes AUTH_BATCH ids;
 * auth_bind_batch binds n of them and 0 (no row's id) to the rest. */
enum { AUTH_BATCH = 64 };
/* Calls check(d, chunk, ids, k) for the items of a kind (session items:
 * session_id set; token items: token_id set and no session_id), at most
 * AUTH_BATCH at a time, with ids[i] the id of chunk[i], after marking
 * them not valid; stops at the first error. */
typedef enum auth_check_kind { AUTH_CHECK_SESSIONS, AUTH_CHECK_TOKENS } auth_check_kind;
typedef int (*auth_batch_fn)(db *d, principal_check **chunk, const int64_t *ids, size_t k);
int auth_check_batches(db *d, principal_check *items, size_t n, auth_check_kind kind,
                       auth_batch_fn check);
/* For a row of such a check whose first columns are the session's or
 * token's id, the user's id, org_id and roles: marks the chunk's items
 * with that id valid, with those. */
void auth_check_row(db_stmt *s, principal_check **chunk, const int64_t *ids, size_t k);
#define AUTH_BATCH_PARAMS                                                                          \
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "   \
	"$20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, "    \
	"$37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51, $52, $53, "    \
	"$54, $55, $56, $57, $58, $59, $60, $61, $62, $63, $64"
void auth_bind_batch(db_stmt *s, const int64_t *ids, size_t n);

/* Decimal text of an id for audit object_id, from a. */
const char *auth_id_text(arena *a, int64_t id);

#endif
