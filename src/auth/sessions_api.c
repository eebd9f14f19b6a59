/* sessions_api.c: the JSON API for the caller's sign-in sessions: list
 * and end one. */
#include "../base/errors.h"
#include "auth_web.h"
#include "sessions.h"

static json_t *session_json(const session_info *s)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:s?, s:s?, s:b}", "id", (json_int_t)s->id,
	                 "created_at", auth_json_time(s->created_at), "last_seen_at",
	                 auth_json_time(s->last_seen_at), "expires_at",
	                 auth_json_time(s->expires_at), "ip", s->ip, "user_agent", s->user_agent,
	                 "is_current", s->is_current);
}

/* GET /api/v1/sessions?limit=N&cursor=C: the caller's live sessions,
 * newest first; is_current marks the one making the request. */
static int sessions_list(request *req)
{
	auth_id_page pg;
	db *d;
	if (!auth_id_page_begin(req, &pg, &d))
		return 0;
	session_info *items = NULL;
	size_t n = 0;
	int rc = session_list(d, req->arena, &req->who, &items, &n);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (auth_id_page_takes(&pg, req->arena, items[i].id))
			json_array_append_new(arr, session_json(&items[i]));
	resp_json(req, 200, auth_list_json(arr, pg.next));
	return 0;
}

/* DELETE /api/v1/sessions/{id}: ends one of the caller's sessions. 204;
 * 404 for anyone else's and unknown ids. */
static int sessions_end(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	int rc = session_end_by_id(d, &req->who, id);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	req->resp.status = 204;
	return 0;
}

static const route sessions_api_routes[] = {
    {"GET", "/api/v1/sessions", sessions_list, PERM_SIGNED_IN, ROUTE_API,
     "The caller's live sessions, newest first; paged by limit and cursor"},
    {"DELETE", "/api/v1/sessions/{id}", sessions_end, PERM_SIGNED_IN, ROUTE_API,
     "End one of the caller's sessions"},
};

void sessions_api_register(void)
{
	ROUTES_ADD(sessions_api_routes);
}
