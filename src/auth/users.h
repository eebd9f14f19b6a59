/* users.h: the people who sign in. A user belongs to one organization and
 * holds one or more roles (roles.h).
 *
 * Scope: admins, coordinators and analysts see every organization's users
 * (roles_see_all_orgs); a supervisor sees only their own organization's.
 * A user outside the actor's scope does not exist for them: CK_E_NOT_FOUND,
 * never CK_E_FORBIDDEN, so ids cannot be probed.
 *
 * Privilege: only an admin may grant or take away the admin role, or
 * change (password, roles, email, disable, second factor) a user who holds
 * it; anyone else gets a field error or CK_E_FORBIDDEN. */
#ifndef CITKIT_USERS_H
#define CITKIT_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "principal.h"

typedef struct user {
	int64_t id, org_id;
	const char *org_name;
	const char *email, *name;
	unsigned roles; /* role bits */
	bool is_active;
	bool is_locked;    /* by the lockout; an admin unlocks */
	bool has_password; /* false for roster imports until one is set */
	bool totp_enabled; /* a second factor is enrolled and confirmed */
	int64_t locked_at, totp_enabled_at, password_changed_at;
	int64_t created_at, updated_at;
} user;

typedef struct user_filter {
	int64_t org_id; /* 0 = every organization in scope */
	unsigned role;  /* a role bit, 0 = any */
	const char *q;  /* part of the name or email, NULL = any */
	int active;     /* -1 any, 0 disabled only, 1 active only */
} user_filter;

/* By name. Needs PERM_USERS_READ. */
int user_list(db *d, arena *a, const principal *actor, const user_filter *f, int limit,
              const char *cursor, user **items, size_t *n, const char **next_cursor);
/* CK_E_NOT_FOUND when missing or outside the actor's scope. A signed-in
 * user may always read themselves. */
int user_get(db *d, arena *a, const principal *actor, int64_t id, user *out);
/* By email (case-insensitive), with the same scope rules. */
int user_get_by_email(db *d, arena *a, const principal *actor, const char *email, user *out);

/* Fields: email (required, unique), name (required, 1–200), org_id
 * (required, an existing organization), roles (required, one or more of
 * role_names(), repeated or comma-separated), is_active (bool; absent =
 * active), password (optional; the password rules of password.h apply).
 * Needs PERM_USERS_WRITE. CK_E_INVALID with errs filled; CK_E_CONFLICT
 * with the field error on "email" when the only problem is a taken email
 * (an API's 409). Audited as user.create with the roles. */
int user_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                field_errors *errs);
/* Fields as above but none required: a field absent from `in` keeps its
 * value (a page whose "active" box is unticked must send is_active=0).
 * Audited as user.update with the changed fields before and after (role
 * changes also as user.roles). Taking away is_active ends the user's
 * sessions. */
int user_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                field_errors *errs);

/* Sets a password. For oneself, current_password must be right (else a
 * field error on "current_password"); for another user (needs
 * PERM_USERS_WRITE) it is ignored. The new one must pass password_check
 * (field error on "password"). Ends the user's other sessions. Audited as
 * password.change / password.reset. */
int user_set_password(db *d, arena *a, const principal *actor, int64_t id,
                      const char *current_password, const char *new_password, field_errors *errs);
/* Clears the lockout and the failure count. Needs PERM_USERS_UNLOCK.
 * Audited as account.unlock. */
int user_unlock(db *d, const principal *actor, int64_t id);
/* is_active = 0, ends every session. Needs PERM_USERS_WRITE; nobody
 * disables themselves (CK_E_CONFLICT). Audited as user.disable. */
int user_disable(db *d, const principal *actor, int64_t id);

#endif
