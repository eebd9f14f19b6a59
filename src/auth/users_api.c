/* users_api.c: the JSON API for people: who am I (/api/v1/me), the list
 * with filters, one person, adding, changing and unlocking. Scope rules
 * are the users service's: a person outside the caller's scope is 404. */
#include <stdlib.h>
#include <string.h>

#include "../base/errors.h"
#include "auth_web.h"
#include "users.h"

/* A person's fields, inside an object the caller has opened: one shape
 * for the list, one person and /me. */
static void user_fields(json_out *o, const user *u)
{
	json_out_key(o, "id");
	json_out_int(o, u->id);
	json_out_key(o, "org_id");
	json_out_int(o, u->org_id);
	json_out_key(o, "org_name");
	json_out_string(o, u->org_name);
	json_out_key(o, "email");
	json_out_string(o, u->email);
	json_out_key(o, "name");
	json_out_string(o, u->name);
	json_out_key(o, "roles");
	json_out_array(o);
	for (unsigned i = 0; i < ROLE_COUNT; i++)
		if (u->roles & (1u << i))
			json_out_string(o, role_name((role)(1u << i)));
	json_out_end(o);
	json_out_key(o, "is_active");
	json_out_bool(o, u->is_active);
	json_out_key(o, "is_locked");
	json_out_bool(o, u->is_locked);
	json_out_key(o, "has_password");
	json_out_bool(o, u->has_password);
	json_out_key(o, "totp_enabled");
	json_out_bool(o, u->totp_enabled);
	json_out_key(o, "locked_at");
	json_out_time(o, u->locked_at);
	json_out_key(o, "password_changed_at");
	json_out_time(o, u->password_changed_at);
	json_out_key(o, "created_at");
	json_out_time(o, u->created_at);
	json_out_key(o, "updated_at");
	json_out_time(o, u->updated_at);
}

/* The permissions roles grant, by name: what a client may try. */
static json_t *permissions_json(unsigned roles)
{
	json_t *out = json_array();
	for (int p = PERM_SIGNED_IN; p < PERM_COUNT; p++)
		if (p != PERM_METRICS && perm_granted(roles, (perm)p))
			json_array_append_new(out, json_string(perm_name((perm)p)));
	return out;
}

static int reply_user(request *req, db *d, int64_t id, int status)
{
	user u;
	int rc = user_get(d, req->arena, &req->who, id, &u);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_out o;
	resp_json_stream(req, status, 512, &o);
	json_out_object(&o);
	user_fields(&o, &u);
	json_out_end(&o);
	return 0;
}

/* GET /api/v1/me: the caller, with their roles, permissions and how they
 * signed in (session or token). */
static int me_get(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	user u;
	int rc = user_get(d, req->arena, &req->who, req->who.user_id, &u);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_out o;
	json_t *perms = permissions_json(u.roles);
	resp_json_stream(req, 200, 1024, &o);
	json_out_object(&o);
	user_fields(&o, &u);
	json_out_key(&o, "permissions");
	json_out_value(&o, perms);
	json_out_key(&o, "auth");
	json_out_string(&o, req->who.via_token ? "token" : "session");
	json_out_end(&o);
	json_decref(perms);
	return 0;
}

/* The list filters from the query; false with a 422 set when one is
 * malformed. */
static bool read_filter(request *req, user_filter *f)
{
	field_errors errs = {0};
	memset(f, 0, sizeof *f);
	f->active = -1;
	int64_t org_id = auth_query_id(req, "org");
	if (org_id < 0)
		field_errors_add(&errs, "org", "must be an organization id");
	else
		f->org_id = org_id;
	const char *r = kv_get(&req->query, "role");
	if (r && *r && !(f->role = role_parse(r)))
		field_errors_add(&errs, "role", "must be one of the role names");
	const char *active = kv_get(&req->query, "active");
	if (active && *active) {
		if (!strcmp(active, "true") || !strcmp(active, "1"))
			f->active = 1;
		else if (!strcmp(active, "false") || !strcmp(active, "0"))
			f->active = 0;
		else
			field_errors_add(&errs, "active", "must be true or false");
	}
	const char *q = kv_get(&req->query, "q");
	f->q = q && *q ? q : NULL;
	if (errs.len) {
		resp_validation(req, &errs);
		return false;
	}
	return true;
}

/* GET /api/v1/users?limit=N&cursor=C&org=ID&role=NAME&active=true|false&q=TEXT:
 * people in the caller's scope, by name. */
static int users_list(request *req)
{
	user_filter f;
	int limit;
	db *d;
	if (!read_filter(req, &f) || !auth_list_begin(req, 50, 200, &limit, &d))
		return 0;
	user *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = user_list(d, req->arena, &req->who, &f, limit, kv_get(&req->query, "cursor"),
	                   &items, &n, &next);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	/* Written straight into the body: the busiest list of the API. */
	json_out o;
	resp_json_stream(req, 200, 64 + n * 400, &o);
	json_out_object(&o);
	json_out_key(&o, "items");
	json_out_array(&o);
	for (size_t i = 0; i < n; i++) {
		json_out_object(&o);
		user_fields(&o, &items[i]);
		json_out_end(&o);
	}
	json_out_end(&o);
	json_out_key(&o, "next_cursor");
	json_out_string(&o, next);
	json_out_end(&o);
	return 0;
}

/* POST /api/v1/users: JSON {email, name, org_id, roles: [..], is_active?,
 * password?}. 201 with the person and Location; 422 naming each bad
 * field; 409 when the email is taken. */
static int users_create(request *req)
{
	return auth_api_create(req, user_create, "/api/v1/users", reply_user);
}

/* GET /api/v1/users/{id}: one person (404 outside the caller's scope). */
static int users_get(request *req)
{
	return auth_api_get(req, reply_user);
}

/* PATCH /api/v1/users/{id}: JSON with any of email, name, org_id, roles,
 * is_active; absent fields keep their values. 200 with the person. */
static int users_patch(request *req)
{
	return auth_api_update(req, user_update, reply_user);
}

/* POST /api/v1/users/{id}/unlock: clears a lockout. 200 with the person. */
static int users_unlock(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = user_unlock(d, &req->who, id);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	return reply_user(req, d, id, 200);
}

static const route users_api_routes[] = {
    {"GET", "/api/v1/me", me_get, PERM_SIGNED_IN, ROUTE_API,
     "The caller: profile, roles and permissions"},
    {"GET", "/api/v1/users", users_list, PERM_USERS_READ, ROUTE_API,
     "People in scope; filters org, role, active, q; paged by limit and cursor"},
    {"POST", "/api/v1/users", users_create, PERM_USERS_WRITE, ROUTE_API, "Add a person"},
    {"GET", "/api/v1/users/{id}", users_get, PERM_USERS_READ, ROUTE_API, "One person"},
    {"PATCH", "/api/v1/users/{id}", users_patch, PERM_USERS_WRITE, ROUTE_API,
     "Change a person's name, email, organization, roles or active flag"},
    {"POST", "/api/v1/users/{id}/unlock", users_unlock, PERM_USERS_UNLOCK, ROUTE_API,
     "Unlock an account locked by failed sign-ins"},
};

void users_api_register(void)
{
	ROUTES_ADD(users_api_routes);
}
