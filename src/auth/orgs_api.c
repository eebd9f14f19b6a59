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
	if (!auth_query_limit(req, 50, 200, &limit))
		return 0;
	db *d = auth_db(req);
	if (!d)
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
	const kv *in = NULL;
	db *d;
	if (!auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = org_create(d, req->arena, &req->who, in, &id, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	resp_header(req, "Location", arena_printf(req->arena, "/api/v1/orgs/%lld", (long long)id));
	return reply_org(req, d, id, 201);
}

/* GET /api/v1/orgs/{id}: one organization. */
static int orgs_get(request *req)
{
	int64_t id;
	if (!auth_path_id(req, 0, &id))
		return 0;
	db *d = auth_db(req);
	return d ? reply_org(req, d, id, 200) : 0;
}

/* PATCH /api/v1/orgs/{id}: JSON with name and/or kind. 200 with the
 * organization. */
static int orgs_patch(request *req)
{
	int64_t id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int rc = org_update(d, req->arena, &req->who, id, in, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_org(req, d, id, 200);
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
