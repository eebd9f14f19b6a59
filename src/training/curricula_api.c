/* curricula_api.c: the JSON API of curricula. /api/v1/curricula lists
 * curricula and derives drafts; /api/v1/curricula/{id} is one version
 * (id = version id) with its modules and the guideline rules checked now;
 * its modules and approval below it. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/errors.h"
#include "curricula.h"
#include "curricula_web.h"
#include "guidelines.h"

static json_t *module_json(const curriculum_module *m)
{
	json_t *kinds = json_array();
	for (const char *p = m->instructor_kinds; *p;) {
		size_t len = strcspn(p, ",");
		if (len)
			json_array_append_new(kinds, json_stringn(p, len));
		p += len + (p[len] == ',');
	}
	return json_pack("{s:I, s:s, s:i, s:i, s:s, s:s, s:i, s:s, s:o, s:b, s:o}", "id",
	                 (json_int_t)m->id, "code", m->code, "position", m->position, "day", m->day,
	                 "title", m->title, "component", m->component, "minutes", m->minutes,
	                 "objectives", m->objectives, "instructor_kinds", kinds, "is_required",
	                 m->is_required, "model_minutes",
	                 m->model_minutes ? json_integer(m->model_minutes) : json_null());
}

static json_t *version_json(const curriculum_version *v)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:i}",
	                 "id", (json_int_t)v->id, "curriculum_id", (json_int_t)v->curriculum_id,
	                 "curriculum_name", v->curriculum_name, "kind", v->kind, "version",
	                 v->version, "title", v->title, "status", v->status, "based_on_id",
	                 v->based_on_id ? json_integer(v->based_on_id) : json_null(), "approved_at",
	                 auth_json_time(v->approved_at), "approved_by",
	                 v->approved_by ? json_integer(v->approved_by) : json_null(), "created_at",
	                 auth_json_time(v->created_at), "updated_at", auth_json_time(v->updated_at),
	                 "total_minutes", v->total_minutes, "module_count", v->module_count);
}

/* The version with its modules and rule results. */
static int reply_version(request *req, db *d, int64_t id, int status)
{
	curriculum_version v;
	curriculum_module *m = NULL;
	size_t n = 0;
	guideline_result r[GUIDELINE_RULES];
	bool ok = false;
	int rc = curriculum_version_get(d, req->arena, &req->who, id, &v);
	if (rc == 0)
		rc = curriculum_modules_list(d, req->arena, id, &m, &n);
	if (rc == 0)
		rc = curriculum_check(d, req->arena, m, n, r, &ok);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *o = version_json(&v), *mods = json_array(), *rules = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(mods, module_json(&m[i]));
	for (size_t i = 0; i < GUIDELINE_RULES; i++)
		json_array_append_new(rules, json_pack("{s:s, s:s, s:b, s:s}", "rule", r[i].rule,
		                                       "label", r[i].label, "passed",
		                                       r[i].is_passed, "message", r[i].message));
	json_object_set_new(o, "modules", mods);
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "rules_pass", json_boolean(ok));
	resp_json(req, status, o);
	return 0;
}

/* GET /api/v1/curricula?limit=N&cursor=C: curricula (model first, then
 * by name) with their newest and newest approved version. */
static int curricula_list_api(request *req)
{
	int limit;
	db *d;
	if (!auth_list_begin(req, 50, 200, &limit, &d))
		return 0;
	curriculum *items;
	size_t n;
	const char *next;
	int rc = curriculum_page(d, req->arena, &req->who, limit, kv_get(&req->query, "cursor"),
	                         &items, &n, &next);
	if (rc < 0) {
		auth_list_fail(req, rc);
		return 0;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const curriculum *c = &items[i];
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:s, s:s, s:o, s:I, s:i, s:s, s:o}", "id", (json_int_t)c->id,
		              "name", c->name, "kind", c->kind, "created_at",
		              auth_json_time(c->created_at), "latest_version_id",
		              (json_int_t)c->latest_version_id, "latest_version", c->latest_version,
		              "latest_status", c->latest_status, "approved_version_id",
		              c->approved_version_id ? json_integer(c->approved_version_id)
		                                     : json_null()));
	}
	resp_json(req, 200, auth_list_json(arr, next));
	return 0;
}

/* A write's result: the version (status) or the problem. */
static int reply_write(request *req, db *d, int64_t id, int rc, const field_errors *errs,
                       int status)
{
	if (!auth_api_ok(req, rc, errs))
		return 0;
	return reply_version(req, d, id, status);
}

/* POST /api/v1/curricula: JSON {from_version_id, name?, title?}. 201 with
 * the new draft version and Location. */
static int curricula_derive_api(request *req)
{
	return auth_api_create(req, curriculum_derive, "/api/v1/curricula", reply_version);
}

/* GET /api/v1/curricula/{id}: one version, its modules and rule results. */
static int version_get_api(request *req)
{
	return auth_api_get(req, reply_version);
}

/* PATCH /api/v1/curricula/{id}: JSON {title} of a draft. */
static int version_patch_api(request *req)
{
	return auth_api_update(req, curriculum_version_update, reply_version);
}

/* POST /api/v1/curricula/{id}/approve: 200 with the approved version, or
 * 409 with one error per failing rule. */
static int approve_api(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_approve(d, req->arena, &req->who, id, &errs);
	return reply_write(req, d, id, rc, &errs, 200);
}

/* POST /api/v1/curricula/{id}/modules: JSON {title, component, minutes,
 * day?, code?, objectives?, instructor_kinds?}. 201 with the version. */
static int module_add_api(request *req)
{
	int64_t id, mid;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_module_add(d, req->arena, &req->who, id, in, &mid, &errs);
	return reply_write(req, d, id, rc, &errs, 201);
}

/* The module id of the path when it belongs to the version of the path
 * and the caller may read that version; else the error is set. */
static bool module_in_version(request *req, db *d, int64_t *id, int64_t *mid)
{
	int64_t owner = 0;
	curriculum_version v;
	if (!auth_path_id(req, 0, id) || !auth_path_id(req, 1, mid))
		return false;
	int rc = curriculum_version_get(d, req->arena, &req->who, *id, &v);
	if (rc == 0)
		rc = curriculum_module_version(d, *mid, &owner);
	if (rc == 0 && owner != *id)
		rc = CK_E_NOT_FOUND;
	if (rc < 0) {
		auth_api_fail(req, rc, NULL);
		return false;
	}
	return true;
}

/* PATCH /api/v1/curricula/{id}/modules/{mid}: JSON with any of title,
 * minutes, day, position, objectives, instructor_kinds, component (local
 * modules). 200 with the version. */
static int module_patch_api(request *req)
{
	int64_t id, mid;
	const kv *in = NULL;
	db *d = auth_db(req);
	if (!d || !module_in_version(req, d, &id, &mid) || request_fields(req, &in) < 0)
		return 0;
	field_errors errs = {0};
	int rc = curriculum_module_update(d, req->arena, &req->who, mid, in, &errs);
	return reply_write(req, d, id, rc, &errs, 200);
}

/* DELETE /api/v1/curricula/{id}/modules/{mid}: removes a module the model
 * does not require (409 for a required one). 200 with the version. */
static int module_delete_api(request *req)
{
	int64_t id, mid;
	db *d = auth_db(req);
	if (!d || !module_in_version(req, d, &id, &mid))
		return 0;
	field_errors errs = {0};
	int rc = curriculum_module_remove(d, req->arena, &req->who, mid, &errs);
	return reply_write(req, d, id, rc, &errs, 200);
}

static const route curricula_api_routes[] = {
    {"GET", "/api/v1/curricula", curricula_list_api, PERM_CURRICULA_READ, ROUTE_API,
     "Curricula (the national model first) with their newest and approved versions; "
     "paged by limit and cursor"},
    {"POST", "/api/v1/curricula", curricula_derive_api, PERM_CURRICULA_WRITE, ROUTE_API,
     "Derive a draft version from the model (with a name) or an earlier version"},
    {"GET", "/api/v1/curricula/{id}", version_get_api, PERM_CURRICULA_READ, ROUTE_API,
     "One curriculum version with its modules and guideline rule results"},
    {"PATCH", "/api/v1/curricula/{id}", version_patch_api, PERM_CURRICULA_WRITE, ROUTE_API,
     "Change a draft version's title"},
    {"POST", "/api/v1/curricula/{id}/approve", approve_api, PERM_CURRICULA_WRITE, ROUTE_API,
     "Approve a draft whose guideline rules all pass (409 listing failing rules)"},
    {"POST", "/api/v1/curricula/{id}/modules", module_add_api, PERM_CURRICULA_WRITE, ROUTE_API,
     "Add a local module to a draft"},
    {"PATCH", "/api/v1/curricula/{id}/modules/{mid}", module_patch_api, PERM_CURRICULA_WRITE,
     ROUTE_API, "Re-time, move, rename or describe a module of a draft"},
    {"DELETE", "/api/v1/curricula/{id}/modules/{mid}", module_delete_api, PERM_CURRICULA_WRITE,
     ROUTE_API, "Remove a module the model does not require from a draft"},
};

void curricula_api_register(void)
{
	ROUTES_ADD(curricula_api_routes);
}
