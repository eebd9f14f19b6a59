/* orgs_api.c: the JSON API for partner organizations: list, one, add and
 * change. Everyone signed in reads; coordinators and admins write. */
#include <string.h>

#include "../base/errors.h"
#include "auth_web.h"
#include "orgs.h"

static json_t *org_json(const org *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)o->id, "name",
	                 o->name, "kind", o->kind, "kind_label", org_kind_label(o->kind),
	                 "user_count", (json_int_t)o->user_count, "created_at",
	                 auth_json_time(o->created_at), "updated_at",
	                 auth_json_time(o->updated_at));
}

static int reply_org(request *req, db *d, int64_t id, int status)
{
	org o;
	int rc = org_get(d, req->arena, &req->who, id, &o);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	resp_json(req, status, org_json(&o));
	return 0;
}

/* GET /api/v1/orgs?limit=N&cursor=C: partner organizations by name. */
static int orgs_list(request *req)
{
	int limit;
	db *d;
	if (!auth_list_begin(req, 50, 200, &limit, &d))
		return 0;
	org *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = org_list(d, req->arena, &req->who, limit, kv_get(&req->query, "cursor"), &items,
	                  &n, &next);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, org_json(&items[i]));
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

/* POST /api/v1/orgs: JSON {name, kind}. 201 with the organization and
 * Location; 422 naming each bad field; 409 when the name is taken. */
static int orgs_create(request *req)
{
	return auth_api_create(req, org_create, "/api/v1/orgs", reply_org);
}

/* GET /api/v1/orgs/{id}: one organization. */
static int orgs_get(request *req)
{
	return auth_api_get(req, reply_org);
}

/* PATCH /api/v1/orgs/{id}: JSON with name and/or kind. 200 with the
 * organization. */
static int orgs_patch(request *req)
{
	return auth_api_update(req, org_update, reply_org);
}

static const route orgs_api_routes[] = {
    {"GET", "/api/v1/orgs", orgs_list, PERM_ORGS_READ, ROUTE_API,
     "Partner organizations by name; paged by limit and cursor"},
    {"POST", "/api/v1/orgs", orgs_create, PERM_ORGS_WRITE, ROUTE_API, "Add an organization"},
    {"GET", "/api/v1/orgs/{id}", orgs_get, PERM_ORGS_READ, ROUTE_API, "One organization"},
    {"PATCH", "/api/v1/orgs/{id}", orgs_patch, PERM_ORGS_WRITE, ROUTE_API,
     "Change an organization's name or kind"},
};

void orgs_api_register(void)
{
	ROUTES_ADD(orgs_api_routes);
}
