/* users.c: people: list and read within the actor's scope, create,
 * update, password changes, unlock and disable. Every write is one
 * transaction with its audit row; the slow Argon2id hashing happens
 * before the transaction so it never holds the write lock. */
#include "users.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../base/crypto.h"
#include "../base/errors.h"
#include "audit.h"
#include "auth.h"
#include "auth_internal.h"
#include "password.h"
#include "roles.h"
#include "sessions.h"

enum { F_EMAIL, F_NAME, F_ORG, F_ROLES, F_ACTIVE, F_COUNT };

static field_spec specs[F_COUNT] = {
    [F_EMAIL] = {"email", FIELD_EMAIL, true, 3, 254, NULL, "Email"},
    [F_NAME] = {"name", FIELD_TEXT, true, 1, 200, NULL, "Name"},
    [F_ORG] = {"org_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Organization"},
    [F_ROLES] = {"roles", FIELD_ENUM_LIST, true, 0, 0, NULL, "Roles"},
    [F_ACTIVE] = {"is_active", FIELD_BOOL, false, 0, 0, NULL, "Active"},
};

static const field_spec *user_specs(void)
{
	/* role_names() is not a constant expression; it never changes. */
	specs[F_ROLES].choices = role_names();
	return specs;
}

#define USER_COLUMNS                                                                               \
	"u.id, u.org_id, o.name, u.email, u.name, u.roles, u.is_active, "                          \
	"COALESCE(u.locked_at, 0), CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END, "          \
	"COALESCE(u.totp_enabled_at, 0), COALESCE(u.password_changed_at, 0), "                     \
	"u.created_at, u.updated_at "

static void read_user(arena *a, db_stmt *s, user *u)
{
	*u = (user){
	    .id = db_col_int(s, 0),
	    .org_id = db_col_int(s, 1),
	    .org_name = db_col_dup(a, s, 2),
	    .email = db_col_dup(a, s, 3),
	    .name = db_col_dup(a, s, 4),
	    .roles = (unsigned)db_col_int(s, 5),
	    .is_active = db_col_int(s, 6) != 0,
	    .locked_at = db_col_int(s, 7),
	    .has_password = db_col_int(s, 8) != 0,
	    .totp_enabled_at = db_col_int(s, 9),
	    .password_changed_at = db_col_int(s, 10),
	    .created_at = db_col_int(s, 11),
	    .updated_at = db_col_int(s, 12),
	};
	u->is_locked = u->locked_at != 0;
	u->totp_enabled = u->totp_enabled_at != 0;
}

int auth_user_load(db *d, arena *a, int64_t id, user *out)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT " USER_COLUMNS "FROM users u JOIN orgs o ON o.id = u.org_id "
	                    "WHERE u.id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_user(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int auth_user_id_by_email(db *d, const char *email, int64_t *id)
{
	*id = 0;
	int rc = db_query_int(d, id, "SELECT id FROM users WHERE email = $1", "t", email);
	return rc < 0 ? rc : 0;
}

/* "%part%" for LIKE, lower-cased, with LIKE's own characters escaped. */
static const char *like_pattern(arena *a, const char *q)
{
	size_t n = strlen(q);
	char *out = arena_alloc(a, 2 * n + 3), *p = out;
	*p++ = '%';
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)q[i]);
		if (c == '%' || c == '_' || c == '\\')
			*p++ = '\\';
		*p++ = c;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

int user_list(db *d, arena *a, const principal *actor, const user_filter *f, int limit,
              const char *cursor, user **items, size_t *n, const char **next_cursor)
{
	static const user_filter all = {.active = -1};
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_USERS_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	if (!f)
		f = &all;
	limit = auth_limit(limit);
	/* Supervisors: their own organization, whatever the filter says. */
	int64_t scope = auth_sees_org(actor, -1) ? 0 : actor->org_id;
	const char *q = f->q && *f->q ? f->q : "";
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT " USER_COLUMNS "FROM users u JOIN orgs o ON o.id = u.org_id "
	                "WHERE (CAST($1 AS BIGINT) = 0 OR u.org_id = $1) "
	                "AND (CAST($2 AS BIGINT) = 0 OR u.org_id = $2) "
	                "AND (CAST($3 AS BIGINT) = 0 OR (u.roles & $3) <> 0) "
	                "AND (CAST($4 AS TEXT) = '' OR lower(u.name) LIKE $5 ESCAPE '\\' "
	                "     OR u.email LIKE $5 ESCAPE '\\') "
	                "AND (CAST($6 AS BIGINT) < 0 OR u.is_active = $6) "
	                "AND (CAST($7 AS BIGINT) = 0 OR (u.name, u.id) > "
	                "     (SELECT c.name, c.id FROM users c WHERE c.id = $7)) "
	                "ORDER BY u.name, u.id LIMIT $8",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, scope);
	db_bind_int(s, 2, f->org_id);
	db_bind_int(s, 3, f->role);
	db_bind_text(s, 4, q);
	db_bind_text(s, 5, like_pattern(a, q));
	db_bind_int(s, 6, f->active < 0 ? -1 : f->active != 0);
	db_bind_int(s, 7, after);
	db_bind_int(s, 8, limit + 1);
	user *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		read_user(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

static bool is_self(const principal *actor, int64_t id)
{
	return auth_signed_in(actor) && actor->user_id == id;
}

/* Loads id when actor may read it: themselves, or with PERM_USERS_READ
 * and the user's organization in scope. Out of scope = not found. */
static int load_scoped(db *d, arena *a, const principal *actor, int64_t id, user *out)
{
	if (!is_self(actor, id) && !auth_allowed(actor, PERM_USERS_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_user_load(d, a, id, out);
	if (rc < 0)
		return rc;
	if (!is_self(actor, id) && !auth_sees_org(actor, out->org_id))
		return CK_E_NOT_FOUND;
	return 0;
}

int user_get(db *d, arena *a, const principal *actor, int64_t id, user *out)
{
	return load_scoped(d, a, actor, id, out);
}

int user_get_by_email(db *d, arena *a, const principal *actor, const char *email, user *out)
{
	int64_t id;
	char *lower = arena_strdup(a, email ? email : "");
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	bool own = auth_signed_in(actor) && actor->email && !strcmp(actor->email, lower);
	if (!own && !auth_allowed(actor, PERM_USERS_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_user_id_by_email(d, lower, &id);
	if (rc < 0)
		return rc;
	if (!id)
		return CK_E_NOT_FOUND;
	return load_scoped(d, a, actor, id, out);
}

static bool actor_is_admin(const principal *actor)
{
	return auth_is_system(actor) || (auth_signed_in(actor) && (actor->roles & ROLE_ADMIN));
}

static unsigned roles_of(const field_value *v)
{
	unsigned mask = 0;
	for (size_t i = 0; i < v->list_len; i++)
		mask |= role_parse(v->list[i]);
	return mask;
}

static int org_exists(db *d, int64_t org_id, bool *exists)
{
	int64_t id;
	int rc = db_query_int(d, &id, "SELECT id FROM orgs WHERE id = $1", "i", org_id);
	*exists = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}

typedef struct create_ctx {
	arena *a;
	const principal *actor;
	const char *email, *name, *hash;
	int64_t org_id, id;
	unsigned roles;
	bool is_active;
	field_errors *errs;
} create_ctx;

static int create_in_tx(db *d, void *vctx)
{
	create_ctx *c = vctx;
	bool org_ok;
	int64_t other;
	int rc = org_exists(d, c->org_id, &org_ok);
	if (rc == 0)
		rc = auth_user_id_by_email(d, c->email, &other);
	if (rc < 0)
		return rc;
	if (!org_ok)
		field_errors_add(c->errs, "org_id", "is not an organization in this program");
	if (other)
		field_errors_add(c->errs, "email", "is already used by another user");
	/* A taken email alone is a conflict (409); with other problems, the
	 * whole answer is a validation failure (422) naming each field. */
	if (!org_ok)
		return CK_E_INVALID;
	if (other)
		return CK_E_CONFLICT;
	int64_t now = auth_now();
	rc =
	    db_query_int(d, &c->id,
	                 "INSERT INTO users (org_id, email, name, roles, password_hash, is_active, "
	                 "password_changed_at, created_at, updated_at) "
	                 "VALUES ($1, $2, $3, $4, $5, $6, NULLIF(CAST($7 AS BIGINT), 0), $8, $8) "
	                 "RETURNING id",
	                 "ittitbii", c->org_id, c->email, c->name, (int64_t)c->roles, c->hash,
	                 (int)c->is_active, c->hash ? now : (int64_t)0, now);
	if (rc < 0)
		return rc;
	json_t *detail =
	    json_pack("{s:s, s:s, s:I, s:o, s:b, s:b}", "email", c->email, "name", c->name,
	              "org_id", (json_int_t)c->org_id, "roles", auth_roles_json(c->roles),
	              "is_active", c->is_active, "has_password", c->hash != NULL);
	return audit_append(d, c->actor, "user.create", "user", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int user_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                field_errors *errs)
{
	field_value v[F_COUNT];
	char hash[CRYPTO_PWHASH_LEN];
	if (!auth_allowed(actor, PERM_USERS_WRITE))
		return CK_E_FORBIDDEN;
	size_t before = errs->len;
	validate_fields(a, in, user_specs(), F_COUNT, v, errs);
	unsigned roles = roles_of(&v[F_ROLES]);
	if ((roles & ROLE_ADMIN) && !actor_is_admin(actor))
		field_errors_add(errs, "roles", "only an administrator may grant the admin role");
	const char *password = kv_get(in, "password");
	if (password && *password) {
		const char *why = password_check(a, password, v[F_EMAIL].text, v[F_NAME].text);
		if (why)
			field_errors_add(errs, "password", why);
	}
	if (errs->len > before)
		return CK_E_INVALID;
	if (password && *password && crypto_password_hash(password, hash) < 0)
		return CK_E_INTERNAL;
	create_ctx c = {
	    .a = a,
	    .actor = actor,
	    .email = v[F_EMAIL].text,
	    .name = v[F_NAME].text,
	    .hash = password && *password ? hash : NULL,
	    .org_id = v[F_ORG].number,
	    .roles = roles,
	    .is_active = !v[F_ACTIVE].present || v[F_ACTIVE].number != 0,
	    .errs = errs,
	};
	int rc = audit_tx(d, create_in_tx, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

typedef struct update_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	const field_value *v;
	field_errors *errs;
	bool is_access_changed; /* disabled, or roles or organization changed */
} update_ctx;

/* The rules about who may change whom, given the user before and the
 * roles and activity after. */
static int check_update(const update_ctx *c, const user *before, unsigned roles, bool is_active)
{
	bool admin = actor_is_admin(c->actor);
	size_t before_errs = c->errs->len;
	if ((before->roles & ROLE_ADMIN) && !admin)
		return CK_E_FORBIDDEN;
	if (((roles ^ before->roles) & ROLE_ADMIN) && !admin)
		field_errors_add(c->errs, "roles",
		                 "only an administrator may grant or remove the admin role");
	if (is_self(c->actor, c->id) && (before->roles & ROLE_ADMIN) && !(roles & ROLE_ADMIN))
		field_errors_add(c->errs, "roles", "you cannot remove your own admin role");
	if (is_self(c->actor, c->id) && !is_active)
		field_errors_add(c->errs, "is_active", "you cannot disable your own account");
	return c->errs->len > before_errs ? CK_E_INVALID : 0;
}

static void diff_text(json_t *b, json_t *af, const char *key, const char *old, const char *new)
{
	if (strcmp(old, new) != 0) {
		json_object_set_new(b, key, json_string(old));
		json_object_set_new(af, key, json_string(new));
	}
}

static int update_in_tx(db *d, void *vctx)
{
	update_ctx *c = vctx;
	const field_value *v = c->v;
	user before;
	int rc = load_scoped(d, c->a, c->actor, c->id, &before);
	if (rc < 0)
		return rc == CK_E_FORBIDDEN ? CK_E_NOT_FOUND : rc;
	const char *email = v[F_EMAIL].present ? v[F_EMAIL].text : before.email;
	const char *name = v[F_NAME].present ? v[F_NAME].text : before.name;
	int64_t org_id = v[F_ORG].present ? v[F_ORG].number : before.org_id;
	unsigned roles = v[F_ROLES].present ? roles_of(&v[F_ROLES]) : before.roles;
	bool active = v[F_ACTIVE].present ? v[F_ACTIVE].number != 0 : before.is_active;
	rc = check_update(c, &before, roles, active);
	if (rc < 0)
		return rc;
	if (strcmp(email, before.email) != 0) {
		int64_t other;
		rc = auth_user_id_by_email(d, email, &other);
		if (rc < 0)
			return rc;
		if (other) {
			field_errors_add(c->errs, "email", "is already used by another user");
			return CK_E_CONFLICT;
		}
	}
	if (org_id != before.org_id) {
		bool ok;
		rc = org_exists(d, org_id, &ok);
		if (rc < 0)
			return rc;
		if (!ok) {
			field_errors_add(c->errs, "org_id",
			                 "is not an organization in this program");
			return CK_E_INVALID;
		}
	}
	json_t *b = json_object(), *af = json_object();
	diff_text(b, af, "email", before.email, email);
	diff_text(b, af, "name", before.name, name);
	if (org_id != before.org_id) {
		json_object_set_new(b, "org_id", json_integer(before.org_id));
		json_object_set_new(af, "org_id", json_integer(org_id));
	}
	if (active != before.is_active) {
		json_object_set_new(b, "is_active", json_boolean(before.is_active));
		json_object_set_new(af, "is_active", json_boolean(active));
	}
	/* Roles are recorded on both sides always: who held what, and when. */
	json_object_set_new(b, "roles", auth_roles_json(before.roles));
	json_object_set_new(af, "roles", auth_roles_json(roles));
	bool changed = json_object_size(b) > 1 || roles != before.roles;
	json_t *detail = json_pack("{s:o, s:o}", "before", b, "after", af);
	const char *text = auth_json_text(c->a, detail);
	if (!changed)
		return 0;
	rc = db_run(d,
	            "UPDATE users SET email = $1, name = $2, org_id = $3, roles = $4, "
	            "is_active = $5, updated_at = $6 WHERE id = $7",
	            "ttiibii", email, name, org_id, (int64_t)roles, (int)active, auth_now(), c->id);
	if (rc >= 0 && !active && before.is_active)
		rc = session_end_all(d, c->id, 0);
	if (rc < 0)
		return rc;
	c->is_access_changed =
	    (!active && before.is_active) || roles != before.roles || org_id != before.org_id;
	return audit_append(d, c->actor, roles != before.roles ? "user.roles" : "user.update",
	                    "user", auth_id_text(c->a, c->id), AUDIT_SUCCESS, text);
}

int user_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                field_errors *errs)
{
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_USERS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = auth_validate_update(a, in, user_specs(), F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	update_ctx c = {a, actor, id, v, errs, false};
	rc = audit_tx(d, update_in_tx, &c);
	/* Streams opened under the old roles or organization end; their
	 * clients reconnect and are authorized afresh. */
	if (rc >= 0 && c.is_access_changed)
		auth_changed_user(id);
	return rc;
}

typedef struct password_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	const char *hash;
	bool self;
} password_ctx;

static int password_in_tx(db *d, void *vctx)
{
	password_ctx *c = vctx;
	int64_t now = auth_now();
	int rc = db_run(d,
	                "UPDATE users SET password_hash = $1, password_changed_at = $2, "
	                "updated_at = $2 WHERE id = $3",
	                "tii", c->hash, now, c->id);
	/* Everyone signed in with the old password is signed out, except
	 * the person changing their own, in the session they are using. */
	if (rc >= 0)
		rc = session_end_all(d, c->id, c->self ? c->actor->session_id : 0);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, c->self ? "password.change" : "password.reset", "user",
	                    auth_id_text(c->a, c->id), AUDIT_SUCCESS, NULL);
}

int user_set_password(db *d, arena *a, const principal *actor, int64_t id,
                      const char *current_password, const char *new_password, field_errors *errs)
{
	bool self = is_self(actor, id);
	user target;
	char hash[CRYPTO_PWHASH_LEN];
	if (!self && !auth_allowed(actor, PERM_USERS_WRITE))
		return CK_E_FORBIDDEN;
	int rc = load_scoped(d, a, actor, id, &target);
	if (rc < 0)
		return rc == CK_E_FORBIDDEN ? CK_E_NOT_FOUND : rc;
	if (!self && (target.roles & ROLE_ADMIN) && !actor_is_admin(actor))
		return CK_E_FORBIDDEN;
	size_t before = errs->len;
	if (self) {
		const char *stored = NULL;
		db_stmt *s;
		rc = db_prepare(d, "SELECT password_hash FROM users WHERE id = $1", &s);
		if (rc < 0)
			return rc;
		db_bind_int(s, 1, id);
		if (db_step(s) == DB_ROW && db_col_text(s, 0))
			stored = arena_strdup(a, db_col_text(s, 0));
		db_finish(s);
		if (!current_password || !*current_password)
			field_errors_add(errs, "current_password", "is required");
		else if (!crypto_password_verify(stored, current_password))
			field_errors_add(errs, "current_password", "is not your current password");
	}
	const char *why = password_check(a, new_password, target.email, target.name);
	if (why)
		field_errors_add(errs, "password", why);
	if (errs->len > before)
		return CK_E_INVALID;
	if (crypto_password_hash(new_password, hash) < 0)
		return CK_E_INTERNAL;
	password_ctx c = {a, actor, id, hash, self};
	rc = audit_tx(d, password_in_tx, &c);
	if (rc >= 0)
		auth_ended_user_sessions(id, self ? actor->session_id : 0);
	return rc;
}

typedef struct simple_ctx {
	const principal *actor;
	int64_t id;
	char id_text[24];
} simple_ctx;

static int unlock_in_tx(db *d, void *vctx)
{
	simple_ctx *c = vctx;
	int rc = db_run(d, "UPDATE users SET locked_at = NULL WHERE id = $1", "i", c->id);
	if (rc >= 0)
		rc = db_run(d, "DELETE FROM login_failures WHERE user_id = $1", "i", c->id);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, "account.unlock", "user", c->id_text, AUDIT_SUCCESS, NULL);
}

/* Loads the target for unlock and disable with a throwaway arena. */
static int load_target(db *d, const principal *actor, int64_t id, unsigned *roles)
{
	arena *a = arena_new();
	user u;
	int rc = load_scoped(d, a, actor, id, &u);
	*roles = rc == 0 ? u.roles : 0;
	arena_free(a);
	return rc == CK_E_FORBIDDEN ? CK_E_NOT_FOUND : rc;
}

int user_unlock(db *d, const principal *actor, int64_t id)
{
	unsigned roles;
	if (!auth_allowed(actor, PERM_USERS_UNLOCK))
		return CK_E_FORBIDDEN;
	int rc = load_target(d, actor, id, &roles);
	if (rc < 0)
		return rc;
	simple_ctx c = {actor, id, ""};
	snprintf(c.id_text, sizeof c.id_text, "%lld", (long long)id);
	return audit_tx(d, unlock_in_tx, &c);
}

static int disable_in_tx(db *d, void *vctx)
{
	simple_ctx *c = vctx;
	int rc = db_run(d, "UPDATE users SET is_active = 0, updated_at = $1 WHERE id = $2", "ii",
	                auth_now(), c->id);
	if (rc >= 0)
		rc = session_end_all(d, c->id, 0);
	if (rc < 0)
		return rc;
	return audit_append(d, c->actor, "user.disable", "user", c->id_text, AUDIT_SUCCESS, NULL);
}

int user_disable(db *d, const principal *actor, int64_t id)
{
	unsigned roles;
	if (!auth_allowed(actor, PERM_USERS_WRITE))
		return CK_E_FORBIDDEN;
	if (is_self(actor, id))
		return CK_E_CONFLICT;
	int rc = load_target(d, actor, id, &roles);
	if (rc < 0)
		return rc;
	if ((roles & ROLE_ADMIN) && !actor_is_admin(actor))
		return CK_E_FORBIDDEN;
	simple_ctx c = {actor, id, ""};
	snprintf(c.id_text, sizeof c.id_text, "%lld", (long long)id);
	rc = audit_tx(d, disable_in_tx, &c);
	if (rc >= 0)
		auth_changed_user(id);
	return rc;
}
