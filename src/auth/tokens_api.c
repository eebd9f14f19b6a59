/* tokens_api.c: the JSON API for the caller's API tokens: list, create
 * (the secret is in the response once, and nowhere else) and revoke. */
#include "../base/errors.h"
#include "auth_web.h"
#include "tokens.h"

static json_t *token_json(const api_token *t)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)t->id,
	                 "user_id", (json_int_t)t->user_id, "name", t->name, "prefix", t->prefix,
	                 "created_at", auth_json_time(t->created_at), "last_used_at",
	                 auth_json_time(t->last_used_at), "expires_at",
	                 auth_json_time(t->expires_at), "revoked_at",
	                 auth_json_time(t->revoked_at));
}

/* GET /api/v1/tokens?limit=N&cursor=C: the caller's tokens, newest first,
 * revoked ones included. */
static int tokens_list(request *req)
{
	auth_id_page pg;
	db *d;
	if (!auth_id_page_begin(req, &pg, &d))
		return 0;
	api_token *items = NULL;
	size_t n = 0;
	int rc = token_list(d, req->arena, &req->who, 0, &items, &n);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (auth_id_page_takes(&pg, req->arena, items[i].id))
			json_array_append_new(arr, token_json(&items[i]));
	resp_json(req, 200, auth_list_json(arr, pg.next));
	return 0;
}

/* POST /api/v1/tokens: JSON {name, expires_at?} (a date or RFC 3339
 * time). 201 with the token and its secret in "token", shown this once. */
static int tokens_create(request *req)
{
	const kv *in = NULL;
	db *d;
	if (!auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	const char *plain = NULL;
	int rc = token_create(d, req->arena, &req->who, 0, in, &id, &plain, &errs);
	api_token *items = NULL;
	size_t n = 0;
	if (rc >= 0)
		rc = token_list(d, req->arena, &req->who, 0, &items, &n);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i].id != id)
			continue;
		json_t *j = token_json(&items[i]);
		json_object_set_new(j, "token", json_string(plain));
		auth_api_location(req, "/api/v1/tokens", id);
		resp_json(req, 201, j);
		return 0;
	}
	resp_error(req, CK_E_INTERNAL, NULL);
	return 0;
}

/* DELETE /api/v1/tokens/{id}: revokes one of the caller's tokens (any
 * token for an admin). 204; 404 for others' and unknown ids. */
static int tokens_revoke(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = token_revoke(d, &req->who, id);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	req->resp.status = 204;
	return 0;
}

static const route tokens_api_routes[] = {
    {"GET", "/api/v1/tokens", tokens_list, PERM_TOKENS_CREATE, ROUTE_API,
     "The caller's API tokens, newest first; paged by limit and cursor"},
    {"POST", "/api/v1/tokens", tokens_create, PERM_TOKENS_CREATE, ROUTE_API,
     "Create an API token; its secret is returned once"},
    {"DELETE", "/api/v1/tokens/{id}", tokens_revoke, PERM_TOKENS_CREATE, ROUTE_API,
     "Revoke an API token"},
};

void tokens_api_register(void)
{
	ROUTES_ADD(tokens_api_routes);
}
